"""Coverage cases for Anthropic Messages (also Vertex rawPredict, OpenRouter/Ollama /messages)."""

from __future__ import annotations

import json

from tests.matrix import sdk
from tests.matrix.harness import Case

D = "anthropic"


def _req(messages: list, **extra: object) -> dict:
    return {"model": "claude-test", "max_tokens": 100, "messages": messages, **extra}


def _user(*blocks: dict) -> dict:
    return {"role": "user", "content": list(blocks)}


def _resp(*blocks: dict) -> dict:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": list(blocks),
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def _sse(events: list[dict]) -> list[bytes]:
    return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def _stream(blocks: list[tuple[str, str]]) -> list[bytes]:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": "claude-test",
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 1},
        },
    }
    events = [start]
    for i, (kind, text) in enumerate(blocks):
        if kind == "text":
            events.append(
                {
                    "type": "content_block_start",
                    "index": i,
                    "content_block": {"type": "text", "text": ""},
                }
            )
            events.append({"type": "ping"})
            events += [
                {
                    "type": "content_block_delta",
                    "index": i,
                    "delta": {"type": "text_delta", "text": p},
                }
                for p in _split(text)
            ]
        else:
            events.append(
                {
                    "type": "content_block_start",
                    "index": i,
                    "content_block": {
                        "type": "tool_use",
                        "id": "toolu_1",
                        "name": "lookup",
                        "input": {},
                    },
                }
            )
            events += [
                {
                    "type": "content_block_delta",
                    "index": i,
                    "delta": {"type": "input_json_delta", "partial_json": p},
                }
                for p in _split(text, 3)
            ]
        events.append({"type": "content_block_stop", "index": i})
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 20},
        }
    )
    events.append({"type": "message_stop"})
    return _sse(events)


CASES = [
    Case(
        D,
        "system (string)",
        "request",
        False,
        lambda s: _req([_user({"type": "text", "text": "hi"})], system=f"key {s}"),
    ),
    Case(
        D,
        "system[].text",
        "request",
        False,
        lambda s: _req(
            [_user({"type": "text", "text": "hi"})], system=[{"type": "text", "text": f"key {s}"}]
        ),
    ),
    Case(
        D,
        "messages[].content (string)",
        "request",
        False,
        lambda s: _req([{"role": "user", "content": f"key {s}"}]),
    ),
    Case(
        D,
        "messages[].content[].text",
        "request",
        False,
        lambda s: _req([_user({"type": "text", "text": f"key {s}"})]),
    ),
    Case(
        D,
        "messages[].content[].text (assistant)",
        "request",
        False,
        lambda s: _req(
            [
                _user({"type": "text", "text": "hi"}),
                {"role": "assistant", "content": [{"type": "text", "text": f"k {s}"}]},
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].input (tool_use)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "role": "assistant",
                    "content": [
                        {
                            "type": "tool_use",
                            "id": "toolu_1",
                            "name": "f",
                            "input": {"q": {"deep": [s]}},
                        }
                    ],
                }
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].content (tool_result string)",
        "request",
        False,
        lambda s: _req(
            [_user({"type": "tool_result", "tool_use_id": "toolu_1", "content": f"out {s}"})]
        ),
    ),
    Case(
        D,
        "messages[].content[].content[].text (tool_result blocks)",
        "request",
        False,
        lambda s: _req(
            [
                _user(
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": [{"type": "text", "text": f"out {s}"}],
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].source.data (text document)",
        "request",
        False,
        lambda s: _req(
            [
                _user(
                    {
                        "type": "document",
                        "source": {"type": "text", "media_type": "text/plain", "data": f"doc {s}"},
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].title/context (document)",
        "request",
        False,
        lambda s: _req(
            [
                _user(
                    {
                        "type": "document",
                        "title": f"t {s}",
                        "source": {"type": "url", "url": "https://example.com/d.pdf"},
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].source.content[].text (content document)",
        "request",
        False,
        lambda s: _req(
            [
                _user(
                    {
                        "type": "document",
                        "source": {
                            "type": "content",
                            "content": [{"type": "text", "text": f"d {s}"}],
                        },
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].content[].text (search_result)",
        "request",
        False,
        lambda s: _req(
            [
                _user(
                    {
                        "type": "search_result",
                        "source": "https://example.com",
                        "title": "r",
                        "content": [{"type": "text", "text": f"found {s}"}],
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].content (mid_conv_system)",
        "request",
        False,
        lambda s: _req(
            [_user({"type": "mid_conv_system", "content": [{"type": "text", "text": f"sys {s}"}]})]
        ),
    ),
    Case(
        D,
        "tools[].description",
        "request",
        False,
        lambda s: _req(
            [_user({"type": "text", "text": "hi"})],
            tools=[{"name": "f", "description": f"uses {s}", "input_schema": {"type": "object"}}],
        ),
    ),
    Case(
        D,
        "tools[].input_schema (strings)",
        "request",
        False,
        lambda s: _req(
            [_user({"type": "text", "text": "hi"})],
            tools=[
                {
                    "name": "f",
                    "input_schema": {
                        "type": "object",
                        "properties": {"q": {"type": "string", "description": f"e.g. {s}"}},
                    },
                }
            ],
        ),
    ),
    Case(
        D,
        "content[].text",
        "response",
        False,
        lambda s: _resp({"type": "text", "text": f"key {s}"}),
        sdk.anthropic_body,
    ),
    Case(
        D,
        "content[].input (tool_use)",
        "response",
        False,
        lambda s: _resp({"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"k": s}}),
        sdk.anthropic_body,
    ),
    Case(
        D,
        "delta.text (text_delta)",
        "response",
        True,
        lambda s: _stream([("text", f"Here is the key: {s} and more words after it to flow.")]),
        sdk.anthropic_stream,
    ),
    Case(
        D,
        "delta.partial_json (input_json_delta)",
        "response",
        True,
        lambda s: _stream(
            [("text", "Calling the tool."), ("tool", json.dumps({"q": f"token {s}"}))]
        ),
        sdk.anthropic_stream,
    ),
]
