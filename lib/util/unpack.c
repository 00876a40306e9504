/*
 * unpack.c - gzip / zip / plain XML, streaming, capped (unpack.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/unpack.h"

/* PKWARE APPNOTE 4.3.7, 4.3.9, 4.3.12, 4.3.16 signatures. */
#define ZIP_LOCAL 0x04034b50u
#define ZIP_DESCRIPTOR 0x08074b50u
#define ZIP_CENTRAL 0x02014b50u
#define ZIP_END 0x06054b50u
#define ZIP_LOCAL_LEN 30	/* 4.3.7 fixed part */
#define ZIP_FLAG_ENCRYPTED 0x0001
#define ZIP_FLAG_DESCRIPTOR 0x0008
#define ZIP_STORED 0
#define ZIP_DEFLATE 8
#define ZIP64_SIZE 0xffffffffu

enum zip_state {
	ZS_SIG,	      /* 4 octets: which record comes */
	ZS_LOCAL,     /* the rest of a local file header */
	ZS_NAME,      /* file name and extra field */
	ZS_STORED,    /* stored data: `left` octets */
	ZS_SKIP,      /* data of an entry not read: `left` octets */
	ZS_DEFLATE,   /* deflate data up to its end */
	ZS_DESCRIPTOR, /* data descriptor (4.3.9) */
	ZS_DONE,      /* central directory: the rest is not read */
};

struct unpack {
	struct unpack_limits limits;
	unpack_cb *cb;
	void *ctx;
	enum unpack_format format;
	const char *error;
	uint64_t in_total, out_total;
	unsigned char magic[4];
	size_t nmagic;
	z_stream z;
	bool z_ready, in_member, entry_open;
	unsigned int members;
	gz_header gzh;
	unsigned char gzname[256];
	/* zip */
	enum zip_state zs;
	unsigned char hdr[ZIP_LOCAL_LEN];
	size_t have, need;
	struct buf name;
	uint16_t flags, method;
	uint32_t crc_want, csize, crc;
	uint64_t left;
	bool want;
	unsigned int nxml;
	unsigned char out[UNPACK_PIECE];
};

void
unpack_limits_default(struct unpack_limits *l)
{
	l->max_output = (uint64_t)256 << 20;
	l->max_ratio = 200;
}

const char *
unpack_format_str(enum unpack_format f)
{
	switch (f) {
	case UNPACK_XML: return "xml";
	case UNPACK_GZIP: return "gzip";
	case UNPACK_ZIP: return "zip";
	default: return "unknown";
	}
}

struct unpack *
unpack_new(const struct unpack_limits *limits, unpack_cb *cb, void *ctx)
{
	struct unpack *u = ma_calloc(1, sizeof(*u));

	if (limits != NULL)
		u->limits = *limits;
	else
		unpack_limits_default(&u->limits);
	u->cb = cb;
	u->ctx = ctx;
	return u;
}

void
unpack_free(struct unpack **u_p)
{
	struct unpack *u = *u_p;

	if (u == NULL)
		return;
	if (u->z_ready)
		(void)inflateEnd(&u->z);
	buf_free(&u->name);
	free(u);
	*u_p = NULL;
}

enum unpack_format
unpack_format(const struct unpack *u)
{
	return u->format;
}

uint64_t
unpack_output(const struct unpack *u)
{
	return u->out_total;
}

static int
fail(struct unpack *u, const char *reason)
{
	if (u->error == NULL)
		u->error = reason;
	return -1;
}

static int
call(struct unpack *u, enum unpack_event ev, const char *name,
     const void *data, size_t len)
{
	if (u->cb(u->ctx, ev, name, data, len) < 0)
		return fail(u, "stopped");
	return 0;
}

static int
begin_entry(struct unpack *u, const char *name)
{
	u->entry_open = true;
	return call(u, UNPACK_ENTRY_BEGIN, name, NULL, 0);
}

static int
end_entry(struct unpack *u)
{
	u->entry_open = false;
	return call(u, UNPACK_ENTRY_END, NULL, NULL, 0);
}

/* Octets out of the current entry: counted against the caps, handed to
 * the callback when the entry is wanted. */
static int
emit(struct unpack *u, const unsigned char *data, size_t len, bool want)
{
	u->out_total += len;
	if (u->out_total > u->limits.max_output)
		return fail(u, "unpacked size over the limit");
	if (u->out_total > UNPACK_RATIO_GRACE && u->limits.max_ratio > 0 &&
	    u->out_total / u->limits.max_ratio > u->in_total)
		return fail(u, "compression ratio over the limit "
			       "(a decompression bomb?)");
	if (u->format == UNPACK_ZIP)
		u->crc = (uint32_t)crc32(u->crc, data, (uInt)len);
	if (!want || len == 0)
		return 0;
	return call(u, UNPACK_DATA, NULL, data, len);
}

/* Inflate from *p (n octets) until the input is used, the stream ends
 * (1) or an error (-1); *used_r: octets consumed. */
static int
inflate_some(struct unpack *u, const unsigned char *p, size_t n,
	     size_t *used_r, bool want)
{
	int ret;
	size_t got;

	u->z.next_in = (Bytef *)(uintptr_t)p;
	u->z.avail_in = (uInt)n;
	for (;;) {
		u->z.next_out = u->out;
		u->z.avail_out = sizeof(u->out);
		ret = inflate(&u->z, Z_NO_FLUSH);
		got = sizeof(u->out) - u->z.avail_out;
		if (got > 0 && u->format == UNPACK_GZIP && !u->entry_open &&
		    begin_entry(u, u->gzh.done == 1 && u->gzname[0] != '\0'
					   ? (const char *)u->gzname
					   : NULL) < 0)
			break;
		if (got > 0 && emit(u, u->out, got, want) < 0)
			break;
		if (ret == Z_STREAM_END) {
			*used_r = n - u->z.avail_in;
			return 1;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			fail(u, u->format == UNPACK_GZIP ? "gzip: corrupt data"
							: "zip: corrupt data");
			break;
		}
		if (u->z.avail_out > 0 || ret == Z_BUF_ERROR) {
			*used_r = n - u->z.avail_in;
			return 0;
		}
	}
	return -1;
}

static int
z_start(struct unpack *u, int window_bits)
{
	if (!u->z_ready) {
		if (inflateInit2(&u->z, window_bits) != Z_OK)
			return fail(u, "zlib initialisation failed");
		u->z_ready = true;
	} else if (inflateReset(&u->z) != Z_OK)
		return fail(u, "zlib reset failed");
	return 0;
}

static int
gzip_feed(struct unpack *u, const unsigned char *p, size_t n)
{
	size_t used;
	int ret;

	while (u->error == NULL) {
		if (!u->in_member) {
			if (n == 0)
				return 0;
			if (z_start(u, 16 + MAX_WBITS) < 0)
				return -1;
			memset(&u->gzh, 0, sizeof(u->gzh));
			u->gzh.name = u->gzname;
			u->gzh.name_max = sizeof(u->gzname) - 1;
			if (u->members == 0)
				(void)inflateGetHeader(&u->z, &u->gzh);
			u->in_member = true;
		}
		if ((ret = inflate_some(u, p, n, &used, true)) < 0)
			return -1;
		p += used;
		n -= used;
		if (ret == 0)
			return 0;
		u->in_member = false;
		u->members++;
	}
	return -1;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Collect octets into hdr up to `need`: how many were taken. */
static size_t
collect(struct unpack *u, const unsigned char *p, size_t n)
{
	size_t k = u->need - u->have < n ? u->need - u->have : n;

	memcpy(u->hdr + u->have, p, k);
	u->have += k;
	return k;
}

static bool
xml_name(const char *name)
{
	size_t len = strlen(name);

	return len > 4 && strcasecmp(name + len - 4, ".xml") == 0;
}

static int
zip_entry_start(struct unpack *u)
{
	const char *name = buf_cstr(&u->name);
	bool descriptor = (u->flags & ZIP_FLAG_DESCRIPTOR) != 0;

	u->want = xml_name(name);
	u->crc = 0;
	if (u->want && (u->flags & ZIP_FLAG_ENCRYPTED) != 0)
		return fail(u, "zip: encrypted entry");
	if (u->method == ZIP_DEFLATE) {
		if (z_start(u, -MAX_WBITS) < 0)
			return -1;
		u->zs = ZS_DEFLATE;
	} else if (descriptor)
		return fail(u, u->method == ZIP_STORED
				       ? "zip: stored entry without its size"
				       : "zip: compression method not "
					 "supported");
	else if (u->method == ZIP_STORED && !(u->flags & ZIP_FLAG_ENCRYPTED))
		u->zs = ZS_STORED;
	else if (u->want)
		return fail(u, "zip: compression method not supported");
	else
		u->zs = ZS_SKIP;
	u->left = u->csize;
	if (u->want) {
		u->nxml++;
		return begin_entry(u, name);
	}
	return 0;
}

/* The entry's data is complete: its data descriptor or CRC check. */
static int
zip_entry_done(struct unpack *u)
{
	if ((u->flags & ZIP_FLAG_DESCRIPTOR) != 0) {
		u->zs = ZS_DESCRIPTOR;
		u->have = 0;
		u->need = 4;
		return 0;
	}
	if (u->zs != ZS_SKIP && u->crc != u->crc_want)
		return fail(u, "zip: CRC-32 mismatch");
	u->zs = ZS_SIG;
	u->have = 0;
	u->need = 4;
	return u->want ? end_entry(u) : 0;
}

static int
zip_header(struct unpack *u)
{
	uint32_t sig;
	size_t extra;

	switch (u->zs) {
	case ZS_SIG:
		sig = le32(u->hdr);
		if (sig == ZIP_CENTRAL || sig == ZIP_END) {
			u->zs = ZS_DONE;
			return 0;
		}
		if (sig != ZIP_LOCAL)
			return fail(u, "zip: no local file header where one "
				       "belongs");
		u->zs = ZS_LOCAL;
		u->need = ZIP_LOCAL_LEN;
		return 0;
	case ZS_LOCAL:
		u->flags = le16(u->hdr + 6);
		u->method = le16(u->hdr + 8);
		u->crc_want = le32(u->hdr + 14);
		u->csize = le32(u->hdr + 18);
		if (u->csize == ZIP64_SIZE || le32(u->hdr + 22) == ZIP64_SIZE)
			return fail(u, "zip: zip64 entry not supported");
		u->need = le16(u->hdr + 26);
		extra = le16(u->hdr + 28);
		buf_reset(&u->name);
		u->left = extra;
		u->zs = ZS_NAME;
		u->have = 0;
		return 0;
	case ZS_DESCRIPTOR:
		if (u->need == 4 && le32(u->hdr) == ZIP_DESCRIPTOR) {
			u->have = 0; /* the signature is optional (4.3.9.3) */
			u->need = 12;
			return 0;
		}
		if (u->need == 4) {
			u->need = 12;
			return 0;
		}
		if (le32(u->hdr) != u->crc)
			return fail(u, "zip: CRC-32 mismatch");
		u->zs = ZS_SIG;
		u->have = 0;
		u->need = 4;
		return u->want ? end_entry(u) : 0;
	default:
		return 0;
	}
}

/* The name and extra field: `need` octets of name, then `left` of extra
 * (skipped).  How many octets were taken. */
static size_t
zip_name(struct unpack *u, const unsigned char *p, size_t n)
{
	size_t k;

	if (u->name.len < u->need) {
		k = u->need - u->name.len < n ? u->need - u->name.len : n;
		buf_append(&u->name, p, k);
		return k;
	}
	k = u->left < n ? (size_t)u->left : n;
	u->left -= k;
	if (u->left == 0 && zip_entry_start(u) == 0 && u->zs != ZS_DEFLATE &&
	    u->left == 0)
		(void)zip_entry_done(u);
	return k;
}

static size_t
zip_data(struct unpack *u, const unsigned char *p, size_t n)
{
	size_t k = 0;
	int ret;

	if (u->zs == ZS_DEFLATE) {
		ret = inflate_some(u, p, n, &k, u->want);
		if (ret > 0)
			(void)zip_entry_done(u);
		return k;
	}
	k = u->left < n ? (size_t)u->left : n;
	if (u->zs == ZS_STORED && emit(u, p, k, u->want) < 0)
		return k;
	u->left -= k;
	if (u->left == 0)
		(void)zip_entry_done(u);
	return k;
}

static int
zip_feed(struct unpack *u, const unsigned char *p, size_t n)
{
	size_t k;

	while (n > 0 && u->error == NULL) {
		switch (u->zs) {
		case ZS_SIG:
		case ZS_LOCAL:
		case ZS_DESCRIPTOR:
			k = collect(u, p, n);
			if (u->have == u->need)
				(void)zip_header(u);
			break;
		case ZS_NAME:
			k = zip_name(u, p, n);
			break;
		case ZS_DONE:
			k = n;
			break;
		default:
			k = zip_data(u, p, n);
		}
		p += k;
		n -= k;
	}
	return u->error != NULL ? -1 : 0;
}

static int
process(struct unpack *u, const unsigned char *p, size_t n)
{
	switch (u->format) {
	case UNPACK_GZIP:
		return gzip_feed(u, p, n);
	case UNPACK_ZIP:
		return zip_feed(u, p, n);
	case UNPACK_XML:
		if (!u->entry_open && n > 0 && begin_entry(u, NULL) < 0)
			return -1;
		return emit(u, p, n, true);
	default:
		return 0;
	}
}

/* Tell the format from the first octets (or all there were). */
static int
detect(struct unpack *u)
{
	const unsigned char *m = u->magic;

	if (m[0] == 0x1f && (u->nmagic < 2 || m[1] == 0x8b))
		u->format = UNPACK_GZIP;
	else if (u->nmagic == 4 && le32(m) == ZIP_LOCAL)
		u->format = UNPACK_ZIP;
	else if (m[0] == 'P' && (u->nmagic < 2 || m[1] == 'K'))
		return fail(u, "zip without a local file header (empty or "
			       "not a zip)");
	else if (m[0] == '<' || m[0] == 0xef || m[0] == ' ' ||
		 m[0] == '\t' || m[0] == '\r' || m[0] == '\n')
		u->format = UNPACK_XML;
	else
		return fail(u, "neither XML, gzip nor zip");
	u->zs = ZS_SIG;
	u->have = 0;
	u->need = 4;
	return process(u, u->magic, u->nmagic);
}

int
unpack_feed(struct unpack *u, const void *data, size_t len,
	    const char **error_r)
{
	const unsigned char *p = data;

	if (u->error == NULL) {
		u->in_total += len;
		if (u->format == UNPACK_UNKNOWN) {
			while (len > 0 && u->nmagic < sizeof(u->magic)) {
				u->magic[u->nmagic++] = *p++;
				len--;
			}
			if (u->nmagic == sizeof(u->magic))
				(void)detect(u);
		}
		if (u->format != UNPACK_UNKNOWN && u->error == NULL)
			(void)process(u, p, len);
	}
	if (u->error != NULL) {
		*error_r = u->error;
		return -1;
	}
	return 0;
}

int
unpack_finish(struct unpack *u, const char **error_r)
{
	if (u->error == NULL && u->format == UNPACK_UNKNOWN) {
		if (u->nmagic == 0)
			fail(u, "empty attachment");
		else
			(void)detect(u);
	}
	if (u->error == NULL) {
		if (u->format == UNPACK_GZIP &&
		    (u->in_member || u->members == 0))
			fail(u, "gzip: truncated");
		else if (u->format == UNPACK_ZIP && u->zs != ZS_DONE)
			fail(u, "zip: truncated");
		else if (u->format == UNPACK_ZIP && u->nxml == 0)
			fail(u, "zip: no .xml entry");
		else if (u->format != UNPACK_ZIP && !u->entry_open)
			(void)begin_entry(u, NULL);
	}
	if (u->error == NULL && u->entry_open)
		(void)end_entry(u);
	if (u->error != NULL) {
		*error_r = u->error;
		return -1;
	}
	return 0;
}
