/*
 * scan.h - recipients, status, reply code, remote host and diagnostic text
 * from the human-readable text of a bounce: the non-RFC 3464 formats of real
 * MTAs and services (Exim, qmail, Sendmail, Postfix's text, Courier, Exchange,
 * Office 365, Gmail, Domino, ...), and the text that a DSN's human-readable
 * part adds to its machine-readable fields.  Plain C, no I/O.
 */
#ifndef BT_SCAN_H
#define BT_SCAN_H

#include <stddef.h>
#include "engine.h"
#include "result.h"

typedef struct scan_input {
	const char *text;	/* decoded human-readable text, LF line ends, NUL-terminated */
	size_t len;		/* capped at caps->max_text */
	/* Top-level header lookup: value of the first field named `name` (any
	 * case), unfolded, or NULL.  ctx is passed back. */
	const char *(*header)(void *ctx, const char *name);
	void *ctx;
	int has_dsn;		/* a message/delivery-status part was parsed */
	int is_report;		/* Content-Type multipart/report */
	/* Complete only the recipients' smtp_command (a scan put off while
	 * scan_text_cmd_only() held, see there); the other fields are left
	 * as they are, whatever a classifier has made of them since. */
	int cmd_only;
} scan_input;

/* Fill r from the text.  When r already has recipients (from a DSN), only
 * complete them: a missing diagnostic, reply code or status found in the
 * text for the same address (or for the only recipient).  Otherwise add the
 * recipients found (at most caps->max_recipients), with action "failed"
 * (or "delayed" where the text says so), and set r->format to the family
 * name ("exim", "qmail", ...).  Returns the number of recipients added. */
size_t scan_text(const scan_input *in, bt_result *r, const bt_caps *caps);

/* 1 when scan_text() on r, as it is, can set nothing but the recipients'
 * smtp_command: r has recipients (so the text only completes them), each
 * with a diagnostic that says more than a code, a reply code, a status and
 * a remote host, and the returned message's Message-ID is known.  A front
 * end may then put the scan off until an smtp_command is asked for (the
 * classifier's phase rules; most recipients are classified without). */
int scan_text_cmd_only(const bt_result *r);

/* The first line of t[0..len) that starts like a DSN field
 * ("Reporting-MTA:", "Final-Recipient:", "Original-Recipient:", any case,
 * with something after it), or NULL: the engine reads the fields of a
 * report that has them in its text (scan_util.c). */
const char *scan_dsn_line(const char *t, size_t len);

#endif
