/*
 * cli.h — what the `weft` tool's command files share: declarations of every
 * cmd_<name>() and help_<name>, and the small helpers for case paths,
 * errors and terminal output.  The tool only parses arguments and prints;
 * the work is done by the library (src/lib).
 */
#ifndef WEFT_CLI_H
#define WEFT_CLI_H

#include <stdio.h>

#define X(name, fn, summary) int cmd_##fn(int argc, char **argv); extern const char help_##fn[];
#include "commands.h"
#undef X

/* Exit statuses, documented in `weft help`. */
enum { EXIT_OK = 0, EXIT_FATAL = 1, EXIT_USAGE = 2, EXIT_SOME_FAILED = 3 };

/* The case file to use: opt if given, else $WEFT_CASE, else "case.weft". */
const char *cli_case_path(const char *opt);

/* Prints "weft: <message>" on stderr; returns EXIT_FATAL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "weft: <cmd>: <message>" and the command's usage hint; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 if f is a terminal (and NO_COLOR is unset, for colour). */
int cli_isatty(FILE *f);
int cli_color(FILE *f);

/* Writes s to f with control characters (a newline in a file name, a
 * terminal escape) shown as \n or \xNN, so a hostile name cannot spoof
 * the output.  NULL prints as "-". */
void cli_put_safe(FILE *f, const char *s);

/* Prints a cJSON value followed by a newline and frees it. */
struct cJSON;
void cli_print_json(struct cJSON *v);

/* Adds s to a cJSON object as a string (null when s is NULL), with any
 * invalid UTF-8 (file names need not be UTF-8) replaced by U+FFFD. */
void cli_json_add(struct cJSON *obj, const char *key, const char *s);

/* A number (0 when missing) or a string (NULL when missing) of a cJSON
 * object, for commands that print from the library's JSON. */
double cli_num(const struct cJSON *o, const char *key);
const char *cli_str(const struct cJSON *o, const char *key);

/* Parses the options of a command that takes only --case FILE and --json
 * and no argument; returns 0, or EXIT_USAGE after saying why. */
int cli_case_json_opts(int argc, char **argv, const char *cmd, const char **case_opt, int *json);

/* Opens the case for reading: returns it, or NULL after printing the error. */
struct case_db;
struct case_db *cli_open_read(const char *case_opt);

/* Loads the NER model at path (NULL: the default).  On success returns it
 * and writes a short identity of the file ("ner:" + 12 hex digits of its
 * SHA-256) into id (32 bytes).  On failure prints the error and returns NULL. */
struct ner_model;
struct ner_model *cli_load_model(const char *path, char id[32]);

/* Prints help for a command name; returns 0, or EXIT_USAGE if unknown. */
int cli_help(const char *name);

#endif
