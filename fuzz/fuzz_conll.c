/*
 * fuzz_conll.c — libFuzzer target for the annotation formats
 * (extract/conll.c): the first byte picks extract_conllu(),
 * extract_webanno(), extract_conll2012() or conll_sniff() (the choice
 * extract_any makes for text), the rest is the file.
 *
 * Any bytes must be read: as the format (type conllu, webanno or conll) or,
 * when they are not one after all, as plain text with meta "read_as" saying
 * why; never a failure without a reason.  The text must be valid UTF-8
 * without NUL; as the format, it is sentences one a line with single blank
 * lines between paragraphs: no line is empty but a separator, none starts
 * or ends with a space, no three line breaks in a row, and neither end of
 * the text is a line break.  The title is non-empty valid UTF-8; no more
 * bytes are counted invalid than there were.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "extract.h"

#define FAIL(...) (fprintf(stderr, "fuzz_conll: " __VA_ARGS__), fputc('\n', stderr), abort())

typedef int (*extractor)(struct xctx *, const char *, size_t, struct xdoc *, struct err *);

/* conll_sniff's choice (as extract_any makes it for text), else plain text */
static int by_content(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	switch (conll_sniff(data, len, "input.conllu")) {
	case CONLL_U:
		return extract_conllu(x, data, len, d, e);
	case CONLL_WEBANNO:
		return extract_webanno(x, data, len, d, e);
	case CONLL_2012:
		return extract_conll2012(x, data, len, d, e);
	case CONLL_NONE:
		break;
	}
	return extract_text(x, data, len, d, e);
}

static void check(extractor fn, const char *data, size_t size)
{
	struct xctx x;
	memset(&x, 0, sizeof x);
	struct xdoc d;
	struct err e = {""};
	xdoc_init(&d);
	if (fn(&x, data, size, &d, &e) < 0) {
		if (!e.msg[0])
			FAIL("failed without a reason");
		if (fn != by_content)
			FAIL("failed: %s", e.msg);
		xdoc_free(&d);
		return;
	}
	const char *t = d.text.p ? d.text.p : "";
	size_t n = d.text.len;
	if (!d.type)
		FAIL("no type");
	if (!utf8_valid(t, n))
		FAIL("text is not valid UTF-8");
	if (memchr(t, 0, n))
		FAIL("text holds a NUL byte");
	int annot = !strcmp(d.type, "conllu") || !strcmp(d.type, "webanno") || !strcmp(d.type, "conll");
	if (!annot && fn != by_content) {
		const cJSON *why = d.meta ? cJSON_GetObjectItemCaseSensitive(d.meta, "read_as") : NULL;
		if (strcmp(d.type, "text") || !cJSON_IsString(why))
			FAIL("type %s without meta read_as", d.type);
	}
	if (annot) {
		if (!n || t[0] == '\n' || t[n - 1] == '\n')
			FAIL("empty text, or a line break at an end");
		if (strstr(t, "\n\n\n"))
			FAIL("three line breaks in a row");
		for (size_t i = 0; i < n; i++) {
			if (t[i] != ' ')
				continue;
			if (i == 0 || i + 1 == n || t[i - 1] == '\n' || t[i + 1] == '\n' || t[i + 1] == ' ')
				FAIL("a space at a line's end, at its start, or doubled (at %zu)", i);
		}
		if (!d.title || !*d.title || !utf8_valid(d.title, strlen(d.title)))
			FAIL("bad title");
	}
	if (d.invalid_bytes > size)
		FAIL("%zu invalid bytes counted in %zu", d.invalid_bytes, size);
	xdoc_free(&d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	extract_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const extractor fns[] = {extract_conllu, extract_webanno, extract_conll2012, by_content};
	extractor fn = fns[data[0] % 4];
	/* an exact-size copy so ASan sees any read past the end */
	char *raw = malloc(size - 1 ? size - 1 : 1);
	memcpy(raw, data + 1, size - 1);
	check(fn, raw, size - 1);
	free(raw);
	return 0;
}
