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
 */
#include <check.h>
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

START_TEST(test_set_matches_plain_loop)
{
	char buf[96];
	size_t len, tries, k, i;

	for (len = 0; len <= 90; len++)
		for (tries = 0; tries < 60; tries++) {
			uint64_t want = 0;
			const char *at = NULL, *wat = NULL;
			int wfirst = -1, got;

			fill(buf, len, phrases);
			for (k = 0; phrases[k] != NULL; k++)
				if (ref_find(buf, len, phrases[k], strlen(phrases[k])))
					want |= (uint64_t)1 << k;
			/* first: the earliest position, then the lowest index */
			for (i = 0; i < len && wfirst < 0; i++)
				for (k = 0; phrases[k] != NULL; k++) {
					size_t n = strlen(phrases[k]);
					if (i + n <= len && ref_eq(buf + i, phrases[k], n)) {
						wfirst = (int)k;
						wat = buf + i;
						break;
					}
				}
			ck_assert_uint_eq(scan_set_mask(&pset, buf, len), want);
			got = scan_set_find(&pset, buf, len, &at);
			ck_assert_int_eq(got, wfirst);
			if (got >= 0)
				ck_assert_ptr_eq(at, wat);
		}
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

static Suite *
search_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_find_matches_plain_loop);
	tcase_add_test(tc, test_find_by_rare_byte);
	tcase_add_test(tc, test_find_edges);
	tcase_add_test(tc, test_set_matches_plain_loop);
	tcase_add_test(tc, test_prefixes_first_in_list);
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
