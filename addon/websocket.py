"""The mitmproxy addon for WebSocket sessions on LLM hosts: hooks that hand each frame to
the core's `FrameSession` and apply its `FrameVerdict`.

    requestheaders     an upgrade on an LLM host: the endpoint names its frame protocol
                       (`Endpoint.frames`), or the upgrade is refused with the
                       provider's 403 (frames nobody reads would pass unscanned)
    websocket_start    the session's FrameSession and its start record
    websocket_message  one frame: inspect, then forward it, rewrite it, drop it, or
                       (block) send the protocol's error event and close the session
                       with the protocol's close code and a reason
    websocket_end      the session's end record (counts by side and decision)

The Firewall addon (registered before this one) has already identified the upgrade
request, scanned it like any bodiless request and committed its record; its FlowState
carries the Exchange that every record of the session shares.

A frame's record is committed before the frame moves on; a decision that cannot be
recorded closes the session (fail closed). Every hook catches at its boundary: an
exception would make mitmproxy forward the frame unread, so it becomes the core's
`failure` verdict instead. mitmproxy keeps every message of a session in
`flow.websocket.messages` for the life of the connection; this addon keeps only the
last one (the layer holds its own reference to the message in flight), so an hour of
audio does not accumulate in memory.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs

from mitmproxy import ctx, http
from mitmproxy.websocket import WebSocketMessage

from llmwall.addon.flow_state import KEY, FlowState
from llmwall.addon.runtime import Runtime
from llmwall.addon.verdicts import http_response
from llmwall.addon.ws_frames import CloseRequest, Messages, close_reason_filter, install
from llmwall.audit.record import AuditRecord
from llmwall.core.credential_slots import planted_in_credentials
from llmwall.core.frames import (
    SESSION,
    Close,
    FrameSession,
    FrameVerdict,
    close_reason,
)
from llmwall.core.refusal import refusal
from llmwall.core.refusals import content_free_reason
from llmwall.decision import Decision
from llmwall.routing import envelope, realtime
from llmwall.routing.realtime import handshake
from llmwall.routing.realtime.base import FrameProtocol

log = logging.getLogger("llmwall")

WS_KEY = "llmwall.websocket"
UNKNOWN_PROTOCOL = "websocket_unknown_protocol"
NOT_WEBSOCKET = "upgrade_not_websocket"  # a 101 to another protocol: a raw tunnel
WEBSOCKET_ONLY_RULE = "websocket_only"
WEBSOCKET_ONLY = frozenset({"realtime", "live"})  # endpoint operations without an HTTP use


@dataclass
class WsState:
    """What this addon keeps about one WebSocket flow (under `flow.metadata[WS_KEY]`)."""

    protocol: FrameProtocol | None  # None: no protocol, passed unscanned (fail_mode: open)
    model: str | None = None
    client_key: str | None = None  # the client's Sec-WebSocket-Key (upstream got a fresh one)
    upstream_key: str | None = None
    unreadable_extension: bool = False  # the upstream answered with one: closed at start
    session: FrameSession | None = None
    closing: bool = False  # llmwall closed it: every later frame is dropped
    ended: bool = False


class WebSockets:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        install()
        close_reason_filter[0] = _peer_close_reason
        # Paths that speak WebSocket only, as one pattern: a plain request is checked
        # against it without a second table lookup (the chat path pays ~1 us).
        only = [
            e.path.pattern
            for p in runtime.table.providers
            for e in p.endpoints
            if e.operation in WEBSOCKET_ONLY
        ]
        self._ws_only = re.compile("|".join(f"(?:{p})" for p in only) or r"(?!)")

    # -- the upgrade -------------------------------------------------------------------

    async def requestheaders(self, flow: http.HTTPFlow) -> None:
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None or flow.response is not None:
            return
        try:
            exchange = state.exchange
            upgrade = is_upgrade(flow.request)
            if not upgrade and not self._ws_only.fullmatch(exchange.path):
                return  # the chat path: nothing to do here
            match = self.rt.table.identify(exchange.host, exchange.path)
            endpoint = match.endpoint if match else None
            if not upgrade:
                if endpoint is not None and endpoint.operation in WEBSOCKET_ONLY:
                    message = "this path speaks WebSocket only"
                    await self._refuse(flow, state, message, 400, WEBSOCKET_ONLY_RULE)
                return
            name = endpoint.frames if endpoint else None
            protocol = realtime.get(name) if name else None
            query = parse_qs(flow.request.path.partition("?")[2])
            model = next((m for m in query.get("model", []) if 0 < len(m) <= 128), None)
            planted = planted_in_credentials(
                self.rt.inspector.scanner,
                envelope.credential_values(
                    flow.request.path.partition("?")[2],
                    list(flow.request.headers.items(multi=True)),
                    match.provider.auth_headers if match else (),
                ),
            )
            if planted and not self.rt.config.fail_open:
                message = "a credential of this upgrade holds something that is no credential"
                rule = f"{planted[0]}:credential"
                await self._refuse(flow, state, message, 403, rule, model)
                return
            if protocol is not None:
                flow.metadata[WS_KEY] = _handshake(flow.request, WsState(protocol, model))
                return
            recorder = self.rt.inspector.recorder
            if self.rt.config.fail_open:
                flow.metadata[WS_KEY] = _handshake(flow.request, WsState(None, model))
                record = recorder.record(
                    exchange, SESSION, Decision.UNSCANNED, rules=(UNKNOWN_PROTOCOL,),
                    fail_open=True, model=model,
                )  # fmt: skip
                await self._commit(exchange.request_id, [record])
                return
            message = "llmwall does not read WebSocket frames on this path; upgrade refused"
            await self._refuse(flow, state, message, 403, UNKNOWN_PROTOCOL, model)
        except Exception as exc:
            log.error("websocket upgrade check failed: %s", content_free_reason(exc))
            if not self.rt.config.fail_open:
                state.answered = True
                shape = refusal(
                    state.exchange.dialect,
                    403,
                    "llmwall could not inspect this WebSocket upgrade; refused (fail closed)",
                    "llmwall_inspection_failed",
                    state.exchange.request_id,
                )
                flow.response = http_response(shape)

    async def responseheaders(self, flow: http.HTTPFlow) -> None:
        """The upgrade's answer: the client gets the accept value of its own key. An
        answer naming an extension other than permessage-deflate (which mitmproxy would
        not undo: its frames would pass unread) closes the session as soon as it starts
        (a 101 cannot be turned into an error here: the upstream already upgraded)."""
        ws: WsState | None = flow.metadata.get(WS_KEY)
        response = flow.response
        if ws is None or ws.client_key is None or response is None:
            return
        if response.status_code != 101:
            return
        try:
            answer = response.headers.get("sec-websocket-extensions", "")
            ws.unreadable_extension = not handshake.extensions_answer_ok(answer)
            got = response.headers.get("sec-websocket-accept", "").strip()
            if ws.upstream_key is not None and got == handshake.accept(ws.upstream_key):
                response.headers["sec-websocket-accept"] = handshake.accept(ws.client_key)
        except Exception as exc:  # the client's own check then fails: closed
            log.error("websocket handshake answer failed: %s", content_free_reason(exc))
            ws.unreadable_extension = True
            response.headers["sec-websocket-accept"] = ""

    async def response(self, flow: http.HTTPFlow) -> None:
        """A 101 on an LLM host that mitmproxy does not take for a WebSocket (the
        provider's `Upgrade` names another protocol) would become a raw TCP tunnel,
        every byte unread: it is answered with a 502 instead (fail closed)."""
        state: FlowState | None = flow.metadata.get(KEY)
        response = flow.response
        if state is None or response is None or response.status_code != 101:
            return
        if flow.websocket is not None:
            return
        try:
            await self._refuse(
                flow, state, "the provider switched to a protocol llmwall cannot read",
                502, NOT_WEBSOCKET,
            )  # fmt: skip
        except Exception as exc:
            log.error("refusing a non-WebSocket upgrade failed: %s", content_free_reason(exc))
            flow.kill()

    async def _refuse(
        self, flow: http.HTTPFlow, state: FlowState, message: str, status: int, rule: str,
        model: str | None = None,
    ) -> None:  # fmt: skip
        """Answer the request with the provider's error; the record is committed first."""
        exchange = state.exchange
        rules = (f"block:{rule}",)
        record = self.rt.inspector.recorder.record(
            exchange, SESSION, Decision.BLOCK, rules=rules, status=status, model=model
        )
        state.answered = True
        await self._commit(exchange.request_id, [record])
        shape = refusal(
            exchange.dialect, status, message, "llmwall_policy_block", exchange.request_id
        )
        flow.response = http_response(shape)

    # -- the session -------------------------------------------------------------------

    async def websocket_start(self, flow: http.HTTPFlow) -> None:
        ws: WsState | None = flow.metadata.get(WS_KEY)
        state: FlowState | None = flow.metadata.get(KEY)
        if ws is None and state is not None and not self.rt.config.fail_open:
            # a session on an LLM host whose upgrade llmwall did not see as one (the
            # provider answered 101 to a request it did not check): its frames would
            # pass unread, so it is closed as it starts
            log.error("websocket session without a checked upgrade: closed")
            ws = flow.metadata[WS_KEY] = WsState(None)
            self._close(flow, ws, Close(1008, "llmwall blocked: block:websocket_unchecked"))
            return
        if ws is None or state is None or ws.protocol is None:
            return
        try:
            ws.session = FrameSession(
                self.rt.inspector,
                state.exchange,
                ws.protocol,
                holdback=self.rt.holdback,
                model=ws.model,
            )
            recorded = await self._commit(state.exchange.request_id, [ws.session.start()])
        except Exception as exc:
            log.error("websocket start failed: %s", content_free_reason(exc))
            recorded = False
        if not recorded and not self.rt.config.fail_open:
            self._close(flow, ws, Close(1008, close_reason("llmwall: audit unavailable")))
        elif ws.unreadable_extension:
            reason = "llmwall blocked: block:websocket_unreadable_extension"
            self._close(flow, ws, Close(1008, close_reason(reason)))

    async def websocket_message(self, flow: http.HTTPFlow) -> None:
        assert flow.websocket is not None
        message = flow.websocket.messages[-1]
        ws: WsState | None = flow.metadata.get(WS_KEY)
        try:
            if message.injected or ws is None:
                return  # llmwall's own messages; not an LLM host's session
            if ws.closing:
                message.drop()
                return
            if ws.protocol is None:
                return  # a session passed unscanned (fail-open)
            session = ws.session
            if session is None:  # the session could not start
                if not self.rt.config.fail_open:
                    message.drop()
                return
            try:
                if message.from_client:
                    verdict = await session.client(message.content, message.is_text)
                else:
                    verdict = session.server(message.content, message.is_text)
            except Exception as exc:
                log.error(
                    "websocket frame inspection failed for %s: %s",
                    session.exchange.request_id,
                    content_free_reason(exc),
                )
                verdict = session.failure(
                    message.from_client, exc, fail_open=self.rt.config.fail_open
                )
            if verdict.record is not None:
                recorded = await self._commit(session.exchange.request_id, [verdict.record])
                if not recorded and not self.rt.config.fail_open:
                    verdict = session.audit_failure()
            self._apply(flow, message, ws, verdict)
        except Exception as exc:  # never forward a frame because llmwall failed
            log.error("websocket hook failed: %s", content_free_reason(exc))
            if ws is not None and ws.protocol is not None and not self.rt.config.fail_open:
                message.drop()
                self._close(flow, ws, Close(1008, "llmwall: inspection failed"))
        finally:
            del flow.websocket.messages[:-1]

    async def websocket_end(self, flow: http.HTTPFlow) -> None:
        ws: WsState | None = flow.metadata.get(WS_KEY)
        if ws is None or ws.session is None or ws.ended:
            return
        ws.ended = True
        try:
            assert flow.websocket is not None
            record = ws.session.end(
                close_code=flow.websocket.close_code,
                closed_by_client=flow.websocket.closed_by_client,
            )
            await self._commit(ws.session.exchange.request_id, [record])
        except Exception as exc:
            log.error("websocket end record failed: %s", content_free_reason(exc))

    # -- applying a verdict ------------------------------------------------------------

    def _apply(
        self, flow: http.HTTPFlow, message: WebSocketMessage, ws: WsState, verdict: FrameVerdict
    ) -> None:
        send = verdict.send
        if send is not None:
            if not send:
                message.drop()
            else:
                message.content = send[0] if len(send) == 1 else Messages(send)
        for event in verdict.to_client:
            inject(flow, event)
        if verdict.close is not None:
            self._close(flow, ws, verdict.close)

    @staticmethod
    def _close(flow: http.HTTPFlow, ws: WsState, close: Close) -> None:
        """Close both sides with `close`, after anything injected before it."""
        ws.closing = True
        if ws.session is not None:
            ws.session.closed_by_llmwall = True
        inject(flow, CloseRequest(close.code, close.reason))

    async def _commit(self, request_id: str, records: list[AuditRecord]) -> bool:
        """Wait until the records are committed; False if the audit log failed."""
        try:
            for record in records:
                await asyncio.wrap_future(self.rt.audit.submit(record))
        except Exception as exc:
            log.error("audit append failed for %s: %s", request_id, type(exc).__name__)
            return False
        return True


def inject(flow: http.HTTPFlow, data: bytes) -> None:
    """A text message (or a CloseRequest) to the client, through mitmproxy's injection:
    it is sent after the message in flight and everything injected before it."""
    ctx.master.commands.call("inject.websocket", flow, True, data, True)


def _peer_close_reason(flow: http.HTTPFlow, reason: str, from_client: bool) -> str:
    """A peer's close reason on its way to the other side: the session's core reads it;
    a session llmwall does not inspect (fail-open, unknown path) passes it; anything
    else gets no reason."""
    ws: WsState | None = flow.metadata.get(WS_KEY)
    if ws is not None and ws.protocol is None:
        return reason  # passed unscanned by the operator's fail_mode: open
    if ws is None or ws.session is None:
        return ""
    try:
        return ws.session.peer_close_reason(reason, from_client)
    except Exception as exc:
        log.error("websocket close reason inspection failed: %s", content_free_reason(exc))
        return ""


def _handshake(request: http.Request, ws: WsState) -> WsState:
    """The upgrade's own headers carry no client text upstream: a fresh key in place of
    the client's, only permessage-deflate offers (`routing.realtime.handshake`)."""
    key = request.headers.get("sec-websocket-key")
    if key is not None:
        ws.client_key, ws.upstream_key = key, handshake.fresh_key()
        request.headers["sec-websocket-key"] = ws.upstream_key
    offer = request.headers.get("sec-websocket-extensions")
    if offer is not None:
        kept = handshake.extension_offer(offer)
        if kept is None:
            del request.headers["sec-websocket-extensions"]
        else:
            request.headers["sec-websocket-extensions"] = kept
    return ws


def is_upgrade(request: http.Request) -> bool:
    """A WebSocket upgrade by any spelling a provider's library may accept: `Upgrade`
    is a token list (RFC 9110), over one or several header lines."""
    return any(
        token.strip().lower() == "websocket"
        for value in request.headers.get_all("upgrade")
        for token in value.split(",")
    )
