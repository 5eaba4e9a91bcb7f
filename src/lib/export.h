/*
 * export.h — the case's network and documents in the formats investigators'
 * tools read: GEXF 1.3 (Gephi), GraphML, CSV, Neo4j import files,
 * OpenSearch/Elasticsearch bulk NDJSON, and FollowTheMoney entities for
 * Aleph.  Every exporter streams rows from the case to the output as it
 * reads them: memory does not grow with the size of the case.
 *
 * The network exported is the links export_opts keeps and the entities
 * they join.  Text is written as UTF-8,
 * any invalid byte replaced by U+FFFD; XML and CSV escaping is done here.
 */
#ifndef WEFT_EXPORT_H
#define WEFT_EXPORT_H

#include "case.h"

enum export_format {
	EXPORT_GEXF,        /* one file: nodes (type, mentions, docs, pagerank, community, betweenness), edges with kind */
	EXPORT_GRAPHML,     /* one file, the same data */
	EXPORT_CSV,         /* a folder: nodes.csv, edges.csv, evidence.csv (sentence text included) */
	EXPORT_NEO4J,       /* a folder: nodes.csv, relationships.csv (neo4j-admin import headers), load.cypher */
	EXPORT_OPENSEARCH,  /* a folder: documents.ndjson (bulk API, each document with its entities), mapping.json */
	EXPORT_ALEPH,       /* one file: FollowTheMoney entities, one JSON object per line */
};

/* What to keep, so that a big network still opens in Gephi: links found in
 * at least min_docs documents and of weight at least min_weight, between
 * entities of type (NULL: any) among the top entities by PageRank (0: all);
 * then only the entities with a kept link. */
struct export_opts {
	int min_docs;       /* >= 1 */
	double min_weight;
	int top;
	const char *type;   /* "PER", "ORG", "LOC", "MISC" or NULL */
};

struct export_counts {
	long nodes, edges, documents;
};

/* Parses a format name ("gexf", "graphml", "csv", "neo4j", "opensearch",
 * "aleph"); returns 0 or -1 when unknown. */
int export_format_parse(const char *name, enum export_format *f);

/* 1 if the format writes a folder of files, 0 if a single file. */
int export_writes_folder(enum export_format f);

/* Writes the case in format f to out: a file for single-file formats (NULL
 * or "-" for standard output; a file is written beside out and renamed into
 * place when complete), or a folder (created if missing) whose files are
 * replaced.  n (may be NULL) gets what was written.  Returns 0 or -1. */
int export_run(struct case_db *c, enum export_format f, const char *out, const struct export_opts *o,
	       struct export_counts *n, struct err *e);

#endif
