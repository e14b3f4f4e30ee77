/*
 * engine.h - the bounce engine: fed a message as libmilter delivers it,
 * decides whether it is a bounce and classifies every recipient.
 *
 * Plain C: no libmilter, libconfuse or syslog.  One engine per connection
 * (not thread-safe; engines on different threads share only the read-only
 * ruleset).  Calling order for each message:
 *
 *   engine_envfrom()  (optional; the envelope sender, "<>" or "" for null)
 *   engine_header()   for each header field, in order (value folded or not)
 *   engine_eoh()      -> ENGINE_NOT_BOUNCE: the headers prove it is no bounce;
 *                        the caller may stop feeding and call engine_eom().
 *   engine_body()     any number of chunks, split anywhere -> ENGINE_ENOUGH
 *                     when nothing more is needed from the body.
 *   engine_eom()      -> the result, valid until engine_reset()/engine_free().
 *   engine_reset()    before the next message.
 *
 * Memory for one message is bounded by the caps.
 */
#ifndef BT_ENGINE_H
#define BT_ENGINE_H

#include <stddef.h>
#include "result.h"

struct ruleset;

typedef struct bt_caps {
	size_t max_bytes;	/* body bytes inspected (default 4 MiB) */
	size_t max_line;	/* body line length kept (default 4096) */
	size_t max_header;	/* header field length kept (default 16384) */
	size_t max_field;	/* length of a copied result string (default 1024) */
	size_t max_text;	/* human-readable text kept for text scanning (default 64 KiB) */
	unsigned max_depth;	/* MIME nesting depth (default 16) */
	unsigned max_parts;	/* MIME parts (default 256) */
	unsigned max_recipients;	/* recipients per report (default 100) */
} bt_caps;

void engine_caps_default(bt_caps *caps);

enum {
	ENGINE_MORE = 0,	/* keep feeding */
	ENGINE_NOT_BOUNCE = 1,	/* headers show: not a bounce; body not needed */
	ENGINE_ENOUGH = 2	/* rest of the body not needed */
};

typedef struct engine engine;

/* rs may be NULL: the built-in ruleset.  rs must outlive the engine. */
engine *engine_new(const bt_caps *caps, const struct ruleset *rs);
void engine_free(engine *e);			/* accepts NULL */
void engine_reset(engine *e);
void engine_set_ruleset(engine *e, const struct ruleset *rs);	/* between messages */

void engine_envfrom(engine *e, const char *sender);
int engine_header(engine *e, const char *name, const char *value);
int engine_eoh(engine *e);
int engine_body(engine *e, const char *buf, size_t len);
const bt_result *engine_eom(engine *e);

#endif
