"""Anthropic legacy Text Completions (`/v1/complete`): `prompt` is a raw
"\\n\\nHuman: ... \\n\\nAssistant:" template (its turn markers are structure, not
injection), plus `stop_sequences` and `metadata.user_id`. The answer's `completion`,
streamed as SSE `completion` events that each carry a fragment."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.anthropic import DIALECT as MESSAGES
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
from llmwall.routing.segment import Role, Trust

TEXT_FIELDS = ("metadata", "stop_sequences")
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "prompt",
        "model",
        "max_tokens_to_sample",
        "stream",
        "temperature",
        "top_p",
        "top_k",
    }
)


class AnthropicCompleteStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if isinstance(data, dict) and isinstance(data.get("completion"), str):
            return [TextPiece(0, ("completion",), data["completion"])]
        return []

    def closes(self, event: StreamEvent) -> Any:
        return ALL_CHANNELS if self.is_terminal(event) else ()

    def is_terminal(self, event: StreamEvent) -> bool:
        data = event.data
        return isinstance(data, dict) and (
            data.get("stop_reason") is not None or data.get("type") == "error"
        )

    def error_event(self, message: str, code: str) -> bytes:
        return frame(MESSAGES.error(403, message, code).body, "error")


class AnthropicComplete(Dialect):
    name = "anthropic_complete"
    stream = AnthropicCompleteStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        c.text(body.get("prompt"), ("prompt",), Role.USER, Trust.USER, template=True)
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        c.text(body.get("completion"), ("completion",), Role.ASSISTANT, Trust.MODEL)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return MESSAGES.error(status, message, code)


DIALECT = AnthropicComplete()
