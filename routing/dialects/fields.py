"""Fields outside the conversation that still carry text: end-user ids (`user`,
`safety_identifier`, Anthropic `metadata.user_id`), `metadata`, stop sequences, cache
keys — and any top-level field a dialect does not know (a new API field, a compatible
server's extension), which is scanned generically instead of being ignored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from llmwall.routing.dialects.base import Collector
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.jsonpath import scanned_key
from llmwall.routing.segment import KEY, Role, Trust


def collect_fields(c: Collector, body: dict[str, Any], names: Iterable[str]) -> None:
    """Each named field, whatever its shape (a string, strings, a mapping), keys too."""
    for name in names:
        if name in body:
            collect_json(c, body[name], (name,), Role.USER, Trust.USER)


def collect_rest(c: Collector, body: dict[str, Any], known: frozenset[str]) -> None:
    """Every top-level field not in `known` (the dialect's structural and text fields):
    its name and everything in it."""
    for name, value in body.items():
        if name not in known:
            if scanned_key(name):
                c.text(name, (KEY, name), Role.USER, Trust.USER)
            collect_json(c, value, (name,), Role.USER, Trust.USER)
