/*
 * retag.c — `weft retag`: run the tagger again over the case.
 */
#include <getopt.h>
#include <stdlib.h>

#include "case.h"
#include "cli.h"
#include "ingest.h"
#include "ner.h"

const char help_retag[] =
	"usage: weft retag [--case FILE] [--model FILE] [--all] [-j N]\n"
	"\n"
	"Finds names, places and dates again in documents that were ingested with\n"
	"--no-ner or tagged by another model, replacing their mentions.  --all\n"
	"re-tags every document.  Safe to interrupt: tagged batches are kept.\n";

int cmd_retag(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"model", required_argument, 0, 'M'},
					     {"all", no_argument, 0, 'a'},
					     {"jobs", required_argument, 0, 'j'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL, *model_path = NULL;
	int all = 0, jobs = 0, o;
	while ((o = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'M': model_path = optarg; break;
		case 'a': all = 1; break;
		case 'j': jobs = atoi(optarg); break;
		default: return cli_usage("retag", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("retag", "takes no arguments");
	char id[32];
	struct ner_model *m = cli_load_model(model_path, id);
	if (!m)
		return EXIT_FATAL;
	struct err e = {{0}};
	struct case_db *c;
	const char *path = cli_case_path(case_opt);
	if (case_open(path, CASE_WRITE, &c, &e) < 0 || case_lock_writer(c, NULL, NULL, &e) < 0) {
		ner_free(m);
		return cli_error("%s", e.msg);
	}
	long n = 0;
	int rc = ingest_retag(c, m, id, all, jobs, &n, &e);
	case_close(c);
	ner_free(m);
	if (rc < 0)
		return cli_error("retag: %s", e.msg);
	printf("retag: %ld documents tagged with %s\n", n, id);
	return EXIT_OK;
}
