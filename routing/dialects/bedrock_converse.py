"""AWS Bedrock Converse and ConverseStream (`/model/{modelId}/converse(-stream)`).

Content blocks are unions keyed by member name (`{"text": ...}`, `{"toolUse": {...}}`),
not tagged with `type`. The block walkers here also serve Amazon Nova's InvokeModel
body, which uses the same shapes (see `bedrock_invoke`).

Streams are AWS eventstream; events are named by `:event-type`. Text is reassembled per
`contentBlockIndex`; tool-use input fragments are held until `contentBlockStop` and
scanned as JSON. Reasoning text is signed: it is a read-only channel, scanned across
deltas and never rewritten, so a finding that needs redaction blocks the stream. The
stream is complete at `messageStop` (the `metadata` event that
follows only carries usage); an exception message also ends it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    Dialect,
    ErrorShape,
    Framing,
    StreamDialect,
    StreamEvent,
    TextPiece,
)
from llmwall.routing.framing.eventstream import EventStreamFraming, exception_message
from llmwall.routing.segment import Extraction, Path, Role, Trust

_ROLES: dict[str, tuple[Role, Trust]] = {
    "user": (Role.USER, Trust.USER),
    "assistant": (Role.ASSISTANT, Trust.MODEL),
    "system": (Role.SYSTEM, Trust.SYSTEM),
}
_MEDIA = ("image", "video", "audio")
_MODEL_PATH = re.compile(r"^/model/([^/?]+)/")

# Bedrock error types by HTTP status, for `x-amzn-ErrorType` (botocore reads the code there).
_ERROR_TYPES = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}


# --- request and response bodies -------------------------------------------------------


def collect_content(c: Collector, content: Any, path: Path, role: Role, trust: Trust) -> None:
    """A `content` list of Converse content blocks."""
    if not isinstance(content, list):
        if content is not None:
            c.unknown(path)
        return
    for j, block in enumerate(content):
        collect_block(c, block, (*path, j), role, trust)


def collect_block(c: Collector, block: Any, p: Path, role: Role, trust: Trust) -> None:
    if not isinstance(block, dict):
        c.unknown(p)
        return
    for key, value in block.items():
        q = (*p, key)
        if key == "text":
            c.text(value, q, role, trust)
        elif key in _MEDIA:
            _media(c, value, q)
        elif key == "document":
            _document(c, value, q)
        elif key == "toolUse":
            if isinstance(value, dict):
                c.leaves(value.get("input"), (*q, "input"), Role.TOOL_CALL, Trust.MODEL)
        elif key == "toolResult":
            if isinstance(value, dict):
                _tool_result(c, value.get("content"), (*q, "content"))
        elif key == "guardContent":
            _guard(c, value, q, role, trust)
        elif key == "reasoningContent":
            _reasoning(c, value, q)
        elif key == "citationsContent":
            _citations_content(c, value, q)
        elif key == "searchResult":
            _search_result(c, value, q)
        elif key in ("cachePoint", "toolAddition", "toolRemoval"):
            continue  # no text: a cache marker, references to tools by name
        else:
            c.unknown(q)


def _media(c: Collector, block: Any, path: Path) -> None:
    source = block.get("source") if isinstance(block, dict) else None
    if not isinstance(source, dict):
        return
    if "bytes" in source:
        c.binary((*path, "source"))
    if "s3Location" in source:
        c.opaque("file_reference")


def _document(c: Collector, block: Any, path: Path) -> None:
    if not isinstance(block, dict):
        c.unknown(path)
        return
    c.text(block.get("name"), (*path, "name"), Role.DOCUMENT, Trust.EXTERNAL)
    c.text(block.get("context"), (*path, "context"), Role.DOCUMENT, Trust.EXTERNAL)
    source = block.get("source")
    if not isinstance(source, dict):
        return
    sp = (*path, "source")
    for key, value in source.items():
        if key == "text":
            c.text(value, (*sp, "text"), Role.DOCUMENT, Trust.EXTERNAL)
        elif key == "content" and isinstance(value, list):
            for k, part in enumerate(value):
                if isinstance(part, dict) and set(part) == {"text"}:
                    c.text(part["text"], (*sp, "content", k, "text"), Role.DOCUMENT, Trust.EXTERNAL)
                else:
                    c.unknown((*sp, "content", k))
        elif key == "bytes":
            c.binary(sp)
        elif key == "s3Location":
            c.opaque("file_reference")
        else:
            c.unknown((*sp, key))


def _tool_result(c: Collector, content: Any, path: Path) -> None:
    if not isinstance(content, list):
        if content is not None:
            c.unknown(path)
        return
    for k, part in enumerate(content):
        p = (*path, k)
        if not isinstance(part, dict):
            c.unknown(p)
            continue
        for key, value in part.items():
            if key == "text":
                c.text(value, (*p, "text"), Role.TOOL_RESULT, Trust.EXTERNAL)
            elif key == "json":
                c.leaves(value, (*p, "json"), Role.TOOL_RESULT, Trust.EXTERNAL)
            elif key in _MEDIA:
                _media(c, value, (*p, key))
            elif key == "document":
                _document(c, value, (*p, key))
            elif key == "searchResult":
                _search_result(c, value, (*p, key))
            else:
                c.unknown((*p, key))


def _guard(c: Collector, block: Any, path: Path, role: Role, trust: Trust) -> None:
    if not isinstance(block, dict):
        c.unknown(path)
        return
    text = block.get("text")
    if isinstance(text, dict):
        c.text(text.get("text"), (*path, "text", "text"), role, trust)
    if isinstance(block.get("image"), dict):
        _media(c, block["image"], (*path, "image"))


def _reasoning(c: Collector, block: Any, path: Path) -> None:
    if not isinstance(block, dict):
        c.unknown(path)
        return
    reasoning = block.get("reasoningText")
    if isinstance(reasoning, dict):
        # Signed by the provider: scanned, never modified.
        c.text(
            reasoning.get("text"),
            (*path, "reasoningText", "text"),
            Role.ASSISTANT,
            Trust.MODEL,
            writable=False,
        )
    if "redactedContent" in block:
        c.opaque("encrypted_reasoning")


def _citations_content(c: Collector, block: Any, path: Path) -> None:
    if not isinstance(block, dict):
        c.unknown(path)
        return
    for k, part in enumerate(block.get("content") or ()):
        if isinstance(part, dict):
            c.text(part.get("text"), (*path, "content", k, "text"), Role.ASSISTANT, Trust.MODEL)
    for k, citation in enumerate(block.get("citations") or ()):
        collect_citation(c, citation, (*path, "citations", k))


def collect_citation(c: Collector, citation: Any, path: Path) -> None:
    """A citation quotes the cited source: its title and `sourceContent[].text`."""
    if not isinstance(citation, dict):
        return
    c.text(citation.get("title"), (*path, "title"), Role.DOCUMENT, Trust.EXTERNAL)
    for k, part in enumerate(citation.get("sourceContent") or ()):
        if isinstance(part, dict):
            c.text(
                part.get("text"), (*path, "sourceContent", k, "text"), Role.DOCUMENT, Trust.EXTERNAL
            )


def _search_result(c: Collector, block: Any, path: Path) -> None:
    if not isinstance(block, dict):
        c.unknown(path)
        return
    c.text(block.get("title"), (*path, "title"), Role.DOCUMENT, Trust.EXTERNAL)
    for k, part in enumerate(block.get("content") or ()):
        if isinstance(part, dict):
            c.text(part.get("text"), (*path, "content", k, "text"), Role.DOCUMENT, Trust.EXTERNAL)


def collect_system(c: Collector, system: Any, path: Path) -> None:
    if not isinstance(system, list):
        if system is not None:
            c.unknown(path)
        return
    for i, block in enumerate(system):
        p = (*path, i)
        if not isinstance(block, dict):
            c.unknown(p)
            continue
        for key, value in block.items():
            if key == "text":
                c.text(value, (*p, "text"), Role.SYSTEM, Trust.SYSTEM)
            elif key == "guardContent":
                _guard(c, value, (*p, key), Role.SYSTEM, Trust.SYSTEM)
            elif key != "cachePoint":
                c.unknown((*p, key))


def collect_messages(c: Collector, messages: Any, path: Path) -> None:
    if not isinstance(messages, list):
        if messages is not None:
            c.unknown(path)
        return
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            c.unknown((*path, i))
            continue
        role, trust = _ROLES.get(msg.get("role", ""), (Role.USER, Trust.USER))
        collect_content(c, msg.get("content"), (*path, i, "content"), role, trust)


def collect_tool_config(c: Collector, config: Any, path: Path) -> None:
    if not isinstance(config, dict) or not isinstance(config.get("tools"), list):
        return
    for i, tool in enumerate(config["tools"]):
        spec = tool.get("toolSpec") if isinstance(tool, dict) else None
        if not isinstance(spec, dict):
            continue
        p = (*path, "tools", i, "toolSpec")
        c.text(spec.get("description"), (*p, "description"), Role.TOOL_DEFINITION, Trust.SYSTEM)
        schema = spec.get("inputSchema")
        if isinstance(schema, dict) and "json" in schema:
            c.leaves(
                schema["json"], (*p, "inputSchema", "json"), Role.TOOL_DEFINITION, Trust.SYSTEM
            )


def collect_output(c: Collector, body: dict[str, Any]) -> None:
    output = body.get("output")
    message = output.get("message") if isinstance(output, dict) else None
    if isinstance(message, dict):
        collect_content(
            c, message.get("content"), ("output", "message", "content"), Role.ASSISTANT, Trust.MODEL
        )
    elif output is not None:
        c.unknown(("output",))


# --- streams ------------------------------------------------------------------------------


def stream_pieces(kind: str | None, payload: Any, prefix: Path) -> list[TextPiece]:
    """Text in one Converse-shaped stream event `kind` whose payload sits at `prefix`."""
    if kind != "contentBlockDelta" or not isinstance(payload, dict):
        return []
    delta = payload.get("delta")
    if not isinstance(delta, dict):
        return []
    index = payload.get("contentBlockIndex")
    base = (*prefix, "delta")
    out = []
    if isinstance(delta.get("text"), str):
        out.append(TextPiece(index, (*base, "text"), delta["text"]))
    tool_use = delta.get("toolUse")
    if isinstance(tool_use, dict) and isinstance(tool_use.get("input"), str):
        out.append(
            TextPiece(
                (index, "toolUse"),
                (*base, "toolUse", "input"),
                tool_use["input"],
                role=Role.TOOL_CALL,
                structured=True,
            )
        )
    reasoning = delta.get("reasoningContent")
    if isinstance(reasoning, dict) and isinstance(reasoning.get("text"), str):
        out.append(
            TextPiece(
                (index, "reasoning"),
                (*base, "reasoningContent", "text"),
                reasoning["text"],
                writable=False,
            )
        )
    for k, part in enumerate(delta.get("toolResult") or ()):
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            out.append(
                TextPiece(
                    (index, "toolResult", k),
                    (*base, "toolResult", k, "text"),
                    part["text"],
                    role=Role.TOOL_RESULT,
                    trust=Trust.EXTERNAL,
                )
            )
    return out


def stream_embedded(
    kind: str | None, payload: Any, prefix: Path
) -> list[tuple[Path, Callable[[Any], Extraction]]]:
    """Parts of a delta scanned whole per event: citations, JSON tool results."""
    if (
        kind != "contentBlockDelta"
        or not isinstance(payload, dict)
        or not isinstance(payload.get("delta"), dict)
    ):
        return []
    delta = payload["delta"]
    base = (*prefix, "delta")
    out: list[tuple[Path, Callable[[Any], Extraction]]] = []
    if isinstance(delta.get("citation"), dict):
        out.append(((*base, "citation"), _citation_delta))
    if isinstance(delta.get("toolResult"), list):
        out.append(((*base, "toolResult"), _tool_result_json_delta))
    return out


def _citation_delta(node: Any) -> Extraction:
    c = Collector()
    collect_citation(c, node, ())
    return c.build()


def _tool_result_json_delta(node: Any) -> Extraction:
    c = Collector()
    for k, part in enumerate(node):
        if isinstance(part, dict) and "json" in part:
            c.leaves(part["json"], (k, "json"), Role.TOOL_RESULT, Trust.EXTERNAL)
    return c.build()


def stream_closes(kind: str | None, payload: Any) -> Any:
    if kind == "contentBlockStop" and isinstance(payload, dict):
        return [payload.get("contentBlockIndex")]
    if kind == "contentBlockDelta" and isinstance(payload, dict):
        reasoning = (payload.get("delta") or {}).get("reasoningContent")
        if isinstance(reasoning, dict) and "signature" in reasoning:
            # the signature ends the reasoning text: release it before the signature
            return [(payload.get("contentBlockIndex"), "reasoning")]
    if kind in ("messageStop", "metadata"):
        return ALL_CHANNELS
    return ()


def is_exception(event: StreamEvent) -> bool:
    return event.meta.get("message_type") in ("exception", "error")


def exception_type(code: str) -> str:
    """The stream exception a client sees when we end a stream: a policy block is the
    client's request being refused (not retryable); anything else is a broken stream."""
    return "validationException" if code == "llmwall_policy_block" else "modelStreamErrorException"


class ConverseStream(StreamDialect):
    def framing(self) -> Framing:
        return EventStreamFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        return stream_pieces(event.name, event.data, ())

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        return stream_embedded(event.name, event.data, ())

    def closes(self, event: StreamEvent) -> Any:
        if is_exception(event):
            return ALL_CHANNELS
        return stream_closes(event.name, event.data)

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        return (
            event.name == "contentBlockDelta"
            and isinstance(data, dict)
            and isinstance(data.get("delta"), dict)
            and (
                set(data["delta"]) <= {"text", "toolUse"}
                or data["delta"].get("reasoningContent", {}).keys() == {"text"}
            )
        )

    def is_error(self, event: StreamEvent) -> bool:
        return is_exception(event)

    def is_terminal(self, event: StreamEvent) -> bool:
        return is_exception(event) or event.name in ("messageStop", "metadata")

    def error_event(self, message: str, code: str) -> bytes:
        return exception_message(exception_type(code), message)


# --- the dialect ---------------------------------------------------------------------------


def model_from_path(path: str) -> str | None:
    """The URL-decoded model id (foundation model, inference profile or ARN)."""
    m = _MODEL_PATH.match(path)
    return unquote(m.group(1)) if m else None


def error_shape(status: int, message: str) -> ErrorShape:
    kind = _ERROR_TYPES.get(
        status, "ValidationException" if status < 500 else "InternalServerException"
    )
    return ErrorShape(status, {"message": message}, (("x-amzn-ErrorType", kind),))


class BedrockConverse(Dialect):
    name = "bedrock_converse"
    stream = ConverseStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_system(c, body.get("system"), ("system",))
        collect_messages(c, body.get("messages"), ("messages",))
        collect_tool_config(c, body.get("toolConfig"), ("toolConfig",))
        if "additionalModelRequestFields" in body:
            c.leaves(
                body["additionalModelRequestFields"],
                ("additionalModelRequestFields",),
                Role.SYSTEM,
                Trust.SYSTEM,
            )
        variables = body.get("promptVariables")
        if isinstance(variables, dict):
            for name, value in variables.items():
                if isinstance(value, dict):
                    c.text(
                        value.get("text"), ("promptVariables", name, "text"), Role.USER, Trust.USER
                    )

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_output(c, body)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return error_shape(status, message)

    def model(self, body: Any, path: str) -> str | None:
        return model_from_path(path)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return path.split("?", 1)[0].rstrip("/").endswith("/converse-stream")

    def portable(self, body: Any) -> bool:
        # promptVariables fill a prompt stored in Bedrock Prompt Management (server-side).
        return not (isinstance(body, dict) and body.get("promptVariables"))


DIALECT = BedrockConverse()
