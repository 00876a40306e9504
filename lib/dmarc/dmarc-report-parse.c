/*
 * dmarc-report-parse.c - DMARC aggregate report XML to struct
 * dmarc_received (dmarc-report-parse.h), over util/xml-parse.h.
 *
 * Each element is known by its path below <feedback> (local names
 * joined by '/'); a table says which paths start a new item (a record,
 * a reason, a DKIM or SPF result) and which leaf values go where.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/strparse.h"
#include "util/xalloc.h"
#include "util/xml-parse.h"
#include "dmarc/dmarc-report-parse.h"

/* The most a value adds to its line of dmarc-received(5): each octet
 * percent-encoded (3), plus the key, '=', the separating space and the
 * commas of a value of several parts (kvline.h); and the most the fixed
 * fields of a line take (the numbers, kind=, schema=). */
#define LINE_PER_OCTET 3
#define LINE_PER_FIELD 16
#define LINE_FIXED 160

/* Which struct a leaf value goes into. */
enum target { T_HEAD, T_ROW, T_REASON, T_DKIM, T_SPF, T_NUMBER };

/* Numbers, in T_NUMBER's offset field. */
enum number { N_BEGIN, N_END, N_COUNT };

struct leaf {
	const char *path;
	enum target target;
	size_t offset; /* of the const char * (or the enum number) */
	bool token;    /* closed vocabulary: lower-cased */
};

#define H(p, m, t) { p, T_HEAD, offsetof(struct dmarc_received, m), t }
#define R(p, m, t) { p, T_ROW, offsetof(struct dmarc_received_row, m), t }
static const struct leaf leaves[] = {
	H("report_metadata/org_name", org_name, false),
	H("report_metadata/email", email, false),
	H("report_metadata/extra_contact_info", extra_contact, false),
	H("report_metadata/report_id", report_id, false),
	{ "report_metadata/date_range/begin", T_NUMBER, N_BEGIN, false },
	{ "report_metadata/date_range/end", T_NUMBER, N_END, false },
	H("policy_published/domain", policy_domain, false),
	H("policy_published/adkim", adkim, true),
	H("policy_published/aspf", aspf, true),
	H("policy_published/p", p, true),
	H("policy_published/sp", sp, true),
	H("policy_published/np", np, true),
	H("policy_published/testing", testing, true),
	H("policy_published/fo", fo, false),
	H("policy_published/discovery_method", discovery, true),
	R("record/row/source_ip", source_ip, false),
	{ "record/row/count", T_NUMBER, N_COUNT, false },
	R("record/row/policy_evaluated/disposition", disposition, true),
	R("record/row/policy_evaluated/dkim", dkim, true),
	R("record/row/policy_evaluated/spf", spf, true),
	{ "record/row/policy_evaluated/reason/type", T_REASON,
	  offsetof(struct dmarc_received_reason, type), true },
	{ "record/row/policy_evaluated/reason/comment", T_REASON,
	  offsetof(struct dmarc_received_reason, comment), false },
	R("record/identifiers/header_from", header_from, false),
	R("record/identifiers/envelope_from", envelope_from, false),
	R("record/identifiers/envelope_to", envelope_to, false),
	{ "record/auth_results/dkim/domain", T_DKIM,
	  offsetof(struct dmarc_received_dkim, domain), false },
	{ "record/auth_results/dkim/selector", T_DKIM,
	  offsetof(struct dmarc_received_dkim, selector), false },
	{ "record/auth_results/dkim/result", T_DKIM,
	  offsetof(struct dmarc_received_dkim, result), true },
	{ "record/auth_results/spf/domain", T_SPF,
	  offsetof(struct dmarc_received_spf, domain), false },
	{ "record/auth_results/spf/scope", T_SPF,
	  offsetof(struct dmarc_received_spf, scope), true },
	{ "record/auth_results/spf/result", T_SPF,
	  offsetof(struct dmarc_received_spf, result), true },
};
#undef H
#undef R

struct dmarc_report_parse {
	struct arena *arena;	 /* the caller's: the report, kept rows */
	struct arena *row_arena; /* a row handed to the callback */
	struct xml_parse *xml;
	size_t max_text;
	uint64_t max_rows, rows;
	dmarc_report_row_cb *row_cb;
	void *ctx;
	struct dmarc_received *r;
	struct dmarc_received one;	 /* the row list for the callback */
	struct dmarc_received_row *row; /* the open <record>, or NULL */
	struct dmarc_received_reason *reason;
	struct dmarc_received_dkim *dkim;
	struct dmarc_received_spf *spf;
	bool have_begin, have_end, have_count;
	/* the most the report's line and the open row's line can take in
	 * dmarc-received(5): kept under DMARC_RECEIVED_MAX_LINE, so that
	 * what is read is what the text can hold, and a report's or a row's
	 * memory stays bounded whatever the repeats */
	size_t head_line, row_line;
	struct buf path;	/* below the root, '/'-joined */
	struct buf text;	/* of the innermost element */
	const char *error;
	bool done;
};

struct dmarc_report_parse *
dmarc_report_parse_new(struct arena *arena,
		       const struct xml_parse_limits *xml_limits,
		       uint64_t max_rows, dmarc_report_row_cb *row_cb,
		       void *ctx)
{
	struct dmarc_report_parse *p = ma_calloc(1, sizeof(*p));
	struct xml_parse_limits l;

	if (xml_limits != NULL)
		l = *xml_limits;
	else
		xml_parse_limits_default(&l);
	p->arena = arena;
	p->row_arena = arena_new(0);
	p->xml = xml_parse_new(&l);
	p->max_text = l.max_text;
	p->max_rows = max_rows;
	p->row_cb = row_cb;
	p->ctx = ctx;
	p->r = arena_zalloc(arena, sizeof(*p->r));
	p->r->kind = DMARC_RECEIVED_AGGREGATE;
	p->head_line = LINE_FIXED;
	return p;
}

void
dmarc_report_parse_free(struct dmarc_report_parse **p_p)
{
	struct dmarc_report_parse *p = *p_p;

	if (p == NULL)
		return;
	xml_parse_free(&p->xml);
	arena_free(&p->row_arena);
	buf_free(&p->path);
	buf_free(&p->text);
	free(p);
	*p_p = NULL;
}

static struct arena *
row_arena(struct dmarc_report_parse *p)
{
	return p->row_cb != NULL ? p->row_arena : p->arena;
}

static int
root_start(struct dmarc_report_parse *p, const struct xml_event *ev)
{
	const char *colon = strchr(ev->name, ':'), *ns = NULL;
	size_t i, plen = colon != NULL ? (size_t)(colon - ev->name) : 0;

	if (strcmp(ev->local, "feedback") != 0) {
		p->error = "root element is not <feedback>";
		return -1;
	}
	for (i = 0; i < ev->nattrs; i++) {
		const char *n = ev->attrs[i].name;

		if ((colon == NULL && strcmp(n, "xmlns") == 0) ||
		    (colon != NULL && strncmp(n, "xmlns:", 6) == 0 &&
		     strlen(n + 6) == plen && memcmp(n + 6, ev->name, plen) == 0))
			ns = ev->attrs[i].value;
	}
	if (ns != NULL && strcmp(ns, DMARC_REPORT_NS_RFC9990) == 0)
		p->r->schema = "rfc9990";
	else if (ns == NULL || ns[0] == '\0' ||
		 strcmp(ns, DMARC_REPORT_NS_DRAFT) == 0)
		p->r->schema = "rfc7489";
	else {
		p->error = "<feedback> in an unknown namespace";
		return -1;
	}
	return 0;
}

/* Count `octets` of value (and one field) against the line of the
 * report (`head`) or of the open row: -1 past DMARC_RECEIVED_MAX_LINE. */
static int
line_add(struct dmarc_report_parse *p, bool head, size_t octets)
{
	size_t *line = head ? &p->head_line : &p->row_line;

	*line += LINE_PER_FIELD + LINE_PER_OCTET * octets;
	if (*line <= DMARC_RECEIVED_MAX_LINE)
		return 0;
	p->error = head ? "report_metadata and policy_published too large"
			: "record too large";
	return -1;
}

static int
start(struct dmarc_report_parse *p, const struct xml_event *ev)
{
	const char *path;

	buf_reset(&p->text);
	if (ev->depth == 1)
		return root_start(p, ev);
	if (ev->depth > 2)
		buf_append_char(&p->path, '/');
	buf_append_str(&p->path, ev->local);
	path = buf_cstr(&p->path);
	if (strcmp(path, "record") == 0) {
		if (p->max_rows != 0 && p->rows == p->max_rows) {
			p->error = "more rows than the limit";
			return -1;
		}
		p->row = dmarc_received_add_row(p->row_cb != NULL ? &p->one
								  : p->r,
						row_arena(p));
		p->have_count = false;
		p->row_line = LINE_FIXED;
	} else if (p->row == NULL)
		return 0;
	else if (strcmp(path, "record/row/policy_evaluated/reason") == 0) {
		if (line_add(p, false, 0) < 0)
			return -1;
		p->reason = dmarc_received_row_add_reason(p->row, row_arena(p));
	} else if (strcmp(path, "record/auth_results/dkim") == 0) {
		if (line_add(p, false, 0) < 0)
			return -1;
		p->dkim = dmarc_received_row_add_dkim(p->row, row_arena(p));
	} else if (strcmp(path, "record/auth_results/spf") == 0) {
		if (line_add(p, false, 0) < 0)
			return -1;
		p->spf = dmarc_received_row_add_spf(p->row, row_arena(p));
	}
	return 0;
}

/* A count, begin or end: RFC 9990's schema types them xs:integer, whose
 * lexical form (XML Schema 1.1 part 2, 3.4.13) allows a '+' and leading
 * zeros; a negative one is refused, and the value must fit 64 bits. */
static bool
number(const struct sp_slice *v, uint64_t *n_r)
{
	struct strparse sp;

	sp_init(&sp, v->p, v->len);
	(void)sp_char(&sp, '+');
	while (sp_left(&sp) > 1 && sp_peek(&sp) == '0')
		(void)sp_char(&sp, '0');
	return sp_uint(&sp, 20, UINT64_MAX, n_r) && sp_eof(&sp);
}

static void *
leaf_base(struct dmarc_report_parse *p, enum target t)
{
	switch (t) {
	case T_HEAD: return p->r;
	case T_ROW: return p->row;
	case T_REASON: return p->reason;
	case T_DKIM: return p->dkim;
	case T_SPF: return p->spf;
	default: return NULL;
	}
}

static int
set_number(struct dmarc_report_parse *p, enum number which,
	   const struct sp_slice *v)
{
	uint64_t n;

	if (!number(v, &n)) {
		p->error = which == N_COUNT ? "row count is not a number"
					    : "date_range is not a number";
		return -1;
	}
	if (which == N_BEGIN)
		p->r->begin = n, p->have_begin = true;
	else if (which == N_END)
		p->r->end = n, p->have_end = true;
	else if (p->row != NULL)
		p->row->count = n, p->have_count = true;
	return 0;
}

static int
set_leaf(struct dmarc_report_parse *p, const struct leaf *l)
{
	struct sp_slice v = { p->text.data, p->text.len };
	struct arena *a = l->target == T_HEAD ? p->arena : row_arena(p);
	void *base;
	char *s;
	size_t i;

	v = sp_slice_trim(v);
	if (l->target == T_NUMBER)
		return set_number(p, (enum number)l->offset, &v);
	base = leaf_base(p, l->target);
	if (base == NULL || v.len == 0)
		return 0;
	if (line_add(p, l->target == T_HEAD, v.len) < 0)
		return -1;
	s = arena_memdup0(a, v.p, v.len);
	for (i = 0; l->token && i < v.len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	}
	*(const char **)(void *)((char *)base + l->offset) = s;
	return 0;
}

static int
row_done(struct dmarc_report_parse *p)
{
	int ret = 0;

	if (!p->have_count) {
		p->error = "record without a count";
		return -1;
	}
	p->rows++;
	if (p->row_cb != NULL) {
		ret = p->row_cb(p->ctx, p->r, p->row);
		p->one.rows = NULL;
		p->one.nrows = 0;
		arena_clear(p->row_arena);
		if (ret < 0)
			p->error = "stopped";
	}
	p->row = NULL;
	p->reason = NULL;
	p->dkim = NULL;
	p->spf = NULL;
	return ret;
}

static int
end(struct dmarc_report_parse *p, const struct xml_event *ev)
{
	const char *path = buf_cstr(&p->path), *slash;
	size_t i;
	int ret = 0;

	if (ev->depth == 1)
		return 0;
	if (strcmp(path, "record") == 0)
		ret = row_done(p);
	else {
		for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
			if (strcmp(path, leaves[i].path) == 0) {
				ret = set_leaf(p, &leaves[i]);
				break;
			}
		}
	}
	slash = strrchr(path, '/');
	p->path.len = slash != NULL ? (size_t)(slash - path) : 0;
	if (p->path.data != NULL)
		p->path.data[p->path.len] = '\0';
	buf_reset(&p->text);
	return ret;
}

static int
event(struct dmarc_report_parse *p, const struct xml_event *ev)
{
	switch (ev->type) {
	case XML_EV_START:
		return start(p, ev);
	case XML_EV_END:
		return end(p, ev);
	case XML_EV_TEXT:
		if (p->text.len + ev->text_len > p->max_text) {
			p->error = "element text longer than the limit";
			return -1;
		}
		buf_append(&p->text, ev->text, ev->text_len);
		return 0;
	case XML_EV_ERROR:
		p->error = ev->text;
		return -1;
	case XML_EV_EOF:
		p->done = true;
		return 0;
	default:
		return 0;
	}
}

/* Read events until the reader needs more input or the document ends. */
static int
drain(struct dmarc_report_parse *p, const char **error_r)
{
	struct xml_event ev;

	while (p->error == NULL && !p->done) {
		xml_parse_next(p->xml, &ev);
		if (ev.type == XML_EV_NEED_MORE)
			break;
		(void)event(p, &ev);
	}
	if (p->error != NULL) {
		*error_r = p->error;
		return -1;
	}
	return 0;
}

int
dmarc_report_parse_feed(struct dmarc_report_parse *p, const void *data,
			size_t len, const char **error_r)
{
	if (p->error == NULL && !p->done)
		xml_parse_push(p->xml, data, len);
	return drain(p, error_r);
}

int
dmarc_report_parse_finish(struct dmarc_report_parse *p, uint64_t received,
			  struct dmarc_received **r_r, const char **error_r)
{
	struct dmarc_received *r = p->r;

	xml_parse_end(p->xml);
	if (drain(p, error_r) < 0)
		return -1;
	if (r->report_id == NULL || r->org_name == NULL)
		p->error = "report_metadata without report_id or org_name";
	else if (r->policy_domain == NULL)
		p->error = "policy_published without a domain";
	else if (!p->have_begin || !p->have_end)
		p->error = "report_metadata without a date_range";
	if (p->error != NULL) {
		*error_r = p->error;
		return -1;
	}
	r->received = received;
	if (p->row_cb != NULL)
		r->nrows = (size_t)p->rows;
	*r_r = r;
	return 0;
}

int
dmarc_report_parse(const char *xml, size_t len, struct arena *arena,
		   uint64_t max_rows, uint64_t received,
		   struct dmarc_received **r_r, const char **error_r)
{
	struct dmarc_report_parse *p =
		dmarc_report_parse_new(arena, NULL, max_rows, NULL, NULL);
	int ret;

	ret = dmarc_report_parse_feed(p, xml, len, error_r);
	if (ret == 0)
		ret = dmarc_report_parse_finish(p, received, r_r, error_r);
	dmarc_report_parse_free(&p);
	return ret;
}
