/*
 * dkim-test.h - helpers shared by the DKIM test programs: test data
 * files and running the verifier over a message in pieces.
 */
#ifndef DKIM_TEST_H
#define DKIM_TEST_H

#include <stddef.h>
#include <time.h>

#include "dkim/dkim-verify.h"

struct buf;
struct dkim_keystore;

/* A file under tests/fixtures/dkim/ (malloc()ed, NUL added). */
char *dkim_test_read(const char *rel, size_t *len_r);

/* Append tests/fixtures/dkim/keytable.txt ("NAME RECORD" lines) to b as
 * unbound local-data lines ("\tlocal-data: 'NAME. 300 IN TXT ...'\n"),
 * each record split into 255-octet character-strings (RFC 1035 3.3.14;
 * RFC 6376 3.6.2.2 joins them again). */
void dkim_test_keytable_local_data(struct buf *b);

/* One verification outcome, copied out of the verifier. */
struct dkim_test_result {
	enum dkim_result result;
	char reason[96];
	char domain[64], selector[64];
	int testing;
};

/* Verify `len` bytes fed `step` at a time (0 = whole) at time `now` (0 =
 * real time).  Fills up to `max` results; returns the count. */
size_t dkim_test_verify(struct dkim_keystore *ks, const char *msg, size_t len,
			size_t step, time_t now, unsigned int max_sigs,
			struct dkim_test_result *res, size_t max);

#endif
