/*
 * msgauth.h - one message's authentication at delivery: the per-message
 * orchestration shared by the Dovecot plugin (dkimcheck) and `authcheck
 * verify`.
 *
 *   ma = msgauth_new(&settings, resolver, keys, log, spf_req, &err) ...
 *   msgauth_push(ma, data, len);        the raw message, any split,
 *   ...                                 CRLF or LF line ends
 *   msgauth_end(ma, callback, context); async: callback from the loop
 *     or msgauth_run(ma, &err);         blocking, private-loop resolver
 *   r = msgauth_result(ma);             verdicts, fields to drop
 *   msgauth_authres_value(ma, crlf);    the Authentication-Results value
 *   msgauth_free(&ma);
 *
 * What it does, in the order the RFCs need it:
 *  - collects the header fields the verdicts depend on while the message
 *    streams past (one msg-header.h parser, whose events also feed the
 *    DKIM verifier; one From count for both): From (RFC 5322 3.6.2),
 *    Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 9.1),
 *    with each field's index and byte offset in the stream;
 *  - SPF: according to settings.spf_source, none at all, the result our
 *    own MTA (spf-policyd) wrote, trusted only as authres_trusted_spf()
 *    (authres-trust.h) decides for our authserv-id and each id of
 *    settings.trusted_authserv_ids, or an SPF check_host() evaluation
 *    (RFC 7208 4) of the envelope given to msgauth_new();
 *  - DKIM (RFC 6376 6): every DKIM-Signature through dkim-verify.h, key
 *    lookups starting at the end of the header while the body streams;
 *  - DMARC (RFC 9989): the Author Domain from the From fields (5.3.1;
 *    none or several: permerror, hostile), then dmarc_check_start() with
 *    each signature's d= and verdict (5.3.3) and the SPF result (4.4.2);
 *  - RFC 8601 section 5: every Authentication-Results field that claims
 *    our authserv-id or a trusted one, and every Received-SPF field with
 *    such a receiver=, except the one trusted field, is listed as FORGED;
 *    the trusted field itself is listed as REPLACED when it carries our
 *    own authserv-id (our new field repeats its spf= result), so after
 *    dropping the listed fields and prepending ours the message carries
 *    exactly one field with our authserv-id - unless the header is
 *    hostile and holds more of them than are listed
 *    (MSGAUTH_MAX_EXCESS_FORGED past the kept ones): the rest are counted
 *    in forged_unlisted and such a message must not be delivered as it
 *    is.  Memory per message stays bounded whatever the header holds;
 *    trace fields past the kept ones are read one at a time;
 *  - the new field's value (RFC 8601 2.2), one field: spf= (unless
 *    spf_source is OFF), one dkim= per signature (dkim=none for an
 *    unsigned message), dmarc= (unless DMARC is off), written by
 *    authres.h so Sieve rules see the same format everywhere.
 *
 * Time budget: all DNS work of one message (key lookups, SPF, DMARC tree
 * walks) is bounded by settings.time_budget_ms, counted from
 * msgauth_new().  When it runs out, every lookup still pending is
 * cancelled and what it was for becomes temperror ("DNS time budget
 * exceeded"): the pending DKIM signatures (RFC 6376 6.1.2: a key that
 * cannot be retrieved now is TEMPFAIL), the SPF check (RFC 7208 2.6.6),
 * DMARC (RFC 9989 5.3.6: neither pass nor fail).  Nothing waits longer.
 *
 * DNS caching across messages: one struct dns_resolver and one struct
 * dkim_keystore serve every message of a process.  The key store caches
 * key records (positive and negative) for their TTL (dkim-keystore.h);
 * libunbound's own message and RRset caches inside the resolver keep the
 * _dmarc TXT answers and SPF answers for their TTL.  So a caller keeps
 * both for the life of its process (the plugin: per lmtp process, across
 * connections) and creates one struct msgauth per message.
 *
 * Memory: a struct msgauth owns its arena; everything msgauth_result()
 * and msgauth_authres_value() return lives until msgauth_free().  The
 * settings (and the strings and lists they point to), the resolver, the
 * key store and the log are borrowed and must outlive the struct msgauth;
 * pushed data is used only during msgauth_push().
 *
 * Async: the resolver's event loop (dns.h) drives everything.  With a
 * resolver on the caller's libevent base, msgauth_end() returns at once
 * and the callback runs from that loop.  msgauth_run() instead loops a
 * private-loop resolver (dns_resolver_new() with base NULL) until the
 * verdicts are known - at most the time budget.  Not thread-safe: one
 * struct msgauth belongs to the thread of its resolver.
 *
 * Errors: verdicts are never errors.  msgauth_new() fails only on an
 * unusable configuration or envelope (-1 with *error_r); after that, DNS
 * trouble of any kind is temperror in the result, never a failure.
 *
 * Symbols: libmailauth is a static (PIC) convenience library compiled
 * with -fvisibility=hidden: its names never reach a dynamic symbol table,
 * so linking it into Dovecot's lmtp (the plugin) cannot collide with
 * libdovecot (`dns_lookup` ...).  Front-ends link it statically and call
 * these functions directly; a shared object linking it uses
 * $(MA_PLUGIN_LDFLAGS) (mk/core.am), which exports only its
 * dkimcheck_plugin_* entry points, and scripts/check-exports.sh checks
 * that in `make check`.
 */
#ifndef MA_MSGAUTH_H
#define MA_MSGAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dkim/dkim-verify.h"
#include "dmarc/dmarc.h"
#include "msg/msg-report-kind.h"
#include "spf/spf.h"

struct dkim_keystore;
struct dmarc_psl;
struct dns_resolver;
struct ma_log;
struct msgauth;

/* Default DNS time budget per message (dkimcheck_dns_timeout). */
#define MSGAUTH_DEFAULT_BUDGET_MS 5000
/* From header fields kept for DMARC; more is hostile anyway (RFC 9989
 * 5.3.1 needs exactly one; RFC 7489 6.6.1). */
#define MSGAUTH_MAX_FROM 8
/* Authentication-Results / Received-SPF / Received fields kept per
 * message for the trust decision; beyond this the message is hostile:
 * the rest are never trusted, each is still examined (in constant
 * memory) and listed as FORGED when it claims a trusted id (RFC 8601
 * 5). */
#define MSGAUTH_MAX_TRACE_FIELDS 256
/* FORGED fields beyond MSGAUTH_MAX_TRACE_FIELDS listed at most; more are
 * only counted (msgauth_result.forged_unlisted), which keeps the drop list
 * and its cost in the front-end bounded (probe 2026-12 F01). */
#define MSGAUTH_MAX_EXCESS_FORGED 256
/* Trusted authserv-ids besides our own. */
#define MSGAUTH_MAX_TRUSTED_IDS 16

/* Where the spf= result comes from. */
enum msgauth_spf_source {
	/* From the message header: the field our spf-policyd prepended
	 * (RFC 8601 5: trusted only when written by our own border MTA,
	 * authres_trusted_spf()); none when absent.  The default. */
	MSGAUTH_SPF_HEADER,
	/* Evaluate SPF (RFC 7208 4) for the envelope given to
	 * msgauth_new() (`authcheck verify --ip --mail-from --helo`). */
	MSGAUTH_SPF_CHECK,
	/* No SPF: no spf= in the field, DMARC sees SPF none. */
	MSGAUTH_SPF_OFF,
};

struct msgauth_settings {
	/* Our authserv-id (RFC 8601 2.5), usually the host name.
	 * Required. */
	const char *authserv_id;
	/* Further authserv-ids whose SPF results are believed (e.g. the
	 * border MX running spf-policyd when Dovecot runs elsewhere);
	 * ntrusted of them (at most MSGAUTH_MAX_TRUSTED_IDS), may be NULL
	 * with 0.  Our own authserv_id is always trusted. */
	const char *const *trusted_authserv_ids;
	size_t ntrusted_authserv_ids;
	enum msgauth_spf_source spf_source;
	/* DKIM signatures verified cryptographically (0 =
	 * DKIM_VERIFY_DEFAULT_MAX_SIGNATURES; dkim-verify.h: cheap failures
	 * do not count); the others are reported neutral "not evaluated". */
	unsigned int max_signatures;
	/* Accept DKIM signatures with l= shorter than the body instead of
	 * reporting dkim=policy (passed to dkim-verify when it knows l=
	 * policy; RFC 6376 8.2). */
	bool dkim_accept_partial_body;
	/* true: no DMARC evaluation and no dmarc= in the field. */
	bool dmarc_off;
	/* Non-NULL: Organizational Domains from this Public Suffix List
	 * (RFC 7489 3.2) instead of the RFC 9989 4.10 tree walk. */
	const struct dmarc_psl *psl;
	/* DMARC disposition for a hostile From (permerror): false = reject,
	 * true = quarantine (dmarc_settings.quarantine_hostile). */
	bool dmarc_quarantine_hostile;
	/* DNS time budget per message in ms (0 = MSGAUTH_DEFAULT_BUDGET_MS). */
	unsigned int time_budget_ms;
	/* Clock for DKIM x= (0 = time(NULL)); tests inject a fixed one. */
	time_t now;
	/* Non-zero: keep a copy of the header fields, whole fields in
	 * order up to this many octets, and classify the message
	 * (msg-report-kind.h), for a DMARC failure report (RFC 9991;
	 * msgauth-history.h).  0: neither (no cost). */
	size_t header_copy_max;
};

/* Why a header field is listed for removal. */
enum msgauth_drop_reason {
	/* Claims our (or a trusted) authserv-id but is not the trusted
	 * field: forged or stale (RFC 8601 section 5). */
	MSGAUTH_DROP_FORGED,
	/* The trusted Authentication-Results field with our own
	 * authserv-id: its spf= result moves into our new field. */
	MSGAUTH_DROP_REPLACED,
};

/* A header field to remove before delivery. */
struct msgauth_field {
	enum msgauth_drop_reason reason;
	/* Position among the header fields, 0 = topmost; every line that
	 * starts a field counts (msg-header.h events, including lines that
	 * are not "name:" fields). */
	size_t index;
	/* Byte range of the whole field in the pushed stream, from its
	 * first byte through the line end of its last line (LF or CRLF as
	 * pushed): a stream filter drops bytes [offset, offset + length). */
	size_t offset;
	size_t length;
	const char *name; /* "Authentication-Results" or "Received-SPF" */
	const char *authserv_id; /* the id it claims */
};

/* The SPF result reported and handed to DMARC. */
struct msgauth_spf {
	enum spf_result result;
	/* MSGAUTH_SPF_HEADER: whether a trusted field was found (if not,
	 * result is none); MSGAUTH_SPF_CHECK: always true. */
	bool found;
	/* The MAIL FROM domain checked (for a null MAIL FROM the HELO
	 * name, RFC 7208 2.4), or NULL; what DMARC aligns (RFC 9989 4.4.2). */
	const char *domain;
	const char *helo;	/* HELO name, or NULL */
	bool helo_identity;	/* the HELO identity was checked */
	const char *reason;	/* short text, or NULL */
	/* MSGAUTH_SPF_HEADER and found: who wrote it, and which field. */
	const char *authserv_id;
	size_t field_index;
};

struct msgauth_result {
	/* spf_source != OFF */
	bool spf_reported;
	struct msgauth_spf spf;

	/* One DKIM verdict per DKIM-Signature field, top first (dkim-
	 * verify.h); ndkim 0 = unsigned.  dkim_ignored: signatures beyond
	 * DKIM_VERIFY_MAX_REPORTED, not listed. */
	const struct dkim_verify_result *dkim;
	size_t ndkim;
	size_t dkim_ignored;
	/* The message's DKIM verdict from those: failed when some signature
	 * failed and none passed (RFC 6376 6.1 / 6.3: a failed signature
	 * counts as no signature), and the tokens in order, "pass,fail"
	 * ("none" when unsigned), as a front-end reports them. */
	bool dkim_failed;
	const char *dkim_tokens;

	/* !settings.dmarc_off: the DMARC verdict: result, the policy that
	 * applies and the disposition (what the receiver should do:
	 * NONE / QUARANTINE / REJECT), author and policy domain, ... */
	bool dmarc_evaluated;
	struct dmarc_verdict dmarc;

	/* The From domain (lower-case A-label) or NULL when there is no
	 * single one; for logs. */
	const char *from_domain;
	/* The connecting client's address: with MSGAUTH_SPF_CHECK the one
	 * given in the envelope, otherwise as our own MTA recorded it in
	 * its Received field (authres_trusted_client_ip(), authres-trust.h;
	 * never a field the sender wrote), or NULL.  For DMARC reports'
	 * source_ip (RFC 9990 3.1.1.2). */
	const char *client_ip;

	/* Header fields to remove, in message order. */
	const struct msgauth_field *drop;
	size_t ndrop;
	/* Fields claiming our (or a trusted) authserv-id beyond what the
	 * drop list holds (MSGAUTH_MAX_TRACE_FIELDS kept plus
	 * MSGAUTH_MAX_EXCESS_FORGED listed): non-zero means dropping the
	 * listed fields would still leave forged ones, so the message must
	 * not be delivered as it is (the plugin rejects it).  Only a hostile
	 * message gets here. */
	size_t forged_unlisted;

	/* The time budget ran out: some verdicts are temperror because of
	 * it. */
	bool budget_expired;
	/* Time from msgauth_new() to the verdicts. */
	unsigned int elapsed_ms;

	/* settings.header_copy_max != 0: the header fields (CRLF line
	 * ends, each field ending in CRLF, NUL-terminated; fields that did
	 * not fit are left out and header_cut is set; an oversized field
	 * (msg-header.h) ends the copy), and whether the message is itself
	 * a report.  Otherwise NULL and MSG_REPORT_NONE. */
	const char *header;
	size_t header_len;
	bool header_cut;
	enum msg_report_kind report_kind;
};

typedef void msgauth_callback_t(struct msgauth *ma, void *context);

/* One message.  `resolver` is required when SPF is checked or DMARC is
 * on (and by keys from DNS); it may be NULL otherwise.  `keys` is
 * required (dkim_keystore_new_dns() on the same resolver, or a key
 * table).  `spf_request` is the envelope for MSGAUTH_SPF_CHECK (copied;
 * ignored otherwise; identity is derived: HELO for a null MAIL FROM).
 * The time budget starts now.  0, or -1 with a static *error_r when the
 * settings or the envelope are unusable (no authserv-id, no resolver
 * where one is needed, SPF check without a client address). */
int msgauth_new(const struct msgauth_settings *settings,
		struct dns_resolver *resolver, struct dkim_keystore *keys,
		const struct ma_log *log,
		const struct spf_request *spf_request, struct msgauth **ma_r,
		const char **error_r);
/* Cancel everything pending (no callback) and release it; *ma_p = NULL. */
void msgauth_free(struct msgauth **ma_p);

/* The next bytes of the raw message (header and body, LF or CRLF line
 * ends, in pieces of any size).  `data` is used only during the call. */
void msgauth_push(struct msgauth *ma, const void *data, size_t len);

/* End of the message: the remaining work starts (DMARC after the DKIM
 * verdicts).  `callback` runs exactly once when every verdict is known,
 * from the resolver's event loop (never from a DNS callback chain, so it
 * may call msgauth_free()); without a resolver (key table, DMARC and SPF
 * off) from inside this call, as its last step.  Call once. */
void msgauth_end(struct msgauth *ma, msgauth_callback_t *callback,
		 void *context);

/* Blocking, instead of msgauth_end(): end the message, then run the
 * resolver's event loop until the verdicts are known (at most the time
 * budget).  For a resolver with a private loop, or an external base the
 * caller is not running right now (never from inside that loop).
 * 0, or -1 with a static *error_r if the loop failed. */
int msgauth_run(struct msgauth *ma, const char **error_r);

/* Whether every verdict is known. */
bool msgauth_done(const struct msgauth *ma);

/* The verdicts; valid once msgauth_done(). */
const struct msgauth_result *msgauth_result(const struct msgauth *ma);

/* The value of our Authentication-Results field (to be written after
 * "Authentication-Results: "), folded to 78 columns with CRLF (crlf true)
 * or LF line ends; e.g.
 *   mx.example.org;
 *	spf=pass smtp.mailfrom=example.com;
 *	dkim=pass header.d=example.com header.s=sel header.b=abcdefgh;
 *	dmarc=pass (p=reject dis=none) header.from=example.com
 * Valid once msgauth_done(), lives until msgauth_free(). */
const char *msgauth_authres_value(struct msgauth *ma, bool crlf);

/* "forged", "replaced" */
const char *msgauth_drop_reason_str(enum msgauth_drop_reason reason);

#endif
