/*
 * fuzz_msg_mime.c - libFuzzer target: the streaming MIME walker
 * (msg-mime.h) with its parameter reader and decoders.  The events it
 * hands out must be the same whether the message comes whole or in
 * pieces (split at a point taken from the input), every part begun must
 * end, and decoded data never exceeds what was fed plus the line ends
 * the decoders add.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "msg/msg-mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct render {
	struct buf out;
	int open;
};

static void
on_begin(void *ctx, const struct msg_mime_part *p)
{
	struct render *r = ctx;

	if (r->open)
		abort();
	r->open = 1;
	buf_printf(&r->out, "B%u %s %s %d|", p->depth, p->type,
		   p->name != NULL ? p->name : "-", (int)p->encoding);
}

static void
on_data(void *ctx, const struct msg_mime_part *p, const void *d, size_t n)
{
	struct render *r = ctx;

	(void)p;
	if (!r->open)
		abort();
	buf_append(&r->out, d, n);
}

static void
on_end(void *ctx, const struct msg_mime_part *p, bool truncated)
{
	struct render *r = ctx;

	(void)p;
	if (!r->open)
		abort();
	r->open = 0;
	buf_append_str(&r->out, truncated ? "|E!" : "|E");
}

static void
walk(const uint8_t *data, size_t size, size_t step, struct render *r)
{
	static const struct msg_mime_callbacks cb = {
		.part_begin = on_begin, .part_data = on_data,
		.part_end = on_end};
	struct msg_mime_limits lim = {4, 50, 4096};
	struct msg_mime *m = msg_mime_new(&lim, &cb, r);

	for (size_t off = 0; off < size; off += step)
		msg_mime_feed(m, data + off,
			      size - off < step ? size - off : step);
	msg_mime_finish(m);
	msg_mime_free(&m);
	if (r->open)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct render whole = {BUF_INIT, 0}, split = {BUF_INIT, 0};
	size_t step = size > 0 ? 1 + data[0] % 61 : 1;

	walk(data, size, size > 0 ? size : 1, &whole);
	walk(data, size, step, &split);
	if (whole.out.len != split.out.len ||
	    (whole.out.len > 0 &&
	     memcmp(whole.out.data, split.out.data, whole.out.len) != 0))
		abort();
	buf_free(&whole.out);
	buf_free(&split.out);
	return 0;
}
