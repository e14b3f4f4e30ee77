/*
 * detect.c - bounce signals of the envelope sender and top-level header
 * fields (see detect.h).  Substring tables over lowercased values, RFC
 * 2047-decoded by encword.c; everything on the stack, bounded by fixed
 * buffers, but for the word tables of the Subject and From (searched
 * Wu-Manber style, see detect_lists()), built once and read-only after
 * (detect_init()).
 * Field names come classified (fieldname.h); a field whose value is not
 * read is judged by its name alone (detect_name()); a Content-Type is read
 * only as far as its signal needs (detect_content_type()), and whether
 * a returned message's is a delivery-status report (detect_dsn_report()).
 */
#define _GNU_SOURCE	/* memmem */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "detect.h"
#include "encword.h"
#include "engine.h"
#include "mime.h"
#include "fieldname.h"

#define DETECT_BUF	512

static const char *const detect_from_words[] = {
	"mailer-daemon", "mailer_daemon", "mailerdaemon", "mailer daemon",
	"postmaster", "post_master", "mail delivery", "mail administrator",
	"mdaemon", "<>", "delivery status notification", "content-filter",
	"interscan", "mail system", "mailer@", "mail.delivery.system",
	"feedback", "complaints@", "fbl",
};

static const char *const detect_subject_words[] = {
	"undelivered", "undeliverable", "undeliverd", "delivery status notification",
	"delivery status notice", "delivery status", "mail delivery failed",
	"delivery failed", "delivery failure", "delivery has failed",
	"failure notice", "failure delivery", "returned mail", "returning message",
	"mail system error", "postmaster notify", "could not be delivered",
	"couldn't be delivered", "not be delivered", "non recapitabile",
	"non-delivery", "nondelivery", "non delivery", "delivery notification",
	"delivery report", "delivery problem", "could not send message",
	"delivery delayed", "delayed mail", "error sending your mail",
	"mail failure", "mail failed", "message you sent blocked",
	"unzustellbar", "nicht zustellbar", "non remis", "no entregado",
	"onbestelbaar", "\xd0\xbd\xd0\xb5 \xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd",	/* "не доставлен" */
	"\xd0\xbd\xd0\xb5\xd0\xb4\xd0\xbe\xd1\x81\xd1\x82\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd", /* "недоставлен" */
	"delivery status report", "mail delivery status", "delivery error",
	"message delivery", "warning: message", "spamtraphit", "mail error",
	"rejected mail", "returned to sender", "bounced mail", "mail returned",
	"notification message", "are not member", "not a member",
	"\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc",	/* "メールエラー" */
	"\xe9\x85\x8d\xe9\x80\x81\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc",	/* "配送エラー" */
	"\xe4\xb8\x8d\xe9\x81\x94",	/* "不達" */
};

static const char *const detect_complaint_words[] = {
	"complaint about message", "abuse report", "spam report",
	"fbl report", "feedback report", "spam complaint",
};

/* Subject starts with one of these: an auto-reply. */
static const char *const detect_autoreply_starts[] = {
	"out of office", "out of the office", "auto:", "automatic reply",
	"autoreply", "auto-reply", "auto reply", "auto response",
	"autoresponse", "automatische antwort", "abwesenheitsnotiz",
	"r\xc3\xa9ponse automatique", "respuesta autom\xc3\xa1tica",
	"risposta automatica", "resposta autom\xc3\xa1tica",
	"automatisch antwoord", "vacation reply", "on vacation",
	"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94",	/* 自動応答 */
};

/* Somewhere in the Subject: an auto-reply only with other signs. */
static const char *const detect_autoreply_words[] = {
	"out of office", "out of the office", "vacation", "away from",
	"away until", "absence", "abwesenheit", "automatic reply",
	"auto-reply", "autoreply",
};

static const char *const detect_mailer_words[] = {
	"mail delivery", "smtp32", "ezmlm", "qmail-send", "postfix",
};

/* The n bytes at s in lower case (tolower() of the C locale) into d: eight
 * bytes at a time, the last eight (overlapping) for the tail. */
static inline void
detect_fold(const char *s, char *d, size_t n)
{
	size_t i;
	uint64_t w;

	if (n < 8) {
		for (i = 0; i < n; i++)
			d[i] = s[i] >= 'A' && s[i] <= 'Z' ?
			       (char)(s[i] + 'a' - 'A') : s[i];
		return;
	}
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		w = fieldname_fold8(w);
		memcpy(d + i, &w, 8);
	}
	if (i < n) {
		memcpy(&w, s + n - 8, 8);
		w = fieldname_fold8(w);
		memcpy(d + n - 8, &w, 8);
	}
}

/* hay in lower case into low (DETECT_BUF bytes), cut as detect_any() cuts;
 * returns its length. */
static size_t
detect_lower(const char *hay, char *low)
{
	size_t n = strnlen(hay, DETECT_BUF - 1);

	detect_fold(hay, low, n);
	low[n] = '\0';
	return n;
}

/* Does low (already lower case) contain one of the lowercase words? */
static int
detect_any_low(const char *low, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(low, words[i]) != NULL)
			return 1;
	return 0;
}

/* Word lists looked for in one pass over a lowercased value, Wu-Manber
 * style: with m the length of the table's shortest word (of four bytes or
 * more), a window of m bytes moves along the value; a table by the hash
 * of the byte pair at its end says how far it may move without passing
 * over a word (none of their first m bytes ends with that pair, or only
 * that far from their m-th).  Where it may not move, the words filed
 * under the hash of the window's first m bytes (up to 8: hmask) are
 * compared, eight bytes at once first (a chain passes over the words of a list already
 * found, and over those whose first eight bytes failed).  Words under
 * four bytes are looked for with
 * strstr().  A table's pass ends once each of its lists has a word found.
 * Four tables: for the Subject's bounce words (alone, so that the pass
 * ends at the first found: most bounces' Subjects start with one), for
 * its other lists (complaint, auto-reply, TLS-RPT words: longer, so that
 * the window moves further), for From and for X-Mailer; built once
 * (pthread_once), then read-only. */
#define DETECT_HASH(x)	((unsigned)(((uint64_t)(x) * 0x9e3779b97f4a7c15ull) >> 52))
#define DETECT_PAIR(a, b)	((((unsigned)(unsigned char)(a)) * 33u + \
				  (unsigned char)(b)) & 4095u)
#define DETECT_N(a)	(sizeof(a) / sizeof((a)[0]))
#define DETECT_L_SUBJECT	1u	/* detect_subject_words */
#define DETECT_L_COMPLAINT	2u	/* detect_complaint_words */
#define DETECT_L_AUTOREPLY	4u	/* detect_autoreply_words */
#define DETECT_L_REPORT_ID	8u	/* "report-id:" (TLS-RPT) */
#define DETECT_TAB_MAX		128	/* words per table (1 + index in a byte) */

static const char *const detect_report_id_words[] = { "report-id:" };

typedef struct detect_lword {
	const char *w;
	size_t len;		/* 4 at least */
	uint64_t pre, mask;	/* the first bytes (up to 8), as loaded */
	uint64_t pre2, mask2;	/* the next 8 (bytes 8 to 15), the same way */
	unsigned list;		/* DETECT_L_* */
	unsigned char next;	/* 1 + the next word of the same hash, 0 none */
	unsigned char skip;	/* the same for the next one whose first 8
				 * bytes (pre, mask) differ */
	unsigned char other;	/* the same for the next one of another list
				 * (once this list is found) */
} detect_lword;

typedef struct detect_wtab {
	detect_lword w[DETECT_TAB_MAX];
	size_t n;
	unsigned char head[4096];	/* 1 + first word of a hash, 0 none */
	const char *shortw[DETECT_TAB_MAX];	/* words under 4 bytes */
	unsigned short_list[DETECT_TAB_MAX];
	size_t nshort;
	unsigned all;		/* every list with a word */
	size_t m;		/* the shortest word of 4 bytes or more */
	uint64_t hmask;		/* its first bytes (up to 8), as loaded: hashed */
	unsigned char shift[4096];	/* by DETECT_PAIR(): window move */
} detect_wtab;

static detect_wtab detect_subject_tab, detect_other_tab, detect_from_tab,
    detect_mailer_tab;
static pthread_once_t detect_once = PTHREAD_ONCE_INIT;

/* detect_autoreply_starts by first byte: bit i for word i. */
static uint32_t detect_starts_first[256];
static size_t detect_starts_len[DETECT_N(detect_autoreply_starts)];

static void
detect_init_starts(void)
{
	size_t i;

	_Static_assert(DETECT_N(detect_autoreply_starts) <= 32,
		       "too many words for detect_starts_first");
	for (i = 0; i < DETECT_N(detect_autoreply_starts); i++) {
		detect_starts_len[i] = strlen(detect_autoreply_starts[i]);
		detect_starts_first[(unsigned char)detect_autoreply_starts[i][0]] |=
		    1u << i;
	}
}

static void
detect_file_words(detect_wtab *t, const char *const *words, size_t n,
		  unsigned list)
{
	size_t i, k;
	unsigned char b[8];

	for (i = 0; i < n; i++) {
		detect_lword *e;

		t->all |= list;
		if (strlen(words[i]) < 4) {
			t->short_list[t->nshort] = list;
			t->shortw[t->nshort++] = words[i];
			continue;
		}
		e = &t->w[t->n++];
		e->w = words[i];
		e->len = strlen(words[i]);
		/* the first k bytes and their mask, laid out as a load of
		 * eight bytes sees them (any byte order) */
		k = e->len < 8 ? e->len : 8;
		memset(b, 0, sizeof(b));
		memcpy(b, e->w, k);
		memcpy(&e->pre, b, 8);
		memset(b, 0, sizeof(b));
		memset(b, 0xff, k);
		memcpy(&e->mask, b, 8);
		k = e->len < 8 ? 0 : e->len - 8 < 8 ? e->len - 8 : 8;
		memset(b, 0, sizeof(b));
		memcpy(b, e->w + 8, k);
		memcpy(&e->pre2, b, 8);
		memset(b, 0, sizeof(b));
		memset(b, 0xff, k);
		memcpy(&e->mask2, b, 8);
		e->list = list;
	}
}

/* t's window length and moves, its chains by the hash of their first m
 * bytes (up to 8; most From words start with "mail", so four would chain
 * them all) and the chains' skips, once all its words are filed. */
static void
detect_file_shifts(detect_wtab *t)
{
	size_t i, j;
	unsigned char b[8];

	t->m = 0;
	for (i = 0; i < t->n; i++)
		if (t->m == 0 || t->w[i].len < t->m)
			t->m = t->w[i].len;
	memset(b, 0, sizeof(b));
	memset(b, 0xff, t->m < 8 ? t->m : 8);
	memcpy(&t->hmask, b, 8);
	for (i = 0; i < t->n; i++) {
		unsigned h = DETECT_HASH(t->w[i].pre & t->hmask);

		t->w[i].next = t->head[h];
		t->head[h] = (unsigned char)(i + 1);
	}
	for (i = 0; i < t->n; i++) {
		unsigned k = t->w[i].next;

		while (k != 0 && t->w[k - 1].pre == t->w[i].pre &&
		       t->w[k - 1].mask == t->w[i].mask)
			k = t->w[k - 1].next;
		t->w[i].skip = (unsigned char)k;
		k = t->w[i].next;
		while (k != 0 && t->w[k - 1].list == t->w[i].list)
			k = t->w[k - 1].next;
		t->w[i].other = (unsigned char)k;
	}
	memset(t->shift, (int)(t->m - 1), sizeof(t->shift));
	for (i = 0; i < t->n; i++)
		for (j = 1; j < t->m; j++) {
			unsigned h = DETECT_PAIR(t->w[i].w[j - 1], t->w[i].w[j]);

			if (t->shift[h] > t->m - 1 - j)
				t->shift[h] = (unsigned char)(t->m - 1 - j);
		}
}

static void
detect_init(void)
{
	_Static_assert(DETECT_N(detect_subject_words) < DETECT_TAB_MAX &&
		       DETECT_N(detect_complaint_words) +
		       DETECT_N(detect_autoreply_words) +
		       DETECT_N(detect_report_id_words) < DETECT_TAB_MAX &&
		       DETECT_N(detect_from_words) < DETECT_TAB_MAX &&
		       DETECT_N(detect_mailer_words) < DETECT_TAB_MAX,
		       "too many words for a detect_wtab");
	detect_file_words(&detect_subject_tab, detect_subject_words,
			  DETECT_N(detect_subject_words), DETECT_L_SUBJECT);
	detect_file_words(&detect_other_tab, detect_complaint_words,
			  DETECT_N(detect_complaint_words), DETECT_L_COMPLAINT);
	detect_file_words(&detect_other_tab, detect_autoreply_words,
			  DETECT_N(detect_autoreply_words), DETECT_L_AUTOREPLY);
	detect_file_words(&detect_other_tab, detect_report_id_words,
			  DETECT_N(detect_report_id_words), DETECT_L_REPORT_ID);
	detect_file_words(&detect_from_tab, detect_from_words,
			  DETECT_N(detect_from_words), 1u);
	detect_file_words(&detect_mailer_tab, detect_mailer_words,
			  DETECT_N(detect_mailer_words), 1u);
	detect_file_shifts(&detect_subject_tab);
	detect_file_shifts(&detect_other_tab);
	detect_file_shifts(&detect_from_tab);
	detect_file_shifts(&detect_mailer_tab);
	detect_init_starts();
}

/* The tables built (detect_init(), once): a flag read first, so that
 * the reads of every From and Subject spare pthread_once()'s call. */
static int detect_built;

static void
detect_init_flagged(void)
{
	detect_init();
	__atomic_store_n(&detect_built, 1, __ATOMIC_RELEASE);
}

static inline void
detect_tables(void)
{
	if (!__atomic_load_n(&detect_built, __ATOMIC_ACQUIRE))
		pthread_once(&detect_once, detect_init_flagged);
}

/* Which of t's lists (DETECT_L_*) have a word in low: what strstr(low,
 * word) for every word would say.  low holds n bytes (no NUL) and then at
 * least 8 zero bytes, so that eight bytes can be loaded at any offset. */
static inline __attribute__((always_inline)) unsigned
detect_lists(const detect_wtab *t, const char *low, size_t n)
{
	unsigned found = 0;
	size_t i, p;
	uint64_t v, v2;

	for (p = t->m - 1; t->m > 0 && p < n; p++) {
		unsigned k = t->shift[DETECT_PAIR(low[p - 1], low[p])];

		if (k != 0) {
			p += k - 1;
			continue;
		}
		i = p - (t->m - 1);	/* a word may start here */
		memcpy(&v, low + i, 8);
		if ((k = t->head[DETECT_HASH(v & t->hmask)]) == 0)
			continue;
		while (k != 0) {
			const detect_lword *e = &t->w[k - 1];

			if ((v & e->mask) != e->pre) {
				k = e->skip;	/* none with these 8 bytes */
				continue;
			}
			if (found & e->list) {
				k = e->other;	/* none of this list needed */
				continue;
			}
			k = e->next;
			if (e->len > n - i)
				continue;
			if (e->len > 8) {
				/* i + 8 < n: eight bytes there are loaded */
				memcpy(&v2, low + i + 8, 8);
				if ((v2 & e->mask2) != e->pre2 ||
				    (e->len > 16 &&
				     memcmp(low + i + 16, e->w + 16, e->len - 16) != 0))
					continue;
			}
			found |= e->list;
		}
		if (found == t->all)
			return found;	/* nothing more to find */
	}
	for (i = 0; i < t->nshort; i++)
		if (!(found & t->short_list[i]) && strstr(low, t->shortw[i]) != NULL)
			found |= t->short_list[i];
	return found;
}

/* The same for a value of n bytes at least without a NUL (n: up to
 * DETECT_BUF - 1, as detect_lower() cuts). */
static unsigned
detect_value_lists_n(const detect_wtab *t, const char *value, size_t n)
{
	char low[DETECT_BUF + 8];

	detect_tables();
	if (n > DETECT_BUF - 1)
		n = DETECT_BUF - 1;
	detect_fold(value, low, n);
	memset(low + n, 0, 8);
	return detect_lists(t, low, n);
}

/* The lists of t with a word in value (any case, cut as detect_lower()
 * cuts it). */
static unsigned
detect_value_lists(const detect_wtab *t, const char *value)
{
	return detect_value_lists_n(t, value, strnlen(value, DETECT_BUF - 1));
}

/* Does hay (any case) contain one of the lowercase words? */
static int
detect_any(const char *hay, const char *const *words, size_t n)
{
	char low[DETECT_BUF];

	detect_lower(hay, low);
	return detect_any_low(low, words, n);
}

static int
detect_has(const char *hay, const char *word)
{
	return detect_any(hay, &word, 1);
}

/* Does low (the lowered Subject: NUL-terminated, 8 readable bytes past
 * its end at least) start with "re:", "fwd:" and the like after blanks?
 * Compared as lowered: the first byte first, most subjects differ there. */
static int
detect_is_reply(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	switch (*s) {
	case 'r':
		return memcmp(s, "re:", 3) == 0;
	case 'f':
		return memcmp(s, "fwd:", 4) == 0 || memcmp(s, "fw:", 3) == 0;
	case 'a':
		return memcmp(s, "aw:", 3) == 0;
	case 'w':
		return memcmp(s, "wg:", 3) == 0;
	case 't':
		return memcmp(s, "tr:", 3) == 0;
	default:
		return 0;
	}
}

/* detect_has(s, "mailer-daemon") without the lowered copy, for s of n
 * bytes (strlen(s)): the word compared at each 'm' of either case
 * (c | 0x20 is 'm' for those two only), within the first DETECT_BUF - 1
 * bytes as detect_lower() cuts; a byte loop, as the values are short
 * (a Return-Path, an envelope sender). */
static int
detect_has_mailer_daemon(const char *s, size_t n)
{
	size_t i;

	if (n > DETECT_BUF - 1)
		n = DETECT_BUF - 1;
	for (i = 0; i + 13 <= n; i++)
		if (((unsigned char)s[i] | 0x20) == 'm' &&
		    fieldname_eq_words(s + i, "mailer-daemon", 13))
			return 1;
	return 0;
}

/* detect_sender() of a sender of n bytes (strlen(sender)). */
static unsigned
detect_sender_n(const char *sender, size_t n)
{
	const char *p = sender;

	while (*p == ' ' || *p == '<' || *p == '>')
		p++;
	if (*p == '\0')
		return DETECT_NULL_SENDER;
	if (detect_has_mailer_daemon(sender, n))
		return DETECT_NULL_SENDER;
	return DETECT_SENDER_KNOWN;
}

unsigned
detect_sender(const char *sender)
{
	if (sender == NULL)
		return 0;
	return detect_sender_n(sender, strlen(sender));
}

/* The signal of a multipart/report by its report-type rt (as mime_param()
 * reads it; any case). */
static unsigned
detect_report_type(const char *rt)
{
	if (strcasecmp(rt, "delivery-status") == 0 ||
	    strcasecmp(rt, "global-delivery-status") == 0)
		return DETECT_REPORT_DSN;
	if (strcasecmp(rt, "feedback-report") == 0)
		return DETECT_REPORT_ARF;
	if (strcasecmp(rt, "disposition-notification") == 0 ||
	    strcasecmp(rt, "tlsrpt") == 0)
		return DETECT_NOT_BOUNCE;
	return DETECT_REPORT;
}

/* With DETECT_REPORT_DSN from detect_ct(): the report-type is
 * "delivery-status" (not the global one). */
#define DETECT_CT_DS	0x80000000u

/* A byte that ends a type or a parameter's token value (mime_type(),
 * mime_param()): ';', a blank of isspace() or the NUL. */
static inline int
detect_ct_stop(char c)
{
	return c == ';' || c == ' ' || (c >= '\t' && c <= '\r') || c == '\0';
}

/* detect_report_type() of the report-type of value (vlen bytes, no NUL),
 * found as mime_param() finds it; a token compared where it lies (all
 * the words are shorter than mime_param()'s cut), a quoted string read
 * by mime_param() itself. */
static unsigned
detect_report_param(const char *value, size_t vlen)
{
	const char *p = value, *end = value + vlen, *v;
	char rt[MIME_PARAM_MAX];
	size_t k;

	while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		/* (strncasecmp() stops at the NUL: fewer bytes, no match) */
		if ((size_t)(end - p) < 11 || !fieldname_eq_words(p, "report-type", 11))
			continue;
		for (v = p + 11; *v == ' ' || *v == '\t'; v++)
			;
		if (*v != '=')
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		if (*v == '"') {
			mime_param(value, "report-type", rt, sizeof(rt));
			return detect_report_type(rt) |
			       (strcasecmp(rt, "delivery-status") == 0 ? DETECT_CT_DS : 0);
		}
		for (k = 0; !detect_ct_stop(v[k]); k++)
			;
		switch (k) {	/* (v holds k bytes and its stop byte) */
		case 6:
			return fieldname_eq_words(v, "tlsrpt", 6) ?
			       DETECT_NOT_BOUNCE : DETECT_REPORT;
		case 15:
			return fieldname_eq_words(v, "delivery-status", 15) ?
			       DETECT_REPORT_DSN | DETECT_CT_DS :
			       fieldname_eq_words(v, "feedback-report", 15) ?
			       DETECT_REPORT_ARF : DETECT_REPORT;
		case 22:
			return fieldname_eq_words(v, "global-delivery-status", 22) ?
			       DETECT_REPORT_DSN : DETECT_REPORT;
		case 24:
			return fieldname_eq_words(v, "disposition-notification", 24) ?
			       DETECT_NOT_BOUNCE : DETECT_REPORT;
		default:
			return DETECT_REPORT;
		}
	}
	return DETECT_REPORT;	/* none: "" */
}

/* The signal of a Content-Type value of vlen bytes (strlen(value)): what
 * mime_type() and mime_param() say of it, read only as far as that needs
 * (the type by its first bytes; mime_type() folds ASCII capitals only, as
 * fieldname_eq_words() does), DETECT_CT_DS or'ed in for a report-type
 * "delivery-status". */
static unsigned
detect_ct(const char *value, size_t vlen)
{
	const char *t = value;
	size_t r, n;

	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	r = vlen - (size_t)(t - value);
	if (r >= 10 && fieldname_eq_words(t, "multipart/", 10)) {
		/* the type exactly "multipart/report" (up to a stop byte) */
		if (r >= 16 && fieldname_eq_words(t + 10, "report", 6) &&
		    detect_ct_stop(t[16]))
			return detect_report_param(value, vlen);
		return DETECT_MULTIPART;
	}
	if (r >= 5 && fieldname_eq_words(t, "text/", 5))
		return DETECT_TEXT;
	/* another type, or "text/plain" for one without a '/' in its first
	 * MIME_TYPE_MAX - 1 bytes */
	for (n = 0; n < MIME_TYPE_MAX - 1 && !detect_ct_stop(t[n]); n++)
		if (t[n] == '/')
			return 0;
	return DETECT_TEXT;
}

static unsigned
detect_content_type(const char *value, size_t vlen)
{
	return detect_ct(value, vlen) & ~DETECT_CT_DS;
}

int
detect_dsn_report(const char *value, size_t vlen)
{
	return (detect_ct(value, vlen) & DETECT_CT_DS) != 0;
}

/* The Subject as encword_decode() and then detect_lower() make it,
 * into low (DETECT_BUF + 8 bytes), followed by 8 zero bytes as
 * detect_lists() wants; returns its length.  Without an encoded word in
 * one pass (folding commutes with turning line breaks into spaces). */
static size_t
detect_decode_lower(const char *value, size_t n, int oneline, char *low)
{
	char buf[DETECT_BUF];
	const char *p;
	char *q;

	if (n > DETECT_BUF - 1)
		n = DETECT_BUF - 1;
	/* an encoded word ("=?") anywhere in the value: below the cut, by
	 * its '='s (value[n] is the NUL there) */
	for (p = memchr(value, '=', n); p != NULL && p[1] != '?';
	    p = memchr(p + 1, '=', n - (size_t)(p + 1 - value)))
		;
	if (p != NULL || (n == DETECT_BUF - 1 && strstr(value, "=?") != NULL)) {
		encword_decode(value, buf, sizeof(buf));
		n = detect_lower(buf, low);
	} else {
		detect_fold(value, low, n);
		for (q = oneline ? NULL : memchr(low, '\n', n); q != NULL;
		    q = memchr(q + 1, '\n', n - (size_t)(q + 1 - low)))
			*q = ' ';
		for (q = oneline ? NULL : memchr(low, '\r', n); q != NULL;
		    q = memchr(q + 1, '\r', n - (size_t)(q + 1 - low)))
			*q = ' ';
	}
	memset(low + n, 0, 8);
	return n;
}

/* 1 when low (n bytes, lower case, blanks first skipped) starts with one
 * of detect_autoreply_starts: only the words of its first byte compared,
 * and only those that fit. */
static int
detect_starts_low(const char *low, size_t n)
{
	const char *s = low;
	uint32_t m;
	unsigned i;

	while (*s == ' ' || *s == '\t')
		s++;
	n -= (size_t)(s - low);
	for (m = detect_starts_first[(unsigned char)*s]; m != 0; m &= m - 1) {
		i = (unsigned)__builtin_ctz(m);
		if (detect_starts_len[i] <= n &&
		    memcmp(s, detect_autoreply_starts[i], detect_starts_len[i]) == 0)
			return 1;
	}
	return 0;
}

/* Every test below is blind to ASCII case: all are made on the decoded
 * Subject in lower case. */
static unsigned
detect_subject(const char *value, size_t vlen, int oneline)
{
	char low[DETECT_BUF + 8];
	unsigned sig = 0, lists;
	size_t n;

	detect_tables();
	n = detect_decode_lower(value, vlen, oneline, low);
	lists = detect_lists(&detect_subject_tab, low, n);
	if (detect_is_reply(low)) {
		sig |= DETECT_REPLY;
		if (lists & DETECT_L_SUBJECT)
			sig |= DETECT_SUBJECT_FWD;
		return sig;
	}
	lists |= detect_lists(&detect_other_tab, low, n);
	if (lists & DETECT_L_COMPLAINT)
		sig |= DETECT_COMPLAINT;
	if (lists & DETECT_L_SUBJECT)
		sig |= DETECT_SUBJECT;
	if (detect_starts_low(low, n))
		sig |= DETECT_AUTOREPLY;
	else if (lists & DETECT_L_AUTOREPLY)
		sig |= DETECT_AUTOREPLY_WEAK;
	if ((n >= 14 && memcmp(low, "report domain:", 14) == 0) ||
	    (lists & DETECT_L_REPORT_ID))
		sig |= DETECT_NOT_BOUNCE;	/* DMARC aggregate / TLS-RPT */
	return sig;
}

unsigned
detect_field(int id, const char *name, const char *value)
{
	if (value == NULL)
		return 0;
	switch (id) {
	case FN_FROM:
		if (detect_value_lists(&detect_from_tab, value) != 0)
			return DETECT_FROM_DAEMON;
		break;
	case FN_SUBJECT:
		return detect_subject(value, strnlen(value, DETECT_BUF - 1), 0);
	case FN_RETURN_PATH:
		return detect_sender(value);
	case FN_CONTENT_TYPE:
		return detect_content_type(value, strlen(value));
	case FN_AUTO_SUBMITTED:
		while (*value == ' ' || *value == '\t')
			value++;
		if (strncasecmp(value, "auto-replied", 12) == 0)
			return DETECT_AUTO_REPLIED;
		if (strncasecmp(value, "no", 2) != 0)
			return DETECT_AUTO_GENERATED;
		break;
	case FN_PRECEDENCE:
		if (detect_has(value, "auto_reply"))
			return DETECT_AUTOREPLY;
		break;
	case FN_X_FAILED_RECIPIENTS:
		return DETECT_XFAILED;
	case FN_X_AUTOREPLY:
		return DETECT_AUTOREPLY;
	case FN_X_MAILER:
		if (detect_value_lists(&detect_mailer_tab, value) != 0)
			return DETECT_BOUNCE_MAILER;
		break;
	case FN_X_APPLE_UNSUBSCRIBE:
		if (strncasecmp(value, "true", 4) == 0)
			return DETECT_UNSUBSCRIBE;
		break;
	case FN_X_MLSERVER:
	case FN_X_AMZ_SNS_MESSAGE_TYPE:
		return DETECT_BOUNCE_MAILER;
	case FN_OTHER:
		return detect_name(id, name, strlen(name));
	default:
		break;
	}
	return 0;
}

unsigned
detect_name(int id, const char *name, size_t nlen)
{
	char low[DETECT_BUF];
	size_t i;

	switch (id) {
	case FN_X_FAILED_RECIPIENTS:
		return DETECT_XFAILED;
	case FN_X_AUTOREPLY:
		return DETECT_AUTOREPLY;
	case FN_X_MLSERVER:
	case FN_X_AMZ_SNS_MESSAGE_TYPE:
		return DETECT_BOUNCE_MAILER;
	case FN_OTHER:
		/* X-Auto...reply...: an auto-reply; X-SES-...: Amazon SES */
		if (nlen < 6 || (name[0] != 'x' && name[0] != 'X'))
			break;
		if (fieldname_eq_words(name, "x-ses-", 6))
			return DETECT_BOUNCE_MAILER;
		if (!fieldname_eq_words(name, "x-auto", 6))
			break;
		/* "reply" in the name, cut as detect_lower() cuts */
		if (nlen > DETECT_BUF - 1)
			nlen = DETECT_BUF - 1;
		for (i = 0; i < nlen; i++)	/* as detect_lower() folds */
			low[i] = name[i] >= 'A' && name[i] <= 'Z' ?
				 (char)(name[i] + 'a' - 'A') : name[i];
		if (memmem(low, nlen, "reply", 5) != NULL)
			return DETECT_AUTOREPLY;
		break;
	default:
		break;
	}
	return 0;
}

unsigned
detect_field_nl(int id, const char *name, const char *value, size_t vlen,
		size_t nlf)
{
	switch (id) {
	case FN_FROM:
		return detect_value_lists_n(&detect_from_tab, value, vlen) != 0 ?
		       DETECT_FROM_DAEMON : 0;
	case FN_SUBJECT:
		return detect_subject(value, vlen, nlf == 0);
	case FN_CONTENT_TYPE:
		return detect_content_type(value, vlen);
	case FN_RETURN_PATH:
		return detect_sender_n(value, vlen);
	case FN_TO:			/* read for engine_lookup() only */
	case FN_CONTENT_TRANSFER_ENCODING:
		return 0;		/* (as detect_field() says) */
	default:
		return detect_field(id, name, value);
	}
}

unsigned
detect_header(const char *name, const char *value)
{
	return detect_field(fieldname_id(name, strlen(name)), name, value);
}

int
detect_eoh(unsigned sig)
{
	if (sig & DETECT_NOT_BOUNCE)
		return ENGINE_NOT_BOUNCE;
	if (sig & (DETECT_STRONG | DETECT_NULL_SENDER | DETECT_AUTO_REPLIED |
		   DETECT_AUTOREPLY | DETECT_REPORT_ARF | DETECT_REPORT |
		   DETECT_AUTO_GENERATED | DETECT_SUBJECT_FWD | DETECT_COMPLAINT |
		   DETECT_UNSUBSCRIBE))
		return ENGINE_MORE;
	if (sig & DETECT_SENDER_KNOWN)
		return ENGINE_NOT_BOUNCE;
	/* unknown sender: a single text part may still be a bounce */
	if (sig & DETECT_MULTIPART)
		return ENGINE_NOT_BOUNCE;
	return ENGINE_MORE;
}
