/*
 * simd.h - which vector code this build and this CPU run (see simd.c).
 */
#ifndef SIMD_H
#define SIMD_H

#define SIMD_SSE2	1u	/* 16-byte blocks (every x86-64) */
#define SIMD_SSSE3	2u	/* 16-byte blocks with byte shuffles */
#define SIMD_AVX2	4u	/* 32-byte blocks */

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

#endif
