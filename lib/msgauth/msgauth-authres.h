/*
 * msgauth-authres.h - the Authentication-Results field of one message
 * (RFC 8601 2.2) from its verdicts: spf=, one dkim= per signature, dmarc=
 * (internal to msgauth.c; the value is msgauth_authres_value()).
 *
 *   spf=RESULT smtp.mailfrom=DOMAIN            (smtp.helo for HELO)
 *   dkim=RESULT [(test mode)] [reason="..."] header.d= header.i=
 *        header.s= header.a= header.b=          (dkim=none: unsigned)
 *   dmarc=RESULT (p=POLICY dis=DISPOSITION) header.from=DOMAIN
 *
 * The dmarc= comment is OpenDMARC's, which admins and Sieve rules match.
 * Memory: the value is allocated from `arena`.
 */
#ifndef MA_MSGAUTH_AUTHRES_H
#define MA_MSGAUTH_AUTHRES_H

#include <stdbool.h>

#include "msgauth/msgauth.h"

struct arena;

const char *msgauth_authres_build(struct arena *arena,
				  const char *authserv_id,
				  const struct msgauth_result *result,
				  enum msgauth_spf_source spf_source,
				  bool crlf);

#endif
