/*
 * replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 * SYNOPSIS
 *	replay_engine [-m] [FILE|DIR]...
 *	replay_config [FILE|DIR]...
 *	replay_hdrfmt [FILE|DIR]...
 *	replay_input [FILE|DIR]...
 *	replay_milter [FILE|DIR]...
 *
 * DESCRIPTION
 *	Linked with one of fuzz/fuzz_*.c (compiled with -DFUZZ_NAME='"engine"',
 *	'"config"', '"hdrfmt"', '"input"' or '"milter"'; no libFuzzer), calls LLVMFuzzerTestOneInput() on every file given, directories walked
 *	recursively (files whose names start with "." skipped).  With -m the
 *	files are plain messages: each is replayed once per entry of a fixed
 *	table of control prefixes (see fuzz_engine.c), covering both feeding
 *	paths, the small caps, reset and the chunk sizes.
 *
 *	With no arguments (as `make check` runs it) it replays
 *	$top_srcdir/fuzz/regress/NAME/ and, for the engine, the messages under
 *	$top_srcdir/tests/golden and $top_srcdir/tests/data with -m; for the
 *	configuration, $top_srcdir/conf.
 *
 * DIAGNOSTICS
 *	A broken contract aborts (the target's check); an unreadable file is
 *	an error: exit 1.  Prints the number of inputs replayed.
 *
 * LIMITS
 *	Files over 2 MiB are skipped; directories deeper than 8 are not walked.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_NAME
#define FUZZ_NAME "engine"
#endif
#define REPLAY_MAX_FILE	(2u << 20)
#define REPLAY_MAX_DEPTH 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t replay_prefixes[][4] = {
	{ 0x00, 0x40, 0x07, 0xff }, { 0x01, 0x01, 0x02, 0x03 },
	{ 0x02, 0x10, 0x20, 0x30 }, { 0x07, 0xc0, 0x01, 0x80 },
	{ 0x0f, 0x00, 0x00, 0x00 }, { 0x3a, 0x7f, 0x05, 0xfe },
	{ 0x4b, 0x33, 0x90, 0x02 }, { 0x96, 0x08, 0x11, 0x64 },
	{ 0x04, 0x01, 0x05, 0x40 }, { 0x05, 0x03, 0x00, 0x09 },
};

static size_t replay_count;
static int replay_failed;

static void replay_file(const char *path, int messages)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t n, i;

	if (fp == NULL) {
		perror(path);
		replay_failed = 1;
		return;
	}
	buf = malloc(REPLAY_MAX_FILE + 5);
	if (buf == NULL) {
		fclose(fp);
		replay_failed = 1;
		return;
	}
	n = fread(buf + 4, 1, REPLAY_MAX_FILE + 1, fp);
	fclose(fp);
	if (n > REPLAY_MAX_FILE) {
		fprintf(stderr, "replay: %s: over %u bytes, skipped\n", path, REPLAY_MAX_FILE);
	} else if (!messages) {
		LLVMFuzzerTestOneInput(buf + 4, n);
		replay_count++;
	} else {
		for (i = 0; i < sizeof replay_prefixes / sizeof replay_prefixes[0]; i++) {
			memcpy(buf, replay_prefixes[i], 4);
			LLVMFuzzerTestOneInput(buf, n + 4);
			replay_count++;
		}
	}
	free(buf);
}

static void replay_path(const char *path, int messages, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (stat(path, &st) != 0) {
		perror(path);
		replay_failed = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path, messages);
		return;
	}
	if (depth >= REPLAY_MAX_DEPTH || (d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= sizeof sub)
			continue;
		replay_path(sub, messages, depth + 1);
	}
	closedir(d);
}

/* The default set: regression inputs, and for the engine the test messages. */
static void replay_default(void)
{
	const char *top = getenv("top_srcdir");
	char p[4096];
	struct stat st;

	if (top == NULL || *top == '\0')
		top = ".";
	snprintf(p, sizeof p, "%s/fuzz/regress/%s", top, FUZZ_NAME);
	if (stat(p, &st) == 0)
		replay_path(p, 0, 0);
	if (strcmp(FUZZ_NAME, "config") == 0) {
		snprintf(p, sizeof p, "%s/conf", top);
		if (stat(p, &st) == 0)
			replay_path(p, 0, 0);
		return;
	}
	if (strcmp(FUZZ_NAME, "engine") != 0)
		return;
	snprintf(p, sizeof p, "%s/tests/golden", top);
	if (stat(p, &st) == 0)
		replay_path(p, 1, 0);
	snprintf(p, sizeof p, "%s/tests/data", top);
	if (stat(p, &st) == 0)
		replay_path(p, 1, 0);
}

int main(int argc, char **argv)
{
	int i, messages = 0;

	if (argc < 2) {
		replay_default();
	} else {
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "-m") == 0)
				messages = 1;
			else
				replay_path(argv[i], messages, 0);
		}
	}
	printf("replay_%s: %zu inputs replayed\n", FUZZ_NAME, replay_count);
	return replay_failed ? 1 : 0;
}
