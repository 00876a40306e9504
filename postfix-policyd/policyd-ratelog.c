/*
 * policyd-ratelog.c - warnings limited per interval, the rest summed up
 * (see policyd-ratelog.h).
 */
#include "config.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policyd-ratelog.h"
#include "util/xalloc.h"

#define RATELOG_LAST_MAX 300

struct policyd_ratelog {
	struct ma_log log; /* what callers write to */
	const struct ma_log *under;
	unsigned int interval_ms;
	struct event *timer;
	bool timer_armed;
	unsigned int logged;	 /* warnings passed in this interval */
	unsigned long suppressed; /* warnings counted in this interval */
	char last[RATELOG_LAST_MAX + 1];
};

static void
ratelog_summary(struct policyd_ratelog *rl)
{
	if (rl->suppressed > 0)
		ma_log_warn(rl->under,
			    "%lu more warnings in the last %u s not logged; "
			    "the last: %s",
			    rl->suppressed, (rl->interval_ms + 999) / 1000,
			    rl->last);
	rl->suppressed = 0;
	rl->logged = 0;
}

static void
on_interval(evutil_socket_t fd, short what, void *context)
{
	struct policyd_ratelog *rl = context;

	(void)fd;
	(void)what;
	rl->timer_armed = false;
	ratelog_summary(rl);
}

static void
ratelog_fn(void *context, enum ma_log_level level, const char *msg)
{
	struct policyd_ratelog *rl = context;
	struct timeval tv;

	if (level != MA_LOG_WARN) {
		ma_log(rl->under, level, "%s", msg);
		return;
	}
	if (!rl->timer_armed) {
		/* the interval starts with its first warning */
		tv.tv_sec = rl->interval_ms / 1000;
		tv.tv_usec = (rl->interval_ms % 1000) * 1000;
		evtimer_add(rl->timer, &tv);
		rl->timer_armed = true;
	}
	if (rl->logged < POLICYD_RATELOG_BURST) {
		rl->logged++;
		ma_log(rl->under, level, "%s", msg);
		return;
	}
	rl->suppressed++;
	strncpy(rl->last, msg, RATELOG_LAST_MAX);
	rl->last[RATELOG_LAST_MAX] = '\0';
}

struct policyd_ratelog *
policyd_ratelog_new(struct event_base *base, const struct ma_log *under,
		    unsigned int interval_ms, const struct ma_log **log_r)
{
	struct policyd_ratelog *rl = ma_calloc(1, sizeof(*rl));

	rl->under = under;
	rl->interval_ms = interval_ms;
	rl->timer = evtimer_new(base, on_interval, rl);
	rl->log.fn = ratelog_fn;
	rl->log.context = rl;
	rl->log.min_level = under->min_level;
	*log_r = &rl->log;
	return rl;
}

void
policyd_ratelog_free(struct policyd_ratelog **ratelog_p)
{
	struct policyd_ratelog *rl = *ratelog_p;

	if (rl == NULL)
		return;
	ratelog_summary(rl);
	event_free(rl->timer);
	free(rl);
	*ratelog_p = NULL;
}
