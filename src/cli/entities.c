/*
 * entities.c — `weft entities`: the people, organizations and places of the
 * case, each once whatever the spelling; and `weft entity X`: one of them.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "resolve.h"

const char help_entities[] =
	"usage: weft entities [--case FILE] [--type T] [--sort KEY] [--limit N] [--json] [NAME]\n"
	"\n"
	"Lists entities (people, organizations, places, other names), most mentioned\n"
	"first, with their aliases: the spellings found in the documents.  With NAME,\n"
	"only entities whose name or an alias contains it.\n"
	"\n"
	"options:\n"
	"  --type T      PER, ORG, LOC or MISC\n"
	"  --sort KEY    mentions (default), documents, name or pagerank\n"
	"  -n, --limit N at most N (default 50); --top N is the same\n"
	"  --json        an array of objects: id, type, name, mentions, docs, pagerank,\n"
	"                community, aliases [{alias, count}]\n";

const char help_entity[] =
	"usage: weft entity [--case FILE] [--json] ENTITY\n"
	"\n"
	"One entity: its aliases with counts and the documents that mention it.\n"
	"ENTITY is an id, a name or an alias.\n";

static cJSON *aliases_json(sqlite3_stmt *al, long long id, int limit)
{
	cJSON *arr = cJSON_CreateArray();
	sqlite3_reset(al);
	sqlite3_bind_int64(al, 1, id);
	sqlite3_bind_int(al, 2, limit);
	while (sqlite3_step(al) == SQLITE_ROW) {
		cJSON *a = cJSON_CreateObject();
		cli_json_add(a, "alias", (const char *)sqlite3_column_text(al, 0));
		cJSON_AddNumberToObject(a, "count", sqlite3_column_int(al, 1));
		cJSON_AddItemToArray(arr, a);
	}
	return arr;
}

static void print_aliases(sqlite3_stmt *al, long long id, int limit, const char *sep)
{
	sqlite3_reset(al);
	sqlite3_bind_int64(al, 1, id);
	sqlite3_bind_int(al, 2, limit);
	int k = 0;
	while (sqlite3_step(al) == SQLITE_ROW) {
		fputs(k++ ? sep : "", stdout);
		cli_put_safe(stdout, (const char *)sqlite3_column_text(al, 0));
		printf(" (%d)", sqlite3_column_int(al, 1));
	}
}

int cmd_entities(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'}, {"type", required_argument, 0, 't'},
					     {"sort", required_argument, 0, 's'}, {"limit", required_argument, 0, 'n'},
					     {"top", required_argument, 0, 'n'},  {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL, *type = NULL, *sort = "mentions";
	int limit = 50, json = 0, o;
	while ((o = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 't': type = optarg; break;
		case 's': sort = optarg; break;
		case 'n': limit = atoi(optarg); break;
		case 'J': json = 1; break;
		default: return cli_usage("entities", "unknown option");
		}
	}
	const char *order = !strcmp(sort, "mentions") ? "mentions DESC"
			    : !strcmp(sort, "docs") || !strcmp(sort, "documents") ? "docs DESC"
			    : !strcmp(sort, "name") ? "name COLLATE NOCASE" : !strcmp(sort, "pagerank") ? "pagerank DESC"
			    : NULL;
	if (!order)
		return cli_usage("entities", "--sort takes mentions, docs, name or pagerank");
	if (limit < 1)
		return cli_usage("entities", "--limit takes a positive number");
	if (optind < argc - 1)
		return cli_usage("entities", "give at most one NAME");
	const char *like = optind < argc ? argv[optind] : NULL;
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	char sql[640];
	snprintf(sql, sizeof sql,
		 "SELECT id, type, name, mentions, docs, pagerank, community FROM entities"
		 " WHERE (?1 IS NULL OR type=?1) AND (?3 IS NULL OR instr(lower(name), lower(?3)) > 0 OR id IN"
		 " (SELECT entity FROM aliases WHERE instr(lower(alias), lower(?3)) > 0))"
		 " ORDER BY %s, id LIMIT ?2", order);
	sqlite3_stmt *st, *al;
	struct err e = {{0}};
	if (case_prepare(c, sql, &st, "entities", &e) < 0 ||
	    case_prepare(c, "SELECT alias, count FROM aliases WHERE entity=? ORDER BY count DESC, alias LIMIT ?", &al,
			 "entities", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	case_bind_text(st, 1, type);
	sqlite3_bind_int(st, 2, limit);
	case_bind_text(st, 3, like);
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		n++;
		if (json) {
			cJSON *obj = cJSON_CreateObject();
			cJSON_AddNumberToObject(obj, "id", (double)id);
			cli_json_add(obj, "type", (const char *)sqlite3_column_text(st, 1));
			cli_json_add(obj, "name", (const char *)sqlite3_column_text(st, 2));
			cJSON_AddNumberToObject(obj, "mentions", sqlite3_column_int(st, 3));
			cJSON_AddNumberToObject(obj, "docs", sqlite3_column_int(st, 4));
			if (sqlite3_column_type(st, 5) != SQLITE_NULL)
				cJSON_AddNumberToObject(obj, "pagerank", sqlite3_column_double(st, 5));
			if (sqlite3_column_type(st, 6) != SQLITE_NULL)
				cJSON_AddNumberToObject(obj, "community", sqlite3_column_int(st, 6));
			cJSON_AddItemToObject(obj, "aliases", aliases_json(al, id, 1000));
			cJSON_AddItemToArray(arr, obj);
			continue;
		}
		printf("%6lld  %-4s  ", id, (const char *)sqlite3_column_text(st, 1));
		cli_put_safe(stdout, (const char *)sqlite3_column_text(st, 2));
		printf("  — %d mentions in %d documents\n        aka ", sqlite3_column_int(st, 3), sqlite3_column_int(st, 4));
		print_aliases(al, id, 6, ", ");
		putchar('\n');
	}
	sqlite3_finalize(st);
	sqlite3_finalize(al);
	case_close(c);
	if (json)
		cli_print_json(arr);
	else if (!n)
		printf("no entities%s\n", like ? " match" : " yet (ingest documents with the NER model)");
	return EXIT_OK;
}

int cmd_entity(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'}, {"json", no_argument, 0, 'J'}, {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int json = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'J': json = 1; break;
		default: return cli_usage("entity", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("entity", "give one entity (id, name or alias)");
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct err e = {{0}};
	long long id = resolve_find(c, argv[optind], NULL, &e);
	if (id <= 0) {
		case_close(c);
		return id < 0 ? cli_error("entity: %s", e.msg) : cli_error("entity: no entity '%s'", argv[optind]);
	}
	sqlite3_stmt *st, *al, *docs;
	if (case_prepare(c, "SELECT type, name, mentions, docs, pagerank, community FROM entities WHERE id=?", &st, "entity", &e) < 0 ||
	    case_prepare(c, "SELECT alias, count FROM aliases WHERE entity=? ORDER BY count DESC, alias LIMIT ?", &al, "entity", &e) < 0 ||
	    case_prepare(c, "SELECT d.id, d.title, d.date, count(*),"
			    " (SELECT path FROM paths WHERE doc=d.id ORDER BY container IS NOT NULL, path LIMIT 1)"
			    " FROM mentions m JOIN documents d ON d.id=m.doc WHERE m.entity=? GROUP BY d.id"
			    " ORDER BY count(*) DESC, d.date LIMIT 100", &docs, "entity", &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(docs, 1, id);
	sqlite3_step(st);
	if (json) {
		cJSON *obj = cJSON_CreateObject();
		cJSON_AddNumberToObject(obj, "id", (double)id);
		cli_json_add(obj, "type", (const char *)sqlite3_column_text(st, 0));
		cli_json_add(obj, "name", (const char *)sqlite3_column_text(st, 1));
		cJSON_AddNumberToObject(obj, "mentions", sqlite3_column_int(st, 2));
		cJSON_AddNumberToObject(obj, "docs", sqlite3_column_int(st, 3));
		cJSON_AddItemToObject(obj, "aliases", aliases_json(al, id, 1000));
		cJSON *da = cJSON_AddArrayToObject(obj, "documents");
		while (sqlite3_step(docs) == SQLITE_ROW) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddNumberToObject(d, "id", (double)sqlite3_column_int64(docs, 0));
			cli_json_add(d, "title", (const char *)sqlite3_column_text(docs, 1));
			cli_json_add(d, "date", (const char *)sqlite3_column_text(docs, 2));
			cJSON_AddNumberToObject(d, "mentions", sqlite3_column_int(docs, 3));
			cli_json_add(d, "path", (const char *)sqlite3_column_text(docs, 4));
			cJSON_AddItemToArray(da, d);
		}
		cli_print_json(obj);
	} else {
		printf("[%lld] %s  ", id, (const char *)sqlite3_column_text(st, 0));
		cli_put_safe(stdout, (const char *)sqlite3_column_text(st, 1));
		printf("\n%d mentions in %d documents\naliases: ", sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
		print_aliases(al, id, 1000, "; ");
		printf("\ndocuments:\n");
		while (sqlite3_step(docs) == SQLITE_ROW) {
			printf("  [%lld] %.10s  ", (long long)sqlite3_column_int64(docs, 0),
			       sqlite3_column_text(docs, 2) ? (const char *)sqlite3_column_text(docs, 2) : "no date   ");
			cli_put_safe(stdout, (const char *)sqlite3_column_text(docs, 1));
			printf(" (%d)\n", sqlite3_column_int(docs, 3));
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(al);
	sqlite3_finalize(docs);
	case_close(c);
	return EXIT_OK;
}
