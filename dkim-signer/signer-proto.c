/*
 * signer-proto.c - the client/service line protocol (signer-proto.h).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/strparse.h"
#include "signer-message.h"
#include "signer-proto.h"

#define FIELD_NAME "DKIM-Signature:"

void
signer_proto_request_line(struct buf *out, const struct signer_request *req)
{
	buf_printf(out, "SIGN %zu %zu %" PRIu64 " %" PRIu64 "\n",
		   req->sender_len, req->queue_id_len,
		   (uint64_t)(req->now > 0 ? req->now : 0), req->message_len);
}

/* " <decimal>" with at most `digits` digits, <= max. */
static bool
space_uint(struct strparse *sp, unsigned digits, uint64_t max, uint64_t *v_r)
{
	return sp_char(sp, ' ') && sp_uint(sp, digits, max, v_r);
}

int
signer_proto_request_parse(const char *line, size_t len,
			   struct signer_request *req_r, const char **error_r)
{
	struct strparse sp;
	uint64_t sender, qid, now, size;

	sp_init(&sp, line, len);
	if (!sp_literal_ci(&sp, "SIGN") ||
	    !space_uint(&sp, 5, SIGNER_PROTO_MAX_SENDER, &sender) ||
	    !space_uint(&sp, 4, SIGNER_PROTO_MAX_QUEUE_ID, &qid) ||
	    !space_uint(&sp, 12, (uint64_t)1 << 40, &now) ||
	    !space_uint(&sp, 11, SIGNER_PROTO_MAX_MESSAGE, &size) ||
	    !sp_eof(&sp)) {
		*error_r = "malformed request line";
		return -1;
	}
	req_r->sender_len = (size_t)sender;
	req_r->queue_id_len = (size_t)qid;
	req_r->now = (time_t)now;
	req_r->message_len = size;
	return 0;
}

void
signer_proto_reply_outcome(struct buf *out, const struct signer_outcome *o)
{
	size_t i;

	if (o->verdict != SIGNER_SIGNED) {
		const char *r = o->reason != NULL ? o->reason : "";
		size_t n = strlen(r);

		if (n > SIGNER_PROTO_MAX_REASON)
			n = SIGNER_PROTO_MAX_REASON;
		buf_printf(out, "UNSIGNED %zu\n", n);
		buf_append(out, r, n);
		return;
	}
	buf_printf(out, "SIGNED %zu %zu\n", o->nsigs, o->fields_len);
	for (i = 0; i < o->nsigs; i++)
		buf_printf(out, "%s %s %s\n", dkim_alg_str(o->sigs[i].alg),
			   o->sigs[i].domain, o->sigs[i].selector);
	buf_append(out, o->fields, o->fields_len);
}

void
signer_proto_reply_tempfail(struct buf *out, const char *reason)
{
	size_t n = strlen(reason);

	if (n > SIGNER_PROTO_MAX_REASON)
		n = SIGNER_PROTO_MAX_REASON;
	buf_printf(out, "TEMPFAIL %zu\n", n);
	buf_append(out, reason, n);
}

int
signer_proto_reply_head_parse(const char *line, size_t len,
			      struct signer_reply_head *head_r,
			      const char **error_r)
{
	struct strparse sp;
	uint64_t nsigs = 0, body;

	sp_init(&sp, line, len);
	memset(head_r, 0, sizeof(*head_r));
	if (sp_literal_ci(&sp, "SIGNED")) {
		head_r->kind = SIGNER_REPLY_SIGNED;
		if (!space_uint(&sp, 2, DKIM_SIGN_MAX_SIGNATURES, &nsigs) ||
		    nsigs == 0 ||
		    !space_uint(&sp, 6, SIGNER_PROTO_MAX_FIELDS, &body))
			goto bad;
	} else if (sp_literal_ci(&sp, "UNSIGNED")) {
		head_r->kind = SIGNER_REPLY_UNSIGNED;
		if (!space_uint(&sp, 5, SIGNER_PROTO_MAX_REASON, &body))
			goto bad;
	} else if (sp_literal_ci(&sp, "TEMPFAIL")) {
		head_r->kind = SIGNER_REPLY_TEMPFAIL;
		if (!space_uint(&sp, 5, SIGNER_PROTO_MAX_REASON, &body))
			goto bad;
	} else {
		goto bad;
	}
	if (!sp_eof(&sp))
		goto bad;
	head_r->nsigs = (size_t)nsigs;
	head_r->body_len = (size_t)body;
	return 0;
bad:
	*error_r = "malformed reply line";
	return -1;
}

static bool
is_name_char(unsigned char c)
{
	return sp_is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* "<alg> <domain> <selector>\n" */
static int
sig_line_parse(struct strparse *sp, struct arena *arena,
	       struct signer_sig *sig)
{
	struct sp_slice alg, domain, selector;

	if (sp_span(sp, is_name_char, 32, &alg) == 0 ||
	    !dkim_alg_parse(alg.p, alg.len, &sig->alg) ||
	    /* what the signer makes (RFC 8301 3.1: never rsa-sha1) */
	    (sig->alg != DKIM_ALG_RSA_SHA256 &&
	     sig->alg != DKIM_ALG_ED25519_SHA256) ||
	    !sp_char(sp, ' ') ||
	    sp_span(sp, is_name_char, 255, &domain) == 0 ||
	    !sp_char(sp, ' ') ||
	    sp_span(sp, is_name_char, 255, &selector) == 0 ||
	    !sp_char(sp, '\n'))
		return -1;
	sig->domain = arena_memdup0(arena, domain.p, domain.len);
	sig->selector = arena_memdup0(arena, selector.p, selector.len);
	return 0;
}

/* `nsigs` header fields, each starting with FIELD_NAME at a line start
 * and the whole ending in a line end; no NUL anywhere. */
static bool
fields_valid(const char *f, size_t len, size_t nsigs)
{
	size_t i, count = 0;
	size_t name_len = strlen(FIELD_NAME);

	if (len == 0 || f[len - 1] != '\n' || memchr(f, '\0', len) != NULL)
		return false;
	for (i = 0; i < len; i++) {
		if (i != 0 && f[i - 1] != '\n')
			continue;
		if (f[i] == ' ' || f[i] == '\t')
			continue; /* a folded line */
		if (len - i < name_len ||
		    strncasecmp(f + i, FIELD_NAME, name_len) != 0)
			return false;
		count++;
	}
	return count == nsigs;
}

int
signer_proto_reply_body_parse(const struct signer_reply_head *head,
			      const char *data, size_t len,
			      struct arena *arena, struct signer_outcome *o,
			      const char **error_r)
{
	struct strparse sp;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (head->kind != SIGNER_REPLY_SIGNED) {
		if (len != head->body_len || memchr(data, '\0', len) != NULL)
			goto bad;
		o->verdict = SIGNER_UNSIGNED;
		o->reason = arena_memdup0(arena, data, len);
		return 0;
	}
	sp_init(&sp, data, len);
	o->verdict = SIGNER_SIGNED;
	o->nsigs = head->nsigs;
	for (i = 0; i < head->nsigs; i++) {
		if (sig_line_parse(&sp, arena, &o->sigs[i]) < 0)
			goto bad;
	}
	if (sp_left(&sp) != head->body_len ||
	    !fields_valid(sp.p, head->body_len, head->nsigs))
		goto bad;
	o->fields = arena_memdup0(arena, sp.p, head->body_len);
	o->fields_len = head->body_len;
	return 0;
bad:
	*error_r = "malformed reply";
	return -1;
}
