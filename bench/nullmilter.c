/*
 * NAME
 *	nullmilter - a milter that accepts everything (benchmark floor)
 * SYNOPSIS
 *	cc -O2 -o nullmilter bench/nullmilter.c -lmilter -lpthread -ldl
 *	nullmilter -p SOCKET [-e] [-r] [-N]
 * DESCRIPTION
 *	The least a libmilter milter can do: every callback continues, end of
 *	message accepts.  bench/milter-bench.sh measures Postfix with it, so
 *	that bouncetagd's throughput can be set against the cost of the milter
 *	protocol itself.
 *
 *	It negotiates the same steps as bouncetagd (no CONNECT, HELO, RCPT,
 *	UNKNOWN; MAIL, headers, end of headers, body, end of message; DATA
 *	only on TCP: skipping it there leaves the MTA's DATA macros without a
 *	reply, and its next write waits in its Nagle buffer for our delayed
 *	ACK, 40 ms a message).
 *	-e  accept at end of headers when the envelope sender is not null,
 *	    as bouncetagd does for mail that is no bounce (its body is then
 *	    never sent); without -e every body is read.
 *	-r  also negotiate the no-reply steps (SMFIP_NR_*).
 *	-N  set TCP_NODELAY on accepted TCP connections (accept() is
 *	    interposed, as in bouncetagd).
 *	SIGTERM or SIGINT stop it (libmilter's own handling).
 * DIAGNOSTICS
 *	Start-up errors go to stderr, exit 1.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static int null_eoh_accept;
static int null_no_reply;
static int null_nodelay;
static int null_tcp;		/* inet socket: keep the DATA step */

typedef int (*null_accept_fn)(int, struct sockaddr *, socklen_t *);

/* libmilter calls accept(); ours sets TCP_NODELAY on TCP sockets (-N). */
int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	static null_accept_fn real;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int s, one = 1;

	if (real == NULL &&
	    (real = (null_accept_fn)dlsym(RTLD_NEXT, "accept")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	s = real(fd, addr, len);
	if (s >= 0 && null_nodelay &&
	    getsockname(s, (struct sockaddr *)&ss, &sl) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6))
		(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

static sfsistat
null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
	       unsigned long f2, unsigned long f3, unsigned long *pf0,
	       unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long steps = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NORCPT |
		SMFIP_NOUNKNOWN | SMFIP_SKIP;

	(void)ctx; (void)f2; (void)f3;
	if (!null_tcp)
		steps |= SMFIP_NODATA;
	if (null_no_reply)
		steps |= SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL |
			SMFIP_NR_RCPT | SMFIP_NR_DATA | SMFIP_NR_UNKN |
			SMFIP_NR_HDR;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE);
	*pf1 = f1 & steps;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

/* A context pointer that only says "null sender" (no allocation). */
static char null_is_bounce;

static sfsistat
null_envfrom(SMFICTX *ctx, char **argv)
{
	int bounce = argv[0] == NULL || strcmp(argv[0], "<>") == 0;

	smfi_setpriv(ctx, bounce ? &null_is_bounce : NULL);
	return null_no_reply ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat
null_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx; (void)name; (void)value;
	return null_no_reply ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat
null_eoh(SMFICTX *ctx)
{
	if (null_eoh_accept && smfi_getpriv(ctx) == NULL)
		return SMFIS_ACCEPT;
	return SMFIS_CONTINUE;
}

static sfsistat
null_body(SMFICTX *ctx, unsigned char *b, size_t len)
{
	(void)ctx; (void)b; (void)len;
	return SMFIS_CONTINUE;
}

static sfsistat
null_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

static sfsistat
null_close(SMFICTX *ctx)
{
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d;
	const char *sock = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "p:erN")) != -1) {
		switch (ch) {
		case 'p': sock = optarg; break;
		case 'e': null_eoh_accept = 1; break;
		case 'r': null_no_reply = 1; break;
		case 'N': null_nodelay = 1; break;
		default:
			fprintf(stderr, "usage: nullmilter -p SOCKET [-e] [-r] [-N]\n");
			return 1;
		}
	}
	if (sock == NULL) {
		fprintf(stderr, "usage: nullmilter -p SOCKET [-e] [-r] [-N]\n");
		return 1;
	}
	null_tcp = strncmp(sock, "inet", 4) == 0;
	memset(&d, 0, sizeof(d));
	d.xxfi_name = (char *)"nullmilter";
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	d.xxfi_envfrom = null_envfrom;
	d.xxfi_header = null_header;
	d.xxfi_eoh = null_eoh;
	d.xxfi_body = null_body;
	d.xxfi_eom = null_eom;
	d.xxfi_close = null_close;
	d.xxfi_negotiate = null_negotiate;
	if (smfi_register(d) != MI_SUCCESS || smfi_setconn((char *)sock) !=
	    MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot open %s\n", sock);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
