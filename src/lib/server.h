/*
 * server.h — weft's local web server: a JSON API over the case and the
 * browser UI, one more client of the library (like the CLI).
 *
 * server.c owns the HTTP side (libmicrohttpd: a thread pool, connection
 * limits and timeouts, bounded requests), the guards in front of every
 * request (Host check against DNS rebinding on loopback, a bearer token
 * off loopback, CSRF token and Origin check on edits, path checks on static
 * files), one read-only case connection per worker thread, and the JSON
 * shapes of the API.  It reads the case only through case.h, search.h,
 * resolve.h and graph.h, and writes only through resolve_decide().
 *
 * API (GET; JSON; errors are {"error": "..."} with a 4xx/5xx status):
 *   /api/search?q=&limit=&offset=   hits as `weft search --json`, total, facets
 *   /api/doc/ID                     metadata, text, mentions (byte offsets, entity ids), thread
 *   /api/entities?type=&sort=&limit=&q=   as `weft entities --json`
 *   /api/entity/ID                  as `weft entity --json`, plus pagerank, community
 *   /api/links/ID?limit=&kind=&evidence=  as `weft links --json`
 *   /api/graph?center=ID&depth=1|2&min_weight=&limit=   nodes and edges of an ego network
 *   /api/path?from=ID&to=ID&k=&evidence=  as `weft path --json`
 *   /api/timeline?entity=ID         documents mentioning it, by date
 *   /api/stats                      as `weft stats --json`, plus the network summary
 *   /api/session                    {edits, csrf, graph_view, version}
 * With allow_edits, POST /api/merge, /api/split, /api/rename, /api/drop take
 * {"a": ..., "b": ...} and need the X-Weft-CSRF header.
 */
#ifndef WEFT_SERVER_H
#define WEFT_SERVER_H

#include <stddef.h>

#include "util.h"

/* Largest request body (edits only) and request line + headers. */
#define SERVER_MAX_BODY 8192
#define SERVER_MAX_URI 16384

/* One static file of the UI, e.g. {"/index.html", "text/html; ...", ...}. */
struct server_asset {
	const char *path;             /* starts with '/' */
	const char *type;             /* Content-Type */
	const unsigned char *data;
	size_t len;
};

struct server_opts {
	const char *case_path;        /* the case to serve (must exist) */
	const char *bind;             /* numeric IPv4/IPv6 address or "localhost"; NULL: 127.0.0.1 */
	int port;                     /* 0: any free port (see server_port) */
	const char *token;            /* required on every request when not NULL;
	                               * NULL off loopback: one is generated */
	int allow_edits;              /* enable POST merge/split/rename/drop */
	int threads;                  /* worker threads; <= 0: 4 */
	const struct server_asset *assets;  /* the UI, usually compiled in */
	size_t nassets;
	const char *web_dir;          /* serve the UI from this folder instead (development); may be NULL */
	int log_requests;             /* one line per request on stderr */
};

struct server;

/* Returns 1 if addr (numeric IPv4/IPv6, or "localhost") is a loopback
 * address: 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104.  0 otherwise. */
int server_is_loopback(const char *addr);

/* Checks the case can be opened, binds and starts serving in background
 * threads.  On success *out is the caller's, to server_stop().  Returns 0 or
 * -1 with e set (e.g. "127.0.0.1:8017: address in use"). */
int server_start(const struct server_opts *o, struct server **out, struct err *e);

/* The port actually bound (useful with port 0). */
int server_port(const struct server *s);

/* The token every request must carry, or NULL when none is required.
 * Owned by the server. */
const char *server_token(const struct server *s);

/* Writes the URL to open into out (reset first): http://HOST:PORT/, with
 * ?token=T when a token is required. */
void server_url(const struct server *s, struct buf *out);

/* Stops accepting, waits for the requests in flight, closes every case
 * connection and frees s (NULL is fine). */
void server_stop(struct server *s);

#endif
