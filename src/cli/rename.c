/*
 * rename.c — `weft rename ENTITY NAME`: choose the name shown.
 */
#include "cli.h"
#include "decide.h"

const char help_rename[] =
	"usage: weft rename [--case FILE] ENTITY NAME\n"
	"\n"
	"Shows ENTITY as NAME everywhere (aliases are kept).\n"
	"Recorded as a decision: kept across re-ingest; 'weft decisions --undo ID' undoes it.\n";

int cmd_rename(int argc, char **argv)
{
	return cli_decide(argc, argv, "rename", 2);
}
