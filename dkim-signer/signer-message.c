/*
 * signer-message.c - read, decide, sign, write one message
 * (signer-message.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/arena.h"
#include "dkim/dkim-keytable.h"
#include "dkim/dkim-sig.h"
#include "dkim/dkim-signtable.h"
#include "msg/msg-address.h"
#include "msg/msg-header.h"
#include "signer-config.h"
#include "signer-existing.h"
#include "signer-message.h"
#include "util/taglist.h"
#include "util/xalloc.h"

/* Header bytes the signer keeps (dkim-sign.c refuses more). */
#define SIGNER_IO_CHUNK 65536
/* The unsigned verdict for a header dkim-sign.h refuses (probe 2026-12
 * F03: a property of the message, so exit 75 would defer it for ever). */
#define SIGNER_TOO_LARGE "header too large to sign"

void
signer_message_init(struct signer_message *m, const char *tmpdir,
		    size_t memory_max)
{
	memset(m, 0, sizeof(*m));
	m->arena = arena_new(0);
	signer_spool_init(&m->spool, tmpdir, memory_max);
	m->parser = msg_header_parser_new(0);
}

void
signer_message_deinit(struct signer_message *m)
{
	signer_spool_deinit(&m->spool);
	msg_header_parser_free(&m->parser);
	buf_free(&m->from);
	arena_free(&m->arena);
}

size_t
signer_message_size(const struct signer_message *m)
{
	return (size_t)m->spool.size;
}

static void
header_drain(struct signer_message *m)
{
	struct msg_header_field f;
	enum msg_header_event ev;

	while (!m->header_done &&
	       (ev = msg_header_next(m->parser, &f)) != MSG_HEADER_NEED_MORE) {
		if (ev != MSG_HEADER_FIELD) {
			m->header_done = true;
			break;
		}
		if (msg_header_hides_from(f.raw, f.raw_len))
			m->hidden_from = true;
		if (msg_header_field_is(&f, "From")) {
			if (f.raw_len > f.name_len && f.raw[f.name_len] != ':')
				m->from_obs_wsp = true;
			if (m->from_count++ == 0)
				m->from_oversized = f.oversized;
			if (m->from_count == 1 && !f.oversized)
				buf_append(&m->from, f.value,
					   f.value_len < SIGNER_MAX_FROM ?
						   f.value_len : SIGNER_MAX_FROM);
		} else if (msg_header_field_is(&f, "DKIM-Signature")) {
			m->nexisting++;
		}
	}
}

int
signer_message_push(struct signer_message *m, const void *data, size_t len,
		    const char **error_r)
{
	if (!m->eol_known) {
		const char *lf = memchr(data, '\n', len);

		/* the first line end decides (its CR may have come in the
		 * previous chunk) */
		if (lf != NULL) {
			m->eol_known = true;
			m->lf = lf == (const char *)data ? !m->last_cr :
							   lf[-1] != '\r';
		} else if (len > 0) {
			m->last_cr = ((const char *)data)[len - 1] == '\r';
		}
	}
	if (signer_spool_write(&m->spool, data, len, error_r) < 0)
		return -1;
	if (!m->header_done) {
		msg_header_push(m->parser, data, len);
		header_drain(m);
	}
	return 0;
}

void
signer_message_end(struct signer_message *m)
{
	if (!m->header_done) {
		msg_header_push_eof(m->parser);
		header_drain(m);
	}
	if (!m->eol_known)
		m->lf = true;
}

int
signer_message_read_fd(struct signer_message *m, int fd, const char **error_r)
{
	char *chunk = ma_malloc(SIGNER_IO_CHUNK);
	ssize_t n;
	int ret = 0;

	for (;;) {
		n = read(fd, chunk, SIGNER_IO_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = arena_printf(m->arena, "read: %s",
						strerror(errno));
			ret = -1;
			break;
		}
		if (n == 0)
			break;
		if (signer_message_push(m, chunk, (size_t)n, error_r) < 0) {
			*error_r = arena_printf(m->arena, "temporary file: %s",
						*error_r);
			ret = -1;
			break;
		}
	}
	free(chunk);
	if (ret == 0)
		signer_message_end(m);
	return ret;
}

/* The address the SigningTable is asked about: local part and A-label
 * domain.  Returns NULL (with *reason_r) when the message cannot be
 * signed for it. */
static const char *
lookup_address(struct signer_message *m, const struct signer_config *c,
	       const char *sender, const char **local_r, const char **domain_r)
{
	struct msg_address *addrs;
	const char *err, *at, *domain = NULL;
	size_t count;

	if (c->set.signing_address == SIGNER_ADDRESS_ENVELOPE) {
		if (sender == NULL || (at = strrchr(sender, '@')) == NULL)
			return "envelope sender has no domain";
		*local_r = arena_strndup(m->arena, sender, (size_t)(at - sender));
		domain = at + 1;
	} else {
		if (m->from_count == 0)
			return "no From field";
		if (m->from_count > 1)
			return "multiple From fields";
		/* probe 2026-12 F10: nothing of it was kept; do not parse */
		if (m->from_oversized)
			return SIGNER_TOO_LARGE ": a From field over 256 KiB";
		if (msg_address_list_parse(m->from.data, m->from.len, m->arena,
					   &addrs, &count, &err, NULL) < 0 ||
		    count == 0)
			return "From field does not parse";
		*local_r = addrs[0].local_part;
		domain = addrs[0].domain;
	}
	if (msg_address_domain_ascii(domain, m->arena, domain_r, &err) < 0)
		return arena_printf(m->arena, "address domain: %s", err);
	return NULL;
}

/* i= only when it is within d= (RFC 6376 3.5 i=; OpenDKIM drops a
 * conflicting signer too). */
static const char *
auid_within(const char *signer, const char *d)
{
	const char *at = signer != NULL ? strrchr(signer, '@') : NULL;
	size_t dl = strlen(d), hl;

	if (at == NULL)
		return NULL;
	at++;
	hl = strlen(at);
	if (strcasecmp(at, d) == 0 ||
	    (hl > dl && at[hl - dl - 1] == '.' && strcasecmp(at + hl - dl, d) == 0))
		return signer;
	return NULL;
}

/* The KeyTable entry a SigningTable match names and the d= it signs
 * with; NULL with *reason_r when that match cannot sign this message.
 * Both are properties of the message and the tables that no retry
 * changes, so they are "not signed", never a temporary failure: a "%"
 * key name (the From domain) with no KeyTable line (probe 2026-12 F07:
 * exit 75 for ever, then a bounce), and a "%" KeyTable domain that is
 * not a DKIM domain name (RFC 6376 3.5: d=192.0.2.1, d=x_y.com were
 * signed). */
static const struct dkim_keytable_entry *
match_entry(struct signer_message *m, const struct signer_config *c,
	    const struct dkim_signtable_match *match, const char *domain,
	    const char **d_r, const char **reason_r)
{
	const struct dkim_keytable_entry *e =
		dkim_keytable_find(c->keytable, match->keyname);

	if (e == NULL) {
		*reason_r = arena_printf(m->arena, "key name '%s' is not in "
					 "the KeyTable", match->keyname);
		return NULL;
	}
	*d_r = strcmp(e->domain, "%") == 0 ? domain : e->domain;
	if (!dkim_sig_domain_valid(*d_r)) {
		*reason_r = arena_printf(m->arena, "d=%s is not a valid DKIM "
					 "domain name (RFC 6376 3.5)", *d_r);
		return NULL;
	}
	return e;
}

/* One signature's parameters from a SigningTable match (its key loaded).
 * 1 with *reason_r when this match does not sign (match_entry()). */
static int
sign_param(struct signer_message *m, struct signer_config *c,
	   const struct dkim_signtable_match *match, const char *domain,
	   struct dkim_sign_params *p, const char **reason_r,
	   const char **error_r)
{
	const struct dkim_keytable_entry *e;
	struct signer_key *k;

	memset(p, 0, sizeof(*p));
	if ((e = match_entry(m, c, match, domain, &p->domain, reason_r)) ==
	    NULL)
		return 1;
	p->selector = e->selector;
	if (signer_config_key(c, e->name, &k, error_r) < 0)
		return -1;
	p->auid = auid_within(match->signer, p->domain);
	p->key = k->key;
	p->alg = k->alg;
	p->header_canon = c->header_canon;
	p->body_canon = c->body_canon;
	p->sign_headers = c->sign_headers;
	p->oversign_headers = c->oversign_headers;
	p->expire_secs = c->set.signature_ttl;
	return 0;
}

/* Sign in one pass: 0 with out->fields, 1 when the header is too large
 * to sign (dkim_sign_header_too_large), -1 with *error_r. */
static int
sign_run(struct signer_message *m, const struct dkim_sign_params *params,
	 size_t n, time_t now, struct signer_outcome *out,
	 const char **error_r)
{
	struct dkim_sign_settings set = {.now = now, .lf = m->lf};
	struct dkim_sign *s;
	char *chunk;
	ssize_t r;
	int ret = -1;

	if ((s = dkim_sign_new(&set, params, n, NULL, error_r)) == NULL)
		return -1;
	chunk = ma_malloc(SIGNER_IO_CHUNK);
	signer_spool_rewind(&m->spool);
	while ((r = signer_spool_read(&m->spool, chunk, SIGNER_IO_CHUNK,
				      error_r)) > 0)
		dkim_sign_push(s, chunk, (size_t)r);
	free(chunk);
	if (r == 0 &&
	    dkim_sign_end(s, &out->fields, &out->fields_len, error_r) == 0) {
		out->fields = arena_memdup0(m->arena, out->fields,
					    out->fields_len);
		ret = 0;
	} else if (r == 0 && dkim_sign_header_too_large(s)) {
		out->fields = NULL;
		out->fields_len = 0;
		ret = 1;
	} else if (r == 0) {
		*error_r = arena_printf(m->arena, "signing: %s", *error_r);
	}
	dkim_sign_free(&s);
	return ret;
}

/* "Never signed twice": drop the parameters whose d=/s= already signed
 * the message - a signature that verifies with our key
 * (signer-existing.h), not any field claiming that d=/s= (probe 2026-12
 * F09: "b=AAAA" suppressed signing; 32 other signatures above ours hid
 * it).  -1 with *error_r if the spool cannot be read. */
static int
drop_ours(struct signer_message *m, struct dkim_sign_params *params,
	  size_t *n_p, time_t now, const char **reason_r, const char **error_r)
{
	bool ours[DKIM_SIGN_MAX_SIGNATURES];
	size_t i, kept = 0;

	if (signer_existing_ours(&m->spool, params, *n_p, now, ours,
				 error_r) < 0) {
		*error_r = arena_printf(m->arena, "temporary file: %s",
					*error_r);
		return -1;
	}
	for (i = 0; i < *n_p; i++) {
		if (ours[i])
			*reason_r = arena_printf(m->arena, "already signed by "
						 "d=%s s=%s", params[i].domain,
						 params[i].selector);
		else
			params[kept++] = params[i];
	}
	*n_p = kept;
	return 0;
}

/* Header properties that make any signature fail at verifiers, so the
 * message goes on unsigned (probe 2026-12, informational items). */
static const char *
unsignable_header(const struct signer_message *m)
{
	/* RFC 6376 8.15 / RFC 9989 5.3.1: hostile; our verifier fails
	 * every signature of such a message (dkim-verify.h) */
	if (m->hidden_from)
		return "multiple From fields: " MSG_HEADER_HIDDEN_FROM_REASON;
	/* RFC 5322 4.5: obsolete WSP before the colon.  OpenDKIM verifies
	 * our signature; dkimpy does not see the field as From and fails
	 * it: peers disagree, so no signature rather than a failing one */
	if (m->from_obs_wsp)
		return "From field with white space before its colon (RFC "
		       "5322 4.5 obsolete syntax; verifiers disagree on it)";
	return NULL;
}

int
signer_message_sign(struct signer_message *m, struct signer_config *c,
		    const char *sender, time_t now, struct signer_outcome *out,
		    const char **error_r)
{
	struct dkim_signtable_match matches[DKIM_SIGNTABLE_MAX_MATCHES];
	struct dkim_sign_params params[DKIM_SIGN_MAX_SIGNATURES];
	const char *local = "", *domain = NULL, *skip = NULL;
	size_t nmatch, n = 0, i;
	int r;

	memset(out, 0, sizeof(*out));
	out->verdict = SIGNER_UNSIGNED;
	if ((out->reason = unsignable_header(m)) != NULL ||
	    (out->reason = lookup_address(m, c, sender, &local, &domain)) != NULL)
		return 0;
	out->address = arena_printf(m->arena, "%s@%s", local, domain);
	nmatch = dkim_signtable_lookup(c->signtable, local, domain,
				       c->set.multiple_signatures, m->arena,
				       matches);
	if (nmatch == 0) {
		out->reason = arena_printf(m->arena, "%s in no SigningTable "
					   "line", out->address);
		return 0;
	}
	for (i = 0; i < nmatch && n < DKIM_SIGN_MAX_SIGNATURES; i++) {
		if ((r = sign_param(m, c, &matches[i], domain, &params[n],
				    &skip, error_r)) < 0)
			return -1;
		if (r == 0)
			n++;
	}
	if (m->nexisting > 0 &&
	    drop_ours(m, params, &n, now, &skip, error_r) < 0)
		return -1;
	if (n == 0) {
		out->reason = skip;
		return 0;
	}
	for (i = 0; i < n; i++) {
		out->sigs[i].domain = params[i].domain;
		out->sigs[i].selector = params[i].selector;
		out->sigs[i].alg = params[i].alg;
	}
	if ((r = sign_run(m, params, n, now, out, error_r)) < 0)
		return -1;
	if (r > 0) {
		out->reason = SIGNER_TOO_LARGE " (over 1000 fields or 1 MiB, "
					       "or a field over 256 KiB)";
		return 0;
	}
	out->nsigs = n;
	out->verdict = SIGNER_SIGNED;
	return 0;
}

static int
write_all(int fd, const void *data, size_t len, const char **error_r)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*error_r = strerror(errno);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
signer_message_write(struct signer_message *m,
		     const struct signer_outcome *out, int fd,
		     const char **error_r)
{
	char *chunk;
	ssize_t r;
	int ret = 0;

	if (out->verdict == SIGNER_SIGNED &&
	    write_all(fd, out->fields, out->fields_len, error_r) < 0)
		return -1;
	chunk = ma_malloc(SIGNER_IO_CHUNK);
	signer_spool_rewind(&m->spool);
	while ((r = signer_spool_read(&m->spool, chunk, SIGNER_IO_CHUNK,
				      error_r)) > 0) {
		if (write_all(fd, chunk, (size_t)r, error_r) < 0) {
			ret = -1;
			break;
		}
	}
	if (r < 0)
		ret = -1;
	free(chunk);
	return ret;
}
