/*
 * json.c — JSON shared by the CLI and the server (see json.h).
 */
#include "json.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "graph.h"
#include "util.h"

/* s as a JSON string, invalid UTF-8 replaced by U+FFFD. */
static cJSON *str_json(const char *s)
{
	size_t n = strlen(s);
	if (utf8_valid(s, n))
		return cJSON_CreateString(s);
	struct buf b = BUF_INIT;
	utf8_repair(&b, s, n);
	cJSON *v = cJSON_CreateString(b.p ? b.p : "");
	buf_free(&b);
	return v;
}

void json_add_str(cJSON *obj, const char *key, const char *s)
{
	cJSON_AddItemToObject(obj, key, s ? str_json(s) : cJSON_CreateNull());
}

static void add_col(cJSON *obj, const char *key, sqlite3_stmt *st, int i)
{
	json_add_str(obj, key, (const char *)sqlite3_column_text(st, i));
}

/* A number, or null when the column is NULL. */
static void add_num_col(cJSON *obj, const char *key, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		cJSON_AddNullToObject(obj, key);
	else
		cJSON_AddNumberToObject(obj, key, sqlite3_column_double(st, i));
}

const char *json_entity_order(const char *sort)
{
	static const char *const keys[][2] = {
		{"mentions", "mentions DESC"},       {"documents", "docs DESC"}, {"docs", "docs DESC"},
		{"name", "name COLLATE NOCASE"},     {"pagerank", "pagerank DESC NULLS LAST"},
		{"betweenness", "betweenness DESC NULLS LAST"},
	};
	for (size_t i = 0; sort && i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(sort, keys[i][0]))
			return keys[i][1];
	return NULL;
}

cJSON *json_entity_ref(struct case_db *c, long long id)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	sqlite3_stmt *st;
	const char *name = NULL, *type = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT name, type FROM entities WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		st = NULL;
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			name = (const char *)sqlite3_column_text(st, 0);
			type = (const char *)sqlite3_column_text(st, 1);
		}
	}
	json_add_str(o, "name", name);
	json_add_str(o, "type", type);
	sqlite3_finalize(st);
	return o;
}

#define ENTITY_COLS "id, name, type, mentions, docs, pagerank, betweenness, community"

/* An entity from a row of ENTITY_COLS, its aliases read with al (alias,
 * count of one entity, most frequent first). */
static cJSON *entity_json(sqlite3_stmt *st, sqlite3_stmt *al)
{
	long long id = sqlite3_column_int64(st, 0);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	add_col(o, "name", st, 1);
	add_col(o, "type", st, 2);
	cJSON *names = cJSON_AddArrayToObject(o, "aliases"), *counts = cJSON_AddObjectToObject(o, "alias_counts");
	sqlite3_reset(al);
	sqlite3_bind_int64(al, 1, id);
	while (sqlite3_step(al) == SQLITE_ROW) {
		const char *alias = (const char *)sqlite3_column_text(al, 0);
		if (!alias)
			continue;
		cJSON *str = str_json(alias);
		cJSON_AddItemToArray(names, str);
		if (!cJSON_GetObjectItemCaseSensitive(counts, str->valuestring))
			cJSON_AddNumberToObject(counts, str->valuestring, sqlite3_column_int(al, 1));
	}
	cJSON_AddNumberToObject(o, "mentions", sqlite3_column_int(st, 3));
	cJSON_AddNumberToObject(o, "documents", sqlite3_column_int(st, 4));
	add_num_col(o, "pagerank", st, 5);
	add_num_col(o, "betweenness", st, 6);
	add_num_col(o, "community", st, 7);
	return o;
}

#define ALIASES_SQL "SELECT alias, count FROM aliases WHERE entity = ? ORDER BY count DESC, alias"

cJSON *json_entities(struct case_db *c, const char *type, const char *like, const char *sort, int limit, int offset,
		     struct err *e)
{
	const char *order = json_entity_order(sort ? sort : "mentions");
	if (!order) {
		err_set(e, "sort takes " JSON_ENTITY_SORTS);
		return NULL;
	}
	struct buf sql = BUF_INIT;
	buf_printf(&sql,
		   "SELECT " ENTITY_COLS " FROM entities"
		   " WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR instr(lower(name), lower(?2)) > 0 OR id IN"
		   " (SELECT entity FROM aliases WHERE instr(lower(alias), lower(?2)) > 0))"
		   " ORDER BY %s, id LIMIT ?3 OFFSET ?4",
		   order);
	sqlite3_stmt *st = NULL, *al = NULL;
	int bad = case_prepare(c, sql.p, &st, "listing entities", e) < 0 ||
		  case_prepare(c, ALIASES_SQL, &al, "listing entities", e) < 0;
	buf_free(&sql);
	if (bad) {
		sqlite3_finalize(st);
		return NULL;
	}
	case_bind_text(st, 1, type);
	case_bind_text(st, 2, like);
	sqlite3_bind_int(st, 3, limit);
	sqlite3_bind_int(st, 4, offset);
	cJSON *arr = cJSON_CreateArray();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cJSON_AddItemToArray(arr, entity_json(st, al));
	if (rc != SQLITE_DONE) {
		case_fail(c, "listing entities", e);
		cJSON_Delete(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(al);
	return arr;
}

cJSON *json_entity(struct case_db *c, long long id, int nlinks, int nev, struct err *e)
{
	sqlite3_stmt *st = NULL, *al = NULL, *docs = NULL;
	if (case_prepare(c, "SELECT " ENTITY_COLS " FROM entities WHERE id = ?", &st, "reading the entity", e) < 0 ||
	    case_prepare(c, ALIASES_SQL, &al, "reading the entity", e) < 0 ||
	    case_prepare(c,
			 "SELECT d.id, d.title, d.date, count(*),"
			 " (SELECT path FROM paths WHERE doc = d.id ORDER BY container IS NOT NULL, path LIMIT 1)"
			 " FROM mentions m JOIN documents d ON d.id = m.doc WHERE m.entity = ? GROUP BY d.id"
			 " ORDER BY count(*) DESC, d.date LIMIT 100",
			 &docs, "reading the entity", e) < 0) {
		sqlite3_finalize(st);
		sqlite3_finalize(al);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(docs, 1, id);
	cJSON *o = NULL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o = entity_json(st, al);
		cJSON *da = cJSON_AddArrayToObject(o, "top_documents");
		while ((rc = sqlite3_step(docs)) == SQLITE_ROW) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddNumberToObject(d, "id", (double)sqlite3_column_int64(docs, 0));
			add_col(d, "title", docs, 1);
			add_col(d, "date", docs, 2);
			cJSON_AddNumberToObject(d, "mentions", sqlite3_column_int(docs, 3));
			add_col(d, "path", docs, 4);
			cJSON_AddItemToArray(da, d);
		}
		if (rc == SQLITE_DONE && nlinks > 0) {
			cJSON *links = json_links(c, id, NULL, 0, nlinks, nev, e);
			if (!links)
				rc = -1;
			else
				cJSON_AddItemToObject(o, "links", cJSON_DetachItemFromObject(links, "links"));
			cJSON_Delete(links);
		} else if (rc == SQLITE_DONE) {
			cJSON_AddArrayToObject(o, "links");
		}
	}
	if (rc != SQLITE_DONE) {
		if (rc != -1)
			case_fail(c, "reading the entity", e);
		cJSON_Delete(o);
		o = NULL;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(al);
	sqlite3_finalize(docs);
	return o;
}

static cJSON *evidence_json(const struct graph_link *l)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; i < l->nev; i++) {
		const struct graph_evidence *v = &l->ev[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "doc", (double)v->doc);
		json_add_str(o, "path", v->path);
		json_add_str(o, "sentence", v->text);
		cJSON_AddNumberToObject(o, "sentence_index", v->sentence);
		cJSON_AddNumberToObject(o, "start", (double)v->start);
		cJSON_AddNumberToObject(o, "end", (double)v->end);
		cJSON *marks = cJSON_AddArrayToObject(o, "marks");
		for (int k = 0; k < v->nmarks; k++) {
			cJSON *m = cJSON_CreateArray();
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)v->marks[k][0]));
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)v->marks[k][1]));
			cJSON_AddItemToArray(marks, m);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *json_link(long long self, const char *self_name, const char *self_type, const struct graph_link *l)
{
	cJSON *o = cJSON_CreateObject();
	json_add_str(o, "source", self_name);
	json_add_str(o, "target", l->name);
	cJSON_AddNumberToObject(o, "source_id", (double)self);
	cJSON_AddNumberToObject(o, "target_id", (double)l->other);
	json_add_str(o, "source_type", self_type);
	json_add_str(o, "target_type", l->type);
	cJSON *kinds = cJSON_AddArrayToObject(o, "kinds"), *rel = cJSON_AddArrayToObject(o, "relations");
	for (int i = 0; i < l->nkinds; i++) {
		const struct graph_kind *k = &l->kinds[i];
		if (!i || strcmp(k->kind, l->kinds[i - 1].kind))
			cJSON_AddItemToArray(kinds, cJSON_CreateString(k->kind));
		if (!k->dir)
			continue;
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "kind", k->kind);
		json_add_str(r, "from", k->dir > 0 ? self_name : l->name);
		json_add_str(r, "to", k->dir > 0 ? l->name : self_name);
		cJSON_AddItemToArray(rel, r);
	}
	cJSON_AddNumberToObject(o, "weight", l->weight);
	cJSON_AddNumberToObject(o, "score", l->score);
	cJSON_AddNumberToObject(o, "docs", l->docs);
	cJSON_AddNumberToObject(o, "sentences", l->sentences);
	cJSON_AddNumberToObject(o, "edge", (double)l->edge);
	cJSON_AddItemToObject(o, "evidence", evidence_json(l));
	return o;
}

/* The name and type of ref (an entity_ref object). */
static const char *ref_str(const cJSON *ref, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ref, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

cJSON *json_links(struct case_db *c, long long id, const char *kind, double min_weight, int limit, int nev,
		  struct err *e)
{
	struct graph_link *v;
	int n;
	if (graph_links(c, id, kind, min_weight, limit, nev, &v, &n, e) < 0)
		return NULL;
	cJSON *root = cJSON_CreateObject(), *ref = json_entity_ref(c, id);
	cJSON_AddItemToObject(root, "entity", ref);
	cJSON *arr = cJSON_AddArrayToObject(root, "links");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, json_link(id, ref_str(ref, "name"), ref_str(ref, "type"), &v[i]));
	graph_links_free(v, n);
	return root;
}

static cJSON *hops_json(const struct graph_path *p)
{
	cJSON *arr = cJSON_CreateArray();
	for (int h = 1; h < p->nhops; h++) {
		const struct graph_link *prev = &p->hops[h - 1];
		cJSON_AddItemToArray(arr, json_link(prev->other, prev->name, prev->type, &p->hops[h]));
	}
	return arr;
}

cJSON *json_path(struct case_db *c, long long from, long long to, int k, int nev, unsigned flags, int *found,
		 struct err *e)
{
	struct graph_path *p;
	int np;
	*found = 0;
	if (graph_path(c, from, to, k, nev, flags, &p, &np, e) < 0)
		return NULL;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "from", json_entity_ref(c, from));
	cJSON_AddItemToObject(root, "to", json_entity_ref(c, to));
	if (np > 0)
		cJSON_AddNumberToObject(root, "cost", p[0].cost);
	else
		cJSON_AddNullToObject(root, "cost");
	cJSON_AddItemToObject(root, "hops", np > 0 ? hops_json(&p[0]) : cJSON_CreateArray());
	cJSON *alt = cJSON_AddArrayToObject(root, "alternatives");
	for (int i = 1; i < np; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "cost", p[i].cost);
		cJSON_AddItemToObject(o, "hops", hops_json(&p[i]));
		cJSON_AddItemToArray(alt, o);
	}
	*found = np;
	graph_paths_free(p, np);
	return root;
}

cJSON *json_communities(struct case_db *c, int limit, int nmembers, struct err *e)
{
	sqlite3_stmt *st = NULL, *mem = NULL, *links = NULL;
	if (case_prepare(c,
			 "SELECT community, count(*), sum(type = 'PER'), sum(type = 'ORG'), sum(type = 'LOC'),"
			 " sum(type = 'MISC') FROM entities WHERE community IS NOT NULL"
			 " GROUP BY community ORDER BY count(*) DESC, community LIMIT ?",
			 &st, "listing communities", e) < 0 ||
	    case_prepare(c,
			 "SELECT id, name, type, pagerank FROM entities WHERE community = ?"
			 " ORDER BY type IN ('PER', 'ORG') DESC, pagerank DESC, id LIMIT ?",
			 &mem, "listing communities", e) < 0 ||
	    /* CROSS JOIN keeps this order (the members, then their edges by the
	     * (a, b, kind) index): left to itself SQLite scans every edge for
	     * each community, 7 s for the corpus' top 20 */
	    case_prepare(c,
			 "SELECT count(*) FROM entities m CROSS JOIN edges x ON x.a = m.id"
			 " CROSS JOIN entities o ON o.id = x.b AND o.community = m.community WHERE m.community = ?",
			 &links, "listing communities", e) < 0) {
		sqlite3_finalize(st);
		sqlite3_finalize(mem);
		return NULL;
	}
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	cJSON *arr = cJSON_CreateArray();
	static const char *const types[] = {"PER", "ORG", "LOC", "MISC"};
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "community", (double)id);
		cJSON_AddNumberToObject(o, "size", sqlite3_column_int(st, 1));
		cJSON *t = cJSON_AddObjectToObject(o, "types");
		for (int i = 0; i < 4; i++)
			cJSON_AddNumberToObject(t, types[i], sqlite3_column_int(st, 2 + i));
		cJSON *m = cJSON_AddArrayToObject(o, "members");
		struct buf label = BUF_INIT;
		sqlite3_reset(mem);
		sqlite3_bind_int64(mem, 1, id);
		sqlite3_bind_int(mem, 2, nmembers > 3 ? nmembers : 3);
		for (int k = 0; sqlite3_step(mem) == SQLITE_ROW; k++) {
			if (k < 3)
				buf_printf(&label, "%s%s", k ? ", " : "", (const char *)sqlite3_column_text(mem, 1));
			if (k >= nmembers)
				continue;
			cJSON *x = cJSON_CreateObject();
			cJSON_AddNumberToObject(x, "id", (double)sqlite3_column_int64(mem, 0));
			add_col(x, "name", mem, 1);
			add_col(x, "type", mem, 2);
			add_num_col(x, "pagerank", mem, 3);
			cJSON_AddItemToArray(m, x);
		}
		sqlite3_reset(links);
		sqlite3_bind_int64(links, 1, id);
		cJSON_AddNumberToObject(o, "links", sqlite3_step(links) == SQLITE_ROW ? sqlite3_column_int(links, 0) : 0);
		json_add_str(o, "label", label.p ? label.p : "");
		buf_free(&label);
		cJSON_AddItemToArray(arr, o);
	}
	if (rc != SQLITE_DONE) {
		case_fail(c, "listing communities", e);
		cJSON_Delete(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(mem);
	sqlite3_finalize(links);
	return arr;
}

static long long one(struct case_db *c, const char *sql)
{
	sqlite3_stmt *st;
	long long v = 0;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

cJSON *json_stats(struct case_db *c, struct err *e)
{
	sqlite3_stmt *st = NULL, *dt = NULL;
	if (case_prepare(c,
			 "SELECT type, count(*) FROM documents WHERE status IN ('ok','needs_ocr')"
			 " GROUP BY type ORDER BY count(*) DESC",
			 &st, "counting", e) < 0 ||
	    case_prepare(c, "SELECT min(date), max(date) FROM documents WHERE status='ok' AND date_suspect=0", &dt,
			 "counting", e) < 0) {
		sqlite3_finalize(st);
		return NULL;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "documents",
				(double)one(c, "SELECT count(*) FROM documents WHERE status IN ('ok','needs_ocr')"));
	cJSON_AddNumberToObject(o, "failed", (double)one(c, "SELECT count(*) FROM failures"));
	cJSON_AddNumberToObject(o, "needs_ocr", (double)one(c, "SELECT count(*) FROM documents WHERE status='needs_ocr'"));
	cJSON_AddNumberToObject(o, "bytes", (double)one(c, "SELECT total(size) FROM documents"
							 " WHERE status IN ('ok','needs_ocr') AND parent IS NULL"));
	cJSON_AddNumberToObject(o, "paths", (double)one(c, "SELECT count(*) FROM paths"));
	cJSON_AddBoolToObject(o, "encrypted", c->encrypted);
	cJSON *bt = cJSON_AddObjectToObject(o, "by_type");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		cJSON_AddNumberToObject(bt, t ? t : "unknown", (double)sqlite3_column_int64(st, 1));
	}
	int have = sqlite3_step(dt) == SQLITE_ROW;
	json_add_str(o, "first_date", have ? (const char *)sqlite3_column_text(dt, 0) : NULL);
	json_add_str(o, "last_date", have ? (const char *)sqlite3_column_text(dt, 1) : NULL);
	sqlite3_finalize(st);
	sqlite3_finalize(dt);
	return o;
}

/* ---- printing ----
 *
 * cJSON_PrintUnformatted() prints every number with sprintf("%1.15g") and
 * reads it back with sscanf() to check it: on a network view of a thousand
 * links (seven thousand numbers) that was most of weft serve's time.  This
 * prints the same bytes, integers without the round trip and strings in
 * runs. */

void json_buf_str(struct buf *b, const char *s)
{
	buf_add_json_str(b, s ? s : "", s ? strlen(s) : 0);
}

void json_buf_num(struct buf *b, double d)
{
	char out[32];
	if (isnan(d) || isinf(d)) {
		buf_adds(b, "null");
	} else if (fabs(d) < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d))) {
		/* what "%1.15g" prints for it */
		long long x = (long long)d;
		if (x < 0)
			buf_addc(b, '-');
		buf_add_uint(b, x < 0 ? -(unsigned long long)x : (unsigned long long)x);
	} else {
		/* as cJSON: 15 digits when they read back as the same double */
		snprintf(out, sizeof out, "%1.15g", d);
		double back = strtod(out, NULL), m = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
		if (!(fabs(back - d) <= m * DBL_EPSILON))
			snprintf(out, sizeof out, "%1.17g", d);
		buf_adds(b, out);
	}
}

static void print_value(struct buf *b, const cJSON *v)
{
	switch (v->type & 0xFF) {
	case cJSON_False: buf_adds(b, "false"); break;
	case cJSON_True: buf_adds(b, "true"); break;
	case cJSON_Number: json_buf_num(b, v->valuedouble); break;
	case cJSON_String: json_buf_str(b, v->valuestring); break;
	case cJSON_Raw: buf_adds(b, v->valuestring ? v->valuestring : ""); break;
	case cJSON_Array:
	case cJSON_Object: {
		int obj = (v->type & 0xFF) == cJSON_Object;
		buf_addc(b, obj ? '{' : '[');
		for (const cJSON *x = v->child; x; x = x->next) {
			if (x != v->child)
				buf_addc(b, ',');
			if (obj) {
				json_buf_str(b, x->string);
				buf_addc(b, ':');
			}
			print_value(b, x);
		}
		buf_addc(b, obj ? '}' : ']');
		break;
	}
	default: buf_adds(b, "null"); break;
	}
}

char *json_print(const struct cJSON *v, size_t *len)
{
	struct buf b = BUF_INIT;
	print_value(&b, v);
	if (len)
		*len = b.len;
	return b.p;
}
