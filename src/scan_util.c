/*
 * scan_util.c - the text scanner's view of the text: splitting it into
 * lines, finding where the returned message starts, the addresses that
 * are never recipients, and small line helpers (trim, blank, starts with).
 * The other helpers are by job: scan_search.c (case-insensitive search),
 * scan_addr.c (addresses), scan_code.c (codes, remote host, error words),
 * scan_buf.c (the capped string builder).
 *
 * Memory: scan_doc_init() allocates the line array and candidate array of a
 * scan_doc; scan_doc_free() releases them and every candidate's buffer.
 * Lines point into the caller's text, which must outlive the scan_doc.
 */
#include <ctype.h>
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
