/*
 * verify-auth.c - SPF and DMARC for `authcheck verify` (see
 * verify-auth.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "authres.h"
#include "authcheck.h"
#include "dmarc.h"
#include "msg-address.h"
#include "msg-header.h"
#include "spf.h"
#include "verify-auth.h"

/* From fields kept; more is hostile anyway (RFC 7489 6.6.1). */
#define VERIFY_MAX_FROM 8

struct verify_auth {
	struct arena *arena;
	struct msg_header_parser *parser;
	bool header_done;
	const char *from[VERIFY_MAX_FROM];
	size_t nfrom;
	bool hidden_from; /* msg_header_hides_from(): hostile */

	struct spf_request spf_req;
	bool spf_wanted;
	bool dmarc_wanted;
	bool dmarc_explicit; /* --dmarc, --no-dmarc or a PSL option given */
	const char *psl_file;
	bool use_psl;

	struct spf_verdict spf;
	bool spf_done;
	struct dmarc_verdict dmarc;
	bool dmarc_done;
};

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

struct verify_auth *
verify_auth_new(struct arena *arena)
{
	struct verify_auth *va = arena_zalloc(arena, sizeof(*va));

	va->arena = arena;
	va->parser = msg_header_parser_new(0);
	va->spf_req.identity = SPF_IDENTITY_MAILFROM;
	va->dmarc_wanted = true; /* RFC 9989 by default, --no-dmarc to skip */
	return va;
}

void
verify_auth_free(struct verify_auth **va_p)
{
	if (*va_p == NULL)
		return;
	msg_header_parser_free(&(*va_p)->parser);
	*va_p = NULL;
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

static void
drain(struct verify_auth *va)
{
	struct msg_header_field f;
	enum msg_header_event ev;

	while ((ev = msg_header_next(va->parser, &f)) != MSG_HEADER_NEED_MORE &&
	       ev != MSG_HEADER_EOF) {
		if (ev == MSG_HEADER_END) {
			va->header_done = true;
			continue;
		}
		if (ev != MSG_HEADER_FIELD || va->header_done)
			continue;
		if (msg_header_hides_from(f.raw, f.raw_len))
			va->hidden_from = true;
		if (msg_header_field_is(&f, "From")) {
			if (va->nfrom < VERIFY_MAX_FROM)
				va->from[va->nfrom] = arena_strndup(
					va->arena, f.value, f.value_len);
			va->nfrom++;
		}
	}
}

void
verify_auth_push(struct verify_auth *va, const void *data, size_t len)
{
	if (va->header_done)
		return;
	msg_header_push(va->parser, data, len);
	drain(va);
}

void
verify_auth_end(struct verify_auth *va)
{
	if (va->header_done)
		return;
	msg_header_push_eof(va->parser);
	drain(va);
}

static int
run_spf(struct verify_auth *va, struct authcheck *ac,
	struct dns_resolver *resolver)
{
	static const struct spf_settings set;
	const char *err;

	if (va->spf_req.client_ip == NULL) {
		fprintf(stderr, "authcheck: verify: SPF needs --ip\n");
		return -1;
	}
	if (va->spf_req.mail_from == NULL || va->spf_req.mail_from[0] == '\0')
		va->spf_req.identity = SPF_IDENTITY_HELO; /* RFC 7208 2.4 */
	if (spf_check_run(resolver, &set, &va->spf_req, &ac->log, va->arena,
			  &va->spf, &err) < 0) {
		fprintf(stderr, "authcheck: verify: spf: %s\n", err);
		return -1;
	}
	va->spf_done = true;
	return 0;
}

int
verify_auth_run(struct verify_auth *va, struct authcheck *ac,
		struct dns_resolver *resolver, const struct dmarc_dkim *dkim,
		size_t ndkim)
{
	struct dmarc_settings set;
	struct dmarc_request req;
	struct dmarc_psl *psl = NULL;
	const char *err;
	int ret = 0;

	if (va->spf_wanted && run_spf(va, ac, resolver) < 0)
		return -1;
	if (!va->dmarc_wanted)
		return 0;
	memset(&set, 0, sizeof(set));
	memset(&req, 0, sizeof(req));
	if (va->use_psl) {
		if (dmarc_psl_load(va->psl_file, &psl, &err) < 0) {
			fprintf(stderr, "authcheck: verify: %s\n", err);
			return -1;
		}
		set.org_method = DMARC_ORG_PSL;
		set.psl = psl;
	}
	req.dkim = dkim;
	req.ndkim = ndkim;
	/* with a null MAIL FROM, RFC 7208 2.4 checked postmaster@HELO,
	   which then is the MAIL FROM identity */
	req.spf_result = va->spf_done ? va->spf.result : SPF_NONE;
	req.spf_domain = va->spf_done ? va->spf.domain : NULL;
	if (va->hidden_from) {
		/* one more From field a mail reader may show: RFC 9989 5.3.1
		   / RFC 7489 6.6.1 multiple From, hostile */
		dmarc_verdict_hostile(&set, MSG_AUTHOR_MULTIPLE_FROM,
				      MSG_HEADER_HIDDEN_FROM_REASON, va->arena,
				      &va->dmarc);
		va->dmarc_done = true;
	} else if (dmarc_check_run(resolver, &set, va->from,
			    va->nfrom < VERIFY_MAX_FROM ? va->nfrom :
			    VERIFY_MAX_FROM, &req, &ac->log, va->arena,
			    &va->dmarc, &err) < 0) {
		fprintf(stderr, "authcheck: verify: dmarc: %s\n", err);
		ret = -1;
	} else {
		va->dmarc_done = true;
	}
	dmarc_psl_free(&psl);
	return ret;
}

void
verify_auth_add_spf(const struct verify_auth *va, struct authres *ar)
{
	struct authres_prop prop;

	if (!va->spf_done)
		return;
	prop.ptype = "smtp";
	prop.property = va->spf.identity == SPF_IDENTITY_HELO ? "helo" :
								"mailfrom";
	prop.value = va->spf.domain != NULL ? va->spf.domain : "";
	authres_add(ar, "spf", spf_result_str(va->spf.result), NULL, NULL,
		    &prop, 1);
}

void
verify_auth_add_dmarc(const struct verify_auth *va, struct authres *ar)
{
	const struct dmarc_verdict *v = &va->dmarc;
	struct authres_prop prop = {"header", "from", v->author_domain};
	const char *comment;

	if (!va->dmarc_done)
		return;
	if (v->hostile) {
		authres_add(ar, "dmarc", dmarc_result_str(v->result), NULL,
			    v->reason, NULL, 0);
		return;
	}
	/* OpenDMARC's comment, which admins and Sieve rules match on */
	comment = arena_printf(va->arena, "p=%s dis=%s",
			       v->policy == DMARC_POLICY_UNSET ? "none" :
			       dmarc_policy_str(v->policy),
			       dmarc_policy_str(v->disposition));
	authres_add(ar, "dmarc", dmarc_result_str(v->result), comment, NULL,
		    &prop, 1);
}
