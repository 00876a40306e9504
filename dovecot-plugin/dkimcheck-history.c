/*
 * dkimcheck-history.c - the transaction's DMARC history record (see
 * dkimcheck-history.h).  No Dovecot header is included here.
 */
#include "config.h"

#include <stdio.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-history-file.h"
#include "msgauth/msgauth-history.h"

#include "dkimcheck-history.h"

/* Records written by this process: part of each record's id. */
static unsigned long dkimcheck_history_seq;

static enum dmarc_policy
applied_policy(enum dkimcheck_disposition d)
{
	switch (d) {
	case DKIMCHECK_DISPOSITION_QUARANTINE:
		return DMARC_POLICY_QUARANTINE;
	case DKIMCHECK_DISPOSITION_REJECT:
		return DMARC_POLICY_REJECT;
	default:
		return DMARC_POLICY_NONE;
	}
}

int
dkimcheck_history_write(struct dkimcheck_check *check,
			const struct dkimcheck_history_input *in,
			const char **error_r)
{
	struct arena *arena = dkimcheck_check_arena(check);
	struct msgauth_history_input hin = { 0 };
	struct dmarc_history h;
	struct buf line = BUF_INIT, writer = BUF_INIT, id = BUF_INIT;
	int ret = 0;

	buf_printf(&id, "%lld.%lu.%lu@%s", (long long)in->now, in->pid,
		   ++dkimcheck_history_seq, in->hostname);
	hin.id = buf_cstr(&id);
	hin.time = (uint64_t)in->now;
	hin.envelope_to = in->envelope_to;
	hin.mail_from = in->mail_from;
	hin.arena = arena;
	hin.disposition = applied_policy(in->applied);
	if (msgauth_history_record(dkimcheck_check_result(check), &hin, &h)) {
		dmarc_history_format(&h, &line);
		buf_printf(&writer, "%s.%lu", in->hostname, in->pid);
		ret = dmarc_history_append(in->dir, buf_cstr(&writer),
					   hin.time, line.data, line.len,
					   arena, error_r);
	}
	buf_free(&id);
	buf_free(&line);
	buf_free(&writer);
	return ret;
}
