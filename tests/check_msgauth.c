/*
 * check_msgauth.c - one message's authentication (lib/msgauth.h) through
 * the real libunbound code serving local zone data: the RFC 8463 signed
 * vectors (both signatures pass, published) with a DMARC record for
 * football.example.com.  Cases: the message fed whole and one byte at a
 * time, LF and CRLF, gives the same result; forged Authentication-
 * Results / Received-SPF fields listed with their byte ranges (RFC 8601
 * section 5); the SPF result trusted only from our own field or a
 * trusted authserv-id; DMARC pass / fail / temperror / permerror (RFC
 * 9989); SPF checked from the envelope; the time budget against a
 * forwarder that never answers (temperror, RFC 6376 6.1.2, RFC 9989
 * 5.3.6); the async form on the caller's event base.
 */
#include "config.h"

#include <check.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dkim-keystore.h"
#include "dkim-test.h"
#include "dns.h"
#include "harness.h"
#include "msgauth.h"

#define DOMAIN "football.example.com"

static char *dir;

/* keytable.txt as local-zone / local-data lines, plus `extra` lines
 * (malloc()ed text). */
static char *
zone_lines(const char *extra)
{
	size_t len, i;
	char *kt = dkim_test_read("keytable.txt", &len), *line, *save = NULL;
	struct buf b = BUF_INIT;

	buf_append_str(&b, "\tlocal-zone: \"com.\" static\n"
			   "\tlocal-zone: \"net.\" static\n");
	for (line = strtok_r(kt, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *rec = strchr(line, ' ');

		if (line[0] == '#' || rec == NULL)
			continue;
		*rec++ = '\0';
		buf_printf(&b, "\tlocal-data: '%s. 300 IN TXT", line);
		for (i = 0; i < strlen(rec); i += 255)
			buf_printf(&b, " \"%.255s\"", rec + i);
		buf_append_str(&b, "'\n");
	}
	buf_append_str(&b, extra);
	free(kt);
	return buf_steal(&b, NULL);
}

/* A libunbound config serving those zones itself; returns its path. */
static char *
zone_config(const char *extra)
{
	char *lines = zone_lines(extra), *text, *conf;

	ck_assert_int_ge(asprintf(&text, "server:\n%s", lines), 0);
	conf = harness_write_file(dir, "zones.conf", text);
	ck_assert_ptr_nonnull(conf);
	free(text);
	free(lines);
	return conf;
}

#define DMARC_REJECT                                                    \
	"\tlocal-data: '_dmarc." DOMAIN ". 300 IN TXT \"v=DMARC1; p=reject\"'\n" \
	"\tlocal-data: 'bounce." DOMAIN ". 300 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"'\n"
#define DMARC_REFUSED "\tlocal-zone: \"_dmarc." DOMAIN ".\" always_refuse\n"

static struct dns_resolver *
resolver_on(const char *conf, struct event_base *base, unsigned int timeout)
{
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.resolver_config = conf;
	set.timeout_ms = timeout;
	ck_assert_msg(dns_resolver_new(&set, base, NULL, &r, &err) == 0,
		      "resolver: %s", err);
	return r;
}

static void
setup(void)
{
	dir = harness_tmpdir("msgauth");
	ck_assert_ptr_nonnull(dir);
}

static void
teardown(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(dir);
}

/* The vector with LF (crlf false) or CRLF line ends, `prefix` (header
 * fields, LF) on top; `tamper` changes one body word. */
static char *
message(bool crlf, const char *prefix, bool tamper)
{
	size_t len, i;
	char *raw = dkim_test_read("rfc8463/signed-ed25519+rsa.eml", &len);
	char *p;
	struct buf b = BUF_INIT;

	buf_append_str(&b, prefix);
	for (i = 0; i < len; i++)
		if (raw[i] != '\r')
			buf_append(&b, &raw[i], 1);
	if (tamper) {
		p = strstr(b.data, "We lost the game");
		ck_assert_ptr_nonnull(p);
		memcpy(p + 3, "won ", 4);
	}
	free(raw);
	if (!crlf)
		return buf_steal(&b, NULL);
	raw = buf_steal(&b, &len);
	for (i = 0; i < len; i++) {
		if (raw[i] == '\n')
			buf_append(&b, "\r", 1);
		buf_append(&b, &raw[i], 1);
	}
	free(raw);
	return buf_steal(&b, NULL);
}

static void
settings_init(struct msgauth_settings *set, const char *authserv_id)
{
	memset(set, 0, sizeof(*set));
	set->authserv_id = authserv_id;
	set->time_budget_ms = 20000;
}

/* Run one message fed `step` bytes at a time (0 = whole), blocking. */
static struct msgauth *
run(const struct msgauth_settings *set, struct dns_resolver *r,
    struct dkim_keystore *ks, const struct spf_request *spf,
    const char *msg, size_t step)
{
	struct msgauth *ma = NULL;
	size_t len = strlen(msg), off, n;
	const char *err = NULL;

	ck_assert_msg(msgauth_new(set, r, ks, NULL, spf, &ma, &err) == 0,
		      "msgauth_new: %s", err);
	if (step == 0)
		step = len;
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		msgauth_push(ma, msg + off, n);
	}
	ck_assert_msg(msgauth_run(ma, &err) == 0, "msgauth_run: %s", err);
	ck_assert(msgauth_done(ma));
	return ma;
}

/* The whole A-R value on one line (unfolded, RFC 5322 2.2.3). */
static char *
unfolded(struct msgauth *ma)
{
	const char *v = msgauth_authres_value(ma, true);
	struct buf b = BUF_INIT;

	for (; *v != '\0'; v++) {
		if (v[0] == '\r' && v[1] == '\n') {
			v++;
			continue;
		}
		buf_append(&b, *v == '\t' ? " " : v, 1);
	}
	return buf_steal(&b, NULL);
}

static void
assert_contains(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "got %s, want it to contain %s",
		      text, want);
}

START_TEST(test_pieces_same_result)
{
	/* The same bytes in any split and with LF or CRLF line ends are the
	   same message (RFC 5322 2.1, RFC 6376 3.4 canonicalization). */
	char *conf = zone_config(DMARC_REJECT);
	struct dns_resolver *r = resolver_on(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	char *want = NULL, *got;
	int crlf;
	size_t step;

	settings_init(&set, "mx.test");
	for (crlf = 0; crlf < 2; crlf++) {
		char *msg = message(crlf, "", false);

		for (step = 0; step <= 1; step++) {
			struct msgauth *ma = run(&set, r, ks, NULL, msg, step);
			const struct msgauth_result *res = msgauth_result(ma);

			/* RFC 8463 appendix A: both signatures verify */
			ck_assert_uint_eq(res->ndkim, 2);
			ck_assert_str_eq(dkim_result_str(res->dkim[0].result),
					 "pass");
			ck_assert_str_eq(dkim_result_str(res->dkim[1].result),
					 "pass");
			ck_assert(res->dmarc_evaluated);
			ck_assert_str_eq(dmarc_result_str(res->dmarc.result),
					 "pass");
			got = unfolded(ma);
			if (want == NULL)
				want = strdup(got);
			harness_assert_str("A-R value", got, want);
			free(got);
			msgauth_free(&ma);
		}
		free(msg);
	}
	assert_contains(want, "mx.test; spf=none; dkim=pass");
	assert_contains(want, "header.d=" DOMAIN " header.i=@" DOMAIN
			" header.s=brisbane header.a=ed25519-sha256");
	assert_contains(want, "dmarc=pass (p=reject dis=none) header.from="
			DOMAIN);
	free(want);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

/* Header fields above the vector: our spf-policyd's field on top (what
 * Postfix prepends), a Received, then fields claiming our id or another
 * trusted id that were in the message when it arrived. */
static const char trace_prefix[] =
	"Authentication-Results: mx.test; spf=pass smtp.mailfrom=bounce@"
	DOMAIN "\n"
	"Received: from mail.example.net by mx.test; Fri, 11 Jul 2003\n"
	"Authentication-Results: MX.TEST;\n\tspf=pass smtp.mailfrom=evil.example\n"
	"Authentication-Results: other.example; dkim=pass header.d=x.example\n"
	"Received-SPF: pass (mx.test) receiver=border.test;\n"
	"Authentication-Results: border.test; spf=pass smtp.mailfrom=x.example\n";

static void
assert_drop(const struct msgauth_field *f, const char *msg,
	    const char *field_text, enum msgauth_drop_reason reason,
	    size_t index)
{
	const char *at = strstr(msg, field_text);

	ck_assert_ptr_nonnull(at);
	ck_assert_msg(f->offset == (size_t)(at - msg),
		      "offset: got %zu, want %zu", f->offset,
		      (size_t)(at - msg));
	ck_assert_msg(f->length == strlen(field_text), "length: got %zu, want %zu",
		      f->length, strlen(field_text));
	ck_assert_uint_eq(f->index, index);
	harness_assert_str("reason", msgauth_drop_reason_str(f->reason),
			   msgauth_drop_reason_str(reason));
}

START_TEST(test_forged_fields_listed)
{
	/* RFC 8601 section 5: fields claiming our authserv-id that our
	   border MTA did not add are removed; the one it added (topmost,
	   above the first Received) is trusted and replaced by ours. */
	char *conf = zone_config(DMARC_REJECT);
	struct dns_resolver *r = resolver_on(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	int crlf;

	settings_init(&set, "mx.test");
	for (crlf = 0; crlf < 2; crlf++) {
		char *msg = message(crlf, trace_prefix, true);
		const char *nl = crlf ? "\r\n" : "\n";
		char top[256], forged[256];
		struct msgauth *ma = run(&set, r, ks, NULL, msg, crlf ? 1 : 0);
		const struct msgauth_result *res = msgauth_result(ma);

		snprintf(top, sizeof(top),
			 "Authentication-Results: mx.test; spf=pass "
			 "smtp.mailfrom=bounce@" DOMAIN "%s", nl);
		snprintf(forged, sizeof(forged),
			 "Authentication-Results: MX.TEST;%s\tspf=pass "
			 "smtp.mailfrom=evil.example%s", nl, nl);
		ck_assert_uint_eq(res->ndrop, 2);
		assert_drop(&res->drop[0], msg, top, MSGAUTH_DROP_REPLACED, 0);
		assert_drop(&res->drop[1], msg, forged, MSGAUTH_DROP_FORGED, 2);
		/* the trusted result: pass for the MAIL FROM domain */
		ck_assert(res->spf.found);
		ck_assert_str_eq(spf_result_str(res->spf.result), "pass");
		ck_assert_str_eq(res->spf.domain, DOMAIN);
		/* RFC 9989 5.3.5: the body was changed (dkim=fail), but the
		   aligned SPF pass makes DMARC pass */
		ck_assert_str_eq(dkim_result_str(res->dkim[0].result), "fail");
		ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "pass");
		ck_assert(res->dmarc.spf_aligned);
		free(msg);
		msgauth_free(&ma);
	}
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

START_TEST(test_trusted_authserv_ids)
{
	/* Dovecot on imap.test behind the border MX border.test: the
	   border's field is believed when border.test is trusted, and
	   every other field claiming either id is forged. */
	static const char prefix[] =
		"Authentication-Results: border.test; spf=fail smtp.mailfrom="
		DOMAIN "\n"
		"Received: from mail.example.net by border.test\n"
		"Authentication-Results: imap.test; spf=pass smtp.mailfrom="
		DOMAIN "\n"
		"Authentication-Results: border.test; spf=pass smtp.mailfrom="
		DOMAIN "\n";
	static const char *const trusted[] = {"border.test"};
	char *conf = zone_config(DMARC_REJECT);
	struct dns_resolver *r = resolver_on(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	char *msg = message(false, prefix, true), *ar;
	struct msgauth *ma;
	const struct msgauth_result *res;

	settings_init(&set, "imap.test");
	set.trusted_authserv_ids = trusted;
	set.ntrusted_authserv_ids = 1;
	ma = run(&set, r, ks, NULL, msg, 0);
	res = msgauth_result(ma);
	ck_assert(res->spf.found);
	ck_assert_str_eq(spf_result_str(res->spf.result), "fail");
	ck_assert_str_eq(res->spf.authserv_id, "border.test");
	ck_assert_uint_eq(res->spf.field_index, 0);
	/* the border's own field stays; the two below go */
	ck_assert_uint_eq(res->ndrop, 2);
	ck_assert_uint_eq(res->drop[0].index, 2);
	ck_assert_uint_eq(res->drop[1].index, 3);
	ck_assert_str_eq(res->drop[0].authserv_id, "imap.test");
	ck_assert_str_eq(res->drop[1].authserv_id, "border.test");
	/* tampered body, SPF fail: nothing aligned passes (9989 5.3.5) */
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "fail");
	ck_assert_str_eq(dmarc_policy_str(res->dmarc.disposition), "reject");
	ar = unfolded(ma);
	assert_contains(ar, "imap.test; spf=fail smtp.mailfrom=" DOMAIN ";");
	free(ar);
	msgauth_free(&ma);

	/* without trusting border.test its result proves nothing */
	set.ntrusted_authserv_ids = 0;
	ma = run(&set, r, ks, NULL, msg, 0);
	res = msgauth_result(ma);
	ck_assert(!res->spf.found);
	ck_assert_str_eq(spf_result_str(res->spf.result), "none");
	ck_assert_uint_eq(res->ndrop, 1);
	ck_assert_uint_eq(res->drop[0].index, 2);
	msgauth_free(&ma);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

struct dmarc_case {
	const char *name;
	const char *zone;
	const char *prefix;
	bool tamper;
	const char *want_dmarc, *want_policy, *want_dis;
};

/* RFC 9989 5.3.5: pass when an aligned identifier passed, else fail;
 * 5.3.6 / 4.10: a DNS failure during policy discovery is temperror,
 * the policy is not applied; 5.3.1 (RFC 7489 6.6.1): several From
 * fields give no single Author Domain (permerror, rejected). */
static const struct dmarc_case dmarc_cases[] = {
	{"aligned DKIM pass", DMARC_REJECT, "", false, "pass", "reject",
	 "none"},
	{"nothing passes", DMARC_REJECT, "", true, "fail", "reject", "reject"},
	{"no record", "", "", false, "none", "" /* unset */, "none"},
	{"discovery refused", DMARC_REFUSED, "", false, "temperror", "" /* unset */,
	 "none"},
	{"two From fields", DMARC_REJECT,
	 "From: Mallory <m@evil.example>\n", false, "permerror", "" /* unset */,
	 "reject"},
};

START_TEST(test_dmarc_results)
{
	const struct dmarc_case *c = &dmarc_cases[_i];
	char *conf = zone_config(c->zone);
	struct dns_resolver *r = resolver_on(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	char *msg = message(false, c->prefix, c->tamper), *ar, want[128];
	struct msgauth *ma;
	const struct msgauth_result *res;

	settings_init(&set, "mx.test");
	ma = run(&set, r, ks, NULL, msg, 0);
	res = msgauth_result(ma);
	ck_assert(res->dmarc_evaluated);
	harness_assert_str(c->name, dmarc_result_str(res->dmarc.result),
			   c->want_dmarc);
	harness_assert_str(c->name, dmarc_policy_str(res->dmarc.policy),
			   c->want_policy);
	harness_assert_str(c->name, dmarc_policy_str(res->dmarc.disposition),
			   c->want_dis);
	ar = unfolded(ma);
	snprintf(want, sizeof(want), "dmarc=%s", c->want_dmarc);
	assert_contains(ar, want);
	free(ar);
	msgauth_free(&ma);

	/* DMARC off: no dmarc= at all */
	set.dmarc_off = true;
	ma = run(&set, r, ks, NULL, msg, 0);
	ck_assert(!msgauth_result(ma)->dmarc_evaluated);
	ar = unfolded(ma);
	ck_assert_msg(strstr(ar, "dmarc=") == NULL, "got %s", ar);
	free(ar);
	msgauth_free(&ma);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

START_TEST(test_spf_checked)
{
	/* RFC 7208 4: bounce.football.example.com allows 192.0.2.1; the
	   MAIL FROM domain aligns relaxed with the From domain (RFC 9989
	   4.4.2, same Organizational Domain), so a broken signature still
	   gives dmarc=pass; from 192.0.2.9 SPF fails (-all). */
	char *conf = zone_config(DMARC_REJECT);
	struct dns_resolver *r = resolver_on(conf, NULL, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	struct spf_request req;
	char *msg = message(false, "", true), *ar;
	struct msgauth *ma;
	const struct msgauth_result *res;
	const char *err;

	settings_init(&set, "mx.test");
	set.spf_source = MSGAUTH_SPF_CHECK;
	memset(&req, 0, sizeof(req));
	req.client_ip = "192.0.2.1";
	req.mail_from = "bounce@bounce." DOMAIN;
	req.helo = "mail.example.net";
	ma = run(&set, r, ks, &req, msg, 0);
	res = msgauth_result(ma);
	ck_assert_str_eq(spf_result_str(res->spf.result), "pass");
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "pass");
	ar = unfolded(ma);
	assert_contains(ar, "mx.test; spf=pass smtp.mailfrom=bounce." DOMAIN
			";");
	free(ar);
	msgauth_free(&ma);

	req.client_ip = "192.0.2.9";
	ma = run(&set, r, ks, &req, msg, 0);
	res = msgauth_result(ma);
	ck_assert_str_eq(spf_result_str(res->spf.result), "fail");
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "fail");
	msgauth_free(&ma);

	/* an unusable envelope is an error at once, not a verdict */
	req.client_ip = NULL;
	ck_assert_int_eq(msgauth_new(&set, r, ks, NULL, &req, &ma, &err), -1);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(conf);
}
END_TEST

START_TEST(test_budget_blackhole)
{
	/* A resolver that never answers: the per-query timeout (30 s) is
	   far away, the budget (300 ms) ends the message.  Keys that could
	   not be fetched are temperror (RFC 6376 6.1.2 TEMPFAIL), DMARC
	   neither passes nor fails (RFC 9989 5.3.6): temperror, dis=none. */
	int fds[2], port = harness_blackhole(fds);
	char *fwd = harness_forward_config(dir, port), *ar;
	struct dns_resolver *r = resolver_on(fwd, NULL, 30000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	char *msg = message(false, "", false);
	struct msgauth *ma;
	const struct msgauth_result *res;

	settings_init(&set, "mx.test");
	set.time_budget_ms = 300;
	ma = run(&set, r, ks, NULL, msg, 0);
	res = msgauth_result(ma);
	ck_assert(res->budget_expired);
	ck_assert_uint_eq(res->ndkim, 2);
	ck_assert_str_eq(dkim_result_str(res->dkim[0].result), "temperror");
	ck_assert_str_eq(dkim_result_str(res->dkim[1].result), "temperror");
	ck_assert_str_eq(dmarc_result_str(res->dmarc.result), "temperror");
	ck_assert_str_eq(dmarc_policy_str(res->dmarc.disposition), "none");
	ar = unfolded(ma);
	assert_contains(ar, "dkim=temperror reason=\"DNS time budget exceeded\"");
	assert_contains(ar, "dmarc=temperror");
	free(ar);
	msgauth_free(&ma);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	close(fds[0]);
	close(fds[1]);
	free(fwd);
}
END_TEST

struct async_wait {
	char *value;
	int calls;
};

static void
async_done(struct msgauth *ma, void *context)
{
	struct async_wait *w = context;
	const char *v = msgauth_authres_value(ma, false);

	w->value = strdup(v);
	w->calls++;
	msgauth_free(&ma); /* allowed from the callback */
}

START_TEST(test_async_external_base)
{
	/* The same message on the caller's event base: the callback runs
	   once from the loop with the same verdicts as the blocking run. */
	char *conf = zone_config(DMARC_REJECT);
	struct event_base *base = event_base_new();
	struct dns_resolver *r = resolver_on(conf, base, 5000);
	struct dkim_keystore *ks = dkim_keystore_new_dns(r, NULL);
	struct msgauth_settings set;
	char *msg = message(true, "", false);
	struct async_wait w = {NULL, 0};
	struct msgauth *ma;
	const char *err;

	settings_init(&set, "mx.test");
	ck_assert_int_eq(msgauth_new(&set, r, ks, NULL, NULL, &ma, &err), 0);
	msgauth_push(ma, msg, strlen(msg));
	msgauth_end(ma, async_done, &w);
	ck_assert_int_eq(w.calls, 0);
	while (w.calls == 0)
		ck_assert_int_ge(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(w.calls, 1);
	assert_contains(w.value, "dmarc=pass");
	assert_contains(w.value, "dkim=pass");
	free(w.value);
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	event_base_free(base);
	free(conf);
}
END_TEST

START_TEST(test_unsigned_and_table_keys)
{
	/* RFC 8601 2.7.1: an unsigned message is dkim=none; with keys from
	   a table, no resolver, DMARC and SPF off, everything completes
	   inside msgauth_run() without a loop. */
	static const char kt[] =
		"brisbane._domainkey." DOMAIN " v=DKIM1; k=ed25519; "
		"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n";
	struct dkim_keystore *ks = dkim_keystore_new_table_text(kt,
								 strlen(kt));
	struct msgauth_settings set;
	struct msgauth *ma;
	size_t len;
	char *msg = dkim_test_read("rfc8463/unsigned.eml", &len), *ar;

	settings_init(&set, "mx.test");
	set.dmarc_off = true;
	set.spf_source = MSGAUTH_SPF_OFF;
	ma = run(&set, NULL, ks, NULL, msg, 0);
	ar = unfolded(ma);
	harness_assert_str("A-R", ar, "mx.test; dkim=none");
	free(ar);
	msgauth_free(&ma);
	free(msg);

	/* the signed vector: ed25519 passes, rsa has no key in the table */
	msg = message(false, "", false);
	ma = run(&set, NULL, ks, NULL, msg, 0);
	ck_assert_str_eq(dkim_result_str(msgauth_result(ma)->dkim[0].result),
			 "pass");
	ck_assert_str_eq(dkim_result_str(msgauth_result(ma)->dkim[1].result),
			 "permerror");
	msgauth_free(&ma);
	free(msg);
	dkim_keystore_free(&ks);
}
END_TEST

START_TEST(test_cache_across_messages)
{
	/* Keys and DMARC answers are cached across messages of a process
	   (the key store for key records, libunbound for the rest, for
	   their TTL of 300 s): with the only DNS server stopped after the
	   first message, the second one still gets dkim=pass and
	   dmarc=pass instead of temperror. */
	struct harness_unbound server;
	char *lines = zone_lines(DMARC_REJECT), *fwd, *msg, *ar;
	struct dns_resolver *r;
	struct dkim_keystore *ks;
	struct msgauth_settings set;
	struct msgauth *ma;
	int round;

	ck_assert_int_eq(harness_unbound_start(lines, &server), 0);
	fwd = harness_forward_config(dir, server.port);
	r = resolver_on(fwd, NULL, 1000);
	ks = dkim_keystore_new_dns(r, NULL);
	settings_init(&set, "mx.test");
	set.time_budget_ms = 3000;
	msg = message(false, "", false);
	for (round = 0; round < 2; round++) {
		ma = run(&set, r, ks, NULL, msg, 0);
		ar = unfolded(ma);
		ck_assert(!msgauth_result(ma)->budget_expired);
		assert_contains(ar, "dkim=pass");
		assert_contains(ar, "dmarc=pass");
		free(ar);
		msgauth_free(&ma);
		if (round == 0)
			harness_unbound_stop(&server);
	}
	free(msg);
	dkim_keystore_free(&ks);
	dns_resolver_free(&r);
	free(fwd);
	free(lines);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("msgauth");
	TCase *tc = tcase_create("msgauth");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pieces_same_result);
	tcase_add_test(tc, test_forged_fields_listed);
	tcase_add_test(tc, test_trusted_authserv_ids);
	tcase_add_loop_test(tc, test_dmarc_results, 0,
			    sizeof(dmarc_cases) / sizeof(dmarc_cases[0]));
	tcase_add_test(tc, test_spf_checked);
	tcase_add_test(tc, test_budget_blackhole);
	tcase_add_test(tc, test_async_external_base);
	tcase_add_test(tc, test_unsigned_and_table_keys);
	tcase_add_test(tc, test_cache_across_messages);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? 0 : 1;
}
