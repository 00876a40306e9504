/*
 * msgauth-ingest-sniff.c - an attachment's format by its first octets
 * (msgauth-ingest-sniff.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "util/strparse.h"
#include "msgauth/msgauth-ingest-sniff.h"

static bool
is_name_char(unsigned char c)
{
	return sp_is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* "<feedback" or "<PREFIX:feedback" followed by white space, '>' or
 * '/' */
static bool
feedback_root(struct strparse *sp)
{
	struct sp_slice name;
	int c;

	if (!sp_char(sp, '<'))
		return false;
	sp_span(sp, is_name_char, 256, &name);
	if (sp_char(sp, ':'))
		sp_span(sp, is_name_char, 256, &name);
	if (name.len != 8 || strncmp(name.p, "feedback", 8) != 0)
		return false;
	c = sp_peek(sp);
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' ||
		c == '/';
}

enum msgauth_ingest_format
msgauth_ingest_sniff(const void *data, size_t len)
{
	const unsigned char *d = data;
	struct strparse sp;

	if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return MSGAUTH_INGEST_GZIP;
	if (len >= 4 && d[0] == 'P' && d[1] == 'K' &&
	    ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6)))
		return MSGAUTH_INGEST_ZIP;
	sp_init(&sp, data, len);
	sp_literal_ci(&sp, "\xef\xbb\xbf");
	while (!sp_eof(&sp) && strchr(" \t\r\n", sp_peek(&sp)) != NULL)
		sp.p++;
	if (sp_left(&sp) >= 5 && memcmp(sp.p, "<?xml", 5) == 0)
		return MSGAUTH_INGEST_XML;
	return feedback_root(&sp) ? MSGAUTH_INGEST_XML :
		MSGAUTH_INGEST_NOT_REPORT;
}

static bool
ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool
msgauth_ingest_labelled_report(const char *type, const char *name)
{
	static const char *const types[] = {
		"application/zip", "application/x-zip",
		"application/x-zip-compressed", "application/gzip",
		"application/x-gzip", "application/xml", "text/xml"};
	static const char *const suffixes[] = {".zip", ".gz", ".gzip",
					       ".xml"};

	for (size_t i = 0; type != NULL && i < sizeof(types) / sizeof(*types);
	     i++)
		if (strcmp(type, types[i]) == 0)
			return true;
	for (size_t i = 0;
	     name != NULL && i < sizeof(suffixes) / sizeof(*suffixes); i++)
		if (ends_with_ci(name, suffixes[i]))
			return true;
	return false;
}
