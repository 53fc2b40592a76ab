"""The interface every WebSocket frame protocol implements, and the framing that lets the
stream inspector work on WebSocket messages.

A frame protocol knows one JSON-over-WebSocket protocol (OpenAI Realtime, Gemini Live,
Responses over WebSocket): where text sits in each client event (an `Extraction` with
write-back paths inside the frame, like a request body), how its server events carry
text (a `StreamDialect`, so the core's stream inspector holds back and redacts deltas
exactly as it does for SSE), and what its own error event looks like. It never decides
what is sensitive and never touches the network.

Server events go through `llmwall.core.stream_inspector.StreamInspector`, which consumes
bytes and returns the concatenation of the events it lets out. `MessageFraming` keeps
WebSocket message boundaries across that interface: every message it is fed, encodes or
is handed as an error event is kept in a table and stands in the inspector's output as a
fixed-size token, so one output maps back to the exact list of messages to send (a held
back delta becomes no message; a flush becomes a message before the current one).
"""

from __future__ import annotations

import json
import struct
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from llmwall.routing.dialects.base import Collector, Framing, StreamDialect, StreamEvent
from llmwall.routing.segment import Extraction, Path, Role, Trust

_TOKEN = struct.Struct(">Q")
TOKEN_SIZE = _TOKEN.size

# Keys whose string values are ids, enums, formats or opaque data, never prose: the
# generic readers of config objects and unknown events skip them. (A random id scanned
# as text can look like a secret; redacting it would break the session.)
NOT_TEXT = frozenset(
    {
        "type", "id", "event_id", "item_id", "call_id", "response_id", "previous_item_id",
        "conversation_id", "previous_response_id", "object", "status", "role", "model",
        "voice", "modalities", "output_modalities", "format", "audio_format",
        "input_audio_format", "output_audio_format", "tool_choice", "server_label",
        "server_url", "connector_id", "authorization", "headers", "encrypted_content",
        "handle", "new_handle", "newHandle", "language", "language_code", "languageCode",
        "mime_type", "mimeType", "response_modalities", "responseModalities", "stream_id",
        "detail", "eagerness", "truncation", "service_tier", "noise_reduction",
        "prompt_cache_key", "safety_identifier",
    }
)  # fmt: skip


class MessageFraming(Framing):
    """One WebSocket message is one event; the inspector sees tokens, not bytes.

    `token(raw, data)` registers a message the caller already parsed and returns the
    bytes to hand the inspector; `messages(output)` turns the inspector's output back
    into the messages, in order, and forgets them. One instance per session.
    """

    def __init__(self) -> None:
        self._table: dict[int, bytes] = {}
        self._data: dict[int, Any] = {}
        self._next = 0

    def _register(self, raw: bytes) -> bytes:
        self._next += 1
        self._table[self._next] = raw
        return _TOKEN.pack(self._next)

    def token(self, raw: bytes, data: Any) -> bytes:
        token = self._register(raw)
        self._data[self._next] = data
        return token

    def message(self, raw: bytes) -> bytes:
        """A token for bytes to send as they are (an error event)."""
        return self._register(raw)

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        events = []
        for i in range(0, len(chunk) - TOKEN_SIZE + 1, TOKEN_SIZE):
            token = chunk[i : i + TOKEN_SIZE]
            (n,) = _TOKEN.unpack(token)
            events.append(StreamEvent(raw=token, data=self._data.pop(n, None)))
        return events

    def finish(self) -> list[StreamEvent]:
        return []

    def encode(self, event: StreamEvent) -> bytes:
        return self._register(dumps(event.data))

    def messages(self, output: bytes) -> list[bytes]:
        out = []
        for i in range(0, len(output) - TOKEN_SIZE + 1, TOKEN_SIZE):
            (n,) = _TOKEN.unpack(output[i : i + TOKEN_SIZE])
            raw = self._table.pop(n, None)
            if raw is not None:
                out.append(raw)
        self._table.clear()
        self._data.clear()
        return out


def dumps(data: Any) -> bytes:
    """A rewritten or llmwall's own JSON frame: compact, UTF-8 as is (providers send
    compact JSON), never NaN or Infinity (not JSON: raises ValueError)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class ServerStream(StreamDialect):
    """The server side of one session. Subclasses say where text is; this base holds
    the session's framing and builds error events through it."""

    def __init__(self, protocol: FrameProtocol) -> None:
        self.protocol = protocol
        self._framing = MessageFraming()

    def framing(self) -> MessageFraming:
        return self._framing

    def error_event(self, message: str, code: str) -> bytes:
        event = self.protocol.error_event(message, code)
        return self._framing.message(dumps(event)) if event is not None else b""

    def is_terminal(self, event: StreamEvent) -> bool:
        return False  # a session has no end event: the close frame ends it


class FrameProtocol(ABC):
    """One WebSocket protocol. Stateless; one instance serves every session."""

    name: ClassVar[str]
    # The close code of a policy block: 1008 "policy violation". Never 1006/1011/1012/
    # 1013, on which the openai SDK reconnects (and would retry the blocked turn).
    close_code: ClassVar[int] = 1008

    @abstractmethod
    def client_event(self, data: Any) -> Extraction:
        """Every text position of one client event (paths relative to the frame's JSON)."""

    @abstractmethod
    def server_stream(self) -> ServerStream:
        """A new server-side stream dialect for one session."""

    @abstractmethod
    def error_event(self, message: str, code: str) -> dict[str, Any] | None:
        """The error event this protocol's clients understand, sent before llmwall closes
        the session; None when the protocol has none (the close reason carries it)."""

    @abstractmethod
    def event_types(self) -> frozenset[str]:
        """The event names the audit may record (anything else is recorded as "other":
        a name comes from the peer, and only known names are content-free)."""

    def model(self, data: Any) -> str | None:
        """The model a client event names (`session.model`, `response.create.model`,
        Gemini's `setup.model`), for the audit records."""
        if not isinstance(data, dict):
            return None
        for holder in (data, *(v for v in data.values() if isinstance(v, dict))):
            name = holder.get("model")
            if isinstance(name, str) and 0 < len(name) <= 128:
                return name
        return None

    def event_type(self, data: Any) -> str:
        name = data.get("type") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name in self.event_types() else "other"


# --- helpers for the protocol modules ------------------------------------------------


def prose_leaves(
    c: Collector,
    node: Any,
    path: Path,
    role: Role,
    trust: Trust,
    skip: Iterable[str] = NOT_TEXT,
) -> None:
    """Every string below `node` except those under keys in `skip` (config objects,
    unknown events): nothing text-shaped passes unread, ids and enums stay untouched."""
    skipped = frozenset(skip)
    for leaf_path, value in _leaves(node, path, skipped):
        c.text(value, leaf_path, role, trust)


def _leaves(node: Any, path: Path, skip: frozenset[str]) -> Iterator[tuple[Path, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            if key not in skip:
                yield from _leaves(child, (*path, key), skip)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _leaves(child, (*path, i), skip)


def get(node: Any, *keys: str) -> Any:
    """`node[k1][k2]...` through dicts, None when any step is missing."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
