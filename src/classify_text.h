/*
 * classify_text.h - the text work of the classifier (private to classify.c
 * and classify_text.c): fold a diagnostic's white space, lowercase it, find
 * the status and reply codes it quotes, and strip the prefixes multi-line
 * replies repeat.  Plain C on caller-owned buffers; no state.
 */
#ifndef BT_CLASSIFY_TEXT_H
#define BT_CLASSIFY_TEXT_H

#include <stddef.h>

/* Copy text (NULL: empty) into buf with runs of white space folded to one
 * space and no space at either end, at most len-1 bytes, and the same
 * with ASCII letters lowercased into low (also len bytes); both are
 * NUL-terminated.  Returns the length. */
size_t classify_text_fold(const char *text, char *buf, char *low, size_t len);

/* The fold's vector code: level < 0 asks which is used (chosen once: 2
 * AVX2, 0 the SSE2 or plain code, also when the environment has
 * BOUNCETAG_NO_SIMD); else forces level, or the highest below it the CPU
 * has (tests), and returns it. */
int classify_text_simd(int level);

/* Codes in the text (len bytes, NUL-terminated): the first reply code followed by an enhanced code of
 * its class gives both (a later pair replaces a vague first one); else
 * the first reply code and the first enhanced code.  Either output may be
 * left empty.  *prefix: where the first "550-5.7.1 " prefix that
 * classify_text_strip_prefixes() removes starts (after a space), or len:
 * the same pass finds it. */
void classify_text_scan_codes(const char *text, size_t len, char *status, size_t slen,
			      char reply[4], size_t *prefix);

/* Remove the "550-5.7.1 " prefixes that multi-line replies repeat inside
 * text (all but a leading one), in place, and the same bytes from low
 * (text lowercased); first: the first one's index (scan_codes' *prefix;
 * len: none).  Returns the new length. */
size_t classify_text_strip_prefixes(char *text, char *low, size_t len, size_t first);

/* Mask the local parts of the addresses in text (and low, text lowercased),
 * in place and at the same length: their letters become 'x', so that a
 * recipient named "blocked" or "...-rejected-by-the-domain-filter" does
 * not decide the reason (a rule describes the server's words, never the
 * address it quotes).  Domains, digits and punctuation stay. */
void classify_text_mask_locals(char *text, char *low, size_t len);

/* 1 for a code that says little: X.0.0, or X.4.7 (p[0..n)). */
int classify_text_vague(const char *p, size_t n);

#endif
