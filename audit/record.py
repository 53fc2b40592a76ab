"""One audit record: what was decided about one request or response, without content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmwall.decision import Decision


@dataclass(frozen=True, slots=True)
class FindingSummary:
    entity: str
    count: int
    max_score: float


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """Filled by the addon. Content appears only as keyed digests (`AuditLog.digest`).

    `kind` is "request" or "response"; for WebSocket sessions "websocket" (a session's
    start and end), "ws_client" and "ws_server" (a frame; `llmwall.core.frames`).
    `decision` speaks the one vocabulary of `llmwall.decision` (allow, redact, block,
    reroute, unscanned, error).
    `node` (the host whose chain holds the record) is filled by `AuditLog` from its own
    setting when left None; a worker process names itself in `extra.worker`.
    """

    request_id: str
    kind: str
    decision: Decision
    client: str = ""
    identity: str | None = None
    provider: str = ""
    host: str = ""
    path: str = ""
    model: str | None = None
    rules: tuple[str, ...] = ()
    findings: tuple[FindingSummary, ...] = ()
    detector_version: str = ""
    policy_digest: str = ""
    body_digest: str | None = None
    status: int | None = None
    usage: dict[str, Any] | None = None
    latency_ms: float | None = None
    fail_open: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    node: str | None = None
