"""Tool calls and tool definitions as each dialect writes them: names and arguments,
not text positions (those are the dialects' extractions).

    response_calls(dialect, body)      the tool calls a non-streamed answer asks for
    definitions(dialect, body)         the tools a request offers the model
    StreamCalls.for_dialect(dialect)   per stream: which channel carries which call, and
                                       the calls that arrive whole inside one event

A stream's channel keys are the stream dialect's own (`TextPiece.channel`), so the stream
inspector can tie a held argument channel to its call's name. Pure: no policy here.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.dialects.gemini import field as gfield


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: Any  # the parsed JSON arguments; a string when they are not JSON

    @staticmethod
    def of(name: Any, arguments: Any) -> ToolCall:
        return ToolCall(name if isinstance(name, str) else "", parse_arguments(arguments))


@dataclass(frozen=True)
class ToolDefinition:
    name: str
    description: Any
    schema: Any


def parse_arguments(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return json.loads(arguments) if arguments.strip() else {}
        except (ValueError, RecursionError):
            return arguments
    return {} if arguments is None else arguments


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            yield item


def _get(node: Any, *path: str) -> Any:
    for step in path:
        node = node.get(step) if isinstance(node, dict) else None
    return node


# --- non-streamed answers --------------------------------------------------------------


def _openai_message(message: Any) -> Iterator[ToolCall]:
    for call in _dicts(_get(message, "tool_calls")):
        fn, custom = call.get("function"), call.get("custom")
        if isinstance(fn, dict):
            yield ToolCall.of(fn.get("name"), fn.get("arguments"))
        elif isinstance(custom, dict):
            yield ToolCall(str(custom.get("name") or ""), custom.get("input"))
    fc = _get(message, "function_call")
    if isinstance(fc, dict):
        yield ToolCall.of(fc.get("name"), fc.get("arguments"))


def _openai_chat(body: Any) -> Iterator[ToolCall]:
    for choice in _dicts(_get(body, "choices")):
        yield from _openai_message(choice.get("message"))


_RESPONSES_CALLS = ("function_call", "mcp_call", "custom_tool_call")


def responses_item(item: Any) -> ToolCall | None:
    if not isinstance(item, dict) or item.get("type") not in _RESPONSES_CALLS:
        return None
    if item["type"] == "custom_tool_call":
        return ToolCall(str(item.get("name") or ""), item.get("input"))
    return ToolCall.of(item.get("name"), item.get("arguments"))


def _openai_responses(body: Any) -> Iterator[ToolCall]:
    for item in _dicts(_get(body, "output")):
        call = responses_item(item)
        if call is not None:
            yield call


_ANTHROPIC_CALLS = ("tool_use", "server_tool_use", "mcp_tool_use")


def _anthropic(body: Any) -> Iterator[ToolCall]:
    for block in _dicts(_get(body, "content")):
        if block.get("type") in _ANTHROPIC_CALLS:
            yield ToolCall.of(block.get("name"), block.get("input"))


def gemini_parts(parts: Any) -> Iterator[ToolCall]:
    for part in _dicts(parts):
        call = gfield(part, "functionCall")[1]
        if isinstance(call, dict) and gfield(call, "partialArgs")[1] is None:
            yield ToolCall.of(call.get("name"), gfield(call, "args")[1])


def _gemini(body: Any) -> Iterator[ToolCall]:
    for element in body if isinstance(body, list) else [body]:
        for cand in _dicts(gfield(element, "candidates")[1]):
            content = gfield(cand, "content")[1]
            yield from gemini_parts(gfield(content, "parts")[1])


def _cohere(body: Any) -> Iterator[ToolCall]:
    for call in _dicts(_get(body, "message", "tool_calls")):
        fn = call.get("function")
        if isinstance(fn, dict):
            yield ToolCall.of(fn.get("name"), fn.get("arguments"))


def _bedrock_converse(body: Any) -> Iterator[ToolCall]:
    for block in _dicts(_get(body, "output", "message", "content")):
        use = block.get("toolUse")
        if isinstance(use, dict):
            yield ToolCall.of(use.get("name"), use.get("input"))


def ollama_message(message: Any) -> Iterator[ToolCall]:
    for call in _dicts(_get(message, "tool_calls")):
        fn = call.get("function")
        if isinstance(fn, dict):
            yield ToolCall.of(fn.get("name"), fn.get("arguments"))


def _ollama(body: Any) -> Iterator[ToolCall]:
    yield from ollama_message(_get(body, "message"))


_RESPONSE_READERS = {
    "openai_chat": _openai_chat,
    "openai_responses": _openai_responses,
    "anthropic": _anthropic,
    "gemini": _gemini,
    "cohere": _cohere,
    "bedrock_converse": _bedrock_converse,
    "ollama": _ollama,
}

TOOL_DIALECTS = frozenset(_RESPONSE_READERS)


def response_calls(dialect: str | None, body: Any) -> list[ToolCall]:
    reader = _RESPONSE_READERS.get(dialect or "")
    return list(reader(body)) if reader is not None else []


# --- tool definitions of a request ------------------------------------------------------


def _openai_tools(body: Any) -> Iterator[ToolDefinition]:
    for tool in _dicts(_get(body, "tools")):
        inner = tool.get("function")
        spec: dict[str, Any] = inner if isinstance(inner, dict) else tool
        if isinstance(spec.get("name"), str):
            schema = spec.get("parameters", spec.get("input_schema", spec.get("format")))
            yield ToolDefinition(spec["name"], spec.get("description"), schema)
    for spec in _dicts(_get(body, "functions")):
        if isinstance(spec.get("name"), str):
            yield ToolDefinition(spec["name"], spec.get("description"), spec.get("parameters"))


def _anthropic_tools(body: Any) -> Iterator[ToolDefinition]:
    for tool in _dicts(_get(body, "tools")):
        if isinstance(tool.get("name"), str):
            yield ToolDefinition(tool["name"], tool.get("description"), tool.get("input_schema"))


def _gemini_tools(body: Any) -> Iterator[ToolDefinition]:
    for tool in _dicts(gfield(body, "tools")[1]):
        for decl in _dicts(gfield(tool, "functionDeclarations")[1]):
            if isinstance(decl.get("name"), str):
                schema = {
                    k: gfield(decl, k)[1]
                    for k in ("parameters", "parametersJsonSchema", "response")
                    if gfield(decl, k)[1] is not None
                }
                yield ToolDefinition(decl["name"], gfield(decl, "description")[1], schema)


def _bedrock_tools(body: Any) -> Iterator[ToolDefinition]:
    for tool in _dicts(_get(body, "toolConfig", "tools")):
        spec = tool.get("toolSpec")
        if isinstance(spec, dict) and isinstance(spec.get("name"), str):
            yield ToolDefinition(spec["name"], spec.get("description"), spec.get("inputSchema"))


_DEFINITION_READERS = {
    "openai_chat": _openai_tools,
    "openai_responses": _openai_tools,
    "cohere": _openai_tools,
    "ollama": _openai_tools,
    "anthropic": _anthropic_tools,
    "gemini": _gemini_tools,
    "bedrock_converse": _bedrock_tools,
}


def definitions(dialect: str | None, body: Any) -> list[ToolDefinition]:
    reader = _DEFINITION_READERS.get(dialect or "")
    return list(reader(body)) if reader is not None else []


# --- streams ------------------------------------------------------------------------------


@dataclass
class Seen:
    """What one stream event says about tool calls: calls that start on a channel
    (their arguments follow as pieces of it), and calls complete inside the event."""

    started: list[tuple[Hashable, str]] = field(default_factory=list)
    whole: list[ToolCall] = field(default_factory=list)
    # Gemini's streamed `partialArgs`: (call key, json path, value) fragments
    fragments: list[tuple[Hashable, str, str]] = field(default_factory=list)
    # a started call repeated whole (Responses `output_item.done`)
    finished: list[tuple[Hashable, ToolCall]] = field(default_factory=list)


def _openai_chat_event(data: Any, seen: Seen) -> None:
    for ci, choice in enumerate(_dicts(_get(data, "choices"))):
        index = choice.get("index", ci)
        delta = choice.get("delta")
        for k, call in enumerate(_dicts(_get(delta, "tool_calls"))):
            name = _get(call, "function", "name")
            if isinstance(name, str) and name:
                seen.started.append(((index, "tool", call.get("index", k)), name))
        name = _get(delta, "function_call", "name")
        if isinstance(name, str) and name:
            seen.started.append(((index, "function_call"), name))


def _responses_event(data: Any, seen: Seen) -> None:
    kind = _get(data, "type")
    if kind not in ("response.output_item.added", "response.output_item.done"):
        return
    item = _get(data, "item")
    call = responses_item(item)
    if call is None or not isinstance(item, dict):
        return
    item_id = item.get("id", data.get("output_index"))
    key = (item_id, "input" if item.get("type") == "custom_tool_call" else "args", None)
    if kind == "response.output_item.added":
        seen.started.append((key, call.name))
    else:
        seen.finished.append((key, call))


def _anthropic_event(data: Any, seen: Seen) -> None:
    if _get(data, "type") == "content_block_start":
        block = _get(data, "content_block")
        if _get(block, "type") in _ANTHROPIC_CALLS:
            seen.started.append((data.get("index"), str(block.get("name") or "")))


def _cohere_event(data: Any, seen: Seen) -> None:
    if _get(data, "type") == "tool-call-start":
        name = _get(data, "delta", "message", "tool_calls", "function", "name")
        seen.started.append((("tool", data.get("index", 0)), str(name or "")))


def _bedrock_event(name: str | None, data: Any, seen: Seen) -> None:
    if name == "contentBlockStart":
        use = _get(data, "start", "toolUse")
        if isinstance(use, dict):
            seen.started.append(
                ((data.get("contentBlockIndex"), "toolUse"), str(use.get("name") or ""))
            )


def _gemini_event(data: Any, seen: Seen) -> None:
    for ci, cand in enumerate(_dicts(gfield(data, "candidates")[1])):
        index = cand.get("index", ci)
        parts = gfield(gfield(cand, "content")[1], "parts")[1]
        seen.whole.extend(gemini_parts(parts))
        for part in _dicts(parts):
            call = gfield(part, "functionCall")[1]
            partial = gfield(call, "partialArgs")[1]
            if not isinstance(call, dict) or partial is None:
                continue
            if isinstance(call.get("name"), str) and call["name"]:
                seen.started.append(((index, "args"), call["name"]))
            for arg in _dicts(partial):
                value = gfield(arg, "stringValue")[1]
                path = gfield(arg, "jsonPath")[1]
                if isinstance(value, str):
                    seen.fragments.append(((index, "args"), str(path), value))


def _ollama_event(data: Any, seen: Seen) -> None:
    seen.whole.extend(ollama_message(_get(data, "message")))


def read_event(dialect: str, event: StreamEvent) -> Seen:
    """What `event` of a `dialect` stream says about tool calls."""
    seen = Seen()
    data = event.data
    if dialect == "openai_chat":
        _openai_chat_event(data, seen)
    elif dialect == "openai_responses":
        _responses_event(data, seen)
    elif dialect == "anthropic":
        _anthropic_event(data, seen)
    elif dialect == "cohere":
        _cohere_event(data, seen)
    elif dialect == "bedrock_converse":
        _bedrock_event(event.name, data, seen)
    elif dialect == "gemini":
        _gemini_event(data, seen)
    elif dialect == "ollama":
        _ollama_event(data, seen)
    return seen


def fragments_to_arguments(fragments: list[tuple[str, str]]) -> dict[str, Any]:
    """Gemini `partialArgs` (JSON path like `$.to`, string value) as one object; values
    of one path are concatenated in arrival order."""
    out: dict[str, Any] = {}
    for path, value in fragments:
        steps = [s for s in path.removeprefix("$").split(".") if s]
        node = out
        for step in steps[:-1]:
            node = node.setdefault(step, {}) if isinstance(node.get(step, {}), dict) else {}
        if steps:
            leaf = steps[-1]
            node[leaf] = (
                (node.get(leaf) or "") + value if isinstance(node.get(leaf, ""), str) else value
            )
    return out
