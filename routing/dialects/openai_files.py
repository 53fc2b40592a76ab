"""OpenAI Files (`/v1/files`, also Groq's and Mistral's): the upload is multipart, its
`file` part the whole document. A JSONL batch or fine-tuning file is read line by line
with the dialect each line speaks (`batch_lines`) and written back line by line; a text
file as text; a PDF as text (blocked if it needs redaction); an image or audio file is
binary. The file name is scanned too. Answers: file objects (file names), and
`/files/{id}/content` (the file itself, read like an upload, as a document)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.body.multipart import MultipartBody
from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.batch_lines import collect_line
from llmwall.routing.dialects.generic import collect_body, collect_json, collect_part_head
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.segment import Extraction, Path, Role, Trust

FILE_PARTS = frozenset({"file", "data", "files[]", "files"})


def collect_upload(c: Collector, body: Body, path: Path, *, response: bool = False) -> None:
    """A file's body: JSONL line by line with each line's dialect, else by its codec."""
    role, trust = (Role.DOCUMENT, Trust.EXTERNAL) if response else (Role.USER, Trust.USER)
    if body.kind == "jsonl":
        for i, line in enumerate(body.tree):
            collect_line(c, line, (*path, i), response=response)
    else:
        collect_body(c, body, path, role, trust)


def collect_multipart(c: Collector, body: MultipartBody) -> None:
    for i, part in enumerate(body.parts):
        collect_part_head(c, part, (i,), Role.USER, Trust.USER)
        if part.name in FILE_PARTS or part.filename is not None:
            collect_upload(c, part.body, (i, "value"))
        else:  # purpose, expires_after[...]: short form fields
            collect_body(c, part.body, (i, "value"), Role.USER, Trust.USER)


class OpenAIFiles(ResourceDialect):
    name = "openai_files"
    errors_as = OpenAIChat()

    def read_request(self, body: Body) -> Extraction:
        c = Collector()
        if isinstance(body, MultipartBody):
            collect_multipart(c, body)
        else:  # a JSON or raw upload on a files path: read whatever it is
            collect_upload(c, body, ())
        return c.build()

    def read_response(self, body: Body) -> Extraction:
        c = Collector()
        if body.kind == "json" and isinstance(body.tree, dict) and _is_file_object(body.tree):
            collect_file_objects(c, body.tree)
        else:  # /files/{id}/content: the file itself
            collect_upload(c, body, (), response=True)
        return c.build()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_file_objects(c, body)


def _is_file_object(body: dict[str, Any]) -> bool:
    return body.get("object") in ("file", "list", "upload") or ("filename" in body and "id" in body)


def collect_file_objects(c: Collector, body: dict[str, Any]) -> None:
    """A file object or a list of them: file names (and anything else with text,
    generically: a list's `data`, an upload's `file`)."""
    collect_json(c, body, (), Role.DOCUMENT, Trust.EXTERNAL)


DIALECT = OpenAIFiles()
