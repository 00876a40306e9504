/*
 * reports-sign.h - DKIM-signing the report messages with dkim-signer's
 * own code and configuration (SignerConfig: a dkim-signer.conf(5) whose
 * KeyTable / SigningTable select the key for ReportEmail), so that the
 * reports pass DMARC aligned for the reporting domain (RFC 9990 5:
 * "Mail streams carrying DMARC feedback data MUST conform to the DMARC
 * mechanism, thereby resulting in an aligned pass").
 *
 * Memory: the loaded configuration belongs to the struct reports_signer.
 */
#ifndef REPORTS_SIGN_H
#define REPORTS_SIGN_H

#include <time.h>

struct buf;
struct reports_signer;

/* Load `config_path` (dkim-signer.conf syntax).  0, or -1 with
 * *error_r. */
int reports_signer_new(const char *config_path,
		       struct reports_signer **signer_r, const char **error_r);
void reports_signer_free(struct reports_signer **signer_p);

/* Sign `msg` (replaced by the DKIM-Signature fields followed by the
 * message) for `sender` (ReportEmail, looked up in the SigningTable).
 * 0, or -1 with *error_r: a signing failure, or no key selected for the
 * sender (an unsigned report would fail DMARC: not sent). */
int reports_signer_sign(struct reports_signer *s, const char *sender,
			time_t now, struct buf *msg, const char **error_r);

#endif
