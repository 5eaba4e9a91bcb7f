/*
 * graph_synth.c — a synthetic network case for bench/graph.sh.
 *
 *   graph_synth CASE [ENTITIES [LINKS [GAMMA [OFFSET [SEED]]]]]
 *
 * Creates CASE (a new weft case, through libweft's case_open) holding
 * ENTITIES entities (default 100000) and LINKS links (default 1000000)
 * written directly in the tables `weft resolve` fills: entities, aliases,
 * edges and evidence, plus the documents, paths, sentences and mentions the
 * evidence points into, so `weft links` and `weft path` read exactly what
 * they read in a real case (evidence text cut from document bodies, entity
 * spans marked from mentions), and the adjacency `weft path` searches
 * (graph_store_adjacency, as graph_build would write it).
 *
 * Degrees follow a power law: entity i (by rank) has weight
 * (i + OFFSET)^(-1/(GAMMA-1)) (a Chung-Lu model; defaults GAMMA 2.0, OFFSET 5), every
 * entity after the first is first tied to one earlier entity drawn by weight
 * (so the network is connected), and the remaining links join two entities
 * drawn by weight, without repeats.  Hubs are mostly places and
 * organisations, like "Iraq" or "State Department" in the cables; entity ids
 * are shuffled so that an id says nothing about degree.
 *
 * Links: 82% "co-occurs", 12% "same document" (two sentences, one naming
 * each entity), 6% typed ("met", "head of"); 1 to 5 pieces of evidence each
 * (mean about 1.6), each a sentence of its own in a document of 25
 * sentences.  Scores are random but grow with the evidence.
 *
 * Prints on stdout, tab-separated, what bench/graph.sh needs:
 *   stat  NAME VALUE             (degree distribution, counts)
 *   pick  ROLE ID DEGREE NAME    (hub, hub2, mid, leaf, far: the leaf farthest from leaf)
 *   pair  LABEL A-NAME B-NAME HOPS
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "graph.h"

/* ---- random numbers (splitmix64: seeded, reproducible) ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rnd01(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* Index i in [0, n) with probability w[i] / cum[n-1] (cum: running sums). */
static uint32_t draw(const double *cum, uint32_t n)
{
	double u = rnd01() * cum[n - 1];
	uint32_t lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- a set of unordered pairs ---- */

struct pairset {
	uint64_t *k;
	size_t cap;
};

static int pairset_add(struct pairset *s, uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t x = a;
		a = b;
		b = x;
	}
	uint64_t key = ((uint64_t)a << 32 | b) + 1, h = key * 0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 20) & (s->cap - 1);
	while (s->k[i]) {
		if (s->k[i] == key)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->k[i] = key;
	return 1;
}

/* ---- names: unique, pronounceable, from the entity's rank ---- */

static const char *const syl[] = {"ka", "ri", "mo", "sa", "de", "lu", "na", "bi", "ta", "vo", "ze", "ha",
				  "qa", "si", "ro", "fa", "mi", "du", "ye", "ja", "ba", "li", "ne", "go"};
#define NSYL (sizeof syl / sizeof syl[0])
static const char *const given[] = {"Ali", "Hadi", "Bayan", "Qassem", "Nouri", "Fuad", "Ayad", "Hamid",
				    "Leila", "Sara", "Maryam", "Hassan", "Jawad", "Karim", "Rana", "Omar"};
static const char *const orgs[] = {"Ministry", "Council", "Brigades", "Party", "Bank", "Group", "Front",
				   "Committee"};
static const char *const locs[] = {"", "abad", "stan", " Province", "iyah", " City"};

/* A capitalised word that encodes n (distinct n, distinct words). */
static void word(char *out, size_t cap, uint32_t n)
{
	size_t len = 0;
	do {
		len += (size_t)snprintf(out + len, cap - len, "%s", syl[n % NSYL]);
		n /= NSYL;
	} while (n && len + 3 < cap);
	out[0] = (char)(out[0] - 'a' + 'A');
}

enum { T_PER, T_ORG, T_LOC, T_MISC };
static const char *const type_names[] = {"PER", "ORG", "LOC", "MISC"};

static void entity_name(char *out, size_t cap, uint32_t rank, int type)
{
	char w[48];
	word(w, sizeof w, rank);
	switch (type) {
	case T_PER: snprintf(out, cap, "%s %s", given[rank % 16], w); break;
	case T_ORG: snprintf(out, cap, "%s %s", w, orgs[rank % 8]); break;
	case T_LOC: snprintf(out, cap, "%s%s", w, locs[rank % 6]); break;
	default: snprintf(out, cap, "%s Accord", w); break;
	}
}

/* The type of the entity of this rank: hubs are mostly places and
 * organisations, the long tail mostly people. */
static int entity_type(uint32_t rank, uint32_t n)
{
	double u = rnd01();
	if (rank < n / 100)
		return u < 0.5 ? T_LOC : u < 0.8 ? T_ORG : T_PER;
	return u < 0.55 ? T_PER : u < 0.75 ? T_ORG : u < 0.9 ? T_LOC : T_MISC;
}

/* ---- writing ---- */

struct synth {
	struct case_db *c;
	sqlite3_stmt *doc, *path, *sent, *mention, *edge;
	struct buf ev;           /* the link's evidence, as weft stores it: [[doc, sentence, start, end], ...] */
	uint32_t n;
	char **names;
	int *types;
	long long *ids;          /* rank -> entity id */
	uint32_t *mentions;
	/* the document being filled */
	long long doc_id;
	char *body;
	size_t len, cap;
	int nsent;
};

static int step(struct synth *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "graph_synth: %s\n", sqlite3_errmsg(s->c->db));
		return -1;
	}
	return 0;
}

static int flush_doc(struct synth *s)
{
	if (!s->nsent)
		return 0;
	char sha[65], title[64], path[96];
	snprintf(sha, sizeof sha, "%064llx", s->doc_id);
	snprintf(title, sizeof title, "Synthetic report %lld", s->doc_id);
	snprintf(path, sizeof path, "/synth/report%06lld.txt", s->doc_id);
	sqlite3_bind_int64(s->doc, 1, s->doc_id);
	sqlite3_bind_text(s->doc, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->doc, 3, (long long)s->len);
	sqlite3_bind_text(s->doc, 4, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->doc, 5, s->body, (int)s->len, SQLITE_STATIC);
	sqlite3_bind_text(s->path, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->path, 2, s->doc_id);
	sqlite3_bind_int64(s->path, 3, (long long)s->len);
	if (step(s, s->doc) < 0 || step(s, s->path) < 0)
		return -1;
	s->doc_id++;
	s->len = 0;
	s->nsent = 0;
	return 0;
}

static void add_text(struct synth *s, const char *t)
{
	size_t n = strlen(t);
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->body = realloc(s->body, s->cap);
		if (!s->body) {
			perror("graph_synth");
			exit(1);
		}
	}
	memcpy(s->body + s->len, t, n);
	s->len += n;
}

static int add_mention(struct synth *s, uint32_t rank, size_t start)
{
	sqlite3_bind_int64(s->mention, 1, s->doc_id);
	sqlite3_bind_int(s->mention, 2, s->nsent);
	sqlite3_bind_int64(s->mention, 3, (long long)start);
	sqlite3_bind_int64(s->mention, 4, (long long)(start + strlen(s->names[rank])));
	sqlite3_bind_text(s->mention, 5, type_names[s->types[rank]], -1, SQLITE_STATIC);
	sqlite3_bind_text(s->mention, 6, s->names[rank], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->mention, 7, s->ids[rank]);
	s->mentions[rank]++;
	return step(s, s->mention);
}

/* Appends one sentence naming a (and b unless b is UINT32_MAX) to the
 * current document, with its mentions, and adds it to the link's evidence.
 * verb joins the two names. */
static int add_sentence(struct synth *s, uint32_t a, uint32_t b, const char *verb)
{
	static const char *const tails[] = {" in Baghdad on Tuesday.", " last month, according to the cable.",
					     " before the elections.", ", officials said."};
	if (s->nsent == 25 && flush_doc(s) < 0)
		return -1;
	if (s->len)
		add_text(s, " ");
	size_t start = s->len;
	if (add_mention(s, a, s->len) < 0)
		return -1;
	add_text(s, s->names[a]);
	add_text(s, verb);
	if (b != UINT32_MAX) {
		if (add_mention(s, b, s->len) < 0)
			return -1;
		add_text(s, s->names[b]);
	}
	add_text(s, tails[rnd() % 4]);
	sqlite3_bind_int64(s->sent, 1, s->doc_id);
	sqlite3_bind_int(s->sent, 2, s->nsent);
	sqlite3_bind_int64(s->sent, 3, (long long)start);
	sqlite3_bind_int64(s->sent, 4, (long long)s->len);
	buf_printf(&s->ev, "%s[%lld,%d,%zu,%zu]", s->ev.len > 1 ? "," : "", s->doc_id, s->nsent, start, s->len);
	s->nsent++;
	return step(s, s->sent);
}

/* Writes link number id between ranks a and b: its edges row and evidence. */
static int write_link(struct synth *s, long long id, uint32_t a, uint32_t b)
{
	double u = rnd01();
	const char *kind = u < 0.82 ? "co-occurs" : u < 0.94 ? "same document" : u < 0.97 ? "met" : "head of";
	int nev = 1;
	while (nev < 5 && rnd01() < 0.4)
		nev++;
	int docs = nev, sents = nev;
	while (rnd01() < 0.3)
		docs++, sents += 2;
	/* ids in the row: a < b, except for a directed kind */
	long long ia = s->ids[a], ib = s->ids[b];
	if (strcmp(kind, "head of") && ia > ib) {
		long long x = ia;
		ia = ib;
		ib = x;
		uint32_t y = a;
		a = b;
		b = y;
	}
	int samedoc = !strcmp(kind, "same document");
	double weight = samedoc ? 0.25 * docs : sents + 0.25 * docs;
	sqlite3_bind_int64(s->edge, 1, id);
	sqlite3_bind_int64(s->edge, 2, ia);
	sqlite3_bind_int64(s->edge, 3, ib);
	sqlite3_bind_text(s->edge, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(s->edge, 5, docs);
	sqlite3_bind_int(s->edge, 6, samedoc ? 0 : sents);
	sqlite3_bind_double(s->edge, 7, weight);
	sqlite3_bind_double(s->edge, 8, weight * (0.05 + 0.95 * rnd01()));
	buf_reset(&s->ev);
	buf_addc(&s->ev, '[');
	const char *verb = !strcmp(kind, "met") ? " met " : !strcmp(kind, "head of") ? ", the head of " : " and ";
	for (int i = 0; i < nev && (!samedoc || i < 3); i++) {
		if (samedoc) {
			if (add_sentence(s, a, UINT32_MAX, " spoke about the budget") < 0 ||
			    add_sentence(s, b, UINT32_MAX, " was named in the same report") < 0)
				return -1;
		} else if (add_sentence(s, a, b, verb) < 0) {
			return -1;
		}
	}
	buf_addc(&s->ev, ']');
	sqlite3_bind_text(s->edge, 9, s->ev.p, (int)s->ev.len, SQLITE_STATIC);
	return step(s, s->edge);
}

/* ---- picks for the benchmark ---- */

/* Hop distances from src over the adjacency (off, adj); dist[] filled, -1
 * where unreachable.  Returns the farthest vertex. */
static uint32_t bfs(uint32_t n, const uint32_t *off, const uint32_t *adj, uint32_t src, int *dist)
{
	uint32_t *queue = malloc((size_t)n * sizeof *queue), head = 0, tail = 0, far = src;
	for (uint32_t i = 0; i < n; i++)
		dist[i] = -1;
	dist[src] = 0;
	queue[tail++] = src;
	while (head < tail) {
		uint32_t v = queue[head++];
		if (dist[v] > dist[far])
			far = v;
		for (uint32_t j = off[v]; j < off[v + 1]; j++)
			if (dist[adj[j]] < 0) {
				dist[adj[j]] = dist[v] + 1;
				queue[tail++] = adj[j];
			}
	}
	free(queue);
	return far;
}

static int by_desc(const void *pa, const void *pb)
{
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	return (x < y) - (x > y);
}

static void *xalloc(size_t n)
{
	void *p = calloc(n ? n : 1, 1);
	if (!p) {
		perror("graph_synth");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 7) {
		fprintf(stderr, "usage: graph_synth CASE [ENTITIES [LINKS [GAMMA [OFFSET [SEED]]]]]\n");
		return 2;
	}
	uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000;
	uint64_t links = argc > 3 ? strtoull(argv[3], NULL, 10) : 1000000;
	double gamma = argc > 4 ? strtod(argv[4], NULL) : 2.0;
	double offset = argc > 5 ? strtod(argv[5], NULL) : 5;
	rng_state = argc > 6 ? strtoull(argv[6], NULL, 10) : 4;
	if (n < 10 || links < n || links > (uint64_t)n * (n - 1) / 4 || gamma <= 1.5 || offset < 1) {
		fprintf(stderr, "graph_synth: need ENTITIES >= 10, ENTITIES <= LINKS <= ENTITIES^2/4, GAMMA > 1.5, OFFSET >= 1\n");
		return 2;
	}

	/* the network, by rank */
	double *cum = xalloc((size_t)n * sizeof *cum), alpha = 1 / (gamma - 1);
	for (uint32_t i = 0; i < n; i++)
		cum[i] = (i ? cum[i - 1] : 0) + pow(i + offset, -alpha);
	struct pairset set = {0};
	set.cap = 1;
	while (set.cap < links * 2)
		set.cap *= 2;
	set.k = xalloc(set.cap * sizeof *set.k);
	uint32_t *ea = xalloc(links * sizeof *ea), *eb = xalloc(links * sizeof *eb), *deg = xalloc((size_t)n * 4);
	uint64_t m = 0, tries = 0;
	for (uint32_t i = 1; i < n; i++) {
		ea[m] = i;
		eb[m] = draw(cum, i);
		pairset_add(&set, ea[m], eb[m]);
		m++;
	}
	while (m < links) {
		uint32_t a = draw(cum, n), b = draw(cum, n);
		if (++tries > links * 20) {
			fprintf(stderr, "graph_synth: too many repeated pairs (lower LINKS or raise GAMMA)\n");
			return 1;
		}
		if (a == b || !pairset_add(&set, a, b))
			continue;
		ea[m] = a;
		eb[m] = b;
		m++;
	}
	free(set.k);
	for (uint64_t j = 0; j < m; j++)
		deg[ea[j]]++, deg[eb[j]]++;

	struct synth s = {0};
	s.n = n;
	s.names = xalloc((size_t)n * sizeof *s.names);
	s.types = xalloc((size_t)n * sizeof *s.types);
	s.ids = xalloc((size_t)n * sizeof *s.ids);
	s.mentions = xalloc((size_t)n * sizeof *s.mentions);
	for (uint32_t i = 0; i < n; i++) {
		char name[96];
		s.types[i] = entity_type(i, n);
		entity_name(name, sizeof name, i, s.types[i]);
		s.names[i] = strdup(name);
		s.ids[i] = i + 1;
	}
	for (uint32_t i = n - 1; i > 0; i--) { /* shuffle the ids */
		uint32_t j = (uint32_t)(rnd() % (i + 1));
		long long x = s.ids[i];
		s.ids[i] = s.ids[j];
		s.ids[j] = x;
	}

	struct err e = {{0}};
	if (case_open(argv[1], CASE_WRITE, &s.c, &e) < 0) {
		fprintf(stderr, "graph_synth: %s\n", e.msg);
		return 1;
	}
	if (case_exec(s.c, "PRAGMA synchronous=OFF; PRAGMA cache_size=-524288; PRAGMA foreign_keys=OFF; BEGIN",
		      "starting", &e) < 0 ||
	    case_prepare(s.c,
			 "INSERT INTO documents(id, sha256, status, type, mime, size, title, body, added, tagged)"
			 " VALUES(?1, ?2, 'ok', 'text', 'text/plain', ?3, ?4, ?5, '2026-01-01', 'synthetic')",
			 &s.doc, "documents", &e) < 0 ||
	    case_prepare(s.c, "INSERT INTO paths(path, doc, size, mtime) VALUES(?1, ?2, ?3, 0)", &s.path, "paths",
			 &e) < 0 ||
	    case_prepare(s.c, "INSERT INTO sentences(doc, n, start, end) VALUES(?, ?, ?, ?)", &s.sent, "sentences",
			 &e) < 0 ||
	    case_prepare(s.c,
			 "INSERT INTO mentions(doc, sentence, start, end, type, text, entity) VALUES(?, ?, ?, ?, ?, ?, ?)",
			 &s.mention, "mentions", &e) < 0 ||
	    case_prepare(s.c,
			 "INSERT INTO edges(id, a, b, kind, docs, sentences, weight, score, evidence)"
			 " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 &s.edge, "edges", &e) < 0) {
		fprintf(stderr, "graph_synth: %s\n", e.msg);
		return 1;
	}
	s.doc_id = 1;
	for (uint64_t j = 0; j < m; j++)
		if (write_link(&s, (long long)j + 1, ea[j], eb[j]) < 0)
			return 1;
	if (flush_doc(&s) < 0)
		return 1;
	sqlite3_stmt *ent, *alias;
	if (case_prepare(s.c,
			 "INSERT INTO entities(id, type, name, key, mentions, docs) VALUES(?1, ?2, ?3, lower(?3), ?4, ?4)",
			 &ent, "entities", &e) < 0 ||
	    case_prepare(s.c, "INSERT INTO aliases(entity, alias, count) VALUES(?, ?, ?)", &alias, "aliases", &e) < 0) {
		fprintf(stderr, "graph_synth: %s\n", e.msg);
		return 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		sqlite3_bind_int64(ent, 1, s.ids[i]);
		sqlite3_bind_text(ent, 2, type_names[s.types[i]], -1, SQLITE_STATIC);
		sqlite3_bind_text(ent, 3, s.names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(ent, 4, (int)s.mentions[i]);
		sqlite3_bind_int64(alias, 1, s.ids[i]);
		sqlite3_bind_text(alias, 2, s.names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int(alias, 3, (int)s.mentions[i]);
		if (step(&s, ent) < 0 || step(&s, alias) < 0)
			return 1;
	}
	sqlite3_finalize(ent);
	sqlite3_finalize(alias);
	sqlite3_stmt *sts[] = {s.doc, s.path, s.sent, s.mention, s.edge};
	buf_free(&s.ev);
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	if (graph_store_adjacency(s.c, &e) < 0 ||
	    case_exec(s.c, "COMMIT; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)", "saving", &e) < 0) {
		fprintf(stderr, "graph_synth: %s\n", e.msg);
		return 1;
	}
	case_close(s.c);

	/* degree distribution */
	uint32_t *sorted = xalloc((size_t)n * sizeof *sorted), ones = 0;
	memcpy(sorted, deg, (size_t)n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_desc);
	for (uint32_t i = 0; i < n; i++)
		ones += deg[i] == 1;
	printf("stat\tentities\t%u\nstat\tlinks\t%llu\nstat\tdocuments\t%lld\n", n, (unsigned long long)m, s.doc_id - 1);
	printf("stat\tdegree_max\t%u\nstat\tdegree_top10\t", sorted[0]);
	for (int i = 0; i < 10; i++)
		printf("%s%u", i ? "," : "", sorted[i]);
	printf("\nstat\tdegree_p99\t%u\nstat\tdegree_median\t%u\nstat\tdegree_mean\t%.1f\nstat\tdegree_one\t%u\n",
	       sorted[n / 100], sorted[n / 2], 2.0 * (double)m / n, ones);

	/* picks: the two biggest hubs, an entity of median degree, a leaf far
	 * down the tail, and the leaf farthest from it */
	uint32_t *off = xalloc(((size_t)n + 1) * sizeof *off), *adj = xalloc(2 * m * sizeof *adj);
	for (uint32_t i = 0; i < n; i++)
		off[i + 1] = off[i] + deg[i];
	uint32_t *fill = xalloc((size_t)n * sizeof *fill);
	memcpy(fill, off, (size_t)n * sizeof *fill);
	for (uint64_t j = 0; j < m; j++) {
		adj[fill[ea[j]]++] = eb[j];
		adj[fill[eb[j]]++] = ea[j];
	}
	uint32_t hub = 0, hub2 = 1, mid = n, leaf = n;
	for (uint32_t i = 0; i < n; i++) {
		if (deg[i] > deg[hub])
			hub2 = hub, hub = i;
		else if (i != hub && deg[i] > deg[hub2])
			hub2 = i;
	}
	for (uint32_t i = n / 2; i < n && mid == n; i++)
		if (deg[i] == sorted[n / 2] && s.types[i] == T_PER)
			mid = i;
	for (uint32_t i = n - 1; i > 0 && leaf == n; i--)
		if (deg[i] == 1 && s.types[i] == T_PER)
			leaf = i;
	if (mid == n)
		mid = n / 2;
	if (leaf == n)
		leaf = n - 1;
	int *dist = xalloc((size_t)n * sizeof *dist);
	uint32_t far = bfs(n, off, adj, leaf, dist);
	/* a person at the farthest distance, if one is there */
	for (uint32_t i = 0; i < n; i++)
		if (dist[i] == dist[far] && s.types[i] == T_PER) {
			far = i;
			break;
		}
	int far_hops = dist[far], hub_hops = dist[hub], mid_hops = dist[mid];
	uint32_t roles[] = {hub, hub2, mid, leaf, far};
	const char *role_names[] = {"hub", "hub2", "mid", "leaf", "far"};
	for (int i = 0; i < 5; i++)
		printf("pick\t%s\t%lld\t%u\t%s\n", role_names[i], s.ids[roles[i]], deg[roles[i]], s.names[roles[i]]);
	bfs(n, off, adj, hub, dist);
	printf("pair\thub-hub2\t%s\t%s\t%d\n", s.names[hub], s.names[hub2], dist[hub2]);
	printf("pair\tleaf-hub\t%s\t%s\t%d\n", s.names[leaf], s.names[hub], hub_hops);
	printf("pair\tmid-leaf\t%s\t%s\t%d\n", s.names[mid], s.names[leaf], mid_hops);
	printf("pair\tleaf-far\t%s\t%s\t%d\n", s.names[leaf], s.names[far], far_hops);
	return 0;
}
