/*
 * log.h - the daemon's logging: the only module that calls syslog(3).
 *
 * log_warn() appends strerror(errno); log_warnx() does not (OpenSMTPD
 * style).  Before log_init() and while "to stderr" is on (before detaching,
 * and always with -f) every line is also written to stderr.  Thread-safe:
 * each line is one syslog() call and one fprintf() call.  No memory is kept.
 */
#ifndef BT_LOG_H
#define BT_LOG_H

#include <stdarg.h>

/* Start logging as ident ("bouncetagd") to facility (LOG_MAIL, ...). */
void log_init(const char *ident, int facility, int to_stderr);
void log_set_stderr(int on);
/* Lines with a priority above level (LOG_ERR..LOG_DEBUG) are dropped. */
void log_set_level(int level);
/* "mail", "daemon", "local0".."local7", "user" -> LOG_*; 0 ok, -1 unknown. */
int log_facility_parse(const char *name, int *facility);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));	/* + errno */
void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));	/* + errno */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
