/*
 * mime_run.c - the length of a run of whole lines that mime.c may pass on
 * or drop together (see mime_run_span() in mime.h).  Line ends are found
 * 32 bytes at a time (AVX2 where the CPU has it, else SSE2, else memchr())
 * and every newline of a block is handled from its bit mask, which spares
 * a memchr() call per line: most lines are short.  Pure: reads only the
 * bytes it is given.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "mime.h"

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

/* The newlines of the block at q (bit i: q[i] == '\n') against the line
 * that starts at *lp: 1 when the run ends (at *lp), else *lp moves past
 * every line the block completes.  The caller keeps q + 32 <= end. */
static inline int
mime_run_bits(unsigned m, const char *q, const char **lp, const char *end,
	      size_t max, int open, int no_cr)
{
	const char *p = *lp, *nl;

	while (m != 0) {
		nl = q + __builtin_ctz(m);
		m &= m - 1;
		if ((size_t)(nl - p) > max || (no_cr && nl > p && nl[-1] == '\r')) {
			*lp = p;
			return 1;
		}
		p = nl + 1;
		if (open && p + 1 < end && p[0] == '-' && p[1] == '-') {
			*lp = p;
			return 1;
		}
	}
	*lp = p;
	return 0;
}

#if defined(__GNUC__) && defined(__x86_64__)
#define MIME_RUN_AVX2 1
__attribute__((target("avx2"))) static size_t
mime_run_avx2(const char *buf, const char *end, size_t max, int open, int no_cr)
{
	const __m256i nlv = _mm256_set1_epi8('\n');
	const char *p = buf, *q = buf;

	if (open && p + 1 < end && p[0] == '-' && p[1] == '-')
		return 0;
	for (; end - q >= 32; q += 32) {
		unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)q), nlv));

		if (mime_run_bits(m, q, &p, end, max, open, no_cr))
			return (size_t)(p - buf);
		if ((size_t)(q + 32 - p) > max)
			return (size_t)(p - buf);	/* its line is too long */
	}
	return mime_run_tail(buf, p, end, max, open, no_cr);
}
#endif

size_t
mime_run_span(const char *buf, size_t len, size_t max, int open, int no_cr)
{
	const char *end = buf + len;

#ifdef MIME_RUN_AVX2
	if (__builtin_cpu_supports("avx2"))
		return mime_run_avx2(buf, end, max, open, no_cr);
#endif
#ifdef __SSE2__
	{
		const __m128i nlv = _mm_set1_epi8('\n');
		const char *p = buf, *q = buf;

		if (open && p + 1 < end && p[0] == '-' && p[1] == '-')
			return 0;
		for (; end - q >= 32; q += 32) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)q);
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(q + 16));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, nlv)) |
			    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, nlv)) << 16;

			if (mime_run_bits(m, q, &p, end, max, open, no_cr))
				return (size_t)(p - buf);
			if ((size_t)(q + 32 - p) > max)
				return (size_t)(p - buf);
		}
		return mime_run_tail(buf, p, end, max, open, no_cr);
	}
#else
	return mime_run_tail(buf, buf, end, max, open, no_cr);
#endif
}
