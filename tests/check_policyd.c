/*
 * check_policyd.c - spf-policyd's configuration (policyd-spf.conf names,
 * FILE:LINE errors, address lists) and decision table.
 *
 * Expected decisions come from policyd-spf.conf(5) (what each
 * HELO_reject / Mail_From_reject / PermError_reject / TempError_Defer /
 * TestOnly value means) and the RFC 7372 3.2 enhanced status codes;
 * header layouts from RFC 7208 9.1 and RFC 8601 2.7.2 / B.3.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "msg/authres-parse.h"
#include "msg/received-spf-parse.h"
#include "harness.h"
#include "util/hdrfold.h"
#include "policyd-config.h"
#include "policyd-decide.h"

/* Debian's /etc/postfix-policyd-spf-python/policyd-spf.conf (3.0.2),
 * the file users migrate from. */
static const char debian_conf[] =
	"#  For a fully commented sample config file see "
	"policyd-spf.conf.commented\n"
	"\n"
	"debugLevel = 1 \n"
	"TestOnly = 1\n"
	"\n"
	"HELO_reject = Fail\n"
	"Mail_From_reject = Fail\n"
	"\n"
	"PermError_reject = False\n"
	"TempError_Defer = False\n"
	"\n"
	"skip_addresses = 127.0.0.0/8,::ffff:127.0.0.0/104,::1\n"
	"\n";

static char *
write_conf(const char *text)
{
	char *dir = harness_tmpdir("check-policyd");

	char *path = harness_write_file(dir, "policyd-spf.conf", text);

	free(dir);
	return path;
}

static void
remove_conf(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

START_TEST(test_debian_conf)
{
	struct arena *a = arena_new(0);
	struct policyd_config *c;
	const char *err = NULL;
	char *path = write_conf(debian_conf);

	ck_assert_msg(policyd_config_load(a, path, &c, &err) == 0, "got %s",
		      err);
	ck_assert_uint_eq(c->helo_reject, POLICYD_REJECT_FAIL);
	ck_assert_uint_eq(c->mail_from_reject, POLICYD_REJECT_FAIL);
	ck_assert(!c->permerror_reject);
	ck_assert(!c->temperror_defer);
	ck_assert_uint_eq(c->n_skip_nets, 3);
	ck_assert(policyd_net_match(c->skip_nets, c->n_skip_nets, "127.0.0.1"));
	ck_assert(policyd_net_match(c->skip_nets, c->n_skip_nets, "::1"));
	ck_assert(!policyd_net_match(c->skip_nets, c->n_skip_nets,
				     "192.0.2.1"));
	remove_conf(path);
	arena_free(&a);
}
END_TEST

struct bad_conf {
	const char *text;
	const char *want; /* after "PATH:" */
};

static const struct bad_conf bad_confs[] = {
	{"HELO_reject = Fail\nHELO_reject = Sometimes\n", "2: HELO_reject: "},
	{"# x\nNo_Such_Option = 1\n", "2: No_Such_Option: unknown option"},
	{"debugLevel = 9\n", "1: debugLevel: "},
	{"\nWhitelist = 192.0.2.0/24, 192.0.2.0/33\n",
	 "2: Whitelist: bad address or network '192.0.2.0/33'"},
	{"skip_addresses = localhost\n",
	 "1: skip_addresses: bad address or network 'localhost'"},
	{"Lookup_Time = forever\n", "1: Lookup_Time: "},
	/* the abuse limits have ranges too */
	{"max_pipelined = 0\n", "1: max_pipelined: "},
	{"max_reply_backlog = 10\n", "1: max_reply_backlog: "},
	{"request_read_timeout = 0\n", "1: request_read_timeout: "},
	{"dns_sockets = 1\n", "1: dns_sockets: "},
};

START_TEST(test_bad_conf)
{
	const struct bad_conf *b = &bad_confs[_i];
	struct arena *a = arena_new(0);
	struct policyd_config *c;
	const char *err = NULL;
	char *path = write_conf(b->text);
	char *want = arena_printf(a, "%s:%s", path, b->want);

	ck_assert_int_eq(policyd_config_load(a, path, &c, &err), -1);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got %s, want %s",
		      err, want);
	remove_conf(path);
	arena_free(&a);
}
END_TEST

struct net_case {
	const char *net, *ip;
	bool want;
};

static const struct net_case net_cases[] = {
	{"192.0.2.0/24", "192.0.2.255", true},
	{"192.0.2.0/24", "192.0.3.0", false},
	{"192.0.2.128/25", "192.0.2.127", false},
	{"192.0.2.7", "192.0.2.7", true},
	{"0.0.0.0/0", "203.0.113.1", true},
	{"0.0.0.0/0", "2001:db8::1", false},
	{"::ffff:127.0.0.0/104", "127.0.0.1", true},
	{"2001:db8::/32", "2001:db8:ffff::1", true},
	{"2001:db8::/33", "2001:db8:8000::1", false},
	{"::1", "::1", true},
	{"::1", "127.0.0.1", false},
	{"192.0.2.0/24", "not-an-ip", false},
	/* IPv4-mapped on either side is IPv4 (RFC 7208 5, as SPF sees it) */
	{"::ffff:192.0.2.0/120", "192.0.2.5", true},
	{"::ffff:192.0.2.0/120", "192.0.3.5", false},
	{"192.0.2.0/24", "::ffff:192.0.2.9", true},
};

/* Networks that are not networks: refused at configuration time. */
static const char *const bad_nets[] = {
	"192.0.2.0/33", "2001:db8::/129", "::ffff:0.0.0.0/64", "/24",
	"192.0.2.0/", "192.0.2.0/x", "example.com",
};

START_TEST(test_bad_net)
{
	struct policyd_net net;

	ck_assert_msg(policyd_net_parse(bad_nets[_i], &net) == -1,
		      "%s: got accepted, want refused", bad_nets[_i]);
}
END_TEST

START_TEST(test_net)
{
	const struct net_case *c = &net_cases[_i];
	struct policyd_net net;

	ck_assert_int_eq(policyd_net_parse(c->net, &net), 0);
	ck_assert_msg(policyd_net_match(&net, 1, c->ip) == c->want,
		      "%s in %s: got %d, want %d", c->ip, c->net, !c->want,
		      c->want);
}
END_TEST

struct decide_case {
	const char *what;
	const char *settings; /* config file text */
	const char *sender;
	int helo_result, mf_result; /* -1: not checked */
	const char *explanation;
	const char *want[3]; /* actions 0, 1, 2 */
};

#define NC (-1)
static const struct decide_case decide_cases[] = {
	{"fail rejects (RFC 7372 5.7.23, exp= text)", "", "u@example.com",
	 SPF_PASS, SPF_FAIL, "not our server",
	 {"550 5.7.23 not our server", "550 5.7.23 not our server",
	  "550 5.7.23 not our server"}},
	{"softfail accepts with header", "", "u@example.com", SPF_PASS,
	 SPF_SOFTFAIL, NULL,
	 {"PREPEND Received-SPF: softfail (domain of transitioning "
	  "u@example.com does not designate 192.0.2.1 as permitted sender) "
	  "identity=mailfrom; client-ip=192.0.2.1; "
	  "envelope-from=\"u@example.com\"; helo=mail.example.com;",
	  "DUNNO", "DUNNO"}},
	{"neutral accepts", "", "u@example.com", NC, SPF_NEUTRAL, NULL,
	 {"PREPEND Received-SPF: neutral ", "DUNNO", "DUNNO"}},
	{"none accepts with header", "", "u@example.com", NC, SPF_NONE, NULL,
	 {"PREPEND Received-SPF: none ", "DUNNO", "DUNNO"}},
	{"temperror defers (4.7.24)", "", "u@example.com", NC, SPF_TEMPERROR,
	 NULL,
	 {"DEFER_IF_PERMIT 4.7.24 SPF temperror: r",
	  "DEFER_IF_PERMIT 4.7.24 SPF temperror: r", NULL}},
	{"TempError_Defer = False", "TempError_Defer = False\n",
	 "u@example.com", NC, SPF_TEMPERROR, NULL,
	 {"PREPEND Received-SPF: temperror ", "DUNNO", NULL}},
	{"permerror: header only by default", "", "u@example.com", NC,
	 SPF_PERMERROR, NULL, {"PREPEND Received-SPF: permerror ", NULL, NULL}},
	{"PermError_reject = True (5.7.24)", "PermError_reject = True\n",
	 "u@example.com", NC, SPF_PERMERROR, NULL,
	 {"550 5.7.24 SPF permerror: r", NULL, NULL}},
	{"Mail_From_reject = Softfail", "Mail_From_reject = Softfail\n",
	 "u@example.com", NC, SPF_SOFTFAIL, NULL,
	 {"550 5.7.23 SPF softfail: example.com does not designate "
	  "192.0.2.1 as permitted sender",
	  NULL, NULL}},
	{"Mail_From_reject = SPF_Not_Pass, neutral",
	 "Mail_From_reject = SPF_Not_Pass\n", "u@example.com", NC,
	 SPF_NEUTRAL, NULL, {"550 5.7.23 SPF neutral: ", NULL, NULL}},
	{"Mail_From_reject = SPF_Not_Pass, none",
	 "Mail_From_reject = SPF_Not_Pass\n", "u@example.com", NC, SPF_NONE,
	 NULL, {"PREPEND Received-SPF: none ", NULL, NULL}},
	{"Mail_From_reject = False", "Mail_From_reject = False\n",
	 "u@example.com", NC, SPF_FAIL, NULL,
	 {"PREPEND Received-SPF: fail ", NULL, NULL}},
	{"HELO fail rejects", "", "u@example.com", SPF_FAIL, NC, "bad helo",
	 {"550 5.7.23 bad helo", NULL, NULL}},
	{"HELO_reject = Null, real sender", "HELO_reject = Null\n",
	 "u@example.com", SPF_FAIL, SPF_PASS, NULL,
	 {"PREPEND Received-SPF: pass ", NULL, NULL}},
	{"HELO_reject = Null, null sender", "HELO_reject = Null\n", "",
	 SPF_FAIL, NC, "x", {"550 5.7.23 x", NULL, NULL}},
	{"TestOnly = 0 never rejects", "TestOnly = 0\n", "u@example.com",
	 SPF_PASS, SPF_FAIL, "x", {"PREPEND Received-SPF: fail ", NULL, NULL}},
	{"Reject_Not_Pass_Domains", "Reject_Not_Pass_Domains = example.com\n",
	 "u@example.com", NC, SPF_SOFTFAIL, NULL,
	 {"550 5.7.23 SPF softfail", NULL, NULL}},
	{"SPF_Enhanced_Status_Codes = No", "SPF_Enhanced_Status_Codes = No\n",
	 "u@example.com", NC, SPF_FAIL, "x", {"550 5.7.1 x", NULL, NULL}},
	{"Header_Type = AR (RFC 8601 B.3 layout)", "Header_Type = AR\n",
	 "u@example.com", SPF_PASS, SPF_PASS, NULL,
	 {"PREPEND Authentication-Results: mx.example.org; spf=pass "
	  "smtp.mailfrom=example.com; spf=pass smtp.helo=mail.example.com",
	  "DUNNO", NULL}},
	{"Header_Type = both: one field per answer", "Header_Type = both\n",
	 "u@example.com", NC, SPF_PASS, NULL,
	 {"PREPEND Received-SPF: pass ",
	  "PREPEND Authentication-Results: mx.example.org; spf=pass "
	  "smtp.mailfrom=example.com",
	  "DUNNO"}},
	{"Hide_Receiver = No names the verifier (9.1 receiver=)",
	 "Hide_Receiver = No\n", "u@example.com", NC, SPF_PASS, NULL,
	 {"PREPEND Received-SPF: pass (mx.example.org: domain of "
	  "u@example.com designates 192.0.2.1 as permitted sender) "
	  "identity=mailfrom; receiver=mx.example.org; client-ip=192.0.2.1;",
	  NULL, NULL}},
	{"explanation from DNS is sanitized", "", "u@example.com", NC,
	 SPF_FAIL, "go\r\naway \xc3\xa9", {"550 5.7.23 go??away ??", NULL,
					   NULL}},
};

static void
fill(struct policyd_check *c, int result, const char *expl)
{
	memset(c, 0, sizeof(*c));
	if (result == NC)
		return;
	c->checked = true;
	c->result = (enum spf_result)result;
	c->domain = "example.com";
	c->sender = "u@example.com";
	c->reason = "r";
	c->explanation = result == SPF_FAIL ? expl : NULL;
}

START_TEST(test_decide)
{
	const struct decide_case *t = &decide_cases[_i];
	struct arena *a = arena_new(0);
	struct policyd_config *cfg;
	struct policyd_check helo, mf;
	struct policyd_facts f = {"192.0.2.1", "mail.example.com", t->sender};
	struct policyd_decision d;
	const char *err = NULL;
	char *text = arena_printf(a, "Authserv_Id = mx.example.org\n%s",
				  t->settings);
	char *path = write_conf(text);
	unsigned int n;

	ck_assert_msg(policyd_config_load(a, path, &cfg, &err) == 0, "%s",
		      err);
	fill(&helo, t->helo_result, t->explanation);
	fill(&mf, t->mf_result, t->explanation);
	policyd_decide(a, cfg, &f, &helo, &mf, &d);
	for (n = 0; n < 3; n++) {
		const char *got = policyd_decision_action(a, &d, n);

		if (t->want[n] == NULL)
			continue;
		ck_assert_msg(strncmp(got, t->want[n], strlen(t->want[n])) ==
				      0,
			      "%s, answer %u: got %s, want %s...", t->what, n,
			      got, t->want[n]);
	}
	remove_conf(path);
	arena_free(&a);
}
END_TEST

/* A client that is not checked still gets a field (RFC 8601 section 5:
 * ours must stand above smtpd's Received so that a forged one below is
 * never the topmost), saying so: spf=none with a reason (RFC 8601 2.2
 * reason=; RFC 7208 2.6.1 none), and for SASL auth=pass smtp.auth=USER
 * (RFC 8601 2.7.4). */
struct skipped_case {
	const char *settings, *sender, *sasl, *why;
	const char *want[2]; /* actions 0, 1 */
};

static const struct skipped_case skipped_cases[] = {
	{"", "u@example.com", NULL, "Whitelist",
	 {"PREPEND Received-SPF: none (not checked: Whitelist) "
	  "identity=mailfrom; client-ip=192.0.2.1; "
	  "envelope-from=\"u@example.com\"; helo=mail.example.com;",
	  "DUNNO"}},
	{"Header_Type = AR\n", "u@example.com", "bob", "SASL authenticated",
	 {"PREPEND Authentication-Results: mx.example.org; auth=pass "
	  "smtp.auth=bob; spf=none reason=\"not checked: SASL "
	  "authenticated\" smtp.mailfrom=example.com",
	  "DUNNO"}},
	{"Header_Type = AR\n", "", NULL, "skip_addresses",
	 {"PREPEND Authentication-Results: mx.example.org; spf=none "
	  "reason=\"not checked: skip_addresses\" smtp.helo=mail.example.com",
	  "DUNNO"}},
	{"Header_Type = both\n", "u@example.com", NULL, "Whitelist",
	 {"PREPEND Received-SPF: none (not checked: Whitelist) ",
	  "PREPEND Authentication-Results: mx.example.org; spf=none "
	  "reason=\"not checked: Whitelist\" smtp.mailfrom=example.com"}},
	{"Header_Type = None\n", "u@example.com", "bob", "SASL authenticated",
	 {"DUNNO", "DUNNO"}},
};

START_TEST(test_skipped)
{
	const struct skipped_case *t = &skipped_cases[_i];
	struct arena *a = arena_new(0);
	struct policyd_config *cfg;
	struct policyd_facts f = {"192.0.2.1", "mail.example.com", t->sender};
	struct policyd_decision d;
	struct authres_parsed *ar;
	const char *err = NULL;
	char *path = write_conf(arena_printf(
		a, "Authserv_Id = mx.example.org\n%s", t->settings));
	unsigned int n;

	ck_assert_msg(policyd_config_load(a, path, &cfg, &err) == 0, "%s",
		      err);
	policyd_decide_skipped(a, cfg, &f, t->why, t->sasl, &d);
	ck_assert_int_eq(d.disposition, POLICYD_ACCEPT);
	for (n = 0; n < 2; n++) {
		const char *got = policyd_decision_action(a, &d, n);

		ck_assert_msg(strncmp(got, t->want[n], strlen(t->want[n])) ==
				      0,
			      "answer %u: got %s, want %s...", n, got,
			      t->want[n]);
	}
	/* what we write for SASL reads back as auth=pass smtp.auth=bob */
	if (d.authres != NULL && t->sasl != NULL) {
		const char *v = strchr(d.authres, ':') + 2;

		ck_assert_int_eq(authres_parse(v, strlen(v), a, &ar, &err), 0);
		harness_assert_str("method", ar->results[0].method, "auth");
		harness_assert_str("smtp.auth",
				   authres_parsed_prop(&ar->results[0], "smtp",
						       "auth"),
				   t->sasl);
		harness_assert_str("spf", ar->results[1].result, "none");
	}
	remove_conf(path);
	arena_free(&a);
}
END_TEST

/*
 * probe 2026-12 F11: client values with control characters, 8-bit
 * octets, quoting characters or 5000 octets, as HELO name, envelope
 * sender (local part and domain) and SASL name, for Header_Type SPF, AR
 * and both, for checked and skipped clients.  Every field must be one
 * line (the policy protocol has no line breaks in an action) of
 * printable US-ASCII (no header injection, no terminal escapes, no
 * raw 8-bit: RFC 5322 2.2 field bodies are printable US-ASCII), at most
 * 998 octets (RFC 5322 2.1.1), and still parse: Received-SPF with every
 * value a dot-atom or a quoted-string (RFC 7208 9.1), A-R with our
 * reader (RFC 8601 2.2).  The values read back are the sent ones with
 * every octet outside 0x20-0x7e turned into '?' (policyd-decide.h), or
 * a prefix of that followed by "..." when cut to fit.
 */
static const char *const hostile_values[] = {
	"mail.test\rX-Injected: 1",
	"mail.test\r\nX-Injected: 1",
	"\x1b[31mred\x1b[0m.test",
	"del\x7f.test",
	"\x01\x02\x1f.test",
	"\xff\xfe\xc3(.test",
	"b\xc3\xa4r.test", /* valid UTF-8, still not US-ASCII */
	"q\"u\\o;te=(x).test",
};
#define N_HOSTILE (sizeof(hostile_values) / sizeof(hostile_values[0]))
#define N_LONG 3 /* after the table: three 5000-octet values */
static const char *const header_types[] = {"SPF", "AR", "both"};

static char *
hostile_value(struct arena *a, unsigned int i)
{
	char *v;
	size_t n;

	if (i < N_HOSTILE)
		return arena_strdup(a, hostile_values[i]);
	v = arena_alloc(a, 5001);
	for (n = 0; n < 5000; n++) {
		if (i == N_HOSTILE) /* a 5000-octet dot-atom */
			v[n] = n % 5 == 4 ? '.' : 'a';
		else if (i == N_HOSTILE + 1) /* all to be escaped */
			v[n] = n % 2 == 0 ? '"' : '\\';
		else /* all to be replaced */
			v[n] = (char)(0x80 + n % 0x80);
	}
	v[4999] = 'z';
	v[5000] = '\0';
	return v;
}

/* The value as it may appear: octets outside 0x20-0x7e become '?'. */
static char *
printable(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s), *p;

	for (p = r; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return r;
}

/* `got` is `want`, or a prefix of it followed by "..." */
static void
assert_value(const char *what, const char *got, const char *want)
{
	size_t n;

	ck_assert_msg(got != NULL, "%s: missing", what);
	n = strlen(got);
	if (strcmp(got, want) == 0)
		return;
	ck_assert_msg(n > 3 && strcmp(got + n - 3, "...") == 0 &&
			      strncmp(got, want, n - 3) == 0,
		      "%s: got '%s', want '%s' or a prefix of it and '...'",
		      what, got, want);
}

/* One line of printable US-ASCII, at most 998 octets. */
static void
assert_line(const char *what, const char *field)
{
	const unsigned char *p;

	ck_assert_msg(strlen(field) <= 998, "%s: %zu octets, over 998", what,
		      strlen(field));
	for (p = (const unsigned char *)field; *p != '\0'; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f,
			      "%s: octet 0x%02x at %zu", what, *p,
			      (size_t)(p - (const unsigned char *)field));
}

/* RFC 7208 9.1: key "=" ( dot-atom / quoted-string ); reads back. */
static void
assert_received_spf(struct arena *a, const char *what, const char *field,
		    const char *helo, const char *sender)
{
	const char *v = field + strlen("Received-SPF: ");
	struct received_spf *spf;
	const char *err = "";
	size_t i;

	ck_assert_msg(strncmp(field, "Received-SPF: ", 14) == 0, "%s: %s",
		      what, field);
	ck_assert_msg(received_spf_parse(v, strlen(v), a, &spf, &err) == 0,
		      "%s: does not parse (%s): %s", what, err, field);
	for (i = 0; i < spf->npairs; i++) {
		const char *raw = arena_printf(a, "%s=", spf->pairs[i].key);
		const char *at = strstr(v, raw);

		ck_assert_msg(at != NULL, "%s: %s", what, raw);
		at += strlen(raw);
		ck_assert_msg(*at == '"' ||
				      hdrfold_is_dot_atom(spf->pairs[i].value),
			      "%s: %s%s is neither a dot-atom nor a "
			      "quoted-string",
			      what, raw, spf->pairs[i].value);
	}
	assert_value(what, received_spf_get(spf, "helo"), helo);
	assert_value(what, received_spf_get(spf, "envelope-from"), sender);
}

static void
assert_authres(struct arena *a, const char *what, const char *field,
	       const char *ptype_property, const char *want,
	       const char *sasl)
{
	const char *v = field + strlen("Authentication-Results: ");
	struct authres_parsed *ar;
	const char *err = "";
	size_t i;
	bool found = false;

	ck_assert_msg(strncmp(field, "Authentication-Results: ", 24) == 0,
		      "%s: %s", what, field);
	ck_assert_msg(authres_parse(v, strlen(v), a, &ar, &err) == 0,
		      "%s: does not parse (%s): %s", what, err, field);
	harness_assert_str("authserv-id", ar->authserv_id, "mx.example.org");
	for (i = 0; i < ar->nresults; i++) {
		const char *got = authres_parsed_prop(&ar->results[i], "smtp",
						      ptype_property);

		if (got != NULL) {
			assert_value(what, got, want);
			found = true;
		}
	}
	ck_assert_msg(found, "%s: no smtp.%s in %s", what, ptype_property,
		      field);
	if (sasl != NULL)
		assert_value(what,
			     authres_parsed_prop(&ar->results[0], "smtp",
						 "auth"),
			     sasl);
}

static void
assert_fields(struct arena *a, const char *what,
	      const struct policyd_decision *d, const char *type,
	      const char *helo, const char *sender, const char *domain,
	      const char *sasl, bool checked)
{
	unsigned int n;

	ck_assert_int_eq(d->disposition, POLICYD_ACCEPT);
	for (n = 0; n < 3; n++) {
		const char *got = policyd_decision_action(a, d, n);

		if (strcmp(got, "DUNNO") == 0)
			break;
		ck_assert_msg(strncmp(got, "PREPEND ", 8) == 0, "%s: %s", what,
			      got);
		assert_line(what, got + 8);
	}
	ck_assert_uint_eq(n, strcmp(type, "both") == 0 ? 2 : 1);
	if (d->received_spf != NULL)
		assert_received_spf(a, what, d->received_spf, helo, sender);
	if (d->authres != NULL) {
		/* checked: both identities (spf=... smtp.helo=); skipped:
		 * the sender's domain */
		if (checked)
			assert_authres(a, what, d->authres, "helo", helo,
				       NULL);
		assert_authres(a, what, d->authres, "mailfrom", domain, sasl);
	}
	ck_assert_msg((d->received_spf != NULL) == (strcmp(type, "AR") != 0),
		      "%s: Received-SPF", what);
}

START_TEST(test_hostile_fields)
{
	struct arena *a = arena_new(0);
	unsigned int vi = (unsigned int)_i / 9, mode = (unsigned int)_i % 3;
	const char *type = header_types[_i / 3 % 3];
	struct policyd_config *cfg;
	struct policyd_check helo, mf;
	struct policyd_decision d;
	const char *err = NULL;
	char *path = write_conf(arena_printf(
		a, "Authserv_Id = mx.example.org\nHeader_Type = %s\n", type));
	char *v = hostile_value(a, vi);
	char *sender = arena_printf(a, "u%s@%s", v, v);
	struct policyd_facts f = {"192.0.2.1", v, sender};
	const char *pv = printable(a, v), *psender = printable(a, sender);
	const char *what;

	ck_assert_msg(policyd_config_load(a, path, &cfg, &err) == 0, "%s",
		      err);
	/* checked: HELO pass, MAIL FROM permerror (a problem= and a
	 * comment with the sender in it), the record's term echoed */
	fill(&helo, SPF_PASS, NULL);
	helo.domain = v;
	helo.sender = arena_printf(a, "postmaster@%s", v);
	helo.mechanism = arena_printf(a, "a:%s", v);
	fill(&mf, SPF_PERMERROR, NULL);
	mf.domain = v;
	mf.sender = sender;
	mf.mechanism = arena_printf(a, "include:%s", v);
	mf.reason = arena_printf(a, "no record at %s", v);
	what = arena_printf(a, "value %u, %s, %s", vi, type,
			    mode == 0	? "checked"
			    : mode == 1 ? "skip_addresses"
					: "SASL");
	if (mode == 0) {
		policyd_decide(a, cfg, &f, &helo, &mf, &d);
		assert_fields(a, what, &d, type, pv, psender, pv, NULL, true);
	} else if (mode == 1) {
		policyd_decide_skipped(a, cfg, &f, "skip_addresses", NULL, &d);
		assert_fields(a, what, &d, type, pv, psender, pv, NULL, false);
	} else { /* the SASL name as well */
		policyd_decide_skipped(a, cfg, &f, "SASL authenticated", v,
				       &d);
		assert_fields(a, what, &d, type, pv, psender, pv, pv, false);
	}
	remove_conf(path);
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("policyd");
	TCase *tc = tcase_create("config");
	TCase *td = tcase_create("decide");
	int failed;

	tcase_add_test(tc, test_debian_conf);
	tcase_add_loop_test(tc, test_bad_conf, 0,
			    sizeof(bad_confs) / sizeof(bad_confs[0]));
	tcase_add_loop_test(tc, test_bad_net, 0,
			    sizeof(bad_nets) / sizeof(bad_nets[0]));
	tcase_add_loop_test(tc, test_net, 0,
			    sizeof(net_cases) / sizeof(net_cases[0]));
	tcase_add_loop_test(td, test_decide, 0,
			    sizeof(decide_cases) / sizeof(decide_cases[0]));
	tcase_add_loop_test(td, test_skipped, 0,
			    sizeof(skipped_cases) / sizeof(skipped_cases[0]));
	tcase_add_loop_test(td, test_hostile_fields, 0,
			    (N_HOSTILE + N_LONG) * 9);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, td);
	failed = harness_run_suite(s);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
