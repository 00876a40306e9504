/*
 * check_dmarc_oracle.c - our DMARC evaluation against OpenDMARC's library
 * (Debian libopendmarc, RFC 7489) as an independent oracle, over a matrix
 * of records x From domains x DKIM results x SPF results x alignment
 * modes, restricted to the cases where RFC 7489 and RFC 9989 agree: the
 * only record of each tree is at its registrable domain (so the tree
 * walk and the Public Suffix List give the same Organizational Domain),
 * one DKIM signature, no t= / pct=.
 *
 * The oracle (tests/opendmarc-oracle) is run at test time on every case
 * and its verdict and alignment flags are compared with ours, which come
 * from real libunbound lookups of the same records; nothing is pasted.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc-test.h"
#include "dmarc/dmarc.h"
#include "dns/dns.h"
#include "harness.h"

static const char *const pols[] = { "none", "quarantine", "reject" };
static const char *const sps[] = { NULL, "none", "reject" };
static const char *const modes[] = { "r", "s" };
#define NREC (3 * 3 * 2 * 2)

/* identifiers: a prefix to the record's registrable domain, or (with a
 * leading '!') a foreign domain */
static const char *const dkim_ids[] = { NULL, "", "mail.", "x.mail.",
					"!other.net" };
static const char *const spf_ids[] = { NULL, "", "bounce.", "!other.net" };
static const char *const authors[] = { "", "mail." };

struct mcase {
	char record[128];
	char org[32];
	char author[64];
	char dkim[64];
	bool dkim_pass;
	char spf[64];
	bool spf_pass;
	char oracle[64];
	bool defect; /* see opendmarc_strict_defect() */
};

static void
record_text(unsigned int n, char *buf, size_t len)
{
	unsigned int p = n % 3, sp = (n / 3) % 3, ad = (n / 9) % 2,
		     as = (n / 18) % 2;

	snprintf(buf, len, "v=DMARC1; p=%s;%s%s adkim=%s; aspf=%s", pols[p],
		 sps[sp] != NULL ? " sp=" : "", sps[sp] != NULL ?
		 (sp == 1 ? "none;" : "reject;") : "", modes[ad], modes[as]);
}

static void
expand(char *out, size_t len, const char *tmpl, const char *org)
{
	if (tmpl == NULL)
		out[0] = '\0';
	else if (tmpl[0] == '!')
		snprintf(out, len, "%s", tmpl + 1);
	else
		snprintf(out, len, "%s%s", tmpl, org);
}

/* OpenDMARC 1.4.2 defect, excluded: in strict mode it treats an
 * identifier that is a proper subdomain of the From domain as aligned
 * (d=mail.example.com with From example.com, and x.mail.example.com with
 * mail.example.com), contrary to RFC 7489 3.1.1 ("the domains must be
 * identical") and RFC 9989 3.2.10.2.  Checked at test time below: for
 * these cases the oracle must say aligned and we must not. */
static bool
opendmarc_strict_defect(const char *id, const char *author, bool strict)
{
	size_t li = strlen(id), la = strlen(author);

	return strict && li > la + 1 && id[li - la - 1] == '.' &&
		strcmp(id + li - la, author) == 0;
}

static size_t excluded;

static size_t
build_cases(struct mcase **cases_r)
{
	size_t n = 0, cap = NREC * 2 * 5 * 2 * 4 * 2;
	struct mcase *cs = calloc(cap, sizeof(*cs));
	unsigned int r, a, d, dp, s, spp;

	for (r = 0; r < NREC; r++)
	for (a = 0; a < 2; a++)
	for (d = 0; d < 5; d++)
	for (dp = 0; dp < 2; dp++)
	for (s = 0; s < 4; s++)
	for (spp = 0; spp < 2; spp++) {
		struct mcase *c = &cs[n];

		if ((d == 0 && dp == 1) || (s == 0 && spp == 1))
			continue;
		snprintf(c->org, sizeof(c->org), "org%u.com", r);
		record_text(r, c->record, sizeof(c->record));
		expand(c->author, sizeof(c->author), authors[a], c->org);
		expand(c->dkim, sizeof(c->dkim), dkim_ids[d], c->org);
		expand(c->spf, sizeof(c->spf), spf_ids[s], c->org);
		c->dkim_pass = dp == 0;
		c->spf_pass = spp == 0;
		c->defect = (opendmarc_strict_defect(c->dkim, c->author,
						     (r / 9) % 2 == 1) &&
			      c->dkim_pass) ||
			(opendmarc_strict_defect(c->spf, c->author,
						 (r / 18) % 2 == 1) &&
			 c->spf_pass);
		n++;
	}
	*cases_r = cs;
	return n;
}

static void
run_oracle(struct mcase *cs, size_t n)
{
	const char *bdir = getenv("MAILAUTH_BUILDDIR");
	char *dir = harness_tmpdir("oracle"), *in, *cmd;
	struct buf b = BUF_INIT;
	FILE *fp;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mcase *c = &cs[i];
		bool sub = strcmp(c->author, c->org) != 0;

		buf_printf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c->record,
			   c->author, sub ? c->org : "-",
			   c->dkim[0] != '\0' ? c->dkim : "-",
			   c->dkim_pass ? "pass" : "fail",
			   c->spf[0] != '\0' ? c->spf : "-",
			   c->spf_pass ? "pass" : "fail");
	}
	in = harness_write_file(dir, "cases", buf_cstr(&b));
	ck_assert_int_ge(asprintf(&cmd, "%s/tests/opendmarc-oracle < '%s'",
				  bdir != NULL ? bdir : ".", in), 0);
	fp = popen(cmd, "r");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < n; i++) {
		ck_assert_msg(fgets(cs[i].oracle, sizeof(cs[i].oracle), fp) !=
			      NULL, "oracle stopped at case %zu", i);
		cs[i].oracle[strcspn(cs[i].oracle, "\n")] = '\0';
	}
	ck_assert_int_eq(pclose(fp), 0);
	unlink(in);
	rmdir(dir);
	free(in);
	free(cmd);
	free(dir);
	buf_free(&b);
}

static struct dns_resolver *
matrix_resolver(void)
{
	struct buf z = BUF_INIT;
	struct dns_resolver *r;
	char rec[128];
	unsigned int i;

	for (i = 0; i < NREC; i++) {
		record_text(i, rec, sizeof(rec));
		buf_printf(&z, "\tlocal-data: '_dmarc.org%u.com. 300 IN TXT "
			   "\"%s\"'\n\tlocal-data: 'mail.org%u.com. 300 IN A "
			   "192.0.2.1'\n", i, rec, i);
	}
	r = dmarc_test_resolver(buf_cstr(&z));
	buf_free(&z);
	return r;
}

START_TEST(test_matrix_vs_opendmarc)
{
	static const struct dmarc_settings set = { DMARC_ORG_TREE_WALK, NULL,
						   false };
	struct dns_resolver *r = matrix_resolver();
	struct mcase *cs;
	size_t n = build_cases(&cs), i, agree = 0;
	struct arena *a = arena_new(0);

	run_oracle(cs, n);
	for (i = 0; i < n; i++) {
		const struct mcase *c = &cs[i];
		struct dmarc_dkim dkim = {
			.domain = c->dkim, .selector = "sel",
			.pass = c->dkim_pass };
		struct dmarc_verdict v;
		struct dmarc_test_trace t;
		char from[96], ours[64];

		snprintf(from, sizeof(from), "user@%s", c->author);
		dmarc_test_eval(r, &set, from, &dkim, c->dkim[0] != '\0',
				c->spf[0] != '\0' ? c->spf : NULL,
				c->spf_pass, a, &v, &t);
		snprintf(ours, sizeof(ours), "%s dkim=%d spf=%d",
			 v.result == DMARC_RESULT_PASS ? "pass" :
			 v.result == DMARC_RESULT_FAIL ?
			 dmarc_policy_str(v.disposition) :
			 dmarc_result_str(v.result),
			 v.dkim_aligned, v.spf_aligned);
		if (c->defect) {
			/* OpenDMARC aligns, RFC 7489 and we do not */
			ck_assert_msg(strstr(c->oracle, "=1") != NULL &&
				      (v.dkim_aligned + v.spf_aligned <
				       (strstr(c->oracle, "dkim=1") != NULL) +
				       (strstr(c->oracle, "spf=1") != NULL)),
				      "[%s] from=%s dkim=%s spf=%s: defect case: "
				      "got %s, OpenDMARC %s", c->record,
				      c->author, c->dkim, c->spf, ours,
				      c->oracle);
			excluded++;
			arena_clear(a);
			continue;
		}
		ck_assert_msg(strcmp(ours, c->oracle) == 0,
			      "[%s] from=%s dkim=%s/%s spf=%s/%s: got %s, "
			      "OpenDMARC %s", c->record, c->author, c->dkim,
			      c->dkim_pass ? "pass" : "fail", c->spf,
			      c->spf_pass ? "pass" : "fail", ours, c->oracle);
		agree++;
		arena_clear(a);
	}
	printf("check_dmarc_oracle: %zu of %zu cases agree with OpenDMARC "
	       "(%zu cases where OpenDMARC mis-aligns strict subdomains: "
	       "checked to differ)\n",
	       agree, n, excluded);
	arena_free(&a);
	free(cs);
	dns_resolver_free(&r);
}
END_TEST

static bool
oracle_missing(void)
{
	const char *bdir = getenv("MAILAUTH_BUILDDIR");
	char path[4096];

	snprintf(path, sizeof(path), "%s/tests/opendmarc-oracle",
		 bdir != NULL ? bdir : ".");
	return access(path, X_OK) != 0;
}

int
main(void)
{
	Suite *s = suite_create("dmarc_oracle");
	TCase *tc = tcase_create("opendmarc");
	int failed;

	/* the oracle is built only with libopendmarc (configure) */
	if (oracle_missing()) {
		printf("SKIP: tests/opendmarc-oracle not built: install the "
		       "Debian package libopendmarc-dev and run configure\n");
		return 77;
	}
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_matrix_vs_opendmarc);
	suite_add_tcase(s, tc);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
