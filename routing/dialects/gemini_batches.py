"""Gemini batches: `:batchGenerateContent` (inline requests, each a whole
generateContent request) and `:asyncBatchEmbedContent` (embedding requests), and the
batch objects that come back (`/v1beta/batches/...`), whose inline responses are whole
generateContent answers. A batch from an uploaded file is read at the upload."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.gemini import DIALECT as GEMINI
from llmwall.routing.dialects.gemini import _collect_response as collect_answer
from llmwall.routing.dialects.gemini import field
from llmwall.routing.dialects.gemini_embed import DIALECT as EMBED
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.segment import Path, Role, Trust


def _inline_requests(body: dict[str, Any]) -> tuple[Path, Any]:
    """(path, list) of `batch.inputConfig.requests.requests` (either spelling)."""
    path: Path = ()
    node: Any = body
    for name in ("batch", "inputConfig", "requests", "requests"):
        key, node = field(node, name)
        path = (*path, key)
        if node is None:
            return path, None
    return path, node


class GeminiBatches(ResourceDialect):
    name = "gemini_batches"
    errors_as = GEMINI

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        bkey, batch = field(body, "batch")
        key, name = field(batch, "displayName")
        c.text(name, (bkey, key), Role.USER, Trust.USER)
        path, requests = _inline_requests(body)
        if requests is None:
            return  # inputConfig.fileName: read when the file was uploaded
        if not isinstance(requests, list):
            c.unknown(path)
            return
        for i, item in enumerate(requests):
            rkey, request = field(item, "request")
            if not isinstance(request, dict):
                c.unknown((*path, i))
                continue
            where = (*path, i, rkey)
            if field(request, "content")[1] is not None:  # asyncBatchEmbedContent
                EMBED.collect_request(c.under(where), request)
            else:
                GEMINI.collect_request(c.under(where), request)
            mkey, meta = field(item, "metadata")
            if meta is not None:
                collect_json(c, meta, (*path, i, mkey), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        _answers(c, body, ())


def _answers(c: Collector, node: Any, path: Path) -> None:
    """Every generateContent answer inside a batch object (`inlinedResponses[].response`,
    wherever the operation puts it); display names and errors as text."""
    if isinstance(node, dict):
        if "candidates" in node:
            collect_answer(c, node, path)
            return
        for key, child in node.items():
            if key in ("displayName", "display_name", "message") and isinstance(child, str):
                c.text(child, (*path, key), Role.ASSISTANT, Trust.MODEL)
            else:
                _answers(c, child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _answers(c, child, (*path, i))


DIALECT = GeminiBatches()
