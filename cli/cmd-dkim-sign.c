/*
 * cmd-dkim-sign.c - `authcheck dkim-sign`: sign a message with one or
 * more DKIM signatures (one pass over the body) and write the signed
 * message to stdout.
 *
 *   authcheck dkim-sign --domain D --selector S --key FILE
 *       [--algorithm rsa-sha256|ed25519-sha256] [--canon H/B] [--auid I]
 *       [--expire SECONDS] [--headers a:b:c] [--oversign a:b|""]
 *       [--timestamp UNIX] [--no-timestamp] [--insecure-key]
 *       [--selector S2 --key FILE2 ...] [FILE|-]
 *
 * Options before the first --selector are defaults for every signature;
 * each --selector starts a signature and the options after it apply to
 * that one.  The algorithm defaults to the key's type.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authcheck.h"
#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-sign.h"
#include "util/xalloc.h"

/* One signature's options as given (NULL = not given). */
struct sign_opts {
	const char *domain, *selector, *key, *algorithm, *canon, *auid;
	const char *headers, *oversign, *expire;
};

static void
sign_usage(FILE *fp)
{
	fprintf(fp,
		"usage: authcheck dkim-sign --domain D --selector S --key FILE\n"
		"         [--algorithm rsa-sha256|ed25519-sha256] [--canon H/B]\n"
		"         [--auid I] [--expire SECONDS] [--headers a:b:c]\n"
		"         [--oversign a:b] [--timestamp UNIX] [--no-timestamp]\n"
		"         [--insecure-key] [--selector S2 --key FILE2 ...] [FILE|-]\n"
		"Writes the signed message to stdout.  Options before the first\n"
		"--selector apply to every signature.\n"
		"options:\n"
		"  --domain D             d= signing domain\n"
		"  --selector S           s= selector; each one starts a signature\n"
		"  --key FILE             private key (PEM RSA/Ed25519, or a base64\n"
		"                         Ed25519 seed), not readable by group or others\n"
		"  --algorithm A          rsa-sha256 or ed25519-sha256 (default: the\n"
		"                         key's type)\n"
		"  --canon H/B            header/body canonicalization (default\n"
		"                         relaxed/relaxed)\n"
		"  --auid I               i= agent or user identifier\n"
		"  --expire SECONDS       x= that many seconds after t=\n"
		"  --headers a:b:c        header fields to sign (default: a built-in list)\n"
		"  --oversign a:b         fields signed once more than present\n"
		"                         (\"\": none)\n"
		"  --timestamp UNIX       t= this time instead of now\n"
		"  --no-timestamp         no t= tag\n"
		"  --insecure-key         accept a key file readable by others\n");
}

/* Split "a:b:c" into a NULL-terminated list; one allocation holding the
 * pointers and the copied names, released with free(). */
static const char **
split_names(const char *s)
{
	size_t n = 1, i = 0, len = strlen(s);
	const char **list;
	char *copy, *p, *save = NULL;

	for (i = 0; i < len; i++)
		n += s[i] == ':';
	i = 0;
	list = ma_malloc((n + 1) * sizeof(*list) + len + 1);
	copy = (char *)(list + n + 1);
	memcpy(copy, s, len + 1);
	for (p = strtok_r(copy, ":", &save); p != NULL;
	     p = strtok_r(NULL, ":", &save))
		list[i++] = p;
	list[i] = NULL;
	return list;
}

static const char **
opt_value(struct sign_opts *o, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
		{"--domain", offsetof(struct sign_opts, domain)},
		{"--selector", offsetof(struct sign_opts, selector)},
		{"--key", offsetof(struct sign_opts, key)},
		{"--algorithm", offsetof(struct sign_opts, algorithm)},
		{"--canon", offsetof(struct sign_opts, canon)},
		{"--auid", offsetof(struct sign_opts, auid)},
		{"--headers", offsetof(struct sign_opts, headers)},
		{"--oversign", offsetof(struct sign_opts, oversign)},
		{"--expire", offsetof(struct sign_opts, expire)},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(name, map[i].name) == 0)
			return (const char **)((char *)o + map[i].off);
	}
	return NULL;
}

/* Merge defaults into o and fill params; prints the error and returns -2
 * for a usage error, -1 when the key cannot be loaded. */
static int
sign_params(const struct sign_opts *def, struct sign_opts *o,
	    unsigned int key_flags, struct dkim_sign_params *p,
	    const char **lists[2])
{
	struct arena *arena;
	const char *err;
	char *end;

#define SIGN_OPT_DEFAULT(f) \
	if (o->f == NULL)   \
		o->f = def->f
	SIGN_OPT_DEFAULT(domain);
	SIGN_OPT_DEFAULT(key);
	SIGN_OPT_DEFAULT(algorithm);
	SIGN_OPT_DEFAULT(canon);
	SIGN_OPT_DEFAULT(auid);
	SIGN_OPT_DEFAULT(headers);
	SIGN_OPT_DEFAULT(oversign);
	SIGN_OPT_DEFAULT(expire);
#undef SIGN_OPT_DEFAULT
	if (o->domain == NULL || o->key == NULL) {
		authcheck_usage_error("dkim-sign", "%s is required (signature "
				      "with --selector %s)", o->domain == NULL ?
				      "--domain" : "--key", o->selector);
		return -2;
	}
	memset(p, 0, sizeof(*p));
	p->domain = o->domain;
	p->selector = o->selector;
	p->auid = o->auid;
	p->header_canon = p->body_canon = DKIM_CANON_RELAXED;
	if (o->canon != NULL &&
	    !dkim_canon_parse(o->canon, strlen(o->canon), &p->header_canon,
			      &p->body_canon)) {
		authcheck_usage_error("dkim-sign", "--canon %s: want HEADER/BODY, "
				      "each simple or relaxed", o->canon);
		return -2;
	}
	if (o->expire != NULL) {
		p->expire_secs = strtoul(o->expire, &end, 10);
		if (*end != '\0' || p->expire_secs == 0) {
			authcheck_usage_error("dkim-sign", "--expire %s: want "
					      "seconds > 0", o->expire);
			return -2;
		}
	}
	if (o->headers != NULL)
		p->sign_headers = lists[0] = split_names(o->headers);
	if (o->oversign != NULL)
		p->oversign_headers = lists[1] = split_names(o->oversign);
	if (o->algorithm != NULL &&
	    (!dkim_alg_parse(o->algorithm, strlen(o->algorithm), &p->alg) ||
	     p->alg == DKIM_ALG_RSA_SHA1)) {
		authcheck_usage_error("dkim-sign", "--algorithm %s: want "
				      "rsa-sha256 or ed25519-sha256",
				      o->algorithm);
		return -2;
	}
	arena = arena_new(0);
	if (dkim_privkey_load(o->key, key_flags, arena, &p->key, &err) < 0) {
		fprintf(stderr, "authcheck: dkim-sign: %s\n", err);
		arena_free(&arena);
		return -1;
	}
	arena_free(&arena);
	if (o->algorithm == NULL)
		p->alg = p->key->type == DKIM_KEY_ED25519 ?
				 DKIM_ALG_ED25519_SHA256 :
				 DKIM_ALG_RSA_SHA256;
	return 0;
}

int
authcheck_read_input(const char *path, struct buf *out);

int
authcheck_read_input(const char *path, struct buf *out)
{
	FILE *fp = path == NULL || strcmp(path, "-") == 0 ? stdin :
							      fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "authcheck: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(out, chunk, n);
	if (ferror(fp)) {
		fprintf(stderr, "authcheck: %s: read error\n",
			path != NULL ? path : "stdin");
		if (fp != stdin)
			fclose(fp);
		return -1;
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

static int
sign_run(struct authcheck *ac, struct dkim_sign_params *params, size_t count,
	 const struct dkim_sign_settings *set_in, const char *input)
{
	struct dkim_sign_settings set = *set_in;
	struct buf msg = BUF_INIT;
	struct dkim_sign *s;
	const char *error, *fields, *lf;
	size_t len;
	int ret = AUTHCHECK_EXIT_FAIL;

	if (authcheck_read_input(input, &msg) < 0)
		return AUTHCHECK_EXIT_FAIL;
	lf = msg.data != NULL ? memchr(msg.data, '\n', msg.len) : NULL;
	set.lf = lf != NULL && (lf == msg.data || lf[-1] != '\r');
	if ((s = dkim_sign_new(&set, params, count, &ac->log, &error)) == NULL) {
		fprintf(stderr, "authcheck: dkim-sign: %s\n", error);
		goto out;
	}
	dkim_sign_push(s, msg.data, msg.len);
	if (dkim_sign_end(s, &fields, &len, &error) < 0) {
		fprintf(stderr, "authcheck: dkim-sign: %s\n", error);
	} else {
		fwrite(fields, 1, len, stdout);
		fwrite(msg.data, 1, msg.len, stdout);
		ret = fflush(stdout) == 0 ? AUTHCHECK_EXIT_OK :
					    AUTHCHECK_EXIT_FAIL;
	}
	dkim_sign_free(&s);
out:
	buf_free(&msg);
	return ret;
}

int
cmd_dkim_sign(struct authcheck *ac, int argc, char **argv)
{
	struct sign_opts def, opts[DKIM_SIGN_MAX_SIGNATURES], *cur = &def;
	struct dkim_sign_params params[DKIM_SIGN_MAX_SIGNATURES];
	const char **lists[DKIM_SIGN_MAX_SIGNATURES][2];
	struct dkim_sign_settings set;
	const char *input = NULL, **slot;
	unsigned int key_flags = 0;
	size_t n = 0, i;
	int ret = AUTHCHECK_EXIT_USAGE;
	char *end;

	memset(&def, 0, sizeof(def));
	memset(opts, 0, sizeof(opts));
	memset(params, 0, sizeof(params));
	memset(lists, 0, sizeof(lists));
	memset(&set, 0, sizeof(set));
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (strcmp(arg, "--help") == 0) {
			sign_usage(stdout);
			return AUTHCHECK_EXIT_OK;
		} else if (strcmp(arg, "--insecure-key") == 0) {
			key_flags |= DKIM_PRIVKEY_ALLOW_INSECURE;
		} else if (strcmp(arg, "--no-timestamp") == 0) {
			for (i = 0; i < DKIM_SIGN_MAX_SIGNATURES; i++)
				params[i].no_timestamp = true;
		} else if ((strcmp(arg, "--timestamp") == 0 ||
			    opt_value(cur, arg) != NULL) && a + 1 >= argc) {
			authcheck_usage_error("dkim-sign", "%s needs a value", arg);
			goto out;
		} else if (strcmp(arg, "--timestamp") == 0) {
			set.now = (time_t)strtoll(argv[++a], &end, 10);
			if (*end != '\0' || set.now <= 0) {
				authcheck_usage_error("dkim-sign", "--timestamp %s: "
						      "want seconds since 1970",
						      argv[a]);
				goto out;
			}
		} else if ((slot = opt_value(cur, arg)) != NULL) {
			if (strcmp(arg, "--selector") == 0) {
				if (n == DKIM_SIGN_MAX_SIGNATURES) {
					authcheck_usage_error(
					    "dkim-sign", "at most %d signatures",
					    DKIM_SIGN_MAX_SIGNATURES);
					goto out;
				}
				cur = &opts[n++];
				slot = &cur->selector;
			}
			*slot = argv[++a];
		} else if (arg[0] == '-' && arg[1] != '\0') {
			authcheck_usage_error("dkim-sign", "unknown option %s", arg);
			goto out;
		} else if (input == NULL) {
			input = arg;
		} else {
			authcheck_usage_error("dkim-sign", "unexpected argument %s "
					      "(one message: FILE or -)", arg);
			goto out;
		}
	}
	if (n == 0) {
		authcheck_usage_error("dkim-sign", "--selector is required");
		goto out;
	}
	for (i = 0; i < n; i++) {
		bool no_ts = params[i].no_timestamp;
		int r = sign_params(&def, &opts[i], key_flags, &params[i],
				    lists[i]);

		if (r < 0) {
			ret = r == -2 ? AUTHCHECK_EXIT_USAGE : AUTHCHECK_EXIT_FAIL;
			goto out;
		}
		params[i].no_timestamp = no_ts;
	}
	ret = sign_run(ac, params, n, &set, input);
out:
	for (i = 0; i < n; i++) {
		dkim_privkey_free(&params[i].key);
		free(lists[i][0]);
		free(lists[i][1]);
	}
	return ret;
}
