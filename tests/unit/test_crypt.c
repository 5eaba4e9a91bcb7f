/*
 * test_crypt.c — the encrypting VFS (crypt.c) below weft's case layer, on
 * what an e2e test cannot arrange: a torn WAL frame (a power cut in the
 * middle of a write), a hot rollback journal (a crash mid-transaction in
 * journal mode), temporary files that spill, a tampered page, a plain
 * database opened while the VFS is the default, and a wrong passphrase.
 * Ported from the prototype's crypttest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypt.h"

#define PASS "correct horse battery staple"

static char dir[64];
static unsigned char salt[CRYPT_SALT_BYTES]; /* one key for every file made here */

static char *path_of(const char *name)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

/* Opens (creating if new) an encrypted database with the tests' key. */
static sqlite3 *open_enc(const char *name)
{
	char hex[2 * CRYPT_SALT_BYTES + 1], uri[512];
	for (int i = 0; i < CRYPT_SALT_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", salt[i]);
	snprintf(uri, sizeof uri, "file:%s?%s=%s", path_of(name), CRYPT_URI_SALT, hex);
	struct stat sb;
	int fresh = stat(path_of(name), &sb) != 0 || sb.st_size == 0;
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
					 CRYPT_VFS), SQLITE_OK);
	sqlite3_extended_result_codes(db, 1);
	if (fresh) {
		struct err e;
		assert_int_equal(crypt_format(db, &e), 0);
	}
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
}

static long long one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *text1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc((size_t)len + 1);
	assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return b;
}

static void copy(const char *from, const char *to)
{
	size_t n;
	unsigned char *b = slurp(from, &n);
	FILE *f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
	free(b);
}

static int contains(const char *path, const char *needle)
{
	size_t n, k = strlen(needle);
	unsigned char *b = slurp(path, &n);
	int found = 0;
	for (size_t i = 0; i + k <= n && !found; i++)
		found = !memcmp(b + i, needle, k);
	free(b);
	return found;
}

/* Five transactions of 40 rows each, in WAL mode, never checkpointed. */
static sqlite3 *wal_db(const char *name)
{
	sqlite3 *db = open_enc(name);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
		 "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)");
	for (int k = 0; k < 5; k++)
		exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
			 " INSERT INTO t(body) SELECT 'secretword ' || hex(randomblob(300)) FROM n");
	return db;
}

static void test_torn_wal_frame(void **state)
{
	sqlite3 *db = wal_db("torn.db");
	/* a crash now: copy what is on disk, with the WAL */
	copy(path_of("torn.db"), path_of("torn2.db"));
	copy(path_of("torn.db-wal"), path_of("torn2.db-wal"));
	sqlite3_close(db);
	assert_false(contains(path_of("torn2.db-wal"), "secretword"));
	assert_false(contains(path_of("torn2.db"), "SQLite format 3"));
	/* the power cut tore the last frame's image */
	size_t n;
	unsigned char *w = slurp(path_of("torn2.db-wal"), &n);
	for (size_t i = n - 2000; i < n - 1000; i++)
		w[i] ^= 0x5a;
	FILE *f = fopen(path_of("torn2.db-wal"), "wb");
	fwrite(w, 1, n, f);
	fclose(f);
	free(w);
	db = open_enc("torn2.db");
	struct crypt_stats before, after;
	crypt_get_stats(&before);
	/* SQLite's checksum drops the last transaction whole */
	assert_int_equal(one(db, "SELECT count(*) FROM t"), 160);
	char *r = text1(db, "PRAGMA integrity_check");
	assert_string_equal(r, "ok");
	free(r);
	crypt_get_stats(&after);
	assert_true(after.torn_log_pages > before.torn_log_pages);
	sqlite3_close(db);
}

static void test_hot_journal(void **state)
{
	sqlite3 *db = open_enc("hot.db"); /* crypt_format leaves it in rollback mode */
	exec(db, "CREATE TABLE t(body TEXT); INSERT INTO t VALUES('kept')");
	exec(db, "PRAGMA cache_size=2; BEGIN;"
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
		 " INSERT INTO t SELECT 'secretword ' || hex(randomblob(200)) FROM n");
	/* a crash mid-transaction: pages spilled to the file, the journal is hot */
	assert_true(access(path_of("hot.db-journal"), F_OK) == 0);
	copy(path_of("hot.db"), path_of("hot2.db"));
	copy(path_of("hot.db-journal"), path_of("hot2.db-journal"));
	exec(db, "ROLLBACK");
	sqlite3_close(db);
	assert_false(contains(path_of("hot2.db-journal"), "secretword"));
	assert_false(contains(path_of("hot2.db"), "secretword"));
	db = open_enc("hot2.db");
	assert_int_equal(one(db, "SELECT count(*) FROM t"), 1);
	char *r = text1(db, "PRAGMA integrity_check");
	assert_string_equal(r, "ok");
	free(r);
	sqlite3_close(db);
}

static void test_temp_files(void **state)
{
	sqlite3 *db = open_enc("temp.db");
	exec(db, "PRAGMA temp_store=FILE; PRAGMA cache_size=10; CREATE TABLE t(k INTEGER, v TEXT);"
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
		 " INSERT INTO t SELECT (i * 7919) % 20000, hex(randomblob(50)) FROM n");
	/* sorts far bigger than the cache spill to (encrypted) temp files */
	struct crypt_stats before, after;
	crypt_get_stats(&before);
	assert_int_equal(one(db, "SELECT count(*) FROM (SELECT DISTINCT v FROM t)"), 20000);
	assert_int_equal(one(db, "SELECT count(*) FROM (SELECT v, lag(v) OVER (ORDER BY v) AS p FROM t) WHERE p > v"), 0);
	assert_int_equal(one(db, "SELECT sum(k) FROM (SELECT k FROM t ORDER BY v)"), 19999LL * 20000 / 2);
	crypt_get_stats(&after);
	assert_true(after.temp_files > before.temp_files);
	sqlite3_close(db);
}

static void test_tampered_page(void **state)
{
	sqlite3 *db = wal_db("tamper.db");
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	/* flip one bit in page 4 */
	FILE *f = fopen(path_of("tamper.db"), "r+b");
	assert_non_null(f);
	fseek(f, 3 * CRYPT_PAGE_SIZE + 100, SEEK_SET);
	int c = fgetc(f);
	fseek(f, 3 * CRYPT_PAGE_SIZE + 100, SEEK_SET);
	fputc(c ^ 1, f);
	fclose(f);
	db = open_enc("tamper.db");
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), sum(length(body)) FROM t", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_IOERR_AUTH);
	sqlite3_finalize(st);
	assert_non_null(strstr(crypt_errmsg(), "page 4 does not authenticate"));
	sqlite3_close(db);
}

static void test_plain_passes_through(void **state)
{
	/* the VFS is the default now: a plain database is the system VFS's */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path_of("plain.db"), &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES('plainword')");
	char *name = NULL;
	assert_int_equal(sqlite3_file_control(db, "main", SQLITE_FCNTL_VFSNAME, &name), SQLITE_OK);
	assert_null(strstr(name, CRYPT_VFS));
	sqlite3_free(name);
	sqlite3_close(db);
	assert_true(contains(path_of("plain.db"), "SQLite format 3"));
	assert_true(contains(path_of("plain.db"), "plainword"));
}

static void test_wrong_passphrase(void **state)
{
	/* made by another process, so this one has no key for it yet */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct err e;
		if (crypt_new_key("another long passphrase", 23, salt, &e) < 0)
			_exit(1);
		sqlite3 *db = open_enc("other.db");
		exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1)");
		sqlite3_close(db);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	size_t n;
	unsigned char *page = slurp(path_of("other.db"), &n);
	assert_true(n >= CRYPT_PAGE_SIZE);
	assert_true(crypt_is_encrypted(page, n));
	assert_false(crypt_have_key(page));
	struct err e;
	assert_int_equal(crypt_unlock(page, "another long passphrasE", 23, &e), -1);
	assert_non_null(strstr(e.msg, "wrong passphrase"));
	/* without the key the VFS refuses to open it, and writes nothing */
	sqlite3 *db;
	sqlite3_open_v2(path_of("other.db"), &db, SQLITE_OPEN_READWRITE, CRYPT_VFS);
	assert_int_not_equal(sqlite3_exec(db, "SELECT * FROM t", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	size_t n2;
	unsigned char *again = slurp(path_of("other.db"), &n2);
	assert_int_equal(n, n2);
	assert_memory_equal(page, again, n);
	free(again);
	assert_int_equal(crypt_unlock(page, "another long passphrase", 23, &e), 0);
	free(page);
	assert_int_equal(sqlite3_open_v2(path_of("other.db"), &db, SQLITE_OPEN_READWRITE, CRYPT_VFS), SQLITE_OK);
	assert_int_equal(one(db, "SELECT count(*) FROM t"), 1);
	sqlite3_close(db);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "%s/weft-crypt-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	struct err e;
	if (crypt_setup(&e) < 0 || crypt_new_key(PASS, strlen(PASS), salt, &e) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torn_wal_frame),    cmocka_unit_test(test_hot_journal),
		cmocka_unit_test(test_temp_files),        cmocka_unit_test(test_tampered_page),
		cmocka_unit_test(test_plain_passes_through), cmocka_unit_test(test_wrong_passphrase),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
