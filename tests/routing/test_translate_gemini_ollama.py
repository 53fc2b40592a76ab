"""OpenAI Chat -> Gemini and -> Ollama native, answers back (and Anthropic clients via OpenAI)."""

from __future__ import annotations

import json

import pytest

from llmwall.errors import TranslationError
from llmwall.routing.framing.sse import SSEFraming
from llmwall.routing.translate import translator

TOOL = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
CHAT = {
    "model": "gpt-x",
    "max_tokens": 99,
    "temperature": 0.5,
    "stop": "END",
    "messages": [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "q"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": '{"q":"a"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"balance": 10}'},
        {"role": "user", "content": "and?"},
    ],
    "tools": [TOOL],
}


def test_chat_to_gemini_request() -> None:
    out = translator("openai_chat", "gemini").request(CHAT, "gemini-x")
    assert out["systemInstruction"] == {"parts": [{"text": "S"}]}
    assert [c["role"] for c in out["contents"]] == ["user", "model", "user"]
    assert out["contents"][1]["parts"] == [{"functionCall": {"name": "lookup", "args": {"q": "a"}}}]
    assert out["contents"][2]["parts"][0] == {
        "functionResponse": {"name": "lookup", "response": {"balance": 10}}
    }
    assert out["generationConfig"] == {
        "maxOutputTokens": 99,
        "temperature": 0.5,
        "stopSequences": ["END"],
    }
    assert out["tools"] == [
        {"functionDeclarations": [{"name": "lookup", "parametersJsonSchema": {"type": "object"}}]}
    ]


def test_gemini_response_and_stream_to_chat() -> None:
    t = translator("openai_chat", "gemini")
    body = {
        "responseId": "r1",
        "modelVersion": "gemini-x",
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"text": "thinking", "thought": True},
                        {"functionCall": {"name": "lookup", "args": {"q": 1}}},
                    ],
                },
                "finishReason": "STOP",
            }
        ],
        "usageMetadata": {
            "promptTokenCount": 4,
            "candidatesTokenCount": 2,
            "thoughtsTokenCount": 1,
            "totalTokenCount": 7,
        },
    }
    out = t.response(body)
    choice = out["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    assert (
        choice["message"]["tool_calls"][0]["id"]
        == t.response(body)["choices"][0]["message"]["tool_calls"][0]["id"]
    ), "minted ids are deterministic"
    assert out["usage"]["completion_tokens"] == 3
    stream = t.stream({"stream": True, "stream_options": {"include_usage": True}}, "gemini-x")
    raw = b"".join(
        b"data: " + json.dumps(e).encode() + b"\r\n\r\n"
        for e in [
            {"responseId": "r1", "candidates": [{"content": {"parts": [{"text": "Hel"}]}}]},
            {
                "responseId": "r1",
                "candidates": [{"content": {"parts": [{"text": "lo"}]}, "finishReason": "STOP"}],
                "usageMetadata": body["usageMetadata"],
            },
        ]
    )
    framing = SSEFraming()
    events = framing.feed(stream(raw) + stream(b""))
    chunks = [e.data for e in events if e.data]
    assert (
        "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        == "Hello"
    )
    assert events[-1].meta["sentinel"] == "[DONE]" and chunks[-1]["usage"]["total_tokens"] == 7


def test_gemini_stream_without_finish_is_left_unterminated() -> None:
    stream = translator("openai_chat", "gemini").stream({"stream": True}, "g")
    out = stream(b'data: {"candidates":[{"content":{"parts":[{"text":"Hel"}]}}]}\n\n') + stream(b"")
    assert b"[DONE]" not in out


def test_chat_to_ollama_request_and_back() -> None:
    t = translator("openai_chat", "ollama")
    out = t.request({**CHAT, "stream": True}, "llama3")
    assert out["stream"] is True and out["model"] == "llama3"
    assert out["options"] == {"num_predict": 99, "temperature": 0.5, "stop": ["END"]}
    assert out["messages"][2]["tool_calls"] == [
        {"function": {"name": "lookup", "arguments": {"q": "a"}}}
    ]
    assert out["messages"][3] == {
        "role": "tool",
        "tool_name": "lookup",
        "content": '{"balance": 10}',
    }
    assert t.request(CHAT, None)["stream"] is False, "Ollama streams by default: always say so"
    reply = {
        "model": "llama3",
        "created_at": "t",
        "message": {"role": "assistant", "content": "10 euros"},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 5,
        "eval_count": 3,
    }
    back = t.response(reply)
    assert (
        back["choices"][0]["message"]["content"] == "10 euros"
        and back["usage"]["total_tokens"] == 8
    )
    stream = t.stream({"stream": True})
    lines = [
        {
            "model": "llama3",
            "created_at": "t",
            "message": {"role": "assistant", "content": "10 "},
            "done": False,
        },
        {
            "model": "llama3",
            "created_at": "t",
            "message": {"role": "assistant", "content": "euros"},
            "done": False,
        },
        {**reply, "message": {"role": "assistant", "content": ""}},
    ]
    raw = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
    events = SSEFraming().feed(stream(raw[:17]) + stream(raw[17:]) + stream(b""))
    assert (
        "".join(e.data["choices"][0]["delta"].get("content") or "" for e in events if e.data)
        == "10 euros"
    )
    assert events[-1].meta["sentinel"] == "[DONE]"


def test_anthropic_clients_reach_ollama_through_openai_chat() -> None:
    t = translator("anthropic", "ollama")
    out = t.request(
        {
            "model": "c",
            "max_tokens": 10,
            "system": "S",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": True,
        },
        "llama3",
    )
    assert out["messages"] == [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "hi"},
    ]
    stream = t.stream({"stream": True})
    raw = (
        json.dumps(
            {"model": "llama3", "created_at": "t", "message": {"content": "yo"}, "done": False}
        ).encode()
        + b"\n"
    )
    raw += (
        json.dumps(
            {
                "model": "llama3",
                "created_at": "t",
                "message": {"content": ""},
                "done": True,
                "done_reason": "stop",
                "eval_count": 1,
            }
        ).encode()
        + b"\n"
    )
    events = SSEFraming().feed(stream(raw) + stream(b""))
    assert [e.name for e in events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_unknown_pairs_and_untranslatable() -> None:
    assert translator("gemini", "anthropic") is None
    assert translator("openai_responses", "anthropic") is None
    assert translator("openai_responses", "openai_responses") is not None
    with pytest.raises(TranslationError):
        translator("openai_chat", "ollama").request({**CHAT, "tool_choice": "required"}, "m")
    with pytest.raises(TranslationError, match="end with a user turn"):
        translator("openai_chat", "gemini").request(
            {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
            "g",
        )


def test_every_sampling_option_keeps_its_value_under_the_target_name() -> None:
    from llmwall.routing.translate.openai_gemini import chat_to_gemini_request
    from llmwall.routing.translate.openai_ollama import chat_to_ollama_request

    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "max_completion_tokens": 7,
        "temperature": 0.2,
        "top_p": 0.9,
        "seed": 3,
        "presence_penalty": 0.1,
        "frequency_penalty": 0.4,
        "stop": "END",
    }
    assert chat_to_gemini_request(body)["generationConfig"] == {
        "maxOutputTokens": 7, "temperature": 0.2, "topP": 0.9, "seed": 3,
        "presencePenalty": 0.1, "frequencyPenalty": 0.4, "stopSequences": ["END"],
    }  # fmt: skip
    assert chat_to_ollama_request(body, None)["options"] == {
        "num_predict": 7, "temperature": 0.2, "top_p": 0.9, "seed": 3,
        "presence_penalty": 0.1, "frequency_penalty": 0.4, "stop": ["END"],
    }  # fmt: skip
