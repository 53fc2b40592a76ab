"""Ollama's native API: `/api/chat`, `/api/generate`, `/api/embed` and `/api/embeddings`.

The endpoints' fields do not overlap (`messages`; `prompt`/`system`/`suffix`/
`template`; `input`), so one reader serves them all. Tool-call `arguments` are an
object, not a JSON string. Ollama streams unless the body says `"stream": false`, as
NDJSON: one object per line, the last with `done: true`; an error, even mid-stream, is a
line `{"error": "..."}`. The OpenAI- and Anthropic-compatible paths (`/v1/...`) are
served by those dialects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    Dialect,
    ErrorShape,
    StreamDialect,
    StreamEvent,
    TextPiece,
)
from llmwall.routing.dialects.openai_chat import collect_tools
from llmwall.routing.framing.ndjson import NDJSONFraming, line
from llmwall.routing.segment import Extraction, Path, Role, Segment, Trust

_ROLES: dict[str, tuple[Role, Trust]] = {
    "system": (Role.SYSTEM, Trust.SYSTEM),
    "user": (Role.USER, Trust.USER),
    "assistant": (Role.ASSISTANT, Trust.MODEL),
    "tool": (Role.TOOL_RESULT, Trust.EXTERNAL),
}
_MODEL = (Role.ASSISTANT, Trust.MODEL)
# top-level text of /api/generate, /api/embeddings and /api/embed requests
_PROMPT_FIELDS = {
    "prompt": (Role.USER, Trust.USER),
    "suffix": (Role.USER, Trust.USER),
    "system": (Role.SYSTEM, Trust.SYSTEM),
    "template": (Role.SYSTEM, Trust.SYSTEM),
    "input": (Role.USER, Trust.USER),
}


def collect_message(c: Collector, msg: Any, path: Path, default: tuple[Role, Trust]) -> None:
    if not isinstance(msg, dict):
        c.unknown(path)
        return
    role, trust = _ROLES.get(msg.get("role", ""), default)
    content = msg.get("content")
    c.text(content, (*path, "content"), role, trust)
    if content is not None and not isinstance(content, str):
        c.unknown((*path, "content"))
    c.text(msg.get("thinking"), (*path, "thinking"), Role.ASSISTANT, Trust.MODEL)
    collect_images(c, msg.get("images"), (*path, "images"))
    for k, call in enumerate(msg.get("tool_calls") or ()):
        fn = call.get("function") if isinstance(call, dict) else None
        if isinstance(fn, dict):
            c.leaves(
                fn.get("arguments"),
                (*path, "tool_calls", k, "function", "arguments"),
                Role.TOOL_CALL,
                Trust.MODEL,
            )


def collect_images(c: Collector, images: Any, path: Path) -> None:
    for j, _ in enumerate(images if isinstance(images, list) else ()):
        c.binary((*path, j))


# --- streams -----------------------------------------------------------------------------

_TEXT_FIELDS = (("message", "content"), ("message", "thinking"), ("response",), ("thinking",))


def _leaf_extractor(node: Any) -> Extraction:
    # One string at a time: the inspector can tell a rewritten leaf from an untouched one.
    return Extraction(
        (Segment(node, Role.TOOL_CALL, Trust.MODEL, ()),) if isinstance(node, str) and node else ()
    )


class OllamaStream(StreamDialect):
    def framing(self) -> NDJSONFraming:
        return NDJSONFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict):
            return []
        out = []
        for path in _TEXT_FIELDS:
            try:
                value = jsonpath.get(data, path)
            except LookupError:
                continue
            if isinstance(value, str):
                out.append(TextPiece(path, path, value))
        return out

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if isinstance(data, dict) and (data.get("done") is True or "error" in data):
            return ALL_CHANNELS
        if isinstance(data, dict) and _tool_calls(data):
            return [("message", "content"), ("message", "thinking")]
        return ()

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        data = event.data
        out: list[tuple[Path, Callable[[Any], Extraction]]] = []
        for k, call in enumerate(_tool_calls(data)):
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict):
                base = ("message", "tool_calls", k, "function", "arguments")
                out.extend(
                    (path, _leaf_extractor)
                    for path, _ in jsonpath.string_leaves(fn.get("arguments"), base)
                )
        return out

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        return isinstance(data, dict) and data.get("done") is not True and not _tool_calls(data)

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        data = template.data
        envelope = {k: data[k] for k in ("model", "created_at") if k in data}
        if piece.path[0] == "message":
            message = {"role": data["message"].get("role", "assistant"), "content": ""}
            message[piece.path[1]] = text  # type: ignore[index]
            new = {**envelope, "message": message, "done": False}
        else:
            new = {**envelope, "response": "", "done": False}
            new[piece.path[0]] = text  # type: ignore[index]
        return StreamEvent(raw=b"", data=new)

    def error_event(self, message: str, code: str) -> bytes:
        return line({"error": message})

    def usage(self, event: StreamEvent) -> dict[str, Any] | None:
        """Token counters of the final line (read by inspectors that ask the dialect)."""
        return (
            DIALECT.usage(event.data)
            if isinstance(event.data, dict) and event.data.get("done")
            else None
        )

    def is_terminal(self, event: StreamEvent) -> bool:
        data = event.data
        return isinstance(data, dict) and (data.get("done") is True or "error" in data)


def _tool_calls(data: Any) -> list[Any]:
    message = data.get("message") if isinstance(data, dict) else None
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    return calls if isinstance(calls, list) else []


class Ollama(Dialect):
    name = "ollama"
    stream = OllamaStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        messages = body.get("messages")
        if isinstance(messages, list):
            for i, msg in enumerate(messages):
                collect_message(c, msg, ("messages", i), (Role.USER, Trust.USER))
        elif messages is not None:
            c.unknown(("messages",))
        raw_prompt = body.get("raw") is True
        for key, (role, trust) in _PROMPT_FIELDS.items():
            value = body.get(key)
            if isinstance(value, str) and (key == "template" or (key == "prompt" and raw_prompt)):
                # the app's own chat template: its control tokens are structure
                c.text(value, (key,), role, trust, template=True)
            else:
                c.leaves(value, (key,), role, trust)  # `input` may be a list of strings
        collect_images(c, body.get("images"), ("images",))
        collect_tools(c, body.get("tools"), ("tools",))
        if isinstance(body.get("format"), dict):  # a JSON schema; "json" is a mode name
            c.leaves(body["format"], ("format",), Role.TOOL_DEFINITION, Trust.SYSTEM)
        c.leaves(
            (body.get("options") or {}).get("stop"), ("options", "stop"), Role.SYSTEM, Trust.SYSTEM
        )
        if body.get("context") is not None:
            c.opaque("token_ids")

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        if "message" in body:
            collect_message(c, body["message"], ("message",), _MODEL)
        c.text(body.get("response"), ("response",), *_MODEL)
        c.text(body.get("thinking"), ("thinking",), *_MODEL)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return ErrorShape(status, {"error": message})

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        if not path.endswith(("/api/chat", "/api/generate")):
            return False
        return not (isinstance(body, dict) and body.get("stream") is False)

    def usage(self, body: Any) -> dict[str, Any] | None:
        if not isinstance(body, dict):
            return None
        usage = {
            k: body[k] for k in ("prompt_eval_count", "eval_count") if isinstance(body.get(k), int)
        }
        return usage or None

    def portable(self, body: Any) -> bool:
        return not (isinstance(body, dict) and body.get("context") is not None)


DIALECT = Ollama()
