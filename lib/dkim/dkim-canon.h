/*
 * dkim-canon.h - DKIM canonicalization, RFC 6376 section 3.4: "simple"
 * and "relaxed" for header fields (3.4.1, 3.4.2) and for the body (3.4.3,
 * 3.4.4), with the body length limit l= (3.4.5).
 *
 * The body canonicalizer streams: feed the body in chunks of any size
 * (split anywhere, even inside CRLF); it never holds more than a small
 * staging buffer and a count of pending empty lines.  Bare LF line ends
 * are treated as CRLF (mail stored LF-only).  Output goes to a sink
 * callback straight from the caller's buffer in runs of up to 16 KB
 * wherever canonicalization changes nothing (found by one vectorised
 * scan, SSE2 or AVX2 on x86-64), and through the small staging buffer
 * (batched) elsewhere, so the hash, not the canonicalizer, is the limit.
 *
 * Memory: struct dkim_body_canon is embedded by the caller (no
 * allocation); header canonicalization appends to the caller's struct buf.
 */
#ifndef MA_DKIM_CANON_H
#define MA_DKIM_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "dkim/dkim.h"

/* Canonicalize one header field (raw text as msg-header.h gives it:
 * "Name: value" with CRLF folding, no final CRLF) and append it to
 * `out`, followed by CRLF if `crlf` (every signed field) - the
 * DKIM-Signature field itself is hashed without it (RFC 6376 3.7). */
void dkim_canon_header(enum dkim_canon canon, const char *raw, size_t len,
		       bool crlf, struct buf *out);

/* A header field as kept by the signer and the verifier: raw text as
 * msg-header.h gives it, and the length of its name (raw starts with it). */
struct dkim_canon_field {
	const char *raw;
	size_t len;
	size_t name_len;
};

/* RFC 6376 5.4.2: append the canonical form of the fields named in
 * `names` (ASCII letters case-insensitive), each name taking the last
 * instance not yet taken, from the bottom up; names with no instance
 * left contribute nothing (over-signing).  Every field ends in CRLF.
 * `out` grows once, for all of them. */
void dkim_canon_signed_headers(enum dkim_canon canon,
			       const struct dkim_canon_field *fields,
			       size_t nfields, const char *const *names,
			       size_t nnames, struct buf *out);

/* Receives canonical body bytes, in order. */
typedef void dkim_canon_sink_t(void *context, const void *data, size_t len);

#define DKIM_CANON_STAGE_SIZE 4096
/* "no l= limit" */
#define DKIM_CANON_NO_LIMIT UINT64_MAX

struct dkim_body_canon {
	enum dkim_canon canon;
	uint64_t limit;	     /* l=, or DKIM_CANON_NO_LIMIT */
	uint64_t length;     /* canonical bytes produced, before the limit */
	dkim_canon_sink_t *sink;
	void *sink_context;
	/* streaming state */
	uint64_t empty_lines; /* empty lines held back (3.4.3 / 3.4.4) */
	bool in_line;	      /* the current line has canonical content */
	bool cr_pending;      /* last byte seen was CR (maybe of CRLF) */
	bool wsp_pending;     /* relaxed: WSP seen, not yet written */
	int path;	      /* enum dkim_canon_path in use (never AUTO) */
	size_t staged;
	unsigned char stage[DKIM_CANON_STAGE_SIZE];
};

/* Prepare `bc`; `limit` is l= or DKIM_CANON_NO_LIMIT. */
void dkim_body_canon_init(struct dkim_body_canon *bc, enum dkim_canon canon,
			  uint64_t limit, dkim_canon_sink_t *sink,
			  void *sink_context);
/* How the body is scanned for the bytes canonicalization changes; all
 * give the same output (tests/check_dkim_canon.c and
 * fuzz/fuzz_dkim_canon_diff.c compare them). */
enum dkim_canon_path {
	DKIM_CANON_PATH_AUTO,	   /* the fastest this CPU has (the default) */
	DKIM_CANON_PATH_REFERENCE, /* no scan: every line by the general rules */
	DKIM_CANON_PATH_PORTABLE,  /* byte loop, any CPU */
	DKIM_CANON_PATH_SSE2,	   /* 16 bytes a step (x86-64 baseline) */
	DKIM_CANON_PATH_AVX2,	   /* 32 bytes a step, if the CPU has AVX2 */
};
#define DKIM_CANON_PATH_COUNT 5

/* Use `path` for `bc` (right after dkim_body_canon_init(); for tests).
 * Returns false, leaving the path unchanged, if this build or CPU lacks
 * it.  AUTO (what dkim_body_canon_init() sets) takes the path named by the
 * environment variable DKIM_CANON_PATH_ENV ("reference", "portable",
 * "sse2", "avx2") if it is set and this CPU has that path, else AVX2 if
 * the CPU has it, else SSE2 (x86-64), else the portable loop.  The
 * variable is a test hook: it lets whole programs (the interop tests)
 * run as they would on a CPU without AVX2 or without any vector unit. */
#define DKIM_CANON_PATH_ENV "MAILAUTH_DKIM_CANON_PATH"
bool dkim_body_canon_set_path(struct dkim_body_canon *bc,
			      enum dkim_canon_path path);

/* Feed the next `len` body bytes. */
void dkim_body_canon_update(struct dkim_body_canon *bc, const void *data,
			    size_t len);
/* End of body: flush (simple: an empty body becomes one CRLF; a last
 * line without line end gets CRLF).  Afterwards bc->length is the whole
 * canonical body length, which may exceed the limit (RFC 6376 6.1.3: a
 * verifier needs to know whether l= exceeded the body). */
void dkim_body_canon_final(struct dkim_body_canon *bc);

#endif
