/*
 * mime_value.c - helpers over MIME header values (see mime.h): the type of
 * a Content-Type, one of its parameters, the transfer encoding, and the
 * test for an unindented "name=value" parameter line.  Plain functions
 * over strings; the caller owns every buffer.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mime.h"
#include "simd.h"
#include "fieldname.h"

void
mime_type(const char *ct, char *out, size_t outlen)
{
	size_t n = 0;
	int slash = 0;

	if (outlen == 0)
		return;
	if (ct != NULL) {
		while (*ct == ' ' || *ct == '\t' || *ct == '\n' || *ct == '\r')
			ct++;
		/* the type's length first (up to ';', a blank of isspace() or
		 * the NUL: strcspn() takes 16 bytes a step), then copied and
		 * folded in one go */
		size_t max = outlen - 1, len = strcspn(ct, "; \t\n\v\f\r");

		if (len > max)
			len = max;
		for (; n + 8 <= len; n += 8) {	/* bytes known to be there */
			uint64_t w;

			memcpy(&w, ct + n, 8);
			w = fieldname_fold8(w);
			memcpy(out + n, &w, 8);
		}
		if (n < len && len >= 8) {	/* the last 8, again in part */
			uint64_t w;

			memcpy(&w, ct + len - 8, 8);
			w = fieldname_fold8(w);
			memcpy(out + len - 8, &w, 8);
			n = len;
		}
		for (; n < len; n++) {
			unsigned char c = (unsigned char)ct[n];

			out[n] = (char)((unsigned)(c - 'A') < 26 ? c + 'a' - 'A' : c);
		}
		slash = n > 0 && memchr(out, '/', n) != NULL;
	}
	out[n] = '\0';
	if (n == 0 || !slash) {
		/* "text/plain", cut to outlen as snprintf() would cut it */
		n = outlen < sizeof("text/plain") ? outlen - 1 : sizeof("text/plain") - 1;
		memcpy(out, "text/plain", n);
		out[n] = '\0';
	}
}

int
mime_param(const char *ct, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = ct;

	if (ct == NULL || outlen == 0)
		return 0;
	while ((p = strchr(p, ';')) != NULL) {
		size_t n = 0;

		p++;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		/* the first byte in line (name is lowercase), the call only
		 * for a likely match */
		if (((unsigned char)*p | 0x20) != (unsigned char)name[0] ||
		    strncasecmp(p, name, nlen) != 0)
			continue;
		p += nlen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			p++;
			while (*p && *p != '"' && n + 1 < outlen) {
				/* a run without quote or backslash at once */
				size_t k = strcspn(p, "\"\\");

				if (k > outlen - 1 - n)
					k = outlen - 1 - n;
				memcpy(out + n, p, k);
				n += k;
				p += k;
				if (*p != '\\' || n + 1 >= outlen)
					continue;	/* the loop test ends it */
				if (p[1])
					p++;	/* the escaped byte, as it is */
				out[n++] = *p++;
			}
		} else {
			/* up to ';' or a blank of isspace() */
			n = strcspn(p, "; \t\n\v\f\r");
			if (n > outlen - 1)
				n = outlen - 1;
			memcpy(out, p, n);
		}
		out[n] = '\0';
		return 1;
	}
	out[0] = '\0';
	return 0;
}

int
mime_encoding(const char *cte)
{
	while (cte != NULL && (*cte == ' ' || *cte == '\t'))
		cte++;
	if (cte == NULL)
		return MIME_ENC_IDENT;
	/* the first byte in line: "7bit", "8bit", "binary" need no call */
	if ((*cte | 0x20) == 'b' && strncasecmp(cte, "base64", 6) == 0)
		return MIME_ENC_BASE64;
	if ((*cte | 0x20) == 'q' && strncasecmp(cte, "quoted-printable", 16) == 0)
		return MIME_ENC_QP;
	return MIME_ENC_IDENT;
}

size_t
mime_param_span(const char *s, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	for (; n - i >= 16; i += 16) {	/* 16 bytes at a time while 16 are there */
		unsigned m = simd_name_stop16(
		    _mm_loadu_si128((const __m128i *)(const void *)(s + i)), '*');

		if (m != 0)
			return i + (unsigned)__builtin_ctz(m);
	}
#endif
	for (; i < n && (fieldname_byte[(unsigned char)s[i]] & FIELDNAME_PARAM); i++)
		;
	return i;
}

int
mime_param_line(const char *s, size_t n)
{
	size_t i = mime_param_span(s, n);

	return i > 0 && i < n && s[i] == '=';
}
