/*
 * check_dkimcheck.c - the Dovecot plugin's pieces that do not need a
 * running Dovecot, on libdovecot itself:
 *
 * - the per-recipient decision table (dkimcheck-policy.h): each row a
 *   user's settings and a verdict, with the action and keywords that
 *   dkimcheck(7) documents for them;
 * - the delivered stream (dkimcheck-stream.h): our field on top, the
 *   listed byte ranges cut out, the rest byte for byte - read whole, one
 *   byte at a time, and again after a seek back (LMTP reads it once per
 *   recipient and for Sieve).
 * - the log adapters (dkimcheck-events.h): each level of the engine's and
 *   of report ingest's messages at the Dovecot log type that header
 *   promises (INFO: debug for the engine, info for ingest), the text
 *   verbatim.
 *
 * The end-to-end behaviour is tests/integration/dovecot-dkimcheck.sh.
 */
#include "lib.h"
#include "istream.h"
#include "str.h"

#include <check.h>
#include <stdlib.h>

#include "dkimcheck-events.h"
#include "dkimcheck-policy.h"
#include "dkimcheck-stream.h"
#include "harness.h"

/* --- decision table --- */

struct policy_case {
	const char *name;
	bool enabled, keywords, dry_run;
	enum dkimcheck_reject_action reject;
	enum dkimcheck_disposition disposition;
	bool dkim_fail, dmarc_fail;
	const char *kw_junk; /* NULL = default "$Junk" */
	enum dkimcheck_action want_action;
	const char *want_keywords; /* space separated */
	size_t forged_unlisted; /* verdict.forged_unlisted */
};

#define J DKIMCHECK_REJECT_JUNK
#define L DKIMCHECK_REJECT_LMTP
#define NONE DKIMCHECK_DISPOSITION_NONE
#define QUAR DKIMCHECK_DISPOSITION_QUARANTINE
#define REJ DKIMCHECK_DISPOSITION_REJECT

static const struct policy_case policy_cases[] = {
	{"pass", 1, 1, 0, J, NONE, 0, 0, NULL, DKIMCHECK_ACTION_INBOX, "", 0},
	/* a failed signature without a passing one: tagged, not filed */
	{"dkim fail, dmarc pass", 1, 1, 0, J, NONE, 1, 0, NULL,
	 DKIMCHECK_ACTION_INBOX, "$DKIM_Fail", 0},
	/* p=none or t=y: dmarc=fail without disposition */
	{"dmarc fail, no disposition", 1, 1, 0, J, NONE, 0, 1, NULL,
	 DKIMCHECK_ACTION_INBOX, "$DMARC_Fail", 0},
	{"quarantine", 1, 1, 0, J, QUAR, 1, 1, NULL, DKIMCHECK_ACTION_JUNK,
	 "$DKIM_Fail $DMARC_Fail $Junk", 0},
	{"reject as junk", 1, 1, 0, J, REJ, 0, 1, NULL, DKIMCHECK_ACTION_JUNK,
	 "$DMARC_Fail $Junk", 0},
	/* nothing is stored, so nothing to tag */
	{"reject over lmtp", 1, 1, 0, L, REJ, 0, 1, NULL,
	 DKIMCHECK_ACTION_REJECT, "", 0},
	/* quarantine is never an LMTP reject */
	{"quarantine with reject=lmtp", 1, 1, 0, L, QUAR, 0, 1, NULL,
	 DKIMCHECK_ACTION_JUNK, "$DMARC_Fail $Junk", 0},
	{"dry run reject", 1, 1, 1, L, REJ, 0, 1, NULL,
	 DKIMCHECK_ACTION_DRY_RUN, "$DMARC_Fail", 0},
	{"dry run quarantine", 1, 1, 1, J, QUAR, 1, 1, NULL,
	 DKIMCHECK_ACTION_DRY_RUN, "$DKIM_Fail $DMARC_Fail", 0},
	{"dry run, nothing to do", 1, 1, 1, J, NONE, 0, 0, NULL,
	 DKIMCHECK_ACTION_INBOX, "", 0},
	{"opted out", 0, 1, 0, L, REJ, 1, 1, NULL, DKIMCHECK_ACTION_DISABLED,
	 "", 0},
	{"keywords off", 1, 0, 0, J, QUAR, 1, 1, NULL, DKIMCHECK_ACTION_JUNK,
	 "", 0},
	{"junk keyword turned off", 1, 1, 0, J, QUAR, 0, 1, "",
	 DKIMCHECK_ACTION_JUNK, "$DMARC_Fail", 0},
	/* probe 2026-12 F01: forged fields claiming our authserv-id that
	   cannot all be removed - refused whatever the settings say,
	   since delivering would show them as ours */
	{"forged fields left, reject=junk", 1, 1, 0, J, NONE, 0, 0, NULL,
	 DKIMCHECK_ACTION_REJECT, "", 1},
	{"forged fields left, dry run", 1, 1, 1, J, NONE, 0, 0, NULL,
	 DKIMCHECK_ACTION_REJECT, "", 3000},
	{"forged fields left, opted out", 0, 1, 0, L, NONE, 0, 0, NULL,
	 DKIMCHECK_ACTION_DISABLED, "", 1},
};

START_TEST(test_policy)
{
	const struct policy_case *c = &policy_cases[_i];
	struct dkimcheck_user_settings set;
	struct dkimcheck_verdict v;
	struct dkimcheck_decision d;
	string_t *kw = t_str_new(64);
	unsigned int i;

	i_zero(&set);
	set.enabled = c->enabled;
	set.keywords = c->keywords;
	set.dry_run = c->dry_run;
	set.reject = c->reject;
	set.junk_mailbox = "Junk";
	set.keyword_dkim_fail = "$DKIM_Fail";
	set.keyword_dmarc_fail = "$DMARC_Fail";
	set.keyword_junk = c->kw_junk != NULL ? c->kw_junk : "$Junk";
	i_zero(&v);
	v.disposition_value = c->disposition;
	v.dkim_fail = c->dkim_fail;
	v.dmarc_fail = c->dmarc_fail;
	v.forged_unlisted = c->forged_unlisted;

	dkimcheck_policy_decide(&set, &v, &d);
	ck_assert_msg(d.action == c->want_action, "%s: got %s, want %s",
		      c->name, dkimcheck_action_str(d.action),
		      dkimcheck_action_str(c->want_action));
	for (i = 0; d.keywords[i] != NULL; i++)
		str_printfa(kw, "%s%s", i > 0 ? " " : "", d.keywords[i]);
	harness_assert_str(c->name, str_c(kw), c->want_keywords);
}
END_TEST

START_TEST(test_action_names)
{
	/* the dkimcheck_action event field values of dkimcheck(7) */
	harness_assert_str("inbox", dkimcheck_action_str(DKIMCHECK_ACTION_INBOX), "inbox");
	harness_assert_str("junk", dkimcheck_action_str(DKIMCHECK_ACTION_JUNK), "junk");
	harness_assert_str("reject", dkimcheck_action_str(DKIMCHECK_ACTION_REJECT), "reject");
	harness_assert_str("dry_run", dkimcheck_action_str(DKIMCHECK_ACTION_DRY_RUN), "dry_run");
	harness_assert_str("disabled", dkimcheck_action_str(DKIMCHECK_ACTION_DISABLED), "disabled");
}
END_TEST

/* --- the delivered stream --- */

#define MSG "Received: a\r\n" \
	    "Authentication-Results: mx; spf=pass\r\n" \
	    "From: x@example.com\r\n" \
	    "Authentication-Results: mx;\r\n dkim=pass\r\n" \
	    "Subject: s\r\n" \
	    "\r\n" \
	    "body\r\n"

struct stream_case {
	const char *name;
	struct dkimcheck_drop drops[3];
	size_t ndrops;
	const char *want_rest; /* after our field */
};

static const struct stream_case stream_cases[] = {
	{"nothing dropped", {{0, 0}}, 0, MSG},
	/* the second field, bytes 13..50 */
	{"one field", {{13, 38}}, 1,
	 "Received: a\r\nFrom: x@example.com\r\n"
	 "Authentication-Results: mx;\r\n dkim=pass\r\n"
	 "Subject: s\r\n\r\nbody\r\n"},
	/* both A-R fields, the second folded over two lines */
	{"two fields", {{13, 38}, {72, 41}}, 2,
	 "Received: a\r\nFrom: x@example.com\r\nSubject: s\r\n\r\nbody\r\n"},
	{"the first field", {{0, 13}}, 1,
	 "Authentication-Results: mx; spf=pass\r\n"
	 "From: x@example.com\r\n"
	 "Authentication-Results: mx;\r\n dkim=pass\r\n"
	 "Subject: s\r\n\r\nbody\r\n"},
	{"adjacent fields", {{0, 13}, {13, 38}}, 2,
	 "From: x@example.com\r\n"
	 "Authentication-Results: mx;\r\n dkim=pass\r\n"
	 "Subject: s\r\n\r\nbody\r\n"},
};

/* Read all of `input`, `max` bytes at a time at most. */
static const char *
read_all(struct istream *input, size_t max)
{
	string_t *out = t_str_new(256);
	const unsigned char *data;
	size_t size;

	while (i_stream_read_more(input, &data, &size) > 0) {
		if (size > max)
			size = max;
		str_append_data(out, data, size);
		i_stream_skip(input, size);
	}
	ck_assert_int_eq(input->stream_errno, 0);
	return str_c(out);
}

START_TEST(test_stream)
{
	const struct stream_case *c = &stream_cases[_i];
	const char *value = "mx.test;\r\n\tdkim=pass", *want;
	struct istream *input, *output;
	uoff_t size;

	want = t_strconcat("Authentication-Results: ", value, "\r\n",
			   c->want_rest, NULL);
	input = i_stream_create_from_data(MSG, strlen(MSG));
	output = dkimcheck_stream_create(input, strlen(MSG), value, c->drops,
					 c->ndrops, &size);
	i_stream_unref(&input); /* the new stream keeps its reference */
	harness_assert_str(c->name, read_all(output, SIZE_MAX), want);
	ck_assert_uint_eq(size, strlen(want));
	i_stream_seek(output, 0);
	harness_assert_str(t_strconcat(c->name, ", one byte at a time", NULL),
			   read_all(output, 1), want);
	i_stream_seek(output, 0);
	harness_assert_str(t_strconcat(c->name, ", again", NULL),
			   read_all(output, 7), want);
	i_stream_unref(&output);
}
END_TEST

/* --- log adapters --- */

struct log_case {
	const char *name;
	dkimcheck_log_func_t *fn;
	enum dkimcheck_log_level level;
	enum log_type want;
};

static const struct log_case log_cases[] = {
	{"engine debug", dkimcheck_event_lib_log, DKIMCHECK_LOG_DEBUG, LOG_TYPE_DEBUG},
	{"engine info", dkimcheck_event_lib_log, DKIMCHECK_LOG_INFO, LOG_TYPE_DEBUG},
	{"engine warning", dkimcheck_event_lib_log, DKIMCHECK_LOG_WARN, LOG_TYPE_WARNING},
	{"engine error", dkimcheck_event_lib_log, DKIMCHECK_LOG_ERROR, LOG_TYPE_ERROR},
	{"ingest debug", dkimcheck_event_ingest_log, DKIMCHECK_LOG_DEBUG, LOG_TYPE_DEBUG},
	{"ingest info", dkimcheck_event_ingest_log, DKIMCHECK_LOG_INFO, LOG_TYPE_INFO},
	{"ingest warning", dkimcheck_event_ingest_log, DKIMCHECK_LOG_WARN, LOG_TYPE_WARNING},
	{"ingest error", dkimcheck_event_ingest_log, DKIMCHECK_LOG_ERROR, LOG_TYPE_ERROR},
};

/* what the log handlers got: the last line's type and text, and how many */
static enum log_type logged_type;
static const char *logged_text;
static unsigned int logged_n;

static void capture_log(const struct failure_context *ctx, const char *format,
			va_list args) ATTR_FORMAT(2, 0);
static void
capture_log(const struct failure_context *ctx, const char *format,
	    va_list args)
{
	logged_type = ctx->type;
	logged_text = t_strdup_vprintf(format, args);
	logged_n++;
}

START_TEST(test_log_adapter)
{
	const struct log_case *c = &log_cases[_i];
	/* a '%' in a message is text, not a format */
	const char *msg = "dkim d=example.com s=a: fail - 100% of %s";
	struct event *event = event_create(NULL);

	/* debug lines are wanted here: only the type tells them apart */
	event_set_forced_debug(event, TRUE);
	i_set_error_handler(capture_log);
	i_set_info_handler(capture_log);
	i_set_debug_handler(capture_log);
	logged_n = 0;
	c->fn(event, c->level, msg);
	event_unref(&event);
	ck_assert_msg(logged_n == 1, "%s: %u lines, want 1", c->name, logged_n);
	harness_assert_str(c->name, failure_log_type_names[logged_type],
			   failure_log_type_names[c->want]);
	harness_assert_str(c->name, logged_text, msg);
}
END_TEST

static Suite *
dkimcheck_suite(void)
{
	Suite *s = suite_create("dkimcheck");
	TCase *tc = tcase_create("plugin");

	tcase_add_loop_test(tc, test_policy, 0, N_ELEMENTS(policy_cases));
	tcase_add_test(tc, test_action_names);
	tcase_add_loop_test(tc, test_stream, 0, N_ELEMENTS(stream_cases));
	tcase_add_loop_test(tc, test_log_adapter, 0, N_ELEMENTS(log_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int failed;

	lib_init();
	failed = harness_run_suite(dkimcheck_suite());
	lib_deinit();
	return failed == 0 ? 0 : 1;
}
