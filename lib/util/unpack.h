/*
 * unpack.h - streaming decompression of a report attachment: gzip
 * (RFC 1952, concatenated members read as one), zip (PKWARE APPNOTE
 * 4.3: local file headers read in order, stored and deflate entries,
 * data descriptors, several entries; entries named *.xml are handed
 * out, the others skipped) or plain XML passed through.  The format is
 * told by the magic bytes, never by a file name: a gzip named .zip or a
 * zip named .gz unpack all the same.  Deflate (RFC 1951) is zlib's.
 *
 * Caps (struct unpack_limits): octets out per attachment (all entries
 * together, skipped ones included), and the ratio out / in once the
 * first MiB is out.  A bomb, a truncated or corrupt archive (CRC-32
 * checked), an encrypted or zip64 entry, or data that is none of the
 * three, is refused with a reason, in memory bounded by the reader's
 * buffers (zlib's window, one output piece of UNPACK_PIECE octets, one
 * zip header) and in time bounded by the caps.
 *
 * Memory: the unpacker owns its buffers; the data and name handed to
 * the callback live during the callback only.
 */
#ifndef MA_UNPACK_H
#define MA_UNPACK_H

#include <stddef.h>
#include <stdint.h>

struct unpack;

#define UNPACK_PIECE 16384
/* Output allowed before the ratio cap applies. */
#define UNPACK_RATIO_GRACE ((uint64_t)1 << 20)

struct unpack_limits {
	uint64_t max_output;	/* octets out of one attachment */
	unsigned int max_ratio; /* out / in, after UNPACK_RATIO_GRACE */
};

/* Defaults: 256 MiB, ratio 200 (deflate's own maximum is about 1032;
 * DMARC XML compresses 10 to 50 times). */
void unpack_limits_default(struct unpack_limits *limits);

enum unpack_format {
	UNPACK_UNKNOWN, /* not told yet */
	UNPACK_XML,	/* plain, passed through */
	UNPACK_GZIP,
	UNPACK_ZIP,
};

enum unpack_event {
	UNPACK_ENTRY_BEGIN, /* name: the zip entry's or gzip's FNAME, or
			       NULL */
	UNPACK_DATA,	    /* data, len: the next octets of the entry */
	UNPACK_ENTRY_END,   /* the entry is complete (CRC checked) */
};

/* Return 0, or -1 to stop (the unpack then fails with "stopped"). */
typedef int unpack_cb(void *ctx, enum unpack_event ev, const char *name,
		      const void *data, size_t len);

/* A new unpacker (limits NULL: the defaults). */
struct unpack *unpack_new(const struct unpack_limits *limits, unpack_cb *cb,
			  void *ctx);
void unpack_free(struct unpack **u_p);

/* The next piece of the attachment.  0, or -1 with a static *error_r
 * (final: every later call fails the same way). */
int unpack_feed(struct unpack *u, const void *data, size_t len,
		const char **error_r);
/* The end of the attachment: 0, or -1 with a static *error_r (truncated,
 * a zip without a .xml entry, nothing at all). */
int unpack_finish(struct unpack *u, const char **error_r);

/* What the magic bytes said. */
enum unpack_format unpack_format(const struct unpack *u);
/* Octets out so far (entries handed out and skipped). */
uint64_t unpack_output(const struct unpack *u);

/* "xml", "gzip", "zip", "unknown". */
const char *unpack_format_str(enum unpack_format f);

#endif
