#!/usr/bin/python3
"""spf-suite.py YAML OUTDIR BLACKHOLE_PORT [server]

Turn an openspf YAML test suite (tests/fixtures/spf/README.md) into
what tests/spf_suite.c runs through the real libunbound code path:

  OUTDIR/scenN.conf  one libunbound configuration per scenario: the zone
                     data as local-data (everything else NXDOMAIN), and
                     names with a TIMEOUT entry forwarded to a socket that
                     never answers;
  OUTDIR/tests.tsv   scenario, id, helo, host, mailfrom, results (comma
                     separated), explanation ("-" = none expected); fields
                     escaped as \\xHH for tab, backslash, newline and
                     non-printable octets.

With "server", each OUTDIR/scenN.conf is instead a fragment of a real
unbound server's configuration (tests/harness/unbound-start.sh ZONES) and
OUTDIR/scenN.root the local-zone type its root zone needs: the site's
authoritative server that tests/spf_suite.c reaches through the
forwarder path (dns_settings.forwarders).

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
            # The illegal "null text" (a TXT RR with no strings) cannot
            # pass through libunbound (it answers SERVFAIL), so the
            # nearest legal record is served: one empty string.
            return '""'

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
                         (o, rtype, rdata(rtype, value)))
    for o in forwards:
        lines += ["forward-zone:", '\tname: "%s"' % o,
                  "\tforward-addr: 127.0.0.1@%d" % port]
    return "\n".join(lines) + "\n"


def has_cname(zonedata):
    return any(isinstance(e, dict) and "CNAME" in e
               for entries in (zonedata or {}).values() for e in entries)


def has_timeout(zonedata):
    return any(e == "TIMEOUT" or (isinstance(e, dict) and
                                  "TIMEOUT" in e.values())
               for entries in (zonedata or {}).values() for e in entries)


def auth_zone_config(zonedata, zonefile):
    """CNAMEs are only chased by the iterator, not by local-data: such a
    scenario is served as an authoritative root zone (auth-zone with
    for-upstream) that the iterator queries like a real server."""
    zone = [". 300 IN SOA ns. hostmaster. 1 3600 600 86400 300",
            ". 300 IN NS ns."]
    lines = ["server:", "\tdo-not-query-localhost: no", "\tdo-ip6: no"]
    for name, entries in (zonedata or {}).items():
        listed = {t for e in entries for t in e}
        records = [(t, v) for e in entries for t, v in e.items()
                   if v != "NONE"]
        if "TXT" not in listed:
            records += [("TXT", v) for t, v in records if t == "SPF"]
        o = owner(name)
        # step over libunbound's built-in zones (RFC 6761/5737/3849)
        lines.append('\tlocal-zone: "%s" transparent' % o)
        zone += ["%s 300 IN %s %s" % (o, t, rdata(t, v)) for t, v in records]
    lines += ["auth-zone:", '\tname: "."', '\tzonefile: "%s"' % zonefile,
              "\tfor-downstream: no", "\tfor-upstream: yes",
              "\tfallback-enabled: no"]
    return "\n".join(lines) + "\n", "\n".join(zone) + "\n"


def main():
    path, outdir, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    server = len(sys.argv) > 4 and sys.argv[4] == "server"
    rows = []
    with open(path, encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    for n, doc in enumerate(docs):
        if not doc:
            continue
        zonedata = doc.get("zonedata")
        if has_cname(zonedata) and not has_timeout(zonedata):
            zonefile = "%s/scen%d.zone" % (outdir, n)
            conf, zone = auth_zone_config(zonedata, zonefile)
            with open(zonefile, "w") as f:
                f.write(zone)
            root = "transparent"  # the iterator asks the auth-zone
        else:
            conf = scenario_config(zonedata, port)
            root = "static"
        if server:
            # the server's own "." local zone comes from unbound-start.sh
            conf = conf.replace('\tlocal-zone: "." static\n', "")
            with open("%s/scen%d.root" % (outdir, n), "w") as f:
                f.write(root + "\n")
        with open("%s/scen%d.conf" % (outdir, n), "w") as f:
            f.write(conf)
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
