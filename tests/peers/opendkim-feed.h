/*
 * opendkim-feed.h - drive Debian's libopendkim (the OpenDKIM library) the
 * way the opendkim milter does, for the interop peer (tests/peers/
 * opendkim-peer.c) and the benchmark (bench/opendkim-bench.c).
 *
 * libopendkim is an ORACLE here: nothing of it is linked into mailauth-pack.
 * Messages are given as whole files; bare LF line ends are turned into CRLF
 * first (the SMTP wire form, RFC 5321 2.3.8), the header is split into
 * fields (RFC 5322 2.2, continuation lines kept) and handed to dkim_header(),
 * the body goes through dkim_body() in 64 KB chunks like a milter's.
 *
 * Memory: every buffer returned is malloc()ed and owned by the caller.
 * libopendkim runs with DKIM_LIBFLAGS_FIXCRLF (the milter's FixCRLF).
 * Keys are served by libopendkim's DKIM_QUERY_FILE mode from a key table
 * ("<selector>._domainkey.<domain> <TXT record>" lines), never by DNS.
 */
#ifndef OPENDKIM_FEED_H
#define OPENDKIM_FEED_H

#include <stddef.h>

#include <opendkim/dkim.h> /* not lib/dkim/dkim.h: libopendkim's */

/* One signing configuration (libopendkim constants). */
struct odk_sign_params {
	const char *selector;
	const char *domain;
	char *key;		/* private key text (PEM), NUL-terminated */
	dkim_canon_t hdr_canon; /* DKIM_CANON_SIMPLE or DKIM_CANON_RELAXED */
	dkim_canon_t body_canon;
	dkim_alg_t alg;		/* DKIM_SIGN_RSASHA256 or DKIM_SIGN_ED25519SHA256 */
	int margin;		/* dkim_set_margin() value, or -1 for default */
};

/* Read a whole file ("-" = stdin) into a NUL-terminated malloc()ed buffer.
 * Returns 0, or -1 with a reason printed on stderr. */
int odk_read_file(const char *path, char **data_r, size_t *len_r);

/* Return a malloc()ed copy of MSG with every bare LF turned into CRLF. */
char *odk_to_crlf(const char *msg, size_t len, size_t *len_r);

/* Open libopendkim with the key table PATH (NULL when only signing).
 * Returns NULL after printing a reason. */
DKIM_LIB *odk_lib_open(const char *keytable);

/* Parse "rsa-sha256"/"ed25519-sha256" and "H/B" into PARAMS.
 * Returns 0, or -1 (unknown name). */
int odk_parse_alg(const char *name, dkim_alg_t *alg_r);
int odk_parse_canon(const char *hb, dkim_canon_t *hdr_r, dkim_canon_t *body_r);

/* Sign the CRLF message MSG.  On success returns 0 and the DKIM-Signature
 * field (name, value, final CRLF) in *sig_r (malloc()ed).  -1 with a
 * reason on stderr otherwise. */
int odk_sign(DKIM_LIB *lib, const struct odk_sign_params *params,
	     const char *msg, size_t len, char **sig_r);

/* Verify the CRLF message MSG.  *result_r is a static token: "pass" when
 * dkim_eom() says DKIM_STAT_OK for a signature whose body hash matches,
 * "fail" for DKIM_STAT_BADSIG, "none" for no signature, else
 * libopendkim's status string.  Returns 0, or -1 on an internal error. */
int odk_verify(DKIM_LIB *lib, const char *msg, size_t len,
	       const char **result_r);

#endif
