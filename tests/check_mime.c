/*
 * check_mime.c - unit tests of the streaming MIME parser: nesting and
 * boundaries, folded part headers in any case, LF and CRLF, base64 and
 * quoted-printable decoding across every chunk split, embedded message
 * headers, and the depth, parts and line caps.  Each test records the
 * parser's callbacks into a text log and compares it.
 */
#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "mime.h"
#include "randct.h"
#include "result.h"
#include "fieldname.h"

typedef struct rec {
	char log[8192];
	size_t len;
	int want;		/* entity() return value for leaves */
	unsigned long long ids;	/* header_ids asked for (0: all) */
	const char *initials;	/* their header_initials (NULL: not known) */
} rec;

static void
rec_add(rec *r, const char *s, size_t n)
{
	if (n > sizeof(r->log) - 1 - r->len)
		n = sizeof(r->log) - 1 - r->len;
	memcpy(r->log + r->len, s, n);
	r->len += n;
	r->log[r->len] = '\0';
}

#define REC(r, ...) do {						\
	char b_[512];							\
	int n_ = snprintf(b_, sizeof(b_), __VA_ARGS__);			\
	rec_add((r), b_, (size_t)n_);					\
} while (0)

static int
cb_entity(void *ctx, const mime_part *p)
{
	rec *r = ctx;

	REC(r, "[E %s d%u m%u]", p->type, p->depth, p->in_message);
	return r->want;
}

static void
cb_header(void *ctx, unsigned in_message, int id, const char *name,
	  const char *value, size_t vlen)
{
	rec *r = ctx;

	(void)id;
	REC(r, "[H%u %s=", in_message, name);
	rec_add(r, value, vlen);
	rec_add(r, "]", 1);
}

static void
cb_eoh(void *ctx, unsigned in_message)
{
	REC((rec *)ctx, "[EOH%u]", in_message);
}

static void
cb_data(void *ctx, const mime_part *p, const char *buf, size_t len)
{
	(void)p;
	rec_add(ctx, buf, len);
}

static void
cb_end(void *ctx, const mime_part *p)
{
	REC((rec *)ctx, "[/%s]", p->type);
}

/* Parse msg (top-level ct/cte given) in chunks of `chunk` bytes (0: whole),
 * or split in two at `split` when split > 0; the log goes to r. */
static unsigned
run(rec *r, const bt_caps *caps, const char *ct, const char *cte,
    const char *msg, size_t chunk, size_t split)
{
	mime_callbacks cb = { r, cb_entity, cb_header, cb_eoh, cb_data, cb_end,
			      NULL, r->ids, r->initials };
	unsigned hit = 0;
	bt_caps def;
	mime *m;
	size_t len = strlen(msg), off = 0;

	engine_caps_default(&def);
	r->len = 0;
	r->log[0] = '\0';
	m = mime_new(caps ? caps : &def, &cb, &hit);
	ck_assert_ptr_nonnull(m);
	mime_begin(m, ct, cte);
	if (split > 0) {
		mime_feed(m, msg, split);
		mime_feed(m, msg + split, len - split);
	} else {
		if (chunk == 0)
			chunk = len;
		while (off < len) {
			size_t n = len - off < chunk ? len - off : chunk;

			mime_feed(m, msg + off, n);
			off += n;
		}
	}
	mime_end(m);
	mime_free(m);
	return hit;
}

static const char nested[] =
	"preamble\n"
	"--outer\n"
	"Content-Type: multipart/alternative;\n"
	"\tboundary=\"inner\"\n"
	"\n"
	"--inner\n"
	"Content-Type: text/plain\n"
	"\n"
	"one\n"
	"--inner  \n"
	"content-type: TEXT/HTML\n"
	"\n"
	"<p>two</p>\n"
	"--inner--\n"
	"epilogue of inner\n"
	"--outer\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"From: a@example.com\n"
	"Subject: folded\n"
	" subject\n"
	"\n"
	"body of returned\n"
	"--outer--\n"
	"epilogue\n";

static const char nested_log[] =
	"[E multipart/mixed d0 m0]"
	"[E multipart/alternative d1 m0]"
	"[E text/plain d2 m0]one\n[/text/plain]"
	"[E text/html d2 m0]<p>two</p>\n[/text/html]"
	"[E message/rfc822 d1 m0]"
	"[H1 From=a@example.com][H1 Subject=folded subject][EOH1]"
	"[E text/plain d2 m1]body of returned\n[/text/plain]";

START_TEST(test_nesting)
{
	rec r = { .want = 1 };
	unsigned hit = run(&r, NULL, "multipart/mixed; boundary=outer", NULL,
			   nested, 0, 0);

	ck_assert_str_eq(r.log, nested_log);
	ck_assert_uint_eq(hit, 0);
}
END_TEST

START_TEST(test_every_split)
{
	rec r = { .want = 1 };
	size_t i, len = strlen(nested);

	for (i = 1; i < len; i++) {
		run(&r, NULL, "multipart/mixed; boundary=outer", NULL, nested, 0, i);
		ck_assert_msg(strcmp(r.log, nested_log) == 0, "split at %zu: %s",
			      i, r.log);
	}
	run(&r, NULL, "multipart/mixed; boundary=outer", NULL, nested, 1, 0);
	ck_assert_str_eq(r.log, nested_log);
}
END_TEST

/* Header lines read at each level of mime_run_force() (AVX2: a line's end
 * looked for in the blocks at its start; else memchr()) give the same
 * events: the nested message at every split, and random header blocks of
 * an embedded message (lines of every length up to past 128 bytes, folded
 * ones, CR LF ones, a few cut by the chunks) at a few chunk sizes. */
START_TEST(test_header_levels)
{
	static char msg[8192];
	static rec r0, r2;
	unsigned seed = 4242, round;
	size_t i, len = strlen(nested);
	int level;

	for (level = 2; level >= 0; level--) {
		rec r = { .want = 1 };

		mime_run_force(level);
		for (i = 1; i < len; i += 3) {
			run(&r, NULL, "multipart/mixed; boundary=outer", NULL,
			    nested, 0, i);
			ck_assert_msg(strcmp(r.log, nested_log) == 0,
				      "level %d split at %zu: %s", level, i, r.log);
		}
	}
	for (round = 0; round < 300; round++) {
		size_t o = 0, chunk = round % 3 == 0 ? 0 : round % 3 == 1 ? 7 : 64;
		unsigned k, lines;

		o += (size_t)snprintf(msg, sizeof(msg), "--b\nContent-Type: "
				      "message/rfc822\n\n");
		seed = seed * 1103515245u + 12345u;
		lines = 1 + (seed >> 16) % 30;
		for (k = 0; k < lines && o + 400 < sizeof(msg); k++) {
			size_t n, j;

			seed = seed * 1103515245u + 12345u;
			n = (seed >> 8) % 200;
			if ((seed >> 20) % 5 == 0)
				msg[o++] = ' ';		/* folded */
			else
				o += (size_t)snprintf(msg + o, 16, "X-F%u: ", k % 7);
			for (j = 0; j < n; j++) {
				seed = seed * 1103515245u + 12345u;
				msg[o++] = (char)('a' + (seed >> 16) % 26);
			}
			if ((seed >> 24) % 4 == 0)
				msg[o++] = '\r';
			msg[o++] = '\n';
		}
		o += (size_t)snprintf(msg + o, sizeof(msg) - o,
				      "\nbody\n--b--\n");
		r0.want = r2.want = 1;
		mime_run_force(0);
		run(&r0, NULL, "multipart/mixed; boundary=b", NULL, msg, chunk, 0);
		mime_run_force(2);
		run(&r2, NULL, "multipart/mixed; boundary=b", NULL, msg, chunk, 0);
		ck_assert_str_eq(r2.log, r0.log);
	}
	mime_run_force(-1);
}
END_TEST

/* The same message with CRLF line ends gives the same events. */
START_TEST(test_crlf)
{
	rec r = { .want = 1 };
	char crlf[2048];
	size_t i, o = 0;

	for (i = 0; nested[i]; i++) {
		if (nested[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = nested[i];
	}
	crlf[o] = '\0';
	run(&r, NULL, "multipart/mixed; boundary=outer", NULL, crlf, 0, 0);
	ck_assert_str_eq(r.log, nested_log);
	run(&r, NULL, "multipart/mixed; boundary=outer", NULL, crlf, 1, 0);
	ck_assert_str_eq(r.log, nested_log);
}
END_TEST

/* A boundary that only starts like one is content; an unclosed part ends
 * at the end of the message; an unindented parameter line continues. */
START_TEST(test_boundaries)
{
	rec r = { .want = 1 };
	const char *msg =
		"--b\n"
		"Content-Type: multipart/alternative;\n"
		"boundary=\"c\"\n"
		"\n"
		"--c\n"
		"\n"
		"--bx is not a boundary\n"
		"--c-- neither\n"
		"---b\n"
		"--b\n"
		"Content-Type: text/plain\n"
		"\n"
		"last";

	run(&r, NULL, "multipart/mixed; boundary=\"b\"", NULL, msg, 0, 0);
	ck_assert_str_eq(r.log,
		"[E multipart/mixed d0 m0][E multipart/alternative d1 m0]"
		"[E text/plain d2 m0]--bx is not a boundary\n--c-- neither\n---b\n"
		"[/text/plain][E text/plain d1 m0]last\n[/text/plain]");
}
END_TEST

static void
cb_preamble(void *ctx, const char *buf, size_t len)
{
	rec_add(ctx, "{", 1);
	rec_add(ctx, buf, len);
	rec_add(ctx, "}", 1);
}

/* A declared boundary that never shows, with one that starts the same way
 * in the preamble: adopted.  Preamble lines are offered until then (a run
 * of whole lines may come in one call). */
START_TEST(test_boundary_adopted)
{
	rec r = { .want = 1 };
	mime_callbacks cb = { &r, cb_entity, cb_header, cb_eoh, cb_data, cb_end,
			      cb_preamble, 0, NULL };
	unsigned hit = 0;
	bt_caps caps;
	mime *m;
	const char *msg =
		"intro\n"
		"--ABCDEFGH.222\n"
		"\n"
		"one\n"
		"--ABCDEFGH.222--\n"
		"after\n";

	engine_caps_default(&caps);
	m = mime_new(&caps, &cb, &hit);
	mime_begin(m, "multipart/mixed; boundary=\"ABCDEFGH.111\"", NULL);
	mime_feed(m, msg, strlen(msg));
	mime_end(m);
	ck_assert_str_eq(r.log, "[E multipart/mixed d0 m0]{intro\n}"
			 "[E text/plain d1 m0]one\n[/text/plain]");
	/* a line that does not share the start is not adopted */
	r.len = 0;
	mime_begin(m, "multipart/mixed; boundary=\"XBCDEFGH.111\"", NULL);
	mime_feed(m, msg, strlen(msg));
	mime_end(m);
	ck_assert_ptr_null(strstr(r.log, "[E text/plain"));
	ck_assert_ptr_nonnull(strstr(r.log, "{--ABCDEFGH.222}"));
	mime_free(m);
}
END_TEST

/* A boundary whose last digits vary between parts still separates them;
 * a short or very different one does not. */
START_TEST(test_boundary_near)
{
	rec r = { .want = 1 };
	const char *msg =
		"--r4B0000.0000000/mx.example\n"
		"\n"
		"one\n"
		"--r4B0000.0000007/mx.example\n"
		"\n"
		"two\n"
		"--r4BXXXX.XXXXXXX/mx.example\n"
		"--r4B0000.0000007/mx.example--\n";

	run(&r, NULL, "multipart/mixed; boundary=\"r4B0000.0000000/mx.example\"",
	    NULL, msg, 0, 0);
	ck_assert_str_eq(r.log, "[E multipart/mixed d0 m0]"
		"[E text/plain d1 m0]one\n[/text/plain]"
		"[E text/plain d1 m0]two\n--r4BXXXX.XXXXXXX/mx.example\n[/text/plain]");
	run(&r, NULL, "multipart/mixed; boundary=\"short1\"", NULL,
	    "--short1\n\na\n--short2\n--short1--\n", 0, 0);
	ck_assert_str_eq(r.log, "[E multipart/mixed d0 m0]"
		"[E text/plain d1 m0]a\n--short2\n[/text/plain]");
}
END_TEST

START_TEST(test_base64_splits)
{
	/* "Hello, world!\nSecond line\n" */
	const char *msg = "SGVsbG8sIHdvcmxkIQpT\r\nZWNvbmQg bGluZQo=\r\n";
	rec r = { .want = 1 };
	size_t i, len = strlen(msg);

	for (i = 0; i < len; i++) {
		run(&r, NULL, "text/plain", "Base64", msg, 0, i);
		ck_assert_str_eq(r.log,
			"[E text/plain d0 m0]Hello, world!\nSecond line\n[/text/plain]");
	}
	run(&r, NULL, "text/plain", " base64", msg, 1, 0);
	ck_assert_str_eq(r.log,
		"[E text/plain d0 m0]Hello, world!\nSecond line\n[/text/plain]");
}
END_TEST

START_TEST(test_qp_splits)
{
	const char *msg = "caf=C3=A9 soft=\nbreak=20 \n=3D=ZZ end=\r\ntail\n";
	rec r = { .want = 1 };
	size_t i, len = strlen(msg);

	for (i = 0; i < len; i++) {
		run(&r, NULL, "text/plain", "quoted-printable", msg, 0, i);
		ck_assert_str_eq(r.log,
			"[E text/plain d0 m0]caf\xc3\xa9 softbreak \n==ZZ endtail\n[/text/plain]");
	}
}
END_TEST

START_TEST(test_skip_leaf)
{
	rec r = { .want = 0 };

	run(&r, NULL, "multipart/mixed; boundary=outer", NULL, nested, 0, 0);
	ck_assert_str_eq(r.log,
		"[E multipart/mixed d0 m0][E multipart/alternative d1 m0]"
		"[E text/plain d2 m0][E text/html d2 m0][E message/rfc822 d1 m0]"
		"[H1 From=a@example.com][H1 Subject=folded subject][EOH1]"
		"[E text/plain d2 m1]");
}
END_TEST

START_TEST(test_cap_depth)
{
	bt_caps caps;
	rec r = { .want = 1 };
	const char *msg =
		"--a\n"
		"Content-Type: multipart/mixed; boundary=b\n\n"
		"--b\n"
		"Content-Type: multipart/mixed; boundary=c\n\n"
		"--c\n"
		"Content-Type: text/plain\n\n"
		"deep\n"
		"--c--\n"
		"--b--\n"
		"--a\n"
		"Content-Type: text/plain\n\n"
		"shallow\n"
		"--a--\n";
	unsigned hit;

	engine_caps_default(&caps);
	caps.max_depth = 1;
	hit = run(&r, &caps, "multipart/mixed; boundary=a", NULL, msg, 0, 0);
	ck_assert(hit & BT_CAP_DEPTH);
	ck_assert_ptr_null(strstr(r.log, "deep"));
	ck_assert_ptr_nonnull(strstr(r.log, "shallow"));
}
END_TEST

START_TEST(test_cap_parts)
{
	bt_caps caps;
	rec r = { .want = 1 };
	const char *msg =
		"--a\n\none\n--a\n\ntwo\n--a\n\nthree\n--a--\n";
	unsigned hit;

	engine_caps_default(&caps);
	caps.max_parts = 3;	/* the top-level entity counts */
	hit = run(&r, &caps, "multipart/mixed; boundary=a", NULL, msg, 0, 0);
	ck_assert(hit & BT_CAP_PARTS);
	ck_assert_ptr_nonnull(strstr(r.log, "two"));
	ck_assert_ptr_null(strstr(r.log, "three"));
}
END_TEST

/* A line longer than max_line is delivered in pieces, all of it, and is
 * never taken for a boundary. */
START_TEST(test_cap_line)
{
	bt_caps caps;
	rec r = { .want = 1 };
	char msg[512], want[600];
	unsigned hit;

	engine_caps_default(&caps);
	caps.max_line = 16;
	memset(msg, 'x', 100);
	strcpy(msg + 100, "\n--a--\n");
	hit = run(&r, &caps, "text/plain", NULL, msg, 0, 0);
	ck_assert(hit & BT_CAP_LINE);
	snprintf(want, sizeof(want), "[E text/plain d0 m0]%.*s\n--a--\n[/text/plain]",
		 100, msg);
	ck_assert_str_eq(r.log, want);
	/* base64 without line breaks, longer than a line */
	hit = run(&r, &caps, "text/plain", "base64",
		  "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 0, 0);
	ck_assert(hit & BT_CAP_LINE);
	ck_assert_str_eq(r.log,
		"[E text/plain d0 m0]ABCDEFGHIJKLMNOPQRSTUVWXYZ[/text/plain]");
}
END_TEST

START_TEST(test_cap_header)
{
	bt_caps caps;
	rec r = { .want = 1 };
	char msg[1024];
	size_t len;
	unsigned hit;

	engine_caps_default(&caps);
	caps.max_header = 64;
	strcpy(msg, "--a\nContent-Type: message/rfc822\n\nSubject: ");
	len = strlen(msg);
	memset(msg + len, 's', 200);
	msg[len + 200] = '\0';
	strcat(msg, "\n\nbody\n--a--\n");
	hit = run(&r, &caps, "multipart/mixed; boundary=a", NULL, msg, 0, 0);
	ck_assert(hit & BT_CAP_HEADER);
	ck_assert_ptr_nonnull(strstr(r.log, "[H1 Subject=sss"));
	ck_assert_ptr_nonnull(strstr(r.log, "body"));
}
END_TEST

/* header_ids: only the fields asked for reach header(); the others are
 * not gathered, yet still count for the header cap and the parser still
 * reads its own Content-Type of an embedded message. */
START_TEST(test_header_ids)
{
	bt_caps caps;
	rec r = { .want = 1 };
	char msg[1024];
	size_t len;
	unsigned hit;
	const char *emb =
		"--a\nContent-Type: message/rfc822\n\n"
		"Received: from x\n by y\n"
		"Subject: hi\n"
		"X-Long: ";

	engine_caps_default(&caps);
	caps.max_header = 64;
	r.ids = 1ull << FN_SUBJECT;
	strcpy(msg, emb);
	len = strlen(msg);
	memset(msg + len, 'x', 200);
	msg[len + 200] = '\0';
	strcat(msg, "\nContent-Type: text/plain\n\nbody\n--a--\n");
	hit = run(&r, &caps, "multipart/mixed; boundary=a", NULL, msg, 0, 0);
	ck_assert(hit & BT_CAP_HEADER);
	ck_assert_str_eq(r.log, "[E multipart/mixed d0 m0]"
			 "[E message/rfc822 d1 m0][H1 Subject=hi]"
			 "[H1 Content-Type=text/plain][EOH1]"
			 "[E text/plain d2 m1]body\n[/text/plain]");
	/* the same message in chunks of 1 */
	hit = run(&r, &caps, "multipart/mixed; boundary=a", NULL, msg, 1, 0);
	ck_assert(hit & BT_CAP_HEADER);
	ck_assert_ptr_nonnull(strstr(r.log, "[H1 Subject=hi][H1 Content"));
	ck_assert_ptr_null(strstr(r.log, "[H1 Received"));
	/* with the initials of those names: the same, at every chunk size */
	{
		char ref[sizeof(r.log)];
		size_t chunk;
		unsigned refhit;

		for (chunk = 0; chunk < 40; chunk++) {
			r.initials = NULL;
			refhit = run(&r, &caps, "multipart/mixed; boundary=a",
				     NULL, msg, chunk, 0);
			strcpy(ref, r.log);
			r.initials = "s";
			hit = run(&r, &caps, "multipart/mixed; boundary=a",
				  NULL, msg, chunk, 0);
			ck_assert_uint_eq(hit, refhit);
			ck_assert_str_eq(r.log, ref);
		}
	}
}
END_TEST

START_TEST(test_helpers)
{
	char buf[64];

	mime_type(" Multipart/Report ; report-type=x", buf, sizeof(buf));
	ck_assert_str_eq(buf, "multipart/report");
	mime_type(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "text/plain");
	mime_type("garbage", buf, sizeof(buf));
	ck_assert_str_eq(buf, "text/plain");
	ck_assert_int_eq(mime_param("multipart/report; Report-Type=\"delivery-status\";"
				    " boundary=\"a b\\\"c\"", "boundary", buf,
				    sizeof(buf)), 1);
	ck_assert_str_eq(buf, "a b\"c");
	ck_assert_int_eq(mime_param("text/plain;\n\tcharset=utf-8", "charset",
				    buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "utf-8");
	ck_assert_int_eq(mime_param("text/plain; xcharset=1", "charset", buf,
				    sizeof(buf)), 0);
	ck_assert_int_eq(mime_encoding("BASE64"), MIME_ENC_BASE64);
	ck_assert_int_eq(mime_encoding("Quoted-Printable"), MIME_ENC_QP);
	ck_assert_int_eq(mime_encoding("8bit"), MIME_ENC_IDENT);
	ck_assert_int_eq(mime_param_line("boundary=\"x\"", 12), 1);
	ck_assert_int_eq(mime_param_line("Subject: a=b", 12), 0);
}
END_TEST

/* mime_run_span() against a plain line-by-line reading of the same rule,
 * on random lines of the bytes that matter ('\n', '\r', '-', 'a'). */
static size_t
ref_run(const char *buf, size_t len, size_t max, int open, int no_cr)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		if (open && p[0] == '-' && p + 1 < end && p[1] == '-')
			break;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (size_t)(nl - p) > max || (no_cr && nl > p && nl[-1] == '\r'))
			break;
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

START_TEST(test_run_span)
{
	static const char bytes[] = "\n\r-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char buf[600];
	unsigned seed = 12345, round;

	for (round = 0; round < 20000; round++) {
		size_t len, i, max = 16 + round % 150;
		int level;
		int open = round & 1, no_cr = (round >> 1) & 1;
		unsigned sparse = 1 + (round >> 2) % 4;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(buf);
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) % (sparse * 8) < 3 ?
				 bytes[(seed >> 8) % 3] :
				 bytes[3 + (seed >> 20) % (sizeof(bytes) - 4)];
		}
		for (level = 2; level >= 0; level--) {	/* AVX2, SSE2, plain */
			mime_run_force(level);
			ck_assert_uint_eq(mime_run_span(buf, len, max, open, no_cr),
					  ref_run(buf, len, max, open, no_cr));
		}
	}
	mime_run_force(-1);
}
END_TEST

/* mime_qp_run() against the line-by-line decoding it replaces (each
 * whole line through mime_qp_decode(), its CR dropped), on random lines of
 * the bytes that matter ('=', hex digits, blanks, CR, LF, '-'). */
static size_t
ref_qp_run(const char *buf, size_t len, size_t max, int open, int qp,
	   char *out, size_t *olen)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t o = 0, n;

	while (p < end) {
		if (open && p[0] == '-' && p + 1 < end && p[1] == '-')
			break;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		n = (size_t)(nl - p);
		if (n > max || o + n + 1 > max)
			break;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (qp) {
			o += mime_qp_decode(p, n, 1, out + o);
		} else {
			memcpy(out + o, p, n);
			o += n;
			out[o++] = '\n';
		}
		p = nl + 1;
	}
	*olen = o;
	return (size_t)(p - buf);
}

START_TEST(test_qp_run)
{
	static const char bytes[] = "\n\r= \t-0aF9gzxyzabcdefghijklmnopqrstu";
	char buf[700], out[700 + MIME_QP_ROOM], ref[700 + MIME_QP_ROOM];
	unsigned seed = 4242, round;

	for (round = 0; round < 30000; round++) {
		size_t len, i, max = 16 + round % 300, olen, rlen, used;
		int open = round & 1, qp = (round >> 1) & 1, level;
		unsigned sparse = 1 + (round >> 2) % 6;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(buf);
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) % (sparse * 10) < 6 ?
				 bytes[(seed >> 8) % 6] :
				 bytes[6 + (seed >> 20) % (sizeof(bytes) - 7)];
		}
		if (max > sizeof(buf))
			max = sizeof(buf);
		for (level = 2; level >= 0; level--) {	/* AVX2, SSE2, plain */
			mime_qp_force(level);
			used = mime_qp_run(buf, len, max, open, qp, out, &olen);
			ck_assert_uint_eq(used, ref_qp_run(buf, len, max, open, qp,
							   ref, &rlen));
			ck_assert_uint_eq(olen, rlen);
			ck_assert(memcmp(out, ref, olen) == 0);
		}
	}
	mime_qp_force(-1);
}
END_TEST

/* A message_eoh() that stops the parser (as the engine does at a returned
 * message's blank line): no callback after it, the embedded message's own
 * type not even looked at. */
typedef struct stop_rec {
	rec r;			/* first: the rec callbacks take the ctx as one */
	mime *m;
} stop_rec;

static void
cb_eoh_stop(void *ctx, unsigned in_message)
{
	stop_rec *s = ctx;

	REC(&s->r, "[EOH%u]", in_message);
	mime_stop(s->m);
}

START_TEST(test_stop_at_eoh)
{
	static const char msg[] =
		"--outer\n"
		"Content-Type: message/rfc822\n"
		"\n"
		"From: a@example.com\n"
		"Content-Type: multipart/alternative; boundary=inner\n"
		"\n"
		"--inner\n"
		"Content-Type: text/plain\n"
		"\n"
		"body\n"
		"--inner--\n"
		"--outer--\n";
	stop_rec s;
	mime_callbacks cb = { &s, cb_entity, cb_header, cb_eoh_stop, cb_data,
			      cb_end, NULL, 0, NULL };
	unsigned hit = 0;
	bt_caps caps;

	memset(&s, 0, sizeof(s));
	s.r.want = 1;
	engine_caps_default(&caps);
	s.m = mime_new(&caps, &cb, &hit);
	ck_assert_ptr_nonnull(s.m);
	mime_begin(s.m, "multipart/mixed; boundary=outer", NULL);
	mime_feed(s.m, msg, sizeof(msg) - 1);
	mime_end(s.m);
	mime_free(s.m);
	ck_assert_str_eq(s.r.log,
			 "[E multipart/mixed d0 m0][E message/rfc822 d1 m0]"
			 "[H1 From=a@example.com]"
			 "[H1 Content-Type=multipart/alternative; boundary=inner]"
			 "[EOH1]");
	ck_assert_uint_eq(hit, 0);
}
END_TEST

/* mime_skip_fields() asked for after a From (skip_rec.skip), the fields
 * not logged: the rest of the parse as without it, caps hit included. */
typedef struct skip_rec {
	rec r;			/* first: the rec callbacks take the ctx as one */
	mime *m;
	int skip;
} skip_rec;

static void
cb_header_skip(void *ctx, unsigned in_message, int id, const char *name,
	       const char *value, size_t vlen)
{
	skip_rec *s = ctx;

	(void)in_message;
	(void)id;
	(void)value;
	(void)vlen;
	if (s->skip && strcmp(name, "From") == 0)
		mime_skip_fields(s->m);
}

static unsigned
run_skip(skip_rec *s, const bt_caps *caps, const char *ct, const char *msg,
	 size_t chunk)
{
	mime_callbacks cb = { s, cb_entity, cb_header_skip, cb_eoh_stop,
			      cb_data, cb_end, NULL, 0, NULL };
	unsigned hit = 0;
	size_t len = strlen(msg), off = 0;

	s->r.len = 0;
	s->r.log[0] = '\0';
	s->r.want = 1;
	s->m = mime_new(caps, &cb, &hit);
	ck_assert_ptr_nonnull(s->m);
	mime_begin(s->m, ct, NULL);
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;

		mime_feed(s->m, msg + off, n);
		off += n;
	}
	mime_end(s->m);
	mime_free(s->m);
	return hit;
}

START_TEST(test_skip_fields)
{
	static const char *const tails[] = {
		"To: b\nSubject: c\n d\n\nbody\n--outer--\n",
		"To: b\r\nSubject: c\r\n\r\nbody\r\n--outer--\r\n",
		"To: b\n\rX: y\nZ: w\n\n--outer--\n",
		"To: b\n-X: y\nZ: w\n\n--outer--\n",
		"To: b\n--outer\nContent-Type: text/plain\n\nx\n--outer--\n",
		"To: b\nX: 0123456789012345678901234567890123456789012345678901234567890123456789\n\n",
		"To: b\nX: 01234567890123456789\n 0123456789012345678901234567890123456789\n"
		" 0123456789012345678901234567890123456789\n 0123456789\n\n",
		"To: b\nX: 0123456789\n 0123456789012345678901234567890123456789\n\n",
		"To: b\nY: 1\nY: 2\nY: 3\nY: 4\nY: 5\nY: 6\nY: 7\nY: 8\nY: 9\n"
		"Y: 10\nY: 11\nY: 12\nY: 13\nY: 14\nY: 15\nY: 16\nY: 17\n\n",
		"To: b\nSubject: no end",
		"\n",
		"To: b\n\n",
		/* the block's end past 32 and 64 bytes: found by blocks */
		"To: b\nX: 0123456789012345678901234567890123456789\n"
		"W: 01234567890123456789\n\nbody 0123456789012345678901234567890"
		"123456789\n--outer--\n",
		"To: b\nX: 0123456789012345678901234567890123456789\n"
		"W: 0123456789012345678901234567890123456789012345678\n"
		"--outer\nContent-Type: text/plain\n\nx\n--outer--\n",
	};
	static const char *const heads[] = {
		"From: a\n",
		"From: a\n 0123456789012345678901234567890123456789\n"
		" 0123456789012345678901234567890123456789\n",
	};
	char msg[1024];
	size_t t, h, chunk, ml;
	bt_caps caps;
	int level;

	engine_caps_default(&caps);
	for (level = 2; level >= 0; level--)	/* AVX2 blocks, SSE2, plain */
	for (ml = 0; ml < 3; ml++) {
		mime_run_force(level);
		caps.max_line = ml == 0 ? 4096 : ml == 1 ? 64 : 40;
		caps.max_header = ml == 0 ? 16384 : ml == 1 ? 128 : 100;
		for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++)
		for (t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			snprintf(msg, sizeof(msg), "--outer\n"
				 "Content-Type: message/rfc822\n\n%s%s",
				 heads[h], tails[t]);
			for (chunk = 1; chunk <= strlen(msg); chunk++) {
				skip_rec a, b;
				unsigned ha, hb;

				memset(&a, 0, sizeof(a));
				memset(&b, 0, sizeof(b));
				b.skip = 1;
				ha = run_skip(&a, &caps,
					      "multipart/mixed; boundary=outer",
					      msg, chunk);
				hb = run_skip(&b, &caps,
					      "multipart/mixed; boundary=outer",
					      msg, chunk);
				ck_assert_str_eq(b.r.log, a.r.log);
				ck_assert_uint_eq(hb, ha);
			}
		}
	}
	mime_run_force(-1);
}
END_TEST

/* mime_ct_read() against mime_type() and mime_param() (what mime.c called
 * before: "boundary" for a multipart, "report-type" lowercased for a
 * multipart/report with a boundary), on random values built of the pieces
 * that matter: types of any case and length, parameters with and without
 * quotes, escapes, blanks, ';' inside quotes, cut values. */
START_TEST(test_ct_read)
{
	static const char *const types[] = {
		"multipart/report", "Multipart/Mixed", "MULTIPART/REPORT",
		"multipart/Report", "text/plain", "multipart/", "multipartx/y",
		"x", "/", "", " multipart/report", "\tmultipart/mixed",
		"multipart/alternative-with-a-very-long-subtype-name-0123456789abcdef",
		"multipart/report-with-a-very-long-subtype-name-0123456789abcdef;",
	};
	static const char *const seps[] = {
		";", "; ", ";\t", ";\r\n ", " ", "", ";;", "\n\t;", " ; ",
	};
	static const char *const names[] = {
		"boundary", "BOUNDARY", "Boundary", "boundar", "report-type",
		"Report-Type", "REPORT-TYPE", "report-typ", "xboundary", "charset",
		"b", "r", "",
	};
	static const char *const eqs[] = { "=", " = ", "\t=", "", " ", "==" };
	static const char *const values[] = {
		"abc", "\"abc\"", "\"a;b\"", "\"a\\\"b\"", "\"a\\", "\"", "",
		"DELIVERY-STATUS", "\"Feedback-Report\"", "==_x=", "x y", "a;b",
		("\"0123456789012345678901234567890123456789012345678901234567890123"
		 "4567890123456789012345678901234567890123456789012345678901234567"
		 "8901234567890123456789012345678901234567890123456789012345678901"
		 "23456789\""),
		("0123456789012345678901234567890123456789012345678901234567890123"
		 "4567890123456789012345678901234567890123456789"), "\x80\xc3", "A@Z[",
	};
	static const randct_words words = RANDCT_WORDS(types, seps, names, eqs, values);
	char ct[1024 + 1 + MIME_CT_PAD], type[MIME_TYPE_MAX], rtype[MIME_TYPE_MAX];
	char b[MIME_BOUNDARY_MAX + 1], rb[MIME_BOUNDARY_MAX + 1];
	char rt[MIME_PARAM_MAX], rrt[MIME_PARAM_MAX];
	unsigned seed = 777, round, nb = 0, nrt = 0;

	for (round = 0; round < 40000; round++) {
		size_t len, bl, rbl = 0, np, i;

		seed = seed * 1103515245u + 12345u;
		np = (seed >> 16) % 5;
		len = randct_fill(ct, &words, np, &seed);
		memset(ct + len + 1, 'a', MIME_CT_PAD);	/* past the NUL: junk */
		memset(rt, 'q', sizeof(rt));
		rt[0] = '\0';
		bl = mime_ct_read(ct, type, b, rt);
		mime_type(ct, rtype, sizeof(rtype));
		rrt[0] = '\0';
		if (strncmp(rtype, "multipart/", 10) == 0 &&
		    mime_param(ct, "boundary", rb, sizeof(rb)) && rb[0] != '\0') {
			rbl = strlen(rb);
			if (strcmp(rtype, "multipart/report") == 0) {
				mime_param(ct, "report-type", rrt, sizeof(rrt));
				for (i = 0; rrt[i]; i++)
					rrt[i] = (char)tolower((unsigned char)rrt[i]);
			}
		}
		ck_assert_str_eq(type, rtype);
		ck_assert_uint_eq(bl, rbl);
		if (bl > 0)
			ck_assert_str_eq(b, rb);
		ck_assert_str_eq(rt, rrt);
		nb += bl > 0;
		nrt += rt[0] != '\0';
	}
	/* the random values reach both parameters often */
	ck_assert_uint_gt(nb, 2000);
	ck_assert_uint_gt(nrt, 200);
}
END_TEST

/* mime_field_name_end() (one pass of 16 bytes with SSE2, over the line's
 * end when more bytes can be read) against the parameter span and the
 * name's stop byte found byte by byte. */
START_TEST(test_name_end)
{
	static const char bytes[] = ":= \t\r\v\0.*-_/\x80" "aZ09bcdefghij";
	char buf[80];
	unsigned seed = 31337, round;

	for (round = 0; round < 40000; round++) {
		size_t len, i, j, p, ref_p, ref_j;
		unsigned sparse = 1 + round % 8;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(buf);
		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) % (sparse * 12) < 12 ?
				 bytes[(seed >> 8) % 12] :
				 bytes[12 + (seed >> 20) % (sizeof(bytes) - 13)];
		}
		ref_p = mime_param_span(buf, len);
		for (ref_j = 0; ref_j < len && buf[ref_j] != ':' && buf[ref_j] != '\0' &&
		     !isspace((unsigned char)buf[ref_j]); ref_j++)
			;
		/* past len: more of the random bytes, read or not */
		j = mime_field_name_end(buf, len, len + (seed >> 4) % (sizeof(buf) - len + 1), &p);
		ck_assert_uint_eq(j, ref_j);
		/* the same answer to "is it name=value?" */
		ck_assert_int_eq(p > 0 && p < len && buf[p] == '=',
				 ref_p > 0 && ref_p < len && buf[ref_p] == '=');
	}
}
END_TEST

static Suite *
mime_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_nesting);
	tcase_add_test(tc, test_every_split);
	tcase_add_test(tc, test_header_levels);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_boundaries);
	tcase_add_test(tc, test_boundary_adopted);
	tcase_add_test(tc, test_boundary_near);
	tcase_add_test(tc, test_base64_splits);
	tcase_add_test(tc, test_qp_splits);
	tcase_add_test(tc, test_skip_leaf);
	tcase_add_test(tc, test_cap_depth);
	tcase_add_test(tc, test_cap_parts);
	tcase_add_test(tc, test_cap_line);
	tcase_add_test(tc, test_cap_header);
	tcase_add_test(tc, test_header_ids);
	tcase_add_test(tc, test_helpers);
	tcase_add_test(tc, test_run_span);
	tcase_add_test(tc, test_qp_run);
	tcase_add_test(tc, test_name_end);
	tcase_add_test(tc, test_ct_read);
	tcase_add_test(tc, test_stop_at_eoh);
	tcase_add_test(tc, test_skip_fields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mime_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
