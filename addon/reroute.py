"""Fallback and policy routing: the mitmproxy-facing half of `routing.routes`.

For a flow that a route covers (or that policy moves), llmwall calls the upstreams
itself, in order, after the request was scanned and its audit record committed:

    primary (the client's provider, with the client's credential)   -- unless policy moved it
      -> fallbacks[0], fallbacks[1], ...  (translated, with llmwall's own credential)

An attempt fails over on 429/500/502/503/504/529, a connect error or a connect/read
timeout before the first response byte; never on other statuses. A circuit that is open
is skipped. A non-stream answer becomes `flow.response` (translated into the client's
dialect, then scanned by the `response` hook as usual). A stream is parked in the loopback
relay and the flow pointed at it, so mitmproxy streams it natively; `chain` puts the
translation in front of the stream inspector, so the translated stream is scanned.

Requests that cannot move (server-side state, signed reasoning, file ids) and flows no
route covers are not touched: mitmproxy forwards them and the original error passes
through. Nothing here logs or audits body text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from mitmproxy import http

from llmwall.addon.pipeline import Decision, decide, scan_inputs
from llmwall.addon.policy import Action, Policy
from llmwall.addon.relay import Parked, Relay
from llmwall.errors import TranslationError
from llmwall.routing import jsonpath
from llmwall.routing.breaker import parse_retry_after
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.routes import Route, Target
from llmwall.routing.segment import Direction, Extraction
from llmwall.routing.translate import STREAM_CONTENT_TYPE, Translator, movable, translator

log = logging.getLogger("llmwall.reroute")
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per upstream call is noise

KEY = "llmwall.reroute"
TRIGGERS = frozenset({429, 500, 502, 503, 504, 529})
# 429s that mean "out of money", not "slow down": another provider is not the answer
_NOT_RETRYABLE = (
    b"insufficient_quota",
    b"enforced_spend_limit_reached",
    b"billing",
    b"spend_limit",
)
_DROP_REQUEST = {
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
_DROP_RESPONSE = {
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-encoding",
    "te",
    "trailer",
    "upgrade",
}
STREAM_TYPES = ("text/event-stream", "application/x-ndjson", "application/vnd.amazon.eventstream")
ERROR_BODY_LIMIT = 65536


@dataclass
class Attempt:
    name: str  # provider name
    key: str  # breaker key
    target: Target | None  # None: the primary
    translator: Translator | None = None
    model: str | None = None


@dataclass
class RerouteState:
    """Per flow: what policy chose, what was tried, and what the stream needs."""

    route: Route | None = None  # set by policy routing
    trigger: str | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    stream: Callable[[bytes], bytes] | None = None
    final_url: str | None = None

    def note(self, attempt: Attempt, outcome: str, started: float) -> None:
        self.attempts.append(
            {
                "provider": attempt.name,
                "outcome": outcome,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
        )
        if self.trigger is None and outcome not in ("ok", "untranslatable"):
            self.trigger = outcome


class Rerouter:
    def __init__(self, runtime: Any) -> None:
        self.rt = runtime
        self.relay = Relay()
        self._client: httpx.AsyncClient | None = None

    @property
    def routes(self) -> Any:
        return self.rt.routes

    @property
    def breaker(self) -> Any:
        return self.rt.breaker

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            ctx = (
                ssl.create_default_context(cafile=self.rt.upstream_ca)
                if self.rt.upstream_ca
                else ssl.create_default_context()
            )
            # trust_env=False: llmwall is the proxy; it must not route through HTTPS_PROXY.
            # TCP_NODELAY: httpcore writes headers and body separately; with Nagle on, the
            # body waits for a delayed ACK (~40 ms a request on loopback).
            transport = httpx.AsyncHTTPTransport(
                verify=ctx,
                trust_env=False,
                limits=httpx.Limits(max_keepalive_connections=32),
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            )
            self._client = httpx.AsyncClient(
                transport=transport, trust_env=False, follow_redirects=False
            )
        return self._client

    async def close(self) -> None:
        await self.relay.close()
        if self._client is not None:
            await self._client.aclose()

    # -- policy routing (called while the request is decided) ------------------------------

    async def policy_decision(
        self,
        flow: http.HTTPFlow,
        state: Any,
        body: Any,
        decision: Decision,
        redecide: Callable[[Policy], Awaitable[Decision]],
    ) -> Decision:
        policy = self.rt.policy.for_provider(state.match.provider.name)
        if not policy.reroute or not decision.findings:
            return decision
        chosen = policy.route_for(f.entity for f in decision.findings)
        if chosen is None:
            return decision
        name, key = chosen
        route = self.routes.get(name)
        reason = movable(state.dialect.name, body) if route is not None else "no_such_route"
        if reason is None and not any(
            translator(state.dialect.name, t.dialect) for t in route.fallbacks
        ):
            reason = "untranslatable"
        if reason is not None:
            # Policy keeps this data off the provider; if it cannot move, it cannot go.
            return Decision(
                Action.BLOCK, (*decision.rules, f"block:reroute:{name}:{reason}"), decision.findings
            )
        flow.metadata[KEY] = RerouteState(route=route, trigger=f"policy:{key}")
        state.extra["reroute"] = {"route": name, "trigger": f"policy:{key}"}
        new = await redecide(policy.exempt(name))
        return Decision(
            new.action, (*new.rules, f"reroute:{key}:{name}"), new.findings, new.replacements
        )

    # -- forwarding (called after the request's audit record is committed) -----------------

    async def forward(self, flow: http.HTTPFlow, state: Any) -> None:
        if state.blocked or flow.response is not None or state.fail_open or state.dialect is None:
            return
        rs: RerouteState | None = flow.metadata.get(KEY)
        host = flow.client_conn.sni or flow.request.pretty_host
        route = (
            rs.route
            if rs
            else self.routes.match(state.match.provider.name, host, flow.request.path, state.model)
        )
        if route is None:
            return
        raw = flow.request.raw_content or b""
        try:
            body = json.loads(flow.request.get_content(strict=True) or b"")
        except ValueError:
            return  # nothing to translate; mitmproxy forwards it (it was scanned)
        if rs is None:
            reason = movable(state.dialect.name, body)
            if reason is not None:
                state.extra["reroute"] = {"route": route.name, "not_movable": reason}
                return
            rs = RerouteState()
            flow.metadata[KEY] = rs
        plan = (
            []
            if rs.route
            else [
                Attempt(
                    state.match.provider.name,
                    f"{state.match.provider.name}@{flow.request.host}:{flow.request.port}",
                    None,
                )
            ]
        )
        for t in route.fallbacks:
            plan.append(
                Attempt(
                    t.provider.name,
                    t.key,
                    t,
                    translator(state.dialect.name, t.dialect),
                    t.model or state.model,
                )
            )
        if not any(a.translator for a in plan if a.target is not None):
            # Nowhere to go from this dialect: leave the flow to mitmproxy, untouched.
            state.extra["reroute"] = {"route": route.name, "not_movable": "untranslatable"}
            return
        try:
            await self._run(flow, state, rs, route, plan, body, raw)
        finally:
            summary = {
                "route": route.name,
                "from": state.match.provider.name,
                "trigger": rs.trigger,
                "attempts": rs.attempts,
                "to": next((a["provider"] for a in rs.attempts if a["outcome"] == "ok"), None),
            }
            state.extra["reroute"] = summary

    async def _run(
        self,
        flow: http.HTTPFlow,
        state: Any,
        rs: RerouteState,
        route: Route,
        plan: list[Attempt],
        body: dict[str, Any],
        raw: bytes,
    ) -> None:
        last: tuple[Attempt, httpx.Response, bytes] | None = None
        for att in plan:
            started = time.perf_counter()
            if not self.breaker.allow(att.key):
                rs.note(att, "circuit_open", started)
                continue
            try:
                request = await self._build(flow, state, rs, route, att, body, raw)
            except TranslationError:
                rs.note(att, "untranslatable", started)  # a limit of the target, not a failure
                continue
            connect = att.target.connect_timeout if att.target else route.connect_timeout
            read = att.target.read_timeout if att.target else route.read_timeout
            request.extensions["timeout"] = httpx.Timeout(read, connect=connect).as_dict()
            response: httpx.Response | None = None
            try:
                response = await self.client().send(request, stream=True)
                status = response.status_code
                if status in TRIGGERS:
                    err = await _read_limited(response)
                    if not (status == 429 and any(m in err for m in _NOT_RETRYABLE)):
                        self.breaker.failure(att.key, parse_retry_after({}, response.headers.get))
                        rs.note(att, f"status_{status}", started)
                        last = (att, response, err)
                        continue
                    self.breaker.success(att.key)  # reachable; this is an account matter
                    rs.note(att, "ok", started)
                    return self._deliver_buffered(flow, state, rs, att, response, err)
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                streamed = status == 200 and ctype in STREAM_TYPES
                if streamed:
                    iterator = response.aiter_raw()
                    try:
                        first = await iterator.__anext__()
                    except StopAsyncIteration:
                        first = b""
                else:
                    content = await response.aread()  # decoded; nothing reached the client yet
                    await response.aclose()
            except httpx.ConnectTimeout:
                await self._failed(att, rs, "connect_timeout", started, response)
                continue
            except httpx.TimeoutException:
                await self._failed(att, rs, "read_timeout", started, response)
                continue
            except httpx.TransportError as exc:
                outcome = (
                    "connect_error" if isinstance(exc, httpx.ConnectError) else "network_error"
                )
                await self._failed(att, rs, outcome, started, response)
                continue
            self.breaker.success(att.key)
            rs.note(att, "ok", started)
            if streamed:
                await self._deliver_stream(flow, state, rs, att, response, first, iterator)
            else:
                self._deliver_buffered(flow, state, rs, att, response, content)
            return
        self._deliver_failure(flow, state, rs, route, last)

    async def _failed(
        self,
        att: Attempt,
        rs: RerouteState,
        outcome: str,
        started: float,
        response: httpx.Response | None,
    ) -> None:
        self.breaker.failure(att.key)
        rs.note(att, outcome, started)
        if response is not None:
            await response.aclose()

    async def _build(
        self,
        flow: http.HTTPFlow,
        state: Any,
        rs: RerouteState,
        route: Route,
        att: Attempt,
        body: dict[str, Any],
        raw: bytes,
    ) -> httpx.Request:
        if att.target is None:  # the primary: exactly what the client sent (after redaction)
            headers = [
                (k, v)
                for k, v in flow.request.headers.items(multi=True)
                if k.lower() not in _DROP_REQUEST
            ]
            return self.client().build_request(
                flow.request.method, flow.request.url, headers=headers, content=raw
            )
        if att.translator is None:
            raise TranslationError("no translation")
        target = att.target
        out = att.translator.request(body, att.model, max_tokens=target.max_tokens)
        out = await self._rescan(target.dialect, out, rs)
        data = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()
        # Fresh headers: nothing of the client's request, its credential least of all.
        return self.client().build_request(
            "POST", target.url(att.model, state.stream), headers=target.headers(), content=data
        )

    async def _rescan(
        self, dialect_name: str, body: dict[str, Any], rs: RerouteState
    ) -> dict[str, Any]:
        """The translated request is scanned under the same policy as the original (with
        the policy route's findings allowed): redactions apply, a block skips the target."""
        dialect = get_dialect(dialect_name)
        assert dialect is not None
        extraction: Extraction = dialect.extract_request(body)
        items = scan_inputs(extraction)
        scans = (
            await asyncio.to_thread(self.rt.detector.scan_batch, items)
            if sum(len(text) for text, *_ in items) > 64_000
            else self.rt.detector.scan_batch(items)
        )
        policy = self.rt.policy.exempt(rs.route.name) if rs.route else self.rt.policy
        decision = decide(extraction, scans, policy, Direction.REQUEST)
        if decision.action is Action.BLOCK:
            raise TranslationError("translated request blocked by policy")
        if decision.action is Action.REDACT:
            body = jsonpath.set_many(body, decision.replacements)
        return body

    # -- delivery --------------------------------------------------------------------------

    def _deliver_buffered(
        self,
        flow: http.HTTPFlow,
        state: Any,
        rs: RerouteState,
        att: Attempt,
        response: httpx.Response,
        content: bytes,
    ) -> None:
        status = response.status_code
        headers = [
            (k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROP_RESPONSE
        ]
        if att.target is not None and att.translator is not None and not att.translator.identity:
            if status < 400:
                try:
                    content = json.dumps(
                        att.translator.response(json.loads(content), att.model), ensure_ascii=False
                    ).encode()
                except (ValueError, TranslationError):
                    shape = state.dialect.error(
                        502,
                        "llmwall could not translate the fallback's answer",
                        "llmwall_translation_failed",
                    )  # type: ignore[union-attr]
                    status, content = shape.status, json.dumps(shape.body).encode()
            else:
                shape = att.translator.error(status, content)
                status, content = shape.status, json.dumps(shape.body).encode()
            headers = [("content-type", "application/json")]
        flow.response = http.Response.make(status, content, _headers(headers))
        flow.response.headers["x-llmwall-route"] = att.name
        self._final(flow, rs, att, state)

    async def _deliver_stream(
        self,
        flow: http.HTTPFlow,
        state: Any,
        rs: RerouteState,
        att: Attempt,
        response: httpx.Response,
        first: bytes,
        iterator: Any,
    ) -> None:
        headers = [
            (k, v) for k, v in response.headers.multi_items() if k.lower() not in _HOP_STREAM
        ]
        if att.translator is not None and not att.translator.identity:
            rs.stream = att.translator.stream(
                json.loads(flow.request.get_content() or b"{}"), att.model
            )
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            headers.append(
                ("content-type", STREAM_CONTENT_TYPE.get(state.dialect.name, "text/event-stream"))
            )
        headers.append(("x-llmwall-route", att.name))
        token = await self.relay.park(Parked(200, headers, first, iterator, response.aclose))
        self._final(flow, rs, att, state)
        flow.request.scheme = "http"
        flow.request.host = "127.0.0.1"
        flow.request.port = self.relay.port
        flow.request.path = f"/relay/{token}"
        flow.request.headers = http.Headers(
            host=f"127.0.0.1:{self.relay.port}", accept_encoding="identity"
        )
        flow.request.content = b""

    def _deliver_failure(
        self,
        flow: http.HTTPFlow,
        state: Any,
        rs: RerouteState,
        route: Route,
        last: tuple[Attempt, httpx.Response, bytes] | None,
    ) -> None:
        """Every attempt failed: the last upstream error (translated if it came from a
        fallback), or a 503 in the client's dialect when no upstream answered at all."""
        if last is not None:
            self._deliver_buffered(flow, state, rs, last[0], last[1], last[2])
            return
        shape = state.dialect.error(
            503,
            f"llmwall: no upstream of route {route.name} is available",
            "llmwall_upstream_unavailable",
        )
        flow.response = http.Response.make(
            shape.status, json.dumps(shape.body).encode(), {"content-type": "application/json"}
        )

    def _final(self, flow: http.HTTPFlow, rs: RerouteState, att: Attempt, state: Any) -> None:
        if att.target is not None:
            rs.final_url = att.target.url(att.model, state.stream)

    # -- response side (called from responseheaders) -----------------------------------------

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        """Point the flow back at the upstream that answered (for the audit record)."""
        rs: RerouteState | None = flow.metadata.get(KEY)
        if (
            rs is not None
            and rs.final_url
            and flow.request.host == "127.0.0.1"
            and flow.request.path.startswith("/relay/")
        ):
            flow.request.url = rs.final_url

    def chain(
        self, flow: http.HTTPFlow, decoder: Callable[[bytes], bytes] | None
    ) -> Callable[[bytes], bytes] | None:
        """Put the stream translation between content decoding and the stream inspector."""
        rs: RerouteState | None = flow.metadata.get(KEY)
        translate = rs.stream if rs is not None else None
        if translate is None:
            return decoder

        def chained(chunk: bytes) -> bytes:
            if chunk:
                data = decoder(chunk) if decoder else chunk
                return translate(data) if data else b""
            tail = decoder(b"") if decoder else b""
            return (translate(tail) if tail else b"") + translate(b"")

        return chained


_HOP_STREAM = {
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
}


def _headers(pairs: list[tuple[str, str]]) -> http.Headers:
    return http.Headers([(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs])


async def _read_limited(response: httpx.Response) -> bytes:
    out = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            out += chunk
            if len(out) > ERROR_BODY_LIMIT:
                break
    finally:
        await response.aclose()
    return bytes(out[:ERROR_BODY_LIMIT])
