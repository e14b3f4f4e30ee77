/*
 * ruleset_lit.c - the ruleset's literal prefilter: which rules a text can
 * match at all, found without running them.  This file builds its index;
 * ruleset_lit_scan.c scans a text with it.
 *
 * DESCRIPTION
 *	At set-up, ruleset_lit_add_rule() puts a rule's words (read from its
 *	pattern by ruleset_pat.c) in one hash index.  At match time the text
 *	is lowercased once, one pass over it marks the rules and parts whose
 *	words occur (ruleset_lit_rule_possible(),
 *	ruleset_lit_part_possible(): ruleset_lit_scan.c); host filters are
 *	ruleset_host.c's.  The filter hashes a literal's first eight bytes
 *	(its first three when it is shorter).  The index is packed for
 *	matching on first use (ruleset_lit_pack(), under the ruleset's
 *	lock): the literals of one filter entry side by side, in runs of
 *	four, their first bytes in one record per four, and the small
 *	tables of the AVX-512 scan's first filter made.  Patterns are
 *	caseless without UTF, so PCRE2 folds ASCII letters only: lowercasing
 *	ASCII on both sides is exact (ruleset_pat.c checks the PCRE2 in use).
 *	Compiling and running the patterns, and the order of the rules, are
 *	ruleset.c's.
 *
 * MEMORY
 *	The index owns its entry array (ruleset_lit_idx_clear() frees it)
 *	but its entries point into the rules' literal strings: index and
 *	rules are freed together; its packed copy is its own, remade after
 *	a rule is added.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset_lit.h"
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
	/* the AVX-512 scan's tables, made when the CPU can run it (no level
	 * forced later goes above the CPU's) */
	memset(ix->pre3, 0, sizeof(ix->pre3));
	memset(ix->pre8, 0, sizeof(ix->pre8));
	if (ruleset_lit_cpu() >= 3) {
		unsigned char aff[RULESET_LIT_NMAT][256];	/* (6 KiB) */

		for (i = 0; i < RULESET_LIT_NMAT; i++) {
			ix->pmat[i] = ruleset_lit_mat((unsigned)i);
			ruleset_lit_aff_table(ix->pmat[i], aff[i]);
		}
		for (i = 0; i < ix->nlent; i++)
			ruleset_lit_pre_add(ix, aff, ix->lstr[ix->lent[i].k], ix->lent[i].len);
	}
	/* each entry's literals counted, then given a run of a multiple of
	 * four (the scan compares four at a time: the rest match nothing) */
	for (i = 0; i < ix->nlent; i++)
		fill[ruleset_lit_slot(ix, ruleset_lit_entry(ix->lstr[ix->lent[i].k],
							    ix->lent[i].len))]++;
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
