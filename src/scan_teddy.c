/*
 * scan_teddy.c - the vector filter of scan_set_scan() (scan_search.c) on
 * x86-64 CPUs with SSSE3 or AVX2: "Teddy", as in Hyperscan.
 *
 * The Wu-Manber skip loop of scan_search.c is a serial chain (load, hash,
 * load the shift, add) that moves 1 to 3 bytes a step on real phrase
 * sets.  Here every position is tested, 16 (SSSE3) or 32 (AVX2) at once:
 * the phrases are put into 8 buckets, and for each of their first 4 bytes
 * two 16-byte tables give, by the low and by the high nibble of a text
 * byte, the buckets that may have that byte there (PSHUFB does 16 or 32
 * lookups at once).  ANDed over the 4 bytes, a non-zero byte says some
 * phrase of those buckets may start there; only then are phrases compared
 * (those of the buckets that start with that byte, in index order, as
 * scan_search.c does), so the answers are exactly the skip loop's.
 * Letters are put in both cases into the tables (not folded with | 0x20,
 * which would also fold '@' into '`'); the nibble split only lets more
 * bytes through, and the comparison rejects them.
 *
 * Which code runs is chosen once (simd_pick(), simd.c); without
 * SSE2 at compile time (check.sh's plain-C build), off x86-64, on an old
 * CPU, or when the environment variable BOUNCETAG_NO_SIMD is set, the
 * level is 0 and scan_search.c uses its skip loop.  Tests force each level
 * with scan_teddy_force().
 *
 * Memory: nothing is allocated; the tables are in the (static) set, built
 * by scan_teddy_build() under scan_search.c's lock.  The vector loads end
 * inside the text: the last positions are tested on a copy of the text's
 * end in a zeroed local buffer (no phrase has a NUL byte).
 */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"
#include "simd.h"

#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define SCAN_TEDDY 1
#if SCAN_TEDDY_BYTES != 4
#error "scan_teddy_block16() and scan_teddy_block32() test 4 bytes"
#endif
#include <immintrin.h>
#endif

/* --- buckets ---------------------------------------------------------------
 * A bucket lets through every text byte whose low nibble and high nibble
 * are each some phrase byte's of the bucket (at that offset): a cross
 * product.  Phrases that look alike (the same tested bytes) are put
 * together, greedily: merge the two groups that add the least to the
 * strings let through (scan_teddy_cost()), until 8 are left.
 */
typedef struct scan_teddy_grp {
	uint16_t lo[SCAN_TEDDY_BYTES];	/* bit x: a byte with low nibble x */
	uint16_t hi[SCAN_TEDDY_BYTES];	/* bit x: a byte with high nibble x */
	uint64_t phr;			/* 0: merged into another */
	uint64_t cost;			/* scan_teddy_cost() */
} scan_teddy_grp;

/* A weight of the 4-byte strings the group lets through: of each byte,
 * the low nibbles times the high nibbles, those of printable bytes (2 to
 * 7) counted 4 and all the others (bytes >= 0x80, control bytes) 1, as
 * they are rare in text. */
/* The bits set in x (16 bits), by a table of bytes: built without
 * -mpopcnt, __builtin_popcount() is a call into libgcc, and the greedy
 * merge below asks tens of thousands of times at start-up. */
#define SCAN_POP8(c)	(((c) & 1) + ((c) >> 1 & 1) + ((c) >> 2 & 1) + \
			 ((c) >> 3 & 1) + ((c) >> 4 & 1) + ((c) >> 5 & 1) + \
			 ((c) >> 6 & 1) + ((c) >> 7 & 1))
static const unsigned char scan_teddy_pop8[256] = SCAN_TABLE256(SCAN_POP8);

static inline unsigned
scan_teddy_pop16(unsigned x)
{
	return (unsigned)scan_teddy_pop8[x & 0xffu] + scan_teddy_pop8[x >> 8];
}

static uint64_t
scan_teddy_cost(const scan_teddy_grp *g)
{
	uint64_t c = 1;
	unsigned p;

	for (p = 0; p < SCAN_TEDDY_BYTES; p++)
		c *= (uint64_t)scan_teddy_pop16(g->lo[p]) *
		    (uint64_t)(4 * scan_teddy_pop16(g->hi[p] & 0x00fcu) +
		    (g->hi[p] & ~0x00fcu ? 1 : 0));
	return c;
}

static void
scan_teddy_merge(scan_teddy_grp *to, const scan_teddy_grp *a,
    const scan_teddy_grp *b)
{
	unsigned p;

	for (p = 0; p < SCAN_TEDDY_BYTES; p++) {
		to->lo[p] = a->lo[p] | b->lo[p];
		to->hi[p] = a->hi[p] | b->hi[p];
	}
	to->phr = a->phr | b->phr;
	to->cost = scan_teddy_cost(to);
}

/* What merging groups a and b adds to the cost (below 0: they overlap).
 * scan_teddy_d[a][b] for a < b: each merge changes only one row and
 * column of it, so the greedy loop computes O(n^2) deltas, not O(n^3);
 * and with each row's least kept (scan_teddy_row()), it reads O(n^2)
 * of them in all, not O(n^2) at each of its n steps (a set is built
 * once a process, on its first use: that was a third of all the sets'
 * building, about 0.5 M instructions).  Static (32 KB, not on a thread's
 * stack): it is only used under scan_search.c's lock. */
static int64_t scan_teddy_d[SCAN_SET_MAX][SCAN_SET_MAX];

static int64_t
scan_teddy_delta(const scan_teddy_grp *a, const scan_teddy_grp *b)
{
	scan_teddy_grp t;

	scan_teddy_merge(&t, a, b);
	return (int64_t)t.cost - (int64_t)a->cost - (int64_t)b->cost;
}

/* Each row's least (scan_teddy_rmin[a]) among the groups after a still
 * there, and the first of them (scan_teddy_rarg[a]; n: none): the greedy
 * loop picks the least pair from these, and keeps them as the merges
 * change a few rows, instead of reading all pairs at every step. */
static int64_t scan_teddy_rmin[SCAN_SET_MAX];
static size_t scan_teddy_rarg[SCAN_SET_MAX];

static void
scan_teddy_row(const scan_teddy_grp *g, size_t n, size_t a)
{
	size_t b;

	scan_teddy_rmin[a] = INT64_MAX;
	scan_teddy_rarg[a] = n;
	for (b = a + 1; b < n; b++)
		if (g[b].phr != 0 && scan_teddy_d[a][b] < scan_teddy_rmin[a]) {
			scan_teddy_rmin[a] = scan_teddy_d[a][b];
			scan_teddy_rarg[a] = b;
		}
}

/* The hash (12 bits) of the 4 bytes at u, each | 0x20: the two cases of
 * a letter alike (some other bytes too: '@' and '`'), so a phrase and the
 * text it matches in any case have the same hash. */
static inline uint32_t
scan_teddy_hash(const unsigned char *u)
{
	uint32_t w;

	memcpy(&w, u, sizeof(w));
	return (uint32_t)((w | 0x20202020u) * 2654435761u) >> 20;
}

void
scan_teddy_build(scan_set *set)
{
	scan_teddy_grp g[SCAN_SET_MAX];
	size_t k, a, b, left = set->n;
	unsigned p, nb = 0, j;

	memset(g, 0, sizeof(g));
	/* the bytes tested: 0, 1 and the last two of the shortest phrase
	 * (of its first 16): further apart than 0 to 3, they tell a phrase
	 * from a common word that starts like it ("the " of "the error") */
	set->tgap = (set->min < 16 ? set->min : 16) - 2;
	for (k = 0; k < set->n; k++) {
		const unsigned char *w = (const unsigned char *)set->word[k];
		for (p = 0; p < SCAN_TEDDY_BYTES; p++) {
			unsigned c = w[p < 2 ? p : set->tgap + p - 2];
			for (j = 0; j < 2; j++) {	/* both cases */
				unsigned x = j ? c ^ 0x20u : c;
				if (scan_lower[x] != scan_lower[c])
					continue;
				g[k].lo[p] |= (uint16_t)(1u << (x & 15));
				g[k].hi[p] |= (uint16_t)(1u << (x >> 4));
			}
		}
		g[k].phr = (uint64_t)1 << k;
		g[k].cost = scan_teddy_cost(&g[k]);
	}
	for (a = 0; a < set->n; a++)
		for (b = a + 1; b < set->n; b++)
			scan_teddy_d[a][b] = scan_teddy_delta(&g[a], &g[b]);
	for (a = 0; a < set->n; a++)
		scan_teddy_row(g, set->n, a);
	while (left > SCAN_TEDDY_BUCKETS) {
		/* the least of the rows' least, the first row of it: the
		 * first least pair in row order, as a scan of all would find
		 * (strict '<', rows and columns ascending) */
		size_t ba = 0, bb;
		int64_t best = INT64_MAX;
		for (a = 0; a < set->n; a++)
			if (g[a].phr != 0 && scan_teddy_rarg[a] < set->n &&
			    scan_teddy_rmin[a] < best) {
				best = scan_teddy_rmin[a];
				ba = a;
			}
		bb = scan_teddy_rarg[ba];
		scan_teddy_merge(&g[ba], &g[ba], &g[bb]);
		g[bb].phr = 0;
		left--;
		for (a = 0; a < set->n; a++)
			if (a != ba && g[a].phr != 0) {
				if (a < ba)
					scan_teddy_d[a][ba] =
					    scan_teddy_delta(&g[a], &g[ba]);
				else
					scan_teddy_d[ba][a] =
					    scan_teddy_delta(&g[ba], &g[a]);
			}
		/* the rows that changed: ba's (all of it); a row before ba
		 * had its entry ba changed and bb dropped, one between them
		 * bb dropped; the rows after bb are as they were */
		for (a = 0; a < bb; a++) {
			if (a == ba || g[a].phr == 0)
				continue;
			if (scan_teddy_rarg[a] == bb || (a < ba &&
			    scan_teddy_rarg[a] == ba))
				scan_teddy_row(g, set->n, a);
			else if (a < ba && (scan_teddy_d[a][ba] <
			    scan_teddy_rmin[a] || (scan_teddy_d[a][ba] ==
			    scan_teddy_rmin[a] && ba < scan_teddy_rarg[a]))) {
				scan_teddy_rmin[a] = scan_teddy_d[a][ba];
				scan_teddy_rarg[a] = ba;
			}
		}
		scan_teddy_row(g, set->n, ba);
	}
	memset(set->tlo, 0, sizeof(set->tlo));
	memset(set->thi, 0, sizeof(set->thi));
	for (k = 0; k < set->n; k++) {
		if (g[k].phr == 0)
			continue;
		set->tbucket[nb] = g[k].phr;
		for (p = 0; p < SCAN_TEDDY_BYTES; p++)
			for (j = 0; j < 16; j++) {
				if (g[k].lo[p] & (1u << j))
					set->tlo[p][j] |= (unsigned char)(1u << nb);
				if (g[k].hi[p] & (1u << j))
					set->thi[p][j] |= (unsigned char)(1u << nb);
			}
		nb++;
	}
	for (; nb < SCAN_TEDDY_BUCKETS; nb++)
		set->tbucket[nb] = 0;
	memset(set->tbits, 0, sizeof(set->tbits));
	for (k = 0; k < set->n; k++) {
		uint32_t h = scan_teddy_hash((const unsigned char *)
		    set->word[k] + set->min - 4);
		set->tbits[h >> 3] |= (unsigned char)(1u << (h & 7));
	}
}

/* --- which code ---------------------------------------------------------- */

static int scan_teddy_cur = -1;		/* atomic; -1: not chosen yet */

/* What the CPU can do (2 AVX2, 1 SSSE3, 0 neither, not built, or
 * BOUNCETAG_NO_SIMD set: simd.c). */
static int
scan_teddy_cpu(void)
{
#ifdef SCAN_TEDDY
	return simd_pick(SIMD_SSSE3 | SIMD_AVX2, -1);
#else
	return 0;
#endif
}

int
scan_teddy_level(void)
{
	int l = __atomic_load_n(&scan_teddy_cur, __ATOMIC_RELAXED);

	if (l < 0) {	/* a race only chooses the same twice */
		l = scan_teddy_cpu();
		__atomic_store_n(&scan_teddy_cur, l, __ATOMIC_RELAXED);
	}
	return l;
}

int
scan_teddy_force(int level)
{
	int c = scan_teddy_cpu();

	if (level > c)
		level = c;
	if (level < 0)
		level = 0;
	__atomic_store_n(&scan_teddy_cur, level, __ATOMIC_RELAXED);
	return level;
}

#ifdef SCAN_TEDDY
/* --- candidates ------------------------------------------------------------
 * Plain C, shared by both vector loops.  When the bytes that end the
 * shortest phrase's length there may end a phrase (tbits[]), the phrases
 * of buckets bk that start with u[i] (first[]), less those already found
 * (skip), compared in index order: the phrases found at i.
 */
static uint64_t
scan_teddy_verify(const scan_set *set, const unsigned char *u, size_t len,
    size_t i, unsigned bk, uint64_t skip)
{
	uint64_t m = 0, hit = 0;
	uint32_t h;

	if (len - i < set->min)
		return 0;
	/* most candidates are a common word that only starts like a
	 * phrase ("the " of "the error"), or bytes that the nibble tables
	 * let through: 4 more bytes, hashed, reject nearly all */
	h = scan_teddy_hash(u + i + set->min - 4);
	if (!(set->tbits[h >> 3] & (1u << (h & 7))))
		return 0;
	for (; bk != 0; bk &= bk - 1)
		m |= set->tbucket[__builtin_ctz(bk)];
	m &= set->first[scan_lower[u[i]]] & ~skip;
	for (; m != 0; m &= m - 1) {
		unsigned k = (unsigned)__builtin_ctzll(m);
		size_t n = set->len[k];
		if (n <= len - i && scan_lower[u[i + n - 1]] ==
		    scan_lower[(unsigned char)set->word[k][n - 1]] &&
		    scan_eq_fold_long((const char *)u + i, set->word[k], n))
			hit |= (uint64_t)1 << k;
	}
	return hit;
}

/* The candidates of one block: bit j of c is position base + j, bk[j] its
 * buckets.  1 when the first match is found (all == 0): *found is its
 * phrase's bit (the lowest index there), *pos its position. */
static int
scan_teddy_check(const scan_set *set, const unsigned char *u, size_t len,
    size_t base, uint32_t c, const unsigned char *bk, int all,
    uint64_t *found, size_t *pos)
{
	for (; c != 0; c &= c - 1) {
		unsigned j = (unsigned)__builtin_ctz(c);
		uint64_t hit = scan_teddy_verify(set, u, len, base + j, bk[j],
		    all ? *found : 0);
		if (hit == 0)
			continue;
		if (!all) {
			*pos = base + j;
			*found = hit & (~hit + 1);	/* the lowest bit */
			return 1;
		}
		*found |= hit;
	}
	return 0;
}

/* The buckets that still have a phrase not found (all == 1: a bucket
 * whose phrases were all found is dropped from the filter, as the same
 * phrase is often in a text many times). */
static unsigned
scan_teddy_live(const scan_set *set, uint64_t found)
{
	unsigned b, live = 0;

	for (b = 0; b < SCAN_TEDDY_BUCKETS; b++)
		if (set->tbucket[b] & ~found)
			live |= 1u << b;
	return live;
}

/* The bits of the first n positions of a block (n >= 1): only those may
 * start a phrase that ends inside the text. */
static inline uint32_t
scan_teddy_upto(size_t n)
{
	return n >= 32 ? ~(uint32_t)0 : ((uint32_t)1 << n) - 1;
}

/* --- SSSE3: 16 positions a step ---------------------------------------- */

/* The buckets that may have byte v at offset p (tables lo, hi). */
__attribute__((target("ssse3"))) static inline __m128i
scan_teddy_look16(__m128i v, __m128i lo, __m128i hi)
{
	const __m128i nib = _mm_set1_epi8(0x0f);

	return _mm_and_si128(_mm_shuffle_epi8(lo, _mm_and_si128(v, nib)),
	    _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), nib)));
}

/* The candidates among the 16 positions at u (u[0..d + 17) is read); their
 * buckets into *r. */
__attribute__((target("ssse3"))) static inline uint32_t
scan_teddy_block16(const unsigned char *u, size_t d, const __m128i *t,
    __m128i *r)
{
	/* written out (SCAN_TEDDY_BYTES is 4): in a loop, the tables were
	 * loaded again from memory at every step */
	__m128i m = _mm_and_si128(
	    _mm_and_si128(scan_teddy_look16(_mm_loadu_si128((const __m128i *)
	    (const void *)u), t[0], t[1]),
	    scan_teddy_look16(_mm_loadu_si128((const __m128i *)
	    (const void *)(u + 1)), t[2], t[3])),
	    _mm_and_si128(scan_teddy_look16(_mm_loadu_si128((const __m128i *)
	    (const void *)(u + d)), t[4], t[5]),
	    scan_teddy_look16(_mm_loadu_si128((const __m128i *)
	    (const void *)(u + d + 1)), t[6], t[7])));

	*r = m;
	return ~(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(m,
	    _mm_setzero_si128())) & 0xffffu;
}

__attribute__((target("ssse3"))) static uint64_t
scan_teddy_ssse3(const scan_set *set, const unsigned char *u, size_t len,
    int all, size_t *pos)
{
	__m128i t[2 * SCAN_TEDDY_BYTES], r;
	unsigned char bk[16], tail[32];	/* >= 17 + d */
	uint64_t found = 0, seen = 0;
	uint32_t c;
	size_t i, d = set->tgap;

	/* written out: set in a loop, t[] was kept on the stack */
#define SCAN_TEDDY_T16(p) \
	t[2 * (p)] = _mm_loadu_si128((const __m128i *)(const void *) \
	    set->tlo[p]); \
	t[2 * (p) + 1] = _mm_loadu_si128((const __m128i *)(const void *) \
	    set->thi[p])
	SCAN_TEDDY_T16(0);
	SCAN_TEDDY_T16(1);
	SCAN_TEDDY_T16(2);
	SCAN_TEDDY_T16(3);
#undef SCAN_TEDDY_T16
	for (i = 0; i + 17 + d <= len; i += 16) {
		c = scan_teddy_block16(u + i, d, t, &r);
		if (c == 0)
			continue;
		_mm_storeu_si128((__m128i *)(void *)bk, r);
		if (scan_teddy_check(set, u, len, i, c, bk, all, &found, pos))
			return found;
		if (found != seen) {	/* drop the buckets all found */
			unsigned live = scan_teddy_live(set, found);
			if (live == 0)
				return found;
			t[0] = _mm_and_si128(t[0], _mm_set1_epi8((char)live));
			seen = found;
		}
	}
	if (i + set->min > len)
		return found;
	if (i >= 16) {
		/* the last block ends at the text's end; its positions before
		 * i were tested already */
		size_t b = len - (17 + d);
		c = scan_teddy_block16(u + b, d, t, &r) &
		    ~scan_teddy_upto(i - b);
		i = b;
	} else {	/* a short text: a copy in a zeroed buffer */
		memset(tail, 0, sizeof(tail));
		memcpy(tail, u + i, len - i);
		c = scan_teddy_block16(tail, d, t, &r);
	}
	/* only positions where a phrase ends inside the text */
	c &= scan_teddy_upto(len - i - set->min + 1);
	if (c != 0) {
		_mm_storeu_si128((__m128i *)(void *)bk, r);
		scan_teddy_check(set, u, len, i, c, bk, all, &found, pos);
	}
	return found;
}

/* --- AVX2: 32 positions a step ----------------------------------------- */

__attribute__((target("avx2"))) static inline __m256i
scan_teddy_look32(__m256i v, __m256i lo, __m256i hi)
{
	const __m256i nib = _mm256_set1_epi8(0x0f);

	return _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
	    _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4),
	    nib)));
}

/* As scan_teddy_block16(), 32 positions (u[0..d + 33) is read). */
__attribute__((target("avx2"))) static inline uint32_t
scan_teddy_block32(const unsigned char *u, size_t d, const __m256i *t,
    __m256i *r)
{
	__m256i m = _mm256_and_si256(
	    _mm256_and_si256(scan_teddy_look32(_mm256_loadu_si256(
	    (const __m256i *)(const void *)u), t[0], t[1]),
	    scan_teddy_look32(_mm256_loadu_si256((const __m256i *)
	    (const void *)(u + 1)), t[2], t[3])),
	    _mm256_and_si256(scan_teddy_look32(_mm256_loadu_si256(
	    (const __m256i *)(const void *)(u + d)), t[4], t[5]),
	    scan_teddy_look32(_mm256_loadu_si256((const __m256i *)
	    (const void *)(u + d + 1)), t[6], t[7])));

	*r = m;
	return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m,
	    _mm256_setzero_si256()));
}

/* The tables of p (0 to 3) into t[2p], t[2p + 1], for all 32 bytes. */
#define SCAN_TEDDY_T32(p) \
	t[2 * (p)] = _mm256_broadcastsi128_si256(_mm_loadu_si128( \
	    (const __m128i *)(const void *)set->tlo[p])); \
	t[2 * (p) + 1] = _mm256_broadcastsi128_si256(_mm_loadu_si128( \
	    (const __m128i *)(const void *)set->thi[p]))

/* The tables are loaded again from the set after each check (a call:
 * every vector register is lost in it): else GCC keeps a copy of all
 * eight on the stack, stored at every scan, most of which have no
 * candidate to check (short lines and diagnostics). */
__attribute__((target("avx2"))) static uint64_t
scan_teddy_avx2(const scan_set *set, const unsigned char *u, size_t len,
    int all, size_t *pos)
{
	__m256i t[2 * SCAN_TEDDY_BYTES], r;
	unsigned char bk[32], tail[64];	/* >= 33 + d */
	uint64_t found = 0, seen = 0;
	uint32_t c;
	size_t i, d = set->tgap;
	unsigned live = 0xffu;

	/* written out: set in a loop, t[] was kept on the stack */
	SCAN_TEDDY_T32(0);
	SCAN_TEDDY_T32(1);
	SCAN_TEDDY_T32(2);
	SCAN_TEDDY_T32(3);
	for (i = 0; i + 33 + d <= len; i += 32) {
		c = scan_teddy_block32(u + i, d, t, &r);
		if (c == 0)
			continue;
		_mm256_storeu_si256((__m256i *)(void *)bk, r);
		if (scan_teddy_check(set, u, len, i, c, bk, all, &found, pos))
			return found;
		if (found != seen) {	/* drop the buckets all found */
			live = scan_teddy_live(set, found);
			if (live == 0)
				return found;
			seen = found;
		}
		SCAN_TEDDY_T32(0);
		SCAN_TEDDY_T32(1);
		SCAN_TEDDY_T32(2);
		SCAN_TEDDY_T32(3);
		if (live != 0xffu)
			t[0] = _mm256_and_si256(t[0], _mm256_set1_epi8(
			    (char)live));
	}
	if (i + set->min > len)
		return found;
	if (i >= 32) {
		/* the last block ends at the text's end; its positions before
		 * i were tested already */
		size_t b = len - (33 + d);
		c = scan_teddy_block32(u + b, d, t, &r) &
		    ~scan_teddy_upto(i - b);
		i = b;
	} else {	/* a short text: a copy in a zeroed buffer */
		memset(tail, 0, sizeof(tail));
		memcpy(tail, u + i, len - i);
		c = scan_teddy_block32(tail, d, t, &r);
	}
	/* only positions where a phrase ends inside the text */
	c &= scan_teddy_upto(len - i - set->min + 1);
	if (c != 0) {
		_mm256_storeu_si256((__m256i *)(void *)bk, r);
		scan_teddy_check(set, u, len, i, c, bk, all, &found, pos);
	}
	return found;
}
#undef SCAN_TEDDY_T32
#endif

uint64_t
scan_teddy_scan(const scan_set *set, const char *s, size_t len, int all,
    size_t *pos)
{
#ifdef SCAN_TEDDY
	const unsigned char *u = (const unsigned char *)s;

	if (len < set->min)
		return 0;
	if (__atomic_load_n(&scan_teddy_cur, __ATOMIC_RELAXED) >= 2)
		return scan_teddy_avx2(set, u, len, all, pos);
	return scan_teddy_ssse3(set, u, len, all, pos);
#else
	(void)set; (void)s; (void)len; (void)all; (void)pos;
	abort();	/* level 0: never called */
#endif
}
