/*
 * reports-summary.c - received DMARC reports summed per policy domain
 * and sending source (reports-summary.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "dmarc/dmarc-align.h"
#include "dmarc/dmarc-received.h"
#include "reports-index.h"
#include "reports-summary.h"

struct reports_summary *
reports_summary_new(struct arena *arena, uint64_t now, unsigned int ndays,
		    const char *const *report_domains, const char *only)
{
	struct reports_summary *s = arena_zalloc(arena, sizeof(*s));

	if (ndays == 0)
		ndays = 1;
	if (ndays > SUMMARY_MAX_DAYS)
		ndays = SUMMARY_MAX_DAYS;
	s->arena = arena;
	s->ndays = ndays;
	s->since = now - now % SUMMARY_DAY - (uint64_t)(ndays - 1) * SUMMARY_DAY;
	s->report_domains = report_domains;
	s->only = only;
	s->by_domain = reports_index_new(arena);
	return s;
}

/* A reporter's string, cut to SUMMARY_MAX_STRING, or "" for NULL. */
static char *
keep(struct arena *arena, const char *s)
{
	if (s == NULL)
		s = "";
	return arena_strndup(arena, s, strnlen(s, SUMMARY_MAX_STRING));
}

/* A reporter's domain or IP as a key, in dst[SUMMARY_MAX_STRING + 1]:
 * cut like keep() and lower-cased (DNS names compare without case, RFC
 * 4343; IPv6 hex digits too, RFC 5952 4.3), so that "EXAMPLE.com" and
 * "example.com", "2001:DB8::1" and "2001:db8::1" are one. */
static const char *
key(char *dst, const char *s)
{
	size_t i;

	if (s == NULL)
		s = "";
	for (i = 0; i < SUMMARY_MAX_STRING && s[i] != '\0'; i++)
		dst[i] = s[i] >= 'A' && s[i] <= 'Z' ?
			(char)(s[i] - 'A' + 'a') : s[i];
	dst[i] = '\0';
	return dst;
}

static void
tally(struct arena *arena, struct summary_tallies *t, const char *what,
      uint64_t n)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->t[i].what, what) == 0) {
			t->t[i].n += n;
			return;
		}
	}
	if (t->n == SUMMARY_MAX_TALLIES) {
		t->other += n;
		return;
	}
	t->t[t->n].what = keep(arena, what);
	t->t[t->n++].n = n;
}

/* Whether `pd` is one of ReportDomains or under one (and --domain). */
static bool
domain_wanted(const struct reports_summary *s, const char *pd)
{
	const char *const *d;
	size_t plen = strlen(pd), dlen;

	if (s->report_domains == NULL)
		return true;
	for (d = s->report_domains; *d != NULL; d++) {
		dlen = strlen(*d);
		if (dmarc_domain_eq(pd, *d) ||
		    (plen > dlen && pd[plen - dlen - 1] == '.' &&
		     dmarc_domain_eq(pd + plen - dlen, *d)))
			return true;
	}
	return false;
}

static struct summary_domain *
domain_get(struct reports_summary *s, const char *pd)
{
	struct summary_domain *d = reports_index_get(s->by_domain, pd);

	if (d != NULL)
		return d;
	d = arena_zalloc(s->arena, sizeof(*d));
	d->domain = arena_strdup(s->arena, pd);
	d->policy = "";
	d->day_pass = arena_zalloc(s->arena, s->ndays * sizeof(uint64_t));
	d->day_fail = arena_zalloc(s->arena, s->ndays * sizeof(uint64_t));
	d->by_ip = reports_index_new(s->arena);
	reports_index_put(s->by_domain, pd, d);
	if (s->ndomains == s->domains_cap) {
		struct summary_domain **n;

		s->domains_cap = s->domains_cap == 0 ? 8 : s->domains_cap * 2;
		n = arena_alloc(s->arena, s->domains_cap * sizeof(*n));
		if (s->ndomains > 0)
			memcpy(n, s->domains, s->ndomains * sizeof(*n));
		s->domains = n;
	}
	s->domains[s->ndomains++] = d;
	return d;
}

/* The source `ip` of `d`, or NULL past SUMMARY_MAX_SOURCES. */
static struct summary_source *
source_get(struct reports_summary *s, struct summary_domain *d,
	   const char *ip)
{
	struct arena *arena = s->arena;
	char k[SUMMARY_MAX_STRING + 1];
	struct summary_source *src = reports_index_get(d->by_ip, key(k, ip));

	if (src != NULL)
		return src;
	if (s->nsources_kept == SUMMARY_MAX_SOURCES)
		return NULL;
	s->nsources_kept++;
	src = arena_zalloc(arena, sizeof(*src));
	src->ip = arena_strdup(arena, k);
	reports_index_put(d->by_ip, src->ip, src);
	if (d->nsources == d->sources_cap) {
		struct summary_source **n;

		d->sources_cap = d->sources_cap == 0 ? 16 : d->sources_cap * 2;
		n = arena_alloc(arena, d->sources_cap * sizeof(*n));
		if (d->nsources > 0)
			memcpy(n, d->sources, d->nsources * sizeof(*n));
		d->sources = n;
	}
	d->sources[d->nsources++] = src;
	return src;
}

static bool
is_pass(const char *v)
{
	return v != NULL && strcmp(v, "pass") == 0;
}

/* Why a failing row failed, in words, into `b` (the caller's scratch:
 * a row's strings reach the arena only when tally() keeps a new one, so
 * memory grows with distinct sources, not with rows): the DKIM side,
 * the SPF side, and the reporter's override reasons. */
static const char *
fail_reason(struct buf *b, const struct dmarc_received_row *row)
{
	const char *res;
	size_t i;

	buf_reset(b);
	if (row->ndkim == 0)
		buf_append_str(b, "no DKIM signature");
	else {
		res = row->dkim_results[0].result;
		for (i = 0; i < row->ndkim; i++) {
			if (is_pass(row->dkim_results[i].result))
				res = "pass";
		}
		buf_printf(b, "DKIM %s%s", res != NULL ? res : "?",
			   is_pass(res) ? " but not aligned" : "");
	}
	if (row->nspf == 0)
		buf_append_str(b, ", no SPF result");
	else {
		res = row->spf_results[0].result;
		buf_printf(b, ", SPF %s%s", res != NULL ? res : "?",
			   is_pass(res) ? " but not aligned" : "");
	}
	for (i = 0; i < row->nreasons; i++)
		buf_printf(b, ", %s", row->reasons[i].type != NULL ?
			   row->reasons[i].type : "?");
	return buf_cstr(b);
}

/* "DOMAIN RESULT" into the scratch `b`. */
static const char *
auth_what(struct buf *b, const char *domain, const char *result)
{
	buf_reset(b);
	buf_printf(b, "%.*s %.*s", SUMMARY_MAX_STRING,
		   domain != NULL ? domain : "", 32,
		   result != NULL ? result : "");
	return buf_cstr(b);
}

static void
add_auth(struct arena *arena, struct buf *b, struct summary_source *src,
	 const struct dmarc_received_row *row)
{
	size_t i;

	for (i = 0; i < row->ndkim; i++)
		tally(arena, &src->dkim_domains,
		      auth_what(b, row->dkim_results[i].domain,
				row->dkim_results[i].result), row->count);
	for (i = 0; i < row->nspf; i++)
		tally(arena, &src->spf_domains,
		      auth_what(b, row->spf_results[i].domain,
				row->spf_results[i].result), row->count);
}

static void
add_row(struct reports_summary *s, struct buf *scratch,
	struct summary_domain *d, unsigned int day,
	const struct dmarc_received_row *row)
{
	struct summary_source *src;
	bool dkim = is_pass(row->dkim), spf = is_pass(row->spf);
	bool pass = dkim || spf;
	uint64_t n = row->count;

	d->total += n;
	d->pass += pass ? n : 0;
	d->day_pass[day] += pass ? n : 0;
	d->day_fail[day] += pass ? 0 : n;
	src = source_get(s, d, row->source_ip != NULL ? row->source_ip : "?");
	if (src == NULL) {
		d->unkept_rows++;
		d->unkept_total += n;
		d->unkept_pass += pass ? n : 0;
		return;
	}
	src->total += n;
	if (pass) {
		src->pass += n;
		src->pass_dkim += dkim ? n : 0;
		src->pass_spf += spf ? n : 0;
	} else {
		src->fail += n;
		tally(s->arena, &src->reasons, fail_reason(scratch, row), n);
	}
	if (row->disposition != NULL &&
	    (strcmp(row->disposition, "quarantine") == 0 ||
	     strcmp(row->disposition, "reject") == 0))
		src->disposed += n;
	add_auth(s->arena, scratch, src, row);
}

static void
add_failure(struct reports_summary *s, struct summary_domain *d,
	    const struct dmarc_received *r)
{
	struct summary_failure *f;

	d->failures_total++;
	if (d->failures == NULL)
		d->failures = arena_zalloc(s->arena, SUMMARY_MAX_FAILURES *
						     sizeof(*d->failures));
	if (d->nfailures < SUMMARY_MAX_FAILURES)
		f = &d->failures[d->nfailures++];
	else {
		/* keep the newest: replace the oldest kept */
		size_t i, old = 0;

		for (i = 1; i < d->nfailures; i++) {
			if (d->failures[i].received < d->failures[old].received)
				old = i;
		}
		if (d->failures[old].received > r->received)
			return;
		f = &d->failures[old];
	}
	f->received = r->received;
	f->reporter = keep(s->arena, r->org_name != NULL ? r->org_name :
				     r->email);
	f->source_ip = keep(s->arena, r->source_ip);
	f->feedback_type = keep(s->arena, r->feedback_type);
	f->auth_failure = keep(s->arena, r->auth_failure);
	f->mail_from = keep(s->arena, r->original_mail_from);
	f->dkim_domain = keep(s->arena, r->dkim_domain);
	f->arrival_date = keep(s->arena, r->arrival_date);
	f->delivery_result = keep(s->arena, r->delivery_result);
}

/* A report about a domain past SUMMARY_MAX_KEPT_DOMAINS. */
static void
count_unkept(struct reports_summary *s, const struct dmarc_received *r)
{
	size_t i;

	s->rest_domains.unkept++;
	if (r->kind == DMARC_RECEIVED_FAILURE) {
		s->rest_domains.failures++;
		return;
	}
	s->rest_domains.reports++;
	for (i = 0; i < r->nrows; i++) {
		s->rest_domains.total += r->rows[i].count;
		if (is_pass(r->rows[i].dkim) || is_pass(r->rows[i].spf))
			s->rest_domains.pass += r->rows[i].count;
	}
}

void
reports_summary_add(struct reports_summary *s, const struct dmarc_received *r)
{
	uint64_t end = s->since + (uint64_t)s->ndays * SUMMARY_DAY;
	uint64_t t = r->kind == DMARC_RECEIVED_AGGREGATE ? r->begin :
							   r->received;
	uint64_t t_end = r->kind == DMARC_RECEIVED_AGGREGATE ? r->end : t;
	struct summary_domain *d;
	struct buf scratch = BUF_INIT;
	char k[SUMMARY_MAX_STRING + 1];
	const char *pd;
	unsigned int day;
	size_t i;

	if (t_end < s->since || t >= end)
		return;
	pd = key(k, r->policy_domain);
	if (!domain_wanted(s, pd)) {
		s->other_reports++;
		tally(s->arena, &s->other_domains, pd, 1);
		return;
	}
	if (s->only != NULL && !dmarc_domain_eq(pd, s->only))
		return;
	d = reports_index_get(s->by_domain, pd);
	if (d == NULL && s->ndomains == SUMMARY_MAX_KEPT_DOMAINS) {
		count_unkept(s, r);
		return;
	}
	d = domain_get(s, pd);
	if (r->kind == DMARC_RECEIVED_FAILURE) {
		add_failure(s, d, r);
		return;
	}
	d->reports++;
	tally(s->arena, &d->reporters, r->org_name != NULL ? r->org_name :
			"(no org_name)", 1);
	if (r->p != NULL && r->begin >= d->policy_time) {
		if (strncmp(d->policy, r->p, SUMMARY_MAX_STRING) != 0)
			d->policy = keep(s->arena, r->p);
		d->policy_time = r->begin;
	}
	day = t < s->since ? 0 : (unsigned int)((t - s->since) / SUMMARY_DAY);
	for (i = 0; i < r->nrows; i++)
		add_row(s, &scratch, d, day, &r->rows[i]);
	buf_free(&scratch);
}

static int
cmp_domain(const void *a, const void *b)
{
	const struct summary_domain *x = *(struct summary_domain *const *)a;
	const struct summary_domain *y = *(struct summary_domain *const *)b;

	return strcmp(x->domain, y->domain);
}

static int
cmp_u64_desc(uint64_t x, uint64_t y)
{
	return x > y ? -1 : x < y ? 1 : 0;
}

static int
cmp_total(const void *a, const void *b)
{
	const struct summary_source *x = *(struct summary_source *const *)a;
	const struct summary_source *y = *(struct summary_source *const *)b;
	int c = cmp_u64_desc(x->total, y->total);

	return c != 0 ? c : strcmp(x->ip, y->ip);
}

static int
cmp_fail(const void *a, const void *b)
{
	const struct summary_source *x = *(struct summary_source *const *)a;
	const struct summary_source *y = *(struct summary_source *const *)b;
	int c = cmp_u64_desc(x->fail, y->fail);

	return c != 0 ? c : strcmp(x->ip, y->ip);
}

static int
cmp_failure(const void *a, const void *b)
{
	const struct summary_failure *x = a, *y = b;

	return cmp_u64_desc(x->received, y->received);
}

static int
cmp_tally(const void *a, const void *b)
{
	const struct summary_tally *x = a, *y = b;
	int c = cmp_u64_desc(x->n, y->n);

	return c != 0 ? c : strcmp(x->what, y->what);
}

static void
sort_tallies(struct summary_tallies *t)
{
	qsort(t->t, t->n, sizeof(t->t[0]), cmp_tally);
}

static void
finish_domain(struct arena *arena, struct summary_domain *d)
{
	size_t i;

	/* a domain of failure reports only has no sources array (NULL:
	 * qsort's pointer must not be, C11 7.22.5 1) */
	if (d->nsources > 0)
		qsort(d->sources, d->nsources, sizeof(*d->sources),
		      cmp_total);
	d->losing = arena_alloc(arena, (d->nsources + 1) * sizeof(*d->losing));
	for (i = 0; i < d->nsources; i++) {
		sort_tallies(&d->sources[i]->dkim_domains);
		sort_tallies(&d->sources[i]->spf_domains);
		sort_tallies(&d->sources[i]->reasons);
		if (d->sources[i]->fail > 0)
			d->losing[d->nlosing++] = d->sources[i];
	}
	qsort(d->losing, d->nlosing, sizeof(*d->losing), cmp_fail);
	sort_tallies(&d->reporters);
	if (d->nfailures > 0)
		qsort(d->failures, d->nfailures, sizeof(*d->failures),
		      cmp_failure);
}

static int
cmp_domain_size(const void *a, const void *b)
{
	const struct summary_domain *x = *(struct summary_domain *const *)a;
	const struct summary_domain *y = *(struct summary_domain *const *)b;
	int c = cmp_u64_desc(x->total, y->total);

	if (c == 0)
		c = cmp_u64_desc(x->failures_total, y->failures_total);
	return c != 0 ? c : strcmp(x->domain, y->domain);
}

/* The domains past SUMMARY_MAX_DOMAINS by size, summed and dropped. */
static void
cut_domains(struct reports_summary *s)
{
	const struct summary_domain *d;
	size_t i;

	if (s->ndomains <= SUMMARY_MAX_DOMAINS)
		return;
	qsort(s->domains, s->ndomains, sizeof(*s->domains), cmp_domain_size);
	for (i = SUMMARY_MAX_DOMAINS; i < s->ndomains; i++) {
		d = s->domains[i];
		s->rest_domains.n++;
		s->rest_domains.reports += d->reports;
		s->rest_domains.total += d->total;
		s->rest_domains.pass += d->pass;
		s->rest_domains.failures += d->failures_total;
	}
	s->ndomains = SUMMARY_MAX_DOMAINS;
}

void
reports_summary_finish(struct reports_summary *s)
{
	size_t i;

	cut_domains(s);
	if (s->ndomains > 0)
		qsort(s->domains, s->ndomains, sizeof(*s->domains),
		      cmp_domain);
	for (i = 0; i < s->ndomains; i++)
		finish_domain(s->arena, s->domains[i]);
	sort_tallies(&s->other_domains);
}

/* The name sources are grouped under (struct summary_group). */
static const char *
group_name(const struct summary_source *src)
{
	const char *dot;

	if (src->name == NULL)
		return src->ip;
	dot = strchr(src->name, '.');
	if (dot != NULL && strchr(dot + 1, '.') != NULL)
		return dot + 1;
	return src->name;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct summary_group *x = a, *y = b;
	int c = cmp_u64_desc(x->total, y->total);

	return c != 0 ? c : strcmp(x->name, y->name);
}

static void
group_domain(struct arena *arena, struct summary_domain *d)
{
	struct summary_source *src;
	struct summary_group *g;
	size_t i, j;

	d->nshown = d->nsources < SUMMARY_TOP_SOURCES ? d->nsources :
							  SUMMARY_TOP_SOURCES;
	d->groups = arena_zalloc(arena, (d->nshown + 1) * sizeof(*d->groups));
	d->ngroups = 0;
	for (i = 0; i < d->nshown; i++) {
		src = d->sources[i];
		for (j = 0; j < d->ngroups; j++) {
			if (strcmp(d->groups[j].name, group_name(src)) == 0)
				break;
		}
		g = &d->groups[j];
		if (j == d->ngroups) {
			d->ngroups++;
			g->name = group_name(src);
			g->sources = arena_alloc(arena, d->nshown *
						 sizeof(*g->sources));
		}
		g->sources[g->nsources++] = src;
		g->total += src->total;
		g->pass += src->pass;
		g->fail += src->fail;
	}
	qsort(d->groups, d->ngroups, sizeof(*d->groups), cmp_group);
	memset(&d->rest, 0, sizeof(d->rest));
	for (i = d->nshown; i < d->nsources; i++) {
		d->rest.nsources++;
		d->rest.total += d->sources[i]->total;
		d->rest.pass += d->sources[i]->pass;
		d->rest.fail += d->sources[i]->fail;
	}
	d->rest.total += d->unkept_total;
	d->rest.pass += d->unkept_pass;
	d->rest.fail += d->unkept_total - d->unkept_pass;
}

void
reports_summary_group(struct reports_summary *s)
{
	size_t i;

	for (i = 0; i < s->ndomains; i++)
		group_domain(s->arena, s->domains[i]);
}
