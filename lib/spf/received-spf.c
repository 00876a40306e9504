/*
 * received-spf.c - the Received-SPF header field writer, RFC 7208 9.1
 * (see received-spf.h; the reader is msg/received-spf-parse.c).
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/hdrfold.h"
#include "spf/received-spf.h"

#define SPF_RECEIVED_FIELD_NAME "Received-SPF:"

static void
add_pair(struct hdrfold *f, const char *key, const char *value)
{
	struct buf word = BUF_INIT;

	if (value == NULL)
		return;
	buf_printf(&word, "%s=", key);
	/* 9.1: key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string ) */
	if (hdrfold_is_dot_atom(value))
		buf_append_str(&word, value);
	else
		hdrfold_append_quoted(&word, value);
	buf_append_char(&word, ';');
	hdrfold_word(f, word.data, word.len, true);
	buf_free(&word);
}

const char *
spf_received_format(struct arena *arena, const struct spf_received *r,
		    bool crlf)
{
	struct buf out = BUF_INIT, comment = BUF_INIT;
	struct hdrfold f;
	const char *res = r->result;
	const char *ret;

	hdrfold_init(&f, &out, strlen(SPF_RECEIVED_FIELD_NAME) + 1, crlf);
	hdrfold_word(&f, res, strlen(res), false);
	if (r->comment != NULL) {
		hdrfold_append_comment(&comment, r->comment);
		hdrfold_words(&f, buf_cstr(&comment), true);
	}
	add_pair(&f, "identity", r->identity);
	add_pair(&f, "receiver", r->receiver);
	add_pair(&f, "client-ip", r->client_ip);
	add_pair(&f, "envelope-from", r->envelope_from);
	add_pair(&f, "helo", r->helo);
	add_pair(&f, "mechanism", r->mechanism);
	add_pair(&f, "problem", r->problem);
	ret = arena_strndup(arena, buf_cstr(&out), out.len);
	buf_free(&out);
	buf_free(&comment);
	return ret;
}

const char *
spf_received_comment(struct arena *arena, const char *receiver,
		     enum spf_result result, const char *sender,
		     const char *client_ip, const char *problem)
{
	const char *prefix = receiver == NULL ? "" : receiver;
	const char *colon = receiver == NULL ? "" : ": ";
	const char *detail = problem == NULL ? "" : problem;
	const char *sep = problem == NULL ? "" : ": ";

	switch (result) {
	case SPF_PASS:
		return arena_printf(arena,
				    "%s%sdomain of %s designates %s as "
				    "permitted sender",
				    prefix, colon, sender, client_ip);
	case SPF_FAIL:
		return arena_printf(arena,
				    "%s%sdomain of %s does not designate %s "
				    "as permitted sender",
				    prefix, colon, sender, client_ip);
	case SPF_SOFTFAIL:
		return arena_printf(arena,
				    "%s%sdomain of transitioning %s does not "
				    "designate %s as permitted sender",
				    prefix, colon, sender, client_ip);
	case SPF_NEUTRAL:
		return arena_printf(arena,
				    "%s%s%s is neither permitted nor denied "
				    "by domain of %s",
				    prefix, colon, client_ip, sender);
	case SPF_NONE:
		return arena_printf(arena,
				    "%s%sdomain of %s does not designate "
				    "permitted sender hosts",
				    prefix, colon, sender);
	case SPF_TEMPERROR:
		return arena_printf(arena,
				    "%s%stemporary error evaluating the "
				    "domain of %s%s%s",
				    prefix, colon, sender, sep, detail);
	case SPF_PERMERROR:
		return arena_printf(arena,
				    "%s%spermanent error in the SPF record "
				    "of %s%s%s",
				    prefix, colon, sender, sep, detail);
	}
	return arena_printf(arena, "%s%s%s", prefix, colon, sender);
}
