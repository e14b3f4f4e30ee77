/*
 * engine_unfold.c - a header field's value as the engine keeps it: folded
 * lines joined (CR and LF dropped), cut at a cap, white space at the end
 * cut; or only the length that would take, for fields whose room is
 * counted but whose bytes are not kept (see engine_int.h, which holds
 * the common cases in line: engine_unfold_nl(), engine_header_skip()).
 * Pure: the caller owns both buffers.
 */
#include <string.h>

#include "engine_int.h"

/* Copy value (vlen bytes) unfolded into dst: CR and LF dropped, at most
 * cap bytes, trailing white space cut; returns the length. */
size_t
engine_unfold(char *dst, size_t cap, const char *v, size_t vlen)
{
	const char *end = v + vlen, *nl;
	size_t n = 0, k, i;

	while (v < end && n < cap) {
		/* a run up to the next LF, copied, then its CRs squeezed out */
		nl = memchr(v, '\n', (size_t)(end - v));
		k = (size_t)((nl != NULL ? nl : end) - v);
		if (k > cap - n)
			k = cap - n;
		if (memchr(v, '\r', k) == NULL) {
			memcpy(dst + n, v, k);
			n += k;
		} else {
			for (i = 0; i < k; i++)
				if (v[i] != '\r')
					dst[n++] = v[i];
		}
		v = nl != NULL ? nl + 1 : end;
	}
	while (n > 0 && (dst[n - 1] == ' ' ||	/* isspace(), in line */
	    (dst[n - 1] >= '\t' && dst[n - 1] <= '\r')))
		n--;
	return n;
}

/* engine_unfold() for a value known to hold no CR: its lines copied
 * without a search for CRs. */
size_t
engine_unfold_lf(char *dst, size_t cap, const char *v, size_t vlen)
{
	const char *end = v + vlen, *nl;
	size_t n = 0, k;

	while (v < end && n < cap) {
		nl = memchr(v, '\n', (size_t)(end - v));
		k = (size_t)((nl != NULL ? nl : end) - v);
		if (k > cap - n)
			k = cap - n;
		memcpy(dst + n, v, k);
		n += k;
		v = nl != NULL ? nl + 1 : end;
	}
	while (n > 0 && (dst[n - 1] == ' ' ||	/* as engine_unfold() cuts */
	    (dst[n - 1] >= '\t' && dst[n - 1] <= '\r')))
		n--;
	return n;
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
			i = k;
			while (i > 0 && (v[i - 1] == ' ' ||
			    (v[i - 1] >= '\t' && v[i - 1] <= '\r')))
				i--;
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

/* The same when the value is known to hold exactly ndrop CRs and LFs
 * (ndrop == (size_t)-1: not known): all dropped, the others all kept
 * while they fit. */
size_t
engine_unfold_len_nl(size_t cap, const char *v, size_t vlen, size_t ndrop)
{
	size_t i = vlen, t = 0;

	if (ndrop == (size_t)-1 || vlen - ndrop > cap)
		return engine_unfold_len(cap, v, vlen);
	/* every line whole: the value less its CRs and LFs, less its white
	 * tail (where CRs and LFs count for nothing) */
	while (i > 0 && (v[i - 1] == ' ' ||
	    (v[i - 1] >= '\t' && v[i - 1] <= '\r'))) {
		t += v[i - 1] != '\n' && v[i - 1] != '\r';
		i--;
	}
	return vlen - ndrop - t;
}
