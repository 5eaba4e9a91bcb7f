/*
 * text.c — tokenizer and sentence splitter for raw UTF-8 text (see text.h).
 *
 * Owns: struct text_doc.  Two passes: tokens first (one left-to-right scan,
 * ASCII fast path, utf8proc for the classes of other code points), then
 * sentence boundaries decided on the token list, the whitespace between
 * tokens (blank lines) and the shape of each line (teletype headers,
 * paragraph markers).
 */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* ---- characters ------------------------------------------------------- */

enum { C_SPACE, C_NL, C_UPPER, C_LOWER, C_DIGIT, C_OTHERL, C_MARK, C_PUNCT };

/* Decodes the code point at t[i] (bounded by n); returns its class and sets
 * *k to its length in bytes. */
static int char_class(const unsigned char *t, size_t i, size_t n, size_t *k, int32_t *cpo)
{
	unsigned char c = t[i];
	if (c < 0x80) {
		*k = 1;
		*cpo = c;
		if (c == '\n')
			return C_NL;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
			return C_SPACE;
		if (c >= 'A' && c <= 'Z')
			return C_UPPER;
		if (c >= 'a' && c <= 'z')
			return C_LOWER;
		if (c >= '0' && c <= '9')
			return C_DIGIT;
		return C_PUNCT;
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t r = utf8proc_iterate(t + i, (utf8proc_ssize_t)(n - i > 4 ? 4 : n - i), &cp);
	if (r <= 0) {
		*k = 1;
		*cpo = 0xFFFD;
		return C_PUNCT;
	}
	*k = (size_t)r;
	*cpo = cp;
	if (cp == 0x2028 || cp == 0x2029 || cp == 0x85)
		return C_NL;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_ZS:
		return C_SPACE;
	case UTF8PROC_CATEGORY_CF:
		return cp == 0xAD ? C_MARK : C_SPACE; /* soft hyphen joins; ZWSP etc. separate */
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT:
		return C_UPPER;
	case UTF8PROC_CATEGORY_LL:
		return C_LOWER;
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return C_OTHERL;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return C_MARK;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return C_DIGIT;
	default:
		return C_PUNCT;
	}
}

static int is_wordc(int cls)
{
	return cls == C_UPPER || cls == C_LOWER || cls == C_DIGIT || cls == C_OTHERL || cls == C_MARK;
}

static int is_alpha_cls(int cls)
{
	return cls == C_UPPER || cls == C_LOWER || cls == C_OTHERL;
}

static int cls_at(const unsigned char *t, size_t i, size_t n)
{
	if (i >= n)
		return C_SPACE;
	size_t k;
	int32_t cp;
	return char_class(t, i, n, &k, &cp);
}

/* Length of an apostrophe at t[i] (' or U+2019), or 0. */
static size_t apos_len(const unsigned char *t, size_t i, size_t n)
{
	if (i < n && t[i] == '\'')
		return 1;
	if (i + 2 < n && t[i] == 0xE2 && t[i + 1] == 0x80 && t[i + 2] == 0x99)
		return 3;
	return 0;
}

/* ---- abbreviations ---------------------------------------------------- */

/* Titles: a following name always continues the sentence. */
static const char *const titles[] = {
	"mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "cpt", "sgt", "cpl",
	"adm", "cmdr", "brig", "sen", "rep", "gov", "pres", "rev", "hon", "amb", "st", "messrs",
	"mme", "mlle", "fr", "insp", "supt", "gens", "sens", "reps", "pvt", "ft", "mt", "no", "nos",
	"vol", "vs", "cf", "fig", "dept", "univ", "assn", "ave", "blvd", "rd", "approx", "e.g", "i.e",
	"etc", NULL};
/* Other abbreviations that keep their dot but may end a sentence. */
static const char *const abbrevs[] = {
	"inc", "corp", "co", "ltd", "bros", "jr", "sr", "plc", "cos", "jan", "feb", "mar", "apr",
	"jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu",
	"thur", "thurs", "fri", "sat", "sun", "ala", "ariz", "ark", "calif", "colo", "conn", "del",
	"fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss",
	"mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis",
	"wyo", "est", "min", "max", "pp", "ref", "para", "tel", "ext", "dist", "intl", "govt", NULL};

static int in_list(const char *const *list, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c0 = (unsigned char)s[0] | 0x20;
	for (size_t i = 0; list[i]; i++)
		if (((unsigned char)list[i][0] | 0x20) == c0 && strlen(list[i]) == n && strncasecmp(list[i], s, n) == 0)
			return 1;
	return 0;
}

/* Words that typically start a sentence: after an ambiguous abbreviation
 * ("U.S.", "Inc.") one of these means the sentence ended there. */
static const char *const starters[] = {
	"the", "he", "she", "it", "they", "we", "i", "in", "but", "a", "an", "this", "that", "there",
	"his", "her", "their", "on", "at", "as", "and", "for", "after", "while", "its", "our", "if",
	"when", "however", "meanwhile", "also", "some", "many", "one", "these", "those", "other",
	"what", "who", "no", "yes", "so", "then", "since", "because", "although", "mr.", "mrs.",
	"ms.", "dr.", NULL};

/* ---- tokens ----------------------------------------------------------- */

struct toks {
	struct text_token *v;
	size_t n, cap;
};

static void push_tok(struct toks *tv, size_t a, size_t b)
{
	if (tv->n == tv->cap) {
		tv->cap = tv->cap ? tv->cap * 2 : 256;
		tv->v = xrealloc(tv->v, tv->cap * sizeof *tv->v);
	}
	tv->v[tv->n].start = a;
	tv->v[tv->n].end = b;
	tv->n++;
}

static int is_email_local(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '%' || c == '+' || c == '-';
}

static int is_host(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-';
}

/* An e-mail address starting at i: returns its end, or i. */
static size_t scan_email(const unsigned char *t, size_t i, size_t n)
{
	size_t j = i;
	while (j < n && is_email_local(t[j]))
		j++;
	if (j == i || j >= n || t[j] != '@' || t[i] == '.')
		return i;
	size_t h = j + 1, e = h;
	while (e < n && is_host(t[e]))
		e++;
	while (e > h && (t[e - 1] == '.' || t[e - 1] == '-'))
		e--;
	/* the host needs a dot and a final label of letters */
	size_t dot = e;
	while (dot > h && t[dot - 1] != '.')
		dot--;
	if (dot <= h + 1 || e - dot < 2)
		return i;
	for (size_t k = dot; k < e; k++)
		if (!((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')))
			return i;
	return e;
}

/* A URL starting at i (scheme:// or www.): returns its end, or i. */
static size_t scan_url(const unsigned char *t, size_t i, size_t n)
{
	static const char *const pre[] = {"http://", "https://", "ftp://", "www.", NULL};
	size_t j = i;
	for (int k = 0; pre[k]; k++) {
		size_t l = strlen(pre[k]);
		if (i + l < n && strncasecmp((const char *)t + i, pre[k], l) == 0) {
			j = i + l;
			break;
		}
	}
	if (j == i)
		return i;
	while (j < n && t[j] > ' ' && t[j] != '<' && t[j] != '>' && t[j] != '"' && t[j] != 0x7f)
		j++;
	/* trailing punctuation belongs to the sentence; a ')' only when the URL
	 * has no '(' */
	while (j > i) {
		unsigned char c = t[j - 1];
		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
		    c == ']') {
			j--;
			continue;
		}
		if (c == ')' && !memchr(t + i, '(', j - i)) {
			j--;
			continue;
		}
		break;
	}
	return j > i + 4 ? j : i;
}

/* Clitic after an apostrophe at i ("'s", "'re", ...)?  Returns its length
 * including the apostrophe, or 0. */
static size_t clitic_len(const unsigned char *t, size_t i, size_t n)
{
	size_t a = apos_len(t, i, n);
	if (!a)
		return 0;
	static const char *const cl[] = {"s", "re", "ve", "ll", "d", "m", NULL};
	for (int k = 0; cl[k]; k++) {
		size_t l = strlen(cl[k]);
		if (i + a + l <= n && strncasecmp((const char *)t + i + a, cl[k], l) == 0 &&
		    !is_wordc(cls_at(t, i + a + l, n)))
			return a + l;
	}
	return 0;
}

/* Scans a word starting at i (a word character): letters, digits and
 * the connectors that CoNLL keeps inside tokens.  Returns its end. */
static size_t scan_word(const unsigned char *t, size_t i, size_t n)
{
	size_t j = i;
	for (;;) {
		while (j < n) {
			size_t k;
			int32_t cp;
			int c = char_class(t, j, n, &k, &cp);
			if (!is_wordc(c))
				break;
			/* "don't" -> "do" "n't" */
			if ((t[j] == 'n' || t[j] == 'N') && j > i) {
				size_t a = apos_len(t, j + 1, n);
				if (a && j + 1 + a < n && (t[j + 1 + a] == 't' || t[j + 1 + a] == 'T') &&
				    !is_wordc(cls_at(t, j + 2 + a, n)))
					return j;
			}
			j += k;
		}
		if (j >= n)
			return j;
		unsigned char c = t[j];
		int prev = cls_at(t, j - 1, n);
		size_t a = apos_len(t, j, n);
		if (a) {
			/* "John's" splits; "O'Brien", "al-Qa'ida" stay whole */
			if (clitic_len(t, j, n))
				return j;
			if (is_alpha_cls(cls_at(t, j + a, n)) && is_alpha_cls(prev)) {
				j += a;
				continue;
			}
			return j;
		}
		int next = cls_at(t, j + 1, n);
		if (c == '-' && is_wordc(next) && is_wordc(prev)) {
			j++;
			continue;
		}
		if ((c == '.' || c == ':' || c == '/') && prev == C_DIGIT && next == C_DIGIT) {
			j++;
			continue;
		}
		if (c == ',' && prev == C_DIGIT && j + 3 < n + 0 && cls_at(t, j + 1, n) == C_DIGIT &&
		    cls_at(t, j + 2, n) == C_DIGIT && cls_at(t, j + 3, n) == C_DIGIT &&
		    cls_at(t, j + 4, n) != C_DIGIT) {
			j++;
			continue;
		}
		if (c == '&' && prev == C_UPPER && next == C_UPPER) {
			j++;
			continue;
		}
		return j;
	}
}

/* Token kinds remembered for the sentence splitter. */
enum { K_WORD, K_ABBR_TITLE, K_ABBR, K_INITIAL, K_FINAL, K_PUNCT, K_OTHER };

/* Tokenizes text into tv; kinds receives a K_* per token. */
static void tokenize(const unsigned char *t, size_t n, struct toks *tv, struct buf *kinds)
{
	size_t i = 0;
	while (i < n) {
		size_t k;
		int32_t cp;
		int c = char_class(t, i, n, &k, &cp);
		if (c == C_SPACE || c == C_NL) {
			i += k;
			continue;
		}
		size_t e = scan_url(t, i, n);
		if (e == i && (is_wordc(c) || t[i] == '_'))
			e = scan_email(t, i, n);
		if (e > i) {
			push_tok(tv, i, e);
			buf_addc(kinds, K_OTHER);
			i = e;
			continue;
		}
		if (is_wordc(c)) {
			e = scan_word(t, i, n);
			if (e == i)
				e = i + k; /* "n't" at the very start of a word */
			char kind = K_WORD;
			/* a dot that belongs to the word: initials, acronyms, abbreviations */
			if (e < n && t[e] == '.') {
				if (e == i + k && is_alpha_cls(c)) {
					/* "W." or "U.S." / "a.m." */
					size_t j = e + 1;
					int parts = 1;
					while (j + 1 < n && is_alpha_cls(cls_at(t, j, n))) {
						size_t kk;
						int32_t cc;
						char_class(t, j, n, &kk, &cc);
						if (j + kk < n && t[j + kk] == '.' && !is_wordc(cls_at(t, j + kk + 1, n))) {
							j += kk + 1;
							parts++;
						} else {
							break;
						}
					}
					e = j;
					kind = parts == 1 && cls_at(t, i, n) == C_UPPER ? K_INITIAL : K_ABBR;
				} else if (in_list(titles, (const char *)t + i, e - i)) {
					e++;
					kind = K_ABBR_TITLE;
				} else if (in_list(abbrevs, (const char *)t + i, e - i)) {
					e++;
					kind = K_ABBR;
				}
			}
			if (e > n)
				e = n;
			push_tok(tv, i, e);
			buf_addc(kinds, kind);
			i = e;
			continue;
		}
		/* punctuation */
		size_t cl = clitic_len(t, i, n);
		if (cl && i > 0 && is_wordc(cls_at(t, i - 1, n))) {
			push_tok(tv, i, i + cl);
			buf_addc(kinds, K_WORD);
			i += cl;
			continue;
		}
		e = i + k;
		char kind = K_PUNCT;
		if (t[i] == '.' || t[i] == '-' || t[i] == '!' || t[i] == '?') {
			while (e < n && t[e] == t[i])
				e++;
		}
		if (t[i] == '.' || t[i] == '!' || t[i] == '?')
			kind = K_FINAL;
		if (cp == 0x2026) /* … */
			kind = K_FINAL;
		push_tok(tv, i, e);
		buf_addc(kinds, kind);
		i = e;
	}
}

/* ---- lines ------------------------------------------------------------ */

/* Teletype prefixes that start header lines of cables. */
static const char *const header_words[] = {
	"FM", "TO", "INFO", "SUBJECT", "SUBJ", "REF", "REFS", "TAGS", "E.O.", "EO", "CLASSIFIED",
	"DECL", "DECLASSIFIED", "PAGE", "ACTION", "BT", "NNNN", "ZNY", "ZNR", "ZFF", "RR", "PP", "OO",
	"R", "O", "P", "Z", "SECSTATE", "AMEMBASSY", "AMCONSUL", "USMISSION", "CONFIDENTIAL",
	"SECRET", "UNCLASSIFIED", "SENSITIVE", "NOFORN", "SIPDIS", "DE", "RUEHC", "CLASSIFICATION",
	"REASON", "DATE", "ORIGIN", "DRAFTED", "APPROVED", "CLEARED", "DISTRIBUTION", NULL};

/* Whether line [a,b) (mixed_doc: the text has lower-case letters
 * elsewhere) is a header line that must be a sentence of its own. */
static int header_line(const unsigned char *t, size_t a, size_t b, int mixed_doc)
{
	while (a < b && (t[a] == ' ' || t[a] == '\t' || t[a] == '\r'))
		a++;
	while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\r'))
		b--;
	if (a == b)
		return 0;
	int letters = 0;
	for (size_t i = a; i < b;) {
		size_t k;
		int32_t cp;
		int c = char_class(t, i, b, &k, &cp);
		if (c == C_LOWER)
			return 0;
		if (c == C_UPPER || c == C_OTHERL)
			letters++;
		i += k;
	}
	if (letters < 2)
		return 0;
	/* first word, and whether it is "WORD:" */
	size_t w = a;
	while (w < b && t[w] != ' ' && t[w] != '\t' && t[w] != ':')
		w++;
	if (in_list(header_words, (const char *)t + a, w - a))
		return 1;
	/* "SUBJECT LINE WORDS:" — a short label then a colon */
	for (size_t i = a; i < b && i < a + 30; i++)
		if (t[i] == ':')
			return 1;
	if (mixed_doc)
		return 1;
	return 0;
}

/* Cable paragraph marker at the start of a line beginning at token j:
 * "1." / "12." or "(C)" / "(SBU)" / "(S/NF)" or "¶".  Returns the number of
 * tokens it spans (0 when none). */
static size_t para_marker(const unsigned char *t, const struct text_token *v, size_t ntok, size_t j)
{
	const unsigned char *s = t + v[j].start;
	size_t l = v[j].end - v[j].start;
	if (l == 2 && s[0] == 0xC2 && s[1] == 0xB6)
		return 1;
	if (l <= 3 && s[0] >= '0' && s[0] <= '9' && j + 1 < ntok && v[j + 1].start == v[j].end &&
	    t[v[j + 1].start] == '.' && v[j + 1].end - v[j + 1].start == 1) {
		for (size_t i = 0; i < l; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 2;
	}
	if (l == 1 && s[0] == '(' && j + 2 < ntok) {
		const unsigned char *x = t + v[j + 1].start;
		size_t xl = v[j + 1].end - v[j + 1].start;
		size_t close = j + 2;
		/* "(S/NF)" is "(", "S", "/", "NF", ")" */
		while (close < ntok && close < j + 6 && t[v[close].start] != ')')
			close++;
		if (close >= ntok || t[v[close].start] != ')')
			return 0;
		if (xl > 3)
			return 0;
		for (size_t i = 0; i < xl; i++)
			if (x[i] < 'A' || x[i] > 'Z')
				return 0;
		if (!(xl == 1 && strchr("UCST", x[0])) && !(xl == 3 && memcmp(x, "SBU", 3) == 0) &&
		    !(xl == 2 && memcmp(x, "TS", 2) == 0))
			return 0;
		return close - j + 1;
	}
	return 0;
}

/* ---- sentences -------------------------------------------------------- */

static int is_closer(const unsigned char *s, size_t l)
{
	if (l == 1)
		return s[0] == '"' || s[0] == '\'' || s[0] == ')' || s[0] == ']' || s[0] == '}';
	/* ’ ” » */
	return (l == 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x99 || s[2] == 0x9D)) ||
	       (l == 2 && s[0] == 0xC2 && s[1] == 0xBB);
}

/* Whether the token could start a sentence (capital, digit, quote, ...). */
static int starts_sentence(const unsigned char *t, const struct text_token *v)
{
	int c = cls_at(t, v->start, v->end);
	return c != C_LOWER && t[v->start] != ',' && t[v->start] != ';' && t[v->start] != ':' &&
	       t[v->start] != ')';
}

static int is_starter_word(const unsigned char *t, const struct text_token *v)
{
	return in_list(starters, (const char *)t + v->start, v->end - v->start);
}

struct sents {
	struct text_sentence *v;
	size_t n, cap;
};

static void push_sent(struct sents *sv, const struct text_token *tv, size_t a, size_t b)
{
	if (b <= a)
		return;
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 64;
		sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n].start = tv[a].start;
	sv->v[sv->n].end = tv[b - 1].end;
	sv->v[sv->n].tok_first = a;
	sv->v[sv->n].tok_count = b - a;
	sv->n++;
}

#define MAX_SENT_TOKENS 400

int text_split(const char *text, size_t len, struct text_doc *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	const unsigned char *t = (const unsigned char *)text;
	struct toks tv = {0};
	struct buf kinds = BUF_INIT;
	tokenize(t, len, &tv, &kinds);
	size_t n = tv.n;
	struct text_token *v = tv.v;

	/* Per token: does a new line start before it (and a blank line), and
	 * is its line a header line? */
	uint8_t *flags = xcalloc(n + 1, 1);
	enum { F_NL = 1, F_BLANK = 2, F_HEADER = 4, F_BREAK = 8, F_NOEND = 16 };
	int mixed = 0;
	for (size_t i = 0; i < len && !mixed; i++)
		mixed = t[i] >= 'a' && t[i] <= 'z';
	size_t line_start = 0, tok = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && t[i] != '\n')
			continue;
		/* line [line_start, i) */
		size_t first = tok;
		while (tok < n && v[tok].start < i)
			tok++;
		if (tok > first && header_line(t, line_start, i, mixed))
			for (size_t j = first; j < tok; j++)
				flags[j] |= F_HEADER;
		line_start = i + 1;
	}
	for (size_t j = 0; j < n; j++) {
		size_t gap0 = j ? v[j - 1].end : 0;
		int nls = 0;
		for (size_t i = gap0; i < v[j].start; i++)
			if (t[i] == '\n')
				nls++;
		if (j == 0 || nls)
			flags[j] |= F_NL;
		if (nls >= 2)
			flags[j] |= F_BLANK;
	}
	/* paragraph markers at line starts; "¶" anywhere */
	for (size_t j = 0; j < n; j++) {
		size_t l = v[j].end - v[j].start;
		int pilcrow = l == 2 && t[v[j].start] == 0xC2 && t[v[j].start + 1] == 0xB6;
		if (!(flags[j] & F_NL) && !pilcrow)
			continue;
		size_t m = para_marker(t, v, n, j);
		if (!m && pilcrow)
			m = 1;
		if (m) {
			flags[j] |= F_BREAK;
			for (size_t q = j; q < j + m && q < n; q++)
				flags[q] |= F_NOEND;
			/* "¶1." — a number right after the pilcrow */
			if (pilcrow && j + 2 < n && para_marker(t, v, n, j + 1) == 2) {
				flags[j + 1] |= F_NOEND;
				flags[j + 2] |= F_NOEND;
			}
		}
	}

	struct sents sv = {0};
	size_t a = 0;
	for (size_t j = 0; j < n; j++) {
		if (j > a) {
			int brk = 0;
			if (flags[j] & (F_BLANK | F_BREAK))
				brk = 1;
			else if ((flags[j] & F_HEADER) != (flags[j - 1] & F_HEADER))
				brk = 1;
			else if ((flags[j] & F_HEADER) && (flags[j] & F_NL))
				brk = 1; /* each header line is a sentence */
			else if (j - a >= MAX_SENT_TOKENS)
				brk = 1;
			else if (j - a >= MAX_SENT_TOKENS / 2 && (flags[j] & F_NL))
				brk = 1;
			if (brk) {
				push_sent(&sv, v, a, j);
				a = j;
			}
		}
		char k = kinds.p[j];
		if (flags[j] & F_NOEND)
			continue;
		if (k != K_FINAL && k != K_ABBR)
			continue;
		/* closers that follow the full stop stay in the sentence */
		size_t q = j + 1;
		while (q < n && !(flags[q] & F_NL) && is_closer(t + v[q].start, v[q].end - v[q].start))
			q++;
		int end = 0;
		if (q >= n) {
			end = 1;
		} else if (flags[q] & (F_BLANK | F_BREAK | F_HEADER)) {
			end = 0; /* handled by the line rules above */
		} else if (k == K_FINAL) {
			/* a lone "." after a number at line start is handled as a marker */
			end = starts_sentence(t, &v[q]);
		} else {
			/* "U.S." / "Inc." end a sentence only before a typical first word */
			end = is_starter_word(t, &v[q]);
		}
		if (end) {
			push_sent(&sv, v, a, q);
			a = q;
			j = q - 1;
		}
	}
	push_sent(&sv, v, a, n);
	free(flags);
	buf_free(&kinds);
	out->toks = v;
	out->ntoks = n;
	out->sents = sv.v;
	out->nsents = sv.n;
	(void)e;
	return 0;
}

void text_doc_free(struct text_doc *d)
{
	free(d->toks);
	free(d->sents);
	memset(d, 0, sizeof *d);
}
