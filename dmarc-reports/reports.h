/*
 * reports.h - dmarc-reports(8): DMARC aggregate reports (RFC 9990) from
 * the history records dkimcheck writes at delivery.  What the
 * subcommands share: the settings (dmarc-reports.conf(5)), the clock,
 * the log and the database.
 *
 *   reports-config.c  the configuration table and file
 *   reports-db.c      the SQLite database: records, reports sent
 *   reports-import.c  `import`: history files into the database
 *   reports-rua.c     rua destinations and their authorization (DNS)
 *   reports-mail.c    the report message: gzip, MIME, Subject, file name
 *   reports-send.c    `send`: periods, rows, XML, delivery
 *   reports-sign.c    DKIM signatures with dkim-signer's code
 *   reports-show.c    `show`: what was recorded and sent
 *   reports-ingest.c  `ingest`: reports in mail files into HistoryDir
 *   reports-import-received.c  `import`: received reports into the
 *                     database
 *   reports-received.c `received`: the received reports, JSON or a table
 *   reports-json.c    the JSON writer
 *   reports-summary-cmd.c  `summary`: what received reports say
 *   reports-failure*.c  RFC 9991 failure reports (FailureReports yes):
 *                     their tables, the AFRF message, sending
 *   reports-deliver.c ReportCommand and --out DIR
 *
 * Memory: one arena for the settings, lives as long as the process.
 */
#ifndef REPORTS_H
#define REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "progout.h"
#include "util/log.h"

struct arena;
struct reports_db;

/* Failed sends are retried on later runs for this long, then given up
 * (dmarc-reports(8)). */
#define REPORTS_RETRY_SECONDS (3 * 86400)

struct reports_settings {
	const char *database;	     /* Database: SQLite file */
	const char *history_dir;     /* HistoryDir */
	const char *org_name;	     /* ReportOrganization */
	const char *email;	     /* ReportEmail: the reports' From */
	const char *contact;	     /* ReportContact, or NULL */
	const char *signer_config;   /* SignerConfig, or NULL */
	const char *resolver_config; /* ResolverConfiguration, or NULL */
	const char *report_command;  /* ReportCommand */
	unsigned int interval_ms;    /* Interval (CONF_TIME) */
	bool syslog;		     /* Syslog */
	/* ReportDomains: the domains whose received reports `summary`
	 * shows (NULL-terminated), or NULL: every domain */
	const char *const *report_domains;
	bool failure_reports;	     /* FailureReports (RFC 9991) */
	unsigned int failure_rate;   /* FailureReportRate: per hour and
					destination address */
};

struct reports {
	struct reports_settings set;
	struct arena *arena;
	struct ma_log log;
	uint64_t now;		/* time(NULL), or --now: which periods ended */
	uint64_t clock;		/* time(NULL) always: the messages' Date and
				   signature time (RFC 6376 3.5 t=: a
				   verifier may ignore a future one) */
	uint64_t interval;	/* seconds */
	const char *receiver;	/* ReportEmail's domain */
	struct reports_db *db;
	struct progout out;	/* stdout: show, received, summary write
				   there; a write error ends them (main()
				   reports it, exit 1) */
};

/* Read `path` (NULL: the default) into r->set: 0, or -1 with *error_r
 * ("file:line: option: problem"). */
int reports_config_read(struct reports *r, const char *path,
			const char **error_r);

/* `import`: 0, or -1 (logged). */
int reports_import(struct reports *r);
/* `send [--out DIR]`: 0, or -1 (logged). */
int reports_send(struct reports *r, const char *out_dir);
/* `show`: the table on stdout; 0, or -1 (logged). */
int reports_show(struct reports *r);
/* `import`'s second half: the received reports (*.rcvd) in HistoryDir
 * into the database; 0, or -1 (logged). */
int reports_import_received(struct reports *r);
/* A failure report's period (its text has none): begin = end = its
 * Arrival-Date, else when it was received.  Aggregate: unchanged. */
struct dmarc_received;
void reports_failure_period(struct dmarc_received *rep);
/* `ingest [--out DIR] PATH...`: the reports in mail files stored into
 * out_dir (NULL: HistoryDir); 0, or -1 (logged). */
int reports_ingest(struct reports *r, char **paths, int npaths,
		   const char *out_dir);
/* `received [--json] [--domain D] [--since T]`: on stdout; 0, or -1. */
int reports_received(struct reports *r, bool json, const char *domain,
		     uint64_t since);

/* `summary` (reports-summary-cmd.c). */
struct reports_summary_args {
	const char *domain;	/* --domain, or NULL */
	unsigned int days;	/* --days */
	bool all;		/* --all: not only ReportDomains */
	const char *html;	/* --html FILE, or NULL */
	bool json;		/* --json: JSON instead of the text */
};
/* The text (or JSON) on stdout, the page into args->html: 0, or -1
 * (logged). */
int reports_summary_cmd(struct reports *r,
			const struct reports_summary_args *args);

/* Within `send`'s transaction (FailureReports yes): every failure report
 * due (reports-failure.c).  How many failed (logged). */
struct dns_resolver;
struct reports_signer;
unsigned int reports_failure_send(struct reports *r, const char *out_dir,
				  struct dns_resolver *resolver,
				  struct reports_signer *signer);

/* The UTC-aligned start of the period holding `t`. */
uint64_t reports_period(const struct reports *r, uint64_t t);

#endif
