/*
 * randtext.h - random texts for the scanner's tests (check_search.c,
 * check_scan_util.c): a fixed-seed generator and fill(), which makes
 * bytes likely to make (near) matches of some words: their letters in
 * either case, their neighbours under the 0x20 trick, blanks, digits,
 * high bytes, and now and then a whole word.  Each test program has its
 * own copy of the seed (static), so its texts do not depend on another's.
 * Also set_levels(): the phrase-set levels to test each search at.
 * Include after scan_int.h.
 */
#ifndef BOUNCETAG_TESTS_RANDTEXT_H
#define BOUNCETAG_TESTS_RANDTEXT_H

#include <stdint.h>
#include <string.h>

static uint32_t seed = 12345u;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/* Bytes likely to make (near) matches of the words. */
static void
fill(char *buf, size_t len, const char *const *words)
{
	static const char other[] = "@`[{ \t:-'(<>.0123456789\x80\xff";
	size_t i, nw = 0;

	while (words[nw] != NULL)
		nw++;
	for (i = 0; i < len; i++) {
		uint32_t r = rnd() % 10;
		if (r < 2)
			buf[i] = other[rnd() % (sizeof(other) - 1)];
		else if (r < 3)
			buf[i] = (char)(rnd() & 0xff);
		else {
			const char *w = words[rnd() % nw];
			char c = w[rnd() % strlen(w)];
			if (c >= 'a' && c <= 'z' && (rnd() & 1))
				c = (char)(c - 32);
			buf[i] = c;
		}
	}
	/* now and then a whole word, in mixed case, somewhere */
	if (len > 0 && (rnd() % 3) == 0) {
		const char *w = words[rnd() % nw];
		size_t n = strlen(w), at, k;
		if (n <= len) {
			at = rnd() % (len - n + 1);
			for (k = 0; k < n; k++) {
				char c = w[k];
				if (c >= 'a' && c <= 'z' && (rnd() & 1))
					c = (char)(c - 32);
				buf[at + k] = c;
			}
		}
	}
}


/* The levels of scan_teddy.c the CPU has, best first, then 0 (the skip
 * loop); how many. */
static int
set_levels(int *lv)
{
	int n = 0, l;

	for (l = 2; l >= 1; l--)
		if (scan_teddy_force(l) == l)
			lv[n++] = l;
	lv[n++] = 0;
	return n;
}

#endif
