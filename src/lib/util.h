/*
 * util.h — the few primitives every weft module shares: one growable byte
 * buffer (struct buf), one error record (struct err), and allocation that
 * never returns NULL.  Like Redis's sds, every module uses these instead of
 * inventing its own.
 *
 * Ownership: a struct buf owns its bytes; buf_free() releases them and leaves
 * an empty buffer that can be reused.  struct err is a plain value on the
 * caller's stack; functions that fail fill it and return -1.
 */
#ifndef WEFT_UTIL_H
#define WEFT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define WEFT_VERSION "0.1.0"

struct buf {
	char *p;     /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hands the bytes to the caller (who frees them) and empties b. */
char *buf_detach(struct buf *b);

/* Error record: what failed and why, ready to print as "weft: <msg>". */
struct err {
	char msg[512];
};

/* Sets e->msg (if e is not NULL) and returns -1, so callers can write
 * `return err_set(e, "...")`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* n bytes (zeroed if zero) on 2 MB pages from first byte to last, for
 * arrays touched all over; to free(). */
void *xmalloc_huge(size_t n, int zero);
/* Sorts v[0, n), elements of size bytes (8, 16 or 24) that each start with
 * a uint64_t key, by that key, keeping the order of equal keys: an LSD
 * radix sort a byte at a time (the histograms of all eight bytes from one
 * pass; a byte alike in every key is not moved on). */
void sort_by_u64(void *v, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Appends s to b as a JSON string literal (quotes and escapes included),
 * escaped as cJSON escapes it, so that the CLI and the API agree. */
void buf_add_json_str(struct buf *b, const char *s, size_t len);
/* Appends s (NULL: null) to b as a JSON string, invalid UTF-8 replaced. */
void buf_add_json_text(struct buf *b, const char *s);

/* Lower-case hex of a SHA-256 digest of data: out must hold 65 bytes. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* Returns 1 if s (len bytes) is valid UTF-8. */
int utf8_valid(const char *s, size_t len);

/* Copies src to dst replacing each invalid UTF-8 sequence with U+FFFD;
 * returns the number of invalid bytes replaced. */
size_t utf8_repair(struct buf *dst, const char *src, size_t len);

/* Appends the decimal digits of v. */
void buf_add_uint(struct buf *b, unsigned long long v);

/* Trims ASCII whitespace at both ends, in place; returns s. */
char *str_trim(char *s);

/* The CPUs this process may run on (taskset and cgroup cpusets count), at
 * least 1. */
int cpu_count(void);

/* With WEFT_TIMES set in the environment, prints to stderr the CPU seconds
 * the calling thread used since its previous call, as "who: what  N s CPU"
 * (what NULL: only starts its clock).  For profiling the phases of a long
 * job; silent otherwise. */
void phase_time(const char *who, const char *what);

#endif
