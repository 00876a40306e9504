/*
 * dmarc-history.h - one DMARC history record: what a receiver saw and
 * did for one message, as the aggregate report (RFC 9990 section 3.1)
 * needs it, written at delivery and read back by `dmarc-reports import`.
 *
 * The format (dmarc-history(5)) is one line per message, versioned:
 *
 *   v=1 id=ID t=SECONDS ip=ADDR mf=DOMAIN rt=DOMAIN hf=DOMAIN pd=DOMAIN
 *   rec=RECORD disc=treewalk dkim=D,S,RESULT ... spf=RESULT spfd=DOMAIN
 *   da=y sa=n res=fail pol=reject disp=quarantine why=local_policy
 *   cmt=TEXT
 *   fdue=dmarc+dkim ruf=URIS fo=VALUE omf=ADDRESS fdi=AUID hdr=HEADER
 *   hdrcut=y
 *
 * The last seven (since mailauth-pack 1.1, still v=1: older readers ignore
 * them) are written only when a DMARC failure report (RFC 9991) may be
 * due for the message: the record has a ruf tag, no psd=y, its fo asks
 * for a report about this result (dmarc-failure.h), and the message is
 * not itself a report (msg-report-kind.h).  fdue lists the reports fo
 * asks for ('+'-joined: dmarc, dkim, spf), ruf and fo are the record's
 * tags as published, omf the MAIL FROM address as our MTA received it
 * (RFC 5965 3.1 Original-Mail-From), fdi the i= of the first failed
 * signature of the From domain (RFC 9991 4 item 1 DKIM-Identity), hdr the message's header fields
 * (CRLF line ends, at most DMARC_HISTORY_MAX_HEADER octets: whole fields
 * in message order; hdrcut=y says later fields were left out).  Never
 * the body (RFC 9991 section 7: privacy; the report carries
 * text/rfc822-headers).
 *
 * Fields are separated by one space; each is key=value; a value is
 * percent-encoded (RFC 3986 2.1 style, "%XX" upper-case) for every byte
 * outside printable ASCII and for '%', '=', ',' and space, so a line
 * never holds a control character, a space inside a value or a byte above
 * 0x7e, whatever the message carried.  An optional field is left out.
 * `dkim` repeats, one per signature in message order, its three parts
 * separated by ','.  A reader ignores keys it does not know (a newer
 * writer of the same version may add some); a different v= is refused.
 *
 * Memory: dmarc_history_parse() allocates the record and its strings from
 * the arena given; dmarc_history_format() only reads the record.
 */
#ifndef MA_DMARC_HISTORY_H
#define MA_DMARC_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dmarc/dmarc.h"

struct arena;
struct buf;

/* The record format written (v=). */
#define DMARC_HISTORY_VERSION 1
/* DKIM signatures kept per record (as many as DMARC looks at). */
#define DMARC_HISTORY_MAX_DKIM DMARC_MAX_DKIM_RESULTS
/* The message header kept for a failure report (hdr=), before
 * encoding: whole fields up to this many octets. */
#define DMARC_HISTORY_MAX_HEADER 32768
/* A longer line is refused: the record text is at most a TXT record's
 * length (a few KB), everything else is domain names, and hdr= is at
 * most DMARC_HISTORY_MAX_HEADER octets, each encoded in at most 3. */
#define DMARC_HISTORY_MAX_LINE (3 * DMARC_HISTORY_MAX_HEADER + 32768)

/* One DKIM signature (RFC 9990 DKIMAuthResultType). */
struct dmarc_history_dkim {
	const char *domain;   /* d= */
	const char *selector; /* s= ("" if the signature had none) */
	const char *result;   /* RFC 8601 2.7.1 token */
};

struct dmarc_history {
	const char *id;		/* unique per record: the import key */
	uint64_t time;		/* delivery, seconds since the epoch, UTC */
	const char *source_ip;	/* client IP as our MTA's Received field
				   recorded it, or NULL */
	const char *envelope_from; /* RFC 5321 MAIL FROM domain, or NULL */
	const char *envelope_to;   /* first RCPT TO domain, or NULL */
	const char *header_from;   /* RFC 5322 From domain */
	const char *policy_domain; /* where the DMARC record was found */
	const char *record;	   /* its text, or NULL */
	const char *discovery;	   /* "treewalk" or "psl" */
	struct dmarc_history_dkim dkim[DMARC_HISTORY_MAX_DKIM];
	size_t ndkim;
	const char *spf_result; /* RFC 8601 2.7.2 token, or NULL */
	const char *spf_domain; /* the MAIL FROM (or HELO) domain, or NULL */
	/* an aligned identifier passed (RFC 9989 4.4): policy_evaluated */
	bool dkim_aligned, spf_aligned;
	enum dmarc_result result;	  /* the DMARC result */
	enum dmarc_policy policy;	  /* the policy that applied */
	enum dmarc_policy disposition;	  /* what we did: none / quarantine
					     / reject (DMARC_POLICY_NONE for
					     delivered as is) */
	const char *reason;  /* RFC 9990 PolicyOverrideType, or NULL */
	const char *comment; /* free text for the reason, or NULL */

	/* Failure report data (see above); failure_due 0: none. */
	unsigned int failure_due; /* enum dmarc_failure_kind bits */
	const char *ruf;	  /* the record's ruf, or NULL */
	const char *fo;		  /* the record's fo, or NULL */
	const char *mail_from;	  /* MAIL FROM address, or NULL */
	const char *dkim_identity; /* i= of the first failed signature of
				      the From domain (fdi=), or NULL */
	const char *header;	  /* header fields, CRLF, or NULL */
	bool header_cut;	  /* fields left out of `header` */
};

/* Append `h` as one line, '\n'-terminated, to `out`. */
void dmarc_history_format(const struct dmarc_history *h, struct buf *out);

/* Parse one line (without or with its final '\n').  0 with *h_r set, or
 * -1 with a static *error_r: wrong or missing version, a required field
 * (id, t, hf, pd, res, disp) missing, a token outside its vocabulary, a
 * bad escape, a NUL, a line longer than DMARC_HISTORY_MAX_LINE. */
int dmarc_history_parse(const char *line, size_t len, struct arena *arena,
			struct dmarc_history **h_r, const char **error_r);

/* RFC 9990 PolicyOverrideType: whether `reason` is one of its values. */
bool dmarc_history_reason_valid(const char *reason);

#endif
