/*
 * ruleset_host.h - host filters ruled out without running them (see
 * ruleset_host.c).
 */
#ifndef RULESET_HOST_H
#define RULESET_HOST_H

#include <string.h>

#include "ruleset_lit.h"

/* The bytes of the rule's host words as masks, when they are few
 * (at set-up). */
void ruleset_host_prep(ruleset_rule *r);

/* The host words of rule r (which has a host filter) put in the index's
 * screen (at set-up). */
void ruleset_host_screen_add(ruleset_lit_idx *ix, const ruleset_rule *r);

/* 0 when no rule with a host filter can match any of the hosts (host_ctx
 * may be NULL, and so may each of them): none holds the byte pairs of
 * one of the filters' words; 1 when one may. */
int ruleset_host_screen(const ruleset_lit_idx *ix, const char *const host_ctx[3]);

/* 0 when host h (NUL-terminated) does not start with pre (lowercase, as
 * the rule's host_prefix), letters of either case alike: most hosts fail
 * on their first byte, before they are measured. */
static inline int ruleset_host_starts(const char *h, const char *pre)
{
	for (; *pre != '\0'; h++, pre++) {
		unsigned c = (unsigned char)*h;

		if ((c - 'A' < 26u ? c + 32 : c) != (unsigned char)*pre)
			return 0;	/* (the host's NUL too) */
	}
	return 1;
}

/* Host i's length (at most RULESET_MAX_TEXT), measured on first need for
 * this text.  Inline: a hosted rule asks it of each host. */
static inline size_t ruleset_host_len(ruleset_lit_text *t, int i, const char *host)
{
	if (!(t->hdone & (1 << i))) {
		t->host[i] = host;
		t->hlen[i] = strnlen(host, RULESET_MAX_TEXT);
		t->hdone |= 1 << i;
	}
	return t->hlen[i];
}

/* 1 when host s[0..n) ends with suf (sl bytes, lowercase), letters of
 * either case alike, or may before a final newline ('$' matches there
 * too). */
int ruleset_host_ends(const char *s, size_t n, const char *suf, size_t sl);

/* The rest of ruleset_host_possible(): 0 when host i lacks every
 * literal of the rule's host filter. */
int ruleset_host_lits(const ruleset_rule *r, ruleset_lit_text *t, int i);

/* 0 when host i (measured by ruleset_host_len()) cannot match the
 * rule's host filter: it does not end as every host the filter matches
 * does, or lacks every literal of it. */
static inline int ruleset_host_possible(const ruleset_rule *r, ruleset_lit_text *t, int i)
{
	if (r->host_suffix != NULL)	/* (shorter than the end: no call) */
		return t->hlen[i] >= r->host_suffix_len &&
		       ruleset_host_ends(t->host[i], t->hlen[i], r->host_suffix,
					 r->host_suffix_len);
	return ruleset_host_lits(r, t, i);
}

#endif
