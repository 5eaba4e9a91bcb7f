/*
 * extract/html.c — HTML and XHTML pages to their visible text.
 *
 * The bytes are first brought to UTF-8 (the page's declared charset, else
 * detection, through text_to_utf8()), then parsed by libxml2's forgiving HTML
 * parser with the network off.  Two walks over the tree follow; both are
 * iterative (parent/next pointers, no recursion), so a page nested 10^5 deep
 * costs heap, not stack:
 *
 *   1. survey: finds the title, <meta> fields, the cable header table, the
 *      <pre> blocks, <article>/<main> regions, and boilerplate candidates
 *      (nav, aside, header/footer, id/class/role saying nav, menu, sidebar,
 *      footer, breadcrumb, cookie), counting the visible text under each.
 *      A candidate that holds much of the page's text with few links is a
 *      content wrapper after all ("has-sidebar") and is kept; the others are
 *      marked in node->_private for the second walk.
 *   2. emit: writes the text of the chosen roots into d->text.  Block
 *      elements break lines, inline text is joined with whitespace
 *      collapsed, <pre> keeps its own line breaks.
 *
 * The roots are, in order of preference: the <pre> blocks of a WikiLeaks
 * cable page (a <table class='cable'> plus <pre>; the header table becomes
 * metadata), a substantial <main>, the dominant <article> (or all top-level
 * articles when none dominates), else the whole body minus boilerplate.
 *
 * Memory: the parsed tree (proportional to the input) plus a few arrays
 * bounded by the number of elements; all freed before returning.
 */
#include <cjson/cJSON.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

/* ---- element kinds ---- */

enum tag {
	T_INLINE = 0,
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
	T_CELL,
	T_TR,
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
	{"summary", T_BLOCK}, {"svg", T_SKIP},       {"table", T_TABLE},    {"td", T_CELL},
	{"template", T_SKIP}, {"textarea", T_SKIP},  {"th", T_CELL},        {"title", T_TITLE},
	{"tr", T_TR},         {"ul", T_PARA},        {"video", T_SKIP},     {"xmp", T_PRE},
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
	case T_BLOCK: case T_CELL: case T_TR: case T_NAV: case T_HEADER: case T_FOOTER:
	case T_BODY: case T_HTML:
		return 1;
	default:
		return 0;
	}
}

/* ---- per-page state ---- */

/* Marks left in node->_private by the survey for the emit walk. */
static const char mark_boiler, mark_hidden, mark_pilcrow;
#define BOILER ((void *)&mark_boiler)  /* boilerplate: skipped unless relaxed */
#define HIDDEN ((void *)&mark_hidden)  /* hidden attribute or display:none */
#define PILCROW ((void *)&mark_pilcrow) /* a cable's "¶" paragraph link */

/* Open element whose text the survey is measuring. */
struct rec {
	xmlNode *n;
	size_t t0, l0;    /* text and link-text counters when it opened */
	unsigned what;    /* REC_* bits */
	int nested;       /* inside another article/main */
};
#define REC_ARTICLE 1u
#define REC_MAIN 2u
#define REC_BOILER 4u

/* A measured element: an article/main region or a boilerplate candidate. */
struct region {
	xmlNode *n;
	size_t size, links;
	unsigned what;
	int nested;
};

#define MAX_RECS 65536 /* measured elements kept per page; the rest are ignored */
#define MAX_PRES 256

struct hx {
	struct xdoc *d;
	/* tag kinds by interned name pointer: a page uses few distinct names */
	const xmlChar *ckey[64];
	unsigned char cval[64];

	xmlNode *title, *h1, *body, *cable;
	xmlNode *pre[MAX_PRES];
	size_t npre, pre_after_cable; /* first <pre> index after the cable table */
	struct rec *rec;
	size_t nrec, crec;
	struct region *reg;
	size_t nreg, creg;
	size_t text, links; /* visible text bytes so far, and those inside links */
	int in_head, in_link, in_pre, in_region, in_svg;
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

/* Value of a plain attribute, or NULL.  Points into the tree. */
static const char *attr_value(const xmlAttr *a)
{
	if (a->children && (a->children->type == XML_TEXT_NODE) && a->children->content)
		return (const char *)a->children->content;
	return NULL;
}

static const char *get_attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->name && !strcasecmp((const char *)a->name, name))
			return attr_value(a);
	return NULL;
}

/* ---- walking ---- */

/* Visits the subtree at root in document order without recursion.  enter()
 * returns 1 to descend into an element; leave() is called for each element
 * entered, after its children. */
typedef int (*enter_fn)(void *ctx, xmlNode *n);
typedef void (*leave_fn)(void *ctx, xmlNode *n);

static int descendable(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE ||
	       n->type == XML_HTML_DOCUMENT_NODE;
}

static void walk(xmlNode *root, enter_fn enter, leave_fn leave, void *ctx)
{
	xmlNode *n = root;
	for (;;) {
		if (enter(ctx, n) && descendable(n)) {
			if (n->children) {
				n = n->children;
				continue;
			}
			leave(ctx, n);
		}
		while (n != root && !n->next) {
			n = n->parent;
			if (!n)
				return; /* cannot happen in a well-formed tree */
			leave(ctx, n);
		}
		if (n == root)
			return;
		n = n->next;
	}
}

/* ---- text output ---- */

struct emit {
	struct buf *out;
	int nl;   /* line breaks owed before the next character (0-2) */
	int sp;   /* a space owed before the next character */
	int pre;  /* depth of <pre> */
	int flat; /* title/cell text: breaks become spaces */
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

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

/* Appends a text node's content.  Outside <pre> whitespace runs (and
 * no-break spaces) collapse to one space; soft hyphens, zero-width spaces
 * and stray byte-order marks are dropped so words stay whole for search. */
static void emit_text(struct emit *m, const unsigned char *s)
{
	size_t len = strlen((const char *)s);
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
			if ((c == 0xC2 && s + 1 < end && s[1] == 0xAD)) {
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
			if (o == b->p) { /* no leading blank lines in the document */
				if (is_space(c)) {
					s++;
					continue;
				}
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
		*o++ = (char)c;
		s++;
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
}

/* The emit walk. */
struct ectx {
	struct hx *h;
	struct emit m;
	int relaxed; /* keep boilerplate too */
	int cable;   /* drop the cable pages' "¶" links */
	xmlNode *root; /* flat_text's element, entered whatever its kind */
};

static int emit_enter(void *ctx, xmlNode *n)
{
	struct ectx *c = ctx;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content)
			emit_text(&c->m, n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE)
		return n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE;
	if (n == c->root)
		return 1;
	if (n->_private == HIDDEN || (n->_private == BOILER && !c->relaxed) ||
	    (n->_private == PILCROW && c->cable))
		return 0;
	int kind = tag_kind(c->h, n->name);
	switch (kind) {
	case T_SKIP: case T_HEAD: case T_TITLE: case T_META:
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
	emit_break(&c->m, tag_breaks(kind));
	return 1;
}

static void emit_leave(void *ctx, xmlNode *n)
{
	struct ectx *c = ctx;
	if (n->type != XML_ELEMENT_NODE)
		return;
	int kind = tag_kind(c->h, n->name);
	if (kind == T_PRE) {
		c->m.pre--;
		if (!c->m.flat)
			out_rtrim(c->m.out);
	}
	emit_break(&c->m, tag_breaks(kind));
}

/* Text of one element with all whitespace collapsed (titles, table cells);
 * malloc'd, at most max bytes (cut on a character boundary). */
static char *flat_text(struct hx *h, xmlNode *n, size_t max)
{
	struct buf b = BUF_INIT;
	struct ectx c = {.h = h, .relaxed = 1, .root = n};
	c.m.out = &b;
	c.m.flat = 1;
	walk(n, emit_enter, emit_leave, &c);
	if (b.len > max) {
		size_t k = max;
		while (k > 0 && ((unsigned char)b.p[k] & 0xC0) == 0x80)
			k--;
		b.len = k;
		b.p[k] = 0;
	}
	return str_trim(buf_detach(&b));
}

/* ---- survey ---- */

static void *grow_array(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(p, *cap * size);
}

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
 * one of them is boilerplate, unless the word before it is "has", "with",
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

/* Text length of a text node without its leading and trailing whitespace:
 * the survey's measure of visible text. */
static size_t trimmed_len(const unsigned char *s)
{
	while (is_space(*s))
		s++;
	size_t n = strlen((const char *)s);
	while (n && is_space(s[n - 1]))
		n--;
	return n;
}

static void meta_field(struct hx *h, xmlNode *n)
{
	const char *name = get_attr(n, "name");
	if (!name)
		name = get_attr(n, "property");
	const char *content = get_attr(n, "content");
	if (!name || !content || !*content)
		return;
	struct xdoc *d = h->d;
	if (!strcasecmp(name, "author") || !strcasecmp(name, "dc.creator") ||
	    !strcasecmp(name, "article:author")) {
		if (!d->author)
			d->author = str_trim(xstrndup(content, strnlen(content, 300)));
	} else if (!strcasecmp(name, "date") || !strcasecmp(name, "dc.date") ||
		   !strcasecmp(name, "dcterms.date") || !strcasecmp(name, "dcterms.created") ||
		   !strcasecmp(name, "article:published_time") || !strcasecmp(name, "pubdate") ||
		   !strcasecmp(name, "publish-date") || !strcasecmp(name, "dc.date.issued")) {
		if (!d->date) {
			char tmp[100];
			snprintf(tmp, sizeof tmp, "%s", content);
			d->date = date_to_iso(tmp, &d->date_suspect);
		}
	}
}

static void push_rec(struct hx *h, xmlNode *n, unsigned what)
{
	if (h->nrec >= MAX_RECS)
		return;
	h->rec = grow_array(h->rec, &h->crec, h->nrec, sizeof *h->rec);
	h->rec[h->nrec++] = (struct rec){n, h->text, h->links, what, h->in_region > 0};
}

static int survey_enter(void *ctx, xmlNode *n)
{
	struct hx *h = ctx;
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (!h->in_head && n->content) {
			size_t t = trimmed_len(n->content);
			h->text += t;
			if (h->in_link)
				h->links += t;
		}
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE)
		return n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE;
	int kind = tag_kind(h, n->name);
	if (kind == T_SKIP)
		return 0;
	if (kind == T_TITLE) {
		if (!h->title)
			h->title = n;
		return 0;
	}
	if (kind == T_META) {
		meta_field(h, n);
		return 0;
	}

	/* attributes: hidden, boilerplate by class/id/role */
	int boiler = 0;
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *an = (const char *)a->name, *v;
		if (!an)
			continue;
		if (!strcasecmp(an, "hidden") ||
		    (!strcasecmp(an, "style") && (v = attr_value(a)) && style_hidden(v))) {
			n->_private = HIDDEN;
			return 0;
		}
		if (kind == T_HTML || kind == T_BODY || kind == T_MAIN || kind == T_ARTICLE || h->in_pre)
			continue;
		if ((!strcasecmp(an, "class") || !strcasecmp(an, "id")) && (v = attr_value(a)) &&
		    boiler_attr(v))
			boiler = 1;
		else if (!strcasecmp(an, "role") && (v = attr_value(a)) && role_boiler(v, h->in_region))
			boiler = 1;
	}
	if (kind == T_NAV || kind == T_FOOTER || (kind == T_HEADER && !h->in_region))
		boiler = 1;

	switch (kind) {
	case T_HEAD:
		h->in_head++;
		break;
	case T_HTML:
		if (!h->d->meta || !cJSON_GetObjectItemCaseSensitive(h->d->meta, "lang")) {
			const char *lang = get_attr(n, "lang");
			if (!lang)
				lang = get_attr(n, "xml:lang");
			if (lang && *lang && strlen(lang) < 36)
				xdoc_meta_set(h->d, "lang", lang);
		}
		break;
	case T_BODY:
		if (!h->body)
			h->body = n;
		break;
	case T_H1:
		if (!h->h1 && !h->in_head)
			h->h1 = n;
		break;
	case T_TABLE:
		if (!h->cable) {
			const char *cls = get_attr(n, "class");
			if (cls) {
				for (const char *p = cls; (p = strstr(p, "cable")); p += 5)
					if ((p == cls || is_space((unsigned char)p[-1])) &&
					    (!p[5] || is_space((unsigned char)p[5]))) {
						h->cable = n;
						h->pre_after_cable = h->npre;
						break;
					}
			}
		}
		break;
	case T_PRE:
		if (!h->in_pre && h->npre < MAX_PRES)
			h->pre[h->npre++] = n;
		h->in_pre++;
		break;
	case T_A:
		h->in_link++;
		if (h->in_pre && n->children && !n->children->next && n->children->type == XML_TEXT_NODE &&
		    n->children->content && !strcmp((const char *)n->children->content, "\xC2\xB6"))
			n->_private = PILCROW;
		break;
	default:
		break;
	}
	unsigned what = (boiler ? REC_BOILER : 0) | (kind == T_ARTICLE ? REC_ARTICLE : 0) |
			(kind == T_MAIN ? REC_MAIN : 0);
	if (what)
		push_rec(h, n, what);
	if (kind == T_ARTICLE || kind == T_MAIN)
		h->in_region++;
	return 1;
}

static void survey_leave(void *ctx, xmlNode *n)
{
	struct hx *h = ctx;
	if (n->type != XML_ELEMENT_NODE)
		return;
	switch (tag_kind(h, n->name)) {
	case T_HEAD: h->in_head--; break;
	case T_PRE: h->in_pre--; break;
	case T_A: h->in_link--; break;
	case T_ARTICLE: case T_MAIN: h->in_region--; break;
	default: break;
	}
	if (h->nrec && h->rec[h->nrec - 1].n == n) {
		struct rec r = h->rec[--h->nrec];
		h->reg = grow_array(h->reg, &h->creg, h->nreg, sizeof *h->reg);
		h->reg[h->nreg++] = (struct region){n, h->text - r.t0, h->links - r.l0, r.what, r.nested};
	}
}

/* Decides the boilerplate candidates now that the page's total is known:
 * furniture is dropped unless it holds 40% of the text with few links. */
static void mark_boilerplate(struct hx *h)
{
	for (size_t i = 0; i < h->nreg; i++) {
		struct region *r = &h->reg[i];
		if (!(r->what & REC_BOILER) || r->n->_private)
			continue;
		int wrapper = r->size * 10 >= h->text * 4 && r->links * 4 < r->size && r->size > 0;
		if (!wrapper)
			r->n->_private = BOILER;
	}
}

/* ---- choosing what to emit ---- */

static int substantial(const struct hx *h, size_t size)
{
	return size >= 500 || (size > 0 && size * 4 >= h->text);
}

/* Fills roots with the subtrees to emit; returns how many. */
static size_t choose_roots(struct hx *h, xmlNode *doc, xmlNode ***roots)
{
	/* a substantial <main>: the largest one */
	struct region *best = NULL;
	for (size_t i = 0; i < h->nreg; i++)
		if ((h->reg[i].what & REC_MAIN) && (!best || h->reg[i].size > best->size))
			best = &h->reg[i];
	if (best && substantial(h, best->size) && best->n->_private == NULL) {
		*roots = xmalloc(sizeof **roots);
		(*roots)[0] = best->n;
		return 1;
	}
	/* top-level articles: the dominant one, else all of them */
	size_t sum = 0, n = 0;
	best = NULL;
	for (size_t i = 0; i < h->nreg; i++) {
		struct region *r = &h->reg[i];
		if (!(r->what & REC_ARTICLE) || r->nested || r->n->_private == HIDDEN)
			continue;
		sum += r->size, n++;
		if (!best || r->size > best->size)
			best = r;
	}
	if (best && substantial(h, sum)) {
		if (best->size * 3 >= sum * 2 || n == 1) {
			*roots = xmalloc(sizeof **roots);
			(*roots)[0] = best->n;
			return 1;
		}
		/* regions are recorded as they close, which for top-level
		 * articles is document order */
		*roots = xmalloc(n * sizeof **roots);
		size_t k = 0;
		for (size_t i = 0; i < h->nreg; i++) {
			struct region *r = &h->reg[i];
			if ((r->what & REC_ARTICLE) && !r->nested && r->n->_private != HIDDEN)
				(*roots)[k++] = r->n;
		}
		return k;
	}
	*roots = xmalloc(sizeof **roots);
	(*roots)[0] = h->body ? h->body : doc;
	return 1;
}

static void emit_roots(struct hx *h, xmlNode **roots, size_t n, int relaxed, int cable)
{
	struct ectx c = {.h = h, .relaxed = relaxed, .cable = cable};
	c.m.out = &h->d->text;
	for (size_t i = 0; i < n; i++) {
		walk(roots[i], emit_enter, emit_leave, &c);
		emit_break(&c.m, 2);
	}
	out_rtrim(&h->d->text);
}

/* ---- WikiLeaks cable pages ---- */

/* Stores the header cells by their column names. */
static void cable_values(struct hx *h, const char *const *names, int nnames,
			 const char *const *vals, int nvals)
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
	char *names[MAXCOL] = {0};
	int have_names = 0, done = 0;
	/* rows are children of the table or of its thead/tbody */
	for (xmlNode *n = h->cable->children; n && !done;) {
		if (n->type == XML_ELEMENT_NODE && tag_kind(h, n->name) == T_TR) {
			int col = 0, th = 0, td = 0;
			char *vals[MAXCOL] = {0};
			for (xmlNode *c = n->children; c && col < MAXCOL; c = c->next) {
				if (c->type != XML_ELEMENT_NODE || tag_kind(h, c->name) != T_CELL)
					continue;
				th += c->name[1] == 'h';
				td += c->name[1] != 'h';
				vals[col++] = flat_text(h, c, 400);
			}
			if (th && !td && !have_names) {
				memcpy(names, vals, sizeof names);
				have_names = 1;
				col = 0; /* now owned by names */
			} else if (td) {
				cable_values(h, have_names ? (const char *const *)names : order,
					     have_names ? MAXCOL : 5, (const char *const *)vals, col);
				done = 1;
			}
			for (int i = 0; i < col; i++)
				free(vals[i]);
		}
		/* next row: into row groups, never into nested tables */
		if (n->type == XML_ELEMENT_NODE && n->children &&
		    (!strcmp((const char *)n->name, "thead") || !strcmp((const char *)n->name, "tbody") ||
		     !strcmp((const char *)n->name, "tfoot")))
			n = n->children;
		else if (n->next)
			n = n->next;
		else if (n->parent && n->parent != h->cable)
			n = n->parent->next;
		else
			n = NULL;
	}
	for (int i = 0; i < MAXCOL; i++)
		free(names[i]);
}

/* Finds label (upper-case ASCII, e.g. "SUBJECT") case-insensitively in
 * s[0..n) where it starts a line or follows a space.  Returns its offset or
 * (size_t)-1. */
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
	const char *colon = memchr(s, ':', n < 25 ? n : 25);
	if (colon)
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
	size_t lim = subj != (size_t)-1 ? subj : n;
	size_t t = find_label(s, lim, "TAGS");
	if (t == (size_t)-1 || (s[t + 4] != ':' && s[t + 4] != ' ' && s[t + 4] != '\t'))
		return;
	size_t i = t + 4 + (s[t + 4] == ':');
	const char *nl = memchr(s + i, '\n', n - i);
	size_t e = nl ? (size_t)(nl - s) : n;
	if (subj != (size_t)-1 && subj > i && subj < e)
		e = subj;
	int commas = memchr(s + i, ',', e - i) != NULL;
	struct buf tags = BUF_INIT;
	while (i < e) {
		while (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		size_t a = i;
		while (i < e && s[i] != ',' && (commas || (s[i] != ' ' && s[i] != '\t')))
			i++;
		size_t b = i;
		while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
			b--;
		if (b > a && b - a <= 40 && tags.len < 1000) {
			if (tags.len)
				buf_addc(&tags, ',');
			for (size_t k = a; k < b; k++) {
				char ch = s[k];
				buf_addc(&tags, ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch);
			}
		}
	}
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
 * bytes: data itself when it already is, else conv's bytes. */
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
		/* UTF-16 with or without BOM (or binary junk): let detection decide */
		if (text_to_utf8(data, n, NULL, conv, &d->invalid_bytes, e) < 0)
			return NULL;
		out = conv->p, n = conv->len;
	} else {
		int have = declared_charset(data, n, cs, sizeof cs);
		int stateful = have && (!strncasecmp(cs, "iso-2022", 8) || !strcasecmp(cs, "utf-7") ||
					!strncasecmp(cs, "hz", 2));
		if (!stateful && utf8_valid(data, n)) {
			/* valid UTF-8 with non-ASCII bytes is UTF-8 whatever the
			 * label says: mislabelled Latin-1 pages are common */
		} else {
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
	if (ulen == 0) {
		buf_free(&conv);
		return 0;
	}
	htmlDocPtr doc = htmlReadMemory(u, (int)ulen, NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
						HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC);
	buf_free(&conv);
	if (!doc) {
		/* libxml2 gives no tree for a page with no markup and no text */
		return 0;
	}

	struct hx h = {.d = d};
	xmlNode *root = (xmlNode *)doc;
	walk(root, survey_enter, survey_leave, &h);
	mark_boilerplate(&h);

	if (h.cable && h.npre) {
		cable_page(&h);
	} else {
		xmlNode **roots;
		size_t n = choose_roots(&h, root, &roots);
		emit_roots(&h, roots, n, 0, 0);
		if (d->text.len == 0 && h.text > 0) {
			/* the boilerplate rules ate everything: keep it all */
			xmlNode *all = h.body ? h.body : root;
			emit_roots(&h, &all, 1, 1, 0);
		}
		free(roots);
	}
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
	free(h.rec);
	free(h.reg);
	xmlFreeDoc(doc);
	return 0;
}
