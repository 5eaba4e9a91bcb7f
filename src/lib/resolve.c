/*
 * resolve.c — mentions to entities (see resolve.h).
 */
#include "resolve.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "graph.h"
#include "names.h"

/* Entities whose key matches ref's and that the matcher calls the same
 * name: the fallback for spellings not seen as aliases. */
static long long find_by_matcher(struct case_db *c, const char *ref, const char *type, struct buf *cands, int *n)
{
	struct buf key = BUF_INIT;
	names_key(ref, strlen(ref), &key, NULL);
	sqlite3_stmt *st;
	long long best = 0;
	long best_m = 0, second_m = 0;
	if (key.len && sqlite3_prepare_v2(c->db, "SELECT id, name, type, mentions FROM entities WHERE key=?1 AND (?2 IS NULL OR type=?2)"
						 " ORDER BY mentions DESC LIMIT 50", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key.p, -1, SQLITE_STATIC);
		if (type)
			sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 1);
			int same = 0;
			names_similarity(ref, strlen(ref), name, strlen(name), &same);
			if (!same)
				continue;
			buf_printf(cands, "%s%lld %s (%s)", (*n)++ ? ", " : "", (long long)sqlite3_column_int64(st, 0), name,
				   sqlite3_column_text(st, 2));
			long m = sqlite3_column_int(st, 3);
			if (!best) {
				best = sqlite3_column_int64(st, 0);
				best_m = m;
			} else if (m > second_m) {
				second_m = m;
			}
		}
		sqlite3_finalize(st);
	}
	buf_free(&key);
	/* several fit: the most mentioned, if it clearly dominates */
	if (*n > 1 && best_m >= 3 * second_m)
		*n = 1;
	return best;
}

long long resolve_find(struct case_db *c, const char *ref, const char *type, struct err *e)
{
	if (!ref || !*ref)
		return 0;
	char *end;
	long long id = strtoll(ref, &end, 10);
	sqlite3_stmt *st;
	if (*ref && !*end) {
		if (case_prepare(c, "SELECT id FROM entities WHERE id=?", &st, "finding entity", e) < 0)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		return id;
	}
	/* The entity the documents most often call that (any case), if it
	 * clearly dominates; the canonical name breaks a tie. */
	if (case_prepare(c,
			 "SELECT e.id, e.name, e.type, e.name = ?1 AS exact,"
			 " (SELECT total(count) FROM aliases a WHERE a.entity = e.id AND a.alias = ?1 COLLATE NOCASE) AS uses,"
			 " e.mentions"
			 " FROM entities e WHERE (?2 IS NULL OR e.type=?2) AND"
			 " (e.name = ?1 COLLATE NOCASE OR e.id IN (SELECT entity FROM aliases WHERE alias = ?1 COLLATE NOCASE))"
			 " ORDER BY uses DESC, exact DESC, e.mentions DESC LIMIT 4",
			 &st, "finding entity", e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if (type)
		sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	long long ids[4] = {0};
	double uses[4] = {0};
	long ments[4] = {0};
	int exact0 = 0, n = 0;
	struct buf cands = BUF_INIT;
	while (n < 4 && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		uses[n] = sqlite3_column_double(st, 4);
		ments[n] = sqlite3_column_int(st, 5);
		if (n == 0)
			exact0 = sqlite3_column_int(st, 3);
		buf_printf(&cands, "%s%lld %s (%s)", n ? ", " : "", ids[n], sqlite3_column_text(st, 1),
			   sqlite3_column_text(st, 2));
		n++;
	}
	sqlite3_finalize(st);
	long long found = 0;
	/* how the documents use the name decides; the name itself breaks ties */
	if (n == 1 || (n > 1 && (uses[0] >= 2 * uses[1] || (exact0 && uses[0] >= uses[1]) ||
				 (uses[0] == uses[1] && ments[0] >= 3 * ments[1]))))
		found = ids[0];
	else if (n > 1)
		found = err_set(e, "'%s' could be: %s; give the id", ref, cands.p);
	else {
		found = find_by_matcher(c, ref, type, &cands, &n);
		if (n > 1 && found)
			found = err_set(e, "'%s' could be: %s; give the id", ref, cands.p);
	}
	buf_free(&cands);
	return found;
}

/* ---- resolve_all ---- */

/* Many small blocks freed all at once: the texts and parsed names of a
 * resolve (the corpus has 82k and 71k), from chunks of 4 MB (xmalloc_huge):
 * malloc touching fresh 4 KB pages one by one took ~0.05 s of the
 * corpus'. */
struct arena {
	char *p;                /* the current chunk's free bytes */
	size_t left;
	char **chunk;           /* every chunk, to free */
	size_t nchunk;
};

#define ARENA_CHUNK ((size_t)4 << 20)

/* n bytes from a (a struct arena *), aligned for any scalar; never NULL. */
static void *arena_alloc(void *a_, size_t n)
{
	struct arena *a = a_;
	n = (n + 15) & ~(size_t)15;
	if (n > a->left) {
		size_t sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		a->chunk = xrealloc(a->chunk, (a->nchunk + 1) * sizeof *a->chunk);
		a->p = a->chunk[a->nchunk++] = xmalloc_huge(sz, 0);
		a->left = sz;
	}
	void *r = a->p;
	a->p += n;
	a->left -= n;
	return r;
}

static void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->nchunk; i++)
		free(a->chunk[i]);
	free(a->chunk);
	memset(a, 0, sizeof *a);
}

/* A slot of an open-addressing table of pointers found by a 64-bit hash
 * (NULL: free).  Kept less than half full, a power of two in size: the
 * texts' and the keys' tables.  (A GHashTable took three cache misses a
 * row: its hashes, keys and values apart.) */
struct hslot {
	uint64_t hash;
	void *p;
};

/* Makes room for one more entry in the table *slot of *cap slots, n of
 * them used: doubles it (from first slots) once it would be half full. */
static void hslots_room(struct hslot **slot, size_t *cap, size_t n, size_t first)
{
	if (2 * (n + 1) <= *cap)
		return;
	size_t ncap = *cap ? 2 * *cap : first;
	struct hslot *g = xmalloc_huge(ncap * sizeof *g, 1);
	for (size_t j = 0; j < *cap; j++) {
		if (!(*slot)[j].p)
			continue;
		size_t i = (*slot)[j].hash & (ncap - 1);
		while (g[i].p)
			i = (i + 1) & (ncap - 1);
		g[i] = (*slot)[j];
	}
	free(*slot);
	*slot = g;
	*cap = ncap;
}

/* The keys of the texts and norms, each string once (equal keys, equal
 * pointers), the strings in mem.  (A GHashTable of strdup'd keys took
 * longer: its hashes, keys and allocations apart.) */
struct keyset {
	struct hslot *slot;     /* p: the string */
	size_t cap, n;
	struct arena mem;
};

/* The one copy of s in t, added if new. */
static const char *keys_intern(struct keyset *t, const char *s)
{
	size_t len = strlen(s);
	uint64_t h = XXH3_64bits(s, len);
	hslots_room(&t->slot, &t->cap, t->n, 65536);
	size_t i = h & (t->cap - 1);
	for (; t->slot[i].p; i = (i + 1) & (t->cap - 1))
		if (t->slot[i].hash == h && !strcmp(t->slot[i].p, s))
			return t->slot[i].p;
	char *own = memcpy(arena_alloc(&t->mem, len + 1), s, len + 1);
	t->slot[i] = (struct hslot){h, own};
	t->n++;
	return own;
}

static void keys_free(struct keyset *t)
{
	free(t->slot);
	arena_free(&t->mem);
}

/* One distinct surface text, normalised once however often it occurs. */
struct surf {
	char *text;             /* whitespace collapsed */
	char *norm;             /* NULL: nothing left of the name (else in raw) */
	const char *key;        /* names_key(text), shared: equal keys, equal pointers */
	int ntok;               /* words in norm */
	int id;                 /* 0, 1, ... in the order first seen */
	int ni;                 /* norm's index in struct norms, or -1 */
	int person_title;       /* has_person_title(text) */
	char acro[16];          /* is_acronym(text): the acronym, or "" */
	char (*ini)[16];        /* text's initials read three ways (abbreviates),
	                         * NULL until needed */
	size_t raw_len;
	char raw[];             /* the text as stored, raw_len bytes and a NUL
	                         * (then norm's bytes) */
};

/* The distinct texts of the mentions, found by their bytes. */
struct surfs {
	struct hslot *slot;     /* p: the struct surf */
	size_t cap, n;
	struct arena mem;       /* the surfs themselves, their collapsed texts and initials */
};

/* The surf of text s[0, len) (hash h), or NULL. */
static struct surf *surfs_find(const struct surfs *t, const char *s, size_t len, uint64_t h)
{
	if (!t->cap)
		return NULL;
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct surf *sf = t->slot[i].p;
		if (!sf)
			return NULL;
		if (t->slot[i].hash == h && sf->raw_len == len && !memcmp(sf->raw, s, len))
			return sf;
	}
}

/* Adds sf (not in t) under hash h; sf->id becomes its number. */
static void surfs_add(struct surfs *t, struct surf *sf, uint64_t h)
{
	hslots_room(&t->slot, &t->cap, t->n, 262144); /* the corpus has 82k texts */
	size_t i = h & (t->cap - 1);
	while (t->slot[i].p)
		i = (i + 1) & (t->cap - 1);
	t->slot[i] = (struct hslot){h, sf};
	sf->id = (int)t->n++;
}

struct rmention {
	long long id, doc;
	long long was;          /* its entity before this run (0: none), to write only changes */
	struct surf *sf;        /* its text (text, norm, key, ntok) */
	int rn;                 /* the index in struct norms of the fuller form it
	                         * stands for, or of sf->norm */
	int form;               /* index into forms after grouping */
	int cluster;            /* its cluster: its form's, unless its context says otherwise */
	signed char type;       /* index into entity_types */
	unsigned char moved;    /* rn stands for another text than sf's (an
	                         * acronym's long form, a surname's full name) */
};                              /* 48 bytes: the corpus has 484k */

static const char *const entity_types[] = {"PER", "ORG", "LOC", "MISC"};
#define NTYPES 4

static int type_index(const char *t)
{
	/* the only one it can be: the types' first letters differ (the
	 * corpus' 132k dates, addresses ... are told at the first letter) */
	int i = t[0] == 'P' ? 0 : t[0] == 'O' ? 1 : t[0] == 'L' ? 2 : t[0] == 'M' ? 3 : -1;
	return i >= 0 && !strcmp(t, entity_types[i]) ? i : -1;
}

static int ntokens(const char *norm)
{
	int n = *norm ? 1 : 0;
	for (const char *p = norm; *p; p++)
		n += *p == ' ';
	return n;
}

/* A string to rank: its first 8 bytes as a big-endian number (zeros past
 * its end) decide most comparisons without strcmp. */
struct ranked {
	uint64_t head;
	const char *s;
	int i;
};

/* As strcmp(x->s, y->s). */
static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	if (!(x->head & 0xff)) /* both end within the 8 bytes, alike */
		return 0;
	return strcmp(x->s + 8, y->s + 8);
}

/* Sorts v[0, n) as cmp_ranked does: a radix sort of the heads
 * (sort_by_u64), then each run of equal heads longer than 8 bytes by the
 * rest.  (qsort took 0.03 s for the corpus' 71k keys and 82k texts.) */
static void sort_ranked(struct ranked *v, size_t n)
{
	sort_by_u64(v, n, sizeof *v);
	for (size_t g0 = 0, i = 1; i <= n; i++)
		if (i == n || v[i].head != v[g0].head) {
			if (i - g0 > 1 && (v[g0].head & 0xff))
				qsort(v + g0, i - g0, sizeof *v, cmp_ranked);
			g0 = i;
		}
}

/* Sets rank[i] to the rank of s[i] among s[0, n) in strcmp order, equal
 * strings ranking alike, so that they compare as integers; a NULL s[i]
 * gets -1. */
static void rank_strings(const char *const *s, size_t n, int *rank)
{
	struct ranked *v = xmalloc_huge((n ? n : 1) * sizeof *v, 0);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		rank[i] = -1;
		if (!s[i])
			continue;
		uint64_t head = 0;
		size_t b = 0;
		for (; b < 8 && s[i][b]; b++)
			head |= (uint64_t)(unsigned char)s[i][b] << (56 - 8 * b);
		v[k++] = (struct ranked){head, s[i], (int)i};
	}
	sort_ranked(v, k);
	for (size_t j = 0, r = 0; j < k; j++) {
		if (j && cmp_ranked(&v[j - 1], &v[j]))
			r++;
		rank[v[j].i] = (int)r;
	}
	free(v);
}

/* An acronym: 2–8 letters, all capitals, dots allowed ("IRGC", "U.N."). */
static int is_acronym(const char *s, char *out, size_t outlen)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s == '.')
			continue;
		if (!isupper((unsigned char)*s) || n + 1 >= outlen)
			return 0;
		out[n++] = *s;
	}
	out[n] = 0;
	return n >= 2 && n <= 8;
}

/* The initials of s read three ways into ini[mode]: of its capitalised
 * words ("Islamic Revolutionary Guard Corps" = IRGC), of every word but
 * "and"/"the"/"&" ("Ministry of Intelligence and Security" = MOIS), or of
 * every word. */
static void initials(const char *s, char ini[3][16])
{
	for (int mode = 0; mode < 3; mode++) {
		size_t n = 0;
		const char *w = s;
		while (*w && n + 1 < sizeof ini[0]) {
			while (*w == ' ' || *w == '-' || *w == '\n')
				w++;
			if (!*w)
				break;
			const char *we = w;
			while (*we && *we != ' ' && *we != '-' && *we != '\n')
				we++;
			size_t wl = (size_t)(we - w);
			int skip = mode == 0 ? !isupper((unsigned char)*w)
				   : mode == 1 ? (wl == 3 && !strncasecmp(w, "and", 3)) || (wl == 3 && !strncasecmp(w, "the", 3)) ||
						 (wl == 1 && *w == '&')
				   : 0;
			if (!skip && isalpha((unsigned char)*w))
				ini[mode][n++] = (char)toupper((unsigned char)*w);
			w = we;
		}
		ini[mode][n] = 0;
	}
}

/* 1 if acro (an acronym: two letters or more) abbreviates the long form sf,
 * one of whose initials (initials(), read once per text, kept in mem) it
 * is. */
static int abbreviates(const char *acro, struct surf *sf, struct arena *mem)
{
	if (!sf->ini) {
		sf->ini = arena_alloc(mem, 3 * sizeof *sf->ini);
		initials(sf->text, sf->ini);
	}
	for (int mode = 0; mode < 3; mode++) /* the first letters first: they mostly differ */
		if (sf->ini[mode][0] == acro[0] && !strcmp(sf->ini[mode], acro))
			return 1;
	return 0;
}

/* Acronyms too common to need a definition in the text. */
static const char *const known_acronyms[][2] = {
	{"US", "united states"}, {"USA", "united states"}, {"UK", "united kingdom"},
	{"UN", "united nations"}, {"EU", "european union"}, {"CIA", "central intelligence agency"},
	{"FBI", "federal bureau of investigation"}, {"NATO", "north atlantic treaty organization"},
	{"UAE", "united arab emirates"}, {"IAEA", "international atomic energy agency"},
};

/* ---- ordinary words ----
 * A name that is also a word the case's own text writes in lower case,
 * often ("union", "born", "suite"), is matched by its letters only
 * (NAMES_TOK_WORD, names.h): by sound classes "The Onion" joined the
 * European Union and "Born" Gordon Brown.  Transliterated names
 * (Soleimani, Umar, Usama) are hardly ever written in lower case and keep
 * their fuzzy matching. */

/* A word is ordinary when the text writes it in lower case at least
 * WORD_MIN_LOWER times and in one use of WORD_LOWER_SHARE or more of those
 * not in capitals throughout ("union" 117 of 594 in the corpus; "brown" 9
 * of 998, "kaminski" 12 of 344 (e-mail addresses left out), "soleimani"
 * never). */
#define WORD_MIN_LOWER 3
#define WORD_LOWER_SHARE 20
#define WORD_MAX 19             /* words as long or longer are not looked at (a
                                 * word a slot of 32 bytes) */

/* A word of the norms, and how the text writes it: a slot of the table,
 * its letters in it, so that the lookup of each word of the text reads
 * one cache line (the corpus' text has 5M words). */
struct text_word {
	uint32_t tag;           /* the hash's high half, never 0; 0: an empty slot */
	uint32_t lower, upper;  /* uses written "word", "Word" */
	unsigned char len;
	char s[WORD_MAX];       /* its letters, len of them */
};

/* The words of the norms, found by their letters (open addressing). */
struct text_words {
	struct text_word *v;
	size_t cap, n;          /* cap: a power of two, n at most 3/4 of it */
};

/* A hash of a short word, cheap enough for every word of the text: an
 * FNV-1a step a letter (word_hash_step), finished by word_hash_end. */
#define WORD_HASH_START 0xcbf29ce484222325u
static inline uint64_t word_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3u;
}

static inline uint64_t word_hash_end(uint64_t h)
{
	h ^= h >> 29;
	return h * 0xbf58476d1ce4e5b9u;
}

static uint64_t word_hash(const char *s, size_t len)
{
	uint64_t h = WORD_HASH_START;
	for (size_t i = 0; i < len; i++)
		h = word_hash_step(h, (unsigned char)s[i]);
	return word_hash_end(h);
}

/* The slot of s[0, len) (hash h; len < WORD_MAX) in t: its word's, or
 * the empty slot where it would go.  first, if not 0, replaces s[0] (a
 * capital read as its small letter). */
static struct text_word *words_slot(const struct text_words *t, const char *s, size_t len, uint64_t h, char first)
{
	uint32_t tag = (uint32_t)(h >> 32) | 1;
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct text_word *w = &t->v[i];
		if (!w->tag || (w->tag == tag && w->len == len && w->s[0] == (first ? first : s[0]) &&
				!memcmp(w->s + 1, s + 1, len - 1)))
			return w;
	}
}

/* Adds s[0, len) (1 <= len < WORD_MAX) to t if new. */
static void words_add(struct text_words *t, const char *s, size_t len)
{
	if (4 * (t->n + 1) > 3 * t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 65536; /* (3 MB at first: on 2 MB pages, ~500 faults fewer) */
		struct text_words g = {xmalloc_huge(cap * sizeof *g.v, 1), cap, t->n};
		for (size_t j = 0; j < t->cap; j++)
			if (t->v[j].tag)
				*words_slot(&g, t->v[j].s, t->v[j].len, word_hash(t->v[j].s, t->v[j].len), 0) = t->v[j];
		free(t->v);
		*t = g;
	}
	uint64_t h = word_hash(s, len);
	struct text_word *w = words_slot(t, s, len, h, 0);
	if (!w->tag) {
		w->tag = (uint32_t)(h >> 32) | 1;
		w->len = (unsigned char)len;
		memcpy(w->s, s, len);
		t->n++;
	}
}

/* 1 if w is written as an ordinary word. */
static int word_ordinary(const struct text_word *w)
{
	return w->lower >= WORD_MIN_LOWER && (size_t)w->lower * WORD_LOWER_SHARE >= (size_t)w->lower + w->upper;
}

/* 1 if s[0, len) is a word of t that the text writes as an ordinary word. */
static int words_ordinary(const struct text_words *t, const char *s, size_t len)
{
	if (!t->n || !len || len >= WORD_MAX)
		return 0;
	const struct text_word *w = words_slot(t, s, len, word_hash(s, len), 0);
	return w->tag && word_ordinary(w);
}

static int ascii_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Counts in t the words of p[0, n) written in lower case or capitalised
 * (capitals throughout say nothing: cables shout every word).  A word
 * against a digit, a non-ASCII letter or in an address (@ . / _ before
 * it; @ _ or a dot and a letter after it: "vince.kaminski@enron.com",
 * "www.union.org") is not counted. */
static void words_count_text(struct text_words *t, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (!ascii_letter(p[i])) {
			i++;
			continue;
		}
		char first = (char)(p[i] | 0x20);
		uint64_t h = word_hash_step(WORD_HASH_START, (unsigned char)first);
		size_t j = i + 1;
		int lower = 1;
		for (; j < n && ascii_letter(p[j]); j++) {
			lower &= p[j] >= 'a';
			h = word_hash_step(h, p[j]);
		}
		size_t len = j - i;
		unsigned char before = i ? p[i - 1] : ' ', after = j < n ? p[j] : ' ';
		int in_address = (before && strchr("@./_\\", before)) || after == '@' || after == '_' ||
				 (after == '.' && j + 1 < n && ascii_letter(p[j + 1]));
		if (lower && len >= 2 && len < WORD_MAX && before < 0x80 && after < 0x80 && !isdigit(before) &&
		    !isdigit(after) && !in_address) {
			struct text_word *w = words_slot(t, (const char *)p + i, len, word_hash_end(h), first);
			if (w->tag) {
				if (p[i] >= 'a')
					w->lower++;
				else
					w->upper++;
			}
		}
		i = j;
	}
}

/* One distinct normalised form (a text's norm, or an acronym's long
 * form), parsed and keyed once a form of it is made (a text's own norm may
 * be none's: "Gen. Soleimani" resolved to "qassem soleimani"). */
struct norm {
	const char *s;          /* borrowed from its surf or acronym */
	const char *key;        /* names_key(s), else s; shared through the keys'
	                         * table; NULL until a form is made of it */
	int krank;              /* key's rank among the keys, in strcmp order */
	int ntok;               /* words in s */
	struct names_name *parsed; /* s parsed (in struct norms' arena), NULL
	                            * until asked for (norm_name) */
};

struct form {
	const char *norm;       /* resolved normalised form */
	const char *key;        /* its names_key (its struct norm's) */
	long count;
	struct norm *nr;        /* its struct norm, which parses it */
	const struct names_name *name; /* nr's parse (form_name): one pointer less
	                                * to follow in the compares */
	int type;
	int cluster;
	int tokens;
	int ni;                 /* norm's index in struct norms */
	int krank;              /* key's rank among the keys, in strcmp order */
};

/* The distinct normalised forms, found by their bytes as struct surfs
 * finds texts: slot i + 1 in v, 0 for none. */
struct norms {
	struct norm *v;
	size_t n, cap;
	struct norm_slot {
		uint64_t hash;
		int i;
	} *slot;
	size_t scap;            /* a power of two, more than twice n */
	struct arena mem;       /* the parsed names */
	const struct text_words *words; /* the case's ordinary words, once counted */
	size_t nword;           /* tokens parsed that are ordinary words */
};

/* The index of norm s[0, len) (NUL-terminated there; borrowed, so it must
 * outlive t) in t, added if new. */
static int norms_add(struct norms *t, const char *s, size_t len)
{
	uint64_t h = XXH3_64bits(s, len);
	if (2 * (t->n + 1) > t->scap) {
		size_t cap = t->scap ? 2 * t->scap : 262144; /* the corpus has 71k */
		struct norm_slot *g = xmalloc_huge(cap * sizeof *g, 1);
		for (size_t j = 0; j < t->scap; j++) {
			if (!t->slot[j].i)
				continue;
			size_t i = t->slot[j].hash & (cap - 1);
			while (g[i].i)
				i = (i + 1) & (cap - 1);
			g[i] = t->slot[j];
		}
		free(t->slot);
		t->slot = g;
		t->scap = cap;
	}
	size_t i = h & (t->scap - 1);
	for (; t->slot[i].i; i = (i + 1) & (t->scap - 1)) {
		const struct norm *r = &t->v[t->slot[i].i - 1];
		if (t->slot[i].hash == h && !strncmp(r->s, s, len) && !r->s[len])
			return t->slot[i].i - 1;
	}
	if (t->n == t->cap) { /* the corpus has 71k */
		struct norm *v = xmalloc_huge((t->cap = t->cap ? 2 * t->cap : 131072) * sizeof *v, 0);
		if (t->n)
			memcpy(v, t->v, t->n * sizeof *v);
		free(t->v);
		t->v = v;
	}
	t->v[t->n] = (struct norm){.s = s, .ntok = ntokens(s)};
	t->slot[i] = (struct norm_slot){h, (int)++t->n};
	return (int)t->n - 1;
}

/* r parsed (into t's arena), the first time it is asked for. */
static const struct names_name *norm_name(struct norms *t, struct norm *r)
{
	if (!r->parsed) {
		r->parsed = arena_alloc(&t->mem, sizeof *r->parsed);
		names_parse_with(r->s, strlen(r->s), r->parsed, arena_alloc, &t->mem, NULL);
		for (size_t i = 0; t->words && i < r->parsed->ntok; i++) {
			struct names_token *k = &r->parsed->tok[i];
			if (!(k->flags & NAMES_TOK_ABJAD) && words_ordinary(t->words, k->text, k->len)) {
				k->flags |= NAMES_TOK_WORD;
				t->nword++;
			}
		}
	}
	return r->parsed;
}

/* f's norm parsed (cluster_forms parses each form's). */
static const struct names_name *form_name(const struct form *f)
{
	assert(f->name);
	return f->name;
}

static void norms_free(struct norms *t)
{
	free(t->v);
	free(t->slot);
	arena_free(&t->mem);
}

/* The counts count_words() found are kept in the case (table word_uses)
 * for the documents of meta 'word_uses' (WORDS_SIG: their number and
 * greatest id, as script_documents counts them: documents are only ever
 * added), so that a resolve after a correction does not read the whole
 * text again (~0.2 s CPU on the corpus, for ~20 ms). */
#define WORDS_SIG 64

/* Reads the kept counts of t's words; returns how many of t's words it had
 * (t->n: no need to read the text), or -1 with e set. */
static long words_recall(struct case_db *c, struct text_words *t, const char *sig, struct err *e)
{
	sqlite3_stmt *st;
	long found = 0;
	int rc = case_meta_is(c, "word_uses", sig, "reading the text's words", e);
	if (rc <= 0)
		return rc;
	if (case_prepare(c, "SELECT word, lower, upper FROM word_uses", &st, "reading the text's words", e) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		if (!len || len >= WORD_MAX)
			continue;
		struct text_word *w = words_slot(t, s, len, word_hash(s, len), 0);
		if (!w->tag)
			continue;
		w->lower = (uint32_t)sqlite3_column_int64(st, 1);
		w->upper = (uint32_t)sqlite3_column_int64(st, 2);
		found++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? found : case_fail(c, "reading the text's words", e);
}

/* Keeps t's counts for the documents of sig. */
static int words_keep(struct case_db *c, const struct text_words *t, const char *sig, struct err *e)
{
	sqlite3_stmt *st;
	if (case_exec(c, "DELETE FROM word_uses", "keeping the text's words", e) < 0 ||
	    case_prepare(c, "INSERT INTO word_uses(word, lower, upper) VALUES(?, ?, ?)", &st, "keeping the text's words",
			 e) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < t->cap && rc == 0; i++) {
		const struct text_word *w = &t->v[i];
		if (!w->tag)
			continue;
		sqlite3_bind_text(st, 1, w->s, w->len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, w->lower);
		sqlite3_bind_int64(st, 3, w->upper);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : case_fail(c, "keeping the text's words", e);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : case_meta_set(c, "word_uses", sig, "keeping the text's words", e);
}

/* Fills t with the words of the norms nt->v[0, n) (letters a-z only) and
 * counts how the documents' text writes them (or reads the counts kept
 * for the documents of sig, when they have them all).  0, or -1 with e
 * set. */
static int count_words(struct case_db *c, const struct norm *v, size_t n, const char *sig, struct text_words *t,
		       struct err *e)
{
	for (size_t i = 0; i < n; i++)
		for (const char *s = v[i].s; *s;) {
			size_t len = strcspn(s, " ");
			size_t k = 0;
			while (k < len && s[k] >= 'a' && s[k] <= 'z')
				k++;
			if (k == len && len >= 2 && len < WORD_MAX)
				words_add(t, s, len);
			s += len + (s[len] == ' ');
		}
	if (!t->n)
		return 0;
	long known = words_recall(c, t, sig, e);
	if (known < 0)
		return -1;
	if ((size_t)known == t->n)
		return 0;
	for (size_t i = 0; i < t->cap; i++) /* counted again, from the text */
		t->v[i].lower = t->v[i].upper = 0;
	sqlite3_stmt *st;
	if (case_prepare(c, "SELECT body FROM documents WHERE body IS NOT NULL", &st, "reading the text's words", e) < 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW)
		words_count_text(t, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	if (sqlite3_finalize(st) != SQLITE_OK)
		return err_set(e, "reading the text's words: %s", sqlite3_errmsg(c->db));
	return words_keep(c, t, sig, e);
}

struct cluster {
	int type;
	int best_form;          /* the form the cluster grew from (compared against) */
	int name_form;          /* the form its name is taken from */
	long count;
	long long entity;
	const struct names_name *best; /* best_form's name, once compared (cluster_forms) */
};

static int cmp_form_key(const void *a, const void *b)
{
	const struct form *x = a, *y = b;
	if (x->krank != y->krank)
		return x->krank < y->krank ? -1 : 1; /* as strcmp(x->key, y->key) */
	if (x->type != y->type)
		return x->type - y->type; /* PER first */
	if (x->tokens != y->tokens)
		return y->tokens - x->tokens; /* full names first */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->norm, y->norm);
}

/* The indexes of the mentions of m[0, n) with two words or more, in order,
 * into *out (grown as needed); returns how many. */
static size_t long_mentions(const struct rmention *m, size_t n, size_t **out, size_t *cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i].sf->ntok < 2)
			continue;
		if (k == *cap)
			*out = xrealloc(*out, (*cap = *cap ? 2 * *cap : 64) * sizeof **out);
		(*out)[k++] = i;
	}
	return k;
}

/* An acronym's long form, known or defined somewhere in the case. */
struct acro_form {
	char *full;             /* normalised */
	int ni;                 /* its index in struct norms */
};

/* The normalised long form that acronym acro (a mention's text, of type)
 * stands for in the document m[0, n) whose mentions of two words or more
 * are lng[0, nlng): the first such mention of that type it abbreviates;
 * failing that, acros' (acronym -> struct acro_form); else NULL.  *ni gets
 * the form's index in struct norms.  mem: the texts' arena (abbreviates). */
static char *acronym_long_form(const struct rmention *m, const size_t *lng, size_t nlng, int type, const char *acro,
			       GHashTable *acros, struct arena *mem, int *ni)
{
	for (size_t x = 0; x < nlng; x++) {
		const struct rmention *l = &m[lng[x]];
		if (l->type == type && abbreviates(acro, l->sf, mem)) {
			*ni = l->sf->ni;
			return l->sf->norm;
		}
	}
	const struct acro_form *af = g_hash_table_lookup(acros, acro);
	if (!af)
		return NULL;
	*ni = af->ni;
	return af->full;
}

/* The first mention of each (text, type) in one document at a time:
 * at[i] for i = text id * NTYPES + type, valid where stamp[i] is now (a
 * search back through the document was quadratic in its acronyms). */
struct first_seen {
	int *stamp, *at;
	int now;
};

static struct first_seen first_seen_new(size_t ntexts)
{
	size_t n = (ntexts * NTYPES + 1) * sizeof(int);
	return (struct first_seen){xmalloc_huge(n, 1), xmalloc_huge(n, 0), 0};
}

static void first_seen_free(struct first_seen *fs)
{
	free(fs->stamp);
	free(fs->at);
}

/* The index of the first mention of mention i's (text, type) in the
 * current document, marking i as that if it is the first. */
static int first_of(struct first_seen *fs, const struct rmention *m, int i)
{
	size_t k = (size_t)m[i].sf->id * NTYPES + (size_t)m[i].type;
	if (fs->stamp[k] != fs->now) {
		fs->stamp[k] = fs->now;
		fs->at[k] = i;
	}
	return fs->at[k];
}

/* A person named with two words or more in a document (resolve_in_doc). */
struct doc_person {
	const char *key;        /* the text's key (shared: one pointer per string) */
	int ni;                 /* its norm's index in struct norms */
};

/* Within one document: a one-word person mention takes the fuller name of
 * the same document that ends (or starts) with it, when exactly one does;
 * an acronym takes the long form it abbreviates.  A text seen again in the
 * document resolves as it did the first time.  mem: the texts' arena;
 * lng and people: scratch space, grown as needed (*lcap, *pcap). */
static void resolve_in_doc(struct rmention *m, size_t n, GHashTable *acros, struct arena *mem, size_t **lng,
			   size_t *lcap, struct doc_person **people, size_t *pcap, struct first_seen *fs)
{
	size_t nlng = long_mentions(m, n, lng, lcap), npeople = 0;
	/* the people among them, in order, read once for all of the
	 * document's one-word mentions (each read every long mention's
	 * text: 2% of a resolve of the corpus) */
	for (size_t x = 0; x < nlng; x++) {
		const struct rmention *l = &m[(*lng)[x]];
		if (l->type != 0)
			continue;
		if (npeople == *pcap)
			*people = xrealloc(*people, (*pcap = *pcap ? 2 * *pcap : 64) * sizeof **people);
		(*people)[npeople++] = (struct doc_person){l->sf->key, l->sf->ni};
	}
	fs->now++;
	for (size_t i = 0; i < n; i++) {
		struct rmention *a = &m[i];
		const char *acro = a->sf->acro;
		if ((a->type == 1 || a->type == 3 || a->type == 2) && *acro) {
			/* (same text, same acronym: an earlier one of this type
			 * took this branch too) */
			size_t k = (size_t)first_of(fs, m, (int)i);
			if (k < i) {
				a->moved = m[k].moved; /* the same text */
				a->rn = m[k].rn;
				continue;
			}
			int ni;
			char *full = acronym_long_form(m, *lng, nlng, a->type, acro, acros, mem, &ni);
			if (full) {
				a->moved = 1;
				a->rn = ni;
			}
			continue;
		}
		/* a one-word mention (whatever the tagger called it: "al-Abadi"
		 * is often MISC) stands for the one person of this document
		 * with that surname */
		if (a->type == 2 || a->sf->ntok != 1)
			continue;
		const char *key = a->sf->key;
		int ambiguous = 0, fni = -1;
		for (size_t x = 0; x < npeople; x++) {
			const struct doc_person *l = &(*people)[x];
			if (l->key != key) /* keys are shared: one pointer per string */
				continue;
			if (fni >= 0 && fni != l->ni) /* equal norms, equal indexes */
				ambiguous = 1;
			fni = l->ni;
		}
		if (fni >= 0 && !ambiguous) {
			a->moved = 1;
			a->rn = fni;
			a->type = 0;
		}
	}
}

/* 1 if s starts with a title that only people carry ("Gen. Soleimani",
 * "Ambassador Danaeifar"). */
static int has_person_title(const char *s)
{
	static const char *const titles[] = {"Mr", "Mrs", "Ms", "Dr", "Gen", "General", "President", "Minister",
					     "Ambassador", "Amb", "Sheikh", "Shaykh", "Ayatollah", "Sayyid", "Seyyed",
					     "Col", "Colonel", "Maj", "Major", "Brig", "Lt", "Capt", "Sen", "Senator",
					     "Rep", "Gov", "Governor", "Prince", "King", "Queen", "Judge", "Imam", "Haji"};
	size_t w = 0;
	while (isalpha((unsigned char)s[w]))
		w++;
	if (!w || (s[w] != ' ' && s[w] != '.') || !s[w + 1])
		return 0;
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
		if (strlen(titles[i]) == w && !strncasecmp(s, titles[i], w))
			return 1;
	return 0;
}

/* A copy of s (in a) with each run of whitespace made one space
 * ("Quds\nForce"), or NULL if s has no whitespace: it is its own. */
static char *collapse_space(const char *s, struct arena *a)
{
	if (!s[strcspn(s, " \n\t\r")])
		return NULL;
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;
	int sp = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			sp = o > out;
			continue;
		}
		if (sp)
			*o++ = ' ';
		sp = 0;
		*o++ = *s;
	}
	*o = 0;
	return out;
}

/* Words of cable and e-mail furniture that the tagger sometimes takes for
 * names: classification markings, handling caveats, header words, the
 * weekdays of Date lines.  They
 * would otherwise be the most central "entities" of a Cablegate case. */
static int is_furniture(const char *s)
{
	static const char *const words[] = {
		"NF", "NOFORN", "SBU", "FOUO", "SIPDIS", "SIPRNET", "NODIS", "EXDIS", "LIMDIS", "ORCON", "REL",
		"CONFIDENTIAL", "SECRET", "UNCLASSIFIED", "CLASSIFIED", "TAGS", "SUBJECT", "SUBJ", "REF", "REFS",
		"E.O.", "EO", "DECL", "REASON", "SENSITIVE", "PDT", "PST", "EDT", "EST", "CST", "CDT", "GMT", "UTC",
		"RE", "FW", "FWD", "CC", "BCC", "AM", "PM", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
		"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
	size_t len = strlen(s);
	for (size_t i = 0; len <= 12 && i < sizeof words / sizeof *words; i++) /* 12: the longest */
		if (strlen(words[i]) == len && !strcasecmp(s, words[i]))
			return 1;
	/* a redaction ("XXXXXXXXXXXX" in the cables) or a bare number is nobody */
	size_t x = strspn(s, "Xx"), d = strspn(s, "0123456789.,-");
	return (x >= 3 && !s[x]) || (d && !s[d]);
}

static void surfs_free(struct surfs *t)
{
	free(t->slot);
	arena_free(&t->mem);
}

/* A row of mentions as read, waiting in a batch (struct row_batch) for
 * its text to be looked up. */
struct mention_row {
	long long id, doc, was; /* was: its entity, 0 for none */
	size_t text, len;       /* its text: at text in the batch's bytes, len bytes and a NUL */
	uint64_t hash;          /* XXH3 of the text */
	int type;               /* index in entity_types */
	int linked;             /* its entity is not NULL */
};

/* Rows read ahead of their lookup: their texts' slots in the table of
 * texts are asked of memory for the whole batch first, and each text's
 * struct surf a few rows ahead, so that the lookups find them in cache
 * (one by one, the corpus' 484k lookups each waited for two reads from
 * memory: ~0.045 s). */
#define ROW_BATCH 64
struct row_batch {
	struct mention_row row[ROW_BATCH];
	size_t n;
	struct buf bytes;       /* the texts, each NUL-terminated */
};

/* Adds the mention of row (its text at text) as (*m)[k] (grown as needed),
 * its text looked up in pool or added to it (keys shares the keys); a mention with
 * nothing of a name left goes to *stale instead if it has an entity.
 * b[0] and b[1] are scratch space.  Returns the new count. */
static size_t add_mention(const struct mention_row *row, const char *text, struct surfs *pool, struct keyset *keys,
			  struct norms *nt, struct rmention **m, size_t k, size_t *cap, long long **stale, size_t *nstale,
			  size_t *scap, struct buf b[2])
{
	size_t len = row->len;
	uint64_t h = row->hash;
	struct surf *sf = surfs_find(pool, text, len, h);
	if (!sf) {
		names_normalize_key(text, len, &b[0], &b[1], NULL); /* one analysis for both */
		size_t size = sizeof *sf + len + 1 + b[0].len + 1;
		sf = memset(arena_alloc(&pool->mem, size), 0, size);
		memcpy(sf->raw, text, len);
		sf->raw_len = len;
		sf->text = collapse_space(text, &pool->mem);
		if (!sf->text)
			sf->text = sf->raw;
		sf->ni = -1;
		if (b[0].len && !is_furniture(sf->text)) {
			sf->norm = memcpy(sf->raw + len + 1, b[0].p, b[0].len + 1);
			sf->ni = norms_add(nt, sf->norm, b[0].len);
			sf->key = keys_intern(keys, b[1].len ? b[1].p : sf->norm);
			sf->ntok = ntokens(sf->norm);
			sf->person_title = has_person_title(text);
			if (!is_acronym(sf->text, sf->acro, sizeof sf->acro))
				sf->acro[0] = 0;
		}
		surfs_add(pool, sf, h);
	}
	if (!sf->norm) { /* nothing left of the name (only a title, say) */
		if (row->linked) {
			if (*nstale == *scap)
				*stale = xrealloc(*stale, (*scap = *scap ? 2 * *scap : 64) * sizeof **stale);
			(*stale)[(*nstale)++] = row->id;
		}
		return k;
	}
	if (k == *cap)
		*m = xrealloc(*m, (*cap *= 2) * sizeof **m);
	struct rmention *r = &(*m)[k++];
	r->id = row->id;
	r->doc = row->doc;
	r->was = row->was;
	r->type = (signed char)row->type;
	if (sf->person_title)
		r->type = 0; /* "Gen. Soleimani" tagged LOC is still a person */
	r->sf = sf;
	r->moved = 0;
	r->rn = sf->ni;
	return k;
}

/* Files the row of st (id, doc, type, text, entity), of type, in rb, unless
 * its text is NULL. */
static void batch_row(struct row_batch *rb, sqlite3_stmt *st, int type, const struct surfs *pool)
{
	const char *text = (const char *)sqlite3_column_text(st, 3);
	if (!text)
		return;
	size_t len = strlen(text); /* the text up to a NUL, as strcmp saw it */
	int linked = sqlite3_column_type(st, 4) != SQLITE_NULL;
	struct mention_row *r = &rb->row[rb->n++];
	*r = (struct mention_row){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 4),
				  rb->bytes.len, len, XXH3_64bits(text, len), type, linked};
	buf_add(&rb->bytes, text, len + 1);
	if (pool->cap)
		__builtin_prefetch(&pool->slot[r->hash & (pool->cap - 1)]);
}

/* The struct surf the first slot of hash h points at (in cache soon). */
static void prefetch_surf(const struct surfs *pool, uint64_t h)
{
	if (pool->cap)
		__builtin_prefetch(pool->slot[h & (pool->cap - 1)].p);
}

/* Reads all name mentions, ordered by document.  Strings are shared
 * through pool (text -> struct surf) and keys (each key once), which own
 * them.  The ids of mentions
 * left out (nothing of a name in them) that still have an entity go to
 * *stale (malloc'd, *nstale of them) to be cleared. */
static int load_mentions(struct case_db *c, struct surfs *pool, struct keyset *keys, struct norms *nt, struct rmention **out,
			 size_t *n, long long **stale, size_t *nstale, struct err *e)
{
	/* Ingest writes a document's mentions in order, so the table in rowid
	 * order is usually in (doc, start) order already: a plain scan of it
	 * (0.13 s on the corpus) is cheaper than a walk of the (doc, start)
	 * index that fetches each row (0.17 s).  Out of order, the walk.
	 * The rows of other types (dates, e-mail addresses ...: a fifth of the
	 * corpus') are passed over here: a WHERE type IN (...) looked each row
	 * up in a b-tree of the four (0.02 s), and through the (type, text)
	 * index SQLite would fetch rows at random and sort them. */
	static const char *const queries[] = {
		"SELECT id, doc, type, text, entity, start FROM mentions NOT INDEXED",
		"SELECT id, doc, type, text, entity, start FROM mentions ORDER BY doc, start"};
	sqlite3_stmt *st = NULL;
	size_t scap = 0;
	*stale = NULL;
	/* room for every row at once (growing by copies took 0.07 s on the
	 * corpus; pages never written are never touched) */
	size_t cap = 1024, k = 0;
	if (case_prepare(c, "SELECT count(*) FROM mentions", &st, "reading mentions", e) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > (long long)cap)
		cap = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	struct rmention *m = xmalloc_huge(cap * sizeof *m, 0);
	struct buf b[2] = {BUF_INIT, BUF_INIT};
	struct row_batch *rb = xmalloc(sizeof *rb);
	rb->bytes = (struct buf)BUF_INIT;
	int rc = 0;
	for (int q = 0; q < 2; q++) {
		if (case_prepare(c, queries[q], &st, "reading mentions", e) < 0) {
			rc = -1;
			break;
		}
		k = *nstale = 0;
		int disorder = 0, more = 1;
		long long pdoc = LLONG_MIN, pstart = LLONG_MIN;
		while (more) {
			rb->n = 0;
			buf_reset(&rb->bytes);
			while (rb->n < ROW_BATCH && (more = !disorder && sqlite3_step(st) == SQLITE_ROW)) {
				int type = type_index((const char *)sqlite3_column_text(st, 2));
				if (type < 0)
					continue;
				long long doc = sqlite3_column_int64(st, 1), start = sqlite3_column_int64(st, 5);
				disorder = doc < pdoc || (doc == pdoc && start < pstart);
				pdoc = doc;
				pstart = start;
				if (!disorder)
					batch_row(rb, st, type, pool);
			}
			for (size_t i = 0; i < rb->n; i++) {
				if (i + 4 < rb->n)
					prefetch_surf(pool, rb->row[i + 4].hash);
				k = add_mention(&rb->row[i], rb->bytes.p + rb->row[i].text, pool, keys, nt, &m, k, &cap, stale,
						nstale, &scap, b);
			}
		}
		sqlite3_finalize(st);
		if (!disorder)
			break;
	}
	buf_free(&rb->bytes);
	free(rb);
	buf_free(&b[0]);
	buf_free(&b[1]);
	if (rc < 0) {
		free(m);
		free(*stale);
		*stale = NULL;
		return -1;
	}
	*out = m;
	*n = k;
	return 0;
}

/* A document's definition of an acronym: the acronym next to the first
 * long form of its type it abbreviates there. */
struct acro_def {
	const char *acro, *full; /* borrowed from the texts */
	long long doc;
};

/* By acronym, then long form, then document. */
static int cmp_acro_def(const void *a, const void *b)
{
	const struct acro_def *x = a, *y = b;
	int d = strcmp(x->acro, y->acro);
	if (!d)
		d = strcmp(x->full, y->full);
	return d ? d : (x->doc > y->doc) - (x->doc < y->doc);
}

/* The end of the run of defs[i]'s acronym (same is 1) or of its acronym and
 * long form (same is 2) in the sorted defs[0, n). */
static size_t acro_run(const struct acro_def *d, size_t i, size_t n, int same)
{
	size_t j = i + 1;
	while (j < n && !strcmp(d[j].acro, d[i].acro) && (same < 2 || !strcmp(d[j].full, d[i].full)))
		j++;
	return j;
}

/* Adds acronym definitions seen anywhere ("Islamic Revolutionary Guard
 * Corps (IRGC)", or an acronym next to its long form in one document) to
 * the built-in list: acronym -> long normalised form, the one the most
 * documents define it as, the first in byte order on a tie: the texts
 * decide, never the order the documents were numbered in. */
static size_t collect_acronyms(struct rmention *m, size_t n, size_t ntexts, struct arena *mem, char *(**out)[2])
{
	struct first_seen fs = first_seen_new(ntexts);
	size_t cap = 64, k = 0;
	char *(*map)[2] = xmalloc(cap * sizeof *map);
	for (size_t i = 0; i < sizeof known_acronyms / sizeof *known_acronyms; i++) {
		map[k][0] = xstrdup(known_acronyms[i][0]);
		map[k][1] = xstrdup(known_acronyms[i][1]);
		k++;
	}
	GHashTable *known = g_hash_table_new(g_str_hash, g_str_equal); /* acronym -> 1 */
	for (size_t i = 0; i < k; i++)
		g_hash_table_add(known, map[i][0]);
	struct acro_def *def = NULL;
	size_t ndef = 0, dcap = 0, *lng = NULL, lcap = 0;
	for (size_t i = 0, d0 = 0; i <= n; i++) {
		if (i < n && m[i].doc == m[d0].doc)
			continue;
		size_t nlng = long_mentions(m + d0, i - d0, &lng, &lcap);
		fs.now++;
		for (size_t a = d0; a < i && nlng; a++) {
			const char *acro = m[a].sf->acro;
			if (!*acro || g_hash_table_contains(known, acro))
				continue;
			/* the same text and type again: the same definition */
			if (first_of(&fs, m + d0, (int)(a - d0)) < (int)(a - d0))
				continue;
			for (size_t x = 0; x < nlng; x++) {
				const struct rmention *l = &m[d0 + lng[x]];
				if (l->type != m[a].type || !abbreviates(acro, l->sf, mem))
					continue;
				if (ndef == dcap)
					def = xrealloc(def, (dcap = dcap ? 2 * dcap : 256) * sizeof *def);
				def[ndef++] = (struct acro_def){acro, l->sf->norm, m[a].doc};
				break;
			}
		}
		d0 = i;
	}
	free(lng);
	first_seen_free(&fs);
	g_hash_table_destroy(known);
	if (ndef)
		qsort(def, ndef, sizeof *def, cmp_acro_def);
	for (size_t i = 0, j; i < ndef; i = j) {
		j = acro_run(def, i, ndef, 1);
		size_t best = i, top = 0;
		for (size_t f = i, g; f < j; f = g) { /* each long form: its documents */
			g = acro_run(def, f, j, 2);
			size_t docs = 0;
			for (size_t x = f; x < g; x++)
				docs += x == f || def[x].doc != def[x - 1].doc;
			if (docs > top) {
				top = docs;
				best = f;
			}
		}
		if (k == cap)
			map = xrealloc(map, (cap *= 2) * sizeof *map);
		map[k][0] = xstrdup(def[best].acro);
		map[k][1] = xstrdup(def[best].full);
		k++;
	}
	free(def);
	*out = map;
	return k;
}

/* Long names are filed under their surname's key only; but "Bayan Baqir
 * Solagh Jabr al-Zubaidi" is also "Jabr".  A person's form of three tokens
 * or more moves to the one full-name cluster that one of its other keys
 * (names_keys) leads to and that the matcher accepts.  Only the form moves,
 * never its cluster, so no chain of such moves can snowball (a tagger's
 * span "Vince Kaminski Jeff Skilling" must not join Kaminski to Skilling). */
static void join_by_other_keys(struct form *f, size_t nf, struct cluster *cl)
{
	/* the first form (in key order) of each key: where its group starts
	 * (a key's forms are together, equal keys ranking alike) */
	GHashTable *first = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < nf; i++)
		if (!i || f[i].krank != f[i - 1].krank)
			g_hash_table_insert(first, (gpointer)f[i].key, GINT_TO_POINTER((int)i));
	struct buf keys = BUF_INIT;
	for (size_t a = 0; a < nf; a++) {
		if (f[a].tokens < 3 || f[a].type != 0)
			continue;
		buf_reset(&keys);
		names_keys(f[a].norm, strlen(f[a].norm), &keys, NULL);
		int target = -1, ntargets = 0;
		char *save = NULL;
		for (char *k = strtok_r(keys.p ? keys.p : (char *)"", " ", &save); k; k = strtok_r(NULL, " ", &save)) {
			gpointer v;
			if (!strcmp(k, f[a].key) || !g_hash_table_lookup_extended(first, k, NULL, &v))
				continue;
			size_t b0 = (size_t)GPOINTER_TO_INT(v);
			for (size_t b = b0; b < nf && f[b].krank == f[b0].krank; b++) {
				int cb = f[b].cluster;
				if (f[b].type != 0 || f[b].tokens < 2 || cl[cb].best_form != (int)b || cb == f[a].cluster)
					continue; /* each full-name cluster once, by the form it grew from */
				if (cb != target && names_same(form_name(&f[a]), form_name(&f[b]), NULL)) {
					target = cb;
					ntargets++;
				}
			}
		}
		if (ntargets == 1 && cl[target].count >= f[a].count) {
			cl[f[a].cluster].count -= f[a].count;
			f[a].cluster = target;
			cl[target].count += f[a].count;
		}
	}
	buf_free(&keys);
	g_hash_table_destroy(first);
}

/* A form tagged MISC that matches a person is that person (Arabic surnames
 * such as "al-Abadi" are often tagged MISC), unless it has more words than
 * the name the person is known by (holidays tagged MISC, "Independence
 * Day", "Memorial Day", all joined a "Day" as surnames); so is a one-word
 * ORG or LOC form that matches a person mentioned three times as often
 * ("Danaiefar" tagged LOC).  A place more common than any person of that name stays a
 * place.  Between organisations, places and other names only the very same
 * words join ("Islamic Revolutionary Guard Corps" tagged MISC in a few
 * sentences joins the organisation). */
static int cross_type_ok(const struct form *f, const struct cluster *c, const struct form *cf)
{
	if (c->type != 0) /* the same words tagged ORG here and MISC there: the more frequent type */
		return f->type != 0 && f->ni == cf->ni && c->count >= f->count; /* ni: the same string */
	if (f->type == 3)
		return f->tokens <= cf->tokens;
	return f->tokens == 1 && c->count >= 3 * f->count;
}

/* Groups equal (type, resolved form) into forms, then clusters forms that
 * share a key and that the matcher calls the same name.  The forms' norms
 * are nt's (complete: it does not grow any more), keyed here, their keys
 * shared through keys. */
static int cluster_forms(struct rmention *m, size_t n, struct norms *nt, struct keyset *keys, struct form **fout,
			 size_t *nf_out, struct cluster **cout, size_t *nc_out)
{
	/* forms: (type, resolved), numbered in order of first use (room for
	 * a quarter more than norms: the corpus has 79k forms of 71k) */
	size_t cap = nt->n + nt->n / 4 + 256, nf = 0;
	struct form *f = xmalloc_huge(cap * sizeof *f, 0);
	int *form_of = xmalloc_huge((nt->n * NTYPES + 1) * sizeof *form_of, 1); /* [norm index * NTYPES + type]: form index + 1 */
	struct buf kb = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		int ni = m[i].rn;
		assert(m[i].type >= 0 && m[i].type < NTYPES && ni >= 0 && (size_t)ni < nt->n);
		int *slot = &form_of[(size_t)ni * NTYPES + (size_t)m[i].type];
		if (*slot) {
			m[i].form = *slot - 1;
			f[m[i].form].count++;
			continue;
		}
		struct norm *r = &nt->v[ni];
		if (!r->key) {
			/* parsed now: nearly every form is compared (all but 6k of
			 * the corpus' 79k), and its key is read from that */
			names_name_key(norm_name(nt, r), &kb);
			r->key = keys_intern(keys, kb.len ? kb.p : r->s);
		}
		if (nf == cap)
			f = xrealloc(f, (cap *= 2) * sizeof *f);
		f[nf].type = m[i].type;
		f[nf].norm = r->s;
		f[nf].ni = ni;
		f[nf].count = 1;
		f[nf].tokens = r->ntok;
		f[nf].cluster = -1;
		f[nf].nr = r;
		f[nf].name = norm_name(nt, r); /* parsed with its key above, or before */
		m[i].form = (int)nf;
		*slot = (int)++nf;
	}
	buf_free(&kb);
	free(form_of);
	{
		const char **key = xmalloc_huge((nt->n ? nt->n : 1) * sizeof *key, 0);
		int *krank = xmalloc_huge((nt->n ? nt->n : 1) * sizeof *krank, 0);
		for (size_t i = 0; i < nt->n; i++)
			key[i] = nt->v[i].key;
		rank_strings(key, nt->n, krank);
		for (size_t i = 0; i < nt->n; i++)
			nt->v[i].krank = krank[i];
		free(key);
		free(krank);
	}
	for (size_t i = 0; i < nf; i++) {
		f[i].key = f[i].nr->key;
		f[i].krank = f[i].nr->krank;
	}
	/* sort forms, remembering where each went: by key rank first (a
	 * counting sort), then each key's forms (a few, mostly) by the rest */
	int *order = xmalloc_huge(nf * sizeof *order, 0);
	struct form *sorted = xmalloc_huge(nf * sizeof *sorted, 0);
	size_t *start = xmalloc_huge((nt->n + 2) * sizeof *start, 1);
	for (size_t i = 0; i < nf; i++)
		start[f[i].krank + 1]++;
	for (size_t r = 0; r <= nt->n; r++)
		start[r + 1] += start[r];
	for (size_t i = 0; i < nf; i++) {
		size_t at = start[f[i].krank]++;
		sorted[at] = f[i];
		sorted[at].cluster = (int)i; /* temporarily: original index */
	}
	free(start);
	for (size_t g0 = 0, i = 1; i <= nf; i++)
		if (i == nf || sorted[i].krank != sorted[g0].krank) {
			if (i - g0 > 1)
				qsort(sorted + g0, i - g0, sizeof *sorted, cmp_form_key);
			g0 = i;
		}
	for (size_t i = 0; i < nf; i++)
		order[sorted[i].cluster] = (int)i;
	for (size_t i = 0; i < n; i++)
		m[i].form = order[m[i].form];
	free(order);
	free(f);
	f = sorted;

	/* room for a cluster a form at most, at once (doubling from 256
	 * copied and touched fresh pages: ~600 faults on the corpus) */
	size_t nc = 0;
	struct cluster *cl = xmalloc_huge((nf ? nf : 1) * sizeof *cl, 0);
	for (size_t g0 = 0, i = 0; i <= nf; i++) {
		if (i < nf && f[i].krank == f[g0].krank)
			continue;
		/* forms g0..i-1 share a key; people first, fullest and most
		 * frequent first, so clusters grow from full names */
		size_t first_cluster = nc;
		for (size_t a = g0; a < i; a++) {
			int best = -1, nmatch = 0;
			long top = 0, second = 0;
			double best_score = 0;
			const struct names_name *an = NULL; /* a's name, once compared */
			for (size_t cidx = first_cluster; cidx < nc; cidx++) {
				/* same type; or a name the tagger called MISC that
				 * matches a person (a common tagging slip) */
				if (cl[cidx].type != f[a].type && !cross_type_ok(&f[a], &cl[cidx], &f[cl[cidx].best_form]))
					continue;
				/* a lone word far more frequent than the full name it
				 * sounds like is something else ("Fri" is not
				 * "Cease-Fire", "Art" not "Business Art") */
				if (f[a].tokens == 1 && f[cl[cidx].best_form].tokens > 1 && 3 * cl[cidx].count < f[a].count)
					continue;
				if (!an)
					an = form_name(&f[a]);
				if (!cl[cidx].best)
					cl[cidx].best = form_name(&f[cl[cidx].best_form]);
				double sc = 0;
				if (!names_same(an, cl[cidx].best, &sc))
					continue;
				nmatch++;
				long cnt = cl[cidx].count;
				if (cnt > top) {
					second = top;
					top = cnt;
				} else if (cnt > second) {
					second = cnt;
				}
				if (sc > best_score || (sc == best_score && best >= 0 && cl[cidx].count > cl[best].count)) {
					best_score = sc;
					best = (int)cidx;
				}
			}
			/* a lone surname that fits several people stays apart
			 * unless one of them clearly dominates */
			if (best >= 0 && nmatch > 1 && f[a].tokens == 1 && top < 3 * second)
				best = -1;
			if (best < 0) {
				assert(nc < nf);
				cl[nc].type = f[a].type;
				cl[nc].best_form = (int)a;
				cl[nc].count = 0;
				cl[nc].entity = 0;
				cl[nc].best = an;
				best = (int)nc++;
			}
			f[a].cluster = best;
			cl[best].count += f[a].count;
		}
		g0 = i;
	}
	join_by_other_keys(f, nf, cl);
	*fout = f;
	*nf_out = nf;
	*cout = cl;
	*nc_out = nc;
	return 0;
}

/* One use of a text by a cluster's mention (at m[pos]); naming: the mention
 * is of the form the cluster is named by, as written (not resolved). */
struct text_use {
	int cluster;
	int rank;               /* of the text among the texts, in strcmp order (equal texts, equal ranks) */
	unsigned pos : 31;      /* the mention's index */
	unsigned naming : 1;
};

/* The rank of each text id of m[0, n) in strcmp order, equal texts ranking
 * alike (malloc'd, ntexts of them; ids no mention has rank -1). */
static int *text_ranks(const struct rmention *m, size_t n, size_t ntexts)
{
	const char **byid = xmalloc_huge((ntexts ? ntexts : 1) * sizeof *byid, 1);
	for (size_t i = 0; i < n; i++)
		byid[m[i].sf->id] = m[i].sf->text;
	int *out = xmalloc_huge((ntexts ? ntexts : 1) * sizeof *out, 0);
	rank_strings(byid, ntexts, out);
	free(byid);
	return out;
}

/* Sorts u[0, n), which is in position order, by cluster, then text (rank),
 * then position: two stable counting sorts, rank first. */
static void sort_text_uses(struct text_use *u, size_t n, size_t nranks, size_t nc)
{
	struct text_use *tmp = xmalloc_huge((n ? n : 1) * sizeof *tmp, 0);
	size_t *count = xmalloc_huge(((nranks > nc ? nranks : nc) + 1) * sizeof *count, 1);
	for (size_t i = 0; i < n; i++)
		count[u[i].rank + 1]++;
	for (size_t r = 0; r < nranks; r++)
		count[r + 1] += count[r];
	for (size_t i = 0; i < n; i++)
		tmp[count[u[i].rank]++] = u[i];
	memset(count, 0, (nc + 1) * sizeof *count);
	for (size_t i = 0; i < n; i++)
		count[tmp[i].cluster + 1]++;
	for (size_t c = 0; c < nc; c++)
		count[c + 1] += count[c];
	for (size_t i = 0; i < n; i++)
		u[count[tmp[i].cluster]++] = tmp[i];
	free(count);
	free(tmp);
}

/* The end of the run of uses[i] (its cluster and text) in uses[0, n). */
static size_t text_run(const struct text_use *u, size_t i, size_t n)
{
	size_t j = i + 1;
	while (j < n && u[j].cluster == u[i].cluster && u[j].rank == u[i].rank)
		j++;
	return j;
}

/* Sets each cluster's name_form: a person is named by the most frequent
 * form with a given name and a surname; anything else by its most frequent
 * form, the longer on a tie ("Bayan Jabr", not the once-seen "Bayan Baqir
 * Solagh Jabr al-Zubaidi"; "Islamic Revolutionary Guard Corps" for its
 * IRGCs). */
static void naming_forms(const struct form *f, size_t nf, struct cluster *cl, size_t nc)
{
	for (size_t c = 0; c < nc; c++)
		cl[c].name_form = -1;
	for (size_t i = 0; i < nf; i++) {
		int c = f[i].cluster, cur = cl[c].name_form;
		int full = cl[c].type != 0 || (f[i].tokens >= 2 && 10 * f[i].count >= cl[c].count);
		int cur_full = cur >= 0 && (cl[c].type != 0 || (f[cur].tokens >= 2 && 10 * f[cur].count >= cl[c].count));
		if (cur < 0 || (full && !cur_full) ||
		    (full == cur_full && (f[i].count > f[cur].count ||
					  (f[i].count == f[cur].count && f[i].tokens > f[cur].tokens))))
			cl[c].name_form = (int)i;
	}
}

/* 1 if s has capitals and no small letters (ASCII): "FRAN TOWNSEND". */
static int shouted(const char *s)
{
	int upper = 0;
	for (; *s; s++) {
		if (*s >= 'a' && *s <= 'z')
			return 0;
		upper |= *s >= 'A' && *s <= 'Z';
	}
	return upper;
}

/* Whether text a (of length la) makes a better name than b (lb) used as
 * often: the longer; then one not written in capitals throughout ("Fran
 * Townsend", not "FRAN TOWNSEND"); then the first in byte order.  Only the
 * texts decide, never where they were seen: the same documents give the
 * same names, whatever order ingest numbered them in. */
static int better_name(const char *a, size_t la, const char *b, size_t lb)
{
	if (la != lb)
		return la > lb;
	int sa = shouted(a), sb = shouted(b);
	if (sa != sb)
		return sb;
	return strcmp(a, b) < 0;
}

/* Picks each cluster's canonical name (malloc'd array of borrowed texts):
 * the most frequent surface text of its naming form (a one-off long span
 * such as "Murtaza Hussain of The Intercept" must not name "The
 * Intercept"), a tie broken by better_name; a cluster never named so (only
 * seen abbreviated) takes its best text by better_name (its longest).
 * uses[0, n) are sorted by sort_text_uses. */
static char **canonical_names(const struct rmention *m, size_t n, const struct text_use *uses, size_t nc)
{
	char **name = xcalloc(nc, sizeof *name);
	size_t *best = xcalloc(nc, sizeof *best);
	for (size_t i = 0, j; i < n; i = j) {
		j = text_run(uses, i, n);
		size_t count = 0;
		for (size_t k = i; k < j; k++)
			count += uses[k].naming;
		int c = uses[i].cluster;
		if (!count || count < best[c])
			continue;
		char *text = m[uses[i].pos].sf->text;
		if (count > best[c] || better_name(text, strlen(text), name[c], strlen(name[c]))) {
			best[c] = count;
			name[c] = text;
		}
	}
	char **seen = xcalloc(nc, sizeof *seen); /* any text of the cluster, for one only ever seen abbreviated */
	for (size_t i = 0; i < n; i = text_run(uses, i, n)) {
		int c = uses[i].cluster;
		char *text = m[uses[i].pos].sf->text;
		if (!name[c] && (!seen[c] || better_name(text, strlen(text), seen[c], strlen(seen[c]))))
			seen[c] = text;
	}
	for (size_t c = 0; c < nc; c++)
		if (!name[c])
			name[c] = seen[c] ? seen[c] : (char *)"";
	free(seen);
	free(best);
	return name;
}

/* Steps st (bound) to its end and resets it; 0, or -1 with e set. */
static int step_done(struct case_db *c, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : case_fail(c, "resolving entities", e);
	sqlite3_reset(st);
	return rc;
}

/* Sets mentions.entity to ent (0: NULL) for mention id with st. */
static int set_entity(struct case_db *c, sqlite3_stmt *st, long long id, long long ent, struct err *e)
{
	if (ent)
		sqlite3_bind_int64(st, 1, ent);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	return step_done(c, st, e);
}

/* Indexes dropped while many rows of their table are written, made again
 * after: kept, each row written moves an entry of each to a random place
 * (on a first resolve of the corpus the entities' 65k rows took 0.41 s,
 * the aliases' 86k 0.41 s, the mentions' 468k entities 1.6 s; building
 * the indexes again takes a fraction of that). */
struct dropped {
	char **sql;             /* what made each (malloc'd) */
	size_t n;
};

/* Drops the indexes of table (only the one named only, if not NULL) into
 * d (empty before), keeping their SQL; automatic ones (a primary key's)
 * stay.  Returns 0, or -1 with e set. */
static int drop_indexes(struct case_db *c, const char *table, const char *only, struct dropped *d, struct err *e)
{
	sqlite3_stmt *st;
	d->sql = NULL;
	d->n = 0;
	if (case_prepare(c, "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=?1 AND sql IS NOT NULL"
			    " AND (?2 IS NULL OR name=?2)", &st, "resolving entities", e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, only, -1, SQLITE_STATIC);
	char **names = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		d->sql = xrealloc(d->sql, (d->n + 1) * sizeof *d->sql);
		names = xrealloc(names, (d->n + 1) * sizeof *names);
		names[d->n] = xstrdup((const char *)sqlite3_column_text(st, 0));
		d->sql[d->n++] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	int rc = 0;
	for (size_t i = 0; i < d->n; i++) {
		char *q = sqlite3_mprintf("DROP INDEX \"%w\"", names[i]);
		if (rc == 0)
			rc = case_exec(c, q, "resolving entities", e);
		sqlite3_free(q);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Makes the indexes of d again (unless rc < 0) and frees d; returns rc, or
 * -1 with e set. */
static int remake_indexes(struct case_db *c, struct dropped *d, int rc, struct err *e)
{
	for (size_t i = 0; i < d->n; i++) {
		if (rc == 0)
			rc = case_exec(c, d->sql[i], "resolving entities", e);
		free(d->sql[i]);
	}
	free(d->sql);
	d->sql = NULL;
	d->n = 0;
	return rc;
}

/* 1 if writing k rows of a table of n is worth dropping its indexes. */
static int many(size_t k, size_t n)
{
	return k > 1000 && 4 * k >= n;
}

/* How far ahead of the row being compared with the table (same_row,
 * aliases_unchanged) a later row's texts are asked of memory: the table is
 * read in the rows' order, and their texts lie all over. */
#define ROWS_AHEAD 8

/* An entity as written: by write_entity_rows, or found in the table. */
struct entity_row {
	const char *type, *name, *key;
	long long mentions, docs;
};

static int same_row(const struct entity_row *a, const struct entity_row *b)
{
	return a->mentions == b->mentions && a->docs == b->docs && !strcmp(a->type, b->type) &&
	       !strcmp(a->name, b->name) && !strcmp(a->key, b->key);
}

/* Makes the entities table hold rows[0, n) as ids 1..n: rows that already
 * say the same are left alone (their network columns are rebuilt by the
 * next stage anyway), others updated or inserted, ids beyond n deleted.
 * A run that finds what the last one found writes nothing. */
static int write_entity_rows(struct case_db *c, const struct entity_row *rows, size_t n, struct err *e)
{
	sqlite3_stmt *old = NULL, *ins = NULL, *upd = NULL, *del = NULL;
	int rc = -1;
	char *have = xcalloc(n ? n : 1, 1); /* have[i]: id i+1 exists; 2: as rows[i] */
	struct dropped d = {NULL, 0};
	if (case_prepare(c, "SELECT id, type, name, key, mentions, docs FROM entities WHERE id BETWEEN 1 AND ?", &old,
			 "resolving entities", e) < 0 ||
	    case_prepare(c, "INSERT INTO entities(type, name, key, mentions, docs, id) VALUES(?,?,?,?,?,?)", &ins,
			 "resolving entities", e) < 0 ||
	    case_prepare(c, "UPDATE entities SET type=?, name=?, key=?, mentions=?, docs=? WHERE id=?", &upd,
			 "resolving entities", e) < 0 ||
	    case_prepare(c, "DELETE FROM entities WHERE id < 1 OR id > ?", &del, "resolving entities", e) < 0)
		goto out;
	sqlite3_bind_int64(old, 1, (long long)n);
	while (sqlite3_step(old) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(old, 0);
		struct entity_row r = {(const char *)sqlite3_column_text(old, 1), (const char *)sqlite3_column_text(old, 2),
				       (const char *)sqlite3_column_text(old, 3), sqlite3_column_int64(old, 4),
				       sqlite3_column_int64(old, 5)};
		if (id - 1 + ROWS_AHEAD < (long long)n) {
			__builtin_prefetch(rows[id - 1 + ROWS_AHEAD].name);
			__builtin_prefetch(rows[id - 1 + ROWS_AHEAD].key);
		}
		if (r.type && r.name && r.key)
			have[id - 1] = same_row(&r, &rows[id - 1]) ? 2 : 1;
	}
	size_t nwrite = 0;
	for (size_t i = 0; i < n; i++)
		nwrite += have[i] != 2;
	if (many(nwrite, n) && drop_indexes(c, "entities", NULL, &d, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (have[i] == 2)
			continue;
		sqlite3_stmt *st = have[i] ? upd : ins;
		sqlite3_bind_text(st, 1, rows[i].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rows[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, rows[i].mentions);
		sqlite3_bind_int64(st, 5, rows[i].docs);
		sqlite3_bind_int64(st, 6, (long long)i + 1);
		if (step_done(c, st, e) < 0)
			goto out;
	}
	sqlite3_bind_int64(del, 1, (long long)n);
	rc = step_done(c, del, e);
out:
	rc = remake_indexes(c, &d, rc, e);
	sqlite3_finalize(old);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(del);
	free(have);
	return rc;
}

/* One alias row: (entity, alias) and its count. */
struct alias_row {
	long long entity;
	char *alias;
	long long count;
};

static int cmp_alias_key(long long ea, const char *aa, long long eb, const char *ab)
{
	return ea != eb ? (ea > eb) - (ea < eb) : strcmp(aa, ab);
}

/* 1 if old (the aliases in the table's order) reads rows[0, n) exactly,
 * each with its count; 0 at the first difference, or on an error. */
static int aliases_unchanged(sqlite3_stmt *old, const struct alias_row *rows, size_t n)
{
	size_t i = 0;
	int rc;
	while ((rc = sqlite3_step(old)) == SQLITE_ROW) {
		const char *alias = (const char *)sqlite3_column_text(old, 1);
		if (i + ROWS_AHEAD < n)
			__builtin_prefetch(rows[i + ROWS_AHEAD].alias);
		if (i == n || !alias || rows[i].entity != sqlite3_column_int64(old, 0) ||
		    rows[i].count != sqlite3_column_int64(old, 2) || strcmp(rows[i].alias, alias))
			return 0;
		i++;
	}
	return rc == SQLITE_DONE && i == n;
}

/* Makes the aliases table hold rows[0, n) (sorted by entity, then alias
 * bytes: the table's own order), changing only the rows that differ. */
static int write_alias_rows(struct case_db *c, const struct alias_row *rows, size_t n, struct err *e)
{
	sqlite3_stmt *old = NULL, *ins = NULL, *upd = NULL, *del = NULL;
	struct alias_row *have = NULL;
	size_t nhave = 0, cap = 0, *off = NULL;
	struct buf text = BUF_INIT; /* the aliases read, one after the other */
	struct dropped dr = {NULL, 0};
	int rc = -1;
	if (case_prepare(c, "SELECT entity, alias, count FROM aliases ORDER BY entity, alias", &old, "resolving entities", e) < 0 ||
	    case_prepare(c, "INSERT INTO aliases(count, entity, alias) VALUES(?,?,?)", &ins, "resolving entities", e) < 0 ||
	    case_prepare(c, "UPDATE aliases SET count=? WHERE entity=? AND alias=?", &upd, "resolving entities", e) < 0 ||
	    case_prepare(c, "DELETE FROM aliases WHERE entity=? AND alias=?", &del, "resolving entities", e) < 0)
		goto out;
	/* a run that finds what the last one found compares as it reads and
	 * writes nothing (reading the corpus' 86k aliases into the arrays
	 * below touched ~1000 fresh pages); else the table is read again */
	if (aliases_unchanged(old, rows, n)) {
		rc = 0;
		goto out;
	}
	sqlite3_reset(old);
	/* read whole first: the table changes below; room for as many rows
	 * and bytes as are written (a run that finds what the last one found
	 * reads as many: growing by copies took 0.015 s on the corpus) */
	cap = n + 1024;
	have = xmalloc_huge(cap * sizeof *have, 0);
	off = xmalloc_huge(cap * sizeof *off, 0);
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += strlen(rows[i].alias) + 1;
	buf_grow(&text, bytes + 4096);
	while (sqlite3_step(old) == SQLITE_ROW) {
		if (nhave == cap) {
			cap = cap ? 2 * cap : 1024;
			have = xrealloc(have, cap * sizeof *have);
			off = xrealloc(off, cap * sizeof *off);
		}
		have[nhave].entity = sqlite3_column_int64(old, 0);
		off[nhave] = text.len;
		buf_adds(&text, (const char *)sqlite3_column_text(old, 1));
		buf_addc(&text, 0);
		have[nhave].count = sqlite3_column_int64(old, 2);
		nhave++;
	}
	for (size_t k = 0; k < nhave; k++) /* text has stopped moving */
		have[k].alias = text.p + off[k];
	/* the rows inserted or deleted counted first (pass 0), then written */
	size_t nmove = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass && many(nmove, n) && drop_indexes(c, "aliases", NULL, &dr, e) < 0)
			goto out;
		size_t i = 0, j = 0;
		while (i < n || j < nhave) {
			int d = i == n ? 1 : j == nhave ? -1 : cmp_alias_key(rows[i].entity, rows[i].alias, have[j].entity, have[j].alias);
			sqlite3_stmt *st = d < 0 ? ins : d > 0 ? del : rows[i].count != have[j].count ? upd : NULL;
			const struct alias_row *r = d > 0 ? &have[j] : &rows[i];
			i += d <= 0;
			j += d >= 0;
			nmove += d != 0;
			if (!pass || !st)
				continue;
			if (st == del) {
				sqlite3_bind_int64(del, 1, r->entity);
				sqlite3_bind_text(del, 2, r->alias, -1, SQLITE_STATIC);
			} else {
				sqlite3_bind_int64(st, 1, r->count);
				sqlite3_bind_int64(st, 2, r->entity);
				sqlite3_bind_text(st, 3, r->alias, -1, SQLITE_STATIC);
			}
			if (step_done(c, st, e) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	rc = remake_indexes(c, &dr, rc, e);
	sqlite3_finalize(old);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	sqlite3_finalize(del);
	buf_free(&text);
	free(off);
	free(have);
	return rc;
}

/* A mention's new entity (0: none), for the bulk update. */
struct id_entity {
	long long id, entity;
};

static int cmp_id_entity(const void *a, const void *b)
{
	const struct id_entity *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The changes of write_mention_entities in id order, for the SQL functions
 * below; next: where the last lookup ended (the table is read in id order). */
struct id_map {
	const struct id_entity *v;
	size_t n, next;
};

/* The entry of id in p, or NULL. */
static const struct id_entity *id_map_find(struct id_map *p, long long id)
{
	size_t i = p->next;
	if (i && p->v[i - 1].id == id) /* asked again */
		return &p->v[i - 1];
	if (!(i < p->n && p->v[i].id == id)) { /* not the next one: search */
		size_t lo = 0, hi = p->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (p->v[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
	if (i >= p->n || p->v[i].id != id)
		return NULL;
	p->next = i + 1;
	return &p->v[i];
}

/* SQL weft_new_entity(id): the new entity of mention id (0: none), or -1
 * if it does not change. */
static void sql_new_entity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct id_entity *x = id_map_find(sqlite3_user_data(ctx), sqlite3_value_int64(argv[0]));
	if (!x)
		sqlite3_result_int64(ctx, -1);
	else
		sqlite3_result_int64(ctx, x->entity);
}

/* Points the mentions of v[0, n) (their changes, sorted by id) at their
 * new entities in one pass over the table, without its index by entity,
 * which is made again after: kept, each change moves an entry of it to a
 * random place.  Returns 0 or -1. */
static int bulk_set_entities(struct case_db *c, const struct id_entity *v, size_t n, struct err *e)
{
	struct id_map map = {v, n, 0};
	if (sqlite3_create_function(c->db, "weft_new_entity", 1, SQLITE_UTF8, &map, sql_new_entity, NULL, NULL) != SQLITE_OK)
		return case_fail(c, "resolving entities", e);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "UPDATE mentions SET entity=nullif(weft_new_entity(id), 0) WHERE id BETWEEN %lld AND %lld"
		 " AND weft_new_entity(id) IS NOT -1", n ? v[0].id : 0, n ? v[n - 1].id : -1);
	struct dropped d;
	int rc = drop_indexes(c, "mentions", "mentions_entity", &d, e);
	if (rc == 0)
		rc = case_exec(c, sql, "resolving entities", e);
	rc = remake_indexes(c, &d, rc, e);
	sqlite3_create_function(c->db, "weft_new_entity", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	return rc;
}

/* Points each mention of m[0, n) whose entity changes at its cluster's,
 * and the stale ones at none: one statement per change, or, when a
 * quarter of them or more change (a first resolve points them all), one
 * pass over the table (bulk_set_entities: the corpus' 468k changes took
 * 1.6 s one by one).  Returns 0 or -1. */
static int write_mention_entities(struct case_db *c, const struct rmention *m, size_t n, const struct cluster *cl,
				  const long long *stale, size_t nstale, struct err *e)
{
	size_t nchanged = nstale;
	for (size_t i = 0; i < n; i++)
		nchanged += cl[m[i].cluster].entity != m[i].was;
	if (many(nchanged, n)) {
		struct id_entity *v = xmalloc(nchanged * sizeof *v);
		size_t k = 0;
		for (size_t i = 0; i < nstale; i++)
			v[k++] = (struct id_entity){stale[i], 0};
		for (size_t i = 0; i < n; i++)
			if (cl[m[i].cluster].entity != m[i].was)
				v[k++] = (struct id_entity){m[i].id, cl[m[i].cluster].entity};
		qsort(v, k, sizeof *v, cmp_id_entity); /* mostly in order already */
		int rc = bulk_set_entities(c, v, k, e);
		free(v);
		return rc;
	}
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (case_prepare(c, "UPDATE mentions SET entity=? WHERE id=?", &st, "resolving entities", e) < 0)
		return -1;
	for (size_t i = 0; i < nstale; i++)
		if (set_entity(c, st, stale[i], 0, e) < 0)
			goto out;
	for (size_t i = 0; i < n; i++) {
		long long ent = cl[m[i].cluster].entity;
		if (ent != m[i].was && set_entity(c, st, m[i].id, ent, e) < 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Writes the clusters as entities, with their mention and document counts
 * and their aliases (each distinct text once, with its count), and points
 * each mention at its entity.  Entities are numbered afresh from 1 in
 * cluster order, so a run that finds what the last one found gives the
 * same ids, and only what differs from the tables is written: entities and
 * aliases that changed, mentions whose entity changed (and the stale ones,
 * which lost theirs). */
static int write_entities(struct case_db *c, struct rmention *m, size_t n, size_t ntexts, struct form *f, size_t nf,
			  struct cluster *cl, size_t nc, const long long *stale, size_t nstale, struct err *e)
{
	assert(n <= 0x7fffffffu); /* text_use.pos */
	naming_forms(f, nf, cl, nc);
	int *rank = text_ranks(m, n, ntexts), nranks = 0;
	struct text_use *uses = xmalloc_huge((n ? n : 1) * sizeof *uses, 0);
	for (size_t i = 0; i < n; i++) {
		int k = m[i].cluster;
		uses[i].cluster = k;
		uses[i].naming = m[i].form == cl[k].name_form && !m[i].moved;
		uses[i].rank = rank[m[i].sf->id];
		if (uses[i].rank >= nranks)
			nranks = uses[i].rank + 1;
		uses[i].pos = i & 0x7fffffffu;
	}
	free(rank);
	sort_text_uses(uses, n, (size_t)nranks, nc);
	char **name = canonical_names(m, n, uses, nc);
	/* each cluster's mentions and documents (m is in document order) */
	long *nment = xcalloc(nc, sizeof *nment), *ndocs = xcalloc(nc, sizeof *ndocs);
	long long *lastdoc = xmalloc(nc * sizeof *lastdoc);
	for (size_t i = 0; i < nc; i++)
		lastdoc[i] = -1;
	for (size_t i = 0; i < n; i++) {
		int k = m[i].cluster;
		nment[k]++;
		if (lastdoc[k] != m[i].doc) {
			ndocs[k]++;
			lastdoc[k] = m[i].doc;
		}
	}
	/* the entities, numbered from 1 in cluster order */
	struct entity_row *rows = xmalloc_huge((nc ? nc : 1) * sizeof *rows, 0);
	size_t nrows = 0;
	for (size_t i = 0; i < nc; i++) {
		assert(nment[i] == cl[i].count);
		if (!nment[i])
			continue; /* joined into another */
		rows[nrows] = (struct entity_row){entity_types[cl[i].type], name[i], f[cl[i].best_form].key, nment[i], ndocs[i]};
		cl[i].entity = (long long)++nrows;
	}
	/* each distinct text of an entity's mentions once, with its count */
	struct alias_row *al = xmalloc_huge((n ? n : 1) * sizeof *al, 0);
	size_t nal = 0;
	for (size_t i = 0, j; i < n; i = j) {
		j = text_run(uses, i, n);
		al[nal++] = (struct alias_row){cl[uses[i].cluster].entity, m[uses[i].pos].sf->text, (long long)(j - i)};
	}
	int rc = -1;
	if (write_entity_rows(c, rows, nrows, e) < 0 || write_alias_rows(c, al, nal, e) < 0 ||
	    write_mention_entities(c, m, n, cl, stale, nstale, e) < 0)
		goto out;
	rc = 0;
out:
	free(rows);
	free(al);
	free(uses);
	free(nment);
	free(ndocs);
	free(lastdoc);
	free(name);
	return rc;
}

/* Counts again the mentions and documents of the entities in touched
 * (their mentions moved) and removes those left with none. */
static int recount(struct case_db *c, GArray *touched, struct err *e)
{
	sqlite3_stmt *st;
	if (!touched->len)
		return 0;
	if (case_prepare(c, "UPDATE entities SET mentions=(SELECT count(*) FROM mentions WHERE entity=?1),"
			    " docs=(SELECT count(DISTINCT doc) FROM mentions WHERE entity=?1) WHERE id=?1",
			 &st, "applying decisions", e) < 0)
		return -1;
	int rc = 0;
	for (guint i = 0; i < touched->len && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, g_array_index(touched, long long, i));
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : case_fail(c, "applying decisions", e);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : case_exec(c, "DELETE FROM aliases WHERE entity IN (SELECT id FROM entities WHERE mentions=0);"
					 "DELETE FROM entities WHERE mentions=0", "applying decisions", e);
}

/* Re-applies the user's decisions, oldest first.  A decision whose
 * entities no longer exist (the documents went away) is skipped.  The
 * entities whose mentions moved are counted again at the end (until then
 * they keep the counts clustering gave them, which resolve_find ranks by). */
static int apply_decisions(struct case_db *c, struct err *e)
{
	sqlite3_stmt *st;
	if (case_prepare(c, "SELECT kind, a, b, type FROM decisions WHERE undone=0 ORDER BY id", &st, "applying decisions", e) < 0)
		return -1;
	int rc = 0;
	GArray *touched = g_array_new(FALSE, FALSE, sizeof(long long));
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *a = (const char *)sqlite3_column_text(st, 1);
		const char *b = (const char *)sqlite3_column_text(st, 2);
		const char *type = (const char *)sqlite3_column_text(st, 3);
		struct err ignore;
		long long ea = resolve_find(c, a, type, &ignore);
		if (ea <= 0)
			continue;
		char sql[512];
		if (!strcmp(kind, "merge")) {
			long long eb = b ? resolve_find(c, b, NULL, &ignore) : 0;
			if (eb <= 0 || eb == ea)
				continue;
			snprintf(sql, sizeof sql,
				 "UPDATE mentions SET entity=%lld WHERE entity=%lld;"
				 "INSERT INTO aliases(entity, alias, count) SELECT %lld, alias, count FROM aliases WHERE entity=%lld"
				 " ON CONFLICT(entity, alias) DO UPDATE SET count=aliases.count+excluded.count;"
				 "DELETE FROM aliases WHERE entity=%lld; DELETE FROM entities WHERE id=%lld;",
				 ea, eb, ea, eb, eb, eb);
			rc = case_exec(c, sql, "applying a merge", e);
			g_array_append_val(touched, ea);
		} else if (!strcmp(kind, "split") && b) {
			sqlite3_stmt *ins;
			if (case_prepare(c, "INSERT INTO entities(type, name, key, mentions)"
					    " SELECT type, ?2, key || '/split', 0 FROM entities WHERE id=?1", &ins, "applying a split", e) < 0) {
				rc = -1;
				break;
			}
			sqlite3_bind_int64(ins, 1, ea);
			sqlite3_bind_text(ins, 2, b, -1, SQLITE_STATIC);
			rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : case_fail(c, "applying a split", e);
			sqlite3_finalize(ins);
			long long nb = sqlite3_last_insert_rowid(c->db);
			g_array_append_val(touched, ea);
			g_array_append_val(touched, nb);
			sqlite3_stmt *mv;
			if (rc == 0 && case_prepare(c, "UPDATE mentions SET entity=?2 WHERE entity=?1 AND text=?3;"
						       , &mv, "applying a split", e) == 0) {
				sqlite3_bind_int64(mv, 1, ea);
				sqlite3_bind_int64(mv, 2, nb);
				sqlite3_bind_text(mv, 3, b, -1, SQLITE_STATIC);
				rc = sqlite3_step(mv) == SQLITE_DONE ? 0 : case_fail(c, "applying a split", e);
				sqlite3_finalize(mv);
			}
			snprintf(sql, sizeof sql, "UPDATE aliases SET entity=%lld WHERE entity=%lld AND alias=", nb, ea);
			char *q = sqlite3_mprintf("%s%Q", sql, b);
			if (rc == 0)
				rc = case_exec(c, q, "applying a split", e);
			sqlite3_free(q);
		} else if (!strcmp(kind, "rename") && b) {
			char *q = sqlite3_mprintf("UPDATE entities SET name=%Q WHERE id=%lld", b, ea);
			rc = case_exec(c, q, "applying a rename", e);
			sqlite3_free(q);
		} else if (!strcmp(kind, "drop")) {
			snprintf(sql, sizeof sql,
				 "UPDATE mentions SET entity=NULL WHERE entity=%lld; DELETE FROM aliases WHERE entity=%lld;"
				 "DELETE FROM entities WHERE id=%lld;", ea, ea, ea);
			rc = case_exec(c, sql, "applying a drop", e);
		}
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = recount(c, touched, e);
	g_array_free(touched, TRUE);
	return rc;
}

/* ---- names written in another script ----
 *
 * The tagger reads English; a cable or a brief may write the same people in
 * Arabic or Persian script (قاسم سليماني) or Cyrillic.  Runs of two or three
 * words in those scripts that the matcher finds equal to a person already
 * named in Latin letters become mentions of their own (value "weft:script"),
 * rebuilt on every resolve, so they join that person's entity like any
 * other spelling. */

#define SCRIPT_MENTION "weft:script"

/* 1 for a letter of the Arabic or Cyrillic blocks, or ZWNJ inside words. */
static int script_letter(uint32_t cp)
{
	return (cp >= 0x0600 && cp <= 0x06FF && !(cp >= 0x060C && cp <= 0x061F) && !(cp >= 0x0660 && cp <= 0x066D)) ||
	       (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
	       (cp >= 0xFE70 && cp <= 0xFEFF) || (cp >= 0x0400 && cp <= 0x04FF) || cp == 0x200C;
}

/* Decodes one UTF-8 code point at s (n bytes left); *len gets its length. */
static uint32_t utf8_at(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80 || n < 2) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*len = 1;
	return 0xFFFD;
}

struct person {
	struct names_name name;
	char *key;
};

struct word {
	size_t start, end;
};

/* The ids of the documents whose text has a lead byte of the Arabic or
 * Cyrillic blocks, in id order, into a new array (NULL on error); and into
 * sig (cap bytes), the number and greatest id of the documents with a text
 * ("?" if unknown), for the kept word counts (WORDS_SIG): counted here,
 * in the one pass over the documents (a count of its own took ~25 ms CPU
 * on the corpus, the texts' pages read again). */
static GArray *script_documents(struct case_db *c, char *sig, size_t cap, struct err *e)
{
	sqlite3_stmt *st;
	snprintf(sig, cap, "?");
	if (case_prepare(c, "SELECT id, body, status='ok' FROM documents WHERE body IS NOT NULL", &st, "resolving entities",
			 e) < 0)
		return NULL;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(long long));
	long long ndocs = 0, last = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long doc = sqlite3_column_int64(st, 0);
		ndocs++;
		if (doc > last)
			last = doc;
		if (!sqlite3_column_int(st, 2))
			continue;
		const unsigned char *t = sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1), i = 0;
		int any = 0;
		while (i < len && !any) {
			uint64_t w; /* eight ASCII bytes at a time pass at once */
			if (i + 8 <= len && (memcpy(&w, t + i, 8), !(w & 0x8080808080808080u))) {
				i += 8;
				continue;
			}
			any = t[i] >= 0xD0 && t[i] <= 0xDB;
			i++;
		}
		if (any)
			g_array_append_val(ids, doc);
	}
	if (rc == SQLITE_DONE)
		snprintf(sig, cap, "%lld %lld", ndocs, last);
	sqlite3_finalize(st);
	return ids;
}

/* Adds the names in Arabic or Cyrillic script of the people named in
 * Latin letters (see below); words_sig gets script_documents' signature
 * (WORDS_SIG bytes).  0, or -1 with e set. */
static int find_script_names(struct case_db *c, char *words_sig, struct err *e)
{
	/* the last run's, through the (type, text) index: each is a person's
	 * and starts with a letter at U+0400 or above (a full scan of the
	 * table took 0.05 s on the corpus) */
	if (case_exec(c, "DELETE FROM mentions WHERE type='PER' AND text >= char(1024) AND value='" SCRIPT_MENTION "'",
		      "resolving entities", e) < 0)
		return -1;
	/* most cases hold no document in those scripts: then no person need
	 * be read */
	GArray *sdocs = script_documents(c, words_sig, WORDS_SIG, e);
	if (!sdocs)
		return -1;
	if (!sdocs->len) {
		g_array_free(sdocs, TRUE);
		return 0;
	}
	/* the people named in Latin letters with a given name and a surname */
	sqlite3_stmt *q, *docs = NULL, *sent = NULL, *ins = NULL;
	if (case_prepare(c, "SELECT DISTINCT text FROM mentions WHERE type='PER' AND instr(text, ' ') > 0", &q,
			 "resolving entities", e) < 0) {
		g_array_free(sdocs, TRUE);
		return -1;
	}
	GHashTable *bykey = g_hash_table_new(g_str_hash, g_str_equal); /* key -> GPtrArray of person */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	struct buf b = BUF_INIT;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		struct person *pp = xcalloc(1, sizeof *pp);
		names_parse(t, strlen(t), &pp->name, NULL);
		const char *norm = pp->name.norm;
		if (!norm || !strchr(norm, ' ') || g_hash_table_contains(seen, norm)) {
			names_name_free(&pp->name);
			free(pp);
			continue;
		}
		g_hash_table_add(seen, xstrdup(norm));
		names_name_key(&pp->name, &b);
		pp->key = xstrdup(b.p ? b.p : "");
		GPtrArray *arr = g_hash_table_lookup(bykey, pp->key);
		if (!arr) {
			arr = g_ptr_array_new();
			g_hash_table_insert(bykey, pp->key, arr);
		}
		g_ptr_array_add(arr, pp);
	}
	sqlite3_finalize(q);
	g_hash_table_destroy(seen);
	int rc = 0;
	if (!g_hash_table_size(bykey))
		goto out;
	if (case_prepare(c, "SELECT body FROM documents WHERE id=?", &docs, "resolving entities", e) < 0 ||
	    case_prepare(c, "SELECT n FROM sentences WHERE doc=? AND start<=? ORDER BY start DESC LIMIT 1", &sent,
			 "resolving entities", e) < 0 ||
	    case_prepare(c, "INSERT INTO mentions(doc, sentence, start, end, type, text, value)"
			    " VALUES(?,?,?,?,'PER',?,'" SCRIPT_MENTION "')", &ins, "resolving entities", e) < 0) {
		rc = -1;
		goto out;
	}
	struct word *w = NULL;
	size_t wcap = 0;
	for (guint di = 0; rc == 0 && di < sdocs->len; di++) {
		long long doc = g_array_index(sdocs, long long, di);
		sqlite3_reset(docs);
		sqlite3_bind_int64(docs, 1, doc);
		if (sqlite3_step(docs) != SQLITE_ROW)
			continue;
		const unsigned char *t = sqlite3_column_text(docs, 0);
		size_t len = (size_t)sqlite3_column_bytes(docs, 0), nw = 0;
		for (size_t i = 0; i < len;) {
			size_t cl;
			uint32_t cp = utf8_at(t + i, len - i, &cl);
			if (!script_letter(cp)) {
				i += cl;
				continue;
			}
			size_t st = i;
			while (i < len && script_letter(utf8_at(t + i, len - i, &cl)))
				i += cl;
			if (nw == wcap)
				w = xrealloc(w, (wcap = wcap ? wcap * 2 : 256) * sizeof *w);
			w[nw].start = st;
			w[nw].end = i;
			nw++;
		}
		for (size_t k = 0; k < nw && rc == 0;) {
			int matched = 0;
			for (size_t span = 3; span >= 2 && !matched; span--) {
				if (k + span > nw)
					continue;
				int adjacent = 1; /* words joined by one space only */
				for (size_t j = k; j + 1 < k + span; j++)
					adjacent &= w[j + 1].start == w[j].end + 1 && t[w[j].end] == ' ';
				if (!adjacent)
					continue;
				const char *s0 = (const char *)t + w[k].start;
				size_t sl = w[k + span - 1].end - w[k].start;
				buf_reset(&b);
				names_key(s0, sl, &b, NULL);
				GPtrArray *arr = b.len ? g_hash_table_lookup(bykey, b.p) : NULL;
				if (!arr)
					continue;
				struct names_name cand;
				if (names_parse(s0, sl, &cand, NULL) < 0)
					continue;
				for (guint j = 0; j < arr->len && !matched; j++) {
					matched = names_same(&cand, &((struct person *)arr->pdata[j])->name, NULL) && cand.ntok >= 2;
				}
				names_name_free(&cand);
				if (!matched)
					continue;
				sqlite3_reset(sent);
				sqlite3_bind_int64(sent, 1, doc);
				sqlite3_bind_int64(sent, 2, (long long)w[k].start);
				long long sn = sqlite3_step(sent) == SQLITE_ROW ? sqlite3_column_int64(sent, 0) : 0;
				sqlite3_reset(ins);
				sqlite3_bind_int64(ins, 1, doc);
				sqlite3_bind_int64(ins, 2, sn);
				sqlite3_bind_int64(ins, 3, (long long)w[k].start);
				sqlite3_bind_int64(ins, 4, (long long)w[k + span - 1].end);
				sqlite3_bind_text(ins, 5, s0, (int)sl, SQLITE_TRANSIENT);
				if (sqlite3_step(ins) != SQLITE_DONE)
					rc = case_fail(c, "resolving entities", e);
				k += span;
			}
			if (!matched)
				k++;
		}
	}
	free(w);
out:
	sqlite3_finalize(docs);
	sqlite3_finalize(sent);
	sqlite3_finalize(ins);
	GHashTableIter it;
	gpointer val;
	g_hash_table_iter_init(&it, bykey);
	while (g_hash_table_iter_next(&it, NULL, &val)) {
		GPtrArray *arr = val;
		for (guint j = 0; j < arr->len; j++) {
			struct person *pp = arr->pdata[j];
			names_name_free(&pp->name);
			free(pp->key);
			free(pp);
		}
		g_ptr_array_free(arr, TRUE);
	}
	g_hash_table_destroy(bykey);
	g_array_free(sdocs, TRUE);
	buf_free(&b);
	return rc;
}

/* The first index of the sorted v[0, n) whose value is x or more. */
static size_t lower_u64(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Sorts v[0..n) and drops repeats; returns how many are left. */
static size_t sort_unique_int(int *v, size_t n)
{
	if (n < 2)
		return n; /* v may be NULL */
	if (n <= 16) { /* most documents name a few: no qsort */
		for (size_t i = 1; i < n; i++) {
			int x = v[i];
			size_t j = i;
			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	} else {
		qsort(v, n, sizeof *v, cmp_int);
	}
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || v[u - 1] != v[i])
			v[u++] = v[i];
	return u;
}

/* Marks for doc_clusters: mark[cluster] == now once the cluster is seen in
 * the current call. */
struct doc_marks {
	int *mark;
	int now;
};

/* The distinct clusters of mentions [d0, d1), sorted, into *out (grown as
 * needed); returns how many.  Repeats are dropped as they come (dm), so
 * only the distinct ones are sorted. */
static size_t doc_clusters(const struct rmention *m, size_t d0, size_t d1, int **out, size_t *cap, struct doc_marks *dm)
{
	if (d1 - d0 > *cap) {
		*cap = d1 - d0;
		*out = xrealloc(*out, *cap * sizeof **out);
	}
	size_t k = 0;
	dm->now++;
	for (size_t i = d0; i < d1; i++) {
		int c = m[i].cluster;
		if (dm->mark[c] != dm->now) {
			dm->mark[c] = dm->now;
			(*out)[k++] = c;
		}
	}
	return sort_unique_int(*out, k);
}

/* 1 if mention a is a lone surname that surnames_by_context may move: one
 * word, a person's, not resolved within its document, and given by name to
 * a person named in full (a word left on its own stays so). */
static int lone_surname(const struct rmention *a, const struct form *f, const struct cluster *cl)
{
	const struct cluster *now = &cl[a->cluster];
	return f[a->form].tokens == 1 && a->type == 0 && !a->moved && now->type == 0 &&
	       f[now->best_form].tokens >= 2;
}

/* For each form of a lone surname, the full-name person clusters of its key
 * that the matcher accepts for it, in cluster order: *match[form] (NULL for
 * other forms; free with free_matches).  wanted[cluster] is set for each. */
static GArray **surname_candidates(const struct rmention *m, size_t n, const struct form *f, size_t nf,
				   const struct cluster *cl, size_t nc, char *wanted)
{
	GHashTable *bykey = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_array_unref);
	for (size_t c = 0; c < nc; c++) {
		if (cl[c].type != 0 || !cl[c].count || f[cl[c].best_form].tokens < 2)
			continue;
		GArray *v = g_hash_table_lookup(bykey, f[cl[c].best_form].key);
		if (!v) {
			v = g_array_new(FALSE, FALSE, sizeof(int));
			g_hash_table_insert(bykey, (gpointer)f[cl[c].best_form].key, v);
		}
		int ci = (int)c;
		g_array_append_val(v, ci);
	}
	GArray **match = xcalloc(nf, sizeof *match);
	for (size_t a = 0; a < n; a++) {
		int fi = m[a].form;
		if (match[fi] || !lone_surname(&m[a], f, cl))
			continue;
		match[fi] = g_array_new(FALSE, FALSE, sizeof(int));
		GArray *v = g_hash_table_lookup(bykey, f[fi].key);
		for (guint k = 0; v && k < v->len; k++) {
			int cand = g_array_index(v, int, k);
			if (names_same(form_name(&f[fi]), form_name(&f[cl[cand].best_form]), NULL)) {
				g_array_append_val(match[fi], cand);
				wanted[cand] = 1;
			}
		}
	}
	g_hash_table_destroy(bykey);
	return match;
}

/* Context: a surname alone ("Hussein") in a document that does not name
 * the person in full belongs to whichever person of that name its
 * document's company points to: the candidate (a person's cluster of a
 * fuller name the matcher accepts) whose own documents, those naming him in
 * full, name the most (two at least) of the entities this document names.
 * Clustering by name alone gave it to the most frequent one; it keeps that
 * unless another candidate's company wins outright.  Only a surname already
 * given to a person is reconsidered (one left on its own stays so), and a
 * word far more frequent than a name it sounds like never moves to it. */
static void surnames_by_context(struct rmention *m, size_t n, struct form *f, size_t nf, struct cluster *cl, size_t nc)
{
	char *wanted = xcalloc(nc ? nc : 1, 1);
	GArray **match = surname_candidates(m, n, f, nf, cl, nc, wanted);
	/* the clusters named in the documents where a lone surname may move
	 * (which does not change as surnames move): only their company is
	 * ever asked about */
	char *asked = xcalloc(nc ? nc : 1, 1);
	for (size_t d0 = 0, i = 0; i <= n; i++) {
		if (i < n && m[i].doc == m[d0].doc)
			continue;
		size_t a = d0;
		while (a < i && !(match[m[a].form] && match[m[a].form]->len && lone_surname(&m[a], f, cl)))
			a++;
		for (size_t x = d0; a < i && x < i; x++)
			asked[m[x].cluster] = 1;
		d0 = i;
	}
	/* company: (person cluster, other cluster) for every document where
	 * the person is named with two words or more; only for the people a
	 * lone surname may go to (room for twice as many pairs as mentions
	 * at first: the corpus has 656k for 468k; pages never written are
	 * never touched, where doubling from 1024 copied 8 MB) */
	size_t np = 0, cap = 2 * n + 1024, dcap = 0, pcap = 0;
	uint64_t *pairs = xmalloc_huge(cap * sizeof *pairs, 0);
	int *dc = NULL, *pc = NULL;
	struct doc_marks dm = {xcalloc(nc ? nc : 1, sizeof *dm.mark), 0};
	for (size_t d0 = 0, i = 0; i <= n; i++) {
		if (i < n && m[i].doc == m[d0].doc)
			continue;
		/* the document's people named in full, each once */
		size_t npc = 0;
		for (size_t a = d0; a < i; a++) {
			int ca = m[a].cluster;
			if (cl[ca].type != 0 || f[m[a].form].tokens < 2 || !wanted[ca])
				continue;
			if (npc == pcap)
				pc = xrealloc(pc, (pcap = pcap ? 2 * pcap : 64) * sizeof *pc);
			pc[npc++] = ca;
		}
		npc = sort_unique_int(pc, npc);
		size_t nd = npc ? doc_clusters(m, d0, i, &dc, &dcap, &dm) : 0;
		for (size_t a = 0; a < npc; a++) {
			for (size_t b = 0; b < nd; b++) {
				if (dc[b] == pc[a] || !asked[dc[b]])
					continue;
				if (np == cap)
					pairs = xrealloc(pairs, (cap *= 2) * sizeof *pairs);
				pairs[np++] = (uint64_t)pc[a] << 32 | (uint32_t)dc[b];
			}
		}
		d0 = i;
	}
	free(pc);
	free(wanted);
	free(asked);
	sort_by_u64(pairs, np, sizeof *pairs); /* (qsort took 0.12 s for the corpus' 700k) */
	size_t u = 0;
	for (size_t i = 0; i < np; i++)
		if (!u || pairs[u - 1] != pairs[i])
			pairs[u++] = pairs[i];
	np = u;
	/* the clusters' sizes before any surname moves, to weigh candidates
	 * by: sizes that changed as the documents go by would make the moves
	 * depend on the order ingest numbered the documents in */
	long *count0 = xmalloc((nc ? nc : 1) * sizeof *count0);
	for (size_t c = 0; c < nc; c++)
		count0[c] = cl[c].count;
	for (size_t d0 = 0, i = 0; i <= n; i++) {
		if (i < n && m[i].doc == m[d0].doc)
			continue;
		size_t nd = 0;
		int counted = 0;
		for (size_t a = d0; a < i; a++) {
			const struct form *fa = &f[m[a].form];
			GArray *v = match[m[a].form];
			if (!v || !v->len || !lone_surname(&m[a], f, cl))
				continue;
			if (!counted) {
				nd = doc_clusters(m, d0, i, &dc, &dcap, &dm);
				counted = 1;
			}
			int best = -1, top = 0, second = 0;
			for (guint k = 0; k < v->len; k++) {
				int cand = g_array_index(v, int, k);
				if (3 * count0[cand] < fa->count)
					continue; /* a word far more common than the name: something else */
				/* the document's clusters (sorted) that cand's company
				 * (pairs from cand, sorted) holds, merged */
				int score = 0;
				size_t p = lower_u64(pairs, np, (uint64_t)cand << 32), pend = lower_u64(pairs, np, (uint64_t)(cand + 1) << 32);
				for (size_t b = 0; b < nd && p < pend; b++) {
					uint32_t x = (uint32_t)dc[b];
					while (p < pend && (uint32_t)pairs[p] < x)
						p++;
					if (p < pend && (uint32_t)pairs[p] == x && dc[b] != m[a].cluster && dc[b] != cand)
						score++;
				}
				if (score > top) {
					second = top;
					top = score;
					best = cand;
				} else if (score > second) {
					second = score;
				}
			}
			if (best >= 0 && top >= 2 && top > second && best != m[a].cluster) {
				cl[m[a].cluster].count--;
				cl[best].count++;
				m[a].cluster = best;
			}
		}
		d0 = i;
	}
	for (size_t i = 0; i < nf; i++)
		if (match[i])
			g_array_free(match[i], TRUE);
	free(match);
	free(count0);
	free(pairs);
	free(dc);
	free(dm.mark);
}

/* The value of PRAGMA name (an integer one), or INT_MIN if unreadable. */
static int pragma_value(struct case_db *c, const char *pragma)
{
	int v;
	return case_int(c, pragma, &v) == 0 ? v : INT_MIN;
}

/* Puts back the foreign_keys and cache_size resolve_all changed. */
static void pragma_restore(struct case_db *c, int fk, int cache)
{
	char sql[96];
	if (fk != INT_MIN && cache != INT_MIN) {
		snprintf(sql, sizeof sql, "PRAGMA foreign_keys=%d; PRAGMA cache_size=%d", fk, cache);
		sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	}
}

int resolve_all(struct case_db *c, long *nentities, struct err *e)
{
	struct rmention *m = NULL;
	size_t n = 0, nf = 0, nc = 0;
	struct form *f = NULL;
	struct cluster *cl = NULL;
	struct norms nt = {0};
	char *(*acro)[2] = NULL;
	size_t nacro = 0, nstale = 0;
	long long *stale = NULL;
	int rc = -1;
	/* Foreign keys off while the tables are rewritten, so entities and
	 * aliases can each be brought up to date in one pass: an entity goes
	 * before its aliases do.  Every alias written points at an entity
	 * written in the same run, and an entity removed loses its aliases in
	 * it.  (Restored at the end, as is the cache size set below.) */
	int fk = pragma_value(c, "PRAGMA foreign_keys"), cache = pragma_value(c, "PRAGMA cache_size");
	case_exec(c, "PRAGMA foreign_keys=OFF", "resolving entities", e);
	if (case_exec(c, "BEGIN IMMEDIATE", "resolving entities", e) < 0) {
		pragma_restore(c, fk, cache);
		return -1;
	}
	struct surfs pool = {0};
	struct keyset keys = {0}; /* the texts' and norms' keys, each once */
	struct text_words words = {0}; /* the norms' words, and how the text writes them */
	char words_sig[WORDS_SIG] = "?"; /* the documents they were counted in */
	phase_time("resolve", NULL);
	if (find_script_names(c, words_sig, e) < 0)
		goto out;
	phase_time("resolve", "script names");
	if (load_mentions(c, &pool, &keys, &nt, &m, &n, &stale, &nstale, e) < 0)
		goto out;
	phase_time("resolve", "load mentions");
	nacro = collect_acronyms(m, n, pool.n, &pool.mem, &acro);
	phase_time("resolve", "acronyms");
	if (count_words(c, nt.v, nt.n, words_sig, &words, e) < 0)
		goto out;
	nt.words = &words;
	phase_time("resolve", "ordinary words");
	GHashTable *acros = g_hash_table_new(g_str_hash, g_str_equal); /* acronym -> struct acro_form */
	struct acro_form *af = xmalloc((nacro ? nacro : 1) * sizeof *af);
	for (size_t i = 0; i < nacro; i++) {
		af[i] = (struct acro_form){acro[i][1], norms_add(&nt, acro[i][1], strlen(acro[i][1]))};
		g_hash_table_insert(acros, acro[i][0], &af[i]);
	}
	size_t *lng = NULL, lcap = 0, pcap = 0;
	struct doc_person *people = NULL;
	struct first_seen fs = first_seen_new(pool.n);
	for (size_t d0 = 0, i = 0; i <= n; i++) {
		if (i < n && m[i].doc == m[d0].doc)
			continue;
		resolve_in_doc(m + d0, i - d0, acros, &pool.mem, &lng, &lcap, &people, &pcap, &fs);
		d0 = i;
	}
	first_seen_free(&fs);
	free(lng);
	free(people);
	g_hash_table_destroy(acros);
	free(af);
	phase_time("resolve", "within documents");
	cluster_forms(m, n, &nt, &keys, &f, &nf, &cl, &nc);
	for (size_t i = 0; i < n; i++)
		m[i].cluster = f[m[i].form].cluster;
	phase_time("resolve", "cluster forms");
	if (getenv("WEFT_TIMES")) {
		size_t nord = 0;
		for (size_t i = 0; i < words.cap; i++)
			nord += words.v[i].tag && word_ordinary(&words.v[i]);
		fprintf(stderr, "resolve: %zu of %zu words of names ordinary, %zu times in the names compared\n", nord,
			words.n, nt.nword);
	}
	surnames_by_context(m, n, f, nf, cl, nc);
	phase_time("resolve", "surnames by context");
	/* 64 MB of page cache while the entity tables and indexes are
	 * rewritten (the default 2 MB spills and re-reads pages: 1.3 -> 0.8 s;
	 * a first resolve of the corpus, which points every mention at its
	 * entity, writes in 1.9 s with 16 MB, 1.5 s with 64 MB; pages are
	 * taken only as used) */
	sqlite3_exec(c->db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
	if (write_entities(c, m, n, pool.n, f, nf, cl, nc, stale, nstale, e) < 0)
		goto out;
	phase_time("resolve", "write entities");
	if (apply_decisions(c, e) < 0)
		goto out;
	phase_time("resolve", "decisions");
	if (nentities) {
		sqlite3_stmt *st;
		*nentities = 0;
		if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM entities", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			*nentities = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	rc = case_exec(c, "COMMIT", "resolving entities", e);
	phase_time("resolve", "commit");
out:
	if (rc < 0)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pragma_restore(c, fk, cache);
	surfs_free(&pool);
	keys_free(&keys);
	free(m);
	free(stale);
	free(words.v);
	norms_free(&nt);
	free(f);
	free(cl);
	for (size_t i = 0; i < nacro; i++) {
		free(acro[i][0]);
		free(acro[i][1]);
	}
	free(acro);
	return rc;
}

/* The canonical name and type of entity id, malloc'd, or NULL. */
static char *entity_name(struct case_db *c, long long id, char type[8])
{
	sqlite3_stmt *st;
	char *name = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT name, type FROM entities WHERE id=?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		name = xstrdup((const char *)sqlite3_column_text(st, 0));
		snprintf(type, 8, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return name;
}

static int reresolve(struct case_db *c, struct err *e)
{
	if (resolve_all(c, NULL, e) < 0)
		return -1;
	return graph_build(c, e);
}

long long resolve_decide(struct case_db *c, const char *kind, const char *a, const char *b, struct err *e)
{
	long long ea = resolve_find(c, a, NULL, e);
	if (ea < 0)
		return -1;
	if (ea == 0)
		return err_set(e, "no entity '%s'", a);
	char type[8] = "";
	char *an = entity_name(c, ea, type);
	char *bn = NULL;
	if (!strcmp(kind, "merge")) {
		long long eb = resolve_find(c, b, NULL, e);
		if (eb <= 0) {
			free(an);
			return eb < 0 ? -1 : err_set(e, "no entity '%s'", b);
		}
		if (eb == ea) {
			free(an);
			return err_set(e, "'%s' and '%s' are already one entity", a, b);
		}
		char tb[8];
		bn = entity_name(c, eb, tb);
	} else if (!strcmp(kind, "split")) {
		sqlite3_stmt *st;
		int found = 0;
		if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM aliases WHERE entity=? AND alias=?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, ea);
			sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
			found = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_finalize(st);
		}
		if (!found) {
			free(an);
			return err_set(e, "'%s' is not an alias of '%s' (see 'weft entity')", b, a);
		}
		bn = xstrdup(b);
	} else if (b) {
		bn = xstrdup(b);
	}
	sqlite3_stmt *ins;
	long long id = -1;
	if (case_prepare(c, "INSERT INTO decisions(kind, a, b, type, at) VALUES(?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
			 &ins, "recording the decision", e) == 0) {
		sqlite3_bind_text(ins, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, an, -1, SQLITE_STATIC);
		case_bind_text(ins, 3, bn);
		sqlite3_bind_text(ins, 4, type, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) == SQLITE_DONE)
			id = sqlite3_last_insert_rowid(c->db);
		else
			case_fail(c, "recording the decision", e);
		sqlite3_finalize(ins);
	}
	free(an);
	free(bn);
	if (id > 0 && reresolve(c, e) < 0)
		return -1;
	return id;
}

int resolve_undo(struct case_db *c, long long id, struct err *e)
{
	char *q = sqlite3_mprintf("UPDATE decisions SET undone=1 WHERE id=%lld AND undone=0", id);
	int rc = case_exec(c, q, "undoing the decision", e);
	sqlite3_free(q);
	if (rc < 0)
		return -1;
	if (sqlite3_changes(c->db) == 0)
		return err_set(e, "no decision %lld to undo (see 'weft decisions')", id);
	return reresolve(c, e);
}
