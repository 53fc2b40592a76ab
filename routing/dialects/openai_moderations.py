"""OpenAI Moderations (`/v1/moderations`): an app's pre-check sends the same text chat
would, so it is redacted the same way. `input` is a string, strings, or typed parts
(text, image_url). The answer is categories and scores: no text."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, Dialect, ErrorShape
from llmwall.routing.dialects.fields import collect_rest
from llmwall.routing.dialects.openai_chat import OpenAIChat, collect_content
from llmwall.routing.segment import Role, Trust

KNOWN_FIELDS = frozenset({"model", "input"})


class OpenAIModerations(Dialect):
    name = "openai_moderations"

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_content(c, body.get("input"), ("input",), Role.USER, Trust.USER)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        return None  # flags and scores only

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return False


DIALECT = OpenAIModerations()
