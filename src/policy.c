/*
 * NAME
 *	policy - the administrator's rules: which action for which bounce
 *
 * SYNOPSIS
 *	policy *p = policy_new();
 *	policy_add_rule(p, &match, &verdict, err, sizeof(err));
 *	policy_set_default(p, &verdict, err, sizeof(err));
 *	policy_decide(p, result, sender, internal, &out);
 *
 * DESCRIPTION
 *	A policy is an ordered list of rules and a default.  policy_decide()
 *	walks the rules in order; the first rule whose criteria all match
 *	gives the action ("first match wins").  When none matches, the
 *	default applies (tag, unless policy_set_default() said otherwise).
 *
 *	Every criterion is a list of alternatives (comma-separated); a
 *	criterion matches when any alternative matches, an empty criterion
 *	matches anything.  A criterion on a field the result does not have
 *	(no status, no reply code, no remote MTA ...) does not match.
 *	The fields are those of the TOP recipient (bt_result.top: the one
 *	the X-Bounce-* headers describe), not of every recipient:
 *	  classes	result class name ("hard", "block", ..., "none")
 *	  reasons	the top recipient's reason (Sisimai name)
 *	  statuses	glob over the top recipient's status ("5.7.*")
 *	  replycodes	glob over the top recipient's reply code ("55?")
 *	  rcpt_domains	glob over the domain of the top recipient's address
 *	  sender_domains glob over the domain of the envelope sender; for a
 *			null sender (a real bounce) the domain of the
 *			returned message's From: (the original sender)
 *	  hosts		glob over the reporting MTA or the top recipient's
 *			remote MTA (either may match)
 *	Globs know '*' (any run, dots included) and '?' (one character) and
 *	ignore case: "*.example.org" matches "mx.a.example.org" but not
 *	"example.org"; list both for both.
 *
 *	A non-bounce (class none) matches only rules that list class
 *	"none"; without one, it gets POLICY_ACCEPT (the default is not used).
 *	Internal mail (the MTA's own bounces): reject and tempfail become
 *	tag.  Dry-run: reject, tempfail, quarantine and discard become tag.
 *	In both cases verdict.would holds the action the rule asked for.
 *
 * DIAGNOSTICS
 *	policy_add_rule() and policy_set_default() check names and reply
 *	codes (reject: 5xx with 5.x.x, tempfail: 4xx with 4.x.x; a reply
 *	only with reject or tempfail, a quarantine reason only with
 *	quarantine) and return -1 with a message in errbuf.
 *
 * MEMORY
 *	The policy owns copies of every string given to it.  The pointers
 *	policy_decide() puts in a verdict live as long as the policy.  Built
 *	once, then read-only: policy_decide() may run on many threads.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

#define POLICY_MAX_RULES	4096	/* rules in one policy */
#define POLICY_MAX_ALTS		256	/* alternatives in one criterion */
#define POLICY_MAX_STR		1024	/* length of a name, pattern or text */

/* One criterion: its alternatives, split and trimmed. */
typedef struct policy_list {
	size_t n;
	char **alt;
} policy_list;

enum { PL_CLASS, PL_REASON, PL_STATUS, PL_REPLY, PL_RCPT, PL_SENDER, PL_HOST, PL__COUNT };

typedef struct policy_rule {
	char *name;
	policy_list crit[PL__COUNT];
	int has_none;		/* lists class "none" */
	policy_verdict v;	/* strings owned */
} policy_rule;

struct policy {
	size_t n;
	size_t alloc;
	policy_rule *rule;
	policy_rule def;	/* the default (criteria unused) */
	int dry_run;
};

static const char *const policy_names[] = {
	"tag", "reject", "tempfail", "quarantine", "discard", "accept"
};

const char *
policy_action_name(policy_action a)
{
	if ((unsigned)a >= sizeof(policy_names) / sizeof(policy_names[0]))
		return "?";
	return policy_names[a];
}

int
policy_action_parse(const char *s, policy_action *out)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++) {
		if (strcasecmp(s, policy_names[i]) == 0) {
			*out = (policy_action)i;
			return 0;
		}
	}
	return -1;
}

static void __attribute__((format(printf, 3, 4)))
policy_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static char *
policy_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
policy_list_free(policy_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->alt[i]);
	free(l->alt);
	l->alt = NULL;
	l->n = 0;
}

/* Split "a, b,c" into trimmed alternatives; empty ones are skipped. */
static int
policy_list_split(policy_list *l, const char *s, const char *what,
		  char *errbuf, size_t errlen)
{
	const char *p = s, *end;
	size_t len;

	l->n = 0;
	l->alt = NULL;
	if (s == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len > POLICY_MAX_STR) {
			policy_err(errbuf, errlen, "%s: expected at most %d characters",
				   what, POLICY_MAX_STR);
			return -1;
		}
		if (l->n >= POLICY_MAX_ALTS) {
			policy_err(errbuf, errlen, "%s: expected at most %d alternatives",
				   what, POLICY_MAX_ALTS);
			return -1;
		}
		if (l->n % 8 == 0) {
			char **na = realloc(l->alt, (l->n + 8) * sizeof(*na));

			if (na == NULL)
				goto nomem;
			l->alt = na;
		}
		if ((l->alt[l->n] = strndup(p, len)) == NULL)
			goto nomem;
		l->n++;
		p += len;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
nomem:
	policy_err(errbuf, errlen, "out of memory");
	return -1;
}

/* Case-insensitive glob: '*' any run (dots included), '?' one character. */
static int
policy_glob(const char *pat, const char *s)
{
	const char *star = NULL, *mark = NULL;

	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			mark = s;
		} else if (*pat == '?' ||
			   tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static int
policy_list_glob(const policy_list *l, const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; i < l->n; i++)
		if (policy_glob(l->alt[i], s))
			return 1;
	return 0;
}

static int
policy_check_reply(const policy_verdict *v, char *errbuf, size_t errlen)
{
	const char *c = v->reply_code, *x = v->reply_xcode;
	char want;
	int a, b;
	char tail;

	if (v->quarantine_reason != NULL && v->action != POLICY_QUARANTINE) {
		policy_err(errbuf, errlen, "quarantine-reason: expected only with action "
			   "quarantine, not %s", policy_action_name(v->action));
		return -1;
	}
	if (v->action != POLICY_REJECT && v->action != POLICY_TEMPFAIL) {
		if (c == NULL && x == NULL && v->reply_text == NULL)
			return 0;
		policy_err(errbuf, errlen, "%s: expected only with action reject or tempfail, "
			   "not %s", c ? "reply-code" : x ? "reply-status" : "reply-text",
			   policy_action_name(v->action));
		return -1;
	}
	want = v->action == POLICY_REJECT ? '5' : '4';
	if (c != NULL && (strlen(c) != 3 || c[0] != want ||
			  !isdigit((unsigned char)c[1]) || !isdigit((unsigned char)c[2]))) {
		policy_err(errbuf, errlen, "reply-code: expected %cxx for action %s, got \"%s\"",
			   want, policy_action_name(v->action), c);
		return -1;
	}
	if (x != NULL && (x[0] != want || x[1] != '.' ||
			  sscanf(x + 2, "%3d.%3d%c", &a, &b, &tail) != 2 ||
			  strspn(x + 2, "0123456789.") != strlen(x + 2))) {
		policy_err(errbuf, errlen, "reply-status: expected %c.x.x for action %s, got \"%s\"",
			   want, policy_action_name(v->action), x);
		return -1;
	}
	if (v->reply_text != NULL && strlen(v->reply_text) > POLICY_MAX_STR) {
		policy_err(errbuf, errlen, "reply-text: expected at most %d characters",
			   POLICY_MAX_STR);
		return -1;
	}
	return 0;
}

static void
policy_rule_free(policy_rule *r)
{
	int i;

	free(r->name);
	for (i = 0; i < PL__COUNT; i++)
		policy_list_free(&r->crit[i]);
	free((char *)r->v.reply_code);
	free((char *)r->v.reply_xcode);
	free((char *)r->v.reply_text);
	free((char *)r->v.quarantine_reason);
	memset(r, 0, sizeof(*r));
}

/* Copy a verdict into r (defaults filled in); 0 or -1. */
static int
policy_set_verdict(policy_rule *r, const policy_verdict *v, const char *name,
		   char *errbuf, size_t errlen)
{
	const char *code = v->reply_code, *xcode = v->reply_xcode, *text = v->reply_text;
	const char *qr = v->quarantine_reason;
	char qbuf[POLICY_MAX_STR + 32];

	if ((unsigned)v->action > POLICY_ACCEPT) {
		policy_err(errbuf, errlen, "action: expected tag, reject, tempfail, "
			   "quarantine, discard or accept");
		return -1;
	}
	if (policy_check_reply(v, errbuf, errlen) < 0)
		return -1;
	if (v->action == POLICY_REJECT) {
		code = code ? code : "550";
		xcode = xcode ? xcode : "5.7.1";
		text = text ? text : "Delivery status notification refused by policy";
	} else if (v->action == POLICY_TEMPFAIL) {
		code = code ? code : "451";
		xcode = xcode ? xcode : "4.7.1";
		text = text ? text : "Delivery status notification deferred by policy, try again later";
	}
	if (v->action == POLICY_QUARANTINE && qr == NULL) {
		snprintf(qbuf, sizeof(qbuf), "bouncetag: rule %s", name);
		qr = qbuf;
	}
	if (qr != NULL && strlen(qr) > POLICY_MAX_STR) {
		policy_err(errbuf, errlen, "quarantine-reason: expected at most %d characters",
			   POLICY_MAX_STR);
		return -1;
	}
	r->v.action = v->action;
	r->v.would = v->action;
	r->v.reply_code = policy_strdup(code);
	r->v.reply_xcode = policy_strdup(xcode);
	r->v.reply_text = policy_strdup(text);
	r->v.quarantine_reason = policy_strdup(qr);
	r->name = strdup(name);
	if ((code && !r->v.reply_code) || (xcode && !r->v.reply_xcode) ||
	    (text && !r->v.reply_text) || (qr && !r->v.quarantine_reason) || !r->name) {
		policy_err(errbuf, errlen, "out of memory");
		return -1;
	}
	r->v.rule = r->name;
	return 0;
}

policy *
policy_new(void)
{
	policy *p = calloc(1, sizeof(*p));
	policy_verdict v = { .action = POLICY_TAG };

	if (p == NULL)
		return NULL;
	if (policy_set_verdict(&p->def, &v, "default", NULL, 0) < 0) {
		policy_free(p);
		return NULL;
	}
	return p;
}

void
policy_free(policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		policy_rule_free(&p->rule[i]);
	free(p->rule);
	policy_rule_free(&p->def);
	free(p);
}

/* Class names must be known; remember whether "none" is among them. */
static int
policy_check_classes(policy_rule *r, char *errbuf, size_t errlen)
{
	size_t i;
	bt_class c;

	for (i = 0; i < r->crit[PL_CLASS].n; i++) {
		if (result_class_parse(r->crit[PL_CLASS].alt[i], &c) < 0) {
			policy_err(errbuf, errlen, "class: expected hard, block, soft, "
				   "undetermined, delayed, delivered, auto-reply, complaint "
				   "or none, got \"%s\"", r->crit[PL_CLASS].alt[i]);
			return -1;
		}
		if (c == BT_CLASS_NONE)
			r->has_none = 1;
	}
	return 0;
}

int
policy_add_rule(policy *p, const policy_match *m, const policy_verdict *v,
		char *errbuf, size_t errlen)
{
	static const char *const what[PL__COUNT] = {
		"class", "reason", "status", "replycode", "recipient-domain",
		"sender-domain", "host"
	};
	const char *src[PL__COUNT];
	policy_rule r;
	int i;

	if (p->n >= POLICY_MAX_RULES) {
		policy_err(errbuf, errlen, "expected at most %d rules", POLICY_MAX_RULES);
		return -1;
	}
	src[PL_CLASS] = m->classes;
	src[PL_REASON] = m->reasons;
	src[PL_STATUS] = m->statuses;
	src[PL_REPLY] = m->replycodes;
	src[PL_RCPT] = m->rcpt_domains;
	src[PL_SENDER] = m->sender_domains;
	src[PL_HOST] = m->hosts;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < PL__COUNT; i++)
		if (policy_list_split(&r.crit[i], src[i], what[i], errbuf, errlen) < 0)
			goto fail;
	if (policy_check_classes(&r, errbuf, errlen) < 0)
		goto fail;
	if (policy_set_verdict(&r, v, m->name ? m->name : "unnamed", errbuf, errlen) < 0)
		goto fail;
	if (p->n == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 8;
		policy_rule *nr = realloc(p->rule, na * sizeof(*nr));

		if (nr == NULL) {
			policy_err(errbuf, errlen, "out of memory");
			goto fail;
		}
		p->rule = nr;
		p->alloc = na;
	}
	p->rule[p->n++] = r;
	return 0;
fail:
	policy_rule_free(&r);
	return -1;
}

int
policy_set_default(policy *p, const policy_verdict *v, char *errbuf, size_t errlen)
{
	policy_rule r;

	memset(&r, 0, sizeof(r));
	if (policy_set_verdict(&r, v, "default", errbuf, errlen) < 0) {
		policy_rule_free(&r);
		return -1;
	}
	policy_rule_free(&p->def);
	p->def = r;
	return 0;
}

void
policy_set_dry_run(policy *p, int on)
{
	p->dry_run = on != 0;
}

int
policy_dry_run(const policy *p)
{
	return p->dry_run;
}

/* Host part of a "dns; mx.example.org" field or a bare host. */
static const char *
policy_host_part(const char *s)
{
	const char *semi;

	if (s == NULL)
		return NULL;
	if ((semi = strchr(s, ';')) != NULL)
		s = semi + 1;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Domain of an address ("Name <a@b.c>", "<a@b.c>", "a@b.c") into buf. */
static const char *
policy_domain(const char *addr, char *buf, size_t len)
{
	const char *at, *end;
	size_t n;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return NULL;
	at++;
	end = at + strcspn(at, "> \t\r\n;,\"");
	n = (size_t)(end - at);
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, at, n);
	buf[n] = '\0';
	return buf;
}

static int
policy_match_rule(const policy_rule *r, const bt_result *res, const char *sender)
{
	const bt_rcpt *top = (res->nrcpt > 0 && res->top < res->nrcpt) ? &res->rcpt[res->top] : NULL;
	char dbuf[256];
	const char *d;
	size_t i;

	if (res->cls == BT_CLASS_NONE && !r->has_none)
		return 0;
	if (r->crit[PL_CLASS].n) {
		for (i = 0; i < r->crit[PL_CLASS].n; i++)
			if (strcasecmp(r->crit[PL_CLASS].alt[i], result_class_name(res->cls)) == 0)
				break;
		if (i == r->crit[PL_CLASS].n)
			return 0;
	}
	if (r->crit[PL_REASON].n) {
		for (i = 0; top && top->reason && i < r->crit[PL_REASON].n; i++)
			if (strcasecmp(r->crit[PL_REASON].alt[i], top->reason) == 0)
				break;
		if (!top || !top->reason || i == r->crit[PL_REASON].n)
			return 0;
	}
	if (r->crit[PL_STATUS].n && !policy_list_glob(&r->crit[PL_STATUS], top ? top->status : NULL))
		return 0;
	if (r->crit[PL_REPLY].n && !policy_list_glob(&r->crit[PL_REPLY], top ? top->replycode : NULL))
		return 0;
	if (r->crit[PL_RCPT].n) {
		d = policy_domain(top ? top->recipient : NULL, dbuf, sizeof(dbuf));
		if (!policy_list_glob(&r->crit[PL_RCPT], d))
			return 0;
	}
	if (r->crit[PL_SENDER].n) {
		if (sender == NULL)
			sender = res->sender;
		d = policy_domain(sender, dbuf, sizeof(dbuf));
		if (d == NULL)
			d = policy_domain(res->original_from, dbuf, sizeof(dbuf));
		if (!policy_list_glob(&r->crit[PL_SENDER], d))
			return 0;
	}
	if (r->crit[PL_HOST].n &&
	    !policy_list_glob(&r->crit[PL_HOST], policy_host_part(res->reporting_mta)) &&
	    !policy_list_glob(&r->crit[PL_HOST], policy_host_part(top ? top->remote_mta : NULL)))
		return 0;
	return 1;
}

void
policy_decide(const policy *p, const bt_result *r, const char *sender,
	      int internal, policy_verdict *out)
{
	static const policy_verdict accept = {
		.action = POLICY_ACCEPT, .rule = "non-bounce", .would = POLICY_ACCEPT
	};
	const policy_rule *hit = NULL;
	size_t i;

	for (i = 0; p != NULL && r != NULL && i < p->n; i++) {
		if (policy_match_rule(&p->rule[i], r, sender)) {
			hit = &p->rule[i];
			break;
		}
	}
	if (hit != NULL)
		*out = hit->v;
	else if (r == NULL || r->cls == BT_CLASS_NONE)
		*out = accept;
	else if (p != NULL)
		*out = p->def.v;
	else
		*out = (policy_verdict){ .action = POLICY_TAG, .rule = "default", .would = POLICY_TAG };
	out->would = out->action;
	if (internal && (out->action == POLICY_REJECT || out->action == POLICY_TEMPFAIL))
		out->action = POLICY_TAG;
	if (p != NULL && p->dry_run && out->action != POLICY_TAG && out->action != POLICY_ACCEPT)
		out->action = POLICY_TAG;
}
