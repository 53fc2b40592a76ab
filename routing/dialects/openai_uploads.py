"""OpenAI Uploads (`/v1/uploads`, `/v1/uploads/{id}/parts`, `.../complete`): a large
file sent in parts. Each part is an arbitrary byte slice of the file, so its text is
scanned but never rewritten (that would change the byte count the upload declared): a
part that needs redaction is blocked (`upload_part`). Parts may be sent in any order;
the completion names their order, and the seams between them are scanned then
(`llmwall.core.upload_seams`): a secret across two parts blocks the completion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.body.multipart import MultipartBody
from llmwall.routing.dialects.base import Collector, ResourceDialect, UploadPiece
from llmwall.routing.dialects.generic import collect_body, collect_json, collect_part_head
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.segment import Extraction, Role, Trust

_UPLOAD_PATH = re.compile(r"/uploads/([^/]+)/(parts|complete)$")


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

    def upload_piece(
        self,
        path: str,
        query: str,
        headers: Sequence[tuple[str, str]],
        body: Body,
        content: bytes,
    ) -> UploadPiece | None:
        m = _UPLOAD_PATH.search(path)
        if m is None:
            return None
        upload, action = m.group(1), m.group(2)
        if action == "parts" and isinstance(body, MultipartBody):
            data = [p.content for p in body.parts if p.name == "data"]
            return UploadPiece("part", upload, data[0]) if len(data) == 1 else None
        if action == "complete" and isinstance(body.tree, dict):
            ids = body.tree.get("part_ids")
            if isinstance(ids, list) and all(isinstance(i, str) for i in ids):
                return UploadPiece("complete", upload, part_ids=tuple(ids))
        return None

    def upload_part_id(self, path: str, body: Any) -> tuple[str, str] | None:
        m = _UPLOAD_PATH.search(path)
        if (
            m is not None
            and m.group(2) == "parts"
            and isinstance(body, dict)
            and body.get("object") == "upload.part"
            and isinstance(body.get("id"), str)
        ):
            return m.group(1), body["id"]
        return None

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.DOCUMENT, Trust.EXTERNAL)  # file names


DIALECT = OpenAIUploads()
