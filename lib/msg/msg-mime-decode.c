/*
 * msg-mime-decode.c - streaming base64 and quoted-printable (RFC 2045
 * 6.7, 6.8), see msg-mime-decode.h.
 */
#include "config.h"

#include <string.h>

#include "util/base64.h"
#include "util/buf.h"
#include "util/strparse.h"
#include "msg/msg-mime-decode.h"

void
msg_mime_decoder_init(struct msg_mime_decoder *d, enum msg_mime_encoding enc)
{
	memset(d, 0, sizeof(*d));
	d->enc = enc;
}

static bool
is_b64(unsigned char c)
{
	return sp_is_alnum(c) || c == '+' || c == '/';
}

/* Decode the held characters (all when `all`, else whole quads). */
static void
b64_flush(struct msg_mime_decoder *d, bool all, struct buf *out)
{
	size_t n = all ? d->nquad : d->nquad - d->nquad % 4, got;

	if (all && n % 4 == 1) {
		d->invalid = true; /* a dangling character carries no octet */
		n--;
	}
	if (n == 0)
		return;
	buf_reserve(out, BASE64_DECODED_MAX(n));
	if (base64_decode(d->quad, n, (unsigned char *)out->data + out->len,
			  BASE64_DECODED_MAX(n), &got) == 0) {
		out->len += got;
		out->data[out->len] = '\0';
	} else {
		d->invalid = true;
	}
	memmove(d->quad, d->quad + n, d->nquad - n);
	d->nquad -= n;
}

static void
b64_line(struct msg_mime_decoder *d, const char *s, size_t len,
	 struct buf *out)
{
	for (size_t i = 0; i < len && !d->done; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_b64(c)) {
			d->quad[d->nquad++] = (char)c;
			if (d->nquad == sizeof(d->quad))
				b64_flush(d, false, out);
		} else if (c == '=') {
			b64_flush(d, true, out);
			d->done = true;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			d->invalid = true;
		}
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') /* rule (1): lowercase tolerated */
		return c - 'a' + 10;
	return -1;
}

static bool
qp_line(const char *s, size_t len, bool whole, struct buf *out)
{
	bool soft = false;
	int hi, lo;

	if (whole) {
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len > 0 && s[len - 1] == '=') {
			soft = true;
			len--;
		}
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 < len &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			buf_append_char(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_append_char(out, s[i]);
		}
	}
	return soft;
}

bool
msg_mime_decoder_line(struct msg_mime_decoder *d, const char *s, size_t len,
		      bool whole, struct buf *out)
{
	switch (d->enc) {
	case MSG_MIME_ENC_BASE64:
		b64_line(d, s, len, out);
		return false;
	case MSG_MIME_ENC_QP:
		return qp_line(s, len, whole, out);
	case MSG_MIME_ENC_IDENTITY:
		break;
	}
	buf_append(out, s, len);
	return false;
}

void
msg_mime_decoder_finish(struct msg_mime_decoder *d, struct buf *out)
{
	if (d->enc == MSG_MIME_ENC_BASE64 && !d->done)
		b64_flush(d, true, out);
}
