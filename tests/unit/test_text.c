/*
 * test_text.c — text_split(): every token's offsets round-trip to its bytes
 * (text[start,end) == token), CoNLL-style splitting of punctuation, the
 * abbreviations, initials, numbers and hyphenated names that stay whole,
 * and sentence boundaries: full stops, titles, blank lines, cable paragraph
 * markers and teletype header lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Tokens of s joined by '|'. */
static char *toks(const char *s)
{
	struct text_doc d = TEXT_DOC_INIT;
	struct err e;
	assert_int_equal(text_split(s, strlen(s), &d, &e), 0);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < d.ntoks; i++) {
		assert_true(d.toks[i].start < d.toks[i].end);
		assert_true(d.toks[i].end <= strlen(s));
		if (i)
			buf_addc(&b, '|');
		buf_add(&b, s + d.toks[i].start, d.toks[i].end - d.toks[i].start);
	}
	text_doc_free(&d);
	buf_addc(&b, 0);
	return buf_detach(&b);
}

/* Sentences of s, each as its text, joined by " // ". */
static char *sents(const char *s)
{
	struct text_doc d = TEXT_DOC_INIT;
	struct err e;
	assert_int_equal(text_split(s, strlen(s), &d, &e), 0);
	struct buf b = BUF_INIT;
	size_t next_tok = 0;
	for (size_t k = 0; k < d.nsents; k++) {
		const struct text_sentence *st = &d.sents[k];
		assert_int_equal(st->tok_first, next_tok);
		assert_true(st->tok_count >= 1);
		assert_int_equal(st->start, d.toks[st->tok_first].start);
		assert_int_equal(st->end, d.toks[st->tok_first + st->tok_count - 1].end);
		next_tok += st->tok_count;
		if (k)
			buf_adds(&b, " // ");
		buf_add(&b, s + st->start, st->end - st->start);
	}
	assert_int_equal(next_tok, d.ntoks);
	text_doc_free(&d);
	buf_addc(&b, 0);
	return buf_detach(&b);
}

#define TOKS(in, want)                          \
	do {                                    \
		char *got_ = toks(in);          \
		assert_string_equal(got_, want); \
		free(got_);                     \
	} while (0)
#define SENTS(in, want)                         \
	do {                                    \
		char *got_ = sents(in);         \
		assert_string_equal(got_, want); \
		free(got_);                     \
	} while (0)

static void test_conll_punctuation(void **state)
{
	TOKS("EU rejects German call to boycott British lamb.",
	     "EU|rejects|German|call|to|boycott|British|lamb|.");
	TOKS("\"It's not,\" he said (quietly); they'd won't.",
	     "\"|It|'s|not|,|\"|he|said|(|quietly|)|;|they|'d|wo|n't|.");
	TOKS("Prices rose 3.5 percent to $1,250.75 on 1996-08-22.",
	     "Prices|rose|3.5|percent|to|$|1,250.75|on|1996-08-22|.");
	TOKS("Wait...what?!", "Wait|...|what|?|!");
}

static void test_abbreviations(void **state)
{
	TOKS("Mr. George W. Bush met Gen. Petraeus in the U.S. capital.",
	     "Mr.|George|W.|Bush|met|Gen.|Petraeus|in|the|U.S.|capital|.");
	TOKS("Nouri al-Maliki and O'Brien of AT&T Corp. at 10 a.m.",
	     "Nouri|al-Maliki|and|O'Brien|of|AT&T|Corp.|at|10|a.m.");
	TOKS("mail john.doe@state.gov or see https://example.org/a?b=1.",
	     "mail|john.doe@state.gov|or|see|https://example.org/a?b=1|.");
}

static void test_utf8_round_trip(void **state)
{
	const char *s = "Müller traf Ṣadr in Baġdād — “Nein”, sagte er. ¶ 2. Zürich\xff\xfe ok";
	struct text_doc d = TEXT_DOC_INIT;
	struct err e;
	assert_int_equal(text_split(s, strlen(s), &d, &e), 0);
	assert_true(d.ntoks > 10);
	for (size_t i = 0; i < d.ntoks; i++) {
		assert_true(d.toks[i].start < d.toks[i].end);
		if (i)
			assert_true(d.toks[i].start >= d.toks[i - 1].end);
		/* no token contains white space */
		for (size_t j = d.toks[i].start; j < d.toks[i].end; j++)
			assert_true(s[j] != ' ');
	}
	text_doc_free(&d);
	TOKS("Müller traf Ṣadr in Baġdād.", "Müller|traf|Ṣadr|in|Baġdād|.");
	TOKS("", "");
	TOKS("   \n\n  ", "");
}

static void test_sentences(void **state)
{
	SENTS("He left. She stayed! Did they? Yes.", "He left. // She stayed! // Did they? // Yes.");
	SENTS("Mr. Smith met Gen. Jones. Then they ate.", "Mr. Smith met Gen. Jones. // Then they ate.");
	SENTS("George W. Bush spoke. He was brief.", "George W. Bush spoke. // He was brief.");
	SENTS("He went to the U.S. Army base. The U.S. The end.",
	      "He went to the U.S. Army base. // The U.S. // The end.");
	SENTS("\"Go home.\" He did.", "\"Go home.\" // He did.");
	SENTS("It rose 3.5 percent. Then fell.", "It rose 3.5 percent. // Then fell.");
	SENTS("A title with no stop\n\nThe body starts here\nand wraps here.",
	      "A title with no stop // The body starts here\nand wraps here.");
}

static void test_cables(void **state)
{
	const char *cable =
		"SUBJECT: IRAQI PM MEETS IRANIAN ENVOY\n"
		"FM AMEMBASSY BAGHDAD\n"
		"TO SECSTATE WASHDC\n"
		"Classified By: Ambassador Ryan Crocker for reasons 1.4 (b) and (d).\n"
		"\n"
		"1. (C) Summary: Prime Minister Maliki met the envoy on\n"
		"Tuesday. He asked for help.\n"
		"2. (S/NF) The envoy agreed\n"
		"¶3. Nothing else.\n";
	SENTS(cable,
	      "SUBJECT: IRAQI PM MEETS IRANIAN ENVOY // FM AMEMBASSY BAGHDAD // TO SECSTATE WASHDC // "
	      "Classified By: Ambassador Ryan Crocker for reasons 1.4 (b) and (d). // "
	      "1. (C) Summary: Prime Minister Maliki met the envoy on\nTuesday. // He asked for help. // "
	      "2. (S/NF) The envoy agreed // ¶3. Nothing else.");
	/* an all-caps cable body: wrapped lines stay one sentence */
	SENTS("SUBJECT: VISIT\n1. (C) THE MINISTER MET\nTHE AMBASSADOR. HE LEFT.\n",
	      "SUBJECT: VISIT // 1. (C) THE MINISTER MET\nTHE AMBASSADOR. // HE LEFT.");
}

static void test_long_input_has_bounded_sentences(void **state)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_adds(&b, "word ");
	struct text_doc d = TEXT_DOC_INIT;
	struct err e;
	assert_int_equal(text_split(b.p, b.len, &d, &e), 0);
	assert_int_equal(d.ntoks, 3000);
	for (size_t k = 0; k < d.nsents; k++)
		assert_true(d.sents[k].tok_count <= 400);
	text_doc_free(&d);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conll_punctuation),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_utf8_round_trip),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_cables),
		cmocka_unit_test(test_long_input_has_bounded_sentences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
