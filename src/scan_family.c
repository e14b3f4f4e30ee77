/*
 * scan_family.c - report formats that the generic line shapes of
 * scan_find.c cannot read, recognised by their own boilerplate:
 *
 *   JSON notifications (Amazon SES through SNS): "notificationType" Bounce
 *   with "bouncedRecipients" objects ("emailAddress", "status",
 *   "diagnosticCode"), Complaint with "complainedRecipients" (and
 *   "complaintFeedbackType"), Delivery with "recipients".
 *
 * Memory: candidates are stored in the scan_doc (see scan_int.h).
 */
#include <string.h>
#include <strings.h>

#include "scan_int.h"

#define SCAN_JSON_WINDOW 4096	/* where "notificationType" must appear */

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

/* Each object of the array that follows `key`: a candidate of `kind`. */
static void
scan_json_rcpts(scan_doc *d, const char *p, const char *end, int kind)
{
	while (p < end) {
		const char *obj = memchr(p, '{', (size_t)(end - p)), *oend;
		const char *v;
		size_t vlen, off, alen;
		scan_cand *c;

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
		c->kind = kind;
		if (scan_json_value(obj, (size_t)(oend - obj),
		    "diagnosticCode", &v, &vlen))
			scan_buf_add(&c->diag, v, vlen);
		if (scan_json_value(obj, (size_t)(oend - obj), "\"status",
		    &v, &vlen) && vlen < sizeof(c->status)) {
			memcpy(c->status, v, vlen);
			c->status[vlen] = '\0';
		}
		p = oend + 1;
		while (p < end && (*p == '\\' || *p == '"' || *p == ' '))
			p++;
		if (p >= end || *p != ',')
			return;
	}
}

/* A Delivery notification: the addresses of its "recipients" array. */
static void
scan_json_delivered(scan_doc *d, const char *p, const char *end)
{
	const char *close = memchr(p, ']', (size_t)(end - p)), *v;
	size_t off, alen, vlen;
	int has_reply = scan_json_value(p, (size_t)(end - p), "smtpResponse",
	    &v, &vlen);

	if (close == NULL)
		return;
	while (p < close && scan_addr_find(p, (size_t)(close - p), &off,
	    &alen)) {
		scan_cand *c = scan_cand_add(d, p + off, alen, 2);
		if (c == NULL)
			return;
		c->kind = SCAN_KIND_DELIVERED;
		if (has_reply)
			scan_buf_add(&c->diag, v, vlen);
		p += off + alen;
	}
}

static void
scan_family_ses(scan_doc *d)
{
	const char *t = d->in->text, *end = t + d->in->len, *p, *v;
	size_t vlen;

	if (!scan_json_value(t, d->in->len, "notificationType", &v, &vlen))
		return;
	d->family = "amazonses";
	if (vlen >= 6 && strncasecmp(v, "Bounce", 6) == 0) {
		p = scan_find(t, d->in->len, "bouncedRecipients");
		if (p != NULL)
			scan_json_rcpts(d, p, end, SCAN_KIND_FAILED);
	} else if (vlen >= 9 && strncasecmp(v, "Complaint", 9) == 0) {
		p = scan_find(t, d->in->len, "complainedRecipients");
		if (p != NULL)
			scan_json_rcpts(d, p, end, SCAN_KIND_COMPLAINT);
		if (scan_json_value(t, d->in->len, "complaintFeedbackType",
		    &v, &vlen) && vlen < sizeof(d->feedback)) {
			memcpy(d->feedback, v, vlen);
			d->feedback[vlen] = '\0';
		} else
			strcpy(d->feedback, "abuse");
	} else if (vlen >= 8 && strncasecmp(v, "Delivery", 8) == 0) {
		p = scan_find(t, d->in->len, "\"recipients");
		if (p != NULL)
			scan_json_delivered(d, p, end);
	}
}

void
scan_find_family(scan_doc *d)
{
	if (scan_has(d->in->text, d->in->len < SCAN_JSON_WINDOW ?
	    d->in->len : SCAN_JSON_WINDOW, "\"notificationType"))
		scan_family_ses(d);
}
