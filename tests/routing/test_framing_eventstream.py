"""AWS eventstream framing: decoding from any chunking, CRCs, headers, re-encoding.

botocore's parser is the reference: every message we encode must read back through
`botocore.eventstream.EventStreamBuffer` with the same headers and payload.
"""

from __future__ import annotations

import base64
import json
import struct
import uuid

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.framing.eventstream import (
    EventStreamError,
    EventStreamFraming,
    HeaderType,
    decode_message,
    encode_message,
    event_message,
    exception_message,
)

ALL_TYPES = {
    ":event-type": ("contentBlockDelta", HeaderType.STRING),
    "yes": (True, HeaderType.TRUE),
    "no": (False, HeaderType.FALSE),
    "byte": (-7, HeaderType.BYTE),
    "short": (-30000, HeaderType.SHORT),
    "int": (2_000_000_000, HeaderType.INT),
    "long": (-(2**62), HeaderType.LONG),
    "blob": (b"\x00\xffbin", HeaderType.BYTES),
    "when": (1_760_000_000_123, HeaderType.TIMESTAMP),
    "id": (uuid.UUID("12345678-1234-5678-1234-567812345678"), HeaderType.UUID),
}


def _botocore(raw: bytes) -> list:
    buf = EventStreamBuffer()
    buf.add_data(raw)
    return list(buf)


def _headers_for_botocore(headers: dict) -> dict:
    return {k: (v.bytes if isinstance(v, uuid.UUID) else v) for k, v in headers.items()}


def test_every_header_type_round_trips_and_botocore_reads_it() -> None:
    headers = {k: v for k, (v, _) in ALL_TYPES.items()}
    types = {k: t for k, (_, t) in ALL_TYPES.items()}
    raw = encode_message(headers, b'{"a":1}', types)
    got_headers, got_types, payload = decode_message(raw)
    assert got_headers == headers and got_types == types and payload == b'{"a":1}'
    (msg,) = _botocore(raw)
    assert msg.headers == _headers_for_botocore(headers)
    assert msg.payload == b'{"a":1}'
    assert encode_message(got_headers, payload, got_types) == raw


def test_undeclared_types_are_inferred() -> None:
    raw = encode_message({"s": "x", "b": b"y", "t": True, "n": 5, "u": uuid.UUID(int=1)}, b"")
    _, types, _ = decode_message(raw)
    assert types == {
        "s": HeaderType.STRING,
        "b": HeaderType.BYTES,
        "t": HeaderType.TRUE,
        "n": HeaderType.LONG,
        "u": HeaderType.UUID,
    }


def test_framing_decodes_json_events_and_reencodes_identically() -> None:
    raw = event_message(
        "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "hé"}, "p": "abc"}
    )
    (event,) = EventStreamFraming().feed(raw)
    assert event.name == "contentBlockDelta"
    assert event.data == {"contentBlockIndex": 0, "delta": {"text": "hé"}, "p": "abc"}
    assert event.meta["message_type"] == "event" and event.raw == raw
    assert EventStreamFraming().encode(event) == raw


def test_encode_after_a_change_recomputes_both_checksums() -> None:
    raw = event_message(
        "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "secret here"}}
    )
    (event,) = EventStreamFraming().feed(raw)
    event.data["delta"]["text"] = "<REDACTED> and longer"
    out = EventStreamFraming().encode(event)
    (msg,) = _botocore(out)  # botocore validates both CRCs
    assert json.loads(msg.payload)["delta"]["text"] == "<REDACTED> and longer"
    assert msg.headers[":event-type"] == "contentBlockDelta"


def _stream(n: int) -> tuple[bytes, list[dict]]:
    payloads = [
        {"contentBlockIndex": i % 3, "delta": {"text": f"piece {i} " * (i % 5)}} for i in range(n)
    ]
    return b"".join(event_message("contentBlockDelta", p) for p in payloads), payloads


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=2000), max_size=30))
def test_any_chunking_yields_the_same_messages(cuts: list[int]) -> None:
    raw, payloads = _stream(12)
    framing = EventStreamFraming()
    events: list[StreamEvent] = []
    pos = 0
    for cut in [*sorted({c for c in cuts if c < len(raw)}), len(raw)]:
        events += framing.feed(raw[pos:cut])
        pos = cut
    events += framing.finish()
    assert [e.data for e in events] == payloads
    assert b"".join(e.raw for e in events) == raw


def test_byte_at_a_time() -> None:
    raw, payloads = _stream(4)
    framing = EventStreamFraming()
    events = [e for i in range(len(raw)) for e in framing.feed(raw[i : i + 1])]
    assert [e.data for e in events] == payloads


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=20).filter(lambda s: len(s.encode()) < 256),
        st.one_of(
            st.booleans(),
            st.text(max_size=40),
            st.binary(max_size=40),
            st.integers(-(2**63), 2**63 - 1),
            st.uuids(),
        ),
        max_size=6,
    ),
    st.binary(max_size=300),
)
def test_botocore_reads_whatever_we_encode(headers: dict, payload: bytes) -> None:
    raw = encode_message(headers, payload)
    (msg,) = _botocore(raw)
    assert msg.headers == _headers_for_botocore(headers)
    assert msg.payload == payload
    assert decode_message(raw)[0] == headers


def _flip(raw: bytes, index: int) -> bytes:
    return raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1 :]


@pytest.mark.parametrize(
    ("index", "fault"),
    [
        (1, "prelude checksum"),
        (9, "prelude checksum"),
        (14, "message checksum"),
        (-10, "message checksum"),
        (-1, "message checksum"),
    ],
)
def test_a_corrupt_message_is_refused(index: int, fault: str) -> None:
    raw = event_message("chunk", {"bytes": "eyJhIjoxfQ=="})
    bad = _flip(raw, index % len(raw))
    with pytest.raises(EventStreamError, match=fault):
        EventStreamFraming().feed(bad)
    with pytest.raises(ChecksumMismatch):  # botocore agrees the message is corrupt
        _botocore(bad)


def test_error_messages_carry_no_payload_content() -> None:
    raw = event_message("contentBlockDelta", {"delta": {"text": "very private words"}})
    with pytest.raises(EventStreamError) as info:
        EventStreamFraming().feed(_flip(raw, len(raw) - 8))
    assert "private" not in str(info.value)


def test_an_absurd_length_is_refused_before_buffering() -> None:
    prelude = struct.pack("!II", 2**31, 200 * 1024)
    prelude += struct.pack("!I", __import__("zlib").crc32(prelude))
    with pytest.raises(EventStreamError, match="headers length"):
        EventStreamFraming().feed(prelude)
    short = struct.pack("!II", 10, 0)
    short += struct.pack("!I", __import__("zlib").crc32(short))
    with pytest.raises(EventStreamError, match="shorter"):
        EventStreamFraming().feed(short)


def test_stream_ending_inside_a_message_is_truncated() -> None:
    raw = event_message("messageStop", {"stopReason": "end_turn"})
    framing = EventStreamFraming()
    assert framing.feed(raw[:-3]) == []
    with pytest.raises(TruncatedStream):
        framing.finish()


def test_non_json_payload_is_marked_undecodable_and_kept() -> None:
    raw = encode_message({":event-type": "weird", ":message-type": "event"}, b"\x00not json")
    (event,) = EventStreamFraming().feed(raw)
    assert (
        event.data is None
        and event.meta["undecodable"]
        and event.meta["payload"] == b"\x00not json"
    )
    assert EventStreamFraming().encode(event) == raw


def test_exception_message_is_what_botocore_treats_as_an_error() -> None:
    (msg,) = _botocore(exception_message("validationException", "blocked by policy"))
    response = msg.to_response_dict()
    assert response["status_code"] == 400
    assert msg.headers[":exception-type"] == "validationException"
    assert json.loads(msg.payload) == {"message": "blocked by policy"}


# --- chunk unwrapping (InvokeModelWithResponseStream) ----------------------------------------


def _chunk(inner: dict, **extra: str) -> bytes:
    return event_message(
        "chunk", {"bytes": base64.b64encode(json.dumps(inner).encode()).decode(), **extra}
    )


def test_unwrapping_puts_the_model_event_in_data_and_encode_wraps_it_again() -> None:
    inner = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": "hi there"},
    }
    raw = _chunk(inner, p="abcdef")
    (event,) = EventStreamFraming(unwrap_chunks=True).feed(raw)
    assert event.data == inner and event.meta["wrapped"] is True
    event.data["delta"]["text"] = "<REDACTED>"
    (msg,) = _botocore(EventStreamFraming(unwrap_chunks=True).encode(event))
    outer = json.loads(msg.payload)
    assert outer["p"] == "abcdef" and list(outer) == ["bytes", "p"]
    assert json.loads(base64.b64decode(outer["bytes"]))["delta"]["text"] == "<REDACTED>"


def test_without_unwrapping_chunks_stay_as_sent() -> None:
    raw = _chunk({"generation": "x"})
    (event,) = EventStreamFraming().feed(raw)
    assert set(event.data) == {"bytes"} and "wrapped" not in event.meta


def test_a_chunk_whose_bytes_are_not_json_is_undecodable() -> None:
    raw = event_message("chunk", {"bytes": base64.b64encode(b"\xff\xfe").decode()})
    (event,) = EventStreamFraming(unwrap_chunks=True).feed(raw)
    assert event.meta["undecodable"] and event.data is None


def test_string_headers_beyond_the_protocols_are_side_texts_and_rewritten() -> None:
    secret = "AKIAQ7RZP4XK2M5TNWLB"
    headers = {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
        "x-debug": f"key {secret}",
        "n": 3,
    }
    framing = EventStreamFraming()
    (event,) = framing.feed(encode_message(headers, b'{"a":1}'))
    assert framing.side_texts(event) == {("header", "x-debug"): f"key {secret}"}
    framing.rewrite_side(event, {("header", "x-debug"): "key <K>"})
    raw = framing.encode(event)
    got, _, payload = decode_message(raw)
    assert got["x-debug"] == "key <K>" and got["n"] == 3 and json.loads(payload) == {"a": 1}
    assert secret.encode() not in raw
