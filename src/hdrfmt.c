/*
 * NAME
 *	hdrfmt - the X-Bounce-* header block (our public interface)
 *
 * DESCRIPTION
 *	hdrfmt_build() turns a bt_result into the header fields that the
 *	milter adds and `bouncetag --format=headers` shows.  The block is in
 *	READING order: fields[0] is the one that should appear first (top) in
 *	the delivered message.  The milter inserts each field at index 0 with
 *	smfi_insheader(), so it must insert them last-to-first.
 *
 *	Reading order (each field only when its HDRFMT_* bit is set and it
 *	has a value):
 *	  <prefix>Checked-By            instance (host and version)
 *	  <prefix>Action                the policy action (when one is given)
 *	  <prefix>Class                 class of the recipient that matters most
 *	  <prefix>Reason, Status, Description, Recipient, Diagnostic,
 *	  <prefix>Remote-MTA, Original-Message-ID   (same recipient)
 *	  <prefix>Result                one per recipient, report order:
 *	      "<address>; class=C; reason=R; status=S; code=NNN"
 *	      (status/code "none" when missing; address "<>" when unknown;
 *	      "; synthetic=yes" appended when S is a made-up X.0.9NN code;
 *	      '<', '>', ';', '"', '=' and blanks in the address become '?').
 *	      At most max_results of them; then one more field
 *	      "truncated; N more" (or "truncated; more not read" when the
 *	      engine stopped reading recipients at its own cap).
 *	A non-bounce (class none) gets Checked-By, Action and "Class: none"
 *	only when tag_nonbounce is set; otherwise the block is empty.
 *
 *	Values are made safe by hdrfmt_safe_value(): control characters
 *	(CR, LF, NUL, tab, C1) become a space, runs of spaces collapse, bytes
 *	that are not valid UTF-8 become '?', the value is capped at max_value
 *	bytes (the cap is marked with "..."), and a value with non-ASCII text
 *	or with "=?" (which a decoder could read as an encoded word) is
 *	written whole as RFC 2047 encoded words (=?UTF-8?B?...?=).  Values are
 *	then folded with "\n\t" at spaces to keep lines under 78 characters
 *	where possible.
 *
 * MEMORY
 *	The block owns every name and value (heap); hdrfmt_block_free()
 *	frees them and leaves the block reusable.  The result is only read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "btconfig.h"
#include "hdrfmt.h"
#include "utf8.h"

#define HDRFMT_LINE_MAX	78	/* fold lines to stay under this */
#define HDRFMT_MIN_VALUE 16	/* a smaller max_value would be unreadable */
#define HDRFMT_EW_RAW	45	/* raw bytes per encoded word: 60 base64 + 12 = 72 */

void
hdrfmt_opts_default(hdrfmt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->prefix = "X-Bounce-";
	o->set = HDRFMT_ALL;
	o->instance = PACKAGE_NAME "/" PACKAGE_VERSION;
	o->max_results = 50;
	o->max_value = 512;
	o->tag_nonbounce = 0;
}

static const struct {
	const char *name;
	unsigned bit;
} hdrfmt_names[] = {
	{ "class", HDRFMT_CLASS },
	{ "reason", HDRFMT_REASON },
	{ "status", HDRFMT_STATUS },
	{ "description", HDRFMT_DESCRIPTION },
	{ "recipient", HDRFMT_RECIPIENT },
	{ "diagnostic", HDRFMT_DIAGNOSTIC },
	{ "remote-mta", HDRFMT_REMOTE_MTA },
	{ "original-message-id", HDRFMT_ORIG_MSGID },
	{ "result", HDRFMT_RESULT },
	{ "checked-by", HDRFMT_CHECKED_BY },
	{ "action", HDRFMT_ACTION },
	{ "all", HDRFMT_ALL },
};

int
hdrfmt_set_parse(const char *name, unsigned *bit)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(hdrfmt_names) / sizeof(hdrfmt_names[0]); i++) {
		if (strcasecmp(name, hdrfmt_names[i].name) == 0) {
			*bit = hdrfmt_names[i].bit;
			return 0;
		}
	}
	return -1;
}

int
hdrfmt_is_ours(const hdrfmt_opts *o, const char *name)
{
	const char *prefix = (o && o->prefix) ? o->prefix : "X-Bounce-";
	size_t n = strlen(prefix);

	if (name == NULL || n == 0)
		return 0;
	return strncasecmp(name, prefix, n) == 0;
}

/* Clean `in` into tmp (size >= max + 1): controls to one space, invalid
 * UTF-8 to '?', trimmed, capped at max bytes with "..." marking the cap.
 * Returns the length. */
static size_t
hdrfmt_clean(const char *in, size_t max, char *tmp)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), i = 0, j = 0, len;
	int space = 0, capped = 0;
	unsigned long cp;

	while (i < n) {
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0) {		/* invalid byte */
			cp = '?';
			len = 1;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    cp == ' ') {
			space = (j > 0);
			i += len;
			continue;
		}
		if (j + (size_t)space + len > max) {
			capped = 1;
			break;
		}
		if (space)
			tmp[j++] = ' ';
		space = 0;
		if (len == 1)
			tmp[j++] = (char)cp;	/* '?' for invalid bytes */
		else
			memcpy(tmp + j, s + i, len);
		j += (len == 1) ? 0 : len;
		i += len;
	}
	if (capped) {
		while (j > 0 && j + 3 > max)	/* room for "..." */
			j--;
		while (j > 0 && ((unsigned char)tmp[j] & 0xc0) == 0x80)
			j--;			/* back to a character start */
		while (j > 0 && tmp[j - 1] == ' ')
			j--;
		memcpy(tmp + j, "...", 3);
		j += 3;
	}
	tmp[j] = '\0';
	return j;
}

static const char hdrfmt_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of n bytes into out (room for 4*ceil(n/3)); returns the length. */
static size_t
hdrfmt_base64(const unsigned char *s, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = ((unsigned long)s[i] << 16) | ((unsigned long)s[i + 1] << 8) | s[i + 2];
		out[o++] = hdrfmt_b64[(v >> 18) & 63];
		out[o++] = hdrfmt_b64[(v >> 12) & 63];
		out[o++] = hdrfmt_b64[(v >> 6) & 63];
		out[o++] = hdrfmt_b64[v & 63];
	}
	if (i < n) {
		v = (unsigned long)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)s[i + 1] << 8;
		out[o++] = hdrfmt_b64[(v >> 18) & 63];
		out[o++] = hdrfmt_b64[(v >> 12) & 63];
		out[o++] = (i + 1 < n) ? hdrfmt_b64[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

/* Write s (n bytes, valid UTF-8) as space-separated encoded words; only
 * whole words that fit in outlen-1 are written.  Returns the length. */
static size_t
hdrfmt_encode(const char *s, size_t n, char *out, size_t outlen)
{
	char word[16 + 4 * HDRFMT_EW_RAW / 3 + 8];
	size_t i = 0, o = 0, take, wl;

	while (i < n) {
		take = n - i < HDRFMT_EW_RAW ? n - i : HDRFMT_EW_RAW;
		while (take > 1 && i + take < n &&
		       ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;			/* do not split a character */
		memcpy(word, "=?UTF-8?B?", 10);
		wl = 10 + hdrfmt_base64((const unsigned char *)s + i, take, word + 10);
		memcpy(word + wl, "?=", 2);
		wl += 2;
		if (o + (o > 0) + wl + 1 > outlen)
			break;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, word, wl);
		o += wl;
		i += take;
	}
	out[o] = '\0';
	return o;
}

size_t
hdrfmt_safe_value(const char *in, size_t max, char *out, size_t outlen)
{
	char *tmp;
	size_t n, i;
	int encode = 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (in == NULL)
		return 0;
	if (max == 0)
		max = strlen(in) + 3;
	if (max < HDRFMT_MIN_VALUE)
		max = HDRFMT_MIN_VALUE;
	if ((tmp = malloc(max + 1)) == NULL)
		return 0;
	n = hdrfmt_clean(in, max, tmp);
	for (i = 0; i < n; i++)
		if ((unsigned char)tmp[i] >= 0x80)
			encode = 1;
	if (strstr(tmp, "=?") != NULL)
		encode = 1;
	if (encode) {
		n = hdrfmt_encode(tmp, n, out, outlen);
	} else {
		if (n > outlen - 1)
			n = outlen - 1;
		memcpy(out, tmp, n);
		out[n] = '\0';
	}
	free(tmp);
	return n;
}

/* Fold a safe value (single spaces only) for a field whose name is namelen
 * long: a space becomes "\n\t" where the line would reach HDRFMT_LINE_MAX.
 * Returns a new string or NULL. */
static char *
hdrfmt_fold(const char *v, size_t namelen)
{
	size_t n = strlen(v), col = namelen + 2, i, o = 0, wl;
	char *out = malloc(2 * n + 2);
	const char *w, *sp;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; ) {
		w = v + i;
		sp = strchr(w, ' ');
		wl = sp ? (size_t)(sp - w) : strlen(w);
		if (o > 0) {		/* separator before this word */
			if (col + 1 + wl >= HDRFMT_LINE_MAX) {
				memcpy(out + o, "\n\t", 2);
				o += 2;
				col = 1;
			} else {
				out[o++] = ' ';
				col++;
			}
		}
		memcpy(out + o, w, wl);
		o += wl;
		col += wl;
		i += wl + (sp ? 1 : 0);
	}
	out[o] = '\0';
	return out;
}

/* Append prefix+suffix: value (made safe and folded). 0, or -1 on ENOMEM. */
static int
hdrfmt_add(hdrfmt_block *b, const hdrfmt_opts *o, const char *suffix,
	   const char *value)
{
	const char *prefix = o->prefix ? o->prefix : "X-Bounce-";
	size_t max = o->max_value ? o->max_value : 512, buflen, nl;
	char *buf, *name, *folded;
	hdrfmt_field *nf;

	if (value == NULL || value[0] == '\0')
		return 0;
	if (b->n == b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 16;
		if ((nf = realloc(b->f, na * sizeof(*nf))) == NULL)
			return -1;
		b->f = nf;
		b->alloc = na;
	}
	if (max < HDRFMT_MIN_VALUE)
		max = HDRFMT_MIN_VALUE;
	buflen = 2 * max + 64;
	nl = strlen(prefix) + strlen(suffix);
	if ((buf = malloc(buflen)) == NULL)
		return -1;
	hdrfmt_safe_value(value, max, buf, buflen);
	if (buf[0] == '\0') {
		free(buf);
		return 0;
	}
	folded = hdrfmt_fold(buf, nl);
	free(buf);
	if (folded == NULL || (name = malloc(nl + 1)) == NULL) {
		free(folded);
		return -1;
	}
	strcpy(name, prefix);
	strcat(name, suffix);
	b->f[b->n].name = name;
	b->f[b->n].value = folded;
	b->n++;
	return 0;
}

/* One X-Bounce-Result value for a recipient.  The address comes from the
 * bounce, so the characters that delimit this value's parts ('<', '>', ';',
 * '"', '=', white space) are replaced with '?': a forged address cannot add
 * parameters.  "; synthetic=yes" marks a made-up X.0.9NN status. */
static char *
hdrfmt_result_value(const bt_rcpt *rc)
{
	const char *addr = rc->recipient && rc->recipient[0] ? rc->recipient : "";
	size_t len = strlen(addr) + 160;
	char *v = malloc(len), *a, *p;

	if (v == NULL)
		return NULL;
	if ((a = strdup(addr)) == NULL) {
		free(v);
		return NULL;
	}
	for (p = a; *p != '\0'; p++)
		if (strchr("<>;\"= \t", *p) != NULL)
			*p = '?';
	snprintf(v, len, "<%s>; class=%s; reason=%s; status=%s; code=%s%s", a,
		 result_class_name(rc->cls), rc->reason ? rc->reason : "none",
		 rc->status[0] ? rc->status : "none",
		 rc->replycode[0] ? rc->replycode : "none",
		 rc->status[0] && rc->status_synthetic ? "; synthetic=yes" : "");
	free(a);
	return v;
}

static int
hdrfmt_results(const hdrfmt_opts *o, const bt_result *r, hdrfmt_block *out)
{
	size_t i, max = o->max_results ? o->max_results : 50;
	char more[64], *v;
	int rc;

	for (i = 0; i < r->nrcpt && i < max; i++) {
		if ((v = hdrfmt_result_value(&r->rcpt[i])) == NULL)
			return -1;
		rc = hdrfmt_add(out, o, "Result", v);
		free(v);
		if (rc < 0)
			return -1;
	}
	if (r->nrcpt > max)
		snprintf(more, sizeof(more), "truncated; %zu more", r->nrcpt - max);
	else if (r->caps_hit & BT_CAP_RCPTS)
		snprintf(more, sizeof(more), "truncated; more not read");
	else
		return 0;
	return hdrfmt_add(out, o, "Result", more);
}

static int
hdrfmt_top(const hdrfmt_opts *o, const bt_result *r, hdrfmt_block *out)
{
	const bt_rcpt *t = r->top < r->nrcpt ? &r->rcpt[r->top] : NULL;
	unsigned s = o->set;

	if ((s & HDRFMT_CLASS) && hdrfmt_add(out, o, "Class", result_class_name(r->cls)) < 0)
		return -1;
	if (t == NULL)
		return 0;
	if (((s & HDRFMT_REASON) && hdrfmt_add(out, o, "Reason", t->reason) < 0) ||
	    ((s & HDRFMT_STATUS) && hdrfmt_add(out, o, "Status", t->status) < 0) ||
	    ((s & HDRFMT_DESCRIPTION) && hdrfmt_add(out, o, "Description", t->description) < 0) ||
	    ((s & HDRFMT_RECIPIENT) && hdrfmt_add(out, o, "Recipient", t->recipient) < 0) ||
	    ((s & HDRFMT_DIAGNOSTIC) && hdrfmt_add(out, o, "Diagnostic", t->diagnostic) < 0) ||
	    ((s & HDRFMT_REMOTE_MTA) && hdrfmt_add(out, o, "Remote-MTA", t->remote_mta) < 0))
		return -1;
	return 0;
}

static int
hdrfmt_fill(const hdrfmt_opts *o, const bt_result *r, const char *action,
	    hdrfmt_block *out)
{
	int none = (r == NULL || r->cls == BT_CLASS_NONE);

	if (none && !o->tag_nonbounce)
		return 0;
	if ((o->set & HDRFMT_CHECKED_BY) &&
	    hdrfmt_add(out, o, "Checked-By", o->instance ? o->instance : PACKAGE_NAME) < 0)
		return -1;
	if ((o->set & HDRFMT_ACTION) && hdrfmt_add(out, o, "Action", action) < 0)
		return -1;
	if (none)
		return (o->set & HDRFMT_CLASS) ? hdrfmt_add(out, o, "Class", "none") : 0;
	if (hdrfmt_top(o, r, out) < 0)
		return -1;
	if ((o->set & HDRFMT_ORIG_MSGID) &&
	    hdrfmt_add(out, o, "Original-Message-ID", r->original_message_id) < 0)
		return -1;
	if ((o->set & HDRFMT_RESULT) && hdrfmt_results(o, r, out) < 0)
		return -1;
	return 0;
}

int
hdrfmt_build(const hdrfmt_opts *o, const bt_result *r, const char *action,
	     hdrfmt_block *out)
{
	hdrfmt_opts def;

	if (o == NULL) {
		hdrfmt_opts_default(&def);
		o = &def;
	}
	if (hdrfmt_fill(o, r, action, out) < 0) {
		hdrfmt_block_free(out);
		return -1;
	}
	return 0;
}

void
hdrfmt_block_free(hdrfmt_block *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->f[i].name);
		free(b->f[i].value);
	}
	free(b->f);
	b->f = NULL;
	b->n = 0;
	b->alloc = 0;
}
