/*
 * rawfeed_fields.c - the common case of the rawfeed's header block (see
 * rawfeed.c): fields whose lines all lie in the chunk, with the line after
 * them, read where they lie and given to the engine at once, without the
 * line and field buffers.  A field's end is found by a vector scan for
 * its LFs (CRs and NULs noted and counted on the way); on a CPU with
 * AVX2 (rawfeed_fields_avx2(), built as a whole) by the LFs of each
 * 64-byte block, found once for all the fields in it, up to a block that
 * holds a NUL or a lone CR, and past it by a scan from each field's
 * start.  A field is classified once (fieldname_id_token_inline()); only
 * a value the engine reads as a string is copied (its CRs left out;
 * engine_header_reads(), engine_header_id_inline(); From and To are read
 * by their lengths, ENGINE_BY_LENGTH_IDS), and the others, most fields,
 * go where they lie with the count of the CRs and LFs the engine drops
 * (engine_header_skip(), in line: only their lengths and names are
 * read); a blank line after them ends the headers there.  What this
 * cannot take goes back to rawfeed.c, a line at a time, which gives the
 * same calls.  No state of its own: the rawfeed's (rawfeed_int.h).
 */
#include <stdlib.h>
#include <string.h>
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
	__m256i crnul;		/* by a byte's low half: 0 for 0, '\r' for 13,
				 * else 0x80 (rawfeed_block_lf()) */
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
	k->crnul = _mm256_setr_epi8(0, -128, -128, -128, -128, -128, -128,
	    -128, -128, -128, -128, -128, -128, '\r', -128, -128,
	    0, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
	    -128, -128, '\r', -128, -128);
	__asm__("" : "+x"(k->lf), "+x"(k->cr), "+x"(k->lo), "+x"(k->hi),
		"+x"(k->nib), "+x"(k->lo2), "+x"(k->hi2), "+x"(k->nib2),
		"+x"(k->crnul));
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
	*lf = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, k->lf)) |
	      (uint64_t)(uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(y, k->lf)) << 32;
	*cr = 0;
	/* a CR or a NUL: the byte k->crnul gives by its low half (a byte
	 * of 0x80 and up gives 0, which it is not) */
	if (_mm256_testz_si256(
	    _mm256_or_si256(
		_mm256_cmpeq_epi8(_mm256_shuffle_epi8(k->crnul, x), x),
		_mm256_cmpeq_epi8(_mm256_shuffle_epi8(k->crnul, y), y)),
	    _mm256_cmpeq_epi8(z, z)))
		return 1;	/* most blocks: neither CR nor NUL */
	xr = _mm256_cmpeq_epi8(x, k->cr);
	yr = _mm256_cmpeq_epi8(y, k->cr);
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
	if (i > 0 && i < len && buf[i] == ':') {
		/* a field line first: the field held goes before it, and it
		 * is no From_ line, whichever path reads it (so once here,
		 * not at its emit, as RAWFEED_FIELDS() does) */
		if (rf->flen > 0)
			rawfeed_flush_field(rf);
		rf->first_line = 0;
	}
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

size_t
rawfeed_fields(rawfeed *rf, const char *buf, size_t len)
{
	int level = rawfeed_level();

#ifdef RAWFEED_AVX2
	if (level == 2)
		return rawfeed_fields_avx2(rf, buf, len);
#endif
	RAWFEED_FIELDS(rawfeed_span, RAWFEED_END_NOAVX2, 0);
}
