/*
 * search_split.c — splits search_run()'s CPU time into its statements (the
 * same SQL as src/lib/search.c at the time of BENCHMARKS.md).  Not part of
 * `make bench`; a probe behind BENCHMARKS.md.
 *
 *   cc -O2 -Isrc/lib bench/probes/search_split.c build/libweft.a $(weft's LDLIBS) -o search_split
 *   ./search_split CASE QUERIES     (queries with type:/path:/date: are skipped)
 *
 * Per query: the top-20 rank statement, the count, 20 document rows, and
 * 20 snippets each through their own MATCH … AND rowid = ? statement (what
 * search_run does), and for comparison the 20 snippets computed inside the
 * rank statement itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case.h"
#include "search.h"

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#define RANK "rank MATCH 'bm25(4.0, 2.0, 1.0, 1.0, 4.0, 1.0)'"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: search_split CASE QUERIES\n");
		return 2;
	}
	struct case_db *c;
	struct err e = {{0}};
	if (case_open(argv[1], CASE_READ, &c, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f)
		return 1;
	sqlite3_stmt *rank, *cnt, *doc, *snip, *inrank;
	sqlite3_prepare_v2(c->db, "SELECT fts.rowid FROM fts WHERE fts MATCH ? AND " RANK " ORDER BY rank LIMIT 20", -1, &rank, 0);
	sqlite3_prepare_v2(c->db, "SELECT count(*) FROM fts WHERE fts MATCH ?", -1, &cnt, 0);
	sqlite3_prepare_v2(c->db,
			   "SELECT (SELECT path FROM paths WHERE doc = d.id ORDER BY container IS NOT NULL, path LIMIT 1),"
			   " d.title, d.date, d.type, substr(d.body, 1, 160), d.pages,"
			   " CASE WHEN d.pages IS NULL THEN NULL ELSE d.body END FROM documents d WHERE d.id = ?", -1, &doc, 0);
	sqlite3_prepare_v2(c->db, "SELECT snippet(fts, -1, char(2), char(3), '…', 24) FROM fts WHERE fts MATCH ? AND rowid = ?",
			   -1, &snip, 0);
	sqlite3_prepare_v2(c->db, "SELECT snippet(fts, -1, char(2), char(3), '…', 24) FROM fts WHERE fts MATCH ? AND " RANK
			   " ORDER BY rank LIMIT 20", -1, &inrank, 0);
	char line[4096];
	double t[5] = {0};
	int nq = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		struct search_query q;
		if (!*line || *line == '#' || search_compile(line, &q, &e) < 0)
			continue;
		if (q.where.len) {
			search_query_free(&q);
			continue;
		}
		nq++;
		long long ids[20];
		int n = 0;
		double t0 = cpu_ms();
		sqlite3_bind_text(rank, 1, q.fts.p, -1, SQLITE_STATIC);
		while (sqlite3_step(rank) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(rank, 0);
		sqlite3_reset(rank);
		double t1 = cpu_ms();
		sqlite3_bind_text(cnt, 1, q.fts.p, -1, SQLITE_STATIC);
		sqlite3_step(cnt);
		sqlite3_reset(cnt);
		double t2 = cpu_ms();
		for (int i = 0; i < n; i++) {
			sqlite3_bind_int64(doc, 1, ids[i]);
			sqlite3_step(doc);
			sqlite3_reset(doc);
		}
		double t3 = cpu_ms();
		sqlite3_bind_text(snip, 1, q.fts.p, -1, SQLITE_STATIC);
		for (int i = 0; i < n; i++) {
			sqlite3_bind_int64(snip, 2, ids[i]);
			sqlite3_step(snip);
			sqlite3_reset(snip);
		}
		double t4 = cpu_ms();
		sqlite3_bind_text(inrank, 1, q.fts.p, -1, SQLITE_STATIC);
		while (sqlite3_step(inrank) == SQLITE_ROW)
			;
		sqlite3_reset(inrank);
		double t5 = cpu_ms();
		t[0] += t1 - t0, t[1] += t2 - t1, t[2] += t3 - t2, t[3] += t4 - t3, t[4] += t5 - t4;
		search_query_free(&q);
	}
	if (!nq)
		return 1;
	printf("%d queries, CPU ms per query: rank top-20 %.2f | count %.2f | 20 document rows %.2f |"
	       " 20 snippets, one MATCH each %.2f | (20 snippets inside the rank statement %.2f)\n",
	       nq, t[0] / nq, t[1] / nq, t[2] / nq, t[3] / nq, t[4] / nq);
	case_close(c);
	return 0;
}
