/*
 * dkimcheck-ingest.c - the reports in a delivered message into the
 * history directory (see dkimcheck-ingest.h).  No Dovecot header is
 * included here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "dmarc/dmarc-received.h"
#include "msgauth/msgauth-ingest.h"

#include "dkimcheck-ingest.h"

/* Longest string from the message put into one log line. */
#define DKIMCHECK_INGEST_LOG_FIELD 128
/* Refused parts logged one by one per message; the rest are counted in
 * one line (a mail of 200 junk attachments is one mail, not 200 lines). */
#define DKIMCHECK_INGEST_LOG_REFUSED 10

/* The work of one delivery: tighter than msgauth_ingest's defaults (for
 * dmarc-reports ingest), because the LMTP reply waits for it and the
 * lmtp process has Dovecot's vsz_limit (256 MiB by default).  A 100,000-
 * row report is 60 to 70 MiB of XML and 12 to 20 MiB of text; 128 MiB
 * of XML is about 2 s of CPU. */
#define DKIMCHECK_INGEST_MAX_MESSAGE (64 * 1024 * 1024)
#define DKIMCHECK_INGEST_MAX_UNPACKED (128 * 1024 * 1024)
#define DKIMCHECK_INGEST_MAX_TEXT (32 * 1024 * 1024)
#define DKIMCHECK_INGEST_MAX_ROWS 200000

struct dkimcheck_ingest {
	char *dir;
	struct msgauth_ingest *ingest;
	dkimcheck_log_func_t *log;
	void *log_context;
	struct dkimcheck_ingest_counts counts;
	uint64_t pushed;
};

/* `s` (untrusted) as a printable log field: "-" when absent. */
static void
log_field(struct buf *out, const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0') {
		buf_append_char(out, '-');
		return;
	}
	for (i = 0; s[i] != '\0' && i < DKIMCHECK_INGEST_LOG_FIELD; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_append_char(out, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	if (s[i] != '\0')
		buf_append_str(out, "...");
}

static void
ingest_log(struct dkimcheck_ingest *in, enum dkimcheck_log_level level,
	   struct buf *line)
{
	if (in->log != NULL)
		in->log(in->log_context, level, buf_cstr(line));
	buf_free(line);
}

static void
describe(struct buf *line, const struct dmarc_received *r)
{
	size_t i;
	uint64_t messages = 0;

	buf_append_str(line, r->kind == DMARC_RECEIVED_FAILURE ?
				     "failure report" : "aggregate report");
	buf_append_str(line, " org=");
	log_field(line, r->org_name);
	buf_append_str(line, " id=");
	log_field(line, r->report_id);
	buf_append_str(line, " domain=");
	log_field(line, r->policy_domain);
	if (r->kind != DMARC_RECEIVED_AGGREGATE)
		return;
	buf_printf(line, " rows=%zu", r->nrows);
	/* rows streamed into the text are not in r (rows NULL, nrows the
	 * count: dmarc-report-parse.h) */
	if (r->rows != NULL) {
		for (i = 0; i < r->nrows; i++)
			messages += r->rows[i].count;
		buf_printf(line, " messages=%llu",
			   (unsigned long long)messages);
	}
}

static int
report_cb(void *ctx, const struct dmarc_received *r, const char *text,
	  size_t len)
{
	struct dkimcheck_ingest *in = ctx;
	struct buf line = BUF_INIT;
	const char *error;

	if (msgauth_ingest_store(in->dir, text, len, &error) < 0) {
		in->counts.failed++;
		buf_append_str(&line, "storing ");
		describe(&line, r);
		buf_printf(&line, " in %s failed: %s", in->dir, error);
		ingest_log(in, DKIMCHECK_LOG_WARN, &line);
		return 0;
	}
	in->counts.stored++;
	buf_append_str(&line, "stored ");
	describe(&line, r);
	ingest_log(in, DKIMCHECK_LOG_INFO, &line);
	return 0;
}

static void
refused_cb(void *ctx, const char *part_name, const char *reason)
{
	struct dkimcheck_ingest *in = ctx;
	struct buf line = BUF_INIT;

	if (++in->counts.refused > DKIMCHECK_INGEST_LOG_REFUSED)
		return;
	buf_append_str(&line, "refused part ");
	log_field(&line, part_name);
	buf_append_str(&line, ": ");
	log_field(&line, reason);
	ingest_log(in, DKIMCHECK_LOG_WARN, &line);
}

struct dkimcheck_ingest *
dkimcheck_ingest_new(const char *dir, uint64_t now, dkimcheck_log_func_t *fn,
		     void *context)
{
	struct dkimcheck_ingest *in = ma_calloc(1, sizeof(*in));
	struct msgauth_ingest_limits limits;

	in->dir = ma_strdup(dir);
	in->log = fn;
	in->log_context = context;
	msgauth_ingest_limits_default(&limits);
	limits.max_message = DKIMCHECK_INGEST_MAX_MESSAGE;
	limits.max_unpacked = DKIMCHECK_INGEST_MAX_UNPACKED;
	limits.max_unpacked_total = DKIMCHECK_INGEST_MAX_UNPACKED;
	limits.max_text = DKIMCHECK_INGEST_MAX_TEXT;
	limits.max_rows = DKIMCHECK_INGEST_MAX_ROWS;
	in->ingest = msgauth_ingest_new(&limits, now, report_cb, refused_cb,
					in);
	return in;
}

bool
dkimcheck_ingest_push(struct dkimcheck_ingest *in, const void *data,
		      size_t len)
{
	msgauth_ingest_feed(in->ingest, data, len);
	in->pushed += len;
	/* one piece past the cap: msgauth_ingest says the message was cut */
	return in->pushed <= DKIMCHECK_INGEST_MAX_MESSAGE;
}

void
dkimcheck_ingest_finish(struct dkimcheck_ingest *in,
			struct dkimcheck_ingest_counts *counts_r)
{
	struct buf line = BUF_INIT;

	(void)msgauth_ingest_finish(in->ingest);
	if (in->counts.refused > DKIMCHECK_INGEST_LOG_REFUSED) {
		buf_printf(&line, "%u more parts refused (the first %u are "
			   "logged)", in->counts.refused -
			   DKIMCHECK_INGEST_LOG_REFUSED,
			   DKIMCHECK_INGEST_LOG_REFUSED);
		ingest_log(in, DKIMCHECK_LOG_WARN, &line);
	}
	*counts_r = in->counts;
}

void
dkimcheck_ingest_free(struct dkimcheck_ingest **in_p)
{
	struct dkimcheck_ingest *in = *in_p;

	if (in == NULL)
		return;
	*in_p = NULL;
	msgauth_ingest_free(&in->ingest);
	free(in->dir);
	free(in);
}
