/*
 * mime.h - a streaming MIME parser that does no I/O: fed body bytes split
 * anywhere, it finds lines (LF or CRLF), tracks nested multipart boundaries,
 * reads part headers (folded, any case), decodes base64 and quoted-printable
 * as the bytes stream in, and calls back for every entity, every header field
 * of an embedded message (message/rfc822, message/global, text/rfc822-headers)
 * and every piece of decoded leaf content.  Memory: one line buffer, one
 * header buffer, one decode buffer and the boundary stack, all allocated by
 * mime_new() and sized by the caps; nothing per byte or per part.
 */
#ifndef BT_MIME_H
#define BT_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "engine.h"

enum mime_enc { MIME_ENC_IDENT = 0, MIME_ENC_BASE64, MIME_ENC_QP };

#define MIME_TYPE_MAX		64
#define MIME_PARAM_MAX		80
#define MIME_BOUNDARY_MAX	200

typedef struct mime_part {
	char type[MIME_TYPE_MAX];	/* "text/plain", lowercase ("" never) */
	char report_type[MIME_PARAM_MAX];	/* report-type= of multipart/report, lowercase */
	int enc;			/* enum mime_enc */
	unsigned depth;			/* 0: the top-level entity */
	unsigned in_message;		/* enclosing embedded messages (0: report's own parts) */
	unsigned index;			/* 0-based count of the entity in the message */
} mime_part;

typedef struct mime_callbacks {
	void *ctx;
	/* An entity's headers are complete (any type, multipart too).  For a
	 * leaf, return 1 to get its decoded content through data(), 0 to skip it. */
	int (*entity)(void *ctx, const mime_part *p);
	/* A header field of an embedded message (in_message >= 1), unfolded;
	 * id is fieldname_id() of the name (the parser needs it anyway).
	 * value has MIME_CT_PAD readable bytes past its NUL. */
	void (*header)(void *ctx, unsigned in_message, int id, const char *name,
		       const char *value, size_t vlen);
	/* The header block of an embedded message is complete. */
	void (*message_eoh)(void *ctx, unsigned in_message);
	/* Decoded content of a leaf whose entity() returned 1 (LF line ends). */
	void (*data)(void *ctx, const mime_part *p, const char *buf, size_t len);
	/* That leaf is complete. */
	void (*end)(void *ctx, const mime_part *p);
	/* A line (with its LF) of the top-level multipart's preamble while no
	 * boundary has matched yet; may be NULL. */
	void (*preamble)(void *ctx, const char *buf, size_t len);
	/* The fields header() wants: bit 1 << id (fieldname_id()); 0: all.
	 * Content-Type and -Transfer-Encoding always come (the parser reads
	 * them anyway); the value of a field no one wants is not gathered. */
	unsigned long long header_ids;
	/* The first letters (lowercase) of the names of the fields in
	 * header_ids, e.g. "cfmst" for Content-Type, From, Message-ID,
	 * Subject, To; NULL: not known.  A field whose name starts with none
	 * of them (nor 'c') is known unread without looking its name up. */
	const char *header_initials;
} mime_callbacks;

typedef struct mime mime;

/* caps_hit: where BT_CAP_LINE/HEADER/DEPTH/PARTS are or'ed in; must outlive m. */
mime *mime_new(const bt_caps *caps, const mime_callbacks *cb, unsigned *caps_hit);
void mime_free(mime *m);			/* accepts NULL */
/* Start a message body whose top-level Content-Type and
 * Content-Transfer-Encoding values are given (either may be NULL). */
void mime_begin(mime *m, const char *content_type, const char *cte);
void mime_feed(mime *m, const char *buf, size_t len);
void mime_end(mime *m);				/* flush the last line and part */
/* In an embedded message's header block, from header(): the fields left
 * in it are of no use, and message_eoh() will stop the parser at its end
 * (mime_stop()); they may be passed over unread where that changes
 * nothing (no cap can be hit in them). */
void mime_skip_fields(mime *m);
/* Ignore the rest of this message (no more callbacks until mime_begin). */
void mime_stop(mime *m);

/* memcmp(t, lit, n) == 0 by words of 8 bytes (the last one overlapping):
 * t and lit hold n readable bytes.  With n a constant, as below, it is a
 * load or few and a compare each, in line (GCC calls memcmp() for most
 * sizes past 8). */
static inline int
mime_type_eq(const char *t, const char *lit, size_t n)
{
	uint64_t a, b;
	size_t i;

	if (n < 8)
		return memcmp(t, lit, n) == 0;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&a, t + i, 8);
		memcpy(&b, lit + i, 8);
		if (a != b)
			return 0;
	}
	if (i < n) {
		memcpy(&a, t + n - 8, 8);
		memcpy(&b, lit + n - 8, 8);
		return a == b;
	}
	return 1;
}

/* A type or report type (lowercase, in its MIME_TYPE_MAX or MIME_PARAM_MAX
 * array, so that as many bytes as lit has can always be read) is lit, or
 * starts with prefix: mime_type_eq() of a known size. */
#define MIME_TYPE_IS(t, lit)		mime_type_eq((t), (lit), sizeof(lit))
#define MIME_TYPE_HAS(t, prefix)	mime_type_eq((t), (prefix), sizeof(prefix) - 1)

/* Helpers over header values. */
void mime_type(const char *ct, char *out, size_t outlen);	/* lowercase type/subtype; "text/plain" default */
/* 1 found; name in lowercase, starting with a letter */
int mime_param(const char *ct, const char *name, char *out, size_t outlen);
/* The bytes a Content-Type buffer read by mime_ct_read() has past its NUL. */
#define MIME_CT_PAD	16
/* mime_type() of ct into type (MIME_TYPE_MAX bytes); for a multipart, its
 * boundary (mime_param(), into MIME_BOUNDARY_MAX + 1 bytes) and for
 * multipart/report its report-type, lowercase (into MIME_PARAM_MAX bytes,
 * written only for a multipart with a boundary): one pass.  ct holds
 * MIME_CT_PAD readable bytes past its NUL.  Returns the boundary's length
 * for a multipart with a boundary that is not empty, else 0. */
size_t mime_ct_read(const char *ct, char *type, char *boundary,
		    char *report_type);
int mime_encoding(const char *cte);				/* enum mime_enc */
/* Decode one quoted-printable line of n bytes into out (n + 1 bytes at
 * most); eol: the line had its line end (a soft break "=" drops it, else
 * an LF is added).  Returns the length. */
size_t mime_qp_decode(const char *s, size_t n, int eol, char *out);
/* The value of a hex digit (either case), -1 for another byte; for
 * "=XX" in quoted-printable and in RFC 2047's Q encoding. */
static inline int
mime_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}
/* Whole lines at buf (len bytes) decoded into out as mime_qp_decode()
 * decodes them one by one with their line ends (qp), or as they are less
 * a CR before the LF (!qp); *olen gets the output's length.  Stops before
 * a line that starts with "--" when open, an incomplete line, or a line
 * that would take the output past max bytes (out has room for
 * max + MIME_QP_ROOM: blocks are stored whole).  Returns
 * the bytes used. */
#define MIME_QP_ROOM	32
size_t mime_qp_run(const char *buf, size_t len, size_t max, int open, int qp,
		   char *out, size_t *olen);
/* The code mime_qp_run() runs, as mime_run_force() for mime_run_span(). */
int mime_qp_force(int level);
/* The length of the whole lines at buf (len bytes) that can go on as one
 * run: up to a line that starts with "--" when open, a line longer than
 * max bytes, a line ending in CR LF when no_cr, or an incomplete line. */
size_t mime_run_span(const char *buf, size_t len, size_t max, int open,
		     int no_cr);
/* The code mime_run_span() runs: 2 AVX2, 1 SSE2, 0 a line at a time, at
 * most what the CPU has (a level < 0: that); returns the level set.  For
 * tests; the CPU's is taken by default (0 when BOUNCETAG_NO_SIMD is set). */
int mime_run_force(int level);
/* That level (picked first when not yet): mime.c's header lines follow it. */
int mime_run_simd(void);
/* 1 when a header-block line is an unindented "name=value" parameter. */
int mime_param_line(const char *s, size_t n);
/* How many of the n bytes at s are parameter-name bytes, from the start. */
size_t mime_param_span(const char *s, size_t n);
/* Where the field name that starts a header line ends (at a blank of
 * isspace(), ':' or NUL), with *param where a "name=value" parameter line
 * would have its '=' (mime_param_span(), or where it cannot be); avail
 * (>= n) bytes can be read at s: the header reader's test of a line,
 * exposed for tests. */
size_t mime_field_name_end(const char *s, size_t n, size_t avail,
			   size_t *param);

#endif
