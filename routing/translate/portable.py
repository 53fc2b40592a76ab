"""May a request leave its provider (WIRE_REFERENCE B.9)? Requests that lean on state
kept by the provider, or carry provider-signed content, are never rerouted: the
fallback could not reproduce them, and changing them would break a signature."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects import get as get_dialect

# Anthropic block types that only the provider that produced them can read.
_ANTHROPIC_SIGNED = {"thinking", "redacted_thinking"}
_ANTHROPIC_SERVER = {
    "server_tool_use",
    "container_upload",
    "tool_reference",
    "mcp_tool_use",
    "mcp_tool_result",
}


def movable(dialect_name: str, body: Any) -> str | None:
    """None when the request can be moved, else a content-free reason."""
    dialect = get_dialect(dialect_name)
    if dialect is None or not isinstance(body, dict):
        return "unknown_dialect"
    if not dialect.portable(body):
        return "server_state"
    check = _CHECKS.get(dialect_name)
    return check(body) if check else None


def _openai_chat(body: dict[str, Any]) -> str | None:
    if body.get("audio") or "audio" in (body.get("modalities") or ()):
        return "audio_output"
    for msg in body.get("messages") or ():
        if not isinstance(msg, dict):
            continue
        if isinstance(msg.get("audio"), dict) and msg["audio"].get("id"):
            return "server_state"  # an earlier audio answer, referenced by id
        content = msg.get("content")
        for part in content if isinstance(content, list) else ():
            if (
                isinstance(part, dict)
                and part.get("type") == "file"
                and (part.get("file") or {}).get("file_id")
            ):
                return "file_id"
    return None


def _anthropic(body: dict[str, Any]) -> str | None:
    if body.get("container") or body.get("mcp_servers"):
        return "server_state"
    for tool in body.get("tools") or ():
        if isinstance(tool, dict) and tool.get("type") not in (None, "custom"):
            return "server_tool"
    for msg in body.get("messages") or ():
        content = msg.get("content") if isinstance(msg, dict) else None
        for block in content if isinstance(content, list) else ():
            reason = _anthropic_block(block)
            if reason:
                return reason
    system = body.get("system")
    for block in system if isinstance(system, list) else ():
        reason = _anthropic_block(block)
        if reason:
            return reason
    return None


def _anthropic_block(block: Any) -> str | None:
    if not isinstance(block, dict):
        return None
    kind = block.get("type")
    if kind in _ANTHROPIC_SIGNED:
        return "signed_reasoning"
    if kind in _ANTHROPIC_SERVER or (
        isinstance(kind, str) and kind.endswith("_tool_result") and kind != "tool_result"
    ):
        return "server_tool"
    source = block.get("source")
    if isinstance(source, dict) and source.get("type") == "file":
        return "file_id"
    if kind == "tool_result" and isinstance(block.get("content"), list):
        for inner in block["content"]:
            reason = _anthropic_block(inner)
            if reason:
                return reason
    return None


def _gemini(body: dict[str, Any]) -> str | None:
    for content in body.get("contents") or ():
        for part in (content or {}).get("parts") or () if isinstance(content, dict) else ():
            if isinstance(part, dict) and (part.get("fileData") or part.get("file_data")):
                return "file_id"
            if isinstance(part, dict) and (
                part.get("thoughtSignature") or part.get("thought_signature")
            ):
                return "signed_reasoning"
    return None


_CHECKS = {"openai_chat": _openai_chat, "anthropic": _anthropic, "gemini": _gemini}
