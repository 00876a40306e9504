/*
 * xml-parse.c - the streaming XML reader (xml-parse.h).
 *
 * The input buffer holds what has been copied in and not yet read; a
 * token (tag, text run, comment, PI, CDATA section) is read only once it
 * is complete in the buffer, so every token is bounded by max_text and
 * the buffer by max_text + XML_PARSE_PIECE.  While a token is not yet
 * complete, `scanned` remembers how much of it was searched for its end,
 * so that input pushed in small pieces is scanned once, not once per
 * piece.
 */
#include "config.h"

#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/xml.h"
#include "util/xml-parse.h"

/* A result of one scan: an event is ready, nothing was (read on), the
 * token is not complete yet. */
enum scan { SCAN_EVENT, SCAN_NONE, SCAN_INCOMPLETE };

struct xml_parse {
	struct xml_parse_limits limits;
	struct buf in;	    /* copied input; [pos, len) unread */
	size_t pos;
	size_t scanned;	    /* of the unfinished token at pos: octets
			       searched for its end without finding it */
	char scan_quote;    /* ... and, in a start tag, the open quote */
	const unsigned char *pend; /* pushed, not yet copied */
	size_t pend_len;
	uint64_t total;
	bool ended, started, root_seen, root_closed, pending_end;
	const char *error;
	struct buf names;   /* open element names, NUL-terminated */
	size_t *name_off;   /* [max_depth] */
	unsigned int depth;
	struct buf tok;	    /* the decoded token of the last event */
	struct xml_attr *attrs; /* [max_attrs] */
	size_t *attr_off;	/* [2 * max_attrs]: name, value in tok */
};

void
xml_parse_limits_default(struct xml_parse_limits *l)
{
	l->max_depth = 64;
	l->max_name = 256;
	l->max_text = 65536;
	l->max_attrs = 32;
	l->max_total = (uint64_t)1 << 30;
}

struct xml_parse *
xml_parse_new(const struct xml_parse_limits *limits)
{
	struct xml_parse *x = ma_calloc(1, sizeof(*x));

	if (limits != NULL)
		x->limits = *limits;
	else
		xml_parse_limits_default(&x->limits);
	if (x->limits.max_depth == 0)
		x->limits.max_depth = 1;
	x->name_off = ma_calloc(x->limits.max_depth, sizeof(*x->name_off));
	x->attrs = ma_calloc(x->limits.max_attrs + 1, sizeof(*x->attrs));
	x->attr_off = ma_calloc(2 * (x->limits.max_attrs + 1),
			      sizeof(*x->attr_off));
	return x;
}

void
xml_parse_free(struct xml_parse **x_p)
{
	struct xml_parse *x = *x_p;

	if (x == NULL)
		return;
	buf_free(&x->in);
	buf_free(&x->names);
	buf_free(&x->tok);
	free(x->name_off);
	free(x->attrs);
	free(x->attr_off);
	free(x);
	*x_p = NULL;
}

void
xml_parse_push(struct xml_parse *x, const void *data, size_t len)
{
	x->pend = data;
	x->pend_len = len;
	x->total += len;
	if (x->total > x->limits.max_total && x->error == NULL)
		x->error = "document larger than the limit";
}

void
xml_parse_end(struct xml_parse *x)
{
	x->ended = true;
}

uint64_t
xml_parse_total(const struct xml_parse *x)
{
	return x->total;
}

/* Copy the next piece of pushed input into the buffer: false if none. */
static bool
fill(struct xml_parse *x)
{
	size_t n = x->pend_len < XML_PARSE_PIECE ? x->pend_len
						  : XML_PARSE_PIECE;

	if (n == 0)
		return false;
	if (x->pos > 0) {
		buf_consume(&x->in, x->pos);
		x->pos = 0;
	}
	buf_append(&x->in, x->pend, n);
	x->pend += n;
	x->pend_len -= n;
	return true;
}

static enum scan
fail(struct xml_parse *x, const char *reason)
{
	if (x->error == NULL)
		x->error = reason;
	return SCAN_EVENT;
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' || c >= 0x80;
}

static bool
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.';
}

/* The Name at p (XML 1.0 2.3, non-ASCII letters taken as UTF-8): its
 * length, or 0 when there is none or it is too long or not UTF-8. */
static size_t
scan_name(struct xml_parse *x, const unsigned char *p, size_t n)
{
	size_t i = 0;
	const char *err;

	if (n == 0 || !name_start(p[0]))
		return 0;
	while (i < n && name_char(p[i]))
		i++;
	if (i > x->limits.max_name || xml_check(p, i, &err) < 0)
		return 0;
	return i;
}

/* One reference at p ('&' ... ';') appended decoded: its length, or 0
 * when it is not one of the predefined five or a valid character. */
static size_t
decode_ref(struct buf *out, const unsigned char *p, size_t n)
{
	static const struct { const char *name; char c; } pre[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	const unsigned char *semi = memchr(p, ';', n < 12 ? n : 12);
	uint32_t cp = 0;
	size_t i, k;
	bool hex;

	if (semi == NULL)
		return 0;
	k = (size_t)(semi - p) + 1;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		if (k == strlen(pre[i].name) + 1 &&
		    memcmp(p + 1, pre[i].name, k - 1) == 0) {
			buf_append_char(out, pre[i].c);
			return k;
		}
	}
	if (k < 4 || p[1] != '#')
		return 0;
	hex = p[2] == 'x';
	for (i = hex ? 3 : 2; i + 1 < k; i++) {
		unsigned char c = p[i];
		int v = c >= '0' && c <= '9' ? c - '0'
			: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
			: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0 || cp > 0x10ffff)
			return 0;
		cp = cp * (hex ? 16 : 10) + (uint32_t)v;
	}
	if (i == (hex ? 3u : 2u) || !xml_is_char(cp))
		return 0;
	if (cp < 0x80)
		buf_append_char(out, (char)cp);
	else if (cp < 0x800) {
		buf_append_char(out, (char)(0xc0 | (cp >> 6)));
		buf_append_char(out, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_append_char(out, (char)(0xe0 | (cp >> 12)));
		buf_append_char(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_append_char(out, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_append_char(out, (char)(0xf0 | (cp >> 18)));
		buf_append_char(out, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_append_char(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_append_char(out, (char)(0x80 | (cp & 0x3f)));
	}
	return k;
}

/* Decode character data or an attribute value (`attr`) onto x->tok:
 * references, line ends (2.11), attribute whitespace (3.3.3), UTF-8
 * and Char checked.  NULL, or the reason it is refused. */
static const char *
decode_text(struct xml_parse *x, const unsigned char *p, size_t n, bool attr)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		unsigned char c = p[i];

		if (c == '&') {
			if ((k = decode_ref(&x->tok, p + i, n - i)) == 0)
				return "entity reference refused (only the "
				       "five predefined and character "
				       "references)";
			i += k;
			continue;
		}
		if (c == '<')
			return "'<' in an attribute value";
		if (c == '\r') {
			buf_append_char(&x->tok, attr ? ' ' : '\n');
			i += i + 1 < n && p[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		if (attr && (c == '\t' || c == '\n'))
			c = ' ';
		if ((k = xml_utf8_char(p + i, n - i, &cp)) == 0)
			return "invalid UTF-8";
		if (!xml_is_char(cp))
			return "character not allowed in XML";
		if (k == 1)
			buf_append_char(&x->tok, (char)c);
		else
			buf_append(&x->tok, p + i, k);
		i += k;
	}
	return NULL;
}

static const unsigned char *
find(const unsigned char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	return memmem(p, n, needle, k);
}

/* Whether p[0..n) may still turn out to start with `lit`, and whether
 * it does: 1 it does, 0 it cannot, -1 too short to tell. */
static int
starts(const unsigned char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	if (memcmp(p, lit, n < k ? n : k) != 0)
		return 0;
	return n >= k ? 1 : -1;
}

/* Set the event's text from x->tok. */
static void
tok_event(struct xml_parse *x, struct xml_event *ev, enum xml_event_type t)
{
	ev->type = t;
	ev->text = buf_cstr(&x->tok);
	ev->text_len = x->tok.len;
}

/* Comment, PI, CDATA: `open` ... `close`. */
static enum scan
scan_delimited(struct xml_parse *x, const unsigned char *p, size_t n,
	       const char *open, const char *close, struct xml_event *ev)
{
	size_t ol = strlen(open), cl = strlen(close), len;
	/* resume where the last search stopped, less what could be the
	 * start of `close` */
	size_t from = x->scanned > ol + cl ? x->scanned - cl : ol;
	const unsigned char *e = find(p + from, n - from, close);
	const char *err = NULL;

	if (e == NULL) {
		x->scanned = n;
		return SCAN_INCOMPLETE;
	}
	len = (size_t)(e - (p + ol));
	if (len > x->limits.max_text)
		return fail(x, "markup longer than the limit");
	buf_reset(&x->tok);
	if (open[1] == '?') {
		size_t k = scan_name(x, p + 2, len);

		if (k == 0)
			return fail(x, "processing instruction without a "
				       "target");
		buf_append(&x->tok, p + 2, k);
		buf_append_char(&x->tok, '\0');
		if (xml_check(p + 2 + k, len - k, &err) < 0)
			return fail(x, err);
		buf_append(&x->tok, p + 2 + k, len - k);
		tok_event(x, ev, XML_EV_PI);
		ev->name = x->tok.data;
		ev->text = x->tok.data + k + 1;
		ev->text_len = len - k;
	} else {
		/* a comment or CDATA section is taken as it is */
		if (xml_check(p + ol, len, &err) < 0)
			return fail(x, err);
		buf_append(&x->tok, p + ol, len);
		tok_event(x, ev, open[2] == '-' ? XML_EV_COMMENT : XML_EV_TEXT);
		ev->cdata = open[2] == '[';
	}
	x->pos += ol + len + cl;
	return SCAN_EVENT;
}

/* Attributes of a start tag into x->tok / x->attrs; NULL or a reason. */
static const char *
scan_attrs(struct xml_parse *x, const unsigned char *p, size_t n,
	   size_t *nattrs_r)
{
	size_t i = 0, k, na = 0, j;
	const unsigned char *q;
	const char *err;

	for (;;) {
		size_t sp = i;

		while (i < n && is_space(p[i]))
			i++;
		if (i == n)
			break;
		if (i == sp)
			return "attributes not separated by white space";
		if ((k = scan_name(x, p + i, n - i)) == 0)
			return "invalid attribute name";
		if (na == x->limits.max_attrs)
			return "too many attributes";
		x->attr_off[2 * na] = x->tok.len;
		buf_append(&x->tok, p + i, k);
		buf_append_char(&x->tok, '\0');
		i += k;
		while (i < n && is_space(p[i]))
			i++;
		if (i == n || p[i++] != '=')
			return "attribute without '='";
		while (i < n && is_space(p[i]))
			i++;
		if (i == n || (p[i] != '"' && p[i] != '\''))
			return "attribute value not quoted";
		q = memchr(p + i + 1, p[i], n - i - 1);
		if (q == NULL)
			return "attribute value not closed";
		x->attr_off[2 * na + 1] = x->tok.len;
		if ((err = decode_text(x, p + i + 1, (size_t)(q - p) - i - 1,
				       true)) != NULL)
			return err;
		buf_append_char(&x->tok, '\0');
		i = (size_t)(q - p) + 1;
		na++;
	}
	for (k = 0; k < na; k++) {
		x->attrs[k].name = x->tok.data + x->attr_off[2 * k];
		x->attrs[k].value = x->tok.data + x->attr_off[2 * k + 1];
		x->attrs[k].value_len = strlen(x->attrs[k].value);
		for (j = 0; j < k; j++) {
			if (strcmp(x->attrs[j].name, x->attrs[k].name) == 0)
				return "attribute repeated";
		}
	}
	*nattrs_r = na;
	return NULL;
}

static const char *
local_part(const char *name)
{
	const char *c = strchr(name, ':');

	return c != NULL ? c + 1 : name;
}

static enum scan
scan_start(struct xml_parse *x, const unsigned char *p, size_t n,
	   struct xml_event *ev)
{
	size_t i, k, na = 0, body;
	char quote = x->scan_quote;
	bool empty;
	const char *err;

	for (i = x->scanned > 1 ? x->scanned : 1; i < n; i++) {
		if (quote != 0) {
			if (p[i] == quote)
				quote = 0;
		} else if (p[i] == '"' || p[i] == '\'')
			quote = (char)p[i];
		else if (p[i] == '>')
			break;
	}
	if (i == n) {
		x->scanned = n;
		x->scan_quote = quote;
		return SCAN_INCOMPLETE;
	}
	if (i + 1 > x->limits.max_text)
		return fail(x, "markup longer than the limit");
	empty = i > 1 && p[i - 1] == '/';
	body = empty ? i - 1 : i;
	if ((k = scan_name(x, p + 1, body - 1)) == 0)
		return fail(x, "invalid element name");
	if (x->root_closed)
		return fail(x, "a second root element");
	if (x->depth == x->limits.max_depth)
		return fail(x, "elements nested too deep");
	buf_reset(&x->tok);
	if ((err = scan_attrs(x, p + 1 + k, body - 1 - k, &na)) != NULL)
		return fail(x, err);
	x->name_off[x->depth++] = x->names.len;
	buf_append(&x->names, p + 1, k);
	buf_append_char(&x->names, '\0');
	x->root_seen = true;
	ev->type = XML_EV_START;
	ev->name = x->names.data + x->name_off[x->depth - 1];
	ev->local = local_part(ev->name);
	ev->attrs = x->attrs;
	ev->nattrs = na;
	ev->depth = x->depth;
	x->pending_end = empty;
	x->pos += i + 1;
	return SCAN_EVENT;
}

/* The END event of the innermost open element; pops it. */
static void
end_event(struct xml_parse *x, struct xml_event *ev)
{
	ev->type = XML_EV_END;
	ev->name = x->names.data + x->name_off[x->depth - 1];
	ev->local = local_part(ev->name);
	ev->depth = x->depth;
	x->names.len = x->name_off[--x->depth];
	if (x->depth == 0)
		x->root_closed = true;
}

static enum scan
scan_end(struct xml_parse *x, const unsigned char *p, size_t n,
	 struct xml_event *ev)
{
	const unsigned char *gt = memchr(p + x->scanned, '>', n - x->scanned);
	size_t k, i;
	const char *open;

	if (gt == NULL) {
		x->scanned = n;
		return SCAN_INCOMPLETE;
	}
	if ((size_t)(gt - p) + 1 > x->limits.max_text)
		return fail(x, "markup longer than the limit");
	k = scan_name(x, p + 2, (size_t)(gt - p) - 2);
	for (i = 2 + k; p + i < gt && is_space(p[i]); i++)
		;
	if (k == 0 || p + i != gt)
		return fail(x, "invalid end tag");
	if (x->depth == 0)
		return fail(x, "end tag without a start tag");
	open = x->names.data + x->name_off[x->depth - 1];
	if (strlen(open) != k || memcmp(open, p + 2, k) != 0)
		return fail(x, "end tag does not match the start tag");
	end_event(x, ev);
	x->pos += (size_t)(gt - p) + 1;
	return SCAN_EVENT;
}

static enum scan
scan_markup(struct xml_parse *x, const unsigned char *p, size_t n,
	    struct xml_event *ev)
{
	static const struct { const char *open, *close; } delim[] = {
		{ "<!--", "-->" }, { "<![CDATA[", "]]>" }, { "<?", "?>" },
	};
	size_t i;
	int s;

	if (n < 2)
		return SCAN_INCOMPLETE;
	for (i = 0; i < sizeof(delim) / sizeof(delim[0]); i++) {
		if ((s = starts(p, n, delim[i].open)) < 0)
			return SCAN_INCOMPLETE;
		if (s == 0)
			continue;
		if (i == 1 && x->depth == 0)
			return fail(x, "CDATA section outside the root");
		return scan_delimited(x, p, n, delim[i].open, delim[i].close,
				      ev);
	}
	if ((s = starts(p, n, "<!DOCTYPE")) < 0)
		return SCAN_INCOMPLETE;
	if (s > 0)
		return fail(x, "DOCTYPE refused (no DTD, no entity "
			       "declarations, no external entities)");
	if (p[1] == '!')
		return fail(x, "markup declaration refused");
	if (p[1] == '/')
		return scan_end(x, p, n, ev);
	return scan_start(x, p, n, ev);
}

static enum scan
scan_text(struct xml_parse *x, const unsigned char *p, size_t n,
	  struct xml_event *ev)
{
	const unsigned char *lt = memchr(p + x->scanned, '<', n - x->scanned);
	size_t len = lt != NULL ? (size_t)(lt - p) : n, i;
	const char *err;

	if (x->depth == 0) {
		/* outside the root only white space (2.1 Misc) */
		for (i = 0; i < len; i++) {
			if (!is_space(p[i]))
				return fail(x, "text outside the root element");
		}
		x->pos += len;
		return SCAN_NONE;
	}
	if (lt == NULL && !x->ended) {
		x->scanned = n;
		return SCAN_INCOMPLETE;
	}
	if (len > x->limits.max_text)
		return fail(x, "text longer than the limit");
	if (lt == NULL)
		return fail(x, "document ends inside an element");
	buf_reset(&x->tok);
	if ((err = decode_text(x, p, len, false)) != NULL)
		return fail(x, err);
	tok_event(x, ev, XML_EV_TEXT);
	ev->cdata = false;
	x->pos += len;
	return SCAN_EVENT;
}

static void
error_event(struct xml_parse *x, struct xml_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = XML_EV_ERROR;
	ev->text = x->error;
	ev->text_len = strlen(x->error);
}

/* At the end of the input with nothing left to read. */
static void
at_end(struct xml_parse *x, struct xml_event *ev)
{
	if (!x->root_seen)
		x->error = "no root element";
	else if (!x->root_closed)
		x->error = "document ends inside an element";
	if (x->error != NULL)
		error_event(x, ev);
	else
		ev->type = XML_EV_EOF;
}

void
xml_parse_next(struct xml_parse *x, struct xml_event *ev)
{
	const unsigned char *p;
	size_t n;
	enum scan s;

	memset(ev, 0, sizeof(*ev));
	if (x->error == NULL && x->pending_end) {
		x->pending_end = false;
		end_event(x, ev);
		return;
	}
	while (x->error == NULL) {
		p = (const unsigned char *)buf_cstr(&x->in) + x->pos;
		n = x->in.len - x->pos;
		if (!x->started && n < 3 && x->pend_len > 0 && fill(x))
			continue;
		if (!x->started && (n >= 3 || x->ended || x->pend_len == 0)) {
			if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
				x->pos += 3;
			if (n >= 3 || x->ended)
				x->started = true;
			if (n < 3 && !x->ended) {
				ev->type = XML_EV_NEED_MORE;
				return;
			}
			continue;
		}
		if (n == 0)
			s = SCAN_INCOMPLETE;
		else if (p[0] == '<')
			s = scan_markup(x, p, n, ev);
		else
			s = scan_text(x, p, n, ev);
		if (s != SCAN_INCOMPLETE) {
			x->scanned = 0;
			x->scan_quote = 0;
		}
		if (s == SCAN_EVENT && x->error == NULL)
			return;
		if (s != SCAN_INCOMPLETE)
			continue;
		/* checked before reading on, so that a token that can no
		 * longer fit the limit is refused whatever the size of the
		 * piece pushed (the buffer stays bounded) */
		if (n > x->limits.max_text + x->limits.max_name + 16)
			x->error = "markup longer than the limit";
		else if (fill(x))
			continue;
		else if (!x->ended) {
			ev->type = XML_EV_NEED_MORE;
			return;
		} else if (n == 0) {
			at_end(x, ev);
			return;
		} else
			x->error = "document ends inside markup";
	}
	error_event(x, ev);
}
