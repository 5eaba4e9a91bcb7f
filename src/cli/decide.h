/*
 * decide.h — what merge, split, rename and drop share (decisions.c).
 */
#ifndef WEFT_CLI_DECIDE_H
#define WEFT_CLI_DECIDE_H

/* Parses [--case FILE] and nargs arguments, records decision kind, prints
 * the outcome.  Returns the exit status. */
int cli_decide(int argc, char **argv, const char *kind, int nargs);

#endif
