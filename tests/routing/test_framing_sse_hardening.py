"""SSE and NDJSON framings read everything an upstream may hide in a stream: a BOM before
the first event, comments, event names and ids (side texts), unknown fields (dropped),
and NDJSON and SSE sent under each other's label."""

from __future__ import annotations

import json

import pytest

from llmwall.routing.framing import sniff
from llmwall.routing.framing.ndjson import NDJSONFraming
from llmwall.routing.framing.sse import SSEFraming

SECRET = "AKIAQ7RZP4XK2M5TNWLB"


def _all(framing: SSEFraming | NDJSONFraming, raw: bytes, step: int = 0) -> list:
    chunks = [raw[i : i + step] for i in range(0, len(raw), step)] if step else [raw]
    events = [e for c in chunks for e in framing.feed(c)]
    return events + framing.finish()


@pytest.mark.parametrize("step", [0, 1, 2])
def test_a_bom_is_skipped_and_the_first_event_read(step: int) -> None:
    raw = sniff.BOM + b'data: {"a": 1}\n\ndata: {"b": 2}\n\n'
    events = _all(SSEFraming(), raw, step)
    assert [e.data for e in events] == [{"a": 1}, {"b": 2}]
    assert b"".join(e.raw for e in events) == raw  # forwarded as it came


def test_comments_event_names_and_ids_are_side_texts_and_rewritten() -> None:
    framing = SSEFraming()
    (event,) = _all(framing, f": {SECRET}\nevent: e {SECRET}\nid: 7\ndata: {{}}\n\n".encode())
    texts = framing.side_texts(event)
    assert texts == {("comments", 0): f" {SECRET}", ("event",): f"e {SECRET}", ("id",): "7"}
    framing.rewrite_side(event, {("comments", 0): " <K>", ("event",): "e <K>"})
    out = framing.encode(event)
    assert SECRET.encode() not in out
    assert out == b": <K>\nevent: e <K>\nid: 7\ndata: {}\n\n"


def test_a_comment_only_event_is_encoded_without_data() -> None:
    framing = SSEFraming()
    (event,) = _all(framing, b": ping\n\n")
    assert event.data is None and framing.encode(event) == b": ping\n\n"


@pytest.mark.parametrize(
    "line",
    [f"foo: {SECRET}", SECRET, f"retry: {SECRET}", f"id: a\0{SECRET}", f"Data: {SECRET}"],
    ids=["unknown-field", "bare-line", "bad-retry", "id-with-nul", "wrong-case"],
)
def test_lines_clients_ignore_are_never_forwarded(line: str) -> None:
    raw = f'data: {{"a": 1}}\n{line}\n\n: kept\n{line}\n\n'.encode()
    events = _all(SSEFraming(), raw)
    forwarded = b"".join(e.raw for e in events)
    assert SECRET.encode() not in forwarded
    assert events[0].data == {"a": 1} and b": kept" in forwarded


def test_ndjson_under_an_sse_label_is_read_as_ndjson() -> None:
    framing = SSEFraming()
    raw = b'\n{"text": "a"}\n{"text": "b"}\n'
    events = [e for e in _all(framing, raw, 3) if e.data is not None]
    assert [e.data for e in events] == [{"text": "a"}, {"text": "b"}]
    assert all(e.meta["framing"] == "ndjson" for e in events)
    assert framing.encode(events[0]) == b'{"text":"a"}\n'


def test_sse_under_an_ndjson_label_is_read_as_sse() -> None:
    framing = NDJSONFraming()
    raw = b'data: {"text": "a"}\n\n: c\n\ndata: {"text": "b"}\n\n'
    events = _all(framing, raw, 1)
    assert [e.data for e in events if e.data] == [{"text": "a"}, {"text": "b"}]
    assert framing.side_texts(events[1]) == {("comments", 0): " c"}
    assert framing.encode(events[0]) == b'data: {"text":"a"}\n\n'


def test_plain_ndjson_and_sse_are_unchanged() -> None:
    lines = b'{"a": 1}\n{"b": 2}\n'
    assert [e.data for e in _all(NDJSONFraming(), lines, 1)] == [{"a": 1}, {"b": 2}]
    sse = b'event: x\ndata: {"a": 1}\n\ndata: [DONE]\n\n'
    events = _all(SSEFraming(), sse, 1)
    assert b"".join(e.raw for e in events) == sse
    assert events[1].meta["sentinel"] == "[DONE]"
    assert json.loads(b"".join(events[0].raw.split(b"data: ")[1:])) == {"a": 1}


@pytest.mark.parametrize("ends", [b"\n\r\n", b"\r\n\n", b"\r\r", b"\r\n\r\n", b"\n\r"])
@pytest.mark.parametrize("step", [0, 1])
def test_mixed_line_ends_end_an_event_whatever_the_chunking(ends: bytes, step: int) -> None:
    raw = b'data: {"a": 1}' + ends + b'data: {"b": 2}' + ends
    events = [e for e in _all(SSEFraming(), raw, step) if e.data is not None]
    assert [e.data for e in events] == [{"a": 1}, {"b": 2}]


@pytest.mark.parametrize("step", [0, 1])
def test_gemini_auto_skips_a_bom_before_an_array(step: int) -> None:
    from llmwall.routing.framing.gemini_auto import GeminiAutoFraming

    framing = GeminiAutoFraming()
    events = _all(framing, sniff.BOM + b'[{"a": 1}\r\n,\r\n{"b": 2}]', step)  # type: ignore[arg-type]
    assert framing.array is not None
    assert [e.data for e in events if e.data is not None] == [{"a": 1}, {"b": 2}]
