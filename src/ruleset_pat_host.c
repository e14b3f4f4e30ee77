/*
 * ruleset_pat_host.c - what a host filter's pattern says of the hosts it
 * matches, read without running it: the end every such host has
 * (ruleset_pat_suffix()) and the start (ruleset_pat_prefix()), which
 * ruleset_host.c tests before running the filter.
 *
 * MEMORY
 *	Both return malloc'd strings the caller owns (the ruleset keeps them
 *	in its rules and frees them); nothing is kept here.
 */
#include <stdlib.h>
#include <string.h>

#include "ruleset_pat.h"

/* 1 when the pattern (n bytes) is one sequence a host filter can be read
 * from: no "(?" option or group, no \Q, no top-level '|' (another
 * alternative need not start or end so), classes closed and parentheses
 * balanced (skipping escaped bytes and classes' members). */
static int
ruleset_pat_host_one_seq(const char *pattern, size_t n)
{
	size_t i, j, depth = 0;

	if (strstr(pattern, "(?") != NULL || strstr(pattern, "\\Q") != NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (pattern[i] == '\\') {
			i++;	/* the escaped byte */
		} else if (pattern[i] == '[') {	/* a class: to its ']' */
			j = i + 1;
			if (j < n && pattern[j] == '^')
				j++;
			if (j < n && pattern[j] == ']')
				j++;	/* a first ']' is a member */
			for (; j < n && pattern[j] != ']'; j++)
				if (pattern[j] == '\\')
					j++;
			if (j >= n)
				return 0;
			i = j;
		} else if (pattern[i] == '(') {
			depth++;
		} else if (pattern[i] == ')') {
			if (depth-- == 0)
				return 0;
		} else if (pattern[i] == '|' && depth == 0) {
			return 0;
		}
	}
	return i == n && depth == 0;
}

/* The end every subject a pattern matches must have: the pattern is one
 * sequence (no top-level '|', no "(?" option or group, no \Q) that ends
 * with a run of plain bytes (letters, digits, '-', '_', "\." a dot) and
 * '$', the run cut off by a special character or the pattern's start
 * (not by an escape, whose length is not read here).  Letters lowercased
 * (patterns are caseless); NULL when there is none or no memory.  ('$'
 * also matches before a final newline: the caller allows for it.) */
char *ruleset_pat_suffix(const char *pattern)
{
	size_t n = strlen(pattern), i, e, k, bs = 0;
	unsigned char c = 0;
	char *out;

	if (n < 2 || pattern[n - 1] != '$' || !ruleset_pat_host_one_seq(pattern, n))
		return NULL;
	/* the '$' must not be escaped: an even run of '\' before it */
	for (k = n - 1; k > 0 && pattern[k - 1] == '\\'; k--)
		;
	if ((n - 1 - k) % 2 != 0)
		return NULL;
	/* back from the '$', over the plain bytes */
	for (e = n - 1; e > 0;) {
		c = (unsigned char)pattern[e - 1];
		for (bs = 0; e - 1 > bs && pattern[e - 2 - bs] == '\\'; bs++)
			;
		if (c == '.' && bs % 2 == 1) {
			e -= 2;		/* "\." */
			continue;
		}
		if (bs % 2 == 1 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9') || c == '-' || c == '_'))
			break;
		e--;
	}
	if (e > 0 && (bs % 2 == 1 || strchr("^$.|?*+()[]{}", c) == NULL))
		return NULL;	/* cut by an escape or an unknown byte */
	if (e == n - 1 || (out = malloc(n)) == NULL)
		return NULL;
	for (i = e, k = 0; i < n - 1; i++) {
		if (pattern[i] == '\\')
			i++;
		out[k++] = (char)((unsigned)(pattern[i] - 'A') < 26u ? pattern[i] + 32 : pattern[i]);
	}
	out[k] = '\0';
	return out;
}

/* The start every subject of a host pattern has: a pattern that starts
 * with '^' and a run of plain bytes (letters, digits, '-', '_', "\\." a
 * dot; a byte a quantifier follows is not taken), and has no top-level
 * alternative (the pattern is compiled without PCRE2_MULTILINE: '^' is
 * the subject's start).  Letters lowercased; NULL when there is none or
 * no memory. */
char *ruleset_pat_prefix(const char *pattern)
{
	size_t n = strlen(pattern), i, k;
	char *out;

	if (n < 2 || pattern[0] != '^' || !ruleset_pat_host_one_seq(pattern, n) ||
	    (out = malloc(n)) == NULL)
		return NULL;
	for (i = 1, k = 0; i < n;) {
		unsigned char c = (unsigned char)pattern[i];
		size_t w = 1;	/* the item's bytes */

		if (c == '\\' && i + 1 < n && pattern[i + 1] == '.') {
			c = '.';
			w = 2;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			break;
		}
		if (i + w < n && strchr("?*+{", pattern[i + w]) != NULL)
			break;		/* optional or repeated: not taken */
		out[k++] = (char)((unsigned)(c - 'A') < 26u ? c + 32 : c);
		i += w;
	}
	if (k == 0) {
		free(out);
		return NULL;
	}
	out[k] = '\0';
	return out;
}
