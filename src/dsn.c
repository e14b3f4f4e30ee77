/*
 * dsn.c - RFC 3464/6533 delivery-status and RFC 5965 feedback-report fields
 * (see dsn.h).
 *
 * Lines are gathered into fields (continuation lines joined with one space),
 * a field is applied when the next one starts.  Blank lines separate blocks.
 * A field of one line is read where it lies in the bytes being fed: it is
 * copied into the field buffer only when a continuation line follows or
 * when the bytes are about to go (the end of dsn_feed()).
 * Real reports are often broken, so a block also starts when a recipient
 * field shows up in the per-message block, or when a second Final-Recipient
 * (or an Original-Recipient after a recipient) appears in the same block.
 * Memory: line and field buffers belong to the dsn object.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "dsn_value.h"
#include "simd.h"
#include "fieldname.h"

/* In line in its callers: for the functions run once a line or a field,
 * where a call costs about as much as their work. */
#define DSN_INLINE	static inline __attribute__((always_inline))

#ifdef __SSE2__
#include <emmintrin.h>
#endif


/* tolower() of the C locale. */
static inline char
dsn_lower(char c)
{
	return (unsigned)(c - 'A') < 26 ? (char)(c + 'a' - 'A') : c;
}

struct dsn {
	const bt_caps *caps;
	bt_result *r;
	int kind;
	char *line;		/* max_header bytes */
	size_t llen;
	int ldrop;		/* rest of an over-long line is dropped */
	char *field;		/* max_header bytes */
	size_t flen;
	const char *fin;	/* the field's one line in the bytes fed, or NULL: in field */
	int in_rcpt_area;	/* the per-message block is over */
	long cur;		/* index of the rcpt of the current block, -1 none */
	int dropping;		/* recipients capped: ignore this block */
	int have_final, have_orig;
	char supp[512];		/* X-Supplementary-Info of the block */
	size_t added;
	size_t first;		/* r->nrcpt at dsn_begin */
};

dsn *
dsn_new(const bt_caps *caps)
{
	dsn *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->caps = caps;
	d->line = malloc(caps->max_header + 1);
	d->field = malloc(caps->max_header + 1);
	if (d->line == NULL || d->field == NULL) {
		dsn_free(d);
		return NULL;
	}
	return d;
}

void
dsn_free(dsn *d)
{
	if (d == NULL)
		return;
	free(d->line);
	free(d->field);
	free(d);
}

void
dsn_begin(dsn *d, bt_result *r, int kind)
{
	d->r = r;
	d->kind = kind;
	d->llen = 0;
	d->ldrop = 0;
	d->flen = 0;
	d->fin = NULL;
	d->in_rcpt_area = 0;
	d->cur = -1;
	d->dropping = 0;
	d->have_final = d->have_orig = 0;
	d->supp[0] = '\0';
	d->added = 0;
	d->first = r->nrcpt;
}

/* ---- blocks ------------------------------------------------------------ */

static bt_rcpt *
dsn_rcpt(dsn *d)
{
	return d->cur >= 0 ? &d->r->rcpt[d->cur] : NULL;
}

/* An Internet address: a local part, '@', a domain with a dot (or an
 * address literal).  Internal names ("user@server") are not. */
static int
dsn_plausible(const char *a)
{
	const char *at = strrchr(a, '@');

	return at != NULL && at != a &&
	       (strchr(at, '.') != NULL || at[1] == '[');
}

static void
dsn_block_end(dsn *d)
{
	bt_rcpt *rc = dsn_rcpt(d);
	size_t cap = d->caps->max_field;

	if (rc != NULL) {
		if (d->supp[0] != '\0') {
			if (rc->diagnostic == NULL) {
				result_set(d->r, &rc->diagnostic, d->supp,
					   strlen(d->supp), cap);
			} else if (strstr(rc->diagnostic, d->supp) == NULL) {
				size_t a = strlen(rc->diagnostic), b = strlen(d->supp);
				char *p = malloc(a + b + 2);

				if (p != NULL) {
					memcpy(p, rc->diagnostic, a);
					p[a] = ' ';
					memcpy(p + a + 1, d->supp, b + 1);
					result_set(d->r, &rc->diagnostic, p, a + b + 1, cap);
					free(p);
				}
			}
		}
		if (rc->original_recipient != NULL &&
		    (rc->recipient == NULL ||
		     (!dsn_plausible(rc->recipient) &&
		      dsn_plausible(rc->original_recipient))))
			result_set(d->r, &rc->recipient, rc->original_recipient,
				   strlen(rc->original_recipient), cap);
	}
	d->cur = -1;
	d->dropping = 0;
	d->have_final = d->have_orig = 0;
	d->supp[0] = '\0';
}

static bt_rcpt *
dsn_new_block(dsn *d)
{
	bt_rcpt *rc;

	dsn_block_end(d);
	d->in_rcpt_area = 1;
	rc = result_add_rcpt(d->r, d->caps->max_recipients);
	if (rc == NULL) {
		d->dropping = 1;
		return NULL;
	}
	d->cur = (long)(d->r->nrcpt - 1);
	d->added++;
	return rc;
}

/* A host name field: type already stripped, "<host>" loses its brackets. */
static void
dsn_set_host(dsn *d, char **field, const char *v, size_t n)
{
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
		v++;
		n -= 2;
	}
	result_set(d->r, field, v, n, d->caps->max_field);
}

static void
dsn_set(dsn *d, char **field, const char *v, size_t n)
{
	result_set(d->r, field, v, n, d->caps->max_field);
}

static void
dsn_set_diag(dsn *d, bt_rcpt *rc, const char *v, size_t n)
{
	const char *type;
	size_t tlen;

	v = dsn_value_strip_type(v, &n, &type, &tlen);
	if (type != NULL) {
		char t[32];
		size_t i;

		for (i = 0; i < tlen && i + 1 < sizeof(t); i++)
			t[i] = dsn_lower(type[i]);
		dsn_set(d, &rc->diagnostic_type, t, i);
	}
	dsn_set(d, &rc->diagnostic, v, n);
	if (dsn_value_replycode(rc->diagnostic))
		memcpy(rc->replycode, rc->diagnostic, 3);
}

/* Recipient fields of RFC 3464 and the common vendor ones. */
/* The fields this module reads, by name: one lookup per field (length,
 * then first letter, then one strcasecmp) instead of a strcasecmp chain. */
enum dsn_fid {
	DSN_F_OTHER,
	/* per recipient */
	DSN_F_FINAL_RCPT, DSN_F_ORIG_RCPT, DSN_F_ACTION, DSN_F_STATUS, DSN_F_REMOTE_MTA,
	DSN_F_DIAG, DSN_F_LAST_ATTEMPT, DSN_F_RETRY_UNTIL, DSN_F_SUPP, DSN_F_ACTUAL_RCPT,
	DSN_F_PMTA_CATEGORY,
	/* per message */
	DSN_F_REPORTING_MTA, DSN_F_RECEIVED_FROM_MTA, DSN_F_ARRIVAL_DATE, DSN_F_RECEIVED_DATE,
	DSN_F_ENVID,
	/* ARF */
	DSN_F_FEEDBACK_TYPE, DSN_F_ORIG_RCPT_TO, DSN_F_REMOVAL_RCPT,
};

/* The id of a field name of len bytes: by length, then first byte, then
 * the bytes (ASCII case folded, as strcasecmp() folds them). */
static enum dsn_fid
dsn_field_id(const char *name, size_t len)
{
#define DSN_IS(lc, id)	return fieldname_eq_words(name, lc, len) ? (id) : DSN_F_OTHER
	int c = (unsigned char)name[0] | 0x20;	/* lowercase for letters */

	switch (len) {
	case 6:
		if (c == 'a')
			DSN_IS("action", DSN_F_ACTION);
		if (c == 's')
			DSN_IS("status", DSN_F_STATUS);
		break;
	case 10:
		if (c == 'r')
			DSN_IS("remote-mta", DSN_F_REMOTE_MTA);
		break;
	case 12:
		if (c == 'a')
			DSN_IS("arrival-date", DSN_F_ARRIVAL_DATE);
		break;
	case 13:
		if (c == 'f')
			DSN_IS("feedback-type", DSN_F_FEEDBACK_TYPE);
		if (c == 'r') {
			if (fieldname_eq_words(name, "reporting-mta", len))
				return DSN_F_REPORTING_MTA;
			DSN_IS("received-date", DSN_F_RECEIVED_DATE);
		}
		break;
	case 15:
		if (c == 'f')
			DSN_IS("final-recipient", DSN_F_FINAL_RCPT);
		if (c == 'd')
			DSN_IS("diagnostic-code", DSN_F_DIAG);
		break;
	case 16:
		if (c == 'w')
			DSN_IS("will-retry-until", DSN_F_RETRY_UNTIL);
		if (c == 'o')
			DSN_IS("original-rcpt-to", DSN_F_ORIG_RCPT_TO);
		break;
	case 17:
		if (c == 'l')
			DSN_IS("last-attempt-date", DSN_F_LAST_ATTEMPT);
		if (c == 'r') {
			if (fieldname_eq_words(name, "received-from-mta", len))
				return DSN_F_RECEIVED_FROM_MTA;
			DSN_IS("removal-recipient", DSN_F_REMOVAL_RCPT);
		}
		break;
	case 18:
		if (c == 'o')
			DSN_IS("original-recipient", DSN_F_ORIG_RCPT);
		if (c == 'x')
			DSN_IS("x-actual-recipient", DSN_F_ACTUAL_RCPT);
		break;
	case 20:
		if (c == 'x')
			DSN_IS("x-supplementary-info", DSN_F_SUPP);
		if (c == 'o')
			DSN_IS("original-envelope-id", DSN_F_ENVID);
		break;
	case 25:
		if (c == 'x')
			DSN_IS("x-powermta-bouncecategory", DSN_F_PMTA_CATEGORY);
		break;
	default:
		break;
	}
	return DSN_F_OTHER;
#undef DSN_IS
}

DSN_INLINE void
dsn_rcpt_field(dsn *d, enum dsn_fid id, const char *v, size_t n)
{
	bt_rcpt *rc;
	int is_final = id == DSN_F_FINAL_RCPT;
	int is_orig = id == DSN_F_ORIG_RCPT;

	if (d->dropping && !is_final && !is_orig)
		return;
	if (d->cur < 0 || (is_final && d->have_final) ||
	    (is_orig && d->have_orig)) {
		if (dsn_new_block(d) == NULL)
			return;
	}
	rc = dsn_rcpt(d);
	if (is_final || is_orig || id == DSN_F_ACTUAL_RCPT) {
		char a[DSN_ADDR_MAX];

		n = dsn_value_address_copy(v, n, a, sizeof(a));

		if (n == 0)
			return;
		if (is_final) {
			dsn_set(d, &rc->recipient, a, n);
			d->have_final = 1;
		} else if (is_orig) {
			dsn_set(d, &rc->original_recipient, a, n);
			d->have_orig = 1;
		} else if (rc->recipient == NULL) {
			dsn_set(d, &rc->recipient, a, n);
		}
	} else if (id == DSN_F_ACTION) {
		char act[32];
		size_t i;

		for (i = 0; i < n && i + 1 < sizeof(act) &&
		     DSN_CLASS(v[i], DSN_C_ALPHA); i++)
			act[i] = dsn_lower(v[i]);
		if (i > 0)
			dsn_set(d, &rc->action, act, i);
	} else if (id == DSN_F_STATUS) {
		size_t sl;

		if (dsn_value_status(v, &sl) && sl < sizeof(rc->status)) {
			memcpy(rc->status, v, sl);
			rc->status[sl] = '\0';
		}
	} else if (id == DSN_F_REMOTE_MTA) {
		const char *type;
		size_t tlen;

		v = dsn_value_strip_type(v, &n, &type, &tlen);
		dsn_set_host(d, &rc->remote_mta, v, n);
	} else if (id == DSN_F_DIAG) {
		dsn_set_diag(d, rc, v, n);
	} else if (id == DSN_F_LAST_ATTEMPT) {
		dsn_set(d, &rc->last_attempt_date, v, n);
	} else if (id == DSN_F_RETRY_UNTIL) {
		dsn_set(d, &rc->will_retry_until, v, n);
	} else if (id == DSN_F_PMTA_CATEGORY) {
		size_t i;

		for (i = 0; i < n && i + 1 < sizeof(rc->mta_category) &&
		     (DSN_CLASS(v[i], DSN_C_ALPHA) || v[i] == '-'); i++)
			rc->mta_category[i] = dsn_lower(v[i]);
		rc->mta_category[i] = '\0';
	} else if (id == DSN_F_SUPP) {
		if (n >= sizeof(d->supp))
			n = sizeof(d->supp) - 1;
		memcpy(d->supp, v, n);
		d->supp[n] = '\0';
	}
}

static int
dsn_is_rcpt_field(enum dsn_fid id)
{
	return id >= DSN_F_FINAL_RCPT && id <= DSN_F_PMTA_CATEGORY;
}

DSN_INLINE void
dsn_message_field(dsn *d, enum dsn_fid id, const char *v, size_t n)
{
	bt_result *r = d->r;
	const char *type;
	size_t tlen;

	if (id == DSN_F_REPORTING_MTA) {
		v = dsn_value_strip_type(v, &n, &type, &tlen);
		if (r->reporting_mta == NULL)
			dsn_set_host(d, &r->reporting_mta, v, n);
	} else if (id == DSN_F_RECEIVED_FROM_MTA) {
		v = dsn_value_strip_type(v, &n, &type, &tlen);
		if (r->received_from_mta == NULL)
			dsn_set_host(d, &r->received_from_mta, v, n);
	} else if (id == DSN_F_ARRIVAL_DATE || id == DSN_F_RECEIVED_DATE) {
		if (r->arrival_date == NULL)
			dsn_set(d, &r->arrival_date, v, n);
	} else if (id == DSN_F_ENVID) {
		if (r->original_envelope_id == NULL)
			dsn_set(d, &r->original_envelope_id, v, n);
	}
}

/* ARF: every Original-Rcpt-To / Removal-Recipient is one complaint. */
static void
dsn_feedback_field(dsn *d, enum dsn_fid id, const char *v, size_t n)
{
	bt_result *r = d->r;

	if (id == DSN_F_FEEDBACK_TYPE) {
		char t[64];
		size_t i;

		for (i = 0; i < n && i + 1 < sizeof(t) &&
		     !DSN_CLASS(v[i], DSN_C_SPACE) && v[i] != ';'; i++)
			t[i] = dsn_lower(v[i]);
		if (r->feedback_type == NULL && i > 0)
			dsn_set(d, &r->feedback_type, t, i);
	} else if (id == DSN_F_ORIG_RCPT_TO || id == DSN_F_REMOVAL_RCPT) {
		char a[DSN_ADDR_MAX];
		bt_rcpt *rc;
		size_t i;

		n = dsn_value_address_copy(v, n, a, sizeof(a));
		if (n == 0)
			return;
		for (i = d->first; i < r->nrcpt; i++)
			if (r->rcpt[i].recipient != NULL &&
			    strlen(r->rcpt[i].recipient) == n &&
			    strncasecmp(r->rcpt[i].recipient, a, n) == 0)
				return;
		rc = result_add_rcpt(r, d->caps->max_recipients);
		if (rc == NULL)
			return;
		d->added++;
		dsn_set(d, &rc->recipient, a, n);
		rc->cls = BT_CLASS_COMPLAINT;
		rc->reason = "feedback";
	} else {
		dsn_message_field(d, id, v, n);
	}
}

/* How many of the n bytes at s are field-name bytes (FIELDNAME_TOKEN:
 * letters, digits, '-', '_'), from the start; with SSE2, 16 at a time while
 * 16 are there (ranges by signed compare: 8-bit bytes are negative). */
static size_t
dsn_token_span(const char *s, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	for (; n - i >= 16; i += 16) {
		unsigned m = simd_name_stop16(
		    _mm_loadu_si128((const __m128i *)(const void *)(s + i)), '-');

		if (m != 0)
			return i + (unsigned)__builtin_ctz(m);
	}
#endif
	for (; i < n && (fieldname_byte[(unsigned char)s[i]] & FIELDNAME_TOKEN); i++)
		;
	return i;
}

/* A complete field "Name: value" (already unfolded), n bytes at f, with
 * a byte after them that is a NUL or a blank of isspace() (what reads a
 * value past its length, dsn_value_status(), stops there). */
static void
dsn_field(dsn *d, const char *f, size_t n)
{
	const char *colon, *v, *end = f + n;
	size_t i;
	enum dsn_fid id;

	/* name bytes, blanks, then the first ':' (not at the start) */
	i = dsn_token_span(f, n);
	while (i < n && DSN_CLASS(f[i], DSN_C_BLANK))
		i++;
	if (i == 0 || i >= n || f[i] != ':')
		return;
	colon = f + i;
	while (i > 0 && DSN_CLASS(f[i - 1], DSN_C_BLANK))
		i--;
	if ((id = dsn_field_id(f, i)) == DSN_F_OTHER)
		return;		/* a field no one reads: its value neither */
	v = colon + 1;
	while (v < end && DSN_CLASS(*v, DSN_C_BLANK))
		v++;
	while (end > v && DSN_CLASS(end[-1], DSN_C_SPACE))
		end--;
	if (d->kind == DSN_FEEDBACK) {
		dsn_feedback_field(d, id, v, (size_t)(end - v));
		return;
	}
	if (dsn_is_rcpt_field(id))
		dsn_rcpt_field(d, id, v, (size_t)(end - v));
	else
		dsn_message_field(d, id, v, (size_t)(end - v));
}

DSN_INLINE void
dsn_flush_field(dsn *d)
{
	if (d->flen > 0) {
		if (d->fin != NULL) {	/* followed by its line's end */
			dsn_field(d, d->fin, d->flen);
			d->fin = NULL;
		} else {
			d->field[d->flen] = '\0';
			dsn_field(d, d->field, d->flen);
		}
		d->flen = 0;
	}
}

/* The field's line read in place goes into the field buffer. */
static void
dsn_keep_field(dsn *d)
{
	if (d->fin != NULL) {
		memcpy(d->field, d->fin, d->flen);
		d->fin = NULL;
	}
}

/* A line of n bytes at s, less its LF; in_place: s is in the bytes being
 * fed (its LF follows it), not in the line buffer. */
DSN_INLINE void
dsn_line(dsn *d, const char *s, size_t n, int in_place)
{
	size_t room;

	while (n > 0 && DSN_CLASS(s[n - 1], DSN_C_LINE_END))
		n--;
	if (n == 0) {
		dsn_flush_field(d);
		if (d->cur >= 0 || d->dropping)
			dsn_block_end(d);
		d->in_rcpt_area = 1;
		return;
	}
	if (DSN_CLASS(s[0], DSN_C_BLANK)) {
		if (d->flen == 0)
			return;		/* continuation of nothing: junk */
		dsn_keep_field(d);
		while (n > 0 && DSN_CLASS(*s, DSN_C_BLANK))
			s++, n--;
		room = d->caps->max_header - d->flen;
		if (room > 0) {
			d->field[d->flen++] = ' ';
			room--;
		}
		if (n > room) {
			d->r->caps_hit |= BT_CAP_HEADER;
			n = room;
		}
		memcpy(d->field + d->flen, s, n);
		d->flen += n;
		return;
	}
	dsn_flush_field(d);
	if (in_place) {
		d->fin = s;
	} else {
		memcpy(d->field, s, n);		/* n <= max_header: see dsn_feed */
	}
	d->flen = n;
}

/* With nothing buffered: the whole lines at buf read in place, their LFs
 * found by a mask of 32 bytes (a memchr() call per line costs more: most
 * are short).  Stops at a line longer than max or with fewer than 32 bytes
 * left; returns the bytes used. */
static size_t
dsn_lines(dsn *d, const char *buf, size_t len, size_t max)
{
	const char *p = buf, *q = buf, *end = buf + len;

#ifdef __SSE2__
	const __m128i nlv = _mm_set1_epi8('\n');

	for (; end - q >= 32; q += 32) {
		/* p <= q: the line at p has no LF before q */
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)q), nlv)) |
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(q + 16)),
		    nlv)) << 16;

		while (m != 0) {
			const char *nl = q + __builtin_ctz(m);

			m &= m - 1;
			if ((size_t)(nl - p) > max)
				return (size_t)(p - buf);
			dsn_line(d, p, (size_t)(nl - p), 1);
			p = nl + 1;
		}
	}
#else
	(void)q;
	(void)end;
	(void)max;
#endif
	return (size_t)(p - buf);
}

void
dsn_feed(dsn *d, const char *buf, size_t len)
{
	size_t max = d->caps->max_header, k;

	if (d->llen == 0 && !d->ldrop) {
		k = dsn_lines(d, buf, len, max);
		buf += k;
		len -= k;
	}
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		if (nl != NULL && d->llen == 0 && !d->ldrop && n <= max) {
			dsn_line(d, buf, n, 1);	/* a whole line: read in place */
			buf += n + 1;
			len -= n + 1;
			continue;
		}
		if (!d->ldrop) {
			k = max - d->llen < n ? max - d->llen : n;
			if (k < n) {
				d->ldrop = 1;
				d->r->caps_hit |= BT_CAP_LINE;
			}
			memcpy(d->line + d->llen, buf, k);
			d->llen += k;
		}
		buf += nl ? n + 1 : n;
		len -= nl ? n + 1 : n;
		if (nl) {
			dsn_line(d, d->line, d->llen, 0);
			d->llen = 0;
			d->ldrop = 0;
		}
	}
	dsn_keep_field(d);	/* the bytes fed go */
}

size_t
dsn_end(dsn *d)
{
	if (d->llen > 0)
		dsn_line(d, d->line, d->llen, 0);
	d->llen = 0;
	d->ldrop = 0;
	dsn_flush_field(d);
	dsn_block_end(d);
	return d->added;
}
