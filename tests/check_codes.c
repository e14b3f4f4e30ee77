/*
 * check_codes.c - unit tests for codes.c: the user's table row by row, the
 * 4.X.Y counterparts, the registry and provider additions, malformed codes,
 * and the sort order the binary search relies on.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "ruleset.h"

/* The user's reference table (seed-bounce-codes.md), typographic
 * apostrophes written as plain ones. */
static const char *const user_rows[][2] = {
	{ "421", "<domain> Service not available, closing transmission channel." },
	{ "450", "Requested mail action not taken: mailbox unavailable (for example: mailbox busy)." },
	{ "451", "Requested action aborted: error in processing." },
	{ "452", "Requested action not taken: insufficient system storage" },
	{ "500", "The server couldn't recognize the command due to a syntax error." },
	{ "501", "A syntax error was encountered in command arguments." },
	{ "502", "This command isn't implemented." },
	{ "503", "The server has encountered a bad sequence of commands." },
	{ "504", "A command parameter isn't implemented." },
	{ "550", "User's mailbox was unavailable (such as not found)." },
	{ "551", "The recipient isn't local to the server." },
	{ "552", "The action was aborted due to exceeded storage allocation." },
	{ "553", "The command was aborted because the mailbox name is invalid." },
	{ "554", "The transaction failed for some unstated reason." },
	{ "5.0.0", "Unknown issue" },
	{ "5.1.0", "Other address status" },
	{ "5.1.1", "Bad destination mailbox address" },
	{ "5.1.2", "Bad destination system address" },
	{ "5.1.3", "Bad destination mailbox address syntax" },
	{ "5.1.4", "Destination mailbox address ambiguous" },
	{ "5.1.5", "Destination mailbox address valid" },
	{ "5.1.6", "Mailbox has moved" },
	{ "5.1.7", "Bad sender's mailbox address syntax" },
	{ "5.1.8", "Bad sender's system address" },
	{ "5.2.0", "Other or undefined mailbox status" },
	{ "5.2.1", "Mailbox disabled, not accepting messages" },
	{ "5.2.2", "Mailbox full" },
	{ "5.2.3", "Message length exceeds administrative limit." },
	{ "5.2.4", "Mailing list expansion problem" },
	{ "5.3.0", "Other or undefined mail system status" },
	{ "5.3.1", "Mail system full" },
	{ "5.3.2", "System not accepting network messages" },
	{ "5.3.3", "System not capable of selected features" },
	{ "5.3.4", "Message too big for system" },
	{ "5.4.0", "Other or undefined network or routing status" },
	{ "5.4.1", "No answer from host" },
	{ "5.4.2", "Bad connection" },
	{ "5.4.3", "Routing server failure" },
	{ "5.4.4", "Unable to route" },
	{ "5.4.5", "Network congestion" },
	{ "5.4.6", "Routing loop detected" },
	{ "5.4.7", "Delivery time expired" },
	{ "5.5.0", "Other or undefined protocol status" },
	{ "5.5.1", "Invalid command" },
	{ "5.5.2", "Syntax error" },
	{ "5.5.3", "Too many recipients" },
	{ "5.5.4", "Invalid command arguments" },
	{ "5.5.5", "Wrong protocol version" },
	{ "5.6.0", "Other or undefined media error" },
	{ "5.6.1", "Media not supported" },
	{ "5.6.2", "Conversion required and prohibited" },
	{ "5.6.3", "Conversion required but not supported" },
	{ "5.6.4", "Conversion with loss performed" },
	{ "5.6.5", "Conversion failed" },
	{ "5.7.0", "Other or undefined security status" },
	{ "5.7.1", "Delivery not authorized, message refused" },
	{ "5.7.2", "Mailing list expansion prohibited" },
	{ "5.7.3", "Security conversion required but not possible" },
	{ "5.7.4", "Security features not supported" },
	{ "5.7.5", "Cryptographic failure" },
	{ "5.7.6", "Cryptographic algorithm not supported" },
	{ "5.7.7", "Message integrity failure" },
};
#define NUSER (sizeof(user_rows) / sizeof(user_rows[0]))

START_TEST(test_user_table_exact)
{
	size_t i;

	ck_assert_uint_eq(NUSER, 62);
	for (i = 0; i < NUSER; i++) {
		const codes_entry *e = codes_lookup(user_rows[i][0]);

		ck_assert_msg(e != NULL, "%s missing", user_rows[i][0]);
		ck_assert_str_eq(e->code, user_rows[i][0]);
		ck_assert_str_eq(e->text, user_rows[i][1]);
		ck_assert_str_eq(e->source, "user");
	}
}
END_TEST

START_TEST(test_transient_counterparts)
{
	size_t i;

	for (i = 0; i < NUSER; i++) {
		char c[16];
		const codes_entry *e;

		if (strchr(user_rows[i][0], '.') == NULL)
			continue;
		strcpy(c, user_rows[i][0]);
		c[0] = '4';
		e = codes_lookup(c);
		ck_assert_msg(e != NULL, "%s missing", c);
		ck_assert_str_eq(e->code, c);
		ck_assert_str_eq(e->text, user_rows[i][1]);
	}
}
END_TEST

START_TEST(test_malformed_unknown)
{
	static const char *const bad[] = {
		"5.1.1.1", "9.9.9", "5..1", "", "5.1", "5.1.1 ", " 5.1.1", "5.1.1x",
		"3.1.1", "5.1.1000", "5.01.1", "5.a.1", "55", "5500", "650", "5", ".5.1.1",
		"5.1.", "abc", "5,1,1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(codes_lookup(bad[i]) == NULL, "\"%s\" should be unknown", bad[i]);
	ck_assert_ptr_null(codes_lookup(NULL));
	ck_assert_ptr_null(codes_lookup("5.9.9"));	/* well-formed, not registered */
}
END_TEST

START_TEST(test_syntax_checks)
{
	ck_assert(codes_valid_enhanced("5.1.1"));
	ck_assert(codes_valid_enhanced("4.7.650"));
	ck_assert(codes_valid_enhanced("2.0.0"));
	ck_assert(codes_valid_enhanced("5.999.999"));
	ck_assert(!codes_valid_enhanced("3.1.1"));
	ck_assert(!codes_valid_enhanced("5.1.1.1"));
	ck_assert(!codes_valid_enhanced("5.1000.1"));
	ck_assert(!codes_valid_enhanced("5..1"));
	ck_assert(!codes_valid_enhanced(NULL));
	ck_assert(codes_valid_reply("550"));
	ck_assert(codes_valid_reply("250"));
	ck_assert(codes_valid_reply("354"));
	ck_assert(!codes_valid_reply("650"));
	ck_assert(!codes_valid_reply("150"));
	ck_assert(!codes_valid_reply("55"));
	ck_assert(!codes_valid_reply("5500"));
	ck_assert(!codes_valid_reply("5a0"));
	ck_assert(!codes_valid_reply(NULL));
}
END_TEST

/* Every row is found by the lookup, the table is sorted, codes
 * are unique and well-formed, reasons are known names. */
START_TEST(test_table_consistent)
{
	size_t n, i;
	const codes_entry *t = codes_table(&n);

	ck_assert_uint_gt(n, 300);
	for (i = 0; i < n; i++) {
		ck_assert_msg(codes_lookup(t[i].code) == &t[i], "%s not found by lookup", t[i].code);
		ck_assert(codes_valid_enhanced(t[i].code) || codes_valid_reply(t[i].code));
		ck_assert_msg(t[i].key == codes_key(t[i].code), "%s: key %ld", t[i].code,
			      t[i].key);
		if (i > 0)
			ck_assert_msg(t[i - 1].key < t[i].key, "%s out of order", t[i].code);
		ck_assert(t[i].text != NULL && t[i].text[0] != '\0');
		ck_assert(t[i].source != NULL);
		if (t[i].reason != NULL)
			ck_assert_msg(ruleset_valid_reason(t[i].reason, NULL), "%s: reason %s",
				      t[i].code, t[i].reason);
	}
}
END_TEST

/* The key: enhanced codes above every reply code, malformed ones -1. */
START_TEST(test_key)
{
	ck_assert_int_eq(codes_key("550"), 550);
	ck_assert_int_eq(codes_key("5.1.1"), 5001001L);
	ck_assert_int_eq(codes_key("4.7.750"), 4007750L);
	ck_assert_int_eq(codes_key("5.1.1.1"), -1);
	ck_assert_int_eq(codes_key("5.01.1"), -1);
	ck_assert_int_eq(codes_key("5..1"), -1);
	ck_assert_int_eq(codes_key("3.1.1"), -1);
	ck_assert_int_eq(codes_key("5.1."), -1);
	ck_assert_int_eq(codes_key("5.1"), -1);
	ck_assert_int_eq(codes_key(""), -1);
	ck_assert_int_eq(codes_key(NULL), -1);
}
END_TEST

START_TEST(test_registry_additions)
{
	const codes_entry *e;

	e = codes_lookup("5.1.10");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e->text, "null MX"));
	ck_assert_ptr_nonnull(codes_lookup("4.1.10"));
	ck_assert_ptr_nonnull(codes_lookup("5.3.5"));
	ck_assert_ptr_nonnull(codes_lookup("5.5.6"));
	ck_assert_ptr_nonnull(codes_lookup("5.6.7"));
	ck_assert_ptr_nonnull(codes_lookup("5.6.10"));
	ck_assert_ptr_nonnull(codes_lookup("5.7.8"));
	ck_assert_ptr_nonnull(codes_lookup("5.7.30"));
	ck_assert_str_eq(codes_lookup("5.7.13")->reason, "suspend");
	ck_assert_str_eq(codes_lookup("5.7.25")->reason, "requireptr");
	ck_assert_str_eq(codes_lookup("5.1.1")->reason, "userunknown");
	ck_assert_str_eq(codes_lookup("4.4.7")->reason, "expired");
	ck_assert_str_eq(codes_lookup("5.2.2")->reason, "mailboxfull");
	ck_assert_str_eq(codes_lookup("5.3.4")->reason, "mesgtoobig");
	/* generic codes leave the decision to the text */
	ck_assert_ptr_null(codes_lookup("5.0.0")->reason);
	ck_assert_ptr_null(codes_lookup("5.7.1")->reason);
	ck_assert_ptr_null(codes_lookup("550")->reason);
	ck_assert_ptr_null(codes_lookup("554")->reason);
	/* classic replies beyond the user's list */
	ck_assert_ptr_nonnull(codes_lookup("250"));
	ck_assert_ptr_nonnull(codes_lookup("354"));
	ck_assert_str_eq(codes_lookup("521")->reason, "notaccept");
	ck_assert_str_eq(codes_lookup("556")->reason, "notaccept");
	ck_assert_ptr_nonnull(codes_lookup("555"));
}
END_TEST

START_TEST(test_provider_codes)
{
	ck_assert_str_eq(codes_lookup("5.7.26")->reason, "authfailure");
	ck_assert_str_eq(codes_lookup("4.7.26")->reason, "authfailure");
	ck_assert_ptr_nonnull(strstr(codes_lookup("5.7.28")->text, "Gmail"));
	ck_assert_str_eq(codes_lookup("5.7.509")->reason, "authfailure");
	ck_assert_str_eq(codes_lookup("5.7.509")->source, "microsoft");
	ck_assert_str_eq(codes_lookup("5.7.606")->reason, "blocked");
	ck_assert_str_eq(codes_lookup("5.7.649")->reason, "blocked");
	ck_assert_ptr_null(codes_lookup("5.7.650"));
	ck_assert_str_eq(codes_lookup("4.7.650")->reason, "badreputation");
	ck_assert_str_eq(codes_lookup("5.4.316")->reason, "expired");
	ck_assert_str_eq(codes_lookup("5.7.512")->reason, "notcompliantrfc");
	ck_assert_str_eq(codes_lookup("5.1.10")->reason, "userunknown");
	ck_assert_ptr_nonnull(codes_lookup("5.7.705"));
	ck_assert_str_eq(codes_lookup("4.7.500")->reason, "toomanyconn");
}
END_TEST

static Suite *codes_suite(void)
{
	Suite *s = suite_create("codes");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_key);
	tcase_add_test(tc, test_user_table_exact);
	tcase_add_test(tc, test_transient_counterparts);
	tcase_add_test(tc, test_malformed_unknown);
	tcase_add_test(tc, test_syntax_checks);
	tcase_add_test(tc, test_table_consistent);
	tcase_add_test(tc, test_registry_additions);
	tcase_add_test(tc, test_provider_codes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codes_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
