/*
 * check_engine.c - unit tests of the engine through rawfeed and through the
 * milter-style calls: a sample split at every byte offset (two chunks) and
 * in 1-byte chunks gives the same result as fed whole; LF and CRLF agree;
 * read receipts and ordinary mail are no bounces; DSN, ARF, auto-reply,
 * delayed and delivered classes; caps reported; result helpers.
 * Samples are in $top_srcdir/tests/data/engine (top_srcdir defaults to "..").
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_int.h"	/* engine_lookup: the header store */
#include "rawfeed.h"
#include "result.h"
#include "fieldname.h"
#include "detect.h"
#include "mime.h"
#include "randct.h"
#include <strings.h>

static char *
load(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/engine/%s",
		 top != NULL ? top : "..", name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#define S(x) ((x) != NULL ? (x) : "(null)")

/* Everything in a result, as one string, to compare two results. */
static char *
dump(const bt_result *r)
{
	char *buf = malloc(65536);
	size_t o = 0, i;

	o += (size_t)snprintf(buf + o, 65536 - o,
		"cls=%d top=%zu fmt=%s from=%s subj=%s rmta=%s rfmta=%s ad=%s env=%s "
		"omid=%s ofrom=%s oto=%s osubj=%s fb=%s caps=%u n=%zu\n",
		r->cls, r->top, S(r->format), S(r->from), S(r->subject),
		S(r->reporting_mta), S(r->received_from_mta), S(r->arrival_date),
		S(r->original_envelope_id), S(r->original_message_id),
		S(r->original_from), S(r->original_to), S(r->original_subject),
		S(r->feedback_type), r->caps_hit, r->nrcpt);
	for (i = 0; i < r->nrcpt && o < 60000; i++) {
		const bt_rcpt *c = &r->rcpt[i];

		o += (size_t)snprintf(buf + o, 65536 - o,
			"%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%d\n",
			S(c->recipient), S(c->original_recipient), S(c->action),
			c->status, c->replycode, S(c->diagnostic),
			S(c->diagnostic_type), S(c->remote_mta),
			S(c->last_attempt_date), S(c->will_retry_until),
			S(c->reason), c->cls, c->hard);
	}
	return buf;
}

static engine *eng;
static rawfeed *rf;

static void
setup(void)
{
	eng = engine_new(NULL, NULL);
	ck_assert_ptr_nonnull(eng);
	rf = rawfeed_new(eng);
	ck_assert_ptr_nonnull(rf);
}

static void
teardown(void)
{
	rawfeed_free(rf);
	engine_free(eng);
}

static char *
run_split(const char *msg, size_t len, size_t split)
{
	rawfeed_begin(rf, NULL);
	rawfeed_feed(rf, msg, split);
	rawfeed_feed(rf, msg + split, len - split);
	return dump(rawfeed_end(rf));
}

static const char *const samples[] = {
	"dsn-two.eml", "dsn-encoded.eml", "arf.eml", "autoreply.eml",
	"delayed.eml", "delivered.eml", "mdn.eml", "ordinary.eml",
	"boundary-mismatch.eml", "report-no-parts.eml", "gateway-report.eml",
	"fwd-human.eml", "xfailed.eml",
};

START_TEST(test_every_split)
{
	size_t len, i;
	char *msg = load(samples[_i], &len);
	char *whole = dump(rawfeed_message(rf, NULL, msg, len, 0)), *got;

	for (i = 1; i < len; i++) {
		got = run_split(msg, len, i);
		ck_assert_msg(strcmp(whole, got) == 0, "%s split at %zu:\n%s\nvs\n%s",
			      samples[_i], i, whole, got);
		free(got);
	}
	got = dump(rawfeed_message(rf, NULL, msg, len, 1));
	ck_assert_str_eq(whole, got);
	free(got);
	free(whole);
	free(msg);
}
END_TEST

START_TEST(test_crlf)
{
	size_t len, i, o = 0;
	char *msg = load(samples[_i], &len), *crlf = malloc(2 * len + 1);
	char *a, *b;

	for (i = 0; i < len; i++) {
		if (msg[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = msg[i];
	}
	a = dump(rawfeed_message(rf, NULL, msg, len, 0));
	b = dump(rawfeed_message(rf, NULL, crlf, o, 7));
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	free(crlf);
	free(msg);
}
END_TEST

static const bt_result *
sample(const char *name, const char *sender)
{
	size_t len;
	char *msg = load(name, &len);
	const bt_result *r = rawfeed_message(rf, sender, msg, len, 0);

	free(msg);
	return r;
}

START_TEST(test_dsn)
{
	const bt_result *r = sample("dsn-two.eml", "<>");

	ck_assert_str_eq(r->format, "rfc3464");
	ck_assert_str_eq(r->sender, "<>");
	ck_assert_uint_eq(r->nrcpt, 2);
	ck_assert_str_eq(r->rcpt[0].recipient, "bob@example.com");
	ck_assert_str_eq(r->rcpt[0].status, "5.1.1");
	ck_assert_str_eq(r->rcpt[0].replycode, "550");
	ck_assert_str_eq(r->rcpt[0].diagnostic,
		"550 5.1.1 <bob@example.com>: Recipient address rejected: "
		"User unknown in virtual mailbox table");
	ck_assert_int_eq(r->rcpt[0].cls, BT_CLASS_HARD);
	ck_assert_ptr_nonnull(r->rcpt[0].reason);
	ck_assert_str_eq(r->rcpt[1].recipient, "carol@example.com");
	ck_assert_str_eq(r->rcpt[1].status, "5.2.2");
	ck_assert_int_ne(r->rcpt[1].cls, BT_CLASS_NONE);
	ck_assert_int_eq(r->cls, BT_CLASS_HARD);
	ck_assert_uint_eq(r->top, 0);
	ck_assert_str_eq(r->reporting_mta, "mx.example.net");
	ck_assert_str_eq(r->original_message_id, "<q1-2025@example.org>");
	ck_assert_str_eq(r->original_subject, "Quarterly numbers");
	ck_assert_str_eq(r->original_from, "Alice <alice@example.org>");
	ck_assert_str_eq(r->subject, "Undelivered Mail Returned to Sender");
	ck_assert_uint_eq(r->caps_hit, 0);
}
END_TEST

/* A report whose recipient the text can only give an SMTP command
 * (diagnostic, reply code, status, remote host and the returned Message-ID
 * all known): the engine puts its text scan off until the classifier asks
 * for the command (engine_eom, scan_text_cmd_only()).  Here it asks (an
 * "unknown user" reason depends on the phase), and the text's command
 * decides: refused after DATA, the address was not the cause. */
static const bt_result *
report_with_text(const char *phase)
{
	static char msg[2048];

	snprintf(msg, sizeof(msg), "%s%s%s",
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "To: alice@example.org\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "<dan@example.com>: host mx.example.com[192.0.2.7] said: 550 unknown\n"
	    "    user (in reply to ", phase, (" command)\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "\n"
	    "Final-Recipient: rfc822; dan@example.com\n"
	    "Action: failed\n"
	    "Status: 5.0.0\n"
	    "Remote-MTA: dns; mx.example.com\n"
	    "Diagnostic-Code: smtp; 550 unknown user\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/rfc822-headers\n"
	    "\n"
	    "From: Alice <alice@example.org>\n"
	    "To: dan@example.com\n"
	    "Subject: hi\n"
	    "Message-ID: <d1@example.org>\n"
	    "\n"
	    "--B--\n"));
	return rawfeed_message(rf, "<>", msg, strlen(msg), 0);
}

START_TEST(test_dsn_command_from_text)
{
	const bt_result *r = report_with_text("end of DATA");

	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].smtp_command, "DATA");
	ck_assert_str_eq(r->rcpt[0].reason, "filtered");
	ck_assert_str_eq(r->rcpt[0].diagnostic, "550 unknown user");
	r = report_with_text("RCPT TO");
	ck_assert_str_eq(r->rcpt[0].smtp_command, "RCPT");
	ck_assert_str_eq(r->rcpt[0].reason, "userunknown");
}
END_TEST

/* qp text, html alternative, base64 delivery-status part */
START_TEST(test_dsn_encoded)
{
	const bt_result *r = sample("dsn-encoded.eml", NULL);

	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].recipient, "erin@example.com");
	ck_assert_str_eq(r->rcpt[0].status, "5.1.1");
	ck_assert_str_eq(r->rcpt[0].remote_mta, "mx.example.com");
	ck_assert_str_eq(r->rcpt[0].last_attempt_date, "Tue, 4 Mar 2025 11:00:01 +0000");
	ck_assert_int_eq(r->cls, BT_CLASS_HARD);
	ck_assert_str_eq(r->original_message_id, "<lunch-1@example.org>");
	ck_assert_str_eq(r->original_to, "erin@example.com");
}
END_TEST

START_TEST(test_not_bounces)
{
	const bt_result *r = sample("mdn.eml", NULL);

	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
	ck_assert_uint_eq(r->nrcpt, 0);
	r = sample("ordinary.eml", NULL);
	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
	ck_assert_uint_eq(r->nrcpt, 0);
	r = sample("ordinary.eml", "grace@example.com");
	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
}
END_TEST

START_TEST(test_eoh_verdicts)
{
	/* a known sender and no bounce signal: the body is not needed */
	engine_reset(eng);
	engine_envfrom(eng, "grace@example.com");
	engine_header(eng, "From", "Grace <grace@example.com>");
	engine_header(eng, "Subject", "lunch");
	ck_assert_int_eq(engine_eoh(eng), ENGINE_NOT_BOUNCE);
	ck_assert_int_eq(engine_eom(eng)->cls, BT_CLASS_NONE);
	/* a read receipt, whoever sends it */
	engine_reset(eng);
	engine_envfrom(eng, "<>");
	engine_header(eng, "Content-Type",
		      "multipart/report;\n\treport-type=disposition-notification; boundary=x");
	ck_assert_int_eq(engine_eoh(eng), ENGINE_NOT_BOUNCE);
	/* null sender: read on */
	engine_reset(eng);
	engine_envfrom(eng, "");
	engine_header(eng, "Subject", "hello");
	ck_assert_int_eq(engine_eoh(eng), ENGINE_MORE);
	/* unknown sender, one text part: read on */
	engine_reset(eng);
	engine_header(eng, "Subject", "hello");
	ck_assert_int_eq(engine_eoh(eng), ENGINE_MORE);
	/* encoded bounce subject */
	engine_reset(eng);
	engine_envfrom(eng, "x@example.com");
	engine_header(eng, "Subject", "=?UTF-8?B?VW5kZWxpdmVyYWJsZTogaGk=?=");
	ck_assert_int_eq(engine_eoh(eng), ENGINE_MORE);
}
END_TEST

START_TEST(test_classes)
{
	const bt_result *r = sample("arf.eml", NULL);

	ck_assert_int_eq(r->cls, BT_CLASS_COMPLAINT);
	ck_assert_str_eq(r->format, "arf");
	ck_assert_str_eq(r->feedback_type, "abuse");
	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].recipient, "heidi@isp.example");
	ck_assert_str_eq(r->rcpt[0].reason, "feedback");
	r = sample("autoreply.eml", NULL);
	ck_assert_int_eq(r->cls, BT_CLASS_AUTOREPLY);
	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].recipient, "ivan@example.net");
	ck_assert_str_eq(r->rcpt[0].reason, "vacation");
	r = sample("delayed.eml", NULL);
	ck_assert_int_eq(r->cls, BT_CLASS_DELAYED);
	ck_assert_str_eq(r->rcpt[0].recipient, "judy@example.com");
	ck_assert_str_eq(r->rcpt[0].action, "delayed");
	ck_assert_str_eq(r->rcpt[0].diagnostic,
		"connect to mx.example.com[198.51.100.9]:25: Connection timed out");
	r = sample("delivered.eml", NULL);
	ck_assert_int_eq(r->cls, BT_CLASS_DELIVERED);
	ck_assert_str_eq(r->rcpt[0].reason, "delivered");
	ck_assert_str_eq(r->rcpt[0].recipient, "ken@example.com");
}
END_TEST

static const bt_result *
text_message(const char *sender, const char *from, const char *subject,
	     const char *extra_name, const char *extra_value, const char *body)
{
	engine_reset(eng);
	engine_envfrom(eng, sender);
	engine_header(eng, "From", from);
	engine_header(eng, "Subject", subject);
	if (extra_name != NULL)
		engine_header(eng, extra_name, extra_value);
	engine_header(eng, "Content-Type", "text/plain; charset=utf-8");
	if (engine_eoh(eng) == ENGINE_MORE)
		engine_body(eng, body, strlen(body));
	return engine_eom(eng);
}

/* What makes an auto-reply, and what does not. */
START_TEST(test_autoreply_rules)
{
	const char *away = "I am away until Monday.\n";
	const bt_result *r;

	r = text_message(NULL, "Uma <uma@example.com>", "Out of Office: budget",
			 NULL, NULL, away);
	ck_assert_int_eq(r->cls, BT_CLASS_AUTOREPLY);
	ck_assert_str_eq(r->rcpt[0].recipient, "uma@example.com");
	r = text_message("<>", "uma@example.com", "On vacation until May",
			 NULL, NULL, away);
	ck_assert_int_eq(r->cls, BT_CLASS_AUTOREPLY);
	r = text_message("uma@example.com", "uma@example.com", "hello",
			 "Auto-Submitted", "auto-replied", away);
	ck_assert_int_eq(r->cls, BT_CLASS_AUTOREPLY);
	/* a subject that merely mentions a vacation */
	r = text_message(NULL, "uma@example.com", "Vacation photos", NULL, NULL,
			 "Here are the photos.\n");
	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
	/* a human reply about an absence */
	r = text_message(NULL, "uma@example.com", "Re: Out of office next week?",
			 "In-Reply-To", "<x@example.com>", "Yes, I will be away.\n");
	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
	/* auto-generated notices are not auto-replies */
	r = text_message("<>", "cal@example.com", "Invitation: kickoff",
			 "Auto-Submitted", "auto-generated", "Join us.\n");
	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
	/* a bounce marked auto-replied (as Exim does) stays a bounce */
	r = text_message("<>", "Mail Delivery System <Mailer-Daemon@mx.example.net>",
			 "Mail delivery failed: returning message to sender",
			 "X-Failed-Recipients", "vera@example.com",
			 "A message that you sent could not be delivered.\n");
	ck_assert_int_lt(r->cls, BT_CLASS_DELAYED);
	ck_assert_str_eq(r->rcpt[0].recipient, "vera@example.com");
}
END_TEST

/* The milter-style calls with a folded header value. */
START_TEST(test_milter_calls)
{
	const char *body =
		"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
		"Reporting-MTA: dns; mx.example.net\r\n\r\n"
		"Final-Recipient: rfc822; x@example.com\r\nAction: failed\r\n"
		"Status: 5.1.1\r\n\r\n"
		"--b\r\nContent-Type: message/rfc822\r\n\r\n"
		"Message-ID: <m1@example.org>\r\n\r\nbody\r\n--b--\r\n";
	const bt_result *r;
	size_t i, len = strlen(body);
	int rc = ENGINE_MORE;

	engine_reset(eng);
	engine_envfrom(eng, "<>");
	engine_header(eng, "Content-Type",
		      "multipart/report; report-type=delivery-status;\n\tboundary=\"b\"");
	ck_assert_int_eq(engine_eoh(eng), ENGINE_MORE);
	for (i = 0; i < len && rc == ENGINE_MORE; i += 3)
		rc = engine_body(eng, body + i, len - i < 3 ? len - i : 3);
	ck_assert_int_eq(rc, ENGINE_ENOUGH);	/* DSN and returned headers read */
	ck_assert_uint_lt(i, len);
	r = engine_eom(eng);
	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].recipient, "x@example.com");
	ck_assert_int_eq(r->cls, BT_CLASS_HARD);
	ck_assert_str_eq(r->original_message_id, "<m1@example.org>");
}
END_TEST

/* Real-world breakage: a boundary that differs from the declared one, a
 * report without any boundary line, a report inside a gateway's returned
 * message; and a human forwarding a report is no bounce. */
START_TEST(test_broken_reports)
{
	const bt_result *r = sample("boundary-mismatch.eml", NULL);

	ck_assert_int_eq(r->cls, BT_CLASS_HARD);
	ck_assert_str_eq(r->format, "rfc3464");
	ck_assert_str_eq(r->rcpt[0].recipient, "lee@example.com");
	ck_assert_str_eq(r->original_message_id, "<hi-1@example.org>");
	r = sample("report-no-parts.eml", NULL);
	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].recipient, "mike@old.example.edu");
	ck_assert_str_eq(r->rcpt[0].status, "5.5.0");
	ck_assert_str_eq(r->reporting_mta, "old.example.edu");
	ck_assert_int_ne(r->cls, BT_CLASS_NONE);
	r = sample("gateway-report.eml", NULL);
	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_str_eq(r->rcpt[0].recipient, "oscar@example.org");
	ck_assert_int_eq(r->cls, BT_CLASS_HARD);
	ck_assert_str_eq(r->original_message_id, "<orig-7@example.jp>");
	ck_assert_str_eq(r->original_subject, "the original");
	r = sample("fwd-human.eml", NULL);
	ck_assert_int_eq(r->cls, BT_CLASS_NONE);
	ck_assert_uint_eq(r->nrcpt, 0);
}
END_TEST

/* The text handed to the scanner: html tags dropped, entities decoded,
 * plain text preferred to html, the same at every split. */
START_TEST(test_text_collected)
{
	const char *html =
		"From: postmaster@mx.example.net\n"
		"Subject: Undeliverable: hi\n"
		"Content-Type: multipart/alternative; boundary=a\n\n"
		"--a\nContent-Type: text/html\n\n"
		"<html><body><p>Delivery to &lt;ann@example.com&gt; failed&#64;"
		"<br>550&nbsp;5.1.1 &amp;&bogus; x&</p></body></html>\n"
		"--a--\n";
	const char *want = "Delivery to <ann@example.com> failed@\n"
			   "550 5.1.1 &&bogus; x&\n\n\n";
	const char *both =
		"From: postmaster@mx.example.net\n"
		"Subject: Undeliverable: hi\n"
		"Content-Type: multipart/alternative; boundary=a\n\n"
		"--a\nContent-Type: text/html\n\n<p>html words</p>\n"
		"--a\nContent-Type: text/plain\n\nplain words\n"
		"--a--\n";
	size_t i, len = strlen(html);

	for (i = 1; i < len; i++) {
		free(run_split(html, len, i));
		eng->text[eng->tlen] = '\0';
		ck_assert_msg(strcmp(eng->text, want) == 0, "split %zu: [%s]", i,
			      eng->text);
	}
	rawfeed_message(rf, NULL, both, strlen(both), 0);
	eng->text[eng->tlen] = '\0';
	ck_assert_str_eq(eng->text, "plain words\n\n");
}
END_TEST

/* The html sink (text runs 16 bytes at a time with SSE2) against a byte
 * by byte reading of the same rules, on random bodies of the bytes that
 * matter ('<', '>', '&', ';', '#', CR, NUL, letters of <br>, <p>, ...). */
struct ref_html {
	char text[4096];
	size_t tlen;
	int in_tag;
	char ent[10];
	size_t entlen;
};

static void
ref_put(struct ref_html *h, char c)
{
	if (c == '\r' || h->tlen >= sizeof(h->text))
		return;
	h->text[h->tlen++] = c == '\0' ? ' ' : c;
}

static void
ref_flush(struct ref_html *h)
{
	size_t i;

	for (i = 0; i < h->entlen; i++)
		ref_put(h, h->ent[i]);
	h->entlen = 0;
}

static void
ref_char(struct ref_html *h, char c)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&nbsp;", ' ' }, { "&#64;", '@' },
		{ "&apos;", '\'' }, { "&#39;", '\'' },
	};
	size_t i;

	if (h->in_tag == 2) {
		h->in_tag = 1;
		if (strchr("bBpPdDtT/", c) != NULL && h->tlen > 0 &&
		    h->text[h->tlen - 1] != '\n')
			ref_put(h, '\n');
	}
	if (h->in_tag) {
		if (c == '>')
			h->in_tag = 0;
		return;
	}
	if (h->entlen > 0) {
		if (c == ';') {
			h->ent[h->entlen++] = c;
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (strlen(ents[i].name) == h->entlen &&
				    strncasecmp(ents[i].name, h->ent, h->entlen) == 0) {
					ref_put(h, ents[i].c);
					h->entlen = 0;
					return;
				}
			ref_flush(h);
			return;
		}
		if ((isalnum((unsigned char)c) || c == '#') &&
		    h->entlen + 2 < sizeof(h->ent)) {
			h->ent[h->entlen++] = c;
			return;
		}
		ref_flush(h);
	}
	if (c == '<')
		h->in_tag = 2;
	else if (c == '&')
		h->ent[h->entlen++] = c;
	else
		ref_put(h, c);
}

START_TEST(test_html_sink_random)
{
	static const char head[] =
		"From: postmaster@mx.example.net\n"
		"Subject: Undeliverable: hi\n"
		"Content-Type: multipart/alternative; boundary=a\n\n"
		"--a\nContent-Type: text/html\n\n";
	static const char bytes[] = "<>&;#\r\n\0bpdtBP/ltgamp6439 aeiouxyzLMNQRS";
	static struct ref_html h;
	char msg[1200];
	unsigned seed = 99, round;

	for (round = 0; round < 3000; round++) {
		size_t len = sizeof(head) - 1, body, i;
		unsigned sparse = 1 + round % 6;

		memcpy(msg, head, len);
		seed = seed * 1103515245u + 12345u;
		body = (seed >> 8) % 900;
		for (i = 0; i < body; i++) {
			char c;

			seed = seed * 1103515245u + 12345u;
			c = (seed >> 16) % (sparse * 10) < 8 ? bytes[(seed >> 8) % 8] :
			    bytes[8 + (seed >> 20) % (sizeof(bytes) - 9)];
			if (c == '-' || (c == '\n' && len > 0 && msg[len - 1] == '\r'))
				c = 'x';	/* no boundaries, no CR LF */
			msg[len++] = c;
		}
		memcpy(msg + len, "\n--a--\n", 8);
		len += 8;
		memset(&h, 0, sizeof(h));
		for (i = sizeof(head) - 1; i < len - 7; i++)	/* the body and its LF */
			ref_char(&h, msg[i]);
		ref_flush(&h);		/* engine_end(): flush, then a LF */
		ref_char(&h, '\n');
		rawfeed_message(rf, NULL, msg, len, 0);
		ck_assert_uint_eq(eng->tlen, h.tlen);
		ck_assert_msg(memcmp(eng->text, h.text, h.tlen) == 0,
			      "round %u", round);
	}
}
END_TEST

/* Recipients from X-Failed-Recipients (folded) when the text has none. */
START_TEST(test_xfailed)
{
	const bt_result *r = sample("xfailed.eml", NULL);
	size_t i;
	int rita = 0, sam = 0;

	ck_assert_int_ne(r->cls, BT_CLASS_NONE);
	ck_assert_uint_ge(r->nrcpt, 2);
	for (i = 0; i < r->nrcpt; i++) {
		ck_assert_ptr_nonnull(r->rcpt[i].recipient);
		rita |= strcmp(r->rcpt[i].recipient, "rita@example.com") == 0;
		sam |= strcmp(r->rcpt[i].recipient, "sam@example.com") == 0;
	}
	ck_assert(rita && sam);
}
END_TEST

/* The header store: unfolded values, first field wins, a few Received,
 * room kept for vital fields after many others. */
START_TEST(test_header_store)
{
	char name[32];
	int i;

	engine_reset(eng);
	engine_header(eng, "Subject", "one\n\ttwo");
	engine_header(eng, "subject", "second");
	for (i = 0; i < 10; i++)
		engine_header(eng, "Received", i == 0 ? "from first" : "from later");
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "X-Noise-%d", i);
		engine_header(eng, name, "noise");
	}
	engine_header(eng, "X-Failed-Recipients", "tom@example.com");
	engine_header(eng, "DKIM-Signature", "v=1; a=rsa-sha256");
	ck_assert_str_eq(engine_lookup(eng, "SUBJECT"), "one\ttwo");
	/* fields no one looks up take their room but are not stored */
	ck_assert_ptr_null(engine_lookup(eng, "received"));
	ck_assert_ptr_null(engine_lookup(eng, "x-noise-0"));
	ck_assert_str_eq(engine_lookup(eng, "x-failed-recipients"), "tom@example.com");
	ck_assert_ptr_null(engine_lookup(eng, "dkim-signature"));
	ck_assert_ptr_null(engine_lookup(eng, "no-such-field"));
	ck_assert_int_eq(engine_eoh(eng), ENGINE_MORE);
}
END_TEST

/* Fields not stored still take the room they took when they were: a
 * vital field late in a full store is cut where it always was. */
#define ENGINE_TO_LEN	1983	/* what the store gave when it held every field */

START_TEST(test_header_room)
{
	static char big[3001];
	char name[32];
	int i;

	memset(big, 'v', sizeof(big) - 1);
	big[1100] = '\n';		/* folded, and white at the end */
	big[1101] = ' ';
	big[2998] = ' ';
	big[2999] = '\t';
	engine_reset(eng);
	for (i = 0; i < 11; i++) {
		snprintf(name, sizeof(name), "X-Long-%d", i);
		engine_header(eng, name, big + 1800);
	}
	engine_header(eng, "Received", "from late");
	engine_header(eng, "Date", big);
	engine_header(eng, "To", big + 1000);
	ck_assert_uint_eq(strlen(engine_lookup(eng, "to")), ENGINE_TO_LEN);
}
END_TEST

/* From and Subject as the result keeps them: unfolded, cut at 1024 bytes,
 * white space at the cut dropped, whether the store kept the value with
 * room to spare (taken from there) or not (unfolded again). */
static size_t
ref_unfold(const char *v, char *out, size_t cap)
{
	size_t n = 0;

	for (; *v != '\0' && n < cap; v++)
		if (*v != '\r' && *v != '\n')
			out[n++] = *v;
	while (n > 0 && (out[n - 1] == ' ' ||
	    (out[n - 1] >= '\t' && out[n - 1] <= '\r')))
		n--;
	out[n] = '\0';
	return n;
}

START_TEST(test_from_subject_cut)
{
	static char big[1601], want[1100], filler[2001];
	int k, full, i;

	memset(filler, 'f', sizeof(filler) - 1);
	for (full = 0; full < 2; full++) {
		for (k = 1012; k < 1034; k++) {
			memset(big, 'a', sizeof(big) - 1);
			big[400] = '\n';	/* folded */
			big[401] = '\t';
			memset(big + k, ' ', 6);
			big[k + 3] = '\t';
			engine_reset(eng);
			/* full: the store has less than 1024 bytes of room left */
			for (i = 0; full && i < 8; i++)
				engine_header(eng, "Delivered-To", filler);
			engine_header(eng, "Subject", big);
			engine_header(eng, "From", big + 1);
			ref_unfold(big, want, 1024);
			ck_assert_str_eq(eng->r.subject, want);
			ref_unfold(big + 1, want, 1024);
			ck_assert_str_eq(eng->r.from, want);
		}
	}
}
END_TEST

START_TEST(test_caps)
{
	bt_caps caps;
	engine *e;
	rawfeed *f;
	size_t len;
	char *msg = load("dsn-two.eml", &len);
	const bt_result *r;

	engine_caps_default(&caps);
	caps.max_bytes = 200;
	e = engine_new(&caps, NULL);
	f = rawfeed_new(e);
	r = rawfeed_message(f, NULL, msg, len, 64);
	ck_assert(r->caps_hit & BT_CAP_BYTES);
	rawfeed_free(f);
	engine_free(e);

	engine_caps_default(&caps);
	caps.max_recipients = 1;
	caps.max_field = 12;
	e = engine_new(&caps, NULL);
	f = rawfeed_new(e);
	r = rawfeed_message(f, NULL, msg, len, 0);
	ck_assert(r->caps_hit & BT_CAP_RCPTS);
	ck_assert(r->caps_hit & BT_CAP_FIELD);
	ck_assert_uint_eq(r->nrcpt, 1);
	ck_assert_uint_le(strlen(r->rcpt[0].diagnostic), 12);
	rawfeed_free(f);
	engine_free(e);
	free(msg);

	/* a header line longer than max_header, folded or not */
	engine_caps_default(&caps);
	caps.max_header = 100;
	e = engine_new(&caps, NULL);
	f = rawfeed_new(e);
	msg = malloc(4096);
	strcpy(msg, "Subject: ");
	memset(msg + 9, 'a', 1000);
	strcpy(msg + 1009, "\nFrom: MAILER-DAEMON\n\nbody\n");
	r = rawfeed_message(f, NULL, msg, strlen(msg), 0);
	ck_assert(r->caps_hit & BT_CAP_HEADER);
	ck_assert_uint_le(strlen(r->subject), 100);
	ck_assert_str_eq(r->from, "MAILER-DAEMON");
	strcpy(msg, "Subject: a\n");
	for (len = 0; len < 40; len++)
		strcat(msg, "\tfolded folded folded\n");
	strcat(msg, "\nbody\n");
	r = rawfeed_message(f, NULL, msg, strlen(msg), 5);
	ck_assert(r->caps_hit & BT_CAP_HEADER);
	rawfeed_free(f);
	engine_free(e);
	free(msg);
}
END_TEST

/* Header blocks made at random (blanks, CR, NUL, '=' lines, folding, long
 * fields, fields cut at 32-byte blocks, CR LF, names of bytes at the edges
 * of the name bytes): read whole, where rawfeed reads most fields in place
 * with vector scans of their names and for their ends (plain, SSE2 and
 * AVX2 in turn), they give what 1-byte chunks give, where every line goes
 * through the line buffer. */
static unsigned long rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(rnd_state >> 33) % n;
}

START_TEST(test_header_inplace)
{
	static const char *const names[] = {
		"From", "Subject", "To", "X-Failed-Recipients", "Received",
		"X-Auto-Reply-Note", "Content-Type", "X-Mailer", "Precedence",
		"Auto-Submitted", "X-SES-Outgoing", "Return-Path",
		"DKIM-Signature", "X-Whatever", "Date", "Message-ID",
		"Content-Transfer-Encoding", "X-Autoreply", "X-Apple-Unsubscribe",
	};
	static const char namebytes[] = "aAzZoOpP09-_*/:@[`{.+,=\x7f\x80\xff \t;";
	static const char vals[] = "abcMAILER-daemon postmaster <>=;:\"x \t"
				    "Undelivered Mail Returned delivery failed out of office";
	size_t cap = 40000, len, k, f, i, nf;
	char *msg = malloc(cap);
	int round, cpu;

	ck_assert_ptr_nonnull(msg);
	/* each of the codes that find a field's end, as far as the CPU goes */
	cpu = rawfeed_simd_force(-1);
	ck_assert_int_eq(rawfeed_simd_force(_i), _i < cpu ? _i : cpu);
	for (round = 0; round < 400; round++) {
		char *a, *b;
		const char *la, *lb;

		int crlf = rnd(4) == 0;	/* lines end with CR LF */

		len = 0;
		nf = 1 + rnd(20);
		for (f = 0; f < nf && len < cap - 30000; f++) {
			size_t lines = rnd(4) == 0 ? 1 + rnd(5) : 1;
			const char *nm = names[rnd(sizeof(names) / sizeof(names[0]))];

			if (rnd(6) == 0) {
				/* a name of bytes at the edges of the name
				 * bytes' ranges (the vector tests of a name) */
				size_t nl = 1 + rnd(24);

				for (k = 0; k < nl; k++)
					msg[len++] = namebytes[rnd(sizeof(namebytes) - 1)];
				nm = "";
			}
			len += (size_t)sprintf(msg + len, "%s%s", nm,
					       rnd(10) == 0 ? " :" : ":");
			for (k = 0; k < lines; k++) {
				size_t n = rnd(8) == 0 ? rnd(3000) : rnd(70);

				if (rnd(60) == 0)
					n = 16300 + rnd(200);	/* about max_header */
				if (k > 0) {
					int kind = rnd(12);

					msg[len++] = kind == 0 ? 'p' : kind == 1 ? '\t' : ' ';
					if (kind == 0)
						msg[len++] = '=';	/* "p=..." line */
				}
				for (i = 0; i < n; i++) {
					unsigned c = rnd(400);

					msg[len++] = c == 0 ? '\0' : c == 1 ? '\r' :
						     vals[rnd(sizeof(vals) - 1)];
				}
				if (crlf || rnd(30) == 0)
					msg[len++] = '\r';
				msg[len++] = '\n';
			}
		}
		len += (size_t)sprintf(msg + len, "%s", rnd(3) ? "\nbody text\n" : "no header line\n");
		a = dump(rawfeed_message(rf, NULL, msg, len, 0));
		la = engine_lookup(eng, "To");
		la = la != NULL ? strdup(la) : NULL;
		b = dump(rawfeed_message(rf, NULL, msg, len, 1));
		lb = engine_lookup(eng, "To");
		ck_assert_msg(strcmp(a, b) == 0, "round %d:\n%s\nvs\n%s", round, a, b);
		ck_assert_str_eq(S(la), S(lb));
		free((void *)la);
		free(a);
		free(b);
	}
	rawfeed_simd_force(-1);
	free(msg);
}
END_TEST

/* The span of a line's name bytes as rawfeed finds it (by 16-byte vector
 * tests, SSE2 or AVX2's byte shuffles, 32 bytes first with AVX2, and the
 * plain loop past them), against mime_param_span(): every byte value at
 * every place of the first 36, in names of every length up to 40 (an
 * exact-size copy each). */
START_TEST(test_name_span)
{
	static const char fill[] = "aZ09-_*zA";
	char line[41];
	size_t n, p, k;
	unsigned b;
	int cpu = rawfeed_simd_force(-1);

	ck_assert_int_eq(rawfeed_simd_force(_i), _i < cpu ? _i : cpu);
	for (n = 0; n <= 40; n++)
		for (p = 0; p < 36 && p <= n; p++)
			for (b = 0; b < 256; b++) {
				char *s = malloc(n + 1);

				ck_assert_ptr_nonnull(s);
				for (k = 0; k < n; k++)
					line[k] = fill[(k + b) % (sizeof(fill) - 1)];
				if (p < n)
					line[p] = (char)b;
				memcpy(s, line, n);
				ck_assert_msg(rawfeed_name_span(s, n) ==
					      mime_param_span(s, n),
					      "level %d, byte %u at %zu of %zu", _i,
					      b, p, n);
				free(s);
			}
	rawfeed_simd_force(-1);
}
END_TEST

/* A Content-Type's signal as detect.c read it before it read only what
 * the signal needs: mime_type(), then mime_param() for a report. */
static unsigned
ref_content_type(const char *value)
{
	char type[MIME_TYPE_MAX], rt[MIME_PARAM_MAX];

	mime_type(value, type, sizeof(type));
	if (strcmp(type, "multipart/report") == 0) {
		mime_param(value, "report-type", rt, sizeof(rt));
		if (strcasecmp(rt, "delivery-status") == 0 ||
		    strcasecmp(rt, "global-delivery-status") == 0)
			return DETECT_REPORT_DSN;
		if (strcasecmp(rt, "feedback-report") == 0)
			return DETECT_REPORT_ARF;
		if (strcasecmp(rt, "disposition-notification") == 0 ||
		    strcasecmp(rt, "tlsrpt") == 0)
			return DETECT_NOT_BOUNCE;
		return DETECT_REPORT;
	}
	if (strncmp(type, "multipart/", 10) == 0)
		return DETECT_MULTIPART;
	if (strncmp(type, "text/", 5) == 0)
		return DETECT_TEXT;
	return 0;
}

/* detect_header() of Content-Type values built at random of the pieces
 * that matter against ref_content_type(). */
START_TEST(test_detect_content_type)
{
	static const char *const types[] = {
		"multipart/report", "Multipart/Mixed", "MULTIPART/REPORT",
		"multipart/Report", "text/plain", "TEXT/", "text", "multipart/",
		"multipart", "multipart/reportx", "multipart/repor", "x", "/",
		"", " multipart/report", "\n\tmultipart/report", "\vmultipart/report",
		"application/pdf", "message/rfc822", "html", "Text/HTML",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/y",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/y",
	};
	static const char *const seps[] = {
		";", "; ", ";\t", ";\r\n ", " ", "", ";;", "\n\t;", " ; ", "\v", "\f;",
	};
	static const char *const names[] = {
		"report-type", "Report-Type", "REPORT-TYPE", "report-typ",
		"report-typex", "boundary", "r", "",
	};
	static const char *const eqs[] = { "=", " = ", "\t=", "", " ", "==", "=\n " };
	static const char *const values[] = {
		"delivery-status", "Delivery-Status", "global-delivery-status",
		"feedback-report", "FEEDBACK-REPORT", "disposition-notification",
		"tlsrpt", "TLSRPT", "tlsrpt2", "delivery-statu", "\"delivery-status\"",
		"\"tlsrpt", "\"a;b\"", "\"a\\\"b\"", "abc", "", "x y", "a;b",
		"delivery-status\r", "delivery-status\v",
		("0123456789012345678901234567890123456789012345678901234567890123"
		 "4567890123456789012345678901234567890123456789"),
	};
	static const randct_words words = RANDCT_WORDS(types, seps, names, eqs, values);
	char ct[1100];
	unsigned seed = 4242, round;

	for (round = 0; round < 60000; round++) {
		size_t len, np;

		seed = seed * 1103515245u + 12345u;
		np = (seed >> 16) % 4;
		len = randct_fill(ct, &words, np, &seed);
		ck_assert_msg(detect_header("Content-Type", ct) == ref_content_type(ct),
			      "Content-Type: \"%s\"", ct);
		{	/* what engine.c asks of a returned message's */
			char type[MIME_TYPE_MAX], rt[MIME_PARAM_MAX];
			int ds = 0;

			mime_type(ct, type, sizeof(type));
			if (strcmp(type, "multipart/report") == 0) {
				mime_param(ct, "report-type", rt, sizeof(rt));
				ds = strcasecmp(rt, "delivery-status") == 0;
			}
			ck_assert_int_eq(detect_dsn_report(ct, len), ds);
		}
		/* by its length too (engine_header_nl()'s way) */
		ck_assert_uint_eq(detect_field_nl(FN_CONTENT_TYPE, "Content-Type",
						  ct, len, (size_t)-1),
				  ref_content_type(ct));
	}
}
END_TEST

/* A sender (Return-Path, envelope) with "mailer-daemon" in any case at
 * any place: null, but past the first 511 bytes (detect.c's cut). */
START_TEST(test_detect_sender)
{
	static const char *const words[] = {
		"mailer-daemon", "MAILER-DAEMON", "Mailer-Daemon", "mAILER-dAEMON",
		"mailer-daemo", "mailer_daemon", "nailer-daemon",
	};
	char v[600], f[700];
	size_t w, at, n;

	for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		for (at = 0; at < 520; at += at < 40 ? 1 : 37) {
			size_t k = strlen(words[w]);
			unsigned want;

			memset(v, 'x', at);
			memcpy(v + at, words[w], k);
			n = at + k;
			v[n] = '\0';
			want = w < 4 && n <= 511 ? DETECT_NULL_SENDER :
			       DETECT_SENDER_KNOWN;
			ck_assert_uint_eq(detect_sender(v), want);
			ck_assert_uint_eq(detect_field_nl(FN_RETURN_PATH,
							  "Return-Path", v, n,
							  (size_t)-1), want);
			snprintf(f, sizeof(f), "<%s>", v);
			ck_assert_uint_eq(detect_header("Return-Path", f),
					  w < 4 && n + 1 <= 511 ?
					  DETECT_NULL_SENDER : DETECT_SENDER_KNOWN);
		}
	ck_assert_uint_eq(detect_sender("<>"), DETECT_NULL_SENDER);
	ck_assert_uint_eq(detect_sender(" "), DETECT_NULL_SENDER);
	ck_assert_uint_eq(detect_sender("a@b"), DETECT_SENDER_KNOWN);
}
END_TEST

/* The word tables of detect.c move a window along the value, by more than
 * a byte where no word can start: words at every offset of a filler that
 * holds none (digits), in any case, are still found. */
START_TEST(test_detect_words)
{
	static const struct { const char *name, *word; unsigned sig; } t[] = {
		{ "Subject", "undelivered", DETECT_SUBJECT },
		{ "Subject", "Mail Delivery Failed", DETECT_SUBJECT },
		{ "Subject", "delivery status notification (failure)", DETECT_SUBJECT },
		{ "Subject", "NON RECAPITABILE", DETECT_SUBJECT },
		{ "Subject", "\xe4\xb8\x8d\xe9\x81\x94", DETECT_SUBJECT },
		{ "Subject", "spam complaint", DETECT_COMPLAINT },
		{ "Subject", "Report-ID: 1", DETECT_NOT_BOUNCE },
		{ "Subject", "I am away until", DETECT_AUTOREPLY_WEAK },
		{ "From", "MAILER-DAEMON", DETECT_FROM_DAEMON },
		{ "From", "<>", DETECT_FROM_DAEMON },
		{ "From", "fbl", DETECT_FROM_DAEMON },
		{ "From", "Mail.Delivery.System", DETECT_FROM_DAEMON },
		{ "From", "complaints@", DETECT_FROM_DAEMON },
		{ "X-Mailer", "eZmlm", DETECT_BOUNCE_MAILER },
		{ "X-Mailer", "Mail Delivery", DETECT_BOUNCE_MAILER },
		{ "X-Mailer", "qmail-send", DETECT_BOUNCE_MAILER },
	};
	char v[200];
	size_t i, a, b, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (a = 0; a < 40; a++)
			for (b = 0; b < 12; b += 5) {
				for (k = 0; k < a; k++)
					v[k] = (char)('0' + (k * 7 + b) % 10);
				strcpy(v + a, t[i].word);
				for (k = strlen(v); k < a + strlen(t[i].word) + b; k++)
					v[k] = '1';
				v[k] = '\0';
				ck_assert_msg(detect_header(t[i].name, v) & t[i].sig,
					      "%s: %s", t[i].name, v);
				memset(v + a, '2', strlen(t[i].word));	/* no word */
				ck_assert_msg(!(detect_header(t[i].name, v) & t[i].sig),
					      "%s: %s", t[i].name, v);
			}
	/* the bounce words and the others are in two tables: both read,
	 * whichever comes first */
	k = DETECT_SUBJECT | DETECT_COMPLAINT | DETECT_AUTOREPLY_WEAK;
	ck_assert_uint_eq(detect_header("Subject",
	    "Undelivered Mail: spam complaint, I am away until") & k, k);
	ck_assert_uint_eq(detect_header("Subject",
	    "I am away until: spam complaint, Undelivered Mail") & k, k);
}
END_TEST

/* detect_field_nl() says nothing of a To or a Content-Transfer-Encoding
 * without asking detect_field(), which says nothing either: whatever the
 * value, the words of every other field included. */
START_TEST(test_detect_silent_ids)
{
	static const char *const v[] = {
		"", "<>", "MAILER-DAEMON@example.org", "postmaster",
		"Undelivered Mail Returned to Sender",
		("multipart/report; report-type=delivery-status"),
		"auto-replied", "auto_reply",
		"true", "=?utf-8?q?Undelivered?=", "base64", "quoted-printable",
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_uint_eq(detect_header("To", v[i]), 0);
		ck_assert_uint_eq(detect_header("Content-Transfer-Encoding",
						v[i]), 0);
		ck_assert_uint_eq(detect_field_nl(FN_TO, "To", v[i],
						  strlen(v[i]), 0), 0);
		ck_assert_uint_eq(detect_field_nl(FN_CONTENT_TRANSFER_ENCODING,
						  "Content-Transfer-Encoding",
						  v[i], strlen(v[i]), 0), 0);
	}
}
END_TEST

START_TEST(test_mbox_from_line)
{
	size_t len;
	char *msg = load("dsn-two.eml", &len), *mb = malloc(len + 64);
	char *a, *b;

	strcpy(mb, "From MAILER-DAEMON Mon Mar  3 10:00:02 2025\n");
	memcpy(mb + strlen(mb), msg, len + 1);
	a = dump(rawfeed_message(rf, NULL, msg, len, 0));
	b = dump(rawfeed_message(rf, NULL, mb, strlen(mb), 0));
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	free(mb);
	free(msg);
}
END_TEST

START_TEST(test_result_helpers)
{
	bt_result r;
	bt_class c;
	char buf[64];
	bt_rcpt *p;

	ck_assert_str_eq(result_class_name(BT_CLASS_HARD), "hard");
	ck_assert_str_eq(result_class_name(BT_CLASS_AUTOREPLY), "auto-reply");
	ck_assert_str_eq(result_class_name(BT_CLASS_NONE), "none");
	ck_assert_int_eq(result_class_parse("complaint", &c), 0);
	ck_assert_int_eq(c, BT_CLASS_COMPLAINT);
	ck_assert_int_eq(result_class_parse("bogus", &c), -1);
	ck_assert_str_eq(result_caps_string(BT_CAP_BYTES | BT_CAP_LINE, buf,
					    sizeof(buf)), "bytes,line");
	ck_assert_str_eq(result_caps_string(0, buf, sizeof(buf)), "");
	result_init(&r);
	ck_assert_int_eq(r.cls, BT_CLASS_NONE);
	p = result_add_rcpt(&r, 3);
	p->cls = BT_CLASS_SOFT;
	p = result_add_rcpt(&r, 3);
	p->cls = BT_CLASS_HARD;
	p = result_add_rcpt(&r, 3);
	p->cls = BT_CLASS_HARD;
	ck_assert_ptr_null(result_add_rcpt(&r, 3));
	ck_assert(r.caps_hit & BT_CAP_RCPTS);
	result_pick_top(&r);
	ck_assert_uint_eq(r.top, 1);		/* first of the hard ones */
	ck_assert_int_eq(r.cls, BT_CLASS_HARD);
	ck_assert_int_eq(result_set(&r, &r.from, "abcdef", 6, 3), 0);
	ck_assert_str_eq(r.from, "abc");
	ck_assert(r.caps_hit & BT_CAP_FIELD);
	result_set(&r, &r.rcpt[2].recipient, "x@example.com", 13, 0);
	result_truncate(&r, 1);
	ck_assert_uint_eq(r.nrcpt, 1);
	ck_assert_uint_eq(r.top, 0);
	result_clear(&r);
	ck_assert_uint_eq(r.nrcpt, 0);
	ck_assert_ptr_null(r.from);
}
END_TEST

/* Strings in the result's arena: each copy stays whole while others are
 * added (across blocks, big ones too), a field set again from part of its
 * own string is right, a field built up line by line is rewritten in
 * place (the arena does not grow with each line), and a reset keeps the
 * result usable with nothing of the last message left. */
START_TEST(test_result_arena)
{
	bt_result r;
	bt_rcpt *p;
	char big[9000], want[64];
	size_t i, used;
	int round;

	memset(big, 'b', sizeof(big));
	result_init(&r);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 40; i++) {
			p = result_add_rcpt(&r, 100);
			ck_assert_ptr_nonnull(p);
			snprintf(want, sizeof(want), "user%zu-%d@example.org", i, round);
			ck_assert_int_eq(result_set(&r, &p->recipient, want, strlen(want), 0), 0);
			ck_assert_int_eq(result_set(&r, &p->diagnostic, big, i * 200, 0), 0);
		}
		ck_assert_int_eq(result_set(&r, &r.subject, big, sizeof(big), 0), 0);
		for (i = 0; i < 40; i++) {
			snprintf(want, sizeof(want), "user%zu-%d@example.org", i, round);
			ck_assert_str_eq(r.rcpt[i].recipient, want);
			ck_assert_uint_eq(strlen(r.rcpt[i].diagnostic), i * 200);
		}
		ck_assert_uint_eq(strlen(r.subject), sizeof(big));
		/* set again from a part of itself */
		result_set(&r, &r.rcpt[3].recipient, r.rcpt[3].recipient + 5,
			   strlen(r.rcpt[3].recipient) - 5, 0);
		snprintf(want, sizeof(want), "-%d@example.org", round);
		ck_assert_str_eq(r.rcpt[3].recipient, want);
		/* a value built up: the same bytes whatever its length */
		result_set(&r, &r.from, "a", 1, 0);
		used = result_arena_used(&r);
		for (i = 2; i <= 1000; i++) {
			ck_assert_int_eq(result_set(&r, &r.from, big, i, 0), 0);
			ck_assert_uint_eq(strlen(r.from), i);
		}
		ck_assert_uint_eq(result_arena_used(&r), used + 999);
		result_reset(&r);
		ck_assert_uint_eq(r.nrcpt, 0);
		ck_assert_ptr_null(r.from);
		ck_assert_ptr_null(r.subject);
		ck_assert_int_eq(r.cls, BT_CLASS_NONE);
		ck_assert_uint_eq(r.caps_hit, 0);
	}
	result_clear(&r);
	ck_assert_ptr_null(r.arena);
	ck_assert_ptr_null(r.rcpt);
}
END_TEST

/* fieldname_id() says what strcasecmp() against each known name says, for
 * names in any case, near misses and bytes that fold to letters elsewhere. */
/* engine_text_copy() at each level against the plain rule: the bytes up to
 * the first CR or NUL copied, their number returned; random bytes with a
 * CR or a NUL now and then, every length up to 300 and at every offset. */
START_TEST(test_text_copy)
{
	char buf[320], out[320];
	unsigned seed = 777, round;

	for (round = 0; round < 4000; round++) {
		size_t len = round % 301, off = (round / 301) % 8, i, want, got;
		unsigned sparse = 1 + round % 97;
		int level;

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[off + i] = (seed >> 16) % (sparse * 4) == 0 ?
				       ((seed >> 8) & 1 ? '\r' : '\0') :
				       (char)('a' + (seed >> 20) % 26);
		}
		for (want = 0; want < len && buf[off + want] != '\r' &&
		     buf[off + want] != '\0'; want++)
			;
		for (level = 2; level >= 0; level--) {
			engine_text_force(level);
			memset(out, '#', sizeof(out));
			got = engine_text_copy(out, buf + off, len);
			ck_assert_uint_eq(got, want);
			ck_assert(memcmp(out, buf + off, want) == 0);
		}
	}
	engine_text_force(-1);
}
END_TEST

START_TEST(test_fieldname_id)
{
	static const struct { const char *lc; int id; } known[] = {
		{ "from", FN_FROM }, { "subject", FN_SUBJECT }, { "to", FN_TO },
		{ "x-failed-recipients", FN_X_FAILED_RECIPIENTS },
		{ "content-type", FN_CONTENT_TYPE },
		{ "auto-submitted", FN_AUTO_SUBMITTED },
		{ "message-id", FN_MESSAGE_ID }, { "x-mailer", FN_X_MAILER },
		{ "date", FN_DATE }, { "reply-to", FN_REPLY_TO },
		{ "return-path", FN_RETURN_PATH }, { "sender", FN_SENDER },
		{ "cc", FN_CC }, { "x-original-to", FN_X_ORIGINAL_TO },
		{ "delivered-to", FN_DELIVERED_TO }, { "received", FN_RECEIVED },
		{ "content-transfer-encoding", FN_CONTENT_TRANSFER_ENCODING },
		{ "precedence", FN_PRECEDENCE }, { "x-autoreply", FN_X_AUTOREPLY },
		{ "x-autorespond", FN_X_AUTOREPLY },
		{ "x-autoresponder", FN_X_AUTOREPLY },
		{ "x-auto-response-suppress", FN_X_AUTO_RESPONSE_SUPPRESS },
		{ "x-apple-unsubscribe", FN_X_APPLE_UNSUBSCRIBE },
		{ "x-mlserver", FN_X_MLSERVER },
		{ "x-amz-sns-message-type", FN_X_AMZ_SNS_MESSAGE_TYPE },
		{ "dkim-signature", FN_NOT_KEPT }, { "arc-seal", FN_NOT_KEPT },
		{ "arc-message-signature", FN_NOT_KEPT },
		{ "arc-authentication-results", FN_NOT_KEPT },
		{ "x-google-dkim-signature", FN_NOT_KEPT },
		{ "authentication-results", FN_NOT_KEPT },
		{ "references", FN_NOT_KEPT }, { "domainkey-signature", FN_NOT_KEPT },
	};
	const size_t nk = sizeof(known) / sizeof(known[0]);
	char name[64];
	size_t i, j, k, n;

	for (i = 0; i < nk; i++) {
		n = strlen(known[i].lc);
		/* every case mix of the first and last bytes, all upper, all lower */
		for (k = 0; k < 6; k++) {
			memcpy(name, known[i].lc, n + 1);
			for (j = 0; j < n; j++)
				if ((k == 1 && (j == 0 || j == n - 1)) || k == 2 ||
				    (k == 3 && j % 2 == 0) || (k == 4 && j % 3 == 1))
					if (name[j] >= 'a' && name[j] <= 'z')
						name[j] = (char)(name[j] - 'a' + 'A');
			if (k == 5)
				name[n - 1] = name[n - 1] == '-' ? '\r' : '@';
			for (j = 0; j < nk; j++)
				if (strcasecmp(name, known[j].lc) == 0)
					break;
			ck_assert_int_eq(fieldname_id(name, n),
					 j < nk ? known[j].id : FN_OTHER);
		}
		/* one byte changed anywhere (to its neighbour, '{', 0x80): no match */
		for (j = 0; j < n; j++) {
			memcpy(name, known[i].lc, n + 1);
			name[j] = (char)(name[j] ^ 0x60);
			ck_assert_int_eq(fieldname_id(name, n) == known[i].id &&
					 strcasecmp(name, known[i].lc) != 0, 0);
			name[j] = (char)0xc1;
			ck_assert_int_ne(fieldname_id(name, n), known[i].id);
		}
	}
	/* the lookup of parameter-name bytes only (the rawfeed's) as the
	 * other: every known name in two cases with each byte in turn made
	 * each such byte */
	for (i = 0; i < nk; i++) {
		unsigned b;

		n = strlen(known[i].lc);
		for (k = 0; k < 2; k++)
			for (j = 0; j < n; j++)
				for (b = 0; b < 256; b++) {
					size_t q;

					if (!(fieldname_byte[b] & FIELDNAME_PARAM))
						continue;
					memcpy(name, known[i].lc, n + 1);
					for (q = 0; k == 1 && q < n; q++)
						name[q] = (char)toupper((unsigned char)name[q]);
					name[j] = (char)b;
					ck_assert_int_eq(fieldname_id_token_inline(name, n),
							 fieldname_id(name, n));
				}
	}
	ck_assert_int_eq(fieldname_id("x-mailer-extra", 14), FN_OTHER);
	ck_assert_int_eq(fieldname_id("X", 1), FN_OTHER);
	ck_assert_int_eq(fieldname_id("", 0), FN_OTHER);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");
	int n = (int)(sizeof(samples) / sizeof(samples[0]));

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_every_split, 0, n);
	tcase_add_loop_test(tc, test_crlf, 0, n);
	tcase_add_test(tc, test_dsn);
	tcase_add_test(tc, test_dsn_command_from_text);
	tcase_add_test(tc, test_dsn_encoded);
	tcase_add_test(tc, test_not_bounces);
	tcase_add_test(tc, test_eoh_verdicts);
	tcase_add_test(tc, test_classes);
	tcase_add_test(tc, test_autoreply_rules);
	tcase_add_test(tc, test_milter_calls);
	tcase_add_test(tc, test_broken_reports);
	tcase_add_test(tc, test_text_collected);
	tcase_add_test(tc, test_html_sink_random);
	tcase_add_test(tc, test_xfailed);
	tcase_add_test(tc, test_header_store);
	tcase_add_test(tc, test_header_room);
	tcase_add_test(tc, test_from_subject_cut);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_mbox_from_line);
	tcase_add_loop_test(tc, test_header_inplace, 0, 3);
	tcase_add_loop_test(tc, test_name_span, 0, 3);
	tcase_add_test(tc, test_detect_words);
	tcase_add_test(tc, test_detect_content_type);
	tcase_add_test(tc, test_detect_sender);
	tcase_add_test(tc, test_result_helpers);
	tcase_add_test(tc, test_result_arena);
	tcase_add_test(tc, test_fieldname_id);
	tcase_add_test(tc, test_detect_silent_ids);
	tcase_add_test(tc, test_text_copy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
