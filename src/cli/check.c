/*
 * check.c — `weft check`: is the case file sound?
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"

const char help_check[] =
	"usage: weft check [--case FILE] [--json]\n"
	"\n"
	"Checks the case file: SQLite's integrity check over every table and index,\n"
	"and the full-text index against the documents (not on a read-only case).\n"
	"On an encrypted case it also reads, and so authenticates, every page.  Prints \"ok\"\n"
	"or each problem found; exits 0 only if the case is sound.\n"
	"--json gives an object: ok (true/false), problems [text].\n";

/* Reads every page of the case file through its VFS, so that the
 * encrypting VFS authenticates each one: SQLite's integrity check reads
 * only the pages in use, not the free ones.  Inside a read transaction, so
 * a writer cannot change pages under it. */
static int read_every_page(struct case_db *c, struct err *e)
{
	sqlite3_file *f = NULL;
	sqlite3_int64 size = 0;
	int psize = 0;
	sqlite3_stmt *st;
	if (case_exec(c, "BEGIN", "checking every page", e) < 0)
		return -1;
	if (sqlite3_prepare_v2(c->db, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		psize = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	int rc = 0;
	if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f || !f->pMethods ||
	    psize <= 0 || f->pMethods->xFileSize(f, &size) != SQLITE_OK) {
		rc = err_set(e, "checking every page: cannot reach the case file");
	} else {
		unsigned char *page = xmalloc((size_t)psize);
		const sqlite3_int64 lock_byte = 0x40000000; /* its page is never written */
		for (sqlite3_int64 off = 0; off + psize <= size && rc == 0; off += psize)
			if (!(off <= lock_byte && lock_byte < off + psize) && f->pMethods->xRead(f, page, psize, off) != SQLITE_OK)
				rc = err_set(e, "page %lld does not authenticate (tampered or damaged)",
					     (long long)(off / psize + 1));
		free(page);
	}
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	const char *case_opt;
	int json;
	if (cli_case_json_opts(argc, argv, "check", &case_opt, &json))
		return EXIT_USAGE;
	/* FTS5's check is spelt as an INSERT (it writes nothing), so it needs
	 * a connection that may write; a read-only case gets SQLite's check. */
	struct case_db *c;
	struct err e = {{0}};
	int writable = case_open(cli_case_path(case_opt), CASE_WRITE, &c, &e) == 0;
	if (!writable && !(c = cli_open_read(case_opt)))
		return EXIT_FATAL;
	cJSON *problems = cJSON_CreateArray();
	sqlite3_stmt *st;
	if (case_prepare(c, "PRAGMA integrity_check", &st, "checking the case", &e) < 0) {
		cJSON_AddItemToArray(problems, cJSON_CreateString(e.msg));
	} else {
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *r = (const char *)sqlite3_column_text(st, 0);
			if (r && strcmp(r, "ok"))
				cJSON_AddItemToArray(problems, cJSON_CreateString(r));
		}
		if (rc != SQLITE_DONE) {
			case_fail(c, "checking the case", &e);
			cJSON_AddItemToArray(problems, cJSON_CreateString(e.msg));
		}
		sqlite3_finalize(st);
	}
	if (c->encrypted && read_every_page(c, &e) < 0)
		cJSON_AddItemToArray(problems, cJSON_CreateString(e.msg));
	if (writable && case_exec(c, "INSERT INTO fts(fts, rank) VALUES('integrity-check', 0)", "full-text index", &e) < 0)
		cJSON_AddItemToArray(problems, cJSON_CreateString(e.msg));
	int n = cJSON_GetArraySize(problems);
	if (json) {
		cJSON *obj = cJSON_CreateObject();
		cJSON_AddBoolToObject(obj, "ok", n == 0);
		cJSON_AddItemToObject(obj, "problems", problems);
		cli_print_json(obj);
	} else {
		for (int i = 0; i < n; i++)
			printf("%s\n", cJSON_GetArrayItem(problems, i)->valuestring);
		if (!n)
			printf("ok%s\n", writable ? "" : " (read-only: the full-text index was not checked)");
		cJSON_Delete(problems);
	}
	case_close(c);
	return n ? EXIT_FATAL : EXIT_OK;
}
