"""A secret split across two text parts of one message is still one secret.

A client may send `[{"type":"text","text":"AKIAQ7RZ"},{"type":"text","text":"P4XK2M5TNWLB"}]`:
each part alone matches nothing, the model reads one key. After the per-segment scan,
the text parts of each message (segments whose paths end in `<list>[i].text`, e.g.
`messages[0].content[1].text`, `contents[0].parts[1].text`) are joined in order and
scanned once more; a PII or secret finding that spans a boundary between parts is added
to every part it touches, covering that part's piece, so that each piece is redacted
(or the request blocked) as the policy says. Findings inside one part were already
found by its own scan. Prompt-injection scoring across parts and turns is the
detector's conversation scoring, not this.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from llmwall.detectors.entities import PROMPT_INJECTION
from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Extraction, Path

ScanText = Callable[[str], Sequence[Finding]]


def message_parts(extraction: Extraction) -> list[list[int]]:
    """Indices of the segments that are text parts of one list, per list, in order."""
    groups: dict[Path, list[int]] = {}
    for i, segment in enumerate(extraction.segments):
        path = segment.path
        if len(path) >= 2 and path[-1] == "text" and isinstance(path[-2], int):
            groups.setdefault(path[:-2], []).append(i)
    out = []
    for indices in groups.values():
        if len(indices) > 1:
            indices.sort(key=lambda i: extraction.segments[i].path[-2])  # type: ignore[arg-type,return-value]
            out.append(indices)
    return out


def with_split_findings(
    extraction: Extraction, scans: list[tuple[Finding, ...]], scan_text: ScanText
) -> list[tuple[Finding, ...]]:
    """`scans` plus the pieces of findings that cross part boundaries."""
    groups = message_parts(extraction)
    if not groups:
        return scans
    out = list(scans)
    for indices in groups:
        texts = [extraction.segments[i].text for i in indices]
        starts = [0]
        for t in texts:
            starts.append(starts[-1] + len(t))
        for f in scan_text("".join(texts)):
            if f.entity == PROMPT_INJECTION:
                continue
            touched = [
                k for k in range(len(indices)) if f.start < starts[k + 1] and f.end > starts[k]
            ]
            if len(touched) < 2:
                continue
            for k in touched:
                lo, hi = max(f.start, starts[k]) - starts[k], min(f.end, starts[k + 1]) - starts[k]
                seg = indices[k]
                if any(
                    g.start < hi and g.end > lo and g.entity != PROMPT_INJECTION for g in out[seg]
                ):
                    continue
                piece = Finding(f.entity, lo, hi, f.score, f.detector + "+split", f.rule)
                out[seg] = tuple(sorted((*out[seg], piece), key=lambda g: (g.start, g.end)))
    return out
