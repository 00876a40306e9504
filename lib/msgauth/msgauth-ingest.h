/*
 * msgauth-ingest.h - recognise the DMARC reports in one message (an
 * aggregate report: XML, .xml.gz, .zip, in any of the shapes real
 * reporters send; a failure report: multipart/report with a
 * message/feedback-report part) and turn each into its
 * dmarc-received(5) text.  dkimcheck calls it at delivery for users
 * with dkimcheck_report_ingest = yes, `dmarc-reports ingest` for files.
 *
 * The message is pushed in pieces as it arrives (no copy of the whole
 * message is kept); decompression and XML parsing stream too.
 * Everything is capped (struct msgauth_ingest_limits): a bomb, a DTD,
 * an entity, a truncated archive or garbage is refused with a reason,
 * in bounded memory and time.
 *
 * Memory: the context owns everything it allocates; the texts handed to
 * the callback live during the callback only.
 */
#ifndef MA_MSGAUTH_INGEST_H
#define MA_MSGAUTH_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msgauth_ingest;
struct dmarc_received;

struct msgauth_ingest_limits {
	uint64_t max_message;	  /* octets of message looked at */
	uint64_t max_unpacked;	  /* octets out of one attachment */
	unsigned int max_ratio;	  /* unpacked / packed */
	unsigned int max_reports; /* per message */
	uint64_t max_rows;	  /* per report */
	/* octets out of all the message's attachments together: what
	 * bounds the work one message can cause (0: no cap) */
	uint64_t max_unpacked_total;
	uint64_t max_text;	  /* octets of one report's text, the
				     memory it takes (0: no cap) */
};
void msgauth_ingest_limits_default(struct msgauth_ingest_limits *l);

/* Called once per report found: `text` its dmarc-received(5) text, `r`
 * the same parsed (an aggregate report's rows are streamed into the
 * text: r->rows is NULL, r->nrows their count).  Return 0, or -1 to
 * stop. */
typedef int msgauth_ingest_report_cb(void *ctx,
				     const struct dmarc_received *r,
				     const char *text, size_t len);
/* Called once per part that looked like a report but was refused, and
 * once with part_name "message" when more than max_message is pushed
 * (the rest is not read). */
typedef void msgauth_ingest_refused_cb(void *ctx, const char *part_name,
				       const char *reason);

struct msgauth_ingest *
msgauth_ingest_new(const struct msgauth_ingest_limits *limits,
		   uint64_t now, msgauth_ingest_report_cb *report_cb,
		   msgauth_ingest_refused_cb *refused_cb, void *ctx);
/* Push the next piece of the message (header and body, as received). */
void msgauth_ingest_feed(struct msgauth_ingest *in, const void *data,
			 size_t len);
/* The end of the message: reports found are handed to report_cb as they
 * complete (at the latest here).  Returns how many were handed over. */
unsigned int msgauth_ingest_finish(struct msgauth_ingest *in);
void msgauth_ingest_free(struct msgauth_ingest **in_p);

/* Write one report text into the history directory `dir` as its own
 * file (written to a temporary name, then renamed: import never sees
 * half a file), named so that import tells it from history records:
 *   T.RANDOM.rcvd     T = seconds since 1970 when stored
 * (the temporary name starts with '.').  0, or -1 with *error_r
 * (static or strerror). */
int msgauth_ingest_store(const char *dir, const char *text, size_t len,
			 const char **error_r);

#define MSGAUTH_INGEST_FILE_SUFFIX ".rcvd"
/* Whether a file name (no directory) is a stored report's. */
bool msgauth_ingest_file_is(const char *name);

#endif
