/*
 * NAME
 *	conftext - the policy file as text: reading, comments, value syntax
 *
 * SYNOPSIS
 *	char *text = conftext_read(path, err, sizeof(err));
 *	if (!conftext_check(CONFTEXT_SOCKET, value, &expected)) ...
 *
 * DESCRIPTION
 *	config.c hands values to libconfuse callbacks; the syntax of each
 *	kind of value is decided here, in plain C, so the rules are in one
 *	place and need no libconfuse to test.
 *
 *	conftext_read() reads a whole policy file with limits and blanks its
 *	comments before libconfuse sees it: libconfuse 3.3 counts three lines
 *	for every '#' comment line, which would make every later error point
 *	at the wrong line.  It also finds a '{' that is never closed, which
 *	libconfuse 3.3 silently accepts at the end of a file.
 *
 *	Globs are checked so that a value an unquoted '*' was cut from
 *	(libconfuse ends an unquoted word at '*': 5.7.* arrives as "5.7.",
 *	*.example.org as ".example.org") is an error, not a silent non-match.
 *
 * MEMORY
 *	conftext_read() returns a heap copy that the caller frees.  Everything
 *	else only reads its arguments; names returned are static.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conftext.h"

#define CONFTEXT_ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define CONFTEXT_MAX_NAME	64
#define CONFTEXT_MAX_TEXT	400
#define CONFTEXT_MAX_PATTERN	1024
#define CONFTEXT_MAX_PATH	1024
#define CONFTEXT_MAX_SUN	107	/* sun_path holds 108 bytes with the NUL */

static int
conftext_only(const char *s, const char *set)
{
	return *s != '\0' && strspn(s, set) == strlen(s);
}

/* No control characters, 1 to max bytes. */
static int
conftext_printable(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return n > 0 && n <= max;
}

static int
conftext_socket(const char *v)
{
	const char *p = strchr(v, ':');
	unsigned long port;
	char *end;

	if (p == NULL)
		return 0;
	p++;
	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0)
		return *p == '/' && conftext_printable(p, CONFTEXT_MAX_SUN);
	if (strncmp(v, "inet:", 5) != 0 && strncmp(v, "inet6:", 6) != 0)
		return 0;
	if (!isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	port = strtoul(p, &end, 10);
	if (errno != 0 || port < 1 || port > 65535)
		return 0;
	return *end == '\0' || (*end == '@' && strlen(end) <= 256 &&
				conftext_only(end + 1, CONFTEXT_ALNUM ".-:[]_"));
}

static int
conftext_user(const char *v, int owner)
{
	const char *colon = strchr(v, ':');

	if (strlen(v) > 2 * CONFTEXT_MAX_NAME || !conftext_only(v, CONFTEXT_ALNUM "._-:") ||
	    v[0] == ':' || v[0] == '-')
		return 0;
	if (colon == NULL)
		return 1;
	return owner && colon[1] != '\0' && strchr(colon + 1, ':') == NULL;
}

static int
conftext_prefix(const char *v)
{
	const char *s;

	for (s = v; *s != '\0'; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == ':')
			return 0;
	return *v != '\0' && strlen(v) <= CONFTEXT_MAX_NAME;
}

/* "5.1.1", "5.7.*", "5.*", "*": dot-separated parts of digits, '*' or '?',
 * three parts unless the last one ends in '*'. */
static int
conftext_status(const char *v)
{
	const char *p = v;
	int parts = 0;
	size_t n;

	while ((n = strspn(p, "0123456789*?")) > 0 && n <= 3) {
		p += n;
		parts++;
		if (*p != '.')
			break;
		p++;
	}
	return *p == '\0' && p > v && p[-1] != '.' && parts <= 3 &&
	       (parts == 3 || p[-1] == '*');
}

static int
conftext_replyglob(const char *v)
{
	size_t n = strlen(v);

	return conftext_only(v, "0123456789*?") && (n == 3 || (n < 3 && strchr(v, '*'))) &&
	       strchr("245*?", v[0]) != NULL;
}

static int
conftext_domain(const char *v, int host)
{
	size_t n = strlen(v);

	return n > 0 && n <= 255 && v[0] != '.' && v[n - 1] != '.' &&
	       conftext_only(v, host ? CONFTEXT_ALNUM ".-_*?:[]" : CONFTEXT_ALNUM ".-_*?");
}

static int
conftext_enhanced(const char *v)
{
	int a, b;
	char tail;

	return (v[0] == '4' || v[0] == '5') && v[1] == '.' &&
	       conftext_only(v + 2, "0123456789.") &&
	       sscanf(v + 2, "%3d.%3d%c", &a, &b, &tail) == 2;
}

int
conftext_check(conftext_kind k, const char *v, const char **expected)
{
	static const char *const what[CONFTEXT__COUNT] = {
		"unix:/PATH, local:/PATH, inet:PORT@HOST or inet6:PORT@HOST",
		"USER or USER:GROUP",
		"a user or group name",
		"an absolute path",
		"printable ASCII without space or colon (such as \"X-Bounce-\")",
		"1 to 400 printable characters (no control characters)",
		"1 to 1024 printable characters (no control characters)",
		"a status such as 5.1.1 or a quoted glob such as \"5.7.*\"",
		"a status such as 5.1.1, a quoted glob such as \"5.7.*\" or a reply code such as 550",
		"a reply code such as 550 or a quoted glob such as \"55?\"",
		"a name such as example.org or a quoted glob such as \"*.example.org\"",
		"a host name such as mx.example.org or a quoted glob such as \"*.example.org\"",
		"a 4xx or 5xx reply code such as 550",
		"an enhanced status such as 5.7.1 or 4.7.1",
		"a name of letters, digits, '.', '_' and '-' (at most 64)",
	};
	int ok = 0;

	if (v == NULL || (unsigned)k >= CONFTEXT__COUNT)
		return 0;
	switch (k) {
	case CONFTEXT_SOCKET: ok = conftext_socket(v); break;
	case CONFTEXT_OWNER: ok = conftext_user(v, 1); break;
	case CONFTEXT_USER: ok = conftext_user(v, 0); break;
	case CONFTEXT_PATH: ok = v[0] == '/' && conftext_printable(v, CONFTEXT_MAX_PATH); break;
	case CONFTEXT_PREFIX: ok = conftext_prefix(v); break;
	case CONFTEXT_TEXT: ok = conftext_printable(v, CONFTEXT_MAX_TEXT); break;
	case CONFTEXT_PATTERN: ok = conftext_printable(v, CONFTEXT_MAX_PATTERN); break;
	case CONFTEXT_STATUS: ok = conftext_status(v); break;
	case CONFTEXT_FILTER:
		ok = conftext_status(v) || (strlen(v) == 3 && conftext_only(v, "0123456789"));
		break;
	case CONFTEXT_REPLYGLOB: ok = conftext_replyglob(v); break;
	case CONFTEXT_DOMAIN: ok = conftext_domain(v, 0); break;
	case CONFTEXT_HOST: ok = conftext_domain(v, 1); break;
	case CONFTEXT_REPLYCODE:
		ok = strlen(v) == 3 && (v[0] == '4' || v[0] == '5') && conftext_only(v, "0123456789");
		break;
	case CONFTEXT_ENHANCED: ok = conftext_enhanced(v); break;
	case CONFTEXT_NAME:
		ok = strlen(v) <= CONFTEXT_MAX_NAME && conftext_only(v, CONFTEXT_ALNUM "._-");
		break;
	default: break;
	}
	if (!ok && expected != NULL)
		*expected = what[k];
	return ok;
}

int
conftext_number(const char *v, unsigned long min, unsigned long max, int size,
		unsigned long *out)
{
	unsigned long long n, mul = 1;
	char *end;

	if (v == NULL || !isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (size && end[0] != '\0' && end[1] == '\0') {
		switch (toupper((unsigned char)*end)) {
		case 'K': mul = 1024; end++; break;
		case 'M': mul = 1024 * 1024; end++; break;
		case 'G': mul = 1024 * 1024 * 1024; end++; break;
		default: break;
		}
	}
	if (*end != '\0' || errno != 0 || n > ULONG_MAX / mul || n * mul < min || n * mul > max)
		return -1;
	*out = (unsigned long)(n * mul);
	return 0;
}

long
conftext_mode(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	long m;

	if (n < 3 || n > 4 || !conftext_only(v, "01234567"))
		return -1;
	m = strtol(v, NULL, 8);
	return m <= 0777 ? m : -1;
}

const char *
conftext_facility(const char *v)
{
	static const char *const fac[] = {
		"mail", "daemon", "user", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7"
	};
	size_t i;

	for (i = 0; v != NULL && i < sizeof(fac) / sizeof(fac[0]); i++)
		if (strcasecmp(v, fac[i]) == 0)
			return fac[i];
	return NULL;
}

int
conftext_level(const char *v)
{
	static const char *const lv[] = { "err", "warning", "notice", "info", "debug" };
	size_t i;

	for (i = 0; v != NULL && i < sizeof(lv) / sizeof(lv[0]); i++)
		if (strcasecmp(v, lv[i]) == 0)
			return 3 + (int)i;	/* LOG_ERR .. LOG_DEBUG */
	return -1;
}

/* '//' and C comments start only where a token may start. */
static int
conftext_token_start(char prev)
{
	return strchr(" \t\r\n={}(),", prev) != NULL;
}

int
conftext_uncomment(char *s)
{
	char q = 0, prev = '\n';
	int line = 1, depth = 0, open = 0;

	for (; *s != '\0'; prev = *s, s++) {
		line += *s == '\n';
		if (q) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == q)
				q = 0;
		} else if (*s == '"' || *s == '\'') {
			q = *s;
		} else if (*s == '{') {
			if (depth++ == 0)
				open = line;
		} else if (*s == '}') {
			depth -= depth > 0;
		} else if (*s == '#' || (*s == '/' && s[1] == '/' && conftext_token_start(prev))) {
			while (s[1] != '\0' && s[1] != '\n')
				*s++ = ' ';
			*s = ' ';
		} else if (*s == '/' && s[1] == '*' && conftext_token_start(prev)) {
			for (; s[1] != '\0' && !(s[0] == '*' && s[1] == '/'); s++) {
				line += *s == '\n';
				*s = *s == '\n' ? '\n' : ' ';
			}
			*s = ' ';
			if (s[1] != '\0')
				*++s = ' ';
		}
	}
	return depth > 0 ? open : 0;
}

/* The line of an empty list "= {}" (quoted strings skipped), or 0: an
 * empty list would silently mean "anything". */
static int
conftext_empty_list(const char *s)
{
	const char *p;
	char q = 0;
	int line = 1;

	for (; *s != '\0'; s++) {
		line += *s == '\n';
		if (q) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == q)
				q = 0;
		} else if (*s == '"' || *s == '\'') {
			q = *s;
		} else if (*s == '=') {
			p = s + 1 + strspn(s + 1, " \t\r\n");
			if (*p == '{' && p[1 + strspn(p + 1, " \t\r\n")] == '}')
				return line;
		}
	}
	return 0;
}

char *
conftext_read(const char *path, char *errbuf, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n = 0, i;
	int line = 1, open, bad = 1;

	if (fp == NULL) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(CONFTEXT_MAX_FILE + 2)) != NULL)
		n = fread(buf, 1, CONFTEXT_MAX_FILE + 1, fp);
	if (buf == NULL)
		snprintf(errbuf, errlen, "%s: out of memory", path);
	else if (ferror(fp))
		snprintf(errbuf, errlen, "%s: cannot read: %s", path, strerror(errno));
	else if (n > CONFTEXT_MAX_FILE)
		snprintf(errbuf, errlen, "%s: expected at most %d bytes", path, CONFTEXT_MAX_FILE);
	else
		bad = 0;
	fclose(fp);
	for (i = 0; !bad && i < n; i++) {
		line += buf[i] == '\n';
		if (buf[i] == '\0') {
			snprintf(errbuf, errlen, "%s:%d: expected text, got a NUL byte", path, line);
			bad = 1;
		}
	}
	if (!bad) {
		buf[n] = '\0';
		if ((open = conftext_uncomment(buf)) > 0) {
			snprintf(errbuf, errlen, "%s:%d: expected '}' to close the section "
				 "opened here", path, open);
			bad = 1;
		} else if ((line = conftext_empty_list(buf)) > 0) {
			snprintf(errbuf, errlen, "%s:%d: expected a list with at least one "
				 "entry, got {}", path, line);
			bad = 1;
		}
	}
	if (bad) {
		free(buf);
		return NULL;
	}
	return buf;
}
