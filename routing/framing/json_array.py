"""A JSON array streamed element by element (Gemini's `streamGenerateContent` without
`alt=sse`: `[{...}\\r\\n,\\r\\n{...}]`), parsed from raw chunks that may split anywhere,
inside strings and escapes included.

Events: the opening `[`; one event per element, whose raw bytes start with the
separator before it (whitespace and commas, none for the first); the closing `]`; and
whitespace after it. An element ends where its brackets balance outside strings; only
then is it decoded, so a split multi-byte character or surrogate escape is never seen
half. Anything that is not an array is an undecodable event, as is the rest after it.

Because separators lead, an element other than the first may be dropped and an event
made by us (raw empty) is written with a comma before it. `close_with` ends the array
with an error element, valid JSON whatever the client has already received; it needs to
know which event was being processed when the stream was cut (`started`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import Framing, StreamEvent

_SPECIAL = re.compile(rb'["\\{}\[\]]')
_IN_STRING = re.compile(rb'["\\]')
_SEPARATORS = frozenset(b" \t\r\n,")
_WHITESPACE = frozenset(b" \t\r\n")


class JSONArrayFraming(Framing):
    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0  # scan position in _buf
        self._state = "start"  # start, between, element, after, broken
        self._elem_start = 0
        self._depth = 0
        self._in_string = False
        self._escape = False
        self._count = 0  # events made so far: each gets meta["n"]
        self._sep = b",\r\n"  # separator style for events we add
        self._inflight: StreamEvent | None = None
        self.elements = 0
        self.opened = False
        self.closed_at: int | None = None  # meta["n"] of the closing event
        self.finished = False

    # -- parsing ---------------------------------------------------------------------

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self._buf += chunk
        events: list[StreamEvent] = []
        while self._pos < len(self._buf):
            state = self._state
            if state == "element":
                if not self._scan_element():
                    break
                events.append(self._element())
            elif state == "broken":
                events.append(self._event(self._take(len(self._buf)), {"undecodable": True}))
            else:
                byte = self._buf[self._pos]
                allowed = _SEPARATORS if state == "between" else _WHITESPACE
                if byte in allowed:
                    self._pos += 1
                    if state == "after":
                        events.append(self._event(self._take(self._pos)))
                elif state == "start" and byte == ord("["):
                    self.opened = True
                    events.append(self._event(self._take(self._pos + 1), {"array": "open"}))
                    self._state = "between"
                elif state == "between" and byte == ord("]"):
                    event = self._event(self._take(self._pos + 1), {"array": "close"})
                    self.closed_at = event.meta["n"]
                    events.append(event)
                    self._state = "after"
                elif state == "between" and byte in b"{[":
                    self._elem_start = self._pos
                    self._state = "element"
                else:
                    self._state = "broken"
        return events

    def finish(self) -> list[StreamEvent]:
        self.finished = True
        rest = bytes(self._buf)
        self._buf.clear()
        self._pos = 0
        if self._state in ("element", "between") or (self._state == "start" and rest.strip()):
            raise TruncatedStream("stream ended inside the array")
        return [self._event(rest)] if rest else []

    def _scan_element(self) -> bool:
        """Advance through the current element; True when its brackets balanced."""
        buf, pos = self._buf, self._pos
        while pos < len(buf):
            if self._escape:
                pos += 1
                self._escape = False
            elif self._in_string:
                m = _IN_STRING.search(buf, pos)
                if m is None:
                    pos = len(buf)
                    break
                pos = m.end()
                if buf[m.start()] == ord("\\"):
                    self._escape = True
                else:
                    self._in_string = False
            else:
                m = _SPECIAL.search(buf, pos)
                if m is None:
                    pos = len(buf)
                    break
                pos = m.end()
                c = buf[m.start()]
                if c == ord('"'):
                    self._in_string = True
                elif c in b"{[":
                    self._depth += 1
                elif c in b"}]":
                    self._depth -= 1
                    if self._depth == 0:
                        self._pos = pos
                        return True
        self._pos = pos
        return False

    def _element(self) -> StreamEvent:
        start = self._elem_start
        raw = self._take(self._pos)
        prefix, payload = raw[:start], raw[start:]
        self._state = "between"
        if b"," in prefix:
            self._sep = prefix
        meta: dict[str, Any] = {"elements_before": self.elements}
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError):
            meta["undecodable"] = True
            return self._event(raw, meta)
        self.elements += 1
        meta.update(seq=self.elements, prefix=prefix)
        return self._event(raw, meta, data)

    def _take(self, end: int) -> bytes:
        raw = bytes(self._buf[:end])
        del self._buf[:end]
        self._pos = 0
        return raw

    def _event(
        self, raw: bytes, meta: dict[str, Any] | None = None, data: Any = None
    ) -> StreamEvent:
        meta = dict(meta or {})
        meta["n"] = self._count
        meta.setdefault("elements_before", self.elements)
        self._count += 1
        return StreamEvent(raw=raw, data=data, meta=meta)

    # -- writing ---------------------------------------------------------------------

    def encode(self, event: StreamEvent) -> bytes:
        prefix = event.meta.get("prefix", self._sep) if event.raw else self._sep
        return prefix + dumps(event.data)

    def started(self, event: StreamEvent) -> None:
        """The stream inspector began processing `event` (everything before it was sent)."""
        self._inflight = event

    def close_with(self, payload: Any) -> bytes:
        """An error element that ends the array, given what the client has received: every
        event before the one in flight (all of them once the stream has finished)."""
        if self.finished:
            sent_n = self._count
        elif self._inflight is not None:
            sent_n = self._inflight.meta.get("n", 0)
            if self._inflight.meta.get("array") == "open":
                sent_n += 1  # the opening bracket cannot fail
        else:
            sent_n = 0
        if self.closed_at is not None and self.closed_at < sent_n:
            return b""  # the array is complete: nothing valid can follow it
        if not self.opened or sent_n == 0:
            return b"[" + dumps(payload) + b"]"
        elements_sent = self.elements if self.finished else self._inflight_elements()
        return (self._sep if elements_sent else b"") + dumps(payload) + b"]"

    def _inflight_elements(self) -> int:
        return int(self._inflight.meta.get("elements_before", 0)) if self._inflight else 0


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
