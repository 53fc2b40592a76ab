"""Read and write strings inside a decoded body by `Path`.

A path is a tuple of dict keys, list indexes and markers:

- `JSON`: "this string holds JSON: decode it, continue inside, and re-encode on write".
  That is how tool-call arguments (a JSON string in OpenAI's format) are scanned leaf by
  leaf and written back without breaking their encoding.
- `KEY`, followed by a key: the path means that object key itself; writing renames the
  key where it stands (order kept). Keys are scanned too (tool argument names, schemas).
- `BASE64`: "this string is base64, or a data: URL: continue inside its decoded UTF-8
  text, and re-encode on write" (text files sent as base64 parts).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from llmwall.errors import PathError
from llmwall.routing.segment import BASE64, JSON, KEY, Path


def get(body: Any, path: Path) -> Any:
    node = body
    steps = iter(path)
    for step in steps:
        if step is JSON:
            if not isinstance(node, str):
                raise PathError(f"JSON step on a {type(node).__name__}")
            node = json.loads(node)
        elif step is BASE64:
            node = decode_base64_text(node)[1]
        elif step is KEY:
            key = next(steps, None)
            if not isinstance(node, dict) or key not in node:
                raise PathError("no such key")
            return key
        else:
            try:
                node = node[step]  # type: ignore[index]
            except (KeyError, IndexError, TypeError) as exc:
                raise PathError(f"no step {step!r}") from exc
    return node


def set_many(body: Any, replacements: Mapping[Path, str]) -> Any:
    """Return `body` with the string at each path replaced. `body` is changed in place
    where it is a container; the (possibly new) root is returned. Values are written
    before keys, and deeper keys before the keys above them, so every path still
    exists when its turn comes."""
    for path, value in sorted(replacements.items(), key=_order):
        body = _set(body, path, value)
    return body


def _order(item: tuple[Path, str]) -> tuple[int, int]:
    path = item[0]
    if len(path) >= 2 and path[-2] is KEY:
        return (1, -len(path))
    return (0, len(path))


def _set(node: Any, path: Path, value: str) -> Any:
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step is JSON:
        if not isinstance(node, str):
            raise PathError("JSON step on a non-string")
        inner = _set(json.loads(node), rest, value)
        return json.dumps(inner, ensure_ascii=False, separators=_separators(node))
    if step is BASE64:
        prefix, text = decode_base64_text(node)
        return prefix + base64.b64encode(_set(text, rest, value).encode()).decode("ascii")
    if step is KEY:
        if len(rest) != 1 or not isinstance(node, dict) or rest[0] not in node:
            raise PathError("no such key")
        return _rename(node, rest[0], value)  # type: ignore[arg-type]
    try:
        node[step] = _set(node[step], rest, value)  # type: ignore[index]
    except (KeyError, IndexError, TypeError) as exc:
        raise PathError(f"no step {step!r}") from exc
    return node


def _rename(node: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    if new == old:
        return node
    items = list(node.items())
    node.clear()
    for key, child in items:
        # a redacted key that collides with another keeps both: the later one wins the
        # name only if it is free (placeholders are not real keys anyway)
        name = new if key == old else key
        while name in node:
            name += "_"
        node[name] = child
    return node


def _separators(original: str) -> tuple[str, str]:
    # Keep the compact form when the client sent compact JSON, so an unchanged re-encode
    # is byte-identical more often (prompt caches are prefix-based).
    compact = '", "' not in original and '": ' not in original
    return (",", ":") if compact else (", ", ": ")


def decode_base64_text(value: Any) -> tuple[str, str]:
    """(prefix, text) of a base64 string or data URL whose payload is UTF-8 text; the
    prefix is "data:<type>;base64," (or "") and is kept on re-encode."""
    if not isinstance(value, str):
        raise PathError("BASE64 step on a non-string")
    prefix, payload = "", value
    if value.startswith("data:"):
        head, sep, payload = value.partition(",")
        if not sep or not head.endswith(";base64"):
            raise PathError("data URL is not base64")
        prefix = head + ","
    try:
        return prefix, base64.b64decode(payload, validate=True).decode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise PathError("not base64 UTF-8 text") from exc


# Object keys made only of letters and underscores, up to 24 of them (`type`,
# `properties`, `displayName`), cannot hold what the detectors look for (a secret, an
# address, a number); they are not scanned, which keeps schemas and generic bodies
# cheap. Every other key is.
_PLAIN_KEY = re.compile(r"[A-Za-z_]{1,24}")


_SCANNED: dict[str, bool] = {}  # keys repeat (every stream event has the same ones)


def scanned_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    known = _SCANNED.get(key)
    if known is None:
        known = bool(key) and _PLAIN_KEY.fullmatch(key) is None
        if len(_SCANNED) >= 4096:
            _SCANNED.clear()
        _SCANNED[key] = known
    return known


def string_leaves(
    node: Any, prefix: Path = (), *, keys: bool = False
) -> Iterator[tuple[Path, str]]:
    """Every string value below `node`, depth first, with its path; with `keys`, every
    object key too, as (..., KEY, key)."""
    if isinstance(node, str):
        yield prefix, node
    elif isinstance(node, dict):
        for key, child in node.items():
            if keys and scanned_key(key):
                yield (*prefix, KEY, key), key
            yield from string_leaves(child, (*prefix, key), keys=keys)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from string_leaves(child, (*prefix, index), keys=keys)


def json_string_leaves(
    text: str, prefix: Path, *, keys: bool = False
) -> Iterator[tuple[Path, str]]:
    """Leaves of a JSON-encoded string (tool arguments); the whole string if it is not
    JSON, or if it decodes to a bare string."""
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        yield prefix, text
        return
    if isinstance(decoded, dict | list):
        yield from string_leaves(decoded, (*prefix, JSON), keys=keys)
    else:
        yield prefix, text
