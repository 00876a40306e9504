/*
 * trusted-spf.c - test helper: the SPF result a delivered message's
 * header is trusted for, read the way the Dovecot plugin reads it
 * (lib/msgauth/msgauth.c, MSGAUTH_SPF_HEADER: authres_trusted_spf(), RFC 8601
 * section 5).  Used by tests/integration/postfix-spf.sh on the mail the
 * real Postfix delivered.
 *
 *   trusted-spf AUTHSERV-ID < message
 *
 * Prints "spf=RESULT found=yes|no forged=N" (N: fields claiming our id
 * that are to be removed).  Exit 0, or 1 if the message could not be
 * evaluated.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dkim/dkim-keystore.h"
#include "msgauth/msgauth.h"

int
main(int argc, char **argv)
{
	struct msgauth_settings set;
	struct dkim_keystore *keys;
	const struct msgauth_result *res;
	struct msgauth *ma;
	char buf[65536];
	const char *error;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: trusted-spf AUTHSERV-ID < message\n");
		return 2;
	}
	memset(&set, 0, sizeof(set));
	set.authserv_id = argv[1];
	set.spf_source = MSGAUTH_SPF_HEADER;
	set.dmarc_off = true;
	keys = dkim_keystore_new_table_text("", 0);
	if (keys == NULL ||
	    msgauth_new(&set, NULL, keys, NULL, NULL, &ma, &error) < 0) {
		fprintf(stderr, "trusted-spf: cannot start\n");
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		msgauth_push(ma, buf, n);
	if (msgauth_run(ma, &error) < 0) {
		fprintf(stderr, "trusted-spf: %s\n", error);
		return 1;
	}
	res = msgauth_result(ma);
	printf("spf=%s found=%s forged=%zu\n", spf_result_str(res->spf.result),
	       res->spf.found ? "yes" : "no", res->ndrop);
	msgauth_free(&ma);
	dkim_keystore_free(&keys);
	return 0;
}
