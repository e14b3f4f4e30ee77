/*
 * daemon.c - socket specs, stale sockets, privilege drop, detaching, the
 * pid file and signals for bouncetagd.
 *
 * Start-up functions report errors into the caller's errbuf and never log
 * or exit themselves.  Memory: nothing allocated outlives a call; the
 * signal thread keeps the two callback pointers it was given.
 *
 * Interposition (this file is linked into the executable, so its
 * definitions win over libc's for libmilter as well):
 *   accept(), accept4(): call the real one (dlsym RTLD_NEXT), then set
 *     TCP_NODELAY on AF_INET/AF_INET6 sockets.  libmilter writes a header
 *     change and the verdict as two small packets; with Nagle on, the
 *     second waits for the MTA's delayed ACK (~40 ms a message).
 *   sigwait(): libmilter's smfi_main() starts a thread that sigwait()s for
 *     SIGHUP, SIGTERM and SIGINT and stops the milter on any of them (so a
 *     SIGHUP would end the daemon).  Our own thread (sigwaitinfo(), not
 *     interposed) owns the three signals: SIGHUP reloads; SIGTERM and
 *     SIGINT are handed to libmilter's thread, whose sigwait() (ours)
 *     then returns SIGTERM, so libmilter stops itself the way it was
 *     written to (from its own thread, after its own initialisation: no
 *     smfi_stop() racing with smfi_main()).
 */
#include "btconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"

#define ERR(...) (snprintf(errbuf, errlen, __VA_ARGS__), -1)

/* ---- socket specs -------------------------------------------------------- */

int
daemon_socket_parse(const char *spec, int *is_unix, char *path,
		    size_t pathlen, char *errbuf, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	const char *p;
	size_t plen = pathlen < DAEMON_PATH_MAX ? pathlen : DAEMON_PATH_MAX;

	*is_unix = 0;
	if (*spec == '\0')
		return ERR("empty socket specification");
	if (colon == NULL || strncmp(spec, "unix:", 5) == 0 ||
	    strncmp(spec, "local:", 6) == 0) {
		p = colon == NULL ? spec : colon + 1;
		if (*p == '\0')
			return ERR("socket \"%s\": no path", spec);
		if (strlen(p) >= plen)
			return ERR("socket \"%s\": path longer than %zu bytes",
				   spec, plen - 1);
		*is_unix = 1;
		snprintf(path, pathlen, "%s", p);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) != 0 && strncmp(spec, "inet6:", 6) != 0)
		return ERR("socket \"%s\": expected unix:PATH, inet:PORT@HOST "
			   "or inet6:PORT@HOST", spec);
	if (colon[1] == '\0' || colon[1] == '@')
		return ERR("socket \"%s\": no port", spec);
	return 0;
}

int
daemon_socket_clear(const char *path, char *errbuf, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc, e;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return ERR("socket %s: %s", path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return ERR("socket %s: exists and is not a socket; not removing it",
			   path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return ERR("socket: %s", strerror(errno));
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	e = errno;
	close(fd);
	if (rc == 0)
		return ERR("socket %s is in use: another bouncetagd (or other "
			   "milter) answers on it", path);
	if (e != ECONNREFUSED && e != ENOENT)
		return ERR("socket %s: cannot tell whether it is in use: %s",
			   path, strerror(e));
	if (unlink(path) == -1 && errno != ENOENT)
		return ERR("cannot remove stale socket %s: %s", path,
			   strerror(errno));
	return 0;
}

int
daemon_socket_perms(const char *path, int mode, const char *owner,
		    const daemon_ids *ids, char *errbuf, size_t errlen)
{
	daemon_ids own;

	if (mode >= 0 && chmod(path, (mode_t)mode & 07777) == -1)
		return ERR("chmod %04o %s: %s", (unsigned)mode, path,
			   strerror(errno));
	if (owner != NULL && *owner != '\0') {
		if (daemon_user_lookup(owner, NULL, &own, errbuf, errlen) == -1)
			return -1;
		ids = &own;
	}
	if (ids == NULL || (geteuid() != 0 && ids->uid == geteuid()))
		return 0;
	if (chown(path, ids->uid, ids->gid) == -1)
		return ERR("chown %s %s: %s", ids->user, path, strerror(errno));
	return 0;
}

/* ---- users --------------------------------------------------------------- */

int
daemon_user_lookup(const char *spec, const char *group, daemon_ids *ids,
		   char *errbuf, size_t errlen)
{
	char name[64];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	struct passwd *pw;
	struct group *gr;

	if (len == 0 || len >= sizeof(name))
		return ERR("bad user \"%s\"", spec);
	memcpy(name, spec, len);
	name[len] = '\0';
	if (colon != NULL && colon[1] != '\0')
		group = colon + 1;
	errno = 0;
	if ((pw = getpwnam(name)) == NULL)
		return ERR("unknown user \"%s\"%s%s", name,
			   errno ? ": " : "", errno ? strerror(errno) : "");
	snprintf(ids->user, sizeof(ids->user), "%s", name);
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	if (group != NULL && *group != '\0') {
		errno = 0;
		if ((gr = getgrnam(group)) == NULL)
			return ERR("unknown group \"%s\"", group);
		ids->gid = gr->gr_gid;
	}
	return 0;
}

int
daemon_drop_privileges(const daemon_ids *ids, char *errbuf, size_t errlen)
{
	if (geteuid() != 0) {
		if (geteuid() == ids->uid && getegid() == ids->gid)
			return 0;
		return ERR("cannot switch to user %s: not started as root",
			   ids->user);
	}
	if (setgroups(1, &ids->gid) == -1)
		return ERR("setgroups: %s", strerror(errno));
	if (setgid(ids->gid) == -1)
		return ERR("setgid %lu: %s", (unsigned long)ids->gid,
			   strerror(errno));
	if (setuid(ids->uid) == -1)
		return ERR("setuid %s: %s", ids->user, strerror(errno));
	if (ids->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return ERR("could regain root after switching to %s", ids->user);
	return 0;
}

/* ---- pid file, detaching ------------------------------------------------- */

int
daemon_pidfile_open(const char *path, const daemon_ids *ids, char *errbuf,
		    size_t errlen)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	int as_user = ids != NULL && euid == 0 && ids->uid != 0;
	int fd, e;

	if (as_user && (setegid(ids->gid) == -1 || seteuid(ids->uid) == -1)) {
		e = errno;
		(void)setegid(egid);
		return ERR("cannot become %s to open the pid file: %s",
			   ids->user, strerror(e));
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	e = errno;
	if (as_user && (seteuid(euid) == -1 || setegid(egid) == -1)) {
		if (fd != -1)
			close(fd);
		return ERR("cannot switch back to root: %s", strerror(errno));
	}
	if (fd == -1)
		return ERR("cannot write pid file %s%s%s: %s", path,
			   as_user ? " as " : "", as_user ? ids->user : "",
			   strerror(e));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return ERR("pid file %s is locked: bouncetagd already "
				   "running?", path);
		return ERR("cannot lock pid file %s: %s", path, strerror(e));
	}
	return fd;
}

int
daemon_pidfile_write(int fd, char *errbuf, size_t errlen)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		return ERR("cannot write pid file: %s", strerror(errno));
	return 0;
}

void
daemon_pidfile_remove(const char *path, int fd)
{
	if (fd < 0)
		return;
	(void)unlink(path);	/* may fail when the directory is root's */
	(void)ftruncate(fd, 0);
	close(fd);
}

int
daemon_detach(char *errbuf, size_t errlen)
{
	pid_t pid = fork();
	int fd;

	if (pid == -1)
		return ERR("fork: %s", strerror(errno));
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		return ERR("setsid: %s", strerror(errno));
	if (chdir("/") == -1)
		return ERR("chdir /: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return ERR("/dev/null: %s", strerror(errno));
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* ---- signals ------------------------------------------------------------- */

static sigset_t daemon_sigset;
static void (*daemon_reload_fn)(void);
static void (*daemon_stop_fn)(int);
static sem_t daemon_stop_sem;	/* posted once: libmilter's thread may stop */

static void
daemon_sigset_init(void)
{
	sigemptyset(&daemon_sigset);
	sigaddset(&daemon_sigset, SIGHUP);
	sigaddset(&daemon_sigset, SIGTERM);
	sigaddset(&daemon_sigset, SIGINT);
}

int
daemon_signals_block(char *errbuf, size_t errlen)
{
	struct sigaction sa;
	int rc;

	daemon_sigset_init();
	if (sem_init(&daemon_stop_sem, 0, 0) == -1)
		return ERR("sem_init: %s", strerror(errno));
	if ((rc = pthread_sigmask(SIG_BLOCK, &daemon_sigset, NULL)) != 0)
		return ERR("pthread_sigmask: %s", strerror(rc));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		return ERR("sigaction SIGPIPE: %s", strerror(errno));
	return 0;
}

static void *
daemon_signal_thread(void *arg)
{
	int sig;

	(void)arg;
	for (;;) {
		sig = sigwaitinfo(&daemon_sigset, NULL);
		if (sig == -1)
			continue;	/* EINTR */
		if (sig == SIGHUP) {
			daemon_reload_fn();
			continue;
		}
		daemon_stop_fn(sig);
		sem_post(&daemon_stop_sem);	/* wakes libmilter's thread */
		return NULL;
	}
}

int
daemon_signals_start(void (*reload)(void), void (*stop)(int sig),
		     char *errbuf, size_t errlen)
{
	pthread_t tid;
	int rc;

	daemon_reload_fn = reload;
	daemon_stop_fn = stop;
	if ((rc = pthread_create(&tid, NULL, daemon_signal_thread, NULL)) != 0)
		return ERR("cannot start the signal thread: %s", strerror(rc));
	pthread_detach(tid);
	return 0;
}

/*
 * libmilter's signal thread calls this: wait until our signal thread got
 * SIGTERM or SIGINT, then answer SIGTERM (libmilter: a clean stop).
 */
int
sigwait(const sigset_t *set, int *sig)
{
	(void)set;
	while (sem_wait(&daemon_stop_sem) == -1)
		;	/* EINTR */
	*sig = SIGTERM;
	return 0;
}

/* ---- accept() with TCP_NODELAY --------------------------------------------- */

typedef int (*daemon_accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*daemon_accept4_fn)(int, struct sockaddr *, socklen_t *, int);

static _Atomic unsigned long daemon_nodelay_n;

unsigned long
daemon_nodelay_count(void)
{
	return atomic_load(&daemon_nodelay_n);
}

static void
daemon_nodelay(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int one = 1;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0)
		atomic_fetch_add(&daemon_nodelay_n, 1);
}

int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	static _Atomic(daemon_accept_fn) real;
	daemon_accept_fn fn = atomic_load(&real);
	int s;

	if (fn == NULL) {
		fn = (daemon_accept_fn)dlsym(RTLD_NEXT, "accept");
		if (fn == NULL) {
			errno = ENOSYS;
			return -1;
		}
		atomic_store(&real, fn);
	}
	if ((s = fn(fd, addr, len)) >= 0)
		daemon_nodelay(s);
	return s;
}

int
accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	static _Atomic(daemon_accept4_fn) real;
	daemon_accept4_fn fn = atomic_load(&real);
	int s;

	if (fn == NULL) {
		fn = (daemon_accept4_fn)dlsym(RTLD_NEXT, "accept4");
		if (fn == NULL) {
			errno = ENOSYS;
			return -1;
		}
		atomic_store(&real, fn);
	}
	if ((s = fn(fd, addr, len, flags)) >= 0)
		daemon_nodelay(s);
	return s;
}
