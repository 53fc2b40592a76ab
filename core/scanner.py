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
from llmwall.routing.segment import ENVELOPE, Extraction, Role, Trust

OFFLOAD_CHARS = 64_000  # bodies with more text than this are scanned in a worker thread

Scans = list[tuple[Finding, ...]]
# the turns a conversation is scored over: what users and tools put in, in order (the
# query string and headers, read as the user's too, are not turns of a conversation)
CONVERSATION_ROLES = frozenset({Role.USER, Role.TOOL_RESULT, Role.DOCUMENT})
# request headers (names and values): no model reads them, so PII and secrets only
HEADER_PATHS = frozenset({(ENVELOPE, "header"), (ENVELOPE, "header_name")})


class Scanner:
    def __init__(self, detector: Detector) -> None:
        self.detector = detector

    @property
    def version(self) -> str:
        return self.detector.version

    def offloads(self, items: Sequence[tuple[str, bool, bool]]) -> bool:
        return self.detector.needs_offload or sum(len(t) for t, *_ in items) > OFFLOAD_CHARS

    def scan(self, extraction: Extraction, *, conversation: bool = False) -> Scans:
        """Findings per segment, on this thread (CLI, tests)."""
        return self._scan(extraction, conversation)

    async def ascan(self, extraction: Extraction, *, conversation: bool = False) -> Scans:
        """Findings per segment, off the event loop when the scan would stall it.
        `conversation`: a request, whose turns are also scored together."""
        if self.offloads(scan_inputs(extraction)):
            return await asyncio.to_thread(self._scan, extraction, conversation)
        return self._scan(extraction, conversation)

    def _scan(self, extraction: Extraction, conversation: bool) -> Scans:
        """Every segment (and the whole of text split in parts, `llmwall.core.joins`);
        tool definitions by their own rules; then, for a request, the conversation: a
        set-up in one turn and its payload in a later one (the finding goes to the
        later turn's segment)."""
        view = joins.view(extraction)
        found = [
            self.detector.scan_tool_definition(text)
            if segment.role is Role.TOOL_DEFINITION
            else self.detector.scan_values(text)
            if segment.path[:2] in HEADER_PATHS
            else self.detector.scan(text, indirect=indirect, instructions=instructions)
            for segment, (text, indirect, instructions) in zip(
                view.segments, scan_inputs(view), strict=True
            )
        ]
        scans = joins.fold(extraction, found)
        if conversation:
            turns = [
                i
                for i, seg in enumerate(extraction.segments)
                if seg.role in CONVERSATION_ROLES and seg.path[:1] != (ENVELOPE,)
            ]
            hit = self.detector.scan_conversation(
                [
                    (extraction.segments[i].text, extraction.segments[i].trust is Trust.EXTERNAL)
                    for i in turns
                ]
            )
            if hit is not None:
                index = turns[hit.turn]
                scans[index] = (*scans[index], hit.finding)
        return scans

    def scan_text(self, text: str, indirect: bool) -> tuple[Finding, ...]:
        """One stream window (the stream inspector runs inside mitmproxy's stream
        callable, which is synchronous)."""
        return self.detector.scan(text, indirect=indirect)
