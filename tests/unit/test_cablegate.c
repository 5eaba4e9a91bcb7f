/*
 * test_cablegate.c — extract_html() on real WikiLeaks Cablegate pages from
 * the shared slice in $SHARED/corpora/cablegate_html (skipped when it is
 * absent): the header table's fields, the date, the title from the SUBJECT
 * line, the tags, a text that is the cable (routing header first, a phrase
 * of the cable's own, its signature) and not the ~40 KB of site navigation
 * every page carries.  Five cables: a 2009 Baghdad cable whose text ends in
 * stray markup, a 1975 Tehran cable, a 1988 page with plain-text "Tags:"
 * and an extra row in its header table, a 1990 Cape Town cable whose first
 * block starts with the classification and whose subject is "SUBJ:", and a
 * 2009 Iran RPO Dubai cable.  Finally every page of the slice: each gives a
 * reference ID, a date, a classification, an origin, no navigation, and a
 * text at least 30 KB shorter than its page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "extract.h"

static char root[4096]; /* .../corpora/cablegate_html/cable */

static int setup(void **state)
{
	(void)state;
	const char *shared = getenv("SHARED");
	snprintf(root, sizeof root, "%s/corpora/cablegate_html/cable", shared ? shared : "../shared");
	return 0;
}

static void need_corpus(void)
{
	struct stat st;
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		print_message("skip: %s is absent\n", root);
		skip();
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static const char *meta(const struct xdoc *d, const char *key)
{
	const cJSON *v = d->meta ? cJSON_GetObjectItemCaseSensitive(d->meta, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Site navigation found on every page of the slice (checked below). */
static const char *const nav[] = {"Browse latest releases", "Currently released so far",
				  "Keep Us Strong", "courage is contagious", "Understanding cables",
				  "Browse by classification", "Viewing cable", "Cable Viewer"};

/* Extracts one page (path under root); returns its size in bytes. */
static size_t extract_page(const char *rel, struct xdoc *d)
{
	char path[4900];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	size_t len = 0;
	char *page = slurp(path, &len);
	if (!page)
		fail_msg("cannot read %s", path);
	struct xctx x;
	memset(&x, 0, sizeof x);
	struct err e = {""};
	xdoc_init(d);
	if (extract_html(&x, page, len, d, &e) != 0)
		fail_msg("%s: %s", rel, e.msg);
	/* the premise: the page carries the navigation */
	for (size_t i = 0; i < 4; i++)
		if (!strstr(page, nav[i]))
			fail_msg("%s lacks '%s': the test's premise is wrong", rel, nav[i]);
	free(page);
	return len;
}

struct want {
	const char *file, *ref, *classification, *origin, *date, *title, *tags;
	const char *start;  /* the text's first bytes */
	const char *phrase; /* in the cable's body */
	const char *end;    /* the text's last bytes (signature) */
};

static void check(const struct want *w)
{
	need_corpus();
	struct xdoc d;
	size_t size = extract_page(w->file, &d);
	assert_string_equal(d.type, "html");
	assert_string_equal(meta(&d, "reference_id"), w->ref);
	assert_string_equal(meta(&d, "classification"), w->classification);
	assert_string_equal(meta(&d, "origin"), w->origin);
	assert_string_equal(d.date, w->date);
	assert_string_equal(d.title, w->title);
	assert_string_equal(meta(&d, "tags"), w->tags);
	assert_true(utf8_valid(d.text.p, d.text.len));
	assert_int_equal(strlen(d.text.p), d.text.len);
	if (strncmp(d.text.p, w->start, strlen(w->start)))
		fail_msg("%s starts with \"%.80s\"", w->file, d.text.p);
	if (!strstr(d.text.p, w->phrase))
		fail_msg("%s lacks \"%s\"", w->file, w->phrase);
	size_t el = strlen(w->end);
	if (d.text.len < el || strcmp(d.text.p + d.text.len - el, w->end))
		fail_msg("%s ends with \"%s\"", w->file, d.text.p + (d.text.len > 80 ? d.text.len - 80 : 0));
	for (size_t i = 0; i < sizeof nav / sizeof *nav; i++)
		if (strstr(d.text.p, nav[i]))
			fail_msg("%s: text holds the navigation '%s'", w->file, nav[i]);
	const char *markup[] = {"</td>", "</table>", "&#x000A;", "<a ", "\xC2\xB6"};
	for (size_t i = 0; i < sizeof markup / sizeof *markup; i++)
		if (strstr(d.text.p, markup[i]))
			fail_msg("%s: text holds markup '%s'", w->file, markup[i]);
	assert_true(d.text.len < size / 2);
	xdoc_free(&d);
}

static void test_baghdad_2009(void **state)
{
	(void)state;
	/* the page ends its cable with "</td></tr>&#x000A;</table></pre></code>" */
	static const struct want w = {
		"2009/01/09BAGHDAD11.html", "09BAGHDAD11", "SECRET", "Embassy Baghdad",
		"2009-01-05T11:11:00",
		"09BAGHDAD11: NAJAF CLERICAL LEADERS FEAR IRANIAN IDEOLOGICAL DOMINANCE",
		"PGOV,PINS,KISL,IZ", "VZCZCXRO9693\nPP RUEHBC RUEHDE RUEHDIR RUEHIHL RUEHKUK\n",
		"Qods Force commander \nQasem Soleimani sent separate envoys", "COMMENT. \nCROCKER"};
	check(&w);
}

static void test_tehran_1975(void **state)
{
	(void)state;
	static const struct want w = {
		"1975/03/75TEHRAN2069.html", "75TEHRAN2069", "CONFIDENTIAL", "Embassy Tehran",
		"1975-03-04T11:11:00", "75TEHRAN2069: IRANIAN RESURGENCE PARTY CREATED BY SHAH",
		"PINT,IR", "R 041125Z MAR 75\nFM AMEMBASSY TEHRAN\nTO SECSTATE WASHDC 475\n\n"
			   "C O N F I D E N T I A L SECTION 1 OF 2 TEHRAN 2069",
		"CREATION OF IRANIAN RESURGENCE PARTY ANNOUNCED BY SHAH", "Systematic Review 05 JUL 2006"};
	check(&w);
}

static void test_baghdad_1988(void **state)
{
	(void)state;
	/* "Tags: mtcre, parm, ..." as plain text, and a header-table row
	 * "Appears in these articles" after the values */
	static const struct want w = {
		"1988/01/88BAGHDAD28.html", "88BAGHDAD28", "CONFIDENTIAL", "Embassy Baghdad",
		"1988-01-02T12:12:00",
		"88BAGHDAD28: german test chamber sold by chinese subsidiary to iran's dio (s)",
		"MTCRE,PARM,PREL,ETTC,MNUC,TSPA,IR,GM,CH",
		"R 021258Z JAN 88\nFM AMEMBASSY BAGHDAD\nTO SECSTATE WASHDC 9118\n\nS e c r e t state 068250",
		"This is an action request. Embassy Berlin please see paragraph 3.", "\n\nClinton"};
	check(&w);
}

static void test_capetown_1990(void **state)
{
	(void)state;
	/* the first block starts with the classification; "SUBJ:" */
	static const struct want w = {
		"1990/01/90CAPETOWN97.html", "90CAPETOWN97", "CONFIDENTIAL", "Consulate Cape Town",
		"1990-01-17T15:03:00", "90CAPETOWN97: ESSA MOOSA TALKS ABOUT MANDELA AND OTHER TOPICS",
		"PGOV,PHUM,SF", "CONFIDENTIAL\n\nPAGE 01        CAPE T  00097  01 OF 03  182017Z\n",
		"LONDON FOR KOLKER, PARIS FOR FENDRICK", "JACKSON VISIT. \n \nBAQUET"};
	check(&w);
}

static void test_rpodubai_2009(void **state)
{
	(void)state;
	static const struct want w = {
		"2009/08/09RPODUBAI316.html", "09RPODUBAI316", "SECRET//NOFORN", "Iran RPO Dubai",
		"2009-08-03T11:11:00", "09RPODUBAI316: IRAN: AHMADINEJAD'S STAR FADING IN THE ARAB WORLD?",
		"PREL,PROP,PGOV,PINR,IR", "VZCZCXRO3166\nRR RUEHBC RUEHDE RUEHKUK RUEHTRO\n",
		"Since Iran's June 12 presidential elections, \nArab media have intensely focused",
		"Iranian president. \nRICHARDSON"};
	check(&w);
}

/* Every page of the slice: fields present, no navigation, a short text. */
static void test_whole_slice(void **state)
{
	(void)state;
	need_corpus();
	int pages = 0, with_tags = 0, with_subject = 0;
	DIR *years = opendir(root);
	assert_non_null(years);
	struct dirent *y, *m, *f;
	while ((y = readdir(years))) {
		if (y->d_name[0] == '.')
			continue;
		char ydir[4400];
		snprintf(ydir, sizeof ydir, "%s/%s", root, y->d_name);
		DIR *months = opendir(ydir);
		if (!months)
			continue;
		while ((m = readdir(months))) {
			if (m->d_name[0] == '.')
				continue;
			char mdir[4700];
			snprintf(mdir, sizeof mdir, "%s/%s", ydir, m->d_name);
			DIR *files = opendir(mdir);
			if (!files)
				continue;
			while ((f = readdir(files))) {
				size_t fl = strlen(f->d_name);
				if (fl < 6 || strcmp(f->d_name + fl - 5, ".html"))
					continue;
				char rel[800];
				snprintf(rel, sizeof rel, "%s/%s/%s", y->d_name, m->d_name, f->d_name);
				struct xdoc d;
				size_t size = extract_page(rel, &d);
				/* the file is named after its reference ID */
				const char *ref = meta(&d, "reference_id");
				if (!ref || strncmp(f->d_name, ref, fl - 5) || strlen(ref) != fl - 5)
					fail_msg("%s: reference_id %s", rel, ref ? ref : "(none)");
				if (!d.date || !meta(&d, "classification") || !meta(&d, "origin"))
					fail_msg("%s: date, classification or origin missing", rel);
				if (strncmp(d.date, y->d_name, 4))
					fail_msg("%s: date %s", rel, d.date);
				for (size_t i = 0; i < sizeof nav / sizeof *nav; i++)
					if (strstr(d.text.p, nav[i]))
						fail_msg("%s: text holds '%s'", rel, nav[i]);
				/* (the navigation alone is 36 KB or more; the
				 * longest cables are over half their page) */
				if (d.text.len < 200 || d.text.len + 30000 > size)
					fail_msg("%s: %zu bytes of text from %zu", rel, d.text.len, size);
				with_tags += meta(&d, "tags") != NULL;
				with_subject += d.subject != NULL;
				pages++;
				xdoc_free(&d);
			}
			closedir(files);
		}
		closedir(months);
	}
	closedir(years);
	print_message("%d pages, %d with tags, %d with a subject\n", pages, with_tags, with_subject);
	assert_true(pages >= 1000);
	/* the README: 13 cables have no TAGS: line, but most of those have
	 * "TAGS" without the colon or "TAG:"; only a rare one has none */
	assert_true(with_tags >= pages - 3);
	assert_true(with_subject >= pages - 20);
}

int main(void)
{
	extract_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baghdad_2009),  cmocka_unit_test(test_tehran_1975),
		cmocka_unit_test(test_baghdad_1988),  cmocka_unit_test(test_capetown_1990),
		cmocka_unit_test(test_rpodubai_2009), cmocka_unit_test(test_whole_slice),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
