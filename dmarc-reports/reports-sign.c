/*
 * reports-sign.c - DKIM signatures on the report messages with
 * dkim-signer's modules (reports-sign.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "signer-config.h"
#include "signer-message.h"
#include "reports-sign.h"

struct reports_signer {
	struct signer_config *config;
	char *error; /* the last unsigned verdict's reason */
};

/* Not the signer's pipe: spool in memory up to this, a report is small. */
#define REPORTS_SIGN_SPOOL_MEMORY (64 * 1024 * 1024)

int
reports_signer_new(const char *config_path, struct reports_signer **signer_r,
		   const char **error_r)
{
	struct reports_signer *s = ma_calloc(1, sizeof(*s));

	if (signer_config_load(config_path, NULL, &s->config, error_r) < 0) {
		free(s);
		return -1;
	}
	*signer_r = s;
	return 0;
}

void
reports_signer_free(struct reports_signer **signer_p)
{
	struct reports_signer *s = *signer_p;

	if (s == NULL)
		return;
	*signer_p = NULL;
	signer_config_free(&s->config);
	free(s->error);
	free(s);
}

int
reports_signer_sign(struct reports_signer *s, const char *sender,
		    time_t now, struct buf *msg, const char **error_r)
{
	struct signer_message m;
	struct signer_outcome out;
	struct buf signed_msg = BUF_INIT;
	int ret = -1;

	signer_message_init(&m, s->config->set.temporary_directory,
			    REPORTS_SIGN_SPOOL_MEMORY);
	if (signer_message_push(&m, msg->data, msg->len, error_r) < 0)
		goto out;
	signer_message_end(&m);
	if (signer_message_sign(&m, s->config, sender, now, &out,
				error_r) < 0)
		goto out;
	if (out.verdict != SIGNER_SIGNED) {
		/* the reason lives in the message: keep a copy */
		free(s->error);
		s->error = ma_strdup(out.reason != NULL ? out.reason :
				     "no signing key for ReportEmail");
		*error_r = s->error;
		goto out;
	}
	buf_append(&signed_msg, out.fields, out.fields_len);
	buf_append(&signed_msg, msg->data, msg->len);
	buf_free(msg);
	*msg = signed_msg;
	ret = 0;
out:
	signer_message_deinit(&m);
	return ret;
}
