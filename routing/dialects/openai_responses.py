"""OpenAI Responses API (`/v1/responses`), also served by Azure (`/openai/responses`,
`/openai/v1/responses`), Groq, xAI, OpenRouter and Ollama's `/v1`.

Requests carry `instructions` and `input` as a string or a list of typed items; the
response carries `output` items; the stream repeats every text several times (deltas,
`*.done`, `content_part.done`, `output_item.done`, the final `response`), and each copy
is rewritten: deltas through the inspector's holdback channels, the full copies as
embedded objects redacted like a non-stream body.

Reasoning: `encrypted_content` is never read or changed. Reasoning text (summary and
`reasoning_text` parts) sent back in a request is scanned read-only: the item must be
returned as the server produced it, so a finding that needs redaction blocks. In a
response the same text is plain display text that no signature covers, so it is
redacted like any output (streamed and not): a read-only summary could not be held
back in a stream without leaking its deltas.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from llmwall.routing.dialects import logprobs
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
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.dialects.openai_responses_items import (
    collect_item,
    collect_items,
    collect_part,
    collect_tools,
)
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.segment import JSON, Extraction, Path, Role, Segment, Trust


def _prompt(c: Collector, prompt: Any) -> None:
    """A stored prompt template: its text is server-side, its variables are ours."""
    if not isinstance(prompt, dict):
        return
    if prompt.get("id"):
        c.opaque("server_side_state")
    variables = prompt.get("variables")
    for name, value in variables.items() if isinstance(variables, dict) else ():
        if isinstance(value, str):
            c.text(value, ("prompt", "variables", name), Role.USER, Trust.USER)
        else:
            collect_part(c, value, ("prompt", "variables", name), Role.USER, Trust.USER)


def _server_state(body: dict[str, Any]) -> bool:
    prompt = body.get("prompt")
    items = body.get("input")
    return bool(
        body.get("previous_response_id")
        or body.get("conversation")
        or (isinstance(prompt, dict) and prompt.get("id"))
        or (
            isinstance(items, list)
            and any(isinstance(i, dict) and i.get("type") == "item_reference" for i in items)
        )
    )


# --- stream ------------------------------------------------------------------------------


def _string_extractor(
    role: Role, trust: Trust, *, json: bool = False
) -> Callable[[Any], Extraction]:
    def extract(node: Any) -> Extraction:
        c = Collector()
        if json:
            c.json_string(node, (), role, trust)
        else:
            c.text(node, (), role, trust)
        return c.build()

    return extract


def _part_extractor(node: Any) -> Extraction:
    c = Collector()
    collect_part(c, node, (), Role.ASSISTANT, Trust.MODEL)
    return c.build()


def _item_extractor(node: Any) -> Extraction:
    c = Collector()
    collect_item(c, node, (), (Role.ASSISTANT, Trust.MODEL), response=True)
    return c.build()


_TEXT = _string_extractor(Role.ASSISTANT, Trust.MODEL)
_ARGS = _string_extractor(Role.TOOL_CALL, Trust.MODEL, json=True)
_CODE = _string_extractor(Role.TOOL_CALL, Trust.MODEL)

# delta event -> (channel kind, index field or None, structured, role)
_DELTAS: dict[str, tuple[str, str | None, bool, Role]] = {
    "response.output_text.delta": ("content", "content_index", False, Role.ASSISTANT),
    "response.refusal.delta": ("content", "content_index", False, Role.ASSISTANT),
    "response.reasoning_summary_text.delta": ("summary", "summary_index", False, Role.ASSISTANT),
    "response.reasoning_text.delta": ("reasoning", "content_index", False, Role.ASSISTANT),
    "response.function_call_arguments.delta": ("args", None, True, Role.TOOL_CALL),
    "response.mcp_call_arguments.delta": ("args", None, True, Role.TOOL_CALL),
    "response.custom_tool_call_input.delta": ("input", None, False, Role.TOOL_CALL),
    "response.code_interpreter_call_code.delta": ("code", None, False, Role.TOOL_CALL),
    "response.audio.transcript.delta": ("transcript", None, False, Role.ASSISTANT),
}
# Not text: base64 audio and image frames.
_BINARY_DELTAS = frozenset({"response.audio.delta", "response.image_generation_call.partial_image"})

# done event -> (the delta kind it closes, index field, [(path in event, extractor)])
_DONES: dict[str, tuple[str, str | None, list[tuple[Path, Callable[[Any], Extraction]]]]] = {
    "response.output_text.done": ("content", "content_index", [(("text",), _TEXT)]),
    "response.refusal.done": ("content", "content_index", [(("refusal",), _TEXT)]),
    "response.content_part.done": ("content", "content_index", [(("part",), _part_extractor)]),
    "response.reasoning_summary_text.done": ("summary", "summary_index", [(("text",), _TEXT)]),
    "response.reasoning_summary_part.done": (
        "summary",
        "summary_index",
        [(("part", "text"), _TEXT)],
    ),
    "response.reasoning_text.done": ("reasoning", "content_index", [(("text",), _TEXT)]),
    "response.function_call_arguments.done": ("args", None, [(("arguments",), _ARGS)]),
    "response.mcp_call_arguments.done": ("args", None, [(("arguments",), _ARGS)]),
    "response.custom_tool_call_input.done": ("input", None, [(("input",), _CODE)]),
    "response.code_interpreter_call_code.done": ("code", None, [(("code",), _CODE)]),
    "response.audio.transcript.done": ("transcript", None, [(("transcript",), _TEXT)]),
}
_WHOLE_RESPONSE = frozenset(
    {"response.created", "response.in_progress", "response.queued", "response.completed",
     "response.failed", "response.incomplete"}
)  # fmt: skip
TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete", "error"})


def _channel(data: dict[str, Any], kind: str, index_field: str | None) -> tuple[Any, ...]:
    # Channels start with the item id so that `output_item.done` closes them all.
    index = data.get(index_field) if index_field else None
    return (data.get("item_id", data.get("output_index")), kind, index)


class OpenAIResponsesStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict) or not isinstance(data.get("delta"), str):
            return []
        kind = str(data.get("type"))
        if kind in _BINARY_DELTAS:
            return []
        channel_kind, index_field, structured, role = _DELTAS.get(
            kind, (kind, None, False, Role.ASSISTANT)
        )
        channel = _channel(data, channel_kind, index_field)
        # An unknown `*.delta` type is scanned as plain text rather than let through.
        pieces = [TextPiece(channel, ("delta",), data["delta"], role=role, structured=structured)]
        if logprobs.token_items(data.get("logprobs")) and not structured:
            # the delta's tokens: a channel of their own, held back like the text
            for k, item in enumerate(data["logprobs"]):
                pieces.append(
                    TextPiece((channel, "logprobs"), ("logprobs", k, "token"), item["token"])
                )
        return pieces

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if not isinstance(data, dict):
            return ()
        kind = data.get("type")
        if kind in TERMINAL:
            return ALL_CHANNELS
        if kind in _DONES:
            channel_kind, index_field, _ = _DONES[kind]
            return [_channel(data, channel_kind, index_field)]
        if kind == "response.output_item.done" and isinstance(data.get("item"), dict):
            return [data["item"].get("id", data.get("output_index"))]
        return ()

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        data = event.data
        if not isinstance(data, dict):
            return []
        kind = data.get("type")
        if kind in _DONES:
            out = []
            for path, extractor in _DONES[kind][2]:
                node = _get(data, path)
                if isinstance(node, str):
                    out.append((path, extractor))
                elif node is not None:
                    out.extend(by_string(path, extractor(node)))
            return out
        if kind in ("response.output_item.added", "response.output_item.done") and isinstance(
            data.get("item"), dict
        ):
            return by_string(("item",), _item_extractor(data["item"]))
        if kind in _WHOLE_RESPONSE and isinstance(data.get("response"), dict):
            return by_string(("response",), DIALECT.extract_response(data["response"]))
        return []

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        if piece.path[:1] == ("logprobs",):  # held tokens: no text of the template again
            data = copy.deepcopy(template.data)
            data["delta"] = ""
            item = {"token": text, "logprob": 0.0, "bytes": list(text.encode()), "top_logprobs": []}
            data["logprobs"] = [item]
            return StreamEvent(raw=b"", data=data, name=template.name, meta=dict(template.meta))
        event = super().synthetic(template, piece, text)
        if isinstance(event.data, dict) and event.data.get("logprobs"):
            event.data["logprobs"] = []  # token texts of the template, not of `text`
        return event

    def droppable(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and str(event.data.get("type", "")).endswith(".delta")

    def is_terminal(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and event.data.get("type") in TERMINAL

    def is_error(self, event: StreamEvent) -> bool:
        return isinstance(event.data, dict) and event.data.get("type") in (
            "error",
            "response.failed",
        )

    def error_event(self, message: str, code: str) -> bytes:
        error = OpenAIChat().error(403, message, code).body["error"]
        # Flat fields are the documented `error` event; the nested `error` object is what
        # the openai SDK looks for to raise `APIError` while iterating the stream.
        body = {
            "type": "error",
            "code": code,
            "message": message,
            "param": None,
            "sequence_number": 0,
            "error": error,
        }
        return frame(body, "error")


def by_string(
    prefix: Path, extraction: Extraction
) -> list[tuple[Path, Callable[[Any], Extraction]]]:
    """An embedded object as one entry per string that holds text.

    The inspector notices a rewrite by the identity of the value it gets back, and
    `jsonpath.set_many` changes a dict in place: handing it whole objects would
    silently drop their redactions. Strings are immutable, so each string is its own
    entry; unknown and binary parts ride on an entry for the whole object, which only
    ever blocks and never rewrites.
    """
    groups: dict[Path, list[Segment]] = {}
    for seg in extraction.segments:
        cut = next((i for i, step in enumerate(seg.path) if step is JSON), len(seg.path))
        groups.setdefault(seg.path[:cut], []).append(replace(seg, path=seg.path[cut:]))
    out: list[tuple[Path, Callable[[Any], Extraction]]] = [
        ((*prefix, *where), _fixed(Extraction(tuple(segs)))) for where, segs in groups.items()
    ]
    if extraction.unknown or extraction.binary:
        out.append(
            (
                prefix,
                _fixed(Extraction((), extraction.unknown, extraction.binary, extraction.opaque)),
            )
        )
    return out


def _fixed(extraction: Extraction) -> Callable[[Any], Extraction]:
    return lambda _node: extraction


def _get(data: dict[str, Any], path: Path) -> Any:
    node: Any = data
    for step in path:
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


# Request fields with text outside the input, and every other field llmwall knows;
# fields outside both are scanned generically.
TEXT_FIELDS = ("user", "safety_identifier", "prompt_cache_key", "metadata")
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "model",
        "input",
        "instructions",
        "tools",
        "text",
        "prompt",
        "previous_response_id",
        "conversation",
        "stream",
        "stream_options",
        "temperature",
        "top_p",
        "max_output_tokens",
        "max_tool_calls",
        "tool_choice",
        "parallel_tool_calls",
        "reasoning",
        "store",
        "background",
        "include",
        "truncation",
        "service_tier",
        "top_logprobs",
        "prompt_cache_retention",
    }
)


class OpenAIResponses(Dialect):
    name = "openai_responses"
    stream = OpenAIResponsesStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_items(
            c,
            body.get("instructions"),
            ("instructions",),
            (Role.SYSTEM, Trust.SYSTEM),
            response=False,
        )
        collect_items(c, body.get("input"), ("input",), (Role.USER, Trust.USER), response=False)
        collect_tools(c, body.get("tools"), ("tools",))
        text = body.get("text")
        if isinstance(text, dict) and isinstance(text.get("format"), dict):
            c.leaves(text["format"], ("text", "format"), Role.TOOL_DEFINITION, Trust.SYSTEM)
        _prompt(c, body.get("prompt"))
        if body.get("previous_response_id") or body.get("conversation"):
            c.opaque("server_side_state")
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_items(
            c, body.get("output"), ("output",), (Role.ASSISTANT, Trust.MODEL), response=True
        )
        c.text(body.get("output_text"), ("output_text",), Role.ASSISTANT, Trust.MODEL)
        # The response echoes the request's instructions back to the client.
        collect_items(
            c,
            body.get("instructions"),
            ("instructions",),
            (Role.SYSTEM, Trust.SYSTEM),
            response=True,
        )

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)

    def portable(self, body: Any) -> bool:
        return not (isinstance(body, dict) and _server_state(body))


DIALECT = OpenAIResponses()
