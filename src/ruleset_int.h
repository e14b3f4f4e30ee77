/*
 * ruleset_int.h - the ruleset's own layout (private to ruleset.c, which
 * builds it, and ruleset_match.c, which matches with it).
 */
#ifndef BT_RULESET_INT_H
#define BT_RULESET_INT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stddef.h>

#include "codes.h"
#include "ruleset_lit.h"

struct ruleset {
	ruleset_rule *admin;		/* in the order added */
	size_t nadmin, admin_alloc;
	ruleset_rule *builtin;
	size_t nbuiltin;
	codes_entry *codes;		/* added codes; strings owned */
	size_t ncodes, codes_alloc;
	pcre2_match_context *mctx;	/* match and depth limits; only read when matching */
	ruleset_lit_idx lit;		/* the literal index (built with the rules) */
};

#endif
