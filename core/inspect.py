"""The one decision path: an Exchange and a body in, a Verdict (with its audit record) out.

Read it top to bottom to follow a request:

    read_request(exchange, content)      parse the body, let the dialect extract segments
    scanner.ascan(extraction)            the detectors, off the event loop when slow
    decide_request(...)                  policy -> allow | redact | block | reroute | unscanned
        judge(...)                       every finding against the policy (llmwall.core.judge)
        _policy_route(...)               findings that send the request elsewhere
        _signed(...)                     a signed body that would need redaction
        _fallback(...)                   the route that covers this request, if any
    -> Verdict(decision, rewrites, refusal, plan, record)

and a response (`inspect_response`, `stream_verdict` for streams), the fallback's re-scan
of a translated request (`inspect_translated`), a failure at a hook boundary (`failure`)
and a bare text (`inspect_text`, for `llmwall scan` and `llmwall eval`). Nothing here
imports mitmproxy or touches the network: the proxy adapter (`llmwall.addon`) converts
flows to these inputs and applies the Verdict.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from llmwall.core.exchange import Exchange
from llmwall.core.judge import Judgement, judge
from llmwall.core.policy import Policy
from llmwall.core.policy_set import PolicySet
from llmwall.core.records import Digest, Recorder
from llmwall.core.refusal import refusal
from llmwall.core.route_plan import RoutePlan, fallback_plan, fallbacks, unmovable_reason
from llmwall.core.scanner import Scanner, Scans
from llmwall.core.stream_inspector import StreamInspector, StreamStats
from llmwall.core.verdict import Verdict
from llmwall.decision import Decision
from llmwall.detectors.finding import Finding
from llmwall.errors import InspectionError
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import StreamDialect
from llmwall.routing.routes import Route, RouteTable
from llmwall.routing.segment import Direction, Extraction, Path, Role, Segment, Trust


@dataclass(frozen=True)
class RequestReading:
    """A request body as its dialect reads it."""

    body: Any
    extraction: Extraction
    model: str | None
    stream: bool


class Inspector:
    """`policy` is one Policy, or a PolicySet that chooses one per identity."""

    def __init__(
        self,
        policy: Policy | PolicySet,
        scanner: Scanner,
        routes: RouteTable | None = None,
        *,
        digest: Digest | None = None,
        clock: Callable[[], float] | None = None,
        worker: int | None = None,
    ) -> None:
        self.policies = policy if isinstance(policy, PolicySet) else PolicySet(policy)
        self.scanner = scanner
        self.routes = routes or RouteTable()
        self.recorder = Recorder(
            lambda exchange: self.policy_for(exchange).digest,
            scanner.version,
            digest,
            clock or time.perf_counter,
            worker,
        )

    @property
    def policy(self) -> Policy:
        """The base policy (the config's `policy`)."""
        return self.policies.base

    def with_policy(self, policy: Policy | PolicySet) -> Inspector:
        """This inspector deciding by another policy (same detectors, routes, digest)."""
        return Inspector(
            policy,
            self.scanner,
            self.routes,
            digest=self.recorder.digest,
            clock=self.recorder.clock,
            worker=self.recorder.worker,
        )

    def policy_for(self, exchange: Exchange) -> Policy:
        """The policy that decides this exchange: its identity's (`policies:`), with the
        provider's `per_provider` overrides, if any."""
        return self.policies.for_user(exchange.user).for_provider(exchange.provider)

    # -- requests --------------------------------------------------------------------

    async def inspect_request(
        self,
        exchange: Exchange,
        content: bytes,
        query: str = "",
        *,
        signed: bool = False,
        route: Route | None = None,
    ) -> Verdict:
        """The whole request path for the proxy. Raises InspectionError (content-free)
        for a body it cannot read; the caller turns that into `failure`. `route` sends
        the request along that route instead of to its provider (the front door's
        `<provider>/<model>`)."""
        reading = self.read_request(exchange, content, query)
        if reading is None:
            return self.decide_request(exchange, content, None, ())
        scans = await self.scanner.ascan(reading.extraction)
        return self.decide_request(exchange, content, reading, scans, signed=signed, route=route)

    def read_request(self, exchange: Exchange, content: bytes, query: str) -> RequestReading | None:
        """None when there is nothing a dialect reads (no body, or no dialect)."""
        dialect = get_dialect(exchange.dialect) if exchange.dialect else None
        if dialect is None or not content:
            return None
        body = parse_json(content, "request")
        return RequestReading(
            body,
            dialect.extract_request(body),
            dialect.model(body, exchange.path),
            dialect.wants_stream(body, exchange.path, query),
        )

    def decide_request(
        self,
        exchange: Exchange,
        content: bytes,
        reading: RequestReading | None,
        scans: Scans | tuple[()],
        *,
        signed: bool = False,
        route: Route | None = None,
    ) -> Verdict:
        policy = self.policy_for(exchange)
        if reading is None:
            return self._unread_request(exchange, policy, content)
        judged = judge(reading.extraction, scans, policy, Direction.REQUEST)
        extra: dict[str, Any] = {}
        plan: RoutePlan | None = None
        if route is not None:
            judged, plan = self._asked_route(exchange, reading, judged, route)
        if plan is None and policy.reroute and judged.findings and exchange.dialect is not None:
            judged, plan = self._policy_route(exchange, reading, scans, policy, judged)
            if plan is not None:
                extra["reroute"] = {"route": plan.route.name, "trigger": plan.trigger}
        if judged.decision is Decision.BLOCK:
            message = f"llmwall blocked this request: {judged.reason}"
            return self._block(exchange, judged, message, model=reading.model, extra=extra)
        unmovable = None
        if plan is None:
            covered = self._fallback(exchange, reading)
            plan = covered if isinstance(covered, RoutePlan) else None
            unmovable = covered if isinstance(covered, tuple) else None
        if judged.decision is Decision.REDACT and signed:
            return self._signed(exchange, content, reading, judged, policy, unmovable)
        decision = Decision.REROUTE if plan is not None and not plan.primary else judged.decision
        record = self.recorder.record(
            exchange,
            "request",
            decision,
            rules=judged.rules,
            findings=judged.findings,
            body=content,
            model=reading.model,
            extra=extra,
        )
        return Verdict(
            decision,
            record,
            judged.rules,
            judged.findings,
            rewrites=judged.rewrites,
            content=rewritten(reading.body, judged.rewrites),
            plan=plan,
            unmovable=unmovable,
            model=reading.model,
            stream=reading.stream,
        )

    def _fallback(
        self, exchange: Exchange, reading: RequestReading
    ) -> RoutePlan | tuple[str, str] | None:
        """The fallback route that covers this request (see `fallback_plan`)."""
        if exchange.dialect is None or not self.routes:
            return None
        return fallback_plan(
            self.routes,
            exchange.provider,
            exchange.host,
            exchange.path,
            reading.model,
            exchange.dialect,
            reading.body,
        )

    def _unread_request(self, exchange: Exchange, policy: Policy, content: bytes) -> Verdict:
        """No body, or a path on an LLM host that no dialect reads."""
        if not content:
            record = self.recorder.record(exchange, "request", Decision.ALLOW, rules=("no_body",))
            return Verdict(Decision.ALLOW, record, ("no_body",))
        if policy.unknown_endpoint is Decision.BLOCK:
            rules = ("block:unknown_endpoint",)
            return self._refuse(
                exchange,
                403,
                "llmwall blocks unknown_endpoint by policy",
                "llmwall_policy_block",
                rules,
            )
        record = self.recorder.record(
            exchange, "request", Decision.UNSCANNED, rules=("unknown_endpoint",)
        )
        return Verdict(Decision.UNSCANNED, record, ("unknown_endpoint",))

    def _policy_route(
        self,
        exchange: Exchange,
        reading: RequestReading,
        scans: Scans | tuple[()],
        policy: Policy,
        judged: Judgement,
    ) -> tuple[Judgement, RoutePlan | None]:
        """Findings that a policy `reroute:` entry sends to a route. The request then
        goes there (never to its provider) with those findings allowed; if it cannot
        move, it cannot go anywhere: blocked."""
        chosen = policy.route_for(f.entity for f in judged.findings)
        if chosen is None:
            return judged, None
        name, key = chosen
        route = self.routes.get(name)
        dialect = exchange.dialect or ""
        reason = unmovable_reason(route, dialect, reading.body) if route else "no_such_route"
        if route is None or reason is not None:
            rules = (*judged.rules, f"block:reroute:{name}:{reason}")
            return Judgement(Decision.BLOCK, rules, judged.findings), None
        moved = judge(reading.extraction, scans, policy.exempt(name), Direction.REQUEST)
        rules = (*moved.rules, f"reroute:{key}:{name}")
        plan = RoutePlan(route, fallbacks(route, dialect, reading.model), f"policy:{key}")
        return Judgement(
            moved.decision, rules, moved.findings, moved.redactions, moved.rewrites
        ), plan

    def _asked_route(
        self, exchange: Exchange, reading: RequestReading, judged: Judgement, route: Route
    ) -> tuple[Judgement, RoutePlan | None]:
        """The client asked for a route (the front door's `<provider>/<model>`): the
        request goes there or nowhere."""
        dialect = exchange.dialect or ""
        reason = unmovable_reason(route, dialect, reading.body)
        if reason is not None:
            rules = (*judged.rules, f"block:route:{route.name}:{reason}")
            return Judgement(Decision.BLOCK, rules, judged.findings), None
        plan = RoutePlan(route, fallbacks(route, dialect, reading.model), route.name)
        return judged, plan

    def _signed(
        self,
        exchange: Exchange,
        content: bytes,
        reading: RequestReading,
        judged: Judgement,
        policy: Policy,
        unmovable: tuple[str, str] | None,
    ) -> Verdict:
        """A SigV4-signed body cannot be changed: the policy chooses block or allow."""
        rule = f"{policy.signed_requests.value}:signed_request"
        if policy.signed_requests is Decision.BLOCK:
            message = f"llmwall blocked this signed request: it needs redaction ({judged.reason})"
            blocked = Judgement(Decision.BLOCK, (rule,), judged.findings)
            return self._block(exchange, blocked, message, model=reading.model)
        rules = (*judged.rules, rule)
        record = self.recorder.record(
            exchange,
            "request",
            Decision.ALLOW,
            rules=rules,
            findings=judged.findings,
            body=content,
            model=reading.model,
            extra={"signed_unredacted": True},
        )
        return Verdict(
            Decision.ALLOW,
            record,
            rules,
            judged.findings,
            unmovable=unmovable,
            model=reading.model,
            stream=reading.stream,
        )

    # -- the fallback's translated request -------------------------------------------

    async def inspect_translated(
        self, exchange: Exchange, dialect: str, body: dict[str, Any], plan: RoutePlan
    ) -> Judgement:
        """A request translated for a fallback target is scanned under the same policy
        (a policy route's findings allowed): its redactions apply, a block skips that
        target. No record: the request's own record stands for it."""
        target = get_dialect(dialect)
        if target is None:
            raise InspectionError(f"no dialect {dialect}")
        extraction = target.extract_request(body)
        scans = await self.scanner.ascan(extraction)
        base = self.policies.for_user(exchange.user)
        policy = base.exempt(plan.route.name) if not plan.primary else base
        return judge(extraction, scans, policy, Direction.REQUEST)

    # -- responses -------------------------------------------------------------------

    async def inspect_response(
        self,
        exchange: Exchange,
        status: int,
        read: Callable[[], bytes],
        *,
        model: str | None = None,
        fail_open: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> Verdict:
        """A non-streamed answer; `read` gives its decoded body (called only when the
        body is scanned: decoding may raise InspectionError). Error statuses pass
        unscanned (they are the provider's own messages about the request); so does
        everything after a fail-open request."""
        dialect = get_dialect(exchange.dialect) if exchange.dialect else None
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
        if dialect is None or not content:
            record = self.recorder.record(
                exchange, "response", Decision.ALLOW, status=status, model=model, extra=extra
            )
            return Verdict(Decision.ALLOW, record, model=model)
        body = parse_json(content, "response")
        extraction = dialect.extract_response(body)
        scans = await self.scanner.ascan(extraction)
        judged = judge(extraction, scans, self.policy_for(exchange), Direction.RESPONSE)
        refused = None
        if judged.decision is Decision.BLOCK:
            refused = refusal(
                exchange.dialect,
                403,
                f"llmwall blocked this response: {judged.reason}",
                "llmwall_policy_block",
                exchange.request_id,
            )
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
            rewrites=judged.rewrites,
            content=rewritten(body, judged.rewrites),
            refusal=refused,
            model=model,
        )

    def stream_inspector(
        self, exchange: Exchange, stream: StreamDialect, holdback: int
    ) -> StreamInspector:
        return StreamInspector(
            stream,
            self.scanner.scan_text,
            self.policy_for(exchange),
            holdback=holdback,
            block_message=lambda rule: f"llmwall blocked this response: policy rule {rule}",
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

    # -- failures at a hook boundary -------------------------------------------------

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
    ) -> Verdict:
        """The upstream failed (connection reset, a broken body): nothing to decide."""
        rules = ("upstream_error",)
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

    def route_failure(self, exchange: Exchange, *, model: str | None = None) -> Verdict:
        return self._refuse(
            exchange,
            502,
            "llmwall could not route this request; blocked (fail closed)",
            "llmwall_route_failed",
            ("fail_closed",),
            model=model,
        )

    # -- a bare text (llmwall scan, llmwall eval) ------------------------------------

    def inspect_text(
        self, text: str, *, indirect: bool = False, system: bool = False
    ) -> tuple[Verdict, tuple[Finding, ...]]:
        """`text` as the user's message (or a tool result with `indirect`, or the app's
        system prompt with `system`), decided as the proxy decides a request (a bare
        text has no wire format, so policy routes do not apply: its findings keep
        their actions)."""
        trust = Trust.EXTERNAL if indirect else Trust.SYSTEM if system else Trust.USER
        role = Role.SYSTEM if system else Role.USER
        extraction = Extraction((Segment(text, role, trust, ("text",)),))
        scans = self.scanner.scan(extraction)
        reading = RequestReading({"text": text}, extraction, None, False)
        exchange = Exchange(request_id="", provider="", dialect=None)
        return self.decide_request(exchange, text.encode(), reading, scans), scans[0]

    # -- helpers ---------------------------------------------------------------------

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


def rewritten(body: Any, rewrites: Mapping[Path, str]) -> bytes | None:
    """The JSON body with the redactions written in at their paths (None: unchanged).
    `body` is the parse of this request's own content, so it is changed in place."""
    if not rewrites:
        return None
    return json.dumps(jsonpath.set_many(body, rewrites), ensure_ascii=False).encode()


def parse_json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise InspectionError(f"{what} body is not UTF-8 JSON") from None
    except (ValueError, RecursionError):
        raise InspectionError(f"{what} body is not valid JSON") from None


def content_free_reason(exc: BaseException) -> str:
    """Only llmwall's own errors carry a message, and it is content-free by construction."""
    return str(exc) if isinstance(exc, InspectionError) else type(exc).__name__
