"""tamper.py - altered copies of a signed message for the interop test.

Each function takes the signed message bytes (CRLF or LF, whatever the
signer wrote) and returns an altered copy keeping its line-end style.
Whether the copy must still verify is NOT decided here: the peers decide
(RFC 6376 5.4.2: verifiers pick header instances bottom-up by name, so
reordering fields of different names keeps a signature valid, adding a
From the signer over-signed does not).
"""


def _split(msg):
    """(header field list, separator, body); fields keep their line ends."""
    nl = b"\r\n" if b"\r\n" in msg[:4096] else b"\n"
    end = msg.find(nl + nl)
    head, body = (msg, b"") if end < 0 else (msg[:end + len(nl)],
                                             msg[end + len(nl):])
    fields = []
    for line in head.split(nl)[:-1]:
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += line + nl
        else:
            fields.append(line + nl)
    return fields, nl, body


def _join(fields, body):
    return b"".join(fields) + body


def body_changed(msg):
    """One body byte changed (a body line added if the body is empty)."""
    fields, nl, body = _split(msg)
    rest = body[len(nl):]
    pos = next((i for i in range(len(rest) // 2, len(rest))
                if rest[i:i + 1].isalnum()), None)
    if pos is None:
        rest = b"tampered" + nl + rest
    else:
        c = rest[pos:pos + 1]
        rest = rest[:pos] + (b"X" if c != b"X" else b"Y") + rest[pos + 1:]
    return _join(fields, body[:len(nl)] + rest)


def _is(field, name):
    return field.split(b":", 1)[0].strip().lower() == name


def subject_changed(msg):
    """The Subject field (signed by every signer) gets one letter more."""
    fields, nl, body = _split(msg)
    for i, f in enumerate(fields):
        if _is(f, b"subject"):
            fields[i] = f[:-len(nl)] + b"!" + nl
            break
    return _join(fields, body)


def headers_reordered(msg):
    """All header fields below the DKIM-Signature in reverse order."""
    fields, nl, body = _split(msg)
    top = [f for f in fields if _is(f, b"dkim-signature")]
    rest = [f for f in fields if not _is(f, b"dkim-signature")]
    return _join(top + rest[::-1], body)


def from_added(msg):
    """A second From field added right below the DKIM-Signature (RFC 6376
    8.15: extra From fields are the classic display attack)."""
    fields, nl, body = _split(msg)
    pos = max([i + 1 for i, f in enumerate(fields)
               if _is(f, b"dkim-signature")] or [0])
    fields.insert(pos, b"From: Mallory <mallory@evil.example>" + nl)
    return _join(fields, body)


TAMPERS = (
    ("body-changed", body_changed),
    ("subject-changed", subject_changed),
    ("headers-reordered", headers_reordered),
    ("from-added", from_added),
)
