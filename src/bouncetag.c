/*
 * NAME
 *	bouncetag - classify bounce messages from files, mboxes, maildirs
 *
 * SYNOPSIS
 *	bouncetag [--format=json|headers|summary] [--policy FILE]
 *		[--sender ADDR] [--chunk N] FILE|DIR|- ...
 *	bouncetag --list-codes
 *
 * DESCRIPTION
 *	The offline front end of the engine: every message is fed through
 *	rawfeed in chunks, as the milter would feed it, and the result is
 *	printed by output.c.  With --policy the policy file's caps, ruleset,
 *	header settings and policy are used (config_load()); without it the
 *	daemon's built-in configuration (config_default()).
 *
 * DIAGNOSTICS
 *	Exit 0 when every input was read, 1 when one could not be read
 *	(errors name the file), 2 on a usage error or a bad policy file.
 *
 * MEMORY
 *	main() owns the config, the engine, the rawfeed and the output, and
 *	frees them before it returns.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btconfig.h"
#include "codes.h"
#include "config.h"
#include "engine.h"
#include "input.h"
#include "output.h"
#include "rawfeed.h"

#define BOUNCETAG_CHUNK_MAX	(1024u * 1024u)
/* The default chunk: 64 KiB, the size of the body chunks a milter is
 * given (libmilter's are at most 65535 bytes).  The result does not
 * depend on it; smaller chunks only cost more calls and more lines
 * joined across chunks (4096 cost 0.8 % more instructions on b1). */
#define BOUNCETAG_CHUNK		65536u

typedef struct bouncetag_args {
	output_format format;
	int format_set;
	int list_codes;
	const char *policy_file;
	const char *sender;
	size_t chunk;
} bouncetag_args;

static void
bouncetag_usage(FILE *f)
{
	fprintf(f,
	    "usage: bouncetag [options] FILE|DIR|- ...\n"
	    "       bouncetag --list-codes\n"
	    "Classify bounce messages (single files, mbox files, maildirs,\n"
	    "directories, or - for standard input).\n"
	    "\n"
	    "  --format=json|headers|summary  output format (default: summary on a\n"
	    "                                 terminal, json otherwise)\n"
	    "  --list-codes                   print the status-code table\n"
	    "  --policy FILE                  use this policy file (caps, rules,\n"
	    "                                 headers, policy)\n"
	    "  --sender ADDR                  envelope sender to assume\n"
	    "  --chunk N                      body chunk size fed to the engine\n"
	    "                                 (default 65536)\n"
	    "  -h, --help                     this help\n"
	    "  -V, --version                  print the version\n"
	    "\n"
	    "Exit status: 0 all inputs read, 1 an input could not be read,\n"
	    "2 usage error or bad policy file.\n");
}

static int
bouncetag_parse_chunk(const char *s, size_t *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > BOUNCETAG_CHUNK_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Returns -1 to exit 2, 1 to exit 0 (help/version), 0 to go on. */
static int
bouncetag_options(int argc, char **argv, bouncetag_args *a)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "list-codes", no_argument, NULL, 'l' },
		{ "policy", required_argument, NULL, 'p' },
		{ "sender", required_argument, NULL, 's' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (output_format_parse(optarg, &a->format) < 0) {
				fprintf(stderr, "bouncetag: unknown format '%s' (json, headers, summary)\n", optarg);
				return -1;
			}
			a->format_set = 1;
			break;
		case 'l': a->list_codes = 1; break;
		case 'p': a->policy_file = optarg; break;
		case 's': a->sender = optarg; break;
		case 'c':
			if (bouncetag_parse_chunk(optarg, &a->chunk) < 0) {
				fprintf(stderr, "bouncetag: --chunk wants a number from 1 to %u\n",
					BOUNCETAG_CHUNK_MAX);
				return -1;
			}
			break;
		case 'h':
			bouncetag_usage(stdout);
			return 1;
		case 'V':
			printf("bouncetag %s\n", PACKAGE_VERSION);
			return 1;
		default:
			bouncetag_usage(stderr);
			return -1;
		}
	}
	if (!a->format_set)
		a->format = isatty(STDOUT_FILENO) ? OUTPUT_SUMMARY : OUTPUT_JSON;
	if (!a->list_codes && optind >= argc) {
		fprintf(stderr, "bouncetag: no input given (FILE, DIR or -)\n");
		bouncetag_usage(stderr);
		return -1;
	}
	return 0;
}

static void
bouncetag_list_codes(void)
{
	const codes_entry *t;
	size_t n, i;

	t = codes_table(&n);
	for (i = 0; t != NULL && i < n; i++)
		printf("%s\t%s\t%s\n", t[i].code, t[i].reason ? t[i].reason : "-",
		       t[i].text ? t[i].text : "");
}

static void
bouncetag_on_message(void *arg, const char *file, size_t msgno,
		     const bt_result *r)
{
	output_message(arg, file, msgno, r);
}

/* Read every input through one engine; 0 when all were read, else 1. */
static int
bouncetag_run(const bouncetag_args *a, bt_config *cfg, int with_policy,
	      char **files, int nfiles)
{
	output_opts oo;
	input_opts io;
	engine *e;
	rawfeed *rf;
	output *out;
	int i, rc = 0;

	memset(&oo, 0, sizeof(oo));
	oo.format = a->format;
	oo.hdr = &cfg->hdr;
	/* Without --policy the built-in default applies (tag every bounce);
	 * output.c does that itself, and JSON then carries no policy keys. */
	oo.policy = with_policy ? cfg->policy : NULL;
	oo.sender = a->sender;
	oo.internal = cfg->internal_mail;
	memset(&io, 0, sizeof(io));
	io.sender = a->sender;
	io.chunk = a->chunk;
	e = engine_new(&cfg->caps, cfg->rules);
	rf = e ? rawfeed_new(e) : NULL;
	out = output_new(stdout, &oo);
	if (e == NULL || rf == NULL || out == NULL) {
		fprintf(stderr, "bouncetag: out of memory\n");
		rc = 1;
	}
	for (i = 0; out != NULL && rf != NULL && i < nfiles; i++)
		if (input_path(rf, files[i], &io, bouncetag_on_message, out) < 0)
			rc = 1;
	if (out != NULL)
		output_finish(out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "bouncetag: error writing standard output\n");
		rc = 1;
	}
	output_free(out);
	rawfeed_free(rf);
	engine_free(e);
	return rc;
}

int
main(int argc, char **argv)
{
	bouncetag_args a;
	bt_config *cfg = NULL;
	char err[512];
	int rc;

	memset(&a, 0, sizeof(a));
	a.chunk = BOUNCETAG_CHUNK;
	rc = bouncetag_options(argc, argv, &a);
	if (rc != 0)
		return rc < 0 ? 2 : 0;
	if (a.list_codes) {
		bouncetag_list_codes();
		return 0;
	}
	err[0] = '\0';
	if (a.policy_file != NULL) {
		if ((cfg = config_load(a.policy_file, err, sizeof(err))) == NULL) {
			fprintf(stderr, "bouncetag: %s\n",
				err[0] ? err : a.policy_file);
			return 2;
		}
	} else if ((cfg = config_default(err, sizeof(err))) == NULL) {
		fprintf(stderr, "bouncetag: built-in configuration: %s\n",
			err[0] ? err : "failed");
		return 2;
	}
	rc = bouncetag_run(&a, cfg, a.policy_file != NULL, argv + optind,
			   argc - optind);
	config_free(cfg);
	return rc;
}
