/*
 * policyd-config.h - spf-policyd settings: one declarative table read by
 * lib/util/conf.h.
 *
 * Option names and meanings follow pypolicyd-spf's policyd-spf.conf(5)
 * where they mean the same (HELO_reject, Mail_From_reject,
 * PermError_reject, TempError_Defer, skip_addresses, Whitelist,
 * HELO_Whitelist, Domain_Whitelist, Reject_Not_Pass_Domains, Header_Type,
 * Authserv_Id, Hide_Receiver, debugLevel, TestOnly, Lookup_Time,
 * Whitelist_Lookup_Time, Void_Limit, SPF_Enhanced_Status_Codes), so that
 * a policyd-spf.conf can be copied.  Our own options are lower case:
 * listen, user, resolver_config, dns_timeout, request_timeout,
 * max_request_size, max_attributes, max_connections, skip_sasl,
 * syslog_facility, and the abuse limits request_read_timeout,
 * idle_timeout, max_pipelined, max_reply_backlog, dns_sockets,
 * dns_cache_size,
 * log_interval.
 *
 * After the table is read, address lists are compiled into networks;
 * a bad entry is reported as "FILE:LINE: NAME: problem" like any other
 * bad value.
 *
 * Memory: everything lives in the arena given to policyd_config_load().
 */
#ifndef MA_POLICYD_CONFIG_H
#define MA_POLICYD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spf/spf-addr.h"

struct arena;

/* HELO_reject / Mail_From_reject values (policyd-spf.conf(5)). */
enum policyd_reject {
	POLICYD_REJECT_SPF_NOT_PASS, /* reject fail softfail neutral permerror */
	POLICYD_REJECT_SOFTFAIL,     /* reject fail and softfail */
	POLICYD_REJECT_FAIL,	     /* reject fail (default) */
	POLICYD_REJECT_NULL,	     /* HELO only: reject fail for MAIL FROM:<> */
	POLICYD_REJECT_FALSE,	     /* never reject, header only */
	POLICYD_REJECT_NO_CHECK,     /* do not check this identity */
};

enum policyd_header_type {
	POLICYD_HEADER_SPF,  /* Received-SPF (RFC 7208 9.1), the default */
	POLICYD_HEADER_AR,   /* Authentication-Results (RFC 8601) */
	POLICYD_HEADER_BOTH, /* both fields */
	POLICYD_HEADER_NONE,
};

/* An IPv4 or IPv6 network, in lib/spf/spf-addr.h's form: an IPv4-mapped
 * IPv6 network (::ffff:127.0.0.0/104) is stored as the IPv4 one (/8), as
 * an IPv4-mapped client address is matched as IPv4. */
struct policyd_net {
	struct spf_addr addr;
	unsigned int prefix;
};

struct policyd_config {
	/* pypolicyd-spf names */
	unsigned int debug_level;
	unsigned int test_only; /* 1 = normal; 0 = never reject/defer */
	unsigned int helo_reject;	/* enum policyd_reject */
	unsigned int mail_from_reject;	/* enum policyd_reject */
	bool permerror_reject;
	bool temperror_defer;
	const char *const *skip_addresses;
	const char *const *whitelist;
	const char *const *helo_whitelist;
	const char *const *domain_whitelist;
	const char *const *reject_not_pass_domains;
	unsigned int header_type; /* enum policyd_header_type */
	const char *authserv_id;  /* NULL / "HOSTNAME" = gethostname() */
	bool hide_receiver;
	unsigned int lookup_time_ms;
	unsigned int whitelist_lookup_time_ms;
	unsigned int void_limit;
	bool enhanced_status_codes;
	/* our own */
	const char *const *listen;
	const char *user;
	const char *resolver_config;
	const char *const *forwarders;
	unsigned int dns_timeout_ms;
	unsigned int request_timeout_ms;
	unsigned int max_request_size;
	unsigned int max_attributes;
	unsigned int max_connections;
	unsigned int request_read_timeout_ms; /* first byte to empty line */
	unsigned int idle_timeout_ms;	      /* between requests */
	unsigned int max_pipelined;	      /* queued requests per conn */
	unsigned int max_reply_backlog;	      /* unsent reply octets */
	unsigned int dns_sockets;	      /* descriptors kept for DNS */
	unsigned int dns_cache_size;	      /* answers cached, 0 = none */
	unsigned int log_interval_ms;	      /* repeated-warning summary */
	bool skip_sasl;
	const char *syslog_facility;

	/* compiled after reading */
	struct policyd_net *skip_nets;
	size_t n_skip_nets;
	struct policyd_net *whitelist_nets;
	size_t n_whitelist_nets;
	const char *hostname; /* authserv_id resolved */
};

/* Defaults, then `path` (NULL: defaults only), then compile.  0, or -1
 * with "FILE:LINE: NAME: problem" in *error_r (from arena). */
int policyd_config_load(struct arena *arena, const char *path,
			struct policyd_config **config_r,
			const char **error_r);

/* Apply one NAME=VALUE (command line) to a loaded config and recompile.
 * 0, or -1 with "NAME: problem". */
int policyd_config_set(struct policyd_config *config, struct arena *arena,
		       const char *name, const char *value,
		       const char **error_r);

/* Parse "ADDR" or "ADDR/PREFIX" (IPv4 or IPv6).  0 or -1. */
int policyd_net_parse(const char *text, struct policyd_net *net_r);
/* Whether the textual address `ip` is inside one of `nets`. */
bool policyd_net_match(const struct policyd_net *nets, size_t n,
		       const char *ip);

/* "SPF_Not_Pass" ... for messages */
const char *policyd_reject_str(enum policyd_reject reject);

#endif
