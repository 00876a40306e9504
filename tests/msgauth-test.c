/*
 * msgauth-test.c - helpers shared by the msgauth test programs (see
 * msgauth-test.h).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "dkim-test.h"
#include "dns/dns.h"
#include "harness.h"
#include "msgauth-test.h"

char *msgauth_test_dir;


/* keytable.txt as local-zone / local-data lines, plus `extra` lines
 * (malloc()ed text). */
char *
msgauth_test_zone_lines(const char *extra)
{
	struct buf b = BUF_INIT;

	buf_append_str(&b, "\tlocal-zone: \"com.\" static\n"
			   "\tlocal-zone: \"net.\" static\n");
	dkim_test_keytable_local_data(&b);
	buf_append_str(&b, extra);
	return buf_steal(&b, NULL);
}

/* A libunbound config serving those zones itself; returns its path. */
char *
msgauth_test_zone_config(const char *extra)
{
	char *lines = msgauth_test_zone_lines(extra), *text, *conf;

	ck_assert_int_ge(asprintf(&text, "server:\n%s", lines), 0);
	conf = harness_write_file(msgauth_test_dir, "zones.conf", text);
	ck_assert_ptr_nonnull(conf);
	free(text);
	free(lines);
	return conf;
}

struct dns_resolver *
msgauth_test_resolver(const char *conf, struct event_base *base, unsigned int timeout)
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

void
msgauth_test_setup(void)
{
	msgauth_test_dir = harness_tmpdir("msgauth");
	ck_assert_ptr_nonnull(msgauth_test_dir);
}

void
msgauth_test_teardown(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", msgauth_test_dir);
	ck_assert_int_eq(system(cmd), 0);
	free(msgauth_test_dir);
}

/* The vector with LF (crlf false) or CRLF line ends, `prefix` (header
 * fields, LF) on top; `tamper` changes one body word. */
char *
msgauth_test_message(bool crlf, const char *prefix, bool tamper)
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

void
msgauth_test_settings(struct msgauth_settings *set, const char *authserv_id)
{
	memset(set, 0, sizeof(*set));
	set->authserv_id = authserv_id;
	set->time_budget_ms = 20000;
}

/* Run one message fed `step` bytes at a time (0 = whole), blocking. */
struct msgauth *
msgauth_test_run(const struct msgauth_settings *set, struct dns_resolver *r,
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
char *
msgauth_test_unfolded(struct msgauth *ma)
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

void
msgauth_test_contains(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "got %s, want it to contain %s",
		      text, want);
}

