"""The generic extractor: any body on an intercepted host that no dialect knows.

Nothing is forwarded unread. Every string leaf and every object key of a JSON body
(and of JSON nested in strings), each line of JSONL, the names and values of a form,
the whole of a text body, each part of a multipart body by its own type (file names
too); base64 text and data URLs are decoded (text is scanned and re-encoded, a PDF is
read as text, images and audio are `binary_content`). Everything is written back at its
exact position. Streams (SSE, NDJSON) are scanned event by event.

Roles: request text is the user's, response text the model's (a document that comes
back from an unknown endpoint is judged like model output).
"""

from __future__ import annotations

import json
import re
from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.body.base import ReadOnlyText
from llmwall.routing.body.multipart import MultipartBody, Part
from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    Dialect,
    ErrorShape,
    Framing,
    StreamDialect,
    StreamEvent,
    TextPiece,
    is_data_url,
)
from llmwall.routing.framing.ndjson import NDJSONFraming
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.jsonpath import scanned_key
from llmwall.routing.segment import JSON, KEY, Extraction, Path, Role, Trust

BLOB_CHARS = 1024  # base64-only strings at least this long are decoded, not scanned raw
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_MAX_DEPTH = 64


def collect_body(c: Collector, body: Body, path: Path, role: Role, trust: Trust) -> None:
    """Every text position of `body`, by its codec."""
    tree = body.tree
    if body.kind == "multipart":
        assert isinstance(body, MultipartBody)
        for i, part in enumerate(body.parts):
            collect_part_head(c, part, (*path, i), role, trust)
            collect_body(c, part.body, (*path, i, "value"), role, trust)
    elif body.kind == "form":
        for i, (name, value) in enumerate(tree):
            c.text(name, (*path, i, 0), role, trust)
            collect_string(c, value, (*path, i, 1), role, trust)
    elif body.kind == "pdf":
        if tree is None:
            c.unknown(path)
        else:
            c.text(tree, path, role, trust, writable=False, locked="pdf")
    elif body.kind == "binary":
        if tree:
            c.binary(path)
    elif body.kind == "jsonl":
        for i, line in enumerate(tree):
            collect_json(c, line, (*path, i), role, trust)
    else:  # json, text
        collect_json(c, tree, path, role, trust)


def collect_part_head(c: Collector, part: Part, path: Path, role: Role, trust: Trust) -> None:
    """A multipart part's file name (rewritten in place, unless it came in RFC 2231
    pieces) and the rest of its header block: field name, other parameters and header
    lines (read, never rewritten)."""
    pieces = part.filename_pieces
    locked = "part_header" if pieces else ""
    c.text(part.filename, (*path, "filename"), role, trust, writable=not pieces, locked=locked)
    c.text(part.head_text, (*path, "head"), role, trust, writable=False, locked="part_header")


def collect_json(
    c: Collector, node: Any, path: Path, role: Role, trust: Trust, depth: int = 0
) -> None:
    """Every string and key below `node` (strings: see `collect_string`)."""
    if isinstance(node, str):
        collect_string(c, node, path, role, trust, depth)
    elif isinstance(node, dict):
        for key, child in node.items():
            if scanned_key(key):
                c.text(key, (*path, KEY, key), role, trust)
            collect_json(c, child, (*path, key), role, trust, depth + 1)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            collect_json(c, child, (*path, i), role, trust, depth + 1)


def collect_string(
    c: Collector, text: str, path: Path, role: Role, trust: Trust, depth: int = 0
) -> None:
    """A string: JSON inside it is walked (and re-encoded on write), a data URL or a long
    base64 blob is decoded by what it holds, anything else is text."""
    if not text:
        return
    if isinstance(text, ReadOnlyText):
        c.text(text, path, role, trust, writable=False, locked="pdf")
        return
    head = text[:1] if text[:1] in "{[" else text.lstrip()[:1]
    if head in ("{", "[") and depth < _MAX_DEPTH:
        try:
            inner = json.loads(text)
        except (ValueError, RecursionError):
            inner = None
        if isinstance(inner, dict | list):
            collect_json(c, inner, (*path, JSON), role, trust, depth + 1)
            return
    if is_data_url(text) or (len(text) >= BLOB_CHARS and _BASE64.fullmatch(text)):
        c.encoded(text, path, None, role, trust)
    else:
        c.text(text, path, role, trust)


class GenericStream(StreamDialect):
    """Any SSE or NDJSON stream: every string of an event, scanned within the event (a
    generic stream has no channels to hold back across events)."""

    def __init__(self, ndjson: bool = False) -> None:
        self.ndjson = ndjson

    def framing(self) -> Framing:
        return NDJSONFraming() if self.ndjson else SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        out: list[TextPiece] = []
        _stream_strings(event.data, (), out)
        return out

    def closes(self, event: StreamEvent) -> Any:
        return ALL_CHANNELS

    def is_terminal(self, event: StreamEvent) -> bool:
        return True  # nothing says when an unknown stream is complete

    def error_event(self, message: str, code: str) -> bytes:
        body = GENERIC.error(403, message, code).body
        if self.ndjson:
            return json.dumps(body).encode() + b"\n"
        return frame(body, "error")


def _stream_strings(node: Any, path: Path, out: list[TextPiece]) -> None:
    if isinstance(node, str):
        if node:
            out.append(TextPiece(path, path, node))
    elif isinstance(node, dict):
        for key, child in node.items():
            if key != "obfuscation":  # random padding (OpenAI), never text
                _stream_strings(child, (*path, key), out)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _stream_strings(child, (*path, i), out)


SSE_STREAM = GenericStream()
NDJSON_STREAM = GenericStream(ndjson=True)


class Generic(Dialect):
    name = "generic"
    stream = SSE_STREAM

    def read_request(self, body: Body) -> Extraction:
        c = Collector()
        collect_body(c, body, (), Role.USER, Trust.USER)
        return c.build()

    def read_response(self, body: Body) -> Extraction:
        c = Collector()
        collect_body(c, body, (), Role.ASSISTANT, Trust.MODEL)
        return c.build()

    def extract_request(self, body: Any) -> Extraction:
        c = Collector()
        collect_json(c, body, (), Role.USER, Trust.USER)
        return c.build()

    def extract_response(self, body: Any) -> Extraction:
        c = Collector()
        collect_json(c, body, (), Role.ASSISTANT, Trust.MODEL)
        return c.build()

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return ErrorShape(
            status, {"error": {"message": message, "type": "llmwall_error", "code": code}}
        )

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return isinstance(body, dict) and body.get("stream") is True

    def portable(self, body: Any) -> bool:
        return False


GENERIC = Generic()
DIALECT = GENERIC
