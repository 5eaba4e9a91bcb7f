/*
 * extract/conll.c — linguists' annotation files read as the text they
 * annotate: CoNLL-U (Universal Dependencies treebanks, parsers' output),
 * WebAnno TSV 3 (WebAnno and INCEpTION exports) and CoNLL-2012
 * (coreference, OntoNotes and its kin).  Read as plain text, their token
 * tables and tag columns would be the "document": snippets of POS tags,
 * "VerbForm" and "PROPN" found as organisations.
 *
 * The text written is the sentences, one a line, and a blank line between
 * paragraphs where the format marks them (CoNLL-U "# newpar", "# newdoc";
 * CoNLL-2012 "#begin document").  A sentence that does not end in . ! ? …
 * (a headline, a dateline, a caption) is a paragraph of its own, so that
 * the sentence splitter, which joins lines until a full stop or a blank
 * line, keeps it apart from the next.
 *
 * Where a sentence's text comes from:
 *   CoNLL-U      its "# text =" line; else its tokens, spaced as their
 *                SpaceAfter=No says (multiword tokens once, empty nodes not)
 *   WebAnno TSV  its "#Text=" line(s); when they are tokens joined by spaces
 *                (no more token lines than words, as in GUM's), the spaces
 *                before punctuation and clitics go
 *   CoNLL-2012   the word column, spaced the same way; files without blank
 *                lines between sentences are cut after a full stop
 * Metadata: CoNLL-U "# meta::title" / "# title", "# meta::dateCreated" /
 * "# date", "# meta::author" / "# author", "# newdoc id", the source URL and
 * genre; CoNLL-2012 the "#begin document" name.  Without a title, the first
 * sentence is the title (as for plain text).
 *
 * Bad input: a line that is neither a comment nor a well-formed token line
 * is counted (meta "malformed_lines") and, when its sentence has no text
 * line to stand for it, kept as it is, so that nothing in the file is lost.
 * A file where such lines are more than a quarter of the lines, or with no
 * sentence at all, is read as plain text instead (meta "read_as" says why).
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

enum conll_kind { K_CONLLU, K_WEBANNO, K_CONLL2012 };

/* ---- the text being written ---- */

struct stok {
	size_t off, n;          /* in sink.toks */
	int space;              /* a space before it: 1, 0, or -1 (to be decided) */
};

struct sink {
	struct buf *out;
	int para;               /* a paragraph break is due before the next sentence */
	int open_end;           /* the last sentence did not end in . ! ? … */
	size_t nsent;
	/* the sentence being put together from tokens */
	struct buf toks;        /* their bytes */
	struct stok *tv;
	size_t nt, cap;
	struct buf line;        /* joined */
	int quotes;             /* straight double quotes seen in it */
	int after_final;        /* the last token was a full stop (or closed one) */
	int glue;               /* CoNLL-U: the last token had SpaceAfter=No */
	size_t nul;             /* NUL bytes met */
};

/* Whether s[0,n) ends a sentence: its last character, closing quotes and
 * brackets aside, is . ! ? or …. */
static int ends_sentence(const char *s, size_t n)
{
	while (n > 0) {
		unsigned char c = (unsigned char)s[n - 1];
		if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == ' ') {
			n--;
			continue;
		}
		/* ’ ” (E2 80 99 / 9D) and » (C2 BB) close */
		if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
		    (c == 0x99 || c == 0x9D)) {
			n -= 3;
			continue;
		}
		if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && c == 0xBB) {
			n -= 2;
			continue;
		}
		if (c == '.' || c == '!' || c == '?')
			return 1;
		return n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
		       c == 0xA6; /* … */
	}
	return 0;
}

/* Whitespace, or a NUL byte (never text: it becomes a space, as in plain
 * text, and is counted invalid). */
static int gap(char c)
{
	return isspace((unsigned char)c) || c == 0;
}

/* Writes one sentence (whitespace runs, tabs and line breaks included,
 * become one space; nothing is written for a blank one). */
static void sink_sentence(struct sink *s, const char *t, size_t n)
{
	while (n > 0 && gap(*t))
		s->nul += *t == 0, t++, n--;
	while (n > 0 && gap(t[n - 1]))
		s->nul += t[n - 1] == 0, n--;
	if (!n)
		return;
	if (s->out->len)
		buf_add(s->out, s->para || s->open_end ? "\n\n" : "\n", s->para || s->open_end ? 2 : 1);
	for (size_t i = 0; i < n; i++) {
		if (gap(t[i])) {
			s->nul += t[i] == 0;
			if (!gap(t[i + 1]))
				buf_addc(s->out, ' ');
			continue;
		}
		buf_addc(s->out, t[i]);
	}
	s->para = 0;
	s->open_end = !ends_sentence(t, n);
	s->nsent++;
}

static void sink_paragraph(struct sink *s)
{
	s->para = 1;
}

static int tok_is(const char *t, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(t, w, n);
}

/* Clitics and punctuation that stick to the token before them. */
static int sticks_left(const char *t, size_t n)
{
	static const char *const w[] = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}",
					"''", "”", "’", "»", "n't", "N'T", "n’t", NULL};
	for (int i = 0; w[i]; i++)
		if (tok_is(t, n, w[i]))
			return 1;
	/* 's 're 've 'll 'd 'm (and with ’) */
	size_t a = t[0] == '\'' ? 1 : n >= 3 && !memcmp(t, "’", 3) ? 3 : 0;
	if (a && n > a && n - a <= 2) {
		for (size_t i = a; i < n; i++)
			if (!isalpha((unsigned char)t[i]))
				return 0;
		return 1;
	}
	return 0;
}

/* Openers that stick to the token after them. */
static int sticks_right(const char *t, size_t n)
{
	static const char *const w[] = {"(", "[", "{", "``", "“", "‘", "«", "$", "£", "€", "#", NULL};
	for (int i = 0; w[i]; i++)
		if (tok_is(t, n, w[i]))
			return 1;
	return 0;
}

/* OntoNotes' escapes of brackets and slashes, as the word they stand for. */
static const char *unescape_tok(const char *t, size_t *n)
{
	static const char *const map[][2] = {{"-LRB-", "("}, {"-RRB-", ")"}, {"-LSB-", "["},
					     {"-RSB-", "]"}, {"-LCB-", "{"}, {"-RCB-", "}"},
					     {"/.", "."},    {"/?", "?"},    {"/-", "-"}};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (tok_is(t, *n, map[i][0])) {
			*n = strlen(map[i][1]);
			return map[i][1];
		}
	return t;
}

/* Adds a token to the sentence.  space: whether the source had a space
 * before it, or -1 for sink_flush to decide. */
static void sink_token(struct sink *s, const char *t, size_t n, int space)
{
	if (!n)
		return;
	if (s->nt == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->tv = xrealloc(s->tv, s->cap * sizeof *s->tv);
	}
	s->tv[s->nt].off = s->toks.len;
	s->tv[s->nt].n = n;
	s->tv[s->nt].space = space;
	s->nt++;
	buf_add(&s->toks, t, n);
	s->quotes += tok_is(t, n, "\"");
}

static int is_lower_at(const char *t, size_t n)
{
	return n && t[0] >= 'a' && t[0] <= 'z';
}

static int alnum_end(const char *t, size_t n)
{
	return n && (isalnum((unsigned char)t[n - 1]) || (unsigned char)t[n - 1] >= 0x80);
}

/* Joins the sentence's tokens with the spacing a reader expects and writes
 * it: no space before punctuation and clitics, none after an opening
 * bracket, straight quotes opening at the start and closing before
 * punctuation or the end (else in turn), a hyphen between a word and a
 * lower-case one joining them ("self - medicating"); a token's own space
 * (CoNLL-U's SpaceAfter) wins over all that. */
static void sink_flush(struct sink *s)
{
	struct buf *o = &s->line;
	buf_reset(o);
	int dq = 0, sq = 0, glue_next = 0;
	for (size_t i = 0; i < s->nt; i++) {
		const char *t = s->toks.p + s->tv[i].off;
		size_t n = s->tv[i].n;
		const char *nx = i + 1 < s->nt ? s->toks.p + s->tv[i + 1].off : NULL;
		size_t nn = nx ? s->tv[i + 1].n : 0;
		int left = glue_next, right = 0;
		glue_next = 0;
		if (s->tv[i].space >= 0) {
			left = !s->tv[i].space;
		} else if (tok_is(t, n, "\"") || tok_is(t, n, "'")) {
			int *open = t[0] == '"' ? &dq : &sq;
			int closing = i > 0 && (!nx || (sticks_left(nx, nn) && !tok_is(nx, nn, "\"")) ||
						*open);
			left |= closing;
			right = !closing;
			*open = !closing;
		} else if (tok_is(t, n, "-") && i > 0 && nx && is_lower_at(nx, nn) &&
			   alnum_end(s->toks.p + s->tv[i - 1].off, s->tv[i - 1].n)) {
			left = right = 1;
		} else {
			left |= sticks_left(t, n);
			right = sticks_right(t, n);
		}
		if (o->len && !left)
			buf_addc(o, ' ');
		buf_add(o, t, n);
		glue_next = right;
	}
	sink_sentence(s, o->p, o->len);
	buf_reset(&s->toks);
	s->nt = 0;
	s->quotes = s->after_final = s->glue = 0;
}

static void sink_free(struct sink *s)
{
	buf_free(&s->toks);
	buf_free(&s->line);
	free(s->tv);
}

/* For token streams without sentence breaks (CoNLL-2012 as GUM writes it):
 * a sentence ends after a full stop (and the quotes and brackets closing
 * it) when the next token could start one. */
static void sink_word(struct sink *s, const char *t, size_t n)
{
	int final = tok_is(t, n, ".") || tok_is(t, n, "!") || tok_is(t, n, "?") || tok_is(t, n, "...") ||
		    tok_is(t, n, "…");
	int closer = tok_is(t, n, ")") || tok_is(t, n, "''") || tok_is(t, n, "”") || tok_is(t, n, "’") ||
		     (tok_is(t, n, "\"") && s->quotes % 2);
	if (s->after_final && !final && !closer) {
		unsigned char c = (unsigned char)t[0];
		if (isupper(c) || isdigit(c) || c == '"' || c == '(' || c == '[' || c >= 0x80)
			sink_flush(s);
	}
	sink_token(s, t, n, -1);
	s->after_final = final || (s->after_final && closer);
}

/* ---- lines and fields ---- */

struct line {
	const char *p;
	size_t n;
};

/* The next line of [*pos, end) without its \r\n; 0 at the end. */
static int next_line(const char *text, size_t len, size_t *pos, struct line *l)
{
	if (*pos >= len)
		return 0;
	const char *a = text + *pos, *nl = memchr(a, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - a) : len - *pos;
	*pos += n + (nl != NULL);
	if (n && a[n - 1] == '\r')
		n--;
	l->p = a;
	l->n = n;
	return 1;
}

static int blank(const struct line *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!isspace((unsigned char)l->p[i]))
			return 0;
	return 1;
}

/* Splits a line at tabs (or, with ws, at runs of blanks) into at most max
 * fields; returns their number. */
static int fields(const struct line *l, struct line *f, int max, int ws)
{
	int k = 0;
	size_t i = 0;
	while (i <= l->n && k < max) {
		if (ws)
			while (i < l->n && (l->p[i] == ' ' || l->p[i] == '\t'))
				i++;
		if (ws && i == l->n)
			break;
		size_t j = i;
		while (j < l->n && (ws ? l->p[j] != ' ' && l->p[j] != '\t' : l->p[j] != '\t'))
			j++;
		f[k].p = l->p + i;
		f[k].n = j - i;
		k++;
		i = j + 1;
	}
	return k;
}

static int all_digits(const char *p, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* A CoNLL-U ID: "7", a multiword range "7-8" or an empty node "7.1".
 * Returns 1, 2 or 3 accordingly (0: not an ID); *hi is the range's end. */
static int conllu_id(const struct line *f, long *hi)
{
	const char *s = f->p;
	size_t n = f->n, i = 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (!i || i > 9)
		return 0;
	if (i == n)
		return 1;
	if ((s[i] == '-' || s[i] == '.') && all_digits(s + i + 1, n - i - 1) && n - i - 1 <= 9) {
		if (s[i] == '-')
			*hi = strtol(s + i + 1, NULL, 10);
		return s[i] == '-' ? 2 : 3;
	}
	return 0;
}

/* "# key = value" (or "# key") of a comment line: key and value trimmed. */
static void comment_kv(const struct line *l, struct line *key, struct line *val)
{
	const char *p = l->p + 1, *end = l->p + l->n;
	while (p < end && isspace((unsigned char)*p))
		p++;
	const char *eq = memchr(p, '=', (size_t)(end - p));
	const char *ke = eq ? eq : end;
	while (ke > p && isspace((unsigned char)ke[-1]))
		ke--;
	key->p = p;
	key->n = (size_t)(ke - p);
	const char *v = eq ? eq + 1 : end;
	while (v < end && isspace((unsigned char)*v))
		v++;
	val->p = v;
	val->n = (size_t)(end - v);
}

/* A copy of a metadata value, NUL bytes as spaces, trimmed; NULL when
 * nothing is left. */
static char *value_dup(const struct line *v)
{
	char *s = xstrndup(v->p, v->n);
	for (size_t i = 0; i < v->n; i++)
		if (!s[i])
			s[i] = ' ';
	if (!*str_trim(s)) {
		free(s);
		return NULL;
	}
	return s;
}

static void set_once(char **field, const struct line *v)
{
	if (!*field)
		*field = value_dup(v);
}

static void meta_once(struct xdoc *d, const char *key, const struct line *v)
{
	if (d->meta && cJSON_GetObjectItemCaseSensitive(d->meta, key))
		return;
	char *s = value_dup(v);
	xdoc_meta_set(d, key, s); /* nothing when s is NULL */
	free(s);
}

/* ---- the three formats ---- */

struct parse {
	struct sink s;
	struct xdoc *d;
	size_t lines, malformed;
	int have_text;          /* the current sentence has its text line */
	int retokenize;         /* text lines may be tokens joined by spaces (WebAnno) */
	size_t ntok;            /* WebAnno: token lines of the sentence (not sub-tokens) */
	struct buf text;        /* that line */
	char *date;             /* as written, normalised at the end */
};

/* A line that fits no rule: counted, and kept when nothing else stands
 * for its sentence's text. */
static void malformed(struct parse *p, const struct line *l)
{
	p->malformed++;
	if (!p->have_text)
		sink_token(&p->s, l->p, l->n, 1);
}

/* Ends a sentence: its text line if it had one, else its tokens. */
static void end_sentence(struct parse *p)
{
	if (p->have_text) {
		sink_flush(&p->s); /* malformed lines kept before the text line */
		/* the text line's words, joined again the way a reader writes
		 * them, unless the tokens outnumber them: then it is the text
		 * as written, punctuation on its words ("(again)." is 4 tokens) */
		const char *t = p->text.p, *end = t + p->text.len;
		size_t words = 0;
		while (t < end) {
			while (t < end && isspace((unsigned char)*t))
				t++;
			const char *w = t;
			while (t < end && !isspace((unsigned char)*t))
				t++;
			if (t > w && p->retokenize) {
				sink_token(&p->s, w, (size_t)(t - w), -1);
				words++;
			}
		}
		if (!p->retokenize || p->ntok > words) {
			p->s.nt = 0;
			buf_reset(&p->s.toks);
			sink_sentence(&p->s, p->text.p, p->text.len);
		}
	}
	sink_flush(&p->s);
	p->have_text = 0;
	p->ntok = 0;
	buf_reset(&p->text);
}

static void conllu_comment(struct parse *p, const struct line *l)
{
	struct line k, v;
	comment_kv(l, &k, &v);
	struct xdoc *d = p->d;
	if (tok_is(k.p, k.n, "text")) {
		if (p->have_text || p->s.nt)
			end_sentence(p); /* a sentence without the blank line after it */
		p->have_text = 1;
		buf_reset(&p->text);
		buf_add(&p->text, v.p, v.n);
	} else if (tok_is(k.p, k.n, "newpar") || (k.n > 7 && !memcmp(k.p, "newpar ", 7))) {
		sink_paragraph(&p->s);
	} else if (tok_is(k.p, k.n, "newdoc") || (k.n > 7 && !memcmp(k.p, "newdoc ", 7))) {
		sink_paragraph(&p->s);
		if (k.n > 7)
			meta_once(d, "doc_id", &v);
	} else if (tok_is(k.p, k.n, "meta::title") || tok_is(k.p, k.n, "title")) {
		set_once(&d->title, &v);
	} else if (tok_is(k.p, k.n, "meta::dateCreated") || tok_is(k.p, k.n, "meta::date") ||
		   tok_is(k.p, k.n, "date")) {
		set_once(&p->date, &v);
	} else if (tok_is(k.p, k.n, "meta::author") || tok_is(k.p, k.n, "author")) {
		set_once(&d->author, &v);
	} else if (tok_is(k.p, k.n, "meta::sourceURL") || tok_is(k.p, k.n, "url") ||
		   tok_is(k.p, k.n, "source")) {
		meta_once(d, "source_url", &v);
	} else if (tok_is(k.p, k.n, "meta::genre") || tok_is(k.p, k.n, "genre")) {
		meta_once(d, "genre", &v);
	} else if (tok_is(k.p, k.n, "lang") || tok_is(k.p, k.n, "meta::lang")) {
		meta_once(d, "language", &v);
	}
}

/* A CoNLL-U token line: ten tab-separated fields, an ID first. */
static void conllu_token(struct parse *p, const struct line *l, long *skip_to)
{
	struct line f[11];
	long hi = 0;
	int id;
	if (fields(l, f, 11, 0) != 10 || !(id = conllu_id(&f[0], &hi))) {
		malformed(p, l);
		return;
	}
	if (p->have_text || id == 3)
		return;
	long n = strtol(f[0].p, NULL, 10);
	if (id == 1 && n <= *skip_to)
		return; /* a word of the multiword token already written */
	if (id == 2)
		*skip_to = hi;
	/* the MISC field: SpaceAfter=No glues the next token */
	sink_token(&p->s, f[1].p, f[1].n, !p->s.glue);
	const struct line *m = &f[9];
	p->s.glue = 0;
	for (size_t i = 0; i + 13 <= m->n; i++)
		if ((i == 0 || m->p[i - 1] == '|') && !memcmp(m->p + i, "SpaceAfter=No", 13) &&
		    (i + 13 == m->n || m->p[i + 13] == '|'))
			p->s.glue = 1;
}

static void parse_conllu(struct parse *p, const char *t, size_t len)
{
	struct line l;
	size_t pos = 0;
	long skip_to = 0;
	while (next_line(t, len, &pos, &l)) {
		p->lines++;
		if (blank(&l)) {
			end_sentence(p);
			skip_to = 0;
		} else if (l.p[0] == '#') {
			conllu_comment(p, &l);
		} else {
			conllu_token(p, &l, &skip_to);
		}
	}
	end_sentence(p);
}

/* A WebAnno token line starts "1-3\t0-5\t": sentence-token, begin-end. */
static int webanno_token(const struct line *l)
{
	struct line f[4];
	if (fields(l, f, 4, 0) < 3)
		return 0;
	const char *dash = memchr(f[0].p, '-', f[0].n);
	const char *dash2 = memchr(f[1].p, '-', f[1].n);
	return dash && dash2 && all_digits(f[0].p, (size_t)(dash - f[0].p)) &&
	       all_digits(f[1].p, (size_t)(dash2 - f[1].p));
}

static void parse_webanno(struct parse *p, const char *t, size_t len)
{
	struct line l;
	size_t pos = 0;
	int prev_text = 0;
	while (next_line(t, len, &pos, &l)) {
		p->lines++;
		int is_text = l.n >= 6 && !memcmp(l.p, "#Text=", 6);
		if (is_text) {
			if (!prev_text)
				end_sentence(p);
			else
				buf_addc(&p->text, ' '); /* a sentence with line breaks in it */
			p->have_text = 1;
			buf_add(&p->text, l.p + 6, l.n - 6);
		} else if (blank(&l)) {
			end_sentence(p);
		} else if (l.p[0] != '#') {
			if (!webanno_token(&l))
				malformed(p, &l);
			else if (!memchr(l.p, '.', (size_t)((const char *)memchr(l.p, '\t', l.n) - l.p)))
				p->ntok++; /* "1-2.1" is a part of token 1-2 */
		}
		/* other '#' lines: the header (#FORMAT, #T_SP ...), #Summary */
		prev_text = is_text;
	}
	end_sentence(p);
}

/* The word of a CoNLL-2012 line: "0\tword\t..." (an index first, as GUM
 * writes it) or "doc part index word POS ..." (OntoNotes). */
static int conll2012_word(const struct line *l, struct line *w)
{
	struct line f[5];
	int tabs = memchr(l->p, '\t', l->n) != NULL;
	int k = fields(l, f, 5, !tabs);
	if (k >= 2 && all_digits(f[0].p, f[0].n) && f[1].n) {
		*w = f[1];
		return 1;
	}
	if (k >= 4 && all_digits(f[2].p, f[2].n) && f[3].n) {
		*w = f[3];
		return 1;
	}
	return 0;
}

static void parse_conll2012(struct parse *p, const char *t, size_t len)
{
	struct line l, w;
	size_t pos = 0;
	while (next_line(t, len, &pos, &l)) {
		p->lines++;
		if (blank(&l)) {
			sink_flush(&p->s);
		} else if (l.p[0] == '#') {
			struct line k, v;
			comment_kv(&l, &k, &v);
			int begin = (k.n >= 14 && !strncmp(k.p, "begin document", 14));
			if (begin || (k.n >= 12 && !strncmp(k.p, "end document", 12))) {
				sink_flush(&p->s);
				sink_paragraph(&p->s);
			}
			if (begin) {
				/* "#begin document (name); part 000" or "# begin document name" */
				struct line name = {k.p + 14, k.n - 14};
				while (name.n && (isspace((unsigned char)*name.p) || *name.p == '('))
					name.p++, name.n--;
				const char *e = name.p;
				while (e < name.p + name.n && *e != ')' && *e != ';')
					e++;
				name.n = (size_t)(e - name.p);
				meta_once(p->d, "doc_id", &name);
			}
		} else if (conll2012_word(&l, &w)) {
			const char *s = unescape_tok(w.p, &w.n);
			sink_word(&p->s, s, w.n);
		} else {
			malformed(p, &l);
		}
	}
	sink_flush(&p->s);
}

/* ---- recognising the formats ---- */

/* Judges by the first 8 KB (a line cut there, or at the end of a file cut
 * short, is not judged):
 *   WebAnno TSV  the first line is "#FORMAT=WebAnno TSV ..."
 *   CoNLL-2012   the first line that is not blank is "#begin document ..."
 *   CoNLL-U      every line is a comment, blank, or ten tab-separated
 *                fields with an ID first; at least one token line; and a
 *                "# text =" or "# sent_id =" comment, or (the tie-breaker)
 *                the name ends in .conllu, .conllx or .conll. */
enum conll_format conll_sniff(const char *data, size_t len, const char *name)
{
	size_t lim = len < 8192 ? len : 8192;
	if (lim >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, lim -= 3, len -= 3;
	if (lim >= 19 && !memcmp(data, "#FORMAT=WebAnno TSV", 19))
		return CONLL_WEBANNO;
	struct line l, k, v;
	size_t pos = 0, tokens = 0, ids = 0;
	while (next_line(data, lim, &pos, &l) && blank(&l))
		;
	if (pos && l.n && l.p[0] == '#') {
		comment_kv(&l, &k, &v);
		if (k.n >= 14 && !strncmp(k.p, "begin document", 14))
			return CONLL_2012;
	}
	if (!memchr(data, '\t', lim))
		return CONLL_NONE; /* no token table */
	pos = 0;
	while (next_line(data, lim, &pos, &l)) {
		if (pos == lim && (lim < len || data[lim - 1] != '\n'))
			break; /* cut at the 8 KB mark, or a file cut short */
		if (blank(&l))
			continue;
		if (l.p[0] == '#') {
			comment_kv(&l, &k, &v);
			ids += tok_is(k.p, k.n, "text") || tok_is(k.p, k.n, "sent_id");
		} else {
			struct line f[11];
			long hi;
			if (fields(&l, f, 11, 0) != 10 || !conllu_id(&f[0], &hi))
				return CONLL_NONE;
			tokens++;
		}
	}
	if (!tokens)
		return CONLL_NONE;
	if (ids)
		return CONLL_U;
	if (name) {
		const char *dot = strrchr(name, '.');
		if (dot && (!strcasecmp(dot, ".conllu") || !strcasecmp(dot, ".conllx") ||
			    !strcasecmp(dot, ".conll")))
			return CONLL_U;
	}
	return CONLL_NONE;
}

/* ---- the extractor ---- */

static const char *const kind_type[] = {"conllu", "webanno", "conll"};
static const char *const kind_name[] = {"CoNLL-U", "WebAnno TSV", "CoNLL-2012"};

static int extract_kind(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e,
			enum conll_kind kind)
{
	struct buf raw = BUF_INIT;
	if (text_to_utf8(data, len, NULL, &raw, &d->invalid_bytes, e) < 0) {
		buf_free(&raw);
		return -1;
	}
	struct parse p;
	memset(&p, 0, sizeof p);
	p.d = d;
	p.s.out = &d->text;
	p.retokenize = kind == K_WEBANNO;
	if (kind == K_CONLLU)
		parse_conllu(&p, raw.p, raw.len);
	else if (kind == K_WEBANNO)
		parse_webanno(&p, raw.p, raw.len);
	else
		parse_conll2012(&p, raw.p, raw.len);
	buf_free(&raw);
	sink_free(&p.s);
	buf_free(&p.text);
	if (!p.s.nsent || p.malformed * 4 > p.lines) {
		/* not the format after all, or badly damaged: lose nothing */
		char why[160];
		snprintf(why, sizeof why, "plain text: %s with %s", kind_name[kind],
			 p.s.nsent ? "too many malformed lines" : "no sentences");
		free(p.date);
		char *mime = d->mime;
		d->mime = NULL;
		xdoc_free(d);
		d->mime = mime;
		if (extract_text(x, data, len, d, e) < 0)
			return -1;
		xdoc_meta_set(d, "read_as", why);
		return 0;
	}
	d->type = kind_type[kind];
	d->invalid_bytes += p.s.nul;
	xdoc_meta_set(d, "format", kind_name[kind]);
	if (p.malformed) {
		char n[32];
		snprintf(n, sizeof n, "%zu", p.malformed);
		xdoc_meta_set(d, "malformed_lines", n);
	}
	if (p.date) {
		d->date = date_to_iso(p.date, &d->date_suspect);
		free(p.date);
	}
	if (!d->title) {
		/* the first sentence, 200 bytes at most, not cut inside a character */
		const char *nl = memchr(d->text.p, '\n', d->text.len);
		size_t n = nl ? (size_t)(nl - d->text.p) : d->text.len;
		if (n > 200) {
			n = 200;
			while (n > 0 && ((unsigned char)d->text.p[n] & 0xC0) == 0x80)
				n--;
		}
		d->title = xstrndup(d->text.p, n);
	}
	return 0;
}

int extract_conllu(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	return extract_kind(x, data, len, d, e, K_CONLLU);
}

int extract_webanno(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	return extract_kind(x, data, len, d, e, K_WEBANNO);
}

int extract_conll2012(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	return extract_kind(x, data, len, d, e, K_CONLL2012);
}
