/*
 * signer-user.h - UserID USER[:GROUP]: the user and group dkim-signer
 * becomes when it is started as root (under pipe(8), user= does this
 * already).
 *
 * The process's group is GROUP, or the user's primary group without one
 * (probe 2026-12 F13: GROUP used to be ignored).  The supplementary
 * groups are the user's memberships (initgroups(3)) plus that group, as
 * login(1) and OpenDKIM give them.  An unknown user or group is refused
 * at start-up (and by dkim-signer -n), whoever runs the signer.
 *
 * Memory: the names point into the caller's arena.
 */
#ifndef SIGNER_USER_H
#define SIGNER_USER_H

#include <sys/types.h>

struct arena;

struct signer_user {
	const char *name; /* the user name */
	uid_t uid;
	gid_t gid; /* GROUP, or the user's primary group */
};

/* Look up "USER" or "USER:GROUP".  Returns 0 with *user_r, or -1 with
 * *error_r (arena): "UserID: no such user 'x'", "UserID: no such group
 * 'y'", "UserID: empty user or group name". */
int signer_user_lookup(const char *spec, struct arena *arena,
		       struct signer_user *user_r, const char **error_r);

/* Become that user (initgroups, setgid, setuid, in this order; each is
 * checked).  Returns 0, or -1 with *error_r (arena). */
int signer_user_become(const struct signer_user *user, struct arena *arena,
		       const char **error_r);

#endif
