/*
 * received-spf-parse.c - the Received-SPF header field reader, RFC 7208
 * section 9.1 (received-spf-parse.h; the writer is spf/received-spf.c):
 *
 *   header = "Received-SPF:" [CFWS] result FWS [comment FWS]
 *            [ key-value-list ] CRLF
 *   key-value-list = key-value-pair *( ";" [CFWS] key-value-pair ) [";"]
 *   key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )
 *
 * Values are also accepted unquoted when they are not dot-atoms
 * ("envelope-from=user@example.com", "receiver=<UNKNOWN>"), as written
 * by pypolicyd-spf and others.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "msg/received-spf-parse.h"
#include "util/buf.h"
#include "msg/msg-address.h"
#include "util/strparse.h"

/* RFC 7208 9.1: at most this many pairs are kept. */
#define RECEIVED_SPF_MAX_PAIRS 32

static bool
is_key(unsigned char c)
{
	return sp_is_alnum(c) || c == '-' || c == '_' || c == '.';
}

static bool
is_value(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != ';' && c != '(' && c != '"';
}

static char *
lower(char *s)
{
	char *q;

	for (q = s; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return s;
}

static int
pair(struct strparse *sp, struct arena *arena, struct received_spf_pair *kv,
     const char **error_r)
{
	struct sp_slice s;
	struct buf b = BUF_INIT;

	if (sp_span(sp, is_key, 0, &s) == 0) {
		*error_r = "key expected";
		return -1;
	}
	kv->key = lower(arena_strndup(arena, s.p, s.len));
	if (msg_cfws_skip(sp, NULL, error_r) < 0)
		return -1;
	if (!sp_char(sp, '=')) {
		*error_r = "'=' expected";
		return -1;
	}
	if (msg_cfws_skip(sp, NULL, error_r) < 0)
		return -1;
	if (sp_peek(sp) == '"') {
		if (msg_quoted_string(sp, &b, error_r) < 0) {
			buf_free(&b);
			return -1;
		}
		kv->value = arena_strndup(arena, buf_cstr(&b), b.len);
		buf_free(&b);
	} else {
		sp_span(sp, is_value, 0, &s);
		kv->value = arena_strndup(arena, s.p, s.len);
	}
	return msg_cfws_skip(sp, NULL, error_r);
}

int
received_spf_parse(const char *value, size_t len, struct arena *arena,
		   struct received_spf **spf_r, const char **error_r)
{
	struct received_spf *r = arena_zalloc(arena, sizeof(*r));
	struct strparse sp;
	struct sp_slice s, comment;

	*spf_r = r;
	r->pairs = arena_zalloc(arena, RECEIVED_SPF_MAX_PAIRS *
				sizeof(*r->pairs));
	sp_init(&sp, value, len);
	if (msg_cfws_skip(&sp, NULL, error_r) < 0)
		return -1;
	if (sp_span(&sp, sp_is_alpha, 0, &s) == 0) {
		*error_r = "result expected";
		return -1;
	}
	r->result = lower(arena_strndup(arena, s.p, s.len));
	if (msg_cfws_skip(&sp, &comment, error_r) < 0)
		return -1;
	if (comment.p != NULL)
		r->comment = arena_strndup(arena, comment.p, comment.len);
	while (!sp_eof(&sp)) {
		if (sp_char(&sp, ';')) {
			if (msg_cfws_skip(&sp, NULL, error_r) < 0)
				return -1;
			continue;
		}
		if (r->npairs == RECEIVED_SPF_MAX_PAIRS) {
			*error_r = "too many key-value pairs";
			return -1;
		}
		if (pair(&sp, arena, &r->pairs[r->npairs], error_r) < 0)
			return -1;
		r->npairs++;
		if (!sp_eof(&sp) && sp_peek(&sp) != ';') {
			*error_r = "';' expected";
			return -1;
		}
	}
	return 0;
}

const char *
received_spf_get(const struct received_spf *spf, const char *key)
{
	size_t i;

	for (i = 0; i < spf->npairs; i++)
		if (strcasecmp(spf->pairs[i].key, key) == 0)
			return spf->pairs[i].value;
	return NULL;
}
