/*
 * spf-check.h - private to the SPF evaluator (spf.c, spf-dns.c,
 * spf-eval.c, spf-ptr.c, spf-exp.c): the state of one check_host()
 * evaluation.
 *
 * One evaluation is a chain of DNS steps: one query, or a batch of
 * address queries sent together (the names of one mx or ptr term, 5.4,
 * 5.5), whose results are looked at in the order of the names once all
 * have arrived, so the outcome is the one of a sequential evaluation.
 * Each step names the function that takes its result (on_dns /
 * on_batch); after it ran, terms are evaluated until the next step is
 * needed or the verdict is known (`done`), then the verdict is delivered.
 *
 * Record frames: the record being evaluated is the top frame; "include"
 * pushes a frame (5.2), "redirect" replaces the record of the current
 * frame (6.1).  Depth is bounded by the DNS term limit (4.6.4).
 *
 * Memory: everything hangs off the check's arena, freed with the check.
 */
#ifndef MA_SPF_CHECK_H
#define MA_SPF_CHECK_H

#include "dns/dns.h"
#include "spf/spf-addr.h"
#include "spf/spf-macro.h"
#include "spf/spf-record.h"
#include "spf/spf.h"

struct spf_check;

typedef void spf_dns_handler_t(struct spf_check *check,
                               const struct dns_result *result);
typedef void spf_batch_handler_t(struct spf_check *check,
                                 struct dns_result *const *results, size_t n);
typedef void spf_resume_t(struct spf_check *check);

/* One query of a batch. */
struct spf_batch_slot {
	struct spf_check *check;
	struct dns_query *query;   /* while pending */
	struct dns_result *result; /* once answered */
};

/* What a DNS outcome means in the context of the query (see
 * spf_dns_action()). */
enum spf_lookup_context {
	SPF_LOOKUP_RECORD,   /* TXT of <domain> (4.4) */
	SPF_LOOKUP_TERM,     /* a, mx, exists (5) */
	SPF_LOOKUP_MX_ADDR,  /* addresses of an MX host (5.4) */
	SPF_LOOKUP_PTR,      /* PTR of the client (5.5) */
	SPF_LOOKUP_PTR_ADDR, /* addresses of a PTR name (5.5) */
	SPF_LOOKUP_EXP,      /* explanation TXT (6.2) */
};

enum spf_dns_action {
	SPF_DNS_USE,       /* records to look at */
	SPF_DNS_VOID,      /* no records: no match, a void lookup (4.6.4) */
	SPF_DNS_SKIP,      /* no usable records, not counted */
	SPF_DNS_TEMPERROR, /* the evaluation ends in temperror (2.6.6) */
};

enum spf_record_purpose {
	SPF_RECORD_TOP,
	SPF_RECORD_INCLUDE,
	SPF_RECORD_REDIRECT,
};

struct spf_frame {
	struct spf_frame *parent;
	const struct spf_record *record;
	const char *domain;                  /* <domain> of this record */
	size_t next;                         /* next term to evaluate */
	const struct spf_term *include_term; /* in the parent; NULL on top */
};

struct spf_check {
	struct arena *arena;
	struct dns_resolver *resolver;
	const struct spf_settings *settings;
	const struct ma_log *log;
	spf_callback_t *callback;
	void *context;

	struct spf_addr ip;
	struct spf_macro_vars vars; /* vars.domain follows the frame */
	struct spf_frame *frame;
	unsigned int max_dns, max_void;

	struct dns_query *query;
	struct spf_batch_slot batch[SPF_MAX_NAMES_PER_LOOKUP];
	size_t nbatch, batch_pending;
	spf_batch_handler_t *on_batch;
	spf_dns_handler_t *on_dns;
	enum spf_record_purpose purpose; /* of the pending record lookup */
	const char *target;              /* expanded name of the current term */
	const char **names;              /* MX or PTR names being checked */
	size_t nnames;
	bool name_matched;

	bool ptr_done;          /* PTR validation finished (5.5) */
	bool ptr_for_mechanism; /* count a void PTR lookup */
	const char **ptr_valid; /* validated names */
	size_t nptr_valid;
	spf_resume_t *after_ptr; /* NULL: back to term evaluation */
	const char *exp_text;    /* fetched explanation awaiting %{p} */

	bool in_exp; /* fetching the explanation (6.2) */
	bool done;
	struct spf_verdict verdict;
};

/* spf-dns.c */
/* Cancel and release a pending batch. */
void spf_batch_cancel(struct spf_check *check);
enum spf_dns_action spf_dns_action(const struct dns_result *result,
                                   enum spf_lookup_context context);
/* Start a query whose result goes to `handler`.  On failure the check
 * ends in temperror. */
void spf_query(struct spf_check *check, const char *name, enum dns_type type,
               spf_dns_handler_t *handler);
/* Look up `type` for each of the n (1..SPF_MAX_NAMES_PER_LOOKUP) names
 * at once; `handler` gets the results in the order of the names.  On
 * failure to start the check ends as spf_query() says. */
void spf_query_batch(struct spf_check *check, const char *const *names,
                     size_t n, enum dns_type type,
                     spf_batch_handler_t *handler);
/* Whether a DNS step is in flight. */
bool spf_waiting(const struct spf_check *check);
/* The address record type for the client (A or AAAA, 5.3). */
enum dns_type spf_addr_type(const struct spf_check *check);

/* spf.c */
/* The verdict is known (FAIL goes on to fetch the explanation). */
void spf_finish(struct spf_check *check, enum spf_result result,
                const char *reason);
/* Count one DNS-querying term / void lookup; false (and permerror) if
 * that exceeds the limit. */
bool spf_count_lookup(struct spf_check *check);
bool spf_count_void(struct spf_check *check);
/* Expand a domain-spec for the current frame into a query name (7.3
 * truncation applied).  -1: the check ended (permerror). */
int spf_expand_domain(struct spf_check *check, const char *spec,
                      const char **name_r);
/* After a DNS step: evaluate on, and deliver the verdict when done (the
 * check is freed then). */
void spf_resume(struct spf_check *check);

/* spf-eval.c */
void spf_eval_lookup_record(struct spf_check *check, const char *domain,
                            enum spf_record_purpose purpose);
/* Evaluate until a query is pending or the check is done. */
void spf_eval_run(struct spf_check *check);

/* spf-ptr.c */
void spf_ptr_validate(struct spf_check *check, bool for_mechanism,
                      spf_resume_t *after);
/* Whether a validated name is `domain` or below it (5.5). */
bool spf_ptr_matches(const struct spf_check *check, const char *domain);
/* The %{p} value for `domain` (7.3), or NULL ("unknown"). */
const char *spf_ptr_pick(const struct spf_check *check, const char *domain);

/* spf-exp.c */
void spf_exp_start(struct spf_check *check);

#endif
