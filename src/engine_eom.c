/*
 * engine_eom.c - the engine's decisions at the end of a message: recipients
 * from the report (or from delivery-status fields found in the text), the
 * text scanner (put off, for a report whose recipients it could only give
 * an SMTP command, until the classifier asks for one), bounce / auto-reply
 * / complaint / not-a-bounce, fallback recipients, classification and the
 * recipient that matters most.
 *
 * Memory: works on the engine's own result (see engine_int.h); strings it
 * adds are owned by the result.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "engine_int.h"
#include "scan.h"
#include "classify.h"
#include "dsn_value.h"

/* Add one recipient per address of a list "a@b, c@d", at most max; when
 * none is found (or list is NULL), one recipient without an address. */
static void
engine_eom_add_list(engine *e, const char *list, size_t max)
{
	bt_result *r = &e->r;
	size_t added = 0;

	while (list != NULL && *list && added < max) {
		size_t n = strcspn(list, ",");
		const char *a;
		size_t alen = n;

		a = dsn_value_address(list, &alen);
		if (alen > 0 && memchr(a, '@', alen) != NULL) {
			bt_rcpt *rc = result_add_rcpt(r, e->caps.max_recipients);

			if (rc == NULL)
				return;
			result_set(r, &rc->recipient, a, alen, e->caps.max_field);
			added++;
		}
		list += n;
		if (*list == ',')
			list++;
	}
	if (r->nrcpt == 0)
		result_add_rcpt(r, e->caps.max_recipients);
}

static void
engine_eom_drop(bt_result *r)
{
	result_truncate(r, 0);
}

static void
engine_eom_classes(bt_result *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		bt_rcpt *rc = &r->rcpt[i];
		const char *a = rc->action;

		if (rc->cls == BT_CLASS_COMPLAINT || rc->cls == BT_CLASS_AUTOREPLY)
			continue;
		/* most are "failed": the first letter spares the compares */
		if (a != NULL && a[0] == 'd' && strcmp(a, "delayed") == 0) {
			rc->cls = BT_CLASS_DELAYED;
		} else if (a != NULL && ((a[0] == 'd' && strcmp(a, "delivered") == 0) ||
			   (a[0] == 'r' && strcmp(a, "relayed") == 0) ||
			   (a[0] == 'e' && strcmp(a, "expanded") == 0))) {
			rc->cls = BT_CLASS_DELIVERED;
			rc->reason = "delivered";
		} else {
			rc->cls = BT_CLASS_UNDETERMINED;
		}
	}
}

static void
engine_eom_complaint(engine *e)
{
	bt_result *r = &e->r;
	size_t i;

	for (i = 0; i < r->nrcpt; i++)
		if (r->rcpt[i].cls != BT_CLASS_COMPLAINT)
			break;
	if ((e->sig & DETECT_UNSUBSCRIBE) && !e->has_arf && r->feedback_type == NULL)
		result_set(r, &r->feedback_type, "opt-out", 7, e->caps.max_field);
	if (i < r->nrcpt || r->nrcpt == 0) {
		engine_eom_drop(r);
		engine_eom_add_list(e, r->original_to != NULL ? r->original_to :
				     (e->sig & DETECT_UNSUBSCRIBE) ? r->from : NULL, 1);
		for (i = 0; i < r->nrcpt; i++) {
			r->rcpt[i].cls = BT_CLASS_COMPLAINT;
			r->rcpt[i].reason = "feedback";
		}
	}
	r->format = "arf";
}

static void
engine_eom_autoreply(engine *e)
{
	bt_result *r = &e->r;
	bt_rcpt *rc;

	engine_eom_drop(r);
	rc = result_add_rcpt(r, e->caps.max_recipients);
	if (rc == NULL)
		return;
	if (r->from != NULL) {
		size_t n = strlen(r->from);
		const char *a = dsn_value_address(r->from, &n);

		result_set(r, &rc->recipient, a, n, e->caps.max_field);
	}
	rc->cls = BT_CLASS_AUTOREPLY;
	rc->reason = "vacation";
	r->format = "autoreply";
}

/* A report whose delivery-status fields are in its text (no MIME part for
 * them, or a boundary that never matched): read them from the first line
 * that starts like a DSN field (scan_dsn_line()). */
static void
engine_eom_text_dsn(engine *e)
{
	const char *p, *end = e->text + e->tlen;
	size_t i, added, first;

	if (e->has_dsn || !(e->sig & ENGINE_BOUNCE_SIGS))
		return;
	p = scan_dsn_line(e->text, e->tlen);
	if (p == NULL)
		return;
	first = e->r.nrcpt;
	dsn_begin(e->d, &e->r, DSN_DELIVERY);
	dsn_feed(e->d, p, (size_t)(end - p));
	added = dsn_end(e->d);
	/* fields in prose ("Remote-MTA: <...>" in a notice) without any
	 * recipient address are not a report */
	for (i = first; i < e->r.nrcpt; i++)
		if (e->r.rcpt[i].recipient != NULL)
			break;
	if (i == e->r.nrcpt) {
		result_truncate(&e->r, first);
		return;
	}
	e->has_dsn = 1;
	e->dsn_rcpts += added;
}

/* Run the text scanner over the collected human-readable text (with
 * cmd_only, for the recipients' smtp_command alone: scan_input). */
static size_t
engine_eom_scan(engine *e, int cmd_only)
{
	scan_input in;

	e->text[e->tlen] = '\0';
	memset(&in, 0, sizeof(in));
	in.text = e->text;
	in.len = e->tlen;
	in.header = engine_lookup;
	in.ctx = e;
	in.has_dsn = e->has_dsn;
	in.is_report = (e->sig & DETECT_REPORT_DSN) != 0;
	in.cmd_only = cmd_only;
	return scan_text(&in, &e->r, &e->caps);
}

/* The scan put off by engine_eom() (classify_ask): asked for when the
 * classifier first reads an empty smtp_command. */
static void
engine_eom_scan_cmds(void *ctx)
{
	(void)engine_eom_scan(ctx, 1);
}

/* The text shows an SMTP failure: a line starting with a 4xx/5xx reply,
 * or a phrase only failure notices use.  (Writes the NUL after the text.) */
static int
engine_eom_text_failure(engine *e)
{
	static const char *const words[] = {
		"no such user", "user unknown", "unknown user", "invalid user",
		"mailbox unavailable", "recipient address rejected",
	};
	const char *p = e->text, *end = e->text + e->tlen;
	size_t i;

	e->text[e->tlen] = '\0';	/* strcasestr() below: not past the text */
	for (p = e->text; p < end; p++) {
		if ((p == e->text || p[-1] == '\n') && end - p > 4 &&
		    (p[0] == '4' || p[0] == '5') && isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) && (p[3] == ' ' || p[3] == '-'))
			return 1;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(e->text, words[i]) != NULL)
			return 1;
	return 0;
}

/* RFC 3834 marks, an auto-reply Subject, or a vacation-like Subject sent
 * with a null sender or marked automatic; never from a mailer daemon. */
static int
engine_eom_is_autoreply(unsigned sig)
{
	if (sig & (DETECT_REPLY | DETECT_FROM_DAEMON))
		return 0;
	if (sig & (DETECT_AUTOREPLY | DETECT_AUTO_REPLIED))
		return 1;
	return (sig & DETECT_AUTOREPLY_WEAK) &&
	       (sig & (DETECT_NULL_SENDER | DETECT_AUTO_GENERATED));
}

static int
engine_eom_is_bounce(engine *e, size_t scanned)
{
	unsigned sig = e->sig;

	if (e->dsn_rcpts > 0 || (sig & DETECT_XFAILED))
		return 1;
	if (engine_eom_is_autoreply(sig) && !(sig & DETECT_STRONG))
		return 0;	/* an auto-reply, whatever its text says */
	/* text recipients count with a strong sign, or a weak one on a
	 * message that is not a person's reply or forward */
	if (scanned > 0 && ((sig & DETECT_STRONG) ||
			    (!(sig & DETECT_REPLY) &&
			     ((sig & (DETECT_NULL_SENDER | DETECT_AUTO_REPLIED |
				      DETECT_AUTO_GENERATED)) || e->returned_seen))))
		return 1;
	if ((sig & (DETECT_FROM_DAEMON | DETECT_SUBJECT | DETECT_REPORT_DSN |
		    DETECT_BOUNCE_MAILER)) && e->returned_seen)
		return 1;
	if ((sig & DETECT_FROM_DAEMON) && (sig & DETECT_SUBJECT))
		return 1;
	if ((sig & DETECT_FROM_DAEMON) && engine_eom_text_failure(e))
		return 1;
	return 0;
}

const bt_result *
engine_eom(engine *e)
{
	bt_result *r = &e->r;
	classify_ask ask;
	size_t scanned;

	if (e->state == E_HEADERS)
		engine_eoh(e);
	if (e->state == E_BODY)
		mime_end(e->m);
	e->state = E_DONE;
	if (e->eoh_not_bounce || (e->sig & DETECT_NOT_BOUNCE)) {
		engine_eom_drop(r);
		result_pick_top(r);
		return r;
	}
	if (e->has_arf || (e->sig & (DETECT_REPORT_ARF | DETECT_UNSUBSCRIBE)) ||
	    ((e->sig & DETECT_COMPLAINT) && e->dsn_rcpts == 0 && e->returned_seen)) {
		engine_eom_complaint(e);
		result_pick_top(r);
		return r;
	}
	engine_eom_text_dsn(e);
	engine_eom_classes(r);
	if (e->dsn_rcpts > 0)
		r->format = "rfc3464";
	/* The text decides only with a sign of a bounce (engine_eom_is_bounce);
	 * without one, spare the scan. */
	scanned = 0;
	ask.fill_commands = NULL;
	ask.ctx = e;
	if (e->has_dsn ||
	    (e->sig & (DETECT_STRONG | DETECT_NULL_SENDER | DETECT_AUTO_REPLIED |
		       DETECT_AUTO_GENERATED)) ||
	    (e->returned_seen && !(e->sig & DETECT_REPLY))) {
		/* A report whose recipients the text can only give an SMTP
		 * command: the scan waits until the classifier asks for one
		 * (most never do).  It would add no recipient and so return 0;
		 * with report recipients the message is a bounce whatever it
		 * returns. */
		if (e->dsn_rcpts > 0 && scan_text_cmd_only(r))
			ask.fill_commands = engine_eom_scan_cmds;
		else
			scanned = engine_eom_scan(e, 0);
	}
	if (engine_eom_is_bounce(e, scanned)) {
		if (r->nrcpt == 0) {
			const char *xf = engine_lookup(e, "x-failed-recipients");

			if (xf != NULL)
				engine_eom_add_list(e, xf, (size_t)-1);
			else
				engine_eom_add_list(e, r->original_to, 1);
		}
		if (r->format == NULL)
			r->format = "text";
		classify_result_ask(r, e->rs != NULL ? e->rs : ruleset_builtin(), &ask);
	} else if (engine_eom_is_autoreply(e->sig)) {
		engine_eom_autoreply(e);
	} else {
		engine_eom_drop(r);
		r->format = NULL;
	}
	result_pick_top(r);
	return r;
}
