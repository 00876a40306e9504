/*
 * msg-address.c - RFC 5322 3.4 address-list parser and the DMARC Author
 * Domain (see msg-address.h).
 */
#include "config.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dns/dns-name.h"
#include "msg/msg-address.h"
#include "util/strparse.h"

struct addr_parser {
	struct strparse sp;
	struct arena *arena;
	struct msg_address *addrs;
	size_t count, cap;
	const char *error;
	/* scratch, reused by every words() and domain() call of one parse
	   (each copies out what it keeps before the next call), freed at
	   its end: a few allocations per address list, not per token */
	struct buf phrase, local, dom;
};

/* RFC 5322 3.2.3 atext, plus 8-bit (RFC 6532 3.2 UTF8-non-ascii) */
static bool
is_atext(unsigned char c)
{
	return sp_is_alnum(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL ||
		c >= 0x80;
}

static bool
is_line_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
msg_cfws_skip(struct strparse *sp, struct sp_slice *comment_r,
	      const char **error_r)
{
	unsigned int depth;
	const char *open;

	if (comment_r != NULL)
		comment_r->p = NULL, comment_r->len = 0;
	for (;;) {
		sp_span(sp, is_line_space, 0, NULL);
		open = sp->p;
		if (!sp_char(sp, '('))
			return 0;
		depth = 1;
		while (depth > 0) {
			if (sp_eof(sp)) {
				*error_r = "unterminated comment";
				return -1;
			}
			if (sp_char(sp, '\\')) {
				if (!sp_eof(sp))
					sp->p++;
			} else if (sp_char(sp, '(')) {
				if (++depth > MSG_ADDRESS_MAX_COMMENT_DEPTH) {
					*error_r = "comments nested too deep";
					return -1;
				}
			} else if (sp_char(sp, ')')) {
				depth--;
			} else {
				sp->p++;
			}
		}
		if (comment_r != NULL && comment_r->p == NULL) {
			comment_r->p = open + 1;
			comment_r->len = (size_t)(sp->p - open - 2);
		}
	}
}

int
msg_quoted_string(struct strparse *sp, struct buf *out, const char **error_r)
{
	int c;

	if (!sp_char(sp, '"')) {
		*error_r = "expected '\"'";
		return -1;
	}
	for (;;) {
		c = sp_peek(sp);
		if (c < 0) {
			*error_r = "unterminated quoted string";
			return -1;
		}
		sp->p++;
		if (c == '"')
			return 0;
		if (c == '\\' && !sp_eof(sp)) {
			buf_append_char(out, *sp->p++);
			continue;
		}
		if (c != '\r' && c != '\n')
			buf_append_char(out, (char)c);
	}
}

static int
skip_cfws(struct addr_parser *ap)
{
	return msg_cfws_skip(&ap->sp, NULL, &ap->error);
}

static int
quoted_string(struct addr_parser *ap, struct buf *out)
{
	return msg_quoted_string(&ap->sp, out, &ap->error);
}

/* A run of words and dots: phrase / obs-phrase, or a (obs-)local-part.
 * ap->phrase gets the words separated by single spaces, ap->local the
 * tokens joined without spaces (both emptied first).  Returns the number
 * of tokens. */
static int
words(struct addr_parser *ap)
{
	struct strparse *sp = &ap->sp;
	struct buf *phrase = &ap->phrase, *local = &ap->local;
	struct sp_slice atom;
	int n = 0, c;

	buf_reset(phrase);
	buf_reset(local);
	for (;;) {
		if (skip_cfws(ap) < 0)
			return -1;
		c = sp_peek(sp);
		if (c == '.') {
			sp->p++;
			buf_append_char(phrase, '.');
			buf_append_char(local, '.');
		} else if (c == '"' || (c >= 0 && is_atext((unsigned char)c))) {
			if (phrase->len > 0)
				buf_append_char(phrase, ' ');
			if (c == '"') {
				size_t before = local->len;

				if (quoted_string(ap, local) < 0)
					return -1;
				/* an empty "" may leave local->data NULL:
				   no pointer arithmetic on it */
				if (local->len > before)
					buf_append(phrase,
						   local->data + before,
						   local->len - before);
			} else {
				sp_span(sp, is_atext, 0, &atom);
				buf_append(phrase, atom.p, atom.len);
				buf_append(local, atom.p, atom.len);
			}
		} else {
			return n;
		}
		n++;
	}
}

/* domain = dot-atom / domain-literal / obs-domain (3.4.1, 4.4) */
static int
domain(struct addr_parser *ap, const char **domain_r)
{
	struct strparse *sp = &ap->sp;
	struct buf *d = &ap->dom;
	struct sp_slice atom;

	buf_reset(d);
	if (skip_cfws(ap) < 0)
		return -1;
	if (sp_char(sp, '[')) {
		buf_append_char(d, '[');
		while (!sp_char(sp, ']')) {
			if (sp_eof(sp) || sp_peek(sp) == '[') {
				ap->error = "unterminated domain literal";
				return -1;
			}
			if (sp_char(sp, '\\') && sp_eof(sp))
				continue;
			if (!is_line_space((unsigned char)sp_peek(sp)))
				buf_append_char(d, *sp->p);
			sp->p++;
		}
		buf_append_char(d, ']');
	} else {
		do {
			if (skip_cfws(ap) < 0)
				return -1;
			if (sp_span(sp, is_atext, 0, &atom) == 0) {
				ap->error = "domain expected";
				return -1;
			}
			if (d->len > 0)
				buf_append_char(d, '.');
			buf_append(d, atom.p, atom.len);
			if (skip_cfws(ap) < 0)
				return -1;
		} while (sp_char(sp, '.'));
	}
	*domain_r = arena_strndup(ap->arena, buf_cstr(d), d->len);
	return skip_cfws(ap);
}

static struct msg_address *
add_address(struct addr_parser *ap)
{
	if (ap->count == ap->cap) {
		struct msg_address *n;
		size_t cap = ap->cap == 0 ? 4 : ap->cap * 2;

		n = arena_zalloc(ap->arena, cap * sizeof(*n));
		if (ap->count > 0)
			memcpy(n, ap->addrs, ap->count * sizeof(*n));
		ap->addrs = n;
		ap->cap = cap;
	}
	memset(&ap->addrs[ap->count], 0, sizeof(ap->addrs[0]));
	return &ap->addrs[ap->count++];
}

/* addr-spec after its local-part has been read (words()): "@" domain */
static int
addr_spec_rest(struct addr_parser *ap, struct msg_address *a)
{
	const struct buf *local = &ap->local;

	if (local->len == 0 || !sp_char(&ap->sp, '@')) {
		ap->error = "expected local-part@domain";
		return -1;
	}
	a->local_part = arena_strndup(ap->arena, buf_cstr(local), local->len);
	return domain(ap, &a->domain);
}

/* angle-addr / obs-angle-addr (3.4, 4.4), the '<' not yet consumed */
static int
angle_addr(struct addr_parser *ap, struct msg_address *a)
{
	struct strparse *sp = &ap->sp;

	sp_char(sp, '<');
	if (skip_cfws(ap) < 0)
		return -1;
	if (sp_peek(sp) == '@') { /* obs-route: @a,@b: */
		sp_until(sp, ":>", NULL);
		if (!sp_char(sp, ':')) {
			ap->error = "bad obsolete route";
			return -1;
		}
	}
	if (words(ap) < 0 || addr_spec_rest(ap, a) < 0)
		return -1;
	if (!sp_char(sp, '>')) {
		ap->error = "expected '>'";
		return -1;
	}
	return skip_cfws(ap);
}

static int mailbox_or_group(struct addr_parser *ap, const char *group);

/* group = display-name ":" [group-list] ";" [CFWS], after the ':' */
static int
group_list(struct addr_parser *ap, const char *name)
{
	struct strparse *sp = &ap->sp;

	for (;;) {
		if (skip_cfws(ap) < 0)
			return -1;
		if (sp_char(sp, ';') || sp_eof(sp))
			return skip_cfws(ap);
		if (sp_char(sp, ','))
			continue;
		if (mailbox_or_group(ap, name) < 0)
			return -1;
		if (!sp_char(sp, ',') && sp_peek(sp) != ';' && !sp_eof(sp)) {
			ap->error = "expected ',' or ';' in group";
			return -1;
		}
	}
}

/* address = mailbox / group; inside a group (`group` != NULL) only a
 * mailbox. */
static int
mailbox_or_group(struct addr_parser *ap, const char *group)
{
	const struct buf *phrase = &ap->phrase;
	struct msg_address *a;
	int n, c;

	if (ap->count >= MSG_ADDRESS_MAX) {
		ap->error = "too many addresses";
		return -1;
	}
	n = words(ap);
	if (n < 0)
		return -1;
	c = sp_peek(&ap->sp);
	if (c == ':' && group == NULL && n > 0) {
		ap->sp.p++;
		return group_list(ap, arena_strndup(ap->arena,
						    buf_cstr(phrase),
						    phrase->len));
	}
	a = add_address(ap);
	a->group = group;
	if (c != '<')
		return addr_spec_rest(ap, a);
	if (n > 0)
		a->display_name = arena_strndup(ap->arena, buf_cstr(phrase),
						phrase->len);
	return angle_addr(ap, a);
}

static void
addr_parser_deinit(struct addr_parser *ap)
{
	buf_free(&ap->phrase);
	buf_free(&ap->local);
	buf_free(&ap->dom);
}

int
msg_address_list_parse(const char *value, size_t len, struct arena *arena,
		       struct msg_address **addrs_r, size_t *count_r,
		       const char **error_r, size_t *error_pos_r)
{
	struct addr_parser ap;

	memset(&ap, 0, sizeof(ap));
	sp_init(&ap.sp, value, len);
	ap.arena = arena;
	for (;;) {
		if (skip_cfws(&ap) < 0)
			goto fail;
		if (sp_eof(&ap.sp))
			break;
		if (sp_char(&ap.sp, ','))
			continue; /* obs-addr-list: empty element */
		if (mailbox_or_group(&ap, NULL) < 0)
			goto fail;
		if (!sp_eof(&ap.sp) && !sp_char(&ap.sp, ',')) {
			ap.error = "expected ',' between addresses";
			goto fail;
		}
	}
	*addrs_r = ap.addrs;
	*count_r = ap.count;
	addr_parser_deinit(&ap);
	return 0;
fail:
	*error_r = ap.error;
	if (error_pos_r != NULL)
		*error_pos_r = (size_t)(ap.sp.p - value);
	addr_parser_deinit(&ap);
	return -1;
}

int
msg_address_domain_ascii(const char *domain, struct arena *arena,
			 const char **ascii_r, const char **error_r)
{
	char *out, *idn = NULL, *p;
	const char *s;
	size_t len;
	bool ascii = true;
	int rc;

	if (domain[0] == '[') {
		*error_r = "domain literal";
		return -1;
	}
	for (s = domain; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			ascii = false;
	if (!ascii) {
		rc = idn2_to_ascii_8z(domain, &idn,
				      IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK) {
			*error_r = idn2_strerror(rc);
			return -1;
		}
		domain = idn;
	}
	out = arena_strdup(arena, domain);
	idn2_free(idn);
	len = strlen(out);
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
	for (p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (len == 0 || !dns_name_is_valid(out)) {
		*error_r = "invalid domain name";
		return -1;
	}
	*ascii_r = out;
	return 0;
}

static const char *const author_status_names[] = {
	[MSG_AUTHOR_OK] = "ok",
	[MSG_AUTHOR_NO_FROM] = "no From header field",
	[MSG_AUTHOR_MULTIPLE_FROM] = "multiple From header fields",
	[MSG_AUTHOR_MULTIPLE_DOMAINS] = "From addresses of different domains",
	[MSG_AUTHOR_UNPARSEABLE] = "unparseable From header field",
};

const char *
msg_author_status_str(enum msg_author_status status)
{
	return (unsigned int)status < sizeof(author_status_names) /
		sizeof(author_status_names[0]) ? author_status_names[status] :
		"unknown";
}

enum msg_author_status
msg_address_author_domain(const char *const *values, const size_t *lens,
			  size_t nvalues, struct arena *arena,
			  const char **domain_r, const char **error_r)
{
	struct msg_address *addrs;
	const char *d, *found = NULL;
	size_t n, i;

	if (nvalues == 0) {
		*error_r = msg_author_status_str(MSG_AUTHOR_NO_FROM);
		return MSG_AUTHOR_NO_FROM;
	}
	if (nvalues > 1) {
		*error_r = msg_author_status_str(MSG_AUTHOR_MULTIPLE_FROM);
		return MSG_AUTHOR_MULTIPLE_FROM;
	}
	if (msg_address_list_parse(values[0], lens != NULL ? lens[0] :
				   strlen(values[0]), arena, &addrs, &n,
				   error_r, NULL) < 0)
		return MSG_AUTHOR_UNPARSEABLE;
	if (n == 0) {
		*error_r = "no address in From";
		return MSG_AUTHOR_UNPARSEABLE;
	}
	for (i = 0; i < n; i++) {
		if (msg_address_domain_ascii(addrs[i].domain, arena, &d,
					     error_r) < 0)
			return MSG_AUTHOR_UNPARSEABLE;
		if (found != NULL && strcmp(found, d) != 0) {
			*error_r = msg_author_status_str(
				MSG_AUTHOR_MULTIPLE_DOMAINS);
			return MSG_AUTHOR_MULTIPLE_DOMAINS;
		}
		found = d;
	}
	*domain_r = found;
	return MSG_AUTHOR_OK;
}
