/*
 * rules_builtin.h - the built-in text rules as data: an ordered table of
 * {pattern, reason, host filter, status filter}; first match wins.
 * ruleset.c compiles them.  Static, read-only; thread-safe.
 */
#ifndef BT_RULES_BUILTIN_H
#define BT_RULES_BUILTIN_H

#include <stddef.h>

typedef struct rules_builtin_rule {
	const char *pattern;	/* PCRE2, matched caseless over the diagnostic */
	const char *reason;	/* Sisimai reason name */
	const char *host;	/* PCRE2 over the hosts/recipient domain, or NULL */
	const char *status;	/* status filter ("5.7.*,550"), or NULL */
} rules_builtin_rule;

/* The table and its length. */
const rules_builtin_rule *rules_builtin_table(size_t *n);

#endif
