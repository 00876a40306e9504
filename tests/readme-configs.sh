#!/bin/sh
# readme-configs.sh - every configuration line README.md's server guide
# tells an admin to write is one the demo and the integration tests run.
#
# The lines checked are the indented code lines of README's sections
# "4. Postfix" to "7. Dovecot" and the spawn(8) line of the spf-policyd
# details (comments, braces and blank lines left out).  Each must occur,
# with white space collapsed and none around "=", in the shipped files
# (configs/, the *.in ones with the paths of `./configure
# --sysconfdir=/etc`, the configuration README recommends) or in what the
# demo and the harnesses write (scripts/demo.sh, tests/harness/*.sh),
# after README's site values are mapped to the demo's by the table below
# (the demo's host is mail.home.test, its paths are under its scratch
# directory, its ports are free ports).  A config line edited in one place
# and not the other fails here.
set -u
. "$srcdir/tests/harness/lib.sh"

out=$(/usr/bin/python3 - "$srcdir" <<'PY'
import glob, os, re, sys

top = sys.argv[1]
readme = open(os.path.join(top, "README.md"), encoding="utf-8").read()

# README's site values -> the demo's (as written in scripts/demo.sh and
# tests/harness/*.sh, before the shell expands them)
SITE = [
    ("/var/spool/postfix/private/auth", "$P/spool/private/auth"),
    ("/etc/ssl/mail.example.com", "$P/etc/mail.home.test"),
    ("/etc/postfix/vmailbox", "$PF_BASE/etc/vmailbox"),
    ("lmtp:inet:127.0.0.1:24", "lmtp:inet:127.0.0.1:$dovecot_lmtp_port"),
    ("port=24", "port=$dovecot_lmtp_port"),
    ("mail.example.com", "mail.home.test"),
    ("=example.com", "=home.test"),
]
# configure --sysconfdir=/etc, default prefix
SUBST = {"@sbindir@": "/usr/local/sbin", "@libexecdir@": "/usr/local/libexec",
         "@sysconfdir@": "/etc", "@bindir@": "/usr/local/bin",
         "@localstatedir@": "/usr/local/var",
         "@docdir@": "/usr/local/share/doc/mailauth-pack"}


def norm(line):
    line = re.sub(r"\s+", " ", line.strip())
    return re.sub(r" ?= ?", "=", line)


corpus = []
for path in sorted(glob.glob(os.path.join(top, "configs", "**", "*"), recursive=True)):
    if not os.path.isfile(path):
        continue
    text = open(path, encoding="utf-8").read()
    for k, v in SUBST.items():
        text = text.replace(k, v)
    corpus += [norm(l) for l in text.splitlines()]
for path in [os.path.join(top, "scripts", "demo.sh")] + \
        sorted(glob.glob(os.path.join(top, "tests", "harness", "*.sh"))):
    corpus += [norm(l) for l in open(path, encoding="utf-8").read().splitlines()]


def section(title_re, end_re):
    m = re.search(title_re, readme, re.M)
    if not m:
        print("not ok - README has no section /%s/" % title_re)
        return ""
    rest = readme[m.end():]
    e = re.search(end_re, rest, re.M)
    return rest[:e.start()] if e else rest


def code_lines(text):
    for line in text.splitlines():
        if not line.startswith("    "):
            continue
        s = line.strip()
        if not s or s.startswith("#") or s in ("{", "}"):
            continue
        yield s


checked = 0
bad = 0
guide = section(r"^### 4\. Postfix", r"^### 8\. ")
spawn = section(r"^### spf-policyd: ", r"^### ")
lines = list(code_lines(guide)) + [l for l in code_lines(spawn) if "spawn" in l or "argv=" in l]
for line in lines:
    want = norm(line)
    for a, b in SITE:
        want = want.replace(a, b)
    checked += 1
    if not any(want in c for c in corpus):
        bad += 1
        print("not ok - README line not used by the demo or the tests: %s" % line)
print("checked %d" % checked)
sys.exit(1 if bad else 0)
PY
)
rc=$?
printf '%s\n' "$out" | grep -v '^checked' | sed 's/^/# /'
n=$(printf '%s\n' "$out" | sed -n 's/^checked //p')
expect_eq "$([ "${n:-0}" -ge 30 ] && echo enough)" enough "README's guide has its config lines (${n:-0} checked)"
expect_eq "$rc" 0 "every config line of README's guide is one the demo or the tests use"
finish
