/*
 * evidence.c — evidence sentences on the terminal and in JSON, for the
 * links and path commands (see evidence.h).
 */
#include "evidence.h"

#include <cjson/cJSON.h>
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

cJSON *cli_evidence_json(const struct graph_link *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; i < l->nev; i++) {
		const struct graph_evidence *v = &l->ev[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "doc", (double)v->doc);
		cli_json_add(o, "path", v->path);
		cJSON_AddNumberToObject(o, "sentence", v->sentence);
		cJSON_AddNumberToObject(o, "start", (double)v->start);
		cJSON_AddNumberToObject(o, "end", (double)v->end);
		cli_json_add(o, "text", v->text);
		cJSON *marks = cJSON_CreateArray();
		for (int k = 0; k < v->nmarks; k++) {
			cJSON *m = cJSON_CreateArray();
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)v->marks[k][0]));
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)v->marks[k][1]));
			cJSON_AddItemToArray(marks, m);
		}
		cJSON_AddItemToObject(o, "marks", marks);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}
