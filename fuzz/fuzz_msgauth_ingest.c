/*
 * fuzz_msgauth_ingest.c - libFuzzer target: the reports in a message
 * (msgauth-ingest.h: MIME walk, unpack, XML and ARF readers).  Every
 * report text handed over must parse as dmarc-received(5); small caps
 * keep each run short.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/arena.h"
#include "dmarc/dmarc-received.h"
#include "msgauth/msgauth-ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_report(void *ctx, const struct dmarc_received *r, const char *text,
	  size_t len)
{
	struct arena *a = ctx;
	struct dmarc_received *r2;
	const char *err;

	(void)r;
	if (dmarc_received_parse(text, len, a, &r2, &err) != 0)
		abort();
	return 0;
}

static void
on_refused(void *ctx, const char *part, const char *reason)
{
	(void)ctx;
	(void)part;
	if (reason == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msgauth_ingest_limits l = {1 << 20, 4 << 20, 100, 8, 1000,
					    8 << 20, 1 << 20};
	struct arena *a = arena_new(0);
	struct msgauth_ingest *in =
		msgauth_ingest_new(&l, 1, on_report, on_refused, a);

	msgauth_ingest_feed(in, data, size / 2);
	msgauth_ingest_feed(in, data + size / 2, size - size / 2);
	msgauth_ingest_finish(in);
	msgauth_ingest_free(&in);
	arena_free(&a);
	return 0;
}
