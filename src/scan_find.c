/*
 * scan_find.c - find the failed recipients in the human-readable text of a
 * bounce, generically, by the shape of the lines that name them:
 *
 *   addr                       a line that is only an address (Exim, Gmail,
 *   <addr>  "addr"  * addr     Office 365, Exchange, Domino, qmail...), its
 *   addr<mailto:addr>          error in the indented or following lines
 *   addr on <date>
 *   <addr>: error text         Postfix, qmail, OpenSMTPD, MXLogic, Yahoo
 *   <addr>... error text       Sendmail, also after a reply code
 *   550 5.1.1 <addr>... text   ("<<< 550 ..." in a transcript)
 *   addr (error) / addr [error] / addr error-words
 *   Final-Recipient: rfc822; addr   a DSN pasted into the text
 *
 * and, when none of those is there, lines that mention an address in an
 * error sentence ("Could not be delivered to: <addr>", "RCPT TO:<addr>").
 * The error text shared by all recipients ("because:", "The error that the
 * other server returned was:", reply-code lines) is found separately.
 *
 * Memory: candidates are stored in the scan_doc (see scan_int.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"

/* Labels in front of a recipient's address on its line. */
static const struct scan_str scan_label_list[] = {
	SCAN_STR("final-recipient:"), SCAN_STR("recipient address:"),
	SCAN_STR("recipient:"), SCAN_STR("address:"), SCAN_STR("mailto:"),
	SCAN_STR("rcpt to:"), { NULL, 0 }
};
static scan_prefixes scan_labels = SCAN_PREFIXES(scan_label_list);

/* Lines of an error block that are the reporting MTA's own words, not the
 * error (they start so, trimmed).  Two are cut short by a byte ("queu",
 * "unti"): that is how many bytes were compared, and the output stays so. */
static const struct scan_str scan_drop_list[] = {
	SCAN_STR("giving up on "), SCAN_STR("message could not be delivered for"),
	SCAN_STR("message will be deleted from queu"),
	SCAN_STR("warning: message still undelivered"),
	SCAN_STR("will keep trying unti"), SCAN_STR("(other mxes tried"),
	SCAN_STR("action:"), SCAN_STR("final-recipient:"), { NULL, 0 }
};
static scan_prefixes scan_drops = SCAN_PREFIXES(scan_drop_list);

/* Sentences of the reporting MTA's own that say nothing about the error;
 * each is looked for by its byte SCAN_NOISE_KEY, an apostrophe. */
static const struct scan_str scan_noise[] = {
	SCAN_STR("I'm not going to try again; this message has been in the "
	    "queue too long."),
	{ NULL, 0 }
};
#define SCAN_NOISE_KEY	1

/* Lines that introduce the error text common to the report. */
static const char *const scan_intro[] = {
	"the error that the other server returned was",
	"for the following reason",
	"delivery failed for the following reason",
	"could not be delivered because of",
	"non-delivered information",
	"server message",
	"technical details",
	"error message:",
	"the following errors occurred",
	"remote server returned",
	"because:",
	"reason:",
	"error:",
	"delay reason:",
	"following address(es) failed",
	"following address failed",
	NULL
};
static scan_set scan_intro_set = SCAN_SET(scan_intro);

scan_cand *
scan_cand_add(scan_doc *d, const char *a, size_t alen, int strength)
{
	scan_cand *c;

	if (d->ncand >= SCAN_MAX_CANDS || alen > SCAN_MAX_ADDR)
		return NULL;
	if (d->ncand == d->acand) {
		/* the first SCAN_CANDS0 in the scan_doc itself */
		scan_cand *p = scan_grow(d->cand, d->cand0, SCAN_CANDS0, &d->acand,
					 sizeof(*p), SCAN_MAX_CANDS);

		if (p == NULL)
			return NULL;
		d->cand = p;
	}
	c = &d->cand[d->ncand++];
	/* every field zeroed but the two strings that are only read up to
	 * their NUL (addr, set here, and mta): ~400 bytes a candidate */
	memcpy(c->addr, a, alen);
	c->addr[alen] = '\0';
	memset(&c->diag, 0, sizeof(c->diag));
	memset(c->status, 0, sizeof(c->status));
	memset(c->cmd, 0, sizeof(c->cmd));
	c->mta[0] = '\0';
	c->strength = strength;
	c->delayed = 0;
	c->kind = SCAN_KIND_FAILED;
	c->final = 0;
	c->diag.cap = d->caps->max_field;
	c->diag.pool = &d->pool;
	return c;
}

static int
scan_separator(const scan_line *l)
{
	const char *s = l->t;
	size_t len = l->tlen;

	return len >= 3 && (strncmp(s, "---", 3) == 0 ||
	    strncmp(s, "===", 3) == 0 || strncmp(s, "***", 3) == 0 ||
	    strncmp(s, "___", 3) == 0);
}

/* s[0..3) is c three times ("<<<", ">>>"). */
static int
scan_is3(const char *s, char c)
{
	return s[0] == c && s[1] == c && s[2] == c;
}

/* Skip "<<< ", ">>> ", "* ", "- " and a reply code (with status) at the
 * start; *code is where the reply code starts, or NULL. */
static const char *
scan_skip_lead(const char *s, const char *end, const char **code)
{
	*code = NULL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	{
		/* "Sent <<< ", "Received >>> " (a transcript with words) */
		const char *w = s;
		w = scan_alpha_end(w, end);
		if (w > s) {
			if (end - w >= 4 && *w == ' ' &&
			    (scan_is3(w + 1, '<') || scan_is3(w + 1, '>')))
				s = w + 1;
			else
				return s;	/* a word: no lead, no code */
		}
	}
	if (end - s >= 3 && (scan_is3(s, '<') || scan_is3(s, '>')))
		s += 3;
	else if (end - s >= 2 && (*s == '*' || *s == '-') && s[1] == ' ')
		s += 2;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	/* a reply code: scan_reply_code() of the four bytes alone, which
	 * (the fourth ' ' or '-', then the end) finds one only at their
	 * start, when they are three digits, the first 2 to 5 */
	if (end - s >= 4 && SCAN_IS_DIGIT(*s) &&
	    (s[3] == ' ' || s[3] == '-')) {
		if (*s >= '2' && *s <= '5' && SCAN_IS_DIGIT(s[1]) &&
		    SCAN_IS_DIGIT(s[2])) {
			*code = s;
			s += 4;
			while (s < end && *s == ' ')
				s++;
			while (s < end && (SCAN_IS_DIGIT(*s) || *s == '.'))
				s++;
			while (s < end && *s == ' ')
				s++;
		}
	}
	return s;
}

/* Where the reply code of line l (not blank) starts, as scan_skip_lead()
 * on the whole line finds it, or NULL.  Most lines are told at once: a
 * code follows a lead of ' ' and '\t', then a word only if " <<<" or
 * " >>>" comes next, "<<<", ">>>", "* " or "- "; so the first byte after
 * the blanks (l->t[0], or a '\v', '\f' or '\r' that stops the lead: no
 * code then) must start such a word, be one of "<>*-", or a digit 2 to 5.
 * The rest is left to scan_skip_lead() (and its copy of a code). */
static inline __attribute__((always_inline)) const char *
scan_line_code(const scan_line *l)
{
	const char *code, *w = l->t, *e = l->t + l->tlen;
	unsigned char c = (unsigned char)*w;

	if (SCAN_IS_ALPHA(c)) {
		w = scan_alpha_end(w, e);
		if (e - w < 4 || *w != ' ' ||
		    !(scan_is3(w + 1, '<') || scan_is3(w + 1, '>')))
			return NULL;
	} else if (!(c >= '2' && c <= '5') && c != '<' && c != '>' &&
	    c != '*' && c != '-')
		return NULL;
	(void)scan_skip_lead(l->s, l->s + l->len, &code);
	return code;
}

/* Shape of the text after the address; returns 1 and sets *rest when the
 * line names a recipient. */
static int
scan_anchor_rest(const char *a, size_t alen, const char *p, const char *end,
    int coded, const char **rest)
{
	size_t n;

	while (p < end && (*p == '>' || *p == '"' || *p == '\''))
		p++;
	n = (size_t)(end - p);
	if (coded) {
		if (n >= 3 && strncmp(p, "...", 3) == 0) {
			*rest = p + 3;
			return 1;
		}
		return 0;
	}
	while (n > 0 && isspace((unsigned char)end[-1])) {
		end--;
		n--;
	}
	if (n == 0 || (n >= 8 && strncasecmp(p, "<mailto:", 8) == 0)) {
		*rest = end;
		return 1;
	}
	if (*p == ':' || (n >= 3 && strncmp(p, "...", 3) == 0)) {
		*rest = p + (*p == ':' ? 1 : 3);
		return 1;
	}
	if (!isspace((unsigned char)*p))
		return 0;
	while (p < end && isspace((unsigned char)*p))
		p++;
	n = (size_t)(end - p);
	if (n >= 3 && strncmp(p, "on ", 3) == 0) {
		*rest = end;	/* Exchange: "addr on <date>" */
		return 1;
	}
	if (*p == '<' && n > alen && strncasecmp(p + 1, a, alen) == 0) {
		*rest = p + 1 + alen + 1;	/* ">>> addr <addr>" */
		if (*rest > end)
			*rest = end;
		return 1;
	}
	if (*p == '(' || *p == '[') {
		*rest = p;
		return 1;
	}
	{
		char tmp[160];
		size_t k = n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1;
		memcpy(tmp, p, k);
		tmp[k] = '\0';
		if (scan_is_error_text(tmp)) {
			*rest = p;
			return 1;
		}
	}
	return 0;
}

/* Does line l name a recipient in an anchored shape?  Sets the address,
 * the text after it (*rest) and where the diagnostic starts (*dstart). */
static int
scan_anchor(scan_doc *d, const scan_line *l, size_t *aoff,
    size_t *alen, const char **rest, const char **dstart)
{
	const char *s = l->s, *end = l->s + l->len, *p;
	size_t off, n;

	if (!l->at) {
		*dstart = NULL;		/* no address: most lines */
		return 0;
	}
	p = scan_skip_lead(s, end, dstart);
	if ((off = (size_t)scan_starts_any(&scan_labels, p,
	    (size_t)(end - p))) != 0)
		p += scan_label_list[off - 1].n;
	while (p < end && (*p == '<' || *p == '"' || *p == '\'' ||
	    *p == ' '))
		p++;
	if (end - p >= 7 && scan_eq_fold(p, "rfc822;", 7)) {
		p += 7;
		/* "rfc822; addr" and "rfc822;<addr>" alike */
		while (p < end && (*p == ' ' || *p == '<' || *p == '"'))
			p++;
	}
	/* the address must start at p (most lines of prose fail at their
	 * first word) */
	if ((n = scan_addr_at(p, end)) == 0)
		return 0;
	if (scan_addr_skipped(d, p, n, *dstart != NULL))
		return 0;
	if (!scan_anchor_rest(p, n, p + n, end, *dstart != NULL, rest))
		return 0;
	/* An indented "<addr>... text" is a Sendmail reply quoted inside
	 * another report's wrapped error lines (Exim's "host ...: 550 5.7.0
	 * <addr>... Please use ..."): when it names the report's own
	 * addressee (the original sender), it is not a recipient. */
	if (*dstart == NULL && *rest >= p + n + 3 && strncmp(*rest - 3, "...", 3) == 0 &&
	    (*s == ' ' || *s == '\t') && scan_addr_skipped(d, p, n, 1))
		return 0;
	if (*dstart != NULL) {
		/* "554 <addr>... 550 Host unknown": the inner reply */
		const char *q = *rest, *code;
		while (q < end && *q == ' ')
			q++;
		(void)scan_skip_lead(q, end, &code);
		if (code == q)
			*dstart = q;
	}
	*aoff = (size_t)(p - s);
	*alen = n;
	return 1;
}

static size_t
scan_indent(const scan_line *l)
{
	size_t i;

	for (i = 0; i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'); i++)
		;
	return i;
}

static int
scan_drop_line(const scan_line *l)
{
	const char *s = l->t;
	size_t len = l->tlen, n = len < 24 ? len : 24;

	/* the three phrases in parentheses: none without a '(' */
	if (memchr(s, '(', n) != NULL &&
	    (scan_has(s, n, "(expanded from") ||
	    scan_has(s, n, "(generated from") ||
	    scan_has(s, n, "(ultimately generated")))
		return 1;
	return scan_starts_any(&scan_drops, s, len) != 0;
}

/* Lines after an anchor that belong to it: up to a blank line, a separator,
 * another anchor or the returned message. */
static size_t
scan_block(scan_doc *d, size_t i, scan_buf *b)
{
	size_t j, off, alen;
	const char *rest, *ds;

	size_t ind = scan_indent(&d->line[i]);
	int coded = !scan_line_blank(&d->line[i]) &&
	    scan_line_code(&d->line[i]) != NULL;

	for (j = i + 1; j < d->cut && j <= i + SCAN_MAX_BLOCK; j++) {
		const scan_line *l = &d->line[j];
		if (scan_line_blank(l) || scan_separator(l))
			break;
		if (coded) {
			/* a transcript: the next reply is another's */
			if (scan_line_code(l) != NULL ||
			    scan_cmd_line(l) != NULL ||
			    scan_has(l->s, l->len < 20 ? l->len : 20,
			    "talking to"))
				break;
		}
		/* another anchor (only a line with an '@' can be one) */
		if (l->at && scan_indent(l) <= ind &&
		    scan_anchor(d, l, &off, &alen, &rest, &ds))
			break;
		if (!scan_drop_line(l))
			scan_buf_add(b, l->t, l->tlen);
	}
	return j;
}

static void
scan_anchor_delayed(scan_doc *d, scan_cand *c)
{
	/* found by its ':' (byte 6), rare in text */
	if (c->diag.p != NULL && scan_find_by(c->diag.p, c->diag.len,
	    "Action: delayed", 15, 6) != NULL)
		c->delayed = 1;
	(void)d;
}

/* Is line i, an address alone, the sender ("A message sent by\n\n<addr>")? */
static int
scan_after_sent_by(const scan_doc *d, size_t i)
{
	const char *s;
	size_t len;

	while (i > 0 && scan_line_blank(&d->line[i - 1]))
		i--;
	if (i == 0)
		return 0;
	s = d->line[i - 1].t;
	len = d->line[i - 1].tlen;
	return (len >= 7 && scan_eq_fold(s + len - 7, "sent by", 7)) ||
	    (len >= 5 && scan_eq_fold(s + len - 5, " from", 5));
}

/* Remove the reporting MTA's boilerplate sentences from a diagnostic.
 * Every change shortens it: a text of the same length is the same text,
 * and keeps the codes found in it (b->codes). */
void
scan_denoise(scan_buf *b)
{
	size_t i, len0 = b->len;

	for (i = 0; b->p != NULL && scan_noise[i].s != NULL; i++) {
		size_t n = scan_noise[i].n;
		const char *p = scan_find_by(b->p, b->len, scan_noise[i].s, n,
		    SCAN_NOISE_KEY);
		if (p == NULL)
			continue;
		memmove(b->p + (p - b->p), p + n, b->len - (size_t)(p - b->p) - n + 1);
		b->len -= n;
	}
	while (b->len > 0 && b->p[b->len - 1] == ' ')
		b->p[--b->len] = '\0';
	if (b->len != len0)
		b->codes = 0;	/* p has changed */
}

/* Is the address that ends at offset e of line l alone on its line (no
 * ':' or "..." after it)? */
static int
scan_bare(const scan_line *l, size_t e)
{
	while (e < l->len && (l->s[e] == '>' || l->s[e] == '"' ||
	    l->s[e] == '\''))
		e++;
	return !(e < l->len && (l->s[e] == ':' || l->s[e] == '.'));
}

/* Sendmail's own line for a recipient ("554 <addr>... Remote protocol
 * error") right after the server's reply that caused it ("<<< 501 ...
 * open relay"): the server's reply comes first in the diagnostic. */
static void
scan_server_reply(const scan_doc *d, size_t i, scan_buf *b)
{
	const scan_line *l = &d->line[i], *p;
	const char *s, *code, *cmd;
	size_t len, off, alen;
	char a[SCAN_MAX_ADDR + 1];

	s = l->t;
	len = l->tlen;
	if (i == 0 || (len >= 3 && strncmp(s, "<<<", 3) == 0))
		return;
	p = &d->line[i - 1];
	s = p->t;
	len = p->tlen;
	if (len < 8 || strncmp(s, "<<< ", 4) != 0)
		return;
	(void)scan_skip_lead(s, s + len, &code);
	if (code == NULL)
		return;
	cmd = scan_cmd_before(d, i - 1);
	if (cmd != NULL && strcmp(cmd, "RCPT") == 0 &&
	    scan_addr_find(s, len, &off, &alen) && alen < sizeof(a)) {
		memcpy(a, s + off, alen);
		a[alen] = '\0';
		if (!scan_has(l->s, l->len, a))
			return;	/* the reply to another recipient's RCPT */
	}
	scan_buf_add(b, code, (size_t)(s + len - code));
}

/* Which label s[0..n) holds: 1 "final-recipient:", else 2 "rcpt to:",
 * else 0 (any case, anywhere).  Both end with ':', so each ':' is looked
 * at as the end of either (most lines have one or none). */
static int
scan_label24(const char *s, size_t n)
{
	const char *q = s, *e = s + n;
	int found = 0;

	while ((q = memchr(q, ':', (size_t)(e - q))) != NULL) {
		if (q - s >= 15 && scan_eq_fold(q - 15, "final-recipient:", 16))
			return 1;
		if (q - s >= 7 && scan_eq_fold(q - 7, "rcpt to:", 8))
			found = 2;
		q++;
	}
	return found;
}

/* Strong candidates: every anchored line before the returned message. */
void
scan_find_anchors(scan_doc *d)
{
	size_t i, k = 0, off, alen, n24;
	const char *rest, *ds;
	int label;

	/* only the lines with an address (i may move on over a block: the
	 * next such line after it is taken) */
	for (i = scan_at_next(d, &k, 0); i < d->cut;
	    i = scan_at_next(d, &k, i + 1)) {
		const scan_line *l = &d->line[i];
		scan_cand *c;
		if (!scan_anchor(d, l, &off, &alen, &rest, &ds) ||
		    scan_after_sent_by(d, i))
			continue;
		c = scan_cand_add(d, l->s + off, alen, 2);
		if (c == NULL)
			return;
		/* the labels, in the first 24 bytes */
		n24 = l->len < 24 ? l->len : 24;
		label = scan_label24(l->s, n24);
		if (label == 1) {
			i = scan_dsn_block(d, i, c) - 1;
			continue;
		}
		if (label == 2) {
			/* a transcript or a list of message details: the
			 * error is on other lines */
			continue;
		}
		if (ds != NULL) {
			const char *cmd = scan_cmd_before(d, i);
			scan_server_reply(d, i, &c->diag);
			scan_buf_add(&c->diag, ds, (size_t)(l->s + l->len - ds));
			if (cmd != NULL)
				strcpy(c->cmd, cmd);
			scan_talking_to(d, i, c->mta, sizeof(c->mta));
		}
		else if (rest < l->s + l->len)
			scan_buf_add(&c->diag, rest,
			    (size_t)(l->s + l->len - rest));
		i = scan_block(d, i, &c->diag) - 1;
		if (scan_bare(l, off + alen) && c->diag.p != NULL &&
		    !scan_is_error_text(c->diag.p)) {
			/* an address above a signature or a list footer */
			scan_buf_free(&c->diag);
			d->ncand--;
			continue;
		}
		scan_anchor_delayed(d, c);
	}
}

/* The short paragraph after the blank lines that follow line i (a reason
 * given after "There was an error delivering your mail to <addr>."). */
static void
scan_next_para(const scan_doc *d, size_t i, scan_buf *b)
{
	size_t j, k;

	for (j = i; j < d->cut && scan_line_blank(&d->line[j]); j++)
		;
	if (j == i || j >= d->cut)
		return;
	for (k = j; k < d->cut && !scan_line_blank(&d->line[k]); k++)
		if (k - j >= 4 || scan_separator(&d->line[k]))
			return;
	for (k = j; k < d->cut && !scan_line_blank(&d->line[k]); k++)
		scan_buf_add(b, d->line[k].t, d->line[k].tlen);
}

/*
 * Would a weak candidate for a[0..alen) change nothing?  So when an
 * earlier candidate has the same address (as scan_merge() compares them:
 * strcasecmp() of the NUL-terminated copies) and a diagnostic with a reply
 * or status code.  scan_merge() folds the candidates of an address into
 * the first, in order: once the text it keeps has a code it never takes
 * another's (only a text with a code replaces one without), so a later
 * weak candidate gives it nothing: a weak one has no status, command,
 * remote host nor delay to add.  Merged away, it is never seen by the
 * passes after the merge, and the number of candidates after it is the
 * same.  (The caller makes sure that SCAN_MAX_CANDS cannot be reached, so
 * one not added does not let another in.)
 */
static int
scan_weak_adds_nothing(scan_doc *d, const char *a, size_t alen)
{
	char tmp[SCAN_MAX_ADDR + 1];
	size_t i;

	if (alen > SCAN_MAX_ADDR)
		return 0;
	memcpy(tmp, a, alen);
	tmp[alen] = '\0';
	for (i = 0; i < d->ncand; i++) {
		scan_cand *c = &d->cand[i];
		if (strcasecmp(c->addr, tmp) != 0)
			continue;
		if (c->diag.p != NULL && scan_buf_coded(&c->diag))
			return 1;
	}
	return 0;
}

/* Weak candidates: any line before the returned message that mentions an
 * address (not one of the report's own) together with error words. */
void
scan_find_weak(scan_doc *d)
{
	size_t i, k = 0;
	/* each line gives one candidate at most: can the pass reach
	 * SCAN_MAX_CANDS? */
	int roomy = !d->nat_over && d->ncand + d->nat < SCAN_MAX_CANDS;

	/* only the lines with an address */
	for (i = scan_at_next(d, &k, 0); i < d->cut;
	    i = scan_at_next(d, &k, i + 1)) {
		const scan_line *l = &d->line[i];
		const char *s = l->s;
		size_t len = l->len, off, alen, n;
		char tmp[512];
		scan_cand *c;
		int found = 0;

		/* the words first: half the lines with an address have none,
		 * and the address is then not looked for (both tests read
		 * only the line) */
		n = l->len < sizeof(tmp) - 1 ? l->len : sizeof(tmp) - 1;
		memcpy(tmp, l->s, n);
		tmp[n] = '\0';
		if (!scan_is_failure_text(tmp) || scan_has(tmp, n, "MAIL FROM"))
			continue;
		/* the first address that is not one of the report's own */
		while (len > 0 && scan_addr_find(s, len, &off, &alen)) {
			if (!scan_addr_skipped(d, s + off, alen, 1)) {
				found = 1;
				break;
			}
			s += off + alen;
			len -= off + alen;
		}
		if (!found || (roomy && scan_weak_adds_nothing(d, s + off,
		    alen)))
			continue;
		c = scan_cand_add(d, s + off, alen, 1);
		if (c == NULL)
			return;
		scan_buf_add(&c->diag, l->t, l->tlen);
		if (scan_block(d, i, &c->diag) == i + 1)
			scan_next_para(d, i + 1, &c->diag);
	}
}

/* Lines that start with a reply code, with blank lines between them. */
static int
scan_code_lines(const scan_doc *d, scan_buf *out)
{
	/* by pointer, and out->trunc asked only where it may change (after
	 * an add): the loop's index and loads were half its cost on the
	 * lines told at once */
	const scan_line *l = d->line, *e;
	int found = 0;

	if (out->trunc || d->cut == 0)
		return 0;	/* (no lines: d->line may be NULL) */
	e = l + d->cut;
	for (; l < e; l++) {
		const char *code;

		if (scan_line_blank(l))
			continue;
		if ((code = scan_line_code(l)) == NULL) {
			if (found)
				break;
			continue;
		}
		found = 1;
		scan_buf_add(out, code, (size_t)(l->s + l->len - code));
		if (out->trunc)
			break;
	}
	return found;
}

/* The text after an intro line ("because:"), or on it after the phrase. */
static int
scan_intro_text(const scan_doc *d, scan_buf *out)
{
	size_t i, k, j;
	uint64_t any = 0;
	const char *end0;

	/* One pass over the text before the returned message finds which
	 * intros are there at all (a line is a part of that text: an intro
	 * in a line is found; one found across lines only costs a look);
	 * only those are then looked for in turn (the first intro of the
	 * list wins), each in that text at once rather than line by line. */
	if (d->cut == 0)
		return 0;
	end0 = d->line[d->cut - 1].s + d->line[d->cut - 1].len;
	any = scan_set_mask(&scan_intro_set, d->in->text,
	    (size_t)(end0 - d->in->text));
	for (k = 0; scan_intro[k] != NULL && any != 0; k++) {
		size_t n;
		const char *from = d->line[0].s, *p;
		if (!(any & ((uint64_t)1 << k)))
			continue;
		n = strlen(scan_intro[k]);
		i = 0;
		/* A match in the text is a match in the line that holds it,
		 * the first one of that line: an intro has no '\n' or '\r'
		 * and starts with a letter, so it is never in the "> " or
		 * '\r' that a line leaves out. */
		while ((p = scan_find_n(from, (size_t)(end0 - from),
		    scan_intro[k], n)) != NULL) {
			const scan_line *l;
			const char *end;
			while (i < d->cut && d->line[i].s + d->line[i].len <
			    p + n)
				i++;
			if (i >= d->cut || p < d->line[i].s)
				break;	/* cannot be (see above) */
			l = &d->line[i];
			end = l->s + l->len;
			p += n;
			while (p < end && (*p == ':' || *p == ' ' ||
			    *p == '-' || *p == '\t'))
				p++;
			while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			if (p < end && end[-1] != ':') {
				scan_buf_add(out, p, (size_t)(end - p));
				return 1;
			}
			for (j = i + 1; j < d->cut && scan_line_blank(
			    &d->line[j]); j++)
				;
			for (; j < d->cut && j <= i + SCAN_MAX_BLOCK &&
			    !scan_line_blank(&d->line[j]) &&
			    !scan_separator(&d->line[j]); j++)
				scan_buf_add(out, d->line[j].t, d->line[j].tlen);
			if (out->len > 0)
				return 1;
			if (++i >= d->cut)
				break;
			from = d->line[i].s;
		}
	}
	return 0;
}

/* The error text of the whole report: reply-code lines, else the text after
 * an intro line (SCAN_GLOBAL_CODES, _INTRO); else SCAN_GLOBAL_NONE, and out
 * has nothing added. */
int
scan_find_global_coded(const scan_doc *d, scan_buf *out)
{
	if (scan_code_lines(d, out))
		return SCAN_GLOBAL_CODES;
	if (scan_intro_text(d, out))
		return SCAN_GLOBAL_INTRO;
	return SCAN_GLOBAL_NONE;
}

/* Else the report's prose: the sentences that say something went wrong,
 * else all of it (SCAN_GLOBAL_PROSE, or _NONE when there is no text). */
int
scan_find_global_prose(const scan_doc *d, scan_buf *out)
{
	size_t i;
	int any;

	for (i = 0; i < d->cut && !out->trunc; i++) {
		const scan_line *l = &d->line[i];
		char tmp[512];
		size_t n = l->len < sizeof(tmp) - 1 ? l->len : sizeof(tmp) - 1;
		if (scan_line_blank(l))
			continue;	/* no text: n would be 0 */
		memcpy(tmp, l->s, n);
		tmp[n] = '\0';
		while (n > 0 && isspace((unsigned char)tmp[n - 1]))
			tmp[--n] = '\0';
		if (n > 0 && tmp[n - 1] != ':' && scan_is_error_text(tmp))
			scan_buf_add(out, l->t, l->tlen);	/* not "...:" */
	}
	any = out->len > 0;
	for (i = 0; !any && i < d->cut && !out->trunc; i++)
		if (!scan_line_blank(&d->line[i]))
			scan_buf_add(out, d->line[i].t, d->line[i].tlen);
	return out->len > 0 ? SCAN_GLOBAL_PROSE : SCAN_GLOBAL_NONE;
}
