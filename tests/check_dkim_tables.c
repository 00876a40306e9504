/*
 * check_dkim_tables.c - OpenDKIM data sets, KeyTable and SigningTable
 * (lib/dkim/dkim-dataset.c, lib/dkim/dkim-keytable.c, lib/dkim/dkim-signtable.c).
 *
 * Expected values come from the OpenDKIM documentation:
 *  opendkim(8) DATA SETS: "file: ... If a line contains whitespace-
 *   separated values, then the line is presumed to define key-value pairs
 *   ... the hash ("#") character denotes the start of a comment.  If a
 *   value contains multiple entries, the entries should be separated by
 *   colons."  "refile: ... Patterns are simple wildcard patterns, matching
 *   all text except that the asterisk ("*") character is considered a
 *   wildcard."
 *  opendkim.conf(5) KeyTable: "maps each key name to three values: (a)
 *   the name of the domain to use in the signature's "d=" value; (b) the
 *   name of the selector ...; and (c) either a private key or a path ...
 *   If the third value starts with a slash ("/") character, or "./" or
 *   "../", then it is presumed to refer to a file".
 *  opendkim.conf(5) SigningTable: "For all other database types, the full
 *   user@host is checked first, then simply host, then user@.domain (with
 *   all superdomains checked in sequence, so "foo.example.com" would
 *   first check "user@foo.example.com", then "user@.example.com", then
 *   "user@.com"), then .domain, then user@*, and finally *."  "If the
 *   first field contains only a "%" character, it will be replaced by the
 *   domain found in the From: header field."  "only the first match is
 *   applied, unless MultipleSignatures is enabled".
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "dkim/dkim-dataset.h"
#include "dkim/dkim-keytable.h"
#include "dkim/dkim-signtable.h"
#include "harness.h"

static struct dkim_dataset_row *
parse_ok(struct arena *a, const char *text, size_t *n)
{
	struct dkim_dataset_row *rows;
	const char *err = NULL;

	ck_assert_msg(dkim_dataset_parse("t", text, strlen(text), a, &rows, n,
					 &err) == 0, "parse: %s", err);
	return rows;
}

START_TEST(test_dataset_lines)
{
	struct arena *a = arena_new(0);
	size_t n;
	struct dkim_dataset_row *rows = parse_ok(a,
		"# comment\n\n  key1 \t value one  \nkey2 v2 # trailing\n"
		"key3\n#x y\r\nkey4\tv:4\r\n", &n);

	ck_assert_uint_eq(n, 4);
	harness_assert_str("key1", rows[0].key, "key1");
	harness_assert_str("value1", rows[0].value, "value one");
	ck_assert_uint_eq(rows[0].line, 3);
	harness_assert_str("value2", rows[1].value, "v2");
	harness_assert_str("key3", rows[2].key, "key3");
	harness_assert_str("value3", rows[2].value, "");
	harness_assert_str("key4", rows[3].key, "key4");
	harness_assert_str("value4", rows[3].value, "v:4");
	ck_assert_uint_eq(rows[3].line, 7);
	arena_free(&a);
}
END_TEST

START_TEST(test_dataset_refused)
{
	struct arena *a = arena_new(0);
	struct dkim_dataset_row *rows;
	const char *err = NULL;
	size_t n;
	char *big = malloc(DKIM_DATASET_MAX_LINE + 10);

	ck_assert_int_eq(dkim_dataset_parse("t", "a b\nc\0d\n", 8, a, &rows,
					    &n, &err), -1);
	harness_assert_str("NUL", err, "t: NUL byte in file");
	memset(big, 'x', DKIM_DATASET_MAX_LINE + 9);
	big[0] = '\n';
	ck_assert_int_eq(dkim_dataset_parse("t", big, DKIM_DATASET_MAX_LINE + 9,
					    a, &rows, &n, &err), -1);
	harness_assert_str("long", err, "t:2: line too long");
	free(big);
	arena_free(&a);
}
END_TEST

static const struct {
	const char *spec;
	int ret;
	enum dkim_dataset_kind kind;
	const char *path;
} specs[] = {
	{"file:/etc/k", 0, DKIM_DATASET_FILE, "/etc/k"},
	{"refile:/etc/s", 0, DKIM_DATASET_REFILE, "/etc/s"},
	{"/etc/plain", 0, DKIM_DATASET_FILE, "/etc/plain"},
	{"file:relative", -1, 0, NULL},
	{"db:/etc/k.db", -1, 0, NULL},
	{"csl:a,b", -1, 0, NULL},
	{"plain", -1, 0, NULL},
};

START_TEST(test_dataset_spec)
{
	enum dkim_dataset_kind kind;
	const char *path = NULL, *err;

	ck_assert_int_eq(dkim_dataset_spec(specs[_i].spec, &kind, &path, &err),
			 specs[_i].ret);
	if (specs[_i].ret == 0) {
		ck_assert_int_eq(kind, specs[_i].kind);
		harness_assert_str(specs[_i].spec, path, specs[_i].path);
	}
}
END_TEST

static struct dkim_keytable *
keytable_ok(struct arena *a, const char *text)
{
	struct dkim_dataset_row *rows;
	struct dkim_keytable *kt;
	const char *err = NULL;
	size_t n;

	rows = parse_ok(a, text, &n);
	ck_assert_msg(dkim_keytable_from_rows("kt", rows, n, a, &kt, &err) == 0,
		      "keytable: %s", err);
	return kt;
}

START_TEST(test_keytable)
{
	struct arena *a = arena_new(0);
	struct dkim_keytable *kt = keytable_ok(a,
		"rsa  example.com:rsa2026:/etc/keys/rsa.private\n"
		"ed   example.com:ed2026:./keys/ed.private\n"
		"pct  %:sel:../k\n"
		"inl  example.org:s1:MC4CAQAwBQYDK2VwBCIEIJ0ymxM6mnxv\n");
	const struct dkim_keytable_entry *e;

	ck_assert_uint_eq(kt->count, 4);
	e = dkim_keytable_find(kt, "rsa");
	ck_assert_ptr_nonnull(e);
	harness_assert_str("d", e->domain, "example.com");
	harness_assert_str("s", e->selector, "rsa2026");
	harness_assert_str("key", e->key, "/etc/keys/rsa.private");
	ck_assert(e->key_is_path);
	ck_assert(dkim_keytable_find(kt, "ed")->key_is_path);
	e = dkim_keytable_find(kt, "PCT");
	harness_assert_str("% domain", e->domain, "%");
	ck_assert(e->key_is_path);
	e = dkim_keytable_find(kt, "inl");
	ck_assert(!e->key_is_path);
	harness_assert_str("any case", dkim_keytable_find(kt, "Rsa")->selector,
			   "rsa2026");
	ck_assert_ptr_null(dkim_keytable_find(kt, "nope"));
	arena_free(&a);
}
END_TEST

static const struct {
	const char *text, *error;
} bad_keytables[] = {
	{"k example.com:sel\n", "kt:1: k: value must be DOMAIN:SELECTOR:KEY"},
	{"\nk example.com\n", "kt:2: k: value must be DOMAIN:SELECTOR:KEY"},
	{"k :sel:/k\n", "kt:1: k: invalid domain"},
	{"k ex ample.com:sel:/k\n", "kt:1: k: invalid domain"},
	{"k example.com::/k\n", "kt:1: k: invalid selector"},
	{"k example.com:s;l:/k\n", "kt:1: k: invalid selector"},
	{"k example..com:s:/k\n", "kt:1: k: invalid domain"},
	{"k example.com:sel:\n", "kt:1: k: empty key"},
	{"k\n", "kt:1: k: value must be DOMAIN:SELECTOR:KEY"},
	/* probe 2026-12: "the same key name twice in the KeyTable: first
	 * line wins silently" - now an error naming both lines */
	{"k example.com:s1:/k\nK example.com:s2:/k\n",
	 "kt:2: K: key name already defined at line 1"},
	/* RFC 6376 3.1 selector / 3.5 d=: LDH labels (RFC 5321 4.1.2), the
	 * check the verifier and dkim-keygen apply too (probe 2026-12 F14) */
	{"k example.com:s_1:/k\n", "kt:1: k: invalid selector"},
	{"k example.com:-s:/k\n", "kt:1: k: invalid selector"},
	{"k example.com:s-:/k\n", "kt:1: k: invalid selector"},
	{"k example.com:s.:/k\n", "kt:1: k: invalid selector"},
	{"k x_y.com:s:/k\n", "kt:1: k: invalid domain"},
	{"k -bad-.com:s:/k\n", "kt:1: k: invalid domain"},
	{"k com:s:/k\n", "kt:1: k: invalid domain"},
	{"k 192.0.2.1:s:/k\n", "kt:1: k: invalid domain"},
};

START_TEST(test_keytable_errors)
{
	struct arena *a = arena_new(0);
	struct dkim_dataset_row *rows;
	struct dkim_keytable *kt;
	const char *err = NULL;
	size_t n;

	rows = parse_ok(a, bad_keytables[_i].text, &n);
	ck_assert_int_eq(dkim_keytable_from_rows("kt", rows, n, a, &kt, &err),
			 -1);
	harness_assert_str(bad_keytables[_i].text, err,
			   bad_keytables[_i].error);
	arena_free(&a);
}
END_TEST

static struct dkim_signtable *
signtable_ok(struct arena *a, enum dkim_dataset_kind kind, const char *text)
{
	struct dkim_dataset_row *rows;
	struct dkim_signtable *st;
	const char *err = NULL;
	size_t n;

	rows = parse_ok(a, text, &n);
	ck_assert_msg(dkim_signtable_from_rows("st", kind, rows, n, a, &st,
					       &err) == 0, "signtable: %s", err);
	return st;
}

/* All key names a lookup returns, joined by ',' ("" for none). */
static const char *
lookup(struct arena *a, const struct dkim_signtable *st, const char *local,
       const char *domain, bool multiple)
{
	struct dkim_signtable_match m[DKIM_SIGNTABLE_MAX_MATCHES];
	size_t n = dkim_signtable_lookup(st, local, domain, multiple, a, m), i;
	char *out = arena_zalloc(a, 512);

	for (i = 0; i < n; i++) {
		strcat(out, i == 0 ? "" : ",");
		strcat(out, m[i].keyname);
		if (m[i].signer != NULL) {
			strcat(out, "/");
			strcat(out, m[i].signer);
		}
	}
	return out;
}

/* opendkim.conf(5): user@host, host, user@.parent..., .parent..., user@*,
 * * - every candidate present, so the order shows with MultipleSignatures */
START_TEST(test_signtable_file_order)
{
	struct arena *a = arena_new(0);
	struct dkim_signtable *st = signtable_ok(a, DKIM_DATASET_FILE,
		"*                    k8\n"
		"user@*               k7\n"
		".com                 k6\n"
		".example.com         k5\n"
		"user@.com            k4\n"
		"user@.example.com    k3\n"
		"foo.example.com      k2\n"
		"USER@foo.example.com k1\n");

	harness_assert_str("all", lookup(a, st, "user", "foo.example.com", true),
			   "k1,k2,k3,k4,k5,k6,k7,k8");
	harness_assert_str("first", lookup(a, st, "user", "foo.example.com",
					   false), "k1");
	harness_assert_str("other user", lookup(a, st, "bob", "foo.example.com",
						true), "k2,k5,k6,k8");
	harness_assert_str("other domain", lookup(a, st, "bob", "example.org",
						  false), "k8");
	/* .example.com does not match example.com itself */
	harness_assert_str("parent only", lookup(a, st, "bob", "example.com",
						 true), "k6,k8");
	arena_free(&a);
}
END_TEST

START_TEST(test_signtable_file_nomatch)
{
	struct arena *a = arena_new(0);
	struct dkim_signtable *st = signtable_ok(a, DKIM_DATASET_FILE,
		"example.com rsa\nexample.com ed\n");

	harness_assert_str("none", lookup(a, st, "u", "example.net", true), "");
	harness_assert_str("sub", lookup(a, st, "u", "a.example.com", true), "");
	harness_assert_str("first", lookup(a, st, "u", "example.com", false),
			   "rsa");
	harness_assert_str("both", lookup(a, st, "u", "Example.COM", true),
			   "rsa,ed");
	arena_free(&a);
}
END_TEST

START_TEST(test_signtable_refile)
{
	struct arena *a = arena_new(0);
	struct dkim_signtable *st = signtable_ok(a, DKIM_DATASET_REFILE,
		"# patterns in file order\n"
		"bob@example.com      bobkey:bob@example.com\n"
		"*@example.com        rsa\n"
		"*@example.com        ed:@%\n"
		"*@*.example.org      %:%\n"
		"*@example.com        rsa\n");

	harness_assert_str("first only", lookup(a, st, "alice", "EXAMPLE.com",
						false), "rsa");
	harness_assert_str("multiple", lookup(a, st, "alice", "example.com",
					      true), "rsa,ed/@example.com");
	harness_assert_str("bob", lookup(a, st, "bob", "example.com", true),
			   "bobkey/bob@example.com,rsa,ed/@example.com");
	harness_assert_str("percent", lookup(a, st, "x", "mail.example.org",
					     true),
			   "mail.example.org/mail.example.org");
	harness_assert_str("no *. match", lookup(a, st, "x", "example.org",
						 true), "");
	harness_assert_str("subdomain", lookup(a, st, "x", "sub.example.com",
					       true), "");
	arena_free(&a);
}
END_TEST

static const struct {
	const char *pattern, *text;
	bool match;
} wildcards[] = {
	{"*", "", true},
	{"*", "anything@x", true},
	{"*@example.com", "a@example.com", true},
	{"*@example.com", "a@example.com.evil", false},
	{"*@example.com", "a@sub.example.com", false},
	{"*@*example.com", "a@sub.example.com", true},
	{"a*b*c", "aXXbYYc", true},
	{"a*b*c", "aXXbYY", false},
	{"a*b", "abab", true},
	{"a.b", "axb", false}, /* '.' is itself, not a regex dot */
	{"user+*@x", "user+tag@x", true},
	{"USER@X", "user@x", true},
	{"**", "ab", true},
	{"", "", true},
	{"", "a", false},
};

START_TEST(test_wildcard)
{
	ck_assert_msg(dkim_signtable_wildcard(wildcards[_i].pattern,
					      wildcards[_i].text) ==
			      wildcards[_i].match,
		      "%s vs %s: want %d", wildcards[_i].pattern,
		      wildcards[_i].text, wildcards[_i].match);
}
END_TEST

START_TEST(test_load_files)
{
	struct arena *a = arena_new(0);
	char *dir = harness_tmpdir("tables");
	char *kpath = harness_write_file(dir, "KeyTable",
		"k1 example.com:s1:/nonexistent/k1\n");
	char *spath = harness_write_file(dir, "SigningTable",
		"*@example.com k1\n");
	char spec[4096];
	struct dkim_keytable *kt;
	struct dkim_signtable *st;
	const char *err = NULL;

	ck_assert_int_eq(dkim_keytable_load(kpath, a, &kt, &err), 0);
	ck_assert_uint_eq(kt->count, 1);
	snprintf(spec, sizeof(spec), "refile:%s", kpath);
	ck_assert_int_eq(dkim_keytable_load(spec, a, &kt, &err), -1);
	ck_assert_msg(strstr(err, "use file:, not refile:") != NULL, "%s", err);
	snprintf(spec, sizeof(spec), "refile:%s", spath);
	ck_assert_int_eq(dkim_signtable_load(spec, a, &st, &err), 0);
	ck_assert_int_eq(st->kind, DKIM_DATASET_REFILE);
	harness_assert_str("match", lookup(a, st, "u", "example.com", false),
			   "k1");
	ck_assert_int_eq(dkim_signtable_load("file:/nonexistent/st", a, &st,
					     &err), -1);
	harness_assert_str("missing", err,
			   "/nonexistent/st: No such file or directory");
	unlink(kpath);
	unlink(spath);
	rmdir(dir);
	free(kpath);
	free(spath);
	free(dir);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_tables");
	TCase *tc = tcase_create("tables");
	int failed;

	tcase_add_test(tc, test_dataset_lines);
	tcase_add_test(tc, test_dataset_refused);
	tcase_add_loop_test(tc, test_dataset_spec, 0,
			    sizeof(specs) / sizeof(specs[0]));
	tcase_add_test(tc, test_keytable);
	tcase_add_loop_test(tc, test_keytable_errors, 0,
			    sizeof(bad_keytables) / sizeof(bad_keytables[0]));
	tcase_add_test(tc, test_signtable_file_order);
	tcase_add_test(tc, test_signtable_file_nomatch);
	tcase_add_test(tc, test_signtable_refile);
	tcase_add_loop_test(tc, test_wildcard, 0,
			    sizeof(wildcards) / sizeof(wildcards[0]));
	tcase_add_test(tc, test_load_files);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
