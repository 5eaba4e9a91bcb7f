/*
 * test_extract.c — extract_any() picking the extractor by content, here for
 * the annotation formats of linguists' tools (extract/conll.c), on small
 * files the test writes itself: CoNLL-U with document metadata, paragraphs,
 * "# text =" lines and tag columns that must not reach the text; CoNLL-U
 * without text lines (tokens spaced by SpaceAfter=No, multiword tokens
 * once, empty nodes left out); WebAnno TSV whose "#Text=" lines are
 * tokens joined by spaces, or the text as written; CoNLL-2012 with OntoNotes' columns and escapes,
 * and GUM's, without sentence breaks; files that only look like one of
 * them (a spreadsheet, prose quoting a comment line); damaged ones
 * (truncated, mostly garbage, a header and nothing else, CRLF and a BOM,
 * a NUL byte, Latin-1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "text.h"

/* ---- helpers ---- */

static magic_t magic; /* as ingest opens it */

/* Runs extract_any on s (name: the file name hint); fails the test if it
 * fails. */
static void extract(const char *s, size_t len, const char *name, struct xdoc *d)
{
	struct xctx x;
	memset(&x, 0, sizeof x);
	x.magic = magic;
	struct err e = {""};
	xdoc_init(d);
	if (extract_any(&x, s, len, name, d, &e))
		fail_msg("extract_any(%s): %s", name, e.msg);
}

static void extracts(const char *s, const char *name, struct xdoc *d)
{
	extract(s, strlen(s), name, d);
}

static const char *meta(const struct xdoc *d, const char *key)
{
	const cJSON *v = d->meta ? cJSON_GetObjectItemCaseSensitive(d->meta, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void assert_lacks(const struct xdoc *d, const char *s)
{
	if (d->text.p && strstr(d->text.p, s))
		fail_msg("text holds \"%s\":\n%s", s, d->text.p);
}

/* The sentences text_split finds in d's text, as "a|b|c". */
static char *sentences(const struct xdoc *d)
{
	struct text_doc td = TEXT_DOC_INIT;
	struct err e = {""};
	assert_int_equal(text_split(d->text.p, d->text.len, &td, &e), 0);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < td.nsents; i++) {
		if (i)
			buf_addc(&b, '|');
		buf_add(&b, d->text.p + td.sents[i].start, td.sents[i].end - td.sents[i].start);
	}
	text_doc_free(&td);
	return buf_detach(&b);
}

/* ---- CoNLL-U ---- */

/* Two paragraphs: a headline and a dateline (no full stops), then a
 * paragraph of two sentences; the tag columns are full of the words that
 * became "organisations" when such files were read as plain text. */
static const char conllu_doc[] =
	"# newdoc id = demo_harbour\n"
	"# meta::title = Harbour reopens after the storm\n"
	"# meta::dateCreated = 2021-03-04\n"
	"# meta::author = Desk Reporter\n"
	"# meta::sourceURL = https://example.org/harbour\n"
	"# newpar\n"
	"# sent_id = demo_harbour-1\n"
	"# text = Harbour reopens after the storm\n"
	"1\tHarbour\tharbour\tNOUN\tNN\tNumber=Sing\t2\tnsubj\t_\t_\n"
	"2\treopens\treopen\tVERB\tVBZ\tVerbForm=Fin\t0\troot\t_\t_\n"
	"3\tafter\tafter\tADP\tIN\t_\t5\tcase\t_\t_\n"
	"4\tthe\tthe\tDET\tDT\tDefinite=Def|PronType=Art\t5\tdet\t_\t_\n"
	"5\tstorm\tstorm\tNOUN\tNN\tNumber=Sing\t2\tobl\t_\t_\n"
	"\n"
	"# sent_id = demo_harbour-2\n"
	"# text = Monday, March 1, 2021\n"
	"1\tMonday\tMonday\tPROPN\tNNP\tNumber=Sing\t0\troot\t_\tSpaceAfter=No\n"
	"2\t,\t,\tPUNCT\t,\t_\t1\tpunct\t_\t_\n"
	"3\tMarch\tMarch\tPROPN\tNNP\tNumber=Sing\t1\tappos\t_\t_\n"
	"4\t1\t1\tNUM\tCD\tNumType=Card\t3\tnummod\t_\tSpaceAfter=No\n"
	"5\t,\t,\tPUNCT\t,\t_\t6\tpunct\t_\t_\n"
	"6\t2021\t2021\tNUM\tCD\tNumType=Card\t3\tnmod\t_\t_\n"
	"\n"
	"# newpar\n"
	"# sent_id = demo_harbour-3\n"
	"# text = Ships left Rotterdam on Monday.\n"
	"1\tShips\tship\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_\n"
	"2\tleft\tleave\tVERB\tVBD\tTense=Past|VerbForm=Fin\t0\troot\t_\t_\n"
	"3\tRotterdam\tRotterdam\tPROPN\tNNP\tNumber=Sing\t2\tobj\t_\tEntity=(place-1)\n"
	"4\ton\ton\tADP\tIN\t_\t5\tcase\t_\t_\n"
	"5\tMonday\tMonday\tPROPN\tNNP\tNumber=Sing\t2\tobl\t_\tSpaceAfter=No\n"
	"6\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n"
	"\n"
	"# sent_id = demo_harbour-4\n"
	"# text = The mayor's office said so.\n"
	"1-2\tmayor's\t_\t_\t_\t_\t_\t_\t_\t_\n"
	"1\tThe\tthe\tDET\tDT\t_\t3\tdet\t_\t_\n"
	"2\tmayor\tmayor\tNOUN\tNN\t_\t3\tnmod:poss\t_\t_\n"
	"3\toffice\toffice\tNOUN\tNN\t_\t4\tnsubj\t_\t_\n"
	"4\tsaid\tsay\tVERB\tVBD\t_\t0\troot\t_\t_\n"
	"5\tso\tso\tADV\tRB\t_\t4\tadvmod\t_\tSpaceAfter=No\n"
	"6\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n"
	"\n";

static void test_conllu(void **state)
{
	(void)state;
	struct xdoc d;
	extracts(conllu_doc, "harbour.txt", &d); /* by content, not by name */
	assert_string_equal(d.type, "conllu");
	assert_string_equal(d.text.p, "Harbour reopens after the storm\n"
				      "\n"
				      "Monday, March 1, 2021\n"
				      "\n"
				      "Ships left Rotterdam on Monday.\n"
				      "The mayor's office said so.");
	assert_string_equal(d.title, "Harbour reopens after the storm");
	assert_string_equal(d.date, "2021-03-04");
	assert_int_equal(d.date_suspect, 0);
	assert_string_equal(d.author, "Desk Reporter");
	assert_string_equal(meta(&d, "doc_id"), "demo_harbour");
	assert_string_equal(meta(&d, "source_url"), "https://example.org/harbour");
	assert_string_equal(meta(&d, "format"), "CoNLL-U");
	assert_null(meta(&d, "malformed_lines"));
	static const char *const tags[] = {"VerbForm", "NOUN", "PROPN", "Definite", "nsubj", "NNP",
					   "sent_id", "\t", "Entity", NULL};
	for (int i = 0; tags[i]; i++)
		assert_lacks(&d, tags[i]);
	/* the headline and the dateline stay sentences of their own */
	char *s = sentences(&d);
	assert_string_equal(s, "Harbour reopens after the storm|Monday, March 1, 2021|"
			       "Ships left Rotterdam on Monday.|The mayor's office said so.");
	free(s);
	xdoc_free(&d);
}

/* No "# text =" lines: the tokens, spaced by SpaceAfter=No, the multiword
 * token's surface form once, the empty node (7.1) left out.  Without
 * "# text" or "# sent_id" the name's extension decides. */
static void test_conllu_tokens_only(void **state)
{
	(void)state;
	const char *f = "1\tShe\tshe\tPRON\t_\t_\t2\tnsubj\t_\t_\n"
			"2-3\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
			"2\tdid\tdo\tAUX\t_\t_\t4\taux\t_\t_\n"
			"3\tn't\tnot\tPART\t_\t_\t4\tadvmod\t_\t_\n"
			"4\tcall\tcall\tVERB\t_\t_\t0\troot\t_\t_\n"
			"4.1\tcalled\tcall\tVERB\t_\t_\t_\t_\t0:root\t_\n"
			"5\t(\t(\tPUNCT\t_\t_\t6\tpunct\t_\tSpaceAfter=No\n"
			"6\tyet\tyet\tADV\t_\t_\t4\tadvmod\t_\tSpaceAfter=No\n"
			"7\t)\t)\tPUNCT\t_\t_\t6\tpunct\t_\tSpaceAfter=No\n"
			"8\t.\t.\tPUNCT\t_\t_\t4\tpunct\t_\t_\n"
			"\n"
			"1\tNobody\tnobody\tPRON\t_\t_\t2\tnsubj\t_\t_\n"
			"2\tanswered\tanswer\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No\n"
			"3\t!\t!\tPUNCT\t_\t_\t2\tpunct\t_\t_\n";
	struct xdoc d;
	extracts(f, "calls.conllu", &d);
	assert_string_equal(d.type, "conllu");
	assert_string_equal(d.text.p, "She didn't call (yet).\nNobody answered!");
	assert_string_equal(d.title, "She didn't call (yet).");
	xdoc_free(&d);
	/* the same bytes under another name are a table of plain text */
	extracts(f, "calls.txt", &d);
	assert_string_equal(d.type, "text");
	xdoc_free(&d);
}

/* ---- WebAnno TSV ---- */

static void test_webanno(void **state)
{
	(void)state;
	const char *f =
		"#FORMAT=WebAnno TSV 3.2\n"
		"#T_SP=webanno.custom.Referent|entity|identity\n"
		"#T_RL=webanno.custom.Coref|type|BT_webanno.custom.Referent\n"
		"#Summary1=A machine summary that is not the text\n"
		"\n"
		"\n"
		"#Text=Talks in Oslo\n"
		"1-1\t0-5\tTalks\tevent[1]\t_\t_\t\n"
		"1-2\t6-8\tin\tevent[1]\t_\t_\t\n"
		"1-3\t9-13\tOslo\tevent[1]|place[2]\tOslo[2]\t_\t\n"
		"\n"
		"#Text=\" We won 't stop , \" Ana Lima ( the minister ) told the U.N. 's envoy .\n"
		"2-1\t14-15\t\"\t_\t_\t_\t\n"
		"2-2\t16-18\tWe\tperson[3]\t_\t_\t\n"
		"2-3\t19-21\two\t_\t_\t_\t\n"
		"\n"
		"#Text=Her self - imposed deadline : May 1 - June 30 .\n"
		"3-1\t90-93\tHer\tperson[3]\t_\t_\t\n"
		"\n"
		/* an export that keeps the text as written: more tokens than words */
		"#Text=Rain (again) in Lyon - sadly.\n"
		"4-1\t135-139\tRain\t_\t_\t_\t\n"
		"4-2\t140-141\t(\t_\t_\t_\t\n"
		"4-3\t141-146\tagain\t_\t_\t_\t\n"
		"4-4\t146-147\t)\t_\t_\t_\t\n"
		"4-5\t148-150\tin\t_\t_\t_\t\n"
		"4-6\t151-155\tLyon\tplace[4]\t_\t_\t\n"
		"4-6.1\t151-153\tLy\t_\t_\t_\t\n"
		"4-7\t156-157\t-\t_\t_\t_\t\n"
		"4-8\t158-163\tsadly\t_\t_\t_\t\n"
		"4-9\t163-164\t.\t_\t_\t_\t\n";
	struct xdoc d;
	extracts(f, "talks.tsv", &d);
	assert_string_equal(d.type, "webanno");
	assert_string_equal(d.text.p, "Talks in Oslo\n"
				      "\n"
				      "\"We won't stop,\" Ana Lima (the minister) told the U.N.'s envoy.\n"
				      "Her self-imposed deadline: May 1 - June 30.\n"
				      "Rain (again) in Lyon - sadly.");
	assert_string_equal(d.title, "Talks in Oslo");
	assert_string_equal(meta(&d, "format"), "WebAnno TSV");
	assert_lacks(&d, "summary");
	assert_lacks(&d, "event[");
	assert_lacks(&d, "webanno");
	xdoc_free(&d);
}

/* ---- CoNLL-2012 ---- */

static void test_conll2012_ontonotes(void **state)
{
	(void)state;
	/* OntoNotes' columns (document, part, index, word, POS, ...), spaces
	 * between them, escaped brackets, blank lines between sentences */
	const char *f = "#begin document (bc/demo/00/demo_0001); part 000\n"
			"bc/demo/00/demo_0001   0   0   Officials   NNS   (TOP(S(NP*)   -   -   -   -   *   (0)\n"
			"bc/demo/00/demo_0001   0   1   met         VBD   (VP*        -   -   -   -   *   -\n"
			"bc/demo/00/demo_0001   0   2   -LRB-       -LRB- *           -   -   -   -   *   -\n"
			"bc/demo/00/demo_0001   0   3   again       RB    *           -   -   -   -   *   -\n"
			"bc/demo/00/demo_0001   0   4   -RRB-       -RRB- *           -   -   -   -   *   -\n"
			"bc/demo/00/demo_0001   0   5   /.          .     *))         -   -   -   -   *   -\n"
			"\n"
			"bc/demo/00/demo_0001   0   0   nobody      NN    (TOP*       -   -   -   -   *   -\n"
			"bc/demo/00/demo_0001   0   1   knew        VBD   *)          -   -   -   -   *   -\n"
			"\n"
			"#end document\n";
	struct xdoc d;
	extracts(f, "demo.conll", &d);
	assert_string_equal(d.type, "conll");
	assert_string_equal(d.text.p, "Officials met (again).\nnobody knew");
	assert_string_equal(meta(&d, "doc_id"), "bc/demo/00/demo_0001");
	assert_string_equal(meta(&d, "format"), "CoNLL-2012");
	assert_lacks(&d, "NNS");
	assert_lacks(&d, "TOP");
	xdoc_free(&d);
}

/* An index and a word per line, coreference brackets after them, no blank
 * line between sentences: they are cut after a full stop and its closing
 * quote when the next word could start a sentence. */
static void test_conll2012_no_breaks(void **state)
{
	(void)state;
	const char *f = "# begin document demo_river\n"
			"0\tThe\t(place-1\n"
			"1\triver\tplace-1)\n"
			"2\trose\t_\n"
			"3\t.\t_\n"
			"4\t\"\t_\n"
			"5\tIt\t(place-1)\n"
			"6\tflooded\t_\n"
			"7\t,\t_\n"
			"8\t\"\t_\n"
			"9\tsaid\t_\n"
			"10\tMr.\t(person-2\n"
			"11\tOkafor\tperson-2)\n"
			"12\t.\t_\n"
			"13\t3\t_\n"
			"14\tdied\t_\n"
			"15\t.\t_\n"
			"# end document\n";
	struct xdoc d;
	extracts(f, "river.conll", &d);
	assert_string_equal(d.type, "conll");
	assert_string_equal(d.text.p, "The river rose.\n\"It flooded,\" said Mr. Okafor.\n3 died.");
	assert_string_equal(meta(&d, "doc_id"), "demo_river");
	assert_lacks(&d, "place-1");
	xdoc_free(&d);
}

/* ---- look-alikes and damage ---- */

static void test_lookalikes(void **state)
{
	(void)state;
	struct xdoc d;
	/* a spreadsheet with ten columns and a numbered first column */
	const char *sheet = "1\tAcme\tOslo\t3\t4\t5\t6\t7\t8\t9\n"
			    "2\tBeta\tRome\t3\t4\t5\t6\t7\t8\t9\n";
	extracts(sheet, "accounts.tsv", &d);
	assert_string_equal(d.type, "text");
	xdoc_free(&d);
	/* prose that quotes a CoNLL-U comment */
	const char *prose = "Parsers write lines such as\n# text = Hello world\nbefore each sentence.\n";
	extracts(prose, "notes.txt", &d);
	assert_string_equal(d.type, "text");
	assert_string_equal(d.text.p, prose);
	xdoc_free(&d);
	/* a CoNLL-U comment block, then prose with a tab: not a token table */
	const char *mixed = "# sent_id = 1\n# text = A line.\nThen\tprose follows here.\n";
	extracts(mixed, "mixed.txt", &d);
	assert_string_equal(d.type, "text");
	xdoc_free(&d);
}

static void test_damaged(void **state)
{
	(void)state;
	struct xdoc d;
	/* truncated in the middle of a token line: the sentence is whole */
	size_t cut = (size_t)(strstr(conllu_doc, "3\tRotterdam") - conllu_doc) + 7;
	extract(conllu_doc, cut, "harbour.conllu", &d);
	assert_string_equal(d.type, "conllu");
	assert_string_equal(d.text.p, "Harbour reopens after the storm\n\nMonday, March 1, 2021\n\n"
				      "Ships left Rotterdam on Monday.");
	assert_string_equal(meta(&d, "malformed_lines"), "1");
	xdoc_free(&d);

	/* a CoNLL-U start, then mostly garbage: read as plain text, nothing lost */
	struct buf b = BUF_INIT;
	buf_adds(&b, "# sent_id = x-1\n# text = A start.\n1\tA\ta\tDET\t_\t_\t0\troot\t_\t_\n\n");
	while (b.len < 9000)
		buf_adds(&b, "a line of something else\twith a tab\n");
	extract(b.p, b.len, "broken.conllu", &d);
	assert_string_equal(d.type, "text"); /* garbage in the first 8 KB: not taken for one */
	xdoc_free(&d);
	buf_reset(&b);
	buf_adds(&b, "# sent_id = x-1\n# text = A start.\n1\tA\ta\tDET\t_\t_\t0\troot\t_\t_\n\n");
	for (int i = 0; i < 400; i++)
		buf_adds(&b, "1\tA\ta\tDET\t_\t_\t0\troot\t_\t_\n");
	while (b.len < 30000)
		buf_adds(&b, "garbage\twith a tab\n");
	extract(b.p, b.len, "broken.conllu", &d);
	assert_string_equal(d.type, "text"); /* the first 8 KB look right, the rest not */
	assert_non_null(meta(&d, "read_as"));
	assert_non_null(strstr(d.text.p, "garbage\twith a tab"));
	xdoc_free(&d);
	buf_free(&b);

	/* a WebAnno header and nothing else */
	const char *hdr = "#FORMAT=WebAnno TSV 3.2\n#T_SP=webanno.custom.Referent|entity\n";
	extracts(hdr, "empty.tsv", &d);
	assert_string_equal(d.type, "text");
	assert_string_equal(meta(&d, "read_as"), "plain text: WebAnno TSV with no sentences");
	assert_string_equal(d.text.p, hdr);
	xdoc_free(&d);

	/* CRLF line ends and a byte-order mark; an empty "# text =" */
	const char *crlf = "\xEF\xBB\xBF#FORMAT=WebAnno TSV 3.2\r\n\r\n#Text=Rain in Lyon .\r\n"
			   "1-1\t0-4\tRain\t_\r\n\r\n#Text=\r\n\r\n#Text=Snow next .\r\n";
	extracts(crlf, "crlf.tsv", &d);
	assert_string_equal(d.type, "webanno");
	assert_string_equal(d.text.p, "Rain in Lyon.\nSnow next.");
	xdoc_free(&d);

	/* a NUL byte in a text line: a space, counted invalid */
	static const char nul[] = "# sent_id = 1\n# text = Ink\0blots dry.\n"
				  "1\tInk\t_\t_\t_\t_\t0\troot\t_\t_\n";
	extract(nul, sizeof nul - 1, "nul.conllu", &d);
	assert_string_equal(d.type, "conllu");
	assert_string_equal(d.text.p, "Ink blots dry.");
	assert_int_equal(d.invalid_bytes, 1);
	xdoc_free(&d);

	/* a title of NUL bytes and spaces is no title: the first sentence is */
	static const char nult[] = "# meta::title = \0 \0\n# sent_id = 1\n# text = Ink dries.\n"
				   "1\tInk\t_\t_\t_\t_\t0\troot\t_\t_\n";
	extract(nult, sizeof nult - 1, "nult.conllu", &d);
	assert_string_equal(d.title, "Ink dries.");
	xdoc_free(&d);

	/* Latin-1 bytes in a CoNLL-U file: converted, not dropped */
	const char *latin = "# sent_id = 1\n# text = Caf\xe9 in S\xe3o Paulo.\n"
			    "1\tCaf\xe9\t_\t_\t_\t_\t0\troot\t_\t_\n";
	extracts(latin, "latin.conllu", &d);
	assert_string_equal(d.type, "conllu");
	assert_string_equal(d.text.p, "Caf\xc3\xa9 in S\xc3\xa3o Paulo.");
	xdoc_free(&d);
}

int main(void)
{
	extract_global_init();
	magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!magic || magic_load(magic, NULL) < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conllu),
		cmocka_unit_test(test_conllu_tokens_only),
		cmocka_unit_test(test_webanno),
		cmocka_unit_test(test_conll2012_ontonotes),
		cmocka_unit_test(test_conll2012_no_breaks),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_damaged),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	magic_close(magic);
	return rc;
}
