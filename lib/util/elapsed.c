/*
 * elapsed.c - milliseconds since a CLOCK_MONOTONIC start time
 * (elapsed.h).
 */
#include "config.h"

#include "util/elapsed.h"

unsigned int
ma_elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - since->tv_sec) * 1000 +
	     (now.tv_nsec - since->tv_nsec) / 1000000;
	return ms < 0 ? 0 : (unsigned int)ms;
}
