/*
 * dkimcheck-storage.c - the mail_user / mailbox vfunc overrides that put
 * dkimcheck's keywords on MDA saves (see dkimcheck-storage.h).
 */
#include "lib.h"
#include "mail-user.h"
#include "mail-storage-private.h"
#include "mail-storage-hooks.h"

#include "dkimcheck-storage.h"

#define DKIMCHECK_USER_CONTEXT(obj) \
	MODULE_CONTEXT(obj, dkimcheck_user_module)
#define DKIMCHECK_MAILBOX_CONTEXT(obj) \
	MODULE_CONTEXT_REQUIRE(obj, dkimcheck_storage_module)

struct dkimcheck_user {
	union mail_user_module_context module_ctx;
	/* keywords for the delivery in progress, or NULL */
	const char *const *pending_keywords;
};

static MODULE_CONTEXT_DEFINE_INIT(dkimcheck_user_module,
				  &mail_user_module_register);
static MODULE_CONTEXT_DEFINE_INIT(dkimcheck_storage_module,
				  &mail_storage_module_register);

/* Merge the pending keywords into the save's own. */
static void
dkimcheck_save_add_keywords(struct mail_save_context *ctx)
{
	struct mailbox *box = ctx->transaction->box;
	struct dkimcheck_user *duser =
		DKIMCHECK_USER_CONTEXT(box->storage->user);
	struct mail_keywords *kw, *merged;

	if (duser == NULL || duser->pending_keywords == NULL ||
	    duser->pending_keywords[0] == NULL ||
	    (box->flags & MAILBOX_FLAG_POST_SESSION) == 0)
		return;
	kw = mailbox_keywords_create_valid(box, duser->pending_keywords);
	if (ctx->data.keywords != NULL) {
		merged = mailbox_keywords_merge(ctx->data.keywords, kw);
		mailbox_keywords_unref(&kw);
		kw = merged;
	}
	mailbox_save_set_flags(ctx, ctx->data.flags | ctx->data.pvt_flags, kw);
	mailbox_keywords_unref(&kw);
}

static int
dkimcheck_copy(struct mail_save_context *ctx, struct mail *mail)
{
	union mailbox_module_context *mbox =
		DKIMCHECK_MAILBOX_CONTEXT(ctx->transaction->box);

	dkimcheck_save_add_keywords(ctx);
	return mbox->super.copy(ctx, mail);
}

static int
dkimcheck_save_begin(struct mail_save_context *ctx, struct istream *input)
{
	union mailbox_module_context *mbox =
		DKIMCHECK_MAILBOX_CONTEXT(ctx->transaction->box);

	/* a copy that falls back to saving was handled in copy() */
	if (!ctx->copying_via_save)
		dkimcheck_save_add_keywords(ctx);
	return mbox->super.save_begin(ctx, input);
}

static void
dkimcheck_mailbox_allocated(struct mailbox *box)
{
	struct mailbox_vfuncs *v = box->vlast;
	union mailbox_module_context *mbox;

	mbox = p_new(box->pool, union mailbox_module_context, 1);
	mbox->super = *v;
	box->vlast = &mbox->super;
	v->copy = dkimcheck_copy;
	v->save_begin = dkimcheck_save_begin;
	MODULE_CONTEXT_SET_SELF(box, dkimcheck_storage_module, mbox);
}

static void
dkimcheck_mail_user_created(struct mail_user *user)
{
	struct mail_user_vfuncs *v = user->vlast;
	struct dkimcheck_user *duser;

	duser = p_new(user->pool, struct dkimcheck_user, 1);
	duser->module_ctx.super = *v;
	user->vlast = &duser->module_ctx.super;
	MODULE_CONTEXT_SET(user, dkimcheck_user_module, duser);
}

static struct mail_storage_hooks dkimcheck_storage_hooks = {
	.mail_user_created = dkimcheck_mail_user_created,
	.mailbox_allocated = dkimcheck_mailbox_allocated,
};

void
dkimcheck_storage_init(struct module *module)
{
	mail_storage_hooks_add(module, &dkimcheck_storage_hooks);
}

void
dkimcheck_storage_deinit(void)
{
	mail_storage_hooks_remove(&dkimcheck_storage_hooks);
}

bool
dkimcheck_storage_set_keywords(struct mail_user *user,
			       const char *const *keywords)
{
	struct dkimcheck_user *duser = DKIMCHECK_USER_CONTEXT(user);

	if (duser == NULL)
		return FALSE;
	duser->pending_keywords = keywords;
	return TRUE;
}

void
dkimcheck_storage_clear_keywords(struct mail_user *user)
{
	struct dkimcheck_user *duser = DKIMCHECK_USER_CONTEXT(user);

	if (duser != NULL)
		duser->pending_keywords = NULL;
}
