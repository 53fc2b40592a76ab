"""Gemini's two stream framings, told apart by the first bytes of the response.

`streamGenerateContent?alt=sse` (what the SDKs ask for) is SSE, with CRLF separators on
Vertex; without `alt=sse` the response is a JSON array streamed element by element. The
first non-whitespace byte (after a UTF-8 BOM, skipped) decides: `[` is the array,
anything else SSE. Until then nothing is parsed. Events we make (flushes, errors) follow
the framing and the line endings of the stream they go into.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from llmwall.routing.dialects.base import Framing, StreamEvent
from llmwall.routing.framing import sniff
from llmwall.routing.framing.json_array import JSONArrayFraming
from llmwall.routing.framing.sse import SSEFraming

_WHITESPACE = b" \t\r\n"


class GeminiAutoFraming(Framing):
    def __init__(self) -> None:
        self._inner: Framing | None = None
        self._head = b""
        self._crlf = False

    @property
    def array(self) -> JSONArrayFraming | None:
        """The JSON-array framing, once the stream has shown it is one."""
        return self._inner if isinstance(self._inner, JSONArrayFraming) else None

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        if self._inner is None:
            self._head += chunk
            head, more = sniff.strip_bom(self._head)
            first = head.lstrip(_WHITESPACE)[:1]
            if more or not first:
                return []
            array = first == b"["
            self._inner = JSONArrayFraming() if array else SSEFraming()
            # a BOM before the array is skipped; SSE skips its own
            chunk, self._head = (head if array else self._head), b""
        if not self._crlf and b"\r\n" in chunk:
            self._crlf = True
        return self._inner.feed(chunk)

    def finish(self) -> list[StreamEvent]:
        if self._inner is None:
            head, self._head = self._head, b""
            return [StreamEvent(raw=head)] if head else []
        return self._inner.finish()

    def encode(self, event: StreamEvent) -> bytes:
        inner = self._inner or SSEFraming()
        if isinstance(inner, SSEFraming) and not event.raw and self._crlf:
            # an event of ours in a CRLF stream keeps the stream's line endings
            event = StreamEvent(raw=b"\r\n", data=event.data, name=event.name, meta=event.meta)
        return inner.encode(event)

    def side_texts(self, event: StreamEvent) -> dict[Hashable, str]:
        return self._inner.side_texts(event) if self._inner is not None else {}

    def rewrite_side(self, event: StreamEvent, texts: Mapping[Hashable, str]) -> None:
        if self._inner is not None:
            self._inner.rewrite_side(event, texts)

    def started(self, event: StreamEvent) -> None:
        if self.array is not None:
            self.array.started(event)

    def error(self, payload: Any) -> bytes:
        """An error event ending the stream in its own framing (SSE before any byte came)."""
        if self.array is not None:
            return self.array.close_with(payload)
        return self.encode(StreamEvent(raw=b"", data=payload))
