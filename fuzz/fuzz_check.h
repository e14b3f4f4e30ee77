/*
 * fuzz_check.h - the contracts the fuzz targets check, shared by them:
 * FUZZ_CHECK() aborts with the contract and the place (libFuzzer then keeps
 * the input; the replay programs fail), and fuzz_check_value() checks a
 * header value as hdrfmt must make it (one safe line, folded as "\n\t").
 */
#ifndef BT_FUZZ_CHECK_H
#define BT_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz: contract broken: %s (%s:%d)\n", \
			(what), __FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

/* A value: no CR, NUL, control or 8-bit byte; LF only as a "\n\t" fold
 * followed by text; when max_value is not 0, not far past it (folding and
 * RFC 2047 encoding may lengthen a value). */
static inline void
fuzz_check_value(const char *value, size_t max_value)
{
	const unsigned char *p;

	FUZZ_CHECK(value != NULL, "NULL field value");
	for (p = (const unsigned char *)value; *p; p++) {
		if (*p == '\n') {
			FUZZ_CHECK(p[1] == '\t', "LF not followed by a tab");
			FUZZ_CHECK(p[2] != '\0' && p[2] != '\n', "empty folded line");
			continue;
		}
		FUZZ_CHECK(*p == '\t' || (*p >= 0x20 && *p < 0x7f),
			   "control, CR or 8-bit byte in a value");
	}
	FUZZ_CHECK(max_value == 0 || strlen(value) <= 8 * max_value + 1024,
		   "value far past max_value");
}

#endif
