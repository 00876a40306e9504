/*
 * check_signer.c - dkim-signer's own modules: the spool (memory, then an
 * unlinked temp file; bytes back exactly), the header scan (From fields,
 * DKIM-Signature fields present, line-end style), the sign / do-not-sign
 * decisions, the output (fields + the input bytes unchanged) and the
 * configuration errors users see, UserID lookup and the log escaping.
 * The program's exit codes are checked by tests/dkim-signer-cli.sh.
 *
 * Oracle for the signature: RFC 8463 appendix A (the "brisbane" Ed25519
 * key, A.1, and the message of A.3, whose simple body hash is
 * bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=).  Whole signatures are
 * verified by dkimpy and libopendkim in tests/integration.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-crypto.h"
#include "harness.h"
#include "logsink.h"
#include "signer-config.h"
#include "signer-existing.h"
#include "signer-message.h"
#include "signer-spool.h"
#include "signer-user.h"

/* RFC 8463 A.1: the Ed25519 private key (base64 seed). */
#define BRISBANE_SEED "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
/* RFC 8463 A.3: body hash of the example message, simple body. */
#define RFC8463_BH "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ="

static const char rfc8463_msg[] =
	"From: Joe SixPack <joe@football.example.com>\r\n"
	"To: Suzie Q <suzie@shopping.example.net>\r\n"
	"Subject: Is dinner ready?\r\n"
	"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
	"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
	"\r\n"
	"Hi.\r\n"
	"\r\n"
	"We lost the game.  Are you hungry yet?\r\n"
	"\r\n"
	"Joe.\r\n";

static char *dir;

static void
setup(void)
{
	dir = harness_tmpdir("signer");
}

static void
teardown(void)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
	free(dir);
}

/* A config with the RFC 8463 key for football.example.com. */
static struct signer_config *
config_with(const char *extra)
{
	char *kt = harness_write_file(dir, "KeyTable",
		"brisbane football.example.com:brisbane:" BRISBANE_SEED "\n");
	char *st = harness_write_file(dir, "SigningTable",
		"football.example.com brisbane\n");
	char text[8192];
	char *conf;
	struct signer_config *c = NULL;
	const char *err = NULL;

	/* the key is inline: RequireSafeKeys wants the KeyTable 0600 */
	chmod(kt, 0600);
	snprintf(text, sizeof(text),
		 "# dkim-signer test\nKeyTable file:%s\nSigningTable %s\n"
		 "Canonicalization simple/simple\nSyslog no\n%s", kt, st, extra);
	conf = harness_write_file(dir, "signer.conf", text);
	ck_assert_msg(signer_config_load(conf, NULL, &c, &err) == 0, "load: %s",
		      err);
	free(kt);
	free(st);
	free(conf);
	return c;
}

/* Feed msg `step` bytes at a time (0 = whole) into a message. */
static void
feed(struct signer_message *m, const char *msg, size_t len, size_t step)
{
	const char *err = NULL;
	size_t off = 0, n;

	while (off < len) {
		n = step == 0 || len - off < step ? len - off : step;
		ck_assert_msg(signer_message_push(m, msg + off, n, &err) == 0,
			      "push: %s", err);
		off += n;
	}
	signer_message_end(m);
}

/* What signer_message_write produces, as a string (malloc). */
static char *
output_of(struct signer_message *m, const struct signer_outcome *o,
	  size_t *len_r)
{
	char path[4200];
	struct stat st;
	const char *err = NULL;
	char *out;
	int fd;

	snprintf(path, sizeof(path), "%s/out", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(signer_message_write(m, o, fd, &err) == 0, "write: %s",
		      err);
	ck_assert_int_eq(fstat(fd, &st), 0);
	out = calloc(1, (size_t)st.st_size + 1);
	ck_assert_int_eq(pread(fd, out, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len_r = (size_t)st.st_size;
	return out;
}

START_TEST(test_spool_roundtrip)
{
	/* a small memory limit forces the temp file; 1-byte and whole
	 * writes must give back the same bytes */
	size_t len = 300000, i, steps[] = {1, 4096, 0};
	char *data = malloc(len), *back = malloc(len + 1);
	const char *err = NULL;

	for (i = 0; i < len; i++)
		data[i] = (char)(i * 131 + (i >> 7));
	for (size_t s = 0; s < 3; s++) {
		struct signer_spool sp;
		size_t off = 0, got = 0, step = steps[s];
		ssize_t n;

		signer_spool_init(&sp, dir, 1000);
		while (off < len) {
			size_t k = step == 0 || len - off < step ? len - off : step;

			ck_assert_int_eq(signer_spool_write(&sp, data + off, k,
							    &err), 0);
			off += k;
		}
		ck_assert(signer_spool_on_disk(&sp));
		signer_spool_rewind(&sp);
		while ((n = signer_spool_read(&sp, back + got, 7777, &err)) > 0)
			got += (size_t)n;
		ck_assert_int_eq(n, 0);
		ck_assert_uint_eq(got, len);
		ck_assert(memcmp(back, data, len) == 0);
		signer_spool_deinit(&sp);
	}
	free(data);
	free(back);
}
END_TEST

START_TEST(test_spool_memory)
{
	struct signer_spool sp;
	const char *err = NULL;
	char back[16];

	signer_spool_init(&sp, "/nonexistent", 0);
	ck_assert_int_eq(signer_spool_write(&sp, "hello", 5, &err), 0);
	ck_assert(!signer_spool_on_disk(&sp));
	signer_spool_rewind(&sp);
	ck_assert_int_eq(signer_spool_read(&sp, back, sizeof(back), &err), 5);
	ck_assert(memcmp(back, "hello", 5) == 0);
	signer_spool_deinit(&sp);
	/* the temp file cannot be made: an error, not a crash */
	signer_spool_init(&sp, "/nonexistent", 4);
	ck_assert_int_eq(signer_spool_write(&sp, "hello", 5, &err), -1);
	harness_assert_str("error", err, "No such file or directory");
	signer_spool_deinit(&sp);
}
END_TEST

static const struct {
	const char *msg;
	size_t from_count, nexisting;
	bool lf;
} scans[] = {
	{"From: a@x\nTo: b@y\n\nbody\n", 1, 0, true},
	{"From: a@x\r\nFrom: c@x\r\n\r\nbody\r\n", 2, 0, false},
	{"To: b@y\n\n", 0, 0, true},
	/* every DKIM-Signature field counts, parsable or not (they are
	 * examined after the keys are chosen: signer-existing.h) */
	{"DKIM-Signature: v=1; d=x; s=s1; b=\n"
	 "dkim-signature: v=1; d=y;\n s=s2; b=\n"
	 "DKIM-Signature: broken\nFrom: a@x\n\n", 1, 3, true},
	/* a From in the body is not a header field */
	{"Subject: x\n\nFrom: a@x\n", 0, 0, true},
	/* no body separator: the header ends at EOF */
	{"From: a@x", 1, 0, true},
	{"", 0, 0, true},
};

START_TEST(test_header_scan)
{
	for (size_t step = 0; step < 3; step++) {
		struct signer_message m;

		signer_message_init(&m, dir, 0);
		feed(&m, scans[_i].msg, strlen(scans[_i].msg), step);
		ck_assert_uint_eq(m.from_count, scans[_i].from_count);
		ck_assert_uint_eq(m.nexisting, scans[_i].nexisting);
		ck_assert_int_eq(m.lf, scans[_i].lf);
		signer_message_deinit(&m);
	}
}
END_TEST

static const struct {
	const char *msg, *reason;
} unsigned_cases[] = {
	{"To: b@y\n\nx\n", "no From field"},
	{"From: joe@football.example.com\nFrom: joe@football.example.com\n\nx\n",
	 "multiple From fields"},
	{"From: joe@other.example\n\nx\n",
	 "joe@other.example in no SigningTable line"},
	{"From: joe@sub.football.example.com\n\nx\n",
	 "joe@sub.football.example.com in no SigningTable line"},
	{"From: <<<\n\nx\n", "From field does not parse"},
	{"From: joe@[192.0.2.1]\n\nx\n", NULL /* any reason */},
	/* probe 2026-12 (informational): a bare CR hides a second From;
	 * the verifier fails every signature of such a message */
	{"X-Foo: bar\rFrom: mallory@evil.example\n"
	 "From: joe@football.example.com\n\nx\n",
	 "multiple From fields: bare CR or LF inside a header field hides a "
	 "From field"},
	/* probe 2026-12 (informational): "From :" (RFC 5322 4.5): dkimpy
	 * failed both signatures made over it */
	{"From : joe@football.example.com\n\nx\n",
	 "From field with white space before its colon (RFC 5322 4.5 "
	 "obsolete syntax; verifiers disagree on it)"},
};

START_TEST(test_unsigned)
{
	struct signer_config *c = config_with("");
	struct signer_message m;
	struct signer_outcome o;
	const char *err = NULL, *msg = unsigned_cases[_i].msg;
	size_t len;
	char *out;

	signer_message_init(&m, dir, 0);
	feed(&m, msg, strlen(msg), 0);
	ck_assert_msg(signer_message_sign(&m, c, "s@x", 0, &o, &err) == 0,
		      "sign: %s", err);
	ck_assert_int_eq(o.verdict, SIGNER_UNSIGNED);
	ck_assert_ptr_nonnull(o.reason);
	if (unsigned_cases[_i].reason != NULL)
		harness_assert_str("reason", o.reason, unsigned_cases[_i].reason);
	/* passed on unchanged */
	out = output_of(&m, &o, &len);
	ck_assert_uint_eq(len, strlen(msg));
	ck_assert(memcmp(out, msg, len) == 0);
	free(out);
	signer_message_deinit(&m);
	signer_config_free(&c);
}
END_TEST

/* CRLF and LF input, whole and one byte at a time: fields + input. */
START_TEST(test_signed)
{
	struct signer_config *c = config_with("");
	struct buf lf = BUF_INIT;
	const char *msgs[2], *err = NULL;
	size_t lens[2];

	for (const char *p = rfc8463_msg; *p != '\0'; p++) {
		if (*p != '\r')
			buf_append_char(&lf, *p);
	}
	msgs[0] = rfc8463_msg;
	lens[0] = strlen(rfc8463_msg);
	msgs[1] = lf.data;
	lens[1] = lf.len;
	for (size_t v = 0; v < 2; v++) {
		for (size_t step = 0; step < 2; step++) {
			struct signer_message m;
			struct signer_outcome o;
			size_t len;
			char *out;

			signer_message_init(&m, dir, step == 1 ? 64 : 0);
			feed(&m, msgs[v], lens[v], step);
			ck_assert_msg(signer_message_sign(&m, c, "", 1528637909,
							  &o, &err) == 0,
				      "sign: %s", err);
			ck_assert_int_eq(o.verdict, SIGNER_SIGNED);
			ck_assert_uint_eq(o.nsigs, 1);
			harness_assert_str("d", o.sigs[0].domain,
					   "football.example.com");
			out = output_of(&m, &o, &len);
			ck_assert_uint_eq(len, o.fields_len + lens[v]);
			ck_assert(strncmp(out, "DKIM-Signature: v=1; "
					  "a=ed25519-sha256; c=simple/simple;",
					  40) == 0);
			ck_assert_msg(strstr(out, RFC8463_BH) != NULL,
				      "no RFC 8463 body hash in %s", out);
			ck_assert_msg(strstr(out, "t=1528637909;") != NULL,
				      "t= %s", out);
			/* line ends of our fields follow the input's */
			ck_assert_int_eq(strstr(out, "\r\n") != NULL, v == 0);
			ck_assert(memcmp(out + o.fields_len, msgs[v], lens[v]) ==
				  0);
			free(out);
			signer_message_deinit(&m);
		}
	}
	buf_free(&lf);
	signer_config_free(&c);
}
END_TEST

START_TEST(test_envelope_address)
{
	struct signer_config *c = config_with("SigningAddress envelope\n");
	struct signer_message m;
	struct signer_outcome o;
	const char *err = NULL;

	signer_message_init(&m, dir, 0);
	/* From says other.example; the envelope sender selects */
	feed(&m, "From: a@other.example\n\nx\n", 25, 0);
	ck_assert_int_eq(signer_message_sign(&m, c, "bounce@football.example.com",
					     0, &o, &err), 0);
	ck_assert_int_eq(o.verdict, SIGNER_SIGNED);
	signer_message_deinit(&m);
	signer_message_init(&m, dir, 0);
	feed(&m, "From: joe@football.example.com\n\nx\n", 35, 0);
	ck_assert_int_eq(signer_message_sign(&m, c, "", 0, &o, &err), 0);
	ck_assert_int_eq(o.verdict, SIGNER_UNSIGNED);
	harness_assert_str("null sender", o.reason,
			   "envelope sender has no domain");
	signer_message_deinit(&m);
	signer_config_free(&c);
}
END_TEST

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
	char *conf = harness_write_file(dir, "signer.conf", bad_configs[_i].text);
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
	char *kt = harness_write_file(dir, "KeyTable",
		"k1 example.com:s1:/nonexistent/k1.private\n");
	char *st = harness_write_file(dir, "SigningTable",
		"example.com k1\n*@example.org k2\n");
	struct signer_config *c = NULL;
	struct signer_key *key;
	const char *err = NULL;
	char text[8192], want[8192], *conf;

	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable file:%s\n", kt,
		 st);
	conf = harness_write_file(dir, "signer.conf", text);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), -1);
	snprintf(want, sizeof(want),
		 "%s:2: key name 'k2' is not in the KeyTable %s", st, kt);
	harness_assert_str("missing key name", err, want);
	/* the table loads; the key file does not */
	free(harness_write_file(dir, "SigningTable", "example.com k1\n"));
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_int_eq(signer_config_key(c, "k1", &key, &err), -1);
	harness_assert_str("missing file", err,
			   "/nonexistent/k1.private: No such file or directory");
	ck_assert_int_eq(signer_config_load_all_keys(c, &err), -1);
	signer_config_free(&c);
	/* no tables and no KeyFile */
	free(harness_write_file(dir, "signer.conf", "Syslog no\n"));
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
	char *key = harness_write_file(dir, "k.private", BRISBANE_SEED "\n");
	char text[8192], *kt, *st, *conf;
	struct signer_config *c = NULL;
	struct signer_key *k;
	const char *err = NULL, *overrides[] = {"RequireSafeKeys=no", NULL};

	chmod(key, 0644);
	snprintf(text, sizeof(text), "k football.example.com:brisbane:%s\n", key);
	kt = harness_write_file(dir, "KeyTable", text);
	st = harness_write_file(dir, "SigningTable", "* k\n");
	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable %s\n", kt, st);
	conf = harness_write_file(dir, "signer.conf", text);
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

/* Sign `msg`; the outcome (fields in the message's arena: copied). */
static enum signer_verdict
sign_text(struct signer_config *c, const char *msg, size_t len, char **out_r,
	  size_t *out_len_r, char **reason_r)
{
	struct signer_message m;
	struct signer_outcome o;
	const char *err = NULL;
	enum signer_verdict v;

	signer_message_init(&m, dir, 0);
	feed(&m, msg, len, 0);
	ck_assert_msg(signer_message_sign(&m, c, "", 1528637909, &o, &err) ==
		      0, "sign: %s", err);
	v = o.verdict;
	*reason_r = v == SIGNER_UNSIGNED ? strdup(o.reason) : NULL;
	*out_r = output_of(&m, &o, out_len_r);
	signer_message_deinit(&m);
	return v;
}

static size_t
count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* probe 2026-12 F09: "never signed twice" remembered only the first 32
 * DKIM-Signature fields (with 32 others above ours the same d=/s= signed
 * again), and any field claiming our d=/s= - even b=AAAA - suppressed
 * signing, so the message left with only the bogus signature.  Now only a
 * signature that verifies with our key counts (dkimpy checks the results
 * in tests/dkim-signer-cli.sh). */
START_TEST(test_existing_signatures)
{
	struct signer_config *c = config_with("");
	struct buf junk = BUF_INIT, msg = BUF_INIT;
	char *reason;
	char *signed1, *out;
	size_t len1, len;
	int i;

	ck_assert_int_eq(sign_text(c, rfc8463_msg, strlen(rfc8463_msg),
				   &signed1, &len1, &reason), SIGNER_SIGNED);
	/* our real signature, below 40 others: recognised, not signed again */
	for (i = 0; i < 40; i++)
		buf_printf(&junk, "DKIM-Signature: v=1; a=rsa-sha256; d=x%d.test;"
			   " s=s; h=from; bh=AAAA; b=AAAA\r\n", i);
	buf_append(&msg, junk.data, junk.len);
	buf_append(&msg, signed1, len1);
	ck_assert_int_eq(sign_text(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_UNSIGNED);
	harness_assert_str("40 above ours", reason,
			   "already signed by d=football.example.com s=brisbane");
	ck_assert_uint_eq(len, msg.len);
	free(out);
	free(reason);
	/* a field only claiming our d=/s= does not stop signing */
	buf_reset(&msg);
	buf_append_str(&msg, "DKIM-Signature: v=1; a=ed25519-sha256; "
		       "d=Football.Example.COM;\r\n s=brisbane; h=from; "
		       "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=; "
		       "b=AAAA\r\n");
	buf_append_str(&msg, rfc8463_msg);
	ck_assert_int_eq(sign_text(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_SIGNED);
	ck_assert_uint_eq(count_str(out, "s=brisbane"), 2);
	free(out);
	/* our signature over a message changed since (body): not ours any
	 * more, signed again */
	buf_reset(&msg);
	buf_append(&msg, signed1, len1 - 3);
	buf_append_str(&msg, "X.\r\n");
	ck_assert_int_eq(sign_text(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_SIGNED);
	free(out);
	/* the bound: more than SIGNER_EXISTING_MAX_CLAIMS claims above ours
	 * - we err on signing again (signer-existing.h) */
	buf_reset(&msg);
	for (i = 0; i <= SIGNER_EXISTING_MAX_CLAIMS; i++)
		buf_append_str(&msg, "DKIM-Signature: v=1; a=ed25519-sha256; "
			       "d=football.example.com; s=brisbane; h=from; "
			       "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=;"
			       " b=AAAA\r\n");
	buf_append(&msg, signed1, len1);
	ck_assert_int_eq(sign_text(c, msg.data, msg.len, &out, &len, &reason),
			 SIGNER_SIGNED);
	free(out);
	free(signed1);
	buf_free(&junk);
	buf_free(&msg);
	signer_config_free(&c);
}
END_TEST

/* A config from KeyTable and SigningTable text (key files: 0600). */
static struct signer_config *
config_tables(const char *kt_text, const char *st_text)
{
	char *kt = harness_write_file(dir, "KeyTable", kt_text);
	char *st = harness_write_file(dir, "SigningTable", st_text);
	char text[8192], *conf;
	struct signer_config *c = NULL;
	const char *err = NULL;

	chmod(kt, 0600);
	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable refile:%s\n"
		 "Syslog no\n", kt, st);
	conf = harness_write_file(dir, "signer.conf", text);
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
		ck_assert_int_eq(sign_text(c, msg, strlen(msg), &out, &len,
					   &reason), SIGNER_SIGNED);
	} else {
		ck_assert_int_eq(sign_text(c, msg, strlen(msg), &out, &len,
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
	char *kt = harness_write_file(dir, "KeyTable",
		"k football.example.com:brisbane:" BRISBANE_SEED "\n");
	char *st = harness_write_file(dir, "SigningTable", "* k\n");
	char text[8192], want[8192], *conf;
	struct signer_config *c = NULL;
	struct signer_key *k;
	const char *err = NULL, *overrides[] = {"RequireSafeKeys=no", NULL};

	chmod(kt, 0644);
	snprintf(text, sizeof(text), "KeyTable %s\nSigningTable %s\n", kt, st);
	conf = harness_write_file(dir, "signer.conf", text);
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
	free(harness_write_file(dir, "k.private", BRISBANE_SEED "\n"));
	snprintf(text, sizeof(text), "k football.example.com:brisbane:%s/"
		 "k.private\n", dir);
	free(harness_write_file(dir, "KeyTable", text));
	chmod(kt, 0644);
	snprintf(text, sizeof(text), "%s/k.private", dir);
	chmod(text, 0600);
	ck_assert_int_eq(signer_config_load(conf, NULL, &c, &err), 0);
	ck_assert_msg(signer_config_load_all_keys(c, &err) == 0, "%s", err);
	signer_config_free(&c);
	free(kt);
	free(st);
	free(conf);
}
END_TEST

/* probe 2026-12 F03, F10: a header dkim-sign.h refuses to sign is a
 * property of the message, so it is passed on unsigned, never an error
 * (exit 75 deferred it until it bounced); an oversized From is not even
 * parsed (F10: msg_address_list_parse(NULL, 0) was undefined). */
static const struct {
	const char *what;
	size_t fields, field_len, from_len;
	const char *reason;
} too_large_cases[] = {
	{"1001 fields", 1001, 1, 0, "header too large to sign (over 1000 "
	 "fields or 1 MiB, or a field over 256 KiB)"},
	{"1.5 MB header", 500, 3000, 0, "header too large to sign (over 1000 "
	 "fields or 1 MiB, or a field over 256 KiB)"},
	{"300 KB field", 1, 300000, 0, "header too large to sign (over 1000 "
	 "fields or 1 MiB, or a field over 256 KiB)"},
	{"300 KB From", 0, 0, 300000,
	 "header too large to sign: a From field over 256 KiB"},
};

START_TEST(test_too_large)
{
	struct signer_config *c = config_with("");
	struct signer_message m;
	struct signer_outcome o;
	struct buf msg = BUF_INIT;
	const char *err = NULL;
	size_t i, len;
	char *out;

	buf_append_str(&msg, "From: ");
	for (i = 0; i < too_large_cases[_i].from_len; i++)
		buf_append_char(&msg, 'q');
	buf_append_str(&msg, " <joe@football.example.com>\nSubject: t\n");
	for (i = 0; i < too_large_cases[_i].fields; i++) {
		buf_printf(&msg, "X-F%zu: ", i);
		for (len = 0; len < too_large_cases[_i].field_len; len++)
			buf_append_char(&msg, 'v');
		buf_append_char(&msg, '\n');
	}
	buf_append_str(&msg, "\nhi\n");
	signer_message_init(&m, dir, 0);
	feed(&m, msg.data, msg.len, 0);
	ck_assert_msg(signer_message_sign(&m, c, "s@x", 0, &o, &err) == 0,
		      "%s: sign: %s", too_large_cases[_i].what, err);
	ck_assert_msg(o.verdict == SIGNER_UNSIGNED, "%s: signed",
		      too_large_cases[_i].what);
	harness_assert_str(too_large_cases[_i].what, o.reason,
			   too_large_cases[_i].reason);
	out = output_of(&m, &o, &len);
	ck_assert_uint_eq(len, msg.len);
	ck_assert(memcmp(out, msg.data, len) == 0);
	free(out);
	buf_free(&msg);
	signer_message_deinit(&m);
	signer_config_free(&c);
}
END_TEST

/* probe 2026-12 F13: UserID USER:GROUP - the group is looked up (not
 * ignored), an unknown one refused.  Expected ids from getpwnam(3) and
 * getgrnam(3). */
START_TEST(test_user_lookup)
{
	struct arena *arena = arena_new(0);
	struct signer_user u;
	const char *err = NULL;
	struct group *gr;

	ck_assert_int_eq(signer_user_lookup("root", arena, &u, &err), 0);
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_uint_eq(u.gid, getpwnam("root")->pw_gid);
	if ((gr = getgrnam("mail")) != NULL) {
		ck_assert_int_eq(signer_user_lookup("root:mail", arena, &u,
						    &err), 0);
		ck_assert_uint_eq(u.uid, 0);
		ck_assert_uint_eq(u.gid, getgrnam("mail")->gr_gid);
	}
	ck_assert_int_eq(signer_user_lookup("root:no-such-group-x", arena, &u,
					    &err), -1);
	harness_assert_str("unknown group", err,
			   "UserID: no such group 'no-such-group-x'");
	ck_assert_int_eq(signer_user_lookup("no-such-user-x:mail", arena, &u,
					    &err), -1);
	harness_assert_str("unknown user", err,
			   "UserID: no such user 'no-such-user-x'");
	ck_assert_int_eq(signer_user_lookup("root:", arena, &u, &err), -1);
	harness_assert_str("empty group", err,
			   "UserID: empty user or group name");
	arena_free(&arena);
}
END_TEST

/* probe 2026-12 F12: log text from a message can neither start a line
 * nor send terminal escapes; the format is logsink.h's (\xHH, "\\"). */
static const struct {
	const char *in, *want;
} escapes[] = {
	{"carol@example.org", "carol@example.org"},
	{"x\033[2J\033[31m y", "x\\x1B[2J\\x1B[31m y"},
	{"a\nfake: line\rz", "a\\x0Afake: line\\x0Dz"},
	{"back\\slash \x7f \x80\xff", "back\\\\slash \\x7F \\x80\\xFF"},
	{"", ""},
};

START_TEST(test_log_escape)
{
	struct buf out = BUF_INIT;

	logsink_escape(&out, escapes[_i].in);
	harness_assert_str("escaped", buf_cstr(&out), escapes[_i].want);
	buf_free(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("signer");
	TCase *tc = tcase_create("signer");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_spool_roundtrip);
	tcase_add_test(tc, test_spool_memory);
	tcase_add_loop_test(tc, test_header_scan, 0,
			    sizeof(scans) / sizeof(scans[0]));
	tcase_add_loop_test(tc, test_unsigned, 0,
			    sizeof(unsigned_cases) / sizeof(unsigned_cases[0]));
	tcase_add_test(tc, test_signed);
	tcase_add_test(tc, test_envelope_address);
	tcase_add_loop_test(tc, test_config_errors, 0,
			    sizeof(bad_configs) / sizeof(bad_configs[0]));
	tcase_add_test(tc, test_config_tables);
	tcase_add_test(tc, test_unsafe_key);
	tcase_add_test(tc, test_rfc8410_key);
	tcase_add_test(tc, test_existing_signatures);
	tcase_add_loop_test(tc, test_percent, 0,
			    sizeof(percent_cases) / sizeof(percent_cases[0]));
	tcase_add_test(tc, test_inline_key_safety);
	tcase_add_loop_test(tc, test_too_large, 0,
			    sizeof(too_large_cases) / sizeof(too_large_cases[0]));
	tcase_add_test(tc, test_user_lookup);
	tcase_add_loop_test(tc, test_log_escape, 0,
			    sizeof(escapes) / sizeof(escapes[0]));
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
