"""Read and write strings inside a decoded JSON body by `Path`.

A path is a tuple of dict keys, list indexes and the `JSON` marker, which means "this
string holds JSON: decode it, continue inside, and re-encode on write". That is how tool
call arguments (a JSON string in OpenAI's format) are scanned leaf by leaf and written
back without breaking their encoding.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from llmwall.errors import PathError
from llmwall.routing.segment import JSON, Path


def get(body: Any, path: Path) -> Any:
    node = body
    for step in path:
        if step is JSON:
            if not isinstance(node, str):
                raise PathError(f"JSON step on a {type(node).__name__}")
            node = json.loads(node)
        else:
            try:
                node = node[step]  # type: ignore[index]
            except (KeyError, IndexError, TypeError) as exc:
                raise PathError(f"no step {step!r}") from exc
    return node


def set_many(body: Any, replacements: Mapping[Path, str]) -> Any:
    """Return `body` with the string at each path replaced. `body` is changed in place
    where it is a container; the (possibly new) root is returned."""
    for path, value in sorted(replacements.items(), key=lambda kv: len(kv[0])):
        body = _set(body, path, value)
    return body


def _set(node: Any, path: Path, value: str) -> Any:
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step is JSON:
        if not isinstance(node, str):
            raise PathError("JSON step on a non-string")
        inner = _set(json.loads(node), rest, value)
        return json.dumps(inner, ensure_ascii=False, separators=_separators(node))
    try:
        node[step] = _set(node[step], rest, value)  # type: ignore[index]
    except (KeyError, IndexError, TypeError) as exc:
        raise PathError(f"no step {step!r}") from exc
    return node


def _separators(original: str) -> tuple[str, str]:
    # Keep the compact form when the client sent compact JSON, so an unchanged re-encode
    # is byte-identical more often (prompt caches are prefix-based).
    compact = '", "' not in original and '": ' not in original
    return (",", ":") if compact else (", ", ": ")


def string_leaves(node: Any, prefix: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every string value (not keys) below `node`, depth first, with its path."""
    if isinstance(node, str):
        yield prefix, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from string_leaves(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from string_leaves(child, (*prefix, index))


def json_string_leaves(text: str, prefix: Path) -> Iterator[tuple[Path, str]]:
    """Leaves of a JSON-encoded string (tool arguments); the whole string if it is not
    JSON, or if it decodes to a bare string."""
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        yield prefix, text
        return
    if isinstance(decoded, dict | list):
        yield from string_leaves(decoded, (*prefix, JSON))
    else:
        yield prefix, text
