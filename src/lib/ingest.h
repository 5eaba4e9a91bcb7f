/*
 * ingest.h — reading files into the case.
 *
 * ingest_run() walks the given paths, skips what the case already has
 * (same path, size and mtime; or same content), extracts the rest in
 * parallel worker threads, and writes every result from one writer thread
 * in batched transactions.  Every file ends up in the case or in the
 * failures table with its reason; a kill at any moment leaves a consistent
 * case and the next run completes the rest.
 */
#ifndef WEFT_INGEST_H
#define WEFT_INGEST_H

#include <stdint.h>

#include "case.h"
#include "extract.h"

struct ner_model;

struct ingest_stats {
	long files;          /* files found by the walk */
	long done;           /* files finished (any outcome) */
	long new_files;      /* files whose content was new */
	long unchanged;      /* same path, size and mtime, or same content at the same path */
	long duplicates;     /* new path, content already in the case */
	long failed;         /* files or members that could not be read */
	long docs_added;     /* documents added, members of containers included */
	uint64_t bytes;      /* bytes to read (files not skipped as unchanged) */
	uint64_t bytes_done;
	double seconds;
	int interrupted;     /* stopped by ingest_interrupt() */
};

struct ingest_opts {
	int jobs;                    /* worker threads; 0 = number of cores */
	struct xlimits lim;
	/* The tagger, shared read-only by the workers; NULL: no entities. */
	const struct ner_model *ner;
	const char *ner_id;          /* recorded in documents.tagged */
	/* Called from the writer thread about 4 times a second, and once with
	 * final=1 at the end; may be NULL. */
	void (*progress)(const struct ingest_stats *st, int final, void *user);
	void *user;
};

/* Sensible defaults: one worker per core, container limits for hostile input. */
void ingest_default_opts(struct ingest_opts *o);

/* Ingests paths (files or folders) into c.  Returns 0 when the run
 * completed (some files may have failed: see st->failed), -1 on a fatal
 * error (e.g. the case cannot be written), with e filled. */
int ingest_run(struct case_db *c, char *const *paths, int npaths, const struct ingest_opts *o,
	       struct ingest_stats *st, struct err *e);

/* Tags documents already in the case with m (those not tagged by model id,
 * or all when all is set), replacing their mentions; jobs threads tag, this
 * thread writes.  *ndocs gets how many were tagged.  Returns 0 or -1. */
int ingest_retag(struct case_db *c, const struct ner_model *m, const char *id, int all, int jobs,
		 long *ndocs, struct err *e);

/* 1 if mentions were stored (by ingest or retag) after the entities and
 * the network were last rebuilt, i.e. ingest_network_built() was not
 * called since: a run killed between its last batch and the end of
 * resolve_all() + graph_build() leaves this, and finds no new document
 * the next time, yet must rebuild.  0 if not, -1 on error. */
int ingest_network_stale(struct case_db *c);

/* Records that the entities and the network were rebuilt from every
 * stored mention (call after resolve_all() and graph_build()). */
int ingest_network_built(struct case_db *c, struct err *e);

/* Asks a running ingest to stop after committing what it has (async-signal-safe). */
void ingest_interrupt(void);

#endif
