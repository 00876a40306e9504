/*
 * dkimcheck-storage.h - keywords on the stored copy of a delivered
 * message.  A mail_storage_hooks set attaches a small context to every
 * mail_user of a process that loads dkimcheck, and overrides the copy and
 * save_begin vfuncs of its mailboxes: while keywords are pending for the
 * user (set by the LMTP local_deliver override around one recipient's
 * delivery), every MDA save (MAILBOX_FLAG_POST_SESSION) gets them merged
 * with the keywords already asked for (those of a Sieve addflag or
 * fileinto :flags).  Saves by IMAP or doveadm are never touched.
 *
 * Both save paths are covered: a copy from the raw LMTP mail (which falls
 * through to save_begin with copying_via_save set) and the maildir
 * hardlink copy used for the second and later recipients (no
 * save_begin).
 *
 * Memory: the keyword array is owned by the caller and must stay valid
 * until dkimcheck_storage_clear_keywords().
 */
#ifndef DKIMCHECK_STORAGE_H
#define DKIMCHECK_STORAGE_H

struct module;
struct mail_user;

void dkimcheck_storage_init(struct module *module);
void dkimcheck_storage_deinit(void);

/* Make `keywords` (NULL-terminated, may be empty) pending for the MDA
 * saves of `user`.  FALSE when the user has no dkimcheck context (the
 * plugin is not in that user's mail_plugins): nothing will be added. */
bool dkimcheck_storage_set_keywords(struct mail_user *user,
				    const char *const *keywords);
void dkimcheck_storage_clear_keywords(struct mail_user *user);

#endif
