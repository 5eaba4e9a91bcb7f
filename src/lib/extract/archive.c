/*
 * extract/archive.c — containers, with libarchive, from memory only: zip,
 * tar (plain or .gz/.bz2/.xz/.zst/.lz4/.Z), 7z, rar, cpio, ISO images, ar,
 * cab, lha, xar, warc, and a single compressed file (.gz/.bz2/.xz of
 * anything), which comes out as one member.
 *
 * The document itself is the listing: one member path a line, a skipped
 * member as "(skipped: why) path".  Each regular file is read into memory
 * (nothing is ever written to disk, so "../" and absolute names are
 * harmless: they are passed on as given, minus leading "/" and "./") and
 * handed to x->child(), which the ingest stage provides.  Directories,
 * symlinks, hard links and devices carry no content and are passed over.
 *
 * Hostile archives are stopped while they expand, never after: every
 * member is read in CHUNK-sized pieces and each piece is counted against
 * the limits in x->lim (nesting depth, members, one member's size, bytes
 * expanded from the whole top-level file, and the expansion ratio of this
 * archive), so a zip bomb fails within a few megabytes of going over.
 *
 * Formats and filters are enabled one by one rather than with
 * support_*_all(): the "all" sets include mtree, whose reader can open the
 * files an mtree text names on the local disk, and filters that run an
 * external program (lrzip, grzip, lzop).  Neither belongs in a tool that
 * reads hostile files.  Debian's libarchive has every filter enabled here
 * built in, so none of them runs a program either.
 */
#include <archive.h>
#include <archive_entry.h>
#include <assert.h>
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#define CHUNK (64 * 1024)
/* The ratio limit is judged only once an archive has expanded to this many
 * bytes: a 300-byte zip of a 100 KB log is a ratio of 300 and harmless. */
#define RATIO_FLOOR ((uint64_t)1 << 20)

/* One archive being read. */
struct arun {
	struct xctx *x;
	struct archive *a;
	size_t len;         /* compressed size of this archive */
	uint64_t out;       /* bytes expanded from this archive so far */
	char *chunk;        /* CHUNK bytes of scratch */
};

/* Outcome of reading one member's data. */
enum mread {
	M_OK,        /* read whole */
	M_TOO_LARGE, /* over max_file_size: dropped */
	M_BROKEN,    /* this member's data cannot be read; the next may be */
	M_FATAL,     /* the archive cannot be read further */
	M_LIMIT,     /* a limit on the whole file was hit: e says which */
};

static void enable_filters(struct archive *a)
{
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_compress(a);
}

static void enable_formats(struct archive *a)
{
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_warc(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
}

/* Opens data as an archive; raw != 0 reads it as one compressed file
 * instead.  Returns libarchive's status; *out is always set and must be
 * freed with archive_read_free(). */
static int open_archive(struct archive **out, const char *data, size_t len, int raw)
{
	struct archive *a = archive_read_new();
	if (!a) {
		fputs("weft: out of memory\n", stderr);
		exit(1);
	}
	enable_filters(a);
	if (raw)
		archive_read_support_format_raw(a);
	else
		enable_formats(a);
	*out = a;
	return archive_read_open_memory(a, data, len);
}

/* 1 if the open failed only because no archive format matched what a
 * compression filter unpacked: a .gz (or .bz2, .xz, ...) of a plain file. */
static int compressed_single_file(struct archive *a)
{
	return archive_format(a) == 0 && archive_filter_count(a) > 1 &&
	       archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE;
}

/* Counts n more expanded bytes against the limits on the whole top-level
 * file and on this archive's ratio (max_ratio <= 0: no ratio limit).
 * Returns 0, or -1 with e filled. */
static int count_out(struct arun *r, size_t n, struct err *e)
{
	const struct xlimits *lim = r->x->lim;
	r->out += n;
	r->x->expanded += n;
	if (r->x->expanded > lim->max_total)
		return err_set(e, "archive expands to more than %" PRIu64 " bytes (limit %" PRIu64
			       ", possible zip bomb)", lim->max_total, lim->max_total);
	if (lim->max_ratio > 0 && r->out > RATIO_FLOOR &&
	    (double)r->out > lim->max_ratio * (double)r->len)
		return err_set(e, "expansion ratio over %g (possible zip bomb)", lim->max_ratio);
	return 0;
}

/* 1 if skipping a member's data costs a seek rather than decompressing it:
 * uncompressed streams of formats whose headers give the stored size. */
static int skip_is_cheap(struct archive *a)
{
	int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
	return archive_filter_count(a) <= 1 &&
	       (f == ARCHIVE_FORMAT_ZIP || f == ARCHIVE_FORMAT_TAR || f == ARCHIVE_FORMAT_CPIO ||
		f == ARCHIVE_FORMAT_AR || f == ARCHIVE_FORMAT_ISO9660);
}

/* Reads the current member's data into m (emptied first), CHUNK bytes at
 * a time, counting each chunk against the limits.  keep == 0 reads only to
 * count (a member known to be too large), or not at all when skipping is
 * cheap.  A member that grows past max_file_size is dropped and the rest
 * is read the same way.  why receives libarchive's reason on M_BROKEN or
 * M_FATAL. */
static enum mread read_member(struct arun *r, struct buf *m, int keep, char *why, size_t whylen,
			      struct err *e)
{
	uint64_t max = r->x->lim->max_file_size;
	buf_reset(m);
	if (!keep && skip_is_cheap(r->a))
		return M_TOO_LARGE;
	for (;;) {
		la_ssize_t n = archive_read_data(r->a, r->chunk, CHUNK);
		if (n == 0)
			break;
		if (n < 0) {
			const char *s = archive_error_string(r->a);
			snprintf(why, whylen, "%s", s ? s : "unreadable data");
			buf_reset(m);
			return n == ARCHIVE_FATAL ? M_FATAL : M_BROKEN;
		}
		if (count_out(r, (size_t)n, e) < 0) {
			buf_reset(m);
			return M_LIMIT;
		}
		if (keep && m->len + (uint64_t)n > max) {
			keep = 0;
			buf_free(m);
			if (skip_is_cheap(r->a))
				return M_TOO_LARGE;
		}
		if (keep)
			buf_add(m, r->chunk, (size_t)n);
	}
	return keep ? M_OK : M_TOO_LARGE;
}

/* The member's path as UTF-8, with leading "/" and "./" removed (nothing
 * else: ".." stays, since nothing is written to disk).  Malloc'd. */
static char *member_name(struct archive_entry *ent)
{
	const char *s = archive_entry_pathname_utf8(ent);
	if (!s)
		s = archive_entry_pathname(ent);
	if (!s)
		s = "";
	for (;;) {
		if (*s == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else
			break;
	}
	if (!*s)
		return xstrdup("unnamed");
	struct buf b = BUF_INIT;
	utf8_repair(&b, s, strlen(s));
	return buf_detach(&b);
}

/* Adds one listing line: an optional "(skipped: why) " then the name with
 * control characters shown as '?' so one member is always one line. */
static void list_member(struct xctx *x, struct buf *t, const char *skipped, const char *name)
{
	if (skipped) {
		buf_printf(t, "(skipped: %s) ", skipped);
		if (x->skip)
			x->skip(x, name, skipped);
	}
	size_t start = t->len;
	buf_adds(t, name);
	for (size_t i = start; i < t->len; i++)
		if ((unsigned char)t->p[i] < 0x20 || t->p[i] == 0x7f)
			t->p[i] = '?';
	buf_addc(t, '\n');
}

/* Fills title and meta once the walk is over. */
static void finish_doc(struct archive *a, struct xdoc *d, long files, long skipped)
{
	char s[64];
	snprintf(s, sizeof s, "archive: %ld member%s", files, files == 1 ? "" : "s");
	d->title = xstrdup(s);
	const char *fmt = archive_format_name(a);
	if (fmt)
		xdoc_meta_set(d, "format", fmt);
	if (archive_filter_count(a) > 1 && archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE)
		xdoc_meta_set(d, "compression", archive_filter_name(a, 0));
	if (skipped) {
		snprintf(s, sizeof s, "%ld", skipped);
		xdoc_meta_set(d, "skipped_members", s);
	}
}

int extract_archive(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	assert(x && x->lim && x->child);
	const struct xlimits *lim = x->lim;
	d->type = "archive";
	if (x->depth >= lim->max_depth)
		return err_set(e, "archive nested too deep (limit %d)", lim->max_depth);
	if (len == 0)
		return err_set(e, "empty file");

	struct archive *a;
	int st = open_archive(&a, data, len, 0);
	if (st == ARCHIVE_FATAL && compressed_single_file(a)) {
		archive_read_free(a);
		st = open_archive(&a, data, len, 1);
	}
	if (st == ARCHIVE_FATAL) {
		const char *s = archive_error_string(a);
		err_set(e, "corrupt or truncated archive: %s", s ? s : "cannot be opened");
		archive_read_free(a);
		return -1;
	}

	struct arun r = {.x = x, .a = a, .len = len, .chunk = xmalloc(CHUNK)};
	struct buf m = BUF_INIT;
	char why[300] = "", *name = NULL;
	long entries = 0, files = 0, skipped = 0, passed = 0;
	int failed = 0, fatal = 0;
	struct archive_entry *ent;
	for (;;) {
		free(name);
		name = NULL;
		st = archive_read_next_header(a, &ent);
		if (st == ARCHIVE_EOF)
			break;
		if (st == ARCHIVE_FATAL) {
			const char *s = archive_error_string(a);
			snprintf(why, sizeof why, "%s", s ? s : "unreadable header");
			fatal = 1;
			break;
		}
		if (++entries > lim->max_members) {
			err_set(e, "too many members (limit %ld)", lim->max_members);
			failed = 1;
			break;
		}
		if (st == ARCHIVE_FAILED || st == ARCHIVE_RETRY) {
			/* This header is unusable, the next one may not be. */
			const char *s = archive_error_string(a);
			snprintf(why, sizeof why, "%s", s ? s : "unreadable header");
			xdoc_meta_set(d, "error", why);
			continue;
		}
		if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_hardlink(ent))
			continue;
		name = member_name(ent);
		files++;
		if (archive_entry_is_encrypted(ent)) {
			list_member(x, &d->text, "encrypted", name);
			skipped++;
			continue;
		}
		int keep = !(archive_entry_size_is_set(ent) &&
			     (uint64_t)archive_entry_size(ent) > lim->max_file_size);
		enum mread mr = read_member(&r, &m, keep, why, sizeof why, e);
		if (mr == M_LIMIT) {
			failed = 1;
			break;
		}
		if (mr == M_FATAL) {
			list_member(x, &d->text, "unreadable", name);
			skipped++;
			fatal = 1;
			break;
		}
		if (mr != M_OK) {
			list_member(x, &d->text, mr == M_TOO_LARGE ? "too large" : "unreadable", name);
			skipped++;
			if (mr == M_BROKEN)
				xdoc_meta_set(d, "error", why);
			continue;
		}
		list_member(x, &d->text, NULL, name);
		passed++;
		if (x->child(x, name, m.p ? m.p : "", m.len, e) < 0) {
			failed = 1;
			break;
		}
		buf_reset(&m);
	}
	free(name);
	buf_free(&m);
	free(r.chunk);

	if (!failed && fatal) {
		if (passed == 0) {
			if (archive_read_has_encrypted_entries(a) > 0)
				err_set(e, "encrypted archive (password required)");
			else
				err_set(e, "corrupt or truncated archive: %s", why);
			failed = 1;
		} else {
			xdoc_meta_set(d, "error", why);
		}
	}
	if (!failed)
		finish_doc(a, d, files, skipped);
	archive_read_free(a);
	return failed ? -1 : 0;
}
