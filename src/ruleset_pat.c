/*
 * ruleset_pat.c - what a rule's pattern says without running it: the
 * literals every match holds, and its top-level alternatives.
 *
 * DESCRIPTION
 *	ruleset_pat_lits() reads a pattern and returns words one of which
 *	every match must contain; ruleset_pat_split() cuts a pattern at its
 *	top-level alternatives (one part per alternative with words, given
 *	with its words and a second such requirement, the others together
 *	in one part always run); ruleset_pat_exact() tells a part that is
 *	its one word, ruleset_pat_expand() lists the strings of a part that
 *	is a small finite set of them (then too finding one is matching).
 *	The end and the start a host pattern requires are read in
 *	ruleset_pat_host.c.  The
 *	index of the words and the matching are ruleset_lit.c's and
 *	ruleset.c's; the -DRULESET_LIT_CHECK build checks what is read here.
 *
 * MEMORY
 *	ruleset_pat_lits() returns, and ruleset_pat_split() gives, malloc'd
 *	strings the caller owns (the ruleset keeps them in its parts and rules
 *	and frees them).  One value is process-wide: the case-folding probe's
 *	result, set once (pthread_once), then read-only.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruleset_lit.h"
#include "ruleset_pat.h"

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
#define RULESET_PAT_LEN		64	/* longer literals are cut (a prefix is still contained) */
#define RULESET_PAT_SET		128	/* literals per rule */

typedef struct ruleset_pat_set {
	int ok;			/* a set was found */
	size_t n;
	char s[RULESET_PAT_SET][RULESET_PAT_LEN];
} ruleset_pat_set;

/* The sets a reading works in, one of each kind per depth of groups,
 * allocated when first needed and kept to the reading's end (a set is
 * 8 k: too big for the stack at each depth, too many for malloc per
 * group). */
#define RULESET_PAT_DEPTH	33	/* ruleset_pat_alt() gives up deeper than 32 */

typedef struct ruleset_pat_scratch {
	ruleset_pat_set *one[RULESET_PAT_DEPTH + 1];	/* ruleset_pat_alt()'s, by depth */
	ruleset_pat_set *grp[RULESET_PAT_DEPTH + 1];	/* ruleset_pat_seq()'s, by depth */
} ruleset_pat_scratch;

/* *slot, allocated if not yet; NULL without memory. */
static ruleset_pat_set *ruleset_pat_get(ruleset_pat_set **slot)
{
	if (*slot == NULL)
		*slot = malloc(sizeof(**slot));
	return *slot;
}

static void ruleset_pat_scratch_free(ruleset_pat_scratch *sc)
{
	size_t i;

	for (i = 0; i <= RULESET_PAT_DEPTH; i++) {
		free(sc->one[i]);
		free(sc->grp[i]);
	}
}

static size_t ruleset_pat_min(const ruleset_pat_set *l)
{
	size_t i, m = (size_t)-1;

	for (i = 0; i < l->n; i++)
		if (strlen(l->s[i]) < m)
			m = strlen(l->s[i]);
	return l->n ? m : 0;
}

/* 1 when set a is better than b */
static int ruleset_pat_better(const ruleset_pat_set *a, const ruleset_pat_set *b)
{
	size_t ma, mb;

	if (!a->ok)
		return 0;
	if (!b->ok)
		return 1;
	ma = ruleset_pat_min(a);
	mb = ruleset_pat_min(b);
	return ma > mb || (ma == mb && a->n < b->n);
}

/* The end of the class starting at p ('['), or NULL (POSIX class, unclosed). */
static const char *ruleset_pat_class_end(const char *p, const char *end)
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
static const char *ruleset_pat_group_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '\\') {
			p++;
		} else if (*p == '[') {
			if ((p = ruleset_pat_class_end(p, end)) == NULL)
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

int ruleset_pat_neg(const char *p, size_t n, size_t *lo)
{
	const char *end = p + n, *q;

	if (n < 8 || memcmp(p, "^(?!.*", 6) != 0 || ruleset_pat_group_end(p + 1, end) != end - 1 ||
	    strchr("?+*{", p[6]) != NULL)
		return 0;
	for (q = p + 6; q < end - 1; q++) {
		if (*q == '\\') {
			if (q[1] == 'G' || q[1] == 'K' || q[1] == 'g')
				return 0;
			q++;
		} else if (*q == '(' && (q[1] == '*' ||
				       (q[1] == '?' && (q[2] == 'R' || q[2] == '0')))) {
			return 0;
		}
	}
	*lo = 6;
	return 1;
}

/* A quantifier at p: 1 with its end in *q and whether it allows zero
 * repeats in *zero; 0: none; -1: a '{' that is not one (give up: PCRE2
 * versions differ on "{,n}"). */
static int ruleset_pat_quant(const char *p, const char *end, const char **q, int *zero)
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

static int ruleset_pat_alt(const char *p, const char *end, ruleset_pat_set *out, int depth,
			   ruleset_pat_scratch *sc);

/* Offer the run as a one-literal set. */
static void ruleset_pat_run(ruleset_pat_set *best, const char *run, size_t n)
{
	size_t m;

	if (n < RULESET_LIT_MIN)
		return;
	m = ruleset_pat_min(best);
	if (best->ok && !(n > m || (n == m && best->n > 1)))
		return;		/* not better (see ruleset_pat_better) */
	best->ok = 1;
	best->n = 1;
	memcpy(best->s[0], run, n);
	best->s[0][n] = '\0';
}

/* *dst = *src, only the literals used */
static void ruleset_pat_copy(ruleset_pat_set *dst, const ruleset_pat_set *src)
{
	dst->ok = src->ok;
	dst->n = src->n;
	memcpy(dst->s, src->s, src->n * sizeof(src->s[0]));
}

/* A group at p: *in its contents, *close its ')'; *look set for a lookaround
 * (zero-width: its contents need not be in the match).  -1: give up. */
static int ruleset_pat_group(const char *p, const char *end, const char **in,
			     const char **close, int *look)
{
	*close = ruleset_pat_group_end(p, end);
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
 * (the next best, a requirement of its own: see ruleset_pat_seq). */
static void ruleset_pat_run2(ruleset_pat_set *best, ruleset_pat_set *second, const char *run,
			     size_t n)
{
	size_t m;

	if (second == NULL || n < RULESET_LIT_MIN) {
		ruleset_pat_run(best, run, n);
		return;
	}
	m = ruleset_pat_min(best);
	if (!best->ok || n > m || (n == m && best->n > 1)) {
		ruleset_pat_copy(second, best);
		ruleset_pat_run(best, run, n);
		return;
	}
	ruleset_pat_run(second, run, n);
}

/* One sequence [p, end): its best set in *best, and, when second is not
 * NULL, the next best in *second.  Every match of the sequence holds one
 * literal of each: the two come from different items of the sequence,
 * each of which every match goes through.  -1: give up the pattern. */
static int ruleset_pat_seq(const char *p, const char *end, ruleset_pat_set *best,
			   ruleset_pat_set *second, int depth, ruleset_pat_scratch *sc)
{
	char run[RULESET_PAT_LEN];
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
			ruleset_pat_set *g;
			int look, r;

			if (ruleset_pat_group(p, end, &in, &close, &look) < 0)
				return -1;
			ruleset_pat_run2(best, second, run, n);
			n = 0;
			p = close + 1;
			zero = 0;
			if ((k = ruleset_pat_quant(p, end, &q, &zero)) < 0)
				return -1;
			if (k > 0)
				p = q;
			if (look || zero)
				continue;
			if ((g = ruleset_pat_get(&sc->grp[depth])) == NULL)
				return -1;
			r = ruleset_pat_alt(in, close, g, depth + 1, sc);
			if (r == 0 && ruleset_pat_better(g, best)) {
				if (second != NULL)
					ruleset_pat_copy(second, best);
				ruleset_pat_copy(best, g);
			} else if (r == 0 && second != NULL && ruleset_pat_better(g, second)) {
				ruleset_pat_copy(second, g);
			}
			if (r < 0)
				return -1;
			continue;
		}
		if (*p == '[' || *p == '.' || *p == '^' || *p == '$' ||
		    (*p == '\\' && p + 1 < end && strchr("bBdDwWsShHvVRAzZGKXNC", p[1]) != NULL)) {
			if (*p == '[') {
				if ((q = ruleset_pat_class_end(p, end)) == NULL)
					return -1;
				p = q;
			} else {
				p += *p == '\\' ? 2 : 1;
			}
			if ((k = ruleset_pat_quant(p, end, &q, &zero)) < 0)
				return -1;
			if (k > 0)
				p = q;
			ruleset_pat_run2(best, second, run, n);
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
		if ((k = ruleset_pat_quant(p, end, &q, &zero)) < 0)
			return -1;
		if (k > 0) {
			p = q;
			if (!zero && n + 1 < sizeof(run))
				run[n++] = c;	/* at least once: it ends the run */
			ruleset_pat_run2(best, second, run, n);
			n = 0;
			continue;
		}
		if (n + 1 < sizeof(run))
			run[n++] = c;	/* past the end: the run kept is a prefix */
	}
	ruleset_pat_run2(best, second, run, n);
	return 0;
}

/* The alternation [p, end): the union of its alternatives' sets. */
static int ruleset_pat_alt(const char *p, const char *end, ruleset_pat_set *out, int depth,
			   ruleset_pat_scratch *sc)
{
	const char *start = p, *q;
	int level = 0;
	ruleset_pat_set *one;

	if (depth > 32 || (one = ruleset_pat_get(&sc->one[depth])) == NULL)
		return -1;
	out->ok = 1;
	out->n = 0;
	for (;; p++) {
		if (p >= end || (*p == '|' && level == 0)) {
			size_t i;

			if (ruleset_pat_seq(start, p, one, NULL, depth, sc) < 0)
				return -1;
			if (!one->ok || out->n + one->n > RULESET_PAT_SET)
				out->ok = 0;
			for (i = 0; out->ok && i < one->n; i++)
				memcpy(out->s[out->n++], one->s[i], sizeof(one->s[i]));
			if (p >= end)
				break;
			start = p + 1;
		} else if (*p == '\\') {
			p++;
		} else if (*p == '[') {
			if ((q = ruleset_pat_class_end(p, end)) == NULL)
				return -1;
			p = q - 1;
		} else if (*p == '(') {
			level++;
		} else if (*p == ')') {
			level--;
		}
	}
	if (!out->ok)
		out->n = 0;
	return 0;
}

/* The prefilter lowercases ASCII letters and nothing else, as PCRE2's
 * built-in character tables (the C locale's) fold.  A PCRE2 built with
 * other tables could fold more (Latin-1 letters, a Turkish i): this probe,
 * run once per process, asks PCRE2 whether a caseless byte matches any
 * byte but itself and its ASCII pair; if one does, no literals are
 * derived and every rule is always run. */
static pthread_once_t ruleset_pat_fold_once = PTHREAD_ONCE_INIT;
static int ruleset_pat_fold_ascii;		/* set once by the probe, then read-only */

static void ruleset_pat_fold_probe(void)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char all[256], others[256];
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int c, ok = md != NULL;

	for (c = 0; c < 256; c++)
		all[c] = (unsigned char)c;

	/* each byte's pattern against all the other 254 or 255 bytes: it must
	 * match none of them (a one-byte pattern's match at a position depends
	 * on that byte alone) */
	for (c = 0; ok && c < 256; c++) {
		int pair = c >= 'A' && c <= 'Z' ? c + 32 : c >= 'a' && c <= 'z' ? c - 32 : c, err, lo, hi;
		char pat[8] = { '\\', 'x', '{', hex[c >> 4], hex[c & 15], '}', '\0' };
		PCRE2_SIZE off, n = 0;
		pcre2_code *re;

		lo = c < pair ? c : pair;
		hi = c < pair ? pair : c;
		memcpy(others, all, (size_t)lo);	/* all but lo and hi */
		n = (size_t)lo;
		if (hi > lo) {
			memcpy(others + n, all + lo + 1, (size_t)(hi - lo - 1));
			n += (size_t)(hi - lo - 1);
		}
		memcpy(others + n, all + hi + 1, (size_t)(255 - hi));
		n += (size_t)(255 - hi);
		re = pcre2_compile((PCRE2_SPTR)pat, 6, PCRE2_CASELESS, &err, &off, NULL);
		if (re == NULL || pcre2_match(re, others, n, 0, 0, md, NULL) != PCRE2_ERROR_NOMATCH)
			ok = 0;
		pcre2_code_free(re);
	}
	pcre2_match_data_free(md);
	ruleset_pat_fold_ascii = ok;
}

/* The set as "lit\0lit\0...\0\0" (malloc'd), or NULL when it has none or
 * one too short for the index. */
static char *ruleset_pat_string(const ruleset_pat_set *set)
{
	char *buf;
	size_t i, o = 0;

	if (!set->ok || ruleset_pat_min(set) < RULESET_LIT_MIN ||
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
char *ruleset_pat_lits(const char *pattern)
{
	ruleset_pat_scratch sc = { { NULL }, { NULL } };
	ruleset_pat_set *set;
	char *buf = NULL;

	pthread_once(&ruleset_pat_fold_once, ruleset_pat_fold_probe);
	if (!ruleset_pat_fold_ascii || (set = malloc(sizeof(*set))) == NULL)
		return NULL;
	if (ruleset_pat_alt(pattern, pattern + strlen(pattern), set, 0, &sc) == 0)
		buf = ruleset_pat_string(set);
	ruleset_pat_scratch_free(&sc);
	free(set);
	return buf;
}

/* --- finite patterns ------------------------------------------------------
 * A part that is a finite set of plain strings ("host ?unknown": plain
 * bytes, escaped punctuation, groups, '|' and '?', nothing else) matches a
 * text exactly when the text holds one of those strings: listed as its
 * literals, finding one is matching it, and no pattern need be run. */
#define RULESET_PAT_EXPAND	8	/* strings at most: each is a literal in the index */

/* A finite set's strings, few and short: kept on the stack (a
 * ruleset_pat_set is 8 k), their lengths at hand. */
typedef struct ruleset_pat_xset {
	size_t n;
	size_t len[RULESET_PAT_EXPAND];
	char s[RULESET_PAT_EXPAND][RULESET_PAT_LEN];
} ruleset_pat_xset;

static int ruleset_pat_xalt(const char *p, const char *end, ruleset_pat_xset *out, int depth);

/* out = out followed by each of a (a cross product), or -1 when too many
 * or too long. */
static int ruleset_pat_xcat(ruleset_pat_xset *out, const ruleset_pat_xset *a)
{
	ruleset_pat_xset c;
	size_t i, j, k = 0;

	if (out->n * a->n > RULESET_PAT_EXPAND)
		return -1;
	for (i = 0; i < out->n; i++)
		for (j = 0; j < a->n; j++) {
			size_t x = out->len[i], y = a->len[j];

			if (x + y + 1 >= RULESET_PAT_LEN)
				return -1;
			memcpy(c.s[k], out->s[i], x);
			memcpy(c.s[k] + x, a->s[j], y + 1);
			c.len[k] = x + y;
			k++;
		}
	out->n = k;
	memcpy(out->len, c.len, k * sizeof(c.len[0]));
	for (i = 0; i < k; i++)
		memcpy(out->s[i], c.s[i], c.len[i] + 1);
	return 0;
}

/* The strings of the sequence [p, end) into out; -1 when it is not a
 * finite set of plain strings (or too big a one). */
static int ruleset_pat_xseq(const char *p, const char *end, ruleset_pat_xset *out, int depth)
{
	ruleset_pat_xset a;

	out->n = 1;
	out->len[0] = 0;
	out->s[0][0] = '\0';
	while (p < end) {
		const char *q;

		if (*p == '(') {
			const char *close = ruleset_pat_group_end(p, end), *in = p + 1;

			if (close == NULL || depth > 8)
				return -1;
			if (in < close && *in == '?') {
				if (close - in < 2 || in[1] != ':')
					return -1;	/* look-arounds, options, names ... */
				in += 2;
			}
			if (ruleset_pat_xalt(in, close, &a, depth + 1) < 0)
				return -1;
			q = close + 1;
		} else {
			char c;

			if (*p == '\\') {
				if (p + 1 >= end || (p[1] >= 'a' && p[1] <= 'z') ||
				    (p[1] >= 'A' && p[1] <= 'Z') || (p[1] >= '0' && p[1] <= '9'))
					return -1;	/* \b \d \x \Q \1 ...: no plain byte */
				c = p[1];
				q = p + 2;
			} else if (strchr("^$.[]|()?*+{}", *p) != NULL) {
				return -1;
			} else {
				c = *p;
				q = p + 1;
			}
			c = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
			if (q >= end || (*q != '?' && *q != '*' && *q != '+' && *q != '{')) {
				/* a byte that must be there: at the end of each string */
				size_t i, x;

				for (i = 0; i < out->n; i++) {
					if ((x = out->len[i]) + 2 >= RULESET_PAT_LEN)
						return -1;
					out->s[i][x] = c;
					out->s[i][x + 1] = '\0';
					out->len[i] = x + 1;
				}
				p = q;
				continue;
			}
			a.n = 1;
			a.len[0] = 1;
			a.s[0][0] = c;
			a.s[0][1] = '\0';
		}
		if (q < end && (*q == '*' || *q == '+' || *q == '{'))
			return -1;	/* repeats: no finite set */
		if (q < end && *q == '?') {
			if (q + 1 < end && (q[1] == '?' || q[1] == '+'))
				return -1;
			if (a.n >= RULESET_PAT_EXPAND)
				return -1;
			a.len[a.n] = 0;
			a.s[a.n++][0] = '\0';	/* or nothing */
			q++;
		}
		if (ruleset_pat_xcat(out, &a) < 0)
			return -1;
		p = q;
	}
	return 0;
}

/* The strings of the alternation [p, end) into out (the union of its
 * alternatives', each once); -1 as ruleset_pat_xseq(). */
static int ruleset_pat_xalt(const char *p, const char *end, ruleset_pat_xset *out, int depth)
{
	ruleset_pat_xset a;
	const char *q, *start = p;
	size_t i, j;

	out->n = 0;
	for (q = p;; q++) {
		if (q < end && *q == '\\') {
			if (q + 1 >= end)
				return -1;
			q++;
			continue;
		}
		if (q < end && *q == '(') {
			if ((q = ruleset_pat_group_end(q, end)) == NULL)
				return -1;
			continue;
		}
		if (q < end && *q == '[')
			return -1;
		if (q < end && *q != '|')
			continue;
		if (ruleset_pat_xseq(start, q, &a, depth) < 0)
			return -1;
		for (i = 0; i < a.n; i++) {
			for (j = 0; j < out->n && (out->len[j] != a.len[i] ||
						   memcmp(out->s[j], a.s[i], a.len[i]) != 0); j++)
				;
			if (j < out->n)
				continue;	/* already there */
			if (out->n >= RULESET_PAT_EXPAND)
				return -1;
			out->len[out->n] = a.len[i];
			memcpy(out->s[out->n++], a.s[i], a.len[i] + 1);
		}
		if (q >= end)
			break;
		start = q + 1;
	}
	return 0;
}

char *ruleset_pat_expand(const char *p, size_t n)
{
	ruleset_pat_xset set;
	char *buf;
	size_t i, o = 0;

	pthread_once(&ruleset_pat_fold_once, ruleset_pat_fold_probe);
	if (!ruleset_pat_fold_ascii || ruleset_pat_xalt(p, p + n, &set, 0) < 0 || set.n == 0)
		return NULL;
	for (i = 0; i < set.n; i++) {
		if (set.len[i] < RULESET_LIT_MIN)
			return NULL;	/* a string too short for the index */
		o += set.len[i] + 1;
	}
	if ((buf = malloc(o + 1)) == NULL)
		return NULL;
	for (i = 0, o = 0; i < set.n; i++) {	/* as ruleset_pat_string() */
		memcpy(buf + o, set.s[i], set.len[i] + 1);
		o += set.len[i] + 1;
	}
	buf[o] = '\0';
	return buf;
}

/* A plain word (no special character, no cut) whose one literal it is:
 * finding it is matching it. */
int ruleset_pat_exact(const char *p, size_t n, const char *lits)
{
	return lits != NULL && n < RULESET_PAT_LEN && strcspn(p, "\\^$.[]|()?*+{}") == n &&
	       strlen(lits) == n && lits[n + 1] == '\0' && strncasecmp(lits, p, n) == 0;
}

/* One top-level alternative as ruleset_pat_split() reads it: where it is,
 * and its literals and second requirement (NULL: none, it goes with the
 * rest). */
typedef struct ruleset_pat_piece {
	const char *p;
	size_t n;
	int lit;		/* literals long enough: a part of its own */
	char *l1, *l2;
} ruleset_pat_piece;

/* Split the pattern into parts: each top-level alternative that has
 * literals is a part of its own (it is only run when one of its literals
 * is in the text), the others go together into one part that is always
 * run.  A pattern the literal reading gives up on is one part without
 * literals.  A text matches the pattern exactly when it matches one of
 * the parts (PCRE2 alternatives; the readings that could differ, such as
 * options, back references and (?| groups, make the reading give up).
 * Each alternative is read once (the reading gives up on the pattern
 * when it gives up on one of them: they are all read before any part is
 * added).  0, or -1 when some part fails (the caller keeps the pattern
 * whole). */
int ruleset_pat_split(const char *pattern, ruleset_pat_add_fn add, void *ctx)
{
	ruleset_pat_scratch sc = { { NULL }, { NULL } };
	size_t len = strlen(pattern), npiece = 1, k = 0, i, nrest = 0;
	const char *end = pattern + len, *p, *start, *q;
	char *rest;
	int level = 0, ret = 0, gave_up = 0;
	ruleset_pat_set *set, *second;
	ruleset_pat_piece *piece;

	pthread_once(&ruleset_pat_fold_once, ruleset_pat_fold_probe);
	for (p = pattern; (p = memchr(p, '|', (size_t)(end - p))) != NULL; p++)
		npiece++;	/* at least the top-level alternatives */
	/* the alternatives, their separators and one more '|' (an empty first
	 * alternative) fit in strlen(pattern) + 1 */
	set = malloc(sizeof(*set));
	second = malloc(sizeof(*second));
	piece = malloc(npiece * sizeof(*piece));
	rest = malloc(len + 1);
	if (set == NULL || second == NULL || piece == NULL || rest == NULL) {
		free(set);
		free(second);
		free(piece);
		free(rest);
		return -1;
	}
	for (p = start = pattern; !gave_up; p++) {
		if (p >= end || (*p == '|' && level == 0)) {
			/* the alternative's literals (ruleset_pat_lits() of it:
			 * it is one sequence) and its second requirement */
			ruleset_pat_piece *pc = &piece[k++];

			pc->p = start;
			pc->n = (size_t)(p - start);
			pc->l1 = pc->l2 = NULL;
			pc->lit = 0;
			if (ruleset_pat_seq(start, p, set, second, 0, &sc) < 0) {
				gave_up = 1;
				break;
			}
			if (set->ok && ruleset_pat_min(set) >= RULESET_LIT_MIN) {
				pc->lit = 1;
				if (ruleset_pat_fold_ascii) {
					pc->l1 = ruleset_pat_string(set);
					pc->l2 = pc->l1 != NULL ? ruleset_pat_string(second) : NULL;
				}
			}
			if (p >= end)
				break;
			start = p + 1;
		} else if (*p == '\\') {
			p++;
		} else if (*p == '[') {
			if ((q = ruleset_pat_class_end(p, end)) == NULL)
				gave_up = 1;
			else
				p = q - 1;
		} else if (*p == '(') {
			level++;
		} else if (*p == ')') {
			level--;
		}
	}
	free(set);
	free(second);
	ruleset_pat_scratch_free(&sc);
	if (gave_up) {
		for (i = 0; i < k; i++) {
			free(piece[i].l1);
			free(piece[i].l2);
		}
		free(piece);
		free(rest);
		return add(ctx, pattern, len, NULL, NULL);
	}
	for (i = 0; i < k; i++) {
		ruleset_pat_piece *pc = &piece[i];

		if (pc->lit) {
			if (ret == 0)
				ret = add(ctx, pc->p, pc->n, pc->l1, pc->l2);
			else {
				free(pc->l1);
				free(pc->l2);
			}
		} else {
			if (nrest > 0)
				rest[nrest++] = '|';
			memcpy(rest + nrest, pc->p, pc->n);
			nrest += pc->n;
			if (nrest == 0)
				rest[nrest++] = '|';	/* an empty alternative stays */
		}
	}
	if (ret == 0 && nrest > 0)
		ret = add(ctx, rest, nrest, NULL, NULL);
	free(piece);
	free(rest);
	return ret;
}
