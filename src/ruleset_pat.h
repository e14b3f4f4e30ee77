/*
 * ruleset_pat.h - what a rule's pattern says without running it (private
 * to the ruleset's files): the literals every match holds and the
 * pattern's top-level alternatives.  See ruleset_pat.c.
 */
#ifndef BT_RULESET_PAT_H
#define BT_RULESET_PAT_H

#include <stddef.h>

/* The literals of a pattern: "lit\0lit\0...\0\0" (malloc'd, the caller
 * frees it), or NULL when none can be derived safely. */
char *ruleset_pat_lits(const char *pattern);

/* A second requirement of a pattern that is one sequence: literals one of
 * which every match holds besides one of ruleset_pat_lits()'s (malloc'd,
 * the caller frees it), or NULL. */
char *ruleset_pat_lits_and(const char *pattern);

/* 1 when the pattern p (n bytes, NUL-terminated) is a plain word and lits
 * (ruleset_pat_lits() of it) is that word alone: finding the literal is
 * matching the pattern. */
int ruleset_pat_exact(const char *p, size_t n, const char *lits);

/* Split the pattern at its top-level '|' and call add(ctx, p, n, lits) for
 * each part: lits 1 for an alternative with literals (a part of its own),
 * 0 for the rest together (one part always run) or for the whole pattern
 * when the literal reading gives up.  0, or -1 when add or the split fails. */
typedef int (*ruleset_pat_add_fn)(void *ctx, const char *p, size_t n, int lits);
int ruleset_pat_split(const char *pattern, ruleset_pat_add_fn add, void *ctx);

#endif
