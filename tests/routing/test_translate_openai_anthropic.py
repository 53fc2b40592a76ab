"""OpenAI Chat <-> Anthropic Messages: requests, responses, errors, streams, id mapping."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.errors import TranslationError
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.framing.sse import SSEFraming
from llmwall.routing.translate import movable, translator
from llmwall.routing.translate.ids import map_id

OA = translator("openai_chat", "anthropic")
AO = translator("anthropic", "openai_chat")
assert OA is not None and AO is not None

TOOL = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "Look up",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
    },
}
CHAT = {
    "model": "gpt-x",
    "stream": False,
    "temperature": 1.7,
    "stop": ["END", " "],
    "parallel_tool_calls": False,
    "messages": [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "Find acct 1"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_abc",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": '{"q":"1"}'},
                },
                {
                    "id": "call_def",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": '{"q":"2"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_abc", "content": "10"},
        {"role": "tool", "tool_call_id": "call_def", "content": "20"},
        {"role": "developer", "content": "Answer in euros."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "sum?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
            ],
        },
    ],
    "tools": [TOOL],
    "tool_choice": "required",
}


def test_chat_request_to_anthropic() -> None:
    out = OA.request(CHAT, "claude-x", max_tokens=1234)
    assert out["model"] == "claude-x" and out["max_tokens"] == 1234
    assert out["system"] == "Be terse.\n\nAnswer in euros."
    assert out["temperature"] == 1.0 and out["stop_sequences"] == ["END"]
    roles = [m["role"] for m in out["messages"]]
    assert roles == ["user", "assistant", "user"], (
        "tool results and the next user turn merge into one user turn"
    )
    uses = [b for b in out["messages"][1]["content"] if b["type"] == "tool_use"]
    results = [b for b in out["messages"][2]["content"] if b["type"] == "tool_result"]
    assert [u["id"] for u in uses] == [r["tool_use_id"] for r in results]
    assert uses[0]["input"] == {"q": "1"} and uses[0]["id"].startswith("toolu_")
    assert out["messages"][2]["content"][-1]["type"] == "image", (
        "tool results come before the user's own content"
    )
    assert out["tools"] == [
        {"name": "lookup", "description": "Look up", "input_schema": TOOL["function"]["parameters"]}
    ]
    assert out["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert "stream" not in out


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"n": 2}, "n"),
        ({"response_format": {"type": "json_schema", "json_schema": {}}}, "response_format"),
        (
            {
                "messages": [
                    {"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}
                ]
            },
            "input_audio",
        ),
        ({"messages": [{"role": "assistant", "content": "hi"}]}, "start with a user turn"),
        ({"audio": {"voice": "x"}}, "audio"),
        ({"tools": [{"type": "custom", "custom": {"name": "x"}}]}, "tools[0]"),
    ],
)
def test_untranslatable_requests_raise_naming_the_field(change: dict, field: str) -> None:
    with pytest.raises(TranslationError, match=field.replace("[", r"\[")):
        OA.request({**CHAT, **change}, "c")


def test_anthropic_response_to_chat() -> None:
    msg = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "stop_reason": "tool_use",
        "content": [
            {"type": "text", "text": "Looking"},
            {"type": "tool_use", "id": "toolu_9", "name": "lookup", "input": {"q": "x"}},
        ],
        "usage": {"input_tokens": 10, "cache_read_input_tokens": 5, "output_tokens": 3},
    }
    out = OA.response(msg)
    choice = out["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Looking"
    call = choice["message"]["tool_calls"][0]
    assert call["id"] == map_id("toolu_9", "call_") and json.loads(
        call["function"]["arguments"]
    ) == {"q": "x"}
    assert out["usage"] == {
        "prompt_tokens": 15,
        "completion_tokens": 3,
        "total_tokens": 18,
        "prompt_tokens_details": {"cached_tokens": 5},
    }


def test_anthropic_request_to_chat_and_back_response() -> None:
    body = {
        "model": "claude-x",
        "max_tokens": 50,
        "system": [{"type": "text", "text": "S"}],
        "stop_sequences": ["X"],
        "tools": [{"name": "lookup", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "any"},
        "stream": True,
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": 1}}
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": [{"type": "text", "text": "ok"}],
                    },
                    {"type": "text", "text": "and?"},
                ],
            },
        ],
    }
    out = AO.request(body, "gpt-y")
    assert (
        out["model"] == "gpt-y"
        and out["max_tokens"] == 50
        and out["stop"] == ["X"]
        and out["tool_choice"] == "required"
    )
    assert out["stream_options"] == {"include_usage": True}
    assert [m["role"] for m in out["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert out["messages"][2]["tool_calls"][0]["id"] == out["messages"][3]["tool_call_id"]
    completion = {
        "id": "c1",
        "model": "gpt-y",
        "choices": [
            {
                "index": 0,
                "finish_reason": "length",
                "message": {"role": "assistant", "content": "partial"},
            }
        ],
        "usage": {
            "prompt_tokens": 9,
            "completion_tokens": 2,
            "prompt_tokens_details": {"cached_tokens": 4},
        },
    }
    back = AO.response(completion)
    assert (
        back["type"] == "message"
        and back["stop_reason"] == "max_tokens"
        and back["content"] == [{"type": "text", "text": "partial"}]
    )
    assert back["usage"]["input_tokens"] == 5 and back["usage"]["cache_read_input_tokens"] == 4


def test_errors_take_the_clients_shape() -> None:
    shape = OA.error(
        529,
        json.dumps(
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        ).encode(),
    )
    assert shape.status == 503 and shape.body["error"]["message"] == "Overloaded"
    shape = AO.error(
        429, json.dumps({"error": {"message": "slow down", "type": "rate_limit_exceeded"}}).encode()
    )
    assert shape.status == 429 and shape.body == {
        "type": "error",
        "error": {"type": "rate_limit_error", "message": "slow down"},
    }


def _sse(events: list[dict]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


ANTHROPIC_STREAM = [
    {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "model": "claude-x",
            "content": [],
            "usage": {"input_tokens": 7},
        },
    },
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "ping"},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}},
    {"type": "content_block_stop", "index": 0},
    {
        "type": "content_block_start",
        "index": 1,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}},
    },
    {
        "type": "content_block_delta",
        "index": 1,
        "delta": {"type": "input_json_delta", "partial_json": '{"q": '},
    },
    {
        "type": "content_block_delta",
        "index": 1,
        "delta": {"type": "input_json_delta", "partial_json": '"x"}'},
    },
    {"type": "content_block_stop", "index": 1},
    {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 12}},
    {"type": "message_stop"},
]


def _chunks(raw: bytes) -> list[StreamEvent]:
    framing = SSEFraming()
    return framing.feed(raw) + framing.finish()


@pytest.mark.parametrize("split", [1, 7, 10_000])
def test_anthropic_stream_to_chat_chunks(split: int) -> None:
    stream = OA.stream({"stream": True, "stream_options": {"include_usage": True}})
    raw = _sse(ANTHROPIC_STREAM)
    out = b"".join(stream(raw[i : i + split]) for i in range(0, len(raw), split)) + stream(b"")
    events = _chunks(out)
    assert events[-1].meta.get("sentinel") == "[DONE]"
    chunks = [e.data for e in events if e.data]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "Hello"
    calls = [
        tc
        for c in chunks
        if c["choices"]
        for tc in c["choices"][0]["delta"].get("tool_calls") or ()
    ]
    assert calls[0]["id"] == map_id("toolu_1", "call_") and calls[0]["function"]["name"] == "lookup"
    assert "".join(tc["function"]["arguments"] for tc in calls) == '{"q": "x"}'
    assert [
        c["choices"][0]["finish_reason"]
        for c in chunks
        if c["choices"] and c["choices"][0]["finish_reason"]
    ] == ["tool_calls"]
    assert (
        chunks[-1]["usage"]["completion_tokens"] == 12 and chunks[-1]["usage"]["prompt_tokens"] == 7
    )


def test_a_cut_anthropic_stream_gets_no_terminal_event() -> None:
    stream = OA.stream({"stream": True})
    out = stream(_sse(ANTHROPIC_STREAM[:5])) + stream(b"")
    assert b"[DONE]" not in out and b'finish_reason":"stop' not in out


def test_anthropic_mid_stream_error_becomes_an_openai_error_chunk() -> None:
    stream = OA.stream({"stream": True})
    out = stream(
        _sse(
            [
                ANTHROPIC_STREAM[0],
                {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            ]
        )
    ) + stream(b"")
    events = _chunks(out)
    assert (
        events[-2].data["error"]["type"] == "overloaded_error"
        and events[-1].meta["sentinel"] == "[DONE]"
    )


def _openai_sse(chunks: list[dict]) -> bytes:
    return (
        b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
    )


def test_openai_stream_to_anthropic_events() -> None:
    env = {"id": "c1", "object": "chat.completion.chunk", "model": "gpt-y"}
    chunks = [
        {**env, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
        {**env, "choices": [{"index": 0, "delta": {"content": "Hi "}}]},
        {**env, "choices": [{"index": 0, "delta": {"content": "there", "tool_calls": None}}]},
        {
            **env,
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": "lookup", "arguments": ""},
                            }
                        ]
                    },
                }
            ],
        },
        {
            **env,
            "choices": [
                {
                    "index": 0,
                    "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '{"q":1}'}}]},
                }
            ],
        },
        {**env, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {**env, "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}},
    ]
    stream = AO.stream({"stream": True})
    events = _chunks(stream(_openai_sse(chunks)) + stream(b""))
    types = [e.data["type"] for e in events]
    assert types == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert all(e.name == e.data["type"] for e in events)
    assert events[5].data["content_block"]["id"] == map_id("call_1", "toolu_")
    assert (
        events[-2].data["delta"]["stop_reason"] == "tool_use"
        and events[-2].data["usage"]["output_tokens"] == 4
    )


def test_movable() -> None:
    assert movable("openai_chat", CHAT) is None
    assert (
        movable(
            "anthropic",
            {
                "messages": [
                    {
                        "role": "assistant",
                        "content": [{"type": "thinking", "thinking": "t", "signature": "s"}],
                    }
                ]
            },
        )
        == "signed_reasoning"
    )
    assert movable("anthropic", {"messages": [], "container": "c1"}) == "server_state"
    assert (
        movable(
            "anthropic",
            {"messages": [], "tools": [{"type": "web_search_20250305", "name": "web_search"}]},
        )
        == "server_tool"
    )
    assert (
        movable(
            "anthropic",
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "document", "source": {"type": "file", "file_id": "f"}}
                        ],
                    }
                ]
            },
        )
        == "file_id"
    )
    assert (
        movable("openai_responses", {"input": "x", "previous_response_id": "resp_1"})
        == "server_state"
    )
    assert (
        movable(
            "openai_chat",
            {
                "messages": [
                    {"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]}
                ]
            },
        )
        == "file_id"
    )


# --- properties ------------------------------------------------------------------------

ids_st = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
)


@st.composite
def tool_conversations(draw: st.DrawFn) -> dict:
    messages: list[dict] = [{"role": "user", "content": draw(st.text(min_size=1, max_size=20))}]
    for _ in range(draw(st.integers(1, 3))):
        call_ids = draw(st.lists(ids_st, min_size=1, max_size=3, unique=True))
        messages.append(
            {
                "role": "assistant",
                "content": draw(st.one_of(st.none(), st.text(max_size=10))),
                "tool_calls": [
                    {
                        "id": i,
                        "type": "function",
                        "function": {
                            "name": "f",
                            "arguments": json.dumps({"a": draw(st.integers())}),
                        },
                    }
                    for i in call_ids
                ],
            }
        )
        messages += [
            {"role": "tool", "tool_call_id": i, "content": draw(st.text(max_size=10))}
            for i in call_ids
        ]
        messages.append({"role": "user", "content": draw(st.text(min_size=1, max_size=10))})
    return {"model": "m", "messages": messages, "tools": [TOOL]}


@settings(max_examples=60, deadline=None)
@given(tool_conversations())
def test_request_translation_is_deterministic_and_ids_pair_up(body: dict) -> None:
    first = OA.request(body, "c")
    assert OA.request(json.loads(json.dumps(body)), "c") == first, (
        "the same conversation must map the same way next turn"
    )
    uses = [b["id"] for m in first["messages"] for b in m["content"] if b["type"] == "tool_use"]
    results = [
        b["tool_use_id"]
        for m in first["messages"]
        for b in m["content"]
        if b["type"] == "tool_result"
    ]
    assert uses == results
    assert all(u.startswith("toolu_") and u.replace("_", "").isalnum() for u in uses)
    # a longer conversation (the next turn) maps its shared prefix identically
    longer = {
        **body,
        "messages": [
            *body["messages"],
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "more"},
        ],
    }
    assert (
        OA.request(longer, "c")["messages"][: len(first["messages"]) - 1] == first["messages"][:-1]
    )


@settings(max_examples=60, deadline=None)
@given(
    st.text(min_size=1, max_size=40),
    st.lists(
        st.tuples(ids_st, st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)),
        max_size=3,
        unique_by=lambda t: t[0],
    ),
    st.sampled_from(["end_turn", "max_tokens", "tool_use", "stop_sequence"]),
)
def test_response_round_trip_anthropic_openai_anthropic(text: str, calls: list, stop: str) -> None:
    msg = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "c",
        "stop_reason": stop,
        "content": [{"type": "text", "text": text}]
        + [{"type": "tool_use", "id": i, "name": "f", "input": args} for i, args in calls],
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    back = AO.response(OA.response(msg))
    assert [b.get("text") for b in back["content"] if b["type"] == "text"] == [text]
    assert [b["input"] for b in back["content"] if b["type"] == "tool_use"] == [a for _, a in calls]
    assert back["stop_reason"] == ("end_turn" if stop == "stop_sequence" else stop)
    assert back["usage"]["input_tokens"] == 3 and back["usage"]["output_tokens"] == 4
