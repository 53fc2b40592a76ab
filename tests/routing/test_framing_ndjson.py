from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.errors import TruncatedStream
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.framing.ndjson import NDJSONFraming

LINES = [
    {
        "message": {"role": "assistant", "content": 'quote " backslash \\ emoji \U0001f600 é'},
        "done": False,
    },
    {"message": {"role": "assistant", "content": "\n{}[]"}, "done": False},
    {"message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"},
]


def _stream(
    lines: list, *, ascii_only: bool = True, nl: str = "\n", last_newline: bool = True
) -> bytes:
    raw = "".join(json.dumps(line, ensure_ascii=ascii_only) + nl for line in lines)
    return (raw if last_newline else raw[: -len(nl)]).encode()


def _parse(raw: bytes, cuts: list[int]) -> list[StreamEvent]:
    framing, events, pos = NDJSONFraming(), [], 0
    for cut in [*sorted(set(cuts)), len(raw)]:
        events += framing.feed(raw[pos:cut])
        pos = cut
    return events + framing.finish()


def _data(events: list[StreamEvent]) -> list:
    return [e.data for e in events if e.data is not None]


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize("last_newline", [True, False])
def test_lines_are_decoded(nl: str, last_newline: bool) -> None:
    raw = _stream(LINES, nl=nl, last_newline=last_newline)
    events = _parse(raw, [])
    assert _data(events) == LINES
    assert b"".join(e.raw for e in events).rstrip(b"\n") == raw.rstrip(b"\n")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=600), max_size=12),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_any_chunking_yields_the_same_events(
    cuts: list[int], ascii_only: bool, nl: str, last: bool
) -> None:
    raw = _stream(LINES, ascii_only=ascii_only, nl=nl, last_newline=last)
    whole = _parse(raw, [])
    assert _data(_parse(raw, [c % (len(raw) + 1) for c in cuts])) == _data(whole) == LINES


def test_a_split_at_every_byte_inside_escapes_and_multibyte_characters() -> None:
    for ascii_only in (True, False):
        raw = _stream(LINES[:1], ascii_only=ascii_only)
        for cut in range(len(raw) + 1):
            assert _data(_parse(raw, [cut])) == LINES[:1]


def test_blank_lines_are_forwarded_untouched() -> None:
    raw = b'\n{"a": 1}\n\r\n  \n{"a": 2}\n'
    events = _parse(raw, [])
    assert _data(events) == [{"a": 1}, {"a": 2}]
    assert b"".join(e.raw for e in events) == raw


def test_a_partial_last_line_is_truncated() -> None:
    framing = NDJSONFraming()
    framing.feed(b'{"a": 1}\n{"message": {"content": "cut he')
    with pytest.raises(TruncatedStream):
        framing.finish()


def test_a_last_line_without_newline_gets_one() -> None:
    # so that an event we add after it starts on a line of its own
    events = _parse(b'{"a": 1}', [])
    assert events[0].raw == b'{"a": 1}\n'


def test_an_invalid_line_is_undecodable() -> None:
    events = _parse(b'{"a": 1}\nnot json\n', [])
    assert events[1].meta.get("undecodable") and events[1].data is None


def test_encode_keeps_the_line_ending() -> None:
    framing = NDJSONFraming()
    crlf, lf = framing.feed(b'{"a": 1}\r\n{"a": 2}\n')
    assert framing.encode(StreamEvent(raw=crlf.raw, data={"a": "é"})) == '{"a":"é"}\r\n'.encode()
    assert framing.encode(StreamEvent(raw=lf.raw, data={"a": 3})) == b'{"a":3}\n'
    assert framing.encode(StreamEvent(raw=b"", data={"a": 4})) == b'{"a":4}\n'
