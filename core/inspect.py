"""The one decision path: an Exchange and a body in, a Verdict (with its audit record) out.

Read it top to bottom to follow a request:

    read_request(exchange, content)      decode the body by content type (routing.body), let
                                         the dialect (or the generic extractor) extract
                                         segments; add the query and headers
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from llmwall.core.agent import TOOL_BLOCKED, Agent, AgentContext
from llmwall.core.agent_stream import StreamAgent
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
from llmwall.decision import REWRITING, Decision
from llmwall.detectors.finding import Finding
from llmwall.errors import InspectionError
from llmwall.routing import body as body_codec
from llmwall.routing import envelope, jsonpath, media
from llmwall.routing.body import Body
from llmwall.routing.body.lines import JSONL_TYPES
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import Dialect, StreamDialect
from llmwall.routing.dialects.generic import GENERIC, NDJSON_STREAM, SSE_STREAM
from llmwall.routing.envelope import Envelope
from llmwall.routing.providers import provider_named
from llmwall.routing.routes import Route, RouteTable
from llmwall.routing.segment import Direction, Extraction, Path, Role, Segment, Trust


@dataclass(frozen=True)
class RequestReading:
    """A request as its dialect reads it: `body` is the decoded tree (the JSON parse
    for JSON bodies), `decoded` its codec (None for a bodiless request), `envelope` the
    query, path and headers that were scanned with it."""

    body: Any
    extraction: Extraction
    model: str | None
    stream: bool
    decoded: Body | None = None
    envelope: Envelope | None = None

    def encode(
        self, rewrites: Mapping[Path, str]
    ) -> tuple[bytes | None, str | None, tuple[tuple[int, str, str], ...]]:
        """(the body to send or None if unchanged, the new URL path or None, header
        rewrites) with `rewrites` written back where each came from."""
        if not rewrites:
            return None, None, ()
        body, env = envelope.split(rewrites)
        url, headers = self.envelope.apply(env) if self.envelope and env else (None, ())
        if not body:
            return None, url, headers
        if self.decoded is None:
            return rewritten(self.body, body), url, headers
        return self.decoded.apply(body), url, headers


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
        agent: Agent | None = None,
    ) -> None:
        self.policies = policy if isinstance(policy, PolicySet) else PolicySet(policy)
        self.scanner = scanner
        self.routes = routes or RouteTable()
        # tool-call policy, taint, pins, pseudonyms, prompt leaks (llmwall.core.agent)
        self.agent = agent if agent is not None else Agent()
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
            agent=self.agent,
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
        headers: Sequence[tuple[str, str]] = (),
    ) -> Verdict:
        """The whole request path for the proxy. Raises InspectionError (content-free)
        for a body it cannot read; the caller turns that into `failure`. `route` sends
        the request along that route instead of to its provider (the front door's
        `<provider>/<model>`). `headers` are the request's (name, value) pairs: the
        content type picks the body codec, and non-credential, non-standard headers are
        scanned like the body."""
        reading = self.read_request(exchange, content, query, headers)
        if reading is None:
            return self.decide_request(exchange, content, None, ())
        scans = await self.scanner.ascan(reading.extraction, conversation=True)
        return self.decide_request(exchange, content, reading, scans, signed=signed, route=route)

    def reader(self, exchange: Exchange) -> Dialect | None:
        """The dialect that reads this exchange: its endpoint's, else (a path on an LLM
        host no dialect knows) the generic extractor, unless the policy says
        `unknown_endpoint: allow|block`."""
        if exchange.dialect:
            return get_dialect(exchange.dialect)
        if self.policy_for(exchange).unknown_endpoint == "scan":
            return GENERIC
        return None

    def stream_dialect(self, exchange: Exchange, content_type: str) -> StreamDialect | None:
        """How to read a streamed answer: the endpoint dialect's stream, else the
        generic stream (SSE or NDJSON by content type); None: not read (unknown_endpoint
        allow or block)."""
        dialect = self.reader(exchange)
        if dialect is None:
            return None
        if dialect.stream is not None and dialect is not GENERIC:
            return dialect.stream
        ndjson = media.media_type(content_type) in JSONL_TYPES
        return NDJSON_STREAM if ndjson else SSE_STREAM

    def read_request(
        self,
        exchange: Exchange,
        content: bytes,
        query: str,
        headers: Sequence[tuple[str, str]] = (),
    ) -> RequestReading | None:
        """None when nothing is read: no body and nothing in the envelope, or no dialect
        (unknown_endpoint allow or block)."""
        dialect = self.reader(exchange)
        if dialect is None:
            return None
        env = Envelope.read(
            exchange.path,
            query,
            headers,
            auth_headers=_auth_headers(exchange.provider),
            scan_path=not content or exchange.dialect is None,
        )
        if not content:
            if not env.segments:
                return None
            return RequestReading(None, Extraction(tuple(env.segments)), None, False, None, env)
        decoded = body_codec.decode(content, _content_type(headers), raw=dialect.raw_bodies)
        extraction = dialect.read_request(decoded)
        if env.segments:
            extraction = replace(extraction, segments=(*extraction.segments, *env.segments))
        tree = decoded.tree
        return RequestReading(
            tree,
            extraction,
            dialect.model(tree, exchange.path),
            dialect.wants_stream(tree, exchange.path, query),
            decoded,
            env,
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
        pseudonyms = self.agent.pseudonymizer(exchange, policy)
        judged = judge(reading.extraction, scans, policy, Direction.REQUEST, pseudonyms)
        if reading.decoded is None and not judged.rules:
            judged = replace(judged, rules=("no_body",))  # only the envelope was read
        extra: dict[str, Any] = {}
        judged, context, agent = self.agent.review_request(
            exchange, exchange.dialect, reading.body, reading.extraction, scans, policy, judged
        )
        if agent:
            extra["agent"] = agent
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
        if judged.decision in REWRITING and signed:
            return self._signed(exchange, content, reading, judged, policy, unmovable)
        decision = Decision.REROUTE if plan is not None and not plan.primary else judged.decision
        body, url, header_rewrites = reading.encode(judged.rewrites)
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
            content=body,
            url=url,
            headers=header_rewrites,
            plan=plan,
            unmovable=unmovable,
            model=reading.model,
            stream=reading.stream,
            context=context,
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
        """No body (and nothing in the envelope), or a path on an LLM host that no
        dialect knows under `unknown_endpoint: allow|block`."""
        if not content and (exchange.dialect is not None or policy.unknown_endpoint == "scan"):
            record = self.recorder.record(exchange, "request", Decision.ALLOW, rules=("no_body",))
            return Verdict(Decision.ALLOW, record, ("no_body",))
        if policy.unknown_endpoint == "block":
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


def _content_type(headers: Sequence[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return ""


def _auth_headers(provider: str) -> tuple[str, ...]:
    found = provider_named(provider)
    return found.auth_headers if found is not None else ()


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
