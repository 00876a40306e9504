#!/usr/bin/python3
"""lmtp-load.py PORT CLIENTS COUNT FILE RCPT [per-message] - deliver FILE
COUNT times to RCPT over LMTP on 127.0.0.1:PORT from CLIENTS concurrent
connections (COUNT split between them; one transaction per message,
connections kept open, or with "per-message" one connection per message,
as an MTA without connection caching does).  Prints "SECONDS DELIVERED
FAILED" (wall time from the first transaction to the last reply).  Exit 1
if any delivery failed."""
import smtplib
import sys
import threading
import time


def connect(port):
    lmtp = smtplib.LMTP("127.0.0.1", port)
    lmtp.ehlo_or_helo_if_needed()
    return lmtp


def worker(port, count, data, rcpt, result, i, per_message):
    """A dropped connection is counted as a failed delivery, reported on
    stderr and reopened."""
    ok = bad = 0
    lmtp = connect(port)
    for n in range(count):
        try:
            if per_message and n > 0:
                lmtp.quit()
                lmtp = connect(port)
            refused = lmtp.sendmail("bench@bench.test", [rcpt], data)
            ok += 0 if refused else 1
            bad += 1 if refused else 0
        except (smtplib.SMTPException, OSError) as e:
            print("lmtp-load: %s" % e, file=sys.stderr)
            bad += 1
            if isinstance(e, (smtplib.SMTPServerDisconnected, OSError)):
                lmtp = connect(port)
    try:
        lmtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    result[i] = (ok, bad)


def main():
    port, clients, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    data = open(sys.argv[4], "rb").read()
    rcpt = sys.argv[5]
    per_message = len(sys.argv) > 6 and sys.argv[6] == "per-message"
    result = [(0, 0)] * clients
    per = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]
    threads = [threading.Thread(target=worker,
                                args=(port, per[i], data, rcpt, result, i, per_message))
               for i in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    ok = sum(r[0] for r in result)
    bad = sum(r[1] for r in result)
    print("%.4f %d %d" % (elapsed, ok, bad))
    return 1 if bad else 0


sys.exit(main())
