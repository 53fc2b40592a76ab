"""Coverage cases for the OpenAI Responses API (also Azure, Groq, xAI, OpenRouter /responses).

Streams are built the way OpenAI sends them: every text appears in its deltas, its
`*.done` event, `content_part.done`, `output_item.done` and `response.completed`. The
acceptance check parses the rewritten stream with the openai SDK's own `ResponseStream`
and assembles the client-visible text from the deltas (per channel, so a secret split
over deltas is seen whole) AND every full copy, so a leak in any of them fails.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tests.matrix.harness import Case

D = "openai_responses"


def _req(input_: Any, **extra: object) -> dict:
    return {"model": "gpt-test", "input": input_, **extra}


def _user(text: str = "hi") -> dict:
    return {"role": "user", "content": text}


def response(output: list[dict], **extra: object) -> dict:
    return {
        "id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-test", "status": "completed",
        "output": output, "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
        "usage": {"input_tokens": 5, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0}, "output_tokens": 9,
                  "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 14},
        **extra,
    }  # fmt: skip


def message(*parts: dict) -> dict:
    return {
        "id": "msg_1",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": list(parts),
    }


def _text(text: str) -> dict:
    return {"type": "output_text", "text": text, "annotations": []}


def accept_request(body: Any) -> None:
    """The rewritten request is still a valid `responses.create` body for the SDK."""
    import pydantic
    from openai.types.responses.response_create_params import ResponseCreateParamsNonStreaming

    pydantic.TypeAdapter(ResponseCreateParamsNonStreaming).validate_python(body)


def accept_body(body: Any) -> None:
    from openai.types.responses import Response

    Response.model_validate(body)


# --- streams -----------------------------------------------------------------------------


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def stream(kind: str, text: str, *, obfuscate: bool = True) -> list[bytes]:
    """A complete Responses stream whose one output item carries `text` at `kind`:
    text, refusal, function (arguments), custom (tool input) or summary (reasoning)."""
    events: list[dict] = []

    def ev(**data: Any) -> None:
        events.append({**data, "sequence_number": len(events)})

    ev(type="response.created", response=response([], status="in_progress", usage=None))
    item, deltas, done, part = _item(kind, text)
    ev(type="response.output_item.added", output_index=0, item=_empty(item))
    ids = {"item_id": item["id"], "output_index": 0}
    if part is not None:
        added = (
            "response.reasoning_summary_part.added"
            if kind == "summary"
            else "response.content_part.added"
        )
        ev(
            type=added,
            **ids,
            **deltas[1],
            part={**part, **{k: "" for k in ("text", "refusal") if k in part}},
        )
    for piece in _split(text, 3 if kind == "function" else 5):
        extra = {"obfuscation": "Zq9xK2"} if obfuscate else {}
        ev(type=deltas[0], **ids, **deltas[1], delta=piece, **extra)
    ev(type=done[0], **ids, **deltas[1], **{done[1]: text})
    if part is not None:
        part_done = (
            "response.reasoning_summary_part.done"
            if kind == "summary"
            else "response.content_part.done"
        )
        ev(type=part_done, **ids, **deltas[1], part=part)
    ev(type="response.output_item.done", output_index=0, item=item)
    ev(type="response.completed", response=response([item]))
    return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


def _item(kind: str, text: str) -> tuple[dict, tuple[str, dict], tuple[str, str], dict | None]:
    if kind == "text":
        part = _text(text)
        delta = ("response.output_text.delta", {"content_index": 0, "logprobs": []})
        return message(part), delta, ("response.output_text.done", "text"), part
    if kind == "refusal":
        part = {"type": "refusal", "refusal": text}
        return (
            message(part),
            ("response.refusal.delta", {"content_index": 0}),
            ("response.refusal.done", "refusal"),
            part,
        )
    if kind == "function":
        item = {
            "id": "fc_1",
            "type": "function_call",
            "call_id": "call_1",
            "name": "lookup",
            "arguments": text,
            "status": "completed",
        }
        return (
            item,
            ("response.function_call_arguments.delta", {}),
            ("response.function_call_arguments.done", "arguments"),
            None,
        )
    if kind == "custom":
        item = {
            "id": "ctc_1",
            "type": "custom_tool_call",
            "call_id": "call_1",
            "name": "run",
            "input": text,
        }
        return (
            item,
            ("response.custom_tool_call_input.delta", {}),
            ("response.custom_tool_call_input.done", "input"),
            None,
        )
    part = {"type": "summary_text", "text": text}
    item = {
        "id": "rs_1",
        "type": "reasoning",
        "summary": [part],
        "encrypted_content": "gAAAAB-opaque",
    }
    return (
        item,
        ("response.reasoning_summary_text.delta", {"summary_index": 0}),
        ("response.reasoning_summary_text.done", "text"),
        part,
    )


def _empty(item: dict) -> dict:
    """The item as `output_item.added` carries it, before any text arrived."""
    empty = {**item, "status": "in_progress"}
    for key, value in (("content", []), ("summary", []), ("arguments", ""), ("input", "")):
        if key in empty:
            empty[key] = value
    return empty


_DELTA_KINDS = (
    "output_text",
    "refusal",
    "function_call_arguments",
    "custom_tool_call_input",
    "reasoning_summary_text",
)


def accept_stream(raw: bytes) -> str:
    """Parse with the SDK's ResponseStream; return every text a client can see."""
    import httpx2 as httpx
    import openai
    from openai import omit
    from openai.lib.streaming.responses import ResponseStream
    from openai.types.responses import ResponseStreamEvent

    client = openai.OpenAI(api_key="sk-test", base_url="https://api.openai.com/v1")
    http = httpx.Response(
        200,
        content=raw,
        headers={"content-type": "text/event-stream"},
        request=httpx.Request("POST", "https://api.openai.com/v1/responses"),
    )
    raw_stream = openai.Stream(cast_to=ResponseStreamEvent, response=http, client=client)
    sdk_stream = ResponseStream(
        raw_stream=raw_stream, text_format=omit, input_tools=omit, starting_after=None
    )
    channels: dict[tuple[str, str, int], str] = {}
    copies: list[str] = []
    for event in sdk_stream:
        if event.type.endswith(".delta") and any(
            event.type == f"response.{k}.delta" for k in _DELTA_KINDS
        ):
            key = (
                event.type,
                event.item_id,
                getattr(event, "content_index", getattr(event, "summary_index", 0)),
            )
            channels[key] = channels.get(key, "") + event.delta
        elif event.type != "response.completed":
            copies.append(event.model_dump_json())
    final = sdk_stream.get_final_response()
    copies.append(final.model_dump_json())
    for key, args in channels.items():
        if key[0] == "response.function_call_arguments.delta":
            json.loads(args)  # a client parses the assembled arguments
    return "".join(channels.values()) + "\n" + "\n".join(copies)


def _words(secret: str) -> str:
    return f"Here is the key you asked for: {secret} keep it safe, it was in the config."


_ITEMS_INSTRUCTIONS = "instructions[].content (items)"

CASES = [
    Case(
        D,
        "instructions (string)",
        "request",
        False,
        lambda s: _req("hi", instructions=f"Use key {s}"),
    ),
    Case(
        D,
        _ITEMS_INSTRUCTIONS,
        "request",
        False,
        lambda s: _req(
            "hi", instructions=[{"type": "message", "role": "developer", "content": f"key {s}"}]
        ),
    ),
    Case(D, "input (string)", "request", False, lambda s: _req(f"my key is {s}")),
    Case(D, "input[].content (string)", "request", False, lambda s: _req([_user(f"key {s}")])),
    Case(
        D,
        "input[].content (system role)",
        "request",
        False,
        lambda s: _req([{"role": "system", "content": f"key {s}"}, _user()]),
    ),
    Case(
        D,
        "input[].content[].text (input_text)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {"type": "input_text", "text": f"key {s}"},
                        {
                            "type": "input_image",
                            "image_url": "https://example.com/a.png",
                            "detail": "auto",
                        },
                    ],
                }
            ]
        ),
    ),
    Case(
        D,
        "input[].content[].text (assistant output_text)",
        "request",
        False,
        lambda s: _req(
            [
                _user(),
                {
                    "type": "message",
                    "role": "assistant",
                    "id": "msg_0",
                    "status": "completed",
                    "content": [
                        {"type": "output_text", "text": f"the key is {s}", "annotations": []}
                    ],
                },
            ]
        ),
    ),
    Case(
        D,
        "input[].content[].refusal",
        "request",
        False,
        lambda s: _req(
            [
                _user(),
                {
                    "type": "message",
                    "role": "assistant",
                    "id": "msg_0",
                    "status": "completed",
                    "content": [{"type": "refusal", "refusal": f"cannot share {s}"}],
                },
            ]
        ),
    ),
    Case(
        D,
        "input[].arguments (function_call)",
        "request",
        False,
        lambda s: _req(
            [
                _user(),
                {
                    "type": "function_call",
                    "call_id": "call_1",
                    "name": "f",
                    "arguments": json.dumps({"q": {"deep": [s]}}),
                },
            ]
        ),
    ),
    Case(
        D,
        "input[].output (function_call_output string)",
        "request",
        False,
        lambda s: _req(
            [{"type": "function_call_output", "call_id": "call_1", "output": f"result {s}"}]
        ),
    ),
    Case(
        D,
        "input[].output[].text (function_call_output parts)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "type": "function_call_output",
                    "call_id": "call_1",
                    "output": [{"type": "input_text", "text": f"result {s}"}],
                }
            ]
        ),
    ),
    Case(
        D,
        "input[].input (custom_tool_call)",
        "request",
        False,
        lambda s: _req(
            [{"type": "custom_tool_call", "call_id": "call_1", "name": "run", "input": f"echo {s}"}]
        ),
    ),
    Case(
        D,
        "input[].output (custom_tool_call_output)",
        "request",
        False,
        lambda s: _req(
            [{"type": "custom_tool_call_output", "call_id": "call_1", "output": f"printed {s}"}]
        ),
    ),
    Case(
        D,
        "input[].action.query (web_search_call)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "type": "web_search_call",
                    "id": "ws_1",
                    "status": "completed",
                    "action": {"type": "search", "query": f"who owns {s}"},
                },
                _user(),
            ]
        ),
    ),
    Case(
        D,
        "input[].output (local_shell_call_output)",
        "request",
        False,
        lambda s: _req([{"type": "local_shell_call_output", "id": "lsh_1", "output": f"KEY={s}"}]),
    ),
    Case(
        D,
        "input[].output (mcp_call)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "type": "mcp_call",
                    "id": "mcp_1",
                    "server_label": "db",
                    "name": "q",
                    "arguments": "{}",
                    "output": f"row: {s}",
                }
            ]
        ),
    ),
    Case(
        D,
        "tools[].description (function)",
        "request",
        False,
        lambda s: _req(
            "hi",
            tools=[
                {
                    "type": "function",
                    "name": "f",
                    "description": f"uses {s}",
                    "parameters": {"type": "object"},
                    "strict": False,
                }
            ],
        ),
    ),
    Case(
        D,
        "tools[].parameters (schema strings)",
        "request",
        False,
        lambda s: _req(
            "hi",
            tools=[
                {
                    "type": "function",
                    "name": "f",
                    "strict": False,
                    "parameters": {
                        "type": "object",
                        "properties": {"q": {"type": "string", "description": f"e.g. {s}"}},
                    },
                }
            ],
        ),
    ),
    Case(
        D,
        "tools[].description (custom)",
        "request",
        False,
        lambda s: _req(
            "hi", tools=[{"type": "custom", "name": "run", "description": f"runs with {s}"}]
        ),
    ),
    Case(
        D,
        "text.format.schema (json_schema)",
        "request",
        False,
        lambda s: _req(
            "hi",
            text={
                "format": {
                    "type": "json_schema",
                    "name": "x",
                    "schema": {"type": "object", "description": f"k {s}"},
                }
            },
        ),
    ),
    Case(
        D,
        "prompt.variables (string)",
        "request",
        False,
        lambda s: _req("hi", prompt={"id": "pmpt_1", "variables": {"customer": f"key {s}"}}),
    ),
    Case(
        D,
        "prompt.variables.text (input_text)",
        "request",
        False,
        lambda s: _req(
            "hi",
            prompt={"id": "pmpt_1", "variables": {"doc": {"type": "input_text", "text": f"k {s}"}}},
        ),
    ),
    Case(
        D,
        "output[].content[].text",
        "response",
        False,
        lambda s: response([message(_text(f"Your key: {s}"))]),
        accept_body,
    ),
    Case(
        D,
        "output[].content[].refusal",
        "response",
        False,
        lambda s: response([message({"type": "refusal", "refusal": f"I cannot share {s}"})]),
        accept_body,
    ),
    Case(
        D,
        "output[].arguments (function_call)",
        "response",
        False,
        lambda s: response(
            [
                {
                    "id": "fc_1",
                    "type": "function_call",
                    "call_id": "call_1",
                    "name": "f",
                    "arguments": json.dumps({"k": s}),
                    "status": "completed",
                }
            ]
        ),
        accept_body,
    ),
    Case(
        D,
        "output[].input (custom_tool_call)",
        "response",
        False,
        lambda s: response(
            [
                {
                    "id": "ctc_1",
                    "type": "custom_tool_call",
                    "call_id": "call_1",
                    "name": "run",
                    "input": f"echo {s}",
                }
            ]
        ),
        accept_body,
    ),
    Case(
        D,
        "output[].summary[].text (reasoning)",
        "response",
        False,
        lambda s: response(
            [
                {
                    "id": "rs_1",
                    "type": "reasoning",
                    "encrypted_content": "gAAAAB-opaque",
                    "summary": [{"type": "summary_text", "text": f"found {s}"}],
                },
                message(_text("done")),
            ]
        ),
        accept_body,
    ),
    Case(
        D,
        "output_text (convenience field)",
        "response",
        False,
        lambda s: {**response([message(_text(f"key {s}"))]), "output_text": f"key {s}"},
        accept_body,
    ),
    Case(
        D,
        "instructions (echoed in response)",
        "response",
        False,
        lambda s: response([message(_text("ok"))], instructions=f"use {s}"),
        accept_body,
    ),
    Case(
        D,
        "output_text.delta + done copies",
        "response",
        True,
        lambda s: stream("text", _words(s)),
        accept_stream,
    ),
    Case(
        D,
        "refusal.delta + done copies",
        "response",
        True,
        lambda s: stream("refusal", _words(s)),
        accept_stream,
    ),
    Case(
        D,
        "function_call_arguments.delta + done copies",
        "response",
        True,
        lambda s: stream("function", json.dumps({"query": f"token {s}", "limit": 3})),
        accept_stream,
    ),
    Case(
        D,
        "custom_tool_call_input.delta + done copies",
        "response",
        True,
        lambda s: stream("custom", f"export KEY={s}\nrun --all now please"),
        accept_stream,
    ),
    Case(
        D,
        "reasoning_summary_text.delta + done copies",
        "response",
        True,
        lambda s: stream("summary", _words(s)),
        accept_stream,
    ),
]

# Every request case is also checked against the SDK's own request type, except
# `instructions` as items: the API accepts it, the SDK's type only has a string.
CASES = [
    replace(c, accept=accept_request)
    if c.direction == "request" and c.position != _ITEMS_INSTRUCTIONS
    else c
    for c in CASES
]
