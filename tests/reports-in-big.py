#!/usr/bin/python3
# reports-in-big.py OUT.xml.gz ROWS - write an aggregate report of ROWS
# records (RFC 7489 shape, distinct source addresses, a few hundred
# octets each: 100,000 rows are about 60 MB of XML) gzipped, and print
# "ROWS SUM XMLSIZE", SUM being the counts added up.
import gzip
import sys

out, rows = sys.argv[1], int(sys.argv[2])
total = size = 0
with gzip.open(out, 'wb', compresslevel=6) as g:
    def w(s):
        global size
        b = s.encode()
        size += len(b)
        g.write(b)
    w('<?xml version="1.0" encoding="UTF-8" ?>\n<feedback>\n'
      '<report_metadata><org_name>big.example</org_name>'
      '<email>dmarc@big.example</email><report_id>big-1</report_id>'
      '<date_range><begin>1765065600</begin><end>1765151999</end>'
      '</date_range></report_metadata>\n<policy_published>'
      '<domain>example.com</domain><adkim>r</adkim><aspf>r</aspf>'
      '<p>none</p><sp>none</sp><pct>100</pct></policy_published>\n')
    for i in range(rows):
        n = (i * 7919) % 1000 + 1
        total += n
        ip = f'10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}'
        w(f'  <record>\n    <row>\n      <source_ip>{ip}</source_ip>\n'
          f'      <count>{n}</count>\n      <policy_evaluated>\n'
          f'        <disposition>none</disposition>\n'
          f'        <dkim>{"pass" if i % 3 else "fail"}</dkim>\n'
          f'        <spf>{"pass" if i % 5 else "fail"}</spf>\n'
          f'      </policy_evaluated>\n    </row>\n    <identifiers>\n'
          f'      <header_from>example.com</header_from>\n'
          f'      <envelope_from>bounce{i % 97}.example.net</envelope_from>\n'
          f'    </identifiers>\n    <auth_results>\n      <dkim>\n'
          f'        <domain>example.com</domain>\n'
          f'        <selector>s{i % 13}</selector>\n'
          f'        <result>{"pass" if i % 3 else "fail"}</result>\n'
          f'      </dkim>\n      <spf>\n'
          f'        <domain>bounce{i % 97}.example.net</domain>\n'
          f'        <scope>mfrom</scope>\n'
          f'        <result>{"pass" if i % 5 else "softfail"}</result>\n'
          f'      </spf>\n    </auth_results>\n  </record>\n')
    w('</feedback>\n')
print(rows, total, size)
