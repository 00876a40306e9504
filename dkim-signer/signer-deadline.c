/*
 * signer-deadline.c - TimeLimit: kill the re-injection, then exit 75
 * (signer-deadline.h).
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "signer-deadline.h"

#define EX_TEMPFAIL_ 75

static volatile sig_atomic_t expired;
static volatile sig_atomic_t watched_group;
static char err_text[1024], log_text[1024];
static size_t err_len, log_len;
static int hard_log_fd = -1;

static void
deadline_alarm(int sig)
{
	(void)sig;
	if (!expired) {
		/* first: end the re-injection; the caller fails normally */
		expired = 1;
		if (watched_group > 0)
			(void)kill(-(pid_t)watched_group, SIGKILL);
		alarm(SIGNER_DEADLINE_GRACE);
		return;
	}
	(void)write(2, err_text, err_len);
	if (hard_log_fd >= 0)
		(void)write(hard_log_fd, log_text, log_len);
	_exit(EX_TEMPFAIL_);
}

static size_t
copy_line(char *dst, size_t size, const char *line)
{
	size_t len = strlen(line);

	if (len >= size)
		len = size - 1;
	memcpy(dst, line, len);
	return len;
}

void
signer_deadline_arm(unsigned int seconds, const char *err_line,
		    const char *log_line, int log_fd)
{
	struct sigaction sa;

	alarm(0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = deadline_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(SIGALRM, &sa, NULL);
	err_len = copy_line(err_text, sizeof(err_text), err_line);
	log_len = copy_line(log_text, sizeof(log_text), log_line);
	hard_log_fd = log_fd;
	expired = 0;
	alarm(seconds > 0 ? seconds : 1);
}

void
signer_deadline_watch(pid_t pgid)
{
	watched_group = (sig_atomic_t)pgid;
}

bool
signer_deadline_expired(void)
{
	return expired != 0;
}
