/*
 * base64.c - RFC 4648 base64 with DKIM's folding white space (base64.h).
 *
 * Decoding runs whole quads of alphabet characters through const
 * lookup tables, and everything else (FWS, padding, a quad split by
 * folding, junk) one byte at a time on a careful path with the same
 * rules; fuzz/fuzz_base64_diff.c holds both to a plain reference.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util/base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0..63, SKIP for folding white space, BAD otherwise, PAD for '='. */
enum { B64_BAD = 0xff, B64_SKIP = 0xfe, B64_PAD = 0xfd };

/* Byte -> 0..63, B64_PAD for '=', B64_SKIP for FWS, B64_BAD otherwise. */
static const unsigned char b64_values[256] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xfe, 0xff,
	0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0xff, 0xff, 0x3f,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff,
	0xff, 0xfd, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
	0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
	0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
	0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff,
};

/* The whole-quad path's tables: the alphabet value of a byte already
 * shifted to its place in a quad's 24 bits (character 1 of 4 by 18, 2 by
 * 12, 3 by 6, 4 by 0), B64_QUAD_BAD for any byte outside the alphabet;
 * built at compile time from RFC 4648 table 1. */
#define B64_QUAD_BAD 0x80000000u
#define B64_DIGIT(c)                                                        \
	((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                             \
	 : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                        \
	 : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                        \
	 : (c) == '+'		    ? 62                                    \
	 : (c) == '/'		    ? 63                                    \
				    : -1)
#define B64_AT(c, s)                                                        \
	(B64_DIGIT(c) < 0 ? B64_QUAD_BAD : (uint32_t)B64_DIGIT(c) << (s))
#define B64_ROW4(c, s)                                                      \
	B64_AT(c, s), B64_AT((c) + 1, s), B64_AT((c) + 2, s), B64_AT((c) + 3, s)
#define B64_ROW16(c, s)                                                     \
	B64_ROW4(c, s), B64_ROW4((c) + 4, s), B64_ROW4((c) + 8, s),         \
		B64_ROW4((c) + 12, s)
#define B64_ROW64(c, s)                                                     \
	B64_ROW16(c, s), B64_ROW16((c) + 16, s), B64_ROW16((c) + 32, s),    \
		B64_ROW16((c) + 48, s)
#define B64_ROW256(s)                                                       \
	B64_ROW64(0, s), B64_ROW64(64, s), B64_ROW64(128, s), B64_ROW64(192, s)

static const uint32_t b64_quad[4][256] = {
	{B64_ROW256(18)}, {B64_ROW256(12)}, {B64_ROW256(6)}, {B64_ROW256(0)},
};

/* The careful path's state: bits not yet written, padding seen, alphabet
 * characters seen, bytes written. */
struct b64_state {
	unsigned int acc, nbits, npad, nchars;
	size_t o;
};

/* Whole quads of alphabet characters at `in` (`len` bytes) as three bytes
 * each into `out` (room for `room`), up to the first quad holding
 * anything else (padding, FWS, junk: the careful path's business) or the
 * end of either.  Returns the number of quads decoded. */
static size_t
b64_quads(const unsigned char *in, size_t len, unsigned char *out,
	  size_t room)
{
	size_t n, max = len / 4 < room / 3 ? len / 4 : room / 3;

	for (n = 0; n < max; n++, in += 4, out += 3) {
		uint32_t v = b64_quad[0][in[0]] | b64_quad[1][in[1]] |
			     b64_quad[2][in[2]] | b64_quad[3][in[3]];

		if ((v & B64_QUAD_BAD) != 0)
			break;
		out[0] = (unsigned char)(v >> 16);
		out[1] = (unsigned char)(v >> 8);
		out[2] = (unsigned char)v;
	}
	return n;
}

/* One input byte on the careful path; -1 if it makes the input invalid
 * (outside the alphabet, data after padding, no room left). */
static int
b64_step(struct b64_state *st, unsigned char ch, unsigned char *out,
	 size_t out_size)
{
	unsigned int v = b64_values[ch];

	if (v == B64_SKIP)
		return 0;
	if (v == B64_BAD)
		return -1;
	if (v == B64_PAD) {
		st->npad++;
		return 0;
	}
	if (st->npad > 0)
		return -1; /* data after padding */
	st->nchars++;
	st->acc = (st->acc << 6) | v;
	st->nbits += 6;
	if (st->nbits >= 8) {
		st->nbits -= 8;
		if (st->o == out_size)
			return -1;
		out[st->o++] = (unsigned char)(st->acc >> st->nbits);
		st->acc &= (1u << st->nbits) - 1;
	}
	return 0;
}

/* Whole quads run through b64_quads() whenever the careful path stands
 * at a quad boundary; FWS, padding and a quad split by folding go one
 * byte at a time through b64_step(). */
int
base64_decode(const char *in, size_t len, unsigned char *out, size_t out_size,
	      size_t *out_len_r)
{
	const unsigned char *u = (const unsigned char *)in;
	struct b64_state st = {0, 0, 0, 0, 0};
	size_t i = 0, n;

	while (i < len) {
		if (st.nbits == 0 && st.npad == 0) {
			n = b64_quads(u + i, len - i, out + st.o,
				      out_size - st.o);
			i += 4 * n;
			st.o += 3 * n;
			st.nchars += (unsigned int)(4 * n);
			if (i == len)
				break;
		}
		if (b64_step(&st, u[i++], out, out_size) < 0)
			return -1;
	}
	if (st.nchars % 4 == 1 || st.npad > 2 ||
	    (st.npad > 0 && (st.nchars + st.npad) % 4 != 0))
		return -1;
	*out_len_r = st.o;
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
