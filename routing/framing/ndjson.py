"""Newline-delimited JSON (Ollama's `application/x-ndjson`), parsed from raw chunks.

One JSON value per line; `\\r\\n` is accepted; blank lines are forwarded untouched. The
last line may lack its `\\n` (it is completed with one, so that anything sent after it
starts on a new line); a last line that is not valid JSON was cut short upstream.

A stream whose first bytes are SSE (`data:`, `event:`, a `:` comment) under the NDJSON
label is read as SSE (`routing.framing.sniff`), its events marked `meta["framing"]`;
a leading UTF-8 BOM is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import Framing, StreamEvent
from llmwall.routing.framing import sniff


class NDJSONFraming(Framing):
    def __init__(self) -> None:
        self._buf = bytearray()
        self._head: bytes | None = b""  # the bytes before the stream showed what it is
        self._sse: Framing | None = None

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        if self._head is not None:
            self._head += chunk
            what = sniff.kind(self._head)
            if what is None:
                return []
            head, self._head = self._head, None
            if what == "sse":
                from llmwall.routing.framing.sse import SSEFraming  # sse imports this module

                self._sse = SSEFraming()
                chunk = head
            else:
                chunk, _ = sniff.strip_bom(head)
        if self._sse is not None:
            return _marked(self._sse.feed(chunk))
        self._buf += chunk
        end = self._buf.rfind(b"\n")
        if end < 0:
            return []
        lines = bytes(self._buf[: end + 1]).split(b"\n")[:-1]
        del self._buf[: end + 1]
        return [parse_line(line + b"\n") for line in lines]

    def finish(self) -> list[StreamEvent]:
        if self._head is not None:
            head, self._head = self._head, None
            self._buf += sniff.strip_bom(head)[0]
        if self._sse is not None:
            return _marked(self._sse.finish())
        rest = bytes(self._buf)
        self._buf.clear()
        if not rest:
            return []
        event = parse_line(rest + b"\n")
        if event.meta.get("undecodable"):
            raise TruncatedStream("stream ended inside a line")
        return [event]

    def encode(self, event: StreamEvent) -> bytes:
        if self._sse is not None:
            return self._sse.encode(event)
        nl = b"\r\n" if event.raw.endswith(b"\r\n") else b"\n"
        return line(event.data, nl)

    def side_texts(self, event: StreamEvent) -> dict[Hashable, str]:
        return self._sse.side_texts(event) if self._sse is not None else {}

    def rewrite_side(self, event: StreamEvent, texts: Mapping[Hashable, str]) -> None:
        if self._sse is not None:
            self._sse.rewrite_side(event, texts)


def _marked(events: list[StreamEvent]) -> list[StreamEvent]:
    for event in events:
        event.meta["framing"] = "sse"
    return events


def parse_line(raw: bytes) -> StreamEvent:
    text = raw.strip()
    if not text:
        return StreamEvent(raw=raw)
    try:
        return StreamEvent(raw=raw, data=json.loads(text))
    except (ValueError, RecursionError):
        return StreamEvent(raw=raw, meta={"undecodable": True})


def line(data: object, nl: bytes = b"\n") -> bytes:
    """One NDJSON line for a payload (a rewritten event, or an error we make ourselves)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + nl
