/*
 * rawfeed_int.h - the rawfeed's state, shared by rawfeed.c (the life
 * cycle, the line-at-a-time header path, the body) and rawfeed_fields.c
 * (the fields read where they lie, the common case).  Not for other
 * modules: they use rawfeed.h.
 */
#ifndef BT_RAWFEED_INT_H
#define BT_RAWFEED_INT_H

#include <stddef.h>

#include "rawfeed.h"
#include "engine.h"

enum { RF_HEADERS = 0, RF_BODY, RF_DONE };

#define RAWFEED_SLACK	32	/* bytes after the field buffer for wide loads */

struct rawfeed {
	engine *e;
	size_t max;		/* max_header */
	int phase;
	int first_line;
	char *line;		/* max + 2 */
	size_t llen;
	char *field;		/* max + 1 */
	size_t flen;
	size_t colon;		/* offset of the field's first ':' */
	size_t nlf;		/* LFs in field (the joins of its lines) */
};

/* The code the vector scans run: 2 AVX2, 1 SSE2, 0 a byte at a time
 * (picked once; rawfeed_simd_force() for tests). */
int rawfeed_level(void);
/* The field held in the field buffer to the engine, if any. */
void rawfeed_flush_field(rawfeed *rf);
/* The end of the header block: the field held, then engine_eoh(). */
void rawfeed_eoh(rawfeed *rf);
/* rawfeed_fields.c: the fields at buf read where they lie, given to the
 * engine; the bytes used (what is left goes a line at a time). */
size_t rawfeed_fields(rawfeed *rf, const char *buf, size_t len);

#endif
