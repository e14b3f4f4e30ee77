/*
 * check_scan.c - unit tests of scan_text(): recipients, diagnostics, reply
 * codes, status codes, remote hosts, delay warnings, completion of a DSN's
 * recipients and the recipient cap, on small texts of each line shape.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan.h"

typedef struct hdr {
	const char *name[8];
	const char *value[8];
} hdr;

static const char *
t_header(void *ctx, const char *name)
{
	hdr *h = ctx;
	size_t i;

	for (i = 0; i < 8 && h->name[i] != NULL; i++)
		if (strcasecmp(h->name[i], name) == 0)
			return h->value[i];
	return NULL;
}

static bt_caps caps;
static bt_result res;
static hdr hd;

static void
setup(void)
{
	memset(&caps, 0, sizeof(caps));
	caps.max_field = 1024;
	caps.max_text = 65536;
	caps.max_recipients = 100;
	result_init(&res);
	memset(&hd, 0, sizeof(hd));
	hd.name[0] = "From";
	hd.value[0] = "Mail Delivery System <MAILER-DAEMON@mx.example.org>";
	hd.name[1] = "To";
	hd.value[1] = "sender@example.org";
}

static void
teardown(void)
{
	result_clear(&res);
}

static size_t
scan(const char *text)
{
	scan_input in;

	memset(&in, 0, sizeof(in));
	in.text = text;
	in.len = strlen(text);
	in.header = t_header;
	in.ctx = &hd;
	return scan_text(&in, &res, &caps);
}

#define RC(i) (&res.rcpt[(i)])

START_TEST(test_exim_paragraph)
{
	const char *t =
	    "This message was created automatically by mail delivery software.\n"
	    "\n"
	    "A message that you sent could not be delivered to one or more of its\n"
	    "recipients. This is a permanent error. The following address(es) failed:\n"
	    "\n"
	    "  alice@dest.example\n"
	    "    SMTP error from remote mail server after RCPT TO:<alice@dest.example>:\n"
	    "    host mx1.dest.example [192.0.2.7]: 550 5.1.1 No such mailbox\n"
	    "  bob@dest.example\n"
	    "    Unrouteable address\n"
	    "\n"
	    "------ This is a copy of the message, including all the headers. ------\n"
	    "Return-path: <sender@example.org>\n"
	    "To: carol@dest.example\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_uint_eq(res.nrcpt, 2);
	ck_assert_str_eq(RC(0)->recipient, "alice@dest.example");
	ck_assert_str_eq(RC(0)->action, "failed");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.1.1");
	ck_assert_str_eq(RC(0)->remote_mta, "mx1.dest.example");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "No such mailbox"));
	ck_assert_int_eq(RC(0)->cls, BT_CLASS_UNDETERMINED);
	ck_assert_str_eq(RC(1)->recipient, "bob@dest.example");
	ck_assert_str_eq(RC(1)->diagnostic, "Unrouteable address");
	ck_assert_str_eq(RC(1)->replycode, "");
	ck_assert_str_eq(res.format, "exim");
}
END_TEST

START_TEST(test_postfix_said)
{
	const char *t =
	    "This is the mail system at host mx.example.org.\n"
	    "\n"
	    "<dave@dest.example>: host mail.dest.example[192.0.2.9] said: 550\n"
	    "    5.2.2 <dave@dest.example>: Mailbox full (in reply to RCPT TO command)\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "dave@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.2.2");
	ck_assert_str_eq(RC(0)->remote_mta, "mail.dest.example");
	ck_assert_str_eq(RC(0)->diagnostic,
	    "host mail.dest.example[192.0.2.9] said: 550 5.2.2 "
	    "<dave@dest.example>: Mailbox full (in reply to RCPT TO command)");
}
END_TEST

START_TEST(test_qmail_paragraphs_in_order)
{
	const char *t =
	    "Hi. This is the qmail-send program at mx.example.org.\n"
	    "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
	    "\n"
	    "<erin@dest.example>:\n"
	    "192.0.2.3 does not like recipient.\n"
	    "Remote host said: 550 5.1.1 unknown user\n"
	    "Giving up on 192.0.2.3.\n"
	    "\n"
	    "<frank@other.example>:\n"
	    "This user's mailbox is over quota (#5.2.2)\n"
	    "\n"
	    "--- Below this line is a copy of the message.\n"
	    "\n"
	    "To: <zed@dest.example>\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "erin@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.1.1");
	ck_assert_str_eq(RC(1)->recipient, "frank@other.example");
	ck_assert_str_eq(RC(1)->status, "5.2.2");
	ck_assert_str_eq(RC(1)->replycode, "");
	ck_assert_str_eq(res.format, "qmail");
}
END_TEST

START_TEST(test_sendmail_dots)
{
	const char *t =
	    "   ----- Transcript of session follows -----\n"
	    "... while talking to mx.dest.example.:\n"
	    ">>> RCPT To:<gina@dest.example>\n"
	    "<<< 550 5.1.1 <gina@dest.example>... User unknown\n"
	    "550 5.1.1 <gina@dest.example>... User unknown\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "gina@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.1.1");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "User unknown"));
}
END_TEST

START_TEST(test_address_then_global_error)
{
	/* Gmail-like: the address alone, the error further down. */
	const char *t =
	    "Delivery to the following recipient failed permanently:\n"
	    "\n"
	    "     hank@dest.example\n"
	    "\n"
	    "Technical details of permanent failure:\n"
	    "The error that the other server returned was:\n"
	    "550-5.1.1 The email account that you tried to reach does not exist.\n"
	    "550 5.1.1 Please try double-checking the address.\n"
	    "\n"
	    "----- Original message -----\n"
	    "From: sender@example.org\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "hank@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.1.1");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "does not exist"));
}
END_TEST

START_TEST(test_office365_remote_server)
{
	const char *t =
	    "Delivery has failed to these recipients or groups:\n"
	    "\n"
	    "ivy@dest.example<mailto:ivy@dest.example>\n"
	    "The email address you entered couldn't be found.\n"
	    "\n"
	    "Diagnostic information for administrators:\n"
	    "\n"
	    "ivy@dest.example\n"
	    "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'\n"
	    "\n"
	    "Original message headers:\n"
	    "Received: from x by y\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "ivy@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.1.10");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "RecipientNotFound"));
}
END_TEST

START_TEST(test_skip_own_addresses)
{
	/* Mailer-daemon is never a recipient; the report's To (the original
	 * sender) is not one in a transcript line or a loose sentence; an
	 * address in the returned headers neither, when the text names one. */
	const char *t =
	    "550 5.7.1 <sender@example.org>... sender rejected\n"
	    "<MAILER-DAEMON@mx.example.org>: no\n"
	    "Please contact sender@example.org for help, it failed\n"
	    "<jack@dest.example>: 550 user unknown\n"
	    "\n"
	    "Received: from a by b\n"
	    "To: <kim@dest.example>\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "jack@dest.example");
}
END_TEST

START_TEST(test_dedup_keeps_order)
{
	const char *t =
	    "<lea@dest.example>: mailbox unavailable\n"
	    "\n"
	    "<max@dest.example>: user unknown\n"
	    "\n"
	    "<LEA@dest.example>: 550 5.2.1 mailbox disabled\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "lea@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.2.1");
	ck_assert_str_eq(RC(1)->recipient, "max@dest.example");
}
END_TEST

START_TEST(test_sender_bounces_to_itself)
{
	/* A sender that writes to itself gets the report: an anchored line
	 * with the report's To is a recipient after all. */
	const char *t =
	    "<sender@example.org>:\n"
	    "Remote host said: 552 Error: disk quota exceeded\n"
	    "Giving up on 192.0.2.20.\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "sender@example.org");
	ck_assert_str_eq(RC(0)->replycode, "552");
	ck_assert_str_eq(RC(0)->diagnostic,
	    "Remote host said: 552 Error: disk quota exceeded");
}
END_TEST

START_TEST(test_inner_reply_and_sent_by)
{
	const char *t =
	    "A message sent by\n"
	    "\n"
	    "  <someone@example.net>\n"
	    "\n"
	    "could not be delivered.\n"
	    "   ----- Transcript of session follows -----\n"
	    "554 <uma@dest.example>... 550 Host unknown (Authoritative answer)\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "uma@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->diagnostic,
	    "550 Host unknown (Authoritative answer)");
}
END_TEST

START_TEST(test_labelled_address)
{
	const char *t =
	    "Your message cannot be delivered to the following recipients:\n"
	    "\n"
	    "  Recipient address: vera@dest.example\n"
	    "  Reason: Illegal host/domain name found\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "vera@dest.example");
	ck_assert_str_eq(RC(0)->diagnostic,
	    "Reason: Illegal host/domain name found");
}
END_TEST

START_TEST(test_complete_from_report_text)
{
	/* One DSN recipient whose Diagnostic-Code is only an exit code; the
	 * text's transcript gives the error. */
	bt_rcpt *rc;
	const char *t =
	    "   ----- Transcript of session follows -----\n"
	    "451 4.0.0 Operating system error\n"
	    "Warning: message still undelivered after 4 hours\n";
	scan_input in;

	rc = result_add_rcpt(&res, 10);
	result_set(&res, &rc->recipient, "walt@dest.example", 17, 1024);
	result_set(&res, &rc->diagnostic, "71", 2, 1024);
	memset(&in, 0, sizeof(in));
	in.text = t;
	in.len = strlen(t);
	in.has_dsn = 1;
	scan_text(&in, &res, &caps);
	ck_assert_str_eq(res.rcpt[0].diagnostic, "451 4.0.0 Operating system error");
	ck_assert_str_eq(res.rcpt[0].replycode, "451");
}
END_TEST

START_TEST(test_delayed)
{
	const char *t =
	    "A message that you sent has not yet been delivered to one or more of its\n"
	    "recipients after more than 24 hours on the queue on mx.example.org.\n"
	    "\n"
	    "  nina@dest.example\n"
	    "    Delay reason: SMTP error from remote mail server after RCPT TO:<nina@dest.example>:\n"
	    "    451 4.7.1 greylisted\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->action, "delayed");
	ck_assert_int_eq(RC(0)->cls, BT_CLASS_DELAYED);
	ck_assert_str_eq(RC(0)->replycode, "451");
	ck_assert_str_eq(RC(0)->status, "4.7.1");
}
END_TEST

START_TEST(test_failed_recipients_header)
{
	const char *t =
	    "We could not deliver your message to the group you tried to contact.\n"
	    "It may not exist, or you may not have permission to post.\n";

	hd.name[2] = "X-Failed-Recipients";
	hd.value[2] = "group@lists.example, other@lists.example";
	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "group@lists.example");
	ck_assert_str_eq(RC(1)->recipient, "other@lists.example");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "permission to post"));
}
END_TEST

START_TEST(test_phrase_line)
{
	const char *t =
	    "Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900\n"
	    "     Could not be delivered to: <olga@dest.example>\n"
	    "     As their mailbox is full.\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "olga@dest.example");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "mailbox is full"));
}
END_TEST

START_TEST(test_complete_dsn)
{
	bt_rcpt *rc;
	const char *t =
	    "<paul@dest.example>: host mx.dest.example[192.0.2.1] said: 550 5.1.1\n"
	    "    <paul@dest.example>: Recipient address rejected: User unknown (in\n"
	    "    reply to RCPT TO command)\n";
	scan_input in;

	rc = result_add_rcpt(&res, 10);
	ck_assert_ptr_nonnull(rc);
	result_set(&res, &rc->recipient, "paul@dest.example", 17, 1024);
	result_set(&res, &rc->diagnostic, "smtp; 550", 9, 1024);
	strcpy(rc->status, "5.1.1");
	memset(&in, 0, sizeof(in));
	in.text = t;
	in.len = strlen(t);
	in.has_dsn = 1;
	ck_assert_uint_eq(scan_text(&in, &res, &caps), 0);
	ck_assert_uint_eq(res.nrcpt, 1);
	ck_assert_ptr_nonnull(strstr(res.rcpt[0].diagnostic,
	    "Recipient address rejected"));
	ck_assert_str_eq(res.rcpt[0].replycode, "550");
	ck_assert_str_eq(res.rcpt[0].status, "5.1.1");
	ck_assert_str_eq(res.rcpt[0].remote_mta, "mx.dest.example");
}
END_TEST

START_TEST(test_complete_keeps_good_dsn_text)
{
	bt_rcpt *rc;
	const char *t = "<quin@dest.example>: 550 something else\n";
	scan_input in;

	rc = result_add_rcpt(&res, 10);
	result_set(&res, &rc->recipient, "quin@dest.example", 17, 1024);
	result_set(&res, &rc->diagnostic, "smtp; 552 5.2.2 Mailbox full", 28, 1024);
	memset(&in, 0, sizeof(in));
	in.text = t;
	in.len = strlen(t);
	in.has_dsn = 1;
	scan_text(&in, &res, &caps);
	ck_assert_str_eq(res.rcpt[0].diagnostic, "smtp; 552 5.2.2 Mailbox full");
}
END_TEST

/* A completion: the weak candidate about the recipient's address brings
 * the reply code that its strong one lacks (the weak pass runs), or adds
 * nothing to a strong one with a code (the weak pass may be skipped). */
static const char *
t_complete_one(const char *t, const char *addr)
{
	bt_rcpt *rc;
	scan_input in;

	rc = result_add_rcpt(&res, 10);
	ck_assert_ptr_nonnull(rc);
	result_set(&res, &rc->recipient, addr, strlen(addr), 1024);
	result_set(&res, &rc->diagnostic, "smtp; 550", 9, 1024);
	memset(&in, 0, sizeof(in));
	in.text = t;
	in.len = strlen(t);
	in.has_dsn = 1;
	ck_assert_uint_eq(scan_text(&in, &res, &caps), 0);
	ck_assert_uint_eq(res.nrcpt, 1);
	return res.rcpt[0].diagnostic;
}

START_TEST(test_complete_weak_brings_code)
{
	const char *d = t_complete_one(
	    "<rob@dest.example>: mailbox unavailable\n"
	    "\n"
	    "Delivery to rob@dest.example failed: 550 5.1.1 user unknown\n",
	    "rob@dest.example");

	ck_assert_ptr_nonnull(strstr(d, "user unknown"));
	ck_assert_str_eq(res.rcpt[0].replycode, "550");
}
END_TEST

START_TEST(test_complete_strong_code_kept)
{
	const char *d = t_complete_one(
	    "<sue@dest.example>: 550 5.1.1 user unknown\n"
	    "\n"
	    "Delivery to sue@dest.example failed: 552 mailbox full\n",
	    "sue@dest.example");

	ck_assert_str_eq(d, "550 5.1.1 user unknown");
	ck_assert_str_eq(res.rcpt[0].replycode, "550");
}
END_TEST

START_TEST(test_cap_recipients)
{
	char t[4096];
	size_t i, n = 0;

	for (i = 0; i < 10; i++)
		n += (size_t)snprintf(t + n, sizeof(t) - n,
		    "<user%zu@dest.example>: 550 user unknown\n\n", i);
	caps.max_recipients = 3;
	ck_assert_uint_eq(scan(t), 3);
	ck_assert_uint_eq(res.nrcpt, 3);
	ck_assert(res.caps_hit & BT_CAP_RCPTS);
	ck_assert_str_eq(RC(2)->recipient, "user2@dest.example");
}
END_TEST

START_TEST(test_field_cap)
{
	char t[8192];
	size_t n;

	n = (size_t)snprintf(t, sizeof(t), "<rita@dest.example>: 550 ");
	memset(t + n, 'x', 3000);
	strcpy(t + n + 3000, "\n");
	caps.max_field = 100;
	ck_assert_uint_eq(scan(t), 1);
	ck_assert_uint_le(strlen(RC(0)->diagnostic), 100);
	ck_assert(res.caps_hit & BT_CAP_FIELD);
}
END_TEST

START_TEST(test_not_addresses)
{
	const char *t =
	    "Hello, this is an ordinary message.\n"
	    "Write to me at someone@localhost or user@192.0.2.1 any time.\n";

	ck_assert_uint_eq(scan(t), 0);
	ck_assert_uint_eq(res.nrcpt, 0);
}
END_TEST

START_TEST(test_json_notification)
{
	const char *t =
	    "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
	    "\"bouncedRecipients\":[{\"emailAddress\":\"sam@dest.example\","
	    "\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"},"
	    "{\"emailAddress\":\"tom@dest.example\"}]}}\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "sam@dest.example");
	ck_assert_str_eq(RC(0)->diagnostic, "smtp; 550 5.1.1 user unknown");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(1)->recipient, "tom@dest.example");
}
END_TEST

START_TEST(test_json_complaint_and_delivery)
{
	const char *c =
	    "{\"notificationType\":\"Complaint\",\"complaint\":{"
	    "\"complainedRecipients\":[{\"emailAddress\":\"xena@dest.example\"}],"
	    "\"complaintFeedbackType\":\"abuse\"}}\n";
	const char *dl =
	    "{\"notificationType\":\"Delivery\",\"delivery\":{"
	    "\"recipients\":[\"yan@dest.example\"],"
	    "\"smtpResponse\":\"250 2.6.0 Message received\"}}\n";

	ck_assert_uint_eq(scan(c), 1);
	ck_assert_str_eq(RC(0)->recipient, "xena@dest.example");
	ck_assert_int_eq(RC(0)->cls, BT_CLASS_COMPLAINT);
	ck_assert_str_eq(RC(0)->reason, "feedback");
	ck_assert_str_eq(res.feedback_type, "abuse");
	ck_assert_str_eq(res.format, "amazonses");
	result_clear(&res);
	result_init(&res);
	ck_assert_uint_eq(scan(dl), 1);
	ck_assert_str_eq(RC(0)->recipient, "yan@dest.example");
	ck_assert_int_eq(RC(0)->cls, BT_CLASS_DELIVERED);
	ck_assert_str_eq(RC(0)->action, "delivered");
	ck_assert_str_eq(RC(0)->replycode, "250");
	ck_assert_str_eq(RC(0)->status, "2.6.0");
}
END_TEST

START_TEST(test_dsn_pasted_in_text)
{
	const char *t =
	    "<zoe@dest.example> (unrecoverable error)\n"
	    "\n"
	    "Final-Recipient: rfc822;zoe@dest.example\n"
	    "Action: failed\n"
	    "Status: 5.0.0 (permanent failure)\n"
	    "Diagnostic-Code: smtp;  550 'zoe@dest.example' is not a\n"
	    " registered gateway user\n"
	    "\n"
	    "Final-Recipient: rfc822;amy@cat.example\n"
	    "Action: delayed\n"
	    "Status: 4.0.0 (cat.example: host name lookup failure)\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "zoe@dest.example");
	ck_assert_str_eq(RC(0)->diagnostic,
	    "550 'zoe@dest.example' is not a registered gateway user");
	ck_assert_str_eq(RC(0)->status, "5.0.0");
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(1)->recipient, "amy@cat.example");
	ck_assert_str_eq(RC(1)->action, "delayed");
	ck_assert_str_eq(RC(1)->status, "4.0.0");
	ck_assert_str_eq(RC(1)->diagnostic,
	    "(cat.example: host name lookup failure)");
}
END_TEST

START_TEST(test_reason_paragraph_after_sentence)
{
	const char *t =
	    "There was an error delivering your mail to <bea@nowhere.example>.\n"
	    "\n"
	    "DNS lookup failure: host nowhere.example not found\n"
	    "\n"
	    "Message headers follow.\n"
	    "\n"
	    "Received: from a by b\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "bea@nowhere.example");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "DNS lookup failure"));
}
END_TEST

START_TEST(test_smtp_command)
{
	const char *t =
	    "   ----- Transcript of session follows -----\n"
	    "... while talking to mx.dest.example.:\n"
	    ">>> DATA\n"
	    "<<< 550 Unknown user cleo@dest.example\n"
	    "554 5.0.0 Service unavailable\n"
	    "\n"
	    "<dan@dest.example>: host mx.dest.example[192.0.2.1] said: 550 no\n"
	    "    such user (in reply to RCPT TO command)\n"
	    "\n"
	    "  eve@dest.example\n"
	    "    SMTP error from remote mail server after end of data:\n"
	    "    550 rejected\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "dan@dest.example");
	ck_assert_str_eq(RC(0)->smtp_command, "RCPT");
	ck_assert_str_eq(RC(1)->recipient, "eve@dest.example");
	ck_assert_str_eq(RC(1)->smtp_command, "DATA");
}
END_TEST

START_TEST(test_smtp_command_pipelined)
{
	/* Sendmail pipelines RCPT and DATA: the 550 after ">>> DATA"
	 * answers the RCPT when the server then wants a recipient. */
	bt_rcpt *rc;
	scan_input in;
	const char *t =
	    "   ----- Transcript of session follows -----\n"
	    "... while talking to mx.dest.example.:\n"
	    ">>> DATA\n"
	    "<<< 550 5.1.1 <fay@dest.example>... User Unknown\n"
	    "550 5.1.1 <fay@dest.example>... User unknown\n"
	    "<<< 503 5.0.0 Need RCPT (recipient)\n";

	rc = result_add_rcpt(&res, 10);
	result_set(&res, &rc->recipient, "fay@dest.example", 16, 1024);
	result_set(&res, &rc->diagnostic, "smtp; 550 5.1.1 <fay@dest.example>... User Unknown",
	    50, 1024);
	memset(&in, 0, sizeof(in));
	in.text = t;
	in.len = strlen(t);
	in.has_dsn = 1;
	scan_text(&in, &res, &caps);
	ck_assert_str_eq(res.rcpt[0].smtp_command, "RCPT");
	ck_assert_str_eq(res.rcpt[0].remote_mta, "mx.dest.example");
}
END_TEST

START_TEST(test_transcript_lines_per_recipient)
{
	const char *t =
	    "   ----- Transcript of session follows -----\n"
	    "550 one.example (smtp)... 550 Host unknown\n"
	    "554 <gus@one.example>... 550 Host unknown (from name server)\n"
	    "554 <hal@two.example>... Remote protocol error\n"
	    "550 three.example (smtp)... 550 Host unknown\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->diagnostic, "550 Host unknown (from name server)");
	ck_assert_str_eq(RC(1)->diagnostic, "554 <hal@two.example>... Remote protocol error");
	ck_assert_str_eq(RC(1)->replycode, "554");
}
END_TEST

START_TEST(test_not_delayed_when_negated)
{
	const char *t = "<ida@dest.example> delivery failed; will not continue trying\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->action, "failed");
}
END_TEST

START_TEST(test_quoted_forward)
{
	const char *t =
	    "Forward the message.\n"
	    "\n"
	    "> From: Mail Delivery Subsystem <MAILER-DAEMON>\n"
	    "> Message-Id: <x@mx.example.org>\n"
	    ">\n"
	    ">    ----- The following addresses had permanent fatal errors -----\n"
	    "> <jon@dest.example>\n"
	    ">     (reason: 550 5.1.1 <jon@dest.example>... User unknown)\n"
	    ">\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "jon@dest.example");
	ck_assert_str_eq(RC(0)->diagnostic,
	    "(reason: 550 5.1.1 <jon@dest.example>... User unknown)");
	ck_assert_str_eq(RC(0)->replycode, "550");
}
END_TEST

START_TEST(test_signature_address_is_no_recipient)
{
	const char *t =
	    "Thanks for the patch, applied.\n"
	    "\n"
	    "devel mailing list\n"
	    "devel@lists.example.org\n"
	    "https://lists.example.org/mailman/listinfo/devel\n";

	ck_assert_uint_eq(scan(t), 0);
}
END_TEST

START_TEST(test_quoted_local_part)
{
	const char *t = "<\"odd..name\"@dest.example>: 550 5.1.1 User unknown\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->recipient, "\"odd..name\"@dest.example");
}
END_TEST

START_TEST(test_exchange_hash_reply)
{
	const char *t =
	    "Delivery has failed to these recipients or groups:\n"
	    "\n"
	    "kay@dest.example\n"
	    "The e-mail address you entered couldn't be found.\n"
	    "\n"
	    "Diagnostic information for administrators:\n"
	    "\n"
	    "Generating server: mail.example.org\n"
	    "\n"
	    "kay@dest.example\n"
	    "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n";

	ck_assert_uint_eq(scan(t), 1);
	ck_assert_str_eq(RC(0)->replycode, "550");
	ck_assert_str_eq(RC(0)->status, "5.1.1");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "RecipNotFound"));
}
END_TEST

START_TEST(test_reply_quoting_is_no_report)
{
	/* A reply that quotes a message: no failure said, so the quoted To:
	 * names no recipient; a report that says it failed does. */
	const char *reply =
	    "Yes, write a client that reads the serial line.\n"
	    "\n"
	    "-----Original Message-----\n"
	    "From: someone@example.net\n"
	    "To: list@lists.example.org\n";
	const char *report =
	    "Your message could not be delivered.\n"
	    "\n"
	    "----- Original message -----\n"
	    "Received: from a by b\n"
	    "To: lou@dest.example\n";

	ck_assert_uint_eq(scan(reply), 0);
	ck_assert_uint_eq(scan(report), 1);
	ck_assert_str_eq(RC(0)->recipient, "lou@dest.example");
}
END_TEST

START_TEST(test_sendmail_summary_after_server_reply)
{
	const char *t =
	    "   ----- Transcript of session follows -----\n"
	    "While talking to mailin.dest.example:\n"
	    ">>> MAIL From:<sender@example.org>\n"
	    "<<< 501 <sender@example.org>... no access from an open relay\n"
	    "554 <max@dest.example>... Remote protocol error\n"
	    "While talking to smtp.other.example:\n"
	    ">>> RCPT To:<ned@other.example>\n"
	    "<<< 550 <ned@other.example>... User unknown\n"
	    "550 <ned@other.example>... User unknown\n";

	ck_assert_uint_eq(scan(t), 2);
	ck_assert_str_eq(RC(0)->recipient, "max@dest.example");
	ck_assert_str_eq(RC(0)->replycode, "501");
	ck_assert_str_eq(RC(0)->smtp_command, "MAIL");
	ck_assert_str_eq(RC(0)->remote_mta, "mailin.dest.example");
	ck_assert_ptr_nonnull(strstr(RC(0)->diagnostic, "open relay"));
	ck_assert_str_eq(RC(1)->recipient, "ned@other.example");
	ck_assert_str_eq(RC(1)->smtp_command, "RCPT");
	ck_assert_str_eq(RC(1)->remote_mta, "smtp.other.example");
}
END_TEST

/* The returned message's Message-ID from the header block after the cut:
 * the lines that cannot be the field nor end the block are passed over
 * without being cut (scan_after_skip()); those that can are read as
 * before: a field after folded lines and other 'M' fields, one indented,
 * one quoted with "> ", one folded onto the next line; a line of white
 * space ends the block. */
static const char *
msgid_of(const char *block)
{
	static char text[2048];

	snprintf(text, sizeof(text), "%s%s",
	    "<alice@dest.example>: host mx.dest.example[192.0.2.1] said: 550 "
	    "5.1.1 unknown user\n\n"
	    "--- Below this line is a copy of the message.\n\n", block);
	result_clear(&res);
	result_init(&res);
	ck_assert_uint_eq(scan(text), 1);
	return res.original_message_id;
}

START_TEST(test_returned_msgid_lines)
{
	/* header blocks after the cut line, and the Message-ID each gives */
	static const struct {
		const char *block, *id;		/* id NULL: none */
	} cases[] = {
		{ "Return-Path: <sender@example.org>\n"
		  "Received: from a.example.org\n\tby b.example.org\n"
		  "        with ESMTP id 1\nMIME-Version: 1.0\nmessage: x\n"
		  "Subject: hi\nMessage-ID: <m1@example.org>\n\nbody\n", "<m1@example.org>" },
		{ "Return-Path: <sender@example.org>\nSubject: hi\n"
		  " \t Message-Id: <m2@example.org>\n\n", "<m2@example.org>" },
		{ "> Return-Path: <sender@example.org>\n> Subject: hi\n"
		  "> Message-ID: <m3@example.org>\n>\n", "<m3@example.org>" },
		{ "Return-Path: <sender@example.org>\nSubject: hi\n"
		  "Message-ID:\n\t<m4@example.org>\n", "<m4@example.org>" },
		{ "Return-Path: <sender@example.org>\nSubject: hi\n"
		  " \t\r\nMessage-ID: <m5@example.org>\n", NULL },
		{ "Return-Path: <sender@example.org>\n>x\n"
		  "Message-ID: <m6@example.org>", "<m6@example.org>" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *id = msgid_of(cases[i].block);

		if (cases[i].id == NULL) {
			ck_assert_msg(id == NULL, "case %zu: %s", i, id);
			continue;
		}
		ck_assert_msg(id != NULL, "case %zu: no Message-ID", i);
		ck_assert_str_eq(id, cases[i].id);
	}
}
END_TEST

/* scan_text_cmd_only(): only when the text could give nothing but the
 * recipients' SMTP command. */
START_TEST(test_cmd_only_when)
{
	bt_rcpt *rc;

	ck_assert_int_eq(scan_text_cmd_only(&res), 0);	/* recipients to add */
	rc = result_add_rcpt(&res, 10);
	ck_assert_ptr_nonnull(rc);
	result_set(&res, &rc->recipient, "pat@dest.example", 16, 1024);
	result_set(&res, &rc->diagnostic, "550 mailbox full", 16, 1024);
	memcpy(rc->replycode, "550", 4);
	memcpy(rc->status, "5.2.2", 6);
	result_set(&res, &rc->remote_mta, "mx.dest.example", 15, 1024);
	ck_assert_int_eq(scan_text_cmd_only(&res), 0);	/* no Message-ID */
	result_set(&res, &res.original_message_id, "<m@x>", 5, 1024);
	ck_assert_int_eq(scan_text_cmd_only(&res), 1);
	rc->remote_mta = NULL;
	ck_assert_int_eq(scan_text_cmd_only(&res), 0);
	result_set(&res, &rc->remote_mta, "mx.dest.example", 15, 1024);
	rc->status[0] = '\0';
	ck_assert_int_eq(scan_text_cmd_only(&res), 0);
	memcpy(rc->status, "5.2.2", 6);
	rc->replycode[0] = '\0';
	ck_assert_int_eq(scan_text_cmd_only(&res), 0);
	memcpy(rc->replycode, "550", 4);
	result_set(&res, &rc->diagnostic, "smtp; 550 5.2.2", 15, 1024);
	ck_assert_int_eq(scan_text_cmd_only(&res), 0);	/* thin */
	result_set(&res, &rc->diagnostic, "550 mailbox full", 16, 1024);
	ck_assert_int_eq(scan_text_cmd_only(&res), 1);
	rc = result_add_rcpt(&res, 10);			/* and every one */
	ck_assert_ptr_nonnull(rc);
	result_set(&res, &rc->recipient, "quin@dest.example", 17, 1024);
	ck_assert_int_eq(scan_text_cmd_only(&res), 0);
}
END_TEST

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exim_paragraph);
	tcase_add_test(tc, test_postfix_said);
	tcase_add_test(tc, test_qmail_paragraphs_in_order);
	tcase_add_test(tc, test_sendmail_dots);
	tcase_add_test(tc, test_address_then_global_error);
	tcase_add_test(tc, test_office365_remote_server);
	tcase_add_test(tc, test_skip_own_addresses);
	tcase_add_test(tc, test_dedup_keeps_order);
	tcase_add_test(tc, test_sender_bounces_to_itself);
	tcase_add_test(tc, test_inner_reply_and_sent_by);
	tcase_add_test(tc, test_labelled_address);
	tcase_add_test(tc, test_complete_from_report_text);
	tcase_add_test(tc, test_delayed);
	tcase_add_test(tc, test_failed_recipients_header);
	tcase_add_test(tc, test_phrase_line);
	tcase_add_test(tc, test_complete_dsn);
	tcase_add_test(tc, test_complete_keeps_good_dsn_text);
	tcase_add_test(tc, test_complete_weak_brings_code);
	tcase_add_test(tc, test_complete_strong_code_kept);
	tcase_add_test(tc, test_cap_recipients);
	tcase_add_test(tc, test_field_cap);
	tcase_add_test(tc, test_not_addresses);
	tcase_add_test(tc, test_json_notification);
	tcase_add_test(tc, test_json_complaint_and_delivery);
	tcase_add_test(tc, test_dsn_pasted_in_text);
	tcase_add_test(tc, test_reason_paragraph_after_sentence);
	tcase_add_test(tc, test_smtp_command);
	tcase_add_test(tc, test_smtp_command_pipelined);
	tcase_add_test(tc, test_transcript_lines_per_recipient);
	tcase_add_test(tc, test_not_delayed_when_negated);
	tcase_add_test(tc, test_quoted_forward);
	tcase_add_test(tc, test_signature_address_is_no_recipient);
	tcase_add_test(tc, test_quoted_local_part);
	tcase_add_test(tc, test_exchange_hash_reply);
	tcase_add_test(tc, test_reply_quoting_is_no_report);
	tcase_add_test(tc, test_sendmail_summary_after_server_reply);
	tcase_add_test(tc, test_returned_msgid_lines);
	tcase_add_test(tc, test_cmd_only_when);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
