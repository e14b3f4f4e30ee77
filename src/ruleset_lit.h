/*
 * ruleset_lit.h - the ruleset's literal prefilter (private to the ruleset's
 * files: ruleset.c, ruleset_match.c, ruleset_lit.c, ruleset_lit_scan.c,
 * ruleset_pat.c): the compiled rule and part types they read, the literal
 * index, its filter's hashes, and the per-text state of one match (about
 * 8 KiB, on the matching thread's stack).  Not for other modules: they use
 * ruleset.h.
 */
#ifndef BT_RULESET_LIT_H
#define BT_RULESET_LIT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RULESET_MAX_TEXT	4096	/* bytes of a diagnostic matched */
#define RULESET_LIT_MIN		3	/* bytes of a literal at least: the index hashes three */
#define RULESET_MAX_RULES	10000	/* administrator rules */

#define RULESET_LIT_IDS		(RULESET_MAX_RULES + 6144)	/* parts the index marks */
#define RULESET_LIT_BUILTIN	1024	/* built-in rules with a bit (more: always tried) */
#define RULESET_LIT_RULES	(RULESET_LIT_BUILTIN + RULESET_MAX_RULES)	/* rule bits:
					 * built-in rule i is bit i, administrator
					 * rule j bit RULESET_LIT_BUILTIN + j */
#define RULESET_LIT_NOBIT	(~0u)	/* a rule beyond them */
#define RULESET_LIT_TRIBITS	14	/* the filter has 1 << 14 entries for the literals
					 * of three to seven bytes (their first three hashed) */
#define RULESET_LIT_OCTBITS	16	/* and 1 << 16 for the longer ones (their first
					 * eight hashed) */
#define RULESET_LIT_ENTRIES	((1 << RULESET_LIT_TRIBITS) + (1 << RULESET_LIT_OCTBITS))
					/* (prank: 32-bit ranks) */
#define RULESET_HOST_LOW	256	/* longer host names: their filter is always run */
#define RULESET_HOST_CHARS	4	/* host literals with a byte mask (more: none has) */

/* A part of a rule's pattern: the pattern matches when one of its parts
 * does (its top-level alternatives, see ruleset_pat_split). */
typedef struct ruleset_part {
	pcre2_code *re;			/* NULL for an exact part (but in check builds), and
					 * for a built-in part not run yet (pat) */
	char *lits;			/* literals ("a\0b\0\0"), one of which every match
					 * contains; NULL: always tried */
	int exact;			/* the pattern is its one literal: found is matched */
	int indexed;			/* lits are in the index, lit_id is its bit */
	unsigned lit_id;
	char *lits2;			/* a second requirement (ruleset_pat_split):
					 * one of these too is in every match; NULL: none.
					 * Not indexed: looked for when lits are there */
	int jit;			/* RULESET_JIT_* (ruleset_int.h): settled on first run */
	pcre2_code *nre;		/* a part "^(?!.*R)": R's code (ruleset.c's
					 * ruleset_part_neg()), made with re; NULL: none */
	int njit;			/* nre is JIT code */
	char *pat;			/* a built-in part's pattern until re is made */
} ruleset_part;

typedef struct ruleset_rule {
	ruleset_part *parts;		/* the pattern, split */
	size_t nparts;
	pcre2_code *host_re;		/* NULL: any host */
	int host_jit;			/* host_re is JIT-compiled */
	char *host_lits;		/* literals of host_re, or NULL */
	char *host_suffix;		/* how every host host_re matches ends
					 * (ruleset_pat_suffix()), or NULL */
	size_t host_suffix_len;
	char *host_prefix;		/* how every host host_re matches starts
					 * (ruleset_pat_prefix()), or NULL */
	uint64_t host_chars[RULESET_HOST_CHARS];	/* the bytes of each of host_lits
					 * (ruleset_host_chars()), for a quick "not there" */
	unsigned nhost_chars;		/* host_lits counted there; 0: none made */
	char *status;			/* NULL: any status; else its globs, "5.7.*\0550\0\0" */
	const char *reason;		/* static canonical name */
	unsigned lit_id;		/* its rule bit: one of its parts' literals is there */
	int always;			/* a part without literals (or no bit): always tried */
	unsigned pid_lo, pid_hi;	/* its indexed parts' bits (consecutive, in order);
					 * pid_hi < pid_lo: none */
	size_t *open;			/* its parts not indexed (indexes in parts), tried
					 * whatever the text; NULL with nopen > 0: no
					 * memory, every part is tried in turn */
	size_t nopen;
#ifdef RULESET_LIT_CHECK
	pcre2_code *re;			/* the whole pattern, to check the split */
#endif
} ruleset_rule;

/* One literal in the index: what a scan compares with the text (its
 * first sixteen bytes under a mask, also side by side in the packed
 * index's records prec, and its last eight), its
 * length and bits; its string is in an array beside (read only for a
 * literal of more than twenty-four bytes that matched that far). */
typedef struct ruleset_lit_ent {
	uint64_t key, kmask;		/* its bytes 0..7 (as read from memory; zero past
					 * its end), and which of those eight it has */
	uint64_t key1, kmask1;		/* the same of its bytes 8..15 */
	uint64_t key2;			/* its last eight bytes, when it has more than 16 */
	uint32_t rid;			/* its rule's bit (or RULESET_LIT_NOBIT) */
	uint32_t len;			/* its length (the string: ruleset_lit_idx.lstr) */
	uint32_t id;			/* the part's bit */
	uint32_t k;			/* its string: ruleset_lit_idx.lstr[k] */
} ruleset_lit_ent;


/* What a packed literal whose first sixteen bytes matched needs (its
 * ruleset_lit_ent's key2, len, id and rid): small, four a cache line. */
typedef struct ruleset_lit_hot {
	uint64_t key2;
	uint16_t len, id;
	uint32_t rid;
} ruleset_lit_hot;

/* The literal index of a ruleset (built with the rules, read-only after). */
typedef struct ruleset_lit_idx {
	ruleset_lit_ent *lent;		/* the literals, in the order added */
	const char **lstr;		/* their strings (in the rules' lits) */
	size_t nlent, lent_alloc;
	unsigned nids;			/* part bits given out */
	const ruleset_part **part_of;	/* the part of each bit */
	size_t part_alloc;
	unsigned nrbits;		/* rule bits in use: 0 .. nrbits-1 */
	uint64_t always[(RULESET_LIT_RULES + 63) / 64];	/* rules always tried */
	uint64_t hosted[(RULESET_LIT_RULES + 63) / 64];	/* rules with a host filter */
	uint64_t *hscreen;		/* the byte pairs of every host word of the rules
					 * with a host filter (ruleset_host_screen()) */
	size_t nhscreen, hscreen_alloc;
	int hscreen_open;		/* one of those rules has no host words (or no
					 * memory): any host may match */
	/* Packed for matching (ruleset_lit_pack(), on first use): the
	 * literals ordered by their filter entry f (ruleset_lit_entry()),
	 * those of the n-th entry set in tset at pent[pstart[n] ..
	 * pstart[n + 1]), n counted with prank (the entries set in the
	 * words before f's).  What a scan reads stays small and together
	 * (a chain through the entries, or a table a bucket, missed the
	 * cache often). */
	int packed;			/* read with __atomic_load_n (acquire) */
	ruleset_lit_ent *pent;
	uint64_t *prec;			/* pent's first sixteen bytes, four compared at
					 * once: for pent[4g .. 4g + 4) (each entry's run is
					 * padded to a multiple of four with keys that match
					 * nothing) the record prec[16g .. 16g + 16), their
					 * kmask, key, kmask1, key1 four by four, on two
					 * cache lines (the first enough for the shorter) */
	void *prec_mem;			/* prec's allocation (prec aligned in it) */
	ruleset_lit_hot *phot;		/* pent's, read on a match of prec */
	uint32_t *pstart;
	/* The AVX-512 scan's first filter (ruleset_lit_pre_add()): tables,
	 * which vector byte permutes read from registers (no gather), of
	 * the first three bytes of the shorter literals (pre3: two of 1024
	 * bits, two hashes) and the first eight of the longer (pre8: two of
	 * 2048 bits) */
	unsigned char pre3[2][128], pre8[2][256];
#define RULESET_LIT_NMAT	(9 + 15)
	uint64_t pmat[RULESET_LIT_NMAT];	/* its hashes' matrices (ruleset_lit_mat()) */
	uint32_t prank[RULESET_LIT_ENTRIES / 64];
	uint64_t tset[RULESET_LIT_ENTRIES / 64];	/* a bit per filter entry that holds
					 * a literal: the hash of the first three bytes of
					 * each literal of three to seven, of the first eight
					 * of each longer one (ruleset_lit_entry()): most
					 * text positions fail this test, which reads both
					 * (10 KiB) */
} ruleset_lit_idx;

/* One text being matched: its lowercase copy (the caller's, or made here)
 * and the rules whose literals it holds, found on first need. */
typedef struct ruleset_lit_text {
	const char *text;
	size_t len;
	const char *low;		/* text lowercased: the caller's, or lowbuf */
	int scanned;
	uint64_t poss[(RULESET_LIT_IDS + 63) / 64];	/* parts one of whose literals is there */
	uint64_t rposs[(RULESET_LIT_RULES + 63) / 64];	/* rules one of whose parts' literals is */
	char lowbuf[RULESET_MAX_TEXT];
	int hdone;			/* bit i: host i measured; bit 3 + i: lowercased;
					 * bit 6 + i: its bytes noted (hchars) */
	const char *host[3];		/* host i, once measured */
	size_t hlen[3];			/* host i's length, at most RULESET_MAX_TEXT */
	char hlow[3][RULESET_HOST_LOW];	/* host i lowercased, when shorter (on first need) */
	uint64_t hchars[3];		/* host i's bytes, when shorter (ruleset_host_chars()),
					 * on first need */
} ruleset_lit_text;

/* --- the filter's hashes (set-up and scan compute the same) --- */
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

/* --- set-up --- */
void ruleset_lit_idx_init(ruleset_lit_idx *ix);	/* an empty index */
void ruleset_lit_idx_clear(ruleset_lit_idx *ix);	/* frees its entries */

/* Put the rule's parts in the index and give the rule its bit rbit
 * (RULESET_LIT_NOBIT: none, it is always tried).  The index points into
 * the parts' lits: index and rule are freed together. */
void ruleset_lit_add_rule(ruleset_lit_idx *ix, ruleset_rule *r, unsigned rbit);

/* Put the literals lits ("a\0b\0\0", kept by the caller while the index
 * lives) in the index under a bit of their own, set when one of them is
 * in a scanned text: the bit, or RULESET_LIT_NOBIT (no room). */
unsigned ruleset_lit_add_probe(ruleset_lit_idx *ix, const char *lits);

/* Pack the index for matching, when not yet (nothing on ENOMEM: the
 * scan is slower, not wrong).  The caller holds the ruleset's lock: the
 * packed state is published last, with release order. */
void ruleset_lit_pack(ruleset_lit_idx *ix);
static inline int ruleset_lit_packed(const ruleset_lit_idx *ix)
{
	return __atomic_load_n(&ix->packed, __ATOMIC_ACQUIRE);
}

/* --- matching --- */
/* low: text[0..len) with ASCII letters lowercased (nothing else changed),
 * or NULL: made here when first needed. */
static inline void ruleset_lit_text_init(ruleset_lit_text *t, const char *text, size_t len,
					 const char *low)
{
	t->text = text;
	t->len = len;
	t->low = low;
	t->scanned = 0;
	t->hdone = 0;
}

/* One pass over the lowercased text: the rules one of whose literals is there. */
void ruleset_lit_scan(const ruleset_lit_idx *ix, ruleset_lit_text *t);

/* The scan's vector code: level < 0 asks which is used (chosen once: 3
 * AVX-512 with VBMI and GFNI, 2 AVX2, 0 plain C, also when the
 * environment has BOUNCETAG_NO_SIMD); else
 * forces level, or the highest below it the CPU has (tests), and returns
 * it. */
int ruleset_lit_simd(int level);
int ruleset_lit_cpu(void);	/* the highest level the CPU has (the packing asks) */

/* 0 when none of the rule's parts can match (no literal of theirs is there).
 * Inline: the rule loop asks it of every rule. */
static inline int ruleset_lit_rule_possible(const ruleset_lit_idx *ix, const ruleset_rule *r,
					    ruleset_lit_text *t)
{
	if (r->always)
		return 1;
	if (!t->scanned)
		ruleset_lit_scan(ix, t);
	return (t->rposs[r->lit_id / 64] >> (r->lit_id % 64)) & 1;
}
/* 1 when one of the literals lits ("a\0b\0\0") is in the scanned text. */
int ruleset_lit_part_find(const char *lits, const ruleset_lit_text *t);

/* 1 unless the text lacks every literal of the part, or every one of its
 * second requirement (then it cannot match). */
static inline int ruleset_lit_part_possible(const ruleset_lit_idx *ix, const ruleset_part *r,
					    ruleset_lit_text *t)
{
	if (r->lits == NULL)
		return 1;
	if (!t->scanned)
		ruleset_lit_scan(ix, t);
	if (!(r->indexed ? (int)((t->poss[r->lit_id / 64] >> (r->lit_id % 64)) & 1) :
			   ruleset_lit_part_find(r->lits, t)))
		return 0;
	return r->lits2 == NULL || ruleset_lit_part_find(r->lits2, t);
}
/* 1 when l[0..ll) occurs in h[0..hl) (short strings, caseless only as
 * the caller lowercased them). */
int ruleset_lit_find(const char *h, size_t hl, const char *l, size_t ll);

#endif
