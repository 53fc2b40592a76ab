"""The answer side of the one decision path: a non-streamed answer, the stream
inspector for a streamed one, and the record of a stream once it ended.

A part of `llmwall.core.inspect.Inspector` (which it is mixed into): the answer of a
request is judged by the same policy, detectors and records as the request, plus the
agent checks that need the request's context (tool calls, taint, pseudonyms, prompt
leaks; `llmwall.core.agent`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from llmwall.core.agent import TOOL_BLOCKED, Agent, AgentContext
from llmwall.core.agent_stream import StreamAgent
from llmwall.core.exchange import Exchange
from llmwall.core.judge import Judgement, judge
from llmwall.core.policy import Policy
from llmwall.core.records import Recorder
from llmwall.core.refusal import refusal
from llmwall.core.scanner import Scanner
from llmwall.core.stream_inspector import StreamInspector, StreamStats
from llmwall.core.upload_seams import UploadSeams, upload_key
from llmwall.core.verdict import Verdict
from llmwall.decision import Decision
from llmwall.errors import InspectionError
from llmwall.routing import body as body_codec
from llmwall.routing import envelope
from llmwall.routing.body import Body
from llmwall.routing.dialects.base import Dialect, StreamDialect
from llmwall.routing.dialects.generic import GENERIC
from llmwall.routing.segment import Direction, Extraction


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
        headers: Sequence[tuple[str, str]] = (),
    ) -> Verdict:
        """A non-streamed answer; `read` gives its decoded body (called only when the
        body is scanned: decoding may raise InspectionError), `content_type` picks its
        codec. An error status's body (4xx/5xx) is not in the dialect's answer shape and
        may echo the request (an invalid key, the user's address): it is read by the
        generic extractor, every string, and a body that does not decode as its label
        says is read as text. Everything after a fail-open request passes unscanned, as
        do the answers of an unknown endpoint under `unknown_endpoint: allow` (recorded
        as unscanned).
        `context` is the request Verdict's: its taint, placeholders and prompt shingles
        (llmwall.core.agent). `headers` are the answer's (name, value) pairs: those
        that are not standard are judged with the body (`envelope.read_answer_headers`)
        and the Verdict's `headers` says which to rewrite."""
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
        content = b"" if dialect is None else read()
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
        head = envelope.read_answer_headers(headers) if dialect is not None else Extraction()
        if dialect is None or not (content or head.segments):
            record = self.recorder.record(
                exchange, "response", Decision.ALLOW, status=status, model=model, extra=extra
            )
            return Verdict(Decision.ALLOW, record, model=model)
        failed = status >= 400
        decoded: Body | None = None
        body: Any = None
        extraction = Extraction()
        if content:
            decoded = (
                _error_body(content, content_type)
                if failed
                else body_codec.decode(content, content_type)
            )
            body = decoded.tree
            extraction = (GENERIC if failed else dialect).read_response(decoded)
            part = dialect.upload_part_id(exchange.path, body) if status < 300 else None
            if part is not None:  # the id of an upload part: where its seams are checked
                key = upload_key(exchange.user, exchange.host, part[0])
                self.uploads.part_answered(key, exchange.request_id, part[1])
        extraction = with_headers(extraction, head)
        scans = await self.scanner.ascan(extraction)
        policy = self.policy_for(exchange)
        judged = judge(extraction, scans, policy, Direction.RESPONSE)
        rewrites = judged.rewrites
        review = None
        if not failed:
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
            usage=None if failed or body is None else dialect.usage(body),
            model=model,
            extra=extra,
        )
        body_rewrites, head_rewrites = envelope.split(rewrites) if refused is None else ({}, {})
        return Verdict(
            judged.decision,
            record,
            judged.rules,
            judged.findings,
            rewrites=rewrites,
            content=(
                decoded.apply({**body_rewrites, **dialect.derived(body, body_rewrites)})
                if body_rewrites and decoded
                else None
            ),
            refusal=refused,
            model=model,
            headers=envelope.header_rewrites(headers, head_rewrites) if head_rewrites else (),
        )

    def answer_headers(
        self, exchange: Exchange, headers: Sequence[tuple[str, str]]
    ) -> tuple[Judgement, tuple[tuple[int, str, str], ...]] | None:
        """A streamed answer's headers, judged before its first event is read (they are
        sent before the body): the judgement and the (index, name, new value) header
        rewrites; None when no header may carry text."""
        head = envelope.read_answer_headers(headers)
        if not head.segments:
            return None
        judged = judge(head, self.scanner.scan(head), self.policy_for(exchange), Direction.RESPONSE)
        rewrites = envelope.header_rewrites(headers, judged.rewrites) if judged.rewrites else ()
        return judged, rewrites

    def stream_inspector(
        self,
        exchange: Exchange,
        stream: StreamDialect,
        holdback: int,
        context: AgentContext | None = None,
        *,
        headers: Judgement | None = None,
    ) -> StreamInspector:
        """The inspector of a streamed answer; `headers` is its headers' judgement
        (`answer_headers`), counted in the stream's record."""
        policy = self.policy_for(exchange)
        agent = None
        if context is not None and exchange.dialect is not None:
            dialect, scope = exchange.dialect, self.agent.scope_of(context)

            def agent(stats: StreamStats) -> StreamAgent:
                return StreamAgent(dialect, policy.tools, context, scope, stats)

        inspector = StreamInspector(
            stream,
            self.scanner.scan_text,
            policy,
            holdback=holdback,
            block_message=lambda rule: f"llmwall blocked this response: policy rule {rule}",
            agent=agent,
        )
        if headers is not None:
            inspector.account(headers)
        return inspector

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


def _error_body(content: bytes, content_type: str) -> Body:
    """An error answer's body by its label, else as text (an upstream's HTML page or
    broken JSON under a JSON label is still read, never passed unread)."""
    try:
        return body_codec.decode(content, content_type)
    except InspectionError:
        return body_codec.decode(content, "text/plain; charset=utf-8")


def with_headers(extraction: Extraction, head: Extraction) -> Extraction:
    """The body's extraction with the header segments after it (join indexes hold)."""
    if not head.segments:
        return extraction
    return Extraction(
        extraction.segments + head.segments,
        extraction.unknown,
        extraction.binary,
        extraction.opaque,
        extraction.joins,
    )
