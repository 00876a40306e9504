/*
 * dns-rr.c - RDATA decoding for A, AAAA, MX, PTR, CNAME, TXT (RFC 1035
 * section 3.3, RFC 3596).  See dns-rr.h.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "dns-rr.h"

/* RFC 1035 section 2.3.4 */
#define DNS_NAME_WIRE_MAX 255
#define DNS_LABEL_MAX 63

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
dns_rr_name_decode(struct arena *arena, const unsigned char *data, size_t len,
		   size_t *used_r)
{
	struct buf out = BUF_INIT;
	size_t pos = 0;
	const char *name;

	for (;;) {
		size_t l;

		if (pos >= len || pos >= DNS_NAME_WIRE_MAX)
			goto fail;
		l = data[pos++];
		if (l == 0)
			break;
		if (l > DNS_LABEL_MAX || l > len - pos)
			goto fail; /* also rejects compression pointers */
		name_append_label(&out, data + pos, l);
		pos += l;
	}
	name = arena_memdup0(arena, buf_cstr(&out), out.len);
	buf_free(&out);
	*used_r = pos;
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

int
dns_rr_decode(struct arena *arena, enum dns_type type,
	      const unsigned char *rdata, size_t len, struct dns_rr *rr)
{
	size_t used;

	memset(rr, 0, sizeof(*rr));
	rr->type = type;
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
			dns_rr_name_decode(arena, rdata + 2, len - 2, &used);
		return rr->u.mx.exchange != NULL && used == len - 2 ? 0 : -1;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		rr->u.name = dns_rr_name_decode(arena, rdata, len, &used);
		return rr->u.name != NULL && used == len ? 0 : -1;
	case DNS_T_TXT:
	case DNS_T_SPF:
		return dns_rr_decode_txt(arena, rdata, len, rr);
	}
	return -1;
}
