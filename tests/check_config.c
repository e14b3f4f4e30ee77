/*
 * check_config.c - unit tests for config.c: the embedded default, every
 * setting read into a bt_config, one bad file per kind of error (each
 * message checked with its file and line), codes and text rules from the
 * file in the ruleset, rules from the file in the policy, and the example
 * conf/bouncetag.conf (found through $top_srcdir, default "..").
 * Test files are written into a temporary directory.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btconfig.h"
#include "config.h"
#include "conftext.h"

static char tc_dir[64];
static char tc_path[128];

/* Write text to a fresh file; returns its path (static). */
static const char *
tc_write_len(const char *text, size_t len)
{
	static int seq;
	FILE *fp;

	if (tc_dir[0] == '\0') {
		snprintf(tc_dir, sizeof(tc_dir), "/tmp/check_configXXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(tc_dir));
	}
	snprintf(tc_path, sizeof(tc_path), "%s/t%d.conf", tc_dir, seq++);
	fp = fopen(tc_path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	fclose(fp);
	return tc_path;
}

static const char *
tc_write(const char *text)
{
	return tc_write_len(text, strlen(text));
}

static bt_config *
tc_load_ok(const char *text)
{
	char err[512] = "";
	bt_config *c = config_load(tc_write(text), err, sizeof(err));

	ck_assert_msg(c != NULL, "load failed: %s", err);
	ck_assert_str_eq(err, "");
	return c;
}

START_TEST(test_default)
{
	char err[256] = "x";
	bt_config *c = config_default(err, sizeof(err));
	bt_caps caps;

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(err, "");
	ck_assert_ptr_null(c->file);
	ck_assert_str_eq(c->socket, "inet:8893@127.0.0.1");
	ck_assert_int_eq(c->socket_mode, -1);
	ck_assert_ptr_null(c->socket_owner);
	ck_assert_ptr_null(c->user);
	ck_assert_ptr_null(c->group);
	ck_assert_ptr_null(c->pidfile);
	ck_assert_str_eq(c->syslog_facility, "mail");
	ck_assert_int_eq(c->log_level, 6);
	ck_assert_int_eq(c->allow_root, 0);
	ck_assert_int_eq(c->timeout, 300);
	ck_assert_int_eq(c->on_error, POLICY_ACCEPT);
	ck_assert_int_eq(c->internal_mail, 0);
	engine_caps_default(&caps);
	ck_assert_uint_eq(c->caps.max_bytes, caps.max_bytes);
	ck_assert_uint_eq(c->caps.max_line, caps.max_line);
	ck_assert_uint_eq(c->caps.max_header, caps.max_header);
	ck_assert_uint_eq(c->caps.max_field, caps.max_field);
	ck_assert_uint_eq(c->caps.max_text, caps.max_text);
	ck_assert_uint_eq(c->caps.max_depth, caps.max_depth);
	ck_assert_uint_eq(c->caps.max_parts, caps.max_parts);
	ck_assert_uint_eq(c->caps.max_recipients, caps.max_recipients);
	ck_assert_str_eq(c->hdr.prefix, "X-Bounce-");
	ck_assert_uint_eq(c->hdr.set, HDRFMT_ALL);
	ck_assert_ptr_nonnull(strstr(c->hdr.instance, " bouncetag/" PACKAGE_VERSION));
	ck_assert_uint_eq(c->hdr.max_results, 50);
	ck_assert_uint_eq(c->hdr.max_value, 512);
	ck_assert_int_eq(c->hdr.tag_nonbounce, 0);
	ck_assert_ptr_nonnull(c->policy);
	ck_assert_ptr_nonnull(c->rules);
	ck_assert_int_eq(policy_dry_run(c->policy), 0);
	config_free(c);
	config_free(NULL);
}
END_TEST

static const char tc_full[] =
	"# every setting\n"
	"socket = \"unix:/run/bouncetag/bouncetag.sock\"\n"
	"socket-mode = \"0660\"\n"
	"socket-owner = \"postfix:postfix\"\n"
	"user = bouncetag\n"
	"group = bouncetag\n"
	"pidfile = \"/run/bouncetag/bouncetag.pid\"\n"
	"syslog-facility = local3\n"
	"log-level = debug\n"
	"allow-root = true\n"
	"timeout = 120\n"
	"on-error = tempfail\n"
	"dry-run = true\n"
	"internal-mail = true\n"
	"caps {\n"
	"  max-bytes = 8M  max-line = 2K  max-header = 8192  max-field = 256\n"
	"  max-text = 32K  max-depth = 8  max-parts = 64  max-recipients = 20\n"
	"}\n"
	"headers {\n"
	"  prefix = \"X-BT-\"\n"
	"  set = {class, reason, status}\n"
	"  instance = \"mx1.example.org test\"\n"
	"  max-results = 10\n"
	"  max-value = 200\n"
	"  tag-non-bounces = true\n"
	"}\n";

START_TEST(test_every_setting)
{
	bt_config *c = tc_load_ok(tc_full);

	ck_assert_str_eq(c->file, tc_path);
	ck_assert_str_eq(c->socket, "unix:/run/bouncetag/bouncetag.sock");
	ck_assert_int_eq(c->socket_mode, 0660);
	ck_assert_str_eq(c->socket_owner, "postfix:postfix");
	ck_assert_str_eq(c->user, "bouncetag");
	ck_assert_str_eq(c->group, "bouncetag");
	ck_assert_str_eq(c->pidfile, "/run/bouncetag/bouncetag.pid");
	ck_assert_str_eq(c->syslog_facility, "local3");
	ck_assert_int_eq(c->log_level, 7);
	ck_assert_int_eq(c->allow_root, 1);
	ck_assert_int_eq(c->timeout, 120);
	ck_assert_int_eq(c->on_error, POLICY_TEMPFAIL);
	ck_assert_int_eq(policy_dry_run(c->policy), 1);
	ck_assert_int_eq(c->internal_mail, 1);
	ck_assert_uint_eq(c->caps.max_bytes, 8 * 1024 * 1024);
	ck_assert_uint_eq(c->caps.max_line, 2048);
	ck_assert_uint_eq(c->caps.max_header, 8192);
	ck_assert_uint_eq(c->caps.max_field, 256);
	ck_assert_uint_eq(c->caps.max_text, 32 * 1024);
	ck_assert_uint_eq(c->caps.max_depth, 8);
	ck_assert_uint_eq(c->caps.max_parts, 64);
	ck_assert_uint_eq(c->caps.max_recipients, 20);
	ck_assert_str_eq(c->hdr.prefix, "X-BT-");
	ck_assert_uint_eq(c->hdr.set, HDRFMT_CLASS | HDRFMT_REASON | HDRFMT_STATUS);
	ck_assert_str_eq(c->hdr.instance, "mx1.example.org test");
	ck_assert_uint_eq(c->hdr.max_results, 10);
	ck_assert_uint_eq(c->hdr.max_value, 200);
	ck_assert_int_eq(c->hdr.tag_nonbounce, 1);
	config_free(c);
}
END_TEST

START_TEST(test_other_forms)
{
	bt_config *c = tc_load_ok("socket = \"inet6:8893@::1\" log-level = ERR\n"
				  "syslog-facility = DAEMON headers { set = {all} }\n"
				  "caps { max-depth = 3 }\n");

	ck_assert_str_eq(c->socket, "inet6:8893@::1");
	ck_assert_int_eq(c->log_level, 3);
	ck_assert_str_eq(c->syslog_facility, "daemon");
	ck_assert_uint_eq(c->hdr.set, HDRFMT_ALL);
	ck_assert_uint_eq(c->caps.max_depth, 3);
	ck_assert_uint_eq(c->caps.max_parts, 256);	/* unset caps keep the default */
	config_free(c);
	c = tc_load_ok("socket = \"local:/var/run/bt.sock\"\n");
	ck_assert_str_eq(c->socket, "local:/var/run/bt.sock");
	config_free(c);
	c = tc_load_ok("socket = \"inet:10025\"\n");
	ck_assert_str_eq(c->socket, "inet:10025");
	config_free(c);
	c = tc_load_ok("");
	ck_assert_str_eq(c->socket, "inet:8893@127.0.0.1");
	config_free(c);
}
END_TEST

/* One bad file per kind of error: the text, the line, the message. */
static const struct tc_bad {
	const char *text;
	int line;		/* 0: no line in the message */
	const char *msg;	/* what follows "FILE:LINE: " (a prefix of it) */
} tc_bad[] = {
	{ "# comment\n# more\nfoo = 1\n", 3, "unknown setting 'foo'" },
	{ "rule r {\n  # x\n  bar = 1\n}\n", 3, "unknown setting 'bar' (in rule \"r\")" },
	{ "caps {\n  max-bites = 1\n}\n", 2, "unknown setting 'max-bites' (in caps)" },
	{ "\n\nsocket = \"tcp:8893\"\n", 3, "socket: expected unix:/PATH, local:/PATH, "
	  "inet:PORT@HOST or inet6:PORT@HOST, got \"tcp:8893\"" },
	{ "socket = \"inet:70000@localhost\"\n", 1, "socket: expected unix:/PATH" },
	{ "socket = \"unix:relative\"\n", 1, "socket: expected unix:/PATH" },
	{ "socket-mode = \"999\"\n", 1, "socket-mode: expected an octal mode such as \"0660\", got \"999\"" },
	{ "socket-owner = \"a:b:c\"\n", 1, "socket-owner: expected USER or USER:GROUP, got \"a:b:c\"" },
	{ "user = \"bad user\"\n", 1, "user: expected a user or group name, got \"bad user\"" },
	{ "group = \"x:y\"\n", 1, "group: expected a user or group name, got \"x:y\"" },
	{ "pidfile = \"run/x.pid\"\n", 1, "pidfile: expected an absolute path, got \"run/x.pid\"" },
	{ "syslog-facility = kern\n", 1, "syslog-facility: expected mail, daemon, user or "
	  "local0..local7, got \"kern\"" },
	{ "log-level = loud\n", 1, "log-level: expected err, warning, notice, info or debug, got \"loud\"" },
	{ "timeout = 0\n", 1, "timeout: expected a number from 1 to 86400, got \"0\"" },
	{ "timeout = abc\n", 1, "timeout: expected a number from 1 to 86400, got \"abc\"" },
	{ "on-error = bounce\n", 1, "on-error: expected tag, reject, tempfail, quarantine, discard "
	  "or accept, got \"bounce\"" },
	{ "dry-run = maybe\n", 1, "dry-run: expected true or false (yes, no, on, off)" },
	{ "caps {\n\n  max-bytes = 0\n}\n", 3, "caps: max-bytes: expected a number from 4096 to 1073741824 "
	  "(K, M, G allowed), got \"0\"" },
	{ "caps {\n  max-depth = 100000\n}\n", 2, "caps: max-depth: expected a number from 1 to 100, got \"100000\"" },
	{ "caps {\n  max-recipients = 5x\n}\n", 2, "caps: max-recipients: expected a number from 1 to 10000" },
	{ "headers {\n  prefix = \"X-Bounce:\"\n}\n", 2, "headers: prefix: expected printable ASCII without "
	  "space or colon" },
	{ "headers {\n  set = {class, colour}\n}\n", 2, "headers: set: expected all, class, reason" },
	{ "headers {\n  max-value = 5\n}\n", 2, "headers: max-value: expected a number from 32 to 4096, got \"5\"" },
	{ "headers {\n  instance = \"a\tb\"\n}\n", 2, "headers: instance: expected 1 to 400 printable "
	  "characters (no control characters), got \"a?b\"" },
	{ "rule r {\n  class = {hard, bogus}\n  action = tag\n}\n", 2, "rule \"r\": class: expected "
	  "hard, block, soft, undetermined, delayed, delivered, auto-reply, complaint or none, got \"bogus\"" },
	{ "rule r {\n  reason = {nosuchreason}\n  action = tag\n}\n", 2, "rule \"r\": reason: expected "
	  "a reason name (see bouncetag.conf(5)), got \"nosuchreason\"" },
	{ "rule r {\n  status = {5.7.*}\n  action = tag\n}\n", 2, "rule \"r\": status: expected a status "
	  "such as 5.1.1 or a quoted glob such as \"5.7.*\", got \"5.7.\"" },
	{ "rule r {\n  replycode = {\"5x0\"}\n  action = tag\n}\n", 2, "rule \"r\": replycode: expected "
	  "a reply code such as 550" },
	{ "rule r {\n  recipient-domain = {*.example.org}\n  action = tag\n}\n", 2, "rule \"r\": "
	  "recipient-domain: expected a name such as example.org or a quoted glob such as "
	  "\"*.example.org\", got \".example.org\"" },
	{ "rule r {\n  sender-domain = {\"ex ample.org\"}\n  action = tag\n}\n", 2, "rule \"r\": "
	  "sender-domain: expected a name" },
	{ "rule r {\n  host = {\"mx/1\"}\n  action = tag\n}\n", 2, "rule \"r\": host: expected a host name" },
	{ "rule r {\n  action = bounce\n}\n", 2, "rule \"r\": action: expected tag, reject, tempfail, "
	  "quarantine, discard or accept, got \"bounce\"" },
	{ "rule r {\n  class = {hard}\n\n}\n", 4, "rule \"r\": expected an action (tag, reject, "
	  "tempfail, quarantine, discard or accept)" },
	{ "rule r {\n  action = reject\n  reply-code = 451\n}\n", 3, "rule \"r\": reply-code: "
	  "expected 5xx for action reject, got \"451\"" },
	{ "rule r {\n  action = tempfail\n  reply-status = \"5.7.1\"\n}\n", 3, "rule \"r\": "
	  "reply-status: expected 4.x.x for action tempfail, got \"5.7.1\"" },
	{ "rule r {\n  action = reject\n  reply-code = 250\n}\n", 3, "rule \"r\": reply-code: expected "
	  "a 4xx or 5xx reply code such as 550, got \"250\"" },
	{ "rule r {\n  action = reject\n  reply-status = \"5.7\"\n}\n", 3, "rule \"r\": reply-status: "
	  "expected an enhanced status such as 5.7.1 or 4.7.1, got \"5.7\"" },
	{ "rule \"bad name\" {\n  action = tag\n}\n", 3, "rule \"bad name\": expected a name of letters" },
	{ "rule r {\n  action = tag\n}\nrule r {\n  action = tag\n}\n", 4, "'r' is defined twice" },
	{ "default {\n  action = reject\n  reply-code = 450\n}\n", 3, "default: reply-code: expected "
	  "5xx for action reject, got \"450\"" },
	{ "default {\n  reply-text = \"no\"\n}\n", 2, "default: expected an action" },
	{ "rule r {\n  action = tag\n  reply-code = 550\n}\n", 3, "rule \"r\": reply-code: "
	  "expected only with action reject or tempfail, not tag" },
	{ "code \"9.9.9\" {\n  text = \"x\"\n}\n", 3, "code \"9.9.9\": bad status code" },
	{ "code \"5.7.999\" {\n}\n", 2, "code: expected text or reason" },
	{ "code \"5.7.999\" {\n  reason = nosuchreason\n}\n", 2, "code \"5.7.999\": reason: expected "
	  "a reason name" },
	{ "text-rule {\n  reason = blocked\n\n  pattern = \"(unclosed\"\n}\n", 4, "text-rule: " },
	{ "text-rule {\n  pattern = \"x\"\n}\n", 3, "text-rule: expected a pattern and a reason" },
	{ "text-rule {\n  pattern = \"x\"\n  reason = blocked\n  status = {\"5.7.\"}\n}\n", 4,
	  "text-rule: status: expected a status" },
	{ "# a\nrule r {\n  action = tag\n", 2, "expected '}' to close the section opened here" },
	{ "headers {\n  set = {\n  }\n}\n", 2, "expected a list with at least one entry, got {}" },
	{ "rule r {\n  reply-text = \"= {}\"\n  class = {}\n  action = tag\n}\n", 3,
	  "expected a list with at least one entry, got {}" },
	{ "socket = \"unterminated\n", 0, "" },
	{ "rule r { action = tag } }\n", 1, "" },
	{ "socket = = x\n", 1, "" },
};

START_TEST(test_bad_file)
{
	const struct tc_bad *b = &tc_bad[_i];
	char err[512] = "", want[512];
	bt_config *c = config_load(tc_write(b->text), err, sizeof(err));

	ck_assert_msg(c == NULL, "case %d loaded", _i);
	if (b->line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", tc_path, b->line, b->msg);
	else
		snprintf(want, sizeof(want), "%s:", tc_path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "case %d:\n got  [%s]\n want [%s...]",
		      _i, err, want);
	ck_assert_msg(strlen(err) > strlen(tc_path) + 3, "case %d: no message: %s", _i, err);
}
END_TEST

START_TEST(test_cannot_open)
{
	char err[256], want[256];
	const char *path = "/nonexistent/bouncetag.conf";

	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_nul_and_size)
{
	char err[256], want[256];
	char *big;
	const char *p;

	p = tc_write_len("timeout = 5\n\nx\0y\n", 17);
	ck_assert_ptr_null(config_load(p, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:3: expected text, got a NUL byte", p);
	ck_assert_str_eq(err, want);
	big = malloc(2 * 1024 * 1024);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', 2 * 1024 * 1024);
	p = tc_write_len(big, 2 * 1024 * 1024);
	free(big);
	ck_assert_ptr_null(config_load(p, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: expected at most 1048576 bytes", p);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_comments)
{
	bt_config *c = tc_load_ok("# a\n// b\n/* c\n d */\nsocket = \"unix:/run/a#b//c\" # x\n"
				  "headers { instance = \"a /* b */ c\" }\nrule r {\n  action = reject\n"
				  "  reply-text = \"see # 5\"  // comment\n}\n");

	ck_assert_str_eq(c->socket, "unix:/run/a#b//c");
	ck_assert_str_eq(c->hdr.instance, "a /* b */ c");
	config_free(c);
}
END_TEST

START_TEST(test_knowledge)
{
	static const char *const noctx[3] = { NULL, NULL, NULL };
	static const char *const hostctx[3] = { "mx.example.org", NULL, NULL };
	const char *t1 = "Your mailbox is gone, friend";
	const char *t2 = "zorglub frobnicated 42";
	bt_config *c = tc_load_ok(
		"code \"5.7.999\" {\n  text = \"Blocked by our partner\"\n  reason = blocked\n}\n"
		"text-rule {\n  pattern = \"mailbox (is )?gone\"\n  reason = userunknown\n}\n"
		"text-rule {\n  pattern = \"mailbox\"\n  reason = mailboxfull\n}\n"
		"text-rule {\n  pattern = \"frobnicated 42\"\n  reason = toomanyconn\n"
		"  host = \"example\\\\.org$\"\n  status = {\"5.7.*\", 554}\n}\n");
	const codes_entry *e = ruleset_lookup_code(c->rules, "5.7.999");

	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->text, "Blocked by our partner");
	ck_assert_str_eq(e->reason, "blocked");
	ck_assert_ptr_nonnull(ruleset_lookup_code(c->rules, "5.1.1"));	/* built-ins stay */
	ck_assert_str_eq(ruleset_match(c->rules, t1, strlen(t1), NULL, NULL, noctx), "userunknown");
	ck_assert_str_eq(ruleset_match(c->rules, t2, strlen(t2), "5.7.1", NULL, hostctx),
			 "toomanyconn");
	ck_assert_str_eq(ruleset_match(c->rules, t2, strlen(t2), NULL, "554", hostctx),
			 "toomanyconn");
	/* the status filter and the host filter each keep the rule out */
	ck_assert_ptr_null(ruleset_match(c->rules, t2, strlen(t2), "4.7.1", NULL, hostctx));
	ck_assert_ptr_null(ruleset_match(c->rules, t2, strlen(t2), "5.7.1", NULL, noctx));
	config_free(c);
}
END_TEST

START_TEST(test_policy_from_file)
{
	bt_config *c = tc_load_ok(
		"rule gone {\n  class = {hard}\n  reason = {userunknown}\n  action = discard\n}\n"
		"rule spam {\n  status = {\"5.7.*\"}\n  recipient-domain = {\"*.example.org\"}\n"
		"  action = reject\n  reply-code = 554\n  reply-status = \"5.7.1\"\n"
		"  reply-text = \"no thanks\"\n}\n"
		"rule nb {\n  class = {none}\n  action = tag\n}\n"
		"default {\n  action = quarantine\n  quarantine-reason = \"look\"\n}\n");
	bt_rcpt rc = { 0 };
	bt_result r = { 0 };
	policy_verdict v;

	r.rcpt = &rc;
	r.nrcpt = 1;
	r.cls = rc.cls = BT_CLASS_HARD;
	rc.reason = "userunknown";
	rc.recipient = (char *)"a@mx.example.org";
	strcpy(rc.status, "5.1.1");
	policy_decide(c->policy, &r, "", 0, &v);
	ck_assert_int_eq(v.action, POLICY_DISCARD);
	ck_assert_str_eq(v.rule, "gone");
	r.cls = rc.cls = BT_CLASS_BLOCK;
	rc.reason = "blocked";
	strcpy(rc.status, "5.7.1");
	policy_decide(c->policy, &r, "", 0, &v);
	ck_assert_int_eq(v.action, POLICY_REJECT);
	ck_assert_str_eq(v.rule, "spam");
	ck_assert_str_eq(v.reply_code, "554");
	ck_assert_str_eq(v.reply_xcode, "5.7.1");
	ck_assert_str_eq(v.reply_text, "no thanks");
	policy_decide(c->policy, &r, "", 1, &v);	/* internal mail */
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_int_eq(v.would, POLICY_REJECT);
	strcpy(rc.status, "4.7.1");
	policy_decide(c->policy, &r, "", 0, &v);
	ck_assert_int_eq(v.action, POLICY_QUARANTINE);
	ck_assert_str_eq(v.rule, "default");
	ck_assert_str_eq(v.quarantine_reason, "look");
	r.cls = BT_CLASS_NONE;
	r.nrcpt = 0;
	policy_decide(c->policy, &r, "", 0, &v);
	ck_assert_int_eq(v.action, POLICY_TAG);
	ck_assert_str_eq(v.rule, "nb");
	config_free(c);
}
END_TEST

START_TEST(test_example_file)
{
	const char *top = getenv("top_srcdir");
	char path[1024], err[512] = "";
	bt_config *c;

	snprintf(path, sizeof(path), "%s/conf/bouncetag.conf", top && *top ? top : "..");
	c = config_load(path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->socket, "inet:8893@127.0.0.1");
	ck_assert_int_eq(c->on_error, POLICY_ACCEPT);
	ck_assert_int_eq(policy_dry_run(c->policy), 0);
	config_free(c);
}
END_TEST

/* The commented-out examples of conf/bouncetag.conf must load too: every
 * line "#x" (no space after '#') is uncommented. */
START_TEST(test_example_uncommented)
{
	const char *top = getenv("top_srcdir");
	char path[1024], err[512] = "", line[1024];
	char *text = calloc(1, 256 * 1024);
	size_t len = 0, n;
	FILE *fp;
	bt_config *c;
	bt_rcpt rc = { 0 };
	bt_result r = { 0 };
	policy_verdict v;

	ck_assert_ptr_nonnull(text);
	snprintf(path, sizeof(path), "%s/conf/bouncetag.conf", top && *top ? top : "..");
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *l = (line[0] == '#' && line[1] != ' ' && line[1] != '#' &&
				 line[1] != '\n') ? line + 1 : line;

		n = strlen(l);
		ck_assert_uint_lt(len + n, 256 * 1024);
		memcpy(text + len, l, n);
		len += n;
	}
	fclose(fp);
	c = config_load(tc_write(text), err, sizeof(err));
	free(text);
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->socket, "unix:/run/bouncetag/bouncetag.sock");
	ck_assert_str_eq(c->user, "bouncetag");
	ck_assert_ptr_nonnull(ruleset_lookup_code(c->rules, "5.7.999"));
	{	/* single quotes keep the pattern's backslashes */
		static const char *const noctx[3] = { NULL, NULL, NULL };
		const char *t = "550 Mailbox  is\tdeactivated";

		ck_assert_str_eq(ruleset_match(c->rules, t, strlen(t), NULL, NULL, noctx), "suspend");
	}
	r.rcpt = &rc;
	r.nrcpt = 1;
	r.cls = rc.cls = BT_CLASS_HARD;
	rc.recipient = (char *)"x@mail.old.example.com";
	policy_decide(c->policy, &r, "", 0, &v);
	ck_assert_str_eq(v.rule, "backscatter");
	ck_assert_int_eq(v.action, POLICY_REJECT);
	config_free(c);
}
END_TEST

/* tests/data/conf: good-*.conf load, bad-*.conf fail as their first line says. */
START_TEST(test_data_files)
{
	const char *top = getenv("top_srcdir");
	char dir[1024], path[1300], err[512], first[512], want[1400];
	struct dirent *de;
	int good = 0, bad = 0, line;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/data/conf", top && *top ? top : "..");
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		int is_good = strncmp(de->d_name, "good-", 5) == 0;
		bt_config *c;
		FILE *fp;

		if ((!is_good && strncmp(de->d_name, "bad-", 4) != 0) ||
		    strstr(de->d_name, ".conf") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		err[0] = '\0';
		c = config_load(path, err, sizeof(err));
		if (is_good) {
			ck_assert_msg(c != NULL, "%s", err);
			config_free(c);
			good++;
			continue;
		}
		ck_assert_msg(c == NULL, "%s loaded", path);
		ck_assert_ptr_nonnull(fp = fopen(path, "r"));
		ck_assert_ptr_nonnull(fgets(first, sizeof(first), fp));
		fclose(fp);
		first[strcspn(first, "\n")] = '\0';
		ck_assert_msg(sscanf(first, "# expect: %d:", &line) == 1, "%s: no expect line", path);
		snprintf(want, sizeof(want), "%s:%d: %s", path, line, strchr(first + 10, ':') + 2);
		ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "\n got  [%s]\n want [%s...]",
			      err, want);
		bad++;
	}
	closedir(d);
	ck_assert_int_ge(good, 2);
	ck_assert_int_ge(bad, 9);
}
END_TEST

/* conftext.c directly: good and bad values of every kind. */
static const struct tc_kind {
	conftext_kind k;
	const char *v;
	int ok;
} tc_kinds[] = {
	{ CONFTEXT_SOCKET, "unix:/run/x.sock", 1 }, { CONFTEXT_SOCKET, "local:/x", 1 },
	{ CONFTEXT_SOCKET, "inet:25@mx.example.org", 1 }, { CONFTEXT_SOCKET, "inet6:25@[::1]", 1 },
	{ CONFTEXT_SOCKET, "inet:25", 1 }, { CONFTEXT_SOCKET, "inet:0@x", 0 },
	{ CONFTEXT_SOCKET, "inet:@x", 0 }, { CONFTEXT_SOCKET, "inet:25@", 0 },
	{ CONFTEXT_SOCKET, "inet:25@a b", 0 }, { CONFTEXT_SOCKET, "unix:", 0 },
	{ CONFTEXT_SOCKET, "/run/x.sock", 0 }, { CONFTEXT_SOCKET, "", 0 },
	{ CONFTEXT_OWNER, "postfix", 1 }, { CONFTEXT_OWNER, "postfix:mail", 1 },
	{ CONFTEXT_OWNER, "postfix:", 0 }, { CONFTEXT_OWNER, ":mail", 0 },
	{ CONFTEXT_USER, "bounce_tag-1", 1 }, { CONFTEXT_USER, "-x", 0 },
	{ CONFTEXT_PATH, "/run/x.pid", 1 }, { CONFTEXT_PATH, "x.pid", 0 },
	{ CONFTEXT_PREFIX, "X-Bounce-", 1 }, { CONFTEXT_PREFIX, "X-\x7f", 0 },
	{ CONFTEXT_PREFIX, "", 0 }, { CONFTEXT_TEXT, "a b", 1 }, { CONFTEXT_TEXT, "a\nb", 0 },
	{ CONFTEXT_STATUS, "5.1.1", 1 }, { CONFTEXT_STATUS, "5.7.*", 1 },
	{ CONFTEXT_STATUS, "5.*", 1 }, { CONFTEXT_STATUS, "*", 1 }, { CONFTEXT_STATUS, "?.1.1", 1 },
	{ CONFTEXT_STATUS, "5.7.", 0 }, { CONFTEXT_STATUS, "5.7.1.", 0 },
	{ CONFTEXT_STATUS, "5.7.1.1", 0 }, { CONFTEXT_STATUS, "550", 0 },
	{ CONFTEXT_STATUS, "5.1000.1", 0 }, { CONFTEXT_FILTER, "550", 1 },
	{ CONFTEXT_FILTER, "5.7.*", 1 }, { CONFTEXT_FILTER, "55", 0 },
	{ CONFTEXT_REPLYGLOB, "55?", 1 }, { CONFTEXT_REPLYGLOB, "5*", 1 },
	{ CONFTEXT_REPLYGLOB, "550", 1 }, { CONFTEXT_REPLYGLOB, "55", 0 },
	{ CONFTEXT_REPLYGLOB, "650", 0 }, { CONFTEXT_DOMAIN, "*.example.org", 1 },
	{ CONFTEXT_DOMAIN, ".example.org", 0 }, { CONFTEXT_DOMAIN, "example.org.", 0 },
	{ CONFTEXT_DOMAIN, "[1.2.3.4]", 0 }, { CONFTEXT_HOST, "[1.2.3.4]", 1 },
	{ CONFTEXT_REPLYCODE, "421", 1 }, { CONFTEXT_REPLYCODE, "250", 0 },
	{ CONFTEXT_REPLYCODE, "5500", 0 }, { CONFTEXT_ENHANCED, "5.7.1", 1 },
	{ CONFTEXT_ENHANCED, "4.7.26", 1 }, { CONFTEXT_ENHANCED, "2.0.0", 0 },
	{ CONFTEXT_ENHANCED, "5.7", 0 }, { CONFTEXT_ENHANCED, "5.7.1x", 0 },
	{ CONFTEXT_NAME, "spam-1.a_b", 1 }, { CONFTEXT_NAME, "bad name", 0 },
};

START_TEST(test_conftext)
{
	unsigned long n;
	const char *exp = NULL;
	size_t i;

	for (i = 0; i < sizeof(tc_kinds) / sizeof(tc_kinds[0]); i++) {
		exp = NULL;
		ck_assert_msg(conftext_check(tc_kinds[i].k, tc_kinds[i].v, &exp) == tc_kinds[i].ok,
			      "kind %d value \"%s\"", (int)tc_kinds[i].k, tc_kinds[i].v);
		ck_assert(tc_kinds[i].ok ? exp == NULL : exp != NULL);
	}
	ck_assert_int_eq(conftext_number("4M", 1, 1UL << 30, 1, &n), 0);
	ck_assert_uint_eq(n, 4UL << 20);
	ck_assert_int_eq(conftext_number("2k", 1, 1UL << 30, 1, &n), 0);
	ck_assert_uint_eq(n, 2048);
	ck_assert_int_eq(conftext_number("4M", 1, 1UL << 30, 0, &n), -1);	/* no suffix allowed */
	ck_assert_int_eq(conftext_number("99999999999999999999", 1, 100, 0, &n), -1);
	ck_assert_int_eq(conftext_number("-1", 0, 100, 0, &n), -1);
	ck_assert_int_eq(conftext_number("", 0, 100, 0, &n), -1);
	ck_assert_int_eq(conftext_mode("0660"), 0660);
	ck_assert_int_eq(conftext_mode("660"), 0660);
	ck_assert_int_eq(conftext_mode("0888"), -1);
	ck_assert_int_eq(conftext_mode("1777"), -1);
	ck_assert_str_eq(conftext_facility("LOCAL7"), "local7");
	ck_assert_ptr_null(conftext_facility("kern"));
	ck_assert_int_eq(conftext_level("warning"), 4);
	ck_assert_int_eq(conftext_level("crit"), -1);
}
END_TEST

START_TEST(test_uncomment)
{
	char s1[] = "a = 1 # c\nb = \"#x\" // d\n/* e\n f */ c = 'g\\'#' {\n}\n";
	char s2[] = "x {\n y {\n }\n";
	char s3[] = "p = a//b\n";

	ck_assert_int_eq(conftext_uncomment(s1), 0);
	ck_assert_str_eq(s1, "a = 1    \nb = \"#x\"     \n    \n      c = 'g\\'#' {\n}\n");
	ck_assert_int_eq(conftext_uncomment(s2), 1);
	ck_assert_int_eq(conftext_uncomment(s3), 0);
	ck_assert_str_eq(s3, "p = a//b\n");	/* '//' inside a word is no comment */
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_every_setting);
	tcase_add_test(tc, test_other_forms);
	tcase_add_loop_test(tc, test_bad_file, 0, (int)(sizeof(tc_bad) / sizeof(tc_bad[0])));
	tcase_add_test(tc, test_cannot_open);
	tcase_add_test(tc, test_nul_and_size);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_knowledge);
	tcase_add_test(tc, test_policy_from_file);
	tcase_add_test(tc, test_example_file);
	tcase_add_test(tc, test_example_uncommented);
	tcase_add_test(tc, test_data_files);
	tcase_add_test(tc, test_conftext);
	tcase_add_test(tc, test_uncomment);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (tc_dir[0] != '\0') {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tc_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tc_dir);
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
