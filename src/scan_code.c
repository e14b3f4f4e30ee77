/*
 * scan_code.c - what a line or a diagnostic of a bounce says: its SMTP
 * reply code, its enhanced status code, the remote host that replied,
 * whether it reads as an error or a failure, the SMTP command it names.
 *
 * Memory: nothing is allocated; results are copied into the caller's
 * fixed-size buffers.
 */
#include <ctype.h>
#include <string.h>

#include "scan_int.h"

#ifdef __SSE2__
#include <emmintrin.h>

/* Bits of the bytes of x in lo..lo+n (n < 128). */
static unsigned
scan_code_range(__m128i x, char lo, char n)
{
	__m128i d = _mm_sub_epi8(x, _mm_set1_epi8(lo));

	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_min_epu8(d, _mm_set1_epi8(n)), d));
}

/* The candidates among the 16 positions at p (p[0..18) is read). */
static inline unsigned
scan_code_block(const char *p, int status)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));

	if (status)
		return (scan_code_range(a, '2', 3) & ~(unsigned)
		    _mm_movemask_epi8(_mm_cmpeq_epi8(a,
		    _mm_set1_epi8('3')))) & (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(b, _mm_set1_epi8('.')));
	return scan_code_range(a, '2', 3) & scan_code_range(b, '0', 9) &
	    scan_code_range(_mm_loadu_si128((const __m128i *)(const void *)
	    (p + 2)), '0', 9);
}
#endif

#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define SCAN_CODE_AVX2 1	/* the AVX2 copies, chosen at run time */
#include <immintrin.h>

__attribute__((target("avx2"))) static inline unsigned
scan_code_range32(__m256i x, char lo, char n)
{
	__m256i d = _mm256_sub_epi8(x, _mm256_set1_epi8(lo));

	return (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
	    _mm256_min_epu8(d, _mm256_set1_epi8(n)), d));
}

/* As scan_code_block(), 32 positions (p[0..34) is read). */
__attribute__((target("avx2"))) static inline unsigned
scan_code_block32(const char *p, int status)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
	__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)
	    (p + 1));

	if (status)
		return (scan_code_range32(a, '2', 3) & ~(unsigned)
		    _mm256_movemask_epi8(_mm256_cmpeq_epi8(a,
		    _mm256_set1_epi8('3')))) & (unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(b, _mm256_set1_epi8('.')));
	return scan_code_range32(a, '2', 3) & scan_code_range32(b, '0', 9) &
	    scan_code_range32(_mm256_loadu_si256((const __m256i *)
	    (const void *)(p + 2)), '0', 9);
}
#endif

/*
 * The first position >= i of s[0..len) where a code can start: a digit
 * 2-5 (reply) followed by two digits, or a digit 2, 4 or 5 (status)
 * followed by '.'; len when none.  Sixteen positions at a time (the bytes
 * after them are read only when they are in s, its NUL included), the
 * last ones too when s is 17 bytes long at least; what it passes over
 * fails the first test of the scans below anyway, and they test the
 * position it gives again.
 */
static inline __attribute__((always_inline)) size_t
scan_code_next(const char *s, size_t i, size_t len, int status, int wide)
{
#ifdef __SSE2__
	unsigned m;

#ifdef SCAN_CODE_AVX2
	/* the AVX2 copies (wide): 32 positions a step first */
	for (; wide && i + 32 + 2 <= len; i += 32)
		if ((m = scan_code_block32(s + i, status)) != 0)
			return i + (size_t)__builtin_ctz(m);
#endif
	for (; i + 16 + 2 <= len; i += 16)
		if ((m = scan_code_block(s + i, status)) != 0)
			return i + (size_t)__builtin_ctz(m);
	/* The last positions (i >= len - 17): the block of the 16 that
	 * end at len - 2, its bytes up to the NUL at len read, less those
	 * before i.  Position len - 1 starts no code (the byte after it is
	 * the NUL).  A shorter text is left to the scans, position by
	 * position. */
	if (len >= 17 && i < len) {
		size_t q = len - 17;
		m = scan_code_block(s + q, status) >> (i - q);
		return m != 0 ? i + (size_t)__builtin_ctz(m) : len;
	}
#else
	(void)status;
#endif
	(void)wide;
	return i < len ? i : len;
}

/* First SMTP reply code 2xx-5xx standing alone ("550 ", "550-", "550\0",
 * "550]"), not part of a number, an IP address or a status code. */
int
scan_reply_code(const char *s, char out[4])
{
	return scan_reply_code_n(s, strlen(s), out);
}

/* Written once for both ways (wide: the AVX2 copy); each copy has it in
 * line. */
static inline __attribute__((always_inline)) int
scan_reply_code_by(const char *s, size_t len, char out[4], int wide)
{
	size_t i;

	for (i = scan_code_next(s, 0, len, 0, wide); i < len;
	    i = scan_code_next(s, i + 1, len, 0, wide)) {
		const char *p = s + i;
		if (p[0] < '2' || p[0] > '5' || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.' ||
		    p[-1] == '-' || p[-1] == '=' || p[-1] == '/'))
			continue;
		if (p > s && p[-1] == '#' && p[3] != ' ')
			continue;	/* "#550 5.1.1" is Exchange's reply */
		if (p[3] != '\0' && p[3] != ' ' && p[3] != '-' && p[3] != ']' &&
		    p[3] != ')' && p[3] != '\'' && p[3] != ',' && p[3] != '"' &&
		    p[3] != ';' && p[3] != ':')
			continue;
		if (p[3] == '-' && !isdigit((unsigned char)p[4]) &&
		    !isspace((unsigned char)p[4]) && p[4] != '\0' &&
		    p[4] != '\'' && !isalpha((unsigned char)p[4]))
			continue;
		if (p[3] == ':' && isdigit((unsigned char)p[4]))
			continue;	/* a time of day */
		memcpy(out, p, 3);
		out[3] = '\0';
		return 1;
	}
	return 0;
}

/* First enhanced status code class.subject.detail, class 2, 4 or 5. */
int
scan_status_code(const char *s, char out[16])
{
	return scan_status_code_n(s, strlen(s), out);
}

static inline __attribute__((always_inline)) int
scan_status_code_by(const char *s, size_t len, char out[16], int wide)
{
	size_t i;

	for (i = scan_code_next(s, 0, len, 1, wide); i < len;
	    i = scan_code_next(s, i + 1, len, 1, wide)) {
		const char *p = s + i, *q;
		size_t n1 = 0, n2 = 0;
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		q = p + 2;
		while (isdigit((unsigned char)*q) && n1 < 4) {
			q++;
			n1++;
		}
		if (n1 == 0 || n1 > 3 || *q != '.')
			continue;
		q++;
		while (isdigit((unsigned char)q[n2]) && n2 < 4)
			n2++;
		if (n2 == 0 || n2 > 3)
			continue;
		q += n2;
		if (*q == '.' && isdigit((unsigned char)q[1]))
			continue;	/* an IP address or a version */
		if (isalnum((unsigned char)*q))
			continue;
		memcpy(out, p, (size_t)(q - p));
		out[q - p] = '\0';
		return 1;
	}
	return 0;
}

#ifdef SCAN_CODE_AVX2
__attribute__((target("avx2"))) static int
scan_reply_code_avx2(const char *s, size_t len, char out[4])
{
	return scan_reply_code_by(s, len, out, 1);
}

__attribute__((target("avx2"))) static int
scan_status_code_avx2(const char *s, size_t len, char out[16])
{
	return scan_status_code_by(s, len, out, 1);
}
#endif

/* The AVX2 copies where the CPU has them (scan_teddy_level() 2): the
 * same codes either way. */
int
scan_reply_code_n(const char *s, size_t len, char out[4])
{
#ifdef SCAN_CODE_AVX2
	if (scan_teddy_level() >= 2)
		return scan_reply_code_avx2(s, len, out);
#endif
	return scan_reply_code_by(s, len, out, 0);
}

int
scan_status_code_n(const char *s, size_t len, char out[16])
{
#ifdef SCAN_CODE_AVX2
	if (scan_teddy_level() >= 2)
		return scan_status_code_avx2(s, len, out);
#endif
	return scan_status_code_by(s, len, out, 0);
}

/* The host that replied: "host NAME[ip] said", "host NAME [ip]:",
 * "remote host NAME said", "while talking to NAME:", "Server NAME[ip]",
 * "SMTP Server <NAME>", "host: NAME", "connect to NAME[ip]:25". */
#define SCAN_MTA_LIST(X) \
	X("remote host ") X("while talking to ") X("host: ") X("host ") \
	X("server ") X("connect to ")
#define SCAN_MTA_STR(s)		s,
#define SCAN_MTA_LEN(s)		sizeof(s) - 1,
#define SCAN_MTA_INTROS		SCAN_MTA_LIST(SCAN_MTA_STR)
#define SCAN_MTA_N	6
static const char *const scan_mta_intro[] = { SCAN_MTA_INTROS NULL };
/* their lengths, made from the same list */
static const size_t scan_mta_len[SCAN_MTA_N] = { SCAN_MTA_LIST(SCAN_MTA_LEN) };
static scan_set scan_mta_set = SCAN_SET(scan_mta_intro);

int
scan_remote_mta(const char *s, char *out, size_t outlen)
{
	return scan_remote_mta_m(s, out, outlen, scan_set_mask(&scan_mta_set,
	    s, strlen(s)));
}

/* any: the intros that s has (bit i: scan_mta_intro[i]). */
int
scan_remote_mta_m(const char *s, char *out, size_t outlen, uint64_t any)
{
	const char *e;
	size_t i;

	if (any == 0)
		return 0;	/* most texts: no intro, no host */
	e = s + strlen(s);
	/* only the intros there are looked for in turn (the first intro
	 * of the list that gives a host wins) */
	for (i = 0; any != 0 && scan_mta_intro[i] != NULL; i++) {
		const char *p = s;
		if (!(any & ((uint64_t)1 << i)))
			continue;
		while ((p = scan_find_n(p, (size_t)(e - p), scan_mta_intro[i],
		    scan_mta_len[i])) != NULL) {
			const char *h = p + scan_mta_len[i];
			size_t n = 0;
			if (p > s && isalnum((unsigned char)p[-1])) {
				p++;
				continue;
			}
			if (*h == '<')
				h++;
			while (h[n] && (isalnum((unsigned char)h[n]) ||
			    h[n] == '.' || h[n] == '-' || h[n] == '_'))
				n++;
			while (n > 0 && h[n - 1] == '.')
				n--;
			if (n >= 3 && memchr(h, '.', n) != NULL &&
			    n < outlen) {
				memcpy(out, h, n);
				out[n] = '\0';
				return 1;
			}
			p++;
		}
	}
	return 0;
}

/* Can s hold a reply code or a status code?  Both start with a digit 2 to
 * 5: most lines of prose have none, and strpbrk() finds that out faster
 * than the two scans would. */
static int
scan_has_codes(const char *s)
{
	return strpbrk(s, "2345") != NULL;
}

/* Does a sentence that names an address say that delivery to it failed?
 * Stricter than scan_is_error_text(): used where any address in any mail
 * would otherwise do (a line of prose naming the recipient). */
static const char *const scan_failure_words[] = {
	"unknown", "not found", "no such", "rejected", "refused",
	"denied", "invalid", "not exist", "doesn't exist", "full",
	"quota", "failed", "failure", "not be delivered",
	"not delivered", "wasn't delivered", "undeliverable",
	"unable to deliver", "could not deliver", "couldn't deliver",
	"error delivering", "blocked", "disabled", "suspended",
	"expired", "not a member", "bounced", "exceeds", "exceeded",
	"not accept", "unrouteable", "not listed", "locked",
	"malformed", "permission", "not reachable", "unreachable",
	NULL
};
static scan_set scan_failure_set = SCAN_SET(scan_failure_words);

/* A reply or status code in s, or one of the words of set. */
static int
scan_has_code_or_word(const char *s, scan_set *set)
{
	char c[4], st[16];
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = strlen(s);
	if (scan_has_codes(s) && (scan_reply_code_n(s, n, c) ||
	    scan_status_code_n(s, n, st)))
		return 1;
	return scan_set_find(set, s, n, NULL) >= 0;
}

int
scan_is_failure_text(const char *s)
{
	return scan_has_code_or_word(s, &scan_failure_set);
}

/* Does the text look like an error (a code, or a typical word)? */
static const char *const scan_error_words[] = {
	"unknown", "not found", "no such", "rejected", "refused",
	"denied", "invalid", "does not exist", "doesn't exist", "full",
	"quota", "failed", "error", "not accept", "blocked", "disabled",
	"unavailable", "timed out", "timeout", "not allowed", "exceed",
	"too ", "spam", "policy", "unrouteable", "not listed",
	"suspend", "inactive", "expired", "lookup", "loop", "virus",
	"not permitted", "blacklist", "blocklist", "deferred",
	"not valid", "deactivated", "unable", "cannot", "can't",
	"retry", "relay", "mailbox", "user", "host", "domain",
	"not be delivered", "undeliverable", "could not", "couldn't",
	"wasn't delivered", "not delivered", "not a member",
	"malformed", "syntax", "locked", "bounce", "permission",
	"not exist",
	NULL
};
static scan_set scan_error_set = SCAN_SET(scan_error_words);

int
scan_is_error_text(const char *s)
{
	return scan_has_code_or_word(s, &scan_error_set);
}

/* The SMTP command a sentence says the error came after. */
#define SCAN_CMD_WORDS \
	"end of data", "final data", "in reply to data", "sent the message", \
	"rcpt to", "rcpt_to", "does not like recipient", \
	"mail from", "sender was rejected", \
	"initial connection", \
	"my name was rejected"
static const char *const scan_cmd_words[] = { SCAN_CMD_WORDS, NULL };
static const char *const scan_cmd_of[] = {	/* by index in the list */
	"DATA", "DATA", "DATA", "DATA",
	"RCPT", "RCPT", "RCPT",
	"MAIL", "MAIL",
	"CONN",
	"HELO",
};
static scan_set scan_cmd_set = SCAN_SET(scan_cmd_words);

/* The command named first in s[0..len), or NULL. */
const char *
scan_cmd_phrase(const char *s, size_t len)
{
	int k = scan_set_find(&scan_cmd_set, s, len, NULL);

	return k >= 0 ? scan_cmd_of[k] : NULL;
}

/* The same, any: the command phrases s has (bit i: scan_cmd_words[i]).
 * Only one (most often): it is the first; else they are looked for. */
const char *
scan_cmd_phrase_m(const char *s, size_t len, uint64_t any)
{
	if (any == 0)
		return NULL;
	if ((any & (any - 1)) == 0)
		return scan_cmd_of[__builtin_ctzll(any)];
	return scan_cmd_phrase(s, len);
}

/* A diagnostic is asked both its remote host and its command: the
 * phrases of both in one set, found in one pass. */
static const char *const scan_diag_words[] = {
	SCAN_MTA_INTROS SCAN_CMD_WORDS, NULL
};
static scan_set scan_diag_set = SCAN_SET(scan_diag_words);

void
scan_diag_phrases(const char *s, size_t len, uint64_t *mta, uint64_t *cmd)
{
	uint64_t m = scan_set_mask(&scan_diag_set, s, len);

	*mta = m & (((uint64_t)1 << SCAN_MTA_N) - 1);
	*cmd = m >> SCAN_MTA_N;
}
