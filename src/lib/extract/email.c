/*
 * extract/email.c — one RFC-822 message (extract_email) or an mbox of them
 * (extract_mbox), parsed with GMime 3.
 *
 * A message becomes one document.  Its text is a short header block (From,
 * To, Cc, Date, Subject) followed by the body, so the names in the headers
 * are searchable and taggable like any sentence; the xdoc's fields carry the
 * same headers decoded (RFC 2047, raw 8-bit bytes read as UTF-8 or else
 * Windows-1252).  The body is the message's text/plain parts, or its
 * text/html converted through extract_html() when there is no plain text,
 * decoded from its transfer encoding and converted from its declared
 * charset (which mail often gets wrong; text_to_utf8() repairs).
 * Attachments and attached messages are handed to x->child() as child
 * documents; an mbox hands each message to x->child() as its raw bytes, so
 * the dispatcher extracts it with extract_email() like any other message.
 *
 * GMime reads the caller's bytes in place: a memory stream lent the bytes
 * (never a copy, never a file).  Hostile structure is bounded: GMime's
 * parser stops nesting at its own limit; the walk here skips whatever lies
 * deeper than EMAIL_MAX_DEPTH levels (and says so in meta "truncated"), and
 * a message with more than x->lim->max_members leaf parts, or an mbox with
 * more messages, fails with that reason once the first ones were handed
 * out, as archives do.
 *
 * Thread-safety: no static mutable state.  Every call has its own parser,
 * parser options and streams, so workers may run these concurrently once
 * extract_global_init() has run g_mime_init().
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>

#include "extract.h"

/* Deepest multipart / attached-message nesting the walk descends into;
 * real mail rarely goes past 5. */
#define EMAIL_MAX_DEPTH 64
/* Leaf parts (or mbox messages) allowed when the caller gave no limit. */
#define EMAIL_DEFAULT_MAX_PARTS 10000

/* ---- the caller's bytes as a GMime stream ---- */

/* GMime's memory stream reads from a GByteArray.  We lend it the caller's
 * bytes (the parser only reads them) and take them back before anything
 * could free them: the stream does not own the array, and mem_close()
 * steals the bytes out of the array before releasing it. */
struct mem_stream {
	GByteArray *ba;
	GMimeStream *st;
};

static int mem_open(struct mem_stream *m, const char *data, size_t len, struct err *e)
{
	if (len > G_MAXUINT)
		return err_set(e, "message too large for the MIME parser (%zu bytes)", len);
	m->ba = g_byte_array_new_take((guint8 *)data, len);
	m->st = g_mime_stream_mem_new_with_byte_array(m->ba);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(m->st), FALSE);
	return 0;
}

/* Call only after every object built from the stream has been released. */
static void mem_close(struct mem_stream *m)
{
	g_object_unref(m->st);
	g_byte_array_steal(m->ba, NULL);
	g_byte_array_unref(m->ba);
}

/* Parser options for one parse (never shared between threads): raw 8-bit
 * header bytes are read as UTF-8 when they are valid UTF-8, else as
 * Windows-1252, the usual truth behind undeclared or "us-ascii" mail.  The
 * header lists of a parsed message keep a pointer to these options, so free
 * them only after the message. */
static GMimeParserOptions *options_new(void)
{
	const char *fallback[] = {"UTF-8", "windows-1252", NULL};
	GMimeParserOptions *o = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(o, fallback);
	return o;
}

/* ---- small string helpers ---- */

/* Copies a header value as trimmed, single-line, valid UTF-8 (invalid bytes
 * become U+FFFD and are counted in d).  Returns malloc'd string, or NULL
 * when s is NULL or blank. */
static char *clean_dup(struct xdoc *d, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	struct buf b = BUF_INIT;
	if (utf8_valid(s, n))
		buf_add(&b, s, n);
	else
		d->invalid_bytes += utf8_repair(&b, s, n);
	/* control whitespace becomes a space, and runs of spaces (left by
	 * unfolding "Subject: ...\n  more") become one */
	size_t o = 0;
	for (size_t i = 0; i < b.len; i++) {
		char c = b.p[i];
		if (c == '\r' || c == '\n' || c == '\t' || c == 0)
			c = ' ';
		if (c == ' ' && o > 0 && b.p[o - 1] == ' ')
			continue;
		b.p[o++] = c;
	}
	if (b.p) {
		b.len = o;
		b.p[o] = 0;
	}
	char *r = str_trim(buf_detach(&b));
	if (!r || !*r) {
		free(r);
		return NULL;
	}
	return r;
}

/* Rewrites out[from..] in place with CRLF as LF; NUL bytes, never text,
 * become spaces and count as invalid.  Most mail has neither, so the scan
 * is a memchr until the first one. */
static void fix_newlines(struct buf *out, size_t from, size_t *invalid)
{
	char *p = out->p + from, *end = out->p + out->len;
	char *cr = memchr(p, '\r', (size_t)(end - p)), *nul = memchr(p, 0, (size_t)(end - p));
	if (!cr && !nul)
		return;
	char *r = cr && (!nul || cr < nul) ? cr : nul, *w = r;
	for (; r < end; r++) {
		char c = *r;
		if (c == '\r' && r + 1 < end && r[1] == '\n')
			continue;
		if (c == 0) {
			c = ' ';
			(*invalid)++;
		}
		*w++ = c;
	}
	out->len = (size_t)(w - out->p);
	out->p[out->len] = 0;
}

/* Ends b with a blank line (if it holds anything), to start a new block. */
static void end_block(struct buf *b)
{
	if (!b->len)
		return;
	if (b->p[b->len - 1] != '\n')
		buf_addc(b, '\n');
	if (b->len < 2 || b->p[b->len - 2] != '\n')
		buf_addc(b, '\n');
}

/* ---- headers ---- */

/* A header's value as it stands in the message (folded, undecoded), or
 * NULL if absent: enough for message ids, which are plain ASCII. */
static const char *header_raw(GMimeObject *o, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(o), name);
	return h ? g_mime_header_get_raw_value(h) : NULL;
}

/* A header's value as clean_dup() gives it, or NULL if absent.  GMime
 * decodes values on demand, which is costly for the long Enron X-To lists;
 * a raw value that is plain ASCII with no encoded-word decodes to itself
 * (once unfolded, which clean_dup() does), so it is taken as is. */
static char *header_text(struct xdoc *d, GMimeObject *o, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(o), name);
	if (!h)
		return NULL;
	const char *raw = g_mime_header_get_raw_value(h);
	int plain = raw != NULL;
	for (const unsigned char *c = (const unsigned char *)raw; plain && *c; c++)
		if (*c >= 0x80 || (c[0] == '=' && c[1] == '?'))
			plain = 0;
	char *v = clean_dup(d, plain ? raw : g_mime_header_get_value(h));
	if (!v || !plain)
		return v;
	char *w = v; /* unfolding left runs of spaces */
	for (const char *r = v; *r; r++)
		if (*r != ' ' || w == v || w[-1] != ' ')
			*w++ = *r;
	*w = 0;
	return v;
}

/* Appends one mailbox to a comma-separated list as "Name <addr>" or
 * "addr".  A name holding a comma is quoted so the list stays splittable on
 * commas. */
static void add_mailbox(struct buf *out, const char *name, const char *addr)
{
	int has_addr = addr && *addr, has_name = name && *name;
	if (!has_addr && !has_name)
		return;
	if (out->len)
		buf_adds(out, ", ");
	if (!has_name) {
		buf_adds(out, addr);
		return;
	}
	if (strpbrk(name, ",\"")) {
		buf_addc(out, '"');
		for (const char *c = name; *c; c++)
			if (*c != '"')
				buf_addc(out, *c);
		buf_addc(out, '"');
	} else {
		buf_adds(out, name);
	}
	if (has_addr)
		buf_printf(out, " <%s>", addr);
}

/* Appends each mailbox of l with add_mailbox(); group members are
 * flattened.  Returns the number of addresses holding an '@'. */
static int format_addresses(InternetAddressList *l, struct buf *out, int depth)
{
	int n = l ? internet_address_list_length(l) : 0, count = 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < 4)
				count += format_addresses(
					internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out,
					depth + 1);
		} else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			add_mailbox(out, internet_address_get_name(ia), addr);
			count += addr && strchr(addr, '@');
		}
	}
	return count;
}

/* One piece of a raw address list, [s, e): "Name <addr>", "addr (Name)" or
 * "addr", with a group's "label:" in front dropped.  Appends it with
 * add_mailbox(); returns 1 if its address holds an '@'. */
static int add_loose_mailbox(GMimeParserOptions *opt, const char *s, const char *e, struct buf *out)
{
	char *piece = xstrndup(s, (size_t)(e - s));
	for (char *c = piece; *c; c++)
		if (*c == '\r' || *c == '\n' || *c == '\t')
			*c = ' ';
	char *p = str_trim(piece), *name = NULL, *addr = p;
	char *colon = strchr(p, ':'), *lt = strchr(p, '<'), *at = strchr(p, '@');
	if (colon && !memchr(p, '"', (size_t)(colon - p)) && (!lt || colon < lt) && (!at || colon < at))
		addr = p = str_trim(colon + 1);
	if ((lt = strchr(p, '<'))) {
		char *gt = strchr(lt, '>');
		if (gt)
			*gt = 0;
		*lt = 0;
		name = p;
		addr = lt + 1;
	} else if ((lt = strchr(p, '('))) {
		char *rp = strrchr(lt, ')');
		if (rp)
			*rp = 0;
		*lt = 0;
		name = lt + 1;
		addr = p;
	}
	addr = str_trim(addr);
	int count = strchr(addr, '@') != NULL;
	char *decoded = NULL;
	if (name) {
		name = str_trim(name);
		size_t n = strlen(name);
		if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
			name[n - 1] = 0;
			name++;
		}
		decoded = g_mime_utils_header_decode_phrase(opt, name);
	}
	add_mailbox(out, decoded ? str_trim(decoded) : name, addr);
	g_free(decoded);
	free(piece);
	return count;
}

/* Splits a raw address list the forgiving way, on commas (and a group's
 * closing ';') outside quotes, <> and comments, with add_loose_mailbox().
 * Returns the number of addresses holding an '@'. */
static int split_addresses(GMimeParserOptions *opt, const char *raw, struct buf *out)
{
	int count = 0;
	const char *p = raw;
	while (*p) {
		const char *s = p;
		int quoted = 0, angle = 0, paren = 0;
		for (; *p; p++) {
			if (quoted) {
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '"')
					quoted = 0;
			} else if (*p == '"') {
				quoted = 1;
			} else if (*p == '(') {
				paren++;
			} else if (*p == ')' && paren) {
				paren--;
			} else if (*p == '<') {
				angle = 1;
			} else if (*p == '>') {
				angle = 0;
			} else if ((*p == ',' || *p == ';') && !paren && !angle) {
				break;
			}
		}
		count += add_loose_mailbox(opt, s, p, out);
		if (*p)
			p++;
	}
	return count;
}

/* The addresses of one header (From, To, Cc, Bcc) as a malloc'd string, or
 * NULL if absent.  GMime's parser, even in its loose mode, drops addresses
 * that break the RFC's dot-atom rules, and Enron is full of them
 * ("a..howard@enron.com", "juan.canavati.@enron.com"): when a forgiving
 * split of the raw header finds more addresses than GMime did, the split is
 * used.  A header with no address at all ("undisclosed-recipients") keeps
 * its decoded text. */
static char *header_addresses(struct xdoc *d, GMimeMessage *m, GMimeParserOptions *opt,
			      GMimeAddressType t, const char *name)
{
	struct buf b = BUF_INIT;
	int n = format_addresses(g_mime_message_get_addresses(m, t), &b, 0);
	const char *raw = header_raw(GMIME_OBJECT(m), name);
	int ats = 0;
	for (const char *c = raw; c && (c = strchr(c, '@')); c++)
		ats++;
	if (ats > n) { /* else the split cannot find more */
		struct buf loose = BUF_INIT;
		if (split_addresses(opt, raw, &loose) > n) {
			buf_free(&b);
			b = loose;
		} else {
			buf_free(&loose);
		}
	}
	char *r = b.len ? clean_dup(d, b.p) : header_text(d, GMIME_OBJECT(m), name);
	buf_free(&b);
	return r;
}

/* Message ids in a header (In-Reply-To, References) without angle brackets,
 * space separated; at most max of them (0: all).  Malloc'd, or NULL. */
static char *header_ids(struct xdoc *d, GMimeParserOptions *opt, const char *value, int max)
{
	if (!value)
		return NULL;
	GMimeReferences *refs = g_mime_references_parse(opt, value);
	struct buf b = BUF_INIT;
	int n = refs ? g_mime_references_length(refs) : 0;
	for (int i = 0; i < n && (max == 0 || i < max); i++) {
		const char *id = g_mime_references_get_message_id(refs, i);
		if (!id || !*id)
			continue;
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, id);
	}
	if (refs)
		g_mime_references_free(refs);
	char *r;
	if (b.len) {
		r = clean_dup(d, b.p);
	} else {
		/* not a valid id list: keep the text, brackets stripped */
		r = clean_dup(d, value);
		if (r) {
			char *w = r;
			for (char *c = r; *c; c++)
				if (*c != '<' && *c != '>')
					*w++ = *c;
			*w = 0;
			str_trim(r);
			if (!*r) {
				free(r);
				r = NULL;
			}
		}
	}
	buf_free(&b);
	return r;
}

/* The first run of exactly four digits in s that stands alone as a word
 * (not a "-0800" zone, not part of a time): the year of an RFC 5322 date.
 * Returns its value and sets *at, or -1. */
static int literal_year(const char *s, size_t *at)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || (i > 0 && s[i - 1] != ' ' && s[i - 1] != ','))
			continue;
		size_t n = 0;
		while (n < 5 && s[i + n] >= '0' && s[i + n] <= '9')
			n++;
		if (n == 4 && s[i + 4] != ':' && s[i + 4] != '.') {
			*at = i;
			return (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
		}
		i += n - 1;
	}
	return -1;
}

/* The message date as ISO 8601 (malloc'd, or NULL), *suspect set as by
 * date_to_iso().  date_to_iso() reads RFC 2822 dates through GMime, which
 * takes a year under 100 as two-digit ("0001" becomes 2001) and refuses
 * 100..1899.  A four-digit year means what it says, and an absurd one such
 * as Enron's "0001" must stay visible and flagged rather than pass for a
 * real 2001 date, so the literal year is put back into the ISO string. */
static char *email_date(const char *raw, int *suspect)
{
	char *iso = date_to_iso(raw, suspect);
	size_t at;
	int lit = raw ? literal_year(raw, &at) : -1;
	if (lit < 0 || lit >= 1900)
		return iso;
	int read_as; /* the year the parse took the literal for */
	if (iso) {
		/* lit, or lit plus whole centuries; converting to UTC may
		 * have moved the year by one either way */
		read_as = lit + (atoi(iso) - lit + 50) / 100 * 100;
	} else {
		/* parse the rest with a stand-in year (a leap year, for 29 Feb) */
		char *tmp = xstrdup(raw);
		memcpy(tmp + at, "1972", 4);
		int ignored;
		iso = date_to_iso(tmp, &ignored);
		free(tmp);
		if (!iso)
			return NULL;
		read_as = 1972;
	}
	int y = atoi(iso) - read_as + lit;
	char yy[16];
	snprintf(yy, sizeof yy, "%04d", y < 0 ? 0 : y);
	memcpy(iso, yy, 4);
	*suspect = 1;
	return iso;
}

/* Sets meta key to a header's decoded value, if present and not blank. */
static void meta_header(struct xdoc *d, GMimeObject *o, const char *key, const char *header)
{
	char *v = header_text(d, o, header);
	if (v)
		xdoc_meta_set(d, key, v);
	free(v);
}

/* ---- body and attachments ---- */

struct walk {
	struct xctx *x;
	struct xdoc *d;
	struct err *e;
	struct buf *body;       /* the body text is appended here (d->text) */
	int have_text;          /* some text/plain part was taken */
	long parts;             /* leaf parts seen */
	long max_parts;
	int nattach;            /* attachments numbered so far */
	int too_deep;           /* the depth cap cut some branch off */
};

/* Decodes a leaf part's content (base64, quoted-printable, uuencode) into a
 * new memory stream, which the caller unrefs; *ba points to its bytes. */
static GMimeStream *decode_part(GMimePart *p, GByteArray **ba)
{
	GMimeStream *ms = g_mime_stream_mem_new();
	GMimeDataWrapper *w = g_mime_part_get_content(p);
	if (w)
		g_mime_data_wrapper_write_to_stream(w, ms);
	*ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	return ms;
}

/* The charset to read a text part with: the declared one, except that
 * ASCII labels go to text_to_utf8() as "us-ascii" (which it repairs when
 * the bytes are not ASCII) and Latin-1 labels are read as Windows-1252, as
 * browsers do.  NULL (detect) when undeclared or unknown. */
static const char *part_charset(GMimeObject *o)
{
	const char *cs = g_mime_object_get_content_type_parameter(o, "charset");
	if (!cs || !*cs)
		return NULL;
	UErrorCode st = U_ZERO_ERROR;
	const char *canon = ucnv_getAlias(cs, 0, &st);
	if (U_FAILURE(st) || !canon)
		return NULL;
	if (!strcasecmp(canon, "US-ASCII"))
		return "us-ascii";
	if (!strcasecmp(canon, "ISO-8859-1"))
		return "windows-1252";
	return cs;
}

/* Converts n bytes in charset to UTF-8 and appends them to out. */
static void to_utf8(const char *s, size_t n, const char *charset, struct buf *out, size_t *invalid)
{
	if (n == 0)
		return; /* an empty part's bytes may be NULL */
	struct err ce;
	size_t start = out->len;
	if (text_to_utf8(s, n, charset, out, invalid, &ce) == 0)
		return;
	out->len = start;
	if (charset && text_to_utf8(s, n, NULL, out, invalid, &ce) == 0)
		return;
	out->len = start;
	*invalid += utf8_repair(out, s, n);
}

static void add_plain(struct walk *w, GMimePart *p)
{
	GByteArray *ba;
	GMimeStream *ms = decode_part(p, &ba);
	end_block(w->body);
	size_t start = w->body->len;
	to_utf8((const char *)ba->data, ba->len, part_charset(GMIME_OBJECT(p)), w->body, &w->d->invalid_bytes);
	g_object_unref(ms);
	fix_newlines(w->body, start, &w->d->invalid_bytes);
	w->have_text = 1;
}

/* HTML goes through extract_html() for its text.  With a declared charset
 * the bytes are converted first, since the MIME header is what the sending
 * mailer meant; without one, extract_html() sniffs the document itself. */
static void add_html(struct walk *w, GMimePart *p)
{
	GByteArray *ba;
	GMimeStream *ms = decode_part(p, &ba);
	const char *cs = part_charset(GMIME_OBJECT(p));
	struct xdoc h;
	xdoc_init(&h);
	struct err he;
	int rc;
	if (cs) {
		struct buf u = BUF_INIT;
		to_utf8((const char *)ba->data, ba->len, cs, &u, &w->d->invalid_bytes);
		rc = u.len ? extract_html(w->x, u.p, u.len, &h, &he) : -1;
		buf_free(&u);
	} else {
		rc = ba->len ? extract_html(w->x, (const char *)ba->data, ba->len, &h, &he) : -1;
	}
	g_object_unref(ms);
	if (rc == 0 && h.text.len) {
		end_block(w->body);
		size_t start = w->body->len;
		buf_add(w->body, h.text.p, h.text.len);
		fix_newlines(w->body, start, &w->d->invalid_bytes);
		w->d->invalid_bytes += h.invalid_bytes;
	}
	xdoc_free(&h);
}

/* The child's name: the part's own file name if it has a usable one, else
 * "attachment-N". */
static char *attachment_name(struct walk *w, const char *filename)
{
	w->nattach++;
	if (filename) {
		size_t n = strlen(filename);
		if (n && n < 1024 && utf8_valid(filename, n)) {
			char *r = clean_dup(w->d, filename);
			if (r)
				return r;
		}
	}
	char tmp[32];
	snprintf(tmp, sizeof tmp, "attachment-%d", w->nattach);
	return xstrdup(tmp);
}

static int give_child(struct walk *w, const char *filename, GMimeStream *ms)
{
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	char *name = attachment_name(w, filename);
	const char *bytes = ba->len ? (const char *)ba->data : ""; /* never NULL */
	int rc = w->x->child(w->x, name, bytes, ba->len, w->e);
	free(name);
	return rc < 0 ? -1 : 0;
}

static int attach_part(struct walk *w, GMimePart *p)
{
	if (!w->x->child)
		return 0;
	GByteArray *ba;
	GMimeStream *ms = decode_part(p, &ba);
	int rc = give_child(w, g_mime_part_get_filename(p), ms);
	g_object_unref(ms);
	return rc;
}

/* An attached message (message/rfc822) becomes a child holding the message
 * as bytes, which the dispatcher extracts as an email of its own. */
static int attach_message(struct walk *w, GMimeMessagePart *mp)
{
	GMimeMessage *m = g_mime_message_part_get_message(mp);
	if (!w->x->child || !m)
		return 0;
	GMimeObject *o = GMIME_OBJECT(mp);
	const char *fn = g_mime_object_get_content_disposition_parameter(o, "filename");
	if (!fn)
		fn = g_mime_object_get_content_type_parameter(o, "name");
	GMimeStream *ms = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, ms);
	int rc = give_child(w, fn, ms);
	g_object_unref(ms);
	return rc;
}

static int is_attachment(GMimeObject *o)
{
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);
	if (cd && g_mime_content_disposition_is_attachment(cd))
		return 1;
	return GMIME_IS_PART(o) && g_mime_part_get_filename(GMIME_PART(o)) != NULL;
}

static int is_type(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	return ct && g_mime_content_type_is_type(ct, type, subtype);
}

/* Signatures of multipart/signed carry no text worth a document. */
static int is_signature(GMimeObject *o)
{
	return is_type(o, "application", "pgp-signature") ||
	       is_type(o, "application", "pkcs7-signature") ||
	       is_type(o, "application", "x-pkcs7-signature");
}

/* Of the alternatives of a multipart/alternative, the one to read: plain
 * text first, then a nested multipart (often related: HTML plus images),
 * then HTML.  NULL if none is readable. */
static GMimeObject *pick_alternative(GMimeMultipart *mp)
{
	GMimeObject *best = NULL;
	int best_score = 0, n = g_mime_multipart_get_count(mp);
	for (int i = 0; i < n; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);
		int score = 0;
		if (is_attachment(c))
			score = 0;
		else if (GMIME_IS_PART(c) && is_type(c, "text", "plain"))
			score = 3;
		else if (GMIME_IS_MULTIPART(c))
			score = 2;
		else if (GMIME_IS_PART(c) && is_type(c, "text", "html"))
			score = 1;
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	return best;
}

/* Walks the MIME tree below o: text parts feed the body, attachments and
 * attached messages go to x->child().  Returns -1 with w->e set when
 * x->child() asked to stop or there are more than max_parts leaf parts;
 * branches deeper than EMAIL_MAX_DEPTH are skipped (w->too_deep). */
static int walk_part(struct walk *w, GMimeObject *o, int depth)
{
	if (depth > EMAIL_MAX_DEPTH) {
		w->too_deep = 1;
		return 0;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		if (is_type(o, "multipart", "alternative")) {
			GMimeObject *best = pick_alternative(mp);
			return best ? walk_part(w, best, depth + 1) : 0;
		}
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			if (walk_part(w, g_mime_multipart_get_part(mp, i), depth + 1) < 0)
				return -1;
		return 0;
	}
	if (++w->parts > w->max_parts)
		return err_set(w->e, "too many MIME parts (limit %ld)", w->max_parts);
	if (GMIME_IS_MESSAGE_PART(o))
		return attach_message(w, GMIME_MESSAGE_PART(o));
	if (!GMIME_IS_PART(o) || is_signature(o))
		return 0;
	GMimePart *p = GMIME_PART(o);
	if (is_attachment(o))
		return attach_part(w, p);
	if (is_type(o, "text", "plain")) {
		add_plain(w, p);
	} else if (is_type(o, "text", "html")) {
		if (!w->have_text)
			add_html(w, p);
	} else if (depth == 0) {
		/* a message whose whole body is, say, a PDF */
		return attach_part(w, p);
	}
	return 0;
}

/* ---- one message ---- */

static long max_parts(const struct xctx *x)
{
	return x->lim && x->lim->max_members > 0 ? x->lim->max_members : EMAIL_DEFAULT_MAX_PARTS;
}

/* 1 if GMime found at least one of the headers every message has; random
 * bytes parse as a header-less "message" otherwise. */
static int has_message_headers(GMimeMessage *m)
{
	static const char *const names[] = {"From", "To", "Cc", "Subject", "Date", "Message-ID",
					    "Sender", "Received", "In-Reply-To"};
	GMimeHeaderList *l = g_mime_object_get_header_list(GMIME_OBJECT(m));
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (g_mime_header_list_contains(l, names[i]))
			return 1;
	return 0;
}

static void add_header_line(struct buf *b, const char *name, const char *value)
{
	if (value)
		buf_printf(b, "%s: %s\n", name, value);
}

/* Fills d from a parsed message.  Returns 0, or -1 if x->child() stopped. */
static int fill_email(struct xctx *x, GMimeMessage *m, GMimeParserOptions *opt, struct xdoc *d,
		      struct err *e)
{
	GMimeObject *o = GMIME_OBJECT(m);
	d->type = "email";
	d->sender = header_addresses(d, m, opt, GMIME_ADDRESS_TYPE_FROM, "From");
	d->recipients = header_addresses(d, m, opt, GMIME_ADDRESS_TYPE_TO, "To");
	d->cc = header_addresses(d, m, opt, GMIME_ADDRESS_TYPE_CC, "Cc");
	d->subject = clean_dup(d, g_mime_message_get_subject(m));
	d->title = xstrdup(d->subject ? d->subject : "(no subject)");
	char *date_raw = header_text(d, o, "Date");
	d->date = email_date(date_raw, &d->date_suspect);
	if (date_raw && !d->date)
		xdoc_meta_set(d, "date_raw", date_raw);
	d->message_id = header_ids(d, opt, header_raw(o, "Message-ID"), 1);
	d->in_reply_to = header_ids(d, opt, header_raw(o, "In-Reply-To"), 1);
	char *refs = header_ids(d, opt, header_raw(o, "References"), 0);
	if (refs)
		xdoc_meta_set(d, "references", refs);
	free(refs);
	char *bcc = header_addresses(d, m, opt, GMIME_ADDRESS_TYPE_BCC, "Bcc");
	if (bcc)
		xdoc_meta_set(d, "bcc", bcc);
	free(bcc);
	meta_header(d, o, "x_from", "X-From");
	meta_header(d, o, "x_to", "X-To");
	meta_header(d, o, "x_cc", "X-cc");

	buf_reset(&d->text);
	add_header_line(&d->text, "From", d->sender);
	add_header_line(&d->text, "To", d->recipients);
	add_header_line(&d->text, "Cc", d->cc);
	add_header_line(&d->text, "Date", date_raw);
	add_header_line(&d->text, "Subject", d->subject);
	buf_addc(&d->text, '\n');
	free(date_raw);

	struct walk w = {.x = x, .d = d, .e = e, .body = &d->text, .max_parts = max_parts(x)};
	GMimeObject *body = g_mime_message_get_mime_part(m);
	int rc = body ? walk_part(&w, body, 0) : 0;
	if (d->text.p[d->text.len - 1] != '\n')
		buf_addc(&d->text, '\n');
	if (w.too_deep)
		xdoc_meta_set(d, "truncated", "MIME nesting deeper than 64 levels; deeper parts were skipped");
	return rc;
}

/* Where the body starts when the headers end without the blank line
 * (Enron's stripped arora-h messages run straight from "Subject:" into the
 * text): the offset of the first line that is neither a header nor a
 * folded continuation, or 0 when the headers end properly. */
static size_t unterminated_headers(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t eol = i;
		while (eol < len && data[eol] != '\n')
			eol++;
		if (eol == i || (eol == i + 1 && data[i] == '\r'))
			return 0; /* the blank line */
		if (data[i] != ' ' && data[i] != '\t') {
			size_t c = i;
			while (c < eol && data[c] > ' ' && data[c] < 127 && data[c] != ':')
				c++;
			if (c == i || c == eol || data[c] != ':')
				return i ? i : 0;
		}
		i = eol + 1;
	}
	return 0;
}

int extract_email(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	struct mem_stream ms = {NULL, NULL};
	char *fixed = NULL;
	size_t cut = unterminated_headers(data, len);
	if (cut) { /* give GMime the blank line it needs */
		fixed = xmalloc(len + 1);
		memcpy(fixed, data, cut);
		fixed[cut] = '\n';
		memcpy(fixed + cut + 1, data + cut, len - cut);
		data = fixed;
		len++;
	}
	if (mem_open(&ms, data, len, e) < 0) {
		free(fixed);
		return -1;
	}
	GMimeParserOptions *opt = options_new();
	GMimeParser *p = g_mime_parser_new_with_stream(ms.st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	GMimeMessage *m = g_mime_parser_construct_message(p, opt);
	g_object_unref(p);
	int rc;
	if (!m || !has_message_headers(m))
		rc = err_set(e, "not a parseable email message");
	else
		rc = fill_email(x, m, opt, d, e);
	if (m)
		g_object_unref(m);
	g_mime_parser_options_free(opt);
	mem_close(&ms);
	free(fixed);
	return rc;
}

/* ---- mbox ---- */

/* Appends the listing line of one mbox message: "date — from — subject". */
static void list_message(struct buf *out, GMimeMessage *m, GMimeParserOptions *opt, size_t *invalid)
{
	struct xdoc t;
	xdoc_init(&t);
	char *raw = header_text(&t, GMIME_OBJECT(m), "Date");
	int suspect;
	char *date = email_date(raw, &suspect);
	char *from = header_addresses(&t, m, opt, GMIME_ADDRESS_TYPE_FROM, "From");
	char *subject = clean_dup(&t, g_mime_message_get_subject(m));
	buf_printf(out, "%s \xe2\x80\x94 %s \xe2\x80\x94 %s\n", date ? date : raw ? raw : "(no date)",
		   from ? from : "(no sender)", subject ? subject : "(no subject)");
	*invalid += t.invalid_bytes;
	free(raw);
	free(date);
	free(from);
	free(subject);
}

/* A message of the mbox whose end is not known yet. */
struct mbox_pending {
	int have;
	gint64 begin, end;      /* its bytes: data[begin, end) */
	struct buf line;        /* its listing line */
};

/* Hands the pending message to x->child() as "message-<n>" and adds its
 * listing line.  Returns 0, or -1 if x->child() said stop. */
static int mbox_emit(struct xctx *x, const char *data, size_t len, struct mbox_pending *pm,
		     long *n, struct buf *list, struct err *e)
{
	if (!pm->have)
		return 0;
	pm->have = 0;
	(*n)++;
	buf_add(list, pm->line.p, pm->line.len);
	if (!x->child || pm->begin < 0 || pm->end <= pm->begin || (guint64)pm->end > len)
		return 0;
	char name[32];
	snprintf(name, sizeof name, "message-%ld", *n);
	return x->child(x, name, data + pm->begin, (size_t)(pm->end - pm->begin), e) < 0 ? -1 : 0;
}

int extract_mbox(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	struct mem_stream ms = {NULL, NULL};
	if (mem_open(&ms, data, len, e) < 0)
		return -1;
	GMimeParserOptions *opt = options_new();
	GMimeParser *p = g_mime_parser_new_with_stream(ms.st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
	long n = 0, max = max_parts(x);
	int rc = 0;
	struct buf list = BUF_INIT;
	struct mbox_pending pm = {0, 0, 0, BUF_INIT};
	while (rc == 0 && !g_mime_parser_eos(p)) {
		GMimeMessage *m = g_mime_parser_construct_message(p, opt);
		if (!m)
			break;
		/* The message's own bytes: from its first header to where the
		 * parser stopped, i.e. the next "From " line or the end. */
		gint64 begin = g_mime_parser_get_headers_begin(p), end = g_mime_parser_tell(p);
		if (pm.have && !has_message_headers(m)) {
			/* an unescaped "From " line inside a body split the
			 * message: the piece belongs to the one before */
			pm.end = end;
			g_object_unref(m);
			continue;
		}
		rc = mbox_emit(x, data, len, &pm, &n, &list, e);
		if (rc == 0 && n >= max)
			rc = err_set(e, "too many messages (limit %ld)", max);
		if (rc < 0) {
			g_object_unref(m);
			break;
		}
		pm.have = 1;
		pm.begin = begin;
		pm.end = end;
		buf_reset(&pm.line);
		list_message(&pm.line, m, opt, &d->invalid_bytes);
		g_object_unref(m);
	}
	if (rc == 0)
		rc = mbox_emit(x, data, len, &pm, &n, &list, e);
	buf_free(&pm.line);
	g_object_unref(p);
	g_mime_parser_options_free(opt);
	mem_close(&ms);
	if (rc == 0 && n == 0)
		rc = err_set(e, "not an mbox: no message found");
	if (rc == 0) {
		d->type = "mbox";
		buf_reset(&d->text);
		buf_add(&d->text, list.p ? list.p : "", list.len);
		char title[64];
		snprintf(title, sizeof title, "mbox: %ld message%s", n, n == 1 ? "" : "s");
		d->title = xstrdup(title);
	}
	buf_free(&list);
	return rc;
}
