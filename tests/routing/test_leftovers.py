"""Strings an answer's dialect does not read are scanned too (routing.dialects.leftovers):
an unknown field of a message, a part, a block or the top level; never ids, enums,
model names or signatures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmwall.routing import body as body_codec
from llmwall.routing.dialects.anthropic import DIALECT as ANTHROPIC
from llmwall.routing.dialects.base import Collector, Dialect
from llmwall.routing.dialects.gemini import DIALECT as GEMINI
from llmwall.routing.dialects.leftovers import collect_leftovers, with_leftovers
from llmwall.routing.dialects.ollama import DIALECT as OLLAMA
from llmwall.routing.dialects.openai_chat import DIALECT as OPENAI
from llmwall.routing.segment import JSON, KEY, Extraction, Role, Segment, Trust

SECRET = "AKIAQ7RZP4XK2M5TNWLB"


def _texts(dialect: Dialect, body: Any) -> dict[tuple, str]:
    decoded = body_codec.decode(json.dumps(body).encode(), "application/json")
    return {s.path: s.text for s in dialect.read_response(decoded).segments}


OPENAI_BODY = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-x",
    "system_fingerprint": "fp_44709d6fcb",
    "service_tier": "default",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hi", "some_new_field": SECRET},
            "finish_reason": "stop",
        }
    ],
    "debug": {"echo": SECRET},
    "usage": {"prompt_tokens": 1},
}


def test_openai_unknown_fields_are_read_and_known_ids_are_not() -> None:
    texts = _texts(OPENAI, OPENAI_BODY)
    assert texts == {
        ("choices", 0, "message", "content"): "hi",
        ("choices", 0, "message", "some_new_field"): SECRET,
        ("debug", "echo"): SECRET,
    }


def test_anthropic_unknown_block_and_top_fields_are_read() -> None:
    body = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": [
            {"type": "text", "text": "hi", "note": SECRET},
            {"type": "thinking", "thinking": "t", "signature": "EqQBCkYIBxgCKkD" * 8},
        ],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "debug": SECRET,
    }
    texts = _texts(ANTHROPIC, body)
    assert texts[("content", 0, "note")] == SECRET and texts[("debug",)] == SECRET
    assert not any("signature" in p for p in texts)
    assert ("id",) not in texts and ("model",) not in texts


def test_gemini_unknown_part_field_and_enums() -> None:
    body = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "hi", "newField": SECRET}]},
                "finishReason": "STOP",
                "safetyRatings": [{"category": "HARM_CATEGORY_X", "probability": "NEGLIGIBLE"}],
            }
        ],
        "modelVersion": "gemini-x",
        "responseId": "abc",
    }
    texts = _texts(GEMINI, body)
    assert texts == {
        ("candidates", 0, "content", "parts", 0, "text"): "hi",
        ("candidates", 0, "content", "parts", 0, "newField"): SECRET,
    }


def test_ollama_unknown_field() -> None:
    body = {
        "model": "l",
        "created_at": "2026-01-01",
        "message": {"role": "assistant", "content": "hi"},
        "done": True,
        "done_reason": "stop",
        "x": SECRET,
    }
    assert _texts(OLLAMA, body)[("x",)] == SECRET


def test_covered_positions_are_not_read_twice() -> None:
    tree = {"a": '{"q": "x"}', "b": {"c": "y"}, "d": "z", "e": ["w"], "id": "i"}
    extraction = Extraction(
        (Segment("x", Role.ASSISTANT, Trust.MODEL, ("a", JSON, "q")),),
        unknown=(("b",),),
    )
    c = Collector()
    out = with_leftovers(extraction, tree)
    assert [s.path for s in out.segments] == [("a", JSON, "q"), ("d",), ("e", 0)]
    collect_leftovers(c, tree, [()])
    assert c.build().segments == ()


def test_a_key_that_is_not_an_identifier_is_read() -> None:
    c = Collector()
    collect_leftovers(c, {f"{SECRET} note": 1, "plain_key": 2}, [])
    assert [s.path for s in c.build().segments] == [(KEY, f"{SECRET} note")]


@pytest.mark.parametrize("value", [{"nested": SECRET}, [SECRET]])
def test_a_non_text_key_with_a_structured_value_is_still_read(value: Any) -> None:
    c = Collector()
    collect_leftovers(c, {"id": value}, [])
    assert [s.text for s in c.build().segments] == [SECRET]


def test_every_json_dialect_reads_its_leftovers() -> None:
    from llmwall.routing.dialects.openai_completions import DIALECT as COMPLETIONS
    from llmwall.routing.dialects.openai_responses import DIALECT as RESPONSES

    body = {"id": "resp_1", "object": "response", "output": [], "debug": SECRET}
    assert _texts(RESPONSES, body)[("debug",)] == SECRET
    body = {"id": "c", "choices": [{"index": 0, "text": "hi", "x": SECRET}]}
    assert _texts(COMPLETIONS, body)[("choices", 0, "x")] == SECRET


def test_ids_by_their_key_names_are_not_read() -> None:
    c = Collector()
    tree = {
        "item_id": "msg_1",
        "fileId": "f1",
        "Id": SECRET,
        "identity": SECRET,
        "embedding": "AAAA",
    }
    collect_leftovers(c, tree, [])
    assert sorted(s.path for s in c.build().segments) == [("Id",), ("identity",)]


def test_a_list_of_logprobs_tokens_is_one_text_in_parts() -> None:
    items = [{"token": t, "logprob": -1.0, "top_logprobs": [{"token": t}]} for t in ("AK", "IA")]
    c = Collector()
    collect_leftovers(c, {"logprobs": items}, [])
    out = c.build()
    assert [s.text for s in out.segments[:2]] == ["AK", "IA"] and out.joins == ((0, 1),)
    assert [s.path for s in out.segments[2:]] == [
        ("logprobs", 0, "top_logprobs", 0, "token"),
        ("logprobs", 1, "top_logprobs", 0, "token"),
    ]
