/*
 * show.c — `weft show DOC`: a document's metadata, paths and text.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <string.h>

#include "case.h"
#include "cli.h"

const char help_show[] =
	"usage: weft show [--case FILE] [--json] [--meta] DOC\n"
	"\n"
	"Prints a document: its metadata, every path it was found at, and its text.\n"
	"DOC is a document id (from 'weft search') or a path as ingested; the end of\n"
	"a path is enough when it is unique (e.g. 09BAGHDAD11.html).\n"
	"\n"
	"options:\n"
	"  --case FILE   the case file (default $WEFT_CASE, else ./case.weft)\n"
	"  --meta        metadata only, not the text\n"
	"  --json        one object: id, sha256, status, type, mime, size, title, date,\n"
	"                date_suspect, author, from, to, cc, subject, message_id,\n"
	"                in_reply_to, meta, invalid_bytes, pages, parent, paths, text\n";

static const char *const fields[] = {"sha256", "status", "type", "mime", "size", "title", "date",
				     "date_suspect", "author", "from", "to", "cc", "subject",
				     "message_id", "in_reply_to", "meta", "invalid_bytes", "pages",
				     "parent", "text"};

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"json", no_argument, 0, 'J'},
					     {"meta", no_argument, 0, 'm'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int json = 0, meta_only = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'J': json = 1; break;
		case 'm': meta_only = 1; break;
		default: return cli_usage("show", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("show", "give one document id or path");
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct err e = {{0}};
	long long id = case_find_doc(c, argv[optind], &e);
	if (id <= 0) {
		case_close(c);
		if (id < 0)
			return cli_error("show: %s", e.msg);
		return cli_error("show: no document '%s' in this case", argv[optind]);
	}
	sqlite3_stmt *st, *ps;
	if (case_prepare(c,
			 "SELECT sha256, status, type, mime, size, title, date, date_suspect, author, sender,"
			 " recipients, cc, subject, message_id, in_reply_to, meta, invalid_bytes, pages, parent, body"
			 " FROM documents WHERE id=?",
			 &st, "show", &e) < 0 ||
	    case_prepare(c, "SELECT path FROM paths WHERE doc=? ORDER BY path", &ps, "show", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(ps, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		sqlite3_finalize(ps);
		case_close(c);
		return cli_error("show: cannot read document %lld", id);
	}
	int nf = (int)(sizeof fields / sizeof *fields);
	if (json) {
		cJSON *obj = cJSON_CreateObject();
		cJSON_AddNumberToObject(obj, "id", (double)id);
		for (int i = 0; i < nf; i++) {
			if (meta_only && !strcmp(fields[i], "text"))
				continue;
			int t = sqlite3_column_type(st, i);
			const char *v = (const char *)sqlite3_column_text(st, i);
			if (t == SQLITE_INTEGER)
				cJSON_AddNumberToObject(obj, fields[i], (double)sqlite3_column_int64(st, i));
			else if ((!strcmp(fields[i], "meta") || !strcmp(fields[i], "pages")) && v)
				cJSON_AddItemToObject(obj, fields[i], cJSON_Parse(v));
			else
				cli_json_add(obj, fields[i], v);
		}
		cJSON *paths = cJSON_AddArrayToObject(obj, "paths");
		while (sqlite3_step(ps) == SQLITE_ROW) {
			cJSON *tmp = cJSON_CreateObject();
			cli_json_add(tmp, "p", (const char *)sqlite3_column_text(ps, 0));
			cJSON_AddItemToArray(paths, cJSON_DetachItemFromObject(tmp, "p"));
			cJSON_Delete(tmp);
		}
		cli_print_json(obj);
	} else {
		printf("id:            %lld\n", id);
		for (int i = 0; i < nf - 1; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_NULL)
				continue;
			if (!strcmp(fields[i], "date_suspect") && !sqlite3_column_int(st, i))
				continue;
			if (!strcmp(fields[i], "invalid_bytes") && !sqlite3_column_int(st, i))
				continue;
			printf("%-14s ", fields[i]);
			cli_put_safe(stdout, (const char *)sqlite3_column_text(st, i));
			putchar('\n');
		}
		while (sqlite3_step(ps) == SQLITE_ROW) {
			printf("path:          ");
			cli_put_safe(stdout, (const char *)sqlite3_column_text(ps, 0));
			putchar('\n');
		}
		if (!meta_only) {
			const char *text = (const char *)sqlite3_column_text(st, nf - 1);
			printf("\n%s", text ? text : "");
			if (text && *text && text[strlen(text) - 1] != '\n')
				putchar('\n');
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ps);
	case_close(c);
	return EXIT_OK;
}
