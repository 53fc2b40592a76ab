"""Anthropic Messages (`/v1/messages`, `/v1/messages/count_tokens`), also the body of
Claude on Vertex (`rawPredict`) and Bedrock InvokeModel."""

from __future__ import annotations

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
)
from llmwall.routing.dialects.fields import collect_fields, collect_rest
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.segment import Path, Role, Trust

_ROLES: dict[str, tuple[Role, Trust]] = {
    "user": (Role.USER, Trust.USER),
    "assistant": (Role.ASSISTANT, Trust.MODEL),
    "system": (Role.SYSTEM, Trust.SYSTEM),
}

# Request fields with text outside the conversation, and every other field llmwall
# knows; fields outside both are scanned generically.
TEXT_FIELDS = ("metadata", "stop_sequences", "output_format")
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "model",
        "system",
        "messages",
        "tools",
        "max_tokens",
        "stream",
        "temperature",
        "top_p",
        "top_k",
        "tool_choice",
        "thinking",
        "service_tier",
        "container",
        "mcp_servers",  # their authorization_token is a credential for that server
        "context_management",
        "output_config",
        "inference_geo",
        "anthropic_version",  # Bedrock and Vertex put the version in the body
    }
)

# Keys inside server-tool results that are opaque to us and must not be touched.
_OPAQUE_KEYS = frozenset(
    {"encrypted_content", "encrypted_index", "signature", "id", "tool_use_id", "type"}
)


def collect_blocks(c: Collector, content: Any, path: Path, role: Role, trust: Trust) -> None:
    """`content` of a message, a tool result or a document: a string or typed blocks."""
    if isinstance(content, str):
        c.text(content, path, role, trust)
        return
    if not isinstance(content, list):
        if content is not None:
            c.unknown(path)
        return
    start = c.count
    for j, block in enumerate(content):
        collect_block(c, block, (*path, j), role, trust)
    c.joined(start)


def collect_block(c: Collector, block: Any, p: Path, role: Role, trust: Trust) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind == "text":
        c.text(block.get("text"), (*p, "text"), role, trust)
    elif kind == "image":
        _source(c, block.get("source"), (*p, "source"), Role.DOCUMENT, Trust.EXTERNAL)
    elif kind == "document":
        c.text(block.get("title"), (*p, "title"), Role.DOCUMENT, Trust.EXTERNAL)
        c.text(block.get("context"), (*p, "context"), Role.DOCUMENT, Trust.EXTERNAL)
        _source(c, block.get("source"), (*p, "source"), Role.DOCUMENT, Trust.EXTERNAL)
    elif kind == "search_result":
        c.text(block.get("title"), (*p, "title"), Role.DOCUMENT, Trust.EXTERNAL)
        collect_blocks(c, block.get("content"), (*p, "content"), Role.DOCUMENT, Trust.EXTERNAL)
    elif kind == "thinking":
        # Signed by the provider: scanned, never modified.
        c.text(block.get("thinking"), (*p, "thinking"), Role.ASSISTANT, Trust.MODEL, writable=False)
    elif kind == "redacted_thinking":
        c.opaque("encrypted_reasoning")
    elif kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
        c.leaves(block.get("input"), (*p, "input"), Role.TOOL_CALL, Trust.MODEL)
    elif kind == "tool_result":
        collect_blocks(c, block.get("content"), (*p, "content"), Role.TOOL_RESULT, Trust.EXTERNAL)
    elif isinstance(kind, str) and kind.endswith("_tool_result"):
        _server_result(c, block.get("content"), (*p, "content"))
    elif kind == "mid_conv_system":
        collect_blocks(c, block.get("content"), (*p, "content"), Role.SYSTEM, Trust.SYSTEM)
    elif kind in ("container_upload", "tool_reference"):
        c.opaque("file_reference")
    else:
        c.unknown(p)


def _source(c: Collector, source: Any, path: Path, role: Role, trust: Trust) -> None:
    if not isinstance(source, dict):
        return
    kind = source.get("type")
    if kind == "text":
        c.text(source.get("data"), (*path, "data"), role, trust)
    elif kind == "content":
        collect_blocks(c, source.get("content"), (*path, "content"), role, trust)
    elif kind == "base64":
        # a text media type is text however it travels; a PDF is read as text
        c.encoded(source.get("data"), (*path, "data"), source.get("media_type"), role, trust)
    elif kind == "file":
        c.opaque("file_reference")


def _server_result(c: Collector, node: Any, path: Path) -> None:
    """Results of server tools (web search/fetch, code execution): text the model reads."""
    if isinstance(node, str):
        c.text(node, path, Role.TOOL_RESULT, Trust.EXTERNAL)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _server_result(c, child, (*path, i))
    elif isinstance(node, dict):
        if node.get("type") == "base64" or "encrypted_content" in node:
            c.opaque("encrypted_tool_result") if "encrypted_content" in node else c.binary(path)
        for key, child in node.items():
            if key not in _OPAQUE_KEYS:
                _server_result(c, child, (*path, key))


def collect_tools(c: Collector, tools: Any, path: Path) -> None:
    if not isinstance(tools, list):
        return
    for i, tool in enumerate(tools):
        if isinstance(tool, dict):
            c.text(
                tool.get("description"),
                (*path, i, "description"),
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            )
            if "input_schema" in tool:
                c.leaves(
                    tool["input_schema"],
                    (*path, i, "input_schema"),
                    Role.TOOL_DEFINITION,
                    Trust.SYSTEM,
                )


class AnthropicStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict):
            return []
        kind = data.get("type")
        index = data.get("index")
        if kind == "content_block_delta":
            delta = data.get("delta") or {}
            dtype = delta.get("type")
            if dtype == "text_delta":
                return [TextPiece(index, ("delta", "text"), delta.get("text", ""))]
            if dtype == "input_json_delta":
                return [
                    TextPiece(
                        index,
                        ("delta", "partial_json"),
                        delta.get("partial_json", ""),
                        role=Role.TOOL_CALL,
                        structured=True,
                    )
                ]
            if dtype == "thinking_delta":
                # signed by the provider: scanned across deltas, never rewritten
                return [
                    TextPiece(
                        index, ("delta", "thinking"), delta.get("thinking", ""), writable=False
                    )
                ]
            # signature_delta, citations_delta: passed through unmodified
            return []
        if kind == "content_block_start":
            block = data.get("content_block") or {}
            if block.get("type") == "text" and block.get("text"):
                return [TextPiece(index, ("content_block", "text"), block["text"])]
        return []

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if not isinstance(data, dict):
            return ()
        kind = data.get("type")
        if kind == "content_block_stop":
            return [data.get("index")]
        if (
            kind == "content_block_delta"
            and (data.get("delta") or {}).get("type") == "signature_delta"
        ):
            return [data.get("index")]  # thinking text ends: release it before its signature
        if kind in ("message_delta", "message_stop", "error"):
            return ALL_CHANNELS
        return ()

    def droppable(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and event.data.get("type") == "content_block_delta"

    def is_terminal(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and event.data.get("type") in ("message_stop", "error")

    def is_error(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and event.data.get("type") == "error"

    def error_event(self, message: str, code: str) -> bytes:
        return frame(Anthropic().error(403, message, code).body, "error")


API_VERSION = "2023-06-01"  # the `anthropic-version` llmwall's own requests send
# HTTP status -> Anthropic's error `type` (their SDKs map types to exception classes)
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    503: "overloaded_error",
    529: "overloaded_error",
}


class Anthropic(Dialect):
    name = "anthropic"
    stream = AnthropicStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_blocks(c, body.get("system"), ("system",), Role.SYSTEM, Trust.SYSTEM)
        messages = body.get("messages")
        if isinstance(messages, list):
            for i, msg in enumerate(messages):
                if not isinstance(msg, dict):
                    c.unknown(("messages", i))
                    continue
                role, trust = _ROLES.get(msg.get("role", ""), (Role.USER, Trust.USER))
                collect_blocks(c, msg.get("content"), ("messages", i, "content"), role, trust)
        elif messages is not None:
            c.unknown(("messages",))
        collect_tools(c, body.get("tools"), ("tools",))
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_blocks(c, body.get("content"), ("content",), Role.ASSISTANT, Trust.MODEL)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        kind = ERROR_TYPES.get(status, "api_error")
        return ErrorShape(status, {"type": "error", "error": {"type": kind, "message": message}})

    def upstream_headers(self, api_key: str | None) -> dict[str, str]:
        return {"anthropic-version": API_VERSION, **({"x-api-key": api_key} if api_key else {})}


DIALECT = Anthropic()
