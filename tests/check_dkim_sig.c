/*
 * check_dkim_sig.c - dkim_sig_parse() on its own: the tags of a
 * DKIM-Signature (RFC 6376 3.5), the h= list, b=/bh= with folding, and
 * the field with b= emptied (3.7).  Expected values follow from the RFC
 * text quoted at each case; every case passes on the parser before the
 * issue 20 rewrite (per-name taglist_get(), one arena string per h=
 * name) as on the one-pass lookup, so the rewrite keeps its behaviour.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "dkim/dkim-sig.h"
#include "harness.h"

#define SIG_HEAD "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
#define SIG_BH "bh=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=; "
#define SIG_B "b=dGVzdA=="

/* h= as written -> the names the parser must list, ':'-joined; or the
 * reason it must give */
static const struct {
	const char *h;
	const char *names;  /* NULL: an error */
	const char *reason; /* NULL: parses */
} h_cases[] = {
	/* 3.5 h=: sig-h-tag = %x68 [FWS] "=" [FWS] hdr-name
	 * *( [FWS] ":" [FWS] hdr-name ) */
	{"from", "from", NULL},
	{"From:To", "From:To", NULL},
	{"fRoM", "fRoM", NULL}, /* field names compare case-insensitively */
	{"to : from", "to:from", NULL},
	{"to\r\n\t:\r\n from\r\n :subject", "to:from:subject", NULL},
	{"from:from:x-a_b.c", "from:from:x-a_b.c", NULL},
	/* 5.4: "The From header field MUST be signed" */
	{"to:subject", NULL, "From field not signed"},
	{"xfrom:fro:froma", NULL, "From field not signed"},
	{"to::from", NULL, "empty header name in h="},
	{"from:", NULL, "empty header name in h="},
	{":from", NULL, "empty header name in h="},
	{"to from", NULL, "malformed h="},
};

static const char *
names_joined(const struct dkim_sig *sig, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < sig->nheaders && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s",
				      i > 0 ? ":" : "", sig->headers[i]);
	return buf;
}

START_TEST(test_h_list)
{
	struct arena *arena = arena_new(0);
	struct dkim_sig sig;
	char raw[512], got[512];
	const char *reason = NULL;
	int r;

	snprintf(raw, sizeof(raw), SIG_HEAD "h=%s; " SIG_BH SIG_B,
		 h_cases[_i].h);
	r = dkim_sig_parse(raw, strlen(raw), arena, &sig, &reason);
	if (h_cases[_i].reason == NULL) {
		ck_assert_msg(r == 0, "h=%s: %s", h_cases[_i].h, reason);
		ck_assert_msg(strcmp(names_joined(&sig, got, sizeof(got)),
				     h_cases[_i].names) == 0,
			      "h=%s: got %s, want %s", h_cases[_i].h, got,
			      h_cases[_i].names);
	} else {
		ck_assert_msg(r == -1 &&
				      strcmp(reason, h_cases[_i].reason) == 0,
			      "h=%s: got %d %s, want %s", h_cases[_i].h, r,
			      r == 0 ? "-" : reason, h_cases[_i].reason);
	}
	arena_free(&arena);
}
END_TEST

/* DKIM_SIG_MAX_HEADERS names are accepted, one more is not. */
START_TEST(test_h_limit)
{
	struct arena *arena = arena_new(0);
	struct dkim_sig sig;
	size_t n = DKIM_SIG_MAX_HEADERS, i, o;
	size_t size = sizeof(SIG_HEAD SIG_BH SIG_B) + 8 * (n + 1) + 16;
	char *raw = malloc(size);
	const char *reason = NULL;

	ck_assert_ptr_nonnull(raw);
	o = (size_t)snprintf(raw, size, SIG_HEAD "h=from");
	for (i = 1; i < n; i++)
		o += (size_t)snprintf(raw + o, size - o, ":x");
	o += (size_t)snprintf(raw + o, size - o, "; " SIG_BH SIG_B);
	ck_assert_int_eq(dkim_sig_parse(raw, o, arena, &sig, &reason), 0);
	ck_assert_uint_eq(sig.nheaders, n);
	ck_assert_str_eq(sig.headers[n - 1], "x");
	o = (size_t)snprintf(raw, size, SIG_HEAD "h=from");
	for (i = 1; i <= n; i++)
		o += (size_t)snprintf(raw + o, size - o, ":x");
	o += (size_t)snprintf(raw + o, size - o, "; " SIG_BH SIG_B);
	ck_assert_int_eq(dkim_sig_parse(raw, o, arena, &sig, &reason), -1);
	ck_assert_str_eq(reason, "too many names in h=");
	free(raw);
	arena_free(&arena);
}
END_TEST

/* Whole signatures: which tag the parser finds (3.2: tag names are
 * case-sensitive; unknown tags are ignored, 3.2 "Unrecognized tags MUST
 * be ignored"), and the reason for each failure. */
static const struct {
	const char *sig;
	const char *reason; /* NULL: parses */
} sig_cases[] = {
	{SIG_HEAD "h=from; " SIG_BH SIG_B, NULL},
	{SIG_HEAD "h=from; hh=x; bb=y; z=1; " SIG_BH SIG_B, NULL},
	{SIG_HEAD "H=from; " SIG_BH SIG_B, "missing required tag"},
	{SIG_HEAD "h=from; " SIG_BH "B=dGVzdA==", "missing required tag"},
	{SIG_HEAD "h=from; " SIG_B, "missing required tag"},
	{SIG_HEAD "h=from; " SIG_BH, "missing required tag"},
	{"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; h=from; " SIG_BH
	 SIG_B, "missing required tag"},
	{SIG_HEAD "h=from; h=to; " SIG_BH SIG_B, "duplicate tag"},
	{SIG_HEAD "h=from; " SIG_BH SIG_B "; v=1", "duplicate tag"},
	{"DKIM-Signature v=1", "not a header field"},
	{SIG_HEAD "h=from; i=@sub.example.com; " SIG_BH SIG_B, NULL},
	{SIG_HEAD "h=from; i=sub.example.com; " SIG_BH SIG_B,
	 "i= without '@'"},
	{SIG_HEAD "h=from; q=dns/txt; l=0; t=1; x=1; " SIG_BH SIG_B, NULL},
	{SIG_HEAD "h=from; t=2; x=1; " SIG_BH SIG_B, "x= is earlier than t="},
	{SIG_HEAD "h=from; " SIG_BH "b=dGV\r\n zdA =\r\n\t=", NULL},
	{SIG_HEAD "h=from; " SIG_BH "b=dGV*zdA==", "b= is not valid base64"},
	{SIG_HEAD "h=from; " SIG_BH "b=", "b= is empty"},
	{SIG_HEAD "h=from; bh=MTIz\r\n NDU2Nzg5MDEy"
		  "MzQ1Njc4OTAxMjM0NTY3ODkwMTI=; " SIG_B, NULL},
	{SIG_HEAD "h=from; bh=MT=Iz; " SIG_B, "bh= is not valid base64"},
};

START_TEST(test_signatures)
{
	struct arena *arena = arena_new(0);
	struct dkim_sig sig;
	const char *in = sig_cases[_i].sig, *reason = NULL;
	int r = dkim_sig_parse(in, strlen(in), arena, &sig, &reason);

	if (sig_cases[_i].reason == NULL)
		ck_assert_msg(r == 0, "%s: %s", in, reason);
	else
		ck_assert_msg(r == -1 &&
				      strcmp(reason, sig_cases[_i].reason) == 0,
			      "%s: got %d %s, want %s", in, r,
			      r == 0 ? "-" : reason, sig_cases[_i].reason);
	arena_free(&arena);
}
END_TEST

/* The parsed fields, and 3.7: the field hashed with the b= value
 * emptied, everything else (folding included) kept. */
START_TEST(test_fields)
{
	static const char raw[] =
		"DKIM-Signature: v=1; a=rsa-sha256; d=Example.com;\r\n"
		"\ts=sel; c=relaxed/simple; h=From : to;\r\n"
		"\tbh=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=;\r\n"
		"\tb=dGVz\r\n\t dA==; i=joe@example.com";
	struct arena *arena = arena_new(0);
	struct dkim_sig sig;
	const char *reason = NULL;

	ck_assert_int_eq(dkim_sig_parse(raw, strlen(raw), arena, &sig,
					&reason), 0);
	ck_assert_str_eq(sig.domain, "Example.com");
	ck_assert_str_eq(sig.selector, "sel");
	ck_assert_str_eq(sig.algorithm, "rsa-sha256");
	ck_assert_str_eq(sig.auid, "joe@example.com");
	ck_assert_str_eq(sig.auid_domain, "example.com");
	ck_assert_str_eq(sig.b_prefix, "dGVzdA==");
	ck_assert_uint_eq(sig.b_len, 4);
	ck_assert(memcmp(sig.b, "test", 4) == 0);
	ck_assert_uint_eq(sig.bh_len, 32);
	ck_assert(memcmp(sig.bh, "12345678901234567890123456789012", 32) == 0);
	ck_assert_uint_eq(sig.nheaders, 2);
	ck_assert_str_eq(sig.headers[0], "From");
	ck_assert_str_eq(sig.headers[1], "to");
	ck_assert_int_eq(sig.header_canon, DKIM_CANON_RELAXED);
	ck_assert_int_eq(sig.body_canon, DKIM_CANON_SIMPLE);
	ck_assert_str_eq(sig.raw_unsigned,
			 "DKIM-Signature: v=1; a=rsa-sha256; d=Example.com;\r\n"
			 "\ts=sel; c=relaxed/simple; h=From : to;\r\n"
			 "\tbh=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=;\r\n"
			 "\tb=; i=joe@example.com");
	ck_assert_uint_eq(sig.raw_unsigned_len, strlen(sig.raw_unsigned));
	arena_free(&arena);
}
END_TEST

/* 3.5 i=: "The default is an empty local-part followed by an "@"
 * followed by the domain from the "d=" tag". */
START_TEST(test_auid_default)
{
	static const char raw[] = SIG_HEAD "h=from; " SIG_BH SIG_B;
	struct arena *arena = arena_new(0);
	struct dkim_sig sig;
	const char *reason = NULL;

	ck_assert_int_eq(dkim_sig_parse(raw, strlen(raw), arena, &sig,
					&reason), 0);
	ck_assert_str_eq(sig.auid, "@example.com");
	ck_assert_str_eq(sig.auid_domain, "example.com");
	ck_assert_ptr_eq(sig.auid_domain, sig.auid + 1);
	arena_free(&arena);
}
END_TEST

/* d= and s= (RFC 6376 3.5, 3.1): RFC 5321 4.1.2 sub-domains, letters,
 * digits and hyphens only: every byte value inside a label. */
START_TEST(test_name_bytes)
{
	char domain[16], selector[8];
	unsigned int c;

	for (c = 1; c < 256; c++) {
		/* a '.' just splits the label in two */
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '.';

		snprintf(domain, sizeof(domain), "ex%cmple.com", (int)c);
		snprintf(selector, sizeof(selector), "s%c1", (int)c);
		ck_assert_msg(dkim_sig_domain_valid(domain) == ok,
			      "d= with \\x%02x", c);
		ck_assert_msg(dkim_sig_selector_valid(selector) == ok,
			      "s= with \\x%02x", c);
	}
	ck_assert(!dkim_sig_domain_valid("-example.com"));
	ck_assert(!dkim_sig_domain_valid("example-.com"));
	ck_assert(!dkim_sig_domain_valid("example.123"));
	ck_assert(dkim_sig_domain_valid("123.example"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim-sig");
	TCase *tc = tcase_create("rfc6376-3.5");
	int failed;

	tcase_add_loop_test(tc, test_h_list, 0,
			    sizeof(h_cases) / sizeof(h_cases[0]));
	tcase_add_test(tc, test_h_limit);
	tcase_add_loop_test(tc, test_signatures, 0,
			    sizeof(sig_cases) / sizeof(sig_cases[0]));
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_auid_default);
	tcase_add_test(tc, test_name_bytes);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
