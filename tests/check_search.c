/*
 * check_search.c - the scanner's search helpers (scan_search.c) against
 * plain loops that say what they mean: case-insensitive search of one
 * needle (scan_find_n, scan_find_by), phrase sets (scan_set_find,
 * scan_set_mask) and prefix lists (scan_starts_any).
 *
 * The helpers use SSE2 and skip tables; a wrong shift or a vector read
 * that misses a match at a 16-byte edge would not show on a few examples.
 * So texts are made at random (fixed seed) from the needles' own letters
 * in both cases, their neighbours under the 0x20 trick ('@' and '`', '['
 * and '{'), blanks and high bytes, at every length up to 80 and every
 * alignment, and each answer must equal the plain loop's.  check.sh also
 * runs this test built without SSE2, which checks the portable paths.
 *
 * Phrase sets have two paths (scan_set_scan()): the vector filter of
 * scan_teddy.c (AVX2 or SSSE3, chosen by the CPU) and the skip loop.  Each
 * set test runs at every level the CPU has (scan_teddy_force(): 2, 1, 0),
 * on sets made to fill all 8 buckets and to share prefixes, with
 * phrases of bytes >= 0x80, '@' and '`', '[' and '{', texts up to a few KB
 * in an exact-size malloc() (ASan sees a read past the end).
 *
 * Also the two one-pass helpers built on them: a diagnostic's remote-host
 * and command phrases (scan_diag_phrases(), as each set alone), and the
 * engine's first DSN field line in a text (scan_dsn_line(), AVX2 and
 * SSE2 against a plain loop).  And the split of a text into lines
 * (scan_doc_init(), AVX2 and SSE2 against a plain split), the codes a
 * diagnostic keeps through scan_denoise(), the address at the start of a
 * line (scan_addr_at(), as scan_addr_find() at offset 0), the capped
 * string builder (scan_buf_add(), 16 bytes at a time, against a plain
 * loop) and the reply and status codes (scan_reply_code(),
 * scan_status_code(), 16 positions at a time, against plain loops), and
 * the end of a line's first word (scan_alpha_end()).
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/* --- references ------------------------------------------------------- */

static unsigned char
ref_low(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int
ref_eq(const char *s, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ref_low((unsigned char)s[i]) != ref_low((unsigned char)w[i]))
			return 0;
	return 1;
}

static const char *
ref_find(const char *s, size_t len, const char *w, size_t n)
{
	size_t i;

	if (n == 0 || n > len)
		return NULL;
	for (i = 0; i + n <= len; i++)
		if (ref_eq(s + i, w, n))
			return s + i;
	return NULL;
}

/* --- random texts ----------------------------------------------------- */

static uint32_t seed = 12345u;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/* Bytes likely to make (near) matches of the words. */
static void
fill(char *buf, size_t len, const char *const *words)
{
	static const char other[] = "@`[{ \t:-'(<>.0123456789\x80\xff";
	size_t i, nw = 0;

	while (words[nw] != NULL)
		nw++;
	for (i = 0; i < len; i++) {
		uint32_t r = rnd() % 10;
		if (r < 2)
			buf[i] = other[rnd() % (sizeof(other) - 1)];
		else if (r < 3)
			buf[i] = (char)(rnd() & 0xff);
		else {
			const char *w = words[rnd() % nw];
			char c = w[rnd() % strlen(w)];
			if (c >= 'a' && c <= 'z' && (rnd() & 1))
				c = (char)(c - 32);
			buf[i] = c;
		}
	}
	/* now and then a whole word, in mixed case, somewhere */
	if (len > 0 && (rnd() % 3) == 0) {
		const char *w = words[rnd() % nw];
		size_t n = strlen(w), at, k;
		if (n <= len) {
			at = rnd() % (len - n + 1);
			for (k = 0; k < n; k++) {
				char c = w[k];
				if (c >= 'a' && c <= 'z' && (rnd() & 1))
					c = (char)(c - 32);
				buf[at + k] = c;
			}
		}
	}
}

/* --- one needle ------------------------------------------------------- */

static const char *const needles[] = {
	"user unknown", "mailbox", "x", "@", "550", "no such user",
	"it's", "(reason", "quota exceeded for this recipient now", "`z",
	"[ok]", NULL
};

START_TEST(test_find_matches_plain_loop)
{
	char buf[96 + 16];
	size_t w, len, off, tries;

	for (w = 0; needles[w] != NULL; w++) {
		const char *one[2] = { needles[w], NULL };
		size_t n = strlen(needles[w]);
		for (len = 0; len <= 80; len++)
			for (off = 0; off < 16; off++)
				for (tries = 0; tries < 6; tries++) {
					char *s = buf + off;
					fill(s, len, one);
					ck_assert_ptr_eq(scan_find_n(s, len, needles[w], n),
					    ref_find(s, len, needles[w], n));
				}
	}
}
END_TEST

START_TEST(test_find_by_rare_byte)
{
	/* needle byte k is not a letter: the same answer as scan_find_n */
	static const struct { const char *w; size_t k; } by[] = {
		{ "it's not", 2 }, { "(reason:", 0 }, { "user (is) over", 5 },
		{ "a@b", 1 },
	};
	char buf[96];
	size_t i, len, tries;

	for (i = 0; i < sizeof(by) / sizeof(by[0]); i++) {
		const char *one[2] = { by[i].w, NULL };
		size_t n = strlen(by[i].w);
		for (len = 0; len <= 80; len++)
			for (tries = 0; tries < 40; tries++) {
				fill(buf, len, one);
				ck_assert_ptr_eq(scan_find_by(buf, len, by[i].w, n, by[i].k),
				    ref_find(buf, len, by[i].w, n));
			}
	}
}
END_TEST

START_TEST(test_find_edges)
{
	ck_assert_ptr_null(scan_find_n("abc", 3, "", 0));
	ck_assert_ptr_null(scan_find_n("ab", 2, "abc", 3));
	/* '@' | 0x20 is '`': the vector filter lets it through, the full
	 * comparison must not */
	ck_assert_ptr_null(scan_find_n("xxxxxxxxxxxxxxxxxxxx`bc", 23, "@bc", 3));
	ck_assert_ptr_null(scan_find_n("xxxxxxxxxxxxxxxxxxxx{ok]", 24, "[ok]", 4));
	ck_assert_str_eq(scan_find_n("xxxxxxxxxxxxxxxxxxxxxUSER Unknown!", 34,
	    "user unknown", 12), "USER Unknown!");
}
END_TEST

/* --- phrase sets ------------------------------------------------------ */

static const char *const phrases[] = {
	"user unknown", "unknown user", "mailbox full", "mailbox unavailable",
	"over quota", "quota", "no such", "no such user", "blocked",
	"spam", "rejected", "5.1.1", "<>@x", NULL
};
static scan_set pset = SCAN_SET(phrases);

/* The levels of scan_teddy.c the CPU has, best first, then 0 (the skip
 * loop); how many. */
static int
set_levels(int *lv)
{
	int n = 0, l;

	for (l = 2; l >= 1; l--)
		if (scan_teddy_force(l) == l)
			lv[n++] = l;
	lv[n++] = 0;
	return n;
}

/* scan_set_mask() and scan_set_find() on s[0..len) against the loops. */
static void
check_set(scan_set *set, const char *const *words, const char *s, size_t len)
{
	uint64_t want = 0;
	const char *at = NULL, *wat = NULL;
	int wfirst = -1, got;
	size_t k, i;

	for (k = 0; words[k] != NULL; k++)
		if (ref_find(s, len, words[k], strlen(words[k])))
			want |= (uint64_t)1 << k;
	/* first: the earliest position, then the lowest index */
	for (i = 0; i < len && wfirst < 0; i++)
		for (k = 0; words[k] != NULL; k++) {
			size_t n = strlen(words[k]);
			if (i + n <= len && ref_eq(s + i, words[k], n)) {
				wfirst = (int)k;
				wat = s + i;
				break;
			}
		}
	ck_assert_uint_eq(scan_set_mask(set, s, len), want);
	got = scan_set_find(set, s, len, &at);
	ck_assert_int_eq(got, wfirst);
	if (got >= 0)
		ck_assert_ptr_eq(at, wat);
}

/* Random texts of words' bytes: every length up to maxlen at every
 * alignment, then longer ones, each in a buffer of its exact size. */
static void
check_set_texts(scan_set *set, const char *const *words, size_t maxlen,
    size_t tries)
{
	static char buf[4096 + 64];
	int lv[3], nlv = set_levels(lv), l;
	size_t len, t;

	for (l = 0; l < nlv; l++) {
		ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
		for (len = 0; len <= maxlen; len++)
			for (t = 0; t < tries; t++) {
				char *s = malloc(len + 1);
				size_t off = (len * 7 + t) % 32;
				ck_assert_ptr_nonnull(s);
				fill(buf + off, len, words);
				memcpy(s, buf + off, len);
				check_set(set, words, s, len);
				/* and unaligned, in the static buffer */
				check_set(set, words, buf + off, len);
				free(s);
			}
		for (t = 0; t < 40; t++) {
			size_t n = 200 + rnd() % 3800;
			char *s = malloc(n);
			ck_assert_ptr_nonnull(s);
			fill(s, n, words);
			check_set(set, words, s, n);
			free(s);
		}
	}
}

START_TEST(test_set_matches_plain_loop)
{
	check_set_texts(&pset, phrases, 90, 60);
}
END_TEST

/* All 64 phrases of a set, many sharing first bytes (more phrases than
 * buckets), some with '@', '`', '[', '{', digits and high bytes. */
static char many_buf[64][24];
static const char *many[65];
static scan_set many_set = SCAN_SET(many);

static void
many_make(void)
{
	static const char abc[] = "abcdeuz@`[{0\x80\xff -";
	size_t k, j, n;

	for (k = 0; k < 64; k++) {
		n = 4 + rnd() % 12;
		j = 0;
		if (k > 0 && (rnd() % 3) != 0) {	/* a prefix of another */
			const char *o = many_buf[rnd() % k];
			size_t pre = 1 + rnd() % strlen(o);
			for (; j < pre && j < n; j++)
				many_buf[k][j] = o[j];
		}
		for (; j < n; j++)
			many_buf[k][j] = abc[rnd() % (sizeof(abc) - 1)];
		many_buf[k][n] = '\0';
		many[k] = many_buf[k];
	}
	many[64] = NULL;
}

START_TEST(test_set_many_phrases)
{
	many_make();
	check_set_texts(&many_set, many, 200, 3);
}
END_TEST

/* Long phrases (the filter tests bytes 14, 15 and a hash of 4 more) and
 * few of them (a bucket each); phrases that differ only in '@' / '`',
 * '[' / '{'. */
static const char *const longp[] = {
	"this is the mail system at host", "this is the mailer-daemon",
	"delivery to the following recipient failed", "[ok] the message",
	"{ok} the message was", "\xe9t\xe9 refus\xe9 par le serveur",
	NULL
};
static scan_set long_set = SCAN_SET(longp);
static const char *const fewp[] = { "@abc", "`abc", "ab[c", "ab{c", NULL };
static scan_set few_set = SCAN_SET(fewp);

START_TEST(test_set_long_and_few)
{
	check_set_texts(&long_set, longp, 120, 20);
	check_set_texts(&few_set, fewp, 120, 20);
}
END_TEST

/* --- prefix lists ----------------------------------------------------- */

static const struct scan_str prefix_list[] = {
	SCAN_STR("diagnostic-code:"), SCAN_STR("diag"), SCAN_STR("d"),
	SCAN_STR("final-recipient:"), SCAN_STR("<<< "), SCAN_STR("@"),
	SCAN_STR("remote-mta:"), { NULL, 0 }
};
static scan_prefixes plist = SCAN_PREFIXES(prefix_list);

START_TEST(test_prefixes_first_in_list)
{
	static const char *const words[] = {
		"diagnostic-code:", "final-recipient:", "<<< ", "@",
		"remote-mta:", NULL
	};
	char buf[40];
	size_t len, tries, k;

	for (len = 0; len <= 36; len++)
		for (tries = 0; tries < 400; tries++) {
			int want = 0;
			fill(buf, len, words);
			if (len > 0 && (rnd() & 1)) {	/* often a list entry first */
				const char *w = words[rnd() % 5];
				size_t n = strlen(w) < len ? strlen(w) : len;
				for (k = 0; k < n; k++)
					buf[k] = (rnd() & 1) && w[k] >= 'a' && w[k] <= 'z' ?
					    (char)(w[k] - 32) : w[k];
			}
			for (k = 0; prefix_list[k].s != NULL; k++)
				if (prefix_list[k].n <= len &&
				    ref_eq(buf, prefix_list[k].s, prefix_list[k].n)) {
					want = (int)k + 1;
					break;
				}
			ck_assert_int_eq(scan_starts_any(&plist, buf, len), want);
		}
}
END_TEST

/* --- the diagnostic's phrases in one pass ------------------------------ */

/* scan_diag_phrases() then scan_remote_mta_m() and scan_cmd_phrase_m()
 * (one pass over a diagnostic for both) answer as scan_remote_mta() and
 * scan_cmd_phrase() (each its own set), at every level. */
START_TEST(test_diag_phrases_as_each)
{
	static const char *const words[] = {
		"remote host ", "while talking to ", "host: ", "host ",
		"server ", "connect to ", "end of data", "final data",
		"in reply to data", "sent the message", "rcpt to", "rcpt_to",
		"does not like recipient", "mail from", "sender was rejected",
		"initial connection", "my name was rejected", "mx.example.org",
		"a.b", "[10.0.0.1]", NULL
	};
	static char buf[600];
	int lv[3], nlv = set_levels(lv), l;
	size_t len, t;

	for (l = 0; l < nlv; l++) {
		ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
		for (len = 0; len <= 300; len += 1 + len / 16)
			for (t = 0; t < 60; t++) {
				char *s = malloc(len + 1), h1[64], h2[64];
				uint64_t mta, cmd;
				size_t n;
				int r1, r2;
				ck_assert_ptr_nonnull(s);
				fill(buf, len, words);
				memcpy(s, buf, len);
				s[len] = '\0';
				n = strlen(s);	/* up to a NUL of the fill */
				scan_diag_phrases(s, n, &mta, &cmd);
				r1 = scan_remote_mta(s, h1, sizeof(h1));
				r2 = scan_remote_mta_m(s, h2, sizeof(h2), mta);
				ck_assert_int_eq(r1, r2);
				if (r1)
					ck_assert_str_eq(h1, h2);
				ck_assert_ptr_eq(scan_cmd_phrase(s, n),
				    scan_cmd_phrase_m(s, n, cmd));
				free(s);
			}
	}
}
END_TEST

/* --- the first line that starts like a DSN field ------------------------ */

static const char *
ref_dsn_line(const char *t, size_t len)
{
	static const char *const f[] = {
		"reporting-mta:", "final-recipient:", "original-recipient:"
	};
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (i > 0 && t[i - 1] != '\n')
			continue;
		for (k = 0; k < 3; k++)
			if (len - i > strlen(f[k]) &&
			    ref_eq(t + i, f[k], strlen(f[k])))
				return t + i;
	}
	return NULL;
}

/* scan_dsn_line() (AVX2, SSE2 and byte by byte) against the plain loop:
 * lines that start with the fields, parts of them, 'r', 'f' and 'o', at
 * every length up to a few hundred bytes, at every level. */
START_TEST(test_dsn_line_plain_loop)
{
	static const char *const words[] = {
		"\nReporting-MTA: dns; x", "\nfinal-recipient:", "\nFINAL-RECIP",
		"\nOriginal-Recipient:", "\nr", "\nf", "\no", "\n\n",
		"original", NULL
	};
	int lv[3], nlv = set_levels(lv), l;
	size_t len, t;

	for (l = 0; l < nlv; l++) {
		ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
		for (len = 0; len <= 400; len += 1 + len / 32)
			for (t = 0; t < 80; t++) {
				char *s = malloc(len + 1);
				size_t k;
				ck_assert_ptr_nonnull(s);
				fill(s, len, words);
				/* often a field line, whole or cut, somewhere */
				if (len > 20 && (rnd() & 1)) {
					const char *w = words[rnd() % 4];
					size_t at = rnd() % (len - 20);
					for (k = 0; w[k] != '\0' && at + k < len; k++)
						s[at + k] = w[k];
				}
				ck_assert_ptr_eq(scan_dsn_line(s, len),
				    ref_dsn_line(s, len));
				free(s);
			}
	}
}
END_TEST

/* --- the split ---------------------------------------------------------- */

/* One line as scan_doc_init() must give it: t[0..len) up to its '\n'
 * (*next after it), an '@' anywhere in it, without its '\r' and "> "
 * quotes, trimmed. */
static void
ref_line(const char *t, const char *end, scan_line *l, const char **next)
{
	const char *e = memchr(t, '\n', (size_t)(end - t));
	size_t len = e != NULL ? (size_t)(e - t) : (size_t)(end - t);
	const char *s = t;

	*next = e != NULL ? e + 1 : end;
	l->at = memchr(t, '@', len) != NULL;
	if (len > 0 && t[len - 1] == '\r')
		len--;
	while (len > 0 && *s == '>' && (len == 1 || s[1] == ' ')) {
		s += len == 1 ? 1 : 2;
		len -= len == 1 ? 1 : 2;
	}
	l->s = s;
	l->len = len;
	while (len > 0 && (*s == ' ' || (*s >= '\t' && *s <= '\r'))) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' ||
	    (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
		len--;
	l->t = s;
	l->tlen = len;
}

/* scan_doc_init() of s[0..len) at the current level, checked line by line
 * against ref_line() up to its cut; d is left for the caller to free. */
static void
split_check(scan_doc *d, const char *s, size_t len)
{
	static const bt_caps caps0 = { .max_field = 1024 };
	static scan_input in;
	const char *t = s, *next;
	size_t i, nat = 0;

	memset(&in, 0, sizeof(in));
	in.text = s;
	in.len = len;
	ck_assert_int_eq(scan_doc_init(d, &in, &caps0, NULL), 0);
	ck_assert(d->cut <= d->nline);
	ck_assert(d->cut == d->nline || d->cut == d->nline - 1);
	for (i = 0; i < d->nline; i++) {
		scan_line r;
		ref_line(t, s + len, &r, &next);
		ck_assert_ptr_eq(d->line[i].s, r.s);
		ck_assert_uint_eq(d->line[i].len, r.len);
		ck_assert_uint_eq(d->line[i].tlen, r.tlen);
		if (r.tlen > 0)	/* a blank line's t is not read */
			ck_assert_ptr_eq(d->line[i].t, r.t);
		ck_assert_int_eq(d->line[i].at, r.at);
		if (r.at && nat < SCAN_ATS0)
			ck_assert_uint_eq(d->atl[nat++], i);
		t = next;
	}
	ck_assert_ptr_eq(d->after, t);
	ck_assert_uint_eq(d->nat, nat);
	if (d->cut == d->nline)	/* no cut: the whole text */
		ck_assert_ptr_eq(t, s + len);
}

/* scan_doc_init() at every level the CPU has (the AVX2 split, the SSE2 or
 * plain one) against the plain split, on texts of short lines, '\r',
 * '>' quotes, blanks and '@' around the 16- and 32-byte edges, with cut
 * lines now and then: the same lines, the same cut. */
START_TEST(test_split_plain_loop)
{
	static const char *const words[] = {
		"\n", "\n", "\r\n", "> ", ">", "@", " @", "\t", "  ", "x@y.zz",
		"\n----- Original message -----\n", "\nReceived: from x\n",
		"\n| this is a copy of the message\n", "\nReturned mail",
		"abc", "Thi", NULL
	};
	int lv[3], nlv = set_levels(lv), l;
	size_t len, t, i;

	for (len = 0; len <= 300; len += 1 + len / 40)
		for (t = 0; t < 60; t++) {
			char *s = malloc(len + 1);
			size_t cut = 0, nline = 0;
			ck_assert_ptr_nonnull(s);
			fill(s, len, words);
			for (l = 0; l < nlv; l++) {
				scan_doc d;
				ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
				split_check(&d, s, len);
				if (l == 0) {
					cut = d.cut;
					nline = d.nline;
				}
				ck_assert_uint_eq(d.cut, cut);
				ck_assert_uint_eq(d.nline, nline);
				scan_doc_free(&d);
			}
			free(s);
		}
	/* every way a line can start a returned message is still found
	 * (the table of first bytes, scan_cut_first_ok()) */
	ck_assert_int_eq(scan_cut_first_ok(), 1);
	{
		static const char *const cuts[] = {
			"Received: from x", "return-path: <a@b.cc>",
			"DKIM-Signature: v=1", "X-Received: by x",
			"ARC-Seal: i=1", "Delivered-To: a@b.cc",
			"----- Original message -----",
			"=== Below this line is a copy of the message",
			"| Original message follows",
			"  Unsent message follows", "Message text follows",
			"Included is a copy of the message header",
			"THE ORIGINAL MESSAGE HEADERS ARE INCLUDED",
			"Content-Type: message/rfc822",
			"> ------ This is a copy of the message, including",
			NULL
		};
		for (l = 0; l < nlv; l++) {
			ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
			for (i = 0; cuts[i] != NULL; i++) {
				char buf[200];
				scan_doc d;
				snprintf(buf, sizeof(buf), "Hello.\n\n%s\nx\n",
				    cuts[i]);
				split_check(&d, buf, strlen(buf));
				ck_assert_msg(d.cut == 2, "no cut at \"%s\"",
				    cuts[i]);
				scan_doc_free(&d);
			}
		}
	}
}
END_TEST

/* scan_denoise() keeps the codes found in a text only when it leaves the
 * text as it was: here the noise sentence parts "(550" from the words
 * after it, and only then is 550 a reply code. */
START_TEST(test_denoise_keeps_codes)
{
	scan_buf b;
	char rc[4];
	const char *t = "Refused (550I'm not going to try again; this message "
	    "has been in the queue too long. user unknown)";

	memset(&b, 0, sizeof(b));
	b.cap = 1024;
	scan_buf_add(&b, t, strlen(t));
	ck_assert_int_eq(scan_buf_reply(&b, rc), 0);
	scan_denoise(&b);
	ck_assert_str_eq(b.p, "Refused (550 user unknown)");
	ck_assert_int_eq(scan_buf_reply(&b, rc), 1);
	ck_assert_str_eq(rc, "550");
	scan_buf_free(&b);
	/* nothing to drop: the codes found before are still right */
	scan_buf_add(&b, "Refused (550 user unknown)", 26);
	ck_assert_int_eq(scan_buf_reply(&b, rc), 1);
	scan_denoise(&b);
	ck_assert_int_eq(b.codes & 3, 3);
	ck_assert_int_eq(scan_buf_reply(&b, rc), 1);
	ck_assert_str_eq(rc, "550");
	scan_buf_free(&b);
}
END_TEST

/* scan_addr_at() is scan_addr_find() at offset 0: on strings of address
 * bytes, dots, '@', quotes and the bytes around them, long labels and
 * long addresses, both answer alike. */
START_TEST(test_addr_at_as_find)
{
	static const char *const words[] = {
		"a", "b.", ".", "-", "@", "@@", "\"", "\"q\"@", "<", ">", " ",
		"x_y", "+", "example.com", "co", "1", "..", "a@b.cc",
		"\"a b\"@x.org", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		NULL
	};
	size_t len, t;

	for (len = 0; len <= 300; len += 1 + len / 20)
		for (t = 0; t < 400; t++) {
			char *s = malloc(len + 1);
			size_t off = 0, n = 0, want;
			size_t i, nw = sizeof(words) / sizeof(words[0]) - 1;
			ck_assert_ptr_nonnull(s);
			/* whole words, so that addresses form often */
			for (i = 0; i < len;) {
				const char *w = words[rnd() % nw];
				while (*w != '\0' && i < len)
					s[i++] = *w++;
			}
			s[len] = '\0';
			want = scan_addr_find(s, len, &off, &n) && off == 0 ?
			    n : 0;
			ck_assert_msg(scan_addr_at(s, s + len) == want,
			    "\"%s\": %zu, not %zu", s, scan_addr_at(s,
			    s + len), want);
			free(s);
		}
	/* around the longest address taken (SCAN_MAX_ADDR) */
	for (len = SCAN_MAX_ADDR - 8; len <= SCAN_MAX_ADDR + 8; len++) {
		char buf[SCAN_MAX_ADDR + 40];
		size_t off = 0, n = 0, want;
		memset(buf, 'a', len - 6);
		memcpy(buf + len - 6, "@ab.cd x", 9);
		want = scan_addr_find(buf, len + 2, &off, &n) && off == 0 ?
		    n : 0;
		ck_assert_uint_eq(want, len <= SCAN_MAX_ADDR ? len : 0);
		ck_assert_uint_eq(scan_addr_at(buf, buf + len + 2), want);
	}
}
END_TEST

/* scan_buf_add() as the comment above it says, byte by byte: trimmed,
 * one space between the texts, runs of blanks (white space and NUL) made
 * one space, cut where the cap is reached. */
static void
ref_buf_add(char *p, size_t *plen, int *trunc, size_t cap, const char *s,
    size_t len)
{
	size_t i, j, k;
	int sp;

#define REF_SP(c)	((c) == ' ' || ((c) >= '\t' && (c) <= '\r'))
#define REF_BL(c)	(REF_SP(c) || (c) == '\0')
	while (len > 0 && REF_SP(*s)) {
		s++;
		len--;
	}
	while (len > 0 && REF_SP(s[len - 1]))
		len--;
	if (len == 0 || *trunc)
		return;
	sp = *plen > 0;
	for (i = 0; i < len; i = j) {
		if (REF_BL(s[i])) {
			sp = 1;
			j = i + 1;
			continue;
		}
		for (j = i; j < len && !REF_BL(s[j]); j++)
			;
		if (*plen + (size_t)sp + 1 > cap) {
			*trunc = 1;
			break;
		}
		if (sp)
			p[(*plen)++] = ' ';
		sp = 0;
		k = j - i < cap - *plen ? j - i : cap - *plen;
		memcpy(p + *plen, s + i, k);
		*plen += k;
		if (k < j - i) {
			*trunc = 1;
			break;
		}
	}
	p[*plen] = '\0';
#undef REF_SP
#undef REF_BL
}

/* scan_buf_add() against ref_buf_add(): texts of words, single and
 * double blanks of every kind, NULs, at every length up to 80 (in an
 * exact-size malloc()), appended a few at a time under caps small and
 * large. */
START_TEST(test_buf_add_plain_loop)
{
	static const char *const words[] = {
		"ab", "cde", " ", " ", "\t", "\n", "\r", "\v\f", "x y", NULL
	};
	static const size_t caps[] = { 5, 17, 33, 40, 100, 1024 };
	size_t c, t, n, len;

	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
		for (t = 0; t < 300; t++) {
			scan_buf b;
			char ref[1100];
			size_t rlen = 0;
			int rtrunc = 0;

			memset(&b, 0, sizeof(b));
			b.cap = caps[c];
			for (n = 0; n < 4; n++) {
				char *s;
				len = rnd() % 81;
				s = malloc(len + 1);
				ck_assert_ptr_nonnull(s);
				fill(s, len, words);
				if (len > 0 && rnd() % 4 == 0)
					s[rnd() % len] = '\0';
				scan_buf_add(&b, s, len);
				ref_buf_add(ref, &rlen, &rtrunc, caps[c], s, len);
				free(s);
				ck_assert_uint_eq(b.len, rlen);
				ck_assert_int_eq(b.trunc, rtrunc);
				if (rlen > 0)
					ck_assert(memcmp(b.p, ref, rlen + 1) == 0);
			}
			scan_buf_free(&b);
		}
}
END_TEST

/* scan_reply_code() and scan_status_code() as plain loops over every
 * position: the rules of scan_code.c, written out. */
static int
ref_reply_code(const char *s, char out[4])
{
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (p[0] < '2' || p[0] > '5' || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.' ||
		    p[-1] == '-' || p[-1] == '=' || p[-1] == '/'))
			continue;
		if (p > s && p[-1] == '#' && p[3] != ' ')
			continue;
		if (p[3] != '\0' && strchr(" -])',\";:", p[3]) == NULL)
			continue;
		if (p[3] == '-' && !isdigit((unsigned char)p[4]) &&
		    !isspace((unsigned char)p[4]) && p[4] != '\0' &&
		    p[4] != '\'' && !isalpha((unsigned char)p[4]))
			continue;
		if (p[3] == ':' && isdigit((unsigned char)p[4]))
			continue;
		memcpy(out, p, 3);
		out[3] = '\0';
		return 1;
	}
	return 0;
}

static int
ref_status_code(const char *s, char out[16])
{
	const char *p, *q;

	for (p = s; *p != '\0'; p++) {
		size_t n1 = 0, n2 = 0;
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		for (q = p + 2; isdigit((unsigned char)*q) && n1 < 4; q++)
			n1++;
		if (n1 == 0 || n1 > 3 || *q != '.')
			continue;
		q++;
		while (isdigit((unsigned char)q[n2]) && n2 < 4)
			n2++;
		if (n2 == 0 || n2 > 3)
			continue;
		q += n2;
		if ((*q == '.' && isdigit((unsigned char)q[1])) ||
		    isalnum((unsigned char)*q))
			continue;
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		return 1;
	}
	return 0;
}

/* The two against the plain loops on texts of digits, dots and the bytes
 * around codes, codes near the end of texts of every length up to 100
 * (exact-size malloc(): the NUL is the last byte). */
START_TEST(test_codes_plain_loop)
{
	static const char *const words[] = {
		"550", "5.1.1", "4.", "2", "3", "25", "0123456789", "...",
		" ", "-", ":", "#", "]", "x", "'", "=", "/", "192.0.2.1", NULL
	};
	size_t len, t;

	for (len = 0; len <= 100; len++)
		for (t = 0; t < 300; t++) {
			char *s = malloc(len + 1);
			char a[16], b[16];
			int ra, rb;
			ck_assert_ptr_nonnull(s);
			fill(s, len, words);
			s[len] = '\0';
			ra = scan_reply_code(s, a);
			rb = ref_reply_code(s, b);
			ck_assert_int_eq(ra, rb);
			if (ra)
				ck_assert_str_eq(a, b);
			ra = scan_status_code(s, a);
			rb = ref_status_code(s, b);
			ck_assert_int_eq(ra, rb);
			if (ra)
				ck_assert_str_eq(a, b);
			free(s);
		}
}
END_TEST

/* scan_alpha_end() against the plain walk, on letters of both cases,
 * their neighbours under | 0x20 ('@', '[', '`', '{') and high bytes, at
 * every length up to 60 and every start. */
START_TEST(test_alpha_end_plain_loop)
{
	static const char *const words[] = {
		"abcdefghij", "XYZ", "@", "[", "`", "{", "\xc1", " ", "z", "A",
		NULL
	};
	size_t len, t, k;

	for (len = 0; len <= 60; len++)
		for (t = 0; t < 200; t++) {
			char *s = malloc(len + 1);
			ck_assert_ptr_nonnull(s);
			fill(s, len, words);
			for (k = 0; k <= len; k++) {
				const char *w = s + k;
				while (w < s + len && ((*w | 0x20) >= 'a' &&
				    (*w | 0x20) <= 'z'))
					w++;
				ck_assert_ptr_eq(scan_alpha_end(s + k, s + len), w);
			}
			free(s);
		}
}
END_TEST

static Suite *
search_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("core");
	int lv[3], n = set_levels(lv), i;

	printf("phrase sets tested at levels");	/* which paths ran */
	for (i = 0; i < n; i++)
		printf(" %d", lv[i]);
	printf(" (2 AVX2, 1 SSSE3, 0 skip loop)\n");
	tcase_set_timeout(tc, 60);

	tcase_add_test(tc, test_find_matches_plain_loop);
	tcase_add_test(tc, test_find_by_rare_byte);
	tcase_add_test(tc, test_find_edges);
	tcase_add_test(tc, test_set_matches_plain_loop);
	tcase_add_test(tc, test_set_many_phrases);
	tcase_add_test(tc, test_set_long_and_few);
	tcase_add_test(tc, test_prefixes_first_in_list);
	tcase_add_test(tc, test_diag_phrases_as_each);
	tcase_add_test(tc, test_dsn_line_plain_loop);
	tcase_add_test(tc, test_split_plain_loop);
	tcase_add_test(tc, test_denoise_keeps_codes);
	tcase_add_test(tc, test_addr_at_as_find);
	tcase_add_test(tc, test_buf_add_plain_loop);
	tcase_add_test(tc, test_codes_plain_loop);
	tcase_add_test(tc, test_alpha_end_plain_loop);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(search_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
