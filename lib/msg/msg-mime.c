/*
 * msg-mime.c - the streaming MIME walker (msg-mime.h): lines are split
 * here, header fields go through the push header parser (msg-header.c),
 * parameters through msg-mime-param.c, bodies through msg-mime-decode.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "msg/msg-header.h"
#include "msg/msg-mime-decode.h"
#include "msg/msg-mime-param.h"
#include "msg/msg-mime.h"

/* RFC 2046 5.1.1: a boundary is 1..70 characters; longer ones (up to
 * this) are tolerated, beyond it the multipart is taken as a leaf. */
#define MIME_MAX_BOUNDARY 200

enum mime_state {
	MIME_HEADER, /* reading an entity's header */
	MIME_BODY,   /* a leaf part's body, handed over */
	MIME_SKIP,   /* preamble, epilogue, or a part beyond max_parts */
};

/* One open multipart. */
struct mime_level {
	char boundary[MIME_MAX_BOUNDARY + 1];
	size_t blen;
	char *type, *report_type; /* malloc'd */
};

struct msg_mime {
	struct msg_mime_limits limits;
	struct msg_mime_callbacks cb;
	void *ctx;
	struct msg_header_parser *hp;
	struct buf line;
	bool line_continues; /* `line` holds the rest of a long line */
	enum mime_state state;
	struct mime_level *levels;
	unsigned int nlevels;
	/* the entity whose header is being read / whose body is open */
	struct arena *arena;
	const char *ct, *disposition, *name;
	const struct msg_mime_param *ct_params;
	size_t n_ct_params;
	enum msg_mime_encoding enc;
	struct msg_mime_part part;
	struct msg_mime_decoder dec;
	const char *pending_eol; /* the line end held back (RFC 2046
				    5.1.1: it may belong to a boundary) */
	size_t pending_len;
	struct buf out;
	unsigned int nparts;
};

struct msg_mime *
msg_mime_new(const struct msg_mime_limits *limits,
	     const struct msg_mime_callbacks *callbacks, void *ctx)
{
	struct msg_mime *m = ma_calloc(1, sizeof(*m));

	m->limits = *limits;
	if (m->limits.max_depth == 0)
		m->limits.max_depth = 16;
	if (m->limits.max_parts == 0)
		m->limits.max_parts = 1000;
	if (m->limits.max_field == 0)
		m->limits.max_field = 64 * 1024;
	m->cb = *callbacks;
	m->ctx = ctx;
	m->hp = msg_header_parser_new(m->limits.max_field);
	m->levels = ma_calloc(m->limits.max_depth, sizeof(*m->levels));
	m->arena = arena_new(0);
	m->state = MIME_HEADER;
	return m;
}

static void
levels_pop_to(struct msg_mime *m, unsigned int n)
{
	while (m->nlevels > n) {
		struct mime_level *l = &m->levels[--m->nlevels];

		free(l->type);
		free(l->report_type);
		l->type = l->report_type = NULL;
	}
}

void
msg_mime_free(struct msg_mime **m_p)
{
	struct msg_mime *m = *m_p;

	if (m == NULL)
		return;
	*m_p = NULL;
	levels_pop_to(m, 0);
	free(m->levels);
	msg_header_parser_free(&m->hp);
	arena_free(&m->arena);
	buf_free(&m->line);
	buf_free(&m->out);
	free(m);
}

static void
entity_begin(struct msg_mime *m)
{
	msg_header_parser_reset(m->hp);
	arena_clear(m->arena);
	m->ct = m->disposition = m->name = NULL;
	m->ct_params = NULL;
	m->n_ct_params = 0;
	m->enc = MSG_MIME_ENC_IDENTITY;
	m->state = MIME_HEADER;
}

static enum msg_mime_encoding
encoding_of(const struct msg_header_field *f)
{
	struct buf v = BUF_INIT;
	enum msg_mime_encoding enc = MSG_MIME_ENC_IDENTITY;
	size_t i;

	for (i = 0; i < f->value_len; i++)
		if (f->value[i] != ' ' && f->value[i] != '\t' &&
		    f->value[i] != '\r' && f->value[i] != '\n')
			buf_append_char(&v, f->value[i]);
	if (v.len == 6 && strncasecmp(v.data, "base64", 6) == 0)
		enc = MSG_MIME_ENC_BASE64;
	else if (v.len == 16 &&
		 strncasecmp(v.data, "quoted-printable", 16) == 0)
		enc = MSG_MIME_ENC_QP;
	buf_free(&v);
	return enc;
}

static void
header_field(struct msg_mime *m, const struct msg_header_field *f)
{
	const struct msg_mime_param *params;
	const char *token, *err, *v;
	size_t n;

	if (m->cb.header != NULL)
		m->cb.header(m->ctx, m->nlevels, f);
	if (f->oversized)
		return;
	if (msg_header_field_is(f, "Content-Type")) {
		if (msg_mime_params_parse(f->value, f->value_len, m->arena,
					  &token, &params, &n, &err) == 0 &&
		    strchr(token, '/') != NULL) {
			m->ct = token;
			m->ct_params = params;
			m->n_ct_params = n;
		}
	} else if (msg_header_field_is(f, "Content-Transfer-Encoding")) {
		m->enc = encoding_of(f);
	} else if (msg_header_field_is(f, "Content-Disposition")) {
		if (msg_mime_params_parse(f->value, f->value_len, m->arena,
					  &token, &params, &n, &err) == 0) {
			m->disposition = token;
			v = msg_mime_param_get(params, n, "filename");
			if (v != NULL && *v != '\0')
				m->name = v;
		}
	}
}

static void
emit(struct msg_mime *m)
{
	if (m->out.len > 0 && m->cb.part_data != NULL)
		m->cb.part_data(m->ctx, &m->part, m->out.data, m->out.len);
	buf_reset(&m->out);
}

/* The header ended: a multipart opens a level, a leaf begins. */
static void
header_done(struct msg_mime *m)
{
	const char *type = m->ct != NULL ? m->ct : "text/plain";
	const char *b = msg_mime_param_get(m->ct_params, m->n_ct_params,
					   "boundary");
	struct mime_level *l;

	if (strncmp(type, "multipart/", 10) == 0 && b != NULL && *b != '\0' &&
	    strlen(b) <= MIME_MAX_BOUNDARY &&
	    m->nlevels < m->limits.max_depth) {
		l = &m->levels[m->nlevels++];
		l->blen = strlen(b);
		memcpy(l->boundary, b, l->blen + 1);
		l->type = ma_strdup(type);
		b = msg_mime_param_get(m->ct_params, m->n_ct_params,
				       "report-type");
		l->report_type = b == NULL ? NULL : ma_strdup(b);
		m->state = MIME_SKIP;
		return;
	}
	if (m->nparts >= m->limits.max_parts) {
		m->state = MIME_SKIP;
		return;
	}
	memset(&m->part, 0, sizeof(m->part));
	m->part.depth = m->nlevels;
	m->part.index = m->nparts++;
	m->part.type = type;
	m->part.name = m->name != NULL ? m->name :
		msg_mime_param_get(m->ct_params, m->n_ct_params, "name");
	m->part.disposition = m->disposition;
	m->part.encoding = m->enc;
	m->part.too_deep = strncmp(type, "multipart/", 10) == 0 &&
		b != NULL && *b != '\0' && m->nlevels >= m->limits.max_depth;
	if (m->nlevels > 0) {
		m->part.parent_type = m->levels[m->nlevels - 1].type;
		m->part.report_type = m->levels[m->nlevels - 1].report_type;
	}
	msg_mime_decoder_init(&m->dec, m->enc);
	m->pending_eol = NULL;
	m->pending_len = 0;
	m->state = MIME_BODY;
	if (m->cb.part_begin != NULL)
		m->cb.part_begin(m->ctx, &m->part);
}

/* Drain the header parser; true once the header ended. */
static bool
header_drain(struct msg_mime *m)
{
	struct msg_header_field f;
	enum msg_header_event ev;

	while ((ev = msg_header_next(m->hp, &f)) != MSG_HEADER_NEED_MORE) {
		if (ev == MSG_HEADER_FIELD) {
			header_field(m, &f);
		} else if (ev == MSG_HEADER_END) {
			header_done(m);
			return true;
		} else {
			break; /* BODY / EOF: nothing of ours */
		}
	}
	return false;
}

/* The header is cut short (boundary or end of message). */
static void
header_cut(struct msg_mime *m)
{
	msg_header_push_eof(m->hp);
	if (!header_drain(m))
		header_done(m);
}

/* The open part ends at a boundary or (`at_eof`) the message's end,
 * where the line end held back is the part's after all. */
static void
part_end(struct msg_mime *m, bool at_eof, bool truncated)
{
	if (m->state == MIME_HEADER)
		header_cut(m);
	if (m->state != MIME_BODY)
		return;
	if (at_eof && m->pending_len > 0 && m->enc != MSG_MIME_ENC_BASE64)
		buf_append(&m->out, m->enc == MSG_MIME_ENC_QP ? "\r\n" :
			   m->pending_eol, m->enc == MSG_MIME_ENC_QP ? 2 :
			   m->pending_len);
	msg_mime_decoder_finish(&m->dec, &m->out);
	m->part.invalid_encoding = m->dec.invalid;
	emit(m);
	if (m->cb.part_end != NULL)
		m->cb.part_end(m->ctx, &m->part, truncated);
	m->state = MIME_SKIP;
}

/* A boundary line of one of the open levels: 1 delimiter, 2 close
 * delimiter, 0 not one.  *level_r which level. */
static int
boundary_match(const struct msg_mime *m, const char *s, size_t len,
	       unsigned int *level_r)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--; /* RFC 2046 5.1.1 transport-padding */
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return 0;
	for (unsigned int k = m->nlevels; k-- > 0;) {
		const struct mime_level *l = &m->levels[k];

		if (len < 2 + l->blen ||
		    memcmp(s + 2, l->boundary, l->blen) != 0)
			continue;
		*level_r = k;
		if (len == 2 + l->blen)
			return 1;
		if (len == 4 + l->blen && s[2 + l->blen] == '-' &&
		    s[3 + l->blen] == '-')
			return 2;
	}
	return 0;
}

static void
body_line(struct msg_mime *m, const char *s, size_t len, size_t eol_len)
{
	bool soft;

	if (m->pending_len > 0) {
		if (m->enc == MSG_MIME_ENC_IDENTITY)
			buf_append(&m->out, m->pending_eol, m->pending_len);
		else if (m->enc == MSG_MIME_ENC_QP)
			buf_append(&m->out, "\r\n", 2);
		m->pending_len = 0;
	}
	soft = msg_mime_decoder_line(&m->dec, s, len, eol_len > 0, &m->out);
	if (eol_len > 0 && !soft) {
		m->pending_eol = eol_len == 2 ? "\r\n" : "\n";
		m->pending_len = eol_len;
	}
	emit(m);
}

/* One line (with its line end, eol_len 0..2), or a piece of a long line
 * (`at_start` false for the pieces after the first). */
static void
line(struct msg_mime *m, const char *s, size_t len, size_t eol_len,
     bool at_start)
{
	unsigned int k;
	int b = at_start ? boundary_match(m, s, len - eol_len, &k) : 0;

	if (b != 0) {
		part_end(m, false, false);
		levels_pop_to(m, b == 1 ? k + 1 : k);
		if (b == 1)
			entity_begin(m);
		else
			m->state = MIME_SKIP;
		return;
	}
	switch (m->state) {
	case MIME_HEADER:
		msg_header_push(m->hp, s, len);
		header_drain(m);
		break;
	case MIME_BODY:
		body_line(m, s, len - eol_len, eol_len);
		break;
	case MIME_SKIP:
		break;
	}
}

void
msg_mime_feed(struct msg_mime *m, const void *data, size_t len)
{
	const char *p = data, *end = p + len, *lf;
	size_t n, eol;

	while (p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		n = lf != NULL ? (size_t)(lf + 1 - p) : (size_t)(end - p);
		if (m->line.len + n > MSG_MIME_MAX_LINE) {
			/* a long line: hand on a piece, keep two octets so
			 * that a "=XX" is never cut */
			n = MSG_MIME_MAX_LINE - m->line.len;
			buf_append(&m->line, p, n);
			p += n;
			line(m, m->line.data, m->line.len - 2, 0,
			     !m->line_continues);
			buf_consume(&m->line, m->line.len - 2);
			m->line_continues = true;
			continue;
		}
		buf_append(&m->line, p, n);
		p += n;
		if (lf == NULL)
			break;
		eol = m->line.len >= 2 && m->line.data[m->line.len - 2] == '\r' ?
			2 : 1;
		line(m, m->line.data, m->line.len, eol, !m->line_continues);
		buf_reset(&m->line);
		m->line_continues = false;
	}
}

unsigned int
msg_mime_finish(struct msg_mime *m)
{
	if (m->line.len > 0) {
		line(m, m->line.data, m->line.len, 0, !m->line_continues);
		buf_reset(&m->line);
	}
	part_end(m, true, m->nlevels > 0);
	levels_pop_to(m, 0);
	return m->nparts;
}
