/*
 * dsn_value.c - the values of delivery-status fields read without the
 * report around them: a "type;" prefix, an address, an X.Y.Z status, a
 * three-digit reply code (see dsn_value.h); and the C locale's character
 * classes that dsn.c and this file test, by table.
 *
 * Nothing is allocated: each function reads the caller's bytes and, for
 * dsn_value_address_copy(), writes into the caller's buffer.
 */
#include <string.h>

#include "dsn_value.h"
#include "simd.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define DSN_C_L(c)	[c] = DSN_C_TYPE | DSN_C_ALPHA, [c - 32] = DSN_C_TYPE | DSN_C_ALPHA
const unsigned char dsn_value_class[256] = {
	[' '] = DSN_C_SPACE | DSN_C_BLANK | DSN_C_LINE_END,
	['\t'] = DSN_C_SPACE | DSN_C_BLANK | DSN_C_LINE_END,
	['\r'] = DSN_C_SPACE | DSN_C_LINE_END, ['\n'] = DSN_C_SPACE,
	['\v'] = DSN_C_SPACE, ['\f'] = DSN_C_SPACE,
	['"'] = DSN_C_QUOTE, ['<'] = DSN_C_LT, ['-'] = DSN_C_TYPE, ['_'] = DSN_C_TYPE,
	['.'] = DSN_C_TYPE,
	['0'] = DSN_C_TYPE | DSN_C_DIGIT, ['1'] = DSN_C_TYPE | DSN_C_DIGIT,
	['2'] = DSN_C_TYPE | DSN_C_DIGIT, ['3'] = DSN_C_TYPE | DSN_C_DIGIT,
	['4'] = DSN_C_TYPE | DSN_C_DIGIT, ['5'] = DSN_C_TYPE | DSN_C_DIGIT,
	['6'] = DSN_C_TYPE | DSN_C_DIGIT, ['7'] = DSN_C_TYPE | DSN_C_DIGIT,
	['8'] = DSN_C_TYPE | DSN_C_DIGIT, ['9'] = DSN_C_TYPE | DSN_C_DIGIT,
	DSN_C_L('a'), DSN_C_L('b'), DSN_C_L('c'), DSN_C_L('d'), DSN_C_L('e'),
	DSN_C_L('f'), DSN_C_L('g'), DSN_C_L('h'), DSN_C_L('i'), DSN_C_L('j'),
	DSN_C_L('k'), DSN_C_L('l'), DSN_C_L('m'), DSN_C_L('n'), DSN_C_L('o'),
	DSN_C_L('p'), DSN_C_L('q'), DSN_C_L('r'), DSN_C_L('s'), DSN_C_L('t'),
	DSN_C_L('u'), DSN_C_L('v'), DSN_C_L('w'), DSN_C_L('x'), DSN_C_L('y'),
	DSN_C_L('z'),
};
#undef DSN_C_L


const char *
dsn_value_strip_type(const char *v, size_t *vlen, const char **type, size_t *tlen)
{
	size_t i, n = *vlen;

	*type = NULL;
	*tlen = 0;
	i = 0;
#ifdef __SSE2__
	if (n >= 16) {
		/* the first 16 bytes at once: where the type bytes end */
		unsigned m = simd_name_stop16(
		    _mm_loadu_si128((const __m128i *)(const void *)v), '.');

		i = m != 0 ? (unsigned)__builtin_ctz(m) : 16;
		if (i < 16 && v[i] != ';')
			return v;
	}
#endif
	for (; i < n && i < 32; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ';')
			break;
		if (!(dsn_value_class[c] & DSN_C_TYPE))
			return v;
	}
	if (i == 0 || i >= n || v[i] != ';')
		return v;
	*type = v;
	*tlen = i;
	i++;
	while (i < n && DSN_CLASS(v[i], DSN_C_BLANK))
		i++;
	*vlen = n - i;
	return v + i;
}

/* From i, the first byte of v[0..n) that is a blank (isspace()) or a
 * quote; n when none.  With SSE2, 16 bytes at a time while 16 are there
 * (8-bit bytes compare as negative: outside the blanks' range). */
static size_t
dsn_value_word_end(const char *v, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i t0 = _mm_set1_epi8('\t' - 1), t1 = _mm_set1_epi8('\r' + 1),
	    sp = _mm_set1_epi8(' '), qu = _mm_set1_epi8('"');

	for (; n - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_and_si128(_mm_cmpgt_epi8(x, t0), _mm_cmplt_epi8(x, t1)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, qu))));

		if (m != 0)
			return i + (unsigned)__builtin_ctz(m);
	}
#endif
	while (i < n && !DSN_CLASS(v[i], DSN_C_SPACE | DSN_C_QUOTE))
		i++;
	return i;
}

/* The word of v[0..n) that holds the address: the first word, or when it
 * has no '@' ("|/usr/bin/prog user@example.com"), the first word with one.
 * A quoted local part ("a b"@example.com) is one word. */
static const char *
dsn_value_address_word(const char *v, size_t n, size_t *wlen)
{
	const char *first = NULL;
	size_t i = 0, firstlen = 0;

	while (i < n) {
		size_t start;
		const char *q;

		while (i < n && DSN_CLASS(v[i], DSN_C_SPACE))
			i++;
		start = i;
		while (i < n) {
			/* up to a blank or a quote, then the quoted part */
			i = dsn_value_word_end(v, i, n);
			if (i >= n || v[i] != '"')
				break;
			q = memchr(v + i + 1, '"', n - i - 1);
			/* an open quote runs to the end */
			i = q != NULL ? (size_t)(q - v) + 1 : n;
		}
		if (i == start)
			break;
		if (first == NULL) {
			first = v + start;
			firstlen = i - start;
		}
		if (memchr(v + start, '@', i - start) != NULL) {
			*wlen = i - start;
			return v + start;
		}
	}
	*wlen = firstlen;
	return first != NULL ? first : v;
}

/* 1 when v[0..n) has no blank (isspace()), quote or '<'; with SSE2, 16
 * bytes at a time while 16 are there. */
static int
dsn_value_one_word(const char *v, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i t0 = _mm_set1_epi8('\t' - 1), t1 = _mm_set1_epi8('\r' + 1),
	    sp = _mm_set1_epi8(' '), qu = _mm_set1_epi8('"'),
	    lt = _mm_set1_epi8('<');

	for (; n - i >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + i));

		if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_and_si128(_mm_cmpgt_epi8(x, t0), _mm_cmplt_epi8(x, t1)),
		    _mm_cmpeq_epi8(x, sp)), _mm_or_si128(_mm_cmpeq_epi8(x, qu),
		    _mm_cmpeq_epi8(x, lt)))) != 0)
			return 0;
	}
#endif
	for (; i < n; i++)
		if (DSN_CLASS(v[i], DSN_C_SPACE | DSN_C_QUOTE | DSN_C_LT))
			return 0;
	return 1;
}

const char *
dsn_value_address(const char *v, size_t *len)
{
	const char *type, *lt, *gt, *colon;
	size_t tlen, n = *len;

	v = dsn_value_strip_type(v, &n, &type, &tlen);
	/* The usual value ("rfc822; user@example.com"): one word, no '<', no
	 * quote, nothing to trim at either end, no source route.  It is the
	 * address, as the general way below finds it (its word is the whole
	 * value; no trim, route or quotes apply), without its steps. */
	if (n > 0 && v[0] != '\'' && v[0] != '(' && v[0] != '[' &&
	    v[0] != '@' && v[n - 1] != '>' && v[n - 1] != '\'' &&
	    v[n - 1] != ',' && v[n - 1] != ';' && v[n - 1] != '.' &&
	    v[n - 1] != ')' && v[n - 1] != ']' && dsn_value_one_word(v, n)) {
		*len = n;
		return v;
	}
	lt = memchr(v, '<', n);
	if (lt != NULL && (gt = memchr(lt, '>', n - (size_t)(lt - v))) != NULL) {
		v = lt + 1;
		n = (size_t)(gt - v);
	}
	v = dsn_value_address_word(v, n, &n);
	while (n > 0 && (*v == '<' || *v == '\'' || *v == '(' || *v == '['))
		v++, n--;
	while (n > 0 && (v[n - 1] == '>' || v[n - 1] == '\'' || v[n - 1] == ',' ||
			 v[n - 1] == ';' || v[n - 1] == '.' || v[n - 1] == ')' ||
			 v[n - 1] == ']'))
		n--;
	/* a source route "@relay,@relay:user@example.com" */
	if (n > 0 && v[0] == '@' && (colon = memchr(v, ':', n)) != NULL) {
		n -= (size_t)(colon + 1 - v);
		v = colon + 1;
	}
	/* a wholly quoted address "user@example.com" */
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"' &&
	    memchr(v + 1, '"', n - 2) == NULL) {
		v++;
		n -= 2;
	}
	*len = n;
	return v;
}

size_t
dsn_value_address_copy(const char *v, size_t n, char *out, size_t outlen)
{
	const char *a = dsn_value_address(v, &n);
	size_t i, o = 0;

	if (outlen == 0)
		return 0;
	/* "local part"@example.com: the quotes go, the address stays */
	if (n > 2 && a[0] == '"') {
		const char *q = memchr(a + 1, '"', n - 1);

		if (q != NULL && (size_t)(q - a) + 1 < n && q[1] == '@') {
			for (i = 1; i < n && o + 1 < outlen; i++)
				if (a + i != q)
					out[o++] = a[i];
			out[o] = '\0';
			return o;
		}
	}
	o = n < outlen - 1 ? n : outlen - 1;
	memcpy(out, a, o);
	out[o] = '\0';
	return o;
}

int
dsn_value_status(const char *s, size_t *len)
{
	size_t i = 0, parts = 0, digits;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	for (;;) {
		digits = 0;
		while (DSN_CLASS(s[i], DSN_C_DIGIT) && digits < 4) {
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3 || (parts == 0 && digits != 1))
			return 0;
		parts++;
		if (parts == 3)
			break;
		if (s[i] != '.')
			return 0;
		i++;
	}
	if (DSN_CLASS(s[i], DSN_C_DIGIT) || (s[i] == '.' &&
	    DSN_CLASS(s[i + 1], DSN_C_DIGIT)))
		return 0;
	if (len != NULL)
		*len = i;
	return 1;
}

int
dsn_value_replycode(const char *s)
{
	return s[0] >= '2' && s[0] <= '5' && DSN_CLASS(s[1], DSN_C_DIGIT) &&
	       DSN_CLASS(s[2], DSN_C_DIGIT) && !DSN_CLASS(s[3], DSN_C_DIGIT);
}
