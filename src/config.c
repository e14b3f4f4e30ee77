/*
 * NAME
 *	config - read the policy file (libconfuse) into a bt_config
 *
 * SYNOPSIS
 *	bt_config *c = config_load("/etc/bouncetag.conf", err, sizeof(err));
 *	bt_config *d = config_default(err, sizeof(err));
 *	config_free(c);
 *
 * DESCRIPTION
 *	The only module that includes <confuse.h>.  config_load() reads the
 *	file with conftext_read() (limits, comments blanked: libconfuse 3.3
 *	miscounts lines after a comment), parses it, checks every value as
 *	it is read with conftext_check() (so an error carries its line),
 *	then builds the daemon settings, caps, header options, the policy
 *	(policy.c) and the ruleset (built-in rules plus the file's text
 *	rules and codes, in file order, in front).  config_default() builds
 *	the same from an empty file.  bouncetag.conf(5) documents the file.
 *
 * DIAGNOSTICS
 *	On error NULL, and errbuf holds "FILE:LINE: what was expected, what
 *	was found", or "FILE: cannot open: reason".  Only the first error is
 *	kept.  libconfuse has no user pointer, so the error buffer of the load
 *	in progress is reached through a thread-local pointer (config_cur).
 *	libconfuse's scanner keeps global state: parsing is serialised with a
 *	mutex, so config_load() may be called from any thread.
 *
 * MEMORY
 *	A bt_config owns all its strings, its policy and its ruleset;
 *	config_free() frees them all.  hdr.prefix and hdr.instance are heap
 *	copies owned by the config (const only in hdrfmt_opts).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <confuse.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btconfig.h"
#include "config.h"
#include "conftext.h"
#include "result.h"

#define CONFIG_MAX_SECTIONS	1000	/* rules, text-rules, codes: each */
#define CONFIG_MAX_LIST		100	/* alternatives in one list */
#define CONFIG_DEFAULT_SOCKET	"inet:8893@127.0.0.1"
#define CONFIG_LINE_END		" end-line"	/* hidden: line of a section's '}' */
#define CONFIG_LINE_KEY		" key-line"	/* hidden: line of its key setting */

typedef struct config_ctx {
	const char *file;
	char *errbuf;
	size_t errlen;
	int failed;
} config_ctx;

static _Thread_local config_ctx *config_cur;
static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

/* Record the first error as "FILE:LINE: msg" (line <= 0: "FILE: msg"). */
static void __attribute__((format(printf, 3, 0)))
config_vfail(config_ctx *ctx, int line, const char *fmt, va_list ap)
{
	char msg[512], *p;

	if (ctx == NULL || ctx->failed)
		return;
	ctx->failed = 1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (p = msg; *p != '\0'; p++)		/* values are echoed: one safe line */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (ctx->errbuf == NULL || ctx->errlen == 0)
		return;
	if (line > 0)
		snprintf(ctx->errbuf, ctx->errlen, "%s:%d: %s", ctx->file, line, msg);
	else
		snprintf(ctx->errbuf, ctx->errlen, "%s: %s", ctx->file, msg);
}

static void __attribute__((format(printf, 3, 4)))
config_fail(config_ctx *ctx, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_vfail(ctx, line, fmt, ap);
	va_end(ap);
}

/* From a parse callback: the line is the value's; returns -1 for libconfuse. */
static int __attribute__((format(printf, 3, 4)))
config_cberr(cfg_t *cfg, cfg_opt_t *opt, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cfg_title(cfg) != NULL)
		config_fail(config_cur, cfg->line, "%s \"%s\": %s: %s", cfg_name(cfg),
			    cfg_title(cfg), cfg_opt_name(opt), msg);
	else if (strcmp(cfg_name(cfg), "root") != 0)
		config_fail(config_cur, cfg->line, "%s: %s: %s", cfg_name(cfg), cfg_opt_name(opt), msg);
	else
		config_fail(config_cur, cfg->line, "%s: %s", cfg_opt_name(opt), msg);
	return -1;
}

/* libconfuse's own errors (syntax, unknown settings). */
static void __attribute__((format(printf, 2, 0)))
config_errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[400];
	const char *m = msg;
	int line = cfg ? cfg->line : 0;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strncmp(msg, "no such option ", 15) == 0)
		m = msg + 15;
	else if (strncmp(msg, "invalid boolean value for option ", 33) == 0) {
		config_fail(config_cur, line, "%.*s: expected true or false (yes, no, on, off)",
			    (int)strlen(msg + 34) - 1, msg + 34);	/* name without quotes */
		return;
	} else if (strncmp(msg, "found duplicate title ", 22) == 0) {
		config_fail(config_cur, line, "%s is defined twice (rule and code names "
			    "must be unique)", msg + 22);
		return;
	}
	if (cfg != NULL && cfg_title(cfg) != NULL)
		config_fail(config_cur, line, "%s%s (in %s \"%s\")", m == msg ? "" :
			    "unknown setting ", m, cfg_name(cfg), cfg_title(cfg));
	else if (cfg != NULL && strcmp(cfg_name(cfg), "root") != 0)
		config_fail(config_cur, line, "%s%s (in %s)", m == msg ? "" :
			    "unknown setting ", m, cfg_name(cfg));
	else
		config_fail(config_cur, line, "%s%s", m == msg ? "" : "unknown setting ", m);
}

/* --- value checks (parse callbacks) ---------------------------------- */

/* Accept a value: libconfuse copies the string the callback returns. */
static int
config_keep(const char *value, void *result)
{
	*(const char **)result = value;
	return 0;
}

static void
config_mark(cfg_t *cfg)
{
	cfg_setint(cfg, CONFIG_LINE_KEY, cfg->line);
}

/* The kind of each string setting; section NULL: any section. */
static const struct config_kind {
	const char *section;
	const char *name;
	conftext_kind kind;
} config_kinds[] = {
	{ "root", "socket", CONFTEXT_SOCKET },
	{ "root", "socket-owner", CONFTEXT_OWNER },
	{ "root", "user", CONFTEXT_USER },
	{ "root", "group", CONFTEXT_USER },
	{ "root", "pidfile", CONFTEXT_PATH },
	{ "headers", "prefix", CONFTEXT_PREFIX },
	{ "headers", "instance", CONFTEXT_TEXT },
	{ "rule", "status", CONFTEXT_STATUS },
	{ "rule", "replycode", CONFTEXT_REPLYGLOB },
	{ "rule", "recipient-domain", CONFTEXT_DOMAIN },
	{ "rule", "sender-domain", CONFTEXT_DOMAIN },
	{ "rule", "host", CONFTEXT_HOST },
	{ NULL, "reply-code", CONFTEXT_REPLYCODE },
	{ NULL, "reply-status", CONFTEXT_ENHANCED },
	{ NULL, "reply-text", CONFTEXT_TEXT },
	{ NULL, "quarantine-reason", CONFTEXT_TEXT },
	{ "code", "text", CONFTEXT_TEXT },
	{ "text-rule", "pattern", CONFTEXT_PATTERN },
	{ "text-rule", "host", CONFTEXT_PATTERN },
	{ "text-rule", "status", CONFTEXT_FILTER },
};

/* Any string setting: its syntax from config_kinds. */
static int
config_cb_string(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	const char *name = cfg_opt_name(opt), *expected = "a known setting";
	size_t i;

	if (strncmp(name, "reply-", 6) == 0 || strcmp(name, "pattern") == 0)
		config_mark(cfg);
	for (i = 0; i < sizeof(config_kinds) / sizeof(config_kinds[0]); i++) {
		if (strcmp(config_kinds[i].name, name) != 0 || (config_kinds[i].section &&
		    strcmp(config_kinds[i].section, cfg_name(cfg)) != 0))
			continue;
		if (conftext_check(config_kinds[i].kind, v, &expected))
			return config_keep(v, res);
		break;
	}
	return config_cberr(cfg, opt, "expected %s, got \"%s\"", expected, v);
}

static int
config_cb_mode(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	if ((*(long *)res = conftext_mode(v)) >= 0)
		return 0;
	return config_cberr(cfg, opt, "expected an octal mode such as \"0660\", got \"%s\"", v);
}

static int
config_cb_facility(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	const char *f = conftext_facility(v);

	if (f != NULL)
		return config_keep(f, res);
	return config_cberr(cfg, opt, "expected mail, daemon, user or local0..local7, got \"%s\"", v);
}

static int
config_cb_level(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	if ((*(long *)res = conftext_level(v)) >= 0)
		return 0;
	return config_cberr(cfg, opt, "expected err, warning, notice, info or debug, got \"%s\"", v);
}

static int
config_cb_action(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	policy_action a;

	if (strcmp(cfg_name(cfg), "root") != 0)
		config_mark(cfg);
	if (policy_action_parse(v, &a) < 0)
		return config_cberr(cfg, opt, "expected tag, reject, tempfail, quarantine, "
				    "discard or accept, got \"%s\"", v);
	*(long *)res = (long)a;
	return 0;
}

/* Numbers: bounds by option name; sizes may end in K, M or G. */
static const struct config_bound {
	const char *name;
	unsigned long min, max;
	int size;
} config_bounds[] = {
	{ "timeout", 1, 86400, 0 },
	{ "max-bytes", 4096, 1024UL * 1024 * 1024, 1 },
	{ "max-line", 256, 1024 * 1024, 1 },
	{ "max-header", 256, 1024 * 1024, 1 },
	{ "max-field", 16, 64 * 1024, 1 },
	{ "max-text", 1024, 64 * 1024 * 1024, 1 },
	{ "max-depth", 1, 100, 0 },
	{ "max-parts", 1, 10000, 0 },
	{ "max-recipients", 1, 10000, 0 },
	{ "max-results", 1, 1000, 0 },
	{ "max-value", 32, 4096, 0 },
};

static int
config_cb_number(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	const struct config_bound *b = NULL;
	unsigned long n;
	size_t i;

	for (i = 0; i < sizeof(config_bounds) / sizeof(config_bounds[0]); i++)
		if (strcmp(cfg_opt_name(opt), config_bounds[i].name) == 0)
			b = &config_bounds[i];
	if (b == NULL)
		return config_cberr(cfg, opt, "no bounds known (bug)");
	if (conftext_number(v, b->min, b->max, b->size, &n) == 0) {
		*(long *)res = (long)n;
		return 0;
	}
	return config_cberr(cfg, opt, "expected a number from %lu to %lu%s, got \"%s\"",
			    b->min, b->max, b->size ? " (K, M, G allowed)" : "", v);
}

static int
config_cb_hdrset(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	unsigned bit;

	if (hdrfmt_set_parse(v, &bit) < 0)
		return config_cberr(cfg, opt, "expected all, class, reason, status, description, "
				    "recipient, diagnostic, remote-mta, original-message-id, result, "
				    "checked-by or action, got \"%s\"", v);
	return config_keep(v, res);
}

static int
config_cb_class(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	bt_class c;

	if (result_class_parse(v, &c) < 0)
		return config_cberr(cfg, opt, "expected hard, block, soft, undetermined, delayed, "
				    "delivered, auto-reply, complaint or none, got \"%s\"", v);
	return config_keep(result_class_name(c), res);
}

static int
config_cb_reason(cfg_t *cfg, cfg_opt_t *opt, const char *v, void *res)
{
	const char *canon = NULL;

	if (!ruleset_valid_reason(v, &canon) || canon == NULL)
		return config_cberr(cfg, opt, "expected a reason name (see bouncetag.conf(5)), "
				    "got \"%s\"", v);
	return config_keep(canon, res);
}

/* Section closed: remember the line of its '}' in the newest section. */
static int
config_vf_end(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned n = cfg_opt_size(opt);

	if (n > 0)
		cfg_setint(cfg_opt_getnsec(opt, n - 1), CONFIG_LINE_END, cfg->line);
	return 0;
}

/* --- the file's grammar ----------------------------------------------- */

#define CONFIG_HIDDEN \
	CFG_INT(CONFIG_LINE_END, 0, CFGF_NONE), CFG_INT(CONFIG_LINE_KEY, 0, CFGF_NONE)

static cfg_opt_t config_caps_opts[] = {
	CFG_INT_CB("max-bytes", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-line", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-header", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-field", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-text", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-depth", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-parts", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-recipients", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_END()
};

static cfg_opt_t config_headers_opts[] = {
	CFG_STR_CB("prefix", NULL, CFGF_NODEFAULT, config_cb_string),
	CFG_STR_LIST_CB("set", NULL, CFGF_NODEFAULT, config_cb_hdrset),
	CFG_STR_CB("instance", NULL, CFGF_NODEFAULT, config_cb_string),
	CFG_INT_CB("max-results", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_INT_CB("max-value", 0, CFGF_NODEFAULT, config_cb_number),
	CFG_BOOL("tag-non-bounces", cfg_false, CFGF_NONE),
	CFG_END()
};

#define CONFIG_VERDICT_OPTS \
	CFG_INT_CB("action", -1, CFGF_NONE, config_cb_action), \
	CFG_STR_CB("reply-code", NULL, CFGF_NONE, config_cb_string), \
	CFG_STR_CB("reply-status", NULL, CFGF_NONE, config_cb_string), \
	CFG_STR_CB("reply-text", NULL, CFGF_NONE, config_cb_string), \
	CFG_STR_CB("quarantine-reason", NULL, CFGF_NONE, config_cb_string)

static cfg_opt_t config_rule_opts[] = {
	CFG_STR_LIST_CB("class", NULL, CFGF_NONE, config_cb_class),
	CFG_STR_LIST_CB("reason", NULL, CFGF_NONE, config_cb_reason),
	CFG_STR_LIST_CB("status", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_LIST_CB("replycode", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_LIST_CB("recipient-domain", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_LIST_CB("sender-domain", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_LIST_CB("host", NULL, CFGF_NONE, config_cb_string),
	CONFIG_VERDICT_OPTS,
	CONFIG_HIDDEN,
	CFG_END()
};

static cfg_opt_t config_default_opts[] = {
	CONFIG_VERDICT_OPTS,
	CONFIG_HIDDEN,
	CFG_END()
};

static cfg_opt_t config_code_opts[] = {
	CFG_STR_CB("text", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_CB("reason", NULL, CFGF_NONE, config_cb_reason),
	CONFIG_HIDDEN,
	CFG_END()
};

static cfg_opt_t config_textrule_opts[] = {
	CFG_STR_CB("pattern", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_CB("reason", NULL, CFGF_NONE, config_cb_reason),
	CFG_STR_CB("host", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_LIST_CB("status", NULL, CFGF_NONE, config_cb_string),
	CONFIG_HIDDEN,
	CFG_END()
};

static cfg_opt_t config_opts[] = {
	CFG_STR_CB("socket", CONFIG_DEFAULT_SOCKET, CFGF_NONE, config_cb_string),
	CFG_INT_CB("socket-mode", -1, CFGF_NONE, config_cb_mode),
	CFG_STR_CB("socket-owner", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_CB("user", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_CB("group", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_CB("pidfile", NULL, CFGF_NONE, config_cb_string),
	CFG_STR_CB("syslog-facility", "mail", CFGF_NONE, config_cb_facility),
	CFG_INT_CB("log-level", 6, CFGF_NONE, config_cb_level),
	CFG_BOOL("allow-root", cfg_false, CFGF_NONE),
	CFG_INT_CB("timeout", 300, CFGF_NONE, config_cb_number),
	CFG_INT_CB("on-error", POLICY_ACCEPT, CFGF_NONE, config_cb_action),
	CFG_BOOL("dry-run", cfg_false, CFGF_NONE),
	CFG_BOOL("internal-mail", cfg_false, CFGF_NONE),
	CFG_SEC("caps", config_caps_opts, CFGF_NONE),
	CFG_SEC("headers", config_headers_opts, CFGF_NONE),
	CFG_SEC("rule", config_rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("default", config_default_opts, CFGF_NONE),
	CFG_SEC("code", config_code_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("text-rule", config_textrule_opts, CFGF_MULTI),
	CFG_END()
};

/* --- building the bt_config -------------------------------------------- */

static char *
config_dup(cfg_t *cfg, const char *name)
{
	const char *s = cfg_getstr(cfg, name);

	return s ? strdup(s) : NULL;
}

static int
config_line(cfg_t *sec)
{
	long key = cfg_getint(sec, CONFIG_LINE_KEY);

	return (int)(key > 0 ? key : cfg_getint(sec, CONFIG_LINE_END));
}

static int
config_daemon(cfg_t *cfg, bt_config *c)
{
	c->socket = config_dup(cfg, "socket");
	c->socket_mode = (int)cfg_getint(cfg, "socket-mode");
	c->socket_owner = config_dup(cfg, "socket-owner");
	c->user = config_dup(cfg, "user");
	c->group = config_dup(cfg, "group");
	c->pidfile = config_dup(cfg, "pidfile");
	c->syslog_facility = config_dup(cfg, "syslog-facility");
	c->log_level = (int)cfg_getint(cfg, "log-level");
	c->allow_root = cfg_getbool(cfg, "allow-root") == cfg_true;
	c->timeout = (int)cfg_getint(cfg, "timeout");
	c->on_error = (policy_action)cfg_getint(cfg, "on-error");
	c->internal_mail = cfg_getbool(cfg, "internal-mail") == cfg_true;
	return c->socket && c->syslog_facility ? 0 : -1;
}

static void
config_size(cfg_t *sec, const char *name, size_t *out)
{
	if (cfg_size(sec, name) > 0)
		*out = (size_t)cfg_getint(sec, name);
}

static void
config_count(cfg_t *sec, const char *name, unsigned *out)
{
	if (cfg_size(sec, name) > 0)
		*out = (unsigned)cfg_getint(sec, name);
}

static void
config_caps(cfg_t *cfg, bt_config *c)
{
	cfg_t *s = cfg_getsec(cfg, "caps");

	engine_caps_default(&c->caps);
	if (s == NULL)
		return;
	config_size(s, "max-bytes", &c->caps.max_bytes);
	config_size(s, "max-line", &c->caps.max_line);
	config_size(s, "max-header", &c->caps.max_header);
	config_size(s, "max-field", &c->caps.max_field);
	config_size(s, "max-text", &c->caps.max_text);
	config_count(s, "max-depth", &c->caps.max_depth);
	config_count(s, "max-parts", &c->caps.max_parts);
	config_count(s, "max-recipients", &c->caps.max_recipients);
}

static int
config_headers(cfg_t *cfg, bt_config *c)
{
	cfg_t *s = cfg_getsec(cfg, "headers");
	char host[256], inst[512];
	unsigned i, bit;

	hdrfmt_opts_default(&c->hdr);
	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(inst, sizeof(inst), "%s %s/%s", host, PACKAGE_NAME, PACKAGE_VERSION);
	c->hdr.prefix = NULL;
	c->hdr.instance = NULL;
	if (s != NULL && cfg_size(s, "set") > 0) {
		c->hdr.set = 0;
		for (i = 0; i < cfg_size(s, "set"); i++)
			if (hdrfmt_set_parse(cfg_getnstr(s, "set", i), &bit) == 0)
				c->hdr.set |= bit;
	}
	if (s != NULL) {
		config_size(s, "max-results", &c->hdr.max_results);
		config_size(s, "max-value", &c->hdr.max_value);
		c->hdr.tag_nonbounce = cfg_getbool(s, "tag-non-bounces") == cfg_true;
	}
	c->hdr.prefix = strdup(s && cfg_size(s, "prefix") ? cfg_getstr(s, "prefix") : "X-Bounce-");
	c->hdr.instance = strdup(s && cfg_size(s, "instance") ? cfg_getstr(s, "instance") : inst);
	return c->hdr.prefix && c->hdr.instance ? 0 : -1;
}

/* A list option joined with commas (NULL when empty). */
static char *
config_join(cfg_t *sec, const char *name, int *err)
{
	unsigned i, n = cfg_size(sec, name);
	size_t len = 1;
	char *s;

	if (n == 0)
		return NULL;
	for (i = 0; i < n; i++)
		len += strlen(cfg_getnstr(sec, name, i)) + 1;
	if ((s = calloc(1, len)) == NULL) {
		*err = 1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, cfg_getnstr(sec, name, i));
	}
	return s;
}

static void
config_verdict(cfg_t *sec, policy_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->action = (policy_action)cfg_getint(sec, "action");
	v->reply_code = cfg_getstr(sec, "reply-code");
	v->reply_xcode = cfg_getstr(sec, "reply-status");
	v->reply_text = cfg_getstr(sec, "reply-text");
	v->quarantine_reason = cfg_getstr(sec, "quarantine-reason");
}

/* Check the lists and the reply of one rule section, add it to the policy. */
static int
config_rule(config_ctx *ctx, cfg_t *sec, policy *p)
{
	static const char *const lists[] = {
		"class", "reason", "status", "replycode", "recipient-domain",
		"sender-domain", "host"
	};
	char *j[7], err[300];
	const char *name = cfg_title(sec), *expected;
	policy_match m;
	policy_verdict v;
	int i, rc = -1, nomem = 0;

	if (!conftext_check(CONFTEXT_NAME, name, &expected)) {
		config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END), "rule \"%s\": expected %s",
			    name, expected);
		return -1;
	}
	if (cfg_getint(sec, "action") < 0) {
		config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END), "rule \"%s\": expected an "
			    "action (tag, reject, tempfail, quarantine, discard or accept)", name);
		return -1;
	}
	for (i = 0; i < 7; i++) {
		if (cfg_size(sec, lists[i]) > CONFIG_MAX_LIST) {
			config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END), "rule \"%s\": %s: "
				    "expected at most %d entries", name, lists[i], CONFIG_MAX_LIST);
			while (i-- > 0)
				free(j[i]);
			return -1;
		}
		j[i] = config_join(sec, lists[i], &nomem);
	}
	m = (policy_match){ .name = name, .classes = j[0], .reasons = j[1], .statuses = j[2],
			    .replycodes = j[3], .rcpt_domains = j[4], .sender_domains = j[5],
			    .hosts = j[6] };
	config_verdict(sec, &v);
	if (nomem)
		config_fail(ctx, 0, "out of memory");
	else if (policy_add_rule(p, &m, &v, err, sizeof(err)) < 0)
		config_fail(ctx, config_line(sec), "rule \"%s\": %s", name, err);
	else
		rc = 0;
	for (i = 0; i < 7; i++)
		free(j[i]);
	return rc;
}

static int
config_policy(config_ctx *ctx, cfg_t *cfg, bt_config *c)
{
	cfg_t *sec;
	policy_verdict v;
	char err[300];
	unsigned i, n = cfg_size(cfg, "rule");

	if ((c->policy = policy_new()) == NULL) {
		config_fail(ctx, 0, "out of memory");
		return -1;
	}
	policy_set_dry_run(c->policy, cfg_getbool(cfg, "dry-run") == cfg_true);
	for (i = 0; i < n; i++) {
		sec = cfg_getnsec(cfg, "rule", i);
		if (i == CONFIG_MAX_SECTIONS) {
			config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END),
				    "expected at most %d rules", CONFIG_MAX_SECTIONS);
			return -1;
		}
		if (config_rule(ctx, sec, c->policy) < 0)
			return -1;
	}
	sec = cfg_getsec(cfg, "default");
	if (sec != NULL && cfg_getint(sec, "action") < 0 && cfg_getint(sec, CONFIG_LINE_KEY) > 0) {
		config_fail(ctx, config_line(sec), "default: expected an action (tag, reject, "
			    "tempfail, quarantine, discard or accept)");
		return -1;
	}
	if (sec != NULL && cfg_getint(sec, "action") >= 0) {
		config_verdict(sec, &v);
		if (policy_set_default(c->policy, &v, err, sizeof(err)) < 0) {
			config_fail(ctx, config_line(sec), "default: %s", err);
			return -1;
		}
	}
	return 0;
}

/* code "5.7.999" { text reason } and text-rule { pattern reason host status }. */
static int
config_knowledge(config_ctx *ctx, cfg_t *cfg, bt_config *c)
{
	char err[300], *status;
	cfg_t *sec;
	unsigned i;
	int rc, nomem = 0;

	if ((c->rules = ruleset_new(err, sizeof(err))) == NULL) {
		config_fail(ctx, 0, "built-in rules: %s", err);
		return -1;
	}
	for (i = 0; i < cfg_size(cfg, "code"); i++) {
		sec = cfg_getnsec(cfg, "code", i);
		if (i == CONFIG_MAX_SECTIONS || (!cfg_getstr(sec, "text") && !cfg_getstr(sec, "reason"))) {
			config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END), i == CONFIG_MAX_SECTIONS ?
				    "expected at most %d codes" : "code: expected text or reason",
				    CONFIG_MAX_SECTIONS);
			return -1;
		}
		if (ruleset_add_code(c->rules, cfg_title(sec), cfg_getstr(sec, "text"),
				     cfg_getstr(sec, "reason"), err, sizeof(err)) < 0) {
			config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END), "code \"%s\": %s",
				    cfg_title(sec), err);
			return -1;
		}
	}
	for (i = 0; i < cfg_size(cfg, "text-rule"); i++) {
		sec = cfg_getnsec(cfg, "text-rule", i);
		if (i == CONFIG_MAX_SECTIONS || !cfg_getstr(sec, "pattern") || !cfg_getstr(sec, "reason")) {
			config_fail(ctx, (int)cfg_getint(sec, CONFIG_LINE_END), i == CONFIG_MAX_SECTIONS ?
				    "expected at most %d text rules" : "text-rule: expected a pattern and a reason",
				    CONFIG_MAX_SECTIONS);
			return -1;
		}
		status = config_join(sec, "status", &nomem);
		rc = nomem ? -1 : ruleset_add_rule(c->rules, cfg_getstr(sec, "pattern"),
						   cfg_getstr(sec, "reason"), cfg_getstr(sec, "host"),
						   status, err, sizeof(err));
		free(status);
		if (rc < 0) {
			config_fail(ctx, config_line(sec), "text-rule: %s", nomem ? "out of memory" : err);
			return -1;
		}
	}
	return 0;
}

void
config_free(bt_config *c)
{
	if (c == NULL)
		return;
	free(c->file);
	free(c->socket);
	free(c->socket_owner);
	free(c->user);
	free(c->group);
	free(c->pidfile);
	free(c->syslog_facility);
	free((char *)c->hdr.prefix);
	free((char *)c->hdr.instance);
	policy_free(c->policy);
	ruleset_free(c->rules);
	free(c);
}

static cfg_t *
config_parse(config_ctx *ctx, const char *text)
{
	cfg_t *cfg = cfg_init(config_opts, CFGF_NONE);
	int rc;

	if (cfg == NULL) {
		config_fail(ctx, 0, "out of memory");
		return NULL;
	}
	cfg_set_error_function(cfg, config_errfunc);
	cfg_set_validate_func(cfg, "rule", config_vf_end);
	cfg_set_validate_func(cfg, "default", config_vf_end);
	cfg_set_validate_func(cfg, "code", config_vf_end);
	cfg_set_validate_func(cfg, "text-rule", config_vf_end);
	pthread_mutex_lock(&config_lock);	/* libconfuse's scanner has global state */
	config_cur = ctx;
	rc = *text != '\0' ? cfg_parse_buf(cfg, text) : CFG_SUCCESS;
	config_cur = NULL;
	pthread_mutex_unlock(&config_lock);
	if (rc != CFG_SUCCESS || ctx->failed) {
		config_fail(ctx, 0, "cannot parse");
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Parse text (comments already blanked) and build the config. */
static bt_config *
config_build(const char *file, const char *text, char *errbuf, size_t errlen)
{
	config_ctx ctx = { file ? file : "(built-in default)", errbuf, errlen, 0 };
	bt_config *c;
	cfg_t *cfg;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if ((cfg = config_parse(&ctx, text)) == NULL)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL || (file && !(c->file = strdup(file))) ||
	    config_daemon(cfg, c) < 0 || config_headers(cfg, c) < 0) {
		config_fail(&ctx, 0, "out of memory");
		goto fail;
	}
	config_caps(cfg, c);
	if (config_policy(&ctx, cfg, c) < 0 || config_knowledge(&ctx, cfg, c) < 0)
		goto fail;
	cfg_free(cfg);
	return c;
fail:
	cfg_free(cfg);
	config_free(c);
	return NULL;
}

bt_config *
config_default(char *errbuf, size_t errlen)
{
	return config_build(NULL, "", errbuf, errlen);
}

bt_config *
config_load(const char *path, char *errbuf, size_t errlen)
{
	char *text = conftext_read(path, errbuf, errlen);
	bt_config *c;

	if (text == NULL)
		return NULL;
	c = config_build(path, text, errbuf, errlen);
	free(text);
	return c;
}
