/*
 * msg-report-kind.c - is this message a DMARC report? From the top-level
 * header fields (msg-report-kind.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/strparse.h"
#include "msg/msg-report-kind.h"

/* Parameter values looked at are copied (bounded) for comparison; a
 * longer one is cut, which only matters for the '!' count. */
#define REPORT_KIND_MAX_VALUE 256
/* RFC 9990 5.2 Filename: receiver "!" policy-domain "!" begin "!" end */
#define REPORT_KIND_NAME_BANGS 3

struct mime_value {
	char text[REPORT_KIND_MAX_VALUE];
	size_t len;
};

/* RFC 2045 5.1 token characters. */
static bool
is_token(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* CFWS: white space, line ends and (nested) comments. */
static bool
skip_cfws(struct strparse *sp)
{
	unsigned int depth = 0;
	int c;

	while ((c = sp_peek(sp)) >= 0) {
		if (depth == 0 && c != '(' && c != ' ' && c != '\t' &&
		    c != '\r' && c != '\n')
			return true;
		sp->p++;
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (c == '\\' && depth > 0 && !sp_eof(sp))
			sp->p++;
	}
	return depth == 0;
}

static void
value_put(struct mime_value *v, char c)
{
	if (v->len < sizeof(v->text) - 1)
		v->text[v->len++] = c;
	v->text[v->len] = '\0';
}

/* token / quoted-string into *v. */
static bool
parse_value(struct strparse *sp, struct mime_value *v)
{
	struct sp_slice t;
	int c;

	v->len = 0;
	v->text[0] = '\0';
	if (!sp_char(sp, '"')) {
		if (sp_span(sp, is_token, 0, &t) == 0)
			return false;
		for (size_t i = 0; i < t.len; i++)
			value_put(v, t.p[i]);
		return true;
	}
	while ((c = sp_peek(sp)) >= 0) {
		sp->p++;
		if (c == '"')
			return true;
		if (c == '\\') {
			if ((c = sp_peek(sp)) < 0)
				return false;
			sp->p++;
		}
		value_put(v, (char)c);
	}
	return false;
}

static bool
report_file_name(const struct mime_value *v)
{
	unsigned int bangs = 0;

	for (size_t i = 0; i < v->len; i++)
		bangs += v->text[i] == '!';
	return bangs >= REPORT_KIND_NAME_BANGS;
}

/* *(";" attribute "=" value): report-type, name, filename. */
static bool
parse_params(struct strparse *sp, struct msg_report_classifier *k,
	     bool *feedback_r)
{
	struct sp_slice attr;
	struct mime_value v;

	for (;;) {
		if (!skip_cfws(sp))
			return false;
		if (sp_eof(sp))
			return true;
		if (!sp_char(sp, ';') || !skip_cfws(sp))
			return false;
		if (sp_eof(sp))
			return true; /* a trailing ';' is common */
		if (sp_span(sp, is_token, 0, &attr) == 0 || !skip_cfws(sp) ||
		    !sp_char(sp, '=') || !skip_cfws(sp) ||
		    !parse_value(sp, &v))
			return false;
		if (sp_slice_eq_ci(attr, "report-type"))
			*feedback_r = strcasecmp(v.text, "feedback-report") == 0;
		else if ((sp_slice_eq_ci(attr, "name") ||
			  sp_slice_eq_ci(attr, "filename")) &&
			 report_file_name(&v))
			k->report_name = true;
	}
}

static bool
archive_type(struct sp_slice type, struct sp_slice sub)
{
	static const char *const subs[] = {
		"gzip", "x-gzip", "zip", "x-zip", "x-zip-compressed", "xml",
		NULL
	};

	if (sp_slice_eq_ci(type, "text"))
		return sp_slice_eq_ci(sub, "xml");
	if (!sp_slice_eq_ci(type, "application"))
		return false;
	for (size_t i = 0; subs[i] != NULL; i++) {
		if (sp_slice_eq_ci(sub, subs[i]))
			return true;
	}
	return false;
}

static void
content_type(struct msg_report_classifier *k, const char *value, size_t len)
{
	struct msg_report_classifier saved = *k;
	struct strparse sp;
	struct sp_slice type, sub;
	bool feedback = false;

	k->content_type_seen = true;
	sp_init(&sp, value, len);
	if (!skip_cfws(&sp) || sp_span(&sp, is_token, 0, &type) == 0 ||
	    !skip_cfws(&sp) || !sp_char(&sp, '/') || !skip_cfws(&sp) ||
	    sp_span(&sp, is_token, 0, &sub) == 0 ||
	    !parse_params(&sp, k, &feedback)) {
		/* unparsable: as if absent (but it was the first) */
		saved.content_type_seen = true;
		*k = saved;
		return;
	}
	if (sp_slice_eq_ci(type, "multipart") &&
	    sp_slice_eq_ci(sub, "report"))
		k->by_type = feedback ? MSG_REPORT_FAILURE : MSG_REPORT_OTHER;
	else
		k->archive_type = archive_type(type, sub);
}

static void
content_disposition(struct msg_report_classifier *k, const char *value,
		    size_t len)
{
	struct msg_report_classifier saved = *k;
	struct strparse sp;
	struct sp_slice type;
	bool ignored = false;

	sp_init(&sp, value, len);
	if (!skip_cfws(&sp) || sp_span(&sp, is_token, 0, &type) == 0 ||
	    !parse_params(&sp, k, &ignored))
		*k = saved;
}

void
msg_report_kind_init(struct msg_report_classifier *k)
{
	memset(k, 0, sizeof(*k));
}

static bool
name_is(const char *name, size_t len, const char *want)
{
	struct sp_slice s = {name, len};

	return sp_slice_eq_ci(s, want);
}

void
msg_report_kind_field(struct msg_report_classifier *k, const char *name,
		      size_t name_len, const char *value, size_t value_len)
{
	struct strparse sp;

	if (name_is(name, name_len, "Content-Type")) {
		if (!k->content_type_seen)
			content_type(k, value, value_len);
	} else if (name_is(name, name_len, "Content-Disposition"))
		content_disposition(k, value, value_len);
	else if (name_is(name, name_len, "Subject")) {
		/* unstructured (RFC 5322 3.6.5): no comments */
		sp_init(&sp, value, value_len);
		while (!sp_eof(&sp) && strchr(" \t\r\n", sp_peek(&sp)) != NULL)
			sp.p++;
		if (sp_literal_ci(&sp, "Report Domain:"))
			k->subject_report = true;
	}
}

enum msg_report_kind
msg_report_kind_result(const struct msg_report_classifier *k)
{
	if (k->by_type != MSG_REPORT_NONE)
		return k->by_type;
	if (k->subject_report || (k->archive_type && k->report_name))
		return MSG_REPORT_AGGREGATE;
	return MSG_REPORT_NONE;
}

const char *
msg_report_kind_str(enum msg_report_kind kind)
{
	switch (kind) {
	case MSG_REPORT_AGGREGATE:
		return "aggregate";
	case MSG_REPORT_FAILURE:
		return "failure";
	case MSG_REPORT_OTHER:
		return "other";
	case MSG_REPORT_NONE:
	default:
		return "none";
	}
}
