"""Coverage cases for Ollama's native API (`/api/chat`, `/api/generate`, `/api/embed`,
`/api/embeddings`); streams are NDJSON, Ollama's default."""

from __future__ import annotations

import json

from tests.matrix import sdk_google_cohere_ollama as sdk
from tests.matrix.harness import Case

D = "ollama"
_ENV = {"model": "llama-test", "created_at": "2026-01-01T00:00:00Z"}


def _chat(messages: list, **extra: object) -> dict:
    return {"model": "llama-test", "messages": messages, **extra}


def _hi() -> list:
    return [{"role": "user", "content": "hi"}]


def _chat_resp(**message: object) -> dict:
    return {
        **_ENV,
        "message": {"role": "assistant", "content": "", **message},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 3,
        "eval_count": 5,
    }


def _gen_resp(**fields: object) -> dict:
    return {**_ENV, "response": "", **fields, "done": True, "done_reason": "stop", "eval_count": 5}


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def _sentence(secret: str) -> str:
    return f"Here is the key you asked for: {secret} keep it safe, it was in the config."


def _ndjson(lines: list[dict], *, final_newline: bool = True) -> list[bytes]:
    out = [json.dumps(line).encode() + b"\n" for line in lines]
    if not final_newline:
        out[-1] = out[-1].rstrip(b"\n")
    return out


def _chat_stream(secret: str, key: str = "content") -> list[bytes]:
    lines = [
        {**_ENV, "message": {"role": "assistant", "content": "", key: p}, "done": False}
        for p in _split(_sentence(secret))
    ]
    last = {
        **_ENV,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": "stop",
        "eval_count": 9,
    }
    return _ndjson([*lines, last], final_newline=False)


def _tool_stream(secret: str) -> list[bytes]:
    intro = [
        {**_ENV, "message": {"role": "assistant", "content": p}, "done": False}
        for p in _split("Let me look that up.")
    ]
    call = {"function": {"name": "lookup", "arguments": {"query": f"token {secret}", "limit": 3}}}
    lines = [
        *intro,
        {
            **_ENV,
            "message": {"role": "assistant", "content": "", "tool_calls": [call]},
            "done": False,
        },
        {
            **_ENV,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
        },
    ]
    return _ndjson(lines)


def _generate_stream(secret: str, key: str = "response") -> list[bytes]:
    lines = [{**_ENV, "response": "", key: p, "done": False} for p in _split(_sentence(secret))]
    return _ndjson([*lines, {**_ENV, "response": "", "done": True, "done_reason": "stop"}])


CASES = [
    Case(
        D,
        "/api/chat messages[].content (system)",
        "request",
        False,
        lambda s: _chat([{"role": "system", "content": f"Use key {s}"}, *_hi()]),
    ),
    Case(
        D,
        "/api/chat messages[].content (user)",
        "request",
        False,
        lambda s: _chat([{"role": "user", "content": f"key {s}"}]),
    ),
    Case(
        D,
        "/api/chat messages[].content (assistant)",
        "request",
        False,
        lambda s: _chat([*_hi(), {"role": "assistant", "content": f"the key is {s}"}]),
    ),
    Case(
        D,
        "/api/chat messages[].thinking",
        "request",
        False,
        lambda s: _chat([*_hi(), {"role": "assistant", "content": "ok", "thinking": f"about {s}"}]),
    ),
    Case(
        D,
        "/api/chat messages[].tool_calls[].function.arguments (object)",
        "request",
        False,
        lambda s: _chat(
            [
                *_hi(),
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"function": {"name": "f", "arguments": {"q": {"deep": [s]}}}}],
                },
            ]
        ),
    ),
    Case(
        D,
        "/api/chat messages[].content (tool)",
        "request",
        False,
        lambda s: _chat([{"role": "tool", "tool_name": "f", "content": f"result: {s}"}]),
    ),
    Case(
        D,
        "/api/chat tools[].function.description",
        "request",
        False,
        lambda s: _chat(
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
        "/api/chat tools[].function.parameters (schema strings)",
        "request",
        False,
        lambda s: _chat(
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
        "/api/chat format (JSON schema)",
        "request",
        False,
        lambda s: _chat(_hi(), format={"type": "object", "description": f"k {s}"}),
    ),
    Case(
        D,
        "/api/chat options.stop[]",
        "request",
        False,
        lambda s: _chat(_hi(), options={"stop": [s]}),
    ),
    Case(
        D,
        "/api/generate prompt",
        "request",
        False,
        lambda s: {"model": "llama-test", "prompt": f"key {s}"},
    ),
    Case(
        D,
        "/api/generate system",
        "request",
        False,
        lambda s: {"model": "llama-test", "prompt": "hi", "system": f"key {s}"},
    ),
    Case(
        D,
        "/api/generate suffix",
        "request",
        False,
        lambda s: {"model": "llama-test", "prompt": "def f():", "suffix": f"# {s}"},
    ),
    Case(
        D,
        "/api/generate template",
        "request",
        False,
        lambda s: {"model": "llama-test", "prompt": "hi", "template": f"key {s}"},
    ),
    Case(
        D,
        "/api/embed input (string)",
        "request",
        False,
        lambda s: {"model": "llama-test", "input": f"key {s}"},
    ),
    Case(
        D,
        "/api/embed input[] (list)",
        "request",
        False,
        lambda s: {"model": "llama-test", "input": ["hi", f"key {s}"]},
    ),
    Case(
        D,
        "/api/embeddings prompt",
        "request",
        False,
        lambda s: {"model": "llama-test", "prompt": f"key {s}"},
    ),
    Case(
        D,
        "/api/chat message.content",
        "response",
        False,
        lambda s: _chat_resp(content=f"Your key: {s}"),
        sdk.ollama_chat_body,
    ),
    Case(
        D,
        "/api/chat message.thinking",
        "response",
        False,
        lambda s: _chat_resp(content="ok", thinking=f"about {s}"),
        sdk.ollama_chat_body,
    ),
    Case(
        D,
        "/api/chat message.tool_calls[].function.arguments",
        "response",
        False,
        lambda s: _chat_resp(
            tool_calls=[{"function": {"name": "f", "arguments": {"k": s, "n": 1}}}]
        ),
        sdk.ollama_chat_body,
    ),
    Case(
        D,
        "/api/generate response",
        "response",
        False,
        lambda s: _gen_resp(response=f"Your key: {s}"),
        sdk.ollama_generate_body,
    ),
    Case(
        D,
        "/api/generate thinking",
        "response",
        False,
        lambda s: _gen_resp(response="ok", thinking=f"about {s}"),
        sdk.ollama_generate_body,
    ),
    Case(D, "/api/chat message.content", "response", True, _chat_stream, sdk.ollama_chat_stream),
    Case(
        D,
        "/api/chat message.thinking",
        "response",
        True,
        lambda s: _chat_stream(s, "thinking"),
        sdk.ollama_chat_stream,
    ),
    Case(
        D,
        "/api/chat message.tool_calls[].function.arguments",
        "response",
        True,
        _tool_stream,
        sdk.ollama_chat_stream,
    ),
    Case(
        D, "/api/generate response", "response", True, _generate_stream, sdk.ollama_generate_stream
    ),
    Case(
        D,
        "/api/generate thinking",
        "response",
        True,
        lambda s: _generate_stream(s, "thinking"),
        sdk.ollama_generate_stream,
    ),
]
