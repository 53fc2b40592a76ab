"""OpenAI Uploads (`/v1/uploads`, `/v1/uploads/{id}/parts`, `.../complete`): a large
file sent in parts. Each part is an arbitrary byte slice of the file, so its text is
scanned but never rewritten (that would change the byte count the upload declared): a
part that needs redaction is blocked (`upload_part`). A line or a secret that straddles
two parts is scanned in each part separately (see docs/INSPECTED.md)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.body.multipart import MultipartBody
from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.generic import collect_body, collect_json, collect_part_head
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.segment import Extraction, Role, Trust


class OpenAIUploads(ResourceDialect):
    name = "openai_uploads"
    errors_as = OpenAIChat()

    def read_request(self, body: Body) -> Extraction:
        c = Collector()
        if isinstance(body, MultipartBody):
            for i, part in enumerate(body.parts):
                collect_part_head(c, part, (i,), Role.USER, Trust.USER)
                sink = c.locked("upload_part") if part.name == "data" else c
                collect_body(sink, part.body, (i, "value"), Role.USER, Trust.USER)
        else:  # create (filename, purpose, bytes, mime_type) and complete (part ids)
            collect_body(c, body, (), Role.USER, Trust.USER)
        return c.build()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.DOCUMENT, Trust.EXTERNAL)  # file names


DIALECT = OpenAIUploads()
