/*
 * dkim-sign.h - the DKIM signer, RFC 6376 section 5 (5.4.1 header
 * selection, 3.7 hashes), rsa-sha256 and ed25519-sha256 (RFC 8463).
 *
 * One signer makes one or more signatures (e.g. rsa-sha256 and
 * ed25519-sha256) in ONE pass over the message: signatures sharing a
 * body canonicalization share the body hash.  The message streams in
 * (dkim_sign_push, any split); the header is kept, the body is not.
 *
 * Header selection: every field named in `sign_headers` present in the
 * message is signed (each instance), and each name in `oversign_headers`
 * is listed once more than it occurs, so that nobody can add one later
 * (RFC 6376 8.15).  From is always signed.
 *
 * Output: the DKIM-Signature fields, folded at 78 columns (b= and bh=
 * broken only where FWS is allowed), to prepend to the message.
 *
 * Memory: the signer owns its arena; the text returned by dkim_sign_end()
 * lives until dkim_sign_free().  Private keys are borrowed (parse them
 * once with dkim-crypto.h and keep them).
 */
#ifndef MA_DKIM_SIGN_H
#define MA_DKIM_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dkim/dkim.h"

struct dkim_privkey;
struct ma_log;
struct dkim_sign;

/* RFC 6376 5.4.1 recommended set (NULL-terminated, lower case). */
extern const char *const dkim_sign_default_headers[];
/* Names over-signed by default (NULL-terminated). */
extern const char *const dkim_sign_default_oversign[];

/* Signatures one signer makes at most. */
#define DKIM_SIGN_MAX_SIGNATURES 8

struct dkim_sign_params {
	const char *domain;	     /* d= */
	const char *selector;	     /* s= */
	const char *auid;	     /* i=, or NULL (not written) */
	struct dkim_privkey *key;    /* borrowed */
	enum dkim_alg alg;	     /* RSA_SHA256 or ED25519_SHA256 */
	enum dkim_canon header_canon, body_canon; /* default relaxed */
	const char *const *sign_headers; /* NULL = the default set */
	const char *const *oversign_headers; /* NULL = default; empty = none */
	unsigned long expire_secs;   /* x= t + this; 0 = no x= */
	bool no_timestamp;	     /* omit t= */
};

struct dkim_sign_settings {
	time_t now; /* t=; 0 = time(NULL) (injectable clock) */
	bool lf;    /* output line ends LF instead of CRLF */
};

/* A signer making `count` signatures (1..DKIM_SIGN_MAX_SIGNATURES).
 * Returns NULL with *error_r (static) on bad parameters (key type does
 * not match the algorithm, empty domain/selector, i= outside d=). */
struct dkim_sign *dkim_sign_new(const struct dkim_sign_settings *set,
				const struct dkim_sign_params *params,
				size_t count, const struct ma_log *log,
				const char **error_r);
void dkim_sign_free(struct dkim_sign **s_p);

/* Feed the next bytes of the message. */
void dkim_sign_push(struct dkim_sign *s, const void *data, size_t len);
/* End of message: compute the signatures.  Returns 0 and in *fields_r
 * the DKIM-Signature header fields (each ending in a line end; the
 * first param's field first) to put above the message, or -1 with
 * *error_r (no From field, header over 1 MiB or 1000 fields, crypto
 * failure). */
int dkim_sign_end(struct dkim_sign *s, const char **fields_r,
		  size_t *len_r, const char **error_r);
/* After dkim_sign_end() failed: true when the reason is the message's
 * header itself (more than 1000 fields, over 1 MiB, or a field over
 * msg-header.h's limit), which no retry can change, so that a caller
 * can pass the message on unsigned rather than fail. */
bool dkim_sign_header_too_large(const struct dkim_sign *s);

#endif
