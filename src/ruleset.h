/*
 * ruleset.h - the classification knowledge the engine uses: the ordered text
 * rules (PCRE2 patterns over diagnostic texts, first match wins) and extra
 * status codes.  The built-in rules are data in rules_builtin.c; the policy
 * file adds rules and codes in front of them.  A ruleset is built once (a
 * bad pattern fails there), then read-only: it may be shared by engines on
 * many threads (its patterns' code is finished on first use, under its own
 * lock; see ruleset.c).
 */
#ifndef BT_RULESET_H
#define BT_RULESET_H

#include <stddef.h>
#include "codes.h"

typedef struct ruleset ruleset;

/* A new ruleset holding the built-in rules; NULL on error (errbuf says why). */
ruleset *ruleset_new(char *errbuf, size_t errlen);
void ruleset_free(ruleset *rs);			/* accepts NULL */
const ruleset *ruleset_builtin(void);		/* process-wide built-in one (lazy, thread-safe) */

/* Add a text rule in front of the built-in ones (after earlier added ones).
 *   pattern: PCRE2, matched caseless against the diagnostic text;
 *   reason:  a reason name (see ruleset_valid_reason);
 *   host:    optional PCRE2 over reporting/remote MTA and recipient domain, or NULL;
 *   status:  optional status filter ("5.7.*", "550", "5.*"), or NULL.
 * Returns 0, or -1 with a message in errbuf. */
int ruleset_add_rule(ruleset *rs, const char *pattern, const char *reason,
		     const char *host, const char *status, char *errbuf, size_t errlen);
/* Add or override a status code's text and reason. */
int ruleset_add_code(ruleset *rs, const char *code, const char *text,
		     const char *reason, char *errbuf, size_t errlen);

/* Code lookup: added codes first, then the built-in table. */
const codes_entry *ruleset_lookup_code(const ruleset *rs, const char *code);

/* First rule whose pattern matches text (and whose host/status filters match,
 * where given).  host_ctx: reporting MTA, remote MTA, recipient domain (any NULL).
 * Returns the reason name (static), or NULL when no rule matches. */
const char *ruleset_match(const ruleset *rs, const char *text, size_t len,
			  const char *status, const char *replycode,
			  const char *const host_ctx[3]);

/* The same, over only the rules that have a host filter: provider
 * knowledge, which the classifier applies before a status code's default.
 * (Added for classify.c; ruleset_match is unchanged.) */
const char *ruleset_match_hosted(const ruleset *rs, const char *text, size_t len,
				 const char *status, const char *replycode,
				 const char *const host_ctx[3]);

/* Phrases classify.c looks for in a lowercased diagnostic besides the
 * rules: the ruleset indexes them with the rules' words, and
 * ruleset_match_pair() tells which its scan did not see. */
enum ruleset_probe {
	RULESET_PROBE_TEMPORAR,			/* "temporar" */
	RULESET_PROBE_ALL_HOSTS,		/* "all hosts have been failing" */
	RULESET_PROBE_RETRY_TIMEOUT,		/* "retry timeout exceeded" */
	RULESET_PROBE_SMTP_RCPT,		/* "smtp:rcpt " */
	RULESET_PROBE_NOT_LIKE_RECIPIENT,	/* "does not like recipient" */
	RULESET_PROBE_NOT_LIKE_RCPT,		/* "did not like our rcpt" */
	RULESET_PROBE_IN_REPLY,			/* "in reply to " */
	RULESET_PROBE_AFTER,			/* " after " */
	RULESET_NPROBES
};
extern const char *const ruleset_probe_phrases[RULESET_NPROBES];

/* Both at once, for classify.c, with one literal scan of the text: returns
 * ruleset_match_hosted()'s answer; when that is NULL and any is not NULL,
 * *any gets ruleset_match()'s.  low: the text with ASCII letters
 * lowercased (nothing else changed), or NULL.  probes (or NULL): bit k
 * cleared when ruleset_probe_phrases[k] is not in low[0..len) (the text,
 * scanned whole: no longer than ruleset_lit.h's RULESET_MAX_TEXT), else
 * left alone. */
const char *ruleset_match_pair(const ruleset *rs, const char *text, size_t len,
			       const char *low, const char *status, const char *replycode,
			       const char *const host_ctx[3], const char **any,
			       unsigned *probes);

/* 1 if name is a known reason (Sisimai 5.1 names, or an alias such as
 * ratelimited/emailtoolarge/failedstarttls/suppressed); *canon gets the name used. */
int ruleset_valid_reason(const char *name, const char **canon);

#endif
