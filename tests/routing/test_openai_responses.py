"""OpenAI Responses dialect: where text is found, what is unknown, read-only or opaque,
and how its stream is rewritten (with a fake scanner: no detector models needed)."""

from __future__ import annotations

import copy
import json
import re

import httpx2 as httpx
import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.finding import Finding
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get
from llmwall.routing.dialects.openai_responses import DIALECT
from llmwall.routing.segment import (
    JSON,
    KEY,  # keys are covered in test_generic_and_keys
    Role,
    Trust,
)
from tests.matrix.cases_openai_responses import message, response, stream

SECRET = re.compile(r"SECRET-[A-Z0-9]{12}")
S = "SECRET-ABCDEF123456"


def fake_scan(text: str, indirect: bool) -> tuple[Finding, ...]:
    return tuple(
        Finding("OPENAI_API_KEY", m.start(), m.end(), 1.0, "Fake", "secret.openai_key")
        for m in SECRET.finditer(text)
    )


def seg_table(extraction) -> set[tuple]:
    return {(s.path, s.role, s.trust, s.writable) for s in extraction.segments if KEY not in s.path}


U, A, SY = (Role.USER, Trust.USER), (Role.ASSISTANT, Trust.MODEL), (Role.SYSTEM, Trust.SYSTEM)
CALL, RES, DEF = (
    (Role.TOOL_CALL, Trust.MODEL),
    (Role.TOOL_RESULT, Trust.EXTERNAL),
    (Role.TOOL_DEFINITION, Trust.SYSTEM),
)

REQUESTS = [
    ("input string", {"input": "x"}, {(("input",), *U, True)}),
    ("instructions string", {"instructions": "x"}, {(("instructions",), *SY, True)}),
    (
        "instructions items",
        {"instructions": [{"role": "developer", "content": "x"}]},
        {(("instructions", 0, "content"), *SY, True)},
    ),
    (
        "easy message",
        {"input": [{"role": "user", "content": "x"}]},
        {(("input", 0, "content"), *U, True)},
    ),
    (
        "input_text part",
        {
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "x"}],
                }
            ]
        },
        {(("input", 0, "content", 0, "text"), *U, True)},
    ),
    (
        "assistant history",
        {
            "input": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [
                        {"type": "output_text", "text": "x", "annotations": []},
                        {"type": "refusal", "refusal": "y"},
                    ],
                }
            ]
        },
        {
            (("input", 0, "content", 0, "text"), *A, True),
            (("input", 0, "content", 1, "refusal"), *A, True),
        },
    ),
    (
        "function_call arguments leaves",
        {"input": [{"type": "function_call", "arguments": '{"a": "x", "b": ["y"]}'}]},
        {
            (("input", 0, "arguments", JSON, "a"), *CALL, True),
            (("input", 0, "arguments", JSON, "b", 0), *CALL, True),
        },
    ),
    (
        "function_call arguments not JSON",
        {"input": [{"type": "function_call", "arguments": "x"}]},
        {(("input", 0, "arguments"), *CALL, True)},
    ),
    (
        "function_call_output string is external",
        {"input": [{"type": "function_call_output", "output": "x"}]},
        {(("input", 0, "output"), *RES, True)},
    ),
    (
        "function_call_output parts",
        {
            "input": [
                {"type": "function_call_output", "output": [{"type": "input_text", "text": "x"}]}
            ]
        },
        {(("input", 0, "output", 0, "text"), *RES, True)},
    ),
    (
        "custom tool call and output",
        {
            "input": [
                {"type": "custom_tool_call", "input": "x"},
                {"type": "custom_tool_call_output", "output": "y"},
            ]
        },
        {(("input", 0, "input"), *CALL, True), (("input", 1, "output"), *RES, True)},
    ),
    (
        "reasoning sent back is read-only",
        {
            "input": [
                {
                    "type": "reasoning",
                    "id": "rs_1",
                    "encrypted_content": "gAAA",
                    "summary": [{"type": "summary_text", "text": "x"}],
                }
            ]
        },
        {(("input", 0, "summary", 0, "text"), *A, False)},
    ),
    (
        "web search query",
        {
            "input": [
                {
                    "type": "web_search_call",
                    "id": "ws_1",
                    "status": "completed",
                    "action": {"type": "search", "query": "x"},
                }
            ]
        },
        {(("input", 0, "action", "query"), *CALL, True)},
    ),
    (
        "file search results are external",
        {
            "input": [
                {
                    "type": "file_search_call",
                    "id": "fs",
                    "queries": ["x"],
                    "results": [{"file_id": "f", "text": "y"}],
                }
            ]
        },
        {
            (("input", 0, "queries", 0), *CALL, True),
            (("input", 0, "results", 0, "text"), *RES, True),
        },
    ),
    (
        "mcp call",
        {
            "input": [
                {
                    "type": "mcp_call",
                    "id": "m",
                    "server_label": "s",
                    "name": "n",
                    "arguments": "x",
                    "output": "y",
                }
            ]
        },
        {
            (("input", 0, "name"), *CALL, True),
            (("input", 0, "arguments"), *CALL, True),
            (("input", 0, "output"), *RES, True),
        },
    ),
    (
        "shell output",
        {
            "input": [
                {
                    "type": "shell_call_output",
                    "call_id": "c",
                    "output": [{"stdout": "x", "stderr": "y"}],
                }
            ]
        },
        {
            (("input", 0, "output", 0, "stdout"), *RES, True),
            (("input", 0, "output", 0, "stderr"), *RES, True),
        },
    ),
    (
        "flat function tool",
        {
            "tools": [
                {
                    "type": "function",
                    "name": "f",
                    "description": "x",
                    "parameters": {"properties": {"q": {"description": "y"}}},
                }
            ]
        },
        {
            (("tools", 0, "description"), *DEF, True),
            (("tools", 0, "parameters", "properties", "q", "description"), *DEF, True),
        },
    ),
    (
        "text.format schema",
        {"text": {"format": {"type": "json_schema", "schema": {"description": "x"}}}},
        {
            (("text", "format", "type"), *DEF, True),
            (("text", "format", "schema", "description"), *DEF, True),
        },
    ),
    (
        "prompt variables",
        {"prompt": {"id": "p", "variables": {"a": "x", "b": {"type": "input_text", "text": "y"}}}},
        {
            (("prompt", "variables", "a"), *U, True),
            (("prompt", "variables", "b", "text"), *U, True),
        },
    ),
    ("empty strings are skipped", {"input": "", "instructions": ""}, set()),
]


@pytest.mark.parametrize(
    ("body", "expected"), [r[1:] for r in REQUESTS], ids=[r[0] for r in REQUESTS]
)
def test_request_segments(body: dict, expected: set) -> None:
    assert seg_table(DIALECT.extract_request(body)) == expected


UNREADABLE = [
    (
        "unknown item type",
        {"input": [{"type": "hologram_call", "data": "x"}]},
        [("input", 0)],
        [],
        [],
    ),
    (
        "unknown part type",
        {"input": [{"role": "user", "content": [{"type": "input_smell", "x": 1}]}]},
        [("input", 0, "content", 0)],
        [],
        [],
    ),
    (
        "unknown summary part",
        {"input": [{"type": "reasoning", "summary": [{"type": "glyph"}]}]},
        [("input", 0, "summary", 0)],
        [],
        [],
    ),
    ("input neither string nor list", {"input": 5}, [("input",)], [], []),
    ("not an object", [1], [()], [], []),
    (
        "data url image is binary",
        {
            "input": [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "input_image",
                            "image_url": "data:image/png;base64,AAAA",
                            "detail": "auto",
                        }
                    ],
                }
            ]
        },
        [],
        [("input", 0, "content", 0, "image_url")],
        [],
    ),
    (
        "file_data is binary",
        {"input": [{"role": "user", "content": [{"type": "input_file", "file_data": "JVBERi0"}]}]},
        [],
        [("input", 0, "content", 0, "file_data")],
        [],
    ),
    (
        "file id is a reference",
        {"input": [{"role": "user", "content": [{"type": "input_file", "file_id": "file_1"}]}]},
        [],
        [],
        ["file_reference"],
    ),
    (
        "screenshot output is binary",
        {
            "input": [
                {
                    "type": "computer_call_output",
                    "call_id": "c",
                    "output": {
                        "type": "computer_screenshot",
                        "image_url": "data:image/png;base64,AAAA",
                    },
                }
            ]
        },
        [],
        [("input", 0, "output", "image_url")],
        [],
    ),
    (
        "generated image is binary",
        {
            "input": [
                {
                    "type": "image_generation_call",
                    "id": "ig",
                    "status": "completed",
                    "result": "iVBOR",
                }
            ]
        },
        [],
        [("input", 0, "result")],
        [],
    ),
    (
        "encrypted reasoning",
        {"input": [{"type": "reasoning", "summary": [], "encrypted_content": "gAAA"}]},
        [],
        [],
        ["encrypted_reasoning"],
    ),
    (
        "item reference",
        {"input": [{"type": "item_reference", "id": "msg_1"}]},
        [],
        [],
        ["server_side_state"],
    ),
    (
        "previous response",
        {"input": "x", "previous_response_id": "resp_1"},
        [],
        [],
        ["server_side_state"],
    ),
    (
        "conversation",
        {"input": "x", "conversation": {"id": "conv_1"}},
        [],
        [],
        ["server_side_state"],
    ),
    ("stored prompt", {"prompt": {"id": "pmpt_1"}}, [], [], ["server_side_state"]),
    (
        "compaction",
        {"input": [{"type": "compaction", "encrypted_content": "gAAA"}]},
        [],
        [],
        ["encrypted_context"],
    ),
]


@pytest.mark.parametrize(
    ("body", "unknown", "binary", "opaque"),
    [r[1:] for r in UNREADABLE],
    ids=[r[0] for r in UNREADABLE],
)
def test_request_unreadable_parts(body, unknown, binary, opaque) -> None:
    ex = DIALECT.extract_request(body)
    assert list(ex.unknown) == unknown
    assert list(ex.binary) == binary
    assert list(ex.opaque) == opaque


@pytest.mark.parametrize(
    ("body", "portable"),
    [
        ({"input": "x"}, True),
        ({"input": "x", "store": True}, True),
        ({"input": "x", "previous_response_id": "resp_1"}, False),
        ({"input": "x", "conversation": "conv_1"}, False),
        ({"prompt": {"id": "pmpt_1", "variables": {}}}, False),
        ({"input": [{"type": "item_reference", "id": "msg_1"}]}, False),
        ({"prompt": {"variables": {"a": "b"}}}, True),
    ],
)
def test_portable(body: dict, portable: bool) -> None:
    assert DIALECT.portable(body) is portable


def test_response_segments() -> None:
    body = response(
        [
            {
                "id": "rs_1",
                "type": "reasoning",
                "encrypted_content": "gAAA",
                "summary": [{"type": "summary_text", "text": "r"}],
            },
            message(
                {"type": "output_text", "text": "t", "annotations": []},
                {"type": "refusal", "refusal": "n"},
            ),
            {
                "id": "fc",
                "type": "function_call",
                "call_id": "c",
                "name": "f",
                "arguments": '{"k": "v"}',
            },
        ],
        instructions="i",
        output_text="t",
    )
    assert seg_table(DIALECT.extract_response(body)) == {
        (("output", 0, "summary", 0, "text"), *A, True),  # response reasoning text is plain output
        (("output", 1, "content", 0, "text"), *A, True),
        (("output", 1, "content", 1, "refusal"), *A, True),
        (("output", 2, "arguments", JSON, "k"), *CALL, True),
        (("output_text",), *A, True),
        (("instructions",), *SY, True),
    }
    assert DIALECT.extract_response(body).opaque == ("encrypted_reasoning",)


def test_registry_and_error_shape() -> None:
    assert get("openai_responses") is DIALECT
    err = DIALECT.error(403, "blocked", "llmwall_policy_block")
    assert err.status == 403 and err.body["error"]["code"] == "llmwall_policy_block"


# --- property: extract + write back unchanged text is the identity ----------------------

_text = st.text(min_size=0, max_size=12)
_part = st.one_of(
    st.fixed_dictionaries({"type": st.just("input_text"), "text": _text}),
    st.fixed_dictionaries(
        {"type": st.just("output_text"), "text": _text, "annotations": st.just([])}
    ),
    st.fixed_dictionaries({"type": st.just("refusal"), "refusal": _text}),
    st.fixed_dictionaries(
        {"type": st.just("input_image"), "image_url": st.just("https://x/y.png")}
    ),
)
_json_args = st.recursive(
    st.one_of(_text, st.integers(), st.booleans(), st.none()),
    lambda kids: st.one_of(st.lists(kids, max_size=3), st.dictionaries(_text, kids, max_size=3)),
    max_leaves=6,
).map(lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":")))
_item = st.one_of(
    st.fixed_dictionaries(
        {
            "role": st.sampled_from(["user", "system", "developer", "assistant"]),
            "content": st.one_of(_text, st.lists(_part, max_size=3)),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("function_call"),
            "call_id": st.just("c"),
            "name": st.just("f"),
            "arguments": st.one_of(_json_args, _text),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("function_call_output"),
            "call_id": st.just("c"),
            "output": st.one_of(_text, st.lists(_part, max_size=2)),
        }
    ),
    st.fixed_dictionaries({"type": st.just("custom_tool_call"), "input": _text}),
    st.fixed_dictionaries(
        {
            "type": st.just("reasoning"),
            "encrypted_content": st.just("gAAA"),
            "summary": st.lists(
                st.fixed_dictionaries({"type": st.just("summary_text"), "text": _text}), max_size=2
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("web_search_call"),
            "id": st.just("ws"),
            "action": st.fixed_dictionaries({"type": st.just("search"), "query": _text}),
        }
    ),
)
_request = st.fixed_dictionaries(
    {"model": st.just("m"), "input": st.one_of(_text, st.lists(_item, max_size=4))},
    optional={
        "instructions": _text,
        "tools": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just("function"),
                    "name": st.just("f"),
                    "description": _text,
                    "parameters": st.dictionaries(_text, _text, max_size=2),
                }
            ),
            max_size=2,
        ),
        "prompt": st.fixed_dictionaries(
            {"id": st.just("p"), "variables": st.dictionaries(_text, _text, max_size=2)}
        ),
    },
)


@settings(max_examples=200, deadline=None)
@given(_request)
def test_write_back_without_findings_is_identity(body: dict) -> None:
    for extract in (DIALECT.extract_request, DIALECT.extract_response):
        extraction = extract(body)
        rewritten = jsonpath.set_many(
            copy.deepcopy(body), {s.path: s.text for s in extraction.segments}
        )
        assert rewritten == body
        for s in extraction.segments:
            assert jsonpath.get(body, s.path) == s.text


@settings(max_examples=100, deadline=None)
@given(st.lists(_item, max_size=4))
def test_response_write_back_is_identity(output: list) -> None:
    body = response(output)
    extraction = DIALECT.extract_response(body)
    assert (
        jsonpath.set_many(copy.deepcopy(body), {s.path: s.text for s in extraction.segments})
        == body
    )


# --- stream ---------------------------------------------------------------------------


def run(chunks: list[bytes], step: int = 7) -> list[dict]:
    """The rewritten stream's events, decoded."""
    inspector = StreamInspector(DIALECT.stream, fake_scan, load_policy(None), holdback=16)
    raw = b"".join(chunks)
    out = b"".join(inspector(raw[i : i + step]) for i in range(0, len(raw), step)) + inspector(b"")
    events = []
    for block in out.decode().split("\n\n"):
        data = [line[6:] for line in block.splitlines() if line.startswith("data: ")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


def copies(events: list[dict], kind: str) -> dict[str, str]:
    """Assembled deltas and every full copy of the one text in a `stream(kind, ...)`."""
    deltas = "".join(e["delta"] for e in events if e["type"].endswith(".delta"))
    done = next(
        e for e in events if e["type"].endswith(".done") and "part" not in e and "item" not in e
    )
    item = next(e["item"] for e in events if e["type"] == "response.output_item.done")
    final = next(e["response"] for e in events if e["type"] == "response.completed")["output"][0]
    field = {
        "text": "text",
        "refusal": "refusal",
        "function": "arguments",
        "custom": "input",
        "summary": "text",
    }[kind]
    found = {"deltas": deltas, "done": done[field]}
    for name, node in (("item", item), ("completed", final)):
        if kind in ("text", "refusal"):
            found[name] = node["content"][0][field]
        elif kind == "summary":
            found[name] = node["summary"][0]["text"]
        else:
            found[name] = node[field]
    part = next(
        (
            e["part"]
            for e in events
            if e["type"] in ("response.content_part.done", "response.reasoning_summary_part.done")
        ),
        None,
    )
    if part is not None:
        found["part"] = part.get("text", part.get("refusal"))
    return found


KINDS = ["text", "refusal", "function", "custom", "summary"]


def _payload(kind: str, secret: str) -> str:
    if kind == "function":
        return json.dumps({"query": f"token {secret}", "limit": 3})
    return f"A long enough answer that mentions {secret} somewhere in the middle, then goes on."


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("step", [1, 5, 64])
def test_stream_without_findings_keeps_every_copy(kind: str, step: int) -> None:
    text = _payload(kind, "nothing-to-see")
    found = copies(run(stream(kind, text), step), kind)
    assert found == dict.fromkeys(found, text), "held-back text must reach the deltas too"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("step", [1, 5, 64])
def test_stream_redacts_every_copy_consistently(kind: str, step: int) -> None:
    found = copies(run(stream(kind, _payload(kind, S)), step), kind)
    expected = _payload(kind, "<OPENAI_API_KEY>")
    assert found == dict.fromkeys(found, expected)


def test_unknown_delta_type_is_scanned_and_audio_is_not() -> None:
    stream_dialect = DIALECT.stream
    from llmwall.routing.dialects.base import StreamEvent

    future = StreamEvent(b"", {"type": "response.hologram.delta", "item_id": "h", "delta": "x"})
    audio = StreamEvent(b"", {"type": "response.audio.delta", "delta": "UklGRg=="})
    assert [p.path for p in stream_dialect.pieces(future)] == [("delta",)]
    assert stream_dialect.pieces(audio) == []


def _sdk_events(raw: bytes) -> list:
    from openai.types.responses import ResponseStreamEvent

    client = openai.OpenAI(api_key="sk-test", base_url="https://api.openai.com/v1")
    http = httpx.Response(
        200,
        content=raw,
        headers={"content-type": "text/event-stream"},
        request=httpx.Request("POST", "https://api.openai.com/v1/responses"),
    )
    return list(openai.Stream(cast_to=ResponseStreamEvent, response=http, client=client))


def test_error_event_makes_the_sdk_raise() -> None:
    raw = DIALECT.stream.error_event("blocked by llmwall policy (x)", "llmwall_policy_block")
    assert raw.startswith(b"event: error\n")
    with pytest.raises(openai.APIError, match="blocked by llmwall"):
        _sdk_events(raw)
    from openai.types.responses import ResponseErrorEvent

    data = json.loads(raw.split(b"data: ", 1)[1])
    assert ResponseErrorEvent.model_validate(data).code == "llmwall_policy_block"


def test_stream_cut_short_ends_with_an_error_the_sdk_raises() -> None:
    chunks = stream("text", _payload("text", "nothing"))[:-1]  # no response.completed
    inspector = StreamInspector(DIALECT.stream, fake_scan, load_policy(None), holdback=16)
    out = b"".join(inspector(c) for c in chunks) + inspector(b"")
    assert inspector.stats.truncated
    with pytest.raises(openai.APIError):
        _sdk_events(out)


@pytest.mark.parametrize(
    ("event", "terminal", "error"),
    [
        ({"type": "response.completed", "response": {}}, True, False),
        ({"type": "response.incomplete", "response": {}}, True, False),
        ({"type": "response.failed", "response": {}}, True, True),
        ({"type": "error", "code": "x", "message": "m"}, True, True),
        ({"type": "response.output_text.done", "text": ""}, False, False),
    ],
)
def test_terminal_and_error_events(event: dict, terminal: bool, error: bool) -> None:
    from llmwall.routing.dialects.base import StreamEvent

    ev = StreamEvent(b"", event, event["type"])
    assert DIALECT.stream.is_terminal(ev) is terminal
    assert DIALECT.stream.is_error(ev) is error
