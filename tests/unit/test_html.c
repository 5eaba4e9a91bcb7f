/*
 * test_html.c — extract_html() on pages the test writes itself: a news page
 * whose nav, script, style, header, footer, sidebar and cookie banner must
 * go while the article stays; <main> and several <article>s; a layout
 * wrapper whose class merely mentions the sidebar; block and inline
 * whitespace, <pre>, entities, hidden elements; Windows-1252 declared by
 * <meta charset> and by http-equiv, a mislabelled UTF-8 page, invalid UTF-8,
 * UTF-16, NUL bytes; XHTML; 100,000 nested <div>s (and 440, deeper than
 * libxml2's own tree allows); garbage; a small page built like a WikiLeaks
 * cable page (header table, <pre> blocks, site navigation, stray tags),
 * through both the fast path and the whole-page parse; four threads at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* ---- helpers ---- */

static int html(const char *page, size_t len, struct xdoc *d)
{
	struct xctx x;
	memset(&x, 0, sizeof x);
	struct err e = {""};
	xdoc_init(d);
	int rc = extract_html(&x, page, len, d, &e);
	if (rc)
		print_message("extract_html: %s\n", e.msg);
	return rc;
}

static int htmls(const char *page, struct xdoc *d)
{
	return html(page, strlen(page), d);
}

static const char *meta(const struct xdoc *d, const char *key)
{
	const cJSON *v = d->meta ? cJSON_GetObjectItemCaseSensitive(d->meta, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int has(const struct xdoc *d, const char *s)
{
	return d->text.p && strstr(d->text.p, s) != NULL;
}

#define assert_has(d, s)                                                                           \
	do {                                                                                       \
		if (!has(d, s))                                                                    \
			fail_msg("text lacks \"%s\":\n%s", s, (d)->text.p ? (d)->text.p : "(null)"); \
	} while (0)
#define assert_lacks(d, s)                                                                         \
	do {                                                                                       \
		if (has(d, s))                                                                     \
			fail_msg("text holds \"%s\":\n%s", s, (d)->text.p);                       \
	} while (0)

/* The output contract: UTF-8, no NUL, len matches. */
static void assert_clean(const struct xdoc *d)
{
	assert_string_equal(d->type, "html");
	if (!d->text.len)
		return;
	assert_non_null(d->text.p);
	assert_int_equal(strlen(d->text.p), d->text.len);
	assert_true(utf8_valid(d->text.p, d->text.len));
}

/* ---- generic pages ---- */

static const char news_page[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head>\n"
	"<title>\n  Minister   resigns\n after  inquiry </title>\n"
	"<meta name=\"author\" content=\"Jane Roe\">\n"
	"<meta property=\"article:published_time\" content=\"2019-11-18T09:30:00Z\">\n"
	"<style>body { color: red } .secret-style { }</style>\n"
	"<script>var trackingCode = 'SCRIPTTEXT';</script>\n"
	"</head><body>\n"
	"<header class=\"site\"><a href=\"/\">Daily Example</a> <span>Subscribe today</span></header>\n"
	"<nav><ul><li><a href=\"/world\">World</a></li><li><a href=\"/sport\">Sport</a></li></ul></nav>\n"
	"<div id=\"cookie-banner\">We use cookies to improve your experience.</div>\n"
	"<div class=\"layout has-sidebar\">\n"
	"<article>\n<h1>Minister resigns</h1>\n"
	"<p>The minister   resigned on <b>Monday</b>,\n after the <i>inquiry</i> found "
	"that funds had been misused.</p>\n"
	"<p>Tom &amp; Jerry said &ldquo;no comment&rdquo; in Z&uuml;rich &#x2014; twice.&nbsp;Really.</p>\n"
	"<ul><li>first point</li><li>second point</li></ul>\n"
	"<p>Line one<br>Line two</p>\n"
	"<noscript>Enable JavaScript NOSCRIPTTEXT</noscript>\n"
	"<template><p>TEMPLATETEXT</p></template>\n"
	"<svg><text>SVGTEXT</text></svg>\n"
	"<p style=\"display: none\">HIDDENSTYLE</p><p hidden>HIDDENATTR</p>\n"
	"</article>\n"
	"<aside class=\"sidebar\"><h3>Most read</h3><a href=\"/a\">Other story one</a> "
	"<a href=\"/b\">Other story two</a></aside>\n"
	"</div>\n"
	"<footer>Copyright Daily Example 2019</footer>\n"
	"</body></html>\n";

static void test_generic_page(void **state)
{
	(void)state;
	struct xdoc d;
	assert_int_equal(htmls(news_page, &d), 0);
	assert_clean(&d);
	assert_string_equal(d.title, "Minister resigns after inquiry");
	assert_string_equal(d.author, "Jane Roe");
	/* (date_to_iso() may or may not keep the zone) */
	assert_true(d.date && !strncmp(d.date, "2019-11-18T09:30:00", 19));
	assert_string_equal(meta(&d, "lang"), "en");
	/* the article, with inline text joined and whitespace collapsed */
	assert_has(&d, "The minister resigned on Monday, after the inquiry found that funds had "
		       "been misused.");
	/* entities decoded; &nbsp; is a space */
	assert_has(&d, "Tom & Jerry said \xE2\x80\x9Cno comment\xE2\x80\x9D in Z\xC3\xBCrich "
		       "\xE2\x80\x94 twice. Really.");
	/* blocks break lines: paragraphs by a blank line, items and <br> by one */
	assert_has(&d, "Minister resigns\n\nThe minister");
	assert_has(&d, "first point\nsecond point");
	assert_has(&d, "Line one\nLine two");
	/* everything else is gone */
	const char *gone[] = {"SCRIPTTEXT", "color: red", "NOSCRIPTTEXT", "TEMPLATETEXT", "SVGTEXT",
			      "HIDDENSTYLE", "HIDDENATTR", "Daily Example", "Subscribe", "World",
			      "Sport", "cookies", "Most read", "Other story", "Copyright"};
	for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
		assert_lacks(&d, gone[i]);
	/* no blank space at either end, no runs of blank lines */
	assert_true(d.text.p[0] == 'M');
	assert_true(d.text.p[d.text.len - 1] != '\n' && d.text.p[d.text.len - 1] != ' ');
	assert_lacks(&d, "\n\n\n");
	assert_lacks(&d, "  ");
	xdoc_free(&d);
}

/* Without <article>/<main>: the body minus boilerplate; a class that
 * only mentions the sidebar does not drop the content it wraps. */
static void test_body_minus_boilerplate(void **state)
{
	(void)state;
	struct xdoc d;
	assert_int_equal(htmls("<html><body>"
			       "<div id=\"mainMenu\"><a href=/>Home</a> <a href=/x>Contact</a></div>"
			       "<div class=\"breadcrumbs\"><a href=/>Start</a> &gt; Here</div>"
			       "<div class=\"content with-sidebar\"><h2>Report</h2>"
			       "<p>The ledger shows payments to three companies in 2018.</p></div>"
			       "<div role=\"contentinfo\">Imprint and legal notice</div>"
			       "</body></html>",
			       &d),
			 0);
	assert_clean(&d);
	assert_has(&d, "Report\n\nThe ledger shows payments to three companies in 2018.");
	assert_lacks(&d, "Home");
	assert_lacks(&d, "Start");
	assert_lacks(&d, "Imprint");
	assert_null(d.title); /* no <title>, no <h1> */
	xdoc_free(&d);

	/* the whole page is inside class="sidebar": a mislabelled wrapper */
	assert_int_equal(htmls("<body><div class=\"sidebar\"><p>Only this paragraph carries the "
			       "story of the page, and it is long enough to matter.</p>"
			       "<a href=\"/x\">one link</a></div></body>",
			       &d),
			 0);
	assert_has(&d, "Only this paragraph carries the story");
	xdoc_free(&d);

	/* a page that is nothing but a menu still gives its text */
	assert_int_equal(htmls("<nav><a href=/a>Alpha</a> <a href=/b>Beta</a></nav>", &d), 0);
	assert_has(&d, "Alpha Beta");
	xdoc_free(&d);
}

static void test_main_and_articles(void **state)
{
	(void)state;
	struct xdoc d;
	char page[8192];
	char filler[600];
	memset(filler, 'x', sizeof filler - 1);
	filler[sizeof filler - 1] = 0;
	/* <main> wins over the rest of the body */
	snprintf(page, sizeof page,
		 "<body><div>OUTSIDE MAIN</div><main><p>Inside main %s</p></main>"
		 "<div>ALSO OUTSIDE</div></body>",
		 filler);
	assert_int_equal(htmls(page, &d), 0);
	assert_has(&d, "Inside main");
	assert_lacks(&d, "OUTSIDE");
	xdoc_free(&d);
	/* one dominant article: the comments (also articles) go */
	snprintf(page, sizeof page,
		 "<body><div>PAGE CHROME</div><article><p>Main story %s</p></article>"
		 "<article><p>COMMENT ONE</p></article><article><p>COMMENT TWO</p></article></body>",
		 filler);
	assert_int_equal(htmls(page, &d), 0);
	assert_has(&d, "Main story");
	assert_lacks(&d, "COMMENT");
	assert_lacks(&d, "CHROME");
	xdoc_free(&d);
	/* a listing of equal articles keeps them all, in order */
	snprintf(page, sizeof page,
		 "<body><div>PAGE CHROME</div><article><p>Story A %.300s</p></article>"
		 "<article><p>Story B %.300s</p></article><article><p>Story C %.300s</p></article></body>",
		 filler, filler, filler);
	assert_int_equal(htmls(page, &d), 0);
	assert_true(has(&d, "Story A") && has(&d, "Story B") && has(&d, "Story C"));
	assert_true(strstr(d.text.p, "Story A") < strstr(d.text.p, "Story C"));
	assert_lacks(&d, "CHROME");
	xdoc_free(&d);
	/* teaser <article>s in a sidebar are not the content */
	snprintf(page, sizeof page,
		 "<body><div class=\"story\"><p>The real story %s</p></div>"
		 "<aside><article><a href=/1>Teaser one</a> %.200s</article>"
		 "<article><a href=/2>Teaser two</a> %.200s</article></aside></body>",
		 filler, filler, filler);
	assert_int_equal(htmls(page, &d), 0);
	assert_has(&d, "The real story");
	assert_lacks(&d, "Teaser");
	xdoc_free(&d);
	/* a short article beside a big unmarked block of links: the links
	 * weigh more but are not prose */
	struct buf big = BUF_INIT;
	buf_adds(&big, "<body><div id=\"browse\">");
	for (int i = 0; i < 300; i++)
		buf_printf(&big, "<a href=\"/date/%d\">Archive page %d</a>\n", i, i);
	buf_adds(&big, "</div><article><p>Short dispatch about the harbour.</p></article></body>");
	assert_int_equal(htmls(big.p, &d), 0);
	assert_string_equal(d.text.p, "Short dispatch about the harbour.");
	xdoc_free(&d);
	buf_free(&big);
	/* a tiny <main> in a big page is not trusted */
	snprintf(page, sizeof page, "<body><main>Menu</main><div><p>Real text %s</p></div></body>",
		 filler);
	assert_int_equal(htmls(page, &d), 0);
	assert_has(&d, "Real text");
	xdoc_free(&d);
}

static void test_pre_and_tables(void **state)
{
	(void)state;
	struct xdoc d;
	assert_int_equal(htmls("<body><p>Before</p><pre>\n  indented line\nsecond&#x000A;third\r\n"
			       "</pre><table><tr><td>cell one</td><td>cell two</td></tr>"
			       "<tr><th>head</th></tr></table><p>After</p></body>",
			       &d),
			 0);
	assert_has(&d, "Before\n\n  indented line\nsecond\nthird\n\ncell one\ncell two\nhead\n\nAfter");
	xdoc_free(&d);
}

/* ---- charsets ---- */

static void test_windows_1252(void **state)
{
	(void)state;
	struct xdoc d;
	/* “Café” costs 5 € — in Windows-1252 bytes */
	const char meta_charset[] = "<html><head><meta charset=\"windows-1252\"><title>Caf\xE9</title>"
				    "</head><body><p>\x93" "Caf\xE9\x94 costs 5 \x80</p></body></html>";
	assert_int_equal(htmls(meta_charset, &d), 0);
	assert_clean(&d);
	assert_string_equal(d.title, "Caf\xC3\xA9");
	assert_has(&d, "\xE2\x80\x9C" "Caf\xC3\xA9\xE2\x80\x9D costs 5 \xE2\x82\xAC");
	assert_int_equal(d.invalid_bytes, 0);
	xdoc_free(&d);

	/* http-equiv form, and ISO-8859-1 read as Windows-1252 as browsers do */
	const char http_equiv[] = "<html><head><meta http-equiv=\"Content-Type\" "
				  "content=\"text/html; charset=ISO-8859-1\"></head>"
				  "<body><p>\x93Z\xFCrich\x94</p></body></html>";
	assert_int_equal(htmls(http_equiv, &d), 0);
	assert_has(&d, "\xE2\x80\x9CZ\xC3\xBCrich\xE2\x80\x9D");
	xdoc_free(&d);

	/* labelled Latin-1 but really UTF-8: the bytes win */
	assert_int_equal(htmls("<meta charset=iso-8859-1><p>Z\xC3\xBCrich</p>", &d), 0);
	assert_has(&d, "Z\xC3\xBCrich");
	assert_int_equal(d.invalid_bytes, 0);
	xdoc_free(&d);

	/* labelled UTF-8 with two bad bytes: replaced and counted */
	assert_int_equal(htmls("<meta charset=utf-8><p>caf\xE9 au lait \xFF ok</p>", &d), 0);
	assert_clean(&d);
	assert_int_equal(d.invalid_bytes, 2);
	assert_has(&d, "caf\xEF\xBF\xBD au lait");
	xdoc_free(&d);

	/* no label, not UTF-8: detected */
	assert_int_equal(htmls("<html><body><p>Die Stra\xDF" "e f\xFChrt zum M\xFCnster, "
			       "sagte der B\xFCrgermeister \xFC" "ber die Gr\xFC" "nde.</p></body></html>",
			       &d),
			 0);
	assert_has(&d, "Stra\xC3\x9F" "e f\xC3\xBChrt zum M\xC3\xBCnster");
	xdoc_free(&d);
}

static void test_utf16_and_nul(void **state)
{
	(void)state;
	struct xdoc d;
	const char *ascii = "<html><body><p>wide text</p></body></html>";
	size_t n = strlen(ascii);
	char *w = malloc(2 + 2 * n);
	w[0] = (char)0xFF, w[1] = (char)0xFE;
	for (size_t i = 0; i < n; i++)
		w[2 + 2 * i] = ascii[i], w[3 + 2 * i] = 0;
	assert_int_equal(html(w, 2 + 2 * n, &d), 0);
	assert_clean(&d);
	assert_string_equal(d.text.p, "wide text");
	xdoc_free(&d);
	free(w);

	/* NUL bytes in a UTF-8 page become spaces and are counted */
	const char nul[] = "<p>before\0after</p>";
	assert_int_equal(html(nul, sizeof nul - 1, &d), 0);
	assert_clean(&d);
	assert_string_equal(d.text.p, "before after");
	assert_int_equal(d.invalid_bytes, 1);
	xdoc_free(&d);
}

static void test_xhtml(void **state)
{
	(void)state;
	struct xdoc d;
	assert_int_equal(htmls("<?xml version='1.0' encoding='utf-8' ?>\n"
			       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
			       "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
			       "<html xmlns='http://www.w3.org/1999/xhtml' xml:lang='fr'><head>"
			       "<title>Page XHTML</title>"
			       "<script type='text/javascript'>//<![CDATA[\nvar a = '<p>NOTTEXT</p>';\n//]]></script>"
			       "</head><body><p>Un<br/>deux</p><div/><p>trois &eacute;t&eacute;</p>"
			       "</body></html>",
			       &d),
			 0);
	assert_clean(&d);
	assert_string_equal(d.title, "Page XHTML");
	assert_string_equal(meta(&d, "lang"), "fr");
	assert_string_equal(d.text.p, "Un\ndeux\n\ntrois \xC3\xA9t\xC3\xA9");
	xdoc_free(&d);
	/* no <title>: the first <h1> */
	assert_int_equal(htmls("<body><h1> Heading  one </h1><p>x</p></body>", &d), 0);
	assert_string_equal(d.title, "Heading one");
	xdoc_free(&d);
}

/* ---- hostile input ---- */

static char *nested(const char *open, const char *mid, const char *close, int depth)
{
	size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
	char *p = malloc(64 + depth * (lo + lc) + lm), *o = p;
	o += sprintf(o, "<html><body><p>start</p>");
	for (int i = 0; i < depth; i++, o += lo)
		memcpy(o, open, lo);
	memcpy(o, mid, lm), o += lm;
	for (int i = 0; i < depth; i++, o += lc)
		memcpy(o, close, lc);
	strcpy(o, "</body></html>");
	return p;
}

static void test_deep_nesting(void **state)
{
	(void)state;
	struct xdoc d;
	/* 100,000 nested <div>s: no crash, the text before is kept and the
	 * document says it was cut */
	char *p = nested("<div>", "deep inside", "</div>", 100000);
	assert_int_equal(htmls(p, &d), 0);
	assert_clean(&d);
	assert_has(&d, "start");
	assert_non_null(meta(&d, "truncated"));
	xdoc_free(&d);
	free(p);
	/* unclosed, with text at every level */
	p = nested("<div>x", "", "", 100000);
	assert_int_equal(htmls(p, &d), 0);
	assert_clean(&d);
	assert_has(&d, "start");
	xdoc_free(&d);
	free(p);
	/* 440 levels: deeper than libxml2's tree builder goes (256), within
	 * ours, so the innermost text and what follows are kept */
	p = nested("<div><span>", "innermost", "</span></div>", 220);
	size_t n = strlen(p);
	p = realloc(p, n + 32);
	memcpy(p + n - strlen("</body></html>"), "<p>after</p></body></html>", 27);
	assert_int_equal(htmls(p, &d), 0);
	assert_has(&d, "innermost");
	assert_has(&d, "after");
	assert_null(meta(&d, "truncated"));
	xdoc_free(&d);
	free(p);
}

static void test_garbage(void **state)
{
	(void)state;
	struct xdoc d;
	const char *pages[] = {"", "<", "<<<>>>", "</p></div></table>", "<!--", "<![CDATA[",
			       "<html", "<script>never closed", "&#0;&#xD800;&#x110000;&bogus;",
			       "<p>\xF0\x9F\x98\x80 \xC0\xAF</p>", "<table><td><td><tr><caption>c"};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		assert_int_equal(htmls(pages[i], &d), 0);
		assert_clean(&d);
		xdoc_free(&d);
	}
	/* random bytes */
	unsigned seed = 12345;
	char buf[4096];
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof buf; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = "<>/=\"' abcdpre&;#x0\n"[(seed >> 16) % 20];
			if ((seed >> 8) % 50 == 0)
				buf[i] = (char)(seed >> 20);
		}
		int rc = html(buf, sizeof buf, &d);
		if (rc == 0)
			assert_clean(&d);
		xdoc_free(&d);
	}
}

/* ---- cable pages ---- */

/* A page built like the Cablegate site's, in its own words: site navigation
 * first, then the header table, then the routing header and the cable text
 * in <pre>, with line breaks as &#x000A; and the stray tags a few pages
 * have at the end. */
static const char cable_page[] =
	"<?xml version='1.0' encoding='utf-8' ?>\n"
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	"\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	"<html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>\n"
	"<head>\n<title>Cable Viewer</title>\n</head>\n<body>\n<div class='main'>\n"
	"<div class='pane small'>\n<a href='/index.html'><p>Released so far: 12 of 345</p></a>\n"
	"<div id='browse'>\n<h3>Browse by date</h3>\n<div class='sort'>\n"
	"<a href='/date/2001-01_0.html'>2001/01</a>\n<a href='/date/2001-02_0.html'>2001/02</a>\n"
	"</div>\n<h3>Browse by origin</h3>\n<div class='sort'>\n"
	"<a href='/origin/1_0.html'>Embassy Atlantis</a>\n<a href='/origin/2_0.html'>Consulate Utopia</a>\n"
	"</div>\n</div>\n<p><i>a motto of the site</i></p>\n</div>\n"
	"<div class='pane big'>\n<h3>Viewing cable 01ATLANTIS42, HARBOUR TALKS</h3>\n"
	"<div id='help_1'><b>How to read a cable</b><ul><li>The top box ...</li></ul></div>\n"
	"<table class='cable'>\n<tr>\n<th>Reference ID</th>\n<th>Created</th>\n<th>Released</th>\n"
	"<th>Classification</th>\n<th>Origin</th>\n</tr>\n<tr>\n"
	"<td>\n<a href='/cable/2001/03/01ATLANTIS42.html'>01ATLANTIS42</a>\n</td>\n"
	"<td>\n<a href='/date/2001-03_0.html'>2001-03-04 05:06</a>\n</td>\n"
	"<td>\n<a href='/reldate/2010-12-01_0.html'>2010-12-01 12:12</a>\n</td>\n"
	"<td>\n<a href='/classification/4_0.html' title='secret//noforn'>SECRET//NOFORN</a>\n</td>\n"
	"<td>\n<a href='/origin/1_0.html'>Embassy Atlantis</a>\n</td>\n</tr>\n</table>\n"
	"<code><pre>VZCZCXYZ0042&#x000A;PP RUEHC&#x000A;DE RUEHAT #0042 0631234&#x000A;"
	"P 041234Z MAR 01&#x000A;FM AMEMBASSY ATLANTIS&#x000A;TO RUEHC/SECSTATE WASHDC PRIORITY 0001"
	"</pre></code>\n"
	"<code><pre>S E C R E T ATLANTIS 000042 &#x000A;&#x000A;NOFORN &#x000A;SIPDIS &#x000A; &#x000A;"
	"E.O. 12958: DECL: 03/04/2011 &#x000A;"
	"TAGS: <a href='/tag/PREL_0.html'>PREL</a> <a href='/tag/EWWT_0.html'>EWWT</a> "
	"<a href='/tag/AT_0.html'>AT</a>&#x000A;"
	"SUBJECT: HARBOUR TALKS STALL OVER &amp; ABOUT &#x000A;FISHING QUOTAS &#x000A; &#x000A;"
	"Classified By: Ambassador A. Example for reasons 1.4 (b) &#x000A; &#x000A;"
	"<a id='par1' href='#par1'>\xC2\xB6</a>1. (S) The harbour master Kaspar Quint told us the "
	"&#x000A;talks would resume in April. &#x000A; &#x000A;"
	"<a id='par2' href='#par2'>\xC2\xB6</a>2. (C) Comment: unlikely. &#x000A;EXAMPLE &#x000A;"
	"</td></tr>&#x000A;</table></pre></code>\n"
	"</div>\n</div>\n<script src='/static/js/site.js' type='text/javascript'></script>\n"
	"</body>\n</html>\n";

static void check_cable(const struct xdoc *d)
{
	assert_clean(d);
	assert_string_equal(meta(d, "reference_id"), "01ATLANTIS42");
	assert_string_equal(meta(d, "classification"), "SECRET//NOFORN");
	assert_string_equal(meta(d, "origin"), "Embassy Atlantis");
	assert_string_equal(meta(d, "released"), "2010-12-01T12:12:00");
	assert_string_equal(meta(d, "tags"), "PREL,EWWT,AT");
	assert_string_equal(d->date, "2001-03-04T05:06:00");
	assert_string_equal(d->subject, "HARBOUR TALKS STALL OVER & ABOUT FISHING QUOTAS");
	assert_string_equal(d->title, "01ATLANTIS42: HARBOUR TALKS STALL OVER & ABOUT FISHING QUOTAS");
	/* the cable: routing header first, line breaks kept */
	assert_true(!strncmp(d->text.p, "VZCZCXYZ0042\nPP RUEHC\n", 22));
	assert_has(d, "TO RUEHC/SECSTATE WASHDC PRIORITY 0001\n\nS E C R E T ATLANTIS 000042");
	assert_has(d, "TAGS: PREL EWWT AT\nSUBJECT: HARBOUR TALKS");
	assert_has(d, "1. (S) The harbour master Kaspar Quint told us the \ntalks would resume");
	assert_true(d->text.len >= 7 && !strcmp(d->text.p + d->text.len - 7, "EXAMPLE"));
	/* not the site */
	const char *site[] = {"Released so far", "Browse by", "2001/02", "Consulate Utopia", "motto",
			      "Viewing cable", "How to read", "Reference ID", "Cable Viewer",
			      "\xC2\xB6", "</td>", "</table>", "&#x000A;", "site.js"};
	for (size_t i = 0; i < sizeof site / sizeof *site; i++)
		assert_lacks(d, site[i]);
}

static void test_cable_page(void **state)
{
	(void)state;
	struct xdoc d;
	assert_int_equal(htmls(cable_page, &d), 0);
	check_cable(&d);
	assert_true(d.text.len < sizeof cable_page / 2);
	xdoc_free(&d);
}

/* The same page with the table marked up differently, so the whole page is
 * parsed rather than the part after the table: same result. */
static void test_cable_page_full_parse(void **state)
{
	(void)state;
	char *p = xstrdup(cable_page);
	char *t = strstr(p, "<table class='cable'>");
	assert_non_null(t);
	memcpy(t, "<table  class=cable >", 21);
	struct xdoc d;
	assert_int_equal(htmls(p, &d), 0);
	check_cable(&d);
	xdoc_free(&d);
	free(p);
}

/* An older layout: tags as plain text, "Subject:" in lower case, no name
 * row in the header table, no TAGS in the second cable. */
static void test_cable_old_layout(void **state)
{
	(void)state;
	struct xdoc d;
	assert_int_equal(htmls("<html><body><div><a href='/x'>NAVTEXT</a></div>"
			       "<table class='cable'><tr><td>75UTOPIA7</td><td>1975-03-04 10:11</td>"
			       "<td>2010-12-01 12:12</td><td>CONFIDENTIAL</td><td>Embassy Utopia</td>"
			       "</tr></table><code><pre>R 041011Z MAR 75&#x000A;FM AMEMBASSY UTOPIA</pre>"
			       "</code><code><pre>C O N F I D E N T I A L UTOPIA 7&#x000A;&#x000A;"
			       "E.o. 11652: gds Tags: pint, ir Subject: party created&#x000A;by decree"
			       "&#x000A;&#x000A;1. Summary follows.</pre></code></body></html>",
			       &d),
			 0);
	assert_clean(&d);
	assert_string_equal(meta(&d, "reference_id"), "75UTOPIA7");
	assert_string_equal(meta(&d, "classification"), "CONFIDENTIAL");
	assert_string_equal(meta(&d, "origin"), "Embassy Utopia");
	assert_string_equal(meta(&d, "tags"), "PINT,IR");
	assert_string_equal(d.date, "1975-03-04T10:11:00");
	assert_string_equal(d.title, "75UTOPIA7: party created by decree");
	assert_true(!strncmp(d.text.p, "R 041011Z MAR 75\nFM AMEMBASSY UTOPIA\n\nC O N F", 45));
	assert_lacks(&d, "NAVTEXT");
	xdoc_free(&d);

	/* no SUBJECT line: the page title; no TAGS line: no tags */
	assert_int_equal(htmls("<html><head><title>Cable Viewer</title></head><body>"
			       "<table class='cable'><tr><th>Reference ID</th></tr>"
			       "<tr><td>09UTOPIA1</td></tr></table>"
			       "<pre>UNCLAS UTOPIA 1&#x000A;&#x000A;1. Text.</pre></body></html>",
			       &d),
			 0);
	assert_string_equal(meta(&d, "reference_id"), "09UTOPIA1");
	assert_null(meta(&d, "tags"));
	/* no SUBJECT line: titled by the reference id, not the site's page title */
	assert_string_equal(d.title, "09UTOPIA1");
	assert_string_equal(d.text.p, "UNCLAS UTOPIA 1\n\n1. Text.");
	xdoc_free(&d);
}

/* ---- threads ---- */

static void *extract_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		struct xdoc d;
		struct xctx x;
		memset(&x, 0, sizeof x);
		struct err e = {""};
		xdoc_init(&d);
		const char *page = i % 2 ? cable_page : news_page;
		if (extract_html(&x, page, strlen(page), &d, &e) != 0)
			return "failed";
		const char *want = i % 2 ? "Kaspar Quint" : "funds had been misused";
		if (!d.text.p || !strstr(d.text.p, want))
			return "wrong text";
		xdoc_free(&d);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, extract_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		if (r)
			fail_msg("thread %d: %s", i, (char *)r);
	}
}

int main(void)
{
	extract_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generic_page),
		cmocka_unit_test(test_body_minus_boilerplate),
		cmocka_unit_test(test_main_and_articles),
		cmocka_unit_test(test_pre_and_tables),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_utf16_and_nul),
		cmocka_unit_test(test_xhtml),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_cable_page),
		cmocka_unit_test(test_cable_page_full_parse),
		cmocka_unit_test(test_cable_old_layout),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
