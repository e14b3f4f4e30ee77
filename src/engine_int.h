/*
 * engine_int.h - the engine's internal state, shared by engine.c (life
 * cycle, header fields, body, MIME callbacks), engine_unfold.c (unfolding
 * and capping of header values), engine_eom.c (the decisions at the end
 * of the message) and the rawfeed (rawfeed.c, which reads the caps, and
 * rawfeed_fields.c, which gives header fields already classified:
 * engine_header_reads(), and in line, as the rawfeed runs them on every
 * field, engine_header_skip() for a field no one reads and
 * engine_header_id_inline() for the others, with the header store's
 * bookkeeping they share).  Not for other modules: they use engine.h.
 */
#ifndef BT_ENGINE_INT_H
#define BT_ENGINE_INT_H

#include "engine.h"
#include "mime.h"
#include "dsn.h"
#include "detect.h"
#include "ruleset.h"
#include "fieldname.h"

#define ENGINE_HSTORE	16384	/* bytes of top-level header fields kept */
#define ENGINE_HMAX	64	/* header fields kept */
#define ENGINE_HVITAL	16	/* of which kept free for the vital ones */
#define ENGINE_HRESERVE	4096	/* bytes of hstore kept free for them */
#define ENGINE_RECEIVED	5	/* Received fields kept (the first ones) */
#define ENGINE_CT_MAX	1024

enum { SINK_NONE = 0, SINK_DSN, SINK_ARF, SINK_TEXT, SINK_HTML };
enum { E_HEADERS = 0, E_BODY, E_DONE };

typedef struct engine_hent {
	size_t name, value;	/* offsets into hstore */
} engine_hent;

struct engine {
	bt_caps caps;
	const ruleset *rs;
	bt_result r;
	mime *m;
	dsn *d;
	unsigned sig;		/* DETECT_* */
	int state;
	int sender_given;
	int eoh_not_bounce;	/* engine_eoh() said ENGINE_NOT_BOUNCE */
	size_t body_bytes;
	/* top-level header fields */
	char hstore[ENGINE_HSTORE];
	size_t hlen;
	engine_hent hent[ENGINE_HMAX];
	unsigned nh, nreceived;
	/* 1 + the index in hent of the first From, Subject, To and
	 * X-Failed-Recipients stored (by id - FN_FROM), 0: none yet */
	unsigned char first[4];
	char ct[ENGINE_CT_MAX + 1];
	char cte[64];
	int has_ct;
	/* the body */
	char *text;		/* max_text + 1 */
	size_t tlen;
	size_t html_start;	/* where html-only text began, or SIZE_MAX */
	int in_tag;		/* html: 1 in a tag, 2 just after '<' */
	char ent[10];		/* html: an entity being read */
	size_t entlen;
	int seen_plain;
	int sink;
	int top_leaf;		/* the top-level entity is a single part */
	int top_report;		/* top-level multipart/report (delivery-status or ARF) */
	int has_dsn, has_arf;
	size_t dsn_rcpts;
	int returned_seen;	/* a returned message / headers part began */
	int returned_eoh;	/* and its header block is complete */
	/* A bounce whose only report is inside its returned message (a bounce
	 * forwarded by a gateway): read one level down. */
	int inner_report;	/* the level-1 message is a multipart/report */
	int descend;		/* reading the report parts at level 1 */
	unsigned orig_level;	/* level of the returned message's headers */
	int returned2_seen;	/* level 1's returned message began */
};

/* Signals that make a report inside the returned message worth reading. */
#define ENGINE_BOUNCE_SIGS (DETECT_FROM_DAEMON | DETECT_SUBJECT | \
			    DETECT_XFAILED | DETECT_NULL_SENDER | DETECT_REPORT_DSN)

/* The fields engine_lookup() is asked for (scan.c, engine_eom.c): only
 * these are stored; the others only take their room, so that what is
 * kept stays what it was when every field was stored. */
#define ENGINE_LOOKUP_IDS	(1u << FN_FROM | 1u << FN_TO | 1u << FN_SUBJECT | \
				 1u << FN_X_FAILED_RECIPIENTS)
_Static_assert(FN_SUBJECT == FN_FROM + 1 && FN_TO == FN_FROM + 2 &&
	       FN_X_FAILED_RECIPIENTS == FN_FROM + 3 && ENGINE_HMAX < 255,
	       "engine->first: the lookup ids follow FN_FROM");
/* The ids whose value engine_header_id() reads as a string: stored for
 * engine_lookup(), read by detect_field() or kept for the result.  For
 * the others only the value's length and white tail count. */
#define ENGINE_READS_IDS	(ENGINE_LOOKUP_IDS | 1u << FN_CONTENT_TYPE | \
				 1u << FN_CONTENT_TRANSFER_ENCODING | \
				 1u << FN_AUTO_SUBMITTED | 1u << FN_PRECEDENCE | \
				 1u << FN_X_MAILER | 1u << FN_X_APPLE_UNSUBSCRIBE | \
				 1u << FN_RETURN_PATH)

/* The ids whose name and value engine_header_id_inline() reads by their
 * lengths only: a front end may pass them where they lie, neither
 * NUL-terminated (detect_field_nl() reads the From by its length, and
 * nothing of the To or X-Failed-Recipients values; the store unfolds). */
#define ENGINE_BY_LENGTH_IDS	(1u << FN_FROM | 1u << FN_TO | \
				 1u << FN_X_FAILED_RECIPIENTS)

/* The caps in force (defaults filled in); valid while e lives. */
const bt_caps *engine_caps(const engine *e);
/* Note caps hit by a front end (rawfeed cutting a header line). */
void engine_note_caps(engine *e, unsigned caps);
/* Value of the first kept top-level header field called name (any case),
 * unfolded, or NULL; ctx is the engine.  Valid until engine_reset().
 * Only From, To, Subject and X-Failed-Recipients are stored (the others
 * take their room in the store, unwritten), their first entries noted
 * (engine->first): to look up another field, add its id to
 * ENGINE_LOOKUP_IDS above, to engine->first and to engine_lookup(). */
const char *engine_lookup(void *ctx, const char *name);

/* engine_header() with the lengths known: name and value are NUL-terminated
 * strings of nlen and vlen bytes (no NUL inside). */
int engine_header_n(engine *e, const char *name, size_t nlen,
		    const char *value, size_t vlen);

/* engine_header_n() for a value known to hold no CR and exactly nlf LFs
 * (the joins of its lines), which spares a scan; nlf == (size_t)-1: not
 * known. */
int engine_header_nl(engine *e, const char *name, size_t nlen,
		     const char *value, size_t vlen, size_t nlf);

/* engine_header_nl() for a name already classified: id is
 * fieldname_id(name, nlen).  When engine_header_reads(id) is 0, or id is
 * one of ENGINE_BY_LENGTH_IDS, neither name nor value need be
 * NUL-terminated: only the nlen bytes of the name and the vlen of the
 * value are read, so a front end may pass them where they lie (and copy
 * only the values read as strings). */
int engine_header_id(engine *e, int id, const char *name, size_t nlen,
		     const char *value, size_t vlen, size_t nlf);
static inline int
engine_header_reads(int id)
{
	return (ENGINE_READS_IDS >> id) & 1;
}

/* engine_unfold.c: value (vlen bytes) unfolded into dst (CR and LF
 * dropped, at most cap bytes, trailing white space cut), returning the
 * length (engine_unfold_nl() below, in line: the same for a value known
 * to hold no CR and exactly nlf LFs); engine_unfold_len(): that length,
 * nothing copied;
 * engine_unfold_len_nl(): the same for a value known to hold exactly
 * ndrop CRs and LFs in all ((size_t)-1: not known). */
size_t engine_unfold(char *dst, size_t cap, const char *v, size_t vlen);
/* engine_unfold() for a value known to hold no CR. */
size_t engine_unfold_lf(char *dst, size_t cap, const char *v, size_t vlen);
size_t engine_unfold_len(size_t cap, const char *v, size_t vlen);

/* n less the white space (isspace() of the C locale) that ends s[0..n). */
static inline size_t
engine_unfold_trim(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	return n;
}

/* engine_unfold_len() for a value known to hold exactly ndrop CRs and LFs
 * in all ((size_t)-1: not known): when every line fits, the value less
 * its CRs and LFs, less its white tail (where CRs and LFs count for
 * nothing). */
static inline size_t
engine_unfold_len_nl(size_t cap, const char *v, size_t vlen, size_t ndrop)
{
	size_t i = vlen, t = 0;

	if (ndrop == (size_t)-1 || vlen - ndrop > cap)
		return engine_unfold_len(cap, v, vlen);
	while (i > 0 && (v[i - 1] == ' ' ||
	    (v[i - 1] >= '\t' && v[i - 1] <= '\r'))) {
		t += v[i - 1] != '\n' && v[i - 1] != '\r';
		i--;
	}
	return vlen - ndrop - t;
}

/* engine_unfold() for a value known to hold no CR and exactly nlf LFs
 * ((size_t)-1: not known): a single line is copied whole, unsearched,
 * lines are not searched for CRs. */
static inline size_t
engine_unfold_nl(char *dst, size_t cap, const char *v, size_t vlen,
		 size_t nlf)
{
	size_t n = vlen < cap ? vlen : cap;

	if (nlf != 0)
		return nlf == (size_t)-1 ? engine_unfold(dst, cap, v, vlen) :
		       engine_unfold_lf(dst, cap, v, vlen);
	memcpy(dst, v, n);
	return engine_unfold_trim(dst, n);
}

#define ENGINE_UNSTORED		((size_t)-1)	/* hent name of a field not stored */

/* 2: a field the scanner relies on (room is kept for these); 1: other
 * fields worth keeping while there is room; 0: never kept. */
static inline int
engine_keep_header(engine *e, int id)
{
	if (id == FN_RECEIVED)
		return e->nreceived++ < ENGINE_RECEIVED;
	if (id > FN_OTHER && id < FN_VITAL_END)
		return 2;
	return id == FN_NOT_KEPT ? 0 : 1;
}

/* The room the header store gives a field of id with a name of nlen
 * bytes, its name's bytes counted in (the Received fields counted too),
 * in *keep what engine_keep_header() said; (size_t)-1 when the field is
 * not kept. */
static inline size_t
engine_store_room(engine *e, int id, size_t nlen, int *keep)
{
	size_t room;

	*keep = engine_keep_header(e, id);
	if (*keep == 0 || e->nh >= ENGINE_HMAX)
		return (size_t)-1;
	if (*keep == 1 && (e->nh >= ENGINE_HMAX - ENGINE_HVITAL ||
			   e->hlen + ENGINE_HRESERVE >= ENGINE_HSTORE))
		return (size_t)-1;
	if (e->hlen + nlen + 2 >= ENGINE_HSTORE)
		return (size_t)-1;
	e->hlen += nlen + 1;
	room = ENGINE_HSTORE - e->hlen - 1;
	if (room > e->caps.max_header)
		room = e->caps.max_header;
	if (*keep == 1 && room > 1024)
		room = 1024;		/* long X- fields are of little use */
	return room;
}

/* A field into the header store (or its room only, for a field never
 * looked up).  Returns the length of the value stored when it was unfolded with room
 * for 1024 bytes at least (engine_set_unfolded() can take it from there),
 * else (size_t)-1. */
static inline __attribute__((always_inline)) size_t
engine_store_header(engine *e, int id, const char *name, size_t nlen,
		    const char *value, size_t vlen, size_t nlf)
{
	size_t room, at = e->hlen;
	int keep;
	engine_hent *h;

	if ((room = engine_store_room(e, id, nlen, &keep)) == (size_t)-1)
		return (size_t)-1;
	h = &e->hent[e->nh++];
	if (!((ENGINE_LOOKUP_IDS >> id) & 1)) {
		/* never looked up: its room only */
		h->name = ENGINE_UNSTORED;
		e->hlen += engine_unfold_len_nl(room, value, vlen, nlf) + 1;
		return (size_t)-1;
	}
	if (e->first[id - FN_FROM] == 0)
		e->first[id - FN_FROM] = (unsigned char)e->nh;	/* (1 + its index) */
	h->name = at;
	memcpy(e->hstore + at, name, nlen);
	e->hstore[at + nlen] = '\0';
	vlen = engine_unfold_nl(e->hstore + e->hlen, room, value, vlen, nlf);
	h->value = e->hlen;
	e->hstore[e->hlen + vlen] = '\0';
	e->hlen += vlen + 1;
	return room >= 1024 ? vlen : (size_t)-1;
}

/* The ids whose name alone says something (detect_name()), besides the
 * X- names detect_name() looks into. */
#define ENGINE_NAME_SIG_IDS	(1u << FN_X_FAILED_RECIPIENTS | 1u << FN_X_AUTOREPLY | \
				 1u << FN_X_MLSERVER | 1u << FN_X_AMZ_SNS_MESSAGE_TYPE)

/* engine_header_id() for a field whose value is not read
 * (engine_header_reads(id) is 0), in line (a front end's common case),
 * with in ndrop the count of the CRs and LFs the value holds ((size_t)-1:
 * not known): the value may hold CRs (dropped as the unfolding drops
 * them) but no NUL; only its length and white tail are read, and vlen
 * (CRs counted) is tested against max_header. */
static inline __attribute__((always_inline)) void
engine_header_skip(engine *e, int id, const char *name, size_t nlen,
		   const char *value, size_t vlen, size_t ndrop)
{
	size_t room;
	int keep;

	if (e->state != E_HEADERS)
		return;
	if (vlen > e->caps.max_header)
		e->r.caps_hit |= BT_CAP_HEADER;
	/* detect_name() looks at "X-Auto..." and "X-SES-..." only */
	if (((ENGINE_NAME_SIG_IDS >> id) & 1) ||
	    (id == FN_OTHER && nlen >= 6 && (name[0] | 0x20) == 'x' &&
	     ((name[2] | 0x20) == 'a' || (name[2] | 0x20) == 's')))
		e->sig |= detect_name(id, name, nlen);
	if ((room = engine_store_room(e, id, nlen, &keep)) == (size_t)-1)
		return;
	/* never looked up (ENGINE_LOOKUP_IDS is within ENGINE_READS_IDS):
	 * its room only */
	e->hent[e->nh++].name = ENGINE_UNSTORED;
	e->hlen += engine_unfold_len_nl(room, value, vlen, ndrop) + 1;
}

/* engine.c: result_set(*f, the value unfolded into bufmax bytes). */
void engine_set_unfolded(engine *e, char **f, const char *value, size_t vlen,
			 size_t bufmax);

/* engine_set_unfolded() for a value (bufmax 1024) that
 * engine_store_header() has just stored unfolded, n bytes at the end of
 * the store, with room for 1024 or more: the unfolding cut at 1024 bytes is that value cut there (the
 * bytes it kept past n were white space, which the cut drops too). */
static inline void
engine_set_stored(engine *e, char **f, size_t n)
{
	const char *v = e->hstore + e->hlen - n - 1;

	if (n > 1024)
		n = 1024;
	n = engine_unfold_trim(v, n);	/* as engine_unfold() cuts */
	result_set(&e->r, f, v, n, e->caps.max_field);
}

/* The first field of its name into *f (unfolded, cut at 1024 bytes): from
 * the header store when it holds the value whole (stored: its length,
 * else (size_t)-1), or unfolded again from the raw value. */
static inline void
engine_set_first(engine *e, char **f, size_t stored, const char *value, size_t vlen)
{
	if (*f != NULL)
		return;
	if (stored != (size_t)-1)
		engine_set_stored(e, f, stored);
	else
		engine_set_unfolded(e, f, value, vlen, 1024);
}

/* engine_header_id() in line, for a front end that runs it on every field
 * whose value is read (the rawfeed). */
static inline __attribute__((always_inline)) int
engine_header_id_inline(engine *e, int id, const char *name, size_t nlen,
			const char *value, size_t vlen, size_t nlf)
{
	unsigned s;
	size_t stored;

	if (e->state != E_HEADERS)
		return ENGINE_MORE;
	if (vlen > e->caps.max_header)
		e->r.caps_hit |= BT_CAP_HEADER;
	stored = engine_store_header(e, id, name, nlen, value, vlen, nlf);
	if (!engine_header_reads(id)) {
		/* the value is not read: only the name can say something */
		e->sig |= detect_name(id, name, nlen);
		return ENGINE_MORE;
	}
	s = detect_field_nl(id, name, value, vlen, nlf);
	if (e->sender_given && id == FN_RETURN_PATH)
		s = 0;		/* the envelope sender says it better */
	e->sig |= s;
	switch (id) {
	case FN_CONTENT_TYPE:
		if (!e->has_ct) {
			e->ct[engine_unfold_nl(e->ct, ENGINE_CT_MAX, value, vlen,
					       nlf)] = '\0';
			e->has_ct = 1;
		}
		break;
	case FN_CONTENT_TRANSFER_ENCODING:
		e->cte[engine_unfold_nl(e->cte, sizeof(e->cte) - 1, value, vlen,
					nlf)] = '\0';
		break;
	case FN_FROM:
		engine_set_first(e, &e->r.from, stored, value, vlen);
		break;
	case FN_SUBJECT:
		engine_set_first(e, &e->r.subject, stored, value, vlen);
		break;
	case FN_X_MAILER:
		if (e->r.mailer == NULL)
			engine_set_unfolded(e, &e->r.mailer, value, vlen, 256);
		break;
	default:
		break;
	}
	return ENGINE_MORE;
}

/* The bytes of buf (len) copied to t up to the first CR or NUL, as
 * engine.c gathers plain text: their number (len when none); may write all
 * len bytes.  engine_text_force(): the code it runs (2 AVX2, 0 memchr()),
 * as mime_run_force(); for tests. */
size_t engine_text_copy(char *t, const char *buf, size_t len);
int engine_text_force(int level);

#endif
