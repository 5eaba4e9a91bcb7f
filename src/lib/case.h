/*
 * case.h — the case file: one SQLite database (WAL) per investigation.
 *
 * case.c owns the schema, its version and migrations, opening and refusing
 * files that are not weft cases, the single-writer lock, and the few
 * statements every layer shares.  Every other module reads and writes the
 * case through an open struct case_db.
 */
#ifndef WEFT_CASE_H
#define WEFT_CASE_H

#include <sqlite3.h>

#include "util.h"

/* The schema version this weft writes; older cases are migrated up to it. */
#define CASE_SCHEMA_VERSION 9
/* PRAGMA application_id of every weft case: "WEFT". */
#define CASE_APP_ID 0x57454654

enum case_mode {
	CASE_READ,   /* read-only; the file must exist */
	CASE_WRITE,  /* read-write; created if missing */
};

struct case_db {
	sqlite3 *db;
	char *path;
	int lock_fd;   /* held while this process is the case's writer, else -1 */
	int encrypted; /* opened through the encrypting VFS (crypt.h) */
	int snippet;   /* weft_snippet() registered on db (search.c) */
};

/* Opens (and for CASE_WRITE creates or migrates) the case at path.  A file
 * that is not a weft case, or a case from a newer weft, is refused without
 * being modified.  An encrypted case needs its passphrase: once per process,
 * from $WEFT_PASSPHRASE or asked on the terminal; a wrong one is refused.  On success *out is the caller's, to case_close(). */
int case_open(const char *path, enum case_mode mode, struct case_db **out, struct err *e);
void case_close(struct case_db *c);

/* Creates a new, empty case at path, which must not exist; encrypted if
 * encrypt, with a passphrase from $WEFT_PASSPHRASE or asked twice on the
 * terminal (at least CASE_MIN_PASSPHRASE bytes).  Returns 0 or -1. */
#define CASE_MIN_PASSPHRASE 8
int case_init(const char *path, int encrypt, struct err *e);

/* Takes the writer lock (flock on the case file; SQLite's own locks do not
 * serialise whole runs).  If another weft holds it, calls waiting(user)
 * once and then blocks until it is free.  Readers never take it. */
int case_lock_writer(struct case_db *c, void (*waiting)(void *), void *user, struct err *e);

/* Runs sql (no results); on failure fills e with "what: sqlite's reason". */
int case_exec(struct case_db *c, const char *sql, const char *what, struct err *e);

/* Prepares sql; on failure fills e with "what: sqlite's reason" (never the
 * SQL text).  The statement is the caller's to sqlite3_finalize(). */
int case_prepare(struct case_db *c, const char *sql, sqlite3_stmt **st, const char *what, struct err *e);

/* Fills e from the connection's last error; returns -1. */
int case_fail(struct case_db *c, const char *what, struct err *e);

/* The first column of sql's first row as an int (0 when there is no row),
 * e.g. "PRAGMA cache_size".  0, or -1 when sql fails. */
int case_int(struct case_db *c, const char *sql, int *out);

/* 1 if the table meta holds key with value, 0 if not; -1 with e set. */
int case_meta_is(struct case_db *c, const char *key, const char *value, const char *what, struct err *e);

/* Sets meta's key to value.  0, or -1 with e set. */
int case_meta_set(struct case_db *c, const char *key, const char *value, const char *what, struct err *e);

/* Binds a text value, or NULL when s is NULL. */
void case_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Finds a document id from "ID" or a path as stored (exact, then a unique
 * suffix match).  Returns the id, 0 if none, -1 on error or ambiguity. */
long long case_find_doc(struct case_db *c, const char *ref, struct err *e);

#endif
