/*
 * extract.h — turning bytes into UTF-8 text plus metadata.
 *
 * One extractor per format lives in src/lib/extract/<format>.c; extract.c
 * picks one by content (libmagic) and runs it.  Extractors never touch the
 * case file and never write to disk: they fill a struct xdoc, and containers
 * (zip, tar, email attachments, mbox) hand each member to x->child(), which
 * the ingest stage provides.
 *
 * Every extractor has the signature
 *     int extract_FORMAT(struct xctx *x, const char *data, size_t len,
 *                        struct xdoc *d, struct err *e);
 * returns 0 on success (d filled) or -1 with e->msg saying why the file
 * could not be read (e.g. "corrupt zip: truncated central directory").
 * The bytes in data belong to the caller and live until the call returns.
 */
#ifndef WEFT_EXTRACT_H
#define WEFT_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct cJSON;

enum xstatus {
	XD_OK = 0,
	XD_NEEDS_OCR = 1, /* a PDF or image with no text layer */
};

/* Metadata keys carried by every document; NULL when absent.  All strings
 * are malloc'd UTF-8 owned by the xdoc. */
struct xdoc {
	struct buf text;        /* the document's text, UTF-8 */
	const char *type;       /* "text", "html", "email", "pdf", "archive", ... (static) */
	char *mime;             /* as libmagic saw it */
	char *title;
	char *date;             /* ISO 8601: "2019-11-18" or "2019-11-18T09:30:00Z" */
	int date_suspect;       /* 1: a date was given but is not trusted (absurd year) */
	char *author;
	char *sender;           /* email From */
	char *recipients;       /* email To, comma separated */
	char *cc;
	char *subject;
	char *message_id;
	char *in_reply_to;
	struct cJSON *meta;     /* extra fields as a JSON object (may be NULL) */
	size_t invalid_bytes;   /* bytes that were not valid in their charset and were replaced */
	enum xstatus status;
	size_t *page_ends;      /* PDF: text offset where page i ends (malloc'd) */
	int npages;
};

/* Limits on containers; see ingest_default_limits(). */
struct xlimits {
	int max_depth;              /* nesting of containers */
	long max_members;           /* members per container */
	uint64_t max_file_size;     /* one file or member, bytes */
	uint64_t max_total;         /* bytes expanded from one top-level file */
	double max_ratio;           /* expanded / compressed for one container */
};

/* Per-thread extraction context, set up by the caller. */
struct xctx {
	int depth;                  /* 0 for a file on disk */
	const struct xlimits *lim;
	uint64_t expanded;          /* bytes expanded so far under this top-level file */
	void *magic;                /* this thread's magic_t */
	/* Called by container extractors for each member.  name is the inner
	 * path (UTF-8, may contain '/').  Returns 0 to go on, -1 to stop the
	 * container (e.g. a limit was hit: e says which). */
	int (*child)(struct xctx *x, const char *name, const char *data, size_t len, struct err *e);
	/* Called for a member that is skipped (encrypted, too large,
	 * unreadable) so it is recorded as a failure; may be NULL. */
	void (*skip)(struct xctx *x, const char *name, const char *why);
	void *user;                 /* for child() and skip() */
};

/* Detects the type of data and runs the matching extractor.  name_hint is
 * the file or member name (extension is a tie-breaker only).  On success
 * d->type and d->mime are set.  Unsupported types fail with a reason. */
int extract_any(struct xctx *x, const char *data, size_t len, const char *name_hint,
		struct xdoc *d, struct err *e);

void xdoc_init(struct xdoc *d);
void xdoc_free(struct xdoc *d);
/* Sets a metadata field of the meta object (creating it), value copied. */
void xdoc_meta_set(struct xdoc *d, const char *key, const char *value);

/* Converts text in any charset to UTF-8 (uchardet to detect when charset is
 * NULL, ICU to convert).  Invalid sequences become U+FFFD and are counted in
 * *invalid.  Appends to out.  Returns 0, or -1 if the charset is unknown. */
int text_to_utf8(const char *data, size_t len, const char *charset, struct buf *out,
		 size_t *invalid, struct err *e);

/* Parses a date in the usual forms (RFC 2822, ISO 8601, "2010-12-01 09:30")
 * into ISO 8601.  Returns malloc'd string or NULL; *suspect is set when the
 * year is absurd (before 1900 or more than a year in the future). */
char *date_to_iso(const char *s, int *suspect);

int extract_text(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_html(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_email(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_mbox(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_pdf(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_archive(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
/* Annotation files read as the text they annotate (extract/conll.c):
 * CoNLL-U, WebAnno TSV 3, CoNLL-2012.  A file that turns out not to be one
 * (no sentences, or a quarter of its lines malformed) is read as plain
 * text, with meta "read_as" saying why. */
int extract_conllu(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_webanno(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);
int extract_conll2012(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e);

enum conll_format { CONLL_NONE, CONLL_U, CONLL_WEBANNO, CONLL_2012 };
/* Which annotation format text data is in, from its first 8 KB (and, for
 * CoNLL-U without "# text"/"# sent_id" comments, name's extension). */
enum conll_format conll_sniff(const char *data, size_t len, const char *name);

/* One-time global setup of the libraries behind the extractors (libxml2,
 * GMime); call from the main thread before starting workers. */
void extract_global_init(void);

#endif
