/*
 * policy-request.c - push parser for the Postfix policy delegation
 * protocol (see policy-request.h).
 *
 * push() splits the input into lines as it arrives and queues finished
 * items (a complete request, a skipped request, or garbage); next() pops
 * them in order and turns a request into name/value pairs.  The only
 * unbounded thing would be the queue, and it holds at most what one
 * push() delivered, which the caller bounds by its read size.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "policy-request.h"
#include "util/strparse.h"
#include "util/xalloc.h"

struct policy_item {
	struct policy_item *next;
	enum policy_parse_status status;
	char *data; /* REQUEST: the lines, each ending in '\n' */
	size_t len;
	const char *reason; /* static text for BAD_REQUEST / GARBAGE */
};

struct policy_parser {
	size_t max_size;
	unsigned int max_attrs;
	struct buf cur;	       /* the request being received */
	struct buf line;       /* the line being received */
	unsigned int nattrs;   /* lines in cur */
	const char *skipping;  /* reason while discarding a request */
	bool skip_line_empty;  /* skipping: the current line is empty */
	bool garbage;
	struct policy_item *head, **tail;
	unsigned int queued, max_queued; /* items; 0 = no cap */
};

struct policy_parser *
policy_parser_new(size_t max_request_size, unsigned int max_attributes)
{
	struct policy_parser *p = ma_calloc(1, sizeof(*p));

	p->max_size = max_request_size != 0 ? max_request_size
					    : POLICY_DEFAULT_MAX_REQUEST_SIZE;
	p->max_attrs = max_attributes != 0 ? max_attributes
					   : POLICY_DEFAULT_MAX_ATTRIBUTES;
	p->tail = &p->head;
	p->skip_line_empty = true;
	return p;
}

void
policy_parser_free(struct policy_parser **parser_p)
{
	struct policy_parser *p = *parser_p;
	struct policy_item *it, *next;

	if (p == NULL)
		return;
	for (it = p->head; it != NULL; it = next) {
		next = it->next;
		free(it->data);
		free(it);
	}
	buf_free(&p->cur);
	buf_free(&p->line);
	free(p);
	*parser_p = NULL;
}

static void
enqueue(struct policy_parser *p, enum policy_parse_status status,
	const char *reason)
{
	struct policy_item *it = ma_calloc(1, sizeof(*it));

	it->status = status;
	it->reason = reason;
	if (status == POLICY_REQUEST)
		it->data = buf_steal(&p->cur, &it->len);
	*p->tail = it;
	p->tail = &it->next;
	p->queued++;
}

void
policy_parser_set_max_queued(struct policy_parser *p, unsigned int max)
{
	p->max_queued = max;
}

static bool
queue_full(const struct policy_parser *p)
{
	return p->max_queued != 0 && p->queued >= p->max_queued;
}

static bool
is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* An attribute line (without its '\n'): name=value, value without NUL. */
static const char *
line_problem(const char *line, size_t len)
{
	struct strparse sp;

	sp_init(&sp, line, len);
	if (sp_span(&sp, is_name_char, POLICY_MAX_NAME_LEN, NULL) == 0)
		return "line does not start with an attribute name";
	if (!sp_char(&sp, '='))
		return "attribute line without '='";
	if (memchr(sp.p, '\0', sp_left(&sp)) != NULL)
		return "NUL octet in attribute value";
	return NULL;
}

static void
start_skipping(struct policy_parser *p, const char *reason)
{
	p->skipping = reason;
	p->skip_line_empty = true;
	buf_reset(&p->cur);
	p->nattrs = 0;
}

/* One complete line (p->line, without '\n'; a final '\r' is dropped). */
static void
take_line(struct policy_parser *p)
{
	const char *problem;
	size_t len = p->line.len;

	if (len > 0 && p->line.data[len - 1] == '\r')
		len--;
	if (len == 0) {
		if (p->nattrs == 0)
			enqueue(p, POLICY_BAD_REQUEST, "empty request");
		else
			enqueue(p, POLICY_REQUEST, NULL);
		p->nattrs = 0;
		return;
	}
	problem = line_problem(p->line.data, len);
	if (problem != NULL) {
		p->garbage = true;
		enqueue(p, POLICY_GARBAGE, problem);
		return;
	}
	if (++p->nattrs > p->max_attrs) {
		start_skipping(p, "too many attributes");
		return;
	}
	buf_append(&p->cur, p->line.data, len);
	buf_append_char(&p->cur, '\n');
}

/* Discarding an oversized request: look for its empty line. */
static size_t
skip_input(struct policy_parser *p, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == '\n') {
			if (p->skip_line_empty) {
				enqueue(p, POLICY_BAD_REQUEST, p->skipping);
				p->skipping = NULL;
				return i + 1;
			}
			p->skip_line_empty = true;
		} else if (data[i] != '\r') {
			p->skip_line_empty = false;
		}
	}
	return len;
}

size_t
policy_parser_push(struct policy_parser *p, const void *data, size_t len)
{
	const char *d = data;

	while (len > 0 && !p->garbage && !queue_full(p)) {
		const char *nl;
		size_t n;

		if (p->skipping != NULL) {
			n = skip_input(p, d, len);
			d += n;
			len -= n;
			continue;
		}
		nl = memchr(d, '\n', len);
		n = nl == NULL ? len : (size_t)(nl - d);
		if (p->cur.len + p->line.len + n > p->max_size) {
			start_skipping(p, "request too large");
			p->skip_line_empty = false;
			buf_reset(&p->line);
			continue;
		}
		buf_append(&p->line, d, n);
		if (nl == NULL)
			return (size_t)(d + n - (const char *)data);
		d += n + 1;
		len -= n + 1;
		take_line(p);
		buf_reset(&p->line);
	}
	/* garbage: the rest is never looked at, so it counts as taken */
	return p->garbage ? (size_t)(d + len - (const char *)data)
			  : (size_t)(d - (const char *)data);
}

size_t
policy_parser_pending(const struct policy_parser *p)
{
	return p->cur.len + p->line.len + (p->head != NULL ? 1 : 0) +
	       (p->skipping != NULL ? 1 : 0);
}

const char *
policy_request_get(const struct policy_request *r, const char *name)
{
	size_t i;

	/* the last one wins if a name repeats */
	for (i = r->nattrs; i > 0; i--) {
		if (strcmp(r->attrs[i - 1].name, name) == 0)
			return r->attrs[i - 1].value;
	}
	return NULL;
}

/* The well-known attributes and their fields in struct policy_request. */
#define KNOWN_ATTR(name, field)                                               \
	{name, sizeof(name) - 1, offsetof(struct policy_request, field)}
static const struct {
	const char *name;
	size_t len;
	size_t offset;
} known_attrs[] = {
    KNOWN_ATTR("request", request),
    KNOWN_ATTR("protocol_state", protocol_state),
    KNOWN_ATTR("client_address", client_address),
    KNOWN_ATTR("client_name", client_name),
    KNOWN_ATTR("helo_name", helo_name),
    KNOWN_ATTR("sender", sender),
    KNOWN_ATTR("recipient", recipient),
    KNOWN_ATTR("instance", instance),
    KNOWN_ATTR("sasl_username", sasl_username),
    KNOWN_ATTR("queue_id", queue_id),
};

/* If `name` is a well-known attribute, point its field at `value` (a later
 * line overrides an earlier one: the last one wins, as in
 * policy_request_get()).  Names are [a-z0-9_] (line_problem), so the
 * slice compares exactly. */
static void
set_known(struct policy_request *r, const struct sp_slice *name,
	  const char *value)
{
	size_t i;

	for (i = 0; i < sizeof(known_attrs) / sizeof(known_attrs[0]); i++) {
		if (known_attrs[i].len == name->len &&
		    memcmp(known_attrs[i].name, name->p, name->len) == 0) {
			*(const char **)((char *)r + known_attrs[i].offset) =
			    value;
			return;
		}
	}
}

static const struct policy_request *
build_request(struct arena *arena, const char *data, size_t len)
{
	struct policy_request *r = arena_zalloc(arena, sizeof(*r));
	struct policy_attr *attrs;
	struct strparse sp;
	size_t n = 0;

	attrs = arena_alloc(arena, (len / 2 + 1) * sizeof(*attrs));
	sp_init(&sp, data, len);
	while (!sp_eof(&sp)) {
		struct sp_slice name, value;

		sp_until(&sp, "=", &name);
		sp_char(&sp, '=');
		sp_until(&sp, "\n", &value);
		sp_char(&sp, '\n');
		attrs[n].name = arena_strndup(arena, name.p, name.len);
		attrs[n].value = arena_memdup0(arena, value.p, value.len);
		set_known(r, &name, attrs[n].value);
		n++;
	}
	r->attrs = attrs;
	r->nattrs = n;
	return r;
}

enum policy_parse_status
policy_parser_next(struct policy_parser *p, struct arena *arena,
		   const struct policy_request **request_r,
		   const char **error_r)
{
	struct policy_item *it = p->head;
	enum policy_parse_status status;

	*request_r = NULL;
	*error_r = NULL;
	if (it == NULL)
		return POLICY_MORE;
	status = it->status;
	if (status == POLICY_REQUEST)
		*request_r = build_request(arena, it->data, it->len);
	else
		*error_r = arena_strdup(arena, it->reason);
	if (status == POLICY_GARBAGE)
		return status; /* stays at the head: the stream is dead */
	p->head = it->next;
	if (p->head == NULL)
		p->tail = &p->head;
	p->queued--;
	free(it->data);
	free(it);
	return status;
}
