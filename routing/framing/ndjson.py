"""Newline-delimited JSON (Ollama's `application/x-ndjson`), parsed from raw chunks.

One JSON value per line; `\\r\\n` is accepted; blank lines are forwarded untouched. The
last line may lack its `\\n` (it is completed with one, so that anything sent after it
starts on a new line); a last line that is not valid JSON was cut short upstream.
"""

from __future__ import annotations

import json

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import Framing, StreamEvent


class NDJSONFraming(Framing):
    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self._buf += chunk
        end = self._buf.rfind(b"\n")
        if end < 0:
            return []
        lines = bytes(self._buf[: end + 1]).split(b"\n")[:-1]
        del self._buf[: end + 1]
        return [parse_line(line + b"\n") for line in lines]

    def finish(self) -> list[StreamEvent]:
        rest = bytes(self._buf)
        self._buf.clear()
        if not rest:
            return []
        event = parse_line(rest + b"\n")
        if event.meta.get("undecodable"):
            raise TruncatedStream("stream ended inside a line")
        return [event]

    def encode(self, event: StreamEvent) -> bytes:
        nl = b"\r\n" if event.raw.endswith(b"\r\n") else b"\n"
        return line(event.data, nl)


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
