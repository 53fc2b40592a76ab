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

`install()` swaps the class in `mitmproxy.proxy.layers.websocket` once per process; the
subclass behaves exactly like the original for plain bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import wsproto.events
from mitmproxy.proxy.layers import websocket as ws_layer

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


def install() -> None:
    """Make the WebSocket layer use this Fragmentizer (idempotent)."""
    ws_layer.Fragmentizer = Fragmentizer  # type: ignore[misc]
