/*
 * case.c — opening, creating, migrating and locking a case file.
 *
 * Safety rules, in order: a file that is not a weft case is never modified
 * (we read its header and application_id before any PRAGMA that writes);
 * a case from a newer weft is refused; migrations run in one transaction,
 * so a crash mid-migration leaves the old schema intact.
 *
 * An encrypted case (crypt.h) is recognised from its first bytes too; its
 * key is asked for once per process and every connection then goes through
 * the encrypting VFS.
 */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypt.h"

/* migrations[v] takes a case from schema v to v+1; migrations[0] creates
 * the first schema.  Append, never edit a released entry. */
static const char *const migrations[] = {
	/* 0 -> 1: documents, paths, failures, full-text index */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE documents("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  parent INTEGER REFERENCES documents(id),"
	"  status TEXT NOT NULL DEFAULT 'pending'," /* pending | ok | needs_ocr */
	"  type TEXT, mime TEXT, size INTEGER,"
	"  title TEXT, date TEXT, date_suspect INTEGER NOT NULL DEFAULT 0,"
	"  author TEXT, sender TEXT, recipients TEXT, cc TEXT, subject TEXT,"
	"  message_id TEXT, in_reply_to TEXT,"
	"  meta TEXT, invalid_bytes INTEGER NOT NULL DEFAULT 0, pages TEXT,"
	"  body TEXT, added TEXT);"
	"CREATE INDEX documents_parent ON documents(parent);"
	"CREATE INDEX documents_date ON documents(date);"
	"CREATE INDEX documents_message_id ON documents(message_id);"
	"CREATE TABLE paths("
	"  path TEXT PRIMARY KEY,"
	"  doc INTEGER NOT NULL REFERENCES documents(id),"
	"  container INTEGER REFERENCES documents(id),"
	"  inner TEXT, size INTEGER, mtime INTEGER);"
	"CREATE INDEX paths_doc ON paths(doc);"
	"CREATE TABLE failures("
	"  path TEXT PRIMARY KEY, reason TEXT NOT NULL,"
	"  size INTEGER, mtime INTEGER, at TEXT);"
	"CREATE VIRTUAL TABLE fts USING fts5("
	"  title, sender, recipients, cc, subject, body,"
	"  content='documents', content_rowid='id',"
	"  tokenize='unicode61 remove_diacritics 2');",
	/* 1 -> 2: sentences and mentions found by the tagger */
	"ALTER TABLE documents ADD COLUMN tagged TEXT;" /* model that tagged it, NULL = not tagged */
	"CREATE TABLE sentences("
	"  doc INTEGER NOT NULL REFERENCES documents(id), n INTEGER NOT NULL,"
	"  start INTEGER NOT NULL, end INTEGER NOT NULL, PRIMARY KEY(doc, n)) WITHOUT ROWID;"
	"CREATE TABLE mentions("
	"  id INTEGER PRIMARY KEY, doc INTEGER NOT NULL REFERENCES documents(id),"
	"  sentence INTEGER, start INTEGER NOT NULL, end INTEGER NOT NULL,"
	"  type TEXT NOT NULL, text TEXT NOT NULL, value TEXT, entity INTEGER);"
	"CREATE INDEX mentions_doc ON mentions(doc, start);"
	"CREATE INDEX mentions_type_text ON mentions(type, text);",
	/* 2 -> 3: entities, the network and its evidence, manual decisions.
	 * entities, aliases, edges and evidence are derived (rebuilt by
	 * resolve and graph); decisions are the user's and are never
	 * rebuilt, only re-applied. */
	"CREATE TABLE entities("
	"  id INTEGER PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL,"
	"  mentions INTEGER NOT NULL DEFAULT 0, docs INTEGER NOT NULL DEFAULT 0,"
	"  pagerank REAL, community INTEGER);"
	"CREATE INDEX entities_key ON entities(type, key);"
	"CREATE INDEX entities_name ON entities(name);"
	"CREATE TABLE aliases("
	"  entity INTEGER NOT NULL REFERENCES entities(id), alias TEXT NOT NULL, count INTEGER NOT NULL,"
	"  PRIMARY KEY(entity, alias)) WITHOUT ROWID;"
	"CREATE INDEX aliases_alias ON aliases(alias);"
	"CREATE INDEX mentions_entity ON mentions(entity);"
	"CREATE TABLE edges("
	"  id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL, kind TEXT NOT NULL,"
	"  docs INTEGER NOT NULL, sentences INTEGER NOT NULL, weight REAL NOT NULL, score REAL NOT NULL,"
	"  UNIQUE(a, b, kind));" /* a < b, except for directed kinds such as 'head of' */
	"CREATE INDEX edges_b ON edges(b);"
	"CREATE TABLE evidence("
	"  edge INTEGER NOT NULL REFERENCES edges(id), doc INTEGER NOT NULL, sentence INTEGER NOT NULL,"
	"  start INTEGER NOT NULL, end INTEGER NOT NULL, rank INTEGER NOT NULL);"
	"CREATE INDEX evidence_edge ON evidence(edge, rank);"
	"CREATE TABLE decisions("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL," /* merge | split | rename | drop */
	"  a TEXT NOT NULL, b TEXT, type TEXT, at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);",
	/* 3 -> 4: betweenness beside pagerank (derived, set by graph_build;
	 * NULL until the network is next rebuilt). */
	"ALTER TABLE entities ADD COLUMN betweenness REAL;",
	/* 4 -> 5: names looked up whatever their case (weft links suleimani)
	 * through an index; a hub's strongest links read in score order; the
	 * network's adjacency as one derived blob for path searches (graph.c
	 * writes it with the edges). */
	"CREATE INDEX entities_name_nocase ON entities(name COLLATE NOCASE);"
	"CREATE INDEX aliases_alias_nocase ON aliases(alias COLLATE NOCASE);"
	"CREATE INDEX edges_a_score ON edges(a, score);"
	"CREATE INDEX edges_b_score ON edges(b, score);"
	"DROP INDEX edges_b;"
	"CREATE TABLE network(id INTEGER PRIMARY KEY, data BLOB NOT NULL);",
	/* 5 -> 6: the adjacency one row per entity instead of one blob, so a
	 * path search reads the entities it reaches, not the whole network
	 * (graph.c rewrites it with the edges; until then paths are found from
	 * the edges); evidence keyed by (edge, rank) itself, one b-tree instead
	 * of a table and its index (a network build writes ~1.2M rows on the
	 * corpus: 1.1 -> 0.7 s CPU, 18 MB less).  The key's columns come
	 * first: with them after others, SQLite 3.40's integrity_check reports
	 * false "NULL value" errors on a WITHOUT ROWID table. */
	"DROP TABLE network;"
	"CREATE TABLE adjacency(id INTEGER PRIMARY KEY, arcs BLOB NOT NULL);"
	"CREATE TABLE evidence_by_edge("
	"  edge INTEGER NOT NULL REFERENCES edges(id), rank INTEGER NOT NULL, doc INTEGER NOT NULL,"
	"  sentence INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
	"  PRIMARY KEY(edge, rank)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO evidence_by_edge(edge, rank, doc, sentence, start, end)"
	"  SELECT edge, rank, doc, sentence, start, end FROM evidence;"
	"DROP TABLE evidence;"
	"ALTER TABLE evidence_by_edge RENAME TO evidence;"
	/* a case with a network: stale until rebuilt, so that the next ingest
	 * writes its adjacency (paths and views read the edges until then) */
	"INSERT OR REPLACE INTO meta(key, value) SELECT 'network', 'stale' WHERE EXISTS (SELECT 1 FROM edges);",
	/* 6 -> 7: a link's evidence in its own row, a JSON array of
	 * [doc, sentence, start, end] best first, instead of a table of its
	 * own: a build writes ~1.2M fewer rows on the corpus.  The view
	 * evidence keeps the old table's columns (rank: the place in the
	 * array) for readers and for anyone querying the case with sqlite3. */
	"ALTER TABLE edges ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';"
	"UPDATE edges SET evidence = (SELECT json_group_array(json_array(doc, sentence, start, end))"
	"  FROM (SELECT doc, sentence, start, end FROM evidence v WHERE v.edge = edges.id ORDER BY rank))"
	"  WHERE id IN (SELECT edge FROM evidence);"
	"DROP TABLE evidence;"
	/* an entity's strongest links come from its adjacency row now (the
	 * score indexes cost a build 0.8 s and 25 MB on the corpus) */
	"DROP INDEX IF EXISTS edges_a_score;"
	"DROP INDEX IF EXISTS edges_b_score;"
	/* a community's members without reading every entity (weft
	 * communities --top 0 read them once per community: 16 s) */
	"CREATE INDEX entities_community ON entities(community);"
	"CREATE VIEW evidence(edge, rank, doc, sentence, start, end) AS"
	"  SELECT e.id, j.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),"
	"  json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]') FROM edges e, json_each(e.evidence) j;",
	/* 7 -> 8: the cues, which patterns of typed links the text matches
	 * between two mentions, kept by document so that a rebuild need not
	 * read the documents again (graph.c); hash: of the mentions they were
	 * found for */
	"CREATE TABLE cue_docs(doc INTEGER PRIMARY KEY REFERENCES documents(id), hash INTEGER NOT NULL);"
	"CREATE TABLE cues("
	"  doc INTEGER NOT NULL REFERENCES cue_docs(doc), xs INTEGER NOT NULL, xe INTEGER NOT NULL,"
	"  ys INTEGER NOT NULL, ye INTEGER NOT NULL, bits INTEGER NOT NULL,"
	"  PRIMARY KEY(doc, xs, xe, ys, ye)) WITHOUT ROWID;",
	/* 8 -> 9: how often the text writes the words of names in lower case
	 * and capitalised, for the documents of meta 'word_uses' (resolve.c) */
	"CREATE TABLE word_uses(word TEXT PRIMARY KEY, lower INTEGER NOT NULL, upper INTEGER NOT NULL) WITHOUT ROWID;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(NMIGRATIONS == CASE_SCHEMA_VERSION, "one migration per schema version");

/* 1 if the last error on c came from a full drive: SQLITE_FULL, or an I/O
 * error whose cause was ENOSPC (a -shm or WAL file that cannot grow). */
static int disk_full(struct case_db *c)
{
	int code = sqlite3_extended_errcode(c->db) & 0xff;
	return code == SQLITE_FULL || (code == SQLITE_IOERR && sqlite3_system_errno(c->db) == ENOSPC);
}

#define DISK_FULL_MSG "%s: disk full (%s): no space left on its drive; what was saved before is kept; free some space and run the command again"

/* The connection's last error; for an encrypted case, the VFS's own words
 * when it refused a page or a key ("page 4 does not authenticate ..."). */
static const char *why(struct case_db *c)
{
	int code = sqlite3_extended_errcode(c->db);
	/* only the VFS gives these two codes, so its message is the fresh one */
	if (c->encrypted && *crypt_errmsg() && (code == SQLITE_IOERR_AUTH || code == SQLITE_AUTH))
		return crypt_errmsg();
	return sqlite3_errmsg(c->db);
}

int case_fail(struct case_db *c, const char *what, struct err *e)
{
	if (disk_full(c))
		return err_set(e, DISK_FULL_MSG, c->path, what);
	return err_set(e, "%s: %s", what, why(c));
}

int case_meta_is(struct case_db *c, const char *key, const char *value, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	if (case_prepare(c, "SELECT 1 FROM meta WHERE key = ? AND value = ?", &st, what, e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : case_fail(c, what, e);
}

int case_meta_set(struct case_db *c, const char *key, const char *value, const char *what, struct err *e)
{
	sqlite3_stmt *st;
	if (case_prepare(c, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, what, e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : case_fail(c, what, e);
}

int case_exec(struct case_db *c, const char *sql, const char *what, struct err *e)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return case_fail(c, what, e);
	return 0;
}

int case_prepare(struct case_db *c, const char *sql, sqlite3_stmt **st, const char *what, struct err *e)
{
	if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
		return case_fail(c, what, e);
	return 0;
}

void case_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int case_int(struct case_db *c, const char *sql, int *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* 1 if path+suffix exists and is not empty (a WAL or journal that SQLite
 * would replay on opening). */
static int side_file(const char *path, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s%s", path, suffix);
	struct stat sb;
	int r = stat(b.p, &sb) == 0 && sb.st_size > 0;
	buf_free(&b);
	return r;
}

/* What the first page of a case file says, and how to open it. */
struct how {
	int is_new;                 /* missing or empty: a new case */
	int encrypted;              /* an encrypted case (page1 holds its first page) */
	const unsigned char *salt;  /* a new encrypted case: its salt (crypt_new_key) */
	unsigned char page1[CRYPT_PAGE_SIZE];
};

/* Reads the first page: an empty or missing file is a new case, an
 * encrypted case is recognised by its tag, an SQLite header is checked
 * further, anything else is refused. */
static int check_header(const char *path, struct how *h, struct err *e)
{
	memset(h, 0, sizeof *h);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		if (errno == ENOENT) {
			h->is_new = 1;
			return 0;
		}
		return err_set(e, "%s: %s", path, strerror(errno));
	}
	unsigned char *hdr = h->page1;
	ssize_t n = read(fd, hdr, sizeof h->page1);
	struct stat sb;
	int ok = fstat(fd, &sb) == 0;
	close(fd);
	if (ok && S_ISDIR(sb.st_mode))
		return err_set(e, "%s: is a folder, not a case file", path);
	if (n == 0) {
		h->is_new = 1;
		return 0;
	}
	if (n > 0 && crypt_is_encrypted(hdr, (size_t)n)) {
		if (n < CRYPT_PAGE_SIZE)
			return err_set(e, "%s: an encrypted weft case, but cut short (damaged; left untouched)", path);
		h->encrypted = 1;
		return 0;
	}
	if (n < 100 || memcmp(hdr, "SQLite format 3", 16))
		return err_set(e, "%s: not a weft case (left untouched)", path);
	/* Judge an SQLite file from its header bytes, before SQLite opens it:
	 * opening another program's database would roll back its hot journal
	 * or checkpoint its WAL, changing a file that is not ours. */
	uint32_t app = (uint32_t)hdr[68] << 24 | (uint32_t)hdr[69] << 16 | (uint32_t)hdr[70] << 8 | hdr[71];
	unsigned page = (unsigned)hdr[16] << 8 | hdr[17];
	if (page == 1)
		page = 65536;
	if (app != CASE_APP_ID && !(app == 0 && ok && sb.st_size <= (off_t)page && !side_file(path, "-wal") &&
				    !side_file(path, "-journal")))
		return err_set(e, "%s: an SQLite database but not a weft case (left untouched)", path);
	return 0;
}

static int migrate(struct case_db *c, int from, struct err *e)
{
	if (case_exec(c, "BEGIN IMMEDIATE", "upgrading case", e) < 0)
		return -1;
	/* Another weft may have upgraded it while we waited for the lock. */
	if (case_int(c, "PRAGMA user_version", &from) < 0) {
		case_fail(c, "upgrading case", e);
		goto fail;
	}
	if (from >= CASE_SCHEMA_VERSION)
		return case_exec(c, "COMMIT", "upgrading case", e);
	for (int v = from; v < CASE_SCHEMA_VERSION; v++)
		if (case_exec(c, migrations[v], "upgrading case", e) < 0)
			goto fail;
	char sql[160];
	snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", CASE_APP_ID,
		 CASE_SCHEMA_VERSION);
	if (case_exec(c, sql, "upgrading case", e) < 0)
		goto fail;
	if (from == 0 && case_exec(c, "INSERT INTO meta VALUES('created_by','weft " WEFT_VERSION "'),"
				   "('created_at', strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
				   "creating case", e) < 0)
		goto fail;
	if (case_exec(c, "COMMIT", "upgrading case", e) < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int open_case(const char *path, enum case_mode mode, const struct how *h, struct case_db **out,
		     struct err *e);

/* Creates a new case at path atomically: the schema is built in a
 * temporary file beside it, which is then linked into place, so a kill
 * during creation never leaves a half-made case (at worst a stray
 * ".creating" file).  salt: NULL for a plain case, else the salt of the
 * key (crypt_new_key) to encrypt it with.  If another weft created path
 * meanwhile, theirs wins, unless exclusive, which makes that an error. */
static int create_case(const char *path, const unsigned char *salt, int exclusive, struct err *e)
{
	struct buf tmp = BUF_INIT;
	buf_printf(&tmp, "%s.creating-%ld", path, (long)getpid());
	unlink(tmp.p);
	struct case_db *c;
	struct how h = {.is_new = 1, .salt = salt};
	int rc = open_case(tmp.p, CASE_WRITE, &h, &c, e);
	if (rc == 0) {
		case_close(c); /* the last connection: checkpoints and removes the WAL */
		if (link(tmp.p, path) < 0 && (exclusive || errno != EEXIST))
			rc = err_set(e, "%s: cannot create: %s", path, strerror(errno));
	}
	/* what SQLite may have left beside it when creation failed (a full disk) */
	size_t n = tmp.len;
	buf_adds(&tmp, "-wal");
	unlink(tmp.p);
	tmp.len = n;
	buf_adds(&tmp, "-shm");
	unlink(tmp.p);
	tmp.len = n;
	tmp.p[n] = 0;
	unlink(tmp.p);
	/* the error names the case, not the temporary file */
	if (rc < 0 && e && strstr(e->msg, tmp.p)) {
		struct buf m = BUF_INIT;
		for (const char *p = e->msg, *q; *p; p = q + n) {
			if (!(q = strstr(p, tmp.p))) {
				buf_adds(&m, p);
				break;
			}
			buf_printf(&m, "%.*s%s", (int)(q - p), p, path);
		}
		err_set(e, "%s", m.p);
		buf_free(&m);
	}
	buf_free(&tmp);
	return rc;
}

/* Makes sure this process has the key of the encrypted case at path (whose
 * first page is page1): asks for the passphrase once, checks it. */
static int unlock(const char *path, const unsigned char *page1, struct err *e)
{
	struct err ce = {{0}};
	if (crypt_setup(&ce) < 0)
		return err_set(e, "%s: %s", path, ce.msg);
	if (crypt_have_key(page1))
		return 0;
	struct buf prompt = BUF_INIT;
	buf_printf(&prompt, "Passphrase for %s: ", path);
	char *pass;
	size_t len;
	int rc = crypt_passphrase(prompt.p, 0, &pass, &len, &ce);
	buf_free(&prompt);
	if (rc == CRYPT_NO_TTY)
		return err_set(e, "%s: is encrypted: set WEFT_PASSPHRASE or run from a terminal", path);
	if (rc < 0)
		return err_set(e, "%s: %s", path, ce.msg);
	rc = crypt_unlock(page1, pass, len, &ce);
	crypt_free_passphrase(pass);
	if (rc < 0)
		return err_set(e, "%s: %s", path, ce.msg);
	crypt_no_core_dumps();
	return 0;
}

int case_open(const char *path, enum case_mode mode, struct case_db **out, struct err *e)
{
	/* Server threads open cases at once; one passphrase prompt at a time. */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	*out = NULL;
	struct how *h = xmalloc(sizeof *h); /* a page: too big for a small thread stack */
	pthread_mutex_lock(&lock);
	int rc = check_header(path, h, e);
	if (rc == 0 && h->is_new && mode == CASE_READ)
		rc = err_set(e, "%s: no such case (create one with 'weft ingest PATH')", path);
	if (rc == 0 && h->encrypted)
		rc = unlock(path, h->page1, e);
	pthread_mutex_unlock(&lock);
	struct how mine = {.is_new = h->is_new, .encrypted = h->encrypted};
	free(h);
	if (rc < 0)
		return -1;
	if (mine.is_new && access(path, F_OK) != 0) {
		if (create_case(path, NULL, 0, e) < 0)
			return -1;
		mine.is_new = 0;
	}
	return open_case(path, mode, &mine, out, e);
}

int case_init(const char *path, int encrypt, struct err *e)
{
	struct how *h = xmalloc(sizeof *h);
	int rc = check_header(path, h, e);
	free(h);
	if (rc < 0)
		return -1;
	if (access(path, F_OK) == 0)
		return err_set(e, "%s: already exists (left untouched)", path);
	if (!encrypt)
		return create_case(path, NULL, 1, e);
	struct err ce = {{0}};
	if (crypt_setup(&ce) < 0)
		return err_set(e, "%s: %s", path, ce.msg);
	struct buf prompt = BUF_INIT;
	buf_printf(&prompt, "New passphrase for %s (several words): ", path);
	char *pass;
	size_t len;
	rc = crypt_passphrase(prompt.p, 1, &pass, &len, &ce);
	buf_free(&prompt);
	if (rc == CRYPT_NO_TTY)
		return err_set(e, "%s: set WEFT_PASSPHRASE or run from a terminal to choose the passphrase", path);
	if (rc < 0)
		return err_set(e, "%s: %s", path, ce.msg);
	unsigned char salt[CRYPT_SALT_BYTES];
	if (len < CASE_MIN_PASSPHRASE)
		rc = err_set(e, "%s: the passphrase is too short: use several words (%d characters at least)", path,
			     CASE_MIN_PASSPHRASE);
	else if (crypt_new_key(pass, len, salt, &ce) < 0)
		rc = err_set(e, "%s: %s", path, ce.msg);
	crypt_free_passphrase(pass);
	if (rc < 0)
		return -1;
	crypt_no_core_dumps();
	return create_case(path, salt, 1, e);
}

/* "file:PATH?PARAM" with the characters a URI gives meaning escaped. */
static char *file_uri(const char *path, const char *param)
{
	struct buf u = BUF_INIT;
	buf_adds(&u, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&u, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&u, *p);
	}
	buf_printf(&u, "?%s", param);
	return buf_detach(&u);
}

static int open_case(const char *path, enum case_mode mode, const struct how *h, struct case_db **out,
		     struct err *e)
{
	int is_new = h->is_new;
	*out = NULL;

	/* SQLite's memory statistics take a global mutex on every allocation,
	 * which serialises ingest's worker threads; weft never reads them. */
	static int configured;
	if (!configured) {
		configured = 1;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	struct case_db *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->lock_fd = -1;
	c->encrypted = h->encrypted || h->salt;
	const char *vfs = c->encrypted ? CRYPT_VFS : NULL;
	int flags = mode == CASE_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	char *uri = NULL;
	if (h->salt) { /* a new encrypted case: the VFS finds its key by the salt */
		char hex[2 * CRYPT_SALT_BYTES + 1], param[sizeof hex + 16];
		for (int i = 0; i < CRYPT_SALT_BYTES; i++)
			snprintf(hex + 2 * i, 3, "%02x", h->salt[i]);
		snprintf(param, sizeof param, "%s=%s", CRYPT_URI_SALT, hex);
		uri = file_uri(path, param);
		flags |= SQLITE_OPEN_URI;
	}
	int orc = sqlite3_open_v2(uri ? uri : path, &c->db, flags | SQLITE_OPEN_NOMUTEX, vfs);
	free(uri);
	if (orc != SQLITE_OK) {
		err_set(e, "%s: cannot open: %s", path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
		case_close(c);
		return -1;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 10000);
	if (h->salt && crypt_format(c->db, e) < 0) {
		err_set(e, "%s: %s", path, e->msg);
		goto fail;
	}

	int app = 0, ver = 0;
	if (case_int(c, "PRAGMA application_id", &app) < 0 && mode == CASE_READ &&
	    (sqlite3_errcode(c->db) & 0xff) == SQLITE_CANTOPEN) {
		/* A case on read-only media (or in a folder we may not write):
		 * WAL needs a -shm file beside it, which cannot be made.  Read
		 * it as immutable instead. */
		sqlite3_close_v2(c->db);
		uri = file_uri(path, "immutable=1");
		orc = sqlite3_open_v2(uri, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, vfs);
		free(uri);
		if (orc != SQLITE_OK) {
			err_set(e, "%s: cannot open: %s", path, why(c));
			goto fail;
		}
	}
	if (case_int(c, "PRAGMA application_id", &app) < 0 || case_int(c, "PRAGMA user_version", &ver) < 0) {
		int code = sqlite3_errcode(c->db) & 0xff;
		if (mode == CASE_WRITE && (code == SQLITE_CANTOPEN || code == SQLITE_READONLY))
			err_set(e, "%s: cannot be written: the file or its folder is read-only (%s); left untouched",
				path, why(c));
		else if (disk_full(c))
			err_set(e, DISK_FULL_MSG, path, "opening it");
		else
			err_set(e, "%s: cannot read the case: %s (left untouched)", path, why(c));
		goto fail;
	}
	if (!is_new && app != CASE_APP_ID) {
		int tables = 0;
		case_int(c, "SELECT count(*) FROM sqlite_master", &tables);
		if (app != 0 || tables > 0 || ver != 0) {
			err_set(e, "%s: an SQLite database but not a weft case (left untouched)", path);
			goto fail;
		}
	}
	if (ver > CASE_SCHEMA_VERSION) {
		err_set(e, "%s: made by a newer weft (case schema %d, this weft knows up to %d); upgrade weft",
			path, ver, CASE_SCHEMA_VERSION);
		goto fail;
	}
	if (mode == CASE_READ) {
		if (ver == CASE_SCHEMA_VERSION) {
			*out = c;
			return 0;
		}
		/* An older case: upgrade it in place, then read. */
		case_close(c);
		if (case_open(path, CASE_WRITE, &c, e) < 0)
			return -1;
		*out = c;
		return 0;
	}
	/* From here on the file is ours to change.  A new case gets 16 KB
	 * pages (set before WAL, which fixes them): the network's rebuild
	 * writes ~120 MB of edges and adjacency for the corpus, and with
	 * 4 KB pages took ~15% more CPU, a third of it in the kernel
	 * (bench/BENCHMARKS.md, session 5).  An encrypted case keeps
	 * CRYPT_PAGE_SIZE (crypt.c). */
	if (is_new && !c->encrypted && case_exec(c, "PRAGMA page_size=16384", path, e) < 0)
		goto fail;
	if (case_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
		      path, e) < 0)
		goto fail;
	if (ver < CASE_SCHEMA_VERSION && migrate(c, ver, e) < 0)
		goto fail;
	/* FTS5's default 4050-byte leaves no longer fit a cell beside the
	 * reserved bytes and would all spill to overflow pages (+4.7% size). */
	if (h->salt && case_exec(c, "INSERT INTO fts(fts, rank) VALUES('pgsz', 4000)", path, e) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	case_close(c);
	return -1;
}

void case_close(struct case_db *c)
{
	if (!c)
		return;
	if (c->db)
		sqlite3_close_v2(c->db);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c->path);
	free(c);
}

int case_lock_writer(struct case_db *c, void (*waiting)(void *), void *user, struct err *e)
{
	if (c->lock_fd >= 0)
		return 0;
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "%s: %s", c->path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			close(fd);
			return err_set(e, "%s: cannot lock: %s", c->path, strerror(errno));
		}
		if (waiting)
			waiting(user);
		if (flock(fd, LOCK_EX) < 0) {
			close(fd);
			return err_set(e, "%s: cannot lock: %s", c->path, strerror(errno));
		}
	}
	c->lock_fd = fd;
	return 0;
}

/* Runs a one-column id query bound to text; returns up to 2 ids in found. */
static int ids_for(struct case_db *c, const char *sql, const char *arg, long long found[2], struct err *e)
{
	sqlite3_stmt *st;
	if (case_prepare(c, sql, &st, "finding document", e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	int n = 0;
	while (n < 2 && sqlite3_step(st) == SQLITE_ROW)
		found[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

long long case_find_doc(struct case_db *c, const char *ref, struct err *e)
{
	char *end;
	long long found[2] = {0, 0};
	strtoll(ref, &end, 10);
	if (*ref && !*end) {
		int n = ids_for(c, "SELECT id FROM documents WHERE id=CAST(?1 AS INTEGER) AND status!='pending'", ref, found, e);
		return n < 0 ? -1 : found[0];
	}
	int n = ids_for(c, "SELECT doc FROM paths WHERE path=?", ref, found, e);
	if (n != 0)
		return n < 0 ? -1 : found[0];
	/* a unique suffix: "09BAGHDAD11.html" finds ".../cable/2009/01/09BAGHDAD11.html" */
	struct buf esc = BUF_INIT;
	for (const char *p = ref; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&esc, '\\');
		buf_addc(&esc, *p);
	}
	n = ids_for(c, "SELECT DISTINCT doc FROM paths WHERE path LIKE '%/' || ? ESCAPE '\\' LIMIT 2",
		    esc.p ? esc.p : "", found, e);
	buf_free(&esc);
	if (n == 2)
		return err_set(e, "'%s' matches several documents; give more of the path or the id", ref);
	return n < 0 ? -1 : found[0];
}
