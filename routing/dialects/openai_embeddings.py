"""OpenAI Embeddings (`/v1/embeddings`), also Azure deployments, Mistral, Together,
Fireworks, OpenRouter and Ollama's `/v1`.

Only the request carries text: `input` is a string, strings or token ids (unknown
content, like Completions' `prompt`). The response is vectors: nothing to scan. There
is no stream. Redacting an input changes its vector; that is the policy's call.
"""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, Dialect, ErrorShape
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.dialects.openai_completions import collect_prompt
from llmwall.routing.segment import Extraction


class OpenAIEmbeddings(Dialect):
    name = "openai_embeddings"

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_prompt(c, body.get("input"), ("input",))

    def extract_response(self, body: Any) -> Extraction:
        return Extraction()

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return False


DIALECT = OpenAIEmbeddings()
