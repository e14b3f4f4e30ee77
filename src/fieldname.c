/*
 * fieldname.c - header field name -> fieldname_id (see fieldname.h, which
 * holds the lookup in line: fieldname_id_inline()), and the table of the
 * bytes names are made of.
 */
#include <stdint.h>
#include <string.h>

#include "fieldname.h"

/* 3: FIELDNAME_TOKEN | FIELDNAME_PARAM */
const unsigned char fieldname_byte[256] = {
	['-'] = 3, ['_'] = 3, ['*'] = FIELDNAME_PARAM,
	['0'] = 3, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3,
	['5'] = 3, ['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3,
	['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3,
	['G'] = 3, ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3,
	['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3,
	['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3,
	['Y'] = 3, ['Z'] = 3,
	['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3,
	['g'] = 3, ['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3,
	['m'] = 3, ['n'] = 3, ['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3,
	['s'] = 3, ['t'] = 3, ['u'] = 3, ['v'] = 3, ['w'] = 3, ['x'] = 3,
	['y'] = 3, ['z'] = 3,
};

int
fieldname_eq(const char *s, const char *lc, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)lc[i])
			return 0;
	}
	return 1;
}

int
fieldname_id(const char *name, size_t len)
{
	return fieldname_id_inline(name, len);
}
