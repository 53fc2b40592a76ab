"""The mitmproxy addon: hooks that turn a flow into core inputs and apply the Verdict.

    requestheaders   identify the endpoint (routing), start the FlowState
    request          core.inspect_request -> Verdict; apply it; commit its record;
                     carry out its route plan, if any (llmwall.addon.fallback)
    responseheaders  a stream? hand it to the core's stream inspector
    response         core.inspect_response (or the stream's verdict); apply; commit
    error            the record of a flow that failed upstream

Every hook catches at its boundary: mitmproxy forwards a flow unchanged when a hook
raises, so an exception here would let a request through unscanned. Instead the core
turns it into a block (fail closed) or, with `fail_mode: open`, a visible pass.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable

from mitmproxy import http, tls

from llmwall.addon.answers import request_id_for
from llmwall.addon.decoding import stream_decoder
from llmwall.addon.error_answers import TIMEOUT
from llmwall.addon.fallback import Fallback
from llmwall.addon.flow_state import KEY, FlowState
from llmwall.addon.runtime import Runtime
from llmwall.addon.verdicts import http_response
from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.refusal import refusal
from llmwall.core.refusals import content_free_reason
from llmwall.core.stream_inspector import StreamInspector
from llmwall.core.verdict import Verdict
from llmwall.decision import Decision
from llmwall.errors import InspectionError
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.framing import STREAM_CONTENT_TYPES
from llmwall.routing.signing import is_signed

log = logging.getLogger("llmwall")

CHECKPOINT_TICK_S = 5.0  # how often a time-due audit checkpoint is signed on a quiet proxy


class Firewall:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.core = runtime.inspector
        self.fallback = Fallback(runtime.inspector, runtime.breaker, runtime.upstream_ca)
        self._ticker: asyncio.Task[None] | None = None

    def use(self, inspector: Inspector) -> None:
        """Decide by another inspector from the next request on (a policy reload)."""
        self.core = inspector
        self.fallback.inspector = inspector

    # -- connection level: intercept only LLM hosts ------------------------------------

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        try:
            host = data.client_hello.sni
            if not host and data.context.server.address:
                host = data.context.server.address[0]
            if not host or not (
                self.rt.table.is_llm_host(host) or self.rt.config.mcp.intercepts(host)
            ):
                data.ignore_connection = True
        except Exception:  # deciding nothing means intercepting: the safe side
            log.exception("tls_clienthello failed; intercepting the connection")

    # -- requests ----------------------------------------------------------------------

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None:  # answered before us (admin, front door, a guard)
            return
        try:
            match = self.rt.table.identify(flow.request.pretty_host, flow.request.path)
            if match is None:
                return
            dialect = match.endpoint.dialect if match.endpoint else None
            exchange = Exchange(
                request_id=request_id_for(flow.request),
                provider=match.provider.name,
                dialect=dialect,
                host=flow.request.pretty_host,
                path=flow.request.path.split("?", 1)[0],
                client=_peer(flow),
                user=_user(flow),
                started=time.perf_counter(),
            )
            state = FlowState(exchange, get_dialect(dialect) if dialect else None)
            flow.metadata[KEY] = state
            # Streams must reach the inspector undecoded by nothing but us.
            flow.request.headers["accept-encoding"] = "identity"
            state.spent += time.perf_counter() - exchange.started
        except Exception as exc:
            # No Exchange yet, so no record: the answer still carries a request id.
            reason = content_free_reason(exc)
            log.error("requestheaders failed: %s", reason)
            if not self.rt.config.fail_open:
                status = 400 if isinstance(exc, InspectionError) else 403
                message = (
                    f"llmwall could not inspect this request ({reason}); blocked (fail closed)"
                )
                shape = refusal(
                    None, status, message, "llmwall_inspection_failed", uuid.uuid4().hex
                )
                flow.response = http_response(shape)

    async def request(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None or flow.response is not None:  # not ours, or answered already
            return
        started = time.perf_counter()
        if self.rt.siem is not None and not self.rt.siem.admits():
            # siem on_full: block, and a sink's backlog is full: nothing more until it drains
            self._apply_request(flow, state, self.core.siem_backlog_full(state.exchange))
            await self._commit(flow, state)
            return
        try:
            content = _content(flow.request)
            query = flow.request.path.partition("?")[2]
            verdict = await self.core.inspect_request(
                state.exchange,
                content,
                query,
                signed=is_signed(flow.request.headers),
                route=state.asked_route,
                headers=tuple(flow.request.headers.items(multi=True)),
            )
        except Exception as exc:
            log.error(
                "request inspection failed for %s: %s",
                state.exchange.request_id,
                content_free_reason(exc),
            )
            verdict = self.core.failure(
                state.exchange, "request", exc, fail_open=self.rt.config.fail_open
            )
        self._apply_request(flow, state, verdict)
        await self._commit(flow, state)
        state.spent += time.perf_counter() - started  # the upstream's time is not ours
        if state.answered or state.fail_open or state.plan is None:
            return
        try:
            await self.fallback.run(flow, state, state.plan)
        except Exception as exc:
            log.error(
                "routing failed for %s: %s", state.exchange.request_id, content_free_reason(exc)
            )
            if not self.rt.config.fail_open:
                self._apply_request(flow, state, self.core.route_failure(state.exchange))
                await self._commit(flow, state)

    def _apply_request(self, flow: http.HTTPFlow, state: FlowState, verdict: Verdict) -> None:
        state.model, state.stream = verdict.model or state.model, verdict.stream or state.stream
        state.fail_open = state.fail_open or verdict.fail_open
        state.context = verdict.context or state.context
        if verdict.plan is not None:
            state.plan = verdict.plan
        if verdict.unmovable is not None:
            route, reason = verdict.unmovable
            state.reroute = {"route": route, "not_movable": reason}
        self._append(state, verdict)
        if verdict.refusal is not None:
            # The record is committed before the client sees the block.
            state.answered = True
            flow.response = http_response(verdict.refusal)
            return
        if verdict.content is not None:
            flow.request.content = verdict.content
        _rewrite_envelope(flow.request, verdict)
        self._to_upstream(flow, state)

    def _to_upstream(self, flow: http.HTTPFlow, state: FlowState) -> None:
        """A provider's configured `upstream` replaces its public host."""
        upstream = self.rt.upstreams.get(state.exchange.provider)
        if upstream is None:
            return
        flow.request.scheme = upstream.scheme
        flow.request.host = upstream.host
        flow.request.port = upstream.port
        if upstream.prefix:
            flow.request.path = upstream.prefix + flow.request.path

    # -- responses ---------------------------------------------------------------------

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None or state.answered or flow.response is None:
            return
        try:
            response = flow.response
            if state.fail_open:
                response.headers["x-llmwall-scan"] = "skipped"
            response.headers["x-llmwall-request-id"] = state.exchange.request_id
            self.fallback.restore_url(flow, state)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            # Gemini without alt=sse streams a JSON array labelled application/json.
            streamed_json = (
                state.stream and ctype == "application/json" and response.status_code == 200
            )
            if ctype not in STREAM_CONTENT_TYPES and not streamed_json:
                return
            stream = self.core.stream_dialect(state.exchange, ctype)
            if stream is None or state.fail_open:
                response.stream = True
                state.stream_unscanned = True
                return
            heads = self.core.answer_headers(
                state.exchange, tuple(response.headers.items(multi=True))
            )
            if heads is not None and heads[0].decision is Decision.BLOCK:
                return  # read whole and refused by the response hook
            if heads is not None:
                _rewrite_headers(response, heads[1])
            inspector = self.core.stream_inspector(
                state.exchange,
                stream,
                self.rt.holdback,
                state.context,
                headers=heads[0] if heads is not None else None,
            )
            state.inspector = inspector
            limits = self.rt.config.limits
            decoder: Decoder | None = stream_decoder(
                response.headers.get("content-encoding", ""), limits.max_stream, limits.max_ratio
            )
            response.headers.pop("content-encoding", None)
            decoder = self.fallback.chain(state, decoder)  # a fallback's stream, translated
            response.headers.pop("content-length", None)
            if not flow.request.is_http2:
                # HTTP/1 clients get chunked framing whatever the upstream spoke (an
                # HTTP/2 upstream sends no transfer-encoding, and the length changes)
                response.headers["transfer-encoding"] = "chunked"
            response.stream = _safe_stream(inspector, decoder, state, self.rt.config.fail_open)
        except Exception as exc:
            log.error(
                "responseheaders failed for %s: %s",
                state.exchange.request_id,
                content_free_reason(exc),
            )
            if not self.rt.config.fail_open:
                shape = refusal(
                    state.exchange.dialect,
                    502,
                    "llmwall could not inspect the response stream",
                    "llmwall_inspection_failed",
                    state.exchange.request_id,
                )
                flow.response = http_response(shape)

    async def response(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None or state.answered or flow.response is None:
            return
        started = time.perf_counter()
        response = flow.response
        try:
            if state.inspector is not None or state.stream_unscanned:
                verdict = self._stream_verdict(state, response.status_code)
            else:
                verdict = await self.core.inspect_response(
                    state.exchange,
                    response.status_code,
                    lambda: _content(response),
                    model=state.model,
                    fail_open=state.fail_open,
                    extra=state.extra,
                    content_type=response.headers.get("content-type", ""),
                    context=state.context,
                    headers=tuple(response.headers.items(multi=True)),
                )
        except Exception as exc:
            log.error(
                "response inspection failed for %s: %s",
                state.exchange.request_id,
                content_free_reason(exc),
            )
            fail_open = self.rt.config.fail_open
            verdict = self.core.failure(
                state.exchange,
                "response",
                exc,
                fail_open=fail_open,
                status=response.status_code,
                model=state.model,
                extra=state.extra,
            )
            if fail_open:
                response.headers["x-llmwall-scan"] = "skipped"
        self._append(state, verdict)
        if verdict.refusal is not None:
            flow.response = http_response(verdict.refusal)
        else:
            if verdict.content is not None:
                response.content = verdict.content
            _rewrite_headers(response, verdict.headers)
        await self._commit(flow, state)
        state.spent += time.perf_counter() - started

    def _stream_verdict(
        self, state: FlowState, status: int | None, rules: tuple[str, ...] = ()
    ) -> Verdict:
        return self.core.stream_verdict(
            state.exchange,
            state.inspector.stats if state.inspector is not None else None,
            status=status,
            rules=rules,
            model=state.model,
            fail_open=state.fail_open,
            extra=state.extra,
        )

    async def error(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None or state.answered:
            return
        try:
            timeout = flow.metadata.get(TIMEOUT)
            rules = ("upstream_error", *((f"timeout:{timeout}",) if timeout else ()))
            status = flow.response.status_code if flow.response is not None else None
            if state.inspector is not None:
                verdict = self._stream_verdict(state, status, rules)
            else:
                verdict = self.core.upstream_error(
                    state.exchange, status=status, model=state.model, extra=state.extra, rules=rules
                )
            self._append(state, verdict)
            # committed before mitmproxy sends the error's answer (llmwall.addon.error_answers)
            pending, state.pending = state.pending, []
            await asyncio.gather(*(asyncio.wrap_future(f) for f in pending), return_exceptions=True)
        except Exception:
            log.exception("audit of a failed flow failed")

    # -- audit -------------------------------------------------------------------------

    def _append(self, state: FlowState, verdict: Verdict) -> None:
        state.records.append(verdict.record)
        state.pending.append(self.rt.audit.submit(verdict.record))

    async def _commit(self, flow: http.HTTPFlow, state: FlowState) -> None:
        """Wait until this flow's audit records are committed. A decision that cannot be
        recorded is not carried out: the flow is blocked (fail closed)."""
        pending, state.pending = state.pending, []
        try:
            for fut in pending:
                await asyncio.wrap_future(fut)
        except Exception as exc:
            log.error(
                "audit append failed for %s: %s", state.exchange.request_id, type(exc).__name__
            )
            if not self.rt.config.fail_open:
                state.answered = True
                shape = refusal(
                    state.exchange.dialect,
                    403,
                    "llmwall could not record this decision (audit unavailable); blocked",
                    "llmwall_audit_failed",
                    state.exchange.request_id,
                )
                flow.response = http_response(shape)

    async def running(self) -> None:
        self._ticker = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_TICK_S)
            self.rt.audit.tick()

    def done(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()


# -- flow helpers ----------------------------------------------------------------------


def _peer(flow: http.HTTPFlow) -> str:
    peer = flow.client_conn.peername
    return f"{peer[0]}:{peer[1]}" if peer else ""


def _user(flow: http.HTTPFlow) -> str | None:
    auth = flow.metadata.get("proxyauth")
    return auth[0] if isinstance(auth, tuple) and auth else None


def _content(message: http.Message) -> bytes:
    try:
        if message.headers.get("content-encoding", "").strip().lower() == "x-gzip":
            # the old name of gzip (RFC 9110 8.4.1.3); mitmproxy knows only "gzip"
            message.headers["content-encoding"] = "gzip"
        return message.get_content(strict=True) or b""
    except ValueError:
        raise InspectionError("body has an unsupported or corrupt content-encoding") from None


def _rewrite_envelope(request: http.Request, verdict: Verdict) -> None:
    """The redacted URL query/path and header values of a Verdict, applied."""
    if verdict.url is not None:
        request.path = verdict.url
    _rewrite_headers(request, verdict.headers)


def _rewrite_headers(message: http.Message, rewrites: tuple[tuple[int, str, str], ...]) -> None:
    """(index, name, new value) header rewrites of a Verdict, applied in place."""
    if rewrites:
        fields = list(message.headers.fields)
        for index, name, value in rewrites:
            fields[index] = (name.encode("latin-1", "replace"), value.encode("utf-8"))
        message.headers.fields = tuple(fields)


Decoder = Callable[[bytes], bytes]


def _safe_stream(
    inspector: StreamInspector, decoder: Decoder | None, state: FlowState, fail_open: bool
) -> Callable[[bytes], list[bytes]]:
    """The stream callable. It returns a list: mitmproxy sends a returned b"" as an
    empty HTTP/1 chunk, which would end the client's body early. Exceptions inside
    would crash mitmproxy's connection handler, so they end the stream with the
    dialect's error event (or, fail-open, pass the bytes on, marked)."""
    broken = False

    def stream(chunk: bytes) -> list[bytes]:
        started = time.perf_counter()
        try:
            return inspect(chunk)
        finally:
            state.spent += time.perf_counter() - started

    def inspect(chunk: bytes) -> list[bytes]:
        nonlocal broken
        if broken:
            return [chunk] if fail_open and chunk else []
        try:
            if decoder is None:
                out = inspector(chunk)
            elif chunk:
                data = decoder(chunk)
                out = inspector(data) if data else b""
            else:
                tail = decoder(b"")
                out = (inspector(tail) if tail else b"") + inspector(b"")
        except Exception as exc:
            broken = True
            log.error(
                "stream inspection failed for %s: %s",
                state.exchange.request_id,
                content_free_reason(exc),
            )
            if fail_open:
                state.fail_open = True
                return [chunk] if chunk else []
            inspector.done = True
            out = inspector.dialect.error_event(
                "llmwall could not inspect the response stream", "llmwall_inspection_failed"
            )
        return [out] if out else []

    return stream
