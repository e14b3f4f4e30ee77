/*
 * ruleset_lit.c - the ruleset's literal prefilter: which rules a text can
 * match at all, found without running them.
 *
 * DESCRIPTION
 *	At set-up, ruleset_lit_add_rule() puts a rule's words (read from its
 *	pattern by ruleset_pat.c) in one hash index.  At match time the text
 *	is lowercased once, one pass over it marks the rules and parts whose
 *	words occur (ruleset_lit_rule_possible(),
 *	ruleset_lit_part_possible()); host filters are ruleset_host.c's.
 *	The filter hashes a literal's first eight bytes (its first three
 *	when it is shorter).  The index is packed for matching on
 *	first use (ruleset_lit_pack(), under the ruleset's lock): the
 *	literals of one filter entry side by side, in runs of four, their
 *	first bytes in one record per four.  On a CPU with AVX2 (chosen at
 *	run time, ruleset_lit_simd(); BOUNCETAG_NO_SIMD turns it off) the
 *	pass hashes eight positions a step and gathers their filter bits,
 *	and compares four literals' first sixteen bytes at once; with
 *	AVX-512 VBMI and GFNI a first filter of small tables held in
 *	registers (hashed with affine maps, read with byte permutes) passes
 *	sixty-four positions a step, and only the few it passes are looked
 *	up in the filter (the gathers cost more than all the rest).  The
 *	plain C pass finds the same (tests/check_classify.c compares them
 *	at each level).  Patterns are
 *	caseless without UTF, so PCRE2 folds ASCII letters only: lowercasing
 *	ASCII on both sides is exact (ruleset_pat.c checks the PCRE2 in use).
 *	Compiling and running the patterns, and the order of the rules, are
 *	ruleset.c's.
 *
 *	Built with -DRULESET_LIT_CHECK, the scan compares the packed index
 *	with all literals, and ruleset_check.c runs every rule whole and
 *	every pattern the prefilter skips; a difference aborts.
 *
 * MEMORY
 *	The index owns its entry array (ruleset_lit_idx_clear() frees it)
 *	but its entries point into the rules' literal strings: index and
 *	rules are freed together; its packed copy is its own, remade after
 *	a rule is added.  A ruleset_lit_text is the caller's (on its
 *	stack) and points to the text it was made for.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define RULESET_LIT_AVX2 1	/* the AVX2 code is built (run when the CPU has it) */
#define RULESET_LIT_AVX512 1	/* and the AVX-512 (VBMI and GFNI) code */
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "ruleset_lit.h"
#include "simd.h"
#include "ruleset_host.h"

void ruleset_lit_idx_init(ruleset_lit_idx *ix)
{
	memset(ix, 0, sizeof(*ix));
}

/* Back to not packed (a rule is added, or the index freed). */
static void ruleset_lit_unpack(ruleset_lit_idx *ix)
{
	free(ix->pent);
	free(ix->prec_mem);
	free(ix->phot);
	ix->phot = NULL;
	free(ix->pstart);
	ix->pent = NULL;
	ix->prec = NULL;
	ix->prec_mem = NULL;
	ix->pstart = NULL;
	__atomic_store_n(&ix->packed, 0, __ATOMIC_RELAXED);
}

void ruleset_lit_idx_clear(ruleset_lit_idx *ix)
{
	ruleset_lit_unpack(ix);
	free(ix->lent);
	free(ix->lstr);
	free(ix->part_of);
	free(ix->hscreen);
	ix->lent = NULL;
	ix->lstr = NULL;
	ix->part_of = NULL;
	ix->hscreen = NULL;
	ix->nlent = ix->lent_alloc = ix->part_alloc = 0;
	ix->nhscreen = ix->hscreen_alloc = 0;
}

/* The trigram filter's entry for three bytes packed a | b << 8 | c << 16
 * (ruleset_lit_tri3(); multiplicative hashing: the top bits of the
 * product). */
static inline unsigned ruleset_lit_tri(uint32_t tri)
{
	return (unsigned)((uint32_t)(tri * 2654435761u) >> (32 - RULESET_LIT_TRIBITS));
}

/* The three bytes at s packed s[0] | s[1] << 8 | s[2] << 16: the order a
 * little-endian load gives, which the vector scan uses. */
static inline uint32_t ruleset_lit_tri3(const unsigned char *s)
{
	return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16;
}

#define RULESET_LIT_OCTMUL	0x85ebca6bu	/* ruleset_lit_oct()'s second multiplier */

/* The octet filter's entry for eight bytes, lo their first four and hi
 * their next four, each packed as a little-endian load gives them: both
 * mixed, then hashed as ruleset_lit_tri() does (the vector scan computes
 * the same). */
static inline unsigned ruleset_lit_oct(uint32_t lo, uint32_t hi)
{
	return (unsigned)((uint32_t)((lo ^ hi * RULESET_LIT_OCTMUL) * 2654435761u) >>
			  (32 - RULESET_LIT_OCTBITS));
}

/* The four bytes at s packed as ruleset_lit_tri3() does. */
static inline uint32_t ruleset_lit_quad4(const unsigned char *s)
{
	return ruleset_lit_tri3(s) | (uint32_t)s[3] << 24;
}

/* The filter entry of literal l (ll bytes, at least three): its first
 * three bytes hashed when it has fewer than eight, else its first eight,
 * in the upper part.  Literals begin with the same few words ("user
 * unknown", "user not found" ...): filtered by four bytes, each text
 * position at such a word compared the literals of all of them, and most
 * that passed their first eight bytes failed on the rest; with eight, an
 * entry holds the literals that share them, which the next eight tell
 * apart. */
static inline unsigned ruleset_lit_entry(const char *l, size_t ll)
{
	const unsigned char *u = (const unsigned char *)l;

	if (ll < 8)
		return ruleset_lit_tri(ruleset_lit_tri3(u));
	return (1u << RULESET_LIT_TRIBITS) + ruleset_lit_oct(ruleset_lit_quad4(u),
							      ruleset_lit_quad4(u + 4));
}

/* The bits set in x. */
static inline unsigned ruleset_lit_popcount(uint64_t x)
{
#ifdef __POPCNT__
	return (unsigned)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
#endif
}

/* The rank of the trigram filter's entry f (set) among those set: its
 * literals' place in the packed index. */
static inline unsigned ruleset_lit_slot(const ruleset_lit_idx *ix, unsigned f)
{
	return ix->prank[f / 64] +
	       ruleset_lit_popcount(ix->tset[f / 64] & (((uint64_t)1 << (f % 64)) - 1));
}

/* Matrix i (i < RULESET_LIT_NMAT) of the AVX-512 scan's first filter:
 * GF(2) affine maps of bytes (what GF2P8AFFINEQB computes: bit r of the
 * result is the parity of the byte and byte 7 - r of the matrix), xored
 * over a literal's first bytes, hash them.  Hash byte j (j < 3) of its
 * first three bytes xors those through matrices 3j, 3j + 1, 3j + 2; of
 * its first eight, it xors too its bytes 3 .. 7 through matrices 9 + 5j
 * .. 9 + 5j + 4 (the first three's part made once for both).  The
 * matrices are fixed pseudo-random words (splitmix64). */
static uint64_t ruleset_lit_mat(unsigned i)
{
	uint64_t z = 0x9e3779b97f4a7c15ull * (i + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* aff[x]: byte x through matrix a, for every byte (linear: the images of
 * the eight bits, xored). */
static void ruleset_lit_aff_table(uint64_t a, unsigned char *aff)
{
	unsigned char col[8];
	unsigned r, b, x;

	for (b = 0; b < 8; b++)
		for (col[b] = 0, r = 0; r < 8; r++)
			col[b] |= (unsigned char)((a >> (8 * (7 - r) + b) & 1) << r);
	aff[0] = 0;
	for (x = 1; x < 256; x++)
		aff[x] = aff[x & (x - 1)] ^ col[__builtin_ctz(x)];
}

/* The first filter's bits for literal l (ll >= 3 bytes; aff: the
 * matrices' tables): its first three bytes' hash bytes h0, h1, h2 in pre3
 * when it is shorter than eight (byte h0 % 128, bit h2 % 8; byte h1 % 128,
 * bit h2 / 8 % 8), else its first eight's g0, g1, g2 in pre8 (byte g0, bit
 * g2 % 8; byte g1, bit g2 / 8 % 8). */
static void ruleset_lit_pre_add(ruleset_lit_idx *ix, unsigned char (*aff)[256], const char *l,
				size_t ll)
{
	const unsigned char *u = (const unsigned char *)l;
	unsigned h[3], j, k;

	for (j = 0; j < 3; j++)
		for (h[j] = 0, k = 0; k < 3; k++)
			h[j] ^= aff[3 * j + k][u[k]];
	if (ll < 8) {
		ix->pre3[0][h[0] & 127] |= (unsigned char)(1u << (h[2] & 7));
		ix->pre3[1][h[1] & 127] |= (unsigned char)(1u << (h[2] >> 3 & 7));
		return;
	}
	for (j = 0; j < 3; j++)
		for (k = 3; k < 8; k++)
			h[j] ^= aff[9 + 5 * j + k - 3][u[k]];
	ix->pre8[0][h[0]] |= (unsigned char)(1u << (h[2] & 7));
	ix->pre8[1][h[1]] |= (unsigned char)(1u << (h[2] >> 3 & 7));
}

/* a literal's length (at most RULESET_MAX_TEXT + 1) and part bit in
 * sixteen bits each (ruleset_lit_hot) */
_Static_assert(RULESET_MAX_TEXT + 1 <= 0xffff && RULESET_LIT_IDS <= 0x10000,
	       "a literal's length and bit must fit sixteen bits");

void ruleset_lit_pack(ruleset_lit_idx *ix)
{
	size_t i, nslots = 0, total = 0;
	uint32_t *fill;
	unsigned char aff[RULESET_LIT_NMAT][256];	/* (6 KiB) */

	if (__atomic_load_n(&ix->packed, __ATOMIC_RELAXED))
		return;
	ruleset_lit_unpack(ix);
	for (i = 0; i < sizeof(ix->tset) / sizeof(ix->tset[0]); i++) {
		ix->prank[i] = (uint32_t)nslots;
		nslots += ruleset_lit_popcount(ix->tset[i]);
	}
	ix->pstart = calloc(nslots + 1, sizeof(*ix->pstart));
	fill = calloc(nslots + 1, sizeof(*fill));
	if (ix->pstart == NULL || fill == NULL) {
		free(fill);
		ruleset_lit_unpack(ix);
		return;
	}
	/* each entry's literals counted, then given a run of a multiple of
	 * four (the scan compares four at a time: the rest match nothing) */
	for (i = 0; i < RULESET_LIT_NMAT; i++) {
		ix->pmat[i] = ruleset_lit_mat((unsigned)i);
		ruleset_lit_aff_table(ix->pmat[i], aff[i]);
	}
	memset(ix->pre3, 0, sizeof(ix->pre3));
	memset(ix->pre8, 0, sizeof(ix->pre8));
	for (i = 0; i < ix->nlent; i++) {
		fill[ruleset_lit_slot(ix, ruleset_lit_entry(ix->lstr[ix->lent[i].k],
							    ix->lent[i].len))]++;
		ruleset_lit_pre_add(ix, aff, ix->lstr[ix->lent[i].k], ix->lent[i].len);
	}
	for (i = 0; i < nslots; i++) {
		ix->pstart[i] = (uint32_t)total;
		total += (fill[i] + 3u) & ~3u;
		fill[i] = 0;
	}
	ix->pstart[nslots] = (uint32_t)total;
	ix->pent = calloc(total ? total : 1, sizeof(*ix->pent));
	/* four words a literal, from a cache line's start */
	ix->prec_mem = malloc((total ? total : 1) * 4 * sizeof(*ix->prec) + 64);
	if (ix->prec_mem != NULL)
		ix->prec = (uint64_t *)(void *)((char *)ix->prec_mem +
						((64 - (uintptr_t)ix->prec_mem % 64) % 64));
	ix->phot = malloc((total ? total : 1) * sizeof(*ix->phot));
	if (ix->pent == NULL || ix->prec == NULL || ix->phot == NULL) {
		free(fill);
		ruleset_lit_unpack(ix);
		return;
	}
	for (i = 0; i < total; i++) {
		ix->pent[i].key = 1;	/* key 1 under mask 0 matches nothing */
		ix->pent[i].kmask = 0;
	}
	/* in the order added, within an entry */
	for (i = 0; i < ix->nlent; i++) {
		size_t sl = ruleset_lit_slot(ix, ruleset_lit_entry(ix->lstr[ix->lent[i].k],
								  ix->lent[i].len));

		ix->pent[ix->pstart[sl] + fill[sl]++] = ix->lent[i];
	}
	free(fill);
	for (i = 0; i < total; i++) {
		uint64_t *rec = ix->prec + 16 * (i / 4) + i % 4;

		rec[0] = ix->pent[i].kmask;
		rec[4] = ix->pent[i].key;
		rec[8] = ix->pent[i].kmask1;
		rec[12] = ix->pent[i].key1;
		ix->phot[i].key2 = ix->pent[i].key2;
		ix->phot[i].len = (uint16_t)ix->pent[i].len;
		ix->phot[i].id = (uint16_t)ix->pent[i].id;
		ix->phot[i].rid = ix->pent[i].rid;
	}
	__atomic_store_n(&ix->packed, 1, __ATOMIC_RELEASE);
}

/* e->key and e->kmask, e->key1 and e->kmask1: the literal's first bytes,
 * up to sixteen, in memory order, to compare with sixteen bytes of the
 * text at once (ruleset_lit_at()); key2 its last eight, when longer
 * (ruleset_lit_hit()). */
static void ruleset_lit_key(ruleset_lit_ent *e, const char *s)
{
	unsigned char b[16] = { 0 }, m[16] = { 0 };
	size_t n = e->len < 16 ? e->len : 16;

	memcpy(b, s, n);
	memset(m, 0xff, n);
	memcpy(&e->key, b, 8);
	memcpy(&e->kmask, m, 8);
	memcpy(&e->key1, b + 8, 8);
	memcpy(&e->kmask1, m + 8, 8);
	e->key2 = 0;
	if (e->len > 16 && e->len <= RULESET_MAX_TEXT)
		memcpy(&e->key2, s + e->len - 8, 8);
}

/* Put the literals lits in the index under a new bit (*id, *indexed set).
 * When there is no room, *indexed stays 0: they are looked for one by one. */
static void ruleset_lit_index_lits(ruleset_lit_idx *ix, const char *lits, unsigned rid,
				   unsigned *id, int *indexed)
{
	size_t need = 0;
	const char *l;

	*indexed = 0;
	for (l = lits; *l != '\0'; l += strlen(l) + 1)
		need++;
	if (ix->nids >= RULESET_LIT_IDS)
		return;
	if (ix->nlent + need > ix->lent_alloc) {
		size_t na = ix->lent_alloc ? ix->lent_alloc * 2 : 256;
		ruleset_lit_ent *e;
		const char **ls;

		while (na < ix->nlent + need)
			na *= 2;
		if ((e = realloc(ix->lent, na * sizeof(*e))) == NULL)
			return;
		ix->lent = e;
		if ((ls = realloc(ix->lstr, na * sizeof(*ls))) == NULL)
			return;		/* lent is bigger than needed: harmless */
		ix->lstr = ls;
		ix->lent_alloc = na;
	}
	*id = ix->nids++;
	*indexed = 1;
	for (l = lits; *l != '\0'; l += strlen(l) + 1) {
		ruleset_lit_ent *e = &ix->lent[ix->nlent];
		size_t ll = strlen(l);
		unsigned f;

		ix->lstr[ix->nlent] = l;
		/* a literal longer than any text is never found: its length
		 * capped keeps it so */
		e->len = (uint32_t)(ll > RULESET_MAX_TEXT ? RULESET_MAX_TEXT + 1 : ll);
		ruleset_lit_key(e, l);
		e->rid = rid;
		f = ruleset_lit_entry(l, ll);
		ix->tset[f / 64] |= (uint64_t)1 << (f % 64);
		e->id = *id;
		e->k = (uint32_t)ix->nlent++;
	}
}

/* Put the part's literals in the index and give it its bit (and its
 * second requirement's); literals that cannot be indexed (no room) are
 * looked for one by one. */
static void ruleset_lit_index(ruleset_lit_idx *ix, const ruleset_rule *rule, ruleset_part *r)
{
	if (r->lits == NULL)
		return;
	if (ix->nids >= ix->part_alloc) {
		size_t na = ix->part_alloc ? ix->part_alloc * 2 : 256;
		const ruleset_part **np = realloc(ix->part_of, na * sizeof(*np));

		if (np == NULL)
			return;		/* not indexed: looked for one by one */
		ix->part_of = np;
		ix->part_alloc = na;
	}
	ruleset_lit_index_lits(ix, r->lits, rule->lit_id, &r->lit_id, &r->indexed);
	if (r->indexed)
		ix->part_of[r->lit_id] = r;
	/* The second requirement is not indexed: its words are common ones
	 * ("full", "over"), which would cost the scan more than it saves; it
	 * is looked for when the first is there (one short search, much less
	 * than running the pattern). */
}

unsigned ruleset_lit_add_probe(ruleset_lit_idx *ix, const char *lits)
{
	unsigned id;
	int indexed;

	ruleset_lit_unpack(ix);		/* packed again on first use */
	if (ix->nids >= ix->part_alloc) {	/* part_of keeps a place (no part) */
		size_t na = ix->part_alloc ? ix->part_alloc * 2 : 256;
		const ruleset_part **np = realloc(ix->part_of, na * sizeof(*np));

		if (np == NULL)
			return RULESET_LIT_NOBIT;
		ix->part_of = np;
		ix->part_alloc = na;
	}
	ruleset_lit_index_lits(ix, lits, RULESET_LIT_NOBIT, &id, &indexed);
	if (!indexed)
		return RULESET_LIT_NOBIT;
	ix->part_of[id] = NULL;
	return id;
}

/* Index the rule's parts; the rule gets a bit of its own, set when one
 * of its parts' literals is found. */
void ruleset_lit_add_rule(ruleset_lit_idx *ix, ruleset_rule *r, unsigned rbit)
{
	size_t i;

	ruleset_lit_unpack(ix);		/* packed again on first use */
	ruleset_host_prep(r);
	if (r->host_re != NULL)
		ruleset_host_screen_add(ix, r);
	r->lit_id = rbit;
	r->always = rbit == RULESET_LIT_NOBIT;
	r->pid_lo = ix->nids;
	r->nopen = 0;
	for (i = 0; i < r->nparts; i++) {
		ruleset_lit_index(ix, r, &r->parts[i]);
		if (!r->parts[i].indexed) {
			r->always = 1;
			r->nopen++;
		}
	}
	/* the parts indexed now got the bits pid_lo .. nids-1, in order */
	r->pid_hi = ix->nids - 1;
	if (ix->nids == r->pid_lo) {
		r->pid_lo = 1;
		r->pid_hi = 0;		/* none */
	}
	r->open = r->nopen > 0 ? malloc(r->nopen * sizeof(*r->open)) : NULL;
	for (i = 0, r->nopen = 0; r->open != NULL && i < r->nparts; i++)
		if (!r->parts[i].indexed)
			r->open[r->nopen++] = i;
	if (r->open == NULL)
		for (i = 0; i < r->nparts; i++)
			r->nopen += !r->parts[i].indexed;
	if (rbit == RULESET_LIT_NOBIT)
		return;
	if (rbit >= ix->nrbits)
		ix->nrbits = rbit + 1;
	if (r->always)
		ix->always[rbit / 64] |= (uint64_t)1 << (rbit % 64);
	if (r->host_re != NULL)
		ix->hosted[rbit / 64] |= (uint64_t)1 << (rbit % 64);
}

static int ruleset_lit_level = -1;	/* atomic; -1: not chosen yet */

/* What the CPU can do: 2 AVX2 (and POPCNT), 0 not (or not built, or
 * BOUNCETAG_NO_SIMD set: simd.c). */
static int ruleset_lit_cpu(void)
{
#ifdef RULESET_LIT_AVX2
	unsigned f = simd_features();

	if ((f & (SIMD_AVX2 | SIMD_POPCNT)) != (SIMD_AVX2 | SIMD_POPCNT))
		return 0;
#ifdef RULESET_LIT_AVX512
	if (f & SIMD_AVX512BW) {	/* the OS keeps the AVX-512 state (simd.c) */
		unsigned a, b, c, d;

		/* leaf 7: ECX bit 1 AVX512_VBMI, bit 8 GFNI */
		if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & 0x102u) == 0x102u)
			return 3;
	}
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

/* Literal e, whose first bytes (up to sixteen) are those of the text at
 * low[p] (room bytes left): its part's bit (and its rule's) set when its
 * other bytes are there too: its last eight compared with key2 (one
 * load: no read of its string, which missed the cache), any between
 * with its string. */
static inline void ruleset_lit_hit(const ruleset_lit_idx *ix, const ruleset_lit_ent *e,
				   const unsigned char *low, size_t p, size_t room, uint64_t *poss,
				   uint64_t *rposs)
{
	if (e->len > 16) {
		uint64_t y;

		if (e->len > room)
			return;
		memcpy(&y, low + p + e->len - 8, 8);
		if (y != e->key2 ||
		    (e->len > 24 && !ruleset_lit_tail_same(low + p, ix->lstr[e->k], e->len)))
			return;
	}
	poss[e->id / 64] |= (uint64_t)1 << (e->id % 64);
	if (e->rid != RULESET_LIT_NOBIT)
		rposs[e->rid / 64] |= (uint64_t)1 << (e->rid % 64);
}

/* ruleset_lit_hit() of the packed literal e, read from its small record
 * phot (pent for the string of a literal of more than twenty-four bytes). */
static inline void ruleset_lit_hit_hot(const ruleset_lit_idx *ix, unsigned e,
				       const unsigned char *low, size_t p, size_t room,
				       uint64_t *poss, uint64_t *rposs)
{
	const ruleset_lit_hot *h = &ix->phot[e];

	if (h->len > 16) {
		uint64_t y;

		if (h->len > room)
			return;
		memcpy(&y, low + p + h->len - 8, 8);
		if (y != h->key2 ||
		    (h->len > 24 && !ruleset_lit_tail_same(low + p, ix->lstr[ix->pent[e].k], h->len)))
			return;
	}
	poss[h->id / 64] |= (uint64_t)1 << (h->id % 64);
	if (h->rid != RULESET_LIT_NOBIT)
		rposs[h->rid / 64] |= (uint64_t)1 << (h->rid % 64);
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
