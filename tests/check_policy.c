/*
 * check_policy.c - unit tests for policy.c: first match wins, every
 * criterion, globs, the default rule, internal mail, dry-run, non-bounces,
 * and the checks policy_add_rule() makes.  Results are built by hand.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* A one-recipient bounce; fields are string literals (never freed). */
static bt_rcpt tp_rcpt[2];
static bt_result tp_res;

static const bt_result *
tp_bounce(bt_class cls, const char *rcpt, const char *status, const char *code,
	  const char *reason)
{
	memset(&tp_res, 0, sizeof(tp_res));
	memset(tp_rcpt, 0, sizeof(tp_rcpt));
	tp_rcpt[0].recipient = (char *)rcpt;
	snprintf(tp_rcpt[0].status, sizeof(tp_rcpt[0].status), "%s", status ? status : "");
	snprintf(tp_rcpt[0].replycode, sizeof(tp_rcpt[0].replycode), "%s", code ? code : "");
	tp_rcpt[0].reason = reason;
	tp_rcpt[0].cls = cls;
	tp_res.cls = cls;
	tp_res.rcpt = tp_rcpt;
	tp_res.nrcpt = cls == BT_CLASS_NONE ? 0 : 1;
	tp_res.rcpt_alloc = 2;
	tp_res.top = 0;
	return &tp_res;
}

static void
tp_add(policy *p, const char *name, const policy_match *m, policy_action a)
{
	policy_match mm = *m;
	policy_verdict v = { .action = a };
	char err[256] = "";

	mm.name = name;
	ck_assert_msg(policy_add_rule(p, &mm, &v, err, sizeof(err)) == 0, "add %s: %s", name, err);
}

static policy_verdict
tp_decide(const policy *p, const bt_result *r, const char *sender, int internal)
{
	policy_verdict v;

	memset(&v, 0xff, sizeof(v));
	policy_decide(p, r, sender, internal, &v);
	return v;
}

START_TEST(test_action_names)
{
	policy_action a;
	int i;

	for (i = POLICY_TAG; i <= POLICY_ACCEPT; i++) {
		ck_assert_int_eq(policy_action_parse(policy_action_name((policy_action)i), &a), 0);
		ck_assert_int_eq(a, i);
	}
	ck_assert_str_eq(policy_action_name(POLICY_QUARANTINE), "quarantine");
	ck_assert_int_eq(policy_action_parse("REJECT", &a), 0);
	ck_assert_int_eq(a, POLICY_REJECT);
	ck_assert_int_eq(policy_action_parse("bounce", &a), -1);
	ck_assert_int_eq(policy_action_parse(NULL, &a), -1);
}
END_TEST

START_TEST(test_empty_policy)
{
	policy *p = policy_new();
	policy_verdict v;

	ck_assert_ptr_nonnull(p);
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@example.com", "5.1.1", "550", "userunknown"), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_int_eq(v.would, POLICY_TAG);
	ck_assert_str_eq(v.rule, "default");
	v = tp_decide(p, tp_bounce(BT_CLASS_NONE, NULL, NULL, NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_ACCEPT);
	v = tp_decide(p, NULL, NULL, 0);
	ck_assert_int_eq(v.action, POLICY_ACCEPT);
	ck_assert_int_eq(policy_dry_run(p), 0);
	policy_free(p);
	policy_free(NULL);
}
END_TEST

START_TEST(test_first_match_wins)
{
	policy *p = policy_new();
	policy_match hard = { .classes = "hard" };
	policy_match any = { 0 };
	policy_verdict v;

	tp_add(p, "one", &hard, POLICY_DISCARD);
	tp_add(p, "two", &hard, POLICY_QUARANTINE);
	tp_add(p, "three", &any, POLICY_ACCEPT);
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@example.com", "5.1.1", "550", "userunknown"), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_DISCARD);
	ck_assert_str_eq(v.rule, "one");
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@example.com", "4.2.2", "452", "mailboxfull"), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_ACCEPT);
	ck_assert_str_eq(v.rule, "three");
	policy_free(p);
}
END_TEST

START_TEST(test_class_and_reason)
{
	policy *p = policy_new();
	policy_match m1 = { .classes = "block, soft", .reasons = "blocked,ratelimited" };
	policy_match m2 = { .reasons = "UserUnknown" };
	policy_verdict v;

	tp_add(p, "r1", &m1, POLICY_QUARANTINE);
	tp_add(p, "r2", &m2, POLICY_DISCARD);
	v = tp_decide(p, tp_bounce(BT_CLASS_BLOCK, "a@x.org", "5.7.1", "554", "blocked"), NULL, 0);
	ck_assert_str_eq(v.rule, "r1");
	ck_assert_str_eq(v.quarantine_reason, "bouncetag: rule r1");
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.7.1", "554", "blocked"), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* class does not fit */
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@x.org", "4.7.1", "450", "suspend"), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* reason does not fit */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", "550", "userunknown"), NULL, 0);
	ck_assert_str_eq(v.rule, "r2");		/* reason compared without case */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", "550", NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* no reason: a reason criterion fails */
	policy_free(p);
}
END_TEST

START_TEST(test_status_and_code_globs)
{
	policy *p = policy_new();
	policy_match st = { .statuses = "5.7.*, 5.1.1" };
	policy_match q = { .statuses = "4.?.2" };
	policy_match rc = { .replycodes = "55?" };
	policy_verdict v;

	tp_add(p, "status", &st, POLICY_DISCARD);
	tp_add(p, "one-char", &q, POLICY_QUARANTINE);
	tp_add(p, "code", &rc, POLICY_ACCEPT);
	v = tp_decide(p, tp_bounce(BT_CLASS_BLOCK, "a@x.org", "5.7.26", "421", NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "status");
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "status");
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.10", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* exact entries are exact */
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@x.org", "4.2.2", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "one-char");
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@x.org", "4.22.2", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* ? is one character */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.0.0", "552", NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "code");
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.0.0", "", NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* no reply code: no match */
	policy_free(p);
}
END_TEST

START_TEST(test_recipient_domain)
{
	policy *p = policy_new();
	policy_match m = { .rcpt_domains = "*.example.org, Example.NET" };
	policy_verdict v;

	tp_add(p, "dom", &m, POLICY_DISCARD);
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@MX.Sub.example.org", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "dom");
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@example.org", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* *.x does not match x */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "<b@example.net>", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "dom");
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "b@sub.example.net", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* exact entries are exact */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "postmaster", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* no domain */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, NULL, "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "default");
	policy_free(p);
}
END_TEST

START_TEST(test_top_recipient)
{
	policy *p = policy_new();
	policy_match m = { .rcpt_domains = "second.example" };
	const bt_result *r;
	policy_verdict v;

	tp_add(p, "second", &m, POLICY_DISCARD);
	tp_bounce(BT_CLASS_HARD, "a@first.example", "5.1.1", NULL, NULL);
	tp_rcpt[1].recipient = (char *)"b@second.example";
	tp_res.nrcpt = 2;
	r = &tp_res;
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* top is rcpt[0] */
	tp_res.top = 1;
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "second");	/* only the top recipient counts */
	policy_free(p);
}
END_TEST

START_TEST(test_sender_domain)
{
	policy *p = policy_new();
	policy_match m = { .sender_domains = "*.lists.example.com,example.com" };
	bt_result *r;
	policy_verdict v;

	tp_add(p, "ours", &m, POLICY_DISCARD);
	r = (bt_result *)tp_bounce(BT_CLASS_AUTOREPLY, "a@x.org", NULL, NULL, NULL);
	v = tp_decide(p, r, "someone@example.com", 0);
	ck_assert_str_eq(v.rule, "ours");
	v = tp_decide(p, r, "<x@news.lists.example.com>", 0);
	ck_assert_str_eq(v.rule, "ours");
	v = tp_decide(p, r, "x@example.org", 0);
	ck_assert_str_eq(v.rule, "default");
	/* null sender: the returned message's From: counts */
	r->original_from = (char *)"Jane <jane@Example.COM>";
	v = tp_decide(p, r, "<>", 0);
	ck_assert_str_eq(v.rule, "ours");
	v = tp_decide(p, r, "", 0);
	ck_assert_str_eq(v.rule, "ours");
	r->original_from = (char *)"jane@example.org";
	v = tp_decide(p, r, "", 0);
	ck_assert_str_eq(v.rule, "default");
	/* sender NULL: the one the engine saw */
	r->sender = (char *)"bob@example.com";
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "ours");
	policy_free(p);
}
END_TEST

START_TEST(test_host)
{
	policy *p = policy_new();
	policy_match m = { .hosts = "*.outlook.com, mx?.example.net" };
	bt_result *r;
	policy_verdict v;

	tp_add(p, "host", &m, POLICY_QUARANTINE);
	r = (bt_result *)tp_bounce(BT_CLASS_BLOCK, "a@x.org", "5.7.1", NULL, NULL);
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "default");	/* no host known */
	r->reporting_mta = (char *)"dns; mail-db5eur.EU.outlook.com";
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "host");	/* reporting MTA, "dns;" skipped */
	r->reporting_mta = (char *)"mx.example.org";
	tp_rcpt[0].remote_mta = (char *)"mx2.example.net";
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "host");	/* remote MTA */
	tp_rcpt[0].remote_mta = (char *)"mx12.example.net";
	v = tp_decide(p, r, NULL, 0);
	ck_assert_str_eq(v.rule, "default");
	policy_free(p);
}
END_TEST

START_TEST(test_all_criteria_and)
{
	policy *p = policy_new();
	policy_match m = { .classes = "hard", .reasons = "userunknown", .statuses = "5.1.*",
			   .replycodes = "550", .rcpt_domains = "example.org",
			   .sender_domains = "example.com", .hosts = "mx.example.org" };
	bt_result *r;
	policy_verdict v;

	tp_add(p, "all", &m, POLICY_DISCARD);
	r = (bt_result *)tp_bounce(BT_CLASS_HARD, "a@example.org", "5.1.1", "550", "userunknown");
	r->reporting_mta = (char *)"mx.example.org";
	v = tp_decide(p, r, "s@example.com", 0);
	ck_assert_str_eq(v.rule, "all");
	v = tp_decide(p, r, "s@example.net", 0);	/* one criterion fails */
	ck_assert_str_eq(v.rule, "default");
	snprintf(tp_rcpt[0].replycode, sizeof(tp_rcpt[0].replycode), "551");
	v = tp_decide(p, r, "s@example.com", 0);
	ck_assert_str_eq(v.rule, "default");
	policy_free(p);
}
END_TEST

START_TEST(test_default_rule)
{
	policy *p = policy_new();
	policy_verdict d = { .action = POLICY_REJECT };
	policy_verdict d2 = { .action = POLICY_TEMPFAIL, .reply_code = "450",
			      .reply_xcode = "4.7.0", .reply_text = "later" };
	policy_verdict v;
	char err[256];

	ck_assert_int_eq(policy_set_default(p, &d, err, sizeof(err)), 0);
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@x.org", "4.2.2", NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_REJECT);
	ck_assert_str_eq(v.rule, "default");
	ck_assert_str_eq(v.reply_code, "550");
	ck_assert_str_eq(v.reply_xcode, "5.7.1");
	ck_assert_ptr_nonnull(v.reply_text);
	ck_assert_int_eq(policy_set_default(p, &d2, err, sizeof(err)), 0);
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@x.org", "4.2.2", NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_TEMPFAIL);
	ck_assert_str_eq(v.reply_code, "450");
	ck_assert_str_eq(v.reply_xcode, "4.7.0");
	ck_assert_str_eq(v.reply_text, "later");
	/* non-bounces never get the default */
	v = tp_decide(p, tp_bounce(BT_CLASS_NONE, NULL, NULL, NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_ACCEPT);
	policy_free(p);
}
END_TEST

START_TEST(test_internal_mail)
{
	policy *p = policy_new();
	policy_match hard = { .classes = "hard" }, soft = { .classes = "soft" };
	policy_match block = { .classes = "block" };
	policy_verdict v;

	tp_add(p, "rej", &hard, POLICY_REJECT);
	tp_add(p, "tmp", &soft, POLICY_TEMPFAIL);
	tp_add(p, "q", &block, POLICY_QUARANTINE);
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", NULL, NULL), NULL, 1);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_int_eq(v.would, POLICY_REJECT);
	ck_assert_str_eq(v.rule, "rej");
	v = tp_decide(p, tp_bounce(BT_CLASS_SOFT, "a@x.org", "4.2.2", NULL, NULL), NULL, 1);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_int_eq(v.would, POLICY_TEMPFAIL);
	v = tp_decide(p, tp_bounce(BT_CLASS_BLOCK, "a@x.org", "5.7.1", NULL, NULL), NULL, 1);
	ck_assert_int_eq(v.action, POLICY_QUARANTINE);	/* only reject/tempfail change */
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_REJECT);	/* not internal: as the rule says */
	ck_assert_int_eq(v.would, POLICY_REJECT);
	policy_free(p);
}
END_TEST

START_TEST(test_dry_run)
{
	policy *p = policy_new();
	policy_match hard = { .classes = "hard" }, block = { .classes = "block" };
	policy_match none = { .classes = "none" };
	policy_verdict v;

	tp_add(p, "rej", &hard, POLICY_REJECT);
	tp_add(p, "disc", &block, POLICY_DISCARD);
	tp_add(p, "nb", &none, POLICY_ACCEPT);
	policy_set_dry_run(p, 1);
	ck_assert_int_eq(policy_dry_run(p), 1);
	v = tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_int_eq(v.would, POLICY_REJECT);
	ck_assert_str_eq(v.reply_code, "550");		/* the reply is still known */
	v = tp_decide(p, tp_bounce(BT_CLASS_BLOCK, "a@x.org", "5.7.1", NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_int_eq(v.would, POLICY_DISCARD);
	v = tp_decide(p, tp_bounce(BT_CLASS_NONE, NULL, NULL, NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_ACCEPT);	/* accept stays accept */
	policy_set_dry_run(p, 0);
	v = tp_decide(p, tp_bounce(BT_CLASS_BLOCK, "a@x.org", "5.7.1", NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_DISCARD);
	policy_free(p);
}
END_TEST

START_TEST(test_non_bounce)
{
	policy *p = policy_new();
	policy_match any = { 0 };
	policy_match none = { .classes = "none,complaint" };
	policy_verdict v;

	tp_add(p, "catch-all", &any, POLICY_QUARANTINE);
	v = tp_decide(p, tp_bounce(BT_CLASS_NONE, NULL, NULL, NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_ACCEPT);	/* a rule without class none */
	v = tp_decide(p, tp_bounce(BT_CLASS_DELAYED, "a@x.org", "4.4.7", NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "catch-all");
	policy_free(p);
	p = policy_new();
	tp_add(p, "none", &none, POLICY_TAG);
	v = tp_decide(p, tp_bounce(BT_CLASS_NONE, NULL, NULL, NULL, NULL), NULL, 0);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_str_eq(v.rule, "none");
	v = tp_decide(p, tp_bounce(BT_CLASS_COMPLAINT, "a@x.org", NULL, NULL, NULL), NULL, 0);
	ck_assert_str_eq(v.rule, "none");
	policy_free(p);
}
END_TEST

START_TEST(test_add_rule_errors)
{
	policy *p = policy_new();
	policy_match m = { .name = "bad" }, badclass = { .name = "c", .classes = "hard,bogus" };
	policy_verdict v = { .action = POLICY_REJECT, .reply_code = "451" };
	char err[256];

	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "reply-code: expected 5xx for action reject, got \"451\"");
	v = (policy_verdict){ .action = POLICY_TEMPFAIL, .reply_code = "451", .reply_xcode = "5.7.1" };
	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "reply-status: expected 4.x.x for action tempfail, got \"5.7.1\"");
	v = (policy_verdict){ .action = POLICY_REJECT, .reply_xcode = "5.7" };
	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "expected 5.x.x"));
	v = (policy_verdict){ .action = (policy_action)42 };
	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "action: expected"));
	v = (policy_verdict){ .action = POLICY_TAG };
	ck_assert_int_eq(policy_add_rule(p, &badclass, &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "got \"bogus\""));
	ck_assert_int_eq(policy_set_default(p, &(policy_verdict){ .action = POLICY_TEMPFAIL,
				.reply_code = "550" }, err, sizeof(err)), -1);
	v = (policy_verdict){ .action = POLICY_TAG, .reply_text = "x" };
	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "reply-text: expected only with action reject or tempfail, not tag");
	v = (policy_verdict){ .action = POLICY_DISCARD, .quarantine_reason = "x" };
	ck_assert_int_eq(policy_add_rule(p, &m, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "quarantine-reason: expected only with action quarantine, not discard");
	/* nothing was added: every bounce still gets the default */
	ck_assert_str_eq(tp_decide(p, tp_bounce(BT_CLASS_HARD, "a@x.org", "5.1.1", NULL, NULL),
				   NULL, 0).rule, "default");
	policy_free(p);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_action_names);
	tcase_add_test(tc, test_empty_policy);
	tcase_add_test(tc, test_first_match_wins);
	tcase_add_test(tc, test_class_and_reason);
	tcase_add_test(tc, test_status_and_code_globs);
	tcase_add_test(tc, test_recipient_domain);
	tcase_add_test(tc, test_top_recipient);
	tcase_add_test(tc, test_sender_domain);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_all_criteria_and);
	tcase_add_test(tc, test_default_rule);
	tcase_add_test(tc, test_internal_mail);
	tcase_add_test(tc, test_dry_run);
	tcase_add_test(tc, test_non_bounce);
	tcase_add_test(tc, test_add_rule_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
