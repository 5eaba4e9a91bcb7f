/*
 * names.h — person-name matching across spellings and scripts: the
 * normalised form of a name, a cheap blocking key for its surname, and a
 * same/different decision with a score.  resolve uses it to group mentions
 * into entities; `weft match` exposes it on the command line.
 *
 * What counts as one name:
 *   - NFKC, case folding, accents stripped (Haïder = Haider);
 *   - Arabic, Persian, Cyrillic, Greek ... script romanised with ICU
 *     ("Russian-Latin/BGN; Any-Latin; Latin-ASCII"), after Persian ی/ک are
 *     read as Arabic ي/ك, hamza seats (أ إ آ) as ا, taa marbuta as ه, and
 *     ZWNJ, tatweel and harakat are dropped (a Persian ه before ZWNJ is a
 *     silent -e: خامنه‌ای = Khamenei); leftover marks (ʿ ʾ ' ’) vanish;
 *   - leading titles (Mr, Dr, Sheikh, Sayyid, Ayatollah, Prime Minister,
 *     Gen., Maj. Gen., Amb., Haji, Mirza, ...) and trailing Jr/Sr/III go;
 *   - the article al-/el-/ad-/ash-/... (and Arabic ال) goes, so al-Maliki =
 *     al Maliki = Al Maliki = Maliki = المالكي; bin/ibn/bint/Abu/Umm stay
 *     as part of the name that follows them ("bin laden");
 *   - Abd al-X / Abdul X / Abdel-X / عبد ال X become one token "abdulx";
 *     Persian suffixes written apart (Danaee Far, Hosseini Zadeh) are joined.
 *
 * Each token gets a consonant skeleton in sound classes (q/k/g/gh, j/y-,
 * s/ss/ts/th/sh, d/z/dh/zh, h/kh/ch, f/ph; vowels and medial w/v/y are
 * dropped, doubles collapsed) plus the vowels around each consonant, so that
 * "qasm slymany" (Arabic script has no short vowels) meets Qassem Soleimani
 * while Hassan and Hussein, or Bashar and Bashir, stay apart.
 *
 * Structure: the last token is the surname.  A surname alone is compatible
 * with a full name (a little lower score); given names must agree (Saddam
 * Hussein != Fuad Hussein); an initial agrees with a full given name
 * (J. Risen ~ James Risen) but not with another initial (George W. Bush !=
 * George H. W. Bush).  Tokens may be left out of the longer name in the
 * middle (Nouri Kamel al-Maliki ~ Nouri al-Maliki, Bayan Jabr ~ Bayan Baqir
 * Solagh Jabr al-Zubaidi) and a leading Mohammad or Ali of a compound given
 * name may go (Mohammad Javad Zarif ~ Javad Zarif).  Jr. and Sr. conflict.
 *
 * Limits: only the first NAMES_MAX_INPUT bytes of a name and its first
 * NAMES_MAX_TOKENS tokens are read.  Aliases (Jawad al-Maliki for Nouri
 * al-Maliki) and acronyms (IRGC) are beyond spelling and are not matched
 * here.  An Arabic-script name without long vowels (حسن) cannot tell Hassan
 * from Hussein and is compatible with both.
 *
 * Threads: every function may be called from any number of threads at once.
 * ICU's transliterator is opened once and cloned per thread (a clone is
 * never shared); each thread also keeps a cache of romanised words (about
 * 180 KB); both are released when the thread exits.
 *
 * Cost (one core, -O2): names_key ~600k ASCII names/s, ~200k/s for
 * Arabic-script names once their words are in the thread's cache (ICU alone
 * manages ~30k words/s); names_compare ~500k parsed pairs/s.
 */
#ifndef WEFT_NAMES_H
#define WEFT_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define NAMES_MAX_INPUT 256   /* bytes of a name that are read */
#define NAMES_MAX_TOKENS 24   /* tokens of a name that are kept */

/* The score at or above which names_similarity() says "same": calibrated on
 * tests/data/names.tsv. */
#define NAMES_SAME_THRESHOLD 0.80

/* Particles kept in front of a token. */
enum names_particle { NAMES_PART_NONE = 0, NAMES_PART_BIN, NAMES_PART_BINT, NAMES_PART_ABU, NAMES_PART_UMM };

/* Token flags. */
#define NAMES_TOK_INITIAL 1u  /* a single letter: "J." */
#define NAMES_TOK_ABJAD 2u    /* romanised from Arabic/Hebrew script: no short vowels */
#define NAMES_TOK_TAA 4u      /* an abjad word ending in taa marbuta (ة): its final h
                               * may be read t, as in a name before another
                               * (عزة إبراهيم Izzat Ibrahim) */
#define NAMES_TOK_PLAIN 8u    /* read one way only: no taa marbuta, and no Latin
                               * h digraph (sh, th ...) nor ch that might be
                               * two letters or a j (names_parse sets it) */
#define NAMES_TOK_WORD 16u    /* an ordinary word where the name was found (the
                               * caller sets it: resolve, from the case's text):
                               * a one-word name meets it, or it as a one-word
                               * name meets another, by its letters only, never
                               * by sound (Union is not Onion, nor Born Gordon
                               * Brown); see names_compare */

/* One token of a parsed name.  All pointers point into the owning
 * names_name's memory. */
struct names_token {
	const char *text;               /* normalised token: [a-z0-9]+; an abjad token
	                                 * may hold ' between two letters that are
	                                 * not a digraph (ت ه: t'h, not ث th) */
	const char *skel;               /* consonant skeleton: sound classes, e.g. "SLMN" */
	const unsigned char *vowels;    /* skel_len + 1 vowel masks (names.c's VA ...
	                                 * VNONE): before the first consonant, then
	                                 * after each one */
	unsigned short len, skel_len;
	unsigned char particle;         /* enum names_particle */
	unsigned char flags;            /* NAMES_TOK_* */
	uint64_t skel_mask;             /* the letters and digits of skel (bit c - '0'),
	                                 * bit 63 if one repeats, for a bound on
	                                 * their similarity (names_parse sets it;
	                                 * all bits: not known) */
};

/* A name parsed once, to be compared many times (names_compare).  Fill it
 * with names_parse(); release it with names_name_free().  Read-only after
 * parsing: many threads may compare the same names_name at once.  The last
 * token is the surname. */
struct names_name {
	size_t ntok;
	struct names_token *tok;
	const char *norm;               /* names_normalize()'s string */
	unsigned norm_hash;             /* a hash of it: different, the strings differ */
	int generation;                 /* 0, or 1 + which of Jr, Sr, II, III, IV, V
	                                 * ends the name: two different ones conflict */
	struct names_token join01;      /* the first two tokens written together (Abu
	                                 * Bakr as Abubakr): its skel, vowels and flags
	                                 * only; skel NULL if fewer than two tokens or
	                                 * an initial among them */
	void *mem;                      /* the one allocation that owns all the above
	                                 * (NULL: the caller's, names_parse_with) */
};

/* Writes the normalised name (folded, romanised, titles and articles
 * stripped, tokens separated by single spaces, e.g. "adel abdulmahdi") to
 * out, replacing its contents.  name need not be NUL-terminated nor valid
 * UTF-8 (bad bytes are dropped).  A name of nothing but punctuation gives
 * "".  Returns 0, or -1 with e set if ICU cannot be loaded.  The caller owns
 * out (buf_free). */
int names_normalize(const char *name, size_t len, struct buf *out, struct err *e);

/* Writes the blocking key of the name's surname to out (replacing its
 * contents): its consonant skeleton in sound classes, e.g. "SLMN" for
 * Soleimani, Suleimani, Sulaymani and سليماني alike.  Empty when the name
 * has no letters or digits.  Cheap (no allocation for ASCII names).  Returns
 * 0, or -1 with e set if ICU cannot be loaded.  The caller owns out. */
int names_key(const char *name, size_t len, struct buf *out, struct err *e);

/* names_normalize() into norm and names_key() into key from one analysis
 * of the name.  Returns 0, or -1 with e set; the caller owns both. */
int names_normalize_key(const char *name, size_t len, struct buf *norm, struct buf *key, struct err *e);

/* Like names_key(), but writes every key under which the name should be
 * found, separated by single spaces: the surname's key first, then, for
 * names of three tokens or more, the keys of the middle tokens (Bayan Baqir
 * Solagh Jabr al-Zubaidi is also filed under Jabr's "JBR").  No key is
 * repeated.  Returns 0 or -1 with e set; the caller owns out. */
int names_keys(const char *name, size_t len, struct buf *out, struct err *e);

/* Two Latin-script tokens, one flagged NAMES_TOK_WORD or too bare to be
 * sounded out (no vowel, y counted as one: an acronym, DVD is not David,
 * GC not CCCCC; or three letters or fewer: DAS is not Davis), are one word
 * only when their letters are the same, or one is the other's plural (-s);
 * two of three letters or fewer may still differ in vowels (Ali, Aly).  A
 * token romanised from Arabic script is never read that way (علي is Ali).
 * A one-word name never meets another by an initial (Dow is not James D.,
 * nor CIA L.L.C.). */

/* Compares two names: returns a score in [0,1] and sets *same (if not NULL)
 * to 1 when they can be the same person (score >= NAMES_SAME_THRESHOLD and
 * no conflicting given name or initial), else 0.  Identical names score 1;
 * a surname alone against a full name scores a little lower.  Returns -1
 * (and *same = 0) if ICU cannot be loaded.  Nothing to free. */
double names_similarity(const char *a, size_t alen, const char *b, size_t blen, int *same);

/* Parses a name into *out (which needs no initialisation) for repeated
 * comparison.  Returns 0, or -1 with e set (ICU cannot be loaded; *out is
 * then empty and names_name_free() on it is harmless).  The caller frees
 * *out with names_name_free(). */
int names_parse(const char *name, size_t len, struct names_name *out, struct err *e);

/* names_parse(), with the one block a parse needs taken from alloc(ctx,
 * size) (suitably aligned for pointers and 64-bit integers, never NULL)
 * instead of malloc: for callers that parse many names and free them all at
 * once.  out->mem is then NULL (names_name_free() frees nothing) and the
 * block is the caller's. */
int names_parse_with(const char *name, size_t len, struct names_name *out, void *(*alloc)(void *ctx, size_t n),
		     void *ctx, struct err *e);

/* Writes to out (replacing its contents) the key names_key() gives for the
 * name n was parsed from, read from its last token without analysing the
 * name again.  The caller owns out. */
void names_name_key(const struct names_name *n, struct buf *out);

/* Releases what names_parse() allocated and leaves *n empty. */
void names_name_free(struct names_name *n);

/* names_similarity() on parsed names: the same score and decision, without
 * normalising again.  Allocates nothing. */
double names_compare(const struct names_name *a, const struct names_name *b, int *same);

/* names_compare()'s decision alone: 1 if a and b can be the same person
 * (then *score, if not NULL, gets names_compare()'s score), else 0 (*score
 * untouched).  Cheaper for the many pairs that are not, whose score it
 * does not compute.  Allocates nothing. */
int names_same(const struct names_name *a, const struct names_name *b, double *score);

#endif
