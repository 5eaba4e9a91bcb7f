/*
 * stats.c — `weft stats`: what the case holds.
 */
#include <cjson/cJSON.h>

#include "case.h"
#include "cli.h"
#include "json.h"

const char help_stats[] =
	"usage: weft stats [--case FILE] [--json]\n"
	"\n"
	"Counts documents (by type), failures, bytes read and the span of dates.\n"
	"--json gives an object: documents, failed, needs_ocr, bytes, paths,\n"
	"encrypted, by_type {type: count}, first_date, last_date (as /api/stats,\n"
	"which adds the network).\n";

int cmd_stats(int argc, char **argv)
{
	const char *case_opt;
	int json;
	if (cli_case_json_opts(argc, argv, "stats", &case_opt, &json))
		return EXIT_USAGE;
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct err e = {{0}};
	cJSON *st = json_stats(c, &e);
	if (!st) {
		case_close(c);
		return cli_error("stats: %s", e.msg);
	}
	if (json) {
		cli_print_json(st);
		case_close(c);
		return EXIT_OK;
	}
	double docs = cJSON_GetObjectItemCaseSensitive(st, "documents")->valuedouble,
	       ocr = cJSON_GetObjectItemCaseSensitive(st, "needs_ocr")->valuedouble,
	       failed = cJSON_GetObjectItemCaseSensitive(st, "failed")->valuedouble;
	const cJSON *t, *first = cJSON_GetObjectItemCaseSensitive(st, "first_date"),
			*last = cJSON_GetObjectItemCaseSensitive(st, "last_date");
	printf("case:       %s%s\n", c->path, c->encrypted ? " (encrypted)" : "");
	printf("documents:  %.0f (%.1f MB read, %.0f paths)\n", docs,
	       cJSON_GetObjectItemCaseSensitive(st, "bytes")->valuedouble / 1048576.0,
	       cJSON_GetObjectItemCaseSensitive(st, "paths")->valuedouble);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(st, "by_type"))
	{
		printf("  %-9s %.0f\n", t->string, t->valuedouble);
	}
	if (ocr)
		printf("needs OCR:  %.0f (PDFs with no text layer)\n", ocr);
	printf("failed:     %.0f%s\n", failed, failed ? " (see 'weft failures')" : "");
	if (cJSON_IsString(first) && cJSON_IsString(last))
		printf("dates:      %.10s to %.10s\n", first->valuestring, last->valuestring);
	cJSON_Delete(st);
	case_close(c);
	return EXIT_OK;
}
