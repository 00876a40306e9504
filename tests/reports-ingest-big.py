#!/usr/bin/python3
# reports-ingest-big.py BIG.xml.gz OUTDIR - the large and hostile message
# shapes of tests/reports-ingest.sh (issue #19), built with Python's
# email and zipfile modules (independent of ours):
#   big.eml       the 100,000-row report of reports-in-big.py (68 MB of
#                 XML) as a zip attachment, base64 in 76-column lines:
#                 a message of a few MB
#   oneline.eml   the same zip as the whole body, its base64 on one line
#   nested.eml    a report at the bottom of 40 nested multiparts
#   longline.eml  a 50 MB base64 line labelled application/zip that
#                 decodes to no zip at all
import base64
import email.message
import email.policy
import gzip
import io
import os
import sys
import zipfile

src, out = sys.argv[1], sys.argv[2]
HEAD = (b'From: DMARC Aggregate Report <noreply-dmarc@big.example>\r\n'
        b'To: rua@example.com\r\nSubject: Report domain: example.com\r\n'
        b'MIME-Version: 1.0\r\n')

with gzip.open(src, 'rb') as g:
    xml = g.read()
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('big.example!example.com!1765065600!1765151999.xml', xml)
zdata = zbuf.getvalue()

m = email.message.EmailMessage(policy=email.policy.SMTP)
m['From'] = 'DMARC Aggregate Report <noreply-dmarc@big.example>'
m['To'] = 'rua@example.com'
m['Subject'] = 'Report domain: example.com'
m.set_content('This is an aggregate report from big.example.')
m.add_attachment(zdata, maintype='application', subtype='zip',
                 filename='big.example!example.com!1765065600!1765151999.zip')
with open(os.path.join(out, 'big.eml'), 'wb') as f:
    f.write(bytes(m))

with open(os.path.join(out, 'oneline.eml'), 'wb') as f:
    f.write(HEAD + b'Content-Type: application/zip; name="big.zip"\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\n' +
            base64.b64encode(zdata) + b'\r\n')

small = xml[:xml.index(b'<record>')] + b'</feedback>\n'
with open(os.path.join(out, 'nested.eml'), 'wb') as f:
    f.write(HEAD + b'Content-Type: multipart/mixed; boundary="n0"\r\n\r\n')
    for i in range(1, 40):
        f.write(b'--n%d\r\nContent-Type: multipart/mixed; boundary="n%d"'
                b'\r\n\r\n' % (i - 1, i))
    f.write(b'--n39\r\nContent-Type: text/xml; name="deep.xml"\r\n\r\n' +
            small)
    for i in range(39, -1, -1):
        f.write(b'\r\n--n%d--' % i)
    f.write(b'\r\n')

with open(os.path.join(out, 'longline.eml'), 'wb') as f:
    f.write(HEAD + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            b'--b\r\nContent-Type: application/zip; name="long.zip"\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\n')
    piece = base64.b64encode(os.urandom(3 * 1024 * 1024))
    for _ in range(50 // 4):
        f.write(piece)
    f.write(piece[:2 * 1024 * 1024])
    f.write(b'\r\n--b--\r\n')
