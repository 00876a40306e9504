/*
 * fuzz_base64_diff.c - libFuzzer target, differential: base64_decode()
 * (whole quads at a time, the careful path byte by byte) against a
 * reference written straight from the rules in base64.h, in separate
 * passes: drop FWS (RFC 6376 2.6: SP, HTAB, CR, LF), check the alphabet
 * (RFC 4648 4), padding only at the end (at most two '=', and then the
 * characters plus padding a multiple of 4), no dangling single
 * character, the output must fit; then decode 6 bits at a time.  Any
 * difference in the verdict, the length or a byte aborts (issue 20: the
 * faster decoder must not change what b=, bh= and p= decode to).
 *
 * Input: byte 0 picks the output room (0..255 bytes); the rest is the
 * text to decode.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
ref_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* The reference decoder; `text` is scratch of `len` bytes. */
static int
ref_decode(const uint8_t *in, size_t len, uint8_t *text, uint8_t *out,
	   size_t out_size, size_t *out_len_r)
{
	size_t i, n = 0, nchars, npad, o = 0;
	unsigned int acc = 0, nbits = 0;

	for (i = 0; i < len; i++) {
		if (in[i] != ' ' && in[i] != '\t' && in[i] != '\r' &&
		    in[i] != '\n')
			text[n++] = in[i];
	}
	for (nchars = 0; nchars < n && ref_value(text[nchars]) >= 0;)
		nchars++;
	for (npad = 0; nchars + npad < n && text[nchars + npad] == '=';)
		npad++;
	if (nchars + npad != n || nchars % 4 == 1 || npad > 2 ||
	    (npad > 0 && (nchars + npad) % 4 != 0) ||
	    nchars * 6 / 8 > out_size)
		return -1;
	for (i = 0; i < nchars; i++) {
		acc = (acc << 6 | (unsigned int)ref_value(text[i])) & 0xffffff;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = (uint8_t)(acc >> nbits);
		}
	}
	*out_len_r = o;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *text, *want, *got;
	size_t room, want_len = 0, got_len = 0;
	int rw, rg;

	if (size < 1)
		return 0;
	room = data[0];
	text = malloc(size);
	want = malloc(room + 1);
	got = malloc(room + 1);
	if (text == NULL || want == NULL || got == NULL)
		abort();
	rw = ref_decode(data + 1, size - 1, text, want, room, &want_len);
	rg = base64_decode((const char *)data + 1, size - 1, got, room,
			   &got_len);
	if (rw != rg || (rw == 0 && (want_len != got_len ||
				     memcmp(want, got, want_len) != 0)))
		abort();
	free(text);
	free(want);
	free(got);
	return 0;
}
