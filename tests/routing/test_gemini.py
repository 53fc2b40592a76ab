from __future__ import annotations

import copy
import json
import re
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import errors, types
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.finding import Finding
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get
from llmwall.routing.dialects.gemini import DIALECT, GeminiStream
from llmwall.routing.dialects.gemini_embed import DIALECT as EMBED
from llmwall.routing.segment import (
    KEY,  # keys are covered in test_generic_and_keys
    Role,
    Trust,
)

_SECRET = re.compile(r"SECRET\d+")


def fake_scan(text: str, indirect: bool) -> tuple[Finding, ...]:
    return tuple(
        Finding("OPENAI_API_KEY", m.start(), m.end(), 1.0, "fake", "secret.fake")
        for m in _SECRET.finditer(text)
    )


REDACT = load_policy(None)
BLOCK = load_policy({"version": 1, "actions": {"OPENAI_API_KEY": "block"}})


def inspect(raw: bytes, policy: Any = REDACT, step: int = 7) -> bytes:
    inspector = StreamInspector(DIALECT.stream, fake_scan, policy, holdback=16)
    out = [inspector(raw[i : i + step]) for i in range(0, len(raw), step)]
    return b"".join([*out, inspector(b"")])


def chunk(*parts: dict, finish: str | None = None, index: int = 0) -> dict:
    cand: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": index}
    if finish:
        cand["finishReason"] = finish
    return {"candidates": [cand], "modelVersion": "gemini-test"}


def sse(chunks: list[dict], nl: str = "\r\n") -> bytes:
    return "".join(f"data: {json.dumps(c)}{nl}{nl}" for c in chunks).encode()


def array(chunks: list[dict]) -> bytes:
    return ("[" + ",\r\n".join(json.dumps(c) for c in chunks) + "]").encode()


def sse_payloads(raw: bytes) -> list[Any]:
    return [
        json.loads(e[6:])
        for e in raw.replace(b"\r\n", b"\n").split(b"\n\n")
        if e.startswith(b"data: ")
    ]


def texts(payloads: list[Any], thought: bool | None = None) -> str:
    return "".join(
        p.get("text", "")
        for c in payloads
        for cand in c.get("candidates", [])
        for p in cand["content"]["parts"]
        if thought is None or bool(p.get("thought")) == thought
    )


WORDS = "the key is SECRET42 and that is all there is to say about it today"


def text_chunks(text: str = WORDS, **part: object) -> list[dict]:
    return [chunk({"text": text[i : i + 4], **part}) for i in range(0, len(text), 4)]


# --- bodies ------------------------------------------------------------------------------


def _paths(extraction: Any) -> dict[tuple, tuple[Role, Trust, bool]]:
    return {s.path: (s.role, s.trust, s.writable) for s in extraction.segments if KEY not in s.path}


def test_request_positions_roles_and_trust() -> None:
    body = {
        "system_instruction": {"parts": [{"text": "sys"}]},
        "contents": [
            {
                "role": "user",
                "parts": [{"text": "u"}, {"inlineData": {"mimeType": "image/png", "data": "iVBO"}}],
            },
            {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"q": "a"}}}]},
            {
                "role": "user",
                "parts": [{"function_response": {"name": "f", "response": {"out": "r"}}}],
            },
        ],
        "tools": [
            {
                "functionDeclarations": [
                    {"name": "f", "description": "d", "parameters": {"type": "OBJECT"}}
                ]
            }
        ],
    }
    got = _paths(DIALECT.extract_request(body))
    assert got == {
        ("system_instruction", "parts", 0, "text"): (Role.SYSTEM, Trust.SYSTEM, True),
        ("contents", 0, "parts", 0, "text"): (Role.USER, Trust.USER, True),
        ("contents", 1, "parts", 0, "functionCall", "args", "q"): (
            Role.TOOL_CALL,
            Trust.MODEL,
            True,
        ),
        ("contents", 2, "parts", 0, "function_response", "response", "out"): (
            Role.TOOL_RESULT,
            Trust.EXTERNAL,
            True,
        ),
        ("tools", 0, "functionDeclarations", 0, "description"): (
            Role.TOOL_DEFINITION,
            Trust.SYSTEM,
            True,
        ),
        ("tools", 0, "functionDeclarations", 0, "parameters", "type"): (
            Role.TOOL_DEFINITION,
            Trust.SYSTEM,
            True,
        ),
    }
    assert DIALECT.extract_request(body).binary == (
        ("contents", 0, "parts", 1, "inlineData", "data"),
    )


def test_signed_thought_text_is_read_only_in_requests_only() -> None:
    signed = {"text": "thinking", "thought": True, "thoughtSignature": "c2ln"}
    request = {
        "contents": [
            {"role": "model", "parts": [signed, {"text": "answer", "thoughtSignature": "c2ln"}]}
        ]
    }
    writable = [s.writable for s in DIALECT.extract_request(request).segments]
    assert writable == [False, True]  # signed thought: read-only; signed answer: writable
    unsigned = {"contents": [{"role": "model", "parts": [{"text": "t", "thought": True}]}]}
    assert DIALECT.extract_request(unsigned).segments[0].writable
    response = {"candidates": [{"content": {"role": "model", "parts": [signed]}}]}
    assert DIALECT.extract_response(response).segments[0].writable


def test_signatures_and_metadata_are_never_read() -> None:
    body = {
        "contents": [
            {
                "role": "model",
                "parts": [{"thoughtSignature": "c2ln", "thought": True}, {"video_metadata": {}}],
            }
        ]
    }
    ex = DIALECT.extract_request(body)
    assert ex.segments == () and ex.unknown == ()


def test_unknown_part_kinds_and_file_references() -> None:
    body = {
        "contents": [
            {
                "role": "user",
                "parts": [{"hologram": {"text": "x"}}, {"fileData": {"fileUri": "gs://b/f"}}],
            }
        ]
    }
    ex = DIALECT.extract_request(body)
    assert ex.unknown == (("contents", 0, "parts", 0),)
    assert ex.opaque == ("file_reference",)


def test_cached_content_is_opaque_and_not_portable() -> None:
    body = {
        "cachedContent": "cachedContents/abc",
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
    }
    assert "cached_content" in DIALECT.extract_request(body).opaque
    assert not DIALECT.portable(body)
    assert DIALECT.portable({"contents": []})


@pytest.mark.parametrize(
    ("path", "model", "stream"),
    [
        ("/v1beta/models/gemini-2.5-flash:generateContent", "gemini-2.5-flash", False),
        ("/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini-2.5-flash", True),
        (
            "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0:streamGenerateContent",
            "gemini-2.0",
            True,
        ),
        ("/v1beta/models/gemini-2.5-flash:countTokens", "gemini-2.5-flash", False),
    ],
)
def test_model_and_stream_from_the_path(path: str, model: str, stream: bool) -> None:
    assert DIALECT.model({}, path) == model
    assert DIALECT.wants_stream({}, path, "alt=sse") is stream


def test_usage_of_a_body_and_of_a_buffered_array() -> None:
    usage = {"totalTokenCount": 3}
    assert DIALECT.usage({"usageMetadata": usage}) == usage
    assert DIALECT.usage([{}, {"usageMetadata": usage}]) == usage


@pytest.mark.parametrize(
    ("status", "state"),
    [(403, "PERMISSION_DENIED"), (400, "INVALID_ARGUMENT"), (503, "UNAVAILABLE")],
)
def test_error_is_raised_by_the_sdk(status: int, state: str) -> None:
    shape = DIALECT.error(status, "blocked by policy", "llmwall_policy_block")
    assert shape.body["error"]["status"] == state
    transport = httpx.MockTransport(lambda r: httpx.Response(status, json=shape.body))
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(httpx_client=httpx.Client(transport=transport))
    )
    with pytest.raises(errors.APIError) as info:
        client.models.generate_content(model="gemini-test", contents="hi")
    assert info.value.code == status and info.value.status == state


def test_embed_requests() -> None:
    single = {"content": {"parts": [{"text": "a"}]}, "title": "t"}
    batch = {"requests": [single, {"content": {"parts": [{"text": "b"}]}}]}
    assert [s.text for s in EMBED.extract_request(single).segments] == ["a", "t"]
    assert [s.path for s in EMBED.extract_request(batch).segments][-1] == (
        "requests",
        1,
        "content",
        "parts",
        0,
        "text",
    )
    assert EMBED.extract_response({"embedding": {"values": [0.1]}}).segments == ()
    assert get("gemini_embed") is EMBED and EMBED.stream is None


# --- property: extract and write back with no findings changes nothing --------------------

_text = st.text(max_size=12)
_leafy = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=4), ch, max_size=3),
    max_leaves=8,
)


def _part(camel: bool) -> st.SearchStrategy[dict]:
    def k(name: str) -> str:
        return name if camel else re.sub(r"([A-Z])", r"_\1", name).lower()

    return st.one_of(
        st.builds(
            lambda t, th: {
                "text": t,
                **({"thought": True, k("thoughtSignature"): "c2ln"} if th else {}),
            },
            _text,
            st.booleans(),
        ),
        st.builds(
            lambda a: {k("functionCall"): {"name": "f", "args": a}},
            st.dictionaries(st.text(max_size=4), _leafy, max_size=3),
        ),
        st.builds(lambda r: {k("functionResponse"): {"name": "f", "response": {"out": r}}}, _leafy),
        st.builds(lambda c: {k("executableCode"): {"language": "PYTHON", "code": c}}, _text),
        st.just({k("inlineData"): {"mimeType": "image/png", "data": "iVBO"}}),
    )


_bodies = st.booleans().flatmap(
    lambda camel: st.fixed_dictionaries(
        {
            "contents": st.lists(
                st.fixed_dictionaries(
                    {
                        "role": st.sampled_from(["user", "model"]),
                        "parts": st.lists(_part(camel), max_size=4),
                    }
                ),
                max_size=4,
            ),
            ("systemInstruction" if camel else "system_instruction"): st.fixed_dictionaries(
                {"parts": st.lists(_part(camel), max_size=2)}
            ),
            "tools": st.lists(
                st.fixed_dictionaries(
                    {
                        "functionDeclarations": st.lists(
                            st.fixed_dictionaries(
                                {"name": st.just("f"), "description": _text, "parameters": _leafy}
                            ),
                            max_size=2,
                        )
                    }
                ),
                max_size=2,
            ),
        }
    )
)


@settings(max_examples=150, deadline=None)
@given(_bodies)
def test_request_write_back_without_findings_changes_nothing(body: dict) -> None:
    original = copy.deepcopy(body)
    ex = DIALECT.extract_request(body)
    assert jsonpath.set_many(body, {s.path: s.text for s in ex.segments}) == original


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_part(True), max_size=4), max_size=3))
def test_response_write_back_without_findings_changes_nothing(candidates: list) -> None:
    body = {
        "candidates": [
            {"content": {"role": "model", "parts": parts}, "index": i}
            for i, parts in enumerate(candidates)
        ]
    }
    original = copy.deepcopy(body)
    ex = DIALECT.extract_response(body)
    assert jsonpath.set_many(body, {s.path: s.text for s in ex.segments}) == original


# --- streams -----------------------------------------------------------------------------


def test_each_flow_gets_its_own_stream_dialect() -> None:
    assert isinstance(DIALECT.stream, GeminiStream)
    assert DIALECT.stream is not DIALECT.stream


@pytest.mark.parametrize("framing", ["sse", "array"])
def test_a_secret_split_across_chunks_is_redacted(framing: str) -> None:
    chunks = [*text_chunks(), chunk({"text": ""}, finish="STOP")]
    out = inspect(sse(chunks) if framing == "sse" else array(chunks))
    payloads = sse_payloads(out) if framing == "sse" else json.loads(out)
    assert texts(payloads) == WORDS.replace("SECRET42", "<OPENAI_API_KEY>")
    for payload in payloads:
        types.GenerateContentResponse.model_validate(payload)


@pytest.mark.parametrize("framing", ["sse", "array"])
def test_a_block_ends_the_stream_with_gemini_s_error(framing: str) -> None:
    chunks = [*text_chunks(), chunk({"text": ""}, finish="STOP")]
    out = inspect(sse(chunks) if framing == "sse" else array(chunks), BLOCK)
    payloads = sse_payloads(out) if framing == "sse" else json.loads(out)  # valid JSON in both
    assert payloads[-1]["error"]["status"] == "PERMISSION_DENIED"
    assert "SECRET42" not in out.decode()


@pytest.mark.parametrize("step", [1, 3, 50, 10_000])
def test_a_block_in_the_first_array_element_still_yields_valid_json(step: int) -> None:
    raw = array([chunk({"text": "SECRET7 " * 20}), chunk({"text": ""}, finish="STOP")])
    out = inspect(raw, BLOCK, step)
    assert json.loads(out) == [
        DIALECT.error(403, json.loads(out)[0]["error"]["message"], "llmwall_policy_block").body
    ]


def test_the_sdk_raises_on_the_sse_block() -> None:
    out = inspect(sse([*text_chunks(), chunk({"text": ""}, finish="STOP")]), BLOCK)
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=out, headers={"content-type": "text/event-stream"})
    )
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(httpx_client=httpx.Client(transport=transport))
    )
    with pytest.raises(errors.ClientError):
        list(client.models.generate_content_stream(model="gemini-test", contents="hi"))


@pytest.mark.parametrize(
    "raw",
    [
        sse(text_chunks()),  # no finishReason
        array(text_chunks())[:-1],  # no closing bracket
        sse(
            [
                chunk({"text": "a"}),
                chunk({"text": "b"}, index=1),
                chunk({"text": "c"}, finish="STOP"),
            ]
        ),  # 1 never ends
    ],
)
def test_a_stream_cut_short_ends_with_an_error(raw: bytes) -> None:
    out = inspect(raw)
    payloads = json.loads(out) if raw.startswith(b"[") else sse_payloads(out)
    assert "error" in payloads[-1]


def test_a_finished_array_needs_its_closing_bracket() -> None:
    raw = array([*text_chunks(), chunk({"text": ""}, finish="STOP")])
    out = inspect(raw[:-1])
    assert "error" in json.loads(out)[-1]
    assert "error" not in json.loads(inspect(raw))[-1]


def test_held_thought_text_goes_out_before_the_answer_starts() -> None:
    thoughts = text_chunks("thinking hard about SECRET1 now", thought=True)
    answer = text_chunks(
        "the answer",
    )
    out = sse_payloads(inspect(sse([*thoughts, *answer, chunk({"text": ""}, finish="STOP")])))
    kinds = [
        bool(p.get("thought"))
        for c in out
        for cand in c["candidates"]
        for p in cand["content"]["parts"]
        if p.get("text")
    ]
    assert kinds == sorted(kinds, reverse=True)  # every thought before any answer text
    assert texts(out, thought=True) == "thinking hard about <OPENAI_API_KEY> now"


def test_parts_with_a_signature_are_never_dropped_and_the_signature_is_not_copied() -> None:
    chunks = [*text_chunks(thought=True)]
    chunks[2]["candidates"][0]["content"]["parts"][0]["thoughtSignature"] = "c2ln"
    out = sse_payloads(inspect(sse([*chunks, chunk({"text": ""}, finish="STOP")])))
    signatures = [
        p
        for c in out
        for cand in c["candidates"]
        for p in cand["content"]["parts"]
        if "thoughtSignature" in p
    ]
    assert len(signatures) == 1


def test_function_call_args_are_redacted_whole() -> None:
    call = {
        "functionCall": {"name": "f", "args": {"q": "SECRET9", "n": 2}},
        "thoughtSignature": "c2ln",
    }
    out = sse_payloads(
        inspect(sse([chunk({"text": "calling"}), chunk(call), chunk({"text": ""}, finish="STOP")]))
    )
    part = next(
        p
        for c in out
        for cand in c["candidates"]
        for p in cand["content"]["parts"]
        if "functionCall" in p
    )
    assert part == {
        "functionCall": {"name": "f", "args": {"q": "<OPENAI_API_KEY>", "n": 2}},
        "thoughtSignature": "c2ln",
    }


def test_two_candidates_are_separate_channels() -> None:
    chunks = [
        chunk({"text": "zero SECRET1 "}, index=0),
        chunk({"text": "one "}, index=1),
        chunk({"text": "end"}, finish="STOP", index=0),
        chunk({"text": "end"}, finish="STOP", index=1),
    ]
    out = sse_payloads(inspect(sse(chunks)))
    by_index: dict[int, str] = {}
    for c in out:
        for cand in c["candidates"]:
            by_index[cand["index"]] = by_index.get(cand["index"], "") + "".join(
                p["text"] for p in cand["content"]["parts"]
            )
    assert by_index == {0: "zero <OPENAI_API_KEY> end", 1: "one end"}


def test_upstream_error_mid_stream_is_terminal() -> None:
    raw = (
        sse([chunk({"text": "hi"})])
        + b'data: {"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}\r\n\r\n'
    )
    inspector = StreamInspector(DIALECT.stream, fake_scan, REDACT)
    inspector(raw)
    inspector(b"")
    assert (
        inspector.stats.upstream_error
        and inspector.stats.completed
        and not inspector.stats.truncated
    )
