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
 *	read-only and may be shared by threads (matching is
 *	ruleset_match.c's), but for one thing: a part's code is JIT-compiled
 *	on its first run, under the ruleset's lock (ruleset_part_jit()).
 *
 *	A literal prefilter makes matching cheap.  When a rule is added, its
 *	pattern is split at its top-level alternatives, and for each the
 *	words one of which every match must contain are derived (those for
 *	which none can be derived safely go together into one part that is
 *	always run) by ruleset_pat.c; the words go in one index
 *	(ruleset_lit.c).  A match lowercases the text once, finds in one pass
 *	which words occur, and runs only the parts whose words are there,
 *	rule after rule in order (the first rule that matches still wins).
 *	Host filters are prefiltered the same way.  A few phrases the
 *	classifier looks for besides the rules (ruleset_probe_phrases) are
 *	indexed with the words: the same pass tells which are not in the
 *	text (ruleset_match_pair()'s probes).  The index is built with
 *	the rules, never at match time.  After changing the prefilter, run
 *	the corpus, tests/hostile and the golden files through a build with
 *	-DRULESET_LIT_CHECK, which checks it.  The match limit applies per
 *	part: a text on which a whole pattern would have given up may now
 *	match one of its alternatives.  A part "^(?!.*R)" (the text lacks
 *	R) is run on a one-line text as a search for R, its answer turned
 *	round (ruleset_part_neg()); when that search hits a limit, the part
 *	is run as written, but one that gives up where the search does not
 *	(a hostile R, a text near the limit) now matches.
 *
 * MEMORY
 *	A ruleset owns its compiled patterns, copies of every string given
 *	to it, and the literal index (ruleset_lit.h), whose entries point
 *	into its rules' literals; ruleset_free() releases them all.  Reason
 *	names returned are static.  Code entries returned live as long as
 *	the ruleset (added ones) or the process (built-in ones).  The
 *	built-in ruleset of ruleset_builtin() is made once per process and
 *	never freed.
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
#include "ruleset_int.h"
#include "ruleset_lit.h"
#include "ruleset_pat.h"
#include "rules_builtin.h"

#define RULESET_MAX_PATTERN	4096	/* length of an administrator pattern */
#define RULESET_MAX_FILTER	256	/* length of a status filter */
#define RULESET_MAX_CODES	10000	/* administrator codes */
#define RULESET_MATCH_LIMIT	200000	/* backtracking steps per pattern and text */
#define RULESET_DEPTH_LIMIT	10000	/* backtracking depth per pattern and text */


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

/* (printf-checked: clang's -Wformat-nonliteral asks it of vsnprintf()'s caller) */
static void __attribute__((format(printf, 3, 4)))
ruleset_err(char *errbuf, size_t errlen, const char *fmt, ...)
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

/* JIT-compile re where available: 1 when it was, 0 (the interpreter
 * runs).  The environment variable BOUNCETAG_NO_JIT turns it off: memory
 * checkers such as valgrind cannot follow JIT code and report false errors. */
static int ruleset_jit(pcre2_code *re)
{
	return getenv("BOUNCETAG_NO_JIT") == NULL &&
	       pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
}

/* Compile one caseless pattern, JIT too when jit is not NULL (*jit: 1 when
 * it was); NULL with errbuf set on error. */
static pcre2_code *ruleset_compile(const char *pattern, const char *what,
				   char *errbuf, size_t errlen, int *jit)
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
	if (jit != NULL)
		*jit = ruleset_jit(re);
	return re;
}

/* The JIT state a part's code starts with.  JIT compiling costs more than
 * most texts' matching, and few parts run at all on most mail: a part is
 * JIT-compiled on its first run (ruleset_part_jit()).  Check builds
 * compile at once (their checks run the code outside the ruleset's lock). */
static int ruleset_jit_first(pcre2_code *re)
{
	if (re == NULL || getenv("BOUNCETAG_NO_JIT") != NULL)
		return RULESET_JIT_NO;
#ifdef RULESET_LIT_CHECK
	return ruleset_jit(re) ? RULESET_JIT_YES : RULESET_JIT_NO;
#else
	return RULESET_JIT_LATER;
#endif
}

/* A part "^(?!.*R)" (ruleset_pat_neg()): R's code in p->nre (JIT too,
 * ruleset_jit()), which ruleset_match.c runs as a search on a text with no line
 * feed, where ".*" spans it all: the part matches when R is found
 * nowhere.  The search goes to R's possible starts directly (PCRE2's
 * start optimizations), where the lookahead ran ".*" to the end and
 * backtracked byte by byte (b1: such a part cost more than all the other
 * parts run).  Only under PCRE2's LF newline convention (then "." is any
 * byte but a line feed); nothing on error (the part is run whole). */
static void ruleset_part_neg(ruleset_part *p, const char *pat, size_t n)
{
	uint32_t nl = 0;
	size_t lo;
	int err;
	PCRE2_SIZE off;

	if (p->re == NULL || !ruleset_pat_neg(pat, n, &lo) ||
	    pcre2_config(PCRE2_CONFIG_NEWLINE, &nl) < 0 || nl != PCRE2_NEWLINE_LF)
		return;
	p->nre = pcre2_compile((PCRE2_SPTR)pat + lo, n - lo - 1, PCRE2_CASELESS, &err, &off, NULL);
	p->njit = p->nre != NULL && ruleset_jit(p->nre);
}

int ruleset_part_jit(const ruleset *rs, const ruleset_part *part)
{
	/* the part's code and state are the one thing matching writes: the
	 * ruleset and its parts are the owner's, allocated writable */
	ruleset_part *p = (ruleset_part *)part;
	int st;

	pthread_mutex_lock((pthread_mutex_t *)&rs->jit_lock);
	st = __atomic_load_n(&p->jit, __ATOMIC_RELAXED);
	if (st == RULESET_JIT_LATER) {
		if (p->re == NULL && p->pat != NULL) {
			/* a built-in part (check_classify checks they compile):
			 * NULL only without memory, and then it matches nothing */
			p->re = ruleset_compile(p->pat, "bad pattern", NULL, 0, NULL);
			ruleset_part_neg(p, p->pat, strlen(p->pat));
			free(p->pat);
			p->pat = NULL;
		}
		st = p->re != NULL && ruleset_jit(p->re) ? RULESET_JIT_YES :
							    RULESET_JIT_NO;
		__atomic_store_n(&p->jit, st, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock((pthread_mutex_t *)&rs->jit_lock);
	return st;
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
		pcre2_code_free(r->parts[i].nre);
		free(r->parts[i].lits);
		free(r->parts[i].lits2);
		free(r->parts[i].pat);
	}
	free(r->parts);
	free(r->open);
#ifdef RULESET_LIT_CHECK
	pcre2_code_free(r->re);
#endif
	free(r->host_lits);
	free(r->host_suffix);
	free(r->host_prefix);
	pcre2_code_free(r->host_re);
	free(r->status);
	memset(r, 0, sizeof(*r));
}

/* What ruleset_part_add() adds to. */
typedef struct ruleset_rule_ctx {
	ruleset_rule *rule;
	int builtin;		/* a built-in rule: its parts are compiled when first run */
	size_t cap;		/* rule->parts has room for this many */
} ruleset_rule_ctx;

/* Add a part to the rule ctx: the pattern p[0..n), compiled, with its
 * literals and second requirement (malloc'd, taken; NULL: none);
 * ruleset_pat_split calls it.  0, or -1 (no memory, or a part that does
 * not compile alone). */
static int ruleset_part_add(void *ctx, const char *p, size_t n, char *lits, char *lits2)
{
	ruleset_rule_ctx *rc = ctx;
	ruleset_rule *r = rc->rule;
	ruleset_part *np = r->parts;
	char *pat = malloc(n + 1);
	ruleset_part *part;
	char *all;
	int need_re;

	if (r->nparts >= rc->cap) {	/* room grows by doubling, not part by part */
		size_t cap = rc->cap ? rc->cap * 2 : 8;

		if ((np = realloc(r->parts, cap * sizeof(*np))) != NULL) {
			r->parts = np;
			rc->cap = cap;
		}
	}
	if (np == NULL || pat == NULL) {
		free(pat);
		free(lits);
		free(lits2);
		return -1;
	}
	memcpy(pat, p, n);
	pat[n] = '\0';
	part = &r->parts[r->nparts];
	memset(part, 0, sizeof(*part));
	part->lits = lits;
	part->lits2 = lits2;
	part->exact = ruleset_pat_exact(pat, n, part->lits);
	if (!part->exact && lits != NULL && (all = ruleset_pat_expand(pat, n)) != NULL) {
		/* a finite set of strings: finding one of them is matching */
		free(part->lits);
		free(part->lits2);
		part->lits = all;
		part->lits2 = NULL;
		part->exact = 1;
	}
#ifdef RULESET_LIT_CHECK
	need_re = 1;	/* check builds compare exact parts with their pattern */
#else
	need_re = !part->exact;
	if (need_re && rc->builtin) {
		/* a built-in part is compiled on its first run, if any */
		part->pat = pat;
		part->jit = RULESET_JIT_LATER;
		r->nparts++;
		return 0;
	}
#endif
	if (need_re && (part->re = ruleset_compile(pat, "bad pattern", NULL, 0, NULL)) == NULL) {
		free(part->lits);
		free(part->lits2);
		free(pat);
		return -1;
	}
	part->jit = ruleset_jit_first(part->re);
	ruleset_part_neg(part, pat, n);
	r->nparts++;
	free(pat);
	return 0;
}

/* The status filter's globs as a list "glob\0glob\0\0" (malloc'd; NULL: no
 * memory): cut once here, not at every match. */
static char *ruleset_filter_list(const char *f)
{
	char *list = malloc(strlen(f) + 2), *o = list;

	if (list == NULL)
		return NULL;
	while (*f != '\0') {
		size_t n;

		f += strspn(f, ", ");
		n = strcspn(f, ", ");
		if (n > 0) {
			memcpy(o, f, n);
			o += n;
			*o++ = '\0';
		}
		f += n;
	}
	*o = '\0';
	return list;
}

/* Fill *out from the parts; 0, or -1 with errbuf set. */
static int ruleset_rule_make(ruleset_rule *out, const char *pattern, const char *reason,
			     const char *host, const char *status, int builtin,
			     char *errbuf, size_t errlen)
{
	pcre2_code *whole;
	ruleset_rule_ctx rc;
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
	/* The whole pattern is checked first: its errors are the ones reported
	 * (its parts could compile where it does not).  The built-in patterns
	 * are known to compile (check_classify checks them): only check
	 * builds, which keep it, compile theirs. */
	whole = NULL;
#ifndef RULESET_LIT_CHECK
	if (!builtin)
#endif
	{
		if ((whole = ruleset_compile(pattern, "bad pattern", errbuf, errlen, NULL)) == NULL)
			return -1;
	}
	rc.rule = out;
	rc.builtin = builtin;
	rc.cap = 0;
	if (ruleset_pat_split(pattern, ruleset_part_add, &rc) < 0) {
		for (i = 0; i < out->nparts; i++) {
			pcre2_code_free(out->parts[i].re);
			pcre2_code_free(out->parts[i].nre);
			free(out->parts[i].lits);
			free(out->parts[i].lits2);
			free(out->parts[i].pat);
		}
		out->nparts = 0;
		if (whole == NULL &&
		    (whole = ruleset_compile(pattern, "bad pattern", errbuf, errlen, NULL)) == NULL) {
			free(out->parts);
			out->parts = NULL;
			return -1;
		}
		if ((out->parts == NULL &&
		     (out->parts = malloc(sizeof(*out->parts))) == NULL)) {
			pcre2_code_free(whole);
			ruleset_err(errbuf, errlen, "out of memory");
			return -1;
		}
		memset(out->parts, 0, sizeof(*out->parts));
		out->parts[0].re = whole;	/* kept whole, always run */
		out->parts[0].jit = ruleset_jit_first(whole);
		out->nparts = 1;
		whole = NULL;
	}
#ifdef RULESET_LIT_CHECK
	out->re = whole;
#else
	pcre2_code_free(whole);
#endif
	if (host != NULL && *host != '\0') {
		out->host_re = ruleset_compile(host, "bad host pattern", errbuf, errlen,
					       &out->host_jit);
		if (out->host_re == NULL)
			goto fail;
		out->host_lits = ruleset_pat_lits(host);
		out->host_suffix = ruleset_pat_suffix(host);	/* NULL: none (or no memory) */
		out->host_suffix_len = out->host_suffix ? strlen(out->host_suffix) : 0;
		out->host_prefix = ruleset_pat_prefix(host);	/* NULL: none (or no memory) */
	}
	if (status != NULL && *status != '\0' && (out->status = ruleset_filter_list(status)) == NULL) {
		ruleset_err(errbuf, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	ruleset_rule_clear(out);
	return -1;
}


const char *const ruleset_probe_phrases[RULESET_NPROBES] = {
	"temporar", "all hosts have been failing", "retry timeout exceeded", "smtp:rcpt ",
	"does not like recipient", "did not like our rcpt", "in reply to ", " after ",
};

/* The same as literal lists for the index ("phrase\0\0"). */
static const char *const ruleset_probe_lits[RULESET_NPROBES] = {
	"temporar\0", "all hosts have been failing\0", "retry timeout exceeded\0", "smtp:rcpt \0",
	"does not like recipient\0", "did not like our rcpt\0", "in reply to \0", " after \0",
};

ruleset *ruleset_new(char *errbuf, size_t errlen)
{
	size_t n, i;
	const rules_builtin_rule *tab = rules_builtin_table(&n);
	ruleset *rs = calloc(1, sizeof(*rs));

	if (rs == NULL || (rs->builtin = calloc(n ? n : 1, sizeof(*rs->builtin))) == NULL ||
	    (rs->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    pthread_mutex_init(&rs->jit_lock, NULL) != 0) {
		ruleset_free(rs);
		ruleset_err(errbuf, errlen, "out of memory");
		return NULL;
	}
	rs->jit_lock_ok = 1;
	/* a pattern that backtracks too long on a hostile text gives up (no match) */
	pcre2_set_match_limit(rs->mctx, RULESET_MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, RULESET_DEPTH_LIMIT);
	ruleset_lit_idx_init(&rs->lit);
	rs->probes_first = 1;
	for (i = 0; i < RULESET_NPROBES; i++) {	/* first: the bits 0 .. RULESET_NPROBES-1 */
		rs->probe_id[i] = ruleset_lit_add_probe(&rs->lit, ruleset_probe_lits[i]);
		rs->probes_first &= rs->probe_id[i] == i;
	}
	for (i = 0; i < n; i++) {
		if (ruleset_rule_make(&rs->builtin[i], tab[i].pattern, tab[i].reason,
				      tab[i].host, tab[i].status, 1, errbuf, errlen) < 0) {
			ruleset_free(rs);
			return NULL;
		}
		ruleset_lit_add_rule(&rs->lit, &rs->builtin[i],
				     i < RULESET_LIT_BUILTIN ? (unsigned)i : RULESET_LIT_NOBIT);
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
	ruleset_lit_idx_clear(&rs->lit);
	free(rs->admin);
	free(rs->builtin);
	free(rs->codes);
	pcre2_match_context_free(rs->mctx);
	if (rs->jit_lock_ok)
		pthread_mutex_destroy(&rs->jit_lock);
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
	if (ruleset_rule_make(&r, pattern, reason, host, status, 0, errbuf, errlen) < 0)
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
	ruleset_lit_add_rule(&rs->lit, &rs->admin[rs->nadmin],
			     (unsigned)(RULESET_LIT_BUILTIN + rs->nadmin));
	rs->nadmin++;
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
	e->key = codes_key(c);
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
