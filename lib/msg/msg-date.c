/*
 * msg-date.c - RFC 5322 3.3 / 4.3 date-time to UTC seconds (msg-date.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/strparse.h"
#include "msg/msg-address.h"
#include "msg/msg-date.h"

static const char months[][4] = {"jan", "feb", "mar", "apr", "may", "jun",
				 "jul", "aug", "sep", "oct", "nov", "dec"};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, m 1..12). */
static int64_t
days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned int)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
month_parse(struct strparse *sp, unsigned int *m_r)
{
	struct sp_slice w;

	if (sp_span(sp, sp_is_alpha, 3, &w) != 3)
		return -1;
	for (unsigned int i = 0; i < 12; i++)
		if (strncasecmp(w.p, months[i], 3) == 0) {
			*m_r = i + 1;
			return 0;
		}
	return -1;
}

/* zone = (+|-) 4DIGIT / obs-zone (names: +0000, RFC 5322 4.3 says the
 * military ones SHOULD be taken as -0000, and the US names differ by a
 * few hours at most: taken as +0000 too) */
static int
zone_parse(struct strparse *sp, int64_t *off_r)
{
	uint64_t hhmm;
	int sign = 0;

	*off_r = 0;
	if (sp_char(sp, '+'))
		sign = 1;
	else if (sp_char(sp, '-'))
		sign = -1;
	if (sign == 0)
		return sp_span(sp, sp_is_alpha, 5, NULL) > 0 ? 0 : -1;
	if (sp_left(sp) < 4 || !sp_uint(sp, 4, 9999, &hhmm))
		return -1;
	*off_r = sign * (int64_t)((hhmm / 100) * 3600 + (hhmm % 100) * 60);
	return 0;
}

int
msg_date_parse(const char *s, size_t len, uint64_t *t_r, const char **error_r)
{
	struct strparse sp;
	uint64_t day, year, hh, mm, ss = 0;
	unsigned int mon;
	int64_t off, t;

	sp_init(&sp, s, len);
	if (msg_cfws_skip(&sp, NULL, error_r) < 0)
		return -1;
	if (sp_is_alpha((unsigned char)sp_peek(&sp))) {
		sp_span(&sp, sp_is_alpha, 9, NULL);
		(void)msg_cfws_skip(&sp, NULL, error_r);
		if (!sp_char(&sp, ','))
			goto bad;
	}
	if (msg_cfws_skip(&sp, NULL, error_r) < 0 ||
	    !sp_uint(&sp, 2, 31, &day) || day == 0 ||
	    msg_cfws_skip(&sp, NULL, error_r) < 0 ||
	    month_parse(&sp, &mon) < 0 ||
	    msg_cfws_skip(&sp, NULL, error_r) < 0 ||
	    !sp_uint(&sp, 4, 9999, &year) ||
	    msg_cfws_skip(&sp, NULL, error_r) < 0 ||
	    !sp_uint(&sp, 2, 23, &hh) || !sp_char(&sp, ':') ||
	    !sp_uint(&sp, 2, 59, &mm))
		goto bad;
	if (sp_char(&sp, ':') && !sp_uint(&sp, 2, 60, &ss))
		goto bad;
	if (msg_cfws_skip(&sp, NULL, error_r) < 0 || zone_parse(&sp, &off) < 0)
		goto bad;
	/* RFC 5322 4.3: 2-digit years < 50 are 20xx, others 19xx; 3-digit
	 * years + 1900 */
	if (year < 50)
		year += 2000;
	else if (year < 1000)
		year += 1900;
	t = days_from_civil((int64_t)year, mon, (unsigned int)day) * 86400 +
		(int64_t)(hh * 3600 + mm * 60 + ss) - off;
	if (t < 0)
		goto bad;
	*t_r = (uint64_t)t;
	return 0;
bad:
	*error_r = "not an RFC 5322 date-time";
	return -1;
}
