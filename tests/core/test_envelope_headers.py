"""Every header is read (issue 13): standard headers too (a `User-Agent` or `Referer`
can carry an e-mail), the names of non-standard headers, and cookie pairs; what frames,
routes or signs the request is read but never rewritten (a finding blocks). What real
SDKs send on every request stays clean. Cookies are credentials (the provider's own
session cookies): not read."""

from __future__ import annotations

import asyncio
import json

import pytest

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.decision import Decision

AWS = "AKIAQ7RZP4XK2M5TNWLB"
EMAIL = "maria.lopez@example.com"
KEY = "sk-proj-" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9nP2rS5uX8"
CHAT = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()

# What the SDKs and gateways put on an ordinary request (values as they send them).
SDK_HEADERS = {
    "openai-python": (
        ("accept", "application/json"),
        ("accept-encoding", "gzip, deflate"),
        ("authorization", f"Bearer {KEY}"),
        ("user-agent", "OpenAI/Python 2.8.1"),
        ("x-stainless-lang", "python"),
        ("x-stainless-package-version", "2.8.1"),
        ("x-stainless-os", "Linux"),
        ("x-stainless-arch", "x64"),
        ("x-stainless-runtime", "CPython"),
        ("x-stainless-runtime-version", "3.13.1"),
        ("x-stainless-async", "false"),
        ("x-stainless-retry-count", "0"),
        ("x-stainless-read-timeout", "600"),
        ("openai-organization", "org-4xT9kQ2mLp8vR3sN7wY1zB6c"),
        ("openai-project", "proj_Wq3LpZ8vK2xN5mR7tY9bC4dF"),
        ("idempotency-key", "stainless-python-retry-6f1c2e8a-93b4-4d57-a0e1-2c7b9f3d5e61"),
        ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        (
            "cookie",
            "__cf_bm=Yx8mQ2.kLp9vR3sN7wY1zB6c-1733612345-1.0.1.1-AbCdEfGhIjKlMnOpQrStUvWxYz01; "
            "_cfuvid=q3Lp8vK2xN5mR7tY9bC4dF6gH1jS0aZe-1733612345678-0.0.1.1-604800000",
        ),
    ),
    "anthropic-node": (
        ("x-api-key", "sk-ant-api03-" + "Zq8" * 30),
        ("anthropic-version", "2023-06-01"),
        ("anthropic-beta", "prompt-caching-2024-07-31,files-api-2025-04-14"),
        ("user-agent", "Anthropic/JS 0.71.0"),
        ("x-stainless-runtime", "node"),
        ("x-stainless-runtime-version", "v22.12.0"),
        ("x-stainless-timeout", "600"),
        ("sec-fetch-mode", "cors"),
        ("accept-language", "en-US,en;q=0.9,de;q=0.8"),
        ("origin", "https://app.example.com"),
        ("referer", "https://app.example.com/chat/8f3a2c"),
    ),
    "google-genai": (
        ("x-goog-api-key", "AIzaSyD" + "x7Q2mLp8vR3sN7wY1zB6cQ3kLp9vR3s"),
        ("x-goog-api-client", "google-genai-sdk/1.52.0 gl-python/3.13.1"),
        ("user-agent", "google-genai-sdk/1.52.0 gl-python/3.13.1"),
    ),
    "bedrock-sigv4": (
        ("x-amz-date", "20261207T235959Z"),
        (
            "x-amz-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("amz-sdk-invocation-id", "0f1c2e8a-93b4-4d57-a0e1-2c7b9f3d5e61"),
        ("amz-sdk-request", "attempt=1; max=3"),
        (
            "user-agent",
            "Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#6.1.0 md/arch#x86_64 "
            "lang/python#3.13.1 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.0",
        ),
        (
            "authorization",
            "AWS4-HMAC-SHA256 "
            "Credential=AKIAIOSFODNN7EXAMPLE/20261207/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
        ),
    ),
    "websocket-upgrade": (
        ("connection", "Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("sec-websocket-extensions", "permessage-deflate; client_max_window_bits"),
        (
            "sec-websocket-protocol",
            f"realtime, openai-insecure-api-key.{KEY}, openai-beta.realtime-v1",
        ),
    ),
}


@pytest.fixture(scope="module")
def ins() -> Inspector:
    from tests.matrix.harness import detector

    return Inspector(load_policy(None), Scanner(detector()))


def _req(ins: Inspector, headers: tuple[tuple[str, str], ...], body: bytes = CHAT):
    ex = Exchange("rid", "openai", "openai_chat", "api.openai.com", "/v1/chat/completions")
    hs = (("host", "api.openai.com"), ("content-type", "application/json"), *headers)
    return asyncio.run(ins.inspect_request(ex, body, "", headers=hs))


@pytest.mark.parametrize("sdk", sorted(SDK_HEADERS))
def test_what_sdks_send_stays_clean(ins: Inspector, sdk: str) -> None:
    v = _req(ins, SDK_HEADERS[sdk])
    assert v.decision is Decision.ALLOW, v.record
    assert v.headers == ()


@pytest.mark.parametrize(
    "name", ["user-agent", "referer", "origin", "x-stainless-custom", "accept-language", "dnt"]
)
def test_a_standard_header_is_redacted_in_place(ins: Inspector, name: str) -> None:
    v = _req(ins, ((name, f"myapp/1.0 (contact {EMAIL})"),))
    assert v.decision is Decision.REDACT
    assert v.headers == ((2, name, "myapp/1.0 (contact <EMAIL_ADDRESS>)"),)


def test_a_forwarded_address_is_redacted(ins: Inspector) -> None:
    v = _req(ins, (("x-forwarded-for", "203.0.113.77"),))
    assert v.decision is Decision.REDACT
    assert v.headers == ((2, "x-forwarded-for", "<IP_ADDRESS>"),)


@pytest.mark.parametrize("name", [f"x-{AWS}", AWS, EMAIL])
def test_a_secret_in_a_header_name_blocks(ins: Inspector, name: str) -> None:
    v = _req(ins, ((name, "1"),))
    assert v.decision is Decision.BLOCK
    assert any(r.endswith(":header_name") for r in v.record.rules), v.record.rules


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("content-type", f"application/json; note={AWS}"),
        ("x-amz-meta-note", AWS),
        ("transfer-encoding", f"chunked, {AWS}"),
        ("sec-websocket-protocol", f"realtime, {AWS}"),
    ],
)
def test_a_secret_in_a_framing_or_signed_header_blocks(
    ins: Inspector, name: str, value: str
) -> None:
    v = _req(ins, ((name, value),))
    assert v.decision is Decision.BLOCK
    assert any(r.endswith(":header") for r in v.record.rules), v.record.rules


def test_the_credentials_are_left_alone(ins: Inspector) -> None:
    v = _req(ins, (("authorization", f"Bearer {KEY}"), ("x-api-key", KEY), ("api-key", KEY)))
    assert v.decision is Decision.ALLOW and v.headers == ()


@pytest.mark.parametrize(
    "value", [f"retry-{AWS}", f"{EMAIL}", f"6f1c2e8a-93b4-4d57-a0e1-2c7b9f3d5e61 {EMAIL}"]
)
def test_an_id_header_that_is_not_an_id_is_read(ins: Inspector, value: str) -> None:
    v = _req(ins, (("idempotency-key", value),))
    assert v.decision is Decision.REDACT and v.headers and "<" in v.headers[0][2]


@pytest.mark.parametrize(
    ("headers", "query", "rule"),
    [
        ((("x-api-key", EMAIL),), "", "block:EMAIL_ADDRESS:credential"),
        ((("api-key", AWS),), "", "block:AWS_ACCESS_KEY_ID:credential"),
        ((), f"key={EMAIL}", "block:EMAIL_ADDRESS:credential"),
    ],
)
def test_an_api_key_slot_holding_no_key_blocks(
    ins: Inspector, headers: tuple, query: str, rule: str
) -> None:
    ex = Exchange("rid", "openai", "openai_chat", "api.openai.com", "/v1/chat/completions")
    hs = (("content-type", "application/json"), *headers)
    v = asyncio.run(ins.inspect_request(ex, CHAT, query, headers=hs))
    assert v.decision is Decision.BLOCK and v.record.rules == (rule,)
    assert v.refusal is not None and v.refusal.status == 403


def test_real_keys_in_key_slots_pass(ins: Inspector) -> None:
    ex = Exchange("rid", "anthropic", "anthropic", "api.anthropic.com", "/v1/messages")
    body = json.dumps(
        {"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": "hi"}]}
    )
    for slot in ("x-api-key", "api-key", "x-goog-api-key"):
        for key in (
            "sk-ant-api03-" + "Zq8" * 30,
            KEY,
            "AIzaSyD" + "x7Q2mLp8vR3sN7wY1zB6cQ3kLp9vR3s",
            "0" * 31 + "a",
        ):
            hs = (("content-type", "application/json"), (slot, key))
            v = asyncio.run(ins.inspect_request(ex, body.encode(), "", headers=hs))
            assert v.decision is Decision.ALLOW, (slot, v.record.rules)
