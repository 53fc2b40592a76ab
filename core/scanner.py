"""Running the detector over an extraction: the one home of the rule for when a scan
leaves the event loop.

The proxy serves every connection from one event loop, so a scan that takes long (a
large body, or NER in a process pool) runs in a worker thread; everything else runs
inline, which is cheaper than the hand-off. The proxy's request and response paths, the
fallback's re-scan of a translated request and the stream inspector all scan through a
`Scanner`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from llmwall.core import joins
from llmwall.core.judge import scan_inputs
from llmwall.detectors.engine import Detector
from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Extraction

OFFLOAD_CHARS = 64_000  # bodies with more text than this are scanned in a worker thread

Scans = list[tuple[Finding, ...]]


class Scanner:
    def __init__(self, detector: Detector) -> None:
        self.detector = detector

    @property
    def version(self) -> str:
        return self.detector.version

    def offloads(self, items: Sequence[tuple[str, bool, bool]]) -> bool:
        return self.detector.needs_offload or sum(len(t) for t, *_ in items) > OFFLOAD_CHARS

    def scan(self, extraction: Extraction) -> Scans:
        """Findings per segment, on this thread (CLI, tests). Text split in parts is
        scanned whole too (`llmwall.core.joins`)."""
        return joins.fold(extraction, self.detector.scan_batch(scan_inputs(joins.view(extraction))))

    async def ascan(self, extraction: Extraction) -> Scans:
        """Findings per segment, off the event loop when the scan would stall it."""
        items = scan_inputs(joins.view(extraction))
        if self.offloads(items):
            return joins.fold(extraction, await asyncio.to_thread(self.detector.scan_batch, items))
        return joins.fold(extraction, self.detector.scan_batch(items))

    def scan_text(self, text: str, indirect: bool) -> tuple[Finding, ...]:
        """One stream window (the stream inspector runs inside mitmproxy's stream
        callable, which is synchronous)."""
        return self.detector.scan(text, indirect=indirect)
