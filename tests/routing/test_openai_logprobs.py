"""OpenAI logprobs repeat the answer's text token by token: the chosen tokens are read as
one text (body) or one held-back channel (stream), and a rewritten token's `bytes` and
`top_logprobs` follow it."""

from __future__ import annotations

import json

from llmwall.routing import body as body_codec
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.dialects.logprobs import mirrors as logprob_mirrors
from llmwall.routing.dialects.openai_chat import DIALECT

TOKENS = ["key ", "AKIA", "Q7RZP4", "XK2M5TNWLB"]


def _items() -> list[dict]:
    return [
        {"token": t, "logprob": -0.1, "bytes": list(t.encode()), "top_logprobs": [{"token": t}]}
        for t in TOKENS
    ]


def test_body_tokens_are_one_joined_text() -> None:
    body = {
        "choices": [{"index": 0, "message": {"content": "x"}, "logprobs": {"content": _items()}}]
    }
    extraction = DIALECT.read_response(
        body_codec.decode(json.dumps(body).encode(), "application/json")
    )
    paths = [s.path for s in extraction.segments]
    tokens = [("choices", 0, "logprobs", "content", k, "token") for k in range(4)]
    assert all(p in paths for p in tokens)
    assert tuple(paths.index(p) for p in tokens) in extraction.joins


def test_a_rewritten_token_takes_its_bytes_and_alternatives_along() -> None:
    body = {"choices": [{"logprobs": {"content": _items()}}]}
    path = ("choices", 0, "logprobs", "content", 1, "token")
    out = logprob_mirrors(body, {path: "<K>"})
    assert out == {(*path[:-1], "bytes"): list(b"<K>"), (*path[:-1], "top_logprobs"): []}
    assert logprob_mirrors(body, {("choices", 0, "message", "content"): "y"}) == {}


def test_stream_tokens_are_a_channel_of_their_own() -> None:
    data = {
        "choices": [
            {"index": 0, "delta": {"content": "AKIA"}, "logprobs": {"content": _items()[1:2]}}
        ]
    }
    pieces = DIALECT.stream.pieces(StreamEvent(raw=b"", data=data))
    assert [(p.channel, p.text) for p in pieces] == [
        ((0, "logprobs", "content"), "AKIA"),
        ((0, "content"), "AKIA"),
    ]
    synthetic = DIALECT.stream.synthetic(StreamEvent(raw=b"x", data=data), pieces[0], "held")
    (choice,) = synthetic.data["choices"]
    assert choice["logprobs"]["content"][0]["token"] == "held"
    assert choice["logprobs"]["content"][0]["bytes"] == list(b"held")


def test_responses_delta_tokens_are_a_channel_and_flush_without_the_delta() -> None:
    from llmwall.routing.dialects.openai_responses import DIALECT as RESPONSES

    data = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "AKIA",
        "logprobs": _items()[1:2],
    }
    event = StreamEvent(raw=b"x", data=data, name="response.output_text.delta")
    text, token = RESPONSES.stream.pieces(event)
    assert token.channel == (text.channel, "logprobs") and token.path == ("logprobs", 0, "token")
    synthetic = RESPONSES.stream.synthetic(event, token, "held")
    assert synthetic.data["delta"] == "" and synthetic.data["logprobs"][0]["token"] == "held"
