/*
 * signer-settings.c - dkim-signer's option table (signer-settings.h).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "util/arena.h"
#include "util/conf.h"
#include "signer-settings.h"

const char *const signer_canon_choices[] = {
	"relaxed/relaxed", "relaxed/simple", "simple/relaxed", "simple/simple",
	"relaxed", "simple", NULL,
};

static const char *const algorithm_choices[] = {
	"rsa-sha256", "ed25519-sha256", NULL,
};

static const char *const address_choices[] = {"from", "envelope", NULL};

#define SIGNER_STR_(x) #x
#define SIGNER_STR(x) SIGNER_STR_(x)
#define OPT(name, type, def, field, min, max, choices)                      \
	{name, type, def, offsetof(struct signer_settings, field), min, max, \
	 choices}

static const struct conf_option signer_options[] = {
	OPT("KeyTable", CONF_STRING, NULL, key_table, 0, 0, NULL),
	OPT("SigningTable", CONF_STRING, NULL, signing_table, 0, 0, NULL),
	OPT("KeyFile", CONF_STRING, NULL, key_file, 0, 0, NULL),
	OPT("Selector", CONF_STRING, NULL, selector, 0, 0, NULL),
	OPT("Domain", CONF_LIST, "", domain, 0, 0, NULL),
	OPT("Canonicalization", CONF_ENUM, "relaxed/relaxed", canonicalization,
	    0, 0, signer_canon_choices),
	OPT("MultipleSignatures", CONF_BOOL, "no", multiple_signatures, 0, 0,
	    NULL),
	OPT("SignHeaders", CONF_STRING, NULL, sign_headers, 0, 0, NULL),
	OPT("OversignHeaders", CONF_STRING, NULL, oversign_headers, 0, 0, NULL),
	OPT("SignatureAlgorithm", CONF_ENUM, "rsa-sha256", signature_algorithm,
	    0, 0, algorithm_choices),
	OPT("MinimumKeyBits", CONF_UINT, "1024", minimum_key_bits, 0, 16384,
	    NULL),
	OPT("RequireSafeKeys", CONF_BOOL, "yes", require_safe_keys, 0, 0, NULL),
	OPT("SignatureTTL", CONF_UINT, "0", signature_ttl, 0, 0, NULL),
	OPT("Syslog", CONF_BOOL, "yes", syslog, 0, 0, NULL),
	OPT("SyslogFacility", CONF_STRING, "mail", syslog_facility, 0, 0, NULL),
	OPT("SyslogSuccess", CONF_BOOL, "yes", syslog_success, 0, 0, NULL),
	OPT("UserID", CONF_STRING, NULL, user_id, 0, 0, NULL),
	OPT("TemporaryDirectory", CONF_STRING, "/tmp", temporary_directory, 0,
	    0, NULL),
	OPT("ReinjectCommand", CONF_STRING, "/usr/sbin/sendmail -G -i",
	    reinject_command, 0, 0, NULL),
	OPT("SigningAddress", CONF_ENUM, "from", signing_address, 0, 0,
	    address_choices),
	OPT("LogFile", CONF_STRING, NULL, log_file, 0, 0, NULL),
	OPT("TimeLimit", CONF_TIME, SIGNER_STR(SIGNER_TIME_LIMIT_DEFAULT) "s",
	    time_limit, 1000, 86400000, NULL),
	OPT("SigningSocket", CONF_STRING, NULL, signing_socket, 0, 0, NULL),
	OPT("SigningTimeout", CONF_TIME, "10s", signing_timeout, 100,
	    3600000, NULL),
	OPT("SigningClients", CONF_LIST, "", signing_clients, 0, 0, NULL),
	OPT("SigningProcesses", CONF_UINT, "2", signing_processes, 1, 64,
	    NULL),
	{NULL, 0, NULL, 0, 0, 0, NULL},
};

const char *const *
signer_split(struct arena *arena, const char *s, const char *seps)
{
	size_t n = 0, i = 0, len;
	const char *p;
	const char **list;

	for (p = s; *p != '\0';) {
		p += strspn(p, seps);
		if ((len = strcspn(p, seps)) > 0)
			n++;
		p += len;
	}
	list = arena_alloc(arena, (n + 1) * sizeof(*list));
	for (p = s; *p != '\0';) {
		p += strspn(p, seps);
		if ((len = strcspn(p, seps)) > 0)
			list[i++] = arena_strndup(arena, p, len);
		p += len;
	}
	list[i] = NULL;
	return list;
}

static int
apply_overrides(struct signer_settings *set, struct arena *arena,
		const char *const *overrides, const char **error_r)
{
	for (; overrides != NULL && *overrides != NULL; overrides++) {
		const char *eq = strchr(*overrides, '=');
		const char *name;

		if (eq == NULL) {
			*error_r = arena_printf(arena, "-o %s: missing '='",
						*overrides);
			return -1;
		}
		name = arena_strndup(arena, *overrides,
				     (size_t)(eq - *overrides));
		if (conf_set(signer_options, set, arena, name, eq + 1,
			     error_r) < 0)
			return -1;
	}
	return 0;
}

int
signer_settings_load(const char *path, const char *const *overrides,
		     struct arena *arena, struct signer_settings *set,
		     const char **error_r)
{
	if (conf_defaults(signer_options, set, arena, error_r) < 0 ||
	    (path != NULL &&
	     conf_read_file_syntax(signer_options, set, arena,
				   CONF_SYNTAX_SPACE, path, error_r) < 0) ||
	    apply_overrides(set, arena, overrides, error_r) < 0)
		return -1;
	return 0;
}
