"""Issue 13: a key split across the elements of a JSON array in a tool call's arguments
is found through the proxy's own path (dialect -> Extraction.element_joins ->
core.joins -> detector) and redacted in every element it spans; lists of ordinary
values are not joined into findings."""

from __future__ import annotations

import asyncio
import json

import pytest

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.decision import Decision

KEY = "AKIAQ7RZP4XK2M5TNWLB"


@pytest.fixture(scope="module")
def ins() -> Inspector:
    from tests.matrix.harness import detector

    return Inspector(load_policy(None), Scanner(detector()))


def _chat_with_tool_call(ins: Inspector, arguments: dict) -> tuple[Decision, dict]:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "store", "arguments": json.dumps(arguments)},
    }
    body = {
        "model": "m",
        "messages": [
            {"role": "user", "content": "store it"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": "ok"},
        ],
    }
    ex = Exchange("rid", "openai", "openai_chat", "api.openai.com", "/v1/chat/completions")
    v = asyncio.run(
        ins.inspect_request(
            ex, json.dumps(body).encode(), "", headers=(("content-type", "application/json"),)
        )
    )
    if v.content is None:
        return v.decision, arguments
    sent = json.loads(v.content)["messages"][1]["tool_calls"][0]["function"]["arguments"]
    return v.decision, json.loads(sent)


@pytest.mark.parametrize(
    "parts",
    [[KEY[:8], KEY[8:]], [KEY[:5], KEY[5:10], KEY[10:15], KEY[15:]]],
    ids=["two", "four"],
)
def test_a_key_split_across_array_elements_is_redacted_in_each(
    ins: Inspector, parts: list[str]
) -> None:
    decision, sent = _chat_with_tool_call(ins, {"parts": parts, "note": "x"})
    assert decision is Decision.REDACT
    assert sent == {"parts": ["<AWS_ACCESS_KEY_ID>"] * len(parts), "note": "x"}


def test_an_address_split_across_anthropic_tool_input_elements(ins: Inspector) -> None:
    body = {
        "model": "m",
        "max_tokens": 10,
        "messages": [
            {"role": "user", "content": "mail it"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": "t1",
                        "name": "send",
                        "input": {"to": ["maria.lopez", "@example.com"]},
                    }
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}],
            },
        ],
    }
    ex = Exchange("rid", "anthropic", "anthropic", "api.anthropic.com", "/v1/messages")
    v = asyncio.run(
        ins.inspect_request(
            ex, json.dumps(body).encode(), "", headers=(("content-type", "application/json"),)
        )
    )
    assert v.decision is Decision.REDACT
    sent = json.loads(v.content)["messages"][1]["content"][0]["input"]
    assert sent == {"to": ["<EMAIL_ADDRESS>", "<EMAIL_ADDRESS>"]}


@pytest.mark.parametrize(
    "arguments",
    [
        {"date": ["2024", "05", "17"], "phone_parts": ["415", "555", "2671"]},
        {"ids": ["user_1024", "user_2048", "user_4096"], "tags": ["alpha", "beta2"]},
        {"argv": ["ls", "-la", "/tmp/build42"], "digits": ["4539", "1488", "0343", "6467"]},
    ],
    ids=["numbers", "ids", "argv"],
)
def test_ordinary_arrays_are_not_joined_into_findings(ins: Inspector, arguments: dict) -> None:
    decision, sent = _chat_with_tool_call(ins, arguments)
    assert decision is Decision.ALLOW and sent == arguments
