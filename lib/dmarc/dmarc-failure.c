/*
 * dmarc-failure.c - the "fo" tag and the feedback-report fields of a
 * DMARC failure report (RFC 9991; see dmarc-failure.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-failure.h"

static int
fo_value(const char *v, size_t len, unsigned int *bit_r)
{
	static const struct {
		char c;
		unsigned int bit;
	} values[] = {
		{'0', DMARC_FO_ALL},
		{'1', DMARC_FO_ANY},
		{'d', DMARC_FO_DKIM},
		{'s', DMARC_FO_SPF},
	};

	/* optional white space around each value */
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len != 1)
		return -1;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (values[i].c == *v) {
			*bit_r = values[i].bit;
			return 0;
		}
	}
	return -1;
}

int
dmarc_fo_parse(const char *value, unsigned int *fo_r, const char **error_r)
{
	unsigned int fo = 0, bit;
	const char *p = value, *colon;

	*fo_r = DMARC_FO_ALL;
	if (value == NULL)
		return 0;
	for (;;) {
		colon = strchr(p, ':');
		if (fo_value(p, colon != NULL ? (size_t)(colon - p) : strlen(p),
			     &bit) < 0) {
			*error_r = "fo: unknown or empty value";
			return -1;
		}
		fo |= bit;
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	if ((fo & DMARC_FO_ALL) != 0 && (fo & DMARC_FO_ANY) != 0) {
		*error_r = "fo: 0 and 1 are mutually exclusive";
		return -1;
	}
	*fo_r = fo;
	return 0;
}

static bool
failed_evaluation(const char *result)
{
	return result != NULL && (strcmp(result, "fail") == 0 ||
				  strcmp(result, "permerror") == 0);
}

unsigned int
dmarc_failure_due(const struct dmarc_history *h, unsigned int fo)
{
	unsigned int due = 0;

	if (h->result != DMARC_RESULT_PASS && h->result != DMARC_RESULT_FAIL)
		return 0;
	if ((fo & DMARC_FO_ALL) != 0 && !h->dkim_aligned && !h->spf_aligned)
		due |= DMARC_FAILURE_DMARC;
	if ((fo & DMARC_FO_ANY) != 0 && (!h->dkim_aligned || !h->spf_aligned))
		due |= DMARC_FAILURE_DMARC;
	if ((fo & DMARC_FO_DKIM) != 0) {
		for (size_t i = 0; i < h->ndkim; i++) {
			if (failed_evaluation(h->dkim[i].result))
				due |= DMARC_FAILURE_DKIM;
		}
	}
	if ((fo & DMARC_FO_SPF) != 0 && failed_evaluation(h->spf_result))
		due |= DMARC_FAILURE_SPF;
	return due;
}

const char *
dmarc_failure_identity_alignment(const struct dmarc_history *h)
{
	if (!h->dkim_aligned && !h->spf_aligned)
		return "dkim, spf";
	if (!h->dkim_aligned)
		return "dkim";
	if (!h->spf_aligned)
		return "spf";
	return "none";
}

/* printable ASCII, nothing that could end or fold a header line */
static bool
safe_text(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e)
			return false;
	}
	return true;
}

/* an RFC 2045 token as A-R property values and domain names are */
static bool
safe_token(const char *s)
{
	if (!safe_text(s))
		return false;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || strchr("()<>@,;:\\\"/[]?=", *s) != NULL)
			return false;
	}
	return true;
}

static void
field(struct buf *out, const char *name, const char *value)
{
	if (safe_text(value))
		buf_printf(out, "%s: %s\r\n", name, value);
}

/* RFC 5322 3.3 date-time in UTC, independent of the locale */
static void
arrival_date(struct buf *out, uint64_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return;
	buf_printf(out, "Arrival-Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		   days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
auth_results(struct buf *out, const struct dmarc_history *h,
	     const char *authserv_id)
{
	if (!safe_token(authserv_id))
		return;
	buf_printf(out, "Authentication-Results: %s;\r\n\tdmarc=%s",
		   authserv_id, dmarc_result_str(h->result));
	if (safe_token(h->header_from))
		buf_printf(out, " header.from=%s", h->header_from);
	for (size_t i = 0; i < h->ndkim; i++) {
		if (!safe_token(h->dkim[i].result))
			continue;
		buf_printf(out, ";\r\n\tdkim=%s", h->dkim[i].result);
		if (safe_token(h->dkim[i].domain))
			buf_printf(out, " header.d=%s", h->dkim[i].domain);
		if (safe_token(h->dkim[i].selector))
			buf_printf(out, " header.s=%s", h->dkim[i].selector);
	}
	if (safe_token(h->spf_result)) {
		buf_printf(out, ";\r\n\tspf=%s", h->spf_result);
		if (safe_token(h->spf_domain))
			buf_printf(out, " smtp.mailfrom=%s", h->spf_domain);
	}
	buf_append_str(out, "\r\n");
}

/* the first failed signature of the From domain (RFC 9991 4 item 1:
 * DKIM-Domain and DKIM-Selector for DKIM failures) */
static const struct dmarc_history_dkim *
failed_own_signature(const struct dmarc_history *h)
{
	for (size_t i = 0; i < h->ndkim; i++) {
		if (failed_evaluation(h->dkim[i].result) &&
		    h->dkim[i].domain != NULL && h->header_from != NULL &&
		    strcasecmp(h->dkim[i].domain, h->header_from) == 0)
			return &h->dkim[i];
	}
	return NULL;
}

static const char *
auth_failure(enum dmarc_failure_kind kind)
{
	switch (kind) {
	case DMARC_FAILURE_DKIM:
		return "signature";
	case DMARC_FAILURE_SPF:
		return "spf";
	case DMARC_FAILURE_DMARC:
	default:
		return "dmarc";
	}
}

static const char *
delivery_result(enum dmarc_policy disposition)
{
	switch (disposition) {
	case DMARC_POLICY_QUARANTINE:
		return "spam";
	case DMARC_POLICY_REJECT:
		return "reject";
	default:
		return "delivered";
	}
}

/* RFC 5965 3.5: original-mail-from = "Original-Mail-From:" [CFWS]
 * reverse-path, RFC 5321 4.1.2 "<" Mailbox ">" or "<>" for the null
 * sender.  An address that would need quoting or holds anything but
 * local "@" domain characters is left out. */
static void
original_mail_from(struct buf *out, const char *addr)
{
	const char *at;

	if (addr == NULL)
		return;
	if (*addr != '\0' &&
	    (!safe_text(addr) || strpbrk(addr, " ()<>[],;:\\\"") != NULL ||
	     (at = strrchr(addr, '@')) == NULL || at == addr ||
	     !safe_token(at + 1)))
		return;
	buf_printf(out, "Original-Mail-From: <%s>\r\n", addr);
}

/* RFC 5965 3.5: source-ip = "Source-IP:" [CFWS] (IPv4-address-literal
 * / IPv6-address-literal), RFC 5321 4.1.3: an IPv6 address is written
 * "IPv6:" IPv6-addr.  Anything else is left out. */
static void
source_ip(struct buf *out, const char *ip)
{
	unsigned char a[16];

	if (ip == NULL)
		return;
	if (inet_pton(AF_INET, ip, a) == 1)
		buf_printf(out, "Source-IP: %s\r\n", ip);
	else if (inet_pton(AF_INET6, ip, a) == 1)
		buf_printf(out, "Source-IP: IPv6:%s\r\n", ip);
}

void
dmarc_failure_feedback(const struct dmarc_history *h,
		       enum dmarc_failure_kind kind, const char *user_agent,
		       const char *authserv_id, const char *mail_from,
		       struct buf *out)
{
	const struct dmarc_history_dkim *sig = failed_own_signature(h);

	buf_append_str(out, "Feedback-Type: auth-failure\r\n");
	field(out, "User-Agent", user_agent);
	buf_append_str(out, "Version: 1\r\n");
	buf_printf(out, "Auth-Failure: %s\r\n", auth_failure(kind));
	auth_results(out, h, authserv_id);
	buf_printf(out, "Identity-Alignment: %s\r\n",
		   dmarc_failure_identity_alignment(h));
	if (sig != NULL && safe_token(sig->domain)) {
		field(out, "DKIM-Domain", sig->domain);
		/* RFC 6376 3.5 i=: [local-part] "@" domain */
		if (safe_text(h->dkim_identity) &&
		    strpbrk(h->dkim_identity, " ()<>,;:\\\"[]") == NULL)
			field(out, "DKIM-Identity", h->dkim_identity);
		if (safe_token(sig->selector))
			field(out, "DKIM-Selector", sig->selector);
	}
	original_mail_from(out, mail_from);
	arrival_date(out, h->time);
	source_ip(out, h->source_ip);
	if (safe_token(h->header_from))
		field(out, "Reported-Domain", h->header_from);
	buf_printf(out, "Delivery-Result: %s\r\n",
		   delivery_result(h->disposition));
}
