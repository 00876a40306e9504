/*
 * dns-cache.c - the answer cache (see dns-cache.h): a hash table of
 * results by (name, type), chained, with a least-recently-used list for
 * the bound on entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns/dns-cache.h"
#include "util/xalloc.h"

struct dns_cache_entry {
	struct dns_cache_entry *hnext;	    /* same bucket */
	struct dns_cache_entry *prev, *next; /* LRU: head is the newest */
	struct dns_result *result;	    /* one reference */
	uint64_t expires;		    /* fresh while now < expires */
	uint32_t hash;
};

struct dns_cache {
	struct dns_cache_entry **buckets;
	uint32_t mask; /* buckets - 1 (a power of two) */
	unsigned int count, max_entries;
	struct dns_cache_entry *newest, *oldest;
};

/* FNV-1a over the name and the type */
static uint32_t
dns_cache_hash(const char *name, enum dns_type type)
{
	uint32_t h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return (h ^ (uint32_t)type) * 16777619u;
}

struct dns_cache *
dns_cache_new(unsigned int max_entries)
{
	struct dns_cache *c = ma_calloc(1, sizeof(*c));
	uint32_t n = 16;

	c->max_entries = max_entries > 0 ? max_entries : 1;
	while (n < c->max_entries && n < (1u << 24))
		n <<= 1;
	c->buckets = ma_calloc(n, sizeof(*c->buckets));
	c->mask = n - 1;
	return c;
}

static void
lru_unlink(struct dns_cache *c, struct dns_cache_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		c->newest = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		c->oldest = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct dns_cache *c, struct dns_cache_entry *e)
{
	e->next = c->newest;
	if (c->newest != NULL)
		c->newest->prev = e;
	c->newest = e;
	if (c->oldest == NULL)
		c->oldest = e;
}

/* The slot pointing at the entry for (name, type), or at NULL. */
static struct dns_cache_entry **
dns_cache_slot(struct dns_cache *c, const char *name, enum dns_type type,
	       uint32_t hash)
{
	struct dns_cache_entry **p = &c->buckets[hash & c->mask];

	for (; *p != NULL; p = &(*p)->hnext) {
		if ((*p)->hash == hash && (*p)->result->qtype == type &&
		    strcmp((*p)->result->qname, name) == 0)
			break;
	}
	return p;
}

static void
dns_cache_drop(struct dns_cache *c, struct dns_cache_entry **slot)
{
	struct dns_cache_entry *e = *slot;

	*slot = e->hnext;
	lru_unlink(c, e);
	dns_result_free(&e->result);
	free(e);
	c->count--;
}

void
dns_cache_free(struct dns_cache **cache_p)
{
	struct dns_cache *c = *cache_p;
	struct dns_cache_entry *e, *next;

	if (c == NULL)
		return;
	for (e = c->newest; e != NULL; e = next) {
		next = e->next;
		dns_result_free(&e->result);
		free(e);
	}
	free(c->buckets);
	free(c);
	*cache_p = NULL;
}

struct dns_result *
dns_cache_get(struct dns_cache *c, const char *name, enum dns_type type,
	      uint64_t now)
{
	uint32_t hash = dns_cache_hash(name, type);
	struct dns_cache_entry **slot = dns_cache_slot(c, name, type, hash);
	struct dns_cache_entry *e = *slot;

	if (e == NULL)
		return NULL;
	if (now >= e->expires) {
		dns_cache_drop(c, slot);
		return NULL;
	}
	lru_unlink(c, e);
	lru_push(c, e);
	e->result->refs++;
	if (e->result->outcome == DNS_ANSWER)
		e->result->ttl = (uint32_t)(e->expires - now);
	e->result->elapsed_ms = 0;
	return e->result;
}

/* Seconds `result` may be kept (RFC 1035 3.2.1, RFC 2308 5), 0: not. */
static uint32_t
dns_cache_lifetime(const struct dns_result *r)
{
	switch (r->outcome) {
	case DNS_ANSWER:
		return r->ttl < DNS_CACHE_MAX_TTL ? r->ttl : DNS_CACHE_MAX_TTL;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		return r->negative_ttl < DNS_CACHE_MAX_NEGATIVE_TTL
			       ? r->negative_ttl
			       : DNS_CACHE_MAX_NEGATIVE_TTL;
	case DNS_SERVFAIL: /* temperror: never cached */
	case DNS_TIMEOUT:
	case DNS_BADNAME:
		break;
	}
	return 0;
}

bool
dns_cache_put(struct dns_cache *c, struct dns_result *result, uint64_t now)
{
	uint32_t life = dns_cache_lifetime(result);
	uint32_t hash;
	struct dns_cache_entry **slot, *e;

	if (life == 0 || result->security == DNS_SEC_BOGUS)
		return false;
	hash = dns_cache_hash(result->qname, result->qtype);
	slot = dns_cache_slot(c, result->qname, result->qtype, hash);
	if (*slot != NULL)
		dns_cache_drop(c, slot);
	if (c->count >= c->max_entries)
		dns_cache_drop(c, dns_cache_slot(c, c->oldest->result->qname,
						 c->oldest->result->qtype,
						 c->oldest->hash));
	e = ma_calloc(1, sizeof(*e));
	e->result = result;
	result->refs++;
	e->expires = now + life;
	e->hash = hash;
	/* the slot may have moved with the drops above */
	slot = &c->buckets[hash & c->mask];
	e->hnext = *slot;
	*slot = e;
	lru_push(c, e);
	c->count++;
	return true;
}

unsigned int
dns_cache_count(const struct dns_cache *c)
{
	return c->count;
}
