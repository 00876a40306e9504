/*
 * dkimcheck-fatal.c - libmailauth's fatal hooks mapped onto Dovecot's
 * (see dkimcheck-fatal.h).
 */
#include "lib.h"

#include "util/panic.h"
#include "util/xalloc.h"

#include "dkimcheck-fatal.h"

static void ATTR_NORETURN
dkimcheck_oom(size_t size)
{
	i_fatal_status(FATAL_OUTOFMEM, "dkimcheck: out of memory (%zu bytes)",
		       size);
}

static void ATTR_NORETURN
dkimcheck_panic(const char *msg)
{
	i_panic("dkimcheck: %s", msg);
}

void
dkimcheck_fatal_init(void)
{
	ma_set_oom_handler(dkimcheck_oom);
	ma_set_panic_handler(dkimcheck_panic);
}

void
dkimcheck_fatal_deinit(void)
{
	ma_set_oom_handler(NULL);
	ma_set_panic_handler(NULL);
}
