/*
 * drop.c — `weft drop ENTITY`: not a name at all.
 */
#include "cli.h"
#include "decide.h"

const char help_drop[] =
	"usage: weft drop [--case FILE] ENTITY\n"
	"\n"
	"Removes a false entity (e.g. \"He\" or a heading taken for a name) and its links.\n"
	"Recorded as a decision: kept across re-ingest; 'weft decisions --undo ID' undoes it.\n";

int cmd_drop(int argc, char **argv)
{
	return cli_decide(argc, argv, "drop", 1);
}
