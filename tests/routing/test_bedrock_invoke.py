"""Bedrock InvokeModel(WithResponseStream): family detection by body shape, Claude through
the Anthropic collectors, wrapped stream chunks read back by boto3 and the anthropic SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import EventStreamError as BotoEventStreamError
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get
from llmwall.routing.dialects.bedrock_invoke import DIALECT, chunk_family, request_family
from llmwall.routing.segment import (
    KEY,  # keys are covered in test_generic_and_keys
    Role,
    Trust,
)
from tests.matrix import sdk_bedrock
from tests.matrix.cases_bedrock_invoke import (
    CASES,
    WRAPPED_STREAM_CASES,
    chunks,
    claude_stream,
    llama_stream,
)
from tests.matrix.harness import PLACEHOLDER, Case, detector, planted_secret, run_stream


def test_registered() -> None:
    assert get("bedrock_invoke") is DIALECT


@pytest.mark.parametrize(
    ("body", "family"),
    [
        ({"anthropic_version": "bedrock-2023-05-31", "messages": []}, "anthropic"),
        (
            {
                "schemaVersion": "messages-v1",
                "messages": [{"role": "user", "content": [{"text": "x"}]}],
            },
            "nova",
        ),
        ({"messages": [{"role": "user", "content": "x"}]}, "openai"),
        ({"messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}, "openai"),
        ({"prompt": "x", "max_gen_len": 5}, "prompt"),
        ({"inputText": "x"}, "titan"),
        ({"message": "x", "chat_history": []}, "cohere"),
        ({"texts": ["x"], "input_type": "search_query"}, "texts"),
        ({"text_prompts": [{"text": "x"}]}, "stability"),
        ({"mystery": "x"}, None),
        ([], None),
    ],
)
def test_request_family_by_shape(body: Any, family: str | None) -> None:
    assert request_family(body) == family


def test_claude_bodies_use_the_anthropic_collectors() -> None:
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 5,
        "system": "sys",
        "messages": [
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "hmm", "signature": "s"},
                    {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"q": "a"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "r"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": "AA=="},
                    },
                ],
            },
        ],
    }
    ex = DIALECT.extract_request(body)
    got = {s.path: (s.text, s.role, s.trust, s.writable) for s in ex.segments if KEY not in s.path}
    assert got == {
        ("system",): ("sys", Role.SYSTEM, Trust.SYSTEM, True),
        ("messages", 0, "content", 0, "thinking"): ("hmm", Role.ASSISTANT, Trust.MODEL, False),
        ("messages", 0, "content", 1, "input", "q"): ("a", Role.TOOL_CALL, Trust.MODEL, True),
        ("messages", 1, "content", 0, "content"): ("r", Role.TOOL_RESULT, Trust.EXTERNAL, True),
    }
    assert ex.binary == (("messages", 1, "content", 1, "source", "data"),)


def test_unknown_shapes_are_unknown_and_embeddings_carry_no_text() -> None:
    assert DIALECT.extract_request({"weird": {"text": "x"}}).unknown == ((),)
    assert DIALECT.extract_response({"weird": 1}).unknown == ((),)
    assert DIALECT.extract_response({"embedding": [0.1], "inputTextTokenCount": 2}).segments == ()
    assert DIALECT.extract_request({"prompt": ["token", "ids"]}).unknown == (("prompt",),)


def test_images_in_native_bodies_are_binary() -> None:
    assert DIALECT.extract_request({"prompt": "describe", "images": ["iVBOR"]}).binary == (
        ("images",),
    )
    nova = {
        "messages": [
            {"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": "AA"}}}]}
        ]
    }
    assert DIALECT.extract_request(nova).binary == (
        ("messages", 0, "content", 0, "image", "source"),
    )


@pytest.mark.parametrize(
    ("path", "model", "stream"),
    [
        (
            "/model/anthropic.claude-3-haiku-20240307-v1:0/invoke",
            "anthropic.claude-3-haiku-20240307-v1:0",
            False,
        ),
        (
            "/model/us.anthropic.claude-sonnet-4-v1%3A0/invoke-with-response-stream",
            "us.anthropic.claude-sonnet-4-v1:0",
            True,
        ),
        (
            "/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A1%3Aapplication-inference-profile%2Fabc/invoke",
            "arn:aws:bedrock:us-west-2:1:application-inference-profile/abc",
            False,
        ),
    ],
)
def test_model_and_stream_from_path(path: str, model: str, stream: bool) -> None:
    assert DIALECT.model({}, path) == model
    assert DIALECT.wants_stream({}, path, "") is stream


def test_error_is_bedrock_shaped_for_every_family() -> None:
    shape = DIALECT.error(403, "blocked", "llmwall_policy_block")
    assert shape.status == 403 and shape.body == {"message": "blocked"}
    assert dict(shape.headers) == {"x-amzn-ErrorType": "AccessDeniedException"}


@pytest.mark.parametrize(
    ("body", "usage"),
    [
        (
            {"type": "message", "usage": {"input_tokens": 1, "output_tokens": 2}},
            {"input_tokens": 1, "output_tokens": 2},
        ),
        (
            {"generation": "x", "prompt_token_count": 3, "generation_token_count": 4},
            {"prompt_token_count": 3, "generation_token_count": 4},
        ),
        (
            {"inputTextTokenCount": 2, "results": [{"tokenCount": 5, "outputText": "x"}]},
            {"inputTextTokenCount": 2, "tokenCount": 5},
        ),
        ({"outputs": [{"text": "x"}]}, None),
    ],
)
def test_usage(body: dict, usage: dict | None) -> None:
    assert DIALECT.usage(body) == usage


# --- wrapped streams --------------------------------------------------------------------------


@pytest.mark.parametrize("case", WRAPPED_STREAM_CASES, ids=[c.id for c in WRAPPED_STREAM_CASES])
def test_wrapped_stream_secret_is_redacted_in_what_the_sdk_assembles(case: Case) -> None:
    secret = planted_secret()
    for seed in range(3):
        out = run_stream(case, secret, seed=seed)
        assert case.accept is not None
        assembled = case.accept(out)
        assert assembled is not None
        assert secret not in assembled and PLACEHOLDER in assembled
        assert secret not in sdk_bedrock.invoke_stream(out)  # every chunk, as boto3 hands them over


def test_matrix_size() -> None:
    assert len(CASES) >= 25 and len(WRAPPED_STREAM_CASES) == 8


def _inspect(raw: bytes) -> tuple[bytes, StreamInspector]:
    det = detector()
    ins = StreamInspector(
        DIALECT.stream, lambda t, i: det.scan(t, indirect=i), load_policy(None), holdback=64
    )
    out = [ins(raw[i : i + 23]) for i in range(0, len(raw), 23)]
    out.append(ins(b""))
    return b"".join(out), ins


def test_clean_claude_stream_is_assembled_unchanged() -> None:
    text = "Nothing to see here, just a plain and perfectly harmless answer of some length."
    tool = json.dumps({"city": "Oslo"})
    out, ins = _inspect(b"".join(claude_stream([("text", text), ("tool", tool)])))
    assert sdk_bedrock.invoke_claude_stream(out) == text + tool
    assert ins.stats.completed and not ins.stats.upstream_error


def test_stream_without_the_final_chunk_is_truncated() -> None:
    parts = llama_stream("some words that never finish properly because upstream died")
    out, ins = _inspect(b"".join(parts[:-1]))
    assert ins.stats.truncated
    with pytest.raises(BotoEventStreamError, match="modelStreamErrorException"):
        sdk_bedrock.invoke_stream(out)


def test_signed_thinking_with_a_finding_blocks_the_stream() -> None:
    secret = planted_secret()
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
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": "", "signature": ""},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": f"use {secret}"},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": "sig"},
        },
        {"type": "content_block_stop", "index": 0},
        {"type": "message_stop"},
    ]
    out, ins = _inspect(b"".join(chunks(events)))
    assert ins.stats.action.value == "block"
    assert secret not in out.decode("latin-1")
    with pytest.raises(BotoEventStreamError, match="validationException"):
        sdk_bedrock.invoke_stream(out)


def test_chunk_family() -> None:
    assert chunk_family({"type": "content_block_delta"}) == "anthropic"
    assert chunk_family({"contentBlockDelta": {}}) == "nova"
    assert chunk_family({"generation": "x"}) == "llama"
    assert chunk_family({"outputText": "x"}) == "titan"
    assert chunk_family({"outputs": []}) == "mistral"
    assert chunk_family({"event_type": "text-generation", "text": "x"}) == "cohere"
    assert chunk_family({"choices": []}) == "openai"
    assert chunk_family({"nope": 1}) is None


# --- property ------------------------------------------------------------------------------------

_T = st.text(max_size=25)
_BODIES = st.one_of(
    st.builds(
        lambda t, u: {
            "anthropic_version": "bedrock-2023-05-31",
            "system": t,
            "messages": [{"role": "user", "content": [{"type": "text", "text": u}]}],
        },
        _T,
        _T,
    ),
    st.builds(
        lambda t, u: {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"text": t},
                        {"toolResult": {"toolUseId": "x", "content": [{"json": {"a": u}}]}},
                    ],
                }
            ],
            "system": [{"text": u}],
        },
        _T,
        _T,
    ),
    st.builds(
        lambda t, u: {
            "messages": [{"role": "system", "content": t}, {"role": "user", "content": u}]
        },
        _T,
        _T,
    ),
    st.builds(lambda t: {"prompt": t, "max_gen_len": 5}, _T),
    st.builds(lambda t: {"inputText": t}, _T),
    st.builds(
        lambda t, u: {
            "message": t,
            "chat_history": [{"role": "USER", "message": u}],
            "documents": [{"snippet": u}],
        },
        _T,
        _T,
    ),
)


@settings(max_examples=100, deadline=None)
@given(_BODIES)
def test_write_back_without_findings_changes_nothing(body: dict) -> None:
    original = json.loads(json.dumps(body))
    ex = DIALECT.extract_request(body)
    assert jsonpath.set_many(body, {s.path: s.text for s in ex.segments}) == original
