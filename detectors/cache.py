"""A bounded, thread-safe LRU of findings keyed by segment digest (short texts: by the
text itself, whose hash Python keeps on the string: a header value or a one-line message
costs a dict lookup, not a digest)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from llmwall.detectors.finding import Finding

SHORT_TEXT = 128  # texts up to this many characters are their own key
Key = bytes | tuple[int, str]


def segment_key(
    text: str,
    indirect: bool,
    instructions: bool = False,
    tool: bool = False,
    values: bool = False,
) -> Key:
    flags = indirect | instructions << 1 | tool << 2 | values << 3
    if len(text) <= SHORT_TEXT:
        return (flags, text)
    h = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16)
    h.update(bytes((flags,)))
    return h.digest()


class FindingCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Key, tuple[Finding, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> tuple[Finding, ...] | None:
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

    def put(self, key: Key, findings: tuple[Finding, ...]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = findings
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
