#!/usr/bin/python3
"""corpus.py - deterministic DKIM interop corpus, generated at test time.

    corpus.py DIR [--no-large]

writes DIR/NAME.eml for every case below and prints the names.  Same bytes
on every run (a fixed-seed PRNG, no clock).  Each case exercises one thing
RFC 6376 3.4 canonicalization or RFC 5322 parsing has to get right: empty
body, folded and oddly cased header fields, LF-only and CRLF files, trailing
empty lines, 8-bit UTF-8, long lines, base64 MIME parts, bodies that do not
end in CRLF (RFC 6376 3.4.3/3.4.4 "a CRLF is added"), whitespace runs.
"""
import base64
import os
import random
import sys

DOMAIN = "interop.example"


def headers(subject, extra=(), nl="\r\n"):
    """A plain header block (no empty line): From, To, Subject, Date, ..."""
    lines = [
        "From: Alice Example <alice@%s>" % DOMAIN,
        "To: Bob <bob@receiver.example>",
        "Subject: %s" % subject,
        "Date: Thu, 26 Nov 2026 08:00:00 +0000",
        "Message-ID: <%s@%s>" % (subject.replace(" ", "-")[:40], DOMAIN),
    ]
    lines += list(extra)
    return nl.join(lines) + nl


def text_lines(rng, n, width=70):
    words = ("mail", "auth", "DKIM", "signer", "relaxed", "simple", "body",
             "hash", "canonical", "header", "field", "the", "a", "of")
    out = []
    for _ in range(n):
        line = []
        while sum(len(w) + 1 for w in line) < width - 10:
            line.append(rng.choice(words))
        out.append(" ".join(line))
    return out


def text_body(rng, size, nl="\r\n"):
    """About SIZE bytes of text lines, ending in NL."""
    out, total = [], 0
    while total < size:
        line = text_lines(rng, 1)[0]
        out.append(line)
        total += len(line) + len(nl)
    return nl.join(out) + nl


def case_list(rng, large):
    """Yield (name, bytes)."""
    crlf = "\r\n"
    yield "empty-body-crlf", headers("empty body crlf") + crlf
    yield "empty-body-lf", (headers("empty body lf", nl="\n") + "\n")
    yield "only-empty-lines", headers("only empty lines") + crlf + crlf * 4
    yield "one-line", headers("one line") + crlf + "Hello, world." + crlf
    yield "small-lf", (headers("small lf", nl="\n") + "\n" +
                       text_body(rng, 600, "\n"))
    folded = ("Subject: a folded\r\n\tsubject that spans\r\n   three lines",
              "To: Bob <bob@receiver.example>,\r\n Carol <carol@r.example>")
    hdr = headers("x").replace("Subject: x\r\n", "").replace(
        "To: Bob <bob@receiver.example>\r\n", "")
    yield "folded-headers", (hdr + crlf.join(folded) + crlf +
                             "X-Folded-Empty-Start:\r\n continued" + crlf + crlf +
                             text_body(rng, 300))
    odd = headers("odd case").replace("From:", "fROM:").replace(
        "Subject:", "SUBJECT:").replace("To:", "to:")
    yield "odd-case-headers", (odd + "x-MiXeD-CaSe: Value\r\nX-Empty:\r\n" +
                               crlf + text_body(rng, 300))
    hws = headers("x").replace(
        "Subject: x", "Subject:   lots \t of   white\t space   ").replace(
        "To: Bob", "To:Bob")
    yield "header-whitespace", hws + crlf + text_body(rng, 200)
    yield "trailing-empty-lines-crlf", (headers("trailing crlf") + crlf +
                                        text_body(rng, 400) + crlf * 5)
    yield "trailing-empty-lines-lf", (headers("trailing lf", nl="\n") + "\n" +
                                      text_body(rng, 400, "\n") + "\n" * 5)
    yield "trailing-whitespace-lines", (
        headers("trailing ws") + crlf + "line with spaces   \r\n" +
        "line with tab\t\r\n\t mixed \t \r\n" + "last words\r\n" +
        "   \r\n\t\r\n \t \r\n")
    utf8 = headers("Grüße aus Zürich – ✓", ("X-Name: Jürgen Ã©",))
    yield "utf8-8bit", (utf8 + "Content-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 8bit\r\n" + crlf +
                        "Ünïcödé bödy — 日本語のテキスト\r\n" * 20)
    long_hdr = "X-Long: " + "v" * 1500
    yield "long-lines", (headers("long lines", (long_hdr,)) + crlf +
                         "a" * 5000 + crlf + "b " * 1200 + crlf)
    blob = bytes(rng.getrandbits(8) for _ in range(30000))
    b64 = base64.encodebytes(blob).decode().replace("\n", crlf)
    yield "base64-mime", (
        headers("base64 mime", ("MIME-Version: 1.0",
                                'Content-Type: multipart/mixed;\r\n\tboundary="BOUND"')) +
        crlf + "--BOUND\r\nContent-Type: text/plain\r\n\r\n" +
        text_body(rng, 500) + "--BOUND\r\nContent-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--BOUND--\r\n")
    yield "whitespace-heavy", (headers("whitespace heavy") + crlf +
                               "  leading spaces\r\n\t\tleading tabs\r\n"
                               "inner   \t  runs \t\t of\t \twsp\r\n"
                               "\r\n   \r\nafter blank-ish lines\r\n"
                               "end  \t  \r\n")
    yield "dot-and-from-lines", (headers("dots") + crlf +
                                 ".\r\n..two dots\r\nFrom the start\r\n>From\r\n")
    yield "unterminated-small", (headers("unterminated small") + crlf +
                                 "line one\r\nlast line without CRLF")
    yield "unterminated-lf", (headers("unterminated lf", nl="\n") + "\n" +
                              "line one\nlast line without LF")
    yield "unterminated-trailing-wsp", (headers("unterminated wsp") + crlf +
                                        "line one\r\nlast line   \t ")
    yield "unterminated-8k", (headers("unterminated 8k") + crlf +
                              text_body(rng, 8000) + "no CRLF here")
    yield "unterminated-3k", (headers("unterminated 3k") + crlf +
                              text_body(rng, 3000) + "no CRLF here")
    yield "text-20k", headers("text 20k") + crlf + text_body(rng, 20000)
    yield "text-200k-lf", (headers("text 200k lf", nl="\n") + "\n" +
                           text_body(rng, 200000, "\n"))
    if large:
        yield "large-2m", headers("large 2m") + crlf + text_body(rng, 2 << 20)
        yield "large-3m-lf-unterminated", (
            headers("large 3m lf", nl="\n") + "\n" +
            text_body(rng, 3 << 20, "\n") + "tail   ")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: corpus.py DIR [--no-large]")
    outdir = sys.argv[1]
    rng = random.Random(6376)
    os.makedirs(outdir, exist_ok=True)
    for name, text in case_list(rng, "--no-large" not in sys.argv[2:]):
        with open(os.path.join(outdir, name + ".eml"), "wb") as f:
            f.write(text.encode("utf-8"))
        print(name)


if __name__ == "__main__":
    main()
