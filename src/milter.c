/*
 * milter.c - the libmilter callbacks of bouncetagd.
 *
 * Callbacks are thin: the envelope sender, header fields and body chunks go
 * to the engine (one per connection); at end of message the result goes
 * through the policy and the verdict is applied (tag, reject, tempfail,
 * quarantine, discard, accept).  Forged copies of our headers are deleted
 * from every message that reaches end of message.  A non-bounce without
 * forged headers is accepted at end of headers: its body is never sent.
 *
 * Memory: a milter_ctx per connection (smfi_setpriv), made at negotiation
 * (or at first use), reset between messages, freed in close; it owns its
 * engine and one reference to a configuration (see milter.h).  The only
 * state shared between threads is the configuration pointer (mutex) and the
 * read-only configurations themselves.
 */
#include "btconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libmilter/mfapi.h>

#include "config.h"
#include "engine.h"
#include "hdrfmt.h"
#include "log.h"
#include "milter.h"
#include "policy.h"
#include "result.h"

#define MILTER_NAME		"bouncetag"
#define MILTER_SENDER_MAX	512	/* envelope sender kept */
#define MILTER_FORGED_MAX	32	/* distinct forged header names */
#define MILTER_HNAME_MAX	128	/* forged header name kept */
#define MILTER_FORGED_EACH	1000	/* forged copies of one name deleted */
#define MILTER_QID_MAX		64
#define MILTER_LOGVAL_MAX	160	/* a value in a log line */
#define MILTER_REPLY_MAX	400	/* SMTP reply text */

/* ---- the configuration, refcounted ---------------------------------------- */

typedef struct milter_cfgref {
	bt_config *cfg;
	unsigned long refs;
} milter_cfgref;

static pthread_mutex_t milter_cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static milter_cfgref *milter_cfg_cur;

static milter_cfgref *
milter_cfg_get(void)
{
	milter_cfgref *r;

	pthread_mutex_lock(&milter_cfg_lock);
	r = milter_cfg_cur;
	if (r != NULL)
		r->refs++;
	pthread_mutex_unlock(&milter_cfg_lock);
	return r;
}

static void
milter_cfg_put(milter_cfgref *r)
{
	unsigned long left;

	if (r == NULL)
		return;
	pthread_mutex_lock(&milter_cfg_lock);
	left = --r->refs;
	pthread_mutex_unlock(&milter_cfg_lock);
	if (left == 0) {
		config_free(r->cfg);
		free(r);
	}
}

void
milter_config_set(bt_config *cfg)
{
	milter_cfgref *r = NULL, *old;

	if (cfg != NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL) {
			log_warn("cannot install the new configuration");
			config_free(cfg);
			return;
		}
		r->cfg = cfg;
		r->refs = 1;
	}
	pthread_mutex_lock(&milter_cfg_lock);
	old = milter_cfg_cur;
	milter_cfg_cur = r;
	pthread_mutex_unlock(&milter_cfg_lock);
	milter_cfg_put(old);
}

/* ---- per-connection state --------------------------------------------------- */

typedef struct milter_forged {
	char name[MILTER_HNAME_MAX];
	int count;		/* occurrences of this name (any case) */
} milter_forged;

typedef struct milter_ctx {
	engine *eng;
	milter_cfgref *cref;	/* config of eng and of the current message */
	unsigned long pflags;	/* negotiated protocol steps */
	char sender[MILTER_SENDER_MAX];
	int failed;		/* internal error in this message */
	int decided;		/* verdict made at end of headers */
	int body_done;		/* the engine needs no more body */
	const bt_result *res;	/* from engine_eom(), valid until reset */
	policy_verdict verdict;
	size_t nforged;
	int forged_lost;	/* too many forged fields to delete them all */
	milter_forged forged[MILTER_FORGED_MAX];
} milter_ctx;

static int milter_no_reply;	/* negotiate SMFIP_NR_* (set before smfi_main) */

static void
milter_ctx_free(milter_ctx *m)
{
	if (m == NULL)
		return;
	engine_free(m->eng);
	milter_cfg_put(m->cref);
	free(m);
}

static milter_ctx *
milter_ctx_get(SMFICTX *ctx)
{
	milter_ctx *m = smfi_getpriv(ctx);

	if (m != NULL)
		return m;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_warn("cannot allocate connection state");
		return NULL;
	}
	if (smfi_setpriv(ctx, m) != MI_SUCCESS) {
		log_warnx("smfi_setpriv failed");
		free(m);
		return NULL;
	}
	return m;
}

/* Forget the message (engine_reset); keep engine and configuration. */
static void
milter_msg_clear(milter_ctx *m)
{
	if (m->eng != NULL)
		engine_reset(m->eng);
	m->sender[0] = '\0';
	m->failed = m->decided = m->body_done = 0;
	m->res = NULL;
	memset(&m->verdict, 0, sizeof(m->verdict));
	m->nforged = 0;
	m->forged_lost = 0;
}

static int
milter_caps_equal(const bt_caps *a, const bt_caps *b)
{
	return a->max_bytes == b->max_bytes && a->max_line == b->max_line &&
		a->max_header == b->max_header && a->max_field == b->max_field &&
		a->max_text == b->max_text && a->max_depth == b->max_depth &&
		a->max_parts == b->max_parts &&
		a->max_recipients == b->max_recipients;
}

/*
 * Start a message under the configuration current now: make the engine,
 * or give it the new ruleset (a new engine when the caps changed).
 */
static int
milter_msg_begin(milter_ctx *m)
{
	milter_cfgref *cur = milter_cfg_get();

	milter_msg_clear(m);
	if (cur == NULL)
		return -1;
	if (m->cref == cur) {
		milter_cfg_put(cur);
	} else {
		if (m->eng != NULL && m->cref != NULL &&
		    milter_caps_equal(&m->cref->cfg->caps, &cur->cfg->caps)) {
			engine_set_ruleset(m->eng, cur->cfg->rules);
		} else {
			engine_free(m->eng);
			m->eng = NULL;
		}
		milter_cfg_put(m->cref);
		m->cref = cur;
	}
	if (m->eng == NULL &&
	    (m->eng = engine_new(&cur->cfg->caps, cur->cfg->rules)) == NULL)
		return -1;
	return 0;
}

/* The reply for a step whose reply we may have negotiated away. */
static sfsistat
milter_continue(const milter_ctx *m, unsigned long nr_bit)
{
	return m != NULL && (m->pflags & nr_bit) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* ---- logging helpers ------------------------------------------------------ */

static const char *
milter_qid(SMFICTX *ctx, char *buf, size_t len)
{
	const char *q = smfi_getsymval(ctx, (char *)"i");

	if (q == NULL || *q == '\0')
		q = "NOQUEUE";
	hdrfmt_safe_value(q, len - 1, buf, len);
	return buf;
}

/* A value made safe for one log line ("-" when absent). */
static const char *
milter_logval(const char *s, char *buf, size_t len)
{
	if (s == NULL || *s == '\0')
		return "-";
	hdrfmt_safe_value(s, len - 1, buf, len);
	return buf;
}

/* The envelope sender for a log line: "" for the null sender. */
static const char *
milter_sender(const milter_ctx *m, char *buf, size_t len)
{
	if (m->sender[0] == '\0')
		return "";
	hdrfmt_safe_value(m->sender, len - 1, buf, len);
	return buf;
}

static void
milter_log_result(SMFICTX *ctx, const milter_ctx *m, const char *applied)
{
	char qid[MILTER_QID_MAX], rc[MILTER_LOGVAL_MAX], fr[MILTER_LOGVAL_MAX];
	char caps[64];
	const bt_result *r = m->res;
	const bt_rcpt *top = NULL;

	milter_qid(ctx, qid, sizeof(qid));
	if (r == NULL) {
		log_notice("%s: from=<%s> classification failed, rule=%s "
			   "action=%s", qid, milter_sender(m, fr, sizeof(fr)),
			   m->verdict.rule ? m->verdict.rule : "on-error",
			   applied);
		return;
	}
	if (r->nrcpt > 0 && r->top < r->nrcpt)
		top = &r->rcpt[r->top];
	if (r->cls == BT_CLASS_NONE && m->verdict.action == POLICY_ACCEPT) {
		log_debug("%s: not a bounce, action=%s", qid, applied);
		return;
	}
	log_info("%s: class=%s reason=%s status=%s rcpt=<%s> from=<%s> "
		 "format=%s rule=%s action=%s%s%s", qid,
		 result_class_name(r->cls),
		 top && top->reason ? top->reason : "-",
		 top && top->status[0] ? top->status : "-",
		 milter_logval(top ? top->recipient : NULL, rc, sizeof(rc)),
		 milter_sender(m, fr, sizeof(fr)),
		 r->format ? r->format : "-",
		 m->verdict.rule ? m->verdict.rule : "-", applied,
		 r->caps_hit ? " caps=" : "",
		 r->caps_hit ? result_caps_string(r->caps_hit, caps,
						  sizeof(caps)) : "");
}

/* ---- the verdict ----------------------------------------------------------- */

/* Caps that left part of the message unread, so the classification may be
 * wrong: these get the on-error action.  A truncated copy of a field, or a
 * report with more recipients than kept, is still classified (the headers
 * mark the truncation). */
#define MILTER_CAPS_SERIOUS (~(unsigned)(BT_CAP_FIELD | BT_CAP_RCPTS))

static void
milter_decide(milter_ctx *m, const bt_config *cfg)
{
	const char *sender = m->sender[0] ? m->sender : NULL;

	memset(&m->verdict, 0, sizeof(m->verdict));
	if (m->forged_lost) {
		/* More forged X-Bounce-* fields than can be deleted: passing
		 * the message on would pass forged verdicts downstream, and
		 * refusing it could lose it.  Hold it for the administrator. */
		m->verdict.action = m->verdict.would = POLICY_QUARANTINE;
		m->verdict.rule = "forged-headers";
		m->verdict.quarantine_reason =
			"too many forged X-Bounce headers to remove";
		return;
	}
	if (m->failed || m->res == NULL ||
	    (m->res->caps_hit & MILTER_CAPS_SERIOUS)) {
		m->verdict.action = cfg->on_error;
		m->verdict.rule = "on-error";
		if (cfg->internal_mail && (m->verdict.action == POLICY_REJECT ||
					   m->verdict.action == POLICY_TEMPFAIL))
			m->verdict.action = POLICY_TAG;
		m->verdict.would = m->verdict.action;
	} else {
		policy_decide(cfg->policy, m->res, sender, cfg->internal_mail,
			      &m->verdict);
		if (m->verdict.action == POLICY_ACCEPT &&
		    m->res->cls == BT_CLASS_NONE && cfg->hdr.tag_nonbounce)
			m->verdict.action = m->verdict.would = POLICY_TAG;
	}
}

/* Copy s into buf without control characters, '%' doubled (libmilter
 * ignores a reply text with a single '%'). */
static char *
milter_reply_text(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 2 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '%')
			buf[o++] = '%';
		buf[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	buf[o] = '\0';
	return buf;
}

static void
milter_setreply(SMFICTX *ctx, const policy_verdict *v, int reject)
{
	char text[MILTER_REPLY_MAX];
	const char *code = v->reply_code, *xcode = v->reply_xcode;
	const char *t = v->reply_text;

	if (code == NULL || code[0] != (reject ? '5' : '4')) {
		code = reject ? "550" : "451";
		xcode = reject ? "5.7.1" : "4.7.1";
	}
	if (xcode != NULL && xcode[0] != code[0])
		xcode = NULL;
	if (t == NULL || *t == '\0')
		t = reject ? "Bounce refused by policy" :
			"Bounce deferred by policy, try again later";
	if (smfi_setreply(ctx, (char *)code, (char *)xcode,
			  milter_reply_text(t, text, sizeof(text))) != MI_SUCCESS)
		log_warnx("smfi_setreply %s %s failed: default reply used",
			  code, xcode ? xcode : "");
}

/* Delete forged copies of our headers, highest index first. */
static void
milter_unforge(SMFICTX *ctx, const milter_ctx *m, const char *qid)
{
	size_t i;
	int n;

	for (i = 0; i < m->nforged; i++) {
		for (n = m->forged[i].count; n > 0; n--) {
			if (smfi_chgheader(ctx, (char *)m->forged[i].name, n,
					   NULL) != MI_SUCCESS)
				log_warnx("%s: cannot delete forged header %s[%d]",
					  qid, m->forged[i].name, n);
		}
		log_info("%s: removed %d forged %s header(s)", qid,
			 m->forged[i].count, m->forged[i].name);
	}
}

/* Insert the X-Bounce-* block so that it reads top-down at the top. */
static void
milter_tag(SMFICTX *ctx, const milter_ctx *m, const bt_config *cfg,
	   const char *action, const char *qid)
{
	hdrfmt_block b = { 0, 0, NULL };
	size_t i;

	if (m->res == NULL)
		return;
	if (hdrfmt_build(&cfg->hdr, m->res, action, &b) == -1) {
		log_warnx("%s: cannot build the headers (out of memory)", qid);
		return;
	}
	for (i = b.n; i > 0; i--) {
		if (smfi_insheader(ctx, 0, b.f[i - 1].name,
				   b.f[i - 1].value) != MI_SUCCESS)
			log_warnx("%s: cannot insert header %s", qid,
				  b.f[i - 1].name);
	}
	hdrfmt_block_free(&b);
}

/* Apply the verdict at end of message; returns the milter status. */
static sfsistat
milter_apply(SMFICTX *ctx, milter_ctx *m, const bt_config *cfg)
{
	char qid[MILTER_QID_MAX], hdraction[48], applied[48];
	policy_action a = m->verdict.action;
	const char *name = policy_action_name(a);
	sfsistat rc = SMFIS_ACCEPT;

	milter_qid(ctx, qid, sizeof(qid));
	snprintf(hdraction, sizeof(hdraction), "%s", name);
	snprintf(applied, sizeof(applied), "%s", name);
	if (m->verdict.would != a) {
		/* dry-run, or internal mail: the rule asked for more */
		const char *why = cfg->internal_mail &&
			(m->verdict.would == POLICY_REJECT ||
			 m->verdict.would == POLICY_TEMPFAIL) ? "internal" :
			"dry-run";
		const char *would = policy_action_name(m->verdict.would);

		snprintf(hdraction, sizeof(hdraction), "%s (%s: %s)", name,
			 why, would);
		snprintf(applied, sizeof(applied), "%s(%s:%s)", name, why,
			 would);
	}
	switch (a) {
	case POLICY_REJECT:
	case POLICY_TEMPFAIL:
		milter_setreply(ctx, &m->verdict, a == POLICY_REJECT);
		rc = a == POLICY_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
		break;
	case POLICY_DISCARD:
		rc = SMFIS_DISCARD;
		break;
	case POLICY_QUARANTINE:
	case POLICY_TAG:
	case POLICY_ACCEPT:
		/* Forged copies go first and the quarantine before our
		 * fields: the MTA applies each request as it comes, so a
		 * daemon killed half-way leaves a message held with part of
		 * the block (Postfix turns its default action into "hold"
		 * once asked), never one delivered with forged fields or
		 * with every field of a quarantine but not held. */
		milter_unforge(ctx, m, qid);
		if (a == POLICY_QUARANTINE && smfi_quarantine(ctx,
		    (char *)(m->verdict.quarantine_reason ?
			     m->verdict.quarantine_reason : "bouncetag")) !=
		    MI_SUCCESS)
			log_warnx("%s: smfi_quarantine failed", qid);
		if (a != POLICY_ACCEPT)
			milter_tag(ctx, m, cfg, hdraction, qid);
		break;
	}
	milter_log_result(ctx, m, applied);
	return rc;
}

/* ---- callbacks ---------------------------------------------------------- */

static sfsistat
milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
		 unsigned long f2, unsigned long f3, unsigned long *pf0,
		 unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long acts = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	unsigned long steps = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NORCPT |
		SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_SKIP;
	milter_ctx *m = milter_ctx_get(ctx);

	/*
	 * Unix socket: no replies where none is needed.  TCP: replies
	 * everywhere, and DATA is not skipped: otherwise the MTA's last
	 * writes before the headers (macros, which get no reply) wait in its
	 * Nagle buffer for our delayed ACK, ~40 ms a message.
	 */
	if (milter_no_reply)
		steps |= SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL |
			SMFIP_NR_RCPT | SMFIP_NR_DATA | SMFIP_NR_UNKN |
			SMFIP_NR_HDR;
	else
		steps &= ~(unsigned long)SMFIP_NODATA;
	if ((f0 & acts) != acts)
		log_warnx("the MTA does not allow all of add header, change "
			  "header, quarantine (offered 0x%lx)", f0);
	*pf0 = f0 & acts;
	*pf1 = f1 & steps;
	*pf2 = *pf3 = 0;
	if (m != NULL)
		m->pflags = *pf1;
	return SMFIS_CONTINUE;
}

static sfsistat
milter_envfrom(SMFICTX *ctx, char **argv)
{
	milter_ctx *m = milter_ctx_get(ctx);
	const char *s = argv != NULL && argv[0] != NULL ? argv[0] : "";
	size_t len;

	if (m == NULL)
		return SMFIS_ACCEPT;	/* no memory: let the mail through */
	if (milter_msg_begin(m) == -1) {
		log_warnx("cannot start a message (no configuration or memory)");
		m->failed = 1;
		return milter_continue(m, SMFIP_NR_MAIL);
	}
	if (*s == '<')
		s++;
	len = strcspn(s, ">");
	if (len >= sizeof(m->sender))
		len = sizeof(m->sender) - 1;
	memcpy(m->sender, s, len);
	m->sender[len] = '\0';
	engine_envfrom(m->eng, m->sender);
	return milter_continue(m, SMFIP_NR_MAIL);
}

/* Remember a forged copy of one of our headers. */
static void
milter_forged_add(milter_ctx *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nforged; i++) {
		if (strcasecmp(m->forged[i].name, name) == 0) {
			if (m->forged[i].count < MILTER_FORGED_EACH)
				m->forged[i].count++;
			else
				m->forged_lost = 1;
			return;
		}
	}
	if (m->nforged == MILTER_FORGED_MAX ||
	    strlen(name) >= MILTER_HNAME_MAX) {
		m->forged_lost = 1;
		return;
	}
	snprintf(m->forged[m->nforged].name, MILTER_HNAME_MAX, "%s", name);
	m->forged[m->nforged++].count = 1;
}

static sfsistat
milter_header(SMFICTX *ctx, char *name, char *value)
{
	milter_ctx *m = smfi_getpriv(ctx);

	if (m == NULL || m->eng == NULL || m->cref == NULL)
		return milter_continue(m, SMFIP_NR_HDR);
	if (hdrfmt_is_ours(&m->cref->cfg->hdr, name))
		milter_forged_add(m, name);
	else
		(void)engine_header(m->eng, name, value);
	return milter_continue(m, SMFIP_NR_HDR);
}

static sfsistat
milter_eoh(SMFICTX *ctx)
{
	milter_ctx *m = smfi_getpriv(ctx);

	if (m == NULL || m->eng == NULL || m->failed)
		return SMFIS_CONTINUE;
	if (engine_eoh(m->eng) != ENGINE_NOT_BOUNCE)
		return SMFIS_CONTINUE;
	m->res = engine_eom(m->eng);
	milter_decide(m, m->cref->cfg);
	m->decided = m->body_done = 1;
	if (m->verdict.action == POLICY_ACCEPT && m->nforged == 0 &&
	    !m->forged_lost) {
		milter_log_result(ctx, m, "accept");
		milter_msg_clear(m);
		return SMFIS_ACCEPT;
	}
	return SMFIS_CONTINUE;
}

static sfsistat
milter_body(SMFICTX *ctx, unsigned char *buf, size_t len)
{
	milter_ctx *m = smfi_getpriv(ctx);

	if (m != NULL && m->eng != NULL && !m->failed && !m->body_done &&
	    engine_body(m->eng, (const char *)buf, len) == ENGINE_ENOUGH)
		m->body_done = 1;
	if (m == NULL || m->failed || m->body_done)
		return (m != NULL && (m->pflags & SMFIP_SKIP)) ? SMFIS_SKIP :
			SMFIS_CONTINUE;
	return SMFIS_CONTINUE;
}

static sfsistat
milter_eom(SMFICTX *ctx)
{
	milter_ctx *m = smfi_getpriv(ctx);
	sfsistat rc;

	if (m == NULL || m->cref == NULL)
		return SMFIS_ACCEPT;
	if (!m->decided) {
		m->res = (m->failed || m->eng == NULL) ? NULL :
			engine_eom(m->eng);
		milter_decide(m, m->cref->cfg);
	}
	rc = milter_apply(ctx, m, m->cref->cfg);
	milter_msg_clear(m);
	return rc;
}

static sfsistat
milter_abort(SMFICTX *ctx)
{
	milter_ctx *m = smfi_getpriv(ctx);

	if (m != NULL)
		milter_msg_clear(m);
	return SMFIS_CONTINUE;
}

static sfsistat
milter_close(SMFICTX *ctx)
{
	milter_ctx_free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

/* ---- start and stop --------------------------------------------------------- */

int
milter_open(const char *spec, int timeout, int no_reply, char *errbuf,
	    size_t errlen)
{
	struct smfiDesc desc;

	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = (char *)MILTER_NAME;
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE;
	desc.xxfi_envfrom = milter_envfrom;
	desc.xxfi_header = milter_header;
	desc.xxfi_eoh = milter_eoh;
	desc.xxfi_body = milter_body;
	desc.xxfi_eom = milter_eom;
	desc.xxfi_abort = milter_abort;
	desc.xxfi_close = milter_close;
	desc.xxfi_negotiate = milter_negotiate;
	milter_no_reply = no_reply;

	if (smfi_register(desc) != MI_SUCCESS) {
		snprintf(errbuf, errlen, "smfi_register failed");
		return -1;
	}
	if (smfi_setconn((char *)spec) != MI_SUCCESS) {
		snprintf(errbuf, errlen, "bad socket \"%s\"", spec);
		return -1;
	}
	if (timeout > 0 && smfi_settimeout(timeout) != MI_SUCCESS) {
		snprintf(errbuf, errlen, "bad timeout %d", timeout);
		return -1;
	}
	errno = 0;
	if (smfi_opensocket(0) != MI_SUCCESS) {
		snprintf(errbuf, errlen, "cannot open socket %s%s%s (address "
			 "in use, or no permission?)", spec, errno ? ": " : "",
			 errno ? strerror(errno) : "");
		return -1;
	}
	return 0;
}

int
milter_run(void)
{
	return smfi_main() == MI_SUCCESS ? 0 : -1;
}

void
milter_stop(void)
{
	(void)smfi_stop();
}

const char *
milter_libversion(char *buf, size_t len)
{
	unsigned int maj = 0, min = 0, pl = 0;

	(void)smfi_version(&maj, &min, &pl);
	snprintf(buf, len, "%u.%u.%u", maj, min, pl);
	return buf;
}
