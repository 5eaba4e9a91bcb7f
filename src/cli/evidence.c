/*
 * evidence.c — evidence sentences on the terminal, for the links and path
 * commands (see evidence.h); their JSON is json_evidence() in the library.
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
