"""Gemini Live (BidiGenerateContent) on the Developer API
(`/ws/google.ai.generativelanguage.{v1beta,v1alpha}.GenerativeService.BidiGenerateContent`,
`…Constrained` with an ephemeral token) and on Vertex AI
(`/ws/google.cloud.aiplatform.{v1,v1beta1}.LlmBidiService/BidiGenerateContent`).

Client messages have one top-level key: `setup` (system instruction, tools, config),
`clientContent` (turns of `Content`), `realtimeInput` (text, or base64 audio/video:
`binary_content`), `toolResponse` (function responses), `contextUpdate`. python-genai
sends the top-level keys in snake_case (`client_content`) and `setup` in camelCase: both
spellings are read everywhere, and written back in the spelling the frame has. Bodies
use the `gemini` dialect's readers (`Content`, parts, tools, grounding metadata).

Server messages: `serverContent` (model turn parts, input/output transcriptions,
grounding), `toolCall` (function call arguments), and text-free ones (`setupComplete`,
`goAway`, `usageMetadata`, …). The SDK reads every frame as bytes, so binary frames are
parsed as JSON too. Text is one channel per kind per stretch of the conversation: a
stretch ends at `turnComplete`, `interrupted`, `generationComplete` or a tool call,
where held text is flushed.

Gemini Live has no error message: its server ends a session with a close frame whose
reason the SDK raises as `APIError(code, reason)`. A block is therefore a 1008 close
with the reason (no event first).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import ALL_CHANNELS, Collector, StreamEvent, TextPiece
from llmwall.routing.dialects.gemini import (
    collect_content,
    collect_part,
    collect_parts,
    collect_tools,
    field,
    grounding_leaves,
)
from llmwall.routing.dialects.openai_responses import by_string
from llmwall.routing.realtime.base import NOT_TEXT, FrameProtocol, ServerStream, prose_leaves
from llmwall.routing.segment import Extraction, Path, Role, Segment, Trust

_SYSTEM = (Role.SYSTEM, Trust.SYSTEM)
_USER = (Role.USER, Trust.USER)
_MODEL = (Role.ASSISTANT, Trust.MODEL)

CLIENT_MESSAGES = frozenset(
    {"setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate"}
)
SERVER_MESSAGES = frozenset(
    {
        "setupComplete", "serverContent", "toolCall", "toolCallCancellation", "usageMetadata",
        "goAway", "sessionResumptionUpdate", "voiceActivityDetectionSignal", "voiceActivity",
    }
)  # fmt: skip
# Server messages with no text: ids, counters, timers, opaque resumption handles.
_QUIET = frozenset(SERVER_MESSAGES - {"serverContent", "toolCall"})
_TRANSCRIPTIONS = {
    "inputTranscription": ("input", _USER),
    "interimInputTranscription": ("interim", _USER),
    "outputTranscription": ("output", _MODEL),
}
_ENDS = ("turnComplete", "interrupted", "generationComplete")


@cache
def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _keyed(data: Any) -> list[tuple[str, str, Any]]:
    """(key as sent, its camelCase name, value) of a message's top-level entries."""
    if not isinstance(data, dict):
        return []
    return [(k, camel(k), v) for k, v in data.items() if isinstance(k, str)]


# --- what a client sends ------------------------------------------------------------------


def _setup(c: Collector, setup: Any, path: Path) -> None:
    if not isinstance(setup, dict):
        c.unknown(path)
        return
    for key, name, value in _keyed(setup):
        p = (*path, key)
        if name == "systemInstruction":
            collect_content(c, value, p, _SYSTEM, request=True)
        elif name == "tools":
            collect_tools(c, value, p)
        elif name not in NOT_TEXT:
            prose_leaves(c, value, p, *_SYSTEM)


def _realtime_input(c: Collector, node: Any, path: Path) -> None:
    for key, name, value in _keyed(node):
        p = (*path, key)
        if name == "text":
            c.text(value, p, *_USER)
        elif name in ("audio", "video"):
            _blob(c, value, p)
        elif name == "mediaChunks":
            for i, chunk in enumerate(value if isinstance(value, list) else ()):
                _blob(c, chunk, (*p, i))
        # activityStart, activityEnd, audioStreamEnd: signals without text


def _blob(c: Collector, blob: Any, path: Path) -> None:
    """A realtime `Blob` (`data`, `mimeType`): text in it (a text type, or base64 that
    decodes to printable UTF-8 whatever its label, as in a request's `inlineData`) is
    read and re-encoded; audio and video are binary."""
    key, data = field(blob, "data")
    _, mime = field(blob, "mimeType")
    if isinstance(data, str) and data:
        c.encoded(data, (*path, key), mime, *_USER)
    else:
        c.binary(path)


def _tool_response(c: Collector, node: Any, path: Path) -> None:
    key, responses = field(node, "functionResponses")
    for i, resp in enumerate(responses if isinstance(responses, list) else ()):
        p = (*path, key, i)
        rkey, value = field(resp, "response")
        c.leaves(value, (*p, rkey), Role.TOOL_RESULT, Trust.EXTERNAL)
        pkey, parts = field(resp, "parts")
        collect_parts(c, parts, (*p, pkey), Role.TOOL_RESULT, Trust.EXTERNAL, request=True)


def client_extraction(data: Any) -> Extraction:
    c = Collector()
    if not isinstance(data, dict):
        c.unknown(())
        return c.build()
    for key, name, value in _keyed(data):
        if name == "setup":
            _setup(c, value, (key,))
        elif name == "clientContent":
            tkey, turns = field(value, "turns")
            for i, turn in enumerate(turns if isinstance(turns, list) else ()):
                collect_content(c, turn, (key, tkey, i), None, request=True)
        elif name == "realtimeInput":
            _realtime_input(c, value, (key,))
        elif name == "toolResponse":
            _tool_response(c, value, (key,))
        elif name == "contextUpdate":
            _setup(c, value, (key,))
        else:
            prose_leaves(c, value, (key,), *_USER)
    return c.build()


# --- what the server sends ----------------------------------------------------------------


def _part_text(part: Any) -> tuple[str, Path, str] | None:
    """(kind, path in the part, text) of a growing text in a model turn part."""
    if not isinstance(part, dict):
        return None
    key, text = field(part, "text")
    if isinstance(text, str):
        return ("thought" if part.get("thought") is True else "text", (key,), text)
    for name, sub, kind in (
        ("executableCode", "code", "code"),
        ("codeExecutionResult", "output", "code_result"),
    ):
        k, node = field(part, name)
        sk, value = field(node, sub)
        if isinstance(value, str):
            return (kind, (k, sk), value)
    return None


def _parts(content: Any, base: Path) -> list[tuple[Path, Any]]:
    mkey, turn = field(content, "modelTurn")
    pkey, parts = field(turn, "parts")
    return [
        ((*base, mkey, pkey, j), p) for j, p in enumerate(parts if isinstance(parts, list) else ())
    ]


def _leaf(role: Role, trust: Trust) -> Callable[[Any], Extraction]:
    def extract(node: Any) -> Extraction:
        return Extraction(
            (Segment(node, role, trust, ()),) if isinstance(node, str) and node else ()
        )

    return extract


_KEEP = frozenset({"role", "thought"})


def skeleton(node: Any, path: Path, text: str) -> Any:
    """A copy of `node` that holds only `text` at `path` (lists keep only the element on
    the path; dicts keep only the path's key plus `role` and `thought`)."""
    if not path:
        return text
    step, rest = path[0], path[1:]
    if isinstance(node, list) and isinstance(step, int):
        return [skeleton(node[step], rest, text)]
    if isinstance(node, dict) and isinstance(step, str):
        out = {k: v for k, v in node.items() if k in _KEEP}
        out[step] = skeleton(node[step], rest, text)
        return out
    return text


class LiveServerStream(ServerStream):
    """One session's server side. Channel keys carry a stretch counter: each message
    that ends a stretch closes every channel, and the next message opens new ones."""

    def __init__(self, protocol: FrameProtocol) -> None:
        super().__init__(protocol)
        self.stretch = 0
        self._ended = False

    def is_error(self, event: StreamEvent) -> bool:
        # The inspector asks this first for every event: the stretch advances here, after
        # the message that ended the previous one was handled completely.
        if self._ended:
            self.stretch += 1
            self._ended = False
        return False

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        out: list[TextPiece] = []
        for key, name, content in _keyed(event.data):
            if name != "serverContent":
                continue
            for path, part in _parts(content, (key,)):
                found = _part_text(part)
                if found is not None:
                    kind, sub, text = found
                    role, trust = (
                        (Role.TOOL_RESULT, Trust.EXTERNAL) if kind == "code_result" else _MODEL
                    )
                    out.append(TextPiece((self.stretch, kind), (*path, *sub), text, role, trust))
            for tname, (kind, (role, trust)) in _TRANSCRIPTIONS.items():
                tkey, node = field(content, tname)
                xkey, text = field(node, "text")
                if isinstance(text, str):
                    out.append(
                        TextPiece((self.stretch, kind), (key, tkey, xkey), text, role, trust)
                    )
        return out

    def closes(self, event: StreamEvent) -> Any:
        for _, name, value in _keyed(event.data):
            if name in ("toolCall", "toolCallCancellation") or (
                name == "serverContent" and any(field(value, e)[1] for e in _ENDS)
            ):
                self._ended = True
                return ALL_CHANNELS
        return ()

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        out: list[tuple[Path, Callable[[Any], Extraction]]] = []
        for key, name, value in _keyed(event.data):
            if name == "serverContent":
                out.extend(self._content(value, (key,)))
            elif name == "toolCall":
                ckey, calls = field(value, "functionCalls")
                for i, call in enumerate(calls if isinstance(calls, list) else ()):
                    akey, args = field(call, "args")
                    for path, _ in jsonpath.string_leaves(args, (key, ckey, i, akey)):
                        out.append((path, _leaf(Role.TOOL_CALL, Trust.MODEL)))
            elif name not in _QUIET:
                c = Collector()
                prose_leaves(c, value, (), *_MODEL)
                out.extend(by_string((key,), c.build()))
        return out

    @staticmethod
    def _content(content: Any, base: Path) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        out: list[tuple[Path, Callable[[Any], Extraction]]] = []
        for path, part in _parts(content, base):
            if _part_text(part) is None:  # audio, function calls: read like a body part
                c = Collector()
                collect_part(c, part, (), *_MODEL, request=False)
                out.extend(by_string(path, c.build()))
        for name in ("groundingMetadata", "urlContextMetadata"):
            k, meta = field(content, name)
            for path, _ in grounding_leaves(meta, (*base, k)):
                out.append((path, _leaf(Role.DOCUMENT, Trust.MODEL)))
        for tname, (_, (role, trust)) in _TRANSCRIPTIONS.items():
            tkey, node = field(content, tname)
            wkey, words = field(node, "words")
            c = Collector()
            prose_leaves(c, words, (), role, trust, skip=NOT_TEXT | _OFFSETS)
            out.extend(by_string((*base, tkey, wkey), c.build()))
        return out

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        return StreamEvent(raw=b"", data=skeleton(template.data, piece.path, text))

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        if not isinstance(data, dict) or len(data) != 1:
            return False
        ((_, name, content),) = _keyed(data)
        if name != "serverContent" or not isinstance(content, dict):
            return False
        if any(camel(k) not in ("modelTurn", *_TRANSCRIPTIONS) for k in content):
            return False
        return all(
            _part_text(part) is not None and field(part, "thoughtSignature")[1] is None
            for _, part in _parts(content, ())
        )


_OFFSETS = frozenset({"startOffset", "start_offset", "endOffset", "end_offset"})


class GeminiLive(FrameProtocol):
    name: ClassVar[str] = "gemini_live"

    def client_event(self, data: Any) -> Extraction:
        return client_extraction(data)

    def server_stream(self) -> LiveServerStream:
        return LiveServerStream(self)

    def error_event(self, message: str, code: str) -> None:
        return None

    def event_types(self) -> frozenset[str]:
        return CLIENT_MESSAGES | SERVER_MESSAGES

    def event_type(self, data: Any) -> str:
        names = [name for _, name, _ in _keyed(data)]
        return names[0] if len(names) == 1 and names[0] in self.event_types() else "other"


PROTOCOL = GeminiLive()
