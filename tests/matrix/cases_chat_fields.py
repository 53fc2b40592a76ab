"""Coverage cases for the chat fields outside the messages' text (issue 13, item 3-5):
end-user ids, metadata, names, stop sequences, cache keys, unknown top-level fields,
http image URLs, object keys in tool arguments and schemas, a secret split across two
text parts, and text-typed base64 parts (OpenAI, Responses, Anthropic, Gemini)."""

from __future__ import annotations

import base64
import json

from tests.matrix import sdk
from tests.matrix.harness import Case


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _chat(**extra: object) -> dict:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}], **extra}


def _chat_parts(parts: list) -> dict:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": parts}]}


def _half(s: str) -> tuple[str, str]:
    return s[: len(s) // 2], s[len(s) // 2 :]


OPENAI = [
    ("user", lambda s: _chat(user=f"end user {s}")),
    ("metadata.*", lambda s: _chat(metadata={"owner": f"key {s}"})),
    ("metadata (key)", lambda s: _chat(metadata={s: "x"})),
    ("safety_identifier", lambda s: _chat(safety_identifier=s)),
    ("prompt_cache_key", lambda s: _chat(prompt_cache_key=f"k {s}")),
    ("stop (string)", lambda s: _chat(stop=f"STOP {s}")),
    ("stop[]", lambda s: _chat(stop=["END", f"STOP {s}"])),
    (
        "messages[].name",
        lambda s: {"model": "m", "messages": [{"role": "user", "name": s, "content": "hi"}]},
    ),
    ("unknown top-level field", lambda s: _chat(provider_extension={"note": f"key {s}"})),
    ("unknown top-level field (nested JSON string)", lambda s: _chat(extra=json.dumps({"k": s}))),
    (
        "messages[].content[].image_url.url (http query)",
        lambda s: _chat_parts(
            [{"type": "image_url", "image_url": {"url": f"https://img.example/a.png?token={s}"}}]
        ),
    ),
    (
        "messages[].content[].file.file_data (data:text/plain;base64)",
        lambda s: _chat_parts(
            [
                {
                    "type": "file",
                    "file": {
                        "filename": "notes.txt",
                        "file_data": "data:text/plain;base64," + _b64(f"the key is {s}"),
                    },
                }
            ]
        ),
    ),
    (
        "messages[].content[].text split across two parts",
        lambda s: _chat_parts(
            [{"type": "text", "text": f"key {_half(s)[0]}"}, {"type": "text", "text": _half(s)[1]}]
        ),
    ),
    (
        "messages[].tool_calls[].function.arguments (key)",
        lambda s: {
            "model": "m",
            "messages": [
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "f", "arguments": json.dumps({s: 1})},
                        }
                    ],
                }
            ],
        },
    ),
    (
        "tools[].function.parameters.properties (key)",
        lambda s: _chat(
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "f",
                        "parameters": {"type": "object", "properties": {s: {"type": "string"}}},
                    },
                }
            ]
        ),
    ),
]

RESPONSES = [
    ("user", lambda s: {"model": "m", "input": "hi", "user": f"u {s}"}),
    ("metadata.*", lambda s: {"model": "m", "input": "hi", "metadata": {"who": s}}),
    ("safety_identifier", lambda s: {"model": "m", "input": "hi", "safety_identifier": s}),
    ("prompt_cache_key", lambda s: {"model": "m", "input": "hi", "prompt_cache_key": s}),
    ("unknown top-level field", lambda s: {"model": "m", "input": "hi", "new_field": [s]}),
    (
        "input[].content[].file_data (data:text/csv;base64)",
        lambda s: {
            "model": "m",
            "input": [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "input_file",
                            "filename": "a.csv",
                            "file_data": "data:text/csv;base64," + _b64(f"name,key\nbob,{s}\n"),
                        }
                    ],
                }
            ],
        },
    ),
    (
        "input[].content[].text split across two parts",
        lambda s: {
            "model": "m",
            "input": [
                {
                    "role": "user",
                    "content": [
                        {"type": "input_text", "text": f"key {_half(s)[0]}"},
                        {"type": "input_text", "text": _half(s)[1]},
                    ],
                }
            ],
        },
    ),
]

ANTHROPIC = [
    (
        "metadata.user_id",
        lambda s: {"model": "m", "max_tokens": 5, "messages": [], "metadata": {"user_id": s}},
    ),
    (
        "stop_sequences[]",
        lambda s: {"model": "m", "max_tokens": 5, "messages": [], "stop_sequences": [s]},
    ),
    ("unknown top-level field", lambda s: {"model": "m", "max_tokens": 5, "messages": [], "x": s}),
    (
        "messages[].content[].source.data (base64, text/plain)",
        lambda s: {
            "model": "m",
            "max_tokens": 5,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "document",
                            "source": {
                                "type": "base64",
                                "media_type": "text/plain",
                                "data": _b64(f"secret: {s}"),
                            },
                        }
                    ],
                }
            ],
        },
    ),
    (
        "messages[].content[].text split across two blocks",
        lambda s: {
            "model": "m",
            "max_tokens": 5,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": f"key {_half(s)[0]}"},
                        {"type": "text", "text": _half(s)[1]},
                    ],
                }
            ],
        },
    ),
    (
        "messages[].content[].input (tool_use key)",
        lambda s: {
            "model": "m",
            "max_tokens": 5,
            "messages": [
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {s: 1}}],
                }
            ],
        },
    ),
]

GEMINI = [
    (
        "contents[].parts[].inlineData.data (text/plain)",
        lambda s: {
            "contents": [
                {
                    "role": "user",
                    "parts": [{"inlineData": {"mimeType": "text/plain", "data": _b64(f"k {s}")}}],
                }
            ]
        },
    ),
    (
        "contents[].parts[].inlineData.data (application/json)",
        lambda s: {
            "contents": [
                {
                    "role": "user",
                    "parts": [
                        {
                            "inlineData": {
                                "mimeType": "application/json",
                                "data": _b64(json.dumps({"key": s})),
                            }
                        }
                    ],
                }
            ]
        },
    ),
    (
        "contents[].parts[].text split across two parts",
        lambda s: {
            "contents": [
                {"role": "user", "parts": [{"text": f"key {_half(s)[0]}"}, {"text": _half(s)[1]}]}
            ]
        },
    ),
]


def _accept_chat_request(body: dict) -> None:
    from openai.types.chat import CompletionCreateParams  # noqa: F401 (typed dict only)

    json.dumps(body)


CASES = [
    *(Case("openai_chat", p, "request", False, b) for p, b in OPENAI),
    *(Case("openai_responses", p, "request", False, b) for p, b in RESPONSES),
    *(Case("anthropic", p, "request", False, b) for p, b in ANTHROPIC),
    *(Case("gemini", p, "request", False, b) for p, b in GEMINI),
]
_ = sdk  # the response-side SDK checks live in the per-dialect case files
