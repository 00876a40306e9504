/*
 * dmarc-report.c - RFC 9990 aggregate report XML (dmarc-report.h).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml.h"
#include "dmarc/dmarc-record.h"
#include "dmarc/dmarc-report.h"

/* RFC 1035 2.3.4 */
#define REPORT_MAX_LABEL 63
#define REPORT_MAX_NAME 253

bool
dmarc_report_domain_valid(const char *name)
{
	size_t i, label = 0, len = strlen(name);

	if (len == 0 || len > REPORT_MAX_NAME)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '_') {
			if (++label > REPORT_MAX_LABEL)
				return false;
		} else
			return false;
	}
	return label > 0;
}

/* RFC 5322 3.2.3 atext */
static bool
atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", c);
}

static bool
dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.' ? s[i + 1] == '.' : !atext(s[i]))
			return false;
	}
	return true;
}

bool
dmarc_report_id_valid(const char *id)
{
	const char *at = strchr(id, '@');

	if (at == NULL)
		return dot_atom(id, strlen(id));
	return dot_atom(id, (size_t)(at - id)) &&
	       dot_atom(at + 1, strlen(at + 1));
}

/* <name>escaped text</name>, nothing for NULL */
static int
element(struct buf *out, const char *indent, const char *name,
	const char *text, const char **error_r)
{
	if (text == NULL)
		return 0;
	buf_printf(out, "%s<%s>", indent, name);
	if (xml_escape(out, text, strlen(text), error_r) < 0)
		return -1;
	buf_printf(out, "</%s>\n", name);
	return 0;
}

static const char *
policy_word(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_POLICY_NONE: return "none";
	case DMARC_POLICY_QUARANTINE: return "quarantine";
	case DMARC_POLICY_REJECT: return "reject";
	default: return NULL;
	}
}

static int
metadata(const struct dmarc_report *r, struct buf *out, const char **error_r)
{
	if (!dmarc_report_id_valid(r->report_id)) {
		*error_r = "Report-ID is not a dot-atom";
		return -1;
	}
	buf_append_str(out, "  <report_metadata>\n");
	if (element(out, "    ", "org_name", r->org_name, error_r) < 0 ||
	    element(out, "    ", "email", r->email, error_r) < 0 ||
	    element(out, "    ", "extra_contact_info", r->extra_contact,
		    error_r) < 0 ||
	    element(out, "    ", "report_id", r->report_id, error_r) < 0)
		return -1;
	buf_printf(out,
		   "    <date_range>\n      <begin>%" PRIu64 "</begin>\n"
		   "      <end>%" PRIu64 "</end>\n    </date_range>\n",
		   r->begin, r->end);
	if (element(out, "    ", "generator", r->generator, error_r) < 0)
		return -1;
	buf_append_str(out, "  </report_metadata>\n");
	return 0;
}

static int
policy_published(const struct dmarc_report *r, struct arena *arena,
		 struct buf *out, const char **error_r)
{
	struct dmarc_record rec;
	const char *p;

	if (r->record == NULL ||
	    dmarc_record_parse(r->record, strlen(r->record), arena, &rec,
			       error_r) < 0) {
		*error_r = "no DMARC record to report as published";
		return -1;
	}
	/* RFC 9989 4.7: an absent or invalid p with a valid rua is none */
	p = policy_word(rec.p) != NULL ? policy_word(rec.p) : "none";
	buf_append_str(out, "  <policy_published>\n");
	if (element(out, "    ", "domain", r->policy_domain, error_r) < 0 ||
	    element(out, "    ", "p", p, error_r) < 0 ||
	    element(out, "    ", "sp", policy_word(rec.sp), error_r) < 0 ||
	    element(out, "    ", "np", policy_word(rec.np), error_r) < 0 ||
	    element(out, "    ", "adkim", dmarc_alignment_str(rec.adkim),
		    error_r) < 0 ||
	    element(out, "    ", "aspf", dmarc_alignment_str(rec.aspf),
		    error_r) < 0 ||
	    element(out, "    ", "discovery_method", r->discovery,
		    error_r) < 0 ||
	    element(out, "    ", "fo", rec.fo, error_r) < 0 ||
	    element(out, "    ", "testing", rec.testing ? "y" : "n",
		    error_r) < 0)
		return -1;
	buf_append_str(out, "  </policy_published>\n");
	return 0;
}

/* The XSD's ActionDispositionType: "none" no action taken, "pass" no
 * action, passing DMARC with an enforcing policy, "quarantine",
 * "reject". */
static const char *
disposition_word(const struct dmarc_history *h)
{
	if (h->disposition == DMARC_POLICY_QUARANTINE ||
	    h->disposition == DMARC_POLICY_REJECT)
		return policy_word(h->disposition);
	if (h->result == DMARC_RESULT_PASS &&
	    (h->policy == DMARC_POLICY_QUARANTINE ||
	     h->policy == DMARC_POLICY_REJECT))
		return "pass";
	return "none";
}

static int
row_evaluated(const struct dmarc_history *h, struct buf *out,
	      const char **error_r)
{
	buf_printf(out,
		   "      <policy_evaluated>\n"
		   "        <disposition>%s</disposition>\n"
		   "        <dkim>%s</dkim>\n        <spf>%s</spf>\n",
		   disposition_word(h),
		   h->dkim_aligned ? "pass" : "fail",
		   h->spf_aligned ? "pass" : "fail");
	if (h->reason != NULL) {
		if (!dmarc_history_reason_valid(h->reason)) {
			*error_r = "reason is not a PolicyOverrideType";
			return -1;
		}
		buf_printf(out, "        <reason>\n          <type>%s</type>\n",
			   h->reason);
		if (element(out, "          ", "comment", h->comment,
			    error_r) < 0)
			return -1;
		buf_append_str(out, "        </reason>\n");
	}
	buf_append_str(out, "      </policy_evaluated>\n");
	return 0;
}

static int
row_auth(const struct dmarc_history *h, struct buf *out, const char **error_r)
{
	size_t i;

	buf_append_str(out, "    <auth_results>\n");
	for (i = 0; i < h->ndkim; i++) {
		buf_append_str(out, "      <dkim>\n");
		/* RFC 9990: selector is required in every dkim element */
		if (element(out, "        ", "domain", h->dkim[i].domain,
			    error_r) < 0 ||
		    element(out, "        ", "selector",
			    h->dkim[i].selector != NULL ? h->dkim[i].selector :
							  "",
			    error_r) < 0 ||
		    element(out, "        ", "result", h->dkim[i].result,
			    error_r) < 0)
			return -1;
		buf_append_str(out, "      </dkim>\n");
	}
	if (h->spf_result != NULL && h->spf_domain != NULL) {
		buf_append_str(out, "      <spf>\n");
		if (element(out, "        ", "domain", h->spf_domain,
			    error_r) < 0)
			return -1;
		buf_append_str(out, "        <scope>mfrom</scope>\n");
		if (element(out, "        ", "result", h->spf_result,
			    error_r) < 0)
			return -1;
		buf_append_str(out, "      </spf>\n");
	}
	buf_append_str(out, "    </auth_results>\n");
	return 0;
}

static int
row(const struct dmarc_report_row *row, struct buf *out,
    const char **error_r)
{
	const struct dmarc_history *h = row->h;

	if (h->source_ip == NULL || h->header_from == NULL) {
		*error_r = "row without source_ip or header_from";
		return -1;
	}
	buf_append_str(out, "  <record>\n    <row>\n");
	if (element(out, "      ", "source_ip", h->source_ip, error_r) < 0)
		return -1;
	buf_printf(out, "      <count>%" PRIu64 "</count>\n", row->count);
	if (row_evaluated(h, out, error_r) < 0)
		return -1;
	buf_append_str(out, "    </row>\n    <identifiers>\n");
	if (element(out, "      ", "header_from", h->header_from,
		    error_r) < 0 ||
	    element(out, "      ", "envelope_from", h->envelope_from,
		    error_r) < 0 ||
	    element(out, "      ", "envelope_to", h->envelope_to, error_r) < 0)
		return -1;
	buf_append_str(out, "    </identifiers>\n");
	if (row_auth(h, out, error_r) < 0)
		return -1;
	buf_append_str(out, "  </record>\n");
	return 0;
}

int
dmarc_report_xml(const struct dmarc_report *r, struct arena *arena,
		 struct buf *out, const char **error_r)
{
	size_t i;

	if (r->nrows == 0) {
		*error_r = "a report needs at least one record";
		return -1;
	}
	if (!dmarc_report_domain_valid(r->policy_domain)) {
		*error_r = "policy domain is not a host name";
		return -1;
	}
	buf_append_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<feedback xmlns=\"" DMARC_REPORT_XMLNS "\">\n"
			    "  <version>1.0</version>\n");
	if (metadata(r, out, error_r) < 0 ||
	    policy_published(r, arena, out, error_r) < 0)
		return -1;
	for (i = 0; i < r->nrows; i++) {
		if (row(&r->rows[i], out, error_r) < 0)
			return -1;
	}
	buf_append_str(out, "</feedback>\n");
	return 0;
}
