/*
 * json.h — the JSON pieces the CLI and the server both emit, so that
 * `weft ... --json` and the HTTP API stay the same byte for byte.
 */
#ifndef WEFT_JSON_H
#define WEFT_JSON_H

struct cJSON;
struct graph_link;

/* Adds s to obj under key as a JSON string (null when s is NULL), with
 * invalid UTF-8 (file names need not be UTF-8) replaced by U+FFFD. */
void json_add_str(struct cJSON *obj, const char *key, const char *s);

/* The evidence of a link as an array of {doc, path, sentence, start, end,
 * text, marks}; the caller owns it. */
struct cJSON *json_evidence(const struct graph_link *l);

#endif
