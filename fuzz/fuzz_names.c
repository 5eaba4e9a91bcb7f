/*
 * fuzz_names.c — libFuzzer target for names.c: the input is split at its
 * first NUL or tab into two names (the second empty if there is neither),
 * and each goes through names_normalize(), names_key(), names_keys() and
 * names_parse(); the pair through names_similarity() and names_compare().  Nothing may crash, and what comes out must hold what
 * callers rely on: the normalised form is lower-case [a-z0-9] words joined
 * by single spaces, a key is sound-class letters and digits, a score is in
 * [0,1], a name with any token is the same as itself with score 1, and the
 * parsed and unparsed comparisons agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

static void check_norm(const struct buf *b)
{
	if (!b->p || strlen(b->p) != b->len)
		abort();
	for (size_t i = 0; i < b->len; i++) {
		char c = b->p[i];
		if (c == ' ') {
			if (i == 0 || i + 1 == b->len || b->p[i + 1] == ' ')
				abort();
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			abort();
		}
	}
}

static void check_key(const struct buf *b, int many)
{
	if (!b->p || strlen(b->p) != b->len)
		abort();
	for (size_t i = 0; i < b->len; i++) {
		char c = b->p[i];
		if (c == ' ' && many && i > 0 && i + 1 < b->len && b->p[i + 1] != ' ')
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			abort();
	}
}

static void one(const char *s, size_t n, struct names_name *p)
{
	struct buf b = BUF_INIT;
	struct err e = {""};
	if (names_normalize(s, n, &b, &e) < 0)
		abort();                /* only a missing ICU fails, and ICU is here */
	check_norm(&b);
	int empty = b.len == 0;
	if (names_key(s, n, &b, &e) < 0)
		abort();
	check_key(&b, 0);
	if (empty != (b.len == 0))
		abort();                /* a name with tokens has a key */
	if (names_keys(s, n, &b, &e) < 0)
		abort();
	check_key(&b, 1);
	buf_free(&b);
	if (names_parse(s, n, p, &e) < 0)
		abort();
	if (p->ntok > NAMES_MAX_TOKENS || (p->ntok == 0) != empty)
		abort();
	for (size_t i = 0; i < p->ntok; i++)
		if (!p->tok[i].len || strlen(p->tok[i].text) != p->tok[i].len ||
		    strlen(p->tok[i].skel) != p->tok[i].skel_len)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a = (const char *)data;
	size_t cut = 0;
	while (cut < size && data[cut] != 0 && data[cut] != '\t')
		cut++;
	size_t alen = cut;
	const char *b = cut < size ? a + cut + 1 : a + size;
	size_t blen = cut < size ? size - cut - 1 : 0;

	struct names_name pa, pb;
	one(a, alen, &pa);
	one(b, blen, &pb);

	int s1 = -1, s3 = -1;
	double v1 = names_similarity(a, alen, b, blen, &s1);
	double v3 = names_compare(&pa, &pb, &s3);
	if (!(v1 >= 0.0 && v1 <= 1.0))
		abort();
	if ((s1 != 0 && s1 != 1) || v3 != v1 || s3 != s1)
		abort();
	if (s1 && v1 < NAMES_SAME_THRESHOLD)
		abort();
	if (pa.ntok) {
		int self = 0;
		if (names_compare(&pa, &pa, &self) != 1.0 || !self)
			abort();
	}
	names_name_free(&pa);
	names_name_free(&pb);
	return 0;
}
