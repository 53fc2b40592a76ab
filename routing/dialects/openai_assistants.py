"""OpenAI Assistants (`/v1/assistants`, `/v1/threads`, messages, runs, run steps,
`submit_tool_outputs`; deprecated by OpenAI but still used). Requests: instructions,
names and descriptions, tools, messages (string or text/image parts), tool outputs,
metadata. Answers: message objects (`content[].text.value`), runs (instructions,
required tool calls), steps (tool arguments and outputs) and lists of them. Streams
(`stream: true` on runs): `thread.message.delta` text and `thread.run.step.delta` tool
arguments are held back like chat deltas; whole objects in the other events are
redacted like a body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
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
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.dialects.openai_chat import (
    OpenAIChat,
    collect_binary_part,
    collect_tools,
)
from llmwall.routing.dialects.openai_responses import by_string
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.segment import KEY, Extraction, Path, Role, Trust

_ROLES = {"user": (Role.USER, Trust.USER), "assistant": (Role.ASSISTANT, Trust.MODEL)}
TEXT_FIELDS = ("metadata",)
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "model",
        "instructions",
        "additional_instructions",
        "name",
        "description",
        "tools",
        "messages",
        "additional_messages",
        "thread",
        "role",
        "content",
        "attachments",
        "tool_outputs",
        "response_format",
        "assistant_id",
        "tool_resources",
        "tool_choice",
        "stream",
        "temperature",
        "top_p",
        "max_prompt_tokens",
        "max_completion_tokens",
        "truncation_strategy",
        "parallel_tool_calls",
        "reasoning_effort",
    }
)


def collect_message(c: Collector, msg: Any, path: Path) -> None:
    """A thread message (request or answer): its content and metadata."""
    if not isinstance(msg, dict):
        c.unknown(path)
        return
    role, trust = _ROLES.get(msg.get("role", "user"), _ROLES["user"])
    collect_content(c, msg.get("content"), (*path, "content"), role, trust)
    if "metadata" in msg:
        collect_json(c, msg["metadata"], (*path, "metadata"), Role.USER, Trust.USER)


def collect_content(c: Collector, content: Any, path: Path, role: Role, trust: Trust) -> None:
    if isinstance(content, str):
        c.text(content, path, role, trust)
        return
    if not isinstance(content, list):
        if content is not None:
            c.unknown(path)
        return
    start = c.count
    for j, part in enumerate(content):
        p = (*path, j)
        kind = part.get("type") if isinstance(part, dict) else None
        text = part.get("text") if isinstance(part, dict) else None
        if kind == "text" and isinstance(text, str):
            c.text(text, (*p, "text"), role, trust)
        elif kind == "text" and isinstance(text, dict):  # an answer: text.value
            c.text(text.get("value"), (*p, "text", "value"), role, trust)
            for k, note in enumerate(text.get("annotations") or ()):
                if isinstance(note, dict):
                    c.text(note.get("text"), (*p, "text", "annotations", k, "text"), role, trust)
        elif kind in ("image_url",):
            collect_binary_part(c, part, p, role, trust)
        elif kind == "image_file":
            c.opaque("file_reference")
        elif kind == "refusal":
            c.text(part.get("refusal"), (*p, "refusal"), role, trust)
        else:
            c.unknown(p)
    c.joined(start)


class OpenAIAssistantsStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict) or not isinstance(data.get("delta"), dict):
            return []
        key, delta, out = data.get("id"), data["delta"], []
        for k, part in enumerate(delta.get("content") or ()):
            text = part.get("text") if isinstance(part, dict) else None
            if isinstance(text, dict) and isinstance(text.get("value"), str):
                slot = part.get("index", k)
                path = ("delta", "content", k, "text", "value")
                out.append(TextPiece((key, slot), path, text["value"]))
        details = delta.get("step_details")
        calls = details.get("tool_calls") if isinstance(details, dict) else None
        for k, call in enumerate(calls if isinstance(calls, list) else ()):
            if not isinstance(call, dict):
                continue
            slot = call.get("index", k)
            base = ("delta", "step_details", "tool_calls", k)
            fn = call.get("function")
            if isinstance(fn, dict):
                for name in ("arguments", "output"):
                    if isinstance(fn.get(name), str):
                        out.append(
                            TextPiece(
                                (key, "tool", slot, name),
                                (*base, "function", name),
                                fn[name],
                                role=Role.TOOL_CALL,
                                structured=name == "arguments",
                            )
                        )
            code = call.get("code_interpreter")
            if isinstance(code, dict) and isinstance(code.get("input"), str):
                out.append(
                    TextPiece(
                        (key, "code", slot), (*base, "code_interpreter", "input"), code["input"]
                    )
                )
        return out

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        data = event.data
        if (
            not isinstance(data, dict)
            or "delta" in data
            or not (event.name or "").startswith("thread.")
        ):
            return []
        extraction = DIALECT.extract_response(data)
        kept = tuple(s for s in extraction.segments if KEY not in s.path)
        return by_string((), replace(extraction, segments=kept, joins=(), element_joins=()))

    def closes(self, event: StreamEvent) -> Any:
        name = event.name or ""
        if name == "done" or event.meta.get("sentinel") == "[DONE]" or name == "error":
            return ALL_CHANNELS
        data = event.data
        if isinstance(data, dict) and not name.endswith(".delta") and data.get("id"):
            return [data["id"]]  # a message or step is complete: its channels close
        return ()

    def is_terminal(self, event: StreamEvent) -> bool:
        return event.name in ("done", "error") or event.meta.get("sentinel") == "[DONE]"

    def is_error(self, event: StreamEvent) -> bool:
        return event.name == "error"

    def error_event(self, message: str, code: str) -> bytes:
        body = OpenAIChat().error(403, message, code).body
        return frame(body, "error")


class OpenAIAssistants(Dialect):
    name = "openai_assistants"
    stream = OpenAIAssistantsStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        for key in ("instructions", "additional_instructions", "name", "description"):
            c.text(body.get(key), (key,), Role.SYSTEM, Trust.SYSTEM)
        collect_tools(c, body.get("tools"), ("tools",))
        for key in ("messages", "additional_messages"):
            for i, msg in enumerate(body.get(key) or ()):
                collect_message(c, msg, (key, i))
        thread = body.get("thread")
        if isinstance(thread, dict):
            for i, msg in enumerate(thread.get("messages") or ()):
                collect_message(c, msg, ("thread", "messages", i))
            if "metadata" in thread:
                collect_json(c, thread["metadata"], ("thread", "metadata"), Role.USER, Trust.USER)
        if "content" in body:  # a message create body
            role, trust = _ROLES.get(body.get("role", "user"), _ROLES["user"])
            collect_content(c, body["content"], ("content",), role, trust)
        for i, out in enumerate(body.get("tool_outputs") or ()):
            if isinstance(out, dict):
                c.text(
                    out.get("output"),
                    ("tool_outputs", i, "output"),
                    Role.TOOL_RESULT,
                    Trust.EXTERNAL,
                )
        rf = body.get("response_format")
        if isinstance(rf, dict) and "json_schema" in rf:
            c.leaves(
                rf["json_schema"],
                ("response_format", "json_schema"),
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            )
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        if body.get("object") == "list" and isinstance(body.get("data"), list):
            for i, item in enumerate(body["data"]):
                if isinstance(item, dict):
                    self.collect_response(c.under(("data", i)), item)
            return
        if body.get("object") == "thread.message":
            collect_message(c, body, ())
            return
        # assistants, runs, steps, threads: instructions, tool calls and their
        # outputs, errors, metadata — read generically as model output
        collect_json(c, body, (), Role.ASSISTANT, Trust.MODEL)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)

    def portable(self, body: Any) -> bool:
        return False


DIALECT = OpenAIAssistants()
