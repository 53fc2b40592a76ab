"""The normalized form of a request or response body: text segments with write-back paths.

Every dialect turns a provider's JSON into an `Extraction`; detection and policy work on
`Segment.text` only, and redactions are written back through `Segment.path` (see
`routing.jsonpath`). Nothing here knows about any provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a piece of text is, in the conversation."""

    SYSTEM = "system"  # system / developer prompts, instructions
    USER = "user"  # a user's message
    ASSISTANT = "assistant"  # model output (history or response)
    TOOL_CALL = "tool_call"  # arguments of a tool/function call
    TOOL_RESULT = "tool_result"  # output of a tool, fed back to the model
    TOOL_DEFINITION = "tool_definition"  # tool names, descriptions, JSON schema strings
    DOCUMENT = "document"  # attached documents, RAG sources, search results


class Trust(StrEnum):
    """Who authored the text: decides which injection threshold applies."""

    SYSTEM = "system"  # the app's own instructions and tool definitions
    USER = "user"  # direct user input
    EXTERNAL = "external"  # tool results and documents: the indirect-injection surface
    MODEL = "model"  # text a model produced


class Direction(StrEnum):
    REQUEST = "request"
    RESPONSE = "response"


class _JsonString:
    """Path step meaning: the value here is a JSON-encoded string; descend into its decoding."""

    _instance: _JsonString | None = None

    def __new__(cls) -> _JsonString:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "JSON"

    def __reduce__(self) -> str:
        return "JSON"


JSON = _JsonString()


class _Marker:
    """A named path step other than JSON (see `routing.jsonpath`): one instance per name,
    compared by identity, pickled by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> str:
        return self.name


# The next step names an object key, and the path means the key itself (not its value):
# (..., "tools", 0, KEY, "x") is the key "x"; writing it renames the key in place.
KEY = _Marker("KEY")
# The value here is base64 (or a data: URL): descend into its decoded UTF-8 text;
# writing re-encodes it (and keeps the data: URL's media type).
BASE64 = _Marker("BASE64")
# Rewrites whose path starts here are not in the body: the request's URL query
# (ENVELOPE, "query", i, 0|1), its path (ENVELOPE, "path") or a header
# (ENVELOPE, "header", i) — see `routing.envelope`.
ENVELOPE = _Marker("ENVELOPE")

PathStep = str | int | _JsonString | _Marker
Path = tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """One string of a body. `writable=False` marks text that is scanned but must not be
    changed (for example signed thinking blocks): a finding there that needs redaction
    becomes a block. `template=True` marks a raw prompt the app formats itself (Llama
    `prompt`, Ollama `raw`): its chat-template tokens are not scanned as injection."""

    text: str
    role: Role
    trust: Trust
    path: Path
    writable: bool = True
    template: bool = False  # a raw prompt whose chat-template tokens are structure
    # why a non-writable segment cannot be changed, for the block rule ("pdf",
    # "upload_part"); empty means signed text ("read-only")
    locked: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """All text of one body, plus what the dialect could not read as text.

    `unknown`: paths of content whose type the dialect does not know and that may carry
    text (policy: `unknown_content`, default block). `binary`: paths of base64 media
    (images, audio, PDFs) that are never read as text (policy: `binary_content`).
    `opaque`: why parts are uninspectable (token-id prompts, server-side state), as short
    machine-readable reasons. `binary` paths are decided by `binary_content` and named
    in the audit whatever it says.
    """

    segments: tuple[Segment, ...] = ()
    unknown: tuple[Path, ...] = ()
    binary: tuple[Path, ...] = ()
    opaque: tuple[str, ...] = field(default=())
    # Indexes of segments that are one text split in parts (a message's text parts):
    # their concatenation is scanned too, so a secret split across parts is found and
    # redacted in each part it spans (`llmwall.core.joins`).
    joins: tuple[tuple[int, ...], ...] = ()
    # Indexes of consecutive string elements of one JSON array that look like pieces of
    # one value (`["AKIAQ7RZ", "P4XK2M5TNWLB"]` in tool arguments): scanned as the list
    # literal they are, so the detector's split-value reading can join them; only keys,
    # tokens, e-mail addresses and IBANs found across elements count (`core.joins`).
    element_joins: tuple[tuple[int, ...], ...] = ()
