/*
 * policy.h - the administrator's policy: ordered rules that match a result
 * (class, reason, status pattern, reply code, recipient or sender domain,
 * reporting or remote host) and give an action.  First match wins; a default
 * rule at the end.  Plain C (config.c fills it from the libconfuse file);
 * built once, then read-only and shared by all threads.
 */
#ifndef BT_POLICY_H
#define BT_POLICY_H

#include <stddef.h>
#include "result.h"

typedef enum policy_action {
	POLICY_TAG = 0,		/* add the headers (default) */
	POLICY_REJECT,		/* 5xx reply */
	POLICY_TEMPFAIL,	/* 4xx reply */
	POLICY_QUARANTINE,	/* hold queue, with a reason */
	POLICY_DISCARD,		/* accept and drop */
	POLICY_ACCEPT		/* accept, no headers */
} policy_action;

const char *policy_action_name(policy_action a);
int policy_action_parse(const char *s, policy_action *out);	/* 0 ok, -1 unknown */

/* What to match; NULL / empty fields match anything.  Each list is a
 * comma-separated set of alternatives; status and host accept * and ? globs. */
typedef struct policy_match {
	const char *name;		/* rule name, for logs */
	const char *classes;		/* "hard,block" */
	const char *reasons;		/* "userunknown,suspend" */
	const char *statuses;		/* "5.7.*,5.1.1" */
	const char *replycodes;		/* "550,55?" */
	const char *rcpt_domains;	/* "example.com,*.example.org" */
	const char *sender_domains;	/* envelope sender domains */
	const char *hosts;		/* reporting or remote MTA globs */
} policy_match;

typedef struct policy_verdict {
	policy_action action;
	const char *rule;		/* name of the rule that matched ("default") */
	const char *reply_code;		/* "550" (reject/tempfail) */
	const char *reply_xcode;	/* "5.7.1" */
	const char *reply_text;
	const char *quarantine_reason;
	/* Set by policy_decide (ignored by policy_add_rule): the action the
	 * matching rule asks for.  It differs from action only when dry-run or
	 * internal mail turned a reject/tempfail/quarantine/discard into tag. */
	policy_action would;
} policy_verdict;

typedef struct policy policy;

policy *policy_new(void);			/* empty: default rule only (tag) */
void policy_free(policy *p);			/* accepts NULL */
/* Append a rule; strings are copied.  Returns 0, -1 with errbuf set. */
int policy_add_rule(policy *p, const policy_match *m, const policy_verdict *v,
		    char *errbuf, size_t errlen);
/* The rule applied when none matches (default: tag bounces). */
int policy_set_default(policy *p, const policy_verdict *v, char *errbuf, size_t errlen);
void policy_set_dry_run(policy *p, int on);	/* log what would be done, only tag */
int policy_dry_run(const policy *p);

/* Decide for a result.  sender: envelope sender (may be NULL).  internal: the
 * message is the MTA's own bounce (non_smtpd_milters): reject and tempfail
 * become tag.  A non-bounce (cls NONE) always gives POLICY_ACCEPT unless a
 * rule names class "none".  out's pointers live as long as p. */
void policy_decide(const policy *p, const bt_result *r, const char *sender,
		   int internal, policy_verdict *out);

#endif
