/*
 * mime_qp.c - quoted-printable decoding of one body line (see mime.h), as
 * mime.c reads a leaf's content: the bytes up to the next '=' go as they
 * are, "=XX" becomes its byte, a '=' that encodes nothing stays.  Pure:
 * the caller owns both buffers.
 */
#include <string.h>

#include "mime.h"

static int
mime_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t
mime_qp_decode(const char *s, size_t n, int eol, char *out)
{
	size_t i, o = 0;
	int soft = 0;

	if (eol) {
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0 && s[n - 1] == '=') {
			soft = 1;
			n--;
		}
	}
	for (i = 0; i < n; ) {
		int h, l;
		/* the bytes up to the next '=' stand for themselves */
		const char *eq = memchr(s + i, '=', n - i);
		size_t k = eq != NULL ? (size_t)(eq - (s + i)) : n - i;

		memcpy(out + o, s + i, k);
		o += k;
		i += k;
		if (i >= n)
			break;
		if (i + 2 < n &&
		    (h = mime_hex((unsigned char)s[i + 1])) >= 0 &&
		    (l = mime_hex((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h << 4 | l);
			i += 3;
		} else
			out[o++] = s[i++];	/* a '=' that encodes nothing */
	}
	if (eol && !soft)
		out[o++] = '\n';
	return o;
}
