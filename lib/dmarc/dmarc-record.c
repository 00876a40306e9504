/*
 * dmarc-record.c - DMARC Policy Record parser, RFC 9989 4.7 / 4.8 (see
 * dmarc-record.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "dmarc/dmarc-record.h"
#include "util/strparse.h"
#include "util/taglist.h"

/* RFC 7489 6.3 "pct": 0..100 */
/* Tag names are case-insensitive: 4.7 "dmarc-tag = 1*ALPHA equals
   1*dmarc-value" and RFC 5234 2.3 ("ABNF strings are case insensitive"),
   so "P=reject" is p=reject and "p=none; P=reject" repeats a tag. */
#define DMARC_TAGLIST_FLAGS (TAGLIST_ALLOW_8BIT | TAGLIST_NAMES_CI)
#define DMARC_PCT_MAX 100

static const char *const policy_names[] = {
	[DMARC_POLICY_UNSET] = "",
	[DMARC_POLICY_NONE] = "none",
	[DMARC_POLICY_QUARANTINE] = "quarantine",
	[DMARC_POLICY_REJECT] = "reject",
	[DMARC_POLICY_INVALID] = "invalid",
};

const char *
dmarc_policy_str(enum dmarc_policy policy)
{
	return (unsigned int)policy < sizeof(policy_names) /
		sizeof(policy_names[0]) ? policy_names[policy] : "invalid";
}

const char *
dmarc_alignment_str(enum dmarc_alignment alignment)
{
	return alignment == DMARC_ALIGN_STRICT ? "s" : "r";
}

bool
dmarc_record_is_dmarc(const char *text, size_t len)
{
	struct strparse sp;

	sp_init(&sp, text, len);
	sp_skip_wsp(&sp);
	/* 4.7 ABNF: dmarc-version = "v" equals %s"DMARC1": the tag name is
	   a plain (case-insensitive, RFC 5234 2.3) literal, only the value
	   is case-sensitive */
	if (!sp_char_ci(&sp, 'v'))
		return false;
	sp_skip_wsp(&sp);
	if (!sp_char(&sp, '='))
		return false;
	sp_skip_wsp(&sp);
	if (sp_left(&sp) < 6 || memcmp(sp.p, "DMARC1", 6) != 0)
		return false;
	sp.p += 6;
	sp_skip_wsp(&sp);
	return sp_eof(&sp) || sp_peek(&sp) == ';';
}

static enum dmarc_policy
parse_policy(struct sp_slice v)
{
	if (sp_slice_eq_ci(v, "none"))
		return DMARC_POLICY_NONE;
	if (sp_slice_eq_ci(v, "quarantine"))
		return DMARC_POLICY_QUARANTINE;
	if (sp_slice_eq_ci(v, "reject"))
		return DMARC_POLICY_REJECT;
	return DMARC_POLICY_INVALID;
}

static bool
is_scheme_char(unsigned char c)
{
	return sp_is_alnum(c) || c == '+' || c == '-' || c == '.';
}

static bool
is_uri_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ',' && c != '!';
}

/* One dmarc-uri / obs-dmarc-uri: scheme ":" 1*uri-char [ "!" size ]. */
static bool
uri_is_valid(struct sp_slice s)
{
	struct strparse sp;

	s = sp_slice_trim(s);
	sp_init(&sp, s.p, s.len);
	if (!sp_is_alpha((unsigned char)sp_peek(&sp)))
		return false;
	sp_span(&sp, is_scheme_char, 0, NULL);
	if (!sp_char(&sp, ':') || sp_span(&sp, is_uri_char, 0, NULL) == 0)
		return false;
	if (sp_char(&sp, '!')) {
		if (sp_span(&sp, sp_is_digit, 0, NULL) == 0)
			return false;
		if (!sp_eof(&sp) && strchr("kmgtKMGT", sp_peek(&sp)) != NULL)
			sp.p++;
	}
	return sp_eof(&sp);
}

/* RFC 9989 4.6: rua needs "at least one syntactically valid URI". */
static bool
urilist_has_valid(struct sp_slice v)
{
	struct strparse sp;
	struct sp_slice item;

	sp_init(&sp, v.p, v.len);
	while (!sp_eof(&sp)) {
		sp_until(&sp, ",", &item);
		if (uri_is_valid(item))
			return true;
		sp_char(&sp, ',');
	}
	return false;
}

static void
parse_flag(struct sp_slice v, const char *a, const char *b, int va, int vb,
	   int *out)
{
	if (sp_slice_eq_ci(v, a))
		*out = va;
	else if (sp_slice_eq_ci(v, b))
		*out = vb;
}

/* Apply one tag; unknown tags are ignored (4.7). */
static void
record_tag(struct dmarc_record *rec, struct arena *arena, struct sp_slice name,
	   struct sp_slice v)
{
	int tmp;
	uint64_t pct;
	struct strparse sp;

	if (sp_slice_eq_ci(name, "p")) {
		rec->p = parse_policy(v);
	} else if (sp_slice_eq_ci(name, "sp")) {
		rec->sp = parse_policy(v);
	} else if (sp_slice_eq_ci(name, "np")) {
		rec->np = parse_policy(v);
	} else if (sp_slice_eq_ci(name, "psd")) {
		tmp = DMARC_PSD_U;
		parse_flag(v, "y", "n", DMARC_PSD_Y, DMARC_PSD_N, &tmp);
		rec->psd = (enum dmarc_psd)tmp;
	} else if (sp_slice_eq_ci(name, "t")) {
		tmp = -1;
		parse_flag(v, "y", "n", 1, 0, &tmp);
		rec->has_t = tmp >= 0;
		rec->testing = tmp == 1;
	} else if (sp_slice_eq_ci(name, "adkim") ||
		   sp_slice_eq_ci(name, "aspf")) {
		tmp = DMARC_ALIGN_RELAXED;
		parse_flag(v, "r", "s", DMARC_ALIGN_RELAXED,
			   DMARC_ALIGN_STRICT, &tmp);
		if (name.len == 5)
			rec->adkim = (enum dmarc_alignment)tmp;
		else
			rec->aspf = (enum dmarc_alignment)tmp;
	} else if (sp_slice_eq_ci(name, "pct")) {
		sp_init(&sp, v.p, v.len);
		if (sp_uint(&sp, 3, DMARC_PCT_MAX, &pct) && sp_eof(&sp))
			rec->pct = (int)pct;
	} else if (sp_slice_eq_ci(name, "rua")) {
		rec->rua = arena_strndup(arena, v.p, v.len);
		rec->rua_has_valid_uri = urilist_has_valid(v);
	} else if (sp_slice_eq_ci(name, "ruf")) {
		rec->ruf = arena_strndup(arena, v.p, v.len);
	} else if (sp_slice_eq_ci(name, "fo")) {
		rec->fo = arena_strndup(arena, v.p, v.len);
	}
	/* v was checked by dmarc_record_is_dmarc(); rf, ri: RFC 7489 only,
	   ignored like any unknown tag. */
}

/* A record that is not a valid tag-list: take each ';'-separated piece
 * that is a valid tag-spec on its own, first occurrence of a name wins. */
static void
parse_lenient(const char *text, size_t len, struct taglist *list)
{
	struct strparse sp;
	struct sp_slice piece;
	struct taglist one;
	const char *err;
	size_t i;
	bool dup;

	list->count = 0;
	sp_init(&sp, text, len);
	while (!sp_eof(&sp) && list->count < TAGLIST_MAX_TAGS) {
		sp_until(&sp, ";", &piece);
		sp_char(&sp, ';');
		if (taglist_parse(piece.p, piece.len, DMARC_TAGLIST_FLAGS,
				  &one, &err, NULL) < 0 || one.count != 1)
			continue;
		dup = false;
		for (i = 0; i < list->count; i++) {
			if (list->tags[i].name.len == one.tags[0].name.len &&
			    strncasecmp(list->tags[i].name.p,
					one.tags[0].name.p,
					one.tags[0].name.len) == 0)
				dup = true;
		}
		if (!dup)
			list->tags[list->count++] = one.tags[0];
	}
}

int
dmarc_record_parse(const char *text, size_t len, struct arena *arena,
		   struct dmarc_record *record_r, const char **error_r)
{
	struct taglist list;
	const char *err;
	size_t i;

	memset(record_r, 0, sizeof(*record_r));
	record_r->pct = DMARC_PCT_ABSENT;
	if (!dmarc_record_is_dmarc(text, len)) {
		*error_r = "not a DMARC record (no leading v=DMARC1)";
		return -1;
	}
	if (taglist_parse(text, len, DMARC_TAGLIST_FLAGS, &list, &err,
			  NULL) < 0) {
		parse_lenient(text, len, &list);
		record_r->lenient = true;
	}
	for (i = 0; i < list.count; i++)
		record_tag(record_r, arena, list.tags[i].name,
			   list.tags[i].value);
	/* RFC 9989 A.6: t=y is what pct=0 meant. */
	if (!record_r->has_t && record_r->pct == 0)
		record_r->testing = true;
	return 0;
}

enum dmarc_policy
dmarc_record_effective_policy(const struct dmarc_record *rec, bool subdomain,
			      bool nonexistent)
{
	enum dmarc_policy pol = rec->p;

	/* 4.10.1: "If a retrieved DMARC Policy Record does not contain a
	   valid "p" tag, or contains an "sp" or "np" tag that is not valid"
	   -> p=none if rua has a syntactically valid URI, "Otherwise, the
	   Mail Receiver applies no DMARC processing".  A missing p is "not
	   a valid p" too: 4.7 "p" ("treated as if it included p=none")
	   refers to this rule. */
	if (rec->p == DMARC_POLICY_INVALID || rec->p == DMARC_POLICY_UNSET ||
	    rec->sp == DMARC_POLICY_INVALID || rec->np == DMARC_POLICY_INVALID)
		return rec->rua_has_valid_uri ? DMARC_POLICY_NONE :
			DMARC_POLICY_UNSET;
	if (!subdomain)
		return pol;
	if (nonexistent && rec->np != DMARC_POLICY_UNSET)
		return rec->np;
	if (rec->sp != DMARC_POLICY_UNSET)
		return rec->sp;
	return pol;
}
