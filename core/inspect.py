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

and then its answer (`inspect_response`, `stream_verdict` for streams: llmwall.core.answers),
the fallback's re-scan of a translated request (`inspect_translated`), a failure at a hook
boundary (`failure`: llmwall.core.refusals) and a bare text (`inspect_text`, for `llmwall
scan` and `llmwall eval`). Nothing here
imports mitmproxy or touches the network: the proxy adapter (`llmwall.addon`) converts
flows to these inputs and applies the Verdict.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from llmwall.core.agent import Agent
from llmwall.core.answers import AnswerSide
from llmwall.core.credential_slots import planted_in_credentials
from llmwall.core.exchange import Exchange
from llmwall.core.judge import Judgement, judge
from llmwall.core.policy import Policy
from llmwall.core.policy_set import PolicySet
from llmwall.core.records import Digest, Recorder
from llmwall.core.refusals import Refusals
from llmwall.core.route_plan import RoutePlan, fallback_plan, fallbacks, unmovable_reason
from llmwall.core.scanner import Scanner, Scans
from llmwall.core.upload_seams import UploadSeams, upload_key
from llmwall.core.verdict import Verdict
from llmwall.decision import REWRITING, Decision
from llmwall.detectors.finding import Finding
from llmwall.errors import InspectionError
from llmwall.routing import body as body_codec
from llmwall.routing import envelope, jsonpath, media
from llmwall.routing.body import Body
from llmwall.routing.body.lines import JSONL_TYPES
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import Dialect, StreamDialect, UploadPiece
from llmwall.routing.dialects.generic import GENERIC, NDJSON_STREAM, SSE_STREAM
from llmwall.routing.envelope import Envelope, key_slot_values
from llmwall.routing.providers import provider_named
from llmwall.routing.routes import Route, RouteTable
from llmwall.routing.segment import ENVELOPE, Direction, Extraction, Path, Role, Segment, Trust


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


class Inspector(AnswerSide, Refusals):
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
        uploads: UploadSeams | None = None,
    ) -> None:
        self.policies = policy if isinstance(policy, PolicySet) else PolicySet(policy)
        # the edges of upload pieces, for the seams between them (core.upload_seams)
        self.uploads = uploads if uploads is not None else UploadSeams()
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
            uploads=self.uploads,
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
        planted = planted_in_credentials(self.scanner, key_slot_values(query, headers))
        if planted:  # an e-mail or an AWS key where only an API key goes: not sent unread
            return self._refuse(
                exchange,
                403,
                "llmwall blocked this request: an API key slot holds something that is no key",
                "llmwall_policy_block",
                tuple(f"block:{entity}:credential" for entity in planted),
            )
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
        piece = dialect.upload_piece(exchange.path, query, headers, decoded, content)
        if piece is not None:
            extraction = self._with_seams(exchange, piece, extraction)
        tree = decoded.tree
        return RequestReading(
            tree,
            extraction,
            dialect.model(tree, exchange.path),
            dialect.wants_stream(tree, exchange.path, query),
            decoded,
            env,
        )

    def _with_seams(self, exchange: Exchange, piece: UploadPiece, ex: Extraction) -> Extraction:
        """The extraction plus the seams between this upload piece and its neighbours,
        read-only (`upload_part` / `upload_chunk`: a finding there that needs
        redaction blocks)."""
        key = upload_key(exchange.user, exchange.host, piece.upload)
        if piece.kind == "part":
            self.uploads.part(key, exchange.request_id, piece.content)
            return ex
        if piece.kind == "chunk":
            seams, locked = self.uploads.chunk(key, piece.offset, piece.content), "upload_chunk"
        else:
            seams, locked = self.uploads.complete(key, list(piece.part_ids)), "upload_part"
        added = tuple(
            Segment(text, Role.USER, Trust.USER, (ENVELOPE, "seam", k), False, locked=locked)
            for k, text in enumerate(seams.texts)
        )
        opaque = ("upload_seam_unseen",) if seams.missing else ()
        return replace(ex, segments=(*ex.segments, *added), opaque=(*ex.opaque, *opaque))

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


__all__ = ["Inspector", "RequestReading", "parse_json", "rewritten"]
