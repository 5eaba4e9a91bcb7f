/*
 * resolve.c — `weft resolve`: rebuild entities and the network.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "case.h"
#include "cli.h"
#include "graph.h"
#include "ingest.h"
#include "resolve.h"

const char help_resolve[] =
	"usage: weft resolve [--case FILE]\n"
	"\n"
	"Rebuilds the entities from the mentions and the network from the entities,\n"
	"applying your decisions (merge, split, rename, drop) again.  Ingest does this\n"
	"by itself; run it after upgrading weft or retagging.\n";

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_resolve(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'}, {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'c')
			return cli_usage("resolve", "unknown option");
		case_opt = optarg;
	}
	if (optind != argc)
		return cli_usage("resolve", "takes no arguments");
	struct case_db *c;
	struct err e = {{0}};
	if (case_open(cli_case_path(case_opt), CASE_WRITE, &c, &e) < 0)
		return cli_error("%s", e.msg);
	if (case_lock_writer(c, NULL, NULL, &e) < 0) {
		case_close(c);
		return cli_error("%s", e.msg);
	}
	long n = 0;
	double t0 = seconds();
	int rc = resolve_all(c, &n, &e);
	double t1 = seconds();
	if (rc == 0)
		rc = graph_build(c, &e);
	if (rc == 0) /* what an interrupted ingest left to do is done */
		rc = ingest_network_built(c, &e);
	double t2 = seconds();
	case_close(c);
	if (rc < 0)
		return cli_error("resolve: %s", e.msg);
	printf("resolve: %ld entities in %.1f s; network rebuilt in %.1f s\n", n, t1 - t0, t2 - t1);
	return EXIT_OK;
}
