/*
 * split.c — `weft split ENTITY ALIAS`: an alias is someone else.
 */
#include "cli.h"
#include "decide.h"

const char help_split[] =
	"usage: weft split [--case FILE] ENTITY ALIAS\n"
	"\n"
	"Takes ALIAS (a spelling listed by 'weft entity ENTITY') out of ENTITY and makes\n"
	"it an entity of its own (e.g. weft split \"Saddam Hussein\" \"Hussein\").\n"
	"Recorded as a decision: kept across re-ingest; 'weft decisions --undo ID' undoes it.\n";

int cmd_split(int argc, char **argv)
{
	return cli_decide(argc, argv, "split", 2);
}
