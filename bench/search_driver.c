/*
 * search_driver.c — times searches for bench/run.sh.
 *
 *   search_driver inproc CASE QUERIES REPS
 *       Opens CASE once and runs every query of QUERIES through libweft's
 *       search_run() (limit 20, the same call `weft search` makes), REPS
 *       times after one untimed warm-up pass.
 *   search_driver spawn QUERIES REPS PROGRAM ARG... 
 *       Runs PROGRAM once per query, with the argument "{}" replaced by the
 *       query, stdout and stderr to /dev/null: the latency a script sees,
 *       process start included.  No warm-up pass: run it after the
 *       in-process pass (or an indexing run), which leaves the files cached.
 *
 * QUERIES holds one query a line; blank lines and lines starting with '#'
 * are skipped, so query numbers match bench/queries.txt's query order.
 * Output, one line per timed run: query-number TAB rep TAB microseconds
 * TAB hits-returned TAB total-hits (inproc) or exit-status (spawn).
 * Exit status 1 if a query failed (the failures are printed on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "search.h"

extern char **environ;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Reads the queries; returns their count.  Lines are the caller's to free. */
static int read_queries(const char *path, char ***out)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "search_driver: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	char **q = NULL, *line = NULL;
	size_t cap = 0;
	int n = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		q = realloc(q, (size_t)(n + 1) * sizeof *q);
		q[n++] = strdup(line);
	}
	free(line);
	fclose(f);
	*out = q;
	return n;
}

struct acc {
	int hits;
	size_t bytes;
};

/* Touches what `weft search --json` prints, so nothing is left unread. */
static int on_hit(const struct search_hit *h, void *user)
{
	struct acc *a = user;
	a->hits++;
	a->bytes += (h->path ? strlen(h->path) : 0) + (h->title ? strlen(h->title) : 0) +
		    (h->snippet ? strlen(h->snippet) : 0);
	return 0;
}

static int run_inproc(const char *case_path, char **q, int n, int reps)
{
	struct case_db *c;
	struct err e = {{0}};
	if (case_open(case_path, CASE_READ, &c, &e) < 0) {
		fprintf(stderr, "search_driver: %s\n", e.msg);
		return 1;
	}
	int bad = 0;
	for (int r = -1; r < reps; r++) {
		for (int i = 0; i < n; i++) {
			struct acc a = {0, 0};
			long total = 0;
			double t0 = now_us();
			int rc = search_run(c, q[i], 20, 0, on_hit, &a, &total, &e);
			double t1 = now_us();
			if (rc < 0) {
				if (r < 0)
					fprintf(stderr, "search_driver: query %d (%s): %s\n", i + 1, q[i], e.msg);
				bad = 1;
			}
			if (r >= 0)
				printf("%d\t%d\t%.1f\t%d\t%ld\n", i + 1, r, t1 - t0, a.hits, rc < 0 ? -1 : total);
		}
	}
	case_close(c);
	return bad;
}

static int run_spawn(char **q, int n, int reps, char **argv, int argc)
{
	char **args = calloc((size_t)argc + 1, sizeof *args);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int bad = 0;
	for (int r = 0; r < reps; r++) {
		for (int i = 0; i < n; i++) {
			for (int k = 0; k < argc; k++)
				args[k] = strcmp(argv[k], "{}") ? argv[k] : q[i];
			pid_t pid;
			int st = 0;
			double t0 = now_us();
			int rc = posix_spawnp(&pid, args[0], &fa, NULL, args, environ);
			if (rc == 0)
				waitpid(pid, &st, 0);
			double t1 = now_us();
			int code = rc ? 127 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
			if (code) {
				if (r == 0)
					fprintf(stderr, "search_driver: query %d (%s): %s exited %d\n", i + 1, q[i],
						args[0], code);
				bad = 1;
			}
			printf("%d\t%d\t%.1f\t-\t%d\n", i + 1, r, t1 - t0, code);
		}
	}
	posix_spawn_file_actions_destroy(&fa);
	free(args);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "inproc")) {
		char **q;
		int n = read_queries(argv[3], &q);
		return run_inproc(argv[2], q, n, atoi(argv[4]));
	}
	if (argc >= 5 && !strcmp(argv[1], "spawn")) {
		char **q;
		int n = read_queries(argv[2], &q);
		return run_spawn(q, n, atoi(argv[3]), argv + 4, argc - 4);
	}
	fprintf(stderr, "usage: search_driver inproc CASE QUERIES REPS\n"
			"       search_driver spawn QUERIES REPS PROGRAM ARG... ('{}' is the query)\n");
	return 2;
}
