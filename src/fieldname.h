/*
 * fieldname.h - which header field is this?  The engine and the bounce
 * detector test every top-level field name against a few dozen names; this
 * classifies a name once (by length, then bytes, ASCII case folded as
 * strcasecmp() folds it in the C locale) so that each of them can switch on
 * the result.  Plain functions, no state.
 */
#ifndef BT_FIELDNAME_H
#define BT_FIELDNAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum fieldname_id {
	FN_OTHER = 0,
	/* the fields the scanner relies on (engine.c keeps room for them) */
	FN_FROM, FN_SUBJECT, FN_TO, FN_X_FAILED_RECIPIENTS, FN_CONTENT_TYPE,
	FN_AUTO_SUBMITTED, FN_MESSAGE_ID, FN_X_MAILER, FN_DATE, FN_REPLY_TO,
	FN_RETURN_PATH, FN_SENDER, FN_CC, FN_X_ORIGINAL_TO, FN_DELIVERED_TO,
	FN_VITAL_END,
	/* others the engine or the detector look at */
	FN_RECEIVED = FN_VITAL_END, FN_CONTENT_TRANSFER_ENCODING, FN_PRECEDENCE,
	FN_X_AUTOREPLY,			/* x-autoreply, x-autorespond(er) */
	FN_X_AUTO_RESPONSE_SUPPRESS, FN_X_APPLE_UNSUBSCRIBE, FN_X_MLSERVER,
	FN_X_AMZ_SNS_MESSAGE_TYPE,
	FN_NOT_KEPT			/* signatures, References: never stored */
};

/* The bytes names are made of, by kind (bits): FIELDNAME_TOKEN for a DSN
 * field name (ASCII letters, digits, '-', '_'), FIELDNAME_PARAM for a MIME
 * parameter name (the same and '*', RFC 2231). */
#define FIELDNAME_TOKEN	1
#define FIELDNAME_PARAM	2
extern const unsigned char fieldname_byte[256];

/* The id of a field name of len bytes (FN_OTHER for any other name). */
int fieldname_id(const char *name, size_t len);
/* 1 when s (n bytes, any case) equals the lowercase lc of n bytes. */
int fieldname_eq(const char *s, const char *lc, size_t n);
/* Eight bytes with ASCII capitals made small, as tolower() of the C locale
 * would (SWAR: each byte on its own, only 'A'..'Z' change). */
static inline uint64_t
fieldname_fold8(uint64_t x)
{
	uint64_t h = x & 0x7f7f7f7f7f7f7f7fULL;
	uint64_t a = h + 0x3f3f3f3f3f3f3f3fULL;	/* bit 7 set: byte >= 'A' */
	uint64_t z = h + 0x2525252525252525ULL;	/* bit 7 set: byte > 'Z' */

	return x | (((a & ~z & ~x) & 0x8080808080808080ULL) >> 2);
}

/* fieldname_eq() by words (overlapping 8- or 4-byte loads: s must hold n
 * readable bytes, as must lc), in line: where n and lc are constants (a case of
 * a switch on the length, a literal) it folds to a load or two and a
 * compare each, without a call. */
static inline int
fieldname_eq_words(const char *s, const char *lc, size_t n)
{
	uint64_t w, x;
	uint32_t v, y, h;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&w, lc + i, 8);
			memcpy(&x, s + i, 8);
			if (fieldname_fold8(x) != w)
				return 0;
		}
		memcpy(&w, lc + n - 8, 8);
		memcpy(&x, s + n - 8, 8);
		return fieldname_fold8(x) == w;
	}
	if (n >= 4) {
		/* fieldname_fold8() for four bytes, at each end */
		memcpy(&v, lc, 4);
		memcpy(&y, s, 4);
		h = y & 0x7f7f7f7fU;
		if ((y | ((((h + 0x3f3f3f3fU) & ~(h + 0x25252525U) & ~y) &
			   0x80808080U) >> 2)) != v)
			return 0;
		memcpy(&v, lc + n - 4, 4);
		memcpy(&y, s + n - 4, 4);
		h = y & 0x7f7f7f7fU;
		return (y | ((((h + 0x3f3f3f3fU) & ~(h + 0x25252525U) & ~y) &
			      0x80808080U) >> 2)) == v;
	}
	return fieldname_eq(s, lc, n);
}

#endif
