/*
 * ingest.c — `weft ingest PATH...`: read documents into the case.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"
#include "ner.h"
#include "resolve.h"
#include "graph.h"

const char help_ingest[] =
	"usage: weft ingest [--case FILE] [options] PATH...\n"
	"\n"
	"Reads every file under each PATH (folders are walked recursively) into the\n"
	"case: plain text in any charset, HTML, email (RFC 822 files and mbox), PDF,\n"
	"archives (zip, tar, tar.gz, 7z; members become documents of their own), and\n"
	"linguists' annotation files (CoNLL-U, WebAnno TSV, CoNLL-2012), read as the\n"
	"sentences they annotate.  The type is found from the content, not the name.\n"
	"\n"
	"Files already in the case (same path, size and time, or same content) are\n"
	"skipped; run it again on the same folder to add only what is new.  A file\n"
	"that cannot be read is recorded with its reason ('weft failures') and the\n"
	"run goes on.  Interrupting (Ctrl-C, or even kill -9) loses nothing: run the\n"
	"same command again to finish.  Symbolic links to files are read; links to\n"
	"folders are recorded and not followed.\n"
	"\n"
	"options:\n"
	"  --case FILE          the case file (default $WEFT_CASE, else ./case.weft)\n"
	"  -j, --jobs N         worker threads (default: number of cores)\n"
	"  -q, --quiet          no progress display (the summary line is always printed)\n"
	"  --max-file-size MB   skip files or members larger than this (default 256)\n"
	"  --max-depth N        containers nested deeper than this are not opened (default 5)\n"
	"  --max-members N      members read from one archive at most (default 100000)\n"
	"  --max-ratio R        expansion ratio of an archive at most (default 200)\n"
	"  --no-ner             do not look for names (faster; 'weft retag' adds them later)\n"
	"  --model FILE         the NER model (default $WEFT_MODEL, else the one shipped)\n"
	"\n"
	"exit status: 0 all files read, 3 some files failed, 1 fatal error.\n";

static void on_signal(int sig)
{
	(void)sig;
	ingest_interrupt();
}

/* Formats n with thousands separators into out (at least 32 bytes). */
static const char *commas(long n, char *out)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%ld", n < 0 ? -n : n), o = 0;
	if (n < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = 0;
	return out;
}

struct progress {
	int tty;
};

static void show_progress(const struct ingest_stats *st, int final, void *user)
{
	struct progress *p = user;
	char a[32], b[32], c[32], d[32];
	if (!final) {
		if (!p->tty)
			return;
		double mbs = st->seconds > 0 ? st->bytes_done / 1048576.0 / st->seconds : 0;
		double rate = st->seconds > 0 ? st->bytes_done / st->seconds : 0;
		long eta = rate > 0 ? (long)((double)(st->bytes - st->bytes_done) / rate) : 0;
		fprintf(stderr, "\r\033[K%s/%s files  %.1f MB/s  ETA %ld:%02ld  %s failed", commas(st->done, a),
			commas(st->files, b), mbs, eta / 60, eta % 60, commas(st->failed, c));
		return;
	}
	if (p->tty)
		fputs("\r\033[K", stderr);
	printf("ingest: %s files: %s new, %s unchanged", commas(st->files, a), commas(st->new_files, b),
	       commas(st->unchanged, c));
	if (st->duplicates)
		printf(", %s duplicates", commas(st->duplicates, d));
	printf(", %s failed; %s documents added in %.1f s (%.1f MB/s)\n", commas(st->failed, a),
	       commas(st->docs_added, b), st->seconds,
	       st->seconds > 0 ? st->bytes_done / 1048576.0 / st->seconds : 0.0);
	if (st->interrupted)
		printf("ingest: interrupted; run the same command again to finish\n");
	if (st->failed)
		printf("ingest: see 'weft failures' for what could not be read and why\n");
	fflush(stdout);
}

static void say_waiting(void *user)
{
	fprintf(stderr, "weft: %s is being written by another weft; waiting for it to finish (Ctrl-C to give up)\n",
		(const char *)user);
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		{"case", required_argument, 0, 'c'},      {"jobs", required_argument, 0, 'j'},
		{"quiet", no_argument, 0, 'q'},           {"max-file-size", required_argument, 0, 's'},
		{"max-depth", required_argument, 0, 'd'}, {"max-members", required_argument, 0, 'm'},
		{"max-ratio", required_argument, 0, 'r'}, {"no-ner", no_argument, 0, 'N'},
		{"model", required_argument, 0, 'M'},     {0, 0, 0, 0}};
	const char *model_path = NULL;
	int no_ner = 0;
	const char *case_opt = NULL;
	int quiet = 0, o;
	struct ingest_opts io;
	ingest_default_opts(&io);
	while ((o = getopt_long(argc, argv, "j:q", opts, NULL)) != -1) {
		char *end = NULL;
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'j': io.jobs = (int)strtol(optarg, &end, 10); break;
		case 'q': quiet = 1; break;
		case 's': io.lim.max_file_size = (uint64_t)(strtod(optarg, &end) * 1048576.0); break;
		case 'd': io.lim.max_depth = (int)strtol(optarg, &end, 10); break;
		case 'm': io.lim.max_members = strtol(optarg, &end, 10); break;
		case 'r': io.lim.max_ratio = strtod(optarg, &end); break;
		case 'N': no_ner = 1; break;
		case 'M': model_path = optarg; break;
		default: return cli_usage("ingest", "unknown option");
		}
		if (end && (*end || end == optarg))
			return cli_usage("ingest", "'%s' is not a number", optarg);
	}
	if (optind >= argc)
		return cli_usage("ingest", "nothing to ingest: give one or more files or folders");
	if (io.jobs < 0 || io.jobs > 256)
		return cli_usage("ingest", "--jobs must be between 1 and 256");

	/* Inputs and model first: a typo should stop us before the case changes. */
	for (int i = optind; i < argc; i++)
		if (access(argv[i], F_OK) != 0)
			return cli_error("ingest: %s: %s", argv[i], strerror(errno));
	char model_id[32] = "";
	struct ner_model *model = NULL;
	if (!no_ner && !model_path && access(ner_default_model_path(), F_OK) != 0) {
		/* No model installed: still worth ingesting; names can come later. */
		fprintf(stderr, "weft: no NER model at %s; ingesting without names ('weft retag --model FILE' adds them later)\n",
			ner_default_model_path());
		no_ner = 1;
	}
	if (!no_ner) {
		if (!(model = cli_load_model(model_path, model_id)))
			return cli_error("ingest: no usable NER model; give --model FILE, or --no-ner to ingest without names");
		io.ner = model;
		io.ner_id = model_id;
	}
	const char *path = cli_case_path(case_opt);
	struct err e = {{0}};
	struct case_db *c;
	if (case_open(path, CASE_WRITE, &c, &e) < 0) {
		ner_free(model);
		return cli_error("%s", e.msg);
	}
	if (case_lock_writer(c, say_waiting, (void *)path, &e) < 0) {
		case_close(c);
		ner_free(model);
		return cli_error("%s", e.msg);
	}
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C stops at once; the case stays safe */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct progress p = {!quiet && cli_isatty(stderr)};
	io.progress = show_progress;
	io.user = &p;
	struct ingest_stats st;
	int rc = ingest_run(c, argv + optind, argc - optind, &io, &st, &e);
	/* New mentions, or a network left stale by a run killed before it was
	 * rebuilt: resolve entities and rebuild the network (both derived,
	 * both rebuilt whole; the user's decisions are applied again). */
	if (rc == 0 && model && (st.docs_added > 0 || ingest_network_stale(c) > 0) && !st.interrupted) {
		long nent = 0;
		if (p.tty)
			fputs("resolving entities and links...", stderr);
		rc = resolve_all(c, &nent, &e);
		if (rc == 0)
			rc = graph_build(c, &e);
		if (rc == 0)
			rc = ingest_network_built(c, &e);
		if (p.tty)
			fputs("\r\033[K", stderr);
		if (rc == 0)
			printf("ingest: %ld entities; try 'weft entities' and 'weft links NAME'\n", nent);
	}
	case_close(c);
	ner_free(model);
	if (rc < 0)
		return cli_error("ingest: %s", e.msg);
	return st.failed ? EXIT_SOME_FAILED : EXIT_OK;
}
