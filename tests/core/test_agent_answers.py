"""Tool calls in answers of every dialect with tool calls, streamed and not, through the
Inspector: the policy's decision, the refusal, and that no byte of a blocked call's
arguments reaches the client."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from llmwall.core.agent import AgentContext
from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import parse_policy
from llmwall.core.scanner import Scanner
from llmwall.decision import Decision
from llmwall.detectors.engine import Detector
from llmwall.routing.dialects import get as get_dialect
from tests.e2e.agent_shapes import SHAPES

DIALECTS = sorted(SHAPES)
SECRET_ARG = "x@evil.example"  # the blocked call's argument: must never reach the client
POLICY = {
    "actions": {"EMAIL_ADDRESS": "allow"},  # the tool decisions alone, no redaction
    "tools": [
        {"name": "delete_*", "action": "block"},
        {"name": "send_email", "args": {"to": r".*@(?!acme\.com$).*"}, "action": "block"},
        {"name": "audit_*", "action": "shadow"},
    ],
}


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(Detector())


def inspector(scanner: Scanner, **policy: Any) -> Inspector:
    return Inspector(parse_policy(policy or POLICY, "test"), scanner, digest=lambda b: "d")


def exchange(dialect: str) -> Exchange:
    return Exchange("rid", "openai", dialect, "h", "/p", client="127.0.0.1:5000")


CONTEXT = AgentContext("127.0.0.1", "127.0.0.1|openai")


def answer(ins: Inspector, dialect: str, body: Any, context: AgentContext = CONTEXT) -> Any:
    raw = json.dumps(body).encode()
    return asyncio.run(ins.inspect_response(exchange(dialect), 200, lambda: raw, context=context))


def stream(
    ins: Inspector,
    dialect: str,
    chunks: list[bytes],
    seed: int = 0,
    context: AgentContext = CONTEXT,
) -> tuple[bytes, Any]:
    d = get_dialect(dialect)
    assert d is not None and d.stream is not None
    si = ins.stream_inspector(exchange(dialect), d.stream, 64, context)
    raw, out, pos, rng = b"".join(chunks), [], 0, random.Random(seed)
    while pos < len(raw):
        step = rng.randint(1, 48)
        out.append(si(raw[pos : pos + step]))
        pos += step
    out.append(si(b""))
    verdict = ins.stream_verdict(exchange(dialect), si.stats, status=200)
    return b"".join(out), verdict


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_blocked_call_becomes_the_providers_403(scanner: Scanner, dialect: str) -> None:
    body = SHAPES[dialect].body("send_email", {"to": SECRET_ARG, "body": "hi"})
    v = answer(inspector(scanner), dialect, body)
    assert v.decision is Decision.BLOCK and v.refusal is not None
    assert v.refusal.status == 403
    text = json.dumps(v.refusal.body)
    assert "send_email" in text and "tools[1]" in text and SECRET_ARG not in text
    if dialect in ("openai_chat", "openai_responses", "gemini"):
        assert "llmwall_tool_blocked" in text
    assert "block:tool:send_email:tools[1]" in v.record.rules
    assert v.record.extra["agent"]["tools"] == [
        {"name": "send_email", "decision": "block", "rule": "tools[1]"}
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_allowed_and_unmatched_calls_pass_unchanged(scanner: Scanner, dialect: str) -> None:
    body = SHAPES[dialect].body("send_email", {"to": "bob@acme.com"})
    v = answer(inspector(scanner), dialect, body)
    assert v.decision is Decision.ALLOW and v.refusal is None and v.content is None
    v = answer(inspector(scanner), dialect, SHAPES[dialect].body("get_weather", {"city": "Paris"}))
    assert v.decision is Decision.ALLOW and "agent" not in v.record.extra


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_shadow_rule_records_and_forwards(scanner: Scanner, dialect: str) -> None:
    v = answer(inspector(scanner), dialect, SHAPES[dialect].body("audit_log", {"n": 1}))
    assert v.decision is Decision.SHADOW and v.refusal is None and v.content is None
    assert "shadow:tool:audit_log:tools[2]" in v.record.rules


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_blocked_call_in_a_stream_never_shows_its_arguments(
    scanner: Scanner, dialect: str, seed: int
) -> None:
    chunks = SHAPES[dialect].stream("send_email", {"to": SECRET_ARG, "subject": "s"}, "On it.")
    out, verdict = stream(inspector(scanner), dialect, chunks, seed)
    assert SECRET_ARG.encode() not in out
    assert b"subject" not in out  # no fragment of the arguments either
    assert b"blocked the tool call" in out and b"tools[1]" in out
    assert verdict.decision is Decision.BLOCK
    assert "block:tool:send_email:tools[1]" in verdict.record.rules
    assert verdict.record.extra["agent"]["tools"][0]["rule"] == "tools[1]"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_allowed_call_in_a_stream_arrives_whole(scanner: Scanner, dialect: str) -> None:
    chunks = SHAPES[dialect].stream("send_email", {"to": "bob@acme.com"}, "On it.")
    out, verdict = stream(inspector(scanner), dialect, chunks)
    assert verdict.decision is Decision.ALLOW, verdict.record.rules
    assert b"blocked" not in out
    # the arguments are all there, possibly in other chunks than upstream's
    assert b"acme.com" in out


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_call_without_rules_in_a_stream_is_untouched(scanner: Scanner, dialect: str) -> None:
    chunks = SHAPES[dialect].stream("get_weather", {"city": "Paris"})
    out, verdict = stream(inspector(scanner), dialect, chunks)
    assert verdict.decision is Decision.ALLOW and b"Paris" in out


def test_no_context_means_no_tool_decisions(scanner: Scanner) -> None:
    """A response whose request left no AgentContext (no agent feature) is judged as
    before: the tool policy needs the request to have been seen."""
    body = SHAPES["openai_chat"].body("delete_file", {"path": "/"})
    raw = json.dumps(body).encode()
    v = asyncio.run(inspector(scanner).inspect_response(exchange("openai_chat"), 200, lambda: raw))
    assert v.decision is Decision.ALLOW


def test_vertex_partial_arguments_are_held_and_decided_whole(scanner: Scanner) -> None:
    """Vertex streams a call's arguments as `partialArgs` fragments: held until the call
    stops continuing, then decided on the assembled arguments."""

    def chunk(call: dict[str, Any], finish: str | None = None) -> bytes:
        cand: dict[str, Any] = {"content": {"role": "model", "parts": [{"functionCall": call}]},
                                "index": 0}  # fmt: skip
        if finish:
            cand["finishReason"] = finish
        return b"data: " + json.dumps({"candidates": [cand]}).encode() + b"\n\n"

    def frags(to: str) -> list[bytes]:
        return [
            chunk({"name": "send_email", "willContinue": True,
                   "partialArgs": [{"jsonPath": "$.to", "stringValue": to[:5]}]}),
            chunk({"willContinue": True,
                   "partialArgs": [{"jsonPath": "$.to", "stringValue": to[5:]}]}),
            chunk({"willContinue": False}, "STOP"),
        ]  # fmt: skip

    out, verdict = stream(inspector(scanner), "gemini", frags(SECRET_ARG))
    assert verdict.decision is Decision.BLOCK and b"evil" not in out
    out, verdict = stream(inspector(scanner), "gemini", frags("bob@acme.com"))
    assert verdict.decision is Decision.ALLOW and b"acme" in out


@pytest.mark.parametrize("dialect", ["openai_chat", "anthropic", "gemini", "ollama"])
def test_parallel_calls_one_blocked_blocks_the_answer(scanner: Scanner, dialect: str) -> None:
    body = SHAPES[dialect].body("get_weather", {"city": "Paris"})
    second = SHAPES[dialect].body("delete_repo", {"name": "prod"})
    if dialect == "openai_chat":
        body["choices"][0]["message"]["tool_calls"] += second["choices"][0]["message"]["tool_calls"]
    elif dialect == "anthropic":
        body["content"] += second["content"]
    elif dialect == "gemini":
        body["candidates"][0]["content"]["parts"] += second["candidates"][0]["content"]["parts"]
    else:
        body["message"]["tool_calls"] += second["message"]["tool_calls"]
    v = answer(inspector(scanner), dialect, body)
    assert v.decision is Decision.BLOCK
    assert v.record.extra["agent"]["tools"] == [
        {"name": "delete_repo", "decision": "block", "rule": "tools[0]"}
    ]
