"""Default deny of the unread (issue 13): unknown endpoints are scanned, not passed;
bodiless requests have their query and path read; duplicate keys and NaN are 400s; a
secret split across text parts is redacted in each part; binary content is named."""

from __future__ import annotations

import asyncio
import json

import pytest

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.decision import Decision
from llmwall.errors import InspectionError

KEY = "sk-proj-" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2rS5uX8"


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    from tests.matrix.harness import detector

    return Scanner(detector())


@pytest.fixture(scope="module")
def ins(scanner: Scanner) -> Inspector:
    return Inspector(load_policy(None), scanner)


def _req(
    ins: Inspector,
    content: bytes,
    *,
    dialect: str | None = None,
    path: str = "/v1/x",
    query: str = "",
    ctype: str = "application/json",
    headers: tuple = (),
):
    ex = Exchange("rid", "openai", dialect, "api.openai.com", path)
    return asyncio.run(
        ins.inspect_request(ex, content, query, headers=(("content-type", ctype), *headers))
    )


def test_an_unknown_endpoint_is_scanned_and_redacted(ins: Inspector) -> None:
    v = _req(ins, json.dumps({"suffix": f"key {KEY}"}).encode())
    assert v.decision is Decision.REDACT
    assert KEY.encode() not in v.content and b"<OPENAI_API_KEY>" in v.content


@pytest.mark.parametrize(
    ("setting", "decision"), [("allow", Decision.UNSCANNED), ("block", Decision.BLOCK)]
)
def test_operators_keep_unknown_endpoint(
    scanner: Scanner, setting: str, decision: Decision
) -> None:
    ins = Inspector(load_policy({"unknown_endpoint": setting}), scanner)
    assert _req(ins, json.dumps({"suffix": KEY}).encode()).decision is decision


def test_a_bodiless_get_has_its_query_and_path_scanned(ins: Inspector) -> None:
    v = _req(ins, b"", path=f"/v1/files/{KEY}", query=f"user={KEY}&limit=2")
    assert v.decision is Decision.REDACT and KEY not in (v.url or "")
    assert v.url.startswith("/v1/files/%3COPENAI_API_KEY%3E?user=%3COPENAI_API_KEY%3E")


def test_a_header_is_redacted(ins: Inspector) -> None:
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
    v = _req(
        ins,
        body,
        dialect="openai_chat",
        path="/v1/chat/completions",
        headers=(("authorization", f"Bearer {KEY}"), ("x-note", KEY)),
    )
    assert v.decision is Decision.REDACT and v.content is None
    assert v.headers == ((2, "x-note", "<OPENAI_API_KEY>"),)  # the credential is left alone


@pytest.mark.parametrize("content", [b'{"a": 1, "a": 2}', b'{"a": NaN}'])
def test_duplicate_keys_and_nan_are_a_400(ins: Inspector, content: bytes) -> None:
    ex = Exchange("rid", "openai", "openai_chat", "api.openai.com", "/v1/chat/completions")
    with pytest.raises(InspectionError) as raised:
        _req(ins, content, dialect="openai_chat")
    v = ins.failure(ex, "request", raised.value, fail_open=False)
    assert v.refusal is not None and v.refusal.status == 400
    assert v.refusal.body["error"]["type"] == "invalid_request_error"


def test_a_secret_split_across_parts_is_redacted_in_each(ins: Inspector) -> None:
    a, b = KEY[:20], KEY[20:]
    parts = [{"type": "text", "text": f"key {a}"}, {"type": "text", "text": b}]
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": parts}]}).encode()
    v = _req(ins, body, dialect="openai_chat", path="/v1/chat/completions")
    sent = json.loads(v.content)["messages"][0]["content"]
    assert sent == [
        {"type": "text", "text": "key <OPENAI_API_KEY>"},
        {"type": "text", "text": "<OPENAI_API_KEY>"},
    ]


def test_binary_content_is_named_in_the_record(ins: Inspector) -> None:
    part = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": [part]}]}).encode()
    v = _req(ins, body, dialect="openai_chat", path="/v1/chat/completions")
    assert v.decision is Decision.ALLOW and "allow:binary_content" in v.rules


def test_a_response_of_an_unknown_endpoint_is_scanned(ins: Inspector) -> None:
    ex = Exchange("rid", "openai", None, "api.openai.com", "/v1/fine_tuning/jobs/x/events")
    body = json.dumps({"data": [{"message": f"k {KEY}"}]}).encode()
    v = asyncio.run(ins.inspect_response(ex, 200, lambda: body, content_type="application/json"))
    assert v.decision is Decision.REDACT and KEY.encode() not in v.content


def test_stream_dialect_falls_back_to_the_generic_stream(ins: Inspector) -> None:
    from llmwall.routing.dialects.generic import NDJSON_STREAM, SSE_STREAM

    unknown = Exchange("rid", "openai", None)
    assert ins.stream_dialect(unknown, "text/event-stream") is SSE_STREAM
    assert ins.stream_dialect(unknown, "application/x-ndjson") is NDJSON_STREAM
    images = Exchange("rid", "openai", "openai_images")
    assert ins.stream_dialect(images, "text/event-stream") is SSE_STREAM
