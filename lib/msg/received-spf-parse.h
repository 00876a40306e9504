/*
 * received-spf-parse.h - the Received-SPF header field READER (RFC 7208
 * section 9.1); the writer is spf/received-spf.h.
 *
 * Memory: everything returned lives in the caller's arena.
 */
#ifndef MA_RECEIVED_SPF_PARSE_H
#define MA_RECEIVED_SPF_PARSE_H

#include <stddef.h>

struct arena;

struct received_spf_pair {
	const char *key; /* lower-cased */
	const char *value;
};

struct received_spf {
	const char *result;  /* lower-cased token: "pass" ... */
	const char *comment; /* first comment, or NULL */
	struct received_spf_pair *pairs;
	size_t npairs;
};

/* Parse the value of one Received-SPF field.  0, or -1 with *error_r.
 * *spf_r is always set. */
int received_spf_parse(const char *value, size_t len, struct arena *arena,
		       struct received_spf **spf_r, const char **error_r);
/* The value of `key` (case-insensitive), or NULL. */
const char *received_spf_get(const struct received_spf *spf, const char *key);

#endif
