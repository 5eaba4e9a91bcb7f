/*
 * evidence.h — how links and paths show their kinds and evidence sentences,
 * shared by `weft links` and `weft path` (evidence.c).
 */
#ifndef WEFT_CLI_EVIDENCE_H
#define WEFT_CLI_EVIDENCE_H

#include "graph.h"

/* Prints an evidence sentence (graph_snippet()): names bold on a
 * terminal (color), else in [brackets]. */
void cli_put_snippet(const struct graph_evidence *v, int color);

/* Prints l's kinds, directed ones with an arrow from this end:
 * "head of ->, co-occurs" or "<- member of". */
void cli_put_kinds(const struct graph_link *l);

/* Prints each piece of l's evidence on two lines after indent: the quoted
 * sentence, then its document. */
void cli_put_evidence(const struct graph_link *l, const char *indent, int color);

#endif
