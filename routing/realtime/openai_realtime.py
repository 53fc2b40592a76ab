"""OpenAI Realtime (`wss://api.openai.com/v1/realtime`, Azure `/openai/realtime` and
`/openai/v1/realtime`): JSON text frames, one event each, named by `type`.

Client events: `session.update` (instructions, tools, prompt variables, transcription
prompt), `conversation.item.create` (message parts, function call outputs, MCP
approvals), `response.create` (instructions, input items, tools, metadata),
`input_audio_buffer.append` (base64 audio: `binary_content`). Server events: text,
audio transcript, function-call and MCP argument deltas (held back and scanned across
deltas by the stream inspector), their `*.done` copies, `content_part`/`output_item`/
`conversation.item.*` copies, `response.done`, `session.created`/`.updated` echoes and
the user's input audio transcripts. Event and part names of the GA API and of the
earlier beta (`response.text.delta`, `response.audio_transcript.delta`, parts `text`/
`audio`) are both read. Sources: openai-python `types/realtime/*`, the OpenAPI
`RealtimeClientEvent`/`RealtimeServerEvent` unions (docs/WEBSOCKET.md).

A policy block sends the protocol's `error` event (the SDK surfaces it like any server
error) and then closes with 1008: the SDK reconnects only on 1001/1005/1006/1011/1012/
1013/1015, so the blocked turn is not retried behind the user's back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    StreamEvent,
    TextPiece,
    is_data_url,
)
from llmwall.routing.dialects.openai_responses import by_string
from llmwall.routing.dialects.openai_responses_items import collect_tools
from llmwall.routing.realtime.base import (
    NOT_TEXT,
    FrameProtocol,
    ServerStream,
    get,
    prose_leaves,
)
from llmwall.routing.segment import Extraction, Path, Role, Trust

_SYSTEM = (Role.SYSTEM, Trust.SYSTEM)
_USER = (Role.USER, Trust.USER)
_MODEL = (Role.ASSISTANT, Trust.MODEL)
_CALL = (Role.TOOL_CALL, Trust.MODEL)
_RESULT = (Role.TOOL_RESULT, Trust.EXTERNAL)
_ROLES = {"system": _SYSTEM, "developer": _SYSTEM, "user": _USER, "assistant": _MODEL}

# Content parts: text parts, and audio parts (base64 audio plus its transcript).
_TEXT_PARTS = frozenset({"input_text", "output_text", "text"})
_AUDIO_PARTS = frozenset({"input_audio", "output_audio", "audio"})

CLIENT_EVENTS = frozenset(
    {
        "session.update", "transcription_session.update", "conversation.item.create",
        "conversation.item.delete", "conversation.item.retrieve", "conversation.item.truncate",
        "response.create", "response.cancel", "input_audio_buffer.append",
        "input_audio_buffer.commit", "input_audio_buffer.clear", "output_audio_buffer.clear",
        "session.input_audio_buffer.append", "session.close",
    }
)  # fmt: skip
_NO_TEXT = frozenset(
    {
        "conversation.item.delete", "conversation.item.retrieve", "conversation.item.truncate",
        "response.cancel", "input_audio_buffer.commit", "input_audio_buffer.clear",
        "output_audio_buffer.clear", "session.close",
    }
)  # fmt: skip


# --- what a client sends ------------------------------------------------------------------


def collect_part(c: Collector, part: Any, path: Path, role: Role, trust: Trust) -> None:
    kind = part.get("type") if isinstance(part, dict) else None
    if kind in _TEXT_PARTS:
        c.text(part.get("text"), (*path, "text"), role, trust)
    elif kind in _AUDIO_PARTS:
        if part.get("audio"):
            c.binary((*path, "audio"))
        c.text(part.get("transcript"), (*path, "transcript"), role, trust)
    elif kind == "input_image":
        url = part.get("image_url")
        if is_data_url(url):
            c.binary((*path, "image_url"))
        else:  # an https URL: its query string may carry data
            c.text(url, (*path, "image_url"), role, trust)
    else:
        c.unknown(path)


def collect_item(c: Collector, item: Any, path: Path, default: tuple[Role, Trust]) -> None:
    """One conversation item (a client's `conversation.item.create`, a `response.create`
    input, or the server's copies of items)."""
    if not isinstance(item, dict):
        c.unknown(path)
        return
    kind = item.get("type", "message" if "role" in item else None)
    if kind == "message":
        role, trust = _ROLES.get(str(item.get("role")), default)
        content = item.get("content")
        for j, part in enumerate(content if isinstance(content, list) else ()):
            collect_part(c, part, (*path, "content", j), role, trust)
        if content is not None and not isinstance(content, list):
            c.unknown((*path, "content"))
    elif kind in ("function_call", "mcp_approval_request"):
        c.json_string(item.get("arguments"), (*path, "arguments"), *_CALL)
    elif kind == "function_call_output":
        c.json_string(item.get("output"), (*path, "output"), *_RESULT)
    elif kind == "mcp_call":
        c.json_string(item.get("arguments"), (*path, "arguments"), *_CALL)
        c.json_string(item.get("output"), (*path, "output"), *_RESULT)
        prose_leaves(c, item.get("error"), (*path, "error"), *_RESULT)
    elif kind == "mcp_approval_response":
        c.text(item.get("reason"), (*path, "reason"), *_USER)
    elif kind == "mcp_list_tools":
        prose_leaves(c, item.get("tools"), (*path, "tools"), Role.TOOL_DEFINITION, Trust.EXTERNAL)
    elif kind == "item_reference":
        c.opaque("server_side_state")
    else:
        c.unknown(path)


_CONFIG_READ = frozenset({"instructions", "tools", "prompt", "input", "conversation"})


def collect_config(c: Collector, config: Any, path: Path) -> None:
    """A `session` (update, or the server's echo) or a `response.create` config: the app's
    instructions, tools and prompt variables precisely, every other string as the app's
    own text (transcription prompt, tracing names, metadata)."""
    if not isinstance(config, dict):
        if config is not None:
            c.unknown(path)
        return
    c.text(config.get("instructions"), (*path, "instructions"), *_SYSTEM)
    collect_tools(c, config.get("tools"), (*path, "tools"))
    prompt = config.get("prompt")
    if isinstance(prompt, dict):
        if prompt.get("id"):
            c.opaque("server_side_state")
        prose_leaves(c, prompt.get("variables"), (*path, "prompt", "variables"), *_USER)
    items = config.get("input")
    for i, item in enumerate(items if isinstance(items, list) else ()):
        collect_item(c, item, (*path, "input", i), _USER)
    for key, value in config.items():
        if key not in _CONFIG_READ and key not in NOT_TEXT:
            prose_leaves(c, value, (*path, key), *_SYSTEM)


def collect_unknown_event(c: Collector, data: dict[str, Any], role: Role, trust: Trust) -> None:
    """An event type llmwall does not know: every string is scanned (audio fields are
    binary), so a new event cannot carry text past the firewall."""
    for key, value in data.items():
        if key in NOT_TEXT:
            continue
        if key in ("audio", "delta") and isinstance(value, str) and len(value) > 256:
            c.binary((key,))  # base64 audio (an unknown text delta is scanned by pieces)
        else:
            prose_leaves(c, value, (key,), role, trust)


def client_extraction(data: Any) -> Extraction:
    c = Collector()
    if not isinstance(data, dict):
        c.unknown(())
        return c.build()
    kind = data.get("type")
    if kind in ("session.update", "transcription_session.update"):
        collect_config(c, data.get("session"), ("session",))
    elif kind == "conversation.item.create":
        collect_item(c, data.get("item"), ("item",), _USER)
    elif kind == "response.create":
        collect_config(c, data.get("response"), ("response",))
    elif kind in ("input_audio_buffer.append", "session.input_audio_buffer.append"):
        if data.get("audio"):
            c.binary(("audio",))
    elif kind in _NO_TEXT:
        pass
    else:
        collect_unknown_event(c, data, *_USER)
    return c.build()


# --- what the server sends ----------------------------------------------------------------

# delta event -> (channel kind, structured, role, trust)
_DELTAS: dict[str, tuple[str, bool, Role, Trust]] = {
    "response.output_text.delta": ("text", False, *_MODEL),
    "response.text.delta": ("text", False, *_MODEL),
    "response.output_audio_transcript.delta": ("transcript", False, *_MODEL),
    "response.audio_transcript.delta": ("transcript", False, *_MODEL),
    "response.function_call_arguments.delta": ("args", True, *_CALL),
    "response.mcp_call_arguments.delta": ("args", True, *_CALL),
    "conversation.item.input_audio_transcription.delta": ("input", False, *_USER),
    "session.input_transcript.delta": ("input", False, *_USER),
    "session.output_transcript.delta": ("transcript", False, *_MODEL),
}
_BINARY_DELTAS = frozenset(
    {"response.output_audio.delta", "response.audio.delta", "session.output_audio.delta"}
)


def _text(role: Role, trust: Trust, *, json: bool = False) -> Callable[[Any], Extraction]:
    def extract(node: Any) -> Extraction:
        c = Collector()
        if json:
            c.json_string(node, (), role, trust)
        else:
            c.text(node, (), role, trust)
        return c.build()

    return extract


def _binary(_node: Any) -> Extraction:
    return Extraction(binary=((),))


# done event -> (the delta kind it closes, [(field, extractor)])
_DONES: dict[str, tuple[str, list[tuple[str, Callable[[Any], Extraction]]]]] = {
    "response.output_text.done": ("text", [("text", _text(*_MODEL))]),
    "response.text.done": ("text", [("text", _text(*_MODEL))]),
    "response.output_audio_transcript.done": ("transcript", [("transcript", _text(*_MODEL))]),
    "response.audio_transcript.done": ("transcript", [("transcript", _text(*_MODEL))]),
    "response.function_call_arguments.done": ("args", [("arguments", _text(*_CALL, json=True))]),
    "response.mcp_call_arguments.done": ("args", [("arguments", _text(*_CALL, json=True))]),
    "conversation.item.input_audio_transcription.completed": (
        "input",
        [("transcript", _text(*_USER))],
    ),
}
_ITEM_EVENTS = frozenset(
    {
        "response.output_item.added", "response.output_item.done", "conversation.item.created",
        "conversation.item.added", "conversation.item.done", "conversation.item.retrieved",
    }
)  # fmt: skip
_PART_EVENTS = frozenset({"response.content_part.added", "response.content_part.done"})
_SESSION_EVENTS = frozenset(
    {"session.created", "session.updated", "transcription_session.created",
     "transcription_session.updated"}
)  # fmt: skip
_RESPONSE_EVENTS = frozenset({"response.created", "response.done"})
# Server events that carry no text: ids, counters, state changes.
_QUIET = frozenset(
    {
        "conversation.created", "conversation.item.deleted", "conversation.item.truncated",
        "conversation.item.input_audio_transcription.failed", "input_audio_buffer.committed",
        "input_audio_buffer.cleared", "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped", "input_audio_buffer.timeout_triggered",
        "input_audio_buffer.dtmf_event_received", "output_audio_buffer.started",
        "output_audio_buffer.stopped", "output_audio_buffer.cleared", "rate_limits.updated",
        "response.output_audio.done", "response.audio.done", "response.mcp_call.in_progress",
        "response.mcp_call.completed", "response.mcp_call.failed", "mcp_list_tools.in_progress",
        "mcp_list_tools.completed", "mcp_list_tools.failed", "session.closed", "error",
    }
)  # fmt: skip
SERVER_EVENTS = frozenset(
    {*_DELTAS, *_BINARY_DELTAS, *_DONES, *_ITEM_EVENTS, *_PART_EVENTS, *_SESSION_EVENTS,
     *_RESPONSE_EVENTS, *_QUIET, "conversation.item.input_audio_transcription.segment"}
)  # fmt: skip


def _channel(data: dict[str, Any], kind: str) -> tuple[Any, ...]:
    # Channels start with the item id, so that `output_item.done` closes them all.
    owner = data.get("item_id") or data.get("response_id") or "session"
    return (owner, kind, data.get("content_index"))


def _item_extractor(node: Any) -> Extraction:
    c = Collector()
    collect_item(c, node, (), _MODEL)
    return c.build()


def _part_extractor(node: Any) -> Extraction:
    c = Collector()
    collect_part(c, node, (), *_MODEL)
    return c.build()


def _session_extractor(node: Any) -> Extraction:
    c = Collector()
    collect_config(c, node, ())
    return c.build()


def _response_extractor(node: Any) -> Extraction:
    c = Collector()
    if isinstance(node, dict):
        output = node.get("output")
        for i, item in enumerate(output if isinstance(output, list) else ()):
            collect_item(c, item, ("output", i), _MODEL)
        prose_leaves(c, node.get("metadata"), ("metadata",), *_SYSTEM)
    return c.build()


def _unknown_extractor(node: Any) -> Extraction:
    c = Collector()
    if isinstance(node, dict):
        collect_unknown_event(c, {k: v for k, v in node.items() if k != "delta"}, *_MODEL)
    return c.build()


class RealtimeServerStream(ServerStream):
    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict) or not isinstance(data.get("delta"), str):
            return []
        kind = str(data.get("type"))
        if kind in _BINARY_DELTAS or not kind.endswith(".delta"):
            return []
        # An unknown `*.delta` type is scanned as plain text rather than let through.
        channel, structured, role, trust = _DELTAS.get(kind, (kind, False, *_MODEL))
        return [
            TextPiece(
                _channel(data, channel),
                ("delta",),
                data["delta"],
                role=role,
                trust=trust,
                structured=structured,
            )
        ]

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if not isinstance(data, dict):
            return ()
        kind = data.get("type")
        if kind in ("response.done", "session.closed"):
            return ALL_CHANNELS
        if kind in _DONES:
            return [_channel(data, _DONES[kind][0])]
        if kind == "response.content_part.done":
            return [_channel(data, "text"), _channel(data, "transcript")]
        if kind in ("response.output_item.done", "conversation.item.done"):
            item = data.get("item")
            return [item.get("id")] if isinstance(item, dict) else ()
        return ()

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        data = event.data
        if not isinstance(data, dict):
            return []
        kind = data.get("type")
        if kind in _DONES:
            return [((field,), extract) for field, extract in _DONES[kind][1] if field in data]
        if kind in _BINARY_DELTAS:
            return [(("delta",), _binary)] if data.get("delta") else []
        if kind == "conversation.item.input_audio_transcription.segment":
            return [(("text",), _text(*_USER))] if "text" in data else []
        holders = (
            ("item", _ITEM_EVENTS, _item_extractor),
            ("part", _PART_EVENTS, _part_extractor),
            ("session", _SESSION_EVENTS, _session_extractor),
            ("response", _RESPONSE_EVENTS, _response_extractor),
        )
        for key, kinds, extractor in holders:
            if kind in kinds:
                node = data.get(key)
                return by_string((key,), extractor(node)) if isinstance(node, dict) else []
        if kind in _QUIET or str(kind).endswith(".delta"):
            return []
        return by_string((), _unknown_extractor(data))

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        event = super().synthetic(template, piece, text)
        if isinstance(event.data, dict):
            event.data.pop("logprobs", None)  # token texts of the template, not of `text`
            event.data.pop("obfuscation", None)
            event.data["event_id"] = f"event_llmwall_{uuid.uuid4().hex[:16]}"
        return event

    def droppable(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and str(event.data.get("type", "")).endswith(".delta")

    def is_error(self, event: StreamEvent) -> bool:
        return get(event.data, "type") == "error"


class OpenAIRealtime(FrameProtocol):
    name: ClassVar[str] = "openai_realtime"

    def client_event(self, data: Any) -> Extraction:
        return client_extraction(data)

    def server_stream(self) -> RealtimeServerStream:
        return RealtimeServerStream(self)

    def error_event(self, message: str, code: str) -> dict[str, Any]:
        return {
            "type": "error",
            "event_id": f"event_llmwall_{uuid.uuid4().hex[:16]}",
            "error": {
                "type": "permission_error",
                "code": code,
                "message": message,
                "param": None,
                "event_id": None,
            },
        }

    def event_types(self) -> frozenset[str]:
        return CLIENT_EVENTS | SERVER_EVENTS


PROTOCOL = OpenAIRealtime()
