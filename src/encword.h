/*
 * encword.h - RFC 2047 encoded words decoded (see encword.c).
 */
#ifndef ENCWORD_H
#define ENCWORD_H

#include <stddef.h>

/* in (NUL-terminated) with its encoded words decoded and its line breaks
 * made spaces, into out (outlen bytes, NUL-terminated, cut to fit). */
void encword_decode(const char *in, char *out, size_t outlen);

#endif
