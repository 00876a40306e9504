/*
 * reports-failure-mail.c - the failure report message
 * (reports-failure-mail.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/base64.h"
#include "util/buf.h"
#include "dmarc/dmarc-history.h"
#include "dmarc/dmarc-report.h"
#include "reports-failure-mail.h"
#include "reports-rua.h"

/* RFC 5322 2.1.1: at most 998 characters per line. */
#define MAIL_MAX_LINE 998
/* RFC 2045 6.8: encoded lines of at most 76 characters. */
#define MAIL_B64_LINE 76

static bool
valid_ip(const char *s)
{
	unsigned char a[16];

	return s != NULL && (inet_pton(AF_INET, s, a) == 1 ||
			     inet_pton(AF_INET6, s, a) == 1);
}

static const char *
valid_domain(const char *s)
{
	return s != NULL && dmarc_report_domain_valid(s) ? s : NULL;
}

/* Append text with CRLF (or LF) line ends as LF lines. */
static void
put_lf(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		buf_append_char(out, s[i]);
	}
}

/* The header can go as 7bit: printable ASCII and HTAB, CRLF line ends
 * only, lines of at most MAIL_MAX_LINE, the boundary nowhere. */
static bool
header_7bit(const char *h, const char *boundary)
{
	size_t line = 0;

	if (strstr(h, boundary) != NULL)
		return false;
	for (const char *p = h; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\r' && p[1] == '\n') {
			p++;
			line = 0;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c > 0x7e ||
		    ++line > MAIL_MAX_LINE)
			return false;
	}
	return true;
}

static void
put_base64(struct buf *out, const char *data, size_t len)
{
	char *enc = malloc((len + 2) / 3 * 4 + 1);
	size_t n, i;

	if (enc == NULL)
		abort();
	n = base64_encode((const unsigned char *)data, len, enc);
	for (i = 0; i < n; i += MAIL_B64_LINE) {
		buf_append(out, enc + i,
			   n - i < MAIL_B64_LINE ? n - i : MAIL_B64_LINE);
		buf_append_char(out, '\n');
	}
	free(enc);
}

static void
put_date(struct buf *out, uint64_t t)
{
	char date[64];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_append_str(out, date);
}

static void
put_headers(const struct reports_failure_mail *m, const char *boundary,
	    struct buf *out)
{
	const char *from = valid_domain(m->h->header_from);

	buf_printf(out, "From: %s\nTo: ", m->from);
	for (size_t i = 0; i < m->nto; i++)
		buf_printf(out, "%s%s", i > 0 ? ",\n " : "", m->to[i].address);
	buf_append_str(out, "\nSubject: DMARC failure report");
	if (from != NULL)
		buf_printf(out, " for %s", from);
	if (valid_ip(m->h->source_ip))
		buf_printf(out, " from %s", m->h->source_ip);
	buf_append_str(out, "\nDate: ");
	put_date(out, m->date);
	/* RFC 3834 5: an automatic message, answered by none */
	buf_printf(out, "\nMessage-ID: <%s@%s>\nAuto-Submitted: "
		   "auto-generated\nMIME-Version: 1.0\n"
		   "Content-Type: multipart/report;"
		   " report-type=feedback-report;\n"
		   "\tboundary=\"%s\"\n\n"
		   "This is a DMARC failure report (RFC 9991) in MIME format.\n"
		   "\n", m->report_id, m->receiver, boundary);
}

static void
put_human(const struct reports_failure_mail *m, const char *boundary,
	  struct buf *out)
{
	const char *from = valid_domain(m->h->header_from);

	buf_printf(out, "--%s\nContent-Type: text/plain; charset=us-ascii\n"
		   "Content-Transfer-Encoding: 7bit\n\n"
		   "This is an authentication failure report (RFC 9991) "
		   "from %s\nfor a message", boundary, m->receiver);
	if (from != NULL)
		buf_printf(out, " claiming to be from %s", from);
	if (valid_ip(m->h->source_ip))
		buf_printf(out, ",\nreceived from IP %s", m->h->source_ip);
	buf_append_str(out, " on ");
	put_date(out, m->h->time);
	buf_printf(out, ".\nDMARC result: %s; identity alignment failed "
		   "for: %s.\nOnly the message's header fields are "
		   "included.\n", dmarc_result_str(m->h->result),
		   dmarc_failure_identity_alignment(m->h));
	if (m->h->header_cut)
		buf_printf(out, "Header fields past the first %d octets were "
			   "left out.\n", DMARC_HISTORY_MAX_HEADER);
	buf_append_char(out, '\n');
}

void
reports_failure_mail_build(const struct reports_failure_mail *m,
			   struct buf *out)
{
	struct buf fb = BUF_INIT;
	const char *hdr = m->h->header != NULL ? m->h->header : "";
	char boundary[80];

	/* "=_" never occurs in base64; a 7bit header holding it is sent
	 * base64 (header_7bit) */
	snprintf(boundary, sizeof(boundary), "=_failure_%s", m->report_id);
	put_headers(m, boundary, out);
	put_human(m, boundary, out);
	buf_printf(out, "--%s\nContent-Type: message/feedback-report\n"
		   "Content-Transfer-Encoding: 7bit\n\n", boundary);
	dmarc_failure_feedback(m->h, m->kind, PACKAGE_NAME "/"
			       PACKAGE_VERSION, m->receiver, m->h->mail_from,
			       &fb);
	if (m->spf_dns != NULL)
		buf_printf(&fb, "SPF-DNS: %s\r\n", m->spf_dns);
	put_lf(out, fb.data != NULL ? fb.data : "", fb.len);
	buf_printf(out, "\n--%s\nContent-Type: text/rfc822-headers\n",
		   boundary);
	if (header_7bit(hdr, boundary)) {
		buf_append_str(out, "Content-Transfer-Encoding: 7bit\n\n");
		put_lf(out, hdr, strlen(hdr));
	} else {
		buf_append_str(out, "Content-Transfer-Encoding: base64\n\n");
		put_base64(out, hdr, strlen(hdr));
	}
	buf_printf(out, "\n--%s--\n", boundary);
	buf_free(&fb);
}
