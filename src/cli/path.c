/*
 * path.c — `weft path A B`: the chain of links from one entity to another,
 * with the sentences that show each step.
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

const char help_path[] =
	"usage: weft path [--case FILE] [--fewest] [-k N] [--evidence N] [--json] A B\n"
	"\n"
	"Finds how A is connected to B: the chain of entities with the strongest\n"
	"links (a strong link is a short step), preferring chains through people and\n"
	"organisations over chains through places.  For each step it shows the kinds\n"
	"of link and the sentences that show it.  A and B are ids, names or aliases\n"
	"(quote names of several words).  Exits 1 when no chain exists.\n"
	"\n"
	"options:\n"
	"  --fewest        the chain of fewest links (the strongest of those) rather\n"
	"                  than the strongest chain\n"
	"  -k N            also the next best chains, N in all (default 1, at most 10)\n"
	"  --evidence N    sentences per step (default 1, at most 5)\n"
	"  --json          an object: from, to {id, name, type}, cost, hops [links as\n"
	"                  in 'weft links --json', source the previous entity of the\n"
	"                  chain], alternatives [{cost, hops}] (with -k)\n";

static void print_path(const struct graph_path *p, int color)
{
	for (int i = 0; i < p->nhops; i++) {
		const struct graph_link *h = &p->hops[i];
		if (i) {
			fputs("   |  ", stdout);
			cli_put_kinds(h);
			printf("  (%d doc%s, %d sentence%s, score %.3g)\n", h->docs, h->docs == 1 ? "" : "s", h->sentences,
			       h->sentences == 1 ? "" : "s", h->score);
			cli_put_evidence(h, "   |    ", color);
		}
		printf("%s", color ? "\033[1m" : "");
		cli_put_safe(stdout, h->name);
		printf("%s (%s, id %lld)\n", color ? "\033[0m" : "", h->type ? h->type : "?", h->other);
	}
}

/* Finds the entity the user means; prints why not and returns <= 0 if none. */
static long long find(struct case_db *c, const char *ref)
{
	struct err e = {{0}};
	long long id = resolve_find(c, ref, NULL, &e);
	if (id < 0)
		cli_error("path: %s", e.msg);
	else if (id == 0)
		cli_error("path: no entity '%s' in this case (see 'weft entities')", ref);
	return id;
}

int cmd_path(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"evidence", required_argument, 0, 'E'},
					     {"fewest", no_argument, 0, 'F'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int k = 1, nev = 1, json = 0, o;
	unsigned flags = 0;
	while ((o = getopt_long(argc, argv, "k:", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'k':
			k = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || k < 1 || k > 10)
				return cli_usage("path", "-k takes a number from 1 to 10");
			break;
		case 'E':
			nev = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || nev < 0 || nev > GRAPH_EVIDENCE)
				return cli_usage("path", "--evidence takes a number from 0 to %d", GRAPH_EVIDENCE);
			break;
		case 'J': json = 1; break;
		case 'F': flags |= GRAPH_FEWEST; break;
		default: return cli_usage("path", "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage("path", "give two entities (quote names of several words)");
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	long long from = find(c, argv[optind]), to = from > 0 ? find(c, argv[optind + 1]) : 0;
	if (from <= 0 || to <= 0) {
		case_close(c);
		return EXIT_FATAL;
	}
	struct err e = {{0}};
	if (json) {
		int np;
		cJSON *root = json_path(c, from, to, k, nev, flags, &np, &e);
		case_close(c);
		if (!root)
			return cli_error("path: %s", e.msg);
		cli_print_json(root);
		return np ? EXIT_OK : EXIT_FATAL;
	}
	struct graph_path *p;
	int np;
	if (graph_path(c, from, to, k, nev, flags, &p, &np, &e) < 0) {
		case_close(c);
		return cli_error("path: %s", e.msg);
	}
	int rc = EXIT_OK;
	if (np == 0) {
		rc = from == to ? cli_error("path: '%s' and '%s' are the same entity", argv[optind], argv[optind + 1])
				: cli_error("path: no chain of links connects '%s' and '%s' (they are in separate parts"
					    " of the network, or one has no links)",
					    argv[optind], argv[optind + 1]);
	} else {
		int color = cli_color(stdout);
		for (int i = 0; i < np; i++) {
			if (np > 1)
				printf("%spath %d of %d, %d steps (cost %.3g)\n", i ? "\n" : "", i + 1, np, p[i].nhops - 1,
				       p[i].cost);
			print_path(&p[i], color);
		}
	}
	graph_paths_free(p, np);
	case_close(c);
	return rc;
}
