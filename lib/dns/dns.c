/*
 * dns.c - the resolver: libunbound driven by our own libevent loop
 * (ub_ctx_create_event / ub_resolve_event: no thread, no pipe, no fork),
 * one timer per query for its deadline (see dns.h).
 *
 * libunbound hands over the answer as a wire-format message, decoded by
 * dns-packet.c.  A query whose deadline passed, or that was cancelled,
 * stays allocated ("abandoned") until libunbound reports it, because
 * libunbound's event interface has no cancel; its result is dropped.
 * libunbound may also answer from inside ub_resolve_event() (local data,
 * cache): that result is kept and delivered from the loop, as promised.
 * With settings.cache_entries, answers also go to an answer cache
 * (dns-cache.h) that serves repeated lookups without libunbound; its
 * hits are delivered from the loop the same way.
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unbound-event.h>
#include <unbound.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/asan.h"
#include "dns/dns-cache.h"
#include "dns/dns-localzones.h"
#include "dns/dns-packet.h"
#include "dns/dns-name.h"
#include "dns/dns.h"
#include "util/elapsed.h"
#include "util/log.h"
#include "util/xalloc.h"

/* DNS rcodes (RFC 1035 4.1.1) */
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_NXDOMAIN 3

/* Names up to this long live inside the query (a valid name is at most
 * 253 octets; escapes make it longer on rare occasions). */
#define DNS_QUERY_NAME_INLINE 256
/* Finished queries kept for reuse (their timer event with them), so that
 * a lookup costs no malloc() in the steady state. */
#define DNS_QUERY_POOL 64

struct dns_query {
	struct dns_resolver *resolver;
	struct dns_query *prev, *next;
	char *name;	/* name_buf, or allocated when longer */
	char name_buf[DNS_QUERY_NAME_INLINE];
	enum dns_type type;
	bool in_unbound;    /* libunbound still owes us a callback */
	bool starting;	    /* inside ub_resolve_event() */
	bool abandoned;	    /* timed out or cancelled: drop the answer */
	struct dns_result *early; /* answered during ub_resolve_event() */
	struct event *timer;
	struct timespec started;
	dns_callback_t *callback;
	void *context;
};

struct dns_resolver {
	struct ub_ctx *ub;
	struct event_base *base;
	bool own_base;
	const struct ma_log *log;
	unsigned int timeout_ms;
	bool validating;
	struct dns_query *queries; /* pending, doubly linked */
	unsigned int pending;
	struct dns_query *abandoned; /* waiting for libunbound, singly linked
					through next */
	bool closing;
	bool finalize_failed;
	struct dns_cache *cache; /* or NULL (settings.cache_entries 0) */
	struct dns_query *pool;	 /* for reuse, singly linked through next */
	unsigned int npool;
};

/* The answer cache's clock: seconds that never go backwards. */
static uint64_t
dns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static void dns_timer_cb(evutil_socket_t fd, short what, void *context);

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
	q->prev = q->next = NULL;
	r->pending--;
}

static void
dns_query_free(struct dns_query *q)
{
	struct dns_resolver *r = q->resolver;

	dns_result_free(&q->early);
	if (q->name != q->name_buf)
		free(q->name);
	q->name = NULL;
	if (!MA_UNDER_ASAN && !r->closing && r->npool < DNS_QUERY_POOL &&
	    q->timer != NULL) {
		evtimer_del(q->timer);
		q->next = r->pool;
		r->pool = q;
		r->npool++;
		return;
	}
	if (q->timer != NULL)
		event_free(q->timer);
	free(q);
}

/* A query of the pool or a new one, set up for (name, type). */
static struct dns_query *
dns_query_get(struct dns_resolver *r, const char *name, enum dns_type type)
{
	struct dns_query *q = r->pool;
	struct event *timer;
	size_t len = strlen(name);

	if (q != NULL) {
		r->pool = q->next;
		r->npool--;
		timer = q->timer;
		memset(q, 0, sizeof(*q));
		q->timer = timer;
	} else {
		q = ma_calloc(1, sizeof(*q));
		q->timer = evtimer_new(r->base, dns_timer_cb, q);
	}
	q->resolver = r;
	if (len < sizeof(q->name_buf)) {
		memcpy(q->name_buf, name, len + 1);
		q->name = q->name_buf;
	} else {
		q->name = ma_strdup(name);
	}
	q->type = type;
	return q;
}

/* The query is finished for the caller: off the pending list; freed now,
 * or parked until libunbound calls back. */
static void
dns_query_retire(struct dns_query *q)
{
	struct dns_resolver *r = q->resolver;

	dns_query_unlink(q);
	if (!q->in_unbound) {
		dns_query_free(q);
		return;
	}
	q->abandoned = true;
	evtimer_del(q->timer);
	q->next = r->abandoned;
	r->abandoned = q;
}

static void
dns_abandoned_remove(struct dns_query *q)
{
	struct dns_query **p;

	for (p = &q->resolver->abandoned; *p != NULL; p = &(*p)->next) {
		if (*p == q) {
			*p = q->next;
			return;
		}
	}
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
	res->elapsed_ms = ma_elapsed_ms(&q->started);
	return res;
}

/* libunbound's event callback arguments -> our result (RFC 1035 rcodes;
 * sec: 0 insecure or unchecked, 1 bogus, 2 secure). */
static struct dns_result *
dns_result_from_packet(const struct dns_query *q, int rcode,
		       const unsigned char *msg, size_t len, int sec,
		       const char *why_bogus)
{
	struct dns_resolver *r = q->resolver;
	struct dns_packet_answer ans;
	struct dns_result *res;
	const char *error;

	if (sec == 1) {
		res = dns_result_new(q, DNS_SERVFAIL);
		res->security = DNS_SEC_BOGUS;
		if (why_bogus != NULL)
			res->why_bogus = arena_strdup(res->arena, why_bogus);
		return res;
	}
	if (rcode == DNS_RCODE_NXDOMAIN) {
		res = dns_result_new(q, DNS_NXDOMAIN);
		/* the SOA for negative caching (RFC 2308 5), if it parses */
		if (msg != NULL && dns_packet_parse(msg, len, q->type,
						    res->arena, &ans,
						    &error) == 0)
			res->negative_ttl = ans.negative_ttl;
		return res;
	}
	if (rcode != DNS_RCODE_NOERROR || msg == NULL)
		return dns_result_new(q, DNS_SERVFAIL);
	res = dns_result_new(q, DNS_NODATA);
	if (dns_packet_parse(msg, len, q->type, res->arena, &ans, &error) < 0) {
		ma_log_warn(r->log, "dns: %s/%s: malformed answer: %s", q->name,
			    dns_type_str(q->type), error);
		res->outcome = DNS_SERVFAIL;
		return res;
	}
	res->security = sec == 2 ? DNS_SEC_SECURE :
			r->validating ? DNS_SEC_INSECURE : DNS_SEC_UNCHECKED;
	if (ans.rcode == DNS_RCODE_NXDOMAIN) {
		res->outcome = DNS_NXDOMAIN;
		res->negative_ttl = ans.negative_ttl;
		return res;
	}
	if (ans.rcode != DNS_RCODE_NOERROR) {
		res->outcome = DNS_SERVFAIL;
		return res;
	}
	if (ans.skipped > 0)
		ma_log_warn(r->log, "dns: %s/%s: %zu malformed records skipped",
			    q->name, dns_type_str(q->type), ans.skipped);
	res->canonname = ans.canonname;
	if (ans.count > 0) {
		res->outcome = DNS_ANSWER;
		res->count = ans.count;
		res->rrs = ans.rrs;
		res->ttl = ans.ttl;
	} else {
		res->negative_ttl = ans.negative_ttl;
	}
	return res;
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
	dns_query_retire(q);
	callback(res, context);
}

static void
dns_ub_event_cb(void *mydata, int rcode, void *packet, int packet_len,
		int sec, char *why_bogus, int was_ratelimited)
{
	struct dns_query *q = mydata;
	struct dns_result *res;

	(void)was_ratelimited;
	q->in_unbound = false;
	if (q->abandoned || q->resolver->closing) {
		if (q->abandoned) {
			dns_abandoned_remove(q);
			dns_query_free(q);
		}
		return;
	}
	res = dns_result_from_packet(q, rcode, packet,
				     packet_len < 0 ? 0 : (size_t)packet_len,
				     sec, why_bogus);
	if (q->resolver->cache != NULL)
		dns_cache_put(q->resolver->cache, res, dns_now());
	if (q->starting) {
		/* answered from inside ub_resolve_event(): deliver later */
		q->early = res;
		return;
	}
	dns_query_finish(q, res);
}

/* The query's timer: an early answer (or a known-bad name) to deliver,
 * or the deadline. */
static void
dns_timer_cb(evutil_socket_t fd, short what, void *context)
{
	struct dns_query *q = context;
	struct dns_result *res = q->early;

	(void)fd;
	(void)what;
	q->early = NULL;
	if (res == NULL)
		res = dns_result_new(q, dns_name_is_valid(q->name) ?
						DNS_TIMEOUT : DNS_BADNAME);
	dns_query_finish(q, res);
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
		/* a forwarder on this host (a local unbound) must be allowed */
		if (err == 0)
			err = ub_ctx_set_option(ub, "do-not-query-localhost:", "no");
		/* the site's resolver is the authority (dns-localzones.h) */
		if (err == 0)
			err = dns_localzones_off(ub);
	} else {
		err = ub_ctx_resolvconf(ub, NULL);
		if (err == 0)
			err = dns_localzones_off(ub);
	}
	if (err == 0 && set->use_hosts)
		err = ub_ctx_hosts(ub, NULL);
	if (err == 0 && set->trust_anchor_file != NULL)
		err = ub_ctx_add_ta_file(ub, set->trust_anchor_file);
	if (err != 0) {
		*error_r = ub_strerror(err);
		return -1;
	}
	return 0;
}

/* libunbound's own messages while it reads and applies a configuration:
 * config_read() prints syntax errors on fd 2 and log_err() writes to the
 * debug output; both go to one temporary file for that time. */
struct dns_capture {
	FILE *fp;
	int saved_fd2;
	bool unknown_module; /* libunbound named an unknown module */
};

static void
dns_capture_begin(struct ub_ctx *ub, struct dns_capture *cap)
{
	cap->saved_fd2 = -1;
	cap->unknown_module = false;
	if ((cap->fp = tmpfile()) == NULL)
		return;
	fflush(stderr);
	cap->saved_fd2 = dup(2);
	if (cap->saved_fd2 >= 0)
		dup2(fileno(cap->fp), 2);
	ub_ctx_debugout(ub, cap->fp);
}

/* libunbound's "[TIME] libunbound[PID:TID] error: TEXT" -> "TEXT". */
static const char *
dns_capture_strip(const char *line)
{
	const char *p;

	if (line[0] != '[' || (p = strstr(line, "] ")) == NULL ||
	    (p = strstr(p + 2, "] ")) == NULL || (p = strstr(p, ": ")) == NULL)
		return line;
	return p + 2;
}

/* Stop capturing (libunbound logs to stderr again); the captured lines,
 * "; "-joined, from `arena`, or NULL if there were none. */
static const char *
dns_capture_end(struct ub_ctx *ub, struct dns_capture *cap,
		struct arena *arena)
{
	char line[512];
	const char *text = NULL;

	if (cap->fp == NULL)
		return NULL;
	fflush(stderr);
	if (cap->saved_fd2 >= 0) {
		dup2(cap->saved_fd2, 2);
		close(cap->saved_fd2);
	}
	ub_ctx_debugout(ub, stderr);
	rewind(cap->fp);
	while (fgets(line, sizeof(line), cap->fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strstr(line, "Unknown value in module-config") != NULL)
			cap->unknown_module = true;
		if (line[0] == '\0' || arena == NULL)
			continue;
		text = text == NULL ? arena_strdup(arena, dns_capture_strip(line))
				    : arena_printf(arena, "%s; %s", text,
						   dns_capture_strip(line));
	}
	fclose(cap->fp);
	cap->fp = NULL;
	return text;
}

/* What was being configured, for messages. */
static const char *
dns_config_source(const struct dns_settings *set, struct arena *arena)
{
	if (set->resolver_config != NULL)
		return arena_printf(arena, "resolver_config %s",
				    set->resolver_config);
	if (set->forwarders != NULL && set->forwarders[0] != NULL)
		return "forwarders";
	return "/etc/resolv.conf";
}

/* Make libunbound apply the whole configuration now (it otherwise does
 * at the first query, and retries - leaking - at every query after a
 * failure): the socket cap last, then any call that finalizes. */
static int
dns_finalize(struct ub_ctx *ub, const struct dns_settings *set,
	     const char **error_r)
{
	char n[16];
	int err = 0;

	if (set->max_sockets > 0) {
		snprintf(n, sizeof(n), "%u", set->max_sockets);
		err = ub_ctx_set_option(ub, "outgoing-range:", n);
	}
	/* removing the data of a name nobody has: only the finalize step */
	if (err == 0)
		err = ub_ctx_data_remove(ub, "finalize.mailauth.invalid.");
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
	struct dns_resolver *r = ma_calloc(1, sizeof(*r));
	struct dns_capture cap;
	struct arena *tmp;
	const char *why;
	int ret;

	r->log = log;
	r->timeout_ms = settings->timeout_ms != 0 ? settings->timeout_ms :
						    DNS_DEFAULT_TIMEOUT_MS;
	r->validating = settings->trust_anchor_file != NULL;
	r->base = base;
	if (base == NULL) {
		r->base = event_base_new();
		r->own_base = true;
	}
	if (r->base == NULL) {
		*error_r = "could not create event loop";
		free(r);
		return -1;
	}
	if ((r->ub = ub_ctx_create_event(r->base)) == NULL) {
		*error_r = "could not create libunbound context";
		dns_resolver_free(&r);
		return -1;
	}
	dns_capture_begin(r->ub, &cap);
	ret = dns_configure(r->ub, settings, error_r);
	if (ret == 0) {
		ret = dns_finalize(r->ub, settings, error_r);
		r->finalize_failed = ret < 0;
	}
	tmp = arena_new(0);
	why = dns_capture_end(r->ub, &cap, tmp);
	/* without error_arena the caller gets libunbound's words through
	 * the log hook, as it saw them on fd 2 before */
	if (why != NULL && settings->error_arena == NULL)
		ma_log_warn(log, "libunbound: %s", why);
	if (ret < 0 && r->finalize_failed && cap.unknown_module) {
		/* libunbound (1.17) crashes in ub_ctx_delete() after an
		 * unknown module-config name (it de-initialises the module it
		 * never found): that context is left allocated, once */
		r->ub = NULL;
	}
	if (ret == 0 && settings->cache_entries > 0)
		r->cache = dns_cache_new(settings->cache_entries);
	if (ret < 0) {
		if (settings->error_arena != NULL)
			*error_r = arena_printf(settings->error_arena, "%s: %s",
						dns_config_source(
							settings,
							settings->error_arena),
						why != NULL ? why : *error_r);
		arena_free(&tmp);
		dns_resolver_free(&r);
		return -1;
	}
	arena_free(&tmp);
	*resolver_r = r;
	return 0;
}

void
dns_resolver_free(struct dns_resolver **resolver_p)
{
	struct dns_resolver *r = *resolver_p;

	if (r == NULL)
		return;
	/* libunbound may call back for its outstanding queries while it is
	 * deleted; `closing` makes those callbacks no-ops */
	r->closing = true;
	if (r->ub != NULL)
		ub_ctx_delete(r->ub);
	while (r->queries != NULL) {
		struct dns_query *q = r->queries;

		dns_query_unlink(q);
		dns_query_free(q);
	}
	while (r->abandoned != NULL) {
		struct dns_query *q = r->abandoned;

		r->abandoned = q->next;
		dns_query_free(q);
	}
	while (r->pool != NULL) {
		struct dns_query *q = r->pool;

		r->pool = q->next;
		event_free(q->timer);
		free(q);
	}
	dns_cache_free(&r->cache);
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
	struct dns_query *q = dns_query_get(r, name, type);
	int err;

	q->callback = callback;
	q->context = context;
	clock_gettime(CLOCK_MONOTONIC, &q->started);
	q->next = r->queries;
	if (r->queries != NULL)
		r->queries->prev = q;
	r->queries = q;
	r->pending++;
	if (!dns_name_is_valid(name)) {
		dns_set_deadline(q, 0); /* BADNAME, from the loop */
	} else if (r->cache != NULL &&
		   (q->early = dns_cache_get(r->cache, name, type,
					     dns_now())) != NULL) {
		dns_set_deadline(q, 0); /* a cache hit, from the loop */
	} else {
		q->starting = true;
		q->in_unbound = true;
		err = ub_resolve_event(r->ub, name, (int)type, 1 /* IN */, q,
				       dns_ub_event_cb, NULL);
		q->starting = false;
		if (err != 0) {
			*error_r = ub_strerror(err);
			q->in_unbound = false;
			dns_query_unlink(q);
			dns_query_free(q);
			return -1;
		}
		dns_set_deadline(q, q->early != NULL ? 0 : r->timeout_ms);
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
	dns_query_retire(q);
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

struct event_base *
dns_resolver_base(const struct dns_resolver *r)
{
	return r->base;
}

bool
dns_resolver_has_own_base(const struct dns_resolver *r)
{
	return r->own_base;
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
	if ((*result_p)->refs > 0) {
		(*result_p)->refs--;
		*result_p = NULL;
		return;
	}
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

bool
dns_type_parse(const char *name, enum dns_type *type_r)
{
	size_t i;

	for (i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (strcasecmp(dns_types[i].name, name) == 0) {
			*type_r = dns_types[i].type;
			return true;
		}
	}
	return false;
}
