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
 *	and output_free() hand them over).  The options' pointers (header
 *	options, policy, sender) are borrowed.
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
	 * per 4 KiB.  Allowed only before the first output on f. */
	if (fileno(f) >= 0 && !isatty(fileno(f)))
		(void)setvbuf(f, NULL, _IOFBF, OUTPUT_BUFSIZ);
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

/* One JSON object: recipient entry `entry` of r, or (rc NULL) the single
 * object of a message that is no bounce or names no recipient. */
static void
output_json_entry(output *out, const char *file, size_t msgno, size_t entry,
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
