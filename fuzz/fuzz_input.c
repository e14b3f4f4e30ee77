/*
 * fuzz_input.c - libFuzzer target for the command's input reader (input.c):
 * mbox splitting, From_ line handling, >From unescaping, chunking.
 *
 * SYNOPSIS
 *	clang -fsanitize=fuzzer,address,undefined ... fuzz/fuzz_input.c src/input.c (see fuzz/run.sh)
 *
 * DESCRIPTION
 *	Byte 0 of the input chooses the chunk size given to input_fd() (1, 2,
 *	7, 64, 4096 bytes, or the default); the rest is written to an
 *	in-memory file (memfd, made once per process) read by input_fd() as
 *	`bouncetag` reads a file or an mbox.  Checks, through the tap and the
 *	per-message callback: message numbers run 0, 1, 2, ... in order;
 *	every fed chunk belongs to the current message and is at most the
 *	chunk size; no more bytes are fed than the file holds; no more
 *	messages come out than the file has "From " line starts plus one; a
 *	result comes with every message.  A violation aborts.
 *
 *	No libFuzzer dependency: fuzz/replay.c replays saved inputs with it.
 *
 * LIMITS
 *	Inputs over 1 MiB are ignored.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1		/* memfd_create */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine.h"
#include "input.h"
#include "rawfeed.h"
#include "fuzz_check.h"

#define FUZZ_MAX_INPUT	(1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


typedef struct fuzz_state {
	size_t chunk;		/* chunk size asked for (0: default) */
	size_t fed;		/* bytes fed, all messages */
	size_t msgs;		/* results seen */
	size_t cur;		/* message number of the last tapped chunk */
	int tapped;
} fuzz_state;

static int fuzz_fd = -1;

static void fuzz_tap(void *arg, size_t msgno, const char *buf, size_t len)
{
	fuzz_state *st = arg;

	FUZZ_CHECK(buf != NULL && len > 0, "empty chunk fed");
	FUZZ_CHECK(msgno == st->msgs, "chunk for a message other than the current one");
	FUZZ_CHECK(len <= (st->chunk ? st->chunk : 4096), "chunk larger than asked");
	st->fed += len;
	st->cur = msgno;
	st->tapped = 1;
}

static void fuzz_result(void *arg, const char *file, size_t msgno, const bt_result *r)
{
	fuzz_state *st = arg;

	FUZZ_CHECK(r != NULL, "no result");
	FUZZ_CHECK(file != NULL && strcmp(file, "fuzz") == 0, "file name changed");
	FUZZ_CHECK(msgno == st->msgs, "message numbers out of order");
	FUZZ_CHECK((unsigned)r->cls < BT_CLASS__COUNT, "class out of range");
	st->msgs++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 0, 1, 2, 7, 64, 4096, 3, 1000 };
	fuzz_state st;
	input_opts o;
	bt_caps caps;
	engine *e;
	rawfeed *rf;
	size_t i, froms = 1;
	int cr_only;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	if (fuzz_fd < 0) {
		fuzz_fd = memfd_create("fuzz_input", 0);
		if (fuzz_fd < 0) {
			perror("fuzz_input: memfd_create");
			abort();
		}
	}
	if (ftruncate(fuzz_fd, 0) != 0 ||
	    pwrite(fuzz_fd, data + 1, size - 1, 0) != (ssize_t)(size - 1) ||
	    lseek(fuzz_fd, 0, SEEK_SET) != 0)
		abort();
	/* line starts: after a LF, and after a CR too when the first line
	 * ends with a bare CR (input.c then reads every CR as a LF) */
	for (i = 1; i < size && data[i] != '\n' && data[i] != '\r'; i++)
		;
	cr_only = i + 1 < size && data[i] == '\r' && data[i + 1] != '\n';
	for (i = 1; i + 5 <= size; i++)
		if ((i == 1 || data[i - 1] == '\n' || (cr_only && data[i - 1] == '\r')) &&
		    memcmp(data + i, "From ", 5) == 0)
			froms++;

	memset(&st, 0, sizeof st);
	memset(&o, 0, sizeof o);
	st.chunk = chunks[data[0] % (sizeof chunks / sizeof chunks[0])];
	o.chunk = st.chunk;
	o.sender = (data[0] & 0x80) ? "bounces@example.org" : NULL;
	o.tap = fuzz_tap;
	o.tap_arg = &st;
	engine_caps_default(&caps);
	e = engine_new(&caps, NULL);
	if (e == NULL)
		return 0;
	rf = rawfeed_new(e);
	if (rf != NULL) {
		(void)input_fd(rf, fuzz_fd, "fuzz", &o, fuzz_result, &st);
		FUZZ_CHECK(st.fed <= size - 1, "more bytes fed than the file holds");
		FUZZ_CHECK(st.msgs <= froms, "more messages than From_ lines");
		FUZZ_CHECK(!st.tapped || st.cur < st.msgs, "bytes fed to a message without a result");
		rawfeed_free(rf);
	}
	engine_free(e);
	return 0;
}
