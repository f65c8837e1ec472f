#!/usr/bin/env python3
"""Checks signed models two ways: `atome verify` (the engine's verified load over libsodium) and
tools/atome_reader.py's verify_signed (written from docs/FORMAT.md section 8, Ed25519 through the
`cryptography` package, i.e. OpenSSL) must give the same status for every case.

usage: check_signed_reader.py ATOME_CLI TMP_DIR

The model is the repository's models/atome-stories-60k-q15.atome, signed with `atome sign` by
keys from `atome keygen`.  Cases: valid (also at the minimum version, and among two pinned keys),
rollback, wrong key, a key id edited to the pinned key's, an altered payload, an edited version,
unsigned, a cut block, then single-bit flips of a deterministic sample of the header, the block and
the payload.  Exit 0 when all agree with each other and with the expected status of the named cases;
77 (skipped) when the cryptography package is missing, a failure instead under CI=true.
"""

import os
import re
import subprocess
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
import atome_reader as reader  # noqa: E402


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes", "on")


def main(argv):
    if len(argv) != 3:
        print(next(l for l in __doc__.splitlines() if l.startswith("usage")), file=sys.stderr)
        return 2
    atome, tmp = argv[1], argv[2]
    try:
        import cryptography  # noqa: F401
    except ImportError:
        if in_ci():
            print("FAIL: python3 cryptography package missing (CI=true)")
            return 1
        print("SKIP: python3 cryptography package missing (scripts/install-deps.sh installs it)")
        return 77
    os.makedirs(tmp, exist_ok=True)
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))

    def run(*args):
        return subprocess.run([atome] + list(args), capture_output=True, text=True)

    def path(name):
        return os.path.join(tmp, name)

    for k in ("a", "b"):
        r = run("keygen", "--out", path(k))
        if r.returncode != 0:
            print("FAIL: atome keygen: " + r.stderr.strip())
            return 1
    model = os.path.join(REPO, "models", "atome-stories-60k-q15.atome")
    for key, out, version in (("a", "a3.atome", "3"), ("b", "b3.atome", "3")):
        r = run("sign", "--key", path(key + ".key"), model, path(out), "--version", version)
        if r.returncode != 0:
            print("FAIL: atome sign: " + r.stderr.strip())
            return 1
    signed = open(path("a3.atome"), "rb").read()
    by_b = open(path("b3.atome"), "rb").read()
    plain = open(model, "rb").read()
    fb = len(plain)
    keys = {k: reader.read_public_key(path(k + ".pub")) for k in ("a", "b")}

    def edit(b, offset, data):
        b = bytearray(b)
        b[offset:offset + len(data)] = data
        return bytes(b)

    def flip(b, bit):
        b = bytearray(b)
        b[bit // 8] ^= 1 << (bit % 8)
        return bytes(b)

    # (name, image, pinned key names, min version, expected status or None = any, must agree)
    cases = [
        ("valid", signed, "a", 0, 0),
        ("valid at the minimum version", signed, "a", 3, 0),
        ("valid among two keys", signed, "ba", 0, 0),
        ("rollback", signed, "a", 4, reader.ROLLBACK),
        ("wrong key", signed, "b", 0, reader.UNTRUSTED_KEY),
        ("key id of a on b's signature", edit(by_b, fb + 24, reader.key_id_of(keys["a"])), "a", 0,
         reader.BAD_SIGNATURE),
        ("altered payload", flip(signed, (fb - 100) * 8 + 3), "a", 0, reader.BAD_SIGNATURE),
        ("version edited to 9", edit(signed, fb + 16, b"\x09"), "a", 9, reader.BAD_SIGNATURE),
        ("unsigned", plain, "a", 0, reader.UNSIGNED),
        ("block cut", signed[:-1], "a", 0, reader.TRUNCATED),
    ]
    # Deterministic flip sample: header, block (every 5th bit), payload (every 997th bit).
    sample = list(range(0, 128 * 8, 5)) + list(range(fb * 8, len(signed) * 8, 5)) + \
        list(range(128 * 8, fb * 8, 997))
    cases += [("flip of bit %d" % bit, flip(signed, bit), "a", 0, None) for bit in sample]

    fails = 0
    for i, (name, image, pinned, min_version, expected) in enumerate(cases):
        f = path("case%d.atome" % i)
        with open(f, "wb") as fh:
            fh.write(image)
        args = ["verify"]
        for k in pinned:
            args += ["--pubkey-file", path(k + ".pub")]
        r = run(*(args + ["--min-version", str(min_version), f]))
        if r.returncode == 0:
            engine = 0
        else:
            m = re.search(r"\(status (\d+)\)", r.stderr)
            engine = int(m.group(1)) if m else -1
        try:
            reader.verify_signed(image, [keys[k] for k in pinned], min_version)
            ours = 0
        except reader.Reject as rej:
            ours = rej.code
        ok = engine == ours and (expected is None or engine == expected) and \
            (expected is not None or engine != 0)
        if not ok:
            fails += 1
            print("FAIL: %s: atome verify %d, reader %d, expected %s (%s)" %
                  (name, engine, ours, "not 0" if expected is None else expected,
                   r.stderr.strip()))
        os.remove(f)
    print("%d cases, %d flips: atome verify and the independent reader %s" %
          (len(cases), len(sample), "agree" if fails == 0 else "DISAGREE in %d" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
