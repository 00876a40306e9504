/*
 * check_dns_packet.c - DNS response messages as libunbound's event
 * interface hands them over (lib/dns/dns-packet.c, lib/dns/dns-rr.c): the answer
 * walk, RFC 1035 4.1.4 name compression, and every way a message can be
 * malformed.  Messages are built here byte by byte from RFC 1035 4.1;
 * what must be accepted or refused follows from that section.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "dns/dns-packet.h"
#include "dns/dns-rr.h"
#include "harness.h"

struct msg {
	unsigned char b[4096];
	size_t len;
};

static void
put(struct msg *m, const void *data, size_t n)
{
	ck_assert_uint_le(m->len + n, sizeof(m->b));
	memcpy(m->b + m->len, data, n);
	m->len += n;
}

static void
put16(struct msg *m, unsigned int v)
{
	unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	put(m, b, 2);
}

/* Header (rcode, one question, `ancount` answers) and the question
 * "example.test" of `qtype`; the qname starts at offset 12. */
static void
start(struct msg *m, unsigned int rcode, unsigned int qtype,
      unsigned int ancount)
{
	static const unsigned char qname[] = "\7example\4test";

	m->len = 0;
	put16(m, 0x1234);
	put16(m, 0x8180 | rcode);
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	put(m, qname, sizeof(qname)); /* includes the root label's 0 */
	put16(m, qtype);
	put16(m, 1);
}

/* An answer record owned by the qname (pointer to offset 12). */
static void
answer(struct msg *m, unsigned int type, unsigned int ttl, const void *rdata,
       size_t rdlen)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put16(m, ttl >> 16);
	put16(m, ttl & 0xffff);
	put16(m, (unsigned int)rdlen);
	put(m, rdata, rdlen);
}

static int
parse(const struct msg *m, enum dns_type qtype, struct arena *a,
      struct dns_packet_answer *ans, const char **err)
{
	*err = NULL;
	return dns_packet_parse(m->b, m->len, qtype, a, ans, err);
}

START_TEST(test_answers_and_ttl)
{
	struct arena *a = arena_new(0);
	struct dns_packet_answer ans;
	struct msg m;
	const char *err;
	static const unsigned char a1[] = {192, 0, 2, 1}, a2[] = {192, 0, 2, 2};

	start(&m, 0, DNS_T_A, 2);
	answer(&m, DNS_T_A, 300, a1, 4);
	answer(&m, DNS_T_A, 60, a2, 4);
	ck_assert_int_eq(parse(&m, DNS_T_A, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.count, 2);
	ck_assert_uint_eq(ans.ttl, 60); /* the smallest */
	ck_assert_uint_eq(ans.rcode, 0);
	ck_assert_int_eq(memcmp(&ans.rrs[1].u.a, a2, 4), 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_compressed_names)
{
	struct arena *a = arena_new(0);
	struct dns_packet_answer ans;
	struct msg m;
	const char *err;
	/* MX 10 mail.<pointer to example.test> */
	static const unsigned char mx[] = {0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 12};
	/* CNAME host.<pointer>, then the A of the target */
	static const unsigned char cname[] = {4, 'h', 'o', 's', 't', 0xc0, 12};
	static const unsigned char addr[] = {198, 51, 100, 7};

	start(&m, 0, DNS_T_MX, 1);
	answer(&m, DNS_T_MX, 300, mx, sizeof(mx));
	ck_assert_int_eq(parse(&m, DNS_T_MX, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.count, 1);
	ck_assert_uint_eq(ans.rrs[0].u.mx.preference, 10);
	harness_assert_str("mx exchange", ans.rrs[0].u.mx.exchange,
			   "mail.example.test");

	start(&m, 0, DNS_T_A, 2);
	answer(&m, DNS_T_CNAME, 300, cname, sizeof(cname));
	answer(&m, DNS_T_A, 300, addr, 4);
	ck_assert_int_eq(parse(&m, DNS_T_A, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.count, 1);
	harness_assert_str("canonname", ans.canonname, "host.example.test");
	arena_free(&a);
}
END_TEST

START_TEST(test_rcode_and_nodata)
{
	struct arena *a = arena_new(0);
	struct dns_packet_answer ans;
	struct msg m;
	const char *err;
	static const unsigned char txt[] = {3, 'a', 'b', 'c'};

	start(&m, 3, DNS_T_TXT, 0);
	ck_assert_int_eq(parse(&m, DNS_T_TXT, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.rcode, 3); /* NXDOMAIN, from the header */
	ck_assert_uint_eq(ans.count, 0);
	/* records of another type are not an answer */
	start(&m, 0, DNS_T_A, 1);
	answer(&m, DNS_T_TXT, 300, txt, sizeof(txt));
	ck_assert_int_eq(parse(&m, DNS_T_A, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.count, 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_bad_record_skipped)
{
	struct arena *a = arena_new(0);
	struct dns_packet_answer ans;
	struct msg m;
	const char *err;
	static const unsigned char short_a[] = {192, 0, 2};
	static const unsigned char good_a[] = {192, 0, 2, 1};

	/* an A record of 3 octets (RFC 1035 3.4.1 says 4) is skipped */
	start(&m, 0, DNS_T_A, 2);
	answer(&m, DNS_T_A, 300, short_a, 3);
	answer(&m, DNS_T_A, 300, good_a, 4);
	ck_assert_int_eq(parse(&m, DNS_T_A, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.count, 1);
	ck_assert_uint_eq(ans.skipped, 1);
	arena_free(&a);
}
END_TEST

/* An SOA in the authority section of `m` (nscount set to 1): owner the
 * qname, MNAME ns.<qname>, RNAME host.<qname>, the given TTL and MINIMUM. */
static void
authority_soa(struct msg *m, unsigned int ttl, unsigned int minimum)
{
	static const unsigned char names[] = {2, 'n', 's', 0xc0, 12,
					      4, 'h', 'o', 's', 't', 0xc0, 12};
	struct msg rd = {{0}, 0};

	put(&rd, names, sizeof(names));
	put16(&rd, 0), put16(&rd, 1);	 /* SERIAL */
	put16(&rd, 0), put16(&rd, 3600); /* REFRESH */
	put16(&rd, 0), put16(&rd, 600);	 /* RETRY */
	put16(&rd, 1), put16(&rd, 0);	 /* EXPIRE */
	put16(&rd, minimum >> 16), put16(&rd, minimum & 0xffff);
	m->b[9] = 1; /* NSCOUNT */
	answer(m, 6 /* SOA */, ttl, rd.b, rd.len);
}

/* RFC 2308 section 5: a negative answer may be cached for the smaller of
 * the SOA record's TTL and its MINIMUM field; without an SOA, not at all
 * (negative_ttl 0). */
START_TEST(test_negative_ttl)
{
	struct arena *a = arena_new(0);
	struct dns_packet_answer ans;
	struct msg m;
	const char *err;
	static const unsigned char one_a[] = {192, 0, 2, 1};

	start(&m, 3, DNS_T_TXT, 0); /* NXDOMAIN */
	authority_soa(&m, 3600, 300);
	ck_assert_int_eq(parse(&m, DNS_T_TXT, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.rcode, 3);
	ck_assert_uint_eq(ans.negative_ttl, 300); /* MINIMUM */
	start(&m, 0, DNS_T_TXT, 0); /* NODATA */
	authority_soa(&m, 120, 300);
	ck_assert_int_eq(parse(&m, DNS_T_TXT, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.count, 0);
	ck_assert_uint_eq(ans.negative_ttl, 120); /* the SOA's own TTL */
	start(&m, 0, DNS_T_TXT, 0); /* no SOA */
	ck_assert_int_eq(parse(&m, DNS_T_TXT, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.negative_ttl, 0);
	/* an SOA without its five numbers: no negative caching, the
	 * answer itself still stands */
	start(&m, 3, DNS_T_TXT, 0);
	m.b[9] = 1;
	answer(&m, 6, 3600, "\2ns\xc0\x0c\4host\xc0\x0c", 12);
	ck_assert_int_eq(parse(&m, DNS_T_TXT, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.rcode, 3);
	ck_assert_uint_eq(ans.negative_ttl, 0);
	/* an answer with records has no negative TTL */
	start(&m, 0, DNS_T_A, 1);
	answer(&m, DNS_T_A, 300, one_a, 4);
	ck_assert_int_eq(parse(&m, DNS_T_A, a, &ans, &err), 0);
	ck_assert_uint_eq(ans.negative_ttl, 0);
	arena_free(&a);
}
END_TEST

/* Malformed messages: each must be refused with a reason. */
static void
malformed(int which, struct msg *m)
{
	static const unsigned char forward_ptr[] = {0, 10, 0xc0, 0x40};
	unsigned char label64[66];
	unsigned char big_txt[] = {10, 'a'};

	switch (which) {
	case 0: /* header cut short */
		start(m, 0, DNS_T_A, 0);
		m->len = 11;
		return;
	case 1: /* more answers announced than present */
		start(m, 0, DNS_T_A, 1);
		return;
	case 2: /* RDLENGTH past the end */
		start(m, 0, DNS_T_TXT, 1);
		answer(m, DNS_T_TXT, 300, big_txt, sizeof(big_txt));
		m->len -= 1;
		return;
	case 3: /* compression pointer forwards (a loop risk): RDATA only,
		   so the record is skipped, not the message */
		start(m, 0, DNS_T_MX, 1);
		answer(m, DNS_T_MX, 300, forward_ptr, sizeof(forward_ptr));
		return;
	case 4: /* owner name pointing at itself (a loop), the rest of the
		   record complete so that only the loop can refuse it */
		start(m, 0, DNS_T_A, 1);
		put16(m, 0xc000 | (unsigned int)m->len);
		put16(m, DNS_T_A);
		put16(m, 1);
		put16(m, 0);
		put16(m, 300);
		put16(m, 4);
		put(m, "\300\0\2\1", 4);
		return;
	case 5: /* a label of 64 octets (RFC 1035 2.3.4: at most 63) */
		m->len = 0;
		put16(m, 0x1234);
		put16(m, 0x8180);
		put16(m, 1);
		put16(m, 0);
		put16(m, 0);
		put16(m, 0);
		memset(label64, 'a', sizeof(label64));
		label64[0] = 64;
		label64[65] = 0;
		put(m, label64, sizeof(label64));
		put16(m, DNS_T_A);
		put16(m, 1);
		return;
	case 6: /* more answers than any answer we use */
		start(m, 0, DNS_T_A, DNS_PACKET_MAX_RRS + 1);
		return;
	}
}

START_TEST(test_malformed)
{
	struct arena *a = arena_new(0);
	struct dns_packet_answer ans;
	struct msg m;
	const char *err;
	int r;

	malformed(_i, &m);
	r = dns_packet_parse(m.b, m.len, _i == 3 ? DNS_T_MX : DNS_T_A, a,
			     &ans, &err);
	if (_i == 3) {
		ck_assert_int_eq(r, 0);
		ck_assert_uint_eq(ans.count, 0);
		ck_assert_uint_eq(ans.skipped, 1);
	} else {
		ck_assert_msg(r == -1, "case %d: got accepted, want refused", _i);
		ck_assert_ptr_nonnull(err);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_name_length_limit)
{
	struct arena *a = arena_new(0);
	unsigned char wire[300];
	size_t pos = 0, end, i;
	const char *name;

	/* 4 labels of 63 octets = 4 * 64 + 1 = 257 octets: over 255 */
	for (i = 0; i < 4; i++) {
		wire[pos++] = 63;
		memset(wire + pos, 'x', 63);
		pos += 63;
	}
	wire[pos++] = 0;
	ck_assert_ptr_null(dns_rr_name_decode(a, wire, pos, 0, &end));
	/* 3 of them plus one of 61 = 255 octets exactly: accepted */
	wire[3 * 64] = 61;
	wire[3 * 64 + 62] = 0;
	name = dns_rr_name_decode(a, wire, 3 * 64 + 63, 0, &end);
	ck_assert_ptr_nonnull(name);
	ck_assert_uint_eq(end, 255);
	ck_assert_uint_eq(strlen(name), 3 * 64 + 61);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dns_packet");
	TCase *tc = tcase_create("rfc1035");

	tcase_add_test(tc, test_answers_and_ttl);
	tcase_add_test(tc, test_compressed_names);
	tcase_add_test(tc, test_rcode_and_nodata);
	tcase_add_test(tc, test_bad_record_skipped);
	tcase_add_test(tc, test_negative_ttl);
	tcase_add_loop_test(tc, test_malformed, 0, 7);
	tcase_add_test(tc, test_name_length_limit);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
