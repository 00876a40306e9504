/*
 * check_xml_parse.c - the streaming XML reader (util/xml-parse.h).
 *
 * Each document is read whole and fed one byte at a time; both must give
 * the same events.  The expected events are written from W3C XML 1.0
 * (fifth edition): 2.4 character data, 2.5 comments, 2.6 PIs, 2.7 CDATA
 * (no references recognised inside), 2.11 line ends (CR LF and lone CR
 * become LF), 3.1 start/end/empty-element tags and "Well-formedness
 * constraint: Element Type Match" / "Unique Att Spec", 3.3.3 attribute
 * value normalization (TAB, LF, CR become a space), 4.1 character
 * references ("Legal Character"), 4.6 the five predefined entities,
 * 2.1 (one root element, only Misc outside it); RFC 3629 section 3/4
 * (overlongs and surrogates are not UTF-8).  Everything an entity could
 * be declared with is refused: a DOCTYPE (XXE, billion laughs) and any
 * other entity reference.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xml-parse.h"
#include "harness.h"

/* The events as text: <name a=v>, </name>, "text", C"cdata", !(comment),
 * ?target[data], or ERR(reason). */
static void
trace_event(struct buf *t, const struct xml_event *ev)
{
	size_t i;

	switch (ev->type) {
	case XML_EV_START:
		buf_printf(t, "<%s", ev->name);
		for (i = 0; i < ev->nattrs; i++)
			buf_printf(t, " %s=%s", ev->attrs[i].name,
				   ev->attrs[i].value);
		buf_append_char(t, '>');
		break;
	case XML_EV_END:
		buf_printf(t, "</%s>", ev->name);
		break;
	case XML_EV_TEXT:
		buf_printf(t, "%s\"", ev->cdata ? "C" : "");
		buf_append(t, ev->text, ev->text_len);
		buf_append_char(t, '"');
		break;
	case XML_EV_COMMENT:
		buf_printf(t, "!(%s)", ev->text);
		break;
	case XML_EV_PI:
		buf_printf(t, "?%s[%s]", ev->name, ev->text);
		break;
	case XML_EV_ERROR:
		buf_printf(t, "ERR(%s)", ev->text);
		break;
	default:
		break;
	}
}

/* Read `doc` pushed `piece` octets at a time (0: whole). */
static void
run(const char *doc, size_t len, size_t piece,
    const struct xml_parse_limits *limits, struct buf *t)
{
	struct xml_parse *x = xml_parse_new(limits);
	struct xml_event ev;
	size_t off = 0, n;

	for (;;) {
		xml_parse_next(x, &ev);
		if (ev.type == XML_EV_NEED_MORE) {
			if (off == len) {
				xml_parse_end(x);
				continue;
			}
			n = piece == 0 || len - off < piece ? len - off : piece;
			xml_parse_push(x, doc + off, n);
			off += n;
			continue;
		}
		trace_event(t, &ev);
		if (ev.type == XML_EV_EOF || ev.type == XML_EV_ERROR)
			break;
	}
	xml_parse_free(&x);
}

static const struct {
	const char *doc;
	const char *want; /* the trace, or ERR(...) part of it */
} cases[] = {
	/* 3.1 tags, 2.4 text */
	{ "<a>x</a>", "<a>\"x\"</a>" },
	{ "<a b=\"1\" c='2'/>", "<a b=1 c=2></a>" },
	{ "<a  b = \"1\" ></a >", "<a b=1></a>" },
	{ "<a b=\"x>y\"/>", "<a b=x>y></a>" },
	/* 2.8 the XML declaration is a PI-shaped prolog item; 2.1 Misc */
	{ "<?xml version=\"1.0\"?>\n<a/>\n<!-- c -->\n",
	  "?xml[ version=\"1.0\"]<a></a>!( c )" },
	/* 4.6, 4.1 */
	{ "<a>&lt;&gt;&amp;&quot;&apos;</a>", "<a>\"<>&\"'\"</a>" },
	{ "<a>&#65;&#x42;&#233;&#x1F600;</a>",
	  "<a>\"AB\xc3\xa9\xf0\x9f\x98\x80\"</a>" },
	/* 2.7: nothing is recognised inside CDATA */
	{ "<a><![CDATA[<&amp;>]]></a>", "<a>C\"<&amp;>\"</a>" },
	{ "<a>x<!-- y -->z</a>", "<a>\"x\"!( y )\"z\"</a>" },
	{ "<a><?pi data?></a>", "<a>?pi[ data]</a>" },
	/* 2.11 */
	{ "<a>1\r\n2\r3\n4</a>", "<a>\"1\n2\n3\n4\"</a>" },
	/* 3.3.3 */
	{ "<a b=\"x\ty\nz\r\nw\"/>", "<a b=x y z w></a>" },
	{ "<a b=\"&#9;&lt;\"/>", "<a b=\t<></a>" },
	/* a UTF-8 byte order mark before the document */
	{ "\xef\xbb\xbf<a/>", "<a></a>" },
	{ "<p:a xmlns:p=\"urn:x\"><p:b/></p:a>",
	  "<p:a xmlns:p=urn:x><p:b></p:b></p:a>" },
	{ "<a>\xc3\xa9</a>", "<a>\"\xc3\xa9\"</a>" },
	/* refused: DTD and entities */
	{ "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>",
	  "ERR(DOCTYPE refused" },
	{ "<!ENTITY x \"y\"><a/>", "ERR(markup declaration refused)" },
	{ "<a>&x;</a>", "ERR(entity reference refused" },
	{ "<a>&lt</a>", "ERR(entity reference refused" },
	{ "<a>&#0;</a>", "ERR(entity reference refused" },
	{ "<a>&#xD800;</a>", "ERR(entity reference refused" },
	{ "<a>&#x110000;</a>", "ERR(entity reference refused" },
	/* refused: well-formedness */
	{ "<a></b>", "ERR(end tag does not match the start tag)" },
	{ "<a/><b/>", "ERR(a second root element)" },
	{ "x<a/>", "ERR(text outside the root element)" },
	{ "<a/>x", "ERR(text outside the root element)" },
	{ "<a>", "ERR(document ends inside an element)" },
	{ "<a>x", "ERR(document ends inside an element)" },
	{ "<a><b", "ERR(document ends inside markup)" },
	{ "", "ERR(no root element)" },
	{ "</a>", "ERR(end tag without a start tag)" },
	{ "<a b=\"1\" b=\"2\"/>", "ERR(attribute repeated)" },
	{ "<a b=1/>", "ERR(attribute value not quoted)" },
	{ "<a b=\"<\"/>", "ERR('<' in an attribute value)" },
	{ "<a b=\"1\"c=\"2\"/>", "ERR(attributes not separated" },
	{ "<1a/>", "ERR(invalid element name)" },
	{ "<![CDATA[x]]><a/>", "ERR(CDATA section outside the root)" },
	/* refused: not UTF-8 (RFC 3629), not XML Char (2.2) */
	{ "<a>\xff</a>", "ERR(invalid UTF-8)" },
	{ "<a>\xc0\xaf</a>", "ERR(invalid UTF-8)" },
	{ "<a>\xed\xa0\x80</a>", "ERR(invalid UTF-8)" },
	{ "<a>\x01</a>", "ERR(character not allowed in XML)" },
	{ "<a b=\"\xff\"/>", "ERR(invalid UTF-8)" },
	{ "<a><!-- \xff --></a>", "ERR(invalid UTF-8)" },
};

/* An error case: the trace ends in the error wanted (what came before
 * it may differ: events are handed out as they complete). */
static void
check_trace(const char *what, const struct buf *t, const char *want)
{
	const char *got = buf_cstr(t), *err = strstr(got, "ERR(");

	if (strncmp(want, "ERR(", 4) == 0)
		ck_assert_msg(err != NULL &&
				      strncmp(err, want, strlen(want)) == 0,
			      "%s: got '%s', want '%s...'", what, got, want);
	else
		ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want '%s'",
			      what, got, want);
}

START_TEST(test_cases)
{
	const char *doc = cases[_i].doc;
	struct buf whole = BUF_INIT, bytes = BUF_INIT, pieces = BUF_INIT;

	run(doc, strlen(doc), 0, NULL, &whole);
	run(doc, strlen(doc), 1, NULL, &bytes);
	run(doc, strlen(doc), 3, NULL, &pieces);
	check_trace("whole", &whole, cases[_i].want);
	harness_assert_str("byte by byte", buf_cstr(&bytes), buf_cstr(&whole));
	harness_assert_str("3 at a time", buf_cstr(&pieces), buf_cstr(&whole));
	buf_free(&whole);
	buf_free(&bytes);
	buf_free(&pieces);
}
END_TEST

/* The caps: each refuses just past its limit, and lets the limit pass. */
START_TEST(test_limits)
{
	struct xml_parse_limits l;
	struct buf t = BUF_INIT, doc = BUF_INIT;
	unsigned int i;

	xml_parse_limits_default(&l);
	l.max_depth = 3;
	run("<a><b><c/></b></a>", 18, 1, &l, &t);
	harness_assert_str("depth 3", buf_cstr(&t),
			   "<a><b><c></c></b></a>");
	buf_reset(&t);
	run("<a><b><c><d/></c></b></a>", 26, 0, &l, &t);
	ck_assert_msg(strstr(buf_cstr(&t), "ERR(elements nested too deep)"),
		      "depth 4: %s", buf_cstr(&t));

	xml_parse_limits_default(&l);
	l.max_text = 10;
	buf_reset(&t);
	run("<a>0123456789</a>", 17, 1, &l, &t);
	harness_assert_str("text of 10", buf_cstr(&t), "<a>\"0123456789\"</a>");
	buf_reset(&t);
	run("<a>0123456789x</a>", 18, 1, &l, &t);
	ck_assert_msg(strstr(buf_cstr(&t), "ERR(text longer than the limit)"),
		      "text of 11: %s", buf_cstr(&t));
	/* a run of text with no '<' at all, fed forever, stays bounded */
	buf_reset(&t);
	buf_append_str(&doc, "<a>");
	for (i = 0; i < 100000; i++)
		buf_append_char(&doc, 'x');
	run(doc.data, doc.len, 7, &l, &t);
	ck_assert_msg(strstr(buf_cstr(&t), "longer than the limit"),
		      "endless text: %s", buf_cstr(&t));

	/* a complete tag, comment, PI or CDATA section over max_text is
	 * refused whether it arrives whole or a byte at a time (the old
	 * reader took it when it came in one piece, refused it when it came
	 * in small ones: what passed depended on how the input was cut) */
	{
		static const char *const over[] = {
			"<a b='0123456789'/>", "<a><!--0123456789x--></a>",
			"<a><?p 0123456789x?></a>",
			"<a><![CDATA[0123456789x]]></a>", "<a></a          >",
		};
		struct buf b1 = BUF_INIT;

		for (i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
			buf_reset(&t);
			buf_reset(&b1);
			run(over[i], strlen(over[i]), 0, &l, &t);
			run(over[i], strlen(over[i]), 1, &l, &b1);
			ck_assert_msg(strstr(buf_cstr(&t), "ERR(") != NULL &&
					      strstr(buf_cstr(&b1), "ERR(") != NULL,
				      "%s: whole '%s', by bytes '%s', want "
				      "both refused",
				      over[i], buf_cstr(&t), buf_cstr(&b1));
		}
		buf_free(&b1);
	}

	xml_parse_limits_default(&l);
	l.max_name = 4;
	buf_reset(&t);
	run("<abcd/>", 7, 0, &l, &t);
	harness_assert_str("name of 4", buf_cstr(&t), "<abcd></abcd>");
	buf_reset(&t);
	run("<abcde/>", 8, 0, &l, &t);
	ck_assert_msg(strstr(buf_cstr(&t), "ERR(invalid element name)"),
		      "name of 5: %s", buf_cstr(&t));

	xml_parse_limits_default(&l);
	l.max_attrs = 2;
	buf_reset(&t);
	run("<a b='1' c='2' d='3'/>", 22, 0, &l, &t);
	ck_assert_msg(strstr(buf_cstr(&t), "ERR(too many attributes)"),
		      "3 attributes: %s", buf_cstr(&t));

	xml_parse_limits_default(&l);
	l.max_total = 10;
	buf_reset(&t);
	run("<a>xxxxx</a>", 12, 0, &l, &t);
	harness_assert_str("12 octets over 10", buf_cstr(&t),
			   "ERR(document larger than the limit)");
	buf_free(&t);
	buf_free(&doc);
}
END_TEST

/* Data pushed is read in place until NEED_MORE: a document pushed in one
 * 1 MB piece is copied XML_PARSE_PIECE at a time, and its events come
 * out before the reader asks for more. */
START_TEST(test_big_push)
{
	struct buf doc = BUF_INIT;
	struct xml_parse *x = xml_parse_new(NULL);
	struct xml_event ev;
	unsigned int i, starts = 0;

	buf_append_str(&doc, "<r>");
	for (i = 0; i < 100000; i++)
		buf_append_str(&doc, "<e>1</e>");
	buf_append_str(&doc, "</r>");
	xml_parse_push(x, doc.data, doc.len);
	for (;;) {
		xml_parse_next(x, &ev);
		if (ev.type == XML_EV_START)
			starts++;
		if (ev.type == XML_EV_NEED_MORE) {
			xml_parse_end(x);
			continue;
		}
		if (ev.type == XML_EV_EOF || ev.type == XML_EV_ERROR)
			break;
	}
	ck_assert_int_eq(ev.type, XML_EV_EOF);
	ck_assert_uint_eq(starts, 100001);
	ck_assert_uint_eq(xml_parse_total(x), doc.len);
	xml_parse_free(&x);
	buf_free(&doc);
}
END_TEST

/* A token that can no longer fit the caps is refused before the reader
 * copies more of what was pushed: a 32 MB run of text pushed in one
 * piece is refused with the reader's buffer at its bound (max_text plus
 * one piece), not grown to the whole push.  The old reader copied piece
 * after piece until the push was used up (its buffer 32 MB, and each
 * piece rescanned it all: quadratic time).  Measured as the growth of
 * the process's peak resident size, with a huge margin: under 8 MB
 * wanted, the old reader's buffer alone was 32 MB. */
START_TEST(test_big_push_bounded)
{
	const size_t len = (size_t)32 << 20;
	struct buf doc = BUF_INIT;
	struct xml_parse *x = xml_parse_new(NULL);
	struct xml_event ev;
	struct rusage before, after;
	long grown_kb;

	buf_reserve(&doc, len + 3);
	buf_append_str(&doc, "<a>");
	memset(doc.data + doc.len, 'x', len);
	doc.len += len;
	(void)getrusage(RUSAGE_SELF, &before);
	xml_parse_push(x, doc.data, doc.len);
	do
		xml_parse_next(x, &ev);
	while (ev.type == XML_EV_START);
	(void)getrusage(RUSAGE_SELF, &after);
	grown_kb = after.ru_maxrss - before.ru_maxrss;
	ck_assert_int_eq(ev.type, XML_EV_ERROR);
	ck_assert_msg(strstr(ev.text, "longer than the limit") != NULL,
		      "got '%s', want '... longer than the limit'", ev.text);
	ck_assert_msg(grown_kb < 8192,
		      "peak resident size grew %ld KB reading a 32 MB push, "
		      "want under 8192", grown_kb);
	xml_parse_free(&x);
	buf_free(&doc);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xml_parse");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_cases, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_big_push);
	tcase_add_test(tc, test_big_push_bounded);
	suite_add_tcase(s, tc);
	return harness_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
