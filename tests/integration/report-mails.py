#!/usr/bin/python3
# report-mails.py OUTDIR - the report mails tests/integration/
# dovecot-report-ingest.sh delivers: DMARC aggregate reports in the
# shapes real reporters send (issue #19: Google zip with the RFC 7489
# format and no namespace, Microsoft .xml.gz from protection.outlook.com,
# Yahoo, Fastmail, an RFC 9990 report with its namespace), an ARF
# failure report (RFC 6591 / RFC 9991), and hostile ones (zip bomb, gzip
# bomb, XXE, billion laughs, truncated archives).
#
# Writes OUTDIR/NAME.eml (CRLF) for each, OUTDIR/NAME.xml for the
# aggregate reports a reader must take (the expected values are read
# from these by xml.etree, not written twice), and OUTDIR/list: one line
# "NAME good|hostile" per mail.
import gzip, io, os, sys, zipfile, zlib
from email.message import EmailMessage
from email.policy import SMTP

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
listing = []

def row(ip, n, disp, dkim, spf, hf, dd, sd, extra=""):
    return f"""  <record>
    <row>
      <source_ip>{ip}</source_ip>
      <count>{n}</count>
      <policy_evaluated>
        <disposition>{disp}</disposition>
        <dkim>{dkim}</dkim>
        <spf>{spf}</spf>{extra}
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>{hf}</header_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>{dd}</domain>
        <result>{dkim}</result>
        <selector>s1</selector>
      </dkim>
      <spf>
        <domain>{sd}</domain>
        <result>{spf}</result>
      </spf>
    </auth_results>
  </record>
"""

def aggregate(org, email, rid, begin, end, domain, rows, ns=None,
              version=None, decl=True):
    head = '<?xml version="1.0" encoding="UTF-8" ?>\n' if decl else ""
    attr = ns if ns and ns.startswith(" ") else f' xmlns="{ns}"' if ns else ""
    ver = f"  <version>{version}</version>\n" if version else ""
    return (f"""{head}<feedback{attr}>
{ver}  <report_metadata>
    <org_name>{org}</org_name>
    <email>{email}</email>
    <report_id>{rid}</report_id>
    <date_range>
      <begin>{begin}</begin>
      <end>{end}</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>{domain}</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>none</p>
    <sp>none</sp>
    <pct>100</pct>
  </policy_published>
""" + "".join(rows) + "</feedback>\n").encode()

def mail(name, kind, frm, subject, parts, body="This is a DMARC aggregate report.\r\n"):
    m = EmailMessage()
    m["From"] = frm
    m["To"] = "dmarc-reports@home.test"
    m["Subject"] = subject
    m["Date"] = "Mon, 07 Dec 2026 00:12:41 +0000"
    m["Message-ID"] = f"<{name}.20261207@reporter.example>"
    m.set_content(body)
    for data, ctype, fname in parts:
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype,
                         filename=fname)
    open(os.path.join(out, name + ".eml"), "wb").write(m.as_bytes(policy=SMTP))
    listing.append(f"{name} {kind}")

def zipped(fname, data):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(fname, data)
    return b.getvalue()

B, E = 1796515200, 1796601599   # 2026-12-06 00:00:00 .. 23:59:59 UTC

# Google: zip, RFC 7489 format without a namespace
x = aggregate("google.com", "noreply-dmarc-support@google.com",
              "12081953772460395761", B, E, "home.test",
              [row("209.85.220.41", 14, "none", "pass", "pass", "home.test", "home.test", "home.test"),
               row("203.0.113.9", 3, "none", "fail", "fail", "home.test", "evil.example", "evil.example")],
              version="1.0")
open(f"{out}/google.xml", "wb").write(x)
mail("google", "good", "noreply-dmarc-support@google.com",
     "Report domain: home.test Submitter: google.com Report-ID: 12081953772460395761",
     [(zipped("google.com!home.test!1796515200!1796601599.xml", x), "application/zip",
       "google.com!home.test!1796515200!1796601599.zip")])

# Microsoft: .xml.gz, protection.outlook.com, no default namespace but
# XML Schema's prefixes declared
x = aggregate("Enterprise Outlook", "dmarcreport@microsoft.com",
              "4e2f3c9d8b7a4f1e9d6c5b4a39281706", B, E, "home.test",
              [row("40.107.22.61", 7, "none", "pass", "pass", "home.test", "home.test", "home.test"),
               row("40.107.22.62", 1, "none", "pass", "fail", "home.test", "home.test", "mail.home.test")],
              ns=' xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
              version="1.0")
open(f"{out}/microsoft.xml", "wb").write(x)
mail("microsoft", "good", "dmarcreport@microsoft.com",
     "Report Domain: home.test Submitter: protection.outlook.com Report-ID: 4e2f3c9d8b7a4f1e9d6c5b4a39281706",
     [(gzip.compress(x), "application/gzip",
       "protection.outlook.com!home.test!1796515200!1796601599.xml.gz")])

# Yahoo: zip sent as application/octet-stream
x = aggregate("Yahoo", "dmarchelp@yahooinc.com", "1796600000.812345", B, E,
              "home.test",
              [row("192.0.2.25", 2, "none", "pass", "pass", "home.test", "home.test", "home.test")],
              decl=False)
open(f"{out}/yahoo.xml", "wb").write(x)
mail("yahoo", "good", "noreply@dmarc.yahoo.com",
     "Report Domain: home.test Submitter: yahoo.com Report-ID: <1796600000.812345>",
     [(zipped("yahoo.com!home.test!1796515200!1796601599.xml", x),
       "application/octet-stream", "yahoo.com!home.test!1796515200!1796601599.zip")])

# Fastmail: .xml.gz as application/gzip, the dmarc.org namespace of
# RFC 7489's drafts, a reason
x = aggregate("Fastmail Pty Ltd", "dmarc-reports@fastmail.com",
              "fm-6b1f1f6e-1796601599", B, E, "home.test",
              [row("198.51.100.7", 5, "none", "fail", "fail", "home.test", "other.example", "other.example",
                   "\n        <reason>\n          <type>forwarded</type>\n        </reason>")],
              ns="http://dmarc.org/dmarc-xml/0.1")
open(f"{out}/fastmail.xml", "wb").write(x)
mail("fastmail", "good", "dmarc-reports@fastmail.com",
     "Report Domain: home.test Submitter: fastmail.com Report-ID: fm-6b1f1f6e-1796601599",
     [(gzip.compress(x), "application/gzip",
       "fastmail.com!home.test!1796515200!1796601599!fm-6b1f1f6e.xml.gz")])

# RFC 9990: its namespace, plain .xml
x = aggregate("mail.receiver.example", "dmarc@receiver.example",
              "rfc9990-2026-12-06-home.test", B, E, "home.test",
              [row("192.0.2.25", 11, "none", "pass", "pass", "home.test", "home.test", "home.test"),
               row("2001:db8::25", 4, "none", "pass", "pass", "home.test", "home.test", "home.test")],
              ns="urn:ietf:params:xml:ns:dmarc-2.0", version="1.0")
open(f"{out}/rfc9990.xml", "wb").write(x)
mail("rfc9990", "good", "dmarc@receiver.example",
     "Report Domain: home.test Submitter: receiver.example Report-ID: <rfc9990-2026-12-06-home.test>",
     [(x, "text/xml", "receiver.example!home.test!1796515200!1796601599.xml")])

# a failure report (ARF: RFC 5965, RFC 6591, RFC 9991)
arf = (b"--arf\r\nContent-Type: text/plain\r\n\r\nA DMARC failure report.\r\n"
       b"--arf\r\nContent-Type: message/feedback-report\r\n\r\n"
       b"Feedback-Type: auth-failure\r\nUser-Agent: test/1.0\r\nVersion: 1\r\n"
       b"Original-Mail-From: <spoof@evil.example>\r\nArrival-Date: Sun, 06 Dec 2026 10:00:00 +0000\r\n"
       b"Source-IP: 203.0.113.9\r\nReported-Domain: home.test\r\nAuth-Failure: dmarc\r\n"
       b"Identity-Alignment: none\r\n"
       b"--arf\r\nContent-Type: text/rfc822-headers\r\n\r\n"
       b"From: ceo@home.test\r\nTo: victim@example.org\r\nSubject: invoice\r\n"
       b"Message-ID: <spoof1@evil.example>\r\n--arf--\r\n")
open(f"{out}/failure.eml", "wb").write(
    b"From: dmarc-failures@receiver.example\r\nTo: dmarc-failures@home.test\r\n"
    b"Subject: DMARC failure report for home.test\r\nDate: Mon, 07 Dec 2026 00:12:41 +0000\r\n"
    b"Message-ID: <failure.20261207@receiver.example>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"\r\n\r\n' + arf)
listing.append("failure failure")

# hostile: a zip bomb and a gzip bomb (512 MiB of zeros each, about
# 0.5 MB packed: far beyond any cap and beyond lmtp's vsz_limit)
BOMB = 512 << 20
def gzip_bomb():
    b = io.BytesIO()
    with gzip.GzipFile(fileobj=b, mode="wb", compresslevel=9) as g:
        chunk = bytes(1 << 20)
        for _ in range(BOMB >> 20):
            g.write(chunk)
    return b.getvalue()
def zip_bomb():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("bomb.xml", "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(BOMB >> 20):
                f.write(chunk)
    return b.getvalue()
mail("zipbomb", "hostile", "bomb@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: zipbomb",
     [(zip_bomb(), "application/zip", "evil.example!home.test!1796515200!1796601599.zip")])
mail("gzipbomb", "hostile", "bomb@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: gzipbomb",
     [(gzip_bomb(), "application/gzip", "evil.example!home.test!1796515200!1796601599.xml.gz")])
# XXE: an external entity naming a local file
xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE feedback [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b"<feedback><report_metadata><org_name>&xxe;</org_name><email>x@evil.example</email>"
       b"<report_id>xxe</report_id><date_range><begin>1796515200</begin><end>1796601599</end>"
       b"</date_range></report_metadata><policy_published><domain>home.test</domain><p>none</p>"
       b"</policy_published><record><row><source_ip>203.0.113.1</source_ip><count>1</count>"
       b"<policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>"
       b"</policy_evaluated></row><identifiers><header_from>home.test</header_from></identifiers>"
       b"<auth_results><spf><domain>evil.example</domain><result>fail</result></spf></auth_results>"
       b"</record></feedback>\n")
mail("xxe", "hostile", "xxe@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: xxe",
     [(gzip.compress(xxe), "application/gzip", "evil.example!home.test!1796515200!1796601599.xml.gz")])
# billion laughs: nested internal entities
lol = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
lol += b' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
for i in range(2, 10):
    lol += b' <!ENTITY lol%d "%s">\n' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
lol += b"]>\n<feedback><report_metadata><org_name>&lol9;</org_name><report_id>laughs</report_id>"
lol += b"</report_metadata></feedback>\n"
mail("laughs", "hostile", "lol@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: laughs",
     [(zipped("laughs.xml", lol), "application/zip", "evil.example!home.test!1796515200!1796601599.zip")])
# truncated archives: a zip and a gzip cut in the middle
good = open(f"{out}/google.xml", "rb").read() * 4
z = zipped("cut.xml", good)
g = gzip.compress(good)
mail("truncated", "hostile", "cut@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: cut",
     [(z[: len(z) // 2], "application/zip", "evil.example!home.test!1796515200!1796601599.zip"),
      (g[: len(g) // 2], "application/gzip", "evil.example!home.test!1796515200!1796601599.xml.gz")])

# big: a genuine 20 MB report (34,000 rows; Google zips its large ones)
rows = [row("10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255), i % 97 + 1,
            "none", "fail", "fail", "home.test", "s%d.example" % i, "s%d.example" % i)
        for i in range(34000)]
x = aggregate("big.example", "dmarc@big.example", "big-34000", B, E, "home.test",
              rows, version="1.0")
open(f"{out}/big.xml", "wb").write(x)
mail("big", "good", "dmarc@big.example",
     "Report Domain: home.test Submitter: big.example Report-ID: big-34000",
     [(zipped("big.example!home.test!1796515200!1796601599.xml", x),
       "application/zip", "big.example!home.test!1796515200!1796601599.zip")])

# hostile: a 20 MB mail whose gzip report unpacks to a flood of rows,
# beyond what one delivery reads (dkimcheck(7): 128 MiB unpacked, 32 MiB
# of text, 200,000 rows); each row varies so that it packs only ~8:1
import random
rnd = random.Random(19)
def flood(nbytes):
    g = io.BytesIO()
    with gzip.GzipFile(fileobj=g, mode="wb", compresslevel=1) as z:
        z.write(b'<?xml version="1.0"?>\n<feedback><report_metadata><org_name>flood</org_name>'
                b'<email>f@evil.example</email><report_id>flood</report_id><date_range>'
                b'<begin>1796515200</begin><end>1796601599</end></date_range></report_metadata>'
                b'<policy_published><domain>home.test</domain><p>none</p></policy_published>\n')
        while g.tell() < nbytes:
            z.write(b"".join(
                b"<record><row><source_ip>10.%d.%d.%d</source_ip><count>%d</count>"
                b"<policy_evaluated><disposition>none</disposition><dkim>fail</dkim>"
                b"<spf>fail</spf></policy_evaluated></row><identifiers><header_from>"
                b"home.test</header_from></identifiers><auth_results><spf><domain>%x.example"
                b"</domain><result>fail</result></spf></auth_results></record>\n"
                % (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256),
                   rnd.randrange(1, 1000), rnd.getrandbits(64)) for _ in range(1000)))
        z.write(b"</feedback>\n")
    return g.getvalue()
mail("huge", "hostile", "flood@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: flood",
     [(flood(14_500_000), "application/gzip", "flood.xml.gz")])

# hostile: 200 attachments, each labelled a report and none (a gzip of
# zeros, junk named .zip, an XML without a report, in turn)
many = []
for i in range(200):
    if i % 3 == 0:
        many.append((gzip.compress(bytes(200_000)), "application/gzip", f"zeros{i}.xml.gz"))
    elif i % 3 == 1:
        many.append((b"PK\x03\x04 not really %d" % i, "application/zip", f"junk{i}.zip"))
    else:
        many.append((b"<?xml version='1.0'?><feedback><nothing/></feedback>", "text/xml", f"empty{i}.xml"))
mail("many", "hostile", "many@evil.example", "Report Domain: home.test Submitter: evil.example Report-ID: many",
     many)

open(f"{out}/list", "w").write("\n".join(listing) + "\n")
