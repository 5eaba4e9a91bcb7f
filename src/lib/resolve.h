/*
 * resolve.h — from mentions to entities.
 *
 * resolve_all() rebuilds the entities of the case from its mentions: within
 * a document a short mention joins the fuller one it abbreviates ("Soleimani"
 * after "Qassem Soleimani"), acronyms join their long form, and across
 * documents names cluster by transliteration-aware keys (names.h) while
 * conflicting given names stay apart; a word of a name that the case's own
 * text writes as an ordinary word, in lower case ("union", "born"), is
 * matched by its letters only when a one-word name meets it (The Onion is
 * not the European Union), and a name tagged MISC joins no person known by
 * fewer words.  Then the user's decisions (merge, split, rename, drop) are
 * applied again, so they survive any re-ingest.
 */
#ifndef WEFT_RESOLVE_H
#define WEFT_RESOLVE_H

#include "case.h"

/* Rebuilds entities and aliases and sets mentions.entity.  Runs in one
 * transaction and writes only what differs from the tables (a run that
 * finds what the last one found writes nothing).  What it finds depends on
 * the documents' contents only, never on the order they were numbered in:
 * every tie goes by counts, then by the texts' bytes, so the same files
 * ingested in any order give the same entities, with the same ids.
 * *nentities (may be NULL)
 * gets the count.  Returns 0 or -1.  With WEFT_TIMES set in the environment
 * it prints the CPU seconds of each phase to stderr, and how many words of
 * names the text writes as ordinary words. */
int resolve_all(struct case_db *c, long *nentities, struct err *e);

/* Finds an entity from a reference the user typed: an id, a name or an
 * alias (case- and accent-insensitive, any spelling the matcher accepts),
 * optionally restricted to type (NULL for any).  Returns the id, 0 if none,
 * -1 on error (e.g. ambiguous: e lists the candidates). */
long long resolve_find(struct case_db *c, const char *ref, const char *type, struct err *e);

/* Records a decision of the user's and applies it at once by resolving
 * again (and rebuilding the network, the next stage): kind is "merge" (a absorbs b), "split" (alias b of a becomes an
 * entity of its own), "rename" (a is called b) or "drop" (a is not a name).
 * a and b are what the user typed; a is checked to exist now and stored by
 * its canonical name.  Returns the decision id, or -1 with e set. */
long long resolve_decide(struct case_db *c, const char *kind, const char *a, const char *b, struct err *e);

/* Marks decision id undone and resolves again.  Returns 0 or -1. */
int resolve_undo(struct case_db *c, long long id, struct err *e);

#endif
