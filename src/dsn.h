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

#endif
