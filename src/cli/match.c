/*
 * match.c — `weft match A B` and `weft match --tsv FILE`: whether two
 * spellings can name the same person, through names.h.  No case file.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "names.h"

const char help_match[] =
	"usage: weft match [--json] NAME NAME\n"
	"       weft match --tsv FILE        (FILE may be - for standard input)\n"
	"\n"
	"Says whether two spellings can name the same person, across\n"
	"transliterations and scripts: 'Qassem Soleimani', 'Qasem Suleimani',\n"
	"'Gen. Soleimani' and 'قاسم سليماني' are the same; 'Saddam Hussein' and\n"
	"'Fuad Hussein' are not.\n"
	"\n"
	"Prints the score (0 to 1, three decimals), a tab, and 'same' or\n"
	"'different', e.g. '0.912\tsame'.\n"
	"  same       the names can be one person: the surnames agree and so do any\n"
	"             given names or initials both give.  A surname alone is the same\n"
	"             as a full name with that surname (scored a little lower).\n"
	"  different  a name, a given name or an initial conflicts.\n"
	"Titles (Dr, Sheikh, Gen., Ambassador ...), the article al-/el- and accents\n"
	"are ignored.  Aliases and acronyms (IRGC) are not spellings and are not\n"
	"matched here.\n"
	"\n"
	"options:\n"
	"  --tsv FILE  read 'nameA<TAB>nameB' lines (more columns are ignored; blank\n"
	"              lines and lines starting with # are skipped) and print\n"
	"              'same' or 'different', a tab and the score for each\n"
	"  --json      for one pair: an object with score, same, and each name's\n"
	"              normalised form and blocking key\n";

static int print_pair_json(const char *a, const char *b, double score, int same)
{
	cJSON *o = cJSON_CreateObject();
	const char *names[2] = {a, b};
	const char *keys[2] = {"a", "b"};
	for (int i = 0; i < 2; i++) {
		struct buf norm = BUF_INIT, key = BUF_INIT;
		struct err e = {{0}};
		if (names_normalize(names[i], strlen(names[i]), &norm, &e) < 0 ||
		    names_keys(names[i], strlen(names[i]), &key, &e) < 0) {
			buf_free(&norm);
			buf_free(&key);
			cJSON_Delete(o);
			return cli_error("match: %s", e.msg);
		}
		cJSON *n = cJSON_CreateObject();
		cli_json_add(n, "name", names[i]);
		cli_json_add(n, "normalized", norm.p);
		cli_json_add(n, "key", key.p);
		cJSON_AddItemToObject(o, keys[i], n);
		buf_free(&norm);
		buf_free(&key);
	}
	cJSON_AddNumberToObject(o, "score", (double)(long)(score * 1000 + 0.5) / 1000);
	cJSON_AddBoolToObject(o, "same", same);
	cli_print_json(o);
	return EXIT_OK;
}

/* Compares a and b: sets *v and *same; returns 0, or -1 with e set. */
static int compare_pair(const char *a, const char *b, double *v, int *same, struct err *e)
{
	struct names_name na, nb;
	if (names_parse(a, strlen(a), &na, e) < 0)
		return -1;
	if (names_parse(b, strlen(b), &nb, e) < 0) {
		names_name_free(&na);
		return -1;
	}
	*v = names_compare(&na, &nb, same);
	names_name_free(&na);
	names_name_free(&nb);
	return 0;
}

/* Runs the pairs of a TSV file (path, or - for stdin). */
static int match_tsv(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return cli_error("match: %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int bad = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			cli_error("match: %s:%ld: expected two names separated by a tab", path, lineno);
			bad = 1;
			continue;
		}
		*tab = 0;
		char *b = tab + 1, *end = strchr(b, '\t');
		if (end)
			*end = 0;
		int same = 0;
		double v = 0;
		struct err e = {{0}};
		if (compare_pair(line, b, &v, &same, &e) < 0) {
			free(line);
			if (f != stdin)
				fclose(f);
			return cli_error("match: %s", e.msg);
		}
		printf("%s\t%.3f\n", same ? "same" : "different", v);
	}
	int rerr = ferror(f);
	free(line);
	if (f != stdin)
		fclose(f);
	if (rerr)
		return cli_error("match: %s: read error", path);
	return bad ? EXIT_FATAL : EXIT_OK;
}

int cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {{"tsv", required_argument, 0, 't'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	const char *tsv = NULL;
	int json = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 't': tsv = optarg; break;
		case 'J': json = 1; break;
		default: return cli_usage("match", "unknown option");
		}
	}
	if (tsv) {
		if (optind < argc)
			return cli_usage("match", "--tsv takes no names on the command line");
		if (json)
			return cli_usage("match", "--json is for one pair, not --tsv");
		return match_tsv(tsv);
	}
	if (argc - optind != 2)
		return cli_usage("match", "give two names (or --tsv FILE)");
	const char *a = argv[optind], *b = argv[optind + 1];
	int same = 0;
	double v = 0;
	struct err e = {{0}};
	if (compare_pair(a, b, &v, &same, &e) < 0)
		return cli_error("match: %s", e.msg);
	if (json)
		return print_pair_json(a, b, v, same);
	printf("%.3f\t%s\n", v, same ? "same" : "different");
	return EXIT_OK;
}
