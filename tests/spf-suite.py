#!/usr/bin/python3
"""spf-suite.py YAML OUTDIR BLACKHOLE_PORT

Turn an openspf YAML test suite (../shared/testdata/spf/README.md) into
what tests/spf_suite.c runs through the real libunbound code path:

  OUTDIR/scenN.conf  one libunbound configuration per scenario: the zone
                     data as local-data (everything else NXDOMAIN), and
                     names with a TIMEOUT entry forwarded to a socket that
                     never answers;
  OUTDIR/tests.tsv   scenario, id, helo, host, mailfrom, results (comma
                     separated), explanation ("-" = none expected); fields
                     escaped as \\xHH for tab, backslash, newline and
                     non-printable octets.

The suite's conventions (SPF->TXT mirroring, NONE, bare TIMEOUT, null
text, UTF-8 strings) are implemented as that README describes them.
"""
import sys
import yaml

RESULT_ALIASES = {"unknown": "permerror", "error": "temperror"}


def octets(s):
    return s.encode("utf-8") if isinstance(s, str) else str(s).encode()


def dns_text(b, quote):
    """Presentation-format escaping for names (quote=False) and strings."""
    out = []
    for c in b:
        ok = 0x21 <= c <= 0x7e and chr(c) not in "\"'\\;" and \
            (quote or chr(c) not in "()")
        out.append(chr(c) if ok else "\\%03d" % c)
    return "".join(out)


def owner(name):
    name = str(name)
    return dns_text(octets(name.rstrip(".")), False) + "."


def tsv_field(s):
    b = octets(s)
    return "".join(chr(c) if 0x20 <= c <= 0x7e and c != 0x5c
                   else "\\x%02x" % c for c in b)


def rdata(rtype, value):
    if rtype in ("TXT", "SPF"):
        strings = value if isinstance(value, list) else [value]
        if not strings:
            return "\\# 0"  # the illegal null text: no strings at all
        return " ".join('"%s"' % dns_text(octets(s), True) for s in strings)
    if rtype == "MX":
        return "%d %s" % (int(value[0]), owner(value[1]))
    if rtype in ("PTR", "CNAME"):
        return owner(value)
    return str(value)


def scenario_config(zonedata, port):
    lines = ["server:", "\tdo-not-query-localhost: no", "\tdo-ip6: no",
             "\tlocal-zone: \".\" static"]
    forwards = []
    for name, entries in (zonedata or {}).items():
        records, listed, timeout = [], set(), False
        before = set()
        for entry in entries:
            if entry == "TIMEOUT":
                timeout = True
                continue
            (rtype, value), = entry.items()
            listed.add(rtype)
            if value == "NONE":
                continue
            if value == "TIMEOUT":  # TYPE: TIMEOUT (not used so far)
                timeout = True
                continue
            records.append((rtype, value))
            if not timeout:
                before.add(rtype)
        if "TXT" not in listed:  # SPF -> TXT mirroring
            records += [("TXT", v) for t, v in records if t == "SPF"]
            if "SPF" in before:
                before.add("TXT")
        o = owner(name)
        if timeout:
            lines.append('\tlocal-zone: "%s" typetransparent' % o)
            records = [r for r in records if r[0] in before]
            forwards.append(o)
        else:
            lines.append('\tlocal-zone: "%s" static' % o)
        for rtype, value in records:
            lines.append("\tlocal-data: '%s 300 IN %s %s'" %
                         (o, rtype if rtype != "TXT" or value != [] else
                          "TYPE16", rdata(rtype, value)))
    for o in forwards:
        lines += ["forward-zone:", '\tname: "%s"' % o,
                  "\tforward-addr: 127.0.0.1@%d" % port]
    return "\n".join(lines) + "\n"


def main():
    path, outdir, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows = []
    with open(path, encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    for n, doc in enumerate(docs):
        if not doc:
            continue
        with open("%s/scen%d.conf" % (outdir, n), "w") as conf:
            conf.write(scenario_config(doc.get("zonedata"), port))
        for tid, t in doc["tests"].items():
            res = t["result"]
            res = res if isinstance(res, list) else [res]
            res = [RESULT_ALIASES.get(r, r) for r in res]
            exp = t.get("explanation")
            rows.append("\t".join([str(n), tsv_field(tid),
                                   tsv_field(t.get("helo", "")),
                                   tsv_field(t.get("host", "")),
                                   tsv_field(t.get("mailfrom", "")),
                                   ",".join(res),
                                   "-" if exp is None else tsv_field(exp)]))
    with open("%s/tests.tsv" % outdir, "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
