/*
 * test_resolve.c — resolve_all() on a case the test writes itself
 * (documents and mentions inserted directly): a surname alone joins the
 * full name of its document, an acronym its long form, spellings across
 * documents one entity with counted aliases, cable furniture is nobody;
 * a second run finds the same and writes nothing; a run over tables that
 * were tampered with (renamed, deleted, extra rows, mentions pointing
 * elsewhere) puts them back as the first run left them; a merge is kept
 * across runs with its counts, and undoing it gives the first state back;
 * mentions numbered out of document order resolve alike; a name in Arabic
 * script joins its person, once however many runs; a first resolve of
 * many mentions (written in bulk) leaves what a row-by-row one would;
 * the same documents numbered in another order give the same entities;
 * a name the case writes as an ordinary word meets others by its letters;
 * a name tagged MISC joins no person known by fewer words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "resolve.h"

struct fx {
	char dir[64];
	char path[96];
	struct case_db *c;
};

static void sql(struct case_db *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	char *msg = NULL;
	if (sqlite3_exec(c->db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	sqlite3_free(q);
}

static long long sql_int(struct case_db *c, const char *q)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, q, -1, &st, NULL), SQLITE_OK);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

/* Document id whose text is body (one sentence), with its mentions: each
 * "TYPE:text" in ms, found in body by its first occurrence. */
static void document(struct case_db *c, long long id, const char *body, const char *const *ms)
{
	sql(c, "INSERT INTO documents(id, sha256, status, type, title, body) VALUES(%lld, 'sha%lld', 'ok', 'text', 'd', %Q)",
	    id, id, body);
	sql(c, "INSERT INTO sentences(doc, n, start, end) VALUES(%lld, 0, 0, %d)", id, (int)strlen(body));
	sql(c, "INSERT INTO paths(path, doc) VALUES('/leak/d%lld.txt', %lld)", id, id);
	for (int i = 0; ms[i]; i++) {
		const char *text = strchr(ms[i], ':') + 1;
		char type[8];
		snprintf(type, sizeof type, "%.*s", (int)(text - 1 - ms[i]), ms[i]);
		const char *at = strstr(body, text);
		assert_non_null(at);
		long long start = at - body;
		sql(c, "INSERT INTO mentions(doc, sentence, start, end, type, text) VALUES(%lld, 0, %lld, %lld, %Q, %Q)", id,
		    start, start + (long long)strlen(text), type, text);
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/weft-resolve-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/case.weft", f->dir);
	struct err e = {{0}};
	if (case_open(f->path, CASE_WRITE, &f->c, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		free(f);
		return -1;
	}
	struct case_db *c = f->c;
	document(c, 1, "Qassem Soleimani met Hadi al-Amiri. Soleimani runs the Islamic Revolutionary Guard Corps (IRGC). SECRET",
		 (const char *const[]){"PER:Qassem Soleimani", "PER:Hadi al-Amiri", "PER:Soleimani",
				       "ORG:Islamic Revolutionary Guard Corps", "ORG:IRGC", "MISC:SECRET", NULL});
	document(c, 2, "Qasem Suleimani of the IRGC called Hadi al-Amiri twice; al-Amiri agreed.",
		 (const char *const[]){"PER:Qasem Suleimani", "ORG:IRGC", "PER:Hadi al-Amiri", "MISC:al-Amiri", NULL});
	document(c, 3, "Nouri al-Maliki and Haider al-Abadi met in Baghdad; Maliki left.",
		 (const char *const[]){"PER:Nouri al-Maliki", "PER:Haider al-Abadi", "LOC:Baghdad", "PER:Maliki", NULL});
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	case_close(f->c);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The rows of queries q[0, n), as text: columns joined by '|', each query
 * ended by "--".  Caller frees. */
static char *rows_text(struct case_db *c, const char *const *q, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(c->db, q[i], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int k = 0; k < sqlite3_column_count(st); k++)
				buf_printf(&b, "%s%s", k ? "|" : "", (const char *)sqlite3_column_text(st, k) ?: "NULL");
			buf_addc(&b, '\n');
		}
		sqlite3_finalize(st);
		buf_adds(&b, "--\n");
	}
	return buf_detach(&b);
}

/* Everything resolve_all writes, as text: entities, aliases, and which
 * entity each mention names.  Caller frees. */
static char *snapshot(struct case_db *c)
{
	static const char *const q[] = {
		"SELECT id, type, name, key, mentions, docs FROM entities ORDER BY id",
		"SELECT entity, alias, count FROM aliases ORDER BY entity, alias",
		"SELECT id, entity FROM mentions ORDER BY id",
	};
	return rows_text(c, q, sizeof q / sizeof *q);
}

static long long entity_of(struct case_db *c, const char *text)
{
	char *q = sqlite3_mprintf("SELECT entity FROM mentions WHERE text=%Q ORDER BY id LIMIT 1", text);
	long long v = sql_int(c, q);
	sqlite3_free(q);
	return v;
}

static void resolve(struct case_db *c)
{
	struct err e = {{0}};
	long n = 0;
	if (resolve_all(c, &n, &e) < 0)
		fail_msg("resolve_all: %s", e.msg);
	assert_true(n > 0);
}

static void test_entities(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	resolve(c);
	long long sol = entity_of(c, "Qassem Soleimani");
	assert_true(sol > 0);
	assert_int_equal(entity_of(c, "Soleimani"), sol);        /* within its document */
	assert_int_equal(entity_of(c, "Qasem Suleimani"), sol);  /* across documents */
	assert_int_equal(entity_of(c, "IRGC"), entity_of(c, "Islamic Revolutionary Guard Corps"));
	assert_int_equal(entity_of(c, "al-Amiri"), entity_of(c, "Hadi al-Amiri"));
	assert_int_equal(entity_of(c, "Maliki"), entity_of(c, "Nouri al-Maliki"));
	assert_true(entity_of(c, "Maliki") != entity_of(c, "Haider al-Abadi"));
	assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions WHERE text='SECRET' AND entity IS NOT NULL"), 0);
	char *q = sqlite3_mprintf("SELECT mentions*100+docs FROM entities WHERE id=%lld", sol);
	assert_int_equal(sql_int(c, q), 302);
	sqlite3_free(q);
	q = sqlite3_mprintf("SELECT count FROM aliases WHERE entity=%lld AND alias='Qasem Suleimani'", sol);
	assert_int_equal(sql_int(c, q), 1);
	sqlite3_free(q);
	assert_int_equal(sql_int(c, "SELECT count FROM aliases WHERE alias='Hadi al-Amiri'"), 2);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM entities WHERE name='Qassem Soleimani' AND type='PER'"), 1);
}

/* Resolves c again and checks that the run writes nothing and finds what
 * the last one found. */
static void assert_rerun_writes_nothing(struct case_db *c)
{
	char *first = snapshot(c);
	int before = sqlite3_total_changes(c->db);
	resolve(c);
	assert_int_equal(sqlite3_total_changes(c->db) - before, 0);
	char *second = snapshot(c);
	assert_string_equal(first, second);
	free(first);
	free(second);
}

static void test_second_run_writes_nothing(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	resolve(c);
	assert_rerun_writes_nothing(c);
}

static void test_repairs_tampered_tables(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	resolve(c);
	char *first = snapshot(c);
	sql(c, "PRAGMA foreign_keys=OFF;"
	       "UPDATE entities SET name='Someone Else', mentions=mentions+5 WHERE id=1;"
	       "DELETE FROM entities WHERE id=2; INSERT INTO entities(id, type, name, key) VALUES(999, 'PER', 'Ghost', 'KST');"
	       "UPDATE aliases SET count=count+3 WHERE entity=1; DELETE FROM aliases WHERE entity=3;"
	       "INSERT INTO aliases(entity, alias, count) VALUES(999, 'Ghost', 1), (1, 'Zz', 2);"
	       "UPDATE mentions SET entity=999 WHERE id%%2=0; UPDATE mentions SET entity=1 WHERE text='SECRET';"
	       "PRAGMA foreign_keys=ON;");
	resolve(c);
	char *again = snapshot(c);
	assert_string_equal(first, again);
	free(first);
	free(again);
}

static void test_merge_kept_and_undone(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	resolve(c);
	char *first = snapshot(c);
	long long amiri = entity_of(c, "Hadi al-Amiri"), abadi = entity_of(c, "Haider al-Abadi");
	struct err e = {{0}};
	long long d = resolve_decide(c, "merge", "Hadi al-Amiri", "Haider al-Abadi", &e);
	if (d < 0)
		fail_msg("merge: %s", e.msg);
	assert_int_equal(entity_of(c, "Haider al-Abadi"), entity_of(c, "Hadi al-Amiri"));
	char *q = sqlite3_mprintf("SELECT mentions*100+docs FROM entities WHERE id=%lld", entity_of(c, "Hadi al-Amiri"));
	assert_int_equal(sql_int(c, q), 403);   /* 3 + 1 mentions, in documents 1, 2 and 3 */
	sqlite3_free(q);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM aliases WHERE entity NOT IN (SELECT id FROM entities)"), 0);
	resolve(c);
	assert_int_equal(entity_of(c, "Haider al-Abadi"), entity_of(c, "Hadi al-Amiri"));
	assert_int_equal(resolve_undo(c, d, &e), 0);
	assert_true(amiri != abadi);
	char *undone = snapshot(c);
	assert_string_equal(first, undone);
	free(first);
	free(undone);
}

/* Mentions whose ids are not in (doc, start) order (resolve reads the table
 * in id order when they are): the same entities, aliases and mentions'
 * entities as in order. */
static void test_mentions_out_of_order(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	static const char *const texts[] = {"Qassem Soleimani", "Soleimani", "Qasem Suleimani", "IRGC", "al-Amiri",
					    "Maliki", "Haider al-Abadi", "Baghdad"};
	resolve(c);
	long long want[sizeof texts / sizeof *texts];
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		want[i] = entity_of(c, texts[i]);
	char *first = snapshot(c);
	*strstr(first, "--\n") = 0; /* entities only: the mentions get new ids */
	sql(c, "PRAGMA foreign_keys=OFF; UPDATE mentions SET entity=NULL; DELETE FROM aliases; DELETE FROM entities;"
	       "UPDATE mentions SET id=id+1000 WHERE doc=1 AND text='Soleimani'; PRAGMA foreign_keys=ON;");
	assert_int_equal(sql_int(c, "SELECT doc FROM mentions ORDER BY id DESC LIMIT 1"), 1); /* doc 1, then 2, 3, 1 */
	resolve(c);
	char *again = snapshot(c);
	*strstr(again, "--\n") = 0;
	assert_string_equal(first, again);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		assert_int_equal(entity_of(c, texts[i]), want[i]);
	free(first);
	free(again);
}

/* A name written in Arabic script in a document becomes a mention of the
 * person named in Latin letters, rebuilt (not repeated) by the next run. */
static void test_script_names(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	document(c, 4, "Meeting notes: \xd9\x82\xd8\xa7\xd8\xb3\xd9\x85 \xd8\xb3\xd9\x84\xd9\x8a\xd9\x85\xd8\xa7\xd9\x86\xd9\x8a"
			" came.", (const char *const[]){NULL}); /* قاسم سليماني */
	for (int run = 0; run < 2; run++) {
		resolve(c);
		assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions WHERE value='weft:script'"), 1);
		assert_int_equal(sql_int(c, "SELECT doc*1000+start FROM mentions WHERE value='weft:script'"), 4015);
		assert_int_equal(sql_int(c, "SELECT entity FROM mentions WHERE value='weft:script'"),
				 entity_of(c, "Qassem Soleimani"));
	}
}

/* A one-word name that the case's text writes as an ordinary word, often
 * ("union" in lower case), meets other names by its letters only: "The
 * Onion" is not the European Union, whose "Union" it sounds like, nor
 * "Born" Gordon Brown.  A
 * transliterated name never written in lower case keeps its variants
 * (Usama ~ Osama), and where the case never writes "union" in lower case
 * Onion still meets the Union by sound. */
static void test_ordinary_words(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	document(c, 4, "The European Union met. The Union said no.",
		 (const char *const[]){"ORG:European Union", "ORG:Union", NULL});
	document(c, 5, "Gordon Brown spoke; Brown left. Usama bin Laden was named.",
		 (const char *const[]){"PER:Gordon Brown", "PER:Brown", "PER:Usama bin Laden", NULL});
	document(c, 6, "A satire in Onion ran. Born spoke. Osama bin Laden again.",
		 (const char *const[]){"ORG:Onion", "PER:Born", "PER:Osama bin Laden", NULL});
	resolve(c);
	long long eu = entity_of(c, "European Union");
	assert_int_equal(entity_of(c, "Union"), eu);
	assert_int_equal(entity_of(c, "Onion"), eu); /* no text says "union" in lower case yet */
	assert_int_equal(entity_of(c, "Osama bin Laden"), entity_of(c, "Usama bin Laden"));
	document(c, 7,
		 "The union and the trade union talked; a union man, union dues, union rules. He was born here, born "
		 "poor, born late. Nobody wrote usama or osama in small letters.",
		 (const char *const[]){NULL});
	resolve(c);
	eu = entity_of(c, "European Union");
	assert_int_equal(entity_of(c, "Union"), eu);
	assert_true(entity_of(c, "Onion") != eu);
	assert_true(entity_of(c, "Born") != entity_of(c, "Gordon Brown"));
	assert_int_equal(entity_of(c, "Brown"), entity_of(c, "Gordon Brown"));
	assert_int_equal(entity_of(c, "Osama bin Laden"), entity_of(c, "Usama bin Laden"));
	assert_rerun_writes_nothing(c);
}

/* The counts of the text's words are kept in the case for its documents:
 * the next resolve reads them, not the text, until documents are added. */
static void test_word_counts_kept(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	document(c, 4, "The European Union met. The Union said no.",
		 (const char *const[]){"ORG:European Union", "ORG:Union", NULL});
	document(c, 6, "A satire in Onion ran.", (const char *const[]){"ORG:Onion", NULL});
	document(c, 7, "The union and the trade union talked; a union man, union dues.", (const char *const[]){NULL});
	resolve(c);
	assert_true(entity_of(c, "Onion") != entity_of(c, "European Union"));
	assert_true(sql_int(c, "SELECT lower FROM word_uses WHERE word = 'union'") >= 4);
	/* kept counts are what the next resolve goes by */
	sql(c, "UPDATE word_uses SET lower = 0 WHERE word = 'union'");
	resolve(c);
	assert_int_equal(entity_of(c, "Onion"), entity_of(c, "European Union"));
	/* a new document: the text is read again */
	document(c, 8, "Nothing new.", (const char *const[]){NULL});
	resolve(c);
	assert_true(entity_of(c, "Onion") != entity_of(c, "European Union"));
	assert_true(sql_int(c, "SELECT lower FROM word_uses WHERE word = 'union'") >= 4);
}

/* A name tagged MISC joins a person it matches (al-Amiri, in setup), but
 * not one known by fewer words: holidays are not Mr Day's. */
static void test_misc_longer_than_person(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	document(c, 4, "Day said the holidays were fine.", (const char *const[]){"PER:Day", NULL});
	document(c, 5, "Independence Day and Memorial Day passed; Day stayed home.",
		 (const char *const[]){"MISC:Independence Day", "MISC:Memorial Day", "PER:Day", NULL});
	resolve(c);
	long long day = entity_of(c, "Day");
	assert_true(day > 0);
	assert_true(entity_of(c, "Independence Day") != day);
	assert_true(entity_of(c, "Memorial Day") != day);
	assert_true(entity_of(c, "Memorial Day") != entity_of(c, "Independence Day"));
	assert_int_equal(entity_of(c, "al-Amiri"), entity_of(c, "Hadi al-Amiri"));
}

/* The indexes of the case, as text: name and SQL.  Caller frees. */
static char *indexes(struct case_db *c)
{
	struct buf b = BUF_INIT;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT name, sql FROM sqlite_master WHERE type='index' ORDER BY name",
					    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		buf_printf(&b, "%s %s\n", (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1) ?: "");
	sqlite3_finalize(st);
	return buf_detach(&b);
}

/* A first resolve of many mentions (past the quarter of a table from which
 * resolve drops the indexes it writes through and points the mentions at
 * their entities in one statement) leaves what the row-by-row path would:
 * every mention at its cluster's entity (a second run, which writes each
 * mention whose entity differs, writes nothing), the one left without a
 * name at none, the counts right and the same indexes, rebuilt. */
static void test_first_resolve_in_bulk(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	sql(c, "BEGIN");
	for (long long d = 10; d < 610; d++)
		document(c, d, d % 2 ? "Qassem Soleimani met Hadi al-Amiri in Baghdad." : "Maliki -- left Baghdad for Tehran.",
			 d % 2 ? (const char *const[]){"PER:Qassem Soleimani", "PER:Hadi al-Amiri", "LOC:Baghdad", NULL}
			       : (const char *const[]){"PER:Maliki", "PER:--", "LOC:Baghdad", "LOC:Tehran", NULL});
	sql(c, "COMMIT");
	sql(c, "UPDATE mentions SET entity=1 WHERE text='--'"); /* nothing of a name: loses it */
	char *before = indexes(c);
	resolve(c);
	char *after = indexes(c);
	assert_string_equal(before, after);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions WHERE text='--' AND entity IS NOT NULL"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions WHERE text!='--' AND text!='SECRET' AND entity IS NULL"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM entities e WHERE mentions != (SELECT count(*) FROM mentions"
				    " WHERE entity=e.id)"), 0);
	assert_int_equal(sql_int(c, "SELECT count(DISTINCT entity) FROM mentions WHERE text='Baghdad'"), 1);
	assert_int_equal(entity_of(c, "Soleimani"), entity_of(c, "Qassem Soleimani"));
	assert_int_equal(sql_int(c, "SELECT count FROM aliases WHERE alias='Baghdad'"), 601);
	assert_rerun_writes_nothing(c);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	free(before);
	free(after);
}

/* The documents of test_numbering_does_not_matter: ties that fell to the
 * order documents were numbered in (two spellings of a name as often, an
 * acronym defined two ways). */
static const struct {
	const char *body;
	const char *const *ms;
} numbered_docs[] = {
	{"Fran Townsend spoke.", (const char *const[]){"PER:Fran Townsend", NULL}},
	{"FRAN TOWNSEND SPOKE.", (const char *const[]){"PER:FRAN TOWNSEND", NULL}},
	{"The National Security Council (NSC) met.", (const char *const[]){"ORG:National Security Council", "ORG:NSC", NULL}},
	{"The Nuclear Suppliers Committee (NSC) met.",
	 (const char *const[]){"ORG:Nuclear Suppliers Committee", "ORG:NSC", NULL}},
	{"Nuclear Suppliers Committee members (NSC) left.",
	 (const char *const[]){"ORG:Nuclear Suppliers Committee", "ORG:NSC", NULL}},
	{"The NSC said no.", (const char *const[]){"ORG:NSC", NULL}},
	{"Hadi al-Amiri met Qassem Soleimani.", (const char *const[]){"PER:Hadi al-Amiri", "PER:Qassem Soleimani", NULL}},
	{"Amiri left.", (const char *const[]){"PER:Amiri", NULL}},
};

/* What resolve_all found, by content only: entities (their ids too: they
 * are numbered by content), aliases, and each mention's entity by its
 * document's text and offset.  Caller frees. */
static char *content_snapshot(struct case_db *c)
{
	static const char *const q[] = {
		"SELECT id, type, name, key, mentions, docs FROM entities ORDER BY id",
		"SELECT e.type, e.name, a.alias, a.count FROM aliases a JOIN entities e ON e.id = a.entity ORDER BY 1, 2, 3",
		"SELECT d.body, m.start, m.text, e.name FROM mentions m JOIN documents d ON d.id = m.doc"
		" LEFT JOIN entities e ON e.id = m.entity ORDER BY 1, 2, 3",
	};
	return rows_text(c, q, sizeof q / sizeof *q);
}

/* numbered_docs in a case of its own (path), the i-th numbered id(i) and
 * written in that order, resolved; returns content_snapshot. */
static char *resolve_numbered(const char *path, long long (*id)(size_t i, size_t n))
{
	struct case_db *c;
	struct err e = {{0}};
	if (case_open(path, CASE_WRITE, &c, &e) < 0)
		fail_msg("case_open: %s", e.msg);
	size_t n = sizeof numbered_docs / sizeof *numbered_docs;
	for (size_t k = 0; k < n; k++) { /* written in id order, as ingest would */
		size_t i = 0;
		while (id(i, n) != (long long)k + 1)
			i++;
		document(c, id(i, n), numbered_docs[i].body, numbered_docs[i].ms);
	}
	resolve(c);
	char *snap = content_snapshot(c);
	case_close(c);
	return snap;
}

static long long id_forward(size_t i, size_t n)
{
	(void)n;
	return (long long)i + 1;
}

static long long id_backward(size_t i, size_t n)
{
	return (long long)(n - i);
}

static long long id_shuffled(size_t i, size_t n)
{
	return (long long)((i * 5 + 3) % n) + 1; /* 5 and 8 are coprime */
}

/* The same documents numbered forwards, backwards or shuffled (ingest
 * numbers them in the order its workers finish) give the same entities,
 * ids and all, the same aliases and the same entity for every mention;
 * and the ties go by content: a name written in capitals throughout loses
 * to the same name written normally, and an acronym alone takes the long
 * form most documents define it as. */
static void test_numbering_does_not_matter(void **state)
{
	const char *dir = ((struct fx *)*state)->dir;
	char path[3][128];
	long long (*const ids[3])(size_t, size_t) = {id_forward, id_backward, id_shuffled};
	char *snap[3];
	for (int k = 0; k < 3; k++) {
		snprintf(path[k], sizeof path[k], "%s/numbered%d.weft", dir, k);
		snap[k] = resolve_numbered(path[k], ids[k]);
	}
	assert_string_equal(snap[0], snap[1]);
	assert_string_equal(snap[0], snap[2]);
	assert_non_null(strstr(snap[0], "|PER|Fran Townsend|"));
	assert_null(strstr(snap[0], "|PER|FRAN TOWNSEND|"));
	assert_non_null(strstr(snap[0], "The NSC said no.|4|NSC|Nuclear Suppliers Committee\n"));
	for (int k = 0; k < 3; k++)
		free(snap[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_run_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repairs_tampered_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_kept_and_undone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mentions_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_resolve_in_bulk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbering_does_not_matter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ordinary_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misc_longer_than_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_word_counts_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
