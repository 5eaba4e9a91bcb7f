/*
 * fts5_savepoint.c — shows what FTS5's statement savepoints cost weft's
 * ingest writer.  Not part of `make bench`; a probe behind BENCHMARKS.md.
 *
 * Replays the writer's statements (src/lib/ingest.c: a documents row, its
 * FTS5 row, then the paths upsert) over text already extracted into a case,
 * so only the SQLite work is timed.  The paths upsert runs in a statement
 * journal (foreign_keys=ON), and opening it calls FTS5's xSavepoint, which
 * flushes FTS5's pending terms to disk: one tiny segment per document
 * instead of one per batch, and the merges that follow.
 *
 *   cc -O2 bench/probes/fts5_savepoint.c -lsqlite3 -o fts5_savepoint
 *   ./fts5_savepoint CASE.weft OUT.db VARIANT
 *     0  weft's order: doc, fts, paths upsert (foreign keys on)
 *     1  the same with foreign_keys=OFF (no statement journal)
 *     2  paths upsert before the fts row (still a savepoint after each fts row)
 *     3  fts rows inserted once per 2000-document batch, just before COMMIT
 * Prints the writer's CPU seconds.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static sqlite3 *db;

static void x(const char *sql)
{
	char *err;
	if (sqlite3_exec(db, sql, 0, 0, &err)) {
		fprintf(stderr, "%s: %s\n", sql, err);
		exit(1);
	}
}

static void step(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(s);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fts5_savepoint CASE.weft OUT.db VARIANT(0-3)\n");
		return 2;
	}
	int v = atoi(argv[3]);
	remove(argv[2]);
	sqlite3_open(argv[2], &db);
	x("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536");
	x(v == 1 ? "PRAGMA foreign_keys=OFF" : "PRAGMA foreign_keys=ON");
	x("CREATE TABLE documents(id INTEGER PRIMARY KEY, title, sender, recipients, cc, subject, body);"
	  "CREATE TABLE paths(path TEXT PRIMARY KEY, doc INTEGER NOT NULL REFERENCES documents(id),"
	  " container INTEGER REFERENCES documents(id), size INTEGER);"
	  "CREATE VIRTUAL TABLE fts USING fts5(title, sender, recipients, cc, subject, body,"
	  " content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	  "INSERT INTO fts(fts, rank) VALUES('automerge', 8); INSERT INTO fts(fts, rank) VALUES('crisismerge', 64);");
	char a[1200];
	snprintf(a, sizeof a, "ATTACH '%s' AS src", argv[1]);
	x(a);
	sqlite3_stmt *rd, *ins, *fts, *pth;
	sqlite3_prepare_v2(db, "SELECT d.id, title, sender, recipients, cc, subject, body,"
			       " (SELECT min(path) FROM src.paths p WHERE p.doc = d.id) FROM src.documents d ORDER BY d.id",
			   -1, &rd, 0);
	sqlite3_prepare_v2(db, "INSERT INTO documents VALUES(?,?,?,?,?,?,?)", -1, &ins, 0);
	sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, title, sender, recipients, cc, subject, body) VALUES(?,?,?,?,?,?,?)",
			   -1, &fts, 0);
	sqlite3_prepare_v2(db, "INSERT INTO paths(path, doc, container, size) VALUES(?,?,NULL,0)"
			       " ON CONFLICT(path) DO UPDATE SET doc=excluded.doc", -1, &pth, 0);
	const char *batch_fts = "INSERT INTO fts(rowid, title, sender, recipients, cc, subject, body)"
				" SELECT id, title, sender, recipients, cc, subject, body FROM documents"
				" WHERE id NOT IN (SELECT id FROM fts_docsize)";
	double t0 = cpu();
	int n = 0;
	x("BEGIN");
	while (sqlite3_step(rd) == SQLITE_ROW) {
		for (int i = 1; i <= 7; i++)
			sqlite3_bind_value(ins, i, sqlite3_column_value(rd, i - 1));
		step(ins);
		if (v == 2) {
			sqlite3_bind_value(pth, 1, sqlite3_column_value(rd, 7));
			sqlite3_bind_value(pth, 2, sqlite3_column_value(rd, 0));
			step(pth);
		}
		if (v != 3) {
			for (int i = 1; i <= 7; i++)
				sqlite3_bind_value(fts, i, sqlite3_column_value(rd, i - 1));
			step(fts);
		}
		if (v != 2) {
			sqlite3_bind_value(pth, 1, sqlite3_column_value(rd, 7));
			sqlite3_bind_value(pth, 2, sqlite3_column_value(rd, 0));
			step(pth);
		}
		if (++n % 2000 == 0) {
			if (v == 3)
				x(batch_fts);
			x("COMMIT; BEGIN");
		}
	}
	if (v == 3)
		x(batch_fts);
	x("COMMIT");
	printf("variant %d: %d documents, writer CPU %.2f s\n", v, n, cpu() - t0);
	return 0;
}
