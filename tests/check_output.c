/*
 * check_output.c - unit tests for jsonout.c (escaping), output.c (the
 * json, headers and summary formats of a hand-built bt_result, with and
 * without a policy) and input.c (single file, mbox splitting and ">From "
 * unescaping, maildir and directory order, errors).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "input.h"
#include "jsonout.h"
#include "output.h"
#include "policy.h"
#include "rawfeed.h"
#include "result.h"

/* ---- helpers ------------------------------------------------------------ */

static char *
esc(const char *s, size_t n)
{
	static char buf[512];

	jsonout_escape(s, n, buf, sizeof(buf));
	return buf;
}

/* Two recipients: a hard 5.1.1 (top) and a soft, made-up-status one. */
static void
mk_result(bt_result *r)
{
	memset(r, 0, sizeof(*r));
	r->rcpt = calloc(2, sizeof(bt_rcpt));
	r->nrcpt = 2;
	r->rcpt_alloc = 2;
	r->format = "rfc3464";
	r->cls = BT_CLASS_HARD;
	r->top = 0;
	r->reporting_mta = strdup("mail.example.net");
	r->original_message_id = strdup("<m1@example.net>");
	r->rcpt[0].recipient = strdup("kijitora@example.org");
	r->rcpt[0].action = strdup("failed");
	strcpy(r->rcpt[0].status, "5.1.1");
	strcpy(r->rcpt[0].replycode, "550");
	r->rcpt[0].diagnostic = strdup("550 5.1.1 \"no\" such\tuser");
	r->rcpt[0].diagnostic_type = strdup("smtp");
	r->rcpt[0].remote_mta = strdup("mx.example.org");
	r->rcpt[0].reason = "userunknown";
	r->rcpt[0].description = "Bad destination mailbox address";
	r->rcpt[0].cls = BT_CLASS_HARD;
	r->rcpt[0].hard = 1;
	r->rcpt[1].recipient = strdup("neko@example.org");
	r->rcpt[1].action = strdup("failed");
	strcpy(r->rcpt[1].status, "5.0.922");
	r->rcpt[1].status_synthetic = 1;
	r->rcpt[1].reason = "mailboxfull";
	r->rcpt[1].cls = BT_CLASS_SOFT;
}

static void
free_result(bt_result *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		free(r->rcpt[i].recipient);
		free(r->rcpt[i].action);
		free(r->rcpt[i].diagnostic);
		free(r->rcpt[i].diagnostic_type);
		free(r->rcpt[i].remote_mta);
	}
	free(r->rcpt);
	free(r->reporting_mta);
	free(r->original_message_id);
}

/* Run one message through an output in format fmt; returns a heap string. */
static char *
render(output_format fmt, const policy *p, const bt_result *r, int finish)
{
	output_opts oo;
	hdrfmt_opts h;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	output *out;

	ck_assert_ptr_nonnull(f);
	hdrfmt_opts_default(&h);
	h.instance = "test bouncetag/0";
	memset(&oo, 0, sizeof(oo));
	oo.format = fmt;
	oo.hdr = &h;
	oo.policy = p;
	out = output_new(f, &oo);
	ck_assert_ptr_nonnull(out);
	output_message(out, "dir/a.eml", 0, r);
	if (finish)
		output_finish(out);
	output_free(out);
	fclose(f);
	return buf;
}

/* ---- jsonout -------------------------------------------------------------- */

START_TEST(test_json_escape)
{
	ck_assert_str_eq(esc("plain", 5), "\"plain\"");
	ck_assert_str_eq(esc("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(esc("\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
	ck_assert_str_eq(esc("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
	ck_assert_str_eq(esc("a\0b", 3), "\"a\\u0000b\"");
	ck_assert_str_eq(esc("caf\xc3\xa9", 5), "\"caf\xc3\xa9\"");	/* valid UTF-8 kept */
	ck_assert_str_eq(esc("\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"");
	ck_assert_str_eq(esc("x\xffy", 3), "\"x\\ufffdy\"");
	ck_assert_str_eq(esc("\xc3", 1), "\"\\ufffd\"");		/* truncated sequence */
	ck_assert_str_eq(esc("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");	/* overlong */
	ck_assert_str_eq(esc("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	ck_assert_str_eq(esc("\xf4\x90\x80\x80", 4),
			 "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
	ck_assert_str_eq(esc("\xe2\x80\xa8", 3), "\"\\u2028\"");
}
END_TEST

START_TEST(test_json_escape_small_buffer)
{
	char buf[6];
	size_t n = jsonout_escape("abcdefgh", 8, buf, sizeof(buf));

	ck_assert_uint_eq(n, 10);
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
	ck_assert_int_eq(strncmp(buf, "\"abc", 4), 0);
}
END_TEST

START_TEST(test_json_writer)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	jsonout w;

	jsonout_begin(&w, f);
	jsonout_str(&w, "s", "x\ny");
	jsonout_str(&w, "n", NULL);
	jsonout_int(&w, "i", -42);
	jsonout_bool(&w, "t", 1);
	jsonout_bool(&w, "f", 0);
	jsonout_null(&w, "z");
	jsonout_end(&w);
	jsonout_begin(&w, f);
	jsonout_end(&w);
	fclose(f);
	ck_assert_str_eq(buf, "{\"s\":\"x\\ny\",\"n\":null,\"i\":-42,\"t\":true,\"f\":false,\"z\":null}\n{}\n");
	free(buf);
}
END_TEST

/* The writer escapes as jsonout_escape() does, whatever the string's length
 * and wherever it starts in the writer's buffer: short strings in blocks
 * (with their overlapping ends), long ones in pieces that split no UTF-8
 * sequence; kept objects come out in order. */
START_TEST(test_json_writer_same_escape)
{
	static const char *const bits[] = {
		"a", "Zz", " ", "\"", "\\", "\n", "\t", "\x01", "\x7f", "\x80", "\xc2\xa9",
		"\xe2\x80\xa8", "\xe3\x81\x82", "\xed\x9f\x80", "\xed\xa0\x80",
		"\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xff", "\xe3\x81", "\x9f\x80\xa0",
		"plain text of some length ",
	};
	static char val[9000], exp[60000], pre[5000];
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 300; round++) {
		size_t vn = 0, pn, o, len = 0;
		char *buf = NULL;
		FILE *f;
		jsonout w;

		seed = seed * 1103515245u + 12345u;
		pn = (seed >> 8) % 4200;
		memset(pre, 'p', pn);
		pre[pn] = '\0';
		while (vn < (round % 3 == 0 ? 8000u : (seed >> 4) % 90)) {
			const char *b;

			seed = seed * 1103515245u + 12345u;
			b = bits[(seed >> 16) % (sizeof(bits) / sizeof(bits[0]))];
			memcpy(val + vn, b, strlen(b));
			vn += strlen(b);
		}
		val[vn] = '\0';
		o = (size_t)sprintf(exp, "{\"k\":\"%s\",\"v\":", pre);
		o += jsonout_escape(val, vn, exp + o, sizeof(exp) - o);
		strcpy(exp + o, "}\n{}\n");
		f = open_memstream(&buf, &len);
		jsonout_init(&w, f);
		jsonout_open(&w);
		jsonout_str(&w, "k", pre);
		jsonout_str(&w, "v", val);
		jsonout_close(&w);
		jsonout_open(&w);
		jsonout_close(&w);
		jsonout_flush(&w);
		fclose(f);
		ck_assert_msg(strcmp(buf, exp) == 0, "round %d (prefix %zu, value %zu bytes)",
			      round, pn, vn);
		free(buf);
	}
}
END_TEST

/* The in-place writer's strings (jsonout_put_str(): inline words under
 * 16 bytes, blocks from 16, the general escaper from the first block
 * that needs it) come out as jsonout_escape() makes them, at every length;
 * source and room are exactly as long as they must be (a sanitizer build
 * sees a byte read or written past them). */
START_TEST(test_json_put_same_escape)
{
	static const char *const bits[] = {
		"a", "Zz", " ", "~", "\"", "\\", "\n", "\x1f", "\x7f", "\x80", "\xc2\xa9",
		"\xe2\x80\xa8", "\xe3\x81\x82", "\xed\xa0\x80", "\xf0\x9f\x98\x80",
		"\xff", "\xe3\x81", "plain", "0123456789abcdef",
	};
	static char val[400], exp[3000];
	unsigned seed = 777;
	int round, level = -1;

	/* 4000 strings with each vector path the build and the CPU have
	 * (jsonout_put_long()'s), the same strings again for each */
	for (round = 0; round < 3 * 4000; round++) {
		if (round % 4000 == 0) {
			level = jsonout_simd_force(round / 4000);
			seed = 777;
		}
		size_t vn = 0, want = (size_t)(round % 4000) % 67, en;
		char *src, *room, *end;

		if (round % 5 == 4)
			want += 150;
		while (vn < want) {
			const char *b;
			size_t bl;

			seed = seed * 1103515245u + 12345u;
			/* mostly plain: the fast paths must see whole strings */
			b = (seed >> 16) % 4 ? "q" : bits[(seed >> 8) % (sizeof(bits) / sizeof(bits[0]))];
			bl = strlen(b);
			if (vn + bl > want)
				break;
			memcpy(val + vn, b, bl);
			vn += bl;
		}
		src = malloc(vn ? vn : 1);
		room = malloc(JSONOUT_ROOM(vn));
		ck_assert_ptr_nonnull(src);
		ck_assert_ptr_nonnull(room);
		memcpy(src, val, vn);
		en = jsonout_escape(val, vn, exp, sizeof(exp));
		end = jsonout_put_str(room, src, vn);
		ck_assert_msg((size_t)(end - room) == en && memcmp(room, exp, en) == 0,
			      "round %d (%zu bytes, level %d)", round, vn, level);
		free(src);
		free(room);
	}
	jsonout_simd_force(-1);
}
END_TEST

START_TEST(test_json_put_other)
{
	char buf[64], want[32], *e;
	unsigned long long v;

	e = jsonout_put_str(buf, NULL, 0);
	ck_assert_int_eq((int)(e - buf), 4);
	ck_assert_int_eq(memcmp(buf, "null", 4), 0);
	e = jsonout_put_uint(buf, 0);
	*e = '\0';
	ck_assert_str_eq(buf, "0");
	e = jsonout_put_uint(buf, 1234567890123ull);
	*e = '\0';
	ck_assert_str_eq(buf, "1234567890123");
	e = jsonout_put_uint(buf, 18446744073709551615ull);
	*e = '\0';
	ck_assert_str_eq(buf, "18446744073709551615");
	for (v = 0; v < 100000; v += 1 + v / 7) {
		snprintf(want, sizeof(want), "%llu", v);
		e = jsonout_put_uint(buf, v);
		*e = '\0';
		ck_assert_str_eq(buf, want);
	}
}
END_TEST

/* ---- output formats ------------------------------------------------------- */

START_TEST(test_output_json)
{
	bt_result r;
	char *s;

	mk_result(&r);
	s = render(OUTPUT_JSON, NULL, &r, 1);
	ck_assert_str_eq(s,
	    "{\"file\":\"dir/a.eml\",\"message\":0,\"entry\":0,\"class\":\"hard\","
	    "\"reason\":\"userunknown\",\"status\":\"5.1.1\",\"status_synthetic\":false,"
	    "\"replycode\":\"550\",\"action\":\"failed\",\"recipient\":\"kijitora@example.org\","
	    "\"original_recipient\":null,\"diagnostic\":\"550 5.1.1 \\\"no\\\" such\\tuser\","
	    "\"diagnostic_type\":\"smtp\",\"description\":\"Bad destination mailbox address\","
	    "\"remote_mta\":\"mx.example.org\",\"reporting_mta\":\"mail.example.net\","
	    "\"original_message_id\":\"<m1@example.net>\",\"feedback_type\":null,"
	    "\"hard\":true,\"top\":true,\"format\":\"rfc3464\",\"caps_hit\":\"\"}\n"
	    "{\"file\":\"dir/a.eml\",\"message\":0,\"entry\":1,\"class\":\"soft\","
	    "\"reason\":\"mailboxfull\",\"status\":\"5.0.922\",\"status_synthetic\":true,"
	    "\"replycode\":null,\"action\":\"failed\",\"recipient\":\"neko@example.org\","
	    "\"original_recipient\":null,\"diagnostic\":null,"
	    "\"diagnostic_type\":null,\"description\":null,"
	    "\"remote_mta\":null,\"reporting_mta\":\"mail.example.net\","
	    "\"original_message_id\":\"<m1@example.net>\",\"feedback_type\":null,"
	    "\"hard\":false,\"top\":false,\"format\":\"rfc3464\",\"caps_hit\":\"\"}\n");
	free(s);
	free_result(&r);
}
END_TEST

/* A diagnostic long enough that the entry is written member by member
 * (more room than the writer's buffer), and one just under: the same
 * object as with a short one, the value escaped the same way. */
START_TEST(test_output_json_long)
{
	static const size_t lens[] = { 4000, 5200, 9000, 40000 };
	const char *shortd = "550 5.1.1 \"no\" such\tuser";
	char sesc[64], *base, *s, *diag, *exp, *at;
	size_t i, k, el;
	bt_result r;

	mk_result(&r);
	base = render(OUTPUT_JSON, NULL, &r, 1);
	jsonout_escape(shortd, strlen(shortd), sesc, sizeof(sesc));
	at = strstr(base, sesc);
	ck_assert_ptr_nonnull(at);
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		diag = malloc(lens[k] + 1);
		exp = malloc(strlen(base) + 6 * lens[k] + 8);
		for (i = 0; i < lens[k]; i++)
			diag[i] = "ab\"c\xc3\xa9 d\te"[i % 10];
		diag[lens[k]] = '\0';
		free(r.rcpt[0].diagnostic);
		r.rcpt[0].diagnostic = diag;
		memcpy(exp, base, (size_t)(at - base));
		el = jsonout_escape(diag, lens[k], exp + (at - base), 6 * lens[k] + 8);
		strcpy(exp + (at - base) + el, at + strlen(sesc));
		s = render(OUTPUT_JSON, NULL, &r, 1);
		ck_assert_msg(strcmp(s, exp) == 0, "diagnostic of %zu bytes", lens[k]);
		free(s);
		free(exp);
	}
	free(base);
	free_result(&r);
}
END_TEST

START_TEST(test_output_json_none)
{
	bt_result r;
	char *s;

	memset(&r, 0, sizeof(r));
	r.cls = BT_CLASS_NONE;
	s = render(OUTPUT_JSON, NULL, &r, 1);
	ck_assert_str_eq(s,
	    "{\"file\":\"dir/a.eml\",\"message\":0,\"entry\":0,\"class\":\"none\","
	    "\"reason\":null,\"status\":null,\"status_synthetic\":false,"
	    "\"replycode\":null,\"action\":null,"
	    "\"recipient\":null,\"original_recipient\":null,\"diagnostic\":null,"
	    "\"diagnostic_type\":null,\"description\":null,\"remote_mta\":null,"
	    "\"reporting_mta\":null,"
	    "\"original_message_id\":null,\"feedback_type\":null,\"hard\":false,"
	    "\"top\":true,\"format\":null,\"caps_hit\":\"\"}\n");
	free(s);
}
END_TEST

START_TEST(test_output_json_caps)
{
	bt_result r;
	char *s;

	mk_result(&r);
	r.caps_hit = BT_CAP_BYTES | BT_CAP_RCPTS;
	s = render(OUTPUT_JSON, NULL, &r, 0);
	ck_assert_ptr_nonnull(strstr(s, "\"caps_hit\":\"bytes,"));
	ck_assert_ptr_nonnull(strstr(s, "\"caps_hit\":\"bytes,recipients\"}"));
	free(s);
	free_result(&r);
}
END_TEST

START_TEST(test_output_headers)
{
	bt_result r;
	char *s;

	mk_result(&r);
	s = render(OUTPUT_HEADERS, NULL, &r, 1);
	ck_assert_str_eq(s,
	    "==> dir/a.eml [message 0] action=tag\n"
	    "X-Bounce-Checked-By: test bouncetag/0\n"
	    "X-Bounce-Action: tag\n"
	    "X-Bounce-Class: hard\n"
	    "X-Bounce-Reason: userunknown\n"
	    "X-Bounce-Status: 5.1.1\n"
	    "X-Bounce-Description: Bad destination mailbox address\n"
	    "X-Bounce-Recipient: kijitora@example.org\n"
	    "X-Bounce-Diagnostic: 550 5.1.1 \"no\" such user\n"
	    "X-Bounce-Remote-MTA: mx.example.org\n"
	    "X-Bounce-Original-Message-ID: <m1@example.net>\n"
	    "X-Bounce-Result: <kijitora@example.org>; class=hard; reason=userunknown;\n"
	    "\tstatus=5.1.1; code=550\n"
	    "X-Bounce-Result: <neko@example.org>; class=soft; reason=mailboxfull;\n"
	    "\tstatus=5.0.922; code=none; synthetic=yes\n"
	    "\n");
	free(s);
	free_result(&r);
}
END_TEST

START_TEST(test_output_headers_none)
{
	bt_result r;
	char *s;

	memset(&r, 0, sizeof(r));
	r.cls = BT_CLASS_NONE;
	s = render(OUTPUT_HEADERS, NULL, &r, 1);
	ck_assert_str_eq(s, "==> dir/a.eml [message 0] action=accept\n\n");
	free(s);
}
END_TEST

START_TEST(test_output_policy)
{
	bt_result r;
	policy *p = policy_new();
	policy_match m;
	policy_verdict v;
	char err[256], *s;

	ck_assert_ptr_nonnull(p);
	memset(&m, 0, sizeof(m));
	memset(&v, 0, sizeof(v));
	m.name = "dead";
	m.classes = "hard";
	v.action = POLICY_REJECT;
	v.reply_code = "550";
	v.reply_xcode = "5.7.1";
	v.reply_text = "bounce refused";
	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), 0);
	mk_result(&r);
	s = render(OUTPUT_JSON, p, &r, 1);
	ck_assert_ptr_nonnull(strstr(s, "\"policy_action\":\"reject\",\"policy_rule\":\"dead\""));
	free(s);
	/* a reject adds no headers */
	s = render(OUTPUT_HEADERS, p, &r, 1);
	ck_assert_str_eq(s, "==> dir/a.eml [message 0] action=reject\n\n");
	free(s);
	/* a soft top recipient falls to the default rule: tag */
	r.top = 1;
	r.cls = BT_CLASS_SOFT;
	s = render(OUTPUT_HEADERS, p, &r, 1);
	ck_assert_int_eq(strncmp(s, "==> dir/a.eml [message 0] action=tag\n"
				 "X-Bounce-Checked-By: test bouncetag/0\n"
				 "X-Bounce-Action: tag\nX-Bounce-Class: soft\n", 110), 0);
	free(s);
	/* dry run: tag, and the line says what the rule asked for */
	policy_set_dry_run(p, 1);
	r.top = 0;
	r.cls = BT_CLASS_HARD;
	s = render(OUTPUT_HEADERS, p, &r, 1);
	ck_assert_int_eq(strncmp(s, "==> dir/a.eml [message 0] action=tag (policy asks for reject)\n"
				 "X-Bounce-Checked-By:", 82), 0);
	free(s);
	free_result(&r);
	policy_free(p);
}
END_TEST

START_TEST(test_output_summary)
{
	bt_result r;
	char *s;

	mk_result(&r);
	s = render(OUTPUT_SUMMARY, NULL, &r, 1);
	ck_assert_str_eq(s,
	    "dir/a.eml: hard userunknown 5.1.1 kijitora@example.org (+1 more)\n"
	    "\n1 message\nby class: hard=1\nby reason: userunknown=1\n"
	    "(* = status made up from the reason, not sent by the server)\n");
	free(s);
	free_result(&r);
}
END_TEST

START_TEST(test_output_summary_totals)
{
	output_opts oo;
	bt_result r, none;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	output *out;

	memset(&oo, 0, sizeof(oo));
	oo.format = OUTPUT_SUMMARY;
	out = output_new(f, &oo);
	mk_result(&r);
	memset(&none, 0, sizeof(none));
	none.cls = BT_CLASS_NONE;
	output_message(out, "m", 0, &r);
	output_message(out, "m", 1, &none);
	r.top = 1;
	r.cls = BT_CLASS_SOFT;
	output_message(out, "m", 2, &r);
	output_message(out, "n", 0, &r);
	output_finish(out);
	output_free(out);
	fclose(f);
	ck_assert_str_eq(buf,
	    "m: hard userunknown 5.1.1 kijitora@example.org (+1 more)\n"
	    "m[1]: none\n"
	    "m[2]: soft mailboxfull 5.0.922* neko@example.org (+1 more)\n"
	    "n: soft mailboxfull 5.0.922* neko@example.org (+1 more)\n"
	    "\n4 messages\nby class: hard=1 soft=2 none=1\n"
	    "by reason: mailboxfull=2 -=1 userunknown=1\n"
	    "(* = status made up from the reason, not sent by the server)\n");
	free(buf);
	free_result(&r);
}
END_TEST

START_TEST(test_output_format_parse)
{
	output_format f;

	ck_assert_int_eq(output_format_parse("json", &f), 0);
	ck_assert_int_eq(f, OUTPUT_JSON);
	ck_assert_int_eq(output_format_parse("headers", &f), 0);
	ck_assert_int_eq(f, OUTPUT_HEADERS);
	ck_assert_int_eq(output_format_parse("summary", &f), 0);
	ck_assert_int_eq(f, OUTPUT_SUMMARY);
	ck_assert_int_eq(output_format_parse("xml", &f), -1);
}
END_TEST

/* ---- input ---------------------------------------------------------------- */

typedef struct seen {
	size_t n;
	char file[16][256];
	size_t msgno[16];
	char subject[16][128];
	char raw[4][512];	/* bytes fed for messages 0..3, as the tap saw them */
	size_t maxchunk;
} seen;

static void
tap(void *arg, size_t msgno, const char *buf, size_t len)
{
	seen *s = arg;
	size_t have;

	if (len > s->maxchunk)
		s->maxchunk = len;
	if (msgno >= 4)
		return;
	have = strlen(s->raw[msgno]);
	if (have + len < sizeof(s->raw[0]))
		memcpy(s->raw[msgno] + have, buf, len);
}

static void
on_msg(void *arg, const char *file, size_t msgno, const bt_result *r)
{
	seen *s = arg;

	if (s->n < 16) {
		snprintf(s->file[s->n], sizeof(s->file[0]), "%s", file);
		s->msgno[s->n] = msgno;
		snprintf(s->subject[s->n], sizeof(s->subject[0]), "%s",
			 r->subject ? r->subject : "");
	}
	s->n++;
}

static char tmpdir[64];

static void
write_file(const char *rel, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void
setup_tmp(void)
{
	strcpy(tmpdir, "/tmp/check_output.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
run_input(const char *rel, seen *s, size_t chunk)
{
	bt_caps caps;
	engine *e;
	rawfeed *rf;
	input_opts io = { NULL, chunk, tap, s };
	char path[256];
	int rc;

	engine_caps_default(&caps);
	e = engine_new(&caps, NULL);
	ck_assert_ptr_nonnull(e);
	rf = rawfeed_new(e);
	ck_assert_ptr_nonnull(rf);
	memset(s, 0, sizeof(*s));
	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	rc = input_path(rf, path, &io, on_msg, s);
	rawfeed_free(rf);
	engine_free(e);
	return rc;
}

START_TEST(test_input_single)
{
	seen s;

	write_file("one.eml", "From: a@example.org\nSubject: hello\n\nFrom here on\n");
	ck_assert_int_eq(run_input("one.eml", &s, 3), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.msgno[0], 0);
	ck_assert_str_eq(s.subject[0], "hello");
}
END_TEST

START_TEST(test_input_mbox)
{
	seen s;

	write_file("box",
	    "From MAILER-DAEMON Thu Dec 22 17:54:04 2015\n"
	    "Subject: first\n\nbody\nFrom inside, not after a blank line\n"
	    "\n>From escaped\n\n"
	    "From someone@example.org Fri Dec 23 00:00:00 2015\n"
	    "Subject: second\n\nbody 2\n\n"
	    "From x Sat Dec 24 00:00:00 2015\r\n"
	    "Subject: third\r\n\r\nbody 3\r\n");
	ck_assert_int_eq(run_input("box", &s, 7), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.msgno[0], 0);
	ck_assert_uint_eq(s.msgno[1], 1);
	ck_assert_uint_eq(s.msgno[2], 2);
	ck_assert_str_eq(s.subject[0], "first");
	ck_assert_str_eq(s.subject[1], "second");
	ck_assert_str_eq(s.subject[2], "third");
	/* From_ lines and the blank line before them dropped; >From unescaped */
	ck_assert_str_eq(s.raw[0], "Subject: first\n\nbody\nFrom inside, not after a blank line\n"
			 "\nFrom escaped\n");
	ck_assert_str_eq(s.raw[1], "Subject: second\n\nbody 2\n");
	ck_assert_str_eq(s.raw[2], "Subject: third\r\n\r\nbody 3\r\n");
	ck_assert_uint_le(s.maxchunk, 7);
}
END_TEST

START_TEST(test_input_mbox_escapes)
{
	seen s;

	write_file("box2",
	    "From a b\n>>From two\n>From one\n>Fromnot\n> From no\n\n\n"
	    "From c d\n\nlast line without newline");
	ck_assert_int_eq(run_input("box2", &s, 4096), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.raw[0], ">From two\nFrom one\n>Fromnot\n> From no\n\n");
	ck_assert_str_eq(s.raw[1], "\nlast line without newline");
}
END_TEST

/* A random mbox (long lines of text with 'F' and '>' in them, "From "
 * inside lines and after non-blank lines, escaped From_ lines, CR LF),
 * read in several chunk sizes: the vector scan for line starts ('F' or
 * '>' after a newline, 64 bytes at a time) finds every line that matters,
 * so the bytes fed are the messages as written, one '>' less on escaped
 * lines. */
typedef struct gathered {
	char *buf;
	size_t len, cap, last;
} gathered;

static void
gather_tap(void *arg, size_t msgno, const char *buf, size_t len)
{
	gathered *g = arg;

	if (g->len + len + 32 > g->cap) {
		g->cap = (g->len + len + 32) * 2;
		g->buf = realloc(g->buf, g->cap);
		ck_assert_ptr_nonnull(g->buf);
	}
	if (msgno != g->last) {
		g->len += (size_t)sprintf(g->buf + g->len, "\001%zu\001", msgno);
		g->last = msgno;
	}
	memcpy(g->buf + g->len, buf, len);
	g->len += len;
}

static unsigned long mbox_rnd_state = 777;

static unsigned
mbox_rnd(unsigned n)
{
	mbox_rnd_state = mbox_rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(mbox_rnd_state >> 33) % n;
}

START_TEST(test_input_mbox_random)
{
	static const char text[] = "abc F>xyz From  >From\t";
	size_t cap = 1u << 20, len = 0, elen = 0, k, i, n, msg;
	char *box = malloc(cap), *want = malloc(cap), path[256];
	static const size_t chunks[] = { 1, 7, 100, 4096 };
	FILE *f;

	ck_assert_ptr_nonnull(box);
	ck_assert_ptr_nonnull(want);
	for (msg = 0; msg < 40; msg++) {
		const char *eol = mbox_rnd(5) == 0 ? "\r\n" : "\n";
		int blank = 0;

		len += (size_t)sprintf(box + len, "%sFrom sender%zu Mon Jan 1 00:00:00 2024%s",
				       msg > 0 ? eol : "", msg, eol);
		if (msg > 0)
			elen += (size_t)sprintf(want + elen, "\001%zu\001", msg);
		for (k = mbox_rnd(60) + 1; k > 0; k--) {
			unsigned kind = mbox_rnd(10);
			char line[400];

			n = 0;
			if (kind == 0 && !blank) {
				n = (size_t)sprintf(line, "From inside %u", mbox_rnd(100));
			} else if (kind == 1) {
				for (i = mbox_rnd(3) + 1; i > 0; i--)
					line[n++] = '>';
				n += (size_t)sprintf(line + n, "From escaped");
			} else if (kind == 2 && k > 1) {
				n = 0;		/* a blank line (not the last) */
			} else {
				for (i = mbox_rnd(300) + 1; i > 0; i--)
					line[n++] = text[mbox_rnd(sizeof(text) - 1)];
			}
			line[n] = '\0';
			blank = n == 0;
			len += (size_t)sprintf(box + len, "%s%s", line, eol);
			if (line[0] == '>' && strstr(line, "From escaped") != NULL)
				elen += (size_t)sprintf(want + elen, "%s%s", line + 1, eol);
			else
				elen += (size_t)sprintf(want + elen, "%s%s", line, eol);
		}
		ck_assert_uint_lt(len, cap - 100000);
	}
	snprintf(path, sizeof(path), "%s/random.mbox", tmpdir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(box, 1, len, f), len);
	fclose(f);
	/* every chunking, with each vector path the build and the CPU
	 * have (the mbox reader's search for From_ lines: SSE2, AVX2,
	 * AVX-512) and the plain one */
	for (i = 0; i < 4 * sizeof(chunks) / sizeof(chunks[0]); i++) {
		gathered g = { NULL, 0, 0, 0 };
		size_t c = chunks[i % (sizeof(chunks) / sizeof(chunks[0]))];
		input_opts io = { NULL, c, gather_tap, &g };
		engine *e = engine_new(NULL, NULL);
		rawfeed *rf = rawfeed_new(e);
		int level = input_simd_force((int)(i / (sizeof(chunks) / sizeof(chunks[0]))));

		ck_assert_int_eq(input_path(rf, path, &io, NULL, NULL), 0);
		ck_assert_uint_eq(g.len, elen);
		ck_assert_msg(memcmp(g.buf, want, elen) == 0, "chunk %zu, level %d", c, level);
		free(g.buf);
		rawfeed_free(rf);
		engine_free(e);
	}
	input_simd_force(-1);
	free(box);
	free(want);
}
END_TEST

START_TEST(test_input_long_lines)
{
	seen s;
	char *big = malloc(300000), path[256];
	FILE *f;
	size_t i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 299999; i++)
		big[i] = (i % 100 == 99) ? ' ' : 'x';
	big[299999] = '\0';
	snprintf(path, sizeof(path), "%s/long", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* an mbox whose lines are far longer than the read buffer */
	fprintf(f, "From %s\nSubject: one\n\n%s\n\nFrom z\nSubject: two\n\nFrom %s\n", big, big, big);
	fclose(f);
	free(big);
	ck_assert_int_eq(run_input("long", &s, 4096), 0);
	ck_assert_uint_eq(s.n, 3);	/* the last From_ line starts an empty message */
	ck_assert_str_eq(s.subject[0], "one");
	ck_assert_str_eq(s.subject[1], "two");
	ck_assert_str_eq(s.raw[1], "Subject: two\n");
	ck_assert_str_eq(s.raw[2], "");
	ck_assert_uint_le(s.maxchunk, 4096);
}
END_TEST

START_TEST(test_input_dirs)
{
	seen s;
	char path[256];

	snprintf(path, sizeof(path), "%s/md", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	write_file("b.eml", "Subject: b\n\nx\n");
	write_file("a.eml", "Subject: a\n\nx\n");
	write_file(".hidden", "Subject: hidden\n\nx\n");
	snprintf(path, sizeof(path), "%s/md/cur", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/md/new", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/md/tmp", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	write_file("md/new/2", "Subject: md2\n\nx\n");
	write_file("md/cur/1", "Subject: md1\n\nx\n");
	write_file("md/cur/3", "Subject: md3\n\nx\n");
	write_file("md/tmp/0", "Subject: tmp\n\nx\n");
	ck_assert_int_eq(run_input(tmpdir, &s, 4096), 0);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_str_eq(s.subject[0], "a");
	ck_assert_str_eq(s.subject[1], "b");
	ck_assert_str_eq(s.subject[2], "md1");
	ck_assert_str_eq(s.subject[3], "md2");
	ck_assert_str_eq(s.subject[4], "md3");
	snprintf(path, sizeof(path), "%s/a.eml", tmpdir);
	ck_assert_str_eq(s.file[0], path);
	snprintf(path, sizeof(path), "%s/md/new/2", tmpdir);
	ck_assert_str_eq(s.file[3], path);
}
END_TEST

START_TEST(test_input_missing)
{
	seen s;

	ck_assert_int_eq(run_input("no-such-file", &s, 4096), -1);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_input_empty)
{
	seen s;

	write_file("empty", "");
	ck_assert_int_eq(run_input("empty", &s, 4096), 0);
	ck_assert_uint_eq(s.n, 1);
}
END_TEST

static Suite *
output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tj = tcase_create("jsonout");
	TCase *to = tcase_create("formats");
	TCase *ti = tcase_create("input");

	tcase_add_test(tj, test_json_escape);
	tcase_add_test(tj, test_json_escape_small_buffer);
	tcase_add_test(tj, test_json_writer);
	tcase_add_test(tj, test_json_writer_same_escape);
	tcase_add_test(tj, test_json_put_same_escape);
	tcase_add_test(tj, test_json_put_other);
	tcase_add_test(to, test_output_json);
	tcase_add_test(to, test_output_json_long);
	tcase_add_test(to, test_output_json_none);
	tcase_add_test(to, test_output_json_caps);
	tcase_add_test(to, test_output_headers);
	tcase_add_test(to, test_output_headers_none);
	tcase_add_test(to, test_output_policy);
	tcase_add_test(to, test_output_summary);
	tcase_add_test(to, test_output_summary_totals);
	tcase_add_test(to, test_output_format_parse);
	tcase_add_checked_fixture(ti, setup_tmp, teardown_tmp);
	tcase_add_test(ti, test_input_single);
	tcase_add_test(ti, test_input_mbox);
	tcase_add_test(ti, test_input_mbox_escapes);
	tcase_add_test(ti, test_input_mbox_random);
	tcase_add_test(ti, test_input_long_lines);
	tcase_add_test(ti, test_input_dirs);
	tcase_add_test(ti, test_input_missing);
	tcase_add_test(ti, test_input_empty);
	suite_add_tcase(s, tj);
	suite_add_tcase(s, to);
	suite_add_tcase(s, ti);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(output_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
