/*
 * signer-user.c - UserID lookup and privilege drop (signer-user.h).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "signer-user.h"

int
signer_user_lookup(const char *spec, struct arena *arena,
		   struct signer_user *user_r, const char **error_r)
{
	const char *colon = strchr(spec, ':');
	const char *user = colon != NULL ?
		arena_strndup(arena, spec, (size_t)(colon - spec)) : spec;
	struct passwd *pw;
	struct group *gr;

	if (user[0] == '\0' || (colon != NULL && colon[1] == '\0')) {
		*error_r = "UserID: empty user or group name";
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		*error_r = arena_printf(arena, "UserID: no such user '%s'%s%s",
					user, errno != 0 ? ": " : "",
					errno != 0 ? strerror(errno) : "");
		return -1;
	}
	user_r->name = arena_strdup(arena, pw->pw_name);
	user_r->uid = pw->pw_uid;
	user_r->gid = pw->pw_gid;
	if (colon == NULL)
		return 0;
	errno = 0;
	if ((gr = getgrnam(colon + 1)) == NULL) {
		*error_r = arena_printf(arena, "UserID: no such group '%s'%s%s",
					colon + 1, errno != 0 ? ": " : "",
					errno != 0 ? strerror(errno) : "");
		return -1;
	}
	user_r->gid = gr->gr_gid;
	return 0;
}

int
signer_user_become(const struct signer_user *user, struct arena *arena,
		   const char **error_r)
{
	const char *what;

	if (initgroups(user->name, user->gid) < 0)
		what = "initgroups";
	else if (setgid(user->gid) < 0)
		what = "setgid";
	else if (setuid(user->uid) < 0)
		what = "setuid";
	else
		return 0;
	*error_r = arena_printf(arena, "UserID: %s: %s", what, strerror(errno));
	return -1;
}
