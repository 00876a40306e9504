/*
 * verify-auth.c - the SPF and DMARC options of `authcheck verify` (see
 * verify-auth.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "authcheck.h"
#include "verify-auth.h"

const char verify_auth_usage[] =
	"  --ip ADDR              SMTP client address: also check SPF (needs\n"
	"                         --mail-from or --helo)\n"
	"  --mail-from ADDR       MAIL FROM, with or without <> (\"\" or \"<>\":\n"
	"                         null sender, checked as postmaster@HELO)\n"
	"  --helo NAME            HELO/EHLO name\n"
	"  --dmarc                evaluate DMARC (RFC 9989; the default, except\n"
	"                         with --keytable)\n"
	"  --no-dmarc             DKIM (and SPF) only: no DMARC evaluation\n"
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
	if (strcmp(opt, "--psl-file") == 0 && val == NULL) {
		authcheck_usage_error("verify", "%s needs a value", opt);
		return -1;
	}
	if (strcmp(opt, "--psl-file") == 0) {
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
		authcheck_usage_error("verify", "%s needs a value", opt);
		return -1;
	}
	++*i;
	va->spf_wanted = true;
	if (strcmp(opt, "--ip") == 0)
		va->spf_req.client_ip = val;
	else if (strcmp(opt, "--mail-from") == 0)
		va->spf_req.mail_from = authcheck_mail_from(argv[*i]);
	else
		va->spf_req.helo = val;
	return 1;
}

int
verify_auth_check(const struct verify_auth *va)
{
	if (!va->spf_wanted)
		return 0;
	if (va->spf_req.client_ip == NULL) {
		authcheck_usage_error("verify", "--mail-from and --helo need "
				      "--ip (the SMTP client checked by SPF)");
		return -1;
	}
	/* RFC 7208 2.3/2.4: MAIL FROM, or with a null reverse-path the
	 * HELO name; with neither there is no identity to check */
	if ((va->spf_req.mail_from == NULL ||
	     va->spf_req.mail_from[0] == '\0') && va->spf_req.helo == NULL) {
		authcheck_usage_error("verify", "--ip needs --mail-from ADDR "
				      "or --helo NAME (the SPF identity)");
		return -1;
	}
	return 0;
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
