/*
 * fuzz_text.c — libFuzzer target for plain text: extract_text() and
 * text_to_utf8() on raw bytes.
 *
 * extract_text() must succeed on any bytes (plain text in any charset:
 * invalid bytes are replaced and counted, never a failure); its text must
 * be exactly what text_to_utf8() gives, with CR LF turned into LF and NUL
 * into a space, and so valid UTF-8 without NUL; the title (if any) must be
 * non-empty valid UTF-8 of at most 200 bytes; and no more bytes may be
 * counted invalid than there were.
 *
 * text_to_utf8() is then run with a charset named by the first input byte
 * (detection, the usual declared charsets, stateful ones such as
 * ISO-2022-JP and UTF-7, and a bogus name): success must give valid UTF-8
 * appended after what the buffer held, failure a reason (and with no
 * charset given, detection must always find one ICU can convert); and
 * converting that UTF-8 again as "UTF-8" must give it back unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static const char *const charsets[] = {
	NULL, "", "UTF-8", "utf8", "us-ascii", "windows-1252", "ISO-8859-1", "ISO-8859-6",
	"windows-1256", "UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32", "Shift_JIS", "EUC-JP",
	"ISO-2022-JP", "GB18030", "Big5", "EUC-KR", "KOI8-R", "UTF-7", "IBM037", "x-no-such-charset",
};
#define NCHARSETS (sizeof charsets / sizeof *charsets)

/* Says which invariant broke, then aborts so libFuzzer keeps the input. */
#define FAIL(...) (fprintf(stderr, "fuzz_text: " __VA_ARGS__), fputc('\n', stderr), abort())

static void check_extract(const char *data, size_t size)
{
	struct xctx x;
	memset(&x, 0, sizeof x);
	struct xdoc d;
	struct err e = {""};
	xdoc_init(&d);
	int r = extract_text(&x, data, size, &d, &e);
	if (r < 0)
		FAIL("extract_text failed on plain bytes: %s", e.msg[0] ? e.msg : "(no reason)");
	const char *t = d.text.p ? d.text.p : "";
	if (!d.type || strcmp(d.type, "text"))
		FAIL("type is %s, not text", d.type ? d.type : "NULL");
	if (!utf8_valid(t, d.text.len))
		FAIL("text is not valid UTF-8");
	if (memchr(t, 0, d.text.len))
		FAIL("text holds a NUL byte");
	/* Exactly the converted bytes, with CR LF as LF and NUL as space. */
	struct buf conv = BUF_INIT, want = BUF_INIT;
	size_t inv = 0;
	if (text_to_utf8(data, size, NULL, &conv, &inv, &e) < 0)
		FAIL("text_to_utf8 failed where extract_text did not: %s", e.msg);
	for (size_t i = 0; i < conv.len; i++) {
		if (conv.p[i] == '\r' && i + 1 < conv.len && conv.p[i + 1] == '\n')
			continue;
		buf_addc(&want, conv.p[i] ? conv.p[i] : ' ');
	}
	if (want.len != d.text.len || (want.len && memcmp(want.p, t, want.len)))
		FAIL("text is not the converted input with CRLF as LF and NUL as space");
	buf_free(&conv);
	buf_free(&want);
	if (d.title && (!*d.title || strlen(d.title) > 200 || !utf8_valid(d.title, strlen(d.title))))
		FAIL("bad title (empty, longer than 200 bytes or not UTF-8)");
	if (d.invalid_bytes > size)
		FAIL("%zu invalid bytes counted in %zu", d.invalid_bytes, size);
	xdoc_free(&d);
}

static void check_convert(const char *data, size_t size, const char *charset)
{
	static const char prefix[] = "kept";
	struct buf out = BUF_INIT;
	buf_adds(&out, prefix);
	size_t invalid = 0;
	struct err e = {""};
	int r = text_to_utf8(data, size, charset, &out, &invalid, &e);
	const char *cs = charset ? charset : "(detect)";
	if (out.len < sizeof prefix - 1 || memcmp(out.p, prefix, sizeof prefix - 1))
		FAIL("%s: the buffer's earlier contents changed", cs);
	if (r < 0) {
		if (!e.msg[0])
			FAIL("%s: failed without a reason", cs);
		if (!charset)
			FAIL("detection chose a charset that cannot be converted: %s", e.msg);
		buf_free(&out);
		return;
	}
	const char *u = out.p + sizeof prefix - 1;
	size_t n = out.len - (sizeof prefix - 1);
	if (!utf8_valid(u, n))
		FAIL("%s: output is not valid UTF-8", cs);
	if (invalid > size)
		FAIL("%s: %zu invalid bytes counted in %zu", cs, invalid, size);
	/* Valid UTF-8 passes through UTF-8 untouched. */
	struct buf again = BUF_INIT;
	size_t inv2 = 0;
	if (text_to_utf8(u, n, "UTF-8", &again, &inv2, &e) < 0 || again.len != n || inv2 ||
	    (n && memcmp(again.p, u, n)))
		FAIL("%s: its UTF-8 output does not convert to itself", cs);
	buf_free(&again);
	buf_free(&out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	extract_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copies so ASan sees any read past the end. */
	char *raw = malloc(size ? size : 1);
	memcpy(raw, data, size);
	check_extract(raw, size);
	check_convert(raw, size, NULL);
	if (size) {
		char *rest = malloc(size - 1 ? size - 1 : 1);
		memcpy(rest, raw + 1, size - 1);
		check_convert(rest, size - 1, charsets[data[0] % NCHARSETS]);
		free(rest);
	}
	free(raw);
	return 0;
}
