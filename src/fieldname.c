/*
 * fieldname.c - header field name -> fieldname_id (see fieldname.h).
 * A name is looked up among the names of its length and first byte only
 * (a switch on each), then compared a word at a time.
 */
#include <stdint.h>
#include <string.h>

#include "fieldname.h"

/* 3: FIELDNAME_TOKEN | FIELDNAME_PARAM */
const unsigned char fieldname_byte[256] = {
	['-'] = 3, ['_'] = 3, ['*'] = FIELDNAME_PARAM,
	['0'] = 3, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3,
	['5'] = 3, ['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3,
	['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3,
	['G'] = 3, ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3,
	['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3,
	['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3,
	['Y'] = 3, ['Z'] = 3,
	['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3,
	['g'] = 3, ['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3,
	['m'] = 3, ['n'] = 3, ['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3,
	['s'] = 3, ['t'] = 3, ['u'] = 3, ['v'] = 3, ['w'] = 3, ['x'] = 3,
	['y'] = 3, ['z'] = 3,
};

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

/* The candidate of the name's length and first byte, if any: one compare. */
#define FN_IS(lc, id) return fieldname_eq_words(name, lc, len) ? (id) : FN_OTHER

int
fieldname_id(const char *name, size_t len)
{
	unsigned c;

	if (len < 2 || len > 26)
		return FN_OTHER;
	c = (unsigned char)name[0] | 0x20;	/* a letter in lower case */
	switch (len) {
	case 2:
		if (c == 't') FN_IS("to", FN_TO);
		if (c == 'c') FN_IS("cc", FN_CC);
		break;
	case 4:
		if (c == 'f') FN_IS("from", FN_FROM);
		if (c == 'd') FN_IS("date", FN_DATE);
		break;
	case 6:
		if (c == 's') FN_IS("sender", FN_SENDER);
		break;
	case 7:
		if (c == 's') FN_IS("subject", FN_SUBJECT);
		break;
	case 8:
		if (c == 'r') {
			if (fieldname_eq_words(name, "received", len))
				return FN_RECEIVED;
			FN_IS("reply-to", FN_REPLY_TO);
		}
		if (c == 'x') FN_IS("x-mailer", FN_X_MAILER);
		if (c == 'a') FN_IS("arc-seal", FN_NOT_KEPT);
		break;
	case 10:
		if (c == 'm') FN_IS("message-id", FN_MESSAGE_ID);
		if (c == 'r') FN_IS("references", FN_NOT_KEPT);
		if (c == 'p') FN_IS("precedence", FN_PRECEDENCE);
		if (c == 'x') FN_IS("x-mlserver", FN_X_MLSERVER);
		break;
	case 11:
		if (c == 'r') FN_IS("return-path", FN_RETURN_PATH);
		if (c == 'x') FN_IS("x-autoreply", FN_X_AUTOREPLY);
		break;
	case 12:
		if (c == 'c') FN_IS("content-type", FN_CONTENT_TYPE);
		if (c == 'd') FN_IS("delivered-to", FN_DELIVERED_TO);
		break;
	case 13:
		if (c == 'x') {
			if (fieldname_eq_words(name, "x-original-to", len))
				return FN_X_ORIGINAL_TO;
			FN_IS("x-autorespond", FN_X_AUTOREPLY);
		}
		break;
	case 14:
		if (c == 'a') FN_IS("auto-submitted", FN_AUTO_SUBMITTED);
		if (c == 'd') FN_IS("dkim-signature", FN_NOT_KEPT);
		break;
	case 15:
		if (c == 'x') FN_IS("x-autoresponder", FN_X_AUTOREPLY);
		break;
	case 19:
		if (c == 'x') {
			if (fieldname_eq_words(name, "x-failed-recipients", len))
				return FN_X_FAILED_RECIPIENTS;
			FN_IS("x-apple-unsubscribe", FN_X_APPLE_UNSUBSCRIBE);
		}
		if (c == 'd') FN_IS("domainkey-signature", FN_NOT_KEPT);
		break;
	case 21:
		if (c == 'a') FN_IS("arc-message-signature", FN_NOT_KEPT);
		break;
	case 22:
		if (c == 'a') FN_IS("authentication-results", FN_NOT_KEPT);
		if (c == 'x') FN_IS("x-amz-sns-message-type", FN_X_AMZ_SNS_MESSAGE_TYPE);
		break;
	case 23:
		if (c == 'x') FN_IS("x-google-dkim-signature", FN_NOT_KEPT);
		break;
	case 24:
		if (c == 'x') FN_IS("x-auto-response-suppress", FN_X_AUTO_RESPONSE_SUPPRESS);
		break;
	case 25:
		if (c == 'c') FN_IS("content-transfer-encoding", FN_CONTENT_TRANSFER_ENCODING);
		break;
	case 26:
		if (c == 'a') FN_IS("arc-authentication-results", FN_NOT_KEPT);
		break;
	default:
		break;
	}
	return FN_OTHER;
}
