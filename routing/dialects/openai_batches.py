"""OpenAI Batches (`/v1/batches`, also Groq's): the prompts are in the uploaded input
file (`openai_files`); the batch itself carries `metadata` and ids. Answers: batch
objects (metadata, errors)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.fields import collect_fields, collect_rest
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.segment import Role, Trust

TEXT_FIELDS = ("metadata",)
KNOWN_FIELDS = frozenset(
    {*TEXT_FIELDS, "input_file_id", "endpoint", "completion_window", "output_expires_after"}
)


class OpenAIBatches(ResourceDialect):
    name = "openai_batches"
    errors_as = OpenAIChat()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        # one batch or a list: metadata and error messages are the only text
        collect_json(c, body, (), Role.DOCUMENT, Trust.EXTERNAL)


DIALECT = OpenAIBatches()
