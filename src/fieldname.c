/*
 * fieldname.c - header field name -> fieldname_id (see fieldname.h).
 * A name is looked up among the names of its length only, first byte
 * first: most names are told apart by two or three compares.
 */
#include <stdint.h>
#include <string.h>

#include "fieldname.h"

int
fieldname_eq(const char *s, const char *lc, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)lc[i])
			return 0;
	}
	return 1;
}

/* Eight bytes with ASCII capitals made small (SWAR: each byte on its own,
 * only 'A'..'Z' change). */
static uint64_t
fieldname_fold8(const char *p)
{
	uint64_t x, h, a, z;

	memcpy(&x, p, 8);
	h = x & 0x7f7f7f7f7f7f7f7fULL;
	a = h + 0x3f3f3f3f3f3f3f3fULL;	/* bit 7 set: byte >= 'A' */
	z = h + 0x2525252525252525ULL;	/* bit 7 set: byte > 'Z' */
	return x | (((a & ~z & ~x) & 0x8080808080808080ULL) >> 2);
}

static uint32_t
fieldname_fold4(const char *p)
{
	uint32_t x, h, a, z;

	memcpy(&x, p, 4);
	h = x & 0x7f7f7f7fU;
	a = h + 0x3f3f3f3fU;
	z = h + 0x25252525U;
	return x | (((a & ~z & ~x) & 0x80808080U) >> 2);
}

/* fieldname_eq() for n >= 2, by words: overlapping loads, no byte loop. */
static int
fieldname_eq_fast(const char *s, const char *lc, size_t n)
{
	size_t i;
	uint64_t w;
	uint32_t v;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&w, lc + i, 8);
			if (fieldname_fold8(s + i) != w)
				return 0;
		}
		memcpy(&w, lc + n - 8, 8);
		return fieldname_fold8(s + n - 8) == w;
	}
	if (n >= 4) {
		memcpy(&v, lc, 4);
		if (fieldname_fold4(s) != v)
			return 0;
		memcpy(&v, lc + n - 4, 4);
		return fieldname_fold4(s + n - 4) == v;
	}
	return fieldname_eq(s, lc, n);
}

typedef struct fieldname_ent {
	const char *lc;
	int id;
} fieldname_ent;

/* By length; each list ends with a NULL name. */
static const fieldname_ent fn_2[] = {
	{ "to", FN_TO }, { "cc", FN_CC }, { NULL, 0 } };
static const fieldname_ent fn_4[] = {
	{ "from", FN_FROM }, { "date", FN_DATE }, { NULL, 0 } };
static const fieldname_ent fn_6[] = {
	{ "sender", FN_SENDER }, { NULL, 0 } };
static const fieldname_ent fn_7[] = {
	{ "subject", FN_SUBJECT }, { NULL, 0 } };
static const fieldname_ent fn_8[] = {
	{ "received", FN_RECEIVED }, { "x-mailer", FN_X_MAILER },
	{ "reply-to", FN_REPLY_TO }, { "arc-seal", FN_NOT_KEPT }, { NULL, 0 } };
static const fieldname_ent fn_10[] = {
	{ "message-id", FN_MESSAGE_ID }, { "references", FN_NOT_KEPT },
	{ "precedence", FN_PRECEDENCE }, { "x-mlserver", FN_X_MLSERVER },
	{ NULL, 0 } };
static const fieldname_ent fn_11[] = {
	{ "return-path", FN_RETURN_PATH }, { "x-autoreply", FN_X_AUTOREPLY },
	{ NULL, 0 } };
static const fieldname_ent fn_12[] = {
	{ "content-type", FN_CONTENT_TYPE }, { "delivered-to", FN_DELIVERED_TO },
	{ NULL, 0 } };
static const fieldname_ent fn_13[] = {
	{ "x-original-to", FN_X_ORIGINAL_TO }, { "x-autorespond", FN_X_AUTOREPLY },
	{ NULL, 0 } };
static const fieldname_ent fn_14[] = {
	{ "auto-submitted", FN_AUTO_SUBMITTED }, { "dkim-signature", FN_NOT_KEPT },
	{ NULL, 0 } };
static const fieldname_ent fn_15[] = {
	{ "x-autoresponder", FN_X_AUTOREPLY }, { NULL, 0 } };
static const fieldname_ent fn_19[] = {
	{ "x-failed-recipients", FN_X_FAILED_RECIPIENTS },
	{ "x-apple-unsubscribe", FN_X_APPLE_UNSUBSCRIBE },
	{ "domainkey-signature", FN_NOT_KEPT }, { NULL, 0 } };
static const fieldname_ent fn_21[] = {
	{ "arc-message-signature", FN_NOT_KEPT }, { NULL, 0 } };
static const fieldname_ent fn_22[] = {
	{ "authentication-results", FN_NOT_KEPT },
	{ "x-amz-sns-message-type", FN_X_AMZ_SNS_MESSAGE_TYPE }, { NULL, 0 } };
static const fieldname_ent fn_23[] = {
	{ "x-google-dkim-signature", FN_NOT_KEPT }, { NULL, 0 } };
static const fieldname_ent fn_24[] = {
	{ "x-auto-response-suppress", FN_X_AUTO_RESPONSE_SUPPRESS }, { NULL, 0 } };
static const fieldname_ent fn_25[] = {
	{ "content-transfer-encoding", FN_CONTENT_TRANSFER_ENCODING }, { NULL, 0 } };
static const fieldname_ent fn_26[] = {
	{ "arc-authentication-results", FN_NOT_KEPT }, { NULL, 0 } };

static const fieldname_ent *const fieldname_by_len[27] = {
	[2] = fn_2, [4] = fn_4, [6] = fn_6, [7] = fn_7, [8] = fn_8,
	[10] = fn_10, [11] = fn_11, [12] = fn_12, [13] = fn_13, [14] = fn_14,
	[15] = fn_15, [19] = fn_19, [21] = fn_21, [22] = fn_22, [23] = fn_23,
	[24] = fn_24, [25] = fn_25, [26] = fn_26,
};

int
fieldname_id(const char *name, size_t len)
{
	const fieldname_ent *t;
	unsigned c;

	if (len >= sizeof(fieldname_by_len) / sizeof(fieldname_by_len[0]) ||
	    (t = fieldname_by_len[len]) == NULL)
		return FN_OTHER;
	c = (unsigned char)name[0];
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	for (; t->lc != NULL; t++)
		if (c == (unsigned char)t->lc[0] &&
		    fieldname_eq_fast(name, t->lc, len))
			return t->id;
	return FN_OTHER;
}
