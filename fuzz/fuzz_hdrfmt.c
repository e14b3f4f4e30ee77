/*
 * fuzz_hdrfmt.c - libFuzzer target for the X-Bounce-* header block.
 *
 * SYNOPSIS
 *	clang -fsanitize=fuzzer,address,undefined ... fuzz/fuzz_hdrfmt.c (see fuzz/run.sh)
 *
 * DESCRIPTION
 *	The engine only hands hdrfmt strings it copied out of a message; this
 *	target hands it anything.  The input is byte 0 (options: bits 0-1
 *	number of recipients 0-3, bit 2 tag_nonbounce, bit 3 small max_value,
 *	bit 4 caps_hit set, bits 5-7 the class), then fields separated by NUL
 *	bytes, assigned in turn to: action, reporting MTA, original
 *	Message-ID, then per recipient recipient, diagnostic, remote MTA,
 *	status, reply code, reason, description.  hdrfmt_build()'s block must
 *	hold only our field names and safe values: no CR, NUL, control or
 *	8-bit byte, LF only in a "\n\t" fold followed by text; at most
 *	max_results + 1 Result fields.  hdrfmt_safe_value() is also run on
 *	every field with a small and a large buffer.  A violation aborts.
 *
 *	No libFuzzer dependency: fuzz/replay.c replays saved inputs with it.
 *
 * LIMITS
 *	Inputs over 64 KiB are ignored; at most 3 recipients, 30 fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdrfmt.h"
#include "result.h"
#include "fuzz_check.h"

#define FUZZ_MAX_INPUT	65536
#define FUZZ_MAX_FIELDS	30

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_safe(const char *in, size_t max)
{
	char small[24], big[4096];
	size_t n;

	memset(small, 'Z', sizeof small);
	n = hdrfmt_safe_value(in, max, small, sizeof small);
	(void)n;
	FUZZ_CHECK(memchr(small, '\0', sizeof small) != NULL, "safe_value overran a small buffer");
	FUZZ_CHECK(strpbrk(small, "\r\n") == NULL, "CR or LF from safe_value");
	hdrfmt_safe_value(in, max, big, sizeof big);
	FUZZ_CHECK(memchr(big, '\0', sizeof big) != NULL, "safe_value unterminated");
	FUZZ_CHECK(strpbrk(big, "\r\n") == NULL, "CR or LF from safe_value");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *fields[FUZZ_MAX_FIELDS], *p, *end;
	size_t nf = 0, i, k, nresult = 0;
	unsigned flags;
	bt_result r;
	bt_rcpt rc[3];
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	flags = data[0];
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	for (p = copy, end = copy + size - 1; nf < FUZZ_MAX_FIELDS; p += strlen(p) + 1) {
		fields[nf++] = p;
		if (p + strlen(p) >= end)
			break;
	}
	for (i = nf; i < FUZZ_MAX_FIELDS; i++)
		fields[i] = NULL;

	memset(&r, 0, sizeof r);
	memset(rc, 0, sizeof rc);
	r.nrcpt = flags & 3;
	r.rcpt = rc;
	r.rcpt_alloc = 3;
	r.cls = (bt_class)(((flags >> 5) & 7) % BT_CLASS__COUNT);
	r.format = "rfc3464";
	r.caps_hit = (flags & 0x10) ? BT_CAP_RCPTS | BT_CAP_FIELD : 0;
	r.reporting_mta = fields[1];
	r.original_message_id = fields[2];
	for (i = 0, k = 3; i < r.nrcpt; i++, k += 7) {
		rc[i].recipient = fields[k];
		rc[i].diagnostic = fields[k + 1];
		rc[i].remote_mta = fields[k + 2];
		if (fields[k + 3] != NULL)
			snprintf(rc[i].status, sizeof rc[i].status, "%s", fields[k + 3]);
		if (fields[k + 4] != NULL)
			snprintf(rc[i].replycode, sizeof rc[i].replycode, "%s", fields[k + 4]);
		rc[i].reason = fields[k + 5];
		rc[i].description = fields[k + 6];
		rc[i].cls = r.cls;
		rc[i].action = (char *)"failed";
	}
	r.top = r.nrcpt > 0 ? r.nrcpt - 1 : 0;

	hdrfmt_opts_default(&o);
	o.instance = "fuzz.example bouncetag/fuzz";
	o.tag_nonbounce = (flags & 4) != 0;
	if (flags & 8) {
		o.max_value = 20;
		o.max_results = 1;
	}
	if (hdrfmt_build(&o, &r, fields[0], &b) == 0) {
		for (i = 0; i < b.n; i++) {
			FUZZ_CHECK(b.f[i].name != NULL && hdrfmt_is_ours(&o, b.f[i].name),
				   "field name not ours");
			FUZZ_CHECK(strpbrk(b.f[i].name, ": \t\r\n") == NULL, "bad byte in name");
			fuzz_check_value(b.f[i].value, 0);
			if (strcasecmp(b.f[i].name + strlen(o.prefix), "Result") == 0)
				nresult++;
		}
		FUZZ_CHECK(nresult <= o.max_results + 1, "too many Result fields");
	}
	hdrfmt_block_free(&b);
	for (i = 0; i < nf; i++)
		check_safe(fields[i], (flags & 8) ? 20 : 512);
	free(copy);
	return 0;
}
