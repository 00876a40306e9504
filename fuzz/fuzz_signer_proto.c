/*
 * fuzz_signer_proto.c - libFuzzer target: the SigningSocket protocol
 * (signer-proto.h) - the input as a request line, and as a whole reply
 * (head line, then the body the client parses); an accepted SIGNED reply
 * must have fields of the announced length.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "signer-message.h"
#include "signer-proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *lf, *err;
	struct signer_reply_head head;
	struct signer_request req;
	struct signer_outcome o;
	struct arena *a;

	(void)signer_proto_request_parse(p, size, &req, &err);
	if ((lf = memchr(p, '\n', size)) == NULL ||
	    signer_proto_reply_head_parse(p, (size_t)(lf - p), &head, &err) < 0)
		return 0;
	a = arena_new(0);
	if (signer_proto_reply_body_parse(&head, lf + 1,
					  size - (size_t)(lf - p) - 1, a, &o,
					  &err) == 0 &&
	    o.verdict == SIGNER_SIGNED && o.fields_len != head.body_len)
		abort();
	arena_free(&a);
	return 0;
}
