/*
 * check.c — `weft check`: is the case file sound?
 */
#include <cjson/cJSON.h>
#include <stdio.h>
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
