/*
 * signer-message.h - one message through dkim-signer: read it (into a
 * signer-spool.h spool, noting on the way the From field(s), the
 * DKIM-Signature fields already present and the line-end style), decide
 * which keys sign it (SigningTable lookup of the From or envelope
 * address, RFC 6376 section 5), sign it in one pass (dkim-sign.h) and
 * write the DKIM-Signature fields followed by the unchanged input bytes.
 *
 * Not signing is a verdict, not an error: no From field, several From
 * fields (RFC 5322 3.6 allows one; RFC 6376 5.4 signs the From) or one
 * hidden behind a bare CR or LF in another field (RFC 6376 8.15; every
 * verifier here fails such a message), a From field written "From :"
 * (RFC 5322 4.5 obsolete syntax: dkimpy fails any signature over it),
 * an address no SigningTable line matches, a "%" key name that is not in
 * the KeyTable, a "%" domain that is not a DKIM domain name, every
 * selected d=/s= pair already signed the message (signer-existing.h:
 * a signature that verifies with our key, not a field claiming it), or
 * a header too large to sign (a property of the message that no retry
 * changes).  The message is then written unchanged and
 * `reason` says why.  Errors (-1) are internal failures: the caller
 * exits 75 (EX_TEMPFAIL) so that Postfix keeps the message.
 *
 * Memory: the message owns its spool, header parser and arena; strings
 * in a struct signer_outcome live until signer_message_deinit().
 */
#ifndef SIGNER_MESSAGE_H
#define SIGNER_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "dkim/dkim-sign.h"
#include "signer-spool.h"

struct arena;
struct msg_header_parser;
struct signer_config;

/* Bytes of the first From field value kept for the lookup. */
#define SIGNER_MAX_FROM 4096

enum signer_verdict {
	SIGNER_SIGNED,
	SIGNER_UNSIGNED,
};

struct signer_sig {
	const char *domain, *selector;
	enum dkim_alg alg;
};

struct signer_outcome {
	enum signer_verdict verdict;
	const char *reason;  /* SIGNER_UNSIGNED: why */
	const char *address; /* the address looked up, or NULL */
	struct signer_sig sigs[DKIM_SIGN_MAX_SIGNATURES];
	size_t nsigs;
	const char *fields; /* DKIM-Signature fields (SIGNED) */
	size_t fields_len;
};

struct signer_message {
	struct arena *arena;
	struct signer_spool spool;
	struct msg_header_parser *parser;
	bool header_done, eol_known, lf, last_cr;
	size_t from_count;
	bool from_oversized; /* the first From is over msg-header's limit */
	struct buf from;
	bool hidden_from;  /* a bare CR/LF hides a From field */
	bool from_obs_wsp; /* "From :" (RFC 5322 4.5 obsolete syntax) */
	size_t nexisting;  /* DKIM-Signature fields in the header */
};

void signer_message_init(struct signer_message *m, const char *tmpdir,
			 size_t memory_max);
void signer_message_deinit(struct signer_message *m);

/* Feed input bytes (any split).  -1 with *error_r if the spool fails. */
int signer_message_push(struct signer_message *m, const void *data,
			size_t len, const char **error_r);
/* The input is complete. */
void signer_message_end(struct signer_message *m);
/* Read fd to its end through signer_message_push(), then end.  -1 with
 * *error_r on a read error. */
int signer_message_read_fd(struct signer_message *m, int fd,
			   const char **error_r);

/* Decide and sign.  `envelope_sender` may be NULL or "".  `now` is t=
 * (0: the current time).  Returns 0 with *out filled, or -1 with
 * *error_r (a key that cannot be loaded, a signing failure). */
int signer_message_sign(struct signer_message *m, struct signer_config *c,
			const char *envelope_sender, time_t now,
			struct signer_outcome *out, const char **error_r);

/* Write the outcome's fields (if signed) and the input bytes to fd.
 * -1 with *error_r on a write or spool read error. */
int signer_message_write(struct signer_message *m,
			 const struct signer_outcome *out, int fd,
			 const char **error_r);

/* Input size in bytes. */
size_t signer_message_size(const struct signer_message *m);

#endif
