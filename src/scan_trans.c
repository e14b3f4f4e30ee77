/*
 * scan_trans.c - what an SMTP transcript or a pasted DSN in the text of a
 * bounce tells about a recipient: the command the server refused
 * (">>> DATA" then "<<< 550 ...", with Sendmail's pipelining undone), the
 * host it was talking to, and the fields of "Final-Recipient:" blocks.
 *
 * Memory: nothing is allocated here but the candidates' buffers (owned by
 * the scan_doc, see scan_int.h).
 */
#include <string.h>
#include <strings.h>

#include "scan_int.h"

/* The value of field `name` on line l ("Status: 5.1.1"), or NULL. */
static const char *
scan_field(const scan_line *l, const char *name, size_t *vlen)
{
	const char *s = l->s, *end = l->s + l->len;
	size_t n = strlen(name);

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if ((size_t)(end - s) < n || strncasecmp(s, name, n) != 0)
		return NULL;
	s += n;
	while (s < end && *s == ' ')
		s++;
	*vlen = (size_t)(end - s);
	return s;
}

/* A DSN pasted into the text: the fields after "Final-Recipient:" up to a
 * blank line.  Returns the line after the block. */
size_t
scan_dsn_block(scan_doc *d, size_t i, scan_cand *c)
{
	size_t j, vlen;
	const char *v;
	scan_buf st;

	memset(&st, 0, sizeof(st));
	st.cap = 120;
	for (j = i + 1; j < d->cut && j <= i + SCAN_MAX_BLOCK &&
	    !scan_line_blank(&d->line[j]); j++) {
		const scan_line *l = &d->line[j];
		if ((v = scan_field(l, "Diagnostic-Code:", &vlen)) != NULL) {
			const char *sc = memchr(v, ';', vlen);
			if (sc != NULL && sc - v < 16) {
				vlen -= (size_t)(sc + 1 - v);
				v = sc + 1;
			}
			scan_buf_add(&c->diag, v, vlen);
			while (j + 1 < d->cut && d->line[j + 1].len > 0 &&
			    (d->line[j + 1].s[0] == ' ' ||
			    d->line[j + 1].s[0] == '\t')) {
				j++;
				scan_buf_add(&c->diag, d->line[j].s,
				    d->line[j].len);
			}
		} else if ((v = scan_field(l, "Status:", &vlen)) != NULL) {
			scan_buf_add(&st, v, vlen);
			if (st.p != NULL)
				(void)scan_status_code(st.p, c->status);
		} else if ((v = scan_field(l, "Action:", &vlen)) != NULL &&
		    scan_has(v, vlen, "delayed"))
			c->delayed = 1;
	}
	if (c->diag.p == NULL && st.p != NULL) {
		const char *p = strchr(st.p, '(');
		if (p != NULL)
			scan_buf_add(&c->diag, p, strlen(p));
	}
	scan_buf_free(&st);
	return j;
}

/* The command of a transcript line ">>> DATA", or NULL. */
const char *
scan_cmd_line(const scan_line *l)
{
	static const char *const cmds[] = {
		"DATA", "RCPT", "MAIL", "EHLO", "HELO", NULL
	};
	const char *s = l->t;
	size_t len = l->tlen, i;

	/* byte by byte, not a strncmp() call: most lines fail at once */
	if (len < 5 || s[0] != '>' || s[1] != '>' || s[2] != '>' ||
	    s[3] != ' ')
		return NULL;
	s += 4;
	len -= 4;
	if (len >= 1 && *s == '.' && (len == 1 || s[1] == ' '))
		return "DATA";	/* the end of the message data */
	for (i = 0; cmds[i] != NULL; i++)
		if (len >= 4 && strncasecmp(s, cmds[i], 4) == 0)
			return i >= 3 ? "HELO" : cmds[i];
	return NULL;
}

/* The host of "... while talking to HOST.:" above line i in its
 * transcript paragraph. */
void
scan_talking_to(const scan_doc *d, size_t i, char *out, size_t outlen)
{
	size_t k;
	char tmp[256];

	for (k = i + 1; k-- > 0 && i - k <= 10;) {
		const scan_line *l = &d->line[k];
		if (k < i && scan_line_blank(l))
			return;
		if (l->len < sizeof(tmp) && scan_has(l->s, l->len, "talking to")) {
			memcpy(tmp, l->s, l->len);
			tmp[l->len] = '\0';
			(void)scan_remote_mta(tmp, out, outlen);
			return;
		}
	}
}

/* Pipelining: the reply after ">>> DATA" answered a RCPT when the server
 * then says "503 ... RCPT" or "no valid recipients", or when Sendmail's
 * own line after it is "550 5.1.1 <addr>... User unknown". */
static int
scan_pipelined_rcpt(const scan_doc *d, size_t i)
{
	size_t k;

	for (k = i + 1; k < d->cut && k <= i + 8 &&
	    !scan_line_blank(&d->line[k]); k++) {
		const char *s = d->line[k].t;
		size_t len = d->line[k].tlen;
		if (len > 8 && strncmp(s, "<<< 5", 5) == 0 &&
		    (scan_has(s, len, "RCPT") ||
		    scan_has(s, len, "valid recipient")))
			return 1;
		if (k == i + 1 && len > 12 && strncmp(s, "<<<", 3) != 0 &&
		    strncmp(s, "5", 1) == 0 && scan_has(s, len, ">... ") &&
		    scan_has(s, len, " 5.1."))
			return 1;
	}
	return 0;
}

/* The command sent just before line i in a transcript (">>> RCPT To:<a>"
 * then "<<< 550 ..."), looking back over the lines of its paragraph. */
const char *
scan_cmd_before(const scan_doc *d, size_t i)
{
	size_t k;

	for (k = i + 1; k-- > 0 && i - k <= 8;) {
		const char *c = scan_cmd_line(&d->line[k]);
		if (c != NULL) {
			if (strcmp(c, "DATA") == 0 && scan_pipelined_rcpt(d, i))
				return "RCPT";
			return c;
		}
		if (k < i && scan_line_blank(&d->line[k]))
			break;
	}
	return NULL;
}

/* Does s[0..len) hold "SMTP command" (any case)?  Horspool's search: the
 * window's last byte tells how far it may move (12 for a byte not in the
 * phrase), a few steps on a short line where a byte-by-byte search takes
 * one per byte.  scan_smtp_last[c] is 1 + the last index of c in
 * "smtp comman" (the phrase but its last byte), 0 when none. */
static const unsigned char scan_smtp_last[256] = {
	['s'] = 1, ['S'] = 1, ['t'] = 3, ['T'] = 3, ['p'] = 4, ['P'] = 4,
	[' '] = 5, ['c'] = 6, ['C'] = 6, ['o'] = 7, ['O'] = 7,
	['m'] = 9, ['M'] = 9, ['a'] = 10, ['A'] = 10, ['n'] = 11, ['N'] = 11
};

static int
scan_has_smtp_command(const char *s, size_t len)
{
	size_t p = 0;

	while (p + 12 <= len) {
		unsigned char c = (unsigned char)s[p + 11];
		/* the window's last byte first: 'd' or 'D', else no match */
		if ((c | 0x20) == 'd' && scan_eq_fold(s + p, "SMTP command", 12))
			return 1;
		p += 12u - scan_smtp_last[c];
	}
	return 0;
}

/* The command of the report as a whole: the one before the first reply
 * in a transcript, or the line after "SMTP command" (m-FILTER). */
void
scan_find_cmd(scan_doc *d)
{
	/* by pointer, up to the cut line: the index and its multiply were
	 * a third of the loop's cost on the lines told by their length */
	const scan_line *l = d->line, *e;
	const char *c = NULL;

	if (d->cut == 0)
		return;		/* (no lines: d->line may be NULL) */
	e = l + d->cut;

	for (; l < e; l++) {
		const char *s;
		size_t len = l->tlen;
		/* both shapes are 7 bytes long at least: most lines (blank
		 * ones too) are told by their length */
		if (len < 7)
			continue;
		s = l->t;
		if (s[0] == '<' && s[1] == '<' && s[2] == '<' &&
		    s[3] == ' ' && (s[4] == '4' || s[4] == '5'))
			c = scan_cmd_before(d, (size_t)(l - d->line));
		/* "SMTP command" is looked for only in the lines short
		 * enough (the cheap tests first) */
		else if (len - 12 < 40 - 12 && l + 1 < e &&
		    scan_has_smtp_command(s, len)) {
			s = l[1].t;
			len = l[1].tlen;
			if (len >= 4 && len <= 9)
				c = scan_cmd_phrase(s, len) ? scan_cmd_phrase(s,
				    len) : (strncasecmp(s, "DATA", 4) == 0 ?
				    "DATA" : NULL);
		}
		if (c != NULL)
			break;
	}
	if (c != NULL)
		strcpy(d->cmd, c);
}
