/*
 * graph.c — `weft graph`: what the network holds (and --rebuild to build it
 * again from the entities).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <time.h>

#include "case.h"
#include "cli.h"
#include "graph.h"

const char help_graph[] =
	"usage: weft graph [--case FILE] [--rebuild] [--top N] [--json]\n"
	"\n"
	"Summarises the network of the case: entities with links, links of each kind,\n"
	"evidence sentences, communities, and the most central entities (PageRank).\n"
	"'weft ingest' builds the network; --rebuild builds it again from the current\n"
	"entities (after merges or splits, say) and reports how long it took.\n"
	"\n"
	"options:\n"
	"  --rebuild   rebuild links, evidence, PageRank and communities first\n"
	"  --top N     central entities to list (default 10, at most 20)\n"
	"  --json      an object: entities, nodes (entities with links), edges,\n"
	"              evidence, communities, kinds {kind: count}, top [{id, name, type,\n"
	"              pagerank, community}], and seconds when rebuilt\n";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"rebuild", no_argument, 0, 'r'},
					     {"top", required_argument, 0, 't'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int rebuild = 0, top = 10, json = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'r': rebuild = 1; break;
		case 't':
			top = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || top < 0 || top > 20)
				return cli_usage("graph", "--top takes a number from 0 to 20");
			break;
		case 'J': json = 1; break;
		default: return cli_usage("graph", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("graph", "takes no arguments");
	struct err e = {{0}};
	struct case_db *c;
	double secs = -1;
	if (rebuild) {
		if (case_open(cli_case_path(case_opt), CASE_WRITE, &c, &e) < 0 || case_lock_writer(c, NULL, NULL, &e) < 0) {
			case_close(c);
			return cli_error("%s", e.msg);
		}
		double t0 = now();
		if (graph_build(c, &e) < 0) {
			case_close(c);
			return cli_error("graph: %s", e.msg);
		}
		secs = now() - t0;
	} else if (!(c = cli_open_read(case_opt))) {
		return EXIT_FATAL;
	}
	struct graph_summary s;
	int rc = graph_summary(c, top, &s, &e);
	case_close(c);
	if (rc < 0)
		return cli_error("graph: %s", e.msg);
	if (json) {
		cJSON *root = cJSON_CreateObject(), *kinds = cJSON_CreateObject(), *arr = cJSON_CreateArray();
		cJSON_AddNumberToObject(root, "entities", s.entities);
		cJSON_AddNumberToObject(root, "nodes", s.nodes);
		cJSON_AddNumberToObject(root, "edges", s.edges);
		cJSON_AddNumberToObject(root, "evidence", s.evidence);
		cJSON_AddNumberToObject(root, "communities", s.communities);
		for (int i = 0; i < s.nkinds; i++)
			cJSON_AddNumberToObject(kinds, s.kinds[i].kind, s.kinds[i].n);
		cJSON_AddItemToObject(root, "kinds", kinds);
		for (int i = 0; i < s.ntop; i++) {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddNumberToObject(t, "id", (double)s.top[i].id);
			cli_json_add(t, "name", s.top[i].name);
			cli_json_add(t, "type", s.top[i].type);
			cJSON_AddNumberToObject(t, "pagerank", s.top[i].pagerank);
			cJSON_AddNumberToObject(t, "community", s.top[i].community);
			cJSON_AddItemToArray(arr, t);
		}
		cJSON_AddItemToObject(root, "top", arr);
		if (secs >= 0)
			cJSON_AddNumberToObject(root, "seconds", secs);
		cli_print_json(root);
		return EXIT_OK;
	}
	if (secs >= 0)
		printf("network rebuilt in %.2f s\n", secs);
	printf("%ld entities, %ld with links\n%ld links", s.entities, s.nodes, s.edges);
	for (int i = 0; i < s.nkinds; i++)
		printf("%s%ld %s", i ? ", " : ": ", s.kinds[i].n, s.kinds[i].kind);
	printf("\n%ld evidence sentences\n%ld communities\n", s.evidence, s.communities);
	if (s.ntop)
		printf("\nmost central (PageRank):\n");
	for (int i = 0; i < s.ntop; i++) {
		printf("  %-8.5f ", s.top[i].pagerank);
		cli_put_safe(stdout, s.top[i].name);
		printf(" (%s, id %lld, community %ld)\n", s.top[i].type, s.top[i].id, s.top[i].community);
	}
	if (!s.edges)
		printf("\nno links yet: they are built from entities, by 'weft ingest' or 'weft graph --rebuild'\n");
	return EXIT_OK;
}
