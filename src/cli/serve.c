/*
 * serve.c — `weft serve`: the case in a browser, through a local web server
 * (src/lib/server.c).  The UI (web/, and cytoscape from npm when it was
 * installed) is compiled into the binary by scripts/build-web.sh.
 */
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server.h"

/* Generated at build time into $(BUILD)/web_assets.c. */
extern const struct server_asset server_web_assets[];
extern const size_t server_web_nassets;

const char help_serve[] =
	"usage: weft serve [--case FILE] [--port N] [--bind ADDR] [--token T] [--allow-edits]\n"
	"\n"
	"Serves the case to a browser: search, documents with their names highlighted,\n"
	"entities with aliases, links and evidence, a timeline, and the network.  Prints\n"
	"the address to open (http://127.0.0.1:8017/) and runs until Ctrl-C.  Every\n"
	"request reads the case on its own read-only connection, so an ingest can run\n"
	"at the same time.  The page loads nothing from the internet.\n"
	"\n"
	"Safety: by default the server listens on 127.0.0.1 only, checks the Host\n"
	"header (so a web page cannot reach it through DNS tricks) and is read-only.\n"
	"Binding to any address outside 127.0.0.0/8 and ::1 requires a token: give\n"
	"--token, or one is generated; the printed address carries it (?token=T sets\n"
	"a cookie), and scripts send 'Authorization: Bearer T'.\n"
	"\n"
	"options:\n"
	"  --case FILE     the case file (default $WEFT_CASE, else ./case.weft)\n"
	"  --port N        port (default 8017; 0 picks a free one)\n"
	"  --bind ADDR     numeric address to listen on (default 127.0.0.1)\n"
	"  --token T       require this token on every request (8-128 of A-Z a-z 0-9 - _ . ~)\n"
	"  --allow-edits   allow merge, split, rename and drop from the page\n"
	"                  (POST /api/merge ... with a per-server CSRF token)\n"
	"  --threads N     worker threads (default 4)\n"
	"  --web DIR       serve the UI from DIR instead of the built-in copy\n"
	"  --log           one line per request on stderr\n"
	"\n"
	"JSON API (GET; errors are {\"error\": \"...\"} with a 4xx or 5xx status):\n"
	"  /api/search?q=&limit=&offset=      {total, hits (as 'weft search --json'), facets}\n"
	"  /api/doc/ID                        metadata, text, mentions, thread, children\n"
	"  /api/entities?type=&sort=&limit=&q=  as 'weft entities --json'\n"
	"  /api/entity/ID                     as 'weft entity --json'\n"
	"  /api/links/ID?limit=&kind=&evidence=  as 'weft links --json'\n"
	"  /api/graph?center=ID&depth=1|2&min_weight=&limit=  {nodes, edges}\n"
	"  /api/path?from=ID&to=ID&k=         as 'weft path --json'\n"
	"  /api/timeline?entity=ID            documents mentioning it, by date\n"
	"  /api/stats                         as 'weft stats --json', plus network\n"
	"The graph view needs cytoscape, built in when 'npm ci' ran before 'make'.\n";

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},   {"port", required_argument, 0, 'p'},
					     {"bind", required_argument, 0, 'b'},   {"token", required_argument, 0, 't'},
					     {"allow-edits", no_argument, 0, 'E'},  {"threads", required_argument, 0, 'j'},
					     {"web", required_argument, 0, 'w'},    {"log", no_argument, 0, 'l'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	struct server_opts so;
	memset(&so, 0, sizeof so);
	so.port = 8017;
	so.threads = 4;
	so.assets = server_web_assets;
	so.nassets = server_web_nassets;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'p':
			so.port = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || so.port < 0 || so.port > 65535)
				return cli_usage("serve", "--port takes a number from 0 to 65535");
			break;
		case 'b': so.bind = optarg; break;
		case 't': so.token = optarg; break;
		case 'E': so.allow_edits = 1; break;
		case 'j':
			so.threads = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || so.threads < 1 || so.threads > 64)
				return cli_usage("serve", "--threads takes a number from 1 to 64");
			break;
		case 'w': so.web_dir = optarg; break;
		case 'l': so.log_requests = 1; break;
		default: return cli_usage("serve", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("serve", "takes no arguments (the case is --case FILE)");
	so.case_path = cli_case_path(case_opt);

	/* Block the stop signals before the server's threads start, so that
	 * they inherit the mask and only sigwait() below sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Each request's answer is built and freed in its thread's arena;
	 * glibc gave that memory back to the kernel after every request and
	 * faulted it in again for the next (a sixth of a network view's CPU).
	 * Keep up to 64 MB in each arena instead. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);

	struct server *s;
	struct err e = {{0}};
	if (server_start(&so, &s, &e) < 0)
		return cli_error("serve: %s", e.msg);
	struct buf url = BUF_INIT;
	server_url(s, &url);
	printf("%s\n", url.p);
	fflush(stdout);
	buf_free(&url);
	fprintf(stderr, "weft: serve: %s, %s%s; Ctrl-C stops\n", so.case_path,
		so.allow_edits ? "edits allowed" : "read-only",
		server_token(s) ? ", token required" : "");
	int sig = 0;
	sigwait(&stop, &sig);
	server_stop(s);
	return EXIT_OK;
}
