/*
 * jsonout.h - a small JSON writer for JSON Lines output: string escaping
 * (control characters, quotes, backslash; invalid UTF-8 becomes U+FFFD)
 * and flat objects written key by key to a stdio stream.  Plain C; keeps
 * no memory of its own (the writer is a caller-owned struct).
 */
#ifndef BT_JSONOUT_H
#define BT_JSONOUT_H

#include <stddef.h>
#include <stdio.h>

/* Write s as a JSON string (with quotes); NULL writes null. */
void jsonout_string(FILE *f, const char *s);
/* The same for n bytes (NUL bytes inside are escaped as \u0000). */
void jsonout_stringn(FILE *f, const char *s, size_t n);
/* Escape into a buffer (with quotes); writes at most outlen-1 bytes and
 * returns the length the whole string needs (like snprintf). */
size_t jsonout_escape(const char *s, size_t n, char *out, size_t outlen);

typedef struct jsonout {
	FILE *f;
	int nkeys;	/* keys written in the current object */
} jsonout;

void jsonout_begin(jsonout *w, FILE *f);		/* "{" */
void jsonout_str(jsonout *w, const char *key, const char *val);	/* NULL: null */
void jsonout_int(jsonout *w, const char *key, long long val);
void jsonout_bool(jsonout *w, const char *key, int val);
void jsonout_null(jsonout *w, const char *key);
void jsonout_end(jsonout *w);				/* "}\n" */

#endif
