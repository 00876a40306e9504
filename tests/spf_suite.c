/*
 * spf_suite.c - run an openspf YAML conformance suite (RFC 7208 or 4408)
 * through spf_check_run() and the real libunbound code path.
 *
 * usage: spf_suite [--forwarder] SUITE.yml COUNT [KNOWN-DIFFERENCES-FILE]
 *
 * tests/spf-suite.py turns the YAML into one libunbound configuration per
 * scenario (zone data as local-data, TIMEOUT names forwarded to a socket
 * that never answers) and a table of expected results; this program
 * evaluates every test and compares.  Expected values are the suite's own.
 * With --forwarder the zone data is served instead by a real unbound
 * server per scenario (tests/harness/unbound-start.sh, the site's
 * authoritative server) and the library reaches it through the
 * forwarder path (dns_settings.forwarders), as a site's resolver would be
 * used: libunbound's built-in local zones must not get in the way (the
 * PTR names under 2001:db8::/32 of ptr-case-change, p-macro-multiple and
 * bytes-bug).
 * A known-differences file lists test ids (one per line) whose expectation
 * contradicts RFC 7208; they are reported apart and never counted as
 * passed.  COUNT is the number of tests the suite holds (203 for RFC
 * 7208, 191 for RFC 4408, as counted in the YAML): a row that cannot be
 * read is a failure, and a total other than COUNT fails the run, so a
 * truncated file or a converter that drops tests cannot pass.  Prints
 * "spf-suite: N passed, N failed"; exit 1 if any failed or the count is
 * wrong, 99 when the suite (tests/fixtures/spf/) cannot be read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "dns/dns.h"
#include "harness.h"
#include "spf/spf.h"

/* Short: the TIMEOUT cases wait for it. */
#define SUITE_DNS_TIMEOUT_MS 400
/* --forwarder: two hops (library -> server -> its data), and a fresh
 * server per scenario on a machine that may be busy: more room, so only
 * the TIMEOUT cases time out. */
#define SUITE_FWD_TIMEOUT_MS 2000
#define MAX_FIELDS 7

struct counts {
	unsigned int passed, failed, known;
};

/* --forwarder: the scenario's server (pid 0 = none running). */
struct server {
	int pid, port;
	char fwd[32];
	const char *fwds[2];
};

/* Tests of the suite seen in the table, whatever their outcome. */
static unsigned int
counts_total(const struct counts *n)
{
	return n->passed + n->failed + n->known;
}

/* Undo tests/spf-suite.py's \xHH escaping in place. */
static char *
unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		unsigned int v;

		if (r[0] == '\\' && r[1] == 'x' &&
		    sscanf(r + 2, "%2x", &v) == 1) {
			*w++ = (char)v;
			r += 4;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return s;
}

static bool
result_listed(const char *list, enum spf_result got)
{
	char *copy = strdup(list), *tok, *save = NULL;
	enum spf_result r;
	bool found = false;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		found = found || (spf_result_parse(tok, &r) && r == got);
	free(copy);
	return found;
}

static bool
is_known_difference(const char *known, const char *id)
{
	char line[512];
	FILE *fp;
	bool found = false;

	if (known == NULL || (fp = fopen(known, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, " \t\r\n#")] = '\0';
		found = strcmp(line, id) == 0;
	}
	fclose(fp);
	return found;
}

static void
server_stop(struct server *srv)
{
	char cmd[4096];

	if (srv == NULL || srv->pid <= 0)
		return;
	snprintf(cmd, sizeof(cmd), "%s/tests/harness/stop-pid.sh %d",
		 harness_srcdir(), srv->pid);
	if (system(cmd) != 0)
		fprintf(stderr, "spf-suite: could not stop unbound %d\n",
			srv->pid);
	srv->pid = 0;
}

/* A real unbound serving the scenario's data (spf-suite.py server). */
static int
server_start(struct server *srv, const char *dir, const char *scenario)
{
	char cmd[8192];
	FILE *fp;
	int n;

	snprintf(cmd, sizeof(cmd),
		 "UNBOUND_ROOT_ZONE=$(cat '%s/scen%s.root') "
		 "%s/tests/harness/unbound-start.sh '%s/ub%s' "
		 "'%s/scen%s.conf'",
		 dir, scenario, harness_srcdir(), dir, scenario, dir, scenario);
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	n = fscanf(fp, "%d %d", &srv->pid, &srv->port);
	if (pclose(fp) != 0 || n != 2) {
		fprintf(stderr, "spf-suite: scenario %s: no server\n",
			scenario);
		return -1;
	}
	snprintf(srv->fwd, sizeof(srv->fwd), "127.0.0.1@%d", srv->port);
	srv->fwds[0] = srv->fwd;
	srv->fwds[1] = NULL;
	return 0;
}

static struct dns_resolver *
scenario_resolver(const char *dir, const char *scenario, struct server *srv)
{
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *error;
	char path[4096];

	snprintf(path, sizeof(path), "%s/scen%s.conf", dir, scenario);
	memset(&set, 0, sizeof(set));
	if (srv != NULL) {
		server_stop(srv);
		if (server_start(srv, dir, scenario) < 0)
			return NULL;
		set.forwarders = srv->fwds;
	} else {
		set.resolver_config = path;
	}
	set.timeout_ms = srv != NULL ? SUITE_FWD_TIMEOUT_MS :
				       SUITE_DNS_TIMEOUT_MS;
	if (dns_resolver_new(&set, NULL, NULL, &r, &error) < 0) {
		fprintf(stderr, "spf-suite: %s: %s\n", path, error);
		return NULL;
	}
	return r;
}

static bool
run_one(struct dns_resolver *r, char **f, char *why, size_t whylen)
{
	struct spf_request req = {SPF_IDENTITY_MAILFROM, f[3], f[2], f[4],
	                          NULL};
	struct arena *arena = arena_new(0);
	struct spf_verdict v;
	const char *error, *exp = f[6];
	bool ok;

	if (spf_check_run(r, NULL, &req, NULL, arena, &v, &error) < 0) {
		snprintf(why, whylen, "could not run: %s", error);
		arena_free(&arena);
		return false;
	}
	ok = result_listed(f[5], v.result);
	if (ok && strcmp(exp, "-") != 0) {
		if (strcmp(exp, "DEFAULT") == 0)
			ok = v.explanation_is_default;
		else
			ok = v.explanation != NULL &&
			     strcmp(v.explanation, exp) == 0;
	}
	snprintf(why, whylen, "got %s (%s) exp \"%s\", want %s exp \"%s\"",
	         spf_result_str(v.result), v.reason != NULL ? v.reason : "",
	         v.explanation != NULL ? v.explanation : "", f[5], exp);
	arena_free(&arena);
	return ok;
}

static int
run_table(const char *dir, const char *known, struct server *srv,
	  struct counts *n)
{
	char path[4096], line[8192], scenario[32] = "", why[2048];
	struct dns_resolver *r = NULL;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tests.tsv", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *f[MAX_FIELDS], *save = NULL, *p = line;
		int i;

		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < MAX_FIELDS; i++, p = NULL) {
			f[i] = strsep(i == 0 ? &p : &save, "\t");
			if (i == 0)
				save = p;
			if (f[i] == NULL)
				break;
			unescape(f[i]);
		}
		if (i < MAX_FIELDS) {
			n->failed++;
			printf("FAIL malformed row (%d of %d fields): %s\n",
			       i, MAX_FIELDS, line);
			continue;
		}
		if (strcmp(scenario, f[0]) != 0) {
			dns_resolver_free(&r);
			snprintf(scenario, sizeof(scenario), "%s", f[0]);
			if ((r = scenario_resolver(dir, scenario, srv)) ==
			    NULL) {
				server_stop(srv);
				fclose(fp);
				return -1;
			}
		}
		if (run_one(r, f, why, sizeof(why))) {
			n->passed++;
		} else if (is_known_difference(known, f[1])) {
			n->known++;
			printf("KNOWN DIFFERENCE %s: %s\n", f[1], why);
		} else {
			n->failed++;
			printf("FAIL %s: %s\n", f[1], why);
		}
	}
	dns_resolver_free(&r);
	server_stop(srv);
	fclose(fp);
	return 0;
}

int
main(int argc, char **argv)
{
	struct counts n = {0, 0, 0};
	struct server server = {0, 0, "", {NULL, NULL}}, *srv = NULL;
	char *dir, cmd[8192], *yaml, *end;
	int fds[2], port;
	unsigned long want;

	if (argc > 1 && strcmp(argv[1], "--forwarder") == 0) {
		harness_need_unbound(); /* SKIP without the server */
		srv = &server;
		argv++;
		argc--;
	}
	if (argc < 3 || (want = strtoul(argv[2], &end, 10)) == 0 ||
	    *end != '\0') {
		fprintf(stderr, "usage: spf_suite [--forwarder] SUITE.yml "
			"COUNT [KNOWN]\n");
		return 2;
	}
	if (asprintf(&yaml, "%s/spf/%s", harness_testdata(), argv[1]) < 0)
		return 99;
	if (access(yaml, R_OK) != 0) {
		/* the suites are in the tree and in the tarball */
		printf("spf-suite: %s: cannot read\n", yaml);
		return 99;
	}
	if ((port = harness_blackhole(fds)) <= 0 ||
	    (dir = harness_tmpdir("spf-suite")) == NULL)
		return 99;
	snprintf(cmd, sizeof(cmd),
	         "/usr/bin/python3 %s/tests/spf-suite.py "
	         "'%s' '%s' %d%s",
	         harness_srcdir(), yaml, dir, port,
	         srv != NULL ? " server" : "");
	if (system(cmd) != 0 ||
	    run_table(dir, argc > 3 ? argv[3] : NULL, srv, &n) < 0) {
		fprintf(stderr, "spf-suite: could not set up %s\n", yaml);
		return 99;
	}
	printf("spf-suite %s%s: %u passed, %u failed", argv[1],
	       srv != NULL ? " (forwarder to a real unbound)" : "", n.passed,
	       n.failed);
	if (n.known > 0)
		printf(", %u known differences (not counted as passed)",
		       n.known);
	printf("\n");
	if (counts_total(&n) != want) {
		printf("FAIL %s: %u tests run, the suite holds %lu\n", argv[1],
		       counts_total(&n), want);
		n.failed++;
		printf("spf-suite %s: %u passed, %u failed\n", argv[1],
		       n.passed, n.failed);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "spf-suite: could not remove %s\n", dir);
	close(fds[0]);
	close(fds[1]);
	free(dir);
	free(yaml);
	return n.failed > 0 ? 1 : 0;
}
