/*
 * scan_search.c - case-insensitive search for the text scanner: one
 * needle (scan_find(), 16 positions at a time) or many phrases in one pass
 * (scan_set), and the ASCII lower-case table they share.
 *
 * Speed: the scanner reads every line of a report several times, so these
 * helpers are its cost.  Each keeps the meaning of the plain loop it
 * replaced (ASCII case folding as strncasecmp() in the C locale, the same
 * first match); the tricks are commented where they are.
 *
 * Phrase sets are searched by scan_teddy.c's vector filter where the CPU
 * has SSSE3 or AVX2; the skip loop here is the fallback (other CPUs,
 * builds without SSE2, BOUNCETAG_NO_SIMD set in the environment).
 *
 * Memory: nothing is allocated; a set's tables are in the (static) set.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/*
 * Case-insensitive search, as strncasecmp() at every position would do in
 * the C locale (ASCII letters only).  It was the hot spot of the whole
 * program: the scanner looks for many phrases in every text and line.
 *
 * The trick (W. Mula's "SIMD-friendly" substring search): test 16
 * positions at once for the needle's first AND last byte, and compare the
 * whole needle only where both match.  A letter is matched in any case by
 * OR-ing 0x20 into the text byte ('A' | 0x20 == 'a'); that also lets a few
 * non-letters through ('@' | 0x20 == '`'), which the full comparison then
 * rejects.  Without SSE2, or near the end of the text, a plain loop.
 */
#define SCAN_LOW(c)	((c) + ((c) >= 'A' && (c) <= 'Z' ? 32 : 0))
/* ASCII lower case of every byte (tolower() of the C locale). */
const unsigned char scan_lower[256] = SCAN_TABLE256(SCAN_LOW);

#ifdef __SSE2__
#include <emmintrin.h>

/* Byte c of the needle as a (mask, value) pair: (x | mask) == value. */
static void
scan_simd_byte(unsigned char c, __m128i *mask, __m128i *value)
{
	int letter = scan_lower[c] >= 'a' && scan_lower[c] <= 'z';

	*mask = _mm_set1_epi8(letter ? 0x20 : 0);
	*value = _mm_set1_epi8((char)(letter ? scan_lower[c] : c));
}

/* The first match found 16 positions at a time, the last ones too (the
 * caller makes sure len >= n - 1 + 16); returns it or NULL, and leaves
 * *start where the plain loop must go on (len: nowhere). */
static const char *
scan_find_simd(const char *s, size_t len, const char *needle, size_t n,
    size_t *start)
{
	__m128i fm, fv, lm, lv;
	size_t i;

	scan_simd_byte((unsigned char)needle[0], &fm, &fv);
	scan_simd_byte((unsigned char)needle[n - 1], &lm, &lv);
	for (i = 0; ; i += 16) {
		__m128i a, b;
		unsigned m;

		if (i + n - 1 + 16 > len) {
			/* the last positions (fewer than 16): the block of
			 * the 16 that end at len - n (len >= n - 1 + 16),
			 * less those tested already; no plain loop after */
			size_t e = len - (n - 1) - 16;

			if (i + n > len)
				break;
			m = ~0u << (i - e);
			i = e;
			a = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			b = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i + n - 1));
			m &= (unsigned)_mm_movemask_epi8(_mm_and_si128(
			    _mm_cmpeq_epi8(_mm_or_si128(a, fm), fv),
			    _mm_cmpeq_epi8(_mm_or_si128(b, lm), lv)));
			for (; m != 0; m &= m - 1) {
				size_t k = (size_t)__builtin_ctz(m);
				if (scan_eq_fold(s + i + k, needle, n))
					return s + i + k;
			}
			break;
		}
		a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		b = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i + n - 1));
		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(_mm_or_si128(a, fm), fv),
		    _mm_cmpeq_epi8(_mm_or_si128(b, lm), lv)));

		for (; m != 0; m &= m - 1) {
			size_t k = (size_t)__builtin_ctz(m);
			if (scan_eq_fold(s + i + k, needle, n))
				return s + i + k;
		}
	}
	*start = len;	/* every position tested */
	return NULL;
}
#endif

const char *
scan_find_n(const char *s, size_t len, const char *needle, size_t n)
{
	size_t i = 0;
	unsigned char f;

	if (n == 0 || n > len)
		return NULL;
	f = (unsigned char)needle[0];
	if (scan_lower[f] == f && !(f >= 'a' && f <= 'z')) {
		/* not a letter: only that byte can start a match, and
		 * memchr() finds it fastest ('"', '(', '-' are rare) */
		const char *p = s, *last = s + (len - n);

		while (p <= last && (p = memchr(p, f,
		    (size_t)(last - p) + 1)) != NULL) {
			if (scan_eq_fold(p, needle, n))
				return p;
			p++;
		}
		return NULL;
	}
#ifdef __SSE2__
	if (len >= n - 1 + 16) {	/* else the plain loop does it all */
		const char *p = scan_find_simd(s, len, needle, n, &i);
		if (p != NULL)
			return p;
	}
#endif
	f = scan_lower[(unsigned char)needle[0]];
	for (; i + n <= len; i++)
		if (scan_lower[(unsigned char)s[i]] == f &&
		    scan_eq_fold(s + i, needle, n))
			return s + i;
	return NULL;
}

/* The same as scan_find_n() for a needle whose byte k is not a letter
 * (the same in any case) and rare in text: the candidates are where
 * memchr() finds that byte, in order, so the first match is found first. */
const char *
scan_find_by(const char *s, size_t len, const char *needle, size_t n,
    size_t k)
{
	const char *q, *last;

	if (n == 0 || n > len || k >= n)
		return NULL;
	q = s + k;
	last = s + (len - n) + k;	/* the byte k of the last start */
	while (q <= last && (q = memchr(q, needle[k],
	    (size_t)(last - q) + 1)) != NULL) {
		if (scan_eq_fold_long(q - k, needle, n))
			return q - k;
		q++;
	}
	return NULL;
}

/* --- phrase sets ------------------------------------------------------------
 * Every position of the text is a possible start of every phrase.  Two
 * filters spare nearly all of them a comparison:
 *
 * - Skipping (Wu and Manber's multi-pattern search): a window as long as
 *   the shortest phrase (min) lies at position i.  The two bytes at its
 *   end, in lower case, are looked up (hashed: scan_set_pair()) in
 *   shift[]: how far the window may move without passing a phrase.
 *   shift[] holds, for every
 *   pair of bytes at offsets j-1, j (1 <= j < min) in any phrase, the least
 *   min-1-j over the phrases and pairs of that hash, and min-1 for pairs in
 *   none.  A phrase starting at i+d (0 <= d < shift) would have the window's
 *   end pair at its offset j = min-1-d >= 1, so its entry would be <= d:
 *   none starts there, and the positions are still visited in order (the
 *   first match found is the first in the text).
 * - At a position where the shift is 0, the four bytes there, in lower
 *   case, are hashed into a bitmap of the hashes of the phrases' first four
 *   bytes.  Where the bit is set, the phrases that start with that byte are
 *   compared.
 */
#define SCAN_HASH(w)	((uint32_t)((w) * 2654435761u) >> 20)	/* 12 bits */

/* The hash of the two bytes at u for shift[]: one 16-bit load, both bytes
 * | 0x20 (the two cases of a letter alike, as scan_lower[] has them; some
 * other bytes join, '@' and '`' say, which can only make a shift shorter,
 * never miss a phrase), multiplied into 12 bits. */
static inline unsigned
scan_set_pair(const unsigned char *u)
{
	uint16_t w;

	memcpy(&w, u, sizeof(w));
	return (uint32_t)((uint32_t)(w | 0x2020u) * 2654435761u) >> 20;
}

static pthread_mutex_t scan_set_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t
scan_set_word(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	return (uint32_t)scan_lower[u[0]] << 24 |
	    (uint32_t)scan_lower[u[1]] << 16 |
	    (uint32_t)scan_lower[u[2]] << 8 | scan_lower[u[3]];
}

/* Build the tables once: double-checked with an atomic flag, as sets are
 * static and engines may run on several threads. */
static void
scan_set_ready(scan_set *set)
{
	size_t k, n, j;

	if (__atomic_load_n(&set->ready, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&scan_set_lock);
	if (!set->ready) {
		set->min = 255;
		for (k = 0; set->word[k] != NULL; k++) {
			uint32_t h;
			n = strlen(set->word[k]);
			if (k >= SCAN_SET_MAX || n < SCAN_SET_MIN || n > 255)
				abort();	/* a bug in a phrase list */
			set->len[k] = (unsigned char)n;
			if (n < set->min)
				set->min = n;
			h = SCAN_HASH(scan_set_word(set->word[k]));
			set->bits[h >> 3] |= (unsigned char)(1u << (h & 7));
			set->first[scan_lower[(unsigned char)set->word[k][0]]]
			    |= (uint64_t)1 << k;
		}
		set->n = k;
		memset(set->shift, (int)(set->min - 1), sizeof(set->shift));
		for (k = 0; k < set->n; k++) {
			const unsigned char *w =
			    (const unsigned char *)set->word[k];
			for (j = 1; j < set->min; j++) {
				unsigned h = scan_set_pair(w + j - 1);
				if (set->shift[h] > set->min - 1 - j)
					set->shift[h] =
					    (unsigned char)(set->min - 1 - j);
			}
		}
		scan_teddy_build(set);
		__atomic_store_n(&set->ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&scan_set_lock);
}

/* The phrases found in s[0..len): all of them (all), or the first one
 * (its bit, *pos its offset; the lowest index at the same position). */
static uint64_t
scan_set_scan(scan_set *set, const char *s, size_t len, int all, size_t *pos)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t found = 0, m, hit;
	uint32_t h;
	size_t i, min;

	scan_set_ready(set);
	min = set->min;
	if (len < min)
		return 0;	/* no phrase fits */
	if (scan_teddy_level() > 0)	/* every position, 16 or 32 at once:
					 * no serial chain of skips */
		return scan_teddy_scan(set, s, len, all, pos);
	for (i = 0; i + min <= len;) {
		unsigned sh = set->shift[scan_set_pair(u + i + min - 2)];
		if (sh != 0) {
			i += sh;
			continue;
		}
		h = SCAN_HASH(scan_set_word(s + i));
		if (!(set->bits[h >> 3] & (1u << (h & 7)))) {
			i++;
			continue;
		}
		hit = 0;
		for (m = set->first[scan_lower[u[i]]]; m != 0; m &= m - 1) {
			unsigned k = (unsigned)__builtin_ctzll(m);
			size_t n = set->len[k];
			if (n <= len - i && scan_lower[u[i + n - 1]] ==
			    scan_lower[(unsigned char)set->word[k][n - 1]] &&
			    scan_eq_fold(s + i, set->word[k], n))
				hit |= (uint64_t)1 << k;
		}
		if (hit != 0 && !all) {
			*pos = i;
			return hit & (~hit + 1);	/* the lowest bit */
		}
		found |= hit;
		i++;
	}
	return found;
}

int
scan_set_find(scan_set *set, const char *s, size_t len, const char **at)
{
	size_t pos = 0;
	uint64_t m = scan_set_scan(set, s, len, 0, &pos);

	if (m == 0)
		return -1;
	if (at != NULL)
		*at = s + pos;
	return __builtin_ctzll(m);
}

uint64_t
scan_set_mask(scan_set *set, const char *s, size_t len)
{
	return scan_set_scan(set, s, len, 1, NULL);
}

/* --- prefixes --------------------------------------------------------------
 * Most lines start with a byte that no string of a list starts with: the
 * table of the strings by first byte (both cases) answers that at once,
 * and gives the others in list order (the first string in the list wins,
 * as in the loop it replaced).
 */
void
scan_prefixes_ready(scan_prefixes *p)
{
	size_t k;
	unsigned c;

	pthread_mutex_lock(&scan_set_lock);
	if (!p->ready) {
		for (k = 0; p->str[k].s != NULL; k++) {
			const unsigned char *w =
			    (const unsigned char *)p->str[k].s;
			unsigned j;
			if (k >= SCAN_SET_MAX || p->str[k].n == 0)
				abort();	/* a bug in a list */
			/* the bytes whose lower case is w[0] (w[1]) are
			 * among it and its other case (scan_lower[] changes
			 * only 'A'-'Z'): tested, not all 256 */
			for (j = 0; j < 2; j++) {
				c = w[0] ^ (j ? 0x20u : 0);
				if (scan_lower[c] == w[0])
					p->first[c] |= (uint64_t)1 << k;
				c = w[1] ^ (j ? 0x20u : 0);
				if (p->str[k].n >= 2 && scan_lower[c] == w[1])
					p->second[c] |= (uint64_t)1 << k;
			}
			if (p->str[k].n < 2)	/* any second byte */
				for (c = 0; c < 256; c++)
					p->second[c] |= (uint64_t)1 << k;
		}
		__atomic_store_n(&p->ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&scan_set_lock);
}

/* m: the strings that may start s (by its first two bytes). */
int
scan_starts_more(const scan_prefixes *p, uint64_t m, const char *s,
    size_t len)
{
	for (; m != 0; m &= m - 1) {
		unsigned k = (unsigned)__builtin_ctzll(m);
		size_t n = p->str[k].n;
		/* the last byte first: strings of a list often share
		 * their first words */
		if (len >= n && scan_lower[(unsigned char)s[n - 1]] ==
		    scan_lower[(unsigned char)p->str[k].s[n - 1]] &&
		    scan_eq_fold(s, p->str[k].s, n))
			return (int)k + 1;
	}
	return 0;
}

