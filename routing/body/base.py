"""The Body interface and the simple codecs: text, PDF, binary."""

from __future__ import annotations

import codecs
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from llmwall.errors import InspectionError
from llmwall.routing import jsonpath, media
from llmwall.routing.segment import Path


class ReadOnlyText(str):
    """Text read out of something llmwall cannot rewrite (a PDF): scanned, and a finding
    there that needs redaction blocks."""

    __slots__ = ()


class Body(ABC):
    """One decoded body. `tree` is what dialects walk; `apply` writes strings back by
    path (paths as the dialects and the generic extractor give them) and encodes the
    body as it came: same codec, charset and framing."""

    kind: ClassVar[str]
    tree: Any

    @abstractmethod
    def apply(self, rewrites: Mapping[Path, str]) -> bytes: ...


def text_codec(charset: str, default: str = "utf-8") -> str:
    """A Python codec name for a charset label; InspectionError for an unknown one."""
    name = (charset or default).strip().lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InspectionError("body charset is not one llmwall can decode") from None


def decode_text(raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise InspectionError(f"body is not valid {codec} text") from None


class TextBody(Body):
    """`text/*` and other text types: the whole text, in its own charset."""

    kind = "text"

    def __init__(self, raw: bytes, charset: str) -> None:
        self.codec = text_codec(charset)
        self.tree: str = decode_text(raw, self.codec)

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        return jsonpath.set_many(self.tree, rewrites).encode(self.codec)


class PdfBody(Body):
    """A PDF: its text is read (pypdf) and scanned, never rewritten. `tree` is None when
    the PDF cannot be read (then it is unknown content)."""

    kind = "pdf"

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        text = media.pdf_text(raw)
        self.tree: ReadOnlyText | None = ReadOnlyText(text) if text is not None else None

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        if rewrites:
            raise InspectionError("a PDF cannot be rewritten")
        return self.raw


class BinaryBody(Body):
    """Images, audio, anything that is not text: nothing to read (`binary_content`)."""

    kind = "binary"

    def __init__(self, raw: bytes, media_type: str = "") -> None:
        self.tree = raw
        self.media_type = media_type

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        if rewrites:
            raise InspectionError("a binary body cannot be rewritten")
        return self.tree
