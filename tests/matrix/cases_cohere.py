"""Coverage cases for Cohere v2 Chat (`/v2/chat`)."""

from __future__ import annotations

import json

from tests.matrix import sdk_google_cohere_ollama as sdk
from tests.matrix.harness import Case

D = "cohere"


def _req(messages: list, **extra: object) -> dict:
    return {"model": "command-test", "messages": messages, **extra}


def _hi() -> list:
    return [{"role": "user", "content": "hi"}]


def _resp(**message: object) -> dict:
    return {
        "id": "c-1",
        "finish_reason": "COMPLETE",
        "message": {"role": "assistant", **message},
        "usage": {
            "billed_units": {"input_tokens": 1, "output_tokens": 2},
            "tokens": {"input_tokens": 1, "output_tokens": 2},
        },
    }


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def _sentence(secret: str) -> str:
    return f"Here is the key you asked for: {secret} keep it safe, it was in the config."


def _sse(events: list[dict]) -> list[bytes]:
    return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


def _start() -> dict:
    message = {
        "role": "assistant",
        "content": [],
        "tool_plan": "",
        "tool_calls": [],
        "citations": [],
    }
    return {"type": "message-start", "id": "c-1", "delta": {"message": message}}


def _end(reason: str = "COMPLETE") -> dict:
    usage = {
        "billed_units": {"input_tokens": 1, "output_tokens": 9},
        "tokens": {"input_tokens": 1, "output_tokens": 9},
    }
    return {"type": "message-end", "delta": {"finish_reason": reason, "usage": usage}}


def _content(text: str, key: str = "text", index: int = 0) -> list[dict]:
    start = {
        "type": "content-start",
        "index": index,
        "delta": {"message": {"content": {"type": key, key: ""}}},
    }
    deltas = [
        {"type": "content-delta", "index": index, "delta": {"message": {"content": {key: p}}}}
        for p in _split(text)
    ]
    return [start, *deltas, {"type": "content-end", "index": index}]


def _text_stream(secret: str, key: str = "text") -> list[bytes]:
    return _sse([_start(), *_content(_sentence(secret), key), _end()])


def _plan_stream(secret: str) -> list[bytes]:
    plan = [
        {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": p}}}
        for p in _split(_sentence(secret))
    ]
    return _sse([_start(), *plan, *_tool_call('{"q": "weather"}'), _end("TOOL_CALL")])


def _tool_call(args: str) -> list[dict]:
    call = {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": ""}}
    start = {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": call}}}
    deltas = [
        {
            "type": "tool-call-delta",
            "index": 0,
            "delta": {"message": {"tool_calls": {"function": {"arguments": p}}}},
        }
        for p in _split(args, 3)
    ]
    return [start, *deltas, {"type": "tool-call-end", "index": 0}]


def _tool_stream(secret: str) -> list[bytes]:
    plan = {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will look it up."}}}
    args = json.dumps({"query": f"token {secret}", "limit": 3})
    return _sse([_start(), plan, *_tool_call(args), _end("TOOL_CALL")])


def _citation_stream(secret: str) -> list[bytes]:
    cite = {
        "start": 0,
        "end": 9,
        "text": f"key {secret}",
        "sources": [
            {"type": "document", "id": "doc:0", "document": {"id": "doc:0", "snippet": "x"}}
        ],
    }
    events = [
        _start(),
        *_content("Here is what the document says about it."),
        {"type": "citation-start", "index": 0, "delta": {"message": {"citations": cite}}},
        {"type": "citation-end", "index": 0},
        _end(),
    ]
    return _sse(events)


def _doc(text: str) -> dict:
    return {
        "type": "document",
        "document": {"id": "d1", "data": {"title": "notes", "snippet": text}},
    }


CASES = [
    Case(
        D,
        "messages[].content (system string)",
        "request",
        False,
        lambda s: _req([{"role": "system", "content": f"Use key {s}"}, *_hi()]),
    ),
    Case(
        D,
        "messages[].content[].text (system parts)",
        "request",
        False,
        lambda s: _req(
            [{"role": "system", "content": [{"type": "text", "text": f"Use key {s}"}]}, *_hi()]
        ),
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
        "messages[].content[].document.data (user document part)",
        "request",
        False,
        lambda s: _req([{"role": "user", "content": [_doc(f"see {s}")]}]),
    ),
    Case(
        D,
        "messages[].content (assistant string)",
        "request",
        False,
        lambda s: _req([*_hi(), {"role": "assistant", "content": f"the key is {s}"}]),
    ),
    Case(
        D,
        "messages[].content[].text (assistant parts)",
        "request",
        False,
        lambda s: _req(
            [
                *_hi(),
                {"role": "assistant", "content": [{"type": "text", "text": f"the key is {s}"}]},
            ]
        ),
    ),
    Case(
        D,
        "messages[].content[].thinking (assistant)",
        "request",
        False,
        lambda s: _req(
            [
                *_hi(),
                {
                    "role": "assistant",
                    "content": [
                        {"type": "thinking", "thinking": f"about {s}"},
                        {"type": "text", "text": "ok"},
                    ],
                },
            ]
        ),
    ),
    Case(
        D,
        "messages[].tool_plan",
        "request",
        False,
        lambda s: _req(
            [
                *_hi(),
                {
                    "role": "assistant",
                    "tool_plan": f"I will use {s}",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        }
                    ],
                },
            ]
        ),
    ),
    Case(
        D,
        "messages[].tool_calls[].function.arguments",
        "request",
        False,
        lambda s: _req(
            [
                *_hi(),
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "f", "arguments": json.dumps({"k": s})},
                        }
                    ],
                },
            ]
        ),
    ),
    Case(
        D,
        "messages[].citations[].text (assistant history)",
        "request",
        False,
        lambda s: _req(
            [
                *_hi(),
                {
                    "role": "assistant",
                    "content": "ok",
                    "citations": [{"start": 0, "end": 2, "text": f"k {s}"}],
                },
            ]
        ),
    ),
    Case(
        D,
        "messages[].content (tool string)",
        "request",
        False,
        lambda s: _req([{"role": "tool", "tool_call_id": "call_1", "content": f"result: {s}"}]),
    ),
    Case(
        D,
        "messages[].content[].text (tool parts)",
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
        "messages[].content[].document.data (tool document)",
        "request",
        False,
        lambda s: _req([{"role": "tool", "tool_call_id": "call_1", "content": [_doc(f"row {s}")]}]),
    ),
    Case(
        D,
        "documents[] (string)",
        "request",
        False,
        lambda s: _req(_hi(), documents=[f"the notes say {s}"]),
    ),
    Case(
        D,
        "documents[].data (object)",
        "request",
        False,
        lambda s: _req(
            _hi(),
            documents=[{"id": "d1", "data": {"title": "notes", "text": f"the notes say {s}"}}],
        ),
    ),
    Case(
        D,
        "tools[].function.description",
        "request",
        False,
        lambda s: _req(
            _hi(),
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
            _hi(),
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "f",
                        "parameters": {
                            "type": "object",
                            "properties": {"q": {"type": "string", "description": f"e.g. {s}"}},
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
            _hi(),
            response_format={
                "type": "json_object",
                "json_schema": {"type": "object", "description": f"k {s}"},
            },
        ),
    ),
    Case(D, "stop_sequences[]", "request", False, lambda s: _req(_hi(), stop_sequences=[s])),
    Case(
        D,
        "message.content[].text",
        "response",
        False,
        lambda s: _resp(content=[{"type": "text", "text": f"Your key: {s}"}]),
        sdk.cohere_body,
    ),
    Case(
        D,
        "message.content[].thinking",
        "response",
        False,
        lambda s: _resp(
            content=[{"type": "thinking", "thinking": f"about {s}"}, {"type": "text", "text": "ok"}]
        ),
        sdk.cohere_body,
    ),
    Case(
        D,
        "message.tool_plan",
        "response",
        False,
        lambda s: _resp(
            tool_plan=f"I will use {s}",
            tool_calls=[
                {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        ),
        sdk.cohere_body,
    ),
    Case(
        D,
        "message.tool_calls[].function.arguments",
        "response",
        False,
        lambda s: _resp(
            tool_calls=[
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "f", "arguments": json.dumps({"k": s})},
                }
            ]
        ),
        sdk.cohere_body,
    ),
    Case(
        D,
        "message.citations[].text",
        "response",
        False,
        lambda s: _resp(
            content=[{"type": "text", "text": "see"}],
            citations=[{"start": 0, "end": 3, "text": f"k {s}", "sources": []}],
        ),
        sdk.cohere_body,
    ),
    Case(
        D,
        "message.citations[].sources[].document",
        "response",
        False,
        lambda s: _resp(
            content=[{"type": "text", "text": "see"}],
            citations=[
                {
                    "start": 0,
                    "end": 3,
                    "text": "see",
                    "sources": [
                        {"type": "document", "id": "d1", "document": {"snippet": f"n {s}"}}
                    ],
                }
            ],
        ),
        sdk.cohere_body,
    ),
    Case(
        D,
        "delta.message.content.text (content-delta)",
        "response",
        True,
        _text_stream,
        sdk.cohere_stream,
    ),
    Case(
        D,
        "delta.message.content.thinking (content-delta)",
        "response",
        True,
        lambda s: _text_stream(s, "thinking"),
        sdk.cohere_stream,
    ),
    Case(
        D,
        "delta.message.tool_plan (tool-plan-delta)",
        "response",
        True,
        _plan_stream,
        sdk.cohere_stream,
    ),
    Case(
        D,
        "delta.message.tool_calls.function.arguments (tool-call-delta)",
        "response",
        True,
        _tool_stream,
        sdk.cohere_stream,
    ),
    Case(
        D,
        "delta.message.citations.text (citation-start)",
        "response",
        True,
        _citation_stream,
        sdk.cohere_stream,
    ),
]
