/*
 * msg-header.c - RFC 5322 header push parser (see msg-header.h).
 *
 * The parser collects one line at a time (up to LF) in `line`; a line
 * starting with WSP is appended to the field being built (`field`), any
 * other line completes that field, which moves to `out` and is handed to
 * the caller, and starts the next one.  The empty line ends the header;
 * from then on pushed bytes are returned as they are.
 *
 * The common case takes a shortcut (field_in_place()): a field whose
 * lines all end in CRLF and that lies whole in the pushed data, the first
 * byte of the line after it included, is handed out where it is, without
 * copying: its raw text is then the pushed bytes themselves.  A field
 * that does not qualify (split across pushes, bare LF line ends, longer
 * than the limit, the last one before the end of input) goes through the
 * line buffers, and the field after it takes the shortcut again when it
 * can (line_untake()).  Both ways give the same events and fields.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "msg/msg-header.h"
#include "util/xalloc.h"

enum msg_header_state {
	MSG_ST_HEADER,
	MSG_ST_END_PENDING, /* last field handed out, END comes next */
	MSG_ST_BODY,
	MSG_ST_DONE,
};

struct msg_header_parser {
	size_t max;
	const char *in; /* pushed bytes not yet consumed */
	size_t in_len;
	bool eof;
	enum msg_header_state state;
	struct buf line, field, out;
	bool line_oversized, field_oversized, out_oversized;
	bool have_field;
	/* stream offsets: bytes consumed, start of the current line, start
	   of the pushed data, and the byte ranges of the field being built
	   and of `out` */
	size_t pos, line_start, push_start;
	size_t field_start, field_end, out_start, out_end;
};

struct msg_header_parser *
msg_header_parser_new(size_t max_field_len)
{
	struct msg_header_parser *p = ma_calloc(1, sizeof(*p));

	p->max = max_field_len == 0 ? MSG_HEADER_DEFAULT_MAX_FIELD :
				      max_field_len;
	return p;
}

void
msg_header_parser_free(struct msg_header_parser **parser_p)
{
	struct msg_header_parser *p = *parser_p;

	if (p == NULL)
		return;
	buf_free(&p->line);
	buf_free(&p->field);
	buf_free(&p->out);
	free(p);
	*parser_p = NULL;
}

void
msg_header_parser_reset(struct msg_header_parser *p)
{
	buf_reset(&p->line);
	buf_reset(&p->field);
	buf_reset(&p->out);
	p->in = NULL;
	p->in_len = 0;
	p->eof = false;
	p->state = MSG_ST_HEADER;
	p->line_oversized = p->field_oversized = p->out_oversized = false;
	p->have_field = false;
	p->pos = p->line_start = p->push_start = 0;
	p->field_start = p->field_end = p->out_start = p->out_end = 0;
}

void
msg_header_push(struct msg_header_parser *p, const void *data, size_t len)
{
	p->in = data;
	p->in_len = len;
	p->push_start = p->pos;
}

void
msg_header_push_eof(struct msg_header_parser *p)
{
	p->eof = true;
}

/* Append to a bounded buffer; remember truncation. */
static void
bounded_append(struct buf *b, size_t max, bool *oversized, const char *data,
	       size_t len)
{
	if (b->len + len > max) {
		*oversized = true;
		len = b->len < max ? max - b->len : 0;
	}
	buf_append(b, data, len);
}

static bool
is_ftext(unsigned char c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/* Fill *f (but for oversized and the stream offsets) from a field's raw
 * text. */
static void
field_describe(const char *raw, size_t len, struct msg_header_field *f)
{
	const char *colon = memchr(raw, ':', len);
	size_t n, i;

	memset(f, 0, sizeof(*f));
	f->raw = raw;
	f->raw_len = len;
	/* a line break before the colon: the name ends in WSP or holds
	   the CR, neither of which the ftext test lets through */
	if (colon == NULL)
		return;
	n = (size_t)(colon - raw);
	while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++) {
		if (!is_ftext((unsigned char)raw[i]))
			return;
	}
	if (n == 0)
		return;
	f->name = raw;
	f->name_len = n;
	f->value = colon + 1;
	f->value_len = len - (size_t)(colon + 1 - raw);
}

/* Fill *f from the field in p->out. */
static void
field_describe_out(struct msg_header_parser *p, struct msg_header_field *f)
{
	field_describe(p->out.data != NULL ? p->out.data : "", p->out.len, f);
	f->oversized = p->out_oversized;
	f->offset = p->out_start;
	f->input_len = p->out_end - p->out_start;
}

/* The shortcut (see the top of the file): with no line or field pending,
 * hand out the field at the start of the pushed data in place if all its
 * lines end in CRLF, the line after it has begun and it is not longer
 * than the limit - what the line buffers would make of it is then the
 * pushed bytes without the final CRLF.  False (nothing consumed)
 * otherwise, the empty line ending the header included. */
static bool
field_in_place(struct msg_header_parser *p, struct msg_header_field *f)
{
	const char *s = p->in, *end = p->in + p->in_len, *line = s, *lf;
	size_t len;

	for (;;) {
		lf = memchr(line, '\n', (size_t)(end - line));
		if (lf == NULL || lf == line || lf[-1] != '\r' ||
		    lf - 1 == s || lf + 1 == end)
			return false; /* no LF, bare LF, empty line, or the
					 next line not seen yet */
		if (lf[1] != ' ' && lf[1] != '\t')
			break;
		line = lf + 1; /* a continuation line */
	}
	len = (size_t)(lf - 1 - s);
	if (len > p->max)
		return false;
	field_describe(s, len, f);
	f->offset = p->pos;
	f->input_len = (size_t)(lf + 1 - s);
	p->in += f->input_len;
	p->in_len -= f->input_len;
	p->pos += f->input_len;
	p->line_start = p->pos;
	return true;
}

/* Move the finished field to `out`. */
static void
field_finish(struct msg_header_parser *p)
{
	struct buf tmp = p->out;

	p->out = p->field;
	p->out_oversized = p->field_oversized;
	p->out_start = p->field_start;
	p->out_end = p->field_end;
	p->field = tmp;
	buf_reset(&p->field);
	p->field_oversized = false;
	p->have_field = false;
}

/* Give back the line that has just completed a field (and would start
 * the next) to the pushed data, so that field_in_place() can take its
 * field: when the line lies whole in the pushed data and ended in CRLF.
 * False if it cannot be given back. */
static bool
line_untake(struct msg_header_parser *p, bool crlf)
{
	size_t n = p->pos - p->line_start;

	if (!crlf || p->line_oversized || p->line_start < p->push_start)
		return false;
	p->in -= n;
	p->in_len += n;
	p->pos = p->line_start;
	return true;
}

/* The line in p->line starts the next field. */
static void
line_starts_field(struct msg_header_parser *p)
{
	struct buf tmp = p->field;

	p->field = p->line;
	p->line = tmp;
	p->field_oversized = p->line_oversized;
	p->have_field = true;
	p->field_start = p->line_start;
	p->field_end = p->pos;
}

/* Process the complete line in p->line.  Returns true if a field was
 * completed and moved to `out` (to hand out now). */
static bool
line_complete(struct msg_header_parser *p, bool *end_r)
{
	size_t len = p->line.len;
	bool emitted = false, crlf = false;

	*end_r = false;
	if (len > 0 && p->line.data[len - 1] == '\r') {
		p->line.len = --len;
		crlf = true;
	}
	if (len > p->max) {
		p->line.len = len = p->max;
		p->line_oversized = true;
	}
	if (len == 0) {
		*end_r = true;
		if (p->have_field) {
			field_finish(p);
			emitted = true;
		}
	} else if ((p->line.data[0] == ' ' || p->line.data[0] == '\t') &&
		   p->have_field) {
		bounded_append(&p->field, p->max, &p->field_oversized, "\r\n",
			       2);
		bounded_append(&p->field, p->max, &p->field_oversized,
			       p->line.data, len);
		p->field_oversized |= p->line_oversized;
		p->field_end = p->pos;
	} else {
		if (p->have_field) {
			field_finish(p);
			emitted = true;
		}
		/* after a field handed out of the line buffers, the next may
		   take the shortcut again; not otherwise (it was tried) */
		if (!emitted || !line_untake(p, crlf))
			line_starts_field(p);
	}
	p->line_start = p->pos;
	buf_reset(&p->line);
	p->line_oversized = false;
	return emitted;
}

/* Take the next line from the input.  Returns false if more input is
 * needed (the partial line is kept). */
static bool
line_take(struct msg_header_parser *p)
{
	const char *lf = memchr(p->in, '\n', p->in_len);
	size_t n = lf != NULL ? (size_t)(lf - p->in) : p->in_len;

	/* +1: the CR of CRLF, removed when the line is complete */
	bounded_append(&p->line, p->max + 1, &p->line_oversized, p->in, n);
	if (lf == NULL) {
		p->in += n;
		p->in_len = 0;
		p->pos += n;
		return false;
	}
	p->pos += n + 1;
	p->in += n + 1;
	p->in_len -= n + 1;
	return true;
}

static enum msg_header_event
header_next(struct msg_header_parser *p, struct msg_header_field *f)
{
	bool end;

	for (;;) {
		if (p->in_len == 0 && !p->eof)
			return MSG_HEADER_NEED_MORE;
		if (p->in_len > 0 && p->line.len == 0 && !p->have_field &&
		    field_in_place(p, f))
			return MSG_HEADER_FIELD;
		if (p->in_len > 0 && !line_take(p))
			continue;
		if (p->in_len == 0 && p->eof && p->line.len == 0) {
			/* end of input inside the header */
			end = true;
			if (p->have_field)
				field_finish(p);
			else
				goto end;
		} else if (!line_complete(p, &end)) {
			if (end)
				goto end;
			continue;
		}
		p->state = end ? MSG_ST_END_PENDING : MSG_ST_HEADER;
		field_describe_out(p, f);
		return MSG_HEADER_FIELD;
	}
end:
	p->state = MSG_ST_BODY;
	return MSG_HEADER_END;
}

enum msg_header_event
msg_header_next(struct msg_header_parser *p, struct msg_header_field *f)
{
	switch (p->state) {
	case MSG_ST_HEADER:
		return header_next(p, f);
	case MSG_ST_END_PENDING:
		p->state = MSG_ST_BODY;
		return MSG_HEADER_END;
	case MSG_ST_BODY:
		if (p->in_len > 0) {
			memset(f, 0, sizeof(*f));
			f->raw = p->in;
			f->raw_len = p->in_len;
			p->in_len = 0;
			return MSG_HEADER_BODY;
		}
		if (!p->eof)
			return MSG_HEADER_NEED_MORE;
		p->state = MSG_ST_DONE;
		return MSG_HEADER_EOF;
	case MSG_ST_DONE:
		break;
	}
	return MSG_HEADER_EOF;
}

bool
msg_header_field_is(const struct msg_header_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->name_len == n && strncasecmp(f->name, name, n) == 0;
}

/* After a bare line break at `p`: "From" *WSP ":" */
static bool
looks_like_from(const char *p, const char *end)
{
	if (end - p < 5 || strncasecmp(p, "From", 4) != 0)
		return false;
	for (p += 4; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	return p < end && *p == ':';
}

/* The next `c` in [p, end), or NULL. */
static const char *
find_byte(const char *p, const char *end, char c)
{
	return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
}

/* Each line break is found with memchr() (most fields have one CRLF or
 * none), not by testing every byte: the bare LFs, then the bare CRs. */
bool
msg_header_hides_from(const char *raw, size_t len)
{
	const char *p, *end = raw + len;

	for (p = raw; (p = find_byte(p, end, '\n')) != NULL; p++) {
		if ((p == raw || p[-1] != '\r') && looks_like_from(p + 1, end))
			return true;
	}
	for (p = raw; (p = find_byte(p, end, '\r')) != NULL; p++) {
		if ((p + 1 == end || p[1] != '\n') &&
		    looks_like_from(p + 1, end))
			return true;
	}
	return false;
}

void
msg_header_from_note(struct msg_header_from *from,
		     const struct msg_header_field *field)
{
	if (msg_header_field_is(field, "From"))
		from->count++;
	if (msg_header_hides_from(field->raw, field->raw_len))
		from->hidden = true;
}
