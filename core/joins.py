"""A text split in parts (a message's text parts) is scanned whole as well as part by
part, so a secret split across two parts is still found; a finding of the whole is
redacted in each part it spans.

    view(extraction)        the extraction plus one virtual segment per join, to scan
    fold(extraction, scans) the scans of the real segments, each holding its share of
                            the findings that span parts of a join

A finding that lies inside one part is the part's own finding already and is not
repeated. The judge, rewrites and the audit see only real segments.
"""

from __future__ import annotations

from collections.abc import Sequence

from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Extraction, Segment, Trust

_TRUST_ORDER = (Trust.EXTERNAL, Trust.USER, Trust.MODEL, Trust.SYSTEM)


def view(extraction: Extraction) -> Extraction:
    if not extraction.joins:
        return extraction
    virtual = []
    for group in extraction.joins:
        parts = [extraction.segments[i] for i in group]
        # the least trusted author decides the threshold for the whole
        trust = min((p.trust for p in parts), key=_TRUST_ORDER.index)
        virtual.append(Segment("".join(p.text for p in parts), parts[0].role, trust, ()))
    return Extraction((*extraction.segments, *virtual))


def fold(extraction: Extraction, scans: Sequence[Sequence[Finding]]) -> list[tuple[Finding, ...]]:
    count = len(extraction.segments)
    if not extraction.joins:
        return [tuple(s) for s in scans]
    out = [list(s) for s in scans[:count]]
    for group, findings in zip(extraction.joins, scans[count:], strict=True):
        bounds = []
        pos = 0
        for i in group:
            length = len(extraction.segments[i].text)
            bounds.append((i, pos, pos + length))
            pos += length
        for f in findings:
            spans = [(i, s, e) for i, s, e in bounds if f.start < e and f.end > s]
            if len(spans) < 2:
                continue
            for i, s, e in spans:
                out[i].append(
                    Finding(
                        f.entity,
                        max(f.start, s) - s,
                        min(f.end, e) - s,
                        f.score,
                        f.detector,
                        f.rule,
                    )
                )
    return [tuple(s) for s in out]
