/*
 * dsn_value.h - delivery-status field values (see dsn_value.c), for dsn.c,
 * the engine and the tests.
 */
#ifndef DSN_VALUE_H
#define DSN_VALUE_H

#include <stddef.h>

/* The C locale's character classes dsn.c and dsn_value.c test, by table:
 * one load where <ctype.h> costs a call and a load or two. */
#define DSN_C_SPACE	1	/* isspace() */
#define DSN_C_TYPE	2	/* a byte of a "type;" prefix: isalnum(), - _ . */
#define DSN_C_QUOTE	4	/* '"' */
#define DSN_C_ALPHA	8	/* isalpha() */
#define DSN_C_DIGIT	16	/* isdigit() */
#define DSN_C_LT	32	/* '<' */
#define DSN_C_BLANK	64	/* ' ', '\t' */
#define DSN_C_LINE_END	128	/* what a line loses at its end: ' ', '\t', CR */
#define DSN_CLASS(c, cls)	(dsn_value_class[(unsigned char)(c)] & (cls))
extern const unsigned char dsn_value_class[256];

/* Strip a "type;" prefix ("rfc822;", "dns;", "smtp;"); *tlen gets its length. */
const char *dsn_value_strip_type(const char *v, size_t *vlen, const char **type,
				 size_t *tlen);
/* Address out of a field value: type stripped, <> and spaces removed, the
 * word with an '@' when the first has none, a source route dropped. */
const char *dsn_value_address(const char *v, size_t *len);
/* The same into out (NUL-terminated), quotes around a local part removed;
 * returns its length. */
#define DSN_ADDR_MAX	512
size_t dsn_value_address_copy(const char *v, size_t n, char *out, size_t outlen);
/* 1 when s starts with a well-formed X.Y.Z status (class 2, 4 or 5);
 * *len gets its length. */
int dsn_value_status(const char *s, size_t *len);
/* 1 when s starts with a 2xx-5xx reply code not followed by a digit. */
int dsn_value_replycode(const char *s);

#endif
