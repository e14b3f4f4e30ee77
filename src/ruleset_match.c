/*
 * ruleset_match.c - matching a diagnostic text against a ruleset: the
 * rules in order, the first that matches wins.
 *
 * DESCRIPTION
 *	ruleset_match() and ruleset_match_hosted() (and ruleset_match_pair(),
 *	both from one literal scan) look at no more than RULESET_MAX_TEXT
 *	bytes of a diagnostic (rules describe short SMTP replies).  The
 *	literal prefilter (ruleset_lit.c) says which rules and parts can
 *	match; only those are run, rule after rule in order, their status
 *	and host filters before their parts.  A pattern that backtracks past
 *	the ruleset's match limit on a text counts as not matching, so a
 *	hostile bounce cannot stall a thread; the limit applies per part.
 *	A part "^(?!.*R)" on a text with no line feed is a search for R
 *	(ruleset.c's ruleset_part_neg()): it matches when R is not found.
 *	When only the hosted rules are asked for and no host can match
 *	their host filters (ruleset_host_screen()), the text is not even
 *	scanned.
 *
 * MEMORY
 *	Nothing is allocated per match: the text's scan state is on the
 *	stack, and each thread has one small pcre2_match_data (a pthread
 *	key, freed with the thread; its pointer also kept thread-local).  The ruleset is only read, but for a
 *	part's JIT state, settled on its first run (ruleset_part_jit()).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "ruleset.h"
#include "ruleset_int.h"
#include "ruleset_host.h"
#include "ruleset_check.h"

/* Glob match of g[0..glen) against s: '*' any run, '?' one character.
 * Iterative, with one backtracking point: linear in practice, never
 * exponential whatever the pattern. */
static int ruleset_match_glob(const char *g, size_t glen, const char *s)
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

/* 1 when s (not empty) matches glob g (NUL-terminated, gn bytes): the
 * bytes before its first '*' compared here ('?' any byte), one to one
 * (most globs are "5.2.3" or "?.1.*", and most codes differ early); the
 * rest, from a '*' on, by ruleset_match_glob(). */
static int ruleset_match_one(const char *g, size_t gn, const char *s)
{
	size_t i;

	for (i = 0; g[i] != '*'; i++) {
		if (g[i] == '\0')
			return s[i] == '\0';
		if (s[i] == '\0' || (g[i] != '?' && g[i] != s[i]))
			return 0;
	}
	return ruleset_match_glob(g + i, gn - i, s + i);
}

/* 1 when status or replycode matches one of the filter's globs (the list
 * of ruleset_filter_list()). */
static int ruleset_match_status(const char *list, const char *status, const char *reply)
{
	const char *g;
	size_t n;

	for (g = list; *g != '\0'; g += n + 1) {
		for (n = 1; g[n] != '\0'; n++)	/* (a few bytes: no call) */
			;
		if ((status && *status && ruleset_match_one(g, n, status)) ||
		    (reply && *reply && ruleset_match_one(g, n, reply)))
			return 1;
	}
	return 0;
}

static pthread_once_t ruleset_match_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t ruleset_match_md_key;

static void ruleset_match_md_free(void *p)
{
	pcre2_match_data_free(p);
}

static void ruleset_match_key_init(void)
{
	(void)pthread_key_create(&ruleset_match_md_key, ruleset_match_md_free);
}

/* This thread's match data, once made (the key's copy frees it with the
 * thread; this one is read without a call, once per text). */
static _Thread_local pcre2_match_data *ruleset_match_tls_md;

/* This thread's match data (one pair: we only ask whether a rule matches). */
static pcre2_match_data *ruleset_match_md(void)
{
	pcre2_match_data *md = ruleset_match_tls_md;

	if (md != NULL)
		return md;
	pthread_once(&ruleset_match_key_once, ruleset_match_key_init);
	md = pthread_getspecific(ruleset_match_md_key);
	if (md == NULL) {
		md = pcre2_match_data_create(1, NULL);
		if (md != NULL && pthread_setspecific(ruleset_match_md_key, md) != 0) {
			pcre2_match_data_free(md);
			md = NULL;
		}
	}
	ruleset_match_tls_md = md;
	return md;
}

/* 1 when re matches s[0..len).  JIT code is run directly (what
 * pcre2_match() would do for it, without its checks of the call). */
static int ruleset_match_re(const pcre2_code *re, int jit, const char *s, size_t len,
			    pcre2_match_data *md, pcre2_match_context *mctx)
{
	if (jit)
		return pcre2_jit_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0;
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx) >= 0;
}

/* 1 when the rule's filters accept this context. */
static int ruleset_match_filters(const ruleset_rule *r, ruleset_lit_text *t, const char *status,
			   const char *reply, const char *const host_ctx[3], pcre2_match_data *md,
			   pcre2_match_context *mctx)
{
	int i;

	if (r->status != NULL && !ruleset_match_status(r->status, status, reply))
		return 0;
	if (r->host_re == NULL)
		return 1;
	for (i = 0; host_ctx != NULL && i < 3; i++) {
		size_t hl;

		if (host_ctx[i] == NULL)
			continue;
		if (r->host_prefix != NULL && !ruleset_host_starts(host_ctx[i], r->host_prefix)) {
#ifdef RULESET_LIT_CHECK
			ruleset_check_re(r->host_re, r->host_prefix, host_ctx[i],
					 strnlen(host_ctx[i], RULESET_MAX_TEXT), md, mctx);
#endif
			continue;	/* (not even measured) */
		}
		hl = ruleset_host_len(t, i, host_ctx[i]);
		if (!ruleset_host_possible(r, t, i)) {
#ifdef RULESET_LIT_CHECK
			ruleset_check_re(r->host_re, r->host_lits, host_ctx[i], hl, md, mctx);
#endif
			continue;
		}
		if (ruleset_match_re(r->host_re, r->host_jit, host_ctx[i], hl, md, mctx))
			return 1;
	}
	return 0;
}

/* 1 when the part's code is JIT code (compiled now if not yet: then its
 * code is read after this, never before). */
static int ruleset_match_jit(const ruleset *rs, const ruleset_part *p)
{
	int st = __atomic_load_n(&p->jit, __ATOMIC_ACQUIRE);

	if (st == RULESET_JIT_LATER)
		st = ruleset_part_jit(rs, p);
	return st == RULESET_JIT_YES;
}

/* 1 when the part p, possible on the text, matches it. */
static int ruleset_match_part(const ruleset *rs, const ruleset_part *p, ruleset_lit_text *t,
			      pcre2_match_data *md)
{
	int jit;

	if (p->exact)
		return 1;
	jit = ruleset_match_jit(rs, p);	/* first: it may make p->re and p->nre */
	if (p->re == NULL)
		return 0;
	if (p->nre != NULL && memchr(t->text, '\n', t->len) == NULL) {
		/* "^(?!.*R)" on one line: R searched for */
		int rc = p->njit ? pcre2_jit_match(p->nre, (PCRE2_SPTR)t->text, t->len, 0, 0, md,
						   rs->mctx)
				 : pcre2_match(p->nre, (PCRE2_SPTR)t->text, t->len, 0, 0, md, rs->mctx);

		if (rc >= 0)
			return 0;
		if (rc == PCRE2_ERROR_NOMATCH)
			return 1;
		/* a limit: the part is run whole, as it was written */
	}
	return ruleset_match_re(p->re, jit, t->text, t->len, md, rs->mctx);
}

/* 1 when one of the rule's parts matches the text: the parts not indexed,
 * then the indexed ones whose literal is there, found by their bits (the
 * rule matches when one part does, whichever is tried first). */
static int ruleset_match_parts(const ruleset *rs, const ruleset_rule *r, ruleset_lit_text *t,
			       pcre2_match_data *md)
{
	size_t j, w;

	if (r->open == NULL && r->nopen > 0) {
		for (j = 0; j < r->nparts; j++)	/* no memory for the list */
			if (ruleset_lit_part_possible(&rs->lit, &r->parts[j], t) &&
			    ruleset_match_part(rs, &r->parts[j], t, md))
				return 1;
		return 0;
	}
	for (j = 0; j < r->nopen; j++) {
		const ruleset_part *p = &r->parts[r->open[j]];

		if (ruleset_lit_part_possible(&rs->lit, p, t) && ruleset_match_part(rs, p, t, md))
			return 1;
	}
	if (r->pid_hi < r->pid_lo)
		return 0;
	if (!t->scanned)
		ruleset_lit_scan(&rs->lit, t);
	for (w = r->pid_lo / 64; w <= r->pid_hi / 64; w++) {
		uint64_t m = t->poss[w];

		if (w == r->pid_lo / 64)
			m &= ~(uint64_t)0 << (r->pid_lo % 64);
		if (w == r->pid_hi / 64 && r->pid_hi % 64 != 63)
			m &= ((uint64_t)1 << (r->pid_hi % 64 + 1)) - 1;
		for (; m != 0; m &= m - 1) {
			const ruleset_part *p = rs->lit.part_of[w * 64 + (size_t)__builtin_ctzll(m)];

			if ((p->lits2 == NULL || ruleset_lit_part_find(p->lits2, t)) &&
			    ruleset_match_part(rs, p, t, md))
				return 1;
		}
	}
	return 0;
}

/* Which rules a scan looks at. */
enum ruleset_match_which {
	RULESET_ALL,		/* every rule */
	RULESET_HOSTED,		/* the rules with a host filter */
	RULESET_PAIR		/* every rule, for both answers at once: the first
				 * hosted one that matches is the answer; the first
				 * other one that matches is kept (in *un), after which
				 * only the hosted ones are tried */
};

/* 1 when rule r (of the kind asked for) matches: its filters, then its
 * parts. */
static int ruleset_match_rule(const ruleset *rs, const ruleset_rule *r, ruleset_lit_text *t,
			      const char *status, const char *reply,
			      const char *const host_ctx[3], pcre2_match_data *md)
{
	return ruleset_match_filters(r, t, status, reply, host_ctx, md, rs->mctx) &&
	       ruleset_match_parts(rs, r, t, md);
}

/* 1 when rule r (of the kind asked for) matches a text not scanned yet:
 * a hosted rule's host filter first (it may spare the scan). */
static int ruleset_match_unscanned(const ruleset *rs, const ruleset_rule *r, ruleset_lit_text *t,
				   const char *status, const char *reply,
				   const char *const host_ctx[3], pcre2_match_data *md)
{
	if (r->host_re != NULL && !ruleset_match_filters(r, t, status, reply, host_ctx, md, rs->mctx))
		return 0;
	return ruleset_lit_rule_possible(&rs->lit, r, t) &&
	       (r->host_re != NULL ||
		ruleset_match_filters(r, t, status, reply, host_ctx, md, rs->mctx)) &&
	       ruleset_match_parts(rs, r, t, md);
}

/* The first of rules[0..n) (their bits from base on) of the kind asked for
 * that matches, or NULL (RULESET_PAIR: *un kept as it says).  Once the
 * text is scanned, only the rules whose bit is set (one of their literals
 * is there) or that are always tried are visited, by their bits; before
 * (ruleset_match(), which may stop before a rule with literals), each rule
 * of the kind, a hosted one's host filter first. */
static const char *ruleset_match_scan(const ruleset *rs, const ruleset_rule *rules, size_t n,
				unsigned base, ruleset_lit_text *t, const char *status,
				const char *reply, const char *const host_ctx[3],
				pcre2_match_data *md, enum ruleset_match_which which,
				const char **un)
{
	size_t i, w, lim = n;

#ifdef RULESET_LIT_CHECK
	for (i = 0; i < n; i++)
		ruleset_check_rule(&rs->lit, &rules[i], t, md, rs->mctx);
#endif
	if (base == 0 && lim > RULESET_LIT_BUILTIN)
		lim = RULESET_LIT_BUILTIN;	/* the rest have no bit */
	if (!t->scanned) {
		for (i = 0; i < n; i++) {
			const ruleset_rule *r = &rules[i];

			if (r->host_re == NULL &&
			    (which == RULESET_HOSTED || (which == RULESET_PAIR && *un != NULL)))
				continue;
			if (!ruleset_match_unscanned(rs, r, t, status, reply, host_ctx, md))
				continue;
			if (which != RULESET_PAIR || r->host_re != NULL)
				return r->reason;
			*un = r->reason;
		}
		return NULL;
	}
	for (w = 0; w * 64 < lim; w++) {
		uint64_t hosted = rs->lit.hosted[base / 64 + w];
		uint64_t m = t->rposs[base / 64 + w] | rs->lit.always[base / 64 + w];

		if (which == RULESET_HOSTED || (which == RULESET_PAIR && *un != NULL))
			m &= hosted;
		if (lim - w * 64 < 64)
			m &= ((uint64_t)1 << (lim - w * 64)) - 1;
		while (m != 0) {
			const ruleset_rule *r = &rules[w * 64 + (size_t)__builtin_ctzll(m)];

			m &= m - 1;
			if (!ruleset_match_rule(rs, r, t, status, reply, host_ctx, md))
				continue;
			if (which != RULESET_PAIR || r->host_re != NULL)
				return r->reason;
			*un = r->reason;	/* unless a hosted rule matches */
			m &= hosted;
		}
	}
	for (i = lim; i < n; i++) {
		const ruleset_rule *r = &rules[i];

		if (r->host_re == NULL &&
		    (which == RULESET_HOSTED || (which == RULESET_PAIR && *un != NULL)))
			continue;
		if (!ruleset_match_rule(rs, r, t, status, reply, host_ctx, md))
			continue;	/* always tried: no bit */
		if (which != RULESET_PAIR || r->host_re != NULL)
			return r->reason;
		*un = r->reason;
	}
	return NULL;
}

/* The first rule of the given kind that matches: administrator rules, then
 * the built-in ones (RULESET_PAIR: *un, NULL at first, kept across both). */
static const char *ruleset_match_scan_all(const ruleset *rs, ruleset_lit_text *t,
				    const char *status, const char *reply,
				    const char *const host_ctx[3], pcre2_match_data *md,
				    enum ruleset_match_which which, const char **un)
{
	const char *reason = NULL;

	if (rs->nadmin > 0)	/* (most rulesets have none) */
		reason = ruleset_match_scan(rs, rs->admin, rs->nadmin, RULESET_LIT_BUILTIN, t, status,
					    reply, host_ctx, md, which, un);
	if (reason == NULL)
		reason = ruleset_match_scan(rs, rs->builtin, rs->nbuiltin, 0, t, status, reply, host_ctx,
				      md, which, un);
	return reason;
}

/* Clamp the text and set up *t; the match data, or NULL (no memory).  In
 * line: a call less per text. */
__attribute__((always_inline)) static inline pcre2_match_data *
ruleset_match_begin(const ruleset *rs, const char *text, size_t len, const char *low,
		    ruleset_lit_text *t)
{
	if (rs == NULL || text == NULL)
		return NULL;
	if (len > RULESET_MAX_TEXT)
		len = RULESET_MAX_TEXT;
	ruleset_pack_lits(rs);
	ruleset_lit_text_init(t, text, len, low);
	return ruleset_match_md();
}

const char *ruleset_match(const ruleset *rs, const char *text, size_t len,
			  const char *status, const char *replycode,
			  const char *const host_ctx[3])
{
	ruleset_lit_text t;
	pcre2_match_data *md = ruleset_match_begin(rs, text, len, NULL, &t);

	if (md == NULL)
		return NULL;
	return ruleset_match_scan_all(rs, &t, status, replycode, host_ctx, md, RULESET_ALL, NULL);
}

const char *ruleset_match_hosted(const ruleset *rs, const char *text, size_t len,
				 const char *status, const char *replycode,
				 const char *const host_ctx[3])
{
	return ruleset_match_pair(rs, text, len, NULL, status, replycode, host_ctx, NULL, NULL);
}

#ifdef RULESET_LIT_CHECK
/* Check builds: hosts the screen rules out match no host filter. */
static void ruleset_match_check_screen(const ruleset *rs, const char *const host_ctx[3],
				       pcre2_match_data *md)
{
	size_t i;
	int k;

	for (i = 0; i < rs->nadmin + rs->nbuiltin; i++) {
		const ruleset_rule *r = i < rs->nadmin ? &rs->admin[i] : &rs->builtin[i - rs->nadmin];

		for (k = 0; r->host_re != NULL && host_ctx != NULL && k < 3; k++)
			if (host_ctx[k] != NULL)
				ruleset_check_re(r->host_re, r->host_lits, host_ctx[k],
						 strnlen(host_ctx[k], RULESET_MAX_TEXT), md, rs->mctx);
	}
}
#endif

/* The probes the scan of t did not see cleared in *probes. */
static void ruleset_match_probes(const ruleset *rs, const ruleset_lit_text *t, unsigned *probes)
{
	int k;

	if (rs->probes_first) {		/* bit k is probe k's */
		*probes &= (unsigned)t->poss[0] | ~((1u << RULESET_NPROBES) - 1);
		return;
	}
	for (k = 0; k < RULESET_NPROBES; k++) {
		unsigned id = rs->probe_id[k];

		if (id != RULESET_LIT_NOBIT && !(t->poss[id / 64] >> (id % 64) & 1))
			*probes &= ~(1u << k);
	}
}

/* Hosted rules first; when none matches, the first rule that matches is an
 * unhosted one (or none): both found in one walk. */
const char *ruleset_match_pair(const ruleset *rs, const char *text, size_t len,
			       const char *low, const char *status, const char *replycode,
			       const char *const host_ctx[3], const char **any,
			       unsigned *probes)
{
	ruleset_lit_text t;
	pcre2_match_data *md = ruleset_match_begin(rs, text, len, low, &t);
	const char *hosted;

	if (any != NULL)
		*any = NULL;
	if (md == NULL)
		return NULL;
	/* only the hosted rules asked for, and no host holds the words of
	 * their host filters (most are no provider's): none can match, the
	 * text is not scanned (the probes are left alone) */
	if (any == NULL && !ruleset_host_screen(&rs->lit, host_ctx)) {
#ifdef RULESET_LIT_CHECK
		ruleset_match_check_screen(rs, host_ctx, md);
#endif
		return NULL;
	}
	/* the scan first, even when only the hosted rules are asked for: its
	 * bits choose the few hosted rules to try (each hosted rule's host
	 * filter tried first, to spare the scan, cost more than it), and it
	 * tells the probes */
	ruleset_lit_scan(&rs->lit, &t);
	/* both asked for: one walk over the rules (RULESET_PAIR): a hosted
	 * rule that matches wins, else the first rule that matches */
	if (any != NULL) {
		const char *un = NULL;

		hosted = ruleset_match_scan_all(rs, &t, status, replycode, host_ctx, md,
						RULESET_PAIR, &un);
		if (hosted == NULL)
			*any = un;
	} else {
		hosted = ruleset_match_scan_all(rs, &t, status, replycode, host_ctx, md,
						RULESET_HOSTED, NULL);
	}
	/* the whole text was scanned: RULESET_MAX_TEXT bytes at most */
	if (probes != NULL && t.scanned && t.len == len)
		ruleset_match_probes(rs, &t, probes);
	return hosted;
}
