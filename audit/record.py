"""One audit record: what was decided about one request or response, without content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FindingSummary:
    entity: str
    count: int
    max_score: float


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """Filled by the addon. Content appears only as keyed digests (`AuditLog.digest`).

    `kind` is "request" or "response". `decision` is one of allow, redact, block,
    reroute, unscanned (fail-open pass), error (upstream or stream failure).
    `node` (the host whose chain holds the record) and `worker` (the process on that
    host) are filled by `AuditLog` from its own settings when left None.
    """

    request_id: str
    kind: str
    decision: str
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
    worker: str | None = None
