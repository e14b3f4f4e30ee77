/*
 * scan_int.h - private to the scan_*.c files: the split text, the
 * candidate recipients found in it, and the helpers that find addresses,
 * reply codes, enhanced status codes and remote hosts in a line; in line
 * here, the small ones that hot loops call (case-insensitive compares,
 * the cutting of one line, the lines after the cut).
 *
 * Memory: a scan_doc points into the caller's text (never copied); it
 * keeps its first lines, candidates and buffers in itself (about 7 KB, on the
 * caller's stack) and owns the arrays that take over when there are more;
 * candidates own their diagnostic buffer.  Everything is freed by
 * scan_doc_free().  All sizes are capped (SCAN_MAX_*).
 */
#ifndef BT_SCAN_INT_H
#define BT_SCAN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "scan.h"

#define SCAN_MAX_LINES	8192	/* lines of text looked at */
#define SCAN_MAX_ADDR	254	/* longest address accepted (RFC 5321) */
#define SCAN_MAX_CANDS	256	/* candidates before de-duplication */
#define SCAN_MAX_BLOCK	12	/* lines of one recipient's error block */
#define SCAN_MAX_SKIP	8	/* addresses that are never recipients */
#define SCAN_AFTER_CUT	80	/* lines of the returned message looked at */
#define SCAN_LINES0	64	/* lines kept in the scan_doc itself */
#define SCAN_CANDS0	4	/* candidates kept in the scan_doc itself */
#define SCAN_ATS0	64	/* lines with an '@' listed in the scan_doc */
#define SCAN_POOL0	2080	/* bytes of buffers in the scan_doc itself:
				 * two of the default cap (1024) */

/* A line of the text before the returned message (and the cut line),
 * split once (scan_doc_init()) with the facts that the passes would
 * otherwise find again and again. */
typedef struct scan_line {
	const char *s;		/* points into the text; not NUL-terminated */
	size_t len;
	const char *t;		/* s[0..len) without leading and trailing */
	size_t tlen;		/* white space (scan_trim()); 0: blank line */
	int at;			/* an '@' in the line: it may name an address */
} scan_line;

/* Room for the first buffers of a scan_doc, in itself: most texts have a
 * candidate or two and a report-wide text, and their buffers need no
 * malloc() then.  Bytes are only taken, never given back (the scan_doc
 * lives for one text). */
typedef struct scan_pool {
	char *p;		/* the free room */
	size_t left;
} scan_pool;

/* A growing, capped string. */
typedef struct scan_buf {
	char *p;		/* NUL-terminated once non-NULL, with no
				 * other NUL (scan_buf_add() makes each a
				 * space): strlen(p) is len */
	size_t len;
	size_t cap;		/* max length kept */
	int trunc;		/* something was cut */
	int pooled;		/* p is in a scan_pool: not freed */
	scan_pool *pool;	/* where to take cap + 1 bytes, or NULL */
	/* The codes of p, as scan_reply_code() and scan_status_code()
	 * find them, kept once asked (scan_buf_reply(), scan_buf_status())
	 * until p changes: bit 1 reply code asked, 2 found (rc); 4 status
	 * asked, 8 found (st).  0 after every change. */
	int codes;
	char rc[4];
	char st[16];
} scan_buf;

typedef struct scan_cand {
	char addr[SCAN_MAX_ADDR + 1];
	scan_buf diag;		/* the error text for this address */
	char status[16];	/* from a "Status:" field, or "" */
	char cmd[8];		/* SMTP command refused ("DATA"), or "" */
	char mta[128];		/* "while talking to" host of a transcript */
	int strength;		/* 2 anchored line, 1 weak (phrase), 0 fallback */
	int delayed;
	int kind;		/* SCAN_KIND_* */
	int final;		/* scan_complete(): diag given the report-wide
				 * text and denoised */
} scan_cand;

enum { SCAN_KIND_FAILED = 0, SCAN_KIND_DELIVERED, SCAN_KIND_COMPLAINT };

typedef struct scan_doc {
	const scan_input *in;
	const bt_caps *caps;
	scan_line *line;	/* line0, or owned */
	size_t nline;		/* lines split: up to the cut line, included */
	size_t cut;		/* first line of the returned message, or nline */
	size_t nat;		/* atl[] (below): lines with an '@' */
	int nat_over;
	const char *after;	/* the text after line nline - 1 */
	const bt_result *r;	/* the caller's, for its sender and From */
	/* The values that name the report's own addresses (From, To, the
	 * sender), each's address found only when a candidate may be it
	 * (scan_addr_skipped()); the values outlive the scan_doc. */
	int skip_ready;		/* skip_v[] filled: 1 loose, 2 all */
	size_t nskip;		/* skip_v[] and the others (below) */
	scan_cand *cand;	/* cand0, or owned; up to SCAN_MAX_CANDS */
	size_t ncand;
	size_t acand;		/* allocated */
	int delayed;		/* the report says "still trying" */
	const char *family;	/* static */
	char feedback[32];	/* complaint type of a JSON notification */
	char cmd[8];		/* command of the report's transcript, or "" */
	int cmd_done;		/* cmd looked for (scan_find_cmd()) */
	scan_buf global;	/* report-wide error text, once found */
	int global_kind;	/* SCAN_GLOBAL_* of it */
	int global_step;	/* 0, 1: coded text looked for, 2: all */
	scan_pool pool;		/* in pool0 */
	/* last, not zeroed by scan_doc_init(): only line[0..nline),
	 * cand[0..ncand), atl[0..nat), skip_*[0..nskip) and what the pool
	 * gave are read */
	char pool0[SCAN_POOL0];
	/* the lines with an '@' (scan_doc_init()), in order; when there are
	 * more than SCAN_ATS0 (nat_over), every line is looked at */
	uint16_t atl[SCAN_ATS0];
	const char *skip_v[SCAN_MAX_SKIP];
	size_t skip_vlen[SCAN_MAX_SKIP];
	int skip_soft[SCAN_MAX_SKIP];	/* 1: skipped only in loose shapes */
	int skip_state[SCAN_MAX_SKIP];	/* 0 not looked for, 1 found, 2 none */
	size_t skip_off[SCAN_MAX_SKIP];	/* the address: skip_v[i] + skip_off */
	size_t skip_len[SCAN_MAX_SKIP];
	scan_line line0[SCAN_LINES0];	/* line, for short texts */
	scan_cand cand0[SCAN_CANDS0];	/* cand, while there are few */
} scan_doc;

/*
 * A set of phrases looked for together, in one pass over a text instead of
 * one pass per phrase (see scan_set_scan() in scan_search.c).  Declared
 * static with SCAN_SET(list); its tables are built on first use
 * (thread-safe).
 */
#define SCAN_SET_MAX	64	/* phrases per set (bits of a mask) */
#define SCAN_SET_MIN	4	/* shortest phrase (the filter's window) */
#define SCAN_TEDDY_BYTES	4	/* bytes of a phrase tested by the vector
					 * filter (<= SCAN_SET_MIN) */
#define SCAN_TEDDY_BUCKETS	8	/* bits of a byte */
typedef struct scan_set {
	const char *const *word;	/* NULL-terminated, each >= 4 bytes */
	int ready;			/* tables built (atomic) */
	size_t n;
	size_t min;			/* length of the shortest phrase */
	unsigned char len[SCAN_SET_MAX];
	unsigned char bits[512];	/* bitmap: hashes of first 4 bytes */
	uint64_t first[256];		/* phrases by lowercase first byte */
	unsigned char shift[4096];	/* skip, by hash of a byte pair */
	/* the vector filter (scan_teddy.c): by offset p (0, 1, tgap,
	 * tgap + 1) and the low (high) nibble of a byte, the buckets (bits)
	 * that may have it there; the phrases of each bucket */
	size_t tgap;
	unsigned char tlo[SCAN_TEDDY_BYTES][16];
	unsigned char thi[SCAN_TEDDY_BYTES][16];
	uint64_t tbucket[SCAN_TEDDY_BUCKETS];
	/* bitmap: hashes of the 4 bytes at offset min - 4 (| 0x20) */
	unsigned char tbits[512];
} scan_set;
#define SCAN_SET(list)	{ .word = (list) }

/* Index of the phrase found first in s[0..len) (the lowest index among
 * those at the same position), or -1; *at (may be NULL) is where. */
int scan_set_find(scan_set *set, const char *s, size_t len, const char **at);
/* Bit i set: phrase i is somewhere in s[0..len). */
uint64_t scan_set_mask(scan_set *set, const char *s, size_t len);

/* scan_teddy.c: scan_set_scan()'s vector filter.  Build a set's tables
 * (under scan_search.c's lock); the code used: 0 none (the skip loop), 1
 * SSSE3, 2 AVX2, chosen once by the CPU (0 when BOUNCETAG_NO_SIMD is set);
 * tests force a level (at most the CPU's; returns the level set); the
 * phrases in s[0..len), as scan_set_scan() (level > 0 only). */
void scan_teddy_build(scan_set *set);
int scan_teddy_level(void);
int scan_teddy_force(int level);
uint64_t scan_teddy_scan(const scan_set *set, const char *s, size_t len,
    int all, size_t *pos);

/* A string and its length, for lists compared at the start of a line. */
struct scan_str {
	const char *s;		/* lowercase */
	size_t n;
};
#define SCAN_STR(s)	{ s, sizeof(s) - 1 }

/*
 * A list of such strings, compared at the start of a line: the strings
 * that start with the line's first two bytes are found in two tables
 * instead of a loop over the list.  Declared static with
 * SCAN_PREFIXES(list); the tables are built on first use (thread-safe),
 * at most SCAN_SET_MAX strings.
 */
typedef struct scan_prefixes {
	const struct scan_str *str;	/* ended by { NULL, 0 } */
	int ready;			/* first[], second[] built (atomic) */
	uint64_t first[256];		/* bit i: str[i] starts with this byte */
	uint64_t second[256];		/* bit i: str[i] has this byte second
					 * (or is one byte long) */
} scan_prefixes;
#define SCAN_PREFIXES(list)	{ .str = (list) }

/* scan_util.c: an array whose first n0 items (arr0) lie in the scan_doc
 * itself, with room for one more: arr0 at first (*alloc 0), then a heap
 * copy that doubles up to max items; returns the array (*alloc its room),
 * or NULL when it cannot grow (arr is then left as it was). */
void *scan_grow(void *arr, void *arr0, size_t n0, size_t *alloc, size_t size,
		size_t max);

/* scan_util.c: the lines */
/* The first line >= from with an '@' (it may name an address), or nline;
 * *k: where the list was left (0 at first, from only grows). */
static inline size_t
scan_at_next(const scan_doc *d, size_t *k, size_t from)
{
	if (d->nat_over) {
		while (from < d->nline && !d->line[from].at)
			from++;
		return from;
	}
	while (*k < d->nat && d->atl[*k] < from)
		(*k)++;
	return *k < d->nat ? d->atl[*k] : d->nline;
}
int scan_doc_init(scan_doc *d, const scan_input *in, const bt_caps *caps,
    const bt_result *r);
/* For tests: every field and phrase that starts a cut line, in lower and
 * upper case, passes the test of its first four bytes that lets most
 * lines skip the comparison (1), or not (0). */
int scan_cut_keys_ok(void);
void scan_doc_free(scan_doc *d);
/* The lines after the cut line, one at a time: scan_after_next() sets
 * the next one (only s and len) and returns 1, at most max of them, else
 * 0 (the text's end, or no cut line). */
typedef struct scan_after {
	const char *t;		/* where the next line starts */
	size_t n;		/* lines given */
} scan_after;
void scan_after_begin(const scan_doc *d, scan_after *a);
/* The line helpers of the split (scan_util.c), here in the header for
 * scan_after_next(): it is called for every line of a returned message's
 * header, in line (a call cost a fifth of it). */

/* Length of the line at s (up to its '\n', or len), and whether it has an
 * '@' (*at): one pass for both, 16 bytes at a time where SSE2 is. */
static inline size_t
scan_line_end(const char *s, size_t len, int *at)
{
	size_t i = 0;
	unsigned seen = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), am = _mm_set1_epi8('@');

	for (; i + 16 <= len; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i));
		unsigned mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl));
		unsigned ma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, am));

		if (mn != 0) {
			unsigned k = (unsigned)__builtin_ctz(mn);
			*at = seen != 0 || (ma & ((1u << k) - 1)) != 0;
			return i + k;
		}
		seen |= ma;
	}
#endif
	for (; i < len && s[i] != '\n'; i++)
		seen |= s[i] == '@';
	*at = seen != 0;
	return i;
}

/* The line t[0..len) (t < end; t[len] is its '\n', or end), without its
 * '\r' and the "> " of a forwarded report: l->s, l->len; returns where
 * the next starts. */
static inline const char *
scan_line_set(const char *t, size_t len, const char *end, scan_line *l)
{
	const char *s = t, *next = t + len < end ? t + len + 1 : end;

	if (len > 0 && t[len - 1] == '\r')
		len--;
	/* a forwarded report quoted with "> " */
	while (len > 0 && *s == '>' && (len == 1 || s[1] == ' ')) {
		s += len == 1 ? 1 : 2;
		len -= len == 1 ? 1 : 2;
	}
	l->s = s;
	l->len = len;
	return next;
}

/* The line that starts at t (t < end), as scan_line_set(), and whether it
 * has an '@' (*at). */
static inline const char *
scan_line_cut(const char *t, const char *end, scan_line *l, int *at)
{
	return scan_line_set(t, scan_line_end(t, (size_t)(end - t), at), end,
	    l);
}

static inline __attribute__((always_inline)) int
scan_after_next(const scan_doc *d, scan_after *a, scan_line *l, size_t max)
{
	const char *end = d->in->text + d->in->len;
	int at;

	/* at most SCAN_MAX_LINES lines in all, as if split with the rest */
	if (d->cut >= d->nline || a->t >= end || a->n >= max ||
	    d->nline + a->n >= SCAN_MAX_LINES)
		return 0;	/* no (more) returned message */
	a->t = scan_line_cut(a->t, end, l, &at);
	a->n++;
	return 1;
}

/* Look up the values of the report's own addresses that a comparison
 * (strict or not) reads, on first use. */
void scan_skip_ready(scan_doc *d, int strict);
/* A 256-entry byte table made at compile time: SCAN_TABLE256(F) is the
 * initializer { F(0), F(1), ..., F(255) } for a macro F(c) of one byte. */
#define SCAN_T4(F, c)	F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define SCAN_T16(F, c)	SCAN_T4(F, c), SCAN_T4(F, (c) + 4), SCAN_T4(F, (c) + 8), \
			SCAN_T4(F, (c) + 12)
#define SCAN_T64(F, c)	SCAN_T16(F, c), SCAN_T16(F, (c) + 16), \
			SCAN_T16(F, (c) + 32), SCAN_T16(F, (c) + 48)
#define SCAN_TABLE256(F) { SCAN_T64(F, 0), SCAN_T64(F, 64), SCAN_T64(F, 128), \
			SCAN_T64(F, 192) }
extern const unsigned char scan_space[256];	/* isspace(), C locale */
/* isalpha() and isdigit() of the C locale, inline (the engine never sets
 * a locale). */
#define SCAN_IS_ALPHA(c)	(((unsigned)(unsigned char)(c) | 0x20u) - 'a' < 26u)
#define SCAN_IS_DIGIT(c)	((unsigned)(unsigned char)(c) - '0' < 10u)

/* The end of the letters (SCAN_IS_ALPHA()) that start w[0..e - w): 16
 * bytes at a time while there are 16 (scan_find.c walks the first word
 * of every line, in scan_line_code() and scan_skip_lead()). */
static inline const char *
scan_alpha_end(const char *w, const char *e)
{
#ifdef __SSE2__
	while (e - w >= 16) {
		__m128i d = _mm_sub_epi8(_mm_or_si128(_mm_loadu_si128(
		    (const __m128i *)(const void *)w), _mm_set1_epi8(0x20)),
		    _mm_set1_epi8('a'));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_min_epu8(d, _mm_set1_epi8(25)), d));

		if (m != 0xffffu)
			return w + __builtin_ctz(~m);
		w += 16;
	}
#endif
	while (w < e && SCAN_IS_ALPHA(*w))
		w++;
	return w;
}

/* Drop the white space at both ends of s[0..*len). */
static inline void
scan_trim(const char **s, size_t *len)
{
	while (*len > 0 && scan_space[(unsigned char)**s]) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && scan_space[(unsigned char)(*s)[*len - 1]])
		(*len)--;
}

/* Only white space (isspace()) on the line. */
static inline int
scan_line_blank(const scan_line *l)
{
	return l->tlen == 0;
}

/* scan_search.c */
/* 1 + index of the first string of the list that s[0..len) starts with,
 * any case; 0 when none.  Inline, the test of the first byte that most
 * lines fail; scan_starts_more() compares the strings that start so. */
void scan_prefixes_ready(scan_prefixes *p);
int scan_starts_more(const scan_prefixes *p, uint64_t m, const char *s,
    size_t len);
static inline int
scan_starts_any(scan_prefixes *p, const char *s, size_t len)
{
	uint64_t m;

	if (len == 0)
		return 0;
	if (!__atomic_load_n(&p->ready, __ATOMIC_ACQUIRE))
		scan_prefixes_ready(p);
	m = p->first[(unsigned char)*s];
	if (m != 0 && len >= 2)
		m &= p->second[(unsigned char)s[1]];
	return m != 0 ? scan_starts_more(p, m, s, len) : 0;
}
/* The first needle[0..n) in s[0..len), any case, or NULL. */
const char *scan_find_n(const char *s, size_t len, const char *needle,
    size_t n);
/* The same for a string needle: its length is folded in where it is a
 * literal. */
#define scan_find(s, len, needle)	scan_find_n((s), (len), (needle), \
					    strlen(needle))
/* The same, the candidates found by needle[k], a byte that is not a
 * letter and is rare in text ('\'', '('). */
const char *scan_find_by(const char *s, size_t len, const char *needle,
    size_t n, size_t k);
#define scan_has(s, len, needle)	(scan_find((s), (len), (needle)) != NULL)
extern const unsigned char scan_lower[256];	/* ASCII tolower() */

/* s[0..n) equals needle[0..n) in any case (ASCII, as strncasecmp()). */
static inline int
scan_eq_fold(const char *s, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (scan_lower[(unsigned char)s[i]] !=
		    scan_lower[(unsigned char)needle[i]])
			return 0;
	return 1;
}

/* The eight bytes of x in ASCII lower case (as scan_lower[]), all at
 * once: a byte whose low seven bits are 'A' to 'Z' and whose high bit is
 * clear gets 0x20. */
static inline uint64_t
scan_fold8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u;
	uint64_t h = x & (0x7f * ones);
	uint64_t up = ((h + (0x80 - 'A') * ones) ^ (h + (0x80 - 'Z' - 1) *
	    ones)) & ~x & (0x80 * ones);

	return x | (up >> 2);
}

/* The same as scan_eq_fold(), for the callers whose candidates most
 * often match, or fail at their first byte (a phrase that the vector
 * filter let through, one found by a rare byte of it): the first byte
 * alone, then eight bytes at a time (most often the same bytes: only
 * then folded), then the rest one by one.  (A candidate that fails a
 * few bytes in costs more so: scan_find_n()'s, whose first and last
 * bytes match, take scan_eq_fold().) */
static inline int
scan_eq_fold_long(const char *s, const char *needle, size_t n)
{
	size_t i = 0;

	if (n >= 9) {
		if (scan_lower[(unsigned char)s[0]] !=
		    scan_lower[(unsigned char)needle[0]])
			return 0;
		i = 1;
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, s + i, sizeof(x));
		memcpy(&y, needle + i, sizeof(y));
		if (x != y && scan_fold8(x) != scan_fold8(y))
			return 0;
	}
	for (; i < n; i++)
		if (scan_lower[(unsigned char)s[i]] !=
		    scan_lower[(unsigned char)needle[i]])
			return 0;
	return 1;
}

/* scan_addr.c */
int scan_addr_find(const char *s, size_t len, size_t *off, size_t *alen);
size_t scan_addr_at(const char *p, const char *end);
int scan_addr_skipped(scan_doc *d, const char *a, size_t alen, int strict);

/* scan_code.c */
int scan_reply_code(const char *s, char out[4]);
int scan_status_code(const char *s, char out[16]);
/* The same, len: strlen(s), known to the caller. */
int scan_reply_code_n(const char *s, size_t len, char out[4]);
int scan_status_code_n(const char *s, size_t len, char out[16]);
int scan_remote_mta(const char *s, char *out, size_t outlen);
/* The phrases of scan_remote_mta() (*mta) and scan_cmd_phrase() (*cmd)
 * that s[0..len) has, in one pass, for the two below. */
void scan_diag_phrases(const char *s, size_t len, uint64_t *mta,
    uint64_t *cmd);
int scan_remote_mta_m(const char *s, char *out, size_t outlen, uint64_t mta);
const char *scan_cmd_phrase_m(const char *s, size_t len, uint64_t cmd);
int scan_is_error_text(const char *s);
int scan_is_failure_text(const char *s);
const char *scan_cmd_phrase(const char *s, size_t len);

/* scan_buf.c */
void scan_buf_add(scan_buf *b, const char *s, size_t len);
void scan_buf_free(scan_buf *b);
/* scan_reply_code() and scan_status_code() of b->p (not NULL), each
 * looked for once until b changes (a change sets b->codes to 0). */
int scan_buf_reply(scan_buf *b, char out[4]);
int scan_buf_status(scan_buf *b, char out[16]);
/* b has a reply code or a status code. */
static inline int
scan_buf_coded(scan_buf *b)
{
	char rc[4], st[16];

	return scan_buf_reply(b, rc) || scan_buf_status(b, st);
}

/* scan_find.c */
void scan_find_anchors(scan_doc *d);
void scan_find_weak(scan_doc *d);

/* scan_trans.c: transcripts and pasted DSN fields */
const char *scan_cmd_line(const scan_line *l);
const char *scan_cmd_before(const scan_doc *d, size_t i);
void scan_find_cmd(scan_doc *d);
void scan_talking_to(const scan_doc *d, size_t i, char *out, size_t outlen);
size_t scan_dsn_block(scan_doc *d, size_t i, scan_cand *c);
void scan_denoise(scan_buf *b);
enum { SCAN_GLOBAL_NONE, SCAN_GLOBAL_CODES, SCAN_GLOBAL_INTRO,
	SCAN_GLOBAL_PROSE };
int scan_find_global_coded(const scan_doc *d, scan_buf *out);
int scan_find_global_prose(const scan_doc *d, scan_buf *out);
scan_cand *scan_cand_add(scan_doc *d, const char *a, size_t alen, int strength);

/* scan_family.c: formats recognised by their boilerplate */
void scan_find_family(scan_doc *d);

#endif
