/*
 * verify-auth.c - the SPF and DMARC options of `authcheck verify` (see
 * verify-auth.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "verify-auth.h"

const char verify_auth_usage[] =
	"  --ip ADDR              SMTP client address: also check SPF\n"
	"  --mail-from ADDR       MAIL FROM (\"\" or \"<>\": null sender)\n"
	"  --helo NAME            HELO/EHLO name\n"
	"  --no-dmarc             DKIM (and SPF) only: no DMARC evaluation\n"
	"                         (the default with --keytable; --dmarc forces it)\n"
	"  --dmarc-psl            RFC 7489 Public Suffix List instead of the\n"
	"                         RFC 9989 tree walk (Debian's list)\n"
	"  --psl-file FILE        the same with this list\n";

void
verify_auth_init(struct verify_auth *va)
{
	memset(va, 0, sizeof(*va));
	va->spf_req.identity = SPF_IDENTITY_MAILFROM;
	va->dmarc_wanted = true; /* RFC 9989 by default, --no-dmarc to skip */
}

int
verify_auth_option(struct verify_auth *va, int argc, char **argv, int *i)
{
	const char *opt = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(opt, "--dmarc") == 0 || strcmp(opt, "--no-dmarc") == 0) {
		va->dmarc_wanted = strcmp(opt, "--dmarc") == 0;
		va->dmarc_explicit = true;
		return 1;
	}
	if (strcmp(opt, "--dmarc-psl") == 0) {
		va->dmarc_explicit = va->dmarc_wanted = true;
		va->use_psl = true;
		return 1;
	}
	if (strcmp(opt, "--psl-file") == 0 && val != NULL) {
		va->dmarc_explicit = va->dmarc_wanted = true;
		va->use_psl = true;
		va->psl_file = val;
		++*i;
		return 1;
	}
	if (strcmp(opt, "--ip") != 0 && strcmp(opt, "--mail-from") != 0 &&
	    strcmp(opt, "--helo") != 0)
		return 0;
	if (val == NULL) {
		fprintf(stderr, "authcheck: verify: %s needs a value\n", opt);
		return -1;
	}
	++*i;
	va->spf_wanted = true;
	if (strcmp(opt, "--ip") == 0)
		va->spf_req.client_ip = val;
	else if (strcmp(opt, "--mail-from") == 0)
		va->spf_req.mail_from = strcmp(val, "<>") == 0 ? "" : val;
	else
		va->spf_req.helo = val;
	return 1;
}

void
verify_auth_offline(struct verify_auth *va)
{
	if (!va->dmarc_explicit)
		va->dmarc_wanted = false;
}

bool
verify_auth_wanted(const struct verify_auth *va)
{
	return va->spf_wanted || va->dmarc_wanted;
}
