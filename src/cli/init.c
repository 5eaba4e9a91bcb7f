/*
 * init.c — `weft init`: create an empty case, encrypted if asked.
 */
#include <getopt.h>
#include <stdio.h>

#include "case.h"
#include "cli.h"

const char help_init[] =
	"usage: weft init [--encrypt] [--case FILE]\n"
	"\n"
	"Creates an empty case (ingest also creates one when it is missing, but\n"
	"never an encrypted one).  The file must not exist yet.\n"
	"\n"
	"--encrypt  encrypt the case at rest: every page of the case file, its WAL\n"
	"           and its journal is sealed with XChaCha20-Poly1305 under a key\n"
	"           derived from a passphrase (Argon2id, about 1 s and 256 MiB).\n"
	"           The passphrase is asked twice on the terminal, or taken from\n"
	"           $WEFT_PASSPHRASE (visible to your own user in /proc/PID/environ;\n"
	"           use it for scripts).  Use several words.  Every command then\n"
	"           asks for it (or reads $WEFT_PASSPHRASE) when it opens the case;\n"
	"           a wrong one is refused and the case left untouched.  There is\n"
	"           no way back from a lost passphrase.  The originals, exports and\n"
	"           swap are not covered: keep them on an encrypted volume\n"
	"           (docs/ENCRYPTION.md).\n";

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"case", required_argument, 0, 'c'},
					     {"encrypt", no_argument, 0, 'E'},
					     {0, 0, 0, 0}};
	const char *case_opt = NULL;
	int encrypt = 0, o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': case_opt = optarg; break;
		case 'E': encrypt = 1; break;
		default: return cli_usage("init", "unknown option");
		}
	}
	if (optind != argc)
		return cli_usage("init", "takes no arguments (the case is --case FILE)");
	const char *path = cli_case_path(case_opt);
	struct err e = {{0}};
	if (case_init(path, encrypt, &e) < 0)
		return cli_error("%s", e.msg);
	printf("%s: new %scase\n", path, encrypt ? "encrypted " : "");
	return EXIT_OK;
}
