#!/usr/bin/python3
# reports-in-check.py FIXTURES DUMP - compare what our reader makes of
# each report fixture (DUMP: tests/reports-in-dump, its dmarc-received(5)
# text) with what Python's xml.etree reads from the same XML: report
# metadata, policy, and every row's count, disposition, results and
# identifiers.  Then the hostile fixtures must be refused, each for its
# reason.  Prints one line per fixture; exit 1 on any difference.
import subprocess
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET

# the shared XML reader (reports_xml.py) is next to this script, also in
# VPATH builds and make distcheck; no .pyc into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from reports_xml import child, children, text  # noqa: E402

fixtures, dump = sys.argv[1], sys.argv[2]
# packed file, the XML it holds
REPORTS = [
    ('google.zip', 'google.xml'), ('google.xml', 'google.xml'),
    ('microsoft.xml.gz', 'microsoft.xml'), ('yahoo.zip', 'yahoo.xml'),
    ('fastmail.xml.gz', 'fastmail.xml'), ('fastmail.xml', 'fastmail.xml'),
    ('rfc9990-sample.xml', 'rfc9990-sample.xml'),
    ('rfc9990.zip', 'rfc9990-sample.xml'),
    ('gzip-named.zip', 'google.xml'), ('zip-named.xml.gz', 'google.xml'),
    ('mailru.zip', 'mailru.xml'), ('huge-counts.xml', 'huge-counts.xml'),
]
# file, part of the reason it must be refused for
HOSTILE = [
    ('xxe.xml', 'DOCTYPE refused'), ('billion-laughs.xml', 'DOCTYPE refused'),
    ('bomb.zip', 'ratio'), ('bomb.xml.gz', 'ratio'),
    ('invalid-utf8.xml', 'invalid UTF-8'),
    ('truncated.xml.gz', 'gzip: truncated'),
    ('truncated.zip', 'zip: truncated'), ('no-xml.zip', 'no .xml entry'),
    ('garbage.bin', 'neither XML, gzip nor zip'),
    # a count of 2^64: more than the 64 bits a count is kept in
    ('count-overflow.xml', 'row count is not a number'),
]
NS_9990 = 'urn:ietf:params:xml:ns:dmarc-2.0'


def expected(path):
    root = ET.parse(path).getroot()
    ns = root.tag[1:].split('}')[0] if root.tag.startswith('{') else ''
    md, pp = child(root, 'report_metadata'), child(root, 'policy_published')
    head = {
        'kind': 'aggregate', 'org': text(child(md, 'org_name')),
        'email': text(child(md, 'email')),
        'xc': text(child(md, 'extra_contact_info')),
        'id': text(child(md, 'report_id')),
        'begin': text(child(md, 'date_range', 'begin')),
        'end': text(child(md, 'date_range', 'end')),
        'pd': text(child(pp, 'domain')),
        'fo': text(child(pp, 'fo')),
        'schema': 'rfc9990' if ns == NS_9990 else 'rfc7489',
    }
    for k, el in (('adkim', 'adkim'), ('aspf', 'aspf'), ('p', 'p'),
                  ('sp', 'sp'), ('np', 'np'), ('testing', 'testing'),
                  ('disc', 'discovery_method')):
        head[k] = text(child(pp, el), True)
    rows = []
    for rec in children(root, 'record'):
        row, pe = child(rec, 'row'), child(rec, 'row', 'policy_evaluated')
        ids, ar = child(rec, 'identifiers'), child(rec, 'auth_results')
        rows.append({
            'n': str(int(text(child(row, 'count')))),
            'ip': text(child(row, 'source_ip')),
            'disp': text(child(pe, 'disposition'), True),
            'dkim': text(child(pe, 'dkim'), True),
            'spf': text(child(pe, 'spf'), True),
            'hf': text(child(ids, 'header_from')),
            'ef': text(child(ids, 'envelope_from')),
            'et': text(child(ids, 'envelope_to')),
            'why': [(text(child(r, 'type'), True), text(child(r, 'comment')))
                    for r in children(pe, 'reason')],
            'ad': [(text(child(d, 'domain')), text(child(d, 'selector')),
                    text(child(d, 'result'), True))
                   for d in children(ar, 'dkim')],
            'as': [(text(child(s, 'domain')), text(child(s, 'scope'), True),
                    text(child(s, 'result'), True))
                   for s in children(ar, 'spf')],
        })
    return head, rows


def dec(v):
    return urllib.parse.unquote_to_bytes(v).decode('utf-8')


def parts(v):
    return tuple(dec(p) if p != '' else None for p in v.split(','))


def ours(out):
    lines = [l for l in out.splitlines() if not l.startswith('entry ')]
    head, rows = {}, []
    for f in lines[0].split(' ')[1:]:
        k, v = f.split('=', 1)
        head[k] = dec(v)
    for line in lines[1:]:
        assert line.startswith('row '), line
        row = {'why': [], 'ad': [], 'as': []}
        for f in line.split(' ')[1:]:
            k, v = f.split('=', 1)
            if k in ('why', 'ad', 'as'):
                row[k].append(parts(v))
            else:
                row[k] = dec(v)
        rows.append(row)
    return head, rows


failed = 0
for packed, source in REPORTS:
    res = subprocess.run([dump, f'{fixtures}/{packed}'], capture_output=True,
                         text=True)
    want_head, want_rows = expected(f'{fixtures}/{source}')
    problems = []
    if res.returncode != 0:
        problems.append(res.stdout.strip())
    else:
        got_head, got_rows = ours(res.stdout)
        for k, v in want_head.items():
            if got_head.get(k) != v:
                problems.append(f'{k}: got {got_head.get(k)!r}, want {v!r}')
        if len(got_rows) != len(want_rows):
            problems.append(f'rows: got {len(got_rows)}, '
                            f'want {len(want_rows)}')
        for i, (g, w) in enumerate(zip(got_rows, want_rows)):
            for k, v in w.items():
                if g.get(k) != v:
                    problems.append(f'row {i} {k}: got {g.get(k)!r}, '
                                    f'want {v!r}')
    print(('FAIL ' if problems else 'ok   ') + packed +
          f' ({len(want_rows)} rows)')
    for p in problems:
        print('     ' + p)
    failed += bool(problems)
for name, reason in HOSTILE:
    res = subprocess.run([dump, f'{fixtures}/{name}'], capture_output=True,
                         text=True)
    ok = res.returncode == 1 and 'refused: ' in res.stdout and \
        reason in res.stdout
    last = res.stdout.strip().splitlines()[-1] if res.stdout else '-'
    print(('ok   ' if ok else 'FAIL ') + f'{name}: {last}')
    failed += not ok
sys.exit(1 if failed else 0)
