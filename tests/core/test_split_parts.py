"""A value split across a message's text parts is found, in each part's piece."""

from __future__ import annotations

from llmwall.core.scanner import Scanner
from llmwall.detectors.engine import Detector
from llmwall.routing.dialects import get

SCANNER = Scanner(Detector())
KEY = "AKIAQ7RZP4XK2M5TNWLB"


def _pieces(dialect: str, body: dict) -> list[tuple[tuple, str]]:  # type: ignore[type-arg]
    ex = get(dialect).extract_request(body)  # type: ignore[union-attr]
    out = []
    for seg, findings in zip(ex.segments, SCANNER.scan(ex), strict=True):
        out += [
            (seg.path, seg.text[f.start : f.end])
            for f in findings
            if f.entity == "AWS_ACCESS_KEY_ID"
        ]
    return out


def test_openai_parts() -> None:
    body = {
        "model": "m",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": f"key {KEY[:7]}"},
                    {"type": "text", "text": f"{KEY[7:]} ok"},
                ],
            }
        ],
    }
    assert _pieces("openai_chat", body) == [
        (("messages", 0, "content", 0, "text"), KEY[:7]),
        (("messages", 0, "content", 1, "text"), KEY[7:]),
    ]


def test_three_parts_and_gemini() -> None:
    parts = [{"text": KEY[:5]}, {"text": KEY[5:12]}, {"text": KEY[12:]}]
    body = {"contents": [{"role": "user", "parts": parts}]}
    assert [p for _, p in _pieces("gemini", body)] == [KEY[:5], KEY[5:12], KEY[12:]]


def test_parts_of_different_messages_are_not_joined() -> None:
    body = {
        "model": "m",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": KEY[:7]}]},
            {"role": "user", "content": [{"type": "text", "text": KEY[7:]}]},
        ],
    }
    assert _pieces("openai_chat", body) == []


def test_a_whole_value_in_one_part_is_found_once() -> None:
    body = {
        "model": "m",
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": f"k {KEY}"}, {"type": "text", "text": "more"}],
            }
        ],
    }
    assert _pieces("openai_chat", body) == [(("messages", 0, "content", 0, "text"), KEY)]
