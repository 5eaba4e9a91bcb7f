/*
 * search.h — weft's query language over the case's full-text index.
 *
 * A query is words (all must match), "phrases", prefix*, OR, NOT or -term,
 * a NEAR/N b, ( groups ), fields from: to: subject: title: body: (searched in
 * the index) and filters type: path: date: (which narrow the whole query;
 * date:2014, date:2014-03..2015-06, date:..2010, date:2009..).  Matching is
 * case- and accent-insensitive: the index and the query fold text with the
 * same tokenizer.
 *
 * search_compile() turns a query into an FTS5 expression and SQL filters,
 * or explains what is wrong and where; search_run() runs it.
 */
#ifndef WEFT_SEARCH_H
#define WEFT_SEARCH_H

#include "case.h"

#define SEARCH_MAX_QUERY 4096

struct search_query {
	struct buf fts;          /* FTS5 MATCH expression; empty when only filters */
	struct buf where;        /* " AND ..." SQL over documents d, with ? params */
	char *params[64];        /* text parameters for where, in order */
	int nparams;
};

/* Compiles q; returns 0, or -1 with e like "unbalanced quote at 12".
 * The caller frees out with search_query_free(). */
int search_compile(const char *q, struct search_query *out, struct err *e);
void search_query_free(struct search_query *q);

/* One result.  Strings belong to search_run and live until the callback returns. */
struct search_hit {
	long long id;
	const char *path;        /* first path of the document (container!/member for members) */
	const char *title;
	const char *date;
	const char *type;
	double score;            /* higher is better */
	const char *snippet;     /* matched terms between \x02 and \x03 */
	int page;                /* PDF page of the first match, 1-based; 0 when not a PDF */
};

/* Runs q; calls cb for each hit in rank order.  *total (if not NULL) gets
 * the number of hits.  Returns 0, or -1 with e in plain words. */
int search_run(struct case_db *c, const char *q, int limit, int offset,
	       int (*cb)(const struct search_hit *h, void *user), void *user, long *total,
	       struct err *e);

/* A search session: one connection's prepared statements and, for a
 * reader that searches again and again (weft serve), a table of every
 * document's length, type and year, loaded on the first search and again
 * when the case changes, so that ranking and facets read no row per hit.
 * The caller keeps c open while the session lives and frees the session
 * with search_session_free(). */
struct search_session;
struct search_session *search_session_new(struct case_db *c);
void search_session_free(struct search_session *s);

/* How many hits have one value of a facet.  key belongs to the session and
 * lives until its next search. */
struct search_count {
	const char *key;
	long n;
};

/* A search's hits counted by type ("unknown" when none) and by the year of
 * a date not marked suspect, in no particular order. */
struct search_facets {
	struct search_count *type, *year;
	size_t ntype, nyear;
};
void search_facets_free(struct search_facets *f);

/* search_run() in a session; facets (if not NULL) gets the counts, the
 * caller's to search_facets_free() (also after an error). */
int search_session_run(struct search_session *s, const char *q, int limit, int offset,
		       int (*cb)(const struct search_hit *h, void *user), void *user, long *total,
		       struct search_facets *facets, struct err *e);

#endif
