/*
 * rawfeed.h - turn a raw message (bytes as stored in a file: header block,
 * blank line, body; LF or CRLF) into the calls libmilter would make on the
 * engine: engine_header() per field (name, value with the leading blank after
 * the colon removed, continuation lines joined with "\n" as Postfix does),
 * engine_eoh(), then engine_body() chunks.  Streams: holds at most one header
 * field (capped at the engine's max_header).  Used by the command and tests.
 */
#ifndef BT_RAWFEED_H
#define BT_RAWFEED_H

#include <stddef.h>
#include "engine.h"

typedef struct rawfeed rawfeed;

rawfeed *rawfeed_new(engine *e);		/* e must outlive the rawfeed */
void rawfeed_free(rawfeed *rf);			/* accepts NULL */
/* Start a message: engine_reset() + engine_envfrom(sender) (sender may be NULL). */
void rawfeed_begin(rawfeed *rf, const char *sender);
/* Feed the next bytes of the raw message, split anywhere. */
void rawfeed_feed(rawfeed *rf, const char *buf, size_t len);
/* End of message: returns engine_eom()'s result. */
const bt_result *rawfeed_end(rawfeed *rf);
/* Convenience: whole message in memory, fed in chunks of `chunk` bytes (0 = all). */
const bt_result *rawfeed_message(rawfeed *rf, const char *sender,
				 const char *msg, size_t len, size_t chunk);

/* Tests: the code that finds where a field read in place ends: 0 a byte
 * at a time, 1 SSE2, 2 AVX2, at most what the CPU has (-1: what it has).
 * Returns the level now in force. */
int rawfeed_simd_force(int level);
/* Tests: mime_param_span() as the in-place reader finds a line's name, by
 * the code of the level in force. */
size_t rawfeed_name_span(const char *s, size_t n);

#endif
