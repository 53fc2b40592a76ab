"""Carrying out a route plan: llmwall calls the upstreams itself, in order.

The core decided the plan (`llmwall.core.route_plan`); this module does the I/O, after
the request was scanned and its audit record committed:

    primary (the client's provider, with the client's credential)   -- fallback routes only
      -> fallbacks[0], fallbacks[1], ...  (translated, with llmwall's own credential)

An attempt fails over on 429/500/502/503/504/529, a connect error or a connect/read
timeout before the first response byte; never on other statuses. A circuit that is open
is skipped. A non-stream answer becomes `flow.response` (translated into the client's
dialect, then scanned by the `response` hook as usual). A stream is parked in the loopback
relay and the flow pointed at it, so mitmproxy streams it natively; `chain` puts the
translation in front of the stream inspector, so the translated stream is scanned.

Each translated request is re-scanned by the core (`Inspector.inspect_translated`)
before it leaves. Nothing here logs or audits body text.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from mitmproxy import http

from llmwall.addon.flow_state import FlowState, RouteRun
from llmwall.addon.http_headers import HOP_BY_HOP, NOT_FORWARDED, NOT_RELAYED_DECODED
from llmwall.addon.relay import Parked, Relay
from llmwall.addon.verdicts import http_response
from llmwall.core.inspect import Inspector
from llmwall.core.refusal import refusal
from llmwall.core.route_plan import RoutePlan
from llmwall.decision import Decision
from llmwall.errors import TranslationError
from llmwall.routing import jsonpath
from llmwall.routing.breaker import Breaker, parse_retry_after
from llmwall.routing.framing import SSE, STREAM_CONTENT_TYPES
from llmwall.routing.routes import Target
from llmwall.routing.translate import STREAM_CONTENT_TYPE, Translator

log = logging.getLogger("llmwall.fallback")
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per upstream call is noise

TRIGGERS = frozenset({429, 500, 502, 503, 504, 529})
# 429s that mean "out of money", not "slow down": another provider is not the answer
_NOT_RETRYABLE = (
    b"insufficient_quota",
    b"enforced_spend_limit_reached",
    b"billing",
    b"spend_limit",
)
ERROR_BODY_LIMIT = 65536


@dataclass(frozen=True)
class _Try:
    """One attempt of a run: the primary (target None) or a fallback."""

    provider: str
    key: str  # the breaker's name for the upstream
    target: Target | None
    translator: Translator | None = None
    model: str | None = None


class Fallback:
    """`transport` replaces the network (tests pass an `httpx.MockTransport`)."""

    def __init__(
        self,
        inspector: Inspector,
        breaker: Breaker,
        upstream_ca: str | None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.inspector = inspector
        self.breaker = breaker
        self.upstream_ca = upstream_ca
        self.relay = Relay()
        self._client: httpx.AsyncClient | None = None
        if transport is not None:
            self._client = httpx.AsyncClient(transport=transport, follow_redirects=False)

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            ctx = (
                ssl.create_default_context(cafile=self.upstream_ca)
                if self.upstream_ca
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

    # -- a run -----------------------------------------------------------------------

    async def run(self, flow: http.HTTPFlow, state: FlowState, plan: RoutePlan) -> None:
        """Send the (scanned, redacted) request along `plan`; on return the flow has an
        answer (a response, or a pointer at the relay for a stream)."""
        try:
            body = json.loads(flow.request.get_content(strict=True) or b"")
        except ValueError:
            return  # nothing to translate; mitmproxy forwards it (it was scanned)
        provider = state.exchange.provider
        tries = [_Try(provider, f"{provider}@{flow.request.host}:{flow.request.port}", None)]
        if not plan.primary:
            tries = []
        tries += [
            _Try(a.provider, a.target.key, a.target, a.translator, a.model) for a in plan.fallbacks
        ]
        run = state.run = RouteRun(trigger=plan.trigger)
        try:
            await self._attempts(flow, state, run, plan, tries, body)
        finally:
            state.reroute = run.summary(plan.route.name, provider)

    async def _attempts(
        self,
        flow: http.HTTPFlow,
        state: FlowState,
        run: RouteRun,
        plan: RoutePlan,
        tries: list[_Try],
        body: dict[str, Any],
    ) -> None:
        last: tuple[_Try, httpx.Response, bytes] | None = None
        for att in tries:
            started = time.perf_counter()
            if not self.breaker.allow(att.key):
                _note(run, att, "circuit_open", started)
                continue
            try:
                request = await self._build(flow, state, plan, att, body)
            except TranslationError:
                _note(run, att, "untranslatable", started)  # a limit of the target, not a failure
                continue
            connect = att.target.connect_timeout if att.target else plan.route.connect_timeout
            read = att.target.read_timeout if att.target else plan.route.read_timeout
            request.extensions["timeout"] = httpx.Timeout(read, connect=connect).as_dict()
            response: httpx.Response | None = None
            try:
                response = await self.client().send(request, stream=True)
                status = response.status_code
                if status in TRIGGERS:
                    err = await _read_limited(response)
                    if not (status == 429 and any(m in err for m in _NOT_RETRYABLE)):
                        self.breaker.failure(att.key, parse_retry_after({}, response.headers.get))
                        _note(run, att, f"status_{status}", started)
                        last = (att, response, err)
                        continue
                    self.breaker.success(att.key)  # reachable; this is an account matter
                    _note(run, att, "ok", started)
                    return self._deliver_buffered(flow, state, run, att, response, err)
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                streamed = status == 200 and ctype in STREAM_CONTENT_TYPES
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
                await self._failed(att, run, "connect_timeout", started, response)
                continue
            except httpx.TimeoutException:
                await self._failed(att, run, "read_timeout", started, response)
                continue
            except httpx.TransportError as exc:
                outcome = (
                    "connect_error" if isinstance(exc, httpx.ConnectError) else "network_error"
                )
                await self._failed(att, run, outcome, started, response)
                continue
            self.breaker.success(att.key)
            _note(run, att, "ok", started)
            if streamed:
                await self._deliver_stream(flow, state, run, att, response, first, iterator)
            else:
                self._deliver_buffered(flow, state, run, att, response, content)
            return
        self._deliver_failure(flow, state, run, plan, last)

    async def _failed(
        self,
        att: _Try,
        run: RouteRun,
        outcome: str,
        started: float,
        response: httpx.Response | None,
    ) -> None:
        self.breaker.failure(att.key)
        _note(run, att, outcome, started)
        if response is not None:
            await response.aclose()

    async def _build(
        self,
        flow: http.HTTPFlow,
        state: FlowState,
        plan: RoutePlan,
        att: _Try,
        body: dict[str, Any],
    ) -> httpx.Request:
        if att.target is None:  # the primary: exactly what the client sent (after redaction)
            headers = [
                (k, v)
                for k, v in flow.request.headers.items(multi=True)
                if k.lower() not in NOT_FORWARDED
            ]
            return self.client().build_request(
                flow.request.method,
                flow.request.url,
                headers=headers,
                content=flow.request.raw_content or b"",
            )
        if att.translator is None:
            raise TranslationError("no translation")
        target = att.target
        out = att.translator.request(body, att.model, max_tokens=target.max_tokens)
        judged = await self.inspector.inspect_translated(state.exchange, target.dialect, out, plan)
        if judged.decision is Decision.BLOCK:
            raise TranslationError("translated request blocked by policy")
        if judged.rewrites:
            out = jsonpath.set_many(out, judged.rewrites)
        data = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()
        # Fresh headers: nothing of the client's request, its credential least of all.
        return self.client().build_request(
            "POST", target.url(att.model, state.stream), headers=target.headers(), content=data
        )

    # -- delivery --------------------------------------------------------------------

    def _deliver_buffered(
        self,
        flow: http.HTTPFlow,
        state: FlowState,
        run: RouteRun,
        att: _Try,
        response: httpx.Response,
        content: bytes,
    ) -> None:
        status = response.status_code
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in NOT_RELAYED_DECODED
        ]
        if att.target is not None and att.translator is not None and not att.translator.identity:
            if status < 400:
                try:
                    content = json.dumps(
                        att.translator.response(json.loads(content), att.model), ensure_ascii=False
                    ).encode()
                except (ValueError, TranslationError):
                    shape = refusal(
                        state.exchange.dialect,
                        502,
                        "llmwall could not translate the fallback's answer",
                        "llmwall_translation_failed",
                        state.exchange.request_id,
                        Decision.ERROR,
                    )
                    status, content = shape.status, json.dumps(shape.body).encode()
            else:
                shape = att.translator.error(status, content)
                status, content = shape.status, json.dumps(shape.body).encode()
            headers = [("content-type", "application/json")]
        flow.response = http.Response.make(status, content, _headers(headers))
        flow.response.headers["x-llmwall-route"] = att.provider
        self._final(run, att, state)

    async def _deliver_stream(
        self,
        flow: http.HTTPFlow,
        state: FlowState,
        run: RouteRun,
        att: _Try,
        response: httpx.Response,
        first: bytes,
        iterator: AsyncIterator[bytes],
    ) -> None:
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in HOP_BY_HOP]
        if att.translator is not None and not att.translator.identity:
            run.translate = att.translator.stream(
                json.loads(flow.request.get_content() or b"{}"), att.model
            )
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            client = state.exchange.dialect or ""
            headers.append(("content-type", STREAM_CONTENT_TYPE.get(client, SSE)))
        headers.append(("x-llmwall-route", att.provider))
        token = await self.relay.park(Parked(200, headers, first, iterator, response.aclose))
        self._final(run, att, state)
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
        state: FlowState,
        run: RouteRun,
        plan: RoutePlan,
        last: tuple[_Try, httpx.Response, bytes] | None,
    ) -> None:
        """Every attempt failed: the last upstream error (translated if it came from a
        fallback), or a 503 in the client's dialect when no upstream answered at all."""
        if last is not None:
            self._deliver_buffered(flow, state, run, last[0], last[1], last[2])
            return
        shape = refusal(
            state.exchange.dialect,
            503,
            f"llmwall: no upstream of route {plan.route.name} is available",
            "llmwall_upstream_unavailable",
            state.exchange.request_id,
            Decision.ERROR,
        )
        flow.response = http_response(shape)

    @staticmethod
    def _final(run: RouteRun, att: _Try, state: FlowState) -> None:
        if att.target is not None:
            run.final_url = att.target.url(att.model, state.stream)

    # -- response side (called from responseheaders) -----------------------------------

    @staticmethod
    def restore_url(flow: http.HTTPFlow, state: FlowState) -> None:
        """Point a relayed flow back at the upstream that answered (for the records)."""
        run = state.run
        if (
            run is not None
            and run.final_url
            and flow.request.host == "127.0.0.1"
            and flow.request.path.startswith("/relay/")
        ):
            flow.request.url = run.final_url

    @staticmethod
    def chain(
        state: FlowState, decoder: Callable[[bytes], bytes] | None
    ) -> Callable[[bytes], bytes] | None:
        """Put the stream translation between content decoding and the stream inspector."""
        translate = state.run.translate if state.run is not None else None
        if translate is None:
            return decoder

        def chained(chunk: bytes) -> bytes:
            if chunk:
                data = decoder(chunk) if decoder else chunk
                return translate(data) if data else b""
            tail = decoder(b"") if decoder else b""
            return (translate(tail) if tail else b"") + translate(b"")

        return chained


def _note(run: RouteRun, att: _Try, outcome: str, started: float) -> None:
    run.attempts.append(
        {
            "provider": att.provider,
            "outcome": outcome,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    )
    if run.trigger is None and outcome not in ("ok", "untranslatable"):
        run.trigger = outcome


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
