/*
 * milter.h - libmilter glue: the callbacks that feed the engine, apply the
 * policy verdict and log one line per classified message; the current
 * configuration, swapped atomically on reload.  The only engine-facing file
 * that includes <libmilter/mfapi.h>.
 *
 * Configuration ownership: milter_config_set() takes over the bt_config it
 * is given.  Each connection holds a reference to the configuration its
 * engine was made from; a message keeps the one that was current at MAIL
 * FROM.  A configuration is freed when the last reference goes (after a
 * reload, once every message in flight under it has ended).
 */
#ifndef BT_MILTER_H
#define BT_MILTER_H

#include <stddef.h>
#include "config.h"

/* Install cfg as the current configuration (takes ownership; NULL drops
 * the current one, at shutdown). */
void milter_config_set(bt_config *cfg);

/* Register with libmilter and open the socket (smfi_setconn +
 * smfi_opensocket).  no_reply: negotiate the SMFIP_NR_* steps (a gain on
 * unix sockets, a Nagle stall on TCP).  Returns 0, or -1 with errbuf set. */
int milter_open(const char *spec, int timeout, int no_reply,
		char *errbuf, size_t errlen);
/* Run until milter_stop(); returns 0, or -1 when libmilter failed. */
int milter_run(void);
/* Ask libmilter to stop (from any thread). */
void milter_stop(void);
/* "8.17.1" */
const char *milter_libversion(char *buf, size_t len);

#endif
