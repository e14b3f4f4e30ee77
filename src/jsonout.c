/*
 * NAME
 *	jsonout - JSON string escaping and a flat-object writer
 *
 * DESCRIPTION
 *	jsonout_escape() is the one escaper: '"' and '\\' are escaped, control
 *	characters (U+0000..U+001F, U+007F) become \n, \r, \t, \b, \f or
 *	\u00XX, U+2028/U+2029 become \u2028/\u2029 (safe for JavaScript),
 *	valid UTF-8 is copied, and every byte that does not start a valid
 *	UTF-8 sequence (overlongs, surrogates and > U+10FFFF included)
 *	becomes \ufffd.  The writer functions print one JSON object per line
 *	(JSON Lines) to a caller-owned FILE.  jsonout_stringn() and the
 *	writer escape the same way (jsonout_one()); runs of plain bytes are
 *	copied whole.
 *
 * MEMORY
 *	Nothing is allocated; strings are only read.  The writer builds its
 *	object in the caller's jsonout (JSONOUT_BUF bytes) and hands it to
 *	stdio in one fwrite() at jsonout_end(), or earlier when it fills.
 */
#include <string.h>

#include "jsonout.h"
#include "utf8.h"

/* Append a piece to out if it fits; always count it. */
static void
jsonout_put(char *out, size_t outlen, size_t *o, const char *p, size_t n)
{
	if (*o + n < outlen)
		memcpy(out + *o, p, n);
	else if (*o < outlen)
		out[*o] = '\0';		/* stop writing: keep a terminator */
	*o += n;
}

/* The escaped form of one character (or invalid byte) into esc. */
static size_t
jsonout_one(const unsigned char *s, size_t len, unsigned long cp, char *esc)
{
	static const char hex[] = "0123456789abcdef";

	if (len == 0) {
		memcpy(esc, "\\ufffd", 6);
		return 6;
	}
	switch (cp) {
	case '"': memcpy(esc, "\\\"", 2); return 2;
	case '\\': memcpy(esc, "\\\\", 2); return 2;
	case '\n': memcpy(esc, "\\n", 2); return 2;
	case '\r': memcpy(esc, "\\r", 2); return 2;
	case '\t': memcpy(esc, "\\t", 2); return 2;
	case '\b': memcpy(esc, "\\b", 2); return 2;
	case '\f': memcpy(esc, "\\f", 2); return 2;
	case 0x2028: memcpy(esc, "\\u2028", 6); return 6;
	case 0x2029: memcpy(esc, "\\u2029", 6); return 6;
	default:
		break;
	}
	if (cp < 0x20 || cp == 0x7f) {
		memcpy(esc, "\\u00", 4);
		esc[4] = hex[(cp >> 4) & 15];
		esc[5] = hex[cp & 15];
		return 6;
	}
	memcpy(esc, s, len);
	return len;
}

size_t
jsonout_escape(const char *str, size_t n, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0, len, el;
	unsigned long cp = 0;
	char esc[8];

	jsonout_put(out, outlen, &o, "\"", 1);
	while (i < n) {
		len = utf8_decode(s + i, n - i, &cp);
		el = jsonout_one(s + i, len, cp, esc);
		jsonout_put(out, outlen, &o, esc, el);
		i += len ? len : 1;
	}
	jsonout_put(out, outlen, &o, "\"", 1);
	if (o < outlen)
		out[o] = '\0';
	else if (outlen > 0 && out[outlen - 1] != '\0')
		out[outlen - 1] = '\0';
	return o;
}

/* Bytes that stand for themselves inside a JSON string: printable ASCII
 * but the quote and the backslash (a table: this test sees every byte). */
#define JSONOUT_P4(c)	((c) >= 0x20 && (c) < 0x7f && (c) != '"' && \
			 (c) != '\\'), \
			((c) + 1 >= 0x20 && (c) + 1 < 0x7f && (c) + 1 != '"' && \
			 (c) + 1 != '\\'), \
			((c) + 2 >= 0x20 && (c) + 2 < 0x7f && (c) + 2 != '"' && \
			 (c) + 2 != '\\'), \
			((c) + 3 >= 0x20 && (c) + 3 < 0x7f && (c) + 3 != '"' && \
			 (c) + 3 != '\\')
#define JSONOUT_P16(c)	JSONOUT_P4(c), JSONOUT_P4((c) + 4), \
			JSONOUT_P4((c) + 8), JSONOUT_P4((c) + 12)
#define JSONOUT_P64(c)	JSONOUT_P16(c), JSONOUT_P16((c) + 16), \
			JSONOUT_P16((c) + 32), JSONOUT_P16((c) + 48)
static const unsigned char jsonout_plain[256] = {
	JSONOUT_P64(0), JSONOUT_P64(64), JSONOUT_P64(128), JSONOUT_P64(192)
};

/* The writer keeps the object being written in w->buf and hands it to
 * stdio in one fwrite() (when full, and at the end of the object): a call
 * per piece cost more than the escaping itself. */
static void
jsonout_flush(jsonout *w)
{
	if (w->len > 0)
		fwrite(w->buf, 1, w->len, w->f);
	w->len = 0;
}

static void
jsonout_raw(jsonout *w, const char *p, size_t n)
{
	if (w->len + n > sizeof(w->buf))
		jsonout_flush(w);
	if (n > sizeof(w->buf)) {
		fwrite(p, 1, n, w->f);
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

/* s[0..n) quoted and escaped, with the byte pre before it and post after
 * it (0: none).  Plain runs are copied with memcpy(). */
static void
jsonout_quoted(jsonout *w, int pre, const char *str, size_t n, int post)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, j, lim, len;
	unsigned long cp = 0;

	if (w->len + 4 > sizeof(w->buf))
		jsonout_flush(w);
	if (pre)
		w->buf[w->len++] = (char)pre;
	w->buf[w->len++] = '"';
	while (i < n) {
		if (w->len + 8 >= sizeof(w->buf))	/* the longest escape */
			jsonout_flush(w);
		lim = sizeof(w->buf) - 8 - w->len;
		lim = n - i < lim ? n : i + lim;
		for (j = i; j < lim && jsonout_plain[s[j]]; j++)
			;
		memcpy(w->buf + w->len, s + i, j - i);
		w->len += j - i;
		i = j;
		if (i == lim)
			continue;
		len = utf8_decode(s + i, n - i, &cp);
		w->len += jsonout_one(s + i, len, cp, w->buf + w->len);
		i += len ? len : 1;
	}
	if (w->len + 2 > sizeof(w->buf))
		jsonout_flush(w);
	w->buf[w->len++] = '"';
	if (post)
		w->buf[w->len++] = (char)post;
}

void
jsonout_stringn(FILE *f, const char *str, size_t n)
{
	jsonout w;

	if (str == NULL) {
		fputs("null", f);
		return;
	}
	w.f = f;
	w.len = 0;
	jsonout_quoted(&w, 0, str, n, 0);
	jsonout_flush(&w);
}

void
jsonout_string(FILE *f, const char *s)
{
	jsonout_stringn(f, s, s ? strlen(s) : 0);
}

void
jsonout_begin(jsonout *w, FILE *f)
{
	w->f = f;
	w->nkeys = 0;
	w->len = 0;
	jsonout_raw(w, "{", 1);
}

static void
jsonout_key(jsonout *w, const char *key)
{
	jsonout_quoted(w, w->nkeys++ > 0 ? ',' : 0, key, strlen(key), ':');
}

void
jsonout_str(jsonout *w, const char *key, const char *val)
{
	jsonout_key(w, key);
	if (val == NULL)
		jsonout_raw(w, "null", 4);
	else
		jsonout_quoted(w, 0, val, strlen(val), 0);
}

void
jsonout_int(jsonout *w, const char *key, long long val)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = val < 0 ? 0ull - (unsigned long long)val :
	    (unsigned long long)val;

	/* by hand: fprintf() costs more than the rest of an entry */
	jsonout_key(w, key);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (val < 0)
		*--p = '-';
	jsonout_raw(w, p, (size_t)(buf + sizeof(buf) - p));
}

void
jsonout_bool(jsonout *w, const char *key, int val)
{
	jsonout_key(w, key);
	if (val)
		jsonout_raw(w, "true", 4);
	else
		jsonout_raw(w, "false", 5);
}

void
jsonout_null(jsonout *w, const char *key)
{
	jsonout_key(w, key);
	jsonout_raw(w, "null", 4);
}

void
jsonout_end(jsonout *w)
{
	jsonout_raw(w, "}\n", 2);
	jsonout_flush(w);
	w->nkeys = 0;
}
