"""Verify one audit DB, or a set of rotated files, as one chain.

`verify(paths, public_key)` walks every record in seq order, recomputes each hash
(see `audit.canonical`) and checks each link, then checks every signed checkpoint
against the public key and against the chain. It stops at the first damage and names it:

    changed       a record's content, time, prev_hash or hash was edited (or a record
                  was edited and re-hashed, so its successor no longer links to it)
    missing       records were deleted (a gap in seq, or later records renumbered)
    inserted      records were added inside the chain (or rotated files overlap)
    reordered     records were moved: a record links to one that comes after it
    truncated     records newer than a signed checkpoint are gone
    rechained     the chain is self-consistent but differs from a signed checkpoint:
                  it was rewritten and re-hashed by someone without the signing key
    bad signature a checkpoint's signature does not verify with the public key (or the
                  chain starts at an anchor that no signed checkpoint covers)

Several hosts: each node's chain lives in its own files; `verify_nodes` groups the
files by node id (`audit.nodes.group_by_node`) and verifies each chain on its own.
A checkpoint names its node in what it signs, so one node's signed checkpoint cannot
be passed off as another's.

Limits, by construction: records after the last signed checkpoint are protected by the
chain only, so deleting them together with their checkpoints, or appending forged ones,
is only visible against a copy kept elsewhere (a SIEM export, a noted checkpoint hash).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from llmwall.audit import canonical, keys, nodes, store

CHANGED = "changed"
MISSING = "missing"
INSERTED = "inserted"
REORDERED = "reordered"
TRUNCATED = "truncated"
RECHAINED = "rechained"
BAD_SIGNATURE = "bad signature"

_RENUMBER_SEARCH = 10_000  # how far back a renumbered record's original seq is looked for


@dataclass
class VerifyResult:
    ok: bool
    count: int = 0  # records verified before the first damage (all of them when ok)
    first_seq: int = 0
    last_seq: int = 0
    kind: str | None = None
    seq: int | None = None  # the first broken seq
    message: str = ""
    checkpoints: int = 0
    last_checkpoint: int | None = None
    key_source: str = ""
    files: list[str] = field(default_factory=list)
    node: str | None = None  # the chain's node id (None: a DB older than node ids)

    @property
    def unsigned_tail(self) -> int:
        return self.last_seq - (self.last_checkpoint or 0) if self.ok else 0

    def summary(self) -> str:
        if self.ok:
            tail = (
                f"; {self.unsigned_tail} newer records chained but not yet signed"
                if self.unsigned_tail
                else ""
            )
            return (
                f"verified {self.count} records (seq {self.first_seq}..{self.last_seq}) in "
                f"{len(self.files)} file(s); {self.checkpoints} signed checkpoints, last at "
                f"seq {self.last_checkpoint}{tail}; key: {self.key_source}"
                + (f"; node {self.node}" if self.node else "")
            )
        return f"BROKEN at seq {self.seq}: {self.kind}: {self.message}"


class _Damage(Exception):
    def __init__(self, kind: str, seq: int, message: str) -> None:
        self.kind, self.seq, self.message = kind, seq, message


@dataclass
class _File:
    path: Path
    db: object
    anchor_seq: int
    anchor_hash: str
    public_key: str
    node: str | None = None
    has_node_column: bool = False


Checkpoint = tuple[str, str, str, str, str | None]  # hash, time, key_id, signature, node


def verify(
    paths: Iterable[Path], public_key: Ed25519PublicKey | None = None, key_source: str = ""
) -> VerifyResult:
    """Verify `paths` (the live DB and any archives, in any order) as one chain.

    Without `public_key`, checkpoints are checked against the key stored in the DB itself,
    which proves integrity only against someone who did not also replace that key."""
    files = sorted((_open(Path(p)) for p in paths), key=lambda f: f.anchor_seq)
    if not files:
        raise ValueError("no audit files to verify")
    if public_key is None:
        public_key = keys.load_public_key(files[0].public_key.encode(), f"{files[0].path}: meta")
        key_source = key_source or "the public key stored in the DB (pass --pubkey to pin one)"
    result = VerifyResult(
        ok=False, key_source=key_source, files=[str(f.path) for f in files], node=files[-1].node
    )
    try:
        named = {f.node for f in files if f.node is not None}
        if len(named) > 1:
            raise _Damage(
                INSERTED,
                files[0].anchor_seq + 1,
                f"the files belong to different nodes ({', '.join(sorted(named))}); "
                "verify each node's files on its own (verify_nodes)",
            )
        cps = _checkpoints(files)
        cp_hashes: dict[int, str] = {}
        first = files[0]
        result.first_seq = first.anchor_seq + 1
        if first.anchor_seq and first.anchor_seq not in cps:
            raise _Damage(
                BAD_SIGNATURE,
                first.anchor_seq + 1,
                f"the chain starts after seq {first.anchor_seq} (rotated) but no signed "
                "checkpoint covers that start; verify it together with its archives",
            )
        if first.anchor_seq == 0 and first.anchor_hash != canonical.GENESIS:
            raise _Damage(CHANGED, 1, "the chain does not start from the genesis hash")
        cp_hashes[first.anchor_seq] = first.anchor_hash
        tip, tip_hash, count, damage = first.anchor_seq, first.anchor_hash, 0, None
        for f in files:
            if f.anchor_seq != tip or f.anchor_hash != tip_hash:
                kind = (
                    MISSING if f.anchor_seq > tip else INSERTED if f.anchor_seq < tip else CHANGED
                )
                damage = _Damage(
                    kind,
                    min(tip, f.anchor_seq) + 1,
                    f"{f.path} continues the chain from seq {f.anchor_seq}, but the "
                    f"files before it end at seq {tip}",
                )
                break
            tip, tip_hash, n, damage = _walk(f, tip, tip_hash, cps, cp_hashes, files)
            count += n
            if damage is not None:
                break
        result.count, result.last_seq = count, tip
        failures = [] if damage is None else [damage]
        failures += _check_checkpoints(cps, cp_hashes, tip, public_key, damage, result.node)
        result.checkpoints = len(cps)
        good = [s for s in cps if s <= tip]
        result.last_checkpoint = max(good) if good else None
        if failures:
            worst = min(failures, key=lambda d: d.seq)
            raise worst
    except _Damage as exc:
        result.kind, result.seq, result.message = exc.kind, exc.seq, exc.message
        return result
    finally:
        for f in files:
            f.db.close()  # type: ignore[attr-defined]
    result.ok = True
    return result


def _open(path: Path) -> _File:
    db = store.connect(path, create=False)
    try:
        meta = store.read_meta(db)
    except Exception:
        db.conn.close()
        raise
    seq, digest = store.anchor(meta)
    return _File(
        path,
        db.conn,
        seq,
        digest,
        meta.get("public_key", ""),
        meta.get("node"),
        store.has_node_column(db.conn),
    )


def _checkpoints(files: list[_File]) -> dict[int, Checkpoint]:
    cps: dict[int, Checkpoint] = {}
    for f in files:
        node = "node" if f.has_node_column else "NULL"
        rows = f.db.execute(  # type: ignore[attr-defined]
            f"SELECT seq, hash, time, key_id, signature, {node} FROM checkpoints"
        )
        for seq, digest, time, kid, sig, cp_node in rows:
            cp = (digest, time, kid, sig, cp_node)
            if seq in cps and cps[seq] != cp:
                # the same checkpoint copied into an archive and the live DB must agree
                cps[seq] = ("", time, kid, "", cp_node)
            else:
                cps.setdefault(seq, cp)
    return cps


def _walk(
    f: _File,
    tip: int,
    tip_hash: str,
    cps: dict[int, Checkpoint],
    cp_hashes: dict[int, str],
    files: list[_File],
) -> tuple[int, str, int, _Damage | None]:
    """Check `f`'s records from `tip`; return the last good (seq, hash), count, damage."""
    sha256, tag = hashlib.sha256, canonical.CHAIN_TAG
    expect, prev_ok, n = tip + 1, tip_hash, 0
    rows = f.db.execute(  # type: ignore[attr-defined]
        "SELECT seq, time, record, prev_hash, hash FROM records ORDER BY seq"
    )
    for row in rows:
        seq, time, record, prev, digest = row
        if (
            seq != expect
            or prev != prev_ok
            or sha256(
                b"%s%d\n%s\n%s\n%s" % (tag, seq, time.encode(), prev.encode(), record.encode())
            ).hexdigest()
            != digest
        ):
            damage = _classify(row, expect, prev_ok, tip, _index(files))
            return expect - 1, prev_ok, n, damage
        if seq in cps:
            cp_hashes[seq] = digest
        expect, prev_ok, n = seq + 1, digest, n + 1
    return expect - 1, prev_ok, n, None


def _index(files: list[_File]) -> Callable[[str], int | None]:
    """hash -> stored seq over every file, built only once damage was found."""
    cache: dict[str, int] = {}

    def lookup(digest: str) -> int | None:
        if not cache:
            for f in files:
                cache.setdefault(f.anchor_hash, f.anchor_seq)
                cache.update(f.db.execute("SELECT hash, seq FROM records"))  # type: ignore[attr-defined]
        return cache.get(digest)

    return lookup


def _classify(
    row: tuple[int, str, str, str, str],
    expect: int,
    prev_ok: str,
    start: int,
    lookup: Callable[[str], int | None],
) -> _Damage:
    seq, time, record, prev, digest = row
    if seq > expect:
        last = f"..{seq - 1}" if seq - 1 > expect else ""
        return _Damage(MISSING, expect, f"record(s) {expect}{last} are missing")
    if seq < expect:
        return _Damage(INSERTED, seq, f"seq {seq} appears twice (overlapping files)")
    self_ok = canonical.chain_hash(seq, time, prev, record) == digest
    if prev == prev_ok:
        return _Damage(CHANGED, seq, "the record no longer matches its hash")
    origin = lookup(prev)
    if origin is not None and origin >= seq:
        return _Damage(
            REORDERED,
            seq,
            f"the record at seq {seq} was chained after the record "
            f"now at seq {origin}: records were moved",
        )
    if origin is not None and origin < seq - 1:
        return _Damage(
            INSERTED,
            origin + 1,
            f"record(s) {origin + 1}..{seq - 1} were inserted: "
            f"seq {seq} was chained right after seq {origin}",
        )
    if self_ok:
        if seq - 1 > start:
            return _Damage(
                CHANGED,
                seq - 1,
                f"the record was altered and re-hashed: seq {seq} no longer links to it",
            )
        return _Damage(CHANGED, seq, "the record does not link to the start of the chain")
    for gap in range(1, _RENUMBER_SEARCH):
        if canonical.chain_hash(seq + gap, time, prev, record) == digest:
            return _Damage(
                MISSING,
                seq,
                f"{gap} record(s) before this one were deleted and later records renumbered",
            )
    return _Damage(CHANGED, seq, "the record no longer matches its hash or its link")


def _check_checkpoints(
    cps: dict[int, Checkpoint],
    cp_hashes: dict[int, str],
    tip: int,
    key: Ed25519PublicKey,
    damage: _Damage | None,
    node: str | None = None,
) -> list[_Damage]:
    limit = damage.seq if damage else None
    kid = keys.key_id(key)
    out: list[_Damage] = []
    last_good = 0
    for seq in sorted(cps):
        if limit is not None and seq >= limit:
            break
        digest, time, key_id, sig, cp_node = cps[seq]
        if cp_node is not None and node is not None and cp_node != node:
            out.append(
                _Damage(
                    BAD_SIGNATURE,
                    seq,
                    f"the checkpoint at seq {seq} was signed for node {cp_node!r}, "
                    f"but this chain is node {node!r}'s",
                )
            )
            break
        try:
            if key_id != kid:
                raise InvalidSignature
            message = canonical.checkpoint_message(seq, digest, time, cp_node)
            key.verify(bytes.fromhex(sig), message)
        except (InvalidSignature, ValueError):
            out.append(
                _Damage(
                    BAD_SIGNATURE, seq, f"the checkpoint at seq {seq} is not signed by key {kid}"
                )
            )
            break
        if seq > tip:
            out.append(
                _Damage(
                    TRUNCATED,
                    tip + 1,
                    f"a checkpoint signed seq {seq}, but the chain "
                    f"ends at seq {tip}: records are gone",
                )
            )
            break
        if cp_hashes.get(seq) != digest:
            out.append(
                _Damage(
                    RECHAINED,
                    last_good + 1,
                    f"the chain at seq {seq} differs from its signed checkpoint; records "
                    f"{last_good + 1}..{seq} were rewritten and re-hashed",
                )
            )
            break
        last_good = seq
    return out


KeyChoice = Callable[[str | None, str], tuple[Ed25519PublicKey | None, str]]


def verify_nodes(
    paths: Iterable[Path], choose_key: KeyChoice | None = None
) -> dict[str | None, VerifyResult]:
    """Verify the files of one or several nodes: one chain, one result per node id.

    `choose_key(node, key_id)` gives the public key (and where it came from) to check a
    node's checkpoints with; None, or a None key, uses the key stored in its DB."""
    results: dict[str | None, VerifyResult] = {}
    for node, files in nodes.group_by_node(paths).items():
        key_id = _key_id_of(files[0])
        key, source = choose_key(node, key_id) if choose_key else (None, "")
        results[node] = verify(files, key, source)
    return results


def _key_id_of(path: Path) -> str:
    db = store.connect(path, create=False)
    try:
        return store.read_meta(db).get("key_id", "")
    finally:
        db.conn.close()
