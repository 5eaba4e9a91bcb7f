/*
 * commands.h — the list of weft's commands, one X(name, function, summary)
 * line each.  Each command lives in src/cli/<name>.c with its own
 * cmd_<name>(argc, argv) and its usage text in help_<name>.  Adding a
 * command is one file plus one line here.
 */
X("ingest", ingest, "read documents into the case")
X("search", search, "full-text search with highlighted snippets")
X("show", show, "a document's metadata and text")
X("stats", stats, "what the case holds")
X("failures", failures, "files that could not be read, and why")
X("train", train, "train the named-entity model from CoNLL files")
X("tag", tag, "find names, places, dates ... in text or CoNLL files")
X("ner-eval", ner_eval, "score the named-entity model on a gold CoNLL file")
X("mentions", mentions, "the names, places and dates found in a document")
X("retag", retag, "find names again after a model change")
X("match", match, "whether two spellings can name the same person")
X("entities", entities, "people, organizations and places, each once whatever the spelling")
X("entity", entity, "one entity: aliases and documents")
X("merge", merge, "two entities are one person (kept across re-ingest)")
X("split", split, "an alias is someone else (kept across re-ingest)")
X("rename", rename, "choose an entity's name")
X("drop", drop, "remove a false entity")
X("decisions", decisions, "the merges, splits, renames and drops made by hand")
X("links", links, "who an entity is connected to, with the sentences that show it")
X("path", path, "the chain of links from one entity to another")
X("export", export, "the network and documents for Gephi, Neo4j, OpenSearch, Aleph, CSV")
X("graph", graph, "the network: links, communities, central entities (--rebuild)")
X("serve", serve, "the case in a browser: search, documents, entities, the network")
