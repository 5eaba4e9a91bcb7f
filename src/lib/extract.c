/*
 * extract.c — picks the extractor for a blob by its content and runs it;
 * also the helpers all extractors share: the xdoc record, charset
 * conversion to UTF-8 (uchardet + ICU) and date normalisation.
 *
 * Type detection trusts content first (libmagic), then a few sniffing rules
 * libmagic gets wrong for leaks (headerless RFC-822 files such as the Enron
 * maildir, mbox, XHTML), then the annotation formats of linguists' tools
 * (CoNLL-U, WebAnno TSV, CoNLL-2012: token tables read as the text they
 * annotate), and the file name's extension only to break ties.
 */
#include "extract.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <magic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

void extract_global_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	xmlInitParser();
	g_mime_init();
}

void xdoc_init(struct xdoc *d)
{
	memset(d, 0, sizeof *d);
}

void xdoc_free(struct xdoc *d)
{
	buf_free(&d->text);
	free(d->mime);
	free(d->title);
	free(d->date);
	free(d->author);
	free(d->sender);
	free(d->recipients);
	free(d->cc);
	free(d->subject);
	free(d->message_id);
	free(d->in_reply_to);
	free(d->page_ends);
	if (d->meta)
		cJSON_Delete(d->meta);
	xdoc_init(d);
}

void xdoc_meta_set(struct xdoc *d, const char *key, const char *value)
{
	if (!value)
		return;
	if (!d->meta)
		d->meta = cJSON_CreateObject();
	cJSON_DeleteItemFromObjectCaseSensitive(d->meta, key);
	cJSON_AddStringToObject(d->meta, key, value);
}

/* ---- charsets ---- */

struct invalid_count {
	size_t n;
};

/* ICU to-Unicode callback: substitute U+FFFD like the default, but count
 * the bytes so the loss is reported, never silent. */
static void count_invalid_cb(const void *ctx, UConverterToUnicodeArgs *args, const char *bytes,
			     int32_t len, UConverterCallbackReason reason, UErrorCode *status)
{
	if (reason == UCNV_ILLEGAL || reason == UCNV_IRREGULAR || reason == UCNV_UNASSIGNED) {
		((struct invalid_count *)ctx)->n += (size_t)len;
		static const UChar fffd = 0xFFFD;
		*status = U_ZERO_ERROR;
		ucnv_cbToUWriteUChars(args, &fffd, 1, 0, status);
	}
}

/* Guesses UTF-16 without a BOM: most characters of Latin text in UTF-16
 * have a zero high byte, so NULs fall on every other position. */
static const char *sniff_utf16(const unsigned char *p, size_t len)
{
	if (len < 8)
		return NULL;
	size_t n = len < 4096 ? len & ~(size_t)1 : 4096, even = 0, odd = 0;
	for (size_t i = 0; i < n; i += 2) {
		even += p[i] == 0;
		odd += p[i + 1] == 0;
	}
	if (odd > n / 2 * 6 / 10 && even < n / 2 / 20)
		return "UTF-16LE";
	if (even > n / 2 * 6 / 10 && odd < n / 2 / 20)
		return "UTF-16BE";
	return NULL;
}

int text_to_utf8(const char *data, size_t len, const char *charset, struct buf *out,
		 size_t *invalid, struct err *e)
{
	if (!len)
		return 0; /* nothing to convert (data may be NULL) */
	const unsigned char *p = (const unsigned char *)data;
	char detected[64] = "";
	if (!charset || !*charset) {
		if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
			data += 3, len -= 3;
			charset = "UTF-8";
		} else if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
			charset = "UTF-16LE", data += 2, len -= 2;
		} else if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
			charset = "UTF-16BE", data += 2, len -= 2;
		} else if ((charset = sniff_utf16(p, len))) {
			/* no BOM, but the NUL pattern is unmistakable */
		} else if (utf8_valid(data, len)) {
			charset = "UTF-8";
		} else {
			uchardet_t ud = uchardet_new();
			if (uchardet_handle_data(ud, data, len < 65536 ? len : 65536) == 0) {
				uchardet_data_end(ud);
				const char *cs = uchardet_get_charset(ud);
				if (cs && *cs && strcasecmp(cs, "ASCII"))
					snprintf(detected, sizeof detected, "%s", cs);
			}
			uchardet_delete(ud);
			/* UTF-8 with a few bad bytes stays UTF-8 (the bad bytes are
			 * replaced and counted); undetectable text is most often
			 * Windows-1252. */
			if (!strcasecmp(detected, "UTF-8")) {
				*invalid += utf8_repair(out, data, len);
				return 0;
			}
			charset = *detected ? detected : "windows-1252";
		}
	}
	if (!strcasecmp(charset, "UTF-8") || !strcasecmp(charset, "utf8") ||
	    !strcasecmp(charset, "us-ascii") || !strcasecmp(charset, "ascii")) {
		/* Declared ASCII or UTF-8 often is not (Enron's "us-ascii" with
		 * Latin-1 bytes): repair only if needed. */
		if (utf8_valid(data, len)) {
			buf_add(out, data, len);
			return 0;
		}
		if (strcasecmp(charset, "UTF-8") && strcasecmp(charset, "utf8"))
			return text_to_utf8(data, len, NULL, out, invalid, e);
		*invalid += utf8_repair(out, data, len);
		return 0;
	}
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cv = ucnv_open(charset, &st);
	if (U_FAILURE(st) && charset == detected) {
		/* uchardet can name charsets ICU lacks (VISCII): read such
		 * text as Windows-1252 rather than lose it */
		st = U_ZERO_ERROR;
		cv = ucnv_open("windows-1252", &st);
	}
	if (U_FAILURE(st))
		return err_set(e, "unknown charset '%s'", charset);
	struct invalid_count cnt = {0};
	ucnv_setToUCallBack(cv, count_invalid_cb, &cnt, NULL, NULL, &st);
	UConverter *u8 = ucnv_open("UTF-8", &st);
	if (U_FAILURE(st)) {
		ucnv_close(cv);
		return err_set(e, "charset conversion: %s", u_errorName(st));
	}
	const char *src = data, *src_end = data + len;
	UChar pivot[4096], *ps = pivot, *pt = pivot;
	char chunk[16384];
	for (;;) {
		char *t = chunk;
		st = U_ZERO_ERROR;
		ucnv_convertEx(u8, cv, &t, chunk + sizeof chunk, &src, src_end, pivot, &ps, &pt,
			       pivot + 4096, 0, 1, &st);
		buf_add(out, chunk, (size_t)(t - chunk));
		if (st == U_BUFFER_OVERFLOW_ERROR)
			continue;
		break;
	}
	ucnv_close(cv);
	ucnv_close(u8);
	if (U_FAILURE(st))
		return err_set(e, "charset conversion from %s: %s", charset, u_errorName(st));
	*invalid += cnt.n;
	return 0;
}

/* ---- dates ---- */

static int year_absurd(int y)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return y < 1900 || y > tm.tm_year + 1900 + 1;
}

char *date_to_iso(const char *s, int *suspect)
{
	*suspect = 0;
	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	int y, mo, d, h = -1, mi = 0, sec = 0, n = 0;
	char out[40];
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		if (mo < 1 || mo > 12 || d < 1 || d > 31)
			return NULL;
		if (s[10] == ' ' || s[10] == 'T')
			if (sscanf(s + 11, "%2d:%2d:%2d", &h, &mi, &sec) < 2)
				h = -1;
		if (h >= 0 && h < 24 && mi >= 0 && mi < 60 && sec >= 0 && sec < 61)
			snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
		else
			snprintf(out, sizeof out, "%04d-%02d-%02d", y, mo, d);
		*suspect = year_absurd(y);
		return xstrdup(out);
	}
	/* RFC 2822 and its many real-world variants: GMime's forgiving parser. */
	GDateTime *dt = g_mime_utils_header_decode_date(s);
	if (!dt)
		return NULL;
	GDateTime *utc = g_date_time_to_utc(dt);
	g_date_time_unref(dt);
	if (!utc)
		return NULL;
	y = g_date_time_get_year(utc);
	snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, g_date_time_get_month(utc),
		 g_date_time_get_day_of_month(utc), g_date_time_get_hour(utc),
		 g_date_time_get_minute(utc), g_date_time_get_second(utc));
	g_date_time_unref(utc);
	*suspect = year_absurd(y);
	return xstrdup(out);
}

/* ---- type detection ---- */

/* 1 if data starts like an RFC-822 message: a run of "Name: value" header
 * lines including at least two of the usual ones. */
static int looks_like_email(const char *data, size_t len)
{
	static const char *const known[] = {"from:", "to:", "subject:", "date:", "message-id:",
					    "received:", "return-path:", "mime-version:", "cc:",
					    "x-from:", "content-type:", "reply-to:", "sender:"};
	size_t i = 0, lim = len < 8192 ? len : 8192;
	int hits = 0, lines = 0;
	while (i < lim && lines < 60) {
		size_t e = i;
		while (e < lim && data[e] != '\n')
			e++;
		if (e == i || (e == i + 1 && data[i] == '\r'))
			break; /* end of headers */
		if (data[i] != ' ' && data[i] != '\t') {
			size_t c = i;
			while (c < e && data[c] != ':' && data[c] > ' ' && data[c] < 127)
				c++;
			if (c == e || data[c] != ':' || c == i) {
				/* headers cut short without the blank line (Enron's
				 * stripped messages): judge by what came before */
				if (lines == 0)
					return 0;
				break;
			}
			for (size_t k = 0; k < sizeof known / sizeof *known; k++)
				if (c + 1 - i == strlen(known[k]) && !strncasecmp(data + i, known[k], c + 1 - i))
					hits++;
		}
		lines++;
		i = e + 1;
	}
	return hits >= 2;
}

static int has_ext(const char *name, const char *ext)
{
	if (!name)
		return 0;
	size_t n = strlen(name), e = strlen(ext);
	return n > e && name[n - e - 1] == '.' && !strcasecmp(name + n - e, ext);
}

static int looks_like_html(const char *data, size_t len)
{
	size_t lim = len < 2048 ? len : 2048;
	for (size_t i = 0; i + 5 < lim; i++)
		if (data[i] == '<' && (!strncasecmp(data + i, "<html", 5) || !strncasecmp(data + i, "<!doctype html", 14) ||
				       !strncasecmp(data + i, "<head", 5) || !strncasecmp(data + i, "<body", 5)))
			return 1;
	return 0;
}

/* An mbox starts with a "From " separator line followed by headers. */
static int looks_like_mbox(const char *data, size_t len)
{
	if (len < 6 || memcmp(data, "From ", 5))
		return 0;
	const char *nl = memchr(data, '\n', len);
	return nl && looks_like_email(nl + 1, len - (size_t)(nl + 1 - data));
}

/* No NUL or control bytes other than whitespace in the first 8 KB, and
 * valid UTF-8 there (a sequence cut at the 8 KB mark is fine). */
static int looks_like_text(const char *data, size_t len)
{
	size_t n = len < 8192 ? len : 8192, nul = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == 0)
			nul++; /* a few NULs happen in text; many mean binary */
		else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
			return 0;
	}
	if (nul * 8 > n)
		return 0;
	while (n < len && n > 0 && ((unsigned char)data[n] & 0xC0) == 0x80)
		n--; /* do not cut a sequence */
	return utf8_valid(data, n);
}

typedef int (*extractor_fn)(struct xctx *, const char *, size_t, struct xdoc *, struct err *);

/* Maps a MIME type (plus sniffing) to an extractor, or NULL. */
static extractor_fn pick(const char *mime, const char *data, size_t len, const char *name)
{
	if (!strcmp(mime, "application/pdf"))
		return extract_pdf;
	if (!strcmp(mime, "application/zip") || !strcmp(mime, "application/x-tar") ||
	    !strcmp(mime, "application/gzip") || !strcmp(mime, "application/x-gzip") ||
	    !strcmp(mime, "application/x-7z-compressed") || !strcmp(mime, "application/x-bzip2") ||
	    !strcmp(mime, "application/x-xz") || !strcmp(mime, "application/x-rar") ||
	    !strcmp(mime, "application/vnd.rar") || !strcmp(mime, "application/x-cpio") ||
	    !strcmp(mime, "application/x-iso9660-image"))
		return extract_archive;
	if (!strcmp(mime, "application/mbox") || looks_like_mbox(data, len))
		return extract_mbox;
	if (!strcmp(mime, "message/rfc822") || looks_like_email(data, len))
		return extract_email;
	if (!strcmp(mime, "text/html") || !strcmp(mime, "application/xhtml+xml") ||
	    ((!strcmp(mime, "text/xml") || !strcmp(mime, "text/plain")) && looks_like_html(data, len)))
		return extract_html;
	if (!strncmp(mime, "text/", 5)) {
		switch (conll_sniff(data, len, name)) {
		case CONLL_U:
			return extract_conllu;
		case CONLL_WEBANNO:
			return extract_webanno;
		case CONLL_2012:
			return extract_conll2012;
		case CONLL_NONE:
			break;
		}
		return has_ext(name, "html") || has_ext(name, "htm") ? extract_html : extract_text;
	}
	/* UTF-16 text without a BOM looks binary to libmagic, and short
	 * texts can look like an exotic format (BBC business/221.txt is
	 * "HPGL" to it): text that decodes cleanly is text. */
	if (sniff_utf16((const unsigned char *)data, len) || looks_like_text(data, len))
		return extract_text;
	return NULL;
}

/* The formats weft reads most, recognised from their first bytes without
 * libmagic, whose text classification (hundreds of regular expressions)
 * costs more than extracting a small file.  NULL: ask libmagic. */
static const char *sniff(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	if (len >= 5 && !memcmp(p, "%PDF-", 5))
		return "application/pdf";
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "application/gzip";
	if (len >= 6 && !memcmp(p, "7z\xBC\xAF\x27\x1C", 6))
		return "application/x-7z-compressed";
	if (len >= 3 && !memcmp(p, "BZh", 3))
		return "application/x-bzip2";
	if (len >= 6 && !memcmp(p, "\xFD" "7zXZ\0", 6))
		return "application/x-xz";
	if (len >= 262 && !memcmp(p + 257, "ustar", 5))
		return "application/x-tar";
	if (looks_like_text(data, len))
		return looks_like_html(data, len) ? "text/html" : "text/plain";
	return NULL; /* zip (could be OOXML), Latin-1 text, everything else */
}

int extract_any(struct xctx *x, const char *data, size_t len, const char *name_hint,
		struct xdoc *d, struct err *e)
{
	if (len == 0)
		return err_set(e, "empty file");
	const char *mime = sniff(data, len);
	if (!mime && x->magic)
		mime = magic_buffer((magic_t)x->magic, data, len);
	if (!mime)
		mime = "application/octet-stream";
	d->mime = xstrdup(mime);
	extractor_fn fn = pick(d->mime, data, len, name_hint);
	if (!fn)
		return err_set(e, "unsupported type %s", d->mime);
	return fn(x, data, len, d, e);
}
