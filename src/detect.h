/*
 * detect.h - is this message a bounce?  Signals from the envelope sender and
 * the top-level header fields, each a bit; the engine ors them together and
 * asks detect_eoh() whether the body is worth reading, and at the end of the
 * message detect_is_bounce()/detect_is_autoreply() with what the body showed.
 * Plain functions over strings; no state, no allocation.
 */
#ifndef BT_DETECT_H
#define BT_DETECT_H

#include <stddef.h>

#define DETECT_NULL_SENDER	0x0001u	/* envelope sender or Return-Path <> */
#define DETECT_SENDER_KNOWN	0x0002u	/* a non-null envelope sender was given */
#define DETECT_FROM_DAEMON	0x0004u	/* From MAILER-DAEMON, postmaster, ... */
#define DETECT_SUBJECT		0x0008u	/* Subject like "Undelivered Mail ..." */
#define DETECT_XFAILED		0x0010u	/* X-Failed-Recipients */
#define DETECT_AUTO_REPLIED	0x0020u	/* Auto-Submitted: auto-replied / auto-generated */
#define DETECT_AUTOREPLY	0x0040u	/* X-Autoreply, vacation subject, ... */
#define DETECT_REPORT_DSN	0x0080u	/* multipart/report; report-type=delivery-status */
#define DETECT_REPORT_ARF	0x0100u	/* multipart/report; report-type=feedback-report */
#define DETECT_NOT_BOUNCE	0x0200u	/* MDN, TLS-RPT, DMARC aggregate report */
#define DETECT_MULTIPART	0x0400u	/* top-level multipart (not report) */
#define DETECT_TEXT		0x0800u	/* top-level single text part (or no Content-Type) */
#define DETECT_REPLY		0x1000u	/* Subject "Re:", "Fwd:": written by a human */
#define DETECT_BOUNCE_MAILER	0x2000u	/* X-Mailer etc. of a known bounce generator */
#define DETECT_REPORT		0x4000u	/* multipart/report of some other kind */
#define DETECT_AUTO_GENERATED	0x8000u	/* Auto-Submitted: auto-generated (weak) */
#define DETECT_SUBJECT_FWD	0x10000u	/* "Fwd: Returned mail": a forwarded bounce (weak) */
#define DETECT_COMPLAINT	0x20000u	/* Subject of an abuse/complaint report */
#define DETECT_UNSUBSCRIBE	0x40000u	/* X-Apple-Unsubscribe: an opt-out request */
#define DETECT_AUTOREPLY_WEAK	0x80000u	/* "vacation", "away" somewhere in the Subject */

#define DETECT_STRONG	(DETECT_FROM_DAEMON | DETECT_SUBJECT | DETECT_XFAILED | \
			 DETECT_REPORT_DSN | DETECT_BOUNCE_MAILER)

unsigned detect_sender(const char *sender);
/* Signals of one top-level header field; value may be folded. */
unsigned detect_header(const char *name, const char *value);
/* The same for a name already classified: id is its fieldname_id(). */
unsigned detect_field(int id, const char *name, const char *value);
/* detect_field() for a value of vlen bytes (strlen(value)), known to
 * hold no CR and exactly nlf LFs ((size_t)-1: not known), which spares
 * scans of the Subject and From. */
unsigned detect_field_nl(int id, const char *name, const char *value,
			 size_t vlen, size_t nlf);
/* 1 when a Content-Type value of vlen bytes (strlen(value)) is
 * multipart/report with report-type delivery-status (any case), as
 * mime_type() and mime_param() read it. */
int detect_dsn_report(const char *value, size_t vlen);
/* The signals of the name alone (nlen bytes, no NUL needed): what
 * detect_field() says for a field whose value it does not read. */
unsigned detect_name(int id, const char *name, size_t nlen);
/* ENGINE_MORE or ENGINE_NOT_BOUNCE, from the signals of the headers. */
int detect_eoh(unsigned sig);

#endif
