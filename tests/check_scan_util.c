/*
 * check_scan_util.c - the scanner's line and text helpers against plain
 * loops that say what they mean: the split of a text into lines
 * (scan_doc_init(), its AVX2 and SSE2 copies, and the table of the bytes
 * that start a cut line), the address at the start of a line
 * (scan_addr_at(), as scan_addr_find() at offset 0), the capped string
 * builder (scan_buf_add(), 16 bytes at a time), the reply and status
 * codes (scan_reply_code(), scan_status_code(), 16 positions at a time),
 * the end of a line's first word (scan_alpha_end()) and the codes a
 * diagnostic keeps through scan_denoise().
 *
 * Texts are made at random (fixed seed) from pieces that make the cases
 * (blanks, quotes, '@', codes near a text's end), at every length up to a
 * few hundred bytes, in exact-size malloc() (ASan sees a read past the
 * end).  Each vector path is checked at every level the CPU has, and a
 * build without SSE2 checks the portable paths.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/* --- random texts: rnd(), fill() ------------------------------------ */

#include "randtext.h"

/* --- levels ----------------------------------------------------------- */

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
	 * (the bitmap of first four bytes, scan_cut_keys_ok()) */
	ck_assert_int_eq(scan_cut_keys_ok(), 1);
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
	/* many blanks side by side; then words with single blanks, which
	 * take the 16- and 32-byte steps (AVX2: scan_teddy_force(2)) */
	static const char *const words1[] = {
		"ab", "cde", " ", " ", "\t", "\n", "\r", "\v\f", "x y", NULL
	};
	static const char *const words2[] = {
		"abc", "de ", "f ", "ghij", "k\tl", "mn", " o", NULL
	};
	const char *const *wl[2] = { words1, words2 };
	static const size_t caps[] = { 5, 17, 33, 34, 40, 65, 100, 1024 };
	int lv[3], nlv = set_levels(lv), l, w;
	size_t c, t, n, len;

	for (l = 0; l < nlv; l++)
	for (w = 0; w < 2; w++)
	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
		for (t = 0; t < 300; t++) {
			scan_buf b;
			char ref[1100];
			size_t rlen = 0;
			int rtrunc = 0;

			ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
			memset(&b, 0, sizeof(b));
			b.cap = caps[c];
			for (n = 0; n < 4; n++) {
				char *s;
				len = rnd() % 121;
				s = malloc(len + 1);
				ck_assert_ptr_nonnull(s);
				fill(s, len, wl[w]);
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
	/* codes and their near misses everywhere; then prose with a few,
	 * which the 16- and 32-byte steps pass over (scan_teddy_force()) */
	static const char *const words1[] = {
		"550", "5.1.1", "4.", "2", "3", "25", "0123456789", "...",
		" ", "-", ":", "#", "]", "x", "'", "=", "/", "192.0.2.1", NULL
	};
	static const char *const words2[] = {
		"the ", "user ", "unknown", " 550 ", "4.2.2", "x", "mailbox ",
		"is full", "1999", "9.9", ", ", NULL
	};
	const char *const *wl[2] = { words1, words2 };
	int lv[3], nlv = set_levels(lv), l, w;
	size_t len, t;

	for (l = 0; l < nlv; l++)
	for (w = 0; w < 2; w++)
	for (len = 0; len <= 100; len++)
		for (t = 0; t < 150; t++) {
			char *s = malloc(len + 1);
			char a[16], b[16];
			int ra, rb;
			ck_assert_int_eq(scan_teddy_force(lv[l]), lv[l]);
			ck_assert_ptr_nonnull(s);
			fill(s, len, wl[w]);
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
/* scan_skip_lead() (scan_find.c) tells a reply code at a line's lead by
 * its four bytes, a digit first and ' ' or '-' fourth, without
 * scan_reply_code() of them: the same answer for every such four. */
START_TEST(test_lead_code_as_reply_code)
{
	unsigned a, b, c, k;

	for (a = '0'; a <= '9'; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < 256; c++)
				for (k = 0; k < 2; k++) {
					char tmp[5], out[4];
					tmp[0] = (char)a;
					tmp[1] = (char)b;
					tmp[2] = (char)c;
					tmp[3] = k ? '-' : ' ';
					tmp[4] = '\0';
					ck_assert_int_eq(scan_reply_code(tmp, out),
					    a >= '2' && a <= '5' &&
					    SCAN_IS_DIGIT(b) && SCAN_IS_DIGIT(c));
				}
}
END_TEST

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
scan_util_suite(void)
{
	Suite *s = suite_create("scan_util");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_split_plain_loop);
	tcase_add_test(tc, test_denoise_keeps_codes);
	tcase_add_test(tc, test_addr_at_as_find);
	tcase_add_test(tc, test_buf_add_plain_loop);
	tcase_add_test(tc, test_codes_plain_loop);
	tcase_add_test(tc, test_alpha_end_plain_loop);
	tcase_add_test(tc, test_lead_code_as_reply_code);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scan_util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
