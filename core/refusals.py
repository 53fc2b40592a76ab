"""What the one decision path answers when llmwall refuses: a failure at a hook
boundary (fail closed or, visibly, open), an upstream error, a full SIEM backlog, a
route that failed, and the provider-shaped blocks themselves.

A part of `llmwall.core.inspect.Inspector` (which it is mixed into). Messages are
content-free (`content_free_reason`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmwall.core.exchange import Exchange
from llmwall.core.judge import Judgement
from llmwall.core.records import Recorder
from llmwall.core.refusal import refusal
from llmwall.core.verdict import Verdict
from llmwall.decision import Decision
from llmwall.errors import InspectionError


class Refusals:
    recorder: Recorder

    def failure(
        self,
        exchange: Exchange,
        kind: str,
        exc: BaseException,
        *,
        fail_open: bool,
        status: int | None = None,
        model: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """Inspection raised: block (fail closed) or pass unscanned, visibly (fail open).
        A request llmwall cannot read is the client's fault (400); anything else 403; a
        response llmwall cannot read is the upstream's (502)."""
        if fail_open:
            record = self.recorder.record(
                exchange,
                kind,
                Decision.UNSCANNED,
                rules=("fail_open",),
                status=status,
                fail_open=True,
                model=model,
                extra=extra,
            )
            return Verdict(Decision.UNSCANNED, record, ("fail_open",), model=model, fail_open=True)
        reason = content_free_reason(exc)
        if kind == "request":
            status = 400 if isinstance(exc, InspectionError) else 403
            message = f"llmwall could not inspect this request ({reason}); blocked (fail closed)"
        else:
            status, message = 502, f"llmwall could not inspect the response: {reason}"
        return self._refuse(
            exchange,
            status,
            message,
            "llmwall_inspection_failed",
            ("fail_closed",),
            kind,
            model,
            extra,
        )

    def upstream_error(
        self,
        exchange: Exchange,
        *,
        status: int | None,
        model: str | None = None,
        extra: Mapping[str, Any] | None = None,
        rules: tuple[str, ...] = ("upstream_error",),
    ) -> Verdict:
        """The upstream failed (connection reset, a broken body, a timeout: `rules` say
        which): nothing to decide."""
        record = self.recorder.record(
            exchange,
            "response",
            Decision.ERROR,
            rules=rules,
            status=status,
            model=model,
            extra=extra,
        )
        return Verdict(Decision.ERROR, record, rules, model=model)

    def siem_backlog_full(self, exchange: Exchange) -> Verdict:
        """`siem.on_full: block` and a sink's backlog is full: refuse until it drains."""
        return self._refuse(
            exchange,
            503,
            "llmwall: the audit log cannot reach its SIEM; requests are held until it drains",
            "llmwall_siem_backlog_full",
            ("block:siem_backlog_full",),
        )

    def route_failure(self, exchange: Exchange, *, model: str | None = None) -> Verdict:
        return self._refuse(
            exchange,
            502,
            "llmwall could not route this request; blocked (fail closed)",
            "llmwall_route_failed",
            ("fail_closed",),
            model=model,
        )

    def _block(
        self,
        exchange: Exchange,
        judged: Judgement,
        message: str,
        *,
        model: str | None,
        extra: Mapping[str, Any] | None = None,
    ) -> Verdict:
        shape = refusal(exchange.dialect, 403, message, "llmwall_policy_block", exchange.request_id)
        record = self.recorder.record(
            exchange,
            "request",
            Decision.BLOCK,
            rules=judged.rules,
            findings=judged.findings,
            status=403,
            model=model,
            extra=extra,
        )
        return Verdict(
            Decision.BLOCK, record, judged.rules, judged.findings, refusal=shape, model=model
        )

    def _refuse(
        self,
        exchange: Exchange,
        status: int,
        message: str,
        code: str,
        rules: tuple[str, ...],
        kind: str = "request",
        model: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Verdict:
        shape = refusal(exchange.dialect, status, message, code, exchange.request_id)
        record = self.recorder.record(
            exchange, kind, Decision.BLOCK, rules=rules, status=status, model=model, extra=extra
        )
        return Verdict(Decision.BLOCK, record, rules, refusal=shape, model=model)


def content_free_reason(exc: BaseException) -> str:
    """Only llmwall's own errors carry a message, and it is content-free by construction."""
    return str(exc) if isinstance(exc, InspectionError) else type(exc).__name__
