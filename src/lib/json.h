/*
 * json.h — the JSON the CLI (`--json`) and the HTTP API both answer with,
 * built in one place so the two stay the same byte for byte.
 *
 * The shapes:
 *
 *   entity    {id, name, type, aliases: [string, ...] (most frequent first),
 *              alias_counts: {alias: count}, mentions, documents, pagerank,
 *              betweenness, community}  (the last three null before the
 *              network is built, community null for an entity without links)
 *   link      {source, target (entity names), source_id, target_id,
 *              source_type, target_type, kinds: [string, ...] (typed first),
 *              relations: [{kind, from, to}] (the directed kinds, with names),
 *              weight, score, docs, sentences, edge, evidence: [evidence]}
 *   evidence  {doc, path, sentence (the text), sentence_index, start, end
 *              (byte offsets of the sentence in the document), marks:
 *              [[start, end], ...] (the two entities, byte offsets into
 *              sentence)}
 *
 * Every function returns a new cJSON the caller owns, or NULL with e set.
 */
#ifndef WEFT_JSON_H
#define WEFT_JSON_H

#include <stddef.h>

struct cJSON;
struct case_db;
struct err;
struct graph_link;

/* Adds s to obj under key as a JSON string (null when s is NULL), with
 * invalid UTF-8 (file names need not be UTF-8) replaced by U+FFFD. */
void json_add_str(struct cJSON *obj, const char *key, const char *s);

/* v as compact JSON, the same bytes as cJSON_PrintUnformatted() but a
 * good deal faster; the caller frees it.  *len (when len is not NULL) is
 * its length. */
char *json_print(const struct cJSON *v, size_t *len);

/* A string (NULL as "") and a number, appended to b as json_print() writes
 * them: for an answer too big to build as cJSON items first (add it with
 * cJSON_AddRawToObject). */
struct buf;
void json_buf_str(struct buf *b, const char *s);
void json_buf_num(struct buf *b, double d);

/* The ORDER BY of a --sort / sort= key (mentions, documents, name, pagerank,
 * betweenness), or NULL when it is none of them. */
const char *json_entity_order(const char *sort);
#define JSON_ENTITY_SORTS "mentions, documents, name, pagerank or betweenness"

/* {id, name, type} of an entity (name and type null when it is gone). */
struct cJSON *json_entity_ref(struct case_db *c, long long id);

/* An array of entities: only of type (NULL: any), whose name or an alias
 * contains like (NULL: any), ordered by sort (json_entity_order), limit from
 * offset. */
struct cJSON *json_entities(struct case_db *c, const char *type, const char *like, const char *sort, int limit,
			    int offset, struct err *e);

/* One entity, with top_documents [{id, title, date, mentions, path}] (at
 * most 100, most mentions first) and links (the nlinks strongest, nev pieces
 * of evidence each).  NULL with e->msg empty when there is no such entity. */
struct cJSON *json_entity(struct case_db *c, long long id, int nlinks, int nev, struct err *e);

/* l as a link from entity self (the source). */
struct cJSON *json_link(long long self, const char *self_name, const char *self_type, const struct graph_link *l);

/* {entity: ref, links: [link, ...]}: graph_links() of id. */
struct cJSON *json_links(struct case_db *c, long long id, const char *kind, double min_weight, int limit, int nev,
			 struct err *e);

/* {from: ref, to: ref, cost, hops: [link, ...], alternatives: [{cost, hops}]}:
 * the cheapest chain (hops empty and cost null when there is none) and up to
 * k - 1 next ones (graph_path(), flags GRAPH_FEWEST or 0).  *found is the
 * number of chains. */
struct cJSON *json_path(struct case_db *c, long long from, long long to, int k, int nev, unsigned flags, int *found,
			struct err *e);

/* The communities, largest first: [{community, size, types: {PER: n, ...},
 * members: [{id, name, type, pagerank}] (nmembers: people and organisations
 * first, each by PageRank), links (inside it), label (its first three
 * members' names)}], at most limit. */
struct cJSON *json_communities(struct case_db *c, int limit, int nmembers, struct err *e);

/* What the case holds: {documents, failed, needs_ocr, bytes, paths,
 * encrypted, by_type: {type: count}, first_date, last_date}. */
struct cJSON *json_stats(struct case_db *c, struct err *e);

#endif
