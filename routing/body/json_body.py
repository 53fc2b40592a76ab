"""JSON bodies, decoded and re-encoded faithfully.

- Duplicate keys are refused (InspectionError -> a provider-shaped 400): a provider may
  read the copy llmwall did not scan.
- `NaN`, `Infinity` and `-Infinity` are refused: they are not JSON, and re-sending them
  would pass an invalid body on.
- A number too large for a float (`1e400`) is re-sent as written, never as `Infinity`.
- The charset is kept: a UTF-16 body (by label or by byte pattern) goes out as UTF-16.

Only a body that is rewritten is re-encoded; an untouched body is forwarded as it came.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from llmwall.errors import InspectionError
from llmwall.routing import jsonpath
from llmwall.routing.body.base import Body, decode_text, text_codec
from llmwall.routing.segment import Path

_UTF8 = ("", "utf-8", "utf8")
NOT_JSON = "body is not valid JSON"


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise InspectionError("JSON body has a duplicate key in an object")
    return obj


def _no_constant(name: str) -> Any:
    raise InspectionError(f"JSON body holds {name}, which is not valid JSON")


def loads(text: str | bytes) -> Any:
    """json.loads refusing duplicate keys and NaN/Infinity (InspectionError)."""
    try:
        return json.loads(text, object_pairs_hook=_unique, parse_constant=_no_constant)
    except InspectionError:
        raise
    except UnicodeDecodeError:
        raise InspectionError("JSON body is not UTF-8") from None
    except (ValueError, RecursionError):
        raise InspectionError(NOT_JSON) from None


def looks_like_json(raw: bytes) -> bool:
    head = raw[:64].lstrip()
    if head[:1] in (b"{", b"["):
        return True
    # UTF-16/32 (with or without a BOM): a NUL among the first bytes
    return len(raw) >= 4 and b"\x00" in raw[:4] and raw.replace(b"\x00", b"")[:1] in (b"{", b"[")


class JsonBody(Body):
    kind = "json"

    def __init__(self, raw: bytes, charset: str = "") -> None:
        self.codec = self._codec(raw, charset)
        self.text = raw if self.codec == "utf-8" else decode_text(raw, self.codec)
        self.tree: Any = loads(self.text)

    @staticmethod
    def _codec(raw: bytes, charset: str) -> str:
        if charset.strip().lower() not in _UTF8:
            return text_codec(charset)
        detected = json.detect_encoding(raw)
        if detected == "utf-8-sig":
            return "utf-8-sig"
        return text_codec(detected)

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        if not rewrites:
            return self.text if isinstance(self.text, bytes) else self.text.encode(self.codec)
        return dumps(jsonpath.set_many(self.tree, rewrites), self.text, rewrites).encode(self.codec)


def dumps(tree: Any, original: str | bytes, rewrites: Mapping[Path, str]) -> str:
    """`tree` as JSON; when it holds a number no float can carry (the parse of `1e400`),
    the original is parsed again keeping every number's literal and rewritten again."""
    separators = _separators(original)
    try:
        return json.dumps(tree, ensure_ascii=False, allow_nan=False, separators=separators)
    except ValueError:
        pass
    nonce = secrets.token_hex(8)
    literals: list[str] = []

    def keep(literal: str) -> _Literal:
        literals.append(literal)
        return _Literal(len(literals) - 1)

    exact = json.loads(original, object_pairs_hook=_unique, parse_float=keep)
    exact = jsonpath.set_many(exact, rewrites)
    text = json.dumps(
        exact,
        ensure_ascii=False,
        separators=separators,
        default=lambda o: f"\x00{nonce}:{o.index}\x00",
    )
    for i, literal in enumerate(literals):
        text = text.replace(json.dumps(f"\x00{nonce}:{i}\x00"), literal, 1)
    return text


def _separators(original: str | bytes) -> tuple[str, str]:
    """Compact when the client sent compact JSON (an SDK's own encoding), so a rewritten
    body stays close to the original (prompt caches are prefix-based)."""
    head = original[:4096]
    sample = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    compact = '", "' not in sample and '": ' not in sample
    return (",", ":") if compact else (", ", ": ")


class _Literal:
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index
