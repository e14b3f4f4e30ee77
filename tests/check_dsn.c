/*
 * check_dsn.c - unit tests of the RFC 3464 / ARF field reader: per-message
 * and per-recipient fields, type prefixes, folded Diagnostic-Code, several
 * recipients, vendor fields, broken real-world forms, chunk splits, caps.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "dsn_value.h"

static bt_caps caps;

/* Read text as one delivery-status (or feedback) part, in chunks of `chunk`
 * bytes (0: whole) or split in two at `split` (> 0). */
static size_t
feed(bt_result *r, int kind, const char *text, size_t chunk, size_t split)
{
	dsn *d = dsn_new(&caps);
	size_t len = strlen(text), off = 0, n;

	ck_assert_ptr_nonnull(d);
	dsn_begin(d, r, kind);
	if (split > 0) {
		dsn_feed(d, text, split);
		dsn_feed(d, text + split, len - split);
	} else {
		if (chunk == 0)
			chunk = len;
		for (; off < len; off += n) {
			n = len - off < chunk ? len - off : chunk;
			dsn_feed(d, text + off, n);
		}
	}
	n = dsn_end(d);
	dsn_free(d);
	return n;
}

/* The same, split in two at split, each piece fed from a scratch buffer
 * overwritten once fed: nothing may be read from bytes fed before. */
static size_t
feed_scratch(bt_result *r, const char *text, size_t split)
{
	dsn *d = dsn_new(&caps);
	size_t len = strlen(text), n;
	char scratch[4096];

	ck_assert_ptr_nonnull(d);
	ck_assert_uint_lt(len, sizeof(scratch));
	dsn_begin(d, r, DSN_DELIVERY);
	memcpy(scratch, text, split);
	dsn_feed(d, scratch, split);
	memset(scratch, '5', sizeof(scratch));
	memcpy(scratch, text + split, len - split);
	dsn_feed(d, scratch, len - split);
	memset(scratch, '5', sizeof(scratch));
	n = dsn_end(d);
	dsn_free(d);
	return n;
}

static void
setup(void)
{
	engine_caps_default(&caps);
}

static const char two[] =
	"Reporting-MTA: dns; mx.example.net\n"
	"Received-From-MTA: DNS; client.example.org\n"
	"Arrival-Date: Mon, 3 Mar 2025 10:00:00 +0100\n"
	"Original-Envelope-Id: ENV-1\n"
	"\n"
	"Original-Recipient: rfc822;Bob@Example.com\n"
	"Final-Recipient: RFC822; <bob@example.com>\n"
	"Action: Failed\n"
	"Status: 5.1.1 (user unknown)\n"
	"Remote-MTA: dns; mx.example.com\n"
	"Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to\n"
	"    reach does not exist.\n"
	"\t  Please try again.\n"
	"Last-Attempt-Date: Mon, 3 Mar 2025 10:00:01 +0100\n"
	"\n"
	"Final-Recipient: rfc822; carol@example.com\n"
	"Action: delayed\n"
	"Status: 4.4.1\n"
	"Diagnostic-Code: X-Postfix; connect to mx.example.com: timed out\n"
	"Will-Retry-Until: Fri, 7 Mar 2025 10:00:00 +0100\n";

static void
check_two(const bt_result *r)
{
	ck_assert_uint_eq(r->nrcpt, 2);
	ck_assert_str_eq(r->reporting_mta, "mx.example.net");
	ck_assert_str_eq(r->received_from_mta, "client.example.org");
	ck_assert_str_eq(r->arrival_date, "Mon, 3 Mar 2025 10:00:00 +0100");
	ck_assert_str_eq(r->original_envelope_id, "ENV-1");
	ck_assert_str_eq(r->rcpt[0].recipient, "bob@example.com");
	ck_assert_str_eq(r->rcpt[0].original_recipient, "Bob@Example.com");
	ck_assert_str_eq(r->rcpt[0].action, "failed");
	ck_assert_str_eq(r->rcpt[0].status, "5.1.1");
	ck_assert_str_eq(r->rcpt[0].remote_mta, "mx.example.com");
	ck_assert_str_eq(r->rcpt[0].diagnostic_type, "smtp");
	ck_assert_str_eq(r->rcpt[0].diagnostic,
		"550-5.1.1 The email account that you tried to reach does not exist. "
		"Please try again.");
	ck_assert_str_eq(r->rcpt[0].replycode, "550");
	ck_assert_str_eq(r->rcpt[0].last_attempt_date, "Mon, 3 Mar 2025 10:00:01 +0100");
	ck_assert_int_eq(r->rcpt[0].cls, BT_CLASS_UNDETERMINED);
	ck_assert_str_eq(r->rcpt[1].recipient, "carol@example.com");
	ck_assert_ptr_null(r->rcpt[1].original_recipient);
	ck_assert_str_eq(r->rcpt[1].action, "delayed");
	ck_assert_str_eq(r->rcpt[1].status, "4.4.1");
	ck_assert_str_eq(r->rcpt[1].diagnostic_type, "x-postfix");
	ck_assert_str_eq(r->rcpt[1].replycode, "");
	ck_assert_str_eq(r->rcpt[1].will_retry_until, "Fri, 7 Mar 2025 10:00:00 +0100");
}

START_TEST(test_fields)
{
	bt_result r;

	result_init(&r);
	ck_assert_uint_eq(feed(&r, DSN_DELIVERY, two, 0, 0), 2);
	check_two(&r);
	result_clear(&r);
}
END_TEST

START_TEST(test_splits_and_crlf)
{
	bt_result r;
	char crlf[2048];
	size_t i, o = 0, len = strlen(two);

	for (i = 1; i < len; i++) {
		result_init(&r);
		feed(&r, DSN_DELIVERY, two, 0, i);
		check_two(&r);
		result_clear(&r);
		result_init(&r);
		feed_scratch(&r, two, i);
		check_two(&r);
		result_clear(&r);
	}
	result_init(&r);
	feed(&r, DSN_DELIVERY, two, 1, 0);
	check_two(&r);
	result_clear(&r);
	for (i = 0; two[i]; i++) {
		if (two[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = two[i];
	}
	crlf[o] = '\0';
	result_init(&r);
	feed(&r, DSN_DELIVERY, crlf, 3, 0);
	check_two(&r);
	result_clear(&r);
}
END_TEST

/* No blank line after the per-message fields, none between recipients,
 * odd case, junk lines, a block with only Original-Recipient. */
START_TEST(test_broken)
{
	bt_result r;
	const char *text =
		"reporting-mta: dns; mx.example.net\n"
		"FINAL-RECIPIENT: rfc822; a@example.com\n"
		"ACTION: failed\n"
		"status: 5.1\n"
		"this line is junk\n"
		"    continuation of nothing useful\n"
		"Final-Recipient: rfc822;b@example.com\n"
		"Action: failed\n"
		"Status: 5.7.1\n"
		"\n"
		"\n"
		"Original-Recipient: rfc822; c@example.com\n"
		"Action: failed\n"
		"Status: 6.1.1\n"
		"Diagnostic-Code: 554 rejected\n";

	result_init(&r);
	ck_assert_uint_eq(feed(&r, DSN_DELIVERY, text, 0, 0), 3);
	ck_assert_str_eq(r.reporting_mta, "mx.example.net");
	ck_assert_str_eq(r.rcpt[0].recipient, "a@example.com");
	ck_assert_str_eq(r.rcpt[0].status, "");		/* malformed */
	ck_assert_str_eq(r.rcpt[1].recipient, "b@example.com");
	ck_assert_str_eq(r.rcpt[1].status, "5.7.1");
	ck_assert_str_eq(r.rcpt[2].recipient, "c@example.com");
	ck_assert_str_eq(r.rcpt[2].original_recipient, "c@example.com");
	ck_assert_str_eq(r.rcpt[2].status, "");		/* class 6 */
	ck_assert_str_eq(r.rcpt[2].diagnostic, "554 rejected");
	ck_assert_ptr_null(r.rcpt[2].diagnostic_type);
	ck_assert_str_eq(r.rcpt[2].replycode, "554");
	result_clear(&r);
}
END_TEST

START_TEST(test_vendor_fields)
{
	bt_result r;
	const char *text =
		"Reporting-MTA: dns; mx.example.net\n"
		"X-Postfix-Sender: rfc822; alice@example.org\n"
		"\n"
		"Final-Recipient: rfc822; a@example.com\n"
		"Action: failed\n"
		"Status: 5.0.0\n"
		"X-Supplementary-Info: <<< 550 mailbox disabled>>\n"
		"\n"
		"Final-Recipient: rfc822; b@example.com\n"
		"Action: failed\n"
		"Status: 5.0.0\n"
		"Diagnostic-Code: smtp; 550 no\n"
		"X-Supplementary-Info: extra words\n"
		"\n"
		"Final-Recipient: x400; /C=DE/\n"
		"X-Actual-Recipient: rfc822; d@example.com\n"
		"Action: failed\n";

	result_init(&r);
	ck_assert_uint_eq(feed(&r, DSN_DELIVERY, text, 0, 0), 3);
	ck_assert_str_eq(r.rcpt[0].diagnostic, "<<< 550 mailbox disabled>>");
	ck_assert_str_eq(r.rcpt[1].diagnostic, "550 no extra words");
	ck_assert_str_eq(r.rcpt[1].replycode, "550");
	ck_assert_str_eq(r.rcpt[2].recipient, "/C=DE/");
	result_clear(&r);
}
END_TEST

/* Address forms seen in real reports. */
START_TEST(test_addresses)
{
	bt_result r;
	const char *text =
		"Final-Recipient: rfc822; \"john..doe.\"@example.com\n"
		"Action: failed\n\n"
		"Original-recipient: rfc822;kim@example.net\n"
		"Final-recipient: rfc822;@smtp.example.net:kim@server\n"
		"Action: failed\n\n"
		"Final-Recipient: rfc822;|/usr/bin/prog lou@example.com /home/lou\n"
		"Action: failed\n\n"
		"Final-Recipient: RFC822; max@example.org>\n"
		"Action: failed\n\n"
		"Final-Recipient: rfc822; @a.example,@b.example:ned@example.com\n"
		"Action: failed\n";
	char buf[64];

	result_init(&r);
	ck_assert_uint_eq(feed(&r, DSN_DELIVERY, text, 0, 0), 5);
	ck_assert_str_eq(r.rcpt[0].recipient, "john..doe.@example.com");
	ck_assert_str_eq(r.rcpt[1].recipient, "kim@example.net");	/* internal name */
	ck_assert_str_eq(r.rcpt[2].recipient, "lou@example.com");
	ck_assert_str_eq(r.rcpt[3].recipient, "max@example.org");
	ck_assert_str_eq(r.rcpt[4].recipient, "ned@example.com");
	result_clear(&r);
	ck_assert_uint_eq(dsn_value_address_copy("\"a b\"@example.com (x)", 21, buf,
					   sizeof(buf)), 15);
	ck_assert_str_eq(buf, "a b@example.com");
	ck_assert_uint_eq(dsn_value_address_copy("abcdef@example.com", 18, buf, 7), 6);
	ck_assert_str_eq(buf, "abcdef");
}
END_TEST

START_TEST(test_feedback)
{
	bt_result r;
	const char *text =
		"Feedback-Type: Abuse\n"
		"User-Agent: Gen/1.0\n"
		"Version: 1\n"
		"Original-Rcpt-To: <x@isp.example>\n"
		"Original-Rcpt-To: y@isp.example\n"
		"Removal-Recipient: X@isp.example\n"
		"Reporting-MTA: dns; mail.isp.example\n"
		"Arrival-Date: Thu, 8 Mar 2025 14:00:00 EDT\n";

	result_init(&r);
	ck_assert_uint_eq(feed(&r, DSN_FEEDBACK, text, 5, 0), 2);
	ck_assert_str_eq(r.feedback_type, "abuse");
	ck_assert_str_eq(r.rcpt[0].recipient, "x@isp.example");
	ck_assert_str_eq(r.rcpt[1].recipient, "y@isp.example");
	ck_assert_int_eq(r.rcpt[0].cls, BT_CLASS_COMPLAINT);
	ck_assert_str_eq(r.rcpt[0].reason, "feedback");
	ck_assert_str_eq(r.reporting_mta, "mail.isp.example");
	result_clear(&r);
}
END_TEST

START_TEST(test_caps)
{
	bt_result r;
	char text[4096];
	size_t i;

	caps.max_recipients = 2;
	caps.max_field = 10;
	text[0] = '\0';
	for (i = 0; i < 4; i++)
		strcat(text, "Final-Recipient: rfc822; someone.long@example.com\n"
			     "Action: failed\n\n");
	result_init(&r);
	ck_assert_uint_eq(feed(&r, DSN_DELIVERY, text, 0, 0), 2);
	ck_assert_uint_eq(r.nrcpt, 2);
	ck_assert(r.caps_hit & BT_CAP_RCPTS);
	ck_assert(r.caps_hit & BT_CAP_FIELD);
	ck_assert_str_eq(r.rcpt[0].recipient, "someone.lo");
	result_clear(&r);
	/* an over-long line is cut, the reader goes on */
	caps.max_header = 64;
	caps.max_recipients = 10;
	strcpy(text, "Final-Recipient: rfc822; a@example.com\nDiagnostic-Code: smtp; 550 ");
	memset(text + strlen(text), 'z', 300);
	strcpy(text + 66 + 300, "\nStatus: 5.1.1\n");
	result_init(&r);
	feed(&r, DSN_DELIVERY, text, 0, 0);
	ck_assert(r.caps_hit & BT_CAP_LINE);
	ck_assert_str_eq(r.rcpt[0].status, "5.1.1");
	ck_assert_uint_le(strlen(r.rcpt[0].diagnostic), 64);
	result_clear(&r);
}
END_TEST

START_TEST(test_helpers)
{
	size_t n, tl;
	const char *a, *t;

	ck_assert_int_eq(dsn_value_status("5.1.1", &n), 1);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(dsn_value_status("4.7.26 more", &n), 1);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(dsn_value_status("2.0.0", NULL), 1);
	ck_assert_int_eq(dsn_value_status("5.1", NULL), 0);
	ck_assert_int_eq(dsn_value_status("3.1.1", NULL), 0);
	ck_assert_int_eq(dsn_value_status("5.1.1.1", NULL), 0);
	ck_assert_int_eq(dsn_value_status("5..1", NULL), 0);
	ck_assert_int_eq(dsn_value_status("5.1234.1", NULL), 0);
	ck_assert_int_eq(dsn_value_replycode("550 no"), 1);
	ck_assert_int_eq(dsn_value_replycode("550-5.1.1"), 1);
	ck_assert_int_eq(dsn_value_replycode("5500"), 0);
	ck_assert_int_eq(dsn_value_replycode("650 x"), 0);
	n = strlen(" rfc822; \"<Bob@Example.com>\" ");
	a = dsn_value_address(" rfc822; \"<Bob@Example.com>\" ", &n);
	ck_assert_uint_eq(n, 15);
	ck_assert_int_eq(strncmp(a, "Bob@Example.com", n), 0);
	n = strlen("utf-8; j\xc3\xb6rg@example.de (comment)");
	a = dsn_value_address("utf-8; j\xc3\xb6rg@example.de (comment)", &n);
	ck_assert_int_eq(strncmp(a, "j\xc3\xb6rg@example.de", n), 0);
	ck_assert_uint_eq(n, strlen("j\xc3\xb6rg@example.de"));
	n = strlen("smtp;550 x");
	a = dsn_value_strip_type("smtp;550 x", &n, &t, &tl);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(tl, 4);
	ck_assert_int_eq(strncmp(t, "smtp", 4), 0);
	ck_assert_str_eq(a, "550 x");
	n = strlen("no type here; at all");
	a = dsn_value_strip_type("no type here; at all", &n, &t, &tl);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(a, "no type here; at all");
}
END_TEST

/* dsn_value_strip_type() and dsn_value_address() (16 bytes at a time with SSE2)
 * against the byte-by-byte definitions they had, on random values made of
 * the bytes that matter (';', blanks, quotes, '@', '<', 8-bit bytes). */
#include <ctype.h>

static const char *
ref_strip_type(const char *v, size_t *vlen, const char **type, size_t *tlen)
{
	size_t i, n = *vlen;

	*type = NULL;
	*tlen = 0;
	for (i = 0; i < n && i < 32; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ';')
			break;
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return v;
	}
	if (i == 0 || i >= n || v[i] != ';')
		return v;
	*type = v;
	*tlen = i;
	i++;
	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	*vlen = n - i;
	return v + i;
}

static const char *
ref_address_word(const char *v, size_t n, size_t *wlen)
{
	const char *first = NULL;
	size_t i = 0, firstlen = 0;

	while (i < n) {
		size_t start, q = 0;

		while (i < n && isspace((unsigned char)v[i]))
			i++;
		start = i;
		while (i < n && (q || !isspace((unsigned char)v[i]))) {
			if (v[i] == '"')
				q = !q;
			i++;
		}
		if (i == start)
			break;
		if (first == NULL) {
			first = v + start;
			firstlen = i - start;
		}
		if (memchr(v + start, '@', i - start) != NULL) {
			*wlen = i - start;
			return v + start;
		}
	}
	*wlen = firstlen;
	return first != NULL ? first : v;
}

static const char *
ref_address(const char *v, size_t *len)
{
	const char *type, *lt, *gt, *colon;
	size_t tlen, n = *len;

	v = ref_strip_type(v, &n, &type, &tlen);
	lt = memchr(v, '<', n);
	if (lt != NULL && (gt = memchr(lt, '>', n - (size_t)(lt - v))) != NULL) {
		v = lt + 1;
		n = (size_t)(gt - v);
	}
	v = ref_address_word(v, n, &n);
	while (n > 0 && (*v == '<' || *v == '\'' || *v == '(' || *v == '['))
		v++, n--;
	while (n > 0 && (v[n - 1] == '>' || v[n - 1] == '\'' || v[n - 1] == ',' ||
			 v[n - 1] == ';' || v[n - 1] == '.' || v[n - 1] == ')' ||
			 v[n - 1] == ']'))
		n--;
	if (n > 0 && v[0] == '@' && (colon = memchr(v, ':', n)) != NULL) {
		n -= (size_t)(colon + 1 - v);
		v = colon + 1;
	}
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"' &&
	    memchr(v + 1, '"', n - 2) == NULL) {
		v++;
		n -= 2;
	}
	*len = n;
	return v;
}

START_TEST(test_helpers_random)
{
	static const char bytes[] = "; \t\r\n\"@<>\x80\xe9-._abcXYZ09rfc822smtp'([,)]:";
	char buf[80];
	unsigned seed = 777, round;

	for (round = 0; round < 40000; round++) {
		size_t len, i, n1, n2, t1, t2;
		const char *a1, *a2, *ty1, *ty2;
		unsigned sparse = 1 + round % 5;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % sizeof(buf);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) % (sparse * 12) < 10 ?
				 bytes[(seed >> 8) % 10] :
				 bytes[10 + (seed >> 20) % (sizeof(bytes) - 11)];
		}
		n1 = n2 = len;
		a1 = dsn_value_strip_type(buf, &n1, &ty1, &t1);
		a2 = ref_strip_type(buf, &n2, &ty2, &t2);
		ck_assert_ptr_eq(a1, a2);
		ck_assert_ptr_eq(ty1, ty2);
		ck_assert_uint_eq(n1, n2);
		ck_assert_uint_eq(t1, t2);
		n1 = n2 = len;
		a1 = dsn_value_address(buf, &n1);
		a2 = ref_address(buf, &n2);
		ck_assert_ptr_eq(a1, a2);
		ck_assert_uint_eq(n1, n2);
	}
}
END_TEST

static Suite *
dsn_suite(void)
{
	Suite *s = suite_create("dsn");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_splits_and_crlf);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_vendor_fields);
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_feedback);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_helpers);
	tcase_add_test(tc, test_helpers_random);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dsn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
