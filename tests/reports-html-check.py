#!/usr/bin/python3
"""reports-html-check.py - what chromium rendered of `dmarc-reports
summary --html` against numbers computed here, independently, from the
aggregate report XML (xml.etree; RFC 9990 3.1.1.3 / RFC 7489 appendix C
elements, with or without the RFC 9990 namespace).

  reports-html-check.py --sink-works LOG
  reports-html-check.py --write-big FILE N
  reports-html-check.py --json JSON --domains D[,D...] --since YYYY-MM-DD
      --days N XML...
  reports-html-check.py --dom DOM --png PNG --proxy-log LOG --page HTML
      --domains D[,D...] --since YYYY-MM-DD --days N XML...

A row passes DMARC when policy_evaluated dkim or spf is "pass"; a row
counts on the UTC day its report's date_range begins; only reports about
--domains (or their subdomains) are summarized, the others are counted
apart.  A domain's sources are ranked by messages, then by IP; the
page shows the first TOP_SOURCES and one line summing the others (the
page stays bounded whatever a report holds).  --write-big writes an
RFC 9990 report about example.net with N sources (198.18.0.0/15, RFC
2544), source i sending i + 1 messages, every third passing DKIM.
Prints "ok N - ..." / "not ok N - ..." lines; exit 1 on any failure."""

import argparse
import calendar
import collections
import gzip
import html.parser
import json
import os
import struct
import sys
import time
import xml.etree.ElementTree as ET
import zlib

checks = [0, 0]
# Sources shown per domain (dmarc-reports/reports-summary.h
# SUMMARY_TOP_SOURCES, the number the page promises in its design).
TOP_SOURCES = 25
# Characters that reorder or restyle the text around them (UAX #9 2,
# C1 controls): a reporter's string must not bring them to the page.
DISPLAY_CONTROLS = set(chr(c) for c in range(0x7f, 0xa0)) | set(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069")


def check(cond, what):
    checks[0] += 1
    if not cond:
        checks[1] += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", checks[0], what))


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def text(el, *path):
    for name in path:
        el = child(el, name) if el is not None else None
    return (el.text or "").strip() if el is not None else ""


def wanted(domain, domains):
    return any(domain == d or domain.endswith("." + d) for d in domains)


def expected(files, domains, since, days):
    dom = collections.defaultdict(lambda: {
        "total": 0, "pass": 0, "reports": 0,
        "src": collections.defaultdict(lambda: [0, 0]),
        "day": collections.defaultdict(lambda: [0, 0])})
    other = 0
    for f in files:
        data = open(f, "rb").read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        root = ET.fromstring(data)
        pd = text(root, "policy_published", "domain").lower()
        begin = int(text(root, "report_metadata", "date_range", "begin"))
        end = int(text(root, "report_metadata", "date_range", "end"))
        if end < since or begin >= since + days * 86400:
            continue
        if not wanted(pd, domains):
            other += 1
            continue
        d = dom[pd]
        d["reports"] += 1
        day = time.strftime("%Y-%m-%d", time.gmtime(max(begin, since)))
        for rec in root:
            if local(rec.tag) != "record":
                continue
            ip = text(rec, "row", "source_ip").lower()
            n = int(text(rec, "row", "count"))
            ok = "pass" in (text(rec, "row", "policy_evaluated", "dkim"),
                            text(rec, "row", "policy_evaluated", "spf"))
            d["total"] += n
            d["pass"] += n if ok else 0
            d["src"][ip][0] += n
            d["src"][ip][1] += n if ok else 0
            d["day"][day][0 if ok else 1] += n
    return dom, other


def write_big(path, n):
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<feedback '
                'xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0'
                '</version><report_metadata><org_name>Big Reporter'
                '</org_name><email>dmarc@big.example</email><report_id>'
                'big-1</report_id><date_range><begin>1796342400</begin>'
                '<end>1796428799</end></date_range></report_metadata>'
                '<policy_published><domain>example.net</domain><p>none'
                '</p></policy_published>\n')
        for i in range(n):
            ok = "pass" if i % 3 == 0 else "fail"
            f.write('<record><row><source_ip>198.18.%d.%d</source_ip>'
                    '<count>%d</count><policy_evaluated><disposition>none'
                    '</disposition><dkim>%s</dkim><spf>fail</spf>'
                    '</policy_evaluated></row><identifiers><header_from>'
                    'example.net</header_from></identifiers><auth_results>'
                    '<spf><domain>example.net</domain><result>fail</result>'
                    '</spf></auth_results></record>\n'
                    % (i // 250, i % 250, i + 1, ok))
        f.write("</feedback>\n")


class Page(html.parser.HTMLParser):
    """The numbers the page shows: per section (data-domain) the first
    data-k of each key outside tables, per source row (tr.src data-ip)
    its data-k values, the others row (tr.others), per day group (g
    data-day) its pass / fail; every element name, every attribute name,
    every svg's class, the text, and the title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.domains = {}
        self.tags = collections.Counter()
        self.title = None
        self.cur = None
        self.row = None
        self.key = None
        self.other = None
        self.in_title = False
        self.depth_tr = 0
        self.attrs = collections.Counter()
        self.svgs = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        for k, _ in attrs:
            self.attrs[k] += 1
        if tag == "svg":
            self.svgs.append(a.get("class"))
        if tag == "title" and self.title is None:
            self.in_title = True
            self.title = ""
        if tag == "section" and "data-domain" in a:
            self.cur = self.domains.setdefault(
                a["data-domain"], {"top": {}, "src": {}, "day": {}})
        if tag == "tr":
            self.row = None
            cls = (a.get("class") or "").split()
            if "src" in cls and self.cur:
                self.row = self.cur["src"].setdefault(a["data-ip"], {})
            if "others" in cls and self.cur:
                self.row = self.cur.setdefault("others", {})
            self.depth_tr = 1
        if tag == "g" and "data-day" in a and self.cur is not None:
            self.cur["day"][a["data-day"]] = (int(a["data-pass"]),
                                              int(a["data-fail"]))
        if tag == "span" and "data-k" in a:
            self.key = a["data-k"]

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "tr":
            self.row = None
            self.depth_tr = 0
        if tag == "span":
            self.key = None
        if tag == "section":
            self.cur = None

    def handle_data(self, data):
        self.text.append(data)
        if self.in_title:
            self.title += data
        if self.key is None:
            return
        if self.key == "other":
            self.other = int(data)
        elif self.row is not None:
            self.row.setdefault(self.key, int(data))
        elif self.cur is not None and not self.depth_tr:
            self.cur["top"].setdefault(self.key, int(data))


# A page without script can only make the browser ask for what its own
# text names (an <img src>, a CSS url(), a link preloaded): a request is
# the page's when its host appears in the page's source, as the hostile
# fixture's "http://tracker.example/x.png" would if it escaped into
# markup.  Chromium's own requests (updater, clock, accounts, safe
# browsing, the default search engine's preconnect to www.google.com seen
# with chromium 150 in a fresh Debian 12 root) go to hosts no page here
# names, whatever their number and version.
def request_host(line):
    """The host of a sink line ("CONNECT host:443 ...", "GET
    http://host/..."), lower-cased, or None."""
    parts = line.split()
    if len(parts) < 2:
        return None
    target = parts[1]
    if "://" in target:
        target = target.split("://", 1)[1]
    return target.split("/", 1)[0].rsplit(":", 1)[0].lower() or None


def page_request(line, page_text):
    """Whether a sink line asks for a host the page's source names."""
    host = request_host(line)
    return host is not None and host in page_text.lower()


def png_pixels(path):
    """Decode an 8-bit RGB(A) non-interlaced PNG (what chromium writes):
    (width, height, rows of bytes)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, hdr
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, None, []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        up = prev or bytearray(stride)
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            ul = up[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + left) & 255
            elif f == 2:
                line[i] = (line[i] + up[i]) & 255
            elif f == 3:
                line[i] = (line[i] + (left + up[i]) // 2) & 255
            elif f == 4:
                p = left + up[i] - ul
                pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - ul)
                pr = left if pa <= pb and pa <= pc else \
                    up[i] if pb <= pc else ul
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def ranked_sources(w):
    ranked = sorted(w["src"].items(), key=lambda kv: (-kv[1][0], kv[0]))
    return ranked[:TOP_SOURCES], ranked[TOP_SOURCES:]


def check_json(a, want, other):
    """`summary --json` against the XML: the raw text carries no markup,
    C1 or bidi control; the numbers are the XML's."""
    raw = open(a.json, encoding="utf-8").read()
    bad = sorted("U+%04X" % ord(c) for c in set(raw) &
                 (DISPLAY_CONTROLS | set("<>\x1b")))
    check(not bad, "the JSON text carries no raw markup or control (%s)"
          % bad)
    doc = json.loads(raw)
    got = {d["domain"]: d for d in doc["domains"]}
    check(sorted(got) == sorted(want), "JSON domains %s, want %s"
          % (sorted(got), sorted(want)))
    check(doc["not_in_report_domains"]["reports"] == other,
          "JSON reports kept apart: %s, want %s"
          % (doc["not_in_report_domains"]["reports"], other))
    for name, w in sorted(want.items()):
        d = got.get(name, {})
        check((d.get("messages"), d.get("pass"), d.get("fail"),
               d.get("reports")) ==
              (w["total"], w["pass"], w["total"] - w["pass"], w["reports"]),
              "JSON %s: messages / pass / fail / reports %s, want %s"
              % (name, (d.get("messages"), d.get("pass"), d.get("fail"),
                        d.get("reports")),
                 (w["total"], w["pass"], w["total"] - w["pass"],
                  w["reports"])))
        top, rest = ranked_sources(w)
        shown = [(x["source_ip"], (x["messages"], x["pass"]))
                 for x in d.get("sources", [])]
        check(shown == [(ip, tuple(v)) for ip, v in top],
              "JSON %s: the %d sources shown, in order, with their "
              "messages and pass" % (name, len(top)))
        o = d.get("other_sources", {})
        check((o.get("sources"), o.get("messages"), o.get("pass")) ==
              (len(rest), sum(v[0] for _, v in rest),
               sum(v[1] for _, v in rest)),
              "JSON %s: other sources %s" % (name, o))
        days = {x["day"]: (x["pass"], x["fail"]) for x in d.get("days", [])
                if (x["pass"], x["fail"]) != (0, 0)}
        check(len(d.get("days", [])) == a.days and
              days == {k: tuple(v) for k, v in w["day"].items()},
              "JSON %s: pass / fail per day %s" % (name, days))
    names = [r["org_name"] for d in doc["domains"] for r in d["reporters"]]
    check(any("</script><svg onload=" in n and "\u202e" in n
              for n in names),
          "JSON: the hostile org_name decodes to what the reporter wrote")
    return 1 if checks[1] else 0


def main():
    if sys.argv[1:2] == ["--json"]:
        ap = argparse.ArgumentParser()
        ap.add_argument("--json", required=True)
        ap.add_argument("--domains", required=True)
        ap.add_argument("--since", required=True)
        ap.add_argument("--days", type=int, required=True)
        ap.add_argument("xml", nargs="+")
        a = ap.parse_args()
        since = calendar.timegm(time.strptime(a.since, "%Y-%m-%d"))
        want, other = expected(a.xml, a.domains.split(","), since, a.days)
        return check_json(a, want, other)
    if sys.argv[1:2] == ["--write-big"]:
        write_big(sys.argv[2], int(sys.argv[3]))
        return 0
    if sys.argv[1:2] == ["--sink-works"]:
        # the control page's <img src=http://tracker.example/...>
        log = open(sys.argv[2]).read().split("\n")
        check(any("tracker.example" in l for l in log),
              "the sink proxy sees a page's request (control page)")
        check(all(page_request(l, '<img src="http://tracker.example/c.png">')
                  for l in log if "tracker" in l),
              "a page's request is told apart from chromium's own")
        return 1 if checks[1] else 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--dom", required=True)
    ap.add_argument("--png", required=True)
    ap.add_argument("--proxy-log", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--domains", required=True)
    ap.add_argument("--since", required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("xml", nargs="+")
    a = ap.parse_args()
    since = calendar.timegm(time.strptime(a.since, "%Y-%m-%d"))
    want, other = expected(a.xml, a.domains.split(","), since, a.days)
    page = Page()
    page.feed(open(a.dom, encoding="utf-8").read())

    check(page.title is not None and page.title.startswith("DMARC reports"),
          "the title is the page's own (%r): no injected script ran"
          % page.title)
    check(page.tags["script"] == 0, "no <script> element in the DOM")
    check(page.tags["img"] == 0 and page.tags["iframe"] == 0 and
          page.tags["link"] == 0, "no img / iframe / link element")
    handlers = sorted(k for k in page.attrs if k.startswith("on"))
    check(not handlers, "no event handler attribute (%s)" % handlers)
    check(all(c in ("days", "failing") for c in page.svgs),
          "every svg is one of the page's charts (%s)"
          % sorted(set(map(str, page.svgs))))
    shown = "".join(page.text)
    check("</script><svg onload=" in shown,
          "the hostile org_name is shown as text, markup and all")
    bad = sorted("U+%04X" % ord(c) for c in set(shown) & DISPLAY_CONTROLS)
    check(not bad, "no bidi or C1 control reaches the page's text (%s)"
          % bad)
    size = os.path.getsize(a.page)
    check(size < 256 * 1024, "the page is %d bytes (< 256 KiB)" % size)
    check(sorted(page.domains) == sorted(want),
          "the domains shown: %s (want %s)" % (sorted(page.domains),
                                               sorted(want)))
    check(page.other == (other or None),
          "reports kept apart: %s (want %s)" % (page.other, other))
    for name, w in sorted(want.items()):
        got = page.domains.get(name, {"top": {}, "src": {}, "day": {}})
        top = got["top"]
        check((top.get("total"), top.get("pass"), top.get("fail"),
               top.get("reports")) ==
              (w["total"], w["pass"], w["total"] - w["pass"], w["reports"]),
              "%s: messages / pass / fail / reports %s, want %s"
              % (name, (top.get("total"), top.get("pass"), top.get("fail"),
                        top.get("reports")),
                 (w["total"], w["pass"], w["total"] - w["pass"],
                  w["reports"])))
        top, rest = ranked_sources(w)
        check(sorted(got["src"]) == sorted(ip for ip, _ in top),
              "%s: the %d sources shown are the biggest (of %d)"
              % (name, len(got["src"]), len(top) + len(rest)))
        for ip, (n, p) in top:
            r = got["src"].get(ip, {})
            check((r.get("total"), r.get("pass"), r.get("fail")) ==
                  (n, p, n - p), "%s source %s: %s, want %s"
                  % (name, ip, (r.get("total"), r.get("pass"),
                                r.get("fail")), (n, p, n - p)))
        o = got.get("others", {})
        want_o = (len(rest), sum(n for _, (n, _) in rest),
                  sum(p for _, (_, p) in rest),
                  sum(n - p for _, (n, p) in rest)) if rest else None
        got_o = (o.get("sources"), o.get("total"), o.get("pass"),
                 o.get("fail")) if o else None
        check(got_o == want_o, "%s: other sources / messages / pass / "
              "fail %s, want %s" % (name, got_o, want_o))
        days = {d: v for d, v in got["day"].items() if v != (0, 0)}
        check(len(got["day"]) == a.days and
              days == {d: tuple(v) for d, v in w["day"].items()},
              "%s: pass / fail per day %s, want %s"
              % (name, days, dict(w["day"])))

    w, h, bpp, rows = png_pixels(a.png)
    colors = set()
    for line in rows[::4]:
        for i in range(0, len(line), bpp * 4):
            colors.add(bytes(line[i:i + 3]))
    check(w >= 800 and h >= 600 and len(colors) >= 8,
          "the screenshot is %dx%d with %d colours (not blank)"
          % (w, h, len(colors)))
    green = any(abs(c[0] - 0x2e) < 8 and abs(c[1] - 0x8b) < 8 and
                abs(c[2] - 0x57) < 8 for c in colors)
    red = any(abs(c[0] - 0xc0) < 8 and abs(c[1] - 0x39) < 8 and
              abs(c[2] - 0x2b) < 8 for c in colors)
    check(green and red, "the charts' pass and fail bars are drawn")

    page_text = open(a.page, encoding="utf-8", errors="replace").read()
    log = [l for l in open(a.proxy_log).read().split("\n")
           if l and page_request(l, page_text)]
    check(not log, "the page made no request (%s)" % log[:5])
    return 1 if checks[1] else 0


if __name__ == "__main__":
    sys.exit(main())
