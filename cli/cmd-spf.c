/*
 * cmd-spf.c - `authcheck spf`: one RFC 7208 check_host() evaluation,
 * printed as an Authentication-Results style line
 *
 *   spf=RESULT smtp.mailfrom=DOMAIN (reason)
 *   spf=RESULT smtp.helo=NAME (reason)
 *
 * (smtp.helo for the HELO identity: --identity helo, or an empty MAIL
 * FROM, which RFC 7208 2.4 checks as postmaster@HELO), followed on "fail"
 * by "explanation: TEXT".  Exit 0 for any SPF result, 1 if the check
 * could not run, 2 on a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "authcheck.h"
#include "spf/spf.h"

struct spf_args {
	struct spf_request req;
	bool have_mail_from;
};

static void
spf_usage(FILE *fp)
{
	fprintf(fp,
	        "usage: authcheck spf --ip ADDR --mail-from ADDR --helo NAME "
	        "[OPTIONS]\n"
	        "  --ip ADDR              SMTP client address (IPv4 or IPv6)\n"
	        "  --mail-from ADDR       MAIL FROM address, with or without "
	        "<>\n"
	        "                         (\"\" or \"<>\": null sender, "
	        "checked as postmaster@HELO)\n"
	        "  --helo NAME            HELO/EHLO name\n"
	        "  --identity mailfrom|helo  which identity to check (default "
	        "mailfrom)\n"
	        "  --receiver NAME        our host name, for the %%{r} macro\n"
	        "DNS options:\n%s",
	        authcheck_dns_usage);
}

/* 1 consumed, 0 not ours, -1 bad. */
static int
spf_option(struct spf_args *a, int argc, char **argv, int *i)
{
	const char *opt = argv[*i], *val;

	if (strcmp(opt, "--ip") != 0 && strcmp(opt, "--mail-from") != 0 &&
	    strcmp(opt, "--helo") != 0 && strcmp(opt, "--receiver") != 0 &&
	    strcmp(opt, "--identity") != 0)
		return 0;
	if (*i + 1 >= argc) {
		authcheck_usage_error("spf", "%s needs a value", opt);
		return -1;
	}
	val = argv[++*i];
	if (strcmp(opt, "--ip") == 0) {
		a->req.client_ip = val;
	} else if (strcmp(opt, "--mail-from") == 0) {
		a->have_mail_from = true;
		a->req.mail_from = authcheck_mail_from(argv[*i]);
	} else if (strcmp(opt, "--helo") == 0) {
		a->req.helo = val;
	} else if (strcmp(opt, "--receiver") == 0) {
		a->req.receiver = val;
	} else if (strcmp(val, "helo") == 0) {
		a->req.identity = SPF_IDENTITY_HELO;
	} else if (strcmp(val, "mailfrom") == 0) {
		a->req.identity = SPF_IDENTITY_MAILFROM;
	} else {
		authcheck_usage_error("spf", "--identity %s: want mailfrom or helo",
		                      val);
		return -1;
	}
	return 1;
}

static int
spf_parse_args(struct authcheck *ac, struct spf_args *a, int argc, char **argv)
{
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			spf_usage(stdout);
			return 1;
		}
		if ((r = authcheck_dns_option(ac, argc, argv, &i)) == 0)
			r = spf_option(a, argc, argv, &i);
		if (r == 0) {
			authcheck_usage_error("spf", "%s %s", argv[i][0] == '-' ?
			                      "unknown option" :
			                      "unexpected argument", argv[i]);
			return -1;
		}
		if (r < 0)
			return -1;
	}
	if (a->req.client_ip == NULL) {
		authcheck_usage_error("spf", "--ip is required");
		return -1;
	}
	if (a->req.identity == SPF_IDENTITY_MAILFROM && !a->have_mail_from) {
		authcheck_usage_error("spf", "--mail-from is required (or "
		                      "--identity helo with --helo)");
		return -1;
	}
	/* RFC 7208 2.3/2.4: the HELO identity, and a null reverse-path,
	 * are checked with the HELO name: without one there is nothing */
	if (a->req.helo == NULL &&
	    (a->req.identity == SPF_IDENTITY_HELO ||
	     a->req.mail_from[0] == '\0')) {
		authcheck_usage_error("spf", "%s needs --helo",
		                      a->req.identity == SPF_IDENTITY_HELO ?
		                      "--identity helo" :
		                      "a null --mail-from (checked as "
		                      "postmaster@HELO)");
		return -1;
	}
	return 0;
}

static void
spf_print(const struct spf_request *req, const struct spf_verdict *v)
{
	bool helo = req->identity == SPF_IDENTITY_HELO ||
	            req->mail_from == NULL || req->mail_from[0] == '\0';

	printf("spf=%s %s=%s (%s)\n", spf_result_str(v->result),
	       helo ? "smtp.helo" : "smtp.mailfrom",
	       helo ? (req->helo != NULL ? req->helo : "") : v->domain,
	       v->reason != NULL ? v->reason : "");
	if (v->result == SPF_FAIL && v->explanation != NULL)
		printf("explanation: %s\n", v->explanation);
}

int
cmd_spf(struct authcheck *ac, int argc, char **argv)
{
	struct spf_args a;
	struct dns_resolver *resolver;
	struct spf_verdict v;
	struct arena *arena;
	const char *error;
	int r;

	memset(&a, 0, sizeof(a));
	a.req.identity = SPF_IDENTITY_MAILFROM;
	if ((r = spf_parse_args(ac, &a, argc, argv)) != 0)
		return r > 0 ? AUTHCHECK_EXIT_OK : AUTHCHECK_EXIT_USAGE;
	if (authcheck_resolver(ac, &resolver) < 0)
		return AUTHCHECK_EXIT_FAIL;
	arena = arena_new(0);
	if (spf_check_run(resolver, NULL, &a.req, &ac->log, arena, &v, &error) <
	    0) {
		fprintf(stderr, "authcheck: spf: %s\n", error);
		arena_free(&arena);
		dns_resolver_free(&resolver);
		return strstr(error, "IP") != NULL ? AUTHCHECK_EXIT_USAGE
		                                   : AUTHCHECK_EXIT_FAIL;
	}
	spf_print(&a.req, &v);
	arena_free(&arena);
	dns_resolver_free(&resolver);
	return AUTHCHECK_EXIT_OK;
}
