/*
 * engine_unfold.c - a header field's value as the engine keeps it: folded
 * lines joined (CR and LF dropped), cut at a cap, white space at the end
 * cut; or only the length that would take, for fields whose room is
 * counted but whose bytes are not kept (see engine_int.h, which holds
 * the common cases in line: engine_unfold_nl(), engine_unfold_len_nl(),
 * engine_unfold_trim()).
 * Pure: the caller owns both buffers.
 */
#include <string.h>

#include "engine_int.h"

/* engine_unfold() and engine_unfold_lf(): the lines of v up to the next
 * LF copied run by run, their CRs squeezed out when may_cr (a value
 * known to hold none is not searched for them). */
static inline size_t
engine_unfold_runs(char *dst, size_t cap, const char *v, size_t vlen, int may_cr)
{
	const char *end = v + vlen, *nl;
	size_t n = 0, k, i;

	while (v < end && n < cap) {
		nl = memchr(v, '\n', (size_t)(end - v));
		k = (size_t)((nl != NULL ? nl : end) - v);
		if (k > cap - n)
			k = cap - n;
		if (!may_cr || memchr(v, '\r', k) == NULL) {
			memcpy(dst + n, v, k);
			n += k;
		} else {
			for (i = 0; i < k; i++)
				if (v[i] != '\r')
					dst[n++] = v[i];
		}
		v = nl != NULL ? nl + 1 : end;
	}
	return engine_unfold_trim(dst, n);
}

/* Copy value (vlen bytes) unfolded into dst: CR and LF dropped, at most
 * cap bytes, trailing white space cut; returns the length. */
size_t
engine_unfold(char *dst, size_t cap, const char *v, size_t vlen)
{
	return engine_unfold_runs(dst, cap, v, vlen, 1);
}

/* engine_unfold() for a value known to hold no CR. */
size_t
engine_unfold_lf(char *dst, size_t cap, const char *v, size_t vlen)
{
	return engine_unfold_runs(dst, cap, v, vlen, 0);
}

/* engine_unfold()'s length, nothing copied: the end of the last byte
 * that is not white space among the bytes it would keep. */
size_t
engine_unfold_len(size_t cap, const char *v, size_t vlen)
{
	const char *end = v + vlen, *nl;
	size_t n = 0, last = 0, k, i;

	while (v < end && n < cap) {
		nl = memchr(v, '\n', (size_t)(end - v));
		k = (size_t)((nl != NULL ? nl : end) - v);
		if (k > cap - n)
			k = cap - n;
		if (memchr(v, '\r', k) == NULL) {
			i = engine_unfold_trim(v, k);
			if (i > 0)
				last = n + i;
			n += k;
		} else {
			for (i = 0; i < k; i++) {
				if (v[i] == '\r')
					continue;
				n++;
				if (v[i] != ' ' && (v[i] < '\t' || v[i] > '\r'))
					last = n;
			}
		}
		v = nl != NULL ? nl + 1 : end;
	}
	return last;
}
