/*
 * dkimcheck-setvalue.h - what a valid value of each dkimcheck_* setting
 * is (dkimcheck(7)), shared by both Dovecot versions: on 2.3 the reader
 * of the plugin { } strings (dkimcheck-settings-23.c) calls these on every
 * lookup; on 2.4 the settings' check function (dkimcheck-settings-24-
 * info.c) calls them, in doveconf and the config process at start-up
 * and again in lmtp when userdb fields override a setting.
 *
 * Each returns 0, or -1 with *error_r (data stack) naming the setting
 * and the value.  Nothing here knows where a value came from.
 *
 * Memory: a list is allocated from the pool given; nothing else is
 * allocated outside the data stack.
 */
#ifndef DKIMCHECK_SETVALUE_H
#define DKIMCHECK_SETVALUE_H

#include "dkimcheck-settings.h"

/* dkimcheck_dns_timeout: 1 ms .. DKIMCHECK_MAX_DNS_TIMEOUT_MSECS. */
int dkimcheck_setvalue_dns_timeout(const char *text, unsigned int msecs,
				   const char **error_r);
/* dkimcheck_max_signatures: 1 .. DKIMCHECK_MAX_MAX_SIGNATURES. */
int dkimcheck_setvalue_max_signatures(unsigned int n, const char **error_r);
/* dkimcheck_authserv_id: an RFC 8601 2.2 authserv-id token (no white
 * space, ';', comments or quotes); "" means the host name. */
int dkimcheck_setvalue_authserv_id(const char *value, const char **error_r);
/* A keyword setting (dkimcheck_keyword_*): an IMAP atom (RFC 9051
 * section 9, flag-keyword), or "" for "never add this keyword". */
int dkimcheck_setvalue_keyword(const char *name, const char *value,
			       const char **error_r);
/* dkimcheck_reject: junk or lmtp (ASCII case-insensitive); "" is junk. */
int dkimcheck_setvalue_reject(const char *value,
			      enum dkimcheck_reject_action *action_r,
			      const char **error_r);
/* dkimcheck_trusted_authserv_ids: authserv-ids separated by spaces or
 * commas, at most DKIMCHECK_MAX_TRUSTED_IDS; *list_r is NULL-terminated
 * and allocated from pool (possibly empty). */
int dkimcheck_setvalue_trusted_ids(pool_t pool, const char *value,
				   const char *const **list_r,
				   const char **error_r);

#endif
