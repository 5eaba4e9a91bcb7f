/*
 * graph.h — the network: links between entities, the sentences that show
 * each link, and the algorithms over them (PageRank, communities, paths).
 *
 * graph.c owns the derived tables edges and evidence, and the pagerank,
 * betweenness and community columns of entities.  graph_build() rebuilds all of them from
 * mentions.entity (set by resolve); everything else here only reads.
 *
 * Links, between entities of type PER, ORG, LOC and MISC:
 *   "co-occurs"      the two share at least one sentence
 *   "same document"  only ever in the same document (weak; per document only
 *                    entities named at least twice in it are paired, at most
 *                    the GRAPH_DOC_TOP most mentioned)
 *   typed kinds      found by a few precise patterns over the words between
 *                    two mentions in one sentence, case-insensitive:
 *                    "head of", "met", "replaced", "ambassador to",
 *                    "ambassador of", "minister of", "member of", "part of".
 *                    All but "met" are directed: edges.a is X and edges.b is
 *                    Y in "X head of Y".
 * Undirected links have a < b.  Per link: docs (distinct documents),
 * sentences (shared sentences), weight (documents, a shared sentence counting
 * 1 and a shared document only 0.25) and score (weight discounted for
 * entities found everywhere: weight * idf(a) * idf(b) / idf_max^2 with
 * idf(x) = ln((N + 1) / docs(x)); typed links score docs * (1 + that factor)
 * so explicit statements rank first).  Each link keeps up to GRAPH_EVIDENCE
 * pieces of evidence, best first: sentences where a typed pattern matched,
 * then shared sentences (shorter first), then for document-only links the
 * two closest sentences naming each entity (at most three such pairs).
 *
 * PageRank (weighted by the scores of all links between two entities),
 * betweenness (over links with a shared sentence, length 1/score; estimated
 * from a fixed sample of sources on large networks) and
 * Leiden communities (over links with a shared sentence; an entity with
 * only document-level links joins its strongest neighbour's community) are
 * stored in entities; communities are numbered by size, 0 the largest, and
 * an entity without links has none.  Both are deterministic.
 */
#ifndef WEFT_GRAPH_H
#define WEFT_GRAPH_H

#include "case.h"

#define GRAPH_DOC_TOP 40   /* entities per document paired at document level */
#define GRAPH_EVIDENCE 5   /* evidence kept per link */

/* Rebuilds edges, evidence and entities' pagerank, betweenness and community from
 * mentions.entity, in one transaction (a savepoint when the caller already
 * holds one).  The caller holds the writer lock.  Returns 0 or -1. */
int graph_build(struct case_db *c, struct err *e);

/* One sentence that shows a link. */
struct graph_evidence {
	long long doc;
	char *path;              /* a path of the document (owned; may be NULL) */
	int sentence;            /* index of the sentence in the document */
	long long start, end;    /* the sentence's bytes in the document text */
	char *text;              /* the sentence (owned, UTF-8 as stored) */
	int nmarks;
	long long (*marks)[2];   /* the two entities' mentions: [start, end) into text (owned) */
};

/* Writes v's sentence to out (reset first) on one line for display:
 * whitespace and control characters collapsed to single spaces, the marked
 * mentions between \x02 and \x03 (as search snippets), and when longer than
 * max bytes a window around the first mark with "…" at a cut end.  Never
 * cuts a UTF-8 character in two. */
void graph_snippet(const struct graph_evidence *v, size_t max, struct buf *out);

/* A link seen from one of its entities: every edge between the two, so one
 * link may carry several kinds ("co-occurs" and "head of", say). */
#define GRAPH_KINDS 16
struct graph_kind {
	const char *kind;        /* "co-occurs", "head of", ... (static) */
	int dir;                 /* 0 undirected; 1 this -> other; -1 other -> this */
};

struct graph_link {
	long long edge;          /* the edge whose evidence comes first; 0 for the first hop of a path */
	long long other;         /* the entity at the other end */
	char *name, *type;       /* its name and type (owned) */
	int nkinds;
	struct graph_kind kinds[GRAPH_KINDS];  /* typed kinds first, by score */
	int docs, sentences;     /* over the link's edges: the most */
	double weight, score;    /* likewise */
	struct graph_evidence *ev;  /* best first (owned): typed sentences, then shared ones */
	int nev;
};

/* Whether kind is one weft knows (the names above, "co-occurs", "same
 * document").  For messages: graph_kind_list() is all of them, comma-separated. */
int graph_kind_known(const char *kind);
const char *graph_kind_list(void);

/* Does l carry kind? */
int graph_link_has(const struct graph_link *l, const char *kind);

/* The links of entity, best score first: at most limit (<= 0: all), only
 * those carrying kind when not NULL and of weight >= min_weight, each with up
 * to nev pieces of evidence (a piece is one sentence, or for a "same
 * document" link the two closest sentences naming each entity).  On success
 * *out (the caller's, to graph_links_free) holds *n links. */
int graph_links(struct case_db *c, long long entity, const char *kind, double min_weight, int limit, int nev,
		struct graph_link **out, int *n, struct err *e);
void graph_links_free(struct graph_link *v, int n);

/* A chain from one entity to another.  hops[0] is the start (its link has
 * edge 0 and no evidence); hops[i].link says how hops[i-1] connects to it:
 * all the edges between the two. */
struct graph_path {
	int nhops;
	struct graph_link *hops; /* link.other, name and type are the hop's entity */
	double cost;             /* sum of 1/score, higher through places and MISC */
};

/* Finds up to k (>= 1) cheapest chains from entity from to entity to.  A
 * link costs 1/score, four times more when it passes through a place or a
 * MISC entity (so chains run through people and organisations rather than
 * "Iraq"): the strongest-evidence chain.  With GRAPH_FEWEST, the chain of
 * fewest links, the strongest of those.  Each hop gets up to nev pieces of
 * evidence.  *npaths is 0 when no chain exists.  *out is the caller's, to
 * graph_paths_free().  Searches the stored adjacency from both ends (Yen's
 * algorithm for k > 1, loopless chains), reading only the entities it
 * reaches.  Returns 0 or -1. */
#define GRAPH_FEWEST 1
int graph_path(struct case_db *c, long long from, long long to, int k, int nev, unsigned flags,
	       struct graph_path **out, int *npaths, struct err *e);

/* The network around an entity, as weft serve's network view shows it:
 * ids[0] is center; ids[1 .. level_end[1]) its strongest neighbours (by
 * the summed score of the pair's links, each pair with a link of weight >=
 * min_weight); at depth 2, ids[level_end[1] .. level_end[2]) the strongest
 * neighbours of those; limit entities in all, of which the centre's
 * neighbours take at most two thirds at depth 2.  links holds the nlinks
 * linked pairs among them, strongest first, at most GRAPH_VIEW_MAX_LINKS:
 * a < b (entity ids), edge the smallest of the pair's edge ids, kinds typed
 * first, weight, score, docs and sentences the largest of its edges'.
 * Reads the stored adjacency, not the edges.  Returns 0 or -1; v is the
 * caller's, to graph_view_free(). */
#define GRAPH_VIEW_MAX_LINKS 5000
struct graph_view_link {
	long long a, b, edge;
	double weight, score;
	int docs, sentences, nkinds;
	const char *kinds[GRAPH_KINDS];
};
struct graph_view {
	long long *ids;
	int n, level_end[3];
	struct graph_view_link *links;
	int nlinks;
};
int graph_view(struct case_db *c, long long center, int depth, int limit, double min_weight, struct graph_view *v,
	       struct err *e);
void graph_view_free(struct graph_view *v);

/* Rewrites the stored adjacency that weft path reads from the edges table
 * (graph_build writes it itself; this is for a network made otherwise,
 * such as bench/graph_synth.c's). */
int graph_store_adjacency(struct case_db *c, struct err *e);

void graph_paths_free(struct graph_path *p, int n);

/* What the network holds. */
struct graph_summary {
	long entities;           /* PER/ORG/LOC/MISC entities */
	long nodes;              /* of which have at least one link */
	long edges, evidence, communities;
	int nkinds;
	struct { char kind[32]; long n; } kinds[16];   /* edges per kind, most first */
	int ntop;
	struct { long long id; char name[128]; char type[8]; double pagerank; long community; } top[20];
};

/* Fills s; top gets the ntop (<= 20) highest-PageRank entities.  Returns 0 or -1. */
int graph_summary(struct case_db *c, int ntop, struct graph_summary *s, struct err *e);

#endif
