"""The strings of an answer that its dialect does not read ("leftovers").

A dialect reads an answer at the positions it knows (`choices[].message.content`, ...).
An upstream that adds a field (`choices[0].message.some_new_field`, a top-level
`debug`, an unknown delta field) would pass it unread. So for every dialect (unless its
`non_text_keys` is None), every string left over after the dialect's own reading is
scanned too, generically (`generic.collect_string`: nested JSON walked, data URLs and long
base64 decoded), and so is every object key that is not a plain identifier — except
string values under the keys that never carry text (`routing.dialects.non_text`: ids,
enums, model names, signatures), which would only make false positives.

Left over: not at or under a path the dialect read (a segment's path up to its first
marker, an unknown or binary position); skipped: a string whose own key is in
`non_text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from llmwall.routing.dialects import logprobs
from llmwall.routing.dialects.base import Collector
from llmwall.routing.dialects.generic import collect_string
from llmwall.routing.dialects.non_text import NON_TEXT_KEYS, is_non_text
from llmwall.routing.jsonpath import scanned_key
from llmwall.routing.segment import KEY, Extraction, Path, PathStep, Role, Trust


def _tree_path(path: Path) -> Path:
    """A segment's path in the JSON tree: up to its first marker (nested JSON, base64,
    an object key)."""
    for i, step in enumerate(path):
        if not isinstance(step, str | int):
            return path[:i]
    return path


def covered_paths(extraction: Extraction) -> set[Path]:
    paths = {_tree_path(s.path) for s in extraction.segments}
    paths.update(extraction.unknown)
    paths.update(extraction.binary)
    return paths


def collect_leftovers(
    c: Collector,
    node: Any,
    covered: Iterable[Path],
    non_text: frozenset[str] = NON_TEXT_KEYS,
    role: Role = Role.ASSISTANT,
    trust: Trust = Trust.MODEL,
) -> None:
    """Every string of `node` not at or under a `covered` path, as segments of `c`."""
    done = set(covered)
    if () in done:
        return
    _walk(c, node, (), done, non_text, role, trust)


def _walk(
    c: Collector,
    node: Any,
    path: Path,
    done: set[Path],
    non_text: frozenset[str],
    role: Role,
    trust: Trust,
) -> None:
    if isinstance(node, str):
        collect_string(c, node, path, role, trust)
    elif isinstance(node, dict):
        for key, child in node.items():
            if scanned_key(key):
                c.text(key, (*path, KEY, key), role, trust)
            _child(c, child, path, key, done, non_text, role, trust)
    elif logprobs.token_items(node):  # the tokens of a text, read as one
        start = c.count
        for i, item in enumerate(node):
            token = (*path, i, "token")
            if token not in done and (*path, i) not in done:
                c.text(item["token"], token, role, trust)
        c.joined(start)
        for i, item in enumerate(node):
            if (*path, i) not in done:
                rest = {k: v for k, v in item.items() if k != "token"}
                _walk(c, rest, (*path, i), done, non_text, role, trust)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _child(c, child, path, i, done, non_text, role, trust)


def _child(
    c: Collector,
    child: Any,
    path: Path,
    step: PathStep,
    done: set[Path],
    non_text: frozenset[str],
    role: Role,
    trust: Trust,
) -> None:
    sub = (*path, step)
    if sub in done or (isinstance(child, str) and _skipped(step, non_text)):
        return
    _walk(c, child, sub, done, non_text, role, trust)


def _skipped(step: PathStep, non_text: frozenset[str]) -> bool:
    if non_text is NON_TEXT_KEYS:
        return is_non_text(step)
    return step in non_text


def with_leftovers(
    extraction: Extraction, body: Any, non_text: frozenset[str] = NON_TEXT_KEYS
) -> Extraction:
    """`extraction` plus the leftover strings of `body` (appended: join indexes hold)."""
    c = Collector()
    collect_leftovers(c, body, covered_paths(extraction), non_text)
    extra = c.build()
    if not (extra.segments or extra.unknown or extra.binary or extra.opaque):
        return extraction
    return Extraction(
        extraction.segments + extra.segments,
        extraction.unknown + extra.unknown,
        extraction.binary + extra.binary,
        tuple(dict.fromkeys(extraction.opaque + extra.opaque)),
        extraction.joins,
    )
