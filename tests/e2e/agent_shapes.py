"""Answers with a tool call (or a text) in every dialect that has tool calls, streamed
and not, as the providers send them: used by the core's unit tests and served by the
fake provider for the end-to-end tests with the real SDKs."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmwall.routing.framing.eventstream import event_message

Args = dict[str, Any]


def _split(text: str, n: int = 4) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)] or [""]


def _sse(events: list[dict[str, Any]], named: bool = False) -> list[bytes]:
    if named:
        return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]
    return [b"data: " + json.dumps(e).encode() + b"\n\n" for e in events]


# --- OpenAI Chat --------------------------------------------------------------------------

_CHAT_ENV = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-x"}


def chat_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if name is not None:
        message["tool_calls"] = [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
        ]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-x",
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if name else "stop"}
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    }


def chat_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**_CHAT_ENV, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": p}) for p in _split(text)] if text else []
    if name is not None:
        head = {"index": 0, "id": "call_1", "type": "function"}
        chunks.append(
            chunk({"tool_calls": [{**head, "function": {"name": name, "arguments": ""}}]})
        )
        chunks += [
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
            for p in _split(json.dumps(args), 3)
        ]
    chunks.append(chunk({}, "tool_calls" if name else "stop"))
    return [*_sse(chunks), b"data: [DONE]\n\n"]


# --- OpenAI Responses ---------------------------------------------------------------------


def _usage_responses() -> dict[str, Any]:
    return {
        "input_tokens": 5,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 9,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 14,
    }


def _responses_items(name: str | None, args: Args | None, text: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if text:
        items.append(
            {
                "id": "msg_1",
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        )
    if name is not None:
        items.append(
            {
                "id": "fc_1",
                "type": "function_call",
                "call_id": "call_1",
                "name": name,
                "arguments": json.dumps(args),
                "status": "completed",
            }
        )
    return items


def responses_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-x",
        "status": "completed",
        "output": _responses_items(name, args, text),
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": _usage_responses(),
    }


def responses_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    whole = responses_body(name, args, text)
    start = {**whole, "status": "in_progress", "output": [], "usage": None}
    events: list[dict[str, Any]] = [{"type": "response.created", "response": start}]
    for i, item in enumerate(whole["output"]):
        empty = dict(item)
        if item["type"] == "message":
            empty["content"], empty["status"] = [], "in_progress"
        else:
            empty["arguments"], empty["status"] = "", "in_progress"
        events.append({"type": "response.output_item.added", "output_index": i, "item": empty})
        if item["type"] == "message":
            part = {"type": "output_text", "text": "", "annotations": []}
            ids = {"item_id": item["id"], "output_index": i, "content_index": 0}
            events.append({"type": "response.content_part.added", **ids, "part": part})
            events += [
                {"type": "response.output_text.delta", **ids, "delta": p, "logprobs": []}
                for p in _split(text)
            ]
            events.append(
                {"type": "response.output_text.done", **ids, "text": text, "logprobs": []}
            )
            events.append({"type": "response.content_part.done", **ids, "part": item["content"][0]})
        else:
            ids = {"item_id": item["id"], "output_index": i}
            events += [
                {"type": "response.function_call_arguments.delta", **ids, "delta": p}
                for p in _split(item["arguments"], 3)
            ]
            events.append(
                {
                    "type": "response.function_call_arguments.done",
                    **ids,
                    "arguments": item["arguments"],
                }
            )
        events.append({"type": "response.output_item.done", "output_index": i, "item": item})
    events.append({"type": "response.completed", "response": whole})
    for n, e in enumerate(events):
        e["sequence_number"] = n
    return _sse(events, named=True)


# --- Anthropic -----------------------------------------------------------------------------


def anthropic_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    if name is not None:
        content.append({"type": "tool_use", "id": "toolu_1", "name": name, "input": args})
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": content,
        "stop_reason": "tool_use" if name else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 7},
    }


def anthropic_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    start = {**anthropic_body(None, None), "content": [], "stop_reason": None}
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    index = 0
    if text:
        events.append(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            }
        )
        events += [
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}
            for p in _split(text)
        ]
        events.append({"type": "content_block_stop", "index": 0})
        index = 1
    if name is not None:
        block = {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}
        events.append({"type": "content_block_start", "index": index, "content_block": block})
        events += [
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "input_json_delta", "partial_json": p},
            }
            for p in _split(json.dumps(args), 3)
        ]
        events.append({"type": "content_block_stop", "index": index})
    events += [
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use" if name else "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 7},
        },
        {"type": "message_stop"},
    ]
    return _sse(events, named=True)


# --- Gemini --------------------------------------------------------------------------------


def _gemini_parts(name: str | None, args: Args | None, text: str) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [{"text": text}] if text else []
    if name is not None:
        parts.append({"functionCall": {"name": name, "args": args}})
    return parts


def gemini_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": _gemini_parts(name, args, text)},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 5, "totalTokenCount": 8},
        "modelVersion": "gemini-x",
        "responseId": "resp-1",
    }


def gemini_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    def chunk(parts: list[dict[str, Any]], finish: str | None = None) -> dict[str, Any]:
        cand: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
        if finish:
            cand["finishReason"] = finish
        return {"candidates": [cand], "modelVersion": "gemini-x", "responseId": "resp-1"}

    chunks = [chunk([{"text": p}]) for p in _split(text)] if text else []
    if name is not None:
        chunks.append(chunk([{"functionCall": {"name": name, "args": args}}]))
    last = chunk([{"text": ""}], "STOP")
    last["usageMetadata"] = {
        "promptTokenCount": 3,
        "candidatesTokenCount": 9,
        "totalTokenCount": 12,
    }
    return _sse([*chunks, last])


# --- Cohere --------------------------------------------------------------------------------


def cohere_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant"}
    if text:
        message["content"] = [{"type": "text", "text": text}]
    if name is not None:
        message["tool_plan"] = "I will call the tool."
        message["tool_calls"] = [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
        ]
    return {
        "id": "c-1",
        "finish_reason": "TOOL_CALL" if name else "COMPLETE",
        "message": message,
        "usage": {
            "billed_units": {"input_tokens": 1, "output_tokens": 9},
            "tokens": {"input_tokens": 1, "output_tokens": 9},
        },
    }


def cohere_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    message = {
        "role": "assistant",
        "content": [],
        "tool_plan": "",
        "tool_calls": [],
        "citations": [],
    }
    events: list[dict[str, Any]] = [
        {"type": "message-start", "id": "c-1", "delta": {"message": message}}
    ]
    if text:
        events.append(
            {
                "type": "content-start",
                "index": 0,
                "delta": {"message": {"content": {"type": "text", "text": ""}}},
            }
        )
        events += [
            {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": p}}}}
            for p in _split(text)
        ]
        events.append({"type": "content-end", "index": 0})
    if name is not None:
        events.append(
            {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will call it."}}}
        )
        call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}
        events.append(
            {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": call}}}
        )
        events += [
            {
                "type": "tool-call-delta",
                "index": 0,
                "delta": {"message": {"tool_calls": {"function": {"arguments": p}}}},
            }
            for p in _split(json.dumps(args), 3)
        ]
        events.append({"type": "tool-call-end", "index": 0})
    usage = {
        "billed_units": {"input_tokens": 1, "output_tokens": 9},
        "tokens": {"input_tokens": 1, "output_tokens": 9},
    }
    reason = "TOOL_CALL" if name else "COMPLETE"
    events.append({"type": "message-end", "delta": {"finish_reason": reason, "usage": usage}})
    return _sse(events, named=True)


# --- Bedrock Converse ----------------------------------------------------------------------


def converse_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"text": text}] if text else []
    if name is not None:
        content.append({"toolUse": {"toolUseId": "tooluse_1", "name": name, "input": args}})
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use" if name else "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 9, "totalTokens": 14},
        "metrics": {"latencyMs": 30},
    }


def converse_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    events: list[tuple[str, dict[str, Any]]] = [("messageStart", {"role": "assistant"})]
    index = 0
    if text:
        events += [
            ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": p}})
            for p in _split(text)
        ]
        events.append(("contentBlockStop", {"contentBlockIndex": 0}))
        index = 1
    if name is not None:
        start = {"toolUse": {"toolUseId": "tooluse_1", "name": name}}
        events.append(("contentBlockStart", {"contentBlockIndex": index, "start": start}))
        events += [
            ("contentBlockDelta", {"contentBlockIndex": index, "delta": {"toolUse": {"input": p}}})
            for p in _split(json.dumps(args), 3)
        ]
        events.append(("contentBlockStop", {"contentBlockIndex": index}))
    events.append(("messageStop", {"stopReason": "tool_use" if name else "end_turn"}))
    events.append(
        (
            "metadata",
            {
                "usage": {"inputTokens": 5, "outputTokens": 9, "totalTokens": 14},
                "metrics": {"latencyMs": 30},
            },
        )
    )
    return [event_message(n, d) for n, d in events]


# --- Ollama --------------------------------------------------------------------------------

_OLLAMA_ENV = {"model": "llama-x", "created_at": "2026-01-01T00:00:00Z"}


def ollama_body(name: str | None, args: Args | None, text: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if name is not None:
        message["tool_calls"] = [{"function": {"name": name, "arguments": args}}]
    return {
        **_OLLAMA_ENV,
        "message": message,
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 5,
        "eval_count": 7,
    }


def ollama_stream(name: str | None, args: Args | None, text: str = "") -> list[bytes]:
    lines: list[dict[str, Any]] = [
        {**_OLLAMA_ENV, "message": {"role": "assistant", "content": p}, "done": False}
        for p in (_split(text) if text else [])
    ]
    if name is not None:
        lines.append(
            {
                **_OLLAMA_ENV,
                "message": {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"function": {"name": name, "arguments": args}}],
                },
                "done": False,
            }
        )
    last = ollama_body(None, None)
    last["message"]["content"] = ""
    return [json.dumps(x).encode() + b"\n" for x in [*lines, last]]


@dataclass(frozen=True)
class Shape:
    dialect: str
    body: Callable[..., Any]
    stream: Callable[..., list[bytes]]
    ctype: str = "text/event-stream"


SHAPES = {
    s.dialect: s
    for s in (
        Shape("openai_chat", chat_body, chat_stream),
        Shape("openai_responses", responses_body, responses_stream),
        Shape("anthropic", anthropic_body, anthropic_stream),
        Shape("gemini", gemini_body, gemini_stream),
        Shape("cohere", cohere_body, cohere_stream),
        Shape(
            "bedrock_converse", converse_body, converse_stream, "application/vnd.amazon.eventstream"
        ),
        Shape("ollama", ollama_body, ollama_stream, "application/x-ndjson"),
    )
}
