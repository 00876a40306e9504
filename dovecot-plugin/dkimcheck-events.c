/*
 * dkimcheck-events.c - log lines and Dovecot events (see
 * dkimcheck-events.h).
 */
#include "lib.h"

#include "dkimcheck-events.h"

struct event_category event_category_dkimcheck = {
	.name = "dkimcheck",
};

struct event *
dkimcheck_event_create(struct event *parent)
{
	struct event *event = event_create(parent);

	event_add_category(event, &event_category_dkimcheck);
	event_set_append_log_prefix(event, "dkimcheck: ");
	return event;
}

static const char *
str_or_dash(const char *s)
{
	return s == NULL || *s == '\0' ? "-" : s;
}

void
dkimcheck_event_verified(struct event *event, const char *session_id,
			 const struct dkimcheck_verdict *v, unsigned int msecs)
{
	struct event_passthrough *e =
		event_create_passthrough(event)
			->set_name("dkimcheck_verified")
			->add_str("dkimcheck_session", session_id)
			->add_str("dkimcheck_from_domain",
				  str_or_dash(v->from_domain))
			->add_str("dkimcheck_spf", v->spf)
			->add_str("dkimcheck_dkim", v->dkim)
			->add_str("dkimcheck_dmarc", v->dmarc)
			->add_str("dkimcheck_policy", str_or_dash(v->policy))
			->add_str("dkimcheck_disposition", v->disposition)
			->add_int("dkimcheck_dropped", v->ndrops)
			->add_int("dkimcheck_forged_unlisted",
				  v->forged_unlisted)
			->add_str("dkimcheck_budget_expired",
				  v->budget_expired ? "yes" : "no")
			->add_int("dkimcheck_msecs", msecs);

	e_info(e->event(),
	       "session=%s from=%s spf=%s dkim=%s dmarc=%s policy=%s "
	       "disposition=%s dropped=%zu%s%s time=%ums",
	       str_or_dash(session_id), str_or_dash(v->from_domain), v->spf,
	       v->dkim, v->dmarc, str_or_dash(v->policy), v->disposition,
	       v->ndrops,
	       v->forged_unlisted > 0 ?
		       t_strdup_printf(" forged_unlisted=%zu",
				       v->forged_unlisted) : "",
	       v->budget_expired ? " dns_budget=expired" : "", msecs);
}

void
dkimcheck_event_failed(struct event *event, const char *session_id,
		       const char *error, unsigned int msecs)
{
	struct event_passthrough *e =
		event_create_passthrough(event)
			->set_name("dkimcheck_verified")
			->add_str("dkimcheck_session", session_id)
			->add_str("dkimcheck_error", error)
			->add_int("dkimcheck_msecs", msecs);

	e_error(e->event(),
		"session=%s verification failed, message delivered "
		"untouched: %s (time=%ums)",
		str_or_dash(session_id), error, msecs);
}

void
dkimcheck_event_recipient(struct event *event, const char *session_id,
			  const char *action,
			  const struct dkimcheck_verdict *v, const char *detail)
{
	struct event_passthrough *e =
		event_create_passthrough(event)
			->set_name("dkimcheck_recipient")
			->add_str("dkimcheck_session", session_id)
			->add_str("dkimcheck_action", action)
			->add_str("dkimcheck_dmarc", v->dmarc)
			->add_str("dkimcheck_disposition", v->disposition);
	const char *line = t_strdup_printf(
		"session=%s action=%s dmarc=%s disposition=%s%s%s",
		str_or_dash(session_id), action, v->dmarc, v->disposition,
		detail != NULL ? ": " : "", detail != NULL ? detail : "");

	if (strcmp(action, "reject") == 0)
		e_info(e->event(), "%s", line);
	else if (strcmp(action, "error") == 0)
		e_error(e->event(), "%s", line);
	else
		e_debug(e->event(), "%s", line);
}

/* One message of the engine or of report ingest on `event`, at the
 * Dovecot log type of its level; INFO at `info_type`. */
static void
dkimcheck_event_log(struct event *event, enum log_type info_type,
		    enum dkimcheck_log_level level, const char *msg)
{
	enum log_type type = LOG_TYPE_ERROR;

	switch (level) {
	case DKIMCHECK_LOG_DEBUG:
		type = LOG_TYPE_DEBUG;
		break;
	case DKIMCHECK_LOG_INFO:
		type = info_type;
		break;
	case DKIMCHECK_LOG_WARN:
		type = LOG_TYPE_WARNING;
		break;
	case DKIMCHECK_LOG_ERROR:
		break;
	}
	e_log(event, type, "%s", msg);
}

void
dkimcheck_event_lib_log(void *context, enum dkimcheck_log_level level,
			const char *msg)
{
	dkimcheck_event_log(context, LOG_TYPE_DEBUG, level, msg);
}

void
dkimcheck_event_ingest_log(void *context, enum dkimcheck_log_level level,
			   const char *msg)
{
	dkimcheck_event_log(context, LOG_TYPE_INFO, level, msg);
}
