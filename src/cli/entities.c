/*
 * entities.c — `weft entities`: the people, organizations and places of the
 * case, each once whatever the spelling; and `weft entity X`: one of them.
 * Both print from the same JSON as --json and the HTTP API (json.c).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "json.h"
#include "resolve.h"

const char help_entities[] =
	"usage: weft entities [--case FILE] [--type T] [--sort KEY] [--top N] [--json] [NAME]\n"
	"\n"
	"Lists entities (people, organizations, places, other names), most mentioned\n"
	"first, with their aliases: the spellings found in the documents.  With NAME,\n"
	"only entities whose name or an alias contains it.\n"
	"\n"
	"options:\n"
	"  --type T      PER, ORG, LOC or MISC\n"
	"  --sort KEY    mentions (default), documents, name, pagerank (central in the\n"
	"                network) or betweenness (brokers: people and organisations on\n"
	"                the chains between others; places are not measured)\n"
	"  -n, --top N   at most N (default 50); --limit N is the same\n"
	"  --json        an array of objects: id, name, type, aliases [names, most\n"
	"                frequent first], alias_counts {alias: count}, mentions,\n"
	"                documents, pagerank, betweenness, community\n";

const char help_entity[] =
	"usage: weft entity [--case FILE] [--links N] [--json] ENTITY\n"
	"\n"
	"One entity: its aliases with counts, the documents that mention it and its\n"
	"strongest links.  ENTITY is an id, a name or an alias.\n"
	"\n"
	"options:\n"
	"  --links N     the N strongest links (default 10)\n"
	"  --json        as one item of 'weft entities --json', plus top_documents\n"
	"                [{id, title, date, mentions, path}] and links (as 'weft links\n"
	"                --json', one sentence of evidence each)\n";

static void print_aliases(const cJSON *ent, int limit, const char *sep)
{
	const cJSON *a, *counts = cJSON_GetObjectItemCaseSensitive(ent, "alias_counts");
	int k = 0;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ent, "aliases"))
	{
		if (k == limit)
			break;
		fputs(k++ ? sep : "", stdout);
		cli_put_safe(stdout, a->valuestring);
		printf(" (%.0f)", cli_num(counts, a->valuestring));
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
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 't': type = optarg; break;
		case 's': sort = optarg; break;
		case 'n':
			limit = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || limit < 1)
				return cli_usage("entities", "--top takes a positive number");
			break;
		case 'J': json = 1; break;
		default: return cli_usage("entities", "unknown option");
		}
	}
	if (!json_entity_order(sort))
		return cli_usage("entities", "--sort takes " JSON_ENTITY_SORTS);
	if (type && strcmp(type, "PER") && strcmp(type, "ORG") && strcmp(type, "LOC") && strcmp(type, "MISC"))
		return cli_usage("entities", "--type takes PER, ORG, LOC or MISC");
	if (optind < argc - 1)
		return cli_usage("entities", "give at most one NAME");
	const char *like = optind < argc ? argv[optind] : NULL;
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct err e = {{0}};
	cJSON *arr = json_entities(c, type, like, sort, limit, 0, &e);
	case_close(c);
	if (!arr)
		return cli_error("entities: %s", e.msg);
	if (json) {
		cli_print_json(arr);
		return EXIT_OK;
	}
	const cJSON *ent;
	cJSON_ArrayForEach(ent, arr)
	{
		printf("%6.0f  %-4s  ", cli_num(ent, "id"), cli_str(ent, "type"));
		cli_put_safe(stdout, cli_str(ent, "name"));
		printf("  — %.0f mentions in %.0f documents", cli_num(ent, "mentions"), cli_num(ent, "documents"));
		if (!strcmp(sort, "pagerank") || !strcmp(sort, "betweenness")) {
			if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(ent, sort)))
				printf(", %s %.3g", sort, cli_num(ent, sort));
			else /* betweenness: places and MISC are not measured */
				printf(", %s not measured", sort);
		}
		fputs("\n        aka ", stdout);
		print_aliases(ent, 6, ", ");
		putchar('\n');
	}
	if (!cJSON_GetArraySize(arr))
		printf("no entities%s\n", like ? " match" : " yet (ingest documents with the NER model)");
	cJSON_Delete(arr);
	return EXIT_OK;
}

static void print_link(const cJSON *l)
{
	const cJSON *k, *rel = cJSON_GetObjectItemCaseSensitive(l, "relations");
	int i = 0;
	fputs("  ", stdout);
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(l, "kinds"))
	{
		printf("%s%s", i++ ? ", " : "", k->valuestring);
	}
	fputs("  ", stdout);
	cli_put_safe(stdout, cli_str(l, "target"));
	printf(" (%s, id %.0f)  %.0f docs", cli_str(l, "target_type"), cli_num(l, "target_id"), cli_num(l, "docs"));
	const cJSON *r;
	cJSON_ArrayForEach(r, rel)
	{
		fputs("; ", stdout);
		cli_put_safe(stdout, cli_str(r, "from"));
		printf(" %s ", cli_str(r, "kind"));
		cli_put_safe(stdout, cli_str(r, "to"));
	}
	putchar('\n');
}

int cmd_entity(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'}, {"links", required_argument, 0, 'l'},
					     {"json", no_argument, 0, 'J'}, {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int json = 0, nlinks = 10, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'l':
			nlinks = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || nlinks < 0)
				return cli_usage("entity", "--links takes a number");
			break;
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
	cJSON *ent = json_entity(c, id, nlinks, 1, &e);
	case_close(c);
	if (!ent)
		return cli_error("entity: %s", e.msg[0] ? e.msg : "it is gone (the case changed meanwhile)");
	if (json) {
		cli_print_json(ent);
		return EXIT_OK;
	}
	printf("[%lld] %s  ", id, cli_str(ent, "type"));
	cli_put_safe(stdout, cli_str(ent, "name"));
	printf("\n%.0f mentions in %.0f documents\naliases: ", cli_num(ent, "mentions"), cli_num(ent, "documents"));
	print_aliases(ent, 1000, "; ");
	printf("\ndocuments:\n");
	const cJSON *d;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(ent, "top_documents"))
	{
		const char *date = cli_str(d, "date");
		printf("  [%.0f] %.10s  ", cli_num(d, "id"), date ? date : "no date   ");
		cli_put_safe(stdout, cli_str(d, "title"));
		printf(" (%.0f)\n", cli_num(d, "mentions"));
	}
	const cJSON *links = cJSON_GetObjectItemCaseSensitive(ent, "links"), *l;
	if (cJSON_GetArraySize(links))
		printf("links (weft links %lld):\n", id);
	cJSON_ArrayForEach(l, links)
	{
		print_link(l);
	}
	cJSON_Delete(ent);
	return EXIT_OK;
}
