/*
 * dmarc-record.h - DMARC Policy Records, RFC 9989 sections 4.7 and 4.8
 * (and the RFC 7489 section 6.3 tags older publishers still send).
 *
 * A record is a tag=value list (lib/util/taglist.h) whose first tag must be
 * v=DMARC1 (the value case-sensitive, 4.7 "v"; tag names, v included,
 * are case-insensitive: "V=DMARC1; P=reject" is a record).  Unknown tags are ignored; a known
 * tag with an invalid value falls back to its default (4.8: "syntax errors
 * in the remainder of the record MUST be discarded in favor of default
 * values"), except p / sp / np, whose invalidity is remembered because
 * RFC 9989 section 4.10.1 gives it its own rule (see
 * dmarc_record_effective_policy()).  A record that is not a valid tag-list
 * as a whole (e.g. a duplicated tag) is parsed tag by tag so that its good
 * tags still count; the first occurrence of a tag wins.
 *
 * RFC 7489-only tags: pct is parsed (0..100); RFC 9989 appendix A.6
 * makes t=y the successor of pct=0, so a record with pct=0 and no t tag
 * is in test mode.  Any other pct is ignored (RFC 9989 has no sampling).
 * rf and ri are recognised and ignored.
 *
 * Memory: strings in struct dmarc_record (rua, ruf, fo) are copied into
 * the arena given to dmarc_record_parse().
 */
#ifndef MA_DMARC_RECORD_H
#define MA_DMARC_RECORD_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* RFC 9989 4.7 "p" (dmarc-request); DMARC_POLICY_UNSET = tag absent. */
enum dmarc_policy {
	DMARC_POLICY_UNSET,
	DMARC_POLICY_NONE,	 /* "none": no expression of preference */
	DMARC_POLICY_QUARANTINE, /* "quarantine": treat as suspicious */
	DMARC_POLICY_REJECT,	 /* "reject" */
	DMARC_POLICY_INVALID,	 /* tag present with a value not above */
};

/* RFC 9989 4.7 "adkim" / "aspf" (dmarc-rors) */
enum dmarc_alignment {
	DMARC_ALIGN_RELAXED, /* "r", the default */
	DMARC_ALIGN_STRICT,  /* "s" */
};

/* RFC 9989 4.7 "psd" (dmarc-psd) */
enum dmarc_psd {
	DMARC_PSD_U, /* "u", the default: use the tree walk */
	DMARC_PSD_Y, /* "y": a Public Suffix Domain */
	DMARC_PSD_N, /* "n": an Organizational Domain */
};

/* The pct value when the tag is absent or invalid. */
#define DMARC_PCT_ABSENT (-1)

struct dmarc_record {
	enum dmarc_policy p, sp, np;
	enum dmarc_psd psd;
	enum dmarc_alignment adkim, aspf;
	bool testing;	   /* t=y, or (RFC 7489) pct=0 without t */
	bool has_t;	   /* a valid t tag was present */
	int pct;	   /* RFC 7489 pct 0..100, or DMARC_PCT_ABSENT */
	const char *rua;   /* raw value or NULL */
	const char *ruf;   /* raw value or NULL */
	const char *fo;	   /* raw value or NULL ("0" is the default) */
	bool rua_has_valid_uri; /* at least one syntactically valid URI */
	bool lenient;	   /* not a valid tag-list; parsed tag by tag */
};

/* Whether `text` starts with the version tag "v=DMARC1" (4.7 "v": the
 * first tag, name v or V, value case-sensitive, *WSP around "=").  Records failing
 * this are not DMARC Policy Records and are discarded (4.10 step 2). */
bool dmarc_record_is_dmarc(const char *text, size_t len);

/* Parse a record.  Returns 0 and fills *record_r, or -1 with a static
 * reason in *error_r when the text is not a DMARC record at all (no
 * leading v=DMARC1). */
int dmarc_record_parse(const char *text, size_t len, struct arena *arena,
		       struct dmarc_record *record_r, const char **error_r);

/* RFC 9989 4.10.1: the policy that applies from this record.
 * `subdomain`: the Author Domain is a subdomain of the domain holding the
 * record; `nonexistent`: the Author Domain does not exist (NXDOMAIN).
 * For the Author Domain's own record p applies; for a subdomain np (when
 * it does not exist) or sp, else p.  4.7 "p" (a missing p is "treated
 * as if it included p=none") points to 4.10.1: when p is missing or
 * invalid, or sp or np is invalid: p=none if rua holds a valid URI, otherwise
 * DMARC_POLICY_UNSET = "apply no DMARC processing".
 */
enum dmarc_policy dmarc_record_effective_policy(const struct dmarc_record *rec,
						bool subdomain,
						bool nonexistent);

/* "none" "quarantine" "reject"; "" for UNSET, "invalid" for INVALID. */
const char *dmarc_policy_str(enum dmarc_policy policy);
/* "r" / "s" */
const char *dmarc_alignment_str(enum dmarc_alignment alignment);

#endif
