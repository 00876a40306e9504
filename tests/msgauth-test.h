/*
 * msgauth-test.h - helpers shared by check_msgauth.c and
 * check_msgauth_verdicts.c: zone data for the RFC 8463 vectors
 * (football.example.com keys from the key table, as libunbound
 * local-data), resolvers, the vector as a message (LF or CRLF, with
 * header fields on top, body tampered or not), running one message
 * through lib/msgauth, and the A-R value unfolded.
 *
 * Memory: returned strings and paths are malloc()ed, owned by the caller.
 */
#ifndef MSGAUTH_TEST_H
#define MSGAUTH_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "msgauth/msgauth.h"

struct dkim_keystore;
struct dns_resolver;
struct event_base;

#define DOMAIN "football.example.com"

#define DMARC_REJECT                                                    \
	"\tlocal-data: '_dmarc." DOMAIN ". 300 IN TXT \"v=DMARC1; p=reject\"'\n" \
	"\tlocal-data: 'bounce." DOMAIN ". 300 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"'\n"
#define DMARC_REFUSED "\tlocal-zone: \"_dmarc." DOMAIN ".\" always_refuse\n"
#define KEYS_REFUSED                                                    \
	"\tlocal-zone: \"_domainkey." DOMAIN ".\" always_refuse\n"


/* Scratch directory of the running test (checked fixture). */
extern char *msgauth_test_dir;
void msgauth_test_setup(void);
void msgauth_test_teardown(void);

/* The keys of keytable.txt as local-zone / local-data lines plus `extra`;
 * or a libunbound config serving them (path under msgauth_test_dir). */
char *msgauth_test_zone_lines(const char *extra);
char *msgauth_test_zone_config(const char *extra);
/* A resolver from a libunbound config, on `base` (NULL: private loop). */
struct dns_resolver *msgauth_test_resolver(const char *conf,
					   struct event_base *base,
					   unsigned int timeout_ms);
/* RFC 8463 signed-ed25519+rsa.eml with LF or CRLF line ends, `prefix`
 * (header fields, LF) on top; `tamper` changes one body word. */
char *msgauth_test_message(bool crlf, const char *prefix, bool tamper);
/* Zeroed settings with this authserv-id and a 20 s budget. */
void msgauth_test_settings(struct msgauth_settings *set,
			   const char *authserv_id);
/* One message fed `step` bytes at a time (0 = whole), msgauth_run(). */
struct msgauth *msgauth_test_run(const struct msgauth_settings *set,
				 struct dns_resolver *r,
				 struct dkim_keystore *ks,
				 const struct spf_request *spf,
				 const char *msg, size_t step);
/* The A-R value on one line (RFC 5322 2.2.3 unfolding). */
char *msgauth_test_unfolded(struct msgauth *ma);
/* Fail unless `text` contains `want`. */
void msgauth_test_contains(const char *text, const char *want);

#endif
