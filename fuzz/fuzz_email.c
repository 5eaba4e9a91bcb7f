/*
 * fuzz_email.c — libFuzzer target for extract/email.c: any bytes go to
 * extract_email() and to extract_mbox(), with a child callback that only
 * counts.  Neither may crash, hand out more parts than max_members, hand a
 * child a nameless or non-UTF-8 name, fail without a reason, or succeed
 * with text that is not valid UTF-8 or holds a NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static const struct xlimits lim = {.max_depth = 3, .max_members = 200,
				   .max_file_size = 8u << 20, .max_total = 32u << 20,
				   .max_ratio = 100};

static int child(struct xctx *x, const char *name, const char *data, size_t len, struct err *e)
{
	long *n = x->user;
	(*n)++;
	if (!name || !*name || !utf8_valid(name, strlen(name)) || (len && !data))
		abort();
	return 0;
}

static void check(int r, const struct xdoc *d, const struct err *e, long children)
{
	if (r < 0 && !e->msg[0])
		abort();
	if (children > lim.max_members)
		abort();
	if (r == 0) {
		if (!d->type || !d->title)
			abort();
		if (!utf8_valid(d->text.p ? d->text.p : "", d->text.len) ||
		    (d->text.len && memchr(d->text.p, 0, d->text.len)))
			abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	extract_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int mbox = 0; mbox < 2; mbox++) {
		long children = 0;
		struct xctx x = {.lim = &lim, .child = child, .user = &children};
		struct xdoc d;
		struct err e = {""};
		xdoc_init(&d);
		int r = mbox ? extract_mbox(&x, (const char *)data, size, &d, &e)
			     : extract_email(&x, (const char *)data, size, &d, &e);
		check(r, &d, &e, children);
		xdoc_free(&d);
	}
	return 0;
}
