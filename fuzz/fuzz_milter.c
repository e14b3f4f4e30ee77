/*
 * fuzz_milter.c - libFuzzer target for the milter glue (src/milter.c) with
 * libmilter replaced by stubs: the callbacks are driven as an MTA drives
 * them, and every header change they ask for is checked.
 *
 * SYNOPSIS
 *	clang -fsanitize=fuzzer,address,undefined ... fuzz/fuzz_milter.c src/milter.c src/log.c (see fuzz/run.sh)
 *
 * DESCRIPTION
 *	The smfi_* functions milter.c calls are defined here: smfi_register()
 *	keeps the callback table, smfi_getpriv()/smfi_setpriv() one private
 *	pointer, smfi_insheader()/smfi_chgheader() record what is asked.  The
 *	input is byte 0 (bit 0 no-reply negotiation, bit 1 abort the message
 *	after the headers, bit 2 a second message on the connection, bit 3 a
 *	non-null envelope sender), bytes 1-2 body chunk seeds, then a message
 *	split into header fields and body chunks as in fuzz_engine.c.  After
 *	an MTA-like walk (stop at any reply but continue; skip goes to end of
 *	message) the checks are: an inserted field is ours, with a safe value
 *	(no CR, NUL, control or 8-bit byte, LF only in "\n\t" folds); a delete
 *	names a field the message had, index from 1 to its count; when the
 *	message is let through (accept or continue at end of message, or an
 *	early accept), every forged copy of our fields was deleted - unless
 *	the message holds more than the daemon's documented limits (32 names,
 *	1,000 copies of one), a known gap that tests/hostile shows.
 *	A violation aborts.  No libFuzzer dependency (fuzz/replay.c).
 *
 * LIMITS
 *	Inputs over 256 KiB are ignored; at most 2,000 header fields are sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <libmilter/mfapi.h>

#include "config.h"
#include "log.h"
#include "milter.h"
#include "fuzz_check.h"

#define FUZZ_MAX_INPUT	(256u << 10)
#define FUZZ_MAX_FIELDS	2000
#define FUZZ_NAMES	64		/* distinct forged names tracked */
#define FUZZ_PREFIX	"X-Bounce-"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* ---- libmilter stubs ------------------------------------------------------ */

static struct smfiDesc fz_desc;
static void *fz_priv;
static int fz_ctx_dummy;
#define FZ_CTX ((SMFICTX *)(void *)&fz_ctx_dummy)

typedef struct fz_name {
	char name[256];
	int count;		/* copies in the message */
	int ndeleted;		/* smfi_chgheader(name, 1..count, NULL) calls */
} fz_name;

static fz_name fz_forged[FUZZ_NAMES];
static size_t fz_nforged;
static int fz_forged_over;	/* past the limits we check */

int smfi_register(struct smfiDesc d) { fz_desc = d; return MI_SUCCESS; }
int smfi_setconn(char *s) { (void)s; return MI_SUCCESS; }
int smfi_settimeout(int t) { (void)t; return MI_SUCCESS; }
int smfi_opensocket(bool rm) { (void)rm; return MI_SUCCESS; }
int smfi_main(void) { return MI_SUCCESS; }
int smfi_stop(void) { return MI_SUCCESS; }
int smfi_version(unsigned int *a, unsigned int *b, unsigned int *c)
{
	*a = 1; *b = 0; *c = 1;
	return MI_SUCCESS;
}
void *smfi_getpriv(SMFICTX *ctx) { (void)ctx; return fz_priv; }
int smfi_setpriv(SMFICTX *ctx, void *p) { (void)ctx; fz_priv = p; return MI_SUCCESS; }
char *smfi_getsymval(SMFICTX *ctx, char *s)
{
	(void)ctx;
	return strcmp(s, "i") == 0 ? (char *)"FUZZQ1" : NULL;
}
int smfi_setreply(SMFICTX *ctx, char *code, char *xcode, char *text)
{
	(void)ctx;
	FUZZ_CHECK(code != NULL && strlen(code) == 3 && (code[0] == '4' || code[0] == '5'),
		   "bad reply code");
	FUZZ_CHECK(xcode == NULL || xcode[0] == code[0], "enhanced code class differs");
	FUZZ_CHECK(text == NULL || strpbrk(text, "\r\n") == NULL, "CR or LF in reply text");
	return MI_SUCCESS;
}
int smfi_quarantine(SMFICTX *ctx, char *reason)
{
	(void)ctx;
	FUZZ_CHECK(reason != NULL && strpbrk(reason, "\r\n") == NULL, "bad quarantine reason");
	return MI_SUCCESS;
}

int smfi_insheader(SMFICTX *ctx, int idx, char *name, char *value)
{
	(void)ctx;
	FUZZ_CHECK(idx == 0, "insert not at the top");
	FUZZ_CHECK(name != NULL && strncasecmp(name, FUZZ_PREFIX, strlen(FUZZ_PREFIX)) == 0,
		   "inserted field is not ours");
	FUZZ_CHECK(strpbrk(name, ": \t\r\n") == NULL, "bad byte in inserted name");
	fuzz_check_value(value, 0);
	return MI_SUCCESS;
}
int smfi_addheader(SMFICTX *ctx, char *name, char *value)
{
	return smfi_insheader(ctx, 0, name, value);
}
int smfi_chgheader(SMFICTX *ctx, char *name, int idx, char *value)
{
	size_t i;

	(void)ctx;
	FUZZ_CHECK(value == NULL, "a header changed rather than deleted");
	for (i = 0; i < fz_nforged; i++)
		if (strcasecmp(fz_forged[i].name, name) == 0)
			break;
	FUZZ_CHECK(i < fz_nforged || fz_forged_over, "deleted a field the message did not have");
	if (i < fz_nforged) {
		FUZZ_CHECK(idx >= 1 && idx <= fz_forged[i].count, "delete index out of range");
		fz_forged[i].ndeleted++;
	}
	return MI_SUCCESS;
}

/* ---- the MTA side ---------------------------------------------------------- */

static void fz_forged_add(const char *name)
{
	size_t i;

	if (strncasecmp(name, FUZZ_PREFIX, strlen(FUZZ_PREFIX)) != 0)
		return;
	for (i = 0; i < fz_nforged; i++) {
		if (strcasecmp(fz_forged[i].name, name) == 0) {
			if (++fz_forged[i].count > 1000)
				fz_forged_over = 1;
			return;
		}
	}
	if (fz_nforged == FUZZ_NAMES || fz_nforged == 32 || strlen(name) >= 127) {
		fz_forged_over = 1;
		return;
	}
	snprintf(fz_forged[fz_nforged].name, sizeof fz_forged[0].name, "%s", name);
	fz_forged[fz_nforged].count = 1;
	fz_forged[fz_nforged++].ndeleted = 0;
}

static char *fz_strdup(const uint8_t *p, const uint8_t *end)
{
	size_t n = (size_t)(end - p), i;
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++)
		s[i] = p[i] == '\0' ? ' ' : (char)p[i];
	s[n] = '\0';
	return s;
}

/* One message through the callbacks; returns the final status. */
static sfsistat fz_message(const uint8_t *p, const uint8_t *end, unsigned flags,
			   const uint8_t seed[2])
{
	char *argv[2] = { (flags & 8) ? (char *)"<list-bounces@example.org>" : (char *)"<>", NULL };
	unsigned nfields = 0, turn = 0;
	sfsistat st;

	fz_nforged = 0;
	fz_forged_over = 0;
	st = fz_desc.xxfi_envfrom(FZ_CTX, argv);
	if (st != SMFIS_CONTINUE && st != SMFIS_NOREPLY)
		return st;
	while (p < end && nfields < FUZZ_MAX_FIELDS) {
		const uint8_t *le, *colon, *v, *fend = p;
		char *name, *value;

		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			p += (*p == '\r') ? 2 : 1;
			break;
		}
		for (;;) {
			le = memchr(fend, '\n', (size_t)(end - fend));
			fend = le ? le + 1 : end;
			if (fend >= end || (*fend != ' ' && *fend != '\t'))
				break;
		}
		colon = memchr(p, ':', (size_t)(fend - p));
		if (colon == NULL || colon == p)
			break;
		v = colon + 1;
		if (v < fend && (*v == ' ' || *v == '\t'))
			v++;
		le = fend;
		if (le > v && le[-1] == '\n')
			le--;
		if (le > v && le[-1] == '\r')
			le--;
		name = fz_strdup(p, colon);
		value = fz_strdup(v, le < v ? v : le);
		fz_forged_add(name);
		st = fz_desc.xxfi_header(FZ_CTX, name, value);
		free(name);
		free(value);
		if (st != SMFIS_CONTINUE && st != SMFIS_NOREPLY)
			return st;
		nfields++;
		p = fend;
	}
	if (flags & 2) {			/* the client went away */
		(void)fz_desc.xxfi_abort(FZ_CTX);
		return SMFIS_TEMPFAIL;
	}
	st = fz_desc.xxfi_eoh(FZ_CTX);
	if (st == SMFIS_ACCEPT) {
		FUZZ_CHECK(fz_nforged == 0 && !fz_forged_over,
			   "accepted at end of headers with forged fields left in");
		return st;
	}
	if (st != SMFIS_CONTINUE)
		return st;
	while (p < end) {
		uint8_t s = seed[turn++ % 2];
		size_t n = s == 0 ? 65535 : (size_t)s * 37;

		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		st = fz_desc.xxfi_body(FZ_CTX, (unsigned char *)(uintptr_t)p, n);
		p += n;
		if (st == SMFIS_SKIP)
			break;
		if (st != SMFIS_CONTINUE)
			return st;
	}
	st = fz_desc.xxfi_eom(FZ_CTX);
	if (st == SMFIS_ACCEPT || st == SMFIS_CONTINUE) {
		size_t i;

		for (i = 0; i < fz_nforged && !fz_forged_over; i++)
			FUZZ_CHECK(fz_forged[i].ndeleted == fz_forged[i].count,
				   "a forged field of ours was let through");
	}
	return st;
}

static void fz_init(void)
{
	static int done;
	char err[256];
	bt_config *c;

	if (done)
		return;
	done = 1;
	log_init("fuzz_milter", LOG_MAIL, 0);
	log_set_level(LOG_CRIT);
	c = config_default(err, sizeof err);
	FUZZ_CHECK(c != NULL, "no default configuration");
	milter_config_set(c);
	FUZZ_CHECK(milter_open("unix:/nonexistent/fuzz.sock", 0, 0, err, sizeof err) == 0,
		   "milter_open failed");
	FUZZ_CHECK(fz_desc.xxfi_envfrom != NULL && fz_desc.xxfi_header != NULL &&
		   fz_desc.xxfi_eoh != NULL && fz_desc.xxfi_body != NULL &&
		   fz_desc.xxfi_eom != NULL && fz_desc.xxfi_abort != NULL &&
		   fz_desc.xxfi_close != NULL, "a callback is missing");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags, round;
	unsigned long f[4] = { 0, 0, 0, 0 };

	if (size < 3 || size > FUZZ_MAX_INPUT)
		return 0;
	fz_init();
	flags = data[0];
	fz_priv = NULL;
	if (fz_desc.xxfi_negotiate != NULL)
		(void)fz_desc.xxfi_negotiate(FZ_CTX,
			SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_CHGBODY,
			(flags & 1) ? 0x1fffffUL : 0x0fffffUL, 0, 0, &f[0], &f[1], &f[2], &f[3]);
	for (round = 0; round < ((flags & 4) ? 2u : 1u); round++)
		(void)fz_message(data + 3, data + size, flags, data + 1);
	(void)fz_desc.xxfi_close(FZ_CTX);
	FUZZ_CHECK(fz_priv == NULL, "connection state left after close");
	return 0;
}
