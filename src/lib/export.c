/*
 * export.c — GEXF, GraphML, CSV, Neo4j, OpenSearch and FollowTheMoney
 * writers (see export.h).
 *
 * Each writer is one function that walks a few SQL queries and prints rows
 * as they come; the only per-row memory is one line of JSON or one
 * document's text.  Escaping lives in three small helpers (xml_put,
 * csv_put, json_put), each of which also replaces invalid UTF-8 (and, for
 * XML, characters XML 1.0 forbids) with U+FFFD, so no name taken from a
 * hostile file can break the output.
 */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const format_names[] = {"gexf", "graphml", "csv", "neo4j", "opensearch", "aleph"};

int export_format_parse(const char *name, enum export_format *f)
{
	/* the names the tools' own documentation uses work too */
	static const struct { const char *alias, *name; } aliases[] = {
		{"ndjson", "opensearch"}, {"elasticsearch", "opensearch"}, {"ftm", "aleph"},
		{"followthemoney", "aleph"}};
	for (size_t i = 0; name && i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcasecmp(name, aliases[i].alias))
			name = aliases[i].name;
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (name && !strcasecmp(name, format_names[i])) {
			*f = (enum export_format)i;
			return 0;
		}
	return -1;
}

int export_writes_folder(enum export_format f)
{
	return f == EXPORT_CSV || f == EXPORT_NEO4J || f == EXPORT_OPENSEARCH;
}

/* ---- escaping ---- */

#define REPLACEMENT "\xef\xbf\xbd"

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if none. */
static size_t u8len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* Writes s as XML character data or attribute value. */
static void xml_put(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = u8len(s + i, n - i);
		if (k == 0) {
			fputs(REPLACEMENT, f);
			i++;
			continue;
		}
		if (k == 1) {
			switch (c) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&apos;", f); break;
			case '\t': fputs("&#9;", f); break;
			case '\n': fputs("&#10;", f); break;
			case '\r': fputs("&#13;", f); break;
			default:
				if (c < 0x20 || c == 0x7f)
					fputs(REPLACEMENT, f);
				else
					fputc(c, f);
			}
		} else if (k == 3 && c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe) {
			fputs(REPLACEMENT, f); /* U+FFFE and U+FFFF are not XML characters */
		} else {
			fwrite(s + i, 1, k, f);
		}
		i += k;
	}
}

/* Writes s as a quoted CSV field (RFC 4180); control characters, line
 * breaks included, become spaces so that every record is one line. */
static void csv_put(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s);
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		size_t k = u8len(s + i, n - i);
		if (k == 0) {
			fputs(REPLACEMENT, f);
			i++;
			continue;
		}
		if (k == 1 && (s[i] < 0x20 || s[i] == 0x7f))
			fputc(' ', f);
		else if (k == 1 && s[i] == '"')
			fputs("\"\"", f);
		else
			fwrite(s + i, 1, k, f);
		i += k;
	}
	fputc('"', f);
}

/* Appends ,"key":"value" (or "key":"value" when first) unless value is NULL or empty. */
static void json_field(struct buf *b, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	if (b->len && b->p[b->len - 1] != '{')
		buf_addc(b, ',');
	buf_printf(b, "\"%s\":", key);
	buf_add_json_text(b, value);
}

static const char *text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A REAL or INTEGER column printed for data files; NULL prints nothing. */
static void put_num(FILE *f, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
		fprintf(f, "%lld", (long long)sqlite3_column_int64(st, i));
	else if (sqlite3_column_type(st, i) == SQLITE_FLOAT)
		fprintf(f, "%.6g", sqlite3_column_double(st, i));
}

static int directed(const char *kind)
{
	return kind && strcmp(kind, "co-occurs") && strcmp(kind, "same document") && strcmp(kind, "met");
}

/* ---- output files ---- */

struct out {
	FILE *f;
	char *path, *tmp;   /* NULL for standard output */
	int direct;         /* writing straight into a device or a pipe */
};

static int out_open(struct out *o, const char *path, struct err *e)
{
	memset(o, 0, sizeof *o);
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* a device or a pipe (/dev/null, a FIFO): written as it is, never
		 * replaced by a renamed file */
		o->f = fopen(path, "w");
		if (!o->f)
			return err_set(e, "%s: %s", path, strerror(errno));
		o->direct = 1;
		return 0;
	}
	o->path = xstrdup(path);
	size_t n = strlen(path) + 16;
	o->tmp = xmalloc(n);
	snprintf(o->tmp, n, "%s.part", path);
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		err_set(e, "%s: %s", o->tmp, strerror(errno));
		free(o->path);
		free(o->tmp);
		return -1;
	}
	return 0;
}

/* Finishes o: on success (ok) checks every write and renames the file into
 * place; otherwise removes it.  Returns 0 or -1. */
static int out_close(struct out *o, int ok, struct err *e)
{
	int rc = 0;
	if (o->direct) {
		int bad = ferror(o->f);
		if (fclose(o->f) != 0)
			bad = 1;
		return ok && bad ? err_set(e, "writing the export: %s", strerror(errno ? errno : EIO)) : ok ? 0 : -1;
	}
	if (!o->path) {
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = ok ? err_set(e, "writing the export: %s", strerror(errno)) : -1;
		return ok ? rc : -1;
	}
	int bad = ferror(o->f);
	if (fclose(o->f) != 0)
		bad = 1;
	if (ok && bad)
		rc = err_set(e, "%s: %s", o->path, strerror(errno ? errno : EIO));
	else if (ok && rename(o->tmp, o->path) < 0)
		rc = err_set(e, "%s: %s", o->path, strerror(errno));
	if (!ok || rc < 0) {
		unlink(o->tmp);
		rc = -1;
	}
	free(o->path);
	free(o->tmp);
	return rc;
}

/* Opens folder/name for writing (through out_open). */
static int out_open_in(struct out *o, const char *folder, const char *name, struct err *e)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", folder, name);
	int rc = out_open(o, p.p, e);
	buf_free(&p);
	return rc;
}

/* ---- the network, as queries ---- */

static const char nodes_sql[] =
	"SELECT id, name, type, mentions, docs, pagerank, community, betweenness FROM entities"
	" WHERE id IN temp.export_nodes ORDER BY id";
/* CROSS JOIN keeps SQLite scanning edges in order (with a IN (...) it
 * would probe the index for every pair of entities). */
static const char edges_sql[] =
	"SELECT x.id, x.a, x.b, x.kind, x.docs, x.sentences, x.weight, x.score"
	" FROM edges x CROSS JOIN entities ea CROSS JOIN entities eb"
	" WHERE ea.id = x.a AND eb.id = x.b AND x.id IN temp.export_edges ORDER BY x.id";

static int prepare(struct case_db *c, const char *sql, sqlite3_stmt **st, struct err *e)
{
	return case_prepare(c, sql, st, "exporting", e);
}

/* Steps st; returns 1 for a row, 0 at the end, -1 (e filled) on error. */
static int next_row(struct case_db *c, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return case_fail(c, "exporting", e);
}

/* ---- GEXF 1.3 ---- */

static int write_gexf(struct case_db *c, FILE *f, struct export_counts *n, struct err *e)
{
	char date[16];
	time_t now = time(NULL);
	strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
		" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n"
		"  <meta lastmodifieddate=\"%s\">\n    <creator>weft " WEFT_VERSION "</creator>\n"
		"    <description>entities and their links, from ",
		date);
	xml_put(f, c->path);
	fputs("</description>\n  </meta>\n"
	      "  <graph mode=\"static\" defaultedgetype=\"undirected\">\n"
	      "    <attributes class=\"node\">\n"
	      "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n"
	      "      <attribute id=\"mentions\" title=\"mentions\" type=\"integer\"/>\n"
	      "      <attribute id=\"docs\" title=\"documents\" type=\"integer\"/>\n"
	      "      <attribute id=\"pagerank\" title=\"pagerank\" type=\"double\"/>\n"
	      "      <attribute id=\"community\" title=\"community\" type=\"integer\"/>\n"
	      "      <attribute id=\"betweenness\" title=\"betweenness\" type=\"double\"/>\n"
	      "    </attributes>\n"
	      "    <attributes class=\"edge\">\n"
	      "      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n"
	      "      <attribute id=\"docs\" title=\"documents\" type=\"integer\"/>\n"
	      "      <attribute id=\"sentences\" title=\"sentences\" type=\"integer\"/>\n"
	      "      <attribute id=\"score\" title=\"score\" type=\"double\"/>\n"
	      "    </attributes>\n"
	      "    <nodes>\n",
	      f);
	sqlite3_stmt *st;
	int r;
	if (prepare(c, nodes_sql, &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		fprintf(f, "      <node id=\"%lld\" label=\"", (long long)sqlite3_column_int64(st, 0));
		xml_put(f, text(st, 1));
		fputs("\">\n        <attvalues>\n          <attvalue for=\"type\" value=\"", f);
		xml_put(f, text(st, 2));
		fprintf(f, "\"/>\n          <attvalue for=\"mentions\" value=\"%lld\"/>\n"
			   "          <attvalue for=\"docs\" value=\"%lld\"/>\n",
			(long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			fprintf(f, "          <attvalue for=\"pagerank\" value=\"%.8g\"/>\n", sqlite3_column_double(st, 5));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			fprintf(f, "          <attvalue for=\"community\" value=\"%lld\"/>\n",
				(long long)sqlite3_column_int64(st, 6));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			fprintf(f, "          <attvalue for=\"betweenness\" value=\"%.8g\"/>\n", sqlite3_column_double(st, 7));
		fputs("        </attvalues>\n      </node>\n", f);
		n->nodes++;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	fputs("    </nodes>\n    <edges>\n", f);
	if (prepare(c, edges_sql, &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		const char *kind = text(st, 3);
		fprintf(f, "      <edge id=\"%lld\" source=\"%lld\" target=\"%lld\" type=\"%s\" weight=\"%.6g\" kind=\"",
			(long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
			(long long)sqlite3_column_int64(st, 2), directed(kind) ? "directed" : "undirected",
			sqlite3_column_double(st, 6));
		xml_put(f, kind);
		fputs("\" label=\"", f);
		xml_put(f, kind);
		fputs("\">\n        <attvalues>\n          <attvalue for=\"kind\" value=\"", f);
		xml_put(f, kind);
		fprintf(f, "\"/>\n          <attvalue for=\"docs\" value=\"%lld\"/>\n"
			   "          <attvalue for=\"sentences\" value=\"%lld\"/>\n"
			   "          <attvalue for=\"score\" value=\"%.6g\"/>\n        </attvalues>\n      </edge>\n",
			(long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5),
			sqlite3_column_double(st, 7));
		n->edges++;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	fputs("    </edges>\n  </graph>\n</gexf>\n", f);
	return 0;
}

/* ---- GraphML ---- */

static int write_graphml(struct case_db *c, FILE *f, struct export_counts *n, struct err *e)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\""
	      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
	      " xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns"
	      " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
	      "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
	      "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
	      "  <key id=\"mentions\" for=\"node\" attr.name=\"mentions\" attr.type=\"int\"/>\n"
	      "  <key id=\"ndocs\" for=\"node\" attr.name=\"docs\" attr.type=\"int\"/>\n"
	      "  <key id=\"pagerank\" for=\"node\" attr.name=\"pagerank\" attr.type=\"double\"/>\n"
	      "  <key id=\"community\" for=\"node\" attr.name=\"community\" attr.type=\"int\"/>\n"
	      "  <key id=\"betweenness\" for=\"node\" attr.name=\"betweenness\" attr.type=\"double\"/>\n"
	      "  <key id=\"kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n"
	      "  <key id=\"edocs\" for=\"edge\" attr.name=\"docs\" attr.type=\"int\"/>\n"
	      "  <key id=\"sentences\" for=\"edge\" attr.name=\"sentences\" attr.type=\"int\"/>\n"
	      "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n"
	      "  <key id=\"score\" for=\"edge\" attr.name=\"score\" attr.type=\"double\"/>\n"
	      "  <graph id=\"weft\" edgedefault=\"undirected\">\n",
	      f);
	sqlite3_stmt *st;
	int r;
	if (prepare(c, nodes_sql, &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		fprintf(f, "    <node id=\"n%lld\">\n      <data key=\"label\">", (long long)sqlite3_column_int64(st, 0));
		xml_put(f, text(st, 1));
		fputs("</data>\n      <data key=\"type\">", f);
		xml_put(f, text(st, 2));
		fprintf(f, "</data>\n      <data key=\"mentions\">%lld</data>\n      <data key=\"ndocs\">%lld</data>\n",
			(long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			fprintf(f, "      <data key=\"pagerank\">%.8g</data>\n", sqlite3_column_double(st, 5));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			fprintf(f, "      <data key=\"community\">%lld</data>\n", (long long)sqlite3_column_int64(st, 6));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			fprintf(f, "      <data key=\"betweenness\">%.8g</data>\n", sqlite3_column_double(st, 7));
		fputs("    </node>\n", f);
		n->nodes++;
	}
	sqlite3_finalize(st);
	if (r < 0 || prepare(c, edges_sql, &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		const char *kind = text(st, 3);
		fprintf(f, "    <edge id=\"e%lld\" source=\"n%lld\" target=\"n%lld\"%s>\n      <data key=\"kind\">",
			(long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
			(long long)sqlite3_column_int64(st, 2), directed(kind) ? " directed=\"true\"" : "");
		xml_put(f, kind);
		fprintf(f, "</data>\n      <data key=\"edocs\">%lld</data>\n      <data key=\"sentences\">%lld</data>\n"
			   "      <data key=\"weight\">%.6g</data>\n      <data key=\"score\">%.6g</data>\n    </edge>\n",
			(long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5),
			sqlite3_column_double(st, 6), sqlite3_column_double(st, 7));
		n->edges++;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	fputs("  </graph>\n</graphml>\n", f);
	return 0;
}

/* ---- CSV and Neo4j ---- */

static const char *neo4j_label(const char *type)
{
	if (!type)
		return "Entity";
	if (!strcmp(type, "PER"))
		return "Person";
	if (!strcmp(type, "ORG"))
		return "Organization";
	if (!strcmp(type, "LOC"))
		return "Location";
	return "Misc";
}

/* "ambassador to" -> AMBASSADOR_TO, into t (64 bytes). */
static void neo4j_type(char t[64], const char *kind)
{
	size_t i = 0;
	for (const char *p = kind ? kind : "LINK"; *p && i < 63; p++) {
		char ch = *p;
		t[i++] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ? ch : '_';
	}
	t[i] = 0;
}

static int write_nodes_csv(struct case_db *c, FILE *f, int neo4j, struct export_counts *n,
			   struct err *e)
{
	fputs(neo4j ? "entityId:ID(Entity),name,type,mentions:int,docs:int,pagerank:float,community:int,"
		      "betweenness:float,:LABEL\n"
		    : "id,name,type,mentions,docs,pagerank,community,betweenness\n",
	      f);
	sqlite3_stmt *st;
	int r;
	if (prepare(c, nodes_sql, &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		fprintf(f, "%lld,", (long long)sqlite3_column_int64(st, 0));
		csv_put(f, text(st, 1));
		fputc(',', f);
		csv_put(f, text(st, 2));
		for (int i = 3; i <= 7; i++) {
			fputc(',', f);
			put_num(f, st, i);
		}
		if (neo4j)
			fprintf(f, ",Entity;%s", neo4j_label(text(st, 2)));
		fputc('\n', f);
		n->nodes++;
	}
	sqlite3_finalize(st);
	return r;
}

static int write_edges_csv(struct case_db *c, FILE *f, int neo4j, struct export_counts *n,
			   struct err *e)
{
	fputs(neo4j ? ":START_ID(Entity),:END_ID(Entity),:TYPE,edgeId:int,kind,docs:int,sentences:int,"
		      "weight:float,score:float\n"
		    : "id,source,target,kind,directed,docs,sentences,weight,score\n",
	      f);
	sqlite3_stmt *st;
	int r;
	if (prepare(c, edges_sql, &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		long long id = sqlite3_column_int64(st, 0), a = sqlite3_column_int64(st, 1), b = sqlite3_column_int64(st, 2);
		const char *kind = text(st, 3);
		if (neo4j) {
			char t[64];
			neo4j_type(t, kind);
			fprintf(f, "%lld,%lld,%s,%lld,", a, b, t, id);
		} else {
			fprintf(f, "%lld,%lld,%lld,", id, a, b);
		}
		csv_put(f, kind);
		if (!neo4j)
			fprintf(f, ",%s", directed(kind) ? "true" : "false");
		for (int i = 4; i <= 7; i++) {
			fputc(',', f);
			put_num(f, st, i);
		}
		fputc('\n', f);
		n->edges++;
	}
	sqlite3_finalize(st);
	return r;
}

/* evidence.csv: each link's sentences with their text, read document by
 * document so that each text is loaded once. */
static int write_evidence_csv(struct case_db *c, FILE *f, struct err *e)
{
	fputs("edge,rank,doc,path,sentence,start,end,text\n", f);
	sqlite3_stmt *st, *body;
	if (prepare(c,
			"SELECT v.edge, v.rank, v.doc, v.sentence, v.start, v.end FROM evidence v JOIN edges x ON x.id = v.edge"
			" WHERE x.id IN temp.export_edges ORDER BY v.doc, v.edge, v.rank", &st, e) < 0)
		return -1;
	if (case_prepare(c, "SELECT body, (SELECT min(path) FROM paths WHERE doc = ?1) FROM documents WHERE id = ?1",
			 &body, "exporting", e) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	long long cur = -1;
	const char *t = NULL, *path = NULL;
	size_t tlen = 0;
	struct buf s = BUF_INIT;
	int r;
	while ((r = next_row(c, st, e)) > 0) {
		long long doc = sqlite3_column_int64(st, 2);
		if (doc != cur) {
			cur = doc;
			sqlite3_reset(body);
			sqlite3_bind_int64(body, 1, doc);
			t = path = NULL;
			tlen = 0;
			if (sqlite3_step(body) == SQLITE_ROW) {
				t = text(body, 0);
				tlen = (size_t)sqlite3_column_bytes(body, 0);
				path = text(body, 1);
			}
		}
		long long start = sqlite3_column_int64(st, 4), end = sqlite3_column_int64(st, 5);
		buf_reset(&s);
		if (t && start >= 0 && end >= start && (size_t)end <= tlen)
			buf_add(&s, t + start, (size_t)(end - start));
		fprintf(f, "%lld,%lld,%lld,", (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
			doc);
		csv_put(f, path);
		fprintf(f, ",%lld,%lld,%lld,", (long long)sqlite3_column_int64(st, 3), start, end);
		csv_put(f, s.p ? s.p : "");
		fputc('\n', f);
	}
	buf_free(&s);
	sqlite3_finalize(body);
	sqlite3_finalize(st);
	return r;
}

static int write_cypher(struct case_db *c, FILE *f, struct err *e)
{
	static const char *const labels[] = {"Person", "Organization", "Location", "Misc"};
	fputs("// Loads nodes.csv and relationships.csv (put them in Neo4j's import folder) with\n"
	      "//   cypher-shell -u neo4j -f load.cypher\n"
	      "// For a large case, neo4j-admin is much faster:\n"
	      "//   neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv neo4j\n"
	      "CREATE CONSTRAINT weft_entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;\n",
	      f);
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		fprintf(f,
			"LOAD CSV WITH HEADERS FROM 'file:///nodes.csv' AS row\n"
			"WITH row WHERE row.`:LABEL` = 'Entity;%s'\n"
			"MERGE (e:Entity:%s {id: toInteger(row.`entityId:ID(Entity)`)})\n"
			"SET e.name = row.name, e.type = row.type, e.mentions = toInteger(row.`mentions:int`),\n"
			"    e.docs = toInteger(row.`docs:int`), e.pagerank = toFloat(row.`pagerank:float`),\n"
			"    e.community = toInteger(row.`community:int`), e.betweenness = toFloat(row.`betweenness:float`);\n",
			labels[i], labels[i]);
	sqlite3_stmt *st;
	int r;
	if (prepare(c, "SELECT DISTINCT kind FROM edges WHERE id IN temp.export_edges ORDER BY kind", &st, e) < 0)
		return -1;
	while ((r = next_row(c, st, e)) > 0) {
		char t[64];
		neo4j_type(t, text(st, 0));
		fprintf(f,
			"LOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row\n"
			"WITH row WHERE row.`:TYPE` = '%s'\n"
			"MATCH (a:Entity {id: toInteger(row.`:START_ID(Entity)`)}), (b:Entity {id: toInteger(row.`:END_ID(Entity)`)})\n"
			"CREATE (a)-[:%s {edgeId: toInteger(row.`edgeId:int`), kind: row.kind, docs: toInteger(row.`docs:int`),\n"
			"    sentences: toInteger(row.`sentences:int`), weight: toFloat(row.`weight:float`),\n"
			"    score: toFloat(row.`score:float`)}]->(b);\n",
			t, t);
	}
	sqlite3_finalize(st);
	return r;
}

/* ---- documents with their entities (OpenSearch, Aleph) ---- */

static const char docs_sql[] =
	"SELECT d.id, (SELECT min(path) FROM paths WHERE doc = d.id), d.title, d.date, d.date_suspect, d.type, d.mime,"
	" d.sender, d.recipients, d.cc, d.subject, d.body, d.parent, d.message_id, d.in_reply_to"
	" FROM documents d WHERE d.status != 'pending' ORDER BY d.id";
enum { D_ID, D_PATH, D_TITLE, D_DATE, D_SUSPECT, D_TYPE, D_MIME, D_SENDER, D_TO, D_CC, D_SUBJECT, D_BODY, D_PARENT,
       D_MSGID, D_REPLYTO };

static const char doc_entities_sql[] =
	"SELECT e.id, e.name, e.type FROM (SELECT DISTINCT entity FROM mentions WHERE doc = ?1) m"
	" CROSS JOIN entities e WHERE e.id = m.entity AND e.type IN ('PER','ORG','LOC','MISC') ORDER BY e.type, e.name";

/* A date FtM and OpenSearch accept: the YYYY[-MM[-DD[THH:MM:SS]]] prefix of
 * s, into out (20 bytes); empty if s does not start with a year. */
static void iso_date(char out[20], const char *s)
{
	out[0] = 0;
	if (!s || strlen(s) < 4)
		return;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return;
	size_t n = strspn(s, "0123456789-T:");
	if (n > 19)
		n = 19;
	while (n > 4 && (s[n - 1] == '-' || s[n - 1] == ':' || s[n - 1] == 'T'))
		n--;
	memcpy(out, s, n);
	out[n] = 0;
}

static int write_opensearch(struct case_db *c, const char *folder, struct export_counts *n, struct err *e)
{
	struct out o;
	if (out_open_in(&o, folder, "mapping.json", e) < 0)
		return -1;
	fputs("{\n"
	      "  \"settings\": {\n"
	      "    \"analysis\": {\"analyzer\": {\"folded\": {\"type\": \"custom\", \"tokenizer\": \"standard\",\n"
	      "      \"filter\": [\"lowercase\", \"asciifolding\"]}}}\n"
	      "  },\n"
	      "  \"mappings\": {\n"
	      "    \"properties\": {\n"
	      "      \"id\": {\"type\": \"long\"},\n"
	      "      \"path\": {\"type\": \"keyword\"},\n"
	      "      \"parent\": {\"type\": \"long\"},\n"
	      "      \"type\": {\"type\": \"keyword\"},\n"
	      "      \"mime\": {\"type\": \"keyword\"},\n"
	      "      \"title\": {\"type\": \"text\", \"analyzer\": \"folded\"},\n"
	      "      \"date\": {\"type\": \"date\", \"format\": \"strict_date_optional_time||yyyy-MM||yyyy\",\n"
	      "               \"ignore_malformed\": true},\n"
	      "      \"sender\": {\"type\": \"text\", \"analyzer\": \"folded\"},\n"
	      "      \"recipients\": {\"type\": \"text\", \"analyzer\": \"folded\"},\n"
	      "      \"cc\": {\"type\": \"text\", \"analyzer\": \"folded\"},\n"
	      "      \"subject\": {\"type\": \"text\", \"analyzer\": \"folded\"},\n"
	      "      \"body\": {\"type\": \"text\", \"analyzer\": \"folded\"},\n"
	      "      \"entities\": {\"type\": \"nested\", \"properties\": {\n"
	      "        \"id\": {\"type\": \"long\"}, \"name\": {\"type\": \"keyword\"}, \"type\": {\"type\": \"keyword\"}}},\n"
	      "      \"persons\": {\"type\": \"keyword\"},\n"
	      "      \"organizations\": {\"type\": \"keyword\"},\n"
	      "      \"locations\": {\"type\": \"keyword\"},\n"
	      "      \"misc\": {\"type\": \"keyword\"}\n"
	      "    }\n"
	      "  }\n"
	      "}\n",
	      o.f);
	if (out_close(&o, 1, e) < 0 || out_open_in(&o, folder, "documents.ndjson", e) < 0)
		return -1;
	sqlite3_stmt *st = NULL, *ents = NULL;
	struct buf line = BUF_INIT, lists[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	static const char *const list_names[4] = {"persons", "organizations", "locations", "misc"};
	int r = -1;
	if (case_prepare(c, docs_sql, &st, "exporting", e) < 0 ||
	    case_prepare(c, doc_entities_sql, &ents, "exporting", e) < 0)
		goto out;
	while ((r = next_row(c, st, e)) > 0) {
		long long id = sqlite3_column_int64(st, D_ID);
		char date[20];
		iso_date(date, sqlite3_column_int(st, D_SUSPECT) ? NULL : text(st, D_DATE));
		buf_reset(&line);
		buf_printf(&line, "{\"index\":{\"_index\":\"weft-documents\",\"_id\":\"%lld\"}}\n{\"id\":%lld", id, id);
		if (sqlite3_column_type(st, D_PARENT) != SQLITE_NULL)
			buf_printf(&line, ",\"parent\":%lld", (long long)sqlite3_column_int64(st, D_PARENT));
		json_field(&line, "path", text(st, D_PATH));
		json_field(&line, "type", text(st, D_TYPE));
		json_field(&line, "mime", text(st, D_MIME));
		json_field(&line, "title", text(st, D_TITLE));
		json_field(&line, "date", date);
		json_field(&line, "sender", text(st, D_SENDER));
		json_field(&line, "recipients", text(st, D_TO));
		json_field(&line, "cc", text(st, D_CC));
		json_field(&line, "subject", text(st, D_SUBJECT));
		json_field(&line, "body", text(st, D_BODY));
		buf_adds(&line, ",\"entities\":[");
		for (int i = 0; i < 4; i++)
			buf_reset(&lists[i]);
		sqlite3_reset(ents);
		sqlite3_bind_int64(ents, 1, id);
		int k = 0;
		while (sqlite3_step(ents) == SQLITE_ROW) {
			const char *type = text(ents, 2);
			buf_printf(&line, "%s{\"id\":%lld,\"name\":", k++ ? "," : "", (long long)sqlite3_column_int64(ents, 0));
			buf_add_json_text(&line, text(ents, 1));
			buf_adds(&line, ",\"type\":");
			buf_add_json_text(&line, type);
			buf_addc(&line, '}');
			int li = !strcmp(type, "PER") ? 0 : !strcmp(type, "ORG") ? 1 : !strcmp(type, "LOC") ? 2 : 3;
			if (lists[li].len)
				buf_addc(&lists[li], ',');
			buf_add_json_text(&lists[li], text(ents, 1));
		}
		buf_addc(&line, ']');
		for (int i = 0; i < 4; i++)
			buf_printf(&line, ",\"%s\":[%s]", list_names[i], lists[i].p ? lists[i].p : "");
		buf_adds(&line, "}\n");
		fwrite(line.p, 1, line.len, o.f);
		n->documents++;
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ents);
	buf_free(&line);
	for (int i = 0; i < 4; i++)
		buf_free(&lists[i]);
	return out_close(&o, r == 0, e) < 0 ? -1 : 0;
}

/* ---- FollowTheMoney (Aleph) ---- */

static const char *ftm_schema(const char *type)
{
	if (!type)
		return NULL;
	if (!strcmp(type, "PER"))
		return "Person";
	if (!strcmp(type, "ORG"))
		return "Organization";
	if (!strcmp(type, "LOC"))
		return "Address";
	return NULL; /* MISC has no FtM schema */
}

/* Starts an FtM entity line in b. */
static void ftm_begin(struct buf *b, const char *id_fmt, long long id, const char *schema)
{
	buf_reset(b);
	buf_adds(b, "{\"id\":\"weft-");
	buf_printf(b, id_fmt, id);
	buf_printf(b, "\",\"schema\":\"%s\",\"properties\":{", schema);
}

/* Adds "prop":["value"] to the properties object in b (skips empty values). */
static void ftm_prop(struct buf *b, const char *prop, const char *value)
{
	if (!value || !*value)
		return;
	if (b->p[b->len - 1] != '{')
		buf_addc(b, ',');
	buf_printf(b, "\"%s\":[", prop);
	buf_add_json_text(b, value);
	buf_addc(b, ']');
}

static void ftm_ref(struct buf *b, const char *prop, const char *kind, long long id)
{
	if (b->p[b->len - 1] != '{')
		buf_addc(b, ',');
	buf_printf(b, "\"%s\":[\"weft-%s-%lld\"]", prop, kind, id);
}

static void ftm_end(struct buf *b, FILE *f)
{
	buf_adds(b, "}}\n");
	fwrite(b->p, 1, b->len, f);
}

static const char *ftm_doc_schema(const char *type)
{
	if (!type)
		return "Document";
	if (!strcmp(type, "email"))
		return "Email";
	if (!strcmp(type, "archive") || !strcmp(type, "mbox"))
		return "Package";
	if (!strcmp(type, "html"))
		return "HyperText";
	return "PlainText";
}

static int write_aleph(struct case_db *c, FILE *f, struct export_counts *n, struct err *e)
{
	sqlite3_stmt *st = NULL, *al = NULL, *ents = NULL;
	struct buf b = BUF_INIT, names = BUF_INIT;
	int r = -1;
	/* entities, with their other spellings */
	if (case_prepare(c, "SELECT id, name, type FROM entities WHERE type IN ('PER','ORG','LOC') ORDER BY id", &st,
			 "exporting", e) < 0 ||
	    case_prepare(c, "SELECT alias FROM aliases WHERE entity = ? ORDER BY count DESC, alias LIMIT 50", &al,
			 "exporting", e) < 0)
		goto out;
	while ((r = next_row(c, st, e)) > 0) {
		const char *schema = ftm_schema(text(st, 2)), *name = text(st, 1);
		ftm_begin(&b, "entity-%lld", sqlite3_column_int64(st, 0), schema);
		ftm_prop(&b, !strcmp(schema, "Address") ? "full" : "name", name);
		sqlite3_reset(al);
		sqlite3_bind_int64(al, 1, sqlite3_column_int64(st, 0));
		while (sqlite3_step(al) == SQLITE_ROW)
			if (name && strcmp(text(al, 0), name))
				ftm_prop(&b, !strcmp(schema, "Address") ? "summary" : "alias", text(al, 0));
		ftm_end(&b, f);
		n->nodes++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r < 0)
		goto out;
	/* documents, and which entities each mentions */
	if (case_prepare(c, docs_sql, &st, "exporting", e) < 0 ||
	    case_prepare(c, doc_entities_sql, &ents, "exporting", e) < 0)
		goto out;
	while ((r = next_row(c, st, e)) > 0) {
		long long id = sqlite3_column_int64(st, D_ID);
		const char *schema = ftm_doc_schema(text(st, D_TYPE)), *path = text(st, D_PATH);
		char date[20];
		iso_date(date, sqlite3_column_int(st, D_SUSPECT) ? NULL : text(st, D_DATE));
		ftm_begin(&b, "doc-%lld", id, schema);
		ftm_prop(&b, "title", text(st, D_TITLE));
		if (path) {
			const char *base = strrchr(path, '/');
			ftm_prop(&b, "fileName", base ? base + 1 : path);
		}
		ftm_prop(&b, "mimeType", text(st, D_MIME));
		ftm_prop(&b, "date", date);
		if (sqlite3_column_type(st, D_PARENT) != SQLITE_NULL)
			ftm_ref(&b, "parent", "doc", sqlite3_column_int64(st, D_PARENT));
		if (!strcmp(schema, "Email")) {
			ftm_prop(&b, "subject", text(st, D_SUBJECT));
			ftm_prop(&b, "from", text(st, D_SENDER));
			ftm_prop(&b, "to", text(st, D_TO));
			ftm_prop(&b, "cc", text(st, D_CC));
			ftm_prop(&b, "messageId", text(st, D_MSGID));
			ftm_prop(&b, "inReplyTo", text(st, D_REPLYTO));
		}
		if (strcmp(schema, "Package"))
			ftm_prop(&b, "bodyText", text(st, D_BODY));
		/* names mentioned, then one link per mentioned entity */
		sqlite3_reset(ents);
		sqlite3_bind_int64(ents, 1, id);
		buf_reset(&names);
		while (sqlite3_step(ents) == SQLITE_ROW)
			if (ftm_schema(text(ents, 2)) && strcmp(text(ents, 2), "LOC")) {
				buf_adds(&names, names.len ? "," : "");
				buf_add_json_text(&names, text(ents, 1));
			}
		if (names.len)
			buf_printf(&b, ",\"namesMentioned\":[%s]", names.p);
		ftm_end(&b, f);
		n->documents++;
		sqlite3_reset(ents);
		while (sqlite3_step(ents) == SQLITE_ROW) {
			long long ent = sqlite3_column_int64(ents, 0);
			if (!ftm_schema(text(ents, 2)))
				continue;
			buf_reset(&b);
			buf_printf(&b, "{\"id\":\"weft-mention-%lld-%lld\",\"schema\":\"UnknownLink\",\"properties\":{", id, ent);
			ftm_ref(&b, "subject", "entity", ent);
			ftm_ref(&b, "object", "doc", id);
			ftm_prop(&b, "role", "mentioned in");
			ftm_end(&b, f);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r < 0)
		goto out;
	/* links: Associate (people who met), Membership (heads of an
	 * organisation), UnknownLink for the rest */
	if (prepare(c,
			"SELECT x.id, x.a, x.b, x.kind, x.docs, x.sentences, ta.type, tb.type FROM edges x"
			" CROSS JOIN entities ta CROSS JOIN entities tb WHERE ta.id = x.a AND tb.id = x.b"
			" AND x.id IN temp.export_edges AND ta.type IN ('PER','ORG','LOC') AND tb.type IN ('PER','ORG','LOC') ORDER BY x.id", &st, e) < 0)
		goto out;
	while ((r = next_row(c, st, e)) > 0) {
		long long id = sqlite3_column_int64(st, 0), a = sqlite3_column_int64(st, 1), bb = sqlite3_column_int64(st, 2);
		const char *kind = text(st, 3), *ta = text(st, 6), *tb = text(st, 7);
		char summary[96];
		snprintf(summary, sizeof summary, "%lld documents, %lld sentences (weft)",
			 (long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5));
		if (!strcmp(kind, "met") && !strcmp(ta, "PER") && !strcmp(tb, "PER")) {
			ftm_begin(&b, "link-%lld", id, "Associate");
			ftm_ref(&b, "person", "entity", a);
			ftm_ref(&b, "associate", "entity", bb);
			ftm_prop(&b, "relationship", kind);
		} else if (directed(kind) && strcmp(ta, "LOC") && !strcmp(tb, "ORG")) {
			ftm_begin(&b, "link-%lld", id, "Membership");
			ftm_ref(&b, "member", "entity", a);
			ftm_ref(&b, "organization", "entity", bb);
			ftm_prop(&b, "role", kind);
		} else {
			ftm_begin(&b, "link-%lld", id, "UnknownLink");
			ftm_ref(&b, "subject", "entity", a);
			ftm_ref(&b, "object", "entity", bb);
			ftm_prop(&b, "role", kind);
		}
		ftm_prop(&b, "summary", summary);
		ftm_end(&b, f);
		n->edges++;
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(al);
	sqlite3_finalize(ents);
	buf_free(&b);
	buf_free(&names);
	return r < 0 ? -1 : 0;
}

/* ---- entry point ---- */

/* Fills the temporary tables export_nodes and export_edges (in the
 * connection's own temp database, so a read-only case is fine) with what o
 * keeps: links found in at least min_docs documents and of weight >=
 * min_weight, between entities of type (when set) among the top entities by
 * PageRank (when set); then only entities with a kept link. */
static int choose(struct case_db *c, const struct export_opts *o, struct err *e)
{
	static const struct export_opts all = {1, 0, 0, NULL};
	if (!o)
		o = &all;
	if (case_exec(c,
		      "CREATE TEMP TABLE IF NOT EXISTS export_nodes(id INTEGER PRIMARY KEY);"
		      "CREATE TEMP TABLE IF NOT EXISTS export_edges(id INTEGER PRIMARY KEY);"
		      "DELETE FROM temp.export_nodes; DELETE FROM temp.export_edges;",
		      "exporting", e) < 0)
		return -1;
	sqlite3_stmt *st;
	if (prepare(c,
		    "INSERT INTO temp.export_nodes SELECT id FROM entities WHERE (?2 IS NULL OR type = ?2) AND id IN"
		    " (SELECT a FROM edges WHERE docs >= ?1 AND weight >= ?3 UNION SELECT b FROM edges WHERE docs >= ?1"
		    " AND weight >= ?3) ORDER BY pagerank DESC, id LIMIT ?4",
		    &st, e) < 0)
		return -1;
	sqlite3_bind_int(st, 1, o->min_docs > 1 ? o->min_docs : 1);
	case_bind_text(st, 2, o->type);
	sqlite3_bind_double(st, 3, o->min_weight);
	sqlite3_bind_int(st, 4, o->top > 0 ? o->top : -1);
	int r = next_row(c, st, e);
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	/* The links among the chosen: SQLite's plan probes the edges' (a, b)
	 * index for every pair of chosen entities, right for a --top 100 and
	 * ruinous for a whole network (57k entities: 3.3 billion probes, 9
	 * minutes on the corpus); past as many pairs as there are edges, one
	 * pass over the edges instead ('+' keeps the index out of it). */
	long long chosen = sqlite3_changes(c->db), edges = 0;
	if (prepare(c, "SELECT max(id) FROM edges", &st, e) < 0)
		return -1;
	if ((r = next_row(c, st, e)) > 0)
		edges = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (r < 0 || prepare(c,
			     chosen * chosen <= edges
				     ? "INSERT INTO temp.export_edges SELECT id FROM edges WHERE docs >= ?1 AND weight >= ?2"
				       " AND a IN temp.export_nodes AND b IN temp.export_nodes"
				     : "INSERT INTO temp.export_edges SELECT id FROM edges WHERE docs >= ?1 AND weight >= ?2"
				       " AND +a IN temp.export_nodes AND +b IN temp.export_nodes",
			     &st, e) < 0)
		return -1;
	sqlite3_bind_int(st, 1, o->min_docs > 1 ? o->min_docs : 1);
	sqlite3_bind_double(st, 2, o->min_weight);
	r = next_row(c, st, e);
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	return case_exec(c,
			 "DELETE FROM temp.export_nodes WHERE id NOT IN (SELECT a FROM edges WHERE id IN temp.export_edges"
			 " UNION SELECT b FROM edges WHERE id IN temp.export_edges)",
			 "exporting", e);
}

static int make_folder(const char *path, struct err *e)
{
	struct stat sb;
	if (!path || !*path)
		return err_set(e, "this format writes a folder: give one with -o");
	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (errno == EEXIST)
		return err_set(e, "%s: exists and is not a folder", path);
	return err_set(e, "%s: %s", path, strerror(errno));
}

/* Writes one file of a folder export with fn. */
static int folder_file(struct case_db *c, const char *folder, const char *name,
		       int (*fn)(struct case_db *, FILE *, int, struct export_counts *, struct err *), int neo4j,
		       struct export_counts *n, struct err *e)
{
	struct out o;
	if (out_open_in(&o, folder, name, e) < 0)
		return -1;
	int rc = fn(c, o.f, neo4j, n, e);
	return out_close(&o, rc == 0, e);
}

static int evidence_file(struct case_db *c, FILE *f, int neo4j, struct export_counts *n, struct err *e)
{
	return write_evidence_csv(c, f, e);
}

static int cypher_file(struct case_db *c, FILE *f, int neo4j, struct export_counts *n, struct err *e)
{
	return write_cypher(c, f, e);
}

int export_run(struct case_db *c, enum export_format fmt, const char *out, const struct export_opts *o,
	       struct export_counts *n, struct err *e)
{
	struct export_counts dummy;
	if (!n)
		n = &dummy;
	memset(n, 0, sizeof *n);
	/* one snapshot of the case for every file */
	int own_tx = sqlite3_get_autocommit(c->db);
	if (own_tx && case_exec(c, "BEGIN", "exporting", e) < 0)
		return -1;
	int rc = -1;
	if (choose(c, o, e) < 0)
		goto done;
	if (export_writes_folder(fmt)) {
		if (make_folder(out, e) < 0)
			goto done;
		if (fmt == EXPORT_CSV)
			rc = folder_file(c, out, "nodes.csv", write_nodes_csv, 0, n, e) < 0 ||
					     folder_file(c, out, "edges.csv", write_edges_csv, 0, n, e) < 0 ||
					     folder_file(c, out, "evidence.csv", evidence_file, 0, n, e) < 0
				     ? -1
				     : 0;
		else if (fmt == EXPORT_NEO4J)
			rc = folder_file(c, out, "nodes.csv", write_nodes_csv, 1, n, e) < 0 ||
					     folder_file(c, out, "relationships.csv", write_edges_csv, 1, n, e) < 0 ||
					     folder_file(c, out, "load.cypher", cypher_file, 1, n, e) < 0
				     ? -1
				     : 0;
		else
			rc = write_opensearch(c, out, n, e);
		goto done;
	}
	struct out f;
	if (out_open(&f, out, e) < 0)
		goto done;
	if (fmt == EXPORT_GEXF)
		rc = write_gexf(c, f.f, n, e);
	else if (fmt == EXPORT_GRAPHML)
		rc = write_graphml(c, f.f, n, e);
	else
		rc = write_aleph(c, f.f, n, e);
	if (out_close(&f, rc == 0, e) < 0)
		rc = -1;
done:
	if (own_tx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
