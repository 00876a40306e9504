/*
 * dkim-key.c - DKIM key records, key table and DNS key store with a
 * cache (dkim-key.h), RFC 6376 sections 3.6.1, 3.6.2, 6.1.2.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "dkim-crypto.h"
#include "dkim-key.h"
#include "dns.h"
#include "log.h"
#include "taglist.h"
#include "xalloc.h"

/* p= of an RSA-4096 SubjectPublicKeyInfo is ~550 bytes; room for more. */
#define DKIM_KEY_MAX_DER 2048
#define KEYCACHE_BUCKETS 1024
/* A key table file larger than this is refused. */
#define KEYTABLE_MAX_FILE (16 * 1024 * 1024)

/* Whether the colon-separated list in tag `name` contains one of the
 * words (or the tag is absent: *absent_ok). */
static bool
tag_list_has(const struct taglist *tl, const char *name, const char *w1,
	     const char *w2, bool absent_ok)
{
	const struct taglist_tag *t = taglist_get(tl, name);
	struct strparse sp;
	struct sp_slice item;

	if (t == NULL)
		return absent_ok;
	sp_init(&sp, t->value.p, t->value.len);
	while (!sp_eof(&sp)) {
		sp_until(&sp, ":", &item);
		item = sp_slice_trim(item);
		if (sp_slice_eq_ci(item, w1) ||
		    (w2 != NULL && sp_slice_eq_ci(item, w2)))
			return true;
		(void)sp_char(&sp, ':');
	}
	return false;
}

static bool
key_check_tags(const struct taglist *tl, enum dkim_key_type *type_r,
	       const char **reason_r)
{
	const struct taglist_tag *t;

	if ((t = taglist_get(tl, "v")) != NULL &&
	    !(t->value.len == 5 && memcmp(t->value.p, "DKIM1", 5) == 0)) {
		*reason_r = "key record v= is not DKIM1";
		return false;
	}
	*type_r = DKIM_KEY_RSA;
	if ((t = taglist_get(tl, "k")) != NULL) {
		if (sp_slice_eq_ci(t->value, "ed25519")) {
			*type_r = DKIM_KEY_ED25519;
		} else if (!sp_slice_eq_ci(t->value, "rsa")) {
			*reason_r = "unknown key type (k=)";
			return false;
		}
	}
	if (!tag_list_has(tl, "h", "sha256", NULL, true)) {
		*reason_r = "key h= does not allow sha256";
		return false;
	}
	if (!tag_list_has(tl, "s", "email", "*", true)) {
		*reason_r = "key not for email (s=)";
		return false;
	}
	if (taglist_get(tl, "p") == NULL) {
		*reason_r = "key record without p=";
		return false;
	}
	return true;
}

struct dkim_key *
dkim_key_parse(const char *text, size_t len, const char **reason_r)
{
	unsigned char der[DKIM_KEY_MAX_DER];
	const struct taglist_tag *p;
	enum dkim_key_type type;
	struct dkim_key *key;
	struct taglist tl;
	const char *err;
	size_t n;

	if (taglist_parse(text, len, 0, &tl, &err, NULL) < 0) {
		*reason_r = "malformed key record";
		return NULL;
	}
	if (!key_check_tags(&tl, &type, reason_r))
		return NULL;
	p = taglist_get(&tl, "p");
	if (base64_decode(p->value.p, p->value.len, der, sizeof(der), &n) < 0) {
		*reason_r = "key p= is not valid base64";
		return NULL;
	}
	key = ma_calloc(1, sizeof(*key));
	key->refcount = 1;
	key->type = type;
	key->testing = tag_list_has(&tl, "t", "y", NULL, false);
	key->strict = tag_list_has(&tl, "t", "s", NULL, false);
	if (n == 0) {
		key->revoked = true;
		return key;
	}
	key->pkey = dkim_crypto_public_key(type, der, n, &key->bits,
					   &key->verify_ctx);
	if (key->pkey == NULL) {
		free(key);
		*reason_r = "key p= is not a valid public key";
		return NULL;
	}
	return key;
}

struct dkim_key *
dkim_key_ref(struct dkim_key *key)
{
	key->refcount++;
	return key;
}

void
dkim_key_unref(struct dkim_key **key_p)
{
	struct dkim_key *key = *key_p;

	if (key == NULL)
		return;
	*key_p = NULL;
	if (--key->refcount > 0)
		return;
	dkim_crypto_public_key_free(key->pkey, key->verify_ctx);
	free(key);
}

void
dkim_key_dns_result(const struct dns_result *res,
		    struct dkim_key_answer *answer_r, struct dkim_key **key_r)
{
	const char *reason = NULL;
	size_t i;

	*key_r = NULL;
	answer_r->key = NULL;
	answer_r->result = DKIM_RESULT_PERMERROR;
	switch (res->outcome) {
	case DNS_ANSWER:
		for (i = 0; i < res->count && *key_r == NULL; i++) {
			const struct dns_rr *rr = &res->rrs[i];
			const char *why = NULL;

			if (rr->type != DNS_T_TXT)
				continue;
			*key_r = dkim_key_parse(rr->u.txt.text,
						rr->u.txt.text_len, &why);
			if (reason == NULL)
				reason = why;
		}
		if (*key_r != NULL) {
			answer_r->result = DKIM_RESULT_PASS;
			answer_r->key = *key_r;
			reason = NULL;
		} else if (reason == NULL) {
			reason = "no key for signature";
		}
		break;
	case DNS_NODATA:
	case DNS_NXDOMAIN:
		reason = "no key for signature";
		break;
	case DNS_BADNAME:
		reason = "invalid key name";
		break;
	case DNS_SERVFAIL:
		answer_r->result = DKIM_RESULT_TEMPERROR;
		reason = "key lookup failed (DNS SERVFAIL)";
		break;
	case DNS_TIMEOUT:
		answer_r->result = DKIM_RESULT_TEMPERROR;
		reason = "key lookup timed out";
		break;
	}
	answer_r->reason = reason;
}

/* ---- the key store: cache, table, DNS ---- */

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
	struct buf b = BUF_INIT;
	char *name;

	buf_printf(&b, "%s._domainkey.%s", selector, domain);
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
	key = dkim_key_parse(rec, (size_t)(line + len - rec), &reason);
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

struct dkim_keystore *
dkim_keystore_new_table(const char *path, char *errbuf, size_t errbuf_size)
{
	struct dkim_keystore *ks;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		snprintf(errbuf, errbuf_size, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 &&
	       b.len < KEYTABLE_MAX_FILE)
		buf_append(&b, chunk, n);
	if (ferror(fp) || b.len >= KEYTABLE_MAX_FILE) {
		snprintf(errbuf, errbuf_size, "%s: read error or too large",
			 path);
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	ks = dkim_keystore_new_table_text(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return ks;
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
