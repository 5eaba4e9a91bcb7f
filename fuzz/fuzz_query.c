/*
 * fuzz_query.c — libFuzzer target for the query language (search.c): any
 * string goes to search_compile(), which must never crash and must either
 * fail with a reason or produce something SQLite accepts.
 *
 * search.c promises that no input can inject FTS5 syntax, so every query it
 * compiles must run.  The oracle is SQLite itself: a real case file (made
 * once by case_open() in a temporary directory, holding a few documents in
 * its FTS5 index) runs the compiled query through search_run(), and the bare
 * FTS5 expression again as a MATCH with the filters' SQL and parameters.
 * Any SQLite error for a query that compiled ("fts5: syntax error near ...",
 * "no such column", a parameter count mismatch) is a bug: abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "search.h"

#define FAIL(...) (fprintf(stderr, "fuzz_query: " __VA_ARGS__), fputc('\n', stderr), abort())

static struct case_db *cdb;
static char dir[] = "/tmp/fuzz_query.XXXXXX";
static char path[64];

static void cleanup(void)
{
	case_close(cdb);
	cdb = NULL;
	char p[96];
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = {""};
	if (!mkdtemp(dir))
		FAIL("mkdtemp failed");
	snprintf(path, sizeof path, "%s/q.weft", dir);
	if (case_open(path, CASE_WRITE, &cdb, &e) < 0)
		FAIL("case_open: %s", e.msg);
	atexit(cleanup);
	/* Documents that many queries hit, so ranking, snippets and the PDF
	 * page lookup run too, not only the parse. */
	if (case_exec(cdb,
		      "INSERT INTO documents(id, sha256, status, type, title, date, sender, recipients, cc,"
		      " subject, body, pages) VALUES"
		      " (1, 'a', 'ok', 'email', 'Iran cables', '2014-03-02', 'jabr@example.org',"
		      "  'al-maliki@example.org', 'cc@example.org', 'Prime minister',"
		      "  'The prime minister met Soleimani in Baghdad. Café NEAR the embassy.', NULL),"
		      " (2, 'b', 'ok', 'pdf', 'Briefing pack', '2019-11-18', NULL, NULL, NULL, NULL,"
		      "  'page one text iran\fpage two ministry \"quoted\" a*b', '[20,48]'),"
		      " (3, 'c', 'needs_ocr', 'html', NULL, NULL, NULL, NULL, NULL, NULL, '', NULL);"
		      "INSERT INTO paths(doc, path) VALUES (1, 'mail/1.eml'), (2, 'docs/brief.pdf'),"
		      " (3, 'web/x.html');"
		      "INSERT INTO fts(rowid, title, sender, recipients, cc, subject, body)"
		      " SELECT id, title, sender, recipients, cc, subject, body FROM documents;",
		      "seed documents", &e) < 0)
		FAIL("%s", e.msg);
	return 0;
}

static int count_hit(const struct search_hit *h, void *user)
{
	if (!h->path)
		FAIL("hit %lld without a path", h->id);
	(*(long *)user)++;
	return 0;
}

/* Runs the compiled FTS5 expression and filters directly; every SQLite
 * complaint is a bug. */
static void run_raw(const char *q, const struct search_query *sq)
{
	struct buf sql = BUF_INIT;
	if (sq->fts.len)
		buf_printf(&sql, "SELECT rowid FROM fts WHERE fts MATCH ?1 AND rowid IN"
				 " (SELECT d.id FROM documents d WHERE 1%s)", sq->where.p ? sq->where.p : "");
	else
		buf_printf(&sql, "SELECT d.id FROM documents d WHERE 1%s", sq->where.p ? sq->where.p : "");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(cdb->db, sql.p, -1, &st, NULL) != SQLITE_OK)
		FAIL("query %s compiled to SQL that does not prepare: %s\n  fts: %s\n  where: %s", q,
		     sqlite3_errmsg(cdb->db), sq->fts.p ? sq->fts.p : "", sq->where.p ? sq->where.p : "");
	int want = sq->nparams + (sq->fts.len ? 1 : 0);
	if (sqlite3_bind_parameter_count(st) != want)
		FAIL("query %s: %d SQL parameters for %d values", q, sqlite3_bind_parameter_count(st), want);
	int i = 1;
	if (sq->fts.len)
		sqlite3_bind_text(st, i++, sq->fts.p, (int)sq->fts.len, SQLITE_STATIC);
	for (int j = 0; j < sq->nparams; j++)
		sqlite3_bind_text(st, i++, sq->params[j], -1, SQLITE_STATIC);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (r != SQLITE_DONE)
		FAIL("query %s compiled to an expression SQLite rejects: %s\n  fts: %s", q,
		     sqlite3_errmsg(cdb->db), sq->fts.p ? sq->fts.p : "");
	sqlite3_finalize(st);
	buf_free(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = malloc(size + 1);
	memcpy(q, data, size);
	q[size] = 0;
	struct search_query sq;
	struct err e = {""};
	if (search_compile(q, &sq, &e) < 0) {
		if (!e.msg[0])
			FAIL("search_compile failed without a reason");
		free(q);
		return 0;
	}
	if (!sq.fts.len && !sq.where.len)
		FAIL("query %s compiled to nothing at all", q);
	if (sq.nparams < 0 || sq.nparams > 64)
		FAIL("query %s: %d parameters", q, sq.nparams);
	if (sq.fts.len && strlen(sq.fts.p) != sq.fts.len)
		FAIL("query %s: FTS expression holds a NUL", q);
	run_raw(q, &sq);
	search_query_free(&sq);

	long hits = 0, total = -1;
	if (search_run(cdb, q, 5, 0, count_hit, &hits, &total, &e) < 0)
		FAIL("query %s compiled but search_run failed: %s", q, e.msg);
	if (total < hits)
		FAIL("query %s: %ld hits but a total of %ld", q, hits, total);
	free(q);
	return 0;
}
