/*
 * test_names.c — names.h: normalisation (case, accents, scripts, titles,
 * articles, Abd al-, Persian suffixes, "Last, First"), blocking keys shared
 * by every spelling in samples/README.md's variant families, the hard
 * negatives (Saddam vs Fuad Hussein, George W. vs George H. W. Bush ...),
 * accuracy on the gold pairs in tests/data/names.tsv (>= 95%), hostile
 * input (invalid UTF-8, huge names, punctuation only), and eight threads
 * comparing Arabic-script names at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

static char *norm(const char *s)
{
	struct buf b = BUF_INIT;
	struct err e = {{0}};
	assert_int_equal(names_normalize(s, strlen(s), &b, &e), 0);
	return buf_detach(&b);
}

static char *key(const char *s)
{
	struct buf b = BUF_INIT;
	struct err e = {{0}};
	assert_int_equal(names_key(s, strlen(s), &b, &e), 0);
	return buf_detach(&b);
}

static double sim(const char *a, const char *b, int *same)
{
	double v = names_similarity(a, strlen(a), b, strlen(b), same);
	assert_true(v >= 0.0 && v <= 1.0);
	return v;
}

static void expect_norm(const char *in, const char *want)
{
	char *got = norm(in);
	if (strcmp(got, want) != 0)
		fail_msg("normalize(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	expect_norm("Qassem Soleimani", "qassem soleimani");
	expect_norm("QASSEM SULEIMANI", "qassem suleimani");
	expect_norm("  Haïder   al-Abadi ", "haider abadi");
	expect_norm("Nouri al-Maliki", "nouri maliki");
	expect_norm("al Maliki", "maliki");
	expect_norm("Al Maliki", "maliki");
	expect_norm("Gen. Soleimani", "soleimani");
	expect_norm("Maj. Gen. Qassem Soleimani", "qassem soleimani");
	expect_norm("Prime Minister Nouri al-Maliki", "nouri maliki");
	expect_norm("Grand Ayatollah Ali al-Sistani", "ali sistani");
	expect_norm("Sheikh Mohammed bin Rashid", "mohammed bin rashid");
	expect_norm("Hojatoleslam Hassan Rouhani", "hassan rouhani");
	expect_norm("Amb. Hassan Danaeifar", "hassan danaeifar");
	expect_norm("Dr. Ruth Abernathy", "ruth abernathy");
	expect_norm("Soleimani, Qassem", "qassem soleimani");
	expect_norm("Martin Luther King Jr.", "martin luther king");
	expect_norm("Fuad Ma’soum", "fuad masoum");
	expect_norm("Abd al-Mahdi", "abdulmahdi");
	expect_norm("Adil Abdul-Mahdi", "adil abdulmahdi");
	expect_norm("Adel Abdel-Mahdi", "adel abdulmahdi");
	expect_norm("Abdallah", "abdullah");
	expect_norm("Danaee Far", "danaeefar");
	expect_norm("Osama bin Laden", "osama bin laden");
	expect_norm("Abu Mahdi al-Muhandis", "abu mahdi muhandis");
	expect_norm("Charles de Gaulle", "charles gaulle");
	expect_norm("J. Risen", "j risen");
	/* Arabic and Persian script: letter variants, ZWNJ, article, hamza */
	expect_norm("قاسم سليماني", "qasm slymany");
	expect_norm("قاسم سلیمانی", "qasm slymany");
	expect_norm("نوري المالكي", "nwry malky");
	expect_norm("نوری المالکی", "nwry malky");
	expect_norm("حسن دانایی‌فر", "hsn danayyfr");
	expect_norm("عادل عبد المهدي", "adl abdulmhdy");
	expect_norm("عادل عبدالمهدی", "adl abdulmhdy");
	expect_norm("إبراهيم الجعفري", "abrahym jfry");
	expect_norm("أحمد", "ahmd");
	expect_norm("ســـليماني", "slymany");                   /* tatweel */
	expect_norm("مُحَمَّد", "mhmd");                             /* harakat */
	expect_norm("Владимир Путин", "vladimir putin");
	expect_norm("", "");
	expect_norm(" - , . ", "");
}

/* Every spelling of a family has the same key as the first one. */
static void expect_family(const char *const *names)
{
	char *k0 = key(names[0]);
	assert_true(strlen(k0) > 0);
	for (int i = 1; names[i]; i++) {
		char *k = key(names[i]);
		if (strcmp(k, k0) != 0)
			fail_msg("key(\"%s\") = %s but key(\"%s\") = %s", names[i], k, names[0], k0);
		free(k);
	}
	free(k0);
}

static void test_keys_families(void **state)
{
	(void)state;
	static const char *soleimani[] = {"Qassem Soleimani", "Qasem Soleimani", "Qassem Suleimani",
					  "Qassim Suleimani", "Soleimani", "Suleimani", "Gen. Soleimani",
					  "QASSEM SULEIMANI", "قاسم سلیمانی", "قاسم سليماني", "Sulaymani", NULL};
	static const char *jabr[] = {"Bayan Jabr", "Jabr", "Bayan Baqir Solagh Jabr", "Bayan Yaber",
				     "بيان جبر", "بیان جبر", NULL};
	static const char *danaeifar[] = {"Danaeifar", "Danaiefar", "Danaee Far", "Hassan Danaeifar",
					  "حسن دانایی‌فر", "حسن دنائي فر", NULL};
	static const char *maliki[] = {"Nouri al-Maliki", "Nuri al-Maliki", "al-Maliki", "al Maliki",
				       "Maliki", "Nouri Kamel al-Maliki", "Jawad al-Maliki", "نوری المالکی",
				       "نوري المالكي", NULL};
	static const char *mahdi[] = {"Adel Abdul Mahdi", "Abdul Mahdi", "Abd al-Mahdi", "Adil Abdul-Mahdi",
				      "Adel Abdel-Mahdi", "عادل عبد المهدي", "عادل عبدالمهدی", NULL};
	static const char *abadi[] = {"Haider al-Abadi", "Haidar al-Abadi", "Haïder al-Abadi", "al-Abadi",
				      "Abadi", "حيدر العبادي", "حیدر العبادی", NULL};
	static const char *jaafari[] = {"Ibrahim al-Jaafari", "al-Jafari", "إبراهيم الجعفري", "ابراهیم جعفری",
					NULL};
	static const char *masum[] = {"Fuad Masum", "Fuad Ma’soum", "Fouad Massoum", NULL};
	static const char *sakhar[] = {"Jurf al-Sakhar", "جرف الصخر", NULL};
	static const char *mohammad[] = {"Mohammad", "Mohammed", "Muhammad", "Mohamed", "محمد", NULL};
	static const char *hussein[] = {"Hussein", "Husayn", "Hussain", "Hossein", "حسين", NULL};
	static const char *qassem[] = {"Qassem", "Qasem", "Qassim", "Kassem", "Ghassem", NULL};
	const char *const *fams[] = {soleimani, jabr, danaeifar, maliki, mahdi, abadi, jaafari,
				     masum, sakhar, mohammad, hussein, qassem};
	for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++)
		expect_family(fams[i]);

	/* the long form of Jabr's name ends in al-Zubaidi, but is filed under Jabr too */
	struct buf b = BUF_INIT;
	struct err e = {{0}};
	assert_int_equal(names_keys("Bayan Baqir Solagh Jabr al-Zubaidi", 34, &b, &e), 0);
	char *kj = key("Bayan Jabr");
	assert_non_null(strstr(b.p, kj));
	assert_int_equal(strncmp(b.p, "ZBZ", 3), 0);
	free(kj);
	buf_free(&b);
}

static void test_keys_differ(void **state)
{
	(void)state;
	static const char *pairs[][2] = {
		{"Soleimani", "Maliki"}, {"Maliki", "Abadi"}, {"Jabr", "Jaafari"}, {"Danaeifar", "Masum"},
		{"Mahmoud Abbas", "Ahmadi"}, {"Samir Haddad", "Samir Haddadin"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char *a = key(pairs[i][0]), *b = key(pairs[i][1]);
		if (strcmp(a, b) == 0)
			fail_msg("\"%s\" and \"%s\" share key %s", pairs[i][0], pairs[i][1], a);
		free(a);
		free(b);
	}
	char *k = key("---");
	assert_string_equal(k, "");
	free(k);
}

static void test_hard_negatives(void **state)
{
	(void)state;
	static const char *pairs[][2] = {
		{"Saddam Hussein", "Fuad Hussein"},      {"Bashar al-Assad", "Hafez al-Assad"},
		{"George W. Bush", "George H. W. Bush"}, {"Ali Khamenei", "Mojtaba Khamenei"},
		{"Hassan Rouhani", "Hussein Rouhani"},   {"Bashar", "Bashir"},
		{"Maliki", "Malik"},                     {"Donald Trump Jr.", "Donald Trump Sr."},
		{"Abu Bakr al-Baghdadi", "Umm Bakr al-Baghdadi"}, {"Qassem", "Qassem Soleimani"},
		{"Mohammed", "Mahmoud"},                 {"Hassan", "حسين"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		int same = -1;
		double v = sim(pairs[i][0], pairs[i][1], &same);
		if (same != 0 || v >= NAMES_SAME_THRESHOLD)
			fail_msg("\"%s\" vs \"%s\": %.3f, same=%d", pairs[i][0], pairs[i][1], v, same);
	}
	/* Hussein still is his surname's family: same key, different decision */
	char *a = key("Saddam Hussein"), *b = key("Fuad Hussein");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_scores(void **state)
{
	(void)state;
	int same;
	assert_true(sim("Qassem Soleimani", "Qassem Soleimani", &same) == 1.0);
	assert_int_equal(same, 1);
	double full = sim("Qassem Soleimani", "Qasem Suleimani", &same);
	assert_int_equal(same, 1);
	double alone = sim("Soleimani", "Qassem Soleimani", &same);
	assert_int_equal(same, 1);
	assert_true(alone < 1.0 && alone >= NAMES_SAME_THRESHOLD);
	assert_true(full > alone - 0.05);
	double ini = sim("J. Risen", "James Risen", &same);
	assert_int_equal(same, 1);
	assert_true(ini < 1.0);
	sim("T. Risen", "James Risen", &same);
	assert_int_equal(same, 0);
	assert_true(sim("", "Qassem Soleimani", &same) == 0.0);
	assert_int_equal(same, 0);
	assert_true(sim("", "", &same) == 0.0);
	/* same=NULL is allowed */
	assert_true(names_similarity("Jabr", 4, "Yaber", 5, NULL) >= NAMES_SAME_THRESHOLD);
}

/* Romanised Arabic: the press writes the vowel an initial alef (إ أ ا)
 * only seats as I, A, O or U (never none: إسماعيل is not Samuel), ends a
 * word in taa marbuta (ة) on a or e (حمزة is Hamza, not Hamid) and reads it
 * before another name as t (Izzat); names that merely share consonants
 * stay apart. */
static void test_arabic_vowels(void **state)
{
	(void)state;
	static const char *same[][2] = {
		{"إبراهيم الجعفري", "Ibrahim al-Jaafari"}, {"أحمد", "Ahmad"}, {"أحمد الجلبي", "Ahmad Chalabi"},
		{"إسماعيل", "Ismail"}, {"إسماعيل", "Esmail"}, {"أسامة بن لادن", "Osama bin Laden"},
		{"أسامة بن لادن", "Usama bin Laden"}, {"إياد علاوي", "Iyad Allawi"}, {"إياد علاوي", "Ayad Allawi"},
		{"عزة إبراهيم الدوري", "Izzat Ibrahim al-Douri"}, {"عزة الدوري", "Ezzat al-Douri"},
		{"فاطمة", "Fatima"}, {"حمزة", "Hamza"}, {"فاطمة", "Fatemeh"}, {"فاطمة", "Fatimah"}, {"رحمة", "Rahma"},
		{"فاطمة", "فاطمه"}, {"أحمد", "Ahmed"}, {"علي", "Ali"},
	};
	static const char *diff[][2] = {
		{"أحمد", "Mohammed"}, {"أسامة", "Osman"}, {"أمين", "Amir"}, {"فاطمة", "Fatah"},
		{"عزة الدوري", "Azhar al-Douri"}, {"إبراهيم", "Ibrahimi"}, {"عزة إبراهيم الدوري", "Izzat Ibrahim al-Tikriti"},
		/* an initial alef is a vowel the Latin spelling writes; a taa
		 * marbuta ends the word on a or e */
		{"إسماعيل", "Samuel"}, {"أحمد", "Hamid"}, {"حمزة", "Hamid"}, {"رحمة", "Rahim"},
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		int s1 = 0, s2 = 0;
		double v = sim(same[i][0], same[i][1], &s1);
		sim(same[i][1], same[i][0], &s2);
		if (!s1 || !s2)
			fail_msg("\"%s\" vs \"%s\": %.3f, want same", same[i][0], same[i][1], v);
	}
	for (size_t i = 0; i < sizeof diff / sizeof *diff; i++) {
		int s1 = 1, s2 = 1;
		double v = sim(diff[i][0], diff[i][1], &s1);
		sim(diff[i][1], diff[i][0], &s2);
		if (s1 || s2)
			fail_msg("\"%s\" vs \"%s\": %.3f, want different", diff[i][0], diff[i][1], v);
	}
}

static void test_parse_matches_similarity(void **state)
{
	(void)state;
	static const char *names[] = {"Qassem Soleimani", "قاسم سليماني", "Bayan Baqir Solagh Jabr al-Zubaidi",
				      "Bayan Yaber", "Danaee Far", "حسن دانایی‌فر", "George H. W. Bush",
				      "George W. Bush", "Abu Bakr al-Baghdadi", "Abubakr al-Baghdadi", ""};
	size_t n = sizeof names / sizeof names[0];
	struct names_name p[sizeof names / sizeof names[0]];
	struct err e = {{0}};
	for (size_t i = 0; i < n; i++)
		assert_int_equal(names_parse(names[i], strlen(names[i]), &p[i], &e), 0);
	assert_int_equal(p[2].ntok, 5);
	assert_string_equal(p[2].tok[4].text, "zubaidi");
	assert_true(p[1].tok[0].flags & NAMES_TOK_ABJAD);
	assert_true(p[6].tok[1].flags & NAMES_TOK_INITIAL);
	assert_int_equal(p[8].tok[0].particle, NAMES_PART_ABU);
	assert_int_equal(p[10].ntok, 0);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int s1, s2;
			double a = names_compare(&p[i], &p[j], &s1);
			double b = names_similarity(names[i], strlen(names[i]), names[j], strlen(names[j]), &s2);
			assert_true(a == b);
			assert_int_equal(s1, s2);
		}
	for (size_t i = 0; i < n; i++)
		names_name_free(&p[i]);
	names_name_free(&p[0]);                 /* twice is harmless */
}

/* NAMES_TOK_PLAIN marks the tokens that token_sim reads one way only (its
 * bound on them is tighter): not one with a taa marbuta, an h digraph or a
 * ch; and a short given name that is plain still matches its spellings. */
static void test_plain_tokens(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		unsigned plain[2];
	} cases[] = {
		{"Omar Suleiman", {1, 1}}, {"Ishaq Dar", {0, 1}},       {"Ahmad Chalabi", {1, 0}},
		{"Bashar Assad", {0, 1}},  {"عزة إبراهيم", {0, 1}}, {"حسن روحاني", {1, 1}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct names_name n;
		struct err e = {{0}};
		assert_int_equal(names_parse(cases[i].name, strlen(cases[i].name), &n, &e), 0);
		assert_int_equal(n.ntok, 2);
		for (size_t t = 0; t < 2; t++)
			if (!(n.tok[t].flags & NAMES_TOK_PLAIN) != !cases[i].plain[t])
				fail_msg("%s, token %zu (%s): plain %d", cases[i].name, t, n.tok[t].text,
					 !!(n.tok[t].flags & NAMES_TOK_PLAIN));
		names_name_free(&n);
	}
	static const char *const same[][2] = {
		{"Omar Suleiman", "Umar Sulayman"}, {"Ali Larijani", "Aly Larijani"}, {"Ahmad Chalabi", "Ahmed Chalabi"},
		{"حسن روحاني", "Hassan Rouhani"},   {"Ishaq Dar", "Is-haq Dar"},
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		int s = 0;
		names_similarity(same[i][0], strlen(same[i][0]), same[i][1], strlen(same[i][1]), &s);
		if (!s)
			fail_msg("%s and %s should be the same", same[i][0], same[i][1]);
	}
}

static void test_hostile_input(void **state)
{
	(void)state;
	/* invalid UTF-8, NUL bytes, lone surrogates encoded, overlong forms */
	static const char bad[] = "Qa\xff\xfe" "ssem \xc0\xaf Sol\xed\xa0\x80" "eimani\x00" "x";
	struct buf b = BUF_INIT;
	struct err e = {{0}};
	assert_int_equal(names_normalize(bad, sizeof bad - 1, &b, &e), 0);
	assert_true(utf8_valid(b.p, b.len));
	assert_int_equal(names_key(bad, sizeof bad - 1, &b, &e), 0);
	/* a name far past NAMES_MAX_INPUT and NAMES_MAX_TOKENS */
	size_t big = 200000;
	char *s = malloc(big + 1);
	for (size_t i = 0; i < big; i++)
		s[i] = "ab\xd8\xb3 "[i % 5];
	s[big] = 0;
	assert_int_equal(names_normalize(s, big, &b, &e), 0);
	assert_int_equal(names_key(s, big, &b, &e), 0);
	assert_int_equal(names_keys(s, big, &b, &e), 0);
	struct names_name p;
	assert_int_equal(names_parse(s, big, &p, &e), 0);
	assert_true(p.ntok <= NAMES_MAX_TOKENS);
	int same;
	double v = names_compare(&p, &p, &same);
	assert_true(v == 1.0);
	names_name_free(&p);
	for (size_t i = 0; i < big; i++)
		s[i] = "a-"[i % 2];
	assert_int_equal(names_normalize(s, big, &b, &e), 0);
	v = names_similarity(s, big, "a a a", 5, &same);
	assert_true(v >= 0.0 && v <= 1.0);
	/* only marks, only digits, emoji, CJK */
	static const char *odd[] = {"\xcc\x81\xcc\x81", "12345", "\xf0\x9f\x98\x80", "王小明",
				    "\xe2\x80\x8c\xe2\x80\x8c", "ـــ", "'''", "al", "bin", "Abd", NULL};
	for (int i = 0; odd[i]; i++) {
		assert_int_equal(names_normalize(odd[i], strlen(odd[i]), &b, &e), 0);
		assert_int_equal(names_key(odd[i], strlen(odd[i]), &b, &e), 0);
		v = names_similarity(odd[i], strlen(odd[i]), "Soleimani", 9, &same);
		assert_true(v >= 0.0 && v <= 1.0);
	}
	assert_int_equal(names_normalize(NULL, 0, &b, &e), 0);
	assert_string_equal(b.p, "");
	buf_free(&b);
	free(s);
}

/* ---- the gold pairs ---- */

struct pair {
	char *a, *b;
	int same;
};

/* The gold pairs (*n of them); skips the test when WEFT_ROOT is not set. */
static struct pair *load_gold(size_t *n)
{
	const char *root = getenv("WEFT_ROOT");
	if (!root || !*root) {
		print_message("skip: WEFT_ROOT is not set\n");
		skip();
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/names.tsv", root);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	struct pair *v = NULL;
	size_t cap = 0;
	*n = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			fail_msg("names.tsv: bad line: %s", line);
		*t1 = *t2 = 0;
		char *label = t2 + 1, *t3 = strchr(label, '\t');
		if (t3)
			*t3 = 0;
		if (strcmp(label, "same") != 0 && strcmp(label, "different") != 0)
			fail_msg("names.tsv: bad label '%s'", label);
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof *v);
		}
		v[*n].a = strdup(line);
		v[*n].b = strdup(t1 + 1);
		v[*n].same = strcmp(label, "same") == 0;
		(*n)++;
	}
	free(line);
	fclose(f);
	return v;
}

static void free_gold(struct pair *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].a);
		free(v[i].b);
	}
	free(v);
}

static void test_gold_accuracy(void **state)
{
	(void)state;
	size_t n = 0;
	struct pair *v = load_gold(&n);
	assert_true(n >= 150);
	size_t ok = 0, nsame = 0, ndiff = 0;
	for (size_t i = 0; i < n; i++) {
		int same;
		double s = sim(v[i].a, v[i].b, &same);
		if (same == v[i].same)
			ok++;
		else
			print_message("miss: %s | %s: %.3f %s, want %s\n", v[i].a, v[i].b, s,
				      same ? "same" : "different", v[i].same ? "same" : "different");
		nsame += v[i].same;
		ndiff += !v[i].same;
		/* symmetric */
		int same2;
		double s2 = sim(v[i].b, v[i].a, &same2);
		assert_int_equal(same, same2);
		assert_true(s - s2 < 0.02 && s2 - s < 0.02);
	}
	print_message("names.tsv: %zu of %zu right (%.1f%%), %zu same, %zu different\n", ok, n,
		      100.0 * (double)ok / (double)n, nsame, ndiff);
	assert_true(ndiff >= 40);
	assert_true((double)ok >= 0.95 * (double)n);
	free_gold(v, n);
}

/* names_same() decides as names_compare() and, when same, gives its score;
 * names_name_key() gives names_key()'s key, names_normalize_key() that key
 * and names_parse()'s normalised form: on every pair of the gold
 * names (both orders), whose spellings exercise each way a pair may match
 * (particles, initials, compound given names, joined tokens, scripts). */
static void test_same_and_key_agree(void **state)
{
	(void)state;
	size_t n = 0;
	struct pair *v = load_gold(&n);
	struct names_name *p = calloc(2 * n, sizeof *p);
	struct err e = {{0}};
	struct buf k1 = BUF_INIT, k2 = BUF_INIT, n2 = BUF_INIT;
	for (size_t i = 0; i < 2 * n; i++) {
		const char *t = i % 2 ? v[i / 2].b : v[i / 2].a;
		assert_int_equal(names_parse(t, strlen(t), &p[i], &e), 0);
		assert_int_equal(names_key(t, strlen(t), &k1, &e), 0);
		names_name_key(&p[i], &k2);
		assert_string_equal(k1.p, k2.p);
		assert_int_equal(names_normalize_key(t, strlen(t), &n2, &k2, &e), 0);
		assert_string_equal(k1.p, k2.p);
		assert_string_equal(p[i].norm, n2.p);
	}
	size_t nsame = 0;
	for (size_t i = 0; i < 2 * n; i++)
		for (size_t j = 0; j < 2 * n; j++) {
			int same = 0;
			double score = names_compare(&p[i], &p[j], &same), got = -5.0;
			int s2 = names_same(&p[i], &p[j], &got);
			if (s2 != same || (same && got != score))
				fail_msg("\"%s\" vs \"%s\": names_compare %d %.17g, names_same %d %.17g", p[i].norm, p[j].norm,
					 same, score, s2, got);
			nsame += same;
		}
	assert_true(nsame > 2 * n); /* more than the pairs of a name with itself */
	for (size_t i = 0; i < 2 * n; i++)
		names_name_free(&p[i]);
	free(p);
	buf_free(&k1);
	buf_free(&k2);
	buf_free(&n2);
	free_gold(v, n);
}

/* ---- threads ---- */

static const char *tnames[] = {"Qassem Soleimani", "قاسم سليماني", "قاسم سلیمانی", "حسن دانایی‌فر",
			       "Hassan Danaeifar", "نوري المالكي", "Владимир Путин", "Haïder al-Abadi",
			       "حيدر العبادي", "عادل عبدالمهدی", "Adel Abdul Mahdi", "Fuad Ma’soum"};
#define NT (sizeof tnames / sizeof tnames[0])
static double want[NT][NT];

static void *worker(void *arg)
{
	long bad = 0;
	(void)arg;
	for (int round = 0; round < 50; round++)
		for (size_t i = 0; i < NT; i++)
			for (size_t j = 0; j < NT; j++) {
				int same;
				double v = names_similarity(tnames[i], strlen(tnames[i]), tnames[j], strlen(tnames[j]),
							    &same);
				bad += v != want[i][j];
			}
	return (void *)bad;
}

static void test_threads(void **state)
{
	(void)state;
	for (size_t i = 0; i < NT; i++)
		for (size_t j = 0; j < NT; j++)
			want[i][j] = names_similarity(tnames[i], strlen(tnames[i]), tnames[j], strlen(tnames[j]), NULL);
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(t[i], &r);
		assert_int_equal((long)r, 0);
	}
}

static int same(const char *a, const char *b)
{
	int s = 0;
	names_similarity(a, strlen(a), b, strlen(b), &s);
	return s;
}

/* Tokens too bare to be sounded out (no vowel, or three letters or fewer)
 * meet others by their letters: acronyms are not the names they sound
 * like; three letters may still differ in vowels (Ali, Aly), and a name in
 * Arabic script is still read by sound.  A one-word name is nobody's
 * initial. */
static void test_bare_tokens(void **state)
{
	(void)state;
	static const char *const apart[][2] = {
		{"DVD", "David"}, {"GC", "CCCCC"}, {"DAS", "Gray Davis"}, {"CNN", "Ken"},
		{"PKK", "PAK"},   {"SRC", "SARG"}, {"KAI", "CIA"},        {"ROK", "ROYG"},
		{"Dow", "James D."}, {"CIA", "L.L.C."}, {"Li", "Christi L."}, {"J.", "James"},
	};
	for (size_t i = 0; i < sizeof apart / sizeof *apart; i++)
		if (same(apart[i][0], apart[i][1]))
			fail_msg("%s and %s should be different", apart[i][0], apart[i][1]);
	static const char *const alike[][2] = {
		{"Ali Larijani", "Aly Larijani"}, {"\xd8\xb9\xd9\x84\xd9\x8a", "Ali"}, {"Bush", "George W. Bush"},
		{"BBC", "bbc"},                   {"Omar", "Umar"}, {"J. Risen", "James Risen"}, {"Risen", "J. Risen"},
	};
	for (size_t i = 0; i < sizeof alike / sizeof *alike; i++)
		if (!same(alike[i][0], alike[i][1]))
			fail_msg("%s and %s should be the same", alike[i][0], alike[i][1]);
}

/* names_same() of word and other (either way round: the same), with the
 * last token of word flagged NAMES_TOK_WORD (flag_word), else token
 * flag_tok of other. */
static int same_as_word(const char *word, const char *other, size_t flag_tok, int flag_word)
{
	struct names_name a, b;
	struct err e = {{0}};
	assert_int_equal(names_parse(word, strlen(word), &a, &e), 0);
	assert_int_equal(names_parse(other, strlen(other), &b, &e), 0);
	if (flag_word)
		a.tok[a.ntok - 1].flags |= NAMES_TOK_WORD;
	else
		b.tok[flag_tok].flags |= NAMES_TOK_WORD;
	int s = names_same(&a, &b, NULL), s2 = names_same(&b, &a, NULL);
	assert_int_equal(s, s2);
	names_name_free(&a);
	names_name_free(&b);
	return s;
}

/* NAMES_TOK_WORD: a one-word name that is an ordinary word, or that meets
 * one, matches by its letters (plural aside); the same names unflagged
 * still meet by sound, and names of two words or more are not concerned. */
static void test_ordinary_words(void **state)
{
	(void)state;
	assert_true(same("Onion", "European Union"));
	assert_true(same("Born", "Gordon Brown"));
	assert_false(same_as_word("Onion", "European Union", 1, 0)); /* union flagged */
	assert_false(same_as_word("Born", "Gordon Brown", 0, 1));
	assert_true(same_as_word("Union", "European Union", 1, 0));
	assert_true(same_as_word("Union", "Unions", 0, 1));
	assert_true(same_as_word("Brown", "Gordon Brown", 1, 0));
	assert_true(same_as_word("Omar", "\xd8\xb9\xd9\x85\xd8\xb1", 0, 1)); /* عمر: read by sound */
	assert_true(same_as_word("Ministry of Defence", "Ministry of Defense", 2, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_keys_families),
		cmocka_unit_test(test_keys_differ),
		cmocka_unit_test(test_hard_negatives),
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_arabic_vowels),
		cmocka_unit_test(test_parse_matches_similarity),
		cmocka_unit_test(test_plain_tokens),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_gold_accuracy),
		cmocka_unit_test(test_same_and_key_agree),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_bare_tokens),
		cmocka_unit_test(test_ordinary_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
