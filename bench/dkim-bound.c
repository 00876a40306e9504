/*
 * dkim-bound - the speed limit of DKIM on this machine: per message,
 * SHA-256 over all its bytes plus one RSA or Ed25519 private-key (sign)
 * or public-key (verify) operation, with OpenSSL's EVP interface and
 * nothing else (no parsing, no canonicalization, no base64).  Same
 * interface and output as dkim-bench so bench/dkim-bench.sh runs it next
 * to the implementations, under the same load:
 *
 *   dkim-bound --op sign|verify --alg rsa-sha256|ed25519-sha256
 *       --key KEY.pem [--canon H/B] [--selector S] [--domain D]
 *       [--keytable FILE] [--runs R] [--min-time SECONDS] [--cpu-time]
 *       FILES...
 *
 * (--canon/--selector/--domain/--keytable are accepted and ignored.)
 * RSA signs the 32-byte digest (PKCS#1 v1.5, RFC 6376 3.3.1); Ed25519 signs
 * the 32-byte digest with PureEdDSA (RFC 8463 3).  The verify loop checks
 * one signature made beforehand.  Ed25519 contexts are reused where
 * OpenSSL allows it (3.0); OpenSSL 3.5 refuses a second one-shot
 * EVP_DigestSign/Verify on one context, so there each operation works on
 * a copy of the prepared context, as lib/dkim does.  Prints "msgs_per_s X" per run and
 * "median msgs_per_s X files N mean_bytes B".  --cpu-time measures the
 * process's CPU time instead of wall-clock time, as dkim-bench does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "opendkim-feed.h" /* odk_read_file() only (shared file reader) */

#define SIG_MAX 1024 /* bytes: RSA up to 8192 bits */

struct bound {
	const char *op, *alg, *keyfile;
	unsigned int runs;
	double min_time;
	clockid_t clock;
	EVP_PKEY *key;
	int ed25519;
	EVP_MD *sha256;			   /* fetched once */
	EVP_PKEY_CTX *sign_pc, *verify_pc; /* RSA */
	EVP_MD_CTX *sign_md, *verify_md;   /* Ed25519 */
	EVP_MD_CTX *work_md;		   /* Ed25519, when not reusable */
	int ed_copy; /* OpenSSL refuses a second one-shot on one context */
	unsigned char sig[SIG_MAX];
	size_t siglen;
};

static void
die(const char *what)
{
	fprintf(stderr, "dkim-bound: %s failed\n", what);
	exit(1);
}

static double
now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Set up the contexts once, as `openssl speed` does: the bound is the
 * primitive, not OpenSSL's per-call set-up. */
static void
pk_init(struct bound *b)
{
	int ok;

	b->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (b->sha256 == NULL)
		die("EVP_MD_fetch");
	if (b->ed25519) {
		b->sign_md = EVP_MD_CTX_new();
		b->verify_md = EVP_MD_CTX_new();
		ok = b->sign_md != NULL && b->verify_md != NULL &&
		     EVP_DigestSignInit(b->sign_md, NULL, NULL, NULL, b->key) == 1 &&
		     EVP_DigestVerifyInit(b->verify_md, NULL, NULL, NULL,
					  b->key) == 1;
	} else {
		b->sign_pc = EVP_PKEY_CTX_new(b->key, NULL);
		b->verify_pc = EVP_PKEY_CTX_new(b->key, NULL);
		ok = b->sign_pc != NULL && b->verify_pc != NULL &&
		     EVP_PKEY_sign_init(b->sign_pc) == 1 &&
		     EVP_PKEY_verify_init(b->verify_pc) == 1 &&
		     EVP_PKEY_CTX_set_rsa_padding(b->sign_pc, RSA_PKCS1_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_padding(b->verify_pc, RSA_PKCS1_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_signature_md(b->sign_pc, EVP_sha256()) == 1 &&
		     EVP_PKEY_CTX_set_signature_md(b->verify_pc, EVP_sha256()) == 1;
	}
	if (!ok)
		die("key set-up");
}

/* Ed25519 (PureEdDSA, one-shot): on the prepared context itself, or on a
 * copy of it where OpenSSL does not allow reuse. */
static int
ed_op(struct bound *b, const unsigned char *digest, int verify)
{
	EVP_MD_CTX *m = verify ? b->verify_md : b->sign_md;

	if (b->ed_copy) {
		if (EVP_MD_CTX_copy_ex(b->work_md, m) != 1)
			return 0;
		m = b->work_md;
	}
	if (verify)
		return EVP_DigestVerify(m, b->sig, b->siglen, digest, 32) == 1;
	b->siglen = sizeof(b->sig);
	return EVP_DigestSign(m, b->sig, &b->siglen, digest, 32) == 1;
}

/* Can one context sign (VERIFY: check) twice?  Tried on a copy of the
 * prepared context PREP, which a refused second call would spoil. */
static int
ed_reusable(struct bound *b, EVP_MD_CTX *prep, int verify)
{
	static const unsigned char zero[32];
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int i, ok = m != NULL && EVP_MD_CTX_copy_ex(m, prep) == 1;

	for (i = 0; ok && i < 2; i++) {
		size_t n = sizeof(b->sig);

		ok = verify ? EVP_DigestVerify(m, b->sig, b->siglen, zero,
					       32) == 1 :
			      EVP_DigestSign(m, b->sig, &n, zero, 32) == 1;
		if (!verify)
			b->siglen = n;
	}
	EVP_MD_CTX_free(m);
	return ok;
}

/* Reuse the prepared Ed25519 contexts where OpenSSL allows it, else copy
 * them per operation. */
static void
ed_probe(struct bound *b)
{
	if (ed_reusable(b, b->sign_md, 0) && ed_reusable(b, b->verify_md, 1))
		return;
	ERR_clear_error();
	b->ed_copy = 1;
	b->work_md = EVP_MD_CTX_new();
	if (b->work_md == NULL)
		die("EVP_MD_CTX_new");
}

/* Sign the 32-byte DIGEST into b->sig, or (VERIFY) check b->sig over it. */
static void
pk_op(struct bound *b, const unsigned char *digest, int verify)
{
	int ok;

	if (b->ed25519)
		ok = ed_op(b, digest, verify);
	else if (verify)
		ok = EVP_PKEY_verify(b->verify_pc, b->sig, b->siglen, digest,
				     32) == 1;
	else {
		b->siglen = sizeof(b->sig);
		ok = EVP_PKEY_sign(b->sign_pc, b->sig, &b->siglen, digest,
				   32) == 1;
	}
	if (!ok)
		die(verify ? "verify" : "sign");
}

/* One message: hash it, then sign its digest, or check the signature made
 * at start-up over the zero digest (same cost as checking its own). */
static void
one(struct bound *b, const char *data, size_t len)
{
	static const unsigned char zero[32];
	unsigned char digest[32];
	unsigned int dlen = sizeof(digest);
	int verify = strcmp(b->op, "verify") == 0;

	if (EVP_Digest(data, len, digest, &dlen, b->sha256, NULL) != 1)
		die("EVP_Digest");
	pk_op(b, verify ? zero : digest, verify);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, c = *(const double *)y;

	return a < c ? -1 : a > c;
}

static int
parse_args(struct bound *b, int argc, char **argv)
{
	int i;

	for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (strcmp(o, "--cpu-time") == 0) {
			b->clock = CLOCK_PROCESS_CPUTIME_ID;
			i--; /* no value */
			continue;
		}
		if (strcmp(o, "--op") == 0)
			b->op = v;
		else if (strcmp(o, "--alg") == 0)
			b->alg = v;
		else if (strcmp(o, "--key") == 0)
			b->keyfile = v;
		else if (strcmp(o, "--runs") == 0)
			b->runs = (unsigned int)atoi(v);
		else if (strcmp(o, "--min-time") == 0)
			b->min_time = atof(v);
		else if (strcmp(o, "--canon") != 0 &&
			 strcmp(o, "--selector") != 0 &&
			 strcmp(o, "--domain") != 0 &&
			 strcmp(o, "--keytable") != 0)
			break;
	}
	if (b->op == NULL || b->alg == NULL || b->keyfile == NULL ||
	    b->runs == 0 || i >= argc ||
	    (strcmp(b->op, "sign") != 0 && strcmp(b->op, "verify") != 0) ||
	    (strcmp(b->alg, "rsa-sha256") != 0 &&
	     strcmp(b->alg, "ed25519-sha256") != 0)) {
		fprintf(stderr, "usage: dkim-bound --op sign|verify --alg A "
				"--key KEY.pem [--runs R] [--min-time S] FILES...\n");
		exit(2);
	}
	return i;
}

int
main(int argc, char **argv)
{
	struct bound b = {.runs = 5, .min_time = 1.0, .clock = CLOCK_MONOTONIC};
	int first = parse_args(&b, argc, argv), i, n;
	unsigned char zero[32] = {0};
	char **data;
	size_t *len, total = 0;
	double *rate;
	unsigned int r;
	FILE *fp;

	b.ed25519 = strcmp(b.alg, "ed25519-sha256") == 0;
	fp = fopen(b.keyfile, "r");
	if (fp == NULL || (b.key = PEM_read_PrivateKey(fp, NULL, NULL, NULL)) == NULL)
		die(b.keyfile);
	fclose(fp);
	pk_init(&b);
	if (b.ed25519)
		ed_probe(&b);
	pk_op(&b, zero, 0); /* a signature for the verify loop */
	n = argc - first;
	data = calloc((size_t)n, sizeof(*data));
	len = calloc((size_t)n, sizeof(*len));
	rate = calloc(b.runs, sizeof(*rate));
	if (data == NULL || len == NULL || rate == NULL)
		die("calloc");
	for (i = 0; i < n; i++) {
		if (odk_read_file(argv[first + i], &data[i], &len[i]) < 0)
			return 1;
		total += len[i];
	}
	for (r = 0; r < b.runs; r++) {
		double start = now(b.clock), elapsed;
		unsigned long count = 0;

		do {
			for (i = 0; i < n; i++)
				one(&b, data[i], len[i]);
			count += (unsigned long)n;
			elapsed = now(b.clock) - start;
		} while (elapsed < b.min_time);
		rate[r] = (double)count / elapsed;
		printf("msgs_per_s %.1f\n", rate[r]);
	}
	qsort(rate, b.runs, sizeof(*rate), cmp_double);
	printf("median msgs_per_s %.1f files %d mean_bytes %zu\n",
	       b.runs % 2 ? rate[b.runs / 2] :
			    (rate[b.runs / 2 - 1] + rate[b.runs / 2]) / 2,
	       n, total / (size_t)n);
	for (i = 0; i < n; i++)
		free(data[i]);
	free(data);
	free(len);
	free(rate);
	EVP_PKEY_CTX_free(b.sign_pc);
	EVP_PKEY_CTX_free(b.verify_pc);
	EVP_MD_CTX_free(b.sign_md);
	EVP_MD_CTX_free(b.verify_md);
	EVP_MD_CTX_free(b.work_md);
	EVP_MD_free(b.sha256);
	EVP_PKEY_free(b.key);
	return 0;
}
