/*
 * codes.h - the status-code table: RFC 3463/5248 enhanced codes, classic
 * three-digit replies, and provider-specific codes, each with its text and
 * default reason.  Static, read-only data; thread-safe.
 */
#ifndef BT_CODES_H
#define BT_CODES_H

#include <stddef.h>

typedef struct codes_entry {
	const char *code;	/* "5.1.1", "4.7.26", "550" */
	long key;		/* codes_key(code): the table's order */
	const char *text;	/* description (for 5.x.y/5xx of the user's table: exactly its text) */
	const char *reason;	/* default Sisimai reason name, or NULL: decide from text */
	const char *source;	/* "user", "rfc3463", "rfc5248", "gmail", "microsoft", ... */
} codes_entry;

/* Exact lookup of a code as written ("5.1.1", "550").  NULL when unknown.
 * "5.1.1.1", "9.9.9", "5..1" are unknown. */
const codes_entry *codes_lookup(const char *code);
/* The numeric key of a code as written: class*1e6 + subject*1e3 + detail
 * for an enhanced code (>= 2000000), the number for a reply code; -1 when
 * s is neither.  The table is sorted by it. */
long codes_key(const char *s);
/* Syntax check: 1 if s is a well-formed enhanced code (class 2/4/5, subject
 * 0-999, detail 0-999) or, for codes_valid_reply, a reply code 2xx-5xx. */
int codes_valid_enhanced(const char *s);
int codes_valid_reply(const char *s);
/* The whole table, for --list-codes and the documentation. */
const codes_entry *codes_table(size_t *n);

#endif
