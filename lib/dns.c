/*
 * dns.c - the resolver: libunbound in its own thread, woken through
 * ub_fd() on a libevent loop, one timer per query (see dns.h).
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unbound.h>

#include "arena.h"
#include "dns-rr.h"
#include "dns.h"
#include "log.h"
#include "xalloc.h"

/* RFC 1035 section 2.3.4: 255 octets on the wire = 253 in text. */
#define DNS_NAME_TEXT_MAX 253
#define DNS_LABEL_MAX 63
/* DNS rcodes (RFC 1035 4.1.1) */
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_NXDOMAIN 3

struct dns_query {
	struct dns_resolver *resolver;
	struct dns_query *prev, *next;
	char *name;
	enum dns_type type;
	int async_id;	    /* libunbound's id; 0 once finished */
	struct event *timer;
	struct timespec started;
	dns_callback_t *callback;
	void *context;
};

struct dns_resolver {
	struct ub_ctx *ub;
	struct event_base *base;
	bool own_base;
	struct event *ub_event;
	const struct ma_log *log;
	unsigned int timeout_ms;
	bool validating;
	struct dns_query *queries; /* pending, doubly linked */
	unsigned int pending;
};

static unsigned int
elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - since->tv_sec) * 1000 +
	     (now.tv_nsec - since->tv_nsec) / 1000000;
	return ms < 0 ? 0 : (unsigned int)ms;
}

bool
dns_name_is_valid(const char *name)
{
	size_t len = strlen(name), label = 0, i;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (++label > DNS_LABEL_MAX) {
			return false;
		}
	}
	return label > 0;
}

static void
dns_query_unlink(struct dns_query *q)
{
	struct dns_resolver *r = q->resolver;

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		r->queries = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	r->pending--;
}

static void
dns_query_destroy(struct dns_query *q)
{
	dns_query_unlink(q);
	if (q->timer != NULL)
		event_free(q->timer);
	free(q->name);
	free(q);
}

static struct dns_result *
dns_result_new(const struct dns_query *q, enum dns_outcome outcome)
{
	struct arena *arena = arena_new(1024);
	struct dns_result *res = arena_zalloc(arena, sizeof(*res));

	res->arena = arena;
	res->qname = arena_strdup(arena, q->name);
	res->qtype = q->type;
	res->outcome = outcome;
	res->security = DNS_SEC_UNCHECKED;
	res->elapsed_ms = elapsed_ms(&q->started);
	return res;
}

static enum dns_outcome
dns_classify(const struct ub_result *ub)
{
	if (ub->bogus)
		return DNS_SERVFAIL;
	if (ub->nxdomain || ub->rcode == DNS_RCODE_NXDOMAIN)
		return DNS_NXDOMAIN;
	if (ub->rcode != DNS_RCODE_NOERROR)
		return DNS_SERVFAIL;
	return ub->havedata ? DNS_ANSWER : DNS_NODATA;
}

static void
dns_result_fill(struct dns_result *res, const struct dns_resolver *r,
		const struct ub_result *ub)
{
	struct dns_rr *rrs;
	size_t n = 0, i;

	if (ub->bogus)
		res->security = DNS_SEC_BOGUS;
	else if (ub->secure)
		res->security = DNS_SEC_SECURE;
	else if (r->validating)
		res->security = DNS_SEC_INSECURE;
	if (ub->why_bogus != NULL)
		res->why_bogus = arena_strdup(res->arena, ub->why_bogus);
	if (ub->canonname != NULL)
		res->canonname = arena_strdup(res->arena, ub->canonname);
	if (res->outcome != DNS_ANSWER)
		return;
	res->ttl = ub->ttl < 0 ? 0 : (uint32_t)ub->ttl;
	while (ub->data[n] != NULL)
		n++;
	rrs = arena_zalloc(res->arena, (n == 0 ? 1 : n) * sizeof(*rrs));
	for (i = 0; i < n; i++) {
		if (dns_rr_decode(res->arena, res->qtype,
				  (const unsigned char *)ub->data[i],
				  (size_t)ub->len[i], &rrs[res->count]) < 0) {
			ma_log_warn(r->log, "dns: %s/%s: malformed record skipped",
				    res->qname, dns_type_str(res->qtype));
			continue;
		}
		res->count++;
	}
	res->rrs = rrs;
	if (res->count == 0)
		res->outcome = DNS_NODATA;
}

static void
dns_query_finish(struct dns_query *q, struct dns_result *res)
{
	dns_callback_t *callback = q->callback;
	void *context = q->context;

	ma_log_debug(q->resolver->log, "dns: %s/%s: %s (%u records, %u ms)",
		     res->qname, dns_type_str(res->qtype),
		     dns_outcome_str(res->outcome), (unsigned)res->count,
		     res->elapsed_ms);
	dns_query_destroy(q);
	callback(res, context);
}

static void
dns_ub_callback(void *mydata, int err, struct ub_result *ub)
{
	struct dns_query *q = mydata;
	struct dns_result *res;

	q->async_id = 0;
	if (err != 0 || ub == NULL) {
		ma_log_warn(q->resolver->log, "dns: %s/%s: %s", q->name,
			    dns_type_str(q->type),
			    err != 0 ? ub_strerror(err) : "no result");
		res = dns_result_new(q, DNS_SERVFAIL);
	} else {
		res = dns_result_new(q, dns_classify(ub));
		dns_result_fill(res, q->resolver, ub);
	}
	if (ub != NULL)
		ub_resolve_free(ub);
	dns_query_finish(q, res);
}

static void
dns_timeout_cb(evutil_socket_t fd, short what, void *context)
{
	struct dns_query *q = context;

	(void)fd;
	(void)what;
	if (q->async_id != 0)
		ub_cancel(q->resolver->ub, q->async_id);
	q->async_id = 0;
	dns_query_finish(q, dns_result_new(q, DNS_TIMEOUT));
}

/* A result that is known without asking (bad name), delivered from the
 * loop as promised by dns_lookup_async(). */
static void
dns_immediate_cb(evutil_socket_t fd, short what, void *context)
{
	struct dns_query *q = context;

	(void)fd;
	(void)what;
	dns_query_finish(q, dns_result_new(q, DNS_BADNAME));
}

static void
dns_ub_readable(evutil_socket_t fd, short what, void *context)
{
	struct dns_resolver *r = context;
	int err;

	(void)fd;
	(void)what;
	if ((err = ub_process(r->ub)) != 0)
		ma_log_error(r->log, "dns: ub_process: %s", ub_strerror(err));
}

static int
dns_configure(struct ub_ctx *ub, const struct dns_settings *set,
	      const char **error_r)
{
	int err = 0;
	size_t i;

	if (set->resolver_config != NULL)
		err = ub_ctx_config(ub, set->resolver_config);
	else if (set->forwarders != NULL && set->forwarders[0] != NULL) {
		for (i = 0; err == 0 && set->forwarders[i] != NULL; i++)
			err = ub_ctx_set_fwd(ub, set->forwarders[i]);
	} else
		err = ub_ctx_resolvconf(ub, NULL);
	if (err == 0 && set->use_hosts)
		err = ub_ctx_hosts(ub, NULL);
	if (err == 0 && set->trust_anchor_file != NULL)
		err = ub_ctx_add_ta_file(ub, set->trust_anchor_file);
	if (err == 0)
		err = ub_ctx_async(ub, 1); /* a thread, not a forked process */
	if (err != 0) {
		*error_r = ub_strerror(err);
		return -1;
	}
	return 0;
}

int
dns_resolver_new(const struct dns_settings *settings, struct event_base *base,
		 const struct ma_log *log, struct dns_resolver **resolver_r,
		 const char **error_r)
{
	struct dns_resolver *r;
	struct ub_ctx *ub;

	if ((ub = ub_ctx_create()) == NULL) {
		*error_r = "could not create libunbound context";
		return -1;
	}
	if (dns_configure(ub, settings, error_r) < 0) {
		ub_ctx_delete(ub);
		return -1;
	}
	r = ma_calloc(1, sizeof(*r));
	r->ub = ub;
	r->log = log;
	r->timeout_ms = settings->timeout_ms != 0 ? settings->timeout_ms :
						    DNS_DEFAULT_TIMEOUT_MS;
	r->validating = settings->trust_anchor_file != NULL;
	r->base = base;
	if (base == NULL) {
		r->base = event_base_new();
		r->own_base = true;
		if (r->base == NULL) {
			*error_r = "could not create event loop";
			ub_ctx_delete(ub);
			free(r);
			return -1;
		}
	}
	r->ub_event = event_new(r->base, ub_fd(ub), EV_READ | EV_PERSIST,
				dns_ub_readable, r);
	if (r->ub_event == NULL || event_add(r->ub_event, NULL) < 0) {
		*error_r = "could not watch libunbound's descriptor";
		dns_resolver_free(&r);
		return -1;
	}
	*resolver_r = r;
	return 0;
}

void
dns_resolver_free(struct dns_resolver **resolver_p)
{
	struct dns_resolver *r = *resolver_p;

	if (r == NULL)
		return;
	while (r->queries != NULL) {
		struct dns_query *q = r->queries;

		dns_query_cancel(&q);
	}
	if (r->ub_event != NULL)
		event_free(r->ub_event);
	ub_ctx_delete(r->ub);
	if (r->own_base)
		event_base_free(r->base);
	free(r);
	*resolver_p = NULL;
}

static void
dns_set_deadline(struct dns_query *q, unsigned int ms)
{
	struct timeval tv = {ms / 1000, (long)(ms % 1000) * 1000};

	event_add(q->timer, &tv);
}

int
dns_lookup_async(struct dns_resolver *r, const char *name, enum dns_type type,
		 dns_callback_t *callback, void *context,
		 struct dns_query **query_r, const char **error_r)
{
	struct dns_query *q = ma_calloc(1, sizeof(*q));
	bool valid = dns_name_is_valid(name);
	int err;

	q->resolver = r;
	q->name = ma_strdup(name);
	q->type = type;
	q->callback = callback;
	q->context = context;
	clock_gettime(CLOCK_MONOTONIC, &q->started);
	q->next = r->queries;
	if (r->queries != NULL)
		r->queries->prev = q;
	r->queries = q;
	r->pending++;
	q->timer = evtimer_new(r->base, valid ? dns_timeout_cb : dns_immediate_cb, q);
	if (!valid) {
		dns_set_deadline(q, 0);
	} else {
		err = ub_resolve_async(r->ub, name, (int)type, 1 /* IN */, q,
				       dns_ub_callback, &q->async_id);
		if (err != 0) {
			*error_r = ub_strerror(err);
			dns_query_destroy(q);
			return -1;
		}
		dns_set_deadline(q, r->timeout_ms);
	}
	if (query_r != NULL)
		*query_r = q;
	return 0;
}

void
dns_query_cancel(struct dns_query **query_p)
{
	struct dns_query *q = *query_p;

	if (q == NULL)
		return;
	if (q->async_id != 0)
		ub_cancel(q->resolver->ub, q->async_id);
	dns_query_destroy(q);
	*query_p = NULL;
}

int
dns_resolver_run(struct dns_resolver *r)
{
	if (!r->own_base)
		return -1;
	while (r->pending > 0) {
		if (event_base_loop(r->base, EVLOOP_ONCE) < 0)
			return -1;
	}
	return 0;
}

unsigned int
dns_resolver_pending(const struct dns_resolver *r)
{
	return r->pending;
}

struct dns_sync_wait {
	struct dns_result *result;
};

static void
dns_sync_cb(struct dns_result *result, void *context)
{
	struct dns_sync_wait *w = context;

	w->result = result;
}

int
dns_lookup(struct dns_resolver *r, const char *name, enum dns_type type,
	   struct dns_result **result_r, const char **error_r)
{
	struct dns_sync_wait w = {NULL};

	if (!r->own_base) {
		*error_r = "blocking lookup on a resolver with an external loop";
		return -1;
	}
	if (dns_lookup_async(r, name, type, dns_sync_cb, &w, NULL, error_r) < 0)
		return -1;
	while (w.result == NULL) {
		if (event_base_loop(r->base, EVLOOP_ONCE) < 0) {
			*error_r = "event loop failed";
			return -1;
		}
	}
	*result_r = w.result;
	return 0;
}

void
dns_result_free(struct dns_result **result_p)
{
	struct arena *arena;

	if (*result_p == NULL)
		return;
	arena = (*result_p)->arena;
	arena_free(&arena);
	*result_p = NULL;
}

const char *
dns_outcome_str(enum dns_outcome outcome)
{
	switch (outcome) {
	case DNS_ANSWER:
		return "answer";
	case DNS_NODATA:
		return "nodata";
	case DNS_NXDOMAIN:
		return "nxdomain";
	case DNS_SERVFAIL:
		return "servfail";
	case DNS_TIMEOUT:
		return "timeout";
	case DNS_BADNAME:
		return "badname";
	}
	return "unknown";
}

const char *
dns_security_str(enum dns_security security)
{
	switch (security) {
	case DNS_SEC_UNCHECKED:
		return "unchecked";
	case DNS_SEC_INSECURE:
		return "insecure";
	case DNS_SEC_SECURE:
		return "secure";
	case DNS_SEC_BOGUS:
		return "bogus";
	}
	return "unknown";
}

static const struct {
	const char *name;
	enum dns_type type;
} dns_types[] = {
	{"A", DNS_T_A},	    {"CNAME", DNS_T_CNAME}, {"PTR", DNS_T_PTR},
	{"MX", DNS_T_MX},   {"TXT", DNS_T_TXT},	    {"AAAA", DNS_T_AAAA},
	{"SPF", DNS_T_SPF},
};

const char *
dns_type_str(enum dns_type type)
{
	size_t i;

	for (i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (dns_types[i].type == type)
			return dns_types[i].name;
	}
	return "TYPE?";
}

enum dns_type
dns_type_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (strcasecmp(dns_types[i].name, name) == 0)
			return dns_types[i].type;
	}
	return 0;
}
