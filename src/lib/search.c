/*
 * search.c — the query language (a recursive-descent parser that writes an
 * FTS5 expression) and running a search with ranked, highlighted hits.
 *
 * Every user word is emitted as a quoted FTS5 string, so no input can
 * inject FTS5 syntax; the only operators in the output are the ones this
 * parser writes.  Errors name what is wrong and the position (1-based).
 */
#include "search.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct qp {
	const char *s;
	size_t pos;
	int depth;
	const char *colset;      /* FTS5 column filter in force, or NULL */
	struct search_query *out;
	struct err *e;
};

struct frag {
	struct buf s;
	int neg;                 /* to be excluded */
	int empty;               /* only filters, nothing for the index */
	int term;                /* a single word or phrase without a column filter */
};

static void frag_free(struct frag *f)
{
	buf_free(&f->s);
}

static int qerr(struct qp *p, const char *what)
{
	return err_set(p->e, "%s at position %zu", what, p->pos + 1);
}

static void skip_space(struct qp *p)
{
	while (isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* The length of the bare word at p->pos (stops at space, parens, quote). */
static size_t word_len(const struct qp *p)
{
	size_t n = 0;
	const char *s = p->s + p->pos;
	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != '(' && s[n] != ')' && s[n] != '"')
		n++;
	return n;
}

static int is_keyword(const struct qp *p, const char *kw)
{
	size_t n = strlen(kw);
	return !strncmp(p->s + p->pos, kw, n) && word_len(p) == n;
}

/* "NEAR" or "NEAR/N" at p->pos: returns N (default 10), or -1. */
static int near_keyword(const struct qp *p)
{
	const char *s = p->s + p->pos;
	size_t n = word_len(p);
	if (n == 4 && !strncmp(s, "NEAR", 4))
		return 10;
	if (n > 5 && !strncmp(s, "NEAR/", 5)) {
		int v = 0;
		for (size_t i = 5; i < n; i++) {
			if (!isdigit((unsigned char)s[i]) || v > 10000)
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		return v;
	}
	return -1;
}

static void add_fts_string(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

static void add_param(struct qp *p, const char *s, size_t n)
{
	p->out->params[p->out->nparams++] = xstrndup(s, n);
}

/* Checks YYYY, YYYY-MM or YYYY-MM-DD. */
static int date_prefix_ok(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd";
	if (n != 4 && n != 7 && n != 10)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return 0;
	return 1;
}

/* Adds a type:/path:/date: filter to the SQL; neg negates it. */
static int add_filter(struct qp *p, const char *field, const char *v, size_t n, int neg)
{
	struct buf *w = &p->out->where;
	if (p->out->nparams > 60)
		return qerr(p, "too many filters");
	buf_adds(w, neg ? " AND NOT (" : " AND (");
	if (!strcmp(field, "type")) {
		buf_adds(w, "d.type = ?");
		add_param(p, v, n);
	} else if (!strcmp(field, "path")) {
		buf_adds(w, "EXISTS (SELECT 1 FROM paths p WHERE p.doc = d.id AND instr(p.path, ?) > 0)");
		add_param(p, v, n);
	} else { /* date */
		const char *dots = NULL;
		for (size_t i = 0; i + 1 < n; i++)
			if (v[i] == '.' && v[i + 1] == '.')
				dots = v + i;
		size_t lo_n = dots ? (size_t)(dots - v) : n;
		const char *hi = dots ? dots + 2 : v;
		size_t hi_n = dots ? n - lo_n - 2 : n;
		if ((lo_n && !date_prefix_ok(v, lo_n)) || (hi_n && !date_prefix_ok(hi, hi_n)) || (!lo_n && !hi_n))
			return qerr(p, "a date is YYYY, YYYY-MM or YYYY-MM-DD, a range is FROM..TO");
		buf_adds(w, "d.date_suspect = 0 AND d.date IS NOT NULL");
		if (lo_n) {
			buf_adds(w, " AND d.date >= ?");
			add_param(p, v, lo_n);
		}
		if (hi_n) {
			/* '~' sorts after every character of an ISO date, so
			 * "2015-06~" bounds everything that starts with 2015-06. */
			buf_adds(w, " AND d.date < ? || '~'");
			add_param(p, hi, hi_n);
		}
	}
	buf_addc(w, ')');
	return 0;
}

static int parse_or(struct qp *p, struct frag *out);

/* A word, "phrase", (group) or field:value. */
static int parse_primary(struct qp *p, struct frag *f, int neg)
{
	skip_space(p);
	char c = p->s[p->pos];
	if (!c)
		return qerr(p, "a term is missing");
	if (c == ')')
		return qerr(p, "unexpected ')'");
	if (c == '(') {
		if (++p->depth > MAX_DEPTH)
			return qerr(p, "too many nested parentheses");
		p->pos++;
		if (parse_or(p, f) < 0)
			return -1;
		skip_space(p);
		if (p->s[p->pos] != ')')
			return qerr(p, "missing ')'");
		p->pos++;
		p->depth--;
		if (f->empty)
			return qerr(p, "type:, path: and date: filters cannot be inside parentheses");
		struct buf g = BUF_INIT;
		buf_printf(&g, "(%s)", f->s.p);
		buf_free(&f->s);
		f->s = g;
		f->term = 0;
		return 0;
	}
	if (c == '"') {
		size_t start = ++p->pos;
		while (p->s[p->pos] && p->s[p->pos] != '"')
			p->pos++;
		if (!p->s[p->pos]) {
			p->pos = start - 1;
			return qerr(p, "unbalanced quote");
		}
		size_t end = p->pos++;
		if (p->colset)
			buf_printf(&f->s, "%s : ", p->colset);
		add_fts_string(&f->s, p->s + start, end - start);
		if (p->s[p->pos] == '*') {
			p->pos++;
			buf_adds(&f->s, " *");
		}
		f->term = !p->colset;
		return 0;
	}
	size_t n = word_len(p);
	const char *w = p->s + p->pos;
	const char *colon = memchr(w, ':', n);
	if (colon && colon > w) {
		static const struct { const char *name, *colset; } fields[] = {
			{"from", "sender"}, {"to", "{recipients cc}"}, {"subject", "subject"},
			{"title", "title"}, {"body", "body"}, {"text", "body"},
			{"type", NULL}, {"path", NULL}, {"date", NULL}};
		size_t fl = (size_t)(colon - w);
		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
			if (strlen(fields[i].name) != fl || strncasecmp(w, fields[i].name, fl))
				continue;
			p->pos += fl + 1;
			if (!fields[i].colset) { /* a filter */
				if (p->depth > 0 || p->colset)
					return qerr(p, "type:, path: and date: filters cannot be inside parentheses");
				const char *v = p->s + p->pos;
				size_t vn;
				if (*v == '"') {
					const char *q = strchr(v + 1, '"');
					if (!q)
						return qerr(p, "unbalanced quote");
					vn = (size_t)(q - v - 1);
					p->pos += vn + 2;
					v++;
				} else {
					vn = word_len(p);
					p->pos += vn;
				}
				if (!vn)
					return qerr(p, "a filter needs a value, e.g. type:email");
				f->empty = 1;
				return add_filter(p, fields[i].name, v, vn, neg);
			}
			if (p->colset)
				return qerr(p, "fields cannot be nested");
			c = p->s[p->pos];
			if (!c || isspace((unsigned char)c))
				return qerr(p, "a field needs a value, e.g. from:jabr");
			p->colset = fields[i].colset;
			int rc = parse_primary(p, f, neg);
			p->colset = NULL;
			f->term = 0;
			return rc;
		}
	}
	int prefix = n > 1 && w[n - 1] == '*';
	size_t wn = prefix ? n - 1 : n;
	if (!wn || (wn == 1 && *w == '*'))
		return qerr(p, "'*' must end a word, as in iran*");
	if (p->colset)
		buf_printf(&f->s, "%s : ", p->colset);
	add_fts_string(&f->s, w, wn);
	if (prefix)
		buf_adds(&f->s, " *");
	p->pos += n;
	f->term = !p->colset;
	return 0;
}

/* NOT x, -x, or a primary optionally followed by NEAR/N primary. */
static int parse_unary(struct qp *p, struct frag *f)
{
	skip_space(p);
	int neg = 0;
	if (is_keyword(p, "NOT")) {
		p->pos += 3;
		neg = 1;
	} else if (p->s[p->pos] == '-' && p->s[p->pos + 1] && !isspace((unsigned char)p->s[p->pos + 1])) {
		p->pos++;
		neg = 1;
	}
	if (parse_primary(p, f, neg) < 0)
		return -1;
	f->neg = neg && !f->empty;
	skip_space(p);
	int dist;
	while (!f->empty && (dist = near_keyword(p)) >= 0) {
		if (!f->term)
			return qerr(p, "NEAR joins plain words or \"phrases\"");
		p->pos += word_len(p);
		struct frag g = {0};
		if (parse_primary(p, &g, 0) < 0) {
			frag_free(&g);
			return -1;
		}
		if (!g.term) {
			frag_free(&g);
			return qerr(p, "NEAR joins plain words or \"phrases\"");
		}
		struct buf nb = BUF_INIT;
		/* NEAR(a b, N) in FTS5 counts tokens between the phrases */
		const char *inner = f->s.p;
		if (!strncmp(inner, "NEAR(", 5)) /* a NEAR b NEAR c: one group */
			buf_printf(&nb, "%.*s %s, %d)", (int)(strrchr(inner, ',') - inner), inner, g.s.p, dist);
		else
			buf_printf(&nb, "NEAR(%s %s, %d)", inner, g.s.p, dist);
		frag_free(&g);
		buf_free(&f->s);
		f->s = nb;
		f->term = 1; /* may chain */
		skip_space(p);
	}
	return 0;
}

/* Implicit AND of unary terms; excluded ones go after NOT. */
static int parse_and(struct qp *p, struct frag *out)
{
	struct buf pos = BUF_INIT, neg = BUF_INIT;
	int npos = 0, nneg = 0, nfilter = 0, rc = 0;
	for (;;) {
		skip_space(p);
		char c = p->s[p->pos];
		if (!c || c == ')' || is_keyword(p, "OR"))
			break;
		if (is_keyword(p, "AND")) {
			p->pos += 3;
			continue;
		}
		struct frag f = {0};
		if (parse_unary(p, &f) < 0) {
			frag_free(&f);
			rc = -1;
			break;
		}
		if (f.empty) {
			nfilter++;
		} else if (f.neg) {
			buf_printf(&neg, "%s%s", nneg++ ? " OR " : "", f.s.p);
		} else {
			buf_printf(&pos, "%s%s", npos++ ? " AND " : "", f.s.p);
		}
		frag_free(&f);
	}
	if (rc == 0 && npos == 0 && nneg > 0)
		rc = qerr(p, "only excluded terms: add something to search for");
	if (rc == 0 && npos == 0 && nfilter == 0)
		rc = qerr(p, "a term is missing");
	if (rc == 0) {
		out->empty = npos == 0;
		out->term = npos == 1 && nneg == 0 && nfilter == 0;
		if (npos)
			buf_printf(&out->s, npos > 1 || nneg ? "(%s)" : "%s", pos.p);
		if (nneg)
			buf_printf(&out->s, " NOT (%s)", neg.p);
		if (out->term) { /* keep a single term bare so NEAR can use it */
			buf_reset(&out->s);
			buf_adds(&out->s, pos.p);
		}
	}
	buf_free(&pos);
	buf_free(&neg);
	return rc;
}

static int parse_or(struct qp *p, struct frag *out)
{
	int n = 0;
	for (;;) {
		struct frag f = {0};
		if (parse_and(p, &f) < 0) {
			frag_free(&f);
			return -1;
		}
		if (f.empty && (n > 0 || is_keyword(p, "OR"))) {
			frag_free(&f);
			return qerr(p, "type:, path: and date: filters cannot be combined with OR");
		}
		if (n == 0) {
			*out = f;
		} else {
			buf_printf(&out->s, " OR %s", f.s.p);
			out->term = 0;
			frag_free(&f);
		}
		n++;
		skip_space(p);
		if (!is_keyword(p, "OR"))
			return 0;
		p->pos += 2;
	}
}

int search_compile(const char *q, struct search_query *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (strlen(q) > SEARCH_MAX_QUERY)
		return err_set(e, "the query is too long (%d characters at most)", SEARCH_MAX_QUERY);
	struct qp p = {q, 0, 0, NULL, out, e};
	skip_space(&p);
	if (!q[p.pos])
		return err_set(e, "the query is empty");
	struct frag f = {0};
	if (parse_or(&p, &f) < 0) {
		frag_free(&f);
		search_query_free(out);
		return -1;
	}
	skip_space(&p);
	if (q[p.pos]) {
		frag_free(&f);
		search_query_free(out);
		return qerr(&p, q[p.pos] == ')' ? "unexpected ')'" : "cannot read the query");
	}
	out->fts = f.s;
	return 0;
}

void search_query_free(struct search_query *q)
{
	buf_free(&q->fts);
	buf_free(&q->where);
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	q->nparams = 0;
}

/* The PDF page holding the snippet's first match: finds the snippet's
 * literal text in the body and looks its offset up in the page ends. */
static int page_of(const char *snippet, const char *body, const char *pages)
{
	if (!snippet || !body || !pages)
		return 0;
	const char *m = strchr(snippet, '\x02');
	const char *me = m ? strchr(m, '\x03') : NULL;
	if (!me || me - m < 2)
		return 0;
	char *needle = xstrndup(m + 1, (size_t)(me - m - 1));
	const char *at = strstr(body, needle);
	free(needle);
	if (!at)
		return 0;
	long off = at - body;
	int page = 1;
	for (const char *s = pages + 1; *s && *s != ']';) {
		char *end;
		long pe = strtol(s, &end, 10);
		if (end == s || off < pe)
			break;
		page++;
		s = *end == ',' ? end + 1 : end;
	}
	return page;
}

/* Fills a hit's document fields and snippet.  Strings live in the
 * statements until they are reset. */
static int load_hit(sqlite3_stmt *doc, const char *snippet, long long id, struct search_hit *h)
{
	sqlite3_reset(doc);
	sqlite3_bind_int64(doc, 1, id);
	if (sqlite3_step(doc) != SQLITE_ROW)
		return -1;
	h->id = id;
	h->path = (const char *)sqlite3_column_text(doc, 0);
	h->title = (const char *)sqlite3_column_text(doc, 1);
	h->date = (const char *)sqlite3_column_text(doc, 2);
	h->type = (const char *)sqlite3_column_text(doc, 3);
	h->snippet = (const char *)sqlite3_column_text(doc, 4);
	if (snippet)
		h->snippet = snippet;
	h->page = page_of(h->snippet, (const char *)sqlite3_column_text(doc, 6),
			  (const char *)sqlite3_column_text(doc, 5));
	return 0;
}

/* A query that could not run: FTS5's own word for a query it refuses
 * (SQLITE_ERROR), else the case's (a damaged file, a full disk, I/O). */
/* ---- weft_snippet(): FTS5's snippet() without reading whole documents ----
 *
 * FTS5's snippet() tokenizes every column of every hit shown and scores
 * every window, so an e-mail with hundreds of matches costs 100 ms and more
 * (bench/BENCHMARKS.md).  weft_snippet(fts, open, close, ellipsis, ntokens)
 * takes the first match of the most telling column that has one (the body
 * first), and tokenizes
 * that column only as far as the end of a window of ntokens tokens around
 * it: the cost follows where the first match is, not the document's size.
 * Matched tokens in the window are wrapped in open and close. */

#define SNIP_MAX_INST 1024
#define SNIP_MAX_TOKENS 64

struct snip_tok {
	int from, to;             /* the token window [from, to) */
	int i;                    /* tokens seen */
	int start, end;           /* bytes of the window so far; start -1 before it */
	const unsigned char *mark; /* mark[i - from]: token i is part of a match */
	int in;                   /* inside a mark */
	struct buf *out;
	const char *text;
	int last;                 /* bytes written up to */
	const char *open, *close;
};

static int snip_cb(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	(void)tok;
	(void)ntok;
	struct snip_tok *t = ctx;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	int i = t->i++;
	if (i < t->from)
		return SQLITE_OK;
	if (i >= t->to)
		return SQLITE_DONE; /* far enough: stop tokenizing */
	if (t->start < 0)
		t->start = t->last = start;
	int hit = t->mark[i - t->from];
	if (hit && !t->in) {
		buf_add(t->out, t->text + t->last, (size_t)(start - t->last));
		buf_adds(t->out, t->open);
		t->last = start;
	} else if (!hit && t->in) {
		buf_add(t->out, t->text + t->last, (size_t)(t->end - t->last));
		buf_adds(t->out, t->close);
		t->last = t->end;
	}
	t->in = hit;
	t->end = end;
	return SQLITE_OK;
}

static void weft_snippet(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *ctx, int nval,
			 sqlite3_value **val)
{
	if (nval != 4) {
		sqlite3_result_error(ctx, "weft_snippet: 4 arguments", -1);
		return;
	}
	const char *open = (const char *)sqlite3_value_text(val[0]), *close = (const char *)sqlite3_value_text(val[1]);
	const char *ell = (const char *)sqlite3_value_text(val[2]);
	int ntokens = sqlite3_value_int(val[3]);
	if (ntokens < 4 || ntokens > SNIP_MAX_TOKENS)
		ntokens = 24;
	if (!open || !close || !ell) {
		sqlite3_result_error(ctx, "weft_snippet: NULL argument", -1);
		return;
	}
	int ninst = 0;
	if (api->xInstCount(fc, &ninst) != SQLITE_OK || ninst == 0) {
		sqlite3_result_null(ctx);
		return;
	}
	if (ninst > SNIP_MAX_INST)
		ninst = SNIP_MAX_INST;
	/* the first match in the column that says most: the body, then
	 * subject, title, sender, recipients, cc (the table's columns are
	 * title, sender, recipients, cc, subject, body) */
	static const int pref[] = {2, 3, 4, 5, 1, 0};
	int col = -1, off = 0;
	for (int i = 0; i < ninst; i++) {
		int ph, c, o;
		if (api->xInst(fc, i, &ph, &c, &o) != SQLITE_OK || c < 0 || c > 5)
			break;
		if (col < 0 || pref[c] < pref[col] || (c == col && o < off)) {
			col = c;
			off = o;
		}
	}
	const char *text;
	int len;
	if (col < 0 || api->xColumnText(fc, col, &text, &len) != SQLITE_OK || !text) {
		sqlite3_result_null(ctx);
		return;
	}
	/* the window, and every token of a match in it (a phrase is several) */
	unsigned char mark[SNIP_MAX_TOKENS] = {0};
	struct buf out = BUF_INIT;
	struct snip_tok t = {off > ntokens / 3 ? off - ntokens / 3 : 0, 0, 0, -1, 0, mark, 0, &out, text, 0, open, close};
	t.to = t.from + ntokens;
	for (int i = 0; i < ninst; i++) {
		int ph, c, o;
		if (api->xInst(fc, i, &ph, &c, &o) != SQLITE_OK)
			break;
		int n = api->xPhraseSize(fc, ph);
		for (int k = o; c == col && k < o + n && k < t.to; k++)
			if (k >= t.from)
				mark[k - t.from] = 1;
	}
	if (t.from > 0)
		buf_adds(&out, ell);
	size_t lead = out.len;
	int rc = api->xTokenize(fc, text, len, &t, snip_cb);
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		buf_free(&out);
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	if (t.start < 0) {
		out.len = lead;
	} else {
		buf_add(&out, text + t.last, (size_t)(t.end - t.last));
		if (t.in)
			buf_adds(&out, close);
	}
	if (rc == SQLITE_DONE)
		buf_adds(&out, ell);
	sqlite3_result_text(ctx, out.p ? out.p : "", (int)out.len, SQLITE_TRANSIENT);
	buf_free(&out);
}

/* Registers weft_snippet() on c's connection, once: FTS5 keeps every
 * registration, so doing it per search would grow the list for ever. */
static int register_snippet(struct case_db *c)
{
	if (c->snippet)
		return 0;
	sqlite3_stmt *st;
	fts5_api *api = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return -1;
	if (api->xCreateFunction(api, "weft_snippet", NULL, weft_snippet, NULL) != SQLITE_OK)
		return -1;
	c->snippet = 1;
	return 0;
}

static void query_fail(struct case_db *c, struct err *e)
{
	if ((sqlite3_errcode(c->db) & 0xff) == SQLITE_ERROR)
		err_set(e, "cannot run this query (%s)", sqlite3_errmsg(c->db));
	else
		case_fail(c, "searching", e);
}

int search_run(struct case_db *c, const char *q, int limit, int offset,
	       int (*cb)(const struct search_hit *h, void *user), void *user, long *total,
	       struct err *e)
{
	struct search_query sq;
	if (search_compile(q, &sq, e) < 0)
		return -1;
	int has_fts = sq.fts.len > 0;
	const char *where = sq.where.p ? sq.where.p : "";
	struct buf sql = BUF_INIT, count = BUF_INIT;
	if (has_fts && register_snippet(c) < 0) {
		search_query_free(&sq);
		return err_set(e, "searching: SQLite's FTS5 is missing");
	}
	/* Rank in the index first (FTS5's rank is fastest alone), then fetch
	 * the few documents and snippets shown. */
	if (has_fts) {
		/* The unary + keeps FTS5 from taking the filter as a rowid
		 * lookup, which would run the MATCH once per candidate. */
		const char *filter = *where ? " AND +fts.rowid IN (SELECT d.id FROM documents d WHERE 1" : "";
		buf_printf(&sql,
			   "SELECT fts.rowid, -rank, weft_snippet(fts, char(2), char(3), '…', 24) FROM fts WHERE fts MATCH ?"
			   " AND rank MATCH 'bm25(4.0, 2.0, 1.0, 1.0, 4.0, 1.0)'%s%s%s"
			   " ORDER BY rank LIMIT ? OFFSET ?", filter, where, *where ? ")" : "");
		buf_printf(&count, "SELECT count(*) FROM fts WHERE fts MATCH ?%s%s%s", filter, where,
			   *where ? ")" : "");
	} else {
		buf_printf(&sql, "SELECT d.id, 0.0, NULL FROM documents d WHERE d.status IN ('ok','needs_ocr')%s"
				 " ORDER BY d.date DESC, d.id LIMIT ? OFFSET ?", where);
		buf_printf(&count, "SELECT count(*) FROM documents d WHERE d.status IN ('ok','needs_ocr')%s", where);
	}
	sqlite3_stmt *st = NULL, *cnt = NULL, *doc = NULL;
	int rc = -1, r = SQLITE_OK;
	if (sqlite3_prepare_v2(c->db, sql.p, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, count.p, -1, &cnt, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db,
			       "SELECT (SELECT path FROM paths WHERE doc = d.id ORDER BY container IS NOT NULL, path LIMIT 1),"
			       " d.title, d.date, d.type, substr(d.body, 1, 160), d.pages,"
			       " CASE WHEN d.pages IS NULL THEN NULL ELSE d.body END FROM documents d WHERE d.id = ?",
			       -1, &doc, NULL) != SQLITE_OK) {
		query_fail(c, e);
		goto out;
	}
	sqlite3_stmt *both[2] = {st, cnt};
	for (int k = 0; k < 2; k++) {
		int i = 1;
		if (has_fts)
			sqlite3_bind_text(both[k], i++, sq.fts.p, (int)sq.fts.len, SQLITE_STATIC);
		for (int j = 0; j < sq.nparams; j++)
			sqlite3_bind_text(both[k], i++, sq.params[j], -1, SQLITE_STATIC);
		if (k == 0) {
			sqlite3_bind_int(st, i++, limit > 0 ? limit : 20);
			sqlite3_bind_int(st, i++, offset > 0 ? offset : 0);
		}
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct search_hit h;
		/* the snippet comes with the ranking row: made once, for the
		 * hits shown, without running the query again */
		if (load_hit(doc, (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 0), &h) < 0)
			continue;
		h.score = sqlite3_column_double(st, 1);
		if (cb(&h, user))
			break;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		/* FTS5 reports its own syntax errors here; ours never should. */
		query_fail(c, e);
		goto out;
	}
	if (total)
		*total = sqlite3_step(cnt) == SQLITE_ROW ? (long)sqlite3_column_int64(cnt, 0) : 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	sqlite3_finalize(doc);
	buf_free(&sql);
	buf_free(&count);
	search_query_free(&sq);
	return rc;
}
