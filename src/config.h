/*
 * config.h - the policy file (libconfuse): daemon settings, caps, header
 * settings, policy rules, extra status codes and text rules.  The only module
 * that includes <confuse.h>.  A bt_config is built whole, then read-only;
 * a reload builds a new one and swaps it in (the old one stays on error).
 */
#ifndef BT_CONFIG_H
#define BT_CONFIG_H

#include <stddef.h>
#include "engine.h"
#include "hdrfmt.h"
#include "policy.h"
#include "ruleset.h"

typedef struct bt_config {
	char *file;		/* path it was read from; NULL for the embedded default */
	/* daemon settings (a change needs a restart, except log_level) */
	char *socket;		/* "unix:/run/bouncetag/bouncetag.sock", "inet:8893@127.0.0.1", ... */
	int socket_mode;	/* e.g. 0660; -1: leave as umask gives */
	char *socket_owner;	/* "user[:group]" or NULL */
	char *user;		/* run as; NULL: stay as started */
	char *group;
	char *pidfile;		/* NULL: none */
	char *syslog_facility;	/* "mail" */
	int log_level;		/* syslog priority: LOG_ERR..LOG_DEBUG as 3..7 */
	int allow_root;		/* 1: may keep running as root */
	int timeout;		/* milter I/O timeout, seconds */
	/* message handling (reloadable) */
	policy_action on_error;	/* internal error or cap hit: accept (default) */
	int internal_mail;	/* 1: messages are the MTA's own bounces: never reject/tempfail */
	bt_caps caps;
	hdrfmt_opts hdr;	/* strings owned by the config */
	policy *policy;
	ruleset *rules;
} bt_config;

/* The embedded default (tag every bounce, reject nothing). */
bt_config *config_default(char *errbuf, size_t errlen);
/* Read a policy file.  On error NULL, and errbuf holds "FILE:LINE: what was
 * expected" (LINE omitted when the error is not tied to a line). */
bt_config *config_load(const char *path, char *errbuf, size_t errlen);
void config_free(bt_config *c);		/* accepts NULL */

#endif
