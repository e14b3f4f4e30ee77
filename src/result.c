/*
 * result.c - helpers for bt_result: class names, the caps string, adding
 * recipients, copying capped strings, picking the recipient that matters.
 *
 * Memory: every char * in a bt_result is copied by result_set() into the
 * result's arena: blocks of bytes, the newest first, filled one after the
 * other.  Nothing is freed string by string: result_reset() empties the
 * arena for the next message (keeping its first block and the recipient
 * array), result_clear() frees it all.  A field set again whose string is
 * the last one copied is rewritten in place, so a value built up line by
 * line (a folded Diagnostic-Code) does not pile up copies; other strings
 * set again stay until the reset, which bounds the arena by the input
 * read for one message.  reason/description/format are static or owned
 * by the ruleset, never by the result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "result.h"

static const char *const result_names[BT_CLASS__COUNT] = {
	"hard", "block", "soft", "undetermined", "delayed", "delivered",
	"auto-reply", "complaint", "none"
};

const char *
result_class_name(bt_class c)
{
	if ((unsigned)c >= BT_CLASS__COUNT)
		return "none";
	return result_names[c];
}

int
result_class_parse(const char *name, bt_class *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < BT_CLASS__COUNT; i++) {
		if (strcasecmp(name, result_names[i]) == 0) {
			*out = (bt_class)i;
			return 0;
		}
	}
	return -1;
}

const char *
result_caps_string(unsigned caps, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ BT_CAP_BYTES, "bytes" }, { BT_CAP_LINE, "line" },
		{ BT_CAP_HEADER, "header" }, { BT_CAP_DEPTH, "depth" },
		{ BT_CAP_PARTS, "parts" }, { BT_CAP_RCPTS, "recipients" },
		{ BT_CAP_FIELD, "field" },
	};
	size_t i, off = 0;

	if (buf == NULL || len == 0)
		return "";
	buf[0] = '\0';
	if (caps == 0)
		return buf;	/* the common case */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(caps & names[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
			     names[i].name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

#define RESULT_BLOCK	4000	/* bytes of the first block: most messages need no other */
#define RESULT_KEEP_RCPTS 16	/* recipient slots kept from one message to the next */

struct result_block {
	struct result_block *next;	/* the block filled before */
	size_t size, used;
	char *last;			/* the last string copied here */
	char data[];
};

void
result_init(bt_result *r)
{
	memset(r, 0, sizeof(*r));
	r->cls = BT_CLASS_NONE;
}

/* Frees the blocks from b on. */
static void
result_free_blocks(struct result_block *b)
{
	while (b != NULL) {
		struct result_block *next = b->next;

		free(b);
		b = next;
	}
}

void
result_clear(bt_result *r)
{
	result_free_blocks(r->arena);
	free(r->rcpt);
	result_init(r);
}

void
result_reset(bt_result *r)
{
	struct result_block *b = r->arena, *keep = NULL;
	bt_rcpt *rcpt = r->rcpt;
	size_t ralloc = r->rcpt_alloc;

	if (b != NULL) {
		/* the first block (the oldest) is kept when it has the
		 * usual size; bigger ones go */
		struct result_block **pp = &r->arena;

		while ((*pp)->next != NULL)
			pp = &(*pp)->next;
		if ((*pp)->size == RESULT_BLOCK) {
			keep = *pp;
			*pp = NULL;
			keep->used = 0;
			keep->last = NULL;
		}
		result_free_blocks(r->arena);
	}
	if (ralloc > RESULT_KEEP_RCPTS) {
		free(rcpt);
		rcpt = NULL;
		ralloc = 0;
	}
	result_init(r);
	r->arena = keep;
	r->rcpt = rcpt;
	r->rcpt_alloc = ralloc;
}

size_t
result_arena_used(const bt_result *r)
{
	const struct result_block *b;
	size_t n = 0;

	for (b = r->arena; b != NULL; b = b->next)
		n += b->used;
	return n;
}

void
result_truncate(bt_result *r, size_t n)
{
	if (r->nrcpt > n)
		r->nrcpt = n;	/* their strings stay in the arena until the reset */
	if (r->top >= r->nrcpt)
		r->top = 0;
}

bt_rcpt *
result_add_rcpt(bt_result *r, size_t max_rcpts)
{
	bt_rcpt *rc;

	if (r->nrcpt >= max_rcpts) {
		r->caps_hit |= BT_CAP_RCPTS;
		return NULL;
	}
	if (r->nrcpt == r->rcpt_alloc) {
		size_t n = r->rcpt_alloc ? r->rcpt_alloc * 2 : 4;
		bt_rcpt *p = realloc(r->rcpt, n * sizeof(*p));

		if (p == NULL)
			return NULL;
		r->rcpt = p;
		r->rcpt_alloc = n;
	}
	rc = &r->rcpt[r->nrcpt++];
	memset(rc, 0, sizeof(*rc));
	rc->cls = BT_CLASS_UNDETERMINED;
	return rc;
}

/* s[0..len) to p (apart): most values are short, copied as two words
 * that overlap, not through a call; memcpy() for the rest, last, so that
 * nothing is kept across the call. */
static inline void
result_copy(char *p, const char *s, size_t len)
{
	uint64_t a, b;
	uint32_t x, y;

	if (len > 32) {
		memcpy(p, s, len);
	} else if (len > 16) {
		char h[16], t[16];

		memcpy(h, s, 16);
		memcpy(t, s + len - 16, 16);
		memcpy(p, h, 16);
		memcpy(p + len - 16, t, 16);
	} else if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + len - 8, 8);
		memcpy(p, &a, 8);
		memcpy(p + len - 8, &b, 8);
	} else if (len >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		memcpy(p, &x, 4);
		memcpy(p + len - 4, &y, 4);
	} else if (len > 0) {
		p[0] = s[0];
		p[len >> 1] = s[len >> 1];
		p[len - 1] = s[len - 1];
	}
}

/* result_set() of a string that is not simply put after the others in
 * the newest block: the field's own string rewritten in place, or a new
 * block.  Apart, so that the common case keeps nothing across a call. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int
result_set_slow(bt_result *r, char **field, const char *s, size_t len)
{
	struct result_block *b = r->arena;
	char *p;

	if (b != NULL && *field != NULL && *field == b->last &&
	    (size_t)(*field - b->data) + len < b->size) {
		/* the last string copied: rewritten in place (s may lie in it) */
		memmove(*field, s, len);
		(*field)[len] = '\0';
		b->used = (size_t)(*field - b->data) + len + 1;
		return 0;
	}
	if (b == NULL || b->size - b->used <= len) {
		size_t size = len < RESULT_BLOCK ? RESULT_BLOCK : len + 1;

		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return -1;
		b->next = r->arena;
		b->size = size;
		b->used = 0;
		r->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	b->last = p;
	*field = p;
	return 0;
}

int
result_set(bt_result *r, char **field, const char *s, size_t len, size_t cap)
{
	struct result_block *b = r->arena;
	char *p;

	if (s == NULL)
		return 0;
	if (cap > 0 && len > cap) {
		len = cap;
		r->caps_hit |= BT_CAP_FIELD;
	}
	if (b == NULL || (*field != NULL && *field == b->last) ||
	    b->size - b->used <= len)
		return result_set_slow(r, field, s, len);
	/* the common case: after the others in the newest block */
	p = b->data + b->used;
	p[len] = '\0';
	b->used += len + 1;
	b->last = p;
	*field = p;
	result_copy(p, s, len);
	return 0;
}

void
result_pick_top(bt_result *r)
{
	size_t i, best = 0;

	if (r->nrcpt == 0) {
		r->top = 0;
		r->cls = BT_CLASS_NONE;
		return;
	}
	for (i = 1; i < r->nrcpt; i++)
		if (r->rcpt[i].cls < r->rcpt[best].cls)
			best = i;
	r->top = best;
	r->cls = r->rcpt[best].cls;
}
