/*
 * base64.h - RFC 4648 section 4 base64, as DKIM carries it in b=, bh= and
 * p= (RFC 6376 section 2.6: folding white space may appear anywhere in
 * the encoded text and is ignored).
 *
 * Memory: the caller provides the output buffers; nothing is allocated.
 */
#ifndef MA_BASE64_H
#define MA_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Room needed to decode `len` characters / to encode `len` bytes (the
 * latter without the NUL). */
#define BASE64_DECODED_MAX(len) (((len) / 4 + 1) * 3)
#define BASE64_ENCODED_LEN(len) ((((len) + 2) / 3) * 4)

/* Decode `len` characters at `in` into `out` (room for `out_size`
 * bytes), skipping SP, HTAB, CR and LF.  Padding is optional at the end
 * and allowed only there.  Returns 0 and the length in *out_len_r, or -1
 * on a character outside the alphabet, misplaced '=', a dangling single
 * character, or too small an output buffer. */
int base64_decode(const char *in, size_t len, unsigned char *out,
		  size_t out_size, size_t *out_len_r);

/* Encode `len` bytes into `out`, which must hold BASE64_ENCODED_LEN(len)
 * + 1 bytes; NUL-terminates.  Returns the encoded length. */
size_t base64_encode(const unsigned char *in, size_t len, char *out);

#endif
