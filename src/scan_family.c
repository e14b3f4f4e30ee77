/*
 * scan_family.c - report formats that the generic line shapes of
 * scan_find.c cannot read, recognised by their own boilerplate:
 *
 *   JSON notifications (Amazon SES via SNS): "bouncedRecipients" objects
 *   with "emailAddress" and "diagnosticCode", "delivery" recipients.
 *
 * Memory: candidates are stored in the scan_doc (see scan_int.h).
 */
#include <string.h>
#include <strings.h>

#include "scan_int.h"

/* The string value of "key" (quotes may be backslash-escaped) in
 * s[0..len): *v and *vlen, without the quotes. */
static int
scan_json_value(const char *s, size_t len, const char *key, const char **v,
    size_t *vlen)
{
	const char *p = scan_find(s, len, key), *end = s + len, *q;

	if (p == NULL)
		return 0;
	p += strlen(key);
	while (p < end && (*p == '\\' || *p == '"' || *p == ' ' || *p == ':'))
		p++;
	for (q = p; q < end && *q != '"' && *q != '}'; q++)
		if (*q == '\\' && q + 1 < end && q[1] == '"')
			break;
	*v = p;
	*vlen = (size_t)(q - p);
	return 1;
}

/* Amazon SES: each object of "bouncedRecipients" (or the "recipients" of a
 * delivery notification). */
static void
scan_family_ses(scan_doc *d)
{
	const char *t = d->in->text, *end = t + d->in->len, *p;
	int delivery = 0;

	p = scan_find(t, d->in->len, "bouncedRecipients");
	if (p == NULL) {
		p = scan_find(t, d->in->len, "notificationType");
		if (p == NULL || !scan_has(p, (size_t)(end - p) < 40 ?
		    (size_t)(end - p) : 40, "Delivery"))
			return;
		p = scan_find(p, (size_t)(end - p), "\"recipients");
		if (p == NULL)
			return;
		delivery = 1;
	}
	while (p < end) {
		const char *obj = memchr(p, '{', (size_t)(end - p)), *oend;
		const char *v;
		size_t vlen, off, alen;
		scan_cand *c;

		if (delivery) {
			if (!scan_addr_find(p, (size_t)(end - p), &off, &alen))
				return;
			c = scan_cand_add(d, p + off, alen, 2);
			if (c != NULL)
				c->delayed = -1;	/* delivered */
			return;
		}
		if (obj == NULL)
			return;
		oend = memchr(obj, '}', (size_t)(end - obj));
		if (oend == NULL || !scan_json_value(obj, (size_t)(oend - obj),
		    "emailAddress", &v, &vlen))
			return;
		if (!scan_addr_find(v, vlen, &off, &alen))
			return;
		c = scan_cand_add(d, v + off, alen, 2);
		if (c == NULL)
			return;
		if (scan_json_value(obj, (size_t)(oend - obj),
		    "diagnosticCode", &v, &vlen))
			scan_buf_add(&c->diag, v, vlen);
		p = oend + 1;
		if (p < end && *p != ',')
			return;
	}
}

void
scan_find_family(scan_doc *d)
{
	if (scan_has(d->in->text, d->in->len < 4096 ? d->in->len : 4096,
	    "\"notificationType"))
		scan_family_ses(d);
}
