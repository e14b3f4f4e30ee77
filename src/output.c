/*
 * NAME
 *	output - the formats of `bouncetag`: json, headers, summary
 *
 * DESCRIPTION
 *	json: JSON Lines, one object per recipient entry of each message (a
 *	message that is no bounce, or a bounce without recipients, gives one
 *	object).  Keys: file, message, entry, class, reason, status,
 *	status_synthetic, replycode, action (the DSN Action), recipient,
 *	original_recipient, diagnostic, diagnostic_type, description,
 *	remote_mta, reporting_mta, original_message_id, feedback_type, hard,
 *	top, format, caps_hit; with a policy also policy_action,
 *	policy_rule and policy_would (the action the rule asked for).
 *	Missing strings are null.
 *
 *	headers: "==> FILE [message N] action=ACTION", then the block of
 *	hdrfmt_build() in reading order, one "Name: value" per field (folds
 *	shown as "\n\t"), then a blank line.  The block is shown when the
 *	daemon would add it: action tag or quarantine, and for non-bounces
 *	(hdrfmt decides on tag_nonbounce).  When dry-run or internal mail
 *	turned the rule's action into tag, the line says "(policy asks for
 *	ACTION)".
 *
 *	summary: one line per message, then totals by class and by reason
 *	of the recipient that matters most.
 *
 * MEMORY
 *	An output owns its totals table (reason names are copied) and, for
 *	json, a buffer of objects not yet handed to stdio (output_finish()
 *	and output_free() hand them over); an entry is written in it in
 *	place, or member by member when it needs more room than it has.
 *	The json buffer is OUTPUT_BUFSIZ bytes, part of the output; a json
 *	output makes its stream unbuffered (see output_new()).
 *	The options' pointers (header options, policy, sender) are borrowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
#include "output.h"

#define OUTPUT_MAX_REASONS	128	/* distinct reasons counted; rest "other" */
#define OUTPUT_BUFSIZ		(256u << 10)	/* buffer of the output */

typedef struct output_count {
	char *name;
	size_t n;
} output_count;

struct output {
	FILE *f;
	output_opts o;
	hdrfmt_opts hdr;
	size_t messages;
	size_t by_class[BT_CLASS__COUNT];
	output_count reasons[OUTPUT_MAX_REASONS + 1];
	size_t nreasons;
	const char *cname[BT_CLASS__COUNT];	/* result_class_name() of each class */
	size_t clen[BT_CLASS__COUNT];	/* and its length (json: not measured per entry) */
	jsonout w;		/* json: objects not yet handed to stdio */
	char jbuf[];		/* json: w's buffer, OUTPUT_BUFSIZ bytes */
};

int
output_format_parse(const char *s, output_format *out)
{
	if (strcmp(s, "json") == 0)
		*out = OUTPUT_JSON;
	else if (strcmp(s, "headers") == 0)
		*out = OUTPUT_HEADERS;
	else if (strcmp(s, "summary") == 0)
		*out = OUTPUT_SUMMARY;
	else
		return -1;
	return 0;
}

output *
output_new(FILE *f, const output_opts *o)
{
	output *out = calloc(1, sizeof(*out) +
			     (o->format == OUTPUT_JSON ? OUTPUT_BUFSIZ : 0));
	size_t c;

	if (out == NULL)
		return NULL;
	out->f = f;
	out->o = *o;
	for (c = 0; c < BT_CLASS__COUNT; c++) {
		out->cname[c] = result_class_name((bt_class)c);
		out->clen[c] = strlen(out->cname[c]);
	}
	/* Large writes: json objects are kept in a buffer of OUTPUT_BUFSIZ
	 * bytes, handed to stdio half of it at a time, and stdio, unbuffered,
	 * writes them out as they come: one write() per 128 KiB of results,
	 * none copied again (with stdio's buffer, glibc's is the file's
	 * block size whatever setvbuf() asks without a buffer of the
	 * caller's: a write() per 4 to 12 KiB, twice the system time).  The
	 * other formats print piece by piece, through stdio's buffer.
	 * setvbuf() is allowed only before the first output on f. */
	if (o->format == OUTPUT_JSON) {
		jsonout_init_buf(&out->w, f, out->jbuf, OUTPUT_BUFSIZ);
		if (fileno(f) >= 0 && !isatty(fileno(f)))
			(void)setvbuf(f, NULL, _IONBF, 0);
	} else {
		jsonout_init(&out->w, f);
		if (fileno(f) >= 0 && !isatty(fileno(f)))
			(void)setvbuf(f, NULL, _IOFBF, OUTPUT_BUFSIZ);
	}
	if (o->hdr)
		out->hdr = *o->hdr;
	else
		hdrfmt_opts_default(&out->hdr);
	return out;
}

void
output_free(output *out)
{
	size_t i;

	if (out == NULL)
		return;
	jsonout_flush(&out->w);
	for (i = 0; i < out->nreasons; i++)
		free(out->reasons[i].name);
	free(out);
}

/* The policy's decision, or the default: tag bounces, accept the rest. */
static void
output_decide(output *out, const bt_result *r, policy_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (out->o.policy != NULL) {
		policy_decide(out->o.policy, r, out->o.sender, out->o.internal, v);
		return;
	}
	v->action = (r->cls == BT_CLASS_NONE) ? POLICY_ACCEPT : POLICY_TAG;
	v->rule = "default";
	v->would = v->action;
}

static const char *
output_action_name(policy_action a)
{
	const char *s = policy_action_name(a);

	return s ? s : "?";
}

/* One JSON object, member by member through the writer's checks: for an
 * entry too big for jsonout_reserve() (a policy file's long caps). */
#if defined(__GNUC__)
__attribute__((noinline, cold))	/* kept out of the way of the common path */
#endif
static void
output_json_entry_slow(output *out, const char *file, size_t msgno, size_t entry,
		       const bt_result *r, const bt_rcpt *rc, const policy_verdict *v)
{
	char caps[128];
	jsonout *w = &out->w;

	jsonout_open(w);
	jsonout_str(w, "file", file);
	jsonout_int(w, "message", (long long)msgno);
	jsonout_int(w, "entry", (long long)entry);
	jsonout_str(w, "class", result_class_name(rc ? rc->cls : r->cls));
	jsonout_str(w, "reason", rc ? rc->reason : NULL);
	jsonout_str(w, "status", rc && rc->status[0] ? rc->status : NULL);
	jsonout_bool(w, "status_synthetic", rc ? rc->status_synthetic : 0);
	jsonout_str(w, "replycode", rc && rc->replycode[0] ? rc->replycode : NULL);
	jsonout_str(w, "action", rc ? rc->action : NULL);
	jsonout_str(w, "recipient", rc ? rc->recipient : NULL);
	jsonout_str(w, "original_recipient", rc ? rc->original_recipient : NULL);
	jsonout_str(w, "diagnostic", rc ? rc->diagnostic : NULL);
	jsonout_str(w, "diagnostic_type", rc ? rc->diagnostic_type : NULL);
	jsonout_str(w, "description", rc ? rc->description : NULL);
	jsonout_str(w, "remote_mta", rc ? rc->remote_mta : NULL);
	jsonout_str(w, "reporting_mta", r->reporting_mta);
	jsonout_str(w, "original_message_id", r->original_message_id);
	jsonout_str(w, "feedback_type", r->feedback_type);
	jsonout_bool(w, "hard", rc ? rc->hard : 0);
	jsonout_bool(w, "top", rc == NULL || entry == r->top);
	jsonout_str(w, "format", r->format);
	jsonout_str(w, "caps_hit", result_caps_string(r->caps_hit, caps, sizeof(caps)));
	if (out->o.policy != NULL) {
		jsonout_str(w, "policy_action", output_action_name(v->action));
		jsonout_str(w, "policy_rule", v->rule);
		jsonout_str(w, "policy_would", output_action_name(v->would));
	}
	jsonout_close(w);
}

/* The members of an entry, in the order they are written: each key with
 * its punctuation (`,"key":`, the first with '{' for ','). */
#define OJ_MEMBERS(X)							\
	X(FILE, "{\"file\":") X(MESSAGE, ",\"message\":")		\
	X(ENTRY, ",\"entry\":") X(CLASS, ",\"class\":")			\
	X(REASON, ",\"reason\":") X(STATUS, ",\"status\":")		\
	X(SYNTHETIC, ",\"status_synthetic\":")				\
	X(REPLYCODE, ",\"replycode\":") X(ACTION, ",\"action\":")	\
	X(RECIPIENT, ",\"recipient\":")					\
	X(ORIG_RCPT, ",\"original_recipient\":")			\
	X(DIAG, ",\"diagnostic\":") X(DIAG_TYPE, ",\"diagnostic_type\":") \
	X(DESCRIPTION, ",\"description\":")				\
	X(REMOTE_MTA, ",\"remote_mta\":")				\
	X(REPORTING_MTA, ",\"reporting_mta\":")				\
	X(MESSAGE_ID, ",\"original_message_id\":")			\
	X(FEEDBACK_TYPE, ",\"feedback_type\":") X(HARD, ",\"hard\":")	\
	X(TOP, ",\"top\":") X(FORMAT, ",\"format\":")			\
	X(CAPS, ",\"caps_hit\":")					\
	X(POLICY_ACTION, ",\"policy_action\":")				\
	X(POLICY_RULE, ",\"policy_rule\":")				\
	X(POLICY_WOULD, ",\"policy_would\":")

enum {
#define OJ_ENUM(name, key)	OJ_##name,
	OJ_MEMBERS(OJ_ENUM)
#undef OJ_ENUM
	OJ__COUNT
};

/* The keys padded to 31 bytes, their length last: each is copied whole
 * (32 bytes, two moves) and the end moved on by its length. */
static const struct output_json_key {
	char key[31];
	unsigned char len;
} output_json_keys[OJ__COUNT] = {
#define OJ_KEY(name, key)	{ key, sizeof(key) - 1 },
	OJ_MEMBERS(OJ_KEY)
#undef OJ_KEY
};

static const bt_rcpt output_no_rcpt;	/* every member null or false */

/* Room for all but the strings: the keys and punctuation (under 500
 * bytes with the policy's), two numbers, three booleans, and the bytes a
 * key's whole copy may write past the end (32). */
#define OUTPUT_JSON_FIXED	640

/* A string member's value (jsonout_put_str()), written once for all the
 * members: the code of an entry runs once a message, after the engine
 * has filled the instruction cache with its own, and with the string
 * writer inline for each member it missed that cache some 80 times an
 * entry; the call costs less. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *
output_json_str(char *d, const char *s, size_t n)
{
	return jsonout_put_str(d, s, n);
}

/* One JSON object: recipient entry `entry` of r, or (rc NULL) the single
 * object of a message that is no bounce or names no recipient.  Written
 * in place (jsonout_reserve()): each value goes in with no check of the
 * room left. */
static void
output_json_entry(output *out, const char *file, size_t msgno, size_t entry,
		  const bt_result *r, const bt_rcpt *rc, const policy_verdict *v)
{
	const char *s[OJ__COUNT];
	size_t n[OJ__COUNT], need = OUTPUT_JSON_FIXED;
	char caps[128], *d;
	int with_policy = out->o.policy != NULL;
	const bt_rcpt *t = rc != NULL ? rc : &output_no_rcpt;

/* s[i] and its length (0 for NULL); adds its room to need. */
#define OJ_SET(i, str)	(s[i] = (str), n[i] = s[i] != NULL ? strlen(s[i]) : 0, \
			 need += JSONOUT_ROOM(n[i]))
	OJ_SET(OJ_FILE, file);
	{	/* the class name and its length from the output's table */
		unsigned c = (unsigned)(rc ? rc->cls : r->cls);

		if (c >= BT_CLASS__COUNT)
			c = BT_CLASS_NONE;	/* (result_class_name()'s "none") */
		s[OJ_CLASS] = out->cname[c];
		n[OJ_CLASS] = out->clen[c];
		need += JSONOUT_ROOM(n[OJ_CLASS]);
	}
	OJ_SET(OJ_REASON, t->reason);
	OJ_SET(OJ_STATUS, t->status[0] ? t->status : NULL);
	OJ_SET(OJ_REPLYCODE, t->replycode[0] ? t->replycode : NULL);
	OJ_SET(OJ_ACTION, t->action);
	OJ_SET(OJ_RECIPIENT, t->recipient);
	OJ_SET(OJ_ORIG_RCPT, t->original_recipient);
	OJ_SET(OJ_DIAG, t->diagnostic);
	OJ_SET(OJ_DIAG_TYPE, t->diagnostic_type);
	OJ_SET(OJ_DESCRIPTION, t->description);
	OJ_SET(OJ_REMOTE_MTA, t->remote_mta);
	OJ_SET(OJ_REPORTING_MTA, r->reporting_mta);
	OJ_SET(OJ_MESSAGE_ID, r->original_message_id);
	OJ_SET(OJ_FEEDBACK_TYPE, r->feedback_type);
	OJ_SET(OJ_FORMAT, r->format);
	OJ_SET(OJ_CAPS, r->caps_hit == 0 ? "" :
	       result_caps_string(r->caps_hit, caps, sizeof(caps)));
	if (with_policy) {
		OJ_SET(OJ_POLICY_ACTION, output_action_name(v->action));
		OJ_SET(OJ_POLICY_RULE, v->rule);
		OJ_SET(OJ_POLICY_WOULD, output_action_name(v->would));
	}
#undef OJ_SET
	if ((d = jsonout_reserve(&out->w, need)) == NULL) {
		output_json_entry_slow(out, file, msgno, entry, r, rc, v);
		return;
	}
#define OJ_KEY(i)	(memcpy(d, &output_json_keys[i], sizeof(output_json_keys[i])), \
			 d += output_json_keys[i].len)
#define OJ_STR(i)	(OJ_KEY(i), d = output_json_str(d, s[i], n[i]))
#define OJ_BOOL(i, b)	(OJ_KEY(i), d = (b) ? JSONOUT_LIT(d, "true") : JSONOUT_LIT(d, "false"))
	OJ_STR(OJ_FILE);
	OJ_KEY(OJ_MESSAGE);
	d = jsonout_put_uint(d, msgno);
	OJ_KEY(OJ_ENTRY);
	d = jsonout_put_uint(d, entry);
	OJ_STR(OJ_CLASS);
	OJ_STR(OJ_REASON);
	OJ_STR(OJ_STATUS);
	OJ_BOOL(OJ_SYNTHETIC, t->status_synthetic);
	OJ_STR(OJ_REPLYCODE);
	OJ_STR(OJ_ACTION);
	OJ_STR(OJ_RECIPIENT);
	OJ_STR(OJ_ORIG_RCPT);
	OJ_STR(OJ_DIAG);
	OJ_STR(OJ_DIAG_TYPE);
	OJ_STR(OJ_DESCRIPTION);
	OJ_STR(OJ_REMOTE_MTA);
	OJ_STR(OJ_REPORTING_MTA);
	OJ_STR(OJ_MESSAGE_ID);
	OJ_STR(OJ_FEEDBACK_TYPE);
	OJ_BOOL(OJ_HARD, t->hard);
	OJ_BOOL(OJ_TOP, rc == NULL || entry == r->top);
	OJ_STR(OJ_FORMAT);
	OJ_STR(OJ_CAPS);
	if (with_policy) {
		OJ_STR(OJ_POLICY_ACTION);
		OJ_STR(OJ_POLICY_RULE);
		OJ_STR(OJ_POLICY_WOULD);
	}
	d = JSONOUT_LIT(d, "}\n");
#undef OJ_KEY
#undef OJ_STR
#undef OJ_BOOL
	jsonout_commit(&out->w, d);
}

static void
output_json(output *out, const char *file, size_t msgno, const bt_result *r,
	    const policy_verdict *v)
{
	size_t i;

	if (r->cls == BT_CLASS_NONE || r->nrcpt == 0) {
		output_json_entry(out, file, msgno, 0, r, NULL, v);
		return;
	}
	for (i = 0; i < r->nrcpt; i++)
		output_json_entry(out, file, msgno, i, r, &r->rcpt[i], v);
}

/* Would the daemon add the block for this action? */
static int
output_adds_headers(output *out, const bt_result *r, policy_action a)
{
	if (r->cls == BT_CLASS_NONE)
		return 1;		/* hdrfmt decides (tag_nonbounce) */
	return a == POLICY_TAG || a == POLICY_QUARANTINE;
}

static void
output_headers(output *out, const char *file, size_t msgno, const bt_result *r,
	       const policy_verdict *v)
{
	hdrfmt_block b = { 0, 0, NULL };
	const char *an = output_action_name(v->action);
	size_t i;

	fprintf(out->f, "==> %s [message %zu] action=%s", file, msgno, an);
	if (v->would != v->action)
		fprintf(out->f, " (policy asks for %s)", output_action_name(v->would));
	fputc('\n', out->f);
	if (output_adds_headers(out, r, v->action)) {
		if (hdrfmt_build(&out->hdr, r, an, &b) < 0)
			fprintf(out->f, "(out of memory building the header block)\n");
		for (i = 0; i < b.n; i++)
			fprintf(out->f, "%s: %s\n", b.f[i].name, b.f[i].value);
		hdrfmt_block_free(&b);
	}
	fputc('\n', out->f);
}

/* A summary value: printable ASCII only, spaces for the rest, capped. */
static void
output_plain(FILE *f, const char *s, size_t max)
{
	size_t i;

	if (s == NULL || *s == '\0') {
		fputc('-', f);
		return;
	}
	for (i = 0; s[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	if (s[i] != '\0')
		fputs("...", f);
}

static void
output_count_reason(output *out, const char *reason)
{
	size_t i;

	if (reason == NULL)
		reason = "-";
	for (i = 0; i < out->nreasons; i++)
		if (strcmp(out->reasons[i].name, reason) == 0)
			break;
	if (i == out->nreasons) {
		if (i >= OUTPUT_MAX_REASONS) {
			reason = "(other)";
			for (i = 0; i < out->nreasons; i++)
				if (strcmp(out->reasons[i].name, reason) == 0)
					break;
		}
		if (i == out->nreasons) {
			if ((out->reasons[i].name = strdup(reason)) == NULL)
				return;
			out->nreasons++;
		}
	}
	out->reasons[i].n++;
}

static void
output_summary(output *out, const char *file, size_t msgno, const bt_result *r)
{
	const bt_rcpt *t = (r->cls != BT_CLASS_NONE && r->top < r->nrcpt) ?
	    &r->rcpt[r->top] : NULL;

	output_plain(out->f, file, 4096);
	if (msgno > 0)
		fprintf(out->f, "[%zu]", msgno);
	fprintf(out->f, ": %s", result_class_name(r->cls));
	if (t != NULL) {
		fputc(' ', out->f);
		output_plain(out->f, t->reason, 64);
		fprintf(out->f, " %s%s ", t->status[0] ? t->status : "-",
			t->status_synthetic ? "*" : "");
		output_plain(out->f, t->recipient, 256);
		if (r->nrcpt > 1)
			fprintf(out->f, " (+%zu more)", r->nrcpt - 1);
	}
	fputc('\n', out->f);
	if ((unsigned)r->cls < BT_CLASS__COUNT)
		out->by_class[r->cls]++;
	output_count_reason(out, t ? t->reason : NULL);
}

void
output_message(output *out, const char *file, size_t msgno, const bt_result *r)
{
	policy_verdict v;

	out->messages++;
	output_decide(out, r, &v);
	switch (out->o.format) {
	case OUTPUT_JSON:
		output_json(out, file, msgno, r, &v);
		break;
	case OUTPUT_HEADERS:
		output_headers(out, file, msgno, r, &v);
		break;
	case OUTPUT_SUMMARY:
		output_summary(out, file, msgno, r);
		break;
	}
}

static int
output_cmp_count(const void *a, const void *b)
{
	const output_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

void
output_finish(output *out)
{
	size_t i;

	jsonout_flush(&out->w);
	if (out->o.format != OUTPUT_SUMMARY)
		return;
	fprintf(out->f, "\n%zu message%s\nby class:", out->messages,
		out->messages == 1 ? "" : "s");
	for (i = 0; i < BT_CLASS__COUNT; i++)
		if (out->by_class[i] > 0)
			fprintf(out->f, " %s=%zu", result_class_name((bt_class)i),
				out->by_class[i]);
	fputs("\nby reason:", out->f);
	qsort(out->reasons, out->nreasons, sizeof(out->reasons[0]), output_cmp_count);
	for (i = 0; i < out->nreasons; i++)
		fprintf(out->f, " %s=%zu", out->reasons[i].name, out->reasons[i].n);
	fputs("\n(* = status made up from the reason, not sent by the server)\n", out->f);
}
