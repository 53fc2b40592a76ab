"""Gemini Files (`/upload/v1beta/files`, resumable protocol, and `/v1beta/files`). The
start request is JSON (`file.displayName`; the file name also travels in the
`X-Goog-Upload-File-Name` header, scanned with the headers); then the file comes in raw
chunks of up to 8 MiB. A chunk is an arbitrary byte slice of a file whose size was
declared at the start, so its text is scanned but never rewritten: a chunk that needs
redaction is blocked (`upload_chunk`); the seam with the chunk before it is scanned too
(`llmwall.core.upload_seams`). Answers: file objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from llmwall.routing.body import Body
from llmwall.routing.dialects.base import Collector, ResourceDialect, UploadPiece
from llmwall.routing.dialects.gemini import DIALECT as GEMINI
from llmwall.routing.dialects.generic import collect_body, collect_json
from llmwall.routing.segment import Extraction, Role, Trust


def _is_start(tree: Any) -> bool:
    return isinstance(tree, dict) and set(tree) <= {"file"} and isinstance(tree.get("file"), dict)


class GeminiFiles(ResourceDialect):
    name = "gemini_files"
    errors_as = GEMINI
    raw_bodies = True

    def read_request(self, body: Body) -> Extraction:
        c = Collector()
        if body.kind == "json" and _is_start(body.tree):
            collect_json(c, body.tree, (), Role.USER, Trust.USER)
        else:  # a chunk of the file itself
            collect_body(c.locked("upload_chunk"), body, (), Role.USER, Trust.USER)
        return c.build()

    def upload_piece(
        self,
        path: str,
        query: str,
        headers: Sequence[tuple[str, str]],
        body: Body,
        content: bytes,
    ) -> UploadPiece | None:
        if body.kind == "json" and _is_start(body.tree):
            return None
        upload = dict(parse_qsl(query)).get("upload_id")
        offset = next((v for k, v in headers if k.lower() == "x-goog-upload-offset"), None)
        if not upload or offset is None or not offset.strip().isdigit():
            return None
        return UploadPiece("chunk", upload, content, int(offset))

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.DOCUMENT, Trust.EXTERNAL)


DIALECT = GeminiFiles()
