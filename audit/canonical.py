"""Canonical encoding of audit records, the hash chain and signed checkpoints (format v1).

This text is the specification an outside tool needs to re-verify an audit DB.

Storage: table `records(seq, time, record, prev_hash, hash)`, one row per record.

Canonical record JSON (`encode_record`), the `record` column:
  * a JSON object holding every field of `AuditRecord` (null for None), keys sorted by
    code point at every level, no whitespace (separators "," and ":"), UTF-8, non-ASCII
    characters written as themselves, the escapes of Python's `json.dumps` otherwise;
  * tuples are lists; `findings` is a list of {"count", "entity", "max_score"} objects;
  * integers in decimal; booleans true/false; floats must be finite, are rounded to
    6 decimal places and written as the shortest text that reads back as the same
    IEEE-754 double (0.85, 12.5, 3.0) -- so the encoding is a fixed point:
    encode(decode(text)) == text;
  * `path` keeps no query string or fragment (some providers put API keys in `?key=`);
  * any string longer than 256 characters inside `usage` or `extra` is replaced by
    "hmac-sha256:<hex>", its keyed digest: a long free-form value is likely content.

Chain (`chain_hash`), the `hash` column, 64 lowercase hex characters:
    hash_n = SHA-256( "llmwall-audit-v1" LF seq_n LF time_n LF hash_(n-1) LF record_n )
  seq is decimal ASCII starting at 1; time is UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ" (always
  six fractional digits, never decreasing along the chain); hash_(n-1) is the previous
  row's hash in hex (its `prev_hash` column); record_n is the canonical JSON in UTF-8.
  hash_0 = GENESIS = SHA-256("llmwall-audit-genesis-v1") in hex.

Signed checkpoint (`checkpoint_message`), table `checkpoints(seq, hash, time, key_id,
signature)`: an Ed25519 signature (hex) over
    "llmwall-audit-checkpoint-v1" LF seq LF hash_seq LF time
  by the install's signing key; key_id is the first 16 hex digits of SHA-256 over the
  raw 32-byte public key. Checkpoint seq 0 (hash GENESIS) is signed when the DB is made.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.decision import Decision
from llmwall.errors import AuditEncodingError

GENESIS = hashlib.sha256(b"llmwall-audit-genesis-v1").hexdigest()
CHAIN_TAG = b"llmwall-audit-v1\n"
CHECKPOINT_TAG = b"llmwall-audit-checkpoint-v1\n"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_FREE_STRING = 256
DIGEST_PREFIX = "hmac-sha256:"

FIELDS = tuple(f.name for f in dataclasses.fields(AuditRecord))
_FREE_FORM = frozenset({"usage", "extra"})

Digest = Callable[[str], str]


def utc_now() -> str:
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """`TIME_FORMAT` (isoformat is several times faster than strftime on the hot path)."""
    moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)


def chain_hash(seq: int, time: str, prev_hash: str, record: str) -> str:
    data = b"%s%d\n%s\n%s\n%s" % (
        CHAIN_TAG,
        seq,
        time.encode("ascii"),
        prev_hash.encode("ascii"),
        record.encode("utf-8"),
    )
    return hashlib.sha256(data).hexdigest()


def checkpoint_message(seq: int, hash_: str, time: str) -> bytes:
    return b"%s%d\n%s\n%s" % (CHECKPOINT_TAG, seq, hash_.encode("ascii"), time.encode("ascii"))


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def dumps(obj: Any) -> str:
    """Canonical JSON text of an already normalized object."""
    return _ENCODER.encode(obj)


# Values written as they are (a Decision is a str: JSON writes its value).
_PLAIN = frozenset({str, int, bool, Decision})


def encode_record(record: AuditRecord, digest: Digest) -> str:
    """The canonical JSON of `record` (see the module docstring)."""
    if not isinstance(record, AuditRecord):
        raise AuditEncodingError(f"expected an AuditRecord, got {type(record).__name__}")
    obj: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(record, name)
        if value is None or type(value) in _PLAIN:
            obj[name] = value  # the common case, kept fast: this runs on every request
            continue
        if name == "findings":
            value = [_finding(f) for f in value]
        obj[name] = _normalize(value, name, digest if name in _FREE_FORM else None)
    obj["path"] = _strip_query(obj["path"])
    return dumps(obj)


def decode_record(text: str) -> AuditRecord:
    """The AuditRecord whose canonical JSON is `text` (unknown keys are ignored)."""
    obj = json.loads(text)
    kwargs: dict[str, Any] = {k: obj[k] for k in FIELDS if k in obj}
    kwargs["rules"] = tuple(kwargs.get("rules") or ())
    kwargs["findings"] = tuple(
        FindingSummary(f["entity"], f["count"], f["max_score"])
        for f in kwargs.get("findings") or ()
    )
    if kwargs.get("extra") is None:
        kwargs["extra"] = {}
    if "decision" in kwargs:
        kwargs["decision"] = Decision(kwargs["decision"])
    return AuditRecord(**kwargs)


def _finding(f: Any) -> dict[str, Any]:
    if isinstance(f, FindingSummary):
        return {
            "entity": f.entity,
            "count": f.count,
            "max_score": _normalize(f.max_score, "findings", None),
        }
    raise AuditEncodingError(f"findings: expected FindingSummary, got {type(f).__name__}")


def _strip_query(path: Any) -> Any:
    if not isinstance(path, str) or ("?" not in path and "#" not in path):
        return path
    if path.startswith(("http://", "https://")):
        return urlsplit(path).path
    return path.split("?", 1)[0].split("#", 1)[0]


def _normalize(value: Any, where: str, digest: Digest | None) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if digest is not None and len(value) > MAX_FREE_STRING:
            return DIGEST_PREFIX + digest(value)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditEncodingError(f"{where}: floats must be finite")
        return round(value, 6) + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, list | tuple):
        return [_normalize(v, where, digest) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise AuditEncodingError(f"{where}: mapping keys must be strings")
            out[k] = _normalize(v, f"{where}.{k}", digest)
        return out
    raise AuditEncodingError(f"{where}: {type(value).__name__} has no canonical encoding")
