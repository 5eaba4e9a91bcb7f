/*
 * fuzz_html.c — libFuzzer target for extract/html.c: any bytes go to
 * extract_html() with a zeroed context (HTML has no children).  It must
 * never crash, never fail without a reason, and on success give text that
 * is valid UTF-8 without NUL bytes, a title (if any) that is valid UTF-8,
 * and metadata strings that are valid UTF-8.  A second run over the same
 * bytes must give the same text: the extractor keeps no state between
 * calls.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "extract.h"

static int valid(const char *s)
{
	return !s || utf8_valid(s, strlen(s));
}

static void check(int r, const struct xdoc *d, const struct err *e)
{
	if (r < 0) {
		if (!e->msg[0])
			abort();
		return;
	}
	if (!d->type || strcmp(d->type, "html"))
		abort();
	if (d->text.len && (!d->text.p || strlen(d->text.p) != d->text.len ||
			    !utf8_valid(d->text.p, d->text.len)))
		abort();
	if (!valid(d->title) || !valid(d->date) || !valid(d->author) || !valid(d->subject))
		abort();
	if (d->title && !*d->title)
		abort();
	for (const cJSON *m = d->meta ? d->meta->child : NULL; m; m = m->next)
		if (!cJSON_IsString(m) || !valid(m->valuestring))
			abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	extract_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xctx x;
	memset(&x, 0, sizeof x);
	struct xdoc d, again;
	struct err e = {""}, e2 = {""};
	xdoc_init(&d);
	xdoc_init(&again);
	int r = extract_html(&x, (const char *)data, size, &d, &e);
	check(r, &d, &e);
	int r2 = extract_html(&x, (const char *)data, size, &again, &e2);
	if (r != r2 || d.text.len != again.text.len ||
	    (d.text.len && memcmp(d.text.p, again.text.p, d.text.len)))
		abort();
	xdoc_free(&d);
	xdoc_free(&again);
	return 0;
}
