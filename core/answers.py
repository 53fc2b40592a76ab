"""The answer side of the one decision path: a non-streamed answer, the stream
inspector for a streamed one, and the record of a stream once it ended.

A part of `llmwall.core.inspect.Inspector` (which it is mixed into): the answer of a
request is judged by the same policy, detectors and records as the request, plus the
agent checks that need the request's context (tool calls, taint, pseudonyms, prompt
leaks; `llmwall.core.agent`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from llmwall.core.agent import TOOL_BLOCKED, Agent, AgentContext
from llmwall.core.agent_stream import StreamAgent
from llmwall.core.exchange import Exchange
from llmwall.core.judge import judge
from llmwall.core.policy import Policy
from llmwall.core.records import Recorder
from llmwall.core.refusal import refusal
from llmwall.core.scanner import Scanner
from llmwall.core.stream_inspector import StreamInspector, StreamStats
from llmwall.core.upload_seams import UploadSeams, upload_key
from llmwall.core.verdict import Verdict
from llmwall.decision import Decision
from llmwall.routing import body as body_codec
from llmwall.routing.dialects.base import Dialect, StreamDialect
from llmwall.routing.segment import Direction


class AnswerSide:
    recorder: Recorder
    scanner: Scanner
    agent: Agent

    uploads: UploadSeams

    def policy_for(self, exchange: Exchange) -> Policy:
        raise NotImplementedError

    def reader(self, exchange: Exchange) -> Dialect | None:
        raise NotImplementedError

    async def inspect_response(
        self,
        exchange: Exchange,
        status: int,
        read: Callable[[], bytes],
        *,
        model: str | None = None,
        fail_open: bool = False,
        extra: Mapping[str, Any] | None = None,
        content_type: str = "",
        context: AgentContext | None = None,
    ) -> Verdict:
        """A non-streamed answer; `read` gives its decoded body (called only when the
        body is scanned: decoding may raise InspectionError), `content_type` picks its
        codec. Error statuses pass unscanned (they are the provider's own messages about
        the request); so does everything after a fail-open request, and the answers of
        an unknown endpoint under `unknown_endpoint: allow` (recorded as unscanned).
        `context` is the request Verdict's: its taint, placeholders and prompt shingles
        (llmwall.core.agent)."""
        dialect = self.reader(exchange)
        if fail_open:
            record = self.recorder.record(
                exchange,
                "response",
                Decision.UNSCANNED,
                status=status,
                fail_open=True,
                model=model,
                extra=extra,
            )
            return Verdict(Decision.UNSCANNED, record, model=model, fail_open=True)
        content = b"" if dialect is None or status >= 400 else read()
        if dialect is None and exchange.dialect is None and exchange.provider:
            rules = ("unknown_endpoint",)
            record = self.recorder.record(
                exchange,
                "response",
                Decision.UNSCANNED,
                rules=rules,
                status=status,
                model=model,
                extra=extra,
            )
            return Verdict(Decision.UNSCANNED, record, rules, model=model)
        if dialect is None or not content:
            record = self.recorder.record(
                exchange, "response", Decision.ALLOW, status=status, model=model, extra=extra
            )
            return Verdict(Decision.ALLOW, record, model=model)
        decoded = body_codec.decode(content, content_type)
        body = decoded.tree
        part = dialect.upload_part_id(exchange.path, body) if status < 300 else None
        if part is not None:  # the id of an upload part: where its seams are checked
            key = upload_key(exchange.user, exchange.host, part[0])
            self.uploads.part_answered(key, exchange.request_id, part[1])
        extraction = dialect.read_response(decoded)
        scans = await self.scanner.ascan(extraction)
        policy = self.policy_for(exchange)
        judged = judge(extraction, scans, policy, Direction.RESPONSE)
        rewrites = judged.rewrites
        review = self.agent.review_response(
            exchange.dialect, body, extraction, judged, policy, context
        )
        if review is not None:
            judged, rewrites = review.judged, review.rewrites
            extra = {**(extra or {}), "agent": review.extra} if review.extra else extra
        refused = None
        if judged.decision is Decision.BLOCK:
            message = (
                review.message
                if review is not None
                else f"llmwall blocked this response: {judged.reason}"
            )
            tool = review is not None and review.blocked_tool is not None
            code = TOOL_BLOCKED if tool else "llmwall_policy_block"
            refused = refusal(exchange.dialect, 403, message, code, exchange.request_id)
        record = self.recorder.record(
            exchange,
            "response",
            judged.decision,
            rules=judged.rules,
            findings=judged.findings,
            body=content,
            status=status,
            usage=dialect.usage(body),
            model=model,
            extra=extra,
        )
        return Verdict(
            judged.decision,
            record,
            judged.rules,
            judged.findings,
            rewrites=rewrites,
            content=decoded.apply(rewrites) if rewrites and refused is None else None,
            refusal=refused,
            model=model,
        )

    def stream_inspector(
        self,
        exchange: Exchange,
        stream: StreamDialect,
        holdback: int,
        context: AgentContext | None = None,
    ) -> StreamInspector:
        policy = self.policy_for(exchange)
        agent = None
        if context is not None and exchange.dialect is not None:
            dialect, scope = exchange.dialect, self.agent.scope_of(context)

            def agent(stats: StreamStats) -> StreamAgent:
                return StreamAgent(dialect, policy.tools, context, scope, stats)

        return StreamInspector(
            stream,
            self.scanner.scan_text,
            policy,
            holdback=holdback,
            block_message=lambda rule: f"llmwall blocked this response: policy rule {rule}",
            agent=agent,
        )

    def stream_verdict(
        self,
        exchange: Exchange,
        stats: StreamStats | None,
        *,
        status: int | None,
        rules: tuple[str, ...] = (),
        model: str | None = None,
        fail_open: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """The record of a streamed answer once it ended. `stats` is None for a stream
        passed through unscanned (no stream dialect, or fail-open)."""
        if stats is None:
            rules = ("stream_unscanned", *rules)
            record = self.recorder.record(
                exchange,
                "response",
                Decision.UNSCANNED,
                rules=rules,
                status=status,
                model=model,
                fail_open=fail_open,
                extra=extra,
            )
            return Verdict(Decision.UNSCANNED, record, rules, fail_open=fail_open)
        decision = stats.action
        if stats.truncated or stats.upstream_error or rules:
            decision = Decision.BLOCK if stats.action is Decision.BLOCK else Decision.ERROR
        stream = {
            "events": stats.events,
            "bytes_in": stats.bytes_in,
            "bytes_out": stats.bytes_out,
            "truncated": stats.truncated,
            "upstream_error": stats.upstream_error,
        }
        all_rules = (*stats.rules, *rules)
        if stats.agent:
            extra = {**(extra or {}), "agent": stats.agent}
        record = self.recorder.record(
            exchange,
            "response",
            decision,
            rules=all_rules,
            findings=stats.findings(),
            status=status,
            usage=stats.usage,
            model=model,
            fail_open=fail_open,
            extra={"stream": stream, **(extra or {})},
        )
        return Verdict(decision, record, all_rules, stats.findings(), fail_open=fail_open)
