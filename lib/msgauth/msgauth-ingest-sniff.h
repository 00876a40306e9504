/*
 * msgauth-ingest-sniff.h - what a decoded attachment holds, by its first
 * octets rather than its label: real reporters send zip files as
 * application/octet-stream, gzip files named .zip, XML as text/plain
 * (issue #19).  gzip: RFC 1952 2.3.1 ID1 ID2 (1f 8b); zip: PKWARE
 * APPNOTE 4.3.7 local file header (PK 03 04) or 4.3.16 end of central
 * directory (PK 05 06, an empty archive); XML: "<?xml" (W3C XML 1.0
 * 2.8) or a <feedback> root with or without a prefix (RFC 9990 / RFC
 * 7489 C), after an optional UTF-8 BOM and white space.
 *
 * Memory: nothing allocated.
 */
#ifndef MA_MSGAUTH_INGEST_SNIFF_H
#define MA_MSGAUTH_INGEST_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

enum msgauth_ingest_format {
	MSGAUTH_INGEST_NOT_REPORT,
	MSGAUTH_INGEST_XML,
	MSGAUTH_INGEST_GZIP,
	MSGAUTH_INGEST_ZIP,
};

enum msgauth_ingest_format msgauth_ingest_sniff(const void *data, size_t len);

/* Whether a part's content type or name says it is a report (then a
 * part that is none is refused with a reason, not passed over). */
bool msgauth_ingest_labelled_report(const char *type, const char *name);

#endif
