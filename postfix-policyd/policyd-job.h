/*
 * policyd-job.h - the evaluation of one policy request: skips
 * (SASL, skip_addresses, Whitelist, Domain_Whitelist, HELO_Whitelist),
 * then the HELO identity, then MAIL FROM (RFC 7208 2.3, 2.4), then the
 * decision table (policyd-decide.h).  Asynchronous: every DNS step is
 * started on the shared resolver and continues from its callback.
 *
 * Transactions: a struct policyd_txn remembers the decision of the last
 * `instance` seen on a connection, so that a second RCPT of the same
 * message is not evaluated again and its PREPEND is not duplicated.
 *
 * Memory: the job and its strings live in the request arena the caller
 * passes in and frees after the callback; the txn owns its own arena.
 */
#ifndef MA_POLICYD_JOB_H
#define MA_POLICYD_JOB_H

#include <stdbool.h>

#include "policyd-decide.h"
#include "spf/spf.h"

struct arena;
struct event_base;
struct dns_resolver;
struct ma_log;
struct policyd_config;
struct policy_request;
struct policyd_job;

struct policyd_env {
	struct event_base *base;
	const struct policyd_config *config;
	struct dns_resolver *resolver;
	const struct ma_log *log;
	struct spf_settings spf; /* derived from config */
};

/* The decision of the last transaction on one connection. */
struct policyd_txn {
	struct arena *arena; /* NULL until the first decision */
	const char *instance;
	struct policyd_decision decision;
	unsigned int answers; /* actions already given for it */
};

/* Called once with the action text ("DUNNO", "PREPEND ...", "550 ..."),
 * valid during the call. */
typedef void policyd_job_done_t(const char *action, void *context);

/* Start evaluating `request`.  If the answer is known at once (a skip, a
 * repeated instance, an unusable request) *job_r is NULL, *action_r is
 * set and the callback is not called.  Otherwise *job_r is the running
 * job and the callback runs later from the event loop. */
void policyd_job_start(const struct policyd_env *env, struct arena *arena,
		       const struct policy_request *request,
		       struct policyd_txn *txn, policyd_job_done_t *done,
		       void *context, struct policyd_job **job_r,
		       const char **action_r);

/* Abandon a running job (its connection closed); no callback. */
void policyd_job_cancel(struct policyd_job **job_p);

void policyd_txn_deinit(struct policyd_txn *txn);

#endif
