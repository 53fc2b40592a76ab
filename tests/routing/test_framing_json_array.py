from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.framing.gemini_auto import GeminiAutoFraming
from llmwall.routing.framing.json_array import JSONArrayFraming

# Escapes and a surrogate pair written as \uXXXX: a chunk may end inside any of them.
TRICKY = 'quote " backslash \\ brace } bracket ] slash / emoji \U0001f600 é \n'
ELEMENTS = [
    {"candidates": [{"content": {"role": "model", "parts": [{"text": TRICKY}]}, "index": 0}]},
    {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "[{]}"}]}}],
        "n": [1, [2, {}]],
    },
    {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP"}
        ]
    },
]


def _array(elements: list, *, ascii_only: bool, sep: str = ",\r\n") -> bytes:
    body = [json.dumps(e, indent=2, ensure_ascii=ascii_only) for e in elements]
    return ("[" + sep.join(body) + "\r\n]\r\n").encode()


def _parse(
    framing: JSONArrayFraming | GeminiAutoFraming, raw: bytes, cuts: list[int]
) -> list[StreamEvent]:
    events, pos = [], 0
    for cut in [*sorted(set(cuts)), len(raw)]:
        events += framing.feed(raw[pos:cut])
        pos = cut
    return events + framing.finish()


def _data(events: list[StreamEvent]) -> list:
    return [e.data for e in events if e.data is not None]


@pytest.mark.parametrize("ascii_only", [True, False])
def test_elements_are_decoded_and_raw_bytes_are_kept(ascii_only: bool) -> None:
    raw = _array(ELEMENTS, ascii_only=ascii_only)
    events = _parse(JSONArrayFraming(), raw, [])
    assert _data(events) == ELEMENTS
    assert b"".join(e.raw for e in events) == raw
    assert events[0].meta["array"] == "open" and events[0].data is None
    assert [e.meta.get("seq") for e in events if e.data is not None] == [1, 2, 3]
    assert any(e.meta.get("array") == "close" for e in events)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2000), max_size=12), st.booleans())
def test_any_chunking_yields_the_same_events(cuts: list[int], ascii_only: bool) -> None:
    raw = _array(ELEMENTS, ascii_only=ascii_only)
    whole = _parse(JSONArrayFraming(), raw, [])
    chunked = _parse(JSONArrayFraming(), raw, [c % (len(raw) + 1) for c in cuts])
    assert _data(chunked) == _data(whole)
    assert b"".join(e.raw for e in chunked) == raw


def test_a_split_at_every_byte_inside_escapes_and_surrogates() -> None:
    raw = _array(ELEMENTS[:1], ascii_only=True)
    assert b"\\ud83d\\ude00" in raw and b'\\"' in raw and b"\\\\" in raw
    for cut in range(len(raw) + 1):
        assert _data(_parse(JSONArrayFraming(), raw, [cut])) == ELEMENTS[:1]


@pytest.mark.parametrize("sep", [",", ", ", "\n,\n", ",,", " \t\r\n,\r\n"])
def test_whitespace_and_commas_between_elements_are_tolerated(sep: str) -> None:
    raw = _array(ELEMENTS, ascii_only=False, sep=sep)
    assert _data(_parse(JSONArrayFraming(), raw, [])) == ELEMENTS


@pytest.mark.parametrize("raw", [b"[", b'[{"a": 1}', b'[{"a": 1},', b'[{"a": "x'])
def test_a_stream_cut_inside_the_array_is_truncated(raw: bytes) -> None:
    framing = JSONArrayFraming()
    framing.feed(raw)
    with pytest.raises(TruncatedStream):
        framing.finish()


def test_an_empty_array_and_an_empty_stream() -> None:
    events = _parse(JSONArrayFraming(), b"[]", [])
    assert [e.meta.get("array") for e in events] == ["open", "close"]
    assert _parse(JSONArrayFraming(), b"", []) == []


def test_garbage_is_undecodable_never_parsed() -> None:
    events = _parse(JSONArrayFraming(), b'[{"a": 1} nonsense {"b": 2}]', [])
    assert events[1].data == {"a": 1}
    assert events[-1].meta.get("undecodable")
    assert {"b": 2} not in _data(events)


def test_encode_keeps_the_separator_and_adds_one_before_our_events() -> None:
    framing = JSONArrayFraming()
    events = framing.feed(b'[{"a": 1}\r\n,\r\n{"a": 2}')
    first, second = events[1], events[2]
    assert framing.encode(first) == b'{"a":1}'
    assert framing.encode(second) == b'\r\n,\r\n{"a":2}'
    assert framing.encode(StreamEvent(raw=b"", data={"a": 3})) == b'\r\n,\r\n{"a":3}'


@pytest.mark.parametrize(
    ("stream", "inflight", "sent", "expected"),
    [
        (b"", None, 0, [{"error": {"code": 403}}]),
        (b"[", 0, 1, [{"error": {"code": 403}}]),  # the opening bracket cannot fail
        (b'[{"a": 1}', 1, 1, [{"error": {"code": 403}}]),  # blocked inside the first element
        (b'[{"a": 1},{"a": 2}', 2, 2, [{"a": 1}, {"error": {"code": 403}}]),
        (b'[{"a": 1},{"a": 2}', "finished", 3, [{"a": 1}, {"a": 2}, {"error": {"code": 403}}]),
    ],
)
def test_close_with_ends_the_array_validly(
    stream: bytes, inflight: int | str | None, sent: int, expected: list
) -> None:
    framing = JSONArrayFraming()
    events = framing.feed(stream)
    if isinstance(inflight, int):
        framing.started(events[inflight])
    elif inflight == "finished":
        framing.finished = True
    out = b"".join(e.raw for e in events[:sent]) + framing.close_with({"error": {"code": 403}})
    assert json.loads(out) == expected


def test_nothing_follows_a_complete_array() -> None:
    framing = JSONArrayFraming()
    framing.feed(b'[{"a": 1}]')
    framing.finish()
    assert framing.close_with({"error": {}}) == b""


# --- the auto framing: SSE or array, decided by the first byte ---------------------------


def _sse(elements: list, nl: str) -> bytes:
    return "".join(f"data: {json.dumps(e)}{nl}{nl}" for e in elements).encode()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=2000), max_size=8),
    st.sampled_from(["sse-lf", "sse-crlf", "array"]),
)
def test_auto_framing_reads_both_framings_under_any_chunking(cuts: list[int], kind: str) -> None:
    if kind == "array":
        raw = b"\r\n " + _array(ELEMENTS, ascii_only=False)  # leading whitespace does not decide
    else:
        raw = _sse(ELEMENTS, "\r\n" if kind == "sse-crlf" else "\n")
    events = _parse(GeminiAutoFraming(), raw, [c % (len(raw) + 1) for c in cuts])
    assert _data(events) == ELEMENTS
    assert b"".join(e.raw for e in events) == raw


def test_auto_framing_writes_our_events_in_the_stream_s_own_framing() -> None:
    crlf = GeminiAutoFraming()
    crlf.feed(_sse(ELEMENTS[:1], "\r\n"))
    assert crlf.encode(StreamEvent(raw=b"", data={"a": 1})) == b'data: {"a":1}\r\n\r\n'
    assert crlf.error({"error": {}}) == b'data: {"error":{}}\r\n\r\n'
    lf = GeminiAutoFraming()
    lf.feed(_sse(ELEMENTS[:1], "\n"))
    assert lf.encode(StreamEvent(raw=b"", data={"a": 1})) == b'data: {"a":1}\n\n'
    array = GeminiAutoFraming()
    events = array.feed(b'[{"a": 1}')
    array.started(events[1])
    assert json.loads(b"[" + array.error({"error": {}})) == [{"error": {}}]
    assert GeminiAutoFraming().error({"error": {}}) == b'data: {"error":{}}\n\n'
