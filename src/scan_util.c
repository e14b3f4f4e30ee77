/*
 * scan_util.c - the text scanner's view of the text: splitting it into
 * lines, finding where the returned message starts, the addresses that
 * are never recipients, and small line helpers (trim, blank, starts with).
 * The other helpers are by job: scan_search.c (case-insensitive search),
 * scan_addr.c (addresses), scan_code.c (codes, remote host, error words),
 * scan_buf.c (the capped string builder).  The helpers that cut one
 * line (scan_line_end(), scan_line_set()) are in scan_int.h, for
 * scan_after_next() in line.  Also, for the engine, the first line of a
 * text that starts like a DSN field (scan_dsn_line()).
 *
 * Memory: a scan_doc keeps its first lines and candidates in itself;
 * scan_doc_init() and scan_cand_add() allocate the arrays that take over
 * when there are more, and scan_doc_free() releases them and every
 * candidate's buffer.  Lines point into the caller's text, which must
 * outlive the scan_doc.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define SCAN_UTIL_AVX2 1	/* scan_dsn_avx2(), chosen at run time */
#include <immintrin.h>
#endif

#include "scan_int.h"

/* Lines (trimmed, any case) that start the copy of the returned message.
 * A line is compared after its leading '-', '=', ' ' and '|' are dropped,
 * so the phrases are written without them ("----- Original message -----"
 * is "original message -----"). */
static const struct scan_str scan_cut_phrase_list[] = {
	SCAN_STR("this is a copy of the message"),
	SCAN_STR("below this line is a copy of the message"),
	SCAN_STR("original message follows"),
	SCAN_STR("original message -----"),
	SCAN_STR("original message ------"),
	SCAN_STR("original message:"),
	SCAN_STR("original message headers:"),
	SCAN_STR("unsent message follows"),
	SCAN_STR("the header of the original message"),
	SCAN_STR("included is a copy of the message header"),
	SCAN_STR("message headers follow"),
	SCAN_STR("returned message --------"),
	SCAN_STR("below is a copy of the original message"),
	SCAN_STR("original message"),
	SCAN_STR("original message follows"),
	SCAN_STR("the original message headers are included"),
	SCAN_STR("content-type: message/rfc822"),
	SCAN_STR("message text follows"),
	{ NULL, 0 }
};

/* Header fields that, at column 0, show a header block has started. */
static const struct scan_str scan_cut_field_list[] = {
	SCAN_STR("received: "), SCAN_STR("return-path:"),
	SCAN_STR("dkim-signature:"), SCAN_STR("x-received:"),
	SCAN_STR("arc-seal:"), SCAN_STR("delivered-to:"), { NULL, 0 }
};

/* isspace() of the C locale, as a table (every line is trimmed). */
#define SCAN_SP(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\v' || \
			 (c) == '\f' || (c) == '\r')
const unsigned char scan_space[256] = SCAN_TABLE256(SCAN_SP);

/* The bytes dropped before a phrase is compared. */
static const unsigned char scan_cut_lead[256] = {
	['-'] = 1, ['='] = 1, [' '] = 1, ['|'] = 1
};

/*
 * Is a line the cut?  Every field and phrase above is four bytes long at
 * least, and a line can be a cut only if its trimmed view (l->t), after
 * the lead bytes dropped before a phrase, starts with the first four of
 * one of them, in any case.  (A field is compared at l->s, which is that
 * view when the line starts with neither white space nor a lead byte, and
 * cannot match when it does: every field starts with a letter.)  So the
 * four bytes there, each | 0x20 (the two cases of a letter alike; some
 * other bytes join, '\r' and '-' say, which the comparison then rejects),
 * are hashed (8 bits) to the strings whose first four bytes hash so
 * (scan_cut_by[]), and only those are compared: most lines are told by
 * one look-up (tests call scan_cut_keys_ok()).
 */
#define SCAN_CUT_N	24	/* fields and phrases (at most 32) */
static struct {
	const char *s;		/* lowercase, 8 bytes long at least */
	size_t n;
	int field;		/* compared at l->s, else after the lead */
	uint64_t lo8, fold8;	/* the first eight bytes, and 0x20 where
				 * they are letters: (x | fold8) == lo8 */
} scan_cut_str[SCAN_CUT_N];
static size_t scan_cut_n;
static uint32_t scan_cut_by[256];	/* bit k: scan_cut_str[k] */
static pthread_once_t scan_cut_once = PTHREAD_ONCE_INIT;

static inline uint32_t
scan_cut_key(const char *s)
{
	uint32_t w;

	memcpy(&w, s, sizeof(w));
	return w | 0x20202020u;
}

static inline unsigned
scan_cut_hash(uint32_t w)
{
	return (uint32_t)(w * 2654435761u) >> 24;
}

/* The strings, fields first, in one list (the order does not matter: any
 * match makes the cut). */
static void
scan_cut_build(void)
{
	const struct scan_str *list[2] = { scan_cut_field_list,
	    scan_cut_phrase_list };
	size_t i, k;

	for (i = 0; i < 2; i++)
		for (k = 0; list[i][k].s != NULL; k++) {
			size_t j = scan_cut_n++, b;
			unsigned char fold[8];
			if (j >= SCAN_CUT_N || list[i][k].n < 8)
				abort();	/* a bug in a list */
			scan_cut_str[j].s = list[i][k].s;
			scan_cut_str[j].n = list[i][k].n;
			scan_cut_str[j].field = i == 0;
			memcpy(&scan_cut_str[j].lo8, list[i][k].s, 8);
			for (b = 0; b < 8; b++)
				fold[b] = SCAN_IS_ALPHA(list[i][k].s[b]) ?
				    0x20 : 0;
			memcpy(&scan_cut_str[j].fold8, fold, 8);
			scan_cut_by[scan_cut_hash(scan_cut_key(
			    list[i][k].s))] |= (uint32_t)1 << j;
		}
}

/* Does a string of m start s[0..len), the line's view after its lead?
 * The first eight bytes of each at once (in any case, as scan_eq_fold():
 * only a letter's two cases are alike), then the rest. */
static inline __attribute__((always_inline)) int
scan_cut_cmp(const scan_line *l, const char *s, size_t len, uint32_t m)
{
	for (; m != 0; m &= m - 1) {
		unsigned k = (unsigned)__builtin_ctz(m);
		size_t n = scan_cut_str[k].n;
		uint64_t x;
		if (scan_cut_str[k].field ? s != l->s || l->len < n : len < n)
			continue;
		memcpy(&x, s, sizeof(x));	/* n >= 8 bytes there */
		if ((x | scan_cut_str[k].fold8) == scan_cut_str[k].lo8 &&
		    scan_eq_fold_long(s + 8, scan_cut_str[k].s + 8, n - 8))
			return 1;
	}
	return 0;
}

/* In line in the split's loop: most lines fail at the look-up. */
static inline __attribute__((always_inline)) int
scan_is_cut(const scan_line *l)
{
	const char *s = l->t;
	size_t len = l->tlen;
	uint32_t m;

	if (len < 4)
		return 0;
	if (__builtin_expect(scan_cut_lead[(unsigned char)*s], 0)) {
		while (len > 0 && scan_cut_lead[(unsigned char)*s]) {
			s++;
			len--;
		}
		if (len < 4)
			return 0;
	}
	m = scan_cut_by[scan_cut_hash(scan_cut_key(s))];
	return m != 0 && scan_cut_cmp(l, s, len, m);
}

int
scan_cut_keys_ok(void)
{
	const struct scan_str *list[2] = { scan_cut_field_list,
	    scan_cut_phrase_list };
	size_t i, k, j;

	(void)pthread_once(&scan_cut_once, scan_cut_build);
	for (i = 0; i < 2; i++)
		for (k = 0; list[i][k].s != NULL; k++) {
			/* the string, then in upper case, as a line */
			scan_line l;
			char buf[64];
			size_t n = list[i][k].n, c;
			if (n >= sizeof(buf))
				return 0;
			for (j = 0; j < 2; j++) {
				for (c = 0; c < n; c++)
					buf[c] = j && SCAN_IS_ALPHA(
					    list[i][k].s[c]) ?
					    (char)(list[i][k].s[c] & ~0x20) :
					    list[i][k].s[c];
				l.s = l.t = buf;
				l.len = l.tlen = n;
				/* "received: " is trimmed */
				while (l.tlen > 0 && buf[l.tlen - 1] == ' ')
					l.tlen--;
				if (!scan_is_cut(&l))
					return 0;
			}
		}
	return 1;
}

static void
scan_skip_add(scan_doc *d, const char *v, int soft)
{
	if (v == NULL || d->nskip >= SCAN_MAX_SKIP)
		return;
	d->skip_v[d->nskip] = v;
	d->skip_vlen[d->nskip] = strlen(v);
	d->skip_soft[d->nskip] = soft;
	d->skip_state[d->nskip] = 0;
	d->nskip++;
}

/* As the split calls it (k: nothing here). */
static inline size_t
scan_line_end_k(const char *s, size_t len, int *at, const void *k)
{
	(void)k;
	return scan_line_end(s, len, at);
}

#ifdef SCAN_UTIL_AVX2
/* The '\n' and '@' that the AVX2 copy compares with, made once a text
 * (scan_split_avx2()). */
typedef struct scan_ends {
	__m256i nl, am;
} scan_ends;

/* The same, 32 bytes at a time (most lines end in the first or second
 * block), then scan_line_end() for the last bytes of the text. */
__attribute__((target("avx2"))) static inline size_t
scan_line_end_avx2(const char *s, size_t len, int *at, const void *k)
{
	const scan_ends *c = k;
	size_t i = 0;
	unsigned seen = 0;

	for (; i + 32 <= len; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)
		    (s + i));
		unsigned mn = (unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x, c->nl));
		unsigned ma = (unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(x, c->am));

		if (mn != 0) {
			/* the '@' up to the first '\n' (not one itself) */
			*at = (seen | (ma & (mn ^ (mn - 1)))) != 0;
			return i + (unsigned)__builtin_ctz(mn);
		}
		seen |= ma;
	}
	i += scan_line_end(s + i, len - i, at);
	*at |= seen != 0;
	return i;
}
#endif

void *
scan_grow(void *arr, void *arr0, size_t n0, size_t *alloc, size_t size, size_t max)
{
	size_t a;
	void *p;

	if (*alloc == 0) {
		*alloc = n0;
		return arr0;
	}
	a = *alloc * 2;
	if (a > max)
		a = max;
	if (arr == arr0) {
		if ((p = malloc(a * size)) != NULL)
			memcpy(p, arr0, n0 * size);
	} else
		p = realloc(arr, a * size);
	if (p != NULL)
		*alloc = a;
	return p;
}

/* Room for one more line: the first SCAN_LINES0 in the scan_doc itself,
 * then an array that grows by doubling, up to SCAN_MAX_LINES (most texts
 * are short, and only the lines up to the cut are split). */
static int
scan_line_room(scan_doc *d, size_t n, size_t *alloc)
{
	scan_line *p;

	if (n < *alloc)
		return 0;
	p = scan_grow(d->line, d->line0, SCAN_LINES0, alloc, sizeof(*p),
		      SCAN_MAX_LINES);
	if (p == NULL)
		return -1;
	d->line = p;
	return 0;
}

/* The constants of scan_line_trim()'s SSE2 loop, made once a text by the
 * split (scan_trim_k()): in the AVX2 copy of the split, GCC made them
 * again for every indented line. */
typedef struct scan_trimk {
#ifdef __SSE2__
	__m128i tab, four, sp;
#else
	int none;
#endif
} scan_trimk;

static inline __attribute__((always_inline)) void
scan_trim_k(scan_trimk *k)
{
#ifdef __SSE2__
	k->tab = _mm_set1_epi8('\t');
	k->four = _mm_set1_epi8(4);
	k->sp = _mm_set1_epi8(' ');
	/* the empty asm hides their values: kept, not made again */
	__asm__("" : "+x"(k->tab), "+x"(k->four), "+x"(k->sp));
#else
	k->none = 0;
#endif
}

/* l->t, l->tlen: the line without its white space at both ends, as
 * scan_trim().  Many lines are indented: their leading white space is
 * skipped 16 bytes at a time where SSE2 is (the bytes read may go past
 * the line, never past the text's end). */
static inline __attribute__((always_inline)) void
scan_line_trim(scan_line *l, const char *end, const scan_trimk *tk)
{
	const char *s = l->s;
	size_t len = l->len;

	if (len > 0 && scan_space[(unsigned char)*s]) {
#ifdef __SSE2__
		while (len > 0 && end - s >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
			    s);
			__m128i c = _mm_sub_epi8(x, tk->tab);
			/* ' ', or '\t' to '\r' (0 to 4 after the sub) */
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(x, tk->sp),
			    _mm_cmpeq_epi8(_mm_min_epu8(c, tk->four), c)));
			size_t k = (size_t)__builtin_ctz(~m | 0x10000u);

			if (k >= len) {
				len = 0;
				break;
			}
			s += k;
			len -= k;
			if (k < 16)
				break;
		}
#else
		(void)end;
		(void)tk;
#endif
		while (len > 0 && scan_space[(unsigned char)*s]) {
			s++;
			len--;
		}
	}
	while (len > 0 && scan_space[(unsigned char)s[len - 1]])
		len--;
	l->t = s;
	l->tlen = len;
}

/* Split the text into lines once, with what the passes ask of every line
 * (its trimmed view, whether it has an '@'), up to the cut: no pass reads
 * further but scan_returned_to() and scan_returned_msgid(), which ask
 * scan_after_next().  Written once for both ways to find a line's end
 * (endf, scan_line_end() or its AVX2 copy): each copy has it inline. */
static inline __attribute__((always_inline)) int
scan_split_by(scan_doc *d, size_t (*endf)(const char *, size_t, int *,
    const void *), const void *k)
{
	const char *t = d->in->text, *end = t + d->in->len;
	size_t n = 0, alloc = 0;
	/* the next line's room and the end of the room, by pointer (d->line
	 * and an index were loaded again for every line): NULL, no room yet */
	scan_line *l = NULL, *lend = NULL;

	scan_trimk tk;

	scan_trim_k(&tk);
	d->cut = (size_t)-1;		/* not found yet */
	for (; t < end; l++, n++) {
		int at;
		if (l == lend) {
			/* the room is SCAN_MAX_LINES at most (scan_grow()): n
			 * is below it while there is room */
			if (n >= SCAN_MAX_LINES)
				break;
			if (scan_line_room(d, n, &alloc) != 0)
				return -1;
			l = d->line + n;
			lend = d->line + alloc;
		}
		if (*t == '\n') {
			/* an empty line (reports have many): what the
			 * steps below make of it, at once */
			l->s = l->t = t++;
			l->len = l->tlen = 0;
			l->at = 0;
			continue;
		}
		t = scan_line_set(t, endf(t, (size_t)(end - t), &at, k), end,
		    l);
		scan_line_trim(l, end, &tk);
		l->at = at;	/* '>', ' ' and '\r' dropped: the same line */
		if (at) {
			if (d->nat < SCAN_ATS0)
				d->atl[d->nat++] = (uint16_t)n;
			else
				d->nat_over = 1;
		}
		if (scan_is_cut(l)) {
			d->cut = n++;
			break;
		}
	}
	d->nline = n;
	d->after = t;
	if (d->cut == (size_t)-1)
		d->cut = n;
	return 0;
}

#ifdef SCAN_UTIL_AVX2
__attribute__((target("avx2"))) static int
scan_split_avx2(scan_doc *d)
{
	/* the constants made once: the empty asm hides their values (GCC
	 * would make them again for every line) */
	scan_ends k;

	k.nl = _mm256_set1_epi8('\n');
	k.am = _mm256_set1_epi8('@');
	__asm__("" : "+x"(k.nl), "+x"(k.am));
	return scan_split_by(d, scan_line_end_avx2, &k);
}
#endif

/* The AVX2 copy where the CPU has it (scan_teddy_level() 2), else the
 * SSE2 or plain one; the same lines either way. */
static int
scan_split(scan_doc *d)
{
	(void)pthread_once(&scan_cut_once, scan_cut_build);
#ifdef SCAN_UTIL_AVX2
	if (scan_teddy_level() >= 2)
		return scan_split_avx2(d);
#endif
	return scan_split_by(d, scan_line_end_k, NULL);
}

void
scan_after_begin(const scan_doc *d, scan_after *a)
{
	a->t = d->after;
	a->n = 0;
}

/* --- DSN fields in the text -------------------------------------------- */

/* p[0..n) is word[0..n) in any case (ASCII, as strncasecmp(); word is
 * lower case). */
static int
scan_dsn_prefix(const char *p, const char *word, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)word[i])
			return 0;
	}
	return 1;
}

static const struct scan_str scan_dsn_starts[] = {
	SCAN_STR("reporting-mta:"),
	SCAN_STR("final-recipient:"),
	SCAN_STR("original-recipient:"),
};
#define SCAN_DSN_NSTARTS	(sizeof(scan_dsn_starts) / \
				 sizeof(scan_dsn_starts[0]))

/* Does the line at p (p < end) start like a DSN field? */
static int
scan_dsn_is_start(const char *p, const char *end)
{
	size_t i;

	for (i = 0; i < SCAN_DSN_NSTARTS; i++)
		if ((size_t)(end - p) > scan_dsn_starts[i].n &&
		    (p[0] | 0x20) == scan_dsn_starts[i].s[0] &&
		    scan_dsn_prefix(p, scan_dsn_starts[i].s,
		    scan_dsn_starts[i].n))
			return 1;
	return 0;
}

/*
 * Only a line whose first four bytes are "repo", "fina" or "orig" (any
 * case) can start like a DSN field, and only one with 15 bytes at least
 * in the text (each field has a byte after it): the four bytes, each
 * | 0x20 (exact for letters), compared with those three at once.  The
 * lines are found by their '\n', 64 (AVX2, scan_teddy_level() 2: only
 * those that start with 'r', 'f' or 'o') or 16 (SSE2) bytes at a time, in
 * order, and only those lines are compared.
 */
static inline uint32_t
scan_dsn_key(const char *s)
{
	uint32_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

static inline int
scan_dsn_maybe(const char *q, const char *end)
{
	uint32_t w;

	if (end - q <= 14)
		return 0;
	w = scan_dsn_key(q) | 0x20202020u;
	/* '|' of ints, not '||': no branch per key */
	return (int)(w == scan_dsn_key("repo")) | (int)(w == scan_dsn_key("fina")) |
	    (int)(w == scan_dsn_key("orig"));
}

/* The first line that starts like a DSN field among those that follow
 * the '\n' of t[i..) whose bits m has (bit k: t[i + k]), or NULL. */
static inline const char *
scan_dsn_in(const char *t, size_t i, uint64_t m, const char *end)
{
	for (; m != 0; m &= m - 1) {
		const char *q = t + i + (unsigned)__builtin_ctzll(m) + 1;
		if (scan_dsn_maybe(q, end) && scan_dsn_is_start(q, end))
			return q;
	}
	return NULL;
}

#ifdef SCAN_UTIL_AVX2
/* The bits of the bytes of x (32 bytes) that are '\n' and followed (y:
 * the 32 bytes after each) by 'r', 'f' or 'o', in any case: y | 0x20
 * equals the byte that a table gives by its low four bits (pshufb) only
 * for those three (0 elsewhere, and for a byte >= 0x80). */
__attribute__((target("avx2"))) static inline unsigned
scan_dsn_bits(__m256i x, __m256i y, __m256i nl, __m256i x20, __m256i lut)
{
	__m256i b = _mm256_or_si256(y, x20);

	return (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
	    _mm256_cmpeq_epi8(x, nl),
	    _mm256_cmpeq_epi8(b, _mm256_shuffle_epi8(lut, b))));
}

/* As the SSE2 loop of scan_dsn_line(), 64 bytes a step, the lines that
 * start with 'r', 'f' or 'o' only: the first line from t + *j on
 * (t[0..len)) that starts like a DSN field, or NULL; *j is left where the
 * caller goes on.  The constants are made once (the empty asm hides
 * their values: GCC would make them again at every use in the loop). */
__attribute__((target("avx2"))) static const char *
scan_dsn_avx2(const char *t, size_t len, size_t *j)
{
	const char *end = t + len, *q;
	size_t i = *j;
	__m256i nl = _mm256_set1_epi8('\n'), x20 = _mm256_set1_epi8(0x20);
	__m256i lut = _mm256_setr_epi8(0, 0, 'r', 0, 0, 0, 'f', 0,
	    0, 0, 0, 0, 0, 0, 0, 'o', 0, 0, 'r', 0, 0, 0, 'f', 0,
	    0, 0, 0, 0, 0, 0, 0, 'o');

	__asm__("" : "+x"(nl), "+x"(x20), "+x"(lut));
	for (; i + 65 <= len; i += 64) {
		const __m256i *p = (const __m256i *)(const void *)(t + i);
		const __m256i *p1 = (const __m256i *)(const void *)(t + i + 1);
		uint64_t m = (uint64_t)scan_dsn_bits(_mm256_loadu_si256(p),
		    _mm256_loadu_si256(p1), nl, x20, lut) |
		    (uint64_t)scan_dsn_bits(_mm256_loadu_si256(p + 1),
		    _mm256_loadu_si256(p1 + 1), nl, x20, lut) << 32;
		if (m != 0 && (q = scan_dsn_in(t, i, m, end)) != NULL)
			return q;
	}
	*j = i;
	return NULL;
}
#endif

const char *
scan_dsn_line(const char *t, size_t len)
{
	const char *end = t + len;
	size_t j = 0;

	if (len == 0)
		return NULL;
	if (scan_dsn_is_start(t, end))
		return t;
#ifdef SCAN_UTIL_AVX2
	if (scan_teddy_level() >= 2) {
		const char *q = scan_dsn_avx2(t, len, &j);
		if (q != NULL)
			return q;
	}
#endif
#ifdef __SSE2__
	for (; j + 16 <= len; j += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(t + j)),
		    _mm_set1_epi8('\n')));
		const char *q;
		if (m != 0 && (q = scan_dsn_in(t, j, m, end)) != NULL)
			return q;
	}
#endif
	for (; j + 1 < len; j++)
		if (t[j] == '\n' && scan_dsn_maybe(t + j + 1, end) &&
		    scan_dsn_is_start(t + j + 1, end))
			return t + j + 1;
	return NULL;
}

/* The values that name the report's own addresses are looked up only when
 * a candidate address is first compared with them (scan_addr_skipped()),
 * and only those the comparison reads: From (and r's From) for any, To
 * and the envelope sender for a strict one (level 1, then 2 in
 * d->skip_ready).  The same values at any time: scan_text() changes
 * neither the header nor r's sender and From. */
void
scan_skip_ready(scan_doc *d, int strict)
{
	const scan_input *in = d->in;

	if (d->skip_ready < 1) {
		const char *from = in->header != NULL ?
		    in->header(in->ctx, "From") : NULL;
		scan_skip_add(d, from, 0);
		/* r's From is most often the From field itself: the same
		 * address, in the same list, would add nothing */
		if (d->r != NULL && (from == NULL || d->r->from == NULL ||
		    strcmp(from, d->r->from) != 0))
			scan_skip_add(d, d->r->from, 0);
		d->skip_ready = 1;
	}
	if (strict && d->skip_ready < 2) {
		if (in->header != NULL)
			scan_skip_add(d, in->header(in->ctx, "To"), 1);
		if (d->r != NULL)
			scan_skip_add(d, d->r->sender, 1);
		d->skip_ready = 2;
	}
}

int
scan_doc_init(scan_doc *d, const scan_input *in, const bt_caps *caps,
    const bt_result *r)
{
	memset(d, 0, offsetof(scan_doc, pool0));
	d->in = in;
	d->caps = caps;
	d->r = r;
	d->pool.p = d->pool0;
	d->pool.left = sizeof(d->pool0);
	d->family = "text";
	if (in->text == NULL)
		return 0;
	return scan_split(d);
}

void
scan_doc_free(scan_doc *d)
{
	size_t i;

	if (d->cand != NULL)
		for (i = 0; i < d->ncand; i++)
			scan_buf_free(&d->cand[i].diag);
	if (d->cand != d->cand0)
		free(d->cand);
	if (d->line != d->line0)
		free(d->line);
	scan_buf_free(&d->global);
	d->cand = NULL;
	d->line = NULL;
}
