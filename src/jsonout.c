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
 *	(JSON Lines) to a caller-owned FILE.  jsonout_escape() and the
 *	writer escape the same way (jsonout_one()); plain bytes are copied in
 *	blocks (SSE2 or eight-byte SWAR, see jsonout_escape_to()), common
 *	UTF-8 inline, the rest through jsonout_one().  Keys are literals
 *	made into `,"key":` at compile time (jsonout.h).
 *
 *	The in-place writer (jsonout_reserve(), jsonout_put_*(),
 *	jsonout_commit()) is for a caller that knows its object's members:
 *	it adds up their room once, then writes each with no check; short
 *	plain strings go in as words (jsonout_put_str(), inline in
 *	jsonout.h), longer ones in blocks (jsonout_put_long(): 32 bytes with
 *	AVX2, chosen at run time through simd_pick()), and a string with a
 *	byte to escape through the same jsonout_escape_to().
 *
 * MEMORY
 *	Nothing is allocated; strings are only read.  The writer builds its
 *	objects in the caller's jsonout (JSONOUT_BUF bytes, or the larger
 *	buffer given to jsonout_init_buf()) and hands them to
 *	stdio in one fwrite(): at jsonout_end() (one object), or, for a
 *	writer that keeps objects (jsonout_close()), when half the buffer is
 *	used and at jsonout_flush(); earlier when an object fills it (or,
 *	in place, at jsonout_reserve() when the room asked for is not left).
 */
#include <stdint.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "jsonout.h"
#include "simd.h"
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
void
jsonout_flush(jsonout *w)
{
	if (w->len > 0)
		fwrite(w->buf, 1, w->len, w->f);
	w->len = 0;
}

static void
jsonout_raw(jsonout *w, const char *p, size_t n)
{
	if (w->len + n > w->size)
		jsonout_flush(w);
	if (n > w->size) {
		fwrite(p, 1, n, w->f);
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

/* Eight bytes at p as a number whose lowest byte is p[0], and back. */
static inline uint64_t
jsonout_load8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

static inline void
jsonout_store8(char *d, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	memcpy(d, &x, 8);
}

/* s[0..n) escaped to d, which has room for 6 bytes a byte (the longest
 * escape); returns the end.  Plain bytes go in blocks: sixteen (SSE2) or
 * eight (SWAR) are stored whole, then as many counted as are plain (the
 * room allows the rest to be written over).  The last few bytes of a
 * string are read as the end of a block that overlaps what went before,
 * when that went out as it came (run: the bytes before i copied as they
 * are): storing the block again rewrites them with the same bytes. */
#if defined(__GNUC__)
__attribute__((always_inline))	/* into both callers: the call cost as much */
#endif
static inline char *
jsonout_escape_to(char *d, const unsigned char *s, size_t n)
{
	size_t i = 0, run = 0, len, r, k;
	unsigned long cp = 0;
	uint64_t bad;

	while (i < n) {
		r = n - i;
#ifdef __SSE2__
		if (r >= 16 || (n >= 16 && run >= 16 - r)) {
			size_t at = r >= 16 ? i : n - 16, skip = i - at;
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
			unsigned m = jsonout_plain16(x) >> skip;
			size_t most = 16 - skip;

			_mm_storeu_si128((__m128i *)(void *)(d - skip), x);
			k = m == (1u << most) - 1 ? most : (size_t)__builtin_ctz(~m);
			d += k;
			i += k;
			run += k;
			if (k == most)
				continue;
			goto escape;
		}
#endif
		if (r >= 8 || (n >= 8 && run >= 8 - r)) {
			size_t at = r >= 8 ? i : n - 8, skip = i - at;
			uint64_t x = jsonout_load8(s + at);
			size_t most = 8 - skip;

			/* the bytes skipped are plain: no false bit comes from them */
			bad = jsonout_bad8(x) >> (8 * skip);
			jsonout_store8(d - skip, x);
			k = bad == 0 ? most : (size_t)__builtin_ctzll(bad) / 8;
			d += k;
			i += k;
			run += k;
			if (k == most)
				continue;
			goto escape;
		}
		while (i < n && jsonout_plain[s[i]])
			*d++ = (char)s[i++];
		if (i == n)
			break;
escape:
		/* valid two- and three-byte UTF-8 (text in most languages but
		 * English) is copied here; U+2028, U+2029 and the rest go
		 * through utf8_decode() and jsonout_one() */
		r = n - i;
		if (s[i] >= 0xc2 && s[i] <= 0xdf && r >= 2 && (s[i + 1] & 0xc0) == 0x80) {
			d[0] = (char)s[i];
			d[1] = (char)s[i + 1];
			d += 2;
			i += 2;
			run = 0;
			if (i < n && s[i] >= 0x80)
				goto escape;	/* more of it: no block to try */
			continue;
		}
		if (s[i] >= 0xe0 && s[i] <= 0xef && r >= 3 && (s[i + 1] & 0xc0) == 0x80 &&
		    (s[i + 2] & 0xc0) == 0x80) {
			unsigned long c = (unsigned long)(s[i] & 0x0f) << 12 |
					  (unsigned long)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);

			if (c >= 0x800 && (c < 0xd800 || c > 0xdfff) && c != 0x2028 &&
			    c != 0x2029) {
				d[0] = (char)s[i];
				d[1] = (char)s[i + 1];
				d[2] = (char)s[i + 2];
				d += 3;
				i += 3;
				run = 0;
				if (i < n && s[i] >= 0x80)
					goto escape;
				continue;
			}
		}
		len = utf8_decode(s + i, n - i, &cp);
		d += jsonout_one(s + i, len, cp, d);
		i += len ? len : 1;
		run = 0;
	}
	return d;
}

/* s[0..n) escaped into w->buf, which has room for all of it. */
static inline void
jsonout_escape_fit(jsonout *w, const unsigned char *s, size_t n)
{
	w->len = (size_t)(jsonout_escape_to(w->buf + w->len, s, n) - w->buf);
}

/* Where to cut s before s[c] so that no UTF-8 sequence is split (each
 * piece is escaped alone): before the lead byte, among the three bytes
 * before c, of a sequence that would reach past c; else at c (a longer
 * run of stray continuation bytes is escaped byte by byte anyway). */
static size_t
jsonout_cut(const unsigned char *s, size_t c)
{
	size_t j, len;

	for (j = c - 1; j + 3 >= c; j--) {
		if ((s[j] & 0xc0) != 0x80) {
			len = s[j] >= 0xf0 ? 4 : s[j] >= 0xe0 ? 3 : s[j] >= 0xc0 ? 2 : 1;
			return j + len > c ? j : c;
		}
		if (j == 0)
			break;
	}
	return c;
}

/* s[0..n) quoted and escaped, with the byte pre before it and post after
 * it (0: none). */
static void
jsonout_quoted(jsonout *w, int pre, const char *str, size_t n, int post)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, k;

	if (n < (w->size - 4) / 6 && w->len + 6 * n + 4 <= w->size) {
		/* it fits whatever it holds (the common case): no checks */
		if (pre)
			w->buf[w->len++] = (char)pre;
		w->buf[w->len++] = '"';
		jsonout_escape_fit(w, s, n);
		w->buf[w->len++] = '"';
		if (post)
			w->buf[w->len++] = (char)post;
		return;
	}
	if (w->len + 4 > w->size)
		jsonout_flush(w);
	if (pre)
		w->buf[w->len++] = (char)pre;
	w->buf[w->len++] = '"';
	/* a long string: in pieces that fit, each ending on a character
	 * boundary (a piece cut inside a UTF-8 sequence would escape it as
	 * invalid) */
	for (i = 0; i < n; i += k) {
		size_t room;

		if (w->len + 6 * 8 + 2 > w->size)
			jsonout_flush(w);
		room = (w->size - 2 - w->len) / 6;	/* >= 8 */
		k = n - i < room ? n - i : room;
		if (i + k < n)
			k = jsonout_cut(s, i + k) - i;
		jsonout_escape_fit(w, s + i, k);
	}
	if (w->len + 2 > w->size)
		jsonout_flush(w);
	w->buf[w->len++] = '"';
	if (post)
		w->buf[w->len++] = (char)post;
}

/* s[0..n) escaped at d, then the closing quote: the rest of a string
 * from its first byte to escape on (apart from the fast paths, so that
 * they have few registers to save). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *
jsonout_put_rest(char *d, const unsigned char *s, size_t n)
{
	d = jsonout_escape_to(d, s, n);
	*d++ = '"';
	return d;
}

/* s[0..n) quoted and escaped at d, the general case of
 * jsonout_put_str() (jsonout.h), for a string that holds a byte to
 * escape. */
char *
jsonout_put_escaped(char *d, const char *s, size_t n)
{
	*d++ = '"';
	return jsonout_put_rest(d, (const unsigned char *)s, n);
}

#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define JSONOUT_AVX2 1
/* jsonout_plain16() of 32 bytes. */
__attribute__((target("avx2"))) static inline unsigned
jsonout_plain32(__m256i x)
{
	__m256i bad = _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('"')),
				      _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\')));
	__m256i in = _mm256_cmpgt_epi8(_mm256_add_epi8(x, _mm256_set1_epi8(1)),
				       _mm256_set1_epi8(0x20));

	return (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(bad, in));
}

/* jsonout_put_long() 32 bytes a block on a CPU with AVX2 (most values
 * that long are under 100 bytes: one or two blocks and the last one);
 * under 32 bytes, two blocks of 16 that overlap. */
__attribute__((target("avx2"), noinline)) static char *
jsonout_put_long_avx2(char *d, const unsigned char *s, size_t n)
{
	size_t i = 0;
	__m256i x;

	*d++ = '"';
	if (n < 32) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));

		_mm_storeu_si128((__m128i *)(void *)d, a);
		_mm_storeu_si128((__m128i *)(void *)(d + n - 16), b);
		if ((jsonout_plain16(a) & jsonout_plain16(b)) != 0xffffu)
			goto escape;
		d += n;
		*d++ = '"';
		return d;
	}
	for (; i + 32 <= n; i += 32) {
		x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		_mm256_storeu_si256((__m256i *)(void *)(d + i), x);
		if (jsonout_plain32(x) != 0xffffffffu)
			goto escape;
	}
	if (i < n) {
		x = _mm256_loadu_si256((const __m256i *)(const void *)(s + n - 32));
		_mm256_storeu_si256((__m256i *)(void *)(d + n - 32), x);
		if (jsonout_plain32(x) != 0xffffffffu)
			goto escape;
	}
	d += n;
	*d++ = '"';
	return d;
escape:
	return jsonout_put_rest(d + i, s + i, n - i);
}
#endif

/* The code jsonout_put_long() runs: 2 AVX2, else SSE2 (or the plain
 * one, as built); picked once (simd_pick(): by the build and the CPU, 0
 * when BOUNCETAG_NO_SIMD is set), or by tests (jsonout_simd_force()); -1
 * until then. */
static int jsonout_simd = -1;

#ifdef JSONOUT_AVX2
#define JSONOUT_BUILT	(SIMD_BUILT_SSE2 | SIMD_AVX2)
#else
#define JSONOUT_BUILT	SIMD_BUILT_SSE2
#endif

int
jsonout_simd_force(int level)
{
	int l = simd_pick(JSONOUT_BUILT, level);

	__atomic_store_n(&jsonout_simd, l, __ATOMIC_RELAXED);
	return l;
}

#ifdef JSONOUT_AVX2
/* jsonout_simd on first use (apart: the choice is made on every string). */
__attribute__((noinline, cold)) static int
jsonout_level_pick(void)
{
	int level = simd_pick(JSONOUT_BUILT, -1);

	__atomic_store_n(&jsonout_simd, level, __ATOMIC_RELAXED);
	return level;	/* a race only picks the same twice */
}

static inline int
jsonout_level(void)
{
	int level = __atomic_load_n(&jsonout_simd, __ATOMIC_RELAXED);

	return level >= 0 ? level : jsonout_level_pick();
}
#endif

/* jsonout_put_str() of 16 bytes or more (jsonout_put_long(), below, picks
 * the code): plain ASCII is checked and
 * copied in blocks (32 bytes with AVX2, 16 with SSE2, else 8), the last
 * one overlapping the one before; at the first block that holds a byte
 * to escape, the rest goes through jsonout_escape_to() (from the start
 * of that block: what came before is plain ASCII, so a character starts
 * there). */
#if defined(__GNUC__)
__attribute__((noinline))	/* jsonout_put_long() only chooses */
#endif
static char *
jsonout_put_long_sse2(char *d, const unsigned char *s, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	__m128i x;

	*d++ = '"';
	for (; i + 16 <= n; i += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		_mm_storeu_si128((__m128i *)(void *)(d + i), x);
		if (jsonout_plain16(x) != 0xffffu)
			goto escape;
	}
	if (i < n) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
		_mm_storeu_si128((__m128i *)(void *)(d + n - 16), x);
		if (jsonout_plain16(x) != 0xffffu)
			goto escape;
	}
#else
	uint64_t x;

	*d++ = '"';
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		memcpy(d + i, &x, 8);
		if (jsonout_bad8(x) != 0)
			goto escape;
	}
	if (i < n) {
		memcpy(&x, s + n - 8, 8);
		memcpy(d + n - 8, &x, 8);
		if (jsonout_bad8(x) != 0)
			goto escape;
	}
#endif
	d += n;
	*d++ = '"';
	return d;
escape:
	return jsonout_put_rest(d + i, s + i, n - i);
}

/* (The choice alone: each path apart, called last.) */
char *
jsonout_put_long(char *d, const char *str, size_t n)
{
#ifdef JSONOUT_AVX2
	if (jsonout_level() >= 2)
		return jsonout_put_long_avx2(d, (const unsigned char *)str, n);
#endif
	return jsonout_put_long_sse2(d, (const unsigned char *)str, n);
}

/* The digits go backwards, two at a time from a table, into a scratch
 * buffer from its middle; twenty bytes from the first digit are then
 * copied whole (d has room for the longest number; what follows the
 * digits is written over next). */
char *
jsonout_put_uint(char *d, unsigned long long v)
{
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	char buf[40], *p = buf + 20;

	if (v < 10) {
		*d = (char)('0' + v);
		return d + 1;
	}
	for (; v >= 100; v /= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (v % 100), 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * v, 2);
	} else
		*--p = (char)('0' + v);
	memcpy(d, p, 20);
	return d + (buf + 20 - p);
}

char *
jsonout_reserve(jsonout *w, size_t need)
{
	if (need > w->size)
		return NULL;
	if (need > w->size - w->len)
		jsonout_flush(w);
	return w->buf + w->len;
}

void
jsonout_commit(jsonout *w, char *end)
{
	w->len = (size_t)(end - w->buf);
	if (w->len > w->size / 2)
		jsonout_flush(w);
	w->nkeys = 0;
}

void
jsonout_init(jsonout *w, FILE *f)
{
	jsonout_init_buf(w, f, w->own, sizeof(w->own));
}

void
jsonout_init_buf(jsonout *w, FILE *f, char *buf, size_t size)
{
	w->f = f;
	w->nkeys = 0;
	w->len = 0;
	w->buf = buf;
	w->size = size;
}

/* "{", always left in the buffer (the first key may write over it). */
void
jsonout_open(jsonout *w)
{
	if (w->len + 1 > w->size)
		jsonout_flush(w);
	w->buf[w->len++] = '{';
	w->nkeys = 0;
}

void
jsonout_begin(jsonout *w, FILE *f)
{
	jsonout_init(w, f);
	jsonout_open(w);
}

/* The general case of jsonout_key(): the key escaped like any string (a
 * flush may come between the '{' and the first key). */
void
jsonout_key_slow(jsonout *w, const char *ck, size_t ckn)
{
	jsonout_quoted(w, w->nkeys++ > 0 ? ',' : 0, ck + 2, ckn - 4, ':');
}

void
jsonout_value_str(jsonout *w, const char *val)
{
	size_t n;
	char *d;

	if (val == NULL) {
		if (w->len + 4 > w->size)
			jsonout_flush(w);
		memcpy(w->buf + w->len, "null", 4);
		w->len += 4;
		return;
	}
	n = strlen(val);
	if (n >= (w->size - 2) / 6 || w->len + 6 * n + 2 > w->size) {
		jsonout_quoted(w, 0, val, n, 0);
		return;
	}
	d = w->buf + w->len;		/* it fits whatever it holds: no checks */
	*d++ = '"';
	d = jsonout_escape_to(d, (const unsigned char *)val, n);
	*d++ = '"';
	w->len = (size_t)(d - w->buf);
}

void
jsonout_value_int(jsonout *w, long long val)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = val < 0 ? 0ull - (unsigned long long)val :
	    (unsigned long long)val;

	/* by hand: fprintf() costs more than the rest of an entry */
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (val < 0)
		*--p = '-';
	jsonout_raw(w, p, (size_t)(buf + sizeof(buf) - p));
}

void
jsonout_value_raw(jsonout *w, const char *p, size_t n)
{
	jsonout_raw(w, p, n);
}

void
jsonout_end(jsonout *w)
{
	jsonout_raw(w, "}\n", 2);
	jsonout_flush(w);
	w->nkeys = 0;
}

void
jsonout_close(jsonout *w)
{
	jsonout_raw(w, "}\n", 2);
	if (w->len > w->size / 2)
		jsonout_flush(w);
	w->nkeys = 0;
}
