/*
 * export.c — `weft export`: the network and documents for Gephi, Neo4j,
 * OpenSearch, Aleph and spreadsheets.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "export.h"

const char help_export[] =
	"usage: weft export [--case FILE] --format F [-o FILE|FOLDER] [--min-docs N]\n"
	"                   [--min-weight W] [--top N] [--type T]\n"
	"\n"
	"Writes the case for other tools.  The network is the entities that have\n"
	"links and those links (see 'weft links'); text is UTF-8.\n"
	"\n"
	"formats:\n"
	"  gexf        GEXF 1.3 for Gephi: nodes with type, mentions, docs, pagerank,\n"
	"              community and betweenness; edges weighted by documents, with\n"
	"              kind and score\n"
	"  graphml     GraphML with the same attributes (yEd, Cytoscape, networkx)\n"
	"  csv         a folder: nodes.csv, edges.csv, evidence.csv (each link's best\n"
	"              sentences with their text)\n"
	"  neo4j       a folder: nodes.csv and relationships.csv with neo4j-admin import\n"
	"              headers, and load.cypher to load them with LOAD CSV instead\n"
	"  opensearch  a folder: documents.ndjson for the _bulk API (each document with\n"
	"              its entities) and mapping.json for the index 'weft-documents'\n"
	"  aleph       FollowTheMoney entities, one JSON object per line, for\n"
	"              'ftm store write' / 'alephclient write-entities': Person,\n"
	"              Organization, Address (places), documents as Email, HyperText,\n"
	"              PlainText or Package, each mention and link as UnknownLink,\n"
	"              people who met as Associate, heads of organisations as Membership\n"
	"\n"
	"options:\n"
	"  -f, --format F   one of the formats above\n"
	"  -o, --output P   the file (default: standard output) or folder (default:\n"
	"                   ./weft-FORMAT) to write; files are replaced\n"
	"  --min-docs N     only links found in at least N documents (default 1)\n"
	"  --min-weight W   only links of weight W or more (see 'weft links')\n"
	"  --top N          only the N most central entities (PageRank); Gephi slows\n"
	"                   down past about 100,000 nodes\n"
	"  --type T         only entities of type T (PER, ORG, LOC or MISC)\n"
	"The network keeps only entities with a link left after these filters.\n";

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"format", required_argument, 0, 'f'},
					     {"output", required_argument, 0, 'o'},
					     {"min-docs", required_argument, 0, 'm'},
					     {"min-weight", required_argument, 0, 'w'},
					     {"top", required_argument, 0, 'n'},
					     {"type", required_argument, 0, 't'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL, *format = NULL, *out = NULL;
	struct export_opts opt = {.min_docs = 1};
	int o;
	while ((o = getopt_long(argc, argv, "f:o:", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'm':
			opt.min_docs = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || opt.min_docs < 1)
				return cli_usage("export", "--min-docs takes a number, 1 or more");
			break;
		case 'w':
			opt.min_weight = strtod(optarg, &end);
			if (*end || !*optarg || !(opt.min_weight >= 0))
				return cli_usage("export", "--min-weight takes a number, 0 or more");
			break;
		case 'n':
			opt.top = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || opt.top < 1)
				return cli_usage("export", "--top takes a positive number");
			break;
		case 't':
			opt.type = optarg;
			if (strcmp(optarg, "PER") && strcmp(optarg, "ORG") && strcmp(optarg, "LOC") && strcmp(optarg, "MISC"))
				return cli_usage("export", "--type takes PER, ORG, LOC or MISC");
			break;
		default: return cli_usage("export", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("export", "unexpected argument '%s'", argv[optind]);
	enum export_format f;
	if (!format)
		return cli_usage("export", "which format? --format gexf|graphml|csv|neo4j|opensearch|aleph");
	if (export_format_parse(format, &f) < 0)
		return cli_usage("export", "unknown format '%s' (gexf, graphml, csv, neo4j, opensearch, aleph)", format);
	char folder[64];
	if (export_writes_folder(f) && (!out || !strcmp(out, "-"))) {
		snprintf(folder, sizeof folder, "weft-%s", format);
		for (char *p = folder; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		out = folder;
	}
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct export_counts n;
	struct err e = {{0}};
	int rc = export_run(c, f, out, &opt, &n, &e);
	case_close(c);
	if (rc < 0)
		return cli_error("export: %s", e.msg);
	if (f == EXPORT_OPENSEARCH)
		fprintf(stderr, "weft: export: %ld documents to %s\n", n.documents, out);
	else if (f == EXPORT_ALEPH)
		fprintf(stderr, "weft: export: %ld entities, %ld documents, %ld links to %s\n", n.nodes, n.documents,
			n.edges, out && strcmp(out, "-") ? out : "standard output");
	else
		fprintf(stderr, "weft: export: %ld entities, %ld links to %s\n", n.nodes, n.edges,
			out && strcmp(out, "-") ? out : "standard output");
	return EXIT_OK;
}
