/*
 * fuzz_pdf.c — libFuzzer target for extract/pdf.c: any bytes go to
 * extract_pdf(); it must return 0 or -1 with a reason, never crash, and a
 * success must hold the invariants every consumer relies on (valid UTF-8,
 * no NUL, page_ends ascending and ending at text.len).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlimits lim = {.max_depth = 3, .max_members = 1000, .max_file_size = 8u << 20,
			      .max_total = 32u << 20, .max_ratio = 100};
	struct xctx x = {.lim = &lim};
	struct xdoc d;
	struct err e = {""};
	xdoc_init(&d);
	if (extract_pdf(&x, (const char *)data, size, &d, &e) == 0) {
		if (!utf8_valid(d.text.p ? d.text.p : "", d.text.len) ||
		    (d.text.len && memchr(d.text.p, 0, d.text.len)))
			abort();
		if (d.npages < 1 || !d.page_ends || d.page_ends[d.npages - 1] != d.text.len)
			abort();
		for (int i = 1; i < d.npages; i++)
			if (d.page_ends[i] < d.page_ends[i - 1])
				abort();
	} else if (!e.msg[0]) {
		abort(); /* a failure always says why */
	}
	xdoc_free(&d);
	return 0;
}
