/*
 * rawfeed.c - raw stored message -> engine calls, as libmilter would make
 * them (see rawfeed.h).  Header lines are gathered one field at a time
 * (continuation lines joined with "\n", as Postfix passes them); the first
 * line that is neither a field nor a continuation ends the header block,
 * like a blank line, and is handed on as body.  A leading mbox "From " line
 * is skipped.
 *
 * Most fields are read where they lie, found and given to the engine
 * without the line and field buffers (rawfeed_fields(), in
 * rawfeed_fields.c, with its AVX2 build; the state both files share is
 * in rawfeed_int.h).
 * What that cannot take (a field cut by a chunk's end, a NUL, a lone CR,
 * a field over max_header, a blank line first) goes a line at a time through
 * rawfeed_header_line(), which gives the same calls: a header line whole
 * in a chunk is read where it lies, one cut by a chunk's end is gathered
 * in the line buffer first.  A field goes to the engine with the count of
 * its joins when it holds no CR and no NUL (engine_header_nl()), which
 * spares the engine a scan.  Memory: one line buffer and one field buffer
 * of max_header bytes (and 32 for wide loads), owned by the rawfeed.
 */
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <stdint.h>

#include "rawfeed.h"
#include "rawfeed_int.h"
#include "engine_int.h"
#include "mime.h"
#include "fieldname.h"
#include "simd.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define RAWFEED_AVX2 1
#endif

rawfeed *
rawfeed_new(engine *e)
{
	rawfeed *rf = calloc(1, sizeof(*rf));

	if (rf == NULL)
		return NULL;
	rf->e = e;
	rf->max = engine_caps(e)->max_header;
	rf->line = malloc(rf->max + 2);
	rf->field = calloc(1, rf->max + 1 + RAWFEED_SLACK);
	if (rf->line == NULL || rf->field == NULL) {
		rawfeed_free(rf);
		return NULL;
	}
	return rf;
}

void
rawfeed_free(rawfeed *rf)
{
	if (rf == NULL)
		return;
	free(rf->line);
	free(rf->field);
	free(rf);
}

void
rawfeed_begin(rawfeed *rf, const char *sender)
{
	engine_reset(rf->e);
	engine_envfrom(rf->e, sender);
	rf->phase = RF_HEADERS;
	rf->first_line = 1;
	rf->llen = 0;
	rf->flen = 0;
}

/* The code the vector scans run (rawfeed_field_end(), rawfeed_nul_cr()):
 * 2 AVX2, 1 SSE2, 0 a byte at a time; picked once (simd_pick(): by the
 * build and the CPU, 0 when BOUNCETAG_NO_SIMD is set), or by tests
 * (rawfeed_simd_force()); -1 until then. */
static int rawfeed_simd = -1;

/* The code built besides the plain one (SIMD_* bits). */
#ifdef RAWFEED_AVX2
#define RAWFEED_BUILT	(SIMD_BUILT_SSE2 | SIMD_AVX2)
#else
#define RAWFEED_BUILT	SIMD_BUILT_SSE2
#endif

int
rawfeed_simd_force(int level)
{
	int l = simd_pick(RAWFEED_BUILT, level);

	__atomic_store_n(&rawfeed_simd, l, __ATOMIC_RELAXED);
	return l;
}

/* rawfeed_simd, picked on first use. */
int
rawfeed_level(void)
{
	int level = __atomic_load_n(&rawfeed_simd, __ATOMIC_RELAXED);

	if (level < 0) {	/* a race only picks the same twice */
		level = simd_pick(RAWFEED_BUILT, -1);
		__atomic_store_n(&rawfeed_simd, level, __ATOMIC_RELAXED);
	}
	return level;
}

#ifdef RAWFEED_AVX2
/* rawfeed_nul_cr() 32 bytes at a time, on a CPU with AVX2. */
__attribute__((target("avx2"))) static size_t
rawfeed_nul_cr_avx2(const char *f, int *cr)
{
	const __m256i z = _mm256_setzero_si256(), r = _mm256_set1_epi8('\r');
	unsigned seen = 0, zm, rm, k;
	size_t i;

	for (i = 0;; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(f + i));

		zm = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, z));
		rm = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, r));
		if (zm != 0) {
			k = (unsigned)__builtin_ctz(zm);
			*cr = seen != 0 || (rm & ((1u << k) - 1)) != 0;
			return i + k;
		}
		seen |= rm;
	}
}
#endif

/* The offset of the first NUL in f[0..n] (f[n] is one), and in *cr
 * whether a CR comes before it: one pass for both, 32 or 16 bytes at a
 * time (f is followed by RAWFEED_SLACK readable bytes). */
static size_t
rawfeed_nul_cr(const char *f, size_t n, int *cr)
{
	int level = rawfeed_level();
	size_t i;

	(void)level;
#ifdef RAWFEED_AVX2
	if (level == 2)
		return rawfeed_nul_cr_avx2(f, cr);
#endif
#ifdef __SSE2__
	if (level == 1) {
		const __m128i z = _mm_setzero_si128(), r = _mm_set1_epi8('\r');
		unsigned seen = 0, zm, rm, k;

		for (i = 0;; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(f + i));

			zm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, z));
			rm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, r));
			if (zm != 0) {
				k = (unsigned)__builtin_ctz(zm);
				*cr = seen != 0 || (rm & ((1u << k) - 1)) != 0;
				return i + k;
			}
			seen |= rm;
		}
	}
#endif
	*cr = 0;
	for (i = 0; i < n && f[i] != '\0'; i++)
		*cr |= f[i] == '\r';
	return i;
}

void
rawfeed_flush_field(rawfeed *rf)
{
	char *f = rf->field, *colon, *v, *end;
	size_t flen = rf->flen, nlf;
	int cr;

	if (flen == 0)
		return;
	f[flen] = '\0';
	end = f + rawfeed_nul_cr(f, flen, &cr);	/* a NUL ends the value */
	rf->flen = 0;
	/* the first line was a field: its name holds no ':' and no NUL */
	if (rf->colon >= (size_t)(end - f))
		return;		/* cut off before its colon */
	colon = f + rf->colon;
	v = colon + 1;
	while (colon > f && (colon[-1] == ' ' || colon[-1] == '\t'))
		colon--;
	*colon = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	/* the LFs are all after the colon (the first line holds it); a NUL
	 * may have cut some off, and a line may hold a bare CR */
	nlf = end == f + flen && !cr ? rf->nlf : (size_t)-1;
	engine_header_nl(rf->e, f, (size_t)(colon - f), v, (size_t)(end - v),
			 nlf);
}

void
rawfeed_eoh(rawfeed *rf)
{
	rawfeed_flush_field(rf);
	rf->phase = engine_eoh(rf->e) == ENGINE_NOT_BOUNCE ? RF_DONE : RF_BODY;
}

/* When the line starts a field ("Name:" or "Name :"), 1 + the offset of
 * its colon, else 0; the first i bytes are already known to be name bytes
 * (no blank, control, ':' or 8-bit). */
static size_t
rawfeed_is_field(const char *s, size_t n, size_t i)
{
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return i > 0 ? i + 1 : 0;
		if (c <= ' ' || c >= 127)
			break;
	}
	/* "Name :" */
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i > 0 && i < n && s[i] == ':' ? i + 1 : 0;
}

static void
rawfeed_append(rawfeed *rf, const char *s, size_t n)
{
	if (n > rf->max - rf->flen) {
		n = rf->max - rf->flen;
		engine_note_caps(rf->e, BT_CAP_HEADER);
	}
	memcpy(rf->field + rf->flen, s, n);
	rf->flen += n;
}

/* A line joined to the field: the join (sep: "\n" or "\n ", cut by the
 * cap as any byte) and the line, in one call. */
static void
rawfeed_join(rawfeed *rf, const char *sep, size_t seplen, const char *s,
	     size_t n)
{
	size_t room = rf->max - rf->flen;

	if (seplen + n <= room) {	/* the common case: it all fits */
		memcpy(rf->field + rf->flen, sep, seplen);
		memcpy(rf->field + rf->flen + seplen, s, n);
		rf->flen += seplen + n;
		rf->nlf++;
		return;
	}
	rf->nlf += room > 0;	/* the LF goes in while there is room */
	rawfeed_append(rf, sep, seplen);
	rawfeed_append(rf, s, n);
}

/* One complete header-block line (without its LF); 1 when it is body. */
static int
rawfeed_header_line(rawfeed *rf, const char *s, size_t n)
{
	size_t len = n, i, colon;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (rf->first_line) {
		rf->first_line = 0;
		if (len >= 5 && memcmp(s, "From ", 5) == 0)
			return 0;
	}
	if (len == 0) {
		rawfeed_eoh(rf);
		return 0;
	}
	if ((s[0] == ' ' || s[0] == '\t') && rf->flen > 0) {
		rawfeed_join(rf, "\n", 1, s, len);
		return 0;
	}
	/* one scan of the name: parameter-name bytes first */
	i = mime_param_span(s, len);
	if (rf->flen > 0 && i > 0 && i < len && s[i] == '=') {
		/* unindented parameter line (as mime_param_line() says) */
		rawfeed_join(rf, "\n ", 2, s, len);
		return 0;
	}
	if ((colon = rawfeed_is_field(s, len, i)) != 0) {
		rawfeed_flush_field(rf);
		rf->colon = colon - 1;	/* the field's first ':' */
		rf->nlf = 0;
		rawfeed_append(rf, s, len);
		return 0;
	}
	rawfeed_eoh(rf);	/* not a header: the body starts here */
	return 1;
}

/* The continuation lines that follow a field line, whole in the chunk,
 * joined as rawfeed_header_line() joins them (rawfeed_join()'s common
 * case) without a call per line: a line that starts with a blank, ends
 * with a bare LF, and fits the field.  Returns the bytes used; the first
 * line it leaves goes through rawfeed_header_line(). */
static size_t
rawfeed_continuations(rawfeed *rf, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t n;

	if (rf->phase != RF_HEADERS || rf->flen == 0)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t') &&
	       (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n = (size_t)(nl - p);
		if (p[n - 1] == '\r' || n + 1 > rf->max - rf->flen)
			break;		/* n > 0: the line starts with a blank */
		rf->field[rf->flen] = '\n';
		memcpy(rf->field + rf->flen + 1, p, n);
		rf->flen += n + 1;
		rf->nlf++;
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

void
rawfeed_feed(rawfeed *rf, const char *buf, size_t len)
{
	while (len > 0 && rf->phase == RF_HEADERS) {
		size_t k;
		const char *nl;
		size_t n;

		if (rf->llen == 0 && (k = rawfeed_fields(rf, buf, len)) > 0) {
			buf += k;
			len -= k;
			if (len == 0 || rf->phase != RF_HEADERS)
				break;
		}
		nl = memchr(buf, '\n', len);
		n = nl ? (size_t)(nl - buf) : len;

		if (nl != NULL && rf->llen == 0 && n <= rf->max + 1) {
			/* a whole line in the chunk: read it where it is */
			if (rawfeed_header_line(rf, buf, n) && rf->phase == RF_BODY &&
			    engine_body(rf->e, buf, n + 1) == ENGINE_ENOUGH)
				rf->phase = RF_DONE;
			buf += n + 1;
			len -= n + 1;
			k = rawfeed_continuations(rf, buf, len);
			buf += k;
			len -= k;
			continue;
		}
		k = rf->max + 1 - rf->llen < n ? rf->max + 1 - rf->llen : n;
		if (k < n)
			engine_note_caps(rf->e, BT_CAP_HEADER);
		memcpy(rf->line + rf->llen, buf, k);
		rf->llen += k;
		buf += nl ? n + 1 : n;
		len -= nl ? n + 1 : n;
		if (nl == NULL)
			return;
		if (rawfeed_header_line(rf, rf->line, rf->llen) &&
		    rf->phase == RF_BODY) {
			rf->line[rf->llen] = '\n';
			if (engine_body(rf->e, rf->line, rf->llen + 1) == ENGINE_ENOUGH)
				rf->phase = RF_DONE;
		}
		rf->llen = 0;
	}
	if (rf->phase == RF_BODY && len > 0 &&
	    engine_body(rf->e, buf, len) == ENGINE_ENOUGH)
		rf->phase = RF_DONE;
}

const bt_result *
rawfeed_end(rawfeed *rf)
{
	if (rf->phase == RF_HEADERS) {
		if (rf->llen > 0) {
			if (rawfeed_header_line(rf, rf->line, rf->llen) &&
			    rf->phase == RF_BODY)
				engine_body(rf->e, rf->line, rf->llen);
		}
		if (rf->phase == RF_HEADERS)
			rawfeed_eoh(rf);
	}
	rf->llen = 0;
	rf->phase = RF_DONE;
	return engine_eom(rf->e);
}

const bt_result *
rawfeed_message(rawfeed *rf, const char *sender, const char *msg, size_t len,
		size_t chunk)
{
	size_t off = 0;

	rawfeed_begin(rf, sender);
	if (chunk == 0)
		chunk = len;
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;

		rawfeed_feed(rf, msg + off, n);
		off += n;
	}
	return rawfeed_end(rf);
}
