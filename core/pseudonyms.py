"""Reversible pseudonymization: stable typed placeholders out, originals restored in.

A value whose action is `pseudonymize` leaves as `<EMAIL_ADDRESS_1>`: the same value
gets the same placeholder for as long as its scope lives, so an app that resends the
whole conversation every turn sends the same placeholders every turn, and the model
sees a consistent conversation. The answer (body, stream deltas, tool-call arguments)
has the placeholders replaced by the originals before it reaches the app.

A scope is one identity (the authenticated proxy user, else the client's address
without its port) talking to one provider. The mapping lives only in this process's
memory: bounded (scopes and values per scope, least recently used go first) and with a
time to live; it is never written to the audit, the logs or the disk, and a restart
loses it (an answer that then quotes an old placeholder keeps the placeholder).
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable

PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*?)_([1-9][0-9]{0,5})>")
MAX_PLACEHOLDER = 64  # longest placeholder text: a stream never cuts through one
DEFAULT_TTL = 3600.0  # seconds a scope lives after its last use
DEFAULT_SCOPES = 4096
DEFAULT_VALUES = 2048  # values per scope


class Pseudonyms:
    """One scope's mapping, both ways."""

    def __init__(self, max_values: int = DEFAULT_VALUES) -> None:
        self.max_values = max_values
        self._by_value: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._by_placeholder: dict[str, str] = {}
        self._next: dict[str, int] = {}
        self.issued = 0  # placeholders handed out (counted for the audit: a number only)

    def __len__(self) -> int:
        return len(self._by_placeholder)

    def placeholder(self, entity: str, value: str) -> str:
        key = (entity, value)
        found = self._by_value.get(key)
        self.issued += 1
        if found is not None:
            self._by_value.move_to_end(key)
            return found
        n = self._next.get(entity, 0) + 1
        self._next[entity] = n
        name = f"<{entity}_{n}>"
        self._by_value[key] = name
        self._by_placeholder[name] = value
        while len(self._by_value) > self.max_values:
            _, old = self._by_value.popitem(last=False)
            self._by_placeholder.pop(old, None)
        return name

    def restore(self, text: str) -> tuple[str, int]:
        """`text` with every known placeholder replaced by its value, and how many."""
        if "<" not in text or not self._by_placeholder:
            return text, 0
        count = 0

        def sub(m: re.Match[str]) -> str:
            nonlocal count
            value = self._by_placeholder.get(m.group(0))
            if value is None:
                return m.group(0)
            count += 1
            return value

        return PLACEHOLDER.sub(sub, text), count

    def restore_json(self, text: str) -> tuple[str, int]:
        """As `restore`, inside JSON-encoded text: each value is written escaped."""
        if "<" not in text or not self._by_placeholder:
            return text, 0
        count = 0

        def sub(m: re.Match[str]) -> str:
            nonlocal count
            value = self._by_placeholder.get(m.group(0))
            if value is None:
                return m.group(0)
            count += 1
            return json.dumps(value, ensure_ascii=False)[1:-1]

        return PLACEHOLDER.sub(sub, text), count


def safe_cut(text: str, cut: int) -> int:
    """A cut position in `text` that does not split a placeholder: a `<` before `cut`
    that is not closed before it, and close enough to be one, moves the cut there."""
    start = text.rfind("<", max(0, cut - MAX_PLACEHOLDER), cut)
    if start < 0 or ">" in text[start:cut]:
        return cut
    tail = text[start : start + MAX_PLACEHOLDER]
    end = tail.find(">")
    if end >= 0 and not PLACEHOLDER.fullmatch(tail[: end + 1]):
        return cut  # a closed tag that is no placeholder: nothing to keep whole
    if end < 0 and not re.fullmatch(r"<[A-Z0-9_]*", tail):
        return cut
    return start


class PseudonymVault:
    """Every scope's mapping, in memory only."""

    def __init__(
        self,
        *,
        ttl: float = DEFAULT_TTL,
        max_scopes: int = DEFAULT_SCOPES,
        max_values: int = DEFAULT_VALUES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_scopes = max_scopes
        self.max_values = max_values
        self.clock = clock
        self._scopes: OrderedDict[str, tuple[float, Pseudonyms]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._scopes)

    def scope(self, key: str) -> Pseudonyms:
        """The mapping of `key`, created on first use; using it renews its lifetime."""
        now = self.clock()
        self._expire(now)
        entry = self._scopes.get(key)
        scope = entry[1] if entry is not None else Pseudonyms(self.max_values)
        self._scopes[key] = (now, scope)
        self._scopes.move_to_end(key)
        while len(self._scopes) > self.max_scopes:
            self._scopes.popitem(last=False)
        return scope

    def existing(self, key: str) -> Pseudonyms | None:
        """The mapping of `key` if it is alive (answers never create one)."""
        now = self.clock()
        self._expire(now)
        entry = self._scopes.get(key)
        if entry is None:
            return None
        self._scopes[key] = (now, entry[1])
        return entry[1]

    def _expire(self, now: float) -> None:
        while self._scopes:
            key, (used, _) = next(iter(self._scopes.items()))
            if now - used <= self.ttl:
                return
            del self._scopes[key]


def identity(user: str | None, client: str) -> str:
    """Who an agent is: the authenticated proxy user, else the client's address without
    its (per-connection) port."""
    if user:
        return f"user:{user}"
    return client.rsplit(":", 1)[0] if ":" in client else client
