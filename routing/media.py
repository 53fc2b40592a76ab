"""Media types: which are text, and reading the text of base64 parts and PDFs.

A part labelled `text/plain`, JSON, XML, CSV or markdown is text however it travels
(base64 in Gemini `inlineData`, a `data:` URL in OpenAI `file_data`, an Anthropic
base64 document): it is decoded, scanned and re-encoded. A PDF is read as text with
pypdf (the providers read it as text too); its text cannot be rewritten, so a PDF that
needs redaction is blocked. Everything else with a binary type (images, audio) stays
binary: `binary_content` decides.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
from typing import Any

TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/jsonl",
        "application/x-ndjson",
        "application/x-jsonlines",
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/sql",
        "application/graphql",
        "application/x-sh",
        "application/x-python",
        "application/x-www-form-urlencoded",
        "application/rtf",
        "application/csv",
        "application/x-tex",
        "application/toml",
        "application/sdp",
    }
)
PDF = "application/pdf"
MAX_PDF_BYTES = 32 * 1024 * 1024  # larger PDFs are not parsed: blocked as unreadable

log = logging.getLogger("llmwall")


def media_type(label: Any) -> str:
    """`text/plain; charset=utf-8` -> `text/plain` (lower case; "" for none)."""
    if not isinstance(label, str):
        return ""
    return label.split(";", 1)[0].strip().lower()


def is_text(label: Any) -> bool:
    mt = media_type(label)
    return (
        mt.startswith("text/")
        or mt in TEXT_TYPES
        or mt.endswith(("+json", "+xml", "+yaml"))
        or mt.startswith("message/")
    )


def data_url_type(value: str) -> str:
    """The media type of a `data:` URL ("" when it has none)."""
    head = value[5:].partition(",")[0]
    return media_type(head.split(";", 1)[0]) if head else ""


def decode_payload(value: str) -> bytes | None:
    """The bytes of a base64 string or base64 data URL; None when it is neither."""
    payload = value
    if value.startswith("data:"):
        head, sep, payload = value.partition(",")
        if not sep or not head.endswith(";base64"):
            return None
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def utf8_text(raw: bytes) -> str | None:
    """`raw` as text if it is UTF-8 without control characters other than whitespace
    (so a real image or audio clip is never taken for text)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:4096]):
        return None
    return text


def pdf_text(raw: bytes) -> str | None:
    """The text of a PDF (all pages, form fields and metadata), or None when it cannot
    be read (corrupt, encrypted, too large): the caller treats that as unknown."""
    if len(raw) > MAX_PDF_BYTES:
        return None
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            return None
        parts = [page.extract_text() or "" for page in reader.pages]
        meta: dict[str, Any] = dict(reader.metadata or {})
        parts.extend(str(v) for v in meta.values() if isinstance(v, str))
        fields = reader.get_fields() or {}
        parts.extend(str(f.get("/V")) for f in fields.values() if isinstance(f.get("/V"), str))
        return "\n".join(p for p in parts if p)
    except Exception as exc:  # pypdf raises many types on malformed input
        log.debug("PDF not readable: %s", type(exc).__name__)
        return None
