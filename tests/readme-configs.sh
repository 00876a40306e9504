#!/bin/sh
# readme-configs.sh - every configuration line README.md's server guide
# tells an admin to write is one the demo and the integration tests run.
#
# The lines checked are those of README's guide (from "1. Packages" to
# "10. Logs"): the indented code lines (the files as they end up), in the
# ```sh blocks the settings of `postconf -e`, `postconf -M` and
# `postconf -P` and the lines of files written with a here-document, and
# the spawn(8) line of the spf-policyd details (comments, braces and blank
# lines left out).  Each must occur,
# with white space collapsed and none around "=", in the shipped files
# (configs/, the *.in ones with the paths of `./configure
# --sysconfdir=/etc`, the configuration README recommends) or in what the
# demo and the harnesses write (scripts/demo.sh, tests/harness/*.sh),
# after README's site values are mapped to the demo's by the table below
# (the demo's host is mail.home.test, its paths are under its scratch
# directory, its ports are free ports).  A config line edited in one place
# and not the other fails here.  Whether the guide's commands work as
# written is tests/pristine/readme-guide.sh's part.
set -u
. "$srcdir/tests/harness/lib.sh"

out=$(/usr/bin/python3 - "$srcdir" <<'PY'
import glob, os, re, shlex, sys

top = sys.argv[1]
readme = open(os.path.join(top, "README.md"), encoding="utf-8").read()

# README's site values -> the demo's (as written in scripts/demo.sh and
# tests/harness/*.sh, before the shell expands them)
SITE = [
    ("/var/spool/postfix/private/auth", "$P/spool/private/auth"),
    ("/etc/ssl/certs/mail.example.com.crt", "$P/etc/mail.home.test.crt"),
    ("/etc/ssl/private/mail.example.com.key", "$P/etc/mail.home.test.key"),
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


def logical(lines):
    """Lines with their continuation lines (starting with white space)
    joined on, as Postfix reads main.cf and master.cf."""
    out = []
    for l in lines:
        if l[:1] in (" ", "\t") and out and l.strip():
            out[-1] += " " + l.strip()
        else:
            out.append(l)
    return out


for path in sorted(glob.glob(os.path.join(top, "configs", "**", "*"), recursive=True)):
    if not os.path.isfile(path):
        continue
    text = open(path, encoding="utf-8").read()
    for k, v in SUBST.items():
        text = text.replace(k, v)
    corpus += [norm(l) for l in text.splitlines() + logical(text.splitlines())]
for path in [os.path.join(top, "scripts", "demo.sh")] + \
        sorted(glob.glob(os.path.join(top, "tests", "harness", "*.sh"))):
    # (a here-document's \$ is the $ of the file it writes)
    text = open(path, encoding="utf-8").read().replace("\\$", "$")
    corpus += [norm(l) for l in text.splitlines()]


def section(title_re, end_re):
    m = re.search(title_re, readme, re.M)
    if not m:
        print("not ok - README has no section /%s/" % title_re)
        return ""
    rest = readme[m.end():]
    e = re.search(end_re, rest, re.M)
    return rest[:e.start()] if e else rest


def code_lines(text):
    """Indented code lines, outside the fenced blocks."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    for line in text.splitlines():
        if not line.startswith("    "):
            continue
        s = line.strip()
        if not s or s.startswith("#") or s in ("{", "}"):
            continue
        yield s


def guide_lines(text):
    """The config lines the ```sh blocks write: postconf -e/-M/-P
    arguments and here-document bodies."""
    for b in re.finditer(r"^```sh[^\n]*\n(.*?)^```", text, re.M | re.S):
        body = re.sub(r"\\\n\s*", " ", b.group(1))
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            h = re.search(r"<<\s*'?(\w+)'?", line)
            if h:
                i += 1
                while i < len(lines) and lines[i].strip() != h.group(1):
                    s = lines[i].strip()
                    if s and not s.startswith("#") and s not in ("{", "}"):
                        yield s
                    i += 1
            elif line.startswith("postconf "):
                opt = line.split()[1]
                for arg in shlex.split(line)[2:]:
                    if opt == "-e":
                        yield arg
                    elif opt == "-M":
                        yield arg.split("=", 1)[1].strip()
                    elif opt == "-P":
                        yield "-o " + arg.split("/", 2)[2]
            i += 1


checked = 0
bad = 0
guide = section(r"^### 1\. Packages", r"^### 10\. ")
spawn = section(r"^### spf-policyd: ", r"^### ")
lines = list(code_lines(guide)) + list(guide_lines(guide)) + \
    [l for l in code_lines(spawn) if "spawn" in l or "argv=" in l]
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
