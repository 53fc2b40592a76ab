"""The stream inspector: holdback, chunking invariance, split secrets, blocks, truncation."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy, parse_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.engine import Detector
from llmwall.routing.dialects.anthropic import DIALECT as ANTHROPIC
from llmwall.routing.dialects.openai_chat import DIALECT as OPENAI
from llmwall.routing.framing.sse import SSEFraming

DETECTOR = Detector()
KEY = "sk-proj-" + "Zq8Wm3Rt6Yp1Ks4Dv7Gh0Jn2Lc5Xb9Fe" * 2


def scan(text: str, indirect: bool) -> tuple:
    return DETECTOR.scan(text, indirect=indirect)


def openai_stream(deltas: list[str], done: bool = True) -> bytes:
    env = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    out = b"".join(
        b"data: "
        + json.dumps(
            {**env, "choices": [{"index": 0, "delta": {"content": d}, "finish_reason": None}]}
        ).encode()
        + b"\n\n"
        for d in deltas
    )
    out += (
        b"data: "
        + json.dumps(
            {**env, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        ).encode()
        + b"\n\n"
    )
    return out + (b"data: [DONE]\n\n" if done else b"")


def run(raw: bytes, cuts: list[int], policy=None, holdback: int = 64) -> bytes:
    ins = StreamInspector(OPENAI.stream, scan, policy or load_policy(None), holdback=holdback)
    out, pos = [], 0
    for cut in [*sorted(set(c for c in cuts if 0 < c < len(raw))), len(raw)]:
        out.append(ins(raw[pos:cut]))
        pos = cut
    out.append(ins(b""))
    return b"".join(out)


def client_text(raw: bytes) -> str:
    text = ""
    for event in SSEFraming().feed(raw):
        if isinstance(event.data, dict):
            for choice in event.data.get("choices", []):
                text += (choice.get("delta") or {}).get("content") or ""
    return text


def test_clean_stream_keeps_its_text_and_its_other_events_byte_for_byte() -> None:
    raw = openai_stream(["Hello", " world", "!"])
    out = run(raw, [])
    assert client_text(out) == "Hello world!"
    finish = raw.split(b"\n\n")[-3] + b"\n\n"
    assert finish in out and out.endswith(b"data: [DONE]\n\n")


def test_long_clean_text_is_forwarded_unchanged_once_released() -> None:
    words = [f"word{i} " for i in range(200)]
    raw = openai_stream(words)
    assert client_text(run(raw, [7, 99, 1000])) == "".join(words)


def test_secret_in_one_delta_is_redacted() -> None:
    text = client_text(run(openai_stream(["The key is ", KEY, " ok."]), []))
    assert text == "The key is <OPENAI_API_KEY> ok."


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=2000), max_size=30))
def test_any_chunking_gives_the_same_client_text(cuts: list[int]) -> None:
    raw = openai_stream(
        [w + " " for w in f"lead text here {KEY} and then more trailing words".split()]
    )
    assert client_text(run(raw, cuts)) == client_text(run(raw, []))
    assert KEY not in client_text(run(raw, cuts))


def test_a_secret_split_at_every_boundary_is_caught() -> None:
    prefix, suffix = "my key: ", " thanks, bye now."
    for i in range(1, len(KEY)):
        raw = openai_stream([prefix + KEY[:i], KEY[i:] + suffix])
        text = client_text(run(raw, []))
        assert KEY not in text and "<OPENAI_API_KEY>" in text, i


def test_a_secret_spread_over_one_char_deltas_is_caught() -> None:
    text = client_text(run(openai_stream(list(f"x {KEY} y")), []))
    assert KEY not in text and text == "x <OPENAI_API_KEY> y"


def test_holdback_bounds_what_waits() -> None:
    ins = StreamInspector(OPENAI.stream, scan, load_policy(None), holdback=16)
    words = " ".join(f"w{i}" for i in range(100))
    out = ins(openai_stream([w + " " for w in words.split()])[: -len(b"data: [DONE]\n\n") - 200])
    assert len(client_text(out)) > len(words) - 200  # most text released before the end


def test_block_in_a_response_ends_with_the_provider_error_event() -> None:
    policy = parse_policy({"responses": {"actions": {"secret": "block"}}}, "t")
    out = run(openai_stream(["fine text ", KEY, " more"]), [], policy=policy)
    events = SSEFraming().feed(out)
    assert any(isinstance(e.data, dict) and "error" in e.data for e in events)
    assert events[-1].meta.get("sentinel") == "[DONE]"
    assert KEY not in out.decode()


def test_truncated_upstream_stream_ends_with_an_error_event() -> None:
    out = run(openai_stream(["partial answer"], done=False)[:-5], [])
    events = SSEFraming().feed(out)
    errors = [e.data["error"] for e in events if isinstance(e.data, dict) and "error" in e.data]
    assert errors and errors[0]["code"] == "upstream_truncated"


def test_keepalive_comments_pass_untouched() -> None:
    raw = b": OPENROUTER PROCESSING\n\n" + openai_stream(["hi"])
    assert run(raw, [3, 10]).startswith(b": OPENROUTER PROCESSING\n\n")


def test_anthropic_stream_flushes_before_block_stop() -> None:
    events = [
        {
            "type": "message_start",
            "message": {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": "c",
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *[
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}
            for p in ["key ", KEY[:9], KEY[9:]]
        ],
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 3},
        },
        {"type": "message_stop"},
    ]
    raw = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    ins = StreamInspector(ANTHROPIC.stream, scan, load_policy(None))
    out = ins(raw) + ins(b"")
    parsed = SSEFraming().feed(out)
    names = [e.name for e in parsed]
    text = "".join(e.data["delta"]["text"] for e in parsed if e.name == "content_block_delta")
    assert text == "key <OPENAI_API_KEY>"
    assert names.index("content_block_stop") > max(
        i for i, n in enumerate(names) if n == "content_block_delta"
    )
    assert ins.stats.completed and not ins.stats.truncated


@pytest.mark.parametrize("holdback", [0, 8, 64, 256])
def test_any_holdback_still_redacts_within_a_delta(holdback: int) -> None:
    text = client_text(
        run(openai_stream(["a " * 50, f"k {KEY} ", "b " * 50]), [], holdback=holdback)
    )
    assert KEY not in text


def test_a_comment_with_a_secret_is_redacted_and_a_harmless_one_kept() -> None:
    raw = f": {KEY}\n\n: keep-alive\n\n".encode() + openai_stream(["hello"])
    out = run(raw, [5, 17])
    assert KEY.encode() not in out
    assert b": keep-alive\n\n" in out and b"<OPENAI_API_KEY>" in out
    assert client_text(out) == "hello"


def test_an_event_name_and_id_with_a_secret_are_redacted() -> None:
    raw = openai_stream(["hello"]).replace(b"data: [DONE]", f"id: {KEY}\ndata: [DONE]".encode())
    out = run(raw, [])
    assert KEY.encode() not in out and b"id: <OPENAI_API_KEY>\ndata: [DONE]" in out


def test_an_unknown_delta_field_and_top_level_field_are_redacted() -> None:
    env = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunk = {
        **env,
        "choices": [{"index": 0, "delta": {"content": "hi", "new": KEY}, "finish_reason": None}],
        "debug": {"echo": KEY},
    }
    raw = b"data: " + json.dumps(chunk).encode() + b"\n\n" + openai_stream([])
    out = run(raw, [7])
    assert KEY.encode() not in out and out.count(b"<OPENAI_API_KEY>") == 2
    assert b'"id":"chatcmpl-1"' in out and client_text(out) == "hi"
