/*
 * ruleset_host.c - a rule's host filter ruled out without running it: by
 * the start or the end every host it matches must have, by the bytes of
 * its words, or by a search for its words in the host lowercased.
 *
 * DESCRIPTION
 *	ruleset_host_prep() (at set-up, from ruleset_lit_add_rule()) keeps
 *	the bytes of a rule's host words as 64-bit masks; at match time a
 *	host that does not start as the filter requires is ruled out before
 *	it is measured (ruleset_host_starts(), ruleset_host.h), and
 *	ruleset_host_possible() (ruleset_host.h) answers 0 for a host the
 *	filter cannot match, 1 when the pattern must decide.  A host's
 *	length, byte mask and lowercased copy are made once per text, on
 *	first need, in the caller's ruleset_lit_text.
 *
 *	ruleset_host_screen() answers for all host filters at once, before
 *	any text work: the byte pairs of every filter's words are kept as
 *	64-bit masks (ruleset_host_screen_add(), at set-up), and a host
 *	that lacks a pair of each word matches no filter.  When only the
 *	hosted rules are asked for (ruleset_match_pair()), most texts need
 *	no scan then.
 *
 * MEMORY
 *	The masks live in the rule, and the screen's in the literal index
 *	(its array freed with it); the per-text state is in the caller's
 *	ruleset_lit_text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset_lit.h"
#include "ruleset_host.h"

/* The bytes of s[0..n) as a 64-bit mask: bit (f ^ f >> 3) % 64 for each
 * byte c, f = c | 0x20 (a letter's two cases alike; digits and '.' stay,
 * apart from the letters): a literal with a byte that a host name lacks is
 * not in it, known without a search. */
static inline unsigned ruleset_host_char_bit(unsigned c)
{
	c |= 0x20;
	return (c ^ c >> 3) & 63;
}

static uint64_t ruleset_host_chars(const unsigned char *s, size_t n)
{
	uint64_t m = 0;
	size_t k;

	for (k = 0; k < n; k++)
		m |= (uint64_t)1 << ruleset_host_char_bit(s[k]);
	return m;
}

/* The bytes of the rule's host literals (ruleset_host_chars()), when they
 * are few. */
void ruleset_host_prep(ruleset_rule *r)
{
	const char *l;
	unsigned n = 0;

	r->nhost_chars = 0;
	if (r->host_lits == NULL)
		return;
	for (l = r->host_lits; *l != '\0'; l += strlen(l) + 1) {
		if (n == RULESET_HOST_CHARS)
			return;		/* too many: each is looked for */
		r->host_chars[n++] = ruleset_host_chars((const unsigned char *)l, strlen(l));
	}
	r->nhost_chars = n;
}

/* The screen's bit for the byte pair a, b: both with bit 0x20 set (a
 * letter's two cases alike, a few other bytes too: the screen only has
 * to let every match through), the pair as the number a << 8 | b hashed
 * to six bits. */
static inline uint64_t ruleset_host_pair_bit(unsigned v)
{
	return (uint64_t)1 << (((v | 0x2020u) * 2654435761u) >> 26);
}

/* x read from memory as a little-endian number (byte 0 lowest). */
static inline uint64_t ruleset_host_le64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(x);
#else
	return x;
#endif
}

/* The byte pairs of s[0..n) (ruleset_host_pair_bit()): eight pairs a
 * step, the bytes of two loads paired sixteen bits a lane, the last few
 * one by one. */
static uint64_t ruleset_host_pairs(const unsigned char *s, size_t n)
{
	const uint64_t lo = 0x00ff00ff00ff00ffull;
	uint64_t m = 0;
	size_t k = 0;
	int j;

	for (; k + 9 <= n; k += 8) {	/* pairs k .. k + 7: bytes k .. k + 8 */
		uint64_t x, y, e, o;

		memcpy(&x, s + k, 8);
		memcpy(&y, s + k + 1, 8);
		x = ruleset_host_le64(x);
		y = ruleset_host_le64(y);
		e = (x & lo) << 8 | (y & lo);		/* pairs k, k + 2, k + 4, k + 6 */
		o = (x >> 8 & lo) << 8 | (y >> 8 & lo);	/* pairs k + 1, k + 3 ... */
		for (j = 0; j < 64; j += 16)
			m |= ruleset_host_pair_bit((unsigned)(e >> j & 0xffff)) |
			     ruleset_host_pair_bit((unsigned)(o >> j & 0xffff));
	}
	for (; k + 1 < n; k++)
		m |= ruleset_host_pair_bit((unsigned)s[k] << 8 | s[k + 1]);
	return m;
}

void ruleset_host_screen_add(ruleset_lit_idx *ix, const ruleset_rule *r)
{
	const char *l;

	if (r->host_lits == NULL) {
		ix->hscreen_open = 1;	/* no words known: any host */
		return;
	}
	for (l = r->host_lits; *l != '\0'; l += strlen(l) + 1) {
		if (ix->nhscreen == ix->hscreen_alloc) {
			size_t na = ix->hscreen_alloc ? ix->hscreen_alloc * 2 : 16;
			uint64_t *h = realloc(ix->hscreen, na * sizeof(*h));

			if (h == NULL) {
				ix->hscreen_open = 1;
				return;
			}
			ix->hscreen = h;
			ix->hscreen_alloc = na;
		}
		ix->hscreen[ix->nhscreen++] = ruleset_host_pairs((const unsigned char *)l, strlen(l));
	}
}

int ruleset_host_screen(const ruleset_lit_idx *ix, const char *const host_ctx[3])
{
	size_t j;
	int i;

	if (ix->hscreen_open)
		return 1;
	for (i = 0; host_ctx != NULL && i < 3; i++) {
		const char *h = host_ctx[i];
		uint64_t m;
		size_t n;

		if (h == NULL || h[0] == '\0')
			continue;
		/* a host of RULESET_HOST_LOW bytes or more is not looked at:
		 * it may match */
		if ((n = strnlen(h, RULESET_HOST_LOW)) == RULESET_HOST_LOW)
			return 1;
		m = ruleset_host_pairs((const unsigned char *)h, n);
		for (j = 0; j < ix->nhscreen; j++)
			if ((ix->hscreen[j] & ~m) == 0)
				return 1;	/* this word may be there */
	}
	return 0;
}

/* x (eight bytes) with its ASCII capitals lowercased (SWAR: no carry
 * crosses a byte, and bytes from 0x80 on are left alone). */
static uint64_t ruleset_host_lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t b = x & ~highs;

	return x | (((b + 0x3f * ones) & ~(b + 0x25 * ones) & ~x & highs) >> 2);
}

/* The mask of ruleset_host_chars() of host i (hl < RULESET_HOST_LOW), made
 * when first needed. */
static uint64_t ruleset_host_bytes(ruleset_lit_text *t, int i)
{
	const char *host = t->host[i];
	size_t k = 0, hl = t->hlen[i];
	uint64_t m = 0;

	if (t->hdone & (64 << i))
		return t->hchars[i];
	/* eight bytes at a time (the bytes of y in any order) */
	for (; k + 8 <= hl; k += 8) {
		uint64_t x, y;
		int b;

		memcpy(&x, host + k, 8);
		x |= 0x2020202020202020ull;
		y = x ^ (x >> 3 & 0x1f1f1f1f1f1f1f1full);	/* f ^ f >> 3, each byte */
		for (b = 0; b < 64; b += 8)
			m |= (uint64_t)1 << (y >> b & 63);
	}
	t->hchars[i] = m | ruleset_host_chars((const unsigned char *)host + k, hl - k);
	t->hdone |= 64 << i;
	return t->hchars[i];
}

int ruleset_host_ends(const char *s, size_t n, const char *suf, size_t sl)
{
	size_t k;

	if (n > 0 && s[n - 1] == '\n' && n - 1 >= sl) {
		for (k = 0; k < sl && (s[n - 1 - sl + k] | 0x20) == (suf[k] | 0x20); k++)
			;
		if (k == sl)
			return 1;	/* (a loose test: the pattern decides) */
	}
	if (n < sl)
		return 0;
	s += n - sl;
	for (k = 0; k < sl; k++) {
		unsigned char c = (unsigned char)s[k];

		if ((char)((unsigned)(c - 'A') < 26u ? c + 32 : c) != suf[k])
			return 0;
	}
	return 1;
}

/* Host i lowercased into hlow[i] (hl < RULESET_HOST_LOW), when not yet:
 * only a search needs it. */
static const char *ruleset_host_low(ruleset_lit_text *t, int i)
{
	const char *host = t->host[i];
	size_t k = 0, hl = t->hlen[i];

	if (t->hdone & (8 << i))
		return t->hlow[i];
	/* eight bytes at a time (the order of bytes in x does not matter:
	 * each is lowercased alone) */
	for (; k + 8 <= hl; k += 8) {
		uint64_t x;

		memcpy(&x, host + k, 8);
		x = ruleset_host_lower8(x);
		memcpy(t->hlow[i] + k, &x, 8);
	}
	for (; k < hl; k++)
		t->hlow[i][k] = (char)((unsigned)(host[k] - 'A') < 26u ? host[k] + 32 : host[k]);
	t->hdone |= 8 << i;
	return t->hlow[i];
}

/* The host filter's literals: their bytes rule most hosts out, a search
 * the others (only the literals whose bytes the host has). */
int ruleset_host_lits(const ruleset_rule *r, ruleset_lit_text *t, int i)
{
	const char *l, *low;
	unsigned n, maybe = ~0u;	/* bit n: literal n may be there */

	if (r->host_lits == NULL || t->hlen[i] >= RULESET_HOST_LOW)
		return 1;
	if (r->nhost_chars > 0) {
		uint64_t hc = ruleset_host_bytes(t, i);

		for (n = 0; n < r->nhost_chars; n++)
			if ((r->host_chars[n] & ~hc) != 0)
				maybe &= ~(1u << n);
		if ((maybe & ((1u << r->nhost_chars) - 1)) == 0)
			return 0;	/* each literal has a byte the host lacks */
	}
	low = ruleset_host_low(t, i);
	for (l = r->host_lits, n = 0; *l != '\0'; l += strlen(l) + 1, n++)
		if ((n >= 32 || (maybe >> n & 1)) && ruleset_lit_find(low, t->hlen[i], l, strlen(l)))
			return 1;
	return 0;
}
