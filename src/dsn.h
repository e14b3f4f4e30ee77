/*
 * dsn.h - reader of machine-readable report fields, fed decoded bytes split
 * anywhere: RFC 3464 / RFC 6533 delivery-status (per-message fields, then
 * one block of per-recipient fields per recipient) and RFC 5965 ARF
 * feedback-report fields.  Fields go straight into a bt_result: message
 * fields into the result, one bt_rcpt per recipient block (or, for ARF, per
 * Original-Rcpt-To / Removal-Recipient).  Memory: a line buffer and a field
 * buffer of max_header bytes owned by the dsn object; strings put into the
 * result are owned by the result.
 */
#ifndef BT_DSN_H
#define BT_DSN_H

#include <stddef.h>
#include "engine.h"
#include "result.h"

enum dsn_kind { DSN_DELIVERY = 0, DSN_FEEDBACK };

typedef struct dsn dsn;

dsn *dsn_new(const bt_caps *caps);
void dsn_free(dsn *d);				/* accepts NULL */
/* Start reading one report part into r (r must stay valid until dsn_end). */
void dsn_begin(dsn *d, bt_result *r, int kind);
void dsn_feed(dsn *d, const char *buf, size_t len);
/* End of the part; returns the number of recipients it added. */
size_t dsn_end(dsn *d);

/* Helpers, exposed for tests and the engine. */
/* Strip a "type;" prefix ("rfc822;", "dns;", "smtp;"); *tlen gets its length. */
const char *dsn_strip_type(const char *v, size_t *vlen, const char **type,
			   size_t *tlen);
/* Address out of a field value: type stripped, <> and spaces removed, the
 * word with an '@' when the first has none, a source route dropped. */
const char *dsn_address(const char *v, size_t *len);
/* The same into out (NUL-terminated), quotes around a local part removed;
 * returns its length. */
#define DSN_ADDR_MAX	512
size_t dsn_address_copy(const char *v, size_t n, char *out, size_t outlen);
/* 1 when s starts with a well-formed X.Y.Z status (class 2, 4 or 5);
 * *len gets its length. */
int dsn_status(const char *s, size_t *len);
/* 1 when s starts with a 2xx-5xx reply code not followed by a digit. */
int dsn_replycode(const char *s);

#endif
