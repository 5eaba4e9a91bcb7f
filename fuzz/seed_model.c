/*
 * seed_model.c — trains the small NER model that seeds fuzz_model (and
 * serves fuzz_tagger when no model ships), with the library being fuzzed,
 * so that the seed always has the file format of the code under test.
 *
 *     build-fuzz/bin/seed_model CONLL_FILE OUT_MODEL
 *
 * A few hundred features, three epochs and no gazetteer keep it small
 * (about 20 KB) and quick to train.
 */
#include <stdio.h>

#include "ner.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: seed_model CONLL_FILE OUT_MODEL\n");
		return 2;
	}
	struct ner_train_opts o;
	ner_train_defaults(&o);
	o.train_path = argv[1];
	o.dev_path = NULL;
	o.out_path = argv[2];
	o.iso_dir = "";
	o.corpus = NULL;
	o.ncorpus = 0;
	o.epochs = 3;
	o.max_features = 300;
	o.log = NULL;
	struct err e = {""};
	if (ner_train(&o, NULL, &e) < 0) {
		fprintf(stderr, "seed_model: %s\n", e.msg);
		return 1;
	}
	return 0;
}
