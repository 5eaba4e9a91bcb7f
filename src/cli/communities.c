/*
 * communities.c — `weft communities`: the groups of the network, entities
 * more linked to each other than to the rest (Leiden, computed when the
 * network is built).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>

#include "case.h"
#include "cli.h"
#include "json.h"

const char help_communities[] =
	"usage: weft communities [--case FILE] [--top N] [--members N] [--json]\n"
	"\n"
	"Lists the communities of the network, largest first: groups of entities\n"
	"that are more linked to each other (by shared sentences) than to the rest,\n"
	"found by the Leiden method when the network is built.  Each with its size\n"
	"by type, the links inside it and its most central members (people and\n"
	"organisations first, by PageRank).\n"
	"'weft entities --json' gives every entity's community.\n"
	"\n"
	"options:\n"
	"  -n, --top N     at most N communities (default 20; 0 for all)\n"
	"  --members N     members shown per community (default 8)\n"
	"  --json          an array: community, size, types {PER, ORG, LOC, MISC},\n"
	"                  members [{id, name, type, pagerank}], links, label\n";

int cmd_communities(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},  {"top", required_argument, 0, 'n'},
					     {"limit", required_argument, 0, 'n'}, {"members", required_argument, 0, 'm'},
					     {"json", no_argument, 0, 'J'},        {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int top = 20, members = 8, json = 0, o;
	while ((o = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'n':
			top = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || top < 0)
				return cli_usage("communities", "--top takes a number, 0 for all");
			break;
		case 'm':
			members = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || members < 0)
				return cli_usage("communities", "--members takes a number");
			break;
		case 'J': json = 1; break;
		default: return cli_usage("communities", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("communities", "takes no arguments");
	struct case_db *c = cli_open_read(case_opt);
	if (!c)
		return EXIT_FATAL;
	struct err e = {{0}};
	cJSON *arr = json_communities(c, top, members, &e);
	case_close(c);
	if (!arr)
		return cli_error("communities: %s", e.msg);
	if (json) {
		cli_print_json(arr);
		return EXIT_OK;
	}
	if (!cJSON_GetArraySize(arr))
		printf("no communities yet: the network has no links (see 'weft graph')\n");
	int color = cli_color(stdout);
	const cJSON *cm;
	cJSON_ArrayForEach(cm, arr)
	{
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(cm, "types"), *m;
		printf("%scommunity %.0f%s: %.0f entities (PER %.0f, ORG %.0f, LOC %.0f, MISC %.0f), %.0f links\n",
		       color ? "\033[1m" : "", cli_num(cm, "community"), color ? "\033[0m" : "", cli_num(cm, "size"),
		       cli_num(t, "PER"), cli_num(t, "ORG"), cli_num(t, "LOC"), cli_num(t, "MISC"), cli_num(cm, "links"));
		int k = 0;
		cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(cm, "members"))
		{
			fputs(k++ ? ", " : "  ", stdout);
			cli_put_safe(stdout, cJSON_GetObjectItemCaseSensitive(m, "name")->valuestring);
			printf(" (%s)", cJSON_GetObjectItemCaseSensitive(m, "type")->valuestring);
		}
		if (k < cli_num(cm, "size"))
			printf("%s… and %.0f more", k ? ", " : "  ", cli_num(cm, "size") - k);
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}
