/*
 * simd.h - which vector code this build and this CPU run (see simd.c).
 */
#ifndef SIMD_H
#define SIMD_H

#define SIMD_SSE2	1u	/* 16-byte blocks (every x86-64) */
#define SIMD_SSSE3	2u	/* 16-byte blocks with byte shuffles */
#define SIMD_AVX2	4u	/* 32-byte blocks */
#define SIMD_POPCNT	8u	/* the POPCNT instruction (not a level: a feature) */
#define SIMD_AVX512BW	16u	/* AVX-512 F, BW, VL and BMI2: 64-byte blocks whose
				 * compares give 64-bit masks (a feature: a
				 * module using it keeps its AVX2 path too) */
#define SIMD_VBMI_GFNI	32u	/* with SIMD_AVX512BW: AVX512_VBMI (byte permutes
				 * across 64 bytes) and GFNI (affine byte maps) */

#ifdef __SSE2__
#define SIMD_BUILT_SSE2	SIMD_SSE2	/* this build has its SSE2 paths */
#else
#define SIMD_BUILT_SSE2	0u
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#define SIMD_CAN_AVX2	1	/* the compiler builds AVX2 functions (target("avx2")) */
#endif

/* The SIMD_* the CPU has, none when the environment variable
 * BOUNCETAG_NO_SIMD is set; read once per process. */
unsigned simd_features(void);

/* A module's level: 2 when built (SIMD_* bits of the code it has) and the
 * CPU have AVX2, 1 when they share another bit, else 0; a want of 0 or
 * more caps it (tests force the lower levels), -1 does not. */
int simd_pick(unsigned built, int want);

#ifdef __SSE2__
#include <emmintrin.h>

/* The bytes of x that a name does not hold (an ASCII letter, a digit, '-',
 * '_' or extra; give '-' for no extra): bit i for byte i.  Ranges by
 * signed compare: 8-bit bytes are negative, outside every range. */
static inline unsigned
simd_name_stop16(__m128i x, char extra)
{
	const __m128i d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1),
	    la = _mm_set1_epi8('a' - 1), lz = _mm_set1_epi8('z' + 1);
	__m128i l = _mm_or_si128(x, _mm_set1_epi8(0x20));	/* letters lowercased */
	__m128i ok = _mm_or_si128(
	    _mm_and_si128(_mm_cmpgt_epi8(x, d0), _mm_cmplt_epi8(x, d9)),
	    _mm_and_si128(_mm_cmpgt_epi8(l, la), _mm_cmplt_epi8(l, lz)));

	ok = _mm_or_si128(ok, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')),
			 _mm_cmpeq_epi8(x, _mm_set1_epi8(extra)))));
	return (unsigned)_mm_movemask_epi8(ok) ^ 0xffffu;
}
#endif

#endif
