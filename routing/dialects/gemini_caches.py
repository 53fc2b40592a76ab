"""Gemini and Vertex context caches (`cachedContents`): a whole prompt stored for later
requests (`contents`, `systemInstruction`, `tools`), read with the Gemini dialect, plus
its `displayName`. Answers: cache metadata (names, usage)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.gemini import DIALECT as GEMINI
from llmwall.routing.dialects.gemini import field
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.segment import Role, Trust


class GeminiCaches(ResourceDialect):
    name = "gemini_caches"
    errors_as = GEMINI

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        GEMINI.collect_request(c, body)
        key, name = field(body, "displayName")
        c.text(name, (key,), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.ASSISTANT, Trust.MODEL)


DIALECT = GeminiCaches()
