/*
 * search.c — `weft search QUERY`: ranked full-text search with snippets.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "search.h"

const char help_search[] =
	"usage: weft search [--case FILE] [--limit N] [--offset N] [--json] QUERY...\n"
	"\n"
	"Finds documents, best first (BM25), with the matching words highlighted.\n"
	"Matching ignores case and accents: 'sulaymani' finds 'Sulaymānī'.\n"
	"\n"
	"query language:\n"
	"  iran iraq             both words (AND is implicit; AND may be written)\n"
	"  \"prime minister\"      the exact phrase\n"
	"  iran OR iraq          either\n"
	"  iran NOT iraq, -iraq  exclude\n"
	"  minist*               prefix\n"
	"  jabr NEAR/5 airspace  within 5 words of each other (NEAR alone: 10)\n"
	"  ( ... )               grouping: (iran OR iraq) ambassador\n"
	"  from:jabr to:smith    in the sender, or the recipients (To and Cc)\n"
	"  subject:cable title:  in the subject or title; body: in the text\n"
	"  type:email            only this type (text, html, email, mbox, pdf, archive)\n"
	"  path:enron            only documents whose path contains this\n"
	"  date:2014             a year; date:2014-03, date:2014-03-05 also work\n"
	"  date:2014-03..2015-06 a range (either end may be left open: date:..2010)\n"
	"type:, path: and date: narrow the whole query; they cannot be inside OR or ( ).\n"
	"\n"
	"options:\n"
	"  --case FILE   the case file (default $WEFT_CASE, else ./case.weft)\n"
	"  -n, --limit N hits to show (default 20)\n"
	"  --offset N    skip the first N hits (for paging)\n"
	"  --json        an array of objects: id, path, title, date, type, score, page,\n"
	"                snippet (plain text) and highlights ([start, end] byte offsets\n"
	"                into snippet)\n";

struct out {
	int json, color, n;
	cJSON *arr;
};

static int print_hit(const struct search_hit *h, void *user)
{
	struct out *o = user;
	o->n++;
	if (o->json) {
		cJSON *obj = cJSON_CreateObject();
		cJSON_AddNumberToObject(obj, "id", (double)h->id);
		cli_json_add(obj, "path", h->path);
		cli_json_add(obj, "title", h->title);
		cli_json_add(obj, "date", h->date);
		cli_json_add(obj, "type", h->type);
		cJSON_AddNumberToObject(obj, "score", h->score);
		if (h->page)
			cJSON_AddNumberToObject(obj, "page", h->page);
		struct buf plain = BUF_INIT;
		cJSON *hl = cJSON_CreateArray();
		size_t start = 0;
		for (const char *s = h->snippet ? h->snippet : ""; *s; s++) {
			if (*s == '\x02') {
				start = plain.len;
			} else if (*s == '\x03') {
				cJSON *pair = cJSON_CreateArray();
				cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)start));
				cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)plain.len));
				cJSON_AddItemToArray(hl, pair);
			} else {
				buf_addc(&plain, *s);
			}
		}
		cli_json_add(obj, "snippet", plain.p ? plain.p : "");
		cJSON_AddItemToObject(obj, "highlights", hl);
		buf_free(&plain);
		cJSON_AddItemToArray(o->arr, obj);
		return 0;
	}
	if (o->n > 1)
		putchar('\n');
	printf("%s", o->color ? "\033[1m" : "");
	printf("[%lld] ", h->id);
	cli_put_safe(stdout, h->title && *h->title ? h->title : "(untitled)");
	printf("%s\n  ", o->color ? "\033[0m" : "");
	cli_put_safe(stdout, h->path);
	if (h->page)
		printf(" (page %d)", h->page);
	printf("  %s  %s  score %.2f\n  ", h->date ? h->date : "no date", h->type ? h->type : "", h->score);
	/* the snippet on one line: whitespace collapsed, matches in bold */
	int space = 0;
	for (const char *s = h->snippet ? h->snippet : ""; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c == 2 || c > ' ') && space) {
			putchar(' ');
			space = 0;
		}
		if (c == 2) {
			fputs(o->color ? "\033[1;33m" : "[", stdout);
		} else if (c == 3) {
			fputs(o->color ? "\033[0m" : "]", stdout);
		} else if (c <= ' ') {
			space = 1;
		} else {
			putchar(c);
		}
	}
	putchar('\n');
	return 0;
}

int cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"limit", required_argument, 0, 'n'},
					     {"offset", required_argument, 0, 'o'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int limit = 20, offset = 0, json = 0, o;
	while ((o = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		char *end;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'n':
			limit = (int)strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 10000)
				return cli_usage("search", "--limit takes a number from 1 to 10000");
			break;
		case 'o':
			offset = (int)strtol(optarg, &end, 10);
			if (*end || offset < 0)
				return cli_usage("search", "--offset takes a number, 0 or more");
			break;
		case 'J': json = 1; break;
		default: return cli_usage("search", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("search", "what should I search for?");
	struct buf q = BUF_INIT;
	for (int i = optind; i < argc; i++)
		buf_printf(&q, "%s%s", i > optind ? " " : "", argv[i]);
	struct case_db *c = cli_open_read(case_opt);
	if (!c) {
		buf_free(&q);
		return EXIT_FATAL;
	}
	struct out out = {json, cli_color(stdout), 0, json ? cJSON_CreateArray() : NULL};
	struct err e = {{0}};
	long total = 0;
	int rc = search_run(c, q.p, limit, offset, print_hit, &out, &total, &e);
	case_close(c);
	buf_free(&q);
	if (rc < 0) {
		cJSON_Delete(out.arr);
		return cli_error("search: %s", e.msg);
	}
	if (json)
		cli_print_json(out.arr);
	else if (!out.n)
		fprintf(stderr, "weft: search: no documents match\n");
	else if (total > offset + out.n)
		printf("\n%d of %ld hits shown (--offset %d for more)\n", out.n, total, offset + out.n);
	return EXIT_OK;
}
