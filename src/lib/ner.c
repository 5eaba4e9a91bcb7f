/*
 * ner.c — the statistical named-entity recognizer (see ner.h): features,
 * the model file, constrained Viterbi decoding, training (averaged
 * structured perceptron), CoNLL reading and conlleval-style scoring.
 *
 * Owns: struct ner_model (one malloc'd copy of the model file plus pointers
 * into it) and the model file format.  Internally the model tags BILOU
 * (17 tags: O, then B/I/L/U for PER, ORG, LOC, MISC); callers only ever see
 * IOB2 labels.
 *
 * Model file (little-endian), version 1:
 *   struct file_hdr (magic "WEFTNER\x1a", version, section counts, weight
 *   scale, payload size, XXH64 of the payload), then the payload:
 *     float  trans[(NTAGS+1) * NTAGS]     transition weights, last row = start
 *     u32    fslot[fslots][2]              open-addressed feature table:
 *                                          {key, row} pairs, key 0 = empty
 *     i16    w[nrows * NTAGS]             quantised emission weights (x scale)
 *     u64    gkey[gslots], u8 gval[gslots]    gazetteer phrases -> type bits
 *     u32    ckey[cslots], u8 cval[cslots]    word -> case-statistics bucket
 *     u32    lkey[lslots], u16 lval[lslots]   word -> cluster id
 *   every section padded to 8 bytes.
 */
#include "ner.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "rules.h"
#include "text.h"

/* ---- tags ------------------------------------------------------------- */

#define NTAGS 17
enum { P_B = 0, P_I = 1, P_L = 2, P_U = 3 };
#define TAG(type, pos) (1 + (type) * 4 + (pos))
#define TAG_TYPE(t) (((t) - 1) / 4)
#define TAG_POS(t) (((t) - 1) % 4)

static const char *const type_names[NER_NTYPES] = {
	"PER", "ORG", "LOC", "MISC", "DATE", "EMAIL", "URL", "PHONE"};
static const char *const label_names[NER_NLABELS] = {
	"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"};

const char *ner_type_name(int type)
{
	return type >= 0 && type < NER_NTYPES ? type_names[type] : "?";
}

int ner_type_parse(const char *name, size_t len)
{
	for (int i = 0; i < NER_NTYPES; i++)
		if (strlen(type_names[i]) == len && memcmp(type_names[i], name, len) == 0)
			return i;
	return -1;
}

const char *ner_label_name(int label)
{
	return label >= 0 && label < NER_NLABELS ? label_names[label] : "O";
}

/* Whether tag t may follow tag p (p == NTAGS: sentence start). */
static int tag_legal(int p, int t)
{
	int open = p != NTAGS && p != 0 && (TAG_POS(p) == P_B || TAG_POS(p) == P_I);
	if (open)
		return t != 0 && TAG_TYPE(t) == TAG_TYPE(p) && (TAG_POS(t) == P_I || TAG_POS(t) == P_L);
	return t == 0 || TAG_POS(t) == P_B || TAG_POS(t) == P_U;
}

static int tag_final(int t)
{
	return t == 0 || TAG_POS(t) == P_L || TAG_POS(t) == P_U;
}

/* IOB2 labels of one sentence -> BILOU tags. */
static void labels_to_tags(const int *lab, size_t n, uint8_t *tags)
{
	for (size_t i = 0; i < n; i++) {
		if (lab[i] == NER_O) {
			tags[i] = 0;
			continue;
		}
		int type = (lab[i] - 1) / 2;
		int begin = (lab[i] - 1) % 2 == 0;
		int next_in = i + 1 < n && lab[i + 1] == 2 + type * 2;
		if (begin)
			tags[i] = TAG(type, next_in ? P_B : P_U);
		else
			tags[i] = TAG(type, next_in ? P_I : P_L);
	}
}

static int tag_to_label(int t)
{
	if (t == 0)
		return NER_O;
	int pos = TAG_POS(t);
	return 1 + TAG_TYPE(t) * 2 + (pos == P_B || pos == P_U ? 0 : 1);
}

/* ---- hashing ---------------------------------------------------------- */

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* Feature hash of template tid with value a. */
static inline uint64_t fh(uint64_t tid, uint64_t a)
{
	return mix64(a ^ mix64(tid * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL));
}

static inline uint64_t strhash(const char *s, size_t len)
{
	return XXH3_64bits(s, len);
}

/* Hash of a phrase, extended one lower-cased token hash at a time. */
#define PHRASE_SEED 0x5bd1e9955bd1e995ULL
static inline uint64_t phrase_ext(uint64_t h, uint64_t tok)
{
	return mix64(h ^ (tok + 0x9e3779b97f4a7c15ULL + (h << 6)));
}

/* ---- lookup tables (shared by training and the loaded model) ---------- */

/* Open-addressed table of 64-bit phrase hashes -> gazetteer type bits. */
struct gaz {
	const uint64_t *key;
	const uint8_t *val;
	uint64_t mask;          /* slots - 1, or 0 with key == NULL when empty */
	int maxlen;
};

/* Open-addressed table of 32-bit word keys -> small value. */
struct wtab {
	const uint32_t *key;
	const void *val;        /* uint8_t (case buckets) or uint16_t (clusters) */
	int wide;
	uint64_t mask;
};

static inline uint32_t key32(uint64_t h)
{
	uint32_t k = (uint32_t)(h >> 32);
	return k ? k : 1;
}

static int gaz_get(const struct gaz *g, uint64_t h)
{
	if (!g->key)
		return 0;
	if (!h)
		h = 1;
	for (uint64_t s = h & g->mask;; s = (s + 1) & g->mask) {
		if (g->key[s] == h)
			return g->val[s];
		if (!g->key[s])
			return 0;
	}
}

static int wtab_get(const struct wtab *t, uint64_t h)
{
	if (!t->key)
		return 0;
	uint32_t k = key32(h);
	for (uint64_t s = h & t->mask;; s = (s + 1) & t->mask) {
		if (t->key[s] == k)
			return t->wide ? ((const uint16_t *)t->val)[s] : ((const uint8_t *)t->val)[s];
		if (!t->key[s])
			return 0;
	}
}

/* ---- the model -------------------------------------------------------- */

#define MODEL_MAGIC "WEFTNER\x1a"
#define MODEL_VERSION 1

struct file_hdr {
	char magic[8];
	uint32_t version;
	uint32_t ntags;
	uint32_t fslots, nrows;
	uint32_t gslots, gmaxlen;
	uint32_t cslots, lslots;
	float scale;
	uint32_t flags;
	uint32_t reserved[6];
	uint64_t payload_size;
	uint64_t checksum;
};

struct ner_model {
	char *mem;              /* the whole file */
	size_t size;
	const float *trans;     /* (NTAGS+1) x NTAGS */
	const uint32_t *fslot;  /* fslots x {key, row} */
	float trans_c[(NTAGS + 1) * NTAGS]; /* trans with illegal moves at -1e30 */
	uint64_t fmask;
	const int16_t *w;
	float scale;
	struct gaz gaz;
	struct wtab cprior;
	struct wtab clusters;
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t payload_size(const struct file_hdr *h)
{
	size_t s = 0;
	s += pad8((size_t)(NTAGS + 1) * NTAGS * sizeof(float));
	s += pad8((size_t)h->fslots * 8);
	s += pad8((size_t)h->nrows * NTAGS * 2);
	s += pad8((size_t)h->gslots * 8) + pad8(h->gslots);
	s += pad8((size_t)h->cslots * 4) + pad8(h->cslots);
	s += pad8((size_t)h->lslots * 4) + pad8((size_t)h->lslots * 2);
	return s;
}

static int pow2_or_zero(uint32_t x)
{
	return (x & (x - 1)) == 0;
}

struct ner_model *ner_load(const char *path, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	size_t size = (size_t)st.st_size;
	if (size < sizeof(struct file_hdr)) {
		err_set(e, "%s: not a weft NER model (file too short: %zu bytes)", path, size);
		close(fd);
		return NULL;
	}
	char *mem = xmalloc(size);
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, mem + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err_set(e, "%s: %s", path, r < 0 ? strerror(errno) : "file shrank while reading");
			free(mem);
			close(fd);
			return NULL;
		}
		got += (size_t)r;
	}
	close(fd);

	struct file_hdr h;
	memcpy(&h, mem, sizeof h);
	const char *why = NULL;
	if (memcmp(h.magic, MODEL_MAGIC, 8) != 0)
		why = "not a weft NER model (bad magic bytes)";
	else if (h.version != MODEL_VERSION)
		why = h.version > 0xffff ? "model written on a machine of other byte order"
					 : "unsupported model version (retrain or upgrade weft)";
	else if (h.ntags != NTAGS || !pow2_or_zero(h.fslots) || !h.fslots || !pow2_or_zero(h.gslots) ||
		 !pow2_or_zero(h.cslots) || !pow2_or_zero(h.lslots) || h.fslots > (1u << 30) ||
		 h.gslots > (1u << 30) || h.cslots > (1u << 30) || h.lslots > (1u << 30) ||
		 h.nrows > h.fslots || !(h.scale > 0) || !isfinite(h.scale))
		why = "corrupt model header";
	else if (h.payload_size != payload_size(&h))
		why = "corrupt model header (section sizes)";
	else if (size - sizeof h < h.payload_size)
		why = "model file is truncated";
	else if (size - sizeof h > h.payload_size)
		why = "model file has trailing bytes";
	else if (XXH64(mem + sizeof h, h.payload_size, 0) != h.checksum)
		why = "model file is corrupt (checksum mismatch)";
	if (why) {
		err_set(e, "%s: %s", path, why);
		free(mem);
		return NULL;
	}

	struct ner_model *m = xcalloc(1, sizeof *m);
	m->mem = mem;
	m->size = size;
	m->scale = h.scale;
	char *p = mem + sizeof h;
	m->trans = (const float *)(const void *)p;
	p += pad8((size_t)(NTAGS + 1) * NTAGS * sizeof(float));
	m->fslot = (const uint32_t *)(const void *)p;
	p += pad8((size_t)h.fslots * 8);
	m->fmask = h.fslots - 1;
	m->w = (const int16_t *)(const void *)p;
	p += pad8((size_t)h.nrows * NTAGS * 2);
	if (h.gslots) {
		m->gaz.key = (const uint64_t *)(const void *)p;
		m->gaz.val = (const uint8_t *)p + (size_t)h.gslots * 8;
		m->gaz.mask = h.gslots - 1;
		m->gaz.maxlen = (int)(h.gmaxlen > 8 ? 8 : h.gmaxlen);
	}
	p += pad8((size_t)h.gslots * 8) + pad8(h.gslots);
	if (h.cslots) {
		m->cprior.key = (const uint32_t *)(const void *)p;
		m->cprior.val = p + pad8((size_t)h.cslots * 4);
		m->cprior.mask = h.cslots - 1;
	}
	p += pad8((size_t)h.cslots * 4) + pad8(h.cslots);
	if (h.lslots) {
		m->clusters.key = (const uint32_t *)(const void *)p;
		m->clusters.val = p + pad8((size_t)h.lslots * 4);
		m->clusters.mask = h.lslots - 1;
		m->clusters.wide = 1;
	}
	/* Every row index must be in range, and the tables must have an empty
	 * slot so that probing ends: checked once here, not at each lookup. */
	size_t empty = 0;
	for (uint32_t i = 0; i < h.fslots; i++) {
		if (!m->fslot[2 * i])
			empty++;
		else if (m->fslot[2 * i + 1] >= h.nrows)
			why = "corrupt feature table";
	}
	if (!empty)
		why = "corrupt feature table";
	for (int k = 0; k < 3 && !why; k++) {
		uint32_t n = k == 0 ? h.gslots : k == 1 ? h.cslots : h.lslots;
		size_t e0 = 0;
		for (uint32_t i = 0; i < n; i++)
			e0 += k == 0 ? m->gaz.key[i] == 0 : k == 1 ? m->cprior.key[i] == 0 : m->clusters.key[i] == 0;
		if (n && !e0)
			why = "corrupt lookup table";
	}
	if (why) {
		err_set(e, "%s: %s", path, why);
		ner_free(m);
		return NULL;
	}
	for (int p0 = 0; p0 <= NTAGS; p0++)
		for (int t = 0; t < NTAGS; t++) {
			float v = m->trans[p0 * NTAGS + t];
			m->trans_c[p0 * NTAGS + t] = tag_legal(p0, t) && isfinite(v) ? v : -1e30f;
		}
	return m;
}

void ner_free(struct ner_model *m)
{
	if (!m)
		return;
	free(m->mem);
	free(m);
}

static char default_path[PATH_MAX + 64];

const char *ner_default_model_path(void)
{
	const char *env = getenv("WEFT_MODEL");
	if (env && *env) {
		snprintf(default_path, sizeof default_path, "%s", env);
		return default_path;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		snprintf(default_path, sizeof default_path, "models/ner.model");
		return default_path;
	}
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(default_path, sizeof default_path, "%s/../share/weft/models/ner.model", exe);
	if (access(default_path, R_OK) == 0) {
		char first[PATH_MAX + 64];
		snprintf(first, sizeof first, "%s/../models/ner.model", exe);
		if (access(first, R_OK) == 0)
			snprintf(default_path, sizeof default_path, "%s", first);
		return default_path;
	}
	snprintf(default_path, sizeof default_path, "%s/../models/ner.model", exe);
	return default_path;
}

/* ---- token analysis --------------------------------------------------- */

enum { CLS_LOWER, CLS_TITLE, CLS_UPPER, CLS_MIXED, CLS_DIGIT, CLS_ALNUM, CLS_PUNCT };
#define NGAZ 8
enum { GAZ_COUNTRY, GAZ_REGION, GAZ_PER, GAZ_ORG, GAZ_LOC, GAZ_MISC, GAZ_PERTOK, GAZ_ORGTOK };

struct tokinfo {
	uint64_t hw, hlw, hshape, hss;
	uint64_t hpre[4], hsuf[4];
	uint8_t cls;
	uint8_t cp;             /* case-statistics bucket */
	uint8_t docf;           /* document-level case flags */
	uint8_t gpos[NGAZ];     /* 0, or 1+BILU position of a gazetteer match */
	uint16_t cluster;       /* coarse << 9 | fine */
	uint8_t has_cluster;
};

/* Decodes one UTF-8 code point at s (n >= 1 bytes); returns its length
 * (1 for an invalid byte, with *cp = 0xFFFD). */
static size_t u8dec(const unsigned char *s, size_t n, int32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate(s, (utf8proc_ssize_t)(n > 4 ? 4 : n), &c);
	if (k <= 0) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = c;
	return (size_t)k;
}

/* Appends s lower-cased (or upper-cased) to b. */
static void case_map(struct buf *b, const char *s, size_t len, int upper)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		if (u[i] < 0x80) {
			char c = (char)u[i];
			if (upper && c >= 'a' && c <= 'z')
				c = (char)(c - 32);
			else if (!upper && c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			buf_addc(b, c);
			i++;
			continue;
		}
		int32_t cp;
		size_t k = u8dec(u + i, len - i, &cp);
		if (cp == 0xFFFD && k == 1) {
			buf_add(b, s + i, 1);
		} else {
			utf8proc_uint8_t out[4];
			int32_t m = upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
			utf8proc_ssize_t w = utf8proc_encode_char(m, out);
			buf_add(b, out, (size_t)w);
		}
		i += k;
	}
}

/* Character class for shapes: 'X' upper, 'x' lower, 'd' digit, else the
 * ASCII character itself or '~' for other symbols. */
static char shape_char(int32_t cp)
{
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return 'X';
		if (cp >= 'a' && cp <= 'z')
			return 'x';
		if (cp >= '0' && cp <= '9')
			return 'd';
		return (char)cp;
	}
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT:
		return 'X';
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return 'x';
	case UTF8PROC_CATEGORY_ND:
		return 'd';
	default:
		return '~';
	}
}

/* Fills the word-level fields of ti for token s (len bytes); lw receives the
 * lower-cased token (reset first). */
static void analyse_token(const char *s, size_t len, struct tokinfo *ti, struct buf *lw)
{
	char shape[16], ss[16];
	size_t nsh = 0, nss = 0;
	int nu = 0, nl = 0, nd = 0, no = 0, first = -1;
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		size_t k = u8dec(u + i, len - i, &cp);
		char c = shape_char(cp);
		if (first < 0)
			first = c;
		if (c == 'X')
			nu++;
		else if (c == 'x')
			nl++;
		else if (c == 'd')
			nd++;
		else
			no++;
		if (nsh < 10)
			shape[nsh++] = c;
		else if (nsh == 10)
			shape[nsh++] = '+';
		if (nss == 0 || ss[nss - 1] != c) {
			if (nss < 12)
				ss[nss++] = c;
		}
		i += k;
	}
	if (nu + nl == 0)
		ti->cls = nd ? (no ? CLS_ALNUM : CLS_DIGIT) : CLS_PUNCT;
	else if (nd)
		ti->cls = CLS_ALNUM;
	else if (nl == 0)
		ti->cls = CLS_UPPER;
	else if (first == 'X')
		ti->cls = nu == 1 ? CLS_TITLE : CLS_MIXED;
	else
		ti->cls = nu ? CLS_MIXED : CLS_LOWER;
	buf_reset(lw);
	case_map(lw, s, len, 0);
	ti->hw = strhash(s, len);
	ti->hlw = strhash(lw->p ? lw->p : "", lw->len);
	ti->hshape = strhash(shape, nsh);
	ti->hss = strhash(ss, nss);
	for (size_t k = 0; k < 4; k++) {
		size_t n = k + 1;
		ti->hpre[k] = n <= lw->len ? strhash(lw->p, n) : 0;
		ti->hsuf[k] = n <= lw->len ? strhash(lw->p + lw->len - n, n) : 0;
	}
}

/* ---- features --------------------------------------------------------- */

enum {
	T_BIAS = 1, T_W, T_LW, T_SHAPE, T_SS, T_PRE, T_SUF = T_PRE + 4, T_LWM1 = T_SUF + 4, T_LWP1,
	T_LWM2, T_LWP2, T_SSM1, T_SSP1, T_BIM, T_BIP, T_SS3, T_INIT, T_GAZ, T_GAZM1, T_GAZP1,
	T_DOC, T_CP, T_CPM1, T_CPP1, T_UCS, T_CL, T_CLM1, T_CLP1, T_CLPRE, T_WM1SS, T_WP1SS,
	T_SSM2, T_SSP2, T_CLS2, T_HIST, T_HIST2
};
#define MAXFEAT 80
#define H_BOS 0x1234567812345678ULL
#define H_EOS 0x8765432187654321ULL

/* Writes the feature hashes of token i of a sentence (ti[0..n)) to f and
 * returns how many.  ucs: the sentence has no lower-case letter. */
static size_t token_feats(const struct tokinfo *ti, size_t n, size_t i, int ucs, uint64_t *f)
{
	size_t k = 0;
	const struct tokinfo *t = &ti[i];
	const struct tokinfo *pm1 = i > 0 ? &ti[i - 1] : NULL, *pp1 = i + 1 < n ? &ti[i + 1] : NULL;
	uint64_t lwm1 = pm1 ? pm1->hlw : H_BOS, lwp1 = pp1 ? pp1->hlw : H_EOS;
	uint64_t lwm2 = i > 1 ? ti[i - 2].hlw : H_BOS, lwp2 = i + 2 < n ? ti[i + 2].hlw : H_EOS;
	uint64_t ssm1 = pm1 ? pm1->hss : H_BOS, ssp1 = pp1 ? pp1->hss : H_EOS;
	uint64_t ssm2 = i > 1 ? ti[i - 2].hss : H_BOS, ssp2 = i + 2 < n ? ti[i + 2].hss : H_EOS;

	f[k++] = fh(T_BIAS, 0);
	f[k++] = fh(T_W, t->hw);
	f[k++] = fh(T_LW, t->hlw);
	f[k++] = fh(T_SHAPE, t->hshape);
	f[k++] = fh(T_SS, t->hss);
	for (int j = 0; j < 4; j++) {
		if (t->hpre[j])
			f[k++] = fh(T_PRE + j, t->hpre[j]);
		if (t->hsuf[j])
			f[k++] = fh(T_SUF + j, t->hsuf[j]);
	}
	f[k++] = fh(T_LWM1, lwm1);
	f[k++] = fh(T_LWP1, lwp1);
	f[k++] = fh(T_LWM2, lwm2);
	f[k++] = fh(T_LWP2, lwp2);
	f[k++] = fh(T_SSM1, ssm1);
	f[k++] = fh(T_SSP1, ssp1);
	f[k++] = fh(T_SSM2, ssm2);
	f[k++] = fh(T_SSP2, ssp2);
	f[k++] = fh(fh(T_BIM, lwm1), t->hlw);
	f[k++] = fh(fh(T_BIP, t->hlw), lwp1);
	f[k++] = fh(fh(fh(T_SS3, ssm1), t->hss), ssp1);
	f[k++] = fh(fh(T_WM1SS, lwm1), t->hss);
	f[k++] = fh(fh(T_WP1SS, lwp1), t->hss);
	f[k++] = fh(T_INIT, (uint64_t)(i == 0) * 16 + t->cls + (uint64_t)ucs * 64);
	for (int g = 0; g < NGAZ; g++) {
		if (t->gpos[g])
			f[k++] = fh(T_GAZ, (uint64_t)g * 8 + t->gpos[g]);
		if (pm1 && pm1->gpos[g])
			f[k++] = fh(T_GAZM1, (uint64_t)g * 8 + pm1->gpos[g]);
		if (pp1 && pp1->gpos[g])
			f[k++] = fh(T_GAZP1, (uint64_t)g * 8 + pp1->gpos[g]);
	}
	f[k++] = fh(T_DOC, (uint64_t)t->docf * 16 + t->cls + (uint64_t)(i == 0) * 256);
	f[k++] = fh(T_CP, (uint64_t)t->cp * 16 + t->cls + (uint64_t)ucs * 256);
	f[k++] = fh(T_CPM1, (uint64_t)(pm1 ? pm1->cp * 16 + pm1->cls : 999) + (uint64_t)ucs * 4096);
	f[k++] = fh(T_CPP1, (uint64_t)(pp1 ? pp1->cp * 16 + pp1->cls : 999) + (uint64_t)ucs * 4096);
	if (ucs)
		f[k++] = fh(T_UCS, t->hlw);
	if (t->has_cluster) {
		f[k++] = fh(T_CL, t->cluster & 511);
		f[k++] = fh(T_CLPRE, t->cluster >> 9);
		f[k++] = fh(T_CLS2, (uint64_t)(t->cluster & 511) * 16 + t->cls);
	}
	f[k++] = fh(T_CLM1, pm1 ? pm1->cluster & 511 : 65535);
	f[k++] = fh(T_CLP1, pp1 ? pp1->cluster & 511 : 65535);
	return k;
}

/* Prediction history (Ratinov & Roth 2009): while a document is tagged
 * sentence by sentence, what the model said so far about each capitalised
 * word is a feature for its later occurrences ("Leeds" tagged ORG twice
 * before is likely ORG again). */
struct hist {
	uint64_t *key;
	uint16_t *cnt;          /* 5 per slot: PER, ORG, LOC, MISC, O */
	size_t mask, cap;
};

static void hist_reset(struct hist *h, size_t ntoks)
{
	size_t cap = 64;
	while (cap < ntoks * 2)
		cap <<= 1;
	if (cap > h->cap) {
		free(h->key);
		free(h->cnt);
		h->key = xmalloc(cap * 8);
		h->cnt = xmalloc(cap * 5 * 2);
		h->cap = cap;
	}
	memset(h->key, 0, cap * 8);
	h->mask = cap - 1;
}

static void hist_free(struct hist *h)
{
	free(h->key);
	free(h->cnt);
	memset(h, 0, sizeof *h);
}

static int hist_cls(int cls)
{
	return cls == CLS_TITLE || cls == CLS_UPPER || cls == CLS_MIXED;
}

static uint16_t *hist_slot(struct hist *h, uint64_t k, int insert)
{
	if (!k)
		k = 1;
	for (size_t s = k & h->mask;; s = (s + 1) & h->mask) {
		if (h->key[s] == k)
			return h->cnt + s * 5;
		if (!h->key[s]) {
			if (!insert)
				return NULL;
			h->key[s] = k;
			memset(h->cnt + s * 5, 0, 10);
			return h->cnt + s * 5;
		}
	}
}

/* The history value of a word: majority label * 2 + (1 if not unanimous),
 * or -1 when the word has no history. */
static int hist_value(struct hist *h, uint64_t hlw, int cls)
{
	if (!hist_cls(cls))
		return -1;
	const uint16_t *c = hist_slot(h, hlw, 0);
	if (!c)
		return -1;
	int tot = 0, m = 0;
	for (int k = 0; k < 5; k++) {
		tot += c[k];
		if (c[k] > c[m])
			m = k;
	}
	return tot ? m * 2 + (c[m] != tot) : -1;
}

static void hist_add(struct hist *h, uint64_t hlw, int cls, int tag)
{
	if (!hist_cls(cls))
		return;
	uint16_t *c = hist_slot(h, hlw, 1);
	int k = tag ? TAG_TYPE(tag) : 4;
	if (c[k] < 65535)
		c[k]++;
}

static size_t hist_feats(int v, int cls, uint64_t *f)
{
	if (v < 0)
		return 0;
	f[0] = fh(T_HIST, (uint64_t)v);
	f[1] = fh(T_HIST2, (uint64_t)v * 16 + (uint64_t)cls);
	return 2;
}

/* What the feature extractor reads besides the tokens themselves. */
struct feat_ctx {
	const struct gaz *gaz;
	const struct wtab *cprior;
	const struct wtab *clusters;
};

/* Marks gazetteer matches in ti[0..n) (one sentence): for each gazetteer
 * type, greedy left-to-right longest matches. */
static void mark_gazetteer(const struct gaz *g, struct tokinfo *ti, size_t n)
{
	for (size_t i = 0; i < n; i++)
		memset(ti[i].gpos, 0, NGAZ);
	if (!g->key)
		return;
	int maxlen = g->maxlen;
	uint8_t best[NGAZ];
	size_t busy_until[NGAZ] = {0};
	for (size_t i = 0; i < n; i++) {
		memset(best, 0, sizeof best);
		uint64_t h = PHRASE_SEED;
		for (int L = 1; L <= maxlen && i + (size_t)L <= n; L++) {
			const struct tokinfo *t = &ti[i + (size_t)L - 1];
			if (t->cls == CLS_PUNCT && L == 1)
				break;
			h = phrase_ext(h, t->hlw);
			int bits = gaz_get(g, h);
			for (int k = 0; k < NGAZ; k++)
				if (bits & (1 << k))
					best[k] = (uint8_t)L;
		}
		for (int k = 0; k < NGAZ; k++) {
			if (!best[k] || busy_until[k] > i)
				continue;
			size_t L = best[k];
			for (size_t j = 0; j < L; j++)
				ti[i + j].gpos[k] = (uint8_t)(1 + (L == 1 ? P_U : j == 0 ? P_B : j == L - 1 ? P_L : P_I));
			busy_until[k] = i + L;
		}
	}
}

/* Small open-addressed counter table for document-level statistics. */
struct doctab {
	uint64_t *key;
	uint8_t *flags;
	size_t mask;
};

static uint8_t *doctab_slot(struct doctab *d, uint64_t h)
{
	if (!h)
		h = 1;
	for (size_t s = h & d->mask;; s = (s + 1) & d->mask) {
		if (d->key[s] == h)
			return &d->flags[s];
		if (!d->key[s]) {
			d->key[s] = h;
			d->flags[s] = 0;
			return &d->flags[s];
		}
	}
}

/* Whether sentence [a,b) of ti has letters but no lower-case word. */
static int sent_upper(const struct tokinfo *ti, size_t a, size_t b)
{
	int letters = 0;
	for (size_t i = a; i < b; i++) {
		if (ti[i].cls == CLS_LOWER || ti[i].cls == CLS_TITLE || ti[i].cls == CLS_MIXED)
			return 0;
		if (ti[i].cls == CLS_UPPER)
			letters++;
	}
	return letters > 0;
}

/* Analyses a document given as tokens (upper-cased first when upper):
 * fills ti[0..ntoks) including gazetteer, case and document features. */
static void analyse_doc(const struct feat_ctx *fc, const struct ner_tok *toks, size_t ntoks,
			const size_t *sent_start, size_t nsent, int upper, struct tokinfo *ti,
			uint8_t *ucs)
{
	struct buf lw = BUF_INIT, up = BUF_INIT;
	for (size_t i = 0; i < ntoks; i++) {
		if (upper) {
			buf_reset(&up);
			case_map(&up, toks[i].s, toks[i].len, 1);
			analyse_token(up.p ? up.p : "", up.len, &ti[i], &lw);
		} else {
			analyse_token(toks[i].s, toks[i].len, &ti[i], &lw);
		}
		ti[i].cp = (uint8_t)wtab_get(fc->cprior, ti[i].hlw);
		int cl = wtab_get(fc->clusters, ti[i].cls == CLS_DIGIT ? 0x5eed : ti[i].hlw);
		ti[i].cluster = (uint16_t)(cl ? cl - 1 : 0);
		ti[i].has_cluster = cl != 0;
	}
	buf_free(&lw);
	buf_free(&up);
	/* Document-level case evidence: was this word seen capitalized inside a
	 * mixed-case sentence, or lower-cased, anywhere in the document? */
	size_t cap = 16;
	while (cap < ntoks * 2)
		cap <<= 1;
	struct doctab d = {xcalloc(cap, 8), xmalloc(cap), cap - 1};
	for (size_t k = 0; k < nsent; k++) {
		size_t a = sent_start[k], b = sent_start[k + 1];
		ucs[k] = (uint8_t)sent_upper(ti, a, b);
		mark_gazetteer(fc->gaz, ti + a, b - a);
		if (ucs[k])
			continue;
		for (size_t i = a; i < b; i++) {
			uint8_t *fl = doctab_slot(&d, ti[i].hlw);
			if (ti[i].cls == CLS_LOWER)
				*fl |= 1;
			else if (i > a && (ti[i].cls == CLS_TITLE || ti[i].cls == CLS_UPPER || ti[i].cls == CLS_MIXED))
				*fl |= 2;
		}
	}
	for (size_t i = 0; i < ntoks; i++)
		ti[i].docf = *doctab_slot(&d, ti[i].hlw);
	free(d.key);
	free(d.flags);
}

/* ---- decoding --------------------------------------------------------- */

/* Constrained first-order Viterbi: em is n x NTAGS, trans (NTAGS+1) x NTAGS
 * (last row: start).  Writes the best legal tag sequence to out. */
static void viterbi(const float *em, size_t n, const float *trans, uint8_t *out, float *score,
		    uint8_t *back)
{
	/* trans holds -1e30 for illegal moves (see constrain_trans) */
	const float NEG = -1e30f;
	for (int t = 0; t < NTAGS; t++)
		score[t] = trans[NTAGS * NTAGS + t] + em[t];
	for (size_t i = 1; i < n; i++) {
		float *prev = score + (i - 1) * NTAGS, *cur = score + i * NTAGS;
		for (int t = 0; t < NTAGS; t++) {
			float best = NEG * 4;
			int arg = 0;
			for (int p = 0; p < NTAGS; p++) {
				float s = prev[p] + trans[p * NTAGS + t];
				if (s > best) {
					best = s;
					arg = p;
				}
			}
			cur[t] = best + em[i * NTAGS + t];
			back[i * NTAGS + t] = (uint8_t)arg;
		}
	}
	float best = NEG * 2;
	int arg = 0;
	for (int t = 0; t < NTAGS; t++) {
		float s = score[(n - 1) * NTAGS + t];
		if (tag_final(t) && s > best) {
			best = s;
			arg = t;
		}
	}
	for (size_t i = n; i-- > 0;) {
		out[i] = (uint8_t)arg;
		if (i)
			arg = back[i * NTAGS + arg];
	}
}

/* Emission scores of one token from the loaded model. */
static void model_emit(const struct ner_model *m, const uint64_t *f, size_t nf, float *em)
{
	/* Three passes so that the cache misses of one feature overlap with
	 * those of the others: prefetch the slots, find the rows (prefetching
	 * them), then add the rows up. */
	int32_t acc[NTAGS] = {0};
	const int16_t *rows[MAXFEAT];
	size_t nr = 0;
	for (size_t j = 0; j < nf; j++)
		__builtin_prefetch(m->fslot + 2 * (f[j] & m->fmask));
	for (size_t j = 0; j < nf; j++) {
		uint64_t h = f[j];
		uint32_t k = key32(h);
		for (uint64_t s = h & m->fmask;; s = (s + 1) & m->fmask) {
			uint32_t kk = m->fslot[2 * s];
			if (kk == k) {
				rows[nr] = m->w + (size_t)m->fslot[2 * s + 1] * NTAGS;
				__builtin_prefetch(rows[nr]);
				__builtin_prefetch(rows[nr] + NTAGS - 1);
				nr++;
				break;
			}
			if (!kk)
				break;
		}
	}
	for (size_t j = 0; j < nr; j++) {
		// cppcheck-suppress uninitvar ; rows[0..nr) were set above
		const int16_t *w = rows[j];
		for (int t = 0; t < NTAGS; t++)
			acc[t] += w[t];
	}
	for (int t = 0; t < NTAGS; t++)
		em[t] = (float)acc[t] * m->scale;
}

/* Per-call scratch for tagging (grown as needed, never shared). */
struct scratch {
	struct tokinfo *ti;     /* per token of the document */
	uint8_t *ucs;           /* per sentence */
	float *em, *score;      /* per token of the longest sentence */
	uint8_t *back, *tags;
	size_t cap_tok, cap_seq, cap_sent;
	struct hist hist;
};

/* Room for a document of ntoks tokens (0: none needed), sentences of up to
 * maxseq tokens, and nsent sentences. */
static void scratch_reserve(struct scratch *s, size_t ntoks, size_t maxseq, size_t nsent)
{
	if (ntoks > s->cap_tok) {
		size_t c = ntoks + ntoks / 2 + 16;
		s->ti = xrealloc(s->ti, c * sizeof *s->ti);
		s->cap_tok = c;
	}
	if (maxseq > s->cap_seq) {
		size_t c = maxseq + maxseq / 2 + 16;
		s->em = xrealloc(s->em, c * NTAGS * sizeof(float));
		s->score = xrealloc(s->score, c * NTAGS * sizeof(float));
		s->back = xrealloc(s->back, c * NTAGS);
		s->tags = xrealloc(s->tags, c);
		s->cap_seq = c;
	}
	if (nsent + 1 > s->cap_sent) {
		s->cap_sent = nsent + 16;
		s->ucs = xrealloc(s->ucs, s->cap_sent);
	}
}

static void scratch_free(struct scratch *s)
{
	free(s->ti);
	free(s->ucs);
	free(s->em);
	free(s->score);
	free(s->back);
	free(s->tags);
	hist_free(&s->hist);
	memset(s, 0, sizeof *s);
}

static void model_ctx(const struct ner_model *m, struct feat_ctx *fc)
{
	fc->gaz = &m->gaz;
	fc->cprior = &m->cprior;
	fc->clusters = &m->clusters;
}

static int tag_doc(const struct ner_model *m, const struct ner_tok *toks, size_t ntoks,
		   const size_t *sent_start, size_t nsent, int upper, int *labels, struct scratch *s)
{
	struct feat_ctx fc;
	model_ctx(m, &fc);
	size_t maxseq = 0;
	for (size_t k = 0; k < nsent; k++)
		if (sent_start[k + 1] - sent_start[k] > maxseq)
			maxseq = sent_start[k + 1] - sent_start[k];
	scratch_reserve(s, ntoks, maxseq, nsent);
	analyse_doc(&fc, toks, ntoks, sent_start, nsent, upper, s->ti, s->ucs);
	size_t ncap = 0; /* only capitalised words enter the history */
	for (size_t i = 0; i < ntoks; i++)
		ncap += hist_cls(s->ti[i].cls);
	hist_reset(&s->hist, ncap);
	uint64_t f[MAXFEAT];
	for (size_t k = 0; k < nsent; k++) {
		size_t a = sent_start[k], n = sent_start[k + 1] - a;
		if (!n)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct tokinfo *t = &s->ti[a + i];
			size_t nf = token_feats(s->ti + a, n, i, s->ucs[k], f);
			nf += hist_feats(hist_value(&s->hist, t->hlw, t->cls), t->cls, f + nf);
			model_emit(m, f, nf, s->em + i * NTAGS);
		}
		viterbi(s->em, n, m->trans_c, s->tags, s->score, s->back);
		for (size_t i = 0; i < n; i++) {
			labels[a + i] = tag_to_label(s->tags[i]);
			hist_add(&s->hist, s->ti[a + i].hlw, s->ti[a + i].cls, s->tags[i]);
		}
	}
	return 0;
}

int ner_tag_tokens(const struct ner_model *m, const struct ner_tok *toks, size_t ntoks,
		   const size_t *sent_start, size_t nsent, int *labels, struct err *e)
{
	if (!m)
		return err_set(e, "no model loaded");
	if (sent_start[0] != 0 || sent_start[nsent] != ntoks)
		return err_set(e, "sentence boundaries do not cover the tokens");
	for (size_t k = 0; k < nsent; k++)
		if (sent_start[k + 1] < sent_start[k])
			return err_set(e, "sentence boundaries out of order");
	struct scratch s = {0};
	int rc = tag_doc(m, toks, ntoks, sent_start, nsent, 0, labels, &s);
	scratch_free(&s);
	return rc;
}

/* ---- raw text --------------------------------------------------------- */

static size_t sentence_of(const struct ner_span *s, size_t n, size_t off)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Teletype tokens of cable headers ("FM AMEMBASSY PARIS", "RUEHC/SECSTATE
 * WASHDC", "VZCZCXRO0068"): never part of a name.  Model mentions are
 * trimmed of them, and dropped when nothing else is left. */
static int teletype_token(const char *s, size_t n)
{
	static const char *const words[] = {
		"FM", "TO", "INFO", "DE", "ZNR", "ZNY", "ZZH", "ZFF", "UUUUU", "BT", "NNNN", "AMEMBASSY",
		"AMCONSUL", "SECSTATE", "WASHDC", "SIPDIS", "NOFORN", "USMISSION", "RR", "PP", "OO", "ZEN", NULL};
	static const char *const route[] = {"RUE", "RHE", "RUC", "RHM", "RUF", "RUZ", "RHR", "RUM", NULL};
	if (n == 1 && (s[0] == '/' || s[0] == '#'))
		return 1;
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return 1;
	if (n >= 5 && memcmp(s, "VZCZC", 5) == 0)
		return 1;
	if (n < 5 || n > 9)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	for (size_t i = 0; route[i]; i++)
		if (memcmp(s, route[i], 3) == 0)
			return 1;
	return 0;
}

static int mention_cmp(const void *a, const void *b)
{
	const struct ner_mention *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->type_id - y->type_id;
}

int ner_tag_text(const struct ner_model *m, const char *text, size_t len,
		 struct ner_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!m)
		return err_set(e, "no model loaded");
	struct text_doc d = TEXT_DOC_INIT;
	if (text_split(text, len, &d, e) < 0)
		return -1;
	struct rules_result rr = RULES_RESULT_INIT;
	if (rules_find(text, len, &rr, e) < 0) {
		text_doc_free(&d);
		return -1;
	}
	struct ner_tok *toks = xmalloc((d.ntoks + 1) * sizeof *toks);
	size_t *ss = xmalloc((d.nsents + 1) * sizeof *ss);
	int *lab = xmalloc((d.ntoks + 1) * sizeof *lab);
	for (size_t i = 0; i < d.ntoks; i++) {
		toks[i].s = text + d.toks[i].start;
		toks[i].len = d.toks[i].end - d.toks[i].start;
	}
	out->nsentences = d.nsents;
	out->ntokens = d.ntoks;
	out->sentences = xmalloc((d.nsents + 1) * sizeof *out->sentences);
	for (size_t k = 0; k < d.nsents; k++) {
		ss[k] = d.sents[k].tok_first;
		out->sentences[k].start = d.sents[k].start;
		out->sentences[k].end = d.sents[k].end;
	}
	ss[d.nsents] = d.ntoks;
	struct scratch s = {0};
	tag_doc(m, toks, d.ntoks, ss, d.nsents, 0, lab, &s);
	scratch_free(&s);

	size_t cap = 16, n = 0;
	struct ner_mention *ms = xmalloc(cap * sizeof *ms);
	size_t r = 0; /* next rule mention that could overlap */
	for (size_t k = 0; k < d.nsents; k++) {
		size_t a = ss[k], b = ss[k + 1];
		for (size_t i = a; i < b; i++) {
			if (lab[i] == NER_O)
				continue;
			int type = (lab[i] - 1) / 2;
			size_t j = i + 1;
			while (j < b && lab[j] == 2 + type * 2)
				j++;
			size_t first = i, last = j;
			i = j - 1;
			while (first < last && teletype_token(toks[first].s, toks[first].len))
				first++;
			while (last > first && teletype_token(toks[last - 1].s, toks[last - 1].len))
				last--;
			if (first == last)
				continue;
			size_t st = d.toks[first].start, en = d.toks[last - 1].end;
			/* A model mention that overlaps an e-mail, URL or phone number is
			 * a piece of it, not a name. */
			while (r < rr.n && rr.m[r].end <= st)
				r++;
			int clash = 0;
			for (size_t q = r; q < rr.n && rr.m[q].start < en; q++)
				if (rr.m[q].type != RULES_DATE)
					clash = 1;
			if (clash)
				continue;
			if (n == cap)
				ms = xrealloc(ms, (cap *= 2) * sizeof *ms);
			ms[n++] = (struct ner_mention){st, en, type_names[type], type, k, NULL};
		}
	}
	for (size_t q = 0; q < rr.n; q++) {
		if (n == cap)
			ms = xrealloc(ms, (cap *= 2) * sizeof *ms);
		int type = NER_DATE + rr.m[q].type;
		size_t sk = d.nsents ? sentence_of(out->sentences, d.nsents, rr.m[q].start) : 0;
		ms[n++] = (struct ner_mention){rr.m[q].start, rr.m[q].end, type_names[type], type, sk,
					       rr.m[q].value};
		rr.m[q].value = NULL;
	}
	qsort(ms, n, sizeof *ms, mention_cmp);
	out->mentions = ms;
	out->nmentions = n;
	rules_result_free(&rr);
	free(toks);
	free(ss);
	free(lab);
	text_doc_free(&d);
	return 0;
}

void ner_result_free(struct ner_result *r)
{
	for (size_t i = 0; i < r->nmentions; i++)
		free(r->mentions[i].value);
	free(r->mentions);
	free(r->sentences);
	memset(r, 0, sizeof *r);
}

/* ---- CoNLL files ------------------------------------------------------ */

static int read_file(const char *path, char **data, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, "%s: %s", path, strerror(errno));
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_free(&b);
		return err_set(e, "%s: read error", path);
	}
	buf_addc(&b, 0);
	*len = b.len - 1;
	*data = buf_detach(&b);
	return 0;
}

/* Parses an NER tag (IOB1 or IOB2); returns the type (0..3) and sets *begin,
 * or returns -1 for "O", -2 for an unknown tag. */
static int parse_tag(const char *s, size_t n, int *begin)
{
	if (n == 1 && s[0] == 'O')
		return -1;
	if (n < 3 || (s[0] != 'B' && s[0] != 'I' && s[0] != 'E' && s[0] != 'S' && s[0] != 'L' &&
		      s[0] != 'U') || s[1] != '-')
		return -2;
	int t = ner_type_parse(s + 2, n - 2);
	if (t < 0 || t >= NER_NMODEL_TYPES)
		return -2;
	*begin = s[0] == 'B' || s[0] == 'S' || s[0] == 'U';
	return t;
}

int ner_corpus_read(const char *path, struct ner_corpus *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	size_t len;
	if (read_file(path, &c->data, &len, e) < 0)
		return -1;
	size_t cap = 1024, scap = 256, dcap = 64;
	c->toks = xmalloc(cap * sizeof *c->toks);
	c->gold = xmalloc(cap * sizeof *c->gold);
	c->sent_start = xmalloc(scap * sizeof *c->sent_start);
	c->doc_sent = xmalloc(dcap * sizeof *c->doc_sent);
	c->sent_start[0] = 0;
	c->doc_sent[0] = 0;
	int prev_type = -1;
	size_t lineno = 0;
	char *p = c->data, *end = c->data + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		lineno++;
		char *q = le;
		while (q > p && (q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'))
			q--;
		char *s = p;
		while (s < q && (*s == ' ' || *s == '\t'))
			s++;
		int blank = s == q, docstart = !blank && (size_t)(q - s) >= 10 && memcmp(s, "-DOCSTART-", 10) == 0;
		if (blank || docstart) {
			if (c->ntoks > c->sent_start[c->nsent]) {
				if (c->nsent + 2 > scap)
					c->sent_start = xrealloc(c->sent_start, (scap *= 2) * sizeof *c->sent_start);
				c->sent_start[++c->nsent] = c->ntoks;
			}
			prev_type = -1;
			if (docstart && c->nsent > c->doc_sent[c->ndoc]) {
				if (c->ndoc + 2 > dcap)
					c->doc_sent = xrealloc(c->doc_sent, (dcap *= 2) * sizeof *c->doc_sent);
				c->doc_sent[++c->ndoc] = c->nsent;
			}
		} else {
			char *t1 = s;
			while (t1 < q && *t1 != ' ' && *t1 != '\t')
				t1++;
			char *lt = q;
			while (lt > s && lt[-1] != ' ' && lt[-1] != '\t')
				lt--;
			int lab = NER_O;
			if (lt > t1) {
				int begin = 0;
				int type = parse_tag(lt, (size_t)(q - lt), &begin);
				if (type == -2) {
					err_set(e, "%s:%zu: unknown NER tag '%.*s'", path, lineno, (int)(q - lt), lt);
					ner_corpus_free(c);
					return -1;
				}
				if (type >= 0) {
					int starts = begin || type != prev_type;
					lab = 1 + type * 2 + (starts ? 0 : 1);
				}
				prev_type = type;
			} else {
				prev_type = -1;
			}
			if (c->ntoks + 1 > cap) {
				cap *= 2;
				c->toks = xrealloc(c->toks, cap * sizeof *c->toks);
				c->gold = xrealloc(c->gold, cap * sizeof *c->gold);
			}
			c->toks[c->ntoks].s = s;
			c->toks[c->ntoks].len = (size_t)(t1 - s);
			c->gold[c->ntoks] = lab;
			c->ntoks++;
		}
		p = nl ? nl + 1 : end;
	}
	if (c->ntoks > c->sent_start[c->nsent]) {
		if (c->nsent + 2 > scap)
			c->sent_start = xrealloc(c->sent_start, (scap *= 2) * sizeof *c->sent_start);
		c->sent_start[++c->nsent] = c->ntoks;
	}
	if (c->nsent > c->doc_sent[c->ndoc]) {
		if (c->ndoc + 2 > dcap)
			c->doc_sent = xrealloc(c->doc_sent, (dcap *= 2) * sizeof *c->doc_sent);
		c->doc_sent[++c->ndoc] = c->nsent;
	}
	return 0;
}

void ner_corpus_free(struct ner_corpus *c)
{
	free(c->data);
	free(c->toks);
	free(c->gold);
	free(c->sent_start);
	free(c->doc_sent);
	memset(c, 0, sizeof *c);
}

/* ---- evaluation ------------------------------------------------------- */

struct span {
	size_t a, b;
	int type;
};

static size_t spans(const int *lab, size_t n, struct span *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (lab[i] == NER_O)
			continue;
		int type = (lab[i] - 1) / 2;
		size_t j = i + 1;
		while (j < n && lab[j] == 2 + type * 2)
			j++;
		out[k++] = (struct span){i, j, type};
		i = j - 1;
	}
	return k;
}

void ner_eval_add(struct ner_eval *ev, const int *gold, const int *pred, size_t n)
{
	struct span small_g[64], small_p[64];
	struct span *g = n <= 64 ? small_g : xmalloc(n * sizeof *g);
	struct span *p = n <= 64 ? small_p : xmalloc(n * sizeof *p);
	size_t ng = spans(gold, n, g), np = spans(pred, n, p);
	size_t i = 0, j = 0;
	while (i < ng || j < np) {
		if (i < ng && j < np && g[i].a == p[j].a && g[i].b == p[j].b && g[i].type == p[j].type) {
			ev->tp[g[i].type]++;
			i++;
			j++;
		} else if (j >= np || (i < ng && (g[i].a < p[j].a || (g[i].a == p[j].a && g[i].b <= p[j].b)))) {
			ev->fn[g[i].type]++;
			i++;
		} else {
			ev->fp[p[j].type]++;
			j++;
		}
	}
	for (size_t k = 0; k < n; k++)
		ev->tok_correct += gold[k] == pred[k];
	ev->ntoks += (long)n;
	if (g != small_g)
		free(g);
	if (p != small_p)
		free(p);
}

void ner_eval_prf(const struct ner_eval *ev, int type, double *p, double *r, double *f)
{
	long tp = 0, fp = 0, fn = 0;
	for (int t = 0; t < NER_NMODEL_TYPES; t++) {
		if (type >= 0 && t != type)
			continue;
		tp += ev->tp[t];
		fp += ev->fp[t];
		fn += ev->fn[t];
	}
	*p = tp + fp ? 100.0 * (double)tp / (double)(tp + fp) : 0;
	*r = tp + fn ? 100.0 * (double)tp / (double)(tp + fn) : 0;
	*f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

int ner_eval_corpus(const struct ner_model *m, const struct ner_corpus *c, int upper,
		    int *pred, struct ner_eval *ev, struct err *e)
{
	memset(ev, 0, sizeof *ev);
	int *lab = pred ? pred : xmalloc((c->ntoks + 1) * sizeof *lab);
	struct scratch s = {0};
	size_t *ss = xmalloc((c->nsent + 1) * sizeof *ss);
	for (size_t d = 0; d < c->ndoc; d++) {
		size_t s0 = c->doc_sent[d], s1 = c->doc_sent[d + 1];
		size_t t0 = c->sent_start[s0];
		for (size_t k = s0; k <= s1; k++)
			ss[k - s0] = c->sent_start[k] - t0;
		tag_doc(m, c->toks + t0, c->sent_start[s1] - t0, ss, s1 - s0, upper, lab + t0, &s);
	}
	for (size_t k = 0; k < c->nsent; k++) {
		size_t a = c->sent_start[k], b = c->sent_start[k + 1];
		ner_eval_add(ev, c->gold + a, lab + a, b - a);
	}
	scratch_free(&s);
	free(ss);
	if (!pred)
		free(lab);
	return 0;
}

/* ---- training --------------------------------------------------------- */

/* Growable open-addressed map: 64-bit hash -> dense index. */
struct hmap {
	uint64_t *key;
	uint32_t *val;
	size_t mask, n;
};

static void hmap_init(struct hmap *h, size_t cap)
{
	h->key = xcalloc(cap, 8);
	h->val = xmalloc(cap * 4);
	h->mask = cap - 1;
	h->n = 0;
}

static void hmap_free(struct hmap *h)
{
	free(h->key);
	free(h->val);
	memset(h, 0, sizeof *h);
}

static int64_t hmap_get(const struct hmap *h, uint64_t k)
{
	if (!k)
		k = 1;
	for (size_t s = mix64(k) & h->mask;; s = (s + 1) & h->mask) {
		if (h->key[s] == k)
			return h->val[s];
		if (!h->key[s])
			return -1;
	}
}

static uint32_t *hmap_put(struct hmap *h, uint64_t k, int *isnew)
{
	if (!k)
		k = 1;
	if ((h->n + 1) * 2 > h->mask + 1) {
		struct hmap g;
		hmap_init(&g, (h->mask + 1) * 2);
		for (size_t s = 0; s <= h->mask; s++) {
			if (!h->key[s])
				continue;
			size_t t = mix64(h->key[s]) & g.mask;
			while (g.key[t])
				t = (t + 1) & g.mask;
			g.key[t] = h->key[s];
			g.val[t] = h->val[s];
		}
		g.n = h->n;
		hmap_free(h);
		*h = g;
	}
	/* keys may be structured (pairs of indices): mix before probing */
	size_t s = mix64(k) & h->mask;
	while (h->key[s] && h->key[s] != k)
		s = (s + 1) & h->mask;
	*isnew = !h->key[s];
	if (*isnew) {
		h->key[s] = k;
		h->val[s] = 0;
		h->n++;
	}
	return &h->val[s];
}

/* Gazetteer under construction: phrase hash -> type bits. */
static void gaz_add(struct hmap *g, const uint64_t *tokh, size_t n, int type, int *maxlen)
{
	if (n == 0 || n > 8)
		return;
	uint64_t h = PHRASE_SEED;
	for (size_t i = 0; i < n; i++)
		h = phrase_ext(h, tokh[i]);
	int isnew;
	uint32_t *v = hmap_put(g, h, &isnew);
	*v |= 1u << type;
	if ((int)n > *maxlen)
		*maxlen = (int)n;
}

/* Lower-cased token hashes of a phrase tokenized with text_split. */
static size_t phrase_tokens(const char *s, size_t len, uint64_t *out, size_t max)
{
	struct text_doc d = TEXT_DOC_INIT;
	struct err e;
	if (text_split(s, len, &d, &e) < 0)
		return 0;
	size_t n = 0;
	struct buf lw = BUF_INIT;
	for (size_t i = 0; i < d.ntoks && n < max; i++) {
		buf_reset(&lw);
		case_map(&lw, s + d.toks[i].start, d.toks[i].end - d.toks[i].start, 0);
		out[n++] = strhash(lw.p ? lw.p : "", lw.len);
	}
	if (d.ntoks > max)
		n = 0;
	buf_free(&lw);
	text_doc_free(&d);
	return n;
}

static void gaz_add_name(struct hmap *g, const char *name, int type, int *maxlen)
{
	uint64_t th[9];
	size_t n = phrase_tokens(name, strlen(name), th, 9);
	gaz_add(g, th, n, type, maxlen);
	/* "Korea, Republic of" and "Bolivia, Plurinational State of": also the
	 * part before the comma. */
	const char *comma = strchr(name, ',');
	if (comma) {
		n = phrase_tokens(name, (size_t)(comma - name), th, 9);
		gaz_add(g, th, n, type, maxlen);
	}
}

/* Adds the ISO 3166 country and subdivision names from dir. */
static int gaz_add_iso(struct hmap *g, const char *dir, int *maxlen, FILE *log)
{
	static const struct {
		const char *file, *key;
		int type;
	} src[] = {{"iso_3166-1.json", "3166-1", GAZ_COUNTRY},
		   {"iso_3166-3.json", "3166-3", GAZ_COUNTRY},
		   {"iso_3166-2.json", "3166-2", GAZ_REGION}};
	static const char *const fields[] = {"name", "official_name", "common_name"};
	size_t count = 0;
	for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, src[i].file);
		char *data;
		size_t len;
		struct err e;
		if (read_file(path, &data, &len, &e) < 0) {
			if (log)
				fprintf(log, "note: %s (gazetteer skipped)\n", e.msg);
			continue;
		}
		cJSON *root = cJSON_ParseWithLength(data, len);
		free(data);
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, src[i].key);
		const cJSON *it;
		cJSON_ArrayForEach(it, arr)
		{
			for (size_t f = 0; f < 3; f++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, fields[f]);
				if (cJSON_IsString(v)) {
					gaz_add_name(g, v->valuestring, src[i].type, maxlen);
					count++;
				}
			}
		}
		cJSON_Delete(root);
	}
	if (log)
		fprintf(log, "gazetteer: %zu ISO 3166 names\n", count);
	return 0;
}

/* Adds the entity phrases of the documents d with (d % 2 != skip_parity)
 * of c (skip_parity -1: all documents). */
static void gaz_add_corpus(struct hmap *g, const struct ner_corpus *c, int skip_parity, int *maxlen)
{
	struct buf lw = BUF_INIT;
	uint64_t th[8];
	for (size_t d = 0; d < c->ndoc; d++) {
		if ((int)(d % 2) == skip_parity)
			continue;
		size_t t0 = c->sent_start[c->doc_sent[d]], t1 = c->sent_start[c->doc_sent[d + 1]];
		for (size_t i = t0; i < t1; i++) {
			int lab = c->gold[i];
			if (lab == NER_O)
				continue;
			int type = (lab - 1) / 2;
			size_t j = i + 1;
			while (j < t1 && c->gold[j] == 2 + type * 2)
				j++;
			size_t n = j - i;
			if (n <= 8) {
				for (size_t k = 0; k < n; k++) {
					buf_reset(&lw);
					case_map(&lw, c->toks[i + k].s, c->toks[i + k].len, 0);
					th[k] = strhash(lw.p ? lw.p : "", lw.len);
				}
				gaz_add(g, th, n, GAZ_PER + type, maxlen);
				if ((type == NER_PER || type == NER_ORG) && n > 1)
					for (size_t k = 0; k < n; k++)
						if (c->toks[i + k].len > 1)
							gaz_add(g, th + k, 1, type == NER_PER ? GAZ_PERTOK : GAZ_ORGTOK, maxlen);
			}
			i = j - 1;
		}
	}
	buf_free(&lw);
}

/* Freezes a hmap into the on-disk gazetteer layout (key u64, val u8). */
static void gaz_freeze(const struct hmap *h, uint64_t **key, uint8_t **val, uint32_t *slots)
{
	size_t cap = 16;
	while (cap < h->n * 2 + 2)
		cap <<= 1;
	*key = xcalloc(cap, 8);
	*val = xcalloc(cap, 1);
	for (size_t s = 0; s <= h->mask; s++) {
		if (!h->key[s])
			continue;
		uint64_t k = h->key[s];
		size_t t = k & (cap - 1);
		while ((*key)[t])
			t = (t + 1) & (cap - 1);
		(*key)[t] = k;
		(*val)[t] = (uint8_t)h->val[s];
	}
	*slots = (uint32_t)cap;
}

/* Freezes word -> value maps into u32-key tables (val width 1 or 2). */
static void wtab_freeze(const struct hmap *h, int wide, uint32_t **key, void **val, uint32_t *slots)
{
	size_t cap = 16;
	while (cap < h->n * 2 + 2)
		cap <<= 1;
	*key = xcalloc(cap, 4);
	*val = xcalloc(cap, wide ? 2 : 1);
	for (size_t s = 0; s <= h->mask; s++) {
		if (!h->key[s] || !h->val[s])
			continue;
		uint64_t k = h->key[s];
		size_t t = k & (cap - 1);
		while ((*key)[t])
			t = (t + 1) & (cap - 1);
		(*key)[t] = key32(k);
		if (wide)
			((uint16_t *)*val)[t] = (uint16_t)h->val[s];
		else
			((uint8_t *)*val)[t] = (uint8_t)h->val[s];
	}
	*slots = (uint32_t)cap;
}

/* Case statistics: per lower-cased word, how often it is written with a
 * capital inside a mixed-case sentence vs. in lower case. */
struct casecount {
	struct hmap idx;
	uint32_t *cap, *low, *upper;
	size_t n, alloc;
	/* every word of the text, for the word clusters */
	struct hmap vocab;      /* lower-cased word hash -> vocabulary index */
	uint32_t *vfreq;
	size_t nv, vcap;
	uint32_t *stream;       /* vocabulary indices; UINT32_MAX between sentences */
	size_t slen, scap;
};

static void stream_push(struct casecount *cc, uint32_t v)
{
	if (cc->slen == cc->scap) {
		cc->scap = cc->scap ? cc->scap * 2 : 1 << 16;
		cc->stream = xrealloc(cc->stream, cc->scap * 4);
	}
	cc->stream[cc->slen++] = v;
}

static void stream_word(struct casecount *cc, uint64_t hlw)
{
	int isnew;
	uint32_t *v = hmap_put(&cc->vocab, hlw, &isnew);
	if (isnew) {
		if (cc->nv == cc->vcap) {
			cc->vcap = cc->vcap ? cc->vcap * 2 : 4096;
			cc->vfreq = xrealloc(cc->vfreq, cc->vcap * 4);
		}
		*v = (uint32_t)cc->nv;
		cc->vfreq[cc->nv++] = 0;
	}
	cc->vfreq[*v]++;
	stream_push(cc, *v);
}

static void casecount_add(struct casecount *cc, uint64_t hlw, int cls)
{
	int isnew;
	uint32_t *v = hmap_put(&cc->idx, hlw, &isnew);
	if (isnew) {
		if (cc->n == cc->alloc) {
			cc->alloc = cc->alloc ? cc->alloc * 2 : 4096;
			cc->cap = xrealloc(cc->cap, cc->alloc * 4);
			cc->low = xrealloc(cc->low, cc->alloc * 4);
			cc->upper = xrealloc(cc->upper, cc->alloc * 4);
		}
		*v = (uint32_t)cc->n;
		cc->cap[cc->n] = cc->low[cc->n] = cc->upper[cc->n] = 0;
		cc->n++;
	}
	if (cls == CLS_LOWER)
		cc->low[*v]++;
	else if (cls == CLS_TITLE || cls == CLS_MIXED)
		cc->cap[*v]++;
	else if (cls == CLS_UPPER)
		cc->upper[*v]++;
}

/* Counts the words of one tokenized document (non-initial tokens of
 * mixed-case sentences only). */
static void casecount_doc(struct casecount *cc, const struct ner_tok *toks, const size_t *ss,
			  size_t nsent)
{
	struct buf lw = BUF_INIT;
	struct tokinfo *ti = NULL;
	size_t cap = 0;
	for (size_t k = 0; k < nsent; k++) {
		size_t a = ss[k], n = ss[k + 1] - a;
		if (n > cap) {
			cap = n;
			ti = xrealloc(ti, cap * sizeof *ti);
		}
		for (size_t i = 0; i < n; i++) {
			analyse_token(toks[a + i].s, toks[a + i].len, &ti[i], &lw);
			stream_word(cc, ti[i].cls == CLS_DIGIT ? 0x5eed : ti[i].hlw);
		}
		stream_push(cc, UINT32_MAX);
		if (sent_upper(ti, 0, n))
			continue;
		for (size_t i = 1; i < n; i++)
			if (ti[i].cls != CLS_PUNCT && ti[i].cls != CLS_DIGIT)
				casecount_add(cc, ti[i].hlw, ti[i].cls);
	}
	free(ti);
	buf_free(&lw);
}

/* Strips HTML tags and decodes the few entities cables use, in place-ish:
 * writes to b. */
static void strip_html(struct buf *b, const char *s, size_t len)
{
	int in_tag = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_tag) {
			if (c == '>')
				in_tag = 0;
			continue;
		}
		if (c == '<') {
			in_tag = 1;
			buf_addc(b, ' ');
			continue;
		}
		if (c == '&') {
			static const struct {
				const char *ent;
				char ch;
			} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
			size_t k;
			for (k = 0; k < 5; k++) {
				size_t el = strlen(ents[k].ent);
				if (i + el <= len && memcmp(s + i, ents[k].ent, el) == 0) {
					buf_addc(b, ents[k].ch);
					i += el - 1;
					break;
				}
			}
			if (k < 5)
				continue;
		}
		buf_addc(b, c);
	}
}

static void casecount_text(struct casecount *cc, const char *s, size_t len)
{
	struct text_doc d = TEXT_DOC_INIT;
	struct err e;
	if (text_split(s, len, &d, &e) < 0)
		return;
	struct ner_tok *toks = xmalloc((d.ntoks + 1) * sizeof *toks);
	size_t *ss = xmalloc((d.nsents + 1) * sizeof *ss);
	for (size_t i = 0; i < d.ntoks; i++)
		toks[i] = (struct ner_tok){s + d.toks[i].start, d.toks[i].end - d.toks[i].start};
	for (size_t k = 0; k < d.nsents; k++)
		ss[k] = d.sents[k].tok_first;
	ss[d.nsents] = d.ntoks;
	casecount_doc(cc, toks, ss, d.nsents);
	free(toks);
	free(ss);
	text_doc_free(&d);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every regular file under path (sorted, so the result is the same on
 * every machine) into the case statistics. */
static void casecount_path(struct casecount *cc, const char *path, size_t *nfiles)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(path);
		if (!dir)
			return;
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *de;
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap)
				names = xrealloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
		closedir(dir);
		if (n)
			qsort(names, n, sizeof *names, path_cmp);
		for (size_t i = 0; i < n; i++) {
			char sub[PATH_MAX];
			snprintf(sub, sizeof sub, "%s/%s", path, names[i]);
			casecount_path(cc, sub, nfiles);
			free(names[i]);
		}
		free(names);
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > 64 * 1024 * 1024)
		return;
	size_t pl = strlen(path);
	if (pl >= 3 && strcmp(path + pl - 3, ".md") == 0)
		return;
	char *data;
	size_t len;
	struct err e;
	if (read_file(path, &data, &len, &e) < 0)
		return;
	if (memchr(data, 0, len) == NULL) {
		int html = (pl > 5 && strcmp(path + pl - 5, ".html") == 0) || (pl > 4 && strcmp(path + pl - 4, ".htm") == 0);
		if (html) {
			struct buf b = BUF_INIT;
			strip_html(&b, data, len);
			casecount_text(cc, b.p ? b.p : "", b.len);
			buf_free(&b);
		} else {
			casecount_text(cc, data, len);
		}
		(*nfiles)++;
	}
	free(data);
}

/* Buckets the counts into a word -> bucket map (0 = unknown). */
static void casecount_buckets(const struct casecount *cc, struct hmap *out)
{
	hmap_init(out, 1024);
	for (size_t s = 0; s <= cc->idx.mask; s++) {
		if (!cc->idx.key[s])
			continue;
		uint32_t i = cc->idx.val[s];
		uint32_t cap = cc->cap[i], low = cc->low[i], up = cc->upper[i];
		uint32_t tot = cap + low + up;
		if (tot < 2)
			continue;
		double fc = (double)(cap + up) / tot;
		int b;
		if (up * 2 > tot)
			b = 7;
		else if (fc < 0.02)
			b = 1;
		else if (fc < 0.2)
			b = 2;
		else if (fc < 0.5)
			b = 3;
		else if (fc < 0.8)
			b = 4;
		else if (fc < 0.98)
			b = 5;
		else
			b = 6;
		if (tot >= 50)
			b += 8;
		int isnew;
		*hmap_put(out, cc->idx.key[s], &isnew) = (uint32_t)b;
	}
}

/* ---- word clusters ----------------------------------------------------
 * Words are clustered by the company they keep: each word is a vector of
 * (square-rooted) counts of the frequent words just left and right of it,
 * and spherical k-means groups them, at two granularities.  Deterministic:
 * the initial centroids are the most frequent words. */

#define CL_CTX 800
#define CL_MAXWORDS 40000
#define CL_MINFREQ 3

struct csr {
	size_t *row;            /* nw + 1 */
	uint32_t *col;
	float *val;
	size_t nw;
};

static int freq_cmp_desc(const void *a, const void *b, void *arg)
{
	const uint32_t *f = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (f[x] != f[y])
		return f[x] > f[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void kmeans(const struct csr *m, int K, int iters, uint16_t *assign)
{
	size_t D = 2 * CL_CTX;
	float *cent = xcalloc((size_t)K * D, sizeof(float));
	for (int k = 0; k < K && (size_t)k < m->nw; k++)
		for (size_t j = m->row[k]; j < m->row[k + 1]; j++)
			cent[(size_t)m->col[j] * K + k] = m->val[j];
	float *score = xmalloc((size_t)K * sizeof(float));
	for (int it = 0; it < iters; it++) {
		for (size_t w = 0; w < m->nw; w++) {
			for (int k = 0; k < K; k++)
				score[k] = 0;
			for (size_t j = m->row[w]; j < m->row[w + 1]; j++) {
				float v = m->val[j];
				const float *c = cent + (size_t)m->col[j] * K;
				for (int k = 0; k < K; k++)
					score[k] += v * c[k];
			}
			int best = 0;
			for (int k = 1; k < K; k++)
				if (score[k] > score[best])
					best = k;
			assign[w] = (uint16_t)best;
		}
		float *nc = xcalloc((size_t)K * D, sizeof(float));
		for (size_t w = 0; w < m->nw; w++)
			for (size_t j = m->row[w]; j < m->row[w + 1]; j++)
				nc[(size_t)m->col[j] * K + assign[w]] += m->val[j];
		for (int k = 0; k < K; k++) {
			double norm = 0;
			for (size_t d = 0; d < D; d++)
				norm += (double)nc[d * K + k] * nc[d * K + k];
			if (norm <= 0)
				continue; /* empty cluster keeps its centroid */
			float inv = (float)(1.0 / sqrt(norm));
			for (size_t d = 0; d < D; d++)
				cent[d * K + k] = nc[d * K + k] * inv;
		}
		free(nc);
	}
	free(score);
	free(cent);
}

/* Builds word -> 1 + (coarse << 9 | fine) from the word stream of cc. */
static void clusters_build(const struct casecount *cc, struct hmap *out, FILE *log)
{
	size_t nv = cc->nv;
	uint32_t *order = xmalloc((nv + 1) * 4);
	for (size_t i = 0; i < nv; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, nv, 4, freq_cmp_desc, cc->vfreq);
	int32_t *ctx = xmalloc((nv + 1) * 4), *wid = xmalloc((nv + 1) * 4);
	size_t nw = 0;
	for (size_t r = 0; r < nv; r++) {
		uint32_t v = order[r];
		ctx[v] = r < CL_CTX ? (int32_t)r : -1;
		wid[v] = -1;
		if (nw < CL_MAXWORDS && cc->vfreq[v] >= CL_MINFREQ)
			wid[v] = (int32_t)nw++;
	}
	if (nw < 600) {
		free(order);
		free(ctx);
		free(wid);
		return;
	}
	/* co-occurrence counts keyed by (word, context feature) */
	struct hmap pairs;
	hmap_init(&pairs, 1 << 20);
	float *cnt = NULL;
	size_t ncnt = 0, ccap = 0;
	for (size_t p = 0; p < cc->slen; p++) {
		uint32_t v = cc->stream[p];
		if (v == UINT32_MAX || wid[v] < 0)
			continue;
		for (int side = 0; side < 2; side++) {
			size_t q = side ? p + 1 : p - 1;
			if ((side == 0 && p == 0) || q >= cc->slen)
				continue;
			uint32_t u = cc->stream[q];
			int32_t c = u == UINT32_MAX ? CL_CTX - 1 : ctx[u];
			if (c < 0)
				continue;
			uint64_t key = ((uint64_t)wid[v] << 32 | (uint64_t)(c + side * CL_CTX)) + 1;
			int isnew;
			uint32_t *ix = hmap_put(&pairs, key, &isnew);
			if (isnew) {
				if (ncnt == ccap)
					cnt = xrealloc(cnt, (ccap = ccap ? ccap * 2 : 1 << 16) * sizeof *cnt);
				*ix = (uint32_t)ncnt;
				cnt[ncnt++] = 0;
			}
			cnt[*ix] += 1;
		}
	}
	struct csr m;
	m.nw = nw;
	m.row = xcalloc(nw + 1, sizeof *m.row);
	m.col = xmalloc((ncnt + 1) * 4);
	m.val = xmalloc((ncnt + 1) * 4);
	for (size_t s = 0; s <= pairs.mask; s++)
		if (pairs.key[s])
			m.row[((pairs.key[s] - 1) >> 32) + 1]++;
	for (size_t w = 0; w < nw; w++)
		m.row[w + 1] += m.row[w];
	size_t *fill = xmalloc((nw + 1) * sizeof *fill);
	memcpy(fill, m.row, (nw + 1) * sizeof *fill);
	for (size_t s = 0; s <= pairs.mask; s++) {
		if (!pairs.key[s])
			continue;
		uint64_t k = pairs.key[s] - 1;
		size_t w = (size_t)(k >> 32);
		m.col[fill[w]] = (uint32_t)(k & 0xffffffff);
		m.val[fill[w]++] = sqrtf(cnt[pairs.val[s]]);
	}
	free(fill);
	free(cnt);
	hmap_free(&pairs);
	for (size_t w = 0; w < nw; w++) {
		double norm = 0;
		for (size_t j = m.row[w]; j < m.row[w + 1]; j++)
			norm += (double)m.val[j] * m.val[j];
		float inv = norm > 0 ? (float)(1.0 / sqrt(norm)) : 0;
		for (size_t j = m.row[w]; j < m.row[w + 1]; j++)
			m.val[j] *= inv;
	}
	uint16_t *fine = xmalloc(nw * 2), *coarse = xmalloc(nw * 2);
	kmeans(&m, 512, 8, fine);
	kmeans(&m, 64, 8, coarse);
	hmap_init(out, 1 << 17);
	for (size_t s = 0; s <= cc->vocab.mask; s++) {
		if (!cc->vocab.key[s])
			continue;
		int32_t w = wid[cc->vocab.val[s]];
		if (w < 0)
			continue;
		int isnew;
		*hmap_put(out, cc->vocab.key[s], &isnew) = 1u + ((uint32_t)coarse[w] << 9 | fine[w]);
	}
	if (log)
		fprintf(log, "word clusters: %zu words, %zu tokens of text, %zu co-occurrences\n", nw, cc->slen, ncnt);
	free(fine);
	free(coarse);
	free(m.row);
	free(m.col);
	free(m.val);
	free(order);
	free(ctx);
	free(wid);
}

static void casecount_free(struct casecount *cc)
{
	hmap_free(&cc->vocab);
	free(cc->vfreq);
	free(cc->stream);
	hmap_free(&cc->idx);
	free(cc->cap);
	free(cc->low);
	free(cc->upper);
	memset(cc, 0, sizeof *cc);
}

/* A corpus turned into feature indices, ready for training epochs. */
struct fcorpus {
	uint32_t *feat;         /* all feature indices */
	size_t *foff;           /* per token: start in feat (ntoks + 1) */
	uint8_t *gold;          /* BILOU tags */
	uint64_t *hlw;          /* per token, for the prediction history */
	uint8_t *cls;
	size_t *sent_start;     /* nsent + 1 */
	size_t nsent, ntoks;
	size_t *docs;           /* first sentence of each document; ndocs + 1 */
	size_t ndocs, dcap;
};

static void fcorpus_free(struct fcorpus *f)
{
	free(f->feat);
	free(f->foff);
	free(f->gold);
	free(f->hlw);
	free(f->cls);
	free(f->sent_start);
	free(f->docs);
	memset(f, 0, sizeof *f);
}

/* Appends the documents of c (upper-cased when upper; only documents with
 * doc_pick[d] set, if doc_pick is given) to fc, mapping features through
 * fmap (adding new ones when grow is set; unknown ones are dropped).
 * ctx_of(d) selects the feature context for document d. */
static void fcorpus_add(struct fcorpus *fc, size_t *fcap, size_t *tcap, size_t *scap,
			const struct ner_corpus *c, const struct feat_ctx *ctx2, int upper,
			const uint8_t *doc_pick, struct hmap *fmap, int grow)
{
	struct scratch s = {0};
	size_t *ss = xmalloc((c->nsent + 1) * sizeof *ss);
	uint8_t *tags = xmalloc(c->ntoks + 1);
	uint64_t f[MAXFEAT];
	for (size_t d = 0; d < c->ndoc; d++) {
		if (doc_pick && !doc_pick[d])
			continue;
		const struct feat_ctx *ctx = &ctx2[d % 2];
		size_t s0 = c->doc_sent[d], s1 = c->doc_sent[d + 1];
		size_t t0 = c->sent_start[s0], nt = c->sent_start[s1] - t0;
		for (size_t k = s0; k <= s1; k++)
			ss[k - s0] = c->sent_start[k] - t0;
		scratch_reserve(&s, nt, 0, s1 - s0);
		analyse_doc(ctx, c->toks + t0, nt, ss, s1 - s0, upper, s.ti, s.ucs);
		if (fc->ndocs + 2 > fc->dcap)
			fc->docs = xrealloc(fc->docs, (fc->dcap = fc->dcap * 2 + 64) * sizeof(size_t));
		fc->docs[fc->ndocs++] = fc->nsent;
		for (size_t k = 0; k < s1 - s0; k++) {
			size_t a = ss[k], n = ss[k + 1] - a;
			labels_to_tags(c->gold + t0 + a, n, tags);
			if (fc->nsent + 2 > *scap)
				fc->sent_start = xrealloc(fc->sent_start, (*scap = *scap * 2 + 64) * sizeof(size_t));
			if (fc->ntoks + n + 1 > *tcap) {
				*tcap = (*tcap + n) * 2 + 64;
				fc->foff = xrealloc(fc->foff, *tcap * sizeof(size_t));
				fc->gold = xrealloc(fc->gold, *tcap);
				fc->hlw = xrealloc(fc->hlw, *tcap * sizeof(uint64_t));
				fc->cls = xrealloc(fc->cls, *tcap);
			}
			fc->sent_start[fc->nsent] = fc->ntoks;
			for (size_t i = 0; i < n; i++) {
				size_t nf = token_feats(s.ti + a, n, i, s.ucs[k], f);
				if (fc->foff[fc->ntoks] + nf > *fcap) {
					*fcap = (*fcap + nf) * 2;
					fc->feat = xrealloc(fc->feat, *fcap * sizeof(uint32_t));
				}
				size_t o = fc->foff[fc->ntoks];
				for (size_t j = 0; j < nf; j++) {
					if (grow) {
						int isnew;
						uint32_t *v = hmap_put(fmap, f[j], &isnew);
						if (isnew)
							*v = (uint32_t)(fmap->n - 1);
						fc->feat[o++] = *v;
					} else {
						int64_t v = hmap_get(fmap, f[j]);
						if (v >= 0)
							fc->feat[o++] = (uint32_t)v;
					}
				}
				fc->gold[fc->ntoks] = tags[i];
				fc->hlw[fc->ntoks] = s.ti[a + i].hlw;
				fc->cls[fc->ntoks] = s.ti[a + i].cls;
				fc->ntoks++;
				fc->foff[fc->ntoks] = o;
			}
			fc->nsent++;
			fc->sent_start[fc->nsent] = fc->ntoks;
		}
		fc->docs[fc->ndocs] = fc->nsent;
	}
	scratch_free(&s);
	free(ss);
	free(tags);
}

static void fcorpus_build(struct fcorpus *fc, const struct ner_corpus *c, const struct feat_ctx *ctx2,
			  const uint8_t *upper_pick, struct hmap *fmap, int grow)
{
	memset(fc, 0, sizeof *fc);
	size_t fcap = 1 << 20, tcap = 1024, scap = 64;
	fc->feat = xmalloc(fcap * sizeof(uint32_t));
	fc->foff = xmalloc(tcap * sizeof(size_t));
	fc->gold = xmalloc(tcap);
	fc->hlw = xmalloc(tcap * sizeof(uint64_t));
	fc->cls = xmalloc(tcap);
	fc->sent_start = xmalloc(scap * sizeof(size_t));
	fc->foff[0] = 0;
	fcorpus_add(fc, &fcap, &tcap, &scap, c, ctx2, 0, NULL, fmap, grow);
	if (upper_pick)
		fcorpus_add(fc, &fcap, &tcap, &scap, c, ctx2, 1, upper_pick, fmap, grow);
}

/* Deterministic PRNG (splitmix64). */
static uint64_t rng_next(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return mix64(*s);
}

struct weights {
	float *w, *u;           /* current and time-weighted sums, nfeat x NTAGS */
	float tw[(NTAGS + 1) * NTAGS], tu[(NTAGS + 1) * NTAGS];
	size_t nfeat;
	double c;               /* update clock */
};

static void emit_dense(const float *w, const uint32_t *f, size_t nf, float *em)
{
	for (int t = 0; t < NTAGS; t++)
		em[t] = 0;
	for (size_t j = 0; j < nf; j++) {
		const float *row = w + (size_t)f[j] * NTAGS;
		for (int t = 0; t < NTAGS; t++)
			em[t] += row[t];
	}
}

/* Decodes sentence k of fc with dense weights w / transitions tr. */
/* Feature indices of the history features (value v, class c). */
struct hist_idx {
	uint32_t one[10], two[10][16];
};

/* Decodes sentence k of fc with dense weights w / transitions tr and the
 * prediction history in s->hist; dyn receives 2 history feature indices
 * per token (UINT32_MAX: none). */
static void decode_dense(const struct fcorpus *fc, size_t k, const float *w, const float *tr,
			 struct scratch *s, const struct hist_idx *hx, uint32_t *dyn)
{
	size_t a = fc->sent_start[k], n = fc->sent_start[k + 1] - a;
	scratch_reserve(s, 0, n, 1);
	for (size_t i = 0; i < n; i++) {
		float *em = s->em + i * NTAGS;
		emit_dense(w, fc->feat + fc->foff[a + i], fc->foff[a + i + 1] - fc->foff[a + i], em);
		int v = hist_value(&s->hist, fc->hlw[a + i], fc->cls[a + i]);
		dyn[2 * i] = dyn[2 * i + 1] = UINT32_MAX;
		if (v >= 0) {
			dyn[2 * i] = hx->one[v];
			dyn[2 * i + 1] = hx->two[v][fc->cls[a + i]];
			for (int j = 0; j < 2; j++) {
				const float *row = w + (size_t)dyn[2 * i + j] * NTAGS;
				for (int t = 0; t < NTAGS; t++)
					em[t] += row[t];
			}
		}
	}
	float trc[(NTAGS + 1) * NTAGS];
	for (int p = 0; p <= NTAGS; p++)
		for (int t = 0; t < NTAGS; t++)
			trc[p * NTAGS + t] = tag_legal(p, t) ? tr[p * NTAGS + t] : -1e30f;
	viterbi(s->em, n, trc, s->tags, s->score, s->back);
}

static void perceptron_update(struct weights *W, const struct fcorpus *fc, size_t k, const uint8_t *pred,
			      const uint32_t *dyn)
{
	size_t a = fc->sent_start[k], n = fc->sent_start[k + 1] - a;
	float c = (float)W->c;
	for (size_t i = 0; i < n; i++) {
		int g = fc->gold[a + i], p = pred[i];
		if (g != p && dyn[2 * i] != UINT32_MAX) {
			for (int j = 0; j < 2; j++) {
				size_t r = (size_t)dyn[2 * i + j] * NTAGS;
				W->w[r + g] += 1;
				W->u[r + g] += c;
				W->w[r + p] -= 1;
				W->u[r + p] -= c;
			}
		}
		if (g != p) {
			for (size_t j = fc->foff[a + i]; j < fc->foff[a + i + 1]; j++) {
				size_t r = (size_t)fc->feat[j] * NTAGS;
				W->w[r + g] += 1;
				W->u[r + g] += c;
				W->w[r + p] -= 1;
				W->u[r + p] -= c;
			}
		}
		int gp = i ? fc->gold[a + i - 1] : NTAGS, pp = i ? pred[i - 1] : NTAGS;
		if (g != p || gp != pp) {
			W->tw[gp * NTAGS + g] += 1;
			W->tu[gp * NTAGS + g] += c;
			W->tw[pp * NTAGS + p] -= 1;
			W->tu[pp * NTAGS + p] -= c;
		}
	}
}

/* Averaged weights: w - u / c. */
static void average(const struct weights *W, float *aw, float *at)
{
	float inv = W->c > 0 ? (float)(1.0 / W->c) : 0;
	for (size_t i = 0; i < W->nfeat * NTAGS; i++)
		aw[i] = W->w[i] - W->u[i] * inv;
	for (size_t i = 0; i < (NTAGS + 1) * NTAGS; i++)
		at[i] = W->tw[i] - W->tu[i] * inv;
}

static double eval_dense(const struct fcorpus *fc, const float *w, const float *tr, const struct hist_idx *hx)
{
	struct scratch s = {0};
	struct ner_eval ev;
	memset(&ev, 0, sizeof ev);
	int gl[4096], pl[4096];
	uint32_t *dyn = xmalloc(2 * 4096 * sizeof *dyn);
	for (size_t d = 0; d < fc->ndocs; d++) {
		size_t k0 = fc->docs[d], k1 = fc->docs[d + 1];
		hist_reset(&s.hist, fc->sent_start[k1] - fc->sent_start[k0]);
		for (size_t k = k0; k < k1; k++) {
			size_t a = fc->sent_start[k], n = fc->sent_start[k + 1] - a;
			if (!n || n > 4096)
				continue;
			decode_dense(fc, k, w, tr, &s, hx, dyn);
			for (size_t i = 0; i < n; i++) {
				gl[i] = tag_to_label(fc->gold[a + i]);
				pl[i] = tag_to_label(s.tags[i]);
				hist_add(&s.hist, fc->hlw[a + i], fc->cls[a + i], s.tags[i]);
			}
			ner_eval_add(&ev, gl, pl, n);
		}
	}
	free(dyn);
	scratch_free(&s);
	double p, r, f;
	ner_eval_prf(&ev, -1, &p, &r, &f);
	return f;
}

struct fimp {
	uint64_t key;
	uint32_t idx;
	float imp;
};

static int fimp_cmp(const void *a, const void *b)
{
	const struct fimp *x = a, *y = b;
	if (x->imp != y->imp)
		return x->imp > y->imp ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static int write_all(FILE *f, const void *p, size_t n, XXH64_state_t *st)
{
	static const char zero[8];
	if (n && fwrite(p, 1, n, f) != n)
		return -1;
	if (st)
		XXH64_update(st, p, n);
	size_t pad = pad8(n) - n;
	if (pad) {
		if (fwrite(zero, 1, pad, f) != pad)
			return -1;
		if (st)
			XXH64_update(st, zero, pad);
	}
	return 0;
}

/* Writes the model: keeps the max_features most important features,
 * quantises their weights to int16. */
static int save_model(const char *path, const struct hmap *fmap, const float *aw, const float *at,
		      size_t max_features, const struct hmap *gaz, int gmaxlen, const struct hmap *cp,
		      const struct hmap *cl, FILE *log, struct err *e)
{
	size_t nf = fmap->n;
	struct fimp *imp = xmalloc((nf + 1) * sizeof *imp);
	size_t n = 0;
	float maxw = 0;
	for (size_t s = 0; s <= fmap->mask; s++) {
		if (!fmap->key[s])
			continue;
		uint32_t idx = fmap->val[s];
		const float *row = aw + (size_t)idx * NTAGS;
		float mx = 0;
		for (int t = 0; t < NTAGS; t++)
			if (fabsf(row[t]) > mx)
				mx = fabsf(row[t]);
		if (mx < 1e-4f)
			continue;
		imp[n++] = (struct fimp){fmap->key[s], idx, mx};
		if (mx > maxw)
			maxw = mx;
	}
	qsort(imp, n, sizeof *imp, fimp_cmp);
	if (n > max_features)
		n = max_features;
	float scale = maxw > 0 ? maxw / 32767.0f : 1.0f;
	size_t slots = 16;
	while (slots < n + n / 2 + 1)
		slots <<= 1;
	uint32_t *fslot = xcalloc(slots * 2, 4);
	int16_t *w = xcalloc(n * NTAGS + 1, 2);
	for (size_t i = 0; i < n; i++) {
		uint64_t h = imp[i].key;
		size_t s = h & (slots - 1);
		while (fslot[2 * s])
			s = (s + 1) & (slots - 1);
		fslot[2 * s] = key32(h);
		fslot[2 * s + 1] = (uint32_t)i;
		const float *row = aw + (size_t)imp[i].idx * NTAGS;
		for (int t = 0; t < NTAGS; t++)
			w[i * NTAGS + t] = (int16_t)lrintf(row[t] / scale);
	}
	free(imp);
	uint64_t *gkey;
	uint8_t *gval;
	uint32_t gslots;
	gaz_freeze(gaz, &gkey, &gval, &gslots);
	uint32_t *ckey, *lkey, cslots, lslots;
	void *cval, *lval;
	wtab_freeze(cp, 0, &ckey, &cval, &cslots);
	wtab_freeze(cl, 1, &lkey, &lval, &lslots);

	struct file_hdr h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, MODEL_MAGIC, 8);
	h.version = MODEL_VERSION;
	h.ntags = NTAGS;
	h.fslots = (uint32_t)slots;
	h.nrows = (uint32_t)n;
	h.gslots = gslots;
	h.gmaxlen = (uint32_t)gmaxlen;
	h.cslots = cslots;
	h.lslots = lslots;
	h.scale = scale;
	h.payload_size = payload_size(&h);

	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int rc = 0;
	if (!f) {
		rc = err_set(e, "%s: %s", tmp, strerror(errno));
	} else {
		XXH64_state_t *st = XXH64_createState();
		XXH64_reset(st, 0);
		int bad = fwrite(&h, sizeof h, 1, f) != 1;
		bad |= write_all(f, at, (NTAGS + 1) * NTAGS * sizeof(float), st);
		bad |= write_all(f, fslot, slots * 8, st);
		bad |= write_all(f, w, n * NTAGS * 2, st);
		bad |= write_all(f, gkey, (size_t)gslots * 8, st);
		bad |= write_all(f, gval, gslots, st);
		bad |= write_all(f, ckey, (size_t)cslots * 4, st);
		bad |= write_all(f, cval, cslots, st);
		bad |= write_all(f, lkey, (size_t)lslots * 4, st);
		bad |= write_all(f, lval, (size_t)lslots * 2, st);
		h.checksum = XXH64_digest(st);
		XXH64_freeState(st);
		bad |= fseek(f, 0, SEEK_SET) != 0;
		bad |= fwrite(&h, sizeof h, 1, f) != 1;
		bad |= fclose(f) != 0;
		if (bad)
			rc = err_set(e, "%s: write failed: %s", tmp, strerror(errno));
		else if (rename(tmp, path) < 0)
			rc = err_set(e, "%s: %s", path, strerror(errno));
		if (rc)
			unlink(tmp);
	}
	if (log && !rc)
		fprintf(log, "model: %zu features kept of %zu, %u gazetteer slots, %u case words, %u cluster words -> %s\n",
			n, nf, gslots, cslots, lslots, path);
	free(fslot);
	free(w);
	free(gkey);
	free(gval);
	free(ckey);
	free(cval);
	free(lkey);
	free(lval);
	return rc;
}

void ner_train_defaults(struct ner_train_opts *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->epochs = 16;
	o->upper_frac = 0.5;
	o->max_features = 400000;
	o->iso_dir = NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ner_train(const struct ner_train_opts *o, double *best_f1, struct err *e)
{
	double t_start = now_s();
	FILE *log = o->log;
	struct ner_corpus tr, dev;
	memset(&dev, 0, sizeof dev);
	if (ner_corpus_read(o->train_path, &tr, e) < 0)
		return -1;
	if (o->dev_path && ner_corpus_read(o->dev_path, &dev, e) < 0) {
		ner_corpus_free(&tr);
		return -1;
	}
	if (tr.ntoks == 0) {
		ner_corpus_free(&tr);
		ner_corpus_free(&dev);
		return err_set(e, "%s: no tokens", o->train_path);
	}
	if (log)
		fprintf(log, "train: %zu documents, %zu sentences, %zu tokens\n", tr.ndoc, tr.nsent, tr.ntoks);

	/* Gazetteers: ISO names plus train entities.  Train documents see only
	 * the entities of the other half of the documents (so the feature is
	 * as reliable in training as it will be on new text); dev and the
	 * saved model see all of them. */
	int gmaxlen = 0;
	struct hmap gfold[2], gfull;
	memset(gfold, 0, sizeof gfold);
	memset(&gfull, 0, sizeof gfull);
	const char *iso = o->iso_dir ? o->iso_dir : "/usr/share/iso-codes/json";
	for (int k = 0; k < 3; k++) {
		struct hmap *g = k < 2 ? &gfold[k] : &gfull;
		hmap_init(g, 1024);
		if (*iso)
			gaz_add_iso(g, iso, &gmaxlen, k == 0 ? log : NULL);
		gaz_add_corpus(g, &tr, k < 2 ? k : -1, &gmaxlen);
	}
	if (log)
		fprintf(log, "gazetteer: %zu phrases (max %d tokens)\n", gfull.n, gmaxlen);

	/* Case statistics from the training text and unlabelled corpora. */
	struct casecount cc;
	memset(&cc, 0, sizeof cc);
	hmap_init(&cc.idx, 1 << 16);
	hmap_init(&cc.vocab, 1 << 16);
	for (size_t d = 0; d < tr.ndoc; d++) {
		size_t s0 = tr.doc_sent[d], s1 = tr.doc_sent[d + 1];
		size_t t0 = tr.sent_start[s0];
		size_t *ss = xmalloc((s1 - s0 + 1) * sizeof *ss);
		for (size_t k = s0; k <= s1; k++)
			ss[k - s0] = tr.sent_start[k] - t0;
		casecount_doc(&cc, tr.toks + t0, ss, s1 - s0);
		free(ss);
	}
	size_t nfiles = 0;
	for (size_t i = 0; i < o->ncorpus; i++)
		casecount_path(&cc, o->corpus[i], &nfiles);
	struct hmap cpmap, clmap;
	casecount_buckets(&cc, &cpmap);
	memset(&clmap, 0, sizeof clmap);
	if (o->ncorpus)
		clusters_build(&cc, &clmap, log);
	if (!clmap.key)
		hmap_init(&clmap, 16);
	casecount_free(&cc);
	if (log)
		fprintf(log, "case statistics: %zu words (%zu unlabelled files)\n", cpmap.n, nfiles);

	/* Frozen lookup tables for feature extraction. */
	uint64_t *gk[3];
	uint8_t *gv[3];
	uint32_t gs[3], cslots, lslots;
	struct gaz G[3];
	for (int k = 0; k < 3; k++) {
		gaz_freeze(k < 2 ? &gfold[k] : &gfull, &gk[k], &gv[k], &gs[k]);
		G[k] = (struct gaz){gk[k], gv[k], gs[k] - 1, gmaxlen};
	}
	uint32_t *ck, *lk;
	void *cv, *lv;
	wtab_freeze(&cpmap, 0, &ck, &cv, &cslots);
	wtab_freeze(&clmap, 1, &lk, &lv, &lslots);
	struct wtab CP = {ck, cv, 0, cslots - 1}, CL = {lk, lv, 1, lslots - 1};
	/* Document d of train uses gfold[d % 2], which skipped its own parity. */
	struct feat_ctx ctx_tr[2] = {{&G[0], &CP, &CL}, {&G[1], &CP, &CL}};
	struct feat_ctx ctx_dev[2] = {{&G[2], &CP, &CL}, {&G[2], &CP, &CL}};

	uint64_t rng = o->seed * 0x2545F4914F6CDD1DULL + 7;
	uint8_t *pick = xcalloc(tr.ndoc + 1, 1);
	for (size_t d = 0; d < tr.ndoc; d++)
		pick[d] = (double)(rng_next(&rng) >> 11) / 9007199254740992.0 < o->upper_frac;

	struct hmap fmap;
	hmap_init(&fmap, 1 << 20);
	struct fcorpus ftr, fdev, fdevu;
	memset(&fdev, 0, sizeof fdev);
	memset(&fdevu, 0, sizeof fdevu);
	fcorpus_build(&ftr, &tr, ctx_tr, o->upper_frac > 0 ? pick : NULL, &fmap, 1);
	struct hist_idx hx;
	for (int v = 0; v < 10; v++) {
		uint64_t f2[2];
		for (int c = 0; c < 16; c++) {
			hist_feats(v, c, f2);
			int isnew;
			uint32_t *ix = hmap_put(&fmap, f2[0], &isnew);
			if (isnew)
				*ix = (uint32_t)(fmap.n - 1);
			hx.one[v] = *ix;
			ix = hmap_put(&fmap, f2[1], &isnew);
			if (isnew)
				*ix = (uint32_t)(fmap.n - 1);
			hx.two[v][c] = *ix;
		}
	}
	if (dev.ntoks) {
		fcorpus_build(&fdev, &dev, ctx_dev, NULL, &fmap, 0);
		/* The all-caps copy of dev: only its upper-cased documents. */
		uint8_t *all = xmalloc(dev.ndoc + 1);
		memset(all, 1, dev.ndoc + 1);
		memset(&fdevu, 0, sizeof fdevu);
		size_t fcap = 1 << 20, tcap = 1024, scap = 64;
		fdevu.feat = xmalloc(fcap * sizeof(uint32_t));
		fdevu.foff = xmalloc(tcap * sizeof(size_t));
		fdevu.gold = xmalloc(tcap);
		fdevu.hlw = xmalloc(tcap * sizeof(uint64_t));
		fdevu.cls = xmalloc(tcap);
		fdevu.sent_start = xmalloc(scap * sizeof(size_t));
		fdevu.foff[0] = 0;
		fcorpus_add(&fdevu, &fcap, &tcap, &scap, &dev, ctx_dev, 1, all, &fmap, 0);
		free(all);
	}
	if (log)
		fprintf(log, "features: %zu distinct, %zu training tokens (with upper-cased copies), %.1fs\n",
			fmap.n, ftr.ntoks, now_s() - t_start);

	struct weights W;
	memset(&W, 0, sizeof W);
	W.nfeat = fmap.n;
	W.w = xcalloc(W.nfeat * NTAGS + 1, sizeof(float));
	W.u = xcalloc(W.nfeat * NTAGS + 1, sizeof(float));
	float *aw = xmalloc((W.nfeat * NTAGS + 1) * sizeof(float));
	float *best_w = xmalloc((W.nfeat * NTAGS + 1) * sizeof(float));
	float at[(NTAGS + 1) * NTAGS], best_t[(NTAGS + 1) * NTAGS];
	/* documents in random order, each one's sentences in order (the
	 * prediction history needs the earlier sentences first) */
	size_t *order = xmalloc((ftr.ndocs + 1) * sizeof *order);
	for (size_t k = 0; k < ftr.ndocs; k++)
		order[k] = k;
	size_t maxsent = 1;
	for (size_t k = 0; k < ftr.nsent; k++)
		if (ftr.sent_start[k + 1] - ftr.sent_start[k] > maxsent)
			maxsent = ftr.sent_start[k + 1] - ftr.sent_start[k];
	uint32_t *dyn = xmalloc(2 * maxsent * sizeof *dyn);
	double best = -1;
	int best_epoch = 0;
	struct scratch s = {0};
	for (int ep = 1; ep <= o->epochs; ep++) {
		for (size_t k = ftr.ndocs; k > 1; k--) {
			size_t j = (size_t)(rng_next(&rng) % k);
			size_t t = order[k - 1];
			order[k - 1] = order[j];
			order[j] = t;
		}
		size_t errors = 0;
		for (size_t q = 0; q < ftr.ndocs; q++) {
			size_t d = order[q];
			hist_reset(&s.hist, ftr.sent_start[ftr.docs[d + 1]] - ftr.sent_start[ftr.docs[d]]);
			for (size_t k = ftr.docs[d]; k < ftr.docs[d + 1]; k++) {
				size_t a = ftr.sent_start[k], n = ftr.sent_start[k + 1] - a;
				W.c += 1;
				if (!n)
					continue;
				decode_dense(&ftr, k, W.w, W.tw, &s, &hx, dyn);
				if (memcmp(s.tags, ftr.gold + a, n) != 0) {
					errors++;
					perceptron_update(&W, &ftr, k, s.tags, dyn);
				}
				for (size_t i = 0; i < n; i++)
					hist_add(&s.hist, ftr.hlw[a + i], ftr.cls[a + i], s.tags[i]);
			}
		}
		average(&W, aw, at);
		double f = dev.ntoks ? eval_dense(&fdev, aw, at, &hx) : 0;
		double fu = dev.ntoks ? eval_dense(&fdevu, aw, at, &hx) : 0;
		if (log)
			fprintf(log, "epoch %2d: %zu sentences wrong, dev F1 %.2f, all-caps dev F1 %.2f (%.0fs)\n", ep,
				errors, f, fu, now_s() - t_start);
		if (!dev.ntoks || f > best) {
			best = f;
			best_epoch = ep;
			memcpy(best_w, aw, W.nfeat * NTAGS * sizeof(float));
			memcpy(best_t, at, sizeof at);
		}
	}
	scratch_free(&s);
	if (log && dev.ntoks)
		fprintf(log, "best epoch %d: dev F1 %.2f\n", best_epoch, best);
	if (best_f1)
		*best_f1 = best;
	int rc = save_model(o->out_path, &fmap, best_w, best_t, o->max_features, &gfull, gmaxlen, &cpmap,
			    &clmap, log, e);
	if (log && !rc)
		fprintf(log, "training took %.1fs\n", now_s() - t_start);

	free(order);
	free(dyn);
	free(aw);
	free(best_w);
	free(W.w);
	free(W.u);
	free(pick);
	fcorpus_free(&ftr);
	fcorpus_free(&fdev);
	fcorpus_free(&fdevu);
	hmap_free(&fmap);
	for (int k = 0; k < 3; k++) {
		free(gk[k]);
		free(gv[k]);
		hmap_free(k < 2 ? &gfold[k] : &gfull);
	}
	free(ck);
	free(cv);
	free(lk);
	free(lv);
	hmap_free(&cpmap);
	hmap_free(&clmap);
	ner_corpus_free(&tr);
	ner_corpus_free(&dev);
	return rc;
}
