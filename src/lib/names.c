/*
 * names.c — person-name matching: normalisation (ICU for folding and
 * romanisation), sound-class skeletons, and the same/different decision.
 *
 * This module owns: the word lists (titles, articles, particles, Persian
 * suffixes) and their hash table, the ICU transliterator template and each
 * thread's clone of it with a cache of romanised tokens (struct tstate,
 * about 180 KB a thread, freed when the thread exits), and nothing else.
 * It never touches the case file.
 *
 * A name goes through three steps:
 *   1. lexing: bytes become lower-case ASCII tokens.  Pure-ASCII input takes
 *      a fast path with no ICU at all.  Otherwise ICU folds (NFKC_Casefold),
 *      Arabic-script tokens are tidied (letter variants, harakat, ZWNJ, the
 *      article ال, عبد ال..., letters whose romanisations would run together
 *      into a false digraph: ت ه is t'h, not ث th) and every non-ASCII token
 *      is transliterated "Russian-Latin/BGN; Any-Latin; Latin-ASCII" (BGN
 *      first, so Cyrillic comes out as the press writes it: Khrushchev, not
 *      Hrusev).  Tokens from an abjad (Arabic, Hebrew) are flagged: their
 *      romanisation lacks short vowels.
 *   2. structure: "Last, First" is turned round, leading titles and trailing
 *      Jr/Sr go, articles go, bin/Abu/... attach to the next token, Abd al-X
 *      becomes one token, detached Persian suffixes are joined.
 *   3. keys: each token gets a consonant skeleton in sound classes plus a
 *      vowel mask per consonant slot.
 * All of it works in a fixed-size struct work on the stack, so names_key()
 * allocates nothing for ASCII names.
 */
#include "names.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#define POOL_CAP 4096           /* bytes of token text per name */
#define MAX_RAW 32              /* raw tokens before structure */
#define SKEL_MAX 48             /* consonants kept per token */
#define MAX_TOKEN_UNITS 64      /* UTF-16 units of a token that are romanised */
#define TOK_MATCH 0.80          /* a token pair at or above this agrees */

/* Vowel masks, one per consonant slot.  VNONE: "no vowel here" is
 * possible.  A slot that says nothing (a Latin vowel dropped in the middle,
 * Jabr for Jaber; Arabic script's unwritten short vowels) is VANY. */
enum { VA = 1, VE = 2, VI = 4, VO = 8, VU = 16, VNONE = 32 };
#define VALL (VA | VE | VI | VO | VU)
#define VANY (VALL | VNONE)

/* ---- word lists ---- */

/* Titles and honorifics removed from the front of a name, longest phrase
 * first wins.  Words are tokens as the lexer makes them (lower case, no
 * dots); the last group is what Arabic/Persian-script titles romanise to. */
static const char *const titles[] = {
	"mr", "mrs", "ms", "miss", "mx", "messrs", "dr", "doctor", "prof", "professor",
	"sir", "dame", "lord", "lady", "hon", "honorable", "honourable", "rt",
	"sheikh", "sheik", "shaikh", "shaykh", "shaik", "cheikh", "sheikha", "shaykha",
	"sayyid", "sayyed", "sayed", "seyyed", "seyed", "syed", "sayid", "sayyida", "seyyedeh",
	"ayatollah", "ayatullah", "grand ayatollah", "grand ayatullah",
	"hojatoleslam", "hojjatoleslam", "hojatolislam", "hujjatulislam",
	"hojjat ol eslam", "hojat ol eslam", "hojjat al islam", "hujjat al islam",
	"mullah", "mulla", "molla", "imam", "mufti", "maulana", "mawlana", "maulvi",
	"ustad", "ustadh", "hazrat", "agha", "haji", "hajji", "hajj", "alhaj", "alhajj", "mirza",
	"president", "pres", "vice president", "prime minister", "deputy prime minister",
	"minister", "foreign minister", "interior minister", "defense minister",
	"defence minister", "oil minister", "transport minister", "finance minister",
	"supreme leader", "leader", "secretary", "secretary general", "secretary of state",
	"deputy", "vice", "acting", "former", "late", "then", "ex",
	"general", "gen", "major general", "maj gen", "mg", "brigadier general", "brig gen",
	"brig", "brigadier", "lieutenant general", "lt gen", "lt col", "lieutenant colonel",
	"maj", "major", "col", "colonel", "lt", "lieutenant", "capt", "captain", "cmdr",
	"commander", "cdr", "adm", "admiral", "sgt", "sergeant", "cpl", "pvt", "marshal",
	"field marshal", "sardar", "sarlashkar", "sartip",
	"ambassador", "amb", "sen", "senator", "rep", "representative", "gov", "governor",
	"mayor", "chairman", "speaker", "chief", "judge", "justice", "rev", "reverend",
	"father", "fr", "king", "queen", "prince", "princess", "emir", "crown prince",
	"mme", "mlle", "herr", "frau",
	/* romanised Arabic/Persian script */
	"shykh", "syd", "sayd", "aytallh", "ayt allh", "ayatallh", "hjtalaslam", "hjt alaslam",
	"ryys", "wzyr", "lwa", "srdar", "srlshkr", "dktr", "haj", "hajy", "mla", "amam", "sfyr",
};

/* Trailing suffixes; the first NGENERATIONS tell a father from a son. */
static const char *const suffixes[] = {"jr", "sr", "ii", "iii", "iv", "v", "phd", "esq", "md"};
#define NGENERATIONS 6

/* Arabic articles: dropped when another token follows (al-Maliki = Maliki). */
static const char *const articles[] = {
	"al", "el", "ad", "ash", "as", "az", "an", "ar", "at", "ath", "adh", "ad", "ul", "ud",
	"us", "ut", "ur", "uz", "un", "ed", "es", "et", "ez", "ol",
};

/* Western particles: dropped when another token follows (de Gaulle). */
static const char *const west_particles[] = {
	"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "dos", "das",
	"do", "la", "le", "ter", "ten", "vander",
};

/* ... that may also be a given name, so are kept in front (Le Duc Tho). */
static const char *const west_given[] = {"da", "di", "do", "la", "le"};

/* Connected words that stay: bin, ibn ... (text -> enum names_particle). */
static const struct {
	const char *w;
	unsigned char part;
	unsigned char abjad_only;   /* only when romanised from Arabic script */
	unsigned char not_first;    /* a given name when first (Ben Smith) */
} linkers[] = {
	{"bin", NAMES_PART_BIN, 0, 0}, {"ibn", NAMES_PART_BIN, 0, 0}, {"ben", NAMES_PART_BIN, 0, 1},
	{"bint", NAMES_PART_BINT, 0, 0}, {"bent", NAMES_PART_BINT, 0, 1},
	{"abu", NAMES_PART_ABU, 0, 0}, {"abou", NAMES_PART_ABU, 0, 0}, {"abo", NAMES_PART_ABU, 0, 0},
	{"aboo", NAMES_PART_ABU, 0, 0}, {"abul", NAMES_PART_ABU, 0, 0}, {"abol", NAMES_PART_ABU, 0, 0},
	{"umm", NAMES_PART_UMM, 0, 0}, {"um", NAMES_PART_UMM, 0, 0}, {"om", NAMES_PART_UMM, 0, 1},
	{"bn", NAMES_PART_BIN, 1, 0}, {"abn", NAMES_PART_BIN, 1, 0}, {"bnt", NAMES_PART_BINT, 1, 0},
	{"abw", NAMES_PART_ABU, 1, 0}, {"aby", NAMES_PART_ABU, 1, 0}, {"am", NAMES_PART_UMM, 1, 0},
};

static const char *const particle_names[] = {"", "bin", "bint", "abu", "umm"};

/* Abd al-X: the first word of the compound. */
static const char *const abd_words[] = {
	"abd", "abdul", "abdel", "abdol", "abdal", "abdoul", "abdu", "abdil", "abdur",
	"abdus", "abdou", "abdoel", "abdulla",
};
static const char *const allah_words[] = {"allah", "alla", "ullah", "ulla", "illah", "llah", "allahi"};

/* Persian surname endings sometimes written apart: Danaee Far, Hosseini Zadeh. */
static const char *const persian_suffixes[] = {
	"far", "fard", "pour", "pur", "zadeh", "zade", "zada", "nejad", "nezhad", "nejhad",
	"nia", "manesh", "khah", "doost", "dust", "zadegan",
};
static const char *const persian_suffixes_abjad[] = {
	"fr", "frd", "pwr", "zadh", "njad", "nzhad", "nya", "mnsh", "khwah", "dwst", "zadgan",
};

static const char *const stopwords[] = {"of", "the", "and"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int in_list(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (list[i][0] == w[0] && strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* Every word of the lists above, hashed once, with what it can be: one
 * lookup per token instead of a scan of each list. */
enum {
	W_TITLE = 1, W_SUFFIX = 2, W_ARTICLE = 4, W_WEST = 8, W_WEST_GIVEN = 16, W_ABD = 32,
	W_ALLAH = 64, W_PERSIAN = 128, W_PERSIAN_ABJAD = 256, W_STOP = 512, W_LINKER = 1024
};
#define WT_SIZE 1024                    /* a power of two, over twice the words */
static struct wt_slot {
	char w[24];
	unsigned bits;
} wt[WT_SIZE];
static pthread_once_t wt_once = PTHREAD_ONCE_INIT;

static unsigned wt_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h & (WT_SIZE - 1);
}

static void wt_add(const char *w, size_t n, unsigned bit)
{
	assert(n < sizeof wt[0].w);
	unsigned h = wt_hash(w, n);
	while (wt[h].bits && !(strlen(wt[h].w) == n && memcmp(wt[h].w, w, n) == 0))
		h = (h + 1) & (WT_SIZE - 1);
	memcpy(wt[h].w, w, n);
	wt[h].w[n] = 0;
	wt[h].bits |= bit;
}

static void wt_add_list(const char *const *list, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		wt_add(list[i], strlen(list[i]), bit);
}

static void wt_init(void)
{
	for (size_t i = 0; i < NELEM(titles); i++) {
		const char *sp = strchr(titles[i], ' ');
		wt_add(titles[i], sp ? (size_t)(sp - titles[i]) : strlen(titles[i]), W_TITLE);
	}
	wt_add_list(suffixes, NELEM(suffixes), W_SUFFIX);
	wt_add_list(articles, NELEM(articles), W_ARTICLE);
	wt_add_list(west_particles, NELEM(west_particles), W_WEST);
	wt_add_list(west_given, NELEM(west_given), W_WEST_GIVEN);
	wt_add_list(abd_words, NELEM(abd_words), W_ABD);
	wt_add_list(allah_words, NELEM(allah_words), W_ALLAH);
	wt_add_list(persian_suffixes, NELEM(persian_suffixes), W_PERSIAN);
	wt_add_list(persian_suffixes_abjad, NELEM(persian_suffixes_abjad), W_PERSIAN_ABJAD);
	wt_add_list(stopwords, NELEM(stopwords), W_STOP);
	for (size_t i = 0; i < NELEM(linkers); i++)
		wt_add(linkers[i].w, strlen(linkers[i].w), W_LINKER);
}

/* What the word w[0,n) can be (W_* bits), 0 for an ordinary word. */
static unsigned word_bits(const char *w, size_t n)
{
	if (n >= sizeof wt[0].w)
		return 0;
	unsigned h = wt_hash(w, n);
	while (wt[h].bits) {
		if (wt[h].w[0] == w[0] && strlen(wt[h].w) == n && memcmp(wt[h].w, w, n) == 0)
			return wt[h].bits;
		h = (h + 1) & (WT_SIZE - 1);
	}
	return 0;
}

/* ---- ICU: one transliterator template, one clone per thread ---- */

static pthread_once_t icu_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t icu_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t icu_key;
static UTransliterator *icu_template;
static const UNormalizer2 *icu_nfkc_cf;
static char icu_why[160];

/* A thread's own ICU state: its transliterator clone and a small cache of
 * romanised tokens (names repeat, and ICU takes tens of microseconds a
 * token).  Two-way set-associative: a miss replaces the entry of its set
 * that was not used last. */
#define TCACHE_SIZE 1024
#define TCACHE_KEY 32                   /* UTF-16 units of a cacheable token */
#define TCACHE_VAL 96                   /* bytes of its romanisation */
struct tstate {
	UTransliterator *t;
	struct tcache {
		uint32_t hash;
		uint16_t klen, vlen;
		unsigned char recent;
		UChar key[TCACHE_KEY];
		char val[TCACHE_VAL];
	} cache[TCACHE_SIZE];
};

static void close_tstate(void *p)
{
	struct tstate *ts = p;
	utrans_close(ts->t);
	free(ts);
}

static void icu_init(void)
{
	UErrorCode st = U_ZERO_ERROR;
	static const char id8[] = "Russian-Latin/BGN; Any-Latin; Latin-ASCII";
	UChar id[sizeof id8];
	u_uastrcpy(id, id8);
	icu_template = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		snprintf(icu_why, sizeof icu_why, "ICU transliterator '%s': %s", id8, u_errorName(st));
		icu_template = NULL;
		return;
	}
	st = U_ZERO_ERROR;
	icu_nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
	if (U_FAILURE(st)) {
		snprintf(icu_why, sizeof icu_why, "ICU NFKC_Casefold: %s", u_errorName(st));
		utrans_close(icu_template);
		icu_template = NULL;
		return;
	}
	if (pthread_key_create(&icu_key, close_tstate) != 0) {
		snprintf(icu_why, sizeof icu_why, "cannot create a thread key");
		utrans_close(icu_template);
		icu_template = NULL;
	}
}

/* This thread's ICU state (created on first use, released at thread exit),
 * or NULL with e set. */
static struct tstate *thread_state(struct err *e)
{
	pthread_once(&icu_once, icu_init);
	if (!icu_template) {
		err_set(e, "names: %s", icu_why);
		return NULL;
	}
	struct tstate *ts = pthread_getspecific(icu_key);
	if (ts)
		return ts;
	UErrorCode st = U_ZERO_ERROR;
	pthread_mutex_lock(&icu_mu);
	UTransliterator *t = utrans_clone(icu_template, &st);
	pthread_mutex_unlock(&icu_mu);
	if (U_FAILURE(st) || !t) {
		err_set(e, "names: cannot clone the ICU transliterator: %s", u_errorName(st));
		return NULL;
	}
	ts = xcalloc(1, sizeof *ts);
	ts->t = t;
	if (pthread_setspecific(icu_key, ts) != 0) {
		close_tstate(ts);
		err_set(e, "names: cannot keep the ICU transliterator");
		return NULL;
	}
	return ts;
}

/* ---- the work area ---- */

struct rtok {
	unsigned short off, len;        /* into pool; NUL-terminated there */
	unsigned char flags;
	unsigned short bits;            /* word_bits() */
};

struct unit {
	unsigned short off, len;
	unsigned char part, flags;
};

struct work {
	char pool[POOL_CAP];
	size_t used;
	struct rtok raw[MAX_RAW];
	int nraw;
	int comma;                      /* raw tokens before the first comma, or -1 */
	int ncomma;
	struct unit u[NAMES_MAX_TOKENS];
	int nu;
	int suffix;                     /* 1 + index in suffixes[] of a Jr/Sr/II..., or 0 */
};

static void work_init(struct work *w)
{
	w->used = 0;
	w->nraw = 0;
	w->comma = -1;
	w->ncomma = 0;
	w->nu = 0;
	w->suffix = 0;
}

static const char *raw_text(const struct work *w, int i)
{
	return w->pool + w->raw[i].off;
}

/* Appends s[0,n) + NUL to the pool; returns its offset or -1 when full. */
static int pool_put(struct work *w, const char *s, size_t n)
{
	if (w->used + n + 1 > POOL_CAP || w->used + n > 0xffff)
		return -1;
	memcpy(w->pool + w->used, s, n);
	w->pool[w->used + n] = 0;
	int off = (int)w->used;
	w->used += n + 1;
	return off;
}

/* Splits ASCII-ish bytes into lower-case [a-z0-9] tokens.  Apostrophes and
 * non-ASCII bytes (marks ICU left, ZWNJ) vanish without splitting a token,
 * except that an abjad token keeps, as an apostrophe, the breaker
 * arabic_fold() put between two letters that are not a digraph and the ain
 * (ʿ) or hamza (ʾ) ICU wrote; a comma is remembered for "Last,
 * First"; anything else separates. */
static void lex_ascii(struct work *w, const char *s, size_t n, unsigned flags)
{
	size_t start = w->used;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : ' ';
		if (isalnum(c) && c < 0x80) {
			if (w->used + 2 < POOL_CAP)
				w->pool[w->used++] = (char)tolower(c);
			continue;
		}
		if ((flags & NAMES_TOK_ABJAD) && c == 0xca && i + 1 < n &&
		    ((unsigned char)s[i + 1] == 0xbf || (unsigned char)s[i + 1] == 0xbe)) {
			c = '\'';                /* ain ʿ / hamza ʾ: a letter, so mm in مع‌م stays two */
			i++;
		}
		if (c == '\'' && (flags & NAMES_TOK_ABJAD) && w->used > start && w->used + 2 < POOL_CAP) {
			w->pool[w->used++] = '\'';    /* arabic_fold()'s digraph breaker */
			continue;
		}
		if (c >= 0x80 || c == '\'' || c == '`')
			continue;
		if (w->used > start) {
			if (w->nraw < MAX_RAW && w->used - start <= 0xff) {
				w->pool[w->used++] = 0;
				w->raw[w->nraw].off = (unsigned short)start;
				w->raw[w->nraw].len = (unsigned short)(w->used - 1 - start);
				w->raw[w->nraw].flags = (unsigned char)flags;
				w->raw[w->nraw].bits = (unsigned short)word_bits(w->pool + start, w->used - 1 - start);
				w->nraw++;
			} else {
				w->used = start;
			}
			start = w->used;
		}
		if (c == ',') {
			if (w->ncomma++ == 0)
				w->comma = w->nraw;
		}
	}
}

/* ---- the Unicode path ---- */

static int is_abjad(UChar32 c)
{
	return (c >= 0x0590 && c <= 0x08ff) || (c >= 0xfb1d && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff);
}

static int is_apostrophe(UChar32 c)
{
	return c == 0x27 || c == 0x60 || c == 0xb4 || c == 0x2018 || c == 0x2019 || c == 0x2bb ||
	       c == 0x2bc || c == 0x2be || c == 0x2bf || c == 0x2b9 || c == 0x2c8 || c == 0xfffd;
}

static int is_token_char(UChar32 c)
{
	if (c == 0x200c || c == 0x200d || is_apostrophe(c))
		return 1;
	if (u_isalnum(c))
		return 1;
	int8_t t = u_charType(c);
	return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* Arabic-script letter variants read as one letter; harakat, tatweel, ZWNJ
 * and lone hamza dropped.  Returns the letter to keep, or 0 to drop. */
static UChar arabic_fold_char(UChar c)
{
	if ((c >= 0x064b && c <= 0x065f) || c == 0x0670 || c == 0x0640 || c == 0x200c ||
	    c == 0x200d || c == 0x0621 || (c >= 0x06d6 && c <= 0x06ed))
		return 0;
	switch (c) {
	case 0x0623: case 0x0625: case 0x0622: case 0x0671: case 0x0672: case 0x0673:
		return 0x0627;                  /* alef with hamza / madda / wasla */
	case 0x0624: return 0x0648;             /* waw with hamza */
	case 0x0626: case 0x0649: case 0x06cc: case 0x06d0: case 0x06d2: case 0x06cd:
		return 0x064a;                  /* yeh seats, alef maqsura, Persian yeh */
	case 0x06a9: case 0x06aa: return 0x0643; /* keheh: Persian kaf */
	case 0x0629: case 0x06c0: case 0x06c1: case 0x06d5:
		return 0x0647;                  /* taa marbuta, heh variants */
	default: return c;
	}
}

/* 1 if the romanisations of Arabic letters a then b would read as one
 * digraph in skeleton() (ت ه -> "th" as in Tehran, not ث; د ج -> "dj"). */
static int false_digraph(UChar a, UChar b)
{
	int h = b == 0x0647 || b == 0x062d;
	switch (a) {
	case 0x062a: case 0x0637:               /* t */
		return h || b == 0x0633 || b == 0x0635 || b == 0x0632 || b == 0x0638;
	case 0x062f: case 0x0636:               /* d */
		return h || b == 0x062c;
	case 0x0633: case 0x0635: case 0x0643: case 0x06af: case 0x0632: case 0x0638: case 0x067e:
		return h;                       /* s k g z p */
	default: return 0;
	}
}

/* Folds an Arabic-script token into out (room for 2n letters): letter
 * variants read as one, marks dropped, and an apostrophe put between two
 * letters whose romanisation would otherwise form a false digraph.
 * Returns the length. */
static size_t arabic_fold(const UChar *s, size_t n, UChar *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		UChar c = arabic_fold_char(s[i]);
		if (!c)
			continue;
		if (k > 0 && false_digraph(out[k - 1], c))
			out[k++] = '\'';
		out[k++] = c;
	}
	return k;
}

/* 1 if the Arabic-script word s[0, n) ends in taa marbuta (ة), harakat
 * aside. */
static int ends_in_taa(const UChar *s, size_t n)
{
	while (n > 0 && !arabic_fold_char(s[n - 1]))
		n--;
	return n > 0 && s[n - 1] == 0x0629;
}

static const UChar AR_AL[] = {0x0627, 0x0644};
static const UChar AR_ABD[] = {0x0639, 0x0628, 0x062f};

static int starts(const UChar *s, size_t n, const UChar *p, size_t pn)
{
	return n >= pn && memcmp(s, p, pn * sizeof(UChar)) == 0;
}

/* Drops the article ال from a folded token of four letters or more, except
 * in the few names that merely begin with those letters. */
static size_t arabic_strip_al(UChar *s, size_t n)
{
	static const UChar allah[] = {0x0627, 0x0644, 0x0644, 0x0647};
	static const UChar ilyas[] = {0x0627, 0x0644, 0x064a, 0x0627, 0x0633};
	static const UChar elham[] = {0x0627, 0x0644, 0x0647, 0x0627, 0x0645};
	if (n < 4 || !starts(s, n, AR_AL, 2))
		return n;
	if ((n == 4 && starts(s, n, allah, 4)) || (n == 5 && (starts(s, n, ilyas, 5) || starts(s, n, elham, 5))))
		return n;
	memmove(s, s + 2, (n - 2) * sizeof(UChar));
	return n - 2;
}

/* Transliterates s[0,n) in place (capacity cap), through the thread's
 * cache, and lexes the result. */
static void translit_lex(struct work *w, struct tstate *ts, UChar *s, int32_t n, int32_t cap, unsigned flags)
{
	struct tcache *c = NULL;
	uint32_t h = 2166136261u;
	if (n <= TCACHE_KEY) {
		for (int32_t i = 0; i < n; i++)
			h = (h ^ s[i]) * 16777619u;
		/* two ways per set; a miss replaces the one not used last */
		struct tcache *set = &ts->cache[h & (TCACHE_SIZE - 2)];
		for (int k = 0; k < 2; k++) {
			c = &set[k];
			if (c->hash == h && c->klen == n && c->vlen &&
			    memcmp(c->key, s, (size_t)n * sizeof(UChar)) == 0) {
				set[k].recent = 1;
				set[!k].recent = 0;
				lex_ascii(w, c->val, c->vlen, flags);
				return;
			}
		}
		c = set[0].recent ? &set[1] : &set[0];
		set[0].recent = c == &set[0];
		set[1].recent = c == &set[1];
	}
	UChar key[TCACHE_KEY];
	if (c)
		memcpy(key, s, (size_t)n * sizeof(UChar));
	int32_t klen = n;
	UErrorCode st = U_ZERO_ERROR;
	int32_t limit = n;
	utrans_transUChars(ts->t, s, &n, cap, 0, &limit, &st);
	if (U_FAILURE(st))
		return;                         /* a token that will not romanise is dropped */
	char out[1024];
	int32_t olen = 0;
	st = U_ZERO_ERROR;
	u_strToUTF8(out, (int32_t)sizeof out, &olen, s, n, &st);
	if (U_FAILURE(st) || olen > (int32_t)sizeof out)
		return;
	if (c && olen > 0 && olen <= TCACHE_VAL) {
		c->hash = h;
		c->klen = (uint16_t)klen;
		c->vlen = (uint16_t)olen;
		memcpy(c->key, key, (size_t)klen * sizeof(UChar));
		memcpy(c->val, out, (size_t)olen);
	}
	lex_ascii(w, out, (size_t)olen, flags);
}

/* Lexes a name that is not pure ASCII.  Returns 0, or -1 with e set when ICU
 * is unusable. */
static int lex_unicode(struct work *w, const char *s, size_t n, struct err *e)
{
	struct tstate *t = thread_state(e);
	if (!t)
		return -1;
	UErrorCode st = U_ZERO_ERROR;
	int32_t ulen = 0;
	UChar *src = xmalloc((n + 1) * sizeof(UChar));
	u_strFromUTF8WithSub(src, (int32_t)n + 1, &ulen, s, (int32_t)n, 0xfffd, NULL, &st);
	if (U_FAILURE(st)) {
		free(src);
		return 0;                       /* nothing readable */
	}
	/* Persian: a heh before ZWNJ is a silent final -e (خامنه‌ای = Khamenei).
	 * Done before NFKC_Casefold, which drops ZWNJ. */
	int32_t kept = 0;
	for (int32_t j = 0; j < ulen; j++)
		if (!((src[j] == 0x0647 || src[j] == 0x06c1) && j + 1 < ulen && src[j + 1] == 0x200c && kept > 0))
			src[kept++] = src[j];
	ulen = kept;
	int32_t cap = ulen * 3 + 16;
	UChar *nf = xmalloc((size_t)cap * sizeof(UChar));
	st = U_ZERO_ERROR;
	int32_t nlen = unorm2_normalize(icu_nfkc_cf, src, ulen, nf, cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		cap = nlen + 1;
		nf = xrealloc(nf, (size_t)cap * sizeof(UChar));
		st = U_ZERO_ERROR;
		nlen = unorm2_normalize(icu_nfkc_cf, src, ulen, nf, cap, &st);
	}
	free(src);
	if (U_FAILURE(st)) {
		free(nf);
		return 0;
	}
	/* scratch for one (or two merged) tokens and their romanisation */
	int32_t scap = nlen * 16 + 64;
	UChar *tok = xmalloc((size_t)scap * sizeof(UChar));
	int32_t i = 0;
	while (i < nlen && w->nraw < MAX_RAW) {
		UChar32 c;
		int32_t at = i;
		U16_NEXT(nf, i, nlen, c);
		if (!is_token_char(c)) {
			if (c == ',' || c == 0x060c || c == 0xff0c)
				lex_ascii(w, ",", 1, 0);
			continue;
		}
		/* one token: [at, end) */
		int32_t end = i, abjad = is_abjad(c), ascii = c < 0x80;
		while (end < nlen) {
			int32_t j = end;
			U16_NEXT(nf, j, nlen, c);
			if (!is_token_char(c))
				break;
			abjad |= is_abjad(c);
			ascii &= c < 0x80;
			end = j;
		}
		i = end;
		if (end - at > MAX_TOKEN_UNITS) {
			end = at + MAX_TOKEN_UNITS;     /* no name has such a word: keep ICU's work bounded */
			if (U16_IS_LEAD(nf[end - 1]))
				end--;
		}
		if (ascii) {
			char b[NAMES_MAX_INPUT];
			int32_t k = 0;
			for (int32_t j = at; j < end && k < (int32_t)sizeof b; j++)
				b[k++] = (char)nf[j];
			lex_ascii(w, b, (size_t)k, 0);
			continue;
		}
		if (!abjad) {
			int32_t len = end - at;
			memcpy(tok, nf + at, (size_t)len * sizeof(UChar));
			translit_lex(w, t, tok, len, scap, 0);
			continue;
		}
		size_t len = arabic_fold(nf + at, (size_t)(end - at), tok + 5);   /* <= 2 * (end - at) */
		UChar *p = tok + 5;
		if (len == 3 && starts(p, len, AR_ABD, 3)) {
			/* عبد followed by a word: one token "abdul" + the word */
			int32_t j = i, nat = -1, nend = -1;
			while (j < nlen) {
				UChar32 d;
				int32_t k = j;
				U16_NEXT(nf, k, nlen, d);
				if (is_token_char(d)) {
					nat = j;
					break;
				}
				if (d == ',' || d == 0x060c)
					break;
				j = k;
			}
			if (nat >= 0) {
				nend = nat;
				while (nend < nlen) {
					UChar32 d;
					int32_t k = nend;
					U16_NEXT(nf, k, nlen, d);
					if (!is_token_char(d))
						break;
					nend = k;
				}
				int32_t nl = nend - nat > MAX_TOKEN_UNITS ? MAX_TOKEN_UNITS : nend - nat;
				size_t m = arabic_fold(nf + nat, (size_t)nl, tok + 5);
				len = arabic_strip_al(tok + 5, m);
				i = nend;
				goto abdul;
			}
		} else if (len > 5 && starts(p, len, AR_ABD, 3) && starts(p + 3, len - 3, AR_AL, 2)) {
			memmove(p, p + 5, (len - 5) * sizeof(UChar));
			len -= 5;
			goto abdul;
		}
		len = arabic_strip_al(p, len);
		if (len >= 5 && p[0] == 0x0644 && p[1] == 0x0644) {   /* لل: li + al */
			memmove(p, p + 2, (len - 2) * sizeof(UChar));
			len -= 2;
		}
		/* a word that begins with ain begins with a vowel in English
		 * ("العبادي" al-Abadi, "علي" Ali): read it as alef, "a", not as
		 * the apostrophe that would then be dropped; before an alef
		 * that alef is the vowel ("عادل" Adil) */
		if (len >= 3 && p[0] == 0x0639 && p[1] == 0x0627) {
			memmove(p, p + 1, (len - 1) * sizeof(UChar));
			len--;
		} else if (len >= 2 && p[0] == 0x0639) {
			p[0] = 0x0627;
		}
		memmove(tok, p, len * sizeof(UChar));
		translit_lex(w, t, tok, (int32_t)len, scap,
			     NAMES_TOK_ABJAD | (ends_in_taa(nf + at, (size_t)(end - at)) ? NAMES_TOK_TAA : 0));
		continue;
abdul:
		{
			static const UChar abdul[] = {'a', 'b', 'd', 'u', 'l'};
			memcpy(tok, abdul, sizeof abdul);
			translit_lex(w, t, tok, (int32_t)len + 5, scap, NAMES_TOK_ABJAD);
		}
	}
	free(tok);
	free(nf);
	return 0;
}

/* ---- structure ---- */

/* How many tokens of the phrase (space-separated words) match the tokens
 * order[p..n); 0 if it does not match. */
static int phrase_match(const struct work *w, const int *order, int p, int n, const char *phrase)
{
	int k = 0;
	const char *s = phrase;
	if (p >= n || raw_text(w, order[p])[0] != phrase[0])
		return 0;
	while (*s) {
		const char *sp = strchr(s, ' ');
		size_t len = sp ? (size_t)(sp - s) : strlen(s);
		if (p + k >= n)
			return 0;
		const char *t = raw_text(w, order[p + k]);
		if (strlen(t) != len || memcmp(t, s, len) != 0)
			return 0;
		k++;
		s += len;
		if (*s == ' ')
			s++;
	}
	return k;
}

static int add_unit(struct work *w, int off, size_t len, unsigned part, unsigned flags)
{
	if (w->nu >= NAMES_MAX_TOKENS || off < 0)
		return -1;
	struct unit *u = &w->u[w->nu++];
	u->off = (unsigned short)off;
	u->len = (unsigned short)len;
	u->part = (unsigned char)part;
	u->flags = (unsigned char)flags;
	if (len == 1 && isalpha((unsigned char)w->pool[off]))
		u->flags |= NAMES_TOK_INITIAL;
	return 0;
}

static int linker_of(const char *t, unsigned flags, int first)
{
	for (size_t i = 0; i < NELEM(linkers); i++) {
		if (strcmp(linkers[i].w, t) != 0)
			continue;
		if (linkers[i].abjad_only && !(flags & NAMES_TOK_ABJAD))
			continue;
		if (linkers[i].not_first && first)
			continue;
		return linkers[i].part;
	}
	return 0;
}

/* The length of the Abd-al spelling other than "abdul" that t begins with
 * (abdel, abdal, abdol, abdil, abdur, abdus, abdoul, abdoel), or 0. */
static size_t abd_prefix(const char *t)
{
	static const char *const p[] = {"abdel", "abdal", "abdol", "abdil", "abdur", "abdus", "abdoul", "abdoel"};
	for (size_t i = 0; i < NELEM(p); i++)
		if (t[0] == 'a' && t[1] == 'b' && t[2] == 'd' && strncmp(t, p[i], strlen(p[i])) == 0)
			return strlen(p[i]);
	return 0;
}

/* What follows abdal- / abdel- in Abdallah, Abdalla, Abdellah. */
static const char *const allah_rests[] = {"lah", "llah", "la", "lla"};

/* Raw tokens -> units (see the file comment, step 2). */
static void structure(struct work *w)
{
	int order[MAX_RAW], n = w->nraw;
	for (int i = 0; i < n; i++)
		order[i] = i;
	/* "Soleimani, Qassem" -> "Qassem Soleimani" (not "Bush, Jr.") */
	if (w->ncomma == 1 && w->comma > 0 && w->comma < n) {
		int all_suffix = 1;
		for (int i = w->comma; i < n; i++)
			all_suffix &= (w->raw[i].bits & W_SUFFIX) != 0;
		if (!all_suffix) {
			int k = 0;
			for (int i = w->comma; i < n; i++)
				order[k++] = i;
			for (int i = 0; i < w->comma; i++)
				order[k++] = i;
		}
	}
	int p = 0;
	while (p < n && (w->raw[order[p]].bits & W_TITLE)) {
		int best = 0;
		for (size_t i = 0; i < NELEM(titles); i++) {
			int k = phrase_match(w, order, p, n, titles[i]);
			if (k > best)
				best = k;
		}
		if (!best || p + best >= n)
			break;
		p += best;
	}
	while (n - p >= 2 && (w->raw[order[n - 1]].bits & W_SUFFIX)) {
		const char *t = raw_text(w, order[n - 1]);
		size_t i = 0;
		while (i < NELEM(suffixes) && strcmp(suffixes[i], t) != 0)
			i++;
		if (i == NELEM(suffixes) || (i == 5 && n - p < 3))
			break;                  /* "v" only after two names: Henry V is not */
		if (i < NGENERATIONS && !w->suffix)
			w->suffix = (int)i + 1;
		n--;
	}

	unsigned pending = 0, pflags = 0;
	for (int i = p; i < n; i++) {
		const struct rtok *r = &w->raw[order[i]];
		const char *t = w->pool + r->off;
		int more = i + 1 < n, first = w->nu == 0 && !pending;
		unsigned bits = r->bits;
		if (more && (bits & (W_STOP | W_ARTICLE)))
			continue;
		if (more && (bits & W_WEST) && (!first || !(bits & W_WEST_GIVEN)))
			continue;
		int part = more && (bits & W_LINKER) ? linker_of(t, r->flags, first) : 0;
		if (part) {
			pending = (unsigned)part;
			pflags = r->flags;
			continue;
		}
		if (more && (bits & W_ABD)) {
			int j = i + 1;
			while (j + 1 < n && (w->raw[order[j]].bits & W_ARTICLE))
				j++;
			const char *next = raw_text(w, order[j]);
			char m[600];
			if (w->raw[order[j]].bits & W_ALLAH)
				snprintf(m, sizeof m, "abdullah");
			else
				snprintf(m, sizeof m, "abdul%s", next);
			add_unit(w, pool_put(w, m, strlen(m)), strlen(m), pending,
				 r->flags | w->raw[order[j]].flags | pflags);
			pending = pflags = 0;
			i = j;
			continue;
		}
		if (w->nu > 0 && !pending && i > p && !(w->u[w->nu - 1].flags & NAMES_TOK_INITIAL) &&
		    (bits & ((r->flags & NAMES_TOK_ABJAD) ? W_PERSIAN_ABJAD : W_PERSIAN))) {
			struct unit *u = &w->u[w->nu - 1];
			char m[600];
			snprintf(m, sizeof m, "%s%s", w->pool + u->off, t);
			int off = pool_put(w, m, strlen(m));
			if (off >= 0) {
				u->off = (unsigned short)off;
				u->len = (unsigned short)strlen(m);
				u->flags = (unsigned char)(((u->flags & ~NAMES_TOK_TAA) | r->flags) & ~NAMES_TOK_INITIAL);
			}
			continue;
		}
		size_t ap = (r->flags & NAMES_TOK_ABJAD) ? 0 : abd_prefix(t);
		if (ap && r->len >= ap + 2) {
			/* Abdelaziz, Abdallah, Abdurrahman -> abdulaziz, abdullah, abdulrahman */
			const char *rest = t + ap;
			char m[600];
			if (in_list(allah_rests, NELEM(allah_rests), rest))
				snprintf(m, sizeof m, "abdullah");
			else
				snprintf(m, sizeof m, "abdul%s", rest);
			add_unit(w, pool_put(w, m, strlen(m)), strlen(m), pending, r->flags | pflags);
			pending = pflags = 0;
			continue;
		}
		add_unit(w, r->off, r->len, pending, r->flags | pflags);
		pending = pflags = 0;
	}
}

/* Lexes and structures name[0,len) into w.  Returns 0 or -1 with e set. */
static int analyse(struct work *w, const char *name, size_t len, struct err *e)
{
	pthread_once(&wt_once, wt_init);
	work_init(w);
	if (!name)
		len = 0;
	if (len > NAMES_MAX_INPUT) {
		len = NAMES_MAX_INPUT;
		while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
			len--;                  /* do not cut a character in two */
	}
	int ascii = 1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii)
		lex_ascii(w, name, len, 0);
	else if (lex_unicode(w, name, len, e) < 0)
		return -1;
	structure(w);
	return 0;
}

/* ---- skeletons ---- */

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The consonant skeleton of t[0,n) in sound classes into skel (SKEL_MAX + 1
 * bytes, NUL-terminated) and the vowel masks into vow (SKEL_MAX + 1);
 * returns the skeleton's length. */
#define SKEL_LITERAL 0x80u   /* skeleton(): read s h, t h ... as two letters, ch as sh */
#define SKEL_CH_J 0x40u      /* skeleton(): read ch as j (Chalabi الجلبي, Turkish ç) */

static size_t skeleton(const char *t, size_t n, unsigned flags, char *skel, unsigned char *vow)
{
	size_t k = 0;
	char last = 0;
	int vowel_since = 0;
	vow[0] = 0;
	for (size_t i = 0; i < n;) {
		char c = t[i], nx = i + 1 < n ? t[i + 1] : 0, cls = 0, cls2 = 0;
		unsigned vm = 0;
		size_t adv = 1;
		switch (c) {
		case 'a': vm = VA; break;
		case 'e': vm = VE; break;
		case 'i': vm = VI; break;
		case 'o': vm = VO; break;
		case 'u': vm = VU; break;
		case 'y':
			if (i == 0 && is_vowel(nx))
				cls = 'J';
			else
				vm = VI;
			break;
		case 'w': case 'v':
			if (i == 0)
				cls = 'V';
			else
				vm = VU;
			break;
		case 'k': cls = nx == 'h' ? 'H' : 'K'; adv = nx == 'h' ? 2 : 1; break;
		case 'g': cls = 'K'; adv = nx == 'h' ? 2 : 1; break;
		case 'c':
			cls = nx == 'h' ? 'H' : 'K';
			adv = nx == 'h' || nx == 'k' ? 2 : 1;
			break;
		case 's': cls = 'S'; adv = nx == 'h' ? 2 : 1; break;
		case 't':
			cls = nx == 'h' || nx == 's' || nx == 'z' ? 'S' : 'T';
			adv = cls == 'S' ? 2 : 1;
			break;
		case 'd':
			cls = nx == 'j' ? 'J' : 'Z';
			adv = nx == 'h' || nx == 'j' ? 2 : 1;
			break;
		case 'z': cls = 'Z'; adv = nx == 'h' ? 2 : 1; break;
		case 'p': cls = nx == 'h' ? 'F' : 'P'; adv = nx == 'h' ? 2 : 1; break;
		case 'q': cls = 'K'; break;
		case 'j': cls = 'J'; break;
		case 'f': cls = 'F'; break;
		case 'b': cls = 'B'; break;
		case 'm': cls = 'M'; break;
		case 'n': cls = 'N'; break;
		case 'l': cls = 'L'; break;
		case 'r': cls = 'R'; break;
		case 'x': cls = 'K'; cls2 = 'S'; break;
		case 'h':
			if (!(i == n - 1 && i > 0))
				cls = 'H';              /* a final h is silent: Zadeh, Fatimah */
			break;
		default:
			if (c >= '0' && c <= '9')
				cls = c;
			break;
		}
		if (c == '\'') {
			vowel_since = 1;        /* ain or breaker: never collapse across */
			i++;
			continue;
		}
		if (adv == 2 && (flags & SKEL_CH_J) && c == 'c' && nx == 'h')
			cls = 'J';
		else if (adv == 2 && (flags & SKEL_LITERAL) && nx == 'h') {
			if (c == 'c')
				cls = 'S';      /* French ch: Bachar */
			else
				adv = 1, cls = c == 'k' || c == 'g' ? 'K' : c == 's' ? 'S' : c == 't' ? 'T' : c == 'p' ? 'P' : 'Z';
		}
		i += adv;
		if (vm) {
			vow[k] |= (unsigned char)vm;
			vowel_since = 1;
		}
		for (int r = 0; r < 2; r++) {
			char cc = r ? cls2 : cls;
			if (!cc)
				continue;
			if (cc != last || vowel_since) {
				if (k < SKEL_MAX) {
					skel[k++] = cc;
					vow[k] = 0;
				}
				last = cc;
			}
			vowel_since = 0;
		}
	}
	skel[k] = 0;
	/* what each slot allows (see VNONE) */
	size_t last_letter = n;
	while (last_letter > 0 && t[last_letter - 1] == '\'')
		last_letter--;
	char fin = last_letter ? t[last_letter - 1] : 0;
	for (size_t j = 0; j <= k; j++) {
		int edge = j == 0 || j == k;
		if (flags & NAMES_TOK_ABJAD) {
			if (j == 0 && k > 0)
				vow[j] = VANY;  /* a leading alef (or a dropped ain) only seats a vowel */
			else if (j == k)
				vow[j] = fin == 'y' ? VA | VE | VI      /* -i, or -a (Mojtaba) */
				       : fin == 'w' ? VO | VU
				       : fin == 'a' ? VA | VE
				       : fin == 'h' ? VANY            /* Salih صالح; Fatemeh فاطمه */
				       : VNONE | VA;                  /* Malik مالك; Fatima فاطمة */
			else if (!vow[j])
				vow[j] = VANY;
		} else if (!vow[j]) {
			vow[j] = edge ? VNONE : VANY;
		}
	}
	return k;
}

/* names_token.skel_mask of skel[0, n) (its characters are '0'-'9' and
 * 'A'-'Z': one bit each). */
static uint64_t skel_mask(const char *skel, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = (uint64_t)1 << ((unsigned)(skel[i] - '0') % 63u);
		if (m & bit)
			m |= (uint64_t)1 << 63;
		m |= bit;
	}
	return m;
}

/* ---- output of the work area ---- */

static void unit_text(const struct work *w, int i, struct buf *out)
{
	const struct unit *u = &w->u[i];
	if (u->part) {
		buf_adds(out, particle_names[u->part]);
		buf_addc(out, ' ');
	}
	for (size_t k = 0; k < u->len; k++)
		if (w->pool[u->off + k] != '\'')
			buf_addc(out, w->pool[u->off + k]);
}

static void normalized(const struct work *w, struct buf *out)
{
	for (int i = 0; i < w->nu; i++) {
		if (i)
			buf_addc(out, ' ');
		unit_text(w, i, out);
	}
	if (!out->p)
		buf_add(out, "", 0);
}

/* Appends the key of unit i (its skeleton; a vowel-only token gives its
 * text) to out. */
static void unit_key(const struct work *w, int i, struct buf *out)
{
	char skel[SKEL_MAX + 1];
	unsigned char vow[SKEL_MAX + 1];
	const struct unit *u = &w->u[i];
	size_t k = skeleton(w->pool + u->off, u->len, u->flags, skel, vow);
	if (k) {
		buf_add(out, skel, k);
		return;
	}
	/* only vowels: the letters themselves, without the ain / digraph
	 * breaker an abjad token keeps as an apostrophe (as unit_text) */
	for (size_t j = 0; j < u->len; j++)
		if (w->pool[u->off + j] != '\'')
			buf_addc(out, w->pool[u->off + j]);
}

int names_normalize(const char *name, size_t len, struct buf *out, struct err *e)
{
	struct work w;
	buf_reset(out);
	int rc = analyse(&w, name, len, e);
	if (rc == 0)
		normalized(&w, out);
	return rc;
}

int names_key(const char *name, size_t len, struct buf *out, struct err *e)
{
	struct work w;
	buf_reset(out);
	if (analyse(&w, name, len, e) < 0)
		return -1;
	if (w.nu > 0)
		unit_key(&w, w.nu - 1, out);
	if (!out->p)
		buf_add(out, "", 0);
	return 0;
}

int names_normalize_key(const char *name, size_t len, struct buf *norm, struct buf *key, struct err *e)
{
	struct work w;
	buf_reset(norm);
	buf_reset(key);
	if (analyse(&w, name, len, e) < 0)
		return -1;
	normalized(&w, norm);
	if (w.nu > 0)
		unit_key(&w, w.nu - 1, key);
	if (!key->p)
		buf_add(key, "", 0);
	return 0;
}

int names_keys(const char *name, size_t len, struct buf *out, struct err *e)
{
	struct work w;
	buf_reset(out);
	if (analyse(&w, name, len, e) < 0)
		return -1;
	if (w.nu > 0)
		unit_key(&w, w.nu - 1, out);
	for (int i = 1; i + 1 < w.nu && w.nu >= 3; i++) {
		if (w.u[i].flags & NAMES_TOK_INITIAL)
			continue;
		struct buf k = BUF_INIT;
		unit_key(&w, i, &k);
		/* skip a key already written */
		int dup = 0;
		for (const char *s = out->p; s && *s;) {
			const char *sp = strchr(s, ' ');
			size_t l = sp ? (size_t)(sp - s) : strlen(s);
			if (l == k.len && memcmp(s, k.p, l) == 0)
				dup = 1;
			s += l + (sp ? 1 : 0);
		}
		if (!dup && k.len) {
			buf_addc(out, ' ');
			buf_add(out, k.p, k.len);
		}
		buf_free(&k);
	}
	if (!out->p)
		buf_add(out, "", 0);
	return 0;
}

/* Builds a token for the concatenation of x and y (Abu Bakr / Abubakr,
 * Mac Donald / MacDonald) into storage the caller provides. */
struct joined {
	struct names_token t;
	char text[130];
	char skel[SKEL_MAX + 1];
	unsigned char vow[SKEL_MAX + 1];
};

static void join_tokens(struct joined *j, const struct names_token *x, const struct names_token *y)
{
	size_t n = 0;
	if (x->particle) {
		const char *pn = particle_names[x->particle];
		size_t l = strlen(pn);
		memcpy(j->text, pn, l);
		n = l;
	}
	size_t l = x->len < 60 ? x->len : 60;
	memcpy(j->text + n, x->text, l);
	n += l;
	if (y) {
		l = y->len < 60 ? y->len : 60;
		memcpy(j->text + n, y->text, l);
		n += l;
	}
	j->text[n] = 0;
	unsigned flags = (x->flags | (y ? y->flags : 0)) & NAMES_TOK_ABJAD;
	j->t.text = j->text;
	j->t.len = (unsigned short)n;
	j->t.skel_len = (unsigned short)skeleton(j->text, n, flags, j->skel, j->vow);
	j->t.skel = j->skel;
	j->t.vowels = j->vow;
	j->t.skel_mask = ~(uint64_t)0; /* unknown: tok_may_match bounds by length */
	j->t.particle = 0;
	j->t.flags = (unsigned char)flags;
}

/* ---- parsed names ---- */

/* FNV-1a of s: names whose hashes differ are not the same string. */
static unsigned norm_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int has_h_digraph(const char *t, size_t n);

/* NAMES_TOK_PLAIN for a token of that text and flags: token_sim() tries no
 * other reading of it (taa_token, literal_token). */
static unsigned plain_flag(const char *t, size_t n, unsigned flags)
{
	if (flags & NAMES_TOK_TAA)
		return 0;
	if (flags & NAMES_TOK_ABJAD)
		return NAMES_TOK_PLAIN;
	return has_h_digraph(t, n) || memmem(t, n, "ch", 2) ? 0 : NAMES_TOK_PLAIN;
}

int names_parse(const char *name, size_t len, struct names_name *out, struct err *e)
{
	return names_parse_with(name, len, out, NULL, NULL, e);
}

int names_parse_with(const char *name, size_t len, struct names_name *out, void *(*alloc)(void *ctx, size_t n),
		     void *ctx, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct work ws, *w = &ws;
	if (analyse(w, name, len, e) < 0)
		return -1;
	struct buf norm = BUF_INIT;
	normalized(w, &norm);
	/* the skeletons first, so that the block holds only what they use */
	char skel[NAMES_MAX_TOKENS][SKEL_MAX + 1];
	unsigned char vow[NAMES_MAX_TOKENS][SKEL_MAX + 1];
	size_t slen[NAMES_MAX_TOKENS];
	for (int i = 0; i < w->nu; i++)
		slen[i] = skeleton(w->pool + w->u[i].off, w->u[i].len, w->u[i].flags, skel[i], vow[i]);
	/* the first two tokens written together, as joined_first reads them */
	struct joined j01;
	int join = w->nu >= 2 && !((w->u[0].flags | w->u[1].flags) & NAMES_TOK_INITIAL);
	if (join) {
		struct names_token t0 = {.text = w->pool + w->u[0].off, .len = w->u[0].len, .particle = w->u[0].part,
					 .flags = w->u[0].flags};
		struct names_token t1 = {.text = w->pool + w->u[1].off, .len = w->u[1].len, .particle = w->u[1].part,
					 .flags = w->u[1].flags};
		join_tokens(&j01, &t0, &t1);
	}
	/* one block: tokens, then norm, then per token text / skel / vowels,
	 * then the join's skel / vowels */
	size_t need = (size_t)w->nu * sizeof(struct names_token) + norm.len + 1;
	for (int i = 0; i < w->nu; i++)
		need += w->u[i].len + 1 + 2 * (slen[i] + 1);
	if (join)
		need += 2 * ((size_t)j01.t.skel_len + 1);
	char *mem = alloc ? alloc(ctx, need) : xmalloc(need);
	struct names_token *tok = (struct names_token *)(void *)mem;
	char *p = mem + (size_t)w->nu * sizeof(struct names_token);
	memcpy(p, norm.p, norm.len + 1);
	out->norm = p;
	out->norm_hash = norm_hash(norm.p);
	p += norm.len + 1;
	for (int i = 0; i < w->nu; i++) {
		const struct unit *u = &w->u[i];
		struct names_token *t = &tok[i];
		memcpy(p, w->pool + u->off, u->len);
		p[u->len] = 0;
		t->text = p;
		t->len = u->len;
		p += u->len + 1;
		memcpy(p, skel[i], slen[i] + 1);
		t->skel = p;
		p += slen[i] + 1;
		memcpy(p, vow[i], slen[i] + 1);
		t->vowels = (unsigned char *)p;
		p += slen[i] + 1;
		t->skel_len = (unsigned short)slen[i];
		t->particle = u->part;
		t->flags = (unsigned char)(u->flags | plain_flag(t->text, t->len, u->flags));
		t->skel_mask = skel_mask(t->skel, slen[i]);
	}
	if (join) {
		out->join01 = j01.t;
		out->join01.text = NULL; /* not kept */
		memcpy(p, j01.skel, j01.t.skel_len + 1u);
		out->join01.skel = p;
		p += j01.t.skel_len + 1;
		memcpy(p, j01.vow, j01.t.skel_len + 1u);
		out->join01.vowels = (unsigned char *)p;
	}
	out->ntok = (size_t)w->nu;
	out->generation = w->suffix;
	out->tok = tok;
	out->mem = alloc ? NULL : mem;
	buf_free(&norm);
	return 0;
}

void names_name_key(const struct names_name *n, struct buf *out)
{
	buf_reset(out);
	if (n->ntok) {
		const struct names_token *t = &n->tok[n->ntok - 1];
		if (t->skel_len)
			buf_add(out, t->skel, t->skel_len);
		else /* only vowels: as unit_key */
			for (size_t j = 0; j < t->len; j++)
				if (t->text[j] != '\'')
					buf_addc(out, t->text[j]);
	}
	buf_add(out, "", 0);
}

void names_name_free(struct names_name *n)
{
	if (!n)
		return;
	free(n->mem);
	memset(n, 0, sizeof *n);
}

/* ---- comparison ---- */

/* Jaro-Winkler similarity of two short strings (the first 64 bytes). */
static double jaro_winkler(const char *a, size_t an, const char *b, size_t bn)
{
	if (an > 64)
		an = 64;
	if (bn > 64)
		bn = 64;
	if (!an && !bn)
		return 1.0;
	if (!an || !bn)
		return 0.0;
	size_t win = (an > bn ? an : bn) / 2;
	win = win > 0 ? win - 1 : 0;
	uint64_t am = 0, bm = 0;
	size_t m = 0;
	for (size_t i = 0; i < an; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < bn ? i + win + 1 : bn;
		for (size_t j = lo; j < hi; j++)
			if (!(bm >> j & 1) && a[i] == b[j]) {
				am |= (uint64_t)1 << i;
				bm |= (uint64_t)1 << j;
				m++;
				break;
			}
	}
	if (!m)
		return 0.0;
	size_t tr = 0, j = 0;
	for (size_t i = 0; i < an; i++) {
		if (!(am >> i & 1))
			continue;
		while (!(bm >> j & 1))
			j++;
		if (a[i] != b[j])
			tr++;
		j++;
	}
	double md = (double)m;
	double jaro = (md / (double)an + md / (double)bn + (md - (double)tr / 2) / md) / 3;
	size_t l = 0;
	while (l < 4 && l < an && l < bn && a[l] == b[l])
		l++;
	return jaro + (double)l * 0.1 * (1 - jaro);
}

static unsigned expand_vowels(unsigned m)
{
	unsigned x = 0;
	if (m & VA) x |= VA | VE;
	if (m & VE) x |= VA | VE | VI;
	if (m & VI) x |= VE | VI;
	if (m & (VO | VU)) x |= VO | VU;
	return x;
}

/* Number of consonant slots whose vowels cannot be the same (Hassan vs
 * Hussein: a against u; Maliki vs Malik: i against nothing).  Skeletons
 * must be equal.  Between two abjad romanisations the slots must be equal,
 * with one slot of slack for Persian/Arabic spelling in long names. */
/* What slot j of the abjad token t allows against a Latin spelling: a
 * word that starts with alef starts with a vowel (إسماعيل is Ismail, not
 * Samuel; أحمد not Hamid), and a taa marbuta (read h) ends it on a or e
 * (حمزة is Hamza, not Hamid; رحمة Rahma, not Rahim; فاطمة Fatima or
 * Fatemeh).  Between two abjad spellings the slots stay as they are
 * (فاطمة = فاطمه). */
static unsigned abjad_slot(const struct names_token *t, size_t j)
{
	unsigned x = t->vowels[j];
	if (!t->text || !t->len) /* a parsed name's first two tokens joined keep no text */
		return x;
	if (j == 0 && t->skel_len && is_vowel(t->text[0]))
		x &= VALL;
	if (j == t->skel_len && (t->flags & NAMES_TOK_TAA) && t->text[t->len - 1] == 'h')
		x &= VA | VE;
	return x;
}

static int vowel_conflicts(const struct names_token *a, const struct names_token *b)
{
	int aa = a->flags & NAMES_TOK_ABJAD, ba = b->flags & NAMES_TOK_ABJAD, c = 0;
	for (size_t j = 0; j <= a->skel_len; j++) {
		unsigned x = a->vowels[j], y = b->vowels[j];
		if (aa != ba) {
			x = aa ? abjad_slot(a, j) : x;
			y = ba ? abjad_slot(b, j) : y;
		}
		if (aa && ba)
			c += x != y;
		else if (!((x & y & VNONE) || (expand_vowels(x & VALL) & y & VALL)))
			c++;
	}
	if (aa && ba && c > 0 && a->skel_len >= 4)
		c--;
	return c;
}

static int ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int has_h_digraph(const char *t, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (t[i] == 'h' && strchr("cdgkpstz", t[i - 1]))
			return 1;
	return 0;
}

/* x again, with its skeleton read another way (SKEL_LITERAL, SKEL_CH_J). */
static void literal_token(struct joined *j, const struct names_token *x, unsigned mode)
{
	size_t n = x->len < sizeof j->text - 1 ? x->len : sizeof j->text - 1;
	memcpy(j->text, x->text, n);
	j->text[n] = 0;
	j->t = *x;
	j->t.text = j->text;
	j->t.len = (unsigned short)n;
	j->t.skel_len = (unsigned short)skeleton(j->text, n, x->flags | mode, j->skel, j->vow);
	j->t.skel = j->skel;
	j->t.vowels = j->vow;
	j->t.skel_mask = ~(uint64_t)0; /* unknown: tok_may_match bounds by length */
}

/* x again, its final h (from taa marbuta) read as t: عزة "azh" as Izzat. */
static void taa_token(struct joined *j, const struct names_token *x)
{
	literal_token(j, x, 0);
	if (j->t.len >= 2 && j->text[j->t.len - 1] == 'h') {
		j->text[j->t.len - 1] = 't';
		j->t.skel_len = (unsigned short)skeleton(j->text, j->t.len, x->flags, j->skel, j->vow);
	}
}

/* 1 if t is read by its letters only (names.h): a Latin token without a
 * vowel; 2 if it has three letters or fewer. */
static int bare_token(const struct names_token *t)
{
	for (size_t i = 0; i < t->len; i++)
		if (is_vowel(t->text[i]) || t->text[i] == 'y')
			return t->len <= 3 ? 2 : 0;
	return 1;
}

/* 1 if a and b (as long) differ only in vowels, y among them (Ali, Aly). */
static int vowels_apart(const struct names_token *a, const struct names_token *b)
{
	if (a->len != b->len)
		return 0;
	for (size_t i = 0; i < a->len; i++) {
		char x = a->text[i], y = b->text[i];
		if (x != y && !((is_vowel(x) || x == 'y') && (is_vowel(y) || y == 'y')))
			return 0;
	}
	return 1;
}

/* 1 if one of a and b is the other with an s after it (Union, Unions). */
static int plural_pair(const struct names_token *a, const struct names_token *b)
{
	const struct names_token *s = a->len < b->len ? a : b, *l = a->len < b->len ? b : a;
	return l->len == s->len + 1 && l->text[s->len] == 's' && memcmp(l->text, s->text, s->len) == 0;
}

/* For two plain tokens (no initial) whose texts differ: -1 if sound may
 * join them; else 1 if one is the other's plural (-s), 0 if they are two
 * words (see names.h).  A token of three letters may still be another
 * spelt with other vowels. */
static int letters_only(const struct names_token *a, const struct names_token *b)
{
	if (((a->flags | b->flags) & NAMES_TOK_ABJAD) || !a->text || !b->text || !a->len || !b->len)
		return -1;
	int ba = bare_token(a), bb = bare_token(b);
	if (ba != 1 && bb != 1 && (!(ba | bb) || vowels_apart(a, b)))
		return -1;
	return plural_pair(a, b);
}

/* For a one-word name's token a against b (either way round): -1 if
 * neither is an ordinary word (NAMES_TOK_WORD), their texts are the same
 * or one is romanised from Arabic script; else 1 if one is the other's
 * plural, 0 if not (names.h). */
static int word_letters(const struct names_token *a, const struct names_token *b)
{
	if (!((a->flags | b->flags) & NAMES_TOK_WORD) || ((a->flags | b->flags) & NAMES_TOK_ABJAD) ||
	    (a->len == b->len && !memcmp(a->text, b->text, a->len)))
		return -1;
	return plural_pair(a, b);
}

/* How well two tokens agree, in [0,1]; TOK_MATCH or more means they can be
 * the same word. */
static double token_sim(const struct names_token *a, const struct names_token *b)
{
	double pf = 1.0;
	if (!a->particle != !b->particle && !((a->flags | b->flags) & NAMES_TOK_INITIAL)) {
		/* Abu Bakr / Abubakr */
		struct joined j;
		const struct names_token *with = a->particle ? a : b, *without = a->particle ? b : a;
		join_tokens(&j, with, NULL);
		if (j.t.skel_len == without->skel_len && memcmp(j.t.skel, without->skel, j.t.skel_len) == 0 &&
		    !vowel_conflicts(&j.t, without))
			return 0.95;
	}
	if (a->particle != b->particle) {
		unsigned pa = a->particle, pb = b->particle;
		if (pa && pb)
			pf = 0.5;
		else if ((pa | pb) == NAMES_PART_BIN)
			pf = 0.97;
		else
			pf = 0.6;       /* Abu Mahdi is not Mahdi */
	}
	int ai = a->flags & NAMES_TOK_INITIAL, bi = b->flags & NAMES_TOK_INITIAL;
	if (ai || bi) {
		if (ai && bi)
			return a->text[0] == b->text[0] ? 0.95 * pf : 0.0;
		const struct names_token *full = ai ? b : a, *ini = ai ? a : b;
		if (full->text[0] == ini->text[0])
			return 0.88 * pf;
		if ((full->flags & NAMES_TOK_ABJAD) && full->skel_len && full->skel[0] == ascii_upper(ini->text[0]))
			return 0.82 * pf;
		return 0.0;
	}
	if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0)
		return pf;
	int lo = letters_only(a, b);
	if (lo >= 0)
		return lo ? 0.95 * pf : 0.0;
	int mixed = (a->flags ^ b->flags) & NAMES_TOK_ABJAD;
	if (a->skel_len == b->skel_len && memcmp(a->skel, b->skel, a->skel_len) == 0) {
		int c = vowel_conflicts(a, b);
		if (!c)
			return (0.92 + 0.08 * jaro_winkler(a->text, a->len, b->text, b->len)) * pf;
		double s = 0.65 - 0.1 * (c - 1);
		return (s < 0.3 ? 0.3 : s) * pf;
	}
	double js = jaro_winkler(a->skel, a->skel_len, b->skel, b->skel_len);
	if (js < 0.6)
		return (mixed ? 0.9 * js : 0.5 * js + 0.2) * pf;   /* far apart: no need to look closer */
	/* Latin "sh" may be s + h (Is-haq), "th" t + h (Tehran), "ch" sh
	 * (Bachar); an Arabic taa marbuta t (Izzat) */
	struct joined alt[2][2];
	const struct names_token *va[3] = {a, NULL, NULL}, *vb[3] = {b, NULL, NULL};
	const struct names_token *src[2] = {a, b};
	const struct names_token **dst[2] = {va, vb};
	for (int x = 0; x < 2; x++) {
		const struct names_token *t = src[x];
		if (t->flags & NAMES_TOK_TAA) {
			taa_token(&alt[x][0], t);
			dst[x][1] = &alt[x][0].t;
		}
		if (t->flags & NAMES_TOK_ABJAD)
			continue;
		if (has_h_digraph(t->text, t->len)) {
			literal_token(&alt[x][0], t, SKEL_LITERAL);
			dst[x][1] = &alt[x][0].t;
		}
		if (memmem(t->text, t->len, "ch", 2)) {
			literal_token(&alt[x][1], t, SKEL_CH_J);
			dst[x][2] = &alt[x][1].t;
		}
	}
	for (int x = 0; x < 3; x++)
		for (int y = 0; y < 3; y++) {
			if (!va[x] || !vb[y] || (!x && !y))
				continue;
			if (va[x]->skel_len == vb[y]->skel_len &&
			    memcmp(va[x]->skel, vb[y]->skel, va[x]->skel_len) == 0 && !vowel_conflicts(va[x], vb[y]))
				return 0.9 * pf;
		}
	size_t minlen = a->skel_len < b->skel_len ? a->skel_len : b->skel_len;
	double s = mixed ? 0.9 * js : 0.5 * js + 0.5 * jaro_winkler(a->text, a->len, b->text, b->len);
	if (minlen < 4)
		s *= 0.85;
	/* one name extends the other: Haddad / Haddadin, Ahmadi / Ahmadinejad */
	if (minlen >= 2 && memcmp(a->skel, b->skel, minlen) == 0 && s > 0.7)
		s = 0.7;
	return s * pf;
}

#define MAXT NAMES_MAX_TOKENS

/* 1 for Mohammad, Muhammad, Mohammed, Mohamed, محمد and Ali, علي: names
 * that often open a compound given name (Mohammad Javad, Ali Akbar). */
static int compound_first(const struct names_token *t)
{
	if (t->particle)
		return 0;
	if (t->skel_len == 4 && memcmp(t->skel, "MHMZ", 4) == 0)
		return (t->vowels[3] & (VA | VE | VI)) && (t->vowels[4] & VNONE);
	if (t->skel_len == 1 && t->skel[0] == 'L')
		return (t->vowels[0] & VA) && (t->vowels[1] & VI) && !(t->vowels[1] & VNONE);
	return 0;
}

typedef double simtab[MAXT][MAXT];

/* Aligns the shorter name s (n tokens) into l (m tokens), in order (see
 * names.h), given sim[i][j] = token_sim(s[i], l[j]).  jsim, if not NULL,
 * says (> 0) where s[i] matches l[j] and l[j+1] written together.  Returns
 * the score, or -1 if no alignment exists; *given_only is set when the one
 * token of s matched only l's first (given) name. */
static double align(const struct names_token *s, size_t n, const struct names_token *l, size_t m,
		    const simtab sim, const simtab jsim, int *given_only)
{
	static const double NEG = -1.0;
#define JSIM(i, j) (jsim ? jsim[i][j] : NEG)
	*given_only = 0;
	if (n == 1) {
		double best = NEG;
		for (size_t j = 0; j < m; j++) {
			double f = m == 1 ? 1.0 : j == m - 1 ? 0.96 : j > 0 ? 0.88 : 0.70;
			double v = sim[0][j] >= TOK_MATCH ? sim[0][j] * f : NEG;
			if (JSIM(0, j) > 0) {
				double g = m == 2 ? 1.0 : j + 1 == m - 1 ? 0.96 : 0.85;
				if (JSIM(0, j) * g > v)
					v = JSIM(0, j) * g;
			}
			if (v > best) {
				best = v;
				*given_only = m > 1 && j == 0 && !(JSIM(0, 0) > 0 && m == 2);
			}
		}
		return best;
	}
	/* f[i][j]: best weighted sum with s[i] ending at l[j]; used: l tokens taken */
	double f[MAXT][MAXT];
	int used[MAXT][MAXT];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			f[i][j] = NEG, used[i][j] = 0;
	if (sim[0][0] >= TOK_MATCH)
		f[0][0] = sim[0][0], used[0][0] = 1;
	if (m > 1 && JSIM(0, 0) > 0 && JSIM(0, 0) > f[0][1])
		f[0][1] = JSIM(0, 0), used[0][1] = 2;
	/* Mohammad Javad Zarif is also Javad Zarif, Ali Akbar Rafsanjani Akbar
	 * Rafsanjani: the first of a compound given name may go */
	if (m > n && sim[0][1] >= TOK_MATCH && compound_first(&l[0]) && 0.95 * sim[0][1] > f[0][1])
		f[0][1] = 0.95 * sim[0][1], used[0][1] = 1;
	for (size_t i = 1; i < n; i++) {
		double w = i == n - 1 ? 1.5 : 1.0;
		for (size_t j = i; j < m; j++) {
			for (int join = 0; join < 2; join++) {
				double v = join ? (j >= 1 ? JSIM(i, j - 1) : NEG) : sim[i][j];
				if (join ? v <= 0 : v < TOK_MATCH)
					continue;
				size_t first = join ? j - 1 : j;       /* first l token this s token takes */
				for (size_t k = i - 1; k < first; k++) {
					if (f[i - 1][k] < 0)
						continue;
					/* tokens skipped between: never an initial when
					 * s names middle tokens of its own */
					int ok = 1;
					for (size_t q = k + 1; q < first && n >= 3; q++)
						if (l[q].flags & NAMES_TOK_INITIAL)
							ok = 0;
					if (!ok)
						continue;
					double c = f[i - 1][k] + w * v;
					if (c > f[i][j]) {
						f[i][j] = c;
						used[i][j] = used[i - 1][k] + (join ? 2 : 1);
					}
				}
			}
		}
	}
#undef JSIM
	double best = NEG, wsum = (double)(n - 1) + 1.5;
	for (size_t j = n - 1; j < m; j++) {
		if (f[n - 1][j] < 0)
			continue;
		double v = f[n - 1][j] / wsum;
		if (j < m - 1)
			v *= 0.92;              /* the surname is not the last token */
		int skipped = (int)m - used[n - 1][j];
		v *= 1.0 - 0.03 * skipped;
		if (v > best)
			best = v;
	}
	return best;
}

/* jsim for align(): where s[i] (its particle written in) has the skeleton
 * and vowels of l[j] and l[j+1] written together (Danaee Far, Abu Bakr).
 * Joining costs a skeleton, so a pair is joined only if some s[i] could
 * equal it: a token of two consonants or more and no particle starts its
 * joined skeleton with its own first consonant (every letter that decides
 * that one is inside the token), so no s[i] starting otherwise can match.
 * l01, if not NULL, is l[0] and l[1] written together (names_name's
 * join01).  Returns 1 if some entry is set (> 0), else 0 (jsim is then all
 * -1, and align() with it is align() without it). */
static int joined_table(const struct names_token *s, size_t n, const struct names_token *l, size_t m,
			const struct names_token *l01, simtab jsim)
{
	int any = 0;
	struct joined jl, js[MAXT];
	const struct names_token *sp[MAXT];
	for (size_t i = 0; i < n; i++) {
		sp[i] = &s[i];
		if (s[i].particle) {
			join_tokens(&js[i], &s[i], NULL);
			sp[i] = &js[i].t;
		}
		for (size_t j = 0; j < m; j++)
			jsim[i][j] = -1.0;
	}
	for (size_t j = 0; j + 1 < m; j++) {
		if ((l[j].flags | l[j + 1].flags) & NAMES_TOK_INITIAL)
			continue;
		int need = l[j].particle || l[j].skel_len < 2 || l[j].len > 60;
		for (size_t i = 0; i < n && !need; i++)
			need = sp[i]->skel_len > 0 && sp[i]->skel[0] == l[j].skel[0];
		if (!need)
			continue;
		const struct names_token *t = l01;
		if (j || !t) {
			join_tokens(&jl, &l[j], &l[j + 1]);
			t = &jl.t;
		}
		for (size_t i = 0; i < n; i++) {
			const struct names_token *si = sp[i];
			if (si->flags & NAMES_TOK_INITIAL)
				continue;
			if (si->skel_len == t->skel_len && !memcmp(si->skel, t->skel, si->skel_len) && !vowel_conflicts(si, t))
				jsim[i][j] = 0.9, any = 1;
		}
	}
	return any;
}

/* Where joined_table(s, n, l, m, NULL, jsim) puts a match into jsim[0][0]: s[0]
 * (its particle written in) against l[0] and l[1] written together, under
 * the same condition for joining them (some s[i] could equal the join).
 * Returns jsim[0][0]: 0.9 or -1. */
static double joined_first(const struct names_token *s, size_t n, const struct names_token *l, size_t m,
			   const struct names_token *l01)
{
	if (m < 2 || ((l[0].flags | l[1].flags) & NAMES_TOK_INITIAL))
		return -1.0;
	struct joined js0, jl;
	const struct names_token *s0 = &s[0];
	if (s[0].particle) {
		join_tokens(&js0, &s[0], NULL);
		s0 = &js0.t;
	}
	if (s0->flags & NAMES_TOK_INITIAL)
		return -1.0;
	int need = l[0].particle || l[0].skel_len < 2 || l[0].len > 60;
	for (size_t i = 0; i < n && !need; i++) {
		struct joined ji;
		const struct names_token *si = &s[i];
		if (i == 0)
			si = s0;
		else if (s[i].particle) {
			join_tokens(&ji, &s[i], NULL);
			si = &ji.t;
		}
		need = si->skel_len > 0 && si->skel[0] == l[0].skel[0];
	}
	if (!need)
		return -1.0;
	const struct names_token *t = l01;
	if (!t) {
		join_tokens(&jl, &l[0], &l[1]);
		t = &jl.t;
	}
	int same = s0->skel_len == t->skel_len && !memcmp(s0->skel, t->skel, s0->skel_len) && !vowel_conflicts(s0, t);
	return same ? 0.9 : -1.0;
}

/* The bits set in x (without -mpopcnt, __builtin_popcountll is a call). */
static size_t popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555u);
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (size_t)((x * 0x0101010101010101u) >> 56);
}

/* 0 if token_sim(a, b) is certainly below TOK_MATCH, judged without
 * computing it; else 1.  For two plain tokens (no particle, no initial)
 * whose texts and skeletons differ, token_sim is below TOK_MATCH when the
 * Jaro-Winkler similarity js of the skeletons is below 0.6; and, when
 * neither has another reading (NAMES_TOK_PLAIN), when js is below 0.88 and
 * the shorter skeleton has fewer than 4 letters (at most (0.5 js + 0.5)
 * 0.85 < 0.8) or one token is romanised and the other not (at most 0.9 js).
 * js is bounded above from the letters they share (skel_mask: a and b are
 * parsed tokens) and their common prefix. */
static int tok_may_match(const struct names_token *a, const struct names_token *b)
{
	if (a->particle || b->particle || ((a->flags | b->flags) & NAMES_TOK_INITIAL) || !a->skel_len || !b->skel_len)
		return 1;
	if (a->len == b->len && !memcmp(a->text, b->text, a->len))
		return 1;
	/* matches: at most the shorter length, and, when either skeleton has
	 * no letter twice, at most the letters both have (equal skeletons
	 * pass: the bound is then 1) */
	size_t an = a->skel_len, bn = b->skel_len, mt = an < bn ? an : bn;
	uint64_t top = (uint64_t)1 << 63;
	if (!(a->skel_mask & b->skel_mask & top)) {
		size_t common = popcount64(a->skel_mask & b->skel_mask & ~top);
		if (common < mt)
			mt = common;
	}
	if (mt) {
		/* jaro <= (mt/an + mt/bn + 1) / 3 and jaro_winkler = jaro + pre/10
		 * (1 - jaro) >= 0.6 needs jaro >= (6 - pre) / (10 - pre), that is
		 * mt (an + bn) >= (3 (6 - pre) / (10 - pre) - 1) an bn: in
		 * integers, exact (a bound below 0.6 is at least 1e-5 below);
		 * for 0.88, 3 (8.8 - pre) / (10 - pre) - 1 = (82 - 10 pre) /
		 * (5 (10 - pre)) */
		static const unsigned num[2][5] = {{4, 2, 1, 2, 0}, {82, 72, 62, 52, 42}},
				      den[2][5] = {{5, 3, 2, 7, 1}, {50, 45, 40, 35, 30}};
		int tight = (a->flags & b->flags & NAMES_TOK_PLAIN) &&
			    ((an < bn ? an : bn) < 4 || ((a->flags ^ b->flags) & NAMES_TOK_ABJAD));
		size_t pre = 0;
		while (pre < 4 && pre < an && pre < bn && a->skel[pre] == b->skel[pre])
			pre++;
		/* the bound first: it rules out most pairs, from the masks
		 * and lengths at hand, where letters_only reads both texts */
		if (mt * (an + bn) * den[tight][pre] >= num[tight][pre] * an * bn)
			return letters_only(a, b) != 0;
	}
	return 0; /* (the same texts returned 1 above) */
}

/* 0 if align() of the shorter name s (n >= 2 tokens) into l, with or
 * without joined tokens, cannot start: its first token must take l[0], l[0]
 * and l[1] written together (l01, that join if known), or l[1] after a
 * compound's first (see align); first00 says token_sim(s[0], l[0]) >=
 * TOK_MATCH.  Else 1 (an alignment may exist). */
static int first_can_align(const struct names_token *s, size_t n, const struct names_token *l, size_t m,
			   const struct names_token *l01, int first00)
{
	if (first00)
		return 1;
	if (m > n && compound_first(&l[0]) && tok_may_match(&s[0], &l[1]) && token_sim(&s[0], &l[1]) >= TOK_MATCH)
		return 1;
	return joined_first(s, n, l, m, l01) > 0;
}

/* names_compare(); with score 0, a pair that cannot be the same returns
 * -1 as soon as that is known, without its score. */
static double compare(const struct names_name *a, const struct names_name *b, int *same, int score)
{
	int dummy;
	if (!same)
		same = &dummy;
	*same = 0;
	if (!a || !b || !a->ntok || !b->ntok)
		return 0.0;
	/* Donald Trump Jr. is not Donald Trump Sr. */
	double gen = a->generation && b->generation && a->generation != b->generation ? 0.7 : 1.0;
	if (a->norm_hash == b->norm_hash && strcmp(a->norm, b->norm) == 0) {
		*same = gen == 1.0;
		return gen;
	}
	const struct names_name *sn = a, *ln = b;
	if (b->ntok < a->ntok)
		sn = b, ln = a;
	const struct names_token *s = sn->tok, *l = ln->tok;
	size_t n = sn->ntok < MAXT ? sn->ntok : MAXT, m = ln->ntok < MAXT ? ln->ntok : MAXT;
	simtab sim, jsim;
	/* Most pairs that share a surname differ at the first given name: no
	 * alignment can start there (either way round when the names are as
	 * long), so the score is the one for no alignment below, from two
	 * token pairs instead of every one. */
	/* without a score, token_sim(s[0], l[0]) only where it may reach TOK_MATCH */
	int known = score || tok_may_match(&s[0], &l[0]);
	double sim00 = known ? token_sim(&s[0], &l[0]) : 0.0;
	int first00 = known && sim00 >= TOK_MATCH;
	const struct names_token *s01 = sn->join01.skel ? &sn->join01 : NULL, *l01 = ln->join01.skel ? &ln->join01 : NULL;
	if (n >= 2 && !first_can_align(s, n, l, m, l01, first00) && !(n == m && first_can_align(l, m, s, n, s01, first00))) {
		if (!score)
			return -1.0;
		double soft = (sim00 + 1.5 * token_sim(&s[n - 1], &l[m - 1])) / 2.5;
		return 0.7 * soft;
	}
	/* Without a score only the pairs at TOK_MATCH or above count (align
	 * and the decision read no other), so a pair that certainly stays
	 * below is 0 without computing it: the same decision and, when the
	 * names are the same, the same score (made of those pairs alone). */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			sim[i][j] = !i && !j && known ? sim00
				    : score || tok_may_match(&s[i], &l[j]) ? token_sim(&s[i], &l[j])
									   : 0.0;
	/* a one-word name that is an ordinary word, or meets one, by its
	 * letters alone, and never by an initial: Dow is not James D., CIA
	 * not L.L.C. (names.h) */
	for (size_t j = 0; n == 1 && j < m; j++) {
		int w = -1;
		if ((s[0].flags ^ l[j].flags) & NAMES_TOK_INITIAL)
			w = 0;
		else if (!(s[0].flags & NAMES_TOK_INITIAL) && s[0].text && l[j].text)
			w = word_letters(&s[0], &l[j]);
		if (w >= 0)
			sim[0][j] = w ? 0.95 : 0.0;
	}
	int given_only = 0;
	double v = align(s, n, l, m, (const double(*)[MAXT])sim, NULL, &given_only);
	if (v < 0 || given_only) {
		/* again, letting a token match two written together */
		int g2 = given_only;
		double v2 = v;  /* no join in either table: align() as before */
		if (joined_table(s, n, l, m, l01, jsim))
			v2 = align(s, n, l, m, (const double(*)[MAXT])sim, (const double(*)[MAXT])jsim, &g2);
		if (n == m && joined_table(l, m, s, n, s01, jsim)) {
			simtab simt;
			int g3 = 0;
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < m; j++)
					simt[j][i] = sim[i][j];
			double v3 = align(l, m, s, n, (const double(*)[MAXT])simt, (const double(*)[MAXT])jsim, &g3);
			if (v3 > v2)
				v2 = v3, g2 = g3;
		}
		if (v2 > v || (given_only && v2 >= v))
			v = v2, given_only = g2;
	}
	if (v >= 0) {
		if (v > 1.0)
			v = 1.0;
		v *= gen;
		*same = !given_only && v >= NAMES_SAME_THRESHOLD;
		return v;
	}
	/* no alignment: say how close they came, below the threshold */
	double soft = n == 1 ? sim[0][m - 1] : (sim[0][0] + 1.5 * sim[n - 1][m - 1]) / 2.5;
	return 0.7 * soft;
}

double names_compare(const struct names_name *a, const struct names_name *b, int *same)
{
	return compare(a, b, same, 1);
}

int names_same(const struct names_name *a, const struct names_name *b, double *score)
{
	int same = 0;
	double v = compare(a, b, &same, 0);
	if (same && score)
		*score = v;
	return same;
}

double names_similarity(const char *a, size_t alen, const char *b, size_t blen, int *same)
{
	struct names_name na, nb;
	struct err e;
	if (same)
		*same = 0;
	if (names_parse(a, alen, &na, &e) < 0)
		return -1.0;
	if (names_parse(b, blen, &nb, &e) < 0) {
		names_name_free(&na);
		return -1.0;
	}
	double v = names_compare(&na, &nb, same);
	names_name_free(&na);
	names_name_free(&nb);
	return v;
}
