/*
 * dkim-keystore.c - DKIM key store: cache, key table, DNS lookups
 * (dkim-keystore.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dkim/dkim-crypto.h"
#include "dkim/dkim-keystore.h"
#include "dns/dns.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

#define KEYCACHE_BUCKETS 1024
/* A key table file larger than this is refused. */
#define KEYTABLE_MAX_FILE (16 * 1024 * 1024)

struct keycache_entry {
	struct keycache_entry *next;
	char *name;
	time_t expires; /* 0 = never (key table) */
	enum dkim_result result;
	const char *reason;
	struct dkim_key *key;
};

struct dkim_keystore {
	struct dns_resolver *resolver; /* NULL: key table only */
	const struct ma_log *log;
	size_t count;
	struct dkim_sha256 *sha;
	struct keycache_entry *buckets[KEYCACHE_BUCKETS];
};

struct dkim_key_lookup {
	struct dkim_keystore *store;
	struct dns_query *query;
	char *name;
	time_t now;
	dkim_key_callback_t *callback;
	void *context;
};

static unsigned int
name_hash(const char *name)
{
	unsigned int h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % KEYCACHE_BUCKETS;
}

static void
entry_free(struct keycache_entry *e)
{
	dkim_key_unref(&e->key);
	free(e->name);
	free(e);
}

static void
cache_clear(struct dkim_keystore *ks, time_t now, bool all)
{
	struct keycache_entry **pp, *e;
	size_t i;

	for (i = 0; i < KEYCACHE_BUCKETS; i++) {
		for (pp = &ks->buckets[i]; (e = *pp) != NULL;) {
			if (all || (e->expires != 0 && e->expires <= now)) {
				*pp = e->next;
				entry_free(e);
				ks->count--;
			} else {
				pp = &e->next;
			}
		}
	}
}

static struct keycache_entry *
cache_find(struct dkim_keystore *ks, const char *name, time_t now)
{
	struct keycache_entry *e;

	for (e = ks->buckets[name_hash(name)]; e != NULL; e = e->next) {
		if (strcmp(e->name, name) == 0)
			return e->expires == 0 || e->expires > now ? e : NULL;
	}
	return NULL;
}

/* Insert (or replace) an entry; takes a reference to key. */
static void
cache_put(struct dkim_keystore *ks, const char *name, time_t expires,
	  enum dkim_result result, const char *reason, struct dkim_key *key)
{
	unsigned int h = name_hash(name);
	struct keycache_entry **pp, *e;

	for (pp = &ks->buckets[h]; (e = *pp) != NULL; pp = &e->next) {
		if (strcmp(e->name, name) == 0) {
			*pp = e->next;
			entry_free(e);
			ks->count--;
			break;
		}
	}
	if (ks->count >= DKIM_KEYCACHE_MAX_ENTRIES)
		cache_clear(ks, expires, ks->resolver != NULL);
	e = ma_calloc(1, sizeof(*e));
	e->name = ma_strdup(name);
	e->expires = expires;
	e->result = result;
	e->reason = reason;
	e->key = key != NULL ? dkim_key_ref(key) : NULL;
	e->next = ks->buckets[h];
	ks->buckets[h] = e;
	ks->count++;
}

/* Lower-case, without a final dot: the cache key of a DNS name. */
static void
name_normalize(char *name)
{
	size_t i, len = strlen(name);

	while (len > 0 && name[len - 1] == '.')
		name[--len] = '\0';
	for (i = 0; i < len; i++) {
		if (name[i] >= 'A' && name[i] <= 'Z')
			name[i] = (char)(name[i] + 32);
	}
}

static char *
key_name(const char *selector, const char *domain)
{
	size_t slen = strlen(selector), dlen = strlen(domain);
	struct buf b = BUF_INIT;
	char *name;

	/* "%s._domainkey.%s", without printf (once per signature) */
	buf_reserve(&b, slen + sizeof("._domainkey.") - 1 + dlen);
	buf_append(&b, selector, slen);
	buf_append_str(&b, "._domainkey.");
	buf_append(&b, domain, dlen);
	name = buf_steal(&b, NULL);
	name_normalize(name);
	return name;
}

struct dkim_keystore *
dkim_keystore_new_dns(struct dns_resolver *resolver, const struct ma_log *log)
{
	struct dkim_keystore *ks = ma_calloc(1, sizeof(*ks));

	ks->resolver = resolver;
	ks->log = log;
	ks->sha = dkim_sha256_new();
	return ks;
}

static void
table_line(struct dkim_keystore *ks, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len), *tab = memchr(line, '\t', len);
	const char *reason = NULL, *rec;
	struct dkim_key *key;
	char *name;

	if (tab != NULL && (sp == NULL || tab < sp))
		sp = tab;
	if (len == 0 || line[0] == '#' || sp == NULL)
		return;
	name = ma_strndup(line, (size_t)(sp - line));
	for (rec = sp; rec < line + len && (*rec == ' ' || *rec == '\t'); rec++)
		;
	(void)dkim_key_parse(rec, (size_t)(line + len - rec), &key, &reason);
	name_normalize(name);
	cache_put(ks, name, 0,
		  key != NULL ? DKIM_RESULT_PASS : DKIM_RESULT_PERMERROR, reason,
		  key);
	dkim_key_unref(&key);
	free(name);
}

struct dkim_keystore *
dkim_keystore_new_table_text(const char *text, size_t len)
{
	struct dkim_keystore *ks = ma_calloc(1, sizeof(*ks));
	const char *p = text, *end = text + len, *nl;
	size_t n;

	ks->sha = dkim_sha256_new();
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		table_line(ks, p, n);
		p = nl != NULL ? nl + 1 : end;
	}
	return ks;
}

int
dkim_keystore_new_table(const char *path, struct arena *arena,
			struct dkim_keystore **store_r, const char **error_r)
{
	struct ma_file file;
	const char *err;

	if (ma_file_read(path, KEYTABLE_MAX_FILE, 0, &file, &err) < 0) {
		*error_r = arena_printf(arena, "%s: %s", path, err);
		return -1;
	}
	*store_r = dkim_keystore_new_table_text(file.data, file.len);
	ma_file_free(&file);
	return 0;
}

void
dkim_keystore_free(struct dkim_keystore **store_p)
{
	struct dkim_keystore *ks = *store_p;

	if (ks == NULL)
		return;
	cache_clear(ks, 0, true);
	dkim_sha256_free(&ks->sha);
	free(ks);
	*store_p = NULL;
}

const struct dkim_sha256 *
dkim_keystore_sha256(const struct dkim_keystore *ks)
{
	return ks->sha;
}

static void
answer_from_entry(const struct keycache_entry *e, struct dkim_key_answer *a)
{
	a->result = e->result;
	a->reason = e->reason;
	a->key = e->key;
}

static void
lookup_dns_done(struct dns_result *res, void *context)
{
	struct dkim_key_lookup *l = context;
	struct dkim_key_answer answer;
	struct dkim_key *key;
	uint32_t ttl = res->ttl;

	dkim_key_dns_result(res, &answer, &key);
	if (ttl < DKIM_KEYCACHE_MIN_TTL)
		ttl = DKIM_KEYCACHE_MIN_TTL;
	if (ttl > DKIM_KEYCACHE_MAX_TTL)
		ttl = DKIM_KEYCACHE_MAX_TTL;
	if (answer.result != DKIM_RESULT_TEMPERROR)
		cache_put(l->store, l->name, l->now + (time_t)ttl,
			  answer.result, answer.reason, key);
	ma_log_debug(l->store->log, "dkim key %s: %s%s%s", l->name,
		     dns_outcome_str(res->outcome),
		     answer.reason != NULL ? ": " : "",
		     answer.reason != NULL ? answer.reason : "");
	dns_result_free(&res);
	l->callback(&answer, l->context);
	dkim_key_unref(&key);
	free(l->name);
	free(l);
}

void
dkim_keystore_lookup(struct dkim_keystore *ks, const char *selector,
		     const char *domain, time_t now,
		     dkim_key_callback_t *callback, void *context,
		     struct dkim_key_lookup **lookup_r)
{
	struct dkim_key_answer answer = {DKIM_RESULT_PERMERROR,
					 "no key for signature", NULL};
	const struct keycache_entry *e;
	struct dkim_key_lookup *l;
	char *name = key_name(selector, domain);
	const char *error;

	*lookup_r = NULL;
	if ((e = cache_find(ks, name, now)) != NULL || ks->resolver == NULL) {
		if (e != NULL)
			answer_from_entry(e, &answer);
		free(name);
		callback(&answer, context);
		return;
	}
	l = ma_calloc(1, sizeof(*l));
	l->store = ks;
	l->name = name;
	l->now = now;
	l->callback = callback;
	l->context = context;
	if (dns_lookup_async(ks->resolver, name, DNS_T_TXT, lookup_dns_done, l,
			     &l->query, &error) < 0) {
		ma_log_warn(ks->log, "dkim key %s: %s", name, error);
		free(l->name);
		free(l);
		answer.result = DKIM_RESULT_TEMPERROR;
		answer.reason = "key lookup failed";
		callback(&answer, context);
		return;
	}
	*lookup_r = l;
}

void
dkim_key_lookup_cancel(struct dkim_key_lookup **lookup_p)
{
	struct dkim_key_lookup *l = *lookup_p;

	if (l == NULL)
		return;
	dns_query_cancel(&l->query);
	free(l->name);
	free(l);
	*lookup_p = NULL;
}
