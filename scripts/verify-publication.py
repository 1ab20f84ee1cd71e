#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Verifies an amnistia publication without amnistia, from the standards alone.

An independent second implementation for readers (and for our tests): C2SP signed notes
with Ed25519, the C2SP checkpoint and tlog-proof formats, RFC 9162 inclusion and
consistency proofs, and the SHA-256 of the list files. Needs Python 3 and the
`cryptography` package. Usage:

    verify-publication.py DIR VKEY_FILE [OLD_CHECKPOINT_NOTE]

Exit status 0 when every check holds, 1 otherwise.
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SIG_PREFIX = "\u2014 ".encode()


def sha256(data):
    return hashlib.sha256(data).digest()


def parse_vkey(text):
    name, key_id, b64 = text.strip().split("+", 2)
    key = base64.b64decode(b64, validate=True)
    if len(key) != 33 or key[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    if sha256(name.encode() + b"\n" + key)[:4].hex() != key_id:
        raise ValueError("key id does not match")
    return name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(key[1:])


def open_note(msg, vkey):
    """Returns the note text when a signature by vkey verifies; raises otherwise."""
    name, key_id, pub = vkey
    split = msg.rfind(b"\n\n")
    if split < 0 or not msg.endswith(b"\n"):
        raise ValueError("malformed note")
    text, sigs = msg[: split + 1], msg[split + 2 :]
    for line in sigs.split(b"\n")[:-1]:
        if not line.startswith(SIG_PREFIX):
            raise ValueError("malformed signature line")
        signer, b64 = line[len(SIG_PREFIX) :].split(b" ", 1)
        sig = base64.b64decode(b64, validate=True)
        if signer.decode() == name and sig[:4] == key_id:
            pub.verify(sig[4:], text)  # raises InvalidSignature
            return text
    raise ValueError("no signature by the publisher's key")


def parse_checkpoint(text):
    lines = text.decode().split("\n")
    return lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)


def node(left, right):
    return sha256(b"\x01" + left + right)


def verify_inclusion(index, size, leaf, proof, root):  # RFC 9162 §2.1.3.2
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn != 0 and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(m, n, proof, root1, root2):  # RFC 9162 §2.1.4.2
    if m == n:
        return not proof and root1 == root2
    if m == 0 or m > n or not proof:
        return False
    if m & (m - 1) == 0:
        proof = [root1] + proof
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn != 0 and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    pub_dir, vkey = argv[1], parse_vkey(open(argv[2]).read())
    failed = 0

    def check(ok, what):
        nonlocal failed
        print(("ok:   " if ok else "FAIL: ") + what)
        failed += not ok

    def read(name):
        with open(os.path.join(pub_dir, name), "rb") as f:
            return f.read()

    proof_text = read("proof.tlog-proof")
    head, _, checkpoint_note = proof_text.partition(b"\n\n")
    lines = head.decode().split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    if lines[1].startswith("extra "):
        lines.pop(1)
    index = int(lines[1].removeprefix("index "))
    hashes = [base64.b64decode(h, validate=True) for h in lines[2:]]
    try:
        origin, size, root = parse_checkpoint(open_note(checkpoint_note, vkey))
        check(True, f"checkpoint signed by {vkey[0]}: {origin}, {size} entries")
    except (ValueError, InvalidSignature) as e:
        check(False, f"checkpoint signature: {e}")
        return 1
    manifest_bytes = read("manifest.json")
    check(verify_inclusion(index, size, sha256(b"\x00" + manifest_bytes), hashes, root),
          f"manifest.json is entry {index} of the log")
    manifest = json.loads(manifest_bytes)
    check(manifest.get("log_origin") == origin, "the manifest names this log")
    for name, want in sorted(manifest["files"].items()):
        check(hashlib.sha256(read(name)).hexdigest() == want, f"{name} has the signed SHA-256")
    rows = json.loads(read("list.json"))["rows"]
    ids = [r["person_id"] for r in rows]
    check(ids == sorted(set(ids)), "rows sorted by person id, none repeated")
    check(len(rows) == manifest["counts"]["persons"], "row count as the manifest says")
    if len(argv) == 4:
        with open(argv[3], "rb") as f:
            _, old_size, old_root = parse_checkpoint(open_note(f.read(), vkey))
        if old_size == size:
            check(old_root == root, "the older checkpoint is this one")
        else:
            c = read(f"consistency/{old_size}.proof").decode().split("\n")
            assert c[0] == "amnistia/tlog-consistency@v1"
            assert c[1] == f"old {old_size}" and c[2] == f"new {size}"
            proof = [base64.b64decode(h, validate=True) for h in c[3:] if h]
            check(verify_consistency(old_size, size, proof, old_root, root),
                  f"the log only grew from {old_size} to {size} entries")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
