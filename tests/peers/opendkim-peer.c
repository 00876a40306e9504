/*
 * opendkim-peer - libopendkim as an interop oracle for tests/dkim-interop.
 *
 *	opendkim-peer sign --key FILE --selector S --domain D
 *		[--algorithm rsa-sha256|ed25519-sha256] [--canon H/B]
 *		[--margin N] IN OUT [IN OUT]...
 *	opendkim-peer verify --keytable FILE IN...
 *
 * sign writes to OUT the DKIM-Signature field libopendkim made followed by
 * the message IN (CRLF line ends).  verify prints one line per IN:
 * "IN RESULT", RESULT being pass, fail, none or libopendkim's status text.
 * Several files per run keep process start-up out of the test's runtime.
 *
 * Exit: 0 done, 1 a file could not be read or signed, 2 usage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opendkim-feed.h"

static void
usage(void)
{
	fprintf(stderr,
		"usage: opendkim-peer sign --key FILE --selector S --domain D "
		"[--algorithm A] [--canon H/B] [--margin N] IN OUT...\n"
		"       opendkim-peer verify --keytable FILE IN...\n");
	exit(2);
}

static int
write_signed(const char *path, const char *sig, const char *msg, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int ret = 0;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	if (fputs(sig, fp) == EOF || fwrite(msg, 1, len, fp) != len)
		ret = -1;
	if (fclose(fp) != 0)
		ret = -1;
	if (ret < 0)
		perror(path);
	return ret;
}

static int
one_file(DKIM_LIB *lib, const struct odk_sign_params *p, const char *in,
	 const char *out)
{
	char *raw, *msg, *sig;
	const char *result;
	size_t rawlen, len;
	int ret = -1;

	if (odk_read_file(in, &raw, &rawlen) < 0)
		return -1;
	msg = odk_to_crlf(raw, rawlen, &len);
	free(raw);
	if (msg == NULL)
		return -1;
	if (out == NULL) {
		if (odk_verify(lib, msg, len, &result) == 0) {
			printf("%s %s\n", in, result);
			ret = 0;
		}
	} else if (odk_sign(lib, p, msg, len, &sig) == 0) {
		ret = write_signed(out, sig, msg, len);
		free(sig);
	}
	free(msg);
	return ret;
}

int
main(int argc, char **argv)
{
	struct odk_sign_params p = {.hdr_canon = DKIM_CANON_RELAXED,
				    .body_canon = DKIM_CANON_RELAXED,
				    .alg = DKIM_SIGN_RSASHA256,
				    .margin = -1};
	const char *keyfile = NULL, *keytable = NULL;
	int signing, i, status = 0;
	DKIM_LIB *lib;
	size_t keylen;

	if (argc < 2)
		usage();
	signing = strcmp(argv[1], "sign") == 0;
	if (!signing && strcmp(argv[1], "verify") != 0)
		usage();
	for (i = 2; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (strcmp(o, "--key") == 0)
			keyfile = v;
		else if (strcmp(o, "--keytable") == 0)
			keytable = v;
		else if (strcmp(o, "--selector") == 0)
			p.selector = v;
		else if (strcmp(o, "--domain") == 0)
			p.domain = v;
		else if (strcmp(o, "--margin") == 0)
			p.margin = atoi(v);
		else if (strcmp(o, "--algorithm") == 0) {
			if (odk_parse_alg(v, &p.alg) < 0)
				usage();
		} else if (strcmp(o, "--canon") == 0) {
			if (odk_parse_canon(v, &p.hdr_canon, &p.body_canon) < 0)
				usage();
		} else
			usage();
	}
	if (signing ? keyfile == NULL || p.selector == NULL ||
			      p.domain == NULL || (argc - i) % 2 != 0 :
		      keytable == NULL)
		usage();
	if (signing && odk_read_file(keyfile, &p.key, &keylen) < 0)
		return 1;
	lib = odk_lib_open(signing ? NULL : keytable);
	if (lib == NULL)
		return 1;
	for (; i < argc; i += signing ? 2 : 1) {
		if (one_file(lib, &p, argv[i], signing ? argv[i + 1] : NULL) < 0)
			status = 1;
	}
	fflush(stdout);
	dkim_close(lib);
	free(p.key);
	return status;
}
