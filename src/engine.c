/*
 * engine.c - the bounce engine (see engine.h): keeps a bounded store of the
 * top-level header fields (only those engine_lookup() is asked for are
 * written; the others are counted in as if they were, so that what is kept
 * does not depend on it), drives the MIME parser over the body, sends the
 * delivery-status / feedback-report parts to dsn.c and collects the
 * human-readable text (bounded by max_text); engine_eom.c then decides
 * whether the message is a bounce, runs scan_text() and classify_result()
 * (or classify_result_ask(), the scan put off until asked for).
 *
 * Memory: the engine owns its result, header store, text buffer, MIME and
 * DSN readers; all are allocated in engine_new() and reused per message.
 * The result returned by engine_eom() lives until engine_reset()/free().
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "engine.h"
#include "engine_int.h"
#include "mime.h"
#include "dsn.h"
#include "detect.h"
#include "fieldname.h"
#include "scan.h"
#include "classify.h"
#include "ruleset.h"
#include "simd.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif


void
engine_caps_default(bt_caps *caps)
{
	caps->max_bytes = 4u << 20;
	caps->max_line = 4096;
	caps->max_header = 16384;
	caps->max_field = 1024;
	caps->max_text = 64u << 10;
	caps->max_depth = 16;
	caps->max_parts = 256;
	caps->max_recipients = 100;
}

const bt_caps *
engine_caps(const engine *e)
{
	return &e->caps;
}

void
engine_note_caps(engine *e, unsigned caps)
{
	e->r.caps_hit |= caps;
}

/* ---- MIME callbacks ---------------------------------------------------- */

static void
engine_text_put(engine *e, char c)
{
	if (c == '\r' || e->tlen >= e->caps.max_text)
		return;
	e->text[e->tlen++] = c == '\0' ? ' ' : c;
}

static void
engine_html_flush(engine *e)
{
	size_t i;

	for (i = 0; i < e->entlen; i++)
		engine_text_put(e, e->ent[i]);
	e->entlen = 0;
}

/* The end of an HTML entity (or what looked like one) at ';'. */
static void
engine_html_entity(engine *e, char c)
{
	static const struct { const char *name; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&nbsp;", ' ' }, { "&#64;", '@' },
		{ "&apos;", '\'' }, { "&#39;", '\'' },
	};
	size_t i, n = e->entlen;

	e->ent[n++] = c;
	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		if (strlen(ents[i].name) == n &&
		    strncasecmp(ents[i].name, e->ent, n) == 0) {
			engine_text_put(e, ents[i].c);
			e->entlen = 0;
			return;
		}
	}
	e->entlen = n;
	engine_html_flush(e);
}

/* Crude HTML to text: tags dropped (<br>, <p>, <div>, <tr>, </...> make a
 * line break), a few entities decoded. */
static void
engine_html_char(engine *e, char c)
{
	if (e->in_tag == 2) {		/* just after '<' */
		e->in_tag = 1;
		int lc = c | 0x20;	/* strchr("bBpPdDtT/", c), NUL too */

		if ((lc == 'b' || lc == 'p' || lc == 'd' || lc == 't' ||
		     c == '/' || c == '\0') && e->tlen > 0 &&
		    e->text[e->tlen - 1] != '\n')
			engine_text_put(e, '\n');
	}
	if (e->in_tag) {
		if (c == '>')
			e->in_tag = 0;
		return;
	}
	if (e->entlen > 0) {
		if (c == ';') {
			engine_html_entity(e, c);
			return;
		}
		if ((isalnum((unsigned char)c) || c == '#') &&
		    e->entlen + 2 < sizeof(e->ent)) {
			e->ent[e->entlen++] = c;
			return;
		}
		engine_html_flush(e);	/* not an entity: the bytes as they were */
	}
	if (c == '<')
		e->in_tag = 2;
	else if (c == '&')
		e->ent[e->entlen++] = c;
	else
		engine_text_put(e, c);
}

/* ---- plain text: copied up to a CR or a NUL ------------------------- */

/* The code engine_text_copy() runs: 2 AVX2, else 0 (memchr() and
 * memcpy()); picked once (simd_pick()), or by tests
 * (engine_text_force()); -1 until then. */
static int engine_text_level = -1;

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define ENGINE_TEXT_AVX2 1

/* The CRs and NULs of the 32 bytes x (0xff for each), with x stored at t. */
__attribute__((target("avx2"))) static inline __m256i
engine_text_stops(char *t, __m256i x, __m256i crv)
{
	_mm256_storeu_si256((__m256i *)(void *)t, x);
	return _mm256_or_si256(_mm256_cmpeq_epi8(x, crv),
			       _mm256_cmpeq_epi8(x, _mm256_setzero_si256()));
}

/* Their mask (bit i: byte i). */
__attribute__((target("avx2"))) static inline unsigned
engine_text_block(char *t, __m256i x, __m256i crv)
{
	return (unsigned)_mm256_movemask_epi8(engine_text_stops(t, x, crv));
}

/* engine_text_copy() for len >= 32: blocks of 64 bytes, then 32, and the
 * last 32 again (overlapping what was copied: the same bytes, at the same
 * places) for what is left. */
__attribute__((target("avx2"))) static size_t
engine_text_copy_avx2(char *t, const char *buf, size_t len)
{
	__m256i crv = _mm256_set1_epi8('\r');
	size_t i = 0;
	unsigned a, b;

	__asm__("" : "+x"(crv));	/* built once, kept in its register */
	for (; len - i >= 64; i += 64) {
		__m256i sa = engine_text_stops(t + i, _mm256_loadu_si256(
		    (const __m256i *)(const void *)(buf + i)), crv);
		__m256i sb = engine_text_stops(t + i + 32, _mm256_loadu_si256(
		    (const __m256i *)(const void *)(buf + i + 32)), crv);

		if (_mm256_movemask_epi8(_mm256_or_si256(sa, sb)) != 0) {
			a = (unsigned)_mm256_movemask_epi8(sa);
			b = (unsigned)_mm256_movemask_epi8(sb);
			return i + (a != 0 ? (unsigned)__builtin_ctz(a) :
				    32 + (unsigned)__builtin_ctz(b));
		}
	}
	if (len - i >= 32) {
		a = engine_text_block(t + i, _mm256_loadu_si256(
		    (const __m256i *)(const void *)(buf + i)), crv);
		if (a != 0)
			return i + (unsigned)__builtin_ctz(a);
		i += 32;
	}
	if (i < len) {		/* bytes before i are known to be neither */
		a = engine_text_block(t + len - 32, _mm256_loadu_si256(
		    (const __m256i *)(const void *)(buf + len - 32)), crv);
		a >>= 32 - (len - i);
		if (a != 0)
			return i + (unsigned)__builtin_ctz(a);
	}
	return len;
}
#endif

int
engine_text_force(int level)
{
#ifdef ENGINE_TEXT_AVX2
	int l = simd_pick(SIMD_AVX2, level) == 2 ? 2 : 0;
#else
	int l = 0;
#endif

	__atomic_store_n(&engine_text_level, l, __ATOMIC_RELAXED);
	return l;
}

size_t
engine_text_copy(char *t, const char *buf, size_t len)
{
	int level = __atomic_load_n(&engine_text_level, __ATOMIC_RELAXED);
	const char *cr, *z;
	size_t k;

	if (level < 0)		/* a race only picks the same twice */
		level = engine_text_force(-1);
#ifdef ENGINE_TEXT_AVX2
	if (level == 2 && len >= 32)
		return engine_text_copy_avx2(t, buf, len);
#endif
	k = (cr = memchr(buf, '\r', len)) != NULL ? (size_t)(cr - buf) : len;
	if ((z = memchr(buf, '\0', k)) != NULL)
		k = (size_t)(z - buf);
	memcpy(t, buf, k);
	return k;
}

/* Plain text as engine_text_put() keeps it, by runs: copy up to the next
 * CR or NUL (engine_text_copy()), then drop the CR or put a space for the
 * NUL; stops at max_text. */
static void
engine_text_plain(engine *e, const char *buf, size_t len)
{
	char *t = e->text;
	size_t n = e->tlen, max = e->caps.max_text, i, k;

	if (len <= 8) {		/* a line end or so: cheaper by bytes */
		for (i = 0; i < len && n < max; i++)
			if (buf[i] != '\r')
				t[n++] = buf[i] == '\0' ? ' ' : buf[i];
		e->tlen = n;
		return;
	}
	for (i = 0; i < len && n < max; ) {
		k = len - i < max - n ? len - i : max - n;
		k = engine_text_copy(t + n, buf + i, k);
		n += k;
		i += k;
		if (i < len && n < max) {	/* at a CR or a NUL */
			if (buf[i] == '\0')
				t[n++] = ' ';
			i++;
		}
	}
	e->tlen = n;
}

/* Text between tags as engine_html_char() would put it byte by byte
 * (engine_text_put(): a CR dropped, a NUL as ' ', up to max_text), up to
 * the next '<' or '&': one pass, 16 bytes at a time with SSE2 (stored
 * whole while 16 fit in text).  Returns the bytes used. */
static size_t
engine_html_text(engine *e, const char *buf, size_t len)
{
	char *t = e->text;
	size_t n = e->tlen, max = e->caps.max_text, i = 0;

#ifdef __SSE2__
	const __m128i ltv = _mm_set1_epi8('<'), ampv = _mm_set1_epi8('&'),
	    crv = _mm_set1_epi8('\r'), zv = _mm_setzero_si128(),
	    spv = _mm_set1_epi8(' ');

	while (len - i >= 16 && max - n >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
		unsigned m;

		x = _mm_or_si128(x, _mm_and_si128(_mm_cmpeq_epi8(x, zv), spv));
		_mm_storeu_si128((__m128i *)(void *)(t + n), x);
		m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, crv),
		    _mm_or_si128(_mm_cmpeq_epi8(x, ltv), _mm_cmpeq_epi8(x, ampv))));
		if (m == 0) {
			i += 16;
			n += 16;
			continue;
		}
		i += (unsigned)__builtin_ctz(m);
		n += (unsigned)__builtin_ctz(m);
		if (buf[i] != '\r') {
			e->tlen = n;	/* at the '<' or '&' */
			return i;
		}
		i++;		/* the CR goes */
	}
#endif
	for (; i < len && n < max; i++) {
		char c = buf[i];

		if (c == '<' || c == '&')
			break;
		if (c != '\r')
			t[n++] = c == '\0' ? ' ' : c;
	}
	e->tlen = n;
	return i;
}

/* HTML as engine_html_char() reads it, with shortcuts: inside a tag
 * straight to its '>', text between tags by runs, and a tag's '<' and
 * first byte (the line break rule) in one step, then straight to its '>'
 * (once the text is full nothing is added, whatever in_tag is). */
static void
engine_text_html(engine *e, const char *buf, size_t len)
{
	size_t i = 0;
	const char *gt;
	char c;
	int lc;

	while (i < len && e->tlen < e->caps.max_text) {
		if (e->in_tag == 1) {
			if ((gt = memchr(buf + i, '>', len - i)) == NULL)
				return;
			e->in_tag = 0;
			i = (size_t)(gt - buf) + 1;
			continue;
		}
		if (e->in_tag != 0 || e->entlen != 0 || buf[i] == '&' ||
		    (buf[i] == '<' && i + 1 >= len)) {
			engine_html_char(e, buf[i++]);
			continue;
		}
		if (buf[i] != '<') {	/* text up to the next '<' or '&' */
			i += engine_html_text(e, buf + i, len - i);
			continue;
		}
		c = buf[i + 1];		/* a tag */
		lc = c | 0x20;
		if ((lc == 'b' || lc == 'p' || lc == 'd' || lc == 't' ||
		     c == '/' || c == '\0') && e->tlen > 0 &&
		    e->text[e->tlen - 1] != '\n')
			engine_text_put(e, '\n');
		i += 2;
		if (c == '>')
			continue;	/* "<>" */
		if ((gt = memchr(buf + i, '>', len - i)) == NULL) {
			e->in_tag = 1;
			return;
		}
		i = (size_t)(gt - buf) + 1;
	}
}

/* After text was added: a one-part text whose text is full has nothing
 * more to be read. */
static inline void
engine_text_check(engine *e)
{
	if (e->tlen >= e->caps.max_text && e->top_leaf && e->state != E_DONE) {
		e->state = E_DONE;
		mime_stop(e->m);
	}
}

static void
engine_text_add(engine *e, const char *buf, size_t len)
{
	if (e->sink == SINK_HTML)
		engine_text_html(e, buf, len);
	else
		engine_text_plain(e, buf, len);
	engine_text_check(e);
}

static int
engine_is_dsn_type(const char *type)
{
	return MIME_TYPE_IS(type, "message/delivery-status") ||
	       MIME_TYPE_IS(type, "message/global-delivery-status");
}

static int
engine_entity(void *ctx, const mime_part *p)
{
	engine *e = ctx;
	int *returned = e->descend ? &e->returned2_seen : &e->returned_seen;

	e->sink = SINK_NONE;
	if (e->state == E_DONE || p->in_message != (e->descend ? 1u : 0u))
		return 0;
	if (p->depth == 0 && MIME_TYPE_IS(p->type, "multipart/report") &&
	    (MIME_TYPE_IS(p->report_type, "delivery-status") ||
	     MIME_TYPE_IS(p->report_type, "global-delivery-status") ||
	     MIME_TYPE_IS(p->report_type, "feedback-report")))
		e->top_report = 1;
	if (MIME_TYPE_HAS(p->type, "multipart/"))
		return 0;
	if (p->depth == 0)
		e->top_leaf = 1;
	if (p->type[0] == 'm') {	/* the message/ types: one test for others */
		if (engine_is_dsn_type(p->type)) {
			dsn_begin(e->d, &e->r, DSN_DELIVERY);
			e->sink = SINK_DSN;
			return 1;
		}
		if (MIME_TYPE_IS(p->type, "message/feedback-report")) {
			dsn_begin(e->d, &e->r, DSN_FEEDBACK);
			e->sink = SINK_ARF;
			return 1;
		}
	}
	if (MIME_TYPE_HAS(p->type, "message/") ||
	    MIME_TYPE_IS(p->type, "text/rfc822-headers")) {
		*returned = 1;
		return 0;
	}
	if (*returned || e->tlen >= e->caps.max_text)
		return 0;
	if (MIME_TYPE_IS(p->type, "text/html")) {
		if (e->seen_plain)
			return 0;
		if (e->html_start == (size_t)-1)
			e->html_start = e->tlen;
		e->sink = SINK_HTML;
		e->in_tag = 0;
		e->entlen = 0;
		return 1;
	}
	if (MIME_TYPE_IS(p->type, "text/plain") ||
	    (MIME_TYPE_HAS(p->type, "text/") && p->depth == 0 &&
	     !MIME_TYPE_IS(p->type, "text/calendar"))) {
		if (!e->seen_plain && e->html_start != (size_t)-1)
			e->tlen = e->html_start;	/* plain text wins */
		e->seen_plain = 1;
		e->sink = SINK_TEXT;
		return 1;
	}
	return 0;
}

static void
engine_data(void *ctx, const mime_part *p, const char *buf, size_t len)
{
	engine *e = ctx;

	(void)p;
	switch (e->sink) {
	case SINK_DSN:
	case SINK_ARF:
		dsn_feed(e->d, buf, len);
		break;
	case SINK_TEXT:
	case SINK_HTML:
		engine_text_add(e, buf, len);
		break;
	default:
		break;
	}
}

static void
engine_end(void *ctx, const mime_part *p)
{
	engine *e = ctx;

	(void)p;
	switch (e->sink) {
	case SINK_DSN:
		e->dsn_rcpts += dsn_end(e->d);
		e->has_dsn = 1;
		break;
	case SINK_ARF:
		dsn_end(e->d);
		e->has_arf = 1;
		break;
	case SINK_HTML:
		engine_html_flush(e);
		engine_text_add(e, "\n", 1);
		break;
	case SINK_TEXT:
		/* engine_text_add(e, "\n", 1) without its calls: one for
		 * every text part */
		if (e->tlen < e->caps.max_text)
			e->text[e->tlen++] = '\n';
		engine_text_check(e);
		break;
	default:
		break;
	}
	e->sink = SINK_NONE;
}

static void
engine_preamble(void *ctx, const char *buf, size_t len)
{
	engine *e = ctx;

	if (e->state == E_DONE || e->returned_seen)
		return;
	e->sink = SINK_TEXT;
	engine_text_add(e, buf, len);
	e->sink = SINK_NONE;
}

/* In the header block of the returned message (keep, below): 1 when all
 * engine_msg_header() reads of it is found and engine_msg_eoh() will stop
 * the parser at its end (not to read a report part after it, not to
 * descend, for which the last Content-Type of level 1 counts): what is
 * left of the block is of no use. */
static int
engine_msg_all(const engine *e, unsigned in_message)
{
	const bt_result *r = &e->r;

	if (r->original_message_id == NULL || r->original_from == NULL ||
	    r->original_to == NULL || r->original_subject == NULL)
		return 0;
	if (e->top_report && !e->has_dsn && !e->has_arf)
		return 0;
	return !(in_message == 1 && !e->descend && !e->has_dsn &&
		 (e->sig & (DETECT_FROM_DAEMON | DETECT_SUBJECT | DETECT_XFAILED)) &&
		 !(e->sig & DETECT_REPLY));
}

static void
engine_msg_header(void *ctx, unsigned in_message, int id, const char *name,
		  const char *value, size_t vlen)
{
	engine *e = ctx;
	char **f = NULL;
	int look = in_message == 1 && !e->descend;
	int keep = in_message == e->orig_level && !e->returned_eoh &&
		   e->state != E_DONE;

	(void)name;
	if (look && id == FN_CONTENT_TYPE)	/* (the last one counts) */
		e->inner_report = detect_dsn_report(value, vlen);
	if (!keep)
		return;
	switch (id) {
	case FN_MESSAGE_ID:
		f = &e->r.original_message_id;
		break;
	case FN_FROM:
		f = &e->r.original_from;
		break;
	case FN_TO:
		f = &e->r.original_to;
		break;
	case FN_SUBJECT:
		f = &e->r.original_subject;
		break;
	default:
		break;
	}
	if (f == NULL)
		return;
	if (*f == NULL)
		result_set(&e->r, f, value, vlen, e->caps.max_field);
	if (engine_msg_all(e, in_message))
		mime_skip_fields(e->m);
}

static void
engine_msg_eoh(void *ctx, unsigned in_message)
{
	engine *e = ctx;

	if (e->state == E_DONE)
		return;
	if (in_message == 1 && !e->descend && e->inner_report && !e->has_dsn &&
	    (e->sig & (DETECT_FROM_DAEMON | DETECT_SUBJECT | DETECT_XFAILED)) &&
	    !(e->sig & DETECT_REPLY)) {
		bt_result *r = &e->r;

		e->descend = 1;
		e->orig_level = 2;
		/* (their strings stay in the result's arena until the reset) */
		r->original_message_id = r->original_from = NULL;
		r->original_to = r->original_subject = NULL;
		return;
	}
	if (in_message != e->orig_level || e->returned_eoh)
		return;
	e->returned_eoh = 1;
	/* The report parts come before the returned message: done. */
	if (!e->top_report || e->has_dsn || e->has_arf) {
		e->state = E_DONE;
		mime_stop(e->m);
	}
}

/* ---- life cycle -------------------------------------------------------- */

engine *
engine_new(const bt_caps *caps, const struct ruleset *rs)
{
	engine *e = calloc(1, sizeof(*e));
	bt_caps def;
	mime_callbacks cb;

	if (e == NULL)
		return NULL;
	engine_caps_default(&def);
	e->caps = caps != NULL ? *caps : def;
#define ENGINE_FIX(f, min) if (e->caps.f < (min)) e->caps.f = (def.f < (min) ? (min) : def.f)
	ENGINE_FIX(max_bytes, 1);
	ENGINE_FIX(max_line, 16);
	ENGINE_FIX(max_header, 64);
	ENGINE_FIX(max_field, 8);
	ENGINE_FIX(max_text, 16);
	ENGINE_FIX(max_depth, 1);
	ENGINE_FIX(max_parts, 1);
	ENGINE_FIX(max_recipients, 1);
#undef ENGINE_FIX
	e->rs = rs;
	result_init(&e->r);
	memset(&cb, 0, sizeof(cb));
	cb.ctx = e;
	cb.entity = engine_entity;
	cb.header = engine_msg_header;
	cb.message_eoh = engine_msg_eoh;
	cb.data = engine_data;
	cb.end = engine_end;
	cb.preamble = engine_preamble;
	/* what engine_msg_header() reads: the others are never gathered */
	cb.header_ids = 1ull << FN_CONTENT_TYPE | 1ull << FN_MESSAGE_ID |
			1ull << FN_FROM | 1ull << FN_TO | 1ull << FN_SUBJECT;
	cb.header_initials = "cfmst";	/* those names' first letters */
	e->m = mime_new(&e->caps, &cb, &e->r.caps_hit);
	e->d = dsn_new(&e->caps);
	e->text = malloc(e->caps.max_text + 1);
	if (e->m == NULL || e->d == NULL || e->text == NULL) {
		engine_free(e);
		return NULL;
	}
	engine_reset(e);
	return e;
}

void
engine_free(engine *e)
{
	if (e == NULL)
		return;
	result_clear(&e->r);
	mime_free(e->m);
	dsn_free(e->d);
	free(e->text);
	free(e);
}

void
engine_reset(engine *e)
{
	result_reset(&e->r);
	e->sig = 0;
	e->state = E_HEADERS;
	e->sender_given = 0;
	e->eoh_not_bounce = 0;
	e->body_bytes = 0;
	e->hlen = 0;
	e->nh = 0;
	memset(e->first, 0, sizeof(e->first));
	e->nreceived = 0;
	e->ct[0] = '\0';
	e->cte[0] = '\0';
	e->has_ct = 0;
	e->tlen = 0;
	e->html_start = (size_t)-1;
	e->in_tag = 0;
	e->entlen = 0;
	e->seen_plain = 0;
	e->sink = SINK_NONE;
	e->top_report = 0;
	e->top_leaf = 0;
	e->has_dsn = e->has_arf = 0;
	e->dsn_rcpts = 0;
	e->returned_seen = e->returned_eoh = 0;
	e->inner_report = e->descend = e->returned2_seen = 0;
	e->orig_level = 1;
}

void
engine_set_ruleset(engine *e, const struct ruleset *rs)
{
	e->rs = rs;
}

/* ---- header fields ----------------------------------------------------- */

/* The first stored field of a name: only From, Subject, To and
 * X-Failed-Recipients are stored (ENGINE_LOOKUP_IDS), and their first
 * entries noted as they are (engine->first); a name is one of them or
 * has none. */
const char *
engine_lookup(void *ctx, const char *name)
{
	const engine *e = ctx;
	static const char *const names[4] = {	/* by id - FN_FROM */
		"from", "subject", "to", "x-failed-recipients",
	};
	int k;

	switch (name[0] | 0x20) {	/* (a letter's lower case) */
	case 'f': k = FN_FROM; break;
	case 's': k = FN_SUBJECT; break;
	case 't': k = FN_TO; break;
	case 'x': k = FN_X_FAILED_RECIPIENTS; break;
	default: return NULL;
	}
	k -= FN_FROM;
	if (e->first[k] == 0 || strcasecmp(name, names[k]) != 0)
		return NULL;
	return e->hstore + e->hent[e->first[k] - 1].value;
}

void
engine_envfrom(engine *e, const char *sender)
{
	if (sender == NULL)
		return;
	e->sender_given = 1;
	result_set(&e->r, &e->r.sender, sender, strlen(sender), e->caps.max_field);
	e->sig |= detect_sender(sender);
}

/* result_set(*f, the unfolded value) through a bounded stack copy. */
void
engine_set_unfolded(engine *e, char **f, const char *value, size_t vlen,
		    size_t bufmax)
{
	char buf[1024];

	result_set(&e->r, f, buf, engine_unfold(buf, bufmax, value, vlen),
		   e->caps.max_field);
}

int
engine_header(engine *e, const char *name, const char *value)
{
	if (e->state != E_HEADERS || name == NULL || value == NULL)
		return ENGINE_MORE;
	return engine_header_n(e, name, strlen(name), value, strlen(value));
}

int
engine_header_n(engine *e, const char *name, size_t nlen, const char *value,
		size_t vlen)
{
	return engine_header_nl(e, name, nlen, value, vlen, (size_t)-1);
}

int
engine_header_nl(engine *e, const char *name, size_t nlen, const char *value,
		 size_t vlen, size_t nlf)
{
	if (e->state != E_HEADERS)
		return ENGINE_MORE;
	/* once, for all the tests below */
	return engine_header_id(e, fieldname_id(name, nlen), name, nlen, value,
				vlen, nlf);
}

int
engine_header_id(engine *e, int id, const char *name, size_t nlen,
		 const char *value, size_t vlen, size_t nlf)
{
	return engine_header_id_inline(e, id, name, nlen, value, vlen, nlf);
}

int
engine_eoh(engine *e)
{
	int verdict;

	if (e->state != E_HEADERS)
		return e->state == E_DONE ? ENGINE_NOT_BOUNCE : ENGINE_MORE;
	verdict = detect_eoh(e->sig);
	/* Not a bounce: the body is not read, and the MIME parser need not
	 * begin (it would parse the top-level Content-Type and stop: nothing
	 * of that shows, but a cap hit at the second part, with room for one
	 * part only). */
	if (verdict == ENGINE_NOT_BOUNCE && e->caps.max_parts > 1) {
		e->eoh_not_bounce = 1;
		e->state = E_DONE;
		return ENGINE_NOT_BOUNCE;
	}
	mime_begin(e->m, e->has_ct ? e->ct : NULL, e->cte[0] ? e->cte : NULL);
	e->state = E_BODY;
	if (verdict == ENGINE_NOT_BOUNCE) {
		e->eoh_not_bounce = 1;
		mime_stop(e->m);
		e->state = E_DONE;
		return ENGINE_NOT_BOUNCE;
	}
	return ENGINE_MORE;
}

int
engine_body(engine *e, const char *buf, size_t len)
{
	int trunc = 0;

	if (e->state == E_HEADERS)
		engine_eoh(e);
	if (e->state == E_DONE)
		return ENGINE_ENOUGH;
	if (len > e->caps.max_bytes - e->body_bytes) {
		len = e->caps.max_bytes - e->body_bytes;
		trunc = 1;
	}
	mime_feed(e->m, buf, len);
	e->body_bytes += len;
	if (trunc && e->state != E_DONE) {
		e->r.caps_hit |= BT_CAP_BYTES;
		mime_end(e->m);
		e->state = E_DONE;
	}
	return e->state == E_DONE ? ENGINE_ENOUGH : ENGINE_MORE;
}
