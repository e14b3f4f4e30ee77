/*
 * scan_buf.c - the scanner's capped string builder: appends trimmed text,
 * white space runs folded into one space, up to the buffer's cap.
 *
 * Memory: a scan_buf owns its bytes (at most cap + 1, taken on first
 * append from its pool when it has one with room, else malloc'ed);
 * scan_buf_free() releases the malloc'ed ones.
 */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"


/* Bytes that scan_buf_add() turns into one space: isspace() of the C
 * locale, and NUL. */
#define SCAN_BL(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\v' || \
			 (c) == '\f' || (c) == '\r' || (c) == '\0')
static const unsigned char scan_blank[256] = SCAN_TABLE256(SCAN_BL);

#ifdef __SSE2__
#include <emmintrin.h>

/* Bits of the blank bytes (scan_blank) and of the ' ' among 16 bytes. */
static void
scan_buf_blanks(__m128i x, unsigned *blank, unsigned *space)
{
	__m128i ctl = _mm_sub_epi8(x, _mm_set1_epi8('\t'));	/* \t..\r: 0..4 */
	__m128i sp = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
	__m128i b = _mm_or_si128(_mm_or_si128(sp,
	    _mm_cmpeq_epi8(x, _mm_setzero_si128())),
	    _mm_cmpeq_epi8(_mm_min_epu8(ctl, _mm_set1_epi8(4)), ctl));

	*blank = (unsigned)_mm_movemask_epi8(b);
	*space = (unsigned)_mm_movemask_epi8(sp);
}

/* x with its blank bytes (scan_blank) made ' '. */
static __m128i
scan_buf_spaces(__m128i x)
{
	__m128i ctl = _mm_sub_epi8(x, _mm_set1_epi8('\t'));
	__m128i b = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_setzero_si128()),
	    _mm_cmpeq_epi8(_mm_min_epu8(ctl, _mm_set1_epi8(4)), ctl));

	return _mm_or_si128(_mm_andnot_si128(b, x),
	    _mm_and_si128(b, _mm_set1_epi8(' ')));
}
#endif

#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define SCAN_BUF_AVX2 1		/* scan_buf_add_avx2(), chosen at run time */
#include <immintrin.h>

/* The same two for 32 bytes. */
__attribute__((target("avx2"))) static inline void
scan_buf_blanks32(__m256i x, unsigned *blank, unsigned *space)
{
	__m256i ctl = _mm256_sub_epi8(x, _mm256_set1_epi8('\t'));
	__m256i sp = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(' '));
	__m256i b = _mm256_or_si256(_mm256_or_si256(sp,
	    _mm256_cmpeq_epi8(x, _mm256_setzero_si256())),
	    _mm256_cmpeq_epi8(_mm256_min_epu8(ctl, _mm256_set1_epi8(4)), ctl));

	*blank = (unsigned)_mm256_movemask_epi8(b);
	*space = (unsigned)_mm256_movemask_epi8(sp);
}

__attribute__((target("avx2"))) static inline __m256i
scan_buf_spaces32(__m256i x)
{
	__m256i ctl = _mm256_sub_epi8(x, _mm256_set1_epi8('\t'));
	__m256i b = _mm256_or_si256(_mm256_cmpeq_epi8(x,
	    _mm256_setzero_si256()), _mm256_cmpeq_epi8(_mm256_min_epu8(ctl,
	    _mm256_set1_epi8(4)), ctl));

	return _mm256_or_si256(_mm256_andnot_si256(b, x),
	    _mm256_and_si256(b, _mm256_set1_epi8(' ')));
}

/* 32 bytes at i as the 16-byte step below takes 16 (the caller makes sure
 * that len - i >= 32 and cap - *n >= 33): 1 when they were taken.  Two
 * 16-byte steps that each find no two blanks side by side, and none across
 * their edge, give the same bytes: the blank that ends the first is left
 * pending, then written as the space before the second. */
__attribute__((target("avx2"))) static inline int
scan_buf_step32(const char *s, size_t i, char *p, size_t *n, int *sp)
{
	__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
	unsigned bl, spc;

	scan_buf_blanks32(x, &bl, &spc);
	if ((bl & (bl << 1)) != 0)
		return 0;
	if (bl != spc)
		x = scan_buf_spaces32(x);
	if (*sp && !(bl & 1))
		p[(*n)++] = ' ';
	_mm256_storeu_si256((__m256i *)(void *)(p + *n), x);
	*n += bl & 0x80000000u ? 31 : 32;
	*sp = (bl & 0x80000000u) != 0;
	return 1;
}
#endif

/*
 * Append s[0..len) trimmed, separated from what is there by one space;
 * runs of white space become one space.  Byte by byte, that is: a blank
 * byte sets sp; a byte of another run is appended after one ' ' if sp was
 * set, when the run's first byte and that space fit (else the text is cut
 * there), and as many bytes of the run as fit (a run cut short cuts the
 * text).
 *
 * Speed: most text is words with single blanks between them.  Sixteen
 * bytes with no two blanks side by side come out as they are, each blank
 * made ' ' (after the pending space, unless their first byte is that
 * space; a blank that ends them is left pending, as the next may be one
 * too): copied at once when they fit whole, with room for that space.
 * The last bytes (fewer than 16) the same way, read as the 16 that end
 * the text.  Where the CPU has AVX2, 32 bytes a step first
 * (scan_buf_step32()).
 */
/* Written once for both ways (wide: the AVX2 copy, which takes 32 bytes
 * at a time first); each copy has it in line. */
static inline __attribute__((always_inline)) void
scan_buf_add_by(scan_buf *b, const char *s, size_t len, int wide)
{
	size_t i, j, n, cap;
	char *p;
	int sp;

	b->codes = 0;
	scan_trim(&s, &len);
	if (len == 0 || b->trunc)
		return;
	if (b->p == NULL) {
		if (b->pool != NULL && b->pool->left >= b->cap + 1) {
			b->p = b->pool->p;
			b->pool->p += b->cap + 1;
			b->pool->left -= b->cap + 1;
			b->pooled = 1;
		} else
			b->p = malloc(b->cap + 1);
		if (b->p == NULL) {
			b->trunc = 1;
			return;
		}
		b->len = 0;
		b->p[0] = '\0';
	}
	/* in locals: the bytes stored through p could be b's own fields as
	 * far as the compiler knows, which would be read again after each */
	p = b->p;
	n = b->len;
	cap = b->cap;
	sp = n > 0;
	for (i = 0; i < len; i = j) {
		size_t k;
#ifdef SCAN_BUF_AVX2
		if (wide && len - i >= 32 && cap - n >= 33 &&
		    scan_buf_step32(s, i, p, &n, &sp)) {
			j = i + 32;
			continue;
		}
#else
		(void)wide;
#endif
#ifdef __SSE2__
		if (len - i >= 16 && cap - n >= 17) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			unsigned bl, spc;

			scan_buf_blanks(x, &bl, &spc);
			if ((bl & (bl << 1)) == 0) {
				/* no two blanks side by side: each is one
				 * space; one that ends the 16 is left
				 * pending (the next may be blank too) */
				if (bl != spc)
					x = scan_buf_spaces(x);
				if (sp && !(bl & 1))
					p[n++] = ' ';
				_mm_storeu_si128((__m128i *)(void *)(p + n), x);
				n += bl & 0x8000 ? 15 : 16;
				sp = (bl & 0x8000) != 0;
				j = i + 16;
				continue;
			}
		}
		if (len - i < 16 && len >= 16 && cap - n >= 17) {
			/* The last r bytes, read as the 16 that end s (in s:
			 * no read past it) and taken as above when they
			 * have no two blanks side by side: bit k of bl, spc
			 * is byte i + k now.  Moved to the front through a
			 * copy; the 16 bytes stored past them are in the
			 * room asked, and p[n] is set below. */
			size_t r = len - i, sh = 16 - r;
			unsigned char tmp[32];
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + len - 16));
			unsigned bl, spc, last;

			scan_buf_blanks(x, &bl, &spc);
			bl >>= sh;
			spc >>= sh;
			if ((bl & (bl << 1)) == 0) {
				if (bl != spc)
					x = scan_buf_spaces(x);
				if (sp && !(bl & 1))
					p[n++] = ' ';
				_mm_storeu_si128((__m128i *)(void *)tmp, x);
				_mm_storeu_si128((__m128i *)(void *)(tmp + 16),
				    _mm_setzero_si128());
				_mm_storeu_si128((__m128i *)(void *)(p + n),
				    _mm_loadu_si128((const __m128i *)
				    (const void *)(tmp + sh)));
				last = (bl >> (r - 1)) & 1;
				n += last ? r - 1 : r;
				sp = last != 0;
				j = len;
				continue;
			}
		}
#endif
		if (scan_blank[(unsigned char)s[i]]) {
			sp = 1;
			j = i + 1;
			continue;
		}
		/* a run of other bytes, copied at once after one space */
		for (j = i; j < len && !scan_blank[(unsigned char)s[j]]; j++)
			;
		if (n + (size_t)sp + 1 > cap) {
			b->trunc = 1;
			break;
		}
		if (sp)
			p[n++] = ' ';
		sp = 0;
		k = j - i < cap - n ? j - i : cap - n;
		memcpy(p + n, s + i, k);
		n += k;
		if (k < j - i) {
			b->trunc = 1;
			break;
		}
	}
	p[n] = '\0';
	b->len = n;
}

#ifdef SCAN_BUF_AVX2
__attribute__((target("avx2"))) static void
scan_buf_add_avx2(scan_buf *b, const char *s, size_t len)
{
	scan_buf_add_by(b, s, len, 1);
}
#endif

/* The AVX2 copy where the CPU has it (scan_teddy_level() 2): the same
 * bytes either way. */
void
scan_buf_add(scan_buf *b, const char *s, size_t len)
{
#ifdef SCAN_BUF_AVX2
	if (scan_teddy_level() >= 2) {
		scan_buf_add_avx2(b, s, len);
		return;
	}
#endif
	scan_buf_add_by(b, s, len, 0);
}

void
scan_buf_free(scan_buf *b)
{
	if (!b->pooled)
		free(b->p);
	b->p = NULL;
	b->pooled = 0;
	b->len = 0;
	b->trunc = 0;
	b->codes = 0;
}

int
scan_buf_reply(scan_buf *b, char out[4])
{
	if (!(b->codes & 1))
		b->codes |= scan_reply_code_n(b->p, b->len, b->rc) ? 1 | 2 : 1;
	if (!(b->codes & 2))
		return 0;
	memcpy(out, b->rc, sizeof(b->rc));
	return 1;
}

int
scan_buf_status(scan_buf *b, char out[16])
{
	if (!(b->codes & 4))
		b->codes |= scan_status_code_n(b->p, b->len, b->st) ? 4 | 8 :
		    4;
	if (!(b->codes & 8))
		return 0;
	/* as scan_status_code(): the code and its NUL, nothing after */
	memcpy(out, b->st, strlen(b->st) + 1);
	return 1;
}
