/*
 * check_unpack.c - streaming decompression of report attachments
 * (util/unpack.h).
 *
 * The packed fixtures (tests/fixtures/reports-in) were made by Python's
 * gzip and zipfile modules (make-fixtures.py) from the XML files beside
 * them: what unpacks must be exactly those XML files, fed whole, one
 * octet at a time and in odd pieces.  Formats: RFC 1952 (gzip; members
 * may be concatenated, 2.2), PKWARE APPNOTE 4.3 (zip local headers,
 * 4.3.9 data descriptors with their optional signature, CRC-32 4.4.7),
 * RFC 1951 (deflate).  The caps: unpacked size, and ratio after the
 * first MiB (UNPACK_RATIO_GRACE).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/unpack.h"
#include "harness.h"

struct got {
	struct buf data;  /* the entries' data, concatenated */
	struct buf names; /* "name;" per entry begun, "end;" per end */
	int stop_after;   /* fail the callback at this DATA call (0: never) */
	int calls;
};

static int
collect(void *ctx, enum unpack_event ev, const char *name, const void *data,
	size_t len)
{
	struct got *g = ctx;

	switch (ev) {
	case UNPACK_ENTRY_BEGIN:
		buf_printf(&g->names, "%s;", name != NULL ? name : "-");
		break;
	case UNPACK_DATA:
		if (++g->calls == g->stop_after)
			return -1;
		buf_append(&g->data, data, len);
		break;
	case UNPACK_ENTRY_END:
		buf_append_str(&g->names, "end;");
		break;
	}
	return 0;
}

static void
fixture(const char *name, struct ma_file *f)
{
	char path[4096];
	const char *err;

	snprintf(path, sizeof(path), "%s/reports-in/%s", harness_testdata(),
		 name);
	ck_assert_msg(ma_file_read(path, 64 << 20, 0, f, &err) == 0,
		      "%s: %s", path, err);
}

/* Unpack `in` fed `piece` octets at a time (0: whole): 0 or -1 with
 * *error_r. */
static int
unpack_all(const struct ma_file *in, size_t piece,
	   const struct unpack_limits *l, struct got *g, const char **error_r,
	   enum unpack_format *format_r)
{
	struct unpack *u = unpack_new(l, collect, g);
	size_t off = 0, n;
	int ret = 0;

	while (ret == 0 && off < in->len) {
		n = piece == 0 || in->len - off < piece ? in->len - off : piece;
		ret = unpack_feed(u, in->data + off, n, error_r);
		off += n;
	}
	if (ret == 0)
		ret = unpack_finish(u, error_r);
	if (format_r != NULL)
		*format_r = unpack_format(u);
	unpack_free(&u);
	return ret;
}

static const struct {
	const char *packed, *xml, *names;
	enum unpack_format format;
} good[] = {
	{ "google.zip", "google.xml",
	  "google.com!example.com!1765065600!1765151999.xml;end;", UNPACK_ZIP },
	{ "microsoft.xml.gz", "microsoft.xml",
	  "enterprise.protection.outlook.com!example.com!1765065600!"
	  "1765152000.xml;end;", UNPACK_GZIP },
	/* written as a stream: data descriptors after the data */
	{ "yahoo.zip", "yahoo.xml",
	  "yahoo.com!example.com!1765065600!1765151999.xml;end;", UNPACK_ZIP },
	/* two gzip members: one entry (RFC 1952 2.2) */
	{ "fastmail.xml.gz", "fastmail.xml", "fastmail.xml;end;", UNPACK_GZIP },
	/* README.txt skipped, report.XML (stored) taken */
	{ "rfc9990.zip", "rfc9990-sample.xml", "report.XML;end;", UNPACK_ZIP },
	{ "rfc9990-sample.xml", "rfc9990-sample.xml", "-;end;", UNPACK_XML },
	/* the magic bytes decide, not the name */
	{ "gzip-named.zip", "google.xml", "google.xml;end;", UNPACK_GZIP },
	{ "zip-named.xml.gz", "google.xml", "google.xml;end;", UNPACK_ZIP },
};

START_TEST(test_good)
{
	static const size_t pieces[] = { 0, 1, 7, 4096 };
	struct ma_file packed, xml;
	const char *err = NULL;
	enum unpack_format format;
	size_t i;

	fixture(good[_i].packed, &packed);
	fixture(good[_i].xml, &xml);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		struct got g = { BUF_INIT, BUF_INIT, 0, 0 };

		ck_assert_msg(unpack_all(&packed, pieces[i], NULL, &g, &err,
					 &format) == 0,
			      "%s in pieces of %zu: %s", good[_i].packed,
			      pieces[i], err);
		ck_assert_int_eq(format, good[_i].format);
		harness_assert_str("entries", buf_cstr(&g.names),
				   good[_i].names);
		ck_assert_msg(g.data.len == xml.len &&
				      memcmp(g.data.data, xml.data, xml.len) ==
					      0,
			      "%s in pieces of %zu: %zu octets, want %s's %zu",
			      good[_i].packed, pieces[i], g.data.len,
			      good[_i].xml, xml.len);
		buf_free(&g.data);
		buf_free(&g.names);
	}
	ma_file_free(&packed);
	ma_file_free(&xml);
}
END_TEST

static const struct {
	const char *file;
	const char *reason;
} bad[] = {
	{ "bomb.zip", "compression ratio over the limit (a decompression "
		      "bomb?)" },
	{ "bomb.xml.gz", "compression ratio over the limit (a decompression "
			 "bomb?)" },
	{ "truncated.xml.gz", "gzip: truncated" },
	{ "truncated.zip", "zip: truncated" },
	{ "no-xml.zip", "zip: no .xml entry" },
	{ "garbage.bin", "neither XML, gzip nor zip" },
};

START_TEST(test_bad)
{
	struct ma_file in;
	struct got g = { BUF_INIT, BUF_INIT, 0, 0 };
	const char *err = NULL;

	fixture(bad[_i].file, &in);
	ck_assert_int_eq(unpack_all(&in, 1000, NULL, &g, &err, NULL), -1);
	harness_assert_str(bad[_i].file, err, bad[_i].reason);
	/* the bombs are stopped soon after the grace: a few MiB out */
	ck_assert_msg(g.data.len < 4 * UNPACK_RATIO_GRACE,
		      "%s: %zu octets out", bad[_i].file, g.data.len);
	buf_free(&g.data);
	buf_free(&g.names);
	ma_file_free(&in);
}
END_TEST

/* The caps and the corruptions a format check must catch. */
START_TEST(test_caps_and_corruption)
{
	struct ma_file in;
	struct unpack_limits l;
	struct got g = { BUF_INIT, BUF_INIT, 0, 0 };
	const char *err = NULL;
	char *hit;

	/* the size cap, with the ratio cap off: google.xml is 2438 octets */
	fixture("google.zip", &in);
	l.max_output = 2438;
	l.max_ratio = 0;
	ck_assert_int_eq(unpack_all(&in, 0, &l, &g, &err, NULL), 0);
	buf_reset(&g.data);
	buf_reset(&g.names);
	l.max_output = 2437;
	ck_assert_int_eq(unpack_all(&in, 0, &l, &g, &err, NULL), -1);
	harness_assert_str("size cap", err, "unpacked size over the limit");
	ma_file_free(&in);

	/* the bomb with the ratio cap off meets the size cap */
	fixture("bomb.xml.gz", &in);
	l.max_output = 3 << 20;
	buf_reset(&g.data);
	ck_assert_int_eq(unpack_all(&in, 0, &l, &g, &err, NULL), -1);
	harness_assert_str("bomb, size cap", err,
			   "unpacked size over the limit");
	ma_file_free(&in);

	/* a changed octet in a stored entry: CRC-32 (APPNOTE 4.4.7) */
	fixture("rfc9990.zip", &in);
	hit = memmem(in.data, in.len, "Sample Reporter", 15);
	ck_assert_ptr_nonnull(hit);
	hit[0] = 'X';
	buf_reset(&g.data);
	ck_assert_int_eq(unpack_all(&in, 0, NULL, &g, &err, NULL), -1);
	harness_assert_str("stored, one octet changed", err,
			   "zip: CRC-32 mismatch");
	ma_file_free(&in);

	/* the callback stops it */
	fixture("google.zip", &in);
	g.stop_after = 1;
	g.calls = 0;
	ck_assert_int_eq(unpack_all(&in, 100, NULL, &g, &err, NULL), -1);
	harness_assert_str("callback stops", err, "stopped");
	ma_file_free(&in);

	buf_free(&g.data);
	buf_free(&g.names);
}
END_TEST

START_TEST(test_empty)
{
	struct unpack *u = unpack_new(NULL, collect, NULL);
	const char *err = NULL;

	ck_assert_int_eq(unpack_finish(u, &err), -1);
	harness_assert_str("nothing", err, "empty attachment");
	unpack_free(&u);
	ck_assert_ptr_null(u);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("unpack");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_caps_and_corruption);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
