"""Segments + their findings + a policy -> a Judgement: which findings count, what each
one asks for, and the redacted text. The only place a finding meets the policy: the
request and response paths, the fallback's re-scan, the stream inspector, `llmwall scan`
and `llmwall eval` all judge through `judge`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from llmwall.audit.record import FindingSummary
from llmwall.core.policy import Policy
from llmwall.decision import REWRITING, Decision, worst
from llmwall.detectors import template_tokens
from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Direction, Extraction, Path, Role, Trust


@dataclass(frozen=True)
class Judgement:
    """What the policy says about one extraction. `decision` is allow, redact or block;
    `redactions` maps a segment's index to the findings to replace in it, and `rewrites`
    its path to the redacted text (both empty unless the decision is redact)."""

    decision: Decision
    rules: tuple[str, ...] = ()
    findings: tuple[FindingSummary, ...] = ()
    redactions: Mapping[int, tuple[Finding, ...]] = field(default_factory=dict)
    rewrites: Mapping[Path, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Content-free explanation for a block response: rule ids and finding types."""
        kinds = ", ".join(f"{f.entity} x{f.count}" for f in self.findings) or "none"
        return f"policy rules {', '.join(self.rules) or 'none'}; findings: {kinds}"

    @property
    def block_rule(self) -> str:
        """The first rule that blocked (for a stream's error event), else "block"."""
        return next((r for r in self.rules if r.startswith("block")), "block")


def scan_inputs(extraction: Extraction) -> list[tuple[str, bool, bool]]:
    """What to hand the detector: (text, indirect, instructions) per segment: tool
    results and documents are indirect, the app's system prompt is instructions. Raw
    prompt templates are scanned with their template tokens masked (same length, so
    spans stay valid)."""
    return [
        (
            template_tokens.mask(s.text) if s.template else s.text,
            s.trust is Trust.EXTERNAL,
            # the app's own prompt; tool definitions (often a third party's MCP server)
            # keep full scoring: descriptions are not instructions, poisoned ones are
            s.trust is Trust.SYSTEM and s.role is Role.SYSTEM,
        )
        for s in extraction.segments
    ]


# (entity, original value) -> its stable placeholder (llmwall.core.pseudonyms)
Pseudonymizer = Callable[[str, str], str]


def judge(
    extraction: Extraction,
    scans: Sequence[Sequence[Finding]],
    policy: Policy,
    direction: Direction,
    pseudonyms: Pseudonymizer | None = None,
) -> Judgement:
    """`pseudonyms` gives the placeholders of `pseudonymize` findings; without it they
    are redacted (a path that cannot restore them: a fallback's re-scan, `llmwall scan`)."""
    decision = Decision.ALLOW
    rules: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    scores: dict[str, float] = defaultdict(float)
    redactions: dict[int, tuple[Finding, ...]] = {}
    pseudonymized: set[tuple[int, int, int]] = set()  # (segment, start, end)

    def fire(rule: str, act: Decision) -> None:
        nonlocal decision
        decision = worst(decision, act)
        if rule not in rules:
            rules.append(rule)

    for index, (segment, findings) in enumerate(zip(extraction.segments, scans, strict=True)):
        to_redact = []
        for f in findings:
            act = policy.action_for(f, segment.text[f.start : f.end], segment.trust, direction)
            if act is None:
                continue
            counts[f.entity] += 1
            scores[f.entity] = max(scores[f.entity], f.score)
            if act is Decision.ALLOW:
                continue
            if act is Decision.PSEUDONYMIZE and pseudonyms is None:
                act = Decision.REDACT
            if act in REWRITING and not segment.writable:
                fire(f"block:{f.entity}:{segment.locked or 'read-only'}", Decision.BLOCK)
                continue
            named = act in (Decision.BLOCK, Decision.SHADOW)
            fire(f"{act.value}:{f.entity}" + (f":{f.rule}" if named else ""), act)
            if act is Decision.PSEUDONYMIZE:
                pseudonymized.add((index, f.start, f.end))
            if act in REWRITING:
                to_redact.append(f)
        if to_redact:
            redactions[index] = tuple(to_redact)

    for _ in extraction.unknown:
        if policy.unknown_content is not Decision.ALLOW:
            fire(f"{policy.unknown_content.value}:unknown_content", policy.unknown_content)
    if extraction.binary:
        # named in the record whatever the policy says: content llmwall could not read
        fire(f"{policy.binary_content.value}:binary_content", policy.binary_content)
    if "upload_seam_unseen" in extraction.opaque:
        # a piece next to this one went through another process (or before a restart):
        # the text across that seam was not scanned (llmwall.core.upload_seams)
        fire("allow:upload_seam_unseen", Decision.ALLOW)
    if extraction.unknown and policy.unknown_content is Decision.REDACT:
        # an unknown block cannot be redacted in place: treat as block
        fire("block:unknown_content", Decision.BLOCK)

    summary = tuple(FindingSummary(e, counts[e], round(scores[e], 4)) for e in sorted(counts))
    if decision in REWRITING and not redactions:
        decision = Decision.ALLOW
    if decision not in REWRITING:
        return Judgement(decision, tuple(rules), summary)
    rewrites = {}
    for i, spans in redactions.items():
        label = None
        if pseudonyms is not None and any(p[0] == i for p in pseudonymized):
            label = _labeller(i, pseudonymized, pseudonyms)
        rewrites[extraction.segments[i].path] = redact(extraction.segments[i].text, spans, label)
    return Judgement(decision, tuple(rules), summary, redactions, rewrites)


def _labeller(
    index: int, pseudonymized: set[tuple[int, int, int]], pseudonyms: Pseudonymizer
) -> Callable[[Finding, str], str]:
    def label(f: Finding, value: str) -> str:
        if (index, f.start, f.end) in pseudonymized:
            return pseudonyms(f.entity, value)
        return placeholder(f.entity)

    return label


def placeholder(entity: str) -> str:
    return f"<{entity}>"


def redact(
    text: str,
    findings: Sequence[Finding],
    label: Callable[[Finding, str], str] | None = None,
) -> str:
    """Replace each finding's span with its typed placeholder (or `label(finding,
    value)`). Overlapping spans merge into one, labelled by the highest-scoring finding
    among them."""
    merged: list[tuple[int, int, Finding]] = []  # start, end, the labelling finding
    for f in sorted(findings, key=lambda f: f.start):
        if merged and f.start < merged[-1][1]:
            start, end, best = merged[-1]
            merged[-1] = (start, max(end, f.end), f if f.score > best.score else best)
        else:
            merged.append((f.start, f.end, f))
    out, pos = [], 0
    for start, end, best in merged:
        out.append(text[pos:start])
        out.append(label(best, text[start:end]) if label else placeholder(best.entity))
        pos = end
    out.append(text[pos:])
    return "".join(out)
