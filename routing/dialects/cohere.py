"""Cohere v2 Chat (`/v2/chat`).

Messages hold a string or typed parts (`text`, `thinking`, `document`, `image_url`);
assistant turns add a `tool_plan` and OpenAI-shaped `tool_calls` (arguments are a JSON
string); tool turns and top-level `documents` are RAG sources, read as external text.
Responses repeat answer text inside `citations[].text`: those copies are redacted too.
Streams are SSE whose JSON `type` says what moves: `content-delta`, `tool-plan-delta`,
`tool-call-start`/`-delta` (arguments, held whole), `citation-start`, `message-end`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
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
from llmwall.routing.dialects.openai_chat import collect_tools
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.segment import Extraction, Path, Role, Segment, Trust

_ROLES: dict[str, tuple[Role, Trust]] = {
    "system": (Role.SYSTEM, Trust.SYSTEM),
    "user": (Role.USER, Trust.USER),
    "assistant": (Role.ASSISTANT, Trust.MODEL),
    "chatbot": (Role.ASSISTANT, Trust.MODEL),
    "tool": (Role.TOOL_RESULT, Trust.EXTERNAL),
}
_TEXT_PARTS = {"text": "text", "thinking": "thinking"}


def collect_content(c: Collector, content: Any, path: Path, role: Role, trust: Trust) -> None:
    if isinstance(content, str):
        c.text(content, path, role, trust)
        return
    if not isinstance(content, list):
        if content is not None:
            c.unknown(path)
        return
    for j, part in enumerate(content):
        p = (*path, j)
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in _TEXT_PARTS:
            c.text(part.get(_TEXT_PARTS[kind]), (*p, _TEXT_PARTS[kind]), role, trust)
        elif kind == "document":
            collect_document(c, part.get("document"), (*p, "document"))
        elif kind == "image_url":
            inner = part.get("image_url")
            url = inner.get("url") if isinstance(inner, dict) else inner
            if is_data_url(url):
                c.binary(p)
        else:
            c.unknown(p)


def collect_document(c: Collector, doc: Any, path: Path) -> None:
    """A RAG document: a string, or `{id, data: {...}}` whose every string is read."""
    if isinstance(doc, str):
        c.text(doc, path, Role.DOCUMENT, Trust.EXTERNAL)
    elif isinstance(doc, dict) and "data" in doc:
        c.leaves(doc["data"], (*path, "data"), Role.DOCUMENT, Trust.EXTERNAL)
    elif doc is not None:
        c.unknown(path)


def collect_tool_calls(c: Collector, calls: Any, path: Path) -> None:
    for k, call in enumerate(calls if isinstance(calls, list) else ()):
        fn = call.get("function") if isinstance(call, dict) else None
        if isinstance(fn, dict):
            c.json_string(
                fn.get("arguments"),
                (*path, k, "function", "arguments"),
                Role.TOOL_CALL,
                Trust.MODEL,
            )


def collect_citations(c: Collector, citations: Any, path: Path, sources: Trust) -> None:
    """Citations copy answer text (`text`) and quote their sources: external text in a
    request's history, output for the user in a response."""
    for k, cite in enumerate(citations if isinstance(citations, list) else ()):
        if not isinstance(cite, dict):
            continue
        c.text(cite.get("text"), (*path, k, "text"), Role.ASSISTANT, Trust.MODEL)
        for s, source in enumerate(cite.get("sources") or ()):
            if isinstance(source, dict):
                for key in ("document", "tool_output"):
                    c.leaves(source.get(key), (*path, k, "sources", s, key), Role.DOCUMENT, sources)


def _collect_message(c: Collector, msg: Any, path: Path, *, request: bool) -> None:
    if not isinstance(msg, dict):
        c.unknown(path)
        return
    role, trust = _ROLES.get(msg.get("role", ""), _ROLES["user" if request else "assistant"])
    collect_content(c, msg.get("content"), (*path, "content"), role, trust)
    c.text(msg.get("tool_plan"), (*path, "tool_plan"), Role.ASSISTANT, Trust.MODEL)
    collect_tool_calls(c, msg.get("tool_calls"), (*path, "tool_calls"))
    collect_citations(
        c, msg.get("citations"), (*path, "citations"), Trust.EXTERNAL if request else Trust.MODEL
    )


# --- streams -----------------------------------------------------------------------------

_DELTA_TYPES = frozenset({"content-delta", "tool-plan-delta", "tool-call-delta"})


def _leaf_extractor(role: Role, trust: Trust) -> Callable[[Any], Extraction]:
    # One string at a time: the inspector can tell a rewritten leaf from an untouched one.
    def extract(node: Any) -> Extraction:
        return Extraction(
            (Segment(node, role, trust, ()),) if isinstance(node, str) and node else ()
        )

    return extract


class CohereStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict):
            return []
        kind, index = data.get("type"), data.get("index", 0)
        message = _delta_message(data)
        if kind in ("content-start", "content-delta"):
            content = message.get("content")
            if isinstance(content, dict):
                return [
                    TextPiece(
                        ("content", index, key), ("delta", "message", "content", key), content[key]
                    )
                    for key in ("text", "thinking")
                    if isinstance(content.get(key), str)
                ]
        elif kind == "tool-plan-delta" and isinstance(message.get("tool_plan"), str):
            return [TextPiece("tool_plan", ("delta", "message", "tool_plan"), message["tool_plan"])]
        elif kind in ("tool-call-start", "tool-call-delta"):
            calls = message.get("tool_calls")
            fn = calls.get("function") if isinstance(calls, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                path = ("delta", "message", "tool_calls", "function", "arguments")
                return [
                    TextPiece(
                        ("tool", index), path, fn["arguments"], Role.TOOL_CALL, structured=True
                    )
                ]
        return []

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if not isinstance(data, dict):
            return ()
        kind, index = data.get("type"), data.get("index", 0)
        if kind == "message-end" or "type" not in data:
            return ALL_CHANNELS
        closing: list[Hashable] = []
        if kind == "content-end":
            closing += [("content", index, "text"), ("content", index, "thinking")]
        elif kind == "tool-call-end":
            closing.append(("tool", index))
        if kind in ("tool-call-start", "content-start"):
            closing.append("tool_plan")  # the plan is complete once a call or answer begins
        return closing

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        data = event.data
        if not isinstance(data, dict) or data.get("type") != "citation-start":
            return []
        c = Collector()
        citation = _delta_message(data).get("citations")
        collect_citations(c, [citation], ("delta", "message", "citations"), Trust.MODEL)
        out: list[tuple[Path, Callable[[Any], Extraction]]] = []
        for segment in c.build().segments:
            path = segment.path[:3] + segment.path[4:]  # the citation is an object, not a list
            out.append((path, _leaf_extractor(segment.role, segment.trust)))
        return out

    def droppable(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and event.data.get("type") in _DELTA_TYPES

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        index = template.data.get("index", 0)
        if piece.channel == "tool_plan":
            data: dict[str, Any] = {
                "type": "tool-plan-delta",
                "delta": {"message": {"tool_plan": text}},
            }
        elif isinstance(piece.channel, tuple) and piece.channel[0] == "tool":
            message: dict[str, Any] = {"tool_calls": {"function": {"arguments": text}}}
            data = {"type": "tool-call-delta", "index": index, "delta": {"message": message}}
        else:
            message = {"content": {str(piece.path[-1]): text}}
            data = {"type": "content-delta", "index": index, "delta": {"message": message}}
        return StreamEvent(raw=b"", data=data, name=data["type"] if template.name else None)

    def is_error(self, event: StreamEvent) -> bool:
        data = event.data
        if not isinstance(data, dict):
            return False
        delta = data.get("delta")
        failed = isinstance(delta, dict) and bool(delta.get("error"))
        return ("type" not in data and "message" in data) or failed

    def is_terminal(self, event: StreamEvent) -> bool:
        data = event.data
        return isinstance(data, dict) and (
            data.get("type") == "message-end" or self.is_error(event)
        )

    def usage(self, event: StreamEvent) -> dict[str, Any] | None:
        """Token usage of `message-end` (read by inspectors that ask the dialect)."""
        data = event.data
        delta = (
            data.get("delta")
            if isinstance(data, dict) and data.get("type") == "message-end"
            else None
        )
        usage = delta.get("usage") if isinstance(delta, dict) else None
        return usage if isinstance(usage, dict) else None

    def error_event(self, message: str, code: str) -> bytes:
        # Cohere reports a failure inside a stream as a message-end whose reason is ERROR.
        return frame(
            {"type": "message-end", "delta": {"error": message, "finish_reason": "ERROR"}},
            "message-end",
        )


def _delta_message(data: dict[str, Any]) -> dict[str, Any]:
    delta = data.get("delta")
    message = delta.get("message") if isinstance(delta, dict) else None
    return message if isinstance(message, dict) else {}


class Cohere(Dialect):
    name = "cohere"
    stream = CohereStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        messages = body.get("messages")
        if isinstance(messages, list):
            for i, msg in enumerate(messages):
                _collect_message(c, msg, ("messages", i), request=True)
        elif messages is not None:
            c.unknown(("messages",))
        for i, doc in enumerate(body.get("documents") or ()):
            collect_document(c, doc, ("documents", i))
        collect_tools(c, body.get("tools"), ("tools",))
        rf = body.get("response_format")
        if isinstance(rf, dict) and "json_schema" in rf:
            c.leaves(
                rf["json_schema"],
                ("response_format", "json_schema"),
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            )
        c.leaves(body.get("stop_sequences"), ("stop_sequences",), Role.SYSTEM, Trust.SYSTEM)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        if "message" in body and isinstance(body["message"], dict):
            _collect_message(c, body["message"], ("message",), request=False)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return ErrorShape(status, {"id": code, "message": message})

    def usage(self, body: Any) -> dict[str, Any] | None:
        usage = body.get("usage") if isinstance(body, dict) else None
        return usage if isinstance(usage, dict) else None


DIALECT = Cohere()
