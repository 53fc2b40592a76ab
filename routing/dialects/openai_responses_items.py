"""Where text sits in the Responses API's items: the `instructions`, `input` and
`output` lists, their message parts, tool calls and outputs, reasoning and the hosted
tools' items, and the `tools` definitions. Used by `openai_responses` for requests,
responses and the objects its stream repeats."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, is_data_url
from llmwall.routing.segment import Path, Role, Trust

_MESSAGE_ROLES: dict[str, tuple[Role, Trust]] = {
    "system": (Role.SYSTEM, Trust.SYSTEM),
    "developer": (Role.SYSTEM, Trust.SYSTEM),
    "user": (Role.USER, Trust.USER),
    "assistant": (Role.ASSISTANT, Trust.MODEL),
}

_CALL = (Role.TOOL_CALL, Trust.MODEL)
_RESULT = (Role.TOOL_RESULT, Trust.EXTERNAL)

# Items run by OpenAI or the client whose text we read leaf by leaf (minus _NOT_TEXT).
_HOSTED: dict[str, tuple[Role, Trust]] = {
    "web_search_call": _CALL,
    "file_search_call": _CALL,
    "computer_call": _CALL,
    "computer_call_output": _RESULT,
    "code_interpreter_call": _CALL,
    "image_generation_call": _CALL,
    "local_shell_call": _CALL,
    "local_shell_call_output": _RESULT,
    "shell_call": _CALL,
    "shell_call_output": _RESULT,
    "apply_patch_call": _CALL,
    "apply_patch_call_output": _RESULT,
    "mcp_call": _CALL,
    "mcp_list_tools": (Role.TOOL_DEFINITION, Trust.EXTERNAL),
    "mcp_approval_request": _CALL,
    "mcp_approval_response": (Role.USER, Trust.USER),
    "tool_search_call": _CALL,
    "tool_search_output": _RESULT,
    "program": _CALL,
    "program_output": _RESULT,
}

# Keys of hosted items that hold ids, enums or opaque data, never prose.
_NOT_TEXT = frozenset(
    {
        "type", "id", "call_id", "item_id", "status", "approval_request_id", "server_label",
        "file_id", "container_id", "caller_id", "execution", "encrypted_content", "result",
        "image_url", "url", "output_format", "quality", "size", "background", "action_type",
        "role", "phase", "obfuscation",
    }
)  # fmt: skip

_TEXT_PARTS = {"input_text": "text", "output_text": "text", "text": "text", "refusal": "refusal"}


def collect_parts(c: Collector, content: Any, path: Path, role: Role, trust: Trust) -> None:
    """Message content or a tool output: a string or a list of typed parts."""
    if isinstance(content, str):
        c.text(content, path, role, trust)
    elif isinstance(content, list):
        start = c.count
        for j, part in enumerate(content):
            collect_part(c, part, (*path, j), role, trust)
        c.joined(start)
    elif content is not None:
        c.unknown(path)


def collect_part(c: Collector, part: Any, path: Path, role: Role, trust: Trust) -> None:
    kind = part.get("type") if isinstance(part, dict) else None
    if kind in _TEXT_PARTS:
        c.text(part.get(_TEXT_PARTS[kind]), (*path, _TEXT_PARTS[kind]), role, trust)
    elif kind in ("input_image", "input_file", "input_audio"):
        _media(c, part, path, role, trust)
    elif kind == "reasoning_text":
        c.text(part.get("text"), (*path, "text"), Role.ASSISTANT, Trust.MODEL)
    else:
        c.unknown(path)


def _media(c: Collector, part: dict[str, Any], path: Path, role: Role, trust: Trust) -> None:
    from llmwall.routing.dialects.openai_chat import collect_binary_part

    if part["type"] == "input_audio" and not isinstance(part.get("input_audio"), dict):
        c.binary(path)
    else:  # text files and PDFs are read; URLs are text; file ids are server state
        collect_binary_part(c, part, path, role, trust)


def collect_item(
    c: Collector, item: Any, path: Path, default: tuple[Role, Trust], *, response: bool
) -> None:
    """One input or output item. `response`: reasoning text may be rewritten."""
    if isinstance(item, str):  # `instructions`/`input` lists are items, tolerate bare strings
        c.text(item, path, *default)
        return
    if not isinstance(item, dict):
        c.unknown(path)
        return
    kind = item.get("type", "message" if "role" in item else None)
    if kind == "message":
        role, trust = _MESSAGE_ROLES.get(item.get("role", ""), default)
        collect_parts(c, item.get("content"), (*path, "content"), role, trust)
    elif kind == "function_call":
        c.json_string(item.get("arguments"), (*path, "arguments"), *_CALL)
    elif kind == "custom_tool_call":
        c.text(item.get("input"), (*path, "input"), *_CALL)
    elif kind in ("function_call_output", "custom_tool_call_output"):
        collect_parts(c, item.get("output"), (*path, "output"), *_RESULT)
    elif kind == "reasoning":
        _reasoning(c, item, path, writable=response)
    elif kind == "item_reference":
        c.opaque("server_side_state")
    elif kind in ("compaction", "compaction_trigger"):
        c.opaque("encrypted_context")
    elif kind == "additional_tools":
        collect_tools(c, item.get("tools"), (*path, "tools"))
    elif kind in _HOSTED:
        _hosted(c, item, path, *_HOSTED[kind])
    else:
        c.unknown(path)


def _reasoning(c: Collector, item: dict[str, Any], path: Path, *, writable: bool) -> None:
    if item.get("encrypted_content"):
        c.opaque("encrypted_reasoning")
    for key in ("summary", "content"):
        parts = item.get(key)
        for j, part in enumerate(parts if isinstance(parts, list) else ()):
            if isinstance(part, dict) and part.get("type") in ("summary_text", "reasoning_text"):
                c.text(
                    part.get("text"),
                    (*path, key, j, "text"),
                    Role.ASSISTANT,
                    Trust.MODEL,
                    writable=writable,
                )
            else:
                c.unknown((*path, key, j))


def _hosted(c: Collector, node: Any, path: Path, role: Role, trust: Trust) -> None:
    if isinstance(node, str):
        if is_data_url(node):
            c.binary(path)
        else:
            c.text(node, path, role, trust)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _hosted(c, child, (*path, i), role, trust)
    elif isinstance(node, dict):
        if node.get("type") == "image_generation_call" and node.get("result"):
            c.binary((*path, "result"))
        if is_data_url(node.get("image_url")):
            c.binary((*path, "image_url"))
        for key, child in node.items():
            if key not in _NOT_TEXT:
                child_role, child_trust = (
                    (Role.TOOL_RESULT, Trust.EXTERNAL)
                    if key in ("output", "results", "outputs")
                    else (role, trust)
                )
                _hosted(c, child, (*path, key), child_role, child_trust)


def collect_tools(c: Collector, tools: Any, path: Path) -> None:
    """Flat function and custom tools, MCP server descriptions, namespaces of tools."""
    if not isinstance(tools, list):
        return
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            continue
        p = (*path, i)
        for key in ("description", "server_description"):
            c.text(tool.get(key), (*p, key), Role.TOOL_DEFINITION, Trust.SYSTEM)
        for key in ("parameters", "format"):
            if key in tool:
                c.leaves(tool[key], (*p, key), Role.TOOL_DEFINITION, Trust.SYSTEM)
        if isinstance(tool.get("tools"), list):
            collect_tools(c, tool["tools"], (*p, "tools"))


def collect_items(
    c: Collector, node: Any, path: Path, default: tuple[Role, Trust], *, response: bool
) -> None:
    """`instructions`, `input` or `output`: a string or a list of items."""
    if isinstance(node, str):
        c.text(node, path, *default)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            collect_item(c, item, (*path, i), default, response=response)
    elif node is not None:
        c.unknown(path)
