"""A local TLS WebSocket server that stands in for the providers' WebSocket APIs.

It speaks just enough of each protocol for the real clients to hold a session: OpenAI
Realtime (`/v1/realtime`: `session.created`, echoes, and a response whose text is cut
into small deltas so a planted value is split across frames), Responses over WebSocket
(`/v1/responses`: the Responses stream events) and Gemini Live (`/ws/…BidiGenerateContent`:
`setupComplete`, a model turn in small parts, `turnComplete`). It records every message
it receives and how each session closed. Only 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response

CHUNK = 5  # characters per text delta


@dataclass
class Session:
    path: str
    headers: dict[str, str]
    received: list[str | bytes] = field(default_factory=list)
    control: list[bytes] = field(default_factory=list)  # ping and pong payloads received
    pong_received: bool = False  # the pong to the fake's own ping (ping_payload)
    close_code: int | None = None
    close_reason: str | None = None

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(m) for m in self.received if isinstance(m, str)]


class FakeWebSocketProvider:
    def __init__(self, cert: Path, key: Path) -> None:
        self.sessions: list[Session] = []
        self.reply = "Hello from the fake realtime provider."
        self.tool_call: tuple[str, dict[str, Any]] | None = None
        self.binary_reply: bytes | None = None  # sent as one binary frame after a response
        # sent as they are after a response (any protocol): str a text frame, bytes a
        # binary frame, a list of either one message in fragments (the red-team's frames)
        self.extra: list[str | bytes | list[str] | list[bytes]] = []
        self.ping_payload: bytes | None = None  # pinged after a Realtime response
        self.close_with: tuple[int, str] | None = None  # closes after a Realtime response
        self.handshakes: list[tuple[str, list[tuple[str, str]]]] = []  # (path, headers)
        self.answer_extensions: str | None = None  # the upgrade answer's extensions
        self.answer_upgrade: str | None = None  # the upgrade answer's Upgrade header
        self.accept_any_upgrade = False  # a 101 even to a request without `Upgrade`
        self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._ctx.load_cert_chain(cert, key)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Future[None] | None = None
        self.port = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def reset(self) -> None:
        self.sessions.clear()
        self.handshakes.clear()
        self.answer_extensions = None
        self.answer_upgrade = None
        self.accept_any_upgrade = False
        self.reply = "Hello from the fake realtime provider."
        self.tool_call = None
        self.binary_reply = None
        self.extra = []
        self.ping_payload = None
        self.close_with = None

    def close(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = self._loop.create_future()
        async with serve(
            self._handle,
            "127.0.0.1",
            0,
            ssl=self._ctx,
            max_size=None,
            process_request=self._handshake,
            process_response=self._answer,
        ) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop

    async def _handle(self, ws: ServerConnection) -> None:
        request = ws.request
        assert request is not None
        session = Session(request.path, {k.lower(): v for k, v in request.headers.raw_items()})
        self.sessions.append(session)
        self._record_control_frames(ws, session)
        path = request.path.split("?", 1)[0]
        try:
            if path.endswith("/realtime"):
                await self._realtime(ws, session)
            elif path.endswith("/responses"):
                await self._responses(ws, session)
            else:
                await self._live(ws, session)
        except ConnectionClosed:
            pass
        finally:
            if ws.close_code is None:
                await ws.wait_closed()
            rcvd = ws.protocol.close_rcvd
            session.close_code = rcvd.code if rcvd is not None else ws.close_code
            session.close_reason = rcvd.reason if rcvd is not None else ws.close_reason

    def _handshake(self, ws: ServerConnection, request: Request) -> None:
        """Every upgrade request as it arrived, before websockets checks it (one it then
        refuses makes no session)."""
        headers = [(k.lower(), v) for k, v in request.headers.raw_items()]
        self.handshakes.append((request.path, headers))
        # like a lenient provider library (gorilla/websocket and others accept a token
        # list such as `websocket, foo`): the upgrade counts if any token is websocket
        tokens = [
            t.strip().lower() for v in request.headers.get_all("Upgrade") for t in v.split(",")
        ]
        if "websocket" in tokens or self.accept_any_upgrade:
            for name, value in (("Upgrade", "websocket"), ("Connection", "Upgrade")):
                if name in request.headers:
                    del request.headers[name]
                request.headers[name] = value

    def _answer(self, ws: ServerConnection, request: Request, response: Response) -> None:
        if self.answer_upgrade is not None:
            del response.headers["Upgrade"]
            response.headers["Upgrade"] = self.answer_upgrade
        if self.answer_extensions is not None:
            if "Sec-WebSocket-Extensions" in response.headers:
                del response.headers["Sec-WebSocket-Extensions"]
            response.headers["Sec-WebSocket-Extensions"] = self.answer_extensions

    @staticmethod
    def _record_control_frames(ws: ServerConnection, session: Session) -> None:
        """Keep every ping and pong payload the session receives (websockets answers
        pings itself and never shows them)."""
        receive = ws.protocol.recv_frame

        def recv_frame(frame: Frame) -> None:
            if frame.opcode in (Opcode.PING, Opcode.PONG):
                session.control.append(bytes(frame.data))
            receive(frame)

        ws.protocol.recv_frame = recv_frame  # type: ignore[method-assign]

    async def _messages(self, ws: ServerConnection, session: Session) -> Any:
        async for message in ws:
            session.received.append(message)
            yield message

    @staticmethod
    def _json(message: str | bytes) -> dict[str, Any]:
        """A client message as the fake reads it (any JSON object, text or binary)."""
        try:
            data = json.loads(message)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    # -- OpenAI Realtime ---------------------------------------------------------------

    async def _realtime(self, ws: ServerConnection, session: Session) -> None:
        n = 0

        def event(kind: str, **body: Any) -> str:
            nonlocal n
            n += 1
            return json.dumps({"type": kind, "event_id": f"event_{n}", **body})

        await ws.send(
            event("session.created", session={"id": "sess_1", "object": "realtime.session"})
        )
        async for message in self._messages(ws, session):
            if not isinstance(message, str):
                continue
            data = json.loads(message)
            kind = data.get("type")
            if kind == "session.update":
                await ws.send(event("session.updated", session=data.get("session", {})))
            elif kind == "conversation.item.create":
                item = {**data.get("item", {}), "id": f"item_c{n}", "status": "completed"}
                await ws.send(event("conversation.item.created", item=item))
            elif kind == "response.create":
                for frame in self._realtime_response(event):
                    await ws.send(frame)
                if self.binary_reply is not None:
                    await ws.send(self.binary_reply)
                for frame in self.extra:
                    await ws.send(frame)
                if self.ping_payload is not None:
                    await asyncio.wait_for(await ws.ping(self.ping_payload), 10)
                    session.pong_received = True
                if self.close_with is not None:
                    await ws.close(*self.close_with)

    def _realtime_response(self, event: Any) -> list[str]:
        base = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0}
        out = [event("response.created", response={"id": "resp_1", "output": []})]
        if self.tool_call is not None:
            name, args = self.tool_call
            raw = json.dumps(args)
            item = {"id": "item_1", "type": "function_call", "name": name, "call_id": "call_1"}
            out.append(event("response.output_item.added", **base, item={**item, "arguments": ""}))
            out += [
                event("response.function_call_arguments.delta", **base, delta=raw[i : i + CHUNK])
                for i in range(0, len(raw), CHUNK)
            ]
            out.append(event("response.function_call_arguments.done", **base, arguments=raw))
            done_item = {**item, "arguments": raw, "status": "completed"}
        else:
            text = self.reply
            part = {"type": "output_text", "text": ""}
            item = {"id": "item_1", "type": "message", "role": "assistant", "content": []}
            out.append(event("response.output_item.added", **base, item=item))
            out.append(event("response.content_part.added", **base, content_index=0, part=part))
            out += [
                event(
                    "response.output_text.delta", **base, content_index=0, delta=text[i : i + CHUNK]
                )
                for i in range(0, len(text), CHUNK)
            ]
            out.append(event("response.output_text.done", **base, content_index=0, text=text))
            full = {"type": "output_text", "text": text}
            out.append(event("response.content_part.done", **base, content_index=0, part=full))
            done_item = {**item, "content": [full], "status": "completed"}
        out.append(event("response.output_item.done", **base, item=done_item))
        out.append(
            event(
                "response.done",
                response={"id": "resp_1", "status": "completed", "output": [done_item]},
            )
        )
        return out

    # -- Responses over WebSocket ------------------------------------------------------

    async def _responses(self, ws: ServerConnection, session: Session) -> None:
        async for message in self._messages(ws, session):
            data = self._json(message)
            if data.get("type") != "response.create":
                continue
            text, seq = self.reply, 0

            def event(kind: str, **body: Any) -> str:
                nonlocal seq
                seq += 1
                return json.dumps({"type": kind, "sequence_number": seq, **body})

            response = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
            item = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress"}
            base = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
            await ws.send(event("response.created", response=response))
            await ws.send(
                event("response.output_item.added", output_index=0, item={**item, "content": []})
            )
            for i in range(0, len(text), CHUNK):
                await ws.send(
                    event("response.output_text.delta", **base, delta=text[i : i + CHUNK])
                )
            await ws.send(event("response.output_text.done", **base, text=text))
            part = {"type": "output_text", "text": text, "annotations": []}
            done = {**item, "status": "completed", "content": [part]}
            await ws.send(event("response.output_item.done", output_index=0, item=done))
            final = {**response, "status": "completed", "output": [done]}
            await ws.send(event("response.completed", response=final))
            for frame in self.extra:
                await ws.send(frame)

    # -- Gemini Live -------------------------------------------------------------------

    async def _live(self, ws: ServerConnection, session: Session) -> None:
        async for message in self._messages(ws, session):
            data = self._json(message)
            if "setup" in data:
                await ws.send(json.dumps({"setupComplete": {}}))
            elif "client_content" in data or "clientContent" in data:
                text = self.reply
                for i in range(0, len(text), CHUNK):
                    parts = [{"text": text[i : i + CHUNK]}]
                    turn = {"serverContent": {"modelTurn": {"role": "model", "parts": parts}}}
                    await ws.send(json.dumps(turn))
                await ws.send(json.dumps({"serverContent": {"generationComplete": True}}))
                await ws.send(json.dumps({"serverContent": {"turnComplete": True}}))
                for frame in self.extra:
                    await ws.send(frame)
