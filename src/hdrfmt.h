/*
 * hdrfmt.h - the X-Bounce-* header block: our public interface, built from a
 * result.  One implementation, used by the milter and by
 * `bouncetag --format=headers`.  Values are made safe here: no CR, LF, NUL
 * or other control characters; non-ASCII RFC 2047-encoded; long values
 * capped (the cap is marked with "...") and folded with "\n\t" as libmilter
 * expects.  Plain C.
 */
#ifndef BT_HDRFMT_H
#define BT_HDRFMT_H

#include <stddef.h>
#include "result.h"

/* Header set bits (hdrfmt_opts.set). */
#define HDRFMT_CLASS		0x0001u
#define HDRFMT_REASON		0x0002u
#define HDRFMT_STATUS		0x0004u
#define HDRFMT_DESCRIPTION	0x0008u
#define HDRFMT_RECIPIENT	0x0010u
#define HDRFMT_DIAGNOSTIC	0x0020u
#define HDRFMT_REMOTE_MTA	0x0040u
#define HDRFMT_ORIG_MSGID	0x0080u
#define HDRFMT_RESULT		0x0100u	/* one X-Bounce-Result per recipient */
#define HDRFMT_CHECKED_BY	0x0200u	/* instance (host and version) */
#define HDRFMT_ACTION		0x0400u	/* the policy action taken */
#define HDRFMT_ALL		0x07ffu

typedef struct hdrfmt_opts {
	const char *prefix;	/* "X-Bounce-" */
	unsigned set;		/* HDRFMT_* */
	const char *instance;	/* "mx.example.org bouncetag/0.1.0" */
	size_t max_results;	/* X-Bounce-Result fields at most (default 50) */
	size_t max_value;	/* a value's length at most (default 512) */
	int tag_nonbounce;	/* 1: a non-bounce gets "<prefix>Class: none" */
} hdrfmt_opts;

void hdrfmt_opts_default(hdrfmt_opts *o);

/* Header set names ("class", "reason", ..., "all") for the policy file. */
int hdrfmt_set_parse(const char *name, unsigned *bit);

typedef struct hdrfmt_field {
	char *name;		/* "X-Bounce-Class" */
	char *value;		/* safe value, may contain "\n\t" folds */
} hdrfmt_field;

typedef struct hdrfmt_block {
	size_t n;
	size_t alloc;
	hdrfmt_field *f;
} hdrfmt_block;

/* Build the block for r (action: "tag", "reject", ... or NULL).  Fields come
 * in the order they should READ top-down in the delivered message; the milter
 * inserts each at index 0, so it inserts them last-to-first.  out must be
 * empty (zeroed, or after hdrfmt_block_free); fields are appended to it.
 * Returns 0, or -1 on ENOMEM (block then empty). */
int hdrfmt_build(const hdrfmt_opts *o, const bt_result *r, const char *action,
		 hdrfmt_block *out);
void hdrfmt_block_free(hdrfmt_block *b);	/* fields freed; block reusable */

/* 1 if a header field name is one of ours (prefix, any case): forged copies
 * of these are removed from every message. */
int hdrfmt_is_ours(const hdrfmt_opts *o, const char *name);

/* Make one value safe (exposed for tests): writes at most outlen-1 bytes. */
size_t hdrfmt_safe_value(const char *in, size_t max, char *out, size_t outlen);

#endif
