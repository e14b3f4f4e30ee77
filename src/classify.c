/*
 * classify.c - reason, status, class and hard-or-not for each recipient.
 *
 * DESCRIPTION
 *	classify_rcpt() works on one recipient of a result that the engine
 *	filled (from a DSN or from the text of a bounce):
 *
 *	status	the enhanced code quoted in the diagnostic text (4.x.x or
 *		5.x.x, not part of an IP address or a version number; the
 *		first one that follows a reply code of its class and is not
 *		X.0.0 or X.4.7, else the first one), unless that is X.0.0 or
 *		X.4.7 and the report's is more precise; else the report's
 *		Status; else the made-up
 *		X.0.9NN code of the reason (status_synthetic = 1), permanent
 *		or temporary as the reply code's class or, without one, the
 *		text says ("temporary", a cause retried until the retry
 *		timeout, a delay notice that names its cause); a PTR
 *		refusal given to MAIL FROM keeps X.0.901 (Sisimai's labels).
 *	reply	kept, or the first 4xx/5xx reply in the text that stands
 *		where replies stand (text start, after "said:" or ':', or
 *		before an enhanced code of the same class).
 *	reason	x-unix diagnostics are mailererror; the sending MTA's own
 *		category (PowerMTA's bad-mailbox, quota-issues ...) decides
 *		when it is a clear one.  Otherwise, in order:
 *		rules with a host filter (provider knowledge, e.g. a carrier
 *		whose "user unknown" means its sender filter); mailboxfull when
 *		a bad-mailbox code (X.1.1) comes with a mailbox-full text; the default
 *		reason of a specific status code (5.1.1, 5.2.2, 5.7.26 ...)
 *		unless the code is generic (X.0.0, X.7.1: NULL in the table)
 *		or known to be reused (classify_code_weak); the first text
 *		rule that matches the diagnostic (whitespace folded, repeated
 *		"550-5.7.1" prefixes removed); the status code's default
 *		(for a code the table lacks, its subject's X.Y.0 default),
 *		else the reply code's; "expired" for a delayed recipient with no cause;
 *		"onhold" when the bounce shows no code (too little to
 *		decide), else "undefined".  The SMTP phase then adjusts a reason that did
 *		not come from a specific code: user unknown to DATA is
 *		filtered (unless X.1.1 or X.5.x), and so is one that did not
 *		answer RCPT TO as far as the report shows, where that means
 *		something (a Postfix or Sendmail report that names no
 *		command, a filtering gateway's or Apache James's report, an
 *		X.2.1 status: the mailbox exists), user unknown or filtered to
 *		MAIL FROM is rejected, an unexplained refusal of the
 *		connection or HELO is blocked.
 *	class	from the table below; hard per the conventions.
 *
 *	Recipients whose class is DELIVERED, AUTOREPLY or COMPLAINT keep
 *	what the engine set; those whose action is delivered, relayed,
 *	expanded or deliverable become DELIVERED, reason "delivered".
 *	DELAYED recipients get a reason and a status but stay DELAYED.
 *
 *	Reason -> class (the README copies this table):
 *
 *	hard	userunknown, hostunknown, hasmoved; notaccept with a 5 class
 *		(or with no code, when the text does not say "temporary").
 *		The address is dead: stop sending to it.
 *	block	blocked, rejected, spamdetected, virusdetected, policyviolation,
 *		authfailure, requireptr, badreputation, securityerror,
 *		norelaying, contenterror, notcompliantrfc, filtered,
 *		failedstarttls, suppressed.  The address may be fine; this
 *		sender, host or message was refused: fix the sending side.
 *	soft	mailboxfull, systemfull, systemerror, networkerror, expired,
 *		toomanyconn, speeding, ratelimited, mesgtoobig, emailtoolarge,
 *		exceedlimit, suspend, mailererror, syntaxerror, notaccept with
 *		a 4 class.  The address is fine; it failed for now, retrying
 *		(later, smaller, slower) may work.  suspend is soft: a disabled
 *		account is often enabled again, and the conventions do not
 *		make it hard.
 *	undetermined	undefined, onhold.
 *	delivered, vacation, feedback map to DELIVERED, AUTOREPLY, COMPLAINT.
 *
 * MEMORY
 *	The result is changed in place: status and replycode are the fixed
 *	arrays of bt_rcpt; reason is static; description is static or owned
 *	by the ruleset (the ruleset must outlive the result).  Nothing is
 *	allocated.  Thread-safe (no state but an index of the reason table,
 *	made once; the ruleset is read-only).
 */
#define _GNU_SOURCE	/* strcasestr (classify_is_hard) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "classify.h"
#include "classify_text.h"

#define CLASSIFY_MAX_TEXT	2048	/* bytes of a diagnostic looked at */
#define CLASSIFY_READ_AHEAD	256	/* bytes after a text kept set (PCRE2 JIT) */

typedef struct classify_map {
	const char *reason;
	bt_class cls;
	const char *perm;	/* made-up status, permanent (NULL: none) */
	const char *temp;	/* made-up status, temporary (NULL: use perm) */
} classify_map;

/* The one reason table: class and made-up status of every reason, sorted
 * by name (classify_find() searches it). */
static const classify_map classify_tab[] = {
	{ "authfailure",	BT_CLASS_BLOCK,	"5.0.972", "4.0.972" },
	{ "badreputation",	BT_CLASS_BLOCK,	"5.0.975", "4.0.975" },
	{ "blocked",		BT_CLASS_BLOCK,	"5.0.971", "4.0.971" },
	{ "contenterror",	BT_CLASS_BLOCK,	"5.0.960", "4.0.960" },
	{ "delivered",		BT_CLASS_DELIVERED, NULL, NULL },
	{ "emailtoolarge",	BT_CLASS_SOFT,	"5.0.934", NULL },
	{ "exceedlimit",	BT_CLASS_SOFT,	"5.0.923", NULL },
	{ "expired",		BT_CLASS_SOFT,	"5.0.947", "4.0.947" },
	{ "failedstarttls",	BT_CLASS_BLOCK,	"5.0.970", "4.0.970" },
	{ "feedback",		BT_CLASS_COMPLAINT, NULL, NULL },
	{ "filtered",		BT_CLASS_BLOCK,	"5.0.910", "4.0.924" },
	{ "hasmoved",		BT_CLASS_HARD,	"5.0.916", NULL },
	{ "hostunknown",	BT_CLASS_HARD,	"5.0.912", NULL },
	{ "mailboxfull",	BT_CLASS_SOFT,	"5.0.922", "4.0.922" },
	{ "mailererror",	BT_CLASS_SOFT,	"5.0.939", NULL },
	{ "mesgtoobig",		BT_CLASS_SOFT,	"5.0.934", NULL },
	{ "networkerror",	BT_CLASS_SOFT,	"5.0.944", "4.0.944" },
	{ "norelaying",		BT_CLASS_BLOCK,	"5.0.909", NULL },
	{ "notaccept",		BT_CLASS_HARD,	"5.0.932", "4.0.932" },	/* soft with a 4 class */
	{ "notcompliantrfc",	BT_CLASS_BLOCK,	"5.0.974", "4.0.974" },
	{ "onhold",		BT_CLASS_UNDETERMINED, "5.0.901", "4.0.901" },
	{ "policyviolation",	BT_CLASS_BLOCK,	"5.0.972", NULL },
	{ "ratelimited",	BT_CLASS_SOFT,	"5.0.946", "4.0.946" },
	{ "rejected",		BT_CLASS_BLOCK,	"5.0.918", "4.0.918" },
	{ "requireptr",		BT_CLASS_BLOCK,	"5.0.973", "4.0.973" },
	{ "securityerror",	BT_CLASS_BLOCK,	"5.0.970", "4.0.970" },
	{ "spamdetected",	BT_CLASS_BLOCK,	"5.0.980", "4.0.980" },
	{ "speeding",		BT_CLASS_SOFT,	"5.0.946", "4.0.946" },
	{ "suppressed",		BT_CLASS_BLOCK,	"5.0.918", NULL },
	{ "suspend",		BT_CLASS_SOFT,	"5.0.921", NULL },
	{ "syntaxerror",	BT_CLASS_SOFT,	"5.0.902", NULL },
	{ "systemerror",	BT_CLASS_SOFT,	"5.0.930", "4.0.930" },
	{ "systemfull",		BT_CLASS_SOFT,	"5.0.931", "4.0.931" },
	{ "toomanyconn",	BT_CLASS_SOFT,	"5.0.945", "4.0.945" },
	{ "undefined",		BT_CLASS_UNDETERMINED, "5.0.900", "4.0.900" },
	{ "userunknown",	BT_CLASS_HARD,	"5.0.911", NULL },
	{ "vacation",		BT_CLASS_AUTOREPLY, NULL, NULL },
	{ "virusdetected",	BT_CLASS_BLOCK,	"5.0.971", NULL },
};

#define CLASSIFY_NTAB	(sizeof(classify_tab) / sizeof(classify_tab[0]))

/* classify_tab's first entry whose name starts with each lowercase letter
 * (CLASSIFY_NTAB: none), made once (classify_first_ready set after, with
 * release order); then read-only. */
static unsigned char classify_first[26];
static int classify_first_ready;
static pthread_once_t classify_first_once = PTHREAD_ONCE_INIT;

static void classify_first_make(void)
{
	size_t i;

	memset(classify_first, CLASSIFY_NTAB, sizeof(classify_first));
	for (i = CLASSIFY_NTAB; i-- > 0;)
		if ((unsigned)(classify_tab[i].reason[0] - 'a') < 26u)
			classify_first[classify_tab[i].reason[0] - 'a'] = (unsigned char)i;
	__atomic_store_n(&classify_first_ready, 1, __ATOMIC_RELEASE);
}

/* 1 when the NUL-terminated a and b, whose first two bytes are the
 * same, are equal (reason names are short: a loop costs less than the
 * call). */
static inline int classify_same_name(const char *a, const char *b)
{
	for (a += 2, b += 2; *a == *b; a++, b++)
		if (*a == '\0')
			return 1;
	return 0;
}

/* The reason's entry, or NULL: the entries with its first letter
 * (classify_tab is sorted) compared (a binary search's strcmp() calls
 * cost more than the rest of the class work). */
static const classify_map *classify_find(const char *reason)
{
	size_t lo;
	unsigned c;

	if (reason == NULL || (c = (unsigned)(reason[0] - 'a')) >= 26u)
		return NULL;
	if (!__atomic_load_n(&classify_first_ready, __ATOMIC_ACQUIRE))
		pthread_once(&classify_first_once, classify_first_make);
	for (lo = classify_first[c]; lo < CLASSIFY_NTAB && classify_tab[lo].reason[0] == reason[0];
	     lo++)
		if (classify_tab[lo].reason == reason ||	/* the linker merged the names */
		    (classify_tab[lo].reason[1] == reason[1] &&
		     classify_same_name(reason, classify_tab[lo].reason)))
			return &classify_tab[lo];
	return NULL;
}

/* 1 when the reason (not NULL) is name: its first byte compared before
 * the call (reasons are asked for by name at every step; most differ
 * there). */
static inline int classify_is(const char *reason, const char *name)
{
	return reason == name || (reason[0] == name[0] && strcmp(reason, name) == 0);
}

/* 1 when the text says the failure is temporary. */
static int classify_says_temporary(const char *text)
{
	return text != NULL && strcasestr(text, "temporar") != NULL;
}

bt_class classify_class_of(const char *reason, const char *status)
{
	const classify_map *m = classify_find(reason);

	if (m == NULL)
		return BT_CLASS_UNDETERMINED;
	if (classify_is(m->reason, "notaccept") && status != NULL && status[0] == '4')
		return BT_CLASS_SOFT;
	return m->cls;
}

int classify_is_hard(const char *reason, const char *status, const char *text)
{
	if (reason == NULL)
		return 0;
	/* by the first letter: most reasons are none of these four */
	switch (reason[0]) {
	case 'u':
		return classify_is(reason, "userunknown");
	case 'h':
		return classify_is(reason, "hostunknown") || classify_is(reason, "hasmoved");
	case 'n':
		if (classify_is(reason, "notaccept"))
			break;
		return 0;
	default:
		return 0;
	}
	if (status != NULL && status[0] != '\0')
		return status[0] == '5';
	return !classify_says_temporary(text);
}

const char *classify_synthetic_status(const char *reason, int temporary)
{
	const classify_map *m = classify_find(reason);

	if (m == NULL || m->perm == NULL)
		return NULL;
	return (temporary && m->temp != NULL) ? m->temp : m->perm;
}

/* The recipient's domain, or NULL. */
static const char *classify_domain(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at ? at + 1 : NULL;
}

/* The engine's SMTP command (DATA, MAIL, RCPT, CONN, HELO, EHLO, in any
 * case) as classify_command's letter, or 0. */
static int classify_command_named(const char *cmd)
{
	char u[5];
	size_t i;

	for (i = 0; i < 4 && cmd[i] != '\0'; i++)
		u[i] = (char)((unsigned)(cmd[i] - 'a') < 26u ? cmd[i] - 32 : cmd[i]);
	if (i < 4 || cmd[4] != '\0')
		return 0;
	u[4] = '\0';
	switch (u[0]) {
	case 'D':
		return strcmp(u, "DATA") == 0 ? 'D' : 0;
	case 'M':
		return strcmp(u, "MAIL") == 0 ? 'M' : 0;
	case 'R':
		return strcmp(u, "RCPT") == 0 ? 'R' : 0;
	case 'C':
	case 'H':
	case 'E':
		return strcmp(u, "CONN") == 0 || strcmp(u, "HELO") == 0 ||
		       strcmp(u, "EHLO") == 0 ? 'C' : 0;
	default:
		return 0;
	}
}

/* What classify_rcpt learns about one recipient's diagnostic, found once
 * and read by the steps below (on classify_rcpt's stack). */
typedef struct classify_diag {
	const char *text;		/* folded, prefixes stripped */
	const char *low;		/* the same, lowercased */
	size_t len;
	int cmd;			/* classify_command(), or -1: not found yet (classify_cmd) */
	unsigned probes;		/* bit k clear: ruleset_probe_phrases[k] is not in low
					 * (ruleset_match_pair() tells, from its scan) */
	const codes_entry *st;		/* the status's entry (rc->status, once scanned) */
	classify_ask *ask;		/* or NULL (classify_result_ask) */
} classify_diag;

/* The first ruleset_probe_phrases[k] in the lowercased text, or NULL; no
 * search when the ruleset's scan saw it is not there. */
static const char *classify_seek(const classify_diag *d, int k)
{
	if (!(d->probes >> k & 1))
		return NULL;
	return strstr(d->low, ruleset_probe_phrases[k]);
}

/* The SMTP command the remote server refused: the engine's, or the one the
 * text names ("in reply to end of DATA command", "after RCPT TO"), read in
 * the text lowercased (classify_text_fold), so plain comparisons do.
 * Returns 'D' (DATA), 'M' (MAIL FROM), 'R' (RCPT TO), 'C' (connection,
 * HELO/EHLO) or 0. */
static int classify_command(const bt_rcpt *rc, const classify_diag *d)
{
	const char *p;
	int c;

	if (rc->smtp_command[0] == '\0' && d->ask != NULL && d->ask->fill_commands != NULL) {
		void (*fill)(void *) = d->ask->fill_commands;

		d->ask->fill_commands = NULL;	/* once */
		fill(d->ask->ctx);
	}
	/* none (or one we do not know): the text may say */
	if (rc->smtp_command[0] != '\0' && (c = classify_command_named(rc->smtp_command)) != 0)
		return c;
	/* X3's "SMTP:RCPT host", qmail's "does not like recipient",
	 * DragonFly's "did not like our RCPT TO" */
	if (classify_seek(d, RULESET_PROBE_SMTP_RCPT) != NULL ||
	    classify_seek(d, RULESET_PROBE_NOT_LIKE_RECIPIENT) != NULL ||
	    classify_seek(d, RULESET_PROBE_NOT_LIKE_RCPT) != NULL)
		return 'R';
	if ((p = classify_seek(d, RULESET_PROBE_IN_REPLY)) != NULL)
		p += 12;	/* "in reply to " */
	else if ((p = classify_seek(d, RULESET_PROBE_AFTER)) != NULL)
		p += 7;		/* " after " */
	else
		return 0;
	if (strncmp(p, "end of ", 7) == 0)
		p += 7;
	if (strncmp(p, "data", 4) == 0 && (unsigned)((p[4] | 0x20) - 'a') >= 26u)
		return 'D';
	if (strncmp(p, "initial connection", 18) == 0 || strncmp(p, "helo", 4) == 0 ||
	    strncmp(p, "ehlo", 4) == 0)
		return 'C';
	if (strncmp(p, "mail", 4) == 0)
		return 'M';
	if (strncmp(p, "rcpt", 4) == 0)
		return 'R';
	return 0;
}

/* classify_command(), found on first need (d->cmd: -1 until then): most
 * reasons do not depend on the phase. */
static int classify_cmd(const bt_rcpt *rc, classify_diag *d)
{
	if (d->cmd < 0)
		d->cmd = classify_command(rc, d);
	return d->cmd;
}

/* Default reason of a code, or NULL. */
static const char *classify_code_reason(const ruleset *rs, const char *code)
{
	const codes_entry *e;

	if (code[0] == '\0' || (e = ruleset_lookup_code(rs, code)) == NULL)
		return NULL;
	return e->reason;
}

/* For a code the table does not list (5.6.211, 4.4.318 ...), the reason
 * of its subject's X.Y.0 entry, or NULL. */
static const char *classify_subject_reason(const ruleset *rs, const char *code)
{
	char sub[16];
	const char *dot = strrchr(code, '.');

	if (!codes_valid_enhanced(code) || dot == NULL || (size_t)(dot - code) + 3 > sizeof(sub))
		return NULL;
	memcpy(sub, code, (size_t)(dot - code));
	memcpy(sub + (dot - code), ".0", 3);
	return classify_code_reason(rs, sub);
}

/* Codes whose default reason is often not what the server meant: the
 * text decides when a rule matches (Gmail's 5.2.1 "receiving mail at a
 * rate", Exchange's 5.4.1 "access denied", 5.3.0 wrapping a user unknown,
 * a connection timeout reported as 4.4.1 by the MTA that gave up, X.4.7
 * that the MTA writes for itself when it gives up, Gmail's
 * 5.4.5 sending quota, Yahoo's 5.7.2 [TSS09] block, Exchange's 5.1.351
 * that wraps whatever the next server answered).  classify_code_weak():
 * 1 when the code of key (codes_key(): class * 1000000 + subject * 1000
 * + detail for an enhanced status) is one of them, whose default the text
 * may override; a key that is no enhanced code's counts as one.  (The
 * table entry's key: nothing is parsed again.) */
static int classify_code_weak(long key)
{
	long sub = key / 1000 % 1000, det = key % 1000;

	if (key < 2000000L)
		return 1;
	/* X.1.3, X.1.10, X.1.351, X.2.1, X.3.0, X.4.0, X.4.1, X.4.2, X.4.4,
	 * X.4.5, X.4.7, X.5.0, X.7.2, X.7.9: by subject, the details as bits */
	switch (sub) {
	case 1:
		return det == 351 || (det < 64 && ((1ull << 3 | 1ull << 10) >> det & 1));
	case 2:
		return det == 1;
	case 3:
		return det == 0;
	case 4:
		return det < 64 && ((1ull << 0 | 1ull << 1 | 1ull << 2 | 1ull << 4 | 1ull << 5 |
				     1ull << 7) >> det & 1);
	case 5:
		return det == 0;
	case 7:
		return det == 2 || det == 9;
	default:
		return 0;
	}
}

/* Reports that quote the SMTP command of every refusal they relay
 * (Postfix's "in reply to RCPT TO command", Sendmail's "... while talking
 * to", Exim's "after RCPT TO"): when such a report quotes none, the
 * refusal did not come at RCPT time. */
static const char *const classify_cmd_formats[] = { "postfix", "sendmail" };

/* Filtering gateways (content and spam filters in front of a mail server)
 * that answer "user unknown" for a filtering decision; recognised by the
 * boilerplate of their reports: header From, Subject or the text. */
static const struct {
	char where;		/* 'f' From, 's' Subject, 'm' X-Mailer, 't' diagnostic text */
	const char *phrase;	/* case-insensitive substring */
} classify_gateways[] = {
	{ 'f', "Mail Deliver System" },			/* X1 */
	{ 'm', "SurfControl E-mail Filter" },			/* SurfControl */
	{ 's', "FAILURE NOTICE :" },				/* ActiveHunter */
	{ 't', "Delivery failed for the following reason:" },	/* MailFoundry */
};

/* Mail servers whose reports quote a refusal without its phase and whose
 * "no such user" stands for their filtering too (Apache James's bounce
 * mailet), except where the installation is known to mean the address:
 * Verizon's SMS gateway (vtext.com), where the number does not exist. */
static const char *const classify_filter_formats[] = { "james" };

/* 1 when a and b are the same byte, or the same ASCII letter in either
 * case (the C locale's tolower(), as strcasestr() compares). */
static int classify_fold_eq(unsigned char a, unsigned char b)
{
	return a == b || ((a | 0x20) == (b | 0x20) && (unsigned)((a | 0x20) - 'a') < 26u);
}

/* 1 when phrase (pl bytes) is at s, letters of either case alike. */
static int classify_phrase_at(const char *s, const char *phrase, size_t pl)
{
	size_t k;

	for (k = 1; k < pl && classify_fold_eq((unsigned char)s[k], (unsigned char)phrase[k]); k++)
		;
	return k == pl;
}

/* 1 when phrase occurs in s, letters of either case alike (what
 * strcasestr() tells, without its set-up per call).  s is measured first
 * (strlen()): only positions with room for the phrase are looked at, and
 * nothing is read past its end.  The phrases are ASCII and start with a
 * letter: positions are first tested on that letter alone (its bit 0x20
 * set: either case), with SSE2 sixteen at a time. */
static int classify_has_phrase(const char *s, const char *phrase)
{
	unsigned char p0 = (unsigned char)(phrase[0] | 0x20);
	size_t n = strlen(s), pl = strlen(phrase), i = 0, last;

	if (n < pl)
		return 0;
	last = n - pl;		/* a match starts at 0 .. last */
#ifdef __SSE2__
	{
		const __m128i bit = _mm_set1_epi8(0x20), first = _mm_set1_epi8((char)p0);

		/* blocks of sixteen positions that all start inside s */
		for (; i + 16 <= n && i <= last; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			unsigned m = (unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(_mm_or_si128(x, bit), first));

			for (; m != 0; m &= m - 1) {
				size_t at = i + (size_t)__builtin_ctz(m);

				if (at <= last && classify_phrase_at(s + at, phrase, pl))
					return 1;
			}
		}
	}
#endif
	for (; i <= last; i++)
		if (((unsigned char)s[i] | 0x20) == p0 && classify_phrase_at(s + i, phrase, pl))
			return 1;
	return 0;
}

/* 1 when the report comes from a filtering gateway. */
static int classify_gateway(const bt_result *r, const bt_rcpt *rc, const char *text)
{
	const char *dom = classify_domain(rc->recipient);
	size_t i;

	for (i = 0; r->format != NULL &&
		    i < sizeof(classify_filter_formats) / sizeof(classify_filter_formats[0]); i++)
		if (strcmp(r->format, classify_filter_formats[i]) == 0 &&
		    (dom == NULL || strcasecmp(dom, "vtext.com") != 0))
			return 1;

	for (i = 0; i < sizeof(classify_gateways) / sizeof(classify_gateways[0]); i++) {
		const char *in = classify_gateways[i].where == 'f' ? r->from :
				 classify_gateways[i].where == 's' ? r->subject :
				 classify_gateways[i].where == 'm' ? r->mailer : text;

		if (in != NULL && classify_has_phrase(in, classify_gateways[i].phrase))
			return 1;
	}
	return 0;
}

/* 1 when a "user unknown" without the RCPT phase means a filter: the report
 * names the commands and named none, a filtering gateway wrote it, or the
 * status itself says something else than a bad mailbox (X.2.1 "mailbox
 * disabled, not accepting messages": the mailbox exists). */
static int classify_unknown_is_filter(const ruleset *rs, const bt_rcpt *rc, const bt_result *r,
				      const char *text, int cmd)
{
	const char *code;
	size_t i;

	if (cmd != 0)
		return 0;
	code = classify_code_reason(rs, rc->status);
	if (code != NULL && classify_is(code, "userunknown"))
		return 0;	/* the code itself says bad mailbox (X.1.10) */
	if (classify_gateway(r, rc, text))
		return 1;
	for (i = 0; r->format != NULL && i < sizeof(classify_cmd_formats) / sizeof(classify_cmd_formats[0]); i++)
		if (strcmp(r->format, classify_cmd_formats[i]) == 0)
			return 1;
	return code != NULL && (classify_is(code, "suspend") || classify_is(code, "filtered")) &&
	       strcmp(rc->status + 1, ".2.1") == 0;
}

/* The reason adjusted for the SMTP phase the refusal came in: an address
 * reason given to DATA means a filter refused the message after accepting
 * the recipient; given to MAIL FROM it is about the sender; a refusal of
 * the connection itself is about the sending host. */
static const char *classify_by_phase(const char *reason, const bt_rcpt *rc, classify_diag *d,
				     const char *status)
{
	int addr = reason != NULL && (classify_is(reason, "userunknown") ||
				      classify_is(reason, "filtered"));
	int cmd;

	if (reason != NULL && !addr)
		return reason;	/* the phase changes no other (below) */
	cmd = classify_cmd(rc, d);

	/* ... unless the server said X.1.1, bad mailbox, in so many words, or
	 * answered with a protocol (X.5.x) status */
	if (cmd == 'D' && reason != NULL && classify_is(reason, "userunknown") &&
	    strcmp(status + (status[0] ? 1 : 0), ".1.1") != 0 &&
	    strncmp(status + (status[0] ? 1 : 0), ".5.", 3) != 0)
		return "filtered";
	if (cmd == 'M' && addr)
		return "rejected";
	if (cmd == 'C' && reason == NULL)
		return "blocked";
	return reason;
}

/* The sending MTA's own category of a failure (PowerMTA's
 * X-PowerMTA-BounceCategory) and the reason it means; categories that say
 * little or could mean several reasons ("other", "protocol-errors",
 * "bad-configuration", "bad-connection", "content-related",
 * "invalid-sender", "relaying-issues", "virus-related") leave the text
 * to decide. */
static const struct {
	const char *category;
	const char *reason;
} classify_mta_categories[] = {
	{ "bad-mailbox",		"userunknown" },
	{ "bad-domain",			"hostunknown" },
	{ "inactive-mailbox",		"suspend" },
	{ "quota-issues",		"mailboxfull" },
	{ "message-expired",		"expired" },
	{ "no-answer-from-host",	"networkerror" },
	{ "routing-errors",		"systemerror" },
	{ "spam-related",		"spamdetected" },
	{ "policy-related",		"policyviolation" },
};

/* The reason of the MTA's own category, or NULL. */
static const char *classify_mta_category(const char *category)
{
	size_t i;

	for (i = 0; category[0] != '\0' &&
		    i < sizeof(classify_mta_categories) / sizeof(classify_mta_categories[0]); i++)
		if (strcmp(category, classify_mta_categories[i].category) == 0)
			return classify_mta_categories[i].reason;
	return NULL;
}


/* Decide the reason from the folded text and the codes. */
static const char *classify_reason(const bt_rcpt *rc, const bt_result *r, const ruleset *rs,
				   classify_diag *d, int delayed, int *by_text)
{
	const char *hosts[3];
	const char *reason = NULL, *code, *full = NULL;
	int need_full, weak;

	*by_text = 0;
	/* a local delivery program failed, unless what the report quotes for
	 * it is an SMTP reply (Sendmail's transcript in place of an exit
	 * status): then the reply decides */
	if (rc->diagnostic_type != NULL && rc->replycode[0] == '\0' &&
	    strcasecmp(rc->diagnostic_type, "x-unix") == 0)
		return "mailererror";
	/* the sending MTA classified the refusal itself */
	if ((reason = classify_mta_category(rc->mta_category)) != NULL)
		return reason;
	hosts[0] = r->reporting_mta;
	hosts[1] = rc->remote_mta;
	hosts[2] = classify_domain(rc->recipient);
	code = d->st != NULL ? d->st->reason : NULL;
	/* The text rules are asked once: the hosted ones (provider knowledge,
	 * which goes first), and, when the code leaves the text to decide
	 * (below), the first of all rules that matches. */
	weak = code != NULL && classify_code_weak(d->st->key);	/* only asked with a code */
	need_full = code == NULL || weak || classify_is(code, "userunknown");
	if (d->len > 0 && (reason = ruleset_match_pair(rs, d->text, d->len, d->low, rc->status,
						      rc->replycode, hosts,
						      need_full ? &full : NULL, &d->probes)) != NULL) {
		*by_text = 1;
		return classify_by_phase(reason, rc, d, rc->status);
	}
	/* a bad-mailbox code on a reply that says the mailbox is full (qmail's
	 * "over quota (#5.1.1)"): the mailbox exists */
	if (code != NULL && classify_is(code, "userunknown") && full != NULL &&
	    classify_is(full, "mailboxfull")) {
		*by_text = 1;
		return full;
	}
	if (code != NULL && !weak)
		return code;	/* a specific code decides, whatever the phase */
	if (code == NULL && rc->status[0] != '\0' && d->st == NULL)
		code = classify_subject_reason(rs, rc->status);	/* unlisted: weak */
	reason = full;
	*by_text = reason != NULL;
	if (reason != NULL && classify_is(reason, "userunknown") &&
	    classify_unknown_is_filter(rs, rc, r, d->text, classify_cmd(rc, d)))
		return "filtered";
	if (reason != NULL)
		return classify_by_phase(reason, rc, d, rc->status);
	if (code == NULL)
		code = classify_code_reason(rs, rc->replycode);
	if (delayed && (code == NULL || classify_class_of(code, "4") != BT_CLASS_HARD) &&
	    (code == NULL || (!classify_is(code, "mailboxfull") && !classify_is(code, "systemfull"))))
		return "expired";	/* still queued, no cause given */
	if ((reason = classify_by_phase(code, rc, d, rc->status)) != NULL)
		return reason;
	/* no code at all and no cause we know: too little to decide */
	if (rc->status[0] == '\0' && rc->replycode[0] == '\0')
		return "onhold";
	return "undefined";
}

/* dst (16 bytes, as bt_rcpt's status) = src, cut to fit. */
static void classify_set_status(char dst[16], const char *src)
{
	size_t n = strnlen(src, 15);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Status and reply code: the text's enhanced code wins over the engine's;
 * the engine's reply code is kept, else the text's is taken.  *prefix: the
 * first repeated prefix (classify_text_scan_codes()). */
static void classify_codes(bt_rcpt *rc, const char *text, size_t len, size_t *prefix)
{
	char st[16], reply[4];

	classify_text_scan_codes(text, len, st, sizeof(st), reply, prefix);
	if (st[0] != '\0' && !(classify_text_vague(st, strlen(st)) &&
				 codes_valid_enhanced(rc->status) && !rc->status_synthetic &&
				 !classify_text_vague(rc->status, strlen(rc->status)))) {
		/* The remote server's own code, quoted in the text, is more
		 * precise than the Status field the sending MTA wrote (X.0.0,
		 * its own X.4.7 "gave up", a guess), unless it is the vaguer. */
		classify_set_status(rc->status, st);
		rc->status_synthetic = 0;
	} else if (rc->status_synthetic || !codes_valid_enhanced(rc->status)) {
		rc->status[0] = '\0';
		rc->status_synthetic = 0;
	}
	if (!codes_valid_reply(rc->replycode))
		memcpy(rc->replycode, reply, sizeof(reply));
}

/* 1 when the text says the failure is temporary ("temporar"). */
static int classify_low_temporary(const classify_diag *d)
{
	return classify_seek(d, RULESET_PROBE_TEMPORAR) != NULL;
}

/* 1 when the text (lowercased) says a cause was retried until the
 * sending MTA gave up (Exim: "mailbox is full: retry timeout exceeded",
 * "all hosts have been failing for a long time"): the cause itself was a
 * temporary failure.  A bare "retry timeout exceeded" names no cause. */
static int classify_retried_cause(const classify_diag *d)
{
	const char *p;

	if (classify_seek(d, RULESET_PROBE_ALL_HOSTS) != NULL)
		return 1;
	p = classify_seek(d, RULESET_PROBE_RETRY_TIMEOUT);	/* "retry timeout exceeded" */
	return p != NULL && p - d->low >= 3 && p[-1] == ' ' && p[-2] == ':';
}

/* The made-up status when the bounce shows none. */
static void classify_synthesize(bt_rcpt *rc, classify_diag *d, int delayed, int by_text)
{
	const char *syn;
	int temporary;

	if (rc->status[0] != '\0')
		return;
	/* A delayed DSN alone does not make the cause temporary: only the
	 * reply code or the text says so (Sisimai does the same), or a delay
	 * notice that names its cause (a connection refused, a host down). */
	if (rc->replycode[0] != '\0')
		temporary = rc->replycode[0] == '4';
	else
		temporary = classify_low_temporary(d) || classify_retried_cause(d) ||
			    (delayed && by_text);
	/* Sisimai's convention: a host-name (PTR) refusal given to MAIL FROM
	 * keeps the made-up code of its first guess, onhold (X.0.901) */
	if (classify_is(rc->reason, "requireptr") && classify_cmd(rc, d) == 'M')
		syn = classify_synthetic_status("onhold", temporary);
	else
		syn = classify_synthetic_status(rc->reason, temporary);
	if (syn != NULL) {
		classify_set_status(rc->status, syn);
		rc->status_synthetic = 1;
	}
}

/* 1 for a success notice (the DSN's Action), which is no failure; the
 * first letter picks the words worth comparing (most actions: "failed"). */
static int classify_action_success(const char *action)
{
	switch (action[0] | 0x20) {
	case 'd':
		return strcasecmp(action, "delivered") == 0 || strcasecmp(action, "deliverable") == 0;
	case 'r':
		return strcasecmp(action, "relayed") == 0;
	case 'e':
		return strcasecmp(action, "expanded") == 0;
	default:
		return 0;
	}
}

static void classify_rcpt_ask(bt_rcpt *rc, const bt_result *r, const ruleset *rs,
			      classify_ask *ask)
{
	char text[CLASSIFY_MAX_TEXT];		/* folded; see CLASSIFY_READ_AHEAD */
	char low[CLASSIFY_MAX_TEXT];		/* text lowercased */
	int delayed, by_text = 0;
	const codes_entry *e = NULL;
	classify_diag d;
	size_t prefix;

	if (rc == NULL || rc->cls == BT_CLASS_DELIVERED || rc->cls == BT_CLASS_AUTOREPLY ||
	    rc->cls == BT_CLASS_COMPLAINT || rc->cls == BT_CLASS_NONE)
		return;
	if (rs == NULL)
		rs = ruleset_builtin();
	if (rc->action != NULL && classify_action_success(rc->action)) {
		rc->reason = "delivered";	/* a success notice, not a failure */
		rc->cls = BT_CLASS_DELIVERED;
		rc->hard = 0;
		return;
	}
	delayed = rc->cls == BT_CLASS_DELAYED ||
		  (rc->action != NULL && (rc->action[0] | 0x20) == 'd' &&
		   strcasecmp(rc->action, "delayed") == 0);
	d.len = classify_text_fold(rc->diagnostic, text, low, sizeof(text));
	/* PCRE2's JIT code may read a little past the end of a text (within
	 * an aligned block): the bytes after it are set, not left undefined
	 * (a whole buffer cleared cost more than the rest of the text work) */
	memset(text + d.len, 0, d.len + CLASSIFY_READ_AHEAD <= sizeof(text) ?
				CLASSIFY_READ_AHEAD : sizeof(text) - d.len);
	classify_codes(rc, text, d.len, &prefix);
	d.len = classify_text_strip_prefixes(text, low, d.len, prefix);
	classify_text_mask_locals(text, low, d.len);
	d.text = text;
	d.low = low;
	d.cmd = -1;
	d.ask = ask;
	d.probes = ~0u;		/* each may be there, until a scan tells */
	/* the status is final here unless made up below: one lookup */
	d.st = rc->status[0] != '\0' ? ruleset_lookup_code(rs, rc->status) : NULL;

	rc->reason = classify_reason(rc, r, rs, &d, delayed, &by_text);
	classify_synthesize(rc, &d, delayed, by_text);

	if (rc->status[0] != '\0' && !rc->status_synthetic)
		e = d.st;
	if (e == NULL && rc->replycode[0] != '\0')
		e = ruleset_lookup_code(rs, rc->replycode);
	rc->description = e ? e->text : NULL;

	rc->hard = classify_is_hard(rc->reason,
				    rc->status_synthetic && rc->replycode[0] ? rc->replycode : rc->status,
				    text);
	if (delayed)
		rc->cls = BT_CLASS_DELAYED;
	else
		rc->cls = rc->hard ? BT_CLASS_HARD : classify_class_of(rc->reason, rc->status);
}

void classify_rcpt(bt_rcpt *rc, const bt_result *r, const ruleset *rs)
{
	classify_rcpt_ask(rc, r, rs, NULL);
}

void classify_result_ask(bt_result *r, const ruleset *rs, classify_ask *ask)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrcpt; i++)
		classify_rcpt_ask(&r->rcpt[i], r, rs, ask);
}

void classify_result(bt_result *r, const ruleset *rs)
{
	classify_result_ask(r, rs, NULL);
}
