"""OpenAI audio: transcriptions and translations (multipart: the audio `file` is binary;
`prompt`, `language`, `keywords[]`, `known_speaker_names[]` are text, speaker reference
samples are data URLs), and speech (JSON: `input`, the text to speak, and
`instructions`). Answers: a transcript as JSON (`text`, `segments[].text`,
`words[].word`), as plain text / SRT / VTT, or as an SSE stream
(`transcript.text.delta` held back like chat deltas, `transcript.text.done` a full
copy); speech answers are audio (binary)."""

from __future__ import annotations

from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.body.multipart import MultipartBody
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
from llmwall.routing.dialects.fields import collect_rest
from llmwall.routing.dialects.generic import collect_body, collect_json, collect_part_head
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.framing.sse import SSEFraming, frame
from llmwall.routing.segment import Extraction, Role, Trust

AUDIO_PARTS = frozenset({"file"})
SPEECH_KNOWN = frozenset(
    {"model", "input", "instructions", "voice", "response_format", "speed", "stream_format"}
)


class OpenAIAudioStream(StreamDialect):
    def framing(self) -> Framing:
        return SSEFraming()

    def pieces(self, event: StreamEvent) -> list[TextPiece]:
        data = event.data
        if not isinstance(data, dict):
            return []
        kind = data.get("type")
        if kind == "transcript.text.delta" and isinstance(data.get("delta"), str):
            return [TextPiece("text", ("delta",), data["delta"])]
        if kind == "transcript.text.done" and isinstance(data.get("text"), str):
            return [TextPiece("text", ("text",), data["text"], full=True)]
        if kind == "transcript.text.segment" and isinstance(data.get("text"), str):
            return [TextPiece(("segment", data.get("id")), ("text",), data["text"])]
        return []

    def closes(self, event: StreamEvent) -> Any:
        data = event.data
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "transcript.text.done" or kind == "error" or kind == "speech.audio.done":
            return ALL_CHANNELS
        if kind == "transcript.text.segment":
            return [("segment", data.get("id"))]
        return ()

    def is_terminal(self, event: StreamEvent) -> bool:
        data = event.data
        kind = data.get("type") if isinstance(data, dict) else None
        return kind in ("transcript.text.done", "speech.audio.done", "error") or (
            isinstance(data, dict) and "error" in data
        )

    def error_event(self, message: str, code: str) -> bytes:
        body = OpenAIChat().error(403, message, code).body
        return frame({"type": "error", **body})


class OpenAIAudio(Dialect):
    name = "openai_audio"
    stream = OpenAIAudioStream()

    def read_request(self, body: Body) -> Extraction:
        if not isinstance(body, MultipartBody):
            return super().read_request(body)
        c = Collector()
        for i, part in enumerate(body.parts):
            collect_part_head(c, part, (i,), Role.USER, Trust.USER)
            if part.name in AUDIO_PARTS:
                c.binary((i, "value")) if part.body.kind == "binary" else collect_body(
                    c, part.body, (i, "value"), Role.USER, Trust.USER
                )
            else:  # prompt, language, keywords[], known_speaker_names[], references[]
                collect_body(c, part.body, (i, "value"), Role.USER, Trust.USER)
        return c.build()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        # speech: the text to speak and the voice instructions
        c.text(body.get("input"), ("input",), Role.USER, Trust.USER)
        c.text(body.get("instructions"), ("instructions",), Role.SYSTEM, Trust.SYSTEM)
        collect_rest(c, body, SPEECH_KNOWN)

    def read_response(self, body: Body) -> Extraction:
        c = Collector()
        if body.kind == "text":  # response_format text, srt, vtt
            c.text(body.tree, (), Role.ASSISTANT, Trust.MODEL)
        elif body.kind == "binary":  # speech: audio
            c.binary(())
        else:
            collect_json(c, body.tree, (), Role.ASSISTANT, Trust.MODEL)
        return c.build()

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.ASSISTANT, Trust.MODEL)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return False  # multipart `stream` is a form field; the answer's type decides

    def portable(self, body: Any) -> bool:
        return False


DIALECT = OpenAIAudio()
