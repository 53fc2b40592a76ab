"""One cheap pass that decides which recognizers run, and where.

Anchored recognizers (secrets, email) run on the whole text only when one of their
literal anchors occurs. Numeric recognizers (phone, card, IBAN, SSN, IP) run only on
windows around digit runs. Anchor lookup is `str.__contains__` per anchor (CPython's
fast search): measured faster than pyahocorasick's iterator and than one alternation
regex on realistic chat text (scripts/bench_detectors.py --prefilter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from detectors.recognizers.base import FastPatternRecognizer

# a digit run of at least 6 characters (phone, card, IBAN, SSN, IPv4), or an IPv6 shape
_NUMERIC = re.compile(r"\d[\d \t().\-/+]{4,}\d|\d+(?:\.\d+){3}|[0-9A-Fa-f]{0,4}::?[0-9A-Fa-f]{1,4}:")
WINDOW = 64


class Prefilter:
    def __init__(self, recognizers: Sequence[FastPatternRecognizer]) -> None:
        self.anchored = [r for r in recognizers if r.ANCHORS and not r.NUMERIC]
        self.numeric = [r for r in recognizers if r.NUMERIC]
        self.always = [r for r in recognizers if not r.ANCHORS and not r.NUMERIC]
        self.anchors = sorted({a for r in self.anchored for a in r.ANCHORS})
        self._by_anchor: dict[str, list[int]] = {}
        for i, r in enumerate(self.anchored):
            for a in r.ANCHORS:
                self._by_anchor.setdefault(a, []).append(i)

    def anchored_for(self, lower: str) -> list[FastPatternRecognizer]:
        hit: set[int] = set()
        for a in self.anchors:
            if a in lower:
                hit.update(self._by_anchor[a])
        return [self.anchored[i] for i in sorted(hit)] + self.always

    @staticmethod
    def numeric_windows(text: str) -> list[tuple[int, int]]:
        """Merged [start, end) windows around numeric candidates, snapped to whitespace."""
        windows: list[tuple[int, int]] = []
        n = len(text)
        for m in _NUMERIC.finditer(text):
            start = max(0, m.start() - WINDOW)
            end = min(n, m.end() + WINDOW)
            ws = text.rfind(" ", max(0, start - 16), start + 1)
            start = ws + 1 if ws >= 0 and start > 0 else start
            we = text.find(" ", end, min(n, end + 16))
            end = we if we >= 0 else end
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows
