# reports_xml.py - the test scripts' own reader of DMARC aggregate report
# XML (RFC 9990 and RFC 7489 Appendix C; either namespace or none), on
# Python's xml.etree: the independent side that reports-in-check.py and
# reports-ingest-check.py compare dmarc-reports' reader with.  Elements
# are found by local name; text is trimmed of XML white space, empty
# text is None.  Imported from the scripts' own directory (they put it on
# sys.path), so it works in VPATH builds and make distcheck.

# XML 1.0 2.3 S: the white space trimmed around a value
WS = ' \t\r\n'


def local(tag):
    """An element's tag without its namespace."""
    return tag.split('}')[-1]


def child(e, *path):
    """The first element down `path` (local names) from `e`, or None."""
    for name in path:
        if e is None:
            return None
        e = next((c for c in e if local(c.tag) == name), None)
    return e


def children(e, name):
    """Every child of `e` named `name` (none when `e` is None)."""
    return [] if e is None else [c for c in e if local(c.tag) == name]


def text(e, token=False):
    """The trimmed text of `e`, lower-cased when a `token`; None when
    `e` is None or its text empty."""
    if e is None:
        return None
    t = ''.join(e.itertext()).strip(WS)
    if t == '':
        return None
    return t.lower() if token else t
