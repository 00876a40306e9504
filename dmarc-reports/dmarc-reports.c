/*
 * dmarc-reports.c - dmarc-reports(8): DMARC aggregate reports (RFC 9990)
 * from the history records the dkimcheck plugin writes at delivery.
 *
 *   dmarc-reports [-c FILE] [-v] [--now UNIX] import
 *   dmarc-reports [-c FILE] [-v] [--now UNIX] send [--out DIR]
 *   dmarc-reports [-c FILE] show
 *   dmarc-reports [-c FILE] [-v] ingest [--out DIR] FILE|DIR...
 *   dmarc-reports [-c FILE] received [--json] [--domain D] [--since DATE]
 *   dmarc-reports [-c FILE] [--now UNIX] summary [--domain D] [--days N]
 *                 [--all] [--json] [--html FILE]
 *
 * Exit 0 when everything went through, 1 when something failed (logged;
 * failed reports are retried by the next send; a write error on stdout
 * is "dmarc-reports: write error: REASON" on stderr), 2 on a usage or
 * configuration error.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logsink.h"
#include "progfatal.h"
#include "progopt.h"
#include "util/arena.h"
#include "reports-db.h"
#include "reports.h"

#define PROGNAME "dmarc-reports"

static void
usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROGNAME " [-c FILE] [-v] [--now UNIX] import\n"
		"       " PROGNAME " [-c FILE] [-v] [--now UNIX] send "
		"[--out DIR]\n"
		"       " PROGNAME " [-c FILE] show\n"
		"       " PROGNAME " [-c FILE] [-v] ingest [--out DIR] "
		"FILE|DIR...\n"
		"       " PROGNAME " [-c FILE] received [--json] [--domain D] "
		"[--since DATE]\n"
		"       " PROGNAME " [-c FILE] [--now UNIX] summary "
		"[--domain D] [--days N]\n"
		"                     [--all] [--json] [--html FILE]\n"
		"  -c FILE     configuration (default " DMARC_REPORTS_CONF ")\n"
		"  -v          log what is done, not only problems\n"
		"  --now UNIX  act as at this time (tests, replays)\n"
		"  import      history records of ended days into the "
		"database\n"
		"  send        reports of ended periods not sent yet\n"
		"  show        per policy domain and period: records, report "
		"state\n"
		"  ingest      DMARC reports in mail files (.eml, Maildir, "
		"mbox, .xml,\n"
		"              .xml.gz, .zip) into HistoryDir (or --out DIR)\n"
		"  received    the received reports imported (--json: RFC "
		"9990 names);\n"
		"              --since YYYY-MM-DD or seconds since 1970\n"
		"  --out DIR   write each report message to DIR/NAME.eml "
		"instead of\n"
		"              running ReportCommand\n"
		"  summary     what the received reports say, per policy "
		"domain\n"
		"  --domain D  only the reports about D (received, summary)\n"
		"  --days N    the last N days, today included (default 30)\n"
		"  --all       every domain, not only ReportDomains\n"
		"  --json      (summary) the summary as JSON on stdout\n"
		"  --html FILE also write the summary as a web page\n");
}

enum opt { OPT_CONF, OPT_VERBOSE, OPT_NOW, OPT_OUT, OPT_JSON, OPT_DOMAIN,
	   OPT_SINCE, OPT_DAYS, OPT_ALL, OPT_HTML };
static const struct progopt_def opts[] = {
	[OPT_CONF] = {"-c", 1},
	[OPT_VERBOSE] = {"-v", 0},
	[OPT_NOW] = {"--now", 1},
	[OPT_OUT] = {"--out", 1},
	[OPT_JSON] = {"--json", 0},
	[OPT_DOMAIN] = {"--domain", 1},
	[OPT_SINCE] = {"--since", 1},
	[OPT_DAYS] = {"--days", 1},
	[OPT_ALL] = {"--all", 0},
	[OPT_HTML] = {"--html", 1},
	{NULL, 0},
};

struct args {
	const char *conf, *command, *out, *domain;
	bool verbose, json;
	uint64_t now, since;
	char **paths; /* ingest's */
	int npaths;
	struct reports_summary_args summary; /* its domain is `domain` */
	bool summary_opts;	/* --days, --all or --html given */
};

/* The default period of `summary` and its bounds, in days. */
#define SUMMARY_DEFAULT_DAYS 30
#define SUMMARY_LONGEST_DAYS 3660

static int
parse_days(const char *val, unsigned int *days_r)
{
	unsigned long long n;
	char *end;

	n = strtoull(val, &end, 10);
	if (*val < '0' || *val > '9' || *end != '\0' || n == 0 ||
	    n > SUMMARY_LONGEST_DAYS) {
		fprintf(stderr, PROGNAME ": --days %s: want 1 to %d\n", val,
			SUMMARY_LONGEST_DAYS);
		return -1;
	}
	*days_r = (unsigned int)n;
	return 0;
}

/* --since: YYYY-MM-DD (UTC midnight) or seconds since 1970. */
static int
parse_since(const char *val, uint64_t *since_r)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(val, "%Y-%m-%d", &tm);
	if (end != NULL && *end == '\0') {
		*since_r = (uint64_t)timegm(&tm);
		return 0;
	}
	*since_r = strtoull(val, &end, 10);
	if (*val != '\0' && *end == '\0')
		return 0;
	fprintf(stderr, PROGNAME ": --since %s: want YYYY-MM-DD or seconds "
		"since 1970\n", val);
	return -1;
}

/* The command word, or NULL. */
static bool
is_command(const char *arg)
{
	static const char *const commands[] = {"import", "send", "show",
					       "ingest", "received", "summary"};

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(arg, commands[i]) == 0)
			return true;
	return false;
}

/* Which options go with which command. */
static bool
options_fit(const struct args *a)
{
	bool ingest = strcmp(a->command, "ingest") == 0,
	     received = strcmp(a->command, "received") == 0,
	     summary = strcmp(a->command, "summary") == 0;

	if (a->out != NULL && !ingest && strcmp(a->command, "send") != 0)
		return false;
	if ((a->json && !received && !summary) ||
	    (a->since != 0 && !received))
		return false;
	if (a->domain != NULL && !received && !summary)
		return false;
	if (a->summary_opts && !summary)
		return false;
	return ingest ? a->npaths > 0 : a->npaths == 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	const char *val;
	char *end;
	int i, opt;

	for (i = 1; i < argc; i++) {
		opt = progopt_find(opts, argc, argv, &i, &val);
		switch (opt) {
		case OPT_CONF: a->conf = val; continue;
		case OPT_VERBOSE: a->verbose = true; continue;
		case OPT_OUT: a->out = val; continue;
		case OPT_JSON: a->json = true; continue;
		case OPT_DOMAIN: a->domain = val; continue;
		case OPT_ALL:
			a->summary.all = true;
			a->summary_opts = true;
			continue;
		case OPT_HTML:
			a->summary.html = val;
			a->summary_opts = true;
			continue;
		case OPT_DAYS:
			if (parse_days(val, &a->summary.days) < 0)
				return -1;
			a->summary_opts = true;
			continue;
		case OPT_SINCE:
			if (parse_since(val, &a->since) < 0)
				return -1;
			continue;
		case OPT_NOW:
			a->now = strtoull(val, &end, 10);
			if (*end != '\0' || a->now == 0) {
				fprintf(stderr, PROGNAME ": --now %s: want "
					"seconds since 1970\n", val);
				return -1;
			}
			continue;
		case PROGOPT_NO_VALUE:
			fprintf(stderr, PROGNAME ": %s needs a value\n",
				argv[i]);
			return -1;
		}
		if (a->command == NULL && is_command(argv[i])) {
			a->command = argv[i];
			continue;
		}
		if (a->command != NULL && strcmp(a->command, "ingest") == 0 &&
		    argv[i][0] != '-') {
			if (a->paths == NULL)
				a->paths = &argv[i];
			if (&a->paths[a->npaths] != &argv[i]) {
				fprintf(stderr, PROGNAME ": options go before "
					"the files\n");
				return -1;
			}
			a->npaths++;
			continue;
		}
		fprintf(stderr, PROGNAME ": unexpected argument %s\n", argv[i]);
		return -1;
	}
	if (a->command == NULL || !options_fit(a)) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The commands that work on the database: 0, or -1 (logged). */
static int
run_with_db(struct reports *r, struct args *a)
{
	const char *err;
	int ret;

	if (reports_db_open(r->set.database, &r->db, &err) < 0) {
		ma_log_error(&r->log, "%s: %s", r->set.database, err);
		reports_db_close(&r->db);
		return -1;
	}
	if (strcmp(a->command, "import") == 0)
		ret = reports_import(r);
	else if (strcmp(a->command, "show") == 0)
		ret = reports_show(r);
	else if (strcmp(a->command, "received") == 0)
		ret = reports_received(r, a->json, a->domain, a->since);
	else if (strcmp(a->command, "summary") == 0) {
		a->summary.domain = a->domain;
		a->summary.json = a->json;
		ret = reports_summary_cmd(r, &a->summary);
	}
	else
		ret = reports_send(r, a->out);
	reports_db_close(&r->db);
	return ret;
}

int
main(int argc, char **argv)
{
	static struct logsink sink;
	struct reports r;
	struct args a;
	const char *err;
	int ret;

	/* A ReportCommand that exits without reading all of a report must
	 * not kill the run (the reports sent before it would be sent again:
	 * their states commit at the end): its write fails with EPIPE
	 * instead, and that report stays failed (reports-deliver.c). */
	signal(SIGPIPE, SIG_IGN);
	if (progopt_version_help(argc, argv, PROGNAME, usage))
		return 0;
	memset(&a, 0, sizeof(a));
	a.summary.days = SUMMARY_DEFAULT_DAYS;
	if (parse_args(argc, argv, &a) < 0)
		return 2;
	memset(&r, 0, sizeof(r));
	r.arena = arena_new(0);
	logsink_init(&sink, &r.log, PROGNAME, LOGSINK_STDERR, NULL, a.verbose);
	progfatal_install(&sink, 1);
	r.clock = (uint64_t)time(NULL);
	r.now = a.now != 0 ? a.now : r.clock;
	if (reports_config_read(&r, a.conf, &err) < 0) {
		fprintf(stderr, PROGNAME ": %s\n", err);
		arena_free(&r.arena);
		return 2;
	}
	if (r.set.syslog)
		logsink_init(&sink, &r.log, PROGNAME, LOGSINK_SYSLOG, NULL,
			     a.verbose);
	if (strcmp(a.command, "ingest") == 0) /* files in, files out */
		ret = reports_ingest(&r, a.paths, a.npaths, a.out);
	else
		ret = run_with_db(&r, &a);
	/* SIGPIPE is ignored: a reader gone (EPIPE) is said here, as is a
	 * full disk */
	if (progout_close(&r.out, PROGNAME) < 0)
		ret = -1;
	arena_free(&r.arena);
	return ret < 0 ? 1 : 0;
}
