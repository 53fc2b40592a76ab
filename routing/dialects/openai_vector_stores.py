"""OpenAI vector stores (`/v1/vector_stores`, files, file batches, `search`). Requests:
the search `query` (the user's question), filters, names, descriptions, attributes and
metadata. Answers: search results carry document text (`data[].content[].text`), file
names and attributes; a file's parsed `content` likewise. Read as documents."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.fields import collect_fields, collect_rest
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.segment import Role, Trust

TEXT_FIELDS = ("query", "filters", "name", "description", "metadata", "attributes", "files")
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "file_ids",
        "file_id",
        "chunking_strategy",
        "expires_after",
        "max_num_results",
        "ranking_options",
        "rewrite_query",
    }
)


class OpenAIVectorStores(ResourceDialect):
    name = "openai_vector_stores"
    errors_as = OpenAIChat()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.DOCUMENT, Trust.EXTERNAL)


DIALECT = OpenAIVectorStores()
