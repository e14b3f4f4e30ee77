/*
 * scan_util.c - helpers of the text scanner: splitting the text into lines,
 * finding where the returned message starts, case-insensitive search (one
 * needle: scan_find(), 16 positions at a time; many phrases in one pass:
 * scan_set), recognising an e-mail address, an SMTP reply code, an enhanced
 * status code and the remote host in a line, and a capped string builder.
 *
 * Speed: the scanner reads every line of a report several times, so these
 * helpers are its cost.  Each keeps the meaning of the plain loop it
 * replaced (ASCII case folding as strncasecmp() in the C locale, the same
 * first match); the tricks are commented where they are.
 *
 * Memory: scan_doc_init() allocates the line array and candidate array of a
 * scan_doc; scan_doc_free() releases them and every candidate's buffer.
 * Lines point into the caller's text, which must outlive the scan_doc.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"

/* Lines (trimmed, any case) that start the copy of the returned message.
 * A line is compared after its leading '-', '=', ' ' and '|' are dropped,
 * so the phrases are written without them ("----- Original message -----"
 * is "original message -----"). */
static const struct scan_str scan_cut_phrases[] = {
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
static const struct scan_str scan_cut_fields[] = {
	SCAN_STR("received: "), SCAN_STR("return-path:"),
	SCAN_STR("dkim-signature:"), SCAN_STR("x-received:"),
	SCAN_STR("arc-seal:"), SCAN_STR("delivered-to:"), { NULL, 0 }
};

/* Does s[0..len) start with one of the strings of list (any case)?  The
 * first byte is compared before the call: most lines fail there. */
int
scan_starts_any(const char *s, size_t len, const struct scan_str *list)
{
	unsigned char c;
	size_t i;

	if (len == 0)
		return 0;
	c = scan_lower[(unsigned char)*s];
	for (i = 0; list[i].s != NULL; i++)
		if ((unsigned char)list[i].s[0] == c && len >= list[i].n &&
		    scan_eq_fold(s, list[i].s, list[i].n))
			return (int)i + 1;
	return 0;
}

int
scan_line_blank(const scan_line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->s[i]))
			return 0;
	return 1;
}

void
scan_trim(const char **s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/*
 * Case-insensitive search, as strncasecmp() at every position would do in
 * the C locale (ASCII letters only).  It was the hot spot of the whole
 * program: the scanner looks for many phrases in every text and line.
 *
 * The trick (W. Mula's "SIMD-friendly" substring search): test 16
 * positions at once for the needle's first AND last byte, and compare the
 * whole needle only where both match.  A letter is matched in any case by
 * OR-ing 0x20 into the text byte ('A' | 0x20 == 'a'); that also lets a few
 * non-letters through ('@' | 0x20 == '`'), which the full comparison then
 * rejects.  Without SSE2, or near the end of the text, a plain loop.
 */
#define SCAN_LOW(c)	((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define SCAN_LOW4(c)	SCAN_LOW(c), SCAN_LOW((c) + 1), SCAN_LOW((c) + 2), \
			SCAN_LOW((c) + 3)
#define SCAN_LOW16(c)	SCAN_LOW4(c), SCAN_LOW4((c) + 4), SCAN_LOW4((c) + 8), \
			SCAN_LOW4((c) + 12)
#define SCAN_LOW64(c)	SCAN_LOW16(c), SCAN_LOW16((c) + 16), \
			SCAN_LOW16((c) + 32), SCAN_LOW16((c) + 48)

/* ASCII lower case of every byte (tolower() of the C locale). */
const unsigned char scan_lower[256] = {
	SCAN_LOW64(0), SCAN_LOW64(64), SCAN_LOW64(128), SCAN_LOW64(192)
};

#ifdef __SSE2__
#include <emmintrin.h>

/* Byte c of the needle as a (mask, value) pair: (x | mask) == value. */
static void
scan_simd_byte(unsigned char c, __m128i *mask, __m128i *value)
{
	int letter = scan_lower[c] >= 'a' && scan_lower[c] <= 'z';

	*mask = _mm_set1_epi8(letter ? 0x20 : 0);
	*value = _mm_set1_epi8((char)(letter ? scan_lower[c] : c));
}

/* The first candidate position >= *start found 16 at a time; returns the
 * match or NULL, and leaves *start where the plain loop must go on. */
static const char *
scan_find_simd(const char *s, size_t len, const char *needle, size_t n,
    size_t *start)
{
	__m128i fm, fv, lm, lv;
	size_t i;

	scan_simd_byte((unsigned char)needle[0], &fm, &fv);
	scan_simd_byte((unsigned char)needle[n - 1], &lm, &lv);
	for (i = 0; i + n - 1 + 16 <= len; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i + n - 1));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(_mm_or_si128(a, fm), fv),
		    _mm_cmpeq_epi8(_mm_or_si128(b, lm), lv)));

		while (m != 0) {
			size_t k = (size_t)__builtin_ctz(m);
			if (scan_eq_fold(s + i + k, needle, n))
				return s + i + k;
			m &= m - 1;
		}
	}
	*start = i;
	return NULL;
}
#endif

const char *
scan_find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i = 0;
	unsigned char f;

	if (n == 0 || n > len)
		return NULL;
#ifdef __SSE2__
	{
		const char *p = scan_find_simd(s, len, needle, n, &i);
		if (p != NULL)
			return p;
	}
#endif
	f = scan_lower[(unsigned char)needle[0]];
	for (; i + n <= len; i++)
		if (scan_lower[(unsigned char)s[i]] == f &&
		    scan_eq_fold(s + i, needle, n))
			return s + i;
	return NULL;
}


/* --- phrase sets ------------------------------------------------------------
 * Every position of the text is a possible start of every phrase.  A
 * filter spares nearly all of them a comparison: the four bytes there, in
 * lower case, kept as one number while the window slides one byte at a
 * time, are hashed into a bitmap of the hashes of the phrases' first four
 * bytes.  Where the bit is set, the phrases that start with that byte are
 * compared.
 */
#define SCAN_HASH(w)	((uint32_t)((w) * 2654435761u) >> 20)	/* 12 bits */

static pthread_mutex_t scan_set_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t
scan_set_word(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	return (uint32_t)scan_lower[u[0]] << 24 |
	    (uint32_t)scan_lower[u[1]] << 16 |
	    (uint32_t)scan_lower[u[2]] << 8 | scan_lower[u[3]];
}

/* Build the tables once: double-checked with an atomic flag, as sets are
 * static and engines may run on several threads. */
static void
scan_set_ready(scan_set *set)
{
	size_t k, n;

	if (__atomic_load_n(&set->ready, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&scan_set_lock);
	if (!set->ready) {
		for (k = 0; set->word[k] != NULL; k++) {
			uint32_t h;
			n = strlen(set->word[k]);
			if (k >= SCAN_SET_MAX || n < SCAN_SET_MIN || n > 255)
				abort();	/* a bug in a phrase list */
			set->len[k] = (unsigned char)n;
			h = SCAN_HASH(scan_set_word(set->word[k]));
			set->bits[h >> 3] |= (unsigned char)(1u << (h & 7));
			set->first[scan_lower[(unsigned char)set->word[k][0]]]
			    |= (uint64_t)1 << k;
		}
		set->n = k;
		__atomic_store_n(&set->ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&scan_set_lock);
}

/* The phrases found in s[0..len): all of them (all), or the first one
 * (its bit, *pos its offset; the lowest index at the same position). */
static uint64_t
scan_set_scan(scan_set *set, const char *s, size_t len, int all, size_t *pos)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t found = 0, m, hit;
	uint32_t w, h;
	size_t i;

	scan_set_ready(set);
	if (len < SCAN_SET_MIN)
		return 0;
	w = scan_set_word(s) >> 8;	/* three bytes; the loop adds one */
	for (i = 0; i + SCAN_SET_MIN <= len; i++) {
		w = w << 8 | scan_lower[u[i + 3]];
		h = SCAN_HASH(w);
		if (!(set->bits[h >> 3] & (1u << (h & 7))))
			continue;
		hit = 0;
		for (m = set->first[w >> 24]; m != 0; m &= m - 1) {
			unsigned k = (unsigned)__builtin_ctzll(m);
			if (set->len[k] <= len - i &&
			    scan_eq_fold(s + i, set->word[k], set->len[k]))
				hit |= (uint64_t)1 << k;
		}
		if (hit != 0 && !all) {
			*pos = i;
			return hit & (~hit + 1);	/* the lowest bit */
		}
		found |= hit;
	}
	return found;
}

int
scan_set_find(scan_set *set, const char *s, size_t len, const char **at)
{
	size_t pos = 0;
	uint64_t m = scan_set_scan(set, s, len, 0, &pos);

	if (m == 0)
		return -1;
	if (at != NULL)
		*at = s + pos;
	return __builtin_ctzll(m);
}

uint64_t
scan_set_mask(scan_set *set, const char *s, size_t len)
{
	return scan_set_scan(set, s, len, 1, NULL);
}

int
scan_has(const char *s, size_t len, const char *needle)
{
	return scan_find(s, len, needle) != NULL;
}

static int
scan_is_cut(const scan_line *l)
{
	const char *s = l->s;
	size_t len = l->len;

	if (scan_starts_any(s, len, scan_cut_fields))
		return 1;
	scan_trim(&s, &len);
	while (len > 0 && (*s == '-' || *s == '=' || *s == ' ' || *s == '|')) {
		s++;
		len--;
	}
	return scan_starts_any(s, len, scan_cut_phrases);
}

static void
scan_skip_add(scan_doc *d, const char *v, int soft)
{
	size_t off, alen, i;

	if (v == NULL || d->nskip >= SCAN_MAX_SKIP)
		return;
	if (!scan_addr_find(v, strlen(v), &off, &alen))
		return;
	for (i = 0; i < alen; i++)
		d->skip[d->nskip][i] = (char)tolower((unsigned char)v[off + i]);
	d->skip[d->nskip][alen] = '\0';
	d->skip_soft[d->nskip] = soft;
	d->nskip++;
}

static int
scan_split(scan_doc *d)
{
	const char *t = d->in->text, *end = t + d->in->len, *p;
	size_t n = 1;

	for (p = t; n < SCAN_MAX_LINES &&
	    (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	d->line = calloc(n, sizeof(*d->line));
	if (d->line == NULL)
		return -1;
	d->nline = n;
	d->cut = (size_t)-1;		/* not found yet */
	n = 0;
	while (t < end && n < d->nline) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		size_t len = nl ? (size_t)(nl - t) : (size_t)(end - t);
		const char *s = t;
		if (len > 0 && t[len - 1] == '\r')
			len--;
		/* a forwarded report quoted with "> " */
		while (len > 0 && *s == '>' && (len == 1 || s[1] == ' ')) {
			s += len == 1 ? 1 : 2;
			len -= len == 1 ? 1 : 2;
		}
		d->line[n].s = s;
		d->line[n].len = len;
		if (d->cut == (size_t)-1 && scan_is_cut(&d->line[n]))
			d->cut = n;
		n++;
		t = nl ? nl + 1 : end;
		/* of the returned message only its first lines are read
		 * (scan_returned_to): the rest is not split */
		if (d->cut != (size_t)-1 && n > d->cut + SCAN_AFTER_CUT)
			break;
	}
	d->nline = n;
	if (d->cut == (size_t)-1)
		d->cut = n;
	return 0;
}

int
scan_doc_init(scan_doc *d, const scan_input *in, const bt_caps *caps,
    const bt_result *r)
{
	memset(d, 0, sizeof(*d));
	d->in = in;
	d->caps = caps;
	d->family = "text";
	if (in->header != NULL) {
		scan_skip_add(d, in->header(in->ctx, "From"), 0);
		scan_skip_add(d, in->header(in->ctx, "To"), 1);
	}
	if (r != NULL) {
		scan_skip_add(d, r->sender, 1);
		scan_skip_add(d, r->from, 0);
	}
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
	free(d->cand);
	free(d->line);
	scan_buf_free(&d->global);
	d->cand = NULL;
	d->line = NULL;
}

/* --- addresses ----------------------------------------------------------- */

static int
scan_local_char(int c)
{
	return isalnum(c) || (c != 0 && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static int
scan_domain_char(int c)
{
	return isalnum(c) || c == '-' || c == '.';
}

/* Is s[0..len) a plausible domain: labels of letters, digits and '-',
 * at least two labels, the last one alphabetic. */
static int
scan_domain_ok(const char *s, size_t len)
{
	size_t i, lab = 0, dots = 0, last = 0;

	if (len < 3 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (lab == 0)
				return 0;
			dots++;
			lab = 0;
			last = i + 1;
		} else if (++lab > 63)
			return 0;
	}
	if (dots == 0 || len - last < 2)
		return 0;
	for (i = last; i < len; i++)
		if (!isalpha((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Find the first well-formed address in s[0..len): *off, *alen. */
int
scan_addr_find(const char *s, size_t len, size_t *off, size_t *alen)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t a, b;
		const char *at = memchr(s + i, '@', len - i);	/* the next '@' */
		if (at == NULL)
			return 0;
		i = (size_t)(at - s);
		a = i;
		if (i > 1 && s[i - 1] == '"') {
			/* "quoted local part"@domain */
			a = i - 1;
			while (a > 0 && s[a - 1] != '"' && s[a - 1] != '<' &&
			    i - a < 64)
				a--;
			if (a > 0 && s[a - 1] == '"' && a + 1 < i)
				a--;
			else
				a = i;
		}
		if (a == i) {
			while (a > 0 && scan_local_char((unsigned char)s[a - 1]))
				a--;
			while (a < i && s[a] == '.')
				a++;
		}
		b = i + 1;
		while (b < len && scan_domain_char((unsigned char)s[b]))
			b++;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a == i || b - a > SCAN_MAX_ADDR)
			continue;
		if (!scan_domain_ok(s + i + 1, b - i - 1))
			continue;
		*off = a;
		*alen = b - a;
		return 1;
	}
	return 0;
}

/* Addresses that are not failed recipients: mailer-daemon mailboxes and
 * the report's own From; when strict, also the report's To and the
 * envelope sender (a sender may bounce to itself, so a line in an
 * anchored shape may still name them). */
int
scan_addr_skipped(const scan_doc *d, const char *a, size_t alen, int strict)
{
	size_t i;

	if (alen >= 14 && strncasecmp(a, "mailer-daemon@", 14) == 0)
		return 1;
	for (i = 0; i < d->nskip; i++)
		if ((strict || !d->skip_soft[i]) && strlen(d->skip[i]) == alen &&
		    strncasecmp(d->skip[i], a, alen) == 0)
			return 1;
	return 0;
}

/* --- codes ---------------------------------------------------------------- */

/* First SMTP reply code 2xx-5xx standing alone ("550 ", "550-", "550\0",
 * "550]"), not part of a number, an IP address or a status code. */
int
scan_reply_code(const char *s, char out[4])
{
	const char *p;

	for (p = s; *p; p++) {
		if (p[0] < '2' || p[0] > '5' || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.' ||
		    p[-1] == '-' || p[-1] == '=' || p[-1] == '/'))
			continue;
		if (p > s && p[-1] == '#' && p[3] != ' ')
			continue;	/* "#550 5.1.1" is Exchange's reply */
		if (p[3] != '\0' && p[3] != ' ' && p[3] != '-' && p[3] != ']' &&
		    p[3] != ')' && p[3] != '\'' && p[3] != ',' && p[3] != '"' &&
		    p[3] != ';' && p[3] != ':')
			continue;
		if (p[3] == '-' && !isdigit((unsigned char)p[4]) &&
		    !isspace((unsigned char)p[4]) && p[4] != '\0' &&
		    p[4] != '\'' && !isalpha((unsigned char)p[4]))
			continue;
		if (p[3] == ':' && isdigit((unsigned char)p[4]))
			continue;	/* a time of day */
		memcpy(out, p, 3);
		out[3] = '\0';
		return 1;
	}
	return 0;
}

/* First enhanced status code class.subject.detail, class 2, 4 or 5. */
int
scan_status_code(const char *s, char out[16])
{
	const char *p;

	for (p = s; *p; p++) {
		const char *q;
		size_t n1 = 0, n2 = 0;
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		q = p + 2;
		while (isdigit((unsigned char)*q) && n1 < 4) {
			q++;
			n1++;
		}
		if (n1 == 0 || n1 > 3 || *q != '.')
			continue;
		q++;
		while (isdigit((unsigned char)q[n2]) && n2 < 4)
			n2++;
		if (n2 == 0 || n2 > 3)
			continue;
		q += n2;
		if (*q == '.' && isdigit((unsigned char)q[1]))
			continue;	/* an IP address or a version */
		if (isalnum((unsigned char)*q))
			continue;
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		return 1;
	}
	return 0;
}

/* The host that replied: "host NAME[ip] said", "host NAME [ip]:",
 * "remote host NAME said", "while talking to NAME:", "Server NAME[ip]",
 * "SMTP Server <NAME>", "host: NAME", "connect to NAME[ip]:25". */
int
scan_remote_mta(const char *s, char *out, size_t outlen)
{
	static const char *const intro[] = {
		"remote host ", "while talking to ", "host: ", "host ",
		"server ", "connect to ", NULL
	};
	size_t i;

	for (i = 0; intro[i] != NULL; i++) {
		const char *p = s;
		while ((p = scan_find(p, strlen(p), intro[i])) != NULL) {
			const char *h = p + strlen(intro[i]);
			size_t n = 0;
			if (p > s && isalnum((unsigned char)p[-1])) {
				p++;
				continue;
			}
			if (*h == '<')
				h++;
			while (h[n] && (isalnum((unsigned char)h[n]) ||
			    h[n] == '.' || h[n] == '-' || h[n] == '_'))
				n++;
			while (n > 0 && h[n - 1] == '.')
				n--;
			if (n >= 3 && memchr(h, '.', n) != NULL &&
			    n < outlen) {
				memcpy(out, h, n);
				out[n] = '\0';
				return 1;
			}
			p++;
		}
	}
	return 0;
}

/* Can s hold a reply code or a status code?  Both start with a digit 2 to
 * 5: most lines of prose have none, and strpbrk() finds that out faster
 * than the two scans would. */
static int
scan_has_codes(const char *s)
{
	return strpbrk(s, "2345") != NULL;
}

/* Does a sentence that names an address say that delivery to it failed?
 * Stricter than scan_is_error_text(): used where any address in any mail
 * would otherwise do (a line of prose naming the recipient). */
static const char *const scan_failure_words[] = {
	"unknown", "not found", "no such", "rejected", "refused",
	"denied", "invalid", "not exist", "doesn't exist", "full",
	"quota", "failed", "failure", "not be delivered",
	"not delivered", "wasn't delivered", "undeliverable",
	"unable to deliver", "could not deliver", "couldn't deliver",
	"error delivering", "blocked", "disabled", "suspended",
	"expired", "not a member", "bounced", "exceeds", "exceeded",
	"not accept", "unrouteable", "not listed", "locked",
	"malformed", "permission", "not reachable", "unreachable",
	NULL
};
static scan_set scan_failure_set = SCAN_SET(scan_failure_words);

/* A reply or status code in s, or one of the words of set. */
static int
scan_has_code_or_word(const char *s, scan_set *set)
{
	char c[4], st[16];

	if (s == NULL || *s == '\0')
		return 0;
	if (scan_has_codes(s) && (scan_reply_code(s, c) ||
	    scan_status_code(s, st)))
		return 1;
	return scan_set_find(set, s, strlen(s), NULL) >= 0;
}

int
scan_is_failure_text(const char *s)
{
	return scan_has_code_or_word(s, &scan_failure_set);
}

/* Does the text look like an error (a code, or a typical word)? */
static const char *const scan_error_words[] = {
	"unknown", "not found", "no such", "rejected", "refused",
	"denied", "invalid", "does not exist", "doesn't exist", "full",
	"quota", "failed", "error", "not accept", "blocked", "disabled",
	"unavailable", "timed out", "timeout", "not allowed", "exceed",
	"too ", "spam", "policy", "unrouteable", "not listed",
	"suspend", "inactive", "expired", "lookup", "loop", "virus",
	"not permitted", "blacklist", "blocklist", "deferred",
	"not valid", "deactivated", "unable", "cannot", "can't",
	"retry", "relay", "mailbox", "user", "host", "domain",
	"not be delivered", "undeliverable", "could not", "couldn't",
	"wasn't delivered", "not delivered", "not a member",
	"malformed", "syntax", "locked", "bounce", "permission",
	"not exist",
	NULL
};
static scan_set scan_error_set = SCAN_SET(scan_error_words);

int
scan_is_error_text(const char *s)
{
	return scan_has_code_or_word(s, &scan_error_set);
}

/* The SMTP command a sentence says the error came after. */
static const char *const scan_cmd_words[] = {
	"end of data", "final data", "in reply to data", "sent the message",
	"rcpt to", "rcpt_to", "does not like recipient",
	"mail from", "sender was rejected",
	"initial connection",
	"my name was rejected",
	NULL
};
static const char *const scan_cmd_of[] = {	/* by index in the list */
	"DATA", "DATA", "DATA", "DATA",
	"RCPT", "RCPT", "RCPT",
	"MAIL", "MAIL",
	"CONN",
	"HELO",
};
static scan_set scan_cmd_set = SCAN_SET(scan_cmd_words);

/* The command named first in s[0..len), or NULL. */
const char *
scan_cmd_phrase(const char *s, size_t len)
{
	int k = scan_set_find(&scan_cmd_set, s, len, NULL);

	return k >= 0 ? scan_cmd_of[k] : NULL;
}

/* --- capped string builder ------------------------------------------------ */

/* Bytes that scan_buf_add() turns into one space: isspace() of the C
 * locale, and NUL. */
#define SCAN_BL(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\v' || \
			 (c) == '\f' || (c) == '\r' || (c) == '\0')
#define SCAN_BL4(c)	SCAN_BL(c), SCAN_BL((c) + 1), SCAN_BL((c) + 2), \
			SCAN_BL((c) + 3)
#define SCAN_BL16(c)	SCAN_BL4(c), SCAN_BL4((c) + 4), SCAN_BL4((c) + 8), \
			SCAN_BL4((c) + 12)
#define SCAN_BL64(c)	SCAN_BL16(c), SCAN_BL16((c) + 16), \
			SCAN_BL16((c) + 32), SCAN_BL16((c) + 48)
static const unsigned char scan_blank[256] = {
	SCAN_BL64(0), SCAN_BL64(64), SCAN_BL64(128), SCAN_BL64(192)
};

/* Append s[0..len) trimmed, separated from what is there by one space;
 * runs of white space become one space. */
void
scan_buf_add(scan_buf *b, const char *s, size_t len)
{
	size_t i, j;
	int sp;

	scan_trim(&s, &len);
	if (len == 0 || b->trunc)
		return;
	if (b->p == NULL) {
		b->p = malloc(b->cap + 1);
		if (b->p == NULL) {
			b->trunc = 1;
			return;
		}
		b->len = 0;
		b->p[0] = '\0';
	}
	sp = b->len > 0;
	for (i = 0; i < len; i = j) {
		size_t k;
		if (scan_blank[(unsigned char)s[i]]) {
			sp = 1;
			j = i + 1;
			continue;
		}
		/* a run of other bytes, copied at once after one space */
		for (j = i; j < len && !scan_blank[(unsigned char)s[j]]; j++)
			;
		if (b->len + (size_t)sp + 1 > b->cap) {
			b->trunc = 1;
			break;
		}
		if (sp)
			b->p[b->len++] = ' ';
		sp = 0;
		k = j - i < b->cap - b->len ? j - i : b->cap - b->len;
		memcpy(b->p + b->len, s + i, k);
		b->len += k;
		if (k < j - i) {
			b->trunc = 1;
			break;
		}
	}
	b->p[b->len] = '\0';
}

void
scan_buf_free(scan_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->trunc = 0;
}
