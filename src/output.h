/*
 * output.h - the command's output formats: JSON Lines (one object per
 * recipient entry), the header block the daemon would add, and a readable
 * summary with totals.  Writes to a caller-owned FILE.
 */
#ifndef BT_OUTPUT_H
#define BT_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include "hdrfmt.h"
#include "policy.h"
#include "result.h"

typedef enum output_format {
	OUTPUT_JSON = 0,
	OUTPUT_HEADERS,
	OUTPUT_SUMMARY
} output_format;

int output_format_parse(const char *s, output_format *out);	/* 0 ok, -1 */

typedef struct output_opts {
	output_format format;
	const hdrfmt_opts *hdr;	/* NULL: hdrfmt_opts_default() */
	const policy *policy;	/* NULL: no policy file: bounces are tagged */
	const char *sender;	/* envelope sender, for the policy */
	int internal;		/* messages are the MTA's own bounces */
} output_opts;

typedef struct output output;

/* o is copied; the pointers in it must outlive the output.  NULL: ENOMEM. */
output *output_new(FILE *f, const output_opts *o);
void output_free(output *out);			/* accepts NULL */
/* One message's result.  file: path as given; msgno: index in the file. */
void output_message(output *out, const char *file, size_t msgno,
		    const bt_result *r);
/* End of run: totals (summary format); nothing for the others. */
void output_finish(output *out);

#endif
