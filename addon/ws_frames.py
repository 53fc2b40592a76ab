"""What mitmproxy 12's WebSocket layer cannot do from an addon, done through the one
extension point it documents: its `Fragmentizer` (the class that turns a message back
into frames after the `websocket_message` hook; its docstring invites addons to patch it).

    Messages(parts)     set as a message's content: the parts go out as separate
                        messages, in order, in place of the one that arrived (a held
                        back delta flushed before the current event)
    CloseRequest(c, r)  injected with `inject.websocket`: closes the session on both
                        sides with close code `c` and reason `r` (mitmproxy can only
                        kill a connection, which clients read as 1006 and reconnect;
                        issue mitmproxy#4773). The layer handles it like a close frame
                        from the peer: it forwards the close to both sides, records
                        `close_code`/`close_reason` and runs `websocket_end`.

It also changes how a modified message is re-framed: mitmproxy cuts it every 4000 bytes
and decodes each text piece on its own, which turns a multi-byte character on a cut into
U+FFFD, and sends continuation frames some servers reject. Here a changed message is
framed like the peer framed the original (one frame if it came as one), and text is cut
only on character boundaries. Unmodified messages keep their original frames.

Two more changes to the same layer, for what no hook sees:

- Ping and pong frames never cross. mitmproxy forwards them to the other side as they
  are, without any hook: their payload (up to 125 bytes, any content) would reach the
  upstream, or the client, unread. Here llmwall answers a ping itself with the pong
  RFC 6455 asks for (same payload, to the side that sent it) and drops pongs (they can
  only answer a ping llmwall sent, and it sends none). Each side's keepalive then
  checks its own hop; a dead hop still ends the session on both sides, as mitmproxy
  closes one side when the other closes.
- A peer's close reason (up to 123 bytes of anything) reaches the other side only
  through `close_reason_filter` (the WebSocket addon scans it; the default lets
  nothing through); the close code always crosses.
- permessage-deflate with a control frame between the fragments of a compressed
  message: wsproto's extension resets its "this message is compressed" state on the
  control frame, so the message's next fragments are read as uncompressed bytes (a
  text message then fails as invalid UTF-8). `PerMessageDeflate` leaves that state
  alone for control frames.

`install()` swaps the classes and wraps the layer's relay once per process; the
subclasses behave exactly like the originals for plain bytes and data frames.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

import wsproto.events
import wsproto.extensions
from mitmproxy.proxy import commands, events
from mitmproxy.proxy.layers import websocket as ws_layer
from wsproto import ConnectionState
from wsproto.frame_protocol import CloseReason, Opcode, RsvBits

FRAGMENT_SIZE = ws_layer.Fragmentizer.FRAGMENT_SIZE


class Messages(bytes):
    """Several messages where one was: the bytes value is their concatenation (what
    mitmproxy stores), `parts` what is sent."""

    parts: tuple[bytes, ...]

    def __new__(cls, parts: Sequence[bytes]) -> Messages:
        self = super().__new__(cls, b"".join(parts))
        self.parts = tuple(parts)
        return self


class CloseRequest(bytes):
    """An injected message that is not a message: a close with this code and reason."""

    code: int
    reason: str

    def __new__(cls, code: int, reason: str) -> CloseRequest:
        self = super().__new__(cls, b"")
        self.code, self.reason = code, reason
        return self


class Fragmentizer(ws_layer.Fragmentizer):
    def __call__(self, content: bytes) -> Iterator[wsproto.events.Event]:  # type: ignore[override]
        if isinstance(content, CloseRequest):
            yield wsproto.events.CloseConnection(code=content.code, reason=content.reason)
        elif isinstance(content, Messages):
            for part in content.parts:
                yield from self._whole(part)
        elif self._keeps_frames(content):
            yield from super().__call__(content)
        else:
            yield from self._whole(content)

    def _keeps_frames(self, content: bytes) -> bool:
        """The original frame sizes fit: same length and, for text, every cut on a
        character boundary (always true for an unmodified message)."""
        if len(content) != sum(self.fragment_lengths):
            return False
        if not self.is_text:
            return True
        offset = 0
        for length in self.fragment_lengths[:-1]:
            offset += length
            if offset < len(content) and (content[offset] & 0xC0) == 0x80:
                return False
        return True

    def _whole(self, content: bytes) -> Iterator[wsproto.events.Message]:
        """A changed message, framed like the peer framed the original: one frame if it
        came as one, else frames no larger than its largest (FRAGMENT_SIZE for injected
        messages); text is cut only where a UTF-8 character starts."""
        size = (
            max(self.fragment_lengths)
            if len(self.fragment_lengths) > 1
            else len(content)
            if self.fragment_lengths
            else FRAGMENT_SIZE
        )
        size = max(size, 1)
        start, end = 0, len(content)
        while end - start > size:
            cut = start + size
            while self.is_text and cut > start + 1 and (content[cut] & 0xC0) == 0x80:
                cut -= 1
            yield self.msg(content[start:cut], False)
            start = cut
        yield self.msg(content[start:], True)


class ControlFrame(commands.SendData):
    """A ping or pong the layer meant to forward to `connection`: sends nothing unless
    the relay wrapper turns it into llmwall's own answer."""

    def __init__(self, connection: Any, event: wsproto.events.Ping | wsproto.events.Pong):
        super().__init__(connection, b"")
        self.event = event


class HeldClose(commands.SendData):
    """A close frame the layer meant to send on `ws`: sent by the relay wrapper, with
    the reason a peer gave passed through `close_reason_filter` on its way to the
    other side."""

    def __init__(self, ws: Any, event: wsproto.events.CloseConnection):
        super().__init__(ws.conn, b"")
        self.ws = ws
        self.event = event


# (flow, reason, from_client) -> the reason the other side gets. A close reason is up
# to 123 bytes of anything the peer chose; the WebSocket addon installs a filter that
# scans it. Until then nothing a peer wrote crosses.
CloseReasonFilter = Callable[[Any, str, bool], str]
close_reason_filter: list[CloseReasonFilter] = [lambda flow, reason, from_client: ""]

_send2 = ws_layer.WebsocketConnection.send2
_relay = ws_layer.WebsocketLayer.relay_messages


def _send2_holding_control(
    self: ws_layer.WebsocketConnection, event: wsproto.events.Event
) -> commands.SendData:
    if isinstance(event, (wsproto.events.Ping, wsproto.events.Pong)):
        return ControlFrame(self.conn, event)
    if isinstance(event, wsproto.events.CloseConnection):
        return HeldClose(self, event)
    return _send2(self, event)


def _close(layer: ws_layer.WebsocketLayer, event: Any, held: HeldClose) -> commands.SendData:
    """The close frame to `held.ws`: as it is to the side that sent it (its own echo)
    and for llmwall's own closes (injected); else with the reason filtered."""
    origin = (
        getattr(event, "connection", None) if isinstance(event, events.ConnectionEvent) else None
    )
    close = held.event
    if origin is None or held.ws.conn is origin or not close.reason:
        return _send2(held.ws, close)
    from_client = origin is layer.context.client
    try:
        reason = close_reason_filter[0](layer.flow, close.reason, from_client)
    except Exception:
        reason = ""
    return _send2(held.ws, wsproto.events.CloseConnection(code=close.code, reason=reason))


def _answer(layer: ws_layer.WebsocketLayer, held: ControlFrame) -> commands.SendData | None:
    """A ping is answered to the side it came from (the one the layer would not have
    sent it to); a pong is dropped."""
    if not isinstance(held.event, wsproto.events.Ping):
        return None
    src = layer.client_ws if held.connection is layer.server_ws.conn else layer.server_ws
    if src.state is not ConnectionState.OPEN:
        return None
    return _send2(src, held.event.response())


def _relay_messages(self: ws_layer.WebsocketLayer, event: Any) -> Generator[commands.Command, Any]:
    """The layer's relay, with every forwarded ping or pong replaced by `_answer` and
    every close frame sent by `_close`."""
    gen = _relay(self, event)
    try:
        command = next(gen)
        while True:
            if isinstance(command, ControlFrame):
                answer = _answer(self, command)
                if answer is not None:
                    yield answer
                command = next(gen)
            elif isinstance(command, HeldClose):
                yield _close(self, event, command)
                command = next(gen)
            else:
                command = gen.send((yield command))
    except StopIteration:
        return


class PerMessageDeflate(wsproto.extensions.PerMessageDeflate):
    """wsproto's, except that a control frame between the fragments of a compressed
    message leaves the message's decompression state alone."""

    _in_control = False

    def frame_inbound_header(
        self, proto: Any, opcode: Opcode, rsv: RsvBits, payload_length: int
    ) -> CloseReason | RsvBits:
        if opcode.iscontrol():
            if rsv.rsv1:
                return CloseReason.PROTOCOL_ERROR
            self._in_control = True
            return RsvBits(False, False, False)
        self._in_control = False
        return super().frame_inbound_header(proto, opcode, rsv, payload_length)

    def frame_inbound_payload_data(self, proto: Any, data: bytes) -> bytes | CloseReason:
        if self._in_control:
            return data
        return super().frame_inbound_payload_data(proto, data)

    def frame_inbound_complete(self, proto: Any, fin: bool) -> bytes | CloseReason | None:
        if self._in_control:
            self._in_control = False
            return None
        return super().frame_inbound_complete(proto, fin)


def install() -> None:
    """Make the WebSocket layer use these classes and the relay wrapper (idempotent)."""
    ws_layer.Fragmentizer = Fragmentizer  # type: ignore[misc]
    ws_layer.WebsocketConnection.send2 = _send2_holding_control  # type: ignore[method-assign]
    ws_layer.WebsocketLayer.relay_messages = _relay_messages  # type: ignore[method-assign,assignment]
    wsproto.extensions.PerMessageDeflate = PerMessageDeflate  # type: ignore[misc]
