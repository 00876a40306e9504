#!/usr/bin/python3
"""dkimpy-bench.py - DKIM signing / verification throughput of Debian's
python3-dkim (dkimpy), with the interface of dkim-bench:

    dkimpy-bench.py --op sign|verify --alg rsa-sha256|ed25519-sha256
        --canon H/B --key KEY.pem --selector S --domain D --keytable FILE
        [--runs R] [--min-time SECONDS] FILES...

Files are read into memory first (bare LF -> CRLF).  For verify they are
signed first (untimed); public keys come from the key table through
dkimpy's dnsfunc hook (no DNS).  Each run processes the whole set as many
times as fit in --min-time seconds (at least once) and prints
"msgs_per_s X"; the last line is "median msgs_per_s X files N mean_bytes B".
Every verification must pass, or the program exits 1.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "peers"))
import dkimpy_peer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--op", choices=("sign", "verify"), required=True)
    ap.add_argument("--alg", choices=("rsa-sha256", "ed25519-sha256"),
                    required=True)
    ap.add_argument("--canon", default="relaxed/relaxed")
    ap.add_argument("--key", required=True)
    ap.add_argument("--selector", required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--keytable")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=1.0)
    ap.add_argument("--cpu-time", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    if a.op == "verify" and not a.keytable:
        ap.error("--op verify needs --keytable")
    key = dkimpy_peer.load_key(a.key, a.alg)
    raw = [open(f, "rb").read() for f in a.files]
    msgs = [dkimpy_peer.to_crlf(m) for m in raw]

    def sign(m):
        return dkimpy_peer.sign_crlf(m, a.alg, a.canon, a.selector, a.domain, key)

    if a.op == "sign":
        op = sign
    else:
        dnsfunc = dkimpy_peer.dnsfunc_for(dkimpy_peer.load_keytable(a.keytable))
        msgs = [sign(m) for m in msgs]

        def op(m):
            res = dkimpy_peer.verify_crlf(m, dnsfunc)
            if res != "pass":
                sys.exit("dkimpy-bench: verification: " + res)
    clock = time.process_time if a.cpu_time else time.perf_counter
    rates = []
    for _ in range(a.runs):
        start = clock()
        count = 0
        while True:
            for m in msgs:
                op(m)
            count += len(msgs)
            elapsed = clock() - start
            if elapsed >= a.min_time:
                break
        rates.append(count / elapsed)
        print("msgs_per_s %.1f" % rates[-1], flush=True)
    print("median msgs_per_s %.1f files %d mean_bytes %d" % (
        statistics.median(rates), len(msgs), sum(map(len, raw)) // len(raw)))


if __name__ == "__main__":
    main()
