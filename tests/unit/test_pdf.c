/*
 * test_pdf.c — extract_pdf() on PDFs the test writes itself: a two-page
 * text PDF with metadata, scanned-looking pages with no text layer, junk,
 * every truncation of a real PDF, a PDF encrypted with a user password
 * (cannot be read) and one with only an owner password (can), and four
 * threads extracting at once.
 *
 * The PDFs are built by hand (standard Helvetica, no embedded font, xref
 * offsets computed as they are written), so the test needs no font, no
 * file and no tool at run time.  Encryption is the standard security
 * handler, revision 2 (40-bit RC4), computed here with GLib's MD5.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* ---- a tiny PDF writer ---- */

/* A page: its text lines, or NULL lines for a page that only carries an
 * image (what a scanner produces). */
struct page {
	const char *lines[4];
};

struct pdfspec {
	const struct page *pages;
	int npages;
	const char *info;         /* body of the Info dictionary, or NULL */
	const char *user_pw;      /* non-NULL: encrypt (R2) with these passwords */
	const char *owner_pw;
};

static const unsigned char pw_pad[32] = {
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};
static const unsigned char file_id[16] = "weft-test-id-016";

static void rc4(const unsigned char *key, size_t klen, unsigned char *data, size_t n)
{
	unsigned char s[256];
	for (int i = 0; i < 256; i++)
		s[i] = (unsigned char)i;
	for (int i = 0, j = 0; i < 256; i++) {
		j = (j + s[i] + key[i % klen]) & 255;
		unsigned char t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	for (size_t k = 0, i = 0, j = 0; k < n; k++) {
		i = (i + 1) & 255;
		j = (j + s[i]) & 255;
		unsigned char t = s[i];
		s[i] = s[j];
		s[j] = t;
		data[k] ^= s[(s[i] + s[j]) & 255];
	}
}

static void md5(const unsigned char *const *parts, const size_t *lens, int n, unsigned char out[16])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
	for (int i = 0; i < n; i++)
		g_checksum_update(ck, parts[i], (gssize)lens[i]);
	gsize len = 16;
	g_checksum_get_digest(ck, out, &len);
	g_checksum_free(ck);
}

static void padded(const char *pw, unsigned char out[32])
{
	size_t n = strlen(pw) < 32 ? strlen(pw) : 32;
	memcpy(out, pw, n);
	memcpy(out + n, pw_pad, 32 - n);
}

/* Standard security handler revision 2: fills O, U and the 5-byte file key. */
static void r2_keys(const char *user, const char *owner, unsigned char o[32], unsigned char u[32],
		    unsigned char key[5])
{
	unsigned char up[32], op[32], h[16];
	padded(user, up);
	padded(owner && *owner ? owner : user, op);
	const unsigned char *p1[] = {op};
	size_t l1[] = {32};
	md5(p1, l1, 1, h);
	memcpy(o, up, 32);
	rc4(h, 5, o, 32);
	const unsigned char perms[4] = {0xFC, 0xFF, 0xFF, 0xFF}; /* P = -4 */
	const unsigned char *p2[] = {up, o, perms, file_id};
	size_t l2[] = {32, 32, 4, 16};
	md5(p2, l2, 4, h);
	memcpy(key, h, 5);
	memcpy(u, pw_pad, 32);
	rc4(key, 5, u, 32);
}

static void obj_crypt(const unsigned char key[5], int num, unsigned char *data, size_t n)
{
	unsigned char k[10] = {key[0], key[1], key[2], key[3], key[4],
			       (unsigned char)num, (unsigned char)(num >> 8), (unsigned char)(num >> 16), 0, 0};
	unsigned char h[16];
	const unsigned char *p[] = {k};
	size_t l[] = {10};
	md5(p, l, 1, h);
	rc4(h, 10, data, n);
}

static void add_hex(struct buf *b, const unsigned char *p, size_t n)
{
	buf_addc(b, '<');
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%02X", p[i]);
	buf_addc(b, '>');
}

/* Writes the PDF described by s into b (emptied first). */
static void make_pdf(struct buf *b, const struct pdfspec *s)
{
	enum { CATALOG = 1, PAGES, FONT, INFO, ENCRYPT, FIRST_PAGE };
	int nobj = FIRST_PAGE + 2 * s->npages;
	size_t *off = calloc((size_t)nobj, sizeof *off);
	unsigned char o[32] = {0}, u[32] = {0}, key[5] = {0};
	if (s->user_pw)
		r2_keys(s->user_pw, s->owner_pw, o, u, key);

	buf_reset(b);
	buf_adds(b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
	off[CATALOG] = b->len;
	buf_adds(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[PAGES] = b->len;
	buf_adds(b, "2 0 obj\n<< /Type /Pages /Kids [");
	for (int i = 0; i < s->npages; i++)
		buf_printf(b, " %d 0 R", FIRST_PAGE + 2 * i);
	buf_printf(b, " ] /Count %d >>\nendobj\n", s->npages);
	off[FONT] = b->len;
	buf_adds(b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		    "/Encoding /WinAnsiEncoding >>\nendobj\n");
	off[INFO] = b->len;
	buf_printf(b, "4 0 obj\n<< %s >>\nendobj\n", s->info ? s->info : "");
	off[ENCRYPT] = b->len;
	buf_adds(b, "5 0 obj\n<< /Filter /Standard /V 1 /R 2 /O ");
	add_hex(b, o, s->user_pw ? 32 : 0);
	buf_adds(b, " /U ");
	add_hex(b, u, s->user_pw ? 32 : 0);
	buf_adds(b, " /P -4 >>\nendobj\n");
	for (int i = 0; i < s->npages; i++) {
		int pg = FIRST_PAGE + 2 * i, ct = pg + 1;
		struct buf c = BUF_INIT;
		const struct page *p = &s->pages[i];
		if (!p->lines[0]) {
			/* A 2x2 grey image stretched over the page, as a scan is. */
			buf_adds(&c, "q 500 0 0 700 50 50 cm BI /W 2 /H 2 /CS /G /BPC 8 ID ");
			buf_add(&c, "\x10\xF0\xF0\x10", 4);
			buf_adds(&c, " EI Q\n");
		} else {
			buf_adds(&c, "BT /F1 12 Tf 14 TL 72 720 Td\n");
			for (int l = 0; l < 4 && p->lines[l]; l++)
				buf_printf(&c, "(%s) Tj T*\n", p->lines[l]);
			buf_adds(&c, "ET\n");
		}
		if (s->user_pw)
			obj_crypt(key, ct, (unsigned char *)c.p, c.len);
		off[pg] = b->len;
		buf_printf(b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
			      "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>\nendobj\n", pg, ct);
		off[ct] = b->len;
		buf_printf(b, "%d 0 obj\n<< /Length %zu >>\nstream\n", ct, c.len);
		buf_add(b, c.p, c.len);
		buf_adds(b, "\nendstream\nendobj\n");
		buf_free(&c);
	}
	size_t xref = b->len;
	buf_printf(b, "xref\n0 %d\n0000000000 65535 f \n", nobj);
	for (int i = 1; i < nobj; i++)
		buf_printf(b, "%010zu 00000 n \n", off[i]);
	buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R", nobj);
	if (s->user_pw) {
		buf_adds(b, " /Encrypt 5 0 R /ID [");
		add_hex(b, file_id, 16);
		add_hex(b, file_id, 16);
		buf_adds(b, "]");
	}
	buf_printf(b, " >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	free(off);
}

/* ---- helpers ---- */

static const struct page two_pages[] = {
	{{"Cable from the Baghdad station", "Soleimani met the minister", NULL}},
	{{"Second page: the ambassador replied", NULL}},
};

static const char *meta_get(const struct xdoc *d, const char *key)
{
	const cJSON *v = d->meta ? cJSON_GetObjectItemCaseSensitive(d->meta, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* What every successful extraction must hold, whatever the input. */
static void check_invariants(const struct xdoc *d)
{
	assert_string_equal(d->type, "pdf");
	assert_true(utf8_valid(d->text.p ? d->text.p : "", d->text.len));
	if (d->text.len)
		assert_null(memchr(d->text.p, 0, d->text.len));
	assert_true(d->npages >= 1);
	assert_non_null(d->page_ends);
	for (int i = 1; i < d->npages; i++)
		assert_true(d->page_ends[i] >= d->page_ends[i - 1]);
	assert_int_equal(d->page_ends[d->npages - 1], d->text.len);
}

static int run(const struct buf *pdf, struct xdoc *d, struct err *e)
{
	struct xctx x = {0};
	xdoc_init(d);
	memset(e, 0, sizeof *e);
	return extract_pdf(&x, pdf->p, pdf->len, d, e);
}

/* ---- tests ---- */

static void test_two_pages_text_and_metadata(void **state)
{
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {two_pages, 2,
			    "/Title (Iraq station report) /Author (Ministry of Intelligence) "
			    "/Subject (Meetings) /Keywords (Iraq, Quds Force) /Producer (weft test) "
			    "/CreationDate (D:20191118123000+03'00') /ModDate (D:20200102030405Z)",
			    NULL, NULL};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), 0);
	check_invariants(&d);
	assert_int_equal(d.status, XD_OK);
	assert_int_equal(d.npages, 2);
	assert_int_equal(d.invalid_bytes, 0);

	/* Page 1's words lie before page_ends[0], page 2's after it. */
	const char *t = d.text.p;
	const char *w1 = strstr(t, "Soleimani"), *w2 = strstr(t, "ambassador");
	assert_non_null(w1);
	assert_non_null(strstr(t, "Baghdad"));
	assert_non_null(w2);
	assert_true((size_t)(w1 - t) < d.page_ends[0]);
	assert_true((size_t)(w2 - t) > d.page_ends[0]);
	assert_memory_equal(t + d.page_ends[0], "\f\n", 2);
	assert_null(strstr(t + d.page_ends[0], "Soleimani"));

	assert_string_equal(d.title, "Iraq station report");
	assert_string_equal(d.author, "Ministry of Intelligence");
	/* 12:30 at +03:00 is 09:30 UTC. */
	assert_string_equal(d.date, "2019-11-18T09:30:00Z");
	assert_int_equal(d.date_suspect, 0);
	assert_string_equal(meta_get(&d, "modified"), "2020-01-02T03:04:05Z");
	assert_string_equal(meta_get(&d, "subject"), "Meetings");
	assert_string_equal(meta_get(&d, "keywords"), "Iraq, Quds Force");
	assert_string_equal(meta_get(&d, "producer"), "weft test");
	assert_string_equal(meta_get(&d, "pages"), "2");
	xdoc_free(&d);
	buf_free(&pdf);
}

/* A UTF-16 title (here Persian, "Soleimani") comes out as UTF-8. */
static void test_utf16_title(void **state)
{
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {two_pages, 1, "/Title <FEFF0633064406CC0645062706460649>", NULL, NULL};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), 0);
	assert_string_equal(d.title, "\u0633\u0644\u06CC\u0645\u0627\u0646\u0649");
	assert_null(d.date);
	xdoc_free(&d);
	buf_free(&pdf);
}

static void test_no_text_layer_needs_ocr(void **state)
{
	static const struct page scans[] = {{{NULL}}, {{NULL}}, {{NULL}}};
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {scans, 3, "/Producer (Scanner 3000)", NULL, NULL};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), 0);
	assert_int_equal(d.status, XD_NEEDS_OCR);
	assert_int_equal(d.text.len, 0);
	assert_int_equal(d.npages, 3);
	check_invariants(&d);
	assert_string_equal(meta_get(&d, "producer"), "Scanner 3000");
	xdoc_free(&d);
	buf_free(&pdf);
}

/* One scanned page among text pages is a normal document. */
static void test_mixed_pages(void **state)
{
	static const struct page mixed[] = {{{NULL}}, {{"Only the second page has text", NULL}}};
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {mixed, 2, NULL, NULL, NULL};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), 0);
	check_invariants(&d);
	assert_int_equal(d.status, XD_OK);
	assert_int_equal(d.page_ends[0], 0);
	assert_memory_equal(d.text.p, "\f\n", 2);
	assert_non_null(strstr(d.text.p, "second page"));
	xdoc_free(&d);
	buf_free(&pdf);
}

static void test_junk_fails(void **state)
{
	char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 131 + 7);
	struct buf b = BUF_INIT;
	buf_add(&b, junk, sizeof junk);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&b, &d, &e), -1);
	assert_non_null(strstr(e.msg, "corrupt PDF"));
	xdoc_free(&d);

	buf_reset(&b);
	buf_adds(&b, "%PDF-1.7\nnothing else here\n");
	assert_int_equal(run(&b, &d, &e), -1);
	assert_true(strlen(e.msg) > 0);
	xdoc_free(&d);
	buf_free(&b);
}

/* Every cut of a real PDF either fails with a reason or yields a sane
 * document; none crashes (ASan watches). */
static void test_truncated(void **state)
{
	struct buf pdf = BUF_INIT, cut = BUF_INIT;
	struct pdfspec s = {two_pages, 2, "/Title (Cut)", NULL, NULL};
	make_pdf(&pdf, &s);
	int ok = 0, failed = 0;
	for (size_t n = 1; n < pdf.len; n += 3) {
		buf_reset(&cut);
		buf_add(&cut, pdf.p, n);
		struct xdoc d;
		struct err e;
		if (run(&cut, &d, &e) == 0) {
			check_invariants(&d);
			ok++;
		} else {
			assert_true(strlen(e.msg) > 0);
			failed++;
		}
		xdoc_free(&d);
	}
	/* Short cuts cannot be read; poppler rebuilds the xref of long ones. */
	assert_true(failed > 0);
	assert_true(ok > 0);
	buf_free(&pdf);
	buf_free(&cut);
}

static void test_encrypted_needs_password(void **state)
{
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {two_pages, 2, NULL, "secret", "owner"};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), -1);
	assert_string_equal(e.msg, "encrypted PDF (password required)");
	xdoc_free(&d);
	buf_free(&pdf);
}

/* "Owner password only" PDFs (printing or copying disabled) open without
 * a password, and their text is read like any other. */
static void test_owner_password_only_is_read(void **state)
{
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {two_pages, 2, NULL, "", "owner"};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), 0);
	check_invariants(&d);
	assert_non_null(strstr(d.text.p, "Soleimani"));
	assert_non_null(strstr(d.text.p, "ambassador"));
	xdoc_free(&d);
	buf_free(&pdf);
}

struct worker {
	const struct buf *pdf;
	size_t expect_len;
	int bad;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 25; i++) {
		struct xdoc d;
		struct err e;
		if (run(w->pdf, &d, &e) != 0 || d.text.len != w->expect_len ||
		    !strstr(d.text.p, "Soleimani"))
			w->bad++;
		xdoc_free(&d);
	}
	return NULL;
}

/* ingest extracts PDFs from several workers at once. */
static void test_threads(void **state)
{
	struct buf pdf = BUF_INIT;
	struct pdfspec s = {two_pages, 2, "/Title (Threads)", NULL, NULL};
	make_pdf(&pdf, &s);
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&pdf, &d, &e), 0);
	struct worker w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){&pdf, d.text.len, 0};
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	xdoc_free(&d);
	buf_free(&pdf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_pages_text_and_metadata),
		cmocka_unit_test(test_utf16_title),
		cmocka_unit_test(test_no_text_layer_needs_ocr),
		cmocka_unit_test(test_mixed_pages),
		cmocka_unit_test(test_junk_fails),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_encrypted_needs_password),
		cmocka_unit_test(test_owner_password_only_is_read),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("pdf", tests, NULL, NULL);
}
