"""Google Gemini `generateContent`, `streamGenerateContent` and `countTokens`, on the
Developer API and on Vertex AI (the body is the same).

Field names are lowerCamelCase on the wire, but Google's parsers also accept snake_case
(`system_instruction`, `function_call`, `inline_data`): both are read, and write-back
paths use the spelling the body has.

Signed reasoning: a part's `thoughtSignature` is opaque and never read or changed. The
text of a `thought: true` part that carries one is read-only in requests (it is signed
reasoning the client echoes back, and the provider may verify it: a finding there that
needs redaction blocks). Other signed parts (answer text, function calls) stay writable:
the signature is attached to the part, not computed over its text, and blocking every
signed function call would block most tool loops. In responses every text is redacted
like any output, thought summaries included, since the user reads them.

Streams come in two framings, told apart by their first byte (`routing.framing.
gemini_auto`). The stream dialect is therefore made per flow (`Gemini.stream` returns a
new one on each access): its error event must be framed like the stream it ends.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Hashable, Iterator
from functools import cache
from typing import Any

from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    Dialect,
    ErrorShape,
    StreamDialect,
    StreamEvent,
    TextPiece,
)
from llmwall.routing.framing.gemini_auto import GeminiAutoFraming
from llmwall.routing.segment import Extraction, Path, Role, Segment, Trust

_ROLES: dict[str, tuple[Role, Trust]] = {
    "user": (Role.USER, Trust.USER),
    "model": (Role.ASSISTANT, Trust.MODEL),
    "function": (Role.TOOL_RESULT, Trust.EXTERNAL),
    "tool": (Role.TOOL_RESULT, Trust.EXTERNAL),
    "system": (Role.SYSTEM, Trust.SYSTEM),
}
_MODEL = (Role.ASSISTANT, Trust.MODEL)

# Part fields that carry no text: never "unknown content".
_METADATA = frozenset(
    {
        "thought",
        "thoughtSignature",
        "videoMetadata",
        "mediaResolution",
        "partMetadata",
        "mediaProcessing",
        "speechMetadata",
        "documentMetadata",
        "spreadsheetMetadata",
        "audioMetadata",
    }
)
# Opaque tokens inside grounding metadata.
_OPAQUE_LEAF = re.compile(r"(?i)(blob|token)$")
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@cache
def snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def field(node: Any, name: str) -> tuple[str, Any]:
    """`(key, value)` of a camelCase field or its snake_case spelling; value None if absent."""
    if not isinstance(node, dict):
        return name, None
    if name in node:
        return name, node[name]
    alt = snake(name)
    return (alt, node[alt]) if alt in node else (name, None)


# --- request and response bodies ---------------------------------------------------------


def collect_content(
    c: Collector, content: Any, path: Path, fixed: tuple[Role, Trust] | None, *, request: bool
) -> None:
    """A `Content` (`{role, parts}`); `fixed` overrides its role (system instruction, output)."""
    if isinstance(content, str):
        role, trust = fixed or _ROLES["user"]
        c.text(content, path, role, trust)
        return
    if not isinstance(content, dict):
        if content is not None:
            c.unknown(path)
        return
    role, trust = fixed or _ROLES.get(content.get("role") or "user", _ROLES["user"])
    key, parts = field(content, "parts")
    collect_parts(c, parts, (*path, key), role, trust, request=request)


def collect_parts(
    c: Collector, parts: Any, path: Path, role: Role, trust: Trust, *, request: bool
) -> None:
    if isinstance(parts, list):
        start = c.count
        for j, part in enumerate(parts):
            collect_part(c, part, (*path, j), role, trust, request=request)
        c.joined(start)
    elif parts is not None:
        c.unknown(path)


def collect_part(
    c: Collector, part: Any, p: Path, role: Role, trust: Trust, *, request: bool
) -> None:
    if not isinstance(part, dict):
        c.unknown(p)
        return
    key, text = field(part, "text")
    if text is not None:
        signed = field(part, "thoughtSignature")[1] is not None
        readonly = request and part.get("thought") is True and signed
        c.text(text, (*p, key), role, trust, writable=not readonly)
        if not isinstance(text, str):
            c.unknown((*p, key))
        return
    for name, reader in _PART_READERS.items():
        key, value = field(part, name)
        if value is not None:
            reader(c, value, (*p, key), role, trust, request)
            return
    if any(
        k not in _METADATA and snake(k) not in _SNAKE_METADATA for k in part if isinstance(k, str)
    ):
        c.unknown(p)


_SNAKE_METADATA = frozenset(snake(k) for k in _METADATA)
_Reader = Callable[[Collector, Any, Path, Role, Trust, bool], None]


def _function_call(
    c: Collector, call: Any, p: Path, role: Role, trust: Trust, request: bool
) -> None:
    key, args = field(call, "args")
    c.leaves(args, (*p, key), Role.TOOL_CALL, Trust.MODEL)
    key, partial = field(call, "partialArgs")
    for k, arg in enumerate(partial if isinstance(partial, list) else ()):
        skey, value = field(arg, "stringValue")
        c.text(value, (*p, key, k, skey), Role.TOOL_CALL, Trust.MODEL)


def _function_response(
    c: Collector, resp: Any, p: Path, role: Role, trust: Trust, request: bool
) -> None:
    key, value = field(resp, "response")
    c.leaves(value, (*p, key), Role.TOOL_RESULT, Trust.EXTERNAL)
    key, parts = field(resp, "parts")
    collect_parts(c, parts, (*p, key), Role.TOOL_RESULT, Trust.EXTERNAL, request=request)


def _inline_data(c: Collector, blob: Any, p: Path) -> None:
    """base64 media: text types (text/plain, JSON, CSV, ...) are read and re-encoded, a
    PDF is read as text, images and audio are binary."""
    key, data = field(blob, "data")
    _, mime = field(blob, "mimeType")
    if isinstance(data, str):
        c.encoded(data, (*p, key), mime, Role.DOCUMENT, Trust.EXTERNAL)
    else:
        c.binary(p)


def _subfield(name: str, role: Role | None, trust: Trust | None) -> _Reader:
    def read(c: Collector, node: Any, p: Path, r: Role, t: Trust, request: bool) -> None:
        key, value = field(node, name)
        c.text(value, (*p, key), role or r, trust or t)

    return read


def _server_tool(name: str, role: Role, trust: Trust) -> _Reader:
    def read(c: Collector, node: Any, p: Path, r: Role, t: Trust, request: bool) -> None:
        key, value = field(node, name)
        c.leaves(value, (*p, key), role, trust)

    return read


_PART_READERS: dict[str, _Reader] = {
    "functionCall": _function_call,
    "functionResponse": _function_response,
    "inlineData": lambda c, node, p, r, t, q: _inline_data(c, node, p),
    "fileData": lambda c, node, p, r, t, q: c.opaque("file_reference"),
    "executableCode": _subfield("code", Role.ASSISTANT, Trust.MODEL),
    "codeExecutionResult": _subfield("output", Role.TOOL_RESULT, Trust.EXTERNAL),
    "toolCall": _server_tool("args", Role.TOOL_CALL, Trust.MODEL),
    "toolResponse": _server_tool("response", Role.TOOL_RESULT, Trust.EXTERNAL),
    "audioTranscription": _subfield("text", None, None),
}


def collect_tools(c: Collector, tools: Any, path: Path) -> None:
    for i, tool in enumerate(tools if isinstance(tools, list) else ()):
        key, decls = field(tool, "functionDeclarations")
        for j, decl in enumerate(decls if isinstance(decls, list) else ()):
            p = (*path, i, key, j)
            c.text(
                field(decl, "description")[1],
                (*p, field(decl, "description")[0]),
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            )
            for name in ("parameters", "parametersJsonSchema", "response", "responseJsonSchema"):
                k, schema = field(decl, name)
                c.leaves(schema, (*p, k), Role.TOOL_DEFINITION, Trust.SYSTEM)


def grounding_leaves(node: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """Strings of grounding and citation metadata (sources, and copies of answer text),
    without the opaque tokens and blobs. They are read as model output: the provider
    made them for the user to see, no model reads them next."""
    for leaf_path, value in jsonpath.string_leaves(node, path):
        if not any(isinstance(s, str) and _OPAQUE_LEAF.search(s) for s in leaf_path[len(path) :]):
            yield leaf_path, value


def _collect_request(c: Collector, body: dict[str, Any], base: Path) -> None:
    key, system = field(body, "systemInstruction")
    collect_content(c, system, (*base, key), (Role.SYSTEM, Trust.SYSTEM), request=True)
    key, contents = field(body, "contents")
    if isinstance(contents, list):
        for i, content in enumerate(contents):
            collect_content(c, content, (*base, key, i), None, request=True)
    else:
        collect_content(c, contents, (*base, key), None, request=True)
    key, tools = field(body, "tools")
    collect_tools(c, tools, (*base, key))
    gkey, config = field(body, "generationConfig")
    for name in ("responseSchema", "responseJsonSchema"):
        k, schema = field(config, name)
        c.leaves(schema, (*base, gkey, k), Role.TOOL_DEFINITION, Trust.SYSTEM)
    k, stops = field(config, "stopSequences")
    c.leaves(stops, (*base, gkey, k), Role.SYSTEM, Trust.SYSTEM)
    if field(body, "cachedContent")[1] is not None:
        c.opaque("cached_content")
    key, inner = field(body, "generateContentRequest")  # countTokens wraps a whole request
    if isinstance(inner, dict):
        _collect_request(c, inner, (*base, key))


def _collect_response(c: Collector, body: Any, base: Path) -> None:
    if not isinstance(body, dict):
        c.unknown(base)
        return
    key, candidates = field(body, "candidates")
    for i, cand in enumerate(candidates if isinstance(candidates, list) else ()):
        p = (*base, key, i)
        k, content = field(cand, "content")
        collect_content(c, content, (*p, k), _MODEL, request=False)
        for name in ("groundingMetadata", "citationMetadata"):
            k, meta = field(cand, name)
            for leaf_path, value in grounding_leaves(meta, (*p, k)):
                c.text(value, leaf_path, Role.DOCUMENT, Trust.MODEL)


# --- streams -----------------------------------------------------------------------------

_TEXT_KINDS = ("text", "thought", "code", "code_result")


def _candidates(data: Any) -> Iterator[tuple[int, Hashable, str, dict[str, Any]]]:
    key, cands = field(data, "candidates")
    for ci, cand in enumerate(cands if isinstance(cands, list) else ()):
        if isinstance(cand, dict):
            index = cand.get("index", ci)
            yield ci, index if isinstance(index, int) else ci, key, cand


def _parts(cand: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    ck, content = field(cand, "content")
    pk, parts = field(content, "parts")
    for pj, part in enumerate(parts if isinstance(parts, list) else ()):
        if isinstance(part, dict):
            yield (ck, pk, pj), part


def _leaf_extractor(role: Role, trust: Trust) -> Callable[[Any], Extraction]:
    # Embedded strings are handed over one leaf at a time: the inspector can only tell a
    # rewritten node from an untouched one when the node itself is replaced.
    def extract(node: Any) -> Extraction:
        return Extraction(
            (Segment(node, role, trust, ()),) if isinstance(node, str) and node else ()
        )

    return extract


class GeminiStream(StreamDialect):
    """One flow's stream: keeps its framing (for the error event) and which candidates
    are open (the stream is complete when every candidate seen has finished)."""

    def __init__(self) -> None:
        self._framing: GeminiAutoFraming | None = None
        self._candidates: set[Hashable] = set()
        self._finished: set[Hashable] = set()
        self._args: set[tuple[Hashable, str, str]] = set()

    def framing(self) -> GeminiAutoFraming:
        self._framing = GeminiAutoFraming()
        return self._framing

    def _array(self) -> bool:
        return self._framing is not None and self._framing.array is not None

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        out: list[TextPiece] = []
        for ci, index, key, cand in _candidates(event.data):
            for sub, part in _parts(cand):
                base = (key, ci, *sub)
                for kind, path, text in _part_texts(part):
                    role, trust = (
                        (Role.TOOL_RESULT, Trust.EXTERNAL) if kind == "code_result" else _MODEL
                    )
                    out.append(TextPiece((index, kind), (*base, *path), text, role, trust))
                for path, jp, text in _partial_args(part):
                    self._args.add((index, "args", jp))
                    out.append(TextPiece((index, "args", jp), (*base, *path), text, Role.TOOL_CALL))
        return out

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if event.meta.get("array") == "close" or (isinstance(data, dict) and "error" in data):
            return ALL_CHANNELS
        if _blocked_prompt(data):
            return ALL_CHANNELS
        closing: list[Hashable] = []
        for _, index, _, cand in _candidates(data):
            if field(cand, "finishReason")[1]:
                closing.append(index)
                continue
            kinds: set[str] = set()
            for _, part in _parts(cand):
                kinds.update(kind for kind, _, _ in _part_texts(part))
                call = field(part, "functionCall")[1]
                if call is not None:
                    kinds.add("call")
                    if field(call, "willContinue")[1] is not True:
                        closing.extend(k for k in self._args if k[0] == index)
            if kinds:
                # a new kind of part ends the others: held text goes out before it
                closing.extend((index, k) for k in _TEXT_KINDS if k not in kinds)
        return closing

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        out: list[tuple[Path, Callable[[Any], Extraction]]] = []
        for ci, _, key, cand in _candidates(event.data):
            for sub, part in _parts(cand):
                for name, arg in (("functionCall", "args"), ("toolCall", "args")):
                    k, call = field(part, name)
                    ak, args = field(call, arg)
                    for path, _ in jsonpath.string_leaves(args, (key, ci, *sub, k, ak)):
                        out.append((path, _leaf_extractor(Role.TOOL_CALL, Trust.MODEL)))
            for name in ("groundingMetadata", "citationMetadata"):
                k, meta = field(cand, name)
                for path, _ in grounding_leaves(meta, (key, ci, k)):
                    out.append((path, _leaf_extractor(Role.DOCUMENT, Trust.MODEL)))
        return out

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        if not isinstance(data, dict) or event.meta.get("seq") == 1 or "error" in data:
            return False  # the first array element carries no separator: never dropped
        if field(data, "promptFeedback")[1] is not None:
            return False
        for _, _, _, cand in _candidates(data):
            if set(cand) - {"content", "index"}:
                return False
            for _, part in _parts(cand):
                if field(part, "thoughtSignature")[1] is not None or not _part_texts(part):
                    return False
        return True

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        data = template.data
        key, ci = piece.path[0], piece.path[1]
        cand = data[key][ci]
        ck, pk, pj, *rest = piece.path[2:]
        part, sub = _only(data[key][ci][ck][pk][pj], tuple(rest))
        for name in ("thoughtSignature", snake("thoughtSignature")):
            part.pop(name, None)
        part = jsonpath.set_many(part, {sub: text})
        content = {k: v for k, v in cand[ck].items() if k != pk}
        envelope = {
            k: copy.deepcopy(v)
            for k, v in data.items()
            if k not in (key, "usageMetadata", "usage_metadata")
        }
        new_cand = {ck: {**content, pk: [part]}, "index": piece.channel[0]}  # type: ignore[index]
        return StreamEvent(raw=b"", data={**envelope, key: [new_cand]}, name=template.name)

    def is_error(self, event: StreamEvent) -> bool:
        # The inspector asks this first for every decoded event: the array framing needs
        # to know which event is in flight to end the array validly.
        if self._framing is not None:
            self._framing.started(event)
        return isinstance(event.data, dict) and "error" in event.data

    def is_terminal(self, event: StreamEvent) -> bool:
        data = event.data
        if isinstance(data, dict) and "error" in data:
            return True
        if self._array():
            return event.meta.get("array") == "close"
        if _blocked_prompt(data):
            return True
        ended = False
        for _, index, _, cand in _candidates(data):
            self._candidates.add(index)
            if field(cand, "finishReason")[1]:
                self._finished.add(index)
                ended = True
        return ended and self._finished >= self._candidates

    def error_event(self, message: str, code: str) -> bytes:
        body = Gemini().error(403, message, code).body
        framing = self._framing or GeminiAutoFraming()
        return framing.error(body)


def _part_texts(part: dict[str, Any]) -> list[tuple[str, Path, str]]:
    """(kind, path in part, text) of the growing texts of a stream part."""
    key, text = field(part, "text")
    if isinstance(text, str):
        return [("thought" if part.get("thought") is True else "text", (key,), text)]
    for name, sub, kind in (
        ("executableCode", "code", "code"),
        ("codeExecutionResult", "output", "code_result"),
    ):
        k, node = field(part, name)
        sk, value = field(node, sub)
        if isinstance(value, str):
            return [(kind, (k, sk), value)]
    return []


def _partial_args(part: dict[str, Any]) -> Iterator[tuple[Path, str, str]]:
    """Vertex streams function-call arguments as `partialArgs` fragments per JSON path."""
    k, call = field(part, "functionCall")
    pk, partial = field(call, "partialArgs")
    for i, arg in enumerate(partial if isinstance(partial, list) else ()):
        sk, value = field(arg, "stringValue")
        jp = field(arg, "jsonPath")[1]
        if isinstance(value, str):
            yield (k, pk, i, sk), str(jp), value


def _blocked_prompt(data: Any) -> bool:
    feedback = field(data, "promptFeedback")[1]
    return field(feedback, "blockReason")[1] is not None and not field(data, "candidates")[1]


def _only(node: Any, path: Path) -> tuple[Any, Path]:
    """A copy of `node` that keeps, in each list along `path`, only the element on it."""
    if not path:
        return copy.deepcopy(node), ()
    step, rest = path[0], path[1:]
    if isinstance(node, list) and isinstance(step, int):
        child, sub = _only(node[step], rest)
        return [child], (0, *sub)
    if isinstance(node, dict):
        child, sub = _only(node[step], rest)
        out = {k: copy.deepcopy(v) for k, v in node.items() if k != step}
        out[step] = child
        return out, (step, *sub)
    return copy.deepcopy(node), path


class _PerFlow:
    """`Gemini.stream`: a new stream dialect on each access (one per flow)."""

    def __get__(self, obj: object, owner: type | None = None) -> GeminiStream:
        return GeminiStream()


_MODEL_IN_PATH = re.compile(r"models/([^/:?]+)")


class Gemini(Dialect):
    name = "gemini"
    stream = _PerFlow()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        _collect_request(c, body, ())

    def extract_response(self, body: Any) -> Extraction:
        c = Collector()
        if isinstance(body, list):  # a streamed JSON array read as a whole
            for i, element in enumerate(body):
                _collect_response(c, element, (i,))
        else:
            _collect_response(c, body, ())
        return c.build()

    def upstream_headers(self, api_key: str | None) -> dict[str, str]:
        return {"x-goog-api-key": api_key} if api_key else {}

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        state = _STATUS.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")
        detail = {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": code,
            "domain": "llmwall",
        }
        return ErrorShape(
            status,
            {"error": {"code": status, "message": message, "status": state, "details": [detail]}},
        )

    def model(self, body: Any, path: str) -> str | None:
        m = _MODEL_IN_PATH.search(path)
        return m.group(1) if m else None

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return path.endswith(":streamGenerateContent")

    def usage(self, body: Any) -> dict[str, Any] | None:
        if isinstance(body, list):
            body = body[-1] if body else None
        value = field(body, "usageMetadata")[1]
        return value if isinstance(value, dict) else None

    def portable(self, body: Any) -> bool:
        return not any(segment == "cached_content" for segment in self.extract_request(body).opaque)


DIALECT = Gemini()
