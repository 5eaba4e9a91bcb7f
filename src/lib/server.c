/*
 * server.c — weft's local web server (see server.h for the API it serves).
 *
 * Every request goes through the same gate before it reaches a handler:
 *   1. bounded request line (SERVER_MAX_URI), methods GET/HEAD/POST only;
 *   2. on loopback, the Host header must name the bound address or
 *      localhost with the bound port (a DNS-rebinding page cannot pass);
 *   3. when a token is required, "Authorization: Bearer T" or the cookie set
 *      by visiting /?token=T (compared in constant time);
 *   4. the path is decoded here from the raw request line (not by
 *      libmicrohttpd) and refused when it holds NUL, a backslash, a control
 *      character, a bad escape or a "." / ".." segment;
 *   5. edits (POST) also need --allow-edits, the per-server CSRF token in
 *      X-Weft-CSRF, a JSON body of at most SERVER_MAX_BODY bytes and, when
 *      the browser sends one, an Origin equal to http://<Host>.
 * Errors go to the client as {"error": "..."}; internal details (SQLite's
 * words, file paths) go to stderr only.
 *
 * Reading: each worker thread keeps one read-only case connection, opened
 * on its first request and closed by server_stop().  SQLite in WAL mode
 * lets these readers run while another weft writes.  Each thread also keeps
 * the JSON of the GET API answers it gave (struct reader): the same URI
 * gets the same bytes until the case changes (PRAGMA data_version sees a
 * commit by any connection or process), so a page that asks again, or
 * /api/stats on every load, costs a lookup instead of the queries.
 * Writing (edits) opens its own connection, takes the writer lock and calls
 * resolve_decide().
 */
#include "server.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "graph.h"
#include "json.h"
#include "resolve.h"
#include "search.h"

#define CONN_LIMIT 256          /* connections at once */
#define PER_IP_LIMIT 128        /* connections from one address */
#define CONN_TIMEOUT 30         /* seconds a connection may stay idle */
#define MEMORY_LIMIT (64 * 1024)  /* per connection: request line + headers */
#define MAX_FILE (32 * 1024 * 1024)  /* largest static file read from --web */
#define MAX_LIMIT 1000          /* largest limit= of list endpoints */
#define GRAPH_MAX_NODES 500
#define CACHE_SLOTS 512              /* answers kept per worker thread */
#define CACHE_WAYS 8                 /* the slots a URI may take, from its hash on */
#define CACHE_BYTES (32 << 20)       /* and their bytes at most */
#define CACHE_MAX_ANSWER (1 << 20)   /* a larger answer is not kept */
#define JSON_TYPE "application/json; charset=utf-8"

#define CSP "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:;" \
	    " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

struct server {
	struct MHD_Daemon *d;
	char *case_path;
	char host[INET6_ADDRSTRLEN + 2];   /* the bound address as in a URL: 127.0.0.1, [::1] */
	char allowed[3][INET6_ADDRSTRLEN + 16];  /* Host header values accepted on loopback */
	int nallowed;
	int port, loopback, allow_edits, log;
	char *token;                       /* NULL: none required */
	char csrf[65];
	char cookie[32];                   /* weft_token_PORT (cookies ignore ports) */
	const struct server_asset *assets;
	size_t nassets;
	char *web_dir;                     /* realpath, or NULL */
	int graph_view;                    /* cytoscape is there */
	pthread_key_t key;                 /* this thread's struct reader */
	pthread_mutex_t lock;              /* guards readers */
	struct reader **readers;
	size_t nreaders, capreaders;
	pthread_mutex_t edit_lock;         /* one edit at a time */
};

/* A worker thread's read-only connection and its answer cache: a URI and
 * the JSON sent for it sit in one of the CACHE_WAYS slots from
 * hash(uri) % CACHE_SLOTS on (so a few URIs with the same hash do not keep
 * evicting each other), valid while data_version is what it was when the
 * cache was filled. */
struct reader {
	struct case_db *c;
	struct search_session *search;     /* /api/search's statements and table */
	sqlite3_stmt *version;             /* PRAGMA data_version; NULL: no cache */
	long long seen;
	struct cached {
		char *uri, *json;
		size_t len;
		unsigned long long used;   /* clock at the last use */
	} slot[CACHE_SLOTS];
	size_t bytes;
	unsigned long long clock;
};

/* One request, from its raw request line to its completion. */
struct request {
	char *raw;                         /* the URI as sent (bounded copy) */
	int too_long;                      /* the URI was longer than SERVER_MAX_URI */
	int started, post;
	struct buf body;
	int body_too_big;
};

/* What an API handler produces: a JSON body, or an error status and message. */
struct reply {
	int status;
	cJSON *json;
	char msg[400];
	const char *allow;                 /* Allow header for 405 */
};

/* ---- small helpers ------------------------------------------------------ */

static int fail(struct reply *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct reply *r, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	r->status = status;
	return -1;
}

/* An error of ours or of SQLite's: the details go to stderr, the client
 * learns only what was being done. */
static int internal(struct reply *r, const char *what, const struct err *e)
{
	fprintf(stderr, "weft: serve: %s: %s\n", what, e ? e->msg : "failed");
	return fail(r, 500, "internal error while %s", what);
}

/* Adds s as a string (null when NULL), invalid UTF-8 replaced by U+FFFD. */
static void jstr(cJSON *o, const char *key, const char *s)
{
	json_add_str(o, key, s);
}

static void jcol(cJSON *o, const char *key, sqlite3_stmt *st, int i)
{
	jstr(o, key, (const char *)sqlite3_column_text(st, i));
}

static void jnum(cJSON *o, const char *key, double v)
{
	cJSON_AddNumberToObject(o, key, v);
}

/* A column that may be NULL: a number or null. */
static void jnum_or_null(cJSON *o, const char *key, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, sqlite3_column_double(st, i));
}

static const char *param(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Parses an integer parameter (def when absent); 400 when not a number in
 * [min, max]. */
static int param_int(struct MHD_Connection *conn, const char *name, int def, int min, int max, int *out,
		     struct reply *r)
{
	const char *v = param(conn, name);
	*out = def;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*end || errno || n < min || n > max)
		return fail(r, 400, "%s takes a number from %d to %d", name, min, max);
	*out = (int)n;
	return 0;
}

static int param_double(struct MHD_Connection *conn, const char *name, double def, double *out, struct reply *r)
{
	const char *v = param(conn, name);
	*out = def;
	if (!v || !*v)
		return 0;
	char *end;
	double d = strtod(v, &end);
	if (*end || d != d || d < 0 || d > 1e12)
		return fail(r, 400, "%s takes a number, 0 or more", name);
	*out = d;
	return 0;
}

/* Compares two strings in time independent of where they differ. */
static int same_secret(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = na != nb;
	for (size_t i = 0; i < na; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i % (nb ? nb : 1)];
	return d == 0;
}

static int random_hex(char *out, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		return -1;
	size_t got = 0;
	while (got < nbytes) {
		ssize_t n = getrandom(raw + got, nbytes - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < nbytes; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
	return 0;
}

/* Finds the entity named by ref (an id, a name or an alias). Returns the id,
 * or -1 with r set: 404 when none, 400 when ambiguous. */
static long long find_entity(struct case_db *c, const char *ref, struct reply *r)
{
	if (!ref || !*ref)
		return fail(r, 400, "which entity? give its id");
	struct err e = {{0}};
	long long id = resolve_find(c, ref, NULL, &e);
	if (id == 0)
		return fail(r, 404, "no entity '%.100s' in this case", ref);
	if (id < 0) {
		if (strstr(e.msg, " could be: "))
			return fail(r, 400, "%s", e.msg);
		return internal(r, "finding the entity", &e);
	}
	return id;
}

/* ---- the case, one read-only connection per worker thread --------------- */

static struct reader *reader(struct server *s, struct reply *r)
{
	struct reader *rd = pthread_getspecific(s->key);
	if (rd)
		return rd;
	struct err e = {{0}};
	struct case_db *c;
	if (case_open(s->case_path, CASE_READ, &c, &e) < 0) {
		internal(r, "opening the case", &e);
		return NULL;
	}
	/* pages read through the map rather than copied into each thread's
	 * small cache: 37 % of the server's CPU was re-reading pages
	 * (bench/BENCHMARKS.md).  The encrypting VFS has no xFetch, so an
	 * encrypted case is still read (and authenticated) page by page. */
	sqlite3_exec(c->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	rd = xcalloc(1, sizeof *rd);
	rd->c = c;
	rd->search = search_session_new(c);
	rd->seen = -1;
	if (case_prepare(c, "PRAGMA data_version", &rd->version, "the answer cache", &e) < 0)
		fprintf(stderr, "weft: serve: %s (answers are not cached)\n", e.msg);
	pthread_mutex_lock(&s->lock);
	if (s->nreaders == s->capreaders) {
		s->capreaders = s->capreaders ? 2 * s->capreaders : 16;
		s->readers = xrealloc(s->readers, s->capreaders * sizeof *s->readers);
	}
	s->readers[s->nreaders++] = rd;
	pthread_mutex_unlock(&s->lock);
	pthread_setspecific(s->key, rd);
	return rd;
}

static void cache_clear(struct reader *rd)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(rd->slot[i].uri);
		free(rd->slot[i].json);
	}
	memset(rd->slot, 0, sizeof rd->slot);
	rd->bytes = 0;
}

static void reader_free(struct reader *rd)
{
	cache_clear(rd);
	search_session_free(rd->search);
	sqlite3_finalize(rd->version);
	case_close(rd->c);
	free(rd);
}

/* The slot holding uri's answer, else the one to keep it in (an empty slot
 * of its ways, or the least recently used); the whole cache is emptied first
 * when the case changed since it was filled.  NULL when there is no cache. */
static struct cached *cache_slot(struct reader *rd, const char *uri)
{
	if (!rd->version)
		return NULL;
	int rc = sqlite3_step(rd->version);
	long long v = sqlite3_column_int64(rd->version, 0);
	sqlite3_reset(rd->version);
	if (rc != SQLITE_ROW)
		return NULL;
	if (v != rd->seen) {
		cache_clear(rd);
		rd->seen = v;
	}
	unsigned long long h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)uri; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	struct cached *victim = NULL;
	for (int i = 0; i < CACHE_WAYS; i++) {
		struct cached *sl = &rd->slot[(h + (unsigned)i) % CACHE_SLOTS];
		if (sl->uri && !strcmp(sl->uri, uri)) {
			sl->used = ++rd->clock;
			return sl;
		}
		if (!victim || (!sl->uri && victim->uri) || (sl->uri && victim->uri && sl->used < victim->used))
			victim = sl;
	}
	return victim;
}

/* Keeps a copy of json (len bytes) in slot as the answer to uri. */
static void cache_put(struct reader *rd, struct cached *slot, const char *uri, const char *json, size_t len)
{
	if (len > CACHE_MAX_ANSWER)
		return;
	rd->bytes -= slot->len;
	free(slot->uri);
	free(slot->json);
	memset(slot, 0, sizeof *slot); /* cache_clear() may free it again below */
	if (rd->bytes + len > CACHE_BYTES)
		cache_clear(rd);
	slot->uri = xstrdup(uri);
	slot->json = xmalloc(len);
	memcpy(slot->json, json, len);
	slot->len = len;
	slot->used = ++rd->clock;
	rd->bytes += len;
}

/* ---- /api/search -------------------------------------------------------- *
 *
 * The answer is written as JSON text as the hits come, not built as cJSON
 * objects and printed (for 20 hits that was a sixth of a new search's
 * CPU); the values are the same as `weft search --json`'s. */

/* v in decimal (buf_printf() would run vsnprintf twice for it) */
static void out_int(struct buf *b, long long v)
{
	char s[24], *p = s + sizeof s;
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(s + sizeof s - p));
}

/* d as cJSON (and so `weft search --json`) prints it: 15 digits when
 * they read back within a rounding error of d, else 17. */
static void out_double(struct buf *b, double d)
{
	char s[32];
	if (isnan(d) || isinf(d)) {
		buf_adds(b, "null");
		return;
	}
	snprintf(s, sizeof s, "%1.15g", d);
	double back = strtod(s, NULL), m = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
	if (!(fabs(back - d) <= m * DBL_EPSILON))
		snprintf(s, sizeof s, "%1.17g", d);
	buf_adds(b, s);
}

/* A hit as `weft search --json` prints it, appended to the array in user
 * (a struct buf): snippet as plain text with highlights as [start, end]
 * byte offsets into it. */
static int hit_json(const struct search_hit *h, void *user)
{
	struct buf *b = user, plain = BUF_INIT, hl = BUF_INIT;
	size_t start = 0;
	for (const char *p = h->snippet ? h->snippet : ""; *p; p++) {
		size_t n = strcspn(p, "\x02\x03");
		buf_add(&plain, p, n);
		p += n;
		if (!*p)
			break;
		if (*p == '\x02') {
			start = plain.len;
		} else {
			buf_adds(&hl, hl.len ? ",[" : "[");
			out_int(&hl, (long long)start);
			buf_addc(&hl, ',');
			out_int(&hl, (long long)plain.len);
			buf_addc(&hl, ']');
		}
	}
	buf_adds(b, b->p[b->len - 1] == '[' ? "{\"id\":" : ",{\"id\":");
	out_int(b, h->id);
	buf_adds(b, ",\"path\":");
	buf_add_json_text(b, h->path);
	buf_adds(b, ",\"title\":");
	buf_add_json_text(b, h->title);
	buf_adds(b, ",\"date\":");
	buf_add_json_text(b, h->date);
	buf_adds(b, ",\"type\":");
	buf_add_json_text(b, h->type);
	buf_adds(b, ",\"score\":");
	out_double(b, h->score);
	if (h->page) {
		buf_adds(b, ",\"page\":");
		out_int(b, h->page);
	}
	buf_adds(b, ",\"snippet\":");
	buf_add_json_text(b, plain.p ? plain.p : "");
	buf_adds(b, ",\"highlights\":[");
	buf_add(b, hl.p, hl.len);
	buf_adds(b, "]}");
	buf_free(&plain);
	buf_free(&hl);
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct search_count *x = a, *y = b;
	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct search_count *)a)->key, ((const struct search_count *)b)->key);
}

/* The first 100 of v (sorted in place by cmp) as an object {value: count}. */
static void facet_json(struct buf *b, struct search_count *v, size_t nv, int (*cmp)(const void *, const void *))
{
	if (nv)
		qsort(v, nv, sizeof *v, cmp);
	buf_addc(b, '{');
	for (size_t i = 0; i < nv && i < 100; i++) {
		if (i)
			buf_addc(b, ',');
		buf_add_json_text(b, v[i].key);
		buf_printf(b, ":%ld", v[i].n);
	}
	buf_addc(b, '}');
}

/* Hits as `weft search --json` prints them, the total, and the hits counted
 * by type (by count, then name) and by year (in order), at most 100 of each. */
static int api_search(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		      struct reply *r)
{
	(void)c;
	const char *q = param(conn, "q");
	if (!q || !*q)
		return fail(r, 400, "what should I search for? (give q=)");
	if (strlen(q) > SEARCH_MAX_QUERY)
		return fail(r, 413, "query too long (at most %d bytes)", SEARCH_MAX_QUERY);
	int limit, offset;
	if (param_int(conn, "limit", 20, 1, MAX_LIMIT, &limit, r) < 0 ||
	    param_int(conn, "offset", 0, 0, 1000000, &offset, r) < 0)
		return -1;
	struct search_query sq;
	struct err e = {{0}};
	/* The parser's own words for a bad query; anything later is ours. */
	if (search_compile(q, &sq, &e) < 0)
		return fail(r, 400, "%s", e.msg);
	search_query_free(&sq);
	struct reader *rd = pthread_getspecific(s->key); /* api() made it */
	struct buf hits = BUF_INIT, out = BUF_INIT;
	long total = 0;
	struct search_facets f;
	buf_addc(&hits, '[');
	if (search_session_run(rd->search, q, limit, offset, hit_json, &hits, &total, &f, &e) < 0) {
		buf_free(&hits);
		search_facets_free(&f);
		return internal(r, "searching", &e);
	}
	buf_addc(&hits, ']');
	buf_adds(&out, "{\"query\":");
	buf_add_json_text(&out, q);
	buf_printf(&out, ",\"total\":%ld,\"offset\":%d,\"limit\":%d,\"hits\":", total, offset, limit);
	buf_add(&out, hits.p, hits.len);
	buf_adds(&out, ",\"facets\":{\"type\":");
	facet_json(&out, f.type, f.ntype, by_count);
	buf_adds(&out, ",\"year\":");
	facet_json(&out, f.year, f.nyear, by_key);
	buf_adds(&out, "}}");
	search_facets_free(&f);
	buf_free(&hits);
	r->json = cJSON_CreateRaw(out.p);
	buf_free(&out);
	return 0;
}

/* ---- /api/doc/ID -------------------------------------------------------- */

static const char *const doc_fields[] = {"sha256", "status", "type", "mime", "size", "title", "date",
					 "date_suspect", "author", "from", "to", "cc", "subject",
					 "message_id", "in_reply_to", "meta", "invalid_bytes", "pages",
					 "parent", "text"};

/* One line of a thread or a list of related documents. */
static cJSON *doc_brief(sqlite3_stmt *st)
{
	/* columns: id, title, subject, sender, date, path */
	cJSON *o = cJSON_CreateObject();
	jnum(o, "id", (double)sqlite3_column_int64(st, 0));
	jcol(o, "title", st, 1);
	jcol(o, "subject", st, 2);
	jcol(o, "from", st, 3);
	jcol(o, "date", st, 4);
	jcol(o, "path", st, 5);
	return o;
}

#define BRIEF_COLS "d.id, d.title, d.subject, d.sender, d.date," \
	" (SELECT path FROM paths WHERE doc = d.id ORDER BY container IS NOT NULL, path LIMIT 1)"
#define THREAD_MAX 300

/* The email thread of a document: up the in_reply_to chain to the oldest
 * message in the case, then every reply below it, breadth first.  Returns
 * an array of {id, title, subject, from, date, path, depth, current}, empty
 * when the document has no relative. */
static int thread_json(struct case_db *c, long long id, const char *irt, cJSON **out, struct err *e)
{
	sqlite3_stmt *up = NULL, *kids = NULL, *self = NULL;
	*out = cJSON_CreateArray();
	if (case_prepare(c, "SELECT id, in_reply_to FROM documents WHERE message_id = ? AND status != 'pending' LIMIT 1",
			 &up, "thread", e) < 0 ||
	    case_prepare(c, "SELECT " BRIEF_COLS ", d.message_id FROM documents d WHERE d.in_reply_to = ?"
			    " AND d.status != 'pending' ORDER BY d.date, d.id LIMIT 300", &kids, "thread", e) < 0 ||
	    case_prepare(c, "SELECT " BRIEF_COLS ", d.message_id FROM documents d WHERE d.id = ?", &self, "thread", e) < 0) {
		sqlite3_finalize(up);
		sqlite3_finalize(kids);
		return -1;
	}
	/* up to the root */
	long long root = id;
	char *next = irt ? xstrdup(irt) : NULL;
	for (int steps = 0; next && steps < THREAD_MAX; steps++) {
		sqlite3_reset(up);
		sqlite3_bind_text(up, 1, next, -1, SQLITE_TRANSIENT);
		free(next);
		next = NULL;
		if (sqlite3_step(up) != SQLITE_ROW)
			break;
		long long p = sqlite3_column_int64(up, 0);
		if (p == root || p == id)
			break;
		root = p;
		if (sqlite3_column_type(up, 1) != SQLITE_NULL)
			next = xstrdup((const char *)sqlite3_column_text(up, 1));
	}
	free(next);
	/* down, breadth first: a queue of (message_id, depth) */
	char *queue[THREAD_MAX];
	int depth[THREAD_MAX], head = 0, tail = 0, n = 0;
	long long seen[THREAD_MAX];
	sqlite3_bind_int64(self, 1, root);
	if (sqlite3_step(self) == SQLITE_ROW) {
		cJSON *o = doc_brief(self);
		jnum(o, "depth", 0);
		cJSON_AddBoolToObject(o, "current", root == id);
		cJSON_AddItemToArray(*out, o);
		seen[n++] = root;
		if (sqlite3_column_type(self, 6) != SQLITE_NULL) {
			depth[tail] = 0;
			queue[tail++] = xstrdup((const char *)sqlite3_column_text(self, 6));
		}
	}
	while (head < tail) {
		char *mid = queue[head];
		int dp = depth[head++];
		sqlite3_reset(kids);
		sqlite3_bind_text(kids, 1, mid, -1, SQLITE_STATIC);
		while (sqlite3_step(kids) == SQLITE_ROW && n < THREAD_MAX) {
			long long k = sqlite3_column_int64(kids, 0);
			int dup = 0;
			for (int i = 0; i < n && !dup; i++)
				dup = seen[i] == k;
			if (dup)
				continue;
			seen[n++] = k;
			cJSON *o = doc_brief(kids);
			jnum(o, "depth", dp + 1);
			cJSON_AddBoolToObject(o, "current", k == id);
			cJSON_AddItemToArray(*out, o);
			if (sqlite3_column_type(kids, 6) != SQLITE_NULL && tail < THREAD_MAX) {
				depth[tail] = dp + 1;
				queue[tail++] = xstrdup((const char *)sqlite3_column_text(kids, 6));
			}
		}
	}
	for (int i = 0; i < tail; i++)
		free(queue[i]);
	sqlite3_finalize(up);
	sqlite3_finalize(kids);
	sqlite3_finalize(self);
	if (n <= 1) {
		cJSON_Delete(*out);
		*out = cJSON_CreateArray();
	}
	return 0;
}

static int api_doc(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		   struct reply *r)
{
	struct err e = {{0}};
	long long id = case_find_doc(c, arg, &e);
	if (id < 0)
		return strstr(e.msg, "matches several") ? fail(r, 400, "%s", e.msg) : internal(r, "finding the document", &e);
	if (id == 0)
		return fail(r, 404, "no document '%.100s' in this case", arg);
	sqlite3_stmt *st = NULL, *ps = NULL, *ms = NULL, *ch = NULL;
	int rc = -1;
	cJSON *obj = NULL;
	if (case_prepare(c,
			 "SELECT sha256, status, type, mime, size, title, date, date_suspect, author, sender,"
			 " recipients, cc, subject, message_id, in_reply_to, meta, invalid_bytes, pages, parent, body"
			 " FROM documents WHERE id=?", &st, "document", &e) < 0 ||
	    case_prepare(c, "SELECT path FROM paths WHERE doc=? ORDER BY path", &ps, "document", &e) < 0 ||
	    case_prepare(c, "SELECT m.id, m.type, m.start, m.end, m.sentence, m.text, m.value, m.entity, e.name"
			    " FROM mentions m LEFT JOIN entities e ON e.id = m.entity WHERE m.doc=? ORDER BY m.start, m.end",
			 &ms, "document", &e) < 0 ||
	    case_prepare(c, "SELECT " BRIEF_COLS " FROM documents d WHERE d.parent = ? ORDER BY d.id LIMIT 1000",
			 &ch, "document", &e) < 0) {
		internal(r, "reading the document", &e);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fail(r, 404, "no document %lld in this case", id);
		goto out;
	}
	obj = cJSON_CreateObject();
	jnum(obj, "id", (double)id);
	int nf = (int)(sizeof doc_fields / sizeof *doc_fields);
	for (int i = 0; i < nf; i++) {
		int t = sqlite3_column_type(st, i);
		const char *v = (const char *)sqlite3_column_text(st, i);
		cJSON *parsed;
		if (t == SQLITE_INTEGER)
			jnum(obj, doc_fields[i], (double)sqlite3_column_int64(st, i));
		else if ((!strcmp(doc_fields[i], "meta") || !strcmp(doc_fields[i], "pages")) && v &&
			 (parsed = cJSON_Parse(v)) != NULL)
			cJSON_AddItemToObject(obj, doc_fields[i], parsed);
		else
			jstr(obj, doc_fields[i], v);
	}
	cJSON *paths = cJSON_AddArrayToObject(obj, "paths");
	sqlite3_bind_int64(ps, 1, id);
	while (sqlite3_step(ps) == SQLITE_ROW) {
		cJSON *tmp = cJSON_CreateObject();
		jcol(tmp, "p", ps, 0);
		cJSON_AddItemToArray(paths, cJSON_DetachItemFromObject(tmp, "p"));
		cJSON_Delete(tmp);
	}
	cJSON *mentions = cJSON_AddArrayToObject(obj, "mentions");
	sqlite3_bind_int64(ms, 1, id);
	while (sqlite3_step(ms) == SQLITE_ROW) {
		cJSON *m = cJSON_CreateObject();
		jnum(m, "id", (double)sqlite3_column_int64(ms, 0));
		jcol(m, "type", ms, 1);
		jnum(m, "start", (double)sqlite3_column_int64(ms, 2));
		jnum(m, "end", (double)sqlite3_column_int64(ms, 3));
		jnum_or_null(m, "sentence", ms, 4);
		jcol(m, "text", ms, 5);
		jcol(m, "value", ms, 6);
		jnum_or_null(m, "entity", ms, 7);
		jcol(m, "entity_name", ms, 8);
		cJSON_AddItemToArray(mentions, m);
	}
	/* the container it came from, and what it contains */
	if (sqlite3_column_type(st, 18) != SQLITE_NULL) {
		sqlite3_stmt *pa;
		if (case_prepare(c, "SELECT " BRIEF_COLS " FROM documents d WHERE d.id = ?", &pa, "document", &e) == 0) {
			sqlite3_bind_int64(pa, 1, sqlite3_column_int64(st, 18));
			if (sqlite3_step(pa) == SQLITE_ROW)
				cJSON_AddItemToObject(obj, "container", doc_brief(pa));
			sqlite3_finalize(pa);
		}
	}
	cJSON *children = cJSON_AddArrayToObject(obj, "children");
	sqlite3_bind_int64(ch, 1, id);
	while (sqlite3_step(ch) == SQLITE_ROW)
		cJSON_AddItemToArray(children, doc_brief(ch));
	cJSON *thread = NULL;
	if (sqlite3_column_type(st, 13) != SQLITE_NULL || sqlite3_column_type(st, 14) != SQLITE_NULL) {
		if (thread_json(c, id, (const char *)sqlite3_column_text(st, 14), &thread, &e) < 0) {
			internal(r, "reading the thread", &e);
			goto out;
		}
	}
	cJSON_AddItemToObject(obj, "thread", thread ? thread : cJSON_CreateArray());
	r->json = obj;
	obj = NULL;
	rc = 0;
out:
	cJSON_Delete(obj);
	sqlite3_finalize(st);
	sqlite3_finalize(ps);
	sqlite3_finalize(ms);
	sqlite3_finalize(ch);
	return rc;
}

/* ---- /api/entities, /api/entity/ID, /api/links/ID, /api/path, /api/communities ---- */
/* The JSON is json.c's, the same as the CLI's --json. */

static int api_entities(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
			struct reply *r)
{
	const char *type = param(conn, "type"), *sort = param(conn, "sort"), *q = param(conn, "q");
	if (type && !*type)
		type = NULL;
	if (q && !*q)
		q = NULL;
	if (!sort || !*sort)
		sort = "mentions";
	if (!json_entity_order(sort))
		return fail(r, 400, "sort takes " JSON_ENTITY_SORTS);
	if (q && strlen(q) > 200)
		return fail(r, 413, "q too long (at most 200 bytes)");
	int limit, offset;
	if (param_int(conn, "limit", 50, 1, MAX_LIMIT, &limit, r) < 0 ||
	    param_int(conn, "offset", 0, 0, 1000000, &offset, r) < 0)
		return -1;
	struct err e = {{0}};
	r->json = json_entities(c, type, q, sort, limit, offset, &e);
	return r->json ? 0 : internal(r, "listing entities", &e);
}

static int api_entity(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		      struct reply *r)
{
	int nlinks;
	if (param_int(conn, "links", 10, 0, MAX_LIMIT, &nlinks, r) < 0)
		return -1;
	long long id = find_entity(c, arg, r);
	if (id < 0)
		return -1;
	struct err e = {{0}};
	r->json = json_entity(c, id, nlinks, 1, &e);
	if (r->json)
		return 0;
	return e.msg[0] ? internal(r, "reading the entity", &e) : fail(r, 404, "no entity %lld in this case", id);
}

static int api_links(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		     struct reply *r)
{
	int limit, nev;
	double min_weight;
	if (param_int(conn, "limit", 20, 0, MAX_LIMIT, &limit, r) < 0 ||
	    param_int(conn, "evidence", 2, 0, GRAPH_EVIDENCE, &nev, r) < 0 ||
	    param_double(conn, "min_weight", 0, &min_weight, r) < 0)
		return -1;
	const char *kind = param(conn, "kind");
	if (kind && !*kind)
		kind = NULL;
	if (kind && !graph_kind_known(kind))
		return fail(r, 400, "kind takes one of: %s", graph_kind_list());
	long long id = find_entity(c, arg, r);
	if (id < 0)
		return -1;
	struct err e = {{0}};
	r->json = json_links(c, id, kind, min_weight, limit ? limit : MAX_LIMIT, nev, &e);
	return r->json ? 0 : internal(r, "reading links", &e);
}

static int api_path(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		    struct reply *r)
{
	int k, nev;
	if (param_int(conn, "k", 1, 1, 10, &k, r) < 0 || param_int(conn, "evidence", 2, 0, GRAPH_EVIDENCE, &nev, r) < 0)
		return -1;
	const char *a = param(conn, "from"), *b = param(conn, "to");
	if (!a || !*a || !b || !*b)
		return fail(r, 400, "give from= and to= (entity ids)");
	long long from = find_entity(c, a, r);
	if (from < 0)
		return -1;
	long long to = find_entity(c, b, r);
	if (to < 0)
		return -1;
	const char *mode = param(conn, "mode");
	if (mode && *mode && strcmp(mode, "strongest") && strcmp(mode, "fewest"))
		return fail(r, 400, "mode takes strongest or fewest");
	struct err e = {{0}};
	int found;
	r->json = json_path(c, from, to, k, nev, mode && !strcmp(mode, "fewest") ? GRAPH_FEWEST : 0, &found, &e);
	return r->json ? 0 : internal(r, "finding a path", &e);
}

static int api_communities(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
			   struct reply *r)
{
	int limit, members;
	if (param_int(conn, "limit", 20, 0, MAX_LIMIT, &limit, r) < 0 ||
	    param_int(conn, "members", 8, 0, MAX_LIMIT, &members, r) < 0)
		return -1;
	struct err e = {{0}};
	r->json = json_communities(c, limit, members, &e);
	return r->json ? 0 : internal(r, "listing communities", &e);
}

/* ---- /api/graph --------------------------------------------------------- */

static void ids_json(const long long *ids, int n, struct buf *out)
{
	buf_reset(out);
	buf_addc(out, '[');
	for (int i = 0; i < n; i++)
		buf_printf(out, "%s%lld", i ? "," : "", ids[i]);
	buf_addc(out, ']');
}

static int api_graph(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		     struct reply *r)
{
	int depth, limit;
	double min_weight;
	if (param_int(conn, "depth", 1, 1, 2, &depth, r) < 0 ||
	    param_int(conn, "limit", 50, 1, GRAPH_MAX_NODES, &limit, r) < 0 ||
	    param_double(conn, "min_weight", 0, &min_weight, r) < 0)
		return -1;
	long long center = find_entity(c, param(conn, "center"), r);
	if (center < 0)
		return -1;
	/* level 1: the center's strongest neighbours; level 2: theirs; the
	 * links among them from the same stored adjacency; the entities read
	 * in the same transaction */
	int txn = sqlite3_get_autocommit(c->db) && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	struct graph_view v;
	struct err e = {{0}};
	struct buf set = BUF_INIT;
	sqlite3_stmt *ns = NULL;
	int rc = -1;
	if (graph_view(c, center, depth, limit, min_weight, &v, &e) < 0) {
		internal(r, "building the network view", &e);
		goto done;
	}
	ids_json(v.ids, v.n, &set);
	if (case_prepare(c, "SELECT id, name, type, pagerank, community, mentions, docs, betweenness FROM entities"
			    " WHERE id IN (SELECT value FROM json_each(?1))", &ns, "graph", &e) < 0) {
		internal(r, "building the network view", &e);
		goto out;
	}
	sqlite3_bind_text(ns, 1, set.p, -1, SQLITE_STATIC);
	cJSON *root = cJSON_CreateObject(), *nodes = cJSON_CreateArray();
	jnum(root, "center", (double)center);
	jnum(root, "depth", depth);
	jnum(root, "min_weight", min_weight);
	while (sqlite3_step(ns) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(ns, 0);
		int lvl = 0;
		for (int i = 0; i < v.n; i++)
			if (v.ids[i] == id) {
				lvl = i == 0 ? 0 : i < v.level_end[1] ? 1 : 2;
				break;
			}
		cJSON *o = cJSON_CreateObject();
		jnum(o, "id", (double)id);
		jcol(o, "name", ns, 1);
		jcol(o, "type", ns, 2);
		jnum_or_null(o, "pagerank", ns, 3);
		jnum_or_null(o, "community", ns, 4);
		jnum(o, "mentions", sqlite3_column_int(ns, 5));
		jnum(o, "documents", sqlite3_column_int(ns, 6));
		jnum_or_null(o, "betweenness", ns, 7);
		jnum(o, "level", lvl);
		cJSON_AddItemToArray(nodes, o);
	}
	/* a view's links outnumber its entities twenty to one: printed here
	 * rather than made cJSON items one by one */
	struct buf out = BUF_INIT;
	buf_addc(&out, '[');
	for (int i = 0; i < v.nlinks; i++) {
		const struct graph_view_link *l = &v.links[i];
		buf_adds(&out, i ? ",{\"id\":" : "{\"id\":");
		json_buf_num(&out, (double)l->edge);
		buf_adds(&out, ",\"source\":");
		json_buf_num(&out, (double)l->a);
		buf_adds(&out, ",\"target\":");
		json_buf_num(&out, (double)l->b);
		buf_adds(&out, ",\"kinds\":[");
		for (int k = 0; k < l->nkinds; k++) {
			if (k)
				buf_addc(&out, ',');
			json_buf_str(&out, l->kinds[k]);
		}
		buf_adds(&out, "],\"weight\":");
		json_buf_num(&out, l->weight);
		buf_adds(&out, ",\"score\":");
		json_buf_num(&out, l->score);
		buf_adds(&out, ",\"docs\":");
		json_buf_num(&out, l->docs);
		buf_adds(&out, ",\"sentences\":");
		json_buf_num(&out, l->sentences);
		buf_addc(&out, '}');
	}
	buf_addc(&out, ']');
	cJSON *edges = cJSON_CreateRaw(out.p);
	buf_free(&out);
	cJSON_AddItemToObject(root, "nodes", nodes);
	cJSON_AddItemToObject(root, "edges", edges);
	r->json = root;
	rc = 0;
out:
	sqlite3_finalize(ns);
	buf_free(&set);
	graph_view_free(&v);
done:
	if (txn)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* ---- /api/timeline, /api/stats, /api/session ------------------------------- */

static int api_timeline(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
			struct reply *r)
{
	long long id = find_entity(c, param(conn, "entity"), r);
	if (id < 0)
		return -1;
	sqlite3_stmt *st;
	struct err e = {{0}};
	if (case_prepare(c, "SELECT d.id, d.title, d.date, d.date_suspect, d.type, count(*),"
			    " (SELECT path FROM paths WHERE doc=d.id ORDER BY container IS NOT NULL, path LIMIT 1)"
			    " FROM mentions m JOIN documents d ON d.id=m.doc WHERE m.entity=? GROUP BY d.id"
			    " ORDER BY d.date IS NULL OR d.date_suspect, d.date, d.id LIMIT 2000", &st, "timeline", &e) < 0)
		return internal(r, "reading the timeline", &e);
	sqlite3_bind_int64(st, 1, id);
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	cJSON_AddItemToObject(root, "entity", json_entity_ref(c, id));
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *d = cJSON_CreateObject();
		jnum(d, "id", (double)sqlite3_column_int64(st, 0));
		jcol(d, "title", st, 1);
		jcol(d, "date", st, 2);
		cJSON_AddBoolToObject(d, "date_suspect", sqlite3_column_int(st, 3));
		jcol(d, "type", st, 4);
		jnum(d, "mentions", sqlite3_column_int(st, 5));
		jcol(d, "path", st, 6);
		cJSON_AddItemToArray(arr, d);
	}
	sqlite3_finalize(st);
	cJSON_AddItemToObject(root, "documents", arr);
	r->json = root;
	return 0;
}

static int api_stats(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		     struct reply *r)
{
	struct err e = {{0}};
	cJSON *obj = json_stats(c, &e);
	if (!obj)
		return internal(r, "counting", &e);
	struct graph_summary g;
	if (graph_summary(c, 10, &g, &e) < 0) {
		cJSON_Delete(obj);
		return internal(r, "summarising the network", &e);
	}
	cJSON *net = cJSON_AddObjectToObject(obj, "network"), *kinds = cJSON_CreateObject(), *top = cJSON_CreateArray();
	jnum(net, "entities", g.entities);
	jnum(net, "nodes", g.nodes);
	jnum(net, "edges", g.edges);
	jnum(net, "evidence", g.evidence);
	jnum(net, "communities", g.communities);
	for (int i = 0; i < g.nkinds; i++)
		jnum(kinds, g.kinds[i].kind, g.kinds[i].n);
	cJSON_AddItemToObject(net, "kinds", kinds);
	for (int i = 0; i < g.ntop; i++) {
		cJSON *t = cJSON_CreateObject();
		jnum(t, "id", (double)g.top[i].id);
		jstr(t, "name", g.top[i].name);
		jstr(t, "type", g.top[i].type);
		jnum(t, "pagerank", g.top[i].pagerank);
		jnum(t, "community", g.top[i].community);
		cJSON_AddItemToArray(top, t);
	}
	cJSON_AddItemToObject(net, "top", top);
	r->json = obj;
	return 0;
}

static int api_session(struct server *s, struct case_db *c, struct MHD_Connection *conn, const char *arg,
		       struct reply *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "edits", s->allow_edits);
	if (s->allow_edits)
		jstr(o, "csrf", s->csrf);
	else
		cJSON_AddNullToObject(o, "csrf");
	cJSON_AddBoolToObject(o, "graph_view", s->graph_view);
	jstr(o, "version", WEFT_VERSION);
	const char *base = strrchr(s->case_path, '/');
	jstr(o, "case", base ? base + 1 : s->case_path);
	r->json = o;
	return 0;
}

/* ---- edits: POST /api/merge, split, rename, drop ------------------------ */

static int edit(struct server *s, const char *kind, const struct buf *body, struct reply *r)
{
	cJSON *in = body->len ? cJSON_ParseWithLength(body->p, body->len) : NULL;
	const cJSON *ja = cJSON_GetObjectItemCaseSensitive(in, "a"), *jb = cJSON_GetObjectItemCaseSensitive(in, "b");
	const char *a = cJSON_IsString(ja) ? ja->valuestring : NULL, *b = cJSON_IsString(jb) ? jb->valuestring : NULL;
	int needs_b = strcmp(kind, "drop") != 0;
	if (!in || !a || !*a || (needs_b && (!b || !*b))) {
		cJSON_Delete(in);
		return fail(r, 400, needs_b ? "give a JSON object {\"a\": ..., \"b\": ...}" : "give a JSON object {\"a\": ...}");
	}
	if (strlen(a) > 512 || (b && strlen(b) > 512)) {
		cJSON_Delete(in);
		return fail(r, 413, "names are at most 512 bytes");
	}
	pthread_mutex_lock(&s->edit_lock);
	struct case_db *c = NULL;
	struct err e = {{0}};
	char *a_name = NULL;
	int rc = -1;
	/* Another weft (an ingest) may hold the writer lock for long: say so
	 * rather than leave the page waiting. */
	int fd = open(s->case_path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		int busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
		close(fd);
		if (busy) {
			fail(r, 409, "another weft is writing this case (an ingest?); try again when it is done");
			goto out;
		}
	}
	if (case_open(s->case_path, CASE_WRITE, &c, &e) < 0 || case_lock_writer(c, NULL, NULL, &e) < 0) {
		internal(r, "opening the case for writing", &e);
		goto out;
	}
	/* Entities are rebuilt by a decision (their ids may change): remember
	 * a's name now to say where it is afterwards. */
	long long before = resolve_find(c, a, NULL, &e);
	if (before > 0) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(c->db, "SELECT name FROM entities WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, before);
			if (sqlite3_step(st) == SQLITE_ROW)
				a_name = xstrdup((const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
	}
	long long id = resolve_decide(c, kind, a, needs_b ? b : NULL, &e);
	if (id < 0) {
		if (!strncmp(e.msg, "no entity", 9))
			fail(r, 404, "%s", e.msg);
		else if (e.msg[0] == '\'')
			fail(r, 400, "%s", e.msg);
		else
			internal(r, "recording the decision", &e);
		goto out;
	}
	cJSON *o = cJSON_CreateObject();
	jnum(o, "decision", (double)id);
	jstr(o, "kind", kind);
	/* where the user's entity is now: a (by name) after a merge, b after a
	 * rename or split, none after a drop */
	const char *now = !strcmp(kind, "merge") ? (a_name ? a_name : a) : !strcmp(kind, "drop") ? NULL : b;
	long long ent = now ? resolve_find(c, now, NULL, &e) : 0;
	if (ent > 0)
		jnum(o, "entity", (double)ent);
	else
		cJSON_AddNullToObject(o, "entity");
	r->json = o;
	rc = 0;
out:
	free(a_name);
	case_close(c);
	pthread_mutex_unlock(&s->edit_lock);
	cJSON_Delete(in);
	return rc;
}

/* ---- routing ------------------------------------------------------------ */

typedef int (*api_fn)(struct server *, struct case_db *, struct MHD_Connection *, const char *, struct reply *);

static const struct route {
	const char *name;
	int arg;            /* 1: /api/name/ARG required; 0: /api/name only */
	api_fn fn;          /* NULL: an edit (POST) */
} routes[] = {
	{"search", 0, api_search},     {"doc", 1, api_doc},         {"entities", 0, api_entities},
	{"entity", 1, api_entity},     {"links", 1, api_links},     {"graph", 0, api_graph},
	{"communities", 0, api_communities},
	{"path", 0, api_path},         {"timeline", 0, api_timeline}, {"stats", 0, api_stats},
	{"session", 0, api_session},   {"merge", 0, NULL},          {"split", 0, NULL},
	{"rename", 0, NULL},           {"drop", 0, NULL},
};

static void add_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
}

/* Sends len bytes; data is freed by MHD when must_free. */
static enum MHD_Result send_bytes(struct MHD_Connection *conn, int status, const char *type, void *data, size_t len,
				  int must_free, const char *allow)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, data, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (must_free)
			free(data);
		return MHD_NO;
	}
	add_headers(resp);
	MHD_add_response_header(resp, "Content-Type", type);
	if (allow)
		MHD_add_response_header(resp, "Allow", allow);
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"weft\"");
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, int status, cJSON *v, const char *allow)
{
	char *s = json_print(v, NULL);
	cJSON_Delete(v);
	if (!s)
		return MHD_NO;
	return send_bytes(conn, status, JSON_TYPE, s, strlen(s), 1, allow);
}

static enum MHD_Result send_error(struct MHD_Connection *conn, int status, const char *msg, const char *allow)
{
	cJSON *o = cJSON_CreateObject();
	jstr(o, "error", msg);
	return send_json(conn, status, o, allow);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct reply *r)
{
	if (r->json)
		return send_json(conn, 200, r->json, NULL);
	return send_error(conn, r->status ? r->status : 500, r->msg[0] ? r->msg : "internal error", r->allow);
}

static enum MHD_Result api(struct server *s, struct MHD_Connection *conn, struct request *rq, const char *path)
{
	const char *rest = path + 5; /* after "/api/" */
	const char *slash = strchr(rest, '/');
	size_t nlen = slash ? (size_t)(slash - rest) : strlen(rest);
	const char *arg = slash ? slash + 1 : NULL;
	const struct route *rt = NULL;
	for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
		if (strlen(routes[i].name) == nlen && !strncmp(routes[i].name, rest, nlen))
			rt = &routes[i];
	if (!rt || (rt->arg && (!arg || !*arg)) || (!rt->arg && arg && *arg))
		return send_error(conn, 404, "no such API (see server.h or the README)", NULL);
	struct reply r;
	memset(&r, 0, sizeof r);
	if (!rt->fn) {
		if (!rq->post)
			return send_error(conn, 405, "use POST", "POST");
		if (!s->allow_edits)
			return send_error(conn, 403, "edits are off: start 'weft serve --allow-edits' to merge, split,"
					  " rename or drop", NULL);
		if (rq->body_too_big)
			return send_error(conn, 413, "request body too large", NULL);
		edit(s, rt->name, &rq->body, &r);
		return send_reply(conn, &r);
	}
	if (rq->post)
		return send_error(conn, 405, "use GET", "GET, HEAD");
	struct reader *rd = reader(s, &r);
	if (!rd)
		return send_reply(conn, &r);
	struct cached *slot = cache_slot(rd, rq->raw);
	if (slot && slot->uri && !strcmp(slot->uri, rq->raw)) {
		char *copy = xmalloc(slot->len + 1); /* MHD may send it after the slot is reused */
		memcpy(copy, slot->json, slot->len);
		return send_bytes(conn, 200, JSON_TYPE, copy, slot->len, 1, NULL);
	}
	rt->fn(s, rd->c, conn, arg, &r);
	if (!r.json || !slot)
		return send_reply(conn, &r);
	char *json = json_print(r.json, NULL);
	cJSON_Delete(r.json);
	if (!json)
		return MHD_NO;
	size_t len = strlen(json);
	cache_put(rd, slot, rq->raw, json, len);
	return send_bytes(conn, 200, JSON_TYPE, json, len, 1, NULL);
}

/* ---- static files --------------------------------------------------------- */

static const char *mime_of(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
		{".json", "application/json; charset=utf-8"}, {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static enum MHD_Result serve_file(struct server *s, struct MHD_Connection *conn, const char *path)
{
	if (!strcmp(path, "/"))
		path = "/index.html";
	/* only plain names: letters, digits, - _ . and / between them */
	for (const char *p = path; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.' || *p == '/'))
			return send_error(conn, 404, "not found", NULL);
	if (strstr(path, "..") || strstr(path, "//") || strstr(path, "/."))
		return send_error(conn, 404, "not found", NULL);
	if (!s->web_dir) {
		for (size_t i = 0; i < s->nassets; i++)
			if (!strcmp(s->assets[i].path, path))
				return send_bytes(conn, 200, s->assets[i].type, (void *)s->assets[i].data,
						  s->assets[i].len, 0, NULL);
		return send_error(conn, 404, "not found", NULL);
	}
	struct buf full = BUF_INIT;
	buf_printf(&full, "%s%s", s->web_dir, path);
	char real[PATH_MAX];
	size_t nd = strlen(s->web_dir);
	struct stat sb;
	int fd = -1;
	if (!realpath(full.p, real) || strncmp(real, s->web_dir, nd) || real[nd] != '/' ||
	    (fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > MAX_FILE) {
		if (fd >= 0)
			close(fd);
		buf_free(&full);
		return send_error(conn, 404, "not found", NULL);
	}
	buf_free(&full);
	char *data = xmalloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t k = read(fd, data + got, (size_t)sb.st_size - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	return send_bytes(conn, 200, mime_of(path), data, got, 1, NULL);
}

/* ---- the gate ----------------------------------------------------------- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes the path of a raw request URI (up to '?' or '#') into out.
 * Returns -1 for what no file or API name holds: a bad %-escape, NUL,
 * control characters, a backslash, "." or ".." segments. */
static int decode_path(const char *raw, struct buf *out)
{
	buf_reset(out);
	const char *p = raw;
	if (*p != '/')
		return -1;
	for (; *p && *p != '?' && *p != '#'; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (hi < 0 || lo < 0)
				return -1;
			ch = (unsigned char)(hi * 16 + lo);
			p += 2;
		}
		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			return -1;
		buf_addc(out, (char)ch);
	}
	if (!out->p)
		return -1;
	/* no "." or ".." segment anywhere */
	for (const char *seg = out->p; seg; seg = strchr(seg + 1, '/')) {
		const char *s = seg + 1;
		if ((s[0] == '.' && (s[1] == '/' || !s[1])) || (s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2])))
			return -1;
	}
	return 0;
}

/* 1 if the Host header names this server (loopback binds only). */
static int host_ok(struct server *s, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	if (!h)
		return 0;
	for (int i = 0; i < s->nallowed; i++)
		if (!strcasecmp(h, s->allowed[i]))
			return 1;
	return 0;
}

/* 1 if the request carries the token: a bearer header or our cookie. */
static int token_ok(struct server *s, struct MHD_Connection *conn)
{
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	if (auth && !strncasecmp(auth, "Bearer ", 7) && same_secret(auth + 7, s->token))
		return 1;
	const char *ck = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, s->cookie);
	return ck && same_secret(ck, s->token);
}

/* For edits: the CSRF header, and the Origin (when sent) equal to this host. */
static int csrf_ok(struct server *s, struct MHD_Connection *conn)
{
	const char *t = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Weft-CSRF");
	if (!t || !same_secret(t, s->csrf))
		return 0;
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	if (origin) {
		if (!host || strncmp(origin, "http://", 7) || strcasecmp(origin + 7, host))
			return 0;
	}
	const char *site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return 0;
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	return ct && !strncasecmp(ct, "application/json", 16);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	if (!rq) {
		rq = xcalloc(1, sizeof *rq);
		rq->raw = xstrndup(url, SERVER_MAX_URI);
		*con_cls = rq;
	}
	if (rq->started) {
		/* the body (kept for a POST, bounded), then the final call */
		if (*upload_size) {
			if (rq->body.len + *upload_size > SERVER_MAX_BODY) {
				rq->body_too_big = 1;
				if (rq->body.len + *upload_size > 4 * SERVER_MAX_BODY)
					return MHD_NO; /* a stream without end: drop it */
			} else if (rq->post) {
				buf_add(&rq->body, upload, *upload_size);
			}
			*upload_size = 0;
			return MHD_YES;
		}
		struct buf path = BUF_INIT;
		decode_path(rq->raw, &path);
		enum MHD_Result rc;
		if (rq->body_too_big)
			rc = send_error(conn, 413, "request body too large", NULL);
		else if (!strncmp(path.p, "/api/", 5))
			rc = api(s, conn, rq, path.p);
		else
			rc = serve_file(s, conn, path.p);
		buf_free(&path);
		return rc;
	}
	rq->started = 1;
	if (rq->too_long)
		return send_error(conn, 414, "request URI too long", NULL);
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	rq->post = !strcmp(method, "POST");
	if (!get && !rq->post)
		return send_error(conn, 405, "method not allowed", "GET, HEAD, POST");
	if (s->loopback && !host_ok(s, conn))
		return send_error(conn, 403, "Host header does not name this server (use the address weft serve printed)",
				  NULL);
	struct buf path = BUF_INIT;
	int bad_path = decode_path(rq->raw, &path) < 0;
	enum MHD_Result rc;
	if (s->token && !token_ok(s, conn)) {
		/* /?token=T: remember it in a cookie, and drop it from the address bar */
		const char *t = param(conn, "token");
		if (get && t && same_secret(t, s->token) && !bad_path && strncmp(path.p, "/api/", 5)) {
			struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
			struct buf ck = BUF_INIT;
			buf_printf(&ck, "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie, s->token);
			add_headers(resp);
			MHD_add_response_header(resp, "Set-Cookie", ck.p);
			MHD_add_response_header(resp, "Location", "/");
			rc = MHD_queue_response(conn, 303, resp);
			MHD_destroy_response(resp);
			buf_free(&ck);
		} else {
			rc = send_error(conn, 401, "this server needs its token: open the address weft serve printed"
					" (with ?token=), or send Authorization: Bearer TOKEN", NULL);
		}
		buf_free(&path);
		return rc;
	}
	if (bad_path) {
		buf_free(&path);
		return send_error(conn, 400, "bad path", NULL);
	}
	int is_api = !strncmp(path.p, "/api/", 5);
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > SERVER_MAX_BODY)
		rc = send_error(conn, 413, "request body too large", NULL);
	else if (rq->post && !is_api)
		rc = send_error(conn, 405, "use GET", "GET, HEAD");
	else if (rq->post && s->allow_edits && !csrf_ok(s, conn))
		rc = send_error(conn, 403, "missing or wrong CSRF token, or a request from another site", NULL);
	else
		rc = MHD_YES; /* answered on the final call, after any body */
	buf_free(&path);
	return rc;
}

/* The raw URI, before libmicrohttpd decodes it: kept for the gate. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *rq = xcalloc(1, sizeof *rq);
	size_t n = strnlen(uri, SERVER_MAX_URI + 1);
	rq->too_long = n > SERVER_MAX_URI;
	rq->raw = xstrndup(uri, n > SERVER_MAX_URI ? SERVER_MAX_URI : n);
	return rq;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;
	if (!rq)
		return;
	struct server *s = cls;
	if (s->log) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
		fprintf(stderr, "weft: serve: %u ", ci ? ci->http_status : 0);
		for (const char *p = rq->raw; *p && *p != '?'; p++)
			fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
		fputc('\n', stderr);
	}
	buf_free(&rq->body);
	free(rq->raw);
	free(rq);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	fputs("weft: serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- starting and stopping ---------------------------------------------- */

int server_is_loopback(const char *addr)
{
	if (!addr)
		return 0;
	if (!strcmp(addr, "localhost"))
		return 1;
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

/* Opens the listening socket, so that a busy port is reported plainly. */
static int listen_on(const char *bind_addr, int port, int *v6, struct err *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, bind_addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		len = sizeof *s4;
		*v6 = 0;
	} else if (inet_pton(AF_INET6, bind_addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		len = sizeof *s6;
		*v6 = 1;
	} else {
		return err_set(e, "--bind takes a numeric address such as 127.0.0.1 or ::1, not '%s'", bind_addr);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (*v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0) {
		int err = errno;
		close(fd);
		return err_set(e, "%s%s%s:%d: %s", *v6 ? "[" : "", bind_addr, *v6 ? "]" : "", port, strerror(err));
	}
	return fd;
}

static int token_valid(const char *t)
{
	size_t n = strlen(t);
	if (n < 8 || n > 128)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.' || *p == '~'))
			return 0;
	return 1;
}

int server_start(const struct server_opts *o, struct server **out, struct err *e)
{
	*out = NULL;
	const char *bind_addr = o->bind && *o->bind ? o->bind : "127.0.0.1";
	if (!strcmp(bind_addr, "localhost"))
		bind_addr = "127.0.0.1";
	if (o->port < 0 || o->port > 65535)
		return err_set(e, "--port takes a number from 0 to 65535");
	if (o->token && !token_valid(o->token))
		return err_set(e, "--token takes 8 to 128 letters, digits or - _ . ~");
	/* the case must open now, not at the first request */
	struct case_db *c;
	if (case_open(o->case_path, CASE_READ, &c, e) < 0)
		return -1;
	case_close(c);
	struct server *s = xcalloc(1, sizeof *s);
	s->case_path = xstrdup(o->case_path);
	s->loopback = server_is_loopback(bind_addr);
	s->allow_edits = o->allow_edits;
	s->log = o->log_requests;
	s->assets = o->assets;
	s->nassets = o->nassets;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->edit_lock, NULL);
	pthread_key_create(&s->key, NULL);
	if (o->web_dir) {
		char real[PATH_MAX];
		if (!realpath(o->web_dir, real)) {
			err_set(e, "%s: %s", o->web_dir, strerror(errno));
			goto fail;
		}
		s->web_dir = xstrdup(real);
		struct buf cy = BUF_INIT;
		buf_printf(&cy, "%s/vendor/cytoscape.min.js", real);
		s->graph_view = access(cy.p, R_OK) == 0;
		buf_free(&cy);
	} else {
		for (size_t i = 0; i < s->nassets; i++)
			if (!strcmp(s->assets[i].path, "/vendor/cytoscape.min.js"))
				s->graph_view = 1;
	}
	if (o->token) {
		s->token = xstrdup(o->token);
	} else if (!s->loopback) {
		s->token = xmalloc(33);
		if (random_hex(s->token, 16) < 0) {
			err_set(e, "cannot make a token: %s", strerror(errno));
			goto fail;
		}
	}
	if (random_hex(s->csrf, 32) < 0) {
		err_set(e, "cannot make a CSRF token: %s", strerror(errno));
		goto fail;
	}
	int v6 = 0;
	int fd = listen_on(bind_addr, o->port, &v6, e);
	if (fd < 0)
		goto fail;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							: ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(s->host, sizeof s->host, "%s%s%s", v6 ? "[" : "", bind_addr, v6 ? "]" : "");
	snprintf(s->cookie, sizeof s->cookie, "weft_token_%d", s->port);
	snprintf(s->allowed[s->nallowed++], sizeof s->allowed[0], "%s:%d", s->host, s->port);
	snprintf(s->allowed[s->nallowed++], sizeof s->allowed[0], "localhost:%d", s->port);
	if (s->port == 80)
		snprintf(s->allowed[s->nallowed++], sizeof s->allowed[0], "%s", s->host);
	int threads = o->threads > 0 ? o->threads : 4;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
				MHD_OPTION_URI_LOG_CALLBACK, uri_seen, s,
				MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_END);
	if (!s->d) {
		close(fd);
		err_set(e, "cannot start the HTTP server on %s:%d", s->host, s->port);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	server_stop(s);
	return -1;
}

int server_port(const struct server *s)
{
	return s->port;
}

const char *server_token(const struct server *s)
{
	return s->token;
}

void server_url(const struct server *s, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "http://%s:%d/", s->host, s->port);
	if (s->token)
		buf_printf(out, "?token=%s", s->token);
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	for (size_t i = 0; i < s->nreaders; i++)
		reader_free(s->readers[i]);
	free(s->readers);
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->edit_lock);
	free(s->case_path);
	free(s->token);
	free(s->web_dir);
	free(s);
}
