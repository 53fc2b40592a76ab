"""Probes that try to steer a request around the inspection: another Host or
`:authority` than the tunnel's, an SNI that is not the CONNECT host, a CONNECT to an
address with an LLM host's SNI, and path spellings an endpoint match would miss."""

from __future__ import annotations

import ssl

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import (
    AWS_KEY,
    EMAIL,
    assert_nothing_planted_reached,
    assert_provider_shaped,
    record_for,
)
from tests.e2e.raw_client import chat_body, connect, http1, http2, request_bytes, tunnel

SECRET_BODY = chat_body(f"my key {AWS_KEY}, write to {EMAIL}")
CHAT = "/v1/chat/completions"


def _ca(proxy: Proxy) -> str:
    return str(proxy.bundle)


@pytest.mark.parametrize(
    ("connect_to", "sni", "host", "rule"),
    [
        # the Host header names a host that is not the tunnel's
        ("api.openai.com:443", "api.openai.com", "example.com", "block:host_mismatch"),
        ("api.openai.com:443", "api.openai.com", "api.anthropic.com", "block:host_mismatch"),
        # the SNI is not the CONNECT host
        ("api.openai.com:443", "example.com", "api.openai.com", "block:sni_mismatch"),
        ("example.com:443", "api.openai.com", "api.openai.com", "block:sni_mismatch"),
        # a CONNECT to an address with an LLM host's SNI, and the address as Host
        ("192.0.2.10:443", "api.openai.com", "192.0.2.10", "block:host_mismatch"),
    ],
)
def test_host_and_sni_steering_is_refused(
    proxy: Proxy, fake: FakeProvider, connect_to: str, sni: str, host: str, rule: str
) -> None:
    with tunnel(proxy.url, connect_to, sni, _ca(proxy)) as sock:
        answer = http1(sock, request_bytes("POST", CHAT, host, SECRET_BODY))
    body = assert_provider_shaped(answer, status=421)
    assert AWS_KEY not in str(body)
    assert fake.received == []
    recs = record_for(proxy.audit_db, answer.headers["x-llmwall-request-id"])
    assert [r["decision"] for r in recs] == ["block"] and recs[0]["rules"] == [rule]


def test_http2_authority_that_is_not_the_tunnels_is_refused(
    proxy: Proxy, fake: FakeProvider
) -> None:
    with tunnel(proxy.url, "api.openai.com:443", "api.openai.com", _ca(proxy), alpn=("h2",)) as s:
        answer = http2(s, "example.com", CHAT, SECRET_BODY)
    assert_provider_shaped(answer, status=421)
    assert fake.received == []


def test_http2_host_header_beside_the_authority_ends_the_connection(
    proxy: Proxy, fake: FakeProvider
) -> None:
    """A Host header that contradicts `:authority` is not valid HTTP/2: the h2 layer
    answers with GOAWAY (PROTOCOL_ERROR) before any hook, and nothing leaves."""
    with tunnel(proxy.url, "api.openai.com:443", "api.openai.com", _ca(proxy), alpn=("h2",)) as s:
        answer = http2(s, "api.openai.com", CHAT, SECRET_BODY, [("host", "example.com")])
    assert answer.status == 0 and answer.extra.get("goaway") == 1  # PROTOCOL_ERROR
    assert fake.received == []


def test_connect_to_an_address_with_an_llm_sni_is_inspected_as_that_host(
    proxy: Proxy, fake: FakeProvider
) -> None:
    # 192.0.2.10 (TEST-NET) is never contacted: the openai upstream is the local fake
    with tunnel(proxy.url, "192.0.2.10:443", "api.openai.com", _ca(proxy)) as sock:
        answer = http1(sock, request_bytes("POST", CHAT, "api.openai.com", SECRET_BODY))
    assert answer.status == 200, answer.body[:300]
    assert len(fake.received) == 1
    assert_nothing_planted_reached(fake)
    recs = record_for(proxy.audit_db, answer.headers["x-llmwall-request-id"])
    assert recs[0]["host"] == "api.openai.com" and recs[0]["decision"] == "redact"


def test_connect_to_an_address_without_sni_stays_a_passthrough(
    proxy: Proxy, fake: FakeProvider, fake_tls: tuple
) -> None:
    """No SNI, an address not configured as an LLM host: the TLS is the fake's own,
    not llmwall's (nothing is intercepted)."""
    port = fake.url.rsplit(":", 1)[1]
    sock = connect(proxy.url)
    sock.sendall(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    ctx = ssl.create_default_context(cafile=str(fake_tls[0]))  # the fake's CA, not llmwall's
    ctx.check_hostname = False
    with ctx.wrap_socket(sock, server_hostname=None) as tls:
        issuer = dict(x[0] for x in tls.getpeercert()["issuer"])
        assert issuer["commonName"] == "fake provider test CA"


@pytest.mark.parametrize(
    ("path", "forwarded"),
    [
        ("/v1/chat/completions/", CHAT),
        ("//v1/chat/completions", CHAT),
        ("/v1//chat/completions", CHAT),
        ("/v1/./chat/completions", CHAT),
        ("/v1/models/../chat/completions", CHAT),
        ("/v1/chat%2Fcompletions", CHAT),
        ("/v1/chat%2fcompletions", CHAT),
        ("/%76%31/chat/completions", CHAT),
        ("/v1/chat/completions;x", CHAT),
        ("/v1;a=b/chat/completions", CHAT),
        ("/v1\\chat\\completions", CHAT),
        ("/V1/Chat/Completions", "/V1/Chat/Completions"),  # matched whatever the case, sent as is
        ("/v1/chat/completions/?x=1", CHAT + "?x=1"),
    ],
)
def test_path_spellings_are_matched_and_forwarded_canonically(
    proxy: Proxy, fake: FakeProvider, path: str, forwarded: str
) -> None:
    with tunnel(proxy.url, "api.openai.com:443", "api.openai.com", _ca(proxy)) as sock:
        answer = http1(sock, request_bytes("POST", path, "api.openai.com", SECRET_BODY))
    assert answer.status == 200, answer.body[:300]
    assert [r.path for r in fake.received] == [forwarded]
    assert_nothing_planted_reached(fake)


def test_plain_http_with_another_host_header_is_refused(proxy: Proxy, fake: FakeProvider) -> None:
    sock = connect(proxy.url)
    raw = request_bytes("POST", "http://api.openai.com" + CHAT, "example.com", SECRET_BODY)
    answer = http1(sock, raw)
    sock.close()
    assert_provider_shaped(answer, status=421)
    assert fake.received == []
