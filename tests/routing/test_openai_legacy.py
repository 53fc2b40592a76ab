"""Legacy Completions and Embeddings dialects: prompt shapes, token ids, responses, stream."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.finding import Finding
from llmwall.routing import jsonpath
from llmwall.routing.dialects.openai_completions import DIALECT as COMPLETIONS
from llmwall.routing.dialects.openai_embeddings import DIALECT as EMBEDDINGS
from llmwall.routing.segment import Role, Trust
from tests.matrix.cases_openai_completions import accept_stream

SECRET = re.compile(r"SECRET-[A-Z0-9]{12}")


def fake_scan(text: str, indirect: bool) -> tuple[Finding, ...]:
    return tuple(
        Finding("OPENAI_API_KEY", m.start(), m.end(), 1.0, "Fake", "secret.openai_key")
        for m in SECRET.finditer(text)
    )


PROMPTS = [
    # (id, prompt, segment paths, unknown paths, opaque)
    ("string", "x", [("prompt",)], [], []),
    ("strings", ["x", "y"], [("prompt", 0), ("prompt", 1)], [], []),
    ("token ids", [1, 2, 3], [], [("prompt",)], ["token_ids"]),
    ("lists of token ids", [[1, 2], [3]], [], [("prompt", 0), ("prompt", 1)], ["token_ids"]),
    (
        "mixed",
        ["x", [4, 5], {"no": 1}],
        [("prompt", 0)],
        [("prompt", 1), ("prompt", 2)],
        ["token_ids"],
    ),
    ("empty list", [], [], [], []),
    ("number", 7, [], [("prompt",)], []),
    ("absent", None, [], [], []),
]


@pytest.mark.parametrize(
    ("prompt", "segments", "unknown", "opaque"),
    [p[1:] for p in PROMPTS],
    ids=[p[0] for p in PROMPTS],
)
@pytest.mark.parametrize("dialect", [COMPLETIONS, EMBEDDINGS], ids=["completions", "embeddings"])
def test_prompt_shapes(dialect, prompt, segments, unknown, opaque) -> None:
    field = "prompt" if dialect is COMPLETIONS else "input"
    body = {"model": "m"} if prompt is None else {"model": "m", field: prompt}
    ex = dialect.extract_request(body)
    rename = lambda paths: [(field, *p[1:]) for p in paths]  # noqa: E731
    assert [s.path for s in ex.segments] == rename(segments)
    assert all((s.role, s.trust) == (Role.USER, Trust.USER) for s in ex.segments)
    assert list(ex.unknown) == rename(unknown)
    assert list(ex.opaque) == opaque


def test_completions_suffix_and_response() -> None:
    ex = COMPLETIONS.extract_request({"prompt": "a", "suffix": "b"})
    assert [s.path for s in ex.segments] == [("prompt",), ("suffix",)]
    resp = {"choices": [{"index": 0, "text": "x"}, {"index": 1, "text": ""}, {"index": 2}]}
    assert [(s.path, s.role, s.trust) for s in COMPLETIONS.extract_response(resp).segments] == [
        (("choices", 0, "text"), Role.ASSISTANT, Trust.MODEL)
    ]


def test_embeddings_response_and_stream() -> None:
    body = {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}],
    }
    ex = EMBEDDINGS.extract_response(body)
    assert ex.segments == () and ex.unknown == () and ex.binary == ()
    assert EMBEDDINGS.stream is None
    assert EMBEDDINGS.wants_stream({"stream": True}, "/v1/embeddings", "") is False


@pytest.mark.parametrize("dialect", [COMPLETIONS, EMBEDDINGS])
def test_not_an_object_is_unknown(dialect) -> None:
    assert dialect.extract_request([1]).unknown == ((),)
    assert dialect.error(400, "m", "c").body["error"]["code"] == "c"


def _stream(text: str) -> bytes:
    env = {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "m"}
    chunks = [
        {
            **env,
            "choices": [
                {"index": 0, "text": text[i : i + 4], "logprobs": None, "finish_reason": None}
            ],
        }
        for i in range(0, len(text), 4)
    ]
    chunks.append(
        {**env, "choices": [{"index": 0, "text": "", "logprobs": None, "finish_reason": "length"}]}
    )
    return (
        b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
    )


@pytest.mark.parametrize("step", [1, 9, 300])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words with nothing in them, long enough to pass the holdback window.",) * 2,
        (
            "the key SECRET-ABCDEF123456 was here, and more words follow it for a while.",
            "the key <OPENAI_API_KEY> was here, and more words follow it for a while.",
        ),
    ],
)
def test_completions_stream(text: str, expected: str, step: int) -> None:
    inspector = StreamInspector(COMPLETIONS.stream, fake_scan, load_policy(None), holdback=16)
    raw = _stream(text)
    out = b"".join(inspector(raw[i : i + step]) for i in range(0, len(raw), step)) + inspector(b"")
    assert inspector.stats.completed and not inspector.stats.truncated
    assert accept_stream(out) == expected


_text = st.text(max_size=10)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        _text,
        st.lists(
            st.one_of(_text, st.lists(st.integers(0, 50000), min_size=1, max_size=3)), max_size=4
        ),
        st.lists(st.integers(0, 50000), min_size=1, max_size=4),
    ),
    st.one_of(st.none(), _text),
)
def test_write_back_without_findings_is_identity(prompt, suffix) -> None:
    for dialect, body in (
        (
            COMPLETIONS,
            {"model": "m", "prompt": prompt, **({"suffix": suffix} if suffix is not None else {})},
        ),
        (EMBEDDINGS, {"model": "m", "input": prompt}),
    ):
        ex = dialect.extract_request(body)
        assert jsonpath.set_many(copy.deepcopy(body), {s.path: s.text for s in ex.segments}) == body
    resp = {
        "choices": [
            {"index": 0, "text": prompt if isinstance(prompt, str) else "", "finish_reason": "stop"}
        ]
    }
    ex = COMPLETIONS.extract_response(resp)
    assert jsonpath.set_many(copy.deepcopy(resp), {s.path: s.text for s in ex.segments}) == resp
