/*
 * NAME
 *	input - files, mboxes, maildirs and directories to messages
 *
 * DESCRIPTION
 *	input_fd() reads a descriptor in INPUT_READ-byte reads.  When the
 *	first line starts with "From " the stream is an mbox: a line that
 *	starts with "From " at the start of the file or after a blank line
 *	begins a new message (that blank line is dropped, as it belongs to
 *	the mbox); a line ">From ", ">>From ", ... loses one '>' (mboxrd).
 *	Otherwise the stream is one message.  A stream whose first line
 *	ends with a bare CR (old Mac OS files) has every CR read as LF.
 *	Message bytes go to
 *	rawfeed_feed() in chunks of at most o->chunk bytes, straight from the
 *	read buffer (small pieces held back by the mbox logic are gathered
 *	first); each message's result goes to the caller's callback.  Only
 *	lines that may matter to the mbox format are looked at one by one:
 *	those that may be a From_ line or an escaped one (found by a vector
 *	scan for a newline followed by 'F' or '>', the lines found checked
 *	in the same pass: input_next_from()) and a blank line right before
 *	one of them or before the end of the buffer; runs of other complete
 *	lines are passed on together.
 *
 *	input_path() opens a file, "-" (standard input), or walks a directory:
 *	a maildir (cur/ and new/) gives every file in cur/ and new/ sorted by
 *	name; another directory gives its entries sorted by name, regular
 *	files read, subdirectories walked (depth at most INPUT_DEPTH; names
 *	starting with '.' and maildir tmp/ skipped).
 *
 * MEMORY
 *	Per stream: one read buffer, one chunk buffer (for gathered pieces)
 *	and the first INPUT_HEAD bytes of the current line (a line that
 *	comes whole is decided where it lies).  Chunks given to
 *	rawfeed_feed() point into these buffers and live only for the call.
 *	Directory listings are held (names only) while a directory is
 *	walked, at most INPUT_MAX_NAMES.
 */
#define _GNU_SOURCE	/* memrchr */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "input.h"
#include "simd.h"

#define INPUT_READ	65536		/* bytes per read() */
#define INPUT_HEAD	80		/* line start kept to spot From_ lines */
#define INPUT_DEPTH	16		/* directory nesting */
#define INPUT_MAX_NAMES	1000000		/* entries per directory */
#define INPUT_CHUNK_MAX	(1u << 20)	/* largest chunk honoured */
#define INPUT_GATHER	256		/* pieces up to this are gathered */

/* Line ends, decided at the stream's first CR or LF: a bare CR there
 * means CR-only lines, every CR is then read as LF. */
enum { INPUT_EOL_UNKNOWN, INPUT_EOL_LF, INPUT_EOL_CR };

typedef struct input_state {
	rawfeed *rf;
	const input_opts *o;
	input_fn fn;
	void *arg;
	const char *name;
	size_t msgno;
	int mbox;		/* -1 undecided, 0 single message, 1 mbox */
	int eol;		/* INPUT_EOL_*: the stream's line ends */
	int in_msg;		/* rawfeed_begin() done */
	int prev_blank;		/* previous line blank (or start of file) */
	int pass;		/* rest of this line goes out unexamined */
	int skip;		/* rest of this line is dropped (From_ line) */
	int level;		/* input_next_from()'s code (input_level()) */
	char blank[2];		/* a held blank line: "\n" or "\r\n" */
	size_t nblank;
	char head[INPUT_HEAD];
	size_t nhead;
	char *chunk;
	size_t chunklen, nchunk;
} input_state;

static void
input_flush(input_state *s)
{
	if (s->nchunk > 0) {
		if (s->o->tap != NULL)
			s->o->tap(s->o->tap_arg, s->msgno, s->chunk, s->nchunk);
		rawfeed_feed(s->rf, s->chunk, s->nchunk);
	}
	s->nchunk = 0;
}

static void
input_begin(input_state *s)
{
	rawfeed_begin(s->rf, s->o->sender);
	s->in_msg = 1;
}

/* Message bytes to the engine, in chunks of at most chunklen bytes.  Small
 * pieces (a line start the mbox logic held back) are gathered in the chunk
 * buffer; larger ones are fed from where they lie, after what is gathered:
 * the engine copies what it keeps, so no chunk needs to outlive the call. */
static void
input_emit(input_state *s, const char *p, size_t n)
{
	size_t take;

	if (!s->in_msg)
		input_begin(s);
	if (n <= INPUT_GATHER && n <= s->chunklen - s->nchunk) {
		memcpy(s->chunk + s->nchunk, p, n);
		s->nchunk += n;
		if (s->nchunk == s->chunklen)
			input_flush(s);
		return;
	}
	input_flush(s);
	while (n > 0) {
		take = n < s->chunklen ? n : s->chunklen;
		if (s->o->tap != NULL)
			s->o->tap(s->o->tap_arg, s->msgno, p, take);
		rawfeed_feed(s->rf, p, take);
		p += take;
		n -= take;
	}
}

static void
input_end_msg(input_state *s)
{
	const bt_result *r;

	if (!s->in_msg)
		return;
	input_flush(s);
	r = rawfeed_end(s->rf);
	if (r != NULL && s->fn != NULL)
		s->fn(s->arg, s->name, s->msgno, r);
	s->msgno++;
	s->in_msg = 0;
}

static void
input_release_blank(input_state *s)
{
	if (s->nblank > 0)
		input_emit(s, s->blank, s->nblank);
	s->nblank = 0;
}

static int
input_is_blank(const char *h, size_t n)
{
	return (n == 1 && h[0] == '\n') || (n == 2 && h[0] == '\r' && h[1] == '\n');
}

/* ">From ", ">>From ", ...: 1 when the line start is an escaped From_. */
static int
input_is_escaped(const char *h, size_t n)
{
	size_t i = 0;

	while (i < n && h[i] == '>')
		i++;
	return i > 0 && n - i >= 5 && memcmp(h + i, "From ", 5) == 0;
}

/* The start of a line, h[0..n), is complete (newline seen) or the head
 * is full: decide what it is.  eol: h ends with the newline.  h is the
 * head buffer, or the line where it lies when it came whole. */
static void
input_decide(input_state *s, const char *h, size_t n, int eol)
{
	int from = (n >= 5 && memcmp(h, "From ", 5) == 0);

	if (s->mbox < 0)
		s->mbox = from;
	s->nhead = 0;
	if (s->mbox && from && s->prev_blank) {
		s->nblank = 0;		/* the separator's blank line */
		input_end_msg(s);
		input_begin(s);
		s->skip = !eol;
		s->prev_blank = 0;
		return;
	}
	if (s->mbox && eol && input_is_blank(h, n)) {
		input_release_blank(s);
		s->blank[0] = h[0];	/* "\n" or "\r\n" */
		s->blank[1] = h[n - 1];
		s->nblank = n;
		s->prev_blank = 1;
		return;
	}
	input_release_blank(s);
	if (s->mbox && input_is_escaped(h, n)) {
		h++;
		n--;
	}
	input_emit(s, h, n);
	s->pass = !eol;
	s->prev_blank = 0;
}

/* 1 when the line at p (bytes up to end) may be a From_ line or an
 * escaped one ("From ", ">From ", ">>From ", ...), or is cut off by end
 * before that is known: input_decide() must see it. */
static inline int
input_may_be_from(const char *p, const char *end)
{
	while (p < end && *p == '>')
		p++;
	if ((size_t)(end - p) < 5)
		return 1;
	return memcmp(p, "From ", 5) == 0;
}

/* The search of input_next_from(), a byte at a time from q: q[1] must
 * stay below stop. */
static const char *
input_next_from_tail(const char *q, const char *stop, const char *end)
{
	for (; q + 1 < stop; q++)
		if (q[0] == '\n' && (q[1] == 'F' || q[1] == '>') &&
		    input_may_be_from(q + 1, end))
			return q + 1;
	return NULL;
}

/* The first of the line starts q + i + 1 (bit i of m set; a superset
 * of the lines that start with 'F' or '>' will do) that may be a From_
 * line, or NULL. */
static inline const char *
input_from_of(uint64_t m, const char *q, const char *end)
{
	const char *c;

	for (; m != 0; m &= m - 1) {
		c = q + __builtin_ctzll(m) + 1;
		if ((*c == 'F' || *c == '>') && input_may_be_from(c, end))
			return c;
	}
	return NULL;
}

#if defined(__GNUC__) && defined(__x86_64__)
#define INPUT_AVX2 1
/* Of the 32 bytes at q, those that may be a newline followed by 'F' or
 * '>' (q[32] is read): in one shuffle and one compare, the byte after
 * gives tbl[its low four bits] (0 when it is 0x80 or more), which is a
 * newline for 'F' (0x46, entry 6) and '>' (0x3e, entry 14), 0xff for the
 * other entries, and that is compared with the byte.  A superset: a
 * newline before any byte ending in 6 or e ('N', 'f', 'n', 'v', '.' ...),
 * 0xff before any other, a NUL before a byte of 0x80 or more;
 * input_from_of() looks at the line starts found. */
#define INPUT_FGT32(q) _mm256_cmpeq_epi8(_mm256_loadu_si256(		\
	(const __m256i *)(const void *)(q)), _mm256_shuffle_epi8(tbl,	\
	_mm256_loadu_si256((const __m256i *)(const void *)((q) + 1))))

/* input_next_from() 128 bytes at a time on a CPU with AVX2: the four
 * blocks of 32 tested at once (most blocks have a newline, few have a
 * line that starts with 'F' or '>', fewer a From_ line), then 32 at a
 * time. */
__attribute__((target("avx2"))) static const char *
input_next_from_avx2(const char *q, const char *stop, const char *end)
{
	const __m256i tbl = _mm256_setr_epi8(
	    -1, -1, -1, -1, -1, -1, '\n', -1, -1, -1, -1, -1, -1, -1, '\n', -1,
	    -1, -1, -1, -1, -1, -1, '\n', -1, -1, -1, -1, -1, -1, -1, '\n', -1);
	const char *c, *lim;

	/* q < lim: q[128], the last byte read, below stop */
	for (lim = stop - q >= 129 ? stop - 128 : q; q < lim; q += 128) {
		__m256i m0 = INPUT_FGT32(q), m1 = INPUT_FGT32(q + 32);
		__m256i m2 = INPUT_FGT32(q + 64), m3 = INPUT_FGT32(q + 96);
		__m256i any = _mm256_or_si256(_mm256_or_si256(m0, m1),
					      _mm256_or_si256(m2, m3));

		if (_mm256_testz_si256(any, any))
			continue;
		if ((c = input_from_of((uint32_t)_mm256_movemask_epi8(m0) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(m1) << 32, q, end)) != NULL ||
		    (c = input_from_of((uint32_t)_mm256_movemask_epi8(m2) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(m3) << 32, q + 64, end)) != NULL)
			return c;
	}
	for (; stop - q >= 33; q += 32) {
		__m256i m0 = INPUT_FGT32(q);

		if (!_mm256_testz_si256(m0, m0) &&
		    (c = input_from_of((uint32_t)_mm256_movemask_epi8(m0), q, end)) != NULL)
			return c;
	}
	return input_next_from_tail(q, stop, end);
}
#undef INPUT_FGT32

/* Of the 64 bytes at q, those that may be a newline followed by 'F' or
 * '>' (q[64] is read), as INPUT_FGT32() finds them, bit i for q + i: in
 * one shuffle and one compare into a mask. */
#define INPUT_FGT64(q) _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(	\
	(const void *)(q)), _mm512_shuffle_epi8(tbl,			\
	_mm512_loadu_si512((const void *)((q) + 1))))

/* input_next_from_avx2() with AVX-512's 64-byte blocks and masks (BW;
 * BMI2 for the mask of the last block, read with byte masks: the bytes
 * past stop are not read). */
__attribute__((target("avx2,avx512f,avx512bw,avx512vl,bmi2"))) static const char *
input_next_from_512(const char *q, const char *stop, const char *end)
{
	const __m512i tbl = _mm512_broadcast_i32x4(_mm_setr_epi8(
	    -1, -1, -1, -1, -1, -1, '\n', -1, -1, -1, -1, -1, -1, -1, '\n', -1));
	const char *c, *lim;
	uint64_t m0, m1;
	__mmask64 k;

	/* q < lim: q[128], the last byte read, below stop */
	for (lim = stop - q >= 129 ? stop - 128 : q; q < lim; q += 128) {
		m0 = INPUT_FGT64(q);
		m1 = INPUT_FGT64(q + 64);
		if ((m0 | m1) == 0)
			continue;
		if ((c = input_from_of(m0, q, end)) != NULL ||
		    (c = input_from_of(m1, q + 64, end)) != NULL)
			return c;
	}
	for (; stop - q >= 65; q += 64)
		if ((m0 = INPUT_FGT64(q)) != 0 &&
		    (c = input_from_of(m0, q, end)) != NULL)
			return c;
	if (stop - q < 2)
		return NULL;
	/* the last bytes: those at q + i with q + i + 1 below stop (the
	 * others read as NUL, which nothing matches, and masked out) */
	k = (__mmask64)_bzhi_u64(~(uint64_t)0, (unsigned)(stop - q - 1));
	m0 = _mm512_mask_cmpeq_epi8_mask(k, _mm512_maskz_loadu_epi8(k, q),
	    _mm512_shuffle_epi8(tbl, _mm512_maskz_loadu_epi8(k, q + 1)));
	return m0 != 0 ? input_from_of(m0, q, end) : NULL;
}
#undef INPUT_FGT64
#endif

/* The code input_next_from() runs: 3 AVX-512 (input_next_from_512()),
 * 2 AVX2, 1 SSE2, 0 a byte at a time; picked once (simd_pick(): by the
 * build and the CPU, 0 when BOUNCETAG_NO_SIMD is set), or by tests
 * (input_simd_force()); -1 until then.  A stream reads it once
 * (input_state.level). */
static int input_simd = -1;

#ifdef INPUT_AVX2
#define INPUT_BUILT	(SIMD_BUILT_SSE2 | SIMD_AVX2)
#else
#define INPUT_BUILT	SIMD_BUILT_SSE2
#endif

/* The level for want (-1: the best there is). */
static int
input_pick(int want)
{
	int l = simd_pick(INPUT_BUILT, want > 2 ? -1 : want);

#ifdef INPUT_AVX2
	if (l == 2 && (want < 0 || want > 2) &&
	    (simd_features() & SIMD_AVX512BW))
		l = 3;
#endif
	return l;
}

int
input_simd_force(int level)
{
	int l = input_pick(level);

	__atomic_store_n(&input_simd, l, __ATOMIC_RELAXED);
	return l;
}

static int
input_level(void)
{
	int level = __atomic_load_n(&input_simd, __ATOMIC_RELAXED);

	if (level < 0) {	/* a race only picks the same twice */
		level = input_pick(-1);
		__atomic_store_n(&input_simd, level, __ATOMIC_RELAXED);
	}
	return level;
}

/* The first line start after p (a byte that follows a '\n') in [p, stop)
 * that may be a From_ line or an escaped one (input_may_be_from(), which
 * reads up to end), or NULL.  Only a line that starts with 'F' or '>' can
 * be one: those are found 128 bytes at a time with AVX-512 or AVX2, 32
 * with SSE2, as level says (input_level()). */
static const char *
input_next_from(int level, const char *p, const char *stop, const char *end)
{
	const char *q = p;

#ifdef INPUT_AVX2
	if (level >= 3)
		return input_next_from_512(p, stop, end);
	if (level == 2)
		return input_next_from_avx2(p, stop, end);
#endif
	if (level < 1)
		return input_next_from_tail(p, stop, end);
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), f = _mm_set1_epi8('F'),
	    gt = _mm_set1_epi8('>');
	const char *c;

	for (; stop - q >= 33; q += 32) {
		/* most blocks of 32 bytes hold no newline: test that first */
		__m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)q);
		__m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(q + 16));
		__m128i n0 = _mm_cmpeq_epi8(a0, nl), n1 = _mm_cmpeq_epi8(a1, nl);
		__m128i b0, b1;
		unsigned m;

		if (_mm_movemask_epi8(_mm_or_si128(n0, n1)) == 0)
			continue;
		b0 = _mm_loadu_si128((const __m128i *)(const void *)(q + 1));
		b1 = _mm_loadu_si128((const __m128i *)(const void *)(q + 17));
		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(n0,
		    _mm_or_si128(_mm_cmpeq_epi8(b0, f), _mm_cmpeq_epi8(b0, gt)))) |
		    (unsigned)_mm_movemask_epi8(_mm_and_si128(n1,
		    _mm_or_si128(_mm_cmpeq_epi8(b1, f), _mm_cmpeq_epi8(b1, gt)))) << 16;
		if (m != 0 && (c = input_from_of(m, q, end)) != NULL)
			return c;
	}
#endif
	return input_next_from_tail(q, stop, end);
}

/* The length of the complete lines at p (a line start) that need no
 * decision: in an mbox only a From_ line, an escaped one, and a blank line
 * right before one of those (or before the end of what is buffered, as the
 * next read may start with a From_ line) matter.  Any other line only goes
 * to the engine; such lines are passed on together, without going through
 * the head buffer (which would pass them on the same way).  stop: the end
 * of the complete lines buffered, end: of the bytes buffered. */
static size_t
input_plain_run(int level, const char *p, const char *stop, const char *end)
{
	const char *c = p;

	if (stop <= p)
		return 0;
	if (!((*c == 'F' || *c == '>') && input_may_be_from(c, end)) &&
	    (c = input_next_from(level, c, stop, end)) == NULL)
		c = stop;
	/* a blank line ending the run waits in the head buffer */
	if (c > p && c[-1] == '\n') {
		if (c - 1 == p || c[-2] == '\n')
			c -= 1;
		else if (c[-2] == '\r' && (c - 2 == p || c[-3] == '\n'))
			c -= 2;
	}
	return (size_t)(c - p);
}

/* Bytes from the stream. */
static void
input_bytes(input_state *s, const char *p, size_t n)
{
	const char *nl, *end = p + n, *stop;
	size_t len, run;

	/* the end of the complete lines (p + n stays end below) */
	stop = (nl = memrchr(p, '\n', n)) != NULL ? nl + 1 : p;

	while (n > 0) {
		if (s->mbox == 0) {		/* one message: no line work */
			input_emit(s, p, n);
			return;
		}
		if (s->pass || s->skip) {
			nl = memchr(p, '\n', n);
			len = nl ? (size_t)(nl - p) + 1 : n;
			if (s->pass)
				input_emit(s, p, len);
			if (nl)
				s->pass = s->skip = 0;
			p += len;
			n -= len;
			continue;
		}
		if (s->mbox == 1 && s->nhead == 0 &&
		    (run = input_plain_run(s->level, p, stop, end)) > 0) {
			input_release_blank(s);
			input_emit(s, p, run);
			s->prev_blank = 0;
			p += run;
			n -= run;
			continue;
		}
		/* the head of the line: up to its newline or INPUT_HEAD bytes */
		len = INPUT_HEAD - s->nhead;
		if (len > n)
			len = n;
		nl = memchr(p, '\n', len);
		if (nl != NULL)
			len = (size_t)(nl - p) + 1;
		if (nl != NULL && s->nhead == 0) {
			/* a whole line (a blank one, a From_ line): decided
			 * where it lies */
			p += len;
			n -= len;
			input_decide(s, p - len, len, 1);
			continue;
		}
		memcpy(s->head + s->nhead, p, len);
		s->nhead += len;
		p += len;
		n -= len;
		if (nl != NULL)
			input_decide(s, s->head, s->nhead, 1);
		else if (s->nhead == INPUT_HEAD)
			input_decide(s, s->head, s->nhead, 0);
	}
}

/* End of stream: a partial last line, then the last message. */
static void
input_eof(input_state *s)
{
	if (s->nhead > 0)
		input_decide(s, s->head, s->nhead, 0);
	if (s->mbox != 1)
		input_release_blank(s);
	else
		s->nblank = 0;		/* trailing mbox blank line */
	if (s->mbox <= 0 && !s->in_msg && s->msgno == 0)
		input_begin(s);		/* an empty file is one empty message */
	input_end_msg(s);
}

/* Decide s->eol from a buffer when it holds the first line end; returns
 * 1 when the buffer's last byte is a CR that decides nothing yet (its
 * next byte is in the next read): the caller holds it back. */
static int
input_eol_decide(input_state *s, const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);
	const char *cr = memchr(p, '\r', lf != NULL ? (size_t)(lf - p) : n);

	if (cr == NULL) {
		if (lf != NULL)
			s->eol = INPUT_EOL_LF;
		return 0;
	}
	if (cr + 1 == p + n)
		return 1;
	s->eol = cr[1] == '\n' ? INPUT_EOL_LF : INPUT_EOL_CR;
	return 0;
}

/* CR-only line ends read as LF, in place. */
static void
input_cr_to_lf(char *p, size_t n)
{
	char *cr;

	while ((cr = memchr(p, '\r', n)) != NULL) {
		*cr = '\n';
		n -= (size_t)(cr + 1 - p);
		p = cr + 1;
	}
}

int
input_fd(rawfeed *rf, int fd, const char *name, const input_opts *o,
	 input_fn fn, void *arg)
{
	input_state s;
	char *buf;
	ssize_t got;
	size_t held = 0, n;	/* held: a CR kept at buf[0] for the next read */
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.rf = rf;
	s.o = o;
	s.fn = fn;
	s.arg = arg;
	s.name = name;
	s.mbox = -1;
	s.prev_blank = 1;
	s.level = input_level();
	s.chunklen = o->chunk ? o->chunk : 4096;
	if (s.chunklen > INPUT_CHUNK_MAX)
		s.chunklen = INPUT_CHUNK_MAX;
	buf = malloc(INPUT_READ);
	s.chunk = malloc(s.chunklen);
	if (buf == NULL || s.chunk == NULL) {
		fprintf(stderr, "bouncetag: %s: out of memory\n", name);
		free(buf);
		free(s.chunk);
		return -1;
	}
	for (;;) {
		got = read(fd, buf + held, INPUT_READ - held);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "bouncetag: %s: read: %s\n", name, strerror(errno));
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		n = held + (size_t)got;
		held = 0;
		if (s.eol == INPUT_EOL_UNKNOWN && input_eol_decide(&s, buf, n)) {
			held = 1;
			n--;
		}
		if (s.eol == INPUT_EOL_CR)
			input_cr_to_lf(buf, n);
		input_bytes(&s, buf, n);
		if (held)
			buf[0] = '\r';
	}
	if (held)	/* the stream's only line end, last: CR-only */
		input_bytes(&s, "\n", 1);
	input_eof(&s);
	free(buf);
	free(s.chunk);
	return rc;
}

static int
input_file(rawfeed *rf, const char *path, const input_opts *o, input_fn fn,
	   void *arg)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "bouncetag: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = input_fd(rf, fd, path, o, fn, arg);
	close(fd);
	return rc;
}

static int
input_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
input_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl > 0 && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* Append the names in dir (prefixed with prefix) to *v. 0 or -1. */
static int
input_list(const char *dir, const char *prefix, char ***v, size_t *n,
	   size_t *alloc)
{
	DIR *d;
	struct dirent *de;
	char **nv;

	if (dir == NULL)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "bouncetag: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (*n >= INPUT_MAX_NAMES) {
			fprintf(stderr, "bouncetag: %s: more than %u entries, rest skipped\n",
				dir, (unsigned)INPUT_MAX_NAMES);
			closedir(d);
			return -1;
		}
		if (*n == *alloc) {
			size_t na = *alloc ? *alloc * 2 : 64;
			if ((nv = realloc(*v, na * sizeof(*nv))) == NULL)
				break;
			*v = nv;
			*alloc = na;
		}
		if (((*v)[*n] = input_join(prefix, de->d_name)) == NULL)
			break;
		(*n)++;
	}
	closedir(d);
	return de == NULL ? 0 : -1;
}

static int
input_is_dir(const char *dir, const char *sub)
{
	char *p = input_join(dir, sub);
	struct stat st;
	int r;

	if (p == NULL)
		return 0;
	r = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return r;
}

/* Sort maildir entries by file name (the part after cur/ or new/). */
static int
input_cmp_base(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = strcmp(x + 4, y + 4);

	return c ? c : strcmp(x, y);
}

static int input_walk(rawfeed *rf, const char *path, const input_opts *o,
		      input_fn fn, void *arg, int depth);

static int
input_dir(rawfeed *rf, const char *path, const input_opts *o, input_fn fn,
	  void *arg, int depth)
{
	char **v = NULL, *p;
	size_t n = 0, alloc = 0, i;
	int rc = 0, maildir = input_is_dir(path, "cur") && input_is_dir(path, "new");

	if (depth > INPUT_DEPTH) {
		fprintf(stderr, "bouncetag: %s: directories nested too deep\n", path);
		return -1;
	}
	if (maildir) {
		if (input_list(p = input_join(path, "cur"), "cur", &v, &n, &alloc) < 0)
			rc = -1;
		free(p);
		if (input_list(p = input_join(path, "new"), "new", &v, &n, &alloc) < 0)
			rc = -1;
		free(p);
		qsort(v, n, sizeof(*v), input_cmp_base);
	} else {
		if (input_list(path, "", &v, &n, &alloc) < 0)
			rc = -1;
		qsort(v, n, sizeof(*v), input_cmp);
	}
	for (i = 0; i < n; i++) {
		if ((p = input_join(path, v[i])) == NULL) {
			rc = -1;
		} else if (input_walk(rf, p, o, fn, arg, depth + 1) < 0) {
			rc = -1;
		}
		free(p);
		free(v[i]);
	}
	free(v);
	return rc;
}

static int
input_walk(rawfeed *rf, const char *path, const input_opts *o, input_fn fn,
	   void *arg, int depth)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "bouncetag: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return input_dir(rf, path, o, fn, arg, depth);
	if (!S_ISREG(st.st_mode) && depth > 0)
		return 0;		/* sockets, fifos inside a directory */
	return input_file(rf, path, o, fn, arg);
}

int
input_path(rawfeed *rf, const char *path, const input_opts *o, input_fn fn,
	   void *arg)
{
	if (strcmp(path, "-") == 0)
		return input_fd(rf, STDIN_FILENO, "-", o, fn, arg);
	return input_walk(rf, path, o, fn, arg, 0);
}
