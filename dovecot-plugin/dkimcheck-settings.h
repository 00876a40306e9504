/*
 * dkimcheck-settings.h - the dkimcheck_* settings of the dkimcheck
 * Dovecot plugin (dkimcheck(7)), in two views:
 *
 * - the transaction view, read once per LMTP transaction from the
 *   process's settings (protocol lmtp { } applied, no user yet): whether
 *   to verify at all, the authserv-id, the resolver, the DNS time budget,
 *   whose SPF results are believed and the signature limit;
 * - the recipient view, read per recipient from the mail_user (plugin { }
 *   plus userdb overrides, so per user or per domain): opt-out, keywords,
 *   the Junk mailbox, what a DMARC reject means, dry run, report
 *   ingest.
 *
 * A value that does not parse is an error: the caller logs it and
 * delivers the message untouched (nothing lost).
 *
 * Where the values come from is the one thing that differs between
 * Dovecot versions, so the two functions below have one implementation
 * per version, chosen by configure: dkimcheck-settings-23.c (plugin { }
 * strings through mail_user_plugin_getenv()) and dkimcheck-settings-24.c
 * (settings_get() on the client's or the user's event, with the table in
 * dkimcheck-settings-24-info.c).  What a valid value is, is shared:
 * dkimcheck-setvalue.h.
 *
 * Memory: strings in the transaction view are allocated from the pool
 * given; those in the recipient view live as long as the mail_user.
 */
#ifndef DKIMCHECK_SETTINGS_H
#define DKIMCHECK_SETTINGS_H

struct client;
struct mail_user;

/* Default time budget for all DNS work of one message. */
#define DKIMCHECK_DEFAULT_DNS_TIMEOUT_MSECS 5000
/* Above this a DNS budget is a configuration mistake (LMTP would stall). */
#define DKIMCHECK_MAX_DNS_TIMEOUT_MSECS 60000
/* Default and upper limit of dkimcheck_max_signatures. */
#define DKIMCHECK_DEFAULT_MAX_SIGNATURES 8
#define DKIMCHECK_MAX_MAX_SIGNATURES 64
/* Defaults of the recipient view. */
#define DKIMCHECK_DEFAULT_JUNK_MAILBOX "Junk"
#define DKIMCHECK_DEFAULT_KW_DKIM_FAIL "$DKIM_Fail"
#define DKIMCHECK_DEFAULT_KW_DMARC_FAIL "$DMARC_Fail"
#define DKIMCHECK_DEFAULT_KW_JUNK "$Junk"

/* Trusted authserv-ids besides ours (lib/msgauth/msgauth.h's
 * MSGAUTH_MAX_TRUSTED_IDS). */
#define DKIMCHECK_MAX_TRUSTED_IDS 16

/* dkimcheck_reject: what a DMARC "reject" disposition does. */
enum dkimcheck_reject_action {
	DKIMCHECK_REJECT_JUNK, /* file into the Junk mailbox (default) */
	DKIMCHECK_REJECT_LMTP, /* LMTP 550 5.7.1 for this recipient */
};

struct dkimcheck_settings {
	bool enabled;			/* dkimcheck (default yes) */
	const char *authserv_id;	/* dkimcheck_authserv_id (hostname) */
	const char *resolver_config;	/* dkimcheck_resolver_config or NULL */
	unsigned int dns_timeout_msecs; /* dkimcheck_dns_timeout */
	/* dkimcheck_trusted_authserv_ids, NULL-terminated, possibly empty
	 * (our own authserv_id is always trusted) */
	const char *const *trusted_authserv_ids;
	unsigned int max_signatures; /* dkimcheck_max_signatures */
	const char *dmarc_history; /* dkimcheck_dmarc_history dir or NULL */
};

struct dkimcheck_user_settings {
	bool enabled;		  /* dkimcheck = no opts the user out */
	bool keywords;		  /* dkimcheck_keywords (default yes) */
	bool dry_run;		  /* dkimcheck_dry_run: tag, never file */
	const char *junk_mailbox; /* dkimcheck_junk_mailbox (Junk) */
	enum dkimcheck_reject_action reject; /* dkimcheck_reject */
	/* keyword names: dkimcheck_keyword_dkim_fail ($DKIM_Fail),
	 * dkimcheck_keyword_dmarc_fail ($DMARC_Fail),
	 * dkimcheck_keyword_junk ($Junk, RFC 9051 / IANA registry) */
	const char *keyword_dkim_fail;
	const char *keyword_dmarc_fail;
	const char *keyword_junk;
	/* dkimcheck_report_ingest: read the DMARC reports in this user's
	 * mail into dkimcheck_dmarc_history (dkimcheck-ingest.h) */
	bool report_ingest;
};

/* The transaction view from the settings of the lmtp client (protocol
 * lmtp applied, no user yet).  0, or -1 with *error_r naming the setting
 * and its value. */
int dkimcheck_settings_read(struct client *client, pool_t pool,
			    struct dkimcheck_settings *set_r,
			    const char **error_r);

/* The recipient view from the user's settings.  0, or -1 with *error_r. */
int dkimcheck_user_settings_read(struct mail_user *user,
				 struct dkimcheck_user_settings *set_r,
				 const char **error_r);

#endif
