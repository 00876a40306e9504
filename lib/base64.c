/*
 * base64.c - RFC 4648 base64 with DKIM's folding white space (base64.h).
 */
#include "config.h"

#include <string.h>

#include "base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63, SKIP for folding white space, BAD otherwise, PAD for '='. */
enum { B64_BAD = 0xff, B64_SKIP = 0xfe, B64_PAD = 0xfd };

static unsigned char
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (unsigned char)(c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (unsigned char)(c - '0' + 52);
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	if (c == '=')
		return B64_PAD;
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		return B64_SKIP;
	return B64_BAD;
}

int
base64_decode(const char *in, size_t len, unsigned char *out, size_t out_size,
	      size_t *out_len_r)
{
	unsigned int acc = 0, nbits = 0, npad = 0, nchars = 0;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char v = b64_value((unsigned char)in[i]);

		if (v == B64_SKIP)
			continue;
		if (v == B64_BAD)
			return -1;
		if (v == B64_PAD) {
			npad++;
			continue;
		}
		if (npad > 0)
			return -1; /* data after padding */
		nchars++;
		acc = (acc << 6) | v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			if (o == out_size)
				return -1;
			out[o++] = (unsigned char)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	if (nchars % 4 == 1 || npad > 2 ||
	    (npad > 0 && (nchars + npad) % 4 != 0))
		return -1;
	*out_len_r = o;
	return 0;
}

size_t
base64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		unsigned int v = (unsigned int)in[i] << 16 |
				 (unsigned int)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < len) {
		unsigned int v = (unsigned int)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned int)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}
