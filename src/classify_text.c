/*
 * classify_text.c - the text work of the classifier: white space folded,
 * the lowercase copy, the codes a diagnostic quotes and the repeated
 * multi-line prefixes.
 *
 * DESCRIPTION
 *	classify.c prepares each diagnostic here once: classify_text_fold()
 *	makes the folded text and its lowercase copy in one pass,
 *	classify_text_scan_codes() finds the status and reply codes it
 *	quotes and where the first repeated "550-5.7.1 " prefix is,
 *	classify_text_strip_prefixes() removes those prefixes, which
 *	multi-line replies repeat, from there on (from both copies), and
 *	classify_text_mask_locals() hides the addresses' local parts.  The
 *	character tests are the C locale's (the program never sets another
 *	one), written out so that they cost no library call per byte.
 *
 * MEMORY
 *	Works on the caller's buffers; allocates nothing, keeps nothing but
 *	a table of byte kinds, made at compile time.  Thread-safe.
 */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "classify_text.h"
#include "codes.h"
#include "simd.h"

#if defined(SIMD_CAN_AVX2) && defined(__SSE2__)
#define CLASSIFY_TEXT_AVX2 1	/* the AVX2 fold is built (run when the CPU has AVX2) */
#include <immintrin.h>
#endif

/* The C locale's character classes (isspace, isdigit, isalpha, isalnum). */
static int classify_text_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int classify_text_digit(unsigned char c)
{
	return (unsigned)(c - '0') < 10u;
}

static int classify_text_alpha(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u;
}

static int classify_text_alnum(unsigned char c)
{
	return classify_text_digit(c) || classify_text_alpha(c);
}

#define CLASSIFY_TEXT_ONES	0x0101010101010101ull
#define CLASSIFY_TEXT_HIGHS	0x8080808080808080ull

/* Eight bytes at once (SWAR): x with its ASCII capitals lowercased. */
static uint64_t classify_text_lower8(uint64_t x)
{
	uint64_t b = x & ~CLASSIFY_TEXT_HIGHS;		/* each byte's low 7 bits */
	uint64_t ge_a = b + 0x3f * CLASSIFY_TEXT_ONES;	/* top bit: >= 'A' */
	uint64_t gt_z = b + 0x25 * CLASSIFY_TEXT_ONES;	/* top bit: > 'Z' */

	return x | ((ge_a & ~gt_z & ~x & CLASSIFY_TEXT_HIGHS) >> 2);
}

/* Top bit of each byte of x that is a space (exact, no carries). */
static uint64_t classify_text_spaces8(uint64_t x)
{
	uint64_t y = x ^ (0x20 * CLASSIFY_TEXT_ONES);

	return ~(((y & ~CLASSIFY_TEXT_HIGHS) + ~CLASSIFY_TEXT_HIGHS) | y) & CLASSIFY_TEXT_HIGHS;
}

/* 1 when folding leaves the eight bytes x as they are: no control byte
 * (tab, newline, NUL ...), no two spaces in a row, and no leading space
 * after a space (space: the byte before was one, or there is none). */
static int classify_text_plain8(uint64_t x, int space)
{
	uint64_t sp;

	if (((x - 0x20 * CLASSIFY_TEXT_ONES) & ~x & CLASSIFY_TEXT_HIGHS) != 0)
		return 0;	/* a byte below 0x20 (the test is exact for "any") */
	sp = classify_text_spaces8(x);
	return (sp & (sp >> 8)) == 0 && !(space && (sp & 0x80));
}

#ifdef __SSE2__
/* Sixteen bytes at once (SSE2): x with its ASCII capitals lowercased.
 * x + 0x3f takes 'A'..'Z' (and only they) to 0x80..0x99, below -102 as
 * signed bytes. */
static __m128i classify_text_lower16(__m128i x)
{
	__m128i t = _mm_add_epi8(x, _mm_set1_epi8(0x3f));
	__m128i upper = _mm_cmpgt_epi8(_mm_set1_epi8(-102), t);

	return _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
}

/* The bytes of the sixteen x that folding changes (as
 * classify_text_plain8() tells for eight), as a bit mask: a control byte,
 * a space after a space (space: the byte before x was one, or there is
 * none); *sp gets the bit mask of their spaces. */
static unsigned classify_text_fold16(__m128i x, int space, unsigned *sp)
{
	/* a byte <= 0x1f (unsigned): min(x, 0x1f) == x */
	unsigned ctl = (unsigned)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x));

	*sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
	return ctl | (*sp & (*sp << 1 | (unsigned)(space != 0)));
}
#endif

#ifdef CLASSIFY_TEXT_AVX2
static int classify_text_level = -1;	/* atomic; -1: not chosen yet */

int classify_text_simd(int level)
{
	int c = (simd_features() & SIMD_AVX2) ? 2 : 0;

	if (level < 0) {
		int l = __atomic_load_n(&classify_text_level, __ATOMIC_RELAXED);

		if (l >= 0)
			return l;
	} else if (level < c) {
		c = level;
	}
	__atomic_store_n(&classify_text_level, c, __ATOMIC_RELAXED);	/* (a race: the same) */
	return c;
}

/* The start of classify_text_fold() with AVX2: blocks of thirty-two
 * bytes copied (and lowercased into low) while they hold no byte to fold
 * (classify_text_fold16()'s tests), and room is left; the first block
 * that holds one up to that byte.  *space and *run as the caller keeps
 * them; returns the bytes done (in and out alike). */
__attribute__((target("avx2"))) static size_t
classify_text_fold32(const unsigned char *s, size_t avail, char *buf, char *low, size_t len,
		     int *space, size_t *run)
{
	const __m256i c1f = _mm256_set1_epi8(0x1f), sp32 = _mm256_set1_epi8(' '),
		      k3f = _mm256_set1_epi8(0x3f), k102 = _mm256_set1_epi8(-102);
	size_t n = 0;

	while (avail - n >= 32 && n + 32 < len) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(s + n));
		uint32_t ctl = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(_mm256_min_epu8(x, c1f), x));
		uint32_t sp = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, sp32));
		uint32_t fold = ctl | (sp & (sp << 1 | (uint32_t)(*space != 0)));
		/* 'A'..'Z' + 0x3f: 0x80..0x99, below -102 as signed bytes */
		__m256i up = _mm256_cmpgt_epi8(k102, _mm256_add_epi8(x, k3f));

		_mm256_storeu_si256((__m256i *)(void *)(buf + n), x);
		_mm256_storeu_si256((__m256i *)(void *)(low + n),
				    _mm256_or_si256(x, _mm256_and_si256(up, sp32)));
		if (fold == 0) {
			*space = (int)(sp >> 31);
			n += 32;
			*run += 32;
			continue;
		}
		fold = (uint32_t)__builtin_ctz(fold);
		if (fold > 0)
			*space = (int)((sp >> (fold - 1)) & 1);
		*run = 0;
		return n + fold;
	}
	return n;
}
#else
int classify_text_simd(int level)
{
	(void)level;
	return 0;
}
#endif

/* x read from memory as a little-endian number (byte 0 lowest), and
 * back: the SWAR code below counts bytes from the low end. */
static uint64_t classify_text_le64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(x);
#else
	return x;
#endif
}

static void classify_text_put8(char *p, uint64_t x)
{
	x = classify_text_le64(x);
	memcpy(p, &x, 8);
}

size_t classify_text_fold(const char *text, char *buf, char *low, size_t len)
{
	const unsigned char *s = (const unsigned char *)text, *end;
	size_t n = 0, run = 0;
	int space = 1;

	if (s == NULL || len == 0) {
		if (len > 0)
			buf[0] = low[0] = '\0';
		return 0;
	}
	end = s + strlen(text);
#ifdef CLASSIFY_TEXT_AVX2
	/* most diagnostics hold nothing to fold: thirty-two bytes a step
	 * first, up to the first byte to fold (the loop below goes on) */
	if (end - s >= 32 && classify_text_simd(-1) >= 2) {
		n = classify_text_fold32(s, (size_t)(end - s), buf, low, len, &space, &run);
		s += n;
	}
#endif
	while (n + 1 < len) {
		unsigned c;

#ifdef __SSE2__
		int stopped = 0;	/* the vector loop stopped at a byte to fold */

		/* runs of plain text go sixteen bytes at a time; a block with
		 * a byte to fold is copied up to that byte (the bytes stored
		 * after it are written again) */
		while (end - s >= 16 && n + 16 < len) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
			unsigned sp, fold = classify_text_fold16(x, space, &sp), k;

			_mm_storeu_si128((__m128i *)(void *)(buf + n), x);
			_mm_storeu_si128((__m128i *)(void *)(low + n), classify_text_lower16(x));
			if (fold == 0) {
				space = (sp >> 15) & 1;
				s += 16;
				n += 16;
				run += 16;
				continue;
			}
			k = (unsigned)__builtin_ctz(fold);
			if (k > 0)
				space = (sp >> (k - 1)) & 1;
			s += k;
			n += k;
			run = 0;	/* (the byte at s is folded below) */
			stopped = 1;
			break;
		}
		/* the last bytes (fewer than sixteen, room for them): the
		 * sixteen that end the text, when the output's last bytes
		 * before them are the text's as it came (run: bytes copied
		 * since the last one folded), stored again over those */
		if (!stopped && s < end && end - (const unsigned char *)text >= 16 &&
		    (size_t)(end - s) + n + 1 < len && run >= 16 - (size_t)(end - s)) {
			size_t r = (size_t)(end - s), back = 16 - r;
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(end - 16));
			/* the bytes from s on (bits from back on, back >= 1: the
			 * byte before each is in the block, the one before s
			 * copied as it came, so space is whether it is one) */
			unsigned sp, fold = classify_text_fold16(x, 0, &sp) >> back;

			if (fold == 0) {
				_mm_storeu_si128((__m128i *)(void *)(buf + n - back), x);
				_mm_storeu_si128((__m128i *)(void *)(low + n - back),
						 classify_text_lower16(x));
				space = (sp >> 15) & 1;
				s = end;
				n += r;
				break;
			}
		}
		if (!stopped)
#endif
		/* runs of plain text go eight bytes at a time (little-endian
		 * order: byte 0 is the lowest) */
		while (end - s >= 8 && n + 8 < len) {
			uint64_t x;

			memcpy(&x, s, 8);
			x = classify_text_le64(x);
			if (!classify_text_plain8(x, space))
				break;
			classify_text_put8(buf + n, x);
			classify_text_put8(low + n, classify_text_lower8(x));
			space = (x >> 56) == ' ';
			s += 8;
			n += 8;
			run += 8;
		}
		if (n + 1 >= len)
			break;
		run = 0;	/* (bytes one by one: not counted) */
		c = *s++;
		if (c > ' ') {		/* most bytes: neither white space nor the end */
			buf[n] = (char)c;
			low[n++] = (char)(c - 'A' < 26u ? c + 32 : c);
			space = 0;
			continue;
		}
		if (c == '\0')
			break;
		if (classify_text_space((unsigned char)c)) {
			if (!space) {
				buf[n] = ' ';
				low[n++] = ' ';
			}
			space = 1;
			continue;
		}
		buf[n] = (char)c;
		low[n++] = (char)c;
		space = 0;
	}
	(void)run;	/* (read by the vector code only) */
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	low[n] = '\0';
	return n;
}

/* The index of the first '4' or '5' in text[i..len), or len: (x | 1) ==
 * '5' for either.  With SSE2 sixteen bytes at a time, the last sixteen
 * read overlapping what was looked at (never past len). */
static inline size_t classify_text_next45(const char *text, size_t i, size_t len)
{
#ifdef __SSE2__
	const __m128i one = _mm_set1_epi8(1), five = _mm_set1_epi8('5');
	unsigned m;

	for (; i + 16 <= len; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(text + i));

		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(x, one), five));
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i < len && len >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(text + len - 16));

		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(x, one), five)) >>
		    (i - (len - 16));
		return m != 0 ? i + (size_t)__builtin_ctz(m) : len;
	}
#endif
	for (; i < len; i++)
		if (text[i] == '4' || text[i] == '5')
			return i;
	return len;
}

/* Length of the d.d.d code at s (1-3 digits each), 0 if none.  The caller
 * checks what stands before it. */
/* 1-3 digits at s followed by a non-digit: their count; else 0.  Written
 * out: every '4' and '5' of a text is asked. */
static inline size_t classify_text_digits(const unsigned char *s)
{
	if (!classify_text_digit(s[0]))
		return 0;
	if (!classify_text_digit(s[1]))
		return 1;
	if (!classify_text_digit(s[2]))
		return 2;
	return classify_text_digit(s[3]) ? 0 : 3;
}

static size_t classify_text_code_at(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, n;

	if ((n = classify_text_digits(s)) == 0 || s[n] != '.')
		return 0;
	i = n + 1;
	if ((n = classify_text_digits(s + i)) == 0 || s[i + n] != '.')
		return 0;
	i += n + 1;
	if ((n = classify_text_digits(s + i)) == 0)
		return 0;
	i += n;
	/* not followed by more of a dotted number (IP address, version) */
	if (s[i] == '.' && classify_text_digit(s[i + 1]))
		return 0;
	if (classify_text_alnum(s[i]))
		return 0;
	return i;
}

/* 1 when an enhanced code of class 4/5 starts at p (and not inside a longer
 * dotted number or word); its length in *n. */
static int classify_text_status_at(const char *text, const char *p, size_t *n)
{
	if (*p != '4' && *p != '5')
		return 0;
	if (p > text && (classify_text_alnum((unsigned char)p[-1]) || p[-1] == '.' ||
			 (p[-1] == '-' && p - text >= 2 &&
			  classify_text_alpha((unsigned char)p[-2]))))
		return 0;
	*n = classify_text_code_at(p);
	return *n > 0 && *n < 16;
}

/* 1 when a 4xx/5xx reply code starts at p; *paired set when an enhanced
 * code of the same class follows it (classify_text_status_at(), its
 * length in *sn), *at to that code. */
static int classify_text_reply_at(const char *text, const char *p, int *paired,
				  const char **at, size_t *sn)
{
	const char *b = p, *q;
	size_t n;
	int lead;

	if ((*p != '4' && *p != '5') || !classify_text_digit((unsigned char)p[1]) ||
	    !classify_text_digit((unsigned char)p[2]) ||
	    (p > text && (classify_text_alnum((unsigned char)p[-1]) || p[-1] == '.')) ||
	    (p[3] != ' ' && p[3] != '-' && p[3] != '\0'))
		return 0;
	q = p + 3;
	if (*q == '-' || *q == ' ')
		q++;
	if (*q == '\'' || *q == '"' || *q == '#')
		q++;
	*paired = *q == p[0] && classify_text_status_at(text, q, &n);
	*sn = *paired ? n : 0;
	*at = q;
	while (b > text && b[-1] == ' ')
		b--;
	/* b[-1] one of : ; ' " ( < > # = (bit k for 0x20 + k) */
	lead = b == text || ((unsigned)(b[-1] - 0x20) < 32u &&
			     (0x7c00018cu >> (b[-1] - 0x20) & 1));
	return lead || *paired;
}

int classify_text_vague(const char *p, size_t n)
{
	return (n == 5 && (memcmp(p + 1, ".0.0", 4) == 0 || memcmp(p + 1, ".4.7", 4) == 0));
}

void classify_text_scan_codes(const char *text, size_t len, char *status, size_t slen,
			      char reply[4], size_t *prefix)
{
	const char *p, *first_st = NULL, *pair = NULL, *pair_reply = NULL, *first_reply = NULL;
	size_t n, pn = 0, fn = 0, pfx = len;

	status[0] = '\0';
	reply[0] = '\0';
	for (p = text; ; p++) {
		int paired;
		const char *at;

		/* no reply or enhanced code starts before */
		p = text + classify_text_next45(text, (size_t)(p - text), len);
		if (*p == '\0')
			break;
		if (classify_text_reply_at(text, p, &paired, &at, &n)) {
			/* the first repeated prefix (classify_text_prefix_at(), the
			 * same tests): where classify_text_strip_prefixes() starts;
			 * paired, the code at "at" is n bytes */
			if (pfx == len && paired && p > text && p[-1] == ' ' && at[n] == ' ')
				pfx = (size_t)(p - text);
			if (first_reply == NULL)
				first_reply = p;
			if (paired && (pair == NULL || classify_text_vague(pair, pn)) &&
			    (pair == NULL || !classify_text_vague(at, n))) {
				pair_reply = p;
				pair = at;
				pn = n;
			}
			p += 2;
			continue;
		}
		if (first_st == NULL && classify_text_status_at(text, p, &fn))
			first_st = p;
	}
	if (pair == NULL) {
		pair = first_st;
		pn = fn;
		pair_reply = first_reply;
	}
	/* pair: a code classify_text_status_at() took, pn bytes */
	if (pair != NULL && (n = pn) < slen) {
		memcpy(status, pair, n);
		status[n] = '\0';
		if (!codes_valid_enhanced(status))
			status[0] = '\0';
	}
	if (pair_reply != NULL) {
		memcpy(reply, pair_reply, 3);
		reply[3] = '\0';
	}
	*prefix = pfx;
}

/* 1 when a repeated prefix ("550-5.7.1 ") starts at text[i]; *next: the
 * index after it and its space. */
static int classify_text_prefix_at(const char *text, size_t i, size_t *next)
{
	size_t n;
	int paired;
	const char *at;

	if (i > 0 && text[i - 1] == ' ' && (text[i] == '4' || text[i] == '5') &&
	    classify_text_reply_at(text, text + i, &paired, &at, &n) && paired && at[n] == ' ') {
		*next = (size_t)(at - text) + n + 1;
		return 1;
	}
	return 0;
}

size_t classify_text_strip_prefixes(char *text, char *low, size_t len, size_t first)
{
	size_t i = first, o, next, j;

	/* Up to the first prefix (classify_text_scan_codes() found it)
	 * nothing moves. */
	if (first >= len)
		return len;
	/* From there on, runs move down to o.  A prefix's tests read the text
	 * at and after i-1, which no move has reached (o < i, and a run ends
	 * before the next '4' or '5'): they see the text as it came. */
	o = i;
	while (i < len) {
		if (classify_text_prefix_at(text, i, &next)) {
			i = next;
			continue;
		}
		j = classify_text_next45(text, i + 1, len);
		memmove(text + o, text + i, j - i);
		memmove(low + o, low + i, j - i);
		o += j - i;
		i = j;
	}
	text[o] = '\0';
	low[o] = '\0';
	return o;
}

/* What a byte is in an address's local part (RFC 5322 dot-atom text):
 * CLASSIFY_TEXT_LOCAL for letters, digits, '.' and
 * "!#$%&'*+/=?^_`{|}~-", with CLASSIFY_TEXT_LETTER too for a letter.  A
 * table, made from the set below (the masking loop asks it of
 * every byte of a local part: one load tells both), made at compile
 * time. */
#define CLASSIFY_TEXT_LOCAL	1
#define CLASSIFY_TEXT_LETTER	2

/* (the bit of byte c in the set below: 0x00-0x1f none; 0x20-0x3f
 * ! # $ % & ' * + - . / 0-9 = ?; 0x40-0x5f A-Z ^ _; 0x60-0x7f ` a-z { | } ~) */
#define CLASSIFY_TEXT_IN(c)	((c) < 0x80 && ((c) < 0x20 ? 0 :			\
	(((c) < 0x40 ? 0xa3ffecfau : (c) < 0x60 ? 0xc7fffffeu : 0x7fffffffu) >>	\
	 ((c) & 31)) & 1))
#define CLASSIFY_TEXT_ISALPHA(c)	((((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z'))
#define CLASSIFY_TEXT_K(c)	((CLASSIFY_TEXT_IN(c) ? CLASSIFY_TEXT_LOCAL : 0) |	\
				 (CLASSIFY_TEXT_ISALPHA(c) ? CLASSIFY_TEXT_LETTER : 0))
#define CLASSIFY_TEXT_K4(c)	CLASSIFY_TEXT_K(c), CLASSIFY_TEXT_K((c) + 1),		\
				CLASSIFY_TEXT_K((c) + 2), CLASSIFY_TEXT_K((c) + 3)
#define CLASSIFY_TEXT_K16(c)	CLASSIFY_TEXT_K4(c), CLASSIFY_TEXT_K4((c) + 4),	\
				CLASSIFY_TEXT_K4((c) + 8), CLASSIFY_TEXT_K4((c) + 12)
#define CLASSIFY_TEXT_K64(c)	CLASSIFY_TEXT_K16(c), CLASSIFY_TEXT_K16((c) + 16),	\
				CLASSIFY_TEXT_K16((c) + 32), CLASSIFY_TEXT_K16((c) + 48)

static const unsigned char classify_text_kind[256] = {
	CLASSIFY_TEXT_K64(0u), CLASSIFY_TEXT_K64(64u), CLASSIFY_TEXT_K64(128u),
	CLASSIFY_TEXT_K64(192u)
};

void classify_text_mask_locals(char *text, char *low, size_t len)
{
	size_t i, j;
	const char *at;

	if (len < 3 || (at = memchr(text + 1, '@', len - 2)) == NULL)
		return;
	/* the '@'s found by memchr(): most texts have one or two */
	for (i = (size_t)(at - text);; i++) {
		if (classify_text_alnum((unsigned char)text[i + 1]) &&
		    (classify_text_kind[(unsigned char)text[i - 1]] & CLASSIFY_TEXT_LOCAL))
			for (j = i; j > 0; j--) {
				unsigned k = classify_text_kind[(unsigned char)text[j - 1]];

				if (!(k & CLASSIFY_TEXT_LOCAL))
					break;
				if (k & CLASSIFY_TEXT_LETTER)
					text[j - 1] = low[j - 1] = 'x';
			}
		if (i + 2 >= len || (at = memchr(text + i + 1, '@', len - 2 - i)) == NULL)
			return;
		i = (size_t)(at - text) - 1;	/* (the loop adds one) */
	}
}
