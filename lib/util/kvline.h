/*
 * kvline.h - the field encoding of our line formats, dmarc-history(5)
 * and dmarc-received(5): a line is "key=value" fields separated by one
 * space; a value is percent-encoded ("%XX", upper-case hex, RFC 3986
 * 2.1 style) for every byte outside printable ASCII and for '%', '=',
 * ',' and space, so a value never holds a control character, a space,
 * a byte above 0x7e or a NUL; a value of several parts joins them with
 * ',' (each part encoded on its own).
 *
 * Memory: the writers append to the caller's buf; kv_decode allocates
 * from the caller's arena; the iterator hands out slices of the input.
 */
#ifndef MA_KVLINE_H
#define MA_KVLINE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;
struct strparse;
struct sp_slice;

/* Append `s` encoded. */
void kv_put_escaped(struct buf *out, const char *s);
/* Append " key=VALUE" (value encoded); nothing when value is NULL. */
void kv_put_field(struct buf *out, const char *key, const char *value);
/* Append " key=A,B,..." from `n` parts, each encoded (NULL as ""). */
void kv_put_parts(struct buf *out, const char *key, const char *const *parts,
		  size_t n);

/* Decode one encoded value (len bytes at p) into the arena: 0 with
 * *out_r, or -1 for a bad escape, an escaped NUL, or a byte the writer
 * never leaves bare (control, space, 0x7f and above, '=', ','). */
int kv_decode(struct arena *arena, const char *p, size_t len,
	      const char **out_r);

/* The next field of a line at the cursor (after the previous field's
 * separating space): true with key and raw (still encoded) value, the
 * cursor past the field and its space; false at the end.  A field
 * without '=' or with an empty key sets *bad_r. */
bool kv_next(struct strparse *sp, struct sp_slice *key_r,
	     struct sp_slice *value_r, bool *bad_r);

/* Split a raw value into exactly `n` ','-separated raw parts: false
 * when it has another number of parts. */
bool kv_split(const struct sp_slice *value, struct sp_slice *parts,
	      size_t n);

/* Whether the slice is exactly `key`. */
bool kv_key_is(const struct sp_slice *key, const char *name);

#endif
