"""Server-Sent Events, parsed from raw network chunks that may split anywhere.

Events end at a blank line (two line ends in a row, CRLF, LF or CR, mixed too);
several `data:` lines join with `\\n`. Payloads that are JSON are decoded; `[DONE]` and
other non-JSON payloads keep `data=None` with the text in `meta["sentinel"]`.

Nothing in an event passes unread:

- a UTF-8 BOM at the start of the stream is skipped (as the SSE spec says clients do),
  so the first event is read like any other (the BOM itself is forwarded);
- comments (`:` lines) are kept, their text is a side text (`side_texts`) that the
  stream inspector scans and may rewrite; so are the `event` and `id` values;
- lines of any other field (`foo: ...`, a bare line, a `retry` that is not a number,
  an `id` with a NUL) are ignored by spec-following clients but not by every client:
  they are dropped from the event's `raw`, never forwarded;
- a stream whose first bytes are JSON (`{`, `[`) is NDJSON under the wrong label: it is
  read as NDJSON (`routing.framing.sniff`) and its events say `meta["framing"]`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping
from typing import Any

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import Framing, StreamEvent
from llmwall.routing.framing import sniff
from llmwall.routing.framing.ndjson import NDJSONFraming

# two line ends in a row, each CRLF, LF or CR, mixed as they come (`\n\r\n` too); a CR
# is a line end of its own only once a byte that is not LF follows it (a CR at the end
# of what has arrived waits: the same events whatever the chunking)
_END = rb"(?:\r\n|\r(?=[^\n])|\n)"
_BOUNDARY = re.compile(_END + _END)
_LINES = re.compile(rb"(\r\n|\n|\r)")
COMMENTS = "comments"


class SSEFraming(Framing):
    def __init__(self) -> None:
        self._buf = bytearray()
        self._scan_from = 0
        self._head: bytes | None = b""  # the bytes before the stream showed what it is
        self._bom = False
        self._ndjson: NDJSONFraming | None = None

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        if self._head is not None:
            self._head += chunk
            what = sniff.kind(self._head)
            if what is None:
                return []
            head, self._head = self._head, None
            chunk, _ = sniff.strip_bom(head)
            if what == "ndjson":
                self._ndjson = NDJSONFraming()
            else:
                self._bom = len(chunk) != len(head)
        if self._ndjson is not None:
            return _marked(self._ndjson.feed(chunk))
        self._buf += chunk
        events = []
        start = 0
        # a boundary may straddle the previous chunk's end: back up 3 bytes
        pos = max(0, self._scan_from - 3)
        while True:
            m = _BOUNDARY.search(self._buf, pos)
            if m is None:
                break
            events.append(self._parse(bytes(self._buf[start : m.end()])))
            start = pos = m.end()
        if start:
            del self._buf[:start]
        self._scan_from = len(self._buf)
        return events

    def _parse(self, raw: bytes) -> StreamEvent:
        event = parse_event(raw)
        if self._bom:  # forwarded as it came: clients skip it themselves
            self._bom = False
            event.raw = sniff.BOM + event.raw
        return event

    def finish(self) -> list[StreamEvent]:
        if self._head is not None:
            head, self._head = self._head, None
            head, _ = sniff.strip_bom(head)
            self._buf += head
        if self._ndjson is not None:
            return _marked(self._ndjson.finish())
        rest = bytes(self._buf)
        self._buf.clear()
        if not rest.strip():
            return [StreamEvent(raw=rest)] if rest else []
        # A final event without its blank line: complete if it parses, else truncated.
        event = self._parse(rest)
        if event.meta.get("undecodable"):
            raise TruncatedStream("stream ended inside an event")
        return [event]

    def encode(self, event: StreamEvent) -> bytes:
        if self._ndjson is not None:
            return self._ndjson.encode(event)
        nl = b"\r\n" if b"\r\n" in event.raw else b"\n"
        lines = [b":" + _line(c) for c in event.meta.get(COMMENTS, ())]
        if event.name:
            lines.append(b"event: " + _line(event.name))
        for key in ("id", "retry"):
            if key in event.meta:
                lines.append(key.encode() + b": " + _line(str(event.meta[key])))
        if event.data is not None:
            payload = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
            lines.append(b"data: " + payload.encode())
        elif isinstance(event.meta.get("sentinel"), str):
            lines.append(b"data: " + _line(event.meta["sentinel"]))
        if not lines:
            return b""
        return nl.join(lines) + nl + nl

    def side_texts(self, event: StreamEvent) -> dict[Hashable, str]:
        texts: dict[Hashable, str] = {}
        for i, comment in enumerate(event.meta.get(COMMENTS, ())):
            texts[(COMMENTS, i)] = comment
        if event.name:
            texts[("event",)] = event.name
        if isinstance(event.meta.get("id"), str):
            texts[("id",)] = event.meta["id"]
        return {k: v for k, v in texts.items() if v.strip()}

    def rewrite_side(self, event: StreamEvent, texts: Mapping[Hashable, str]) -> None:
        comments = list(event.meta.get(COMMENTS, ()))
        for key, text in texts.items():
            if key == ("event",):
                event.name = text
            elif key == ("id",):
                event.meta["id"] = text
            elif isinstance(key, tuple) and key[:1] == (COMMENTS,):
                comments[int(key[1])] = text
        if comments:
            event.meta[COMMENTS] = comments


def _marked(events: list[StreamEvent]) -> list[StreamEvent]:
    for event in events:
        event.meta["framing"] = "ndjson"
    return events


def _line(text: str) -> bytes:
    """A value on one line: a line break would start another field."""
    return re.sub(r"[\r\n]", " ", text).encode()


def parse_event(raw: bytes) -> StreamEvent:
    """One event's fields. Lines that are not `data`, `event`, valid `id` or `retry`
    fields, comments or blank are left out of the returned event's `raw`."""
    name = None
    data_lines: list[bytes] = []
    meta: dict[str, Any] = {}
    comments: list[str] = []
    parts = _LINES.split(raw)
    kept = bytearray()
    dropped = False
    for i in range(0, len(parts), 2):
        line = parts[i]
        sep = parts[i + 1] if i + 1 < len(parts) else b""
        if not line:
            kept += sep
            continue
        if line.startswith(b":"):
            comments.append(line[1:].decode("utf-8", "replace"))
            kept += line + sep
            continue
        field, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if field == b"data":
            data_lines.append(value)
        elif field == b"event":
            name = value.decode("utf-8", "replace")
        elif field == b"id" and b"\0" not in value:
            meta["id"] = value.decode("utf-8", "replace")
        elif field == b"retry" and value.isdigit():
            meta["retry"] = value.decode()
        else:
            dropped = True
            continue
        kept += line + sep
    if comments:
        meta[COMMENTS] = comments
    if dropped:
        raw = bytes(kept)
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
