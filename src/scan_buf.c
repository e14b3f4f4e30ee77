/*
 * scan_buf.c - the scanner's capped string builder: appends trimmed text,
 * white space runs folded into one space, up to the buffer's cap.
 *
 * Memory: a scan_buf owns its bytes (malloc'ed on first append, at most
 * cap + 1); scan_buf_free() releases them.
 */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"


/* Bytes that scan_buf_add() turns into one space: isspace() of the C
 * locale, and NUL. */
#define SCAN_BL(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\v' || \
			 (c) == '\f' || (c) == '\r' || (c) == '\0')
#define SCAN_BL4(c)	SCAN_BL(c), SCAN_BL((c) + 1), SCAN_BL((c) + 2), \
			SCAN_BL((c) + 3)
#define SCAN_BL16(c)	SCAN_BL4(c), SCAN_BL4((c) + 4), SCAN_BL4((c) + 8), \
			SCAN_BL4((c) + 12)
#define SCAN_BL64(c)	SCAN_BL16(c), SCAN_BL16((c) + 16), \
			SCAN_BL16((c) + 32), SCAN_BL16((c) + 48)
static const unsigned char scan_blank[256] = {
	SCAN_BL64(0), SCAN_BL64(64), SCAN_BL64(128), SCAN_BL64(192)
};

/* Append s[0..len) trimmed, separated from what is there by one space;
 * runs of white space become one space. */
void
scan_buf_add(scan_buf *b, const char *s, size_t len)
{
	size_t i, j;
	int sp;

	scan_trim(&s, &len);
	if (len == 0 || b->trunc)
		return;
	if (b->p == NULL) {
		b->p = malloc(b->cap + 1);
		if (b->p == NULL) {
			b->trunc = 1;
			return;
		}
		b->len = 0;
		b->p[0] = '\0';
	}
	sp = b->len > 0;
	for (i = 0; i < len; i = j) {
		size_t k;
		if (scan_blank[(unsigned char)s[i]]) {
			sp = 1;
			j = i + 1;
			continue;
		}
		/* a run of other bytes, copied at once after one space */
		for (j = i; j < len && !scan_blank[(unsigned char)s[j]]; j++)
			;
		if (b->len + (size_t)sp + 1 > b->cap) {
			b->trunc = 1;
			break;
		}
		if (sp)
			b->p[b->len++] = ' ';
		sp = 0;
		k = j - i < b->cap - b->len ? j - i : b->cap - b->len;
		memcpy(b->p + b->len, s + i, k);
		b->len += k;
		if (k < j - i) {
			b->trunc = 1;
			break;
		}
	}
	b->p[b->len] = '\0';
}

void
scan_buf_free(scan_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->trunc = 0;
}
