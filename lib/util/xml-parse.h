/*
 * xml-parse.h - a small streaming XML 1.0 reader for documents other
 * people send us (DMARC aggregate reports): the reader paired with the
 * writer util/xml.h.  Input is pushed in pieces as it arrives; events
 * are pulled one at a time (OpenSMTPD's push/next shape).
 *
 * What it reads (W3C XML 1.0 fifth edition): elements (3.1), attributes
 * (names, quoted values, duplicates refused), character data (2.4),
 * CDATA sections (2.7), comments (2.5), processing instructions and the
 * XML declaration (2.6, 2.8), the five predefined entities (4.6) and
 * character references (4.1), line ends normalized (2.11), attribute
 * values normalized (3.3.3, CDATA type).  The document must be UTF-8
 * (a UTF-8 BOM is skipped); invalid UTF-8 and characters outside 2.2
 * "Char" are refused.  Namespaces are not resolved: an element keeps
 * its qualified name, the event also gives its local part; the caller
 * reads xmlns attributes itself.
 *
 * Refused outright, with a reason: a DOCTYPE (so no DTD, no entity
 * declaration, no external entity, no entity expansion: XXE and "billion
 * laughs" cannot happen), any other entity reference, any other
 * <!...> declaration, a second root element, text outside the root,
 * mismatched tags, and anything over the caps of struct
 * xml_parse_limits.  An error is final: every later call returns it.
 *
 * Memory: bounded by the limits whatever the input - the reader holds
 * the unread rest of one token (at most max_text plus one input piece
 * of XML_PARSE_PIECE bytes), the open element names and one decoded
 * token.  An event's strings live until the next xml_parse_next() or
 * xml_parse_push() call.  Data given to xml_parse_push() is read in
 * place until xml_parse_next() returns XML_EV_NEED_MORE (it is copied
 * XML_PARSE_PIECE bytes at a time), so it must stay valid until then.
 */
#ifndef MA_XML_PARSE_H
#define MA_XML_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xml_parse;

/* Input copied into the reader's buffer at a time. */
#define XML_PARSE_PIECE 16384

struct xml_parse_limits {
	unsigned int max_depth;	 /* open elements */
	size_t max_name;	 /* octets of an element or attribute name */
	size_t max_text;	 /* octets of one text run, attribute value,
				    comment, PI or tag */
	unsigned int max_attrs;	 /* attributes of one element */
	uint64_t max_total;	 /* octets of the whole document */
};

/* Defaults: depth 64, names 256, text 65536, 32 attributes, 1 GiB. */
void xml_parse_limits_default(struct xml_parse_limits *limits);

enum xml_event_type {
	XML_EV_NEED_MORE, /* push more input (or call xml_parse_end) */
	XML_EV_START,	  /* start tag (an empty-element tag gives START
			     then END) */
	XML_EV_END,	  /* end tag */
	XML_EV_TEXT,	  /* character data or a CDATA section, decoded */
	XML_EV_COMMENT,
	XML_EV_PI,	  /* name: the target, text: the rest */
	XML_EV_EOF,	  /* the root element closed and the input ended */
	XML_EV_ERROR,	  /* text: the reason (static) */
};

struct xml_attr {
	const char *name;  /* qualified, NUL-terminated */
	const char *value; /* decoded, NUL-terminated */
	size_t value_len;
};

struct xml_event {
	enum xml_event_type type;
	const char *name;  /* START / END: qualified name; PI: target */
	const char *local; /* START / END: the part after a prefix */
	const char *text;  /* TEXT, COMMENT, PI, ERROR; NUL-terminated */
	size_t text_len;
	bool cdata;	   /* TEXT from a CDATA section */
	const struct xml_attr *attrs; /* START */
	size_t nattrs;
	unsigned int depth; /* START / END: 1 for the root element */
};

/* A new reader (limits NULL: the defaults).  Free with xml_parse_free. */
struct xml_parse *xml_parse_new(const struct xml_parse_limits *limits);
void xml_parse_free(struct xml_parse **x_p);

/* Hand the reader the next piece of the document (see Memory above).
 * Going over max_total makes the next event an error. */
void xml_parse_push(struct xml_parse *x, const void *data, size_t len);
/* No more input will come. */
void xml_parse_end(struct xml_parse *x);
/* The next event into *ev_r. */
void xml_parse_next(struct xml_parse *x, struct xml_event *ev_r);

/* Octets pushed so far. */
uint64_t xml_parse_total(const struct xml_parse *x);

#endif
