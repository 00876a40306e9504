/*
 * elapsed.h - milliseconds since a CLOCK_MONOTONIC start time.
 *
 * The elapsed times lib/ reports (DNS query, whole message) and
 * spf-policyd's request time budget.
 *
 * Memory: nothing allocated.
 */
#ifndef MA_ELAPSED_H
#define MA_ELAPSED_H

#include <time.h>

/* Milliseconds from *since (taken with clock_gettime(CLOCK_MONOTONIC))
 * to now, rounded down; 0 if the clock reads earlier than *since. */
unsigned int ma_elapsed_ms(const struct timespec *since);

#endif
