from __future__ import annotations

import copy
import json
import re
from typing import Any

import httpx
import ollama
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.finding import Finding
from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.dialects.ollama import DIALECT
from llmwall.routing.providers import ProviderTable
from llmwall.routing.segment import (
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
ENV = {"model": "llama-test", "created_at": "2026-01-01T00:00:00Z"}
WORDS = "the key is SECRET42 and that is all there is to say about it"


def inspect(raw: bytes, policy: Any = REDACT, step: int = 11) -> tuple[bytes, StreamInspector]:
    assert DIALECT.stream is not None
    inspector = StreamInspector(DIALECT.stream, fake_scan, policy, holdback=16)
    out = [inspector(raw[i : i + step]) for i in range(0, len(raw), step)]
    return b"".join([*out, inspector(b"")]), inspector


def ndjson(lines: list[dict]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def chat_lines(text: str, key: str = "content") -> list[dict]:
    return [
        {
            **ENV,
            "message": {"role": "assistant", "content": "", key: text[i : i + 4]},
            "done": False,
        }
        for i in range(0, len(text), 4)
    ]


DONE = {
    **ENV,
    "message": {"role": "assistant", "content": ""},
    "done": True,
    "done_reason": "stop",
    "eval_count": 7,
}


def client(raw: bytes) -> ollama.Client:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=raw, headers={"content-type": "application/x-ndjson"})
    )
    return ollama.Client(host="http://localhost:11434", transport=transport)


@pytest.mark.parametrize(
    ("path", "body", "stream"),
    [
        ("/api/chat", {"messages": []}, True),  # Ollama streams by default
        ("/api/chat", {"messages": [], "stream": False}, False),
        ("/api/generate", {"prompt": "hi"}, True),
        ("/api/generate", {"prompt": "hi", "stream": True}, True),
        ("/api/embed", {"input": "hi"}, False),
        ("/api/embeddings", {"prompt": "hi"}, False),
    ],
)
def test_streams_unless_told_not_to(path: str, body: dict, stream: bool) -> None:
    assert DIALECT.wants_stream(body, path, "") is stream


def test_native_paths_map_to_this_dialect() -> None:
    table = ProviderTable()
    for path in ("/api/chat", "/api/generate", "/api/embed", "/api/embeddings"):
        match = table.identify("ollama.com", path)
        assert (
            match is not None and match.endpoint is not None and match.endpoint.dialect == "ollama"
        )


def test_request_positions_roles_and_trust() -> None:
    body = {
        "messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "u", "images": ["iVBO"]},
            {
                "role": "assistant",
                "content": "",
                "thinking": "t",
                "tool_calls": [{"function": {"name": "f", "arguments": {"q": ["a"]}}}],
            },
            {"role": "tool", "tool_name": "f", "content": "r"},
        ],
        "format": {"type": "object", "description": "schema"},
        "context": [1, 2, 3],
    }
    ex = DIALECT.extract_request(body)
    assert {s.path: (s.role, s.trust) for s in ex.segments if KEY not in s.path} == {
        ("messages", 0, "content"): (Role.SYSTEM, Trust.SYSTEM),
        ("messages", 1, "content"): (Role.USER, Trust.USER),
        ("messages", 2, "thinking"): (Role.ASSISTANT, Trust.MODEL),
        ("messages", 2, "tool_calls", 0, "function", "arguments", "q", 0): (
            Role.TOOL_CALL,
            Trust.MODEL,
        ),
        ("messages", 3, "content"): (Role.TOOL_RESULT, Trust.EXTERNAL),
        ("format", "type"): (Role.TOOL_DEFINITION, Trust.SYSTEM),
        ("format", "description"): (Role.TOOL_DEFINITION, Trust.SYSTEM),
    }
    assert ex.binary == (("messages", 1, "images", 0),)
    assert ex.opaque == ("token_ids",) and not DIALECT.portable(body)


def test_generate_and_embed_fields() -> None:
    body = {"prompt": "p", "system": "s", "suffix": "x", "template": "t", "images": ["iVBO"]}
    got = {s.path: s.role for s in DIALECT.extract_request(body).segments if KEY not in s.path}
    assert got == {
        ("prompt",): Role.USER,
        ("suffix",): Role.USER,
        ("system",): Role.SYSTEM,
        ("template",): Role.SYSTEM,
    }
    assert [s.path for s in DIALECT.extract_request({"input": ["a", "b"]}).segments] == [
        ("input", 0),
        ("input", 1),
    ]


def test_error_is_raised_by_the_sdk() -> None:
    shape = DIALECT.error(403, "blocked by policy", "llmwall_policy_block")
    transport = httpx.MockTransport(lambda r: httpx.Response(403, json=shape.body))
    with pytest.raises(ollama.ResponseError) as info:
        ollama.Client(transport=transport).chat(model="m", messages=[], stream=False)
    assert info.value.error == "blocked by policy" and info.value.status_code == 403


def test_usage_counters() -> None:
    assert DIALECT.usage({"prompt_eval_count": 3, "eval_count": 5}) == {
        "prompt_eval_count": 3,
        "eval_count": 5,
    }
    assert DIALECT.stream is not None
    assert DIALECT.stream.usage(StreamEvent(raw=b"", data=DONE)) == {"eval_count": 7}


# --- property ----------------------------------------------------------------------------

_text = st.text(max_size=12)
_leafy = st.recursive(
    st.none() | st.integers() | _text,
    lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=4), ch, max_size=3),
    max_leaves=8,
)
_message = st.builds(
    lambda role, content, thinking, args: {
        "role": role,
        "content": content,
        "thinking": thinking,
        "tool_calls": [{"function": {"name": "f", "arguments": args}}],
    },
    st.sampled_from(["system", "user", "assistant", "tool"]),
    _text,
    _text,
    st.dictionaries(st.text(max_size=4), _leafy, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_message, max_size=4), _text, _text, st.lists(_text, max_size=3))
def test_write_back_without_findings_changes_nothing(
    messages: list, prompt: str, system: str, inputs: list
) -> None:
    for body in ({"messages": messages}, {"prompt": prompt, "system": system}, {"input": inputs}):
        original = copy.deepcopy(body)
        ex = DIALECT.extract_request(body)
        assert jsonpath.set_many(body, {s.path: s.text for s in ex.segments}) == original


# --- streams -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["content", "thinking"])
def test_chat_text_split_across_lines_is_redacted(key: str) -> None:
    out, _ = inspect(ndjson([*chat_lines(WORDS, key), DONE]))
    parts = list(client(out).chat(model="m", messages=[], stream=True))
    assert "".join(getattr(p.message, key) or "" for p in parts) == WORDS.replace(
        "SECRET42", "<OPENAI_API_KEY>"
    )
    assert parts[-1].done


def test_generate_response_split_across_lines_is_redacted() -> None:
    lines = [{**ENV, "response": WORDS[i : i + 4], "done": False} for i in range(0, len(WORDS), 4)]
    out, _ = inspect(ndjson([*lines, {**ENV, "response": "", "done": True}]))
    parts = list(client(out).generate(model="m", prompt="hi", stream=True))
    assert "".join(p.response for p in parts) == WORDS.replace("SECRET42", "<OPENAI_API_KEY>")


def test_tool_call_arguments_are_redacted_and_held_text_is_not_late() -> None:
    call = {
        **ENV,
        "message": {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "f", "arguments": {"q": "SECRET3"}}}],
        },
        "done": False,
    }
    out, _ = inspect(ndjson([*chat_lines("let me check that"), call, DONE]))
    lines = [json.loads(line) for line in out.splitlines()]
    call_at = next(i for i, line in enumerate(lines) if line["message"].get("tool_calls"))
    assert lines[call_at]["message"]["tool_calls"][0]["function"]["arguments"] == {
        "q": "<OPENAI_API_KEY>"
    }
    # held text is flushed no later than the call's own line
    held = "".join(line["message"]["content"] for line in lines[: call_at + 1])
    assert held == "let me check that"


def test_a_block_ends_with_an_error_line_the_sdk_raises() -> None:
    out, inspector = inspect(ndjson([*chat_lines(WORDS), DONE]), BLOCK)
    assert b"SECRET42" not in out and inspector.stats.action.value == "block"
    with pytest.raises(ollama.ResponseError):
        list(client(out).chat(model="m", messages=[], stream=True))


def test_an_upstream_error_line_is_terminal() -> None:
    _, inspector = inspect(ndjson([*chat_lines("hi there"), {"error": "model crashed"}]))
    assert inspector.stats.upstream_error and inspector.stats.completed


@pytest.mark.parametrize("cut", [b"", b'{"model": "llama-test", "message": {"con'])
def test_a_stream_without_done_ends_with_an_error(cut: bytes) -> None:
    out, inspector = inspect(ndjson(chat_lines("partial answer")) + cut)
    assert inspector.stats.truncated
    assert json.loads(out.splitlines()[-1]) == {"error": "upstream stream ended before completion"}
