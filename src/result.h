/*
 * result.h - what the engine found in one message.
 *
 * A bt_result is owned by the engine that filled it: it stays valid until the
 * next engine_reset() or engine_free().  Every string in it is NUL-terminated,
 * heap-allocated by the engine (or static, where marked), capped in length by
 * the engine's caps, and may be NULL when the message did not show the field.
 * Strings are copied out of the message as-is (no header-safety applied):
 * hdrfmt.c makes them safe for headers, json.c for JSON.
 */
#ifndef BT_RESULT_H
#define BT_RESULT_H

#include <stddef.h>

/* Classes, in the order of "matters most" (hard first). */
typedef enum bt_class {
	BT_CLASS_HARD = 0,	/* the address is dead: stop sending to it */
	BT_CLASS_BLOCK,		/* address fine; sender/host/content refused */
	BT_CLASS_SOFT,		/* address fine; delivery failed for now */
	BT_CLASS_UNDETERMINED,	/* a bounce whose cause is unknown */
	BT_CLASS_DELAYED,	/* Action: delayed (still trying) */
	BT_CLASS_DELIVERED,	/* Action: delivered, relayed, expanded */
	BT_CLASS_AUTOREPLY,	/* RFC 3834 auto-reply, vacation */
	BT_CLASS_COMPLAINT,	/* RFC 5965 ARF feedback report */
	BT_CLASS_NONE,		/* not a bounce at all */
	BT_CLASS__COUNT
} bt_class;

const char *result_class_name(bt_class c);		/* "hard", ... */
int result_class_parse(const char *name, bt_class *out);	/* 0 ok, -1 unknown */

/* Caps that were hit while reading the message (result.caps_hit). */
#define BT_CAP_BYTES	0x01u	/* stopped inspecting: max_bytes */
#define BT_CAP_LINE	0x02u	/* a line was longer than max_line */
#define BT_CAP_HEADER	0x04u	/* a header field was longer than max_header */
#define BT_CAP_DEPTH	0x08u	/* MIME nesting deeper than max_depth */
#define BT_CAP_PARTS	0x10u	/* more MIME parts than max_parts */
#define BT_CAP_RCPTS	0x20u	/* more recipients than max_recipients */
#define BT_CAP_FIELD	0x40u	/* a copied field was truncated */

const char *result_caps_string(unsigned caps, char *buf, size_t len);	/* "bytes,line" */

typedef struct bt_rcpt {
	char *recipient;		/* Final-Recipient address, or from text */
	char *original_recipient;	/* Original-Recipient address */
	char *action;			/* failed, delayed, delivered, ... (lowercase) */
	char status[16];		/* "5.1.1"; "" when none */
	int status_synthetic;		/* 1 when status is a made-up X.0.9NN code */
	char replycode[4];		/* "550"; "" when none */
	char *diagnostic;		/* Diagnostic-Code text (type stripped) or text found */
	char *diagnostic_type;		/* "smtp", "x-unix", ... */
	char *remote_mta;		/* Remote-MTA host (type stripped) */
	char *last_attempt_date;
	char *will_retry_until;
	const char *reason;		/* static: Sisimai reason name */
	const char *description;	/* static or ruleset-owned: code table text */
	bt_class cls;
	int hard;			/* 1: retrying this address is useless */
	char smtp_command[8];		/* SMTP command the remote refused: "RCPT", "DATA",
					 * "MAIL", "CONN", "HELO"; "" unknown (classify uses
					 * it: user unknown after DATA is filtered) */
	char mta_category[24];		/* the sending MTA's own category of the failure
					 * (PowerMTA's X-PowerMTA-BounceCategory, lower
					 * case: "bad-mailbox"); "" none */
} bt_rcpt;

typedef struct bt_result {
	bt_class cls;			/* class of rcpt[top], or NONE */
	size_t top;			/* the recipient that matters most */
	const char *format;		/* static: "rfc3464", "arf", "autoreply", "text", ... */
	char *sender;			/* envelope sender given to engine_envfrom */
	char *from;			/* header From: of the report */
	char *subject;			/* header Subject: of the report */
	char *mailer;			/* header X-Mailer: of the report (the product
					 * that wrote it: a filtering gateway ...) */
	char *reporting_mta;
	char *received_from_mta;
	char *arrival_date;
	char *original_envelope_id;
	char *original_message_id;	/* from the returned message / headers part,
					 * or the copy in a text bounce */
	char *original_from;
	char *original_to;
	char *original_subject;
	char *feedback_type;		/* ARF Feedback-Type */
	unsigned caps_hit;		/* BT_CAP_* */
	size_t nrcpt;
	size_t rcpt_alloc;
	bt_rcpt *rcpt;
	struct result_block *arena;	/* the strings result_set() copied (result.c) */
} bt_result;

/* Helpers for the engine's modules.  All return 0 on success, -1 on ENOMEM.
 * Every char * of a result is result_set()'s copy in the result's arena,
 * or NULL; it lives until the result is reset or cleared. */
void result_init(bt_result *r);		/* empty, owning nothing */
void result_clear(bt_result *r);		/* frees all; back to init state */
void result_reset(bt_result *r);		/* empty again, its memory kept for the next message */
bt_rcpt *result_add_rcpt(bt_result *r, size_t max_rcpts);	/* NULL when capped/ENOMEM (sets BT_CAP_RCPTS) */
/* *field = a copy of s[0..len), cut at cap bytes (0: no cap; a cut sets
 * BT_CAP_FIELD in r->caps_hit); field is one of r's (or its recipients')
 * string fields. */
int result_set(bt_result *r, char **field, const char *s, size_t len, size_t cap);
size_t result_arena_used(const bt_result *r);	/* bytes of strings in the arena (tests) */
void result_pick_top(bt_result *r);		/* sets top and cls from the rcpt classes */
void result_truncate(bt_result *r, size_t n);	/* drops recipients n.. (keeps the first n) */

#endif
