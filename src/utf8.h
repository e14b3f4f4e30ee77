/*
 * utf8.h - validation of one UTF-8 sequence, shared by the header formatter
 * and the JSON writer (both replace invalid bytes).  Plain C, no state.
 */
#ifndef BT_UTF8_H
#define BT_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s (n >= 1 bytes left), with
 * its code point in *cp; 0 when invalid: a stray continuation byte, an
 * overlong form, a surrogate, a code point above U+10FFFF, or a sequence
 * cut by the end of the buffer. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);

#endif
