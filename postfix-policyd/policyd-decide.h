/*
 * policyd-decide.h - spf-policyd's decision table: from the SPF results
 * of the HELO and MAIL FROM identities to a Postfix access(5) action and
 * the trace header field.
 *
 * Defaults (policyd-spf.conf(5) names):
 *   fail              -> "550 5.7.23 SPF fail: <explanation>" (RFC 7372)
 *   softfail, neutral -> PREPEND the header (accept)
 *   none, pass        -> PREPEND the header
 *   temperror         -> "DEFER_IF_PERMIT 4.7.24 SPF temperror: ..."
 *                        (TempError_Defer = yes)
 *   permerror         -> PREPEND the header (PermError_reject = no), or
 *                        "550 5.7.24 SPF permerror: ..."
 * HELO is decided first: a HELO rejection ends the transaction without
 * looking at MAIL FROM (policyd-spf does the same).  TestOnly = 0 turns
 * every rejection and deferral into the header only.
 *
 * The header is "Received-SPF: ..." (RFC 7208 9.1) for the MAIL FROM
 * identity (for HELO when MAIL FROM was not checked), and/or
 * "Authentication-Results: <Authserv_Id>; spf=R smtp.mailfrom=DOMAIN"
 * (RFC 8601 2.7.2) with a second method result for smtp.helo when HELO
 * was checked.  The Dovecot plugin reads these: the format is an API.
 *
 * Text that comes from DNS (the exp= explanation, RFC 7208 6.2) is
 * untrusted: it is reduced to printable US-ASCII and a bounded length
 * before it goes into an SMTP reply.  So is every value of the header
 * fields (HELO name, sender, client address, SASL name, DNS and
 * configuration text), through policyd_sanitize(): a field is one line
 * (a policy answer has no line breaks) of printable US-ASCII, at most
 * 998 octets (RFC 5322 2.1.1): values are cut to 255 octets, then to
 * 128, 64, 32, 16 until the field fits (policyd-decide.c).
 *
 * Memory: everything returned is allocated from the caller's arena.
 */
#ifndef MA_POLICYD_DECIDE_H
#define MA_POLICYD_DECIDE_H

#include <stdbool.h>

#include "spf/spf.h"

struct arena;
struct policyd_config;

/* SMTP replies carry at most this much of an explanation. */
#define POLICYD_MAX_EXPLANATION 200

/* The result of one identity, with strings copied out of the verdict. */
struct policyd_check {
	bool checked;
	enum spf_result result;
	const char *domain;	 /* the domain checked */
	const char *sender;	 /* local-part@domain as evaluated */
	const char *mechanism;	 /* matching term or NULL */
	const char *reason;	 /* short text */
	const char *explanation; /* SPF_FAIL only, else NULL */
};

/* What smtpd told us about the transaction. */
struct policyd_facts {
	const char *client_ip;
	const char *helo;   /* may be NULL or "" */
	const char *sender; /* MAIL FROM, "" for <> */
};

enum policyd_disposition {
	POLICYD_ACCEPT, /* header only */
	POLICYD_REJECT,
	POLICYD_DEFER,
};

struct policyd_decision {
	enum policyd_disposition disposition;
	enum spf_identity deciding;  /* the identity that rejected/deferred */
	const char *reply;	     /* REJECT/DEFER: the action text */
	const char *received_spf;    /* PREPEND text, or NULL */
	const char *authres;	     /* PREPEND text, or NULL */
};

/* Copy a verdict into `check` (strings into the arena). */
void policyd_check_set(struct policyd_check *check, struct arena *arena,
		       const struct spf_verdict *verdict);

/* Whether the HELO result alone already rejects or defers (then MAIL
 * FROM need not be checked). */
bool policyd_helo_is_final(const struct policyd_config *config,
			   const struct policyd_check *helo,
			   const struct policyd_facts *facts);

/* Decide.  Either check may be unchecked (checked = false). */
void policyd_decide(struct arena *arena, const struct policyd_config *config,
		    const struct policyd_facts *facts,
		    const struct policyd_check *helo,
		    const struct policyd_check *mailfrom,
		    struct policyd_decision *decision_r);

/* The decision for a client that is not checked (`why`: "SASL
 * authenticated", "Whitelist", ...): accept, with the header field
 * anyway, so that every message spf-policyd is asked about carries a
 * field of ours above smtpd's Received field (a field forged inside the
 * message then stands below it and is not believed, RFC 8601 section 5):
 * "Received-SPF: none (not checked: WHY) ..." and/or
 * "Authentication-Results: ID; [auth=pass smtp.auth=USER;] spf=none
 * reason="not checked: WHY" smtp.mailfrom=DOMAIN" (auth= for a SASL
 * client, RFC 8601 2.7.4). */
void policyd_decide_skipped(struct arena *arena,
			    const struct policyd_config *config,
			    const struct policyd_facts *facts, const char *why,
			    const char *sasl_user,
			    struct policyd_decision *decision_r);

/* The n-th (0, 1) action to answer for a transaction: the rejection or
 * deferral every time; otherwise the PREPEND of the n-th header field
 * (Header_Type = both has two), then DUNNO once all were sent, so that
 * a message with several recipients gets each field once. */
const char *policyd_decision_action(struct arena *arena,
				    const struct policyd_decision *decision,
				    unsigned int n);

/* Printable US-ASCII only (every other octet, CR, LF, TAB, other
 * controls, DEL and 8-bit, becomes '?'), at most `max` octets ("..."
 * appended when cut); NULL -> "".  The one sanitizer for client and DNS
 * text in replies and header fields. */
const char *policyd_sanitize(struct arena *arena, const char *text,
			     size_t max);

#endif
