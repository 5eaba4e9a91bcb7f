/*
 * graph.c — links between entities, their evidence, PageRank, communities,
 * betweenness and paths (see graph.h for what a link is and how it is
 * scored).
 *
 * graph_build() reads the case's mentions once, ordered by document, and
 * keeps everything in flat arrays indexed through open-addressing hash maps:
 * per document it pairs the entities of each sentence (strong), the most
 * mentioned entities of the document (weak), and looks for typed patterns
 * between neighbouring mentions.  Then, in one transaction, it writes the
 * edges, each with its evidence as a small JSON array in its own row (the
 * view evidence lists them as rows), ranks the entities (igraph's Leiden
 * communities; PageRank and betweenness by weft's own, faster) and stores the
 * adjacency that path searches and the network view read (see below).
 * `WEFT_TIMES=1 weft resolve` prints what each phase costs.
 */
#include "graph.h"

#include <igraph.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ---- entity types ---- */

enum { T_PER = 1, T_ORG = 2, T_LOC = 4, T_MISC = 8 };

static int type_bit(const char *t)
{
	if (!t)
		return 0;
	if (!strcmp(t, "PER"))
		return T_PER;
	if (!strcmp(t, "ORG"))
		return T_ORG;
	if (!strcmp(t, "LOC"))
		return T_LOC;
	if (!strcmp(t, "MISC"))
		return T_MISC;
	return 0;
}

/* igraph aborts on errors unless told otherwise; weft checks every return.
 * (PageRank, which Debian's igraph ran on OpenMP threads, is weft's own
 * now: see pagerank().) */
static void igraph_quiet(void)
{
	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
}

/* ---- a hash map from 64-bit keys to 32-bit values ---- */

#define HM_EMPTY UINT64_MAX
#define NONE UINT32_MAX

struct hmap {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;      /* cap is a power of two */
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void hmap_init(struct hmap *h, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap *= 2;
	h->keys = xmalloc(cap * sizeof *h->keys);
	h->vals = xmalloc(cap * sizeof *h->vals);
	memset(h->keys, 0xff, cap * sizeof *h->keys);
	h->cap = cap;
	h->n = 0;
}

static void hmap_free(struct hmap *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof *h);
}

/* Returns the value slot for key (never HM_EMPTY), inserting it with value
 * NONE when absent.  The pointer is valid until the next insertion. */
static uint32_t *hmap_slot(struct hmap *h, uint64_t key)
{
	if ((h->n + 1) * 10 > h->cap * 7) {
		struct hmap g;
		hmap_init(&g, h->cap);
		for (size_t i = 0; i < h->cap; i++)
			if (h->keys[i] != HM_EMPTY)
				*hmap_slot(&g, h->keys[i]) = h->vals[i];
		hmap_free(h);
		*h = g;
	}
	size_t mask = h->cap - 1, i = (size_t)mix64(key) & mask;
	while (h->keys[i] != HM_EMPTY) {
		if (h->keys[i] == key)
			return &h->vals[i];
		i = (i + 1) & mask;
	}
	h->keys[i] = key;
	h->vals[i] = NONE;
	h->n++;
	return &h->vals[i];
}

/* Returns the value for key, or NONE. */
static uint32_t hmap_get(const struct hmap *h, uint64_t key)
{
	if (!h->cap)
		return NONE;
	size_t mask = h->cap - 1, i = (size_t)mix64(key) & mask;
	while (h->keys[i] != HM_EMPTY) {
		if (h->keys[i] == key)
			return h->vals[i];
		i = (i + 1) & mask;
	}
	return NONE;
}

/* ---- typed patterns ---- */

enum kind { K_COOCCURS, K_SAMEDOC, K_HEAD, K_MET, K_REPLACED, K_AMB_TO, K_AMB_OF, K_MINISTER, K_MEMBER, K_PART, NKINDS };

static const char *const kind_names[NKINDS] = {
	"co-occurs", "same document", "head of", "met", "replaced", "ambassador to", "ambassador of",
	"minister of", "member of", "part of",
};
_Static_assert(NKINDS <= GRAPH_KINDS && NKINDS <= 16, "a link (and an arc's uint16) can carry every kind");
_Static_assert(K_COOCCURS == 0 && K_SAMEDOC == 1, "the untyped kinds come first (graph_view lists them last)");

static int kind_index(const char *kind)
{
	for (int k = 0; kind && k < NKINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			return k;
	return -1;
}

/* One pattern: POSIX extended regular expressions over the text before the
 * first mention (pre, anchored at its end by the expression), between the
 * two (mid) and after the second (post), each lower-cased with whitespace
 * collapsed; NULL matches anything.  Before any expression runs, one of the
 * '|'-separated needles must occur in the text named by `in` (a cheap
 * filter: most mention pairs have none).  swap: the first mention is Y and
 * the second X.  xt and yt: the entity types X and Y may have. */
enum where { IN_PRE, IN_MID, IN_POST };

struct pattern {
	enum kind kind;
	enum where in;
	const char *needle;
	const char *pre, *mid, *post;
	int swap;
	int xt, yt;
	const char *mid_not, *post_not;  /* and these must not match */
};

#define ADV "((has |had |have |also |reportedly |secretly |later |then |recently |previously |" \
	    "subsequently |privately |once |twice |again |will |would |to |did )*)"
#define ROLEWORDS "((the |a |an )?(former |then |current |new |acting |top |[a-z'.-]+ ){0,2})"
#define HEAD1 "(head|chief|leader|commander|director|chairman|chairwoman|president|chief executive( officer)?)"
#define HEADS HEAD1 "( and " HEAD1 ")?"
#define HEADWORDS "head|chief|leader|command|director|chair|president"
#define PO (T_PER | T_ORG)
/* words that cannot sit between "Iraq's" and "minister" */
#define STOPWORDS "(^| )(on|in|at|to|for|with|by|from|about|of|as|is|was|were|said|says|and|or|that|his|her|their|its) "
#define PARTS "(part|unit|branch|wing|arm|division|subsidiary|affiliate|faction)"
/* an apposition: "X, head of", "X - head of", "X (head of" */
#define SEP "^ ?(,|-|\\(|\xe2\x80\x93|\xe2\x80\x94) "

static const struct pattern patterns[] = {
	/* X, (the) head of Y */
	{K_HEAD, IN_MID, HEADWORDS, NULL, SEP ROLEWORDS HEADS " of (the )?$", NULL, 0, T_PER, T_ORG | T_LOC, NULL, NULL},
	/* X, the Y commander */
	{K_HEAD, IN_POST, HEADWORDS, NULL, SEP "(the )?$", "^('s)? " HEADS "([^a-z]|$)", 0, T_PER, T_ORG, NULL, NULL},
	/* Y('s) commander X */
	{K_HEAD, IN_MID, HEADWORDS, NULL, "^('s)? " HEADS ",? $", NULL, 1, T_PER, T_ORG, NULL, NULL},
	/* the head of Y, X */
	{K_HEAD, IN_PRE, HEADWORDS, HEADS " of (the )?$", "^ ?, $", NULL, 1, T_PER, T_ORG, NULL, NULL},
	/* X met (with) Y; X's meeting with Y; X held talks with Y */
	{K_MET, IN_MID, "met|meet", NULL, "^ ?,? " ADV "(met|meets|meet)( privately| secretly| again)?( with)? (the )?$",
	 NULL, 0, PO, PO, NULL, NULL},
	{K_MET, IN_MID, "meeting|talks", NULL, "^('s)? (meeting|meetings|talks) with (the )?$", NULL, 0, PO, PO, NULL, NULL},
	{K_MET, IN_MID, "talks|meeting", NULL, "^ ?,? " ADV "(held|holds|hold) (talks|a meeting|meetings) with (the )?$",
	 NULL, 0, PO, PO, NULL, NULL},
	/* a meeting between X and Y; X and Y met */
	{K_MET, IN_PRE, "between", "(meeting|meetings|talks) between (the )?$", "^ and (the )?$", NULL, 0, PO, PO, NULL, NULL},
	{K_MET, IN_POST, "met|meet", NULL, "^ and (the )?$", "^ " ADV "(met|meet)([^a-z]|$)", 0, PO, PO, NULL,
	 "^ [a-z ]*(met|meet)( [a-z0-9]+){0,3} with "}, /* "X and Y met with Z": they met Z */
	/* X replaced / succeeded Y; X was replaced (as ...) by Y */
	{K_REPLACED, IN_MID, "replace|succeed", NULL,
	 "^ ?,? (who )?" ADV "(replaced|replaces|replace|succeeded|succeeds|succeed) (the )?$", NULL, 0, PO, PO, NULL, NULL},
	{K_REPLACED, IN_MID, "replace|succeed", NULL,
	 "^ ?,? (who )?(was|is|has been|had been|will be|would be) (replaced|succeeded)( as [a-z' -]+)? by (the )?$",
	 NULL, 1, PO, PO, NULL, NULL},
	/* X, (Iran's) ambassador to Y; the ambassador to Y, X */
	{K_AMB_TO, IN_MID, "ambassador", NULL, SEP ROLEWORDS "ambassador (to|in) (the )?$", NULL, 0, T_PER, T_LOC, NULL, NULL},
	{K_AMB_TO, IN_PRE, "ambassador", "ambassador (to|in) (the )?$", "^ ?, $", NULL, 1, T_PER, T_LOC, NULL, NULL},
	/* Y's ambassador X; X, Y's ambassador: X represents Y */
	{K_AMB_OF, IN_MID, "ambassador", NULL, "^('s)? ambassador,? $", NULL, 1, T_PER, T_LOC | T_ORG | T_MISC, NULL, NULL},
	{K_AMB_OF, IN_POST, "ambassador", NULL, "^ ?, (the )?$", "^'s ambassador([^a-z]|$)", 0, T_PER, T_LOC | T_ORG,
	 NULL, NULL},
	/* X, (the) minister of Y; Y's (foreign) minister X; X, Y's minister */
	{K_MINISTER, IN_MID, "minister", NULL, SEP ROLEWORDS "minister (of|for) (the )?$", NULL, 0, T_PER,
	 T_LOC | T_ORG, NULL, NULL},
	{K_MINISTER, IN_MID, "minister", NULL, "^('s)? ([a-z-]+ ){0,2}minister,? $", NULL, 1, T_PER,
	 T_LOC | T_ORG | T_MISC, STOPWORDS, NULL},
	{K_MINISTER, IN_POST, "minister", NULL, "^ ?, (the )?$", "^'s ([a-z-]+ ){0,2}minister([^a-z]|$)", 0, T_PER,
	 T_LOC | T_ORG, NULL, NULL},
	/* X, a (senior) member of Y; X is / was / became a member of Y; X joined Y */
	{K_MEMBER, IN_MID, "member", NULL, SEP ROLEWORDS "members? of (the )?$", NULL, 0, PO, T_ORG, NULL, NULL},
	{K_MEMBER, IN_MID, "member", NULL,
	 "^ ?,? (who )?" ADV "(is|was|are|were|became|becomes|remains|remained|has been|had been) (a |an |the )?"
	 "([a-z-]+ ){0,2}members? of (the )?$", NULL, 0, PO, T_ORG, NULL, NULL},
	{K_MEMBER, IN_MID, "join", NULL, "^ ?,? (who )?" ADV "(joined|joins|join) (the )?$", NULL, 0, T_PER, T_ORG,
	 NULL, NULL},
	/* Y member / operative / official X */
	{K_MEMBER, IN_MID, "member|operative|official|officer|agent|militant|fighter", NULL,
	 "^('s)? ([a-z-]+ )?(member|operative|official|officer|agent|militant|fighter),? $", NULL, 1, T_PER, T_ORG,
	 STOPWORDS, NULL},
	/* X, (a) part / unit / branch / wing of Y; X is part of Y */
	{K_PART, IN_MID, "part|unit|branch|wing|arm|division|subsidiar|affiliate|faction", NULL,
	 SEP "(a |an |the )?([a-z-]+ )?" PARTS " of (the )?$", NULL, 0, T_ORG | T_LOC, T_ORG | T_LOC, NULL, NULL},
	{K_PART, IN_MID, "part|unit|branch|wing|arm|division|subsidiar|affiliate|faction", NULL,
	 "^ ?,? (which |that )?" ADV "(is|was|are|were|became|forms|formed|has been|had been) (a |an |the )?"
	 "([a-z-]+ )?" PARTS " of (the )?$", NULL, 0, T_ORG | T_LOC, T_ORG | T_LOC, NULL, NULL},
};
#define NPATTERNS ((int)(sizeof patterns / sizeof patterns[0]))

/* Words that undo a match: a deputy is not the head, "never met" is not a meeting. */
static const char reject_re[] =
	"(deputy|vice[ -]|assistant|aide|advis[eo]r|spokes|never|n't|not |denied|denies|former aide)";

/* The compiled expressions: re[i][k] for pattern i and expression k
 * (0 pre, 1 mid, 2 post, 3 mid_not, 4 post_not), when that one is set. */
enum { RE_PRE, RE_MID, RE_POST, RE_MID_NOT, RE_POST_NOT, NRE };

#define MAX_NEEDLES 64
_Static_assert(NPATTERNS <= 64, "a pattern is a bit of a cue");

/* What text_bits() does, as a string in the patterns' signature: change it
 * when text_bits() changes, so that the cues kept in cases are made anew. */
#define CUES_FORMAT "text_bits 1: pre 48, post 40, gap 100, 3 ahead"

struct matcher {
	regex_t re[NPATTERNS][NRE];
	regex_t reject;
	int ncompiled;      /* patterns compiled (for freeing after a failure) */
	int reject_ok;
	/* the patterns' needles, each word once: needs[i] has bit w when
	 * word[w] is one of pattern i's; first2 has bit (c0 << 8 | c1) for
	 * the first two bytes of every word */
	char word[MAX_NEEDLES][16];
	uint8_t wlen[MAX_NEEDLES];
	int nwords;
	uint64_t needs[NPATTERNS];
	uint8_t first2[8192];
	uint64_t sig;       /* the patterns' signature, for the cues */
	/* typed[tx][ty]: some pattern could link a mention of type bit tx to
	 * a later one of type bit ty (most pairs of places cannot) */
	uint8_t typed[16][16];
};

static const char *pattern_re(const struct pattern *p, int k)
{
	const char *v[NRE] = {p->pre, p->mid, p->post, p->mid_not, p->post_not};
	return v[k];
}

static void matcher_free(struct matcher *m)
{
	if (m->reject_ok)
		regfree(&m->reject);
	for (int i = 0; i < m->ncompiled; i++)
		for (int k = 0; k < NRE; k++)
			if (pattern_re(&patterns[i], k))
				regfree(&m->re[i][k]);
	m->ncompiled = m->reject_ok = 0;
}

/* Indexes the needles of every pattern (see struct matcher); returns 0, or
 * -1 if one is too long or there are too many. */
static int needles_init(struct matcher *m)
{
	for (int i = 0; i < NPATTERNS; i++)
		for (const char *p = patterns[i].needle; *p;) {
			size_t n = strcspn(p, "|");
			if (n < 2 || n >= sizeof m->word[0])
				return -1;
			int w = 0;
			while (w < m->nwords && (m->wlen[w] != n || memcmp(m->word[w], p, n)))
				w++;
			if (w == m->nwords) {
				if (w == MAX_NEEDLES)
					return -1;
				memcpy(m->word[w], p, n);
				m->wlen[w] = (uint8_t)n;
				m->nwords++;
				unsigned bi = (unsigned char)p[0] << 8 | (unsigned char)p[1];
				m->first2[bi >> 3] |= (uint8_t)(1u << (bi & 7));
			}
			m->needs[i] |= 1ull << w;
			p += n;
			if (*p == '|')
				p++;
		}
	return 0;
}

/* Which needles occur in text (len bytes), ASCII case aside: bit w for
 * word[w].  One pass, a table lookup per byte: most texts have none.  The
 * needles are lower-case letters, which normalize() leaves in place: the
 * raw text and its normalised form have the same needles. */
static uint64_t needles_in(const struct matcher *m, const char *text, size_t len)
{
	uint64_t found = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c0 = (unsigned char)text[i], c1 = (unsigned char)text[i + 1];
		c0 = c0 >= 'A' && c0 <= 'Z' ? c0 + 32 : c0;
		c1 = c1 >= 'A' && c1 <= 'Z' ? c1 + 32 : c1;
		unsigned bi = (unsigned)c0 << 8 | c1;
		if (!(m->first2[bi >> 3] & (1u << (bi & 7))))
			continue;
		for (int w = 0; w < m->nwords; w++) {
			if ((unsigned char)m->word[w][0] != c0 || (unsigned char)m->word[w][1] != c1 || m->wlen[w] > len - i)
				continue;
			size_t k = 2;
			while (k < m->wlen[w] && (text[i + k] | (text[i + k] >= 'A' && text[i + k] <= 'Z' ? 32 : 0)) ==
						     m->word[w][k])
				k++;
			if (k == m->wlen[w])
				found |= 1ull << w;
		}
	}
	return found;
}

/* A hash of the patterns' text conditions (not their types: apply_bits()
 * checks those at every build). */
static uint64_t patterns_sig(void)
{
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return 0;
	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, CUES_FORMAT, sizeof CUES_FORMAT);
	XXH3_64bits_update(st, reject_re, sizeof reject_re);
	for (int i = 0; i < NPATTERNS; i++) {
		const struct pattern *p = &patterns[i];
		int v[2] = {(int)p->in, p->swap};
		XXH3_64bits_update(st, v, sizeof v);
		const char *t[] = {p->needle, p->pre, p->mid, p->post, p->mid_not, p->post_not};
		for (size_t k = 0; k < sizeof t / sizeof *t; k++)
			XXH3_64bits_update(st, t[k] ? t[k] : "", t[k] ? strlen(t[k]) + 1 : 1);
	}
	uint64_t h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

static int matcher_init(struct matcher *m, struct err *e)
{
	memset(m, 0, sizeof *m);
	m->sig = patterns_sig();
	if (needles_init(m) < 0)
		return err_set(e, "building the network: a link pattern's needle is too long, or there are too many");
	if (regcomp(&m->reject, reject_re, REG_EXTENDED | REG_NOSUB))
		return err_set(e, "building the network: a link pattern does not compile");
	m->reject_ok = 1;
	for (int i = 0; i < NPATTERNS; i++)
		for (int x = 1; x < 16; x <<= 1)
			for (int y = 1; y < 16; y <<= 1)
				if (patterns[i].swap ? (y & patterns[i].xt) && (x & patterns[i].yt)
						     : (x & patterns[i].xt) && (y & patterns[i].yt))
					m->typed[x][y] = 1;
	for (int i = 0; i < NPATTERNS; i++) {
		for (int k = 0; k < NRE; k++) {
			const char *re = pattern_re(&patterns[i], k);
			if (re && regcomp(&m->re[i][k], re, REG_EXTENDED | REG_NOSUB)) {
				while (--k >= 0)
					if (pattern_re(&patterns[i], k))
						regfree(&m->re[i][k]);
				matcher_free(m);
				return err_set(e, "building the network: link pattern %d does not compile", i);
			}
		}
		m->ncompiled = i + 1;
	}
	return 0;
}

/* Lower-cases ASCII, turns each run of whitespace into one space and the
 * typographic apostrophes into ', so "HEAD\n OF" and "head of" compare
 * equal.  b->p is always a string afterwards. */
static void normalize(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	buf_grow(b, n + 2); /* never longer than s, plus a space and the NUL */
	char *out = b->p;
	size_t len = 0;
	int space = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = 1;
			continue;
		}
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) { /* no-break space */
			i++;
			space = 1;
			continue;
		}
		if (space) {
			out[len++] = ' ';
			space = 0;
		}
		if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x98 || (unsigned char)s[i + 2] == 0x99)) {
			out[len++] = '\'';
			i += 2;
			continue;
		}
		out[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	if (space)
		out[len++] = ' ';
	out[len] = 0;
	b->len = len;
}

/* ---- the build ---- */

/* A candidate piece of evidence: one sentence, or for a document-only link
 * the closest sentences naming each entity (n2 set).  Lower cls is better:
 * 0 typed match, 1 shared sentence, 2 same document; then lower key
 * (sentence length, or distance in sentences). */
struct evn {
	uint32_t doc;           /* index into builder.docs */
	uint32_t n, start, end;
	uint32_t n2, start2, end2;
	uint32_t key;
	uint32_t next;          /* next in the link's list, or NONE */
	uint8_t cls;
};

struct pair {
	uint32_t a, b;          /* entity indexes, a < b */
	uint32_t docs, sdocs, sentences;
	uint32_t last_doc, last_sdoc, last_sent;
	uint32_t ev;
	uint8_t nev;
};

struct rel {
	uint32_t from, to;      /* X and Y; from < to for "met" */
	uint32_t docs, sentences, last_doc, last_sent;
	uint32_t ev;
	uint8_t nev;
	uint8_t kind;
};

/* Cues: which patterns the text matches between two nearby mentions
 * depends on the text alone, yet reading every document's text took a third
 * of a rebuild's mention scan.  So a build keeps, for each document, the
 * pairs that match (struct cue: the mentions' bytes and text_bits()), with
 * a hash of the document's mentions they were made for (struct cdoc); the
 * next build reads them instead while the hash holds, and a document
 * tagged anew is read again.  The patterns' signature (meta 'cues') drops
 * them all when the patterns change. */
struct cue {
	uint32_t xs, xe, ys, ye;
	uint64_t bits;
};

struct cdoc {
	uint64_t hash;
	uint32_t first, n;      /* its cues */
};

struct cdoc_new {
	long long id;
	uint64_t hash;
	uint32_t first, n;      /* in builder.fresh */
};

/* A mention of the current document. */
struct dm {
	int32_t sent;           /* -1 when it has no sentence */
	uint32_t sstart, send;  /* its sentence's bytes */
	uint32_t start, end;
	uint32_t ent;
};

struct builder {
	struct case_db *c;
	/* entities, by index (ids ascending) */
	uint32_t nent;
	long long *ent_id;
	uint8_t *ent_type;
	uint32_t *ent_docs;
	double *idf, idf_max;   /* see idf_compute */
	uint32_t *stamp, *cnt, *first, *sstamp, *slot, *cstamp;
	struct hmap ent_map;
	/* documents with linkable mentions, in order */
	long long *docs;
	uint32_t *drank;        /* each document's place in sha256 order */
	uint32_t ndocs, capdocs;
	struct hmap doc_rank;   /* document id -> its place in sha256 order */
	/* links */
	struct pair *pairs;
	uint32_t npairs, cappairs;
	struct hmap pair_map;
	struct rel *rels;
	uint32_t nrels, caprels;
	struct hmap rel_map;
	struct evn *pool;
	uint32_t npool, cappool;
	uint32_t sent_serial;
	/* typed matching */
	struct matcher m;
	struct buf pre, mid, post;
	sqlite3_stmt *body_st;
	const char *body;
	size_t body_len;
	int body_loaded;
	/* per-document scratch */
	uint32_t *scratch;
	size_t scratch_cap;
	/* the cues kept in the case (see cues_load) */
	struct hmap cue_doc;    /* document id -> its index in cdoc */
	struct cdoc *cdoc;
	struct cue *cue;        /* by document, then (xs, xe, ys, ye) */
	uint32_t ncdoc, ncue;
	/* the current document's, when they hold */
	const struct cue *dcue;
	uint32_t ndcue;
	int dcue_ok;
	uint32_t *hbuf;         /* what its hash is of */
	size_t hbuf_cap;
	/* the documents whose cues were made anew, and those cues */
	struct cdoc_new *fdoc;
	uint32_t nfdoc, capfdoc;
	struct cue *fresh;
	uint32_t nfresh, capfresh;
};

/* 1 if evidence x is worse than y: of a weaker class, then longer (or
 * farther apart); between equals, the document later in sha256 order, then
 * the later sentence.  By content, so that the same documents give the same
 * evidence whatever order ingest numbered them in. */
static int ev_worse(const struct builder *g, const struct evn *x, const struct evn *y)
{
	if (x->cls != y->cls)
		return x->cls > y->cls;
	if (x->key != y->key)
		return x->key > y->key;
	if (x->doc != y->doc)
		return g->drank[x->doc] > g->drank[y->doc];
	return x->n > y->n;
}

/* Offers a candidate to a link's evidence list (head, count): kept when the
 * list has room or the candidate beats its worst entry; a sentence already
 * listed only improves its class. */
static void ev_offer(struct builder *g, uint32_t *head, uint8_t *nev, const struct evn *cand)
{
	uint32_t worst = NONE;
	for (uint32_t i = *head; i != NONE; i = g->pool[i].next) {
		if (g->pool[i].doc == cand->doc && g->pool[i].n == cand->n) {
			if (cand->cls < g->pool[i].cls)
				g->pool[i].cls = cand->cls;
			return;
		}
		if (worst == NONE || ev_worse(g, &g->pool[i], &g->pool[worst]))
			worst = i;
	}
	if (*nev < GRAPH_EVIDENCE) {
		if (g->npool == g->cappool) {
			g->cappool = g->cappool ? g->cappool * 2 : 4096;
			g->pool = xrealloc(g->pool, (size_t)g->cappool * sizeof *g->pool);
		}
		uint32_t i = g->npool++;
		g->pool[i] = *cand;
		g->pool[i].next = *head;
		*head = i;
		(*nev)++;
		return;
	}
	if (ev_worse(g, &g->pool[worst], cand)) {
		uint32_t next = g->pool[worst].next;
		g->pool[worst] = *cand;
		g->pool[worst].next = next;
	}
}

/* 1 if a candidate of class cls and key could be kept (saves computing
 * it): some evidence listed is not better in class and key. */
static int ev_wanted(const struct builder *g, uint32_t head, uint8_t nev, uint8_t cls, uint32_t key)
{
	if (nev < GRAPH_EVIDENCE)
		return 1;
	for (uint32_t i = head; i != NONE; i = g->pool[i].next)
		if (g->pool[i].cls > cls || (g->pool[i].cls == cls && g->pool[i].key >= key))
			return 1;
	return 0;
}

/* The pair record of entities a and b, created when new.  The pointer is
 * valid until the next pair_get. */
static struct pair *pair_get(struct builder *g, uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	uint32_t *slot = hmap_slot(&g->pair_map, (uint64_t)a << 32 | b);
	if (*slot == NONE) {
		if (g->npairs == g->cappairs) {
			g->cappairs = g->cappairs ? g->cappairs * 2 : 4096;
			g->pairs = xrealloc(g->pairs, (size_t)g->cappairs * sizeof *g->pairs);
		}
		struct pair *p = &g->pairs[g->npairs];
		memset(p, 0, sizeof *p);
		p->a = a;
		p->b = b;
		p->last_doc = p->last_sdoc = p->last_sent = p->ev = NONE;
		*slot = g->npairs++;
	}
	return &g->pairs[*slot];
}

/* The typed relation k from X to Y, created when new. */
static struct rel *rel_get(struct builder *g, enum kind k, uint32_t from, uint32_t to)
{
	if (k == K_MET && from > to) {
		uint32_t t = from;
		from = to;
		to = t;
	}
	uint32_t *slot = hmap_slot(&g->rel_map, (uint64_t)k << 58 | (uint64_t)from << 29 | to);
	if (*slot == NONE) {
		if (g->nrels == g->caprels) {
			g->caprels = g->caprels ? g->caprels * 2 : 256;
			g->rels = xrealloc(g->rels, (size_t)g->caprels * sizeof *g->rels);
		}
		struct rel *r = &g->rels[g->nrels];
		memset(r, 0, sizeof *r);
		r->from = from;
		r->to = to;
		r->kind = (uint8_t)k;
		r->last_doc = r->last_sent = r->ev = NONE;
		*slot = g->nrels++;
	}
	return &g->rels[*slot];
}

static struct evn sentence_ev(uint32_t doc, const struct dm *m, uint8_t cls)
{
	struct evn v = {.doc = doc, .n = (uint32_t)m->sent, .start = m->sstart, .end = m->send,
			.n2 = NONE, .key = m->send - m->sstart, .cls = cls, .next = NONE};
	return v;
}

/* Counts the current sentence (where mention m is) for entities a and b. */
static void touch_sentence(struct builder *g, uint32_t a, uint32_t b, uint32_t doc, const struct dm *m, int typed)
{
	struct pair *p = pair_get(g, a, b);
	if (p->last_sent == g->sent_serial) {
		if (typed) {
			struct evn v = sentence_ev(doc, m, 0);
			ev_offer(g, &p->ev, &p->nev, &v);
		}
		return;
	}
	p->last_sent = g->sent_serial;
	p->sentences++;
	if (p->last_doc != doc) {
		p->last_doc = doc;
		p->docs++;
	}
	if (p->last_sdoc != doc) {
		p->last_sdoc = doc;
		p->sdocs++;
	}
	struct evn v = sentence_ev(doc, m, typed ? 0 : 1);
	ev_offer(g, &p->ev, &p->nev, &v);
}

/* Loads the current document's text for pattern matching, once per
 * document; returns 1 if there is one. */
static int load_body(struct builder *g, long long doc)
{
	if (g->body_loaded)
		return g->body != NULL;
	g->body_loaded = 1;
	sqlite3_reset(g->body_st);
	sqlite3_bind_int64(g->body_st, 1, doc);
	if (sqlite3_step(g->body_st) == SQLITE_ROW) {
		g->body = (const char *)sqlite3_column_text(g->body_st, 0);
		g->body_len = (size_t)sqlite3_column_bytes(g->body_st, 0);
	}
	return g->body != NULL;
}

/* Which patterns the text around mentions x and y (x first) of one
 * sentence matches: bit i for patterns[i], the entities' types not
 * considered (apply_bits() does), so that the answer depends on the text
 * alone and can be kept (see the cues, below).  Needs the body loaded. */
static uint64_t text_bits(struct builder *g, const struct dm *x, const struct dm *y)
{
	if (y->end > g->body_len || x->end > y->start || x->start < x->sstart || y->end > y->send)
		return 0;
	size_t pre_from = x->start >= x->sstart + 48 ? x->start - 48 : x->sstart;
	size_t post_to = y->end + 40 <= y->send ? y->end + 40 : y->send;
	if (post_to > g->body_len)
		post_to = g->body_len;
	/* the needles, from the raw text: most pairs have none, and are
	 * done with before any text is normalised */
	uint64_t in[3] = {needles_in(&g->m, g->body + pre_from, x->start - pre_from),
			  needles_in(&g->m, g->body + x->end, y->start - x->end),
			  needles_in(&g->m, g->body + y->end, post_to - y->end)};
	int any = 0;
	for (int i = 0; i < NPATTERNS && !any; i++)
		any = (in[patterns[i].in] & g->m.needs[i]) != 0;
	if (!any)
		return 0;
	normalize(&g->mid, g->body + x->end, y->start - x->end);
	normalize(&g->post, g->body + y->end, post_to - y->end); /* always needed: "X met Y's deputy" */
	int pre_done = 0, rejected = -1;
	uint64_t bits = 0;
	for (int i = 0; i < NPATTERNS; i++) {
		const struct pattern *p = &patterns[i];
		if (!(in[p->in] & g->m.needs[i]))
			continue;
		if (p->pre && !pre_done) {
			normalize(&g->pre, g->body + pre_from, x->start - pre_from);
			pre_done = 1;
		}
		regex_t *re = g->m.re[i];
		if ((p->mid && regexec(&re[RE_MID], g->mid.p, 0, NULL, 0)) ||
		    (p->pre && regexec(&re[RE_PRE], g->pre.p, 0, NULL, 0)) ||
		    (p->post && regexec(&re[RE_POST], g->post.p, 0, NULL, 0)) ||
		    (p->mid_not && !regexec(&re[RE_MID_NOT], g->mid.p, 0, NULL, 0)) ||
		    (p->post_not && !regexec(&re[RE_POST_NOT], g->post.p, 0, NULL, 0)))
			continue;
		/* in "X met Y's deputy" Y is not the one met */
		if (!p->post && !p->swap && !strncmp(g->post.p, "'s", 2))
			continue;
		if (rejected < 0)
			rejected = !regexec(&g->m.reject, g->mid.p, 0, NULL, 0);
		/* post expressions are anchored and allow only a few words; in
		 * pre only the words just before the keyword matter */
		if (rejected || (p->pre && !regexec(&g->m.reject, g->pre.p + (g->pre.len > 32 ? g->pre.len - 32 : 0), 0,
						   NULL, 0)))
			continue;
		bits |= (uint64_t)1 << i;
	}
	return bits;
}

/* Records the typed relations of the patterns in bits (text_bits()) whose
 * types the entities of x and y have. */
static void apply_bits(struct builder *g, uint32_t doc, const struct dm *x, const struct dm *y, uint64_t bits)
{
	for (int i = 0; i < NPATTERNS; i++) {
		const struct pattern *p = &patterns[i];
		if (!(bits >> i & 1))
			continue;
		const struct dm *X = p->swap ? y : x, *Y = p->swap ? x : y;
		if (!(g->ent_type[X->ent] & p->xt) || !(g->ent_type[Y->ent] & p->yt))
			continue;
		struct rel *r = rel_get(g, p->kind, X->ent, Y->ent);
		if (r->last_sent != g->sent_serial) {
			r->last_sent = g->sent_serial;
			r->sentences++;
			if (r->last_doc != doc) {
				r->last_doc = doc;
				r->docs++;
			}
			struct evn v = sentence_ev(doc, x, 0);
			ev_offer(g, &r->ev, &r->nev, &v);
		}
		touch_sentence(g, x->ent, y->ent, doc, x, 1);
	}
}

/* The verdict kept for mentions x and y among n cues (0: none matched). */
static uint64_t cue_find(const struct cue *c, uint32_t n, const struct dm *x, const struct dm *y)
{
	uint32_t k[4] = {x->start, x->end, y->start, y->end}, lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const uint32_t t[4] = {c[mid].xs, c[mid].xe, c[mid].ys, c[mid].ye};
		int cmp = 0;
		for (int i = 0; i < 4 && !cmp; i++)
			cmp = (t[i] > k[i]) - (t[i] < k[i]);
		if (!cmp)
			return c[mid].bits;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void cue_add(struct builder *g, const struct dm *x, const struct dm *y, uint64_t bits)
{
	if (g->nfresh == g->capfresh) {
		g->capfresh = g->capfresh ? 2 * g->capfresh : 1024;
		g->fresh = xrealloc(g->fresh, (size_t)g->capfresh * sizeof *g->fresh);
	}
	g->fresh[g->nfresh++] = (struct cue){x->start, x->end, y->start, y->end, bits};
}

/* Starts a document of mentions m[0..n): its cues if they were made for
 * these mentions, else a new entry whose cues the scan will find. */
static void cues_begin(struct builder *g, long long doc_id, const struct dm *m, size_t n)
{
	if (g->hbuf_cap < 5 * n) {
		g->hbuf_cap = 5 * n;
		g->hbuf = xrealloc(g->hbuf, g->hbuf_cap * sizeof *g->hbuf);
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t *h = g->hbuf + 5 * i;
		h[0] = (uint32_t)m[i].sent;
		h[1] = m[i].sstart;
		h[2] = m[i].send;
		h[3] = m[i].start;
		h[4] = m[i].end;
	}
	uint64_t hash = XXH3_64bits(g->hbuf, 5 * n * sizeof *g->hbuf);
	uint32_t k = hmap_get(&g->cue_doc, (uint64_t)doc_id);
	g->dcue_ok = k != NONE && g->cdoc[k].hash == hash;
	if (g->dcue_ok) {
		g->dcue = g->cue + g->cdoc[k].first;
		g->ndcue = g->cdoc[k].n;
		return;
	}
	if (g->nfdoc == g->capfdoc) {
		g->capfdoc = g->capfdoc ? 2 * g->capfdoc : 1024;
		g->fdoc = xrealloc(g->fdoc, (size_t)g->capfdoc * sizeof *g->fdoc);
	}
	g->fdoc[g->nfdoc++] = (struct cdoc_new){doc_id, hash, g->nfresh, 0};
}

/* Ends the document cues_begin() started. */
static void cues_end(struct builder *g)
{
	if (!g->dcue_ok)
		g->fdoc[g->nfdoc - 1].n = g->nfresh - g->fdoc[g->nfdoc - 1].first;
	g->dcue_ok = 0;
}

#define SENT_MAX_DISTINCT 64   /* entities of one sentence that are paired */

/* Links within one sentence: m[0..n) are its mentions, in order. */
static void do_sentence(struct builder *g, uint32_t doc, long long doc_id, const struct dm *m, size_t n)
{
	g->sent_serial++;
	uint32_t distinct[SENT_MAX_DISTINCT];
	size_t at[SENT_MAX_DISTINCT], nd = 0;
	for (size_t i = 0; i < n && nd < SENT_MAX_DISTINCT; i++) {
		if (g->sstamp[m[i].ent] == g->sent_serial)
			continue;
		g->sstamp[m[i].ent] = g->sent_serial;
		at[nd] = i;
		distinct[nd++] = m[i].ent;
	}
	/* typed patterns between nearby mentions (they also give the
	 * co-occurrence its best evidence): from the document's cues, or from
	 * its text for every nearby pair whatever their entities (the next
	 * build may see them as others) */
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n && j <= i + 3; j++) {
			if (m[j].start < m[i].end)
				continue;
			if (m[j].start - m[i].end > 100)
				break;
			int wanted = m[j].ent != m[i].ent && g->m.typed[g->ent_type[m[i].ent]][g->ent_type[m[j].ent]];
			uint64_t bits = 0;
			if (g->dcue_ok) {
				if (wanted)
					bits = cue_find(g->dcue, g->ndcue, &m[i], &m[j]);
			} else if (load_body(g, doc_id) && (bits = text_bits(g, &m[i], &m[j])) != 0) {
				cue_add(g, &m[i], &m[j], bits);
			}
			if (wanted && bits)
				apply_bits(g, doc, &m[i], &m[j], bits);
		}
	if (nd < 2)
		return;
	/* every pair; in a long list of names only those within 10 places */
	for (size_t i = 0; i < nd; i++)
		for (size_t j = i + 1; j < nd && (nd <= 20 || j - i <= 10); j++)
			touch_sentence(g, distinct[i], distinct[j], doc, &m[at[i]], 0);
}

/* Orders entity indexes by mentions in the document, most first, then by
 * first appearance (qsort_r, with the builder as context). */
static int by_count(const void *pa, const void *pb, void *ctx)
{
	const struct builder *g = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	if (g->cnt[a] != g->cnt[b])
		return g->cnt[a] > g->cnt[b] ? -1 : 1;
	return (g->first[a] > g->first[b]) - (g->first[a] < g->first[b]);
}

/* Document-level links between the chosen entities ents[0..ne) of the
 * current document (mentions m[0..n)). */
static void do_doc_pairs(struct builder *g, uint32_t doc, const struct dm *m, size_t n, const uint32_t *ents,
			 uint32_t ne, uint32_t *pos)
{
	uint32_t offs[GRAPH_DOC_TOP + 1], fill[GRAPH_DOC_TOP];
	memset(offs, 0, sizeof offs);
	for (uint32_t k = 0; k < ne; k++) {
		g->slot[ents[k]] = k;
		g->cstamp[ents[k]] = doc + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (g->cstamp[m[i].ent] == doc + 1 && m[i].sent >= 0)
			offs[g->slot[m[i].ent] + 1]++;
	for (uint32_t k = 0; k < ne; k++) {
		offs[k + 1] += offs[k];
		fill[k] = offs[k];
	}
	for (size_t i = 0; i < n; i++)
		if (g->cstamp[m[i].ent] == doc + 1 && m[i].sent >= 0)
			pos[fill[g->slot[m[i].ent]]++] = (uint32_t)i;

	for (uint32_t k = 0; k < ne; k++)
		for (uint32_t l = k + 1; l < ne; l++) {
			struct pair *p = pair_get(g, ents[k], ents[l]);
			if (p->last_doc != doc) {
				p->last_doc = doc;
				p->docs++;
			}
			if (p->last_sdoc == doc || offs[k] == offs[k + 1] || offs[l] == offs[l + 1] ||
			    !ev_wanted(g, p->ev, p->nev, 2, 0))
				continue;
			/* the closest two sentences naming each */
			uint32_t i = offs[k], j = offs[l], bi = i, bj = j, best = NONE;
			while (i < offs[k + 1] && j < offs[l + 1]) {
				int32_t si = m[pos[i]].sent, sj = m[pos[j]].sent;
				uint32_t d = (uint32_t)(si > sj ? si - sj : sj - si);
				if (d < best) {
					best = d;
					bi = i;
					bj = j;
				}
				if (si < sj)
					i++;
				else
					j++;
			}
			const struct dm *x = &m[pos[bi]], *y = &m[pos[bj]];
			if (x->sent > y->sent) {
				const struct dm *t = x;
				x = y;
				y = t;
			}
			struct evn v = sentence_ev(doc, x, 2);
			v.key = best;
			v.n2 = (uint32_t)y->sent;
			v.start2 = y->sstart;
			v.end2 = y->send;
			ev_offer(g, &p->ev, &p->nev, &v);
		}
}

/* Everything one document contributes: m[0..n) are its mentions of
 * linkable entities, by offset. */
static void do_document(struct builder *g, long long doc_id, const struct dm *m, size_t n)
{
	if (g->ndocs == g->capdocs) {
		g->capdocs = g->capdocs ? g->capdocs * 2 : 1024;
		g->docs = xrealloc(g->docs, (size_t)g->capdocs * sizeof *g->docs);
		g->drank = xrealloc(g->drank, (size_t)g->capdocs * sizeof *g->drank);
	}
	uint32_t doc = g->ndocs++;
	g->docs[doc] = doc_id;
	g->drank[doc] = hmap_get(&g->doc_rank, (uint64_t)doc_id);
	g->body = NULL;
	g->body_loaded = 0;

	if (g->scratch_cap < 2 * n + 2) {
		g->scratch_cap = 2 * n + 2;
		g->scratch = xrealloc(g->scratch, g->scratch_cap * sizeof *g->scratch);
	}
	uint32_t *ents = g->scratch, ne = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t x = m[i].ent;
		if (g->stamp[x] != doc + 1) {
			g->stamp[x] = doc + 1;
			g->cnt[x] = 0;
			g->first[x] = (uint32_t)i;
			g->ent_docs[x]++;
			ents[ne++] = x;
		}
		g->cnt[x]++;
	}
	cues_begin(g, doc_id, m, n);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && m[j].sent == m[i].sent)
			j++;
		if (m[i].sent >= 0 && j - i >= 2)
			do_sentence(g, doc, doc_id, m + i, j - i);
		i = j;
	}
	cues_end(g);
	/* at document level only entities the document names at least twice:
	 * a passing mention is not a link (a shared sentence still is) */
	uint32_t kept = 0;
	for (uint32_t i = 0; i < ne; i++)
		if (g->cnt[ents[i]] >= 2)
			ents[kept++] = ents[i];
	ne = kept;
	if (ne < 2)
		return;
	if (ne > GRAPH_DOC_TOP) {
		qsort_r(ents, ne, sizeof *ents, by_count, g);
		ne = GRAPH_DOC_TOP;
	}
	do_doc_pairs(g, doc, m, n, ents, ne, g->scratch + n + 1);
}

/* Reads the linkable entities (PER/ORG/LOC/MISC) into g. */
static int load_entities(struct builder *g, struct err *e)
{
	sqlite3_stmt *st;
	if (case_prepare(g->c, "SELECT id, type FROM entities WHERE type IN ('PER','ORG','LOC','MISC') ORDER BY id",
			 &st, "building the network", e) < 0)
		return -1;
	uint32_t cap = 1024;
	g->ent_id = xmalloc(cap * sizeof *g->ent_id);
	g->ent_type = xmalloc(cap);
	hmap_init(&g->ent_map, 1024);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (g->nent == cap) {
			if (cap >= (1u << 28)) {
				sqlite3_finalize(st);
				return err_set(e, "building the network: too many entities");
			}
			cap *= 2;
			g->ent_id = xrealloc(g->ent_id, cap * sizeof *g->ent_id);
			g->ent_type = xrealloc(g->ent_type, cap);
		}
		g->ent_id[g->nent] = sqlite3_column_int64(st, 0);
		g->ent_type[g->nent] = (uint8_t)type_bit((const char *)sqlite3_column_text(st, 1));
		*hmap_slot(&g->ent_map, (uint64_t)g->ent_id[g->nent]) = g->nent;
		g->nent++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return case_fail(g->c, "building the network", e);
	size_t n = g->nent ? g->nent : 1;
	g->ent_docs = xcalloc(n, sizeof *g->ent_docs);
	g->stamp = xcalloc(n, sizeof *g->stamp);
	g->cnt = xcalloc(n, sizeof *g->cnt);
	g->first = xcalloc(n, sizeof *g->first);
	g->sstamp = xcalloc(n, sizeof *g->sstamp);
	g->slot = xcalloc(n, sizeof *g->slot);
	g->cstamp = xcalloc(n, sizeof *g->cstamp);
	return 0;
}

static int step_done(struct case_db *c, sqlite3_stmt *st, struct err *e);

/* Reads the cues kept in the case, after dropping them all if they were
 * made for other patterns than these. */
static int cues_load(struct builder *g, struct err *e)
{
	struct case_db *c = g->c;
	sqlite3_stmt *st = NULL;
	char sig[24];
	snprintf(sig, sizeof sig, "%lld", (long long)g->m.sig);
	int rc;
	hmap_init(&g->cue_doc, 1024);
	int same = case_meta_is(c, "cues", sig, "building the network", e);
	if (same < 0)
		return -1;
	if (!same)
		return case_exec(c, "DELETE FROM cues; DELETE FROM cue_docs", "building the network", e) < 0
			       ? -1
			       : case_meta_set(c, "cues", sig, "building the network", e);
	if (case_prepare(c, "SELECT doc, hash FROM cue_docs", &st, "building the network", e) < 0)
		return -1;
	uint32_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (g->ncdoc == cap) {
			cap = cap ? 2 * cap : 1024;
			g->cdoc = xrealloc(g->cdoc, (size_t)cap * sizeof *g->cdoc);
		}
		g->cdoc[g->ncdoc] = (struct cdoc){(uint64_t)sqlite3_column_int64(st, 1), 0, 0};
		*hmap_slot(&g->cue_doc, (uint64_t)sqlite3_column_int64(st, 0)) = g->ncdoc++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return case_fail(c, "building the network", e);
	/* in key order: a document's cues together, in the order cue_find() searches */
	if (case_prepare(c, "SELECT doc, xs, xe, ys, ye, bits FROM cues ORDER BY doc, xs, xe, ys, ye", &st,
			 "building the network", e) < 0)
		return -1;
	cap = 0;
	uint32_t last = NONE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t k = hmap_get(&g->cue_doc, (uint64_t)sqlite3_column_int64(st, 0));
		if (k == NONE)
			continue;
		if (g->ncue == cap) {
			cap = cap ? 2 * cap : 1024;
			g->cue = xrealloc(g->cue, (size_t)cap * sizeof *g->cue);
		}
		if (k != last)
			g->cdoc[k].first = g->ncue;
		last = k;
		g->cdoc[k].n++;
		g->cue[g->ncue++] = (struct cue){(uint32_t)sqlite3_column_int64(st, 1), (uint32_t)sqlite3_column_int64(st, 2),
						 (uint32_t)sqlite3_column_int64(st, 3), (uint32_t)sqlite3_column_int64(st, 4),
						 (uint64_t)sqlite3_column_int64(st, 5)};
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : case_fail(c, "building the network", e);
}

/* Writes the cues of the documents read anew. */
static int cues_store(struct builder *g, struct err *e)
{
	struct case_db *c = g->c;
	sqlite3_stmt *del = NULL, *doc = NULL, *ins = NULL;
	int rc = -1;
	if (case_prepare(c, "DELETE FROM cues WHERE doc = ?", &del, "saving the network", e) < 0 ||
	    case_prepare(c, "INSERT OR REPLACE INTO cue_docs(doc, hash) VALUES(?, ?)", &doc, "saving the network", e) < 0 ||
	    case_prepare(c, "INSERT OR REPLACE INTO cues(doc, xs, xe, ys, ye, bits) VALUES(?, ?, ?, ?, ?, ?)", &ins,
			 "saving the network", e) < 0)
		goto out;
	for (uint32_t i = 0; i < g->nfdoc; i++) {
		const struct cdoc_new *d = &g->fdoc[i];
		sqlite3_bind_int64(del, 1, d->id);
		sqlite3_bind_int64(doc, 1, d->id);
		sqlite3_bind_int64(doc, 2, (sqlite3_int64)d->hash);
		/* a document never seen before has none to delete */
		if ((hmap_get(&g->cue_doc, (uint64_t)d->id) != NONE && step_done(c, del, e) < 0) ||
		    step_done(c, doc, e) < 0)
			goto out;
		for (uint32_t k = d->first; k < d->first + d->n; k++) {
			const struct cue *q = &g->fresh[k];
			sqlite3_bind_int64(ins, 1, d->id);
			sqlite3_bind_int64(ins, 2, q->xs);
			sqlite3_bind_int64(ins, 3, q->xe);
			sqlite3_bind_int64(ins, 4, q->ys);
			sqlite3_bind_int64(ins, 5, q->ye);
			sqlite3_bind_int64(ins, 6, (sqlite3_int64)q->bits);
			if (step_done(c, ins, e) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(del);
	sqlite3_finalize(doc);
	sqlite3_finalize(ins);
	return rc;
}

/* Each document's place in sha256 order, for ev_worse(). */
static int load_doc_ranks(struct builder *g, struct err *e)
{
	sqlite3_stmt *st;
	if (case_prepare(g->c, "SELECT id FROM documents ORDER BY sha256", &st, "building the network", e) < 0)
		return -1;
	hmap_init(&g->doc_rank, 1024);
	uint32_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*hmap_slot(&g->doc_rank, (uint64_t)sqlite3_column_int64(st, 0)) = n++;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : case_fail(g->c, "building the network", e);
}

/* A mention as read, before its sentence is looked up. */
struct rawm {
	long long doc;
	int64_t sent;           /* -1: none */
	uint32_t start, end, ent;
};

static int by_doc_start(const void *pa, const void *pb)
{
	const struct rawm *x = pa, *y = pb;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* Reads the mentions of linkable entities, then gives them to
 * doc_mentions() document by document with their sentences' bytes.  Both
 * tables are read in their own order, with no index: mentions as stored
 * (ingest writes a document's mentions together, in order of offset; they
 * are sorted when not), sentences by (doc, n), merged as the documents go
 * by.  An index scan of the mentions, joined to the sentences one mention
 * at a time, took three times as long. */
static int scan_mentions(struct builder *g, struct err *e)
{
	sqlite3_stmt *st = NULL, *ss = NULL;
	struct rawm *v = NULL;
	struct dm *dm = NULL;
	uint32_t (*sb)[2] = NULL; /* this document's sentences: n -> start, end */
	size_t n = 0, cap = 0, dmcap = 0, sbcap = 0;
	int rc = -1, sorted = 1;
	if (case_prepare(g->c, "SELECT doc, sentence, start, end, entity FROM mentions WHERE entity IS NOT NULL", &st,
			 "building the network", e) < 0 ||
	    case_prepare(g->c, "SELECT doc, n, start, end FROM sentences", &ss, "building the network", e) < 0)
		goto out;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t x = hmap_get(&g->ent_map, (uint64_t)sqlite3_column_int64(st, 4));
		if (x == NONE)
			continue; /* a DATE, EMAIL, ... entity, or a stale id */
		long long ms = sqlite3_column_int64(st, 2), me = sqlite3_column_int64(st, 3);
		if (ms < 0 || me < ms || me > (long long)UINT32_MAX)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = xrealloc(v, cap * sizeof *v);
		}
		struct rawm *r = &v[n++];
		r->doc = sqlite3_column_int64(st, 0);
		r->sent = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
		if (r->sent < 0 || r->sent >= INT32_MAX)
			r->sent = -1;
		r->start = (uint32_t)ms;
		r->end = (uint32_t)me;
		r->ent = x;
		if (n > 1 && by_doc_start(r - 1, r) > 0)
			sorted = 0;
	}
	if (src != SQLITE_DONE) {
		case_fail(g->c, "building the network", e);
		goto out;
	}
	if (!sorted)
		qsort(v, n, sizeof *v, by_doc_start);
	/* room for what n mentions make (on the corpus 1.33 pairs and 1.89
	 * pieces of evidence a mention; pages never touched cost nothing):
	 * doubling as they came copied ~60 MB and rehashed the pairs' map
	 * eight times, 0.3 s of the mention scan's 1.0.  The pairs' map,
	 * though, is filled with its empty mark and read all over: sized for
	 * the pairs the last build found (meta 'pairs') when there was one,
	 * since a rebuild finds about as many.  By the mentions alone, a
	 * leak that names the same people in 100k documents (the corpus
	 * eleven times) got a 192 MB map for 580k pairs, and its mention
	 * scan took 5.3 s where eleven times the corpus' is 3.4.  A first
	 * build starts at most at 1M pairs and grows the map as it needs:
	 * growing it is cheap beside the arrays' copies. */
	int last = 0;
	size_t want = MIN(n, (size_t)1 << 20);
	if (case_int(g->c, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'pairs'", &last) == 0 && last > 0)
		want = (size_t)last + (size_t)last / 4;
	if (g->pair_map.n == 0 && want > g->pair_map.cap / 2) {
		hmap_free(&g->pair_map);
		hmap_init(&g->pair_map, want);
	}
	if (g->cappairs < n + n / 2) {
		g->cappairs = (uint32_t)(n + n / 2);
		g->pairs = xrealloc(g->pairs, (size_t)g->cappairs * sizeof *g->pairs);
	}
	if (g->cappool < 2 * n + n / 2) {
		g->cappool = (uint32_t)(2 * n + n / 2);
		g->pool = xrealloc(g->pool, (size_t)g->cappool * sizeof *g->pool);
	}
	int has = sqlite3_step(ss); /* the sentence cursor, ahead of or at the document */
	for (size_t i = 0; i < n;) {
		long long doc = v[i].doc;
		size_t j = i + 1;
		while (j < n && v[j].doc == doc)
			j++;
		/* this document's sentences */
		uint32_t nsb = 0;
		while (has == SQLITE_ROW && sqlite3_column_int64(ss, 0) < doc)
			has = sqlite3_step(ss);
		for (; has == SQLITE_ROW && sqlite3_column_int64(ss, 0) == doc; has = sqlite3_step(ss)) {
			long long k = sqlite3_column_int64(ss, 1), a = sqlite3_column_int64(ss, 2),
				  b = sqlite3_column_int64(ss, 3);
			if (k < 0 || k >= INT32_MAX || a < 0 || b < a || b > (long long)UINT32_MAX)
				continue;
			if ((size_t)k >= sbcap) {
				sbcap = (size_t)k + 1 > 2 * sbcap ? (size_t)k + 1 : 2 * sbcap;
				sb = xrealloc(sb, sbcap * sizeof *sb);
			}
			while (nsb <= (uint32_t)k) /* sentences not listed: none */
				sb[nsb][0] = sb[nsb][1] = UINT32_MAX, nsb++;
			sb[k][0] = (uint32_t)a;
			sb[k][1] = (uint32_t)b;
		}
		if (has != SQLITE_ROW && has != SQLITE_DONE) {
			case_fail(g->c, "building the network", e);
			goto out;
		}
		if (j - i > dmcap) {
			dmcap = 2 * (j - i);
			dm = xrealloc(dm, dmcap * sizeof *dm);
		}
		for (size_t k = i; k < j; k++) {
			struct dm *d = &dm[k - i];
			int64_t t = v[k].sent;
			int has_sent = t >= 0 && t < nsb && sb[t][0] != UINT32_MAX;
			d->sent = has_sent ? (int32_t)t : -1;
			d->sstart = has_sent ? sb[t][0] : 0;
			d->send = has_sent ? sb[t][1] : 0;
			d->start = v[k].start;
			d->end = v[k].end;
			d->ent = v[k].ent;
		}
		do_document(g, doc, dm, j - i);
		i = j;
	}
	rc = 0;
out:
	free(v);
	free(dm);
	free(sb);
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	return rc;
}

/* Each entity's log((documents + 1) / its documents) into g->idf, and
 * log(documents + 1) into g->idf_max, once the mentions are scanned: once
 * an entity, not twice a link (3.3M calls of log() on the corpus). */
static void idf_compute(struct builder *g)
{
	double n1 = (double)g->ndocs + 1;
	g->idf_max = log(n1);
	g->idf = xmalloc((g->nent ? g->nent : 1) * sizeof *g->idf);
	for (uint32_t i = 0; i < g->nent; i++)
		g->idf[i] = log(n1 / (g->ent_docs[i] ? g->ent_docs[i] : 1));
}

/* How specific a link between a and b is: 1 for entities found in one
 * document each, near 0 when either is in nearly every document (after
 * idf_compute). */
static double specificity(const struct builder *g, uint32_t a, uint32_t b)
{
	double max = g->idf_max;
	if (max <= 0)
		return 1;
	return g->idf[a] * g->idf[b] / (max * max);
}

/* Sorts a link's evidence v[0..n), at most GRAPH_EVIDENCE, best first (ev_worse's
 * order, total: a link lists a sentence once).  In place, by insertion: a
 * qsort_r call for each of the corpus's 627k links cost more than the
 * sorting. */
static void evidence_sort(const struct builder *g, struct evn *v, int n)
{
	for (int i = 1; i < n; i++) {
		struct evn x = v[i];
		int j = i;
		for (; j > 0 && ev_worse(g, &v[j - 1], &x); j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Edges go to the table EDGE_BATCH rows to an INSERT: one statement a row
 * opened and closed the table's and the index's cursors, and sought
 * their ends, for every edge. */
#define EDGE_BATCH 64
#define EDGE_COLS 9

struct erow {
	long long id, a, b;
	enum kind k;
	uint32_t docs, sentences;
	double weight, score;
	struct buf ev;          /* its evidence, as JSON */
};

struct writer {
	sqlite3_stmt *batch;    /* INSERT of EDGE_BATCH rows */
	sqlite3_stmt *one;      /* of one row, for the last few */
	struct erow row[EDGE_BATCH];
	int n;                  /* rows waiting */
	long long next_id;
	long long nev;          /* pieces of evidence written */
};


static int step_done(struct case_db *c, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return case_fail(c, "saving the network", e);
	return 0;
}

/* Writes the rows waiting in w: a whole batch in one statement, fewer
 * one by one.  Returns 0 or -1. */
static int flush_edges(struct case_db *c, struct writer *w, struct err *e)
{
	sqlite3_stmt *st = w->n == EDGE_BATCH ? w->batch : w->one;
	for (int i = 0; i < w->n; i++) {
		const struct erow *r = &w->row[i];
		int at = st == w->batch ? i * EDGE_COLS : 0;
		sqlite3_bind_int64(st, at + 1, r->id);
		sqlite3_bind_int64(st, at + 2, r->a);
		sqlite3_bind_int64(st, at + 3, r->b);
		sqlite3_bind_text(st, at + 4, kind_names[r->k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, at + 5, r->docs);
		sqlite3_bind_int64(st, at + 6, r->sentences);
		sqlite3_bind_double(st, at + 7, r->weight);
		sqlite3_bind_double(st, at + 8, r->score);
		sqlite3_bind_text(st, at + 9, r->ev.p, (int)r->ev.len, SQLITE_STATIC);
		if (st == w->one && step_done(c, st, e) < 0)
			return -1;
	}
	int batch = st == w->batch;
	w->n = 0;
	return batch ? step_done(c, st, e) : 0;
}

/* Writes one edge and its evidence list (in batches: flush_edges() writes
 * the last); returns 0 or -1. */
static int write_edge(struct builder *g, struct writer *w, uint32_t a, uint32_t b, enum kind k, uint32_t docs,
		      uint32_t sentences, double weight, double score, uint32_t head, struct err *e)
{
	struct erow *r = &w->row[w->n++];
	r->id = w->next_id++;
	r->a = g->ent_id[a];
	r->b = g->ent_id[b];
	r->k = k;
	r->docs = docs;
	r->sentences = sentences;
	r->weight = weight;
	r->score = score;
	struct evn list[GRAPH_EVIDENCE] = {{0}};
	int n = 0;
	for (uint32_t i = head; i != NONE && n < GRAPH_EVIDENCE; i = g->pool[i].next)
		list[n++] = g->pool[i];
	evidence_sort(g, list, n);
	/* a document-only link shows its three closest pairs of sentences:
	 * enough to judge a weak link, and these links are the most numerous */
	if (k == K_SAMEDOC && n > 3)
		n = 3;
	/* [[doc, sentence, start, end], ...], best first (see the view
	 * evidence in case.c) */
	struct buf *js = &r->ev;
	buf_reset(js);
	buf_addc(js, '[');
	for (int i = 0; i < n; i++)
		for (int half = 0; half < 2; half++) {
			if (half && list[i].n2 == NONE)
				break;
			buf_adds(js, js->len > 1 ? ",[" : "[");
			w->nev++;
			buf_add_uint(js, (unsigned long long)g->docs[list[i].doc]);
			buf_addc(js, ',');
			buf_add_uint(js, half ? list[i].n2 : list[i].n);
			buf_addc(js, ',');
			buf_add_uint(js, half ? list[i].start2 : list[i].start);
			buf_addc(js, ',');
			buf_add_uint(js, half ? list[i].end2 : list[i].end);
			buf_addc(js, ']');
		}
	buf_addc(js, ']');
	return w->n == EDGE_BATCH ? flush_edges(g->c, w, e) : 0;
}

struct comm {
	long id, size;
};

static int by_size(const void *pa, const void *pb)
{
	const struct comm *x = pa, *y = pb;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Betweenness of people and organisations over the links between them
 * that share a sentence (of the pairs ea[2i], ea[2i+1] of score[i], i < ne: those
 * whose entities' type[] is PER or ORG; a link's length is 1/score, so
 * strong links are short) into bt[n]; NAN for places and MISC entities,
 * which are not measured.  A path through "Iraq" or "Baghdad" says nothing
 * of who brokers between whom, and weft path avoids them too; leaving them
 * out also halves the work.  By Brandes' algorithm ("A faster algorithm for
 * betweenness centrality", 2001): one shortest-path search from each source
 * entity.  Exact when at most BETWEEN_EXACT entities have such links;
 * otherwise estimated from BETWEEN_SOURCES sources drawn with a fixed seed
 * and scaled by n/sources (Brandes and Pich, "Centrality estimation in large
 * networks", 2007), because one search per entity of a whole leak takes
 * hours.  A source's share of a path s..v..t is d(s,v)/d(s,t), the rest
 * being t's ("linear scaling": Geisberger, Sanders and Schultes, "Better
 * approximation of betweenness centrality", 2008): entities near a drawn
 * source are no longer overrated.  With every source the sum is exact; how
 * close 128 sources come on the corpus is in bench/BENCHMARKS.md (Session
 * 5).  igraph's subset betweenness did the same job ~30 times slower. */
#define BETWEEN_EXACT 2000
#define BETWEEN_SOURCES 128

/* A 4-ary min-heap of (distance, vertex) with lazy deletion: a vertex is
 * pushed again when its distance drops, and stale items are skipped when
 * popped.  Four children per node make the heap half as deep as a binary
 * one, and a pop's comparisons touch one cache line. */
struct hitem {
	double d;
	uint32_t v;
};

static void heap_push(struct hitem *h, size_t *n, double d, uint32_t v)
{
	size_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 4].d > d) {
		h[i] = h[(i - 1) / 4];
		i = (i - 1) / 4;
	}
	h[i].d = d;
	h[i].v = v;
}

static struct hitem heap_pop(struct hitem *h, size_t *n)
{
	struct hitem top = h[0], last = h[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 4 * i + 1, end = MIN(c + 4, *n);
		if (c >= *n)
			break;
		for (size_t k = c + 1; k < end; k++)
			if (h[k].d < h[c].d)
				c = k;
		if (h[c].d >= last.d)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
	return top;
}

/* The same heap indexed by vertex (pos[v]: where v is, or NONE), so that a
 * shorter distance moves v up instead of adding it again: Brandes' searches
 * settle every vertex they reach, and a heap of one item per vertex stays
 * in cache where a lazy one grows with every improvement. */
struct iheap {
	struct hitem *h;
	uint32_t *pos;
	size_t n;
};

static void iheap_set(struct iheap *q, uint32_t v, double d)
{
	size_t i = q->pos[v] == NONE ? q->n++ : q->pos[v];
	while (i > 0 && q->h[(i - 1) / 4].d > d) {
		q->h[i] = q->h[(i - 1) / 4];
		q->pos[q->h[i].v] = (uint32_t)i;
		i = (i - 1) / 4;
	}
	q->h[i] = (struct hitem){d, v};
	q->pos[v] = (uint32_t)i;
}

static uint32_t iheap_pop(struct iheap *q)
{
	uint32_t top = q->h[0].v;
	q->pos[top] = NONE;
	struct hitem last = q->h[--q->n];
	if (!q->n)
		return top;
	/* the hole goes down to a leaf along the least children, then the
	 * last item up from there (Floyd): the last item belongs near the
	 * bottom, and comparing it at every level on the way down is wasted */
	size_t i = 0;
	for (;;) {
		size_t c = 4 * i + 1, end = MIN(c + 4, q->n);
		if (c >= q->n)
			break;
		for (size_t k = c + 1; k < end; k++)
			if (q->h[k].d < q->h[c].d)
				c = k;
		q->h[i] = q->h[c];
		q->pos[q->h[i].v] = (uint32_t)i;
		i = c;
	}
	while (i > 0 && q->h[(i - 1) / 4].d > last.d) {
		q->h[i] = q->h[(i - 1) / 4];
		q->pos[q->h[i].v] = (uint32_t)i;
		i = (i - 1) / 4;
	}
	q->h[i] = last;
	q->pos[last.v] = (uint32_t)i;
	return top;
}

/* An arc of the network betweenness searches: its length beside its head,
 * so that a settled vertex costs one cache miss. */
struct barc {
	double len;
	uint32_t to;
};

/* The arcs of the pairs ea[2i], ea[2i + 1] (lengths 1/score[i]) for i in
 * keep[0..nk), both ways, between vertices numbered vx[entity] (0..m);
 * vertex v's are [(*offp)[v], (*offp)[v + 1]).  Both arrays are the
 * caller's to free. */
static struct barc *barcs_make(const igraph_integer_t *ea, const double *score, const uint32_t *keep,
			       size_t nk, const uint32_t *vx, uint32_t m, uint32_t **offp)
{
	struct barc *arc = xmalloc((2 * nk + 1) * sizeof *arc);
	uint32_t *off = xcalloc((size_t)m + 1, sizeof *off);
	for (size_t k = 0; k < nk; k++) {
		off[vx[ea[2 * keep[k]]] + 1]++;
		off[vx[ea[2 * keep[k] + 1]] + 1]++;
	}
	for (uint32_t v = 0; v < m; v++)
		off[v + 1] += off[v];
	uint32_t *fill = xmalloc(((size_t)m + 1) * sizeof *fill);
	memcpy(fill, off, ((size_t)m + 1) * sizeof *fill);
	for (size_t k = 0; k < nk; k++) {
		size_t i = keep[k];
		uint32_t a = vx[ea[2 * i]], b = vx[ea[2 * i + 1]];
		double l = 1 / score[i];
		arc[fill[a]++] = (struct barc){l, b};
		arc[fill[b]++] = (struct barc){l, a};
	}
	free(fill);
	*offp = off;
	return arc;
}

/* Orders vertices by degree (ctx: the degrees), most first, then by number. */
static int by_degree(const void *pa, const void *pb, void *ctx)
{
	const uint32_t *deg = ctx, a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	if (deg[a] != deg[b])
		return deg[a] > deg[b] ? -1 : 1;
	return (a > b) - (a < b);
}

static void betweenness(const igraph_integer_t *ea, const double *score, size_t ne, const uint8_t *type, uint32_t n,
			double *bt)
{
	for (uint32_t v = 0; v < n; v++)
		bt[v] = type[v] & (T_PER | T_ORG) ? 0 : NAN;
	/* the links between people and organisations */
	uint32_t *keep = xmalloc((ne + 1) * sizeof *keep);
	size_t nk = 0;
	for (size_t i = 0; i < ne; i++)
		if (type[ea[2 * i]] & (T_PER | T_ORG) && type[ea[2 * i + 1]] & (T_PER | T_ORG))
			keep[nk++] = (uint32_t)i;
	/* their entities, numbered 0..m from the most linked down (most arcs
	 * lead to the hubs: their distances then share a few cache lines),
	 * and their arcs both ways */
	uint32_t *vx = xcalloc((size_t)n + 1, sizeof *vx), *orig = xmalloc(((size_t)n + 1) * sizeof *orig), m = 0;
	for (size_t k = 0; k < nk; k++) {
		vx[ea[2 * keep[k]]]++;
		vx[ea[2 * keep[k] + 1]]++;
	}
	for (uint32_t v = 0; v < n; v++)
		if (vx[v])
			orig[m++] = v;
	qsort_r(orig, m, sizeof *orig, by_degree, vx);
	for (uint32_t v = 0; v < n; v++)
		vx[v] = NONE;
	for (uint32_t i = 0; i < m; i++)
		vx[orig[i]] = i;
	uint32_t *off;
	struct barc *arc = barcs_make(ea, score, keep, nk, vx, m, &off);
	free(keep);
	/* each vertex's arcs to leaves (vertices of one arc: a fifth of the
	 * corpus') last, from lfrom[v]: a search settles a leaf as soon as
	 * its one neighbour, without the heap (~9% of the searches' time) */
	uint32_t *lfrom = xmalloc(((size_t)m + 1) * sizeof *lfrom);
	for (uint32_t v = 0; v < m; v++) {
		uint32_t lo = off[v], hi = off[v + 1];
		while (lo < hi)
			if (off[arc[lo].to + 1] - off[arc[lo].to] == 1) {
				struct barc t = arc[lo];
				arc[lo] = arc[--hi];
				arc[hi] = t;
			} else {
				lo++;
			}
		lfrom[v] = lo;
	}
	/* sources: every one of them, or a sample drawn with a fixed seed
	 * from them in entity order */
	uint32_t *src = xmalloc(((size_t)m + 1) * sizeof *src), nsrc = 0;
	for (uint32_t v = 0; v < n; v++)
		if (vx[v] != NONE)
			src[nsrc++] = vx[v];
	double scale = 1;
	if (nsrc > BETWEEN_EXACT) {
		uint64_t x = 20191118;
		for (uint32_t i = 0; i < BETWEEN_SOURCES; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint32_t j = i + (uint32_t)(x % (nsrc - i)), t = src[i];
			src[i] = src[j];
			src[j] = t;
		}
		scale = (double)nsrc / BETWEEN_SOURCES;
		nsrc = BETWEEN_SOURCES;
	}
	free(vx);
	double *dist = xmalloc(((size_t)m + 1) * sizeof *dist), *sigma = xcalloc((size_t)m + 1, sizeof *sigma);
	double *delta = xcalloc((size_t)m + 1, sizeof *delta), *acc = xcalloc((size_t)m + 1, sizeof *acc);
	/* settled vertices in order, and where each one's predecessors start in pred */
	uint32_t *stack = xmalloc(((size_t)m + 1) * sizeof *stack), *pstart = xmalloc(((size_t)m + 2) * sizeof *pstart);
	uint32_t *pred = xmalloc((2 * nk + 1) * sizeof *pred);
	uint8_t *done = xcalloc((size_t)m + 1, 1);
	struct iheap q = {xmalloc(((size_t)m + 1) * sizeof *q.h), xmalloc(((size_t)m + 1) * sizeof *q.pos), 0};
	for (uint32_t v = 0; v < m; v++) {
		dist[v] = -1;
		q.pos[v] = NONE;
	}
	for (uint32_t si = 0; si < nsrc; si++) {
		uint32_t s = src[si], ns = 0, np = 0;
		dist[s] = 0;
		iheap_set(&q, s, 0);
		/* one pass per settled vertex v: its settled neighbours on a
		 * shortest path to it are its predecessors (their paths counted
		 * in sigma, kept for the way back); the others are relaxed */
		while (q.n) {
			uint32_t v = iheap_pop(&q);
			if (q.n) /* most often the next one settled */
				__builtin_prefetch(&arc[off[q.h[0].v]]);
			done[v] = 1;
			pstart[ns] = np;
			stack[ns++] = v;
			double dv = dist[v], sv = v == s;
			for (uint32_t k = off[v]; k < off[v + 1]; k++) {
				uint32_t w = arc[k].to;
				double d = dv + arc[k].len;
				if (done[w]) {
					if (w != v && fabs(dist[w] + arc[k].len - dv) <= 1e-12 * dv) {
						sv += sigma[w];
						pred[np++] = w;
					}
				} else if (k < lfrom[v] && (dist[w] < 0 || d < dist[w])) {
					dist[w] = d;
					iheap_set(&q, w, d);
				}
			}
			sigma[v] = sv;
			/* its leaves, reached through v alone: each one is on no
			 * other's shortest path, so its place among the settled
			 * needs only to be after v */
			for (uint32_t k = lfrom[v]; k < off[v + 1]; k++) {
				uint32_t w = arc[k].to;
				if (done[w]) /* the source */
					continue;
				done[w] = 1;
				dist[w] = dv + arc[k].len;
				sigma[w] = sv;
				pstart[ns] = np;
				stack[ns++] = w;
				pred[np++] = v;
			}
		}
		pstart[ns] = np;
		/* dependencies, farthest first, each target t weighing 1 / d(s, t);
		 * v's share of the paths through it is then d(s, v) * delta[v]
		 * ("linear scaling", below) */
		for (uint32_t i = ns; i-- > 0;) {
			uint32_t w = stack[i];
			if (w == s)
				continue;
			double f = (1 / dist[w] + delta[w]) / sigma[w];
			for (uint32_t k = pstart[i]; k < pstart[i + 1]; k++)
				delta[pred[k]] += sigma[pred[k]] * f;
			acc[w] += dist[w] * delta[w];
		}
		/* reset what this search touched */
		for (uint32_t i = 0; i < ns; i++) {
			uint32_t v = stack[i];
			dist[v] = -1;
			sigma[v] = delta[v] = 0;
			done[v] = 0;
		}
	}
	for (uint32_t v = 0; v < m; v++)
		bt[orig[v]] = acc[v] * scale;
	free(orig);
	free(off);
	free(arc);
	free(src);
	free(dist);
	free(sigma);
	free(delta);
	free(acc);
	free(stack);
	free(pstart);
	free(pred);
	free(done);
	free(lfrom);
	free(q.h);
	free(q.pos);
}

/* PageRank (damping 0.85, uniform teleport) of the undirected network of
 * the pairs ea[2i], ea[2i + 1] of weight w[i] > 0, i < ne, into pr[n],
 * summing to 1.  What igraph_pagerank() computes with PRPACK, to 1e-9 of
 * each rank (test_pagerank_as_igraph checks it), in half the time: igraph
 * first builds its own indexed graph of the 626k pairs (0.16 s on the
 * corpus) and PRPACK copies that into its own again (bench/BENCHMARKS.md,
 * Session 7).  Gauss-Seidel sweeps (each rank used as soon as it is new)
 * until the ranks move by less than 1e-10 in all: ~60 sweeps on the
 * corpus.  An entity without links ranks by the teleport alone: what the
 * random surfer reaches by jumping, from anywhere and from the entities
 * without links themselves (their rank goes to all alike), which makes
 * the same y for them all: y = (1 - d) / n + d * k * y / n. */
static void pagerank(const igraph_integer_t *ea, const double *w, size_t ne, uint32_t n, double *pr)
{
	const double d = 0.85;
	if (!n)
		return;
	uint32_t *off = xcalloc((size_t)n + 1, sizeof *off);
	for (size_t i = 0; i < ne; i++) {
		off[ea[2 * i] + 1]++;
		off[ea[2 * i + 1] + 1]++;
	}
	for (uint32_t v = 0; v < n; v++)
		off[v + 1] += off[v];
	/* each entity's neighbours and the weights of its links to them,
	 * and its strength (the sum of those weights) */
	uint32_t *nb = xmalloc((2 * ne + 1) * sizeof *nb), *fill = xmalloc(((size_t)n + 1) * sizeof *fill);
	double *nw = xmalloc((2 * ne + 1) * sizeof *nw), *strength = xcalloc(n, sizeof *strength);
	memcpy(fill, off, ((size_t)n + 1) * sizeof *fill);
	for (size_t i = 0; i < ne; i++) {
		uint32_t a = (uint32_t)ea[2 * i], b = (uint32_t)ea[2 * i + 1];
		nb[fill[a]] = b;
		nw[fill[a]++] = w[i];
		nb[fill[b]] = a;
		nw[fill[b]++] = w[i];
		strength[a] += w[i];
		strength[b] += w[i];
	}
	free(fill);
	uint32_t k = 0;
	for (uint32_t v = 0; v < n; v++)
		k += off[v + 1] == off[v];
	double y = (1 - d) / n / (1 - d * k / n), base = (1 - d) / n + d * k * y / n;
	/* share[v]: what v gives each unit of weight of its links */
	double *share = xmalloc(n * sizeof *share);
	for (uint32_t v = 0; v < n; v++) {
		pr[v] = off[v + 1] > off[v] ? 1.0 / n : y;
		share[v] = off[v + 1] > off[v] ? pr[v] / strength[v] : 0;
	}
	for (int sweep = 0; sweep < 1000; sweep++) {
		double moved = 0;
		for (uint32_t v = 0; v < n; v++) {
			if (off[v + 1] == off[v])
				continue;
			double in = 0;
			for (uint32_t j = off[v]; j < off[v + 1]; j++)
				in += nw[j] * share[nb[j]];
			double x = base + d * in;
			moved += fabs(x - pr[v]);
			pr[v] = x;
			share[v] = x / strength[v];
		}
		if (moved < 1e-10)
			break;
	}
	double sum = 0;
	for (uint32_t v = 0; v < n; v++)
		sum += pr[v];
	for (uint32_t v = 0; v < n; v++)
		pr[v] /= sum;
	free(off);
	free(nb);
	free(nw);
	free(strength);
	free(share);
}

/* PageRank over the undirected network of pairs (weights: pair scores,
 * typed links added), and Leiden communities over the pairs that share a
 * sentence: document-only links are the most numerous and the weakest, and
 * would triple the time the clustering takes for little; an entity with
 * only such links joins the community of its strongest neighbour.
 *
 * They run in a thread of their own, betweenness after them, while the
 * build writes the edges and the adjacency (bench/BENCHMARKS.md, Session
 * 6), on a copy of what they need: ranks_start() makes it from the
 * builder, ranks_finish() waits and stores the results.  igraph is used by
 * that thread alone.  Betweenness in a third thread took ~0.3 s more off
 * the corpus' rebuild on two cores but ~30 MB more at the peak, which an
 * ingest cannot spare. */
struct ranks {
	igraph_vector_int_t edges; /* pairs: those with a shared sentence first */
	igraph_vector_t w;         /* their scores (at least 1e-9) */
	igraph_integer_t ne, ns;   /* pairs, of which the first ns share a sentence */
	uint32_t *dpair;           /* the document-only pairs again, and their */
	double *dscore;            /* scores, for the communities of their entities */
	uint32_t n;                /* entities */
	long long *id;             /* their ids */
	uint8_t *type, *linked;    /* linked: 1 by document only, 2 by a shared sentence */
	double *pr, *bt;           /* out: PageRank, betweenness (NAN: not measured) */
	long *comm;                /* out: community, -1 for an entity without links */
	int ok;                    /* out: 1 when igraph could do it all */
	int threaded;
	pthread_t thread;
};

static void ranks_compute(struct ranks *r)
{
	igraph_quiet();
	igraph_vector_int_t memb, sentence_edges;
	igraph_vector_t sentence_w;
	igraph_t gr;
	int have_gr = 0, have_memb = 0;
	pagerank(VECTOR(r->edges), VECTOR(r->w), (size_t)r->ne, r->n, r->pr);
	if (igraph_vector_int_init(&memb, 0))
		goto out;
	have_memb = 1;
	/* the links with a shared sentence: the first ns, seen in place */
	const igraph_vector_int_t *se = igraph_vector_int_view(&sentence_edges, VECTOR(r->edges), 2 * r->ns);
	const igraph_vector_t *sw = igraph_vector_view(&sentence_w, VECTOR(r->w), r->ns);
	if (igraph_create(&gr, se, r->n, IGRAPH_UNDIRECTED))
		goto out;
	have_gr = 1;
	/* Leiden, for modularity (node weights: strengths; resolution
	 * 1 / 2m): on the corpus 0.45 s and modularity 0.711, where igraph's
	 * Louvain took 2.3 s for 0.707.  It visits nodes in random order: a
	 * fixed seed keeps communities the same from one build to the next. */
	igraph_rng_seed(igraph_rng_default(), 20191118);
	igraph_vector_t strength;
	if (igraph_vector_init(&strength, 0))
		goto out;
	double total = 0;
	for (igraph_integer_t i = 0; i < r->ns; i++)
		total += VECTOR(*sw)[i];
	igraph_integer_t ncomm_found;
	igraph_real_t quality;
	int failed = igraph_strength(&gr, &strength, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, sw) ||
		     igraph_community_leiden(&gr, sw, &strength, total > 0 ? 1 / (2 * total) : 1, 0.01, 0, 2, &memb,
					     &ncomm_found, &quality);
	igraph_vector_destroy(&strength);
	if (failed)
		goto out;
	/* entities with document-only links: their strongest neighbour's community */
	double *best = xcalloc(r->n ? r->n : 1, sizeof *best);
	for (igraph_integer_t k = 0; k < r->ne - r->ns; k++)
		for (int side = 0; side < 2; side++) {
			uint32_t x = r->dpair[2 * k + side], y = r->dpair[2 * k + !side];
			if (r->linked[x] == 1 && r->linked[y] == 2 && r->dscore[k] > best[x]) {
				best[x] = r->dscore[k];
				VECTOR(memb)[x] = VECTOR(memb)[y];
			}
		}
	free(best);
	igraph_destroy(&gr); /* before betweenness takes its memory */
	have_gr = 0;
	phase_time("network", "pagerank, communities");
	betweenness(VECTOR(r->edges), VECTOR(r->w), (size_t)r->ns, r->type, r->n, r->bt);
	phase_time("network", "betweenness");
	/* renumber communities by size, largest 0; entities without links have none */
	long ncomm = 0;
	for (uint32_t i = 0; i < r->n; i++)
		if (VECTOR(memb)[i] + 1 > ncomm)
			ncomm = (long)VECTOR(memb)[i] + 1;
	struct comm *cs = xcalloc((size_t)ncomm + 1, sizeof *cs);
	for (long c = 0; c < ncomm; c++)
		cs[c].id = c;
	for (uint32_t i = 0; i < r->n; i++)
		if (r->linked[i])
			cs[VECTOR(memb)[i]].size++;
	qsort(cs, (size_t)ncomm, sizeof *cs, by_size);
	long *renum = xmalloc(((size_t)ncomm + 1) * sizeof *renum);
	for (long c = 0; c < ncomm; c++)
		renum[cs[c].id] = c;
	for (uint32_t i = 0; i < r->n; i++)
		r->comm[i] = r->linked[i] ? renum[VECTOR(memb)[i]] : -1;
	free(cs);
	free(renum);
	r->ok = 1;
out:
	if (have_memb)
		igraph_vector_int_destroy(&memb);
	if (have_gr)
		igraph_destroy(&gr);
}

static void *ranks_main(void *arg)
{
	phase_time("network", NULL);
	ranks_compute(arg);
	return NULL;
}

/* Copies the pairs with evidence (scores pscore[], typed links added) and
 * the entities into r, and starts ranking them, in a thread when one can
 * be had.  Returns 0, or -1 when out of memory. */
static int ranks_start(const struct builder *g, const double *pscore, struct ranks *r)
{
	memset(r, 0, sizeof *r);
	igraph_integer_t ne = 0, ns = 0;
	for (uint32_t i = 0; i < g->npairs; i++) {
		ne += g->pairs[i].nev > 0;
		ns += g->pairs[i].nev > 0 && g->pairs[i].sdocs > 0;
	}
	if (igraph_vector_int_init(&r->edges, 2 * ne))
		return -1;
	if (igraph_vector_init(&r->w, ne)) {
		igraph_vector_int_destroy(&r->edges);
		return -1;
	}
	size_t n = g->nent ? g->nent : 1;
	r->ne = ne;
	r->ns = ns;
	r->n = g->nent;
	r->dpair = xmalloc((2 * (size_t)(ne - ns) + 1) * sizeof *r->dpair);
	r->dscore = xmalloc(((size_t)(ne - ns) + 1) * sizeof *r->dscore);
	r->id = xmalloc(n * sizeof *r->id);
	memcpy(r->id, g->ent_id, g->nent * sizeof *r->id);
	r->type = xmalloc(n);
	memcpy(r->type, g->ent_type, g->nent);
	r->linked = xcalloc(n, 1);
	r->pr = xcalloc(n, sizeof *r->pr);
	r->bt = xcalloc(n, sizeof *r->bt);
	r->comm = xcalloc(n, sizeof *r->comm);
	igraph_integer_t ks = 0, kw = ns;
	for (uint32_t i = 0; i < g->npairs; i++) {
		const struct pair *p = &g->pairs[i];
		if (!p->nev)
			continue;
		igraph_integer_t k = p->sdocs ? ks++ : kw++;
		VECTOR(r->edges)[2 * k] = p->a;
		VECTOR(r->edges)[2 * k + 1] = p->b;
		VECTOR(r->w)[k] = pscore[i] > 1e-9 ? pscore[i] : 1e-9;
		if (p->sdocs) {
			r->linked[p->a] = r->linked[p->b] = 2;
		} else {
			r->dpair[2 * (k - ns)] = p->a;
			r->dpair[2 * (k - ns) + 1] = p->b;
			r->dscore[k - ns] = pscore[i];
		}
		if (!r->linked[p->a])
			r->linked[p->a] = 1;
		if (!r->linked[p->b])
			r->linked[p->b] = 1;
	}
	/* on one CPU, threads only take turns and evict each other's caches
	 * (~0.3 s more on the corpus) */
	if (cpu_count() > 1)
		r->threaded = pthread_create(&r->thread, NULL, ranks_main, r) == 0;
	if (!r->threaded)
		ranks_compute(r);
	return 0;
}

/* Waits for the thread ranks_start() started, if any. */
static void ranks_wait(struct ranks *r)
{
	if (r->threaded)
		pthread_join(r->thread, NULL);
	r->threaded = 0;
}

static void ranks_free(struct ranks *r)
{
	ranks_wait(r);
	igraph_vector_int_destroy(&r->edges);
	igraph_vector_destroy(&r->w);
	free(r->dpair);
	free(r->dscore);
	free(r->id);
	free(r->type);
	free(r->linked);
	free(r->pr);
	free(r->bt);
	free(r->comm);
	memset(r, 0, sizeof *r);
}

/* Waits for the ranks and writes them to the entities.  Returns 0 or -1. */
static int ranks_finish(struct case_db *c, struct ranks *r, struct err *e)
{
	ranks_wait(r);
	if (!r->ok)
		return err_set(e, "building the network: igraph could not rank the entities (out of memory?)");
	sqlite3_stmt *upd;
	if (case_prepare(c, "UPDATE entities SET pagerank = ?, community = ?, betweenness = ? WHERE id = ?", &upd,
			 "saving the network", e) < 0)
		return -1;
	int rc = 0;
	for (uint32_t i = 0; i < r->n && rc == 0; i++) {
		sqlite3_bind_double(upd, 1, r->pr[i]);
		if (r->comm[i] >= 0)
			sqlite3_bind_int64(upd, 2, r->comm[i]);
		else
			sqlite3_bind_null(upd, 2);
		if (isnan(r->bt[i]))
			sqlite3_bind_null(upd, 3);
		else
			sqlite3_bind_double(upd, 3, r->bt[i]);
		sqlite3_bind_int64(upd, 4, r->id[i]);
		rc = step_done(c, upd, e);
	}
	sqlite3_finalize(upd);
	return rc;
}

/* The builder's pairs that have evidence, in (a, b) order, by a radix sort
 * of their (a, b) keys (the pairs themselves are scattered in memory: a
 * comparison sort reading them took 0.3 s on the corpus).  Returns their
 * indexes; *n is set to how many. */
struct pkey {
	uint64_t key;           /* a << 32 | b */
	uint32_t i;
};

static uint32_t *pairs_in_order(const struct builder *g, uint32_t *n)
{
	uint32_t m = 0;
	struct pkey *key = xmalloc(((size_t)g->npairs + 1) * sizeof *key);
	for (uint32_t i = 0; i < g->npairs; i++)
		if (g->pairs[i].nev)
			key[m++] = (struct pkey){(uint64_t)g->pairs[i].a << 32 | g->pairs[i].b, i};
	sort_by_u64(key, m, sizeof *key);
	uint32_t *order = xmalloc(((size_t)m + 1) * sizeof *order);
	for (uint32_t i = 0; i < m; i++)
		order[i] = key[i].i;
	free(key);
	*n = m;
	return order;
}

/* ---- the adjacency, stored for path searches and the network view ----
 *
 * graph_build() also stores the network one row per linked entity in the
 * table adjacency (id = the entity's id), so that a path search reads the
 * entities it reaches instead of every edge, and weft serve's network view
 * a hub's strongest neighbours and the links among them without reading
 * edges at all.  arcs is a run of ARC_SIZE-byte arcs, one per neighbour,
 * strongest first, all fields little-endian:
 *    0  uint32  the neighbour's entity id
 *    4  float   the pair's score (the sum of its edges' scores); negative
 *               when the neighbour is a place or a MISC entity, which
 *               paths avoid
 *    8  float   the largest of its edges' weights (sums of whole and
 *               quarter documents: exact in a float)
 *   12  uint32  the smallest of its edges' ids
 *   16  double  the largest of its edges' scores, as in the edges
 *   24  uint32  the most documents of one of its edges
 *   28  uint32  the most sentences of one of its edges
 *   32  uint16  its kinds: bit k for kind_names[k]
 * A row whose length is not a multiple of ARC_SIZE is damaged. */
#define ARC_SIZE 34

struct arc {
	long long to, edge;
	double top;
	float score, weight;
	uint32_t docs, sentences;
	uint16_t kinds;
};

static int by_arc_score(const void *x, const void *y)
{
	float a = fabsf(((const struct arc *)x)->score), b = fabsf(((const struct arc *)y)->score);
	long long i = ((const struct arc *)x)->to, j = ((const struct arc *)y)->to;
	return a != b ? (a < b) - (a > b) : (i > j) - (i < j);
}

/* Sorts a vertex's arcs a[0..n) by by_arc_score, strongest first (a total
 * order: a vertex has one arc to each neighbour).  Most vertices have a few
 * arcs, sorted in place by insertion; qsort for the hubs. */
static void arcs_sort(struct arc *a, size_t n)
{
	if (n > 16) {
		qsort(a, n, sizeof *a, by_arc_score);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct arc x = a[i];
		size_t j = i;
		for (; j > 0 && by_arc_score(&a[j - 1], &x) > 0; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct net {
	uint32_t nv;
	long long *vid;          /* vertex -> entity id */
	uint8_t *vtype;
	struct hmap vmap;        /* entity id -> vertex */
	/* unordered vertex pairs */
	uint32_t np, capp;
	uint32_t *pa, *pb;
	double *pscore;          /* the sum of the pair's edge scores */
	double *pweight;         /* the largest of the pair's edge weights */
	double *ptop;            /* the largest of its edge scores */
	long long *pedge;        /* the smallest of its edge ids */
	uint32_t *pdocs, *psent; /* the most documents, sentences of one of its edges */
	uint16_t *pkinds;        /* bit k: an edge of kind_names[k] */
	struct hmap pmap;
};

static void net_free(struct net *t)
{
	free(t->vid);
	free(t->vtype);
	hmap_free(&t->vmap);
	free(t->pa);
	free(t->pb);
	free(t->pscore);
	free(t->pweight);
	free(t->ptop);
	free(t->pedge);
	free(t->pdocs);
	free(t->psent);
	free(t->pkinds);
	hmap_free(&t->pmap);
}

static uint32_t net_vertex(struct net *t, long long id, uint32_t type)
{
	uint32_t *slot = hmap_slot(&t->vmap, (uint64_t)id);
	if (*slot == NONE) {
		if ((t->nv & (t->nv - 1)) == 0) {
			size_t cap = t->nv ? 2 * (size_t)t->nv : 1;
			t->vid = xrealloc(t->vid, cap * sizeof *t->vid);
			t->vtype = xrealloc(t->vtype, cap);
		}
		t->vid[t->nv] = id;
		t->vtype[t->nv] = (uint8_t)type;
		*slot = t->nv++;
	}
	return *slot;
}

/* Room for cap pairs in t. */
static void net_reserve(struct net *t, uint32_t cap)
{
	t->capp = cap;
	t->pa = xrealloc(t->pa, cap * sizeof *t->pa);
	t->pb = xrealloc(t->pb, cap * sizeof *t->pb);
	t->pscore = xrealloc(t->pscore, cap * sizeof *t->pscore);
	t->pweight = xrealloc(t->pweight, cap * sizeof *t->pweight);
	t->ptop = xrealloc(t->ptop, cap * sizeof *t->ptop);
	t->pedge = xrealloc(t->pedge, cap * sizeof *t->pedge);
	t->pdocs = xrealloc(t->pdocs, cap * sizeof *t->pdocs);
	t->psent = xrealloc(t->psent, cap * sizeof *t->psent);
	t->pkinds = xrealloc(t->pkinds, cap * sizeof *t->pkinds);
}

/* Adds one edge to pair j of t (a new pair when j == t->np), with its kind k
 * (an index into kind_names, or -1). */
static void net_add(struct net *t, uint32_t j, uint32_t a, uint32_t b, long long edge, int k, uint32_t docs,
		    uint32_t sentences, double weight, double score)
{
	if (j == t->np) {
		t->np++;
		t->pa[j] = a;
		t->pb[j] = b;
		t->pscore[j] = 0;
		t->pweight[j] = 0;
		t->ptop[j] = -HUGE_VAL;
		t->pedge[j] = edge;
		t->pdocs[j] = t->psent[j] = 0;
		t->pkinds[j] = 0;
	}
	t->pscore[j] += score;
	t->pweight[j] = MAX(t->pweight[j], weight);
	t->ptop[j] = MAX(t->ptop[j], score);
	t->pedge[j] = MIN(t->pedge[j], edge);
	t->pdocs[j] = MAX(t->pdocs[j], docs);
	t->psent[j] = MAX(t->psent[j], sentences);
	if (k >= 0)
		t->pkinds[j] |= (uint16_t)(1u << k);
}

/* Loads every edge, merged per pair of entities (types first: joining
 * entities to each edge would cost two lookups per edge). */
static int net_load(struct case_db *c, struct net *t, struct err *e)
{
	sqlite3_stmt *st;
	memset(t, 0, sizeof *t);
	hmap_init(&t->vmap, 1024);
	hmap_init(&t->pmap, 4096);
	struct hmap types;
	hmap_init(&types, 1024);
	if (case_prepare(c, "SELECT id, type FROM entities WHERE type IN ('PER','ORG','LOC','MISC')", &st,
			 "reading the network", e) < 0) {
		hmap_free(&types);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		*hmap_slot(&types, (uint64_t)sqlite3_column_int64(st, 0)) =
			(uint32_t)type_bit((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (case_prepare(c, "SELECT id, a, b, kind, score, weight, docs, sentences FROM edges", &st, "reading the network",
			 e) < 0) {
		hmap_free(&types);
		return -1;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long ida = sqlite3_column_int64(st, 1), idb = sqlite3_column_int64(st, 2);
		uint32_t ta = hmap_get(&types, (uint64_t)ida), tb = hmap_get(&types, (uint64_t)idb);
		if (ta == NONE || tb == NONE || ida == idb)
			continue; /* an entity gone since the last build */
		uint32_t a = net_vertex(t, ida, ta), b = net_vertex(t, idb, tb);
		if (a > b) {
			uint32_t x = a;
			a = b;
			b = x;
		}
		uint32_t *slot = hmap_slot(&t->pmap, (uint64_t)a << 32 | b);
		if (*slot == NONE) {
			if (t->np == t->capp)
				net_reserve(t, t->capp ? t->capp * 2 : 4096);
			*slot = t->np;
		}
		int docs = sqlite3_column_int(st, 6), sent = sqlite3_column_int(st, 7);
		net_add(t, *slot, a, b, sqlite3_column_int64(st, 0), kind_index((const char *)sqlite3_column_text(st, 3)),
			(uint32_t)(docs > 0 ? docs : 0), (uint32_t)(sent > 0 ? sent : 0), sqlite3_column_double(st, 5),
			sqlite3_column_double(st, 4));
	}
	sqlite3_finalize(st);
	hmap_free(&types);
	if (rc != SQLITE_DONE)
		return case_fail(c, "reading the network", e);
	return 0;
}

/* The arcs of t, each pair once from each end: vertex v's are
 * [(*offp)[v], (*offp)[v + 1]), strongest first.  Both arrays are the
 * caller's to free. */
static struct arc *adjacency_make(const struct net *t, uint32_t **offp)
{
	uint32_t nv = t->nv;
	uint32_t *off = xcalloc((size_t)nv + 1, sizeof *off);
	for (uint32_t i = 0; i < t->np; i++) {
		off[t->pa[i] + 1]++;
		off[t->pb[i] + 1]++;
	}
	for (uint32_t v = 0; v < nv; v++)
		off[v + 1] += off[v];
	struct arc *arcs = xmalloc(2 * (size_t)(t->np ? t->np : 1) * sizeof *arcs);
	uint32_t *fill = xmalloc(((size_t)nv + 1) * sizeof *fill);
	memcpy(fill, off, ((size_t)nv + 1) * sizeof *fill);
	for (uint32_t i = 0; i < t->np; i++) {
		float f = (float)(t->pscore[i] > 1e-9 ? t->pscore[i] : 1e-9);
		for (int side = 0; side < 2; side++) {
			uint32_t u = side ? t->pb[i] : t->pa[i], w = side ? t->pa[i] : t->pb[i];
			arcs[fill[u]++] = (struct arc){
				.to = t->vid[w],
				.edge = t->pedge[i],
				.score = t->vtype[w] & (T_LOC | T_MISC) ? -f : f,
				.weight = (float)t->pweight[i],
				.top = t->ptop[i],
				.docs = t->pdocs[i],
				.sentences = t->psent[i],
				.kinds = t->pkinds[i],
			};
		}
	}
	free(fill);
	for (uint32_t v = 0; v < nv; v++)
		arcs_sort(arcs + off[v], off[v + 1] - off[v]);
	*offp = off;
	return arcs;
}


static void put_f32(unsigned char *p, float f)
{
	uint32_t bits;
	memcpy(&bits, &f, 4);
	put_le32(p, bits);
}

static float get_f32(const unsigned char *p)
{
	uint32_t bits = get_le32(p);
	float f;
	memcpy(&f, &bits, 4);
	return f;
}

static void put_f64(unsigned char *p, double d)
{
	uint64_t bits;
	memcpy(&bits, &d, 8);
	put_le32(p, (uint32_t)bits);
	put_le32(p + 4, (uint32_t)(bits >> 32));
}

static double get_f64(const unsigned char *p)
{
	uint64_t bits = get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
	double d;
	memcpy(&d, &bits, 8);
	return d;
}

/* Rewrites the table adjacency from the network t (see net_load).  An
 * entity or edge id above 32 bits leaves the table empty: paths and the
 * network view then read the edges. */
static int adjacency_store(struct case_db *c, const struct net *t, struct err *e)
{
	if (case_exec(c, "DELETE FROM adjacency", "saving the network", e) < 0)
		return -1;
	for (uint32_t v = 0; v < t->nv; v++)
		if (t->vid[v] < 0 || t->vid[v] > (long long)UINT32_MAX)
			return 0;
	for (uint32_t i = 0; i < t->np; i++)
		if (t->pedge[i] < 0 || t->pedge[i] > (long long)UINT32_MAX)
			return 0;
	uint32_t *off;
	struct arc *arcs = adjacency_make(t, &off);
	sqlite3_stmt *st;
	int rc = -1;
	unsigned char *buf = NULL;
	size_t cap = 0;
	if (case_prepare(c, "INSERT INTO adjacency(id, arcs) VALUES(?, ?)", &st, "saving the network", e) == 0) {
		rc = 0;
		for (uint32_t v = 0; v < t->nv && rc == 0; v++) {
			uint32_t n = off[v + 1] - off[v];
			if (!n)
				continue;
			if ((size_t)n * ARC_SIZE > cap) {
				cap = (size_t)n * ARC_SIZE;
				buf = xrealloc(buf, cap);
			}
			unsigned char *p = buf;
			for (uint32_t k = 0; k < n; k++, p += ARC_SIZE) {
				const struct arc *r = &arcs[off[v] + k];
				put_le32(p, (uint32_t)r->to);
				put_f32(p + 4, r->score);
				put_f32(p + 8, r->weight);
				put_le32(p + 12, (uint32_t)r->edge);
				put_f64(p + 16, r->top);
				put_le32(p + 24, r->docs);
				put_le32(p + 28, r->sentences);
				p[32] = (unsigned char)r->kinds;
				p[33] = (unsigned char)(r->kinds >> 8);
			}
			sqlite3_bind_int64(st, 1, t->vid[v]);
			sqlite3_bind_blob(st, 2, buf, (int)(n * ARC_SIZE), SQLITE_STATIC);
			rc = step_done(c, st, e);
		}
		sqlite3_finalize(st);
	}
	free(buf);
	free(arcs);
	free(off);
	return rc;
}

/* The network net_load() would read back from the edges save() writes,
 * built as they are written: t's vertices are the builder's entities, its
 * pairs those written, in order. */
static void net_start(const struct builder *g, struct net *t)
{
	memset(t, 0, sizeof *t);
	size_t nv = g->nent ? g->nent : 1, np = g->npairs ? g->npairs : 1;
	t->nv = g->nent;
	t->vid = xmalloc(nv * sizeof *t->vid);
	t->vtype = xmalloc(nv);
	if (g->nent) {
		memcpy(t->vid, g->ent_id, g->nent * sizeof *t->vid);
		memcpy(t->vtype, g->ent_type, g->nent);
	}
	net_reserve(t, (uint32_t)np);
}

static const char edges_insert_sql_one[] =
	"INSERT INTO edges(id, a, b, kind, docs, sentences, weight, score, evidence) VALUES(?,?,?,?,?,?,?,?,?)";

/* Typed links by their entities, then kind (a scan sees them in document
 * order, and the same documents may come numbered in another). */
static int by_rel(const void *pa, const void *pb)
{
	const struct rel *x = pa, *y = pb;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/* The INSERT of n edges (the caller frees it).  OR FAIL: a statement that
 * writes many rows and may abort halfway makes SQLite keep a statement
 * journal, a copy of every page the statement touches (here ~870 MB
 * through a temporary file on the corpus, 0.25 s CPU); one that fails
 * leaves the rows it wrote, and the build rolls back anyway. */
static char *edges_insert_sql(int n)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "INSERT OR FAIL INTO edges(id, a, b, kind, docs, sentences, weight, score, evidence) VALUES");
	for (int i = 0; i < n; i++)
		buf_adds(&b, i ? ",(?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?)");
	return buf_detach(&b);
}

/* Writes edges, evidence, PageRank, betweenness and communities, and fills
 * t with the network written (t->np = 0 when it could not: the adjacency is
 * then read back from the edges). */
static int save(struct builder *g, struct net *t, struct ranks *rk, struct err *e)
{
	struct case_db *c = g->c;
	struct writer w;
	memset(&w, 0, sizeof w);
	w.next_id = 1;
	char *batch_sql = edges_insert_sql(EDGE_BATCH);
	double *pscore = xcalloc(g->npairs ? g->npairs : 1, sizeof *pscore);
	int rc = -1;
	if (case_exec(c, "DELETE FROM edges;"
			 /* the linkable entities get new values below */
			 "UPDATE entities SET pagerank = NULL, community = NULL, betweenness = NULL"
			 " WHERE type NOT IN ('PER','ORG','LOC','MISC')"
			 " AND (pagerank IS NOT NULL OR community IS NOT NULL OR betweenness IS NOT NULL)",
		      "clearing the old network", e) < 0 ||
	    case_prepare(c, batch_sql, &w.batch, "saving the network", e) < 0 ||
	    case_prepare(c, edges_insert_sql_one, &w.one, "saving the network", e) < 0)
		goto out;
	idf_compute(g);
	/* (rel_map is no longer needed: no rel_get from here on) */
	if (g->nrels)
		qsort(g->rels, g->nrels, sizeof *g->rels, by_rel);
	/* the pairs' scores, the typed links' added, for the ranks: they
	 * are made while the edges are written */
	for (uint32_t i = 0; i < g->npairs; i++) {
		const struct pair *p = &g->pairs[i];
		if (p->nev)
			pscore[i] = (p->sdocs + 0.25 * (p->docs - p->sdocs)) * specificity(g, p->a, p->b);
	}
	uint32_t *rel_pair = xmalloc((g->nrels + 1) * sizeof *rel_pair); /* each typed link's pair, or NONE */
	for (uint32_t i = 0; i < g->nrels; i++) {
		const struct rel *rl = &g->rels[i];
		uint32_t a = MIN(rl->from, rl->to), b = MAX(rl->from, rl->to);
		uint32_t pi = rel_pair[i] = hmap_get(&g->pair_map, (uint64_t)a << 32 | b);
		if (pi != NONE)
			pscore[pi] += rl->docs * (1 + specificity(g, rl->from, rl->to));
	}
	/* the maps are done with: their memory is the ranks' (an ingest's
	 * peak is here; the pairs' map alone is ~13 MB on the corpus) */
	hmap_free(&g->pair_map);
	hmap_free(&g->rel_map);
	hmap_free(&g->ent_map);
	hmap_free(&g->doc_rank);
	hmap_free(&g->cue_doc);
	if (ranks_start(g, pscore, rk) < 0) {
		free(rel_pair);
		rc = err_set(e, "building the network: out of memory");
		goto out;
	}
	free(pscore); /* the ranks have their copy */
	pscore = NULL;
	/* in (a, b) order, so that the unique index on edges grows at its end;
	 * a pair without a sentence to show for it is left out */
	uint32_t nord;
	uint32_t *order = pairs_in_order(g, &nord);
	net_start(g, t);
	int whole = 1; /* t holds every edge */
	uint32_t *place = xmalloc((g->npairs ? g->npairs : 1) * sizeof *place); /* pair -> its place in t */
	for (uint32_t oi = 0; oi < nord; oi++) {
		uint32_t i = order[oi];
		/* the pairs are scattered, and so is their evidence: fetch
		 * a pair ahead, and the head of its evidence when it is there */
		if (oi + 16 < nord)
			__builtin_prefetch(&g->pairs[order[oi + 16]]);
		if (oi + 8 < nord)
			__builtin_prefetch(&g->pool[g->pairs[order[oi + 8]].ev]);
		struct pair *p = &g->pairs[i];
		place[i] = t->np;
		double weight = p->sdocs + 0.25 * (p->docs - p->sdocs), score = weight * specificity(g, p->a, p->b);
		enum kind k = p->sdocs ? K_COOCCURS : K_SAMEDOC;
		net_add(t, t->np, p->a, p->b, w.next_id, k, p->docs, p->sentences, weight, score);
		if (write_edge(g, &w, p->a, p->b, k, p->docs, p->sentences, weight, score, p->ev, e) < 0) {
			free(order);
			free(place);
			free(rel_pair);
			goto out;
		}
	}
	for (uint32_t i = 0; i < g->nrels; i++) {
		struct rel *r = &g->rels[i];
		double score = r->docs * (1 + specificity(g, r->from, r->to));
		uint32_t a = r->from < r->to ? r->from : r->to, b = r->from < r->to ? r->to : r->from;
		uint32_t pi = rel_pair[i];
		if (pi != NONE && g->pairs[pi].nev)
			net_add(t, place[pi], a, b, w.next_id, (enum kind)r->kind, r->docs, r->sentences, r->docs,
				score);
		else
			whole = 0;
		if (write_edge(g, &w, r->from, r->to, (enum kind)r->kind, r->docs, r->sentences, r->docs, score, r->ev,
			       e) < 0) {
			free(order);
			free(place);
			free(rel_pair);
			goto out;
		}
	}
	free(order);
	free(place);
	free(rel_pair);
	if (!whole)
		t->np = 0;
	if (flush_edges(c, &w, e) < 0)
		goto out;
	/* the evidence counted here: counting it again would read every edge */
	char nev[24];
	snprintf(nev, sizeof nev, "%lld", w.nev);
	if (case_meta_set(c, "evidence", nev, "saving the network", e) < 0)
		goto out;
	/* and the pairs, to size the next build's map of them */
	snprintf(nev, sizeof nev, "%u", g->npairs);
	if (case_meta_set(c, "pairs", nev, "saving the network", e) < 0)
		goto out;
	phase_time("network", "edges and evidence");
	rc = 0;
out:
	sqlite3_finalize(w.batch);
	sqlite3_finalize(w.one);
	for (int i = 0; i < EDGE_BATCH; i++)
		buf_free(&w.row[i].ev);
	free(batch_sql);
	free(pscore);
	return rc;
}

static void builder_free(struct builder *g)
{
	free(g->ent_id);
	free(g->ent_type);
	free(g->ent_docs);
	free(g->idf);
	free(g->stamp);
	free(g->cnt);
	free(g->first);
	free(g->sstamp);
	free(g->slot);
	free(g->cstamp);
	hmap_free(&g->ent_map);
	hmap_free(&g->doc_rank);
	free(g->docs);
	free(g->drank);
	hmap_free(&g->cue_doc);
	free(g->cdoc);
	free(g->cue);
	free(g->hbuf);
	free(g->fdoc);
	free(g->fresh);
	free(g->pairs);
	hmap_free(&g->pair_map);
	free(g->rels);
	hmap_free(&g->rel_map);
	free(g->pool);
	matcher_free(&g->m);
	buf_free(&g->pre);
	buf_free(&g->mid);
	buf_free(&g->post);
	sqlite3_finalize(g->body_st);
	free(g->scratch);
	struct case_db *c = g->c;
	memset(g, 0, sizeof *g); /* so that a second call frees nothing */
	g->c = c;
}

int graph_build(struct case_db *c, struct err *e)
{
	int nested = !sqlite3_get_autocommit(c->db);
	/* Foreign keys make SQLite delete the old edges row by row, checking
	 * each against evidence; the build deletes all evidence first and
	 * writes only edges it has just written, so outside a caller's
	 * transaction (where the setting can change) they are off for it. */
	int fk = 0, fk_was = 0, cache = 0, secure = -1;
	if (!nested && case_int(c, "PRAGMA foreign_keys", &fk_was) == 0 && fk_was == 1) {
		fk = 1;
		sqlite3_exec(c->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	}
	if (case_exec(c, nested ? "SAVEPOINT graph_build" : "BEGIN IMMEDIATE", "building the network", e) < 0) {
		if (fk)
			sqlite3_exec(c->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
		return -1;
	}
	/* the indexes of edges take random inserts: give them some room in
	 * memory for the build (the connection's own setting is put back
	 * after); 16 MB is as fast as 256 MB and keeps the peak ~190 MB lower
	 * (bench/BENCHMARKS.md, Network) */
	case_int(c, "PRAGMA cache_size", &cache);
	sqlite3_exec(c->db, "PRAGMA cache_size = -16384", NULL, NULL, NULL);
	/* SQLite as Debian builds it zeroes every page a DELETE frees: the old
	 * network's ~7,200 pages on the corpus were each written to the WAL
	 * zeroed, then read back and written again when the new network took
	 * them (13,300 page writes for 7,300 pages, 6,000 reads back).  The
	 * network holds only numbers (ids, offsets, scores) derived from the
	 * documents, so FAST, which zeroes freed cells only on pages written
	 * anyway, is enough for it; put back after. */
	if (case_int(c, "PRAGMA secure_delete", &secure) < 0)
		secure = -1; /* left as it is */
	else
		sqlite3_exec(c->db, "PRAGMA secure_delete = FAST", NULL, NULL, NULL);
	phase_time("network", NULL);
	struct builder g;
	memset(&g, 0, sizeof g);
	g.c = c;
	struct net net;
	memset(&net, 0, sizeof net);
	struct ranks ranks;
	memset(&ranks, 0, sizeof ranks);
	hmap_init(&g.pair_map, 4096);
	hmap_init(&g.rel_map, 256);
	int rc = -1;
	if (matcher_init(&g.m, e) < 0 ||
	    case_prepare(c, "SELECT body FROM documents WHERE id = ?", &g.body_st, "building the network", e) < 0 ||
	    load_entities(&g, e) < 0 || load_doc_ranks(&g, e) < 0 || cues_load(&g, e) < 0 ||
	    scan_mentions(&g, e) < 0 || cues_store(&g, e) < 0)
		goto out;
	phase_time("network", "mention scan");
	sqlite3_finalize(g.body_st); /* releases the last document's text */
	g.body_st = NULL;
	if (save(&g, &net, &ranks, e) < 0)
		goto out;
	/* the adjacency of the network just written (read back from the
	 * edges if save() could not keep it whole), once the builder's memory
	 * is given back; then the ranks, when their thread is done */
	builder_free(&g);
	if ((net.np ? adjacency_store(c, &net, e) : graph_store_adjacency(c, e)) < 0)
		goto out;
	phase_time("network", "adjacency");
	if (ranks_finish(c, &ranks, e) < 0)
		goto out;
	phase_time("network", "entity ranks");
	rc = case_exec(c, nested ? "RELEASE graph_build" : "COMMIT", "saving the network", e);
	phase_time("network", "commit");
out:
	builder_free(&g);
	net_free(&net);
	ranks_free(&ranks);
	if (rc < 0)
		sqlite3_exec(c->db, nested ? "ROLLBACK TO graph_build; RELEASE graph_build" : "ROLLBACK", NULL, NULL,
			     NULL);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", cache);
	sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	snprintf(sql, sizeof sql, "PRAGMA secure_delete = %d", secure);
	if (secure >= 0)
		sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	if (fk)
		sqlite3_exec(c->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return rc;
}

/* ---- reading links and evidence ---- */

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? xstrndup(s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* Appends to l up to max pieces of evidence of edge (l->nev counts them
 * all), with the spans of entities a and b in each sentence, skipping
 * sentences l already shows. */
static int load_evidence(struct case_db *c, long long edge, long long a, long long b, int max,
			 struct graph_link *l, struct err *e)
{
	sqlite3_stmt *st = NULL, *mk = NULL;
	if (l->nev >= max)
		return 0;
	if (case_prepare(c,
			 "SELECT v.doc, v.sentence, v.start, v.end,"
			 " substr(CAST(d.body AS BLOB), v.start + 1, v.end - v.start),"
			 " (SELECT min(path) FROM paths WHERE doc = v.doc)"
			 " FROM evidence v JOIN documents d ON d.id = v.doc WHERE v.edge = ?1 ORDER BY v.rank LIMIT ?2",
			 &st, "reading evidence", e) < 0 ||
	    case_prepare(c,
			 "SELECT start, end FROM mentions WHERE doc = ?1 AND start >= ?2 AND start < ?3 AND end <= ?3"
			 " AND entity IN (?4, ?5) ORDER BY start",
			 &mk, "reading evidence", e) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, edge);
	sqlite3_bind_int(st, 2, max);
	l->ev = xrealloc(l->ev, (size_t)max * sizeof *l->ev);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && l->nev < max) {
		long long doc = sqlite3_column_int64(st, 0), start = sqlite3_column_int64(st, 2);
		int seen = 0;
		for (int i = 0; i < l->nev && !seen; i++)
			seen = l->ev[i].doc == doc && l->ev[i].start == start;
		if (seen)
			continue;
		struct graph_evidence *v = &l->ev[l->nev++];
		memset(v, 0, sizeof *v);
		v->doc = doc;
		v->sentence = sqlite3_column_int(st, 1);
		v->start = start;
		v->end = sqlite3_column_int64(st, 3);
		const void *blob = sqlite3_column_blob(st, 4);
		v->text = xstrndup(blob ? blob : "", blob ? (size_t)sqlite3_column_bytes(st, 4) : 0);
		v->path = col_dup(st, 5);
		sqlite3_reset(mk);
		sqlite3_bind_int64(mk, 1, v->doc);
		sqlite3_bind_int64(mk, 2, v->start);
		sqlite3_bind_int64(mk, 3, v->end);
		sqlite3_bind_int64(mk, 4, a);
		sqlite3_bind_int64(mk, 5, b);
		int cap = 0;
		while (sqlite3_step(mk) == SQLITE_ROW) {
			if (v->nmarks == cap) {
				cap = cap ? cap * 2 : 4;
				v->marks = xrealloc(v->marks, (size_t)cap * sizeof *v->marks);
			}
			v->marks[v->nmarks][0] = sqlite3_column_int64(mk, 0) - v->start;
			v->marks[v->nmarks][1] = sqlite3_column_int64(mk, 1) - v->start;
			v->nmarks++;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(mk);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return case_fail(c, "reading evidence", e);
	return 0;
}

void graph_snippet(const struct graph_evidence *v, size_t max, struct buf *out)
{
	buf_reset(out);
	const char *t = v->text ? v->text : "";
	size_t len = strlen(t), from = 0, to = len;
	if (max < 16)
		max = 16;
	if (len > max) {
		size_t first = v->nmarks > 0 && v->marks[0][0] >= 0 ? (size_t)v->marks[0][0] : 0;
		from = first > max / 3 ? first - max / 3 : 0;
		if (from + max > len)
			from = len - max;
		to = from + max;
		while (from > 0 && ((unsigned char)t[from] & 0xc0) == 0x80)
			from--;
		while (to < len && ((unsigned char)t[to] & 0xc0) == 0x80)
			to++;
	}
	if (from > 0)
		buf_adds(out, "\xe2\x80\xa6");
	int space = 0, in = 0;
	for (size_t i = from; i < to; i++) {
		int mark = 0;
		for (int k = 0; k < v->nmarks; k++)
			if ((long long)i >= v->marks[k][0] && (long long)i < v->marks[k][1])
				mark = 1;
		if (mark != in) {
			if (space && out->len)
				buf_addc(out, ' ');
			space = 0;
			buf_addc(out, mark ? '\x02' : '\x03');
			in = mark;
		}
		unsigned char c = (unsigned char)t[i];
		if (c <= ' ' || c == 0x7f) {
			space = 1;
			continue;
		}
		if (space && out->len && out->p[out->len - 1] != '\x02')
			buf_addc(out, ' ');
		space = 0;
		buf_addc(out, (char)c);
	}
	if (in)
		buf_addc(out, '\x03');
	if (to < len)
		buf_adds(out, "\xe2\x80\xa6");
	if (!out->p)
		buf_grow(out, 1);
}

static void link_free(struct graph_link *l)
{
	free(l->name);
	free(l->type);
	for (int j = 0; j < l->nev; j++) {
		free(l->ev[j].path);
		free(l->ev[j].text);
		free(l->ev[j].marks);
	}
	free(l->ev);
}

void graph_links_free(struct graph_link *v, int n)
{
	for (int i = 0; v && i < n; i++)
		link_free(&v[i]);
	free(v);
}

int graph_kind_known(const char *kind)
{
	return kind_index(kind) >= 0;
}

const char *graph_kind_list(void)
{
	static char list[256];
	if (!list[0]) {
		struct buf b = BUF_INIT;
		for (int k = 0; k < NKINDS; k++)
			buf_printf(&b, "%s%s", k ? ", " : "", kind_names[k]);
		snprintf(list, sizeof list, "%s", b.p);
		buf_free(&b);
	}
	return list;
}

int graph_link_has(const struct graph_link *l, const char *kind)
{
	for (int i = 0; i < l->nkinds; i++)
		if (!strcmp(l->kinds[i].kind, kind))
			return 1;
	return 0;
}

/* Fills l with every edge between self and other: their kinds (typed ones
 * first, by score), the most documents, sentences, weight and score of any
 * of them, and up to nev pieces of evidence taken from the edges in that
 * order (a document-only link shows each piece as two sentences, one naming
 * each entity).  l->other, name and type are the other end's. */
/* Empties l and makes entity id its other end, with its name and type. */
static int link_end(struct case_db *c, long long id, struct graph_link *l, struct err *e)
{
	sqlite3_stmt *st;
	memset(l, 0, sizeof *l);
	l->other = id;
	if (case_prepare(c, "SELECT name, type FROM entities WHERE id = ?", &st, "reading links", e) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		l->name = col_dup(st, 0);
		l->type = col_dup(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

static int load_link(struct case_db *c, long long self, long long other, int nev, struct graph_link *l,
		     struct err *e)
{
	sqlite3_stmt *st;
	if (link_end(c, other, l, e) < 0)
		return -1;
	if (case_prepare(c,
			 "SELECT id, a, b, kind, docs, sentences, weight, score FROM edges"
			 " WHERE (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)"
			 " ORDER BY kind IN ('co-occurs', 'same document'), score DESC, id",
			 &st, "reading links", e) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, self);
	sqlite3_bind_int64(st, 2, other);
	long long edges[GRAPH_KINDS * 2];
	int nedges = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = kind_index((const char *)sqlite3_column_text(st, 3));
		if (k < 0 || l->nkinds == GRAPH_KINDS || nedges == GRAPH_KINDS * 2)
			continue;
		long long a = sqlite3_column_int64(st, 1);
		int directed = k != K_COOCCURS && k != K_SAMEDOC && k != K_MET;
		l->kinds[l->nkinds].kind = kind_names[k];
		l->kinds[l->nkinds++].dir = !directed ? 0 : a == self ? 1 : -1;
		if (!nedges)
			l->edge = sqlite3_column_int64(st, 0);
		edges[nedges++] = sqlite3_column_int64(st, 0);
		l->docs = MAX(l->docs, sqlite3_column_int(st, 4));
		l->sentences = MAX(l->sentences, sqlite3_column_int(st, 5));
		l->weight = MAX(l->weight, sqlite3_column_double(st, 6));
		l->score = MAX(l->score, sqlite3_column_double(st, 7));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return case_fail(c, "reading links", e);
	int rows = graph_link_has(l, kind_names[K_SAMEDOC]) ? 2 * nev : nev;
	for (int i = 0; i < nedges; i++)
		if (load_evidence(c, edges[i], self, other, rows, l, e) < 0)
			return -1;
	return 0;
}

/* ---- paths ---- */

void graph_paths_free(struct graph_path *p, int n)
{
	for (int i = 0; p && i < n; i++)
		graph_links_free(p[i].hops, p[i].nhops);
	free(p);
}

/* Fills hop h (entity id) of a path: its name and type, and when prev is
 * not 0 the link between prev and it, with evidence. */
static int fill_hop(struct case_db *c, long long prev, long long id, int nev, struct graph_link *h, struct err *e)
{
	return prev ? load_link(c, prev, id, nev, h, e) : link_end(c, id, h, e);
}

/* What a link of strength cost (1/score, times the detour factors) costs
 * a chain: itself, or with GRAPH_FEWEST one step plus at most 1e-3 so that
 * among the chains of fewest links the strongest wins. */
static double link_cost(double cost, unsigned flags)
{
	return flags & GRAPH_FEWEST ? 1 + 1e-6 * (cost < 1e3 ? cost : 1e3) : cost;
}

/* ---- the adjacency, read ----
 *
 * From the table adjacency, a row per entity as it is needed; or, in a
 * case whose network was built before the table existed (schema 6), made
 * in memory from the edges, slower (a whole read of the edges) but the
 * same arcs. */
struct adjsrc {
	int stored;               /* rows of adjacency; else in memory from the edges */
	struct arc *arcs;         /* in memory: every arc */
	struct net t;             /* in memory: entity id -> vertex */
	uint32_t *off;            /* in memory: vertex v's arcs are arcs[off[v] .. off[v + 1]) */
	int txn;                  /* a read transaction of ours is open */
	/* rows, whole or in part (adjsrc_range): SQLite reads only the
	 * pages asked for */
	sqlite3_blob *blob;
	long long blob_id;        /* the row blob is open on, or -1 */
	struct arc *part;         /* the arcs read, decoded */
	size_t partcap;
};

static void adjsrc_close(struct case_db *c, struct adjsrc *s)
{
	if (s->blob)
		sqlite3_blob_close(s->blob);
	free(s->part);
	if (s->txn)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	free(s->arcs);
	free(s->off);
	net_free(&s->t);
	memset(s, 0, sizeof *s);
}

static int adjsrc_open(struct case_db *c, struct adjsrc *s, struct err *e)
{
	memset(s, 0, sizeof *s);
	s->blob_id = -1;
	/* one read transaction for the whole search, not one per row read */
	s->txn = sqlite3_get_autocommit(c->db) && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_stmt *st;
	int stored = 0;
	if (case_prepare(c, "SELECT EXISTS (SELECT 1 FROM adjacency)", &st, "reading the network", e) < 0)
		goto fail;
	stored = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (stored) {
		s->stored = 1;
		return 0;
	}
	if (net_load(c, &s->t, e) < 0)
		goto fail;
	s->arcs = adjacency_make(&s->t, &s->off);
	return 0;
fail:
	adjsrc_close(c, s);
	return -1;
}

static void arcs_decode(const unsigned char *p, long n, struct arc *out)
{
	for (long k = 0; k < n; k++, p += ARC_SIZE)
		out[k] = (struct arc){
			.to = get_le32(p),
			.score = get_f32(p + 4),
			.weight = get_f32(p + 8),
			.edge = get_le32(p + 12),
			.top = get_f64(p + 16),
			.docs = get_le32(p + 24),
			.sentences = get_le32(p + 28),
			.kinds = (uint16_t)(p[32] | p[33] << 8),
		};
}

/* In memory: entity id's arcs, and their number. */
static long mem_arcs(const struct adjsrc *s, long long id, const struct arc **out)
{
	uint32_t v = hmap_get(&s->t.vmap, (uint64_t)id);
	*out = v == NONE ? s->arcs : s->arcs + s->off[v];
	return v == NONE ? 0 : (long)(s->off[v + 1] - s->off[v]);
}

/* Arcs [from, from + count) of entity id (fewer at the row's end) in *out,
 * valid until the next call; *total (when not NULL) is how many it has.
 * Reads the pages of that part only: a hub's strongest ten without its
 * ten thousand.  Their number, or -1 on error. */
static long adjsrc_range(struct case_db *c, struct adjsrc *s, long long id, long from, long count,
			 const struct arc **out, long *total, struct err *e)
{
	long n = 0;
	if (!s->stored) {
		const struct arc *all;
		n = mem_arcs(s, id, &all);
		if (total)
			*total = n;
		*out = all + (from < n ? from : n);
		return from < n ? (count < n - from ? count : n - from) : 0;
	}
	if (s->blob_id != id) {
		int rc = s->blob ? sqlite3_blob_reopen(s->blob, id)
				 : sqlite3_blob_open(c->db, "main", "adjacency", "arcs", id, 0, &s->blob);
		if (rc != SQLITE_OK) { /* no row: no links */
			if (s->blob)
				sqlite3_blob_close(s->blob);
			s->blob = NULL;
			s->blob_id = -1;
			if (total)
				*total = 0;
			*out = s->part;
			return rc == SQLITE_ERROR ? 0 : case_fail(c, "reading the network", e);
		}
		s->blob_id = id;
	}
	int bytes = sqlite3_blob_bytes(s->blob);
	if (bytes % ARC_SIZE)
		return err_set(e, "the stored network is damaged: run weft graph --rebuild");
	long all = bytes / ARC_SIZE;
	if (total)
		*total = all;
	n = from < all ? (count < all - from ? count : all - from) : 0;
	*out = s->part;
	if (n <= 0)
		return 0;
	/* (grows s->part: *out is set again below) */
	if ((size_t)n > s->partcap) {
		s->partcap = (size_t)n;
		s->part = xrealloc(s->part, s->partcap * (sizeof *s->part + ARC_SIZE));
	}
	/* the raw bytes in the buffer's tail, decoded forward into its head */
	unsigned char *raw = (unsigned char *)(s->part + s->partcap);
	if (sqlite3_blob_read(s->blob, raw, (int)(n * ARC_SIZE), (int)(from * ARC_SIZE)) != SQLITE_OK)
		return case_fail(c, "reading the network", e);
	arcs_decode(raw, n, s->part);
	*out = s->part;
	return n;
}

/* Entity id's arcs, strongest first, in *out (valid until the next call):
 * their number, or -1 on error. */
static long adjsrc_arcs(struct case_db *c, struct adjsrc *s, long long id, const struct arc **out, struct err *e)
{
	return s->stored ? adjsrc_range(c, s, id, 0, LONG_MAX, out, NULL, e) : mem_arcs(s, id, out);
}

/* ---- the links of an entity ---- */

/* A neighbour for graph_links: its pair's strongest edge (of the kind
 * asked for, if one was), by score, then documents, then id. */
struct lcand {
	double score;
	uint32_t docs;
	long long edge, other;
};

static int by_lcand(const void *x, const void *y)
{
	const struct lcand *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->docs != b->docs)
		return a->docs < b->docs ? 1 : -1;
	return (a->edge > b->edge) - (a->edge < b->edge);
}

/* The links of entity, strongest first, from its adjacency row: every
 * neighbour once, with the summary of all the pair's edges; with a kind,
 * the pairs that have an edge of that kind (weighing at least min_weight),
 * ranked by that edge, read from the edges. */
int graph_links(struct case_db *c, long long entity, const char *kind, double min_weight, int limit, int nev,
		struct graph_link **out, int *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	int k = kind ? kind_index(kind) : -1;
	if (kind && k < 0)
		return 0; /* no link has it */
	struct adjsrc src;
	if (adjsrc_open(c, &src, e) < 0)
		return -1;
	sqlite3_stmt *st = NULL;
	if (kind && case_prepare(c,
				 "SELECT score, docs, id FROM edges WHERE kind = ?3 AND weight >= ?4"
				 " AND ((a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1)) ORDER BY score DESC, docs DESC, id LIMIT 1",
				 &st, "reading links", e) < 0) {
		adjsrc_close(c, &src);
		return -1;
	}
	const struct arc *arcs;
	long na = adjsrc_arcs(c, &src, entity, &arcs, e), m = 0;
	struct lcand *cand = xmalloc((size_t)(na > 0 ? na : 1) * sizeof *cand);
	int rc = na < 0 ? -1 : 0;
	for (long i = 0; i < na; i++) {
		const struct arc *r = &arcs[i];
		if (r->weight >= min_weight && (!kind || r->kinds & (1u << k)))
			cand[m++] = (struct lcand){r->top, r->docs, r->edge, r->to};
	}
	qsort(cand, (size_t)m, sizeof *cand, by_lcand);
	if (kind) {
		/* each pair's edge of that kind, read in the order of the pairs'
		 * strongest edges: once limit of them score more than the next
		 * pair's strongest, no other pair can enter */
		double *best = xmalloc(((size_t)(limit > 0 ? limit : 1)) * sizeof *best); /* descending */
		long nbest = 0, kept = 0;
		for (long i = 0; i < m && rc == 0; i++) {
			if (limit > 0 && nbest == limit && cand[i].score < best[limit - 1])
				break;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, entity);
			sqlite3_bind_int64(st, 2, cand[i].other);
			case_bind_text(st, 3, kind);
			sqlite3_bind_double(st, 4, min_weight);
			int step = sqlite3_step(st);
			if (step == SQLITE_ROW) {
				struct lcand x = {sqlite3_column_double(st, 0), (uint32_t)sqlite3_column_int64(st, 1),
						  sqlite3_column_int64(st, 2), cand[i].other};
				cand[kept++] = x; /* (kept <= i: cand[i] has been read) */
				long j = nbest < limit ? nbest++ : limit > 0 && x.score > best[limit - 1] ? limit - 1 : -1;
				if (j >= 0) {
					while (j > 0 && best[j - 1] < x.score) {
						best[j] = best[j - 1];
						j--;
					}
					best[j] = x.score;
				}
			} else if (step != SQLITE_DONE) {
				rc = case_fail(c, "reading links", e);
			}
		}
		free(best);
		m = kept;
		qsort(cand, (size_t)m, sizeof *cand, by_lcand);
	}
	sqlite3_finalize(st);
	adjsrc_close(c, &src);
	if (rc < 0) {
		free(cand);
		return -1;
	}
	if (limit > 0 && m > limit)
		m = limit;
	struct graph_link *v = xcalloc((size_t)m + 1, sizeof *v);
	for (long i = 0; i < m; i++) {
		(*n)++;
		if (load_link(c, entity, cand[i].other, nev, &v[i], e) < 0) {
			free(cand);
			graph_links_free(v, *n);
			*n = 0;
			return -1;
		}
	}
	free(cand);
	*out = v;
	return 0;
}

/* ---- the cheapest chain ----
 *
 * Dijkstra from both ends at once, the end with the smaller frontier first
 * (a leaf's side before a hub's), reading an entity's arcs only when it is
 * settled: on bench/graph_synth.c's network of a million links a chain
 * settles 26 to 455 entities, so the search reads that many rows of
 * adjacency and never the whole network.  A link's cost is 1 / score,
 * times 4 for each end that is a place or a MISC entity in the middle of
 * the chain (the same both ways, so the two searches agree). */

struct bidir {
	struct hmap map;          /* entity id -> slot */
	const struct hmap *ban_v; /* entities the chain may not pass (NULL: none) */
	const struct hmap *ban_a; /* links it may not take, key arc_key() */
	long long end_a, end_b;   /* the whole chain's ends: never avoided */
	uint32_t n, cap;
	long long *id;
	double *dist[2];          /* < 0: not reached from that end */
	uint32_t *prev[2];
	uint8_t *done[2], *avoid; /* avoid: a place or MISC, not an end */
	struct hitem *heap[2];
	size_t nheap[2], capheap[2];
};

static uint32_t bidir_slot(struct bidir *b, long long id, int avoid)
{
	uint32_t *slot = hmap_slot(&b->map, (uint64_t)id);
	if (*slot != NONE)
		return *slot;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->id = xrealloc(b->id, b->cap * sizeof *b->id);
		b->avoid = xrealloc(b->avoid, b->cap);
		for (int d = 0; d < 2; d++) {
			b->dist[d] = xrealloc(b->dist[d], b->cap * sizeof *b->dist[d]);
			b->prev[d] = xrealloc(b->prev[d], b->cap * sizeof *b->prev[d]);
			b->done[d] = xrealloc(b->done[d], b->cap);
		}
	}
	uint32_t i = b->n++;
	b->id[i] = id;
	b->avoid[i] = (uint8_t)avoid;
	for (int d = 0; d < 2; d++) {
		b->dist[d][i] = -1;
		b->prev[d][i] = NONE;
		b->done[d][i] = 0;
	}
	*slot = i;
	return i;
}

static void bidir_push(struct bidir *b, int d, double dist, uint32_t v)
{
	if (b->nheap[d] == b->capheap[d]) {
		b->capheap[d] = b->capheap[d] ? 2 * b->capheap[d] : 1024;
		b->heap[d] = xrealloc(b->heap[d], b->capheap[d] * sizeof *b->heap[d]);
	}
	heap_push(b->heap[d], &b->nheap[d], dist, v);
}

static void bidir_free(struct bidir *b)
{
	hmap_free(&b->map);
	free(b->id);
	free(b->avoid);
	for (int d = 0; d < 2; d++) {
		free(b->dist[d]);
		free(b->prev[d]);
		free(b->done[d]);
		free(b->heap[d]);
	}
}

static uint64_t arc_key(long long a, long long b)
{
	return a < b ? (uint64_t)a << 32 ^ (uint64_t)b : (uint64_t)b << 32 ^ (uint64_t)a;
}

/* The cheapest chain from entity from to entity to (from_avoid: from is a
 * place or MISC entity in the middle of the whole chain): its entity ids
 * in *chain (the caller's to free), their number in *len (0: no chain)
 * and its cost in *cost.  -1 on error. */
static int bidir_search(struct case_db *c, struct adjsrc *src, struct bidir *b, long long from, int from_avoid,
			long long to, unsigned flags, long long **chain, int *len, double *cost, struct err *e)
{
	*len = 0;
	uint32_t end[2] = {bidir_slot(b, from, from_avoid), bidir_slot(b, to, 0)};
	double best = -1;
	uint32_t meet[2] = {NONE, NONE}; /* the link where the two searches met */
	for (int d = 0; d < 2; d++) {
		b->dist[d][end[d]] = 0;
		bidir_push(b, d, 0, end[d]);
	}
	while (b->nheap[0] && b->nheap[1]) {
		if (best >= 0 && b->heap[0][0].d + b->heap[1][0].d >= best)
			break;
		int d = b->nheap[1] < b->nheap[0]; /* the smaller frontier: a leaf's side first */
		struct hitem it = heap_pop(b->heap[d], &b->nheap[d]);
		uint32_t u = it.v;
		if (b->done[d][u])
			continue;
		b->done[d][u] = 1;
		const struct arc *arcs = NULL;
		long n = adjsrc_arcs(c, src, b->id[u], &arcs, e);
		if (n < 0)
			return -1;
		for (long k = 0; k < n; k++) {
			long long wid = arcs[k].to;
			float sc = arcs[k].score;
			if ((b->ban_v && hmap_get(b->ban_v, (uint64_t)wid) != NONE) ||
			    (b->ban_a && hmap_get(b->ban_a, arc_key(b->id[u], wid)) != NONE))
				continue;
			uint32_t w = bidir_slot(b, wid, sc < 0 && wid != b->end_a && wid != b->end_b);
			double x = fabsf(sc) > 1e-9f ? 1 / fabs(sc) : 1e9;
			if (b->avoid[u])
				x *= 4;
			if (b->avoid[w])
				x *= 4;
			double nd = b->dist[d][u] + link_cost(x, flags);
			if (!b->done[d][w] && (b->dist[d][w] < 0 || nd < b->dist[d][w])) {
				b->dist[d][w] = nd;
				b->prev[d][w] = u;
				bidir_push(b, d, nd, w);
			}
			if (b->dist[!d][w] >= 0 && (best < 0 || nd + b->dist[!d][w] < best)) {
				best = nd + b->dist[!d][w];
				meet[d] = u;
				meet[!d] = w;
			}
		}
	}
	if (best < 0)
		return 0;
	int n = 0;
	for (uint32_t v = meet[0]; v != NONE; v = b->prev[0][v])
		n++;
	int i = n;
	for (uint32_t v = meet[1]; v != NONE; v = b->prev[1][v])
		n++;
	*chain = xmalloc((size_t)n * sizeof **chain);
	*len = n;
	for (uint32_t v = meet[0], j = (uint32_t)i; v != NONE; v = b->prev[0][v])
		(*chain)[--j] = b->id[v];
	for (uint32_t v = meet[1]; v != NONE; v = b->prev[1][v])
		(*chain)[i++] = b->id[v];
	*cost = best;
	return 0;
}

/* ---- the k cheapest chains (Yen, "Finding the k shortest loopless paths
 * in a network", 1971), each search two-ended as above ---- */

struct chain {
	long long *ids;
	int n;
	double cost;
};

/* The cost of the first n entities of chain ids (ends vf, vt) and whether
 * ids[n - 1] is avoided in its middle (*last_avoid).  -1 on error. */
static int chain_cost(struct case_db *c, struct adjsrc *src, const long long *ids, int n, long long vf, long long vt,
		      unsigned flags, double *cost, int *last_avoid, struct err *e)
{
	*cost = 0;
	int avoid = 0; /* ids[h - 1]'s */
	for (int h = 1; h < n; h++) {
		const struct arc *arcs;
		long na = adjsrc_arcs(c, src, ids[h - 1], &arcs, e), k = 0;
		if (na < 0)
			return -1;
		while (k < na && arcs[k].to != ids[h])
			k++;
		if (k == na)
			return err_set(e, "the stored network is damaged: run weft graph --rebuild");
		int w_avoid = arcs[k].score < 0 && ids[h] != vf && ids[h] != vt;
		double x = fabsf(arcs[k].score) > 1e-9f ? 1 / fabs(arcs[k].score) : 1e9;
		*cost += link_cost(x * (avoid ? 4 : 1) * (w_avoid ? 4 : 1), flags);
		avoid = w_avoid;
	}
	*last_avoid = avoid;
	return 0;
}

static int chain_same(const struct chain *x, const long long *ids, int n)
{
	return x->n == n && !memcmp(x->ids, ids, (size_t)n * sizeof *ids);
}

/* Up to k cheapest loopless chains from vf to vt into *out (cheapest
 * first; *nout of them).  -1 on error. */
static int yen(struct case_db *c, struct adjsrc *src, long long vf, long long vt, int k, unsigned flags,
	       struct chain **out, int *nout, struct err *e)
{
	struct chain *a = xcalloc((size_t)k, sizeof *a), *cand = NULL;
	int na = 0, ncand = 0, capcand = 0, rc = 0;
	struct hmap ban_v, ban_a;
	hmap_init(&ban_v, 64);
	hmap_init(&ban_a, 64);
	for (int round = 0; round < k && rc == 0; round++) {
		if (round == 0) {
			struct bidir b = {0};
			hmap_init(&b.map, 1024);
			b.end_a = vf;
			b.end_b = vt;
			rc = bidir_search(c, src, &b, vf, 0, vt, flags, &a[0].ids, &a[0].n, &a[0].cost, e);
			bidir_free(&b);
			if (rc < 0 || a[0].n == 0)
				break;
			na = 1;
			continue;
		}
		const struct chain *prev = &a[round - 1];
		for (int i = 0; i + 1 < prev->n && rc == 0; i++) {
			/* from prev's i-th entity, not by a link another found chain
			 * with the same first i + 1 entities takes there, nor through
			 * those entities */
			hmap_free(&ban_v);
			hmap_free(&ban_a);
			hmap_init(&ban_v, 64);
			hmap_init(&ban_a, 64);
			for (int j = 0; j < na; j++)
				if (a[j].n > i + 1 && !memcmp(a[j].ids, prev->ids, (size_t)(i + 1) * sizeof *prev->ids))
					*hmap_slot(&ban_a, arc_key(a[j].ids[i], a[j].ids[i + 1])) = 1;
			for (int j = 0; j < i; j++)
				*hmap_slot(&ban_v, (uint64_t)prev->ids[j]) = 1;
			double root = 0;
			int spur_avoid = 0;
			if (chain_cost(c, src, prev->ids, i + 1, vf, vt, flags, &root, &spur_avoid, e) < 0) {
				rc = -1;
				break;
			}
			struct bidir b = {0};
			hmap_init(&b.map, 1024);
			b.end_a = vf;
			b.end_b = vt;
			b.ban_v = &ban_v;
			b.ban_a = &ban_a;
			long long *spur = NULL;
			int ns = 0;
			double cost = 0;
			rc = bidir_search(c, src, &b, prev->ids[i], spur_avoid, vt, flags, &spur, &ns, &cost, e);
			bidir_free(&b);
			if (rc == 0 && ns > 0) {
				long long *ids = xmalloc((size_t)(i + ns) * sizeof *ids);
				memcpy(ids, prev->ids, (size_t)i * sizeof *ids);
				memcpy(ids + i, spur, (size_t)ns * sizeof *ids);
				int n = i + ns, known = 0;
				for (int j = 0; j < na && !known; j++)
					known = chain_same(&a[j], ids, n);
				for (int j = 0; j < ncand && !known; j++)
					known = chain_same(&cand[j], ids, n);
				if (known) {
					free(ids);
				} else {
					if (ncand == capcand)
						cand = xrealloc(cand, (size_t)(capcand = capcand ? 2 * capcand : 16) * sizeof *cand);
					cand[ncand++] = (struct chain){ids, n, root + cost};
				}
			}
			free(spur);
		}
		if (rc < 0 || ncand == 0)
			break;
		int best = 0; /* the cheapest candidate, the fewest links on a tie */
		for (int j = 1; j < ncand; j++)
			if (cand[j].cost < cand[best].cost || (cand[j].cost == cand[best].cost && cand[j].n < cand[best].n))
				best = j;
		a[na++] = cand[best];
		cand[best] = cand[--ncand];
	}
	for (int j = 0; j < ncand; j++)
		free(cand[j].ids);
	free(cand);
	hmap_free(&ban_v);
	hmap_free(&ban_a);
	if (rc < 0) {
		for (int j = 0; j < na; j++)
			free(a[j].ids);
		free(a);
		return -1;
	}
	*out = a;
	*nout = na;
	return 0;
}

/* Up to k cheapest chains with their evidence (graph_path). */
static int path_k(struct case_db *c, long long from, long long to, int k, int nev, unsigned flags,
		  struct graph_path **out, int *npaths, struct err *e)
{
	struct adjsrc src;
	if (adjsrc_open(c, &src, e) < 0)
		return -1;
	struct chain *ch = NULL;
	int n = 0, rc = from == to ? 0 : yen(c, &src, from, to, k, flags, &ch, &n, e);
	adjsrc_close(c, &src);
	if (rc == 0 && n > 0) {
		struct graph_path *p = xcalloc((size_t)n, sizeof *p);
		for (int i = 0; i < n && rc == 0; i++) {
			p[i].hops = xcalloc((size_t)ch[i].n, sizeof *p[i].hops);
			p[i].cost = ch[i].cost;
			for (int h = 0; h < ch[i].n && rc == 0; h++) {
				rc = fill_hop(c, h ? ch[i].ids[h - 1] : 0, ch[i].ids[h], nev, &p[i].hops[h], e);
				p[i].nhops++;
			}
		}
		if (rc == 0) {
			*out = p;
			*npaths = n;
		} else {
			graph_paths_free(p, n);
		}
	}
	for (int i = 0; i < n; i++)
		free(ch[i].ids);
	free(ch);
	return rc < 0 ? -1 : 0;
}

/* ---- the network around an entity (weft serve's network view) ---- */

struct vcand {
	long long id;
	float score;
};

static int by_vcand_id(const void *x, const void *y)
{
	const struct vcand *a = x, *b = y;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return (a->score < b->score) - (a->score > b->score);
}

static int by_vcand_score(const void *x, const void *y)
{
	const struct vcand *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

struct vpair {
	long long a;
	struct arc arc;
};

static int by_vpair_score(const void *x, const void *y)
{
	const struct vpair *p = x, *q = y;
	float s = fabsf(p->arc.score), t = fabsf(q->arc.score);
	if (s != t)
		return s > t ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->arc.to > q->arc.to) - (p->arc.to < q->arc.to);
}

/* Adds entity id to v (and to the set of chosen ones). */
static void view_add(struct graph_view *v, struct hmap *chosen, long long id)
{
	if ((v->n & (v->n - 1)) == 0)
		v->ids = xrealloc(v->ids, (size_t)(v->n ? 2 * v->n : 1) * sizeof *v->ids);
	*hmap_slot(chosen, (uint64_t)id) = (uint32_t)v->n;
	v->ids[v->n++] = id;
}

/* The pair (a, b)'s summary as an arc from a, read from the edges (both
 * orders: a directed kind may run from the larger id).  0 when they have no
 * edge, 1 when they have, -1 on error. */
static int pair_from_edges(struct case_db *c, sqlite3_stmt *st, long long a, long long b, struct arc *out,
			   struct err *e)
{
	*out = (struct arc){.to = b, .edge = -1, .top = -HUGE_VAL};
	double sum = 0;
	int found = 0;
	for (int side = 0; side < 2; side++) {
		sqlite3_bind_int64(st, 1, side ? b : a);
		sqlite3_bind_int64(st, 2, side ? a : b);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			long long edge = sqlite3_column_int64(st, 0);
			int k = kind_index((const char *)sqlite3_column_text(st, 1));
			double score = sqlite3_column_double(st, 5);
			found = 1;
			out->edge = out->edge < 0 ? edge : MIN(out->edge, edge);
			out->docs = MAX(out->docs, (uint32_t)MAX(sqlite3_column_int(st, 2), 0));
			out->sentences = MAX(out->sentences, (uint32_t)MAX(sqlite3_column_int(st, 3), 0));
			out->weight = MAX(out->weight, (float)sqlite3_column_double(st, 4));
			out->top = MAX(out->top, score);
			sum += score;
			if (k >= 0)
				out->kinds |= (uint16_t)(1u << k);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return case_fail(c, "reading the network", e);
	}
	out->score = (float)(sum > 1e-9 ? sum : 1e-9);
	return found;
}

/* The links among the chosen come from a row while it costs less than
 * looking its links to the rows not yet read up in the edges: a row of
 * more than VIEW_ROW_ARCS arcs per entity left is not read (on the corpus'
 * top 50 entities, depth 2: 16 -> 2.2 ms a view, 64 -> 2.0, 256 -> 1.7,
 * every row -> 2.0). */
#define VIEW_ROW_ARCS 256

struct vnode {
	long long id;
	long degree;
	int index; /* in v->ids */
};

static int by_vnode_degree(const void *x, const void *y)
{
	const struct vnode *a = x, *b = y;
	if (a->degree != b->degree)
		return a->degree < b->degree ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

int graph_view(struct case_db *c, long long center, int depth, int limit, double min_weight, struct graph_view *v,
	       struct err *e)
{
	memset(v, 0, sizeof *v);
	struct adjsrc src;
	if (adjsrc_open(c, &src, e) < 0)
		return -1;
	struct hmap chosen;
	hmap_init(&chosen, 2 * (size_t)limit);
	view_add(v, &chosen, center);
	v->level_end[0] = v->level_end[1] = v->level_end[2] = 1;
	struct vcand *cand = NULL;
	size_t ncand = 0, capc = 0;
	int rc = 0;
	for (int lv = 1; lv <= depth && v->n < limit && rc == 0; lv++) {
		/* at depth 2 the centre's own neighbours take at most two thirds
		 * of the nodes, or a hub's would fill them all and level 2 would
		 * never show */
		int cap = depth == 2 && lv == 1 ? (2 * limit + 2) / 3 : limit, want = cap - v->n;
		ncand = 0;
		for (int i = lv == 1 ? 0 : v->level_end[lv - 2]; i < v->level_end[lv - 1] && rc == 0; i++) {
			/* strongest first: an entity's first want new ones are all
			 * it can give to the want strongest of the level; read in
			 * growing parts, so a hub's whole row is not */
			long took = 0, from = 0, total = 0, part = want + 8;
			while (took < want) {
				const struct arc *arcs;
				long n = adjsrc_range(c, &src, v->ids[i], from, part, &arcs, &total, e);
				if (n < 0) {
					rc = -1;
					break;
				}
				for (long k = 0; k < n && took < want; k++) {
					if (arcs[k].weight < min_weight || hmap_get(&chosen, (uint64_t)arcs[k].to) != NONE)
						continue;
					if (ncand == capc)
						cand = xrealloc(cand, (capc = capc ? 2 * capc : 256) * sizeof *cand);
					cand[ncand++] = (struct vcand){arcs[k].to, fabsf(arcs[k].score)};
					took++;
				}
				from += n;
				if (from >= total)
					break;
				part *= 4;
			}
		}
		/* each once, at its best score; then the strongest */
		if (ncand)
			qsort(cand, ncand, sizeof *cand, by_vcand_id);
		size_t u = 0;
		for (size_t i = 0; i < ncand; i++)
			if (!u || cand[u - 1].id != cand[i].id)
				cand[u++] = cand[i];
		if (u)
			qsort(cand, u, sizeof *cand, by_vcand_score);
		for (size_t i = 0; i < u && (int)i < want; i++)
			view_add(v, &chosen, cand[i].id);
		v->level_end[lv] = v->n;
		if (lv == 1)
			v->level_end[2] = v->n;
	}
	free(cand);

	/* the links among them: from the rows of the entities of fewest links
	 * first, each giving its links to those not yet read; the links among
	 * the entities of big rows from the edges */
	struct vnode *order = xmalloc((size_t)v->n * sizeof *order);
	for (int i = 0; i < v->n && rc == 0; i++) {
		const struct arc *arcs;
		order[i] = (struct vnode){v->ids[i], 0, i};
		if (adjsrc_range(c, &src, v->ids[i], 0, 0, &arcs, &order[i].degree, e) < 0)
			rc = -1;
	}
	if (rc == 0)
		qsort(order, (size_t)v->n, sizeof *order, by_vnode_degree);
	uint8_t *read = xcalloc((size_t)v->n + 1, 1);
	struct vpair *pairs = NULL;
	size_t np = 0, capp = 0;
	int o = 0;
	for (; o < v->n && rc == 0 && (order[o].degree <= VIEW_ROW_ARCS * (v->n - o - 1) || !src.stored); o++) {
		const struct arc *arcs;
		long n = adjsrc_range(c, &src, order[o].id, 0, order[o].degree, &arcs, NULL, e);
		if (n < 0) {
			rc = -1;
			break;
		}
		read[order[o].index] = 1;
		for (long k = 0; k < n; k++) {
			uint32_t j = arcs[k].weight >= min_weight ? hmap_get(&chosen, (uint64_t)arcs[k].to) : NONE;
			if (j == NONE || read[j])
				continue;
			if (np == capp)
				pairs = xrealloc(pairs, (capp = capp ? 2 * capp : 256) * sizeof *pairs);
			pairs[np++] = (struct vpair){order[o].id, arcs[k]};
		}
	}
	if (o < v->n && rc == 0) {
		sqlite3_stmt *st;
		if (case_prepare(c, "SELECT id, kind, docs, sentences, weight, score FROM edges WHERE a = ?1 AND b = ?2",
				 &st, "reading the network", e) < 0)
			rc = -1;
		for (int x = o; x < v->n && rc == 0; x++)
			for (int y = x + 1; y < v->n && rc == 0; y++) {
				struct arc r;
				int found = pair_from_edges(c, st, order[x].id, order[y].id, &r, e);
				if (found < 0)
					rc = -1;
				else if (found && r.weight >= min_weight) {
					if (np == capp)
						pairs = xrealloc(pairs, (capp = capp ? 2 * capp : 256) * sizeof *pairs);
					pairs[np++] = (struct vpair){order[x].id, r};
				}
			}
		if (rc == 0)
			sqlite3_finalize(st);
	}
	free(read);
	free(order);
	for (size_t i = 0; i < np; i++)
		if (pairs[i].a > pairs[i].arc.to) { /* a < b */
			long long b = pairs[i].a;
			pairs[i].a = pairs[i].arc.to;
			pairs[i].arc.to = b;
		}
	if (np)
		qsort(pairs, np, sizeof *pairs, by_vpair_score);
	if (np > GRAPH_VIEW_MAX_LINKS)
		np = GRAPH_VIEW_MAX_LINKS;
	v->links = xcalloc(np + 1, sizeof *v->links);
	for (size_t i = 0; i < np; i++) {
		const struct arc *r = &pairs[i].arc;
		struct graph_view_link *l = &v->links[i];
		*l = (struct graph_view_link){.a = pairs[i].a, .b = r->to, .edge = r->edge, .weight = r->weight,
					      .score = r->top, .docs = (int)r->docs, .sentences = (int)r->sentences};
		for (int j = 0; j < NKINDS; j++) { /* typed first */
			int k = j < NKINDS - 2 ? j + 2 : j - (NKINDS - 2);
			if (r->kinds & (1u << k))
				l->kinds[l->nkinds++] = kind_names[k];
		}
	}
	v->nlinks = (int)np;
	free(pairs);
	hmap_free(&chosen);
	adjsrc_close(c, &src);
	if (rc < 0)
		graph_view_free(v);
	return rc;
}

void graph_view_free(struct graph_view *v)
{
	free(v->ids);
	free(v->links);
	memset(v, 0, sizeof *v);
}

/* The table adjacency rewritten from the edges (graph_store_adjacency). */
int graph_store_adjacency(struct case_db *c, struct err *e)
{
	struct net t;
	int rc = net_load(c, &t, e);
	if (rc == 0)
		rc = adjacency_store(c, &t, e);
	net_free(&t);
	return rc;
}

int graph_path(struct case_db *c, long long from, long long to, int k, int nev, unsigned flags,
	       struct graph_path **out, int *npaths, struct err *e)
{
	*out = NULL;
	*npaths = 0;
	return path_k(c, from, to, k < 1 ? 1 : k, nev, flags, out, npaths, e);
}

/* ---- summary ---- */

static void copy_utf8(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--; /* do not cut a character in two */
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = 0;
}

int graph_summary(struct case_db *c, int ntop, struct graph_summary *s, struct err *e)
{
	memset(s, 0, sizeof *s);
	sqlite3_stmt *st;
	if (case_prepare(c,
			 "SELECT (SELECT count(*) FROM entities WHERE type IN ('PER','ORG','LOC','MISC')),"
			 " coalesce(nullif((SELECT count(*) FROM adjacency), 0),"
			 "  (SELECT count(*) FROM (SELECT a FROM edges UNION SELECT b FROM edges))),"
			 " (SELECT count(*) FROM edges),"
			 " coalesce((SELECT value FROM meta WHERE key = 'evidence'), (SELECT count(*) FROM evidence)),"
			 " (SELECT count(DISTINCT community) FROM entities WHERE community IS NOT NULL)",
			 &st, "reading the network", e) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		s->entities = (long)sqlite3_column_int64(st, 0);
		s->nodes = (long)sqlite3_column_int64(st, 1);
		s->edges = (long)sqlite3_column_int64(st, 2);
		s->evidence = (long)sqlite3_column_int64(st, 3);
		s->communities = (long)sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (case_prepare(c, "SELECT kind, count(*) FROM edges GROUP BY kind ORDER BY 2 DESC, 1", &st,
			 "reading the network", e) < 0)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW && s->nkinds < 16) {
		copy_utf8(s->kinds[s->nkinds].kind, sizeof s->kinds[0].kind, (const char *)sqlite3_column_text(st, 0));
		s->kinds[s->nkinds++].n = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (ntop > 20)
		ntop = 20;
	if (ntop <= 0)
		return 0;
	if (case_prepare(c,
			 "SELECT id, name, type, pagerank, community FROM entities WHERE pagerank IS NOT NULL"
			 " AND community IS NOT NULL ORDER BY pagerank DESC, id LIMIT ?",
			 &st, "reading the network", e) < 0)
		return -1;
	sqlite3_bind_int(st, 1, ntop);
	while (sqlite3_step(st) == SQLITE_ROW && s->ntop < ntop) {
		s->top[s->ntop].id = sqlite3_column_int64(st, 0);
		copy_utf8(s->top[s->ntop].name, sizeof s->top[0].name, (const char *)sqlite3_column_text(st, 1));
		copy_utf8(s->top[s->ntop].type, sizeof s->top[0].type, (const char *)sqlite3_column_text(st, 2));
		s->top[s->ntop].pagerank = sqlite3_column_double(st, 3);
		s->top[s->ntop].community = (long)sqlite3_column_int64(st, 4);
		s->ntop++;
	}
	sqlite3_finalize(st);
	return 0;
}
