/*
 * signer-existing.h - "never signed twice", made exact: whether a message
 * already carries OUR signature for a d=/s= pair, i.e. a DKIM-Signature
 * field with that d= and s= that verifies (RFC 6376 6.1.3: body hash,
 * then the header hash with the public half of the private key we hold).
 *
 * A field merely claiming our d=/s= (anyone can write "d=example.com;
 * s=ed2026; b=AAAA") is not ours: the message is signed anyway, so it
 * never leaves with only a forged signature (probe 2026-12 F09).  And no
 * fixed table of remembered fields can overflow: every DKIM-Signature
 * field of the header is looked at (the header itself is bounded, see
 * below), so 32 others above ours no longer hide it.
 *
 * Bounds (hostile input), and the side we err on when they are hit: at
 * most SIGNER_EXISTING_MAX_CLAIMS fields claiming one of our pairs are
 * verified (one body hash each); further claims, a header over
 * DKIM_VERIFY_MAX_FIELDS fields or DKIM_VERIFY_MAX_HEADER_BYTES bytes, or
 * a field too long to keep count as "not ours": the message is signed
 * again.  A second valid signature by the same key harms nobody; a
 * missing one fails DMARC.  Likewise a real signature of ours that no
 * longer verifies (expired x=, a modified message, SignHeaders naming
 * DKIM-Signature) is signed again.
 *
 * The check runs only after the SigningTable chose the keys, and reads
 * the body only when some field claims one of them.  It uses the same
 * lib pieces as the verifier (dkim-sig.h, dkim-canon.h, dkim-crypto.h)
 * but no key store or resolver: dkim-signer links no DNS library.
 *
 * Memory: everything is freed before the call returns.
 */
#ifndef SIGNER_EXISTING_H
#define SIGNER_EXISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dkim/dkim-sign.h"

struct signer_spool;

/* Fields claiming one of our d=/s= pairs that are verified at most. */
#define SIGNER_EXISTING_MAX_CLAIMS 8

/* For each of params[0..n) (keys loaded): ours_r[i] = true when the
 * message in `spool` has a DKIM-Signature by params[i]'s d= and s= that
 * verifies with params[i]'s key at time `now` (0: the current time).
 * Returns 0, or -1 with *error_r (static) when the spool cannot be read. */
int signer_existing_ours(struct signer_spool *spool,
			 const struct dkim_sign_params *params, size_t n,
			 time_t now, bool *ours_r, const char **error_r);

#endif
