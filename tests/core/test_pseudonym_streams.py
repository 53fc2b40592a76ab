"""Pseudonymization round trips: whatever the chunking of a stream, the app reads
exactly the text the model meant, with every placeholder restored."""

from __future__ import annotations

import asyncio
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import parse_policy
from llmwall.core.pseudonyms import Pseudonyms, safe_cut
from llmwall.core.scanner import Scanner
from llmwall.detectors.engine import Detector
from llmwall.routing.dialects import get as get_dialect
from tests.e2e.agent_shapes import SHAPES

SCANNER = Scanner(Detector())
EMAILS = ["alice@example.org", "bob.smith@mail.example.net", "c+tag@example.com"]
INS = Inspector(parse_policy({"actions": {"EMAIL_ADDRESS": "pseudonymize"}}, "t"), SCANNER)
EX = Exchange("rid", "openai", "openai_chat", "h", "/v1/chat/completions", "127.0.0.9:1")
REQUEST = json.dumps(
    {"model": "m", "messages": [{"role": "user", "content": "mail " + " and ".join(EMAILS)}]}
).encode()
VERDICT = asyncio.run(INS.inspect_request(EX, REQUEST))
WORDS = ["the", "mail", "went", "to", "and", "then", "ok,", "<", ">", "<b>", "a<b", "x>y", "\n"]
TOKENS = st.sampled_from(
    [
        *WORDS,
        "<EMAIL_ADDRESS_1>",
        "<EMAIL_ADDRESS_2>",
        "<EMAIL_ADDRESS_3>",
        "<EMAIL_ADDRESS_9>",
        "<EMAIL_ADDRESS_",
    ]
)


def restored(text: str) -> str:
    for i, email in enumerate(EMAILS, 1):
        text = text.replace(f"<EMAIL_ADDRESS_{i}>", email)
    return text


def chat_text(out: bytes) -> str:
    parts = []
    for block in out.split(b"\n\n"):
        if block.startswith(b"data: {"):
            for choice in json.loads(block[6:])["choices"]:
                parts.append(choice["delta"].get("content") or "")
    return "".join(parts)


def anthropic_text(out: bytes) -> str:
    parts = []
    for block in out.split(b"\n\n"):
        for line in block.split(b"\n"):
            if line.startswith(b"data: "):
                data = json.loads(line[6:])
                if data.get("type") == "content_block_delta":
                    parts.append(data["delta"].get("text", ""))
    return "".join(parts)


def run(dialect: str, text: str, cuts: list[int]) -> bytes:
    d = get_dialect(dialect)
    assert d is not None and d.stream is not None
    si = INS.stream_inspector(EX, d.stream, 64, VERDICT.context)
    raw = b"".join(SHAPES[dialect].stream(None, None, text))
    points = sorted({c % (len(raw) + 1) for c in cuts} | {0, len(raw)})
    out = [si(raw[a:b]) for a, b in itertools.pairwise(points) if b > a]
    return b"".join([*out, si(b"")])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tokens=st.lists(TOKENS, min_size=1, max_size=60), cuts=st.lists(st.integers(0, 10**6)))
def test_any_chunking_of_a_chat_stream_restores_exactly(tokens: list[str], cuts: list[int]) -> None:
    text = " ".join(tokens)
    assert chat_text(run("openai_chat", text, cuts)) == restored(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tokens=st.lists(TOKENS, min_size=1, max_size=60), cuts=st.lists(st.integers(0, 10**6)))
def test_any_chunking_of_an_anthropic_stream_restores_exactly(
    tokens: list[str], cuts: list[int]
) -> None:
    text = "".join(tokens)  # placeholders glued to words too
    assert anthropic_text(run("anthropic", text, cuts)) == restored(text)


@given(st.text(alphabet="<>_AEMILDRS0123456789 abc", max_size=80), st.integers(0, 80))
def test_a_safe_cut_never_splits_a_placeholder(text: str, cut: int) -> None:
    cut = min(cut, len(text))
    at = safe_cut(text, cut)
    assert 0 <= at <= cut
    import re

    for m in re.finditer(r"<[A-Z][A-Z0-9_]*?_[1-9][0-9]{0,5}>", text):
        assert not (m.start() < at < m.end())


@given(st.lists(st.sampled_from([*EMAILS, "d@e.fg", 'q"uote@x.io']), min_size=1))
def test_placeholders_round_trip(values: list[str]) -> None:
    p = Pseudonyms()
    names = [p.placeholder("EMAIL_ADDRESS", v) for v in values]
    assert len(set(names)) == len(set(values))
    text = " | ".join(names)
    assert p.restore(text) == (" | ".join(values), len(values))
    encoded = json.dumps({"to": text})
    assert json.loads(p.restore_json(encoded)[0]) == {"to": " | ".join(values)}


def test_tool_arguments_in_a_stream_are_restored() -> None:
    for dialect in (
        "openai_chat",
        "anthropic",
        "cohere",
        "bedrock_converse",
        "openai_responses",
        "gemini",
        "ollama",
    ):
        out = run(dialect, "", [7, 19, 33])
        assert b"<EMAIL" not in out
        d = get_dialect(dialect)
        assert d is not None and d.stream is not None
        si = INS.stream_inspector(
            Exchange("rid", "openai", dialect, "h", "/p", "127.0.0.9:1"),
            d.stream,
            64,
            VERDICT.context,
        )
        raw = b"".join(SHAPES[dialect].stream("send_email", {"to": "<EMAIL_ADDRESS_2>"}))
        got = b"".join(si(raw[i : i + 5]) for i in range(0, len(raw), 5)) + si(b"")
        assert b"<EMAIL_ADDRESS_2>" not in got, dialect
        assert b"bob.smith@mail.example.net" in got, dialect
