/*
 * dmarc-history.c - the DMARC history record, one line per message
 * (dmarc-history.h, dmarc-history(5)).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/kvline.h"
#include "util/strparse.h"
#include "dmarc/dmarc-failure.h"
#include "dmarc/dmarc-history.h"

/* RFC 8601 2.7.1 (DKIM) and 2.7.2 (SPF) result tokens, as RFC 9990's
 * DKIMResultType and SPFResultType list them. */
static const char *const dkim_tokens[] = {
	"none", "pass", "fail", "policy", "neutral", "temperror", "permerror",
	NULL
};
static const char *const spf_tokens[] = {
	"none", "pass", "fail", "softfail", "policy", "neutral", "temperror",
	"permerror", NULL
};
/* RFC 9990 PolicyOverrideType. */
static const char *const reason_tokens[] = {
	"local_policy", "mailing_list", "other", "policy_test_mode",
	"trusted_forwarder", NULL
};
static const char *const discovery_tokens[] = { "treewalk", "psl", NULL };
/* fdue= words, the enum dmarc_failure_kind bits in order */
static const struct {
	const char *word;
	unsigned int bit;
} due_words[] = {
	{"dmarc", DMARC_FAILURE_DMARC},
	{"dkim", DMARC_FAILURE_DKIM},
	{"spf", DMARC_FAILURE_SPF},
};
#define DUE_WORDS (sizeof(due_words) / sizeof(due_words[0]))

static const char *
token_find(const char *const *table, const char *word)
{
	size_t i;

	for (i = 0; table[i] != NULL; i++) {
		if (strcmp(table[i], word) == 0)
			return table[i];
	}
	return NULL;
}

bool
dmarc_history_reason_valid(const char *reason)
{
	return reason != NULL && token_find(reason_tokens, reason) != NULL;
}

static const char *
policy_token(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case DMARC_POLICY_REJECT:
		return "reject";
	default:
		return "none";
	}
}

static void
put_failure(struct buf *out, const struct dmarc_history *h)
{
	const char *sep = " fdue=";

	for (size_t i = 0; i < DUE_WORDS; i++) {
		if ((h->failure_due & due_words[i].bit) != 0) {
			buf_printf(out, "%s%s", sep, due_words[i].word);
			sep = "+";
		}
	}
	kv_put_field(out, "ruf", h->ruf);
	kv_put_field(out, "fo", h->fo);
	kv_put_field(out, "omf", h->mail_from);
	kv_put_field(out, "fdi", h->dkim_identity);
	kv_put_field(out, "hdr", h->header);
	if (h->header_cut)
		buf_append_str(out, " hdrcut=y");
}

void
dmarc_history_format(const struct dmarc_history *h, struct buf *out)
{
	size_t i;

	buf_printf(out, "v=%d", DMARC_HISTORY_VERSION);
	kv_put_field(out, "id", h->id);
	buf_printf(out, " t=%" PRIu64, h->time);
	kv_put_field(out, "ip", h->source_ip);
	kv_put_field(out, "mf", h->envelope_from);
	kv_put_field(out, "rt", h->envelope_to);
	kv_put_field(out, "hf", h->header_from);
	kv_put_field(out, "pd", h->policy_domain);
	kv_put_field(out, "rec", h->record);
	kv_put_field(out, "disc", h->discovery);
	for (i = 0; i < h->ndkim; i++) {
		const char *parts[3] = { h->dkim[i].domain, h->dkim[i].selector,
					 h->dkim[i].result };

		kv_put_parts(out, "dkim", parts, 3);
	}
	kv_put_field(out, "spf", h->spf_result);
	kv_put_field(out, "spfd", h->spf_domain);
	buf_printf(out, " da=%c sa=%c", h->dkim_aligned ? 'y' : 'n',
		   h->spf_aligned ? 'y' : 'n');
	kv_put_field(out, "res", dmarc_result_str(h->result));
	if (h->policy != DMARC_POLICY_UNSET)
		kv_put_field(out, "pol", policy_token(h->policy));
	kv_put_field(out, "disp", policy_token(h->disposition));
	kv_put_field(out, "why", h->reason);
	kv_put_field(out, "cmt", h->comment);
	if (h->failure_due != 0)
		put_failure(out, h);
	buf_append_char(out, '\n');
}

static bool
policy_parse(const char *w, enum dmarc_policy *p_r)
{
	if (strcmp(w, "none") == 0)
		*p_r = DMARC_POLICY_NONE;
	else if (strcmp(w, "quarantine") == 0)
		*p_r = DMARC_POLICY_QUARANTINE;
	else if (strcmp(w, "reject") == 0)
		*p_r = DMARC_POLICY_REJECT;
	else
		return false;
	return true;
}

static bool
yesno_parse(const char *w, bool *b_r)
{
	if (strcmp(w, "y") != 0 && strcmp(w, "n") != 0)
		return false;
	*b_r = w[0] == 'y';
	return true;
}

/* "dmarc+dkim": known words, each once, at least one */
static bool
due_parse(const char *v, unsigned int *due_r)
{
	struct strparse sp;
	struct sp_slice w;
	unsigned int due = 0;
	size_t i;

	sp_init_str(&sp, v);
	do {
		(void)sp_until(&sp, "+", &w);
		for (i = 0; i < DUE_WORDS; i++) {
			if (sp_slice_eq_ci(w, due_words[i].word) &&
			    (due & due_words[i].bit) == 0)
				break;
		}
		if (i == DUE_WORDS)
			return false;
		due |= due_words[i].bit;
	} while (sp_char(&sp, '+'));
	*due_r = due;
	return sp_eof(&sp);
}

static int
parse_dkim(struct dmarc_history *h, struct arena *arena, const char *v,
	   size_t len, const char **error_r)
{
	struct dmarc_history_dkim *d;
	struct sp_slice part[3], val;
	const char *res;

	if (h->ndkim == DMARC_HISTORY_MAX_DKIM) {
		*error_r = "too many dkim fields";
		return -1;
	}
	d = &h->dkim[h->ndkim];
	val.p = v;
	val.len = len;
	if (!kv_split(&val, part, 3)) {
		*error_r = "dkim field needs domain,selector,result";
		return -1;
	}
	if (part[0].len == 0 ||
	    kv_decode(arena, part[0].p, part[0].len, &d->domain) < 0 ||
	    kv_decode(arena, part[1].p, part[1].len, &d->selector) < 0 ||
	    kv_decode(arena, part[2].p, part[2].len, &res) < 0 ||
	    (d->result = token_find(dkim_tokens, res)) == NULL) {
		*error_r = "invalid dkim field";
		return -1;
	}
	h->ndkim++;
	return 0;
}

/* One key=value; unknown keys are skipped. */
static int
parse_field(struct dmarc_history *h, struct arena *arena,
	    const struct sp_slice *key, const char *raw, size_t rawlen,
	    unsigned int *seen, const char **error_r)
{
	static const char *const keys[] = {
		"id", "t", "ip", "mf", "rt", "hf", "pd", "rec", "disc",
		"spf", "spfd", "da", "sa", "res", "pol", "disp", "why", "cmt",
		"fdue", "ruf", "fo", "omf", "hdr", "hdrcut", "fdi", NULL
	};
	const char *v;
	struct strparse sp;
	uint64_t t;
	size_t k;
	bool ok = true;

	if (kv_key_is(key, "dkim"))
		return parse_dkim(h, arena, raw, rawlen, error_r);
	for (k = 0; keys[k] != NULL; k++) {
		if (kv_key_is(key, keys[k]))
			break;
	}
	if (keys[k] == NULL)
		return 0;
	if ((*seen & (1u << k)) != 0) {
		*error_r = "field repeated";
		return -1;
	}
	*seen |= 1u << k;
	if (kv_decode(arena, raw, rawlen, &v) < 0) {
		*error_r = "invalid escape or character in a value";
		return -1;
	}
	switch (k) {
	case 0: h->id = v; ok = v[0] != '\0'; break;
	case 1:
		sp_init_str(&sp, v);
		ok = sp_uint(&sp, 20, UINT64_MAX, &t) && sp_eof(&sp);
		h->time = t;
		break;
	case 2: h->source_ip = v; break;
	case 3: h->envelope_from = v; break;
	case 4: h->envelope_to = v; break;
	case 5: h->header_from = v; ok = v[0] != '\0'; break;
	case 6: h->policy_domain = v; ok = v[0] != '\0'; break;
	case 7: h->record = v; break;
	case 8: ok = (h->discovery = token_find(discovery_tokens, v)) != NULL;
		break;
	case 9: ok = (h->spf_result = token_find(spf_tokens, v)) != NULL;
		break;
	case 10: h->spf_domain = v; break;
	case 11: ok = yesno_parse(v, &h->dkim_aligned); break;
	case 12: ok = yesno_parse(v, &h->spf_aligned); break;
	case 13: ok = dmarc_result_parse(v, &h->result); break;
	case 14: ok = policy_parse(v, &h->policy); break;
	case 15: ok = policy_parse(v, &h->disposition); break;
	case 16: ok = (h->reason = token_find(reason_tokens, v)) != NULL;
		break;
	case 17: h->comment = v; break;
	case 18: ok = due_parse(v, &h->failure_due); break;
	case 19: h->ruf = v; break;
	case 20: h->fo = v; break;
	case 21: h->mail_from = v; break;
	case 22: h->header = v; break;
	case 23: ok = yesno_parse(v, &h->header_cut); break;
	case 24: h->dkim_identity = v; break;
	}
	if (!ok) {
		*error_r = "invalid value";
		return -1;
	}
	return 0;
}

int
dmarc_history_parse(const char *line, size_t len, struct arena *arena,
		    struct dmarc_history **h_r, const char **error_r)
{
	/* id, t, hf, pd, res, disp in parse_field()'s key order */
	const unsigned int required = (1u << 0) | (1u << 1) | (1u << 5) |
				      (1u << 6) | (1u << 13) | (1u << 15);
	struct dmarc_history *h;
	struct strparse sp;
	struct sp_slice key, val;
	unsigned int seen = 0;
	bool bad;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > DMARC_HISTORY_MAX_LINE) {
		*error_r = "record line too long";
		return -1;
	}
	sp_init(&sp, line, len);
	if (!sp_literal_ci(&sp, "v=1") ||
	    (!sp_eof(&sp) && !sp_char(&sp, ' '))) {
		*error_r = "not a version 1 record";
		return -1;
	}
	h = arena_alloc(arena, sizeof(*h));
	memset(h, 0, sizeof(*h));
	h->policy = DMARC_POLICY_UNSET;
	while (kv_next(&sp, &key, &val, &bad)) {
		if (bad) {
			*error_r = "field without key=value";
			return -1;
		}
		if (parse_field(h, arena, &key, val.p, val.len, &seen,
				error_r) < 0)
			return -1;
	}
	if ((seen & required) != required) {
		*error_r = "required field missing";
		return -1;
	}
	*h_r = h;
	return 0;
}
