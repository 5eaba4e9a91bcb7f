/*
 * merge.c — `weft merge A B`: two entities are one.
 */
#include "cli.h"
#include "decide.h"

const char help_merge[] =
	"usage: weft merge [--case FILE] ENTITY OTHER\n"
	"\n"
	"Makes OTHER part of ENTITY (e.g. weft merge \"Bayan Jabr\" \"Bayan Baqir Solagh\").\n"
	"Recorded as a decision: kept across re-ingest; 'weft decisions --undo ID' undoes it.\n";

int cmd_merge(int argc, char **argv)
{
	return cli_decide(argc, argv, "merge", 2);
}
