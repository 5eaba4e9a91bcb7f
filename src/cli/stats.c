/*
 * stats.c — `weft stats`: what the case holds.
 */
#include <cjson/cJSON.h>
#include <getopt.h>

#include "case.h"
#include "cli.h"

const char help_stats[] =
	"usage: weft stats [--case FILE] [--json]\n"
	"\n"
	"Counts documents (by type), failures, bytes read and the span of dates.\n"
	"--json gives an object: documents, failed, needs_ocr, bytes, paths,\n"
	"by_type {type: count}, first_date, last_date.\n";

static long long one(struct case_db *c, const char *sql)
{
	sqlite3_stmt *st;
	long long v = 0;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int json = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'J': json = 1; break;
		default: return cli_usage("stats", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("stats", "takes no arguments");
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	long long docs = one(c, "SELECT count(*) FROM documents WHERE status IN ('ok','needs_ocr')");
	long long ocr = one(c, "SELECT count(*) FROM documents WHERE status='needs_ocr'");
	long long failed = one(c, "SELECT count(*) FROM failures");
	long long bytes = one(c, "SELECT total(size) FROM documents WHERE status IN ('ok','needs_ocr') AND parent IS NULL");
	long long paths = one(c, "SELECT count(*) FROM paths");
	sqlite3_stmt *st, *dt;
	struct err e = {{0}};
	if (case_prepare(c, "SELECT type, count(*) FROM documents WHERE status IN ('ok','needs_ocr')"
			    " GROUP BY type ORDER BY count(*) DESC", &st, "stats", &e) < 0 ||
	    case_prepare(c, "SELECT min(date), max(date) FROM documents WHERE status='ok' AND date_suspect=0",
			 &dt, "stats", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	const char *first = NULL, *last = NULL;
	if (sqlite3_step(dt) == SQLITE_ROW) {
		first = (const char *)sqlite3_column_text(dt, 0);
		last = (const char *)sqlite3_column_text(dt, 1);
	}
	if (json) {
		cJSON *obj = cJSON_CreateObject();
		cJSON_AddNumberToObject(obj, "documents", (double)docs);
		cJSON_AddNumberToObject(obj, "failed", (double)failed);
		cJSON_AddNumberToObject(obj, "needs_ocr", (double)ocr);
		cJSON_AddNumberToObject(obj, "bytes", (double)bytes);
		cJSON_AddNumberToObject(obj, "paths", (double)paths);
		cJSON *bt = cJSON_AddObjectToObject(obj, "by_type");
		while (sqlite3_step(st) == SQLITE_ROW)
			cJSON_AddNumberToObject(bt, (const char *)sqlite3_column_text(st, 0) ?: "unknown",
						(double)sqlite3_column_int64(st, 1));
		cli_json_add(obj, "first_date", first);
		cli_json_add(obj, "last_date", last);
		cli_print_json(obj);
	} else {
		printf("case:       %s%s\n", c->path, c->encrypted ? " (encrypted)" : "");
		printf("documents:  %lld (%.1f MB read, %lld paths)\n", docs, bytes / 1048576.0, paths);
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("  %-9s %lld\n", (const char *)sqlite3_column_text(st, 0) ?: "unknown",
			       (long long)sqlite3_column_int64(st, 1));
		if (ocr)
			printf("needs OCR:  %lld (PDFs with no text layer)\n", ocr);
		printf("failed:     %lld%s\n", failed, failed ? " (see 'weft failures')" : "");
		if (first)
			printf("dates:      %.10s to %.10s\n", first, last);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(dt);
	case_close(c);
	return EXIT_OK;
}
