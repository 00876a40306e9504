/*
 * dmarc-test.c - helpers for the DMARC tests (see dmarc-test.h).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "dmarc-test.h"
#include "dns/dns.h"
#include "harness.h"
#include "util/log.h"

struct dns_resolver *
dmarc_test_resolver(const char *local_data)
{
	char *dir = harness_tmpdir("dmarc"), *text, *conf;
	struct dns_settings set;
	struct dns_resolver *r = NULL;
	const char *err = NULL;

	ck_assert_ptr_nonnull(dir);
	ck_assert_int_ge(asprintf(&text,
		"server:\n"
		"\tlocal-zone: \"com.\" static\n"
		"\tlocal-zone: \"net.\" static\n"
		"\tlocal-zone: \"org.\" static\n"
		"\tlocal-zone: \"example.\" static\n"
		"\tlocal-zone: \"fail.example.\" always_refuse\n"
		"%s", local_data), 0);
	conf = harness_write_file(dir, "dmarc.conf", text);
	memset(&set, 0, sizeof(set));
	set.resolver_config = conf;
	set.timeout_ms = 5000;
	ck_assert_msg(dns_resolver_new(&set, NULL, NULL, &r, &err) == 0,
		      "resolver: %s", err);
	unlink(conf);
	rmdir(dir);
	free(conf);
	free(text);
	free(dir);
	return r;
}

static void
trace_log(void *context, enum ma_log_level level, const char *msg)
{
	struct dmarc_test_trace *t = context;
	const char *p = strstr(msg, "_dmarc.");
	size_t n;

	(void)level;
	if (p == NULL || t->count == DMARC_TEST_MAX_NAMES)
		return;
	n = strcspn(p, ":");
	if (n >= sizeof(t->names[0]))
		n = sizeof(t->names[0]) - 1;
	memcpy(t->names[t->count], p, n);
	t->names[t->count++][n] = '\0';
}

void
dmarc_test_eval(struct dns_resolver *r, const struct dmarc_settings *set,
		const char *from, const struct dmarc_dkim *dkim, size_t ndkim,
		const char *spf_domain, bool spf_pass, struct arena *arena,
		struct dmarc_verdict *v, struct dmarc_test_trace *trace)
{
	struct dmarc_request req;
	struct ma_log log = { trace_log, trace, MA_LOG_DEBUG };
	const char *err = NULL;

	memset(trace, 0, sizeof(*trace));
	memset(&req, 0, sizeof(req));
	req.dkim = dkim;
	req.ndkim = ndkim;
	req.spf_result = spf_pass ? SPF_PASS : SPF_FAIL;
	req.spf_domain = spf_domain;
	ck_assert_msg(dmarc_check_run(r, set, &from, from != NULL ? 1 : 0,
				      &req, &log, arena, v, &err) == 0,
		      "dmarc_check_run: %s", err);
}
