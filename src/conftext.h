/*
 * conftext.h - the policy file as text, for config.c: reading it (with
 * limits), blanking its comments, and the syntax of its values.  Plain C:
 * no libconfuse.
 */
#ifndef BT_CONFTEXT_H
#define BT_CONFTEXT_H

#include <stddef.h>

#define CONFTEXT_MAX_FILE	(1024 * 1024)	/* bytes in a policy file */

/* Kinds of string value. */
typedef enum conftext_kind {
	CONFTEXT_SOCKET,	/* unix:/PATH, local:/PATH, inet:PORT[@HOST], inet6:PORT[@HOST] */
	CONFTEXT_OWNER,		/* USER or USER:GROUP */
	CONFTEXT_USER,		/* a user or group name */
	CONFTEXT_PATH,		/* an absolute path */
	CONFTEXT_PREFIX,	/* header prefix: printable ASCII, no space or colon */
	CONFTEXT_TEXT,		/* printable text, at most 400 bytes */
	CONFTEXT_PATTERN,	/* printable text, at most 1024 bytes */
	CONFTEXT_STATUS,	/* status glob "5.1.1", "5.7.*", "5.*", "*" */
	CONFTEXT_FILTER,	/* status glob or a 3-digit reply code */
	CONFTEXT_REPLYGLOB,	/* reply-code glob "550", "55?", "5*" */
	CONFTEXT_DOMAIN,	/* domain glob "example.org", "*.example.org" */
	CONFTEXT_HOST,		/* host glob (also [], :) */
	CONFTEXT_REPLYCODE,	/* 4xx or 5xx */
	CONFTEXT_ENHANCED,	/* 4.x.x or 5.x.x */
	CONFTEXT_NAME,		/* rule name: letters, digits, '.', '_', '-' */
	CONFTEXT__COUNT
} conftext_kind;

/* 1 if v is a good value of kind k; else 0 and *expected (if not NULL)
 * says what was expected ("an absolute path"). */
int conftext_check(conftext_kind k, const char *v, const char **expected);

/* A number from min to max; with size set it may end in K, M or G.
 * 0 and *out, or -1. */
int conftext_number(const char *v, unsigned long min, unsigned long max, int size,
		    unsigned long *out);
/* An octal mode "0660" (at most 0777): the mode, or -1. */
long conftext_mode(const char *v);
/* A syslog facility name: its canonical (lowercase, static) name or NULL. */
const char *conftext_facility(const char *v);
/* A log level name (err, warning, notice, info, debug): 3..7, or -1. */
int conftext_level(const char *v);

/* Read a policy file: at most CONFTEXT_MAX_FILE bytes, no NUL bytes, every
 * '{' closed; comments (#, //, C comments) outside quoted strings are
 * blanked, newlines kept; an empty list "= {}" is an error.  The text
 * (malloc'ed, caller frees), or NULL with
 * "FILE: cannot open: reason" or "FILE:LINE: expected ..." in errbuf. */
char *conftext_read(const char *path, char *errbuf, size_t errlen);

/* Blank comments in s in place; returns the line of a '{' never closed, or 0. */
int conftext_uncomment(char *s);

#endif
