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
#include <pthread.h>
#include <stddef.h>

#include "codes.h"
#include "ruleset.h"
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
	unsigned probe_id[RULESET_NPROBES];	/* each probe's bit in the index
					 * (RULESET_LIT_NOBIT: not indexed, always "there") */
	int probes_first;		/* probe k has bit k (all of them indexed) */
	pthread_mutex_t jit_lock;	/* taken to JIT-compile a part on its first run */
	int jit_lock_ok;		/* jit_lock was made */
};

/* A part's JIT state (ruleset_part.jit, read with __atomic_load_n). */
#define RULESET_JIT_NO		(-1)	/* run by the interpreter */
#define RULESET_JIT_LATER	0	/* not compiled yet: ruleset_part_jit() */
#define RULESET_JIT_YES		1	/* JIT code: pcre2_jit_match() */

/* The part's JIT state once it is settled: a part still RULESET_JIT_LATER is
 * compiled now (a built-in part's code made from its pat, then JIT),
 * under the ruleset's lock; no thread reads a part's code before its
 * state is settled, so none runs it while it is made. */
int ruleset_part_jit(const ruleset *rs, const ruleset_part *part);

/* The literal index packed for matching (ruleset_lit_pack()), under the
 * ruleset's lock, when it is not yet: rules are added before matching, the
 * index is packed on the first match after. */
static inline void ruleset_pack_lits(const ruleset *rs)
{
	/* the index is the one other thing matching writes, once */
	ruleset *w = (ruleset *)rs;

	if (ruleset_lit_packed(&rs->lit) || !rs->jit_lock_ok)
		return;
	pthread_mutex_lock(&w->jit_lock);
	ruleset_lit_pack(&w->lit);
	pthread_mutex_unlock(&w->jit_lock);
}

#endif
