from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.routing import jsonpath
from llmwall.routing.framing.sse import SSEFraming
from llmwall.routing.segment import JSON

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_writing_every_leaf_back_unchanged_is_identity(value: object) -> None:
    leaves = dict(jsonpath.string_leaves(value))
    copy = json.loads(json.dumps(value))
    assert jsonpath.set_many(copy, leaves) == value


def test_json_string_step_rewrites_inside_tool_arguments() -> None:
    body = {"args": json.dumps({"q": "secret", "n": 1})}
    leaves = list(jsonpath.json_string_leaves(body["args"], ("args",)))
    assert leaves == [(("args", JSON, "q"), "secret")]
    out = jsonpath.set_many(body, {("args", JSON, "q"): "<X>"})
    assert json.loads(out["args"]) == {"q": "<X>", "n": 1}


def test_non_json_arguments_are_one_leaf() -> None:
    assert list(jsonpath.json_string_leaves("{not json", ("a",))) == [(("a",), "{not json")]


EVENTS = (
    b'event: message_start\ndata: {"a": 1}\n\n'
    b": keep-alive\n\n"
    b'data: {"b":\r\ndata: 2}\r\n\r\n'
    b"data: [DONE]\n\n"
)


@settings(max_examples=100)
@given(st.lists(st.integers(1, len(EVENTS) - 1), max_size=20))
def test_sse_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    framing = SSEFraming()
    events, pos = [], 0
    for cut in [*sorted(set(cuts)), len(EVENTS)]:
        events += framing.feed(EVENTS[pos:cut])
        pos = cut
    events += framing.finish()
    assert [e.raw for e in events] == [e.raw for e in SSEFraming().feed(EVENTS)]
    assert b"".join(e.raw for e in events) == EVENTS
    kinds = [(e.name, e.data, e.meta.get("sentinel")) for e in events]
    assert kinds == [
        ("message_start", {"a": 1}, None),
        (None, None, None),
        (None, {"b": 2}, None),
        (None, None, "[DONE]"),
    ]
