/*
 * mime_run.c - the length of a run of whole lines that mime.c may pass on
 * or drop together (see mime_run_span() in mime.h).  Line ends are found
 * 64 bytes at a time (AVX2 where the CPU has it, else SSE2, else memchr()),
 * then every newline of a block is handled from its bit mask, which spares
 * a memchr() call per line: most lines are short.  With max >= 64, only the
 * first newline of a block can end a line longer than max: the others only
 * have their CR (no_cr) and the "--" after them (open) to be tested, each
 * by a test of the loop that needs it (one copy of the loop per case).
 * Pure: reads only the bytes it is given.
 */
#include <stdint.h>
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

#define MIME_RUN_INLINE	static inline __attribute__((always_inline))

/* The same, one line at a time from the line start p: the reference
 * definition, and the tail of the vector loops. */
static size_t
mime_run_tail(const char *buf, const char *p, const char *end, size_t max,
	      int open, int no_cr)
{
	const char *nl;

	while (p < end) {
		if (open && p[0] == '-' && p + 1 < end && p[1] == '-')
			break;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    (size_t)(nl - p) > max || (no_cr && nl > p && nl[-1] == '\r'))
			break;
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

/*
 * The newlines of the w bytes at q (bit i: q[i] == '\n'; q + w <= end)
 * against the line that starts at *lp, which has no newline before q:
 * 1 when the run ends (at *lp), else *lp moves past every line the block
 * completes.  max >= w: a line that starts in the block and ends in it
 * is short enough.
 */
MIME_RUN_INLINE int
mime_run_bits(uint64_t m, const char *q, unsigned w, const char **lp,
	      const char *end, size_t max, int open, int no_cr)
{
	const char *p = *lp, *nl;

	if (m == 0)
		return (size_t)(q + w - p) > max;	/* its line is too long */
	if ((size_t)(q + __builtin_ctzll(m) - p) > max)
		return 1;
	do {
		nl = q + __builtin_ctzll(m);
		m &= m - 1;
		if (no_cr && nl > p && nl[-1] == '\r') {
			*lp = p;	/* before the line that ends in CR LF */
			return 1;
		}
		p = nl + 1;
		if (open && p + 1 < end && p[0] == '-' && p[1] == '-') {
			*lp = p;	/* before a line that may be a boundary */
			return 1;
		}
	} while (m != 0);
	*lp = p;
	return 0;
}

#if defined(__GNUC__) && defined(__x86_64__)
#define MIME_RUN_AVX2 1
/* The run from buf by blocks of 64 bytes, then one of 32. */
__attribute__((target("avx2"))) MIME_RUN_INLINE size_t
mime_run_avx2_case(const char *buf, const char *end, size_t max, int open,
		   int no_cr)
{
	const __m256i nlv = _mm256_set1_epi8('\n');
	const char *p = buf, *q = buf;

	for (; end - q >= 64; q += 64) {
		uint64_t m = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)q), nlv)) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)(q + 32)),
		    nlv)) << 32;

		if (mime_run_bits(m, q, 64, &p, end, max, open, no_cr))
			return (size_t)(p - buf);
	}
	if (end - q >= 32) {
		uint64_t m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)q), nlv));

		if (mime_run_bits(m, q, 32, &p, end, max, open, no_cr))
			return (size_t)(p - buf);
	}
	return mime_run_tail(buf, p, end, max, open, no_cr);
}

__attribute__((target("avx2"))) static size_t
mime_run_avx2(const char *buf, const char *end, size_t max, int open, int no_cr)
{
	if (open)
		return no_cr ? mime_run_avx2_case(buf, end, max, 1, 1) :
			       mime_run_avx2_case(buf, end, max, 1, 0);
	return no_cr ? mime_run_avx2_case(buf, end, max, 0, 1) :
		       mime_run_avx2_case(buf, end, max, 0, 0);
}
#endif

#ifdef __SSE2__
/* The mask of the newlines of the 16 bytes at s. */
MIME_RUN_INLINE uint64_t
mime_run_nl16(const char *s)
{
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(
	    (const __m128i *)(const void *)s), _mm_set1_epi8('\n')));
}

MIME_RUN_INLINE size_t
mime_run_sse2_case(const char *buf, const char *end, size_t max, int open,
		   int no_cr)
{
	const char *p = buf, *q = buf;

	for (; end - q >= 64; q += 64) {
		uint64_t m = mime_run_nl16(q) | mime_run_nl16(q + 16) << 16 |
		    mime_run_nl16(q + 32) << 32 | mime_run_nl16(q + 48) << 48;

		if (mime_run_bits(m, q, 64, &p, end, max, open, no_cr))
			return (size_t)(p - buf);
	}
	if (end - q >= 32) {
		uint64_t m = mime_run_nl16(q) | mime_run_nl16(q + 16) << 16;

		if (mime_run_bits(m, q, 32, &p, end, max, open, no_cr))
			return (size_t)(p - buf);
	}
	return mime_run_tail(buf, p, end, max, open, no_cr);
}

static size_t
mime_run_sse2(const char *buf, const char *end, size_t max, int open, int no_cr)
{
	if (open)
		return no_cr ? mime_run_sse2_case(buf, end, max, 1, 1) :
			       mime_run_sse2_case(buf, end, max, 1, 0);
	return no_cr ? mime_run_sse2_case(buf, end, max, 0, 1) :
		       mime_run_sse2_case(buf, end, max, 0, 0);
}
#endif

/* The code mime_run_span() runs: 2 AVX2, 1 SSE2, 0 a line at a time;
 * picked once (simd_pick(): by the build and the CPU, 0 when
 * BOUNCETAG_NO_SIMD is set), or by tests (mime_run_force()); -1 until
 * then. */
static int mime_run_level = -1;

/* The code built besides the plain one (SIMD_* bits). */
#ifdef MIME_RUN_AVX2
#define MIME_RUN_BUILT	(SIMD_BUILT_SSE2 | SIMD_AVX2)
#else
#define MIME_RUN_BUILT	SIMD_BUILT_SSE2
#endif

int
mime_run_force(int level)
{
	int l = simd_pick(MIME_RUN_BUILT, level);

	__atomic_store_n(&mime_run_level, l, __ATOMIC_RELAXED);
	return l;
}

int
mime_run_simd(void)
{
	int level = __atomic_load_n(&mime_run_level, __ATOMIC_RELAXED);

	if (level < 0) {	/* a race only picks the same twice */
		level = simd_pick(MIME_RUN_BUILT, -1);
		__atomic_store_n(&mime_run_level, level, __ATOMIC_RELAXED);
	}
	return level;
}

size_t
mime_run_span(const char *buf, size_t len, size_t max, int open, int no_cr)
{
	const char *end = buf + len;
	int level = __atomic_load_n(&mime_run_level, __ATOMIC_RELAXED);

	if (open && len > 1 && buf[0] == '-' && buf[1] == '-')
		return 0;
	if (level < 0) {	/* a race only picks the same twice */
		level = simd_pick(MIME_RUN_BUILT, -1);
		__atomic_store_n(&mime_run_level, level, __ATOMIC_RELAXED);
	}
	if (max < 64)		/* a block may end more than one long line */
		return mime_run_tail(buf, buf, end, max, open, no_cr);
#ifdef MIME_RUN_AVX2
	if (level == 2)
		return mime_run_avx2(buf, end, max, open, no_cr);
#endif
#ifdef __SSE2__
	if (level == 1)
		return mime_run_sse2(buf, end, max, open, no_cr);
#endif
	return mime_run_tail(buf, buf, end, max, open, no_cr);
}
