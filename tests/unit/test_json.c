/*
 * test_json.c — json_print() writes the same bytes as cJSON's own printer
 * (which the CLI used before, and which a client may have compared with):
 * numbers of every sort, strings with every escape, raw text, nesting, and
 * a few thousand random trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void same(const cJSON *v)
{
	char *want = cJSON_PrintUnformatted(v);
	size_t len = 0;
	char *got = json_print(v, &len);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(want);
	free(got);
}

static void test_numbers(void **state)
{
	static const double nums[] = {0, -0.0, 1, -1, 42, 54861, 2147483647.0, 2147483648.0, -2147483648.0,
				      -2147483649.0, 1e15, 1e16, 123456789012345678.0, 0.1, 0.25, 1.0 / 3, -2.5e-7,
				      3.14159265358979, 1e-300, 1e300, DBL_MAX, DBL_MIN, 0.1 + 0.2, 16.0 / 7};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "n", nums[i]);
		same(o);
		cJSON_Delete(o);
	}
	cJSON *a = cJSON_CreateArray();
	cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(INFINITY));
	same(a);
	cJSON_Delete(a);
}

static void test_strings_and_kinds(void **state)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "plain", "Qassem Soleimani");
	cJSON_AddStringToObject(o, "escapes", "quote \" back \\ nl \n cr \r tab \t bs \b ff \f nul-less \x01\x1f end");
	cJSON_AddStringToObject(o, "utf8", "قاسم سليماني — Ḥaydar \xF0\x9F\x98\x80");
	cJSON_AddStringToObject(o, "", "empty key");
	cJSON_AddStringToObject(o, "k\"ey\n", "odd key");
	cJSON_AddNullToObject(o, "null");
	cJSON_AddTrueToObject(o, "t");
	cJSON_AddFalseToObject(o, "f");
	cJSON_AddRawToObject(o, "raw", "[1,2,{\"x\":3}]");
	cJSON_AddItemToObject(o, "empty_array", cJSON_CreateArray());
	cJSON_AddItemToObject(o, "empty_object", cJSON_CreateObject());
	cJSON *nested = cJSON_AddArrayToObject(o, "nested");
	cJSON *inner = cJSON_CreateObject();
	cJSON_AddItemToObject(inner, "deeper", cJSON_CreateStringArray((const char *[]){"a", "b"}, 2));
	cJSON_AddItemToArray(nested, inner);
	same(o);
	cJSON_Delete(o);
}

static cJSON *random_tree(unsigned *seed, int depth)
{
	int kind = depth > 3 ? (int)(rand_r(seed) % 5) : (int)(rand_r(seed) % 7);
	switch (kind) {
	case 0: return cJSON_CreateNumber((double)((int)rand_r(seed) - RAND_MAX / 2));
	case 1: return cJSON_CreateNumber(((double)rand_r(seed) / RAND_MAX - 0.5) * pow(10, (int)(rand_r(seed) % 40) - 20));
	case 2: {
		char s[24];
		for (int i = 0; i < 23; i++)
			s[i] = (char)(1 + rand_r(seed) % 127);
		s[rand_r(seed) % 24] = 0;
		s[23] = 0;
		return cJSON_CreateString(s);
	}
	case 3: return rand_r(seed) % 2 ? cJSON_CreateTrue() : cJSON_CreateNull();
	case 4: return cJSON_CreateNumber((double)(rand_r(seed) % 100000));
	default: {
		cJSON *c = kind == 5 ? cJSON_CreateArray() : cJSON_CreateObject();
		int n = (int)(rand_r(seed) % 6);
		for (int i = 0; i < n; i++) {
			char key[16];
			snprintf(key, sizeof key, "k%d", i);
			if (kind == 5)
				cJSON_AddItemToArray(c, random_tree(seed, depth + 1));
			else
				cJSON_AddItemToObject(c, key, random_tree(seed, depth + 1));
		}
		return c;
	}
	}
}

static void test_random_trees(void **state)
{
	unsigned seed = 2026;
	for (int i = 0; i < 3000; i++) {
		cJSON *t = random_tree(&seed, 0);
		same(t);
		cJSON_Delete(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings_and_kinds),
		cmocka_unit_test(test_random_trees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
