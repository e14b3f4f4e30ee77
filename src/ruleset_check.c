/*
 * ruleset_check.c - the checks of a -DRULESET_LIT_CHECK build: the literal
 * prefilter (ruleset_lit.c, ruleset_pat.c, ruleset_host.c) must never skip
 * a rule, part or host filter that matches.
 *
 * DESCRIPTION
 *	ruleset_check_rule() runs each of a rule's parts and its whole
 *	pattern on a text and compares them with what the prefilter says;
 *	ruleset_check_re() runs a pattern the prefilter ruled out.  A
 *	difference is a prefilter bug: it is printed and the program aborts.
 *	Other builds compile nothing here.  (The packed index is checked
 *	against all literals in ruleset_lit_scan().)
 *
 * MEMORY
 *	Nothing allocated; the caller's match data is used.
 */
#ifdef RULESET_LIT_CHECK
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "ruleset_check.h"

static int ruleset_check_match(const pcre2_code *re, const char *s, size_t len,
				pcre2_match_data *md, pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0;
}

/* Debug builds (-DRULESET_LIT_CHECK): a pattern the literals rule out must
 * not match; abort when it does (a prefilter bug would skip a rule). */
void ruleset_check_re(const pcre2_code *re, const char *lits, const char *s, size_t len,
		       pcre2_match_data *md, pcre2_match_context *mctx)
{
	if (pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0) {
		fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: a pattern whose literals (%s ...) "
			"are not in \"%.*s\" matches it\n", lits, (int)len, s);
		abort();
	}
}

/* Debug builds: the parts say what the whole pattern says, and a part the
 * literals rule out does not match. */
void ruleset_check_rule(const ruleset_lit_idx *ix, const ruleset_rule *r,
			    ruleset_lit_text *t, pcre2_match_data *md,
			    pcre2_match_context *mctx)
{
	size_t j;
	int any = 0;

	for (j = 0; j < r->nparts; j++) {
		if (!ruleset_lit_rule_possible(ix, r, t) &&
		    ruleset_lit_part_possible(ix, &r->parts[j], t)) {
			fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: a rule's bit (%s) is "
				"not set, a part's is\n", r->reason);
			abort();
		}
		if (!ruleset_lit_part_possible(ix, &r->parts[j], t)) {
			ruleset_check_re(r->parts[j].re, r->parts[j].lits, t->text, t->len, md,
					  mctx);
		} else if (ruleset_check_match(r->parts[j].re, t->text, t->len, md, mctx)) {
			any = 1;
		} else if (r->parts[j].exact) {
			fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: an exact part (%s) found "
				"but not matched in \"%.*s\"\n", r->parts[j].lits, (int)t->len,
				t->text);
			abort();
		}
	}
	if (any != ruleset_check_match(r->re, t->text, t->len, md, mctx)) {
		fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: the parts of a rule (%s) say %d, "
			"the pattern not, on \"%.*s\"\n", r->reason, any, (int)t->len, t->text);
		abort();
	}
}
#else
typedef int ruleset_check_none;	/* (ISO C: a file declares something) */
#endif
