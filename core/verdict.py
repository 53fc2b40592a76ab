"""A Verdict: everything the proxy needs to carry out one decision, and its audit record.

The adapter applies a Verdict without deciding anything itself: it sends `content` (the
body with `rewrites` applied) instead of the original, answers with `refusal` instead of
forwarding, sends the request along `plan`, and appends `record` (committed before the
flow moves on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.core.agent import AgentContext
from llmwall.core.route_plan import RoutePlan
from llmwall.decision import Decision
from llmwall.routing.dialects.base import ErrorShape
from llmwall.routing.segment import Path


@dataclass(frozen=True)
class Verdict:
    """`decision` is allow, redact, block, reroute or unscanned (one vocabulary with the
    policy and the audit). `rewrites` applies to redact and to a reroute that also
    redacts; `refusal` is the provider-shaped answer of a block; `plan`, when set, is the
    route the request takes (a policy route, or a fallback route that covers it)."""

    decision: Decision
    record: AuditRecord
    rules: tuple[str, ...] = ()
    findings: tuple[FindingSummary, ...] = ()
    rewrites: Mapping[Path, str] = field(default_factory=dict)
    content: bytes | None = None  # the body with `rewrites` applied, to send instead
    url: str | None = None  # the request path and query with redactions, to send instead
    # (index in the request's header list, name, new value) for redacted headers
    headers: tuple[tuple[int, str, str], ...] = ()
    refusal: ErrorShape | None = None
    plan: RoutePlan | None = None
    unmovable: tuple[str, str] | None = None  # (route, reason): a route matched, it can't move
    model: str | None = None
    stream: bool = False  # the client asked for a streamed answer
    fail_open: bool = False  # unscanned because of an error, with fail_mode: open
    # a request's taint, pseudonym scope and prompt shingles: the adapter keeps it for
    # the answer's inspection (llmwall.core.agent)
    context: AgentContext | None = None

    @property
    def blocked(self) -> bool:
        return self.decision is Decision.BLOCK
