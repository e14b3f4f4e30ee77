/*
 * jsonout.h - a small JSON writer for JSON Lines output: string escaping
 * (control characters, quotes, backslash; invalid UTF-8 becomes U+FFFD)
 * and flat objects written key by key to a stdio stream.  Plain C; keeps
 * no memory of its own (the writer, with its buffer, is a caller-owned
 * struct; objects reach the stream at jsonout_end(), or, kept, when the
 * buffer is half full and at jsonout_flush()).
 */
#ifndef BT_JSONOUT_H
#define BT_JSONOUT_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

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
void jsonout_end(jsonout *w);				/* "}\n", written out */

/* A writer that keeps objects: many objects to the stream in one fwrite().
 * jsonout_init() makes it empty, jsonout_open() starts an object after the
 * ones it holds ("{"), jsonout_close() ends it ("}\n") and writes out what
 * it holds only when less than half the buffer is free, jsonout_flush()
 * writes out the rest (call it before anything else writes to the
 * stream, and at the end). */
void jsonout_init(jsonout *w, FILE *f);
void jsonout_open(jsonout *w);
void jsonout_close(jsonout *w);
void jsonout_flush(jsonout *w);

/* The members: jsonout_str (NULL: null), jsonout_int, jsonout_bool,
 * jsonout_null.  The key must be a string literal that needs no escaping
 * (a name such as "reason"): the macros make `,"key":` of it at compile
 * time, which goes in with a few moves; the value's escaping is
 * jsonout.c's. */
#define JSONOUT_KEY(key)		",\"" key "\":", sizeof(key) + 3
#define jsonout_str(w, key, val)	jsonout_strk((w), JSONOUT_KEY(key), (val))
#define jsonout_int(w, key, val)	jsonout_intk((w), JSONOUT_KEY(key), (val))
#define jsonout_bool(w, key, val)	jsonout_boolk((w), JSONOUT_KEY(key), (val))
#define jsonout_null(w, key)		jsonout_nullk((w), JSONOUT_KEY(key))

/* (The pieces the member functions are made of.)  ck: `,"key":`, ckn
 * bytes. */
void jsonout_key_slow(jsonout *w, const char *ck, size_t ckn);
void jsonout_value_str(jsonout *w, const char *val);
void jsonout_value_int(jsonout *w, long long val);
void jsonout_value_raw(jsonout *w, const char *p, size_t n);

/* `,"key":`, without its ',' for the first key of the object: then the
 * byte before is the object's '{' (jsonout_open() keeps it in the buffer),
 * which the copy covers and which is put back. */
static inline void jsonout_key(jsonout *w, const char *ck, size_t ckn)
{
	char *p;

	if (ckn > sizeof(w->buf) - w->len) {
		jsonout_key_slow(w, ck, ckn);
		return;
	}
	p = w->buf + w->len - (w->nkeys == 0);
	memcpy(p, ck, ckn);
	if (w->nkeys++ == 0)
		*p = '{';
	w->len = (size_t)(p + ckn - w->buf);
}

static inline void jsonout_strk(jsonout *w, const char *ck, size_t ckn, const char *val)
{
	jsonout_key(w, ck, ckn);
	if (val == NULL && w->len + 4 <= sizeof(w->buf)) {
		memcpy(w->buf + w->len, "null", 4);	/* half the members are null */
		w->len += 4;
		return;
	}
	jsonout_value_str(w, val);
}

static inline void jsonout_intk(jsonout *w, const char *ck, size_t ckn, long long val)
{
	jsonout_key(w, ck, ckn);
	jsonout_value_int(w, val);
}

static inline void jsonout_boolk(jsonout *w, const char *ck, size_t ckn, int val)
{
	jsonout_key(w, ck, ckn);
	if (val)
		jsonout_value_raw(w, "true", 4);
	else
		jsonout_value_raw(w, "false", 5);
}

static inline void jsonout_nullk(jsonout *w, const char *ck, size_t ckn)
{
	jsonout_key(w, ck, ckn);
	jsonout_value_raw(w, "null", 4);
}

#endif
