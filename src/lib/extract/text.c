/*
 * extract/text.c — plain text in any charset.  The title is the first
 * non-blank line; CRLF becomes LF; NUL bytes become spaces and count as
 * invalid, since they are never text.
 */
#include <string.h>

#include "extract.h"

int extract_text(struct xctx *x, const char *data, size_t len, struct xdoc *d, struct err *e)
{
	struct buf raw = BUF_INIT;
	if (text_to_utf8(data, len, NULL, &raw, &d->invalid_bytes, e) < 0) {
		buf_free(&raw);
		return -1;
	}
	buf_grow(&d->text, raw.len);
	for (size_t i = 0; i < raw.len; i++) {
		char c = raw.p[i];
		if (c == '\r' && i + 1 < raw.len && raw.p[i + 1] == '\n')
			continue;
		if (c == 0) {
			c = ' ';
			d->invalid_bytes++;
		}
		d->text.p[d->text.len++] = c;
	}
	d->text.p[d->text.len] = 0;
	buf_free(&raw);
	d->type = "text";
	const char *s = d->text.p, *end = s + d->text.len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *a = s;
		while (a < le && (*a == ' ' || *a == '\t' || *a == '\r'))
			a++; /* a lone CR (no LF after it) is blank too */
		if (a < le) {
			size_t n = (size_t)(le - a);
			if (n > 200) {
				n = 200;
				while (n > 0 && ((unsigned char)a[n] & 0xC0) == 0x80)
					n--; /* do not cut a UTF-8 sequence */
			}
			d->title = str_trim(xstrndup(a, n));
			break;
		}
		s = le + 1;
	}
	return 0;
}
