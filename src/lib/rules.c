/*
 * rules.c — the rule pass: DATE, EMAIL, URL and PHONE patterns over raw
 * text, with normalised values (see rules.h for the value formats).
 *
 * Owns: struct rules_result.  One left-to-right scan; at each word start
 * the patterns are tried longest first, and a match moves the scan past
 * itself, so mentions never overlap.
 */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *rules_type_name(int type)
{
	static const char *const names[] = {"DATE", "EMAIL", "URL", "PHONE"};
	return type >= 0 && type < 4 ? names[type] : "?";
}

static int isal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int isdig(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int isalnum8(unsigned char c)
{
	return isal(c) || isdig(c) || c >= 0x80;
}

struct scan {
	const unsigned char *t;
	size_t n;
};

/* True if no letter or digit touches position p from the right side. */
static int boundary_after(const struct scan *s, size_t p)
{
	return p >= s->n || !isalnum8(s->t[p]);
}

/* Skips spaces (and at most one line break) from p. */
static size_t skip_ws(const struct scan *s, size_t p)
{
	int nl = 0;
	while (p < s->n && (s->t[p] == ' ' || s->t[p] == '\t' || s->t[p] == '\r' || (s->t[p] == '\n' && !nl++)))
		p++;
	return p;
}

/* Reads 1..maxd digits at p; returns the end (p when none) and the value. */
static size_t read_num(const struct scan *s, size_t p, int maxd, int *val, int *nd)
{
	int v = 0, d = 0;
	*val = 0;
	*nd = 0;
	while (p < s->n && isdig(s->t[p]) && d < maxd) {
		v = v * 10 + (s->t[p] - '0');
		p++;
		d++;
	}
	if (p < s->n && isdig(s->t[p]))
		return p - (size_t)d; /* too many digits */
	*val = v;
	*nd = d;
	return p;
}

/* A word at p that equals w (case-insensitive) and ends at a boundary. */
static size_t read_word(const struct scan *s, size_t p, const char *w)
{
	size_t l = strlen(w);
	if (p + l > s->n || strncasecmp((const char *)s->t + p, w, l) != 0 || !boundary_after(s, p + l))
		return p;
	return p + l;
}

static const char *const months[12] = {"january", "february", "march", "april", "may", "june",
				       "july", "august", "september", "october", "november", "december"};

/* A month name or abbreviation ("Nov", "Nov.", "Sept") at p: returns the
 * end and sets *m (1..12), or returns p. */
static size_t read_month(const struct scan *s, size_t p, int *m)
{
	/* cheap filter: the first letters of month names */
	if (p >= s->n || !strchr("jfmasondJFMASOND", s->t[p]) || !s->t[p])
		return p;
	size_t e = p;
	while (e < s->n && isal(s->t[e]))
		e++;
	size_t l = e - p;
	if (l < 3 || !boundary_after(s, e))
		return p;
	for (int i = 0; i < 12; i++) {
		size_t ml = strlen(months[i]);
		if (l == ml && strncasecmp((const char *)s->t + p, months[i], l) == 0) {
			*m = i + 1;
			return e;
		}
		/* abbreviations: 3 letters, or "Sept" */
		if ((l == 3 || (l == 4 && i == 8)) && i != 4 && strncasecmp((const char *)s->t + p, months[i], l) == 0) {
			*m = i + 1;
			if (e < s->n && s->t[e] == '.')
				e++;
			return e;
		}
	}
	return p;
}

/* An ordinal suffix after a day number ("18th"). */
static size_t skip_ordinal(const struct scan *s, size_t p)
{
	static const char *const suf[] = {"st", "nd", "rd", "th"};
	for (int i = 0; i < 4; i++)
		if (p + 2 <= s->n && strncasecmp((const char *)s->t + p, suf[i], 2) == 0 && boundary_after(s, p + 2))
			return p + 2;
	return p;
}

static int year_ok(int y, int nd)
{
	return nd == 4 && y >= 1800 && y <= 2099;
}

static int days_in(int y, int m)
{
	static const int d[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2)
		return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) || y == 0 ? 29 : 28;
	return d[m - 1];
}

/* One date at p (no ranges).  Returns its end (p when none) and writes the
 * value to val (empty string when ambiguous). */
static size_t read_date(const struct scan *s, size_t p, char *val, size_t vsz)
{
	int a, na, b, nb, c, nc, m;
	size_t e;
	val[0] = 0;
	if (p >= s->n)
		return p;
	if (isdig(s->t[p])) {
		e = read_num(s, p, 4, &a, &na);
		if (e == p)
			return p;
		/* YYYY-MM-DD, YYYY/MM/DD */
		if (na == 4 && e + 1 < s->n && (s->t[e] == '-' || s->t[e] == '/')) {
			char sep = (char)s->t[e];
			size_t e2 = read_num(s, e + 1, 2, &b, &nb);
			if (e2 > e + 1 && e2 + 1 < s->n && s->t[e2] == sep) {
				size_t e3 = read_num(s, e2 + 1, 2, &c, &nc);
				if (e3 > e2 + 1 && boundary_after(s, e3) && b >= 1 && b <= 12 && c >= 1 &&
				    c <= days_in(a, b) && year_ok(a, na)) {
					snprintf(val, vsz, "%04d-%02d-%02d", a, b, c);
					return e3;
				}
			}
		}
		/* DD/MM/YYYY or MM/DD/YYYY: ambiguous unless one part > 12 */
		if (na <= 2 && e + 1 < s->n && (s->t[e] == '/' || s->t[e] == '.')) {
			char sep = (char)s->t[e];
			size_t e2 = read_num(s, e + 1, 2, &b, &nb);
			if (e2 > e + 1 && e2 + 1 < s->n && s->t[e2] == sep) {
				size_t e3 = read_num(s, e2 + 1, 4, &c, &nc);
				if (e3 > e2 + 1 && boundary_after(s, e3) && year_ok(c, nc) && a >= 1 && b >= 1 &&
				    a <= 31 && b <= 31 && (a <= 12 || b <= 12)) {
					if (a > 12 && b <= days_in(c, b))
						snprintf(val, vsz, "%04d-%02d-%02d", c, b, a);
					else if (b > 12 && a <= 12 && b <= days_in(c, a))
						snprintf(val, vsz, "%04d-%02d-%02d", c, a, b);
					else if (a == b)
						snprintf(val, vsz, "%04d-%02d-%02d", c, a, b);
					return e3;
				}
			}
		}
		/* 18 November 2019, 18th of November, 18 Nov. 2019 */
		if (na <= 2 && a >= 1 && a <= 31) {
			size_t q = skip_ordinal(s, e);
			if (boundary_after(s, q)) {
				q = skip_ws(s, q);
				size_t q2 = read_word(s, q, "of");
				if (q2 > q)
					q = skip_ws(s, q2);
				size_t me = read_month(s, q, &m);
				if (me > q && a <= days_in(2000, m)) {
					size_t r = me;
					if (r < s->n && s->t[r] == ',')
						r++;
					r = skip_ws(s, r);
					size_t ye = read_num(s, r, 4, &c, &nc);
					if (ye > r && year_ok(c, nc) && boundary_after(s, ye) && a <= days_in(c, m)) {
						snprintf(val, vsz, "%04d-%02d-%02d", c, m, a);
						return ye;
					}
					snprintf(val, vsz, "--%02d-%02d", m, a);
					return me;
				}
			}
		}
		/* 1990s */
		if (na == 4 && year_ok(a, na) && a % 10 == 0 && e < s->n && s->t[e] == 's' && boundary_after(s, e + 1)) {
			snprintf(val, vsz, "%03d", a / 10);
			return e + 1;
		}
		/* 2014 */
		if (year_ok(a, na) && boundary_after(s, e) && !(e < s->n && s->t[e] == '%') &&
		    !(e + 1 < s->n && (s->t[e] == '.' || s->t[e] == ',') && isdig(s->t[e + 1]))) {
			snprintf(val, vsz, "%04d", a);
			return e;
		}
		return p;
	}
	/* November 18, 2019 / November 2019 / Nov. 18 */
	e = read_month(s, p, &m);
	if (e > p) {
		size_t q = skip_ws(s, e);
		size_t de = read_num(s, q, 4, &a, &na);
		if (de > q && na <= 2 && a >= 1 && a <= days_in(2000, m)) {
			size_t r = skip_ordinal(s, de);
			if (!boundary_after(s, r))
				return p;
			size_t r2 = r;
			if (r2 < s->n && s->t[r2] == ',')
				r2++;
			r2 = skip_ws(s, r2);
			size_t ye = read_num(s, r2, 4, &c, &nc);
			if (ye > r2 && year_ok(c, nc) && boundary_after(s, ye) && a <= days_in(c, m)) {
				snprintf(val, vsz, "%04d-%02d-%02d", c, m, a);
				return ye;
			}
			/* "May 5" alone: too ambiguous for "may"; accept other months */
			if (m == 5 && s->t[p] == 'm')
				return p;
			snprintf(val, vsz, "--%02d-%02d", m, a);
			return r;
		}
		if (de > q && year_ok(a, na) && boundary_after(s, de)) {
			if (m == 5 && s->t[p] == 'm')
				return p; /* "may 2014 ..." as a verb is rare, but keep "May" capitalised */
			snprintf(val, vsz, "%04d-%02d", a, m);
			return de;
		}
		/* "October, 2019" */
		if (q < s->n && s->t[e] == ',') {
			size_t r = skip_ws(s, e + 1);
			size_t ye = read_num(s, r, 4, &c, &nc);
			if (ye > r && year_ok(c, nc) && boundary_after(s, ye)) {
				snprintf(val, vsz, "%04d-%02d", c, m);
				return ye;
			}
		}
		return p;
	}
	/* summer 2014, spring of 2010 */
	static const char *const seasons[] = {"spring", "summer", "autumn", "fall", "winter"};
	static const int scode[] = {21, 22, 23, 23, 24};
	unsigned char c0 = s->t[p] | 0x20;
	for (int i = 0; i < 5 && (c0 == 's' || c0 == 'a' || c0 == 'f' || c0 == 'w'); i++) {
		e = read_word(s, p, seasons[i]);
		if (e == p)
			continue;
		size_t q = skip_ws(s, e);
		size_t q2 = read_word(s, q, "of");
		if (q2 > q)
			q = skip_ws(s, q2);
		size_t ye = read_num(s, q, 4, &c, &nc);
		if (ye > q && year_ok(c, nc) && boundary_after(s, ye)) {
			snprintf(val, vsz, "%04d-%02d", c, scode[i]);
			return ye;
		}
		return p;
	}
	return p;
}

/* Ranges: "between X and Y", "from X to Y", "2010-2017", "2010–17". */
static size_t read_range(const struct scan *s, size_t p, char *val, size_t vsz)
{
	char v1[32], v2[32];
	static const char *const intro[][2] = {{"between", "and"}, {"from", "to"}, {"from", "until"}};
	unsigned char c0 = s->t[p] | 0x20;
	for (int i = 0; i < 3 && (c0 == 'b' || c0 == 'f'); i++) {
		size_t q = read_word(s, p, intro[i][0]);
		if (q == p)
			continue;
		q = skip_ws(s, q);
		size_t e1 = read_date(s, q, v1, sizeof v1);
		if (e1 == q || !v1[0])
			continue;
		size_t r = skip_ws(s, e1);
		size_t r2 = read_word(s, r, intro[i][1]);
		if (r2 == r)
			continue;
		r2 = skip_ws(s, r2);
		size_t e2 = read_date(s, r2, v2, sizeof v2);
		if (e2 == r2 || !v2[0])
			continue;
		snprintf(val, vsz, "%s/%s", v1, v2);
		return e2;
	}
	/* 2010-2017, 2010–2017, 2010-17 */
	int a, na, b, nb;
	size_t e = read_num(s, p, 4, &a, &na);
	if (e > p && year_ok(a, na)) {
		size_t q = e;
		if (q < s->n && s->t[q] == '-')
			q++;
		else if (q + 2 < s->n && s->t[q] == 0xE2 && s->t[q + 1] == 0x80 && s->t[q + 2] == 0x93)
			q += 3;
		else
			return p;
		size_t e2 = read_num(s, q, 4, &b, &nb);
		if (e2 > q && boundary_after(s, e2)) {
			if (nb == 2)
				b += a / 100 * 100;
			if ((nb == 2 || nb == 4) && year_ok(b, 4) && b > a) {
				snprintf(val, vsz, "%04d/%04d", a, b);
				return e2;
			}
		}
	}
	return p;
}

/* ---- e-mail, URL, phone ----------------------------------------------- */

static int email_local(unsigned char c)
{
	return isal(c) || isdig(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int host_c(unsigned char c)
{
	return isal(c) || isdig(c) || c == '.' || c == '-';
}

/* An e-mail address whose '@' is at at: sets *a, *b and returns 1. */
static int find_email(const struct scan *s, size_t at, size_t *a, size_t *b)
{
	size_t l = at;
	while (l > 0 && email_local(s->t[l - 1]))
		l--;
	while (l < at && s->t[l] == '.')
		l++;
	if (l == at)
		return 0;
	size_t e = at + 1;
	while (e < s->n && host_c(s->t[e]))
		e++;
	while (e > at + 1 && (s->t[e - 1] == '.' || s->t[e - 1] == '-'))
		e--;
	size_t dot = e;
	while (dot > at + 1 && s->t[dot - 1] != '.')
		dot--;
	if (dot <= at + 2 || e - dot < 2)
		return 0;
	for (size_t k = dot; k < e; k++)
		if (!isal(s->t[k]))
			return 0;
	*a = l;
	*b = e;
	return 1;
}

static size_t read_url(const struct scan *s, size_t p)
{
	static const char *const pre[] = {"http://", "https://", "ftp://", "www.", NULL};
	size_t j = p;
	for (int k = 0; pre[k]; k++) {
		size_t l = strlen(pre[k]);
		if (p + l < s->n && strncasecmp((const char *)s->t + p, pre[k], l) == 0) {
			j = p + l;
			break;
		}
	}
	if (j == p)
		return p;
	while (j < s->n && s->t[j] > ' ' && s->t[j] != '<' && s->t[j] != '>' && s->t[j] != '"' && s->t[j] != 0x7f)
		j++;
	while (j > p) {
		unsigned char c = s->t[j - 1];
		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == ']' ||
		    (c == ')' && !memchr(s->t + p, '(', j - p))) {
			j--;
			continue;
		}
		break;
	}
	return j > p + 4 ? j : p;
}

/* A phone number at p: "+44 20 7946 0958", "(202) 555-0143",
 * "202-555-0143", or digits after "tel"/"phone"/"fax" (kw set). */
static size_t read_phone(const struct scan *s, size_t p, int kw, char *val, size_t vsz)
{
	size_t j = p, last = p;
	int digits = 0, groups = 0, plus = 0;
	if (s->t[j] == '+') {
		plus = 1;
		j++;
	}
	struct buf b = BUF_INIT;
	if (plus)
		buf_addc(&b, '+');
	int open = 0;
	while (j < s->n) {
		unsigned char c = s->t[j];
		if (isdig(c)) {
			size_t g = j;
			while (j < s->n && isdig(s->t[j])) {
				buf_addc(&b, (char)s->t[j]);
				j++;
			}
			digits += (int)(j - g);
			groups++;
			last = j;
			continue;
		}
		if (c == '(' && !open && j + 1 < s->n && isdig(s->t[j + 1])) {
			open = 1;
			j++;
			continue;
		}
		if (c == ')' && open) {
			open = 0;
			j++;
			continue;
		}
		if ((c == ' ' || c == '-' || c == '.') && j + 1 < s->n &&
		    (isdig(s->t[j + 1]) || (s->t[j + 1] == '(' && c == ' '))) {
			j++;
			continue;
		}
		break;
	}
	size_t e = last;
	int ok = 0;
	if (!boundary_after(s, e) || digits > 15)
		ok = 0;
	else if (plus && digits >= 8)
		ok = 1;
	else if (kw && digits >= 6 && groups >= 1)
		ok = 1;
	else if (!plus && digits == 10 && groups == 3) {
		/* (202) 555-0143 or 202-555-0143 / 202.555.0143 */
		const unsigned char *t = s->t;
		size_t q = p;
		if (t[q] == '(')
			q++;
		ok = e - p >= 12 && isdig(t[q]) && isdig(t[q + 1]) && isdig(t[q + 2]);
	}
	if (ok)
		snprintf(val, vsz, "%s", b.p);
	buf_free(&b);
	return ok ? e : p;
}

/* ---- the scan --------------------------------------------------------- */

static void add(struct rules_result *r, size_t *cap, size_t a, size_t b, int type, const char *val)
{
	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r->m = xrealloc(r->m, *cap * sizeof *r->m);
	}
	r->m[r->n].start = a;
	r->m[r->n].end = b;
	r->m[r->n].type = type;
	r->m[r->n].value = val && *val ? xstrdup(val) : NULL;
	r->n++;
}

int rules_find(const char *text, size_t len, struct rules_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct scan s = {(const unsigned char *)text, len};
	size_t cap = 0;
	char val[128];
	int kw = 0; /* a phone keyword was just seen */
	for (size_t p = 0; p < len;) {
		unsigned char c = s.t[p];
		/* "12.2014" or "1,2014" is one number, not a year */
		int word_start = p == 0 || (!isalnum8(s.t[p - 1]) &&
					    !(p >= 2 && (s.t[p - 1] == '.' || s.t[p - 1] == ',' || s.t[p - 1] == '/') &&
					      isdig(s.t[p - 2]) && isdig(c)));
		if (c == '@') {
			size_t a, b;
			if (find_email(&s, p, &a, &b)) {
				/* the local part may have been taken by an earlier match */
				if (out->n && out->m[out->n - 1].end > a) {
					free(out->m[out->n - 1].value);
					out->n--;
				}
				struct buf lb = BUF_INIT;
				for (size_t k = a; k < b; k++)
					buf_addc(&lb, (char)(s.t[k] >= 'A' && s.t[k] <= 'Z' ? s.t[k] + 32 : s.t[k]));
				add(out, &cap, a, b, RULES_EMAIL, lb.p);
				buf_free(&lb);
				p = b;
				continue;
			}
		}
		if (!word_start || !(isalnum8(c) || c == '+' || c == '(')) {
			p++;
			continue;
		}
		size_t q = read_url(&s, p);
		if (q > p) {
			add(out, &cap, p, q, RULES_URL, NULL);
			out->m[out->n - 1].value = xstrndup(text + p, q - p);
			p = q;
			continue;
		}
		if (isal(c)) {
			static const char *const kws[] = {"tel", "phone", "telephone", "fax", "mobile", "cell", "ph", NULL};
			size_t we = p;
			while (we < len && isal(s.t[we]))
				we++;
			int iskw = 0;
			unsigned char c0 = c | 0x20;
			for (int k = 0; kws[k] && we - p <= 9 && strchr("tpfmc", c0); k++)
				if (we - p == strlen(kws[k]) && strncasecmp(text + p, kws[k], we - p) == 0)
					iskw = 1;
			if (iskw) {
				kw = 3;
				p = we;
				continue;
			}
		}
		q = read_range(&s, p, val, sizeof val);
		if (q > p) {
			add(out, &cap, p, q, RULES_DATE, val);
			p = q;
			continue;
		}
		if (isdig(c) || c == '+' || c == '(') {
			q = read_phone(&s, p, kw > 0, val, sizeof val);
			if (q > p) {
				add(out, &cap, p, q, RULES_PHONE, val);
				p = q;
				kw = 0;
				continue;
			}
		}
		q = read_date(&s, p, val, sizeof val);
		if (q > p) {
			add(out, &cap, p, q, RULES_DATE, val);
			p = q;
			continue;
		}
		if (kw > 0)
			kw--;
		/* skip the rest of this word */
		while (p < len && isalnum8(s.t[p]))
			p++;
		if (p < len && !isalnum8(s.t[p]) && s.t[p] != '@')
			p++;
	}
	(void)e;
	return 0;
}

void rules_result_free(struct rules_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->m[i].value);
	free(r->m);
	memset(r, 0, sizeof *r);
}
