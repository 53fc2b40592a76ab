"""The WebSocket frame protocols: where text sits in client events (tables: event ->
positions), what the server stream dialects hold back, close and copy, and the
message framing that keeps frame boundaries through the stream inspector."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import ALL_CHANNELS, StreamEvent
from llmwall.routing.providers import PROVIDERS, Provider, _openai_family, _realtime
from llmwall.routing.realtime import get, names
from llmwall.routing.realtime.base import MessageFraming
from llmwall.routing.segment import BASE64, JSON, Role, Trust

RT = get("openai_realtime")
RWS = get("responses_ws")
LIVE = get("gemini_live")
assert RT is not None and RWS is not None and LIVE is not None


def texts(extraction: Any) -> list[tuple[tuple[Any, ...], str, Role, Trust]]:
    return [(s.path, s.text, s.role, s.trust) for s in extraction.segments]


U, SYS = (Role.USER, Trust.USER), (Role.SYSTEM, Trust.SYSTEM)

REALTIME_CLIENT = [
    (
        "session.update instructions, tools, transcription prompt, prompt variables",
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "model": "gpt-realtime",
                "instructions": "be brief",
                "tools": [
                    {
                        "type": "function",
                        "name": "f",
                        "description": "mails someone",
                        "parameters": {
                            "type": "object",
                            "properties": {"to": {"description": "address"}},
                        },
                    }
                ],
                "audio": {"input": {"transcription": {"model": "m", "prompt": "names: Ann"}}},
                "prompt": {"id": "pmpt_1", "variables": {"city": "Oslo"}},
            },
        },
        [
            (("session", "instructions"), "be brief", *SYS),
            (
                ("session", "tools", 0, "description"),
                "mails someone",
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            ),
            (
                ("session", "tools", 0, "parameters", "type"),
                "object",
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            ),
            (
                ("session", "tools", 0, "parameters", "properties", "to", "description"),
                "address",
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            ),
            (("session", "prompt", "variables", "city"), "Oslo", *U),
            (("session", "audio", "input", "transcription", "prompt"), "names: Ann", *SYS),
        ],
        (),
        (),
    ),
    (
        "conversation.item.create: text, audio transcript, image URL, data URL",
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "hello"},
                    {"type": "input_audio", "audio": "UklGRg==", "transcript": "spoken"},
                    {"type": "input_image", "image_url": "https://x.test/a.png?token=t"},
                    {"type": "input_image", "image_url": "data:image/png;base64,AAAA"},
                ],
            },
        },
        [
            (("item", "content", 0, "text"), "hello", *U),
            (("item", "content", 1, "transcript"), "spoken", *U),
            (("item", "content", 2, "image_url"), "https://x.test/a.png?token=t", *U),
        ],
        (("item", "content", 1, "audio"), ("item", "content", 3, "image_url")),
        (),
    ),
    (
        "a system message item",
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "system",
                "content": [{"type": "input_text", "text": "rules"}],
            },
        },
        [(("item", "content", 0, "text"), "rules", *SYS)],
        (),
        (),
    ),
    (
        "function_call_output is a tool result, read leaf by leaf when it is JSON",
        {
            "type": "conversation.item.create",
            "item": {
                "type": "function_call_output",
                "call_id": "call_1",
                "output": '{"temp": "cold"}',
            },
        },
        [(("item", "output", JSON, "temp"), "cold", Role.TOOL_RESULT, Trust.EXTERNAL)],
        (),
        (),
    ),
    (
        "mcp approval reason",
        {
            "type": "conversation.item.create",
            "item": {
                "type": "mcp_approval_response",
                "approval_request_id": "a1",
                "approve": False,
                "reason": "not now",
            },
        },
        [(("item", "reason"), "not now", *U)],
        (),
        (),
    ),
    (
        "response.create: instructions, input items, metadata",
        {
            "type": "response.create",
            "response": {
                "instructions": "answer in French",
                "conversation": "none",
                "input": [
                    {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": "hi"}],
                    }
                ],
                "metadata": {"topic": "billing"},
                "output_modalities": ["text"],
            },
        },
        [
            (("response", "instructions"), "answer in French", *SYS),
            (("response", "input", 0, "content", 0, "text"), "hi", *U),
            (("response", "metadata", "topic"), "billing", *SYS),
        ],
        (),
        (),
    ),
    (
        "input_audio_buffer.append is binary content",
        {"type": "input_audio_buffer.append", "audio": "UklGRg=="},
        [],
        (("audio",),),
        (),
    ),
    ("ids only", {"type": "response.cancel", "response_id": "resp_1"}, [], (), ()),
    (
        "an unknown event: every string but ids is read",
        {"type": "future.event", "event_id": "e1", "note": "free text", "nested": {"x": "y"}},
        [(("note",), "free text", *U), (("nested", "x"), "y", *U)],
        (),
        (),
    ),
    (
        "an unknown content part is unknown content",
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_video", "data": "x"}],
            },
        },
        [],
        (),
        (("item", "content", 0),),
    ),
]


@pytest.mark.parametrize(
    ("event", "expected", "binary", "unknown"),
    [case[1:] for case in REALTIME_CLIENT],
    ids=[case[0] for case in REALTIME_CLIENT],
)
def test_realtime_client_events(event: Any, expected: Any, binary: Any, unknown: Any) -> None:
    extraction = RT.client_event(event)
    assert sorted(texts(extraction), key=str) == sorted(expected, key=str)
    assert extraction.binary == binary
    assert extraction.unknown == unknown
    for seg in extraction.segments:  # every path writes back into the frame
        assert jsonpath.get(event, seg.path) == seg.text


def test_a_client_frame_that_is_not_an_object_is_unknown() -> None:
    for protocol in (RT, RWS, LIVE):
        assert protocol.client_event([1, 2]).unknown == ((),)


RESPONSES_CLIENT = [
    (
        "response.create carries a Responses request at the top level",
        {
            "type": "response.create",
            "model": "gpt-x",
            "instructions": "sys",
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "q"}],
                }
            ],
            "metadata": {"k": "v"},
            "user": "jane@example.com",
            "prompt_cache_key": "conv-1",
        },
        [
            (("instructions",), "sys", *SYS),
            (("input", 0, "content", 0, "text"), "q", *U),
            (("metadata", "k"), "v", *U),
            (("user",), "jane@example.com", *U),
            (("prompt_cache_key",), "conv-1", *U),
        ],
    ),
    (
        "response.inject input items",
        {
            "type": "response.inject",
            "response_id": "resp_1",
            "input": [{"type": "function_call_output", "call_id": "c", "output": "42 degrees"}],
        },
        [(("input", 0, "output"), "42 degrees", Role.TOOL_RESULT, Trust.EXTERNAL)],
    ),
]


@pytest.mark.parametrize(
    ("event", "expected"), [c[1:] for c in RESPONSES_CLIENT], ids=[c[0] for c in RESPONSES_CLIENT]
)
def test_responses_ws_client_events(event: Any, expected: Any) -> None:
    assert sorted(texts(RWS.client_event(event)), key=str) == sorted(expected, key=str)


LIVE_CLIENT = [
    (
        "setup: system instruction, tools (camelCase from the SDK)",
        {
            "setup": {
                "model": "models/g",
                "generationConfig": {"responseModalities": ["TEXT"]},
                "systemInstruction": {"parts": [{"text": "sys"}]},
                "tools": [{"functionDeclarations": [{"name": "f", "description": "does f"}]}],
            }
        },
        [
            (("setup", "systemInstruction", "parts", 0, "text"), "sys", *SYS),
            (
                ("setup", "tools", 0, "functionDeclarations", 0, "description"),
                "does f",
                Role.TOOL_DEFINITION,
                Trust.SYSTEM,
            ),
        ],
        (),
    ),
    (
        "client_content turns (snake_case top level, as python-genai sends it)",
        {
            "client_content": {
                "turns": [{"role": "user", "parts": [{"text": "hi"}]}],
                "turn_complete": True,
            }
        },
        [(("client_content", "turns", 0, "parts", 0, "text"), "hi", *U)],
        (),
    ),
    (
        "realtimeInput: text is text, audio and video are binary",
        {
            "realtimeInput": {
                "text": "typed",
                "audio": {"data": "AAAA", "mimeType": "audio/pcm"},
                "mediaChunks": [{"data": "BBBB"}],
            }
        },
        [(("realtimeInput", "text"), "typed", *U)],
        (("realtimeInput", "audio", "data"), ("realtimeInput", "mediaChunks", 0, "data")),
    ),
    (
        "realtimeInput: a blob that is text (any label) is read, as a request's inlineData",
        {
            "realtimeInput": {
                "mediaChunks": [
                    {
                        "data": base64.b64encode(b"mail maria.lopez@example.com").decode(),
                        "mimeType": "text/plain",
                    },
                ],
                "video": {
                    "data": base64.b64encode(b"key AKIAQ7RZP4XK2M5TNWLB").decode(),
                    "mimeType": "image/jpeg",
                },
            }
        },
        [
            (
                ("realtimeInput", "mediaChunks", 0, "data", BASE64),
                "mail maria.lopez@example.com",
                *U,
            ),
            (("realtimeInput", "video", "data", BASE64), "key AKIAQ7RZP4XK2M5TNWLB", *U),
        ],
        (),
    ),
    (
        "tool_response function responses are tool results",
        {
            "tool_response": {
                "function_responses": [{"id": "1", "name": "f", "response": {"out": "sunny"}}]
            }
        },
        [
            (
                ("tool_response", "function_responses", 0, "response", "out"),
                "sunny",
                Role.TOOL_RESULT,
                Trust.EXTERNAL,
            )
        ],
        (),
    ),
]


@pytest.mark.parametrize(
    ("event", "expected", "binary"), [c[1:] for c in LIVE_CLIENT], ids=[c[0] for c in LIVE_CLIENT]
)
def test_gemini_live_client_messages(event: Any, expected: Any, binary: Any) -> None:
    extraction = LIVE.client_event(event)
    assert sorted(texts(extraction), key=str) == sorted(expected, key=str)
    assert extraction.binary == binary


# --- server stream dialects -----------------------------------------------------------


def ev(data: dict[str, Any]) -> StreamEvent:
    return StreamEvent(raw=b"", data=data)


def test_realtime_deltas_are_channels_per_item_and_part() -> None:
    stream = RT.server_stream()
    text = {
        "type": "response.output_text.delta",
        "item_id": "i1",
        "content_index": 0,
        "delta": "ab",
    }
    args = {"type": "response.function_call_arguments.delta", "item_id": "i2", "delta": '{"a'}
    heard = {
        "type": "conversation.item.input_audio_transcription.delta",
        "item_id": "i3",
        "content_index": 0,
        "delta": "sp",
    }
    audio = {"type": "response.output_audio.delta", "item_id": "i1", "delta": "AAAA"}
    (t,), (a,), (h,) = stream.pieces(ev(text)), stream.pieces(ev(args)), stream.pieces(ev(heard))
    assert t.channel == ("i1", "text", 0) and not t.structured and t.trust is Trust.MODEL
    assert a.channel[:2] == ("i2", "args") and a.structured and a.role is Role.TOOL_CALL
    assert h.channel == ("i3", "input", 0) and h.trust is Trust.USER
    assert stream.pieces(ev(audio)) == []
    assert stream.embedded(ev(audio))[0][0] == ("delta",)  # base64 audio: binary content


@pytest.mark.parametrize(
    ("event", "closes"),
    [
        (
            {"type": "response.output_text.done", "item_id": "i1", "content_index": 0, "text": "x"},
            [("i1", "text", 0)],
        ),
        ({"type": "response.output_item.done", "item": {"id": "i1"}}, ["i1"]),
        ({"type": "response.done", "response": {}}, ALL_CHANNELS),
        ({"type": "response.output_text.delta", "item_id": "i1", "delta": "x"}, ()),
    ],
)
def test_realtime_closes(event: dict[str, Any], closes: Any) -> None:
    assert RT.server_stream().closes(ev(event)) == closes


def test_realtime_whole_copies_are_embedded() -> None:
    stream = RT.server_stream()
    item = {
        "type": "conversation.item.created",
        "item": {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "hello"}],
        },
    }
    session = {"type": "session.created", "session": {"instructions": "sys", "voice": "alloy"}}
    done = {
        "type": "response.done",
        "response": {"output": [{"type": "function_call", "arguments": '{"to": "a@b.c"}'}]},
    }
    assert [p for p, _ in stream.embedded(ev(item))] == [("item", "content", 0, "text")]
    assert [p for p, _ in stream.embedded(ev(session))] == [("session", "instructions")]
    assert [p for p, _ in stream.embedded(ev(done))] == [("response", "output", 0, "arguments")]
    assert stream.embedded(ev({"type": "rate_limits.updated", "rate_limits": []})) == []


def test_live_stretches_renew_channels_after_a_turn_ends() -> None:
    stream = LIVE.server_stream()
    part = {"serverContent": {"modelTurn": {"parts": [{"text": "ab"}]}}}
    end = {"serverContent": {"turnComplete": True}}
    first = ev(part)
    stream.is_error(first)
    (p1,) = stream.pieces(first)
    closing = ev(end)
    stream.is_error(closing)
    assert stream.closes(closing) is ALL_CHANNELS
    second = ev(part)
    stream.is_error(second)
    (p2,) = stream.pieces(second)
    assert p1.channel != p2.channel and p1.channel[1] == p2.channel[1] == "text"


def test_live_transcriptions_tool_calls_and_audio() -> None:
    stream = LIVE.server_stream()
    msg = {
        "serverContent": {
            "outputTranscription": {"text": "said"},
            "inputTranscription": {"text": "heard"},
            "modelTurn": {"parts": [{"inlineData": {"data": "AAAA", "mimeType": "audio/pcm"}}]},
        }
    }
    kinds = {p.channel[1]: p.trust for p in stream.pieces(ev(msg))}
    assert kinds == {"output": Trust.MODEL, "input": Trust.USER}
    embedded = stream.embedded(ev(msg))
    assert [p for p, _ in embedded] == [("serverContent", "modelTurn", "parts", 0)]
    assert embedded[0][1](None).binary  # the audio part: binary content
    call = {"toolCall": {"functionCalls": [{"id": "1", "name": "f", "args": {"to": "a@b.c"}}]}}
    assert [p for p, _ in stream.embedded(ev(call))] == [
        ("toolCall", "functionCalls", 0, "args", "to")
    ]
    assert stream.closes(ev(call)) is ALL_CHANNELS
    assert stream.embedded(ev({"sessionResumptionUpdate": {"newHandle": "h" * 40}})) == []


def test_live_synthetic_event_is_a_skeleton_of_its_template() -> None:
    stream = LIVE.server_stream()
    template = ev(
        {
            "serverContent": {
                "modelTurn": {
                    "role": "model",
                    "parts": [
                        {"text": "a"},
                        {"text": "b", "thought": True, "thoughtSignature": "sig"},
                    ],
                },
                "turnComplete": False,
            }
        }
    )
    piece = stream.pieces(template)[1]
    out = stream.synthetic(template, piece, "held")
    assert out.data == {
        "serverContent": {
            "modelTurn": {"role": "model", "parts": [{"text": "held", "thought": True}]}
        }
    }


def test_event_names_in_records_are_only_known_ones() -> None:
    assert RT.event_type({"type": "session.update"}) == "session.update"
    assert RT.event_type({"type": "jane@example.com"}) == "other"
    assert LIVE.event_type({"client_content": {}}) == "clientContent"
    assert LIVE.event_type({"x-secret": 1}) == "other"


def test_message_framing_maps_inspector_output_back_to_messages() -> None:
    framing = MessageFraming()
    a, b = b'{"n":1}', b'{"n":2}'
    ta, tb = framing.token(a, {"n": 1}), framing.token(b, {"n": 2})
    (ea,) = framing.feed(ta)
    assert ea.data == {"n": 1}
    ea.data = {"n": 3}
    out = framing.encode(ea) + tb + framing.message(b"error")
    assert framing.messages(out) == [b'{"n":3}', b, b"error"]
    assert framing.messages(b"") == []


def test_every_frames_name_in_the_table_is_a_registered_protocol() -> None:
    for provider in PROVIDERS:
        for endpoint in provider.endpoints:
            assert endpoint.frames is None or endpoint.frames in names(), endpoint


def test_websocket_paths_are_identified() -> None:
    by_name = {p.name: p for p in PROVIDERS}
    cases = [
        ("openai", "/v1/realtime", "openai_realtime"),
        ("openai", "/v1/responses", "responses_ws"),
        ("azure", "/openai/realtime", "openai_realtime"),
        ("azure", "/openai/v1/realtime", "openai_realtime"),
        (
            "gemini",
            "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
            "gemini_live",
        ),
        (
            "gemini",
            "//ws/google.ai.generativelanguage.v1alpha.GenerativeService"
            ".BidiGenerateContentConstrained",
            "gemini_live",
        ),
        (
            "vertex",
            "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent",
            "gemini_live",
        ),
        ("openai", "/v1/chat/completions", None),
    ]
    for provider, path, frames in cases:
        endpoint = by_name[provider].endpoint_for(path)
        assert endpoint is not None and endpoint.frames == frames, (provider, path)


def test_an_openai_family_row_speaks_responses_over_websocket() -> None:
    # e.g. Codex on a ChatGPT login: https://chatgpt.com/backend-api/codex + /responses
    codex = Provider(
        "codex", ("chatgpt.com",), (*_openai_family("/backend-api/codex"), _realtime("/x"))
    )
    endpoint = codex.endpoint_for("/backend-api/codex/responses")
    assert endpoint is not None and endpoint.frames == "responses_ws"


def test_error_events_have_each_protocols_shape() -> None:
    rt = RT.error_event("blocked", "llmwall_policy_block")
    assert rt["type"] == "error" and rt["error"]["code"] == "llmwall_policy_block"
    rws = RWS.error_event("blocked", "llmwall_policy_block")
    assert rws["status"] == rws["status_code"] == 403 and rws["error"]["message"] == "blocked"
    assert LIVE.error_event("blocked", "x") is None  # Gemini Live errors are close frames
    json.dumps([rt, rws])


def test_error_events_parse_as_the_sdks_error_events() -> None:
    from openai.types.beta.beta_responses_server_event import BetaResponsesServerEvent
    from openai.types.realtime import RealtimeServerEvent
    from pydantic import TypeAdapter

    rt = TypeAdapter(RealtimeServerEvent).validate_python(RT.error_event("m", "c"))
    assert type(rt).__name__ == "RealtimeErrorEvent" and rt.error.code == "c"
    rws = TypeAdapter(BetaResponsesServerEvent).validate_python(RWS.error_event("m", "c"))
    assert rws.type == "error" and rws.error.code == "c" and rws.status == 403
