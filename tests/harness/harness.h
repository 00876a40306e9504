/*
 * harness.h - helpers for libcheck tests that need real servers.
 *
 * Servers listen on 127.0.0.1 on a random free port and are stopped by
 * PID.  The start logic itself is in tests/harness/unbound-start.sh, shared
 * with the shell integration tests, so there is one way to run them.
 *
 * Memory: paths returned are malloc()ed and owned by the caller.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <check.h>
#include <sys/types.h>

struct harness_unbound {
	pid_t pid;
	int port;
	char *dir;
};

/* Run every test of the suite (libcheck, forking mode, normal output) and
 * return the number that failed; the runner and the suite are freed. */
int harness_run_suite(Suite *suite);
/* Fail the running test unless `got` equals `want` (both may be NULL),
 * with "WHAT: got X, want Y". */
void harness_assert_str(const char *what, const char *got, const char *want);
/* A fresh world-traversable temporary directory (mode 755). */
char *harness_tmpdir(const char *tag);
/* Write `text` to DIR/NAME; returns the path. */
char *harness_write_file(const char *dir, const char *name, const char *text);
/* Exit 77 (SKIP, with a line saying why) when there is no unbound
 * program ($UNBOUND, else /usr/sbin/unbound): for a test program whose
 * cases call harness_unbound_start() (inside a forked case the exit
 * would count as an error, not a skip). */
void harness_need_unbound(void);
/* Start unbound serving the local-data in `zones_text`.  0 or -1; exits
 * 77 (SKIP) when there is no unbound program. */
int harness_unbound_start(const char *zones_text, struct harness_unbound *ub);
/* Stop it by PID and remove its directory. */
void harness_unbound_stop(struct harness_unbound *ub);
/* A libunbound config file (under dir) forwarding everything to
 * 127.0.0.1@port; returns its path. */
char *harness_forward_config(const char *dir, int port);
/* A UDP + TCP socket pair bound on 127.0.0.1 that never answers (a DNS
 * server that drops every query); returns the port, fds in fds_r[2]. */
int harness_blackhole(int fds_r[2]);
/* A never-answering DNS server (harness_blackhole) and a libunbound
 * config forwarding to it (harness_forward_config) in a fresh
 * harness_tmpdir(tag); fails the running test if any of it cannot be
 * made.  harness_silent_dns_stop() closes the sockets, removes the file
 * and the directory and frees the paths. */
struct harness_silent_dns {
	int fds[2];
	char *dir, *conf;
};
void harness_silent_dns_start(struct harness_silent_dns *sd, const char *tag);
void harness_silent_dns_stop(struct harness_silent_dns *sd);
/* Directory of the test data in the tree: $srcdir/tests/fixtures
 * (tests/fixtures/README.md names each file's origin and licence). */
const char *harness_testdata(void);
/* Source directory ($srcdir or ".") */
const char *harness_srcdir(void);

#endif
