/*
 * msgauth-ingest.c - the DMARC reports in one pushed message
 * (msgauth-ingest.h): the MIME walker (msg/msg-mime.h) hands over the
 * decoded parts; an aggregate report is recognised by its content, not
 * its label (zip and gzip magic, or XML), so wrong content types and a
 * gzip named .zip are read all the same; a failure report is the
 * message/feedback-report part of an ARF report with the reported
 * message's header beside it.
 *
 * A part streams: its first MSGAUTH_INGEST_SNIFF octets are held to tell
 * what it is, then everything goes through util/unpack (gzip, zip, XML;
 * capped by max_unpacked / max_ratio) into dmarc/dmarc-report-parse,
 * one parse per XML document (a zip may hold several), the rows
 * formatted into the report's text as they come.  Memory: the unpacker's
 * and the parser's buffers, and the report texts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/unpack.h"
#include "util/xml-parse.h"
#include "msg/msg-header.h"
#include "msg/msg-mime.h"
#include "dkim/dkim-crypto.h"
#include "dmarc/dmarc-failure-parse.h"
#include "dmarc/dmarc-received.h"
#include "dmarc/dmarc-report-parse.h"
#include "msgauth/msgauth-ingest-sniff.h"
#include "msgauth/msgauth-ingest.h"

/* What a leaf part is to us. */
enum part_role {
	PART_IGNORED,	/* multipart bodies, parts beyond the caps */
	PART_CANDIDATE, /* may hold an aggregate report: sniffed at its end */
	PART_FEEDBACK,	/* message/feedback-report (RFC 5965 2 (c)) */
	PART_HEADERS,	/* the reported message or its header (RFC 6591
			   3.3) */
};

/* Octets of a part held to sniff it (msgauth-ingest-sniff.h). */
#define MSGAUTH_INGEST_SNIFF 512

struct msgauth_ingest {
	struct msgauth_ingest_limits limits;
	uint64_t now;
	msgauth_ingest_report_cb *report_cb;
	msgauth_ingest_refused_cb *refused_cb;
	void *ctx;
	struct msg_mime *mime;
	uint64_t fed;
	bool cut;	    /* more than max_message was pushed */
	bool stopped;	    /* the callback said stop */
	unsigned int nreports;
	/* the part being read */
	enum part_role role;
	struct buf data;    /* held: sniff window, or a failure part */
	bool data_over;	    /* more than the role keeps */
	bool sniffed;	    /* a candidate's format is known */
	struct unpack *unpack; /* a candidate that is a report */
	const char *unpack_error;
	uint64_t unpacked_done; /* unpacked by the candidates finished */
	bool unpacked_over;	/* max_unpacked_total reached */
	/* the XML document being parsed (one zip entry) */
	struct dmarc_report_parse *parse;
	const char *parse_error;
	bool text_over;	    /* the rows went over max_text */
	bool room;	    /* max_reports not reached for this document */
	char *part_name;
	char *part_type;
	/* the failure report's two parts */
	struct buf feedback, reported;
	bool have_feedback, have_reported;
	char *from;	    /* the message's From (a failure report's
			       reporter when there is no Reporting-MTA) */
	/* one report's parse */
	struct arena *arena;
	struct buf rows, text;
};

void
msgauth_ingest_limits_default(struct msgauth_ingest_limits *l)
{
	l->max_message = 64 * 1024 * 1024;
	l->max_unpacked = 256 * 1024 * 1024;
	l->max_ratio = 200;
	l->max_reports = 32;
	l->max_rows = 1000000;
	l->max_unpacked_total = 1024 * 1024 * 1024;
	l->max_text = 512 * 1024 * 1024;
}

#define MSGAUTH_INGEST_TOTAL_OVER \
	"unpacked size of the message's attachments over the limit"
#define MSGAUTH_INGEST_TEXT_OVER "report text over the limit"

static void
refuse(struct msgauth_ingest *in, const char *reason)
{
	if (in->refused_cb != NULL)
		in->refused_cb(in->ctx, in->part_name != NULL ?
			       in->part_name : in->part_type, reason);
}

/* Hand one report over (its text in in->text). */
static void
deliver(struct msgauth_ingest *in, const struct dmarc_received *r)
{
	if (in->stopped)
		return;
	in->nreports++;
	if (in->report_cb(in->ctx, r, in->text.data, in->text.len) < 0)
		in->stopped = true;
}

static bool
room_for_report(struct msgauth_ingest *in)
{
	if (in->stopped)
		return false;
	if (in->nreports >= in->limits.max_reports) {
		refuse(in, "more reports in the message than max_reports");
		return false;
	}
	return true;
}

/* --- aggregate reports ------------------------------------------- */

static int
row_cb(void *ctx, const struct dmarc_received *head,
       const struct dmarc_received_row *row)
{
	struct msgauth_ingest *in = ctx;

	(void)head;
	dmarc_received_format_row(row, &in->rows);
	if (in->limits.max_text != 0 && in->rows.len > in->limits.max_text) {
		in->text_over = true;
		return -1;
	}
	return 0;
}

static void
parse_begin(struct msgauth_ingest *in)
{
	struct xml_parse_limits xl;

	in->parse_error = NULL;
	in->text_over = false;
	in->room = room_for_report(in);
	if (!in->room)
		return;
	xml_parse_limits_default(&xl);
	xl.max_total = in->limits.max_unpacked;
	arena_clear(in->arena);
	buf_reset(&in->rows);
	in->parse = dmarc_report_parse_new(in->arena, &xl,
					   in->limits.max_rows, row_cb, in);
}

static void
parse_data(struct msgauth_ingest *in, const void *data, size_t len)
{
	if (in->parse != NULL && in->parse_error == NULL &&
	    dmarc_report_parse_feed(in->parse, data, len,
				    &in->parse_error) < 0 &&
	    in->parse_error == NULL)
		in->parse_error = "XML refused";
	if (in->text_over)
		in->parse_error = MSGAUTH_INGEST_TEXT_OVER;
}

/* Whether the message's attachments have been unpacked to
 * max_unpacked_total (the one open counted too). */
static bool
unpacked_over(struct msgauth_ingest *in)
{
	uint64_t total = in->unpacked_done;

	if (in->unpack != NULL)
		total += unpack_output(in->unpack);
	if (in->limits.max_unpacked_total != 0 &&
	    total > in->limits.max_unpacked_total)
		in->unpacked_over = true;
	return in->unpacked_over;
}

/* The report's text into in->text: its head line, then the rows, which
 * are moved under it in their own buffer rather than copied (a report
 * of 100,000 rows is some 15 MB of text: one copy of it, not two). */
static void
rows_under_head(struct msgauth_ingest *in, const struct dmarc_received *r)
{
	struct buf tmp;
	size_t hlen;

	buf_reset(&in->text);
	dmarc_received_format_head(r, &in->text);
	hlen = in->text.len;
	buf_reserve(&in->rows, hlen);
	memmove(in->rows.data + hlen, in->rows.data, in->rows.len + 1);
	memcpy(in->rows.data, in->text.data, hlen);
	in->rows.len += hlen;
	/* swap: the text is the rows' buffer, the rows get the head's */
	tmp = in->text;
	in->text = in->rows;
	in->rows = tmp;
	buf_reset(&in->rows);
}

/* The document ended (`complete`: as a whole): handed over or refused. */
static void
parse_end(struct msgauth_ingest *in, bool complete)
{
	struct dmarc_received *r;
	const char *error = in->parse_error;

	if (in->parse == NULL)
		return;
	if (complete && error == NULL &&
	    dmarc_report_parse_finish(in->parse, in->now, &r, &error) == 0) {
		rows_under_head(in, r);
		deliver(in, r);
	} else if (complete || error != NULL) {
		refuse(in, error);
	}
	buf_reset(&in->rows);
	dmarc_report_parse_free(&in->parse);
}

/* util/unpack's output: one parse per entry. */
static int
unpack_out(void *ctx, enum unpack_event ev, const char *name,
	   const void *data, size_t len)
{
	struct msgauth_ingest *in = ctx;

	(void)name;
	switch (ev) {
	case UNPACK_ENTRY_BEGIN:
		parse_begin(in);
		break;
	case UNPACK_DATA:
		if (unpacked_over(in)) {
			if (in->parse != NULL && in->parse_error == NULL)
				in->parse_error = MSGAUTH_INGEST_TOTAL_OVER;
			return -1;
		}
		parse_data(in, data, len);
		break;
	case UNPACK_ENTRY_END:
		parse_end(in, true);
		break;
	}
	return in->stopped ? -1 : 0;
}

/* The candidate's format is told by what is held: a report starts its
 * unpacker (fed what was held), anything else is passed over (or
 * refused if it said it was a report). */
static void
candidate_sniff(struct msgauth_ingest *in)
{
	struct unpack_limits ul;

	in->sniffed = true;
	if (msgauth_ingest_sniff(in->data.data, in->data.len) ==
	    MSGAUTH_INGEST_NOT_REPORT) {
		if (msgauth_ingest_labelled_report(in->part_type,
						   in->part_name))
			refuse(in, "neither zip, gzip nor XML");
		return;
	}
	if (in->stopped)
		return;
	if (in->unpacked_over) {
		refuse(in, MSGAUTH_INGEST_TOTAL_OVER);
		return;
	}
	unpack_limits_default(&ul);
	ul.max_output = in->limits.max_unpacked;
	ul.max_ratio = in->limits.max_ratio;
	in->unpack = unpack_new(&ul, unpack_out, in);
	in->unpack_error = NULL;
	if (unpack_feed(in->unpack, in->data.data, in->data.len,
			&in->unpack_error) < 0)
		return;
}

static void
candidate_data(struct msgauth_ingest *in, const void *data, size_t len)
{
	if (!in->sniffed) {
		size_t take = MSGAUTH_INGEST_SNIFF - in->data.len;

		if (take > len)
			take = len;
		buf_append(&in->data, data, take);
		data = (const char *)data + take;
		len -= take;
		if (in->data.len < MSGAUTH_INGEST_SNIFF)
			return;
		candidate_sniff(in);
	}
	if (in->unpack != NULL && in->unpack_error == NULL && len > 0)
		(void)unpack_feed(in->unpack, data, len, &in->unpack_error);
}

static void
candidate_end(struct msgauth_ingest *in, bool truncated)
{
	if (!in->sniffed)
		candidate_sniff(in);
	if (in->unpack == NULL)
		return;
	if (in->unpack_error == NULL && truncated)
		in->unpack_error = "the message ended inside the attachment";
	if (in->unpack_error == NULL)
		(void)unpack_finish(in->unpack, &in->unpack_error);
	if (in->unpack_error != NULL) {
		/* the document open (if any) is refused for this reason */
		if (in->parse != NULL && in->parse_error == NULL)
			in->parse_error = in->unpack_error;
		if (in->parse != NULL)
			parse_end(in, false);
		else if (in->unpacked_over)
			refuse(in, MSGAUTH_INGEST_TOTAL_OVER);
		else if (strcmp(in->unpack_error, "stopped") != 0)
			refuse(in, in->unpack_error);
	}
	parse_end(in, false);
	in->unpacked_done += unpack_output(in->unpack);
	unpack_free(&in->unpack);
}

/* --- failure reports --------------------------------------------- */

/* A stable id for a failure report (it has none): the first 128 bits
 * of SHA-256 over its text written without one, in hex. */
static const char *
failure_id(struct msgauth_ingest *in, struct dmarc_received *r)
{
	struct dkim_sha256 *h = dkim_sha256_new();
	unsigned char md[DKIM_SHA256_LEN];
	char hex[33];

	/* the same report received twice: one id, whenever it came */
	r->report_id = NULL;
	r->received = 0;
	buf_reset(&in->text);
	dmarc_received_format(r, &in->text);
	dkim_sha256_init(h);
	dkim_sha256_update(h, in->text.data, in->text.len);
	dkim_sha256_final(h, md);
	dkim_sha256_free(&h);
	for (size_t i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return arena_strdup(in->arena, hex);
}

static void
failure_report(struct msgauth_ingest *in)
{
	struct dmarc_received *r;
	const char *error;

	if (!room_for_report(in))
		return;
	arena_clear(in->arena);
	if (dmarc_failure_parse(in->feedback.data, in->feedback.len,
				in->have_reported ? in->reported.data : NULL,
				in->reported.len, in->now, in->arena, &r,
				&error) < 0) {
		free(in->part_name);
		in->part_name = ma_strdup("message/feedback-report");
		refuse(in, error);
		return;
	}
	if (r->org_name == NULL && in->from != NULL)
		r->org_name = arena_strdup(in->arena, in->from);
	if (r->org_name == NULL)
		r->org_name = "unknown";
	r->report_id = failure_id(in, r);
	r->received = in->now;
	buf_reset(&in->text);
	dmarc_received_format(r, &in->text);
	deliver(in, r);
}

/* --- the MIME walk ----------------------------------------------- */

static void
on_header(void *ctx, unsigned int depth, const struct msg_header_field *f)
{
	struct msgauth_ingest *in = ctx;
	size_t a = 0, b;

	if (depth != 0 || in->from != NULL || !msg_header_field_is(f, "From") ||
	    f->oversized)
		return;
	b = f->value_len < 256 ? f->value_len : 256;
	while (a < b && strchr(" \t\r\n", f->value[a]) != NULL)
		a++;
	while (b > a && strchr(" \t\r\n", f->value[b - 1]) != NULL)
		b--;
	in->from = ma_malloc(b - a + 1);
	memcpy(in->from, f->value + a, b - a);
	in->from[b - a] = '\0';
	for (char *p = in->from; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
}

static enum part_role
role_of(const struct msg_mime_part *part)
{
	bool in_arf = part->report_type != NULL &&
		strcasecmp(part->report_type, "feedback-report") == 0;

	if (strcmp(part->type, "message/feedback-report") == 0)
		return PART_FEEDBACK;
	if (in_arf && (strcmp(part->type, "text/rfc822-headers") == 0 ||
		       strcmp(part->type, "message/rfc822") == 0))
		return PART_HEADERS;
	if (strncmp(part->type, "multipart/", 10) == 0)
		return PART_IGNORED;
	return PART_CANDIDATE;
}

static void
on_begin(void *ctx, const struct msg_mime_part *part)
{
	struct msgauth_ingest *in = ctx;

	in->role = role_of(part);
	if ((in->role == PART_FEEDBACK && in->have_feedback) ||
	    (in->role == PART_HEADERS && in->have_reported))
		in->role = PART_IGNORED; /* one report per ARF message */
	buf_reset(&in->data);
	in->data_over = false;
	in->sniffed = false;
	free(in->part_name);
	free(in->part_type);
	in->part_name = part->name != NULL ? ma_strdup(part->name) : NULL;
	in->part_type = ma_strdup(part->type);
	if (part->too_deep)
		refuse(in, "multiparts nested deeper than the walker follows "
		       "(the parts inside are not read)");
}

static void
on_data(void *ctx, const struct msg_mime_part *part, const void *data,
	size_t len)
{
	struct msgauth_ingest *in = ctx;
	uint64_t cap = DMARC_FAILURE_MAX_PART;

	(void)part;
	if (in->role == PART_CANDIDATE) {
		candidate_data(in, data, len);
		return;
	}
	if (in->role == PART_IGNORED || in->data_over)
		return;
	if (in->data.len + len > cap) {
		in->data_over = true;
		len = (size_t)(cap - in->data.len);
	}
	buf_append(&in->data, data, len);
}

static void
on_end(void *ctx, const struct msg_mime_part *part, bool truncated)
{
	struct msgauth_ingest *in = ctx;

	switch (in->role) {
	case PART_IGNORED:
		break;
	case PART_CANDIDATE:
		candidate_end(in, truncated);
		break;
	case PART_FEEDBACK:
		buf_reset(&in->feedback);
		buf_append(&in->feedback, in->data.data, in->data.len);
		in->have_feedback = true;
		break;
	case PART_HEADERS:
		/* cut to the size kept: the header is what we read */
		buf_reset(&in->reported);
		buf_append(&in->reported, in->data.data, in->data.len);
		in->have_reported = true;
		break;
	}
	(void)part;
	buf_reset(&in->data);
	in->role = PART_IGNORED;
}

struct msgauth_ingest *
msgauth_ingest_new(const struct msgauth_ingest_limits *limits, uint64_t now,
		   msgauth_ingest_report_cb *report_cb,
		   msgauth_ingest_refused_cb *refused_cb, void *ctx)
{
	static const struct msg_mime_callbacks cb = {
		.header = on_header, .part_begin = on_begin,
		.part_data = on_data, .part_end = on_end};
	struct msgauth_ingest *in = ma_calloc(1, sizeof(*in));
	struct msg_mime_limits ml = {0, 0, 0};

	if (limits != NULL)
		in->limits = *limits;
	else
		msgauth_ingest_limits_default(&in->limits);
	in->now = now;
	in->report_cb = report_cb;
	in->refused_cb = refused_cb;
	in->ctx = ctx;
	in->mime = msg_mime_new(&ml, &cb, in);
	in->arena = arena_new(0);
	return in;
}

void
msgauth_ingest_feed(struct msgauth_ingest *in, const void *data, size_t len)
{
	if (len > in->limits.max_message - in->fed) {
		if (!in->cut && in->refused_cb != NULL)
			in->refused_cb(in->ctx, "message",
				       "larger than max_message: the rest is "
				       "not read");
		in->cut = true;
		len = (size_t)(in->limits.max_message - in->fed);
		if (len == 0)
			return;
	}
	in->fed += len;
	msg_mime_feed(in->mime, data, len);
}

unsigned int
msgauth_ingest_finish(struct msgauth_ingest *in)
{
	msg_mime_finish(in->mime);
	if (in->have_feedback)
		failure_report(in);
	return in->nreports;
}

void
msgauth_ingest_free(struct msgauth_ingest **in_p)
{
	struct msgauth_ingest *in = *in_p;

	if (in == NULL)
		return;
	*in_p = NULL;
	msg_mime_free(&in->mime);
	dmarc_report_parse_free(&in->parse);
	unpack_free(&in->unpack);
	arena_free(&in->arena);
	buf_free(&in->data);
	buf_free(&in->feedback);
	buf_free(&in->reported);
	buf_free(&in->rows);
	buf_free(&in->text);
	free(in->part_name);
	free(in->part_type);
	free(in->from);
	free(in);
}
