/*
 * fuzz_archive.c — libFuzzer target for extract/archive.c: any bytes go to
 * extract_archive() with small limits, and every member is fed back in as
 * an archive one level deeper, the way ingest opens nested containers.
 * It must never crash, never expand past the limits, and always give a
 * reason when it fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static const struct xlimits lim = {.max_depth = 3, .max_members = 1000,
				   .max_file_size = 8u << 20, .max_total = 32u << 20,
				   .max_ratio = 100};

struct count {
	long members;
	uint64_t bytes;
};

static int child(struct xctx *x, const char *name, const char *data, size_t len, struct err *e)
{
	struct count *c = x->user;
	c->members++;
	c->bytes += len;
	if (!name || !*name || name[0] == '/' || len > lim.max_file_size)
		abort();
	struct xdoc d;
	xdoc_init(&d);
	x->depth++;
	/* ingest would record a nested failure and go on: so do we, unless a
	 * limit on the whole file was hit, which must stop everything. */
	struct err inner = {""};
	int r = extract_archive(x, data, len, &d, &inner);
	x->depth--;
	xdoc_free(&d);
	if (r < 0 && x->expanded > lim.max_total)
		return err_set(e, "%s", inner.msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct count c = {0, 0};
	struct xctx x = {.lim = &lim, .child = child, .user = &c};
	struct xdoc d;
	struct err e = {""};
	xdoc_init(&d);
	int r = extract_archive(&x, (const char *)data, size, &d, &e);
	if (r < 0 && !e.msg[0])
		abort();
	/* The count may pass max_total by at most the chunk that tripped it. */
	if (x.expanded > lim.max_total + (64u << 10))
		abort();
	if (r == 0 && d.text.len && memchr(d.text.p, 0, d.text.len))
		abort();
	xdoc_free(&d);
	return 0;
}
