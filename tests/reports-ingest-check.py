#!/usr/bin/python3
# reports-ingest-check.py FIXTURES MANIFEST JSON - `dmarc-reports
# received --json` (JSON) against the XML read independently with
# Python's xml.etree: every report named in MANIFEST (reports-ingest-
# eml.py's output) is there exactly once, keyed by org_name and
# report_id, with the XML's report_metadata, date_range,
# policy_published and, row by row, source_ip, count, policy_evaluated,
# identifiers and auth_results; nothing else is there but the one
# failure report, whose feedback-report fields are checked too.  Field
# names are RFC 9990's.  One line per report; exit 1 on a difference.
import json
import os
import sys
import xml.etree.ElementTree as ET

# the shared XML reader (reports_xml.py) is next to this script, also in
# VPATH builds and make distcheck; no .pyc into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from reports_xml import child, children, text  # noqa: E402

fixtures, manifest, got_path = sys.argv[1:4]


def expected(path):
    root = ET.parse(path).getroot()
    md, pp = child(root, 'report_metadata'), child(root, 'policy_published')
    rep = {
        'report_metadata': {
            'org_name': text(child(md, 'org_name')),
            'email': text(child(md, 'email')),
            'report_id': text(child(md, 'report_id')),
            'date_range': {
                'begin': int(text(child(md, 'date_range', 'begin'))),
                'end': int(text(child(md, 'date_range', 'end')))}},
        'policy_published': {'domain': text(child(pp, 'domain')),
                             'p': text(child(pp, 'p'), True)},
        'records': []}
    for rec in children(root, 'record'):
        row, pe = child(rec, 'row'), child(rec, 'row', 'policy_evaluated')
        ids, ar = child(rec, 'identifiers'), child(rec, 'auth_results')
        rep['records'].append({
            'row': {'source_ip': text(child(row, 'source_ip')),
                    'count': int(text(child(row, 'count'))),
                    'policy_evaluated': {
                        'disposition': text(child(pe, 'disposition'), True),
                        'dkim': text(child(pe, 'dkim'), True),
                        'spf': text(child(pe, 'spf'), True)}},
            'identifiers': {'header_from': text(child(ids, 'header_from'))},
            'auth_results': {
                'dkim': [{'domain': text(child(d, 'domain')),
                          'result': text(child(d, 'result'), True)}
                         for d in children(ar, 'dkim')],
                'spf': [{'domain': text(child(s, 'domain')),
                         'result': text(child(s, 'result'), True)}
                        for s in children(ar, 'spf')]}})
    return rep


def compare(want, got, where, problems):
    """Every field of `want` must be in `got` with the same value."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            problems.append(f'{where}: got {got!r}, want an object')
            return
        for k, v in want.items():
            compare(v, got.get(k, '<missing>'), f'{where}.{k}', problems)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            problems.append(f'{where}: got {got!r}, want {len(want)} items')
            return
        for i, (w, g) in enumerate(zip(want, got)):
            compare(w, g, f'{where}[{i}]', problems)
    elif want != got:
        problems.append(f'{where}: got {got!r}, want {want!r}')


with open(got_path) as f:
    got = json.load(f)
wanted = {}
for line in open(manifest):
    for xml in line.split()[1:]:
        rep = expected(f'{fixtures}/{xml}')
        md = rep['report_metadata']
        wanted[(md['org_name'], md['report_id'])] = (xml, rep)
failed = 0
seen = {}
for g in got:
    md = g.get('report_metadata', {})
    key = (md.get('org_name'), md.get('report_id'))
    seen[key] = seen.get(key, 0) + 1
for key, (xml, rep) in sorted(wanted.items()):
    problems = []
    if seen.get(key, 0) != 1:
        problems.append(f'{key}: {seen.get(key, 0)} times, want once')
    else:
        g = next(g for g in got if (g['report_metadata']['org_name'],
                                    g['report_metadata']['report_id']) == key)
        compare('aggregate', g.get('kind'), 'kind', problems)
        compare(rep, g, 'report', problems)
    print(('FAIL ' if problems else 'ok   ') +
          f'{xml}: {key[0]} {key[1]} ({len(rep["records"])} records)')
    for p in problems:
        print('     ' + p)
    failed += bool(problems)
fails = [g for g in got if g.get('kind') == 'failure']
problems = []
if len(fails) != 1:
    problems.append(f'{len(fails)} failure reports, want 1')
else:
    compare({'report_metadata': {'org_name': 'mx.receiver.example'},
             'policy_published': {'domain': 'example.com'},
             'feedback_report': {
                 'Feedback-Type': 'auth-failure', 'Auth-Failure': 'dmarc',
                 'Source-IP': '192.0.2.1', 'Identity-Alignment': 'dkim',
                 'Original-Mail-From': '<spammer@example.net>',
                 'Subject': 'Wire transfer',
                 'Message-ID': '<forged.1@example.net>'}},
            fails[0], 'failure', problems)
    # Arrival-Date: Sat, 06 Dec 2026 10:00:00 +0000
    compare(1796551200, fails[0]['report_metadata']['date_range']['begin'],
            'failure begin', problems)
print(('FAIL ' if problems else 'ok   ') + 'failure.eml: the ARF report')
for p in problems:
    print('     ' + p)
failed += bool(problems)
extra = len(got) - len(wanted) - len(fails)
if extra != 0:
    print(f'FAIL {extra} reports more than the messages hold')
    failed += 1
sys.exit(1 if failed else 0)
