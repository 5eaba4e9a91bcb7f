/*
 * mentions.c — `weft mentions DOC`: what the tagger found in a document.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <string.h>

#include "case.h"
#include "cli.h"

const char help_mentions[] =
	"usage: weft mentions [--case FILE] [--type T] [--json] DOC\n"
	"\n"
	"Lists the mentions found in a document (id or path, as for 'weft show'):\n"
	"one per line, TYPE<TAB>start<TAB>end<TAB>text[<TAB>value], where start and end\n"
	"are byte offsets into the document's text and value is the normalised form\n"
	"(dates as ISO 8601), or weft:script for a name in Arabic, Persian or Cyrillic\n"
	"script found by matching a person already named in Latin letters.\n"
	"Types: PER ORG LOC MISC DATE EMAIL URL PHONE.\n"
	"\n"
	"options:\n"
	"  --type T    only this type (e.g. PER)\n"
	"  --json      an array of objects: type, start, end, sentence, text, value\n";

int cmd_mentions(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"json", no_argument, 0, 'J'},
					     {"type", required_argument, 0, 't'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL, *type = NULL;
	int json = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'J': json = 1; break;
		case 't': type = optarg; break;
		default: return cli_usage("mentions", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("mentions", "give one document id or path");
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct err e = {{0}};
	long long id = case_find_doc(c, argv[optind], &e);
	sqlite3_stmt *st = NULL;
	if (id <= 0) {
		case_close(c);
		return id < 0 ? cli_error("mentions: %s", e.msg)
			      : cli_error("mentions: no document '%s' in this case", argv[optind]);
	}
	if (case_prepare(c, "SELECT type, start, end, sentence, text, value FROM mentions"
			    " WHERE doc=?1 AND (?2 IS NULL OR type=?2) ORDER BY start, end",
			 &st, "mentions", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	sqlite3_bind_int64(st, 1, id);
	case_bind_text(st, 2, type);
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		long long s = sqlite3_column_int64(st, 1), en = sqlite3_column_int64(st, 2);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		const char *value = (const char *)sqlite3_column_text(st, 5);
		if (json) {
			cJSON *m = cJSON_CreateObject();
			cli_json_add(m, "type", t);
			cJSON_AddNumberToObject(m, "start", (double)s);
			cJSON_AddNumberToObject(m, "end", (double)en);
			cJSON_AddNumberToObject(m, "sentence", (double)sqlite3_column_int64(st, 3));
			cli_json_add(m, "text", text);
			cli_json_add(m, "value", value);
			cJSON_AddItemToArray(arr, m);
		} else {
			printf("%s\t%lld\t%lld\t", t, s, en);
			cli_put_safe(stdout, text);
			if (value) {
				putchar('\t');
				cli_put_safe(stdout, value);
			}
			putchar('\n');
		}
	}
	sqlite3_finalize(st);
	case_close(c);
	if (json)
		cli_print_json(arr);
	return EXIT_OK;
}
