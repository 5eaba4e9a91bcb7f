/*
 * test_rules.c — rules_find(): DATE mentions and their ISO 8601 values
 * (years, months, days, seasons, decades, ranges, ambiguous numeric dates),
 * EMAIL, URL and PHONE, with byte offsets that point at the mention, and
 * text that must not match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* All mentions of s as "TYPE:text=value" joined by " | ". */
static char *found(const char *s)
{
	struct rules_result r = RULES_RESULT_INIT;
	struct err e;
	assert_int_equal(rules_find(s, strlen(s), &r, &e), 0);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < r.n; i++) {
		assert_true(r.m[i].start < r.m[i].end && r.m[i].end <= strlen(s));
		if (i) {
			assert_true(r.m[i].start >= r.m[i - 1].end);
			buf_adds(&b, " | ");
		}
		buf_printf(&b, "%s:%.*s=%s", rules_type_name(r.m[i].type), (int)(r.m[i].end - r.m[i].start),
			   s + r.m[i].start, r.m[i].value ? r.m[i].value : "NULL");
	}
	rules_result_free(&r);
	buf_addc(&b, 0);
	return buf_detach(&b);
}

#define FOUND(in, want)                         \
	do {                                    \
		char *got_ = found(in);         \
		assert_string_equal(got_, want); \
		free(got_);                     \
	} while (0)

static void test_dates(void **state)
{
	FOUND("It happened in 2014.", "DATE:2014=2014");
	FOUND("In October 2019 the cables leaked.", "DATE:October 2019=2019-10");
	FOUND("on 18 November 2019, and on November 18, 2019", "DATE:18 November 2019=2019-11-18 | "
	      "DATE:November 18, 2019=2019-11-18");
	FOUND("the 18th of Nov. 2019", "DATE:18th of Nov. 2019=2019-11-18");
	FOUND("in summer 2014 and winter of 2015", "DATE:summer 2014=2014-22 | DATE:winter of 2015=2015-24");
	FOUND("between 2010 and 2017 he served", "DATE:between 2010 and 2017=2010/2017");
	FOUND("from March 2003 to May 2011", "DATE:from March 2003 to May 2011=2003-03/2011-05");
	FOUND("the 2010-2017 period and 1990-95", "DATE:2010-2017=2010/2017 | DATE:1990-95=1990/1995");
	FOUND("dated 1996-08-22.", "DATE:1996-08-22=1996-08-22");
	FOUND("in the 1990s", "DATE:1990s=199");
	FOUND("on 03/04/2010 and 25/12/2010", "DATE:03/04/2010=NULL | DATE:25/12/2010=2010-12-25");
	FOUND("ON 18 NOVEMBER 2019 IN BAGHDAD", "DATE:18 NOVEMBER 2019=2019-11-18");
	FOUND("on March 3", "DATE:March 3=--03-03");
}

static void test_not_dates(void **state)
{
	FOUND("He scored 3000 points, 12.2014 and 2014.5 times; 45 men; 2014%", "");
	FOUND("You may 2 go; the 31 February never was", "");
	FOUND("March on, soldiers", "");
}

static void test_email_url_phone(void **state)
{
	FOUND("write to John.Doe@State.GOV today", "EMAIL:John.Doe@State.GOV=john.doe@state.gov");
	FOUND("see https://wikileaks.org/cable/2010/12/10BAGHDAD1.html.",
	      "URL:https://wikileaks.org/cable/2010/12/10BAGHDAD1.html=https://wikileaks.org/cable/2010/12/10BAGHDAD1.html");
	FOUND("(see www.example.com)", "URL:www.example.com=www.example.com");
	FOUND("call +44 20 7946 0958 or (202) 555-0143 or 202-555-0143",
	      "PHONE:+44 20 7946 0958=+442079460958 | PHONE:(202) 555-0143=2025550143 | "
	      "PHONE:202-555-0143=2025550143");
	FOUND("Tel: 0964 750 123 4567", "PHONE:0964 750 123 4567=09647501234567");
	FOUND("not an address: a@b, x@y.z1", "");
}

static void test_hostile_bytes(void **state)
{
	const char s[] = "2014\0\xff\xfe@@@ +(((( 18 November";
	struct rules_result r = RULES_RESULT_INIT;
	struct err e;
	assert_int_equal(rules_find(s, sizeof s - 1, &r, &e), 0);
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.m[i].end <= sizeof s - 1);
	rules_result_free(&r);
	/* a date cut off by the end of the buffer */
	assert_int_equal(rules_find("18 Nov", 4, &r, &e), 0);
	rules_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_not_dates),
		cmocka_unit_test(test_email_url_phone),
		cmocka_unit_test(test_hostile_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
