/*
 * ruleset_check.h - the checks of a -DRULESET_LIT_CHECK build (see
 * ruleset_check.c); private to the ruleset's files.
 */
#ifndef BT_RULESET_CHECK_H
#define BT_RULESET_CHECK_H

#ifdef RULESET_LIT_CHECK
#include "ruleset_lit.h"

/* Abort when a pattern whose literals are not in s matches it. */
void ruleset_check_re(const pcre2_code *re, const char *lits, const char *s, size_t len,
		      pcre2_match_data *md, pcre2_match_context *mctx);
/* Abort when the rule's parts and its whole pattern disagree. */
void ruleset_check_rule(const ruleset_lit_idx *ix, const ruleset_rule *r,
			ruleset_lit_text *t, pcre2_match_data *md,
			pcre2_match_context *mctx);
#endif

#endif
