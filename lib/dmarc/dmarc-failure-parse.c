/*
 * dmarc-failure-parse.c - an ARF auth-failure report to a struct
 * dmarc_received (dmarc-failure-parse.h).  Both parts are header-shaped
 * and go through the push header parser (msg-header.c).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "msg/msg-date.h"
#include "msg/msg-header.h"
#include "msg/msg-mime-param.h"
#include "dmarc/dmarc-received.h"
#include "dmarc/dmarc-failure-parse.h"

/* Where each feedback-report field lands in the struct. */
struct failure_field {
	const char *name;
	size_t offset;
};
#define FF(name, member) { name, offsetof(struct dmarc_received, member) }
static const struct failure_field failure_fields[] = {
	FF("Feedback-Type", feedback_type),
	FF("Auth-Failure", auth_failure),
	FF("Source-IP", source_ip),
	FF("Original-Mail-From", original_mail_from),
	FF("Arrival-Date", arrival_date),
	FF("Reported-Domain", policy_domain),
	FF("DKIM-Domain", dkim_domain),
	FF("DKIM-Selector", dkim_selector),
	FF("Delivery-Result", delivery_result),
	FF("Identity-Alignment", identity_alignment),
	FF("Reporting-MTA", org_name),
	FF("Subject", subject),
	FF("Message-ID", message_id),
};

/* The field's value unfolded (line breaks dropped), trimmed, capped. */
static const char *
field_value(const struct msg_header_field *f, struct arena *arena)
{
	struct buf v = BUF_INIT;
	const char *s;
	size_t i;

	for (i = 0; i < f->value_len && v.len < DMARC_FAILURE_MAX_VALUE; i++)
		if (f->value[i] != '\r' && f->value[i] != '\n')
			buf_append_char(&v, f->value[i]);
	while (v.len > 0 && (v.data[v.len - 1] == ' ' ||
			     v.data[v.len - 1] == '\t'))
		v.len--;
	i = 0;
	while (i < v.len && (v.data[i] == ' ' || v.data[i] == '\t'))
		i++;
	s = arena_memdup0(arena, v.data == NULL ? "" : v.data + i, v.len - i);
	buf_free(&v);
	return s;
}

/* Set failure_fields[first..last) of `r` from the header-shaped `text`,
 * each from its field's first occurrence. */
static void
read_fields(const char *text, size_t len, size_t first, size_t last,
	    struct dmarc_received *r, struct arena *arena)
{
	struct msg_header_parser *p =
		msg_header_parser_new(DMARC_FAILURE_MAX_VALUE * 4);
	struct msg_header_field f;

	msg_header_push(p, text, len > DMARC_FAILURE_MAX_PART ?
			DMARC_FAILURE_MAX_PART : len);
	msg_header_push_eof(p);
	while (msg_header_next(p, &f) == MSG_HEADER_FIELD) {
		for (size_t i = first; i < last; i++) {
			const char **slot = (const char **)(void *)
				((char *)r + failure_fields[i].offset);

			if (*slot == NULL &&
			    msg_header_field_is(&f, failure_fields[i].name))
				*slot = field_value(&f, arena);
		}
	}
	msg_header_parser_free(&p);
}

/* "dns; mta.example.net" -> "mta.example.net" (RFC 5965 3.1 MTA name
 * type) */
static const char *
mta_name(const char *v)
{
	const char *semi = strchr(v, ';');

	if (semi == NULL)
		return v;
	for (semi++; *semi == ' ' || *semi == '\t'; semi++)
		;
	return semi;
}

static const char *
decoded_subject(const char *s, struct arena *arena)
{
	struct buf out = BUF_INIT;
	const char *d;

	msg_mime_decode_words(s, strlen(s), &out);
	d = arena_memdup0(arena, out.data == NULL ? "" : out.data, out.len);
	buf_free(&out);
	return d;
}

int
dmarc_failure_parse(const char *report, size_t report_len,
		    const char *headers, size_t headers_len,
		    uint64_t received, struct arena *arena,
		    struct dmarc_received **r_r, const char **error_r)
{
	struct dmarc_received *r = arena_zalloc(arena, sizeof(*r));
	const size_t nf = sizeof(failure_fields) / sizeof(failure_fields[0]);
	const char *err;
	uint64_t t;

	r->kind = DMARC_RECEIVED_FAILURE;
	r->received = received;
	/* the report part: every field but Subject / Message-ID */
	read_fields(report, report_len, 0, nf - 2, r, arena);
	if (headers != NULL)
		read_fields(headers, headers_len, nf - 2, nf, r, arena);
	if (r->feedback_type == NULL) {
		*error_r = "no Feedback-Type field (RFC 5965 3.1)";
		return -1;
	}
	if (strcasecmp(r->feedback_type, "auth-failure") != 0) {
		*error_r = "Feedback-Type is not auth-failure (RFC 6591 3.1)";
		return -1;
	}
	if (r->policy_domain == NULL || *r->policy_domain == '\0') {
		*error_r = "no Reported-Domain field (RFC 6591 3.1)";
		return -1;
	}
	if (r->org_name != NULL)
		r->org_name = mta_name(r->org_name);
	if (r->subject != NULL)
		r->subject = decoded_subject(r->subject, arena);
	r->begin = r->end = received;
	if (r->arrival_date != NULL &&
	    msg_date_parse(r->arrival_date, strlen(r->arrival_date), &t,
			   &err) == 0)
		r->begin = r->end = t;
	*r_r = r;
	return 0;
}
