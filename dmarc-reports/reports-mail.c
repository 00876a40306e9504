/*
 * reports-mail.c - the RFC 9990 report message (reports-mail.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "util/base64.h"
#include "util/buf.h"
#include "reports-mail.h"
#include "reports-rua.h"

/* RFC 2045 6.8: encoded lines of at most 76 characters. */
#define MAIL_B64_LINE 76

/* gzip (RFC 1952) of data: zlib with a gzip wrapper, mtime 0. */
static int
gzip_buf(const char *data, size_t len, struct buf *out, const char **error_r)
{
	z_stream z;
	unsigned char chunk[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		*error_r = "deflateInit2 failed";
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, Z_FINISH);
		buf_append(out, chunk, sizeof(chunk) - z.avail_out);
	} while (rc == Z_OK);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		*error_r = "deflate failed";
		return -1;
	}
	return 0;
}

void
reports_mail_filename(const struct reports_mail *m, struct buf *out)
{
	buf_printf(out, "%s!%s!%llu!%llu!%s.xml.gz", m->receiver,
		   m->policy_domain, (unsigned long long)m->begin,
		   (unsigned long long)m->end, m->report_id);
}

static void
put_base64(struct buf *out, const struct buf *bin)
{
	char *enc = malloc((bin->len + 2) / 3 * 4 + 1);
	size_t n = base64_encode((const unsigned char *)bin->data, bin->len,
				 enc), i;

	for (i = 0; i < n; i += MAIL_B64_LINE) {
		buf_append(out, enc + i,
			   n - i < MAIL_B64_LINE ? n - i : MAIL_B64_LINE);
		buf_append_char(out, '\n');
	}
	free(enc);
}

static void
put_headers(const struct reports_mail *m, struct buf *out)
{
	char date[64];
	time_t t = (time_t)m->date;
	struct tm tm;
	size_t i;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(out, "From: %s\nTo: ", m->from);
	for (i = 0; i < m->nto; i++)
		buf_printf(out, "%s%s", i > 0 ? ",\n " : "", m->to[i].address);
	/* RFC 9990 5 dmarc-subject, folded at its FWS as the RFC's own
	 * example is */
	buf_printf(out,
		   "\nSubject: Report Domain: %s\n Submitter: %s\n"
		   " Report-ID: <%s>\nDate: %s\nMessage-ID: <%s@%s>\n"
		   "MIME-Version: 1.0\n"
		   "Content-Type: multipart/mixed; boundary=\"=_%s\"\n\n",
		   m->policy_domain, m->receiver, m->report_id, date,
		   m->report_id, m->receiver, m->report_id);
}

int
reports_mail_build(const struct reports_mail *m, struct buf *out,
		   const char **error_r)
{
	struct buf gz = BUF_INIT, name = BUF_INIT;

	if (gzip_buf(m->xml, m->xml_len, &gz, error_r) < 0) {
		buf_free(&gz);
		return -1;
	}
	reports_mail_filename(m, &name);
	put_headers(m, out);
	buf_printf(out,
		   "--=_%s\nContent-Type: text/plain; charset=us-ascii\n\n"
		   "DMARC aggregate report (RFC 9990) for %s from %s,\n"
		   "period %llu to %llu (seconds since 1970, UTC).\n\n"
		   "--=_%s\nContent-Type: application/gzip; name=\"%s\"\n"
		   "Content-Disposition: attachment; filename=\"%s\"\n"
		   "Content-Transfer-Encoding: base64\n\n",
		   m->report_id, m->policy_domain, m->receiver,
		   (unsigned long long)m->begin, (unsigned long long)m->end,
		   m->report_id, buf_cstr(&name), buf_cstr(&name));
	put_base64(out, &gz);
	buf_printf(out, "\n--=_%s--\n", m->report_id);
	buf_free(&gz);
	buf_free(&name);
	return 0;
}
