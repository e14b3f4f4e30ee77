/*
 * jsonout.h - a small JSON writer for JSON Lines output: string escaping
 * (control characters, quotes, backslash; invalid UTF-8 becomes U+FFFD)
 * and flat objects written key by key, or (an object whose room is known)
 * in place with no check per member, to a stdio stream.  Plain C; keeps
 * no memory of its own (the writer, with its buffer, is a caller-owned
 * struct; objects reach the stream at jsonout_end(), or, kept, when the
 * buffer is half full and at jsonout_flush()).
 */
#ifndef BT_JSONOUT_H
#define BT_JSONOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Escape into a buffer (with quotes); writes at most outlen-1 bytes and
 * returns the length the whole string needs (like snprintf). */
size_t jsonout_escape(const char *s, size_t n, char *out, size_t outlen);

/* The writer's own buffer: an object is written in it in place
 * (jsonout_reserve()) unless its strings add up to more than about 5 KB
 * (room is asked for at six bytes a byte, the longest escape). */
#define JSONOUT_BUF	(32u << 10)

/* A writer: the object is built in buf and written to f in one fwrite()
 * (more when it outgrows buf) by jsonout_end().  buf is the writer's own,
 * or a larger one of the caller's (jsonout_init_buf()). */
typedef struct jsonout {
	FILE *f;
	int nkeys;	/* keys written in the current object */
	size_t len;	/* bytes in buf not yet written */
	size_t size;	/* bytes of buf */
	char *buf;	/* own, or the caller's */
	char own[JSONOUT_BUF];
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
/* The same with the caller's buffer of size bytes (at least JSONOUT_BUF),
 * which must outlive the writer: fewer, larger writes. */
void jsonout_init_buf(jsonout *w, FILE *f, char *buf, size_t size);
void jsonout_open(jsonout *w);
void jsonout_close(jsonout *w);
void jsonout_flush(jsonout *w);

/* Writing an object in place, with no check per member: the caller
 * adds up the room its object can need (JSONOUT_ROOM(n) for each string
 * of n bytes, the literals' lengths, 20 bytes a number) and asks
 * jsonout_reserve() for it: it returns where the object goes (writing out
 * what the buffer holds first when needed), or NULL when the room is more
 * than the buffer has (the caller then writes member by member, below).
 * The caller writes with jsonout_put_*(), which return the end, and gives
 * the end of what it wrote to jsonout_commit() (which writes the buffer
 * out when more than half of it is used, as jsonout_close()). */
#define JSONOUT_ROOM(n)		(6 * (n) + 4)	/* 4: "null" */
char *jsonout_reserve(jsonout *w, size_t need);
void jsonout_commit(jsonout *w, char *end);
/* s[0..n) quoted and escaped at d (NULL: null); JSONOUT_ROOM(n) bytes.
 * Inline below; its pieces: */
static inline char *jsonout_put_str(char *d, const char *s, size_t n);
char *jsonout_put_long(char *d, const char *s, size_t n);	/* n >= 16 */
/* The vector code jsonout_put_long() runs (tests): 2 AVX2, 1 SSE2, 0 the
 * plain one; at most what the build and the CPU have, -1 the best.  An
 * SSE2 build's plain level is its SSE2 code.  Returns the level taken. */
int jsonout_simd_force(int level);
char *jsonout_put_escaped(char *d, const char *s, size_t n);	/* any */
/* v in decimal at d, which needs room for 20 bytes (the longest). */
char *jsonout_put_uint(char *d, unsigned long long v);
/* A string literal copied to d: JSONOUT_LIT(d, ",\"key\":"). */
#define JSONOUT_LIT(d, lit)	(memcpy((d), (lit), sizeof(lit) - 1), (d) + sizeof(lit) - 1)

#define JSONOUT_ONES	0x0101010101010101ull
#define JSONOUT_HIGHS	0x8080808080808080ull

/* The bytes of x (eight) that do not stand for themselves in a JSON
 * string (below 0x20, from 0x7f on, '"', '\\'): the top bit of each such
 * byte at or below the lowest one (in the number's order) is exact,
 * above it a borrow may set more; zero when there is none (a borrow needs
 * such a byte below). */
static inline uint64_t
jsonout_bad8(uint64_t x)
{
	uint64_t q = x ^ ('"' * JSONOUT_ONES), b = x ^ ('\\' * JSONOUT_ONES);
	uint64_t d = x ^ (0x7f * JSONOUT_ONES);

	return (x | ((x - 0x20 * JSONOUT_ONES) & ~x) | ((q - JSONOUT_ONES) & ~q) |
		((b - JSONOUT_ONES) & ~b) | ((d - JSONOUT_ONES) & ~d)) & JSONOUT_HIGHS;
}

#ifdef __SSE2__
/* Bit i set when byte i of x stands for itself: x + 1 above 0x20 read as
 * signed (0x20..0x7e), and neither '"' nor '\\'. */
static inline unsigned
jsonout_plain16(__m128i x)
{
	__m128i bad = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
				   _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
	__m128i in = _mm_cmpgt_epi8(_mm_add_epi8(x, _mm_set1_epi8(1)),
				    _mm_set1_epi8(0x20));

	return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(bad, in));
}
#endif

/* Most values are short plain ASCII: a string of under 16 bytes is read
 * as two words that overlap (8 bytes each from 8 on, 4 from 4; the three
 * bytes first, middle and last below that), checked at once and, plain,
 * stored back the same way; inline, since the call cost as much. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline char *
jsonout_put_str(char *d, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	uint64_t a, b;

	if (s == NULL) {
		memcpy(d, "null", 4);
		return d + 4;
	}
	if (n >= 16)
		return jsonout_put_long(d, str, n);
	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
#ifdef __SSE2__
		if (jsonout_plain16(_mm_set_epi64x((long long)b, (long long)a)) != 0xffffu)
#else
		if ((jsonout_bad8(a) | jsonout_bad8(b)) != 0)
#endif
			return jsonout_put_escaped(d, str, n);
		memcpy(d + 1, &a, 8);
		memcpy(d + 1 + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t x, y;

		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		a = (uint64_t)x | (uint64_t)y << 32;
#ifdef __SSE2__
		if ((jsonout_plain16(_mm_loadl_epi64((const __m128i *)(const void *)&a)) &
		     0xffu) != 0xffu)
#else
		if (jsonout_bad8(a) != 0)
#endif
			return jsonout_put_escaped(d, str, n);
		memcpy(d + 1, &x, 4);
		memcpy(d + 1 + n - 4, &y, 4);
	} else if (n > 0) {
		a = 0x2020202020000000ull | s[0] | (uint64_t)s[n >> 1] << 8 |
		    (uint64_t)s[n - 1] << 16;	/* spaces: plain */
		if (jsonout_bad8(a) != 0)
			return jsonout_put_escaped(d, str, n);
		d[1] = (char)s[0];
		d[1 + (n >> 1)] = (char)s[n >> 1];
		d[n] = (char)s[n - 1];
	}
	d[0] = '"';
	d[n + 1] = '"';
	return d + n + 2;
}

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

	if (ckn > w->size - w->len) {
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
	if (val == NULL && w->len + 4 <= w->size) {
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
