/*
 * mime_value.c - helpers over MIME header values (see mime.h): the type of
 * a Content-Type, one of its parameters, both with the boundary and
 * report-type in one pass (mime_ct_read(), what mime.c reads of every
 * entity), the transfer encoding, and the test for an unindented
 * "name=value" parameter line.  Plain functions over strings; the caller
 * owns every buffer.
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

/* ' ', '\t', '\n', '\r': what is passed over before a type or a
 * parameter, by table (one load and test a byte). */
static const unsigned char mime_value_lead[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};

void
mime_type(const char *ct, char *out, size_t outlen)
{
	size_t n = 0;
	int slash = 0;

	if (outlen == 0)
		return;
	if (ct != NULL) {
		while (mime_value_lead[(unsigned char)*ct])
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

/* The rest of a quoted parameter value from p (inside the quotes), n
 * bytes of it already in out: its escapes read, cut to outlen - 1 bytes.
 * Returns the value's length. */
static size_t
mime_param_quoted(const char *p, char *out, size_t outlen, size_t n)
{
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
	out[n] = '\0';
	return n;
}

/* The value of a parameter whose '=' (and the blanks after it) ends
 * before p, into out: a quoted string (its escapes read), else up to ';'
 * or a blank of isspace(); cut to outlen - 1 bytes.  Returns its length. */
static size_t
mime_param_value(const char *p, char *out, size_t outlen)
{
	size_t n;

	if (*p == '"')
		return mime_param_quoted(p + 1, out, outlen, 0);
	/* up to ';' or a blank of isspace() */
	n = strcspn(p, "; \t\n\v\f\r");
	if (n > outlen - 1)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

/* mime_param_value() where p's string has MIME_CT_PAD readable bytes past
 * its NUL: with SSE2 its runs read 16 bytes at a time (stored whole while
 * 16 more fit before the cut), up to a quote, a backslash or the NUL for a
 * quoted string, a stop byte for a token; the rest as mime_param_value()
 * reads it. */
static size_t
mime_param_value16(const char *p, char *out, size_t outlen)
{
#ifdef __SSE2__
	size_t n = 0, k;

	if (*p == '"') {
		p++;
		while (n + 16 < outlen) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_setzero_si128()), _mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')))));

			_mm_storeu_si128((__m128i *)(void *)(out + n), x);
			if (m == 0) {
				p += 16;
				n += 16;
				continue;
			}
			k = (unsigned)__builtin_ctz(m);
			p += k;
			n += k;
			if (*p != '\\')
				break;	/* the quote or the NUL: the end */
			if (p[1])
				p++;	/* the escaped byte, as it is */
			out[n++] = *p++;
		}
		return mime_param_quoted(p, out, outlen, n);
	}
	while (n + 16 < outlen) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_setzero_si128()),
				 _mm_cmpeq_epi8(x, _mm_set1_epi8(' '))),
		    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(';')),
		    _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\t' - 1)),
				  _mm_cmplt_epi8(x, _mm_set1_epi8('\r' + 1))))));

		_mm_storeu_si128((__m128i *)(void *)(out + n), x);
		if (m != 0) {
			n += (unsigned)__builtin_ctz(m);
			out[n] = '\0';
			return n;
		}
		p += 16;
		n += 16;
	}
	k = strcspn(p, "; \t\n\v\f\r");
	if (k > outlen - 1 - n)
		k = outlen - 1 - n;
	memcpy(out + n, p, k);
	n += k;
	out[n] = '\0';
	return n;
#else
	return mime_param_value(p, out, outlen);
#endif
}

/* After the ';' at p - 1: where the value of the parameter named lc (n
 * bytes, lowercase) starts, NULL when the parameter there is another (the
 * name compared by words: p's string is NUL-terminated and, as the name
 * holds no NUL, no compare goes on past a mismatch at its NUL; ct buffers
 * hold n readable bytes past it). */
static inline const char *
mime_param_at(const char *p, const char *lc, size_t n)
{
	if (!fieldname_eq_words(p, lc, n))
		return NULL;
	p += n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int
mime_param(const char *ct, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = ct;

	if (ct == NULL || outlen == 0)
		return 0;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (mime_value_lead[(unsigned char)*p])
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
		mime_param_value(p, out, outlen);
		return 1;
	}
	out[0] = '\0';
	return 0;
}

/*
 * mime_type() of ct into type (MIME_TYPE_MAX bytes), read by blocks of 16
 * bytes with SSE2: ct must have MIME_CT_PAD readable bytes past its NUL.
 * Returns the type's length in ct after its leading blanks (*ctp: where it
 * starts), 0 when "text/plain" was put for none.
 */
static inline size_t
mime_type16(const char **ctp, char *type)
{
	const char *ct = *ctp;
	size_t n = 0;
	int slash = 0;

	while (mime_value_lead[(unsigned char)*ct])
		ct++;
	*ctp = ct;
#ifdef __SSE2__
	/* the type's bytes lowercased, 16 at a time, up to ';', a blank of
	 * isspace() or the NUL (stored whole: type has MIME_TYPE_MAX bytes,
	 * a multiple of 16) */
	for (;;) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(ct + n));
		__m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
		    _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
		unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_setzero_si128()),
				 _mm_cmpeq_epi8(x, _mm_set1_epi8(' '))),
		    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(';')),
		    _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\t' - 1)),
				  _mm_cmplt_epi8(x, _mm_set1_epi8('\r' + 1))))));
		unsigned sl = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('/')));
		unsigned k = stop != 0 ? (unsigned)__builtin_ctz(stop) : 16;

		_mm_storeu_si128((__m128i *)(void *)(type + n),
		    _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))));
		if (n + k > MIME_TYPE_MAX - 1)
			k = (unsigned)(MIME_TYPE_MAX - 1 - n);
		slash |= (sl & ((1u << k) - 1)) != 0;
		n += k;
		if (k < 16)
			break;
	}
#else
	{
		size_t len = strcspn(ct, "; \t\n\v\f\r");

		if (len > MIME_TYPE_MAX - 1)
			len = MIME_TYPE_MAX - 1;
		for (; n < len; n++) {
			unsigned char c = (unsigned char)ct[n];

			type[n] = (char)((unsigned)(c - 'A') < 26 ? c + 'a' - 'A' : c);
			slash |= c == '/';
		}
	}
#endif
	type[n] = '\0';
	if (n == 0 || !slash) {
		memcpy(type, "text/plain", sizeof("text/plain"));
		return 0;
	}
	return n;
}

/*
 * What mime_type() reads from ct into type and, for a multipart/ type,
 * what mime_param() reads of "boundary" into boundary and, for
 * multipart/report, of "report-type" (then lowercased) into report_type:
 * one pass over the parameters for both.  The type is read by
 * mime_type16(): ct must have MIME_CT_PAD readable bytes past its NUL.
 * report_type is written only for a multipart/report with a boundary.
 * Returns the boundary's length for a multipart whose boundary is not
 * empty, else 0.
 */
size_t
mime_ct_read(const char *ct, char *type, char *boundary, char *report_type)
{
	size_t n, bl = 0;
	int report, have_b = 0, have_r = 0;
	const char *p;

	if ((n = mime_type16(&ct, type)) == 0)
		return 0;
	if (!MIME_TYPE_HAS(type, "multipart/"))
		return 0;
	/* the parameters: the first of each name wins; a ';' is looked for
	 * from the type's end (none comes before) as mime_param() looks for
	 * them, quotes or not */
	report = MIME_TYPE_IS(type, "multipart/report");
	p = ct + n;
	while ((p = strchr(p, ';')) != NULL) {
		const char *v;

		p++;
		while (mime_value_lead[(unsigned char)*p])
			p++;
		if (((unsigned char)*p | 0x20) == 'b') {
			if (!have_b && (v = mime_param_at(p, "boundary", 8)) != NULL) {
				bl = mime_param_value16(v, boundary,
							MIME_BOUNDARY_MAX + 1);
				have_b = 1;
			}
		} else if (((unsigned char)*p | 0x20) == 'r') {
			if (report && !have_r &&
			    (v = mime_param_at(p, "report-type", 11)) != NULL) {
				size_t i, rl = mime_param_value16(v, report_type,
								  MIME_PARAM_MAX);
				uint64_t w;

				for (i = 0; i + 8 <= rl; i += 8) {	/* lowercase */
					memcpy(&w, report_type + i, 8);
					w = fieldname_fold8(w);
					memcpy(report_type + i, &w, 8);
				}
				if (i < rl && rl >= 8) {	/* the last 8 again */
					memcpy(&w, report_type + rl - 8, 8);
					w = fieldname_fold8(w);
					memcpy(report_type + rl - 8, &w, 8);
					i = rl;
				}
				for (; i < rl; i++)
					if ((unsigned)(report_type[i] - 'A') < 26)
						report_type[i] = (char)(report_type[i] + 'a' - 'A');
				have_r = 1;
			}
		}
		if (have_b && (have_r || !report))
			break;
	}
	if (bl == 0) {
		report_type[0] = '\0';	/* (read only with a boundary) */
		return 0;
	}
	if (report && !have_r)
		report_type[0] = '\0';
	return bl;
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
