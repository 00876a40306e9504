/*
 * dkimcheck-setvalue.c - the valid values of the dkimcheck_* settings
 * (see dkimcheck-setvalue.h).
 */
#include "lib.h"
#include "array.h"

#include "dkimcheck-setvalue.h"

int
dkimcheck_setvalue_dns_timeout(const char *text, unsigned int msecs,
			       const char **error_r)
{
	if (msecs == 0 || msecs > DKIMCHECK_MAX_DNS_TIMEOUT_MSECS) {
		*error_r = t_strdup_printf("dkimcheck_dns_timeout: '%s' out "
					   "of range (1ms..%us)", text,
					   DKIMCHECK_MAX_DNS_TIMEOUT_MSECS /
						   1000);
		return -1;
	}
	return 0;
}

int
dkimcheck_setvalue_max_signatures(unsigned int n, const char **error_r)
{
	if (n == 0 || n > DKIMCHECK_MAX_MAX_SIGNATURES) {
		*error_r = t_strdup_printf("dkimcheck_max_signatures: invalid "
					   "value '%u' (1..%u)", n,
					   DKIMCHECK_MAX_MAX_SIGNATURES);
		return -1;
	}
	return 0;
}

int
dkimcheck_setvalue_authserv_id(const char *value, const char **error_r)
{
	if (strpbrk(value, " \t\r\n;()\"") != NULL) {
		*error_r = t_strdup_printf("dkimcheck_authserv_id: '%s' is "
					   "not a token (RFC 8601 2.2)",
					   value);
		return -1;
	}
	return 0;
}

/* RFC 9051 section 9: atom = 1*ATOM-CHAR, no atom-specials
 * "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials /
 * resp-specials; "" is allowed here and turns the keyword off. */
int
dkimcheck_setvalue_keyword(const char *name, const char *value,
			   const char **error_r)
{
	const char *p;

	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("(){%*\"\\]", *p) != NULL) {
			*error_r = t_strdup_printf("%s: '%s' is not an IMAP "
						   "keyword", name, value);
			return -1;
		}
	}
	return 0;
}

int
dkimcheck_setvalue_reject(const char *value,
			  enum dkimcheck_reject_action *action_r,
			  const char **error_r)
{
	if (*value == '\0' || strcasecmp(value, "junk") == 0) {
		*action_r = DKIMCHECK_REJECT_JUNK;
		return 0;
	}
	if (strcasecmp(value, "lmtp") == 0) {
		*action_r = DKIMCHECK_REJECT_LMTP;
		return 0;
	}
	*error_r = t_strdup_printf("dkimcheck_reject: invalid value '%s' "
				   "(junk or lmtp)", value);
	return -1;
}

int
dkimcheck_setvalue_trusted_ids(pool_t pool, const char *value,
			       const char *const **list_r,
			       const char **error_r)
{
	ARRAY_TYPE(const_string) list;
	const char *const *words, *entry;

	words = t_strsplit_spaces(value, " ,\t");
	if (str_array_length(words) > DKIMCHECK_MAX_TRUSTED_IDS) {
		*error_r = t_strdup_printf("dkimcheck_trusted_authserv_ids: "
					   "more than %u entries",
					   DKIMCHECK_MAX_TRUSTED_IDS);
		return -1;
	}
	p_array_init(&list, pool, str_array_length(words) + 1);
	for (; *words != NULL; words++) {
		entry = p_strdup(pool, *words);
		array_push_back(&list, &entry);
	}
	array_append_zero(&list);
	*list_r = array_front(&list);
	return 0;
}
