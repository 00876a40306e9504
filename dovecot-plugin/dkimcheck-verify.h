/*
 * dkimcheck-verify.h - the boundary between the Dovecot plugin and
 * libmailauth: one engine per lmtp process (resolver and DKIM key store,
 * so key, DMARC and SPF answers stay cached across messages and
 * connections) and one check per message, a blocking wrapper around
 * lib/msgauth/msgauth.h bounded by the DNS time budget.
 *
 * Plain C on purpose: this header uses no Dovecot and no libmailauth
 * types, and dkimcheck-verify.c includes no Dovecot header, so the two
 * sets of headers (each with its own bool helpers and macros) never
 * meet in one translation unit.  (File names no longer clash - lib/'s
 * headers are included with their directory, "util/base64.h" - and
 * dkimcheck-fatal.c includes lib/'s two hook headers, which declare
 * nothing but prototypes, beside Dovecot's lib.h.)
 *
 * Why blocking: LMTP's cmd_data vfunc must return with the message
 * stream for delivery, and an lmtp process serves one connection at a
 * time (client_limit 1 is Dovecot's default), so a private libunbound
 * loop bounded by the budget delays only this message.
 *
 * Memory: the engine keeps copies of its settings' strings; a verdict's
 * strings and arrays belong to its check and live until
 * dkimcheck_check_free().
 */
#ifndef DKIMCHECK_VERIFY_H
#define DKIMCHECK_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

struct dkimcheck_engine;
struct dkimcheck_check;

struct dkimcheck_engine_settings {
	const char *authserv_id;
	const char *resolver_config; /* libunbound config file or NULL */
	unsigned int time_budget_ms;
	const char *const *trusted_authserv_ids; /* NULL-terminated */
	unsigned int max_signatures;
};

/* Levels handed to the log function (lib/util/log.h's, without its header). */
enum dkimcheck_log_level {
	DKIMCHECK_LOG_DEBUG,
	DKIMCHECK_LOG_INFO,
	DKIMCHECK_LOG_WARN,
	DKIMCHECK_LOG_ERROR,
};
typedef void dkimcheck_log_func_t(void *context,
				  enum dkimcheck_log_level level,
				  const char *msg);

/* What DMARC asks the receiver to do (RFC 9989 5.3.6, after t=y). */
enum dkimcheck_disposition {
	DKIMCHECK_DISPOSITION_NONE,
	DKIMCHECK_DISPOSITION_QUARANTINE,
	DKIMCHECK_DISPOSITION_REJECT,
};

/* A byte range of the raw message to remove (a forged or replaced
 * Authentication-Results / Received-SPF field, RFC 8601 section 5). */
struct dkimcheck_drop {
	size_t offset;
	size_t length;
};

struct dkimcheck_verdict {
	/* Value of our Authentication-Results field, folded with CRLF,
	 * without the field name and without the final CRLF. */
	const char *authres_value;
	const char *from_domain; /* or NULL (none or several) */
	const char *spf;	 /* RFC 8601 tokens */
	const char *dkim;	 /* one token per signature, ','-joined;
				    "none" when unsigned */
	const char *dmarc;
	const char *policy;	 /* p= that applies, "" when no record */
	const char *disposition; /* "none" "quarantine" "reject" */
	enum dkimcheck_disposition disposition_value;
	/* some signature failed and none passed (RFC 6376 6.1: a failed
	 * signature is as if absent, so one pass outweighs it) */
	bool dkim_fail;
	bool dmarc_fail;      /* dmarc=fail (RFC 9989 5.3.5) */
	bool budget_expired;  /* the DNS time budget ran out */
	const struct dkimcheck_drop *drops; /* in message order */
	size_t ndrops;
	/* Fields claiming our (or a trusted) authserv-id that are not in
	 * `drops` (more than the library lists, msgauth.h
	 * MSGAUTH_MAX_EXCESS_FORGED): a hostile message that cannot be
	 * delivered safely; the policy refuses it. */
	size_t forged_unlisted;
	unsigned int elapsed_ms;
};

/* The process's engine.  0, or -1 with *error_r (static or valid until
 * the next call) on an unusable resolver configuration. */
int dkimcheck_engine_new(const struct dkimcheck_engine_settings *set,
			 struct dkimcheck_engine **engine_r,
			 const char **error_r);
void dkimcheck_engine_free(struct dkimcheck_engine **engine_p);

/* Where library messages of the following checks go; `debug` lets
 * debug lines through. */
void dkimcheck_engine_set_log(struct dkimcheck_engine *engine,
			      dkimcheck_log_func_t *fn, void *context,
			      bool debug);

/* One message: new, push the raw bytes in order, finish (blocking, at
 * most the time budget), read the verdict, free.  -1 with a static
 * *error_r on an internal failure.  keep_header: keep a bounded copy of
 * the header for a DMARC failure report (dkimcheck_dmarc_history set;
 * msgauth.h header_copy_max). */
int dkimcheck_check_new(struct dkimcheck_engine *engine, bool keep_header,
			struct dkimcheck_check **check_r, const char **error_r);
void dkimcheck_check_push(struct dkimcheck_check *check, const void *data,
			  size_t len);
int dkimcheck_check_finish(struct dkimcheck_check *check,
			   struct dkimcheck_verdict *verdict_r,
			   const char **error_r);
void dkimcheck_check_free(struct dkimcheck_check **check_p);

/* For the other bridge (dkimcheck-history.c), which includes
 * libmailauth's headers: the check's msgauth result (after
 * dkimcheck_check_finish()) and its arena. */
struct msgauth_result;
struct arena;
const struct msgauth_result *
dkimcheck_check_result(const struct dkimcheck_check *check);
struct arena *dkimcheck_check_arena(struct dkimcheck_check *check);

#endif
