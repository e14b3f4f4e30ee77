/*
 * daemon.h - the Unix side of bouncetagd: milter socket specs (stale socket
 * removal, mode and owner), users and privilege drop, detaching, the pid
 * file and the signal thread.  No libmilter, no engine.
 *
 * Every function that can fail at start-up returns -1 and writes a
 * one-line message into the caller's errbuf; the caller prints it and
 * exits before detaching.  Nothing here allocates memory that outlives a
 * call, except the signal thread (which runs until the process exits).
 *
 * daemon.c also interposes accept()/accept4() for the whole executable
 * (TCP_NODELAY on accepted TCP sockets: libmilter's small reply writes
 * would otherwise stall on Nagle + delayed ACK, ~40 ms a message) and
 * sigwait() (so that libmilter's own signal thread never takes SIGHUP,
 * SIGTERM or SIGINT: the thread started by daemon_signals_start() does,
 * and tells libmilter's thread when to stop).
 */
#ifndef BT_DAEMON_H
#define BT_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

#define DAEMON_PATH_MAX 108	/* sizeof(sun_path) on Linux */

/* A socket spec as libmilter takes it: "unix:/path", "local:/path",
 * "/path", "inet:PORT[@HOST]", "inet6:PORT[@HOST]".  Fills *is_unix and,
 * for unix sockets, path.  Returns 0, or -1 with errbuf set. */
int daemon_socket_parse(const char *spec, int *is_unix, char *path,
			size_t pathlen, char *errbuf, size_t errlen);
/* Before opening a unix socket: if path exists and is a socket nobody
 * answers on, remove it; refuse when another process answers or when path
 * is not a socket.  Returns 0, or -1 with errbuf set. */
int daemon_socket_clear(const char *path, char *errbuf, size_t errlen);
typedef struct daemon_ids {
	char user[64];
	uid_t uid;
	gid_t gid;
} daemon_ids;

/* After opening: chmod to mode (if mode >= 0) and chown to owner
 * "user[:group]", or, when owner is NULL, to *ids (the user the daemon
 * will run as; NULL: leave the owner alone). */
int daemon_socket_perms(const char *path, int mode, const char *owner,
			const daemon_ids *ids, char *errbuf, size_t errlen);

/* Look up "user[:group]" (group: override, may be NULL). */
int daemon_user_lookup(const char *spec, const char *group, daemon_ids *ids,
		       char *errbuf, size_t errlen);
/* setgroups, setgid, setuid; then check root cannot be regained. */
int daemon_drop_privileges(const daemon_ids *ids, char *errbuf, size_t errlen);

/* Open and lock the pid file, before dropping privileges but with the
 * effective ids of *ids (the user the daemon will run as; NULL: as we
 * are), so that it is made by and writable for that user and a failure can
 * still be cleaned up as root.  Returns the fd, or -1 with errbuf set (also
 * when another process holds the lock). */
int daemon_pidfile_open(const char *path, const daemon_ids *ids,
			char *errbuf, size_t errlen);
/* Write getpid() into it (after detaching). */
int daemon_pidfile_write(int fd, char *errbuf, size_t errlen);
/* At exit: remove and close. */
void daemon_pidfile_remove(const char *path, int fd);

/* fork; the parent exits 0; the child starts a new session, chdir("/"),
 * stdin/stdout/stderr on /dev/null. */
int daemon_detach(char *errbuf, size_t errlen);

/* Block SIGHUP, SIGTERM, SIGINT (and ignore SIGPIPE) in the calling thread:
 * call from main before any thread is started. */
int daemon_signals_block(char *errbuf, size_t errlen);
/* Start the signal thread: SIGHUP calls reload(); SIGTERM or SIGINT calls
 * stop(sig) (to log it), then makes libmilter's smfi_main() return, and the
 * thread ends.  Both callbacks run on the signal thread. */
int daemon_signals_start(void (*reload)(void), void (*stop)(int sig),
			 char *errbuf, size_t errlen);

/* Number of accepted TCP sockets given TCP_NODELAY (for tests/logs). */
unsigned long daemon_nodelay_count(void);

#endif
