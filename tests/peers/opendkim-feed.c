/*
 * opendkim-feed.c - feed whole messages to libopendkim (see opendkim-feed.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opendkim-feed.h"

/* Under the ASan build (scripts/test.sh) LeakSanitizer would stop the
 * peer for libopendkim's own leak of each Ed25519 key (dkim_privkey_load,
 * OpenSSL objects never freed); suppress leaks inside those libraries
 * only.  A plain symbol LeakSanitizer looks up; unused otherwise. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libopendkim.so\nleak:libcrypto.so\n";
}

/* Body chunk size handed to dkim_body(), like a milter's body callback. */
#define ODK_BODY_CHUNK 65536

int
odk_read_file(const char *path, char **data_r, size_t *len_r)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, len = 0, n;
	char *data;

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	data = malloc(cap + 1);
	while (data != NULL && (n = fread(data + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len == cap) {
			char *bigger = realloc(data, cap * 2 + 1);

			if (bigger == NULL) {
				free(data);
				data = NULL;
				break;
			}
			data = bigger;
			cap *= 2;
		}
	}
	if (fp != stdin)
		fclose(fp);
	if (data == NULL) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	data[len] = '\0';
	*data_r = data;
	*len_r = len;
	return 0;
}

char *
odk_to_crlf(const char *msg, size_t len, size_t *len_r)
{
	char *out = malloc(len * 2 + 1);
	size_t i, o = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = msg[i];
	}
	out[o] = '\0';
	*len_r = o;
	return out;
}

DKIM_LIB *
odk_lib_open(const char *keytable)
{
	DKIM_LIB *lib = dkim_init(NULL, NULL);
	dkim_query_t qtype = DKIM_QUERY_FILE;
	unsigned int flags = DKIM_LIBFLAGS_FIXCRLF;

	if (lib == NULL) {
		fprintf(stderr, "dkim_init failed\n");
		return NULL;
	}
	/* FIXCRLF (the milter's FixCRLF option): without it libopendkim
	 * refuses a relaxed body whose last line lacks its CRLF
	 * (DKIM_STAT_SYNTAX) instead of adding one (RFC 6376 3.4.4). */
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
			 sizeof(flags)) != DKIM_STAT_OK) {
		fprintf(stderr, "libopendkim: cannot set FIXCRLF\n");
		dkim_close(lib);
		return NULL;
	}
	if (keytable == NULL)
		return lib;
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &qtype,
			 sizeof(qtype)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO,
			 (void *)(uintptr_t)keytable,
			 strlen(keytable)) != DKIM_STAT_OK) {
		fprintf(stderr, "libopendkim: cannot use key file %s\n",
			keytable);
		dkim_close(lib);
		return NULL;
	}
	return lib;
}

int
odk_parse_alg(const char *name, dkim_alg_t *alg_r)
{
	if (strcmp(name, "rsa-sha256") == 0)
		*alg_r = DKIM_SIGN_RSASHA256;
	else if (strcmp(name, "ed25519-sha256") == 0)
		*alg_r = DKIM_SIGN_ED25519SHA256;
	else
		return -1;
	return 0;
}

static int
canon_name(const char *s, size_t len, dkim_canon_t *canon_r)
{
	if (len == 6 && strncmp(s, "simple", len) == 0)
		*canon_r = DKIM_CANON_SIMPLE;
	else if (len == 7 && strncmp(s, "relaxed", len) == 0)
		*canon_r = DKIM_CANON_RELAXED;
	else
		return -1;
	return 0;
}

int
odk_parse_canon(const char *hb, dkim_canon_t *hdr_r, dkim_canon_t *body_r)
{
	const char *slash = strchr(hb, '/');

	if (slash == NULL)
		return -1;
	if (canon_name(hb, (size_t)(slash - hb), hdr_r) < 0 ||
	    canon_name(slash + 1, strlen(slash + 1), body_r) < 0)
		return -1;
	return 0;
}

/* Hand each header field (without its final CRLF) to dkim_header(), then
 * dkim_eoh(), then the body.  Returns the first status that is not OK,
 * with *stage_r naming the step. */
static DKIM_STAT
feed(DKIM *dkim, const char *msg, size_t len, const char **stage_r)
{
	size_t pos = 0, start, off;
	DKIM_STAT st;

	*stage_r = "header";
	while (pos < len && !(msg[pos] == '\r' && pos + 1 < len &&
			      msg[pos + 1] == '\n')) {
		start = pos;
		for (;;) {
			const char *crlf = memmem(msg + pos, len - pos, "\r\n", 2);

			pos = crlf == NULL ? len : (size_t)(crlf - msg) + 2;
			if (pos >= len || (msg[pos] != ' ' && msg[pos] != '\t'))
				break;
		}
		off = pos - start;
		if (off >= 2 && msg[pos - 2] == '\r' && msg[pos - 1] == '\n')
			off -= 2;
		st = dkim_header(dkim, (u_char *)(uintptr_t)(msg + start), off);
		if (st != DKIM_STAT_OK)
			return st;
	}
	if (pos < len)
		pos += 2; /* the empty line */
	*stage_r = "eoh";
	st = dkim_eoh(dkim);
	if (st != DKIM_STAT_OK)
		return st;
	*stage_r = "body";
	while (pos < len) {
		size_t n = len - pos < ODK_BODY_CHUNK ? len - pos : ODK_BODY_CHUNK;

		st = dkim_body(dkim, (u_char *)(uintptr_t)(msg + pos), n);
		if (st != DKIM_STAT_OK)
			return st;
		pos += n;
	}
	*stage_r = "eom";
	return dkim_eom(dkim, NULL);
}

int
odk_sign(DKIM_LIB *lib, const struct odk_sign_params *p, const char *msg,
	 size_t len, char **sig_r)
{
	static const char prefix[] = "DKIM-Signature: ";
	const char *stage;
	DKIM_STAT st;
	DKIM *dkim;
	u_char *hdr;
	size_t hlen;
	char *sig;

	dkim = dkim_sign(lib, (const u_char *)"peer", NULL,
			 (dkim_sigkey_t)p->key, (const u_char *)p->selector,
			 (const u_char *)p->domain, p->hdr_canon, p->body_canon,
			 p->alg, -1, &st);
	if (dkim == NULL) {
		fprintf(stderr, "dkim_sign: %s\n", dkim_getresultstr(st));
		return -1;
	}
	if (p->margin >= 0)
		(void)dkim_set_margin(dkim, p->margin);
	st = feed(dkim, msg, len, &stage);
	if (st == DKIM_STAT_OK)
		st = dkim_getsighdr_d(dkim, sizeof(prefix) - 1, &hdr, &hlen);
	if (st != DKIM_STAT_OK) {
		fprintf(stderr, "libopendkim sign (%s): %s\n", stage,
			dkim_getresultstr(st));
		dkim_free(dkim);
		return -1;
	}
	sig = malloc(sizeof(prefix) + hlen + 2);
	if (sig == NULL) {
		dkim_free(dkim);
		return -1;
	}
	memcpy(sig, prefix, sizeof(prefix) - 1);
	memcpy(sig + sizeof(prefix) - 1, hdr, hlen);
	memcpy(sig + sizeof(prefix) - 1 + hlen, "\r\n", 3);
	dkim_free(dkim);
	*sig_r = sig;
	return 0;
}

int
odk_verify(DKIM_LIB *lib, const char *msg, size_t len, const char **result_r)
{
	const char *stage;
	DKIM_SIGINFO *sig;
	DKIM_STAT st;
	DKIM *dkim;

	dkim = dkim_verify(lib, (const u_char *)"peer", NULL, &st);
	if (dkim == NULL) {
		fprintf(stderr, "dkim_verify: %s\n", dkim_getresultstr(st));
		return -1;
	}
	st = feed(dkim, msg, len, &stage);
	sig = dkim_getsignature(dkim);
	if (st == DKIM_STAT_OK)
		*result_r = sig != NULL && DKIM_SIG_CHECK(sig) ? "pass" : "fail";
	else if (st == DKIM_STAT_BADSIG)
		*result_r = "fail";
	else if (st == DKIM_STAT_NOSIG)
		*result_r = "none";
	else
		*result_r = dkim_getresultstr(st);
	dkim_free(dkim);
	return 0;
}
