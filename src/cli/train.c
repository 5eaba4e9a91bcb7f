/*
 * train.c — `weft train`: trains the NER model from CoNLL-2003 column files
 * and writes the model file (the work is ner_train() in src/lib/ner.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ner.h"

const char help_train[] =
	"usage: weft train --train FILE [--dev FILE] -o MODEL [options]\n"
	"\n"
	"Trains the named-entity model (averaged perceptron over BILOU tags) from\n"
	"CoNLL-2003 column files: token in the first column, NER tag (IOB1 or\n"
	"IOB2) in the last; blank lines end sentences, -DOCSTART- lines documents.\n"
	"Prints the dev F1 after each epoch and keeps the best epoch.  The result\n"
	"is the same for the same data, options and seed.\n"
	"\n"
	"options:\n"
	"  --train FILE      training data (required)\n"
	"  --dev FILE        development data, used only to choose the epoch\n"
	"  -o, --output FILE where to write the model (required)\n"
	"  --seed N          shuffling seed (default 1)\n"
	"  --epochs N        training epochs (default 16)\n"
	"  --upper FRAC      fraction of documents also trained upper-cased, for\n"
	"                    ALL-CAPS text such as cables (default 0.5)\n"
	"  --max-features N  keep the N most important features (default 400000)\n"
	"  --iso-codes DIR   iso-codes JSON directory for the country/region\n"
	"                    gazetteer (default /usr/share/iso-codes/json; '' = none)\n"
	"  --corpus PATH     unlabelled text (file or directory, repeatable) for\n"
	"                    the word case statistics baked into the model\n"
	"  -q, --quiet       no progress lines\n"
	"\n"
	"The shipped model (models/ner.model) is made with the defaults:\n"
	"  weft train --train $SHARED/data/conll2003/train.txt \\\n"
	"    --dev $SHARED/data/conll2003/dev.txt -o models/ner.model\n"
	"(--corpus adds word clusters and case statistics from unlabelled text;\n"
	"with bbc_news and cablegate_html they did not raise dev F1, see\n"
	"bench/NER.md, so the shipped model does without.)\n";

int cmd_train(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"train", required_argument, NULL, 't'}, {"dev", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'}, {"seed", required_argument, NULL, 's'},
		{"epochs", required_argument, NULL, 'e'}, {"upper", required_argument, NULL, 'u'},
		{"max-features", required_argument, NULL, 'm'}, {"iso-codes", required_argument, NULL, 'i'},
		{"corpus", required_argument, NULL, 'c'}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct ner_train_opts o;
	ner_train_defaults(&o);
	o.log = stderr;
	const char **corpus = calloc((size_t)argc + 1, sizeof *corpus);
	size_t ncorpus = 0;
	int c, rc = EXIT_OK;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		char *end = NULL;
		switch (c) {
		case 't': o.train_path = optarg; break;
		case 'd': o.dev_path = optarg; break;
		case 'o': o.out_path = optarg; break;
		case 's':
			o.seed = strtoul(optarg, &end, 10);
			if (!*optarg || *end)
				rc = cli_usage("train", "--seed: not a number: %s", optarg);
			break;
		case 'e':
			o.epochs = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || o.epochs < 1 || o.epochs > 1000)
				rc = cli_usage("train", "--epochs: expected 1..1000, got %s", optarg);
			break;
		case 'u':
			o.upper_frac = strtod(optarg, &end);
			if (!*optarg || *end || o.upper_frac < 0 || o.upper_frac > 1)
				rc = cli_usage("train", "--upper: expected a fraction 0..1, got %s", optarg);
			break;
		case 'm':
			o.max_features = strtoul(optarg, &end, 10);
			if (!*optarg || *end || o.max_features < 1)
				rc = cli_usage("train", "--max-features: not a positive number: %s", optarg);
			break;
		case 'i': o.iso_dir = optarg; break;
		case 'c': corpus[ncorpus++] = optarg; break;
		case 'q': o.log = NULL; break;
		case 'h': fputs(help_train, stdout); free(corpus); return EXIT_OK;
		default: rc = cli_usage("train", "unknown option"); break;
		}
		if (rc)
			break;
	}
	if (!rc && optind < argc)
		rc = cli_usage("train", "unexpected argument: %s", argv[optind]);
	if (!rc && !o.train_path)
		rc = cli_usage("train", "--train FILE is required");
	if (!rc && !o.out_path)
		rc = cli_usage("train", "-o MODEL is required");
	if (rc) {
		free(corpus);
		return rc;
	}
	o.corpus = corpus;
	o.ncorpus = ncorpus;
	struct err e;
	double f1;
	if (ner_train(&o, &f1, &e) < 0)
		rc = cli_error("train: %s", e.msg);
	free(corpus);
	return rc;
}
