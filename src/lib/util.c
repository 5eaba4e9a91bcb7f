/*
 * util.c — buffer, error, allocation and small string helpers (see util.h).
 * Allocation failure is the one condition weft does not recover from: it
 * prints a message and exits, since no case write is half-done at that point
 * that SQLite's journal would not roll back.
 */
#include "util.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void out_of_memory(void)
{
	fputs("weft: out of memory\n", stderr);
	exit(1);
}

/* Asks the kernel for 2 MB pages under the big arrays (n bytes at p) that
 * the network build and resolution index at random: one TLB entry then
 * covers 512 pages, and one page fault fills 2 MB.  Only where the kernel
 * leaves it to the program (transparent_hugepage = madvise, Debian's
 * default); pages already touched stay as they are.  The rebuild of the
 * corpus' network takes ~7% less CPU (bench/BENCHMARKS.md, session 5). */
#define HUGE_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)
static void *huge(void *p, size_t n)
{
	if (n >= HUGE_MIN) {
		uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
		uintptr_t to = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
		if (to > from)
			madvise((void *)from, to - from, MADV_HUGEPAGE); /* advice: failure changes nothing */
	}
	return p;
}

/* Memory touched all over, backed by 2 MB pages from its first byte to its
 * last: n bytes (zeroed if zero), to free().  A page fault costs ~7 us
 * here, and the corpus' resolve took ~15k of them on 4 KB pages (huge()
 * advises only the whole 2 MB pages inside a block).  Small blocks (under
 * 512 KB) come from malloc as usual. */
void *xmalloc_huge(size_t n, int zero)
{
	if (n < HUGE_PAGE / 4)
		return zero ? xcalloc(n, 1) : xmalloc(n);
	size_t sz = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	void *p = aligned_alloc(HUGE_PAGE, sz);
	if (!p)
		return zero ? xcalloc(n, 1) : xmalloc(n); /* fails as xmalloc does */
	madvise(p, sz, MADV_HUGEPAGE); /* advice: failure changes nothing */
	return zero ? memset(p, 0, n) : p;
}

/* One LSD radix pass body per element size, so that each move is a copy
 * of a known size. */
#define RADIX_PASS(T)                                                           \
	do {                                                                    \
		const T *s = (const T *)src;                                    \
		T *d = (T *)dst;                                                \
		for (size_t i = 0; i < n; i++) {                                \
			uint64_t k;                                             \
			memcpy(&k, &s[i], 8);                                   \
			d[c[k >> shift & 0xff]++] = s[i];                       \
		}                                                               \
	} while (0)

struct radix16 {
	unsigned char b[16];
};
struct radix24 {
	unsigned char b[24];
};

void sort_by_u64(void *v, size_t n, size_t size)
{
	if (n < 2)
		return;
	unsigned char *tmp = xmalloc_huge(n * size, 0), *src = v, *dst = tmp;
	size_t (*count)[257] = xcalloc(8, sizeof *count);
	for (size_t i = 0; i < n; i++) {
		uint64_t k;
		memcpy(&k, src + i * size, 8);
		for (int b = 0; b < 8; b++)
			count[b][(k >> 8 * b & 0xff) + 1]++;
	}
	uint64_t k0;
	memcpy(&k0, src, 8);
	for (int shift = 0; shift < 64; shift += 8) {
		size_t *c = count[shift / 8];
		if (c[(k0 >> shift & 0xff) + 1] == n)
			continue; /* one value of this byte: nothing to move */
		for (int b = 0; b < 256; b++)
			c[b + 1] += c[b];
		if (size == 8)
			RADIX_PASS(uint64_t);
		else if (size == 16)
			RADIX_PASS(struct radix16);
		else if (size == 24)
			RADIX_PASS(struct radix24);
		else
			for (size_t i = 0; i < n; i++) {
				uint64_t k;
				memcpy(&k, src + i * size, 8);
				memcpy(dst + c[k >> shift & 0xff]++ * size, src + i * size, size);
			}
		unsigned char *t = src;
		src = dst;
		dst = t;
	}
	if (src != (unsigned char *)v)
		memcpy(v, src, n * size);
	free(count);
	free(tmp);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return huge(p, n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return huge(p, n * size);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return huge(p, n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void buf_grow(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->p ? b->p : xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

int err_set(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void buf_add_json_str(struct buf *b, const char *s, size_t len)
{
	buf_addc(b, '"');
	size_t run = 0; /* bytes from run on need no escape: added in one go */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default: buf_printf(b, "\\u%04x", c);
		}
	}
	buf_add(b, s + run, len - run);
	buf_addc(b, '"');
}

void buf_add_json_text(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "null");
		return;
	}
	size_t n = strlen(s);
	if (utf8_valid(s, n)) {
		buf_add_json_str(b, s, n);
		return;
	}
	struct buf fixed = BUF_INIT;
	utf8_repair(&fixed, s, n);
	buf_add_json_str(b, fixed.p ? fixed.p : "", fixed.len);
	buf_free(&fixed);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, data, (gssize)len);
	memcpy(out, g_checksum_get_string(ck), 64);
	out[64] = 0;
	g_checksum_free(ck);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if it is
 * invalid: overlongs, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned min, cp;
	if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = c & 0x1F; }
	else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = c & 0x0F; }
	else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = c & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (p[i] < 0x80) { i++; continue; }
		size_t n = utf8_seq(p + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

size_t utf8_repair(struct buf *dst, const char *src, size_t len)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t bad = 0, i = 0, run = 0;
	buf_grow(dst, len);
	while (i < len) {
		size_t n = p[i] < 0x80 ? 1 : utf8_seq(p + i, len - i);
		if (n) {
			i += n;
			run += n;
			continue;
		}
		buf_add(dst, src + i - run, run);
		run = 0;
		buf_add(dst, "\xEF\xBF\xBD", 3);
		bad++;
		i++;
	}
	buf_add(dst, src + i - run, run);
	return bad;
}

char *str_trim(char *s)
{
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = 0;
	char *b = s;
	while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
		b++;
	if (b != s)
		memmove(s, b, strlen(b) + 1);
	return s;
}

int cpu_count(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

void phase_time(const char *who, const char *what)
{
	static int on = -1;
	static _Thread_local double last; /* each thread times its own phases */
	if (on < 0)
		on = getenv("WEFT_TIMES") != NULL;
	if (!on)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (what)
		fprintf(stderr, "%s: %-22s %6.2f s CPU\n", who, what, now - last);
	last = now;
}

void buf_add_uint(struct buf *b, unsigned long long v)
{
	char d[24], *p = d + sizeof d;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	buf_add(b, p, (size_t)(d + sizeof d - p));
}
