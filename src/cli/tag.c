/*
 * tag.c — `weft tag`: runs the NER model (and the DATE/EMAIL/URL/PHONE
 * rules) over raw text files or a CoNLL column file and prints the result.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ner.h"
#include "util.h"

const char help_tag[] =
	"usage: weft tag [--model FILE] [--json] [--sentences] [FILE...]\n"
	"       weft tag [--model FILE] --conll FILE\n"
	"\n"
	"Finds the people (PER), organizations (ORG), places (LOC), other names\n"
	"(MISC), dates (DATE), e-mail addresses (EMAIL), URLs (URL) and phone\n"
	"numbers (PHONE) in UTF-8 text files (standard input if none, or '-').\n"
	"Prints one mention per line: TYPE<TAB>start<TAB>end<TAB>text, where start\n"
	"and end are byte offsets into the file (text[start,end) is the mention;\n"
	"line breaks inside it are printed as spaces).  With several files each\n"
	"line starts with the file name and a TAB.\n"
	"\n"
	"With --conll, reads a CoNLL column file (token in the first column;\n"
	"-DOCSTART- lines and blank lines are boundaries and are echoed as they\n"
	"are) and prints token<TAB>TAG for each token, with IOB2 tags (B-PER,\n"
	"I-ORG, O, ...).\n"
	"\n"
	"options:\n"
	"  --model FILE   model to use (default: $WEFT_MODEL, else\n"
	"                 <weft dir>/../models/ner.model, else\n"
	"                 <weft dir>/../share/weft/models/ner.model)\n"
	"  --json         print a JSON array of {type, start, end, text, sentence,\n"
	"                 value} objects (plus \"file\" with several files)\n"
	"  --sentences    also print each sentence as SENT<TAB>start<TAB>end\n"
	"  --stats        print token, sentence and mention counts on stderr\n"
	"  --conll FILE   tag a CoNLL column file ('-' for standard input)\n";

static int slurp(const char *path, struct buf *b, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return err_set(e, "%s: %s", path, strerror(errno));
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(b, tmp, n);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad)
		return err_set(e, "%s: read error", path);
	if (!b->p)
		buf_grow(b, 1);
	return 0;
}

/* Prints s with tabs and line breaks turned into spaces. */
static void put_flat(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		fputc(c == '\n' || c == '\r' || c == '\t' ? ' ' : c, out);
	}
}

struct line {
	size_t a, tok_end, end;  /* line start, end of first column, end of line */
	int kind;                 /* 0 token, 1 blank, 2 -DOCSTART- */
};

/* Tags the document made of lines[l0,l1) and prints them. */
static int conll_doc(const struct ner_model *m, const char *data, const struct line *lines, size_t l0,
		     size_t l1, struct buf *out, struct err *e)
{
	size_t nt = 0, ns = 0;
	for (size_t i = l0; i < l1; i++)
		nt += lines[i].kind == 0;
	struct ner_tok *toks = xmalloc((nt + 1) * sizeof *toks);
	size_t *ss = xmalloc((nt + 2) * sizeof *ss);
	int *lab = xmalloc((nt + 1) * sizeof *lab);
	size_t k = 0;
	int in_sent = 0;
	for (size_t i = l0; i < l1; i++) {
		if (lines[i].kind != 0) {
			in_sent = 0;
			continue;
		}
		if (!in_sent)
			ss[ns++] = k;
		in_sent = 1;
		toks[k].s = data + lines[i].a;
		toks[k].len = lines[i].tok_end - lines[i].a;
		k++;
	}
	ss[ns] = nt;
	int rc = ner_tag_tokens(m, toks, nt, ss, ns, lab, e);
	if (rc == 0) {
		k = 0;
		for (size_t i = l0; i < l1; i++) {
			if (lines[i].kind == 0) {
				buf_add(out, toks[k].s, toks[k].len);
				buf_addc(out, '\t');
				buf_adds(out, ner_label_name(lab[k]));
				buf_addc(out, '\n');
				k++;
			} else {
				buf_add(out, data + lines[i].a, lines[i].end - lines[i].a);
				buf_addc(out, '\n');
			}
		}
	}
	free(toks);
	free(ss);
	free(lab);
	return rc;
}

static int tag_conll(const struct ner_model *m, const char *path)
{
	struct buf b = BUF_INIT;
	struct err e;
	if (slurp(path, &b, &e) < 0) {
		buf_free(&b);
		return cli_error("tag: %s", e.msg);
	}
	size_t nl = 0, cap = 1024;
	struct line *lines = xmalloc(cap * sizeof *lines);
	for (size_t p = 0; p < b.len;) {
		const char *q = memchr(b.p + p, '\n', b.len - p);
		size_t end = q ? (size_t)(q - b.p) : b.len;
		size_t e2 = end;
		if (e2 > p && b.p[e2 - 1] == '\r')
			e2--;
		size_t a = p;
		while (a < e2 && (b.p[a] == ' ' || b.p[a] == '\t'))
			a++;
		size_t te = a;
		while (te < e2 && b.p[te] != ' ' && b.p[te] != '\t')
			te++;
		int kind = a == e2 ? 1 : (te - a == 10 && memcmp(b.p + a, "-DOCSTART-", 10) == 0) ? 2 : 0;
		if (nl == cap)
			lines = xrealloc(lines, (cap *= 2) * sizeof *lines);
		lines[nl++] = (struct line){kind == 0 ? a : p, te, e2, kind};
		p = end + 1;
	}
	struct buf out = BUF_INIT;
	int rc = EXIT_OK;
	size_t l0 = 0;
	for (size_t i = 0; i <= nl; i++) {
		if (i < nl && !(lines[i].kind == 2 && i > l0))
			continue;
		if (conll_doc(m, b.p, lines, l0, i, &out, &e) < 0) {
			rc = cli_error("tag: %s: %s", path, e.msg);
			break;
		}
		fwrite(out.p, 1, out.len, stdout);
		buf_reset(&out);
		l0 = i;
	}
	buf_free(&out);
	free(lines);
	buf_free(&b);
	return rc;
}

static void print_result(const char *file, const char *text, const struct ner_result *r, int json,
			 int sentences, int *first)
{
	if (json) {
		struct buf o = BUF_INIT;
		for (size_t i = 0; i < r->nmentions; i++) {
			const struct ner_mention *mm = &r->mentions[i];
			buf_adds(&o, *first ? "\n  {" : ",\n  {");
			*first = 0;
			if (file) {
				buf_adds(&o, "\"file\": ");
				buf_add_json_str(&o, file, strlen(file));
				buf_adds(&o, ", ");
			}
			buf_printf(&o, "\"type\": \"%s\", \"start\": %zu, \"end\": %zu, \"text\": ", mm->type, mm->start,
				   mm->end);
			buf_add_json_str(&o, text + mm->start, mm->end - mm->start);
			buf_printf(&o, ", \"sentence\": %zu, \"value\": ", mm->sentence);
			if (mm->value)
				buf_add_json_str(&o, mm->value, strlen(mm->value));
			else
				buf_adds(&o, "null");
			buf_addc(&o, '}');
		}
		if (o.len)
			fwrite(o.p, 1, o.len, stdout);
		buf_free(&o);
		return;
	}
	size_t si = 0;
	for (size_t i = 0; i <= r->nmentions; i++) {
		while (sentences && si < r->nsentences &&
		       (i == r->nmentions || r->sentences[si].start <= r->mentions[i].start)) {
			if (file)
				printf("%s\t", file);
			printf("SENT\t%zu\t%zu\n", r->sentences[si].start, r->sentences[si].end);
			si++;
		}
		if (i == r->nmentions)
			break;
		const struct ner_mention *mm = &r->mentions[i];
		if (file)
			printf("%s\t", file);
		printf("%s\t%zu\t%zu\t", mm->type, mm->start, mm->end);
		put_flat(stdout, text + mm->start, mm->end - mm->start);
		fputc('\n', stdout);
	}
}

int cmd_tag(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"model", required_argument, NULL, 'm'}, {"conll", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'}, {"sentences", no_argument, NULL, 's'}, {"stats", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *model = NULL, *conll = NULL;
	int json = 0, sentences = 0, stats = 0, c;
	size_t ntok = 0, nsent = 0, nment = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'c': conll = optarg; break;
		case 'j': json = 1; break;
		case 's': sentences = 1; break;
		case 'S': stats = 1; break;
		case 'h': fputs(help_tag, stdout); return EXIT_OK;
		default: return cli_usage("tag", "unknown option");
		}
	}
	if (conll && optind < argc)
		return cli_usage("tag", "--conll takes no other files");
	if (conll && (json || sentences))
		return cli_usage("tag", "--json and --sentences do not apply to --conll");
	if (!model)
		model = ner_default_model_path();
	struct err e;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct ner_model *m = ner_load(model, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!m)
		return cli_error("tag: %s", e.msg);
	double load_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6;
	if (conll) {
		int rc = tag_conll(m, conll);
		ner_free(m);
		return rc;
	}
	int nfiles = argc - optind;
	int rc = EXIT_OK, first = 1;
	if (json)
		fputs("[", stdout);
	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *path = nfiles ? argv[optind + i] : "-";
		struct buf b = BUF_INIT;
		if (slurp(path, &b, &e) < 0) {
			rc = cli_error("tag: %s", e.msg);
			buf_free(&b);
			continue;
		}
		struct ner_result r = NER_RESULT_INIT;
		if (ner_tag_text(m, b.p, b.len, &r, &e) < 0) {
			rc = cli_error("tag: %s: %s", path, e.msg);
		} else {
			print_result(nfiles > 1 ? path : NULL, b.p, &r, json, sentences, &first);
			ntok += r.ntokens;
			nsent += r.nsentences;
			nment += r.nmentions;
			ner_result_free(&r);
		}
		buf_free(&b);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	if (stats)
		fprintf(stderr, "tokens: %zu sentences: %zu mentions: %zu model load: %.1f ms\n", ntok, nsent, nment,
			load_ms);
	ner_free(m);
	return rc;
}
