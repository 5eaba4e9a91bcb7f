/*
 * evidence.c — evidence sentences on the terminal, for the links and path
 * commands (see evidence.h); their JSON is built in the library (json.c).
 */
#include "evidence.h"

#include <stdio.h>

#include "cli.h"

void cli_put_snippet(const struct graph_evidence *v, int color)
{
	struct buf s = BUF_INIT;
	graph_snippet(v, 320, &s);
	for (const char *p = s.p; p && *p; p++) {
		if (*p == '\x02')
			fputs(color ? "\033[1;33m" : "[", stdout);
		else if (*p == '\x03')
			fputs(color ? "\033[0m" : "]", stdout);
		else
			putchar(*p);
	}
	buf_free(&s);
}

void cli_put_kinds(const struct graph_link *l)
{
	for (int i = 0; i < l->nkinds; i++)
		printf("%s%s%s%s", i ? ", " : "", l->kinds[i].dir < 0 ? "<- " : "", l->kinds[i].kind,
		       l->kinds[i].dir > 0 ? " ->" : "");
}

void cli_put_evidence(const struct graph_link *l, const char *indent, int color)
{
	for (int k = 0; k < l->nev; k++) {
		printf("%s\"", indent);
		cli_put_snippet(&l->ev[k], color);
		printf("\"\n%s  ", indent);
		cli_put_safe(stdout, l->ev[k].path);
		printf(" (document %lld, sentence %d)\n", l->ev[k].doc, l->ev[k].sentence + 1);
	}
}
