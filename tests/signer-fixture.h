/*
 * signer-fixture.h - what the dkim-signer unit tests (check_signer_*.c)
 * share: the RFC 8463 appendix A key and message, a scratch directory
 * per test, a configuration signing football.example.com with that key,
 * and feeding, signing and writing a message.
 *
 * Oracle for the signature: RFC 8463 appendix A (the "brisbane" Ed25519
 * key, A.1, and the message of A.3, whose simple body hash is
 * bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=).  Whole signatures are
 * verified by dkimpy and libopendkim in tests/integration.
 *
 * Memory: fixture_dir belongs to the fixture (setup makes it,
 * teardown removes it with what is in it); what the functions below
 * return is the caller's to free.  Failures are libcheck assertions.
 */
#ifndef SIGNER_FIXTURE_H
#define SIGNER_FIXTURE_H

#include <stddef.h>

#include "signer-config.h"
#include "signer-message.h"

/* RFC 8463 A.1: the Ed25519 private key (base64 seed). */
#define BRISBANE_SEED "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
/* RFC 8463 A.3: body hash of the example message, simple body. */
#define RFC8463_BH "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ="

/* RFC 8463 A.3's message, CRLF line ends. */
extern const char rfc8463_msg[];

/* The test's scratch directory (between setup and teardown). */
extern char *fixture_dir;

/* libcheck's checked fixture: a fresh scratch directory per test. */
void fixture_setup(void);
void fixture_teardown(void);

/* A config with the RFC 8463 key for football.example.com (inline in a
 * 0600 KeyTable), simple/simple, and `extra` lines; signer_config_free()
 * it. */
struct signer_config *fixture_config(const char *extra);

/* Feed msg `step` bytes at a time (0 = whole) into a message, then end
 * it. */
void fixture_feed(struct signer_message *m, const char *msg, size_t len,
		  size_t step);

/* What signer_message_write produces, as a string (malloc), its length
 * in *len_r. */
char *fixture_output(struct signer_message *m, const struct signer_outcome *o,
		     size_t *len_r);

/* Sign `msg` at t=1528637909: the verdict; the output in *out_r
 * (malloc), the reason when unsigned in *reason_r (malloc; else NULL). */
enum signer_verdict fixture_sign(struct signer_config *c, const char *msg,
				 size_t len, char **out_r, size_t *out_len_r,
				 char **reason_r);

#endif
