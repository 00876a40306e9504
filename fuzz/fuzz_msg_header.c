/*
 * fuzz_msg_header.c - libFuzzer target: the RFC 5322 header push parser.
 * The first byte chooses a piece size and a field limit; the event
 * stream (with msg_header_hides_from(), the oversized flag and the
 * stream offsets of each field) must equal the one for the whole input
 * and the one for one byte at a time, fields must stay within the limit,
 * and body bytes must add up to the input's tail.  Fed one byte at a
 * time the parser never takes its in-place shortcut (a field is handed
 * out in place only with the start of the line after it in the same
 * push), fed whole it takes it wherever it can: old and new way compared.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "msg/msg-header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const uint8_t *data, size_t size, size_t step, size_t max, struct buf *out)
{
	struct msg_header_parser *p = msg_header_parser_new(max);
	struct msg_header_field f;
	enum msg_header_event ev;
	size_t off = 0, n;

	for (;;) {
		ev = msg_header_next(p, &f);
		if (ev == MSG_HEADER_NEED_MORE) {
			n = size - off < step ? size - off : step;
			if (n == 0)
				msg_header_push_eof(p);
			else
				msg_header_push(p, data + off, n);
			off += n;
			continue;
		}
		if (ev == MSG_HEADER_EOF)
			break;
		if (ev == MSG_HEADER_FIELD) {
			if (f.raw_len > max || f.name_len > f.raw_len ||
			    (f.name_len > 0 && f.value + f.value_len != f.raw + f.raw_len))
				abort();
			buf_printf(out, "F%zu%c%c%zu+%zu:", f.name_len,
				   msg_header_hides_from(f.raw, f.raw_len) ?
				   'h' : '-', f.oversized ? 'o' : '-',
				   f.offset, f.input_len);
		} else if (ev == MSG_HEADER_END) {
			buf_append_str(out, "E");
		}
		if (ev != MSG_HEADER_END)
			buf_append(out, f.raw, f.raw_len);
	}
	msg_header_parser_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	size_t step, max;

	if (size == 0)
		return 0;
	step = 1 + data[0] % 32;
	max = 16 + (size_t)(data[0] >> 5) * 64;
	run(data + 1, size - 1, size, max, &a);
	run(data + 1, size - 1, step, max, &b);
	run(data + 1, size - 1, 1, max, &c);
	if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		abort();
	if (a.len != c.len || (a.len > 0 && memcmp(a.data, c.data, a.len) != 0))
		abort();
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
	return 0;
}
