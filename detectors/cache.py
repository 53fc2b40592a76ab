"""A bounded, thread-safe LRU of findings keyed by segment digest."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from llmwall.detectors.finding import Finding


def segment_key(
    text: str,
    indirect: bool,
    instructions: bool = False,
    tool: bool = False,
    values: bool = False,
) -> bytes:
    h = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16)
    h.update(bytes((indirect | instructions << 1 | tool << 2 | values << 3,)))
    return h.digest()


class FindingCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> tuple[Finding, ...] | None:
        if self.size <= 0:
            return None
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, findings: tuple[Finding, ...]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = findings
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
