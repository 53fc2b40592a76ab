"""A text split in parts (a message's text parts) is scanned whole as well as part by
part, so a secret split across two parts is still found; a finding of the whole is
redacted in each part it spans.

    view(extraction)        the extraction plus one virtual segment per join, to scan
    fold(extraction, scans) the scans of the real segments, each holding its share of
                            the findings that span parts of a join

A finding that lies inside one part is the part's own finding already and is not
repeated. Consecutive string elements of one JSON array that may be one value in pieces
(`Extraction.element_joins`) are scanned joined by `","`, as the list literal they are,
so that only the detector's split-value reading joins them, and only secrets, e-mail
addresses and IBANs found across elements count. The judge, rewrites and the audit see
only real segments.
"""

from __future__ import annotations

from collections.abc import Sequence

from llmwall.detectors.entities import ENTITIES, Category
from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Extraction, Segment, Trust

_TRUST_ORDER = (Trust.EXTERNAL, Trust.USER, Trust.MODEL, Trust.SYSTEM)


# array elements are scanned as the list literal they are: `"AKIAQ7RZ","P4XK2M5TNWLB"`
ELEMENT_SEPARATOR = '","'


def _groups(extraction: Extraction) -> list[tuple[tuple[int, ...], str]]:
    return [(g, "") for g in extraction.joins] + [
        (g, ELEMENT_SEPARATOR) for g in extraction.element_joins
    ]


def _element_kept(f: Finding) -> bool:
    """Across array elements only what split_values reads joined counts: keys and
    tokens, e-mail addresses, IBANs (not a phone number made of two ids, nor an
    injection score of a list)."""
    return ENTITIES.get(f.entity) is Category.SECRET or f.entity in ("EMAIL_ADDRESS", "IBAN_CODE")


def view(extraction: Extraction) -> Extraction:
    groups = _groups(extraction)
    if not groups:
        return extraction
    virtual = []
    for group, separator in groups:
        parts = [extraction.segments[i] for i in group]
        # the least trusted author decides the threshold for the whole
        trust = min((p.trust for p in parts), key=_TRUST_ORDER.index)
        text = separator.join(p.text for p in parts)
        virtual.append(Segment(text, parts[0].role, trust, ()))
    return Extraction((*extraction.segments, *virtual))


def fold(extraction: Extraction, scans: Sequence[Sequence[Finding]]) -> list[tuple[Finding, ...]]:
    count = len(extraction.segments)
    groups = _groups(extraction)
    if not groups:
        return [tuple(s) for s in scans]
    out = [list(s) for s in scans[:count]]
    for (group, separator), findings in zip(groups, scans[count:], strict=True):
        bounds = []
        pos = 0
        for i in group:
            length = len(extraction.segments[i].text)
            bounds.append((i, pos, pos + length))
            pos += length + len(separator)
        for f in findings:
            spans = [(i, s, e) for i, s, e in bounds if f.start < e and f.end > s]
            if len(spans) < 2 or (separator and not _element_kept(f)):
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
