/*
 * ruleset_lit_scan.c - the literal prefilter's matching (its index is
 * ruleset_lit.c's): one pass over a text marks the rules and parts whose
 * words occur, and a search finds one literal.
 *
 * DESCRIPTION
 *	On a CPU with AVX2 (chosen at run time, ruleset_lit_simd();
 *	BOUNCETAG_NO_SIMD turns it off) the pass hashes eight positions a
 *	step and gathers their filter bits, and compares four literals'
 *	first sixteen bytes at once; with AVX-512 VBMI and GFNI a first
 *	filter of small tables held in registers (hashed with affine maps,
 *	read with byte permutes) tests sixty-four positions a step, and only
 *	the few it passes are looked up in the filter (the gathers cost more
 *	than all the rest).  The plain C pass finds the same
 *	(tests/check_classify.c compares them at each level).
 *
 *	Built with -DRULESET_LIT_CHECK, the scan compares the packed index
 *	with all literals, and ruleset_check.c runs every rule whole and
 *	every pattern the prefilter skips; a difference aborts.
 *
 * MEMORY
 *	A ruleset_lit_text is the caller's (on its stack) and points to the
 *	text it was made for; the index is only read.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define RULESET_LIT_AVX2 1	/* the AVX2 code is built (run when the CPU has it) */
#define RULESET_LIT_AVX512 1	/* and the AVX-512 (VBMI and GFNI) code */
#include <immintrin.h>
#endif

#include "ruleset_lit.h"
#include "simd.h"

static int ruleset_lit_level = -1;	/* atomic; -1: not chosen yet */

/* What the CPU can do: 3 AVX-512 with VBMI and GFNI, 2 AVX2 (and
 * POPCNT), 0 not (or not built, or BOUNCETAG_NO_SIMD set: simd.c). */
int ruleset_lit_cpu(void)
{
#ifdef RULESET_LIT_AVX2
	unsigned f = simd_features();

	if ((f & (SIMD_AVX2 | SIMD_POPCNT)) != (SIMD_AVX2 | SIMD_POPCNT))
		return 0;
#ifdef RULESET_LIT_AVX512
	if (f & SIMD_VBMI_GFNI)		/* (and AVX-512 BW: simd.c) */
		return 3;
#endif
	return 2;
#else
	return 0;
#endif
}

int ruleset_lit_simd(int level)
{
	int c;

	if (level < 0) {
		c = __atomic_load_n(&ruleset_lit_level, __ATOMIC_RELAXED);
		if (c < 0) {	/* a race only chooses the same twice */
			c = ruleset_lit_cpu();
			__atomic_store_n(&ruleset_lit_level, c, __ATOMIC_RELAXED);
		}
		return c;
	}
	c = ruleset_lit_cpu();
	if (level < c)
		c = level;
	__atomic_store_n(&ruleset_lit_level, c, __ATOMIC_RELAXED);
	return c;
}

#ifdef RULESET_LIT_AVX2
/* 1 when a[0..n) == b[0..n) (n small: the rest of a literal after the
 * bytes the vector test compared; in line, no call). */
static inline int ruleset_lit_same(const char *a, const char *b, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (a[k] != b[k])
			return 0;
	return 1;
}

/* ruleset_lit_find() with AVX2, for hl > 33 and ll >= 3: thirty-two
 * positions at a time tested on their first three bytes, the last block
 * read so that it ends at the text's end (its positions already tested
 * masked out). */
__attribute__((target("avx2"))) static int
ruleset_lit_find_avx2(const char *h, size_t hl, const char *l, size_t ll)
{
	const __m256i f0 = _mm256_set1_epi8(l[0]), f1 = _mm256_set1_epi8(l[1]),
		      f2 = _mm256_set1_epi8(l[2]);
	size_t i = 0, b, last = hl - ll;	/* a match starts at 0 .. last */

	for (;;) {
		uint32_t m;

		b = i + 34 <= hl ? i : hl - 34;	/* positions b .. b + 31 read h[b .. b + 34) */
		m = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_and_si256(
		    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(h + b)), f0),
		    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(h + b + 1)),
				      f1)),
		    _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(h + b + 2)),
				      f2)));
		m &= ~(uint32_t)0 << (i - b);	/* i - b < 32 */
		if (last < b + 31)
			m &= (uint32_t)(((uint64_t)2 << (last - b)) - 1);
		for (; m != 0; m &= m - 1) {
			size_t at = b + (size_t)__builtin_ctz(m);

			if (ruleset_lit_same(h + at + 3, l + 3, ll - 3))
				return 1;
		}
		if (b + 32 > last)
			return 0;
		i = b + 32;
	}
}
#endif

/* 1 when l[0..ll) occurs in h[0..hl) (short strings).  With AVX2 (when
 * the scan's level is chosen: ruleset_lit_simd()) thirty-two positions at
 * a time are tested on their first three bytes, with SSE2 sixteen on
 * their first two, then
 * each candidate on the rest; without, memchr() for the first byte. */
int ruleset_lit_find(const char *h, size_t hl, const char *l, size_t ll)
{
	const char *p = h, *end = h + hl;

	if (ll == 0 || ll > hl)
		return 0;
#ifdef RULESET_LIT_AVX2
	if (hl > 33 && ll >= 3 && __atomic_load_n(&ruleset_lit_level, __ATOMIC_RELAXED) >= 2)
		return ruleset_lit_find_avx2(h, hl, l, ll);
#endif
#ifdef __SSE2__
	if (ll >= 2) {
		const __m128i f0 = _mm_set1_epi8(l[0]), f1 = _mm_set1_epi8(l[1]);
		size_t i;

		/* blocks of positions i..i+15 whose two bytes are in h */
		for (i = 0; i + 17 <= hl && i + ll <= hl; i += 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(h + i + 1));
			unsigned m = (unsigned)_mm_movemask_epi8(
			    _mm_and_si128(_mm_cmpeq_epi8(a, f0), _mm_cmpeq_epi8(b, f1)));

			for (; m != 0; m &= m - 1) {
				size_t at = i + (size_t)__builtin_ctz(m);

				if (at + ll <= hl && memcmp(h + at + 2, l + 2, ll - 2) == 0)
					return 1;
			}
		}
		p = h + i;
	}
#endif
	while ((size_t)(end - p) >= ll &&
	       (p = memchr(p, l[0], (size_t)(end - p) - ll + 1)) != NULL) {
		if (memcmp(p + 1, l + 1, ll - 1) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* 1 when a[16..n-8) == b[16..n-8) (n > 24; the last eight are key2's):
 * eight bytes at a time, the last eight overlapping those of key2. */
static int ruleset_lit_tail_same(const unsigned char *a, const char *b, size_t n)
{
	size_t k;
	uint64_t x, y;

	for (k = 16; k + 8 < n; k += 8) {
		memcpy(&x, a + k, 8);
		memcpy(&y, b + k, 8);
		if (x != y)
			return 0;
	}
	return 1;
}

/* The sixteen bytes of the text at p (room of them there) as two words,
 * zero past its end: no literal has a NUL, so none that goes past the end
 * is matched. */
static inline void ruleset_lit_load16(const unsigned char *low, size_t p, size_t room,
				      uint64_t *x0, uint64_t *x1)
{
	unsigned char b[16];

	if (room >= 16) {	/* two loads */
		memcpy(x0, low + p, 8);
		memcpy(x1, low + p + 8, 8);
		return;
	}
	memset(b, 0, sizeof(b));
	memcpy(b, low + p, room);
	memcpy(x0, b, 8);
	memcpy(x1, b + 8, 8);
}

/* A literal of len bytes (last eight: key2; its string lstr[full->k], read
 * only when needed: it missed the cache) whose first bytes (up to sixteen)
 * are those of the text at low[p] (room bytes left): its part's bit id
 * (and its rule's, rid) set when its other bytes are there too: its last
 * eight compared with key2 (one load), any between with its string. */
static inline void ruleset_lit_mark(const ruleset_lit_idx *ix, size_t len, uint64_t key2,
				    const ruleset_lit_ent *full, unsigned id, uint32_t rid,
				    const unsigned char *low, size_t p, size_t room,
				    uint64_t *poss, uint64_t *rposs)
{
	if (len > 16) {
		uint64_t y;

		if (len > room)
			return;
		memcpy(&y, low + p + len - 8, 8);
		if (y != key2 ||
		    (len > 24 && !ruleset_lit_tail_same(low + p, ix->lstr[full->k], len)))
			return;
	}
	poss[id / 64] |= (uint64_t)1 << (id % 64);
	if (rid != RULESET_LIT_NOBIT)
		rposs[rid / 64] |= (uint64_t)1 << (rid % 64);
}

/* ruleset_lit_mark() of literal e. */
static inline void ruleset_lit_hit(const ruleset_lit_idx *ix, const ruleset_lit_ent *e,
				   const unsigned char *low, size_t p, size_t room, uint64_t *poss,
				   uint64_t *rposs)
{
	ruleset_lit_mark(ix, e->len, e->key2, e, e->id, e->rid, low, p, room, poss, rposs);
}

/* ruleset_lit_mark() of the packed literal e, read from its small record
 * phot (pent for the string of a literal of more than twenty-four bytes). */
static inline void ruleset_lit_hit_hot(const ruleset_lit_idx *ix, unsigned e,
				       const unsigned char *low, size_t p, size_t room,
				       uint64_t *poss, uint64_t *rposs)
{
	const ruleset_lit_hot *h = &ix->phot[e];

	ruleset_lit_mark(ix, h->len, h->key2, &ix->pent[e], h->id, h->rid, low, p, room,
			 poss, rposs);
}

/* The literals of ents[0..n) at low[p]: their parts' bits set in poss.
 * Each is tested on its first sixteen bytes under its mask (its first
 * bytes, length and next bytes at once; which ones pass is random, so the
 * test has no branch but the one on its result), a longer one that
 * passes has its other bytes compared then. */
static inline void ruleset_lit_at(const ruleset_lit_idx *ix, const ruleset_lit_ent *ents,
				  size_t n, const ruleset_lit_text *t, const unsigned char *low,
				  size_t p, uint64_t *poss, uint64_t *rposs)
{
	size_t room = t->len - p;
	uint64_t x0, x1;
	const ruleset_lit_ent *e, *end = ents + n;

	ruleset_lit_load16(low, p, room, &x0, &x1);
	for (e = ents; e < end; e++)
		if ((((x0 & e->kmask) ^ e->key) | ((x1 & e->kmask1) ^ e->key1)) == 0)
			ruleset_lit_hit(ix, e, low, p, room, poss, rposs);
}

/* The positions p0 + b of the bits b of hits (their filter entries in
 * fs[b]) looked up: in the packed index, or (not packed: no memory) among
 * all literals. */
static void ruleset_lit_cands(const ruleset_lit_idx *ix, const ruleset_lit_text *t, size_t p0,
			      uint64_t hits, const uint32_t *fs, int packed, uint64_t *poss,
			      uint64_t *rposs)
{
	const unsigned char *low = (const unsigned char *)t->low;

	for (; hits != 0; hits &= hits - 1) {
		unsigned b = (unsigned)__builtin_ctzll(hits), f = fs[b], s;
		uint64_t below = ix->tset[f / 64] & (((uint64_t)1 << (f % 64)) - 1);

		if (!packed) {
			ruleset_lit_at(ix, ix->lent, ix->nlent, t, low, p0 + b, poss, rposs);
			continue;
		}
		/* the entry's rank among those set: ruleset_lit_slot() */
		s = ix->prank[f / 64] + ruleset_lit_popcount(below);
		ruleset_lit_at(ix, ix->pent + ix->pstart[s], ix->pstart[s + 1] - ix->pstart[s], t, low,
			       p0 + b, poss, rposs);
	}
}

/* The parts whose literals are in the lowercased text: their bits set in
 * poss (cleared by the caller).  Sixty-four positions at a time, the
 * filter is read without a branch into two masks, one for the literals
 * of three to seven bytes (their first three), one for the longer (their
 * first eight: positions with fewer left are not looked up); the
 * positions in the masks are then looked up.  (Not packed, a position
 * is compared with all literals: once is enough.) */
static void ruleset_lit_scan_plain(const ruleset_lit_idx *ix, const ruleset_lit_text *t,
				   int packed, uint64_t *poss, uint64_t *rposs)
{
	const unsigned char *low = (const unsigned char *)t->low;
	size_t p, len = t->len;
	uint32_t fs3[64], fs8[64];

	if (len < RULESET_LIT_MIN)
		return;
	for (p = 0; p + 2 < len; p += 64) {
		size_t n = len - 2 - p < 64 ? len - 2 - p : 64, b;
		uint64_t hits3 = 0, hits8 = 0;

		for (b = 0; b < n; b++) {
			size_t at = p + b;
			unsigned f;

			fs3[b] = f = ruleset_lit_tri(ruleset_lit_tri3(low + at));
			hits3 |= (ix->tset[f / 64] >> (f % 64) & 1) << b;
			if (len - at < 8)
				continue;
			fs8[b] = f = (1u << RULESET_LIT_TRIBITS) +
				     ruleset_lit_oct(ruleset_lit_quad4(low + at),
						     ruleset_lit_quad4(low + at + 4));
			hits8 |= (ix->tset[f / 64] >> (f % 64) & 1) << b;
		}
		if (!packed) {
			ruleset_lit_cands(ix, t, p, hits3 | hits8, fs3, 0, poss, rposs);
			continue;
		}
		ruleset_lit_cands(ix, t, p, hits3, fs3, 1, poss, rposs);
		ruleset_lit_cands(ix, t, p, hits8, fs8, 1, poss, rposs);
	}
}

#ifdef RULESET_LIT_AVX2

/* The literals of filter entry f (set in tset) at low[at]: four compared
 * at a time (an entry's run is a multiple of four: ruleset_lit_pack());
 * wide: f is one of the longer literals' (from 1 << RULESET_LIT_TRIBITS),
 * whose bytes 8..15 are compared too. */
__attribute__((target("avx2,popcnt"), always_inline)) static inline void
ruleset_lit_cand_avx2(const ruleset_lit_idx *ix, const unsigned char *low, size_t len, size_t at,
		      unsigned f, int wide, uint64_t *poss, uint64_t *rposs)
{
	size_t room = len - at;
	unsigned s, e0, end;
	uint64_t w0, w1;
	__m256i x0, x1;

	ruleset_lit_load16(low, at, room, &w0, &w1);
	x0 = _mm256_set1_epi64x((long long)w0);
	x1 = _mm256_set1_epi64x((long long)w1);
	s = ix->prank[f / 64] + (unsigned)__builtin_popcountll(
	    ix->tset[f / 64] & (((uint64_t)1 << (f % 64)) - 1));
	for (e0 = ix->pstart[s], end = ix->pstart[s + 1]; e0 < end; e0 += 4) {
		const __m256i *rec = (const __m256i *)(const void *)(ix->prec + 4 * e0);
		__m256i eq = _mm256_cmpeq_epi64(_mm256_and_si256(x0, _mm256_load_si256(rec)),
						_mm256_load_si256(rec + 1));
		unsigned m;

		if (wide)
			eq = _mm256_and_si256(eq, _mm256_cmpeq_epi64(
			    _mm256_and_si256(x1, _mm256_load_si256(rec + 2)),
			    _mm256_load_si256(rec + 3)));
		m = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(eq));
		for (; m != 0; m &= m - 1)
			ruleset_lit_hit_hot(ix, e0 + (unsigned)__builtin_ctz(m), low, at, room, poss,
					    rposs);
	}
}

/* ruleset_lit_cand_avx2() at the positions p + b of the bits b of hits,
 * the entry of each in fs[b] (of the longer literals counted from 1 <<
 * RULESET_LIT_TRIBITS: wide). */
__attribute__((target("avx2,popcnt"), always_inline)) static inline void
ruleset_lit_cands_avx2(const ruleset_lit_idx *ix, const unsigned char *low, size_t len, size_t p,
		       uint64_t hits, const uint32_t *fs, int wide, uint64_t *poss, uint64_t *rposs)
{
	for (; hits != 0; hits &= hits - 1) {
		unsigned b = (unsigned)__builtin_ctzll(hits);

		ruleset_lit_cand_avx2(ix, low, len, p + b,
				      fs[b] + (wide ? 1u << RULESET_LIT_TRIBITS : 0), wide, poss, rposs);
	}
}

/* The same with AVX2, on a packed index: eight positions a step, their
 * three bytes, and their eight as two fours, shuffled out of sixteen,
 * hashed, and their filter bits gathered (about three instructions a
 * byte, against twenty).  The last positions are read from a zeroed copy
 * of the text's end: no load goes past it. */
__attribute__((target("avx2,popcnt"))) static void
ruleset_lit_scan_avx2(const ruleset_lit_idx *ix, const ruleset_lit_text *t, uint64_t *poss,
		      uint64_t *rposs)
{
	const unsigned char *low = (const unsigned char *)t->low;
	const int *tset32 = (const int *)(const void *)ix->tset;	/* bit f: word f / 32 */
	size_t p, len = t->len, npos, npos8;
	/* lane k (0..7): bytes k, k + 1, k + 2; k .. k + 3; k + 4 .. k + 7 of
	 * the sixteen loaded */
	const __m256i ctrl3 = _mm256_setr_epi8(0, 1, 2, -1, 1, 2, 3, -1, 2, 3, 4, -1, 3, 4, 5, -1,
					       4, 5, 6, -1, 5, 6, 7, -1, 6, 7, 8, -1, 7, 8, 9, -1);
	const __m256i ctrl4 = _mm256_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6,
					       4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10);
	const __m256i ctrl4b = _mm256_setr_epi8(4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10,
						8, 9, 10, 11, 9, 10, 11, 12, 10, 11, 12, 13,
						11, 12, 13, 14);
	const __m256i mul = _mm256_set1_epi32((int)2654435761u);
	const __m256i mul8 = _mm256_set1_epi32((int)RULESET_LIT_OCTMUL);
	const __m256i m31 = _mm256_set1_epi32(31);
	unsigned char tail[64 + 16], hb3[8], hb8[8];
	uint32_t fs3[64], fs8[64];	/* fs8: the entry less 1 << RULESET_LIT_TRIBITS */

	if (len < RULESET_LIT_MIN)
		return;
	npos = len - 2;		/* trigrams start at 0 .. npos - 1 */
	npos8 = len < 8 ? 0 : len - 7;	/* eight bytes at 0 .. npos8 - 1 */
	for (p = 0; p < npos; p += 64) {
		const unsigned char *u = low + p;
		uint64_t hits3, hits8;
		/* the steps of eight positions the block has (the last block
		 * of a short text: a few) */
		unsigned k, kend = npos - p < 64 ? ((unsigned)(npos - p) + 7) & ~7u : 64;

		if (len - p < 64 + 8) {	/* the loads below read u[0 .. kend + 8) */
			memset(tail, 0, sizeof(tail));
			memcpy(tail, u, len - p);
			u = tail;
		}
		memset(hb3, 0, sizeof(hb3));
		memset(hb8, 0, sizeof(hb8));
		for (k = 0; k < kend; k += 8) {
			__m256i v = _mm256_broadcastsi128_si256(
			    _mm_loadu_si128((const __m128i *)(const void *)(u + k)));
			__m256i f3 = _mm256_srli_epi32(
			    _mm256_mullo_epi32(_mm256_shuffle_epi8(v, ctrl3), mul),
			    32 - RULESET_LIT_TRIBITS);
			__m256i f8 = _mm256_srli_epi32(
			    _mm256_mullo_epi32(_mm256_xor_si256(
				_mm256_shuffle_epi8(v, ctrl4),
				_mm256_mullo_epi32(_mm256_shuffle_epi8(v, ctrl4b), mul8)), mul),
			    32 - RULESET_LIT_OCTBITS);
			__m256i w3 = _mm256_i32gather_epi32(tset32, _mm256_srli_epi32(f3, 5), 4);
			__m256i w8 = _mm256_i32gather_epi32(tset32 + (1 << RULESET_LIT_TRIBITS) / 32,
							     _mm256_srli_epi32(f8, 5), 4);
			/* bit f % 32 of a word to the top: shifted by 31 - f % 32 */
			__m256i b3 = _mm256_sllv_epi32(w3, _mm256_andnot_si256(f3, m31));
			__m256i b8 = _mm256_sllv_epi32(w8, _mm256_andnot_si256(f8, m31));

			_mm256_storeu_si256((__m256i *)(void *)(fs3 + k), f3);
			_mm256_storeu_si256((__m256i *)(void *)(fs8 + k), f8);
			hb3[k / 8] = (unsigned char)_mm256_movemask_ps(_mm256_castsi256_ps(b3));
			hb8[k / 8] = (unsigned char)_mm256_movemask_ps(_mm256_castsi256_ps(b8));
		}
		memcpy(&hits3, hb3, 8);		/* byte j: positions 8j .. 8j + 7 */
		memcpy(&hits8, hb8, 8);
		if (npos - p < 64)
			hits3 &= ((uint64_t)1 << (npos - p)) - 1;
		if (npos8 <= p)
			hits8 = 0;
		else if (npos8 - p < 64)
			hits8 &= ((uint64_t)1 << (npos8 - p)) - 1;
		ruleset_lit_cands_avx2(ix, low, len, p, hits3, fs3, 0, poss, rposs);
		ruleset_lit_cands_avx2(ix, low, len, p, hits8, fs8, 1, poss, rposs);
	}
}
#endif

#ifdef RULESET_LIT_AVX512
#define RULESET_LIT_T512 "avx2,popcnt,avx512f,avx512bw,avx512vbmi,gfni,bmi2"
/* v's bytes through matrix i (ruleset_lit_aff()) */
#define RULESET_LIT_AFF(v, i) \
	_mm512_gf2p8affine_epi64_epi8((v), _mm512_set1_epi64((long long)ix->pmat[i]), 0)

/* The positions whose bit (byte at % 128, bit at8 % 8) is set in the
 * 1024-bit table tab: byte permutes and a test, no gather. */
__attribute__((target(RULESET_LIT_T512), always_inline)) static inline __mmask64
ruleset_lit_pretest(const unsigned char *tab, __m512i at, __m512i at8)
{
	const __m512i pow2 = _mm512_set1_epi64(0x8040201008040201ll);	/* byte k: 1 << k % 8 */
	__m512i bytes = _mm512_permutex2var_epi8(
	    _mm512_loadu_si512((const void *)tab), at, _mm512_loadu_si512((const void *)(tab + 64)));

	return _mm512_test_epi8_mask(bytes, _mm512_permutexvar_epi8(at8, pow2));
}

/* The same in the 2048-bit table tab (byte at, bit at8 % 8): its halves
 * read as above, chosen by at's top bit. */
__attribute__((target(RULESET_LIT_T512), always_inline)) static inline __mmask64
ruleset_lit_pretest2(const unsigned char *tab, __m512i at, __m512i at8)
{
	const __m512i pow2 = _mm512_set1_epi64(0x8040201008040201ll);
	__m512i lo = _mm512_permutex2var_epi8(
	    _mm512_loadu_si512((const void *)tab), at, _mm512_loadu_si512((const void *)(tab + 64)));
	__m512i hi = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)(tab + 128)), at,
					      _mm512_loadu_si512((const void *)(tab + 192)));

	return _mm512_test_epi8_mask(_mm512_mask_blend_epi8(_mm512_movepi8_mask(at), lo, hi),
				     _mm512_permutexvar_epi8(at8, pow2));
}

/* The scan with AVX-512 (VBMI and GFNI): sixty-four positions a step
 * tested in the first filter (pre3, pre8: ruleset_lit_pre_add()), held in
 * registers, which passes the few with the first bytes of a literal; those
 * alone are looked up in tset as the plain scan does, then their literals
 * compared as ruleset_lit_scan_avx2() does.  (Its two gathers per eight
 * positions cost more than the rest of the scan.) */
__attribute__((target(RULESET_LIT_T512))) static void
ruleset_lit_scan_avx512(const ruleset_lit_idx *ix, const ruleset_lit_text *t, uint64_t *poss,
			uint64_t *rposs)
{
	const unsigned char *low = (const unsigned char *)t->low;
	size_t p, len = t->len, npos, npos8;

	if (len < RULESET_LIT_MIN)
		return;
	npos = len - 2;		/* trigrams start at 0 .. npos - 1 */
	npos8 = len < 8 ? 0 : len - 7;	/* eight bytes at 0 .. npos8 - 1 */
	for (p = 0; p < npos; p += 64) {
		const unsigned char *u = low + p;
		uint64_t m3, m8;
		__m512i h0, h1, h2;
		unsigned k;

		/* the hash bytes: the text's bytes k on through their affine
		 * maps, xored; the loads masked at the text's end (no byte past
		 * it read: those are zero) */
		h0 = h1 = h2 = _mm512_setzero_si512();
#pragma GCC unroll 8
		for (k = 0; k < 8; k++) {
			size_t room = len - p > k ? len - p - k : 0;	/* bytes at u + k */
			__m512i v = _mm512_maskz_loadu_epi8(
			    room >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << room) - 1, (const void *)(u + k));

			if (k == 3) {	/* the first three's, pre3's */
				m3 = ruleset_lit_pretest(ix->pre3[0], h0, h2) &
				     ruleset_lit_pretest(ix->pre3[1], h1, _mm512_srli_epi16(h2, 3));
			}
			h0 = _mm512_xor_si512(h0, RULESET_LIT_AFF(v, k < 3 ? k : 9 + k - 3));
			h1 = _mm512_xor_si512(h1, RULESET_LIT_AFF(v, k < 3 ? 3 + k : 14 + k - 3));
			h2 = _mm512_xor_si512(h2, RULESET_LIT_AFF(v, k < 3 ? 6 + k : 19 + k - 3));
		}
		m8 = ruleset_lit_pretest2(ix->pre8[0], h0, h2) &
		     ruleset_lit_pretest2(ix->pre8[1], h1, _mm512_srli_epi16(h2, 3));
		if (npos - p < 64)
			m3 &= ((uint64_t)1 << (npos - p)) - 1;
		if (npos8 <= p)
			m8 = 0;
		else if (npos8 - p < 64)
			m8 &= ((uint64_t)1 << (npos8 - p)) - 1;
		/* those that passed, looked up in tset, and their literals
		 * compared */
		for (; m3 != 0; m3 &= m3 - 1) {
			unsigned b = (unsigned)__builtin_ctzll(m3),
				 f = ruleset_lit_tri(ruleset_lit_tri3(u + b));

			if (ix->tset[f / 64] >> (f % 64) & 1)
				ruleset_lit_cand_avx2(ix, low, len, p + b, f, 0, poss, rposs);
		}
		for (; m8 != 0; m8 &= m8 - 1) {
			unsigned b = (unsigned)__builtin_ctzll(m8),
				 f = (1u << RULESET_LIT_TRIBITS) +
				     ruleset_lit_oct(ruleset_lit_quad4(u + b), ruleset_lit_quad4(u + b + 4));

			if (ix->tset[f / 64] >> (f % 64) & 1)
				ruleset_lit_cand_avx2(ix, low, len, p + b, f, 1, poss, rposs);
		}
	}
}
#endif

/* The scan the CPU and the index allow. */
static void ruleset_lit_scan_text(const ruleset_lit_idx *ix, const ruleset_lit_text *t,
				  int packed, uint64_t *poss, uint64_t *rposs)
{
#ifdef RULESET_LIT_AVX2
#ifdef RULESET_LIT_AVX512
	if (packed && ruleset_lit_simd(-1) >= 3) {
		ruleset_lit_scan_avx512(ix, t, poss, rposs);
		return;
	}
#endif
	if (packed && ruleset_lit_simd(-1) >= 2) {
		ruleset_lit_scan_avx2(ix, t, poss, rposs);
		return;
	}
#endif
	ruleset_lit_scan_plain(ix, t, packed, poss, rposs);
}

/* One pass over the lowercased text: the rules one of whose literals is
 * there, each literal setting its part's bit and its rule's. */
void ruleset_lit_scan(const ruleset_lit_idx *ix, ruleset_lit_text *t)
{
	size_t i, len = t->len, nw = (ix->nids + 63) / 64;
	int packed = ruleset_lit_packed(ix);

	if (t->low == NULL) {
		const unsigned char *s = (const unsigned char *)t->text;

		for (i = 0; i < len; i++)
			t->lowbuf[i] = (char)((unsigned)(s[i] - 'A') < 26u ? s[i] + 32 : s[i]);
		t->low = t->lowbuf;
	}
	memset(t->poss, 0, nw * sizeof(t->poss[0]));
	memset(t->rposs, 0, (ix->nrbits + 63) / 64 * sizeof(t->rposs[0]));
	ruleset_lit_scan_text(ix, t, packed, t->poss, t->rposs);
#ifdef RULESET_LIT_CHECK
	if (packed) {
		/* the packed index finds what all literals find */
		uint64_t *all = calloc(nw + 1, sizeof(*all));

		if (all != NULL) {
			ruleset_lit_scan_text(ix, t, 0, all, t->rposs);	/* the same rules */
			if (memcmp(all, t->poss, nw * sizeof(*all)) != 0) {
				fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: the packed index "
					"and the literals differ on \"%.*s\"\n", (int)len, t->text);
				abort();
			}
			free(all);
		}
	}
#endif
	t->scanned = 1;
}

/* 1 when one of the literals lits ("a\0b\0\0") is in the scanned text. */
int ruleset_lit_part_find(const char *lits, const ruleset_lit_text *t)
{
	const char *l;
	size_t ll;

	for (l = lits; *l != '\0'; l += ll + 1) {
		for (ll = 1; l[ll] != '\0'; ll++)	/* (a word: no call) */
			;
		if (ruleset_lit_find(t->low, t->len, l, ll))
			return 1;
	}
	return 0;
}
