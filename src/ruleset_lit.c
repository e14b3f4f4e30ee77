/*
 * ruleset_lit.c - the ruleset's literal prefilter: which rules a text can
 * match at all, found without running them.
 *
 * DESCRIPTION
 *	At set-up, ruleset_lit_derive() reads a pattern and returns words one
 *	of which every match must contain, ruleset_lit_split() cuts a pattern
 *	at its top-level alternatives (one part per alternative with words,
 *	the others together in one part always run), and
 *	ruleset_lit_add_rule() puts a rule's words in one hash index.  At
 *	match time the text is lowercased once, one pass over it marks the
 *	rules and parts whose words occur (ruleset_lit_rule_possible(),
 *	ruleset_lit_part_possible()), and host names are looked through the
 *	same way (ruleset_lit_host_possible()).  Compiling and running the
 *	patterns, and the order of the rules, are ruleset.c's.
 *
 *	Built with -DRULESET_LIT_CHECK, ruleset_lit_check_rule() runs every
 *	rule whole and compares it with its parts, and ruleset_lit_check()
 *	matches a pattern the prefilter skips anyway; a difference aborts.
 *
 * MEMORY
 *	ruleset_lit_derive() returns a malloc'd string the caller owns (the
 *	ruleset keeps it in its part or rule and frees it).  The index owns
 *	its entry array (ruleset_lit_idx_clear() frees it) but its entries
 *	point into the rules' literal strings: index and rules are freed
 *	together.  A ruleset_lit_text is the caller's (on its stack) and
 *	points to the text it was made for.  One value is process-wide: the
 *	case-folding probe's result, set once (pthread_once), then read-only.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruleset_lit.h"

/* --- the literal prefilter ------------------------------------------------
 * At set-up, each rule gets the literals of its pattern: lowercase words,
 * one of which every match contains (a rule for which none can be derived
 * safely gets none and is always tried).  The literals of all rules go in
 * one hash index keyed by their first three bytes.  At match time the
 * text is lowercased once and one pass over it marks the rules one of
 * whose literals occurs; only those, and the rules without literals, are
 * tried, in the rules' order.  Patterns are caseless without UTF, so PCRE2
 * folds ASCII letters only: lowercasing ASCII on both sides is exact.
 *
 * The derivation reads the pattern as alternatives of sequences: the
 * literal set of a sequence is the best of its plain runs and of its
 * mandatory groups (a group: the union of its alternatives' sets; none if
 * one alternative has none); "best": the longest shortest literal.  An
 * optional item (?, *, {0,n}) ends a run; so do classes, dots, anchors
 * and escapes such as \b \d \s.  Anything else (\Q, \x, \1, POSIX
 * classes, option settings, named groups, verbs, a '{' that is not a
 * quantifier) and the pattern gets no literals. */
#define RULESET_LIT_MIN		3	/* bytes: the index hashes three */
#define RULESET_LIT_LEN		64	/* longer literals are cut (a prefix is still contained) */
#define RULESET_LIT_SET		128	/* literals per rule */

typedef struct ruleset_lit_set {
	int ok;			/* a set was found */
	size_t n;
	char s[RULESET_LIT_SET][RULESET_LIT_LEN];
} ruleset_lit_set;

static size_t ruleset_lit_min(const ruleset_lit_set *l)
{
	size_t i, m = (size_t)-1;

	for (i = 0; i < l->n; i++)
		if (strlen(l->s[i]) < m)
			m = strlen(l->s[i]);
	return l->n ? m : 0;
}

/* 1 when set a is better than b */
static int ruleset_lit_better(const ruleset_lit_set *a, const ruleset_lit_set *b)
{
	size_t ma, mb;

	if (!a->ok)
		return 0;
	if (!b->ok)
		return 1;
	ma = ruleset_lit_min(a);
	mb = ruleset_lit_min(b);
	return ma > mb || (ma == mb && a->n < b->n);
}

/* The end of the class starting at p ('['), or NULL (POSIX class, unclosed). */
static const char *ruleset_lit_class_end(const char *p, const char *end)
{
	p++;
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')
		p++;
	while (p < end && *p != ']') {
		if (*p == '[' && p + 1 < end && (p[1] == ':' || p[1] == '.' || p[1] == '='))
			return NULL;
		if (*p == '\\' && p + 1 < end)
			p++;
		p++;
	}
	return p < end ? p + 1 : NULL;
}

/* The ')' closing the group that starts at p ('('), or NULL. */
static const char *ruleset_lit_group_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '\\') {
			p++;
		} else if (*p == '[') {
			if ((p = ruleset_lit_class_end(p, end)) == NULL)
				return NULL;
			p--;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p;
		}
	}
	return NULL;
}

/* A quantifier at p: 1 with its end in *q and whether it allows zero
 * repeats in *zero; 0: none; -1: a '{' that is not one (give up: PCRE2
 * versions differ on "{,n}"). */
static int ruleset_lit_quant(const char *p, const char *end, const char **q, int *zero)
{
	if (p >= end)
		return 0;
	if (*p == '?' || *p == '*' || *p == '+') {
		*zero = *p != '+';
		p++;
	} else if (*p == '{') {
		const char *d = p + 1;
		long lo = 0;

		if (d >= end || *d < '0' || *d > '9')
			return -1;
		while (d < end && *d >= '0' && *d <= '9' && lo < 100000)
			lo = lo * 10 + (*d++ - '0');
		if (d < end && *d == ',')
			for (d++; d < end && *d >= '0' && *d <= '9'; d++)
				;
		if (d >= end || *d != '}')
			return -1;
		*zero = lo == 0;
		p = d + 1;
	} else {
		return 0;
	}
	if (p < end && (*p == '?' || *p == '+'))
		p++;
	*q = p;
	return 1;
}

static int ruleset_lit_alt(const char *p, const char *end, ruleset_lit_set *out, int depth);

/* Offer the run as a one-literal set. */
static void ruleset_lit_run(ruleset_lit_set *best, const char *run, size_t n)
{
	size_t m;

	if (n < RULESET_LIT_MIN)
		return;
	m = ruleset_lit_min(best);
	if (best->ok && !(n > m || (n == m && best->n > 1)))
		return;		/* not better (see ruleset_lit_better) */
	best->ok = 1;
	best->n = 1;
	memcpy(best->s[0], run, n);
	best->s[0][n] = '\0';
}

/* *dst = *src, only the literals used */
static void ruleset_lit_copy(ruleset_lit_set *dst, const ruleset_lit_set *src)
{
	dst->ok = src->ok;
	dst->n = src->n;
	memcpy(dst->s, src->s, src->n * sizeof(src->s[0]));
}

/* A group at p: *in its contents, *close its ')'; *look set for a lookaround
 * (zero-width: its contents need not be in the match).  -1: give up. */
static int ruleset_lit_group(const char *p, const char *end, const char **in,
			     const char **close, int *look)
{
	*close = ruleset_lit_group_end(p, end);
	*in = p + 1;
	*look = 0;
	if (*close == NULL)
		return -1;
	if (*in < *close && **in == '*')
		return -1;			/* (*VERB) */
	if (*in < *close && **in == '?') {
		const char *o = *in + 1;

		if (o < *close && *o == ':')
			*in = o + 1;
		else if (o < *close && (*o == '=' || *o == '!'))
			*look = 1;
		else if (o + 1 < *close && *o == '<' && (o[1] == '=' || o[1] == '!'))
			*look = 1;
		else
			return -1;		/* options, names, comments, atomic, ... */
	}
	return 0;
}

/* One sequence [p, end): its best set in *best.  -1: give up the pattern. */
/* Offer the run as a one-literal set to best and, when not NULL, second
 * (the next best, a requirement of its own: see ruleset_lit_seq). */
static void ruleset_lit_run2(ruleset_lit_set *best, ruleset_lit_set *second, const char *run,
			     size_t n)
{
	size_t m;

	if (second == NULL || n < RULESET_LIT_MIN) {
		ruleset_lit_run(best, run, n);
		return;
	}
	m = ruleset_lit_min(best);
	if (!best->ok || n > m || (n == m && best->n > 1)) {
		ruleset_lit_copy(second, best);
		ruleset_lit_run(best, run, n);
		return;
	}
	ruleset_lit_run(second, run, n);
}

/* One sequence [p, end): its best set in *best, and, when second is not
 * NULL, the next best in *second.  Every match of the sequence holds one
 * literal of each: the two come from different items of the sequence,
 * each of which every match goes through.  -1: give up the pattern. */
static int ruleset_lit_seq(const char *p, const char *end, ruleset_lit_set *best,
			   ruleset_lit_set *second, int depth)
{
	char run[RULESET_LIT_LEN];
	size_t n = 0;
	const char *q;
	int zero, k;

	best->ok = 0;
	best->n = 0;
	if (second != NULL) {
		second->ok = 0;
		second->n = 0;
	}
	while (p < end) {
		char c;

		if (*p == '(') {
			const char *in, *close;
			ruleset_lit_set *g;
			int look, r;

			if (ruleset_lit_group(p, end, &in, &close, &look) < 0)
				return -1;
			ruleset_lit_run2(best, second, run, n);
			n = 0;
			p = close + 1;
			zero = 0;
			if ((k = ruleset_lit_quant(p, end, &q, &zero)) < 0)
				return -1;
			if (k > 0)
				p = q;
			if (look || zero)
				continue;
			if ((g = malloc(sizeof(*g))) == NULL)
				return -1;
			r = ruleset_lit_alt(in, close, g, depth + 1);
			if (r == 0 && ruleset_lit_better(g, best)) {
				if (second != NULL)
					ruleset_lit_copy(second, best);
				ruleset_lit_copy(best, g);
			} else if (r == 0 && second != NULL && ruleset_lit_better(g, second)) {
				ruleset_lit_copy(second, g);
			}
			free(g);
			if (r < 0)
				return -1;
			continue;
		}
		if (*p == '[' || *p == '.' || *p == '^' || *p == '$' ||
		    (*p == '\\' && p + 1 < end && strchr("bBdDwWsShHvVRAzZGKXNC", p[1]) != NULL)) {
			if (*p == '[') {
				if ((q = ruleset_lit_class_end(p, end)) == NULL)
					return -1;
				p = q;
			} else {
				p += *p == '\\' ? 2 : 1;
			}
			if ((k = ruleset_lit_quant(p, end, &q, &zero)) < 0)
				return -1;
			if (k > 0)
				p = q;
			ruleset_lit_run2(best, second, run, n);
			n = 0;
			continue;
		}
		if (*p == '\\') {
			if (p + 1 >= end)
				return -1;
			c = p[1];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
				return -1;	/* \x, \Q, \1, \t ...: give up */
			p += 2;
		} else if (*p == '?' || *p == '*' || *p == '+' || *p == ')' || *p == '{' || *p == '|') {
			return -1;
		} else {
			c = *p++;
		}
		c = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		if ((k = ruleset_lit_quant(p, end, &q, &zero)) < 0)
			return -1;
		if (k > 0) {
			p = q;
			if (!zero && n + 1 < sizeof(run))
				run[n++] = c;	/* at least once: it ends the run */
			ruleset_lit_run2(best, second, run, n);
			n = 0;
			continue;
		}
		if (n + 1 < sizeof(run))
			run[n++] = c;	/* past the end: the run kept is a prefix */
	}
	ruleset_lit_run2(best, second, run, n);
	return 0;
}

/* The alternation [p, end): the union of its alternatives' sets. */
static int ruleset_lit_alt(const char *p, const char *end, ruleset_lit_set *out, int depth)
{
	const char *start = p, *q;
	int level = 0;
	ruleset_lit_set *one;

	if (depth > 32 || (one = malloc(sizeof(*one))) == NULL)
		return -1;
	out->ok = 1;
	out->n = 0;
	for (;; p++) {
		if (p >= end || (*p == '|' && level == 0)) {
			size_t i;

			if (ruleset_lit_seq(start, p, one, NULL, depth) < 0)
				goto fail;
			if (!one->ok || out->n + one->n > RULESET_LIT_SET)
				out->ok = 0;
			for (i = 0; out->ok && i < one->n; i++)
				memcpy(out->s[out->n++], one->s[i], sizeof(one->s[i]));
			if (p >= end)
				break;
			start = p + 1;
		} else if (*p == '\\') {
			p++;
		} else if (*p == '[') {
			if ((q = ruleset_lit_class_end(p, end)) == NULL)
				goto fail;
			p = q - 1;
		} else if (*p == '(') {
			level++;
		} else if (*p == ')') {
			level--;
		}
	}
	if (!out->ok)
		out->n = 0;
	free(one);
	return 0;
fail:
	free(one);
	return -1;
}

/* The prefilter lowercases ASCII letters and nothing else, as PCRE2's
 * built-in character tables (the C locale's) fold.  A PCRE2 built with
 * other tables could fold more (Latin-1 letters, a Turkish i): this probe,
 * run once per process, asks PCRE2 whether a caseless byte matches any
 * byte but itself and its ASCII pair; if one does, no literals are
 * derived and every rule is always run. */
static pthread_once_t ruleset_lit_fold_once = PTHREAD_ONCE_INIT;
static int ruleset_lit_fold_ascii;		/* set once by the probe, then read-only */

static void ruleset_lit_fold_probe(void)
{
	unsigned char others[256];
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int c, d, ok = md != NULL;

	for (c = 0; ok && c < 256; c++) {
		int pair = c >= 'A' && c <= 'Z' ? c + 32 : c >= 'a' && c <= 'z' ? c - 32 : c, err;
		char pat[16];
		size_t n = 0;
		PCRE2_SIZE off;
		pcre2_code *re;

		for (d = 0; d < 256; d++)
			if (d != c && d != pair)
				others[n++] = (unsigned char)d;
		snprintf(pat, sizeof(pat), "\\x{%x}", (unsigned)c);
		re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &err,
				   &off, NULL);
		if (re == NULL || pcre2_match(re, others, n, 0, 0, md, NULL) >= 0)
			ok = 0;
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
	ruleset_lit_fold_ascii = ok;
}

/* The set as "lit\0lit\0...\0\0" (malloc'd), or NULL when it has none or
 * one too short for the index. */
static char *ruleset_lit_string(const ruleset_lit_set *set)
{
	char *buf;
	size_t i, o = 0;

	if (!set->ok || ruleset_lit_min(set) < RULESET_LIT_MIN ||
	    (buf = malloc(set->n * sizeof(set->s[0]) + 1)) == NULL)
		return NULL;
	for (i = 0; i < set->n; i++) {
		size_t n = strlen(set->s[i]);

		memcpy(buf + o, set->s[i], n + 1);
		o += n + 1;
	}
	buf[o] = '\0';
	return buf;
}

/* The literals of a pattern: "lit\0lit\0...\0\0" (malloc'd), or NULL. */
char *ruleset_lit_derive(const char *pattern)
{
	ruleset_lit_set *set;
	char *buf = NULL;

	pthread_once(&ruleset_lit_fold_once, ruleset_lit_fold_probe);
	if (!ruleset_lit_fold_ascii || (set = malloc(sizeof(*set))) == NULL)
		return NULL;
	if (ruleset_lit_alt(pattern, pattern + strlen(pattern), set, 0) == 0)
		buf = ruleset_lit_string(set);
	free(set);
	return buf;
}

/* A second requirement of a pattern that is one sequence (no top-level
 * '|'): literals one of which every match holds besides one of
 * ruleset_lit_derive()'s ("user (is )?over": "user " and "over").  NULL
 * when there is none. */
char *ruleset_lit_derive_and(const char *pattern)
{
	ruleset_lit_set *set, *second;
	char *buf = NULL;

	pthread_once(&ruleset_lit_fold_once, ruleset_lit_fold_probe);
	if (!ruleset_lit_fold_ascii)
		return NULL;
	set = malloc(sizeof(*set));
	second = malloc(sizeof(*second));
	if (set != NULL && second != NULL &&
	    ruleset_lit_seq(pattern, pattern + strlen(pattern), set, second, 0) == 0 &&
	    set->ok && ruleset_lit_min(set) >= RULESET_LIT_MIN)
		buf = ruleset_lit_string(second);
	free(set);
	free(second);
	return buf;
}

/* A plain word (no special character, no cut) whose one literal it is:
 * finding it is matching it. */
int ruleset_lit_exact(const char *p, size_t n, const char *lits)
{
	return lits != NULL && n < RULESET_LIT_LEN && strcspn(p, "\\^$.[]|()?*+{}") == n &&
	       strlen(lits) == n && lits[n + 1] == '\0' && strncasecmp(lits, p, n) == 0;
}

void ruleset_lit_idx_init(ruleset_lit_idx *ix)
{
	size_t i;

	memset(ix, 0, sizeof(*ix));
	for (i = 0; i < RULESET_LIT_HASH; i++)
		ix->lhead[i] = -1;
}

void ruleset_lit_idx_clear(ruleset_lit_idx *ix)
{
	free(ix->lent);
	ix->lent = NULL;
	ix->nlent = ix->lent_alloc = 0;
}

/* The trigram filter's bit for three bytes packed a << 16 | b << 8 | c
 * (multiplicative hashing: the top bits of the product). */
static unsigned ruleset_lit_tri(uint32_t tri)
{
	return (unsigned)((uint32_t)(tri * 2654435761u) >> 16) & (RULESET_LIT_TRI - 1);
}

#define RULESET_LIT_H(a, b, c)	((((unsigned)(a) * 33u + (unsigned)(b)) * 33u + (unsigned)(c)) & \
				 (RULESET_LIT_HASH - 1))

/* Put the literals lits in the index under a new bit (*id, *indexed set);
 * rid: the rule's bit they set too.  When there is no room, *indexed stays
 * 0: they are looked for one by one. */
static void ruleset_lit_index_lits(ruleset_lit_idx *ix, const char *lits, unsigned rid,
				   unsigned *id, int *indexed)
{
	size_t need = 0;
	const char *l;

	*indexed = 0;
	for (l = lits; *l != '\0'; l += strlen(l) + 1)
		need++;
	if (ix->nids >= RULESET_LIT_IDS)
		return;
	if (ix->nlent + need > ix->lent_alloc) {
		size_t na = ix->lent_alloc ? ix->lent_alloc * 2 : 256;
		ruleset_lit_ent *e;

		while (na < ix->nlent + need)
			na *= 2;
		if ((e = realloc(ix->lent, na * sizeof(*e))) == NULL)
			return;
		ix->lent = e;
		ix->lent_alloc = na;
	}
	*id = ix->nids++;
	*indexed = 1;
	for (l = lits; *l != '\0'; l += strlen(l) + 1) {
		ruleset_lit_ent *e = &ix->lent[ix->nlent];
		unsigned h = RULESET_LIT_H((unsigned char)l[0], (unsigned char)l[1],
					   (unsigned char)l[2]);
		unsigned f;

		e->s = l;
		e->len = strlen(l);
		e->tri = (uint32_t)(unsigned char)l[0] << 16 | (uint32_t)(unsigned char)l[1] << 8 |
			 (unsigned char)l[2];
		f = ruleset_lit_tri(e->tri);
		ix->tbits[f >> 3] |= (unsigned char)(1u << (f & 7));
		e->id = *id;
		e->rid = rid;
		e->next = ix->lhead[h];
		ix->lhead[h] = (int)ix->nlent++;
	}
}

/* Put the part's literals in the index and give it its bit (and its
 * second requirement's); literals that cannot be indexed (no room) are
 * looked for one by one. */
static void ruleset_lit_index(ruleset_lit_idx *ix, const ruleset_rule *rule, ruleset_part *r)
{
	if (r->lits == NULL)
		return;
	ruleset_lit_index_lits(ix, r->lits, rule->lit_id, &r->lit_id, &r->indexed);
	/* The second requirement is not indexed: its words are common ones
	 * ("full", "over"), which would cost the scan more than it saves; it
	 * is looked for when the first is there (one short search, much less
	 * than running the pattern). */
}

/* Split the pattern into parts: each top-level alternative that has
 * literals is a part of its own (it is only run when one of its literals
 * is in the text), the others go together into one part that is always
 * run.  A pattern the literal reading gives up on is one part without
 * literals.  A text matches the pattern exactly when it matches one of
 * the parts (PCRE2 alternatives; the readings that could differ, such as
 * options, back references and (?| groups, make the reading give up).
 * 0, or -1 when some part fails (the caller keeps the pattern whole). */
int ruleset_lit_split(const char *pattern, ruleset_lit_add_fn add, void *ctx)
{
	const char *end = pattern + strlen(pattern), *p, *start, *q;
	char *rest;
	size_t nrest = 0;
	int level = 0, ret = 0;
	ruleset_lit_set *set;

	if ((set = malloc(sizeof(*set))) == NULL)
		return -1;
	if (ruleset_lit_alt(pattern, end, set, 0) < 0) {
		free(set);
		return add(ctx, pattern, strlen(pattern), 0);
	}
	/* the alternatives, their separators and one more '|' (an empty first
	 * alternative) fit in strlen(pattern) + 1 */
	if ((rest = malloc(strlen(pattern) + 1)) == NULL) {
		free(set);
		return -1;
	}
	for (p = start = pattern; ret == 0; p++) {
		if (p >= end || (*p == '|' && level == 0)) {
			if (ruleset_lit_seq(start, p, set, NULL, 0) == 0 && set->ok &&
			    ruleset_lit_min(set) >= RULESET_LIT_MIN) {
				ret = add(ctx, start, (size_t)(p - start), 1);
			} else {
				if (nrest > 0)
					rest[nrest++] = '|';
				memcpy(rest + nrest, start, (size_t)(p - start));
				nrest += (size_t)(p - start);
				if (nrest == 0)
					rest[nrest++] = '|';	/* an empty alternative stays */
			}
			if (p >= end)
				break;
			start = p + 1;
		} else if (*p == '\\') {
			p++;
		} else if (*p == '[') {
			if ((q = ruleset_lit_class_end(p, end)) == NULL)
				ret = -1;	/* cannot happen: the reading succeeded */
			else
				p = q - 1;
		} else if (*p == '(') {
			level++;
		} else if (*p == ')') {
			level--;
		}
	}
	if (ret == 0 && nrest > 0)
		ret = add(ctx, rest, nrest, 0);
	free(rest);
	free(set);
	return ret;
}

/* Index the rule's parts; the rule gets a bit of its own, set when one
 * of its parts' literals is found. */
void ruleset_lit_add_rule(ruleset_lit_idx *ix, ruleset_rule *r, unsigned rbit)
{
	size_t i;

	r->lit_id = rbit;
	r->always = rbit == RULESET_LIT_NOBIT;
	for (i = 0; i < r->nparts; i++) {
		ruleset_lit_index(ix, r, &r->parts[i]);
		if (!r->parts[i].indexed)
			r->always = 1;
	}
	if (rbit == RULESET_LIT_NOBIT)
		return;
	if (rbit >= ix->nrbits)
		ix->nrbits = rbit + 1;
	if (r->always)
		ix->always[rbit / 64] |= (uint64_t)1 << (rbit % 64);
	if (r->host_re != NULL)
		ix->hosted[rbit / 64] |= (uint64_t)1 << (rbit % 64);
}

void ruleset_lit_text_init(ruleset_lit_text *t, const char *text, size_t len,
			   const char *low)
{
	t->text = text;
	t->len = len;
	t->low = low;
	t->scanned = 0;
	t->hdone = 0;
}

/* 1 when l[0..ll) occurs in h[0..hl) (short strings: memchr for the
 * first byte, then memcmp). */
static int ruleset_lit_find(const char *h, size_t hl, const char *l, size_t ll)
{
	const char *p = h, *end = h + hl;

	while (ll > 0 && (size_t)(end - p) >= ll &&
	       (p = memchr(p, l[0], (size_t)(end - p) - ll + 1)) != NULL) {
		if (memcmp(p + 1, l + 1, ll - 1) == 0)
			return 1;
		p++;
	}
	return 0;
}

/* 1 when a[0..n) == b[0..n): literals are short, a loop costs less than
 * a call. */
static int ruleset_lit_same(const unsigned char *a, const char *b, size_t n)
{
	size_t j;
	uint64_t x, y;

	for (j = 0; j + 8 <= n; j += 8) {
		memcpy(&x, a + j, 8);
		memcpy(&y, b + j, 8);
		if (x != y)
			return 0;
	}
	for (; j < n; j++)
		if (a[j] != (unsigned char)b[j])
			return 0;
	return 1;
}

/* One pass over the lowercased text: the rules one of whose literals is there. */
void ruleset_lit_scan(const ruleset_lit_idx *ix, ruleset_lit_text *t)
{
	const unsigned char *low, *p, *end;
	size_t i, len = t->len;
	uint32_t tri;
	int k;

	if (t->low == NULL) {
		const unsigned char *s = (const unsigned char *)t->text;

		for (i = 0; i < len; i++)
			t->lowbuf[i] = (char)((unsigned)(s[i] - 'A') < 26u ? s[i] + 32 : s[i]);
		t->low = t->lowbuf;
	}
	low = (const unsigned char *)t->low;
	memset(t->poss, 0, (ix->nids + 63) / 64 * sizeof(t->poss[0]));
	memset(t->rposs, 0, (ix->nrbits + 63) / 64 * sizeof(t->rposs[0]));
	/* tri: the three bytes ending at p, rolled along */
	if (len < RULESET_LIT_MIN) {
		t->scanned = 1;
		return;
	}
	tri = (uint32_t)low[0] << 8 | low[1];
	for (p = low + 2, end = low + len; p < end; p++) {
		unsigned f;

		tri = (tri << 8 | *p) & 0xffffffu;
		f = ruleset_lit_tri(tri);
		if (!((ix->tbits[f >> 3] >> (f & 7)) & 1))
			continue;
		i = (size_t)(p - low) - 2;
		for (k = ix->lhead[RULESET_LIT_H(p[-2], p[-1], p[0])]; k >= 0;
		     k = ix->lent[k].next) {
			const ruleset_lit_ent *e = &ix->lent[k];

			if (e->tri == tri && e->len <= len - i &&
			    ruleset_lit_same(p + 1, e->s + 3, e->len - 3)) {
				t->poss[e->id / 64] |= (uint64_t)1 << (e->id % 64);
				if (e->rid != RULESET_LIT_NOBIT)
					t->rposs[e->rid / 64] |= (uint64_t)1 << (e->rid % 64);
			}
		}
	}
	t->scanned = 1;
}

/* 1 when one of the literals lits ("a\0b\0\0") is in the scanned text. */
int ruleset_lit_part_find(const char *lits, const ruleset_lit_text *t)
{
	const char *l;

	for (l = lits; *l != '\0'; l += strlen(l) + 1)
		if (ruleset_lit_find(t->low, t->len, l, strlen(l)))
			return 1;
	return 0;
}

/* 0 when host i lacks every literal of the rule's host filter. */
int ruleset_lit_host_possible(const ruleset_rule *r, ruleset_lit_text *t, const char *host,
			      int i, size_t hl)
{
	const char *l;
	size_t k;

	if (r->host_lits == NULL || hl >= RULESET_HOST_LOW)
		return 1;
	if (!(t->hdone & (1 << i))) {
		for (k = 0; k < hl; k++)
			t->hlow[i][k] = (char)((unsigned)(host[k] - 'A') < 26u ? host[k] + 32 : host[k]);
		t->hdone |= 1 << i;
	}
	for (l = r->host_lits; *l != '\0'; l += strlen(l) + 1)
		if (ruleset_lit_find(t->hlow[i], hl, l, strlen(l)))
			return 1;
	return 0;
}

#ifdef RULESET_LIT_CHECK
static int ruleset_lit_re_match(const pcre2_code *re, const char *s, size_t len,
				pcre2_match_data *md, pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0;
}

/* Debug builds (-DRULESET_LIT_CHECK): a pattern the literals rule out must
 * not match; abort when it does (a prefilter bug would skip a rule). */
void ruleset_lit_check(const pcre2_code *re, const char *lits, const char *s, size_t len,
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
void ruleset_lit_check_rule(const ruleset_lit_idx *ix, const ruleset_rule *r,
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
			ruleset_lit_check(r->parts[j].re, r->parts[j].lits, t->text, t->len, md,
					  mctx);
		} else if (ruleset_lit_re_match(r->parts[j].re, t->text, t->len, md, mctx)) {
			any = 1;
		} else if (r->parts[j].exact) {
			fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: an exact part (%s) found "
				"but not matched in \"%.*s\"\n", r->parts[j].lits, (int)t->len,
				t->text);
			abort();
		}
	}
	if (any != ruleset_lit_re_match(r->re, t->text, t->len, md, mctx)) {
		fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: the parts of a rule (%s) say %d, "
			"the pattern not, on \"%.*s\"\n", r->reason, any, (int)t->len, t->text);
		abort();
	}
}
#endif
