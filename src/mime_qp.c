/*
 * mime_qp.c - quoted-printable decoding of one body line (see mime.h), as
 * mime.c reads a leaf's content: the bytes up to the next '=' go as they
 * are, "=XX" becomes its byte, a '=' that encodes nothing stays; and
 * mime_qp_run(), the same over a run of whole lines in one pass (32 bytes
 * at a time with AVX2 where the CPU has it, else 16 with SSE2).  Pure:
 * the caller owns both buffers.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "mime.h"
#include "simd.h"

size_t
mime_qp_decode(const char *s, size_t n, int eol, char *out)
{
	size_t i, o = 0;
	int soft = 0;

	if (eol) {
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0 && s[n - 1] == '=') {
			soft = 1;
			n--;
		}
	}
	for (i = 0; i < n; ) {
		int h, l;
		/* the bytes up to the next '=' stand for themselves */
		const char *eq = memchr(s + i, '=', n - i);
		size_t k = eq != NULL ? (size_t)(eq - (s + i)) : n - i;

		memcpy(out + o, s + i, k);
		o += k;
		i += k;
		if (i >= n)
			break;
		if (i + 2 < n &&
		    (h = mime_hex((unsigned char)s[i + 1])) >= 0 &&
		    (l = mime_hex((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h << 4 | l);
			i += 3;
		} else
			out[o++] = s[i++];	/* a '=' that encodes nothing */
	}
	if (eol && !soft)
		out[o++] = '\n';
	return o;
}

/* The bytes a line end may cut: CR, blanks, a soft-break '='. */
static const unsigned char mime_qp_end[256] = {
	['\r'] = 1, [' '] = 1, ['\t'] = 1, ['='] = 1,
};

/* mime_hex() + 1 by table: 0 for a byte that is not a hex digit. */
static const unsigned char mime_hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/*
 * One pass per line: its bytes are copied (and, for quoted-printable, each
 * "=XX" decoded) while its '\n' is looked for; a soft break "=" LF (or
 * "=" CR LF) ends the line at once, with nothing to take back; at another
 * '\n' the output of what mime_qp_decode() would have cut from the line's
 * end (a CR, then blanks and a soft-break '=') is taken back.  That is the same output:
 * those bytes are never hex digits, so no "=XX" reaches into them, and each
 * gave one byte.  A line is only taken when its '\n' comes before lim
 * (max - o bytes, and the end of buf); blocks of W bytes (16 with SSE2, 32
 * with AVX2, none without SIMD) are read while W are in buf, and stored at
 * out + oi < max, hence the room out has.  MIME_QP_BODY is that loop, for
 * one width: SCAN(s, o) stores the W bytes at s at o and returns the mask
 * of those that are '\n', or '=' when qp (eqv).  One copy per width and
 * per qp (a constant there: its tests go).
 */
#define MIME_QP_BODY(W, SCAN)						\
	const char *p = buf, *end = buf + len;				\
	size_t o = 0;							\
									\
	while (p < end && o < max) {					\
		size_t rest = (size_t)(end - p), lim, i = 0, oi = o, cut = 0; \
		int soft = 0;						\
									\
		if (open && p[0] == '-' && rest > 1 && p[1] == '-')	\
			break;						\
		lim = rest < max - o ? rest : max - o;	/* '\n' at lim - 1 at most */ \
		while (i < lim) {					\
			if ((W) > 0 && i + (W) <= rest) {		\
				unsigned m = SCAN(p + i, out + oi);	\
									\
				if (m == 0) {				\
					i += (W);			\
					oi += (W);			\
					continue;			\
				}					\
				i += (unsigned)__builtin_ctz(m);	\
				oi += (unsigned)__builtin_ctz(m);	\
			}						\
			if (i >= lim || p[i] == '\n')			\
				break;					\
			if (qp && p[i] == '=') {			\
				unsigned h, l;				\
									\
				if (i + 1 < lim && p[i + 1] == '\n') {	\
					/* "=\n", the usual soft break: \
					 * the line ends, no LF, no cut */ \
					o = oi;				\
					p += i + 2;			\
					goto next_line;			\
				}					\
				if (i + 2 < lim && p[i + 1] == '\r' &&	\
				    p[i + 2] == '\n') {			\
					o = oi;	/* "=\r\n": its CR goes */ \
					p += i + 3;			\
					goto next_line;			\
				}					\
				if (i + 2 < rest && (h = mime_hex1[(unsigned char)p[i + 1]]) != 0 && \
				    (l = mime_hex1[(unsigned char)p[i + 2]]) != 0) { \
					out[oi++] = (char)((h - 1) << 4 | (l - 1)); \
					i += 3;				\
				} else {				\
					out[oi++] = '=';		\
					i++;				\
				}					\
				continue;				\
			}						\
			out[oi++] = p[i++];				\
		}							\
		if (i >= lim)						\
			break;	/* no '\n' in reach: the line is not for a run */ \
		/* i: the line's length without its '\n' */		\
		if (i > 0 && mime_qp_end[(unsigned char)p[i - 1]]) {	\
			/* what the line-by-line reading cuts: a CR, then for \
			 * quoted-printable blanks and a soft-break '=' */ \
			if (p[i - 1] == '\r')				\
				cut = 1;				\
			if (qp) {					\
				while (cut < i && (p[i - 1 - cut] == ' ' || p[i - 1 - cut] == '\t')) \
					cut++;				\
				if (cut < i && p[i - 1 - cut] == '=') {	\
					soft = 1;			\
					cut++;				\
				}					\
			}						\
		}							\
		oi -= cut;						\
		if (!soft)						\
			out[oi++] = '\n';				\
		o = oi;							\
		p += i + 1;						\
	next_line:							\
		;							\
	}								\
	*olen = o;							\
	return (size_t)(p - buf)

#define MIME_QP_INLINE	static inline __attribute__((always_inline))
#define MIME_QP_NONE(s, o)	0u

/* Without SIMD: a byte at a time. */
MIME_QP_INLINE size_t
mime_qp_plain(const char *buf, size_t len, size_t max, int open, int qp,
	      char *out, size_t *olen)
{
	MIME_QP_BODY(0, MIME_QP_NONE);
}

#ifdef __SSE2__
MIME_QP_INLINE unsigned
mime_qp_scan16(const char *s, char *o, int qp)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);

	_mm_storeu_si128((__m128i *)(void *)o, x);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8(qp ? '=' : '\n'))));
}

#define MIME_QP_SCAN16(s, o)	mime_qp_scan16((s), (o), qp)

MIME_QP_INLINE size_t
mime_qp_sse2(const char *buf, size_t len, size_t max, int open, int qp,
	     char *out, size_t *olen)
{
	MIME_QP_BODY(16, MIME_QP_SCAN16);
}
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#define MIME_QP_AVX2 1
__attribute__((target("avx2"))) MIME_QP_INLINE unsigned
mime_qp_scan32(const char *s, char *o, int qp)
{
	__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)s);

	_mm256_storeu_si256((__m256i *)(void *)o, x);
	return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n')),
	    _mm256_cmpeq_epi8(x, _mm256_set1_epi8(qp ? '=' : '\n'))));
}

#define MIME_QP_SCAN32(s, o)	mime_qp_scan32((s), (o), qp)

__attribute__((target("avx2"))) MIME_QP_INLINE size_t
mime_qp_avx2_case(const char *buf, size_t len, size_t max, int open, int qp,
		  char *out, size_t *olen)
{
	MIME_QP_BODY(32, MIME_QP_SCAN32);
}

__attribute__((target("avx2"))) static size_t
mime_qp_avx2(const char *buf, size_t len, size_t max, int open, int qp,
	     char *out, size_t *olen)
{
	return qp ? mime_qp_avx2_case(buf, len, max, open, 1, out, olen) :
		    mime_qp_avx2_case(buf, len, max, open, 0, out, olen);
}
#endif

/* The code mime_qp_run() runs: 2 AVX2, 1 SSE2, 0 a byte at a time;
 * picked once (simd_pick(): by the build and the CPU, 0 when
 * BOUNCETAG_NO_SIMD is set), or by tests (mime_qp_force()); -1 until
 * then. */
static int mime_qp_level = -1;

/* The code built besides the plain one (SIMD_* bits). */
#ifdef MIME_QP_AVX2
#define MIME_QP_BUILT	(SIMD_BUILT_SSE2 | SIMD_AVX2)
#else
#define MIME_QP_BUILT	SIMD_BUILT_SSE2
#endif

int
mime_qp_force(int level)
{
	int l = simd_pick(MIME_QP_BUILT, level);

	__atomic_store_n(&mime_qp_level, l, __ATOMIC_RELAXED);
	return l;
}

size_t
mime_qp_run(const char *buf, size_t len, size_t max, int open, int qp,
	    char *out, size_t *olen)
{
	int level = __atomic_load_n(&mime_qp_level, __ATOMIC_RELAXED);

	if (level < 0) {	/* a race only picks the same twice */
		level = simd_pick(MIME_QP_BUILT, -1);
		__atomic_store_n(&mime_qp_level, level, __ATOMIC_RELAXED);
	}
#ifdef MIME_QP_AVX2
	if (level == 2)
		return mime_qp_avx2(buf, len, max, open, qp, out, olen);
#endif
#ifdef __SSE2__
	if (level == 1)
		return qp ? mime_qp_sse2(buf, len, max, open, 1, out, olen) :
			    mime_qp_sse2(buf, len, max, open, 0, out, olen);
#endif
	return mime_qp_plain(buf, len, max, open, qp, out, olen);
}
