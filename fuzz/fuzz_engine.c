/*
 * fuzz_engine.c - libFuzzer target for the bounce engine.
 *
 * SYNOPSIS
 *	clang -fsanitize=fuzzer,address,undefined ... fuzz/fuzz_engine.c (see fuzz/run.sh)
 *
 * DESCRIPTION
 *	The input is a 4-byte control prefix followed by a raw message:
 *
 *	  byte 0  flags: bit 0 feed through rawfeed (the command's path) instead
 *	          of our own milter-like split; bit 1 small caps (every cap is
 *	          easy to hit); bit 2 feed the message twice with engine_reset()
 *	          between, the second time in other chunks (65535-byte body
 *	          chunks as an MTA sends, or the whole message to rawfeed),
 *	          and require the same result; bit 3 stop feeding when the
 *	          engine says "not a bounce" or "enough" (as the milter may;
 *	          ignored with bit 2); bits 4-5 hdrfmt options;
 *	          bit 6 CRLF folds kept in header values.
 *	  bytes 1-3 seeds for the body chunk sizes (and the rawfeed chunk size);
 *	  bit 7 of byte 0: an envelope sender instead of the null one.
 *
 *	The milter-like split mirrors what libmilter hands the engine: one call
 *	per header field (name; value with the blank after the colon removed,
 *	continuation lines joined with "\n"), engine_eoh(), then the body in
 *	chunks of fuzzer-chosen sizes, engine_eom().  The result is checked
 *	against the contract of result.h (recipients within the cap, strings
 *	within max_field) and hdrfmt_build()'s block against hdrfmt.h: names
 *	start with the prefix and are plain tokens; values hold no NUL, CR,
 *	bare LF (only "\n\t" folds), no other control byte and no 8-bit byte.
 *
 *	A violation calls abort(), which libFuzzer reports as a crash.
 *
 *	The file has no libFuzzer dependency: fuzz/replay.c links it into a
 *	plain program that replays fuzz/regress/ under `make check`.
 *
 * LIMITS
 *	Inputs longer than FUZZ_MAX_INPUT bytes are ignored; at most
 *	FUZZ_MAX_FIELDS header fields are fed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hdrfmt.h"
#include "rawfeed.h"
#include "result.h"
#include "fuzz_check.h"

#define FUZZ_MAX_INPUT	(1u << 20)
#define FUZZ_MAX_FIELDS	20000
#define FUZZ_SUMMARY	65536	/* bytes of a result summary compared */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* Caps: the defaults, or tiny ones so that every cap is hit often. */
static void fuzz_caps(bt_caps *caps, int small)
{
	engine_caps_default(caps);
	if (!small)
		return;
	caps->max_bytes = 8192;
	caps->max_line = 64;
	caps->max_header = 256;
	caps->max_field = 32;
	caps->max_text = 512;
	caps->max_depth = 2;
	caps->max_parts = 4;
	caps->max_recipients = 3;
}

/* Next chunk size from the three seed bytes, rotating: 1..~1000 bytes. */
static size_t fuzz_chunk(const uint8_t seed[3], unsigned *turn)
{
	uint8_t s = seed[(*turn)++ % 3];

	if (s == 0)
		return 1;
	if (s < 128)
		return s;
	return (size_t)(s - 127) * 8;
}

static void check_str(const char *s, size_t cap, const char *what)
{
	if (s != NULL)
		FUZZ_CHECK(strlen(s) <= cap + 4, what);	/* slack for a "..." mark */
}

static void check_result(const bt_result *r, const bt_caps *caps)
{
	size_t i;

	FUZZ_CHECK(r != NULL, "engine_eom returned NULL");
	FUZZ_CHECK(r->nrcpt <= caps->max_recipients, "more recipients than max_recipients");
	FUZZ_CHECK(r->nrcpt == 0 || r->top < r->nrcpt, "top out of range");
	FUZZ_CHECK((unsigned)r->cls < BT_CLASS__COUNT, "class out of range");
	FUZZ_CHECK(r->nrcpt == 0 || r->rcpt != NULL, "rcpt array NULL");
	for (i = 0; i < r->nrcpt; i++) {
		const bt_rcpt *rc = &r->rcpt[i];

		FUZZ_CHECK(memchr(rc->status, '\0', sizeof rc->status) != NULL, "status unterminated");
		FUZZ_CHECK(memchr(rc->replycode, '\0', sizeof rc->replycode) != NULL, "replycode unterminated");
		FUZZ_CHECK((unsigned)rc->cls < BT_CLASS__COUNT, "rcpt class out of range");
		check_str(rc->recipient, caps->max_field, "recipient longer than max_field");
		check_str(rc->diagnostic, caps->max_field, "diagnostic longer than max_field");
		check_str(rc->remote_mta, caps->max_field, "remote_mta longer than max_field");
	}
	check_str(r->original_message_id, caps->max_field, "original_message_id longer than max_field");
}

/* A field name: printable ASCII but ':' and blanks, starting with the prefix. */
static void check_name(const char *name, const char *prefix)
{
	const unsigned char *p;

	FUZZ_CHECK(name != NULL && *name != '\0', "empty field name");
	FUZZ_CHECK(strncasecmp(name, prefix, strlen(prefix)) == 0, "field name without prefix");
	for (p = (const unsigned char *)name; *p; p++)
		FUZZ_CHECK(*p > 0x20 && *p < 0x7f && *p != ':', "bad byte in field name");
}

static void check_headers(const bt_result *r, unsigned flags)
{
	hdrfmt_opts o;
	hdrfmt_block b = { 0, 0, NULL };
	size_t i, nresult = 0;

	hdrfmt_opts_default(&o);
	o.instance = "fuzz.example bouncetag/fuzz";
	if (flags & 0x10)
		o.tag_nonbounce = 1;
	if (flags & 0x20) {
		o.max_value = 40;
		o.max_results = 2;
	}
	if (hdrfmt_build(&o, r, (flags & 0x10) ? "tag" : NULL, &b) != 0) {
		FUZZ_CHECK(b.n == 0, "block not empty after ENOMEM");
		hdrfmt_block_free(&b);
		return;
	}
	for (i = 0; i < b.n; i++) {
		check_name(b.f[i].name, o.prefix);
		fuzz_check_value(b.f[i].value, o.max_value);
		FUZZ_CHECK(hdrfmt_is_ours(&o, b.f[i].name), "hdrfmt_is_ours denies our field");
		if (strcasecmp(b.f[i].name + strlen(o.prefix), "Result") == 0)
			nresult++;
	}
	FUZZ_CHECK(nresult <= o.max_results + 1, "more Result fields than max_results + the truncation mark");
	hdrfmt_block_free(&b);
}

/* Copy [p, end) into a fresh NUL-terminated string; NULs become blanks (a
 * milter never sees a NUL inside a header: libmilter's strings end there). */
static char *fuzz_strdup(const uint8_t *p, const uint8_t *end)
{
	size_t n = (size_t)(end - p), i;
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = p[i] == '\0' ? ' ' : (char)p[i];
	s[n] = '\0';
	return s;
}

/* What a result says, as one string (for the chunking comparison). */
static void fuzz_summary(const bt_result *r, char *buf, size_t len)
{
	size_t i, n;
	char caps[128];

	n = (size_t)snprintf(buf, len, "class=%s n=%zu top=%zu caps=%s format=%s msgid=%s\n",
			     result_class_name(r->cls), r->nrcpt, r->top,
			     result_caps_string(r->caps_hit, caps, sizeof caps),
			     r->format ? r->format : "-",
			     r->original_message_id ? r->original_message_id : "-");
	for (i = 0; i < r->nrcpt && n < len; i++) {
		const bt_rcpt *rc = &r->rcpt[i];

		n += (size_t)snprintf(buf + n, len - n, "%s|%s|%s|%s|%s|%s|%s|%d\n",
				      rc->recipient ? rc->recipient : "-",
				      rc->action ? rc->action : "-", rc->status, rc->replycode,
				      rc->reason ? rc->reason : "-",
				      rc->diagnostic ? rc->diagnostic : "-",
				      rc->remote_mta ? rc->remote_mta : "-", rc->hard);
	}
}

/* Milter-like feed: header fields, eoh, body chunks (chunk sizes from seed,
 * or 65535-byte chunks as an MTA sends them when seed is NULL).  Returns
 * the result. */
static const bt_result *feed_milter(engine *e, const uint8_t *msg, size_t len,
				    const uint8_t seed[3], unsigned flags)
{
	const uint8_t *p = msg, *end = msg + len;
	unsigned turn = 0, nfields = 0;
	int st;

	engine_envfrom(e, (flags & 0x80) ? "bounces@example.org" : "<>");
	while (p < end && nfields < FUZZ_MAX_FIELDS) {
		const uint8_t *line_end, *colon, *v, *fend = p;
		char *name, *value;

		/* A blank line ends the header block. */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			p += (*p == '\r') ? 2 : 1;
			break;
		}
		/* The field: this line and its continuation lines. */
		for (;;) {
			line_end = memchr(fend, '\n', (size_t)(end - fend));
			fend = line_end ? line_end + 1 : end;
			if (fend >= end || (*fend != ' ' && *fend != '\t'))
				break;
		}
		colon = memchr(p, ':', (size_t)(fend - p));
		if (colon == NULL) {		/* not a field: the body starts here */
			break;
		}
		v = colon + 1;
		if (v < fend && (*v == ' ' || *v == '\t'))
			v++;
		line_end = fend;		/* drop the final line break */
		if (line_end > v && line_end[-1] == '\n')
			line_end--;
		if (line_end > v && line_end[-1] == '\r')
			line_end--;
		name = fuzz_strdup(p, colon);
		value = fuzz_strdup(v, line_end < v ? v : line_end);
		if (name != NULL && value != NULL) {
			if (!(flags & 0x40)) {	/* "\r\n" folds become "\n", as Postfix sends */
				char *r = value, *w = value;

				for (; *r; r++)
					if (!(*r == '\r' && r[1] == '\n'))
						*w++ = *r;
				*w = '\0';
			}
			(void)engine_header(e, name, value);
		}
		free(name);
		free(value);
		nfields++;
		p = fend;
	}
	st = engine_eoh(e);
	if (st == ENGINE_NOT_BOUNCE && (flags & 0x08))
		return engine_eom(e);
	while (p < end) {
		size_t n = seed != NULL ? fuzz_chunk(seed, &turn) : 65535;

		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		st = engine_body(e, (const char *)p, n);
		p += n;
		if (st == ENGINE_ENOUGH && (flags & 0x08))
			break;
	}
	return engine_eom(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bt_caps caps;
	engine *e;
	unsigned flags, round, rounds;
	const uint8_t *seed;
	char *sum[2] = { NULL, NULL };

	if (size < 4 || size > FUZZ_MAX_INPUT)
		return 0;
	flags = data[0];
	seed = data + 1;
	data += 4;
	size -= 4;
	fuzz_caps(&caps, flags & 0x02);
	e = engine_new(&caps, NULL);
	if (e == NULL)
		return 0;
	/* Two rounds: the second feeds the same message in other chunks (an
	 * MTA's 64 KiB ones, or the whole message at once) after
	 * engine_reset(), without stopping early; both must say the same. */
	rounds = (flags & 0x04) ? 2 : 1;
	if (rounds == 2) {
		flags &= ~0x08u;
		sum[0] = malloc(FUZZ_SUMMARY);
		sum[1] = malloc(FUZZ_SUMMARY);
		if (sum[0] == NULL || sum[1] == NULL)
			rounds = 1;
	}
	for (round = 0; round < rounds; round++) {
		const bt_result *r;

		if (flags & 0x01) {
			rawfeed *rf = rawfeed_new(e);
			unsigned turn = 0;

			if (rf == NULL)
				break;
			r = rawfeed_message(rf, (flags & 0x80) ? "bounces@example.org" : "",
					    (const char *)data, size,
					    round == 0 ? fuzz_chunk(seed, &turn) : 0);
			check_result(r, &caps);
			check_headers(r, flags);
			if (rounds == 2)
				fuzz_summary(r, sum[round], FUZZ_SUMMARY);
			rawfeed_free(rf);
		} else {
			r = feed_milter(e, data, size, round == 0 ? seed : NULL, flags);
			check_result(r, &caps);
			check_headers(r, flags);
			if (rounds == 2)
				fuzz_summary(r, sum[round], FUZZ_SUMMARY);
		}
		engine_reset(e);
	}
	if (rounds == 2 && strcmp(sum[0], sum[1]) != 0) {
		fprintf(stderr, "fuzz_engine: chunk sizes changed the result:\n"
			"--- chunks from the seed bytes\n%s--- %s\n%s",
			sum[0], (flags & 0x01) ? "whole message" : "65535-byte chunks", sum[1]);
		FUZZ_CHECK(0, "result depends on how the message was split");
	}
	free(sum[0]);
	free(sum[1]);
	engine_free(e);
	return 0;
}
