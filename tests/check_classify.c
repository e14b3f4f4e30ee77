/*
 * check_classify.c - unit tests for ruleset.c, rules_builtin.c and
 * classify.c: the hard-bounce rule, made-up statuses, codes found in the
 * text, rule order, administrator rules and their filters, aliases, and
 * the ruleset shared by threads.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <check.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "classify_text.h"
#include "rules_builtin.h"
#include "ruleset.h"
#include "ruleset_int.h"
#include "ruleset_host.h"
#include "ruleset_pat.h"

/* Classify one recipient with the built-in ruleset. */
static bt_rcpt run(const char *status, const char *reply, const char *diag,
		   const char *action, bt_class cls)
{
	bt_result r;
	bt_rcpt rc;

	memset(&r, 0, sizeof(r));
	memset(&rc, 0, sizeof(rc));
	rc.cls = cls;
	if (status)
		strcpy(rc.status, status);
	if (reply)
		strcpy(rc.replycode, reply);
	rc.diagnostic = (char *)diag;
	rc.action = (char *)action;
	rc.recipient = (char *)"kijitora@example.org";
	classify_rcpt(&rc, &r, NULL);
	return rc;
}

static bt_rcpt run_rs(const ruleset *rs, const char *status, const char *diag,
		      const char *remote);

static bt_rcpt failed_rcpt(const char *status, const char *diag)
{
	return run(status, NULL, diag, "failed", BT_CLASS_UNDETERMINED);
}

START_TEST(test_hard_rule)
{
	ck_assert_int_eq(classify_is_hard("userunknown", "5.1.1", NULL), 1);
	ck_assert_int_eq(classify_is_hard("userunknown", "4.1.1", NULL), 1);
	ck_assert_int_eq(classify_is_hard("hostunknown", "", NULL), 1);
	ck_assert_int_eq(classify_is_hard("hasmoved", "5.1.6", NULL), 1);
	ck_assert_int_eq(classify_is_hard("notaccept", "5.1.10", NULL), 1);
	ck_assert_int_eq(classify_is_hard("notaccept", "556", NULL), 1);
	ck_assert_int_eq(classify_is_hard("notaccept", "4.3.2", NULL), 0);
	ck_assert_int_eq(classify_is_hard("notaccept", "421", NULL), 0);
	ck_assert_int_eq(classify_is_hard("notaccept", "", "domain does not accept mail"), 1);
	ck_assert_int_eq(classify_is_hard("notaccept", NULL, NULL), 1);
	ck_assert_int_eq(classify_is_hard("notaccept", "", "Temporary: no MX answers"), 0);
	static const char *const never[] = {
		"delivered", "feedback", "vacation", "undefined", "onhold", "mailboxfull",
		"blocked", "suspend", "expired", "filtered", "rejected", "spamdetected",
	};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(classify_is_hard(never[i], "5.0.0", NULL) == 0, "%s", never[i]);
	ck_assert_int_eq(classify_is_hard(NULL, "5.1.1", NULL), 0);
}
END_TEST

/* Every built-in pattern (and host filter) compiles whole, as ruleset_new()
 * takes for granted: it compiles their parts only. */
START_TEST(test_builtin_patterns_compile)
{
	size_t n, i;
	const rules_builtin_rule *t = rules_builtin_table(&n);

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		const char *pats[2] = { t[i].pattern, t[i].host };
		int k;

		for (k = 0; k < 2; k++) {
			int err;
			PCRE2_SIZE off;
			pcre2_code *re;

			if (pats[k] == NULL)
				continue;
			re = pcre2_compile((PCRE2_SPTR)pats[k], PCRE2_ZERO_TERMINATED,
					   PCRE2_CASELESS, &err, &off, NULL);
			ck_assert_msg(re != NULL, "built-in rule %zu: \"%.60s\" at %zu", i, pats[k],
				      (size_t)off);
			pcre2_code_free(re);
		}
	}
}
END_TEST

START_TEST(test_class_map)
{
	ck_assert_int_eq(classify_class_of("userunknown", "5.1.1"), BT_CLASS_HARD);
	ck_assert_int_eq(classify_class_of("notaccept", "5.0.932"), BT_CLASS_HARD);
	ck_assert_int_eq(classify_class_of("notaccept", "4.0.932"), BT_CLASS_SOFT);
	ck_assert_int_eq(classify_class_of("blocked", "5.7.1"), BT_CLASS_BLOCK);
	ck_assert_int_eq(classify_class_of("authfailure", "5.7.26"), BT_CLASS_BLOCK);
	ck_assert_int_eq(classify_class_of("filtered", "5.0.910"), BT_CLASS_BLOCK);
	ck_assert_int_eq(classify_class_of("mailboxfull", "5.2.2"), BT_CLASS_SOFT);
	ck_assert_int_eq(classify_class_of("expired", "4.4.7"), BT_CLASS_SOFT);
	ck_assert_int_eq(classify_class_of("suspend", "5.2.1"), BT_CLASS_SOFT);
	ck_assert_int_eq(classify_class_of("ratelimited", NULL), BT_CLASS_SOFT);
	ck_assert_int_eq(classify_class_of("failedstarttls", NULL), BT_CLASS_BLOCK);
	ck_assert_int_eq(classify_class_of("undefined", "5.0.0"), BT_CLASS_UNDETERMINED);
	ck_assert_int_eq(classify_class_of("onhold", NULL), BT_CLASS_UNDETERMINED);
	ck_assert_int_eq(classify_class_of("vacation", NULL), BT_CLASS_AUTOREPLY);
	ck_assert_int_eq(classify_class_of("feedback", NULL), BT_CLASS_COMPLAINT);
	ck_assert_int_eq(classify_class_of("nosuchreason", NULL), BT_CLASS_UNDETERMINED);
	/* every reason name has its row (the table is searched by name) */
	static const char *const all[] = {
		"authfailure", "badreputation", "blocked", "contenterror", "delivered",
		"exceedlimit", "expired", "feedback", "filtered", "hasmoved",
		"hostunknown", "mailboxfull", "mailererror", "mesgtoobig",
		"networkerror", "norelaying", "notaccept", "notcompliantrfc",
		"policyviolation", "rejected", "requireptr", "securityerror",
		"spamdetected", "speeding", "suspend", "syntaxerror", "systemerror",
		"systemfull", "toomanyconn", "userunknown", "vacation",
		"virusdetected", "ratelimited", "emailtoolarge", "failedstarttls", "suppressed",
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ck_assert_msg(classify_class_of(all[i], "5.0.0") != BT_CLASS_UNDETERMINED, "%s",
			      all[i]);
}
END_TEST

START_TEST(test_synthetic_table)
{
	ck_assert_str_eq(classify_synthetic_status("userunknown", 0), "5.0.911");
	ck_assert_str_eq(classify_synthetic_status("userunknown", 1), "5.0.911");
	ck_assert_str_eq(classify_synthetic_status("hostunknown", 0), "5.0.912");
	ck_assert_str_eq(classify_synthetic_status("filtered", 0), "5.0.910");
	ck_assert_str_eq(classify_synthetic_status("filtered", 1), "4.0.924");
	ck_assert_str_eq(classify_synthetic_status("mailboxfull", 1), "4.0.922");
	ck_assert_str_eq(classify_synthetic_status("expired", 0), "5.0.947");
	ck_assert_str_eq(classify_synthetic_status("expired", 1), "4.0.947");
	ck_assert_str_eq(classify_synthetic_status("onhold", 0), "5.0.901");
	ck_assert_str_eq(classify_synthetic_status("undefined", 1), "4.0.900");
	ck_assert_str_eq(classify_synthetic_status("virusdetected", 1), "5.0.971");
	ck_assert_str_eq(classify_synthetic_status("spamdetected", 0), "5.0.980");
	ck_assert_str_eq(classify_synthetic_status("norelaying", 0), "5.0.909");
	ck_assert_str_eq(classify_synthetic_status("requireptr", 1), "4.0.973");
	ck_assert_ptr_null(classify_synthetic_status("delivered", 0));
	ck_assert_ptr_null(classify_synthetic_status("bogus", 0));
}
END_TEST

START_TEST(test_synthetic_in_rcpt)
{
	bt_rcpt rc = failed_rcpt(NULL, "550 Unknown user kijitora@example.co.jp");

	ck_assert_str_eq(rc.reason, "userunknown");
	ck_assert_str_eq(rc.status, "5.0.911");
	ck_assert_int_eq(rc.status_synthetic, 1);
	ck_assert_str_eq(rc.replycode, "550");
	ck_assert_str_eq(rc.description, "User's mailbox was unavailable (such as not found).");
	ck_assert_int_eq(rc.hard, 1);
	ck_assert_int_eq(rc.cls, BT_CLASS_HARD);

	/* a 4xx reply picks the temporary column */
	rc = failed_rcpt(NULL, "452 Mailbox is full, try later");
	ck_assert_str_eq(rc.reason, "mailboxfull");
	ck_assert_str_eq(rc.status, "4.0.922");
	ck_assert_int_eq(rc.cls, BT_CLASS_SOFT);

	/* nothing at all: onhold */
	rc = failed_rcpt(NULL, NULL);
	ck_assert_str_eq(rc.reason, "onhold");
	ck_assert_str_eq(rc.status, "5.0.901");
	ck_assert_int_eq(rc.cls, BT_CLASS_UNDETERMINED);

	/* text without a known cause and without any code: too little to
	 * decide, onhold; with a code whose meaning is unknown: undefined */
	rc = failed_rcpt(NULL, "the frobnicator declined politely");
	ck_assert_str_eq(rc.reason, "onhold");
	ck_assert_str_eq(rc.status, "5.0.901");
	ck_assert_int_eq(rc.hard, 0);
	rc = failed_rcpt(NULL, "550 the frobnicator declined politely");
	ck_assert_str_eq(rc.reason, "undefined");
	ck_assert_str_eq(rc.status, "5.0.900");
	ck_assert_int_eq(rc.hard, 0);
}
END_TEST

/* A cause retried until the MTA gave up, or named by a delay notice, was a
 * temporary failure: the temporary column of the made-up codes. */
START_TEST(test_synthetic_temporary_cause)
{
	bt_rcpt rc = failed_rcpt(NULL, "save to x generated by x mailbox is full: retry timeout exceeded");

	ck_assert_str_eq(rc.reason, "mailboxfull");
	ck_assert_str_eq(rc.status, "4.0.922");
	rc = failed_rcpt(NULL, "all hosts have been failing for a long time and were last tried "
			 "after this message arrived");
	ck_assert_str_eq(rc.reason, "expired");
	ck_assert_str_eq(rc.status, "4.0.947");
	/* a bare retry timeout names no cause */
	rc = failed_rcpt(NULL, "retry timeout exceeded");
	ck_assert_str_eq(rc.reason, "expired");
	ck_assert_str_eq(rc.status, "5.0.947");
	/* Gmail's delay notice: the server refused the connections */
	rc = run(NULL, NULL, "The recipient server did not accept our requests to connect.",
		 "delayed", BT_CLASS_DELAYED);
	ck_assert_str_eq(rc.reason, "expired");
	ck_assert_str_eq(rc.status, "4.0.947");
	rc = failed_rcpt(NULL, "The recipient server did not accept our requests to connect.");
	ck_assert_str_eq(rc.status, "5.0.947");
	/* a PTR refusal given to MAIL FROM keeps onhold's made-up code */
	rc = failed_rcpt(NULL, "SMTP error from remote mail server after MAIL FROM:<a@example.com> "
			 "SIZE=1024: 551 Server access forbidden by invalid RDNS record of your mail server");
	ck_assert_str_eq(rc.reason, "requireptr");
	ck_assert_str_eq(rc.status, "5.0.901");
	rc = failed_rcpt(NULL, "SMTP error from remote mail server after initial connection: "
			 "571 No PTR Record found.");
	ck_assert_str_eq(rc.reason, "requireptr");
	ck_assert_str_eq(rc.status, "5.0.973");
	/* a delay notice with no cause stays permanent */
	rc = run(NULL, NULL, "THIS IS A WARNING MESSAGE ONLY.", "delayed", BT_CLASS_DELAYED);
	ck_assert_str_eq(rc.reason, "expired");
	ck_assert_str_eq(rc.status, "5.0.947");
}
END_TEST

START_TEST(test_status_from_text)
{
	bt_rcpt rc = failed_rcpt(NULL, "host mx.example.org[192.0.2.1] said: 550 5.1.1 <a@b>: "
			  "Recipient address rejected: User unknown (in reply to RCPT TO command)");

	ck_assert_str_eq(rc.status, "5.1.1");
	ck_assert_int_eq(rc.status_synthetic, 0);
	ck_assert_str_eq(rc.replycode, "550");
	ck_assert_str_eq(rc.reason, "userunknown");
	ck_assert_str_eq(rc.description, "Bad destination mailbox address");

	/* IP address fragments and version numbers are no status */
	rc = failed_rcpt(NULL, "connect to 192.4.2.5: Connection refused (Postfix 5.4.1.2)");
	ck_assert_int_eq(rc.status_synthetic, 1);
	ck_assert_str_eq(rc.reason, "networkerror");
	ck_assert_str_eq(rc.status, "5.0.944");

	rc = failed_rcpt(NULL, "421 4.7.0 [TSS04] Messages from 192.0.2.192 temporarily deferred "
		  "due to unexpected volume or user complaints - 4.16.55.1; see https://example");
	ck_assert_str_eq(rc.status, "4.7.0");
	ck_assert_str_eq(rc.replycode, "421");

	/* a generic Status field gives way to the code the remote server sent */
	rc = failed_rcpt("5.0.0", "554 5.7.1 <kijitora@example.org>: Relay access denied");
	ck_assert_str_eq(rc.status, "5.7.1");
	ck_assert_str_eq(rc.reason, "norelaying");
	ck_assert_int_eq(rc.cls, BT_CLASS_BLOCK);

	/* qmail style (#5.7.1) */
	rc = failed_rcpt("5.1.3", "553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)");
	ck_assert_str_eq(rc.status, "5.7.1");
	ck_assert_str_eq(rc.reason, "filtered");

	/* the last reply+code pair: the remote's answer quoted by the relay */
	rc = failed_rcpt("4.4.7", "554 4.4.7 Message expired: unable to deliver in 840 minutes."
		  "<421 4.4.2 Connection timed out>");
	ck_assert_str_eq(rc.status, "4.4.2");
	ck_assert_str_eq(rc.replycode, "421");
	ck_assert_str_eq(rc.reason, "expired");
}
END_TEST

START_TEST(test_codes_decide)
{
	/* a specific code with a default reason and no telling text */
	bt_rcpt rc = failed_rcpt("5.2.2", "550 5.2.2 sorry");

	ck_assert_str_eq(rc.reason, "mailboxfull");
	rc = failed_rcpt("5.7.26", NULL);
	ck_assert_str_eq(rc.reason, "authfailure");
	ck_assert_int_eq(rc.status_synthetic, 0);
	rc = failed_rcpt("5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* a generic code: the text decides */
	rc = failed_rcpt("5.7.1", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org");
	ck_assert_str_eq(rc.reason, "blocked");
	rc = failed_rcpt("5.0.0", "550 5.0.0 sorry");
	ck_assert_str_eq(rc.reason, "undefined");
	/* X.2.3 with a size text stays exceedlimit */
	rc = failed_rcpt("5.2.3", "552 5.2.3 Message size exceeds fixed maximum message size (10485760)");
	ck_assert_str_eq(rc.reason, "exceedlimit");
	rc = failed_rcpt("5.3.4", "552 5.3.4 Message size exceeds fixed maximum message size (10485760)");
	ck_assert_str_eq(rc.reason, "mesgtoobig");
	/* a code the table lacks: its subject's default, after the text */
	rc = failed_rcpt("5.6.211", "554 5.6.211 Cannot process the message body");
	ck_assert_str_eq(rc.reason, "contenterror");
	rc = failed_rcpt("4.4.318", "451 4.4.318 Connection was closed abruptly");
	ck_assert_str_eq(rc.reason, "networkerror");
	rc = failed_rcpt("5.1.999", "550 5.1.999 Mailbox full");
	ck_assert_str_eq(rc.reason, "mailboxfull");
	/* x-unix: a local delivery program */
	{
		bt_result r;
		bt_rcpt x;

		memset(&r, 0, sizeof(r));
		memset(&x, 0, sizeof(x));
		x.diagnostic = (char *)"127";
		x.diagnostic_type = (char *)"X-Unix";
		x.cls = BT_CLASS_UNDETERMINED;
		strcpy(x.status, "5.0.0");
		classify_rcpt(&x, &r, NULL);
		ck_assert_str_eq(x.reason, "mailererror");
	}
}
END_TEST

START_TEST(test_phrasings)
{
	static const char *const cases[][2] = {
		{ "550 5.7.1 Relaying denied. IP name lookup failed [192.0.2.254]", "norelaying" },
		{ "450 4.7.1 Access denied. IP name lookup failed [192.0.2.222]", "requireptr" },
		{ "550 Connection frequency limited [abc Blocked IP 192.0.2.22]", "toomanyconn" },
		{ "553 http://www.spamhaus.org/query/bl?ip=192.0.2.222", "blocked" },
		{ "550-5.7.1 This message is not RFC 5322 compliant. There are multiple Subject "
		  "550-5.7.1 headers. To reduce the amount of spam sent to Gmail, this message has "
		  "550-5.7.1 been blocked.", "notcompliantrfc" },
		{ "550-5.7.1 [2401:2500::1 13] Messages with multiple 550 5.7.1 addresses in From: "
		  "header are not accepted.", "notcompliantrfc" },
		{ "550 5.7.1 Message content rejected, UBE, id=00000-00-000", "spamdetected" },
		{ "550 Virus Detected; Content Rejected", "virusdetected" },
		{ "550-5.7.26 Unauthenticated email from example.org is not accepted due to "
		  "domain's DMARC policy.", "authfailure" },
		{ "550 Unauthenticated senders not allowed", "securityerror" },
		{ "550 5.1.6 recipient no longer on server: kijitora@example.jp", "hasmoved" },
		{ "550-5.2.1 The email account that you tried to reach is disabled.", "suspend" },
		{ "552 5.2.2 Mailbox full", "mailboxfull" },
		{ "552-5.2.2 The recipient's inbox is out of storage space", "mailboxfull" },
		{ "Host or domain name not found. Name service error for name=example.jp type=A: "
		  "Host not found", "hostunknown" },
		{ "DNS Error: DNS type 'mx' lookup of libsisimai.org responded with code NOERROR The "
		  "domain libsisimai.org doesn't receive email according to the administrator: "
		  "returned Null MX", "notaccept" },
		{ "connect to nyaan.example.com[192.0.2.2]:25: No route to host", "networkerror" },
		{ "550 4.4.7 QUEUE.Expired; message expired", "expired" },
		{ "501 5.1.8 Sender address rejected", "rejected" },
		{ "503 Improper sequence of commands", "syntaxerror" },
		{ "554 Message not allowed - DM Email not accepted for policy reasons.", "policyviolation" },
		{ "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to "
		  "IP reputation.", "badreputation" },
		{ "550 5.4.1 [kijitora@example.org]: Recipient address rejected: Access denied", "userunknown" },
		{ "550 5.7.1 <kijitora@example.com>: Recipient address rejected: User kijitora@example.com "
		  "temporary locked. Please try again later!", "suspend" },
		{ "550-5.2.1 The user you are trying to contact is receiving mail at a rate that "
		  "prevents additional messages from being delivered.", "speeding" },
		{ "552 5.6.0 Headers too large (3 max)", "contenterror" },
		{ "550 SC-001 (BAY0-MC1-F1) Unfortunately, messages from 192.0.2.1 weren't sent.",
		  "blocked" },
		{ "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred",
		  "blocked" },
		{ "550 5.4.5 Daily user sending quota exceeded.", "speeding" },
		{ "552 Requested mail action aborted: exceeded storage allocation", "mailboxfull" },
		{ "550 Addressee unknown, relay=[192.0.2.1]", "userunknown" },
		{ "550 5.7.1 <mx.example>: Helo command rejected: Host not found", "blocked" },
		{ "550 Unrouteable address", "hostunknown" },
		{ "553 5.3.0 flpd575 DNSBL:RBL 521< 192.0.2.1 >_is_blocked", "blocked" },
		{ "554 5.7.1 [CS01] Message rejected due to local policy.", "policyviolation" },
		{ "550 5.7.1 Relaying denied. Proper authentication required.", "norelaying" },
		{ "421 Too many concurrent SMTP connections; please try again later.", "toomanyconn" },
		{ "530 5.7.0 Must issue a STARTTLS command first", "securityerror" },
		{ "The email account that you tried to reach does not exist.", "userunknown" },
		{ "The email account that you tried to reach is disabled.", "suspend" },
		{ "Server rejected MAIL FROM address", "rejected" },
		{ "/usr/bin/perl: bad interpreter: No such file or directory", "mailererror" },
		{ "No connection could be made because the target computer actively refused it",
		  "networkerror" },
		{ "550 We do not accept mail from your network", "blocked" },
		{ "550 Sender address denied", "rejected" },
		{ "550 5.1.10 The domain example.net does not accept email (null MX)", "notaccept" },
		{ "550 5.7.1 <a@example.net>: Recipient address rejected: Blocked. See https://x/#b",
		  "blocked" },
		{ "550 5.7.1 <a@example.net>: Recipient address rejected: Mailbox disabled", "suspend" },
		{ "554 Your IP address 192.0.2.1 does not have a valid PTR record", "requireptr" },
		{ "550 Mail from dynamic IP addresses is not accepted", "blocked" },
		/* Notes/Domino in Japanese, ISO-2022-JP left undecoded and UTF-8:
		 * "not in the directory list", "not found in the directory" */
		{ "------- Failure Reasons -------- \x1b$B%G%#%l%/%H%j$N%j%9%H$K$\"$j$^$;$s\x1b(B "
		  "a@example.jp", "userunknown" },
		{ "\x1b$B%f!<%6!<\x1b(BNeko (a@example.jp) \x1b$B$O\x1b(B Domino "
		  "\x1b$B%G%#%l%/%H%j$K$O8+$D$+$j$^$;$s!#\x1b(B", "userunknown" },
		{ "Neko (a@example.jp) \xe3\x81\xaf Domino \xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac"
		  "\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa\xe3\x81\xab\xe3\x81\xaf\xe8\xa6\x8b"
		  "\xe3\x81\xa4\xe3\x81\x8b\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93",
		  "userunknown" },
		{ "550 5.0.0 <a@example.net>: Recipient address rejected: On hold", "onhold" },
		/* "recipient address rejected" names its cause after the colon;
		 * alone, with a generic code, it means the address */
		{ "550 5.0.0 <a@example.net>: Recipient address rejected: Filtered. See x", "filtered" },
		{ "550 5.0.0 <a@example.net>: Recipient address rejected: Suspended. See x", "suspend" },
		{ "550 5.0.0 <a@example.net>: Recipient address rejected", "userunknown" },
		{ "550 5.7.1 Message not compliant with RFC 5322", "notcompliantrfc" },
		{ "554 Email rejected due to security policies - https://example.com/docs#554",
		  "policyviolation" },
		{ "550 Rejected by header based Anti-Spoofing policy: a@example.com", "policyviolation" },
		{ "554 Maximum email size exceeded", "mesgtoobig" },
		{ "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", "norelaying" },
		{ "451 Temporary local problem - please try later", "systemerror" },
		{ "500 Remote server does not support TLS (state 6).", "systemerror" },
		{ "550 'a@example.net' is not a registered gateway user", "rejected" },
		/* a MIME preamble is no delivery-program failure */
		{ "This is a MIME-formatted message. Portions of this message may be unreadable "
		  "without a MIME-capable mail program. Delivery to the host timed out", "expired" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bt_rcpt rc = failed_rcpt(NULL, cases[i][0]);

		ck_assert_msg(strcmp(rc.reason, cases[i][1]) == 0, "\"%.50s\": got %s, want %s",
			      cases[i][0], rc.reason, cases[i][1]);
	}
}
END_TEST

START_TEST(test_command_phase)
{
	bt_rcpt rc = failed_rcpt(NULL, "host mx.example.jp said: 550 Unknown user kijitora@example.jp "
			  "(in reply to end of DATA command)");

	ck_assert_str_eq(rc.reason, "filtered");
	ck_assert_int_eq(rc.hard, 0);
	{
		bt_result r;
		bt_rcpt x;

		memset(&r, 0, sizeof(r));
		memset(&x, 0, sizeof(x));
		x.cls = BT_CLASS_UNDETERMINED;
		x.diagnostic = (char *)"550 <kijitora@example.org>: User unknown";
		strcpy(x.smtp_command, "DATA");
		classify_rcpt(&x, &r, NULL);
		ck_assert_str_eq(x.reason, "filtered");
		strcpy(x.smtp_command, "RCPT");
		x.cls = BT_CLASS_UNDETERMINED;
		classify_rcpt(&x, &r, NULL);
		ck_assert_str_eq(x.reason, "userunknown");
		/* the address-less shape is au's sender filter, at any phase */
		x.diagnostic = (char *)"550 : User unknown";
		x.cls = BT_CLASS_UNDETERMINED;
		classify_rcpt(&x, &r, NULL);
		ck_assert_str_eq(x.reason, "filtered");
	}
}
END_TEST

/* Classify one failed recipient of a report with the given format, From
 * and Subject. */
static const char *report_mailer;	/* X-Mailer of the next run_report() */

static const char *report_rcpt;		/* recipient of the next run_report() */

static bt_rcpt run_report(const char *format, const char *from, const char *subject,
			  const char *status, const char *diag)
{
	bt_result r;
	bt_rcpt rc;

	memset(&r, 0, sizeof(r));
	memset(&rc, 0, sizeof(rc));
	rc.recipient = (char *)report_rcpt;
	r.mailer = (char *)report_mailer;
	r.format = format;
	r.from = (char *)from;
	r.subject = (char *)subject;
	rc.cls = BT_CLASS_UNDETERMINED;
	if (status)
		strcpy(rc.status, status);
	rc.diagnostic = (char *)diag;
	rc.action = (char *)"failed";
	classify_rcpt(&rc, &r, NULL);
	return rc;
}

/* A filtering gateway's phrase is found at every place in the field, in
 * either case, around the vector blocks' edges (classify.c looks sixteen
 * places at a time with SSE2, one by one without: both builds run this),
 * and not when the field ends inside it. */
START_TEST(test_gateway_phrase_places)
{
	static const char phrase[] = "Mail Deliver System";
	char from[96];
	size_t at, pl = sizeof(phrase) - 1;
	int cut;

	for (at = 0; at + pl + 2 < sizeof(from); at++)
		for (cut = 0; cut < 2; cut++) {
			bt_rcpt rc;
			size_t k;

			memset(from, 'x', at);
			for (k = 0; k < pl; k++)	/* mixed case */
				from[at + k] = (char)((at + k) % 2 ? phrase[k] : phrase[k] ^
					(((unsigned)(phrase[k] | 0x20) - 'a') < 26u ? 0x20 : 0));
			from[at + pl - (size_t)cut] = '\0';	/* cut: the last letter missing */
			rc = run_report("text", from, "Returned Mail: User unknown", NULL,
					"[User unknown]");
			ck_assert_msg(strcmp(rc.reason, cut ? "userunknown" : "filtered") == 0,
				      "phrase at %zu (cut %d): %s", at, cut, rc.reason);
		}
}
END_TEST

/* "User unknown" means a bad mailbox only when it answered RCPT TO. */
START_TEST(test_unknown_outside_rcpt)
{
	/* Postfix names the command of every refusal it quotes: none named */
	bt_rcpt rc = run_report("postfix", NULL, NULL, NULL,
				"host mx.example.jp[192.0.2.2] said: 550 <a@example.jp>: User unknown");

	ck_assert_str_eq(rc.reason, "filtered");
	ck_assert_str_eq(rc.status, "5.0.910");
	ck_assert_int_eq(rc.hard, 0);
	rc = run_report("postfix", NULL, NULL, NULL,
			"host mx.example.jp[192.0.2.2] said: 550 <a@example.jp>: User unknown "
			"(in reply to RCPT TO command)");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* au's sender filter: "550 : User unknown", even under Exchange's
	 * 5.1.351 "remote server returned", which quotes the next server */
	rc = run_report("rfc3464", NULL, NULL, "5.1.351", "550 5.1.351 Remote server returned unknown "
			"recipient or mailbox unavailable -> 550 : User unknown");
	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_report("rfc3464", NULL, NULL, "5.1.351", "550 5.1.351 Remote server returned unknown "
			"recipient or mailbox unavailable -> 550 <a@example.jp>: User unknown");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* ... unless the code itself says bad mailbox */
	rc = run_report("postfix", NULL, NULL, "5.1.10", "host mx.example.jp[192.0.2.2] said: 550 5.1.10 "
			"RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* a report of unknown shape that names no command: left alone */
	rc = run_report("text", NULL, NULL, NULL, "550 Unknown user: a@example.jp");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* filtering gateways: X1, ActiveHunter, MailFoundry */
	rc = run_report("text", "\"Mail Deliver System\" <MAILER-DAEMON@example.jp>",
			"Returned Mail: User unknown", NULL, "[User unknown]");
	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_report("text", NULL, "FAILURE NOTICE : hello", NULL, "550 <a@example.jp>: No such user");
	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_report("text", NULL, NULL, NULL, "Unable to deliver message to: <a@example.org> "
			"Delivery failed for the following reason: Server mx.example.org[192.0.2.2] "
			"failed with: 550 <a@example.org> No such user here");
	ck_assert_str_eq(rc.reason, "filtered");
	report_mailer = "SurfControl E-mail Filter";
	rc = run_report("rfc3464", NULL, NULL, "5.0.0", "550 a@example.com... No such user");
	ck_assert_str_eq(rc.reason, "filtered");
	report_mailer = NULL;
	rc = run_report("rfc3464", NULL, NULL, "5.0.0", "550 a@example.com... No such user");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* Apache James; Verizon's SMS gateway means the number */
	report_rcpt = "0000@vtext.example.com";
	rc = run_report("james", NULL, NULL, NULL, "550 - Requested action not taken: no such user here");
	ck_assert_str_eq(rc.reason, "filtered");
	report_rcpt = "0000@vtext.com";
	rc = run_report("james", NULL, NULL, NULL, "550 - Requested action not taken: no such user here");
	ck_assert_str_eq(rc.reason, "userunknown");
	report_rcpt = NULL;
	/* X.2.1, mailbox disabled: the mailbox exists; unknown only at RCPT */
	rc = run_report("rfc3464", NULL, NULL, "5.2.1", "550 5.2.1 <a@example.jp>... User Unknown");
	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_report("qmail", NULL, NULL, "5.2.1", "192.0.2.2 does not like recipient. Remote host "
			"said: 550 5.2.1 <a@example.jp>... User Unknown");
	ck_assert_str_eq(rc.reason, "userunknown");
	rc = run_report("gmail", NULL, NULL, "5.3.0", "SMTP:RCPT host 192.0.2.8: 553 5.3.0 "
			"<a@example.com>... No such user here");
	ck_assert_str_eq(rc.reason, "userunknown");
}
END_TEST

/* X.1.1 says bad mailbox, but a reply that says the mailbox is full shows
 * the mailbox exists. */
START_TEST(test_full_under_bad_mailbox)
{
	bt_rcpt rc = failed_rcpt(NULL, "552 sorry, mailbox a@example.org is over quota temporarily (#5.1.1)");

	ck_assert_str_eq(rc.status, "5.1.1");
	ck_assert_str_eq(rc.reason, "mailboxfull");
	ck_assert_int_eq(rc.hard, 0);
	rc = failed_rcpt("5.1.1", "550 5.1.1 <a@example.org>... User unknown");
	ck_assert_str_eq(rc.reason, "userunknown");
}
END_TEST

/* X.4.7 is the sending MTA's own "gave up": the text names the cause; a
 * connection that kept failing is the expiry itself. */
START_TEST(test_gave_up_code)
{
	bt_rcpt rc = failed_rcpt("4.4.7", "Deferred: Name server: example.co.jp.: host name lookup failure");

	ck_assert_str_eq(rc.reason, "networkerror");
	rc = failed_rcpt("4.4.7", "Unable to deliver message to the following recipients, due to being "
			 "unable to connect successfully to the destination mail server.");
	ck_assert_str_eq(rc.reason, "expired");
	rc = failed_rcpt("4.4.7", "message expired");
	ck_assert_str_eq(rc.reason, "expired");
	rc = failed_rcpt("4.4.7", "the frobnicator declined");
	ck_assert_str_eq(rc.reason, "expired");
}
END_TEST

/* x-unix: a local program failed, unless an SMTP reply stands for it. */
START_TEST(test_x_unix)
{
	bt_result r;
	bt_rcpt rc;

	memset(&r, 0, sizeof(r));
	memset(&rc, 0, sizeof(rc));
	rc.cls = BT_CLASS_UNDETERMINED;
	rc.diagnostic_type = (char *)"x-unix";
	rc.diagnostic = (char *)"procmail: Couldn't create \"/var/spool/mail/neko\"";
	classify_rcpt(&rc, &r, NULL);
	ck_assert_str_eq(rc.reason, "mailererror");
	memset(&rc, 0, sizeof(rc));
	rc.cls = BT_CLASS_UNDETERMINED;
	rc.diagnostic_type = (char *)"x-unix";
	strcpy(rc.status, "5.3.0");
	rc.diagnostic = (char *)"550 5.0.0 <a@example.or.jp>... Insufficient permission";
	classify_rcpt(&rc, &r, NULL);
	ck_assert_str_eq(rc.reason, "systemerror");
}
END_TEST

/* The sending MTA's own category (PowerMTA) decides over the text. */
START_TEST(test_mta_category)
{
	bt_result r;
	bt_rcpt rc;

	memset(&r, 0, sizeof(r));
	memset(&rc, 0, sizeof(rc));
	rc.cls = BT_CLASS_UNDETERMINED;
	strcpy(rc.status, "5.0.0");
	strcpy(rc.mta_category, "bad-mailbox");
	rc.diagnostic = (char *)"554 delivery error: dd This user doesn't have a example.com account";
	classify_rcpt(&rc, &r, NULL);
	ck_assert_str_eq(rc.reason, "userunknown");
	ck_assert_int_eq(rc.hard, 1);
	memset(&rc, 0, sizeof(rc));
	rc.cls = BT_CLASS_UNDETERMINED;
	strcpy(rc.mta_category, "quota-issues");
	rc.diagnostic = (char *)"552 sorry, no";
	classify_rcpt(&rc, &r, NULL);
	ck_assert_str_eq(rc.reason, "mailboxfull");
	ck_assert_str_eq(rc.status, "5.0.922");
	/* a category that says little leaves the text to decide */
	memset(&rc, 0, sizeof(rc));
	rc.cls = BT_CLASS_UNDETERMINED;
	strcpy(rc.mta_category, "other");
	rc.diagnostic = (char *)"550 Mailbox is full";
	classify_rcpt(&rc, &r, NULL);
	ck_assert_str_eq(rc.reason, "mailboxfull");
}
END_TEST

/* A host-filtered built-in rule: Japanese carriers' "user unknown" behind
 * a relay status is their sender filter; X.1.1 still decides. */
START_TEST(test_builtin_host_rule)
{
	bt_rcpt rc = run_rs(NULL, "5.2.0", "550 Unknown user neko@docomo.ne.jp", "mfsmax.docomo.ne.jp");

	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_rs(NULL, "5.1.1", "550 Unknown user neko@docomo.ne.jp", "mfsmax.docomo.ne.jp");
	ck_assert_str_eq(rc.reason, "userunknown");
	rc = run_rs(NULL, "5.2.0", "550 Unknown user neko@example.net", "mx.example.net");
	ck_assert_str_eq(rc.reason, "userunknown");
	/* Orange's numbered refusals */
	rc = run_rs(NULL, "4.0.0", "421 mwinf ME Service refuse. Veuillez essayer plus tard. Service "
		    "refused, please try later. OFR_999 [999]", "smtp-in.orange.fr");
	ck_assert_str_eq(rc.reason, "blocked");
	rc = run_rs(NULL, "4.2.0", "421 4.2.0 Service refuse. Veuillez essayer plus tard. Service "
		    "refused, please try later. OFR005_505 [505]", "smtp-in.orange.fr");
	ck_assert_str_eq(rc.reason, "systemerror");
	rc = run_rs(NULL, "4.2.0", "421 4.2.0 Service refused, please try later. [505]", "mx.example.net");
	ck_assert_str_ne(rc.reason, "systemerror");
}
END_TEST

/* The reason comes from the server's words, never from the local part of
 * an address it quotes; au's EZweb refusal is recognised by its wording. */
START_TEST(test_address_not_words)
{
	bt_rcpt rc = run_rs(NULL, "5.0.0", "550 <rejected-by-the-domain-filter@example.net> "
			    "Requested action not taken", "mx.example.net");

	ck_assert_str_ne(rc.reason, "filtered");
	rc = run_rs(NULL, "5.0.0", "550 <blocked@example.net> Requested action not taken",
		    "mx.example.net");
	ck_assert_str_ne(rc.reason, "blocked");
	/* the same words outside an address still count */
	rc = run_rs(NULL, "5.0.0", "550 <neko@example.net> rejected by the domain filter",
		    "mx.example.net");
	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_rs(NULL, NULL, "<neko@ezweb.ne.jp> Each of the following recipients was rejected "
		    "by a remote mail server.", "ezweb.ne.jp");
	ck_assert_str_eq(rc.reason, "filtered");
	rc = run_rs(NULL, NULL, "<neko@example.net> Each of the following recipients was rejected "
		    "by a remote mail server.", "mx.example.net");
	ck_assert_str_ne(rc.reason, "filtered");
}
END_TEST

START_TEST(test_classes_left_alone)
{
	bt_rcpt rc = run("2.1.5", "250", "250 2.1.5 Ok", "delivered", BT_CLASS_DELIVERED);

	ck_assert_ptr_null(rc.reason);
	ck_assert_int_eq(rc.cls, BT_CLASS_DELIVERED);
	rc = run(NULL, NULL, NULL, NULL, BT_CLASS_AUTOREPLY);
	ck_assert_ptr_null(rc.reason);
	ck_assert_int_eq(rc.cls, BT_CLASS_AUTOREPLY);
	rc = run(NULL, NULL, NULL, NULL, BT_CLASS_COMPLAINT);
	ck_assert_int_eq(rc.cls, BT_CLASS_COMPLAINT);

	/* delayed: reason and status computed, class kept */
	rc = run("4.2.2", NULL, "452 4.2.2 Mailbox full", "delayed", BT_CLASS_DELAYED);
	ck_assert_str_eq(rc.reason, "mailboxfull");
	ck_assert_int_eq(rc.cls, BT_CLASS_DELAYED);
	rc = run("4.4.0", NULL, NULL, "delayed", BT_CLASS_DELAYED);
	ck_assert_str_eq(rc.reason, "expired");
	ck_assert_int_eq(rc.cls, BT_CLASS_DELAYED);
	/* a delayed DSN alone is not a temporary cause: the made-up status
	 * follows the reply code or the text */
	rc = run(NULL, NULL, NULL, "delayed", BT_CLASS_DELAYED);
	ck_assert_str_eq(rc.status, "5.0.947");
	rc = run(NULL, NULL, "421 try again later", "delayed", BT_CLASS_DELAYED);
	ck_assert_str_eq(rc.status, "4.0.930");
	ck_assert_int_eq(rc.cls, BT_CLASS_DELAYED);
}
END_TEST

START_TEST(test_classify_result_all)
{
	bt_result r;
	bt_rcpt rcpts[2];

	memset(&r, 0, sizeof(r));
	memset(rcpts, 0, sizeof(rcpts));
	rcpts[0].cls = rcpts[1].cls = BT_CLASS_UNDETERMINED;
	rcpts[0].diagnostic = (char *)"550 5.1.1 <a@example.jp>... User Unknown";
	rcpts[1].diagnostic = (char *)"550 5.2.2 <b@example.jp>... Mailbox Full";
	r.rcpt = rcpts;
	r.nrcpt = 2;
	classify_result(&r, NULL);
	ck_assert_str_eq(rcpts[0].reason, "userunknown");
	ck_assert_int_eq(rcpts[0].cls, BT_CLASS_HARD);
	ck_assert_str_eq(rcpts[1].reason, "mailboxfull");
	ck_assert_int_eq(rcpts[1].cls, BT_CLASS_SOFT);
	classify_result(NULL, NULL);
}
END_TEST

/* Random bytes, long texts and odd codes: always a known reason, a
 * well-formed status, a consistent class; no crash (run under ASan). */
START_TEST(test_random_input)
{
	static char buf[8192];
	unsigned seed = 12345;
	int i;

	for (i = 0; i < 3000; i++) {
		size_t n = (size_t)(rand_r(&seed) % (i % 10 == 0 ? sizeof(buf) - 1 : 300)), k;
		static const char alphabet[] = "0123456789.- 45x:;'<>#(550 5.1.1 user unknown\t\n";
		bt_rcpt rc;

		for (k = 0; k < n; k++) {
			int r = rand_r(&seed);

			buf[k] = (r & 1) ? alphabet[(r >> 1) % (sizeof(alphabet) - 1)]
					 : (char)(1 + (r >> 1) % 255);
		}
		buf[n] = '\0';
		rc = failed_rcpt((i & 3) == 0 ? "5.1.1" : (i & 3) == 1 ? "9.9" : NULL, buf);
		ck_assert(rc.reason != NULL && ruleset_valid_reason(rc.reason, NULL));
		ck_assert(rc.status[0] == '\0' || codes_valid_enhanced(rc.status));
		ck_assert(rc.replycode[0] == '\0' || codes_valid_reply(rc.replycode));
		if (strcmp(rc.reason, "userunknown") == 0 || strcmp(rc.reason, "hostunknown") == 0 ||
		    strcmp(rc.reason, "hasmoved") == 0)
			ck_assert_int_eq(rc.hard, 1);
		else if (strcmp(rc.reason, "notaccept") != 0)
			ck_assert_int_eq(rc.hard, 0);
		ck_assert_int_eq(rc.cls == BT_CLASS_HARD, rc.hard);
	}
}
END_TEST

/* classify_text_fold() (blocks, and the last bytes as a block that
 * overlaps; with AVX2 and without) gives what folding byte by byte gives:
 * random texts of
 * words, runs of white space and control bytes, of every length around
 * the blocks' edges, with output caps below and above their length. */
static size_t fold_ref(const char *t, char *buf, char *low, size_t len)
{
	size_t n = 0;
	int space = 1;

	for (; *t != '\0' && n + 1 < len; t++) {
		unsigned char c = (unsigned char)*t;

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (!space) {
				buf[n] = low[n] = ' ';
				n++;
			}
			space = 1;
			continue;
		}
		buf[n] = (char)c;
		low[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		space = 0;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = low[n] = '\0';
	return n;
}

START_TEST(test_fold_blocks)
{
	static char text[300], b0[300], l0[300], b1[300], l1[300];
	unsigned seed = 77;
	int i, top = classify_text_simd(2);

	for (i = 0; i < 40000; i++) {
		size_t n = (size_t)rand_r(&seed) % 120, k, cap, r0, r1;
		int kind = rand_r(&seed) % 4;

		for (k = 0; k < n; k++) {
			int r = rand_r(&seed);

			text[k] = (kind == 0 || r % 8 != 0) ? "abcXYZ.-5@"[(r >> 4) % 10] :
				  " \t\n\r\x01\x7f\xc3 "[(r >> 4) % 8];
		}
		text[n] = '\0';
		cap = (size_t)(rand_r(&seed) % 3 == 0 ? 1 + rand_r(&seed) % 90 : 300);
		memset(b1, 'q', sizeof(b1));
		memset(l1, 'q', sizeof(l1));
		r0 = fold_ref(text, b0, l0, cap);
		classify_text_simd(i % 2 == 0 ? 0 : top);	/* each level in turn */
		r1 = classify_text_fold(text, b1, l1, cap);
		ck_assert_uint_eq(r0, r1);
		ck_assert_str_eq(b0, b1);
		ck_assert_str_eq(l0, l1);
	}
	classify_text_simd(top);
}
END_TEST

/* The literal scan's and search's vector code (ruleset_lit_simd()) find
 * what the plain code finds: random texts made of the built-in literals,
 * pieces of them and other bytes, of every length around the vector
 * blocks' edges. */
START_TEST(test_lit_scan_levels)
{
	const ruleset *rs = ruleset_builtin();
	static ruleset_lit_text t0, t2;
	/* each level the CPU has above the plain code, tried in turn */
	static const int levels[] = { 3, 2 };
	static char buf[RULESET_MAX_TEXT + 16];
	unsigned seed = 4242;
	int i, lv, top = ruleset_lit_simd(-1);
	size_t nw = (rs->lit.nids + 63) / 64, nr = (rs->lit.nrbits + 63) / 64;

	ck_assert_int_gt((int)rs->lit.nlent, 0);
	/* the index is packed on the first match */
	ck_assert_ptr_null(ruleset_match(rs, "x", 1, "", "", (const char *const[3]){ 0 }));
	for (i = 0; i < 4000; i++) {
		size_t n = (size_t)(i < 300 ? i : rand_r(&seed) % (i % 50 == 0 ? RULESET_MAX_TEXT : 400));
		size_t k = 0;

		while (k < n) {
			int r = rand_r(&seed);
			const char *l = rs->lit.lstr[(size_t)(r >> 4) % rs->lit.nlent];
			size_t ll = strlen(l);

			if ((r & 3) == 0) {	/* a literal, whole or cut */
				if (r & 4)
					ll = ll > 1 ? ll - 1 : ll;
				if (ll > n - k)
					ll = n - k;
				memcpy(buf + k, l, ll);
				k += ll;
			} else {
				buf[k++] = (r & 3) == 1 ? (char)(1 + (r >> 3) % 255) : " e-s.t"[(r >> 3) % 6];
			}
		}
		buf[n] = '\0';
		ruleset_lit_simd(0);
		ruleset_lit_text_init(&t0, buf, n, buf);
		ruleset_lit_scan(&rs->lit, &t0);
		for (lv = 0; lv < 2; lv++) {
			if (ruleset_lit_simd(levels[lv]) != levels[lv])
				continue;	/* not this CPU's */
			ruleset_lit_text_init(&t2, buf, n, buf);
			ruleset_lit_scan(&rs->lit, &t2);
			ck_assert(memcmp(t0.poss, t2.poss, nw * sizeof(t0.poss[0])) == 0);
			ck_assert(memcmp(t0.rposs, t2.rposs, nr * sizeof(t0.rposs[0])) == 0);
		}
		ruleset_lit_simd(top);	/* t2 scanned at the top level for the searches */
		ruleset_lit_text_init(&t2, buf, n, buf);
		ruleset_lit_scan(&rs->lit, &t2);
		/* and a search for one literal finds what the plain one finds */
		for (k = 0; k < 4; k++) {
			char lits[RULESET_MAX_TEXT + 2];
			const char *l = rs->lit.lstr[(size_t)rand_r(&seed) % rs->lit.nlent];
			size_t ll = strlen(l) < RULESET_MAX_TEXT ? strlen(l) : RULESET_MAX_TEXT, at;
			int f0, f2;

			if (k == 0 && n > 0) {	/* one in the text: a piece of it */
				at = (size_t)rand_r(&seed) % n;
				ll = 2 + (size_t)rand_r(&seed) % 12;
				if (ll > n - at)
					ll = n - at;
				l = buf + at;
			}
			memcpy(lits, l, ll);
			lits[ll] = lits[ll + 1] = '\0';
			ruleset_lit_simd(0);
			f0 = ruleset_lit_part_find(lits, &t0);
			ruleset_lit_simd(top);
			f2 = ruleset_lit_part_find(lits, &t2);
			ck_assert_int_eq(f0, f2);
		}
	}
	ruleset_lit_simd(top);
}
END_TEST

/* The probes ruleset_match_pair() reports: a phrase whose bit it clears
 * is nowhere in the text (what strstr() tells), on random texts made of
 * the phrases, pieces of them and other bytes; for a text cut to
 * RULESET_MAX_TEXT nothing is cleared. */
START_TEST(test_probes)
{
	const ruleset *rs = ruleset_builtin();
	static char buf[RULESET_MAX_TEXT + 64];
	unsigned seed = 777;
	int i, k;

	for (i = 0; i < 3000; i++) {
		size_t n = 1 + (size_t)rand_r(&seed) % (i % 100 == 0 ? RULESET_MAX_TEXT : 200), j = 0;
		const char *any;
		unsigned probes = ~0u;

		while (j < n) {
			int r = rand_r(&seed);
			const char *l = ruleset_probe_phrases[(r >> 4) % RULESET_NPROBES];
			size_t ll = strlen(l);

			if ((r & 3) == 0) {	/* a phrase, whole or cut */
				if (r & 4)
					ll--;
				if (ll > n - j)
					ll = n - j;
				memcpy(buf + j, l, ll);
				j += ll;
			} else {
				buf[j++] = " aeilnrt:"[(r >> 3) % 9];
			}
		}
		buf[n] = '\0';
		(void)ruleset_match_pair(rs, buf, n, buf, "", "", (const char *const[3]){ 0 }, &any,
					 &probes);
		for (k = 0; k < RULESET_NPROBES; k++)
			if (!(probes >> k & 1))
				ck_assert_msg(strstr(buf, ruleset_probe_phrases[k]) == NULL,
					      "probe %d cleared, \"%s\" there", k,
					      ruleset_probe_phrases[k]);
		probes = ~0u;	/* only the hosted rules asked for: the same */
		(void)ruleset_match_pair(rs, buf, n, buf, "", "", (const char *const[3]){ 0 }, NULL,
					 &probes);
		for (k = 0; k < RULESET_NPROBES; k++)
			if (!(probes >> k & 1))
				ck_assert(strstr(buf, ruleset_probe_phrases[k]) == NULL);
	}
	/* a text longer than the scan: nothing cleared */
	memset(buf, 'a', RULESET_MAX_TEXT + 10);
	buf[RULESET_MAX_TEXT + 10] = '\0';
	{
		const char *any;
		unsigned probes = ~0u;

		(void)ruleset_match_pair(rs, buf, RULESET_MAX_TEXT + 10, buf, "", "",
					 (const char *const[3]){ 0 }, &any, &probes);
		ck_assert_uint_eq(probes, ~0u);
	}
	/* a text with none of them clears them all */
	{
		const char *any;
		unsigned probes = ~0u;

		(void)ruleset_match_pair(rs, "nothing to see", 14, "nothing to see", "", "",
					 (const char *const[3]){ 0 }, &any, &probes);
		ck_assert_uint_eq(probes & ((1u << RULESET_NPROBES) - 1), 0);
	}
}
END_TEST

/* The host screen (ruleset_host_screen()) never rules out a host that a
 * host filter matches: random hosts made of the filters' words, pieces
 * of them, either case and other bytes, each tried alone. */
START_TEST(test_host_screen)
{
	const ruleset *rs = ruleset_builtin();
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	static const char *const words[] = {
		"orange", "wanadoo", ".fr", "yahoodns.net", "ezweb.ne.jp", "au.com",
		"docomo.ne.jp", "inbound-smtp.", ".amazonaws.com", "googlegroups.com", "mx.",
	};
	unsigned seed = 4711;
	int i, screened = 0, nmatched = 0;
	size_t j;

	ck_assert_ptr_nonnull(md);
	ck_assert_uint_gt(rs->lit.nhscreen, 0);
	for (i = 0; i < 20000; i++) {
		char host[64];
		size_t n = 0, want = 1 + (size_t)rand_r(&seed) % 40;
		const char *h3[3] = { NULL, NULL, NULL };
		int matched = 0;

		while (n < want) {
			int r = rand_r(&seed);

			if ((r & 3) == 0) {	/* a word, whole or cut, in either case */
				const char *w = words[(size_t)(r >> 4) % (sizeof(words) / sizeof(words[0]))];
				size_t k, wl = strlen(w) - ((r & 4) ? 1 : 0);

				for (k = 0; k < wl && n < sizeof(host) - 1; k++)
					host[n++] = (r & 8) && w[k] >= 'a' && w[k] <= 'z' ? w[k] - 32 : w[k];
			} else {
				host[n++] = "abcmnox.-\n"[(r >> 3) % 10];
			}
			if (n >= sizeof(host) - 1)
				break;
		}
		host[n] = '\0';
		h3[(size_t)i % 3] = host;
		for (j = 0; j < rs->nbuiltin; j++)
			if (rs->builtin[j].host_re != NULL &&
			    pcre2_match(rs->builtin[j].host_re, (PCRE2_SPTR)host, n, 0, 0, md, NULL) >= 0)
				matched = 1;
		nmatched += matched;
		if (!ruleset_host_screen(&rs->lit, h3)) {
			screened++;
			ck_assert_msg(!matched, "host \"%s\" screened out, a filter matches it", host);
		}
	}
	ck_assert_int_gt(screened, 0);
	ck_assert_int_gt(nmatched, 0);
	/* no hosts: nothing to match */
	ck_assert_int_eq(ruleset_host_screen(&rs->lit, NULL), 0);
	ck_assert_int_eq(ruleset_host_screen(&rs->lit, (const char *const[3]){ "", NULL, "" }), 0);
	ck_assert_int_eq(ruleset_host_screen(&rs->lit,
					     (const char *const[3]){ NULL, "mx1.Orange.FR", NULL }), 1);
	pcre2_match_data_free(md);
}
END_TEST

/* --- the ruleset ------------------------------------------------------- */

static bt_rcpt run_rs(const ruleset *rs, const char *status, const char *diag,
		      const char *remote)
{
	bt_result r;
	bt_rcpt rc;

	memset(&r, 0, sizeof(r));
	memset(&rc, 0, sizeof(rc));
	rc.cls = BT_CLASS_UNDETERMINED;
	if (status)
		strcpy(rc.status, status);
	rc.diagnostic = (char *)diag;
	rc.remote_mta = (char *)remote;
	rc.recipient = (char *)"neko@example.net";
	classify_rcpt(&rc, &r, rs);
	return rc;
}

START_TEST(test_admin_rule_wins)
{
	char err[256];
	ruleset *rs = ruleset_new(err, sizeof(err));

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(run_rs(rs, NULL, "550 User unknown", NULL).reason, "userunknown");
	ck_assert_int_eq(ruleset_add_rule(rs, "user unknown", "filtered", NULL, NULL,
					  err, sizeof(err)), 0);
	ck_assert_int_eq(ruleset_add_rule(rs, "unknown", "blocked", NULL, NULL,
					  err, sizeof(err)), 0);
	/* added rules come first, in the order added */
	ck_assert_str_eq(run_rs(rs, NULL, "550 User unknown", NULL).reason, "filtered");
	ck_assert_str_eq(run_rs(rs, NULL, "550 unknown recipient", NULL).reason, "blocked");
	/* built-ins still apply after them */
	ck_assert_str_eq(run_rs(rs, NULL, "552 Mailbox full", NULL).reason, "mailboxfull");
	ruleset_free(rs);
}
END_TEST

/* A part "^(?!.*R)" is matched by searching for R (ruleset_part_neg()):
 * the same answers as the whole pattern, one-line texts or not. */
START_TEST(test_negated_part)
{
	static const char *const pats[] = {
		"^(?!.*\\b[245]\\.\\d{1,3}\\.\\d{1,3}\\b)", "^(?!.*ab(?=c))", "^(?!.*(?<=x)y)",
		"^(?!.*$)", "^(?!.*^b)", "^(?!.*q|zz)", "^(?!.*(q)\\1)", "^(?!.*?b)",
	};
	static const char *const texts[] = {
		"", "550 5.1.1 no", "no code 25.1.1 here", "abc", "ab", "xy", "b", "qq", "zz",
		"a\nb 5.1.1", "5.1.1\n", "x\ny", "ABC", "q", "1 4.2.22",
	};
	const char *h[3] = { NULL, NULL, NULL };
	char err[256];
	size_t i, j;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		ruleset *rs = ruleset_new(err, sizeof(err));
		int en;
		PCRE2_SIZE eo;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED,
					       PCRE2_CASELESS, &en, &eo, NULL);
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);

		ck_assert_ptr_nonnull(rs);
		ck_assert_ptr_nonnull(re);
		ck_assert_ptr_nonnull(md);
		ck_assert_int_eq(ruleset_add_rule(rs, pats[i], "exceedlimit", NULL, NULL, err,
						  sizeof(err)), 0);
		for (j = 0; j < sizeof(texts) / sizeof(texts[0]); j++) {
			size_t n = strlen(texts[j]);
			const char *got = ruleset_match(rs, texts[j], n, "", "", h);
			int want = pcre2_match(re, (PCRE2_SPTR)texts[j], n, 0, 0, md, NULL) >= 0;

			ck_assert_msg((got != NULL && strcmp(got, "exceedlimit") == 0) == want,
				      "%s on \"%s\": %s", pats[i], texts[j], got ? got : "none");
		}
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		ruleset_free(rs);
	}
}
END_TEST

/* The literal prefilter of ruleset.c skips a rule only when the text lacks
 * every word one of which each match must contain: added rules still come
 * first, rules with no word that can be derived always run, and case,
 * groups, lookarounds and long runs give the same answers as the pattern. */
START_TEST(test_prefilter)
{
	char err[256], pat[64], text[160];
	ruleset *rs = ruleset_new(err, sizeof(err));
	const char *h[3] = { NULL, NULL, NULL };
	static const struct { const char *pattern, *match, *miss; } none[] = {
		{ "\\x51uux", "550 QUUX here", "550 quu" },		/* escape: no word */
		{ "(?x) q u u x", "550 quux", "550 q u u x" },	/* spaces are no words */
		{ "(?i:zork)|ab", "550 ab", "550 a b" },		/* "ab": too short */
		{ "^.{3}$", "550", "55" },
		{ "\\Qa.b\\E", "x a.b y", "x axb y" },
		{ "zz{b}qq", "x zz{B}QQ", "zzbqq" },	/* a literal brace: no words */
		{ "(*UTF)fin", "xfin", "fi n" },
		{ "[[:digit:]]z9", "1z9", "az9" },
	};
	size_t i;

	ck_assert_ptr_nonnull(rs);
	/* added rules win over the built-in ones, whatever their words */
	ck_assert_str_eq(ruleset_match(rs, "550 user unknown, blocked", 25, "", "", h), "userunknown");
	ck_assert_int_eq(ruleset_add_rule(rs, "UNKNOWN, (block|ban)", "filtered", NULL, NULL,
					  err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_match(rs, "550 User Unknown, BLOCKED", 25, "", "", h), "filtered");
	ck_assert_str_eq(run_rs(rs, NULL, "550 5.1.1 user unknown, banned", NULL).reason,
			 "userunknown");	/* a specific code still decides */
	ck_assert_str_eq(run_rs(rs, NULL, "550 user unknown, banned", NULL).reason, "filtered");
	/* rules with no word that can be derived still match (and only then) */
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		ck_assert_int_eq(ruleset_add_rule(rs, none[i].pattern, "exceedlimit", NULL, NULL,
						  err, sizeof(err)), 0);
		ck_assert_str_eq(ruleset_match(rs, none[i].match, strlen(none[i].match), "", "", h),
				 "exceedlimit");
		ck_assert_ptr_null(ruleset_match(rs, none[i].miss, strlen(none[i].miss), "", "", h));
		ruleset_free(rs);
		rs = ruleset_new(err, sizeof(err));
	}
	/* a pattern is split at its top-level alternatives: those with words
	 * run only when their words are there, the others always */
	ck_assert_int_eq(ruleset_add_rule(rs, "abcdef|^..$|(x|y)z", "suspend", NULL, NULL,
					  err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_match(rs, "AB", 2, "", "", h), "suspend");
	ck_assert_str_eq(ruleset_match(rs, "--ABCDEF--", 10, "", "", h), "suspend");
	ck_assert_str_eq(ruleset_match(rs, "--YZ--", 6, "", "", h), "suspend");
	ck_assert_ptr_null(ruleset_match(rs, "abc", 3, "", "", h));
	ck_assert_int_eq(ruleset_add_rule(rs, "wordy|", "systemfull", NULL, NULL,
					  err, sizeof(err)), 0);	/* the empty alternative */
	ck_assert_str_eq(ruleset_match(rs, "abc", 3, "", "", h), "systemfull");
	ruleset_free(rs);
	rs = ruleset_new(err, sizeof(err));
	ck_assert_int_eq(ruleset_add_rule(rs, "|", "systemfull", NULL, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_match(rs, "abc", 3, "", "", h), "systemfull");
	ruleset_free(rs);
	rs = ruleset_new(err, sizeof(err));
	/* words from groups, around lookarounds, cut from long runs */
	ck_assert_int_eq(ruleset_add_rule(rs, "(?<=xx)(alpha|beta)s? gamm(?!y)", "suspend", NULL,
					  NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_match(rs, "xxBETA GAMMa", 12, "", "", h), "suspend");
	ck_assert_ptr_null(ruleset_match(rs, "xxbeta gammy", 12, "", "", h));
	memset(pat, 'k', sizeof(pat));
	memcpy(pat + 50, "W+q", 4);	/* 50 k, then W at least once, then q */
	ck_assert_int_eq(ruleset_add_rule(rs, pat, "suspend", NULL, NULL, err, sizeof(err)), 0);
	memset(text, 'K', 50);
	memcpy(text + 50, "wwwwwq", 7);
	ck_assert_str_eq(ruleset_match(rs, text, strlen(text), "", "", h), "suspend");
	text[49] = '-';
	ck_assert_ptr_null(ruleset_match(rs, text, strlen(text), "", "", h));
	/* more rules than a 64-bit word: the last one added still matches,
	 * and a host filter with words still sees upper case host names */
	for (i = 0; i < 150; i++) {
		snprintf(pat, sizeof(pat), "word%03zuword", i);
		ck_assert_int_eq(ruleset_add_rule(rs, pat, i == 149 ? "systemfull" : "suspend",
						  i == 149 ? "(^|\\.)example\\.org$" : NULL, NULL,
						  err, sizeof(err)), 0);
	}
	h[1] = "MX1.EXAMPLE.ORG";
	ck_assert_str_eq(ruleset_match(rs, "x WORD149word y", 15, "", "", h), "systemfull");
	ck_assert_str_eq(ruleset_match_hosted(rs, "x WORD149word y", 15, "", "", h), "systemfull");
	ck_assert_str_eq(ruleset_match(rs, "x WORD148word y", 15, "", "", h), "suspend");
	h[1] = "mx1.example.com";
	ck_assert_ptr_null(ruleset_match(rs, "x WORD149word y", 15, "", "", h));
	ruleset_free(rs);
	/* more parts than the index has bits for: the last ones are looked
	 * for one by one, and still match */
	rs = ruleset_new(err, sizeof(err));
	for (i = 0; i < 9000; i++) {
		snprintf(pat, sizeof(pat), "a%04zux|b%04zuy", i, i);
		ck_assert_int_eq(ruleset_add_rule(rs, pat, i == 8999 ? "systemfull" : "suspend",
						  NULL, NULL, err, sizeof(err)), 0);
	}
	ck_assert_str_eq(ruleset_match(rs, "-- B8999Y --", 12, "", "", h), "systemfull");
	ck_assert_str_eq(ruleset_match(rs, "-- a0000x --", 12, "", "", h), "suspend");
	ck_assert_str_eq(ruleset_match(rs, "-- b7000y --", 12, "", "", h), "suspend");
	ck_assert_ptr_null(ruleset_match(rs, "-- b8999x --", 12, "", "", h));
	ruleset_free(rs);
}
END_TEST

START_TEST(test_status_filter)
{
	char err[256];
	ruleset *rs = ruleset_new(err, sizeof(err));
	const char *h[3] = { NULL, NULL, NULL };

	ck_assert_int_eq(ruleset_add_rule(rs, "go away", "policyviolation", NULL, "5.7.*",
					  err, sizeof(err)), 0);
	ck_assert_int_eq(ruleset_add_rule(rs, "go away", "toomanyconn", NULL, "45?, 421",
					  err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_match(rs, "go away", 7, "5.7.1", "550", h), "policyviolation");
	ck_assert_str_eq(ruleset_match(rs, "go away", 7, "4.7.1", "451", h), "toomanyconn");
	ck_assert_str_eq(ruleset_match(rs, "go away", 7, "", "421", h), "toomanyconn");
	ck_assert_ptr_null(ruleset_match(rs, "go away", 7, "5.1.1", "550", h));
	ck_assert_ptr_null(ruleset_match(rs, "go away", 7, "", "", h));
	/* globs: '*' anywhere, runs of them, '?' */
	ck_assert_int_eq(ruleset_add_rule(rs, "glob", "blocked", NULL, "*.7.*2*,5.?.??", err,
					  sizeof(err)), 0);
	ck_assert_str_eq(ruleset_match(rs, "glob", 4, "5.7.26", "", h), "blocked");
	ck_assert_str_eq(ruleset_match(rs, "glob", 4, "4.7.2", "", h), "blocked");
	ck_assert_str_eq(ruleset_match(rs, "glob", 4, "5.1.10", "", h), "blocked");
	ck_assert_ptr_null(ruleset_match(rs, "glob", 4, "5.7.1", "", h));
	ck_assert_ptr_null(ruleset_match(rs, "glob", 4, "5.1.1", "550", h));
	{
		char many[200];

		memset(many, '*', sizeof(many) - 2);
		many[sizeof(many) - 2] = 'x';	/* never matches: must still be quick */
		many[sizeof(many) - 1] = '\0';
		ck_assert_int_eq(ruleset_add_rule(rs, "stars", "blocked", NULL, many, err,
						  sizeof(err)), -1);	/* 'x' is no glob character */
		many[sizeof(many) - 2] = '9';
		ck_assert_int_eq(ruleset_add_rule(rs, "stars", "blocked", NULL, many, err,
						  sizeof(err)), 0);
		ck_assert_ptr_null(ruleset_match(rs, "stars", 5, "5.5.5.5.5.5.5.5", "555", h));
	}
	ck_assert_int_eq(ruleset_add_rule(rs, "x", "blocked", NULL, "5.7.[1]", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "status filter"));
	ruleset_free(rs);
}
END_TEST

START_TEST(test_host_filter)
{
	char err[256];
	ruleset *rs = ruleset_new(err, sizeof(err));

	ck_assert_int_eq(ruleset_add_rule(rs, "user unknown", "filtered", "\\.docomo\\.ne\\.jp$",
					  NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(run_rs(rs, NULL, "550 User unknown", "mfsmax.docomo.ne.jp").reason,
			 "filtered");
	ck_assert_str_eq(run_rs(rs, NULL, "550 User unknown", "mx.example.com").reason,
			 "userunknown");
	ck_assert_str_eq(run_rs(rs, NULL, "550 User unknown", NULL).reason, "userunknown");
	/* the recipient domain counts as a host too */
	ck_assert_int_eq(ruleset_add_rule(rs, "mailbox unavailable", "suspend", "^example\\.net$",
					  NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(run_rs(rs, NULL, "550 mailbox unavailable", NULL).reason, "suspend");
	/* a rule with a host filter is provider knowledge: it goes before the
	 * default of a specific code; one without does not */
	ck_assert_str_eq(run_rs(rs, "5.1.1", "550 5.1.1 User unknown", "mx1.docomo.ne.jp").reason,
			 "filtered");
	ck_assert_int_eq(ruleset_add_rule(rs, "user unknown", "blocked", NULL, NULL,
					  err, sizeof(err)), 0);
	ck_assert_str_eq(run_rs(rs, "5.1.1", "550 5.1.1 User unknown", "mx.example.com").reason,
			 "userunknown");
	ck_assert_str_eq(run_rs(rs, "5.0.0", "550 5.0.0 User unknown", "mx.example.com").reason,
			 "blocked");
	{
		const char *h[3] = { "mx1.docomo.ne.jp", NULL, NULL };

		ck_assert_str_eq(ruleset_match_hosted(rs, "user unknown", 12, "", "", h), "filtered");
		h[0] = "mx.example.com";
		ck_assert_ptr_null(ruleset_match_hosted(rs, "user unknown", 12, "", "", h));
		ck_assert_str_eq(ruleset_match(rs, "user unknown", 12, "", "", h), "blocked");
	}
	ruleset_free(rs);
}
END_TEST

/* Parts that are a finite set of plain strings (ruleset_pat_expand()):
 * the strings, lowercase, or NULL for anything else. */
START_TEST(test_pat_expand)
{
	static const struct { const char *pattern, *strings; } ex[] = {
		{ "host ?unknown", "host unknown|hostunknown" },
		{ "(user|mailbox) (unknown|not found)",
		  "user unknown|user not found|mailbox unknown|mailbox not found" },
		{ "(?:abc|DEF)", "abc|def" },
		{ "temporar(il)?y locked", "temporarily locked|temporary locked" },
		{ "queue\\.expired", "queue.expired" },
		{ "\\bblocked\\b", NULL },
		{ "user.*unknown", NULL },
		{ "a(b|c)*xyz", NULL },
		{ "(?i)abcd", NULL },
		{ "(?=abc)abcd", NULL },
		{ "abcd?", "abcd|abc" },
		{ "ab?", NULL },		/* "a": shorter than a literal */
		{ "(a|b|c|d|e|f|g|h|i)xyz", NULL },	/* more strings than kept */
		{ "x[ab]yz", NULL },
		{ "abc\\d", NULL },
		{ "abc|", NULL },		/* the empty string */
		{ "abc\\", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		char *got = ruleset_pat_expand(ex[i].pattern, strlen(ex[i].pattern)), joined[256];
		const char *l;
		size_t o = 0;

		if (ex[i].strings == NULL) {
			ck_assert_msg(got == NULL, "%s: %s", ex[i].pattern, got);
			continue;
		}
		ck_assert_msg(got != NULL, "%s: none", ex[i].pattern);
		for (l = got; *l != '\0'; l += strlen(l) + 1)
			o += (size_t)snprintf(joined + o, sizeof(joined) - o, "%s%s", o ? "|" : "", l);
		ck_assert_str_eq(joined, ex[i].strings);
		free(got);
	}
}
END_TEST

/* The start a host filter requires (ruleset_pat_prefix()), read only
 * where it is sure, and the hosts it lets through: any case. */
START_TEST(test_host_prefix)
{
	static const struct { const char *pattern, *prefix; } pfx[] = {
		{ "^googlegroups\\.com$", "googlegroups.com" },
		{ "^inbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com$", "inbound-smtp." },
		{ "^MX_1\\.Example", "mx_1.example" },
		{ "^ab?c", "a" },			/* an optional byte ends it */
		{ "^ab*c", "a" },
		{ "^ab+c", "a" },
		{ "^ab{2}c", "a" },
		{ "^a\\.?b", "a" },
		{ "^a.b", "a" },
		{ "^\\x61b", NULL },			/* an escape */
		{ "^\\db", NULL },
		{ "^(a|b)c", NULL },
		{ "^a|b", NULL },			/* another alternative */
		{ "(^|\\.)orange\\.fr$", NULL },
		{ "(?i)^abc", NULL },
		{ "^", NULL },
		{ "mx\\.example", NULL },		/* no start anchor */
	};
	char err[256];
	ruleset *rs;
	size_t i;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		char *got = ruleset_pat_prefix(pfx[i].pattern);

		if (pfx[i].prefix == NULL)
			ck_assert_msg(got == NULL, "%s: %s", pfx[i].pattern, got);
		else
			ck_assert_str_eq(got, pfx[i].prefix);
		free(got);
	}
	rs = ruleset_new(err, sizeof(err));
	ck_assert_int_eq(ruleset_add_rule(rs, "go away", "suspend", "^Mx\\.example\\.", NULL,
					  err, sizeof(err)), 0);
	{
		const char *h[3] = { "MX.EXAMPLE.COM", NULL, NULL };

		ck_assert_str_eq(ruleset_match_hosted(rs, "go away", 7, "", "", h), "suspend");
		h[0] = "mx.example.";
		ck_assert_str_eq(ruleset_match_hosted(rs, "go away", 7, "", "", h), "suspend");
		h[0] = "mx.example";
		ck_assert_ptr_null(ruleset_match_hosted(rs, "go away", 7, "", "", h));
		h[0] = "amx.example.com";
		ck_assert_ptr_null(ruleset_match_hosted(rs, "go away", 7, "", "", h));
		h[0] = "";
		ck_assert_ptr_null(ruleset_match_hosted(rs, "go away", 7, "", "", h));
		h[2] = "mX.eXample.org";
		ck_assert_str_eq(ruleset_match_hosted(rs, "go away", 7, "", "", h), "suspend");
	}
	ruleset_free(rs);
}
END_TEST

/* The end a host filter requires (ruleset_pat_suffix()), read only where
 * it is sure, and the hosts it lets through: any case, and '$' before a
 * final newline. */
START_TEST(test_host_suffix)
{
	static const struct { const char *pattern, *suffix; } sfx[] = {
		{ "^googlegroups\\.com$", "googlegroups.com" },
		{ "(^|\\.)(orange|wanadoo)\\.FR$", ".fr" },
		{ "^inbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com$", ".amazonaws.com" },
		{ "mx\\d{2}com$", "com" },
		{ "a.com$", "com" },
		{ "\\x2ecom$", NULL },		/* an escape's end is not read */
		{ "\\101com$", NULL },
		{ "\\cXcom$", NULL },
		{ "a\\$", NULL },			/* no end anchor */
		{ "a\\\\$", NULL },			/* a backslash, then the end */
		{ "a$|b", NULL },			/* another alternative */
		{ "(a|b)$", NULL },
		{ "(?i)abc$", NULL },
		{ "[$]com$", "com" },
		{ "[]a|]com$", "com" },
		{ "\\.docomo\\.ne\\.jp$", ".docomo.ne.jp" },
		{ "docomo", NULL },
	};
	char err[256];
	ruleset *rs;
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		char *got = ruleset_pat_suffix(sfx[i].pattern);

		if (sfx[i].suffix == NULL)
			ck_assert_msg(got == NULL, "%s: %s", sfx[i].pattern, got);
		else
			ck_assert_str_eq(got, sfx[i].suffix);
		free(got);
	}
	rs = ruleset_new(err, sizeof(err));
	ck_assert_int_eq(ruleset_add_rule(rs, "go away", "suspend", "^mx\\.Example\\.com$", NULL,
					  err, sizeof(err)), 0);
	{
		const char *h[3] = { "MX.EXAMPLE.COM", NULL, NULL };

		ck_assert_str_eq(ruleset_match_hosted(rs, "go away", 7, "", "", h), "suspend");
		h[0] = "mx.example.com\n";
		ck_assert_str_eq(ruleset_match_hosted(rs, "go away", 7, "", "", h), "suspend");
		h[0] = "amx.example.com";
		ck_assert_ptr_null(ruleset_match_hosted(rs, "go away", 7, "", "", h));
		h[0] = "mx.example.co";
		ck_assert_ptr_null(ruleset_match_hosted(rs, "go away", 7, "", "", h));
		h[2] = "mx.example.cOm";
		ck_assert_str_eq(ruleset_match_hosted(rs, "go away", 7, "", "", h), "suspend");
	}
	ruleset_free(rs);
}
END_TEST

START_TEST(test_bad_rules)
{
	char err[256];
	ruleset *rs = ruleset_new(err, sizeof(err));

	err[0] = '\0';
	ck_assert_int_eq(ruleset_add_rule(rs, "user (unknown", "userunknown", NULL, NULL,
					  err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad pattern"));
	ck_assert_ptr_nonnull(strstr(err, "user (unknown"));
	ck_assert_ptr_nonnull(strstr(err, "offset"));
	ck_assert_int_eq(ruleset_add_rule(rs, "x", "nosuchreason", NULL, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown reason"));
	ck_assert_int_eq(ruleset_add_rule(rs, "x", "blocked", "[bad", NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad host pattern"));
	ck_assert_int_eq(ruleset_add_rule(rs, "", "blocked", NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(ruleset_add_rule(rs, NULL, "blocked", NULL, NULL, err, sizeof(err)), -1);
	/* a pattern that backtracks without end gives up: no match, no stall */
	{
		static char evil[4001];
		const char *h[3] = { NULL, NULL, NULL };

		memset(evil, 'a', sizeof(evil) - 2);
		evil[sizeof(evil) - 2] = '!';
		ck_assert_int_eq(ruleset_add_rule(rs, "^(a|aa)+$", "blocked", NULL, NULL,
						  err, sizeof(err)), 0);
		ck_assert_ptr_null(ruleset_match(rs, evil, strlen(evil), "", "", h));
	}
	/* a failed add leaves the ruleset as it was */
	ck_assert_str_eq(run_rs(rs, NULL, "550 User unknown", NULL).reason, "userunknown");
	ruleset_free(rs);
	ruleset_free(NULL);
}
END_TEST

START_TEST(test_add_code)
{
	char err[256];
	ruleset *rs = ruleset_new(err, sizeof(err));
	const codes_entry *e;

	ck_assert_int_eq(ruleset_add_code(rs, "5.7.1", "Refused by our gateway", "blocked",
					  err, sizeof(err)), 0);
	e = ruleset_lookup_code(rs, "5.7.1");
	ck_assert_str_eq(e->text, "Refused by our gateway");
	ck_assert_str_eq(e->reason, "blocked");
	ck_assert_str_eq(run_rs(rs, "5.7.1", "554 5.7.1 no", NULL).reason, "blocked");
	ck_assert_str_eq(run_rs(rs, "5.7.1", "554 5.7.1 no", NULL).description,
			 "Refused by our gateway");
	/* override again; a new code; the built-in table is untouched */
	ck_assert_int_eq(ruleset_add_code(rs, "5.7.1", NULL, "policyviolation", err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_lookup_code(rs, "5.7.1")->reason, "policyviolation");
	ck_assert_int_eq(ruleset_add_code(rs, "5.9.42", "Local code", "filtered", err, sizeof(err)), 0);
	ck_assert_str_eq(ruleset_lookup_code(rs, "5.9.42")->reason, "filtered");
	ck_assert_ptr_null(codes_lookup("5.9.42"));
	ck_assert_ptr_null(codes_lookup("5.7.1")->reason);
	ck_assert_int_eq(ruleset_add_code(rs, "5.1", "x", NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad status code"));
	ck_assert_int_eq(ruleset_add_code(rs, "5.1.1", "x", "bogus", err, sizeof(err)), -1);
	ruleset_free(rs);
}
END_TEST

START_TEST(test_reasons_aliases)
{
	const char *canon = NULL;

	ck_assert(ruleset_valid_reason("userunknown", &canon));
	ck_assert_str_eq(canon, "userunknown");
	ck_assert(ruleset_valid_reason("UserUnknown", &canon));
	ck_assert_str_eq(canon, "userunknown");
	ck_assert(ruleset_valid_reason("ratelimited", &canon));
	ck_assert_str_eq(canon, "ratelimited");
	ck_assert(ruleset_valid_reason("emailtoolarge", NULL));
	ck_assert(ruleset_valid_reason("failedstarttls", NULL));
	ck_assert(ruleset_valid_reason("suppressed", NULL));
	ck_assert(!ruleset_valid_reason("user_unknown", NULL));
	ck_assert(!ruleset_valid_reason("", NULL));
	ck_assert(!ruleset_valid_reason(NULL, NULL));
	/* an alias can be used in a rule and gets its class */
	{
		char err[256];
		ruleset *rs = ruleset_new(err, sizeof(err));
		bt_rcpt rc;

		ck_assert_int_eq(ruleset_add_rule(rs, "slow down", "RateLimited", NULL, NULL,
						  err, sizeof(err)), 0);
		rc = run_rs(rs, NULL, "421 slow down please", NULL);
		ck_assert_str_eq(rc.reason, "ratelimited");
		ck_assert_int_eq(rc.cls, BT_CLASS_SOFT);
		ck_assert_str_eq(rc.status, "4.0.946");
		ruleset_free(rs);
	}
}
END_TEST

static void *match_thread(void *arg)
{
	const ruleset *rs = arg;
	const char *h[3] = { NULL, NULL, NULL };
	int i, bad = 0;

	for (i = 0; i < 2000; i++) {
		const char *a = ruleset_match(rs, "550 5.1.1 User unknown", 22, "5.1.1", "550", h);
		const char *b = ruleset_match(rs, "552 Mailbox full", 16, "", "552", h);

		bad += a == NULL || strcmp(a, "userunknown") != 0;
		bad += b == NULL || strcmp(b, "mailboxfull") != 0;
	}
	return (void *)(long)bad;
}

START_TEST(test_threads_share_ruleset)
{
	pthread_t t[4];
	int i;
	const ruleset *rs = ruleset_builtin();

	ck_assert_ptr_eq(rs, ruleset_builtin());
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, match_thread, (void *)rs), 0);
	for (i = 0; i < 4; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		ck_assert_int_eq((long)ret, 0);
	}
}
END_TEST

static Suite *classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("classify");
	TCase *tr = tcase_create("ruleset");

	tcase_add_test(tc, test_hard_rule);
	tcase_add_test(tc, test_fold_blocks);
	tcase_add_test(tc, test_gateway_phrase_places);
	tcase_add_test(tc, test_class_map);
	tcase_add_test(tc, test_builtin_patterns_compile);
	tcase_add_test(tc, test_synthetic_table);
	tcase_add_test(tc, test_synthetic_in_rcpt);
	tcase_add_test(tc, test_synthetic_temporary_cause);
	tcase_add_test(tc, test_status_from_text);
	tcase_add_test(tc, test_codes_decide);
	tcase_add_test(tc, test_phrasings);
	tcase_add_test(tc, test_command_phase);
	tcase_add_test(tc, test_unknown_outside_rcpt);
	tcase_add_test(tc, test_mta_category);
	tcase_add_test(tc, test_x_unix);
	tcase_add_test(tc, test_gave_up_code);
	tcase_add_test(tc, test_full_under_bad_mailbox);
	tcase_add_test(tc, test_builtin_host_rule);
	tcase_add_test(tc, test_address_not_words);
	tcase_add_test(tc, test_classes_left_alone);
	tcase_add_test(tc, test_classify_result_all);
	tcase_add_test(tc, test_random_input);
	tcase_add_test(tr, test_admin_rule_wins);
	tcase_add_test(tr, test_prefilter);
	tcase_add_test(tr, test_lit_scan_levels);
	tcase_add_test(tr, test_probes);
	tcase_add_test(tr, test_host_screen);
	tcase_add_test(tr, test_status_filter);
	tcase_add_test(tr, test_host_filter);
	tcase_add_test(tr, test_host_suffix);
	tcase_add_test(tr, test_host_prefix);
	tcase_add_test(tr, test_pat_expand);
	tcase_add_test(tr, test_bad_rules);
	tcase_add_test(tr, test_add_code);
	tcase_add_test(tr, test_negated_part);
	tcase_add_test(tr, test_reasons_aliases);
	tcase_add_test(tr, test_threads_share_ruleset);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tr);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(classify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
