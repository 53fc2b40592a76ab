"""Coverage cases for OpenAI Chat Completions (and every OpenAI-compatible provider)."""

from __future__ import annotations

import json

from tests.matrix import sdk
from tests.matrix.harness import Case

D = "openai_chat"


def _req(messages: list, **extra: object) -> dict:
    return {"model": "gpt-test", "messages": messages, **extra}


def _resp(message: dict) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-test",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}
        ],
    }


def _sse(chunks: list[dict]) -> list[bytes]:
    env = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-test"}
    out = [b"data: " + json.dumps({**env, **c}).encode() + b"\n\n" for c in chunks]
    return [*out, b"data: [DONE]\n\n"]


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def _text_stream(secret: str, key: str = "content") -> list[bytes]:
    words = f"Here is the key you asked for: {secret} keep it safe, it was in the config."
    first = {
        "choices": [{"index": 0, "delta": {"role": "assistant", key: ""}, "finish_reason": None}]
    }
    deltas = [
        {"choices": [{"index": 0, "delta": {key: p}, "finish_reason": None}]} for p in _split(words)
    ]
    last = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    return _sse([first, *deltas, last])


def _tool_stream(secret: str) -> list[bytes]:
    args = json.dumps({"query": f"token {secret}", "limit": 3})
    head = {
        "choices": [
            {
                "index": 0,
                "delta": {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "lookup", "arguments": ""},
                        }
                    ],
                },
                "finish_reason": None,
            }
        ]
    }
    frags = [
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {"tool_calls": [{"index": 0, "function": {"arguments": p}}]},
                    "finish_reason": None,
                }
            ]
        }
        for p in _split(args, 3)
    ]
    last = {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
    return _sse([head, *frags, last])


CASES = [
    Case(
        D,
        "messages[].content (system)",
        "request",
        False,
        lambda s: _req(
            [{"role": "system", "content": f"Use key {s}"}, {"role": "user", "content": "hi"}]
        ),
    ),
    Case(
        D,
        "messages[].content (developer)",
        "request",
        False,
        lambda s: _req([{"role": "developer", "content": f"Use key {s}"}]),
    ),
    Case(
        D,
        "messages[].content (user string)",
        "request",
        False,
        lambda s: _req([{"role": "user", "content": f"my key is {s}"}]),
    ),
    Case(
        D,
        "messages[].content[].text (user parts)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": f"key {s}"},
                        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                    ],
                }
            ]
        ),
    ),
    Case(
        D,
        "messages[].content (assistant history)",
        "request",
        False,
        lambda s: _req(
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": f"the key is {s}"}]
        ),
    ),
    Case(
        D,
        "messages[].refusal",
        "request",
        False,
        lambda s: _req([{"role": "assistant", "content": None, "refusal": f"cannot share {s}"}]),
    ),
    Case(
        D,
        "messages[].tool_calls[].function.arguments",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "f", "arguments": json.dumps({"k": s})},
                        }
                    ],
                }
            ]
        ),
    ),
    Case(
        D,
        "messages[].content (tool result)",
        "request",
        False,
        lambda s: _req([{"role": "tool", "tool_call_id": "call_1", "content": f"result: {s}"}]),
    ),
    Case(
        D,
        "messages[].content[].text (tool result parts)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "role": "tool",
                    "tool_call_id": "call_1",
                    "content": [{"type": "text", "text": f"result {s}"}],
                }
            ]
        ),
    ),
    Case(
        D,
        "tools[].function.description",
        "request",
        False,
        lambda s: _req(
            [{"role": "user", "content": "hi"}],
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "f",
                        "description": f"uses {s}",
                        "parameters": {"type": "object"},
                    },
                }
            ],
        ),
    ),
    Case(
        D,
        "tools[].function.parameters (schema strings)",
        "request",
        False,
        lambda s: _req(
            [{"role": "user", "content": "hi"}],
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "f",
                        "parameters": {
                            "type": "object",
                            "properties": {"q": {"type": "string", "description": f"default {s}"}},
                        },
                    },
                }
            ],
        ),
    ),
    Case(
        D,
        "response_format.json_schema",
        "request",
        False,
        lambda s: _req(
            [{"role": "user", "content": "hi"}],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "x", "schema": {"type": "object", "description": f"k {s}"}},
            },
        ),
    ),
    Case(
        D,
        "prediction.content",
        "request",
        False,
        lambda s: _req(
            [{"role": "user", "content": "hi"}],
            prediction={"type": "content", "content": f"old {s}"},
        ),
    ),
    Case(
        D,
        "choices[].message.content",
        "response",
        False,
        lambda s: _resp({"content": f"Your key: {s}"}),
        sdk.openai_chat_body,
    ),
    Case(
        D,
        "choices[].message.refusal",
        "response",
        False,
        lambda s: _resp({"content": None, "refusal": f"I cannot share {s}"}),
        sdk.openai_chat_body,
    ),
    Case(
        D,
        "choices[].message.tool_calls[].function.arguments",
        "response",
        False,
        lambda s: _resp(
            {
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "f", "arguments": json.dumps({"k": s})},
                    }
                ],
            }
        ),
        sdk.openai_chat_body,
    ),
    Case(D, "choices[].delta.content", "response", True, _text_stream, sdk.openai_chat_stream),
    Case(
        D,
        "choices[].delta.refusal",
        "response",
        True,
        lambda s: _text_stream(s, "refusal"),
        sdk.openai_chat_stream,
    ),
    Case(
        D,
        "choices[].delta.tool_calls[].function.arguments",
        "response",
        True,
        _tool_stream,
        sdk.openai_chat_stream,
    ),
]
