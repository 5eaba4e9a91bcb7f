/*
 * decisions.c — `weft decisions`: the merges, splits, renames and drops made
 * by hand, and undoing one; also the shared body of those four commands.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>

#include "case.h"
#include "cli.h"
#include "decide.h"
#include "resolve.h"

const char help_decisions[] =
	"usage: weft decisions [--case FILE] [--json] [--undo ID]\n"
	"\n"
	"Lists the decisions made by hand (weft merge, split, rename, drop), which are\n"
	"applied again after every ingest.  --undo ID takes one back.\n";

int cli_decide(int argc, char **argv, const char *kind, int nargs)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'c')
			return cli_usage(kind, "unknown option");
		case_opt = optarg;
	}
	if (argc - optind != nargs)
		return cli_usage(kind, nargs == 1 ? "give one entity" : "give two arguments");
	struct case_db *c;
	struct err e = {{0}};
	if (case_open(cli_case_path(case_opt), CASE_WRITE, &c, &e) < 0 || case_lock_writer(c, NULL, NULL, &e) < 0)
		return cli_error("%s", e.msg);
	long long id = resolve_decide(c, kind, argv[optind], nargs > 1 ? argv[optind + 1] : NULL, &e);
	case_close(c);
	if (id < 0)
		return cli_error("%s: %s", kind, e.msg);
	printf("%s: done (decision %lld; 'weft decisions --undo %lld' takes it back)\n", kind, id, id);
	return EXIT_OK;
}

int cmd_decisions(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'}, {"json", no_argument, 0, 'J'},
					     {"undo", required_argument, 0, 'u'}, {0, 0, 0, 0}};
	const char *case_opt = NULL;
	long long undo = 0;
	int json = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'J': json = 1; break;
		case 'u': undo = atoll(optarg); break;
		default: return cli_usage("decisions", "unknown option");
		}
	}
	struct case_db *c;
	struct err e = {{0}};
	if (undo) {
		if (case_open(cli_case_path(case_opt), CASE_WRITE, &c, &e) < 0 || case_lock_writer(c, NULL, NULL, &e) < 0)
			return cli_error("%s", e.msg);
		int rc = resolve_undo(c, undo, &e);
		case_close(c);
		if (rc < 0)
			return cli_error("decisions: %s", e.msg);
		printf("decisions: %lld undone\n", undo);
		return EXIT_OK;
	}
	if (!(c = cli_open_read(case_opt)))
		return EXIT_FATAL;
	sqlite3_stmt *st;
	if (case_prepare(c, "SELECT id, kind, a, b, at, undone FROM decisions ORDER BY id", &st, "decisions", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *a = (const char *)sqlite3_column_text(st, 2), *b = (const char *)sqlite3_column_text(st, 3);
		if (json) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddNumberToObject(d, "id", (double)sqlite3_column_int64(st, 0));
			cli_json_add(d, "kind", kind);
			cli_json_add(d, "a", a);
			cli_json_add(d, "b", b);
			cli_json_add(d, "at", (const char *)sqlite3_column_text(st, 4));
			cJSON_AddBoolToObject(d, "undone", sqlite3_column_int(st, 5));
			cJSON_AddItemToArray(arr, d);
			continue;
		}
		printf("%4lld  %s  %-6s ", (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 4), kind);
		cli_put_safe(stdout, a);
		if (b) {
			fputs(" | ", stdout);
			cli_put_safe(stdout, b);
		}
		puts(sqlite3_column_int(st, 5) ? "  (undone)" : "");
	}
	sqlite3_finalize(st);
	case_close(c);
	if (json)
		cli_print_json(arr);
	else if (!n)
		printf("no decisions yet (weft merge, split, rename, drop)\n");
	return EXIT_OK;
}
