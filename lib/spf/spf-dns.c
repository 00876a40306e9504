/*
 * spf-dns.c - the DNS steps of a check_host() evaluation (see
 * spf-check.h): single queries, batches of address queries, and the one
 * function that gives DNS outcomes their SPF meaning (RFC 7208 2.6.6, 4.3,
 * 4.4, 4.6.4, 5, 6.2).
 */
#include "config.h"

#include <string.h>

#include "util/log.h"
#include "spf/spf-check.h"

/*
 * The one place where DNS outcomes get their SPF meaning:
 * - SERVFAIL and timeouts are temperror (2.6.6, 4.4, 5), except where the
 *   RFC says to go on: PTR lookups and their address lookups (5.5: "the
 *   mechanism fails to match" / "that domain name is skipped") and the
 *   explanation (6.2: "proceed as if no exp modifier was given").
 * - NXDOMAIN and NODATA are "no records": a void lookup (4.6.4) for the
 *   records of a term, skipped for the secondary lookups.
 * - BADNAME (a name that cannot be a DNS name) is treated as a name that
 *   does not exist: 4.3 makes a malformed <domain> "none", and for terms
 *   it simply cannot match (include / redirect then give permerror, 5.2,
 *   6.1).
 */
enum spf_dns_action
spf_dns_action(const struct dns_result *result, enum spf_lookup_context context)
{
	bool lenient = context == SPF_LOOKUP_PTR ||
	               context == SPF_LOOKUP_PTR_ADDR ||
	               context == SPF_LOOKUP_EXP;

	switch (result->outcome) {
	case DNS_ANSWER:
		return SPF_DNS_USE;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
	case DNS_BADNAME:
		return context == SPF_LOOKUP_RECORD ||
		               context == SPF_LOOKUP_TERM ||
		               context == SPF_LOOKUP_PTR
		           ? SPF_DNS_VOID
		           : SPF_DNS_SKIP;
	case DNS_SERVFAIL:
	case DNS_TIMEOUT:
		break;
	}
	return lenient ? SPF_DNS_SKIP : SPF_DNS_TEMPERROR;
}

enum dns_type
spf_addr_type(const struct spf_check *check)
{
	return check->ip.v6 ? DNS_T_AAAA : DNS_T_A;
}

bool
spf_waiting(const struct spf_check *c)
{
	return c->query != NULL || c->batch_pending > 0;
}

static void
spf_dns_cb(struct dns_result *result, void *context)
{
	struct spf_check *c = context;
	spf_dns_handler_t *handler = c->on_dns;

	c->query = NULL;
	c->on_dns = NULL;
	handler(c, result);
	dns_result_free(&result);
	spf_resume(c);
}

/* libunbound refused a query: temperror, or no explanation (6.2). */
static void
spf_query_failed(struct spf_check *c)
{
	if (c->in_exp) {
		c->done = true;
		return;
	}
	spf_finish(c, SPF_TEMPERROR, "DNS query could not be started");
}

void
spf_query(struct spf_check *c, const char *name, enum dns_type type,
          spf_dns_handler_t *handler)
{
	const char *error;

	c->on_dns = handler;
	if (dns_lookup_async(c->resolver, name, type, spf_dns_cb, c, &c->query,
	                     &error) == 0)
		return;
	c->query = NULL;
	ma_log_warn(c->log, "spf: %s/%s: %s", name, dns_type_str(type), error);
	spf_query_failed(c);
}

void
spf_batch_cancel(struct spf_check *c)
{
	size_t i;

	for (i = 0; i < c->nbatch; i++) {
		dns_query_cancel(&c->batch[i].query);
		dns_result_free(&c->batch[i].result);
	}
	c->nbatch = 0;
	c->batch_pending = 0;
}

static void
spf_batch_cb(struct dns_result *result, void *context)
{
	struct spf_batch_slot *slot = context;
	struct spf_check *c = slot->check;
	struct dns_result *results[SPF_MAX_NAMES_PER_LOOKUP];
	spf_batch_handler_t *handler = c->on_batch;
	size_t i, n = c->nbatch;

	slot->query = NULL;
	slot->result = result;
	if (--c->batch_pending > 0)
		return;
	for (i = 0; i < n; i++) {
		results[i] = c->batch[i].result;
		c->batch[i].result = NULL;
	}
	c->nbatch = 0;
	c->on_batch = NULL;
	handler(c, results, n);
	for (i = 0; i < n; i++)
		dns_result_free(&results[i]);
	spf_resume(c);
}

void
spf_query_batch(struct spf_check *c, const char *const *names, size_t n,
                enum dns_type type, spf_batch_handler_t *handler)
{
	const char *error;
	size_t i;

	c->on_batch = handler;
	for (i = 0; i < n && i < SPF_MAX_NAMES_PER_LOOKUP; i++) {
		struct spf_batch_slot *slot = &c->batch[i];

		slot->check = c;
		slot->result = NULL;
		c->nbatch++;
		if (dns_lookup_async(c->resolver, names[i], type, spf_batch_cb,
		                     slot, &slot->query, &error) < 0) {
			slot->query = NULL;
			ma_log_warn(c->log, "spf: %s/%s: %s", names[i],
			            dns_type_str(type), error);
			spf_batch_cancel(c);
			spf_query_failed(c);
			return;
		}
		c->batch_pending++;
	}
}
