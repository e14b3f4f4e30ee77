/*
 * result.c - helpers for bt_result: class names, the caps string, adding
 * recipients, copying capped strings, picking the recipient that matters.
 *
 * Memory: every char * in a bt_result is malloc'ed here (result_set) and
 * freed by result_clear(); reason/description/format are static or owned by
 * the ruleset and never freed here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "result.h"

static const char *const result_names[BT_CLASS__COUNT] = {
	"hard", "block", "soft", "undetermined", "delayed", "delivered",
	"auto-reply", "complaint", "none"
};

const char *
result_class_name(bt_class c)
{
	if ((unsigned)c >= BT_CLASS__COUNT)
		return "none";
	return result_names[c];
}

int
result_class_parse(const char *name, bt_class *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < BT_CLASS__COUNT; i++) {
		if (strcasecmp(name, result_names[i]) == 0) {
			*out = (bt_class)i;
			return 0;
		}
	}
	return -1;
}

const char *
result_caps_string(unsigned caps, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ BT_CAP_BYTES, "bytes" }, { BT_CAP_LINE, "line" },
		{ BT_CAP_HEADER, "header" }, { BT_CAP_DEPTH, "depth" },
		{ BT_CAP_PARTS, "parts" }, { BT_CAP_RCPTS, "recipients" },
		{ BT_CAP_FIELD, "field" },
	};
	size_t i, off = 0;

	if (buf == NULL || len == 0)
		return "";
	buf[0] = '\0';
	if (caps == 0)
		return buf;	/* the common case */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(caps & names[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
			     names[i].name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

void
result_init(bt_result *r)
{
	memset(r, 0, sizeof(*r));
	r->cls = BT_CLASS_NONE;
}

/* free(p) when p is set: most fields of most messages are not, and a
 * call each, twenty a message, cost more than the test. */
#define RESULT_FREE(p)	do { if ((p) != NULL) free(p); } while (0)

static void
result_rcpt_free(bt_rcpt *rc)
{
	RESULT_FREE(rc->recipient);
	RESULT_FREE(rc->original_recipient);
	RESULT_FREE(rc->action);
	RESULT_FREE(rc->diagnostic);
	RESULT_FREE(rc->diagnostic_type);
	RESULT_FREE(rc->remote_mta);
	RESULT_FREE(rc->last_attempt_date);
	RESULT_FREE(rc->will_retry_until);
}

void
result_clear(bt_result *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++)
		result_rcpt_free(&r->rcpt[i]);
	RESULT_FREE(r->rcpt);
	RESULT_FREE(r->sender);
	RESULT_FREE(r->from);
	RESULT_FREE(r->subject);
	RESULT_FREE(r->mailer);
	RESULT_FREE(r->reporting_mta);
	RESULT_FREE(r->received_from_mta);
	RESULT_FREE(r->arrival_date);
	RESULT_FREE(r->original_envelope_id);
	RESULT_FREE(r->original_message_id);
	RESULT_FREE(r->original_from);
	RESULT_FREE(r->original_to);
	RESULT_FREE(r->original_subject);
	RESULT_FREE(r->feedback_type);
	result_init(r);
}

void
result_truncate(bt_result *r, size_t n)
{
	while (r->nrcpt > n)
		result_rcpt_free(&r->rcpt[--r->nrcpt]);
	if (r->top >= r->nrcpt)
		r->top = 0;
}

bt_rcpt *
result_add_rcpt(bt_result *r, size_t max_rcpts)
{
	bt_rcpt *rc;

	if (r->nrcpt >= max_rcpts) {
		r->caps_hit |= BT_CAP_RCPTS;
		return NULL;
	}
	if (r->nrcpt == r->rcpt_alloc) {
		size_t n = r->rcpt_alloc ? r->rcpt_alloc * 2 : 4;
		bt_rcpt *p = realloc(r->rcpt, n * sizeof(*p));

		if (p == NULL)
			return NULL;
		r->rcpt = p;
		r->rcpt_alloc = n;
	}
	rc = &r->rcpt[r->nrcpt++];
	memset(rc, 0, sizeof(*rc));
	rc->cls = BT_CLASS_UNDETERMINED;
	return rc;
}

int
result_set(char **field, const char *s, size_t len, size_t cap,
	   unsigned *caps_hit)
{
	char *p;

	if (s == NULL)
		return 0;
	if (cap > 0 && len > cap) {
		len = cap;
		if (caps_hit != NULL)
			*caps_hit |= BT_CAP_FIELD;
	}
	p = malloc(len + 1);
	if (p == NULL)
		return -1;
	memcpy(p, s, len);
	p[len] = '\0';
	RESULT_FREE(*field);
	*field = p;
	return 0;
}

void
result_pick_top(bt_result *r)
{
	size_t i, best = 0;

	if (r->nrcpt == 0) {
		r->top = 0;
		r->cls = BT_CLASS_NONE;
		return;
	}
	for (i = 1; i < r->nrcpt; i++)
		if (r->rcpt[i].cls < r->rcpt[best].cls)
			best = i;
	r->top = best;
	r->cls = r->rcpt[best].cls;
}
