/*
 * dmarc-bench.h - the libopendmarc side of dmarc-bench, in its own file
 * because <opendmarc/dmarc.h> defines macros (DMARC_POLICY_REJECT ...)
 * that collide with libmailauth's enum values.
 */
#ifndef DMARC_BENCH_H
#define DMARC_BENCH_H

/* Load the PSL into libopendmarc and remember the record text; 0 / -1. */
int opendmarc_bench_init(const char *psl_file, const char *record);
/* One evaluation; 1 if the verdict is the expected pass. */
unsigned long opendmarc_bench_once(void);
void opendmarc_bench_shutdown(void);

#endif
