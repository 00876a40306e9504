/*
 * verify-history.c - `authcheck verify --dmarc-history` (see
 * verify-history.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "authcheck.h"
#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-history-file.h"
#include "msgauth/msgauth-history.h"
#include "progopt.h"
#include "verify-history.h"

const char verify_history_usage[] =
	"  --dmarc-history DIR    append the DMARC history record to DIR\n"
	"                         (dmarc-history(5)), as dkimcheck does\n"
	"  --rcpt-to DOMAIN       envelope recipient domain for the record\n"
	"  --applied WORD         none, quarantine or reject: what was done\n"
	"                         (default: the DMARC disposition)\n"
	"  --record-id ID         the record's id\n"
	"  --envelope-sender ADDR the MAIL FROM address our MTA received\n"
	"                         (a failure report's Original-Mail-From)\n";

enum vh_opt { VH_DIR, VH_RCPT, VH_APPLIED, VH_ID, VH_SENDER };
static const struct progopt_def vh_opts[] = {
	[VH_DIR] = {"--dmarc-history", 1},
	[VH_RCPT] = {"--rcpt-to", 1},
	[VH_APPLIED] = {"--applied", 1},
	[VH_ID] = {"--record-id", 1},
	[VH_SENDER] = {"--envelope-sender", 1},
	{NULL, 0},
};

int
verify_history_option(struct verify_history *vh, int argc, char **argv,
		      int *i)
{
	const char *val;
	int opt = progopt_find(vh_opts, argc, argv, i, &val);

	switch (opt) {
	case VH_DIR: vh->dir = val; return 1;
	case VH_RCPT: vh->rcpt_domain = val; return 1;
	case VH_ID: vh->id = val; return 1;
	case VH_SENDER: vh->sender = val; return 1;
	case VH_APPLIED:
		if (strcmp(val, "none") != 0 && strcmp(val, "quarantine") != 0 &&
		    strcmp(val, "reject") != 0) {
			authcheck_usage_error("verify", "--applied %s: want "
					      "none, quarantine or reject",
					      val);
			return -1;
		}
		vh->applied = val;
		return 1;
	case PROGOPT_NO_VALUE:
		authcheck_usage_error("verify", "%s needs a value", argv[*i]);
		return -1;
	}
	return 0;
}

static enum dmarc_policy
applied(const struct verify_history *vh, const struct msgauth_result *r)
{
	if (vh->applied == NULL)
		return r->dmarc.disposition == DMARC_POLICY_UNSET ?
			       DMARC_POLICY_NONE : r->dmarc.disposition;
	if (strcmp(vh->applied, "quarantine") == 0)
		return DMARC_POLICY_QUARANTINE;
	if (strcmp(vh->applied, "reject") == 0)
		return DMARC_POLICY_REJECT;
	return DMARC_POLICY_NONE;
}

int
verify_history_write(const struct verify_history *vh,
		     const struct msgauth *ma, time_t now, const char *host)
{
	static unsigned long seq;
	const struct msgauth_result *r = msgauth_result(ma);
	struct msgauth_history_input in = { 0 };
	struct dmarc_history h;
	struct buf line = BUF_INIT, id = BUF_INIT, writer = BUF_INIT;
	struct arena *arena;
	const char *err;
	int ret = 0;

	if (vh->dir == NULL)
		return 0;
	buf_printf(&id, "%lld.%ld.%lu@%s", (long long)now, (long)getpid(),
		   ++seq, host);
	in.id = vh->id != NULL ? vh->id : buf_cstr(&id);
	in.time = (uint64_t)now;
	in.envelope_to = vh->rcpt_domain;
	in.disposition = applied(vh, r);
	in.psl = vh->psl;
	in.mail_from = vh->sender;
	arena = arena_new(0);
	in.arena = arena;
	if (msgauth_history_record(r, &in, &h)) {
		dmarc_history_format(&h, &line);
		buf_printf(&writer, "%s.%ld", host, (long)getpid());
		if (dmarc_history_append(vh->dir, buf_cstr(&writer), in.time,
					 line.data, line.len, arena,
					 &err) < 0) {
			fprintf(stderr, "authcheck: verify: %s\n", err);
			ret = -1;
		}
	}
	arena_free(&arena);
	buf_free(&line);
	buf_free(&id);
	buf_free(&writer);
	return ret;
}
