/*
 * dkimcheck-lmtp.c - the lmtp client vfunc overrides (see
 * dkimcheck-lmtp.h).
 */
#include "lmtp-common.h"
#include "module-context.h"
#include "istream.h"
#include "time-util.h"
#include "smtp-address.h"
#include "mail-user.h"
#include "mail-namespace.h"
#include "mail-storage.h"
#include "lmtp-recipient.h"

#include "hostpid.h"

#include "dkimcheck-events.h"
#include "dkimcheck-history.h"
#include "dkimcheck-ingest.h"
#include "dkimcheck-lmtp.h"
#include "dkimcheck-policy.h"
#include "dkimcheck-settings.h"
#include "dkimcheck-storage.h"
#include "dkimcheck-stream.h"
#include "dkimcheck-verify.h"

/* Defined by the lmtp binary only: weak, so that the module also loads
 * in imap, pop3 and doveadm (then they are NULL). */
#pragma weak lmtp_client_created_hook_set
#pragma weak lmtp_module_register

#define DKIMCHECK_LMTP_CONTEXT(obj) \
	MODULE_CONTEXT_REQUIRE(obj, dkimcheck_lmtp_module)

/* Bytes pushed to the verifier per read. */
#define DKIMCHECK_READ_CHUNK 65536

struct dkimcheck_client {
	union lmtp_module_context module_ctx;
	/* the current transaction's check and verdict, or NULL */
	pool_t pool;
	struct dkimcheck_check *check;
	struct dkimcheck_verdict verdict;
	const char *session_id;
	struct event *event;
	/* dkimcheck_dmarc_history: the directory, or NULL; what the first
	 * recipient got and its domain (one record per transaction) */
	const char *history_dir;
	bool history_applied_set;
	enum dkimcheck_disposition history_applied;
	const char *history_rcpt_domain;
	/* dkimcheck_report_ingest: the message as received (a reference,
	 * read again when the transaction ends), the directory the
	 * reports go to (dkimcheck_dmarc_history, or NULL) and the first
	 * recipient with ingest on that got the message (or NULL) */
	struct istream *data_input;
	const char *ingest_dir;
	const char *ingest_user;
	const char *history_mail_from; /* the MAIL FROM address */
};

static MODULE_CONTEXT_DEFINE_INIT(dkimcheck_lmtp_module,
				  &lmtp_module_register);

static lmtp_client_created_func_t *dkimcheck_next_client_created;
/* One per process: resolver and key cache shared by every message. */
static struct dkimcheck_engine *dkimcheck_engine;
/* "ingest needs dkimcheck_dmarc_history" is logged once per process. */
static bool dkimcheck_ingest_nodir_logged;

static void
dkimcheck_client_reset(struct dkimcheck_client *dclient)
{
	dkimcheck_check_free(&dclient->check);
	event_unref(&dclient->event);
	pool_unref(&dclient->pool);
	i_zero(&dclient->verdict);
	dclient->session_id = NULL;
	dclient->history_dir = NULL;
	dclient->history_applied_set = FALSE;
	dclient->history_rcpt_domain = NULL;
	if (dclient->data_input != NULL)
		i_stream_unref(&dclient->data_input);
	dclient->ingest_dir = NULL;
	dclient->ingest_user = NULL;
	dclient->history_mail_from = NULL;
}

static int
dkimcheck_engine_get(const struct dkimcheck_settings *set,
		     const char **error_r)
{
	struct dkimcheck_engine_settings eset;

	if (dkimcheck_engine != NULL)
		return 0;
	i_zero(&eset);
	eset.authserv_id = set->authserv_id;
	eset.resolver_config = set->resolver_config;
	eset.time_budget_ms = set->dns_timeout_msecs;
	eset.trusted_authserv_ids = set->trusted_authserv_ids;
	eset.max_signatures = set->max_signatures;
	return dkimcheck_engine_new(&eset, &dkimcheck_engine, error_r);
}

/* Feed the whole DATA stream to the check; the stream is left at 0. */
static int
dkimcheck_push_stream(struct dkimcheck_check *check, struct istream *input,
		      const char **error_r)
{
	const unsigned char *data;
	size_t size;
	int ret;

	i_stream_seek(input, 0);
	while ((ret = i_stream_read_more(input, &data, &size)) > 0) {
		if (size > DKIMCHECK_READ_CHUNK)
			size = DKIMCHECK_READ_CHUNK;
		dkimcheck_check_push(check, data, size);
		i_stream_skip(input, size);
	}
	if (ret == 0 || input->stream_errno != 0) {
		*error_r = t_strdup_printf("read(%s) failed: %s",
					   i_stream_get_name(input),
					   ret == 0 ? "stream would block" :
						      i_stream_get_error(input));
		i_stream_seek(input, 0);
		return -1;
	}
	i_stream_seek(input, 0);
	return 0;
}

/* The library's byte ranges must be in order, disjoint and inside the
 * message; anything else is a bug we refuse to act on. */
static int
dkimcheck_drops_valid(const struct dkimcheck_verdict *v, uoff_t size,
		      const char **error_r)
{
	uoff_t pos = 0;
	size_t i;

	for (i = 0; i < v->ndrops; i++) {
		if (v->drops[i].offset < pos || v->drops[i].length == 0 ||
		    v->drops[i].offset + v->drops[i].length > size) {
			*error_r = "invalid header field range from verifier";
			return -1;
		}
		pos = v->drops[i].offset + v->drops[i].length;
	}
	return 0;
}

/* Verify the message; the stream to deliver, or NULL to deliver the
 * original (disabled, or verification failed: logged). */
static struct istream *
dkimcheck_transaction_verify(struct dkimcheck_client *dclient,
			     struct client *client,
			     struct smtp_server_transaction *trans,
			     struct istream *data_input, uoff_t data_size,
			     uoff_t *size_r)
{
	struct dkimcheck_settings set;
	struct timeval start, end;
	const char *error;
	int ret;

	i_gettimeofday(&start);
	dclient->pool = pool_alloconly_create("dkimcheck transaction", 1024);
	dclient->session_id = p_strdup(dclient->pool, trans->id);
	dclient->event = dkimcheck_event_create(trans->event);
	ret = dkimcheck_settings_read(client, dclient->pool, &set, &error);
	if (ret == 0) {
		/* for dkimcheck_report_ingest, whatever the verification */
		dclient->ingest_dir = set.dmarc_history;
		dclient->data_input = data_input;
		i_stream_ref(data_input);
		if (!set.enabled)
			return NULL;
		ret = dkimcheck_engine_get(&set, &error);
	}
	if (ret == 0) {
		dclient->history_dir = set.dmarc_history;
		dclient->history_mail_from =
			trans->mail_from == NULL ? NULL :
			p_strdup(dclient->pool,
				 smtp_address_encode(trans->mail_from));
		dkimcheck_engine_set_log(dkimcheck_engine,
					 dkimcheck_event_lib_log,
					 dclient->event,
					 event_want_debug(dclient->event));
		ret = dkimcheck_check_new(dkimcheck_engine,
					  set.dmarc_history != NULL,
					  &dclient->check, &error);
	}
	if (ret == 0)
		ret = dkimcheck_push_stream(dclient->check, data_input, &error);
	if (ret == 0)
		ret = dkimcheck_check_finish(dclient->check, &dclient->verdict,
					     &error);
	if (ret == 0)
		ret = dkimcheck_drops_valid(&dclient->verdict, data_size,
					    &error);
	if (dkimcheck_engine != NULL) {
		/* the event dies with the transaction */
		dkimcheck_engine_set_log(dkimcheck_engine, NULL, NULL, FALSE);
	}
	i_gettimeofday(&end);
	if (ret < 0) {
		dkimcheck_event_failed(dclient->event, dclient->session_id,
				       error, timeval_diff_msecs(&end, &start));
		dkimcheck_check_free(&dclient->check);
		return NULL;
	}
	dkimcheck_event_verified(dclient->event, dclient->session_id,
				 &dclient->verdict,
				 timeval_diff_msecs(&end, &start));
	return dkimcheck_stream_create(data_input, data_size,
				       dclient->verdict.authres_value,
				       dclient->verdict.drops,
				       dclient->verdict.ndrops, size_r);
}

static int
dkimcheck_cmd_data(struct client *client, struct smtp_server_cmd_ctx *cmd,
		   struct smtp_server_transaction *trans,
		   struct istream *data_input, uoff_t data_size)
{
	struct dkimcheck_client *dclient = DKIMCHECK_LMTP_CONTEXT(client);
	struct istream *input = NULL;
	uoff_t size = data_size;
	int ret;

	dkimcheck_client_reset(dclient);
	/* only for local delivery: a proxied message is verified by the
	 * backend that delivers it */
	if (client->local != NULL && client->proxy == NULL) {
		T_BEGIN {
			input = dkimcheck_transaction_verify(
				dclient, client, trans, data_input, data_size,
				&size);
		} T_END;
	}
	ret = dclient->module_ctx.super.cmd_data(
		client, cmd, trans, input != NULL ? input : data_input, size);
	if (input != NULL)
		i_stream_unref(&input);
	return ret;
}

/* Make sure the Junk mailbox exists (and is subscribed) before the
 * delivery saves into it; failures are left to mail_deliver(), which
 * then falls back to INBOX. */
static void
dkimcheck_junk_autocreate(struct mail_namespace *ns, const char *vname,
			  struct event *event)
{
	struct mailbox *box = mailbox_alloc(ns->list, vname, 0);
	enum mail_error error;
	const char *errstr;

	if (mailbox_create(box, NULL, FALSE) == 0) {
		if (mailbox_set_subscribed(box, TRUE) < 0) {
			e_debug(event, "subscribing %s failed: %s", vname,
				mailbox_get_last_error(box, NULL));
		}
	} else {
		errstr = mailbox_get_last_error(box, &error);
		if (error != MAIL_ERROR_EXISTS)
			e_warning(event, "creating %s failed: %s", vname,
				  errstr);
	}
	mailbox_free(&box);
}

static void
dkimcheck_recipient_policy(struct dkimcheck_client *dclient,
			   const struct dkimcheck_user_settings *uset,
			   struct lmtp_local_deliver_context *lldctx,
			   struct dkimcheck_decision *decision_r)
{
	struct mail_namespace *ns;
	const char *vname;

	dkimcheck_policy_decide(uset, &dclient->verdict, decision_r);
	if (decision_r->action == DKIMCHECK_ACTION_JUNK) {
		ns = mail_namespace_find_inbox(lldctx->rcpt_user->namespaces);
		vname = p_strconcat(dclient->pool, ns->prefix,
				    uset->junk_mailbox, NULL);
		dkimcheck_junk_autocreate(ns, vname, dclient->event);
		lldctx->rcpt_default_mailbox = vname;
	}
}

/* The first recipient's outcome, for the transaction's history record
 * (RFC 9990 disposition: Junk is quarantine, an LMTP 550 reject,
 * everything else - INBOX, dry run, opted out - none). */
static void
dkimcheck_history_note(struct dkimcheck_client *dclient,
		       struct lmtp_recipient *lrcpt,
		       enum dkimcheck_action action)
{
	if (dclient->history_dir == NULL || dclient->history_applied_set)
		return;
	dclient->history_applied_set = TRUE;
	dclient->history_applied =
		action == DKIMCHECK_ACTION_JUNK ?
			DKIMCHECK_DISPOSITION_QUARANTINE :
		action == DKIMCHECK_ACTION_REJECT ?
			DKIMCHECK_DISPOSITION_REJECT :
			DKIMCHECK_DISPOSITION_NONE;
	dclient->history_rcpt_domain =
		p_strdup(dclient->pool, lrcpt->rcpt->path->domain);
}

/* Append the transaction's record; a failure is logged, never more. */
static void
dkimcheck_history_flush(struct dkimcheck_client *dclient)
{
	struct dkimcheck_history_input in;
	const char *error;

	if (dclient->history_dir == NULL || dclient->check == NULL ||
	    !dclient->history_applied_set)
		return;
	i_zero(&in);
	in.dir = dclient->history_dir;
	in.hostname = my_hostname;
	in.pid = (unsigned long)getpid();
	in.now = ioloop_time;
	in.envelope_to = dclient->history_rcpt_domain;
	in.mail_from = dclient->history_mail_from;
	in.applied = dclient->history_applied;
	if (dkimcheck_history_write(dclient->check, &in, &error) < 0) {
		e_error(dclient->event, "dkimcheck_dmarc_history: %s",
			error);
	}
}

/* The first recipient with dkimcheck_report_ingest = yes that got the
 * message (super's local_deliver returned `delivered` 0): its reports
 * are read when the transaction ends, once whatever the number of such
 * recipients. */
static void
dkimcheck_ingest_note(struct dkimcheck_client *dclient,
		      const struct dkimcheck_user_settings *uset,
		      struct mail_user *user, int delivered)
{
	if (!uset->report_ingest || delivered < 0 ||
	    dclient->ingest_user != NULL || dclient->data_input == NULL)
		return;
	dclient->ingest_user = p_strdup(dclient->pool, user->username);
}

/* Read the delivered message's reports into the history directory
 * (dkimcheck-ingest.h), after every recipient got it: the delivery is
 * done whatever happens here. */
static void
dkimcheck_ingest_run(struct dkimcheck_client *dclient)
{
	struct dkimcheck_ingest *in;
	struct dkimcheck_ingest_counts counts;
	struct istream *input = dclient->data_input;
	struct event *event;
	const unsigned char *data;
	size_t size;
	bool more = TRUE;
	int ret = -1;

	if (dclient->ingest_user == NULL)
		return;
	event = event_create(dclient->event);
	event_add_str(event, "user", dclient->ingest_user);
	event_set_append_log_prefix(
		event, t_strdup_printf("report ingest: user=%s: ",
				       dclient->ingest_user));
	if (dclient->ingest_dir == NULL) {
		if (!dkimcheck_ingest_nodir_logged) {
			e_warning(event, "dkimcheck_report_ingest needs "
				  "dkimcheck_dmarc_history (the directory "
				  "reports are stored in): no report is read "
				  "(logged once)");
		}
		dkimcheck_ingest_nodir_logged = TRUE;
		event_unref(&event);
		return;
	}
	in = dkimcheck_ingest_new(dclient->ingest_dir, (uint64_t)ioloop_time,
				  dkimcheck_event_ingest_log, event);
	i_stream_seek(input, 0);
	/* the rest of a message beyond what ingest looks at is not read */
	while (more && (ret = i_stream_read_more(input, &data, &size)) > 0) {
		if (size > DKIMCHECK_READ_CHUNK)
			size = DKIMCHECK_READ_CHUNK;
		more = dkimcheck_ingest_push(in, data, size);
		i_stream_skip(input, size);
	}
	if (more && (ret == 0 || input->stream_errno != 0)) {
		e_warning(event, "read(%s) failed: %s: no report is read",
			  i_stream_get_name(input),
			  ret == 0 ? "stream would block" :
				     i_stream_get_error(input));
	} else {
		dkimcheck_ingest_finish(in, &counts);
		e_debug(event, "%u stored, %u refused, %u not written",
			counts.stored, counts.refused, counts.failed);
	}
	dkimcheck_ingest_free(&in);
	event_unref(&event);
}

static int
dkimcheck_local_deliver(struct client *client, struct lmtp_recipient *lrcpt,
			struct smtp_server_cmd_ctx *cmd,
			struct smtp_server_transaction *trans,
			struct lmtp_local_deliver_context *lldctx)
{
	struct dkimcheck_client *dclient = DKIMCHECK_LMTP_CONTEXT(client);
	struct dkimcheck_decision decision;
	struct dkimcheck_user_settings uset;
	struct mail_user *user = lldctx->rcpt_user;
	const char *rcpt, *error;
	int ret;

	if (dclient->pool == NULL) {
		/* not a transaction we looked at (proxied) */
		return dclient->module_ctx.super.local_deliver(
			client, lrcpt, cmd, trans, lldctx);
	}
	if (dkimcheck_user_settings_read(user, &uset, &error) < 0) {
		dkimcheck_event_recipient(dclient->event, lrcpt->session_id,
					  "error", &dclient->verdict, error);
		return dclient->module_ctx.super.local_deliver(
			client, lrcpt, cmd, trans, lldctx);
	}
	if (dclient->check == NULL) {
		ret = dclient->module_ctx.super.local_deliver(
			client, lrcpt, cmd, trans, lldctx);
		dkimcheck_ingest_note(dclient, &uset, user, ret);
		return ret;
	}
	dkimcheck_recipient_policy(dclient, &uset, lldctx, &decision);
	dkimcheck_history_note(dclient, lrcpt, decision.action);
	rcpt = smtp_address_encode(lrcpt->rcpt->path);
	dkimcheck_event_recipient(dclient->event, lrcpt->session_id,
				  dkimcheck_action_str(decision.action),
				  &dclient->verdict,
				  t_strdup_printf("rcpt=%s", rcpt));
	if (decision.action == DKIMCHECK_ACTION_REJECT &&
	    dclient->verdict.forged_unlisted > 0) {
		smtp_server_recipient_reply(
			lrcpt->rcpt, 550, "5.7.1",
			"Rejected: too many forged "
			"Authentication-Results fields");
		return -1;
	}
	if (decision.action == DKIMCHECK_ACTION_REJECT) {
		smtp_server_recipient_reply(
			lrcpt->rcpt, 550, "5.7.1",
			"Rejected by the DMARC policy of %s",
			dclient->verdict.from_domain != NULL ?
				dclient->verdict.from_domain :
				"the author domain");
		return -1;
	}
	(void)dkimcheck_storage_set_keywords(user, decision.keywords);
	ret = dclient->module_ctx.super.local_deliver(client, lrcpt, cmd,
						      trans, lldctx);
	dkimcheck_storage_clear_keywords(user);
	dkimcheck_ingest_note(dclient, &uset, user, ret);
	return ret;
}

static void
dkimcheck_trans_free(struct client *client,
		     struct smtp_server_transaction *trans)
{
	struct dkimcheck_client *dclient = DKIMCHECK_LMTP_CONTEXT(client);

	dkimcheck_history_flush(dclient);
	T_BEGIN {
		dkimcheck_ingest_run(dclient);
	} T_END;
	dkimcheck_client_reset(dclient);
	dclient->module_ctx.super.trans_free(client, trans);
}

static void
dkimcheck_client_destroy(struct client *client)
{
	struct dkimcheck_client *dclient = DKIMCHECK_LMTP_CONTEXT(client);

	dkimcheck_client_reset(dclient);
	dclient->module_ctx.super.destroy(client);
}

static void
dkimcheck_client_created(struct client **clientp)
{
	struct client *client = *clientp;
	struct dkimcheck_client *dclient;

	dclient = p_new(client->pool, struct dkimcheck_client, 1);
	dclient->module_ctx.super = client->v;
	client->v.cmd_data = dkimcheck_cmd_data;
	client->v.local_deliver = dkimcheck_local_deliver;
	client->v.trans_free = dkimcheck_trans_free;
	client->v.destroy = dkimcheck_client_destroy;
	MODULE_CONTEXT_SET(client, dkimcheck_lmtp_module, dclient);

	if (dkimcheck_next_client_created != NULL)
		dkimcheck_next_client_created(clientp);
}

bool
dkimcheck_lmtp_available(void)
{
	return lmtp_client_created_hook_set != NULL &&
	       &lmtp_module_register != NULL;
}

void
dkimcheck_lmtp_init(void)
{
	dkimcheck_next_client_created =
		lmtp_client_created_hook_set(dkimcheck_client_created);
}

void
dkimcheck_lmtp_deinit(void)
{
	lmtp_client_created_hook_set(dkimcheck_next_client_created);
	dkimcheck_engine_free(&dkimcheck_engine);
}
