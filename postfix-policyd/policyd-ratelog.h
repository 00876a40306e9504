/*
 * policyd-ratelog.h - a log hook in front of another that lets through
 * at most a few warnings per interval and sums up the rest in one line
 * per interval, so that no client (a flood of bad requests, a thousand
 * DNS timeouts, descriptors running out) can make the log grow with the
 * number of events.
 *
 *     warning: not the policy protocol (...): closing the connection
 *     ... (RATELOG_BURST lines) ...
 *     warning: 34512 more warnings in the last 10 s not logged; the
 *       last: accept: Too many open files
 *
 * Debug, info (one line per decision: bounded by the requests answered)
 * and error lines pass unchanged.
 *
 * Memory: the ratelog is allocated by policyd_ratelog_new() and freed by
 * policyd_ratelog_free(); the underlying log and the event base must
 * outlive it.  One thread, the event loop's.
 */
#ifndef MA_POLICYD_RATELOG_H
#define MA_POLICYD_RATELOG_H

#include "util/log.h"

struct event_base;
struct policyd_ratelog;

/* Warnings logged verbatim per interval before the rest are counted. */
#define POLICYD_RATELOG_BURST 10

/* A rate-limited view of `under`: lines given to *log_r are passed on as
 * described above.  The summary line is written when the interval is
 * over (from a timer on `base`), or when the ratelog is freed. */
struct policyd_ratelog *policyd_ratelog_new(struct event_base *base,
					    const struct ma_log *under,
					    unsigned int interval_ms,
					    const struct ma_log **log_r);
void policyd_ratelog_free(struct policyd_ratelog **ratelog_p);

#endif
