"""AWS eventstream (`application/vnd.amazon.eventstream`), parsed from raw network chunks.

Each message is length-prefixed and checksummed (all integers big-endian):

    total_len u32 | headers_len u32 | prelude_crc u32 | headers | payload | message_crc u32

`prelude_crc` is the CRC32 of the first 8 bytes, `message_crc` the CRC32 of everything
before it. A header is `name_len u8, name, type u8, value`. Bedrock puts the event name
in `:event-type`, `event`/`exception`/`error` in `:message-type` and a JSON payload.

A checksum mismatch or an impossible length raises `EventStreamError`: a stream we
cannot read is never forwarded as if inspected (the addon ends it with an error event).
Nothing is ever byte-replaced inside a message: a changed event is re-encoded whole and
both checksums are recomputed.

InvokeModelWithResponseStream wraps each model-native event as base64 in a `chunk`
event's `{"bytes": ...}`. With `unwrap_chunks=True` the framing decodes that into
`StreamEvent.data` (so text paths point into the model's own event) and `encode` wraps
it again; `meta["wrapped"]` marks such events.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
import uuid
import zlib
from collections.abc import Hashable, Mapping
from enum import IntEnum
from typing import Any

from llmwall.errors import FramingError, TruncatedStream
from llmwall.routing.dialects.base import Framing, StreamEvent

PRELUDE_LEN = 12
MAX_HEADERS_LEN = 128 * 1024  # the limits botocore enforces
MAX_PAYLOAD_LEN = 24 * 1024 * 1024
_OVERHEAD = PRELUDE_LEN + 4  # prelude + message crc
# headers whose values are the protocol's enums, never text
_PROTOCOL_HEADERS = frozenset(
    {":event-type", ":content-type", ":message-type", ":exception-type", ":error-code"}
)


class HeaderType(IntEnum):
    TRUE = 0
    FALSE = 1
    BYTE = 2
    SHORT = 3
    INT = 4
    LONG = 5
    BYTES = 6
    STRING = 7
    TIMESTAMP = 8  # int64 milliseconds since the epoch, kept as an int
    UUID = 9


_INTS = {
    HeaderType.BYTE: struct.Struct("!b"),
    HeaderType.SHORT: struct.Struct("!h"),
    HeaderType.INT: struct.Struct("!i"),
    HeaderType.LONG: struct.Struct("!q"),
    HeaderType.TIMESTAMP: struct.Struct("!q"),
}
_PRELUDE = struct.Struct("!III")
_U32 = struct.Struct("!I")
_U16 = struct.Struct("!H")


class EventStreamError(FramingError):
    """The bytes are not a valid eventstream (bad checksum, impossible length, bad header).

    Messages name the fault and offsets only, never payload content."""


def _crc(data: bytes | bytearray | memoryview, start: int = 0) -> int:
    return zlib.crc32(data, start) & 0xFFFFFFFF


# --- one message ---------------------------------------------------------------------


def decode_headers(data: bytes) -> tuple[dict[str, Any], dict[str, HeaderType]]:
    """Header values: bool, int (byte/short/int/long/timestamp), bytes, str, uuid.UUID."""
    headers: dict[str, Any] = {}
    types: dict[str, HeaderType] = {}
    pos, end = 0, len(data)
    while pos < end:
        name_len = data[pos]
        pos += 1
        name = _take(data, pos, name_len, "header name").decode("utf-8", "replace")
        pos += name_len
        if pos >= end:
            raise EventStreamError("header without a value type")
        try:
            kind = HeaderType(data[pos])
        except ValueError:
            raise EventStreamError(f"unknown header value type {data[pos]}") from None
        pos += 1
        value: Any
        if kind in (HeaderType.TRUE, HeaderType.FALSE):
            value = kind is HeaderType.TRUE
        elif kind in _INTS:
            fmt = _INTS[kind]
            value = fmt.unpack(_take(data, pos, fmt.size, "header value"))[0]
            pos += fmt.size
        elif kind is HeaderType.UUID:
            value = uuid.UUID(bytes=_take(data, pos, 16, "header value"))
            pos += 16
        else:
            length = _U16.unpack(_take(data, pos, 2, "header length"))[0]
            raw = _take(data, pos + 2, length, "header value")
            pos += 2 + length
            if kind is HeaderType.STRING:
                try:
                    value = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise EventStreamError("header string is not UTF-8") from None
            else:
                value = raw
        if name in headers:
            raise EventStreamError("duplicate header")
        headers[name] = value
        types[name] = kind
    return headers, types


def _take(data: bytes, pos: int, n: int, what: str) -> bytes:
    if pos + n > len(data):
        raise EventStreamError(f"{what} runs past the end of the headers")
    return data[pos : pos + n]


def encode_headers(
    headers: Mapping[str, Any], types: Mapping[str, HeaderType] | None = None
) -> bytes:
    """Encode headers in order; a value's type is taken from `types`, else inferred."""
    out = bytearray()
    for name, value in headers.items():
        raw_name = name.encode("utf-8")
        if len(raw_name) > 255:
            raise EventStreamError("header name longer than 255 bytes")
        kind = _type_of(value, (types or {}).get(name))
        out += bytes((len(raw_name),)) + raw_name
        if kind in (HeaderType.TRUE, HeaderType.FALSE):
            out.append(HeaderType.TRUE if value else HeaderType.FALSE)
            continue
        out.append(kind)
        if kind in _INTS:
            out += _INTS[kind].pack(int(value))
        elif kind is HeaderType.UUID:
            out += value.bytes if isinstance(value, uuid.UUID) else bytes(value)
        else:
            raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            if len(raw) > 0xFFFF:
                raise EventStreamError("header value longer than 65535 bytes")
            out += _U16.pack(len(raw)) + raw
    return bytes(out)


def _type_of(value: Any, declared: HeaderType | None) -> HeaderType:
    if isinstance(value, bool):
        return HeaderType.TRUE if value else HeaderType.FALSE
    if declared is not None and declared not in (HeaderType.TRUE, HeaderType.FALSE):
        return declared
    if isinstance(value, str):
        return HeaderType.STRING
    if isinstance(value, bytes | bytearray):
        return HeaderType.BYTES
    if isinstance(value, uuid.UUID):
        return HeaderType.UUID
    if isinstance(value, int):
        return HeaderType.LONG
    raise EventStreamError(f"cannot encode a header value of type {type(value).__name__}")


def encode_message(
    headers: Mapping[str, Any], payload: bytes, types: Mapping[str, HeaderType] | None = None
) -> bytes:
    """One complete message with both checksums computed."""
    head = encode_headers(headers, types)
    if len(head) > MAX_HEADERS_LEN or len(payload) > MAX_PAYLOAD_LEN:
        raise EventStreamError("message exceeds the eventstream size limits")
    total = _OVERHEAD + len(head) + len(payload)
    prelude = struct.pack("!II", total, len(head))
    prelude += _U32.pack(_crc(prelude))
    body = prelude + head + payload
    return body + _U32.pack(_crc(body))


def decode_message(raw: bytes) -> tuple[dict[str, Any], dict[str, HeaderType], bytes]:
    """Headers, their types and the payload of one complete message; checks both CRCs."""
    total, headers_len = _prelude(raw)
    if len(raw) != total:
        raise EventStreamError(f"message is {len(raw)} bytes, its prelude says {total}")
    expected = _U32.unpack_from(raw, total - 4)[0]
    if _crc(memoryview(raw)[: total - 4]) != expected:
        raise EventStreamError("message checksum mismatch")
    headers, types = decode_headers(raw[PRELUDE_LEN : PRELUDE_LEN + headers_len])
    return headers, types, raw[PRELUDE_LEN + headers_len : total - 4]


def _prelude(buf: bytes) -> tuple[int, int]:
    """(total_len, headers_len) of the message at the start of `buf`, validated."""
    total, headers_len, crc = _PRELUDE.unpack_from(buf, 0)
    if _crc(buf[:8]) != crc:
        raise EventStreamError("prelude checksum mismatch")
    if headers_len > MAX_HEADERS_LEN:
        raise EventStreamError(f"headers length {headers_len} exceeds {MAX_HEADERS_LEN}")
    if total < _OVERHEAD + headers_len:
        raise EventStreamError(f"total length {total} is shorter than its headers")
    if total - _OVERHEAD - headers_len > MAX_PAYLOAD_LEN:
        raise EventStreamError(f"payload length exceeds {MAX_PAYLOAD_LEN}")
    return total, headers_len


# --- the framing -----------------------------------------------------------------------


class EventStreamFraming(Framing):
    """Incremental decoder: buffers until a message's `total_len` has arrived.

    Events carry `name` = `:event-type`, `data` = the JSON payload (None when empty),
    `meta["headers"]`, `meta["header_types"]`, `meta["message_type"]`. A non-JSON payload
    sets `meta["undecodable"]` (the inspector fails closed on it) and keeps the bytes in
    `meta["payload"]`. The padding field `p` Bedrock adds is left as it is.
    """

    def __init__(self, *, unwrap_chunks: bool = False) -> None:
        self._buf = bytearray()
        self._need: int | None = None  # total_len of the message being buffered
        self._unwrap = unwrap_chunks

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self._buf += chunk
        events = []
        start = 0
        while True:
            available = len(self._buf) - start
            if self._need is None:
                if available < PRELUDE_LEN:
                    break
                self._need, _ = _prelude(bytes(self._buf[start : start + PRELUDE_LEN]))
            if available < self._need:
                break
            raw = bytes(self._buf[start : start + self._need])
            start += self._need
            self._need = None
            events.append(self.parse(raw))
        if start:
            del self._buf[:start]
        return events

    def finish(self) -> list[StreamEvent]:
        if self._buf:
            self._buf.clear()
            self._need = None
            raise TruncatedStream("stream ended inside an eventstream message")
        return []

    def parse(self, raw: bytes) -> StreamEvent:
        headers, types, payload = decode_message(raw)
        meta: dict[str, Any] = {
            "headers": headers,
            "header_types": types,
            "message_type": headers.get(":message-type", "event"),
        }
        name = headers.get(":event-type")
        event = StreamEvent(raw=raw, name=name if isinstance(name, str) else None, meta=meta)
        if not payload:
            return event
        try:
            event.data = json.loads(payload)
        except (ValueError, RecursionError):
            meta["payload"] = payload
            meta["undecodable"] = True
            return event
        if self._unwrap and event.name == "chunk" and meta["message_type"] == "event":
            _unwrap(event)
        return event

    def side_texts(self, event: StreamEvent) -> dict[Hashable, str]:
        """String headers other than the protocol's own (`:event-type`, ...): an
        `:error-message` or a header an upstream added is scanned like the payload."""
        headers = event.meta.get("headers") or {}
        return {
            ("header", name): value
            for name, value in headers.items()
            if isinstance(value, str) and value.strip() and name not in _PROTOCOL_HEADERS
        }

    def rewrite_side(self, event: StreamEvent, texts: Mapping[Hashable, str]) -> None:
        headers = dict(event.meta.get("headers") or {})
        for key, text in texts.items():
            if isinstance(key, tuple) and key[:1] == ("header",):
                headers[str(key[1])] = text
        event.meta["headers"] = headers

    def encode(self, event: StreamEvent) -> bytes:
        if event.data is None:
            payload = event.meta.get("payload", b"")
        elif event.meta.get("wrapped"):
            outer = dict(event.meta.get("envelope") or {})
            outer["bytes"] = base64.b64encode(_json(event.data)).decode("ascii")
            payload = _json(outer)
        else:
            payload = _json(event.data)
        return encode_message(
            event.meta.get("headers", {}), payload, event.meta.get("header_types")
        )


def _unwrap(event: StreamEvent) -> None:
    outer = event.data
    if not isinstance(outer, dict) or not isinstance(outer.get("bytes"), str):
        return
    try:
        event.data = json.loads(base64.b64decode(outer["bytes"], validate=True))
    except (binascii.Error, ValueError, RecursionError):
        event.data = None
        event.meta["payload"] = _json(outer)
        event.meta["undecodable"] = True
        return
    event.meta["wrapped"] = True
    event.meta["envelope"] = outer  # keeps key order and any padding next to `bytes`


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_message(event_type: str, data: Any) -> bytes:
    """A JSON event message we make ourselves."""
    headers = {
        ":event-type": event_type,
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, _json(data))


def exception_message(exception_type: str, message: str) -> bytes:
    """An exception message (`:message-type: exception`): botocore raises
    `EventStreamError` with `exception_type` as the error code when it reads one."""
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, _json({"message": message}))
