/*
 * text.h — token and sentence boundaries for raw UTF-8 text.
 *
 * The tokenizer splits the way the CoNLL-2003 (Reuters/Penn) data was
 * tokenized, so that the NER model sees the token shapes it was trained on:
 * punctuation is split off, but abbreviations ("U.S.", "Mr.", "Gen."),
 * initials ("W."), decimals and thousands ("3.5", "1,000"), hyphenated words
 * ("al-Maliki", "1996-08-22"), e-mail addresses and URLs stay whole; the
 * clitics "'s", "n't", "'re" ... become tokens of their own.
 *
 * The sentence splitter ends a sentence at . ! ? (not after an abbreviation,
 * title or initial), at a blank line, at a paragraph mark "¶", before a cable
 * paragraph marker ("1. (C) ...", "(S) ...") and around teletype header lines
 * (ALL-CAPS lines such as "SUBJECT: ..." or "FM AMEMBASSY BAGHDAD"), which
 * are sentences of their own: no sentence ever spans such a line.
 *
 * Every offset is a byte offset into the caller's text, so text[start,end)
 * is exactly the token or sentence.  Invalid UTF-8 bytes are treated as
 * symbols (one-byte tokens) and never read past the end.
 */
#ifndef WEFT_TEXT_H
#define WEFT_TEXT_H

#include <stddef.h>

#include "util.h"

struct text_token {
	size_t start, end;      /* byte offsets: text[start,end) */
};

struct text_sentence {
	size_t start, end;      /* byte offsets of the sentence's first/last token */
	size_t tok_first;       /* index of its first token in text_doc.toks */
	size_t tok_count;       /* number of tokens (always >= 1) */
};

/* The result of text_split(): owns both arrays (free with text_doc_free). */
struct text_doc {
	struct text_token *toks;
	size_t ntoks;
	struct text_sentence *sents;
	size_t nsents;
};

#define TEXT_DOC_INIT {NULL, 0, NULL, 0}

/* Tokenizes text (len bytes, need not be NUL-terminated) and splits it into
 * sentences.  Fills *out (which must be TEXT_DOC_INIT or freed); the caller
 * frees it with text_doc_free().  Returns 0, or -1 with e set (only for text
 * longer than the offsets can address). */
int text_split(const char *text, size_t len, struct text_doc *out, struct err *e);

/* Releases the arrays of d and resets it to empty. */
void text_doc_free(struct text_doc *d);

#endif
