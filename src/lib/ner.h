/*
 * ner.h — the named-entity recognizer: a linear-chain averaged perceptron
 * over BILOU tags decoded with constrained Viterbi, plus the rule pass of
 * rules.h for DATE / EMAIL / URL / PHONE.
 *
 * Features: word, lower-cased word, shapes, prefixes/suffixes, neighbours
 * and their shapes, sentence position and all-caps sentences, gazetteers
 * (ISO 3166 countries and regions, entity lists from the training data),
 * per-word case statistics, document-level case evidence, and the
 * prediction history (what the model said earlier in the same document
 * about the same capitalised word).  All of it is baked into the model file.
 *
 * A model is trained from CoNLL-2003 column files (ner_train), saved as one
 * versioned binary file, and loaded with one read (ner_load).  A loaded
 * model is read-only: any number of threads may call ner_tag_text() /
 * ner_tag_tokens() on the same model at once; every call uses its own
 * scratch memory and no global state is modified.
 *
 * Labels exchanged with callers are IOB2 ids (enum ner_label); the model's
 * internal BILOU tags never leave this module.
 */
#ifndef WEFT_NER_H
#define WEFT_NER_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* Mention types.  The first four come from the statistical model, the rest
 * from the rule pass. */
enum ner_type {
	NER_PER, NER_ORG, NER_LOC, NER_MISC,
	NER_DATE, NER_EMAIL, NER_URL, NER_PHONE,
	NER_NTYPES
};
#define NER_NMODEL_TYPES 4

/* "PER", "ORG", ... for an enum ner_type; "?" when out of range.  Static
 * strings, never freed. */
const char *ner_type_name(int type);
/* The enum ner_type for a name, or -1. */
int ner_type_parse(const char *name, size_t len);

/* IOB2 labels: 0 = O, then B-/I- for PER, ORG, LOC, MISC. */
enum ner_label {
	NER_O = 0,
	NER_B_PER, NER_I_PER, NER_B_ORG, NER_I_ORG,
	NER_B_LOC, NER_I_LOC, NER_B_MISC, NER_I_MISC,
	NER_NLABELS
};
/* "O", "B-PER", ... (static strings). */
const char *ner_label_name(int label);

struct ner_model;

/* One mention found in a document. */
struct ner_mention {
	size_t start, end;      /* byte offsets into the tagged text: [start,end) */
	const char *type;       /* "PER", "ORG", ... static string, not freed */
	int type_id;            /* enum ner_type */
	size_t sentence;        /* index into ner_result.sentences */
	char *value;            /* normalised value (DATE "2019-10", EMAIL lower-
	                         * cased, ...) or NULL; owned by the result */
};

struct ner_span {
	size_t start, end;      /* byte offsets of a sentence */
};

/* What ner_tag_text() returns; owns its arrays and the value strings.
 * Mentions are sorted by start offset. */
struct ner_result {
	struct ner_span *sentences;
	size_t nsentences;
	struct ner_mention *mentions;
	size_t nmentions;
	size_t ntokens;         /* tokens the text was split into */
};

#define NER_RESULT_INIT {NULL, 0, NULL, 0, 0}

/* Loads a model file (one read).  Returns the model, which the caller frees
 * with ner_free(), or NULL with e set when the file is missing, truncated,
 * of another format or version, or corrupt. */
struct ner_model *ner_load(const char *path, struct err *e);

/* Frees a model (NULL is fine).  No call may be using it any more. */
void ner_free(struct ner_model *m);

/* The default model path: $WEFT_MODEL, else <exe dir>/../models/ner.model,
 * else <exe dir>/../share/weft/models/ner.model (the first that exists; if
 * none does, the first candidate).  Returns a pointer to a static buffer
 * (valid until the next call; not thread-safe; not freed). */
const char *ner_default_model_path(void);

/* Tags a whole document: splits text (len bytes of UTF-8) into sentences and
 * tokens, runs the model and the rule pass, and fills *out (which must be
 * NER_RESULT_INIT or freed); the caller frees it with ner_result_free().
 * Safe to call from several threads on one model.  Returns 0, or -1 with e
 * set. */
int ner_tag_text(const struct ner_model *m, const char *text, size_t len,
		 struct ner_result *out, struct err *e);

/* Releases what *r owns and resets it to empty. */
void ner_result_free(struct ner_result *r);

/* A token given by the caller (pre-tokenized input such as CoNLL files). */
struct ner_tok {
	const char *s;
	size_t len;
};

/* Tags one document given as tokens, cut into sentences: sentence k is
 * toks[sent_start[k] .. sent_start[k+1]) (sent_start has nsent+1 entries,
 * sent_start[nsent] == ntoks).  Writes one enum ner_label per token into
 * labels (ntoks entries, caller's memory).  Document-level features look
 * across the sentences of one call, so pass a whole document at once.
 * Returns 0, or -1 with e set. */
int ner_tag_tokens(const struct ner_model *m, const struct ner_tok *toks, size_t ntoks,
		   const size_t *sent_start, size_t nsent, int *labels, struct err *e);

/* ---- CoNLL column files ---------------------------------------------- */

/* A CoNLL file in memory: tokens (first column) and gold IOB2 labels (from
 * the last column, IOB1 or IOB2), grouped into sentences and documents. */
struct ner_corpus {
	char *data;             /* the file's bytes; tokens point into it */
	struct ner_tok *toks;
	int *gold;              /* enum ner_label per token */
	size_t ntoks;
	size_t *sent_start;     /* nsent + 1 entries */
	size_t nsent;
	size_t *doc_sent;       /* first sentence of each document; ndoc + 1 entries */
	size_t ndoc;
};

/* Reads a CoNLL-2003 column file.  Sentences end at blank lines; a
 * "-DOCSTART-" line starts a document.  Fills *c; the caller frees it with
 * ner_corpus_free().  Returns 0, or -1 with e set (unreadable file, unknown
 * tag). */
int ner_corpus_read(const char *path, struct ner_corpus *c, struct err *e);
void ner_corpus_free(struct ner_corpus *c);

/* ---- evaluation (as conlleval: exact-match entity spans) -------------- */

struct ner_eval {
	long tp[NER_NMODEL_TYPES], fp[NER_NMODEL_TYPES], fn[NER_NMODEL_TYPES];
	long ntoks, tok_correct;
};

/* Adds one sentence's gold and predicted IOB2 labels to the counts.  A span
 * starts at B-X, or at I-X not preceded by a label of type X. */
void ner_eval_add(struct ner_eval *ev, const int *gold, const int *pred, size_t n);
/* Precision, recall, F1 in percent for one type, or overall when type < 0. */
void ner_eval_prf(const struct ner_eval *ev, int type, double *p, double *r, double *f);

/* Tags every document of c with m (upper-casing every token first when
 * upper is set) and returns the counts in *ev.  pred, if not NULL, receives
 * c->ntoks labels.  Returns 0, or -1 with e set. */
int ner_eval_corpus(const struct ner_model *m, const struct ner_corpus *c, int upper,
		    int *pred, struct ner_eval *ev, struct err *e);

/* ---- training --------------------------------------------------------- */

struct ner_train_opts {
	const char *train_path;     /* CoNLL file to learn from */
	const char *dev_path;       /* CoNLL file to choose the epoch (may be NULL) */
	const char *out_path;       /* where the model is written */
	const char *iso_dir;        /* iso-codes JSON dir, NULL = default; "" = none */
	const char *const *corpus;  /* unlabelled text files/dirs for the case
	                             * statistics table (may be NULL) */
	size_t ncorpus;
	unsigned long seed;
	int epochs;
	double upper_frac;          /* fraction of sentences also trained upper-cased */
	size_t max_features;        /* prune the saved model to this many features */
	FILE *log;                  /* progress lines (per-epoch dev F1), or NULL */
};

/* Fills o with the defaults used for the shipped model. */
void ner_train_defaults(struct ner_train_opts *o);

/* Trains a model and writes the best epoch (by dev F1, or the last when
 * there is no dev file) to o->out_path.  Deterministic for a given seed.
 * *best_f1 (if not NULL) receives that epoch's dev F1.  Returns 0, or -1
 * with e set. */
int ner_train(const struct ner_train_opts *o, double *best_f1, struct err *e);

#endif
