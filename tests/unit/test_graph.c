/*
 * test_graph.c — graph_build(), graph_links(), graph_path() and the
 * exporters on cases the test writes itself (documents, sentences,
 * mentions and entities inserted directly, entity ids chosen): sentence
 * versus document co-occurrence, typed links ("head of", "met", "replaced",
 * "ambassador to", "minister of") in plain and ALL-CAPS text and the
 * phrasings that must not match, evidence offsets that point at the right
 * sentence, a ubiquitous entity scoring lower, PageRank and communities,
 * paths with evidence and no path across components, a 2,000-mention
 * document that must not explode into pairs, rebuilds that give the same
 * network, and GEXF/GraphML/CSV output that parses with hostile names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <igraph.h>
#include <libxml/parser.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "export.h"
#include "graph.h"
#include "resolve.h"

/* ---- building a case by hand ---- */

struct fx {
	char dir[64];
	char path[96];
	struct case_db *c;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/weft-graph-XXXXXX");
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

static void sql(struct case_db *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	char *msg = NULL;
	if (sqlite3_exec(c->db, q, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", q, msg);
		fail();
	}
	sqlite3_free(q);
}

/* The query's statement, stepped once (to its first row, if any). */
static sqlite3_stmt *query(struct case_db *c, const char *fmt, va_list ap)
{
	char *q = sqlite3_vmprintf(fmt, ap);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, q, -1, &st, NULL), SQLITE_OK);
	sqlite3_free(q);
	sqlite3_step(st);
	return st;
}

/* The first column of the query's first row (-1 without a row). */
static long long sql_int(struct case_db *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *st = query(c, fmt, ap);
	va_end(ap);
	long long v = sqlite3_stmt_busy(st) ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static double sql_real(struct case_db *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *st = query(c, fmt, ap);
	va_end(ap);
	double v = sqlite3_stmt_busy(st) ? sqlite3_column_double(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

/* The same as a string to free ("" without a row or for NULL). */
static char *sql_text(struct case_db *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlite3_stmt *st = query(c, fmt, ap);
	va_end(ap);
	const unsigned char *t = sqlite3_stmt_busy(st) ? sqlite3_column_text(st, 0) : NULL;
	char *v = strdup(t ? (const char *)t : "");
	sqlite3_finalize(st);
	return v;
}

static void entity(struct case_db *c, long long id, const char *type, const char *name)
{
	sql(c, "INSERT INTO entities(id, type, name, key, mentions, docs) VALUES(%lld, %Q, %Q, lower(%Q), 0, 0)", id,
	    type, name, name);
}

/* Adds document id whose text is the sentences, joined by one space; every
 * sentence gets its row. */
static void document(struct case_db *c, long long id, const char *const *sent, int n)
{
	char body[65536] = "";
	size_t len = 0;
	sql(c, "INSERT INTO documents(id, sha256, status, type, title) VALUES(%lld, 'sha%lld', 'ok', 'text', 'doc %lld')", id,
	    id, id);
	for (int i = 0; i < n; i++) {
		if (i)
			body[len++] = ' ';
		size_t start = len, k = strlen(sent[i]);
		assert_true(len + k + 2 < sizeof body);
		memcpy(body + len, sent[i], k);
		len += k;
		body[len] = 0;
		sql(c, "INSERT INTO sentences(doc, n, start, end) VALUES(%lld, %d, %lld, %lld)", id, i, (long long)start,
		    (long long)len);
	}
	sql(c, "UPDATE documents SET body = %Q WHERE id = %lld", body, id);
	sql(c, "INSERT INTO paths(path, doc) VALUES('/leak/doc%lld.txt', %lld)", id, id);
}

/* Marks every occurrence of surface in document doc as a mention of entity. */
static void mentions(struct case_db *c, long long doc, const char *surface, long long ent)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT body FROM documents WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, doc);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *body = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	int found = 0;
	for (char *p = strstr(body, surface); p; p = strstr(p + 1, surface)) {
		long long start = p - body, end = start + (long long)strlen(surface);
		long long sent = sql_int(c, "SELECT n FROM sentences WHERE doc = %lld AND start <= %lld AND end >= %lld", doc,
					 start, end);
		sql(c,
		    "INSERT INTO mentions(doc, sentence, start, end, type, text, entity)"
		    " SELECT %lld, %lld, %lld, %lld, type, %Q, id FROM entities WHERE id = %lld",
		    doc, sent, start, end, surface, ent);
		found++;
	}
	free(body);
	assert_true(found > 0);
}

static void build(struct case_db *c)
{
	struct err e = {{0}};
	if (graph_build(c, &e) < 0)
		fail_msg("graph_build: %s", e.msg);
}

static long long edge_id(struct case_db *c, long long a, long long b, const char *kind)
{
	return sql_int(c, "SELECT id FROM edges WHERE a = %lld AND b = %lld AND kind = %Q", a, b, kind);
}

/* ---- the tests ---- */

static void test_sentence_and_document_links(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Hadi al-Amiri");
	entity(c, 2, "PER", "Nouri al-Maliki");
	entity(c, 3, "ORG", "Badr Organization");
	entity(c, 4, "DATE", "2014");
	entity(c, 5, "ORG", "Reuters");
	const char *d1[] = {"Hadi al-Amiri spoke with Nouri al-Maliki in 2014.", "The weather was hot.",
			    "Reporters asked about the Badr Organization.", "Reuters said so.",
			    "Hadi al-Amiri left.", "The Badr Organization stayed.", "Nouri al-Maliki stayed."};
	document(c, 1, d1, 7);
	mentions(c, 1, "Hadi al-Amiri", 1);
	mentions(c, 1, "Nouri al-Maliki", 2);
	mentions(c, 1, "Badr Organization", 3);
	mentions(c, 1, "2014", 4);
	mentions(c, 1, "Reuters", 5);
	/* a mention the resolver left alone: ignored */
	sql(c, "INSERT INTO mentions(doc, sentence, start, end, type, text) VALUES(1, 1, 4, 11, 'PER', 'weather')");
	build(c);

	long long s = edge_id(c, 1, 2, "co-occurs");
	assert_true(s > 0);
	assert_int_equal(sql_int(c, "SELECT docs FROM edges WHERE id = %lld", s), 1);
	assert_int_equal(sql_int(c, "SELECT sentences FROM edges WHERE id = %lld", s), 1);
	long long d = edge_id(c, 1, 3, "same document");
	assert_true(d > 0);
	assert_true(edge_id(c, 2, 3, "same document") > 0);
	/* named once, in a sentence of its own: not linked */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges WHERE a = 5 OR b = 5"), 0);
	/* strong beats weak */
	assert_true(sql_real(c, "SELECT weight FROM edges WHERE id = %lld", s) >
		    sql_real(c, "SELECT weight FROM edges WHERE id = %lld", d));
	/* dates are not linked */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges WHERE a = 4 OR b = 4"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges"), 3);

	/* evidence of the sentence link: sentence 0, its exact bytes */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM evidence WHERE edge = %lld", s), 1);
	assert_int_equal(sql_int(c, "SELECT sentence FROM evidence WHERE edge = %lld", s), 0);
	assert_int_equal(sql_int(c,
				 "SELECT substr(d.body, v.start + 1, v.end - v.start) = %Q FROM evidence v"
				 " JOIN documents d ON d.id = v.doc WHERE v.edge = %lld",
				 d1[0], s),
			 1);
	/* evidence of the document link: the closest sentences naming each */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM evidence WHERE edge = %lld", d), 2);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT group_concat(sentence, ',') FROM (SELECT sentence FROM evidence"
						   " WHERE edge = ? ORDER BY rank)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, d);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "4,5"); /* the closest two */
	sqlite3_finalize(st);

	/* PageRank for every linkable entity, a community for the linked ones */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM entities WHERE pagerank IS NULL AND type != 'DATE'"), 0);
	assert_int_equal(sql_int(c, "SELECT group_concat(id) FROM entities WHERE community IS NULL AND type != 'DATE'"), 5);
	/* Badr is linked by document only: it joins its neighbours' community */
	assert_int_equal(sql_int(c, "SELECT community FROM entities WHERE id = 3"),
			 sql_int(c, "SELECT community FROM entities WHERE id = 1"));
	assert_int_equal(sql_int(c, "SELECT count(*) FROM entities WHERE pagerank IS NOT NULL AND type = 'DATE'"), 0);

	/* a rebuild gives the same network */
	long long n = sql_int(c, "SELECT count(*) FROM edges"), ev = sql_int(c, "SELECT count(*) FROM evidence");
	build(c);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges"), n);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM evidence"), ev);
	/* the pairs it found are kept to size the next build's map of them;
	 * one sized from a count far too small grows and finds them all */
	long long pairs = sql_int(c, "SELECT count(*) FROM (SELECT DISTINCT a, b FROM edges)");
	assert_true(pairs > 1);
	assert_true(sql_int(c, "SELECT value FROM meta WHERE key = 'pairs'") >= pairs);
	sql(c, "UPDATE meta SET value = '1' WHERE key = 'pairs'");
	build(c);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges"), n);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM evidence"), ev);
	assert_true(sql_int(c, "SELECT value FROM meta WHERE key = 'pairs'") >= pairs);
	assert_int_equal(sql_int(c, "PRAGMA foreign_keys"), 1); /* put back after the build */
	/* inside the caller's transaction (a savepoint, foreign keys on) */
	sql(c, "BEGIN");
	build(c);
	sql(c, "COMMIT");
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges"), n);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM evidence"), ev);
	assert_int_equal(sql_int(c, "PRAGMA foreign_key_check"), -1); /* no rows: nothing dangling */
}

static void test_typed_links(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Qassem Soleimani");
	entity(c, 2, "ORG", "Quds Force");
	entity(c, 3, "PER", "Abu Mahdi al-Muhandis");
	entity(c, 4, "ORG", "Kataib Hezbollah");
	entity(c, 5, "PER", "Adil Abdul-Mahdi");
	entity(c, 6, "PER", "Haider al-Abadi");
	entity(c, 7, "PER", "Iraj Masjedi");
	entity(c, 8, "LOC", "Iraq");
	entity(c, 9, "LOC", "Iran");
	entity(c, 10, "PER", "Ibrahim al-Jaafari");
	entity(c, 11, "PER", "Jalal Talabani");
	entity(c, 12, "ORG", "Badr Organization");
	entity(c, 13, "PER", "Hadi al-Amiri");
	entity(c, 14, "PER", "Abu Fadak");
	entity(c, 15, "PER", "Falih al-Fayyadh");
	entity(c, 16, "ORG", "Popular Mobilization Forces");
	entity(c, 17, "ORG", "Enron");
	entity(c, 18, "PER", "Kenneth Lay");
	entity(c, 19, "ORG", "BIOGRAPHIC PARAGRAPHS");
	entity(c, 20, "PER", "CARLOS MINC");
	const char *d1[] = {
		"Qassem Soleimani, the commander of the Quds Force, arrived in Baghdad.",
		"ABU MAHDI AL-MUHANDIS MET WITH QASSEM SOLEIMANI AT THE AIRPORT.",
		"Kataib Hezbollah leader Abu Mahdi al-Muhandis was there too.",
		"Adil Abdul-Mahdi replaced Haider al-Abadi in October 2018.",
		"Iraj Masjedi, Iran's ambassador to Iraq, was not consulted.",
		"Ibrahim al-Jaafari, the foreign minister of Iraq, said nothing.",
		"Abu Fadak, the Kataib Hezbollah chief, stayed away.",
		"Falih al-Fayyadh \xe2\x80\x93 director of the Popular Mobilization Forces \xe2\x80\x93 agreed.",
		/* phrasings that must not give typed links */
		"Jalal Talabani never met Hadi al-Amiri.",
		"Hadi al-Amiri, deputy head of the Badr Organization, declined.",
		"Jalal Talabani and Hadi al-Amiri met with Ibrahim al-Jaafari.",
		"Enron chairman and chief executive officer Kenneth Lay said so.",
		"THANKS FOR BIOGRAPHIC PARAGRAPHS ON ENVIRONMENT MINISTER CARLOS MINC.",
	};
	document(c, 1, d1, 13);
	mentions(c, 1, "Qassem Soleimani", 1);
	mentions(c, 1, "QASSEM SOLEIMANI", 1);
	mentions(c, 1, "Quds Force", 2);
	mentions(c, 1, "Abu Mahdi al-Muhandis", 3);
	mentions(c, 1, "ABU MAHDI AL-MUHANDIS", 3);
	mentions(c, 1, "Kataib Hezbollah", 4);
	mentions(c, 1, "Adil Abdul-Mahdi", 5);
	mentions(c, 1, "Haider al-Abadi", 6);
	mentions(c, 1, "Iraj Masjedi", 7);
	mentions(c, 1, "Iraq", 8);
	mentions(c, 1, "Iran", 9);
	mentions(c, 1, "Ibrahim al-Jaafari", 10);
	mentions(c, 1, "Jalal Talabani", 11);
	mentions(c, 1, "Badr Organization", 12);
	mentions(c, 1, "Hadi al-Amiri", 13);
	mentions(c, 1, "Abu Fadak", 14);
	mentions(c, 1, "Falih al-Fayyadh", 15);
	mentions(c, 1, "Popular Mobilization Forces", 16);
	mentions(c, 1, "Enron", 17);
	mentions(c, 1, "Kenneth Lay", 18);
	mentions(c, 1, "BIOGRAPHIC PARAGRAPHS", 19);
	mentions(c, 1, "CARLOS MINC", 20);
	build(c);

	long long head = edge_id(c, 1, 2, "head of");
	assert_true(head > 0);
	assert_int_equal(sql_int(c, "SELECT sentence FROM evidence WHERE edge = %lld AND rank = 0", head), 0);
	assert_true(edge_id(c, 3, 4, "head of") > 0);       /* "Kataib Hezbollah leader X": X heads it */
	assert_true(edge_id(c, 1, 3, "met") > 0);           /* ALL CAPS; undirected, a < b */
	assert_int_equal(sql_int(c, "SELECT sentence FROM evidence WHERE edge = %lld", edge_id(c, 1, 3, "met")), 1);
	assert_true(edge_id(c, 5, 6, "replaced") > 0);
	assert_int_equal(edge_id(c, 6, 5, "replaced"), -1); /* directed */
	assert_true(edge_id(c, 7, 8, "ambassador to") > 0);
	assert_true(edge_id(c, 7, 9, "ambassador of") > 0);
	assert_int_equal(edge_id(c, 7, 9, "ambassador to"), -1);
	assert_true(edge_id(c, 10, 8, "minister of") > 0);
	assert_true(edge_id(c, 14, 4, "head of") > 0);      /* X, the Y chief */
	assert_true(edge_id(c, 15, 16, "head of") > 0);     /* X – director of Y */
	assert_true(edge_id(c, 18, 17, "head of") > 0);     /* Y chairman and chief executive officer X */
	assert_true(edge_id(c, 10, 13, "met") > 0);         /* Y met with X */
	assert_int_equal(edge_id(c, 11, 13, "met"), -1);    /* X and Y met with Z: not each other */
	assert_int_equal(edge_id(c, 20, 19, "minister of"), -1); /* "PARAGRAPHS ON ... MINISTER X" */
	/* negated, deputy: co-occurrence only */
	assert_int_equal(edge_id(c, 11, 13, "met"), -1);
	assert_true(edge_id(c, 11, 13, "co-occurs") > 0);
	assert_int_equal(edge_id(c, 13, 12, "head of"), -1);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges WHERE kind NOT IN ('co-occurs', 'same document')"), 11);

	/* the co-occurrence of a typed pair shows the typed sentence first */
	long long co = edge_id(c, 1, 3, "co-occurs");
	assert_true(co > 0);
	assert_int_equal(sql_int(c, "SELECT sentence FROM evidence WHERE edge = %lld AND rank = 0", co), 1);

	/* links of Soleimani: typed first, with evidence text and marks */
	struct graph_link *v;
	int n;
	struct err e = {{0}};
	assert_int_equal(graph_links(c, 1, NULL, 0, 0, 3, &v, &n, &e), 0);
	assert_true(n >= 3);
	/* one link per pair, carrying every kind: typed first */
	assert_int_equal(v[0].nkinds, 2);
	assert_string_equal(v[0].kinds[0].kind, "head of");
	assert_int_equal(v[0].kinds[0].dir, 1);
	assert_string_equal(v[0].kinds[1].kind, "co-occurs");
	assert_int_equal(v[0].kinds[1].dir, 0);
	assert_true(graph_link_has(&v[0], "co-occurs"));
	assert_int_equal(v[0].other, 2);
	assert_int_equal(v[0].nev, 1);
	assert_string_equal(v[0].ev[0].text, d1[0]);
	assert_string_equal(v[0].ev[0].path, "/leak/doc1.txt");
	assert_int_equal(v[0].ev[0].nmarks, 2);
	assert_int_equal(v[0].ev[0].marks[0][0], 0);
	assert_int_equal(v[0].ev[0].marks[0][1], 16);
	for (int i = 1; i < n; i++)
		assert_true(v[i - 1].score >= v[i].score);
	graph_links_free(v, n);
	assert_int_equal(graph_links(c, 2, "head of", 0, 0, 1, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kinds[0].dir, -1);
	graph_links_free(v, n);
	/* min_weight: one shared sentence weighs 1, a shared document 0.25 */
	int all;
	assert_int_equal(graph_links(c, 1, NULL, 0, 0, 1, &v, &all, &e), 0);
	graph_links_free(v, all);
	assert_int_equal(graph_links(c, 1, NULL, 1, 0, 1, &v, &n, &e), 0);
	assert_true(n >= 2 && n < all);
	for (int i = 0; i < n; i++)
		assert_true(v[i].weight >= 1);
	graph_links_free(v, n);
	assert_int_equal(graph_links(c, 1, NULL, 1.5, 0, 1, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	graph_links_free(v, n);
}

static void test_member_and_part_links(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Hadi al-Amiri");
	entity(c, 2, "ORG", "Badr Organization");
	entity(c, 3, "ORG", "Quds Force");
	entity(c, 4, "ORG", "Islamic Revolutionary Guard Corps");
	entity(c, 5, "PER", "Qais al-Khazali");
	entity(c, 6, "ORG", "Asaib Ahl al-Haq");
	entity(c, 7, "PER", "Abu Zainab");
	entity(c, 8, "ORG", "Kataib Hezbollah");
	entity(c, 9, "PER", "Ali Rahim");
	const char *d1[] = {
		"Hadi al-Amiri, a senior member of the Badr Organization, arrived.",
		"The Quds Force, a unit of the Islamic Revolutionary Guard Corps, paid.",
		"Qais al-Khazali joined Asaib Ahl al-Haq in 2006.",
		"Kataib Hezbollah operative Abu Zainab was arrested.",
		/* not membership */
		"Ali Rahim, a critic of Kataib Hezbollah, spoke.",
		"Ali Rahim is not a member of the Badr Organization.",
	};
	document(c, 1, d1, 6);
	mentions(c, 1, "Hadi al-Amiri", 1);
	mentions(c, 1, "Badr Organization", 2);
	mentions(c, 1, "Quds Force", 3);
	mentions(c, 1, "Islamic Revolutionary Guard Corps", 4);
	mentions(c, 1, "Qais al-Khazali", 5);
	mentions(c, 1, "Asaib Ahl al-Haq", 6);
	mentions(c, 1, "Abu Zainab", 7);
	mentions(c, 1, "Kataib Hezbollah", 8);
	mentions(c, 1, "Ali Rahim", 9);
	build(c);
	assert_true(edge_id(c, 1, 2, "member of") > 0);
	assert_int_equal(edge_id(c, 2, 1, "member of"), -1); /* directed */
	assert_true(edge_id(c, 3, 4, "part of") > 0);
	assert_true(edge_id(c, 5, 6, "member of") > 0);
	assert_true(edge_id(c, 7, 8, "member of") > 0);      /* "Y operative X" */
	assert_int_equal(edge_id(c, 9, 8, "member of"), -1);
	assert_int_equal(edge_id(c, 9, 2, "member of"), -1); /* negated */
	assert_true(graph_kind_known("member of") && graph_kind_known("part of") && !graph_kind_known("married"));
}

static void test_surname_by_context(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Saddam Hussein");
	entity(c, 2, "PER", "Fuad Hussein");
	entity(c, 3, "LOC", "Tikrit");
	entity(c, 4, "LOC", "Erbil");
	entity(c, 5, "PER", "Masoud Barzani");
	entity(c, 6, "PER", "Hussein");
	entity(c, 7, "ORG", "Baath Party");
	const char *d1[] = {"Saddam Hussein was born near Tikrit."};
	const char *d2[] = {"Saddam Hussein led the Baath Party."};
	const char *d3[] = {"Saddam Hussein spoke of the Baath Party."};
	const char *d4[] = {"Saddam Hussein was seen again."};
	const char *d5[] = {"Fuad Hussein met Masoud Barzani in Erbil."};
	const char *d6[] = {"In Erbil, Hussein and Masoud Barzani talked."};
	const char *d7[] = {"Hussein addressed the Baath Party in Tikrit."};
	const char *const *docs[] = {d1, d2, d3, d4, d5, d6, d7};
	for (int d = 0; d < 7; d++)
		document(c, d + 1, docs[d], 1);
	for (int d = 1; d <= 4; d++)
		mentions(c, d, "Saddam Hussein", 1);
	mentions(c, 1, "Tikrit", 3);
	mentions(c, 2, "Baath Party", 7);
	mentions(c, 3, "Baath Party", 7);
	mentions(c, 5, "Fuad Hussein", 2);
	mentions(c, 5, "Masoud Barzani", 5);
	mentions(c, 5, "Erbil", 4);
	mentions(c, 6, "Erbil", 4);
	mentions(c, 6, "Hussein", 6);
	mentions(c, 6, "Masoud Barzani", 5);
	mentions(c, 7, "Hussein", 6);
	mentions(c, 7, "Baath Party", 7);
	mentions(c, 7, "Tikrit", 3);
	struct err e = {{0}};
	if (resolve_all(c, NULL, &e) < 0)
		fail_msg("resolve_all: %s", e.msg);
	long long saddam = sql_int(c, "SELECT entity FROM mentions WHERE text = 'Saddam Hussein' LIMIT 1");
	long long fuad = sql_int(c, "SELECT entity FROM mentions WHERE text = 'Fuad Hussein'");
	assert_true(saddam > 0 && fuad > 0 && saddam != fuad);
	/* by the company of its document: Erbil and Barzani are Fuad's, the
	 * Baath Party and Tikrit Saddam's (who is named four times as often) */
	assert_int_equal(sql_int(c, "SELECT entity FROM mentions WHERE text = 'Hussein' AND doc = 6"), fuad);
	assert_int_equal(sql_int(c, "SELECT entity FROM mentions WHERE text = 'Hussein' AND doc = 7"), saddam);
}

static void test_ubiquitous_entity_scores_lower(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "LOC", "Iraq");
	entity(c, 2, "PER", "Falih al-Fayyadh");
	entity(c, 3, "PER", "Qais al-Khazali");
	for (int d = 1; d <= 10; d++) {
		const char *both[] = {"Falih al-Fayyadh and Qais al-Khazali talked about Iraq."};
		const char *only[] = {"Iraq is in the news again."};
		document(c, d, d <= 2 ? both : only, 1);
		mentions(c, d, "Iraq", 1);
		if (d <= 2) {
			mentions(c, d, "Falih al-Fayyadh", 2);
			mentions(c, d, "Qais al-Khazali", 3);
		}
	}
	build(c);
	long long people = edge_id(c, 2, 3, "co-occurs"), place = edge_id(c, 1, 2, "co-occurs");
	assert_true(people > 0 && place > 0);
	/* same weight (two documents each) ... */
	assert_true(sql_real(c, "SELECT weight FROM edges WHERE id = %lld", people) ==
		    sql_real(c, "SELECT weight FROM edges WHERE id = %lld", place));
	/* ... but Iraq is everywhere: a much lower score */
	assert_true(sql_real(c, "SELECT score FROM edges WHERE id = %lld", place) * 3 <
		    sql_real(c, "SELECT score FROM edges WHERE id = %lld", people));
}

static void test_betweenness(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	const char *names[] = {"", "Ali Alpha", "Bashir Beta", "Camil Gamma", "Dara Delta", "Ezra Epsilon", "Farid Zeta"};
	for (int i = 1; i <= 6; i++)
		entity(c, i, "PER", names[i]);
	/* a chain Alpha - Beta - Gamma - Delta, and Epsilon - Zeta apart */
	const char *d1[] = {"Ali Alpha wrote to Bashir Beta."};
	const char *d2[] = {"Bashir Beta wrote to Camil Gamma."};
	const char *d3[] = {"Camil Gamma wrote to Dara Delta."};
	const char *d4[] = {"Ezra Epsilon wrote to Farid Zeta."};
	document(c, 1, d1, 1);
	document(c, 2, d2, 1);
	document(c, 3, d3, 1);
	document(c, 4, d4, 1);
	mentions(c, 1, "Ali Alpha", 1);
	mentions(c, 1, "Bashir Beta", 2);
	mentions(c, 2, "Bashir Beta", 2);
	mentions(c, 2, "Camil Gamma", 3);
	mentions(c, 3, "Camil Gamma", 3);
	mentions(c, 3, "Dara Delta", 4);
	mentions(c, 4, "Ezra Epsilon", 5);
	mentions(c, 4, "Farid Zeta", 6);
	/* a place both Alpha and Zeta went to: it does not join the two
	 * groups (a path through a city everyone names says nothing) */
	entity(c, 7, "LOC", "Baghdad");
	const char *d5[] = {"Ali Alpha went to Baghdad."};
	const char *d6[] = {"Farid Zeta went to Baghdad."};
	document(c, 5, d5, 1);
	document(c, 6, d6, 1);
	mentions(c, 5, "Ali Alpha", 1);
	mentions(c, 5, "Baghdad", 7);
	mentions(c, 6, "Farid Zeta", 6);
	mentions(c, 6, "Baghdad", 7);
	build(c);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges WHERE 7 IN (a, b)"), 2);
	/* Beta is on the chains Alpha-Gamma and Alpha-Delta; Gamma on Alpha-Delta and Beta-Delta */
	assert_true(fabs(sql_real(c, "SELECT betweenness FROM entities WHERE id = 2") - 2) < 1e-9);
	assert_true(fabs(sql_real(c, "SELECT betweenness FROM entities WHERE id = 3") - 2) < 1e-9);
	assert_true(sql_real(c, "SELECT betweenness FROM entities WHERE id = 1") == 0);
	assert_true(sql_real(c, "SELECT betweenness FROM entities WHERE id = 5") == 0);
	assert_true(sql_real(c, "SELECT betweenness FROM entities WHERE id = 6") == 0);
	/* not measured for a place */
	assert_int_equal(sql_int(c, "SELECT betweenness IS NULL FROM entities WHERE id = 7"), 1);
}

/* The build reads mentions in the order they are stored: stored in any
 * other order (here reversed), the network comes out the same, byte for
 * byte. */
static void test_mentions_any_order(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	const char *names[] = {"", "Ali Alpha", "Bashir Beta", "Camil Gamma", "Baghdad"};
	entity(c, 1, "PER", names[1]);
	entity(c, 2, "PER", names[2]);
	entity(c, 3, "PER", names[3]);
	entity(c, 4, "LOC", names[4]);
	const char *d1[] = {"Ali Alpha met Bashir Beta in Baghdad.", "Camil Gamma stayed home.",
			    "Later Camil Gamma called Ali Alpha."};
	const char *d2[] = {"Bashir Beta left Baghdad.", "Ali Alpha spoke.", "Bashir Beta and Ali Alpha wrote."};
	document(c, 1, d1, 3);
	document(c, 2, d2, 3);
	for (int d = 1; d <= 2; d++)
		for (int i = 4; i >= 1; i--) /* last entity first: not in order of offset */
			if (d == 1 || i != 3)
				mentions(c, d, names[i], i);
	build(c);
	const char *dump = "SELECT group_concat(printf('%%d %%d %%s %%d %%d %%.17g %%.17g %%s', a, b, kind, docs, sentences,"
			   " weight, score, evidence), ';') FROM (SELECT * FROM edges ORDER BY a, b, kind)";
	char *before = sql_text(c, dump);
	assert_true(sql_int(c, "SELECT count(*) FROM edges") >= 4);
	sql(c, "CREATE TEMP TABLE m AS SELECT * FROM mentions ORDER BY doc DESC, start DESC");
	sql(c, "DELETE FROM mentions");
	sql(c, "INSERT INTO mentions(doc, sentence, start, end, type, text, entity)"
	       " SELECT doc, sentence, start, end, type, text, entity FROM temp.m ORDER BY rowid");
	/* every next mention now comes before the last one */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions a JOIN mentions b ON b.id = a.id + 1"
				    " WHERE b.doc < a.doc OR (b.doc = a.doc AND b.start < a.start)"),
			 sql_int(c, "SELECT count(*) - 1 FROM mentions"));
	build(c);
	char *after = sql_text(c, dump);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* The network's pairs as graph.c ranks them, entity i as vertex i - 1:
 * each pair's summed score (at least 1e-9) as its weight, or its inverse
 * as its length; only pairs that share a sentence when sentence_only.  The
 * caller destroys ev and w. */
static void network_pairs(struct case_db *c, int sentence_only, int as_length, igraph_vector_int_t *ev,
			  igraph_vector_t *w)
{
	igraph_vector_int_init(ev, 0);
	igraph_vector_init(w, 0);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db,
					    sentence_only ? "SELECT min(a, b), max(a, b), sum(score) FROM edges GROUP BY 1, 2"
							    " HAVING max(kind <> 'same document')"
							  : "SELECT min(a, b), max(a, b), sum(score) FROM edges GROUP BY 1, 2",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		igraph_vector_int_push_back(ev, sqlite3_column_int64(st, 0) - 1);
		igraph_vector_int_push_back(ev, sqlite3_column_int64(st, 1) - 1);
		double score = sqlite3_column_double(st, 2);
		score = score > 1e-9 ? score : 1e-9;
		igraph_vector_push_back(w, as_length ? 1 / score : score);
	}
	sqlite3_finalize(st);
}

/* Betweenness by igraph (exact, weighted as graph.c weighs: a link's
 * length is 1 over the pair's summed score; only pairs that share a
 * sentence) of entities 1..n, into want[0..n) (the caller destroys it). */
static void exact_betweenness(struct case_db *c, int n, igraph_vector_t *want)
{
	igraph_vector_int_t ev;
	igraph_vector_t w;
	network_pairs(c, 1, 1, &ev, &w);
	igraph_vector_init(want, 0);
	assert_true(igraph_vector_size(&w) > 150);
	igraph_t g;
	assert_int_equal(igraph_create(&g, &ev, n, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
	assert_int_equal(igraph_betweenness(&g, want, igraph_vss_all(), IGRAPH_UNDIRECTED, &w), IGRAPH_SUCCESS);
	igraph_destroy(&g);
	igraph_vector_int_destroy(&ev);
	igraph_vector_destroy(&w);
}

/* A random network of np people (entity i named name[i], 1..np) over nd
 * documents: people of nearby numbers meet more often, which gives a
 * network with structure, long chains and shortcuts; every fifth document
 * links its two people by the document only, every seventh sentence has a
 * third person. */
static void random_network(struct case_db *c, int np, int nd, char (*name)[24])
{
	sql(c, "BEGIN");
	for (int i = 1; i <= np; i++) {
		snprintf(name[i], 24, "Nabil%03d", i);
		entity(c, i, "PER", name[i]);
	}
	uint64_t x = 88172645463325252ULL;
#define RND(n) (x ^= x << 13, x ^= x >> 7, x ^= x << 17, (int)(x % (uint64_t)(n)))
	for (int d = 1; d <= nd; d++) {
		int a = 1 + RND(np), b = 1 + (a - 1 + 1 + RND(6)) % np, k = 1 + (a - 1 + 7 + RND(np - 14)) % np;
		char s1[96], s2[32], s3[32], s4[32];
		if (d % 5 == 0) { /* document-only: left out of betweenness */
			snprintf(s1, sizeof s1, "%s spoke.", name[a]);
			snprintf(s2, sizeof s2, "%s spoke.", name[k]);
			snprintf(s3, sizeof s3, "%s left.", name[a]);
			snprintf(s4, sizeof s4, "%s left.", name[k]);
			const char *sent[] = {s1, s2, s3, s4};
			document(c, d, sent, 4);
			mentions(c, d, name[a], a);
			mentions(c, d, name[k], k);
			continue;
		}
		if (d % 7 == 0 && k != a && k != b)
			snprintf(s1, sizeof s1, "%s and %s and %s were seen.", name[a], name[b], name[k]);
		else
			snprintf(s1, sizeof s1, "%s and %s were seen.", name[a], name[b]);
		const char *sent[] = {s1};
		document(c, d, sent, 1);
		mentions(c, d, name[a], a);
		mentions(c, d, name[b], b);
		if (d % 7 == 0 && k != a && k != b)
			mentions(c, d, name[k], k);
	}
#undef RND
	sql(c, "COMMIT");
}

/* Betweenness on a random network of 90 people, against igraph's own
 * (exact, weighted: a link's length is 1 over the pair's summed score; only
 * pairs that share a sentence), entity by entity. */
static void test_betweenness_matches_igraph(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	enum { NP = 90, ND = 700, LEAVES = 8 };
	char name[NP + 1 + LEAVES][24];
	random_network(c, NP, ND, name);
	/* people who met one other only (searches settle them apart), and
	 * two who met only each other */
	sql(c, "BEGIN");
	for (int i = NP + 1; i <= NP + LEAVES; i++) {
		snprintf(name[i], sizeof name[i], "Leaf%03d", i);
		entity(c, i, "PER", name[i]);
		if (i == NP + LEAVES - 1)
			continue; /* met by the last one only */
		int other = i < NP + LEAVES ? 1 + (i * 37) % NP : NP + LEAVES - 1;
		char s1[64];
		snprintf(s1, sizeof s1, "%s met %s.", name[i], name[other]);
		const char *sent[] = {s1};
		document(c, ND + i, sent, 1);
		mentions(c, ND + i, name[i], i);
		mentions(c, ND + i, name[other], other);
	}
	sql(c, "COMMIT");
	build(c);

	igraph_vector_t want;
	exact_betweenness(c, NP + LEAVES, &want);
	int positive = 0;
	for (int i = 0; i < NP + LEAVES; i++) {
		double got = sql_real(c, "SELECT betweenness FROM entities WHERE id = %d", i + 1);
		double exp = VECTOR(want)[i];
		if (fabs(got - exp) > 1e-6 * (exp > 1 ? exp : 1))
			fail_msg("betweenness of %s: %g, igraph %g", name[i + 1], got, exp);
		positive += exp > 0;
	}
	assert_true(positive > NP / 2);
	/* a rebuild ranks every entity the same, to the last digit */
	const char *ranks = "SELECT group_concat(printf('%%d %%.17g %%d %%.17g', id, pagerank, community, betweenness), ';')"
			    " FROM (SELECT * FROM entities ORDER BY id)";
	char *before = sql_text(c, ranks);
	build(c);
	char *after = sql_text(c, ranks);
	assert_string_equal(before, after);
	free(before);
	free(after);
	igraph_vector_destroy(&want);
}

/* PageRank (weft's own) on a random network of 90 people, with links by
 * document as well as by sentence and five people who are never linked,
 * against igraph's PRPACK on the same weights (each pair's summed score)
 * and the same entities, entity by entity. */
static void test_pagerank_matches_igraph(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	enum { NP = 90, ND = 700, ALONE = 5 };
	char name[NP + 1][24];
	random_network(c, NP, ND, name);
	sql(c, "BEGIN");
	for (int i = 1; i <= ALONE; i++) {
		char who[24], alone[48];
		snprintf(who, sizeof who, "Hermit%d", i);
		snprintf(alone, sizeof alone, "%s came alone.", who);
		entity(c, NP + i, "PER", who);
		const char *sent[] = {alone};
		document(c, ND + i, sent, 1);
		mentions(c, ND + i, who, NP + i);
	}
	sql(c, "COMMIT");
	build(c);
	int n = sql_int(c, "SELECT count(*) FROM entities WHERE pagerank IS NOT NULL");
	assert_int_equal(n, NP + ALONE);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM edges WHERE kind = 'same document'") > 50, 1);
	igraph_vector_int_t ev;
	igraph_vector_t w, want;
	network_pairs(c, 0, 0, &ev, &w);
	igraph_vector_init(&want, 0);
	igraph_t g;
	assert_int_equal(igraph_create(&g, &ev, n, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
	assert_int_equal(igraph_pagerank(&g, IGRAPH_PAGERANK_ALGO_PRPACK, &want, NULL, igraph_vss_all(), 0, 0.85, &w,
					 NULL),
			 IGRAPH_SUCCESS);
	double sum = 0;
	for (int i = 0; i < n; i++) {
		double got = sql_real(c, "SELECT pagerank FROM entities WHERE id = %d", i + 1);
		double exp = VECTOR(want)[i];
		if (fabs(got - exp) > 1e-9 * exp)
			fail_msg("pagerank of entity %d: %.12g, igraph %.12g", i + 1, got, exp);
		sum += got;
	}
	assert_true(fabs(sum - 1) < 1e-12);
	/* the hermits rank alike, below everyone linked */
	double hermit = sql_real(c, "SELECT pagerank FROM entities WHERE id = %d", NP + 1);
	assert_true(hermit < sql_real(c, "SELECT min(pagerank) FROM entities WHERE id <= %d", NP));
	igraph_destroy(&g);
	igraph_vector_int_destroy(&ev);
	igraph_vector_destroy(&w);
	igraph_vector_destroy(&want);
}

/* Past 2,000 linked entities betweenness is estimated from a sample of
 * searches: two rings of 1,200 people each, with chords, joined by one
 * link between person 1 and person 1201.  All the paths from one ring to
 * the other run through both: they must come out on top, their estimates
 * near igraph's exact values (a wrong scale would be off by half or
 * double). */
static void test_betweenness_estimated(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	enum { NP = 2400, HALF = 1200 };
	sql(c, "BEGIN");
	for (int i = 1; i <= NP; i++) {
		char name[16];
		snprintf(name, sizeof name, "Qx%04d", i);
		entity(c, i, "PER", name);
	}
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db,
					    "INSERT INTO mentions(doc, sentence, start, end, type, text, entity)"
					    " VALUES(?1, 0, ?2, ?2 + 6, 'PER', printf('Qx%04d', ?3), ?3)",
					    -1, &st, NULL),
			 SQLITE_OK);
	unsigned seed = 4242;
	int doc = 0;
	for (int half = 0; half < 2; half++)
		for (int i = 0; i < HALF + HALF / 10 + (half == 0); i++) {
			int base = half * HALF, a, b;
			if (i < HALF) { /* the ring */
				a = base + 1 + i;
				b = base + 1 + (i + 1) % HALF;
			} else if (i < HALF + HALF / 10) { /* chords */
				a = base + 1 + (int)(rand_r(&seed) % HALF);
				b = base + 1 + (int)(rand_r(&seed) % HALF);
				if (a == b)
					continue;
			} else { /* the bridge */
				a = 1;
				b = HALF + 1;
			}
			char text[64];
			snprintf(text, sizeof text, "Qx%04d and Qx%04d were seen.", a, b);
			const char *sent[] = {text};
			document(c, ++doc, sent, 1);
			for (int k = 0; k < 2; k++) {
				sqlite3_bind_int(st, 1, doc);
				sqlite3_bind_int(st, 2, k ? 11 : 0);
				sqlite3_bind_int(st, 3, k ? b : a);
				assert_int_equal(sqlite3_step(st), SQLITE_DONE);
				sqlite3_reset(st);
			}
		}
	sqlite3_finalize(st);
	sql(c, "COMMIT");
	build(c);
	igraph_vector_t want;
	exact_betweenness(c, NP, &want);
	assert_int_equal(sql_int(c, "SELECT sum(id) FROM (SELECT id FROM entities ORDER BY betweenness DESC LIMIT 2)"),
			 1 + HALF + 1);
	for (int id = 1; id <= HALF + 1; id += HALF) {
		double got = sql_real(c, "SELECT betweenness FROM entities WHERE id = %d", id), exp = VECTOR(want)[id - 1];
		if (fabs(got - exp) > 0.2 * exp)
			fail_msg("estimated betweenness of Qx%04d: %g, exact %g", id, got, exp);
	}
	igraph_vector_destroy(&want);
	/* the ranks come out the same when they are made in threads (more
	 * than one CPU) as when they are made in turn (one) */
	const char *ranks = "SELECT group_concat(printf('%%d %%.17g %%s %%.17g', id, pagerank, community, betweenness), ';')"
			    " FROM (SELECT * FROM entities ORDER BY id)";
	char *before = sql_text(c, ranks);
	cpu_set_t all, one;
	assert_int_equal(sched_getaffinity(0, sizeof all, &all), 0);
	CPU_ZERO(&one);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &all)) {
			CPU_SET(i, &one);
			break;
		}
	assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
	assert_int_equal(cpu_count(), 1);
	build(c);
	char *alone = sql_text(c, ranks);
	assert_int_equal(sched_setaffinity(0, sizeof all, &all), 0);
	assert_int_equal(cpu_count(), CPU_COUNT(&all));
	assert_string_equal(before, alone);
	free(before);
	free(alone);
}

static void test_paths(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	const char *names[] = {"", "Ali Alpha", "Bashir Beta", "Camil Gamma", "Dara Delta", "Ezra Epsilon", "Baghdad",
			       "Farid Zeta"};
	for (int i = 1; i <= 7; i++)
		entity(c, i, i == 6 ? "LOC" : "PER", names[i]);
	/* Alpha - Beta - Gamma in people; Alpha - Baghdad - Gamma through a
	 * place (shorter, but places cost more); Delta - Epsilon apart */
	const char *d1[] = {"Ali Alpha met Bashir Beta in secret."};
	const char *d2[] = {"Bashir Beta and Camil Gamma were seen together."};
	const char *d3[] = {"Ali Alpha lives in Baghdad."};
	const char *d4[] = {"Camil Gamma visited Baghdad."};
	const char *d5[] = {"Dara Delta phoned Ezra Epsilon."};
	document(c, 1, d1, 1);
	document(c, 2, d2, 1);
	document(c, 3, d3, 1);
	document(c, 4, d4, 1);
	document(c, 5, d5, 1);
	mentions(c, 1, "Ali Alpha", 1);
	mentions(c, 1, "Bashir Beta", 2);
	mentions(c, 2, "Bashir Beta", 2);
	mentions(c, 2, "Camil Gamma", 3);
	mentions(c, 3, "Ali Alpha", 1);
	mentions(c, 3, "Baghdad", 6);
	mentions(c, 4, "Camil Gamma", 3);
	mentions(c, 4, "Baghdad", 6);
	mentions(c, 5, "Dara Delta", 4);
	mentions(c, 5, "Ezra Epsilon", 5);
	build(c);

	struct graph_path *p;
	int np;
	struct err e = {{0}};
	assert_int_equal(graph_path(c, 1, 3, 2, 2, 0, &p, &np, &e), 0);
	assert_int_equal(np, 2);
	assert_int_equal(p[0].nhops, 3);
	assert_int_equal(p[0].hops[0].other, 1);
	assert_string_equal(p[0].hops[0].name, "Ali Alpha");
	assert_int_equal(p[0].hops[1].other, 2); /* through the person, not Baghdad */
	assert_string_equal(p[0].hops[1].kinds[0].kind, "met");
	assert_true(graph_link_has(&p[0].hops[1], "co-occurs"));
	assert_int_equal(p[0].hops[1].nev, 1);
	assert_string_equal(p[0].hops[1].ev[0].text, d1[0]);
	assert_int_equal(p[0].hops[2].other, 3);
	assert_string_equal(p[0].hops[2].ev[0].text, d2[0]);
	assert_int_equal(p[1].hops[1].other, 6); /* the alternative */
	assert_true(p[1].cost >= p[0].cost);
	graph_paths_free(p, np);

	/* the stored adjacency (k = 1) finds the same chain as igraph */
	assert_int_equal(graph_path(c, 1, 3, 1, 1, 0, &p, &np, &e), 0);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].nhops, 3);
	assert_int_equal(p[0].hops[1].other, 2);
	graph_paths_free(p, np);
	/* fewest links: a direct weak link beats a strong detour */
	sql(c, "INSERT INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(1, 3, 'same document', 1, 0, 0.25, 0.001)");
	sql(c, "DELETE FROM adjacency"); /* and from the edges, as a case not rebuilt since schema 6 */
	assert_int_equal(graph_path(c, 1, 3, 1, 0, GRAPH_FEWEST, &p, &np, &e), 0);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].nhops, 2);
	graph_paths_free(p, np);
	assert_int_equal(graph_path(c, 1, 3, 1, 0, 0, &p, &np, &e), 0);
	assert_int_equal(p[0].nhops, 3); /* the strongest chain still goes through Beta */
	graph_paths_free(p, np);

	/* other component; an entity without links */
	assert_int_equal(graph_path(c, 1, 4, 1, 2, 0, &p, &np, &e), 0);
	assert_int_equal(np, 0);
	graph_paths_free(p, np);
	assert_int_equal(graph_path(c, 1, 7, 1, 2, 0, &p, &np, &e), 0);
	assert_int_equal(np, 0);
	graph_paths_free(p, np);

	/* two components, two communities; the summary agrees with the tables */
	assert_int_not_equal(sql_int(c, "SELECT community FROM entities WHERE id = 1"),
			     sql_int(c, "SELECT community FROM entities WHERE id = 4"));
	assert_int_equal(sql_int(c, "SELECT community FROM entities WHERE id = 4"),
			 sql_int(c, "SELECT community FROM entities WHERE id = 5"));
	assert_int_equal(sql_int(c, "SELECT count(*) FROM entities WHERE id = 7 AND community IS NULL"), 1);
	struct graph_summary s;
	assert_int_equal(graph_summary(c, 3, &s, &e), 0);
	assert_int_equal(s.entities, 7);
	assert_int_equal(s.nodes, 6);
	assert_int_equal(s.edges, sql_int(c, "SELECT count(*) FROM edges"));
	assert_int_equal(s.ntop, 3);
	assert_true(s.top[0].pagerank >= s.top[1].pagerank);
}

/* ---- an oracle for chains: the same costs, computed the plain way ---- */

struct oracle {
	int n;                 /* entities 1 .. n - 1 */
	double *score;         /* n * n: the pair's summed score, 0 if none */
	unsigned char *avoid;  /* a place or MISC */
};

static struct oracle *oracle_load(struct case_db *c)
{
	struct oracle *o = calloc(1, sizeof *o);
	o->n = (int)sql_int(c, "SELECT max(id) FROM entities") + 1;
	o->score = calloc((size_t)o->n * (size_t)o->n, sizeof *o->score);
	o->avoid = calloc((size_t)o->n, 1);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT id, type IN ('LOC', 'MISC') FROM entities", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		o->avoid[sqlite3_column_int(st, 0)] = (unsigned char)sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT a, b, score FROM edges", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int a = sqlite3_column_int(st, 0), b = sqlite3_column_int(st, 1);
		o->score[(size_t)a * o->n + b] += sqlite3_column_double(st, 2);
		o->score[(size_t)b * o->n + a] += sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	return o;
}

static void oracle_free(struct oracle *o)
{
	free(o->score);
	free(o->avoid);
	free(o);
}

/* What the link u-w costs a chain from f to t (graph.h: 1/score, times 4
 * for a place or MISC entity in the middle; GRAPH_FEWEST: one step). */
static double oracle_cost(const struct oracle *o, int u, int w, long long f, long long t, unsigned flags)
{
	double x = 1 / (o->score[(size_t)u * o->n + w] > 1e-9 ? o->score[(size_t)u * o->n + w] : 1e-9);
	if (o->avoid[u] && u != f && u != t)
		x *= 4;
	if (o->avoid[w] && w != f && w != t)
		x *= 4;
	return flags & GRAPH_FEWEST ? 1 + 1e-6 * (x < 1e3 ? x : 1e3) : x;
}

/* Dijkstra over the matrix: the cheapest cost from f to t, -1 if none. */
static double oracle_cheapest(const struct oracle *o, long long f, long long t, unsigned flags)
{
	double *d = malloc((size_t)o->n * sizeof *d);
	unsigned char *done = calloc((size_t)o->n, 1);
	for (int i = 0; i < o->n; i++)
		d[i] = -1;
	d[f] = 0;
	for (;;) {
		int u = -1;
		for (int i = 0; i < o->n; i++)
			if (!done[i] && d[i] >= 0 && (u < 0 || d[i] < d[u]))
				u = i;
		if (u < 0 || u == t)
			break;
		done[u] = 1;
		for (int w = 0; w < o->n; w++)
			if (o->score[(size_t)u * o->n + w] > 0 && !done[w]) {
				double nd = d[u] + oracle_cost(o, u, w, f, t, flags);
				if (d[w] < 0 || nd < d[w])
					d[w] = nd;
			}
	}
	double r = d[t];
	free(d);
	free(done);
	return r;
}

/* The cost of a chain found, link by link. */
static double oracle_chain(const struct oracle *o, const struct graph_path *p, long long f, long long t, unsigned flags)
{
	double sum = 0;
	for (int h = 1; h < p->nhops; h++) {
		int u = (int)p->hops[h - 1].other, w = (int)p->hops[h].other;
		if (o->score[(size_t)u * o->n + w] <= 0)
			return -1; /* not a link */
		sum += oracle_cost(o, u, w, f, t, flags);
	}
	return sum;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static void oracle_walk(const struct oracle *o, int u, int t, long long f, unsigned flags, unsigned char *on, double sofar,
			double **all, int *nall, int *cap)
{
	if (u == t) {
		if (*nall == *cap)
			*all = realloc(*all, (size_t)(*cap = *cap ? 2 * *cap : 64) * sizeof **all);
		(*all)[(*nall)++] = sofar;
		return;
	}
	on[u] = 1;
	for (int w = 0; w < o->n; w++)
		if (!on[w] && o->score[(size_t)u * o->n + w] > 0)
			oracle_walk(o, w, t, f, flags, on, sofar + oracle_cost(o, u, w, f, t, flags), all, nall, cap);
	on[u] = 0;
}

/* The k cheapest costs of all loopless chains from f to t, by walking all
 * of them (a small component only): how many there are, at most k. */
static int oracle_all(const struct oracle *o, long long f, long long t, unsigned flags, double *out, int k)
{
	unsigned char *on = calloc((size_t)o->n, 1);
	double *all = NULL;
	int nall = 0, cap = 0;
	oracle_walk(o, (int)f, (int)t, f, flags, on, 0, &all, &nall, &cap);
	if (nall)
		qsort(all, (size_t)nall, sizeof *all, cmp_double);
	int n = nall < k ? nall : k;
	for (int i = 0; i < n; i++)
		out[i] = all[i];
	free(all);
	free(on);
	return n;
}

static int memcmp_hops(const struct graph_path *x, const struct graph_path *y)
{
	for (int h = 0; h < x->nhops; h++)
		if (x->hops[h].other != y->hops[h].other)
			return 1;
	return 0;
}

/* On a random network with hubs, places and three components, from the
 * stored adjacency and from the edges alone: the two-ended search finds
 * the cheapest chain as plain Dijkstra does, Yen's k cheapest are those a
 * walk through every chain of a small component finds, and the network
 * view picks the neighbours and reports the links the edges give. */
static void test_stored_adjacency(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	enum { NV = 300, NE = 900 };
	unsigned seed = 12345;
	sql(c, "BEGIN");
	for (int i = 1; i <= NV; i++) {
		char name[32];
		snprintf(name, sizeof name, "Entity %d", i);
		entity(c, i, i % 7 == 0 ? "LOC" : i % 11 == 0 ? "MISC" : i % 2 ? "PER" : "ORG", name);
	}
	for (int k = 0; k < NE; k++) {
		/* every third link ends at one of ten hubs; entities above 280 only among themselves */
		int a = 1 + (int)(rand_r(&seed) % 280), b = k % 3 ? 1 + (int)(rand_r(&seed) % 280) : 1 + (int)(rand_r(&seed) % 10);
		if (k % 50 == 0) {
			a = 281 + (int)(rand_r(&seed) % 20);
			b = 281 + (int)(rand_r(&seed) % 20);
		}
		if (a == b)
			continue;
		double score = 0.05 + (rand_r(&seed) % 1000) / 100.0;
		sql(c,
		    "INSERT OR IGNORE INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(%d, %d, %Q, %d, %d, %d, %.17g)",
		    a < b ? a : b, a < b ? b : a, k % 5 ? "co-occurs" : "met", 1 + k % 4, 1 + k % 7, 1 + k % 3, score);
	}
	/* two big hubs (more links than the network view reads rows of),
	 * strongly linked both ways: "head of" runs from the larger id */
	for (int i = 1001; i <= 1700; i++) {
		entity(c, i, "PER", "Leaf");
		sql(c, "INSERT INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(1, %d, 'co-occurs', %d, 1, 1, 0.01)", i, 1 + i % 3);
		sql(c, "INSERT INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(2, %d, 'co-occurs', 1, 1, 1, 0.01)", i);
	}
	sql(c, "INSERT OR REPLACE INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(1, 2, 'co-occurs', 9, 20, 9, 50)");
	sql(c, "INSERT INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(2, 1, 'head of', 3, 3, 3, 60)");
	sql(c, "COMMIT");
	struct err e = {{0}};
	assert_int_equal(graph_store_adjacency(c, &e), 0);
	assert_true(sql_int(c, "SELECT count(*) FROM adjacency") > 250);
	assert_true(sql_int(c, "SELECT length(arcs) / 34 FROM adjacency WHERE id = 2") > 700);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM adjacency WHERE length(arcs) %% 34 != 0"), 0);
	/* a small component of its own, for the k cheapest chains */
	for (int i = 2001; i <= 2010; i++)
		entity(c, i, i % 4 == 0 ? "LOC" : "PER", "Small");
	for (int k = 0; k < 22; k++) {
		int x = 2001 + (int)(rand_r(&seed) % 10), y = 2001 + (int)(rand_r(&seed) % 10);
		if (x != y)
			sql(c, "INSERT OR IGNORE INTO edges(a, b, kind, docs, sentences, weight, score) VALUES(%d, %d, 'co-occurs', 1, 1, 1, %.17g)",
			    x < y ? x : y, x < y ? y : x, 0.05 + (rand_r(&seed) % 1000) / 100.0);
	}
	struct oracle *o = oracle_load(c);
	/* from the stored rows, then (pass 1) from the edges, as in a case
	 * whose network was built before the table adjacency existed */
	assert_int_equal(graph_store_adjacency(c, &e), 0);
	int found = 0, none = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			sql(c, "DELETE FROM adjacency");
		unsigned qseed = 777;
		for (int q = 0; q < 120; q++) {
			long long from = 1 + rand_r(&qseed) % NV, to = 1 + rand_r(&qseed) % NV;
			unsigned flags = q % 2 ? GRAPH_FEWEST : 0;
			struct graph_path *p1;
			int n1;
			assert_int_equal(graph_path(c, from, to, 1, 0, flags, &p1, &n1, &e), 0);
			double want = oracle_cheapest(o, from, to, flags);
			assert_int_equal(n1 > 0, want >= 0);
			if (n1) {
				found++;
				assert_true(fabs(p1[0].cost - want) <= 1e-5 * want);
				assert_true(fabs(oracle_chain(o, &p1[0], from, to, flags) - want) <= 1e-5 * want);
				assert_int_equal(p1[0].hops[0].other, from);
				assert_int_equal(p1[0].hops[p1[0].nhops - 1].other, to);
			} else {
				none++;
			}
			graph_paths_free(p1, n1);
		}
		/* k = 4 in the small component: the four cheapest of all its
		 * loopless chains, as a search through all of them finds */
		for (int q = 0; q < 30; q++) {
			long long from = 2001 + rand_r(&qseed) % 10, to = 2001 + rand_r(&qseed) % 10;
			unsigned flags = q % 3 ? 0 : GRAPH_FEWEST;
			double want[4];
			int nwant = from == to ? 0 : oracle_all(o, from, to, flags, want, 4);
			struct graph_path *p;
			int np;
			assert_int_equal(graph_path(c, from, to, 4, 0, flags, &p, &np, &e), 0);
			assert_int_equal(np, nwant);
			for (int i = 0; i < np; i++) {
				assert_true(fabs(p[i].cost - want[i]) <= 1e-5 * want[i]);
				assert_true(fabs(oracle_chain(o, &p[i], from, to, flags) - want[i]) <= 1e-5 * want[i]);
				for (int j = 0; j < i; j++) /* each chain once */
					assert_false(p[j].nhops == p[i].nhops &&
						     !memcmp_hops(&p[j], &p[i]));
			}
			found += np > 1;
			graph_paths_free(p, np);
		}
	}
	oracle_free(o);
	assert_true(found > 140 && none > 0); /* both kinds of answer were asked */

	/* an entity's links (from its row; from the edges when there are no
	 * rows) in the order the edges give: each pair by its strongest edge
	 * (of the kind asked for), then documents, then the smallest id */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			assert_int_equal(graph_store_adjacency(c, &e), 0);
		else
			sql(c, "DELETE FROM adjacency");
		int listed = 0;
		for (long long who = 1; who <= 60; who += who < 3 ? 1 : 7)
			for (int opt = 0; opt < 4; opt++) {
				const char *kind = opt == 2 ? "met" : opt == 3 ? "co-occurs" : NULL;
				double minw = opt == 1 ? 2 : 0;
				int limit = opt == 3 ? 5 : 0;
				struct graph_link *l;
				int nl;
				assert_int_equal(graph_links(c, who, kind, minw, limit, 0, &l, &nl, &e), 0);
				sqlite3_stmt *st;
				assert_int_equal(sqlite3_prepare_v2(c->db,
					"SELECT o FROM (SELECT CASE WHEN a = ?1 THEN b ELSE a END o, score, docs, id, weight,"
					" max(score) OVER w s, max(docs) OVER w d, min(id) OVER w i, max(weight) OVER w mw,"
					" row_number() OVER (PARTITION BY CASE WHEN a = ?1 THEN b ELSE a END"
					"  ORDER BY score DESC, docs DESC, id) rn"
					" FROM edges WHERE (a = ?1 OR b = ?1) AND (?3 IS NULL OR (kind = ?3 AND weight >= ?2))"
					" WINDOW w AS (PARTITION BY CASE WHEN a = ?1 THEN b ELSE a END))"
					" WHERE rn = 1 AND mw >= ?2"
					" ORDER BY CASE WHEN ?3 IS NULL THEN s ELSE score END DESC,"
					" CASE WHEN ?3 IS NULL THEN d ELSE docs END DESC, CASE WHEN ?3 IS NULL THEN i ELSE id END"
					" LIMIT ?4",
					-1, &st, NULL), SQLITE_OK);
				sqlite3_bind_int64(st, 1, who);
				sqlite3_bind_double(st, 2, minw);
				if (kind)
					sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
				sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
				int i = 0;
				while (sqlite3_step(st) == SQLITE_ROW) {
					assert_true(i < nl);
					assert_int_equal(l[i++].other, sqlite3_column_int64(st, 0));
				}
				sqlite3_finalize(st);
				assert_int_equal(i, nl);
				listed += nl;
				graph_links_free(l, nl);
			}
		assert_true(listed > 1000);
	}

	/* the network view: the centre's strongest neighbours as the edges
	 * rank them, then theirs, and every link among them as the edges say */
	sql(c, "INSERT INTO adjacency SELECT 0, x'00'"); /* a damaged row is refused, not read */
	struct graph_view v;
	assert_int_equal(graph_view(c, 0, 1, 10, 0, &v, &e), -1);
	sql(c, "DELETE FROM adjacency WHERE id = 0");
	for (int pass = 0; pass < 2; pass++) { /* from the rows; from the edges (no rows) */
		if (pass == 0)
			assert_int_equal(graph_store_adjacency(c, &e), 0);
		else
			sql(c, "DELETE FROM adjacency");
		for (long long center = 1; center <= 40; center += center == 1 ? 1 : 3) {
			double minw = center % 2 ? 0 : 2;
			assert_int_equal(graph_view(c, center, 2, 30, minw, &v, &e), 0);
			assert_int_equal(v.ids[0], center);
			/* level 1: with the centre, at most two thirds of 30 */
			sqlite3_stmt *st;
			assert_int_equal(sqlite3_prepare_v2(c->db,
				"SELECT o FROM (SELECT CASE WHEN a = ?1 THEN b ELSE a END o, sum(score) s, max(weight) w"
				" FROM edges WHERE a = ?1 OR b = ?1 GROUP BY o) WHERE w >= ?2 ORDER BY s DESC, o LIMIT 19",
				-1, &st, NULL), SQLITE_OK);
			sqlite3_bind_int64(st, 1, center);
			sqlite3_bind_double(st, 2, minw);
			int i = 1;
			while (sqlite3_step(st) == SQLITE_ROW)
				assert_int_equal(v.ids[i++], sqlite3_column_int64(st, 0));
			sqlite3_finalize(st);
			assert_int_equal(v.level_end[1], i);
			/* level 2: neighbours of level 1, new */
			for (int j = v.level_end[1]; j < v.level_end[2]; j++) {
				assert_true(j < 30);
				for (int k = 0; k < j; k++)
					assert_true(v.ids[k] != v.ids[j]);
			}
			/* the links among them */
			char set[1024] = "(";
			for (int j = 0; j < v.n; j++)
				snprintf(set + strlen(set), sizeof set - strlen(set), "%s%lld", j ? "," : "", v.ids[j]);
			strcat(set, ")");
			assert_int_equal(v.nlinks, sql_int(c, "SELECT count(*) FROM (SELECT 1 FROM edges WHERE a IN %s AND b IN %s"
							    " GROUP BY min(a, b), max(a, b) HAVING max(weight) >= %g)", set, set, minw));
			int hubs = 0;
#define PAIR "FROM edges WHERE a = %lld AND b = %lld OR a = %lld AND b = %lld", l->a, l->b, l->b, l->a
			for (int j = 0; j < v.nlinks; j++) {
				const struct graph_view_link *l = &v.links[j];
				assert_true(l->a < l->b);
				assert_int_equal(l->edge, sql_int(c, "SELECT min(id) " PAIR));
				assert_true(l->score == sql_real(c, "SELECT max(score) " PAIR));
				assert_true(l->weight == sql_real(c, "SELECT max(weight) " PAIR));
				assert_int_equal(l->docs, sql_int(c, "SELECT max(docs) " PAIR));
				assert_int_equal(l->sentences, sql_int(c, "SELECT max(sentences) " PAIR));
				assert_int_equal(l->nkinds, sql_int(c, "SELECT count(*) " PAIR));
				if (l->nkinds == 2)
					assert_string_equal(l->kinds[1], "co-occurs"); /* typed first */
				if (l->a == 1 && l->b == 2) {
					hubs++;
					assert_int_equal(l->nkinds, 2);
					assert_string_equal(l->kinds[0], "head of");
					assert_true(l->score == 60 && l->weight == 9 && l->docs == 9 && l->sentences == 20);
				}
				if (j) {
					const struct graph_view_link *k = &v.links[j - 1];
					assert_true(sql_real(c, "SELECT sum(score) FROM edges WHERE a = %lld AND b = %lld OR a = %lld AND b = %lld",
							     k->a, k->b, k->b, k->a) >= sql_real(c, "SELECT sum(score) " PAIR) - 1e-4);
				}
			}
#undef PAIR
			if (center <= 2)
				assert_int_equal(hubs, 1); /* the big rows' link, from the edges */
			graph_view_free(&v);
		}
	}
}

static void test_big_document_is_capped(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	/* 500 entities, 4 mentions each, two per sentence: 2,000 mentions */
	enum { NE = 500 };
	static char text[NE * 2][64];
	const char *sent[NE * 2];
	for (int i = 0; i < NE; i++) {
		char name[32];
		snprintf(name, sizeof name, "Person%03d", i);
		entity(c, i + 1, "PER", name);
	}
	for (int s = 0; s < NE * 2; s++) {
		int a = s % NE, b = (s * 7 + 3) % NE;
		if (b == a)
			b = (a + 1) % NE;
		snprintf(text[s], sizeof text[s], "Person%03d saw Person%03d.", a, b);
		sent[s] = text[s];
	}
	document(c, 1, sent, NE * 2);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db,
					    "INSERT INTO mentions(doc, sentence, start, end, type, text, entity)"
					    " VALUES(1, ?, ?, ?, 'PER', ?, ?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sql(c, "BEGIN");
	long long off = 0;
	for (int s = 0; s < NE * 2; s++) {
		for (int k = 0; k < 2; k++) {
			int who = atoi(text[s] + (k ? 20 : 6));
			long long start = off + (k ? 14 : 0);
			sqlite3_bind_int(st, 1, s);
			sqlite3_bind_int64(st, 2, start);
			sqlite3_bind_int64(st, 3, start + 9);
			sqlite3_bind_text(st, 4, text[s] + (k ? 14 : 0), 9, SQLITE_STATIC);
			sqlite3_bind_int(st, 5, who + 1);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
		off += (long long)strlen(text[s]) + 1;
	}
	sqlite3_finalize(st);
	sql(c, "COMMIT");
	assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions"), 2000);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM mentions m JOIN documents d ON d.id = m.doc"
				    " WHERE substr(d.body, m.start + 1, 9) != m.text"), 0);

	time_t t0 = time(NULL);
	build(c);
	assert_true(time(NULL) - t0 < 10);
	long long co = sql_int(c, "SELECT count(*) FROM edges WHERE kind = 'co-occurs'");
	long long same = sql_int(c, "SELECT count(*) FROM edges WHERE kind = 'same document'");
	assert_true(co > 0 && co <= NE * 2);
	/* at most the 40 most mentioned entities are paired at document level */
	assert_true(same <= GRAPH_DOC_TOP * (GRAPH_DOC_TOP - 1) / 2);
	assert_true(sql_int(c, "SELECT max(n) FROM (SELECT count(*) n FROM evidence GROUP BY edge)") <= 2 * GRAPH_EVIDENCE);
}

static void test_evidence_keeps_best_five(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Nazim Omar");
	entity(c, 2, "ORG", "Asaib Ahl al-Haq");
	const char *d1[] = {
		"In a long and winding statement issued late on Tuesday, Nazim Omar praised Asaib Ahl al-Haq at length.",
		"Nazim Omar and Asaib Ahl al-Haq again.",
		"Nazim Omar, head of Asaib Ahl al-Haq, spoke.",
		"Nazim Omar criticised Asaib Ahl al-Haq yesterday in public for the third time this month.",
		"Nazim Omar; Asaib Ahl al-Haq.",
		"Nazim Omar and Asaib Ahl al-Haq, with many other words that make this sentence longer still.",
		"Nazim Omar with Asaib Ahl al-Haq, and then some.",
	};
	document(c, 1, d1, 7);
	mentions(c, 1, "Nazim Omar", 1);
	mentions(c, 1, "Asaib Ahl al-Haq", 2);
	build(c);
	long long co = edge_id(c, 1, 2, "co-occurs");
	assert_int_equal(sql_int(c, "SELECT sentences FROM edges WHERE id = %lld", co), 7);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM evidence WHERE edge = %lld", co), GRAPH_EVIDENCE);
	/* the typed sentence first, then the shortest */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT group_concat(sentence, ',') FROM (SELECT sentence FROM evidence"
						   " WHERE edge = ? ORDER BY rank)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, co);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "2,4,1,6,3");
	sqlite3_finalize(st);
}

/* A build keeps which patterns each document's text matches (the cues),
 * and the next reads them instead of the text, while the document's mentions
 * are those they were found for; new mentions, or other patterns, send it
 * back to the text. */
static void test_cues(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Ali Alpha");
	entity(c, 2, "PER", "Bashir Beta");
	entity(c, 3, "PER", "Camil Gamma");
	const char *d1[] = {"Ali Alpha met Bashir Beta in May.", "Camil Gamma stayed home."};
	document(c, 1, d1, 2);
	mentions(c, 1, "Ali Alpha", 1);
	mentions(c, 1, "Bashir Beta", 2);
	mentions(c, 1, "Camil Gamma", 3);
	build(c);
	const char *met = "SELECT count(*) FROM edges WHERE a = 1 AND b = 2 AND kind = 'met'";
	assert_int_equal(sql_int(c, met), 1);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM cue_docs WHERE doc = 1"), 1);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM cues WHERE doc = 1 AND xs = 0 AND ys = 14"), 1);
	/* the text changes under the same mentions (which ingest never does):
	 * the build goes by the cues, not the text */
	sql(c, "UPDATE documents SET body = replace(body, ' met ', ' hit ') WHERE id = 1");
	build(c);
	assert_int_equal(sql_int(c, met), 1);
	/* other mentions (as a new tagging would make): the text again */
	sql(c, "DELETE FROM mentions WHERE entity = 3");
	build(c);
	assert_int_equal(sql_int(c, met), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM cues WHERE doc = 1"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM cue_docs WHERE doc = 1"), 1);
	/* other patterns: every document's cues are dropped and found anew */
	sql(c, "UPDATE documents SET body = replace(body, ' hit ', ' met ') WHERE id = 1");
	build(c);
	assert_int_equal(sql_int(c, met), 0); /* the cue (none) holds */
	sql(c, "UPDATE meta SET value = 'other patterns' WHERE key = 'cues'");
	build(c);
	assert_int_equal(sql_int(c, met), 1);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM cues WHERE doc = 1"), 1);
}

/* Between pieces of evidence alike (class, length), the document first in
 * sha256 order goes first: not the one ingest happened to number first. */
static void test_evidence_by_content(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Ali Alpha");
	entity(c, 2, "PER", "Bashir Beta");
	for (int d = 1; d <= 8; d++) {
		char text[64];
		snprintf(text, sizeof text, "Ali Alpha and Bashir Beta, %d.", d); /* all as long */
		const char *sent[] = {text};
		document(c, d, sent, 1);
		mentions(c, d, "Ali Alpha", 1);
		mentions(c, d, "Bashir Beta", 2);
	}
	/* the later numbered, the earlier in sha256 order */
	sql(c, "UPDATE documents SET sha256 = printf('%%064d', 100 - id)");
	build(c);
	assert_true(GRAPH_EVIDENCE < 8);
	char *got = sql_text(c, "SELECT group_concat(doc, ',') FROM (SELECT doc FROM evidence WHERE edge = %lld ORDER BY rank)",
			     edge_id(c, 1, 2, "co-occurs"));
	char want[64] = "";
	for (int d = 8; d > 8 - GRAPH_EVIDENCE; d--)
		snprintf(want + strlen(want), sizeof want - strlen(want), d == 8 ? "%d" : ",%d", d);
	assert_string_equal(got, want);
	free(got);
}

/* ---- exporters ---- */

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	long n = 0;
	int ch;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static void hostile_case(struct case_db *c)
{
	entity(c, 1, "PER", "Ali <\"&'> \x01 Rahim");
	entity(c, 2, "ORG", "Jaish \xd8\xa7\xd9\x84\xd9\x85\xd9\x87\xd8\xaf\xd9\x8a, \"the army\"");
	entity(c, 3, "LOC", "Basra");
	const char *d1[] = {"Ali <\"&'> \x01 Rahim, head of Jaish "
			    "\xd8\xa7\xd9\x84\xd9\x85\xd9\x87\xd8\xaf\xd9\x8a, \"the army\", left.",
			    "Ali <\"&'> \x01 Rahim went to Basra."};
	document(c, 1, d1, 2);
	mentions(c, 1, "Ali <\"&'> \x01 Rahim", 1);
	mentions(c, 1, "Jaish \xd8\xa7\xd9\x84\xd9\x85\xd9\x87\xd8\xaf\xd9\x8a, \"the army\"", 2);
	mentions(c, 1, "Basra", 3);
	build(c);
}

static void test_export_xml_parses(void **state)
{
	struct fx *f = *state;
	hostile_case(f->c);
	long edges = sql_int(f->c, "SELECT count(*) FROM edges");
	assert_true(edges >= 3);
	const char *fmts[] = {"gexf", "graphml"};
	for (int i = 0; i < 2; i++) {
		char out[160];
		snprintf(out, sizeof out, "%s/graph.%s", f->dir, fmts[i]);
		enum export_format fmt;
		assert_int_equal(export_format_parse(fmts[i], &fmt), 0);
		struct export_opts o = {.min_docs = 1};
		struct export_counts n;
		struct err e = {{0}};
		if (export_run(f->c, fmt, out, &o, &n, &e) < 0)
			fail_msg("export %s: %s", fmts[i], e.msg);
		assert_int_equal(n.nodes, 3);
		assert_int_equal(n.edges, edges);
		xmlDocPtr doc = xmlReadFile(out, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
		assert_non_null(doc);
		xmlFreeDoc(doc);
	}
}

static void test_export_csv_rows(void **state)
{
	struct fx *f = *state;
	hostile_case(f->c);
	char dir[160], path[200];
	snprintf(dir, sizeof dir, "%s/csv", f->dir);
	enum export_format fmt;
	assert_int_equal(export_format_parse("csv", &fmt), 0);
	struct export_opts o = {.min_docs = 1};
	struct export_counts n;
	struct err e = {{0}};
	if (export_run(f->c, fmt, dir, &o, &n, &e) < 0)
		fail_msg("export csv: %s", e.msg);
	snprintf(path, sizeof path, "%s/nodes.csv", dir);
	assert_int_equal(count_lines(path), 1 + 3);
	snprintf(path, sizeof path, "%s/edges.csv", dir);
	assert_int_equal(count_lines(path), 1 + sql_int(f->c, "SELECT count(*) FROM edges"));
	assert_int_equal(export_format_parse("pdf", &fmt), -1);
}

/* A build changes the connection's cache size and secure_delete (FAST:
 * the old network's freed pages are not zeroed) for itself only: the
 * caller's settings are back after it, and a rebuild gives the same
 * network into the pages the old one freed. */
static void test_build_restores_pragmas(void **state)
{
	struct case_db *c = ((struct fx *)*state)->c;
	entity(c, 1, "PER", "Ali Alpha");
	entity(c, 2, "PER", "Bashir Beta");
	const char *d1[] = {"Ali Alpha met Bashir Beta in May.", "Ali Alpha and Bashir Beta again."};
	document(c, 1, d1, 2);
	mentions(c, 1, "Ali Alpha", 1);
	mentions(c, 1, "Bashir Beta", 2);
	sql(c, "PRAGMA secure_delete = 1; PRAGMA cache_size = -3000");
	build(c);
	char *before = sql_text(c, "SELECT group_concat(id || a || b || kind || evidence, ';') FROM edges");
	long long pages = sql_int(c, "PRAGMA page_count");
	build(c);
	char *after = sql_text(c, "SELECT group_concat(id || a || b || kind || evidence, ';') FROM edges");
	assert_true(strlen(before) > 0);
	assert_string_equal(before, after);
	assert_int_equal(sql_int(c, "PRAGMA page_count"), pages);
	assert_int_equal(sql_int(c, "PRAGMA secure_delete"), 1);
	assert_int_equal(sql_int(c, "PRAGMA cache_size"), -3000);
	sql(c, "PRAGMA secure_delete = 0");
	build(c);
	assert_int_equal(sql_int(c, "PRAGMA secure_delete"), 0);
	free(before);
	free(after);
}

int main(void)
{
	xmlInitParser();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sentence_and_document_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typed_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_and_part_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_surname_by_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ubiquitous_entity_scores_lower, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stored_adjacency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_betweenness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mentions_any_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_betweenness_matches_igraph, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagerank_matches_igraph, setup, teardown),
		cmocka_unit_test_setup_teardown(test_betweenness_estimated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_document_is_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_keeps_best_five, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_by_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cues, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_restores_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_xml_parses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_csv_rows, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("graph", tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
