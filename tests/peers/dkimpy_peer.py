"""dkimpy_peer.py - Debian's python3-dkim (dkimpy) as an interop oracle.

Imported by tests/dkim-interop/interop.py and bench/dkimpy-bench.py (run
them with /usr/bin/python3: the pyenv python3 lacks Debian's modules).

Keys come from PEM files as openssl genpkey writes them; dkimpy wants RSA
keys as PKCS#1 PEM and Ed25519 keys as the base64 of the 32-byte seed, so
load_key() converts.  Public keys come from a key table file
("<selector>._domainkey.<domain> <TXT record>" lines) through dkimpy's
dnsfunc hook: no DNS.
"""
import base64
import re
import subprocess

import dkim


def load_key(path, alg):
    """Return the private key bytes dkimpy.sign() takes for ALG."""
    with open(path, "rb") as f:
        pem = f.read()
    if alg == "ed25519-sha256":
        if b"-----BEGIN" not in pem:
            return pem.strip()  # already a base64 seed
        der = base64.b64decode(b"".join(
            l for l in pem.splitlines() if not l.startswith(b"-----")))
        return base64.b64encode(der[-32:])  # PKCS#8: seed is the tail
    if b"BEGIN PRIVATE KEY" in pem:  # PKCS#8 -> PKCS#1
        pem = subprocess.run(["openssl", "pkey", "-traditional", "-in", path],
                             check=True, capture_output=True).stdout
    return pem


def load_keytable(path):
    """Return {name: record bytes} from a key table file."""
    table = {}
    with open(path, "rb") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(b"#"):
                continue
            name, _, record = line.partition(b" ")
            table[name.lower().rstrip(b".")] = record.strip()
    return table


def dnsfunc_for(table):
    def dnsfunc(name, timeout=5):
        return table.get(name.lower().rstrip(b"."))
    return dnsfunc


def to_crlf(msg):
    """Bare LF -> CRLF (the SMTP wire form)."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", msg)


def sign(msg, alg, canon, selector, domain, key):
    """Return MSG (CRLF) with dkimpy's DKIM-Signature field on top."""
    return sign_crlf(to_crlf(msg), alg, canon, selector, domain, key)


def sign_crlf(msg, alg, canon, selector, domain, key):
    """sign() for a message already in CRLF form (the benchmark)."""
    hdr, body = canon.split("/")
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    canonicalize=(hdr.encode(), body.encode()),
                    signature_algorithm=alg.encode())
    return sig + msg


def verify(msg, dnsfunc):
    """Return "pass", "fail" (bad signature or body hash) or "permerror"
    (other dkimpy exceptions) for the top signature, "none" when there is
    none."""
    return verify_crlf(to_crlf(msg), dnsfunc)


def verify_crlf(msg, dnsfunc):
    """verify() for a message already in CRLF form (the benchmark)."""
    try:
        d = dkim.DKIM(msg)
        if not d.present():
            return "none"
        return "pass" if d.verify(dnsfunc=dnsfunc) else "fail"
    except dkim.ValidationError:  # e.g. "body hash mismatch"
        return "fail"
    except dkim.DKIMException:
        return "permerror"
