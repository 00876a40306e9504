/*
 * signer-settings.h - dkim-signer's options: the one table of every
 * option (the names OpenDKIM's opendkim.conf(5) uses for every option
 * the two share, read with conf.h's OpenDKIM line syntax), read from the
 * file and -o overrides into a struct signer_settings.  Nothing here
 * reads a table or a key, or links OpenSSL: the SigningSocket client
 * (dkim-signer-client) reads its options with this alone;
 * signer-config.h builds the tables and keys on top.
 *
 * Memory: strings live in the caller's arena.
 */
#ifndef SIGNER_SETTINGS_H
#define SIGNER_SETTINGS_H

#include <stdbool.h>

struct arena;

/* Which address selects the SigningTable entries. */
enum signer_address {
	SIGNER_ADDRESS_FROM,	 /* the From header field (OpenDKIM) */
	SIGNER_ADDRESS_ENVELOPE, /* the envelope sender (-f) */
};

struct signer_settings {
	const char *key_table;	   /* KeyTable */
	const char *signing_table; /* SigningTable */
	const char *key_file;	   /* KeyFile (without KeyTable) */
	const char *selector;	   /* Selector (without KeyTable) */
	const char *const *domain; /* Domain (without KeyTable) */
	unsigned int canonicalization; /* index into signer_canon_choices */
	bool multiple_signatures;
	const char *sign_headers;     /* NULL: lib default set */
	const char *oversign_headers; /* NULL: lib default set */
	unsigned int signature_algorithm;
	unsigned int minimum_key_bits;
	bool require_safe_keys;
	unsigned int signature_ttl; /* seconds, x= = t= + this; 0 none */
	bool syslog;
	const char *syslog_facility;
	bool syslog_success;
	const char *user_id;
	const char *temporary_directory;
	/* ours */
	const char *reinject_command;
	unsigned int signing_address; /* enum signer_address */
	const char *log_file;
	unsigned int time_limit; /* ms (TimeLimit, signer-deadline.h) */
	/* the signing service (signer-service.h, signer-client.h) */
	const char *signing_socket;	      /* SigningSocket, or NULL */
	unsigned int signing_timeout;	      /* ms (SigningTimeout) */
	const char *const *signing_clients; /* SigningClients user names */
	unsigned int signing_processes;	      /* SigningProcesses */
};

/* TimeLimit default, seconds: well below pipe(8)'s time_limit (Postfix's
 * command_time_limit, 1000 s), which bounces (probe 2026-12 F04). */
#define SIGNER_TIME_LIMIT_DEFAULT 300

extern const char *const signer_canon_choices[];

/* Read defaults, then the file `path` (NULL: none), then `overrides`
 * (NULL-terminated "Name=value", may be NULL) into *set.  0, or -1 with
 * *error_r (arena; names file and line). */
int signer_settings_load(const char *path, const char *const *overrides,
			 struct arena *arena, struct signer_settings *set,
			 const char **error_r);

/* Split a space-separated command or a colon/comma-separated header
 * list into an arena NULL-terminated array. */
const char *const *signer_split(struct arena *arena, const char *s,
				const char *seps);

#endif
