"""Gemini embeddings: `embedContent` (`content`, `title`) and `batchEmbedContents`
(`requests[]`, each an embedContent body). Responses carry only vectors; errors are
Gemini's."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, Dialect, ErrorShape
from llmwall.routing.dialects.gemini import DIALECT as GEMINI
from llmwall.routing.dialects.gemini import collect_content, field
from llmwall.routing.segment import Extraction, Path, Role, Trust


def _embed_request(c: Collector, body: Any, base: Path) -> None:
    if not isinstance(body, dict):
        c.unknown(base)
        return
    key, content = field(body, "content")
    collect_content(c, content, (*base, key), (Role.USER, Trust.USER), request=True)
    key, title = field(body, "title")
    c.text(title, (*base, key), Role.USER, Trust.USER)


class GeminiEmbed(Dialect):
    name = "gemini_embed"

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        key, requests = field(body, "requests")
        if isinstance(requests, list):
            for i, request in enumerate(requests):
                _embed_request(c, request, (key, i))
        else:
            _embed_request(c, body, ())

    def extract_response(self, body: Any) -> Extraction:
        return Extraction()

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return GEMINI.error(status, message, code)

    def model(self, body: Any, path: str) -> str | None:
        return GEMINI.model(body, path)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return False

    def usage(self, body: Any) -> dict[str, Any] | None:
        return None


DIALECT = GeminiEmbed()
