/*
 * msg-date.h - an RFC 5322 3.3 date-time ("Mon, 7 Dec 2026 06:59:02
 * +0000") as UTC seconds, with the obsolete forms of 4.3 (two- and
 * three-digit years, zone names UT/GMT/EST/.../military letters taken as
 * +0000), as in Arrival-Date (RFC 5965 3.1) and Date fields.
 *
 * Memory: nothing allocated.
 */
#ifndef MA_MSG_DATE_H
#define MA_MSG_DATE_H

#include <stddef.h>
#include <stdint.h>

/* 0 with *t_r, or -1 with a static *error_r. */
int msg_date_parse(const char *s, size_t len, uint64_t *t_r,
		   const char **error_r);

#endif
