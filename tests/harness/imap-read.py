#!/usr/bin/python3
"""imap-read.py PORT USER SUBJECT - find the message with that Subject in
any mailbox of USER (password "secret") over IMAP on 127.0.0.1:PORT and
print

    mailbox=NAME
    flags=FLAG FLAG ...        (sorted, \\Recent left out)
    <the message header, CRLF turned into LF>

one block per message found (usually one).  With a fourth argument
"full", the whole message instead of its header.  Exit 1 if none was
found, 2 on an IMAP error."""
import imaplib
import re
import sys


def main():
    port, user, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    # an IMAP quoted string (imaplib sends arguments as they are)
    quoted = '"%s"' % subject.replace("\\", "\\\\").replace('"', '\\"')
    part = "BODY.PEEK[]" if sys.argv[4:] == ["full"] else "BODY.PEEK[HEADER]"
    try:
        imap = imaplib.IMAP4("127.0.0.1", port, timeout=20)
        imap.login(user, "secret")
        typ, boxes = imap.list()
        found = 0
        for line in boxes or []:
            m = re.match(rb'\(.*?\) (?:"."|NIL) (.*)$', line)
            name = m.group(1).decode()
            if name.startswith('"'):
                name = name[1:-1]
            typ, _ = imap.select('"%s"' % name, readonly=True)
            if typ != "OK":
                continue
            typ, data = imap.search(None, "HEADER", "Subject", quoted)
            for num in data[0].split():
                typ, parts = imap.fetch(num, "(FLAGS %s)" % part)
                meta = parts[0][0].decode()
                flags = re.search(r"FLAGS \((.*?)\)", meta).group(1).split()
                flags = sorted(f for f in flags if f != "\\Recent")
                header = parts[0][1].decode("utf-8", "replace")
                unfolded = re.sub(r"\r?\n(?=[ \t])", "", header)
                subj = re.search(r"^Subject: (.*)$", unfolded, re.M | re.I)
                if subj is None or subj.group(1).strip() != subject:
                    continue
                found += 1
                print("mailbox=%s" % name)
                print("flags=%s" % " ".join(flags))
                sys.stdout.write(header.replace("\r\n", "\n"))
        imap.logout()
    except (imaplib.IMAP4.error, OSError) as e:
        print("imap-read: %s" % e, file=sys.stderr)
        return 2
    return 0 if found else 1


sys.exit(main())
