/*
 * mime.c - streaming MIME parser (see mime.h).
 *
 * The body is cut into lines; a line longer than max_line is handed on in
 * pieces (BT_CAP_LINE) that are never taken for boundaries or header starts.
 * A boundary line of any open multipart closes whatever is open inside it.
 * Leaf content is decoded line by line; the base64 decoder keeps its partial
 * quartet across lines and chunks.  Where lines are only passed on,
 * decoded or dropped (a leaf's content, quoted-printable or CR LF text by
 * mime_qp_run(), a preamble, a skipped part) whole runs of them go at once
 * (mime_fast()), up to the next line that may be a boundary: the callbacks
 * see the same bytes, in fewer pieces.  An entity's header lines are read
 * in a run too (mime_header_run()), without the per-line tests that only
 * other states need, their ends found in vector blocks where the CPU has
 * AVX2 (a memchr() call a line costs more); what is left of an embedded
 * message's header block once header() has all it wants of it is passed
 * over by one scan (mime_skip_fields()).  The parser object and the
 * decision, at the end of an entity's headers, of what its body is are
 * mime_entity.c's; the state both share is in mime_int.h.  All buffers
 * belong to the mime object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "mime_int.h"
#include "fieldname.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

/* ---- header lines ------------------------------------------------------ */

/* The first NUL of the field f (NUL-terminated in its buffer): with SSE2
 * 16 bytes at a time, in line (most fields are short: a memchr() call
 * costs more), reading at most MIME_FIELD_PAD - 1 bytes past the NUL. */
MIME_INLINE char *
mime_field_nul(char *f)
{
#ifdef __SSE2__
	for (;; f += 16) {
		unsigned z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)f),
		    _mm_setzero_si128()));

		if (z != 0)
			return f + __builtin_ctz(z);
	}
#else
	return f + strlen(f);
#endif
}

/* A complete field someone may read: its name and value found, unfolded
 * as gathered, Content-Type and -Transfer-Encoding kept, header() called
 * for an embedded message's. */
static void
mime_field_read(mime *m)
{
	char *f = m->field, *colon, *v, *end;
	size_t nlen;
	int id;

	f[m->flen] = '\0';
	end = mime_field_nul(f);	/* a NUL ends the field */
	m->flen = 0;
	if (m->fname > 0) {	/* "Name:" on its first line, NUL-free */
		nlen = m->fname;
		colon = f + nlen;
		id = m->fid;
	} else {
		colon = memchr(f, ':', (size_t)(end - f));
		if (colon == NULL || colon == f)
			return;
		for (nlen = 0; f + nlen < colon; nlen++)
			if (mime_space(f[nlen]))
				break;
		if (f + nlen != colon) {	/* "Name :" is tolerated, "a b:" is not */
			const char *q = f + nlen;

			while (q < colon && (*q == ' ' || *q == '\t'))
				q++;
			if (q != colon)
				return;
		}
		id = fieldname_id(f, nlen);
	}
	f[nlen] = '\0';
	v = colon + 1;
	while (mime_blank(*v))
		v++;
	while (end > v && mime_space(end[-1]))
		end--;
	*end = '\0';
	m->saw_header = 1;
	if (id == FN_CONTENT_TYPE) {
		size_t n = (size_t)(end - v);

		if (n > MIME_CT_MAX)
			n = MIME_CT_MAX;
		memcpy(m->ct, v, n);
		m->ct[n] = '\0';
		m->has_ct = 1;
	} else if (id == FN_CONTENT_TRANSFER_ENCODING) {
		m->cur.enc = mime_encoding(v);
	}
	if (m->is_message && m->cb.header != NULL)
		m->cb.header(m->cb.ctx, m->cur.in_message, id, f, v,
			     (size_t)(end - v));
}

/* The field being gathered is complete: nothing to do for none or for one
 * no one reads (in line: most are), else mime_field_read(). */
MIME_INLINE void
mime_field_done(mime *m)
{
	if (m->flen == 0)
		return;
	if (m->fskip) {		/* a well-formed name, known to be of no use */
		m->flen = 0;
		m->fskip = 0;
		m->saw_header = 1;
		return;
	}
	mime_field_read(m);
}

MIME_INLINE void
mime_field_append(mime *m, const char *s, size_t n)
{
	size_t room = m->caps->max_header - m->flen;

	if (n > room) {
		*m->caps_hit |= BT_CAP_HEADER;
		n = room;
	}
	if (!m->fskip)
		memcpy(m->field + m->flen, s, n);
	m->flen += n;
}

/* The bytes of a field name as mime_field_done() takes it: not a blank
 * (isspace()), ':' or NUL. */
static const unsigned char mime_name_stop[256] = {
	[0] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1,
	['\r'] = 1, [':'] = 1,
};

/* A field starts with line s: 1 when mime_field_done() would find it
 * well-formed and then do nothing with its value (not Content-Type or
 * -Transfer-Encoding, not a field header() wants): its name ends at a
 * colon on this line, before max_header bytes, with no blank before.
 * Such a name is kept in fname and fid either way. */
_Static_assert(FN_NOT_KEPT < 64, "field ids must fit header_ids");

MIME_INLINE int
mime_field_unread(mime *m, const char *s, size_t n, size_t i)
{
	int id;

	m->fname = 0;
	if (i == 0 || i >= n || s[i] != ':' || i >= m->caps->max_header)
		return 0;
	if (m->is_message && !m->msg_initial[(unsigned char)s[0]]) {
		m->fname = i;	/* a name no one reads: not looked up */
		m->fid = FN_OTHER;
		return 1;
	}
	if (m->is_message)
		id = fieldname_id(s, i);
	else	/* a part's own fields: only these two are read */
		id = i == 12 && fieldname_eq_words(s, "content-type", 12) ?
		     FN_CONTENT_TYPE :
		     i == 25 && fieldname_eq_words(s, "content-transfer-encoding", 25) ?
		     FN_CONTENT_TRANSFER_ENCODING : FN_OTHER;
	m->fname = i;		/* mime_field_done() need not read it again */
	m->fid = id;
	if (id == FN_CONTENT_TYPE || id == FN_CONTENT_TRANSFER_ENCODING)
		return 0;
	if (m->is_message && m->cb.header != NULL &&
	    (m->cb.header_ids == 0 || (m->cb.header_ids >> id) & 1))
		return 0;
	return 1;
}

/* Where the name at s ends (its stop byte, mime_name_stop: returned), and
 * where its parameter-name bytes end as far as a parameter line needs it
 * (*param: mime_param_span(), or any place that is not an '=' when no '='
 * comes before the name's end: a line is "name=value" only with an '='
 * there).  With SSE2 the usual line takes one block of 16 bytes: the stop
 * bytes and '=' by mask, mime_param_span() only when an '=' comes first.
 * avail (>= n) bytes can be read at s: a line shorter than 16 bytes is
 * read in one block too when 16 are there, its end taken as a stop. */
static inline size_t
mime_name_end(const char *s, size_t n, size_t avail, size_t *param)
{
	size_t i = 0, j;

#ifdef __SSE2__
	const __m128i z = _mm_setzero_si128(), sp = _mm_set1_epi8(' '),
	    co = _mm_set1_epi8(':'), eq = _mm_set1_epi8('='),
	    t0 = _mm_set1_epi8('\t' - 1), t1 = _mm_set1_epi8('\r' + 1);

	for (; avail - i >= 16 && i <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned st = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, z), _mm_cmpeq_epi8(x, sp)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, co), _mm_and_si128(
		    _mm_cmpgt_epi8(x, t0), _mm_cmplt_epi8(x, t1)))));
		unsigned e = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, eq));

		if (n - i < 16) {	/* the bytes past n: the line's end */
			st = (st & ((1u << (n - i)) - 1)) | 1u << (n - i);
			e &= (1u << (n - i)) - 1;
		}
		if (e != 0 && (st == 0 || __builtin_ctz(e) < __builtin_ctz(st)))
			break;		/* an '=' first: the long way */
		if (st != 0) {
			j = i + (unsigned)__builtin_ctz(st);
			*param = j;	/* not an '=' (a stop byte, or n) */
			return j;
		}
	}
#else
	(void)avail;
#endif
	/* the bytes before i hold no stop byte */
	*param = mime_param_span(s, n);
	for (j = *param > i ? *param : i; j < n &&
	     !mime_name_stop[(unsigned char)s[j]]; j++)
		;	/* the name goes on to its stop byte */
	return j;
}

size_t
mime_field_name_end(const char *s, size_t n, size_t avail, size_t *param)
{
	return mime_name_end(s, n, avail, param);
}

/* "boundary=..." at the start of a line: a parameter whose line was not
 * indented (seen in real bounces); taken as a continuation. */
MIME_INLINE void
mime_header_line(mime *m, const char *s, size_t n, size_t avail, int first)
{
	size_t i, j;

	if (!first) {
		mime_field_append(m, s, n);
		return;
	}
	if (n == 0) {
		/* Some reports put a blank line before a returned message's
		 * headers: skip a few of those. */
		if (m->is_message && !m->saw_header && m->flen == 0 &&
		    m->blank_skips < 2) {
			m->blank_skips++;
			return;
		}
		mime_field_done(m);
		if (m->is_message && m->cb.message_eoh != NULL) {
			m->cb.message_eoh(m->cb.ctx, m->cur.in_message);
			/* Stopped by message_eoh() (a returned message's
			 * headers were all the engine wanted): nothing is read
			 * and no callback comes until mime_begin(), which sets
			 * up all mime_entity_done() would.  What it could still
			 * leave is a cap in caps_hit, which needs a depth or a
			 * count past its cap: skipped only when none is near. */
			if (m->stopped && m->cur.depth < m->caps->max_depth &&
			    m->nframes <= m->caps->max_depth &&
			    m->nparts < m->caps->max_parts)
				return;
		}
		mime_entity_done(m);
		return;
	}
	if (mime_blank(s[0]) && m->flen > 0) {
		mime_field_append(m, s, n);
		return;
	}
	/* mime_param_line(), in line: parameter-name bytes, then '=' */
	j = mime_name_end(s, n, avail, &i);
	if (m->flen > 0 && i > 0 && i < n && s[i] == '=') {
		mime_field_append(m, " ", 1);
		mime_field_append(m, s, n);
		return;
	}
	mime_field_done(m);
	m->fskip = mime_field_unread(m, s, n, j);
	mime_field_append(m, s, n);
}

/* ---- leaf content ------------------------------------------------------ */

static const signed char mime_b64[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64, ['-'] = 63, ['_'] = 64,
};

static size_t
mime_b64_decode(mime *m, const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int v = mime_b64[(unsigned char)s[i]];

		if (v == 0) {
			if (s[i] == '=') {	/* padding ends a group */
				m->b64acc = 0;
				m->b64bits = 0;
			}
			continue;
		}
		m->b64acc = (m->b64acc << 6) | (unsigned)(v - 1);
		m->b64bits += 6;
		if (m->b64bits >= 8) {
			m->b64bits -= 8;
			out[o++] = (char)((m->b64acc >> m->b64bits) & 0xff);
		}
	}
	m->b64acc &= (1u << m->b64bits) - 1;
	return o;
}

static void
mime_body_line(mime *m, const char *s, size_t n, int eol)
{
	size_t o;

	switch (m->cur.enc) {
	case MIME_ENC_BASE64:
		o = mime_b64_decode(m, s, n, m->dbuf);
		if (o > 0)
			m->cb.data(m->cb.ctx, &m->cur, m->dbuf, o);
		break;
	case MIME_ENC_QP:
		o = mime_qp_decode(s, n, eol, m->dbuf);
		if (o > 0)
			m->cb.data(m->cb.ctx, &m->cur, m->dbuf, o);
		break;
	default:
		if (n > 0)
			m->cb.data(m->cb.ctx, &m->cur, s, n);
		if (eol)
			m->cb.data(m->cb.ctx, &m->cur, "\n", 1);
		break;
	}
}

/* ---- lines ------------------------------------------------------------- */

/* Close what is open before a boundary or the end of the message. */
MIME_INLINE void
mime_close_current(mime *m)
{
	if (m->state == S_BODY) {
		if (m->cb.end != NULL)
			m->cb.end(m->cb.ctx, &m->cur);
	} else if (m->state == S_HEADERS) {
		mime_field_done(m);
		if (m->is_message && m->cb.message_eoh != NULL)
			m->cb.message_eoh(m->cb.ctx, m->cur.in_message);
	}
	m->state = S_SKIP;
}

/* 1 when s (a line starting "--") is f's boundary: exactly, or (near) a
 * boundary of 16 bytes or more with the same length, the same first 8 bytes
 * and at most an eighth (2 at least) of the others changed, as some
 * generators vary a few digits.  *close is set for a close delimiter. */
static int
mime_boundary_is(const mime_frame *f, const char *s, size_t n, int near,
		 int *close)
{
	const char *rest;
	size_t rn, i;

	if (n < f->blen + 2)
		return 0;
	if (!near) {
		if (memcmp(s + 2, f->boundary, f->blen) != 0)
			return 0;
	} else {
		size_t diff = 0, maxdiff = f->blen / 8 > 2 ? f->blen / 8 : 2;

		if (f->blen < 16 || memcmp(s + 2, f->boundary, 8) != 0)
			return 0;
		for (i = 8; i < f->blen; i++) {
			if (s[2 + i] == ' ' || s[2 + i] == '\t')
				return 0;
			if (s[2 + i] != f->boundary[i] && ++diff > maxdiff)
				return 0;
		}
	}
	rest = s + 2 + f->blen;
	rn = n - 2 - f->blen;
	*close = 0;
	if (rn >= 2 && rest[0] == '-' && rest[1] == '-') {
		*close = 1;
		rest += 2;
		rn -= 2;
	}
	while (rn > 0 && (rest[0] == ' ' || rest[0] == '\t')) {
		rest++;
		rn--;
	}
	return rn == 0;
}

static int
mime_boundary(mime *m, const char *s, size_t n)
{
	int near, close = 0;

	for (near = 0; near < 2; near++) {
		unsigned i = m->nframes;

		while (i-- > 0) {
			const mime_frame *f = &m->frames[i];

			if (!mime_boundary_is(f, s, n, near, &close))
				continue;
			m->frames[i].matched = 1;
			mime_close_current(m);
			if (close) {
				m->nframes = i;
				m->state = i > 0 ? S_MULTI : S_SKIP;
			} else {
				m->nframes = i + 1;
				mime_new_entity(m, f->depth + 1, f->in_message, 0);
			}
			return 1;
		}
	}
	return 0;
}

/* Real reports sometimes declare one boundary and use another that starts
 * the same way (a generator that rewrote the header only).  In the preamble
 * of a multipart that has not seen its boundary yet, a "--" line without
 * blanks sharing the first 8 bytes with the declared boundary replaces it. */
static void
mime_adopt_boundary(mime *m, const char *s, size_t n)
{
	mime_frame *f = &m->frames[m->nframes - 1];
	size_t i, k = f->blen < 8 ? f->blen : 8;

	if (f->matched || n < 3 || n - 2 > MIME_BOUNDARY_MAX || n - 2 < k ||
	    memcmp(s + 2, f->boundary, k) != 0)
		return;
	for (i = 2; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t')
			return;
	if (n >= 4 && s[n - 1] == '-' && s[n - 2] == '-')
		return;
	memcpy(f->boundary, s + 2, n - 2);
	f->blen = n - 2;
	f->boundary[f->blen] = '\0';
}

MIME_INLINE void
mime_line_in(mime *m, const char *s, size_t n, int first, int eol)
{
	if (m->stopped)
		return;
	if (eol && n > 0 && s[n - 1] == '\r')
		n--;
	if (first && m->nframes > 0 && n >= 2 && s[0] == '-' && s[1] == '-') {
		if (mime_boundary(m, s, n))
			return;
		if (m->state == S_MULTI) {
			mime_adopt_boundary(m, s, n);
			if (mime_boundary(m, s, n))
				return;
		}
	}
	switch (m->state) {
	case S_HEADERS:
		mime_header_line(m, s, n, n, first);
		break;
	case S_BODY:
		mime_body_line(m, s, n, eol);
		break;
	case S_MULTI:
		if (m->nframes == 1 && !m->frames[0].matched &&
		    m->cb.preamble != NULL) {
			m->cb.preamble(m->cb.ctx, s, n);
			if (eol)
				m->cb.preamble(m->cb.ctx, "\n", 1);
		}
		break;
	default:
		break;
	}
}

/* mime_line_in() out of line: for the lines gathered in the line buffer
 * (the lines read where they are take it in line). */
static void
mime_line(mime *m, const char *s, size_t n, int first, int eol)
{
	mime_line_in(m, s, n, first, eol);
}

/* The length of the complete lines at buf that mime_line() would only
 * pass on or drop, one by one, in the state m is in (mime_run_span()):
 * the run ends before a line that may be a boundary ("--" while a
 * multipart is open), a line longer than max_line, a line ending in CR LF
 * when no_cr (mime_line() drops that CR from what it passes on), or when
 * it would pass lim bytes. */
static size_t
mime_run(const mime *m, const char *buf, size_t len, int no_cr, size_t lim)
{
	return mime_run_span(buf, len < lim ? len : lim, m->caps->max_line,
			     m->nframes > 0, no_cr);
}

/* Whole lines at buf decoded into dbuf as mime_body_line() decodes them
 * one by one (quoted-printable, or identity lines whose CR goes), then
 * given to data() in one call (mime_qp_run()).  Stops where mime_run()
 * would, or before a line whose output might not fit max_line bytes.
 * Returns the bytes used. */
static size_t
mime_decode_run(mime *m, const char *buf, size_t len)
{
	size_t o, used;

	used = mime_qp_run(buf, len, m->caps->max_line, m->nframes > 0,
			   m->cur.enc == MIME_ENC_QP, m->dbuf, &o);
	if (o > 0)
		m->cb.data(m->cb.ctx, &m->cur, m->dbuf, o);
	return used;
}

/* At a line start with nothing buffered: pass a run of whole lines on at
 * once where mime_line() would do the same line by line (text as it is,
 * base64 decoded, the preamble, or lines skipped).  Returns the bytes
 * used, 0 when the next line needs mime_line(). */
static size_t
mime_fast(mime *m, const char *buf, size_t len)
{
	size_t run, o;

	if (m->nframes > 0 && buf[0] == '-' && len > 1 && buf[1] == '-')
		return 0;	/* a line that may be a boundary: mime_line()'s */
	switch (m->state) {
	case S_BODY:
		if (m->cur.enc == MIME_ENC_IDENT && m->nframes == 0 &&
		    len <= m->caps->max_line && buf[len - 1] == '\n' &&
		    memchr(buf, '\r', len) == NULL) {
			/* A single part's text that ends in its LF (most
			 * bodies, whole), in fewer bytes than a line may have:
			 * no line in it can be too long, none can be a
			 * boundary, so with no CR to be dropped mime_run()
			 * would give it all: known by one memchr(), not by its
			 * lines. */
			m->cb.data(m->cb.ctx, &m->cur, buf, len);
			return len;
		}
		if (m->cur.enc == MIME_ENC_IDENT &&
		    (run = mime_run(m, buf, len, 1, len)) > 0) {
			m->cb.data(m->cb.ctx, &m->cur, buf, run);	/* as it is */
			return run;
		}
		if (m->cur.enc == MIME_ENC_IDENT || m->cur.enc == MIME_ENC_QP)
			return mime_decode_run(m, buf, len);
		if (m->cur.enc == MIME_ENC_BASE64) {
			/* line breaks are not base64: decoding the run is
			 * decoding its lines; max_line bytes fit the buffer */
			run = mime_run(m, buf, len, 0, m->caps->max_line);
			if (run > 0 && (o = mime_b64_decode(m, buf, run, m->dbuf)) > 0)
				m->cb.data(m->cb.ctx, &m->cur, m->dbuf, o);
			return run;
		}
		return 0;
	case S_MULTI:
		if (m->nframes == 1 && !m->frames[0].matched &&
		    m->cb.preamble != NULL) {
			if ((run = mime_run(m, buf, len, 1, len)) > 0)
				m->cb.preamble(m->cb.ctx, buf, run);
			return run;
		}
		return mime_run(m, buf, len, 0, len);
	case S_SKIP:
		return mime_run(m, buf, len, 0, len);
	default:
		return 0;
	}
}

void
mime_skip_fields(mime *m)
{
	/* what mime_header_line() asks of a stop at message_eoh() for
	 * mime_entity_done() not to run (these do not change in a block) */
	if (m->state == S_HEADERS && m->is_message &&
	    m->cur.depth < m->caps->max_depth &&
	    m->nframes <= m->caps->max_depth && m->nparts < m->caps->max_parts)
		m->skip_fields = 1;
}

#if defined(__GNUC__) && defined(__x86_64__)
#define MIME_HEADER_AVX2 1
/* mime_skip_lines()'s search by blocks of 32 bytes: the first i with
 * i + 33 <= w where buf[i] is a newline and buf[i + 1] a newline, a CR or
 * (dash) a '-'; else the first i where fewer than 33 bytes are left to w
 * (none before it): the steps of 16 go on from there. */
__attribute__((target("avx2"))) static size_t
mime_skip_avx2(const char *buf, size_t w, int dash)
{
	const __m256i lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r'),
	    da = _mm256_set1_epi8(dash ? '-' : '\n');
	size_t i = 0;

	for (; i + 33 <= w; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i));
		__m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i + 1));
		unsigned k = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
		    _mm256_cmpeq_epi8(x, lf), _mm256_or_si256(_mm256_or_si256(
		    _mm256_cmpeq_epi8(y, lf), _mm256_cmpeq_epi8(y, cr)),
		    _mm256_cmpeq_epi8(y, da))));

		if (k != 0)
			return i + (unsigned)__builtin_ctz(k);
	}
	return i;
}
#endif

/* In a header block whose rest is of no use (mime_skip_fields()), at a
 * line start: the whole lines at buf passed over, up to the first that
 * may end the block or be read otherwise (blank, or starting with a CR,
 * or with '-' while a multipart is open: those go on as ever), when it is
 * in sight within max_line bytes and the field held and the lines passed
 * over fit max_header together, so that no line or field passed over
 * could hit its cap (the field held goes with them).  Else the block is
 * read to its end as ever.  Returns the bytes passed over.  wide: called
 * from the AVX2 header run, the search goes 32 bytes a step first. */
static size_t
mime_skip_lines(mime *m, const char *buf, size_t len, int wide)
{
	size_t w = len, i = 0;
	int dash = m->nframes > 0;

	if (w > m->caps->max_line)
		w = m->caps->max_line;
	if (w > m->caps->max_header - m->flen)
		w = m->caps->max_header - m->flen;
	if (buf[0] == '\n' || buf[0] == '\r' || (dash && buf[0] == '-'))
		return 0;
#ifdef MIME_HEADER_AVX2
	if (wide && (i = mime_skip_avx2(buf, w, dash)) + 33 <= w)
		goto found;	/* (else no such newline before i) */
#else
	(void)wide;
#endif
#ifdef __SSE2__
	{
		const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
		    da = _mm_set1_epi8(dash ? '-' : '\n');

		for (; i + 17 <= w; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
			__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(buf + i + 1));
			unsigned k = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			    _mm_cmpeq_epi8(x, lf), _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(y, lf), _mm_cmpeq_epi8(y, cr)),
			    _mm_cmpeq_epi8(y, da))));

			if (k != 0) {
				i += (unsigned)__builtin_ctz(k);
				goto found;
			}
		}
	}
#endif
	for (; i + 1 < w; i++)
		if (buf[i] == '\n' && (buf[i + 1] == '\n' || buf[i + 1] == '\r' ||
		    (dash && buf[i + 1] == '-')))
			goto found;
	m->skip_fields = 0;
	return 0;
found:
	m->flen = 0;
	m->fskip = 0;
	return i + 1;
}

#define MIME_HEADER_RUN_BODY(FIND_NL, WIDE)				\
	const char *p = buf, *end = buf + len, *nl;			\
	size_t max = m->caps->max_line, n;				\
									\
	while (p < end && m->state == S_HEADERS && !m->stopped) {	\
		if (m->skip_fields)	/* (short of end: a line follows) */ \
			p += mime_skip_lines(m, p, (size_t)(end - p), WIDE); \
		if (m->nframes > 0 && p[0] == '-' && p + 1 < end && p[1] == '-') \
			break;						\
		if ((nl = FIND_NL(p, end)) == NULL ||			\
		    (n = (size_t)(nl - p)) > max)			\
			break;						\
		if (n > 0 && p[n - 1] == '\r')				\
			n--;						\
		mime_header_line(m, p, n, (size_t)(end - p), 1);	\
		p = nl + 1;						\
	}								\
	return (size_t)(p - buf)

#define MIME_MEMCHR_NL(p, end)	memchr((p), '\n', (size_t)((end) - (p)))

#ifdef MIME_HEADER_AVX2
/* The first newline from p, or NULL: the 32 bytes at p by one compare
 * where they are there (most header lines are shorter: a memchr() call a
 * line costs more), else memchr(). */
__attribute__((target("avx2"))) static inline const char *
mime_nl_avx2(const char *p, const char *end)
{
	const __m256i nlv = _mm256_set1_epi8('\n');
	const char *q = p;

	for (; end - q >= 64 && q - p < 128; q += 64) {
		uint64_t k = (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)q), nlv)) |
		    (uint64_t)(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)(q + 32)),
		    nlv)) << 32;

		if (k != 0)
			return q + __builtin_ctzll(k);
	}
	return memchr(q, '\n', (size_t)(end - q));
}

__attribute__((target("avx2"))) static size_t
mime_header_run_avx2(mime *m, const char *buf, size_t len)
{
	MIME_HEADER_RUN_BODY(mime_nl_avx2, 1);
}
#endif

/* At a line start with nothing buffered, in an entity's headers: its
 * whole lines read one after the other as mime_line() reads them, without
 * its tests for what a header line cannot be.  Stops at a line that may be
 * a boundary ("--" while a multipart is open), a line longer than
 * max_line, an incomplete line, or once the headers are over (or the
 * message stopped).  Returns the bytes used.  Each line's end is found
 * by memchr(), or where the CPU has AVX2 (mime_run_simd()) first in the
 * 32 bytes at its start. */
static size_t
mime_header_run(mime *m, const char *buf, size_t len)
{
#ifdef MIME_HEADER_AVX2
	if (mime_run_simd() == 2)
		return mime_header_run_avx2(m, buf, len);
#endif
	{
		MIME_HEADER_RUN_BODY(MIME_MEMCHR_NL, 0);
	}
}

void
mime_feed(mime *m, const char *buf, size_t len)
{
	size_t max = m->caps->max_line, run;

	while (len > 0 && !m->stopped) {
		if (m->llen == 0 && !m->lcont &&
		    (run = m->state == S_HEADERS ? mime_header_run(m, buf, len) :
		     mime_fast(m, buf, len)) > 0) {
			buf += run;
			len -= run;
			continue;
		}
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		const char *s = buf;

		buf += nl ? n + 1 : n;
		len -= nl ? n + 1 : n;
		if (nl && m->llen == 0 && !m->lcont && n <= max) {
			mime_line_in(m, s, n, 1, 1);	/* whole line in the chunk */
			continue;
		}
		while (n > 0) {
			size_t k;

			if (m->llen == max) {
				*m->caps_hit |= BT_CAP_LINE;
				mime_line(m, m->line, m->llen, !m->lcont, 0);
				m->lcont = 1;
				m->llen = 0;
			}
			k = max - m->llen < n ? max - m->llen : n;
			memcpy(m->line + m->llen, s, k);
			m->llen += k;
			s += k;
			n -= k;
		}
		if (nl) {
			mime_line(m, m->line, m->llen, !m->lcont, 1);
			m->llen = 0;
			m->lcont = 0;
		}
	}
}

void
mime_stop(mime *m)
{
	m->stopped = 1;
}

void
mime_end(mime *m)
{
	if (m->stopped)
		return;
	if (m->llen > 0 || m->lcont)
		mime_line(m, m->line, m->llen, !m->lcont, 1);
	m->llen = 0;
	m->lcont = 0;
	if (m->state == S_HEADERS && !m->is_message) {
		/* a part cut off inside its headers: nothing to deliver */
		m->state = S_SKIP;
		return;
	}
	mime_close_current(m);
	m->nframes = 0;
}
