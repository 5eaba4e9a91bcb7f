/*
 * test_email.c — extract_email() and extract_mbox() on messages the test
 * writes itself: RFC 2047 headers, a folded To list, a year-0001 date,
 * Latin-1 bytes under a us-ascii label, multipart/alternative, an HTML-only
 * body, quoted-printable and base64 parts, attachments and an attached
 * message reaching x->child() with the right names and bytes, an mbox of
 * three messages (one with an unescaped "From " line in its body), hostile
 * structure (10,000 parts, nesting thousands deep), garbage input, a child
 * callback that says stop, and four threads extracting at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* ---- recording children ---- */

struct kid {
	char *name;
	char *data;
	size_t len;
};

struct kids {
	struct kid *v;
	int n, cap;             /* children recorded */
	int calls;              /* calls, refused ones included */
	int stop_after;         /* > 0: this call (1-based) fails like a hit limit */
};

static int record_child(struct xctx *x, const char *name, const char *data, size_t len,
			struct err *e)
{
	struct kids *k = x->user;
	if (k->stop_after > 0 && ++k->calls >= k->stop_after)
		return err_set(e, "test limit reached at %s", name);
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 16;
		k->v = xrealloc(k->v, (size_t)k->cap * sizeof *k->v);
	}
	k->v[k->n].name = xstrdup(name);
	k->v[k->n].data = xstrndup(data, len);
	k->v[k->n].len = len;
	k->n++;
	return 0;
}

static void kids_free(struct kids *k)
{
	for (int i = 0; i < k->n && k->v; i++) {
		free(k->v[i].name);
		free(k->v[i].data);
	}
	free(k->v);
	memset(k, 0, sizeof *k);
}

static const struct xlimits roomy = {
	.max_depth = 5, .max_members = 100000, .max_file_size = 1ull << 30,
	.max_total = 1ull << 32, .max_ratio = 1000,
};

/* Runs extract_email (mbox = 0) or extract_mbox on the NUL-terminated msg. */
static int run_lim(const char *msg, size_t len, int mbox, const struct xlimits *lim,
		   struct kids *k, struct xdoc *d, struct err *e)
{
	struct xctx x = {.lim = lim, .child = k ? record_child : NULL, .user = k};
	xdoc_init(d);
	e->msg[0] = 0;
	int rc = mbox ? extract_mbox(&x, msg, len, d, e) : extract_email(&x, msg, len, d, e);
	if (rc == 0)
		assert_true(utf8_valid(d->text.p, d->text.len));
	return rc;
}

static int run(const char *msg, struct kids *k, struct xdoc *d, struct err *e)
{
	return run_lim(msg, strlen(msg), 0, &roomy, k, d, e);
}

static const char *meta(const struct xdoc *d, const char *key)
{
	const cJSON *v = d->meta ? cJSON_GetObjectItemCaseSensitive(d->meta, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Number of times needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- headers ---- */

static void test_headers_decoded(void **state)
{
	(void)state;
	const char *msg =
		"Message-ID: <abc.123@mail.example.org>\r\n"
		"In-Reply-To: <prev.99@mail.example.org>\r\n"
		"References: <root.1@mail.example.org>\r\n"
		"    <prev.99@mail.example.org>\r\n"
		"Date: Mon, 18 Nov 2019 09:30:00 +0100\r\n"
		"From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.org>\r\n"
		"To: \"Nasser, Layla\" <layla@example.org>, omar@example.org\r\n"
		"Cc: =?ISO-8859-1?Q?Fran=E7ois?= <fr@example.org>\r\n"
		"Subject: =?UTF-8?B?QWdlbmRhOiBtZWV0aW5nIGluIEJhZ2hkYWQ=?=\r\n"
		" =?UTF-8?Q?_=E2=80=94_draft?=\r\n"
		"\r\n"
		"See you there.\r\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_string_equal(d.type, "email");
	assert_string_equal(d.sender, "J\xc3\xbcrgen M\xc3\xbcller <jm@example.org>");
	assert_string_equal(d.recipients, "\"Nasser, Layla\" <layla@example.org>, omar@example.org");
	assert_string_equal(d.cc, "Fran\xc3\xa7ois <fr@example.org>");
	assert_string_equal(d.subject, "Agenda: meeting in Baghdad \xe2\x80\x94 draft");
	assert_string_equal(d.title, d.subject);
	assert_string_equal(d.date, "2019-11-18T08:30:00Z");
	assert_int_equal(d.date_suspect, 0);
	assert_string_equal(d.message_id, "abc.123@mail.example.org");
	assert_string_equal(d.in_reply_to, "prev.99@mail.example.org");
	assert_string_equal(meta(&d, "references"), "root.1@mail.example.org prev.99@mail.example.org");
	/* the text: header block, blank line, body, LF line ends only */
	assert_string_equal(d.text.p,
			    "From: J\xc3\xbcrgen M\xc3\xbcller <jm@example.org>\n"
			    "To: \"Nasser, Layla\" <layla@example.org>, omar@example.org\n"
			    "Cc: Fran\xc3\xa7ois <fr@example.org>\n"
			    "Date: Mon, 18 Nov 2019 09:30:00 +0100\n"
			    "Subject: Agenda: meeting in Baghdad \xe2\x80\x94 draft\n"
			    "\n"
			    "See you there.\n");
	xdoc_free(&d);
}

static void test_no_subject_and_enron_headers(void **state)
{
	(void)state;
	const char *msg = "From: ops@example.org\n"
			  "To: a@example.org\n"
			  "X-From: Operations Desk\n"
			  "X-To: Alice Able </O=EXAMPLE/OU=NA/CN=RECIPIENTS/CN=AABLE>\n"
			  "\n"
			  "Nightly run finished.\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_null(d.subject);
	assert_string_equal(d.title, "(no subject)");
	assert_null(d.date);
	assert_null(d.message_id);
	assert_string_equal(meta(&d, "x_from"), "Operations Desk");
	assert_string_equal(meta(&d, "x_to"), "Alice Able </O=EXAMPLE/OU=NA/CN=RECIPIENTS/CN=AABLE>");
	assert_string_equal(d.text.p, "From: ops@example.org\nTo: a@example.org\n\nNightly run finished.\n");
	xdoc_free(&d);
}

static void test_folded_to(void **state)
{
	(void)state;
	struct buf m = BUF_INIT;
	buf_adds(&m, "From: boss@example.org\nSubject: all hands\nTo: ");
	for (int i = 0; i < 300; i++)
		buf_printf(&m, "%suser%03d@example.org", i ? ",\n\t" : "", i);
	buf_adds(&m, "\n\nMeeting at noon.\n");
	struct xdoc d;
	struct err e;
	assert_int_equal(run(m.p, NULL, &d, &e), 0);
	assert_int_equal(count(d.recipients, "@example.org"), 300);
	assert_int_equal(count(d.recipients, ", "), 299);
	assert_null(strchr(d.recipients, '\n'));
	assert_null(strchr(d.recipients, '\t'));
	assert_non_null(strstr(d.recipients, "user000@example.org, user001@example.org"));
	assert_non_null(strstr(d.recipients, "user299@example.org"));
	/* the text's To line is one line too */
	assert_non_null(strstr(d.text.p, "To: user000@example.org, user001@example.org, "));
	xdoc_free(&d);
	buf_free(&m);
}

static void test_malformed_addresses_kept(void **state)
{
	(void)state;
	/* addresses GMime's parser rejects (double dot, trailing dot, a local
	 * part starting with a dot) are still recipients */
	const char *msg = "From: Desk <desk@example.org>\n"
			  "To: k..smith@example.org, omar.said.@example.org,\n"
			  "  wire <.news@example.org>, \"Haddad, R.\" <rh@example.org>\n"
			  "Cc: undisclosed-recipients:;\n"
			  "Subject: s\n\nx\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_string_equal(d.sender, "Desk <desk@example.org>");
	assert_string_equal(d.recipients, "k..smith@example.org, omar.said.@example.org, "
					  "wire <.news@example.org>, \"Haddad, R.\" <rh@example.org>");
	assert_string_equal(d.cc, "undisclosed-recipients:;");
	xdoc_free(&d);
}

static void test_year_0001_is_suspect(void **state)
{
	(void)state;
	const char *msg = "Date: Sat, 24 Dec 0001 22:25:56 -0800 (PST)\n"
			  "From: robot@example.org\nTo: x@example.org\nSubject: status\n\nPaid.\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_non_null(d.date);
	assert_string_equal(d.date, "0001-12-25T06:25:56Z");
	assert_int_equal(d.date_suspect, 1);
	/* the raw date stays in the text as the message wrote it */
	assert_non_null(strstr(d.text.p, "Date: Sat, 24 Dec 0001 22:25:56 -0800 (PST)\n"));
	xdoc_free(&d);

	/* a year GMime refuses outright (100..1899) is kept and flagged too */
	msg = "Date: Tue, 3 Mar 1857 10:00:00 +0000\nFrom: a@example.org\nSubject: s\n\nx\n";
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_string_equal(d.date, "1857-03-03T10:00:00Z");
	assert_int_equal(d.date_suspect, 1);
	xdoc_free(&d);

	/* an ordinary two-digit year is not suspect */
	msg = "Date: Fri, 13 Jul 01 08:00:00 +0000\nFrom: a@example.org\nSubject: s\n\nx\n";
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_string_equal(d.date, "2001-07-13T08:00:00Z");
	assert_int_equal(d.date_suspect, 0);
	xdoc_free(&d);

	/* an unreadable date is kept as meta, never invented */
	msg = "Date: sometime last week\nFrom: a@example.org\nSubject: s\n\nx\n";
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_null(d.date);
	assert_string_equal(meta(&d, "date_raw"), "sometime last week");
	xdoc_free(&d);
}

static void test_latin1_under_us_ascii(void **state)
{
	(void)state;
	const char *msg = "From: a@example.org\n"
			  "X-From: \"Fran\xe7ois Dupr\xe9\" <fd@example.org>\n"
			  "Subject: menu\n"
			  "Content-Type: text/plain; charset=us-ascii\n"
			  "Content-Transfer-Encoding: 7bit\n"
			  "\n"
			  "Le caf\xe9 na\xefve du march\xe9 ouvre \xe0 9h.\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	/* the text is valid UTF-8 (run() checks); each Latin-1 byte was either
	 * converted to its letter or replaced and counted */
	int converted = strstr(d.text.p, "caf\xc3\xa9 na\xc3\xafve du march\xc3\xa9 ouvre \xc3\xa0 9h.") != NULL;
	assert_true(converted || d.invalid_bytes == 5);
	assert_true(converted); /* and here detection gets it right */
	assert_string_equal(meta(&d, "x_from"), "\"Fran\xc3\xa7ois Dupr\xc3\xa9\" <fd@example.org>");
	xdoc_free(&d);

	/* declared UTF-8 with a stray byte: replaced and counted */
	msg = "From: a@example.org\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\nok \xff ok\n";
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_int_equal(d.invalid_bytes, 1);
	assert_non_null(strstr(d.text.p, "ok \xef\xbf\xbd ok"));
	xdoc_free(&d);

	/* a real legacy charset is converted */
	msg = "From: a@example.org\nSubject: s\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n";
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_non_null(strstr(d.text.p, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82")); /* Привет */
	assert_int_equal(d.invalid_bytes, 0);
	xdoc_free(&d);
}

/* ---- bodies ---- */

static void test_alternative_prefers_plain(void **state)
{
	(void)state;
	const char *msg = "From: a@example.org\nSubject: alt\nMIME-Version: 1.0\n"
			  "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
			  "preamble\n"
			  "--b1\nContent-Type: text/html; charset=utf-8\n\n"
			  "<html><body><p>HTML-VERSION of the note</p></body></html>\n"
			  "--b1\nContent-Type: text/plain; charset=utf-8\n"
			  "Content-Transfer-Encoding: quoted-printable\n\n"
			  "PLAIN-VERSION of the note, caf=C3=A9 and a soft=\n"
			  " break.\n"
			  "--b1--\n";
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	assert_int_equal(run(msg, &k, &d, &e), 0);
	assert_non_null(strstr(d.text.p, "PLAIN-VERSION of the note, caf\xc3\xa9 and a soft break.\n"));
	assert_null(strstr(d.text.p, "HTML-VERSION"));
	assert_null(strstr(d.text.p, "preamble"));
	assert_int_equal(k.n, 0);
	xdoc_free(&d);
	kids_free(&k);
}

static void test_html_only_body(void **state)
{
	(void)state;
	const char *msg = "From: a@example.org\nSubject: html\nMIME-Version: 1.0\n"
			  "Content-Type: text/html; charset=iso-8859-1\n"
			  "Content-Transfer-Encoding: quoted-printable\n\n"
			  "<html><head><title>t</title><style>p{color:red}</style></head><body>\n"
			  "<p>Meeting with the minister in <b>Na=EFrobi</b>.</p>\n"
			  "<script>var secret = 1;</script></body></html>\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_non_null(strstr(d.text.p, "Meeting with the minister in Na\xc3\xafrobi."));
	assert_null(strstr(d.text.p, "<p>"));
	assert_null(strstr(d.text.p, "secret"));
	assert_null(strstr(d.text.p, "color:red"));
	xdoc_free(&d);
}

static void test_mixed_text_parts_and_crlf(void **state)
{
	(void)state;
	const char *msg = "From: a@example.org\r\nSubject: mixed\r\nMIME-Version: 1.0\r\n"
			  "Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
			  "--zz\r\nContent-Type: text/plain\r\n\r\nFirst part.\r\n"
			  "--zz\r\nContent-Type: text/plain\r\n\r\nSecond part.\r\n"
			  "--zz--\r\n";
	struct xdoc d;
	struct err e;
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_null(strchr(d.text.p, '\r'));
	assert_non_null(strstr(d.text.p, "\n\nFirst part.\n\nSecond part.\n"));
	xdoc_free(&d);
}

/* ---- attachments ---- */

static void test_attachments_reach_child(void **state)
{
	(void)state;
	/* "Quarterly figures\x00\x01\x02" in base64, and a PDF-ish blob */
	const char *msg =
		"From: a@example.org\nTo: b@example.org\nSubject: files\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
		"--outer\nContent-Type: text/plain\n\nPlease find the figures attached.\n"
		"--outer\nContent-Type: application/octet-stream; name=\"figures.bin\"\n"
		"Content-Disposition: attachment; filename=\"figures.bin\"\n"
		"Content-Transfer-Encoding: base64\n\n"
		"UXVhcnRlcmx5IGZp\nZ3VyZXMAAQI=\n"
		"--outer\nContent-Type: application/pdf\n"
		"Content-Disposition: attachment\n\n"
		"%PDF-1.4 not really\n"
		"--outer\nContent-Type: text/plain; name=\"=?UTF-8?Q?r=C3=A9sum=C3=A9=2Etxt?=\"\n"
		"Content-Transfer-Encoding: quoted-printable\n\n"
		"Curriculum vitae caf=C3=A9\n"
		"--outer\nContent-Type: message/rfc822\n\n"
		"From: inner@example.org\nSubject: forwarded note\n\nInner body.\n"
		"--outer--\n";
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	assert_int_equal(run(msg, &k, &d, &e), 0);
	assert_int_equal(k.n, 4);
	assert_string_equal(k.v[0].name, "figures.bin");
	assert_int_equal(k.v[0].len, 20);
	assert_memory_equal(k.v[0].data, "Quarterly figures\x00\x01\x02", 20);
	assert_string_equal(k.v[1].name, "attachment-2");
	assert_memory_equal(k.v[1].data, "%PDF-1.4 not really", 19);
	assert_string_equal(k.v[2].name, "r\xc3\xa9sum\xc3\xa9.txt");
	assert_string_equal(k.v[2].data, "Curriculum vitae caf\xc3\xa9"); /* the last newline is the boundary's */
	assert_string_equal(k.v[3].name, "attachment-4");
	/* the attached message is a message the dispatcher can extract */
	struct xdoc in;
	struct err ie;
	assert_int_equal(run_lim(k.v[3].data, k.v[3].len, 0, &roomy, NULL, &in, &ie), 0);
	assert_string_equal(in.subject, "forwarded note");
	assert_non_null(strstr(in.text.p, "Inner body."));
	xdoc_free(&in);
	/* only the body text is the message's own text */
	assert_non_null(strstr(d.text.p, "Please find the figures attached."));
	assert_null(strstr(d.text.p, "Curriculum"));
	assert_null(strstr(d.text.p, "Inner body"));
	xdoc_free(&d);
	kids_free(&k);

	/* without a child callback the attachments are skipped, the text kept */
	assert_int_equal(run(msg, NULL, &d, &e), 0);
	assert_non_null(strstr(d.text.p, "Please find the figures attached."));
	xdoc_free(&d);
}

static void test_empty_parts(void **state)
{
	(void)state;
	/* found by fuzzing: an empty text part and an empty attachment */
	const char *msg = "From: a@example.org\nSubject: empty\nContent-Type: multipart/mixed; boundary=e\n\n"
			  "--e\nContent-Type: text/plain; charset=iso-8859-1\n"
			  "Content-Transfer-Encoding: quoted-printable\n\n"
			  "--e\nContent-Disposition: attachment; filename=\"nothing.txt\"\n\n"
			  "--e--\n";
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	assert_int_equal(run(msg, &k, &d, &e), 0);
	assert_string_equal(d.text.p, "From: a@example.org\nSubject: empty\n\n");
	assert_int_equal(k.n, 1);
	assert_string_equal(k.v[0].name, "nothing.txt");
	assert_int_equal(k.v[0].len, 0);
	xdoc_free(&d);
	kids_free(&k);
}

static void test_child_stop_propagates(void **state)
{
	(void)state;
	struct buf m = BUF_INIT;
	buf_adds(&m, "From: a@example.org\nSubject: many\nContent-Type: multipart/mixed; boundary=b\n\n");
	for (int i = 0; i < 5; i++)
		buf_printf(&m, "--b\nContent-Disposition: attachment; filename=\"f%d.txt\"\n\nfile %d\n", i, i);
	buf_adds(&m, "--b--\n");
	struct xdoc d;
	struct err e;
	struct kids k = {.stop_after = 3};
	assert_int_equal(run(m.p, &k, &d, &e), -1);
	assert_string_equal(e.msg, "test limit reached at f2.txt");
	assert_int_equal(k.calls, 3); /* the third refused, no more asked */
	assert_int_equal(k.n, 2);
	xdoc_free(&d);
	kids_free(&k);
	buf_free(&m);
}

/* ---- mbox ---- */

static const char mbox3[] =
	"From alice@example.org Mon Jan  1 10:00:00 2001\n"
	"From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: first\n"
	"Date: Mon, 1 Jan 2001 10:00:00 +0000\n\n"
	"Body one.\n"
	"From here on, a line that was never escaped.\n\n"
	"From bob@example.org Tue Jan  2 10:00:00 2001\n"
	"From: Bob <bob@example.org>\nSubject: =?UTF-8?Q?second_=E2=9C=93?=\n"
	"Date: Tue, 2 Jan 2001 10:00:00 +0000\n\n"
	"Body two.\n\n"
	"From carol@example.org Wed Jan  3 10:00:00 2001\n"
	"From: Carol <carol@example.org>\nSubject: third\n\n"
	"Body three.\n";

static void test_mbox_three_messages(void **state)
{
	(void)state;
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	assert_int_equal(run_lim(mbox3, strlen(mbox3), 1, &roomy, &k, &d, &e), 0);
	assert_string_equal(d.type, "mbox");
	assert_string_equal(d.title, "mbox: 3 messages");
	assert_int_equal(k.n, 3);
	const char *subjects[] = {"first", "second \xe2\x9c\x93", "third"};
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof name, "message-%d", i + 1);
		assert_string_equal(k.v[i].name, name);
		/* each child is a message on its own, without the "From " line */
		assert_true(!strncmp(k.v[i].data, "From: ", 6));
		struct xdoc m;
		struct err me;
		assert_int_equal(run_lim(k.v[i].data, k.v[i].len, 0, &roomy, NULL, &m, &me), 0);
		assert_string_equal(m.subject, subjects[i]);
		xdoc_free(&m);
	}
	assert_non_null(strstr(k.v[0].data, "a line that was never escaped"));
	assert_string_equal(d.text.p,
			    "2001-01-01T10:00:00Z \xe2\x80\x94 Alice <alice@example.org> \xe2\x80\x94 first\n"
			    "2001-01-02T10:00:00Z \xe2\x80\x94 Bob <bob@example.org> \xe2\x80\x94 second \xe2\x9c\x93\n"
			    "(no date) \xe2\x80\x94 Carol <carol@example.org> \xe2\x80\x94 third\n");
	xdoc_free(&d);
	kids_free(&k);

	/* more messages than max_members: the first ones, then a clear error */
	struct xlimits lim = roomy;
	lim.max_members = 2;
	assert_int_equal(run_lim(mbox3, strlen(mbox3), 1, &lim, &k, &d, &e), -1);
	assert_string_equal(e.msg, "too many messages (limit 2)");
	assert_int_equal(k.n, 2);
	xdoc_free(&d);
	kids_free(&k);

	/* an email is not an mbox */
	const char *one = "From: a@example.org\nSubject: s\n\nx\n";
	assert_int_equal(run_lim(one, strlen(one), 1, &roomy, &k, &d, &e), -1);
	assert_string_equal(e.msg, "not an mbox: no message found");
	xdoc_free(&d);
	kids_free(&k);
}

/* ---- hostile input ---- */

static void test_ten_thousand_parts(void **state)
{
	(void)state;
	struct buf m = BUF_INIT;
	buf_adds(&m, "From: a@example.org\nSubject: parts\nContent-Type: multipart/mixed; boundary=p\n\n");
	for (int i = 0; i < 10000; i++)
		buf_printf(&m, "--p\nContent-Type: text/plain\n%s\npart %d\n",
			   i % 2 ? "Content-Disposition: attachment\n" : "", i);
	buf_adds(&m, "--p--\n");
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	assert_int_equal(run_lim(m.p, m.len, 0, &roomy, &k, &d, &e), 0);
	assert_int_equal(k.n, 5000);
	assert_string_equal(k.v[4999].name, "attachment-5000");
	assert_non_null(strstr(d.text.p, "part 9998\n"));
	xdoc_free(&d);
	kids_free(&k);

	struct xlimits lim = roomy;
	lim.max_members = 100;
	assert_int_equal(run_lim(m.p, m.len, 0, &lim, &k, &d, &e), -1);
	assert_string_equal(e.msg, "too many MIME parts (limit 100)");
	assert_int_equal(k.n, 50);
	xdoc_free(&d);
	kids_free(&k);
	buf_free(&m);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	/* multipart inside multipart, 3000 deep, each level its own boundary
	 * (GMime stops parsing structure at its own limit; the walk here stops
	 * at 64 levels and says so) */
	const int depth = 3000;
	struct buf m = BUF_INIT;
	buf_adds(&m, "From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n");
	for (int i = 0; i < depth; i++)
		buf_printf(&m, "Content-Type: multipart/mixed; boundary=\"d%d\"\n\n--d%d\n", i, i);
	buf_adds(&m, "Content-Type: text/plain\n\nthe bottom\n");
	for (int i = depth - 1; i >= 0; i--)
		buf_printf(&m, "--d%d--\n", i);
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	assert_int_equal(run_lim(m.p, m.len, 0, &roomy, &k, &d, &e), 0);
	assert_non_null(meta(&d, "truncated"));
	assert_null(strstr(d.text.p, "the bottom"));
	xdoc_free(&d);
	kids_free(&k);
	buf_free(&m);

	/* attached messages nested deep: only the outer one is walked here,
	 * the rest is the dispatcher's to limit (x->depth) */
	buf_adds(&m, "From: a@example.org\nSubject: nest\n");
	for (int i = 0; i < depth; i++)
		buf_printf(&m, "Content-Type: message/rfc822\n\nFrom: l%d@example.org\nSubject: level %d\n", i, i);
	buf_adds(&m, "\ninnermost\n");
	assert_int_equal(run_lim(m.p, m.len, 0, &roomy, &k, &d, &e), 0);
	assert_int_equal(k.n, 1);
	assert_true(!strncmp(k.v[0].data, "From: l0@example.org", 20));
	xdoc_free(&d);
	kids_free(&k);
	buf_free(&m);
}

static void test_garbage_fails_cleanly(void **state)
{
	(void)state;
	struct xdoc d;
	struct err e;
	struct kids k = {0};
	const char *inputs[] = {
		"",
		"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"just one line of prose, no headers at all",
		"\n\n\n",
		": : :\n",
	};
	size_t lens[] = {0, 16, 41, 3, 6};
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		assert_int_equal(run_lim(inputs[i], lens[i], 0, &roomy, &k, &d, &e), -1);
		assert_string_equal(e.msg, "not a parseable email message");
		xdoc_free(&d);
	}
	/* random bytes, repeatably */
	unsigned char junk[4096];
	unsigned s = 12345;
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof junk; i++) {
			s = s * 1103515245u + 12345u;
			junk[i] = (unsigned char)(s >> 16);
		}
		int rc = run_lim((const char *)junk, sizeof junk, round % 2, &roomy, &k, &d, &e);
		assert_int_equal(rc, -1);
		xdoc_free(&d);
	}
	assert_int_equal(k.n, 0);
	kids_free(&k);
}

/* ---- threads ---- */

static void *extract_many(void *arg)
{
	long bad = 0;
	(void)arg;
	for (int i = 0; i < 200; i++) {
		struct kids k = {0};
		struct xctx x = {.lim = &roomy, .child = record_child, .user = &k};
		struct xdoc d;
		struct err e;
		xdoc_init(&d);
		if (extract_mbox(&x, mbox3, strlen(mbox3), &d, &e) != 0 || k.n != 3)
			bad++;
		for (int j = 0; j < k.n; j++) {
			struct xdoc m;
			xdoc_init(&m);
			struct xctx y = {.lim = &roomy};
			if (extract_email(&y, k.v[j].data, k.v[j].len, &m, &e) != 0 || !m.subject)
				bad++;
			xdoc_free(&m);
		}
		xdoc_free(&d);
		kids_free(&k);
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, extract_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		assert_int_equal((long)bad, 0);
	}
}

int main(void)
{
	extract_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_decoded),
		cmocka_unit_test(test_no_subject_and_enron_headers),
		cmocka_unit_test(test_folded_to),
		cmocka_unit_test(test_malformed_addresses_kept),
		cmocka_unit_test(test_year_0001_is_suspect),
		cmocka_unit_test(test_latin1_under_us_ascii),
		cmocka_unit_test(test_alternative_prefers_plain),
		cmocka_unit_test(test_html_only_body),
		cmocka_unit_test(test_mixed_text_parts_and_crlf),
		cmocka_unit_test(test_attachments_reach_child),
		cmocka_unit_test(test_empty_parts),
		cmocka_unit_test(test_child_stop_propagates),
		cmocka_unit_test(test_mbox_three_messages),
		cmocka_unit_test(test_ten_thousand_parts),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_garbage_fails_cleanly),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("email", tests, NULL, NULL);
}
