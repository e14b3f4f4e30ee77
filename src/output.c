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
 *	The first output on a file (not a terminal) gives stdio a static
 *	buffer of OUTPUT_BUFSIZ bytes for it, kept to the end of the process.
 *	The options' pointers (header options, policy, sender) are borrowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
#include "output.h"

#define OUTPUT_MAX_REASONS	128	/* distinct reasons counted; rest "other" */
#define OUTPUT_BUFSIZ		(256u << 10)	/* stdio buffer of the output */

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
	jsonout w;		/* json: objects not yet handed to stdio */
};

static char output_stdio_buf[OUTPUT_BUFSIZ];	/* see output_new() */
static int output_stdio_given;

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
	output *out = calloc(1, sizeof(*out));

	if (out == NULL)
		return NULL;
	out->f = f;
	out->o = *o;
	jsonout_init(&out->w, f);
	/* A large buffer: one write() per OUTPUT_BUFSIZ bytes of results, not
	 * one per 4 to 12 KiB (the system time of the writes halves).  glibc
	 * ignores the size of setvbuf() without a buffer (it takes the
	 * file's block size), so one is given: it must outlive every use of
	 * the stream, up to exit(), hence static, and for the first output
	 * only.  Allowed only before the first output on f. */
	if (!output_stdio_given && fileno(f) >= 0 && !isatty(fileno(f))) {
		output_stdio_given = 1;
		(void)setvbuf(f, output_stdio_buf, _IOFBF, sizeof(output_stdio_buf));
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

/* The string members of an entry, in the order they are written. */
enum {
	OJ_FILE, OJ_CLASS, OJ_REASON, OJ_STATUS, OJ_REPLYCODE, OJ_ACTION,
	OJ_RECIPIENT, OJ_ORIG_RCPT, OJ_DIAG, OJ_DIAG_TYPE, OJ_DESCRIPTION,
	OJ_REMOTE_MTA, OJ_REPORTING_MTA, OJ_MESSAGE_ID, OJ_FEEDBACK_TYPE,
	OJ_FORMAT, OJ_CAPS, OJ_POLICY_ACTION, OJ_POLICY_RULE, OJ_POLICY_WOULD,
	OJ__COUNT
};

/* Room for all but the strings: the keys and punctuation (under 500
 * bytes with the policy's), two numbers, two booleans. */
#define OUTPUT_JSON_FIXED	640

/* s[i] and its length (0 for NULL); adds its room to *need. */
#define OUTPUT_JSON_SET(i, str) do {					\
		s[i] = (str);						\
		n[i] = s[i] != NULL ? strlen(s[i]) : 0;			\
		need += JSONOUT_ROOM(n[i]);				\
	} while (0)

/* One JSON object: recipient entry `entry` of r, or (rc NULL) the single
 * object of a message that is no bounce or names no recipient.  Written
 * in place (jsonout_reserve()): keys with their punctuation are literals
 * copied whole, each value goes in with no check of the room left. */
static void
output_json_entry(output *out, const char *file, size_t msgno, size_t entry,
		  const bt_result *r, const bt_rcpt *rc, const policy_verdict *v)
{
	const char *s[OJ__COUNT] = { NULL };
	size_t n[OJ__COUNT] = { 0 }, need = OUTPUT_JSON_FIXED;
	char caps[128], *d;
	int with_policy = out->o.policy != NULL;

	OUTPUT_JSON_SET(OJ_FILE, file);
	OUTPUT_JSON_SET(OJ_CLASS, result_class_name(rc ? rc->cls : r->cls));
	OUTPUT_JSON_SET(OJ_REASON, rc ? rc->reason : NULL);
	OUTPUT_JSON_SET(OJ_STATUS, rc && rc->status[0] ? rc->status : NULL);
	OUTPUT_JSON_SET(OJ_REPLYCODE, rc && rc->replycode[0] ? rc->replycode : NULL);
	OUTPUT_JSON_SET(OJ_ACTION, rc ? rc->action : NULL);
	OUTPUT_JSON_SET(OJ_RECIPIENT, rc ? rc->recipient : NULL);
	OUTPUT_JSON_SET(OJ_ORIG_RCPT, rc ? rc->original_recipient : NULL);
	OUTPUT_JSON_SET(OJ_DIAG, rc ? rc->diagnostic : NULL);
	OUTPUT_JSON_SET(OJ_DIAG_TYPE, rc ? rc->diagnostic_type : NULL);
	OUTPUT_JSON_SET(OJ_DESCRIPTION, rc ? rc->description : NULL);
	OUTPUT_JSON_SET(OJ_REMOTE_MTA, rc ? rc->remote_mta : NULL);
	OUTPUT_JSON_SET(OJ_REPORTING_MTA, r->reporting_mta);
	OUTPUT_JSON_SET(OJ_MESSAGE_ID, r->original_message_id);
	OUTPUT_JSON_SET(OJ_FEEDBACK_TYPE, r->feedback_type);
	OUTPUT_JSON_SET(OJ_FORMAT, r->format);
	OUTPUT_JSON_SET(OJ_CAPS, r->caps_hit == 0 ? "" :
			result_caps_string(r->caps_hit, caps, sizeof(caps)));
	if (with_policy) {
		OUTPUT_JSON_SET(OJ_POLICY_ACTION, output_action_name(v->action));
		OUTPUT_JSON_SET(OJ_POLICY_RULE, v->rule);
		OUTPUT_JSON_SET(OJ_POLICY_WOULD, output_action_name(v->would));
	}
	if ((d = jsonout_reserve(&out->w, need)) == NULL) {
		output_json_entry_slow(out, file, msgno, entry, r, rc, v);
		return;
	}
#define OJ_LIT(lit)	(d = JSONOUT_LIT(d, lit))
#define OJ_STR(i)	(d = jsonout_put_str(d, s[i], n[i]))
#define OJ_BOOL(b)	((b) ? OJ_LIT("true") : OJ_LIT("false"))
	OJ_LIT("{\"file\":");
	OJ_STR(OJ_FILE);
	OJ_LIT(",\"message\":");
	d = jsonout_put_uint(d, msgno);
	OJ_LIT(",\"entry\":");
	d = jsonout_put_uint(d, entry);
	OJ_LIT(",\"class\":");
	OJ_STR(OJ_CLASS);
	OJ_LIT(",\"reason\":");
	OJ_STR(OJ_REASON);
	OJ_LIT(",\"status\":");
	OJ_STR(OJ_STATUS);
	OJ_LIT(",\"status_synthetic\":");
	OJ_BOOL(rc && rc->status_synthetic);
	OJ_LIT(",\"replycode\":");
	OJ_STR(OJ_REPLYCODE);
	OJ_LIT(",\"action\":");
	OJ_STR(OJ_ACTION);
	OJ_LIT(",\"recipient\":");
	OJ_STR(OJ_RECIPIENT);
	OJ_LIT(",\"original_recipient\":");
	OJ_STR(OJ_ORIG_RCPT);
	OJ_LIT(",\"diagnostic\":");
	OJ_STR(OJ_DIAG);
	OJ_LIT(",\"diagnostic_type\":");
	OJ_STR(OJ_DIAG_TYPE);
	OJ_LIT(",\"description\":");
	OJ_STR(OJ_DESCRIPTION);
	OJ_LIT(",\"remote_mta\":");
	OJ_STR(OJ_REMOTE_MTA);
	OJ_LIT(",\"reporting_mta\":");
	OJ_STR(OJ_REPORTING_MTA);
	OJ_LIT(",\"original_message_id\":");
	OJ_STR(OJ_MESSAGE_ID);
	OJ_LIT(",\"feedback_type\":");
	OJ_STR(OJ_FEEDBACK_TYPE);
	OJ_LIT(",\"hard\":");
	OJ_BOOL(rc && rc->hard);
	OJ_LIT(",\"top\":");
	OJ_BOOL(rc == NULL || entry == r->top);
	OJ_LIT(",\"format\":");
	OJ_STR(OJ_FORMAT);
	OJ_LIT(",\"caps_hit\":");
	OJ_STR(OJ_CAPS);
	if (with_policy) {
		OJ_LIT(",\"policy_action\":");
		OJ_STR(OJ_POLICY_ACTION);
		OJ_LIT(",\"policy_rule\":");
		OJ_STR(OJ_POLICY_RULE);
		OJ_LIT(",\"policy_would\":");
		OJ_STR(OJ_POLICY_WOULD);
	}
	OJ_LIT("}\n");
#undef OJ_LIT
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
