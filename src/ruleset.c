/*
 * ruleset.c - compiled classification knowledge: ordered text rules and
 * extra status codes.
 *
 * DESCRIPTION
 *	ruleset_new() compiles the built-in rules of rules_builtin.c (PCRE2,
 *	caseless, UTF-8 not assumed, JIT where available).  Administrator
 *	rules added with ruleset_add_rule() go in front of the built-ins, in
 *	the order added; administrator codes added with ruleset_add_code()
 *	are looked up before the built-in table.  After set-up a ruleset is
 *	read-only and may be shared by threads: matching uses one small
 *	pcre2_match_data per thread (a pthread key), never shared state.
 *
 *	ruleset_match() looks at no more than RULESET_MAX_TEXT bytes of a
 *	diagnostic (rules describe short SMTP replies), and a pattern that
 *	backtracks past RULESET_MATCH_LIMIT steps on a text counts as not
 *	matching, so a hostile bounce cannot stall a thread.
 *
 *	A literal prefilter makes matching cheap.  When a rule is added, its
 *	pattern is split at its top-level alternatives, and for each the
 *	words one of which every match must contain are derived (those for
 *	which none can be derived safely go together into one part that is
 *	always run); the words go in one index.  A match lowercases the text
 *	once, finds in one pass which words occur, and runs only the parts
 *	whose words are there, rule after rule in order (the first rule that
 *	matches still wins).  Host filters are prefiltered the same way.
 *	The index is built with the rules, never at match time.  Built with
 *	-DRULESET_LIT_CHECK, every rule is also run whole and compared with
 *	its parts, and a part the prefilter skips is matched anyway; a
 *	difference aborts (a debugging aid: run the corpus, tests/hostile
 *	and the golden files through such a build after changing this).
 *	The match limit applies per part: a text on which a whole pattern
 *	would have given up may now match one of its alternatives.
 *
 * MEMORY
 *	A ruleset owns its compiled patterns and copies of every string given
 *	to it; ruleset_free() releases them.  Reason names returned are static.
 *	Code entries returned live as long as the ruleset (added ones) or the
 *	process (built-in ones).  The built-in ruleset of ruleset_builtin() is
 *	made once per process and never freed.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruleset.h"
#include "rules_builtin.h"

#define RULESET_MAX_TEXT	4096	/* bytes of a diagnostic matched */
#define RULESET_MAX_PATTERN	4096	/* length of an administrator pattern */
#define RULESET_MAX_FILTER	256	/* length of a status filter */
#define RULESET_MAX_RULES	10000	/* administrator rules */
#define RULESET_MAX_CODES	10000	/* administrator codes */
#define RULESET_MATCH_LIMIT	200000	/* backtracking steps per pattern and text */
#define RULESET_DEPTH_LIMIT	10000	/* backtracking depth per pattern and text */

/* A part of a rule's pattern: the pattern matches when one of its parts
 * does (its top-level alternatives, see ruleset_split). */
typedef struct ruleset_part {
	pcre2_code *re;			/* NULL for an exact part (but in check builds) */
	char *lits;			/* literals ("a\0b\0\0"), one of which every match
					 * contains; NULL: always tried */
	int exact;			/* the pattern is its one literal: found is matched */
	int indexed;			/* lits are in the index, lit_id is its bit */
	unsigned lit_id;
} ruleset_part;

typedef struct ruleset_rule {
	ruleset_part *parts;		/* the pattern, split */
	size_t nparts;
	pcre2_code *host_re;		/* NULL: any host */
	char *host_lits;		/* literals of host_re, or NULL */
	char *status;			/* NULL: any status; owned copy */
	const char *reason;		/* static canonical name */
	unsigned lit_id;		/* its bit in the index: one of its parts' literals */
	int always;			/* a part without literals: the bit says nothing */
#ifdef RULESET_LIT_CHECK
	pcre2_code *re;			/* the whole pattern, to check the split */
#endif
} ruleset_rule;

/* One literal in the index: a bucket's chain. */
typedef struct ruleset_lit_ent {
	const char *s;			/* points into a rule's lits */
	size_t len;
	unsigned id;			/* the part's bit */
	unsigned rid;			/* its rule's bit */
	int next;			/* next in the bucket, or -1 */
} ruleset_lit_ent;

struct ruleset {
	ruleset_rule *admin;		/* in the order added */
	size_t nadmin, admin_alloc;
	ruleset_rule *builtin;
	size_t nbuiltin;
	codes_entry *codes;		/* added codes; strings owned */
	size_t ncodes, codes_alloc;
	pcre2_match_context *mctx;	/* match and depth limits; only read when matching */
	ruleset_lit_ent *lent;		/* the literal index (built with the rules) */
	size_t nlent, lent_alloc;
	unsigned nids;			/* rule bits given out */
	int lhead[4096];		/* RULESET_LIT_HASH buckets: first entry, or -1 */
	unsigned char lbits[4096 / 8];	/* the non-empty buckets */
};

/* Reason names: Sisimai 5.1, then the newer names accepted as aliases. */
static const char *const ruleset_reasons[] = {
	"authfailure", "badreputation", "blocked", "contenterror", "delivered",
	"exceedlimit", "expired", "feedback", "filtered", "hasmoved",
	"hostunknown", "mailboxfull", "mailererror", "mesgtoobig",
	"networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold",
	"policyviolation", "rejected", "requireptr", "securityerror",
	"spamdetected", "speeding", "suspend", "syntaxerror", "systemerror",
	"systemfull", "toomanyconn", "undefined", "userunknown", "vacation",
	"virusdetected",
	/* newer Sisimai names */
	"ratelimited", "emailtoolarge", "failedstarttls", "suppressed",
};

static void ruleset_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

int ruleset_valid_reason(const char *name, const char **canon)
{
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; i < sizeof(ruleset_reasons) / sizeof(ruleset_reasons[0]); i++) {
		if (strcasecmp(name, ruleset_reasons[i]) == 0) {
			if (canon != NULL)
				*canon = ruleset_reasons[i];
			return 1;
		}
	}
	return 0;
}

/* Compile one caseless pattern; NULL with errbuf set on error. */
static pcre2_code *ruleset_compile(const char *pattern, const char *what,
				   char *errbuf, size_t errlen, int jit)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			   PCRE2_CASELESS, &err, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[128];

		pcre2_get_error_message(err, msg, sizeof(msg));
		ruleset_err(errbuf, errlen, "%s \"%.60s\": %s at offset %zu",
			    what, pattern, (const char *)msg, (size_t)off);
		return NULL;
	}
	/* JIT where available (failure: the interpreter runs).  The
	 * environment variable BOUNCETAG_NO_JIT turns it off: memory checkers
	 * such as valgrind cannot follow JIT code and report false errors. */
	if (jit && getenv("BOUNCETAG_NO_JIT") == NULL)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

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
#define RULESET_LIT_HASH	4096	/* buckets of the index */
#define RULESET_LIT_IDS		(RULESET_MAX_RULES + 6144)	/* rules and parts the index marks */
#define RULESET_HOST_LOW	256	/* longer host names: their filter is always run */

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
static int ruleset_lit_seq(const char *p, const char *end, ruleset_lit_set *best, int depth)
{
	char run[RULESET_LIT_LEN];
	size_t n = 0;
	const char *q;
	int zero, k;

	best->ok = 0;
	best->n = 0;
	while (p < end) {
		char c;

		if (*p == '(') {
			const char *in, *close;
			ruleset_lit_set *g;
			int look, r;

			if (ruleset_lit_group(p, end, &in, &close, &look) < 0)
				return -1;
			ruleset_lit_run(best, run, n);
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
			if (r == 0 && ruleset_lit_better(g, best))
				ruleset_lit_copy(best, g);
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
			ruleset_lit_run(best, run, n);
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
			ruleset_lit_run(best, run, n);
			n = 0;
			continue;
		}
		if (n + 1 < sizeof(run))
			run[n++] = c;	/* past the end: the run kept is a prefix */
	}
	ruleset_lit_run(best, run, n);
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

			if (ruleset_lit_seq(start, p, one, depth) < 0)
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
static pthread_once_t ruleset_fold_once = PTHREAD_ONCE_INIT;
static int ruleset_fold_ascii;		/* set once by the probe, then read-only */

static void ruleset_fold_probe(void)
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
	ruleset_fold_ascii = ok;
}

/* The literals of a pattern: "lit\0lit\0...\0\0" (malloc'd), or NULL. */
static char *ruleset_lits(const char *pattern)
{
	ruleset_lit_set *set;
	char *buf = NULL;
	size_t i, o = 0;

	pthread_once(&ruleset_fold_once, ruleset_fold_probe);
	if (!ruleset_fold_ascii || (set = malloc(sizeof(*set))) == NULL)
		return NULL;
	if (ruleset_lit_alt(pattern, pattern + strlen(pattern), set, 0) == 0 && set->ok &&
	    ruleset_lit_min(set) >= RULESET_LIT_MIN &&
	    (buf = malloc(set->n * sizeof(set->s[0]) + 1)) != NULL) {
		for (i = 0; i < set->n; i++) {
			size_t n = strlen(set->s[i]);

			memcpy(buf + o, set->s[i], n + 1);
			o += n + 1;
		}
		buf[o] = '\0';
	}
	free(set);
	return buf;
}

#define RULESET_LIT_H(a, b, c)	((((unsigned)(a) * 33u + (unsigned)(b)) * 33u + (unsigned)(c)) & \
				 (RULESET_LIT_HASH - 1))

/* Put the part's literals in the index and give it its bit; one that
 * cannot be indexed (no room) has its literals looked for one by one. */
static void ruleset_lit_index(ruleset *rs, const ruleset_rule *rule, ruleset_part *r)
{
	size_t need = 0;
	const char *l;

	if (r->lits == NULL)
		return;
	for (l = r->lits; *l != '\0'; l += strlen(l) + 1)
		need++;
	if (rs->nids >= RULESET_LIT_IDS)
		goto none;
	if (rs->nlent + need > rs->lent_alloc) {
		size_t na = rs->lent_alloc ? rs->lent_alloc * 2 : 256;
		ruleset_lit_ent *e;

		while (na < rs->nlent + need)
			na *= 2;
		if ((e = realloc(rs->lent, na * sizeof(*e))) == NULL)
			goto none;
		rs->lent = e;
		rs->lent_alloc = na;
	}
	r->lit_id = rs->nids++;
	r->indexed = 1;
	for (l = r->lits; *l != '\0'; l += strlen(l) + 1) {
		ruleset_lit_ent *e = &rs->lent[rs->nlent];
		unsigned h = RULESET_LIT_H((unsigned char)l[0], (unsigned char)l[1],
					   (unsigned char)l[2]);

		e->s = l;
		e->len = strlen(l);
		e->id = r->lit_id;
		e->rid = rule->lit_id;
		e->next = rs->lhead[h];
		rs->lhead[h] = (int)rs->nlent++;
		rs->lbits[h >> 3] |= (unsigned char)(1u << (h & 7));
	}
	return;
none:
	r->indexed = 0;		/* its literals are looked for one by one */
}

/* A status filter: comma-separated globs of digits, '.', '*', '?'. */
static int ruleset_filter_ok(const char *f)
{
	size_t n = strlen(f);

	if (n == 0 || n > RULESET_MAX_FILTER)
		return 0;
	return strspn(f, "0123456789.*?, ") == n;
}

static void ruleset_rule_clear(ruleset_rule *r)
{
	size_t i;

	for (i = 0; i < r->nparts; i++) {
		pcre2_code_free(r->parts[i].re);
		free(r->parts[i].lits);
	}
	free(r->parts);
#ifdef RULESET_LIT_CHECK
	pcre2_code_free(r->re);
#endif
	free(r->host_lits);
	pcre2_code_free(r->host_re);
	free(r->status);
	memset(r, 0, sizeof(*r));
}

/* Add a part to the rule: the pattern p[0..n), compiled, with its literals
 * (lits: 1 to derive them, 0 for none).  0, or -1 (no memory, or a part
 * that does not compile alone). */
static int ruleset_part_add(ruleset_rule *r, const char *p, size_t n, int lits)
{
	ruleset_part *np = realloc(r->parts, (r->nparts + 1) * sizeof(*np));
	char *pat = malloc(n + 1);
	ruleset_part *part;
	int need_re;

	if (np != NULL)
		r->parts = np;
	if (np == NULL || pat == NULL) {
		free(pat);
		return -1;
	}
	memcpy(pat, p, n);
	pat[n] = '\0';
	part = &r->parts[r->nparts];
	memset(part, 0, sizeof(*part));
	part->lits = lits ? ruleset_lits(pat) : NULL;
	/* a plain word (no special character, no cut): finding it is matching it */
	part->exact = part->lits != NULL && n < RULESET_LIT_LEN &&
		      strcspn(pat, "\\^$.[]|()?*+{}") == n && strlen(part->lits) == n &&
		      part->lits[n + 1] == '\0' && strncasecmp(part->lits, pat, n) == 0;
#ifdef RULESET_LIT_CHECK
	need_re = 1;	/* check builds compare exact parts with their pattern */
#else
	need_re = !part->exact;
#endif
	if (need_re && (part->re = ruleset_compile(pat, "bad pattern", NULL, 0, 1)) == NULL) {
		free(part->lits);
		free(pat);
		return -1;
	}
	r->nparts++;
	free(pat);
	return 0;
}

/* Split the pattern into parts: each top-level alternative that has
 * literals is a part of its own (it is only run when one of its literals
 * is in the text), the others go together into one part that is always
 * run.  A pattern the literal reading gives up on is one part without
 * literals.  A text matches the pattern exactly when it matches one of
 * the parts (PCRE2 alternatives; the readings that could differ, such as
 * options, back references and (?| groups, make the reading give up).
 * 0, or -1 when some part fails (the caller keeps the pattern whole). */
static int ruleset_split(ruleset_rule *r, const char *pattern)
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
		return ruleset_part_add(r, pattern, strlen(pattern), 0);
	}
	/* the alternatives, their separators and one more '|' (an empty first
	 * alternative) fit in strlen(pattern) + 1 */
	if ((rest = malloc(strlen(pattern) + 1)) == NULL) {
		free(set);
		return -1;
	}
	for (p = start = pattern; ret == 0; p++) {
		if (p >= end || (*p == '|' && level == 0)) {
			if (ruleset_lit_seq(start, p, set, 0) == 0 && set->ok &&
			    ruleset_lit_min(set) >= RULESET_LIT_MIN) {
				ret = ruleset_part_add(r, start, (size_t)(p - start), 1);
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
		ret = ruleset_part_add(r, rest, nrest, 0);
	free(rest);
	free(set);
	return ret;
}

/* Fill *out from the parts; 0, or -1 with errbuf set. */
static int ruleset_rule_make(ruleset_rule *out, const char *pattern, const char *reason,
			     const char *host, const char *status,
			     char *errbuf, size_t errlen)
{
	pcre2_code *whole;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (pattern == NULL || *pattern == '\0' || strlen(pattern) > RULESET_MAX_PATTERN) {
		ruleset_err(errbuf, errlen, "rule pattern is empty or longer than %d bytes",
			    RULESET_MAX_PATTERN);
		return -1;
	}
	if (!ruleset_valid_reason(reason, &out->reason)) {
		ruleset_err(errbuf, errlen, "unknown reason \"%.40s\"", reason ? reason : "");
		return -1;
	}
	if (status != NULL && *status != '\0' && !ruleset_filter_ok(status)) {
		ruleset_err(errbuf, errlen, "bad status filter \"%.40s\" (use 5.7.*, 55?, lists)",
			    status);
		return -1;
	}
	if (host != NULL && *host != '\0' && strlen(host) > RULESET_MAX_PATTERN) {
		ruleset_err(errbuf, errlen, "host pattern longer than %d bytes", RULESET_MAX_PATTERN);
		return -1;
	}
	/* the whole pattern is checked first: its errors are the ones reported */
	if ((whole = ruleset_compile(pattern, "bad pattern", errbuf, errlen, 0)) == NULL)
		return -1;
	if (ruleset_split(out, pattern) < 0) {
		for (i = 0; i < out->nparts; i++) {
			pcre2_code_free(out->parts[i].re);
			free(out->parts[i].lits);
		}
		out->nparts = 0;
		if ((out->parts == NULL &&
		     (out->parts = malloc(sizeof(*out->parts))) == NULL)) {
			pcre2_code_free(whole);
			ruleset_err(errbuf, errlen, "out of memory");
			return -1;
		}
		memset(out->parts, 0, sizeof(*out->parts));
		out->parts[0].re = whole;	/* kept whole, always run */
		out->nparts = 1;
		if (getenv("BOUNCETAG_NO_JIT") == NULL)
			(void)pcre2_jit_compile(whole, PCRE2_JIT_COMPLETE);
		whole = NULL;
	}
#ifdef RULESET_LIT_CHECK
	out->re = whole;
#else
	pcre2_code_free(whole);
#endif
	if (host != NULL && *host != '\0') {
		out->host_re = ruleset_compile(host, "bad host pattern", errbuf, errlen, 1);
		if (out->host_re == NULL)
			goto fail;
		out->host_lits = ruleset_lits(host);
	}
	if (status != NULL && *status != '\0' && (out->status = strdup(status)) == NULL) {
		ruleset_err(errbuf, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	ruleset_rule_clear(out);
	return -1;
}

/* Index the rule's parts; the rule gets a bit of its own, set when one
 * of its parts' literals is found. */
static void ruleset_rule_index(ruleset *rs, ruleset_rule *r)
{
	size_t i;

	r->always = rs->nids >= RULESET_LIT_IDS;
	if (!r->always)
		r->lit_id = rs->nids++;
	for (i = 0; i < r->nparts; i++) {
		ruleset_lit_index(rs, r, &r->parts[i]);
		if (!r->parts[i].indexed)
			r->always = 1;
	}
}

ruleset *ruleset_new(char *errbuf, size_t errlen)
{
	size_t n, i;
	const rules_builtin_rule *tab = rules_builtin_table(&n);
	ruleset *rs = calloc(1, sizeof(*rs));

	if (rs == NULL || (rs->builtin = calloc(n ? n : 1, sizeof(*rs->builtin))) == NULL ||
	    (rs->mctx = pcre2_match_context_create(NULL)) == NULL) {
		ruleset_free(rs);
		ruleset_err(errbuf, errlen, "out of memory");
		return NULL;
	}
	/* a pattern that backtracks too long on a hostile text gives up (no match) */
	pcre2_set_match_limit(rs->mctx, RULESET_MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, RULESET_DEPTH_LIMIT);
	for (i = 0; i < RULESET_LIT_HASH; i++)
		rs->lhead[i] = -1;
	for (i = 0; i < n; i++) {
		if (ruleset_rule_make(&rs->builtin[i], tab[i].pattern, tab[i].reason,
				      tab[i].host, tab[i].status, errbuf, errlen) < 0) {
			ruleset_free(rs);
			return NULL;
		}
		ruleset_rule_index(rs, &rs->builtin[i]);
		rs->nbuiltin++;
	}
	return rs;
}

void ruleset_free(ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nadmin; i++)
		ruleset_rule_clear(&rs->admin[i]);
	for (i = 0; i < rs->nbuiltin; i++)
		ruleset_rule_clear(&rs->builtin[i]);
	for (i = 0; i < rs->ncodes; i++) {
		free((char *)rs->codes[i].code);
		free((char *)rs->codes[i].text);
	}
	free(rs->lent);
	free(rs->admin);
	free(rs->builtin);
	free(rs->codes);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

int ruleset_add_rule(ruleset *rs, const char *pattern, const char *reason,
		     const char *host, const char *status, char *errbuf, size_t errlen)
{
	ruleset_rule r;

	if (rs == NULL)
		return -1;
	if (rs->nadmin >= RULESET_MAX_RULES) {
		ruleset_err(errbuf, errlen, "too many rules (at most %d)", RULESET_MAX_RULES);
		return -1;
	}
	if (ruleset_rule_make(&r, pattern, reason, host, status, errbuf, errlen) < 0)
		return -1;
	if (rs->nadmin == rs->admin_alloc) {
		size_t na = rs->admin_alloc ? rs->admin_alloc * 2 : 8;
		ruleset_rule *p = realloc(rs->admin, na * sizeof(*p));

		if (p == NULL) {
			ruleset_rule_clear(&r);
			ruleset_err(errbuf, errlen, "out of memory");
			return -1;
		}
		rs->admin = p;
		rs->admin_alloc = na;
	}
	rs->admin[rs->nadmin] = r;
	ruleset_rule_index(rs, &rs->admin[rs->nadmin++]);
	return 0;
}

/* The added code entry for code, or NULL. */
static codes_entry *ruleset_find_code(const ruleset *rs, const char *code)
{
	size_t i;

	for (i = 0; i < rs->ncodes; i++)
		if (strcmp(rs->codes[i].code, code) == 0)
			return &rs->codes[i];
	return NULL;
}

int ruleset_add_code(ruleset *rs, const char *code, const char *text,
		     const char *reason, char *errbuf, size_t errlen)
{
	const char *canon = NULL;
	codes_entry *e;
	char *c, *t;

	if (rs == NULL)
		return -1;
	if (code == NULL || (!codes_valid_enhanced(code) && !codes_valid_reply(code))) {
		ruleset_err(errbuf, errlen, "bad status code \"%.20s\"", code ? code : "");
		return -1;
	}
	if (reason != NULL && *reason != '\0' && !ruleset_valid_reason(reason, &canon)) {
		ruleset_err(errbuf, errlen, "unknown reason \"%.40s\"", reason);
		return -1;
	}
	if (text == NULL) {
		const codes_entry *b = codes_lookup(code);

		text = b ? b->text : "";
	}
	if (strlen(text) > 1024) {
		ruleset_err(errbuf, errlen, "code text longer than 1024 bytes");
		return -1;
	}
	c = strdup(code);
	t = strdup(text);
	if (c == NULL || t == NULL)
		goto nomem;
	if ((e = ruleset_find_code(rs, code)) != NULL) {
		free((char *)e->code);
		free((char *)e->text);
	} else {
		if (rs->ncodes >= RULESET_MAX_CODES) {
			free(c);
			free(t);
			ruleset_err(errbuf, errlen, "too many codes (at most %d)", RULESET_MAX_CODES);
			return -1;
		}
		if (rs->ncodes == rs->codes_alloc) {
			size_t na = rs->codes_alloc ? rs->codes_alloc * 2 : 8;
			codes_entry *p = realloc(rs->codes, na * sizeof(*p));

			if (p == NULL)
				goto nomem;
			rs->codes = p;
			rs->codes_alloc = na;
		}
		e = &rs->codes[rs->ncodes++];
	}
	e->code = c;
	e->text = t;
	e->reason = canon;
	e->source = "policy";
	return 0;
nomem:
	free(c);
	free(t);
	ruleset_err(errbuf, errlen, "out of memory");
	return -1;
}

const codes_entry *ruleset_lookup_code(const ruleset *rs, const char *code)
{
	const codes_entry *e;

	if (code == NULL || *code == '\0')
		return NULL;
	if (rs != NULL && rs->ncodes > 0 && (e = ruleset_find_code(rs, code)) != NULL)
		return e;
	return codes_lookup(code);
}

/* Glob match of g[0..glen) against s: '*' any run, '?' one character.
 * Iterative, with one backtracking point: linear in practice, never
 * exponential whatever the pattern. */
static int ruleset_glob(const char *g, size_t glen, const char *s)
{
	size_t gi = 0, star = (size_t)-1;
	const char *mark = NULL;

	while (*s != '\0') {
		if (gi < glen && (g[gi] == '?' || g[gi] == *s)) {
			gi++;
			s++;
		} else if (gi < glen && g[gi] == '*') {
			star = gi++;
			mark = s;
		} else if (star != (size_t)-1) {
			gi = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (gi < glen && g[gi] == '*')
		gi++;
	return gi == glen;
}

/* 1 when status or replycode matches one of the filter's globs. */
static int ruleset_status_match(const char *filter, const char *status, const char *reply)
{
	const char *p = filter;

	while (*p != '\0') {
		size_t n;

		p += strspn(p, ", ");
		n = strcspn(p, ", ");
		if (n > 0 && ((status && *status && ruleset_glob(p, n, status)) ||
			      (reply && *reply && ruleset_glob(p, n, reply))))
			return 1;
		p += n;
	}
	return 0;
}

static pthread_once_t ruleset_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t ruleset_md_key;

static void ruleset_md_free(void *p)
{
	pcre2_match_data_free(p);
}

static void ruleset_key_init(void)
{
	(void)pthread_key_create(&ruleset_md_key, ruleset_md_free);
}

/* This thread's match data (one pair: we only ask whether a rule matches). */
static pcre2_match_data *ruleset_md(void)
{
	pcre2_match_data *md;

	pthread_once(&ruleset_key_once, ruleset_key_init);
	md = pthread_getspecific(ruleset_md_key);
	if (md == NULL) {
		md = pcre2_match_data_create(1, NULL);
		if (md != NULL && pthread_setspecific(ruleset_md_key, md) != 0) {
			pcre2_match_data_free(md);
			md = NULL;
		}
	}
	return md;
}

static int ruleset_re_match(const pcre2_code *re, const char *s, size_t len,
			    pcre2_match_data *md, pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0;
}

/* One text being matched: its lowercase copy and the rules whose literals
 * it holds, found on first need (the hosted-only pass may need none). */
typedef struct ruleset_text {
	const char *text;
	size_t len;
	int scanned;
	uint64_t poss[(RULESET_LIT_IDS + 63) / 64];
	char low[RULESET_MAX_TEXT];
	int hdone;			/* bit i: host i lowercased */
	char hlow[3][RULESET_HOST_LOW];
} ruleset_text;

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

/* One pass over the lowercased text: the rules one of whose literals is there. */
static void ruleset_lit_scan(const ruleset *rs, ruleset_text *t)
{
	const unsigned char *s = (const unsigned char *)t->text;
	unsigned char *low = (unsigned char *)t->low;
	size_t i, len = t->len;
	int k;

	for (i = 0; i < len; i++)
		low[i] = (unsigned char)((unsigned)(s[i] - 'A') < 26u ? s[i] + 32 : s[i]);
	memset(t->poss, 0, (rs->nids + 63) / 64 * sizeof(t->poss[0]));
	for (i = 0; i + RULESET_LIT_MIN <= len; i++) {
		unsigned h = RULESET_LIT_H(low[i], low[i + 1], low[i + 2]);

		if (!(rs->lbits[h >> 3] & (1u << (h & 7))))
			continue;
		for (k = rs->lhead[h]; k >= 0; k = rs->lent[k].next) {
			const ruleset_lit_ent *e = &rs->lent[k];

			if (e->len <= len - i && memcmp(low + i, e->s, e->len) == 0) {
				t->poss[e->id / 64] |= (uint64_t)1 << (e->id % 64);
				t->poss[e->rid / 64] |= (uint64_t)1 << (e->rid % 64);
			}
		}
	}
	t->scanned = 1;
}

/* 1 unless the text lacks every literal of the part (then it cannot match). */
static int ruleset_lit_possible(const ruleset *rs, const ruleset_part *r, ruleset_text *t)
{
	const char *l;

	if (r->lits == NULL)
		return 1;
	if (!t->scanned)
		ruleset_lit_scan(rs, t);
	if (r->indexed)
		return (t->poss[r->lit_id / 64] >> (r->lit_id % 64)) & 1;
	for (l = r->lits; *l != '\0'; l += strlen(l) + 1)
		if (ruleset_lit_find(t->low, t->len, l, strlen(l)))
			return 1;
	return 0;
}

/* 0 when none of the rule's parts can match (no literal of theirs is there). */
static int ruleset_rule_possible(const ruleset *rs, const ruleset_rule *r, ruleset_text *t)
{
	if (r->always)
		return 1;
	if (!t->scanned)
		ruleset_lit_scan(rs, t);
	return (t->poss[r->lit_id / 64] >> (r->lit_id % 64)) & 1;
}

/* 0 when host i lacks every literal of the rule's host filter. */
static int ruleset_host_possible(const ruleset_rule *r, ruleset_text *t, const char *host,
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
/* Debug builds (-DRULESET_LIT_CHECK): a pattern the literals rule out must
 * not match; abort when it does (a prefilter bug would skip a rule). */
static void ruleset_lit_check(const pcre2_code *re, const char *lits, const char *s, size_t len,
			      pcre2_match_data *md, pcre2_match_context *mctx)
{
	if (pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0) {
		fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: a pattern whose literals (%s ...) "
			"are not in \"%.*s\" matches it\n", lits, (int)len, s);
		abort();
	}
}
#endif

/* 1 when the rule's filters accept this context. */
static int ruleset_filters(const ruleset_rule *r, ruleset_text *t, const char *status,
			   const char *reply, const char *const host_ctx[3], pcre2_match_data *md,
			   pcre2_match_context *mctx)
{
	int i;

	if (r->status != NULL && !ruleset_status_match(r->status, status, reply))
		return 0;
	if (r->host_re == NULL)
		return 1;
	for (i = 0; host_ctx != NULL && i < 3; i++) {
		size_t hl;

		if (host_ctx[i] == NULL)
			continue;
		hl = strnlen(host_ctx[i], RULESET_MAX_TEXT);
		if (!ruleset_host_possible(r, t, host_ctx[i], i, hl)) {
#ifdef RULESET_LIT_CHECK
			ruleset_lit_check(r->host_re, r->host_lits, host_ctx[i], hl, md, mctx);
#endif
			continue;
		}
		if (ruleset_re_match(r->host_re, host_ctx[i], hl, md, mctx))
			return 1;
	}
	return 0;
}

/* 1 when one of the rule's parts matches the text. */
static int ruleset_parts_match(const ruleset *rs, const ruleset_rule *r, ruleset_text *t,
			       pcre2_match_data *md)
{
	size_t j;

	for (j = 0; j < r->nparts; j++)
		if (ruleset_lit_possible(rs, &r->parts[j], t) &&
		    (r->parts[j].exact ||
		     ruleset_re_match(r->parts[j].re, t->text, t->len, md, rs->mctx)))
			return 1;
	return 0;
}

#ifdef RULESET_LIT_CHECK
/* Debug builds: the parts say what the whole pattern says, and a part the
 * literals rule out does not match. */
static void ruleset_rule_check(const ruleset *rs, const ruleset_rule *r, ruleset_text *t,
			       pcre2_match_data *md)
{
	size_t j;
	int any = 0;

	for (j = 0; j < r->nparts; j++) {
		if (!ruleset_rule_possible(rs, r, t) && ruleset_lit_possible(rs, &r->parts[j], t)) {
			fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: a rule's bit (%s) is "
				"not set, a part's is\n", r->reason);
			abort();
		}
		if (!ruleset_lit_possible(rs, &r->parts[j], t)) {
			ruleset_lit_check(r->parts[j].re, r->parts[j].lits, t->text, t->len, md,
					  rs->mctx);
		} else if (ruleset_re_match(r->parts[j].re, t->text, t->len, md, rs->mctx)) {
			any = 1;
		} else if (r->parts[j].exact) {
			fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: an exact part (%s) found "
				"but not matched in \"%.*s\"\n", r->parts[j].lits, (int)t->len,
				t->text);
			abort();
		}
	}
	if (any != ruleset_re_match(r->re, t->text, t->len, md, rs->mctx)) {
		fprintf(stderr, "bouncetag: RULESET_LIT_CHECK: the parts of a rule (%s) say %d, "
			"the pattern not, on \"%.*s\"\n", r->reason, any, (int)t->len, t->text);
		abort();
	}
}
#endif

static const char *ruleset_scan(const ruleset *rs, const ruleset_rule *rules, size_t n,
				ruleset_text *t, const char *status, const char *reply,
				const char *const host_ctx[3], pcre2_match_data *md,
				int hosted_only)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const ruleset_rule *r = &rules[i];

#ifdef RULESET_LIT_CHECK
		ruleset_rule_check(rs, r, t, md);
#endif
		if (hosted_only && r->host_re == NULL)
			continue;
		/* a host filter first: the hosted-only pass then seldom scans */
		if (r->host_re == NULL && !ruleset_rule_possible(rs, r, t))
			continue;
		if (!ruleset_filters(r, t, status, reply, host_ctx, md, rs->mctx))
			continue;
		if (!ruleset_rule_possible(rs, r, t))
			continue;
		if (ruleset_parts_match(rs, r, t, md))
			return r->reason;
	}
	return NULL;
}

static const char *ruleset_match_any(const ruleset *rs, const char *text, size_t len,
				     const char *status, const char *replycode,
				     const char *const host_ctx[3], int hosted_only)
{
	pcre2_match_data *md;
	const char *reason;
	ruleset_text t;

	if (rs == NULL || text == NULL)
		return NULL;
	if (len > RULESET_MAX_TEXT)
		len = RULESET_MAX_TEXT;
	if ((md = ruleset_md()) == NULL)
		return NULL;
	t.text = text;
	t.len = len;
	t.scanned = 0;
	t.hdone = 0;
	reason = ruleset_scan(rs, rs->admin, rs->nadmin, &t, status, replycode, host_ctx, md,
			      hosted_only);
	if (reason == NULL)
		reason = ruleset_scan(rs, rs->builtin, rs->nbuiltin, &t, status, replycode,
				      host_ctx, md, hosted_only);
	return reason;
}

const char *ruleset_match(const ruleset *rs, const char *text, size_t len,
			  const char *status, const char *replycode,
			  const char *const host_ctx[3])
{
	return ruleset_match_any(rs, text, len, status, replycode, host_ctx, 0);
}

const char *ruleset_match_hosted(const ruleset *rs, const char *text, size_t len,
				 const char *status, const char *replycode,
				 const char *const host_ctx[3])
{
	return ruleset_match_any(rs, text, len, status, replycode, host_ctx, 1);
}

static pthread_once_t ruleset_builtin_once = PTHREAD_ONCE_INIT;
static ruleset *ruleset_builtin_rs;	/* set once by pthread_once, then read-only */

static void ruleset_builtin_init(void)
{
	char err[256];

	ruleset_builtin_rs = ruleset_new(err, sizeof(err));
	if (ruleset_builtin_rs == NULL) {
		/* A built-in pattern that does not compile is a bug. */
		fprintf(stderr, "bouncetag: built-in rules: %s\n", err);
		abort();
	}
}

const ruleset *ruleset_builtin(void)
{
	pthread_once(&ruleset_builtin_once, ruleset_builtin_init);
	return ruleset_builtin_rs;
}
