"""Bedrock Converse / ConverseStream: positions, roles, unreadable parts, errors, streams."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import EventStreamError as BotoEventStreamError
from botocore.parsers import create_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.judge import judge
from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get
from llmwall.routing.dialects.bedrock_converse import DIALECT
from llmwall.routing.framing.eventstream import event_message
from llmwall.routing.segment import (
    KEY,  # keys are covered in test_generic_and_keys
    Direction,
    Role,
    Trust,
)
from tests.matrix import sdk_bedrock
from tests.matrix.cases_bedrock_converse import CITATION_STREAM, stream
from tests.matrix.harness import PLACEHOLDER, as_text, detector, planted_secret, run_stream


def _texts(body: Any, response: bool = False) -> dict[tuple, tuple[str, Role, Trust, bool]]:
    ex = (DIALECT.extract_response if response else DIALECT.extract_request)(body)
    return {s.path: (s.text, s.role, s.trust, s.writable) for s in ex.segments if KEY not in s.path}


def test_registered() -> None:
    assert get("bedrock_converse") is DIALECT


def test_positions_roles_and_trust() -> None:
    body = {
        "system": [
            {"text": "sys"},
            {"cachePoint": {"type": "default"}},
            {"guardContent": {"text": {"text": "gs"}}},
        ],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"text": "u"},
                    {"guardContent": {"text": {"text": "g", "qualifiers": ["query"]}}},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"reasoningContent": {"reasoningText": {"text": "think", "signature": "sig"}}},
                    {"toolUse": {"toolUseId": "t1", "name": "f", "input": {"q": "arg"}}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "toolResult": {
                            "toolUseId": "t1",
                            "content": [{"text": "res"}, {"json": {"k": "jv"}}],
                        }
                    }
                ],
            },
        ],
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": "f",
                        "description": "desc",
                        "inputSchema": {"json": {"description": "sd"}},
                    }
                }
            ],
            "toolChoice": {"auto": {}},
        },
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 10}},
        "promptVariables": {"topic": {"text": "pv"}},
    }
    got = _texts(body)
    assert got == {
        ("system", 0, "text"): ("sys", Role.SYSTEM, Trust.SYSTEM, True),
        ("system", 2, "guardContent", "text", "text"): ("gs", Role.SYSTEM, Trust.SYSTEM, True),
        ("messages", 0, "content", 0, "text"): ("u", Role.USER, Trust.USER, True),
        ("messages", 0, "content", 1, "guardContent", "text", "text"): (
            "g",
            Role.USER,
            Trust.USER,
            True,
        ),
        ("messages", 1, "content", 0, "reasoningContent", "reasoningText", "text"): (
            "think",
            Role.ASSISTANT,
            Trust.MODEL,
            False,
        ),
        ("messages", 1, "content", 1, "toolUse", "input", "q"): (
            "arg",
            Role.TOOL_CALL,
            Trust.MODEL,
            True,
        ),
        ("messages", 2, "content", 0, "toolResult", "content", 0, "text"): (
            "res",
            Role.TOOL_RESULT,
            Trust.EXTERNAL,
            True,
        ),
        ("messages", 2, "content", 0, "toolResult", "content", 1, "json", "k"): (
            "jv",
            Role.TOOL_RESULT,
            Trust.EXTERNAL,
            True,
        ),
        ("toolConfig", "tools", 0, "toolSpec", "description"): (
            "desc",
            Role.TOOL_DEFINITION,
            Trust.SYSTEM,
            True,
        ),
        ("toolConfig", "tools", 0, "toolSpec", "inputSchema", "json", "description"): (
            "sd",
            Role.TOOL_DEFINITION,
            Trust.SYSTEM,
            True,
        ),
        ("additionalModelRequestFields", "thinking", "type"): (
            "enabled",
            Role.SYSTEM,
            Trust.SYSTEM,
            True,
        ),
        ("promptVariables", "topic", "text"): ("pv", Role.USER, Trust.USER, True),
    }


def test_media_is_binary_references_are_opaque_and_new_blocks_unknown() -> None:
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
                    {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://b/v.mp4"}}}},
                    {"audio": {"format": "mp3", "source": {"bytes": "SUQz"}}},
                    {
                        "document": {
                            "format": "pdf",
                            "name": "report",
                            "source": {"bytes": "JVBERi0="},
                        }
                    },
                    {"reasoningContent": {"redactedContent": "b3BhcXVl"}},
                    {"hologram": {"text": "who knows"}},
                    {"cachePoint": {"type": "default"}},
                ],
            }
        ]
    }
    ex = DIALECT.extract_request(body)
    base = ("messages", 0, "content")
    assert ex.binary == (
        (*base, 0, "image", "source"),
        (*base, 2, "audio", "source"),
        (*base, 3, "document", "source"),
    )
    assert ex.unknown == ((*base, 5, "hologram"),)
    assert set(ex.opaque) == {"file_reference", "encrypted_reasoning"}
    assert [s.text for s in ex.segments] == ["report"]  # a document's name is scanned


def test_a_finding_in_signed_reasoning_blocks_instead_of_rewriting() -> None:
    secret = planted_secret()
    body = {
        "messages": [
            {
                "role": "assistant",
                "content": [
                    {
                        "reasoningContent": {
                            "reasoningText": {"text": f"k {secret}", "signature": "s"}
                        }
                    }
                ],
            }
        ]
    }
    ex = DIALECT.extract_request(body)
    scans = [detector().scan(s.text, indirect=False) for s in ex.segments]
    decision = judge(ex, scans, load_policy(None), Direction.REQUEST)
    assert decision.decision.value == "block" and not decision.rewrites


def test_response_output_positions() -> None:
    body = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {"text": "a"},
                    {"toolUse": {"toolUseId": "t", "name": "f", "input": {"x": ["b"]}}},
                    {
                        "citationsContent": {
                            "content": [{"text": "c"}],
                            "citations": [{"title": "t", "sourceContent": [{"text": "d"}]}],
                        }
                    },
                ],
            }
        },
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
    }
    assert [v[0] for v in _texts(body, response=True).values()] == ["a", "b", "c", "t", "d"]
    assert DIALECT.usage(body) == {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}


def test_not_a_dict_is_unknown() -> None:
    assert DIALECT.extract_request([1]).unknown == ((),)
    assert DIALECT.extract_response("x").unknown == ((),)


@pytest.mark.parametrize(
    ("path", "model", "stream"),
    [
        (
            "/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            False,
        ),
        (
            "/model/us.anthropic.claude-sonnet-4-v1:0/converse-stream",
            "us.anthropic.claude-sonnet-4-v1:0",
            True,
        ),
        (
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.meta.llama3/converse-stream?x=1",
            "arn:aws:bedrock:us-east-1:1:inference-profile/us.meta.llama3",
            True,
        ),
        ("/v1/chat/completions", None, False),
    ],
)
def test_model_and_stream_come_from_the_path(path: str, model: str | None, stream: bool) -> None:
    assert DIALECT.model({"model": "ignored"}, path) == model
    assert DIALECT.wants_stream({"stream": True}, path.split("?")[0], "") is stream


@pytest.mark.parametrize(
    ("status", "kind"),
    [(403, "AccessDeniedException"), (400, "ValidationException"), (413, "ValidationException")],
)
def test_error_is_bedrock_shaped_and_botocore_reads_its_code(status: int, kind: str) -> None:
    shape = DIALECT.error(status, "blocked by policy", "llmwall_policy_block")
    assert shape.body == {"message": "blocked by policy"}
    headers = dict(shape.headers)
    assert headers == {"x-amzn-ErrorType": kind}
    op = sdk_bedrock._op("Converse")
    parsed = create_parser("rest-json").parse(
        {
            "status_code": shape.status,
            "headers": {k.lower(): v for k, v in headers.items()},
            "body": json.dumps(shape.body).encode(),
        },
        op.output_shape,
    )
    assert parsed["Error"] == {"Code": kind, "Message": "blocked by policy"}


def test_portable_unless_it_fills_a_stored_prompt() -> None:
    assert DIALECT.portable({"messages": []})
    assert not DIALECT.portable({"promptVariables": {"a": {"text": "b"}}})


# --- streams ---------------------------------------------------------------------------------


def _inspect(raw: bytes, holdback: int = 64) -> tuple[bytes, StreamInspector]:
    det = detector()
    ins = StreamInspector(
        DIALECT.stream, lambda t, i: det.scan(t, indirect=i), load_policy(None), holdback=holdback
    )
    out = [ins(raw[i : i + 17]) for i in range(0, len(raw), 17)]
    out.append(ins(b""))
    return b"".join(out), ins


def test_clean_stream_reaches_boto3_with_the_same_text_and_usage() -> None:
    text = "A calm answer with nothing to hide, long enough to pass the holdback window twice over."
    raw = b"".join(stream([("text", text), ("tool", json.dumps({"city": "Paris"}))]))
    out, ins = _inspect(raw)
    assert sdk_bedrock.converse_stream(out) == text + json.dumps({"city": "Paris"})
    assert ins.stats.completed and not ins.stats.truncated
    assert ins.stats.usage == {"inputTokens": 5, "outputTokens": 9, "totalTokens": 14}


def test_exception_from_upstream_is_an_error_and_ends_the_stream() -> None:
    from llmwall.routing.framing.eventstream import exception_message

    raw = b"".join(stream([("text", "partial")])[:2]) + exception_message(
        "throttlingException", "slow down"
    )
    out, ins = _inspect(raw)
    assert ins.stats.upstream_error and ins.stats.completed
    with pytest.raises(BotoEventStreamError, match="throttlingException"):
        sdk_bedrock.converse_stream(out)


def test_truncated_upstream_ends_with_an_exception_boto3_raises() -> None:
    raw = b"".join(stream([("text", "a few words")])[:3])
    out, ins = _inspect(raw[:-5])
    assert ins.stats.truncated
    with pytest.raises(BotoEventStreamError, match="modelStreamErrorException"):
        sdk_bedrock.converse_stream(out)


def test_a_finding_in_streamed_reasoning_blocks_and_the_text_is_never_rewritten() -> None:
    secret = planted_secret()
    events = [
        ("messageStart", {"role": "assistant"}),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": f"think {secret}"}}},
        ),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig"}}},
        ),
        ("contentBlockStop", {"contentBlockIndex": 0}),
        ("messageStop", {"stopReason": "end_turn"}),
    ]
    out, ins = _inspect(b"".join(event_message(n, d) for n, d in events))
    assert secret not in as_text(out) and PLACEHOLDER not in as_text(out)
    assert ins.stats.action.value == "block"
    with pytest.raises(BotoEventStreamError, match="validationException"):
        sdk_bedrock.converse_stream(out)


def test_clean_reasoning_reaches_the_client_unchanged_and_before_its_signature() -> None:
    events = [
        ("messageStart", {"role": "assistant"}),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "let me think"}}},
        ),
        (
            "contentBlockDelta",
            {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig"}}},
        ),
        ("contentBlockStop", {"contentBlockIndex": 0}),
        ("messageStop", {"stopReason": "end_turn"}),
        ("metadata", {"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}}),
    ]
    raw = b"".join(event_message(n, d) for n, d in events)
    out, _ = _inspect(raw)
    from llmwall.routing.framing.eventstream import EventStreamFraming

    seen = [(e.name, e.data) for e in EventStreamFraming().feed(out)]
    assert [n for n, _ in seen] == [n for n, _ in events]
    reasoning = [d["delta"]["reasoningContent"] for n, d in seen if n == "contentBlockDelta"]
    assert reasoning == [{"text": "let me think"}, {"signature": "sig"}]


def test_streamed_citation_is_redacted() -> None:
    secret = planted_secret()
    out = run_stream(CITATION_STREAM, secret)
    assert secret not in as_text(out)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=3000), max_size=25),
    st.integers(min_value=0, max_value=60),
)
def test_any_chunking_gives_boto3_the_same_redacted_text(cuts: list[int], at: int) -> None:
    secret = "sk-proj-" + "Zq8Wm3Rt6Yp1Ks4Dv7Gh0Jn2Lc5Xb9Fe" * 2
    text = "word " * (at // 5) + f"key {secret} and some trailing words to flow on."
    raw = b"".join(stream([("text", text)]))
    det = detector()
    ins = StreamInspector(
        DIALECT.stream, lambda t, i: det.scan(t, indirect=i), load_policy(None), holdback=64
    )
    out, pos = [], 0
    for cut in [*sorted({c for c in cuts if c < len(raw)}), len(raw)]:
        out.append(ins(raw[pos:cut]))
        pos = cut
    out.append(ins(b""))
    assembled = sdk_bedrock.converse_stream(b"".join(out))
    assert assembled == text.replace(secret, PLACEHOLDER)


# --- property: extract + write back with no findings changes nothing ---------------------------

_TEXT = st.text(max_size=30)
_BLOCK = st.one_of(
    st.builds(lambda t: {"text": t}, _TEXT),
    st.builds(
        lambda t: {"toolUse": {"toolUseId": "t", "name": "f", "input": {"a": [t, {"b": t}]}}}, _TEXT
    ),
    st.builds(
        lambda t: {"toolResult": {"toolUseId": "t", "content": [{"text": t}, {"json": {"k": t}}]}},
        _TEXT,
    ),
    st.builds(lambda t: {"document": {"format": "txt", "name": "n", "source": {"text": t}}}, _TEXT),
    st.builds(
        lambda t: {"reasoningContent": {"reasoningText": {"text": t, "signature": "s"}}}, _TEXT
    ),
    st.builds(lambda t: {"guardContent": {"text": {"text": t}}}, _TEXT),
    st.just({"image": {"format": "png", "source": {"bytes": "AAAA"}}}),
)
_BODY = st.builds(
    lambda sys, msgs, desc: {
        "system": [{"text": t} for t in sys],
        "messages": [{"role": r, "content": c} for r, c in msgs],
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": "f",
                        "description": desc,
                        "inputSchema": {"json": {"type": "object"}},
                    }
                }
            ]
        },
    },
    st.lists(_TEXT, max_size=3),
    st.lists(
        st.tuples(st.sampled_from(["user", "assistant"]), st.lists(_BLOCK, max_size=4)), max_size=4
    ),
    _TEXT,
)


@settings(max_examples=100, deadline=None)
@given(_BODY)
def test_write_back_without_findings_changes_nothing(body: dict) -> None:
    original = json.loads(json.dumps(body))
    ex = DIALECT.extract_request(body)
    out = jsonpath.set_many(body, {s.path: s.text for s in ex.segments})
    assert out == original
