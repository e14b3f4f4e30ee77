/*
 * classify.h - decide reason, status, class and hard-or-not for every
 * recipient of a result, from the status code, the reply code and the
 * diagnostic text, with a ruleset.  Plain C; the result is changed in place.
 *
 * Hard follows the conventions: hard for userunknown, hostunknown, hasmoved,
 * and notaccept with a 5 class (or no code and no "temporary" in the text).
 * Status: the report's enhanced code; else one found in the diagnostic text;
 * else the made-up X.0.9NN code of the reason (status_synthetic = 1).
 */
#ifndef BT_CLASSIFY_H
#define BT_CLASSIFY_H

#include "result.h"
#include "ruleset.h"

void classify_result(bt_result *r, const ruleset *rs);
void classify_rcpt(bt_rcpt *rc, const bt_result *r, const ruleset *rs);

/* classify_result() for a front end that put off the work that fills the
 * recipients' smtp_command (the engine's text scan, when that is all it
 * could still give: scan_text_cmd_only()): fill_commands(ctx) is called,
 * once, before the first time a recipient's empty smtp_command is read;
 * most recipients are classified without it. */
typedef struct classify_ask {
	void (*fill_commands)(void *ctx);
	void *ctx;
} classify_ask;
void classify_result_ask(bt_result *r, const ruleset *rs, classify_ask *ask);

/* Mapping used above, exposed for tests and documentation. */
bt_class classify_class_of(const char *reason, const char *status);
int classify_is_hard(const char *reason, const char *status, const char *text);
const char *classify_synthetic_status(const char *reason, int temporary);

#endif
