/*
 * bouncetagd.c - main() of the bounce-classifying milter daemon.
 *
 * Reads the flags and the policy file, then starts up in this order: open
 * the milter socket (removing a stale unix socket, refusing one in use),
 * set its mode and owner, open the pid file (with the run-as user's ids,
 * so that a failure can still be cleaned up as root), drop privileges,
 * refuse to go on as root unless allowed, detach (unless -f), write the
 * pid, start the signal thread, run libmilter.  Start-up errors go to stderr (and syslog)
 * and exit 1 before detaching.  SIGHUP reloads the policy file (the old one
 * stays when the new one has an error); SIGTERM and SIGINT stop cleanly.
 *
 * Memory: the flag values point into argv; the configuration belongs to
 * milter.c once installed (milter_config_set).
 */
#include "btconfig.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "milter.h"

#define BOUNCETAGD_CONF		SYSCONFDIR "/bouncetag.conf"
#define BOUNCETAGD_SOCKET	"inet:8893@127.0.0.1"	/* as config.c */

typedef struct bouncetagd_opts {
	const char *conf;	/* -c; NULL: default file if any, else embedded */
	const char *socket;	/* -p */
	const char *user;	/* -u USER[:GROUP] */
	const char *pidfile;	/* -P */
	int foreground;		/* -f */
	int check;		/* -n */
} bouncetagd_opts;

/* What SIGHUP reloads: the file given with -c or found at start-up. */
static const char *bouncetagd_conf_path;
/* The unix socket and pid file we made, removed when start-up fails. */
static char bouncetagd_sock_path[DAEMON_PATH_MAX];
static const char *bouncetagd_pid_path;

/* A start-up error: say it, remove our socket and pid file, exit 1. */
static void __attribute__((noreturn))
bouncetagd_die(const char *msg)
{
	log_errx("%s", msg);
	if (bouncetagd_sock_path[0] != '\0')
		(void)unlink(bouncetagd_sock_path);
	if (bouncetagd_pid_path != NULL)
		(void)unlink(bouncetagd_pid_path);
	exit(1);
}

static void
bouncetagd_usage(FILE *f)
{
	fprintf(f,
"usage: bouncetagd [-fnhV] [-c FILE] [-p SOCKET] [-u USER[:GROUP]] [-P PIDFILE]\n"
"  -c FILE    policy file (default %s if it exists,\n"
"             else the embedded default: tag every bounce, refuse nothing)\n"
"  -p SOCKET  milter socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
"             (default: the file's socket setting, else inet:8893@127.0.0.1)\n"
"  -u USER[:GROUP]  run as this user (needed when started as root)\n"
"  -P PIDFILE write the process id here\n"
"  -f         stay in the foreground and log to stderr as well\n"
"  -n         check the policy file and exit (0: OK, 1: error)\n"
"  -V         print the version and exit\n"
"  -h         this help\n"
"SIGHUP reloads the policy file; SIGTERM and SIGINT stop.\n",
		BOUNCETAGD_CONF);
}

static bt_config *
bouncetagd_load(const char *path, char *errbuf, size_t errlen)
{
	return path != NULL ? config_load(path, errbuf, errlen) :
		config_default(errbuf, errlen);
}

/* -n: "FILE: OK" or the error; exit status. */
static int
bouncetagd_check(const char *path)
{
	char err[512];
	bt_config *c = bouncetagd_load(path, err, sizeof(err));

	if (c == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%s: OK\n", path ? path : "(embedded default)");
	config_free(c);
	return 0;
}

/* SIGHUP, on the signal thread. */
static void
bouncetagd_reload(void)
{
	char err[512];
	bt_config *c = bouncetagd_load(bouncetagd_conf_path, err, sizeof(err));

	if (c == NULL) {
		log_errx("reload failed, keeping the current policy: %s", err);
		return;
	}
	log_set_level(c->log_level);
	log_notice("reloaded %s (socket, user and pid file changes need a "
		   "restart)", bouncetagd_conf_path ? bouncetagd_conf_path :
		   "the embedded default policy");
	milter_config_set(c);
}

/* SIGTERM, SIGINT, on the signal thread (daemon.c then stops libmilter). */
static void
bouncetagd_stop(int sig)
{
	log_notice("%s received, shutting down", sig == SIGINT ? "SIGINT" :
		   "SIGTERM");
}

static void
bouncetagd_parse(int argc, char **argv, bouncetagd_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt(argc, argv, "c:p:u:P:fnVh")) != -1) {
		switch (ch) {
		case 'c': o->conf = optarg; break;
		case 'p': o->socket = optarg; break;
		case 'u': o->user = optarg; break;
		case 'P': o->pidfile = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'n': o->check = 1; break;
		case 'V':
			printf("bouncetagd %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			bouncetagd_usage(stdout);
			exit(0);
		default:
			bouncetagd_usage(stderr);
			exit(1);
		}
	}
	if (optind != argc) {
		bouncetagd_usage(stderr);
		exit(1);
	}
	if (o->conf == NULL && access(BOUNCETAGD_CONF, F_OK) == 0)
		o->conf = BOUNCETAGD_CONF;
}

/* Look up the user to run as (-u, else the file's user); NULL: none. */
static const daemon_ids *
bouncetagd_user(const bt_config *c, const char *user, daemon_ids *ids)
{
	char err[512];

	if (user == NULL)
		user = c->user;
	if (user == NULL || *user == '\0')
		return NULL;
	if (daemon_user_lookup(user, strchr(user, ':') ? NULL : c->group, ids,
			       err, sizeof(err)) == -1)
		bouncetagd_die(err);
	return ids;
}

/* Open the socket; set its mode and owner (socket-owner, else the user
 * we will run as).  Exits on error. */
static void
bouncetagd_socket(const bt_config *c, const char *spec, const daemon_ids *ids)
{
	char err[512], path[DAEMON_PATH_MAX];
	int is_unix;

	if (daemon_socket_parse(spec, &is_unix, path, sizeof(path), err,
				sizeof(err)) == -1 ||
	    (is_unix && daemon_socket_clear(path, err, sizeof(err)) == -1) ||
	    milter_open(spec, c->timeout, is_unix, err, sizeof(err)) == -1)
		bouncetagd_die(err);
	if (is_unix)
		snprintf(bouncetagd_sock_path, sizeof(bouncetagd_sock_path),
			 "%s", path);
	if (is_unix && daemon_socket_perms(path, c->socket_mode,
					   c->socket_owner, ids, err,
					   sizeof(err)) == -1)
		bouncetagd_die(err);
}

/* Drop privileges; refuse root unless allowed.  Exits on error. */
static void
bouncetagd_privileges(const bt_config *c, const daemon_ids *ids)
{
	char err[512];

	if (ids != NULL && daemon_drop_privileges(ids, err, sizeof(err)) == -1)
		bouncetagd_die(err);
	if (geteuid() == 0 && !c->allow_root)
		bouncetagd_die("refusing to run as root: give a user (-u USER "
			       "or user in the policy file), or set allow-root");
}

int
main(int argc, char **argv)
{
	bouncetagd_opts o;
	bt_config *c;
	daemon_ids idbuf;
	const daemon_ids *ids;
	char err[512], ver[32];
	const char *spec, *pidfile;
	int fac = LOG_MAIL, pidfd = -1, rc;

	/* libmilter serves connections from a pool of threads; glibc would
	 * give each its own malloc arena, which multiplies the resident size
	 * (measured under load: 18 MB with the default, under 8 MB with one
	 * arena, the same throughput).  Two arenas keep most of that saving. */
	(void)mallopt(M_ARENA_MAX, 2);
	bouncetagd_parse(argc, argv, &o);
	if (o.check)
		return bouncetagd_check(o.conf);
	log_init("bouncetagd", LOG_MAIL, 1);
	bouncetagd_conf_path = o.conf;
	if ((c = bouncetagd_load(o.conf, err, sizeof(err))) == NULL) {
		log_errx("%s", err);
		return 1;
	}
	if (c->syslog_facility != NULL &&
	    log_facility_parse(c->syslog_facility, &fac) == -1)
		log_warnx("unknown syslog facility \"%s\", using mail",
			  c->syslog_facility);
	log_init("bouncetagd", fac, 1);
	log_set_level(c->log_level);
	spec = o.socket ? o.socket : c->socket ? c->socket : BOUNCETAGD_SOCKET;
	pidfile = o.pidfile ? o.pidfile : c->pidfile;

	if (daemon_signals_block(err, sizeof(err)) == -1) {
		log_errx("%s", err);
		return 1;
	}
	ids = bouncetagd_user(c, o.user, &idbuf);
	bouncetagd_socket(c, spec, ids);
	if (pidfile != NULL && *pidfile != '\0' &&
	    (pidfd = daemon_pidfile_open(pidfile, ids, err, sizeof(err))) == -1)
		bouncetagd_die(err);
	bouncetagd_pid_path = pidfd != -1 ? pidfile : NULL;
	bouncetagd_privileges(c, ids);
	if (!o.foreground && daemon_detach(err, sizeof(err)) == -1)
		bouncetagd_die(err);
	log_set_stderr(o.foreground);
	if (pidfd != -1 && daemon_pidfile_write(pidfd, err, sizeof(err)) == -1)
		log_errx("%s", err);	/* detached: carry on */
	milter_config_set(c);
	if (daemon_signals_start(bouncetagd_reload, bouncetagd_stop, err,
				 sizeof(err)) == -1) {
		log_errx("%s", err);
		return 1;
	}
	log_notice("version %s (libmilter %s) starting on %s, policy %s",
		   PACKAGE_VERSION, milter_libversion(ver, sizeof(ver)), spec,
		   o.conf ? o.conf : "(embedded default)");
	rc = milter_run();
	log_notice("stopped%s; %lu TCP connections had TCP_NODELAY set",
		   rc == 0 ? "" : " (libmilter error)", daemon_nodelay_count());
	daemon_pidfile_remove(pidfile, pidfd);
	milter_config_set(NULL);
	return rc == 0 ? 0 : 1;
}
