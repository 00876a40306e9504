/*
 * dkimcheck-events.h - what dkimcheck tells the administrator: one log
 * line per message (session id, From domain, verdicts, time spent) and
 * Dovecot events whose fields metric { } blocks can filter and group on:
 *
 *   dkimcheck_verified   once per LMTP transaction
 *     dkimcheck_spf, dkimcheck_dkim (one token per signature, ','-joined),
 *     dkimcheck_dmarc, dkimcheck_policy, dkimcheck_disposition,
 *     dkimcheck_from_domain, dkimcheck_dropped (fields removed),
 *     dkimcheck_budget_expired (yes/no), dkimcheck_msecs, and
 *     dkimcheck_error when verification broke (the message then goes on
 *     untouched)
 *   dkimcheck_recipient  once per local recipient
 *     dkimcheck_action: inbox, junk, reject, dry_run, disabled, error
 *     dkimcheck_dmarc, dkimcheck_disposition
 *
 * The per-recipient event is logged at debug level, except a 550 reject
 * and a settings error, which are always logged.
 */
#ifndef DKIMCHECK_EVENTS_H
#define DKIMCHECK_EVENTS_H

#include "dkimcheck-verify.h"

struct event;

extern struct event_category event_category_dkimcheck;

/* A child event of `parent` in category dkimcheck with our log prefix;
 * the caller unrefs it. */
struct event *dkimcheck_event_create(struct event *parent);

/* The message's verdict line and event. */
void dkimcheck_event_verified(struct event *event, const char *session_id,
			      const struct dkimcheck_verdict *v,
			      unsigned int msecs);
/* Verification could not run: error line and event (message untouched). */
void dkimcheck_event_failed(struct event *event, const char *session_id,
			    const char *error, unsigned int msecs);
/* What was done for one recipient. */
void dkimcheck_event_recipient(struct event *event, const char *session_id,
			       const char *action,
			       const struct dkimcheck_verdict *v,
			       const char *detail);

/* The log functions handed to the engine and to report ingest: their
 * messages on the event that is `context`, each at its level's log type,
 * but for INFO: the engine's (a line per DKIM signature and for DMARC,
 * which the verdict line sums up) go to debug, report ingest's (a report
 * read and stored) are logged at info. */
void dkimcheck_event_lib_log(void *context, enum dkimcheck_log_level level,
			     const char *msg);
void dkimcheck_event_ingest_log(void *context, enum dkimcheck_log_level level,
				const char *msg);

#endif
