/*
 * fuzz_xml_parse.c - libFuzzer target: the streaming XML reader
 * (util/xml-parse.h).  The first octet picks a piece size; the rest is
 * read whole and in pieces, and both reads must give the same events.
 * Every event keeps the reader's promises: tags nest (an END closes the
 * innermost START, depths step by one), text and names are valid UTF-8
 * of XML Chars, and the reader ends in EOF or an error.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml.h"
#include "util/xml-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, size_t len)
{
	const char *err;

	if (s == NULL || xml_check((const unsigned char *)s, len, &err) < 0)
		abort();
}

static void
read_all(const uint8_t *doc, size_t len, size_t piece, struct buf *trace)
{
	struct xml_parse_limits l;
	struct xml_parse *x;
	struct xml_event ev;
	size_t off = 0, n;
	unsigned int depth = 0;

	xml_parse_limits_default(&l);
	l.max_text = 4096;
	l.max_depth = 32;
	x = xml_parse_new(&l);
	for (;;) {
		xml_parse_next(x, &ev);
		if (ev.type == XML_EV_NEED_MORE) {
			if (off == len) {
				xml_parse_end(x);
				continue;
			}
			n = len - off < piece ? len - off : piece;
			xml_parse_push(x, doc + off, n);
			off += n;
			continue;
		}
		buf_printf(trace, "%d:", (int)ev.type);
		if (ev.type == XML_EV_START) {
			if (ev.depth != ++depth)
				abort();
			check_text(ev.name, strlen(ev.name));
			buf_append_str(trace, ev.name);
		} else if (ev.type == XML_EV_END) {
			if (ev.depth != depth--)
				abort();
			buf_append_str(trace, ev.name);
		} else if (ev.type == XML_EV_TEXT || ev.type == XML_EV_COMMENT) {
			check_text(ev.text, ev.text_len);
			buf_append(trace, ev.text, ev.text_len);
		}
		buf_append_char(trace, '\n');
		if (ev.type == XML_EV_EOF && depth != 0)
			abort();
		if (ev.type == XML_EV_EOF || ev.type == XML_EV_ERROR)
			break;
	}
	xml_parse_free(&x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole = BUF_INIT, pieces = BUF_INIT;

	if (size == 0)
		return 0;
	read_all(data + 1, size - 1, size, &whole);
	read_all(data + 1, size - 1, (size_t)data[0] % 64 + 1, &pieces);
	if (whole.len != pieces.len ||
	    memcmp(whole.data, pieces.data, whole.len) != 0)
		abort();
	buf_free(&whole);
	buf_free(&pieces);
	return 0;
}
