/*
 * cmd-verify.c - `authcheck verify`: verify the DKIM signatures of a
 * message and print one Authentication-Results field (RFC 8601) with a
 * dkim= result per signature, with --dmarc a dmarc= result (RFC 9989,
 * verify-auth.c) and with --ip / --mail-from / --helo an spf= result.
 *
 *   authcheck verify [--keytable FILE] [--authserv-id ID]
 *       [--max-signatures N] [--accept-partial-body] [--time UNIX]
 *       [--ip ADDR --mail-from ADDR
 *       --helo NAME] [--dmarc] [--dmarc-psl] [--psl-file FILE]
 *       [DNS options] [FILE|-]
 *
 * The message is streamed to the verifier in 64 KiB pieces; key lookups
 * go through the DNS layer (libunbound) unless --keytable is given.
 * Exit 0 whatever the verdict, 1 if the check could not run, 2 on a
 * usage error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "authcheck.h"
#include "authres.h"
#include "buf.h"
#include "dkim-key.h"
#include "dkim-verify.h"
#include "verify-auth.h"

#define VERIFY_CHUNK 65536

static void
verify_usage(FILE *fp)
{
	fprintf(fp,
		"usage: authcheck verify [--keytable FILE] [--authserv-id ID]\n"
		"         [--max-signatures N] [--accept-partial-body]\n"
		"         [--time UNIX] [--ip ADDR]\n"
		"         [--mail-from ADDR] [--helo NAME] [--dmarc|--no-dmarc]\n"
		"         [--dmarc-psl] [--psl-file FILE] [DNS options] [FILE|-]\n"
		"Prints one Authentication-Results field.\n"
		"options:\n"
		"  --keytable FILE        DKIM keys from FILE (lines \"SELECTOR._domainkey.DOMAIN\n"
		"                         RECORD\"), not DNS\n"
		"  --authserv-id ID       authserv-id of the field (default: host name)\n"
		"  --max-signatures N     evaluate at most N signatures (default 8)\n"
		"  --accept-partial-body  a signature whose l= leaves part of\n"
		"                         the body unsigned passes (default:\n"
		"                         dkim=policy, not counted for DMARC)\n"
		"  --time UNIX            verify as at this time (x= expiry)\n"
		"%sDNS options:\n%s",
		verify_auth_usage, authcheck_dns_usage);
}

/* One dkim= result: its comment ("test mode", and on the last one how
 * many signatures were not reported) and its RFC 8601 properties. */
static void
add_dkim(struct authres *ar, struct arena *arena,
	 const struct dkim_verify_result *r, size_t ignored)
{
	const char *values[] = {r->domain, r->auid, r->selector, r->algorithm,
				r->b_prefix};
	static const char *const names[] = {"d", "i", "s", "a", "b"};
	struct authres_prop props[5];
	const char *comment = r->testing ? "test mode" : NULL;
	size_t i, n = 0;

	for (i = 0; i < 5; i++) {
		if (values[i] == NULL || *values[i] == '\0')
			continue;
		props[n].ptype = "header";
		props[n].property = names[i];
		props[n++].value = values[i];
	}
	if (ignored > 0)
		comment = arena_printf(arena, "%s%s%zu more signatures not reported",
				       comment != NULL ? comment : "",
				       comment != NULL ? "; " : "", ignored);
	authres_add(ar, "dkim", dkim_result_str(r->result), comment, r->reason,
		    props, n);
}

/* The Authentication-Results field: spf= (when asked), one dkim= per
 * signature (dkim=none without any), dmarc= (unless --no-dmarc). */
static void
print_authres(const char *authserv_id, const struct dkim_verify_result *r,
	      size_t n, size_t ignored, const struct verify_auth *va)
{
	struct arena *arena = arena_new(0);
	struct authres *ar = authres_new(arena, authserv_id);
	size_t i;

	verify_auth_add_spf(va, ar);
	if (n == 0)
		authres_add(ar, "dkim", "none", NULL, NULL, NULL, 0);
	for (i = 0; i < n; i++)
		add_dkim(ar, arena, &r[i], i + 1 == n ? ignored : 0);
	verify_auth_add_dmarc(va, ar);
	printf("Authentication-Results: %s\n", authres_format(ar, 0));
	arena_free(&arena);
}

static int
verify_stream(struct dkim_verify *v, struct verify_auth *va, const char *path)
{
	FILE *fp = path == NULL || strcmp(path, "-") == 0 ? stdin :
							      fopen(path, "rb");
	char *chunk;
	size_t n;
	int ret = 0;

	if (fp == NULL) {
		fprintf(stderr, "authcheck: %s: %s\n", path, strerror(errno));
		return -1;
	}
	chunk = malloc(VERIFY_CHUNK);
	while (chunk != NULL && (n = fread(chunk, 1, VERIFY_CHUNK, fp)) > 0) {
		dkim_verify_push(v, chunk, n);
		verify_auth_push(va, chunk, n);
	}
	if (chunk == NULL || ferror(fp)) {
		fprintf(stderr, "authcheck: %s: read error\n",
			path != NULL ? path : "stdin");
		ret = -1;
	}
	free(chunk);
	if (fp != stdin)
		fclose(fp);
	dkim_verify_end(v);
	verify_auth_end(va);
	return ret;
}

/* DMARC and SPF after the DKIM verdicts: each signature's d= and
 * whether it passed (RFC 9989 5.3.3). */
static int
verify_auth_after(struct authcheck *ac, struct verify_auth *va,
		  struct dns_resolver **resolver_p,
		  const struct dkim_verify_result *r, size_t n,
		  struct arena *arena)
{
	struct dmarc_dkim *dk = arena_zalloc(arena, (n + 1) * sizeof(*dk));
	size_t i;

	if (!verify_auth_wanted(va))
		return 0;
	if (*resolver_p == NULL && authcheck_resolver(ac, resolver_p) < 0)
		return -1; /* --keytable: DKIM keys offline, DMARC/SPF not */
	for (i = 0; i < n; i++) {
		dk[i].domain = r[i].domain;
		dk[i].selector = r[i].selector;
		dk[i].pass = r[i].result == DKIM_RESULT_PASS;
		dk[i].temperror = r[i].result == DKIM_RESULT_TEMPERROR;
	}
	return verify_auth_run(va, ac, *resolver_p, dk, n);
}

static int
verify_run(struct authcheck *ac, const char *keytable,
	   struct dkim_verify_settings *set, const char *authserv_id,
	   struct verify_auth *va, struct arena *arena, const char *input)
{
	struct dns_resolver *resolver = NULL;
	struct dkim_keystore *keys;
	struct dkim_verify *v;
	const struct dkim_verify_result *r;
	char err[512];
	size_t n;
	int ret = AUTHCHECK_EXIT_FAIL;

	if (keytable != NULL) {
		verify_auth_offline(va);
		keys = dkim_keystore_new_table(keytable, err, sizeof(err));
		if (keys == NULL) {
			fprintf(stderr, "authcheck: verify: %s\n", err);
			return AUTHCHECK_EXIT_FAIL;
		}
	} else {
		if (authcheck_resolver(ac, &resolver) < 0)
			return AUTHCHECK_EXIT_FAIL;
		keys = dkim_keystore_new_dns(resolver, &ac->log);
	}
	v = dkim_verify_new(set, keys, &ac->log);
	if (verify_stream(v, va, input) == 0) {
		if (resolver != NULL)
			(void)dns_resolver_run(resolver);
		if (dkim_verify_done(v)) {
			r = dkim_verify_results(v, &n);
			if (verify_auth_after(ac, va, &resolver, r, n,
					      arena) == 0) {
				print_authres(authserv_id, r, n,
					      dkim_verify_ignored(v), va);
				ret = AUTHCHECK_EXIT_OK;
			}
		} else {
			fprintf(stderr, "authcheck: verify: lookups unfinished\n");
		}
	}
	dkim_verify_free(&v);
	dkim_keystore_free(&keys);
	dns_resolver_free(&resolver);
	return ret;
}

int
cmd_verify(struct authcheck *ac, int argc, char **argv)
{
	struct dkim_verify_settings set;
	const char *input = NULL, *keytable = NULL, *authserv_id = NULL;
	char host[256], *end;
	struct arena *arena = arena_new(0);
	struct verify_auth *va = verify_auth_new(arena);
	int i, r, ret = AUTHCHECK_EXIT_USAGE;

	memset(&set, 0, sizeof(set));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--help") == 0) {
			verify_usage(stdout);
			ret = AUTHCHECK_EXIT_OK;
			goto out;
		}
		if ((r = authcheck_dns_option(ac, argc, argv, &i)) < 0)
			goto out;
		if (r > 0)
			continue;
		if ((r = verify_auth_option(va, argc, argv, &i)) < 0)
			goto out;
		if (r > 0)
			continue;
		if (val == NULL && (strcmp(arg, "--keytable") == 0 ||
				    strcmp(arg, "--authserv-id") == 0 ||
				    strcmp(arg, "--max-signatures") == 0 ||
				    strcmp(arg, "--time") == 0)) {
			authcheck_usage_error("verify", "%s needs a value", arg);
			goto out;
		}
		if (strcmp(arg, "--keytable") == 0) {
			keytable = argv[++i];
		} else if (strcmp(arg, "--authserv-id") == 0) {
			authserv_id = argv[++i];
		} else if (strcmp(arg, "--max-signatures") == 0) {
			set.max_signatures = (unsigned int)strtoul(val, &end, 10);
			if (*end != '\0' || set.max_signatures == 0) {
				authcheck_usage_error("verify", "--max-signatures "
						      "%s: want a number > 0", val);
				goto out;
			}
			i++;
		} else if (strcmp(arg, "--accept-partial-body") == 0) {
			set.accept_partial_body = true;
		} else if (strcmp(arg, "--time") == 0) {
			set.now = (time_t)strtoll(val, &end, 10);
			if (*end != '\0' || set.now <= 0) {
				authcheck_usage_error("verify", "--time %s: want "
						      "seconds since 1970", val);
				goto out;
			}
			i++;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			authcheck_usage_error("verify", "unknown option %s", arg);
			goto out;
		} else if (input != NULL) {
			authcheck_usage_error("verify", "unexpected argument %s "
					      "(one message: FILE or -)", arg);
			goto out;
		} else {
			input = arg;
		}
	}
	if (verify_auth_check(va) < 0)
		goto out;
	if (authserv_id == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		authserv_id = host;
	}
	ret = verify_run(ac, keytable, &set, authserv_id, va, arena, input);
out:
	verify_auth_free(&va);
	arena_free(&arena);
	return ret;
}
