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

/* The id of a field name of len bytes (FN_OTHER for any other name);
 * fieldname_id_inline() below is the same in line. */
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

/* fieldname_eq_words() for an s made of parameter-name bytes only
 * (FIELDNAME_PARAM: ASCII letters, digits, '-', '_', '*') and an lc of
 * lowercase letters and '-': there or'ing 0x20 into a byte folds its case
 * and changes no other byte into one of lc's (only '_' and capitals
 * change), one operation a word where fieldname_fold8() takes eight. */
static inline __attribute__((always_inline)) int
fieldname_eq_token(const char *s, const char *lc, size_t n)
{
	uint64_t w, x;
	uint32_t v, y;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&w, lc + i, 8);
			memcpy(&x, s + i, 8);
			if ((x | 0x2020202020202020ULL) != w)
				return 0;
		}
		memcpy(&w, lc + n - 8, 8);
		memcpy(&x, s + n - 8, 8);
		return (x | 0x2020202020202020ULL) == w;
	}
	if (n >= 4) {
		memcpy(&v, lc, 4);
		memcpy(&y, s, 4);
		if ((y | 0x20202020U) != v)
			return 0;
		memcpy(&v, lc + n - 4, 4);
		memcpy(&y, s + n - 4, 4);
		return (y | 0x20202020U) == v;
	}
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] | 0x20) != (unsigned char)lc[i])
			return 0;
	return 1;
}

/* fieldname_id() in line, for a caller that runs it on every field (the
 * rawfeed: a call there costs as much as the lookup).  A name is looked
 * up among the names of its length and first byte only (a switch on
 * each), then compared a word at a time: the candidate of the name's
 * length and first byte, if any, with one compare. */
#define FIELDNAME_EQ(lc)	(token ? fieldname_eq_token(name, lc, len) : \
				 fieldname_eq_words(name, lc, len))
#define FIELDNAME_IS(lc, id) return FIELDNAME_EQ(lc) ? (id) : FN_OTHER

/* The lookup, for any name (token 0) or for a name made of
 * parameter-name bytes only (token 1: fieldname_eq_token()). */
static inline __attribute__((always_inline)) int
fieldname_id_by(const char *name, size_t len, int token)
{
	unsigned c;

	if (len < 2 || len > 26)
		return FN_OTHER;
	c = (unsigned char)name[0] | 0x20;	/* a letter in lower case */
	switch (len) {
	case 2:
		if (c == 't') FIELDNAME_IS("to", FN_TO);
		if (c == 'c') FIELDNAME_IS("cc", FN_CC);
		break;
	case 4:
		if (c == 'f') FIELDNAME_IS("from", FN_FROM);
		if (c == 'd') FIELDNAME_IS("date", FN_DATE);
		break;
	case 6:
		if (c == 's') FIELDNAME_IS("sender", FN_SENDER);
		break;
	case 7:
		if (c == 's') FIELDNAME_IS("subject", FN_SUBJECT);
		break;
	case 8:
		if (c == 'r') {
			if (FIELDNAME_EQ("received"))
				return FN_RECEIVED;
			FIELDNAME_IS("reply-to", FN_REPLY_TO);
		}
		if (c == 'x') FIELDNAME_IS("x-mailer", FN_X_MAILER);
		if (c == 'a') FIELDNAME_IS("arc-seal", FN_NOT_KEPT);
		break;
	case 10:
		if (c == 'm') FIELDNAME_IS("message-id", FN_MESSAGE_ID);
		if (c == 'r') FIELDNAME_IS("references", FN_NOT_KEPT);
		if (c == 'p') FIELDNAME_IS("precedence", FN_PRECEDENCE);
		if (c == 'x') FIELDNAME_IS("x-mlserver", FN_X_MLSERVER);
		break;
	case 11:
		if (c == 'r') FIELDNAME_IS("return-path", FN_RETURN_PATH);
		if (c == 'x') FIELDNAME_IS("x-autoreply", FN_X_AUTOREPLY);
		break;
	case 12:
		if (c == 'c') FIELDNAME_IS("content-type", FN_CONTENT_TYPE);
		if (c == 'd') FIELDNAME_IS("delivered-to", FN_DELIVERED_TO);
		break;
	case 13:
		if (c == 'x') {
			if (FIELDNAME_EQ("x-original-to"))
				return FN_X_ORIGINAL_TO;
			FIELDNAME_IS("x-autorespond", FN_X_AUTOREPLY);
		}
		break;
	case 14:
		if (c == 'a') FIELDNAME_IS("auto-submitted", FN_AUTO_SUBMITTED);
		if (c == 'd') FIELDNAME_IS("dkim-signature", FN_NOT_KEPT);
		break;
	case 15:
		if (c == 'x') FIELDNAME_IS("x-autoresponder", FN_X_AUTOREPLY);
		break;
	case 19:
		if (c == 'x') {
			if (FIELDNAME_EQ("x-failed-recipients"))
				return FN_X_FAILED_RECIPIENTS;
			FIELDNAME_IS("x-apple-unsubscribe", FN_X_APPLE_UNSUBSCRIBE);
		}
		if (c == 'd') FIELDNAME_IS("domainkey-signature", FN_NOT_KEPT);
		break;
	case 21:
		if (c == 'a') FIELDNAME_IS("arc-message-signature", FN_NOT_KEPT);
		break;
	case 22:
		if (c == 'a') FIELDNAME_IS("authentication-results", FN_NOT_KEPT);
		if (c == 'x') FIELDNAME_IS("x-amz-sns-message-type", FN_X_AMZ_SNS_MESSAGE_TYPE);
		break;
	case 23:
		if (c == 'x') FIELDNAME_IS("x-google-dkim-signature", FN_NOT_KEPT);
		break;
	case 24:
		if (c == 'x') FIELDNAME_IS("x-auto-response-suppress", FN_X_AUTO_RESPONSE_SUPPRESS);
		break;
	case 25:
		if (c == 'c') FIELDNAME_IS("content-transfer-encoding", FN_CONTENT_TRANSFER_ENCODING);
		break;
	case 26:
		if (c == 'a') FIELDNAME_IS("arc-authentication-results", FN_NOT_KEPT);
		break;
	default:
		break;
	}
	return FN_OTHER;
}
#undef FIELDNAME_IS
#undef FIELDNAME_EQ

static inline __attribute__((always_inline)) int
fieldname_id_inline(const char *name, size_t len)
{
	return fieldname_id_by(name, len, 0);
}

/* fieldname_id_inline() for a name known to be made of parameter-name
 * bytes only (FIELDNAME_PARAM: the rawfeed's fields loop reads no other
 * name), its compares cheaper (fieldname_eq_token()). */
static inline __attribute__((always_inline)) int
fieldname_id_token_inline(const char *name, size_t len)
{
	return fieldname_id_by(name, len, 1);
}

#endif
