/*
 * check_hdrfmt.c - unit tests for hdrfmt.c: header injection (CR, LF, NUL
 * in every copied field), encoded-word injection, capping, folding,
 * non-ASCII encoding, hdrfmt_is_ours, the result cap marker, field order.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdrfmt.h"
#include "result.h"

/* A hand-built result with n recipients; fields are heap strings. */
static void
mk_result(bt_result *r, size_t n)
{
	size_t i;
	char buf[64];

	memset(r, 0, sizeof(*r));
	r->rcpt = calloc(n ? n : 1, sizeof(bt_rcpt));
	r->nrcpt = n;
	r->rcpt_alloc = n;
	r->format = "rfc3464";
	r->cls = n ? BT_CLASS_HARD : BT_CLASS_NONE;
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "user%zu@example.org", i);
		r->rcpt[i].recipient = strdup(buf);
		strcpy(r->rcpt[i].status, "5.1.1");
		strcpy(r->rcpt[i].replycode, "550");
		r->rcpt[i].reason = "userunknown";
		r->rcpt[i].description = "Bad destination mailbox address";
		r->rcpt[i].cls = BT_CLASS_HARD;
		r->rcpt[i].hard = 1;
		r->rcpt[i].diagnostic = strdup("550 5.1.1 <user@example.org>: Recipient address rejected");
		r->rcpt[i].remote_mta = strdup("mx.example.org");
	}
	r->original_message_id = strdup("<abc@example.net>");
}

static void
free_result(bt_result *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		free(r->rcpt[i].recipient);
		free(r->rcpt[i].diagnostic);
		free(r->rcpt[i].remote_mta);
	}
	free(r->rcpt);
	free(r->original_message_id);
}

static const char *
field(const hdrfmt_block *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->f[i].name, name) == 0)
			return b->f[i].value;
	return NULL;
}

static size_t
count(const hdrfmt_block *b, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->f[i].name, name) == 0)
			n++;
	return n;
}

/* No CR, NUL-cut or control char in a value; LF only as part of "\n\t". */
static void
assert_safe(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	for (; *p; p++) {
		ck_assert_msg(*p != '\r', "CR in value: %s", v);
		if (*p == '\n') {
			ck_assert_msg(p[1] == '\t', "bare LF in value: %s", v);
			ck_assert_msg(p[2] != '\0' && p[2] != ' ' && p[2] != '\t',
				      "empty continuation line: %s", v);
			continue;
		}
		ck_assert_msg(*p == '\t' ? p > (const unsigned char *)v && p[-1] == '\n' : 1,
			      "tab outside a fold: %s", v);
		ck_assert_msg(*p >= 0x20 || *p == '\t', "control char in value: %s", v);
		ck_assert_msg(*p < 0x80, "8-bit byte in value: %s", v);
	}
}

START_TEST(test_defaults_and_order)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;
	static const char *order[] = {
		"X-Bounce-Checked-By", "X-Bounce-Action", "X-Bounce-Class",
		"X-Bounce-Reason", "X-Bounce-Status", "X-Bounce-Description",
		"X-Bounce-Recipient", "X-Bounce-Diagnostic", "X-Bounce-Remote-MTA",
		"X-Bounce-Original-Message-ID", "X-Bounce-Result", "X-Bounce-Result",
	};
	size_t i;

	hdrfmt_opts_default(&o);
	ck_assert_str_eq(o.prefix, "X-Bounce-");
	ck_assert_uint_eq(o.max_results, 50);
	ck_assert_uint_eq(o.max_value, 512);
	ck_assert_int_eq(o.tag_nonbounce, 0);
	o.instance = "mx.example.org bouncetag/0.1.0";
	mk_result(&r, 2);
	r.rcpt[1].cls = BT_CLASS_SOFT;
	r.rcpt[1].reason = "mailboxfull";
	strcpy(r.rcpt[1].status, "4.2.2");
	r.rcpt[1].replycode[0] = '\0';
	ck_assert_int_eq(hdrfmt_build(&o, &r, "tag", &b), 0);
	ck_assert_uint_eq(b.n, sizeof(order) / sizeof(order[0]));
	for (i = 0; i < b.n; i++)
		ck_assert_str_eq(b.f[i].name, order[i]);
	ck_assert_str_eq(field(&b, "X-Bounce-Checked-By"), "mx.example.org bouncetag/0.1.0");
	ck_assert_str_eq(field(&b, "X-Bounce-Action"), "tag");
	ck_assert_str_eq(field(&b, "X-Bounce-Class"), "hard");
	ck_assert_str_eq(field(&b, "X-Bounce-Reason"), "userunknown");
	ck_assert_str_eq(field(&b, "X-Bounce-Status"), "5.1.1");
	ck_assert_str_eq(field(&b, "X-Bounce-Description"), "Bad destination mailbox address");
	ck_assert_str_eq(field(&b, "X-Bounce-Recipient"), "user0@example.org");
	ck_assert_str_eq(field(&b, "X-Bounce-Remote-MTA"), "mx.example.org");
	ck_assert_str_eq(field(&b, "X-Bounce-Original-Message-ID"), "<abc@example.net>");
	ck_assert_str_eq(b.f[10].value,
			 "<user0@example.org>; class=hard; reason=userunknown;\n\tstatus=5.1.1; code=550");
	ck_assert_str_eq(b.f[11].value,
			 "<user1@example.org>; class=soft; reason=mailboxfull;\n\tstatus=4.2.2; code=none");
	hdrfmt_block_free(&b);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_ptr_null(b.f);
	/* no action given: no Action field */
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_ptr_null(field(&b, "X-Bounce-Action"));
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_top_recipient)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;

	hdrfmt_opts_default(&o);
	mk_result(&r, 3);
	r.top = 2;
	r.cls = BT_CLASS_BLOCK;
	r.rcpt[2].cls = BT_CLASS_BLOCK;
	r.rcpt[2].reason = "blocked";
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_str_eq(field(&b, "X-Bounce-Class"), "block");
	ck_assert_str_eq(field(&b, "X-Bounce-Reason"), "blocked");
	ck_assert_str_eq(field(&b, "X-Bounce-Recipient"), "user2@example.org");
	ck_assert_uint_eq(count(&b, "X-Bounce-Result"), 3);
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_injection_every_field)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;
	size_t i;
	const char *evil = "a\r\nBcc: victim@example.com\r\n\r\nbody\001\033[0m\x7f" "end";

	hdrfmt_opts_default(&o);
	mk_result(&r, 1);
	free(r.rcpt[0].recipient);
	free(r.rcpt[0].diagnostic);
	free(r.rcpt[0].remote_mta);
	free(r.original_message_id);
	r.rcpt[0].recipient = strdup(evil);
	r.rcpt[0].diagnostic = strdup(evil);
	r.rcpt[0].remote_mta = strdup(evil);
	r.original_message_id = strdup(evil);
	r.rcpt[0].description = evil;
	r.rcpt[0].reason = evil;
	o.instance = evil;
	ck_assert_int_eq(hdrfmt_build(&o, &r, evil, &b), 0);
	ck_assert_uint_ge(b.n, 10);
	for (i = 0; i < b.n; i++) {
		assert_safe(b.f[i].value);
		ck_assert_ptr_null(strstr(b.f[i].value, "\nBcc"));
	}
	ck_assert_str_eq(field(&b, "X-Bounce-Diagnostic"),
			 "a Bcc: victim@example.com body [0m end");
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_safe_value_nul_and_controls)
{
	char out[128];
	const char in[] = "one\0two";	/* NUL ends the C string: only "one" */

	ck_assert_uint_eq(hdrfmt_safe_value(in, 100, out, sizeof(out)), 3);
	ck_assert_str_eq(out, "one");
	hdrfmt_safe_value("  \t lead\tand\r\n\ttrail \r\n", 100, out, sizeof(out));
	ck_assert_str_eq(out, "lead and trail");
	hdrfmt_safe_value("x\xc2\x85y", 100, out, sizeof(out));	/* C1 NEL */
	ck_assert_str_eq(out, "x y");
	hdrfmt_safe_value(NULL, 100, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_encoded_word_injection)
{
	char out[512];
	/* base64 of "x\r\nBcc: a@b" smuggled as an encoded word */
	const char *in = "=?UTF-8?B?eA0KQmNjOiBhQGI=?= hello";

	hdrfmt_safe_value(in, 200, out, sizeof(out));
	/* encoded whole: decoding gives back the literal text, not CR/LF */
	ck_assert_str_eq(out, "=?UTF-8?B?PT9VVEYtOD9CP2VBMEtRbU5qT2lCaFFHST0/PSBoZWxsbw==?=");
	ck_assert_ptr_null(strstr(out, "=?UTF-8?B?eA0K"));
	hdrfmt_safe_value("plain ascii", 200, out, sizeof(out));
	ck_assert_str_eq(out, "plain ascii");
}
END_TEST

START_TEST(test_non_ascii)
{
	char out[512];

	/* "Grüße" in UTF-8 */
	hdrfmt_safe_value("Gr\xc3\xbc\xc3\x9f" "e", 200, out, sizeof(out));
	ck_assert_str_eq(out, "=?UTF-8?B?R3LDvMOfZQ==?=");
	/* invalid UTF-8 bytes become '?', then plain ASCII remains */
	hdrfmt_safe_value("bad \xff\xfe byte \xc3", 200, out, sizeof(out));
	ck_assert_str_eq(out, "bad ?? byte ?");
	/* overlong '/' and a surrogate are invalid */
	hdrfmt_safe_value("\xc0\xaf \xed\xa0\x80", 200, out, sizeof(out));
	ck_assert_str_eq(out, "?? ???");
}
END_TEST

START_TEST(test_long_utf8_split_words)
{
	char in[400], out[2048], *p, *q;
	size_t i;

	for (i = 0; i < 100; i++)		/* 100 x "é" = 200 bytes */
		memcpy(in + 2 * i, "\xc3\xa9", 2);
	in[200] = '\0';
	hdrfmt_safe_value(in, 300, out, sizeof(out));
	/* words of at most 75 chars, each decodes to whole characters */
	for (p = out; *p; p = q + (*q ? 1 : 0)) {
		q = strchr(p, ' ');
		if (q == NULL)
			q = p + strlen(p);
		ck_assert_int_le(q - p, 75);
		ck_assert_int_eq(strncmp(p, "=?UTF-8?B?", 10), 0);
		ck_assert_int_eq(strncmp(q - 2, "?=", 2), 0);
	}
}
END_TEST

START_TEST(test_cap_marked)
{
	char in[3000], out[4096];
	size_t n;

	memset(in, 'x', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	n = hdrfmt_safe_value(in, 100, out, sizeof(out));
	ck_assert_uint_eq(n, 100);
	ck_assert_str_eq(out + 97, "...");
	/* a value exactly at the cap is not marked */
	in[100] = '\0';
	n = hdrfmt_safe_value(in, 100, out, sizeof(out));
	ck_assert_uint_eq(n, 100);
	ck_assert_int_eq(out[99], 'x');
	/* output buffer smaller than the value: cut, terminated */
	n = hdrfmt_safe_value(in, 100, out, 10);
	ck_assert_uint_eq(n, 9);
	ck_assert_uint_eq(strlen(out), 9);
}
END_TEST

START_TEST(test_long_field_capped_and_folded)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;
	char big[4000];
	const char *v, *line;
	size_t i, len;

	hdrfmt_opts_default(&o);
	o.max_value = 300;
	mk_result(&r, 1);
	for (i = 0; i + 6 < sizeof(big); i += 6)
		memcpy(big + i, "words ", 6);
	big[i] = '\0';
	free(r.rcpt[0].diagnostic);
	r.rcpt[0].diagnostic = strdup(big);
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	v = field(&b, "X-Bounce-Diagnostic");
	ck_assert_ptr_nonnull(v);
	len = strlen(v);
	ck_assert_str_eq(v + len - 3, "...");
	ck_assert_ptr_nonnull(strstr(v, "\n\t"));
	/* every physical line under 78 chars, the first with "Name: " */
	line = v;
	len = strlen("X-Bounce-Diagnostic: ");
	for (;;) {
		const char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		ck_assert_uint_lt(len + l, 78);
		if (!nl)
			break;
		line = nl + 1;
		len = 0;
	}
	/* unfolded, the value is the capped text with single spaces */
	{
		char un[1024];
		size_t j = 0;
		for (i = 0; v[i]; i++) {
			if (v[i] == '\n')
				continue;
			un[j++] = v[i] == '\t' ? ' ' : v[i];
		}
		un[j] = '\0';
		ck_assert_uint_le(j, 300);
		ck_assert_int_eq(strncmp(un, "words words words", 17), 0);
	}
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_unbreakable_word_not_folded)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;
	char big[200];

	hdrfmt_opts_default(&o);
	mk_result(&r, 1);
	memset(big, 'a', 150);
	big[150] = '\0';
	free(r.rcpt[0].remote_mta);
	r.rcpt[0].remote_mta = strdup(big);
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_str_eq(field(&b, "X-Bounce-Remote-MTA"), big);
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_is_ours)
{
	hdrfmt_opts o;

	hdrfmt_opts_default(&o);
	ck_assert(hdrfmt_is_ours(&o, "X-Bounce-Class"));
	ck_assert(hdrfmt_is_ours(&o, "x-bounce-class"));
	ck_assert(hdrfmt_is_ours(&o, "X-BOUNCE-RESULT"));
	ck_assert(hdrfmt_is_ours(&o, "x-BoUnCe-anything"));
	ck_assert(!hdrfmt_is_ours(&o, "X-Bounce"));
	ck_assert(!hdrfmt_is_ours(&o, "X-Bouncer-Class"));
	ck_assert(!hdrfmt_is_ours(&o, "Subject"));
	ck_assert(!hdrfmt_is_ours(&o, NULL));
	o.prefix = "X-BT-";
	ck_assert(hdrfmt_is_ours(&o, "x-bt-class"));
	ck_assert(!hdrfmt_is_ours(&o, "X-Bounce-Class"));
}
END_TEST

START_TEST(test_result_cap_marker)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;

	hdrfmt_opts_default(&o);
	o.max_results = 3;
	mk_result(&r, 7);
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_uint_eq(count(&b, "X-Bounce-Result"), 4);
	ck_assert_str_eq(b.f[b.n - 1].name, "X-Bounce-Result");
	ck_assert_str_eq(b.f[b.n - 1].value, "truncated; 4 more");
	ck_assert_ptr_nonnull(strstr(b.f[b.n - 2].value, "user2@example.org"));
	hdrfmt_block_free(&b);
	/* exactly at the cap: no marker */
	o.max_results = 7;
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_uint_eq(count(&b, "X-Bounce-Result"), 7);
	hdrfmt_block_free(&b);
	/* the engine stopped reading recipients */
	r.caps_hit |= BT_CAP_RCPTS;
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_str_eq(b.f[b.n - 1].value, "truncated; more not read");
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_nonbounce)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;

	hdrfmt_opts_default(&o);
	mk_result(&r, 0);
	ck_assert_int_eq(hdrfmt_build(&o, &r, "accept", &b), 0);
	ck_assert_uint_eq(b.n, 0);
	o.tag_nonbounce = 1;
	o.set = HDRFMT_CLASS;
	ck_assert_int_eq(hdrfmt_build(&o, &r, "accept", &b), 0);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.f[0].name, "X-Bounce-Class");
	ck_assert_str_eq(b.f[0].value, "none");
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_set_selection_and_parse)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;
	unsigned bit = 0;
	static const char *names[] = { "class", "reason", "status", "description",
		"recipient", "diagnostic", "remote-mta", "original-message-id",
		"result", "checked-by", "action" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_int_eq(hdrfmt_set_parse(names[i], &bit), 0);
		ck_assert_uint_eq(bit, 1u << i);
	}
	ck_assert_int_eq(hdrfmt_set_parse("ALL", &bit), 0);
	ck_assert_uint_eq(bit, HDRFMT_ALL);
	ck_assert_int_eq(hdrfmt_set_parse("Remote-MTA", &bit), 0);
	ck_assert_uint_eq(bit, HDRFMT_REMOTE_MTA);
	ck_assert_int_eq(hdrfmt_set_parse("bogus", &bit), -1);
	ck_assert_int_eq(hdrfmt_set_parse("", &bit), -1);

	hdrfmt_opts_default(&o);
	o.set = HDRFMT_CLASS | HDRFMT_STATUS;
	o.prefix = "X-BT-";
	mk_result(&r, 2);
	ck_assert_int_eq(hdrfmt_build(&o, &r, "tag", &b), 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_str_eq(b.f[0].name, "X-BT-Class");
	ck_assert_str_eq(b.f[1].name, "X-BT-Status");
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

START_TEST(test_missing_fields_omitted)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;

	hdrfmt_opts_default(&o);
	mk_result(&r, 1);
	free(r.rcpt[0].recipient);
	r.rcpt[0].recipient = NULL;
	free(r.rcpt[0].diagnostic);
	r.rcpt[0].diagnostic = strdup(" \r\n ");	/* nothing left once cleaned */
	r.rcpt[0].status[0] = '\0';
	r.rcpt[0].description = NULL;
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_ptr_null(field(&b, "X-Bounce-Recipient"));
	ck_assert_ptr_null(field(&b, "X-Bounce-Diagnostic"));
	ck_assert_ptr_null(field(&b, "X-Bounce-Status"));
	ck_assert_ptr_null(field(&b, "X-Bounce-Description"));
	ck_assert_str_eq(field(&b, "X-Bounce-Result"),
			 "<>; class=hard; reason=userunknown; status=none; code=550");
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

/* A forged address cannot add parameters to X-Bounce-Result; a made-up
 * status is marked. */
START_TEST(test_result_address_delimiters)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;

	hdrfmt_opts_default(&o);
	o.max_value = 4096;
	mk_result(&r, 1);
	free(r.rcpt[0].recipient);
	r.rcpt[0].recipient = strdup("a@b>; class=delivered; x=\"y\"");
	strcpy(r.rcpt[0].status, "5.0.911");
	r.rcpt[0].status_synthetic = 1;
	ck_assert_int_eq(hdrfmt_build(&o, &r, NULL, &b), 0);
	ck_assert_str_eq(field(&b, "X-Bounce-Result"),
			 "<a@b?\?\?class?delivered?\?x?\?y?>; class=hard;\n\treason=userunknown; "
			 "status=5.0.911; code=550; synthetic=yes");
	hdrfmt_block_free(&b);
	free_result(&r);
}
END_TEST

static int
b64val(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(t, c) : NULL;

	return p ? (int)(p - t) : -1;
}

/* Every token holding "=?" is a whole =?UTF-8?B?...?= word whose decoded
 * text has no control character. */
static void
assert_words_clean(const char *v)
{
	char tok[256];
	const char *p = v;
	size_t n, i;

	while (*p) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		for (n = 0; p[n] && p[n] != ' ' && p[n] != '\n' && p[n] != '\t'; n++)
			;
		if (n == 0)
			break;
		if (n < sizeof(tok)) {
			memcpy(tok, p, n);
			tok[n] = '\0';
		} else
			tok[0] = '\0';
		if (strstr(tok, "=?") != NULL || n >= sizeof(tok)) {
			unsigned acc = 0;
			int bits = 0;

			ck_assert_msg(n < sizeof(tok) && strncmp(tok, "=?UTF-8?B?", 10) == 0 &&
				      strcmp(tok + n - 2, "?=") == 0, "bad word: %s", tok);
			for (i = 10; i < n - 2 && tok[i] != '='; i++) {
				int d = b64val(tok[i]);
				ck_assert_msg(d >= 0, "bad base64 in %s", tok);
				acc = (acc << 6) | (unsigned)d;
				bits += 6;
				if (bits >= 8) {
					unsigned char c = (acc >> (bits - 8)) & 0xff;
					bits -= 8;
					ck_assert_msg(c >= 0x20 && c != 0x7f, "control char decoded from %s", tok);
				}
			}
		}
		p += n;
	}
}

/* Random bytes in every copied field: every value stays safe. */
START_TEST(test_random_values_safe)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	bt_result r;
	char *buf[4];
	unsigned seed = 12345;
	size_t i, j, k, len;

	hdrfmt_opts_default(&o);
	o.max_value = 200;
	for (k = 0; k < 300; k++) {
		mk_result(&r, 1);
		for (j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			len = (seed >> 16) % 400;
			buf[j] = malloc(len + 1);
			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				buf[j][i] = (char)((seed >> 16) & 0xff);
				if (buf[j][i] == '\0')
					buf[j][i] = '=';
				if ((seed >> 8) % 7 == 0)
					buf[j][i] = "?= \r\n\t"[(seed >> 12) % 6];
			}
			buf[j][len] = '\0';
		}
		free(r.rcpt[0].recipient);
		free(r.rcpt[0].diagnostic);
		free(r.rcpt[0].remote_mta);
		free(r.original_message_id);
		r.rcpt[0].recipient = buf[0];
		r.rcpt[0].diagnostic = buf[1];
		r.rcpt[0].remote_mta = buf[2];
		r.original_message_id = buf[3];
		ck_assert_int_eq(hdrfmt_build(&o, &r, "tag", &b), 0);
		for (i = 0; i < b.n; i++) {
			assert_safe(b.f[i].value);
			assert_words_clean(b.f[i].value);
			ck_assert_uint_le(strlen(b.f[i].value), 2 * 200 + 64);
		}
		hdrfmt_block_free(&b);
		free_result(&r);
	}
}
END_TEST

static Suite *
hdrfmt_suite(void)
{
	Suite *s = suite_create("hdrfmt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults_and_order);
	tcase_add_test(tc, test_top_recipient);
	tcase_add_test(tc, test_injection_every_field);
	tcase_add_test(tc, test_safe_value_nul_and_controls);
	tcase_add_test(tc, test_encoded_word_injection);
	tcase_add_test(tc, test_non_ascii);
	tcase_add_test(tc, test_long_utf8_split_words);
	tcase_add_test(tc, test_cap_marked);
	tcase_add_test(tc, test_long_field_capped_and_folded);
	tcase_add_test(tc, test_unbreakable_word_not_folded);
	tcase_add_test(tc, test_is_ours);
	tcase_add_test(tc, test_result_cap_marker);
	tcase_add_test(tc, test_nonbounce);
	tcase_add_test(tc, test_set_selection_and_parse);
	tcase_add_test(tc, test_missing_fields_omitted);
	tcase_add_test(tc, test_random_values_safe);
	tcase_add_test(tc, test_result_address_delimiters);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hdrfmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
