"""Body codecs: a request or response body decoded by its content type into a tree that
dialects and the generic extractor walk, and encoded back after redaction.

    decode(content, content_type) -> Body        one codec per kind of body
    body.tree                                    what a dialect reads (JSON: the parse)
    body.apply(rewrites) -> bytes                the body with strings replaced by path

Kinds: `json` (with fidelity: duplicate keys and NaN refused, big numbers and the
charset kept), `jsonl` (line by line; untouched lines byte for byte), `form`
(url-encoded names and values), `text` (`text/*` and other text types, in their own
charset), `multipart` (each part by its own content type, a JSONL batch file line by
line), `pdf` (read as text with pypdf; cannot be rewritten) and `binary` (images,
audio: nothing to read). A body without a useful label is sniffed: JSON, JSONL, PDF,
UTF-8 text, else binary — so text under a binary label is still read.
"""

from __future__ import annotations

from llmwall.errors import InspectionError
from llmwall.routing import media
from llmwall.routing.body.base import BinaryBody, Body, PdfBody, ReadOnlyText, TextBody
from llmwall.routing.body.form import FormBody
from llmwall.routing.body.json_body import JsonBody, looks_like_json
from llmwall.routing.body.lines import JSONL_TYPES, JsonlBody, looks_like_jsonl

__all__ = [
    "BinaryBody",
    "Body",
    "FormBody",
    "JsonBody",
    "JsonlBody",
    "PdfBody",
    "ReadOnlyText",
    "TextBody",
    "decode",
    "param",
]

FORM = "application/x-www-form-urlencoded"
_SNIFFED = ("", "application/octet-stream", "binary/octet-stream", "application/binary")


def param(label: str, name: str) -> str:
    """A parameter of a content type (`charset`, `boundary`), unquoted; "" if absent."""
    for part in label.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"')
    return ""


def decode(content: bytes, label: str = "", *, raw: bool = False) -> Body:
    """The body of `content` as its content type `label` says (sniffed when the label
    says nothing useful). Raises InspectionError for a body that claims a kind it is
    not (JSON that does not parse, a charset that does not decode). `raw`: the body is
    a slice of a file whatever its label says (Gemini's resumable chunks are labelled
    application/json): a JSON label is only a hint."""
    mt = media.media_type(label)
    if raw and (mt == "application/json" or mt.endswith("+json")):
        mt, label = "", ""
    charset = param(label, "charset")
    if mt.startswith("multipart/"):
        from llmwall.routing.body.multipart import MultipartBody

        return MultipartBody(content, label)
    if mt in JSONL_TYPES:
        return JsonlBody(content, charset)
    if mt == "application/json" or mt.endswith("+json"):
        return JsonBody(content, charset)
    if looks_like_json(content):
        try:
            return JsonBody(content, charset)
        except InspectionError:
            if not mt and not raw and not looks_like_jsonl(content.decode("utf-8", "replace")):
                raise  # unlabelled and broken JSON: refused, not guessed at
            # labelled otherwise (text, octet-stream): read it as its label says
    if mt == FORM:
        return FormBody(content, charset)
    if mt == media.PDF or content.startswith(b"%PDF-"):
        return PdfBody(content)
    if media.is_text(mt):
        return TextBody(content, charset)
    text = media.utf8_text(content)
    if text is not None:
        if mt in _SNIFFED and looks_like_jsonl(text):
            return JsonlBody(content, "")
        return TextBody(content, "")
    return BinaryBody(content, mt)
