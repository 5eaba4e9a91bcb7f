/*
 * links.c — `weft links ENTITY`: who an entity is connected to, how
 * strongly, and the sentences that show it.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "evidence.h"
#include "json.h"
#include "graph.h"
#include "resolve.h"

const char help_links[] =
	"usage: weft links [--case FILE] [--limit N] [--kind K] [--min-weight W] [--evidence N]\n"
	"                  [--json] ENTITY...\n"
	"\n"
	"Lists the entities ENTITY is linked to, strongest first, each with the kinds\n"
	"of link, how many documents and sentences show it, its score, and the best\n"
	"sentences as evidence with the document they come from.  ENTITY is an id, a\n"
	"name or an alias (several words are joined: weft links Qassem Soleimani).\n"
	"\n"
	"kinds: co-occurs (in one sentence), same document, and the typed links found\n"
	"in phrasings such as \"X, head of Y\" or \"X met Y\": head of, met, replaced,\n"
	"ambassador to, ambassador of, minister of, member of, part of.  The score\n"
	"discounts entities found nearly everywhere, so that \"Iraq\" does not drown\n"
	"every list.  The network is rebuilt by 'weft ingest' and 'weft graph --rebuild'.\n"
	"\n"
	"options:\n"
	"  -n, --limit N     at most N links (default 20; 0 for all)\n"
	"  --kind K          only links of this kind (e.g. 'head of')\n"
	"  --min-weight W    only links of weight W or more (documents that show\n"
	"                    it; a shared document alone counts 0.25)\n"
	"  --evidence N      sentences shown per link (default 1, at most 5)\n"
	"  --json            an object: entity {id, name, type}, links [{source, target,\n"
	"                    source_id, target_id, source_type, target_type, kinds [],\n"
	"                    relations [{kind, from, to}], weight, score, docs,\n"
	"                    sentences, edge, evidence [{doc, path, sentence,\n"
	"                    sentence_index, start, end, marks [[start, end], ...]}]}];\n"
	"                    start and end are byte offsets in the document, marks\n"
	"                    byte offsets in the sentence\n";

int cmd_links(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"limit", required_argument, 0, 'n'},
					     {"kind", required_argument, 0, 'k'},
					     {"min-weight", required_argument, 0, 'w'},
					     {"evidence", required_argument, 0, 'E'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL, *kind = NULL;
	int limit = 20, nev = 1, json = 0, o;
	double min_weight = 0;
	while ((o = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'n':
			limit = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || limit < 0)
				return cli_usage("links", "--limit takes a number, 0 for all");
			break;
		case 'k':
			kind = optarg;
			if (!graph_kind_known(kind))
				return cli_usage("links", "--kind takes one of: %s", graph_kind_list());
			break;
		case 'w':
			min_weight = strtod(optarg, &end);
			if (*end || !*optarg || !(min_weight >= 0))
				return cli_usage("links", "--min-weight takes a number, 0 or more");
			break;
		case 'E':
			nev = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || nev < 0 || nev > GRAPH_EVIDENCE)
				return cli_usage("links", "--evidence takes a number from 0 to %d", GRAPH_EVIDENCE);
			break;
		case 'J': json = 1; break;
		default: return cli_usage("links", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("links", "whose links? give an entity id, name or alias");
	struct buf ref = BUF_INIT;
	for (int i = optind; i < argc; i++)
		buf_printf(&ref, "%s%s", i > optind ? " " : "", argv[i]);
	struct case_db *c = cli_open_read(case_opt);
	if (!c) {
		buf_free(&ref);
		return EXIT_FATAL;
	}
	struct err e = {{0}};
	long long id = resolve_find(c, ref.p, NULL, &e);
	if (id <= 0) {
		int rc = id < 0 ? cli_error("links: %s", e.msg)
				: cli_error("links: no entity '%s' in this case (see 'weft entities')", ref.p);
		buf_free(&ref);
		case_close(c);
		return rc;
	}
	buf_free(&ref);
	if (json) {
		cJSON *root = json_links(c, id, kind, min_weight, limit, nev, &e);
		case_close(c);
		if (!root)
			return cli_error("links: %s", e.msg);
		cli_print_json(root);
		return EXIT_OK;
	}
	char *name = NULL, *type = NULL;
	sqlite3_stmt *st;
	if (case_prepare(c, "SELECT name, type FROM entities WHERE id = ?", &st, "links", &e) == 0) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			name = xstrdup((const char *)sqlite3_column_text(st, 0));
			type = xstrdup((const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	struct graph_link *v;
	int n;
	if (graph_links(c, id, kind, min_weight, limit, nev, &v, &n, &e) < 0) {
		free(name);
		free(type);
		case_close(c);
		return cli_error("links: %s", e.msg);
	}
	if (n == 0) {
		fputs("weft: links: ", stderr);
		cli_put_safe(stderr, name);
		fprintf(stderr, " has no links%s%s%s%s\n", kind ? " of kind '" : "", kind ? kind : "", kind ? "'" : "",
			min_weight > 0 ? " of that weight" : "");
	} else {
		int color = cli_color(stdout);
		printf("%s", color ? "\033[1m" : "");
		cli_put_safe(stdout, name);
		printf("%s (%s, id %lld)\n", color ? "\033[0m" : "", type ? type : "?", id);
		for (int i = 0; i < n; i++) {
			const struct graph_link *l = &v[i];
			fputs("\n  ", stdout);
			cli_put_kinds(l);
			printf("  %s", color ? "\033[1m" : "");
			cli_put_safe(stdout, l->name);
			printf("%s (%s, id %lld)  %d doc%s, %d sentence%s, score %.3g\n", color ? "\033[0m" : "",
			       l->type ? l->type : "?", l->other, l->docs, l->docs == 1 ? "" : "s", l->sentences,
			       l->sentences == 1 ? "" : "s", l->score);
			cli_put_evidence(l, "      ", color);
		}
	}
	graph_links_free(v, n);
	free(name);
	free(type);
	case_close(c);
	return EXIT_OK;
}
