"""Text that straddles two pieces of an upload: OpenAI upload parts and Gemini resumable
chunks are byte slices of one file, each scanned on its own, so a secret cut by a piece
boundary would be seen by neither scan. `UploadSeams` keeps the first and last `EDGE`
bytes of every piece it saw (never more, and never beyond `capacity` pieces) and gives
back the seam between two adjacent pieces, tail then head, to be scanned read-only with
the later request:

- Gemini resumable chunks arrive in order, each with its `X-Goog-Upload-Offset`: the
  seam is checked on the chunk that starts where a kept one ended;
- OpenAI parts may arrive in any order and get their ids in the answers; their order is
  only known at `/complete` (`part_ids`), so every seam is checked there: a secret
  across two parts blocks the completion, and the file is never assembled.

A piece is keyed by the user, the host and the upload's own id, so no two uploads share a
seam. A piece this process did not see (another worker, before a restart) has no seam to
check; `seams` names how many were missing. Kept bytes live in memory only.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass

EDGE = 512  # bytes kept from each end of a piece: longer than any secret or PII value


@dataclass(frozen=True, slots=True)
class Edges:
    head: bytes
    tail: bytes


@dataclass(frozen=True, slots=True)
class Seams:
    texts: tuple[str, ...]  # each seam, tail + head, decoded
    missing: int  # adjacent pieces with one side never seen by this process


def upload_key(user: str | None, host: str, upload: str) -> str:
    return f"{user or ''}\x00{host}\x00{upload}"


def edges(content: bytes) -> Edges:
    return Edges(content[:EDGE], content[-EDGE:])


def _text(tail: bytes, head: bytes) -> str:
    return (tail + head).decode("utf-8", "replace")


class UploadSeams:
    def __init__(self, capacity: int = 8192) -> None:
        self.capacity = capacity
        # Gemini: (upload, end offset) -> the tail of the chunk that ends there
        self._ends: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        # OpenAI: (upload, request id) -> edges, until its answer names the part
        self._pending: OrderedDict[tuple[str, str], Edges] = OrderedDict()
        # OpenAI: (upload, part id) -> edges
        self._parts: OrderedDict[tuple[str, str], Edges] = OrderedDict()

    def _put(self, table: OrderedDict, key: object, value: object) -> None:  # type: ignore[type-arg]
        table[key] = value
        table.move_to_end(key)
        while len(table) > self.capacity:
            table.popitem(last=False)

    # -- Gemini resumable chunks ----------------------------------------------------------

    def chunk(self, upload: str, offset: int, content: bytes) -> Seams:
        """A chunk at byte `offset`: the seam with the chunk that ended there, if kept
        (kept after use too: a blocked chunk sent again meets the same seam)."""
        tail = self._ends.get((upload, offset)) if offset > 0 else None
        self._put(self._ends, (upload, offset + len(content)), content[-EDGE:])
        if offset == 0:
            return Seams((), 0)
        if tail is None:
            return Seams((), 1)
        return Seams((_text(tail, content[:EDGE]),), 0)

    # -- OpenAI upload parts -------------------------------------------------------------

    def part(self, upload: str, request_id: str, content: bytes) -> None:
        self._put(self._pending, (upload, request_id), edges(content))

    def part_answered(self, upload: str, request_id: str, part_id: str) -> None:
        kept = self._pending.pop((upload, request_id), None)
        if kept is not None:
            self._put(self._parts, (upload, part_id), kept)

    def complete(self, upload: str, part_ids: list[str]) -> Seams:
        """The seams between consecutive parts, in the order the completion names them."""
        texts: list[str] = []
        missing = 0
        kept = [self._parts.get((upload, p)) for p in part_ids]
        for before, after in itertools.pairwise(kept):
            if before is None or after is None:
                missing += 1
            else:
                texts.append(_text(before.tail, after.head))
        # parts stay kept: a blocked completion sent again meets the same seams
        return Seams(tuple(texts), missing)
