/*
 * simd.c - which vector code to run, decided once per process for every
 * module that has vector paths (input, rawfeed, mime_run, mime_qp,
 * scan_teddy, ruleset_lit ...).
 *
 * Each module builds a plain C path and, where the compiler can, SSE2,
 * SSSE3 or AVX2 ones; simd_pick() gives the best level that both the
 * module's build and the CPU have.  Setting BOUNCETAG_NO_SIMD in the
 * environment turns every vector path off, so that the plain ones can be
 * tried on any machine.  Modules keep their own level, which their tests
 * may force lower; the CPU is read here only.
 */
#include <stdlib.h>

#include "simd.h"
#ifdef SIMD_CAN_AVX2
#include <cpuid.h>
#endif

#define SIMD_KNOWN	0x80000000u	/* simd_cpu holds the answer */

static unsigned simd_cpu;

#ifdef SIMD_CAN_AVX2
/* CPUID leaf 7: ECX bit 1 AVX512_VBMI, bit 8 GFNI (asked directly: not
 * every compiler's __builtin_cpu_supports() knows them). */
static int
simd_vbmi_gfni(void)
{
	unsigned a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & 0x102u) == 0x102u;
}
#endif

unsigned
simd_features(void)
{
	unsigned f = __atomic_load_n(&simd_cpu, __ATOMIC_RELAXED);

	if (!(f & SIMD_KNOWN)) {	/* a race only reads the same twice */
		f = SIMD_KNOWN;
		if (getenv("BOUNCETAG_NO_SIMD") == NULL) {
#ifdef __SSE2__
			f |= SIMD_SSE2;
#endif
#ifdef SIMD_CAN_AVX2
			if (__builtin_cpu_supports("ssse3"))
				f |= SIMD_SSSE3;
			if (__builtin_cpu_supports("avx2"))
				f |= SIMD_AVX2;
			if (__builtin_cpu_supports("popcnt"))
				f |= SIMD_POPCNT;
			if (__builtin_cpu_supports("avx512f") &&
			    __builtin_cpu_supports("avx512bw") &&
			    __builtin_cpu_supports("avx512vl") &&
			    __builtin_cpu_supports("bmi2"))
				f |= SIMD_AVX512BW;
			if ((f & SIMD_AVX512BW) && simd_vbmi_gfni())
				f |= SIMD_VBMI_GFNI;
#endif
		}
		__atomic_store_n(&simd_cpu, f, __ATOMIC_RELAXED);
	}
	return f & ~SIMD_KNOWN;
}

int
simd_pick(unsigned built, int want)
{
	unsigned f = simd_features() & built & (SIMD_SSE2 | SIMD_SSSE3 | SIMD_AVX2);
	int top = (f & SIMD_AVX2) ? 2 : f != 0 ? 1 : 0;

	return want >= 0 && want < top ? want : top;
}
