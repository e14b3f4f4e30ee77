/*
 * ruleset_pat.h - what a rule's pattern says without running it (private
 * to the ruleset's files): the literals every match holds and the
 * pattern's top-level alternatives.  See ruleset_pat.c (and, for a host
 * filter's start and end, ruleset_pat_host.c).
 */
#ifndef BT_RULESET_PAT_H
#define BT_RULESET_PAT_H

#include <stddef.h>

/* The literals of a pattern: "lit\0lit\0...\0\0" (malloc'd, the caller
 * frees it), or NULL when none can be derived safely. */
char *ruleset_pat_lits(const char *pattern);

/* The strings a part p[0..n) matches, when it is a finite set of plain
 * strings ("host ?unknown": "host unknown\0hostunknown\0\0", lowercase;
 * malloc'd, the caller frees it): a text matches the part exactly when it
 * holds one of them.  NULL when the part is no such set, has more than a
 * few strings, or one shorter than the index's literals. */
char *ruleset_pat_expand(const char *p, size_t n);

/* The end every subject of a host pattern has ("^mx\\.example\\.com$":
 * "mx.example.com"), lowercased (malloc'd, the caller frees it), or NULL
 * when there is none to be read; '$' also matches before a final newline. */
char *ruleset_pat_suffix(const char *pattern);

/* The start every subject of a host pattern has ("^mx\\.example\\.": "mx.example."),
 * lowercased (malloc'd, the caller frees it), or NULL when there is none to
 * be read. */
char *ruleset_pat_prefix(const char *pattern);

/* 1 when the pattern p (n bytes, NUL-terminated) is a plain word and lits
 * (ruleset_pat_lits() of it) is that word alone: finding the literal is
 * matching the pattern. */
int ruleset_pat_exact(const char *p, size_t n, const char *lits);

/* 1 when the pattern p (n bytes) is "^(?!.*R)", its lookahead closing at
 * its end, with *lo where R starts; R run as a pattern of its own then
 * means what it meant there (ruleset.c's ruleset_part_neg()): it holds
 * no verb, no \G, \K, \g or recursion of the whole pattern, and does not
 * start with a quantifier (".*?", ".*+": no other R). */
int ruleset_pat_neg(const char *p, size_t n, size_t *lo);

/* Split the pattern at its top-level '|' and call add(ctx, p, n, lits,
 * lits2) for each part: an alternative with literals is a part of its own,
 * with them (its ruleset_pat_lits()) and, when it is one sequence with a
 * second requirement, lits2: literals one of which every match holds
 * besides one of lits ("user (is )?over": "user " and "over") (malloc'd,
 * add owns them; NULL: none); the rest go together (one part always run, both
 * NULL), as does the whole pattern when the literal reading gives up.  0,
 * or -1 when add or the split fails. */
typedef int (*ruleset_pat_add_fn)(void *ctx, const char *p, size_t n, char *lits,
				  char *lits2);
int ruleset_pat_split(const char *pattern, ruleset_pat_add_fn add, void *ctx);

#endif
