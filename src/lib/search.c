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
#include <limits.h>
#include <math.h>
#include <stdio.h>
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

/* ---- snippets: FTS5's snippet() without reading whole documents ----------
 *
 * FTS5's snippet() tokenizes every column of every hit shown and scores
 * every window, so an e-mail with hundreds of matches costs 100 ms and more
 * (bench/BENCHMARKS.md).  A weft snippet takes the first match of the most
 * telling column that has one (the body first) and a window of SNIP_TOKENS
 * tokens around it, and tokenizes that column only as far as the window's
 * end: the cost follows where the first match is, not the document's size.
 * Matched tokens in the window are wrapped in \x02 and \x03.
 *
 * The window is planned while the hits are ranked (snip_plan(), from the
 * match positions FTS5 has then), and only for the hits that make the
 * page; the text is cut afterwards (snip_text()) with the index's own
 * tokenizer, so showing a hit runs no second full-text query. */

#define SNIP_TOKENS 24
#define SNIP_OPEN "\x02"
#define SNIP_CLOSE "\x03"
#define SNIP_ELLIPSIS "…"

/* Where a hit's snippet is: column col (-1: no match to show), tokens
 * [from, from + SNIP_TOKENS), bit i of mark set when token from + i is
 * part of a match (a phrase is several tokens). */
struct snip_plan {
	int col, from;
	unsigned long long mark;
};

/* The column that says most of where a hit matches: the body, then
 * subject, title, sender, recipients, cc (the table's columns are title,
 * sender, recipients, cc, subject, body).  Lower is better. */
static const int snip_pref[6] = {2, 3, 4, 5, 1, 0};

/* Is the match at (col, off) a better start for a snippet than the one
 * at (best_col, best_off), best_col -1 for none?  The first match of the
 * most telling column. */
static int snip_better(int col, int off, int best_col, int best_off)
{
	return best_col < 0 || snip_pref[col] < snip_pref[best_col] || (col == best_col && off < best_off);
}

/* Plans the snippet of a hit whose first match (by snip_better()) is at
 * (col, off): its window, and the tokens in it that are part of a match
 * (a phrase is several). */
static int snip_plan(const Fts5ExtensionApi *api, Fts5Context *fc, int col, int off, struct snip_plan *p)
{
	p->col = col;
	p->from = off > SNIP_TOKENS / 3 ? off - SNIP_TOKENS / 3 : 0;
	p->mark = 0;
	if (col < 0)
		return SQLITE_OK;
	int nphrase = api->xPhraseCount(fc);
	for (int ph = 0; ph < nphrase; ph++) {
		Fts5PhraseIter it;
		int c, o, n = api->xPhraseSize(fc, ph);
		int rc = api->xPhraseFirst(fc, ph, &it, &c, &o);
		if (rc != SQLITE_OK)
			return rc;
		for (; c >= 0; api->xPhraseNext(fc, &it, &c, &o))
			for (int t = o; c == col && t < o + n && t < p->from + SNIP_TOKENS; t++)
				if (t >= p->from)
					p->mark |= 1ULL << (t - p->from);
	}
	return SQLITE_OK;
}

/* The index's tokenizer, as snippets use it. */
struct snip_tokenizer {
	fts5_tokenizer api;
	Fts5Tokenizer *inst;
	int ascii;                /* it is unicode61 with no tokenchars, separators or categories */
};

/* Counts the tokens of a piece of text until the want-th (0-based). */
struct snip_count {
	int want, n, start;       /* start: the want-th token's first byte, -1 until seen */
};

static int token_count_cb(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	(void)tok;
	(void)ntok;
	(void)end;
	struct snip_count *c = ctx;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (c->n++ == c->want) {
		c->start = start;
		return SQLITE_DONE;
	}
	return SQLITE_OK;
}

static int ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The high bit of each byte of w (all below 0x80) that is in [lo, hi]. */
static unsigned long long bytes_in(unsigned long long w, unsigned lo, unsigned hi)
{
	return (w + (0x80 - lo) * ONES) & ~(w + (0x7f - hi) * ONES) & HIGHS;
}

/* The first byte of token from of text (len bytes), found without running
 * the tokenizer over most of the text, or 0 when it is not in it (start
 * there).  unicode61 splits at every ASCII byte that is not a letter or
 * digit, so no token spans one: a run of ASCII letters and digits between
 * them is one token, and only a run holding other bytes is handed to the
 * tokenizer to count its tokens (the same ones it finds in the whole
 * text: the run starts and ends where the tokenizer is between tokens).
 * Eight ASCII bytes at a time, the runs that start in them are counted
 * with bit operations. */
static int snip_skip(const struct snip_tokenizer *tk, const char *text, int len, int from)
{
	const unsigned char *u = (const unsigned char *)text;
	int i = 0, pos = 0;
	int in = 0, run = 0; /* in: pos is inside an ASCII run, counted, that started at run */
	while (pos < len && i <= from) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		unsigned long long w;
		if (pos + 8 <= len && (memcpy(&w, u + pos, 8), !(w & HIGHS))) {
			unsigned long long m = bytes_in(w, '0', '9') | bytes_in(w, 'A', 'Z') | bytes_in(w, 'a', 'z');
			unsigned long long starts = m & ~((m << 8) | (in ? 0x80ULL : 0));
			int n = (int)(((starts >> 7) * ONES) >> 56); /* bits set, one per byte at most */
			if (i + n <= from) { /* token from does not start in these 8 */
				if (starts)
					run = pos + (63 - __builtin_clzll(starts)) / 8;
				i += n;
				in = (int)(m >> 63);
				pos += 8;
				continue;
			}
		}
#endif
		if (u[pos] < 0x80 && !ascii_alnum(u[pos])) {
			in = 0;
			pos++;
			continue;
		}
		if (in) {
			if (u[pos] < 0x80) {
				pos++;
				continue;
			}
			/* the run goes on past ASCII: count it again, whole */
			i--;
			pos = run;
			in = 0;
		}
		int start = pos, ascii = 1;
		for (; pos < len && (u[pos] >= 0x80 || ascii_alnum(u[pos])); pos++)
			ascii &= u[pos] < 0x80;
		if (ascii) {
			if (i++ == from)
				return start;
			continue;
		}
		struct snip_count c = {from - i, 0, -1};
		if (tk->api.xTokenize(tk->inst, &c, FTS5_TOKENIZE_DOCUMENT, text + start, pos - start, token_count_cb) !=
		    SQLITE_OK && c.start < 0)
			return 0;
		if (c.start >= 0)
			return start + c.start;
		i += c.n;
	}
	return 0;
}

struct snip_tok {
	int from, to;             /* the token window [from, to) */
	int i;                    /* tokens seen */
	int start, end;           /* bytes of the window so far; start -1 before it */
	unsigned long long mark;  /* bit i - from: token i is part of a match */
	int in;                   /* inside a mark */
	struct buf *out;
	const char *text;
	int last;                 /* bytes written up to */
	int done;                 /* the window ended before the text */
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
	if (i >= t->to) {
		t->done = 1;
		return SQLITE_DONE; /* far enough: stop tokenizing */
	}
	if (t->start < 0)
		t->start = t->last = start;
	int hit = (t->mark >> (i - t->from)) & 1;
	if (hit && !t->in) {
		buf_add(t->out, t->text + t->last, (size_t)(start - t->last));
		buf_adds(t->out, SNIP_OPEN);
		t->last = start;
	} else if (!hit && t->in) {
		buf_add(t->out, t->text + t->last, (size_t)(t->end - t->last));
		buf_adds(t->out, SNIP_CLOSE);
		t->last = t->end;
	}
	t->in = hit;
	t->end = end;
	return SQLITE_OK;
}

/* The snippet of p in text (len bytes of the planned column's text, all
 * of it when whole), tokenized by tk; appended to out.  Returns 0, 1 when
 * the window goes past the end of a text that is not whole (read more and
 * call again with out emptied), -1 on error. */
static int snip_text(const struct snip_tokenizer *tk, const struct snip_plan *p, const char *text, int len,
		     int whole, struct buf *out)
{
	struct snip_tok t = {p->from, p->from + SNIP_TOKENS, 0, -1, 0, p->mark, 0, out, text, 0, 0};
	if (t.from > 0)
		buf_adds(out, SNIP_ELLIPSIS);
	size_t lead = out->len;
	if (tk->ascii && p->from > 0) { /* start at the window's first token */
		int at = snip_skip(tk, text, len, p->from);
		if (at > 0) {
			t.i = p->from;
			t.text = text += at;
			len -= at;
		}
	}
	int rc = tk->api.xTokenize(tk->inst, &t, FTS5_TOKENIZE_DOCUMENT, text, len, snip_cb);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return -1;
	if (!t.done && !whole)
		return 1;
	if (t.start < 0) {
		out->len = lead;
		if (out->p)
			out->p[lead] = '\0';
	} else {
		buf_add(out, text + t.last, (size_t)(t.end - t.last));
		if (t.in)
			buf_adds(out, SNIP_CLOSE);
	}
	/* unicode61 returns SQLITE_OK when a callback stops it with
	 * SQLITE_DONE, so this closing ellipsis has never been added (it was
	 * so before this pass; kept, not to change every snippet here) */
	if (rc == SQLITE_DONE)
		buf_adds(out, SNIP_ELLIPSIS);
	return 0;
}

/* ---- the per-document table: what ranking and facets read of every hit ----
 *
 * Ranking a hit needs its length in tokens (FTS5's bm25() reads it from
 * fts_docsize, a b-tree lookup per hit) and the facets need its type and
 * year (a lookup in documents per hit).  A search session that lives long
 * (weft serve's readers) loads both once for every document, indexed by id,
 * and loads them again when the case changes (PRAGMA data_version). */

#define NAMES_MAX 65535 /* distinct types or years: indexes are unsigned short */

struct names {
	char **v;
	size_t n;
};

struct search_session {
	struct case_db *c;
	int keep;                   /* worth loading the table (several searches) */
	sqlite3_stmt *version, *collect, *doc;
	long long seen;             /* data_version the table was loaded at */
	int loaded;
	struct snip_tokenizer tok;  /* the index's tokenizer, for snippets */
	sqlite3_blob *blob;         /* documents.body, while hits are shown */
	struct buf text;            /* the part of a body read */
	long long maxid;            /* the arrays below hold ids 0..maxid */
	int *len;                   /* tokens in all columns; -1: not in the index; NULL: not loaded */
	unsigned short *type, *year; /* 1 + index in types / years; 0: no row / no year */
	struct names types, years;
};

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

/* 1 + the index of s in n (added when new); 0 when s is NULL or n is full. */
static unsigned short names_id(struct names *n, const char *s)
{
	if (!s)
		return 0;
	for (size_t i = n->n; i-- > 0;)
		if (!strcmp(n->v[i], s))
			return (unsigned short)(i + 1);
	if (n->n == NAMES_MAX)
		return 0;
	n->v = xrealloc(n->v, (n->n + 1) * sizeof *n->v);
	n->v[n->n++] = xstrdup(s);
	return (unsigned short)n->n;
}

static void table_free(struct search_session *s)
{
	free(s->len);
	free(s->type);
	free(s->year);
	s->len = NULL;
	s->type = s->year = NULL;
	s->maxid = -1;
	names_free(&s->types);
	names_free(&s->years);
	s->loaded = 0;
}

/* An FTS5 varint (SQLite's format) at *p, before end; 0 past the end. */
static unsigned get_varint(const unsigned char **p, const unsigned char *end)
{
	unsigned long long v = 0;
	for (int i = 0; *p < end; i++) {
		unsigned char b = *(*p)++;
		if (i == 8)
			return (unsigned)((v << 8) | b);
		v = (v << 7) | (b & 0x7f);
		if (!(b & 0x80))
			break;
	}
	return (unsigned)v;
}

/* Loads every document's type, year and length.  A case without
 * fts_docsize leaves len NULL (ranking then asks FTS5 per hit). */
static int table_load(struct search_session *s, struct err *e)
{
	struct case_db *c = s->c;
	sqlite3_stmt *st;
	table_free(s);
	if (case_prepare(c, "SELECT coalesce(max(id), 0) FROM documents", &st, "searching", e) < 0)
		return -1;
	long long maxid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (maxid < 0 || maxid > (1LL << 31))
		return err_set(e, "searching: document ids out of range");
	s->maxid = maxid;
	s->type = xcalloc((size_t)maxid + 1, sizeof *s->type);
	s->year = xcalloc((size_t)maxid + 1, sizeof *s->year);
	if (case_prepare(c,
			 "SELECT id, coalesce(type, 'unknown'),"
			 " CASE WHEN date IS NOT NULL AND date_suspect = 0 THEN substr(date, 1, 4) END FROM documents",
			 &st, "searching", e) < 0)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 0 || id > maxid)
			continue;
		s->type[id] = names_id(&s->types, (const char *)sqlite3_column_text(st, 1));
		s->year[id] = names_id(&s->years, (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return case_fail(c, "searching", e);
	if (sqlite3_prepare_v2(c->db, "SELECT id, sz FROM fts_docsize", -1, &st, NULL) == SQLITE_OK) {
		s->len = xmalloc(((size_t)maxid + 1) * sizeof *s->len);
		for (long long i = 0; i <= maxid; i++)
			s->len[i] = -1;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			long long id = sqlite3_column_int64(st, 0);
			const unsigned char *p = sqlite3_column_blob(st, 1);
			if (id < 0 || id > maxid || !p)
				continue;
			const unsigned char *end = p + sqlite3_column_bytes(st, 1);
			unsigned n = 0;
			while (p < end)
				n += get_varint(&p, end);
			s->len[id] = n > INT_MAX ? INT_MAX : (int)n;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			free(s->len);
			s->len = NULL;
		}
	}
	s->loaded = 1;
	return 0;
}

/* Loads the table when it is missing or the case changed since. */
static int table_fresh(struct search_session *s, struct err *e)
{
	if (!s->version &&
	    case_prepare(s->c, "PRAGMA data_version", &s->version, "searching", e) < 0)
		return -1;
	int rc = sqlite3_step(s->version);
	long long v = sqlite3_column_int64(s->version, 0);
	sqlite3_reset(s->version);
	if (rc != SQLITE_ROW)
		return case_fail(s->c, "searching", e);
	if (s->loaded && v == s->seen)
		return 0;
	s->seen = v;
	return table_load(s, e);
}

/* ---- weft_collect(): one pass over the hits for rank, total and facets ----
 *
 * FTS5's ORDER BY rank scores every hit with bm25(), each reading the hit's
 * size from fts_docsize, and sorts them all; the total and the facets then
 * ran the MATCH twice more.  weft_collect(fts, collector) is called once
 * per hit of a plain scan: it scores the hit with the same BM25 as FTS5's
 * bm25(4.0, 2.0, 1.0, 1.0, 4.0, 1.0) (same formula, same order of
 * operations, so the same doubles), keeps the best offset + limit in a
 * heap, counts the hit and its type and year.
 *
 * A query of one phrase without SQL filters needs no IDF while it scans:
 * the IDF is a positive constant then, the order does not depend on it, and
 * the phrase's rows are the hits, so it comes from the total afterwards
 * (bm25() counts them in a pass of its own). */

static const double col_weight[6] = {4.0, 2.0, 1.0, 1.0, 4.0, 1.0}; /* title sender recipients cc subject body */
#define BM25_K1 1.2
#define BM25_B 0.75

struct ranked {
	long long id;
	double score;
	struct snip_plan plan;
};

struct collect {
	struct search_session *s;
	size_t keep;                 /* hits to keep: offset + limit */
	struct ranked *heap;         /* the best so far, worst at the top */
	size_t n, cap;
	long total;
	long *ntype, *nyear;         /* counts by type and year index, or NULL */
	int filtered;                /* SQL narrows the hits (type:, path:, date:) */
	int started, deferred, nphrase;
	double avgdl, nrow;
	double *idf, *freq;
};

/* a ranks below b: a lower score, or the same score and a later id */
static int ranks_below(const struct ranked *a, const struct ranked *b)
{
	return a->score < b->score || (a->score == b->score && a->id > b->id);
}

/* Keeps (id, score) if it is among the best k->keep so far; returns its
 * slot (for its snippet plan), or NULL. */
static struct ranked *heap_push(struct collect *k, long long id, double score)
{
	struct ranked r = {id, score, {-1, 0, 0}};
	struct ranked *h = k->heap;
	size_t i;
	if (k->n == k->keep) {
		if (!ranks_below(&h[0], &r))
			return NULL;
		i = 0; /* replace the worst and sift it down */
		for (;;) {
			size_t l = 2 * i + 1, m = i;
			const struct ranked *least = &r;
			if (l < k->n && ranks_below(&h[l], least))
				m = l, least = &h[l];
			if (l + 1 < k->n && ranks_below(&h[l + 1], least))
				m = l + 1;
			if (m == i)
				break;
			h[i] = h[m];
			i = m;
		}
		h[i] = r;
		return &h[i];
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->heap = h = xrealloc(h, k->cap * sizeof *h);
	}
	for (i = k->n++; i > 0 && ranks_below(&r, &h[(i - 1) / 2]); i = (i - 1) / 2)
		h[i] = h[(i - 1) / 2];
	h[i] = r;
	return &h[i];
}

/* Counts hit id in the total and, when facets are asked for, its type and year. */
static void collect_count(struct collect *k, long long id)
{
	const struct search_session *s = k->s;
	k->total++;
	if (k->ntype && id >= 0 && id <= s->maxid && s->type[id]) {
		k->ntype[s->type[id] - 1]++;
		if (s->year[id])
			k->nyear[s->year[id] - 1]++;
	}
}

static double idf_of(double nrow, double nhit)
{
	double idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
	return idf <= 0.0 ? 1e-6 : idf;
}

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *fc, void *user)
{
	(void)api;
	(void)fc;
	(*(long long *)user)++;
	return SQLITE_OK;
}

/* On the first hit: the average length, and each phrase's IDF unless deferred. */
static int collect_start(struct collect *k, const Fts5ExtensionApi *api, Fts5Context *fc)
{
	sqlite3_int64 nrow = 0, ntok = 0;
	int rc = api->xRowCount(fc, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fc, -1, &ntok);
	if (rc != SQLITE_OK)
		return rc;
	k->nrow = (double)nrow;
	k->avgdl = (double)ntok / (double)nrow;
	k->nphrase = api->xPhraseCount(fc);
	k->idf = xcalloc((size_t)k->nphrase + 1, sizeof *k->idf);
	k->freq = xcalloc((size_t)k->nphrase + 1, sizeof *k->freq);
	k->deferred = k->nphrase == 1 && !k->filtered;
	for (int i = 0; !k->deferred && i < k->nphrase; i++) {
		long long nhit = 0;
		if ((rc = api->xQueryPhrase(fc, i, &nhit, count_cb)) != SQLITE_OK)
			return rc;
		k->idf[i] = idf_of((double)nrow, (double)nhit);
	}
	k->started = 1;
	return SQLITE_OK;
}

static void weft_collect(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *ctx, int nval,
			 sqlite3_value **val)
{
	struct collect *k = nval == 1 ? sqlite3_value_pointer(val[0], "weft_collect") : NULL;
	if (!k) {
		sqlite3_result_error(ctx, "weft_collect: no collector", -1);
		return;
	}
	int rc = k->started ? SQLITE_OK : collect_start(k, api, fc);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	long long id = api->xRowid(fc);
	/* each phrase's matches, weighted by column (sums of small whole
	 * numbers: the same doubles in any order), and the first match for
	 * the snippet; read from the phrases' position lists (xInst would
	 * build a sorted array of all of them first) */
	int first_col = -1, first_off = 0;
	for (int ph = 0; rc == SQLITE_OK && ph < k->nphrase; ph++) {
		Fts5PhraseIter it;
		int col, off;
		double f = 0.0;
		if ((rc = api->xPhraseFirst(fc, ph, &it, &col, &off)) != SQLITE_OK)
			break;
		for (; col >= 0; api->xPhraseNext(fc, &it, &col, &off)) {
			if (col > 5)
				continue;
			f += col_weight[col];
			if (snip_better(col, off, first_col, first_off))
				first_col = col, first_off = off;
		}
		k->freq[ph] = f;
	}
	const struct search_session *s = k->s;
	int ntok = -1;
	if (s->len && id >= 0 && id <= s->maxid)
		ntok = s->len[id];
	if (rc == SQLITE_OK && ntok < 0)
		rc = api->xColumnSize(fc, -1, &ntok);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double D = (double)ntok, score = 0.0;
	for (int i = 0; i < k->nphrase; i++) {
		double f = (k->freq[i] * (BM25_K1 + 1.0)) / (k->freq[i] + BM25_K1 * (1 - BM25_B + BM25_B * D / k->avgdl));
		score += k->deferred ? f : k->idf[i] * f;
	}
	struct ranked *slot = heap_push(k, id, score);
	if (slot && (rc = snip_plan(api, fc, first_col, first_off, &slot->plan)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	collect_count(k, id);
	sqlite3_result_null(ctx);
}

/* FTS5 of s's connection: weft_collect() registered (once per connection:
 * FTS5 keeps every registration, so doing it per search would grow the
 * list for ever), and an instance of the index's tokenizer for snippets,
 * made with the arguments of the fts table's tokenize= option. */
static int fts5_ready(struct search_session *s, struct err *e)
{
	if (s->tok.inst)
		return 0;
	struct case_db *c = s->c;
	sqlite3_stmt *st;
	fts5_api *api = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (!api)
		return err_set(e, "searching: SQLite's FTS5 is missing");
	if (!c->snippet) {
		if (api->xCreateFunction(api, "weft_collect", NULL, weft_collect, NULL) != SQLITE_OK)
			return err_set(e, "searching: SQLite's FTS5 is missing");
		c->snippet = 1;
	}
	/* tokenize='name arg ...' as case.c wrote it (no quotes inside) */
	char spec[256] = "unicode61";
	if (sqlite3_prepare_v2(c->db, "SELECT sql FROM sqlite_master WHERE name = 'fts'", -1, &st, NULL) != SQLITE_OK)
		return case_fail(c, "searching", e);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		const char *t = strstr((const char *)sqlite3_column_text(st, 0), "tokenize='");
		const char *end = t ? strchr(t + 10, '\'') : NULL;
		if (end && end - t - 10 < (long)sizeof spec)
			snprintf(spec, sizeof spec, "%.*s", (int)(end - t - 10), t + 10);
	}
	sqlite3_finalize(st);
	const char *argv[16];
	int argc = 0;
	char *save = NULL;
	for (char *w = strtok_r(spec, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	void *user = NULL;
	if (!argc || api->xFindTokenizer(api, argv[0], &user, &s->tok.api) != SQLITE_OK ||
	    s->tok.api.xCreate(user, argv + 1, argc - 1, &s->tok.inst) != SQLITE_OK) {
		s->tok.inst = NULL;
		return err_set(e, "searching: the index's tokenizer (%s) is missing", argc ? argv[0] : "none");
	}
	/* snip_skip() knows where unicode61 splits ASCII text, unless
	 * options other than remove_diacritics change it */
	s->tok.ascii = !strcmp(argv[0], "unicode61");
	for (int i = 1; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "remove_diacritics"))
			s->tok.ascii = 0;
	return 0;
}

/* ---- running a search ---------------------------------------------------- */

/* A query that could not run: FTS5's own word for a query it refuses
 * (SQLITE_ERROR), else the case's (a damaged file, a full disk, I/O). */
static void query_fail(struct case_db *c, struct err *e)
{
	if ((sqlite3_errcode(c->db) & 0xff) == SQLITE_ERROR)
		err_set(e, "cannot run this query (%s)", sqlite3_errmsg(c->db));
	else
		case_fail(c, "searching", e);
}

struct search_session *search_session_new(struct case_db *c)
{
	struct search_session *s = xcalloc(1, sizeof *s);
	s->c = c;
	s->keep = 1;
	s->maxid = -1;
	return s;
}

void search_session_free(struct search_session *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->version);
	sqlite3_finalize(s->collect);
	sqlite3_finalize(s->doc);
	if (s->tok.inst)
		s->tok.api.xDelete(s->tok.inst);
	buf_free(&s->text);
	table_free(s);
	free(s);
}

void search_facets_free(struct search_facets *f)
{
	free(f->type);
	free(f->year);
	memset(f, 0, sizeof *f);
}

/* Prepares *st from sql once (kept in the session), or resets it. */
static int kept(struct search_session *s, sqlite3_stmt **st, const char *sql)
{
	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return 0;
	}
	return sqlite3_prepare_v2(s->c->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

/* Binds the query's filter parameters from index i on. */
static void bind_params(sqlite3_stmt *st, int i, const struct search_query *sq)
{
	for (int j = 0; j < sq->nparams; j++)
		sqlite3_bind_text(st, i++, sq->params[j], -1, SQLITE_STATIC);
}

/* The counts of a facet, from per-index counts n over names. */
static void facet_out(const struct names *names, const long *n, struct search_count **out, size_t *nout)
{
	*out = xcalloc(names->n + 1, sizeof **out);
	*nout = 0;
	for (size_t i = 0; i < names->n; i++)
		if (n[i])
			(*out)[(*nout)++] = (struct search_count){names->v[i], n[i]};
}

/* The hits of a query with words: one scan through weft_collect(). */
static int collect_hits(struct search_session *s, const struct search_query *sq, struct collect *k, struct err *e)
{
	struct case_db *c = s->c;
	sqlite3_stmt *st = NULL;
	int r;
	if (!sq->where.len) {
		if (kept(s, &s->collect, "SELECT weft_collect(fts, ?1) FROM fts WHERE fts MATCH ?2") < 0) {
			query_fail(c, e);
			return -1;
		}
		st = s->collect;
	} else {
		/* Each hit's row is checked (a lookup per hit) rather than
		 * the filter's documents gathered first (a scan of them all,
		 * 5 ms on the corpus); the filter is no rowid constraint
		 * either, which FTS5 would run the MATCH once for each. */
		struct buf sql = BUF_INIT;
		buf_printf(&sql,
			   "SELECT weft_collect(fts, ?) FROM fts WHERE fts MATCH ?"
			   " AND EXISTS (SELECT 1 FROM documents d WHERE d.id = fts.rowid%s)", sq->where.p);
		r = sqlite3_prepare_v2(c->db, sql.p, -1, &st, NULL);
		buf_free(&sql);
		if (r != SQLITE_OK) {
			query_fail(c, e);
			return -1;
		}
		k->filtered = 1;
	}
	sqlite3_bind_pointer(st, 1, k, "weft_collect", NULL);
	sqlite3_bind_text(st, 2, sq->fts.p, (int)sq->fts.len, SQLITE_STATIC);
	bind_params(st, 3, sq);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (r != SQLITE_DONE)
		query_fail(c, e); /* FTS5 reports its own syntax errors here; ours never should. */
	if (st == s->collect)
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return -1;
	if (k->deferred) {
		double idf = idf_of(k->nrow, (double)k->total);
		for (size_t i = 0; i < k->n; i++)
			k->heap[i].score = idf * k->heap[i].score;
	}
	return 0;
}

/* The hits of a query of filters only: every matching document counted,
 * the page of them by date, newest first, kept. */
static int filter_hits(struct search_session *s, const struct search_query *sq, int limit, int offset,
		       struct collect *k, struct err *e)
{
	struct case_db *c = s->c;
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st;
	int r;
	buf_printf(&sql, "SELECT d.id FROM documents d WHERE d.status IN ('ok','needs_ocr')%s",
		   sq->where.p ? sq->where.p : "");
	r = sqlite3_prepare_v2(c->db, sql.p, -1, &st, NULL);
	buf_free(&sql);
	if (r != SQLITE_OK)
		goto fail;
	bind_params(st, 1, sq);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		collect_count(k, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		goto fail;
	buf_printf(&sql, "SELECT d.id FROM documents d WHERE d.status IN ('ok','needs_ocr')%s"
			 " ORDER BY d.date DESC, d.id LIMIT ? OFFSET ?", sq->where.p ? sq->where.p : "");
	r = sqlite3_prepare_v2(c->db, sql.p, -1, &st, NULL);
	buf_free(&sql);
	if (r != SQLITE_OK)
		goto fail;
	bind_params(st, 1, sq);
	sqlite3_bind_int(st, sq->nparams + 1, limit);
	sqlite3_bind_int(st, sq->nparams + 2, offset);
	/* kept in page order: the heap array is read from offset 0 then */
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 64;
			k->heap = xrealloc(k->heap, k->cap * sizeof *k->heap);
		}
		k->heap[k->n++] = (struct ranked){sqlite3_column_int64(st, 0), 0.0, {-1, 0, 0}};
	}
	sqlite3_finalize(st);
	if (r == SQLITE_DONE)
		return 0;
fail:
	query_fail(c, e);
	return -1;
}

static int by_rank(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	return ranks_below(a, b) ? 1 : ranks_below(b, a) ? -1 : 0;
}

/* Cuts the snippet of r's plan from its document's body into snip: the
 * body is read through a blob handle (opened on the first call, closed by
 * show_hits()) a piece at a time, so the overflow pages of a long body
 * past the window are never read.  Returns 0, or -1 (no snippet then). */
static int body_snippet(struct search_session *s, const struct ranked *r, struct buf *snip)
{
	int rc = s->blob ? sqlite3_blob_reopen(s->blob, r->id)
			 : sqlite3_blob_open(s->c->db, "main", "documents", "body", r->id, 0, &s->blob);
	if (rc != SQLITE_OK) {
		sqlite3_blob_close(s->blob); /* a handle that failed is of no more use */
		s->blob = NULL;
		return -1;
	}
	int len = sqlite3_blob_bytes(s->blob);
	for (int n = 4096;; n *= 4) {
		if (n > len)
			n = len;
		buf_reset(&s->text);
		buf_grow(&s->text, (size_t)n + 1);
		if (sqlite3_blob_read(s->blob, s->text.p, n, 0) != SQLITE_OK)
			return -1;
		buf_reset(snip);
		int more = snip_text(&s->tok, &r->plan, s->text.p, n, n == len, snip);
		if (more <= 0)
			return more;
	}
}

/* Fills h with the document of r and its snippet (cut into snip).
 * Strings live in the session's statement and snip until the next hit. */
static int load_hit(struct search_session *s, const struct ranked *r, struct buf *snip, struct search_hit *h)
{
	sqlite3_stmt *doc = s->doc;
	sqlite3_reset(doc);
	sqlite3_bind_int64(doc, 1, r->id);
	sqlite3_bind_int(doc, 2, r->plan.col);
	if (sqlite3_step(doc) != SQLITE_ROW)
		return -1;
	h->id = r->id;
	h->score = r->score;
	h->path = (const char *)sqlite3_column_text(doc, 0);
	h->title = (const char *)sqlite3_column_text(doc, 1);
	h->date = (const char *)sqlite3_column_text(doc, 2);
	h->type = (const char *)sqlite3_column_text(doc, 3);
	h->snippet = (const char *)sqlite3_column_text(doc, 5);
	const char *text = (const char *)sqlite3_column_text(doc, 6);
	int cut = -1;
	if (r->plan.col == 5 && !text) {
		cut = body_snippet(s, r, snip);
	} else if (r->plan.col >= 0 && text) {
		buf_reset(snip);
		cut = snip_text(&s->tok, &r->plan, text, sqlite3_column_bytes(doc, 6), 1, snip);
	}
	if (cut == 0) /* else no snippet: only running out of memory fails */
		h->snippet = snip->p ? snip->p : "";
	h->page = page_of(h->snippet, (const char *)sqlite3_column_text(doc, 7),
			  (const char *)sqlite3_column_text(doc, 4));
	return 0;
}

/* Calls cb for hits[from..n), each with its document and snippet. */
static int show_hits(struct search_session *s, const struct ranked *hits, size_t from, size_t n,
		     int (*cb)(const struct search_hit *h, void *user), void *user, struct err *e)
{
	/* The path shown: the first of those not inside a container, else
	 * the first (min() needs no sorter, as ORDER BY did).  ?2 is the
	 * column of the snippet, -1 for none: then the first
	 * characters of the body stand in for it.  The body of a small file
	 * comes whole (a blob handle costs more than its few pages); a larger
	 * one is read by body_snippet() as far as the snippet needs. */
	if (kept(s, &s->doc,
		 "SELECT coalesce((SELECT min(path) FROM paths WHERE doc = d.id AND container IS NULL),"
		 " (SELECT min(path) FROM paths WHERE doc = d.id)),"
		 " d.title, d.date, d.type, d.pages, CASE WHEN ?2 < 0 THEN substr(d.body, 1, 160) END,"
		 " CASE ?2 WHEN 0 THEN d.title WHEN 1 THEN d.sender WHEN 2 THEN d.recipients WHEN 3 THEN d.cc"
		 " WHEN 4 THEN d.subject WHEN 5 THEN CASE WHEN d.size < 16384 THEN d.body END END,"
		 " CASE WHEN d.pages IS NULL THEN NULL ELSE d.body END FROM documents d WHERE d.id = ?1") < 0) {
		query_fail(s->c, e);
		return -1;
	}
	struct buf snip = BUF_INIT;
	for (size_t i = from; i < n; i++) {
		struct search_hit h;
		if (load_hit(s, &hits[i], &snip, &h) < 0)
			continue;
		if (cb(&h, user))
			break;
	}
	sqlite3_reset(s->doc);
	sqlite3_blob_close(s->blob); /* an open handle would hold the read transaction */
	s->blob = NULL;
	buf_free(&snip);
	return 0;
}

int search_session_run(struct search_session *s, const char *q, int limit, int offset,
		       int (*cb)(const struct search_hit *h, void *user), void *user, long *total,
		       struct search_facets *facets, struct err *e)
{
	struct search_query sq;
	if (facets)
		memset(facets, 0, sizeof *facets);
	if (search_compile(q, &sq, e) < 0)
		return -1;
	limit = limit > 0 ? limit : 20;
	offset = offset > 0 ? offset : 0;
	struct collect k = {.s = s, .keep = (size_t)offset + (size_t)limit};
	int rc = -1;
	if (sq.fts.len && fts5_ready(s, e) < 0)
		goto out;
	if ((s->keep || facets) && table_fresh(s, e) < 0)
		goto out;
	if (facets) {
		k.ntype = xcalloc(s->types.n + 1, sizeof *k.ntype);
		k.nyear = xcalloc(s->years.n + 1, sizeof *k.nyear);
	}
	size_t from = 0;
	if (sq.fts.len) {
		if (collect_hits(s, &sq, &k, e) < 0)
			goto out;
		if (k.n)
			qsort(k.heap, k.n, sizeof *k.heap, by_rank);
		from = (size_t)offset;
	} else if (filter_hits(s, &sq, limit, offset, &k, e) < 0) {
		goto out;
	}
	if (show_hits(s, k.heap, from, k.n, cb, user, e) < 0)
		goto out;
	if (total)
		*total = k.total;
	if (facets) {
		facet_out(&s->types, k.ntype, &facets->type, &facets->ntype);
		facet_out(&s->years, k.nyear, &facets->year, &facets->nyear);
	}
	rc = 0;
out:
	free(k.heap);
	free(k.ntype);
	free(k.nyear);
	free(k.idf);
	free(k.freq);
	search_query_free(&sq);
	return rc;
}

int search_run(struct case_db *c, const char *q, int limit, int offset,
	       int (*cb)(const struct search_hit *h, void *user), void *user, long *total,
	       struct err *e)
{
	/* one search: the per-document table would cost more than it saves */
	struct search_session *s = search_session_new(c);
	s->keep = 0;
	int rc = search_session_run(s, q, limit, offset, cb, user, total, NULL, e);
	search_session_free(s);
	return rc;
}
