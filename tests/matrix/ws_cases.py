"""WebSocket coverage cases: protocol x text position x direction.

A case builds the frames of one exchange with a distinct planted secret at one position
(server text is cut into deltas at random places, so the secret is split across frames);
`tests/matrix/test_ws_matrix.py` runs them through the core's FrameSession and checks
that the secret is gone from every frame that leaves, a placeholder took its place, and
the provider's SDK still parses every rewritten frame.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter


@dataclass(frozen=True)
class FrameCase:
    protocol: str
    position: str
    direction: str  # "request": client frames; "response": server frames
    build: Callable[[str, random.Random], list[dict[str, Any]]]

    @property
    def id(self) -> str:
        return f"{self.protocol}:{self.direction}:{self.position}"


def cut(text: str, rng: random.Random) -> list[str]:
    out, pos = [], 0
    while pos < len(text):
        step = rng.randint(1, 9)
        out.append(text[pos : pos + step])
        pos += step
    return out


# --- OpenAI Realtime ----------------------------------------------------------------------


def _msg(role: str, part: dict[str, Any]) -> dict[str, Any]:
    return {"type": "message", "role": role, "content": [part]}


def _create(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "conversation.item.create", "item": item}]


def _session(**session: Any) -> list[dict[str, Any]]:
    return [{"type": "session.update", "session": {"type": "realtime", **session}}]


def _tool(description: str = "sends mail", prop: str = "address") -> dict[str, Any]:
    params = {"type": "object", "properties": {"to": {"type": "string", "description": prop}}}
    return {"type": "function", "name": "send", "description": description, "parameters": params}


def _text(t: str) -> str:
    return f"use {t} now"


REALTIME_CLIENT: list[tuple[str, Callable[[str], list[dict[str, Any]]]]] = [
    ("session.update session.instructions", lambda s: _session(instructions=_text(s))),
    ("session.update session.tools[].description", lambda s: _session(tools=[_tool(_text(s))])),
    ("session.update session.tools[].parameters..description",
     lambda s: _session(tools=[_tool(prop=_text(s))])),
    ("session.update session.audio.input.transcription.prompt",
     lambda s: _session(audio={"input": {"transcription": {"model": "gpt-4o-transcribe", "prompt": _text(s)}}})),
    ("session.update session.prompt.variables", lambda s: _session(prompt={"id": "pmpt_1", "variables": {"k": _text(s)}})),
    ("conversation.item.create item.content[].input_text",
     lambda s: _create(_msg("user", {"type": "input_text", "text": _text(s)}))),
    ("conversation.item.create item.content[].input_audio.transcript",
     lambda s: _create(_msg("user", {"type": "input_audio", "audio": "UklGRg==", "transcript": _text(s)}))),
    ("conversation.item.create system item input_text",
     lambda s: _create(_msg("system", {"type": "input_text", "text": _text(s)}))),
    ("conversation.item.create assistant item output_text",
     lambda s: _create(_msg("assistant", {"type": "output_text", "text": _text(s)}))),
    ("conversation.item.create item.function_call.arguments",
     lambda s: _create({"type": "function_call", "call_id": "c1", "name": "f", "arguments": json.dumps({"key": s})})),
    ("conversation.item.create item.function_call_output.output",
     lambda s: _create({"type": "function_call_output", "call_id": "c1", "output": _text(s)})),
    ("conversation.item.create item.mcp_approval_response.reason",
     lambda s: _create({"type": "mcp_approval_response", "id": "m1", "approval_request_id": "a", "approve": False, "reason": _text(s)})),
    ("response.create response.instructions",
     lambda s: [{"type": "response.create", "response": {"instructions": _text(s)}}]),
    ("response.create response.input[].content[].input_text",
     lambda s: [{"type": "response.create", "response": {"input": [_msg("user", {"type": "input_text", "text": _text(s)})]}}]),
    ("response.create response.metadata",
     lambda s: [{"type": "response.create", "response": {"metadata": {"note": _text(s)}}}]),
]  # fmt: skip

_BASE = {"response_id": "resp_1", "item_id": "item_1", "output_index": 0, "content_index": 0}


def _ev(n: int, kind: str, **body: Any) -> dict[str, Any]:
    return {"type": kind, "event_id": f"event_{n}", **body}


def _realtime_text(
    kind: str, done: str, field: str
) -> Callable[[str, random.Random], list[dict[str, Any]]]:
    def build(secret: str, rng: random.Random) -> list[dict[str, Any]]:
        text = f"Your key is {secret} as asked."
        frames = [_ev(i, kind, **_BASE, delta=d) for i, d in enumerate(cut(text, rng))]
        return [*frames, _ev(99, done, **_BASE, **{field: text})]

    return build


def _realtime_args(secret: str, rng: random.Random) -> list[dict[str, Any]]:
    args = json.dumps({"key": secret, "n": 1})
    base = {k: v for k, v in _BASE.items() if k != "content_index"} | {"call_id": "call_1"}
    frames = [
        _ev(i, "response.function_call_arguments.delta", **base, delta=d)
        for i, d in enumerate(cut(args, rng))
    ]
    return [
        *frames,
        _ev(99, "response.function_call_arguments.done", **base, name="f", arguments=args),
    ]


def _realtime_heard(secret: str, rng: random.Random) -> list[dict[str, Any]]:
    text = f"my key is {secret} thanks"
    base = {"item_id": "item_u", "content_index": 0}
    kind = "conversation.item.input_audio_transcription.delta"
    frames = [_ev(i, kind, **base, delta=d) for i, d in enumerate(cut(text, rng))]
    done = "conversation.item.input_audio_transcription.completed"
    usage = {"type": "duration", "seconds": 1.5}
    return [*frames, _ev(99, done, **base, transcript=text, usage=usage)]


def _assistant(text: str) -> dict[str, Any]:
    return {"id": "item_1", "type": "message", "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": text}]}  # fmt: skip


REALTIME_SERVER: list[tuple[str, Callable[[str, random.Random], list[dict[str, Any]]]]] = [
    ("response.output_text.delta + .done", _realtime_text("response.output_text.delta", "response.output_text.done", "text")),
    ("response.output_audio_transcript.delta + .done",
     _realtime_text("response.output_audio_transcript.delta", "response.output_audio_transcript.done", "transcript")),
    ("response.function_call_arguments.delta + .done", _realtime_args),
    ("conversation.item.input_audio_transcription.delta + .completed", _realtime_heard),
    ("response.content_part.done part.text",
     lambda s, r: [_ev(1, "response.content_part.done", **_BASE, part={"type": "text", "text": _text(s)})]),
    ("response.output_item.done item.content[].text",
     lambda s, r: [_ev(1, "response.output_item.done", response_id="resp_1", output_index=0, item=_assistant(_text(s)))]),
    ("conversation.item.created item (echo)",
     lambda s, r: [_ev(1, "conversation.item.created", previous_item_id=None, item=_assistant(_text(s)))]),
    ("response.done response.output[].content[].text",
     lambda s, r: [_ev(1, "response.done", response={"id": "resp_1", "object": "realtime.response", "status": "completed",
                                                     "output": [_assistant(_text(s))]})]),
    ("session.updated session.instructions",
     lambda s, r: [_ev(1, "session.updated", session={"type": "realtime", "instructions": _text(s)})]),
]  # fmt: skip


# --- Responses over WebSocket -----------------------------------------------------------


def _rcreate(**body: Any) -> list[dict[str, Any]]:
    return [{"type": "response.create", "model": "gpt-test", **body}]


RESPONSES_CLIENT: list[tuple[str, Callable[[str], list[dict[str, Any]]]]] = [
    ("response.create instructions", lambda s: _rcreate(instructions=_text(s), input="hi")),
    ("response.create input (string)", lambda s: _rcreate(input=_text(s))),
    ("response.create input[].content[].input_text",
     lambda s: _rcreate(input=[_msg("user", {"type": "input_text", "text": _text(s)})])),
    ("response.create input[].function_call_output.output",
     lambda s: _rcreate(input=[{"type": "function_call_output", "call_id": "c", "output": _text(s)}])),
    ("response.create tools[].description",
     lambda s: _rcreate(input="hi", tools=[{"type": "function", "name": "f", "description": _text(s), "parameters": {}}])),
    ("response.create metadata", lambda s: _rcreate(input="hi", metadata={"note": _text(s)})),
]  # fmt: skip


def _responses_text(secret: str, rng: random.Random) -> list[dict[str, Any]]:
    text = f"The key: {secret}."
    base = {"item_id": "msg_1", "output_index": 0, "content_index": 0, "logprobs": []}
    seq = iter(range(1, 1000))
    frames = [
        {"type": "response.output_text.delta", "sequence_number": next(seq), **base, "delta": d}
        for d in cut(text, rng)
    ]
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    item = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [part],
    }
    response = {"id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-test",
                "status": "completed", "output": [item], "parallel_tool_calls": True,
                "tool_choice": "auto", "tools": []}  # fmt: skip
    return [
        *frames,
        {"type": "response.output_text.done", "sequence_number": next(seq), **base, "text": text},
        {"type": "response.output_item.done", "sequence_number": next(seq), "output_index": 0, "item": item},
        {"type": "response.completed", "sequence_number": next(seq), "response": response},
    ]  # fmt: skip


RESPONSES_SERVER = [
    ("response.output_text.delta + done copies + response.completed", _responses_text)
]


# --- Gemini Live ------------------------------------------------------------------------


GEMINI_CLIENT: list[tuple[str, Callable[[str], list[dict[str, Any]]]]] = [
    ("setup.systemInstruction.parts[].text",
     lambda s: [{"setup": {"model": "models/g", "systemInstruction": {"parts": [{"text": _text(s)}]}}}]),
    ("setup.tools[].functionDeclarations[].description",
     lambda s: [{"setup": {"model": "models/g", "tools": [{"functionDeclarations": [{"name": "f", "description": _text(s)}]}]}}]),
    ("client_content.turns[].parts[].text",
     lambda s: [{"client_content": {"turns": [{"role": "user", "parts": [{"text": _text(s)}]}], "turn_complete": True}}]),
    ("clientContent.turns[].parts[].text (camelCase, js-genai)",
     lambda s: [{"clientContent": {"turns": [{"role": "user", "parts": [{"text": _text(s)}]}], "turnComplete": True}}]),
    ("realtime_input.text", lambda s: [{"realtime_input": {"text": _text(s)}}]),
    ("tool_response.function_responses[].response",
     lambda s: [{"tool_response": {"function_responses": [{"id": "1", "name": "f", "response": {"out": _text(s)}}]}}]),
]  # fmt: skip


def _live_parts(secret: str, rng: random.Random) -> list[dict[str, Any]]:
    text = f"Here: {secret} done"
    frames = [
        {"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": d}]}}}
        for d in cut(text, rng)
    ]
    return [
        *frames,
        {"serverContent": {"generationComplete": True}},
        {"serverContent": {"turnComplete": True}},
    ]


def _live_transcript(secret: str, rng: random.Random) -> list[dict[str, Any]]:
    text = f"spoken {secret} ok"
    frames = [{"serverContent": {"outputTranscription": {"text": d}}} for d in cut(text, rng)]
    return [*frames, {"serverContent": {"turnComplete": True}}]


GEMINI_SERVER: list[tuple[str, Callable[[str, random.Random], list[dict[str, Any]]]]] = [
    ("serverContent.modelTurn.parts[].text", _live_parts),
    ("serverContent.outputTranscription.text", _live_transcript),
    ("toolCall.functionCalls[].args",
     lambda s, r: [{"toolCall": {"functionCalls": [{"id": "1", "name": "f", "args": {"key": s}}]}}]),
]  # fmt: skip


def _client(protocol: str, table: list[Any]) -> list[FrameCase]:
    return [FrameCase(protocol, p, "request", lambda s, r, b=b: b(s)) for p, b in table]


def _server(protocol: str, table: list[Any]) -> list[FrameCase]:
    return [FrameCase(protocol, p, "response", b) for p, b in table]


CASES = [
    *_client("openai_realtime", REALTIME_CLIENT),
    *_server("openai_realtime", REALTIME_SERVER),
    *_client("responses_ws", RESPONSES_CLIENT),
    *_server("responses_ws", RESPONSES_SERVER),
    *_client("gemini_live", GEMINI_CLIENT),
    *_server("gemini_live", GEMINI_SERVER),
]


# --- the SDKs' parsers --------------------------------------------------------------------


def sdk_parser(protocol: str, direction: str) -> Callable[[dict[str, Any]], Any]:
    """The provider SDK's own model of the frames: every rewritten frame must parse."""
    if protocol == "gemini_live":
        from google.genai import types

        if direction == "response":
            return lambda f: types.LiveServerMessage._from_response(response=f, kwargs={})
        return lambda f: types.LiveClientMessage.model_validate(_camel_top(f))
    if protocol == "openai_realtime":
        from openai.types.realtime import RealtimeClientEvent, RealtimeServerEvent

        model = RealtimeServerEvent if direction == "response" else RealtimeClientEvent
    else:
        from openai.types.beta.beta_responses_client_event import BetaResponsesClientEvent
        from openai.types.beta.beta_responses_server_event import BetaResponsesServerEvent

        model = BetaResponsesServerEvent if direction == "response" else BetaResponsesClientEvent
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    return adapter.validate_python


def _camel_top(frame: dict[str, Any]) -> dict[str, Any]:
    # the SDK model is keyed by snake_case field names; the wire has either spelling
    return {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in frame.items()}
