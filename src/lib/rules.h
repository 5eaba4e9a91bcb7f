/*
 * rules.h — the rule pass of the recognizer: DATE, EMAIL, URL and PHONE
 * mentions found by hand-written patterns in raw UTF-8 text, each with byte
 * offsets and a normalised value.
 *
 * DATE values are ISO 8601 where the text is unambiguous: "2014" -> "2014",
 * "October 2019" -> "2019-10", "18 November 2019" / "November 18, 2019" /
 * "2019-11-18" -> "2019-11-18", "summer 2014" -> "2014-22" (ISO 8601-2
 * season codes: 21 spring, 22 summer, 23 autumn, 24 winter), "between 2010 and 2017" / "2010-2017" ->
 * "2010/2017" (an ISO interval), "the 1990s" -> "199" (a decade).  Numeric dates such as "03/04/2010" are
 * ambiguous (day or month first) and get a NULL value.  EMAIL values are
 * lower-cased, URL values are the URL as written, PHONE values keep the
 * digits and a leading "+".
 */
#ifndef WEFT_RULES_H
#define WEFT_RULES_H

#include <stddef.h>

#include "util.h"

enum rules_type { RULES_DATE, RULES_EMAIL, RULES_URL, RULES_PHONE };

struct rules_mention {
	size_t start, end;      /* byte offsets: text[start,end) */
	int type;               /* enum rules_type */
	char *value;            /* normalised value or NULL; owned by the result */
};

/* Owns the array and every value string; free with rules_result_free(). */
struct rules_result {
	struct rules_mention *m;
	size_t n;
};

#define RULES_RESULT_INIT {NULL, 0}

/* "DATE", "EMAIL", "URL", "PHONE" (static strings). */
const char *rules_type_name(int type);

/* Finds rule mentions in text (len bytes, need not be NUL-terminated).
 * Mentions never overlap and are sorted by start.  Fills *out (which must be
 * RULES_RESULT_INIT or freed).  Returns 0, or -1 with e set. */
int rules_find(const char *text, size_t len, struct rules_result *out, struct err *e);

/* Releases what r owns and resets it to empty. */
void rules_result_free(struct rules_result *r);

#endif
