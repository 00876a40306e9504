"""rfc6376_ref.py - body canonicalization written from RFC 6376 text alone.

Used to ARBITRATE when a peer and mailauth-pack compute different body
hashes: a disagreement is only accepted when this reading of the RFC gives
our bh= and not the peer's.  Each rule cites the sentence it implements.
It is deliberately naive (whole-body, regex free) so that it can be checked
by reading against the RFC.
"""
import base64
import hashlib

WSP = b" \t"  # RFC 5234 B.1: WSP = SP / HTAB


def wire_form(msg):
    """The message as it travels over SMTP: every bare LF becomes CRLF
    (RFC 5321 2.3.8; RFC 6376 5.3 "convert ... to the form used in SMTP")."""
    out = bytearray()
    prev = 0
    for c in msg:
        if c == 0x0A and prev != 0x0D:
            out += b"\r"
        out.append(c)
        prev = c
    return bytes(out)


def split_body(msg):
    """Body of the wire-form message: what follows the first empty line
    (RFC 5322 2.1); empty when there is none."""
    wire = wire_form(msg)
    if wire.startswith(b"\r\n"):
        return wire[2:]
    i = wire.find(b"\r\n\r\n")
    return b"" if i < 0 else wire[i + 4:]


def _lines(body):
    """Split into (terminated lines, unterminated tail)."""
    parts = body.split(b"\r\n")
    return parts[:-1], parts[-1]


def _strip_trailing_empty(lines):
    while lines and lines[-1] == b"":
        lines.pop()
    return lines


def simple_body(body):
    """RFC 6376 3.4.3: "ignores all empty lines at the end of the message
    body ... If there is no body or no CRLF at the end of the body, a CRLF
    is added." """
    lines, tail = _lines(body)
    if tail:
        lines.append(tail)  # the CRLF is added
    lines = _strip_trailing_empty(lines)
    return b"".join(l + b"\r\n" for l in lines) or b"\r\n"


def _reduce_wsp(line):
    out = bytearray()
    in_wsp = False
    for c in line:
        if c in WSP:
            in_wsp = True
            continue
        if in_wsp:
            out += b" "  # "Reduce all sequences of WSP within a line to a single SP"
        in_wsp = False
        out.append(c)
    return bytes(out)  # trailing WSP dropped: "Ignore all whitespace at the end of lines"


def relaxed_body(body):
    """RFC 6376 3.4.4: a. ignore WSP at end of lines, reduce WSP runs to one
    SP; b. ignore all empty lines at the end of the body; "If the body is
    non-empty but does not end with a CRLF, a CRLF is added." """
    lines, tail = _lines(body)
    if tail:
        lines.append(tail)
    lines = _strip_trailing_empty([_reduce_wsp(l) for l in lines])
    return b"".join(l + b"\r\n" for l in lines)


def body_hash(msg, body_canon):
    """bh= (RFC 6376 3.7 step 2) of message MSG under BODY_CANON."""
    body = split_body(msg)
    canon = simple_body(body) if body_canon == "simple" else relaxed_body(body)
    return base64.b64encode(hashlib.sha256(canon).digest()).decode()


def body_facts(msg):
    """Properties the documented peer defects depend on."""
    body = split_body(msg)
    lines, tail = _lines(body)
    return {
        "unterminated": tail != b"",
        "tail_wsp": tail != b"" and tail[-1:] in (b" ", b"\t"),
        "body_bytes": len(body),
    }
