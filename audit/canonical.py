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
signature, node)`: an Ed25519 signature (hex) over
    "llmwall-audit-checkpoint-v2" LF node LF seq LF hash_seq LF time
  by the install's signing key; key_id is the first 16 hex digits of SHA-256 over the
  raw 32-byte public key. Checkpoint seq 0 (hash GENESIS) is signed when the DB is made.
  A checkpoint whose node is NULL (written before node ids existed) signs
    "llmwall-audit-checkpoint-v1" LF seq LF hash_seq LF time

Nodes: each host (node) appends to a chain of its own, in its own DB file; its node id
(`meta.node`, `[A-Za-z0-9][A-Za-z0-9._-]*`, at most 63 characters) is in every record
(`"node"`) and every checkpoint since. Records written before node ids existed have no
"node" key; their text is verified as stored, never re-encoded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
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
CHECKPOINT_TAG_V2 = b"llmwall-audit-checkpoint-v2\n"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_FREE_STRING = 256
DIGEST_PREFIX = "hmac-sha256:"

FIELDS = tuple(f.name for f in dataclasses.fields(AuditRecord))
_SORTED_FIELDS = tuple(sorted(FIELDS))
_read_fields = operator.attrgetter(*_SORTED_FIELDS)
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


def checkpoint_message(seq: int, hash_: str, time: str, node: str | None = None) -> bytes:
    """What a checkpoint signs: v2 names the node; v1 (node None) is the older form."""
    if node is None:
        return b"%s%d\n%s\n%s" % (CHECKPOINT_TAG, seq, hash_.encode("ascii"), time.encode("ascii"))
    return b"%s%s\n%d\n%s\n%s" % (
        CHECKPOINT_TAG_V2,
        node.encode("ascii"),
        seq,
        hash_.encode("ascii"),
        time.encode("ascii"),
    )


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def dumps(obj: Any) -> str:
    """Canonical JSON text of an already normalized object."""
    return _ENCODER.encode(obj)


# Values written as they are (a Decision is a str: JSON writes its value).
_PLAIN = frozenset({str, int, bool, Decision})

# encode_record builds every mapping with its keys already in sorted order (the same
# order `sort_keys` gives: by code point), so the encoder need not sort them again.
_PRESORTED = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode_record(record: AuditRecord, digest: Digest, node: str | None = None) -> str:
    """The canonical JSON of `record` (see the module docstring); `node` fills the
    record's own when it has none."""
    if not isinstance(record, AuditRecord):
        raise AuditEncodingError(f"expected an AuditRecord, got {type(record).__name__}")
    obj: dict[str, Any] = {}
    for name, value in zip(_SORTED_FIELDS, _read_fields(record), strict=True):
        if value is None or type(value) in _PLAIN:
            obj[name] = value  # the common case, kept fast: this runs on every request
        elif name == "findings":
            obj[name] = [_finding(f) for f in value]
        else:
            obj[name] = _normalize(value, name, digest if name in _FREE_FORM else None)
    obj["path"] = _strip_query(obj["path"])
    if obj["node"] is None:
        obj["node"] = node
    return _PRESORTED.encode(obj)


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
    if type(f) is FindingSummary:
        entity, count, score = f.entity, f.count, f.max_score
        if type(entity) is str and type(count) is int and type(score) is float:
            if score - score != 0.0:  # inf or nan
                raise AuditEncodingError("findings: floats must be finite")
            return {"count": count, "entity": entity, "max_score": round(score, 6) + 0.0}
    if isinstance(f, FindingSummary):
        return {  # keys in sorted order
            "count": _normalize(f.count, "findings", None),
            "entity": _normalize(f.entity, "findings", None),
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
    # Exact types first (the records the proxy writes), then subclasses the slow way.
    kind = type(value)
    if kind is str:
        if digest is not None and len(value) > MAX_FREE_STRING:
            return DIGEST_PREFIX + digest(value)
        return value
    if value is None or kind is int or kind is bool:
        return value
    if kind is float:
        if value - value != 0.0:  # inf or nan
            raise AuditEncodingError(f"{where}: floats must be finite")
        return round(value, 6) + 0.0  # + 0.0 turns -0.0 into 0.0
    if kind is dict:
        out = {}
        for k in value:
            if type(k) is not str and not isinstance(k, str):
                raise AuditEncodingError(f"{where}: mapping keys must be strings")
        for k in sorted(value):  # sorted here, so the encoder need not
            v = value[k]
            if type(v) is int or (type(v) is str and digest is None):
                out[str(k)] = v  # token counts and the like, kept fast
            else:
                out[str(k)] = _normalize(v, f"{where}.{k}", digest)
        return out
    if kind is list or kind is tuple:
        if digest is None:  # outside usage/extra strings are kept as they are
            return [v if type(v) is str else _normalize(v, where, None) for v in value]
        return [_normalize(v, where, digest) for v in value]
    return _normalize_subclass(value, where, digest)


def _normalize_subclass(value: Any, where: str, digest: Digest | None) -> Any:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _normalize(str(value), where, digest)
    if isinstance(value, float):
        return _normalize(float(value), where, digest)
    if isinstance(value, list | tuple):
        return [_normalize(v, where, digest) for v in value]
    if isinstance(value, dict):
        return _normalize(dict(value), where, digest)
    raise AuditEncodingError(f"{where}: {type(value).__name__} has no canonical encoding")
