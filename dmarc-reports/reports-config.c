/*
 * reports-config.c - dmarc-reports.conf(5): OpenDKIM-style "Name value"
 * lines read with lib/util/conf.h (see reports.h).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "util/arena.h"
#include "util/conf.h"
#include "dmarc/dmarc-report.h"
#include "reports.h"

#define OPT(name, type, def, field, min, max)                               \
	{name, type, def, offsetof(struct reports_settings, field), min, max, \
	 NULL}

/* Interval: one minute to one day... and up to 24 hours in ms */
#define REPORTS_MIN_INTERVAL_MS (60 * 1000)
#define REPORTS_MAX_INTERVAL_MS (86400u * 1000)

static const struct conf_option reports_options[] = {
	OPT("Database", CONF_STRING, DMARC_REPORTS_DB, database, 0, 0),
	OPT("HistoryDir", CONF_STRING, NULL, history_dir, 0, 0),
	OPT("ReportOrganization", CONF_STRING, NULL, org_name, 0, 0),
	OPT("ReportEmail", CONF_STRING, NULL, email, 0, 0),
	OPT("ReportContact", CONF_STRING, NULL, contact, 0, 0),
	OPT("SignerConfig", CONF_STRING, NULL, signer_config, 0, 0),
	OPT("ResolverConfiguration", CONF_STRING, NULL, resolver_config, 0,
	    0),
	OPT("ReportCommand", CONF_STRING, "/usr/sbin/sendmail -t -oi",
	    report_command, 0, 0),
	OPT("Interval", CONF_TIME, "24h", interval_ms,
	    REPORTS_MIN_INTERVAL_MS, REPORTS_MAX_INTERVAL_MS),
	OPT("Syslog", CONF_BOOL, "no", syslog, 0, 0),
	OPT("ReportDomains", CONF_LIST, NULL, report_domains, 0, 0),
	OPT("FailureReports", CONF_BOOL, "no", failure_reports, 0, 0),
	OPT("FailureReportRate", CONF_UINT, "10", failure_rate, 1, 100000),
	{NULL, 0, NULL, 0, 0, 0, NULL},
};

/* ReportEmail: local@domain with a host-name domain, nothing that could
 * break the From field or the command line. */
static const char *
email_domain(const char *email)
{
	const char *at = strrchr(email, '@'), *p;

	if (at == NULL || at == email)
		return NULL;
	for (p = email; p < at; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("<>()[]\\,;:\"", *p) != NULL)
			return NULL;
	}
	return dmarc_report_domain_valid(at + 1) ? at + 1 : NULL;
}

/* ReportDomains: host names, as the summary compares them. */
static int
report_domains_check(struct reports *r, const char *path,
		     const char **error_r)
{
	const char *const *d;

	for (d = r->set.report_domains; d != NULL && *d != NULL; d++) {
		if (!dmarc_report_domain_valid(*d)) {
			*error_r = arena_printf(r->arena, "%s: ReportDomains: "
						"'%s' is not a domain name",
						path, *d);
			return -1;
		}
	}
	return 0;
}

int
reports_config_read(struct reports *r, const char *path,
		    const char **error_r)
{
	if (path == NULL)
		path = DMARC_REPORTS_CONF;
	if (conf_defaults(reports_options, &r->set, r->arena, error_r) < 0 ||
	    conf_read_file_syntax(reports_options, &r->set, r->arena,
				  CONF_SYNTAX_SPACE, path, error_r) < 0)
		return -1;
	if (r->set.history_dir == NULL || r->set.org_name == NULL ||
	    r->set.email == NULL) {
		*error_r = arena_printf(r->arena, "%s: HistoryDir, "
					"ReportOrganization and ReportEmail "
					"are required", path);
		return -1;
	}
	r->receiver = email_domain(r->set.email);
	if (r->receiver == NULL) {
		*error_r = arena_printf(r->arena, "%s: ReportEmail: '%s' is "
					"not local@host.name", path,
					r->set.email);
		return -1;
	}
	if (report_domains_check(r, path, error_r) < 0)
		return -1;
	r->interval = r->set.interval_ms / 1000;
	if (86400 % r->interval != 0) {
		*error_r = arena_printf(r->arena, "%s: Interval must divide "
					"a day (UTC-aligned periods)", path);
		return -1;
	}
	return 0;
}

uint64_t
reports_period(const struct reports *r, uint64_t t)
{
	return t - t % r->interval;
}
