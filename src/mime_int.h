/*
 * mime_int.h - what the MIME parser's files share (mime.c: lines, header
 * fields and bodies; mime_entity.c: the parser object and entities): the
 * parser's state, and the few helpers both use in line.  Not for users of
 * the parser: they have mime.h.
 */
#ifndef BOUNCETAG_MIME_INT_H
#define BOUNCETAG_MIME_INT_H

#include <stddef.h>

#include "mime.h"
#include "result.h"

/* In line in its callers: for the functions run once a line or a field,
 * where a call costs about as much as their work. */
#define MIME_INLINE	static inline __attribute__((always_inline))

#define MIME_CT_MAX	1024	/* Content-Type value kept per entity */
#define MIME_FIELD_PAD	16	/* the field buffer's bytes past max_header + 1 */
_Static_assert(MIME_FIELD_PAD >= MIME_CT_PAD,
	       "header() values have MIME_CT_PAD bytes past their NUL");

enum mime_state { S_HEADERS, S_BODY, S_MULTI, S_SKIP };

typedef struct mime_frame {
	char boundary[MIME_BOUNDARY_MAX + 1];
	size_t blen;
	unsigned depth;		/* depth of the multipart entity */
	unsigned in_message;
	int matched;		/* a boundary line of this multipart was seen */
} mime_frame;

struct mime {
	const bt_caps *caps;
	mime_callbacks cb;
	unsigned *caps_hit;
	int state;
	mime_part cur;		/* the entity being read */
	int is_message;		/* cur's headers are an embedded message's */
	int saw_header;
	unsigned blank_skips;
	unsigned nparts;
	char ct[MIME_CT_MAX + 1 + MIME_CT_PAD];	/* cur's Content-Type value */
	int has_ct;
	char *line;		/* max_line bytes */
	size_t llen;
	int lcont;		/* the buffered bytes continue a longer line */
	char *field;		/* max_header bytes: header being unfolded */
	size_t flen;
	int fskip;		/* a field no one reads: flen counted, not copied */
	size_t fname;		/* its name's length, read on its first line (0: not) */
	int fid;		/* and the name's fieldname_id() */
	int skip_fields;	/* the rest of the block is of no use (mime_skip_fields()) */
	char *dbuf;		/* decoded output, max_line + MIME_QP_ROOM */
	unsigned b64acc;
	int b64bits;
	int stopped;
	mime_frame *frames;	/* max_depth + 1 */
	unsigned nframes;
	/* 1 for the first bytes of the names an embedded message's field
	 * may be read for (mime_field_unread()): Content-Type's and
	 * -Transfer-Encoding's, header()'s header_initials (any byte when
	 * header() takes all fields or its initials are not known) */
	unsigned char msg_initial[256];
};

/* isspace() of the C locale (1) and the blanks ' ', '\t' (2), by table:
 * one load and test a byte. */
static const unsigned char mime_space_class[256] = {
	[' '] = 3, ['\t'] = 3, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
};

static inline int
mime_space(char c)
{
	return mime_space_class[(unsigned char)c] & 1;
}

static inline int
mime_blank(char c)
{
	return mime_space_class[(unsigned char)c] & 2;
}

/* A new entity at depth, in in_message embedded messages; is_message: its
 * headers are an embedded message's.  Past the caps on parts or depth it
 * is skipped (the cap's bit set). */
MIME_INLINE void
mime_new_entity(mime *m, unsigned depth, unsigned in_message, int is_message)
{
	/* what clearing the whole part would do to what is read of it (the
	 * strings are read as strings: up to their NUL) */
	m->cur.type[0] = '\0';
	m->cur.report_type[0] = '\0';
	m->cur.enc = MIME_ENC_IDENT;
	m->cur.index = 0;
	m->cur.depth = depth;
	m->cur.in_message = in_message;
	m->is_message = is_message;
	m->saw_header = 0;
	m->blank_skips = 0;
	m->has_ct = 0;
	m->ct[0] = '\0';
	m->flen = 0;
	m->fskip = 0;
	m->fname = 0;
	m->skip_fields = 0;
	m->b64acc = 0;
	m->b64bits = 0;
	if (m->nparts >= m->caps->max_parts) {
		*m->caps_hit |= BT_CAP_PARTS;
		m->state = S_SKIP;
		return;
	}
	if (depth > m->caps->max_depth) {
		*m->caps_hit |= BT_CAP_DEPTH;
		m->state = S_SKIP;
		return;
	}
	m->cur.index = m->nparts++;
	m->state = S_HEADERS;
}

/* mime_entity.c: the headers of cur are complete; decide what its body is
 * (a multipart's frame, an embedded message's headers, or the entity()
 * callback's answer). */
void mime_entity_done(mime *m);

#endif
