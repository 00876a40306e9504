/*
 * signer-fixture.c - what the dkim-signer unit tests share
 * (signer-fixture.h).
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "signer-fixture.h"

const char rfc8463_msg[] =
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

char *fixture_dir;

void
fixture_setup(void)
{
	fixture_dir = harness_tmpdir("signer");
}

void
fixture_teardown(void)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture_dir);
	(void)system(cmd);
	free(fixture_dir);
}

/* A config with the RFC 8463 key for football.example.com. */
struct signer_config *
fixture_config(const char *extra)
{
	char *kt = harness_write_file(fixture_dir, "KeyTable",
		"brisbane football.example.com:brisbane:" BRISBANE_SEED "\n");
	char *st = harness_write_file(fixture_dir, "SigningTable",
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
	conf = harness_write_file(fixture_dir, "signer.conf", text);
	ck_assert_msg(signer_config_load(conf, NULL, &c, &err) == 0, "load: %s",
		      err);
	free(kt);
	free(st);
	free(conf);
	return c;
}

/* Feed msg `step` bytes at a time (0 = whole) into a message. */
void
fixture_feed(struct signer_message *m, const char *msg, size_t len, size_t step)
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
char *
fixture_output(struct signer_message *m, const struct signer_outcome *o,
	       size_t *len_r)
{
	char path[4200];
	struct stat st;
	const char *err = NULL;
	char *out;
	int fd;

	snprintf(path, sizeof(path), "%s/out", fixture_dir);
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

/* Sign `msg`; the outcome (fields in the message's arena: copied). */
enum signer_verdict
fixture_sign(struct signer_config *c, const char *msg, size_t len, char **out_r,
	     size_t *out_len_r, char **reason_r)
{
	struct signer_message m;
	struct signer_outcome o;
	const char *err = NULL;
	enum signer_verdict v;

	signer_message_init(&m, fixture_dir, 0);
	fixture_feed(&m, msg, len, 0);
	ck_assert_msg(signer_message_sign(&m, c, "", 1528637909, &o, &err) ==
		      0, "sign: %s", err);
	v = o.verdict;
	*reason_r = v == SIGNER_UNSIGNED ? strdup(o.reason) : NULL;
	*out_r = fixture_output(&m, &o, out_len_r);
	signer_message_deinit(&m);
	return v;
}
