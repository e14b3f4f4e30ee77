/*
 * jsonout.h - a small JSON writer for JSON Lines output: string escaping
 * (control characters, quotes, backslash; invalid UTF-8 becomes U+FFFD)
 * and flat objects written key by key to a stdio stream.  Plain C; keeps
 * no memory of its own (the writer, with its buffer, is a caller-owned
 * struct; objects reach the stream at jsonout_end()).
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

#define JSONOUT_BUF	4096

/* A writer: the object is built in buf and written to f in one fwrite()
 * (more when it outgrows buf) by jsonout_end(). */
typedef struct jsonout {
	FILE *f;
	int nkeys;	/* keys written in the current object */
	size_t len;	/* bytes in buf not yet written */
	char buf[JSONOUT_BUF];
} jsonout;

void jsonout_begin(jsonout *w, FILE *f);		/* "{" */
void jsonout_str(jsonout *w, const char *key, const char *val);	/* NULL: null */
void jsonout_int(jsonout *w, const char *key, long long val);
void jsonout_bool(jsonout *w, const char *key, int val);
void jsonout_null(jsonout *w, const char *key);
void jsonout_end(jsonout *w);				/* "}\n" */

#endif
