/*
 * log.c - syslog and stderr logging for bouncetagd.
 *
 * The only file that calls syslog(3).  One line per call; a line is built
 * in a fixed buffer on the caller's stack (LOG_LINE_MAX bytes, longer lines
 * are cut), so nothing is allocated and nothing is owned.  The settings
 * (level, stderr) are plain ints written at start-up and on reload; a
 * reader that sees an old value for one line does no harm.
 */
#include "btconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static const char *log_ident = "bouncetagd";
static volatile int log_stderr = 1;
static volatile int log_level = LOG_INFO;

void
log_init(const char *ident, int facility, int to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void
log_set_stderr(int on)
{
	log_stderr = on;
}

void
log_set_level(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_level = level;
}

int
log_facility_parse(const char *name, int *facility)
{
	static const struct { const char *name; int fac; } tab[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON },
		{ "user", LOG_USER }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcasecmp(name, tab[i].name) == 0) {
			*facility = tab[i].fac;
			return 0;
		}
	}
	return -1;
}

/* Format, add ": strerror(errnum)" when errnum != 0, send. */
static void __attribute__((format(printf, 3, 0)))
log_vlog(int prio, int errnum, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n;

	if (prio > log_level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (errnum != 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s",
			 strerror(errnum));
	syslog(prio, "%s", line);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_ident, line);
}

#define LOG_FN(fname, prio, with_errno)				\
void									\
fname(const char *fmt, ...)						\
{									\
	int saved = errno;						\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vlog(prio, with_errno ? saved : 0, fmt, ap);		\
	va_end(ap);							\
	errno = saved;							\
}

LOG_FN(log_err, LOG_ERR, 1)
LOG_FN(log_errx, LOG_ERR, 0)
LOG_FN(log_warn, LOG_WARNING, 1)
LOG_FN(log_warnx, LOG_WARNING, 0)
LOG_FN(log_notice, LOG_NOTICE, 0)
LOG_FN(log_info, LOG_INFO, 0)
LOG_FN(log_debug, LOG_DEBUG, 0)
