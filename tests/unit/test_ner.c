/*
 * test_ner.c — the recognizer's library API on a tiny model trained here
 * (a few hand-written CoNLL sentences): training is deterministic, the
 * model tags what it learnt through ner_tag_tokens() and ner_tag_text()
 * (with byte offsets, sentence indices and the rule mentions), the scorer
 * counts like conlleval, IOB1 input is read right, and ner_load() refuses
 * — with a message, never a crash — a missing, empty, truncated, junk,
 * foreign, other-version or bit-flipped model file.  Several threads
 * tagging with one model get the same answers as one thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ner.h"

static char dir[256];
static char train_path[300], model_path[300];

static const char train_text[] =
	"-DOCSTART- -X- -X- O\n\n"
	"John NNP B-NP I-PER\nSmith NNP I-NP I-PER\nvisited VBD B-VP O\nParis NNP B-NP I-LOC\n. . O O\n\n"
	"Mary NNP B-NP I-PER\nJones NNP I-NP I-PER\njoined VBD B-VP O\nAcme NNP B-NP I-ORG\nCorp NNP I-NP I-ORG\n. . O O\n\n"
	"The DT B-NP O\nGerman JJ I-NP I-MISC\nteam NN I-NP O\nwon VBD B-VP O\nin IN B-PP O\nBerlin NNP B-NP I-LOC\n. . O O\n\n"
	"-DOCSTART- -X- -X- O\n\n"
	"Peter NNP B-NP I-PER\nBrown NNP I-NP I-PER\nflew VBD B-VP O\nto TO B-PP O\nLondon NNP B-NP I-LOC\n. . O O\n\n"
	"Acme NNP B-NP I-ORG\nCorp NNP I-NP I-ORG\nhired VBD B-VP O\nJohn NNP B-NP I-PER\nSmith NNP I-NP I-PER\n. . O O\n\n"
	"Smith NNP B-NP I-PER\nJones NNP I-NP B-PER\nmet VBD B-VP O\n. . O O\n";

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc(*n + 1);
	assert_int_equal(fread(p, 1, *n, f), *n);
	fclose(f);
	return p;
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/weft-ner-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(train_path, sizeof train_path, "%s/train.txt", dir);
	snprintf(model_path, sizeof model_path, "%s/ner.model", dir);
	write_file(train_path, train_text, sizeof train_text - 1);
	struct ner_train_opts o;
	ner_train_defaults(&o);
	o.train_path = train_path;
	o.dev_path = train_path;
	o.out_path = model_path;
	o.iso_dir = "";
	o.epochs = 5;
	struct err e;
	return ner_train(&o, NULL, &e);
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_corpus_reads_iob1(void **state)
{
	struct ner_corpus c;
	struct err e;
	assert_int_equal(ner_corpus_read(train_path, &c, &e), 0);
	assert_int_equal(c.ndoc, 2);
	assert_int_equal(c.nsent, 6);
	assert_int_equal(c.ntoks, 34);
	assert_int_equal(c.gold[0], NER_B_PER);
	assert_int_equal(c.gold[1], NER_I_PER);
	/* "Smith Jones" in IOB1: I-PER then B-PER are two entities */
	size_t last = c.sent_start[5];
	assert_int_equal(c.gold[last], NER_B_PER);
	assert_int_equal(c.gold[last + 1], NER_B_PER);
	ner_corpus_free(&c);

	char bad[300];
	snprintf(bad, sizeof bad, "%s/bad.txt", dir);
	write_file(bad, "John X Y I-PERSON\n", 18);
	assert_int_equal(ner_corpus_read(bad, &c, &e), -1);
	assert_non_null(strstr(e.msg, "unknown NER tag"));
}

static void test_eval_counts_like_conlleval(void **state)
{
	struct ner_eval ev;
	memset(&ev, 0, sizeof ev);
	int gold[] = {NER_B_PER, NER_I_PER, NER_O, NER_B_LOC, NER_O, NER_B_ORG};
	int pred[] = {NER_B_PER, NER_O, NER_O, NER_B_LOC, NER_B_MISC, NER_I_ORG};
	ner_eval_add(&ev, gold, pred, 6);
	assert_int_equal(ev.tp[NER_LOC], 1);
	assert_int_equal(ev.fn[NER_PER], 1);
	assert_int_equal(ev.fp[NER_PER], 1);
	assert_int_equal(ev.fp[NER_MISC], 1);
	assert_int_equal(ev.tp[NER_ORG], 1); /* I-ORG after O starts an entity */
	double p, r, f;
	ner_eval_prf(&ev, -1, &p, &r, &f);
	assert_true(p > 49.9 && p < 50.1);
	assert_true(r > 66.6 && r < 66.7);
}

static void test_tags_what_it_learnt(void **state)
{
	struct err e;
	struct ner_model *m = ner_load(model_path, &e);
	assert_non_null(m);
	struct ner_tok toks[] = {{"John", 4}, {"Smith", 5}, {"visited", 7}, {"Paris", 5}, {".", 1}};
	size_t ss[] = {0, 5};
	int lab[5];
	assert_int_equal(ner_tag_tokens(m, toks, 5, ss, 1, lab, &e), 0);
	assert_string_equal(ner_label_name(lab[0]), "B-PER");
	assert_string_equal(ner_label_name(lab[1]), "I-PER");
	assert_string_equal(ner_label_name(lab[2]), "O");
	assert_string_equal(ner_label_name(lab[3]), "B-LOC");

	const char *text = "John Smith visited Paris on 18 November 2019.\n\nMail john@acme.com now.";
	struct ner_result r = NER_RESULT_INIT;
	assert_int_equal(ner_tag_text(m, text, strlen(text), &r, &e), 0);
	assert_int_equal(r.nsentences, 2);
	int per = 0, loc = 0, date = 0, email = 0;
	for (size_t i = 0; i < r.nmentions; i++) {
		const struct ner_mention *mm = &r.mentions[i];
		const char *s = text + mm->start;
		size_t n = mm->end - mm->start;
		if (!strcmp(mm->type, "PER") && n == 10 && !memcmp(s, "John Smith", 10))
			per = 1;
		if (!strcmp(mm->type, "LOC") && n == 5 && !memcmp(s, "Paris", 5))
			loc = 1;
		if (!strcmp(mm->type, "DATE")) {
			date = 1;
			assert_string_equal(mm->value, "2019-11-18");
			assert_int_equal(mm->sentence, 0);
		}
		if (!strcmp(mm->type, "EMAIL")) {
			email = 1;
			assert_int_equal(mm->sentence, 1);
		}
		if (i)
			assert_true(mm->start >= r.mentions[i - 1].start);
	}
	assert_true(per && loc && date && email);
	ner_result_free(&r);
	/* empty text */
	assert_int_equal(ner_tag_text(m, "", 0, &r, &e), 0);
	assert_int_equal(r.nmentions, 0);
	ner_result_free(&r);
	ner_free(m);
}

static void test_training_is_deterministic(void **state)
{
	char again[300];
	snprintf(again, sizeof again, "%s/again.model", dir);
	struct ner_train_opts o;
	ner_train_defaults(&o);
	o.train_path = train_path;
	o.dev_path = train_path; /* the same options as setup() */
	o.out_path = again;
	o.iso_dir = "";
	o.epochs = 5;
	struct err e;
	assert_int_equal(ner_train(&o, NULL, &e), 0);
	size_t n1, n2;
	char *a = read_all(model_path, &n1), *b = read_all(again, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	free(a);
	free(b);
}

/* Loads path, expecting failure with a message containing want. */
static void expect_refused(const char *path, const char *want)
{
	struct err e;
	e.msg[0] = 0;
	struct ner_model *m = ner_load(path, &e);
	if (m)
		fail_msg("%s: loaded, expected '%s'", path, want);
	if (!strstr(e.msg, want))
		fail_msg("%s: message '%s' lacks '%s'", path, e.msg, want);
}

static void test_load_refuses_bad_files(void **state)
{
	char p[300];
	size_t n;
	char *good = read_all(model_path, &n);
	assert_true(n > 200);

	snprintf(p, sizeof p, "%s/missing.model", dir);
	expect_refused(p, "No such file");

	snprintf(p, sizeof p, "%s/empty.model", dir);
	write_file(p, "", 0);
	expect_refused(p, "too short");

	snprintf(p, sizeof p, "%s/junk.model", dir);
	char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 131 + 7);
	write_file(p, junk, sizeof junk);
	expect_refused(p, "bad magic");

	snprintf(p, sizeof p, "%s/foreign.model", dir);
	write_file(p, train_text, sizeof train_text - 1);
	expect_refused(p, "not a weft NER model");

	snprintf(p, sizeof p, "%s/truncated.model", dir);
	write_file(p, good, n / 2);
	expect_refused(p, "truncated");
	write_file(p, good, 100);
	expect_refused(p, "");

	snprintf(p, sizeof p, "%s/trailing.model", dir);
	char *longer = malloc(n + 3);
	memcpy(longer, good, n);
	memcpy(longer + n, "xyz", 3);
	write_file(p, longer, n + 3);
	expect_refused(p, "trailing");
	free(longer);

	snprintf(p, sizeof p, "%s/version.model", dir);
	char *v = malloc(n);
	memcpy(v, good, n);
	v[8] = 99;
	write_file(p, v, n);
	expect_refused(p, "version");

	snprintf(p, sizeof p, "%s/flipped.model", dir);
	memcpy(v, good, n);
	v[n - 5] ^= 0x40;
	write_file(p, v, n);
	expect_refused(p, "checksum");

	/* a header that claims huge tables */
	memcpy(v, good, n);
	memset(v + 16, 0xff, 8);
	write_file(p, v, n);
	expect_refused(p, "corrupt");
	free(v);
	free(good);

	expect_refused(dir, "not a regular file");
}

struct job {
	const struct ner_model *m;
	const char *text;
	size_t nmentions;
	size_t sum;             /* of start*31+end over the mentions, each round */
	int fail;
};

static void *tag_many(void *arg)
{
	struct job *j = arg;
	for (int round = 0; round < 20; round++) {
		struct ner_result r = NER_RESULT_INIT;
		struct err e;
		if (ner_tag_text(j->m, j->text, strlen(j->text), &r, &e) < 0) {
			j->fail = 1;
			return NULL;
		}
		size_t sum = 0;
		for (size_t i = 0; i < r.nmentions; i++)
			sum += r.mentions[i].start * 31 + r.mentions[i].end;
		if (round == 0) {
			j->nmentions = r.nmentions;
			j->sum = sum;
		} else if (r.nmentions != j->nmentions || sum != j->sum) {
			j->fail = 1;
		}
		ner_result_free(&r);
	}
	return NULL;
}

static void test_threads_share_a_model(void **state)
{
	struct err e;
	struct ner_model *m = ner_load(model_path, &e);
	assert_non_null(m);
	const char *text = "John Smith visited Paris in summer 2014.  Acme Corp hired Mary Jones in Berlin.\n\n"
			   "Peter Brown flew to London on 18 November 2019 (john@acme.com).";
	struct job one = {m, text, 0, 0, 0};
	tag_many(&one);
	assert_false(one.fail);
	assert_true(one.nmentions >= 5);
	pthread_t th[4];
	struct job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){m, text, 0, 0, 0};
		assert_int_equal(pthread_create(&th[i], NULL, tag_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_false(jobs[i].fail);
		assert_int_equal(jobs[i].nmentions, one.nmentions);
		assert_int_equal(jobs[i].sum, one.sum);
	}
	ner_free(m);
}

static void test_default_model_path(void **state)
{
	setenv("WEFT_MODEL", "/some/where/ner.model", 1);
	assert_string_equal(ner_default_model_path(), "/some/where/ner.model");
	unsetenv("WEFT_MODEL");
	const char *p = ner_default_model_path();
	assert_non_null(strstr(p, "models/ner.model"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_reads_iob1),
		cmocka_unit_test(test_eval_counts_like_conlleval),
		cmocka_unit_test(test_tags_what_it_learnt),
		cmocka_unit_test(test_training_is_deterministic),
		cmocka_unit_test(test_load_refuses_bad_files),
		cmocka_unit_test(test_threads_share_a_model),
		cmocka_unit_test(test_default_model_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
