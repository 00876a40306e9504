/*
 * dns-rr.c - RDATA decoding for A, AAAA, MX, PTR, CNAME, TXT (RFC 1035
 * section 3.3, RFC 3596), with name decompression (RFC 1035 4.1.4).
 * See dns-rr.h.
 */
#include "config.h"

#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dns/dns-rr.h"

/* RFC 1035 section 2.3.4 */
#define DNS_NAME_WIRE_MAX 255
#define DNS_LABEL_MAX 63
/* RFC 1035 4.1.4: the two high bits of a length octet mark a pointer */
#define DNS_POINTER_MASK 0xc0

static void
name_append_label(struct buf *out, const unsigned char *label, size_t len)
{
	size_t i;

	if (out->len > 0)
		buf_append_char(out, '.');
	for (i = 0; i < len; i++) {
		unsigned char c = label[i];

		if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\')
			buf_printf(out, "\\%03u", c);
		else
			buf_append_char(out, (char)c);
	}
}

const char *
dns_rr_name_decode(struct arena *arena, const unsigned char *msg,
		   size_t msg_len, size_t off, size_t *end_r)
{
	struct buf out = BUF_INIT;
	size_t pos = off, wire = 0, end = 0, limit = off;
	bool jumped = false;
	const char *name;

	for (;;) {
		size_t l;

		if (pos >= msg_len)
			goto fail;
		l = msg[pos];
		if ((l & DNS_POINTER_MASK) == DNS_POINTER_MASK) {
			size_t target;

			if (pos + 1 >= msg_len)
				goto fail;
			target = ((l & 0x3f) << 8) | msg[pos + 1];
			/* strictly backwards: no loops, bounded work */
			if (target >= limit)
				goto fail;
			if (!jumped)
				end = pos + 2;
			jumped = true;
			limit = target;
			pos = target;
			continue;
		}
		if (l > DNS_LABEL_MAX)
			goto fail;
		wire += l + 1;
		if (wire > DNS_NAME_WIRE_MAX || l > msg_len - pos - 1)
			goto fail;
		pos++;
		if (l == 0)
			break;
		if (arena != NULL)
			name_append_label(&out, msg + pos, l);
		pos += l;
	}
	name = arena == NULL ? "" :
		arena_memdup0(arena, buf_cstr(&out), out.len);
	buf_free(&out);
	*end_r = jumped ? end : pos;
	return name;
fail:
	buf_free(&out);
	return NULL;
}

static int
dns_rr_decode_txt(struct arena *arena, const unsigned char *rdata, size_t len,
		  struct dns_rr *rr)
{
	struct dns_txt_string *strings;
	size_t pos = 0, n = 0, total = 0, i;
	char *text;

	/* count and validate first */
	while (pos < len) {
		size_t l = rdata[pos];

		if (l > len - pos - 1)
			return -1;
		pos += 1 + l;
		total += l;
		n++;
	}
	strings = arena_alloc(arena, (n == 0 ? 1 : n) * sizeof(*strings));
	text = arena_alloc(arena, total + 1);
	pos = 0;
	total = 0;
	for (i = 0; i < n; i++) {
		size_t l = rdata[pos];

		memcpy(text + total, rdata + pos + 1, l);
		strings[i].data = (const unsigned char *)text + total;
		strings[i].len = l;
		total += l;
		pos += 1 + l;
	}
	text[total] = '\0';
	rr->u.txt.nstrings = n;
	rr->u.txt.strings = strings;
	rr->u.txt.text = text;
	rr->u.txt.text_len = total;
	return 0;
}

/* A name that must fill msg[off .. off+len) exactly. */
static const char *
dns_rr_rdata_name(struct arena *arena, const unsigned char *msg,
		  size_t msg_len, size_t off, size_t len)
{
	size_t end;
	const char *name = dns_rr_name_decode(arena, msg, msg_len, off, &end);

	return name != NULL && end == off + len ? name : NULL;
}

int
dns_rr_decode(struct arena *arena, enum dns_type type,
	      const unsigned char *msg, size_t msg_len, size_t off, size_t len,
	      struct dns_rr *rr)
{
	const unsigned char *rdata = msg + off;

	memset(rr, 0, sizeof(*rr));
	rr->type = type;
	if (off > msg_len || len > msg_len - off)
		return -1;
	switch (type) {
	case DNS_T_A:
		if (len != sizeof(rr->u.a))
			return -1;
		memcpy(&rr->u.a, rdata, len);
		return 0;
	case DNS_T_AAAA:
		if (len != sizeof(rr->u.aaaa))
			return -1;
		memcpy(&rr->u.aaaa, rdata, len);
		return 0;
	case DNS_T_MX:
		if (len < 3)
			return -1;
		rr->u.mx.preference = (uint16_t)((rdata[0] << 8) | rdata[1]);
		rr->u.mx.exchange =
			dns_rr_rdata_name(arena, msg, msg_len, off + 2, len - 2);
		return rr->u.mx.exchange != NULL ? 0 : -1;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		rr->u.name = dns_rr_rdata_name(arena, msg, msg_len, off, len);
		return rr->u.name != NULL ? 0 : -1;
	case DNS_T_TXT:
	case DNS_T_SPF:
		return dns_rr_decode_txt(arena, rdata, len, rr);
	}
	return -1;
}
