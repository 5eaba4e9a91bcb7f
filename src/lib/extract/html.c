/*
 * extract/html.c — HTML and XHTML pages to their visible text.
 *
 * The bytes are first brought to UTF-8 (the page's declared charset, else
 * detection, through text_to_utf8()), then run through libxml2's forgiving
 * HTML parser with the network off.  The parser's SAX events build a compact
 * tree of our own (struct hnode, 28 bytes, indexes instead of pointers, text
 * in one arena): twice as fast as libxml2's tree, and libxml2's tree builder
 * gives up on pages nested more than 256 deep, dropping the rest.  While the
 * tree is built the page is surveyed: the title, <meta> fields, the cable
 * header table, the <pre> blocks, <article>/<main> regions, and boilerplate
 * candidates (nav, aside, header/footer, id/class/role saying nav, menu,
 * sidebar, footer, breadcrumb, cookie), with the visible text under each.
 * script, style, svg, hidden elements and the like never enter the tree.
 *
 * Then one walk writes the text of the chosen roots into d->text; it is
 * iterative (parent/next links), so a page nested 10^5 deep costs heap, not
 * stack.  Block elements break lines, inline text is joined with whitespace
 * collapsed, <pre> keeps its own line breaks.  The roots are, in order of
 * preference: the <pre> blocks of a WikiLeaks cable page (a
 * <table class='cable'> plus <pre>; the header table becomes metadata), a
 * <main>, the dominant <article> (or all top-level articles when none
 * dominates), else the whole body minus boilerplate.  A <main> or the
 * articles count when they hold a third of the page's text outside links
 * (navigation is links; the page's own prose is not).  A boilerplate
 * candidate holding much of the page's text with few links is a content
 * wrapper after all ("layout-sidebar") and is kept.
 *
 * Cable pages carry ~40 KB of identical site navigation before the cable;
 * when the bytes show the site's header table, only the <head> and the page
 * from that table on are parsed (5x faster, same result; checked on the
 * whole Cablegate slice), and the whole page if that does not give a cable.
 *
 * Hostile input: nesting deeper than MAX_DEPTH or more than MAX_NODES
 * nodes stops the parse; the text read so far is kept and meta "truncated"
 * says why.  The depth limit is Chromium's (512); it bounds time as well as
 * memory, since libxml2 scans its whole element stack for each stray end
 * tag: at depth 512 a page of nothing but stray end tags costs about 0.3 s
 * a megabyte, unbounded it would be quadratic.  Memory is the tree plus the
 * UTF-8 copy, both proportional to the input, freed before returning.
 */
#include <cjson/cJSON.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

#define MAX_DEPTH 512      /* open elements */
#define MAX_NODES (1u << 23) /* elements and text runs kept per page */
#define MAX_PRES 256       /* <pre> blocks remembered for cable pages */
#define MAX_REGIONS 65536  /* measured article/main/boilerplate elements */

/* ---- element kinds ---- */

enum tag {
	T_INLINE = 0,
	T_TEXT,    /* a text run, not an element */
	T_DOC,     /* the tree's root */
	T_SKIP,    /* never visible text: script, style, svg, ... */
	T_HEAD,
	T_TITLE,
	T_META,
	T_HTML,
	T_BODY,
	T_BLOCK,   /* one line break before and after */
	T_PARA,    /* a blank line before and after */
	T_BR,
	T_PRE,
	T_TD,
	T_TH,
	T_TR,
	T_ROWS,    /* thead, tbody, tfoot */
	T_TABLE,
	T_H1,
	T_A,
	T_NAV,     /* nav, aside, menu */
	T_HEADER,
	T_FOOTER,
	T_ARTICLE,
	T_MAIN,
};

static const struct tagname {
	const char *name;
	unsigned char kind;
} tag_names[] = {
	/* sorted by name for bsearch */
	{"a", T_A},           {"address", T_BLOCK},  {"applet", T_SKIP},    {"article", T_ARTICLE},
	{"aside", T_NAV},     {"audio", T_SKIP},     {"blockquote", T_PARA}, {"body", T_BODY},
	{"br", T_BR},         {"button", T_SKIP},    {"canvas", T_SKIP},    {"caption", T_BLOCK},
	{"center", T_BLOCK},  {"datalist", T_SKIP},  {"dd", T_BLOCK},       {"details", T_BLOCK},
	{"dialog", T_BLOCK},  {"dir", T_PARA},       {"div", T_BLOCK},      {"dl", T_PARA},
	{"dt", T_BLOCK},      {"embed", T_SKIP},     {"fieldset", T_BLOCK}, {"figcaption", T_BLOCK},
	{"figure", T_PARA},   {"footer", T_FOOTER},  {"form", T_BLOCK},     {"frame", T_SKIP},
	{"h1", T_H1},         {"h2", T_PARA},        {"h3", T_PARA},        {"h4", T_PARA},
	{"h5", T_PARA},       {"h6", T_PARA},        {"head", T_HEAD},      {"header", T_HEADER},
	{"hgroup", T_BLOCK},  {"hr", T_BLOCK},       {"html", T_HTML},      {"iframe", T_SKIP},
	{"legend", T_BLOCK},  {"li", T_BLOCK},       {"listing", T_PRE},    {"main", T_MAIN},
	{"math", T_SKIP},     {"menu", T_NAV},       {"meta", T_META},      {"nav", T_NAV},
	{"noscript", T_SKIP}, {"object", T_SKIP},    {"ol", T_PARA},        {"option", T_BLOCK},
	{"p", T_PARA},        {"param", T_SKIP},     {"plaintext", T_PRE},  {"pre", T_PRE},
	{"script", T_SKIP},   {"section", T_PARA},   {"select", T_SKIP},    {"style", T_SKIP},
	{"summary", T_BLOCK}, {"svg", T_SKIP},       {"table", T_TABLE},    {"tbody", T_ROWS},
	{"td", T_TD},         {"template", T_SKIP},  {"textarea", T_SKIP},  {"tfoot", T_ROWS},
	{"th", T_TH},         {"thead", T_ROWS},     {"title", T_TITLE},    {"tr", T_TR},
	{"ul", T_PARA},       {"video", T_SKIP},     {"xmp", T_PRE},
};

static int tagname_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tagname *)elem)->name);
}

/* Line breaks an element of this kind puts around itself (0, 1 or 2). */
static int tag_breaks(int kind)
{
	switch (kind) {
	case T_PARA: case T_H1: case T_TABLE: case T_PRE: case T_ARTICLE: case T_MAIN:
		return 2;
	case T_BLOCK: case T_TD: case T_TH: case T_TR: case T_NAV: case T_HEADER: case T_FOOTER:
	case T_BODY: case T_HTML:
		return 1;
	default:
		return 0;
	}
}

/* ---- the page ---- */

/* One element or text run.  Index 0 is the root; 0 in first/last/next
 * means none. */
struct hnode {
	uint32_t parent, first, last, next;
	uint32_t off, len;  /* text runs: bytes in hx.chars */
	uint8_t kind;       /* enum tag */
	uint8_t mark;       /* enum mark */
};

enum mark {
	M_NONE = 0,
	M_CANDIDATE, /* boilerplate by tag or attribute, not yet judged */
	M_BOILER,    /* judged boilerplate: skipped unless relaxed */
	M_PILCROW,   /* a cable's "¶" paragraph link */
};

/* An element being parsed. */
struct open {
	const xmlChar *name;
	uint32_t node;      /* 0: not in the tree (skipped subtree) */
	uint8_t kind;
	uint8_t measured;   /* its text is measured (region or candidate) */
	uint8_t nested;     /* inside another article/main */
	size_t t0, l0;      /* text and link counters when it opened */
};

/* A measured element: an article/main region or a boilerplate candidate. */
struct region {
	uint32_t node;
	uint8_t kind;
	uint8_t nested;
	size_t size, links;
};

struct hx {
	struct xdoc *d;
	xmlParserCtxtPtr ctxt;
	struct hnode *n;
	uint32_t nn, cn;
	struct buf chars;            /* text of all runs */
	struct open *open;
	size_t nopen, copen;
	size_t skip;                 /* depth inside a skipped subtree */
	struct region *reg;
	size_t nreg, creg;
	size_t text, links;          /* visible non-space bytes so far, and in links */
	int in_head, in_link, in_pre, in_region;
	uint32_t title, h1, body, cable;
	uint32_t pre[MAX_PRES];
	size_t npre, pre_after_cable; /* first <pre> index after the cable table */
	const char *truncated;
	char *lang, *author, *date;  /* from <html lang> and <meta>, malloc'd */
	/* tag kinds by interned name pointer: a page uses few distinct names */
	const xmlChar *ckey[64];
	unsigned char cval[64];
};

static int tag_kind(struct hx *h, const xmlChar *name)
{
	size_t slot = ((uintptr_t)name >> 4) & 63;
	if (h->ckey[slot] == name)
		return h->cval[slot];
	const char *s = (const char *)name;
	const char *colon = strchr(s, ':'); /* xhtml:p */
	if (colon)
		s = colon + 1;
	const struct tagname *t =
		bsearch(s, tag_names, sizeof tag_names / sizeof *tag_names, sizeof *tag_names, tagname_cmp);
	int kind = t ? t->kind : T_INLINE;
	h->ckey[slot] = name;
	h->cval[slot] = (unsigned char)kind;
	return kind;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void *grow_array(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(p, *cap * size);
}

/* Stops the parse, keeping what was read, and says why. */
static void stop(struct hx *h, const char *why)
{
	if (!h->truncated)
		h->truncated = why;
	xmlStopParser(h->ctxt);
}

/* Appends a node under the innermost open element kept in the tree. */
static uint32_t add_node(struct hx *h, int kind)
{
	if (h->nn >= MAX_NODES) {
		stop(h, "more than 8388608 elements and text runs");
		return 0;
	}
	if (h->nn == h->cn) {
		h->cn = h->cn ? h->cn * 2 : 256;
		h->n = xrealloc(h->n, (size_t)h->cn * sizeof *h->n);
	}
	uint32_t i = h->nn++, p = h->nopen ? h->open[h->nopen - 1].node : 0;
	h->n[i] = (struct hnode){.parent = p, .kind = (uint8_t)kind};
	if (h->n[p].last)
		h->n[h->n[p].last].next = i;
	else
		h->n[p].first = i;
	h->n[p].last = i;
	return i;
}

/* ---- boilerplate by attribute ---- */

/* 1 if a class/id word names page furniture rather than content. */
static int boiler_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"nav", "navbar", "navigation", "navmenu", "navlinks", "topnav", "subnav", "sitenav",
		"mainnav", "menu", "menubar", "mainmenu", "submenu", "sidebar", "footer", "breadcrumb",
		"breadcrumbs", "cookie", "cookies", "cookiebar", "cookiebanner", "cookieconsent",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && !strncasecmp(w, words[i], n))
			return 1;
	return 0;
}

/* Splits a class or id value into words ("main-nav", "siteFooter",
 * "cookie_bar" give main/nav, site/Footer, cookie/bar) and tells whether
 * one of them is boilerplate, unless the word before it is "has", "with" or
 * "no" (layout flags such as "has-sidebar" sit on content wrappers). */
static int boiler_attr(const char *v)
{
	const char *w = NULL, *prev = NULL;
	size_t prevn = 0;
	for (const char *p = v;; p++) {
		unsigned char ch = (unsigned char)*p;
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		int camel = w && p > w && ch >= 'A' && ch <= 'Z' && p[-1] >= 'a' && p[-1] <= 'z';
		if (w && (!alnum || camel)) {
			size_t n = (size_t)(p - w);
			int flag = prev && ((prevn == 3 && !strncasecmp(prev, "has", 3)) ||
					    (prevn == 4 && !strncasecmp(prev, "with", 4)) ||
					    (prevn == 2 && !strncasecmp(prev, "no", 2)));
			if (!flag && boiler_word(w, n))
				return 1;
			prev = w, prevn = n;
			w = NULL;
		}
		if (!ch)
			return 0;
		if (alnum && !w)
			w = p;
	}
}

static int role_boiler(const char *r, int in_region)
{
	return !strcasecmp(r, "navigation") || !strcasecmp(r, "menu") || !strcasecmp(r, "menubar") ||
	       !strcasecmp(r, "contentinfo") || !strcasecmp(r, "complementary") ||
	       !strcasecmp(r, "search") || (!in_region && !strcasecmp(r, "banner"));
}

/* 1 if an inline style hides the element. */
static int style_hidden(const char *s)
{
	for (const char *p = s; (p = strcasestr(p, "display")); p++) {
		const char *q = p + 7;
		while (*q == ' ')
			q++;
		if (*q != ':')
			continue;
		q++;
		while (*q == ' ')
			q++;
		if (!strncasecmp(q, "none", 4))
			return 1;
	}
	return strcasestr(s, "visibility:hidden") || strcasestr(s, "visibility: hidden");
}

/* 1 if a class attribute has the word "cable". */
static int class_cable(const char *cls)
{
	for (const char *p = cls; (p = strstr(p, "cable")); p += 5)
		if ((p == cls || is_space((unsigned char)p[-1])) && (!p[5] || is_space((unsigned char)p[5])))
			return 1;
	return 0;
}

static const char *att_get(const xmlChar **atts, const char *name)
{
	for (size_t i = 0; atts && atts[i]; i += 2)
		if (!strcasecmp((const char *)atts[i], name))
			return atts[i + 1] ? (const char *)atts[i + 1] : "";
	return NULL;
}

/* <meta name=author|date-ish content=...> */
static void meta_field(struct hx *h, const xmlChar **atts)
{
	const char *name = att_get(atts, "name");
	if (!name)
		name = att_get(atts, "property");
	const char *content = att_get(atts, "content");
	if (!name || !content || !*content)
		return;
	if (!strcasecmp(name, "author") || !strcasecmp(name, "dc.creator") ||
	    !strcasecmp(name, "article:author")) {
		if (!h->author)
			h->author = str_trim(xstrndup(content, strnlen(content, 300)));
	} else if (!strcasecmp(name, "date") || !strcasecmp(name, "dc.date") ||
		   !strcasecmp(name, "dcterms.date") || !strcasecmp(name, "dcterms.created") ||
		   !strcasecmp(name, "article:published_time") || !strcasecmp(name, "pubdate") ||
		   !strcasecmp(name, "publish-date") || !strcasecmp(name, "dc.date.issued")) {
		if (!h->date)
			h->date = xstrndup(content, strnlen(content, 100));
	}
}

/* ---- SAX: building and surveying the tree ---- */

/* Reads an element's attributes: returns 1 if it is hidden (the hidden
 * attribute, an inline display:none) and sets *boiler if its class, id or
 * role names page furniture.  html, body, main, article and anything in a
 * <pre> are never furniture; html and body are never hidden (anti-flicker
 * scripts hide the body until they run).  The HTML parser gives attribute
 * names in lower case. */
static int scan_attrs(const struct hx *h, int kind, const xmlChar **atts, int *boiler)
{
	int content = kind == T_HTML || kind == T_BODY || kind == T_MAIN || kind == T_ARTICLE ||
		      h->in_pre;
	int hideable = kind != T_HTML && kind != T_BODY;
	for (size_t i = 0; atts && atts[i]; i += 2) {
		const char *an = (const char *)atts[i], *v = (const char *)atts[i + 1];
		switch (an[0]) {
		case 'h':
			if (hideable && !strcmp(an, "hidden"))
				return 1;
			break;
		case 's':
			if (hideable && v && !strcmp(an, "style") && style_hidden(v))
				return 1;
			break;
		case 'c': case 'i':
			if (v && !content && (!strcmp(an, "class") || !strcmp(an, "id")) && boiler_attr(v))
				*boiler = 1;
			break;
		case 'r':
			if (v && !content && !strcmp(an, "role") && role_boiler(v, h->in_region))
				*boiler = 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Remembers what the survey needs of a new element in the tree. */
static void note_element(struct hx *h, int kind, uint32_t id, const xmlChar **atts)
{
	switch (kind) {
	case T_HEAD:
		h->in_head++;
		break;
	case T_TITLE:
		if (!h->title)
			h->title = id;
		break;
	case T_HTML: {
		const char *lang = att_get(atts, "lang");
		if (!lang)
			lang = att_get(atts, "xml:lang");
		if (lang && *lang && strlen(lang) < 36 && !h->lang)
			h->lang = xstrdup(lang);
		break;
	}
	case T_BODY:
		if (!h->body)
			h->body = id;
		break;
	case T_H1:
		if (!h->h1 && !h->in_head)
			h->h1 = id;
		break;
	case T_TABLE:
		if (!h->cable) {
			const char *cls = att_get(atts, "class");
			if (cls && class_cable(cls)) {
				h->cable = id;
				h->pre_after_cable = h->npre;
			}
		}
		break;
	case T_PRE:
		if (!h->in_pre && h->npre < MAX_PRES)
			h->pre[h->npre++] = id;
		h->in_pre++;
		break;
	case T_A:
		h->in_link++;
		break;
	default:
		break;
	}
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct hx *h = ((xmlParserCtxtPtr)ctx)->_private;
	if (h->truncated)
		return; /* stopped: libxml2 may still send a few events */
	if (h->nopen >= MAX_DEPTH) {
		stop(h, "nested more than 512 elements deep");
		return;
	}
	h->open = grow_array(h->open, &h->copen, h->nopen, sizeof *h->open);
	struct open *o = &h->open[h->nopen];
	*o = (struct open){.name = name};
	if (h->skip) {
		h->skip++;
		h->nopen++;
		return;
	}
	int kind = tag_kind(h, name), boiler = 0;
	o->kind = (uint8_t)kind;
	if (kind == T_META)
		meta_field(h, atts);
	if (kind == T_SKIP || kind == T_META || scan_attrs(h, kind, atts, &boiler)) {
		/* never visible: kept out of the tree, with all it holds */
		h->skip = 1;
		h->nopen++;
		return;
	}
	uint32_t id = add_node(h, kind);
	if (!id)
		return;
	o->node = id;
	if (kind == T_NAV || kind == T_FOOTER || (kind == T_HEADER && !h->in_region))
		boiler = 1;
	if (boiler)
		h->n[id].mark = M_CANDIDATE;
	note_element(h, kind, id, atts);
	o->nested = h->in_region > 0;
	if (boiler || kind == T_ARTICLE || kind == T_MAIN) {
		o->measured = 1;
		o->t0 = h->text;
		o->l0 = h->links;
	}
	if (kind == T_ARTICLE || kind == T_MAIN)
		h->in_region++;
	h->nopen++;
}

/* Closes the innermost open element. */
static void close_top(struct hx *h)
{
	struct open *o = &h->open[--h->nopen];
	if (h->skip) {
		h->skip--;
		return;
	}
	if (!o->node)
		return;
	switch (o->kind) {
	case T_HEAD: h->in_head--; break;
	case T_PRE: h->in_pre--; break;
	case T_ARTICLE: case T_MAIN: h->in_region--; break;
	case T_A: {
		h->in_link--;
		/* the cable site's paragraph anchors: <a href='#par1'>¶</a> */
		const struct hnode *a = &h->n[o->node];
		if (h->in_pre && a->first && a->first == a->last && h->n[a->first].kind == T_TEXT &&
		    h->n[a->first].len == 2 && !memcmp(h->chars.p + h->n[a->first].off, "\xC2\xB6", 2))
			h->n[o->node].mark = M_PILCROW;
		break;
	}
	default: break;
	}
	if (o->measured && h->nreg < MAX_REGIONS) {
		h->reg = grow_array(h->reg, &h->creg, h->nreg, sizeof *h->reg);
		h->reg[h->nreg++] = (struct region){o->node, o->kind, o->nested, h->text - o->t0,
						    h->links - o->l0};
	}
}

static void sax_end(void *ctx, const xmlChar *name)
{
	struct hx *h = ((xmlParserCtxtPtr)ctx)->_private;
	if (!h->nopen || h->truncated)
		return;
	/* libxml2 balances its events; be safe if it ever does not */
	size_t k = h->nopen;
	while (k > 0 && h->nopen - k < 8 && h->open[k - 1].name != name &&
	       strcmp((const char *)h->open[k - 1].name, (const char *)name))
		k--;
	if (k == 0 || h->nopen - k >= 8)
		return;
	while (h->nopen >= k)
		close_top(h);
}

static void sax_chars(void *ctx, const xmlChar *s, int len)
{
	struct hx *h = ((xmlParserCtxtPtr)ctx)->_private;
	if (h->skip || len <= 0 || h->truncated)
		return;
	if (h->chars.len + (size_t)len >= UINT32_MAX) {
		stop(h, "text larger than 4 GB");
		return;
	}
	size_t vis = 0;
	for (int i = 0; i < len; i++)
		vis += !is_space(s[i]);
	if (!h->in_head) {
		h->text += vis;
		if (h->in_link)
			h->links += vis;
	}
	/* runs split by entities or buffer ends join the previous run */
	uint32_t p = h->nopen ? h->open[h->nopen - 1].node : 0;
	uint32_t last = h->n[p].last;
	if (last && h->n[last].kind == T_TEXT && h->n[last].off + h->n[last].len == h->chars.len) {
		h->n[last].len += (uint32_t)len;
	} else {
		uint32_t id = add_node(h, T_TEXT);
		if (!id)
			return;
		h->n[id].off = (uint32_t)h->chars.len;
		h->n[id].len = (uint32_t)len;
	}
	buf_add(&h->chars, s, (size_t)len);
}

/* ---- text output ---- */

struct emit {
	struct buf *out;
	int nl;   /* line breaks owed before the next character (0-2) */
	int sp;   /* a space owed before the next character */
	int pre;  /* depth of <pre> */
	int flat; /* title/cell text: breaks become spaces */
};

static void emit_break(struct emit *m, int n)
{
	if (m->flat) {
		if (n)
			m->sp = 1;
	} else if (n > m->nl) {
		m->nl = n;
	}
}

/* Drops trailing whitespace from the output (end of a <pre>). */
static void out_rtrim(struct buf *b)
{
	while (b->len && is_space((unsigned char)b->p[b->len - 1]))
		b->len--;
	if (b->p)
		b->p[b->len] = 0;
}

/* Appends a text run.  Outside <pre> whitespace runs (and no-break spaces)
 * collapse to one space; soft hyphens, zero-width spaces and stray
 * byte-order marks are dropped so words stay whole for search. */
static void emit_text(struct emit *m, const unsigned char *s, size_t len)
{
	if (!len)
		return;
	struct buf *b = m->out;
	buf_grow(b, len + 3);
	char *o = b->p + b->len;
	const unsigned char *end = s + len;
	while (s < end) {
		unsigned char c = *s;
		if (c >= 0xC2 && c <= 0xEF) {
			if (c == 0xC2 && s + 1 < end && s[1] == 0xA0 && !m->pre) {
				m->sp = 1, s += 2;
				continue;
			}
			if (c == 0xC2 && s + 1 < end && s[1] == 0xAD) {
				s += 2;
				continue;
			}
			if (s + 2 < end && ((c == 0xE2 && s[1] == 0x80 && s[2] == 0x8B) ||
					    (c == 0xEF && s[1] == 0xBB && s[2] == 0xBF))) {
				s += 3;
				continue;
			}
		}
		if (m->pre) {
			if (c == '\r') {
				c = '\n';
				if (s + 1 < end && s[1] == '\n')
					s++;
			}
			/* no blank lines at the start of the text, and a line
			 * break right after <pre> is not content */
			if (c == '\n' && (o == b->p || m->nl)) {
				s++;
				continue;
			}
		} else if (is_space(c)) {
			m->sp = 1, s++;
			continue;
		}
		if (m->nl || m->sp) {
			if (o != b->p) {
				if (m->nl) {
					*o++ = '\n';
					if (m->nl > 1)
						*o++ = '\n';
				} else if (o[-1] != '\n') {
					*o++ = ' ';
				}
			}
			m->nl = m->sp = 0;
		}
		if (o == b->p && m->pre && is_space(c)) {
			s++;
			continue;
		}
		*o++ = (char)c;
		s++;
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
}

struct ectx {
	struct hx *h;
	struct emit m;
	int relaxed;   /* keep boilerplate too */
	int cable;     /* drop the cable pages' "¶" links */
	uint32_t root; /* entered whatever its kind (flat_text's element) */
};

/* Visiting a node: returns 1 to descend into it. */
static int emit_enter(struct ectx *c, uint32_t i)
{
	const struct hnode *n = &c->h->n[i];
	if (n->kind == T_TEXT) {
		emit_text(&c->m, (const unsigned char *)c->h->chars.p + n->off, n->len);
		return 0;
	}
	if (i == c->root)
		return 1;
	if ((n->mark == M_BOILER && !c->relaxed) || (n->mark == M_PILCROW && c->cable))
		return 0;
	switch (n->kind) {
	case T_HEAD: case T_TITLE:
		return 0;
	case T_BR:
		if (c->m.flat)
			c->m.sp = 1;
		else if (c->m.nl < 2)
			c->m.nl++;
		return 0;
	case T_PRE:
		c->m.pre++;
		break;
	default:
		break;
	}
	emit_break(&c->m, tag_breaks(n->kind));
	return 1;
}

static void emit_leave(struct ectx *c, uint32_t i)
{
	int kind = c->h->n[i].kind;
	if (kind == T_PRE && i != c->root) {
		c->m.pre--;
		if (!c->m.flat)
			out_rtrim(c->m.out);
	}
	emit_break(&c->m, tag_breaks(kind));
}

/* Writes the subtree at root in document order, without recursion. */
static void emit_tree(struct ectx *c, uint32_t root)
{
	const struct hnode *n = c->h->n;
	uint32_t i = root;
	for (;;) {
		if (emit_enter(c, i)) {
			if (n[i].first) {
				i = n[i].first;
				continue;
			}
			emit_leave(c, i);
		}
		while (i != root && !n[i].next) {
			i = n[i].parent;
			emit_leave(c, i);
		}
		if (i == root)
			return;
		i = n[i].next;
	}
}

/* Text of one element with all whitespace collapsed (titles, table cells);
 * malloc'd, at most max bytes (cut on a character boundary). */
static char *flat_text(struct hx *h, uint32_t node, size_t max)
{
	struct buf b = BUF_INIT;
	struct ectx c = {.h = h, .relaxed = 1, .root = node};
	c.m.out = &b;
	c.m.flat = 1;
	emit_tree(&c, node);
	if (b.len > max) {
		size_t k = max;
		while (k > 0 && ((unsigned char)b.p[k] & 0xC0) == 0x80)
			k--;
		b.len = k;
		b.p[k] = 0;
	}
	return str_trim(buf_detach(&b));
}

static void emit_roots(struct hx *h, const uint32_t *roots, size_t n, int relaxed, int cable)
{
	struct ectx c = {.h = h, .relaxed = relaxed, .cable = cable, .root = UINT32_MAX};
	c.m.out = &h->d->text;
	for (size_t i = 0; i < n; i++) {
		if (i)
			emit_break(&c.m, 2);
		emit_tree(&c, roots[i]);
	}
	out_rtrim(&h->d->text);
}

/* ---- choosing what to emit ---- */

/* Judges the boilerplate candidates now that the page's total is known:
 * furniture is dropped unless it holds much of the text with few links --
 * 40% for a class or id that says so, 60% for nav, aside, header, footer
 * (a site that puts its story in <header> means it less often than one
 * whose wrapper's class is "layout-sidebar"). */
static void judge_boilerplate(struct hx *h)
{
	for (size_t i = 0; i < h->nreg; i++) {
		const struct region *r = &h->reg[i];
		if (h->n[r->node].mark != M_CANDIDATE)
			continue;
		int semantic = r->kind == T_NAV || r->kind == T_HEADER || r->kind == T_FOOTER;
		size_t share = semantic ? 6 : 4;
		int wrapper = r->size > 0 && r->size * 10 >= h->text * share && r->links * 4 < r->size;
		h->n[r->node].mark = wrapper ? M_NONE : M_BOILER;
	}
}

/* 1 if a region holds a third of the page's text outside links: links
 * are what navigation is made of, so a region that is mostly the page's
 * own prose is its content, whatever the menus around it weigh. */
static int substantial(const struct hx *h, size_t size, size_t links)
{
	size_t own = size - links, page = h->text - h->links;
	return own > 0 && own * 3 >= page;
}

/* 1 unless the node is, or is inside, boilerplate (teaser <article>s in a
 * sidebar are not the page's content). */
static int outside_boilerplate(const struct hx *h, uint32_t i)
{
	for (; i; i = h->n[i].parent)
		if (h->n[i].mark == M_BOILER)
			return 0;
	return 1;
}

/* Fills roots (malloc'd) with the subtrees to emit; returns how many. */
static size_t choose_roots(struct hx *h, uint32_t **roots)
{
	*roots = xmalloc(sizeof **roots);
	/* a substantial <main>: the largest one */
	const struct region *best = NULL;
	for (size_t i = 0; i < h->nreg; i++) {
		const struct region *r = &h->reg[i];
		if (r->kind == T_MAIN && (!best || r->size > best->size) && outside_boilerplate(h, r->node))
			best = r;
	}
	if (best && substantial(h, best->size, best->links)) {
		(*roots)[0] = best->node;
		return 1;
	}
	/* top-level articles: the dominant one, else all of them */
	size_t sum = 0, links = 0, n = 0;
	best = NULL;
	for (size_t i = 0; i < h->nreg; i++) {
		struct region *r = &h->reg[i];
		if (r->kind != T_ARTICLE || r->nested)
			continue;
		if (!outside_boilerplate(h, r->node)) {
			r->kind = T_INLINE; /* not a candidate */
			continue;
		}
		sum += r->size, links += r->links, n++;
		if (!best || r->size > best->size)
			best = r;
	}
	if (best && substantial(h, sum, links)) {
		if (best->size * 3 >= sum * 2) {
			(*roots)[0] = best->node;
			return 1;
		}
		/* regions are recorded as they close: for top-level articles
		 * that is document order */
		*roots = xrealloc(*roots, n * sizeof **roots);
		size_t k = 0;
		for (size_t i = 0; i < h->nreg; i++)
			if (h->reg[i].kind == T_ARTICLE && !h->reg[i].nested)
				(*roots)[k++] = h->reg[i].node;
		return k;
	}
	(*roots)[0] = h->body;
	return 1;
}

/* ---- WikiLeaks cable pages ---- */

/* Stores the header cells by their column names. */
static void cable_values(struct hx *h, const char *const *names, int nnames,
			 char *const *vals, int nvals)
{
	struct xdoc *d = h->d;
	for (int i = 0; i < nvals && i < nnames; i++) {
		const char *name = names[i], *v = vals[i];
		if (!name || !v || !*v)
			continue;
		if (!strcasecmp(name, "Reference ID")) {
			xdoc_meta_set(d, "reference_id", v);
		} else if (!strcasecmp(name, "Created")) {
			free(d->date);
			d->date = date_to_iso(v, &d->date_suspect);
		} else if (!strcasecmp(name, "Released")) {
			int suspect;
			char *iso = date_to_iso(v, &suspect);
			xdoc_meta_set(d, "released", iso ? iso : v);
			free(iso);
		} else if (!strcasecmp(name, "Classification")) {
			xdoc_meta_set(d, "classification", v);
		} else if (!strcasecmp(name, "Origin")) {
			xdoc_meta_set(d, "origin", v);
		}
	}
}

/* Reads the header table: a row of <th> names, then a row of <td> values.
 * Without a name row the columns are taken in the site's order. */
static void cable_header(struct hx *h)
{
	static const char *const order[] = {"Reference ID", "Created", "Released", "Classification",
					    "Origin"};
	enum { MAXCOL = 8 };
	const struct hnode *n = h->n;
	char *names[MAXCOL] = {0};
	int have_names = 0, done = 0;
	/* rows are children of the table or of its thead/tbody/tfoot */
	for (uint32_t r = n[h->cable].first; r && !done;) {
		if (n[r].kind == T_TR) {
			int col = 0, th = 0, td = 0;
			char *vals[MAXCOL] = {0};
			for (uint32_t c = n[r].first; c && col < MAXCOL; c = n[c].next) {
				if (n[c].kind != T_TD && n[c].kind != T_TH)
					continue;
				th += n[c].kind == T_TH;
				td += n[c].kind == T_TD;
				vals[col++] = flat_text(h, c, 400);
			}
			if (th && !td && !have_names) {
				memcpy(names, vals, sizeof names);
				have_names = 1;
				col = 0; /* now owned by names */
			} else if (td) {
				cable_values(h, have_names ? (const char *const *)names : order,
					     have_names ? MAXCOL : 5, vals, col);
				done = 1;
			}
			for (int i = 0; i < col; i++)
				free(vals[i]);
		}
		if (n[r].kind == T_ROWS && n[r].first)
			r = n[r].first;
		else if (n[r].next)
			r = n[r].next;
		else if (n[r].parent != h->cable)
			r = n[n[r].parent].next;
		else
			r = 0;
	}
	for (int i = 0; i < MAXCOL; i++)
		free(names[i]);
}

/* Finds label (ASCII) case-insensitively in s[0..n) where it starts a line
 * or follows a space.  Returns its offset or (size_t)-1. */
static size_t find_label(const char *s, size_t n, const char *label)
{
	size_t ln = strlen(label);
	for (size_t i = 0; i + ln <= n; i++) {
		if ((s[i] | 0x20) != (label[0] | 0x20))
			continue;
		if (i > 0 && s[i - 1] != '\n' && s[i - 1] != ' ' && s[i - 1] != '\t')
			continue;
		if (!strncasecmp(s + i, label, ln))
			return i;
	}
	return (size_t)-1;
}

/* Appends the line at s[i..n) up to its end to b; returns the offset just
 * after the line break. */
static size_t take_line(const char *s, size_t n, size_t i, struct buf *b)
{
	const char *nl = memchr(s + i, '\n', n - i);
	size_t e = nl ? (size_t)(nl - s) : n;
	buf_add(b, s + i, e - i);
	return nl ? e + 1 : n;
}

/* 1 if a line after "SUBJECT:" still belongs to the subject: not blank, not
 * a new field ("REF:", "Classified By:"), not the first paragraph. */
static int subject_continues(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (!n)
		return 0;
	if (memchr(s, ':', n < 25 ? n : 25))
		return 0;
	if ((n >= 3 && !strncasecmp(s, "REF", 3)) || (n >= 10 && !strncasecmp(s, "CLASSIFIED", 10)) ||
	    *s == '(' || *s == '-' || (*s >= '0' && *s <= '9') || (unsigned char)*s == 0xC2 ||
	    (n >= 7 && !strncasecmp(s, "SUMMARY", 7)))
		return 0;
	return 1;
}

/* Collapses whitespace in place and trims; returns s. */
static char *collapse(char *s)
{
	char *o = s;
	int sp = 0;
	for (char *p = s; *p; p++) {
		if (is_space((unsigned char)*p)) {
			sp = 1;
			continue;
		}
		if (sp && o != s)
			*o++ = ' ';
		sp = 0;
		*o++ = *p;
	}
	*o = 0;
	return s;
}

/* SUBJECT and TAGS lines of the cable text: title, subject, tags. */
static void cable_fields(struct hx *h, const char *ref)
{
	struct xdoc *d = h->d;
	const char *s = d->text.p ? d->text.p : "";
	size_t n = d->text.len < 16384 ? d->text.len : 16384;

	size_t subj = find_label(s, n, "SUBJECT:"), sl = 8;
	size_t subj2 = find_label(s, n, "SUBJ:");
	if (subj2 < subj)
		subj = subj2, sl = 5;
	if (subj != (size_t)-1) {
		struct buf b = BUF_INIT;
		size_t i = take_line(s, n, subj + sl, &b);
		for (int extra = 0; extra < 3 && i < n; extra++) {
			const char *nl = memchr(s + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - s) : n;
			if (!subject_continues(s + i, e - i))
				break;
			buf_addc(&b, ' ');
			i = take_line(s, n, i, &b);
		}
		char *subject = collapse(buf_detach(&b));
		if (strlen(subject) > 300) {
			size_t k = 300;
			while (k > 0 && ((unsigned char)subject[k] & 0xC0) == 0x80)
				k--;
			subject[k] = 0;
		}
		if (*subject) {
			free(d->subject);
			d->subject = subject;
			if (ref) {
				struct buf t = BUF_INIT;
				buf_printf(&t, "%s: %s", ref, subject);
				free(d->title);
				d->title = buf_detach(&t);
			}
		} else {
			free(subject);
		}
	}

	/* TAGS come before the subject, as links ("TAGS: PGOV IZ") or plain
	 * text ("TAGS PREL, PGOV, SF"; "Tags: prel, pgov Subject: ...") */
	size_t lim = subj != (size_t)-1 ? subj : n, i = 0;
	for (size_t from = 0;;) {
		size_t t = find_label(s + from, lim - from, "TAG");
		if (t == (size_t)-1)
			return;
		i = from + t + 3;
		if (i < lim && (s[i] | 0x20) == 's') /* "TAGS", sometimes "TAG" */
			i++;
		if (i < lim && (s[i] == ':' || s[i] == ' ' || s[i] == '\t')) {
			i += s[i] == ':';
			break;
		}
		from = i;
	}
	const char *nl = memchr(s + i, '\n', n - i);
	size_t e = nl ? (size_t)(nl - s) : n;
	if (subj != (size_t)-1 && subj > i && subj < e)
		e = subj;
	/* one line: no-break spaces become spaces; tags are split on commas
	 * or semicolons if there are any, else on spaces, never inside
	 * parentheses ("OVIP (CLINTON, HILLARY)") */
	struct buf line = BUF_INIT;
	for (size_t k = i; k < e; k++) {
		if ((unsigned char)s[k] == 0xC2 && k + 1 < e && (unsigned char)s[k + 1] == 0xA0)
			buf_addc(&line, ' '), k++;
		else
			buf_addc(&line, s[k] == '\t' ? ' ' : s[k]);
	}
	const char *l = line.p ? line.p : "";
	int lists = strpbrk(l, ",;") != NULL;
	struct buf tags = BUF_INIT;
	for (size_t k = 0, ln = line.len; k < ln;) {
		while (k < ln && (l[k] == ' ' || l[k] == ',' || l[k] == ';'))
			k++;
		size_t a = k;
		int paren = 0;
		for (; k < ln; k++) {
			if (l[k] == '(')
				paren++;
			else if (l[k] == ')' && paren)
				paren--;
			else if (!paren && (lists ? (l[k] == ',' || l[k] == ';') : l[k] == ' '))
				break;
		}
		size_t b = k;
		while (b > a && l[b - 1] == ' ')
			b--;
		if (b > a && b - a <= 60 && tags.len < 1000) {
			if (tags.len)
				buf_addc(&tags, ',');
			for (size_t c = a; c < b; c++)
				buf_addc(&tags, l[c] >= 'a' && l[c] <= 'z' ? (char)(l[c] - 32) : l[c]);
		}
	}
	buf_free(&line);
	if (tags.len)
		xdoc_meta_set(d, "tags", tags.p);
	buf_free(&tags);
}

/* The cable page: text from the <pre> blocks after the header table,
 * metadata from the table and the SUBJECT/TAGS lines. */
static void cable_page(struct hx *h)
{
	size_t first = h->pre_after_cable < h->npre ? h->pre_after_cable : 0;
	emit_roots(h, h->pre + first, h->npre - first, 1, 1);
	cable_header(h);
	const char *ref = NULL;
	if (h->d->meta) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(h->d->meta, "reference_id");
		if (cJSON_IsString(r))
			ref = r->valuestring;
	}
	cable_fields(h, ref);
	/* No SUBJECT line: the reference id says more than the site's
	 * "Cable Viewer" page title. */
	if (ref && (!h->d->title || !strcmp(h->d->title, "Cable Viewer"))) {
		free(h->d->title);
		h->d->title = xstrdup(ref);
	}
}

/* ---- charset ---- */

/* Copies the charset the page declares (the XML declaration's encoding or
 * a <meta> charset, in the first 4 KB) into cs; returns 1 if found. */
static int declared_charset(const char *p, size_t len, char *cs, size_t cssz)
{
	size_t lim = len < 4096 ? len : 4096;
	for (size_t i = 0; i + 5 < lim; i++) {
		if (p[i] != '<')
			continue;
		const char *key;
		if (!strncmp(p + i, "<?xml", 5))
			key = "encoding";
		else if (!strncasecmp(p + i, "<meta", 5))
			key = "charset";
		else
			continue;
		const char *gt = memchr(p + i, '>', lim - i);
		if (!gt)
			return 0;
		size_t tl = (size_t)(gt - (p + i)), kl = strlen(key);
		for (size_t k = 0; k + kl < tl; k++) {
			const char *q = p + i + k;
			if (strncasecmp(q, key, kl))
				continue;
			q += kl;
			while (q < gt && *q == ' ')
				q++;
			if (q >= gt || *q != '=')
				continue;
			q++;
			while (q < gt && (*q == ' ' || *q == '"' || *q == '\''))
				q++;
			size_t n = 0;
			while (q + n < gt && n + 1 < cssz &&
			       ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= 'A' && q[n] <= 'Z') ||
				(q[n] >= '0' && q[n] <= '9') || q[n] == '-' || q[n] == '_' || q[n] == '.' ||
				q[n] == ':'))
				n++;
			if (n) {
				memcpy(cs, q, n);
				cs[n] = 0;
				return 1;
			}
		}
	}
	return 0;
}

/* Brings data to UTF-8 without NUL bytes.  Returns a pointer to the UTF-8
 * bytes (data itself when it already is, else conv's bytes) and sets *len,
 * or NULL with e set. */
static const char *page_utf8(const char *data, size_t *len, struct buf *conv, struct xdoc *d,
			     struct err *e)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t n = *len;
	const char *out = data;
	char cs[48];
	if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		out = data + 3, n -= 3; /* a byte-order mark beats any declaration */
		if (!utf8_valid(out, n)) {
			d->invalid_bytes += utf8_repair(conv, out, n);
			out = conv->p, n = conv->len;
		}
	} else if ((n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) ||
		   memchr(data, 0, n < 4096 ? n : 4096)) {
		/* UTF-16 with or without BOM (or binary junk): detection decides */
		if (text_to_utf8(data, n, NULL, conv, &d->invalid_bytes, e) < 0)
			return NULL;
		out = conv->p ? conv->p : "", n = conv->len;
	} else {
		int have = declared_charset(data, n, cs, sizeof cs);
		int stateful = have && (!strncasecmp(cs, "iso-2022", 8) || !strcasecmp(cs, "utf-7") ||
					!strncasecmp(cs, "hz", 2));
		if (stateful || !utf8_valid(data, n)) {
			/* (valid UTF-8 is taken as UTF-8 whatever the label
			 * says: mislabelled pages are common, and non-ASCII
			 * Latin-1 text is practically never valid UTF-8) */
			const char *use = have ? cs : NULL;
			if (use && (!strcasecmp(use, "iso-8859-1") || !strcasecmp(use, "latin1") ||
				    !strcasecmp(use, "iso8859-1") || !strcasecmp(use, "us-ascii") ||
				    !strcasecmp(use, "ascii") || !strcasecmp(use, "iso_8859-1")))
				use = "windows-1252"; /* as browsers do */
			else if (use && !strncasecmp(use, "utf-16", 6))
				use = NULL; /* an ASCII-compatible page cannot be UTF-16 */
			size_t inv = 0;
			if (text_to_utf8(data, n, use, conv, &inv, e) < 0) {
				buf_reset(conv);
				inv = 0;
				if (text_to_utf8(data, n, NULL, conv, &inv, e) < 0)
					return NULL;
			}
			d->invalid_bytes += inv;
			out = conv->p ? conv->p : "", n = conv->len;
		}
	}
	if (memchr(out, 0, n)) {
		if (out != conv->p) {
			struct buf tmp = BUF_INIT;
			buf_add(&tmp, out, n);
			buf_free(conv);
			*conv = tmp;
		}
		for (size_t i = 0; i < conv->len; i++)
			if (!conv->p[i]) {
				conv->p[i] = ' ';
				d->invalid_bytes++;
			}
		out = conv->p;
	}
	*len = n;
	return out;
}

/* ---- entry point ---- */

/* Runs the parser over UTF-8 bytes, building h's tree. */
static int parse(struct hx *h, const char *u, size_t len, struct err *e)
{
	h->n = xmalloc(256 * sizeof *h->n);
	h->cn = 256;
	h->n[0] = (struct hnode){.kind = T_DOC};
	h->nn = 1;
	if (!len)
		return 0;
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	if (!ctxt)
		return err_set(e, "HTML parser: out of memory");
	htmlSAXHandler sax;
	memset(&sax, 0, sizeof sax);
	sax.startElement = sax_start;
	sax.endElement = sax_end;
	sax.characters = sax_chars;
	sax.ignorableWhitespace = sax_chars;
	/* cdataBlock stays NULL: libxml2 hands script/style bodies there */
	memcpy(ctxt->sax, &sax, sizeof sax);
	ctxt->_private = h;
	h->ctxt = ctxt;
	xmlDocPtr doc = htmlCtxtReadMemory(ctxt, u, (int)len, NULL, "UTF-8",
					   HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
						   HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
						   HTML_PARSE_IGNORE_ENC);
	if (doc) /* never with our handler, but harmless */
		xmlFreeDoc(doc);
	while (h->nopen)
		close_top(h);
	htmlFreeParserCtxt(ctxt);
	h->ctxt = NULL;
	return 0;
}

/* Frees everything h holds and makes it ready for another parse. */
static void hx_clear(struct hx *h)
{
	struct xdoc *d = h->d;
	free(h->n);
	free(h->open);
	free(h->reg);
	buf_free(&h->chars);
	free(h->lang);
	free(h->author);
	free(h->date);
	memset(h, 0, sizeof *h);
	h->d = d;
}

/* A WikiLeaks cable page carries ~40 KB of identical site navigation before
 * the cable; parsing it is most of the work and none of it is kept.  When
 * the page has the cable header table, this parses only the head and the
 * page from that table on.  Returns 1 if that gave a cable page, else 0
 * with h cleared for a parse of the whole page. */
static int parse_cable_fast(struct hx *h, const char *u, size_t len, struct err *e)
{
	const char *t = memmem(u, len, "<table class='cable'", 20);
	if (!t)
		t = memmem(u, len, "<table class=\"cable\"", 20);
	if (!t)
		return 0;
	size_t at = (size_t)(t - u);
	const char *he = memmem(u, at, "</head>", 7);
	size_t head = he ? (size_t)(he - u) + 7 : 0;
	struct buf frag = BUF_INIT;
	buf_grow(&frag, head + 6 + len - at);
	buf_add(&frag, u, head);
	buf_add(&frag, "<body>", 6);
	buf_add(&frag, t, len - at);
	int rc = parse(h, frag.p, frag.len, e);
	buf_free(&frag);
	if (rc == 0 && h->cable && h->npre > h->pre_after_cable)
		return 1;
	hx_clear(h);
	return 0;
}

int extract_html(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	(void)x;
	d->type = "html";
	if (len > INT_MAX)
		return err_set(e, "HTML page too large (%zu bytes)", len);
	struct buf conv = BUF_INIT;
	size_t ulen = len;
	const char *u = page_utf8(data, &ulen, &conv, d, e);
	if (!u) {
		buf_free(&conv);
		return -1;
	}
	struct hx h = {.d = d};
	int rc = 0;
	if (!parse_cable_fast(&h, u, ulen, e))
		rc = parse(&h, u, ulen, e);
	buf_free(&conv);
	if (rc == 0) {
		if (h.lang)
			xdoc_meta_set(d, "lang", h.lang);
		if (h.author && *h.author && !d->author)
			d->author = xstrdup(h.author);
		judge_boilerplate(&h);
		if (h.cable && h.npre) {
			cable_page(&h);
		} else {
			uint32_t *roots;
			size_t n = choose_roots(&h, &roots);
			emit_roots(&h, roots, n, 0, 0);
			if (d->text.len == 0 && h.text > 0) {
				/* the boilerplate rules ate everything: keep it all */
				emit_roots(&h, &h.body, 1, 1, 0);
			}
			free(roots);
		}
		if (!d->date && h.date)
			d->date = date_to_iso(h.date, &d->date_suspect);
		if (!d->title && h.title)
			d->title = flat_text(&h, h.title, 1000);
		if (d->title && !*d->title) {
			free(d->title);
			d->title = NULL;
		}
		if (!d->title && h.h1)
			d->title = flat_text(&h, h.h1, 1000);
		if (d->title && !*d->title) {
			free(d->title);
			d->title = NULL;
		}
		if (h.truncated)
			xdoc_meta_set(d, "truncated", h.truncated);
	}
	hx_clear(&h);
	return rc;
}
