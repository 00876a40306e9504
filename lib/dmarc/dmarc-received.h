/*
 * dmarc-received.h - a DMARC report another receiver sent us, as one
 * normalized text: an aggregate report (RFC 9990, and RFC 7489
 * appendix C with or without a namespace) or a failure report (ARF,
 * RFC 6591 / RFC 9991).  dkimcheck writes it into the history directory
 * at delivery (dkimcheck_report_ingest), `dmarc-reports ingest` from
 * files; `dmarc-reports import` stores it (one row per report, keyed by
 * reporter and report id) and `received` / `summary` read it back.
 *
 * The text (dmarc-received(5)) is versioned, one line per item, fields
 * encoded exactly as dmarc-history(5) does (key=value, percent-encoding
 * of every byte outside printable ASCII and of '%', '=', ',', space):
 *
 *   v=1 kind=aggregate org=ORG email=ADDR id=REPORTID begin=T end=T
 *       pd=DOMAIN adkim=r aspf=r p=none sp=none np=none testing=n
 *       fo=0 disc=treewalk schema=rfc9990 rcvd=T
 *   row ip=ADDR n=COUNT disp=none dkim=pass spf=fail why=TYPE,COMMENT
 *       hf=DOMAIN ef=DOMAIN et=DOMAIN ad=DOMAIN,SELECTOR,RESULT
 *       as=DOMAIN,SCOPE,RESULT
 *   v=1 kind=failure ... (RFC 5965 / 6591 / 9991 fields)
 *
 * `ad`, `as` and `why` repeat.  A reader ignores keys it does not know;
 * a different v= is refused.  The first line is the report's, each
 * following `row` line one <record> of it.
 *
 * Memory: the parser allocates the report and its strings from the
 * arena given; the writer appends to the caller's buf.
 */
#ifndef MA_DMARC_RECEIVED_H
#define MA_DMARC_RECEIVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

#define DMARC_RECEIVED_VERSION 1
/* A longer line is refused by the parser (a row is a few domain names;
 * a failure report's Subject is the longest value). */
#define DMARC_RECEIVED_MAX_LINE 65536

enum dmarc_received_kind {
	DMARC_RECEIVED_AGGREGATE,
	DMARC_RECEIVED_FAILURE,
};

/* auth_results/dkim (DKIMAuthResultType) */
struct dmarc_received_dkim {
	const char *domain, *selector, *result;
};
/* auth_results/spf (SPFAuthResultType) */
struct dmarc_received_spf {
	const char *domain, *scope, *result;
};
/* policy_evaluated/reason (PolicyOverrideReason) */
struct dmarc_received_reason {
	const char *type, *comment;
};

/* One <record> (RFC 9990 3.1.1.3 / RFC 7489 C): every string is as the
 * reporter wrote it (untrusted; NULL when absent). */
struct dmarc_received_row {
	const char *source_ip;
	uint64_t count;
	const char *disposition;	/* policy_evaluated */
	const char *dkim, *spf;		/* policy_evaluated: pass / fail */
	const struct dmarc_received_reason *reasons;
	size_t nreasons;
	const char *header_from, *envelope_from, *envelope_to;
	const struct dmarc_received_dkim *dkim_results;
	size_t ndkim;
	const struct dmarc_received_spf *spf_results;
	size_t nspf;
};

struct dmarc_received {
	enum dmarc_received_kind kind;
	uint64_t received;		/* when we got it, UTC seconds */
	/* aggregate: report_metadata */
	const char *org_name, *email, *extra_contact, *report_id;
	uint64_t begin, end;		/* date_range */
	const char *schema;		/* "rfc9990" or "rfc7489" */
	/* aggregate: policy_published */
	const char *policy_domain;
	const char *adkim, *aspf, *p, *sp, *np, *testing, *fo, *discovery;
	const struct dmarc_received_row *rows;
	size_t nrows;
	/* failure: the feedback report's fields (RFC 5965 3.1, RFC 6591
	 * 3.1, RFC 9991 4); policy_domain above is Reported-Domain */
	const char *feedback_type, *auth_failure, *source_ip,
		*original_mail_from, *arrival_date, *identity_alignment,
		*dkim_domain, *dkim_selector, *delivery_result,
		*subject, *message_id;
};

/* Append `r` as its lines ('\n'-terminated) to `out`: the report's line,
 * then one `row` line per row (dmarc-received(5)).  A NULL string is
 * left out; in a value of several parts (ad, as, why) a NULL part is
 * written empty and an empty part reads back as NULL. */
void dmarc_received_format(const struct dmarc_received *r, struct buf *out);

/* Append one row's line ("row ...\n") to `out`: what the writer puts
 * after the report's line (for a writer that streams the rows). */
void dmarc_received_format_row(const struct dmarc_received_row *row,
			       struct buf *out);
/* Append the report's line only (no rows). */
void dmarc_received_format_head(const struct dmarc_received *r,
				struct buf *out);

/* Parse one report's text.  0 with *r_r, or -1 with a static *error_r:
 * a different or missing v=, a missing or unknown kind=, a field
 * repeated in the report's line, a bad escape, a number that is not
 * one, a line longer than DMARC_RECEIVED_MAX_LINE, a line after the
 * first that is not a `row`, a row in a failure report. */
int dmarc_received_parse(const char *text, size_t len, struct arena *arena,
			 struct dmarc_received **r_r, const char **error_r);

/* Builders for the parsers (this one and dmarc-report-parse.h): append
 * one zeroed element to the report's rows / a row's lists, allocated
 * from `arena` (the arrays grow by doubling: at most three times the
 * space of the elements). */
struct dmarc_received_row *dmarc_received_add_row(struct dmarc_received *r,
						  struct arena *arena);
struct dmarc_received_dkim *
dmarc_received_row_add_dkim(struct dmarc_received_row *row,
			    struct arena *arena);
struct dmarc_received_spf *
dmarc_received_row_add_spf(struct dmarc_received_row *row,
			   struct arena *arena);
struct dmarc_received_reason *
dmarc_received_row_add_reason(struct dmarc_received_row *row,
			      struct arena *arena);

/* "aggregate" / "failure", and back (false for another word). */
const char *dmarc_received_kind_str(enum dmarc_received_kind kind);
bool dmarc_received_kind_parse(const char *word,
			       enum dmarc_received_kind *kind_r);

#endif
