/*
 * dkim.c - the DKIM vocabulary tables (dkim.h): result words of
 * RFC 8601 2.7.1, algorithm and canonicalization names of RFC 6376 3.3,
 * 3.4 and RFC 8463.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "dkim/dkim.h"

static const char *const result_words[DKIM_RESULT_COUNT] = {
	[DKIM_RESULT_NONE] = "none",
	[DKIM_RESULT_PASS] = "pass",
	[DKIM_RESULT_FAIL] = "fail",
	[DKIM_RESULT_NEUTRAL] = "neutral",
	[DKIM_RESULT_POLICY] = "policy",
	[DKIM_RESULT_TEMPERROR] = "temperror",
	[DKIM_RESULT_PERMERROR] = "permerror",
};

const char *
dkim_result_str(enum dkim_result result)
{
	if ((unsigned int)result >= DKIM_RESULT_COUNT)
		return "permerror";
	return result_words[result];
}

bool
dkim_result_parse(const char *word, enum dkim_result *result_r)
{
	unsigned int i;

	for (i = 0; i < DKIM_RESULT_COUNT; i++) {
		if (strcasecmp(word, result_words[i]) == 0) {
			*result_r = (enum dkim_result)i;
			return true;
		}
	}
	return false;
}

static const char *const alg_names[] = {
	[DKIM_ALG_RSA_SHA256] = "rsa-sha256",
	[DKIM_ALG_ED25519_SHA256] = "ed25519-sha256",
	[DKIM_ALG_RSA_SHA1] = "rsa-sha1",
};

const char *
dkim_alg_str(enum dkim_alg alg)
{
	return alg_names[alg];
}

/* a= values are compared case-insensitively, as OpenDKIM and dkimpy do. */
bool
dkim_alg_parse(const char *s, size_t len, enum dkim_alg *alg_r)
{
	unsigned int i;

	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (strlen(alg_names[i]) == len &&
		    strncasecmp(s, alg_names[i], len) == 0) {
			*alg_r = (enum dkim_alg)i;
			return true;
		}
	}
	return false;
}

const char *
dkim_canon_str(enum dkim_canon canon)
{
	return canon == DKIM_CANON_RELAXED ? "relaxed" : "simple";
}

static bool
canon_word(const char *s, size_t len, enum dkim_canon *canon_r)
{
	if (len == 6 && strncasecmp(s, "simple", 6) == 0)
		*canon_r = DKIM_CANON_SIMPLE;
	else if (len == 7 && strncasecmp(s, "relaxed", 7) == 0)
		*canon_r = DKIM_CANON_RELAXED;
	else
		return false;
	return true;
}

bool
dkim_canon_parse(const char *s, size_t len, enum dkim_canon *header_r,
		 enum dkim_canon *body_r)
{
	const char *slash = memchr(s, '/', len);

	if (slash == NULL) {
		*body_r = DKIM_CANON_SIMPLE;
		return canon_word(s, len, header_r);
	}
	return canon_word(s, (size_t)(slash - s), header_r) &&
	       canon_word(slash + 1, len - (size_t)(slash - s) - 1, body_r);
}

enum dkim_key_type
dkim_alg_key_type(enum dkim_alg alg)
{
	return alg == DKIM_ALG_ED25519_SHA256 ? DKIM_KEY_ED25519 : DKIM_KEY_RSA;
}
