"""Extraction + findings + policy -> a Decision. Pure functions, no mitmproxy: the proxy,
`llmwall scan` and `llmwall eval` all decide through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from llmwall.addon.policy import Action, Policy, worst
from llmwall.audit.record import FindingSummary
from llmwall.detectors import template_tokens
from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Direction, Extraction, Path, Role, Segment, Trust


@dataclass(frozen=True)
class Decision:
    action: Action
    rules: tuple[str, ...] = ()
    findings: tuple[FindingSummary, ...] = ()
    replacements: dict[Path, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Content-free explanation for a block response: rule ids and finding types."""
        kinds = ", ".join(f"{f.entity} x{f.count}" for f in self.findings) or "none"
        return f"policy rules {', '.join(self.rules) or 'none'}; findings: {kinds}"


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


def decide(
    extraction: Extraction,
    scans: Sequence[Sequence[Finding]],
    policy: Policy,
    direction: Direction,
) -> Decision:
    action = Action.ALLOW
    rules: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    scores: dict[str, float] = defaultdict(float)
    replacements: dict[Path, str] = {}

    def fire(rule: str, act: Action) -> None:
        nonlocal action
        action = worst(action, act)
        if rule not in rules:
            rules.append(rule)

    for segment, findings in zip(extraction.segments, scans, strict=True):
        to_redact = []
        for f in findings:
            act = policy.action_for(f, segment.text[f.start : f.end], segment.trust, direction)
            if act is None:
                continue
            counts[f.entity] += 1
            scores[f.entity] = max(scores[f.entity], f.score)
            if act is Action.ALLOW:
                continue
            if act is Action.REDACT and not segment.writable:
                fire(f"block:{f.entity}:read-only", Action.BLOCK)
                continue
            fire(f"{act.value}:{f.entity}" + (f":{f.rule}" if act is Action.BLOCK else ""), act)
            if act is Action.REDACT:
                to_redact.append(f)
        if to_redact:
            replacements[segment.path] = redact(segment.text, to_redact)

    for _ in extraction.unknown:
        if policy.unknown_content is not Action.ALLOW:
            fire(f"{policy.unknown_content.value}:unknown_content", policy.unknown_content)
    for _ in extraction.binary:
        if policy.binary_content is not Action.ALLOW:
            fire(f"{policy.binary_content.value}:binary_content", policy.binary_content)
    if extraction.unknown and policy.unknown_content is Action.REDACT:
        # an unknown block cannot be redacted in place: treat as block
        fire("block:unknown_content", Action.BLOCK)

    summary = tuple(FindingSummary(e, counts[e], round(scores[e], 4)) for e in sorted(counts))
    if action is Action.REDACT and not replacements:
        action = Action.ALLOW
    return Decision(action, tuple(rules), summary, replacements if action is Action.REDACT else {})


def placeholder(entity: str) -> str:
    return f"<{entity}>"


def redact(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding's span with its typed placeholder. Overlapping spans merge
    into one, labelled by the highest-scoring finding among them."""
    merged: list[list[object]] = []  # [start, end, entity, score]
    for f in sorted(findings, key=lambda f: f.start):
        if merged and f.start < merged[-1][1]:  # type: ignore[operator]
            last = merged[-1]
            last[1] = max(last[1], f.end)  # type: ignore[call-overload]
            if f.score > last[3]:  # type: ignore[operator]
                last[2], last[3] = f.entity, f.score
        else:
            merged.append([f.start, f.end, f.entity, f.score])
    out, pos = [], 0
    for start, end, entity, _ in merged:
        out.append(text[pos:start])  # type: ignore[misc]
        out.append(placeholder(str(entity)))
        pos = end  # type: ignore[assignment]
    out.append(text[pos:])
    return "".join(out)


def segment_for(extraction: Extraction, path: Path) -> Segment | None:
    for s in extraction.segments:
        if s.path == path:
            return s
    return None
