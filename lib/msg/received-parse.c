/*
 * received-parse.c - the client address of a Received field
 * (received-parse.h; RFC 5321 4.4, 4.1.3).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "msg/received-parse.h"

/* Longest address literal accepted: "IPv6:" + an IPv6 text form. */
#define RECEIVED_MAX_LITERAL (5 + INET6_ADDRSTRLEN)

/* End of the from clause: the first " by " (any white space). */
static size_t
from_clause_end(const char *v, size_t len)
{
	size_t i;

	for (i = 1; i + 3 < len; i++) {
		if ((v[i - 1] == ' ' || v[i - 1] == '\t' || v[i - 1] == '\n') &&
		    strncasecmp(v + i, "by", 2) == 0 &&
		    (v[i + 2] == ' ' || v[i + 2] == '\t' || v[i + 2] == '\r' ||
		     v[i + 2] == '\n'))
			return i;
	}
	return len;
}

/* Parse one "[...]" literal; true with the normalized text in out. */
static bool
literal_ip(const char *p, size_t n, char out[INET6_ADDRSTRLEN])
{
	char tmp[RECEIVED_MAX_LITERAL + 1];
	unsigned char addr[16];

	if (n == 0 || n > RECEIVED_MAX_LITERAL)
		return false;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (n > 5 && strncasecmp(tmp, "IPv6:", 5) == 0) {
		return inet_pton(AF_INET6, tmp + 5, addr) == 1 &&
		       inet_ntop(AF_INET6, addr, out, INET6_ADDRSTRLEN) != NULL;
	}
	if (inet_pton(AF_INET, tmp, addr) == 1)
		return inet_ntop(AF_INET, addr, out, INET6_ADDRSTRLEN) != NULL;
	return inet_pton(AF_INET6, tmp, addr) == 1 &&
	       inet_ntop(AF_INET6, addr, out, INET6_ADDRSTRLEN) != NULL;
}

int
received_client_ip(const char *value, size_t len, struct arena *arena,
		   const char **ip_r, const char **error_r)
{
	char ip[INET6_ADDRSTRLEN], found[INET6_ADDRSTRLEN];
	size_t end = from_clause_end(value, len), i, j;
	bool have = false;

	for (i = 0; i < end; i++) {
		if (value[i] != '[')
			continue;
		for (j = i + 1; j < end && value[j] != ']'; j++)
			;
		if (j < end && literal_ip(value + i + 1, j - i - 1, ip)) {
			memcpy(found, ip, sizeof(found));
			have = true;
		}
		i = j;
	}
	if (!have) {
		*error_r = "no client address literal before \"by\"";
		return -1;
	}
	*ip_r = arena_strdup(arena, found);
	return 0;
}
