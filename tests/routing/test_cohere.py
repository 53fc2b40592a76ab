from __future__ import annotations

import copy
import json
import re
from typing import Any

import cohere
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.finding import Finding
from llmwall.routing import jsonpath
from llmwall.routing.dialects.cohere import DIALECT
from llmwall.routing.segment import (
    JSON,
    KEY,  # keys are covered in test_generic_and_keys
    Role,
    Trust,
)

_SECRET = re.compile(r"SECRET\d+")


def fake_scan(text: str, indirect: bool) -> tuple[Finding, ...]:
    return tuple(
        Finding("OPENAI_API_KEY", m.start(), m.end(), 1.0, "fake", "secret.fake")
        for m in _SECRET.finditer(text)
    )


REDACT = load_policy(None)
BLOCK = load_policy({"version": 1, "actions": {"OPENAI_API_KEY": "block"}})


def inspect(raw: bytes, policy: Any = REDACT, step: int = 9) -> bytes:
    assert DIALECT.stream is not None
    inspector = StreamInspector(DIALECT.stream, fake_scan, policy, holdback=16)
    out = [inspector(raw[i : i + step]) for i in range(0, len(raw), step)]
    return b"".join([*out, inspector(b"")])


def sse(events: list[dict]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def payloads(raw: bytes) -> list[dict]:
    return [json.loads(line[6:]) for line in raw.split(b"\n") if line.startswith(b"data: ")]


def deltas(text: str, index: int = 0) -> list[dict]:
    return [
        {
            "type": "content-delta",
            "index": index,
            "delta": {"message": {"content": {"text": text[i : i + 4]}}},
        }
        for i in range(0, len(text), 4)
    ]


END = {
    "type": "message-end",
    "delta": {"finish_reason": "COMPLETE", "usage": {"tokens": {"output_tokens": 3}}},
}
WORDS = "the key is SECRET42 and that is all there is to say about it"


def test_request_positions_roles_and_trust() -> None:
    body = {
        "messages": [
            {"role": "system", "content": "s"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "u"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}},
                ],
            },
            {
                "role": "assistant",
                "tool_plan": "p",
                "tool_calls": [
                    {
                        "id": "c",
                        "type": "function",
                        "function": {"name": "f", "arguments": '{"q": "a"}'},
                    }
                ],
            },
            {
                "role": "tool",
                "tool_call_id": "c",
                "content": [{"type": "document", "document": {"data": {"t": "d"}}}],
            },
        ],
        "documents": ["plain", {"id": "d1", "data": {"text": "obj"}}],
    }
    got = {
        s.path: (s.role, s.trust)
        for s in DIALECT.extract_request(body).segments
        if KEY not in s.path
    }
    assert got == {
        ("messages", 0, "content"): (Role.SYSTEM, Trust.SYSTEM),
        ("messages", 1, "content", 0, "text"): (Role.USER, Trust.USER),
        ("messages", 2, "tool_plan"): (Role.ASSISTANT, Trust.MODEL),
        ("messages", 2, "tool_calls", 0, "function", "arguments", JSON, "q"): (
            Role.TOOL_CALL,
            Trust.MODEL,
        ),
        ("messages", 3, "content", 0, "document", "data", "t"): (Role.DOCUMENT, Trust.EXTERNAL),
        ("documents", 0): (Role.DOCUMENT, Trust.EXTERNAL),
        ("documents", 1, "data", "text"): (Role.DOCUMENT, Trust.EXTERNAL),
    }
    assert DIALECT.extract_request(body).binary == (("messages", 1, "content", 1),)


def test_unknown_parts_and_documents() -> None:
    body = {
        "messages": [{"role": "user", "content": [{"type": "audio", "audio": "x"}]}],
        "documents": [{"id": "no-data"}],
    }
    assert DIALECT.extract_request(body).unknown == (
        ("messages", 0, "content", 0),
        ("documents", 0),
    )


def test_response_citations_are_redacted_with_the_answer() -> None:
    body = {
        "message": {
            "role": "assistant",
            "content": [{"type": "text", "text": "a"}],
            "citations": [
                {
                    "start": 0,
                    "end": 1,
                    "text": "a",
                    "sources": [{"type": "document", "document": {"s": "x"}}],
                }
            ],
        }
    }
    paths = [s.path for s in DIALECT.extract_response(body).segments if KEY not in s.path]
    assert paths == [
        ("message", "content", 0, "text"),
        ("message", "citations", 0, "text"),
        ("message", "citations", 0, "sources", 0, "document", "s"),
    ]


def test_error_is_raised_by_the_sdk() -> None:
    shape = DIALECT.error(403, "blocked by policy", "llmwall_policy_block")
    transport = httpx.MockTransport(lambda r: httpx.Response(403, json=shape.body))
    client = cohere.ClientV2(api_key="k", httpx_client=httpx.Client(transport=transport))
    with pytest.raises(cohere.ForbiddenError) as info:
        client.chat(model="m", messages=[{"role": "user", "content": "hi"}])
    assert info.value.body["message"] == "blocked by policy"


def test_streams_only_when_asked() -> None:
    assert DIALECT.wants_stream({"stream": True}, "/v2/chat", "")
    assert not DIALECT.wants_stream({}, "/v2/chat", "")


# --- property ----------------------------------------------------------------------------

_text = st.text(max_size=12)
_leafy = st.recursive(
    st.none() | st.integers() | _text,
    lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=4), ch, max_size=3),
    max_leaves=8,
)
_parts = st.lists(
    st.one_of(
        st.builds(lambda t: {"type": "text", "text": t}, _text),
        st.builds(
            lambda d: {"type": "document", "document": {"id": "d", "data": d}},
            st.dictionaries(st.text(max_size=4), _leafy, max_size=3),
        ),
    ),
    max_size=3,
)
_messages = st.lists(
    st.one_of(
        st.builds(
            lambda r, c: {"role": r, "content": c},
            st.sampled_from(["system", "user", "assistant", "tool"]),
            _text | _parts,
        ),
        st.builds(
            lambda p, a: {
                "role": "assistant",
                "tool_plan": p,
                "tool_calls": [
                    {
                        "id": "c",
                        "type": "function",
                        "function": {"name": "f", "arguments": json.dumps(a)},
                    }
                ],
            },
            _text,
            _leafy,
        ),
    ),
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(
    _messages,
    st.lists(
        _text
        | st.builds(lambda d: {"id": "x", "data": d}, st.dictionaries(st.text(max_size=4), _leafy)),
        max_size=3,
    ),
)
def test_write_back_without_findings_changes_nothing(messages: list, documents: list) -> None:
    body = {"model": "m", "messages": messages, "documents": documents}
    original = copy.deepcopy(body)
    ex = DIALECT.extract_request(body)
    assert _decoded(jsonpath.set_many(body, {s.path: s.text for s in ex.segments})) == _decoded(
        original
    )


def _decoded(body: dict) -> dict:
    """JSON-equal means equal once tool-call arguments (JSON in a string) are decoded: a
    rewrite may spell an escape differently (`\\u007f` or the character itself)."""
    for msg in body["messages"]:
        for call in msg.get("tool_calls") or ():
            call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    return body


# --- streams -----------------------------------------------------------------------------


def test_content_split_across_deltas_is_redacted() -> None:
    start = {
        "type": "content-start",
        "index": 0,
        "delta": {"message": {"content": {"type": "text", "text": ""}}},
    }
    out = payloads(inspect(sse([start, *deltas(WORDS), {"type": "content-end", "index": 0}, END])))
    text = "".join(
        p["delta"]["message"]["content"].get("text", "")
        for p in out
        if p["type"] in ("content-start", "content-delta")
    )
    assert text == WORDS.replace("SECRET42", "<OPENAI_API_KEY>")
    assert out[-2] == {
        "type": "content-end",
        "index": 0,
    }  # held text went out before the block ended


def test_tool_call_arguments_are_held_and_scanned_whole() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": ""}}
    args = json.dumps({"q": "SECRET5", "n": 1})
    frags = [
        {
            "type": "tool-call-delta",
            "index": 0,
            "delta": {"message": {"tool_calls": {"function": {"arguments": args[i : i + 3]}}}},
        }
        for i in range(0, len(args), 3)
    ]
    events = [
        {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": call}}},
        *frags,
        {"type": "tool-call-end", "index": 0},
        END,
    ]
    out = payloads(inspect(sse(events)))
    assembled = "".join(
        p["delta"]["message"]["tool_calls"]["function"].get("arguments", "")
        for p in out
        if p["type"] in ("tool-call-start", "tool-call-delta")
    )
    assert json.loads(assembled) == {"q": "<OPENAI_API_KEY>", "n": 1}


def test_a_block_ends_with_a_message_end_error_the_sdk_reads() -> None:
    out = inspect(sse([*deltas(WORDS), END]), BLOCK)
    assert b"SECRET42" not in out
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=out, headers={"content-type": "text/event-stream"})
    )
    client = cohere.ClientV2(api_key="k", httpx_client=httpx.Client(transport=transport))
    last = list(client.chat_stream(model="m", messages=[{"role": "user", "content": "hi"}]))[-1]
    assert last.type == "message-end" and last.delta.finish_reason == "ERROR" and last.delta.error


def test_a_stream_without_message_end_is_truncated() -> None:
    assert DIALECT.stream is not None
    inspector = StreamInspector(DIALECT.stream, fake_scan, REDACT, holdback=16)
    out = inspector(sse(deltas("some words"))) + inspector(b"")
    assert inspector.stats.truncated and payloads(out)[-1]["delta"]["finish_reason"] == "ERROR"


def test_usage_of_message_end() -> None:
    assert DIALECT.stream is not None
    from llmwall.routing.dialects.base import StreamEvent

    assert DIALECT.stream.usage(StreamEvent(raw=b"", data=END)) == {"tokens": {"output_tokens": 3}}
