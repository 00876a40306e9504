/*
 * dmarc-received.c - a received DMARC report as its normalized text,
 * dmarc-received(5): writer, parser and the builders both parsers use
 * (dmarc-received.h).  The field encoding is dmarc-history(5)'s
 * (util/kvline.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/kvline.h"
#include "util/strparse.h"
#include "dmarc/dmarc-received.h"

/* A string field of the report's line or of a row line. */
struct field {
	const char *key;
	size_t offset; /* of the `const char *` in its struct */
};

#define RF(k, m) { k, offsetof(struct dmarc_received, m) }
static const struct field head_fields[] = {
	RF("org", org_name), RF("email", email), RF("xc", extra_contact),
	RF("id", report_id), RF("pd", policy_domain), RF("adkim", adkim),
	RF("aspf", aspf), RF("p", p), RF("sp", sp), RF("np", np),
	RF("testing", testing), RF("fo", fo), RF("disc", discovery),
	RF("schema", schema),
	RF("ft", feedback_type), RF("af", auth_failure), RF("ip", source_ip),
	RF("omf", original_mail_from), RF("arr", arrival_date),
	RF("ia", identity_alignment), RF("dd", dkim_domain),
	RF("ds", dkim_selector), RF("dr", delivery_result),
	RF("subj", subject), RF("mid", message_id),
	{ NULL, 0 }
};
#undef RF
#define WF(k, m) { k, offsetof(struct dmarc_received_row, m) }
static const struct field row_fields[] = {
	WF("ip", source_ip), WF("disp", disposition), WF("dkim", dkim),
	WF("spf", spf), WF("hf", header_from), WF("ef", envelope_from),
	WF("et", envelope_to),
	{ NULL, 0 }
};
#undef WF

static const char **
field_ptr(const void *base, const struct field *f)
{
	return (const char **)(void *)((char *)(uintptr_t)base + f->offset);
}

const char *
dmarc_received_kind_str(enum dmarc_received_kind kind)
{
	return kind == DMARC_RECEIVED_FAILURE ? "failure" : "aggregate";
}

bool
dmarc_received_kind_parse(const char *word, enum dmarc_received_kind *kind_r)
{
	if (strcasecmp(word, "aggregate") == 0)
		*kind_r = DMARC_RECEIVED_AGGREGATE;
	else if (strcasecmp(word, "failure") == 0)
		*kind_r = DMARC_RECEIVED_FAILURE;
	else
		return false;
	return true;
}

/* Append one element of `size` bytes to an array of *n, growing it by
 * doubling (capacity: the power of two >= max(*n, 4)). */
static void *
array_add(struct arena *arena, const void **array, size_t *n, size_t size)
{
	char *a = (char *)(uintptr_t)*array;

	if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
		size_t cap = *n == 0 ? 4 : *n * 2;
		char *grown = arena_alloc(arena, cap * size);

		if (*n > 0)
			memcpy(grown, a, *n * size);
		a = grown;
		*array = a;
	}
	memset(a + *n * size, 0, size);
	return a + (*n)++ * size;
}

struct dmarc_received_row *
dmarc_received_add_row(struct dmarc_received *r, struct arena *arena)
{
	return array_add(arena, (const void **)&r->rows, &r->nrows,
			 sizeof(*r->rows));
}

struct dmarc_received_dkim *
dmarc_received_row_add_dkim(struct dmarc_received_row *row,
			    struct arena *arena)
{
	return array_add(arena, (const void **)&row->dkim_results, &row->ndkim,
			 sizeof(*row->dkim_results));
}

struct dmarc_received_spf *
dmarc_received_row_add_spf(struct dmarc_received_row *row,
			   struct arena *arena)
{
	return array_add(arena, (const void **)&row->spf_results, &row->nspf,
			 sizeof(*row->spf_results));
}

struct dmarc_received_reason *
dmarc_received_row_add_reason(struct dmarc_received_row *row,
			      struct arena *arena)
{
	return array_add(arena, (const void **)&row->reasons, &row->nreasons,
			 sizeof(*row->reasons));
}

/* ---- writer ---- */

static void
put_fields(struct buf *out, const void *base, const struct field *fields)
{
	const struct field *f;

	for (f = fields; f->key != NULL; f++)
		kv_put_field(out, f->key, *field_ptr(base, f));
}

void
dmarc_received_format_head(const struct dmarc_received *r, struct buf *out)
{
	buf_printf(out, "v=%d kind=%s", DMARC_RECEIVED_VERSION,
		   dmarc_received_kind_str(r->kind));
	put_fields(out, r, head_fields);
	if (r->kind == DMARC_RECEIVED_AGGREGATE)
		buf_printf(out, " begin=%" PRIu64 " end=%" PRIu64, r->begin,
			   r->end);
	buf_printf(out, " rcvd=%" PRIu64 "\n", r->received);
}

void
dmarc_received_format_row(const struct dmarc_received_row *row,
			  struct buf *out)
{
	size_t i;

	buf_printf(out, "row n=%" PRIu64, row->count);
	put_fields(out, row, row_fields);
	for (i = 0; i < row->nreasons; i++) {
		const char *p[2] = { row->reasons[i].type,
				     row->reasons[i].comment };

		kv_put_parts(out, "why", p, 2);
	}
	for (i = 0; i < row->ndkim; i++) {
		const char *p[3] = { row->dkim_results[i].domain,
				     row->dkim_results[i].selector,
				     row->dkim_results[i].result };

		kv_put_parts(out, "ad", p, 3);
	}
	for (i = 0; i < row->nspf; i++) {
		const char *p[3] = { row->spf_results[i].domain,
				     row->spf_results[i].scope,
				     row->spf_results[i].result };

		kv_put_parts(out, "as", p, 3);
	}
	buf_append_char(out, '\n');
}

void
dmarc_received_format(const struct dmarc_received *r, struct buf *out)
{
	size_t i;

	dmarc_received_format_head(r, out);
	for (i = 0; i < r->nrows; i++)
		dmarc_received_format_row(&r->rows[i], out);
}

/* ---- parser ---- */

static int
decode_number(const struct sp_slice *v, uint64_t *n_r)
{
	struct strparse sp;

	sp_init(&sp, v->p, v->len);
	return sp_uint(&sp, 20, UINT64_MAX, n_r) && sp_eof(&sp) ? 0 : -1;
}

/* Decode `n` ','-separated parts; an empty part is NULL. */
static int
decode_parts(struct arena *arena, const struct sp_slice *v,
	     const char **out[], size_t n)
{
	struct sp_slice part[3];
	size_t i;

	if (!kv_split(v, part, n))
		return -1;
	for (i = 0; i < n; i++) {
		*out[i] = NULL;
		if (part[i].len > 0 &&
		    kv_decode(arena, part[i].p, part[i].len, out[i]) < 0)
			return -1;
	}
	return 0;
}

/* A string field from `fields`: 1 if `key` is one (decoded into place),
 * 0 if not, -1 on a bad value.  *seen guards against repeats. */
static int
string_field(struct arena *arena, void *base, const struct field *fields,
	     const struct sp_slice *key, const struct sp_slice *v,
	     uint64_t *seen)
{
	size_t k;

	for (k = 0; fields[k].key != NULL; k++) {
		if (!kv_key_is(key, fields[k].key))
			continue;
		if (seen != NULL) {
			if ((*seen & ((uint64_t)1 << k)) != 0)
				return -1;
			*seen |= (uint64_t)1 << k;
		}
		return kv_decode(arena, v->p, v->len,
				 field_ptr(base, &fields[k])) < 0 ? -1 : 1;
	}
	return 0;
}

static int
row_field(struct dmarc_received_row *row, struct arena *arena,
	  const struct sp_slice *key, const struct sp_slice *v)
{
	int ret;

	if ((ret = string_field(arena, row, row_fields, key, v, NULL)) != 0)
		return ret < 0 ? -1 : 0;
	if (kv_key_is(key, "n"))
		return decode_number(v, &row->count);
	if (kv_key_is(key, "why")) {
		struct dmarc_received_reason *w =
			dmarc_received_row_add_reason(row, arena);
		const char **o[2] = { &w->type, &w->comment };

		return decode_parts(arena, v, o, 2);
	}
	if (kv_key_is(key, "ad")) {
		struct dmarc_received_dkim *d =
			dmarc_received_row_add_dkim(row, arena);
		const char **o[3] = { &d->domain, &d->selector, &d->result };

		return decode_parts(arena, v, o, 3);
	}
	if (kv_key_is(key, "as")) {
		struct dmarc_received_spf *s =
			dmarc_received_row_add_spf(row, arena);
		const char **o[3] = { &s->domain, &s->scope, &s->result };

		return decode_parts(arena, v, o, 3);
	}
	return 0; /* unknown key: ignored */
}

static int
parse_row(struct dmarc_received *r, struct arena *arena, const char *line,
	  size_t len, const char **error_r)
{
	struct dmarc_received_row *row;
	struct strparse sp;
	struct sp_slice key, v;
	bool bad;

	sp_init(&sp, line, len);
	if (!sp_literal_ci(&sp, "row") || (!sp_eof(&sp) && !sp_char(&sp, ' '))) {
		*error_r = "a line after the report's is not a row";
		return -1;
	}
	if (r->kind != DMARC_RECEIVED_AGGREGATE) {
		*error_r = "a row in a failure report";
		return -1;
	}
	row = dmarc_received_add_row(r, arena);
	while (kv_next(&sp, &key, &v, &bad)) {
		if (bad || row_field(row, arena, &key, &v) < 0) {
			*error_r = "invalid field in a row";
			return -1;
		}
	}
	return 0;
}

/* The bits of the report line's `seen` set for its fields that are not
 * strings (the string fields take bits from 0, in head_fields order). */
#define SEEN_KIND 63
#define SEEN_BEGIN 62
#define SEEN_END 61
#define SEEN_RCVD 60

/* Mark field `bit` seen: -1 when it was already (a repeat). */
static int
once(uint64_t *seen, unsigned int bit)
{
	if ((*seen & ((uint64_t)1 << bit)) != 0)
		return -1;
	*seen |= (uint64_t)1 << bit;
	return 0;
}

static int
head_field(struct dmarc_received *r, struct arena *arena,
	   const struct sp_slice *key, const struct sp_slice *v,
	   uint64_t *seen, const char **error_r)
{
	const char *word;
	int ret;

	if ((ret = string_field(arena, r, head_fields, key, v, seen)) != 0) {
		if (ret < 0)
			*error_r = "invalid or repeated field in the report";
		return ret < 0 ? -1 : 0;
	}
	ret = 0;
	if (kv_key_is(key, "kind")) {
		ret = once(seen, SEEN_KIND);
		if (ret == 0)
			ret = kv_decode(arena, v->p, v->len, &word);
		if (ret == 0 && !dmarc_received_kind_parse(word, &r->kind))
			ret = -1;
	} else if (kv_key_is(key, "begin")) {
		ret = once(seen, SEEN_BEGIN);
		if (ret == 0)
			ret = decode_number(v, &r->begin);
	} else if (kv_key_is(key, "end")) {
		ret = once(seen, SEEN_END);
		if (ret == 0)
			ret = decode_number(v, &r->end);
	} else if (kv_key_is(key, "rcvd")) {
		ret = once(seen, SEEN_RCVD);
		if (ret == 0)
			ret = decode_number(v, &r->received);
	}
	if (ret < 0)
		*error_r = "invalid or repeated kind or number in the report";
	return ret;
}

static int
parse_head(struct dmarc_received *r, struct arena *arena, const char *line,
	   size_t len, const char **error_r)
{
	struct strparse sp;
	struct sp_slice key, v;
	uint64_t seen = 0;
	bool bad;

	sp_init(&sp, line, len);
	if (!sp_literal_ci(&sp, "v=1") || (!sp_eof(&sp) && !sp_char(&sp, ' '))) {
		*error_r = "not a version 1 received report";
		return -1;
	}
	while (kv_next(&sp, &key, &v, &bad)) {
		if (bad) {
			*error_r = "field without key=value";
			return -1;
		}
		if (head_field(r, arena, &key, &v, &seen, error_r) < 0)
			return -1;
	}
	if ((seen & ((uint64_t)1 << SEEN_KIND)) == 0) {
		*error_r = "kind= missing";
		return -1;
	}
	return 0;
}

int
dmarc_received_parse(const char *text, size_t len, struct arena *arena,
		     struct dmarc_received **r_r, const char **error_r)
{
	struct dmarc_received *r = arena_zalloc(arena, sizeof(*r));
	const char *p = text, *end = text + len, *nl;
	size_t n;
	bool first = true;

	if (len == 0) {
		*error_r = "empty report text";
		return -1;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > DMARC_RECEIVED_MAX_LINE) {
			*error_r = "line too long";
			return -1;
		}
		if ((first ? parse_head(r, arena, p, n, error_r) :
			     parse_row(r, arena, p, n, error_r)) < 0)
			return -1;
		first = false;
		p += n + (nl != NULL ? 1 : 0);
	}
	*r_r = r;
	return 0;
}
