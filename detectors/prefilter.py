"""One cheap pass that decides which recognizers run, and where.

Anchored recognizers (secrets, email) run only when one of their literal anchors occurs,
and only in windows around the occurrences (`Pattern.finditer(text, pos, endpos)`, so
offsets and lookbehinds stay those of the whole text). Numeric recognizers (phone, card,
IBAN, SSN, IP) run only in windows around digit runs.

Anchor lookup is `str.find` per anchor. Measured with scripts/bench_detectors.py
--prefilter (presence of 56 anchors, realistic chat text): one alternation regex is 3x
slower; pyahocorasick is about 1.7x faster (0.54 vs 0.92 ms at 20 KB) but it is only a
dev dependency here and str.find also yields the positions the windows need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from detectors.recognizers.base import FastPatternRecognizer

# a digit run of at least 6 characters (phone, card, IBAN, SSN, IPv4) or an IPv6 colon
# group; both start with a character class or literal, so `re` scans them at C speed
_NUMERIC = re.compile(r"\d[\d \t().\-/+]{4,}\d|:[0-9A-Fa-f]{0,4}:")
WINDOW = 40
MAX_OCCURRENCES = 64


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


class Prefilter:
    def __init__(self, recognizers: Sequence[FastPatternRecognizer]) -> None:
        self.anchored = [r for r in recognizers if r.ANCHORS and not r.NUMERIC]
        self.numeric = [r for r in recognizers if r.NUMERIC]
        self.always = [r for r in recognizers if not r.ANCHORS and not r.NUMERIC]
        self.anchors = sorted({a for r in self.anchored for a in r.ANCHORS})

    def anchored_for(
        self, lower: str
    ) -> list[tuple[FastPatternRecognizer, list[tuple[int, int]] | None]]:
        """Recognizers with an anchor in `lower`, each with the windows around its anchors
        (None: search the whole text)."""
        n = len(lower)
        found: dict[str, list[int]] = {}
        for a in self.anchors:
            pos = lower.find(a)
            if pos < 0:
                continue
            hits = found[a] = []
            while pos >= 0 and len(hits) <= MAX_OCCURRENCES:
                hits.append(pos)
                pos = lower.find(a, pos + 1)
        out: list[tuple[FastPatternRecognizer, list[tuple[int, int]] | None]] = []
        for r in self.anchored:
            positions = [p for a in r.ANCHORS for p in found.get(a, ())]
            if not positions:
                continue
            if len(positions) > MAX_OCCURRENCES:
                out.append((r, None))
                continue
            back, fwd = r.REACH
            out.append((r, _merge([(max(0, p - back), min(n, p + fwd)) for p in positions])))
        out.extend((r, None) for r in self.always)
        return out

    @staticmethod
    def numeric_windows(text: str) -> list[tuple[int, int]]:
        """Merged [start, end) windows around numeric candidates."""
        n = len(text)
        return _merge(
            [
                (max(0, m.start() - WINDOW), min(n, m.end() + WINDOW))
                for m in _NUMERIC.finditer(text)
            ]
        )
