/*
 * failures.c — `weft failures`: what could not be read, and why.
 */
#include <cjson/cJSON.h>

#include "case.h"
#include "cli.h"

const char help_failures[] =
	"usage: weft failures [--case FILE] [--json]\n"
	"\n"
	"Lists every file (or archive member, as archive!/member) that could not be\n"
	"read, with the reason.  A failure is cleared when a later ingest reads the\n"
	"file.  --json gives an array of objects: path, reason, size, at.\n";

int cmd_failures(int argc, char **argv)
{
	const char *case_opt;
	int json;
	if (cli_case_json_opts(argc, argv, "failures", &case_opt, &json))
		return EXIT_USAGE;
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	sqlite3_stmt *st;
	struct err e = {{0}};
	if (case_prepare(c, "SELECT path, reason, size, at FROM failures ORDER BY path", &st, "failures", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		const char *why = (const char *)sqlite3_column_text(st, 1);
		n++;
		if (json) {
			cJSON *obj = cJSON_CreateObject();
			cli_json_add(obj, "path", path);
			cli_json_add(obj, "reason", why);
			cJSON_AddNumberToObject(obj, "size", (double)sqlite3_column_int64(st, 2));
			cli_json_add(obj, "at", (const char *)sqlite3_column_text(st, 3));
			cJSON_AddItemToArray(arr, obj);
		} else {
			cli_put_safe(stdout, path);
			fputs(": ", stdout);
			cli_put_safe(stdout, why);
			putchar('\n');
		}
	}
	sqlite3_finalize(st);
	case_close(c);
	if (json)
		cli_print_json(arr);
	else if (!n)
		printf("no failures\n");
	return EXIT_OK;
}
