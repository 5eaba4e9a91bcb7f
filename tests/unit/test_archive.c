/*
 * test_archive.c — extract_archive() on archives the test builds in memory
 * with libarchive's write API: members and their bytes come out right (zip
 * with folders, tar.gz, a lone .gz and .bz2), and hostile archives are
 * stopped: nesting past max_depth, a 200 MB run of zeros (ratio and total
 * limits, in zip and in tar.gz), too many members, a member over
 * max_file_size, truncation, encrypted members, and names that try to
 * climb out ("../etc/passwd", "/etc/shadow") — which are passed on as
 * names only, with nothing written to disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"

/* ---- building archives ---- */

struct member {
	const char *name;
	const char *data;      /* NULL with zeros > 0: that many zero bytes */
	size_t zeros;
	int type;              /* 0 = regular file, else AE_IFDIR, AE_IFLNK, ... */
	const char *link;      /* symlink target or hard link source */
};

/* Writes the members into an archive of the given format and filter
 * (ARCHIVE_FILTER_NONE for none).  passphrase: encrypt zip members.
 * Returns the bytes in b. */
static void make_archive(struct buf *b, int format, int filter, const struct member *m, int n,
			 const char *passphrase)
{
	size_t cap = 8u << 20, used = 0;
	char *mem = malloc(cap);
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	if (filter != ARCHIVE_FILTER_NONE)
		assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
	if (passphrase) {
		assert_int_equal(archive_write_set_options(a, "zip:encryption=zipcrypt"), ARCHIVE_OK);
		assert_int_equal(archive_write_set_passphrase(a, passphrase), ARCHIVE_OK);
	}
	assert_int_equal(archive_write_open_memory(a, mem, cap, &used), ARCHIVE_OK);
	static char zeros[1 << 20];
	for (int i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_mtime(e, 1574069400, 0);
		size_t size = m[i].data ? strlen(m[i].data) : m[i].zeros;
		if (m[i].type == AE_IFLNK) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, m[i].link);
			size = 0;
		} else if (m[i].type == AE_IFDIR) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			size = 0;
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			if (m[i].link) {
				archive_entry_set_hardlink(e, m[i].link);
				size = 0;
			}
		}
		archive_entry_set_size(e, (la_int64_t)size);
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (m[i].data && size)
			assert_int_equal(archive_write_data(a, m[i].data, size), (la_ssize_t)size);
		/* A large run of zeros is written a megabyte at a time, so the
		 * test itself never holds it. */
		for (size_t left = size; !m[i].data && left > 0;) {
			size_t k = left < sizeof zeros ? left : sizeof zeros;
			assert_int_equal(archive_write_data(a, zeros, k), (la_ssize_t)k);
			left -= k;
		}
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	buf_reset(b);
	buf_add(b, mem, used);
	free(mem);
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void put32(struct buf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		buf_addc(b, (char)(v >> (8 * i)));
}

/* What `gzip note.txt` writes: a gzip member that records the original
 * file name (libarchive's writer cannot), with the data in one stored
 * deflate block. */
static void make_gzip_named(struct buf *b, const char *fname, const char *text)
{
	size_t n = strlen(text);
	buf_reset(b);
	buf_add(b, "\x1f\x8b\x08\x08\0\0\0\0\0\x03", 10);
	buf_add(b, fname, strlen(fname) + 1);
	buf_addc(b, 1); /* final block, stored */
	buf_addc(b, (char)(n & 0xFF));
	buf_addc(b, (char)(n >> 8));
	buf_addc(b, (char)(~n & 0xFF));
	buf_addc(b, (char)((~n >> 8) & 0xFF));
	buf_add(b, text, n);
	put32(b, crc32_of((const unsigned char *)text, n));
	put32(b, (uint32_t)n);
}

/* ---- a child callback that acts like ingest ---- */

#define MAXKIDS 64

struct kids {
	int n;
	char *name[MAXKIDS];
	struct buf data[MAXKIDS];
	int fail_at;            /* > 0: fail on that call (1-based) */
	int recurse;            /* 1: members named *.zip are opened, like ingest does */
};

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static int record_child(struct xctx *x, const char *name, const char *data, size_t len,
			struct err *e)
{
	struct kids *k = x->user;
	if (k->fail_at && k->n + 1 == k->fail_at)
		return err_set(e, "child refused %s", name);
	if (k->n < MAXKIDS) {
		k->name[k->n] = xstrdup(name);
		k->data[k->n] = (struct buf)BUF_INIT;
		buf_add(&k->data[k->n], data, len);
		k->n++;
	}
	if (k->recurse && ends_with(name, ".zip")) {
		struct xdoc d;
		xdoc_init(&d);
		x->depth++;
		int r = extract_archive(x, data, len, &d, e);
		x->depth--;
		xdoc_free(&d);
		return r;
	}
	return 0;
}

static void kids_free(struct kids *k)
{
	for (int i = 0; i < k->n && i < MAXKIDS; i++) {
		free(k->name[i]);
		buf_free(&k->data[i]);
	}
	memset(k, 0, sizeof *k);
}

static struct xlimits roomy = {
	.max_depth = 5, .max_members = 1000, .max_file_size = 64u << 20,
	.max_total = 256u << 20, .max_ratio = 200,
};

static int run(const struct buf *a, const struct xlimits *lim, struct kids *k, struct xdoc *d,
	       struct err *e, struct xctx *xout)
{
	struct xctx x = {.depth = 0, .lim = lim, .child = record_child, .user = k};
	xdoc_init(d);
	memset(e, 0, sizeof *e);
	int r = extract_archive(&x, a->p, a->len, d, e);
	if (xout)
		*xout = x;
	return r;
}

static const char *meta_get(const struct xdoc *d, const char *key)
{
	const cJSON *v = d->meta ? cJSON_GetObjectItemCaseSensitive(d->meta, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- tests ---- */

static void test_zip_members(void **state)
{
	const struct member m[] = {
		{"readme.txt", "Cables from the Baghdad station.\n", 0, 0, NULL},
		{"docs/", NULL, 0, AE_IFDIR, NULL},
		{"docs/2019/cable-0421.txt", "Soleimani met the minister.\n", 0, 0, NULL},
		{"docs/2019/link", NULL, 0, AE_IFLNK, "cable-0421.txt"},
		{"docs/2014/empty.txt", "", 0, 0, NULL},
	};
	struct buf z = BUF_INIT;
	make_archive(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 5, NULL);
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&z, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.name[0], "readme.txt");
	assert_string_equal(k.data[0].p, "Cables from the Baghdad station.\n");
	assert_string_equal(k.name[1], "docs/2019/cable-0421.txt");
	assert_int_equal(k.data[1].len, strlen("Soleimani met the minister.\n"));
	assert_memory_equal(k.data[1].p, "Soleimani met the minister.\n", k.data[1].len);
	assert_string_equal(k.name[2], "docs/2014/empty.txt");
	assert_int_equal(k.data[2].len, 0);
	assert_string_equal(d.type, "archive");
	assert_string_equal(d.title, "archive: 3 members");
	assert_string_equal(d.text.p, "readme.txt\ndocs/2019/cable-0421.txt\ndocs/2014/empty.txt\n");
	assert_non_null(strstr(meta_get(&d, "format"), "ZIP"));
	assert_null(meta_get(&d, "skipped_members"));
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&z);
}

static void test_compressed_tars(void **state)
{
	const struct member m[] = {
		{"cables/a.txt", "first", 0, 0, NULL},
		{"cables/b.txt", "second member", 0, 0, NULL},
	};
	const int filters[] = {ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_XZ, ARCHIVE_FILTER_BZIP2};
	const char *names[] = {"gzip", "xz", "bzip2"};
	for (int f = 0; f < 3; f++) {
		struct buf t = BUF_INIT;
		make_archive(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, filters[f], m, 2, NULL);
		struct kids k = {0};
		struct xdoc d;
		struct err e;
		assert_int_equal(run(&t, &roomy, &k, &d, &e, NULL), 0);
		assert_int_equal(k.n, 2);
		assert_string_equal(k.name[1], "cables/b.txt");
		assert_string_equal(k.data[1].p, "second member");
		assert_string_equal(meta_get(&d, "compression"), names[f]);
		kids_free(&k);
		xdoc_free(&d);
		buf_free(&t);
	}
}

static void test_7z(void **state)
{
	const struct member m[] = {{"notes/memo.txt", "a memo in a 7z", 0, 0, NULL}};
	struct buf t = BUF_INIT;
	make_archive(&t, ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE, m, 1, NULL);
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&t, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.name[0], "notes/memo.txt");
	assert_string_equal(k.data[0].p, "a memo in a 7z");
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&t);
}

/* A lone .gz of a text file is one member named as gzip recorded it. */
static void test_single_gz_file(void **state)
{
	struct buf g = BUF_INIT;
	make_gzip_named(&g, "note.txt", "the text inside the gzip\n");
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&g, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.name[0], "note.txt");
	assert_string_equal(k.data[0].p, "the text inside the gzip\n");
	assert_string_equal(d.title, "archive: 1 member");
	kids_free(&k);
	xdoc_free(&d);

	/* bzip2 records no name: the member is libarchive's "data". */
	const struct member m[] = {{"ignored", "plain text, bzip2ed", 0, 0, NULL}};
	make_archive(&g, ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_BZIP2, m, 1, NULL);
	assert_int_equal(run(&g, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.data[0].p, "plain text, bzip2ed");
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&g);
}

/* Uncompressed bytes that are no archive are not read as a "raw" member. */
static void test_not_an_archive(void **state)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "This is just a text file, not an archive at all.\n");
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&b, &roomy, &k, &d, &e, NULL), -1);
	assert_int_equal(k.n, 0);
	assert_non_null(strstr(e.msg, "corrupt or truncated archive: "));
	xdoc_free(&d);
	buf_free(&b);
}

/* Builds a zip holding a zip holding ... levels deep, with a text at the
 * bottom. */
static void make_nested(struct buf *out, int levels)
{
	struct member m = {"bottom.txt", "at the bottom", 0, 0, NULL};
	make_archive(out, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, &m, 1, NULL);
	for (int i = 1; i < levels; i++) {
		char *inner = xstrndup(out->p, out->len);
		size_t n = out->len;
		struct archive *a = archive_write_new();
		size_t cap = n + 4096, used = 0;
		char *mem = malloc(cap);
		archive_write_set_format_zip(a);
		archive_write_open_memory(a, mem, cap, &used);
		struct archive_entry *e = archive_entry_new();
		char name[32];
		snprintf(name, sizeof name, "level%d.zip", i);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)n);
		archive_write_header(a, e);
		archive_write_data(a, inner, n);
		archive_entry_free(e);
		archive_write_close(a);
		archive_write_free(a);
		buf_reset(out);
		buf_add(out, mem, used);
		free(mem);
		free(inner);
	}
}

static void test_nesting_limit(void **state)
{
	struct xlimits lim = roomy;
	lim.max_depth = 3;
	struct buf z = BUF_INIT;
	struct kids k = {.recurse = 1};
	struct xdoc d;
	struct err e;

	make_nested(&z, 3); /* depths 0, 1, 2: allowed */
	assert_int_equal(run(&z, &lim, &k, &d, &e, NULL), 0);
	assert_string_equal(k.name[k.n - 1], "bottom.txt");
	assert_string_equal(k.data[k.n - 1].p, "at the bottom");
	kids_free(&k);
	xdoc_free(&d);

	k.recurse = 1;
	make_nested(&z, 4); /* the fourth would be opened at depth 3 */
	assert_int_equal(run(&z, &lim, &k, &d, &e, NULL), -1);
	assert_string_equal(e.msg, "archive nested too deep (limit 3)");
	for (int i = 0; i < k.n; i++)
		assert_string_not_equal(k.name[i], "bottom.txt");
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&z);
}

/* 200 MB of zeros compresses to about 200 KB: a bomb in miniature. */
static void test_ratio_bomb(void **state)
{
	const struct member m[] = {
		{"intro.txt", "nothing to see", 0, 0, NULL},
		{"zeros.bin", NULL, 200u << 20, 0, NULL},
	};
	struct buf z = BUF_INIT;
	make_archive(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 2, NULL);
	assert_true(z.len < (2u << 20));

	struct xlimits lim = {.max_depth = 5, .max_members = 1000, .max_file_size = 1ull << 30,
			      .max_total = 1ull << 30, .max_ratio = 100};
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	struct xctx x;
	assert_int_equal(run(&z, &lim, &k, &d, &e, &x), -1);
	assert_string_equal(e.msg, "expansion ratio over 100 (possible zip bomb)");
	/* Stopped as soon as it went over, not after expanding it all. */
	assert_true(x.expanded <= 100 * z.len + 2 * 65536);
	assert_int_equal(k.n, 1);
	kids_free(&k);
	xdoc_free(&d);

	/* The total limit stops it too when the ratio would not. */
	lim.max_ratio = 1e9;
	lim.max_total = 10u << 20;
	assert_int_equal(run(&z, &lim, &k, &d, &e, &x), -1);
	assert_non_null(strstr(e.msg, "expands to more than 10485760 bytes"));
	assert_true(x.expanded <= (10u << 20) + 65536);
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&z);
}

/* In a tar.gz a member too large to keep still has to be decompressed to
 * get past it, and that is counted against the limits too. */
static void test_large_member_in_tar_gz(void **state)
{
	const struct member m[] = {
		{"big.bin", NULL, 200u << 20, 0, NULL},
		{"after.txt", "after the big one", 0, 0, NULL},
	};
	struct buf t = BUF_INIT;
	make_archive(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, 2, NULL);
	struct xlimits lim = {.max_depth = 5, .max_members = 1000, .max_file_size = 1u << 20,
			      .max_total = 1ull << 30, .max_ratio = 100};
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	struct xctx x;
	assert_int_equal(run(&t, &lim, &k, &d, &e, &x), -1);
	assert_string_equal(e.msg, "expansion ratio over 100 (possible zip bomb)");
	assert_true(x.expanded < (200u << 20));
	assert_int_equal(k.n, 0);
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&t);
}

/* A member over max_file_size is skipped and listed; the rest go on. */
static void test_member_too_large_is_skipped(void **state)
{
	const struct member m[] = {
		{"big.bin", NULL, 3u << 20, 0, NULL},
		{"small.txt", "small", 0, 0, NULL},
	};
	struct xlimits lim = roomy;
	lim.max_file_size = 1u << 20;
	const int formats[] = {ARCHIVE_FORMAT_ZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED};
	for (int f = 0; f < 2; f++) {
		struct buf z = BUF_INIT;
		make_archive(&z, formats[f], ARCHIVE_FILTER_NONE, m, 2, NULL);
		struct kids k = {0};
		struct xdoc d;
		struct err e;
		assert_int_equal(run(&z, &lim, &k, &d, &e, NULL), 0);
		assert_int_equal(k.n, 1);
		assert_string_equal(k.name[0], "small.txt");
		assert_string_equal(d.text.p, "(skipped: too large) big.bin\nsmall.txt\n");
		assert_string_equal(meta_get(&d, "skipped_members"), "1");
		assert_string_equal(d.title, "archive: 2 members");
		kids_free(&k);
		xdoc_free(&d);
		buf_free(&z);
	}
}

static void test_too_many_members(void **state)
{
	struct member m[50];
	char names[50][24];
	for (int i = 0; i < 50; i++) {
		snprintf(names[i], sizeof names[i], "f%02d.txt", i);
		m[i] = (struct member){names[i], "x", 0, 0, NULL};
	}
	struct buf z = BUF_INIT;
	make_archive(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 50, NULL);
	struct xlimits lim = roomy;
	lim.max_members = 10;
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&z, &lim, &k, &d, &e, NULL), -1);
	assert_string_equal(e.msg, "too many members (limit 10)");
	assert_int_equal(k.n, 10);
	kids_free(&k);
	xdoc_free(&d);

	lim.max_members = 50;
	assert_int_equal(run(&z, &lim, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 50);
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&z);
}

/* Every cut of a zip and of a tar.gz fails with a reason or gives what it
 * could read (with the error noted); none crashes. */
static void test_truncated(void **state)
{
	const struct member m[] = {
		{"one.txt", "the first member, long enough to be cut in the middle of", 0, 0, NULL},
		{"two.txt", "the second member", 0, 0, NULL},
	};
	const int formats[] = {ARCHIVE_FORMAT_ZIP, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED};
	const int filters[] = {ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP};
	for (int f = 0; f < 2; f++) {
		struct buf z = BUF_INIT, cut = BUF_INIT;
		make_archive(&z, formats[f], filters[f], m, 2, NULL);
		int failed = 0;
		for (size_t n = 1; n < z.len; n += 5) {
			buf_reset(&cut);
			buf_add(&cut, z.p, n);
			struct kids k = {0};
			struct xdoc d;
			struct err e;
			if (run(&cut, &roomy, &k, &d, &e, NULL) < 0) {
				assert_non_null(strstr(e.msg, "archive"));
				failed++;
			} else {
				assert_true(k.n <= 2);
				if (k.n < 2)
					assert_non_null(meta_get(&d, "error"));
			}
			for (int i = 0; i < k.n; i++)
				assert_true(!strcmp(k.data[i].p, m[i].data));
			kids_free(&k);
			xdoc_free(&d);
		}
		assert_true(failed > 0);
		/* Cut inside the first header: nothing can be read. */
		buf_reset(&cut);
		buf_add(&cut, z.p, 20);
		struct kids k = {0};
		struct xdoc d;
		struct err e;
		assert_int_equal(run(&cut, &roomy, &k, &d, &e, NULL), -1);
		assert_non_null(strstr(e.msg, "corrupt or truncated archive: "));
		xdoc_free(&d);
		buf_free(&z);
		buf_free(&cut);
	}
}

static void test_encrypted_members_skipped(void **state)
{
	const struct member m[] = {{"secret.txt", "the informant's name", 0, 0, NULL}};
	struct buf z = BUF_INIT;
	make_archive(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 1, "password");
	assert_null(memmem(z.p, z.len, "informant", 9));
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&z, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 0);
	assert_string_equal(d.text.p, "(skipped: encrypted) secret.txt\n");
	assert_string_equal(meta_get(&d, "skipped_members"), "1");
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&z);
}

/* Hostile names are passed on as names (minus leading "/" and "./");
 * links and devices are not passed on; nothing touches the disk. */
static void test_hostile_names_touch_nothing(void **state)
{
	char dir[] = "/tmp/weft-test-archive-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char old[4096];
	assert_non_null(getcwd(old, sizeof old));
	assert_int_equal(chdir(dir), 0);

	const struct member m[] = {
		{"../etc/passwd", "root:x:0:0", 0, 0, NULL},
		{"/etc/shadow", "root:!:19000", 0, 0, NULL},
		{"./a/./b.txt", "dotted", 0, 0, NULL},
		{"//srv/share.txt", "unc-ish", 0, 0, NULL},
		{"evil-link", NULL, 0, AE_IFLNK, "/etc/passwd"},
		{"hard", NULL, 0, 0, "../etc/passwd"},
	};
	struct buf t = BUF_INIT;
	make_archive(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, m, 6, NULL);
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&t, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 4);
	assert_string_equal(k.name[0], "../etc/passwd");
	assert_string_equal(k.data[0].p, "root:x:0:0");
	assert_string_equal(k.name[1], "etc/shadow");
	assert_string_equal(k.name[2], "a/./b.txt");
	assert_string_equal(k.name[3], "srv/share.txt");

	DIR *dh = opendir(".");
	struct dirent *de;
	int entries = 0;
	while ((de = readdir(dh)))
		entries += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(dh);
	assert_int_equal(entries, 0);
	struct stat sb;
	assert_int_not_equal(stat("../etc/passwd", &sb), 0); /* /tmp/etc/passwd */

	assert_int_equal(chdir(old), 0);
	assert_int_equal(rmdir(dir), 0);
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&t);
}

/* A child that fails stops the archive and its reason comes back. */
static void test_child_failure_propagates(void **state)
{
	const struct member m[] = {
		{"a.txt", "a", 0, 0, NULL}, {"b.txt", "b", 0, 0, NULL}, {"c.txt", "c", 0, 0, NULL}};
	struct buf z = BUF_INIT;
	make_archive(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, m, 3, NULL);
	struct kids k = {.fail_at = 2};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&z, &roomy, &k, &d, &e, NULL), -1);
	assert_string_equal(e.msg, "child refused b.txt");
	assert_int_equal(k.n, 1);
	kids_free(&k);
	xdoc_free(&d);
	buf_free(&z);
}

static void test_empty_zip(void **state)
{
	struct buf z = BUF_INIT;
	make_archive(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, NULL, 0, NULL);
	struct kids k = {0};
	struct xdoc d;
	struct err e;
	assert_int_equal(run(&z, &roomy, &k, &d, &e, NULL), 0);
	assert_int_equal(k.n, 0);
	assert_string_equal(d.title, "archive: 0 members");
	xdoc_free(&d);
	buf_free(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zip_members),
		cmocka_unit_test(test_compressed_tars),
		cmocka_unit_test(test_7z),
		cmocka_unit_test(test_single_gz_file),
		cmocka_unit_test(test_not_an_archive),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_ratio_bomb),
		cmocka_unit_test(test_large_member_in_tar_gz),
		cmocka_unit_test(test_member_too_large_is_skipped),
		cmocka_unit_test(test_too_many_members),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_encrypted_members_skipped),
		cmocka_unit_test(test_hostile_names_touch_nothing),
		cmocka_unit_test(test_child_failure_propagates),
		cmocka_unit_test(test_empty_zip),
	};
	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
