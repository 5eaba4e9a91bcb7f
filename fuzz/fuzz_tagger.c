/*
 * fuzz_tagger.c — libFuzzer target for the text stage and the recognizer:
 * text_split(), rules_find() and ner_tag_text() on raw bytes (any bytes:
 * text.h promises invalid UTF-8 is read as one-byte symbols, never past the
 * end).
 *
 * The model is loaded once, in LLVMFuzzerInitialize, from $WEFT_MODEL or
 * else the repository's models/ner.model; if there is none, only
 * text_split() and rules_find() are fuzzed (and a note says so).
 *
 * Invariants checked: tokens are non-empty, in order, without overlap and
 * inside the text; sentences cover the tokens in order, each at least one
 * token, with offsets equal to their first and last token's; rule mentions
 * are in order, without overlap, inside the text, of a known type; tagger
 * mentions are sorted, inside the text, of a known type whose name matches,
 * and name a sentence that holds them (model mentions) or exists (rule
 * mentions); the tagger's sentences are text_split()'s.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ner.h"
#include "rules.h"
#include "text.h"

#define FAIL(...) (fprintf(stderr, "fuzz_tagger: " __VA_ARGS__), fputc('\n', stderr), abort())

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

static struct ner_model *model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env = getenv("WEFT_MODEL");
	const char *path = env && *env ? env : FUZZ_ROOT "/models/ner.model";
	struct err e = {""};
	model = ner_load(path, &e);
	if (model)
		fprintf(stderr, "fuzz_tagger: model %s loaded: fuzzing text_split, rules_find, ner_tag_text\n",
			path);
	else
		fprintf(stderr, "fuzz_tagger: no model (%s): fuzzing text_split and rules_find only\n", e.msg);
	return 0;
}

static void check_split(const char *text, size_t len, const struct text_doc *d)
{
	for (size_t i = 0; i < d->ntoks; i++) {
		const struct text_token *t = &d->toks[i];
		if (t->start >= t->end || t->end > len)
			FAIL("token %zu [%zu,%zu) empty or outside %zu bytes", i, t->start, t->end, len);
		if (i && t->start < d->toks[i - 1].end)
			FAIL("token %zu overlaps the one before", i);
	}
	size_t next = 0;
	for (size_t k = 0; k < d->nsents; k++) {
		const struct text_sentence *s = &d->sents[k];
		if (!s->tok_count || s->tok_first != next || s->tok_first + s->tok_count > d->ntoks)
			FAIL("sentence %zu: tokens %zu+%zu, expected to start at %zu of %zu", k, s->tok_first,
			     s->tok_count, next, d->ntoks);
		if (s->start != d->toks[s->tok_first].start ||
		    s->end != d->toks[s->tok_first + s->tok_count - 1].end)
			FAIL("sentence %zu: offsets [%zu,%zu) are not its tokens'", k, s->start, s->end);
		next += s->tok_count;
	}
	if (next != d->ntoks)
		FAIL("sentences hold %zu of %zu tokens", next, d->ntoks);
}

static void check_rules(size_t len, const struct rules_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rules_mention *m = &r->m[i];
		if (m->start >= m->end || m->end > len)
			FAIL("rule mention %zu [%zu,%zu) empty or outside %zu bytes", i, m->start, m->end, len);
		if (i && m->start < r->m[i - 1].end)
			FAIL("rule mention %zu overlaps the one before", i);
		if (m->type < RULES_DATE || m->type > RULES_PHONE)
			FAIL("rule mention %zu has type %d", i, m->type);
		if (m->value && strlen(m->value) > 4 * (m->end - m->start) + 32)
			FAIL("rule mention %zu: value longer than its text allows", i);
	}
}

static void check_tagged(size_t len, const struct text_doc *d, const struct ner_result *r)
{
	if (r->nsentences != d->nsents)
		FAIL("tagger has %zu sentences, text_split %zu", r->nsentences, d->nsents);
	for (size_t k = 0; k < r->nsentences; k++)
		if (r->sentences[k].start != d->sents[k].start || r->sentences[k].end != d->sents[k].end)
			FAIL("tagger sentence %zu differs from text_split's", k);
	for (size_t i = 0; i < r->nmentions; i++) {
		const struct ner_mention *m = &r->mentions[i];
		if (m->start >= m->end || m->end > len)
			FAIL("mention %zu [%zu,%zu) empty or outside %zu bytes", i, m->start, m->end, len);
		if (i && m->start < r->mentions[i - 1].start)
			FAIL("mention %zu is out of order", i);
		if (m->type_id < 0 || m->type_id >= NER_NTYPES || !m->type ||
		    strcmp(m->type, ner_type_name(m->type_id)))
			FAIL("mention %zu: type %d '%s'", i, m->type_id, m->type ? m->type : "NULL");
		if (m->sentence >= r->nsentences)
			FAIL("mention %zu names sentence %zu of %zu", i, m->sentence, r->nsentences);
		const struct ner_span *s = &r->sentences[m->sentence];
		if (m->type_id < NER_NMODEL_TYPES && (m->start < s->start || m->end > s->end))
			FAIL("mention %zu [%zu,%zu) is not inside its sentence [%zu,%zu)", i, m->start, m->end,
			     s->start, s->end);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, not NUL-terminated, so ASan sees any overread. */
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	struct err e = {""};

	struct text_doc d = TEXT_DOC_INIT;
	if (text_split(text, size, &d, &e) < 0)
		FAIL("text_split failed on %zu bytes: %s", size, e.msg);
	check_split(text, size, &d);

	struct rules_result rr = RULES_RESULT_INIT;
	if (rules_find(text, size, &rr, &e) < 0)
		FAIL("rules_find failed on %zu bytes: %s", size, e.msg);
	check_rules(size, &rr);
	rules_result_free(&rr);

	if (model) {
		struct ner_result r = NER_RESULT_INIT;
		if (ner_tag_text(model, text, size, &r, &e) < 0)
			FAIL("ner_tag_text failed on %zu bytes: %s", size, e.msg);
		check_tagged(size, &d, &r);
		ner_result_free(&r);
	}
	text_doc_free(&d);
	free(text);
	return 0;
}
