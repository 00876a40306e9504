/*
 * taglist.h - the tag=value list of RFC 6376 section 3.2, shared by DKIM
 * signatures (3.5), DKIM key records (3.6.1) and DMARC records (RFC 9989
 * section 4.7, which reuses the same grammar).
 *
 *   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  =  ALPHA *ALNUMPUNC          ; ALNUMPUNC = ALPHA / DIGIT / "_"
 *   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 *   tval      =  1*VALCHAR                 ; VALCHAR = %x21-3A / %x3C-7E
 *
 * Tag names are case-sensitive (3.2: "Tags MUST be interpreted in a
 * case-sensitive manner"); a tag that appears twice makes the whole list
 * invalid.  Values keep their inner folding white space (callers that
 * need base64 strip it); leading and trailing FWS are removed.
 *
 * Memory: parsed tags are slices into the caller's input, which must
 * outlive the struct taglist.  Nothing is allocated.
 */
#ifndef MA_TAGLIST_H
#define MA_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strparse.h"

/* More tags than this is hostile input, not a record. */
#define TAGLIST_MAX_TAGS 64

enum taglist_flags {
	/* Accept bytes >= 0x80 in values (DMARC rua/ruf with UTF-8 in the
	 * wild); RFC 6376 VALCHAR is ASCII only. */
	TAGLIST_ALLOW_8BIT = 0x01,
	/* Tag names compare case-insensitively, for duplicates too (DMARC:
	 * RFC 9989 4.7 ABNF literals such as "v" and 1*ALPHA tag names are
	 * case-insensitive, RFC 5234 2.3).  DKIM lists never set this. */
	TAGLIST_NAMES_CI = 0x02,
};

struct taglist_tag {
	struct sp_slice name;
	struct sp_slice value;
};

struct taglist {
	size_t count;
	struct taglist_tag tags[TAGLIST_MAX_TAGS];
};

/* Parse `len` bytes at `data`.  Returns 0 and fills *list, or -1 with a
 * static description of the first problem in *error_r (e.g. "duplicate
 * tag", "tag without '='") and its byte offset in *error_pos_r (may be
 * NULL). */
int taglist_parse(const char *data, size_t len, unsigned int flags,
		  struct taglist *list, const char **error_r,
		  size_t *error_pos_r);

/* The tag called `name` (case-sensitive), or NULL if absent. */
/* (Lists parsed with TAGLIST_NAMES_CI: compare names with
 * sp_slice_eq_ci() instead.) */
const struct taglist_tag *taglist_get(const struct taglist *list,
				      const char *name);

/* taglist_get() for each of the `n` names at once, in one pass over the
 * list: slots_r[i] is the tag called names[i] (case-sensitive), or NULL
 * if absent.  The pointers point into *list. */
void taglist_lookup(const struct taglist *list, const char *const *names,
		    size_t n, const struct taglist_tag **slots_r);

#endif
