/*
 * rawfeed.c - raw stored message -> engine calls, as libmilter would make
 * them (see rawfeed.h).  Header lines are gathered one field at a time
 * (continuation lines joined with "\n", as Postfix passes them); the first
 * line that is neither a field nor a continuation ends the header block,
 * like a blank line, and is handed on as body.  A leading mbox "From " line
 * is skipped.
 *
 * Most fields are read where they lie (rawfeed_fields()): a field whose
 * lines are all in the chunk, with the line after it, is found by one
 * vector scan for its LFs (CRs and NULs noted and counted on the way),
 * classified once (fieldname_id_inline()) and given to the engine at
 * once; only a value the engine reads as a string is copied (its CRs left
 * out; engine_header_reads(), engine_header_id_inline(); From and To are
 * read by their lengths, ENGINE_BY_LENGTH_IDS), and the others,
 * most fields, go where they lie with the count of the CRs and LFs the
 * engine drops (engine_header_skip(), in line: only their lengths and
 * names are read); a blank line after them ends the headers there.  On a
 * CPU with AVX2 that loop is built as a whole (rawfeed_fields_avx2()).
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

enum { RF_HEADERS = 0, RF_BODY, RF_DONE };

#define RAWFEED_SLACK	32	/* bytes after the field buffer for wide loads */

struct rawfeed {
	engine *e;
	size_t max;		/* max_header */
	int phase;
	int first_line;
	char *line;		/* max + 2 */
	size_t llen;
	char *field;		/* max + 1 */
	size_t flen;
	size_t colon;		/* offset of the field's first ':' */
	size_t nlf;		/* LFs in field (the joins of its lines) */
};

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
static inline int
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

static void
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

static void
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

#define RAWFEED_NONE	((size_t)-1)

/* rawfeed_field_end() for one block of w bytes at s + i, as masks (bit j:
 * byte i + j is a LF; a CR; a NUL): 1 when the end is found or ruled out
 * (*res: its offset or RAWFEED_NONE), 0 when the field goes on.  A CR is
 * welcome right before a LF only (the line's end, as rawfeed_header_line()
 * strips it); *crs counts those before the end. */
static inline int
rawfeed_end_block(const char *s, size_t n, size_t i, unsigned w, uint32_t lf,
		  uint32_t cr, uint32_t nul, size_t *nlf, size_t *crs,
		  size_t *res)
{
	uint32_t bad = nul;

	if (cr != 0) {
		uint32_t next = i + w < n && s[i + w] == '\n';

		bad |= cr & ~((lf >> 1) | next << (w - 1));
	}
	while (lf != 0) {
		unsigned k = (unsigned)__builtin_ctz(lf);
		size_t pos = i + k;

		if (pos + 1 >= n) {		/* the next line is out of sight */
			*res = RAWFEED_NONE;
			return 1;
		}
		if (s[pos + 1] != ' ' && s[pos + 1] != '\t') {
			*res = bad & ((1u << k) - 1) ? RAWFEED_NONE : pos;
			if (cr != 0)
				*crs += (size_t)__builtin_popcount(cr & ((1u << k) - 1));
			return 1;
		}
		(*nlf)++;			/* a continuation line */
		lf &= lf - 1;
	}
	if (bad != 0) {
		*res = RAWFEED_NONE;
		return 1;
	}
	if (cr != 0)
		*crs += (size_t)__builtin_popcount(cr);
	return 0;
}

/* The tail of rawfeed_field_end(), a byte at a time from i. */
static size_t
rawfeed_end_tail(const char *s, size_t n, size_t i, size_t *nlf, size_t *crs)
{
	for (; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			(*crs)++;
			continue;
		}
		if (s[i] == '\r' || s[i] == '\0')
			return RAWFEED_NONE;
		if (s[i] != '\n')
			continue;
		if (i + 1 >= n)
			return RAWFEED_NONE;
		if (s[i + 1] != ' ' && s[i + 1] != '\t')
			return i;
		(*nlf)++;
	}
	return RAWFEED_NONE;
}

#ifdef RAWFEED_AVX2
/* The constants of rawfeed_fields_avx2(), made once per call and kept
 * opaque to the compiler (an empty asm), which would else make them again
 * for each field, a third of the instructions of a short one. */
typedef struct rawfeed_k {
	__m256i lf, cr;		/* every byte '\n', '\r' */
	__m128i lo, hi, nib;	/* rawfeed_span_avx2()'s tables, and 0x0f */
	__m256i lo2, hi2, nib2;	/* the same in both lanes */
} rawfeed_k;

/* rawfeed_field_end() 32 bytes at a time, on a CPU with AVX2 (in line in
 * rawfeed_fields_avx2()). */
__attribute__((target("avx2"), always_inline)) static inline size_t
rawfeed_field_end_avx2(const char *s, size_t n, size_t *nlf, size_t *crs,
		       const rawfeed_k *k)
{
	const __m256i l = k->lf, r = k->cr, z = _mm256_setzero_si256();
	size_t i, res, stop = n >= 32 ? n - 32 : 0;	/* the last whole block */

	*nlf = 0;
	*crs = 0;
	if (n < 32)
		return rawfeed_end_tail(s, n, 0, nlf, crs);
	for (i = 0; i <= stop; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		__m256i c;
		uint32_t lf, crnul, cr;

		/* most blocks hold no byte up to CR: one test for LF, CR and
		 * NUL (and the other controls, tabs) */
		if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_min_epu8(x, r), x)) == 0)
			continue;
		c = _mm256_cmpeq_epi8(x, r);
		lf = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, l));
		/* CRs and NULs together: both are rare */
		crnul = (uint32_t)_mm256_movemask_epi8(
		    _mm256_or_si256(c, _mm256_cmpeq_epi8(x, z)));
		cr = crnul != 0 ? (uint32_t)_mm256_movemask_epi8(c) : 0;
		if ((lf | crnul) != 0 && rawfeed_end_block(s, n, i, 32, lf, cr,
							   crnul & ~cr, nlf, crs, &res))
			return res;
	}
	return rawfeed_end_tail(s, n, i, nlf, crs);
}
#endif

/* Where the field whose first line starts at s ends, when all its lines
 * lie in the n bytes at s: the offset of the LF after which no line
 * starting with a blank follows (the byte after it must lie in the n),
 * with its LFs (the joins of its lines) in *nlf and in *crs the CRs that
 * end its lines.  RAWFEED_NONE when that is not in sight, or when a NUL
 * or a CR elsewhere comes first (rawfeed_header_line() sees to those).
 * One pass, 16 bytes at a time (level 1) or a byte at a time (level 0;
 * level 2 runs rawfeed_field_end_avx2() instead, in rawfeed_fields_avx2()). */
static inline size_t
rawfeed_field_end(const char *s, size_t n, size_t *nlf, size_t *crs, int level)
{
	size_t i = 0;

	*nlf = 0;
	*crs = 0;
#ifdef __SSE2__
	if (level == 1) {
		const __m128i l = _mm_set1_epi8('\n'), r = _mm_set1_epi8('\r'),
		    z = _mm_setzero_si128();
		size_t res;

		for (; n - i >= 16; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			uint32_t lf = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, l));
			uint32_t cr = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, r));
			uint32_t nul = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, z));

			if ((lf | cr | nul) != 0 &&
			    rawfeed_end_block(s, n, i, 16, lf, cr, nul, nlf, crs, &res))
				return res;
		}
	}
#endif
	return rawfeed_end_tail(s, n, i, nlf, crs);
}

/* A field read where it lies (s: its first line, colon: the offset of its
 * ':', its name all parameter-name bytes, end: of the LF that ends it; nlf LFs inside; crs: the CRs that end
 * its lines), given to the engine as rawfeed_flush_field() would give it.
 * A value the engine reads as a string is copied to the field buffer to
 * be NUL-terminated, the CRs left out (as rawfeed_header_line() leaves
 * them); one it reads by its length (ENGINE_BY_LENGTH_IDS: From, To) goes
 * where it lies unless it holds CRs; the others (most fields: Received,
 * DKIM-Signature, X-...) are passed where they lie, CRs and all, with the
 * count of the CRs and LFs the engine drops (engine_header_skip()). */
static inline __attribute__((always_inline)) void
rawfeed_emit(rawfeed *rf, const char *s, size_t colon, size_t end, size_t nlf,
	     size_t crs)
{
	const char *v, *ve, *p, *q;
	int id = fieldname_id_token_inline(s, colon);	/* (SPAN's bytes) */
	char *f = rf->field;

	if (!engine_header_reads(id)) {
		/* the blanks skipped are the same with or without the CRs:
		 * a CR is always right before a LF */
		v = s + colon + 1;
		ve = s + end;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		engine_header_skip(rf->e, id, s, colon, v, (size_t)(ve - v),
				   nlf + crs);
		return;
	}
	if (crs == 0 && ((ENGINE_BY_LENGTH_IDS >> id) & 1)) {
		/* read by their lengths: where they lie, too */
	} else if (crs == 0) {
		memcpy(f, s, end);
		f[colon] = '\0';
		f[end] = '\0';
		s = f;
	} else {
		/* every CR is right before a LF: leave them all out */
		const char *e = s + end;
		size_t o = 0;

		for (p = s; (q = memchr(p, '\r', (size_t)(e - p))) != NULL;
		    p = q + 1) {
			memcpy(f + o, p, (size_t)(q - p));
			o += (size_t)(q - p);
		}
		memcpy(f + o, p, (size_t)(e - p));
		end = o + (size_t)(e - p);
		f[colon] = '\0';
		f[end] = '\0';
		s = f;
	}
	v = s + colon + 1;
	ve = s + end;
	while (v < ve && (*v == ' ' || *v == '\t'))
		v++;
	engine_header_id_inline(rf->e, id, s, colon, v, (size_t)(ve - v), nlf);
}

/* mime_param_span() (the bytes of a parameter name at s) with its first
 * 16 bytes in line (simd_name_stop16(), as mime_param_span() tests them):
 * most field names are shorter, and a call per line costs as much as the
 * test. */
static inline size_t
rawfeed_span(const char *s, size_t n)
{
#if SIMD_BUILT_SSE2	/* (as simd.h saw __SSE2__, intrinsics aside) */
	if (n >= 16) {
		unsigned m = simd_name_stop16(
		    _mm_loadu_si128((const __m128i *)(const void *)s), '*');

		return m != 0 ? (size_t)__builtin_ctz(m) :
				16 + mime_param_span(s + 16, n - 16);
	}
#endif
	return mime_param_span(s, n);
}

/* The common case of the header block, without the line and field
 * buffers: fields ("Name:", the name all parameter-name bytes) whose
 * lines all lie in buf, end with a bare LF, hold no NUL, fit max_header,
 * and are followed in buf by a line that is neither a continuation nor an
 * unindented parameter line, so that it is known where they end.  Each
 * goes to the engine at once (after the field held before it, if any).
 * Returns the bytes used; what is left goes through rawfeed_header_line()
 * (which gives the same result for any line: this only skips its copies).
 * Written once (RAWFEED_FIELDS(), SPAN(s, n): rawfeed_span(), END(s, n,
 * nlf, crs): the scan for a field's end), built twice: for AVX2, where
 * the scan runs in line, its constants kept in registers from field to
 * field (a call per field cost a quarter of the field's instructions),
 * and for the other levels. */
#define RAWFEED_FIELDS(SPAN, END, START)				\
	size_t off = (START), i, j, end, nlf, crs, n, rest;		\
	const size_t cap = rf->max + 2;					\
	const char *s;							\
									\
	i = SPAN(buf + off, len - off);					\
	for (;;) {							\
		s = buf + off;						\
		rest = len - off;					\
		/* a field line, which cannot be a From_ line either */	\
		if (i == 0 || i >= rest || s[i] != ':') {		\
			/* after a field, the blank line that ends the	\
			 * header block (as rawfeed_header_line() reads	\
			 * it: the end of the headers, not body) */	\
			if (i == 0 && off > 0 && (s[0] == '\n' ||	\
			    (s[0] == '\r' && rest > 1 && s[1] == '\n'))) { \
				rawfeed_eoh(rf);			\
				off += s[0] == '\n' ? 1 : 2;		\
			}						\
			break;						\
		}							\
		n = rest < cap ? rest : cap;				\
		if ((end = END(s, n, &nlf, &crs)) == RAWFEED_NONE)	\
			break;						\
		/* the next line: an unindented parameter line would	\
		 * join it */						\
		j = SPAN(s + end + 1, rest - end - 1);			\
		if (j >= rest - end - 1 || (j > 0 && s[end + 1 + j] == '=')) \
			break;						\
		if (off == 0) {	/* (then none is held, and not the first) */ \
			if (rf->flen > 0)				\
				rawfeed_flush_field(rf);		\
			rf->first_line = 0;				\
		}							\
		rawfeed_emit(rf, s, i, end, nlf, crs);			\
		off += end + 1;						\
		i = j;							\
	}								\
	return off

#ifdef RAWFEED_AVX2
/* rawfeed_span() with SSSE3's byte shuffles: a byte's class looked up by
 * its low and its high half (k->lo, k->hi: bits that must meet), as
 * mime_param_span() tests them (ASCII letters, digits, '-', '_', '*'). */
__attribute__((target("avx2"), always_inline)) static inline size_t
rawfeed_span_avx2(const char *s, size_t n, const rawfeed_k *k)
{
	if (n >= 32) {
		/* 32 bytes (names of 16 bytes and more are common:
		 * Content-Transfer-Encoding, Authentication-Results) */
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)s);
		__m256i c = _mm256_and_si256(
		    _mm256_shuffle_epi8(k->lo2, _mm256_and_si256(x, k->nib2)),
		    _mm256_shuffle_epi8(k->hi2, _mm256_and_si256(
			_mm256_srli_epi16(x, 4), k->nib2)));
		unsigned m = (unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(c, _mm256_setzero_si256()));

		return m != 0 ? (size_t)__builtin_ctz(m) :
				32 + mime_param_span(s + 32, n - 32);
	}
	if (n >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i c = _mm_and_si128(
		    _mm_shuffle_epi8(k->lo, _mm_and_si128(x, k->nib)),
		    _mm_shuffle_epi8(k->hi,
				     _mm_and_si128(_mm_srli_epi16(x, 4), k->nib)));
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(c, _mm_setzero_si128()));

		return m != 0 ? (size_t)__builtin_ctz(m) :
				16 + mime_param_span(s + 16, n - 16);
	}
	return mime_param_span(s, n);
}

/* Bits by a byte's high half: 1 for 0x2_, 2 for 0x3_, 4 for 0x4_ and
 * 0x6_, 8 for 0x5_ and 0x7_, 16 for 0x5_ too ('_'); by its low half, the
 * bits of the high halves where that byte is a name byte: '*' 0x2a and
 * '-' 0x2d; '0'-'9'; 'A'-'O', 'a'-'o'; 'P'-'Z', 'p'-'z'; '_' 0x5f. */
static const unsigned char rawfeed_span_hi[16] = {
	0, 0, 1, 2, 4, 8 | 16, 4, 8,
};
static const unsigned char rawfeed_span_lo[16] = {
	2 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8,
	2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 2 | 4 | 8, 1 | 4 | 8, 4, 4,
	1 | 4, 4, 4 | 16,
};

#define RAWFEED_END_AVX2(s, n, nlf, crs) rawfeed_field_end_avx2(s, n, nlf, crs, &k)
#define RAWFEED_SPAN_AVX2(s, n) rawfeed_span_avx2(s, n, &k)

/* *k made, opaque (see rawfeed_k). */
__attribute__((target("avx2"), always_inline)) static inline void
rawfeed_k_make(rawfeed_k *k)
{
	k->lf = _mm256_set1_epi8('\n');
	k->cr = _mm256_set1_epi8('\r');
	k->lo = _mm_loadu_si128((const __m128i *)(const void *)rawfeed_span_lo);
	k->hi = _mm_loadu_si128((const __m128i *)(const void *)rawfeed_span_hi);
	k->nib = _mm_set1_epi8(0x0f);
	k->lo2 = _mm256_broadcastsi128_si256(k->lo);
	k->hi2 = _mm256_broadcastsi128_si256(k->hi);
	k->nib2 = _mm256_set1_epi8(0x0f);
	__asm__("" : "+x"(k->lf), "+x"(k->cr), "+x"(k->lo), "+x"(k->hi),
		"+x"(k->nib), "+x"(k->lo2), "+x"(k->hi2), "+x"(k->nib2));
}

/* The LFs of the 64 bytes at buf + base (len - base of them when fewer)
 * into *lf (bit j: the byte at base + j), and in *cr whether CRs are
 * among them; 0 when a NUL is, or a CR not right before a LF (a CR as
 * the last byte of buf too). */
__attribute__((target("avx2"), always_inline)) static inline int
rawfeed_block_lf(const char *buf, size_t len, size_t base, uint64_t *lf,
		 int *cr, const rawfeed_k *k)
{
	const char *p = buf + base;
	char tmp[64];
	__m256i x, y, xr, yr, z = _mm256_setzero_si256();
	uint64_t crm, rare, next;

	if (len - base < 64) {	/* (the rest as blanks: no LF, CR or NUL) */
		memset(tmp, ' ', sizeof(tmp));
		memcpy(tmp, p, len - base);
		p = tmp;
	}
	x = _mm256_loadu_si256((const __m256i *)(const void *)p);
	y = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	xr = _mm256_cmpeq_epi8(x, k->cr);
	yr = _mm256_cmpeq_epi8(y, k->cr);
	*lf = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, k->lf)) |
	      (uint64_t)(uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(y, k->lf)) << 32;
	*cr = 0;
	if (_mm256_testz_si256(
	    _mm256_or_si256(_mm256_or_si256(xr, _mm256_cmpeq_epi8(x, z)),
			    _mm256_or_si256(yr, _mm256_cmpeq_epi8(y, z))),
	    _mm256_cmpeq_epi8(z, z)))
		return 1;	/* most blocks: neither CR nor NUL */
	crm = (uint32_t)_mm256_movemask_epi8(xr) |
	      (uint64_t)(uint32_t)_mm256_movemask_epi8(yr) << 32;
	rare = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, z)) |
	       (uint64_t)(uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(y, z)) << 32;
	next = len - base > 64 && p[64] == '\n';	/* (p is buf + base then) */
	if (rare != 0 || (crm & ~((*lf >> 1) | next << 63)) != 0)
		return 0;
	*cr = 1;
	return 1;
}

/* The fields loop (RAWFEED_FIELDS()) for the fields before the first
 * 64-byte block of buf that holds a NUL or a CR elsewhere than right
 * before a LF (most header blocks hold none), their ends read off the LFs
 * of each block, found once for all the fields in it (most are shorter
 * than a block), not by a scan from each field's start: the first LF
 * after which no blank follows ends a field, as rawfeed_field_end() says,
 * and the CRs it counts are those right before the field's LFs (once a
 * block held CRs).  Gives the same calls as RAWFEED_FIELDS(), stops where
 * it would stop or at the field that reaches such a block, and returns
 * the bytes used. */
__attribute__((target("avx2"), always_inline)) static inline size_t
rawfeed_fields_lf_avx2(rawfeed *rf, const char *buf, size_t len,
		       const rawfeed_k *k)
{
	const size_t cap = rf->max + 2;
	size_t off = 0, base = 0, i, j, p, nlf, crs, rest, lim;
	uint64_t m;
	const char *s;
	int cr, crs_seen;

	if (!rawfeed_block_lf(buf, len, 0, &m, &cr, k))
		return 0;
	crs_seen = cr;
	i = rawfeed_span_avx2(buf, len, k);
	for (;;) {
		s = buf + off;
		rest = len - off;
		if (i == 0 || i >= rest || s[i] != ':') {
			/* the blank line after the fields (as in RAWFEED_FIELDS()) */
			if (i == 0 && off > 0 && (s[0] == '\n' ||
			    (s[0] == '\r' && rest > 1 && s[1] == '\n'))) {
				rawfeed_eoh(rf);
				off += s[0] == '\n' ? 1 : 2;
			}
			return off;
		}
		/* its end: its LFs are the bits of m, block after block;
		 * the byte after it must lie in the field's n bytes */
		lim = rest < cap ? len : off + cap;
		nlf = crs = 0;
		for (;;) {
			while (m == 0) {
				base += 64;
				if (base >= len ||
				    !rawfeed_block_lf(buf, len, base, &m, &cr, k))
					return off;
				crs_seen |= cr;
			}
			p = base + (size_t)__builtin_ctzll(m);
			m &= m - 1;
			if (p + 1 >= lim)
				return off;	/* out of sight, or too long */
			if (crs_seen && buf[p - 1] == '\r')
				crs++;		/* (p > off: the colon is before) */
			if (buf[p + 1] != ' ' && buf[p + 1] != '\t')
				break;
			nlf++;			/* a continuation line */
		}
		j = rawfeed_span_avx2(buf + p + 1, len - p - 1, k);
		if (j >= len - p - 1 || (j > 0 && buf[p + 1 + j] == '='))
			return off;
		if (off == 0) {	/* (then none is held, and not the first) */
			if (rf->flen > 0)
				rawfeed_flush_field(rf);
			rf->first_line = 0;
		}
		rawfeed_emit(rf, s, i, p - off, nlf, crs);
		off = p + 1;
		i = j;
	}
}

__attribute__((target("avx2"))) static size_t
rawfeed_fields_avx2(rawfeed *rf, const char *buf, size_t len)
{
	rawfeed_k k;
	size_t start;

	rawfeed_k_make(&k);
	/* most fields there, the rest (after a NUL or a lone CR) here */
	start = rawfeed_fields_lf_avx2(rf, buf, len, &k);
	if (rf->phase != RF_HEADERS || start == len)
		return start;
	RAWFEED_FIELDS(RAWFEED_SPAN_AVX2, RAWFEED_END_AVX2, start);
}

__attribute__((target("avx2"))) static size_t
rawfeed_span_avx2_test(const char *s, size_t n)
{
	rawfeed_k k;

	rawfeed_k_make(&k);
	return rawfeed_span_avx2(s, n, &k);
}
#endif

size_t
rawfeed_name_span(const char *s, size_t n)
{
#ifdef RAWFEED_AVX2
	if (rawfeed_level() == 2)
		return rawfeed_span_avx2_test(s, n);
#endif
	return rawfeed_span(s, n);
}

/* rawfeed_field_end() at the level in force, but AVX2. */
#define RAWFEED_END_NOAVX2(s, n, nlf, crs) rawfeed_field_end(s, n, nlf, crs, level)

static size_t
rawfeed_fields(rawfeed *rf, const char *buf, size_t len)
{
	int level = rawfeed_level();

#ifdef RAWFEED_AVX2
	if (level == 2)
		return rawfeed_fields_avx2(rf, buf, len);
#endif
	RAWFEED_FIELDS(rawfeed_span, RAWFEED_END_NOAVX2, 0);
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
