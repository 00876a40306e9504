/*
 * policyd-config.c - the spf-policyd settings table and the compiled
 * address lists (see policyd-config.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/conf.h"
#include "policyd-config.h"
#include "util/strparse.h"

#define OFF(f) offsetof(struct policyd_config, f)

static const char *const reject_choices[] = {
	"SPF_Not_Pass", "Softfail", "Fail", "Null", "False", "No_Check", NULL};
static const char *const header_choices[] = {"SPF", "AR", "both", "None",
					     NULL};

/* RFC 7208 4.6.4: at least 20 s for a whole check is recommended. */
static const struct conf_option policyd_table[] = {
	{"debugLevel", CONF_UINT, "1", OFF(debug_level), 0, 5, NULL},
	{"TestOnly", CONF_UINT, "1", OFF(test_only), 0, 1, NULL},
	{"HELO_reject", CONF_ENUM, "Fail", OFF(helo_reject), 0, 0,
	 reject_choices},
	{"Mail_From_reject", CONF_ENUM, "Fail", OFF(mail_from_reject), 0, 0,
	 reject_choices},
	{"PermError_reject", CONF_BOOL, "no", OFF(permerror_reject), 0, 0,
	 NULL},
	/* pypolicyd-spf defaults to no; RFC 7208 8.6 and our "never lose
	 * mail, never reject on DNS trouble" rule make defer the default */
	{"TempError_Defer", CONF_BOOL, "yes", OFF(temperror_defer), 0, 0,
	 NULL},
	{"skip_addresses", CONF_LIST, "127.0.0.0/8,::ffff:127.0.0.0/104,::1",
	 OFF(skip_addresses), 0, 0, NULL},
	{"Whitelist", CONF_LIST, "", OFF(whitelist), 0, 0, NULL},
	{"HELO_Whitelist", CONF_LIST, "", OFF(helo_whitelist), 0, 0, NULL},
	{"Domain_Whitelist", CONF_LIST, "", OFF(domain_whitelist), 0, 0,
	 NULL},
	{"Reject_Not_Pass_Domains", CONF_LIST, "",
	 OFF(reject_not_pass_domains), 0, 0, NULL},
	{"Header_Type", CONF_ENUM, "SPF", OFF(header_type), 0, 0,
	 header_choices},
	{"Authserv_Id", CONF_STRING, NULL, OFF(authserv_id), 0, 0, NULL},
	{"Hide_Receiver", CONF_BOOL, "yes", OFF(hide_receiver), 0, 0, NULL},
	{"Lookup_Time", CONF_TIME, "20s", OFF(lookup_time_ms), 100, 600000,
	 NULL},
	{"Whitelist_Lookup_Time", CONF_TIME, "10s",
	 OFF(whitelist_lookup_time_ms), 100, 600000, NULL},
	{"Void_Limit", CONF_UINT, "2", OFF(void_limit), 1, 100, NULL},
	{"SPF_Enhanced_Status_Codes", CONF_BOOL, "yes",
	 OFF(enhanced_status_codes), 0, 0, NULL},
	{"listen", CONF_LIST, "", OFF(listen), 0, 0, NULL},
	{"user", CONF_STRING, NULL, OFF(user), 0, 0, NULL},
	{"resolver_config", CONF_STRING, NULL, OFF(resolver_config), 0, 0,
	 NULL},
	{"forwarders", CONF_LIST, "", OFF(forwarders), 0, 0, NULL},
	{"dns_timeout", CONF_TIME, "5s", OFF(dns_timeout_ms), 50, 600000,
	 NULL},
	/* below smtpd_policy_service_timeout (100 s by default) */
	{"request_timeout", CONF_TIME, "60s", OFF(request_timeout_ms), 100,
	 600000, NULL},
	{"max_request_size", CONF_UINT, "16384", OFF(max_request_size), 512,
	 1048576, NULL},
	{"max_attributes", CONF_UINT, "100", OFF(max_attributes), 10, 10000,
	 NULL},
	{"max_connections", CONF_UINT, "1000", OFF(max_connections), 1,
	 100000, NULL},
	/* abuse limits (spf-policyd(8), RESOURCE LIMITS) */
	{"request_read_timeout", CONF_TIME, "10s", OFF(request_read_timeout_ms),
	 100, 600000, NULL},
	/* above smtpd_policy_service_max_idle (300 s by default) */
	{"idle_timeout", CONF_TIME, "600s", OFF(idle_timeout_ms), 1000,
	 86400000, NULL},
	{"max_pipelined", CONF_UINT, "16", OFF(max_pipelined), 1, 10000,
	 NULL},
	{"max_reply_backlog", CONF_UINT, "65536", OFF(max_reply_backlog),
	 1024, 16777216, NULL},
	{"dns_sockets", CONF_UINT, "256", OFF(dns_sockets), 8, 65536, NULL},
	{"dns_cache_size", CONF_UINT, "10000", OFF(dns_cache_size), 0, 10000000,
	 NULL},
	{"log_interval", CONF_TIME, "10s", OFF(log_interval_ms), 1000,
	 3600000, NULL},
	{"skip_sasl", CONF_BOOL, "yes", OFF(skip_sasl), 0, 0, NULL},
	{"syslog_facility", CONF_STRING, "mail", OFF(syslog_facility), 0, 0,
	 NULL},
	{NULL, 0, NULL, 0, 0, 0, NULL},
};

const char *
policyd_reject_str(enum policyd_reject reject)
{
	return reject_choices[reject];
}

static unsigned int
parse_prefix(const char *s, unsigned int max, bool *ok_r)
{
	struct strparse sp;
	uint64_t v = 0;

	sp_init_str(&sp, s);
	*ok_r = sp_uint(&sp, 3, max, &v) && sp_eof(&sp);
	return (unsigned int)v;
}

int
policyd_net_parse(const char *text, struct policyd_net *net_r)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	bool ok = true, mapped;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(net_r, 0, sizeof(*net_r));
	if (spf_addr_parse(addr, &net_r->addr) < 0)
		return -1;
	/* written as IPv6 but folded to IPv4: its prefix counts 96 more */
	mapped = !net_r->addr.v6 && strchr(addr, ':') != NULL;
	if (slash == NULL) {
		net_r->prefix = net_r->addr.v6 ? SPF_ADDR_V6_BITS :
						 SPF_ADDR_V4_BITS;
		return 0;
	}
	net_r->prefix = parse_prefix(slash + 1, mapped || net_r->addr.v6 ?
					 SPF_ADDR_V6_BITS : SPF_ADDR_V4_BITS,
				     &ok);
	if (mapped) {
		/* a mapped network wider than ::ffff:0:0/96 is not IPv4 */
		if (net_r->prefix < SPF_ADDR_V6_BITS - SPF_ADDR_V4_BITS)
			return -1;
		net_r->prefix -= SPF_ADDR_V6_BITS - SPF_ADDR_V4_BITS;
	}
	return ok ? 0 : -1;
}

bool
policyd_net_match(const struct policyd_net *nets, size_t n, const char *ip)
{
	struct spf_addr client;
	size_t i;

	if (ip == NULL || spf_addr_parse(ip, &client) < 0)
		return false;
	for (i = 0; i < n; i++) {
		if (spf_addr_match(&client, &nets[i].addr, nets[i].prefix))
			return true;
	}
	return false;
}

/* The line of the last "NAME =" in `path` (0 if not found): a bad list
 * entry is found after the reader is done, but users want FILE:LINE. */
static unsigned int
option_line(const char *path, const char *name)
{
	char line[1024];
	unsigned int lineno = 0, found = 0;
	size_t nlen = strlen(name);
	FILE *fp;

	if (path == NULL || (fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *p = line + strspn(line, " \t");

		lineno++;
		if (p == line && strncasecmp(p, name, nlen) == 0 &&
		    p[nlen + strspn(p + nlen, " \t")] == '=')
			found = lineno;
	}
	fclose(fp);
	return found;
}

static int
compile_nets(struct arena *arena, const char *const *list,
	     struct policyd_net **nets_r, size_t *n_r, const char **bad_r)
{
	size_t n = 0, i;

	while (list[n] != NULL)
		n++;
	*nets_r = arena_alloc(arena, (n + 1) * sizeof(**nets_r));
	for (i = 0; i < n; i++) {
		if (policyd_net_parse(list[i], &(*nets_r)[i]) < 0) {
			*bad_r = list[i];
			return -1;
		}
	}
	*n_r = n;
	return 0;
}

static int
compile(struct policyd_config *c, struct arena *arena, const char *path,
	const char **error_r)
{
	const char *bad = NULL, *opt = NULL;
	char host[256];

	if (compile_nets(arena, c->skip_addresses, &c->skip_nets,
			 &c->n_skip_nets, &bad) < 0)
		opt = "skip_addresses";
	else if (compile_nets(arena, c->whitelist, &c->whitelist_nets,
			      &c->n_whitelist_nets, &bad) < 0)
		opt = "Whitelist";
	if (opt != NULL) {
		unsigned int line = option_line(path, opt);

		if (path != NULL && line > 0)
			*error_r = arena_printf(arena,
						"%s:%u: %s: bad address or "
						"network '%s'",
						path, line, opt, bad);
		else
			*error_r = arena_printf(arena,
						"%s: bad address or network "
						"'%s'",
						opt, bad);
		return -1;
	}
	if (c->authserv_id != NULL && c->authserv_id[0] != '\0' &&
	    strcasecmp(c->authserv_id, "HOSTNAME") != 0) {
		c->hostname = c->authserv_id;
	} else {
		if (gethostname(host, sizeof(host) - 1) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		c->hostname = arena_strdup(arena, host);
	}
	return 0;
}

int
policyd_config_load(struct arena *arena, const char *path,
		    struct policyd_config **config_r, const char **error_r)
{
	struct policyd_config *c = arena_zalloc(arena, sizeof(*c));

	if (conf_defaults(policyd_table, c, arena, error_r) < 0)
		return -1;
	if (path != NULL &&
	    conf_read_file(policyd_table, c, arena, path, error_r) < 0)
		return -1;
	if (compile(c, arena, path, error_r) < 0)
		return -1;
	*config_r = c;
	return 0;
}

int
policyd_config_set(struct policyd_config *c, struct arena *arena,
		   const char *name, const char *value, const char **error_r)
{
	if (conf_set(policyd_table, c, arena, name, value, error_r) < 0)
		return -1;
	return compile(c, arena, NULL, error_r);
}
