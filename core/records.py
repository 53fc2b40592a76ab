"""Audit records of decisions: built here, from an Exchange and what was decided.

Content appears only as a keyed digest of the body (`digest`, the audit log's HMAC);
everything else is names, counts and numbers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.core.exchange import Exchange
from llmwall.decision import Decision

Digest = Callable[[bytes], str]


@dataclass(frozen=True)
class Recorder:
    policy_digest: Callable[[Exchange], str]  # the digest of the policy that decides it
    detector_version: str
    digest: Digest | None = None  # None: no body digests (scan/eval outside the proxy)
    clock: Callable[[], float] = field(default=time.perf_counter)
    worker: int | None = None  # with several processes, each record names its own

    def record(
        self,
        exchange: Exchange,
        kind: str,
        decision: Decision,
        *,
        rules: tuple[str, ...] = (),
        findings: tuple[FindingSummary, ...] = (),
        body: bytes | None = None,
        status: int | None = None,
        usage: Mapping[str, Any] | None = None,
        fail_open: bool = False,
        extra: Mapping[str, Any] | None = None,
        model: str | None = None,
    ) -> AuditRecord:
        return AuditRecord(
            request_id=exchange.request_id,
            kind=kind,
            decision=decision,
            client=exchange.client,
            identity=exchange.user,
            provider=exchange.provider,
            host=exchange.host,
            path=exchange.path,
            model=model,
            rules=rules,
            findings=findings,
            detector_version=self.detector_version,
            policy_digest=self.policy_digest(exchange),
            body_digest=self.digest(body) if body and self.digest else None,
            status=status,
            usage=dict(usage) if usage is not None else None,
            latency_ms=round((self.clock() - exchange.started) * 1000, 3),
            fail_open=fail_open,
            extra={**(extra or {}), "worker": self.worker} if self.worker else dict(extra or {}),
        )
