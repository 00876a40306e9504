/*
 * reports-rua.c - rua destinations and their authorization
 * (reports-rua.h; RFC 9989 4.7, RFC 9990 section 4).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/log.h"
#include "dns/dns.h"
#include "dmarc/dmarc-record.h"
#include "dmarc/dmarc-report.h"
#include "reports-rua.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "mailto:addr[?query][!size]" trimmed, to a checked local@host. */
static bool
mailto(const char *p, size_t len, struct arena *arena, struct reports_rua *r)
{
	char *addr, *o, *at;
	size_t i;

	while (len > 0 && (*p == ' ' || *p == '\t'))
		p++, len--;
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len < 7 || strncasecmp(p, "mailto:", 7) != 0)
		return false;
	p += 7;
	len -= 7;
	for (i = 0; i < len && p[i] != '!' && p[i] != '?'; i++)
		;
	len = i;
	o = addr = arena_alloc(arena, len + 1);
	for (i = 0; i < len; i++) {
		if (p[i] == '%' && i + 2 < len &&
		    hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
			*o++ = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
			i += 2;
		} else
			*o++ = p[i];
	}
	*o = '\0';
	at = strrchr(addr, '@');
	if (at == NULL || at == addr || !dmarc_report_domain_valid(at + 1))
		return false;
	for (o = addr; o < at; o++) {
		if ((unsigned char)*o <= 0x20 || (unsigned char)*o >= 0x7f ||
		    strchr("<>()[]\\,;:\"", *o) != NULL)
			return false;
	}
	r->address = addr;
	r->host = at + 1;
	return true;
}

size_t
reports_rua_parse(const char *value, struct arena *arena,
		  struct reports_rua *out, size_t max)
{
	const char *p = value, *comma;
	size_t n = 0, len;

	while (p != NULL && *p != '\0' && n < max) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (mailto(p, len, arena, &out[n]))
			n++;
		p = comma != NULL ? comma + 1 : NULL;
	}
	return n;
}

/* a == b, or one a subdomain of the other (case-insensitive). */
static bool
same_tree(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return strcasecmp(a, b) == 0;
	if (la < lb) {
		const char *t = a;

		a = b;
		b = t;
		la = lb;
		lb = strlen(b);
	}
	return a[la - lb - 1] == '.' && strcasecmp(a + la - lb, b) == 0;
}

/* The one DMARC record among a TXT answer, or NULL. */
static const char *
txt_dmarc(const struct dns_result *res)
{
	size_t i;

	for (i = 0; i < res->count; i++) {
		const struct dns_rr *rr = &res->rrs[i];

		if (rr->type == DNS_T_TXT &&
		    dmarc_record_is_dmarc(rr->u.txt.text, rr->u.txt.text_len))
			return rr->u.txt.text;
	}
	return NULL;
}

/* TXT lookup: 1 a DMARC record (in *text_r, arena), 0 none, -1 temp. */
static int
lookup(struct dns_resolver *resolver, const char *name, struct arena *arena,
       const char **text_r, const char **error_r)
{
	struct dns_result *res;
	const char *t;
	int ret;

	if (dns_lookup(resolver, name, DNS_T_TXT, &res, error_r) < 0)
		return -1;
	if (res->outcome == DNS_SERVFAIL || res->outcome == DNS_TIMEOUT) {
		*error_r = arena_printf(arena, "%s: DNS %s", name,
					dns_outcome_str(res->outcome));
		dns_result_free(&res);
		return -1;
	}
	t = res->outcome == DNS_ANSWER ? txt_dmarc(res) : NULL;
	ret = t != NULL;
	if (t != NULL)
		*text_r = arena_strdup(arena, t);
	dns_result_free(&res);
	return ret;
}

/* The tag asked for: rua, or ruf (RFC 9991 section 5: the same
 * procedure "substituting the ruf tag where the rua tag appears"). */
static const char *
dest_tag(const struct dmarc_record *rec, bool ruf)
{
	return ruf ? rec->ruf : rec->rua;
}

/* RFC 9990 4: one external destination, possibly replaced. */
static int
authorize(struct dns_resolver *resolver, const struct ma_log *log,
	  const char *pd, bool ruf, const struct reports_rua *d,
	  struct arena *arena, struct reports_rua *out, size_t *n,
	  const char **error_r)
{
	struct reports_rua over[REPORTS_MAX_RUA];
	struct dmarc_record rec;
	const char *name, *text, *err;
	size_t i, k;
	int rc;

	name = arena_printf(arena, "%s._report._dmarc.%s", pd, d->host);
	if (strlen(name) > 253) /* step 4: beyond DNS limits */
		return 0;
	if ((rc = lookup(resolver, name, arena, &text, error_r)) <= 0) {
		if (rc == 0)
			ma_log_info(log, "%s: %s not authorized (no v=DMARC1 "
				    "at %s)", pd, d->address, name);
		return rc;
	}
	if (dmarc_record_parse(text, strlen(text), arena, &rec, &err) < 0 ||
	    dest_tag(&rec, ruf) == NULL) {
		if (*n < REPORTS_MAX_RUA)
			out[(*n)++] = *d;
		return 0;
	}
	/* step 9: the override must keep the destination host */
	k = reports_rua_parse(dest_tag(&rec, ruf), arena, over,
			      REPORTS_MAX_RUA);
	for (i = 0; i < k; i++) {
		if (strcasecmp(over[i].host, d->host) != 0) {
			ma_log_info(log, "%s: %s override names another host: "
				    "no report there", pd, d->address);
			return 0;
		}
	}
	for (i = 0; i < k && *n < REPORTS_MAX_RUA; i++)
		out[(*n)++] = over[i];
	return 0;
}

static int
dest_get(struct dns_resolver *resolver, const struct ma_log *log,
	 const char *policy_domain, bool ruf, struct arena *arena,
	 struct reports_rua *out, size_t *n_r, bool *psd_r,
	 const char **error_r)
{
	struct reports_rua dest[REPORTS_MAX_RUA];
	struct dmarc_record rec;
	const char *text, *err;
	size_t n, i;
	int rc;

	*n_r = 0;
	rc = lookup(resolver, arena_printf(arena, "_dmarc.%s", policy_domain),
		    arena, &text, error_r);
	if (rc <= 0)
		return rc;
	if (dmarc_record_parse(text, strlen(text), arena, &rec, &err) < 0 ||
	    dest_tag(&rec, ruf) == NULL)
		return 0;
	if (psd_r != NULL && rec.psd == DMARC_PSD_Y) {
		*psd_r = true;
		return 0;
	}
	n = reports_rua_parse(dest_tag(&rec, ruf), arena, dest,
			      REPORTS_MAX_RUA);
	for (i = 0; i < n; i++) {
		if (same_tree(dest[i].host, policy_domain)) {
			if (*n_r < REPORTS_MAX_RUA)
				out[(*n_r)++] = dest[i];
		} else if (authorize(resolver, log, policy_domain, ruf,
				     &dest[i], arena, out, n_r, error_r) < 0)
			return -1;
	}
	return 0;
}

int
reports_rua_get(struct dns_resolver *resolver, const struct ma_log *log,
		const char *policy_domain, struct arena *arena,
		struct reports_rua *out, size_t *n_r, const char **error_r)
{
	return dest_get(resolver, log, policy_domain, false, arena, out, n_r,
			NULL, error_r);
}

int
reports_ruf_get(struct dns_resolver *resolver, const struct ma_log *log,
		const char *policy_domain, struct arena *arena,
		struct reports_rua *out, size_t *n_r, bool *psd_r,
		const char **error_r)
{
	*psd_r = false;
	return dest_get(resolver, log, policy_domain, true, arena, out, n_r,
			psd_r, error_r);
}
