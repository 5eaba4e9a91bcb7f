/*
 * cryptbench.c — what encryption at rest costs weft: the same 20 MB of text
 * (documents separated by form feeds) inserted into a weft-shaped database
 * (documents table + external-content FTS5 index, WAL, synchronous=NORMAL,
 * 64 MiB page cache as weft's ingest uses, 500 documents per transaction), once through SQLite's own VFS and once
 * through cryptvfs, alternating, ROUNDS times each; then the same set of
 * ranked FTS5 queries with snippets on each.  The encrypted database is
 * measured twice: with FTS5's default leaf size (pgsz 4050), which no
 * longer fits a b-tree cell once 40 bytes of each page are reserved, so
 * every FTS5 leaf spills to an overflow page, and with pgsz 4000.  Prints CPU and wall time per
 * round and the medians, the file sizes, and the key-derivation cost.
 *
 *     cryptbench TEXT_FILE DIR [ROUNDS]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cryptvfs.h"

#define PASS "correct horse battery staple"

static double now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, msg);
		exit(2);
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *p = malloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

static void rm_db(const char *path)
{
	char p[700];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static sqlite3 *open_db(const char *path, int crypt, int create)
{
	sqlite3 *db;
	int rc;
	if (crypt)
		rc = create ? cryptvfs_create(path, PASS, strlen(PASS), &db)
			    : cryptvfs_open(path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db);
	else
		rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "open %s: %s\n", path, crypt ? cryptvfs_errmsg() : sqlite3_errmsg(db));
		exit(2);
	}
	/* weft's settings (case.c; ingest.c's 64 MiB page cache) */
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
		 " PRAGMA cache_size=-65536");
	return db;
}

/* Inserts every document; returns the number inserted. */
static long insert_all(sqlite3 *db, const char *text, size_t len, int pgsz)
{
	exec(db, "CREATE TABLE documents(id INTEGER PRIMARY KEY, title TEXT, body TEXT);"
		 "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='documents', content_rowid='id',"
		 " tokenize='unicode61 remove_diacritics 2');");
	if (pgsz) {
		char sql[96];
		snprintf(sql, sizeof sql, "INSERT INTO fts(fts, rank) VALUES('pgsz', %d)", pgsz);
		exec(db, sql);
	}
	sqlite3_stmt *d, *f;
	if (sqlite3_prepare_v2(db, "INSERT INTO documents(title, body) VALUES (?, ?)", -1, &d, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, title, body) VALUES (last_insert_rowid(), ?, ?)", -1,
			       &f, NULL)) {
		fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
		exit(2);
	}
	long n = 0;
	const char *p = text, *end = text + len;
	exec(db, "BEGIN");
	while (p < end) {
		const char *ff = memchr(p, '\f', (size_t)(end - p));
		const char *e = ff ? ff : end;
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		int tl = (int)((nl ? nl : e) - p);
		sqlite3_bind_text(d, 1, p, tl > 200 ? 200 : tl, SQLITE_STATIC);
		sqlite3_bind_text(d, 2, p, (int)(e - p), SQLITE_STATIC);
		sqlite3_bind_text(f, 1, p, tl > 200 ? 200 : tl, SQLITE_STATIC);
		sqlite3_bind_text(f, 2, p, (int)(e - p), SQLITE_STATIC);
		if (sqlite3_step(d) != SQLITE_DONE || sqlite3_step(f) != SQLITE_DONE) {
			fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
			exit(2);
		}
		sqlite3_reset(d);
		sqlite3_reset(f);
		if (++n % 500 == 0)
			exec(db, "COMMIT; BEGIN");
		p = e + 1;
	}
	exec(db, "COMMIT");
	sqlite3_finalize(d);
	sqlite3_finalize(f);
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	return n;
}

static const char *const queries[] = {
	"government", "market", "energy", "\"prime minister\"", "price*", "oil AND gas", "football OR rugby",
	"enron NOT california", "NEAR(bank rates, 5)", "music", "film", "election", "internet", "mobile phone",
	"\"chief executive\"", "trading", "meeting", "contract", "europe*", "budget",
};
#define NQ (sizeof queries / sizeof *queries)

/* Runs every query reps times, top 20 by bm25 with snippets; returns hits. */
static long run_queries(sqlite3 *db, int reps)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT rowid, snippet(fts, -1, '[', ']', '…', 24) FROM fts WHERE fts MATCH ?"
			       " ORDER BY rank LIMIT 20",
			       -1, &st, NULL)) {
		fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
		exit(2);
	}
	long hits = 0;
	for (int r = 0; r < reps; r++)
		for (size_t q = 0; q < NQ; q++) {
			sqlite3_bind_text(st, 1, queries[q], -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW)
				hits++;
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	return hits;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: cryptbench TEXT_FILE DIR [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	if (rounds < 1 || rounds > 20)
		rounds = 3;
	size_t len;
	char *text = slurp(argv[1], &len);
	mkdir(argv[2], 0700);
	if (cryptvfs_register() != SQLITE_OK)
		return 2;

	/* The key derivation, at the two costs libsodium names. */
	unsigned char key[32], salt[crypto_pwhash_SALTBYTES] = {0};
	double t0 = now(CLOCK_MONOTONIC);
	if (crypto_pwhash(key, 32, PASS, strlen(PASS), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
		return 2;
	double t1 = now(CLOCK_MONOTONIC);
	if (crypto_pwhash(key, 32, PASS, strlen(PASS), salt, crypto_pwhash_OPSLIMIT_MODERATE,
			  crypto_pwhash_MEMLIMIT_MODERATE, crypto_pwhash_ALG_ARGON2ID13))
		return 2;
	double t2 = now(CLOCK_MONOTONIC);
	printf("Argon2id key derivation: INTERACTIVE (64 MiB) %.2f s, MODERATE (256 MiB) %.2f s (wall)\n", t1 - t0,
	       t2 - t1);
	/* The rounds below derive with INTERACTIVE; the derivation is timed
	 * apart and not counted in the insert. */
	cryptvfs_set_kdf(crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);

	enum { NM = 3 };
	static const char *const mname[NM] = {"plain", "encrypted", "encrypted, FTS5 pgsz 4000"};
	static const int mcrypt[NM] = {0, 1, 1}, mpgsz[NM] = {0, 0, 4000};
	double icpu[NM][20], iwall[NM][20], qcpu[NM][20], qwall[NM][20];
	long long size[NM] = {0};
	long docs = 0, hits[NM] = {0};
	for (int r = 0; r < rounds; r++)
		for (int m = 0; m < NM; m++) {
			int crypt = mcrypt[m];
			char path[600];
			snprintf(path, sizeof path, "%s/mode%d.weft", argv[2], m);
			rm_db(path);
			sqlite3 *db = open_db(path, crypt, 1);
			double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
			docs = insert_all(db, text, len, mpgsz[m]);
			sqlite3_close(db);
			icpu[m][r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
			iwall[m][r] = now(CLOCK_MONOTONIC) - w0;
			struct stat st;
			stat(path, &st);
			size[m] = (long long)st.st_size;

			db = open_db(path, crypt, 0);
			c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
			hits[m] = run_queries(db, 10);
			qcpu[m][r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
			qwall[m][r] = now(CLOCK_MONOTONIC) - w0;
			sqlite3_close(db);
			printf("round %d %-26s insert %6.2f s CPU %6.2f s wall   queries %5.2f s CPU %5.2f s wall\n",
			       r + 1, mname[m], icpu[m][r], iwall[m][r], qcpu[m][r], qwall[m][r]);
			fflush(stdout);
		}
	double mi[NM], mw[NM], mq[NM], mqw[NM];
	for (int m = 0; m < NM; m++) {
		mi[m] = median(icpu[m], rounds);
		mw[m] = median(iwall[m], rounds);
		mq[m] = median(qcpu[m], rounds);
		mqw[m] = median(qwall[m], rounds);
	}
	printf("\n%.1f MB, %ld documents, %zu queries x 10 (hits: %ld, %ld, %ld)\n", (double)len / 1048576.0, docs,
	       NQ, hits[0], hits[1], hits[2]);
	printf("median of %d rounds           insert CPU       insert wall      queries CPU      queries wall     file size\n",
	       rounds);
	for (int m = 0; m < NM; m++) {
		printf("%-28s %6.2f s", mname[m], mi[m]);
		if (m)
			printf(" %+4.0f%%", 100 * (mi[m] / mi[0] - 1));
		else
			printf("      ");
		printf("   %6.2f s", mw[m]);
		if (m)
			printf(" %+4.0f%%", 100 * (mw[m] / mw[0] - 1));
		else
			printf("      ");
		printf("   %6.2f s", mq[m]);
		if (m)
			printf(" %+4.0f%%", 100 * (mq[m] / mq[0] - 1));
		else
			printf("      ");
		printf("   %6.2f s", mqw[m]);
		if (m)
			printf(" %+4.0f%%", 100 * (mqw[m] / mqw[0] - 1));
		else
			printf("      ");
		printf("   %5.1f MB", (double)size[m] / 1048576.0);
		if (m)
			printf(" %+4.1f%%", 100 * ((double)size[m] / (double)size[0] - 1));
		printf("\n");
	}
	struct cryptvfs_stats s;
	cryptvfs_get_stats(&s);
	printf("pages sealed %llu, opened %llu\n", s.sealed, s.opened);
	free(text);
	return 0;
}
