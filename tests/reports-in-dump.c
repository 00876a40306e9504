/*
 * reports-in-dump.c - test tool: unpack one report attachment
 * (util/unpack.h) and read each report in it (dmarc-report-parse.h),
 * streaming, fed PIECE octets at a time; print each report's
 * dmarc-received(5) text, or "refused: REASON" and exit 1.  With
 * -c: rows are handed to a callback and only counted (memory of one
 * row); the report's line and "rows N count SUM maxrss_kb KB" are
 * printed (SUM: the rows' counts added up).
 * tests/reports-in.sh compares its output with what Python's
 * xml.etree reads from the same XML.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/unpack.h"
#include "dmarc/dmarc-report-parse.h"

#define PIECE 1000

struct dump {
	struct arena *arena;
	struct dmarc_report_parse *parse;
	bool count_only;
	uint64_t rows, messages;
	const char *error;
};

static int
count_row(void *ctx, const struct dmarc_received *head,
	  const struct dmarc_received_row *row)
{
	struct dump *d = ctx;

	(void)head;
	d->rows++;
	d->messages += row->count;
	return 0;
}

static int
entry(void *ctx, enum unpack_event ev, const char *name, const void *data,
      size_t len)
{
	struct dump *d = ctx;
	struct dmarc_received *r;
	struct buf out = BUF_INIT;
	struct rusage ru;

	switch (ev) {
	case UNPACK_ENTRY_BEGIN:
		printf("entry %s\n", name != NULL ? name : "-");
		d->rows = 0;
		d->messages = 0;
		d->parse = dmarc_report_parse_new(d->arena, NULL, 0,
						  d->count_only ? count_row
								: NULL,
						  d);
		return 0;
	case UNPACK_DATA:
		return dmarc_report_parse_feed(d->parse, data, len, &d->error);
	case UNPACK_ENTRY_END:
		if (dmarc_report_parse_finish(d->parse, 1765152000, &r,
					      &d->error) < 0)
			return -1;
		if (d->count_only) {
			dmarc_received_format_head(r, &out);
			getrusage(RUSAGE_SELF, &ru);
			printf("%srows %llu count %llu maxrss_kb %ld\n",
			       buf_cstr(&out), (unsigned long long)d->rows,
			       (unsigned long long)d->messages, ru.ru_maxrss);
		} else {
			dmarc_received_format(r, &out);
			fputs(buf_cstr(&out), stdout);
		}
		buf_free(&out);
		dmarc_report_parse_free(&d->parse);
		arena_clear(d->arena);
		return 0;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct dump d = { 0 };
	struct unpack *u;
	unsigned char buf[PIECE];
	const char *err = NULL;
	size_t n;
	FILE *f;
	int ret = 0;

	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		d.count_only = true;
		argv++;
		argc--;
	}
	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: reports-in-dump [-c] FILE\n");
		return 2;
	}
	d.arena = arena_new(0);
	u = unpack_new(NULL, entry, &d);
	while (ret == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		ret = unpack_feed(u, buf, n, &err);
	if (ret == 0)
		ret = unpack_finish(u, &err);
	if (ret < 0)
		printf("refused: %s\n", d.error != NULL ? d.error : err);
	dmarc_report_parse_free(&d.parse);
	unpack_free(&u);
	arena_free(&d.arena);
	fclose(f);
	return ret < 0 ? 1 : 0;
}
