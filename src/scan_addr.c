/*
 * scan_addr.c - e-mail addresses in the text of a bounce: the first
 * well-formed one in a string (or the one at its start), and whether an
 * address is one of those that are never a failed recipient (the
 * report's own, mailer-daemons).
 *
 * Memory: nothing is allocated; results are offsets into the caller's text
 * (scan_addr_skipped() keeps where the report's own addresses are in the
 * scan_doc).
 */
#include <string.h>

#include "scan_int.h"


/* What a byte may be in an address (the C locale's isalnum() and the
 * specials of RFC 5322's atext), as a table: the address scan reads the
 * bytes around every '@' one by one. */
#define SCAN_ALNUM(c)	(((c) >= '0' && (c) <= '9') || ((c) >= 'A' && (c) <= 'Z') || \
			 ((c) >= 'a' && (c) <= 'z'))
#define SCAN_ATEXT(c)	((c) == '.' || (c) == '!' || (c) == '#' || (c) == '$' || \
			 (c) == '%' || (c) == '&' || (c) == '\'' || (c) == '*' || \
			 (c) == '+' || (c) == '/' || (c) == '=' || (c) == '?' || \
			 (c) == '^' || (c) == '_' || (c) == '`' || (c) == '{' || \
			 (c) == '|' || (c) == '}' || (c) == '~' || (c) == '-')
#define SCAN_AC(c)	((SCAN_ALNUM(c) || SCAN_ATEXT(c) ? SCAN_LOCAL : 0) | \
			 (SCAN_ALNUM(c) || (c) == '-' || (c) == '.' ? SCAN_DOMAIN : 0))
#define SCAN_AC4(c)	SCAN_AC(c), SCAN_AC((c) + 1), SCAN_AC((c) + 2), SCAN_AC((c) + 3)
#define SCAN_AC16(c)	SCAN_AC4(c), SCAN_AC4((c) + 4), SCAN_AC4((c) + 8), \
			SCAN_AC4((c) + 12)
#define SCAN_AC64(c)	SCAN_AC16(c), SCAN_AC16((c) + 16), SCAN_AC16((c) + 32), \
			SCAN_AC16((c) + 48)
enum { SCAN_LOCAL = 1, SCAN_DOMAIN = 2 };
static const unsigned char scan_addr_char[256] = {
	SCAN_AC64(0), SCAN_AC64(64), SCAN_AC64(128), SCAN_AC64(192)
};

/* A byte of a local part (unquoted). */
static int
scan_local_char(int c)
{
	return scan_addr_char[c] & SCAN_LOCAL;
}

/* A byte of a domain. */
static int
scan_domain_char(int c)
{
	return scan_addr_char[c] & SCAN_DOMAIN;
}

/* Is s[0..len) a plausible domain: labels of letters, digits and '-',
 * at least two labels, none longer than 63, the last one alphabetic (two
 * letters at least).  Label by label, each found with memchr(). */
static int
scan_domain_ok(const char *s, size_t len)
{
	const char *p = s, *e = s + len, *dot;
	int dots = 0;

	if (len < 3 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	while ((dot = memchr(p, '.', (size_t)(e - p))) != NULL) {
		if (dot == p || dot - p > 63)
			return 0;	/* an empty or too long label */
		dots++;
		p = dot + 1;
	}
	if (dots == 0 || e - p < 2 || e - p > 63)
		return 0;
	for (; p < e; p++)
		if (!SCAN_IS_ALPHA(*p))
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

/*
 * The length of the address that scan_addr_find(p, end - p) finds at
 * offset 0, or 0 when it finds none there (or finds one further on).
 * Most lines of prose fail at their first word: a quoted local part
 * ('"') is left to scan_addr_find(); else the bytes before the first '@'
 * must all be local-part bytes.  Then that '@' is scan_addr_find()'s first
 * candidate, with the local part p[a..k) (a: the leading dots, which only
 * give an offset > 0) and no quote before it ('"' is no local-part byte);
 * any later candidate's local part starts after this '@' (no local-part
 * byte either), at an offset > 0.  So only that candidate is tested, as
 * scan_addr_find() tests it, without the search for its '@' and the walk
 * back over its local part.
 */
size_t
scan_addr_at(const char *p, const char *end)
{
	size_t len = (size_t)(end - p), k = 0, b, off, n;

	if (len > 0 && *p == '"')
		return scan_addr_find(p, len, &off, &n) && off == 0 ? n : 0;
	while (k < len && scan_local_char((unsigned char)p[k]))
		k++;
	if (k == 0 || k == len || p[k] != '@' || p[0] == '.')
		return 0;
	b = k + 1;
	while (b < len && scan_domain_char((unsigned char)p[b]))
		b++;
	while (b > k + 1 && (p[b - 1] == '.' || p[b - 1] == '-'))
		b--;
	if (b > SCAN_MAX_ADDR || !scan_domain_ok(p + k + 1, b - k - 1))
		return 0;
	return b;
}

/* Addresses that are not failed recipients: mailer-daemon mailboxes and
 * the report's own From; when strict, also the report's To and the
 * envelope sender (a sender may bounce to itself, so a line in an
 * anchored shape may still name them). */
int
scan_addr_skipped(scan_doc *d, const char *a, size_t alen, int strict)
{
	size_t i;

	if (alen >= 14 && scan_eq_fold(a, "mailer-daemon@", 14))
		return 1;
	if (d->skip_ready < (strict ? 2 : 1))
		scan_skip_ready(d, strict);
	for (i = 0; i < d->nskip; i++) {
		const char *v = d->skip_v[i];
		if (!strict && d->skip_soft[i])
			continue;
		if (d->skip_state[i] == 0) {
			/* The first address of the value can be a only if
			 * the value holds a (any case): most candidates are
			 * told apart so, without finding that address. */
			if (alen > d->skip_vlen[i] ||
			    scan_find_n(v, d->skip_vlen[i], a, alen) == NULL)
				continue;
			d->skip_state[i] = scan_addr_find(v, d->skip_vlen[i],
			    &d->skip_off[i], &d->skip_len[i]) ? 1 : 2;
		}
		if (d->skip_state[i] == 1 && d->skip_len[i] == alen &&
		    scan_eq_fold(a, v + d->skip_off[i], alen))
			return 1;
	}
	return 0;
}
