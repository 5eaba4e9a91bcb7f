/*
 * crypttest.c — what the encrypting VFS must do for weft, checked on a real
 * FTS5 database in WAL mode (the shape of a weft case):
 *
 *   1. created encrypted, written: no plaintext in the database, WAL or
 *      -shm file while open, and the SQLite magic is gone;
 *   2. reopened with the right passphrase: every row, FTS5 search,
 *      integrity_check and FTS5's own integrity-check;
 *   3. the wrong passphrase: SQLITE_AUTH, and the file is not touched;
 *      the plain VFS: "file is not a database";
 *   4. kill -9 in the middle of transactions and checkpoints (WAL mode),
 *      many times: the case opens, is intact, and holds whole transactions
 *      only, at least all those reported committed; the WAL left behind
 *      holds no plaintext;
 *   5. the same with a rollback journal (hot-journal rollback through the
 *      VFS), with the journal left behind checked for plaintext;
 *   6. temporary files (temp_store=FILE forced): sorts that spill work;
 *   7. a flipped byte in a page: an error, never wrong data.
 *
 *     crypttest DIR        (DIR is emptied and used for the files)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cryptvfs.h"

#define PASS "correct horse battery staple"
#define MARKER "zanzibarxylophone"

static int failures;
static char dir[512];

#define CHECK(cond, ...) \
	do { \
		if (cond) { \
			printf("ok   "); \
		} else { \
			printf("FAIL "); \
			failures++; \
		} \
		printf(__VA_ARGS__); \
		putchar('\n'); \
		fflush(stdout); \
	} while (0)

static char *path_of(const char *name)
{
	static char p[4][600];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void die_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "%s: %s\n", what, db ? sqlite3_errmsg(db) : cryptvfs_errmsg());
	exit(2);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, msg);
		exit(2);
	}
}

static long long one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die_sql(db, sql);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static char *one_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return strdup(sqlite3_errmsg(db));
	char *v = NULL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	else
		v = strdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

/* Is needle anywhere in the file?  -1 if the file does not exist. */
static int file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 20, n = 0, got;
	char *buf = malloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	int found = memmem(buf, n, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void file_hash(const char *path, unsigned char out[32])
{
	FILE *f = fopen(path, "rb");
	crypto_hash_sha256_state s;
	crypto_hash_sha256_init(&s);
	unsigned char buf[65536];
	size_t n;
	while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_hash_sha256_update(&s, buf, n);
	if (f)
		fclose(f);
	crypto_hash_sha256_final(&s, out);
}

static void schema(sqlite3 *db)
{
	exec(db, "CREATE TABLE documents(id INTEGER PRIMARY KEY, title TEXT, body TEXT);"
		 "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='documents', content_rowid='id',"
		 " tokenize='unicode61 remove_diacritics 2');");
}

/* Inserts n documents in one transaction; every one holds MARKER. */
static void add_docs(sqlite3 *db, int n, int seq)
{
	sqlite3_stmt *d, *f;
	if (sqlite3_prepare_v2(db, "INSERT INTO documents(title, body) VALUES (?, ?)", -1, &d, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, title, body) VALUES (last_insert_rowid(), ?, ?)", -1,
			       &f, NULL))
		die_sql(db, "prepare insert");
	exec(db, "BEGIN");
	char title[64], body[2048];
	for (int i = 0; i < n; i++) {
		snprintf(title, sizeof title, "Cable %d-%d", seq, i);
		int len = snprintf(body, sizeof body,
				   "SUBJECT: MEETING %d. The ambassador met the minister in Baghdad about %s "
				   "and the militias; document %d of batch %d. ",
				   i, MARKER, i, seq);
		while (len < 1500)
			len += snprintf(body + len, sizeof body - (size_t)len, "Paragraph %d text %d. ", len, i * seq);
		sqlite3_bind_text(d, 1, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(d, 2, body, -1, SQLITE_STATIC);
		sqlite3_bind_text(f, 1, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(f, 2, body, -1, SQLITE_STATIC);
		if (sqlite3_step(d) != SQLITE_DONE || sqlite3_step(f) != SQLITE_DONE)
			die_sql(db, "insert");
		sqlite3_reset(d);
		sqlite3_reset(f);
	}
	exec(db, "COMMIT");
	sqlite3_finalize(d);
	sqlite3_finalize(f);
}

static void check_intact(sqlite3 *db, const char *what)
{
	char *ic = one_text(db, "PRAGMA integrity_check");
	CHECK(ic && !strcmp(ic, "ok"), "%s: integrity_check = %s", what, ic);
	free(ic);
	char *msg = NULL;
	int rc = sqlite3_exec(db, "INSERT INTO fts(fts) VALUES('integrity-check')", NULL, NULL, &msg);
	CHECK(rc == SQLITE_OK, "%s: FTS5 integrity-check %s", what, rc == SQLITE_OK ? "ok" : msg);
	sqlite3_free(msg);
}

static void test_basic(void)
{
	char *db_path = strdup(path_of("case.weft"));
	sqlite3 *db;
	if (cryptvfs_create(db_path, PASS, strlen(PASS), &db) != SQLITE_OK)
		die_sql(NULL, "create");
	schema(db);
	exec(db, "PRAGMA wal_autocheckpoint=0"); /* keep everything in the WAL for a moment */
	for (int b = 0; b < 4; b++)
		add_docs(db, 50, b);
	CHECK(file_size(path_of("case.weft-wal")) > 100000, "WAL in use (%lld bytes)",
	      file_size(path_of("case.weft-wal")));
	CHECK(file_has(path_of("case.weft-wal"), MARKER) == 0, "no plaintext in the WAL");
	CHECK(file_has(path_of("case.weft-wal"), "ambassador") == 0, "no plaintext words in the WAL");
	CHECK(file_has(path_of("case.weft-shm"), MARKER) == 0, "no plaintext in the -shm file");
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	CHECK(file_has(db_path, MARKER) == 0, "no plaintext in the database after a checkpoint");
	CHECK(file_has(db_path, "SQLite format 3") == 0, "no SQLite magic in the database");
	CHECK(file_has(db_path, "CREATE TABLE") == 0, "no schema text in the database");
	add_docs(db, 50, 4);
	sqlite3_close(db);

	if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db) != SQLITE_OK)
		die_sql(NULL, "reopen");
	CHECK(one_int(db, "SELECT count(*) FROM documents") == 250, "reopened: 250 documents");
	CHECK(one_int(db, "SELECT count(*) FROM fts WHERE fts MATCH '" MARKER "'") == 250,
	      "reopened: FTS5 finds the marker in 250 documents");
	CHECK(one_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'NEAR(ambassador minister, 3)'") == 250,
	      "reopened: NEAR query");
	char *mode = one_text(db, "PRAGMA journal_mode");
	CHECK(!strcmp(mode, "wal"), "journal_mode = %s", mode);
	free(mode);
	CHECK(one_int(db, "PRAGMA page_size") == CRYPTVFS_PAGE_SIZE, "page size %d", CRYPTVFS_PAGE_SIZE);
	check_intact(db, "reopened");
	sqlite3_close(db);

	unsigned char before[32], after[32];
	file_hash(db_path, before);
	int rc = cryptvfs_open(db_path, "wrong horse", 11, SQLITE_OPEN_READWRITE, &db);
	CHECK(rc == SQLITE_AUTH, "wrong passphrase: SQLITE_AUTH (got %d: %s)", rc, cryptvfs_errmsg());
	file_hash(db_path, after);
	CHECK(!memcmp(before, after, 32) && file_size(path_of("case.weft-wal")) <= 0,
	      "wrong passphrase: file untouched, no WAL created");
	rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL);
	char *r = rc == SQLITE_OK ? one_text(db, "SELECT count(*) FROM sqlite_master") : strdup("open failed");
	CHECK(strstr(r, "not a database") != NULL, "plain SQLite: %s", r);
	free(r);
	sqlite3_close(db);
	file_hash(db_path, after);
	CHECK(!memcmp(before, after, 32), "plain SQLite left the file untouched");

	/* A plain database through the VFS is refused, not damaged. */
	char *plain = strdup(path_of("plain.db"));
	sqlite3_open(plain, &db);
	exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
	sqlite3_close(db);
	rc = cryptvfs_open(plain, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db);
	CHECK(rc == SQLITE_NOTADB, "unencrypted database refused (%s)", cryptvfs_errmsg());
	free(plain);
	free(db_path);
}

/* kill -9 while a child writes; nkill rounds.  journal: "wal" or "delete". */
static void test_kill(const char *name, const char *journal, int rounds)
{
	char *db_path = strdup(path_of(name));
	char wal[700], jrnl[700];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	snprintf(jrnl, sizeof jrnl, "%s-journal", db_path);
	sqlite3 *db;
	if (cryptvfs_create(db_path, PASS, strlen(PASS), &db) != SQLITE_OK)
		die_sql(NULL, "create");
	schema(db);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", journal);
	exec(db, sql);
	sqlite3_close(db);
	srand(42);
	int leftover_clean = 1, leftovers = 0;
	long long last_committed = 0;
	for (int round = 0; round < rounds; round++) {
		int fds[2];
		if (pipe(fds) < 0)
			exit(2);
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			sqlite3 *c;
			if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &c) != SQLITE_OK)
				_exit(3);
			exec(c, "PRAGMA wal_autocheckpoint=50; PRAGMA cache_size=20");
			long long ready = -1; /* the key is derived: start the clock */
			if (write(fds[1], &ready, sizeof ready) != sizeof ready)
				_exit(4);
			for (int b = 0;; b++) {
				add_docs(c, 40, round * 1000 + b);
				/* rewrite old rows too, so the journal holds page images */
				exec(c, "BEGIN; UPDATE documents SET title = title || '.' WHERE id % 7 = 0; COMMIT");
				long long n = one_int(c, "SELECT count(*) FROM documents");
				if (write(fds[1], &n, sizeof n) != sizeof n)
					_exit(4);
			}
		}
		close(fds[1]);
		long long n;
		if (read(fds[0], &n, sizeof n) != sizeof n)
			die_sql(NULL, "child did not open the database");
		struct timespec ts = {0, (long)(100 + rand() % 500) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		while (read(fds[0], &n, sizeof n) == sizeof n)
			last_committed = n;
		close(fds[0]);
		/* What the kill left behind must not hold plaintext. */
		const char *left = !strcmp(journal, "wal") ? wal : jrnl;
		int has = file_has(left, MARKER);
		if (has >= 0)
			leftovers++;
		if (has > 0 || file_has(db_path, MARKER) > 0)
			leftover_clean = 0;
		/* Reopen (recovery / hot-journal rollback happen here) and check. */
		if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db) != SQLITE_OK)
			die_sql(NULL, "reopen after kill");
		long long count = one_int(db, "SELECT count(*) FROM documents");
		long long fts = one_int(db, "SELECT count(*) FROM fts WHERE fts MATCH '" MARKER "'");
		char *ic = one_text(db, "PRAGMA integrity_check");
		char *msg = NULL;
		int frc = sqlite3_exec(db, "INSERT INTO fts(fts) VALUES('integrity-check')", NULL, NULL, &msg);
		int good = !strcmp(ic, "ok") && frc == SQLITE_OK && count % 40 == 0 && count >= last_committed &&
			   fts == count;
		CHECK(good, "%s kill %d: %lld docs (>= %lld committed, whole batches), fts %lld, %s, fts5 %s",
		      journal, round + 1, count, last_committed, fts, ic, frc == SQLITE_OK ? "ok" : msg);
		free(ic);
		sqlite3_free(msg);
		sqlite3_close(db);
	}
	CHECK(leftover_clean, "%s: no plaintext in what %d of %d kills left behind (log file present)", journal,
	      leftovers, rounds);
	free(db_path);
}

/* A power cut can tear the last frame of the WAL (kill -9 cannot: the
 * kernel finishes every write).  Tear it by hand: the image no longer
 * authenticates, the VFS hands SQLite zeros, SQLite's checksum fails, and
 * the last transaction is dropped whole. */
static void test_torn_wal(void)
{
	char *db_path = strdup(path_of("torn.weft")), wal[700];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	sqlite3 *db;
	if (cryptvfs_create(db_path, PASS, strlen(PASS), &db) != SQLITE_OK)
		die_sql(NULL, "create");
	schema(db);
	sqlite3_close(db);
	int fds[2];
	if (pipe(fds) < 0)
		exit(2);
	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *c;
		if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &c) != SQLITE_OK)
			_exit(3);
		exec(c, "PRAGMA wal_autocheckpoint=0");
		for (int b = 0; b < 5; b++)
			add_docs(c, 40, b);
		char x = 1;
		if (write(fds[1], &x, 1) != 1)
			_exit(4);
		pause();
	}
	char x;
	if (read(fds[0], &x, 1) != 1)
		exit(2);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	long long size = file_size(wal), frame = 24 + CRYPTVFS_PAGE_SIZE;
	long long last = (size - 32) / frame - 1, img = 32 + last * frame + 24;
	unsigned char junk[512];
	randombytes_buf(junk, sizeof junk);
	int fd = open(wal, O_RDWR);
	if (fd < 0 || pwrite(fd, junk, sizeof junk, img + 1000) != (ssize_t)sizeof junk)
		exit(2);
	close(fd);
	struct cryptvfs_stats s0, s1;
	cryptvfs_get_stats(&s0);
	if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db) != SQLITE_OK)
		die_sql(NULL, "reopen");
	long long count = one_int(db, "SELECT count(*) FROM documents");
	cryptvfs_get_stats(&s1);
	CHECK(count == 160, "torn last WAL frame (frame %lld of %lld): last transaction dropped, %lld docs left",
	      last + 1, last + 1, count);
	CHECK(s1.torn_wal_frames > s0.torn_wal_frames, "the torn image was handed to SQLite as zeros");
	check_intact(db, "after a torn WAL");
	sqlite3_close(db);
	free(db_path);
}

static void test_temp(void)
{
	char *db_path = strdup(path_of("case.weft"));
	sqlite3 *db;
	if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db) != SQLITE_OK)
		die_sql(NULL, "open");
	struct cryptvfs_stats s0, s1;
	cryptvfs_get_stats(&s0);
	exec(db, "PRAGMA temp_store=FILE; PRAGMA cache_size=10; PRAGMA temp.cache_size=10");
	/* a sort bigger than the cache spills to a temporary file */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT body FROM documents ORDER BY body DESC", -1, &st, NULL))
		die_sql(db, "sort");
	long long rows = 0, sorted = 1;
	char *prev = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *b = (const char *)sqlite3_column_text(st, 0);
		if (prev && strcmp(prev, b) < 0)
			sorted = 0;
		free(prev);
		prev = strdup(b);
		rows++;
	}
	free(prev);
	sqlite3_finalize(st);
	exec(db, "CREATE TEMP TABLE t AS SELECT * FROM documents; CREATE INDEX temp.ti ON t(body);");
	long long c = one_int(db, "SELECT count(DISTINCT body) FROM t");
	long long a = one_int(db, "SELECT sum(length(body)) FROM t"), b = one_int(db, "SELECT sum(length(body)) FROM documents");
	cryptvfs_get_stats(&s1);
	CHECK(sorted && rows == 250 && a == b && c == 250,
	      "temp_store=FILE: sort (%lld rows, %s) and temp table (%lld rows, %lld/%lld bytes) right", rows,
	      sorted ? "in order" : "NOT in order", c, a, b);
	CHECK(s1.temp_files > s0.temp_files, "temp files went through the VFS (%llu opened)",
	      s1.temp_files - s0.temp_files);
	sqlite3_close(db);
	free(db_path);
}

static void test_tamper(void)
{
	char *db_path = strdup(path_of("case.weft"));
	int fd = open(db_path, O_RDWR);
	unsigned char byte;
	off_t at = 3 * CRYPTVFS_PAGE_SIZE + 100; /* page 4 */
	if (fd < 0 || pread(fd, &byte, 1, at) != 1)
		exit(2);
	byte ^= 0x01;
	if (pwrite(fd, &byte, 1, at) != 1)
		exit(2);
	close(fd);
	sqlite3 *db;
	if (cryptvfs_open(db_path, PASS, strlen(PASS), SQLITE_OPEN_READWRITE, &db) != SQLITE_OK)
		die_sql(NULL, "open");
	char *ic = one_text(db, "PRAGMA integrity_check");
	CHECK(strcmp(ic, "ok") != 0, "one flipped bit in page 4: not ok (%s; %s)", ic, cryptvfs_errmsg());
	free(ic);
	sqlite3_close(db);
	free(db_path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: crypttest DIR\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s", argv[1]);
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	if (system(cmd) != 0)
		return 2;
	if (cryptvfs_register() != SQLITE_OK)
		return 2;
	/* Tests open many times: a cheaper KDF (the cost is measured apart). */
	cryptvfs_set_kdf(crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	test_basic();
	test_kill("kill-wal.weft", "wal", 12);
	test_kill("kill-journal.weft", "delete", 8);
	test_torn_wal();
	test_temp();
	test_tamper();
	struct cryptvfs_stats s;
	cryptvfs_get_stats(&s);
	printf("\npages sealed %llu, opened %llu, failed auth %llu, torn log pages zeroed %llu, temp files %llu,"
	       " KDF %llu calls %.2f s\n",
	       s.sealed, s.opened, s.auth_failures, s.torn_wal_frames, s.temp_files, s.kdf_calls, s.kdf_seconds);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
