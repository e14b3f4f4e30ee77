/*
 * scan.c - scan_text(): recipients and their errors from the human-readable
 * text of a bounce.  Finds candidates (scan_find.c: line shapes, phrase
 * lines, report-wide error text; scan_trans.c: transcripts and pasted DSN
 * fields; scan_family.c: JSON notifications), merges the ones about the
 * same address, then either adds them to the result or, when a DSN already
 * gave the recipients, completes those (diagnostic, reply code, status,
 * remote host, SMTP command).  A completion reads only its recipients'
 * candidates: the weak ones are looked for only when a recipient's strong
 * one lacks a code, and only a recipient's candidate is given the
 * report-wide text (each skip is argued where it is made).  When all a
 * completion could give is the SMTP command (scan_text_cmd_only()), the
 * engine runs it only if the classifier asks, for the command alone
 * (scan_input.cmd_only).
 *
 * Order of the fallbacks when no line names a recipient: the
 * X-Failed-Recipients header, sentences that name an address and say
 * delivery failed, the To: of the returned message (only when the text
 * says delivery failed).  Every step is bounded: lines (SCAN_MAX_LINES),
 * candidates (SCAN_MAX_CANDS), block lines (SCAN_MAX_BLOCK), copied text
 * (caps->max_field), recipients (caps->max_recipients, BT_CAP_RCPTS).
 *
 * Memory: all strings put into the result are copied with result_set() and
 * owned by the result; the scan_doc and its candidates are freed before
 * returning.  The input text is only read.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"

/*
 * Phrases of the report's prose that are looked for in all of its text,
 * in one list so that one pass (scan_set_mask()) finds them all:
 *
 * - boilerplate that names the family of a report (the first in the list
 *   that the text has wins; SCAN_FAMILY_N of them, the family of each in
 *   scan_family_of[]);
 * - sentences that say the report is a delay warning, not a failure (in
 *   the text above the returned message only).
 */
#define SCAN_FAMILY_N	15
#define SCAN_DELAY_0	SCAN_FAMILY_N	/* the first delay phrase */
static const char *const scan_prose_phrases[] = {
	"This is the qmail-send program",
	"This is the Postfix program",
	"This is the mail system at host",
	"created automatically by mail delivery software",
	"----- Transcript of session follows -----",
	"Delivery has failed to these recipients or groups",
	"Remote Server returned '",
	"did not reach the following recipient",
	"Delivery to the following recipient",
	"This is the DragonFly Mail Agent",
	"This is the MAILER-DAEMON, please DO NOT REPLY",
	"not listed in Domino Directory",
	"was not delivered to:",
	"Your message could not be delivered",
	"Error message below:",
	/* SCAN_DELAY_0: delay warnings */
	"has not yet been delivered",
	"could not send message for past",
	"has been delayed",
	"delivery is delayed",
	"will continue trying",
	"delivery attempts will continue",
	"message will be retried",
	"still trying",
	NULL
};
static const char *const scan_family_of[SCAN_FAMILY_N] = {
	"qmail", "postfix", "postfix", "exim", "sendmail", "office365",
	"exchange", "exchange2003", "gmail", "dragonfly", "opensmtpd",
	"domino", "domino", "courier", "james",
};
static scan_set scan_prose_set = SCAN_SET(scan_prose_phrases);

/* Does the text above the returned message say the report is a delay
 * warning?  m: the delay phrases that the whole text has (bit i: phrase
 * SCAN_DELAY_0 + i); only those are looked for in turn, above the cut
 * (the first occurrence of each decides). */
static int
scan_doc_delayed(const scan_doc *d, uint64_t m)
{
	size_t i, end = d->cut < d->nline ? d->cut : d->nline;
	size_t len;
	const char *subj;

	len = end > 0 ? (size_t)(d->line[end - 1].s + d->line[end - 1].len -
	    d->in->text) : 0;
	for (i = 0; m != 0 && scan_prose_phrases[SCAN_DELAY_0 + i] != NULL;
	    i++) {
		const char *p;
		if (!(m & ((uint64_t)1 << i)))
			continue;
		p = scan_find(d->in->text, len,
		    scan_prose_phrases[SCAN_DELAY_0 + i]);
		if (p != NULL && !(p - d->in->text >= 4 &&
		    strncasecmp(p - 4, "not ", 4) == 0))
			return 1;
	}
	subj = d->in->header ? d->in->header(d->in->ctx, "Subject") : NULL;
	if (subj != NULL) {
		size_t n = strlen(subj);
		/* the second by its ':' (byte 7), rare in a Subject */
		if (scan_has(subj, n, "(Delay)") ||
		    scan_find_by(subj, n, "Warning: could not send", 23, 7) ||
		    scan_has(subj, n, "Delayed Mail"))
			return 1;
	}
	return 0;
}

/* The family by its boilerplate (when the text did not name its own,
 * family) and whether the text says the report is a delay warning: one
 * pass finds which phrases the whole text has; the lowest family index
 * wins, as when each was looked for in turn. */
static void
scan_doc_prose(scan_doc *d, int family)
{
	uint64_t m = scan_set_mask(&scan_prose_set, d->in->text, d->in->len);
	uint64_t fm = m & (((uint64_t)1 << SCAN_FAMILY_N) - 1);

	if (family && fm != 0)
		d->family = scan_family_of[__builtin_ctzll(fm)];
	d->delayed = scan_doc_delayed(d, m >> SCAN_DELAY_0);
}

/* Merge candidates about the same address (any case) into the first one;
 * a later diagnostic wins when it carries a code and the first does not. */
static void
scan_merge(scan_doc *d)
{
	size_t i, j, k = 0;

	for (i = 0; i < d->ncand; i++) {
		scan_cand *c = &d->cand[i];
		for (j = 0; j < k; j++)
			if (strcasecmp(d->cand[j].addr, c->addr) == 0)
				break;
		if (j < k) {
			scan_cand *o = &d->cand[j];
			/* codes looked for only where they decide */
			if (c->diag.p != NULL && (o->diag.p == NULL ||
			    (!scan_buf_coded(&o->diag) &&
			    scan_buf_coded(&c->diag)))) {
				scan_buf tmp = o->diag;
				o->diag = c->diag;
				c->diag = tmp;
			}
			o->delayed |= c->delayed;
			if (o->status[0] == '\0')
				memcpy(o->status, c->status, sizeof(o->status));
			if (o->cmd[0] == '\0')
				memcpy(o->cmd, c->cmd, sizeof(o->cmd));
			if (o->mta[0] == '\0')
				memcpy(o->mta, c->mta, sizeof(o->mta));
			scan_buf_free(&c->diag);
			continue;
		}
		if (k != i) {
			d->cand[k] = *c;
			memset(c, 0, sizeof(*c));
		}
		k++;
	}
	d->ncand = k;
}

/* The report-wide error text: it depends only on the lines, so it is found
 * once per scan_doc and kept there.  In two steps: the text that codes or
 * an intro line give (scan_find_global_coded()), then, when there is none,
 * the prose (scan_find_global_prose()) only if the caller can use it: a
 * candidate without a diagnostic takes any text, but everything else
 * takes only the first kinds. */
static scan_buf *
scan_global(scan_doc *d, int *kind, int prose)
{
	if (d->global_step == 0) {
		memset(&d->global, 0, sizeof(d->global));
		d->global.cap = d->caps->max_field;
		d->global.pool = &d->pool;
		d->global_kind = scan_find_global_coded(d, &d->global);
		d->global_step = d->global_kind != SCAN_GLOBAL_NONE ? 2 : 1;
	}
	if (prose && d->global_step == 1) {
		d->global_kind = scan_find_global_prose(d, &d->global);
		d->global_step = 2;
	}
	*kind = d->global_kind;
	return &d->global;
}

/* Give candidate c the report-wide error text when it has none, or when it
 * is the only candidate and its text carries no code while the
 * report-wide one does (and is not in it already).  The report-wide text
 * is looked for only then (once per scan_doc), and its prose only for a
 * candidate without a text: one with a text takes only a text with a
 * code. */
static void
scan_global_to(scan_doc *d, scan_cand *c)
{
	scan_buf *g;
	int kind;

	if (c->kind != SCAN_KIND_FAILED)
		return;
	if (c->diag.p == NULL || c->diag.len == 0) {
		g = scan_global(d, &kind, 1);
		if (g->p != NULL)
			scan_buf_add(&c->diag, g->p, g->len);
		return;
	}
	if (d->ncand != 1 || scan_buf_coded(&c->diag))
		return;
	g = scan_global(d, &kind, 0);
	if (g->p != NULL && kind != SCAN_GLOBAL_PROSE && scan_buf_coded(g) &&
	    strstr(c->diag.p, g->p) == NULL)
		scan_buf_add(&c->diag, g->p, g->len);
}

/* Give the report-wide error text to the candidates that take it. */
static void
scan_fill_global(scan_doc *d)
{
	size_t i;

	for (i = 0; i < d->ncand; i++)
		scan_global_to(d, &d->cand[i]);
}

/* Recipients from the X-Failed-Recipients header (Exim, Google). */
static void
scan_failed_header(scan_doc *d)
{
	const char *v, *p;
	size_t off, alen;

	if (d->in->header == NULL)
		return;
	v = d->in->header(d->in->ctx, "X-Failed-Recipients");
	for (p = v; p != NULL && scan_addr_find(p, strlen(p), &off, &alen);
	    p += off + alen)
		if (!scan_addr_skipped(d, p + off, alen, 0))
			(void)scan_cand_add(d, p + off, alen, 1);
}

/* Does the text above the returned message say that delivery failed? */
static int
scan_says_failed(const scan_doc *d)
{
	size_t i;
	char tmp[512];

	for (i = 0; i < d->cut; i++) {
		size_t n = d->line[i].len < sizeof(tmp) - 1 ? d->line[i].len :
		    sizeof(tmp) - 1;
		if (scan_line_blank(&d->line[i]))
			continue;	/* white space: no code, no word */
		memcpy(tmp, d->line[i].s, n);
		tmp[n] = '\0';
		if (scan_is_failure_text(tmp))
			return 1;
	}
	return 0;
}

/* The To: of the returned message's headers, when nothing else named one
 * and the text says delivery failed (a reply quoting a message is no
 * report). */
static void
scan_returned_to(scan_doc *d)
{
	scan_after a;
	scan_line next;
	const scan_line *l;
	size_t off, alen;

	if (d->cut >= d->nline || !scan_says_failed(d))
		return;
	/* the cut line and the SCAN_AFTER_CUT - 1 lines after it, cut one by
	 * one up to the first "To:" */
	scan_after_begin(d, &a);
	for (l = &d->line[d->cut]; l != NULL; l = scan_after_next(d, &a, &next,
	    SCAN_AFTER_CUT - 1) ? &next : NULL) {
		if (l->len < 3 || !scan_eq_fold(l->s, "To:", 3))
			continue;
		if (scan_addr_find(l->s + 3, l->len - 3, &off, &alen) &&
		    !scan_addr_skipped(d, l->s + 3 + off, alen, 1))
			(void)scan_cand_add(d, l->s + 3 + off, alen, 0);
		return;
	}
}

/* The returned message's Message-ID when the report carries the message
 * in its text (Exim, qmail, Sendmail's and others' plain-text bounces) and
 * no MIME part gave it: a "Message-ID:" field of the header block after
 * the cut line.  The block is the lines that follow it up to the first
 * empty one (empty lines before its first field are allowed, and the cut
 * line may itself be its first field); a value folded onto the next line
 * is taken from there.  The lines are cut one by one, up to the block's
 * end (at most SCAN_AFTER_CUT - 1). */
/*
 * Pass over the next line after the cut when, once the block's fields
 * have begun, it can change nothing in scan_returned_msgid(): when its
 * first byte after any ' ' and '\t' (a folded field's) is no white space
 * (isspace()) and no 'm' or 'M', nor a '>' that starts the line.  Such a
 * line is no blank one (scan_line_set() leaves that byte as it is: no
 * "> " to drop before it, no '\r' alone, and scan_trim() stops there) and
 * no "Message-ID:" field (its trimmed text starts with that byte); the
 * loop would only go on.  Only its end is found, by memchr() (most lines
 * of a header block are told so, without being cut and trimmed, nor
 * searched for an '@').  Counted as
 * scan_after_next() counts the lines it gives, with the same limits; 1
 * when passed over.
 */
static inline int
scan_after_skip(const scan_doc *d, scan_after *a, size_t max)
{
	const char *end = d->in->text + d->in->len, *p = a->t, *q;
	unsigned char c;

	if (p >= end || a->n >= max || d->nline + a->n >= SCAN_MAX_LINES)
		return 0;	/* scan_after_next() says so too */
	if (*p == '>')
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end)
		return 0;
	c = (unsigned char)*p;
	if (scan_space[c] || (c | 0x20) == 'm')
		return 0;
	q = memchr(p, '\n', (size_t)(end - p));
	a->t = q != NULL ? q + 1 : end;
	a->n++;
	return 1;
}

static void
scan_returned_msgid(scan_doc *d, bt_result *r, const bt_caps *caps)
{
	scan_after a;
	scan_line cur, next;
	int fields;

	if (r->original_message_id != NULL || d->cut >= d->nline)
		return;
	fields = d->line[d->cut].s[0] != ' ' &&
		 memchr(d->line[d->cut].s, ':', d->line[d->cut].len) != NULL;
	scan_after_begin(d, &a);
	for (;;) {
		const char *v;
		size_t vlen;

		if (fields && scan_after_skip(d, &a, SCAN_AFTER_CUT - 1))
			continue;
		if (!scan_after_next(d, &a, &cur, SCAN_AFTER_CUT - 1))
			break;
		v = cur.s;
		vlen = cur.len;

		scan_trim(&v, &vlen);
		if (vlen == 0) {
			if (fields)
				return;	/* the end of the header block */
			continue;
		}
		if (vlen < 11 || !scan_eq_fold(v, "message-id:", 11)) {
			if (!fields)	/* once set, it stays */
				fields = memchr(v, ':', vlen) != NULL;
			continue;
		}
		v += 11;
		vlen -= 11;
		scan_trim(&v, &vlen);
		if (vlen == 0 && scan_after_next(d, &a, &next,
		    SCAN_AFTER_CUT - 1) && next.len > 0 &&
		    (next.s[0] == ' ' || next.s[0] == '\t')) {
			v = next.s;
			vlen = next.len;
			scan_trim(&v, &vlen);
		}
		if (vlen > 0)
			(void)result_set(r, &r->original_message_id, v, vlen,
			    caps->max_field);
		return;
	}
}

static void
scan_denoise_all(scan_doc *d)
{
	size_t i;

	for (i = 0; i < d->ncand; i++)
		scan_denoise(&d->cand[i].diag);
}

static void
scan_find_all(scan_doc *d)
{
	scan_find_family(d);
	if (d->ncand == 0)
		scan_find_anchors(d);
	if (d->ncand == 0)
		scan_failed_header(d);
	if (d->ncand == 0)
		scan_find_weak(d);
	if (d->ncand == 0 && d->cut < d->nline)
		scan_returned_to(d);
	scan_merge(d);
	scan_fill_global(d);
	scan_denoise_all(d);
}

/* A diagnostic and the phrases of its remote host and command that it
 * has, found on first use (scan_fill_codes() and scan_fill_cmd() ask the
 * same text both). */
typedef struct scan_diag {
	const char *s;		/* or NULL */
	size_t len;
	int done;
	uint64_t mta, cmd;
	scan_buf *b;		/* s is b->p: its codes are kept there */
} scan_diag;

static void
scan_diag_init(scan_diag *g, const char *s)
{
	g->s = s;
	g->len = s != NULL ? strlen(s) : 0;
	g->done = 0;
	g->b = NULL;
}

/* The same for a buffer's text (b->p), whose codes it keeps (and its
 * length: b->p has no NUL before it). */
static void
scan_diag_buf(scan_diag *g, scan_buf *b)
{
	g->s = b->p;
	g->len = b->p != NULL ? b->len : 0;
	g->done = 0;
	g->b = b;
}

/* scan_reply_code() and scan_status_code() of g->s (not NULL). */
static int
scan_diag_reply(scan_diag *g, char out[4])
{
	return g->b != NULL ? scan_buf_reply(g->b, out) :
	    scan_reply_code(g->s, out);
}

static int
scan_diag_status(scan_diag *g, char out[16])
{
	return g->b != NULL ? scan_buf_status(g->b, out) :
	    scan_status_code(g->s, out);
}

static void
scan_diag_ready(scan_diag *g)
{
	if (!g->done) {
		scan_diag_phrases(g->s, g->len, &g->mta, &g->cmd);
		g->done = 1;
	}
}

/* Copy reply code, status and remote host found in the diagnostic. */
static void
scan_fill_codes(bt_rcpt *rc, scan_diag *g, bt_result *r,
    const bt_caps *caps)
{
	char host[256];

	if (g->s == NULL)
		return;
	if (rc->replycode[0] == '\0')
		(void)scan_diag_reply(g, rc->replycode);
	if (rc->status[0] == '\0')
		(void)scan_diag_status(g, rc->status);
	if (rc->remote_mta == NULL) {
		scan_diag_ready(g);
		if (scan_remote_mta_m(g->s, host, sizeof(host), g->mta))
			(void)result_set(r, &rc->remote_mta, host, strlen(host),
			    caps->max_field);
	}
}

static void
scan_fill_mta(bt_rcpt *rc, const scan_cand *c, bt_result *r,
    const bt_caps *caps)
{
	if (rc->remote_mta == NULL && c->mta[0] != '\0')
		(void)result_set(r, &rc->remote_mta, c->mta, strlen(c->mta),
		    caps->max_field);
}

/* The command of the report's transcript (d->cmd), found on first use:
 * it depends only on the lines, and most texts never ask. */
static const char *
scan_doc_cmd(scan_doc *d)
{
	if (!d->cmd_done) {
		scan_find_cmd(d);
		d->cmd_done = 1;
	}
	return d->cmd;
}

/* The SMTP command refused: the candidate's transcript, its text, or the
 * report's transcript when there is one recipient. */
static void
scan_fill_cmd(bt_rcpt *rc, const scan_cand *c, scan_diag *g,
    scan_doc *d, int only)
{
	const char *cmd = NULL;

	if (rc->smtp_command[0] != '\0')
		return;
	if (c != NULL && c->cmd[0] != '\0')
		cmd = c->cmd;
	else if (g->s != NULL && (scan_diag_ready(g), cmd = scan_cmd_phrase_m(
	    g->s, g->len, g->cmd)) != NULL)
		;
	else if (only && scan_doc_cmd(d)[0] != '\0')
		cmd = d->cmd;
	if (cmd != NULL) {	/* as snprintf("%s"): cut to the field */
		size_t n = strlen(cmd);
		if (n >= sizeof(rc->smtp_command))
			n = sizeof(rc->smtp_command) - 1;
		memcpy(rc->smtp_command, cmd, n);
		rc->smtp_command[n] = '\0';
	}
}

static size_t
scan_add_all(scan_doc *d, bt_result *r, const bt_caps *caps)
{
	size_t i, added = 0;
	scan_diag g;

	for (i = 0; i < d->ncand; i++) {
		scan_cand *c = &d->cand[i];
		int delayed = c->delayed || d->delayed;
		const char *act = c->kind == SCAN_KIND_DELIVERED ? "delivered" :
		    c->kind == SCAN_KIND_COMPLAINT ? "failed" :
		    delayed ? "delayed" : "failed";
		bt_rcpt *rc = result_add_rcpt(r, caps->max_recipients);
		if (rc == NULL)
			break;
		(void)result_set(r, &rc->recipient, c->addr, strlen(c->addr),
		    caps->max_field);
		(void)result_set(r, &rc->action, act, strlen(act),
		    caps->max_field);
		rc->cls = delayed ? BT_CLASS_DELAYED : BT_CLASS_UNDETERMINED;
		if (c->kind == SCAN_KIND_DELIVERED) {
			rc->cls = BT_CLASS_DELIVERED;
			rc->reason = "delivered";
		} else if (c->kind == SCAN_KIND_COMPLAINT) {
			rc->cls = BT_CLASS_COMPLAINT;
			rc->reason = "feedback";
			if (r->feedback_type == NULL && d->feedback[0] != '\0')
				(void)result_set(r, &r->feedback_type, d->feedback,
				    strlen(d->feedback), caps->max_field);
		}
		if (c->diag.p != NULL) {
			(void)result_set(r, &rc->diagnostic, c->diag.p, c->diag.len,
			    caps->max_field);
			if (c->diag.trunc)
				r->caps_hit |= BT_CAP_FIELD;
		}
		if (c->status[0] != '\0')
			memcpy(rc->status, c->status, sizeof(rc->status));
		/* rc->diagnostic is a copy of c->diag.p (no NUL in it, no
		 * longer than the cap of both): read in c->diag, whose codes
		 * may have been found already (scan_global_to()) */
		if (rc->diagnostic != NULL)
			scan_diag_buf(&g, &c->diag);
		else
			scan_diag_init(&g, NULL);
		scan_fill_codes(rc, &g, r, caps);
		scan_fill_mta(rc, c, r, caps);
		scan_fill_cmd(rc, c, &g, d, d->ncand == 1);
		added++;
	}
	if (added > 0)
		r->format = d->family;
	return added;
}

/* A DSN diagnostic too thin to classify: empty, or only a type and a
 * reply/status code ("smtp; 550", "550 5.1.1"). */
static int
scan_thin(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s; s++)
		if (isalpha((unsigned char)*s) && strncasecmp(s, "smtp", 4) != 0)
			return 0;
		else if (isalpha((unsigned char)*s))
			s += 3;
	return 1;
}

/* Is the address in field v (maybe "<a@b>" or "rfc822; a@b") addr? */
static int
scan_same_addr(const char *v, const char *addr)
{
	size_t off, alen;

	if (v == NULL)
		return 0;
	/* Most often v is the address itself.  addr was found by
	 * scan_addr_find(), which finds such a string whole again (its
	 * answer does not depend on case): the same answer, without it. */
	if (strcasecmp(v, addr) == 0)
		return 1;
	if (!scan_addr_find(v, strlen(v), &off, &alen))
		return 0;
	return alen == strlen(addr) && strncasecmp(v + off, addr, alen) == 0;
}

static scan_cand *
scan_match(scan_doc *d, const bt_result *r, const bt_rcpt *rc)
{
	size_t i;

	for (i = 0; i < d->ncand; i++)
		if (scan_same_addr(rc->recipient, d->cand[i].addr) ||
		    scan_same_addr(rc->original_recipient, d->cand[i].addr))
			return &d->cand[i];
	if (r->nrcpt == 1 && d->ncand == 1 && d->cand[0].strength == 2)
		return &d->cand[0];
	return NULL;
}

/* Complete one DSN recipient with the text's diagnostic for it. */
static void
scan_complete_one(bt_rcpt *rc, scan_diag *g, size_t len, bt_result *r,
    const bt_caps *caps)
{
	char code[4];

	if (g->s == NULL || len == 0)
		return;
	if (scan_thin(rc->diagnostic) ||
	    (rc->replycode[0] == '\0' &&
	    !scan_reply_code(rc->diagnostic, code) &&
	    scan_diag_reply(g, code)))
		(void)result_set(r, &rc->diagnostic, g->s, len, caps->max_field);
	scan_fill_codes(rc, g, r, caps);
}

/*
 * Can the weak candidates (scan_find_weak()) change nothing that
 * scan_complete() uses?  So when each recipient has a candidate about its
 * address among the strong ones (merged), with an error text that has a
 * reply or status code:
 *
 * - the weak ones come after them: a recipient's candidate by address
 *   (scan_match()'s first test, the first in order) stays the same, and
 *   its fallback is never asked;
 * - a weak one about the same address is merged into it and adds nothing
 *   (see scan_weak_adds_nothing() in scan_find.c; merging the strong ones
 *   first and then the weak ones is merging all at once: the merge folds
 *   each candidate into its address's first one, in order);
 * - scan_fill_global() gives nothing to a candidate with a code, however
 *   many candidates there are; the others are never read.
 */
static int
scan_weak_unused(scan_doc *d, const bt_result *r)
{
	size_t i;

	for (i = 0; i < r->nrcpt; i++) {
		const bt_rcpt *p = &r->rcpt[i];
		size_t j;

		for (j = 0; j < d->ncand; j++)
			if (scan_same_addr(p->recipient, d->cand[j].addr) ||
			    scan_same_addr(p->original_recipient,
			    d->cand[j].addr))
				break;
		if (j == d->ncand || d->cand[j].diag.p == NULL ||
		    !scan_buf_coded(&d->cand[j].diag))
			return 0;
	}
	return 1;
}

/* The candidates of a DSN's completion, merged: the strong ones, then
 * the weak ones unless they can change nothing used. */
static void
scan_complete_cands(scan_doc *d, const bt_result *r)
{
	scan_find_family(d);
	scan_find_anchors(d);
	/* The strong candidates are merged first only when the weak pass
	 * cannot reach SCAN_MAX_CANDS (each line with an '@' gives one at
	 * most): merged, there are fewer, and more weak ones would fit. */
	if (!d->nat_over && d->ncand + d->nat < SCAN_MAX_CANDS) {
		scan_merge(d);
		if (scan_weak_unused(d, r))
			return;
	}
	scan_find_weak(d);
	scan_merge(d);
}

/* Complete the DSN's recipients with the text's diagnostics: the text
 * about the same address, else (one recipient) the report's error text;
 * with cmd_only, their smtp_command alone.  That gives the same commands
 * as a whole completion when scan_text_cmd_only() held before it: the
 * steps left out then change nothing (scan_complete_one() replaces only a
 * thin diagnostic or one without a reply code, scan_fill_codes() and
 * scan_fill_mta() fill only empty fields) and read the diagnostic's codes
 * and phrases (dg) only for what they fill, so scan_fill_cmd() finds dg as
 * it would; what it reads besides (the recipients' addresses, their
 * number, the lines) no classifier changes. */
static void
scan_complete(scan_doc *d, bt_result *r, const bt_caps *caps, int cmd_only)
{
	scan_buf *g;
	size_t i;
	int kind;

	scan_complete_cands(d, r);
	for (i = 0; i < r->nrcpt; i++) {
		bt_rcpt *rc = &r->rcpt[i];
		scan_cand *c = scan_match(d, r, rc);
		scan_diag dg;
		/* Only a recipient's candidate is read: it is given the
		 * report-wide text and denoised (as scan_fill_global() and
		 * scan_denoise_all() would, each depends on it, the number
		 * of candidates and the lines only) when first asked; the
		 * others are left as they are. */
		if (c != NULL && !c->final) {
			scan_global_to(d, c);
			scan_denoise(&c->diag);
			c->final = 1;
		}
		if (c != NULL && c->diag.p != NULL) {
			scan_diag_buf(&dg, &c->diag);
			if (!cmd_only) {
				scan_complete_one(rc, &dg, c->diag.len, r, caps);
				scan_fill_mta(rc, c, r, caps);
			}
			scan_fill_cmd(rc, c, &dg, d, r->nrcpt == 1);
		} else if (r->nrcpt == 1 && (g = scan_global(d, &kind, 0)) != NULL &&
		    (kind == SCAN_GLOBAL_CODES || kind == SCAN_GLOBAL_INTRO)) {
			scan_diag_buf(&dg, g);
			if (!cmd_only)
				scan_complete_one(rc, &dg, g->len, r, caps);
			scan_fill_cmd(rc, NULL, &dg, d, 1);
		} else {
			scan_diag_init(&dg, NULL);
			scan_fill_cmd(rc, NULL, &dg, d, r->nrcpt == 1);
		}
	}
}

int
scan_text_cmd_only(const bt_result *r)
{
	size_t i;

	if (r == NULL || r->nrcpt == 0 || r->original_message_id == NULL)
		return 0;	/* recipients to add, or scan_returned_msgid() */
	for (i = 0; i < r->nrcpt; i++) {
		const bt_rcpt *rc = &r->rcpt[i];

		if (scan_thin(rc->diagnostic) || rc->replycode[0] == '\0' ||
		    rc->status[0] == '\0' || rc->remote_mta == NULL)
			return 0;
	}
	return 1;
}

size_t
scan_text(const scan_input *in, bt_result *r, const bt_caps *caps)
{
	scan_doc d;
	size_t added = 0;

	if (in == NULL || r == NULL || caps == NULL || in->text == NULL)
		return 0;
	if (scan_doc_init(&d, in, caps, r) == 0) {
		if (r->nrcpt > 0)
			scan_complete(&d, r, caps, in->cmd_only);
		else {
			scan_find_all(&d);
			/* The family and the delay warning only matter to the
			 * recipients added: looked for (one pass over the
			 * text) only when there are some.  A JSON notification
			 * (scan_find_all) names its own family. */
			if (d.ncand > 0)
				scan_doc_prose(&d, strcmp(d.family, "text") == 0);
			added = scan_add_all(&d, r, caps);
		}
		if (r->nrcpt > 0)
			scan_returned_msgid(&d, r, caps);
	}
	scan_doc_free(&d);
	return added;
}
