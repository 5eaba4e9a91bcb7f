/*
 * main.c — the `weft` tool: finds the command and runs it.  Each command
 * lives in its own file (src/cli/<name>.c); the list is commands.h.
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "json.h"
#include "ner.h"
#include "util.h"

#include <cjson/cJSON.h>

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
	const char *help;
};

static const struct command commands[] = {
#define X(name, fn, summary) {name, cmd_##fn, summary, help_##fn},
#include "commands.h"
#undef X
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char usage_text[] =
	"usage: weft <command> [options] [args]\n"
	"\n"
	"weft reads a leak (cables, emails, web pages, PDFs, archives) into one case\n"
	"file, finds the people, organizations and places in it, and lets you search\n"
	"and follow the network.  It never opens a network connection of its own.\n"
	"\n"
	"Every command takes --case FILE (default: $WEFT_CASE, else ./case.weft).\n"
	"\n"
	"commands:\n";

static const char exit_text[] =
	"\nexit status: 0 ok, 1 fatal error, 2 usage error, 3 done but some files failed\n"
	"'weft help COMMAND' shows a command's options.\n";

static void print_usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs(exit_text, f);
}

const char *cli_case_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *env = getenv("WEFT_CASE");
	return env && *env ? env : "case.weft";
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("weft: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FATAL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "weft: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'weft help %s')\n", cmd);
	return EXIT_USAGE;
}

int cli_isatty(FILE *f)
{
	return isatty(fileno(f));
}

int cli_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	return cli_isatty(f) && !(nc && *nc);
}

void cli_put_safe(FILE *f, const char *s)
{
	if (!s) {
		fputc('-', f);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void cli_print_json(cJSON *v)
{
	char *s = json_print(v, NULL);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	cJSON_Delete(v);
}

double cli_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

const char *cli_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int cli_case_json_opts(int argc, char **argv, const char *cmd, const char **case_opt, int *json)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"json", no_argument, 0, 'J'},
					     {0, 0, 0, 0}};
	int o;
	*case_opt = NULL;
	*json = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': *case_opt = optarg; break;
		case 'J': *json = 1; break;
		default: return cli_usage(cmd, "unknown option");
		}
	}
	return optind != argc ? cli_usage(cmd, "takes no arguments") : 0;
}

void cli_json_add(cJSON *obj, const char *key, const char *s)
{
	json_add_str(obj, key, s);
}

struct case_db *cli_open_read(const char *case_opt)
{
	struct case_db *c;
	struct err e = {{0}};
	if (case_open(cli_case_path(case_opt), CASE_READ, &c, &e) < 0) {
		cli_error("%s", e.msg);
		return NULL;
	}
	return c;
}

struct ner_model *cli_load_model(const char *path, char id[32])
{
	if (!path)
		path = ner_default_model_path();
	struct err e = {{0}};
	struct ner_model *m = ner_load(path, &e);
	if (!m) {
		cli_error("%s", e.msg);
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536], hex[65];
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	if (f)
		fclose(f);
	sha256_hex(b.p ? b.p : "", b.len, hex);
	buf_free(&b);
	snprintf(id, 32, "ner:%.12s", hex);
	return m;
}

int cli_help(const char *name)
{
	if (!name) {
		print_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name)) {
			fputs(commands[i].help, stdout);
			return EXIT_OK;
		}
	return cli_error("help: no command '%s' (try 'weft help')", name), EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"))
		return cli_help(argc > 2 ? argv[2] : NULL);
	if (!strcmp(name, "version") || !strcmp(name, "--version")) {
		printf("weft %s\n", WEFT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name))
			continue;
		/* `weft CMD --help` is the same as `weft help CMD`. */
		for (int a = 2; a < argc; a++)
			if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h"))
				return cli_help(name);
		return commands[i].fn(argc - 1, argv + 1);
	}
	cli_error("'%s' is not a weft command (try 'weft help')", name);
	return EXIT_USAGE;
}
