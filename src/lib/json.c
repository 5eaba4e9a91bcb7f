/*
 * json.c — JSON shared by the CLI and the server (see json.h).
 */
#include "json.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "graph.h"
#include "util.h"

void json_add_str(cJSON *obj, const char *key, const char *s)
{
	if (!s) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	size_t n = strlen(s);
	if (utf8_valid(s, n)) {
		cJSON_AddStringToObject(obj, key, s);
		return;
	}
	struct buf b = BUF_INIT;
	utf8_repair(&b, s, n);
	cJSON_AddStringToObject(obj, key, b.p ? b.p : "");
	buf_free(&b);
}

cJSON *json_evidence(const struct graph_link *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; i < l->nev; i++) {
		const struct graph_evidence *v = &l->ev[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "doc", (double)v->doc);
		json_add_str(o, "path", v->path);
		cJSON_AddNumberToObject(o, "sentence", v->sentence);
		cJSON_AddNumberToObject(o, "start", (double)v->start);
		cJSON_AddNumberToObject(o, "end", (double)v->end);
		json_add_str(o, "text", v->text);
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
