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
from llmwall.routing.framing import NDJSON, SSE
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
# The content type a translated stream is sent with, by the client's dialect.
STREAM_CONTENT_TYPE = {
    "openai_chat": SSE,
    "anthropic": SSE,
    "ollama": NDJSON,
    "openai_responses": SSE,
}


class EventStep(Protocol):
    def feed(self, event: StreamEvent) -> list[StreamEvent]: ...
    def finish(self) -> list[StreamEvent]: ...


# Every translation goes through OpenAI Chat, the hub: client -> chat -> target for a
# request, target -> chat -> client for an answer. One row per dialect and direction.
_REQUEST_TO_CHAT: dict[str, Callable[[dict[str, Any], str | None], dict[str, Any]]] = {
    "openai_chat": lambda body, model: body,
    "anthropic": oa.anthropic_to_chat_request,
}
_REQUEST_FROM_CHAT: dict[str, Callable[[dict[str, Any], str | None, int], dict[str, Any]]] = {
    "openai_chat": lambda chat, model, max_tokens: chat,
    "anthropic": oa.chat_to_anthropic_request,
    "gemini": lambda chat, model, max_tokens: og.chat_to_gemini_request(chat),
    "ollama": lambda chat, model, max_tokens: oo.chat_to_ollama_request(chat, model),
}
_RESPONSE_TO_CHAT: dict[str, Callable[[dict[str, Any], str | None], Any]] = {
    "openai_chat": lambda body, model: body,
    "anthropic": lambda body, model: oa.anthropic_to_chat_response(body),
    "gemini": og.gemini_to_chat_response,
    "ollama": lambda body, model: oo.ollama_to_chat_response(body),
}
_RESPONSE_FROM_CHAT: dict[str, Callable[[Any], Any]] = {
    "openai_chat": lambda chat: chat,
    "anthropic": oa.chat_to_anthropic_response,
}
# stream steps: (model, include_usage) -> a step turning target events into chat chunks
_STREAM_TO_CHAT: dict[str, Callable[[str | None, bool], EventStep]] = {
    "anthropic": lambda model, usage: oa.AnthropicToChatStream(usage),
    "gemini": og.GeminiToChatStream,
    "ollama": lambda model, usage: oo.OllamaToChatStream(usage),
}
_STREAM_FROM_CHAT: dict[str, Callable[[], EventStep]] = {"anthropic": oa.ChatToAnthropicStream}
_FRAMING: dict[str, Callable[[], Any]] = {"ollama": NDJSONFraming}  # the rest speak SSE

TARGETS = frozenset(_REQUEST_FROM_CHAT)  # the dialects a fallback target may speak


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
        return _REQUEST_FROM_CHAT[t](_REQUEST_TO_CHAT[c](body, model), model, max_tokens)

    def response(self, body: Any, model: str | None = None) -> Any:
        """A successful non-stream response of the target, in the client's dialect."""
        if self.identity:
            return body
        if not isinstance(body, dict):
            raise TranslationError("response: not a JSON object")
        return _RESPONSE_FROM_CHAT[self.client](_RESPONSE_TO_CHAT[self.target](body, model))

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
        return dialect.error(status, message, kind)

    def stream(self, client_body: Any, model: str | None = None) -> Callable[[bytes], bytes] | None:
        """A chunk callable turning the target's raw stream into the client's (b"" ends
        it), or None when no translation is needed. It emits a terminal event only if the
        target's stream completed: a cut stream is left for the stream inspector to end
        with the client dialect's error event."""
        if self.identity:
            return None
        asked = bool(((client_body or {}).get("stream_options") or {}).get("include_usage"))
        usage = asked or self.client == "anthropic"  # Anthropic streams always carry usage
        steps: list[EventStep] = []
        if self.target in _STREAM_TO_CHAT:
            steps.append(_STREAM_TO_CHAT[self.target](model, usage))
        if self.client in _STREAM_FROM_CHAT:
            steps.append(_STREAM_FROM_CHAT[self.client]())
        return _TranslatingStream(_FRAMING.get(self.target, SSEFraming)(), steps)


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
    if client in _REQUEST_TO_CHAT and target in TARGETS:
        return Translator(client, target)
    return None
