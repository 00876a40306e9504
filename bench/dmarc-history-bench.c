/*
 * dmarc-history-bench.c - what recording costs on the delivery path:
 * per record, dmarc_history_format() and dmarc_history_append() (open,
 * one O_APPEND write, close) into a directory, as dkimcheck does at the
 * end of each LMTP transaction.  Usage:
 *
 *   dmarc-history-bench DIR [N [HEADER]]   (default N = 100000)
 *
 * With HEADER > 0 each record also carries failure report data (RFC
 * 9991, dmarc-history(5) fdue= ... hdr=): MAIL FROM and a message header
 * of about HEADER octets (Received and X- fields of 72 octets each), the
 * record dkimcheck writes when the domain asks for failure reports.
 * Prints records per second and microseconds per record (CPU and wall).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-failure.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-history-file.h"

static double
secs(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct dmarc_history h = { 0 };
	struct arena *arena = arena_new(0);
	struct buf line = BUF_INIT, header = BUF_INIT;
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000, i;
	unsigned long hsize = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
	double w0, c0, w, c;
	const char *err;
	char id[64];

	if (argc < 2) {
		fprintf(stderr, "usage: dmarc-history-bench DIR [N [HEADER]]\n");
		return 2;
	}
	h.time = 1796119200;
	h.source_ip = "198.51.100.7";
	h.envelope_from = "example.com";
	h.envelope_to = "example.org";
	h.header_from = h.policy_domain = "example.com";
	h.record = "v=DMARC1; p=reject; rua=mailto:dmarc@example.com";
	h.discovery = "treewalk";
	h.dkim[0].domain = "example.com";
	h.dkim[0].selector = "sel2026";
	h.dkim[0].result = "fail";
	h.ndkim = 1;
	h.spf_result = "fail";
	h.spf_domain = "example.com";
	h.result = DMARC_RESULT_FAIL;
	h.policy = DMARC_POLICY_REJECT;
	h.disposition = DMARC_POLICY_QUARANTINE;
	h.reason = "local_policy";
	for (i = 0; header.len < hsize; i++)
		buf_printf(&header, "X-Bench-%04lu: from relay.example.net "
			   "(relay.example.net [192.0.2.%lu])\r\n", i, i % 250);
	if (hsize > 0) {
		h.failure_due = DMARC_FAILURE_DMARC;
		h.ruf = "mailto:ruf@example.com";
		h.fo = "1";
		h.mail_from = "bounce+id-123@example.com";
		h.header = buf_cstr(&header);
	}
	w0 = secs(CLOCK_MONOTONIC);
	c0 = secs(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "1796119200.1.%lu@bench", i);
		h.id = id;
		buf_reset(&line);
		dmarc_history_format(&h, &line);
		if (dmarc_history_append(argv[1], "bench.1", h.time, line.data,
					 line.len, arena, &err) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		arena_clear(arena);
	}
	w = secs(CLOCK_MONOTONIC) - w0;
	c = secs(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("%lu records, %zu bytes each: %.0f records/s, %.2f us wall, "
	       "%.2f us CPU per record\n", n, line.len, n / w, w * 1e6 / n,
	       c * 1e6 / n);
	buf_free(&line);
	buf_free(&header);
	arena_free(&arena);
	return 0;
}
