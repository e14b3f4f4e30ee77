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
 * SSE2 against a plain loop); and the case-insensitive comparison eight
 * bytes at a time (scan_eq_fold_long()).
 */
#include <check.h>
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

/* --- random texts: rnd(), fill() ------------------------------------ */

#include "randtext.h"

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

/* scan_eq_fold_long() (eight bytes at a time, folded by scan_fold8())
 * against the plain loop: every byte value against its cases and
 * neighbours at every offset of strings up to 40 bytes, and random ones. */
START_TEST(test_eq_fold_long_plain_loop)
{
	char a[48], b[48];
	unsigned c, k;
	size_t n, i, t;

	for (c = 0; c < 256; c++)
		for (n = 1; n <= 40; n += 3)
			for (i = 0; i < n; i++) {
				static const int dv[] = { 0, 0x20, -0x20, 1,
				    -1, 0x80 };
				for (k = 0; k < sizeof(dv) / sizeof(dv[0]); k++) {
					memset(a, 'q', n);
					memset(b, 'Q', n);
					a[i] = (char)c;
					b[i] = (char)(unsigned char)(c + (unsigned)dv[k]);
					ck_assert_int_eq(scan_eq_fold_long(a, b, n),
					    ref_eq(a, b, n));
					ck_assert_int_eq(scan_eq_fold_long(b, a, n),
					    ref_eq(b, a, n));
				}
			}
	for (t = 0; t < 20000; t++) {
		n = rnd() % 41;
		for (i = 0; i < n; i++) {
			a[i] = (char)rnd();
			b[i] = (rnd() % 4) ? (char)(a[i] ^ (rnd() & 1 ? 0x20 :
			    0)) : (char)rnd();
		}
		ck_assert_int_eq(scan_eq_fold_long(a, b, n), ref_eq(a, b, n));
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
	tcase_add_test(tc, test_eq_fold_long_plain_loop);
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
