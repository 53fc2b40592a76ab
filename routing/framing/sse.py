"""Server-Sent Events, parsed from raw network chunks that may split anywhere.

Events end at a blank line (`\\n\\n`, `\\r\\n\\r\\n` or `\\r\\r`); `:` lines are comments
(keep-alives) forwarded untouched; several `data:` lines join with `\\n`. Payloads that
are JSON are decoded; `[DONE]` and other non-JSON payloads keep `data=None` with the
text in `meta["sentinel"]`.
"""

from __future__ import annotations

import json
import re

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import Framing, StreamEvent

_BOUNDARY = re.compile(rb"\r\n\r\n|\n\n|\r\r")
_LINE = re.compile(rb"\r\n|\n|\r")


class SSEFraming(Framing):
    def __init__(self) -> None:
        self._buf = bytearray()
        self._scan_from = 0

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self._buf += chunk
        events = []
        start = 0
        # a boundary may straddle the previous chunk's end: back up 3 bytes
        pos = max(0, self._scan_from - 3)
        while True:
            m = _BOUNDARY.search(self._buf, pos)
            if m is None:
                break
            raw = bytes(self._buf[start : m.end()])
            events.append(parse_event(raw))
            start = pos = m.end()
        if start:
            del self._buf[:start]
        self._scan_from = len(self._buf)
        return events

    def finish(self) -> list[StreamEvent]:
        rest = bytes(self._buf)
        self._buf.clear()
        if not rest.strip():
            return [StreamEvent(raw=rest)] if rest else []
        # A final event without its blank line: complete if it parses, else truncated.
        event = parse_event(rest)
        if event.meta.get("undecodable"):
            raise TruncatedStream("stream ended inside an event")
        return [event]

    def encode(self, event: StreamEvent) -> bytes:
        nl = b"\r\n" if b"\r\n" in event.raw else b"\n"
        lines = [b"event: " + event.name.encode()] if event.name else []
        for key in ("id", "retry"):
            if key in event.meta:
                lines.append(key.encode() + b": " + str(event.meta[key]).encode())
        payload = json.dumps(event.data, ensure_ascii=False, separators=(",", ":")).encode()
        lines.append(b"data: " + payload)
        return nl.join(lines) + nl + nl


def parse_event(raw: bytes) -> StreamEvent:
    name = None
    data_lines: list[bytes] = []
    meta: dict[str, object] = {}
    for line in _LINE.split(raw):
        if not line or line.startswith(b":"):
            continue
        field, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if field == b"data":
            data_lines.append(value)
        elif field == b"event":
            name = value.decode("utf-8", "replace")
        elif field in (b"id", b"retry"):
            meta[field.decode()] = value.decode("utf-8", "replace")
    if not data_lines:
        return StreamEvent(raw=raw, name=name, meta=meta)
    payload = b"\n".join(data_lines)
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):
        text = payload.decode("utf-8", "replace").strip()
        meta["sentinel"] = text
        if text != "[DONE]":
            meta["undecodable"] = True
        return StreamEvent(raw=raw, name=name, meta=meta)
    return StreamEvent(raw=raw, data=data, name=name, meta=meta)


def frame(data: object, name: str | None = None) -> bytes:
    """One SSE event for a payload we make ourselves (error events)."""
    head = f"event: {name}\n".encode() if name else b""
    return head + b"data: " + json.dumps(data, separators=(",", ":")).encode() + b"\n\n"
