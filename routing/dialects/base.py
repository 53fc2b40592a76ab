"""The interface every wire dialect implements, and a collector that builds Extractions.

A dialect knows one wire format: where text lives in its request and response bodies,
what its error bodies look like, and how its stream events carry text. It never decides
what is sensitive and never touches the network.

Stream events are handled in two parts: a framing (SSE, NDJSON, AWS eventstream, in
`routing.framing`) turns raw chunks into `StreamEvent`s, and the dialect's
`stream_pieces` says where text sits inside one event. The stream inspector in the addon
keeps the per-channel holdback and rewrites events.
"""

from __future__ import annotations

import copy
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from llmwall.routing import jsonpath, media
from llmwall.routing.dialects import logprobs
from llmwall.routing.dialects.non_text import NON_TEXT_KEYS
from llmwall.routing.segment import BASE64, Extraction, Path, Role, Segment, Trust

if TYPE_CHECKING:
    from llmwall.routing.body import Body


MAX_ELEMENTS = 64  # array elements joined at most
_PIECE = re.compile(r"[A-Za-z0-9_+/.@=-]{1,256}")


def value_pieces(texts: list[str]) -> bool:
    """Could these array elements be one value in pieces? Each is a run of key
    characters (no space: words and sentences are not), one holds a digit or an `@`,
    and together they are long enough for a key."""
    return (
        sum(map(len, texts)) >= 10
        and all(_PIECE.fullmatch(t) for t in texts)
        and any(c.isdigit() or c == "@" for t in texts for c in t)
    )


class Collector:
    """Accumulates segments and unreadable parts while a dialect walks a body."""

    def __init__(self) -> None:
        self._segments: list[Segment] = []
        self._unknown: list[Path] = []
        self._binary: list[Path] = []
        self._opaque: list[str] = []
        self._joins: list[tuple[int, ...]] = []
        self._element_joins: list[tuple[int, ...]] = []

    def text(
        self,
        value: Any,
        path: Path,
        role: Role,
        trust: Trust,
        *,
        writable: bool = True,
        template: bool = False,
        locked: str = "",
    ) -> None:
        if isinstance(value, str) and value:
            self._segments.append(Segment(value, role, trust, path, writable, template, locked))

    def encoded(self, value: Any, path: Path, label: Any, role: Role, trust: Trust) -> None:
        """A base64 string or `data:` URL (its media type is `label`, else the URL's own).
        Text (whatever the label says: text under an image label is still text) is
        scanned and written back re-encoded; a PDF is read as text that cannot be
        rewritten; a part that cannot be decoded, though labelled text or PDF, is
        unknown; anything else is binary."""
        if not isinstance(value, str) or not value:
            return
        mt = media.media_type(label) or (media.data_url_type(value) if is_data_url(value) else "")
        raw = media.decode_payload(value)
        if raw is not None and (mt == media.PDF or raw.startswith(b"%PDF-")):
            pdf = media.pdf_text(raw)
            if pdf is None:
                self.unknown(path)
            else:
                self.text(pdf, path, role, trust, writable=False, locked="pdf")
            return
        text = media.utf8_text(raw) if raw is not None else None
        if text is not None:
            self.text(text, (*path, BASE64), role, trust)
        elif media.is_text(mt) or mt == media.PDF:
            self.unknown(path)
        else:
            self.binary(path)

    def joined(self, start: int) -> None:
        """The segments added since `start` are one text in parts (a message's text
        parts): scan their concatenation too."""
        if len(self._segments) - start > 1:
            self._joins.append(tuple(range(start, len(self._segments))))

    @property
    def count(self) -> int:
        return len(self._segments)

    def leaves(self, node: Any, path: Path, role: Role, trust: Trust) -> None:
        """Every string inside a JSON value (tool inputs, schemas, function responses),
        object keys included: argument and property names carry text too."""
        start = len(self._segments)
        for leaf_path, value in jsonpath.string_leaves(node, path, keys=True):
            self.text(value, leaf_path, role, trust)
        self._elements(start)

    def json_string(self, value: Any, path: Path, role: Role, trust: Trust) -> None:
        """A JSON-encoded string (OpenAI tool-call arguments): scan its leaves and keys."""
        if isinstance(value, str) and value:
            start = len(self._segments)
            for leaf_path, leaf in jsonpath.json_string_leaves(value, path, keys=True):
                self.text(leaf, leaf_path, role, trust)
            self._elements(start)

    def _elements(self, start: int) -> None:
        """Runs of consecutive elements of one array among the segments added since
        `start` that may be one value in pieces (Extraction.element_joins)."""
        segs = self._segments
        run: list[int] = []
        for i in range(start, len(segs)):
            path = segs[i].path
            if not path or not isinstance(path[-1], int):
                self._element_run(run)
                run = []
                continue
            prev = segs[run[-1]].path if run else None
            if prev is not None and prev[:-1] == path[:-1] and prev[-1] == path[-1] - 1:
                run.append(i)
            else:
                self._element_run(run)
                run = [i]
        self._element_run(run)

    def _element_run(self, run: list[int]) -> None:
        if 1 < len(run) <= MAX_ELEMENTS and value_pieces([self._segments[i].text for i in run]):
            self._element_joins.append(tuple(run))

    def unknown(self, path: Path) -> None:
        self._unknown.append(path)

    def binary(self, path: Path) -> None:
        self._binary.append(path)

    def opaque(self, reason: str) -> None:
        if reason not in self._opaque:
            self._opaque.append(reason)

    def under(self, prefix: Path) -> Collector:
        """A view of this collector that puts `prefix` before every path: a dialect's
        collector run on a body nested in another (a batch line's `body`)."""
        return _Prefixed(self, prefix)

    def locked(self, reason: str) -> Collector:
        """A view of this collector whose text cannot be rewritten (a byte slice of an
        upload: redaction would change its length): a finding there that needs
        redaction blocks, with `reason` in the rule."""
        return _Prefixed(self, (), reason)

    def build(self) -> Extraction:
        return Extraction(
            tuple(self._segments),
            tuple(self._unknown),
            tuple(self._binary),
            tuple(self._opaque),
            tuple(self._joins),
            tuple(self._element_joins),
        )


class _Prefixed(Collector):
    def __init__(self, parent: Collector, prefix: Path, lock: str = "") -> None:
        self._segments = parent._segments
        self._unknown = parent._unknown
        self._binary = parent._binary
        self._opaque = parent._opaque
        self._joins = parent._joins
        self._element_joins = parent._element_joins
        self._parent = parent
        self._prefix = prefix
        self._lock = lock

    def text(
        self,
        value: Any,
        path: Path,
        role: Role,
        trust: Trust,
        *,
        writable: bool = True,
        template: bool = False,
        locked: str = "",
    ) -> None:
        self._parent.text(
            value,
            (*self._prefix, *path),
            role,
            trust,
            writable=writable and not self._lock,
            template=template,
            locked=locked or self._lock,
        )

    def unknown(self, path: Path) -> None:
        self._parent.unknown((*self._prefix, *path))

    def binary(self, path: Path) -> None:
        self._parent.binary((*self._prefix, *path))

    def opaque(self, reason: str) -> None:
        self._parent.opaque(reason)


def is_data_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("data:")


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """A provider-shaped error, ready to send: status, JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = ()


# --- streams -------------------------------------------------------------------------


@dataclass(slots=True)
class StreamEvent:
    """One decoded event of a response stream.

    `raw` is the exact bytes received (re-sent unchanged when nothing was modified);
    `data` the decoded JSON payload, or None for comments, keep-alives and sentinels
    such as `[DONE]`; `name` the SSE event name or eventstream `:event-type`.
    """

    raw: bytes
    data: Any = None
    name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Text inside one stream event.

    `channel` identifies one growing text (a choice's content, a content block, a tool
    call's arguments). `structured` text (tool-call arguments) is held until its
    channel closes and scanned whole. `full` marks a repeated copy of the channel's
    whole text (`*.done` events): the inspector replaces it with what it released.
    """

    channel: Hashable
    path: Path
    text: str
    role: Role = Role.ASSISTANT
    trust: Trust = Trust.MODEL
    structured: bool = False
    full: bool = False
    # Signed text (thinking/reasoning): scanned across deltas like any channel, never
    # rewritten; a finding there that needs redaction blocks the stream.
    writable: bool = True


ALL_CHANNELS = object()


class StreamDialect(ABC):
    """How one dialect's response stream carries text."""

    # Every string of an event that `pieces` and `embedded` do not cover is scanned too,
    # except string values under these keys (`routing.dialects.leftovers`); None: not.
    non_text_keys: ClassVar[frozenset[str] | None] = NON_TEXT_KEYS

    @abstractmethod
    def framing(self) -> Framing: ...

    @abstractmethod
    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        """Text in this event. Paths are relative to `event.data`."""

    def closes(self, event: StreamEvent) -> Iterable[Hashable] | object:
        """Channel groups that end at this event: a channel closes when its key equals a
        group or is a tuple starting with it. Held text is flushed into this event (or
        into a synthetic event sent just before it). ALL_CHANNELS for terminal events."""
        return ()

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        """An event carrying only `text` for `piece`'s channel, modelled on `template`
        (the last event that carried this channel), to flush held text."""
        data = copy.deepcopy(template.data)
        data = jsonpath.set_many(data, {piece.path: text})
        return StreamEvent(raw=b"", data=data, name=template.name, meta=dict(template.meta))

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        """Whole objects repeated inside an event (Responses API `response.completed`),
        each with the extractor that reads it: they are redacted like a non-stream body."""
        return []

    def derived(self, data: Any, rewrites: Mapping[Path, str]) -> dict[Path, Any]:
        """Values of an event that mirror rewritten text, made to agree with it (as
        `Dialect.derived`)."""
        return logprobs.mirrors(data, rewrites)

    def droppable(self, event: StreamEvent) -> bool:
        """May this event be dropped when all its text pieces were held back?"""
        return True

    @abstractmethod
    def error_event(self, message: str, code: str) -> bytes:
        """The provider's own mid-stream error, framed, ending the stream cleanly."""

    def is_error(self, event: StreamEvent) -> bool:
        """Is this an error event from the provider (for audit)?"""
        return isinstance(event.data, dict) and "error" in event.data

    def usage(self, event: StreamEvent) -> dict[str, Any] | None:
        """Token usage carried by this event, for the audit record (the last one wins)."""
        data = event.data
        if not isinstance(data, dict):
            return None
        for holder in (data, data.get("response"), data.get("message")):
            if isinstance(holder, dict):
                for key in ("usage", "usageMetadata"):
                    if isinstance(holder.get(key), dict):
                        return holder[key]
        return None

    @abstractmethod
    def is_terminal(self, event: StreamEvent) -> bool:
        """Does this event end a complete stream? A stream that ends without one was
        cut short upstream and is ended with an error event, never shown as complete."""


class Framing(ABC):
    """Incremental parser and encoder for one stream framing."""

    @abstractmethod
    def feed(self, chunk: bytes) -> list[StreamEvent]:
        """Events completed by this chunk; partial input is buffered."""

    @abstractmethod
    def finish(self) -> list[StreamEvent]:
        """Events left at end of stream. Raises `TruncatedStream` on a partial event."""

    @abstractmethod
    def encode(self, event: StreamEvent) -> bytes:
        """Bytes for `event` after its `data` (or a side text) was changed."""

    def side_texts(self, event: StreamEvent) -> dict[Hashable, str]:
        """Text the framing carries outside the payload (SSE comments, event names,
        ids), by a key of the framing's choosing: scanned like the payload's text."""
        return {}

    def rewrite_side(self, event: StreamEvent, texts: Mapping[Hashable, str]) -> None:
        """Put rewritten side texts (keys from `side_texts`) into `event`; `encode`
        writes them."""
        if texts:
            raise NotImplementedError("this framing has no side texts")


# --- the dialect -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadPiece:
    """A request that carries one piece of a file uploaded in pieces. `kind`: "chunk"
    (bytes at `offset`, in order), "part" (bytes whose place `complete` names later) or
    "complete" (the parts' order, `part_ids`). `upload` is the upload's own id."""

    kind: str
    upload: str
    content: bytes = b""
    offset: int = 0
    part_ids: tuple[str, ...] = ()


class Dialect(ABC):
    """One wire format. Subclasses are stateless; one instance serves every flow."""

    name: ClassVar[str]
    stream: ClassVar[StreamDialect | None] = None
    # Every string of an answer the dialect does not read is scanned too, except string
    # values under these keys (`routing.dialects.leftovers`); None: not.
    non_text_keys: ClassVar[frozenset[str] | None] = NON_TEXT_KEYS
    # Bodies are file slices whatever their content type says (resumable uploads):
    # decoded by sniffing, never refused as malformed JSON.
    raw_bodies: ClassVar[bool] = False

    def read_request(self, body: Body) -> Extraction:
        """Every text position of a decoded request body (`routing.body`): JSON dialects
        read its tree; a body of another kind they do not know is one unknown position.
        Dialects of multipart or text endpoints override this."""
        return self.extract_request(body.tree)

    def read_response(self, body: Body) -> Extraction:
        """As read_request, for a non-streamed response body; with `non_text_keys`, the
        strings the dialect does not read as well."""
        extraction = self.extract_response(body.tree)
        if self.non_text_keys is None or not isinstance(body.tree, dict | list):
            return extraction
        from llmwall.routing.dialects.leftovers import with_leftovers  # it imports this

        return with_leftovers(extraction, body.tree, self.non_text_keys)

    def extract_request(self, body: Any) -> Extraction:
        """Every text position of a request body. A body that is not a JSON object is one
        unknown position (the policy's `unknown_content` decides); an object goes to
        `collect_request`."""
        return self._extract(body, self.collect_request)

    def extract_response(self, body: Any) -> Extraction:
        """Every text position of a non-streamed response body (as extract_request)."""
        return self._extract(body, self.collect_response)

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        """The text positions of a request object. Dialects implement this, or override
        extract_request when their bodies are not always objects."""
        raise NotImplementedError

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        """The text positions of a response object (as collect_request)."""
        raise NotImplementedError

    @staticmethod
    def _extract(body: Any, collect: Callable[[Collector, dict[str, Any]], None]) -> Extraction:
        c = Collector()
        if isinstance(body, dict):
            collect(c, body)
        else:
            c.unknown(())
        return c.build()

    def derived(self, body: Any, rewrites: Mapping[Path, str]) -> dict[Path, Any]:
        """Values of an answer that mirror rewritten text, made to agree with it (OpenAI
        logprobs: a token's `bytes`), else they would spell out what was redacted."""
        return logprobs.mirrors(body, rewrites)

    @abstractmethod
    def error(self, status: int, message: str, code: str) -> ErrorShape:
        """The provider's own error shape, so its SDK raises a clear error."""

    def model(self, body: Any, path: str) -> str | None:
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            return body["model"]
        return None

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return isinstance(body, dict) and body.get("stream") is True

    def usage(self, body: Any) -> dict[str, Any] | None:
        if isinstance(body, dict) and isinstance(body.get("usage"), dict):
            return body["usage"]
        return None

    def portable(self, body: Any) -> bool:
        """Can this request be moved to another provider (no server-side state)?"""
        return True

    def upload_piece(
        self,
        path: str,
        query: str,
        headers: Sequence[tuple[str, str]],
        body: Body,
        content: bytes,
    ) -> UploadPiece | None:
        """This request as a piece of a file uploaded in pieces (a resumable chunk, an
        upload part, the completion that orders the parts), or None. See
        `llmwall.core.upload_seams`."""
        return None

    def upload_part_id(self, path: str, body: Any) -> tuple[str, str] | None:
        """(upload id, part id) when an answer names the upload part its request
        carried, else None."""
        return None

    def upstream_headers(self, api_key: str | None) -> dict[str, str]:
        """The headers llmwall's own requests in this dialect carry (a fallback target):
        the credential in the header this dialect expects, and any version header."""
        return {"authorization": f"Bearer {api_key}"} if api_key else {}


class ResourceDialect(Dialect):
    """A provider's non-chat resource (files, batches, stores, caches, tuning jobs, ...):
    the error shape of that provider's chat dialect (`errors_as`), never a stream, never
    moved to another provider. Subclasses say where its text is."""

    errors_as: ClassVar[Dialect]

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return self.errors_as.error(status, message, code)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return False

    def portable(self, body: Any) -> bool:
        return False
