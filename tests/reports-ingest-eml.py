#!/usr/bin/python3
# reports-ingest-eml.py FIXTURES OUTDIR - wrap the report fixtures of
# tests/fixtures/reports-in into messages in the shapes reporters mail
# them (issue #19), built with Python's email module (an implementation
# independent of ours), one .eml each; prints "NAME.eml XML..." lines:
# the message and the XML files whose reports it must yield, in order.
#   google.eml      the whole message is the zip (no multipart),
#                   application/zip, base64 (Google's shape)
#   microsoft.eml   text/plain + application/gzip .xml.gz (Outlook)
#   yahoo.eml       text/plain + application/zip
#   fastmail.eml    text/plain + application/gzip, RFC 2231 filename
#   rfc9990.eml     a zip as application/octet-stream (wrong type)
#   gzip-named.eml  a gzip named .zip, labelled application/zip
#   several.eml     two attachments (gzip + XML as text/xml, QP)
#   body.eml        the XML as the whole body, text/xml quoted-printable
#   encoded-name.eml  RFC 2047 encoded-word filename, x-gzip
#   mailru.eml      text/plain + application/zip, the XML's elements in
#                   alphabetical order (Mail.Ru's shape)
#   hostile.eml     every hostile fixture beside one good report: only
#                   the good one may come out
#   failure.eml     an ARF failure report (RFC 6591), no XML
import email.message
import email.policy
import os
import sys

fx, out = sys.argv[1], sys.argv[2]
pol = email.policy.SMTP


def data(name):
    with open(os.path.join(fx, name), 'rb') as f:
        return f.read()


def head(m, org):
    m['From'] = f'DMARC Reports <noreply-dmarc@{org}>'
    m['To'] = 'dmarc-rua@example.com'
    m['Subject'] = f'Report Domain: example.com Submitter: {org}'
    m['Date'] = 'Sun, 07 Dec 2026 06:00:00 +0000'
    m['Message-ID'] = f'<{org}.1@{org}>'


def multipart(org, attachments, text='This is a DMARC aggregate report.'):
    m = email.message.EmailMessage(policy=pol)
    head(m, org)
    m.set_content(text)
    for fname, ctype, payload in attachments:
        maintype, subtype = ctype.split('/')
        m.add_attachment(payload, maintype=maintype, subtype=subtype,
                         filename=fname)
    return m


def save(name, m, xmls):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(m.as_bytes(policy=pol))
    print(name, *xmls)


m = email.message.EmailMessage(policy=pol)
head(m, 'google.com')
m.set_content(data('google.zip'), maintype='application', subtype='zip',
              filename='google.com!example.com!1765065600!1765151999.zip',
              disposition='attachment')
save('google.eml', m, ['google.xml'])
save('microsoft.eml', multipart('microsoft.com', [
    ('enterprise.protection.outlook.com!example.com!1765065600!1765152000'
     '.xml.gz', 'application/gzip', data('microsoft.xml.gz'))]),
    ['microsoft.xml'])
save('yahoo.eml', multipart('yahoo.com', [
    ('yahoo.com!example.com!1765065600!1765151999.zip', 'application/zip',
     data('yahoo.zip'))]), ['yahoo.xml'])
m = multipart('fastmail.com', [])
m.add_attachment(data('fastmail.xml.gz'), maintype='application',
                 subtype='gzip',
                 filename=('utf-8', 'en',
                           'fastmail.com!example.com!1765065600!'
                           '1765151999\u00e9.xml.gz'))
save('fastmail.eml', m, ['fastmail.xml'])
save('rfc9990.eml', multipart('reporter.example', [
    ('report.zip', 'application/octet-stream', data('rfc9990.zip'))]),
    ['rfc9990-sample.xml'])
save('gzip-named.eml', multipart('google.com', [
    ('google.com!example.com!1.zip', 'application/zip',
     data('gzip-named.zip'))]), ['google.xml'])
m = multipart('multi.example', [
    ('fm.xml.gz', 'application/gzip', data('fastmail.xml.gz'))])
m.add_attachment(data('rfc9990-sample.xml').decode(), subtype='xml',
                 filename='r.xml', cte='quoted-printable')
save('several.eml', m, ['fastmail.xml', 'rfc9990-sample.xml'])
m = email.message.EmailMessage(policy=pol)
head(m, 'yahoo.com')
m.set_content(data('yahoo.xml').decode(), subtype='xml',
              cte='quoted-printable')
save('body.eml', m, ['yahoo.xml'])
m = multipart('microsoft.com', [])
m.add_attachment(data('microsoft.xml.gz'), maintype='application',
                 subtype='x-gzip', filename='r\u00e9port.xml.gz')
# the email module writes RFC 2231; reporters often send RFC 2047 words
raw = m.as_bytes(policy=pol).replace(
    b"filename*=utf-8''r%C3%A9port.xml.gz",
    b'filename="=?UTF-8?B?csOpcG9ydC54bWwuZ3o=?="')
with open(os.path.join(out, 'encoded-name.eml'), 'wb') as f:
    f.write(raw)
print('encoded-name.eml', 'microsoft.xml')
save('mailru.eml', multipart('corp.mail.ru', [
    ('mail.ru!example.com!1765065600!1765152000.zip', 'application/zip',
     data('mailru.zip'))]), ['mailru.xml'])
hostile = [(n, 'application/octet-stream', data(n)) for n in (
    'bomb.zip', 'bomb.xml.gz', 'xxe.xml', 'billion-laughs.xml',
    'invalid-utf8.xml', 'truncated.xml.gz', 'truncated.zip')]
hostile.insert(3, ('google.zip', 'application/zip', data('google.zip')))
save('hostile.eml', multipart('evil.example', hostile), ['google.xml'])

# RFC 6591 appendix B.1's shape
m = email.message.EmailMessage(policy=pol)
head(m, 'receiver.example')
m.make_mixed()
m.replace_header('Content-Type', 'multipart/report; '
                 'report-type=feedback-report')
txt = email.message.EmailMessage(policy=pol)
txt.set_content('This is an authentication failure report.')
fb = email.message.EmailMessage(policy=pol)
fb['Content-Type'] = 'message/feedback-report'
fb.set_payload('Feedback-Type: auth-failure\r\nUser-Agent: Gen/1.0\r\n'
               'Version: 1\r\nOriginal-Mail-From: <spammer@example.net>\r\n'
               'Source-IP: 192.0.2.1\r\nReported-Domain: example.com\r\n'
               'Auth-Failure: dmarc\r\nIdentity-Alignment: dkim\r\n'
               'Arrival-Date: Sat, 06 Dec 2026 10:00:00 +0000\r\n'
               'Reporting-MTA: dns; mx.receiver.example\r\n')
hd = email.message.EmailMessage(policy=pol)
hd['Content-Type'] = 'text/rfc822-headers'
hd.set_payload('From: <ceo@example.com>\r\nSubject: Wire transfer\r\n'
               'Message-ID: <forged.1@example.net>\r\n')
m.attach(txt)
m.attach(fb)
m.attach(hd)
save('failure.eml', m, [])
