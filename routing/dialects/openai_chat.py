"""OpenAI Chat Completions (`/v1/chat/completions`), also spoken by Azure OpenAI, Groq,
Mistral, Together, Fireworks, DeepSeek, OpenRouter, xAI, Ollama's `/v1` and most
self-hosted servers."""

from __future__ import annotations

import copy
from typing import Any

from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    Dialect,
    ErrorShape,
    Framing,
    StreamDialect,
    StreamEvent,
    TextPiece,
    is_data_url,
)
from llmwall.routing.dialects.fields import collect_fields, collect_rest
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.segment import Path, Role, Trust

_ROLES: dict[str, tuple[Role, Trust]] = {
    "system": (Role.SYSTEM, Trust.SYSTEM),
    "developer": (Role.SYSTEM, Trust.SYSTEM),
    "user": (Role.USER, Trust.USER),
    "assistant": (Role.ASSISTANT, Trust.MODEL),
    "tool": (Role.TOOL_RESULT, Trust.EXTERNAL),
    "function": (Role.TOOL_RESULT, Trust.EXTERNAL),
}

# Request fields with user text outside the messages (end-user ids, metadata, ...).
TEXT_FIELDS = (
    "user",
    "safety_identifier",
    "prompt_cache_key",
    "metadata",
    "stop",
    "web_search_options",
)
# Every other field llmwall knows: read above, or settings without text. Fields outside
# both are scanned generically.
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "model",
        "messages",
        "tools",
        "functions",
        "response_format",
        "prediction",
        "stream",
        "stream_options",
        "temperature",
        "top_p",
        "n",
        "max_tokens",
        "max_completion_tokens",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "seed",
        "tool_choice",
        "parallel_tool_calls",
        "function_call",
        "service_tier",
        "store",
        "modalities",
        "audio",
        "reasoning_effort",
        "verbosity",
        "prompt_cache_retention",
    }
)

_TEXT_PARTS = {"text": "text", "refusal": "refusal", "input_text": "text", "output_text": "text"}
_BINARY_PARTS = {"image_url", "input_audio", "file", "input_image", "input_file"}


def collect_content(c: Collector, content: Any, path: Path, role: Role, trust: Trust) -> None:
    """A message `content`: a string or an array of typed parts."""
    if isinstance(content, str):
        c.text(content, path, role, trust)
    elif isinstance(content, list):
        start = c.count
        for j, part in enumerate(content):
            p = (*path, j)
            if isinstance(part, str):
                c.text(part, p, role, trust)
                continue
            kind = part.get("type") if isinstance(part, dict) else None
            if kind in _TEXT_PARTS:
                c.text(part.get(_TEXT_PARTS[kind]), (*p, _TEXT_PARTS[kind]), role, trust)
            elif kind in _BINARY_PARTS:
                collect_binary_part(c, part, p, role, trust)
            else:
                c.unknown(p)
        c.joined(start)
    elif content is not None:
        c.unknown(path)


def collect_binary_part(
    c: Collector,
    part: dict[str, Any],
    path: Path,
    role: Role = Role.USER,
    trust: Trust = Trust.USER,
) -> None:
    """Images, audio and files. A `data:` URL or `file_data` whose content is text
    (text/plain, JSON, CSV, ... or a PDF) is read as text; an http(s) image URL is
    text too (its query may carry tokens or ids); the rest is binary."""
    kind = part["type"]
    inner = part.get(kind)
    doc = Role.DOCUMENT, Trust.EXTERNAL
    if kind == "image_url":
        url_path: Path = (*path, "image_url", "url") if isinstance(inner, dict) else (*path, kind)
        url = inner.get("url") if isinstance(inner, dict) else inner
        _url_or_data(c, url, url_path, role, trust)
    elif kind == "input_image":
        _url_or_data(c, part.get("image_url"), (*path, "image_url"), role, trust)
        if part.get("file_id"):
            c.opaque("file_reference")
    elif kind == "input_audio":
        c.binary(path)
    elif isinstance(inner, dict) and inner.get("file_data"):  # chat `file`
        c.encoded(inner["file_data"], (*path, kind, "file_data"), None, *doc)
        c.text(inner.get("filename"), (*path, kind, "filename"), role, trust)
    elif kind == "input_file" and part.get("file_data"):
        c.encoded(part["file_data"], (*path, "file_data"), None, *doc)
        c.text(part.get("filename"), (*path, "filename"), role, trust)
    elif kind == "input_file" and isinstance(part.get("file_url"), str):
        c.text(part["file_url"], (*path, "file_url"), role, trust)
    else:
        if isinstance(inner, dict):
            c.text(inner.get("filename"), (*path, kind, "filename"), role, trust)
        c.opaque("file_reference")


def _url_or_data(c: Collector, url: Any, path: Path, role: Role, trust: Trust) -> None:
    if is_data_url(url):
        c.encoded(url, path, None, Role.DOCUMENT, Trust.EXTERNAL)
    elif isinstance(url, str):
        c.text(url, path, role, trust)


def collect_tools(c: Collector, tools: Any, path: Path) -> None:
    """Tool definitions: descriptions and every string in their JSON schemas."""
    if isinstance(tools, list):
        for i, tool in enumerate(tools):
            if isinstance(tool, dict):
                for key in ("function", "custom"):
                    if isinstance(tool.get(key), dict):
                        _tool_def(c, tool[key], (*path, i, key))
                if "function" not in tool and "custom" not in tool:
                    _tool_def(c, tool, (*path, i))


def _tool_def(c: Collector, spec: dict[str, Any], path: Path) -> None:
    c.text(spec.get("description"), (*path, "description"), Role.TOOL_DEFINITION, Trust.SYSTEM)
    for key in ("parameters", "format", "input_schema"):
        if key in spec:
            c.leaves(spec[key], (*path, key), Role.TOOL_DEFINITION, Trust.SYSTEM)


def collect_tool_calls(c: Collector, calls: Any, path: Path, trust: Trust) -> None:
    if not isinstance(calls, list):
        return
    for k, call in enumerate(calls):
        if not isinstance(call, dict):
            continue
        fn = call.get("function")
        if isinstance(fn, dict):
            c.json_string(
                fn.get("arguments"), (*path, k, "function", "arguments"), Role.TOOL_CALL, trust
            )
        custom = call.get("custom")
        if isinstance(custom, dict):
            c.text(custom.get("input"), (*path, k, "custom", "input"), Role.TOOL_CALL, trust)


def collect_message(c: Collector, msg: Any, path: Path, default: tuple[Role, Trust]) -> None:
    if not isinstance(msg, dict):
        c.unknown(path)
        return
    role, trust = _ROLES.get(msg.get("role", ""), default)
    c.text(msg.get("name"), (*path, "name"), role, trust)  # a participant's name
    collect_content(c, msg.get("content"), (*path, "content"), role, trust)
    c.text(msg.get("refusal"), (*path, "refusal"), role, trust)
    for key in ("reasoning_content", "reasoning"):  # DeepSeek, OpenRouter, vLLM
        c.text(msg.get(key), (*path, key), role, trust)
    call_trust = Trust.MODEL
    collect_tool_calls(c, msg.get("tool_calls"), (*path, "tool_calls"), call_trust)
    fc = msg.get("function_call")
    if isinstance(fc, dict):
        c.json_string(
            fc.get("arguments"), (*path, "function_call", "arguments"), Role.TOOL_CALL, call_trust
        )
    audio = msg.get("audio")
    if isinstance(audio, dict):
        c.text(audio.get("transcript"), (*path, "audio", "transcript"), role, trust)


def collect_logprobs(c: Collector, logprobs: Any, path: Path) -> None:
    """The chosen tokens of `logprobs.content` / `.refusal`: the choice's text again, in
    pieces, read as one text so that a value split over tokens is found and redacted in
    each token it covers (`routing.dialects.logprobs`)."""
    if not isinstance(logprobs, dict):
        return
    for key in ("content", "refusal"):
        items = logprobs.get(key)
        if not isinstance(items, list):
            continue
        start = c.count
        for k, item in enumerate(items):
            if isinstance(item, dict):
                c.text(item.get("token"), (*path, key, k, "token"), Role.ASSISTANT, Trust.MODEL)
        c.joined(start)


class OpenAIChatStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            return []
        out = []
        for ci, choice in enumerate(data["choices"]):
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", ci)
            out += _logprob_pieces(choice.get("logprobs"), index, ("choices", ci, "logprobs"))
            delta = choice.get("delta")
            if not isinstance(delta, dict):
                # legacy completions-style chunks put text at choices[].text
                if isinstance(choice.get("text"), str):
                    out.append(TextPiece((index, "text"), ("choices", ci, "text"), choice["text"]))
                continue
            base = ("choices", ci, "delta")
            for key in ("content", "refusal", "reasoning_content", "reasoning"):
                if isinstance(delta.get(key), str):
                    out.append(TextPiece((index, key), (*base, key), delta[key]))
            for k, call in enumerate(delta.get("tool_calls") or ()):
                fn = call.get("function") if isinstance(call, dict) else None
                if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                    slot = call.get("index", k)
                    out.append(
                        TextPiece(
                            (index, "tool", slot),
                            (*base, "tool_calls", k, "function", "arguments"),
                            fn["arguments"],
                            role=Role.TOOL_CALL,
                            structured=True,
                        )
                    )
            fc = delta.get("function_call")
            if isinstance(fc, dict) and isinstance(fc.get("arguments"), str):
                out.append(
                    TextPiece(
                        (index, "function_call"),
                        (*base, "function_call", "arguments"),
                        fc["arguments"],
                        role=Role.TOOL_CALL,
                        structured=True,
                    )
                )
        return out

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if data is None:
            return ALL_CHANNELS if event.meta.get("sentinel") == "[DONE]" else ()
        if not isinstance(data, dict) or "error" in data:
            return ALL_CHANNELS
        closing = []
        for ci, choice in enumerate(data.get("choices") or ()):
            if isinstance(choice, dict) and choice.get("finish_reason"):
                closing.append(choice.get("index", ci))
        if not data.get("choices") and data.get("usage"):
            return ALL_CHANNELS
        return closing

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        if not isinstance(data, dict) or data.get("usage") or len(data.get("choices") or ()) != 1:
            return False
        choice = data["choices"][0]
        delta = choice.get("delta")
        return (
            isinstance(delta, dict)
            and not choice.get("finish_reason")
            and set(delta) <= {"content", "refusal", "reasoning_content", "reasoning"}
        )

    def is_terminal(self, event: StreamEvent) -> bool:
        return event.meta.get("sentinel") == "[DONE]" or (
            isinstance(event.data, dict) and "error" in event.data
        )

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        return synthetic_chunk(template, piece, text)

    def error_event(self, message: str, code: str) -> bytes:
        body = OpenAIChat().error(403, message, code).body
        return frame(body) + b"data: [DONE]\n\n"


def _logprob_pieces(logprobs: Any, index: Any, path: Path) -> list[TextPiece]:
    """The chosen tokens of a chunk's logprobs: one channel per choice and list, held
    back like the text they repeat (a value split over tokens is seen whole)."""
    out: list[TextPiece] = []
    if not isinstance(logprobs, dict):
        return out
    for key in ("content", "refusal"):
        for k, item in enumerate(logprobs.get(key) or ()):
            if isinstance(item, dict) and isinstance(item.get("token"), str):
                channel = (index, "logprobs", key)
                out.append(TextPiece(channel, (*path, key, k, "token"), item["token"]))
    return out


def synthetic_chunk(template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
    """A minimal chunk carrying only `text` for `piece`'s channel (used to flush held text)."""
    data = template.data
    envelope = {k: data[k] for k in ("id", "object", "created", "model") if k in data}
    choice_path, rest = piece.path[:2], piece.path[2:]
    index = data["choices"][choice_path[1]].get("index", choice_path[1])
    delta: dict[str, Any] = {}
    if rest[:1] == ("logprobs",):
        token = {"token": text, "logprob": 0.0, "bytes": list(text.encode()), "top_logprobs": []}
        choice = {"index": index, "delta": {}, "logprobs": {str(rest[1]): [token]}}
        return StreamEvent(
            raw=b"", data={**envelope, "choices": [{**choice, "finish_reason": None}]}
        )
    if rest[:2] == ("delta", "tool_calls"):
        call = data["choices"][choice_path[1]]["delta"]["tool_calls"][rest[2]]
        delta = {
            "tool_calls": [{"index": call.get("index", rest[2]), "function": {"arguments": text}}]
        }
    elif rest[:1] == ("delta",) and len(rest) == 3 and rest[1] == "function_call":
        delta = {"function_call": {"arguments": text}}
    elif rest[:1] == ("delta",):
        delta = {str(rest[1]): text}
    else:
        choice = {"index": index, str(rest[0]): text, "finish_reason": None}
        return StreamEvent(raw=b"", data={**envelope, "choices": [choice]})
    choice = {"index": index, "delta": delta, "finish_reason": None}
    return StreamEvent(raw=b"", data=copy.deepcopy({**envelope, "choices": [choice]}))


class OpenAIChat(Dialect):
    name = "openai_chat"
    stream = OpenAIChatStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        messages = body.get("messages")
        if isinstance(messages, list):
            for i, msg in enumerate(messages):
                collect_message(c, msg, ("messages", i), (Role.USER, Trust.USER))
        elif messages is not None:
            c.unknown(("messages",))
        collect_tools(c, body.get("tools"), ("tools",))
        collect_tools(c, body.get("functions"), ("functions",))
        rf = body.get("response_format")
        if isinstance(rf, dict) and isinstance(rf.get("json_schema"), dict):
            c.leaves(
                rf["json_schema"],
                ("response_format", "json_schema"),
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            )
        pred = body.get("prediction")
        if isinstance(pred, dict):
            collect_content(
                c, pred.get("content"), ("prediction", "content"), Role.USER, Trust.USER
            )
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        for i, choice in enumerate(body.get("choices") or ()):
            if not isinstance(choice, dict):
                continue
            if "message" in choice:
                collect_message(
                    c, choice["message"], ("choices", i, "message"), (Role.ASSISTANT, Trust.MODEL)
                )
            elif isinstance(choice.get("text"), str):
                c.text(choice["text"], ("choices", i, "text"), Role.ASSISTANT, Trust.MODEL)
            collect_logprobs(c, choice.get("logprobs"), ("choices", i, "logprobs"))

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        kind = {400: "invalid_request_error", 403: "permission_error", 413: "invalid_request_error"}
        return ErrorShape(
            status,
            {
                "error": {
                    "message": message,
                    "type": kind.get(status, "server_error"),
                    "param": None,
                    "code": code,
                }
            },
        )

    def portable(self, body: Any) -> bool:
        return True


DIALECT = OpenAIChat()
