/*
 * ner_eval.c — `weft ner-eval`: scores the NER model against a gold CoNLL
 * file the way conlleval does (exact-match entity spans).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ner.h"

const char help_ner_eval[] =
	"usage: weft ner-eval GOLD [--model FILE] [--upper] [--json]\n"
	"\n"
	"Tags the tokens of GOLD (a CoNLL-2003 column file: token first, gold NER\n"
	"tag last, IOB1 or IOB2) and prints entity-level precision, recall and F1,\n"
	"overall and per type, counted as conlleval does: an entity is correct only\n"
	"when its type and both boundaries match.\n"
	"\n"
	"options:\n"
	"  --model FILE   model to use (default: $WEFT_MODEL, else\n"
	"                 <weft dir>/../models/ner.model, else\n"
	"                 <weft dir>/../share/weft/models/ner.model)\n"
	"  --upper        evaluate on an ALL-CAPS copy of GOLD\n"
	"  --json         print the scores as a JSON object\n";

int cmd_ner_eval(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"model", required_argument, NULL, 'm'}, {"upper", no_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *model = NULL;
	int upper = 0, json = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model = optarg; break;
		case 'u': upper = 1; break;
		case 'j': json = 1; break;
		case 'h': fputs(help_ner_eval, stdout); return EXIT_OK;
		default: return cli_usage("ner-eval", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage("ner-eval", optind >= argc ? "GOLD file required" : "only one GOLD file");
	const char *gold = argv[optind];
	if (!model)
		model = ner_default_model_path();
	struct err e;
	struct ner_model *m = ner_load(model, &e);
	if (!m)
		return cli_error("ner-eval: %s", e.msg);
	struct ner_corpus corp;
	if (ner_corpus_read(gold, &corp, &e) < 0) {
		ner_free(m);
		return cli_error("ner-eval: %s", e.msg);
	}
	struct ner_eval ev;
	struct timespec t0, t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	int rc = ner_eval_corpus(m, &corp, upper, NULL, &ev, &e);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	if (rc < 0) {
		ner_corpus_free(&corp);
		ner_free(m);
		return cli_error("ner-eval: %s", e.msg);
	}
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	double p, r, f;
	ner_eval_prf(&ev, -1, &p, &r, &f);
	long ng = 0, np = 0;
	for (int t = 0; t < NER_NMODEL_TYPES; t++) {
		ng += ev.tp[t] + ev.fn[t];
		np += ev.tp[t] + ev.fp[t];
	}
	if (json) {
		printf("{\"tokens\": %ld, \"gold\": %ld, \"predicted\": %ld, \"accuracy\": %.2f, "
		       "\"precision\": %.2f, \"recall\": %.2f, \"f1\": %.2f, \"upper\": %s, \"types\": {",
		       ev.ntoks, ng, np, ev.ntoks ? 100.0 * (double)ev.tok_correct / (double)ev.ntoks : 0, p, r, f,
		       upper ? "true" : "false");
		for (int t = 0; t < NER_NMODEL_TYPES; t++) {
			ner_eval_prf(&ev, t, &p, &r, &f);
			printf("%s\"%s\": {\"precision\": %.2f, \"recall\": %.2f, \"f1\": %.2f, \"gold\": %ld, "
			       "\"predicted\": %ld}", t ? ", " : "", ner_type_name(t), p, r, f, ev.tp[t] + ev.fn[t],
			       ev.tp[t] + ev.fp[t]);
		}
		printf("}}\n");
	} else {
		printf("processed %ld tokens with %ld phrases; found: %ld phrases; correct: %ld.%s\n", ev.ntoks, ng, np,
		       ev.tp[0] + ev.tp[1] + ev.tp[2] + ev.tp[3], upper ? "  (upper-cased copy)" : "");
		printf("accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n",
		       ev.ntoks ? 100.0 * (double)ev.tok_correct / (double)ev.ntoks : 0, p, r, f);
		for (int t = 0; t < NER_NMODEL_TYPES; t++) {
			ner_eval_prf(&ev, t, &p, &r, &f);
			printf("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %ld\n", ner_type_name(t), p, r, f,
			       ev.tp[t] + ev.fp[t]);
		}
		fprintf(stderr, "tagged in %.3fs of CPU (%.0f tokens/s)\n", secs, secs > 0 ? (double)ev.ntoks / secs : 0);
	}
	ner_corpus_free(&corp);
	ner_free(m);
	return EXIT_OK;
}
