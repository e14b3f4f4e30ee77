/*
 * mime_entity.c - the MIME parser's object and its entities (see mime.h,
 * mime_int.h): mime_new()/mime_free(), mime_begin() for a message's
 * top-level entity, and mime_entity_done(), which decides, once an
 * entity's headers are read, what its body is: a multipart (a frame with
 * its boundary), an embedded message (its headers read next) or a leaf
 * that the entity() callback takes or skips.  The lines, header fields
 * and bodies are mime.c's.  All buffers belong to the mime object.
 */
#include <stdlib.h>
#include <string.h>

#include "mime_int.h"

/* ---- life cycle -------------------------------------------------------- */

mime *
mime_new(const bt_caps *caps, const mime_callbacks *cb, unsigned *caps_hit)
{
	mime *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->caps = caps;
	m->cb = *cb;
	m->caps_hit = caps_hit;
	m->line = malloc(caps->max_line + 1);
	/* (MIME_FIELD_PAD more for mime_field_nul()'s blocks, cleared: no
	 * byte it reads is undefined) */
	m->field = calloc(1, caps->max_header + 1 + MIME_FIELD_PAD);
	m->dbuf = malloc(caps->max_line + MIME_QP_ROOM);
	m->frames = calloc(caps->max_depth + 1, sizeof(*m->frames));
	if (!m->line || !m->field || !m->dbuf || !m->frames) {
		mime_free(m);
		return NULL;
	}
	if (cb->header != NULL &&
	    (cb->header_ids == 0 || cb->header_initials == NULL)) {
		memset(m->msg_initial, 1, sizeof(m->msg_initial));
	} else {
		const char *i = cb->header != NULL ? cb->header_initials : "";

		m->msg_initial['c'] = m->msg_initial['C'] = 1;
		for (; *i != '\0'; i++) {
			unsigned char c = (unsigned char)*i;

			m->msg_initial[c] = 1;
			if (c >= 'a' && c <= 'z')
				m->msg_initial[c - 'a' + 'A'] = 1;
		}
	}
	return m;
}

void
mime_free(mime *m)
{
	if (m == NULL)
		return;
	free(m->line);
	free(m->field);
	free(m->dbuf);
	free(m->frames);
	free(m);
}

/* ---- entities ---------------------------------------------------------- */

static int
mime_is_embedded(const char *type)
{
	if (type[0] != 'm' && type[0] != 't')
		return 0;	/* most types: one compare */
	return MIME_TYPE_IS(type, "message/rfc822") ||
	       MIME_TYPE_IS(type, "message/global") ||
	       MIME_TYPE_IS(type, "text/rfc822-headers") ||
	       MIME_TYPE_IS(type, "message/global-headers") ||
	       MIME_TYPE_IS(type, "message/partial");
}

/* The headers of cur are complete: decide what its body is. */
void
mime_entity_done(mime *m)
{
	mime_part *p = &m->cur;
	char boundary[MIME_BOUNDARY_MAX + 1];
	size_t blen = 0;

	if (m->has_ct)		/* type, boundary and report-type in one pass */
		blen = mime_ct_read(m->ct, p->type, boundary, p->report_type);
	else
		memcpy(p->type, "text/plain", sizeof("text/plain"));
	if (blen > 0) {		/* a multipart with a boundary */
		mime_frame *f;

		m->cb.entity(m->cb.ctx, p);
		if (p->depth + 1 > m->caps->max_depth ||
		    m->nframes > m->caps->max_depth) {
			*m->caps_hit |= BT_CAP_DEPTH;
			m->state = S_SKIP;
			return;
		}
		f = &m->frames[m->nframes++];
		f->blen = blen;
		memcpy(f->boundary, boundary, blen + 1);
		f->depth = p->depth;
		f->in_message = p->in_message;
		f->matched = 0;
		m->state = S_MULTI;
		return;
	}
	if (mime_is_embedded(p->type) && p->enc == MIME_ENC_IDENT) {
		m->cb.entity(m->cb.ctx, p);
		mime_new_entity(m, p->depth + 1, p->in_message + 1, 1);
		return;
	}
	m->state = m->cb.entity(m->cb.ctx, p) ? S_BODY : S_SKIP;
}

void
mime_begin(mime *m, const char *content_type, const char *cte)
{
	m->nframes = 0;
	m->nparts = 0;
	m->stopped = 0;
	m->llen = 0;
	m->lcont = 0;
	mime_new_entity(m, 0, 0, 0);
	if (content_type != NULL) {
		size_t n = strlen(content_type);

		if (n > MIME_CT_MAX)
			n = MIME_CT_MAX;
		memcpy(m->ct, content_type, n);
		m->ct[n] = '\0';
		m->has_ct = 1;
	}
	m->cur.enc = mime_encoding(cte);
	mime_entity_done(m);
}
