/*
 * fuzz_config.c - libFuzzer target for the policy file reader.
 *
 * SYNOPSIS
 *	clang -fsanitize=fuzzer,address,undefined ... fuzz/fuzz_config.c (see fuzz/run.sh)
 *
 * DESCRIPTION
 *	Writes the input to a temporary file (made once per process, removed
 *	at exit) and calls config_load() on it.  A file that does not load
 *	must give a non-empty, terminated error message.  A file that loads is
 *	used as the daemon would use it: an engine with its caps and rules
 *	classifies a small built-in bounce, policy_decide() gives a verdict and
 *	hdrfmt_build() makes the header block with its header settings.  Then
 *	config_free().  A violation calls abort().
 *
 *	No libFuzzer dependency: fuzz/replay.c replays saved inputs with it.
 *
 * LIMITS
 *	Inputs longer than 64 KiB are ignored (a policy file is small).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "hdrfmt.h"
#include "policy.h"
#include "rawfeed.h"
#include "fuzz_check.h"

#define FUZZ_MAX_CONF	65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const char fuzz_bounce[] =
	"From: MAILER-DAEMON@mx.example.org\n"
	"To: sender@example.com\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n"
	"\n"
	"--B\n"
	"Content-Type: text/plain\n"
	"\n"
	"<nobody@example.net>: host mx.example.net said: 550 5.1.1 User unknown\n"
	"--B\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.org\n"
	"\n"
	"Final-Recipient: rfc822; nobody@example.net\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Remote-MTA: dns; mx.example.net\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: User unknown\n"
	"--B--\n";

static char fuzz_path[64];

static void fuzz_cleanup(void)
{
	if (fuzz_path[0] != '\0')
		unlink(fuzz_path);
}

/* Write the input to our temporary file; 0 on success. */
static int fuzz_write(const uint8_t *data, size_t size)
{
	FILE *fp;
	size_t n;

	if (fuzz_path[0] == '\0') {
		const char *dir = getenv("TMPDIR");
		int fd;

		snprintf(fuzz_path, sizeof fuzz_path, "%.30s/fuzzconfXXXXXX",
			 dir != NULL && *dir != '\0' ? dir : "/tmp");
		fd = mkstemp(fuzz_path);
		if (fd < 0) {
			perror("fuzz_config: mkstemp");
			abort();
		}
		close(fd);
		atexit(fuzz_cleanup);
	}
	fp = fopen(fuzz_path, "w");
	if (fp == NULL)
		return -1;
	n = fwrite(data, 1, size, fp);
	if (fclose(fp) != 0 || n != size)
		return -1;
	return 0;
}

/* Use a loaded configuration the way the daemon does, on one bounce. */
static void fuzz_use(const bt_config *c)
{
	engine *e = engine_new(&c->caps, c->rules);
	rawfeed *rf;
	const bt_result *r;
	policy_verdict v;
	hdrfmt_block b = { 0, 0, NULL };

	if (e == NULL)
		return;
	rf = rawfeed_new(e);
	if (rf != NULL) {
		r = rawfeed_message(rf, "", fuzz_bounce, sizeof fuzz_bounce - 1, 17);
		FUZZ_CHECK(r != NULL, "no result");
		memset(&v, 0, sizeof v);
		policy_decide(c->policy, r, "", c->internal_mail, &v);
		FUZZ_CHECK(policy_action_name(v.action) != NULL, "verdict without a name");
		if (hdrfmt_build(&c->hdr, r, policy_action_name(v.action), &b) == 0) {
			size_t i;

			for (i = 0; i < b.n; i++) {
				FUZZ_CHECK(strchr(b.f[i].value, '\r') == NULL, "CR in a value");
				FUZZ_CHECK(strpbrk(b.f[i].name, ": \t\r\n") == NULL, "bad field name");
			}
		}
		hdrfmt_block_free(&b);
		rawfeed_free(rf);
	}
	engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	bt_config *c;

	if (size > FUZZ_MAX_CONF)
		return 0;
	if (fuzz_write(data, size) != 0)
		return 0;
	err[0] = '\0';
	memset(err + 1, 'x', sizeof err - 1);
	c = config_load(fuzz_path, err, sizeof err);
	if (c == NULL) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL, "error message unterminated");
		FUZZ_CHECK(err[0] != '\0', "config_load failed without a message");
		return 0;
	}
	fuzz_use(c);
	config_free(c);
	return 0;
}
