/*
 * dkim-verify.h - the streaming DKIM verifier, RFC 6376 section 6 (with
 * RFC 8463 ed25519-sha256 and RFC 8301 rules).
 *
 *   v = dkim_verify_new(&settings, keystore, log);
 *   dkim_verify_push(v, data, len);   ... the whole message, any split
 *   dkim_verify_end(v);               end of message
 *   (DNS keystore: run the resolver's loop until dkim_verify_done(v);
 *    or set settings.done_callback)
 *   dkim_verify_results(v, &n) -> one struct dkim_verify_result each
 *   dkim_verify_free(&v);
 *
 * The header is parsed with msg-header.h; at the end of the header every
 * DKIM-Signature is parsed (dkim-sig.h) and the key lookups start at
 * once, so DNS runs while the body streams.
 *
 * Order and caps (hostile input; RFC 6376 6.1 leaves the order to the
 * verifier): the verifier takes the Author Domain from the message's
 * single From field itself (msg_address_author_domain(); none if there
 * is no single From domain) and orders the signatures: d= that domain
 * first, then d= a parent or subdomain of it, then d= sharing its last
 * two labels (relaxed alignment is possible), then the rest, each group
 * top-down.  So signatures added above the author's by anyone relaying
 * the message cannot push it out.  Three caps, each counting only the
 * work it bounds:
 *  - at most DKIM_VERIFY_MAX_REPORTED signatures are parsed and reported
 *    (the rest are counted in dkim_verify_ignored());
 *  - a signature that does not parse (permerror) or fails a check that
 *    needs no key (rsa-sha1, bh= length, expired, several From fields)
 *    costs nothing more; each other one gets a key lookup and a body
 *    hash, up to DKIM_VERIFY_MAX_KEY_LOOKUPS per message;
 *  - settings.max_signatures bounds the cryptographic verifications,
 *    spent in the order above once the keys are known: a signature whose
 *    key is missing (NXDOMAIN, no record), malformed, revoked or unfit,
 *    or whose body hash does not match, does not use one up.  So junk
 *    signatures that fail cheaply cannot hide a valid one behind them.
 * Signatures left out by a cap are reported neutral
 * DKIM_VERIFY_NOT_EVALUATED.  The body is never buffered: each distinct
 * (body canonicalization, l=) pair gets one streaming canonicalizer and
 * SHA-256.  Header fields are selected
 * bottom-up (5.4.2), names in h= that are absent (over-signing)
 * contribute nothing.  A message with more than one From field fails
 * every signature (RFC 6376 8.15: hostile); so does a header field with
 * a bare CR or LF followed by "From:" (msg_header_hides_from()).
 *
 * l= (RFC 6376 3.5, 8.2): a signature covering only part of the body
 * (canonical body longer than l=) that otherwise verifies is reported
 * dkim=policy with the reason "l= signs only N of M body octets", so it
 * does not count for DMARC; settings.accept_partial_body makes it pass.
 *
 * Each signature gets its own verdict and reason; a verdict is never an
 * internal error.  Memory: results and their strings belong to the
 * verifier and live until dkim_verify_free().  Not thread-safe; one
 * verifier per message, callbacks from the resolver's loop.
 */
#ifndef MA_DKIM_VERIFY_H
#define MA_DKIM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dkim/dkim.h"
#include "msg/msg-header.h"

struct dkim_keystore;
struct ma_log;
struct dkim_verify;

/* Cryptographic verifications per message by default (hostile-input
 * cap, settings.max_signatures). */
#define DKIM_VERIFY_DEFAULT_MAX_SIGNATURES 8
/* Signatures reported at most (the rest are counted in `ignored`). */
#define DKIM_VERIFY_MAX_REPORTED 32
/* Key lookups (DNS queries) and body hashes started per message at most,
 * whatever max_signatures says: one for each reported signature. */
#define DKIM_VERIFY_MAX_KEY_LOOKUPS DKIM_VERIFY_MAX_REPORTED
/* The reason of a signature the caps left out (dkim=neutral). */
#define DKIM_VERIFY_NOT_EVALUATED "not evaluated: too many signatures"
/* Header bounds: whole header bytes and field count (hostile input). */
#define DKIM_VERIFY_MAX_HEADER_BYTES (1024 * 1024)
#define DKIM_VERIFY_MAX_FIELDS 1000
/* The permerror reason when a header has more fields than that (every
 * signature); beyond the byte bound it is "header too large", and a
 * signature field longer than the header parser keeps is "signature
 * field too large". */
#define DKIM_VERIFY_TOO_MANY_FIELDS "more than 1000 header fields"

typedef void dkim_verify_done_t(struct dkim_verify *v, void *context);

struct dkim_verify_settings {
	/* cryptographic verifications at most (0 =
	 * DKIM_VERIFY_DEFAULT_MAX_SIGNATURES) */
	unsigned int max_signatures;
	time_t now;		     /* 0 = time(NULL) (injectable clock) */
	/* Called once all verdicts are known (possibly from inside
	 * dkim_verify_end()); may be NULL. */
	dkim_verify_done_t *done_callback;
	void *done_context;
	/* true: a verified signature whose l= leaves part of the body
	 * unsigned passes (the pre-2025 behaviour); false (default):
	 * dkim=policy. */
	bool accept_partial_body;
};

/* One signature's verdict with what Authentication-Results reports
 * (RFC 8601 2.7.1: header.d, header.i, header.s, header.a, header.b). */
struct dkim_verify_result {
	enum dkim_result result;
	const char *reason;   /* short: "body hash did not verify" (static
				 or owned by the verifier) */
	const char *domain;   /* d=, NULL if unparsable */
	const char *auid;     /* i= (or @d), NULL if unparsable */
	const char *selector; /* s= */
	const char *algorithm; /* a= */
	const char *b_prefix; /* first 8 characters of b= */
	bool testing;	      /* key has t=y */
	bool has_length;      /* l= was used: only part of the body signed */
	uint64_t length;
	/* canonical body octets of the message (for l=: how many there
	 * were in all); 0 if the signature was not evaluated that far */
	uint64_t body_length;
};

/* A verifier for one message.  `keys` is borrowed; `log` may be NULL. */
struct dkim_verify *dkim_verify_new(const struct dkim_verify_settings *set,
				    struct dkim_keystore *keys,
				    const struct ma_log *log);
/* Cancel pending key lookups and release everything; *v_p = NULL. */
void dkim_verify_free(struct dkim_verify **v_p);

/* Feed the next bytes of the message (header and body): the verifier
 * runs its own msg-header.h parser. */
void dkim_verify_push(struct dkim_verify *v, const void *data, size_t len);

/* Or, for a caller that parses the message itself (lib/msgauth: one
 * header parser per message), the events of its msg-header.h parser in
 * order: every MSG_HEADER_FIELD, then MSG_HEADER_END with the From
 * fields the caller counted (msg_header_from_note()), then every
 * MSG_HEADER_BODY piece; then dkim_verify_end().  Never mixed with
 * dkim_verify_push() on one verifier. */
void dkim_verify_field(struct dkim_verify *v,
		       const struct msg_header_field *field);
void dkim_verify_header_end(struct dkim_verify *v,
			    const struct msg_header_from *from);
/* Optional, before dkim_verify_header_end(): the Author Domain the caller
 * found in the From fields it collected (msg_address_author_domain(), RFC
 * 9989 5.3.1: exactly one From field naming one domain; NULL if none), so
 * that the verifier does not parse the From field a second time.  It only
 * decides the order of the checks (signatures whose d= aligns with it
 * first); borrowed until dkim_verify_header_end() returns. */
void dkim_verify_author_domain(struct dkim_verify *v, const char *domain);
void dkim_verify_body(struct dkim_verify *v, const void *data, size_t len);

/* End of the message. */
void dkim_verify_end(struct dkim_verify *v);
/* Whether every verdict is known (end seen, no key lookup pending). */
bool dkim_verify_done(const struct dkim_verify *v);
/* Give up waiting for keys (a caller's time budget ran out): cancel the
 * pending key lookups and give those signatures, and any whose lookup
 * would start later, temperror with `reason` (static) - RFC 6376 6.1.2:
 * a key that cannot be retrieved now is TEMPFAIL.  May complete the
 * verifier (done_callback from inside this call). */
void dkim_verify_expire(struct dkim_verify *v, const char *reason);

/* The verdicts, one per DKIM-Signature field from the top, valid once
 * dkim_verify_done().  Zero results means the message is unsigned
 * (dkim=none). */
const struct dkim_verify_result *
dkim_verify_results(const struct dkim_verify *v, size_t *count_r);
/* Signatures beyond DKIM_VERIFY_MAX_REPORTED that were not reported. */
size_t dkim_verify_ignored(const struct dkim_verify *v);

#endif
