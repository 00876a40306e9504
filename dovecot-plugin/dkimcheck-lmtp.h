/*
 * dkimcheck-lmtp.h - the LMTP side of dkimcheck: overrides of the lmtp
 * client vfuncs (lmtp-client.h), installed through
 * lmtp_client_created_hook_set() on every connection of an lmtp process.
 *
 * - cmd_data, once per transaction, before any recipient and before
 *   Sieve: read the raw message, verify it (dkimcheck-verify.h), hand
 *   the message with our Authentication-Results field prepended and the
 *   forged fields removed (dkimcheck-stream.h) to the default cmd_data,
 *   so Sieve and every stored copy see the field exactly once.
 * - local_deliver, once per local recipient, after the user is set up
 *   and before mail_deliver()/Sieve: the recipient's policy (opt-out,
 *   keywords, Junk, LMTP 550, dry run; dkimcheck-settings.h).
 * - trans_free / destroy: forget the transaction's verdict.
 *
 * Nothing lost: when verification cannot run, the message goes on
 * exactly as received and the error is logged.
 *
 * The lmtp symbols are referenced weakly, so the same module loads in
 * imap, pop3 or doveadm (where only the storage hooks matter);
 * dkimcheck_lmtp_available() says whether this process is lmtp.
 *
 * Memory: the engine (resolver and key cache) lives until
 * dkimcheck_lmtp_deinit(); a transaction's verdict until trans_free.
 */
#ifndef DKIMCHECK_LMTP_H
#define DKIMCHECK_LMTP_H

bool dkimcheck_lmtp_available(void);
void dkimcheck_lmtp_init(void);
void dkimcheck_lmtp_deinit(void);

#endif
