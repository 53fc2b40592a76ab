"""The mitmproxy addon: a thin adapter between flows and llmwall's pure functions.

Every hook catches at its boundary: mitmproxy forwards a flow unchanged when a hook
raises, so an exception here would let a request through unscanned. Instead the flow is
blocked (fail closed) or, with `fail_mode: open`, passed and marked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
import zlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from mitmproxy import http, tls

from llmwall.addon.pipeline import Decision, decide, scan_inputs
from llmwall.addon.policy import Action, Policy
from llmwall.addon.reroute import Rerouter
from llmwall.addon.runtime import Runtime
from llmwall.addon.stream_inspector import StreamInspector
from llmwall.audit.record import AuditRecord
from llmwall.errors import InspectionError
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import Dialect, ErrorShape
from llmwall.routing.providers import Match
from llmwall.routing.segment import Direction, Extraction
from llmwall.routing.signing import is_signed

log = logging.getLogger("llmwall")

STREAM_TYPES = ("text/event-stream", "application/x-ndjson", "application/vnd.amazon.eventstream")
OFFLOAD_CHARS = 64_000  # scan bodies larger than this in a worker thread
METADATA_KEY = "llmwall"
CHECKPOINT_TICK_S = 5.0  # how often a time-due audit checkpoint is signed on a quiet proxy


@dataclass
class FlowState:
    request_id: str
    match: Match
    dialect: Dialect | None
    started: float
    client: str
    model: str | None = None
    stream: bool = False
    blocked: bool = False
    fail_open: bool = False
    inspector: StreamInspector | None = None
    request_action: str = "allow"
    extra: dict[str, Any] = field(default_factory=dict)
    pending: list[Future[int]] = field(default_factory=list)  # audit appends in flight


class Firewall:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.reroute = Rerouter(runtime)  # fallback and policy routing (addon/reroute.py)

    # -- connection level: intercept only LLM hosts ------------------------------------

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        try:
            host = data.client_hello.sni
            if not host and data.context.server.address:
                host = data.context.server.address[0]
            if not host or not self.rt.table.is_llm_host(host):
                data.ignore_connection = True
        except Exception:  # deciding nothing means intercepting: the safe side
            log.exception("tls_clienthello failed; intercepting the connection")

    # -- requests ------------------------------------------------------------------------

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        try:
            match = self.rt.table.identify(flow.request.pretty_host, flow.request.path)
            if match is None:
                return
            endpoint = match.endpoint
            state = FlowState(
                request_id=uuid.uuid4().hex,
                match=match,
                dialect=get_dialect(endpoint.dialect) if endpoint else None,
                started=time.perf_counter(),
                client=_peer(flow),
            )
            flow.metadata[METADATA_KEY] = state
            # Streams must reach the inspector undecoded by nothing but us.
            flow.request.headers["accept-encoding"] = "identity"
        except Exception as exc:
            self._fail_request(flow, None, exc)

    async def request(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        if (
            state is None or flow.response is not None
        ):  # already answered (blocked in requestheaders)
            return
        try:
            await self._inspect_request(flow, state)
        except Exception as exc:
            self._fail_request(flow, state, exc)
        await self._committed(flow, state)
        try:
            await self.reroute.forward(flow, state)
        except Exception as exc:
            log.error("routing failed for %s: %s", state.request_id, _reason(exc))
            if not self.rt.config.fail_open:
                self._block(
                    flow,
                    state,
                    502,
                    "llmwall could not route this request; blocked (fail closed)",
                    "llmwall_route_failed",
                    rules=("fail_closed",),
                )
                await self._committed(flow, state)

    def _policy(self, state: FlowState) -> Policy:
        """The policy for this flow's provider (its `per_provider` overrides, if any)."""
        return self.rt.policy.for_provider(state.match.provider.name)

    async def _inspect_request(self, flow: http.HTTPFlow, state: FlowState) -> None:
        policy = self._policy(state)
        dialect = state.dialect
        body_bytes = _content(flow.request)
        if dialect is None or not body_bytes:
            action = policy.unknown_endpoint if (dialect is None and body_bytes) else Action.ALLOW
            rule = "unknown_endpoint" if dialect is None and body_bytes else "no_body"
            if action is Action.BLOCK:
                return self._block(
                    flow,
                    state,
                    403,
                    f"llmwall blocks {rule} by policy",
                    "llmwall_policy_block",
                    rules=(f"block:{rule}",),
                )
            self._audit(
                state,
                "request",
                "unscanned" if rule == "unknown_endpoint" else "allow",
                flow,
                rules=(rule,),
            )
            self._route(flow, state)
            return
        body = _json(body_bytes, "request")
        state.model = dialect.model(body, flow.request.path)
        path, _, query = flow.request.path.partition("?")
        state.stream = dialect.wants_stream(body, path, query)
        extraction = dialect.extract_request(body)
        decision = await self._decide(extraction, Direction.REQUEST, policy)
        decision = await self.reroute.policy_decision(
            flow, state, body, decision, lambda p: self._decide(extraction, Direction.REQUEST, p)
        )
        state.request_action = decision.action.value
        if decision.action is Action.BLOCK:
            self._block(
                flow,
                state,
                403,
                f"llmwall blocked this request: {decision.reason}",
                "llmwall_policy_block",
                decision=decision,
            )
            return
        if decision.action is Action.REDACT and is_signed(flow.request.headers):
            # A signed body (SigV4) cannot be changed: the policy chooses block or allow.
            rule = f"{policy.signed_requests.value}:signed_request"
            if policy.signed_requests is Action.BLOCK:
                message = (
                    f"llmwall blocked this signed request: it needs redaction ({decision.reason})"
                )
                self._block(
                    flow,
                    state,
                    403,
                    message,
                    "llmwall_policy_block",
                    decision=decision,
                    rules=(rule,),
                )
                return
            state.extra["signed_unredacted"] = True
            self._audit(
                state,
                "request",
                "allow",
                flow,
                decision=decision,
                rules=(*decision.rules, rule),
                body=body_bytes,
                extra={"signed_unredacted": True},
            )
            self._route(flow, state)
            return
        if decision.action is Action.REDACT:
            body = jsonpath.set_many(body, decision.replacements)
            flow.request.content = json.dumps(body, ensure_ascii=False).encode()
        self._audit(
            state, "request", decision.action.value, flow, decision=decision, body=body_bytes
        )
        self._route(flow, state)

    async def _decide(
        self, extraction: Extraction, direction: Direction, policy: Policy
    ) -> Decision:
        items = scan_inputs(extraction)
        detector = self.rt.detector
        if detector.needs_offload or sum(len(text) for text, *_ in items) > OFFLOAD_CHARS:
            scans = await asyncio.to_thread(detector.scan_batch, items)
        else:
            scans = detector.scan_batch(items)
        return decide(extraction, scans, policy, direction)

    def _route(self, flow: http.HTTPFlow, state: FlowState) -> None:
        upstream = self.rt.upstreams.get(state.match.provider.name)
        if upstream is None:
            return
        flow.request.scheme = upstream.scheme
        flow.request.host = upstream.host
        flow.request.port = upstream.port
        if upstream.prefix:
            flow.request.path = upstream.prefix + flow.request.path

    # -- responses -----------------------------------------------------------------------

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        if state is None or state.blocked or flow.response is None:
            return
        try:
            response = flow.response
            if state.fail_open:
                response.headers["x-llmwall-scan"] = "skipped"
            response.headers["x-llmwall-request-id"] = state.request_id
            self.reroute.responseheaders(flow)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            # Gemini without alt=sse streams a JSON array labelled application/json.
            streamed_json = (
                state.stream and ctype == "application/json" and response.status_code == 200
            )
            if ctype not in STREAM_TYPES and not streamed_json:
                return
            stream = state.dialect.stream if state.dialect else None
            if stream is None or state.fail_open:
                response.stream = True
                state.extra["stream_unscanned"] = True
                return
            inspector = StreamInspector(
                stream,
                lambda text, indirect: self.rt.detector.scan(text, indirect=indirect),
                self._policy(state),
                holdback=self.rt.holdback,
                block_message=lambda rule: f"llmwall blocked this response: policy rule {rule}",
            )
            state.inspector = inspector
            decoder = _decoder(response.headers.get("content-encoding", ""))
            if decoder is not None:
                del response.headers["content-encoding"]
            decoder = self.reroute.chain(flow, decoder)  # a fallback's stream, translated
            response.headers.pop("content-length", None)
            if not flow.request.is_http2:
                # HTTP/1 clients get chunked framing whatever the upstream spoke (an
                # HTTP/2 upstream sends no transfer-encoding, and the length changes)
                response.headers["transfer-encoding"] = "chunked"
            response.stream = _safe_stream(inspector, decoder, state, self.rt.config.fail_open)
        except Exception as exc:
            log.error("responseheaders failed for %s: %s", state.request_id, type(exc).__name__)
            if not self.rt.config.fail_open:
                self._replace_response(
                    flow,
                    state,
                    502,
                    "llmwall could not inspect the response stream",
                    "llmwall_inspection_failed",
                )

    async def response(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        if state is None or state.blocked or flow.response is None:
            return
        try:
            if state.inspector is not None or state.extra.get("stream_unscanned"):
                self._audit_stream(flow, state)
            else:
                await self._inspect_response(flow, state)
            await self._committed(flow, state)
        except Exception as exc:
            log.error("response inspection failed for %s: %s", state.request_id, _reason(exc))
            if self.rt.config.fail_open:
                flow.response.headers["x-llmwall-scan"] = "skipped"
                self._audit(
                    state, "response", "unscanned", flow, rules=("fail_open",), fail_open=True
                )
            else:
                self._replace_response(
                    flow,
                    state,
                    502,
                    f"llmwall could not inspect the response: {_reason(exc)}",
                    "llmwall_inspection_failed",
                )
                self._audit(state, "response", "block", flow, rules=("fail_closed",))

    async def _inspect_response(self, flow: http.HTTPFlow, state: FlowState) -> None:
        response = flow.response
        assert response is not None
        dialect = state.dialect
        if dialect is None or response.status_code >= 400 or state.fail_open:
            decision = "unscanned" if state.fail_open else "allow"
            self._audit(state, "response", decision, flow, fail_open=state.fail_open)
            return
        raw = _content(response)
        if not raw:
            self._audit(state, "response", "allow", flow)
            return
        body = _json(raw, "response")
        extraction = dialect.extract_response(body)
        decision = await self._decide(extraction, Direction.RESPONSE, self._policy(state))
        if decision.action is Action.BLOCK:
            self._replace_response(
                flow,
                state,
                403,
                f"llmwall blocked this response: {decision.reason}",
                "llmwall_policy_block",
            )
        elif decision.action is Action.REDACT:
            body = jsonpath.set_many(body, decision.replacements)
            response.content = json.dumps(body, ensure_ascii=False).encode()
        self._audit(
            state,
            "response",
            decision.action.value,
            flow,
            decision=decision,
            body=raw,
            usage=dialect.usage(body),
        )

    def error(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(METADATA_KEY)
        if state is None or state.blocked:
            return
        try:
            rules = ("upstream_error",)
            if state.inspector is not None:
                self._audit_stream(flow, state, rules=rules)
            else:
                self._audit(state, "response", "error", flow, rules=rules)
        except Exception:
            log.exception("audit of a failed flow failed")

    # -- audit -------------------------------------------------------------------------

    async def _committed(self, flow: http.HTTPFlow, state: FlowState) -> None:
        """Wait until this flow's audit records are committed. A decision that cannot be
        recorded is not carried out: the flow is blocked (fail closed)."""
        pending, state.pending = state.pending, []
        try:
            for fut in pending:
                await asyncio.wrap_future(fut)
        except Exception as exc:
            log.error("audit append failed for %s: %s", state.request_id, type(exc).__name__)
            if not self.rt.config.fail_open:
                state.blocked = True
                flow.response = self._error_response(
                    state.dialect,
                    403,
                    "llmwall could not record this decision (audit unavailable); blocked",
                    "llmwall_audit_failed",
                    state.request_id,
                )

    async def running(self) -> None:
        self._ticker = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_TICK_S)
            self.rt.audit.tick()

    def done(self) -> None:
        ticker = getattr(self, "_ticker", None)
        if ticker is not None:
            ticker.cancel()

    # -- helpers -----------------------------------------------------------------------

    def _audit_stream(
        self, flow: http.HTTPFlow, state: FlowState, rules: tuple[str, ...] = ()
    ) -> None:
        ins = state.inspector
        if ins is None:
            self._audit(
                state,
                "response",
                "unscanned",
                flow,
                rules=("stream_unscanned", *rules),
                fail_open=state.fail_open,
            )
            return
        stats = ins.stats
        decision = stats.action.value
        if stats.truncated or stats.upstream_error or rules:
            decision = "block" if stats.action is Action.BLOCK else "error"
        extra = {
            "stream": {
                "events": stats.events,
                "bytes_in": stats.bytes_in,
                "bytes_out": stats.bytes_out,
                "truncated": stats.truncated,
                "upstream_error": stats.upstream_error,
            }
        }
        self._audit(
            state,
            "response",
            decision,
            flow,
            rules=(*stats.rules, *rules),
            findings=stats.findings(),
            usage=stats.usage,
            extra=extra,
        )

    def _block(
        self,
        flow: http.HTTPFlow,
        state: FlowState,
        status: int,
        message: str,
        code: str,
        *,
        decision: Decision | None = None,
        rules: tuple[str, ...] = (),
    ) -> None:
        # The record is committed before the client sees the block.
        state.blocked = True
        self._audit(state, "request", "block", flow, decision=decision, rules=rules, status=status)
        flow.response = self._error_response(state.dialect, status, message, code, state.request_id)

    def _replace_response(
        self, flow: http.HTTPFlow, state: FlowState, status: int, message: str, code: str
    ) -> None:
        flow.response = self._error_response(state.dialect, status, message, code, state.request_id)

    @staticmethod
    def _error_response(
        dialect: Dialect | None, status: int, message: str, code: str, request_id: str
    ) -> http.Response:
        shape = (
            dialect.error(status, message, code)
            if dialect
            else ErrorShape(
                status, {"error": {"message": message, "type": "llmwall_error", "code": code}}
            )
        )
        headers = {
            "content-type": "application/json",
            "x-should-retry": "false",
            "x-llmwall-decision": "block",
            "x-llmwall-request-id": request_id,
            **dict(shape.headers),
        }
        return http.Response.make(shape.status, json.dumps(shape.body).encode(), headers)

    def _fail_request(self, flow: http.HTTPFlow, state: FlowState | None, exc: Exception) -> None:
        reason = _reason(exc)
        rid = state.request_id if state else uuid.uuid4().hex
        log.error("request inspection failed for %s: %s", rid, reason)
        if self.rt.config.fail_open:
            if state is not None:
                state.fail_open = True
                self._audit(
                    state, "request", "unscanned", flow, rules=("fail_open",), fail_open=True
                )
                self._route(flow, state)
            return
        status = 400 if isinstance(exc, InspectionError) else 403
        message = f"llmwall could not inspect this request ({reason}); blocked (fail closed)"
        if state is not None:
            self._block(
                flow, state, status, message, "llmwall_inspection_failed", rules=("fail_closed",)
            )
        else:
            flow.response = self._error_response(
                None, status, message, "llmwall_inspection_failed", rid
            )

    def _audit(
        self,
        state: FlowState,
        kind: str,
        verdict: str,
        flow: http.HTTPFlow,
        *,
        decision: Decision | None = None,
        rules: tuple[str, ...] = (),
        findings: Any = None,
        body: bytes | None = None,
        status: int | None = None,
        usage: dict[str, Any] | None = None,
        fail_open: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        d = decision
        response = flow.response
        record = AuditRecord(
            request_id=state.request_id,
            kind=kind,
            decision=verdict,
            client=state.client,
            identity=_identity(flow),
            provider=state.match.provider.name,
            host=flow.request.pretty_host,
            path=flow.request.path.split("?", 1)[0],
            model=state.model,
            rules=rules or (tuple(d.rules) if d else ()),
            findings=tuple(d.findings) if d else tuple(findings or ()),
            detector_version=self.rt.detector.version,
            policy_digest=self.rt.policy.digest,
            body_digest=self.rt.audit.digest(body) if body else None,
            status=status
            if status is not None
            else (response.status_code if response and kind == "response" else None),
            usage=usage,
            latency_ms=round((time.perf_counter() - state.started) * 1000, 3),
            fail_open=fail_open or state.fail_open,
            extra={**(extra or {}), "reroute": state.extra["reroute"]}
            if "reroute" in state.extra
            else (extra or {}),
        )
        state.pending.append(self.rt.audit.submit(record))


# -- module helpers --------------------------------------------------------------------


def _peer(flow: http.HTTPFlow) -> str:
    peer = flow.client_conn.peername
    return f"{peer[0]}:{peer[1]}" if peer else ""


def _identity(flow: http.HTTPFlow) -> str | None:
    auth = flow.metadata.get("proxyauth")
    return auth[0] if isinstance(auth, tuple) and auth else None


def _content(message: http.Message) -> bytes:
    try:
        return message.get_content(strict=True) or b""
    except ValueError:
        raise InspectionError("body has an unsupported or corrupt content-encoding") from None


def _json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise InspectionError(f"{what} body is not UTF-8 JSON") from None
    except (ValueError, RecursionError):
        raise InspectionError(f"{what} body is not valid JSON") from None


def _reason(exc: Exception) -> str:
    # Only our own errors carry a message, and it is content-free by construction.
    return str(exc) if isinstance(exc, InspectionError) else type(exc).__name__


Decoder = Callable[[bytes], bytes]


def _decoder(encoding: str) -> Decoder | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        d = zlib.decompressobj(
            47 if encoding != "deflate" else zlib.MAX_WBITS
        )  # 47: auto gzip/zlib
        return lambda b: d.decompress(b) if b else d.flush()
    if encoding == "br":
        import brotli

        br = brotli.Decompressor()
        return lambda b: br.process(b) if b else b""
    if encoding == "zstd":
        import zstandard

        z = zstandard.ZstdDecompressor().decompressobj()
        return lambda b: z.decompress(b) if b else b""
    raise InspectionError(f"unsupported stream content-encoding {encoding!r}")


def _safe_stream(
    inspector: StreamInspector, decoder: Decoder | None, state: FlowState, fail_open: bool
) -> Callable[[bytes], list[bytes]]:
    """The stream callable. It returns a list: mitmproxy sends a returned b"" as an
    empty HTTP/1 chunk, which would end the client's body early. Exceptions inside
    would crash mitmproxy's connection handler, so they end the stream with the
    dialect's error event (or, fail-open, pass the bytes on, marked)."""
    broken = False

    def stream(chunk: bytes) -> list[bytes]:
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
            log.error("stream inspection failed for %s: %s", state.request_id, _reason(exc))
            state.extra["stream_failed"] = True
            if fail_open:
                state.fail_open = True
                return [chunk] if chunk else []
            inspector.done = True
            out = inspector.dialect.error_event(
                "llmwall could not inspect the response stream", "llmwall_inspection_failed"
            )
        return [out] if out else []

    return stream
