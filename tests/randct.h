/*
 * randct.h - random Content-Type values for the tests that compare a fast
 * reader with a reference on them (check_engine.c: detect's report type;
 * check_mime.c: the MIME parser's type, boundary and report type): a type,
 * then up to np parameters of separator, name, '=' and value (now and then
 * a value where another piece stands), from the caller's word lists.
 */
#ifndef RANDCT_H
#define RANDCT_H

#include <stddef.h>
#include <string.h>

enum { RANDCT_TYPES, RANDCT_SEPS, RANDCT_NAMES, RANDCT_EQS, RANDCT_VALUES, RANDCT_KINDS };

/* The word lists, by kind (RANDCT_WORDS() makes one of five arrays). */
typedef struct randct_words {
	const char *const *list[RANDCT_KINDS];
	size_t n[RANDCT_KINDS];
} randct_words;

#define RANDCT_N(a)	(sizeof(a) / sizeof((a)[0]))
#define RANDCT_WORDS(types, seps, names, eqs, values) \
	{ { types, seps, names, eqs, values }, \
	  { RANDCT_N(types), RANDCT_N(seps), RANDCT_N(names), RANDCT_N(eqs), RANDCT_N(values) } }

/* A value of at most 1024 bytes into ct (NUL-terminated: ct has 1025
 * bytes at least), drawn with *seed (a linear congruential generator,
 * stepped once a piece); returns its length. */
static inline size_t
randct_fill(char *ct, const randct_words *w, size_t np, unsigned *seed)
{
	size_t len = 0, i, k;

	for (i = 0; i <= np * 4; i++) {
		const char *pc;
		int kind;

		*seed = *seed * 1103515245u + 12345u;
		if (i == 0)
			kind = RANDCT_TYPES;
		else if ((*seed >> 8) % 16 == 0)	/* now and then junk */
			kind = RANDCT_VALUES;
		else
			kind = RANDCT_SEPS + (int)((i - 1) % 4);
		pc = w->list[kind][(*seed >> 16) % w->n[kind]];
		k = strlen(pc);
		if (len + k > 1024)
			break;
		memcpy(ct + len, pc, k);
		len += k;
	}
	ct[len] = '\0';
	return len;
}

#endif
