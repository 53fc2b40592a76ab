"""OpenAI Conversations (`/v1/conversations`, its `items`) and the stored input of a
response (`/v1/responses/{id}/input_items`): Responses items (messages, tool calls and
outputs) and metadata going in; the stored items coming back (`data[]`, or one item)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.fields import collect_fields, collect_rest
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.dialects.openai_responses_items import collect_item, collect_items
from llmwall.routing.segment import Role, Trust

TEXT_FIELDS = ("metadata",)
KNOWN_FIELDS = frozenset({*TEXT_FIELDS, "items"})


class OpenAIConversations(ResourceDialect):
    name = "openai_conversations"
    errors_as = OpenAIChat()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_items(c, body.get("items"), ("items",), (Role.USER, Trust.USER), response=False)
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        model = (Role.ASSISTANT, Trust.MODEL)
        if isinstance(body.get("data"), list):  # a list of items
            collect_items(c, body["data"], ("data",), model, response=True)
        elif body.get("object") == "conversation":
            collect_fields(c, body, TEXT_FIELDS)
        elif "type" in body:  # one item
            collect_item(c, body, (), model, response=True)


DIALECT = OpenAIConversations()
