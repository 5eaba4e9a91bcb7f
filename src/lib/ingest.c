/*
 * ingest.c — the walk, the worker threads and the single writer.
 *
 *   walk (main thread) ─► entries ─► workers: read, hash, extract ─► queue ─► writer (main thread) ─► case
 *
 * Crash safety comes from the order of writes, not from one big
 * transaction: a container's members are queued before the container
 * itself, and a file's row in `paths` is written only with (or after) its
 * document.  So after a kill, a file either has its path row — and then all
 * of it is in the case — or it is read again by the next run, where content
 * already stored is recognised by its hash and not stored twice.
 */
#include "ingest.h"
#include "ner.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

void ingest_interrupt(void)
{
	stop_requested = 1;
}

void ingest_default_opts(struct ingest_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lim.max_depth = 5;
	o->lim.max_members = 100000;
	o->lim.max_file_size = 256ull << 20;
	o->lim.max_total = 2048ull << 20;
	o->lim.max_ratio = 200.0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- work items: what workers hand to the writer ---- */

enum item_kind {
	IT_DOC,   /* a new document (maybe a container member) */
	IT_PATH,  /* a path whose content is already in the case */
	IT_FAIL,  /* a file or member that could not be read */
};

struct item {
	enum item_kind kind;
	int top;                 /* 1 for a file on disk, 0 for a member */
	char sha[65];
	char parent_sha[65];     /* container's hash, "" for files on disk */
	char *path;              /* display path: file path, or container path + "!/" + member */
	char *inner;             /* member name within its container, or NULL */
	long long size, mtime;
	struct xdoc doc;         /* IT_DOC */
	struct ner_result ner;   /* IT_DOC, when tagged */
	int tagged;
	char *reason;            /* IT_FAIL */
	struct item *next;
};

static void item_free(struct item *it)
{
	free(it->path);
	free(it->inner);
	free(it->reason);
	xdoc_free(&it->doc);
	ner_result_free(&it->ner);
	free(it);
}

struct entry {
	char *path;
	long long size, mtime;
};

struct ingest {
	struct case_db *c;
	const struct ingest_opts *o;
	struct entry *ents;
	size_t nents;
	atomic_size_t next;
	/* the queue */
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_get;
	struct item *head, *tail;
	int queued, workers_left;
	int fatal;               /* set by the writer: workers stop */
};

#define QUEUE_MAX 32

static void put(struct ingest *g, struct item *it)
{
	pthread_mutex_lock(&g->mu);
	while (g->queued >= QUEUE_MAX && !g->fatal)
		pthread_cond_wait(&g->can_put, &g->mu);
	if (g->fatal) {
		pthread_mutex_unlock(&g->mu);
		item_free(it);
		return;
	}
	it->next = NULL;
	if (g->tail)
		g->tail->next = it;
	else
		g->head = it;
	g->tail = it;
	g->queued++;
	pthread_cond_signal(&g->can_get);
	pthread_mutex_unlock(&g->mu);
}

/* Waits up to 250 ms for an item; NULL on timeout or when all is done
 * (then *finished is set). */
static struct item *get(struct ingest *g, int *finished)
{
	struct item *it = NULL;
	pthread_mutex_lock(&g->mu);
	if (!g->head && g->workers_left > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->can_get, &g->mu, &ts);
	}
	if (g->head) {
		it = g->head;
		g->head = it->next;
		if (!g->head)
			g->tail = NULL;
		g->queued--;
		pthread_cond_signal(&g->can_put);
	}
	*finished = !it && !g->head && g->workers_left == 0;
	pthread_mutex_unlock(&g->mu);
	return it;
}

static struct item *new_item(enum item_kind k, const char *path, int top)
{
	struct item *it = xcalloc(1, sizeof *it);
	it->kind = k;
	it->top = top;
	it->path = xstrdup(path);
	xdoc_init(&it->doc);
	return it;
}

static void put_fail(struct ingest *g, const char *path, int top, long long size, long long mtime,
		     const char *sha, const char *reason)
{
	struct item *it = new_item(IT_FAIL, path, top);
	it->size = size;
	it->mtime = mtime;
	it->reason = xstrdup(reason);
	if (sha)
		memcpy(it->sha, sha, 65);
	put(g, it);
}

/* ---- workers ---- */

struct worker {
	struct ingest *g;
	sqlite3 *db;             /* read-only connection: is this content known? */
	sqlite3_stmt *known;
	magic_t magic;
};

/* The container being extracted, for its members' paths and parent. */
struct unit {
	struct worker *w;
	const char *path;
	const char *sha;
};

static int content_known(struct worker *w, const char *sha)
{
	if (!w->known)
		return 0;
	sqlite3_reset(w->known);
	sqlite3_bind_text(w->known, 1, sha, 64, SQLITE_STATIC);
	return sqlite3_step(w->known) == SQLITE_ROW;
}

static int member_cb(struct xctx *x, const char *name, const char *data, size_t len, struct err *e);
static void skip_cb(struct xctx *x, const char *name, const char *why);

/* The tagger's memory grows with the text it is given (about 200 bytes a
 * token), so a long document is tagged in pieces of about 1 MB cut at a
 * blank line (or a line end, or anywhere as a last resort), and the pieces'
 * sentences and mentions are put together with their offsets shifted. */
#define TAG_CHUNK (1u << 20)

static size_t chunk_end(const char *text, size_t from, size_t len)
{
	if (len - from <= TAG_CHUNK + TAG_CHUNK / 2)
		return len;
	size_t lo = from + TAG_CHUNK / 2, hi = from + TAG_CHUNK;
	for (size_t i = hi; i > lo; i--)
		if (text[i - 1] == '\n' && text[i - 2] == '\n')
			return i;
	for (size_t i = hi; i > lo; i--)
		if (text[i - 1] == '\n')
			return i;
	size_t i = hi;
	while (i > lo && ((unsigned char)text[i] & 0xC0) == 0x80)
		i--; /* never inside a UTF-8 sequence */
	return i;
}

static int tag_chunked(const struct ner_model *m, const char *text, size_t len, struct ner_result *out, struct err *e)
{
	if (len <= TAG_CHUNK + TAG_CHUNK / 2)
		return ner_tag_text(m, text, len, out, e);
	for (size_t from = 0; from < len;) {
		size_t to = chunk_end(text, from, len);
		struct ner_result r = NER_RESULT_INIT;
		if (ner_tag_text(m, text + from, to - from, &r, e) < 0) {
			ner_result_free(out);
			return -1;
		}
		size_t s0 = out->nsentences;
		out->sentences = xrealloc(out->sentences, (s0 + r.nsentences) * sizeof *out->sentences);
		for (size_t i = 0; i < r.nsentences; i++) {
			out->sentences[s0 + i] = r.sentences[i];
			out->sentences[s0 + i].start += from;
			out->sentences[s0 + i].end += from;
		}
		out->nsentences += r.nsentences;
		size_t m0 = out->nmentions;
		out->mentions = xrealloc(out->mentions, (m0 + r.nmentions) * sizeof *out->mentions);
		for (size_t i = 0; i < r.nmentions; i++) {
			out->mentions[m0 + i] = r.mentions[i];
			out->mentions[m0 + i].start += from;
			out->mentions[m0 + i].end += from;
			out->mentions[m0 + i].sentence += s0;
			r.mentions[i].value = NULL; /* now out's */
		}
		out->nmentions += r.nmentions;
		out->ntokens += r.ntokens;
		ner_result_free(&r);
		from = to;
	}
	return 0;
}

/* Extracts data (a file or a member) and queues the result. */
static void process_blob(struct worker *w, struct xctx *parent, const char *path, const char *inner,
			 const char *parent_sha, const char *data, size_t len, long long size,
			 long long mtime)
{
	struct ingest *g = w->g;
	int top = parent == NULL;
	char sha[65];
	sha256_hex(data, len, sha);
	if (content_known(w, sha)) {
		struct item *it = new_item(IT_PATH, path, top);
		memcpy(it->sha, sha, 65);
		if (parent_sha)
			memcpy(it->parent_sha, parent_sha, 65);
		it->inner = inner ? xstrdup(inner) : NULL;
		it->size = size;
		it->mtime = mtime;
		put(g, it);
		return;
	}
	struct unit u = {w, path, sha};
	struct xctx x = {0};
	x.depth = parent ? parent->depth + 1 : 0;
	x.lim = &g->o->lim;
	x.expanded = parent ? parent->expanded : 0;
	x.magic = w->magic;
	x.child = member_cb;
	x.skip = skip_cb;
	x.user = &u;
	struct item *it = new_item(IT_DOC, path, top);
	struct err e = {{0}};
	const char *slash = strrchr(inner ? inner : path, '/');
	const char *name = slash ? slash + 1 : (inner ? inner : path);
	int rc = extract_any(&x, data, len, name, &it->doc, &e);
	if (parent)
		parent->expanded = x.expanded;
	if (rc < 0) {
		item_free(it);
		put_fail(g, path, top, size, mtime, sha, e.msg[0] ? e.msg : "could not be read");
		return;
	}
	memcpy(it->sha, sha, 65);
	if (parent_sha)
		memcpy(it->parent_sha, parent_sha, 65);
	it->inner = inner ? xstrdup(inner) : NULL;
	it->size = (long long)len;
	if (g->o->ner && it->doc.text.len) {
		/* Tagging failure is not a document failure: the text is kept. */
		it->tagged = tag_chunked(g->o->ner, it->doc.text.p, it->doc.text.len, &it->ner, &e) == 0;
	}
	it->mtime = mtime;
	put(g, it);
}

/* Called by container extractors for a member they could not read. */
static void skip_cb(struct xctx *x, const char *name, const char *why)
{
	struct unit *u = x->user;
	struct buf path = BUF_INIT, reason = BUF_INIT;
	buf_printf(&path, "%s!/%s", u->path, name);
	buf_printf(&reason, "archive member not read: %s", why);
	put_fail(u->w->g, path.p, 0, 0, 0, NULL, reason.p);
	buf_free(&path);
	buf_free(&reason);
}

/* Called by container extractors for each member. */
static int member_cb(struct xctx *x, const char *name, const char *data, size_t len, struct err *e)
{
	struct unit *u = x->user;
	if (stop_requested)
		return err_set(e, "interrupted");
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s!/%s", u->path, name);
	if (x->depth + 1 > x->lim->max_depth) {
		put_fail(u->w->g, path.p, 0, (long long)len, 0, NULL, "nested too deep in containers");
	} else {
		process_blob(u->w, x, path.p, name, u->sha, data, len, (long long)len, 0);
	}
	buf_free(&path);
	return 0;
}

/* Reads a whole file into memory (malloc'd).  Returns 0 or -1 with e set. */
static int read_file(const char *path, uint64_t limit, char **out, size_t *outlen, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ELOOP)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a symlink the walk chose to follow */
	if (fd < 0)
		return err_set(e, "cannot open: %s", strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, "not a regular file");
	}
	if ((uint64_t)sb.st_size > limit) {
		close(fd);
		return err_set(e, "too large (%.1f MB; the limit is %.0f MB, see --max-file-size)",
			       sb.st_size / 1048576.0, limit / 1048576.0);
	}
	size_t cap = (size_t)sb.st_size + 1, len = 0;
	char *p = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (len >= limit) {
				free(p);
				close(fd);
				return err_set(e, "too large (grew while being read)");
			}
			cap *= 2;
			p = xrealloc(p, cap);
		}
		ssize_t n = read(fd, p + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int er = errno;
			free(p);
			close(fd);
			return err_set(e, "read error: %s", strerror(er));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*out = p;
	*outlen = len;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct ingest *g = w->g;
	for (;;) {
		size_t i = atomic_fetch_add(&g->next, 1);
		if (i >= g->nents || stop_requested || g->fatal)
			break;
		struct entry *en = &g->ents[i];
		char *data = NULL;
		size_t len = 0;
		struct err e = {{0}};
		if (read_file(en->path, g->o->lim.max_file_size, &data, &len, &e) < 0) {
			put_fail(g, en->path, 1, en->size, en->mtime, NULL, e.msg);
			continue;
		}
		process_blob(w, NULL, en->path, NULL, NULL, data, len, en->size, en->mtime);
		free(data);
	}
	pthread_mutex_lock(&g->mu);
	g->workers_left--;
	pthread_cond_broadcast(&g->can_get);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* ---- the walk ---- */

struct walk {
	struct entry *ents;
	size_t n, cap;
	struct item *fails;      /* problems found while walking */
};

static void walk_fail(struct walk *wk, const char *path, const char *reason)
{
	struct item *it = new_item(IT_FAIL, path, 1);
	it->reason = xstrdup(reason);
	it->next = wk->fails;
	wk->fails = it;
}

static void walk_add(struct walk *wk, const char *path, const struct stat *sb)
{
	if (wk->n == wk->cap) {
		wk->cap = wk->cap ? wk->cap * 2 : 1024;
		wk->ents = xrealloc(wk->ents, wk->cap * sizeof *wk->ents);
	}
	struct entry *en = &wk->ents[wk->n++];
	en->path = xstrdup(path);
	en->size = (long long)sb->st_size;
	en->mtime = (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
}

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* Walks paths without following symbolic links inside folders (a link to
 * a file is read; a link to a folder is recorded, never followed, so link
 * loops cannot trap the walk). */
static int walk_paths(char *const *paths, int npaths, struct walk *wk, struct err *e)
{
	char **abs = xcalloc((size_t)npaths + 1, sizeof *abs);
	for (int i = 0; i < npaths; i++) {
		char *r = realpath(paths[i], NULL);
		if (!r) {
			for (int k = 0; k < i; k++)
				free(abs[k]);
			free(abs);
			return err_set(e, "%s: %s", paths[i], strerror(errno));
		}
		abs[i] = r;
	}
	FTS *fts = fts_open(abs, FTS_PHYSICAL | FTS_NOCHDIR | FTS_COMFOLLOW, by_name);
	if (!fts) {
		for (int i = 0; i < npaths; i++)
			free(abs[i]);
		free(abs);
		return err_set(e, "cannot walk: %s", strerror(errno));
	}
	FTSENT *f;
	struct stat sb;
	while ((f = fts_read(fts))) {
		switch (f->fts_info) {
		case FTS_F:
			walk_add(wk, f->fts_path, f->fts_statp);
			break;
		case FTS_SL:
			if (stat(f->fts_path, &sb) < 0)
				walk_fail(wk, f->fts_path, "broken symbolic link");
			else if (S_ISREG(sb.st_mode))
				walk_add(wk, f->fts_path, &sb);
			else if (S_ISDIR(sb.st_mode))
				walk_fail(wk, f->fts_path, "symbolic link to a folder (not followed)");
			else
				walk_fail(wk, f->fts_path, "symbolic link to something that is not a file (device, socket or pipe)");
			break;
		case FTS_SLNONE:
			walk_fail(wk, f->fts_path, "broken symbolic link");
			break;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS: {
			char msg[256];
			snprintf(msg, sizeof msg, "cannot read: %s", strerror(f->fts_errno));
			walk_fail(wk, f->fts_path, msg);
			break;
		}
		case FTS_DC:
			walk_fail(wk, f->fts_path, "folder cycle (not followed)");
			break;
		case FTS_DEFAULT:
			walk_fail(wk, f->fts_path, "not a regular file (device, socket or pipe)");
			break;
		default:
			break;
		}
	}
	fts_close(fts);
	for (int i = 0; i < npaths; i++)
		free(abs[i]);
	free(abs);
	return 0;
}

/* ---- storing mentions (shared by ingest and retag) ---- */

struct ner_store {
	sqlite3_stmt *del_m, *del_s, *sent, *men, *mark, *stale;
};

static int ner_store_open(struct ner_store *ns, struct case_db *c, struct err *e)
{
	memset(ns, 0, sizeof *ns);
	if (case_prepare(c, "DELETE FROM mentions WHERE doc=?", &ns->del_m, "preparing the case", e) < 0 ||
	    case_prepare(c, "DELETE FROM sentences WHERE doc=?", &ns->del_s, "preparing the case", e) < 0 ||
	    case_prepare(c, "INSERT INTO sentences(doc, n, start, end) VALUES(?,?,?,?)", &ns->sent,
			 "preparing the case", e) < 0 ||
	    case_prepare(c, "INSERT INTO mentions(doc, sentence, start, end, type, text, value) VALUES(?,?,?,?,?,?,?)",
			 &ns->men, "preparing the case", e) < 0 ||
	    case_prepare(c, "UPDATE documents SET tagged=? WHERE id=?", &ns->mark, "preparing the case", e) < 0 ||
	    case_prepare(c, "INSERT OR REPLACE INTO meta(key, value) VALUES('network', 'stale')", &ns->stale,
			 "preparing the case", e) < 0)
		return -1;
	return 0;
}

static void ner_store_close(struct ner_store *ns)
{
	sqlite3_finalize(ns->del_m);
	sqlite3_finalize(ns->del_s);
	sqlite3_finalize(ns->sent);
	sqlite3_finalize(ns->men);
	sqlite3_finalize(ns->mark);
	sqlite3_finalize(ns->stale);
}

static int run_stmt(struct case_db *c, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return case_fail(c, "writing to the case", e);
	return 0;
}

/* Replaces document doc's sentences and mentions with r's. */
static int ner_store_doc(struct ner_store *ns, struct case_db *c, long long doc, const char *text,
			 const struct ner_result *r, const char *model_id, struct err *e)
{
	sqlite3_bind_int64(ns->del_m, 1, doc);
	sqlite3_bind_int64(ns->del_s, 1, doc);
	if (run_stmt(c, ns->del_m, e) < 0 || run_stmt(c, ns->del_s, e) < 0)
		return -1;
	for (size_t i = 0; i < r->nsentences; i++) {
		sqlite3_bind_int64(ns->sent, 1, doc);
		sqlite3_bind_int64(ns->sent, 2, (long long)i);
		sqlite3_bind_int64(ns->sent, 3, (long long)r->sentences[i].start);
		sqlite3_bind_int64(ns->sent, 4, (long long)r->sentences[i].end);
		if (run_stmt(c, ns->sent, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->nmentions; i++) {
		const struct ner_mention *m = &r->mentions[i];
		sqlite3_bind_int64(ns->men, 1, doc);
		sqlite3_bind_int64(ns->men, 2, (long long)m->sentence);
		sqlite3_bind_int64(ns->men, 3, (long long)m->start);
		sqlite3_bind_int64(ns->men, 4, (long long)m->end);
		sqlite3_bind_text(ns->men, 5, m->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(ns->men, 6, text + m->start, (int)(m->end - m->start), SQLITE_STATIC);
		case_bind_text(ns->men, 7, m->value);
		if (run_stmt(c, ns->men, e) < 0)
			return -1;
	}
	sqlite3_bind_text(ns->mark, 1, model_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ns->mark, 2, doc);
	if (run_stmt(c, ns->mark, e) < 0)
		return -1;
	/* in the same transaction as the mentions: see ingest_network_stale() */
	return run_stmt(c, ns->stale, e);
}

int ingest_network_stale(struct case_db *c)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM meta WHERE key='network' AND value='stale'", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int ingest_network_built(struct case_db *c, struct err *e)
{
	return case_exec(c, "DELETE FROM meta WHERE key='network'", "writing to the case", e);
}

/* ---- the writer ---- */

struct writer {
	struct case_db *c;
	sqlite3_stmt *placeholder, *lookup, *fill, *fts, *path, *unfail, *fail, *fail_doc, *same_path;
	sqlite3_stmt *fts_unempty, *fts_new;
	struct ner_store ns;
	const char *ner_id;
	int in_tx;
	int pending;             /* items since the last commit */
	double tx_start;
	/* Full-text rows are written just before COMMIT (fts_flush): those of
	 * the documents created in this transaction (ids from first_new on,
	 * LLONG_MAX: none), and of older documents filled in it (touched). */
	long long first_new;
	long long *touched;
	size_t ntouched, touched_cap;
};

static const char *const writer_sql[] = {
	"INSERT INTO documents(sha256, added) VALUES(?, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
	"ON CONFLICT(sha256) DO NOTHING",
	"SELECT id, status FROM documents WHERE sha256=?",
	"UPDATE documents SET parent=?2, status=?3, type=?4, mime=?5, size=?6, title=?7, date=?8,"
	" date_suspect=?9, author=?10, sender=?11, recipients=?12, cc=?13, subject=?14,"
	" message_id=?15, in_reply_to=?16, meta=?17, invalid_bytes=?18, pages=?19, body=?20 WHERE id=?1",
	"INSERT INTO fts(rowid, title, sender, recipients, cc, subject, body)"
	" SELECT id, title, sender, recipients, cc, subject, body FROM documents WHERE id=?",
	"INSERT INTO paths(path, doc, container, inner, size, mtime) VALUES(?,?,?,?,?,?) "
	"ON CONFLICT(path) DO UPDATE SET doc=excluded.doc, container=excluded.container,"
	" inner=excluded.inner, size=excluded.size, mtime=excluded.mtime",
	"DELETE FROM failures WHERE path=?",
	"INSERT INTO failures(path, reason, size, mtime, at) VALUES(?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
	"ON CONFLICT(path) DO UPDATE SET reason=excluded.reason, size=excluded.size, mtime=excluded.mtime, at=excluded.at",
	"UPDATE documents SET status='failed', meta=json_object('error', ?2) WHERE id=?1 AND status='pending'",
	"SELECT doc FROM paths WHERE path=?",
	"INSERT INTO fts(fts, rowid) VALUES('delete', ?)",
	"INSERT INTO fts(rowid, title, sender, recipients, cc, subject, body)"
	" SELECT id, title, sender, recipients, cc, subject, body FROM documents WHERE id>=? ORDER BY id",
};

static int writer_open(struct writer *wr, struct case_db *c, struct err *e)
{
	memset(wr, 0, sizeof *wr);
	wr->c = c;
	sqlite3_stmt **sts[] = {&wr->placeholder, &wr->lookup, &wr->fill, &wr->fts, &wr->path,
				&wr->unfail, &wr->fail, &wr->fail_doc, &wr->same_path, &wr->fts_unempty, &wr->fts_new};
	for (size_t i = 0; i < sizeof sts / sizeof *sts; i++)
		if (case_prepare(c, writer_sql[i], sts[i], "preparing the case", e) < 0)
			return -1;
	return ner_store_open(&wr->ns, c, e);
}

static void writer_close(struct writer *wr)
{
	sqlite3_stmt *sts[] = {wr->placeholder, wr->lookup, wr->fill, wr->fts, wr->path,
			       wr->unfail, wr->fail, wr->fail_doc, wr->same_path, wr->fts_unempty, wr->fts_new};
	for (size_t i = 0; i < sizeof sts / sizeof *sts; i++)
		sqlite3_finalize(sts[i]);
	ner_store_close(&wr->ns);
	free(wr->touched);
}

static int step_done(struct writer *wr, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return case_fail(wr->c, "writing to the case", e);
	return 0;
}

/* Notes that document id, created before this transaction, was filled in
 * it: fts_flush() replaces its empty full-text row before COMMIT. */
static void touch(struct writer *wr, long long id)
{
	if (id >= wr->first_new)
		return; /* created in this transaction: written with the others */
	if (wr->ntouched == wr->touched_cap) {
		wr->touched_cap = wr->touched_cap ? 2 * wr->touched_cap : 64;
		wr->touched = xrealloc(wr->touched, wr->touched_cap * sizeof *wr->touched);
	}
	wr->touched[wr->ntouched++] = id;
}

static int by_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* Every row of documents has its row in the full-text index, even a
 * placeholder (an empty one), so the index matches its content table in
 * every committed state: FTS5's integrity check passes at any moment.
 *
 * The rows of a transaction are written here, just before COMMIT, in rowid
 * order, and those of the documents it created by one statement.  FTS5
 * flushes its pending terms to disk (a new segment, to be merged later)
 * whenever a statement opens a savepoint, which INSERT … SELECT does, and
 * whenever a rowid goes backwards or is written twice (an empty placeholder
 * row, then its deletion): writing each document's row as it came cost one
 * tiny segment per document (bench/BENCHMARKS.md).  An older document
 * filled in this transaction had an empty row: that one is replaced. */
static int fts_flush(struct writer *wr, struct err *e)
{
	if (wr->ntouched > 1)
		qsort(wr->touched, wr->ntouched, sizeof *wr->touched, by_id);
	for (size_t i = 0; i < wr->ntouched; i++) {
		long long id = wr->touched[i];
		if (i && id == wr->touched[i - 1])
			continue;
		sqlite3_bind_int64(wr->fts_unempty, 1, id);
		if (step_done(wr, wr->fts_unempty, e) < 0)
			return -1;
		sqlite3_bind_int64(wr->fts, 1, id);
		if (step_done(wr, wr->fts, e) < 0)
			return -1;
	}
	wr->ntouched = 0;
	if (wr->first_new == LLONG_MAX)
		return 0;
	sqlite3_bind_int64(wr->fts_new, 1, wr->first_new);
	return step_done(wr, wr->fts_new, e);
}

/* The id of the document with this hash, creating a pending row if none;
 * *status gets its status (static string or the row's). */
static long long doc_for_sha(struct writer *wr, const char *sha, char status[16], struct err *e)
{
	sqlite3_bind_text(wr->placeholder, 1, sha, 64, SQLITE_STATIC);
	if (step_done(wr, wr->placeholder, e) < 0)
		return -1;
	if (sqlite3_changes(wr->c->db) > 0) {
		long long id = sqlite3_last_insert_rowid(wr->c->db);
		if (id < wr->first_new)
			wr->first_new = id;
	}
	sqlite3_bind_text(wr->lookup, 1, sha, 64, SQLITE_STATIC);
	long long id = -1;
	if (sqlite3_step(wr->lookup) == SQLITE_ROW) {
		id = sqlite3_column_int64(wr->lookup, 0);
		snprintf(status, 16, "%s", (const char *)sqlite3_column_text(wr->lookup, 1));
	}
	sqlite3_reset(wr->lookup);
	if (id < 0)
		case_fail(wr->c, "writing to the case", e);
	return id;
}

static int write_path(struct writer *wr, struct item *it, long long doc, struct err *e)
{
	char st[16];
	long long container = 0;
	if (it->parent_sha[0] && (container = doc_for_sha(wr, it->parent_sha, st, e)) < 0)
		return -1;
	sqlite3_bind_text(wr->path, 1, it->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(wr->path, 2, doc);
	if (container)
		sqlite3_bind_int64(wr->path, 3, container);
	else
		sqlite3_bind_null(wr->path, 3);
	case_bind_text(wr->path, 4, it->inner);
	sqlite3_bind_int64(wr->path, 5, it->size);
	sqlite3_bind_int64(wr->path, 6, it->mtime);
	if (step_done(wr, wr->path, e) < 0)
		return -1;
	sqlite3_bind_text(wr->unfail, 1, it->path, -1, SQLITE_STATIC);
	return step_done(wr, wr->unfail, e);
}

static char *pages_json(const struct xdoc *d)
{
	if (d->npages <= 0)
		return NULL;
	struct buf b = BUF_INIT;
	buf_addc(&b, '[');
	for (int i = 0; i < d->npages; i++)
		buf_printf(&b, "%s%zu", i ? "," : "", d->page_ends[i]);
	buf_addc(&b, ']');
	return buf_detach(&b);
}

static int write_doc(struct writer *wr, struct item *it, struct ingest_stats *st, struct err *e)
{
	char status[16];
	long long id = doc_for_sha(wr, it->sha, status, e);
	if (id < 0)
		return -1;
	if (strcmp(status, "ok") && strcmp(status, "needs_ocr")) {
		struct xdoc *d = &it->doc;
		long long parent = 0;
		char pst[16];
		if (it->parent_sha[0] && (parent = doc_for_sha(wr, it->parent_sha, pst, e)) < 0)
			return -1;
		sqlite3_stmt *s = wr->fill;
		char *meta = d->meta ? cJSON_PrintUnformatted(d->meta) : NULL;
		char *pages = pages_json(d);
		sqlite3_bind_int64(s, 1, id);
		if (parent)
			sqlite3_bind_int64(s, 2, parent);
		else
			sqlite3_bind_null(s, 2);
		sqlite3_bind_text(s, 3, d->status == XD_NEEDS_OCR ? "needs_ocr" : "ok", -1, SQLITE_STATIC);
		case_bind_text(s, 4, d->type);
		case_bind_text(s, 5, d->mime);
		sqlite3_bind_int64(s, 6, it->size);
		case_bind_text(s, 7, d->title);
		case_bind_text(s, 8, d->date);
		sqlite3_bind_int(s, 9, d->date_suspect);
		case_bind_text(s, 10, d->author);
		case_bind_text(s, 11, d->sender);
		case_bind_text(s, 12, d->recipients);
		case_bind_text(s, 13, d->cc);
		case_bind_text(s, 14, d->subject);
		case_bind_text(s, 15, d->message_id);
		case_bind_text(s, 16, d->in_reply_to);
		case_bind_text(s, 17, meta);
		sqlite3_bind_int64(s, 18, (long long)d->invalid_bytes);
		case_bind_text(s, 19, pages);
		sqlite3_bind_text(s, 20, d->text.p ? d->text.p : "", (int)d->text.len, SQLITE_STATIC);
		int rc = step_done(wr, s, e);
		free(meta);
		free(pages);
		if (rc < 0)
			return -1;
		touch(wr, id);
		if (it->tagged && ner_store_doc(&wr->ns, wr->c, id, d->text.p, &it->ner, wr->ner_id, e) < 0)
			return -1;
		st->docs_added++;
		if (it->top)
			st->new_files++;
	} else if (it->top) {
		st->duplicates++; /* two workers raced on identical content */
	}
	return write_path(wr, it, id, e);
}

static int write_known_path(struct writer *wr, struct item *it, struct ingest_stats *st, struct err *e)
{
	char status[16];
	long long id = doc_for_sha(wr, it->sha, status, e);
	if (id < 0)
		return -1;
	if (it->top) {
		long long was = 0;
		sqlite3_bind_text(wr->same_path, 1, it->path, -1, SQLITE_STATIC);
		if (sqlite3_step(wr->same_path) == SQLITE_ROW)
			was = sqlite3_column_int64(wr->same_path, 0);
		sqlite3_reset(wr->same_path);
		if (was == id)
			st->unchanged++; /* touched, not changed */
		else
			st->duplicates++;
	}
	return write_path(wr, it, id, e);
}

static int write_fail(struct writer *wr, struct item *it, struct ingest_stats *st, struct err *e)
{
	sqlite3_bind_text(wr->fail, 1, it->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(wr->fail, 2, it->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(wr->fail, 3, it->size);
	sqlite3_bind_int64(wr->fail, 4, it->mtime);
	if (step_done(wr, wr->fail, e) < 0)
		return -1;
	st->failed++;
	/* A container that failed after some members were stored keeps its
	 * row (members point to it), marked failed with the reason. */
	if (it->sha[0]) {
		sqlite3_bind_text(wr->lookup, 1, it->sha, 64, SQLITE_STATIC);
		long long id = sqlite3_step(wr->lookup) == SQLITE_ROW ? sqlite3_column_int64(wr->lookup, 0) : 0;
		sqlite3_reset(wr->lookup);
		if (id) {
			sqlite3_bind_int64(wr->fail_doc, 1, id);
			sqlite3_bind_text(wr->fail_doc, 2, it->reason, -1, SQLITE_STATIC);
			return step_done(wr, wr->fail_doc, e);
		}
	}
	return 0;
}

static int tx_begin(struct writer *wr, struct err *e)
{
	if (wr->in_tx)
		return 0;
	if (case_exec(wr->c, "BEGIN IMMEDIATE", "writing to the case", e) < 0)
		return -1;
	wr->in_tx = 1;
	wr->pending = 0;
	wr->tx_start = now_seconds();
	wr->ntouched = 0;
	wr->first_new = LLONG_MAX;
	return 0;
}

static int tx_commit(struct writer *wr, struct err *e)
{
	if (!wr->in_tx)
		return 0;
	if (fts_flush(wr, e) < 0)
		return -1; /* still in the transaction: the caller rolls it back */
	wr->in_tx = 0;
	return case_exec(wr->c, "COMMIT", "writing to the case", e);
}

static int write_item(struct writer *wr, struct item *it, struct ingest_stats *st, struct err *e)
{
	if (tx_begin(wr, e) < 0)
		return -1;
	int rc;
	switch (it->kind) {
	case IT_DOC: rc = write_doc(wr, it, st, e); break;
	case IT_PATH: rc = write_known_path(wr, it, st, e); break;
	default: rc = write_fail(wr, it, st, e); break;
	}
	if (rc < 0)
		return -1;
	if (it->top) {
		st->done++;
		st->bytes_done += (uint64_t)(it->size > 0 ? it->size : 0);
	}
	/* Commit in batches: ~2000 items or a second, whichever first.  A
	 * kill loses at most that much work, which the next run redoes. */
	if (++wr->pending >= 2000 || now_seconds() - wr->tx_start > 1.0)
		return tx_commit(wr, e);
	return 0;
}

/* Drops walk entries whose path, size and mtime are already in the case. */
static int skip_unchanged(struct case_db *c, struct walk *wk, struct ingest_stats *st, struct err *e)
{
	sqlite3_stmt *q;
	if (case_prepare(c, "SELECT 1 FROM paths WHERE path=? AND size=? AND mtime=? AND container IS NULL",
			 &q, "reading the case", e) < 0)
		return -1;
	size_t keep = 0;
	for (size_t i = 0; i < wk->n; i++) {
		struct entry *en = &wk->ents[i];
		sqlite3_bind_text(q, 1, en->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, en->size);
		sqlite3_bind_int64(q, 3, en->mtime);
		int same = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_reset(q);
		if (same) {
			st->unchanged++;
			free(en->path);
			continue;
		}
		st->bytes += (uint64_t)en->size;
		wk->ents[keep++] = *en;
	}
	sqlite3_finalize(q);
	wk->n = keep;
	return 0;
}

static int open_worker(struct worker *w, struct ingest *g, struct err *e)
{
	memset(w, 0, sizeof *w);
	w->g = g;
	w->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!w->magic || magic_load(w->magic, NULL) < 0)
		return err_set(e, "cannot load the file-type database (libmagic): %s",
			       w->magic ? magic_error(w->magic) : "out of memory");
	if (sqlite3_open_v2(g->c->path, &w->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "SELECT 1 FROM documents WHERE sha256=? AND status IN ('ok','needs_ocr')",
			       -1, &w->known, NULL) != SQLITE_OK)
		return err_set(e, "%s: cannot open for reading: %s", g->c->path, sqlite3_errmsg(w->db));
	sqlite3_busy_timeout(w->db, 10000);
	return 0;
}

static void close_worker(struct worker *w)
{
	sqlite3_finalize(w->known);
	if (w->db)
		sqlite3_close_v2(w->db);
	if (w->magic)
		magic_close(w->magic);
}

int ingest_run(struct case_db *c, char *const *paths, int npaths, const struct ingest_opts *o,
	       struct ingest_stats *st, struct err *e)
{
	memset(st, 0, sizeof *st);
	stop_requested = 0;
	double t0 = now_seconds();
	extract_global_init();

	struct walk wk = {0};
	if (walk_paths(paths, npaths, &wk, e) < 0)
		return -1;
	st->files = (long)wk.n;
	/* The counts as of the last commit: after a fatal error (a full
	 * disk) the batch in flight is rolled back, and the summary must not
	 * count its documents as added. */
	struct ingest_stats saved = *st;
	struct writer wr;
	int rc = -1;
	struct ingest g = {0};
	struct worker *ws = NULL;
	pthread_t *tids = NULL;
	int nw = 0, started = 0;

	if (writer_open(&wr, c, e) < 0)
		goto out_writer;
	wr.ner_id = o->ner_id ? o->ner_id : "model";
	/* A bigger page cache for the writer, and fewer, larger FTS5 merges:
	 * index maintenance is most of the writer's time.  Foreign keys are
	 * off while the writer works: with them on, every upsert opens a
	 * statement savepoint, and FTS5 flushes its pending terms to disk at
	 * each savepoint, one tiny segment per document instead of one per
	 * batch (bench/BENCHMARKS.md).  The writer keeps the references
	 * itself: a row points only at rows it has just written or found. */
	if (case_exec(c, "PRAGMA cache_size=-65536; PRAGMA foreign_keys=OFF;"
			 "INSERT INTO fts(fts, rank) VALUES('automerge', 8);"
			 "INSERT INTO fts(fts, rank) VALUES('crisismerge', 64);", "preparing the case", e) < 0)
		goto out_writer;
	/* walk problems first: they are failures like any other */
	for (struct item *it = wk.fails, *next; it; it = next) {
		next = it->next;
		st->files++;
		int bad = write_item(&wr, it, st, e) < 0;
		item_free(it);
		wk.fails = next;
		if (bad)
			goto out_writer;
	}
	if (skip_unchanged(c, &wk, st, e) < 0)
		goto out_writer;
	st->done += st->unchanged;

	g.c = c;
	g.o = o;
	g.ents = wk.ents;
	g.nents = wk.n;
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.can_put, NULL);
	pthread_cond_init(&g.can_get, NULL);
	nw = o->jobs > 0 ? o->jobs : cpu_count();
	if (nw < 1)
		nw = 1;
	if ((size_t)nw > wk.n)
		nw = wk.n ? (int)wk.n : 1;
	/* Workers read the case through their own connections: commit the walk failures first. */
	if (tx_commit(&wr, e) < 0)
		goto out_writer;
	saved = *st;
	ws = xcalloc((size_t)nw, sizeof *ws);
	tids = xcalloc((size_t)nw, sizeof *tids);
	g.workers_left = nw;
	for (int i = 0; i < nw; i++)
		if (open_worker(&ws[i], &g, e) < 0)
			goto out_workers;
	for (started = 0; started < nw; started++)
		if (pthread_create(&tids[started], NULL, worker_main, &ws[started]) != 0) {
			err_set(e, "cannot start worker threads");
			goto out_workers;
		}

	double last = 0;
	for (;;) {
		int finished;
		struct item *it = get(&g, &finished);
		if (it) {
			int bad = write_item(&wr, it, st, e) < 0;
			item_free(it);
			if (bad)
				goto out_workers;
		} else if (finished) {
			break;
		} else if (wr.in_tx && now_seconds() - wr.tx_start > 1.0 && tx_commit(&wr, e) < 0) {
			goto out_workers;
		}
		if (!wr.in_tx)
			saved = *st;
		double t = now_seconds();
		if (o->progress && t - last > 0.25) {
			st->seconds = t - t0;
			o->progress(st, 0, o->user);
			last = t;
		}
	}
	if (tx_commit(&wr, e) < 0)
		goto out_workers;
	rc = 0;
out_workers:
	if (rc < 0) {
		/* fatal: stop the workers and drain what they queued */
		pthread_mutex_lock(&g.mu);
		g.fatal = 1;
		pthread_cond_broadcast(&g.can_put);
		pthread_mutex_unlock(&g.mu);
		if (wr.in_tx || !sqlite3_get_autocommit(c->db))
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	while (g.head) {
		struct item *it = g.head;
		g.head = it->next;
		item_free(it);
	}
	for (int i = 0; ws && i < nw; i++)
		close_worker(&ws[i]);
	free(ws);
	free(tids);
	if (nw) {
		pthread_mutex_destroy(&g.mu);
		pthread_cond_destroy(&g.can_put);
		pthread_cond_destroy(&g.can_get);
	}
out_writer:
	if (rc < 0)
		*st = saved;
	writer_close(&wr);
	/* the writer's page cache goes with it: resolve and the network build
	 * that follow keep theirs small (peak RSS of an ingest with names) */
	sqlite3_exec(c->db, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-2000", NULL, NULL, NULL);
	while (wk.fails) {
		struct item *it = wk.fails;
		wk.fails = it->next;
		item_free(it);
	}
	for (size_t i = 0; i < wk.n; i++)
		free(wk.ents[i].path);
	free(wk.ents);
	st->interrupted = stop_requested;
	st->seconds = now_seconds() - t0;
	if (o->progress)
		o->progress(st, 1, o->user);
	return rc;
}

/* ---- retag: run the tagger again over documents in the case ---- */

struct retag_doc {
	long long id;
	char *text;
	size_t len;
	struct ner_result r;
	int ok;
};

struct retag_batch {
	const struct ner_model *m;
	struct retag_doc *docs;
	size_t n;
	atomic_size_t next;
};

static void *retag_worker(void *arg)
{
	struct retag_batch *b = arg;
	size_t i;
	while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
		struct err e;
		b->docs[i].ok = ner_tag_text(b->m, b->docs[i].text, b->docs[i].len, &b->docs[i].r, &e) == 0;
	}
	return NULL;
}

int ingest_retag(struct case_db *c, const struct ner_model *m, const char *id, int all, int jobs,
		 long *ndocs, struct err *e)
{
	enum { BATCH = 128 };
	sqlite3_stmt *q;
	struct ner_store ns;
	*ndocs = 0;
	if (case_prepare(c, all ? "SELECT id, body FROM documents WHERE status='ok' AND id > ?1 ORDER BY id LIMIT ?3"
				: "SELECT id, body FROM documents WHERE status='ok' AND id > ?1 AND tagged IS NOT ?2"
				  " ORDER BY id LIMIT ?3",
			 &q, "reading the case", e) < 0)
		return -1;
	if (ner_store_open(&ns, c, e) < 0) {
		sqlite3_finalize(q);
		ner_store_close(&ns);
		return -1;
	}
	if (jobs < 1)
		jobs = cpu_count();
	if (jobs < 1 || jobs > 64)
		jobs = 1;
	struct retag_doc docs[BATCH];
	long long last = 0;
	int rc = 0;
	stop_requested = 0;
	while (rc == 0 && !stop_requested) {
		size_t n = 0;
		sqlite3_bind_int64(q, 1, last);
		sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 3, BATCH);
		while (n < BATCH && sqlite3_step(q) == SQLITE_ROW) {
			struct retag_doc *d = &docs[n++];
			memset(d, 0, sizeof *d);
			d->id = sqlite3_column_int64(q, 0);
			d->len = (size_t)sqlite3_column_bytes(q, 1);
			d->text = xstrndup(sqlite3_column_blob(q, 1) ? (const char *)sqlite3_column_blob(q, 1) : "", d->len);
			last = d->id;
		}
		sqlite3_reset(q);
		if (!n)
			break;
		struct retag_batch b = {m, docs, n, 0};
		pthread_t t[64];
		int started = 0;
		for (; started < jobs - 1; started++)
			if (pthread_create(&t[started], NULL, retag_worker, &b) != 0)
				break;
		retag_worker(&b);
		for (int k = 0; k < started; k++)
			pthread_join(t[k], NULL);
		if (case_exec(c, "BEGIN IMMEDIATE", "writing to the case", e) < 0)
			rc = -1;
		for (size_t k = 0; k < n; k++) {
			if (rc == 0 && docs[k].ok) {
				if (ner_store_doc(&ns, c, docs[k].id, docs[k].text, &docs[k].r, id, e) < 0)
					rc = -1;
				else
					(*ndocs)++;
			}
			ner_result_free(&docs[k].r);
			free(docs[k].text);
		}
		if (rc == 0 && case_exec(c, "COMMIT", "writing to the case", e) < 0)
			rc = -1;
		if (rc < 0)
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(q);
	ner_store_close(&ns);
	return rc;
}
