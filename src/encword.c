/*
 * encword.c - RFC 2047 encoded words ("=?charset?B?...?=", "=?...?Q?...?=")
 * decoded to their bytes, for the tests detect.c makes on a Subject.
 *
 * The charset is not converted: the tests look for ASCII words, which
 * every charset a Subject uses in practice writes as ASCII.  Blanks
 * between two encoded words go, as RFC 2047 says; line breaks become
 * spaces.  Nothing is allocated: the output goes to the caller's buffer,
 * cut at its size.
 */
#include <ctype.h>
#include <string.h>

#include "encword.h"
#include "mime.h"

static size_t
encword_b64(const char *in, size_t n, char *out, size_t outlen)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < outlen; i++) {
		/* the index of the byte in the base64 alphabet, by ranges */
		unsigned char c = (unsigned char)in[i];
		unsigned v;

		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			continue;	/* not in the alphabet ('=', blanks): skipped */
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

/* One encoded word =?charset?X?text?= at in; returns its length or 0. */
static size_t
encword_one(const char *in, char *out, size_t outlen, size_t *olen)
{
	const char *q1, *q2, *end;
	size_t i, o = 0;

	if (in[0] != '=' || in[1] != '?' || (q1 = strchr(in + 2, '?')) == NULL)
		return 0;
	if (q1[1] == '\0' || q1[2] != '?')
		return 0;
	q2 = q1 + 3;
	if ((end = strstr(q2, "?=")) == NULL)
		return 0;
	if (q1[1] == 'B' || q1[1] == 'b') {
		o = encword_b64(q2, (size_t)(end - q2), out, outlen);
	} else if (q1[1] == 'Q' || q1[1] == 'q') {
		for (i = 0; q2 + i < end && o + 1 < outlen; i++) {
			int h, l;

			if (q2[i] == '_')
				out[o++] = ' ';
			else if (q2[i] == '=' && q2 + i + 2 < end + 1 &&
				 (h = mime_hex((unsigned char)q2[i + 1])) >= 0 &&
				 (l = mime_hex((unsigned char)q2[i + 2])) >= 0) {
				out[o++] = (char)(h << 4 | l);
				i += 2;
			} else
				out[o++] = q2[i];
		}
	} else {
		return 0;
	}
	*olen = o;
	return (size_t)(end + 2 - in);
}

void
encword_decode(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	int last_word = 0;

	if (outlen == 0)
		return;
	if (strstr(in, "=?") == NULL) {
		/* no encoded word: the loop below would only turn line
		 * breaks into spaces */
		char *p;

		o = strnlen(in, outlen - 1);
		memcpy(out, in, o);
		out[o] = '\0';
		for (p = memchr(out, '\n', o); p != NULL;
		    p = memchr(p + 1, '\n', o - (size_t)(p + 1 - out)))
			*p = ' ';
		for (p = memchr(out, '\r', o); p != NULL;
		    p = memchr(p + 1, '\r', o - (size_t)(p + 1 - out)))
			*p = ' ';
		return;
	}
	while (*in && o + 1 < outlen) {
		size_t olen = 0, used = encword_one(in, out + o, outlen - o, &olen);

		if (used > 0) {
			o += olen;
			in += used;
			last_word = 1;
			continue;
		}
		if (last_word && isspace((unsigned char)*in)) {
			const char *p = in;

			while (isspace((unsigned char)*p))
				p++;
			if (p[0] == '=' && p[1] == '?') {
				in = p;		/* blanks between encoded words */
				continue;
			}
		}
		last_word = 0;
		out[o++] = (*in == '\n' || *in == '\r') ? ' ' : *in;
		in++;
	}
	out[o] = '\0';
}
