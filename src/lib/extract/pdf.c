/*
 * extract/pdf.c — the text layer of a PDF, page by page, with poppler-glib.
 *
 * The PDF is opened from the bytes in memory (never from a file on disk).
 * Each page's text is appended to d->text; pages are separated by "\f\n"
 * (a form feed, as pdftotext does, then a line break so sentence splitting
 * never joins the last line of one page to the first of the next).
 * d->page_ends[i] is the offset where page i's text ends (exclusive, before
 * the separator): page i is [page_ends[i-1] + 2, page_ends[i]) and page 0
 * starts at 0.  page_ends[npages-1] == text.len, so the page of an offset
 * o is the first i with o < page_ends[i] (a separator counts with the page
 * after it).
 *
 * A PDF whose pages carry no text at all (scans, photographs) is not an
 * error and not an empty document: it comes back with status XD_NEEDS_OCR,
 * empty text, and npages set so a later OCR pass knows what to expect.
 *
 * Threads: ingest runs this from several workers at once, each on its own
 * document.  That is safe with the poppler we build against (22.x):
 * global state is behind poppler's own locks (GlobalParamsIniter and the
 * caches in GlobalParams take a mutex; each document's XRef and Catalog
 * have theirs), the FreeType library that CairoOutputDev shares is set up
 * with std::call_once, and text extraction uses a TextOutputDev made per
 * page, never the shared font engine (that is for rendering, which weft
 * never does).  No PopplerDocument or PopplerPage is ever shared between
 * threads here.  tests/unit/test_pdf.c runs extractions from four threads
 * at once under AddressSanitizer.  Should a poppler version prove unsafe,
 * wrap the body of extract_pdf() in a static GMutex: correctness first.
 *
 * poppler-glib is loaded with dlopen() the first time a PDF is read, not
 * linked: it brings 34 more shared libraries (cairo, fontconfig, lcms,
 * openjpeg, nss …) whose loading cost every weft command ~13 ms of its
 * ~36 ms start, though only ingest ever reads a PDF.  Without the library
 * a PDF is recorded as failed with the package to install.
 */
#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <glib.h>
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "extract.h"

#ifndef POPPLER_SONAME
#define POPPLER_SONAME "libpoppler-glib.so.8"
#endif

/* The poppler-glib functions used here, called through pp. */
#define POPPLER_FUNCS(X)                                                                                     \
	X(poppler_error_quark)                                                                               \
	X(poppler_document_new_from_bytes)                                                                   \
	X(poppler_document_get_n_pages)                                                                      \
	X(poppler_document_get_page)                                                                         \
	X(poppler_page_get_text)                                                                             \
	X(poppler_document_get_title)                                                                        \
	X(poppler_document_get_author)                                                                       \
	X(poppler_document_get_subject)                                                                      \
	X(poppler_document_get_keywords)                                                                     \
	X(poppler_document_get_creator)                                                                      \
	X(poppler_document_get_producer)                                                                     \
	X(poppler_document_get_pdf_version_string)                                                           \
	X(poppler_document_get_creation_date_time)                                                           \
	X(poppler_document_get_modification_date_time)

#define POPPLER_FIELD(f) __typeof__(&f) f;
static struct {
	POPPLER_FUNCS(POPPLER_FIELD)
} pp;
static char pp_error[256]; /* why the library could not be loaded; "" when it was */
static pthread_once_t pp_once = PTHREAD_ONCE_INIT;

static void pp_load(void)
{
	void *lib = dlopen(POPPLER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(pp_error, sizeof pp_error, "%s", dlerror());
		return;
	}
#define POPPLER_LOAD(f)                                                                                      \
	if (!(*(void **)&pp.f = dlsym(lib, #f))) {                                                           \
		snprintf(pp_error, sizeof pp_error, "%s has no %s", POPPLER_SONAME, #f);                     \
		return;                                                                                      \
	}
	POPPLER_FUNCS(POPPLER_LOAD)
	/* never dlclose()d: GObject types it registers cannot be unloaded */
}

/* Pages read at most: past this the rest is left out and meta says so. */
#define PDF_MAX_PAGES 10000
/* Text kept at most for one PDF, bytes (a 10,000-page report of dense text
 * is about 40 MB). */
#define PDF_MAX_TEXT (128u << 20)

static const char page_sep[] = "\f\n";

/* Appends n bytes of s to out as valid UTF-8 with no NUL bytes: invalid
 * sequences become U+FFFD and NULs become spaces, both counted in
 * *invalid (the same rule as extract/text.c). */
static void add_clean(struct buf *out, const char *s, size_t n, size_t *invalid)
{
	size_t start = out->len;
	if (utf8_valid(s, n))
		buf_add(out, s, n);
	else
		*invalid += utf8_repair(out, s, n);
	for (size_t i = start; i < out->len; i++)
		if (out->p[i] == 0) {
			out->p[i] = ' ';
			(*invalid)++;
		}
}

/* Takes a poppler string (may be NULL), returns it as a malloc'd, trimmed,
 * valid UTF-8 string, or NULL when absent or blank.  Frees s. */
static char *take_string(gchar *s)
{
	if (!s)
		return NULL;
	struct buf b = BUF_INIT;
	size_t ignored = 0;
	add_clean(&b, s, strlen(s), &ignored);
	g_free(s);
	str_trim(b.p);
	if (!*b.p) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void meta_take(struct xdoc *d, const char *key, gchar *s)
{
	char *v = take_string(s);
	xdoc_meta_set(d, key, v);
	free(v);
}

/* Formats a poppler date as ISO 8601 in UTC ("2019-11-18T09:30:00Z") and
 * says whether its year is absurd (before 1900 or more than a year ahead,
 * as date_to_iso() judges).  Unrefs dt.  Returns malloc'd string or NULL. */
static char *date_take(GDateTime *dt, int *suspect)
{
	if (!dt)
		return NULL;
	GDateTime *utc = g_date_time_to_utc(dt);
	g_date_time_unref(dt);
	if (!utc)
		return NULL;
	char out[40];
	int y = g_date_time_get_year(utc);
	snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, g_date_time_get_month(utc),
		 g_date_time_get_day_of_month(utc), g_date_time_get_hour(utc),
		 g_date_time_get_minute(utc), g_date_time_get_second(utc));
	g_date_time_unref(utc);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	if (suspect)
		*suspect = y < 1900 || y > tm.tm_year + 1900 + 1;
	return xstrdup(out);
}

/* Fills the document-level metadata: title, author, dates, and the rest
 * into d->meta. */
static void read_metadata(PopplerDocument *doc, struct xdoc *d)
{
	d->title = take_string(pp.poppler_document_get_title(doc));
	d->author = take_string(pp.poppler_document_get_author(doc));
	d->date = date_take(pp.poppler_document_get_creation_date_time(doc), &d->date_suspect);
	char *mod = date_take(pp.poppler_document_get_modification_date_time(doc), NULL);
	xdoc_meta_set(d, "modified", mod);
	free(mod);
	meta_take(d, "subject", pp.poppler_document_get_subject(doc));
	meta_take(d, "keywords", pp.poppler_document_get_keywords(doc));
	meta_take(d, "creator", pp.poppler_document_get_creator(doc));
	meta_take(d, "producer", pp.poppler_document_get_producer(doc));
	meta_take(d, "pdf_version", pp.poppler_document_get_pdf_version_string(doc));
}

/* Says in plain words why poppler could not open the document. */
static int open_error(const GError *ge, struct err *e)
{
	const char *why = ge ? ge->message : "unknown reason";
	if (ge && ge->domain == pp.poppler_error_quark()) {
		switch (ge->code) {
		case POPPLER_ERROR_ENCRYPTED:
			return err_set(e, "encrypted PDF (password required)");
		case POPPLER_ERROR_DAMAGED:
			return err_set(e, "corrupt PDF: damaged or truncated, no readable cross-reference table (%s)", why);
		case POPPLER_ERROR_BAD_CATALOG:
			return err_set(e, "corrupt PDF: its page catalog cannot be read (%s)", why);
		default:
			break;
		}
	}
	return err_set(e, "corrupt PDF: poppler cannot open it (%s)", why);
}

/* 1 if s holds nothing but whitespace (ASCII, or the no-break space and
 * other Unicode spaces poppler may emit). */
static int blank(const char *s)
{
	for (const char *p = s; *p;) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			return 0;
		if (!g_unichar_isspace(c) && c != 0xFEFF && c != 0x200B)
			return 0;
		p = g_utf8_next_char(p);
	}
	return 1;
}

/* Cuts b to at most max bytes without splitting a UTF-8 sequence. */
static void cut_utf8(struct buf *b, size_t max)
{
	if (b->len <= max)
		return;
	size_t n = max;
	while (n > 0 && ((unsigned char)b->p[n] & 0xC0) == 0x80)
		n--;
	b->len = n;
	b->p[n] = 0;
}

int extract_pdf(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	d->type = "pdf";
	if (len == 0)
		return err_set(e, "empty file");
	/* data outlives the document: it is unref'd before we return.  No
	 * password is ever passed: weft has none to give, and poppler 22's
	 * retry-with-password path for bytes crashes on a wrong one. */
	pthread_once(&pp_once, pp_load);
	if (pp_error[0])
		return err_set(e, "cannot read PDFs: poppler-glib could not be loaded (%s; on Debian: apt-get install "
				  "libpoppler-glib8)", pp_error);
	GBytes *bytes = g_bytes_new_static(data, len);
	GError *ge = NULL;
	PopplerDocument *doc = pp.poppler_document_new_from_bytes(bytes, NULL, &ge);
	g_bytes_unref(bytes);
	if (!doc) {
		int r = open_error(ge, e);
		if (ge)
			g_error_free(ge);
		return r;
	}
	read_metadata(doc, d);

	int n = pp.poppler_document_get_n_pages(doc);
	if (n <= 0) {
		g_object_unref(doc);
		return err_set(e, "corrupt PDF: it has no pages");
	}
	char num[32];
	snprintf(num, sizeof num, "%d", n);
	xdoc_meta_set(d, "pages", num);
	if (n > PDF_MAX_PAGES) {
		snprintf(num, sizeof num, "%d", PDF_MAX_PAGES);
		xdoc_meta_set(d, "truncated", "too many pages: only the first ones were read");
		xdoc_meta_set(d, "pages_read", num);
		n = PDF_MAX_PAGES;
	}

	d->page_ends = xcalloc((size_t)n, sizeof *d->page_ends);
	int any_text = 0, full = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			buf_add(&d->text, page_sep, sizeof page_sep - 1);
		PopplerPage *page = full ? NULL : pp.poppler_document_get_page(doc, i);
		char *t = page ? pp.poppler_page_get_text(page) : NULL;
		if (t && *t) {
			/* Trailing blank lines only pad the separator. */
			size_t tl = strlen(t);
			while (tl > 0 && (t[tl - 1] == '\n' || t[tl - 1] == ' ' || t[tl - 1] == '\r'))
				tl--;
			t[tl] = 0;
			if (!blank(t))
				any_text = 1;
			add_clean(&d->text, t, tl, &d->invalid_bytes);
			if (d->text.len > PDF_MAX_TEXT) {
				cut_utf8(&d->text, PDF_MAX_TEXT);
				xdoc_meta_set(d, "truncated", "text too long: the rest was left out");
				full = 1; /* later pages stay empty: page_ends stay valid */
			}
		}
		g_free(t);
		if (page)
			g_object_unref(page);
		d->page_ends[i] = d->text.len;
	}
	d->npages = n;
	g_object_unref(doc);

	if (!any_text) {
		/* A scan: nothing to index until someone runs OCR on it. */
		buf_reset(&d->text);
		for (int i = 0; i < n; i++)
			d->page_ends[i] = 0;
		d->status = XD_NEEDS_OCR;
	}
	return 0;
}
