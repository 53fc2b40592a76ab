"""AWS Bedrock InvokeModel and InvokeModelWithResponseStream.

Paths `/model/{id}/invoke` and `/model/{id}/invoke-with-response-stream`. The body is
the model family's own JSON, and a dialect sees only the body, so the family is
recognised by shape (the model id in the path is not consulted):

- Anthropic Claude: `anthropic_version` + a Messages body; response `type: message`;
  stream chunks are Anthropic stream events (the Anthropic collectors are reused).
- Amazon Nova: `messages[].content[]` Converse-style blocks (no `type` tag); response
  `output.message`; chunks `{"contentBlockDelta": ...}` (the Converse walkers).
- OpenAI-shaped chat (Mistral Large, gpt-oss, Jamba): `messages` with string or typed
  content; response `choices`; chunks `choices[].delta`.
- Meta Llama, Mistral and DeepSeek text models: `prompt`; response `generation` or
  `outputs[].text`, the same per chunk.
- Amazon Titan text and embeddings: `inputText`; response `results[].outputText`;
  chunks `outputText`.
- Cohere Command R: `message`, `chat_history`, `preamble`, `documents`, `tool_results`;
  response `text`; chunks `text` and a final `stream-end` copy. Cohere embed: `texts[]`.

A body of no known shape is `unknown(())` (policy `unknown_content`, default block).

Stream chunks arrive base64-wrapped in `chunk` events; the framing unwraps them, so
every path here points into the decoded model-native event. Every family's last chunk
carries `amazon-bedrock-invocationMetrics`, which ends the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmwall.routing.dialects import bedrock_converse as converse
from llmwall.routing.dialects.anthropic import Anthropic, AnthropicStream
from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    Dialect,
    ErrorShape,
    Framing,
    StreamDialect,
    StreamEvent,
    TextPiece,
)
from llmwall.routing.dialects.openai_chat import (
    OpenAIChat,
    OpenAIChatStream,
    collect_message,
    collect_tools,
)
from llmwall.routing.framing.eventstream import EventStreamFraming, exception_message
from llmwall.routing.segment import Extraction, Path, Role, Trust

_ANTHROPIC = Anthropic()
_ANTHROPIC_STREAM = AnthropicStream()
_OPENAI = OpenAIChat()
_OPENAI_STREAM = OpenAIChatStream()
_ANTHROPIC_EVENTS = frozenset(
    {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "ping",
        "error",
    }
)
_NOVA_EVENTS = (
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
)
_METRICS = "amazon-bedrock-invocationMetrics"  # Bedrock adds it to the last chunk of every family
_TEXT_KEYS = {"llama": "generation", "titan": "outputText"}
_COHERE_ROLES: dict[str, tuple[Role, Trust]] = {
    "USER": (Role.USER, Trust.USER),
    "CHATBOT": (Role.ASSISTANT, Trust.MODEL),
    "SYSTEM": (Role.SYSTEM, Trust.SYSTEM),
}


# --- request bodies -------------------------------------------------------------------------


def request_family(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    if "anthropic_version" in body:
        return "anthropic"
    if isinstance(body.get("messages"), list):
        return "openai" if _openai_messages(body["messages"]) else "nova"
    for key, family in (
        ("prompt", "prompt"),
        ("inputText", "titan"),
        ("message", "cohere"),
        ("texts", "texts"),
        ("text_prompts", "stability"),
    ):
        if key in body:
            return family
    return None


def _openai_messages(messages: list[Any]) -> bool:
    """OpenAI-shaped messages have string content or parts tagged with `type`; Nova's
    parts are Converse unions (`{"text": ...}`)."""
    for msg in messages:
        content = msg.get("content") if isinstance(msg, dict) else None
        if isinstance(content, str) or (isinstance(msg, dict) and "tool_calls" in msg):
            return True
        if isinstance(content, list) and any(isinstance(p, dict) and "type" in p for p in content):
            return True
    return False


def _extract_request(c: Collector, body: Any) -> None:
    family = request_family(body)
    if family == "nova":
        converse.collect_system(c, body.get("system"), ("system",))
        converse.collect_messages(c, body["messages"], ("messages",))
        converse.collect_tool_config(c, body.get("toolConfig"), ("toolConfig",))
    elif family == "openai":
        for i, msg in enumerate(body["messages"]):
            collect_message(c, msg, ("messages", i), (Role.USER, Trust.USER))
        collect_tools(c, body.get("tools"), ("tools",))
    elif family == "prompt":
        _text_or_unknown(c, body, "prompt")
        c.text(body.get("system"), ("system",), Role.SYSTEM, Trust.SYSTEM)
        if isinstance(body.get("images"), list):  # Llama 3.2 vision: base64 images
            c.binary(("images",))
    elif family == "titan":
        _text_or_unknown(c, body, "inputText")
        if "inputImage" in body:
            c.binary(("inputImage",))
    elif family == "cohere":
        _cohere_request(c, body)
    elif family == "texts":
        _string_list(c, body.get("texts"), ("texts",))
    elif family == "stability":
        for i, part in enumerate(
            body["text_prompts"] if isinstance(body["text_prompts"], list) else ()
        ):
            if isinstance(part, dict):
                c.text(part.get("text"), ("text_prompts", i, "text"), Role.USER, Trust.USER)
    else:
        c.unknown(())


def _text_or_unknown(c: Collector, body: dict[str, Any], key: str) -> None:
    if isinstance(body[key], str):
        # Llama/Mistral prompts carry the app's own chat template ([INST], <|eot_id|>)
        c.text(body[key], (key,), Role.USER, Trust.USER, template=True)
    else:
        c.unknown((key,))


def _string_list(c: Collector, values: Any, path: Path) -> None:
    if not isinstance(values, list):
        c.unknown(path)
        return
    for i, value in enumerate(values):
        if isinstance(value, str):
            c.text(value, (*path, i), Role.USER, Trust.USER)
        else:
            c.unknown((*path, i))


def _cohere_request(c: Collector, body: dict[str, Any]) -> None:
    _text_or_unknown(c, body, "message")
    c.text(body.get("preamble"), ("preamble",), Role.SYSTEM, Trust.SYSTEM)
    _cohere_history(c, body.get("chat_history"), ("chat_history",))
    if "documents" in body:
        c.leaves(body["documents"], ("documents",), Role.DOCUMENT, Trust.EXTERNAL)
    for i, tool in enumerate(body.get("tools") or ()):
        if isinstance(tool, dict):
            c.text(
                tool.get("description"),
                ("tools", i, "description"),
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            )
            if "parameter_definitions" in tool:
                c.leaves(
                    tool["parameter_definitions"],
                    ("tools", i, "parameter_definitions"),
                    Role.TOOL_DEFINITION,
                    Trust.SYSTEM,
                )
    for i, result in enumerate(body.get("tool_results") or ()):
        if isinstance(result, dict):
            call = result.get("call")
            if isinstance(call, dict):
                c.leaves(
                    call.get("parameters"),
                    ("tool_results", i, "call", "parameters"),
                    Role.TOOL_CALL,
                    Trust.MODEL,
                )
            c.leaves(
                result.get("outputs"),
                ("tool_results", i, "outputs"),
                Role.TOOL_RESULT,
                Trust.EXTERNAL,
            )


def _cohere_history(c: Collector, history: Any, path: Path) -> None:
    for i, turn in enumerate(history if isinstance(history, list) else ()):
        if isinstance(turn, dict):
            role, trust = _COHERE_ROLES.get(
                str(turn.get("role", "")).upper(), (Role.USER, Trust.USER)
            )
            c.text(turn.get("message"), (*path, i, "message"), role, trust)


# --- response bodies ----------------------------------------------------------------------


def _extract_response(c: Collector, body: Any) -> None:
    if not isinstance(body, dict):
        c.unknown(())
    elif body.get("type") == "message" or (
        isinstance(body.get("content"), list) and body.get("role") == "assistant"
    ):
        _merge(c, _ANTHROPIC.extract_response(body))
    elif "output" in body:
        converse.collect_output(c, body)
    elif "choices" in body:
        _merge(c, _OPENAI.extract_response(body))
    elif isinstance(body.get("generation"), str):
        c.text(body["generation"], ("generation",), Role.ASSISTANT, Trust.MODEL)
    elif isinstance(body.get("results"), list):
        for i, result in enumerate(body["results"]):
            if isinstance(result, dict):
                c.text(
                    result.get("outputText"),
                    ("results", i, "outputText"),
                    Role.ASSISTANT,
                    Trust.MODEL,
                )
    elif isinstance(body.get("outputs"), list) or isinstance(body.get("generations"), list):
        key = "outputs" if "outputs" in body else "generations"
        for i, out in enumerate(body[key]):
            if isinstance(out, dict):
                c.text(out.get("text"), (key, i, "text"), Role.ASSISTANT, Trust.MODEL)
    elif isinstance(body.get("text"), str):
        _cohere_response(c, body, ())
    elif "embedding" in body or "embeddings" in body:
        return  # vectors, no text
    else:
        c.unknown(())


def _cohere_response(c: Collector, body: dict[str, Any], path: Path) -> None:
    c.text(body.get("text"), (*path, "text"), Role.ASSISTANT, Trust.MODEL)
    _cohere_history(c, body.get("chat_history"), (*path, "chat_history"))
    for i, call in enumerate(body.get("tool_calls") or ()):
        if isinstance(call, dict):
            c.leaves(
                call.get("parameters"),
                (*path, "tool_calls", i, "parameters"),
                Role.TOOL_CALL,
                Trust.MODEL,
            )


def _merge(c: Collector, extraction: Extraction) -> None:
    for s in extraction.segments:
        c.text(s.text, s.path, s.role, s.trust, writable=s.writable)
    for p in extraction.unknown:
        c.unknown(p)
    for p in extraction.binary:
        c.binary(p)
    for reason in extraction.opaque:
        c.opaque(reason)


# --- streams ----------------------------------------------------------------------------------


def chunk_family(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if data.get("type") in _ANTHROPIC_EVENTS:
        return "anthropic"
    if any(key in data for key in _NOVA_EVENTS):
        return "nova"
    if isinstance(data.get("choices"), list):
        return "openai"
    for key, family in (
        ("generation", "llama"),
        ("outputText", "titan"),
        ("outputs", "mistral"),
        ("generations", "cohere_generations"),
    ):
        if key in data:
            return family
    if "event_type" in data or "is_finished" in data:
        return "cohere"
    return None


def _nova_kind(data: dict[str, Any]) -> str | None:
    return next((key for key in _NOVA_EVENTS if key in data), None)


class InvokeStream(StreamDialect):
    def framing(self) -> Framing:
        return EventStreamFraming(unwrap_chunks=True)

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        family = chunk_family(data)
        if family == "anthropic":
            return _ANTHROPIC_STREAM.pieces(event)
        if family == "nova":
            kind = _nova_kind(data)
            return converse.stream_pieces(kind, data.get(kind), (kind,)) if kind else []
        if family == "openai":
            return _OPENAI_STREAM.pieces(event)
        if family in ("llama", "titan") or (
            family == "cohere" and isinstance(data.get("text"), str)
        ):
            key = _TEXT_KEYS.get(family or "", "text")
            return [TextPiece(key, (key,), data[key])] if isinstance(data.get(key), str) else []
        if family in ("mistral", "cohere_generations"):
            key = "outputs" if family == "mistral" else "generations"
            return [
                TextPiece((key, i), (key, i, "text"), out["text"])
                for i, out in enumerate(data[key] if isinstance(data[key], list) else ())
                if isinstance(out, dict) and isinstance(out.get("text"), str)
            ]
        return []

    def embedded(self, event: StreamEvent) -> list[tuple[Path, Callable[[Any], Extraction]]]:
        data = event.data
        family = chunk_family(data)
        if family == "anthropic":
            delta = data.get("delta")
            if (
                data.get("type") == "content_block_delta"
                and isinstance(delta, dict)
                and delta.get("type") == "thinking_delta"
            ):
                return [(("delta",), _thinking_delta)]  # signed: scanned read-only
        elif family == "nova":
            kind = _nova_kind(data)
            return converse.stream_embedded(kind, data.get(kind), (kind,)) if kind else []
        elif (
            family == "cohere"
            and data.get("event_type") == "stream-end"
            and isinstance(data.get("response"), dict)
        ):
            return [(("response",), _cohere_final)]
        return []

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        if converse.is_exception(event) or (isinstance(data, dict) and _METRICS in data):
            return ALL_CHANNELS
        family = chunk_family(data)
        if family == "anthropic":
            return _ANTHROPIC_STREAM.closes(event)
        if family == "nova":
            kind = _nova_kind(data)
            return converse.stream_closes(kind, data.get(kind))
        if family == "openai":
            return _OPENAI_STREAM.closes(event)
        if _finished(data, family):
            return ALL_CHANNELS
        return ()

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        family = chunk_family(data)
        if not isinstance(data, dict) or _METRICS in data:
            return False
        if family == "anthropic":
            return _ANTHROPIC_STREAM.droppable(event)
        if family == "openai":
            return _OPENAI_STREAM.droppable(event)
        if family == "nova":
            delta = (data.get("contentBlockDelta") or {}).get("delta")
            return (
                set(data) == {"contentBlockDelta"}
                and isinstance(delta, dict)
                and set(delta) <= {"text", "toolUse"}
            )
        return False

    def synthetic(self, template: StreamEvent, piece: TextPiece, text: str) -> StreamEvent:
        if chunk_family(template.data) == "openai":
            return _OPENAI_STREAM.synthetic(template, piece, text)
        event = super().synthetic(template, piece, text)
        if isinstance(event.data, dict):
            event.data.pop(_METRICS, None)
        return event

    def is_error(self, event: StreamEvent) -> bool:
        return converse.is_exception(event) or _ANTHROPIC_STREAM.is_error(event)

    def is_terminal(self, event: StreamEvent) -> bool:
        data = event.data
        if converse.is_exception(event) or (isinstance(data, dict) and _METRICS in data):
            return True
        family = chunk_family(data)
        if family == "anthropic":
            return _ANTHROPIC_STREAM.is_terminal(event)
        if family == "nova":
            return _nova_kind(data) in ("messageStop", "metadata")
        if family == "openai":
            return any(isinstance(ch, dict) and ch.get("finish_reason") for ch in data["choices"])
        return _finished(data, family)

    def error_event(self, message: str, code: str) -> bytes:
        return exception_message(converse.exception_type(code), message)


def _finished(data: Any, family: str | None) -> bool:
    if not isinstance(data, dict):
        return False
    if family == "llama":
        return data.get("stop_reason") is not None
    if family == "titan":
        return data.get("completionReason") is not None
    if family in ("mistral", "cohere_generations"):
        key = "outputs" if family == "mistral" else "generations"
        return any(
            isinstance(o, dict) and (o.get("stop_reason") or o.get("finish_reason"))
            for o in data.get(key) or ()
        )
    if family == "cohere":
        return data.get("is_finished") is True
    return False


def _thinking_delta(node: Any) -> Extraction:
    c = Collector()
    c.text(node.get("thinking"), ("thinking",), Role.ASSISTANT, Trust.MODEL, writable=False)
    return c.build()


def _cohere_final(node: Any) -> Extraction:
    c = Collector()
    _cohere_response(c, node, ())
    return c.build()


# --- the dialect --------------------------------------------------------------------------------


class BedrockInvoke(Dialect):
    name = "bedrock_invoke"
    stream = InvokeStream()

    def extract_request(self, body: Any) -> Extraction:
        if request_family(body) == "anthropic":
            return _ANTHROPIC.extract_request(body)
        c = Collector()
        _extract_request(c, body)
        return c.build()

    def extract_response(self, body: Any) -> Extraction:
        c = Collector()
        _extract_response(c, body)
        return c.build()

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        # InvokeModel errors are Bedrock's own, whatever the model family.
        return converse.error_shape(status, message)

    def model(self, body: Any, path: str) -> str | None:
        return converse.model_from_path(path)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return path.split("?", 1)[0].rstrip("/").endswith("/invoke-with-response-stream")

    def usage(self, body: Any) -> dict[str, Any] | None:
        if not isinstance(body, dict):
            return None
        if isinstance(body.get("usage"), dict):
            return body["usage"]
        counts = {
            key: body[key]
            for key in ("prompt_token_count", "generation_token_count", "inputTextTokenCount")
            if isinstance(body.get(key), int)
        }
        results = body.get("results")
        if (
            isinstance(results, list)
            and results
            and isinstance(results[0], dict)
            and "tokenCount" in results[0]
        ):
            counts["tokenCount"] = results[0]["tokenCount"]
        return counts or None


DIALECT = BedrockInvoke()
