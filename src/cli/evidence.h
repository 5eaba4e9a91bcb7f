/*
 * evidence.h — how links and paths show their evidence sentences, shared
 * by `weft links` and `weft path` (evidence.c).
 */
#ifndef WEFT_CLI_EVIDENCE_H
#define WEFT_CLI_EVIDENCE_H

#include "graph.h"

/* Prints an evidence sentence (graph_snippet()): names bold on a
 * terminal (color), else in [brackets]. */
void cli_put_snippet(const struct graph_evidence *v, int color);

#endif
