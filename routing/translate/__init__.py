"""Translation between wire dialects, for fallback and policy routing.

`translator(client, target)` returns a `Translator` for one direction pair, or None
when the pair is not supported. Supported pairs:

    client \\ target   openai_chat  anthropic  gemini  ollama
    openai_chat        same         yes        yes     yes
    anthropic          yes          same       via openai_chat (both directions)
    ollama, openai_responses: same dialect only (model renamed, nothing else touched)

A request the target cannot express raises `TranslationError` (that fallback is skipped).
Responses, errors and streams translate back into the client's dialect. Tool-call ids are
mapped deterministically (`routing.translate.ids`). `movable` says whether a request
may leave its provider at all (WIRE_REFERENCE B.9).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from llmwall.errors import TranslationError
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import ErrorShape, StreamEvent
from llmwall.routing.framing.ndjson import NDJSONFraming
from llmwall.routing.framing.sse import SSEFraming
from llmwall.routing.translate import openai_anthropic as oa
from llmwall.routing.translate import openai_gemini as og
from llmwall.routing.translate import openai_ollama as oo
from llmwall.routing.translate.common import error_message
from llmwall.routing.translate.portable import movable

__all__ = ["Translator", "movable", "translator"]

SAME_DIALECT = frozenset(
    {"openai_chat", "anthropic", "ollama", "openai_responses", "openai_embeddings"}
)
TARGETS = frozenset({"openai_chat", "anthropic", "gemini", "ollama"})
STREAM_CONTENT_TYPE = {
    "openai_chat": "text/event-stream",
    "anthropic": "text/event-stream",
    "ollama": "application/x-ndjson",
    "openai_responses": "text/event-stream",
}


class EventStep(Protocol):
    def feed(self, event: StreamEvent) -> list[StreamEvent]: ...
    def finish(self) -> list[StreamEvent]: ...


@dataclass(frozen=True)
class Translator:
    client: str
    target: str

    @property
    def identity(self) -> bool:
        return self.client == self.target

    def request(
        self, body: dict[str, Any], model: str | None, *, max_tokens: int = oa.DEFAULT_MAX_TOKENS
    ) -> dict[str, Any]:
        """The target's request body. For Gemini the model and stream choice are in the
        URL (see `routing.routes.Target.url`)."""
        if not isinstance(body, dict):
            raise TranslationError("body: not a JSON object")
        c, t = self.client, self.target
        if c == t:
            return {**body, "model": model} if model and c != "gemini" else dict(body)
        chat = oa.anthropic_to_chat_request(body, model) if c == "anthropic" else body
        if t == "openai_chat":
            return chat
        if t == "anthropic":
            return oa.chat_to_anthropic_request(chat, model, max_tokens)
        if t == "gemini":
            return og.chat_to_gemini_request(chat)
        if t == "ollama":
            return oo.chat_to_ollama_request(chat, model)
        raise TranslationError(f"no translation from {c} to {t}")

    def response(self, body: Any, model: str | None = None) -> Any:
        """A successful non-stream response of the target, in the client's dialect."""
        if self.identity:
            return body
        if not isinstance(body, dict):
            raise TranslationError("response: not a JSON object")
        t = self.target
        if t == "anthropic":
            chat = oa.anthropic_to_chat_response(body)
        elif t == "gemini":
            chat = og.gemini_to_chat_response(body, model)
        elif t == "ollama":
            chat = oo.ollama_to_chat_response(body)
        else:
            chat = body
        return oa.chat_to_anthropic_response(chat) if self.client == "anthropic" else chat

    def error(self, status: int, raw: bytes) -> ErrorShape:
        """A target's error response in the client's shape. Anthropic's 529 (overloaded)
        becomes 503 for clients that do not know it."""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        message, kind = error_message(body)
        if status == 529 and self.client != "anthropic":
            status = 503
        dialect = get_dialect(self.client)
        assert dialect is not None
        shape = dialect.error(status, message, kind)
        if self.client == "anthropic" and status in _ANTHROPIC_ERROR_TYPES:
            shape = ErrorShape(
                status,
                {
                    "type": "error",
                    "error": {"type": _ANTHROPIC_ERROR_TYPES[status], "message": message},
                },
            )
        return shape

    def stream(self, client_body: Any, model: str | None = None) -> Callable[[bytes], bytes] | None:
        """A chunk callable turning the target's raw stream into the client's (b"" ends
        it), or None when no translation is needed. It emits a terminal event only if the
        target's stream completed: a cut stream is left for the stream inspector to end
        with the client dialect's error event."""
        if self.identity:
            return None
        include_usage = bool(((client_body or {}).get("stream_options") or {}).get("include_usage"))
        steps: list[EventStep] = []
        t = self.target
        if t == "anthropic":
            steps.append(oa.AnthropicToChatStream(include_usage or self.client == "anthropic"))
        elif t == "gemini":
            steps.append(og.GeminiToChatStream(model, include_usage or self.client == "anthropic"))
        elif t == "ollama":
            steps.append(oo.OllamaToChatStream(include_usage or self.client == "anthropic"))
        if self.client == "anthropic":
            steps.append(oa.ChatToAnthropicStream())
        framing = NDJSONFraming() if t == "ollama" else SSEFraming()
        return _TranslatingStream(framing, steps)


_ANTHROPIC_ERROR_TYPES = {
    429: "rate_limit_error",
    529: "overloaded_error",
    500: "api_error",
    503: "overloaded_error",
    401: "authentication_error",
    404: "not_found_error",
}


class _TranslatingStream:
    def __init__(self, framing: Any, steps: list[EventStep]) -> None:
        self.framing = framing
        self.steps = steps

    def __call__(self, chunk: bytes) -> bytes:
        if chunk:
            events = self.framing.feed(chunk)
            final = False
        else:
            try:
                events = self.framing.finish()
            except Exception:  # a partial last event: cut short; the inspector reports it
                events = []
            final = True
        out: list[StreamEvent] = []
        for event in events:
            out.extend(self._run(event, 0))
        if final:
            for i, step in enumerate(self.steps):
                for event in step.finish():
                    out.extend(self._run(event, i + 1))
        return b"".join(encode(e) for e in out)

    def _run(self, event: StreamEvent, start: int) -> list[StreamEvent]:
        events = [event]
        for step in self.steps[start:]:
            events = [o for e in events for o in step.feed(e)]
        return events


def encode(event: StreamEvent) -> bytes:
    """One translated event as SSE (OpenAI and Anthropic clients)."""
    if event.data is None:
        sentinel = event.meta.get("sentinel")
        return f"data: {sentinel}\n\n".encode() if sentinel else b""
    head = f"event: {event.name}\n".encode() if event.name else b""
    return (
        head
        + b"data: "
        + json.dumps(event.data, ensure_ascii=False, separators=(",", ":")).encode()
        + b"\n\n"
    )


def translator(client: str, target: str) -> Translator | None:
    if client == target and client in SAME_DIALECT:
        return Translator(client, target)
    if client in ("openai_chat", "anthropic") and target in TARGETS:
        return Translator(client, target)
    return None
