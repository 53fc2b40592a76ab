"""Anthropic Message Batches (`/v1/messages/batches`, its results): each request's
`params` is a whole Messages request, read with the Messages dialect; the results file
(JSONL, one line per request) carries whole Messages answers (`result.message`)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.dialects.anthropic import DIALECT as MESSAGES
from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.generic import collect_body, collect_json
from llmwall.routing.segment import Extraction, Role, Trust


class AnthropicBatches(ResourceDialect):
    name = "anthropic_batches"
    errors_as = MESSAGES

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        requests = body.get("requests")
        if not isinstance(requests, list):
            if requests is not None:
                c.unknown(("requests",))
            return
        for i, item in enumerate(requests):
            if not isinstance(item, dict) or not isinstance(item.get("params"), dict):
                c.unknown(("requests", i))
                continue
            c.text(item.get("custom_id"), ("requests", i, "custom_id"), Role.USER, Trust.USER)
            MESSAGES.collect_request(c.under(("requests", i, "params")), item["params"])

    def read_response(self, body: Body) -> Extraction:
        c = Collector()
        if body.kind == "jsonl":  # the results file
            for i, line in enumerate(body.tree):
                result = line.get("result") if isinstance(line, dict) else None
                message = result.get("message") if isinstance(result, dict) else None
                if isinstance(message, dict):
                    MESSAGES.collect_response(c.under((i, "result", "message")), message)
                    if isinstance(result, dict) and "error" in result:
                        collect_json(
                            c, result["error"], (i, "result", "error"), Role.ASSISTANT, Trust.MODEL
                        )
                else:
                    collect_json(c, line, (i,), Role.ASSISTANT, Trust.MODEL)
        else:  # batch objects: ids, counts, URLs
            collect_body(c, body, (), Role.ASSISTANT, Trust.MODEL)
        return c.build()

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.ASSISTANT, Trust.MODEL)


DIALECT = AnthropicBatches()
