/*
 * check_signer_config.c - dkim-signer's configuration as users meet it:
 * the errors they see (file:line: option: problem), KeyTable and
 * SigningTable (a key name missing, "%" for the domain, d= checked),
 * and the keys (RequireSafeKeys for key files and inline keys, RFC 8410's
 * PKCS#8 Ed25519 form).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dkim/dkim-crypto.h"
#include "harness.h"
#include "signer-fixture.h"

static const struct {
	const char *text, *error; /* error after "DIR/signer.conf:" */
} bad_configs[] = {
	{"Bogus yes\n", "1: Bogus: unknown option"},
	{"\nMultipleSignatures maybe\n",
	 "2: MultipleSignatures: invalid boolean 'maybe' (use yes or no)"},
	{"Canonicalization loose\n", "1: Canonicalization: invalid value "
	 "'loose' (expected one of: relaxed/relaxed, relaxed/simple, "
	 "simple/relaxed, simple/simple, relaxed, simple)"},
	{"SignatureAlgorithm rsa-sha1\n", "1: SignatureAlgorithm: invalid "
	 "value 'rsa-sha1' (expected one of: rsa-sha256, ed25519-sha256)"},
	{"MinimumKeyBits lots\n", "1: MinimumKeyBits: invalid number 'lots'"},
	{"KeyTable\n", "1: KeyTable: missing value"},
};

START_TEST(test_config_errors)
{
	char *conf = harness_write_file(fixture_dir, "signer.conf",
					bad_configs[_i].text);
	struct signer_config *c = NULL;
	const char *err = NULL;
	char want[8192];

	snprintf(want, sizeof(want), "%s:%s", conf, bad_configs[_i].error);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), -1);
	harness_assert_str(bad_configs[_i].text, err, want);
	free(conf);
}
END_TEST

START_TEST(test_config_tables)
{
	char *kt = harness_write_file(fixture_dir, "KeyTable",
		"k1 example.com:s1:/nonexistent/k1.private\n");
	char *st = harness_write_file(fixture_dir, "SigningTable",
		"example.com k1\n*@example.org k2\n");
	struct signer_config *c = NULL;
	struct signer_key *key;
	const char *err = NULL;
	char text[8192], want[8192], *conf;

	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable file:%s\n", kt,
		 st);
	conf = harness_write_file(fixture_dir, "signer.conf", text);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), -1);
	snprintf(want, sizeof(want),
		 "%s:2: key name 'k2' is not in the KeyTable %s", st, kt);
	harness_assert_str("missing key name", err, want);
	/* the table loads; the key file does not */
	free(harness_write_file(fixture_dir, "SigningTable",
				"example.com k1\n"));
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_int_eq(signer_config_key(c, "k1", &key, &err), -1);
	harness_assert_str("missing file", err,
			   "/nonexistent/k1.private: No such file or directory");
	ck_assert_int_eq(signer_config_load_all_keys(c, &err), -1);
	signer_config_free(&c);
	/* no tables and no KeyFile */
	free(harness_write_file(fixture_dir, "signer.conf", "Syslog no\n"));
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), -1);
	harness_assert_str("no keys", err, "no keys: set KeyTable and "
			   "SigningTable, or KeyFile, Selector and Domain");
	free(kt);
	free(st);
	free(conf);
}
END_TEST

/* RequireSafeKeys: a key others can read is refused, saying how to fix
 * it; RequireSafeKeys no accepts it. */
START_TEST(test_unsafe_key)
{
	char *key = harness_write_file(fixture_dir, "k.private",
				       BRISBANE_SEED "\n");
	char text[8192], *kt, *st, *conf;
	struct signer_config *c = NULL;
	struct signer_key *k;
	const char *err = NULL, *overrides[] = {"RequireSafeKeys=no", NULL};

	chmod(key, 0644);
	snprintf(text, sizeof(text), "k football.example.com:brisbane:%s\n", key);
	kt = harness_write_file(fixture_dir, "KeyTable", text);
	st = harness_write_file(fixture_dir, "SigningTable", "* k\n");
	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable %s\n", kt, st);
	conf = harness_write_file(fixture_dir, "signer.conf", text);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_int_eq(signer_config_key(c, "k", &k, &err), -1);
	ck_assert_msg(strstr(err, "chmod 600") != NULL, "%s", err);
	signer_config_free(&c);
	ck_assert_int_eq(signer_config_load(conf, overrides, &c, &err), 0);
	ck_assert_msg(signer_config_key(c, "k", &k, &err) == 0, "%s", err);
	signer_config_free(&c);
	chmod(key, 0600);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_msg(signer_config_key(c, "k", &k, &err) == 0, "%s", err);
	signer_config_free(&c);
	free(key);
	free(kt);
	free(st);
	free(conf);
}
END_TEST

/* RFC 8410 section 10.3's Ed25519 private key in PKCS#8 PEM loads (the
 * signer's fast path for this fixed form) to the public key of section
 * 10.1 (RFC 8463 p= form: the raw 32 bytes, base64); a PEM that is not
 * that form (RSA) still loads through OpenSSL. */
START_TEST(test_rfc8410_key)
{
	static const char pem[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
		"-----END PRIVATE KEY-----\n";
	static const char v1[] =
		"-----BEGIN PRIVATE KEY-----\n"
		"MC4CAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
		"-----END PRIVATE KEY-----\n";
	struct dkim_privkey *k = NULL;
	const char *err = NULL;
	char *pub;

	ck_assert_msg(dkim_privkey_from_text(pem, strlen(pem), &k, &err) == 0,
		      "%s", err);
	ck_assert_int_eq(k->type, DKIM_KEY_ED25519);
	pub = dkim_privkey_public_b64(k);
	harness_assert_str("RFC 8410 10.1 public key", pub,
			   "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
	free(pub);
	dkim_privkey_free(&k);
	/* version 1 (RFC 5958 OneAsymmetricKey): not the fixed form, so the
	 * general path loads it, to the same key */
	ck_assert_msg(dkim_privkey_from_text(v1, strlen(v1), &k, &err) == 0,
		      "%s", err);
	pub = dkim_privkey_public_b64(k);
	harness_assert_str("v1 public key", pub,
			   "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
	free(pub);
	dkim_privkey_free(&k);
}
END_TEST

/* A config from KeyTable and SigningTable text (key files: 0600). */
static struct signer_config *
config_tables(const char *kt_text, const char *st_text)
{
	char *kt = harness_write_file(fixture_dir, "KeyTable", kt_text);
	char *st = harness_write_file(fixture_dir, "SigningTable", st_text);
	char text[8192], *conf;
	struct signer_config *c = NULL;
	const char *err = NULL;

	chmod(kt, 0600);
	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable refile:%s\n"
		 "Syslog no\n", kt, st);
	conf = harness_write_file(fixture_dir, "signer.conf", text);
	ck_assert_msg(signer_config_load(conf, NULL, &c, &err) == 0, "%s", err);
	free(kt);
	free(st);
	free(conf);
	return c;
}

static const struct {
	const char *from, *reason; /* reason NULL: signed */
} percent_cases[] = {
	/* probe 2026-12 F07: "*@*.example.org %" (the man page's example)
	 * with no KeyTable line of that name was exit 75 for ever */
	{"a@nokey.example.org",
	 "key name 'nokey.example.org' is not in the KeyTable"},
	{"a@football.example.com", NULL},
	/* probe 2026-12: a "%" KeyTable domain took d= unchecked */
	{"a@192.0.2.1", "d=192.0.2.1 is not a valid DKIM domain name (RFC "
	 "6376 3.5)"},
	{"a@-bad-.test", "d=-bad-.test is not a valid DKIM domain name (RFC "
	 "6376 3.5)"},
	{"a@x_y.test", "d=x_y.test is not a valid DKIM domain name (RFC 6376 "
	 "3.5)"},
	{"a@sub.any.test", NULL},
};

START_TEST(test_percent)
{
	struct signer_config *c = config_tables(
		"football.example.com football.example.com:brisbane:"
		BRISBANE_SEED "\n"
		"any %:brisbane:" BRISBANE_SEED "\n",
		"*@*.example.org %\n*@football.example.com %\n"
		"*@192.0.2.1 any\n*@-bad-.test any\n*@x_y.test any\n"
		"*@*.any.test any\n");
	char msg[512], *out, *reason;
	size_t len;

	snprintf(msg, sizeof(msg), "From: %s\r\n\r\nx\r\n",
		 percent_cases[_i].from);
	if (percent_cases[_i].reason == NULL) {
		ck_assert_int_eq(fixture_sign(c, msg, strlen(msg), &out, &len,
					   &reason), SIGNER_SIGNED);
	} else {
		ck_assert_int_eq(fixture_sign(c, msg, strlen(msg), &out, &len,
					   &reason), SIGNER_UNSIGNED);
		harness_assert_str(msg, reason, percent_cases[_i].reason);
		ck_assert_uint_eq(len, strlen(msg));
		free(reason);
	}
	free(out);
	signer_config_free(&c);
}
END_TEST

/* probe 2026-12 F08: RequireSafeKeys checked key files only; a private
 * key written inline in a 0644 KeyTable was accepted.  The KeyTable
 * holding inline keys now gets the key-file rule (signing and -n). */
START_TEST(test_inline_key_safety)
{
	char *kt = harness_write_file(fixture_dir, "KeyTable",
		"k football.example.com:brisbane:" BRISBANE_SEED "\n");
	char *st = harness_write_file(fixture_dir, "SigningTable", "* k\n");
	char text[8192], want[8192], *conf;
	struct signer_config *c = NULL;
	struct signer_key *k;
	const char *err = NULL, *overrides[] = {"RequireSafeKeys=no", NULL};

	chmod(kt, 0644);
	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable %s\n", kt, st);
	conf = harness_write_file(fixture_dir, "signer.conf", text);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_int_eq(signer_config_key(c, "k", &k, &err), -1);
	snprintf(want, sizeof(want), "%s: mode 644 lets group/others read or "
		 "write the private key written inline at line 1: chmod 600 %s",
		 kt, kt);
	harness_assert_str("inline key, 0644 KeyTable", err, want);
	ck_assert_int_eq(signer_config_load_all_keys(c, &err), -1);
	signer_config_free(&c);
	chmod(kt, 0640);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_int_eq(signer_config_load_all_keys(c, &err), -1);
	signer_config_free(&c);
	/* RequireSafeKeys no, or a 0600 KeyTable: accepted */
	ck_assert_int_eq(signer_config_load(conf, overrides, &c, &err), 0);
	ck_assert_msg(signer_config_key(c, "k", &k, &err) == 0, "%s", err);
	signer_config_free(&c);
	chmod(kt, 0600);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_msg(signer_config_load_all_keys(c, &err) == 0, "%s", err);
	signer_config_free(&c);
	/* a KeyTable naming key files only may stay 0644 */
	free(harness_write_file(fixture_dir, "k.private", BRISBANE_SEED "\n"));
	snprintf(text, sizeof(text), "k football.example.com:brisbane:%s/"
		 "k.private\n", fixture_dir);
	free(harness_write_file(fixture_dir, "KeyTable", text));
	chmod(kt, 0644);
	snprintf(text, sizeof(text), "%s/k.private", fixture_dir);
	chmod(text, 0600);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_msg(signer_config_load_all_keys(c, &err) == 0, "%s", err);
	signer_config_free(&c);
	free(kt);
	free(st);
	free(conf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("signer_config");
	TCase *tc = tcase_create("signer_config");
	int failed;

	tcase_add_checked_fixture(tc, fixture_setup,
				  fixture_teardown);
	tcase_add_loop_test(tc, test_config_errors, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_test(tc, test_config_tables);
	tcase_add_test(tc, test_unsafe_key);
	tcase_add_test(tc, test_rfc8410_key);
	tcase_add_loop_test(tc, test_percent, 0,
			    sizeof(percent_cases) / sizeof(percent_cases[0]));
	tcase_add_test(tc, test_inline_key_safety);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
