"""Bad and evasive inputs: trailers, malformed heads, smuggling-shaped framing, values
hidden by zero-width or full-width characters, look-alikes, base64 or percent wrapping
or a split across content parts; and what mitmproxy writes to the log about them."""

from __future__ import annotations

import base64
import contextlib
import socket
import time

import pytest

from tests.e2e.clients import openai_client
from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import (
    AWS_KEY,
    EMAIL,
    assert_nothing_planted_reached,
    assert_provider_shaped,
    record_for,
    records,
)
from tests.e2e.raw_client import (
    chat_body,
    connect,
    http1,
    http2,
    read_response,
    request_bytes,
    tunnel,
)

CHAT = "/v1/chat/completions"
HOST = "api.openai.com"
LOG_SECRET = "AKIAZ3LOGLINEPROBE77"  # planted only in the malformed probes, for the log check


def _tunnel(proxy: Proxy, alpn: tuple[str, ...] = ("http/1.1",)):  # type: ignore[no-untyped-def]
    return tunnel(proxy.url, f"{HOST}:443", HOST, str(proxy.bundle), alpn=alpn)


def test_a_chunked_request_with_trailers_is_refused_and_the_proxy_lives_on(
    proxy: Proxy, fake: FakeProvider
) -> None:
    body = chat_body("hello")
    head = request_bytes("POST", CHAT, HOST, b"", {"transfer-encoding": "chunked"})
    raw = head + b"%x\r\n%s\r\n0\r\nx-trailer: %s\r\n\r\n" % (len(body), body, AWS_KEY.encode())
    with _tunnel(proxy) as sock:
        answer = http1(sock, raw)
        assert_provider_shaped(answer, status=400)
        again = http1(sock, request_bytes("POST", CHAT, HOST, chat_body("hi again")))
    assert again.status == 200  # the same connection is still served
    assert [r.json()["messages"][0]["content"] for r in fake.received] == ["hi again"]
    recs = record_for(proxy.audit_db, answer.headers["x-llmwall-request-id"])
    assert recs[-1]["rules"] == ["block:request_trailers"]


def test_http2_request_trailers_are_refused(proxy: Proxy, fake: FakeProvider) -> None:
    with _tunnel(proxy, ("h2",)) as sock:
        answer = http2(sock, HOST, CHAT, chat_body("hello"), trailers=[("x-trailer", AWS_KEY)])
    assert_provider_shaped(answer, status=400)
    assert fake.received == []


def test_response_trailers_are_dropped_for_http1_clients(proxy: Proxy, fake: FakeProvider) -> None:
    fake.next(
        exact=(
            200,
            {"content-type": "application/json", "trailer": "x-t"},
            [b'{"id":"x",', b'"choices":[]}'],
        )
    )
    with _tunnel(proxy) as sock:
        answer = http1(sock, request_bytes("POST", CHAT, HOST, chat_body("hi")))
    assert answer.status == 200 and answer.json() == {"id": "x", "choices": []}


@pytest.mark.parametrize(
    "head",
    [
        # a header line without a colon, carrying a planted value
        f"POST {CHAT} HTTP/1.1\r\nHost: {HOST}\r\nX-Note {LOG_SECRET}\r\n"
        "content-length: 2\r\n\r\n{}",
        # an unknown HTTP version on a request line with the value in its query
        f"POST {CHAT}?key={LOG_SECRET} HTTP/7.1\r\nHost: {HOST}\r\n\r\n",
        # both Content-Length and Transfer-Encoding (request smuggling's shape)
        f"POST {CHAT} HTTP/1.1\r\nHost: {HOST}\r\ncontent-length: 5\r\n"
        f"transfer-encoding: chunked\r\nx-k: {LOG_SECRET}\r\n\r\n0\r\n\r\n",
    ],
    ids=["header-line", "request-line", "cl-and-te"],
)
def test_malformed_requests_get_a_provider_shaped_400(
    proxy: Proxy, fake: FakeProvider, head: str
) -> None:
    with _tunnel(proxy) as sock:
        sock.sendall(head.encode())
        answer = read_response(sock)
    body = assert_provider_shaped(answer, status=400)
    assert LOG_SECRET not in str(body)
    assert fake.received == []
    time.sleep(0.3)
    assert any(
        r["request_id"] == answer.headers["x-llmwall-request-id"] for r in records(proxy.audit_db)
    )


def test_connect_lines_and_abandoned_heads_leave_no_content_in_the_log(
    proxy: Proxy, fake: FakeProvider
) -> None:
    # a CONNECT target with user data in it
    sock = connect(proxy.url)
    sock.sendall(f"CONNECT {HOST}:443/{LOG_SECRET} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    with contextlib.suppress(OSError):
        sock.recv(4096)
    sock.close()
    # a request head abandoned half-way, with a credential in it
    sock = connect(proxy.url)
    sock.sendall(
        f"GET http://example.com/ HTTP/1.1\r\nProxy-Authorization: Basic {LOG_SECRET}\r\n".encode()
    )
    sock.shutdown(socket.SHUT_WR)
    with contextlib.suppress(OSError):
        sock.recv(4096)
    sock.close()
    # garbage where a TLS ClientHello should be
    with connect(proxy.url) as sock:
        sock.sendall(f"CONNECT {HOST}:443 HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        sock.recv(4096)
        sock.sendall(b"\x16\x03\x01\x00\x20" + LOG_SECRET.encode() * 2)
        time.sleep(0.3)
    time.sleep(0.5)
    log = proxy.log.read_text(errors="replace")
    assert LOG_SECRET not in log
    assert LOG_SECRET.encode().hex() not in log
    assert base64.b64encode(LOG_SECRET.encode()).decode() not in log


def _obfuscated() -> list[tuple[str, object, str]]:
    zw = AWS_KEY[:4] + "\u200b" + AWS_KEY[4:11] + "\u2060" + AWS_KEY[11:]
    full = "".join(chr(ord(c) + 0xFEE0) for c in EMAIL)  # full-width forms
    b64 = base64.b64encode(AWS_KEY.encode()).decode()
    url_safe = base64.urlsafe_b64encode(EMAIL.encode()).decode().rstrip("=")
    pct = EMAIL.replace("@", "%40").replace(".", "%2E")
    cyrillic = EMAIL.replace("a", "\u0430").replace("o", "\u043e")  # а, о
    return [
        ("zero-width in a key", f"my key is {zw}, keep it", zw),
        ("full-width e-mail", f"write to {full} please", full),
        ("base64 key", f"token {b64} end", b64),
        ("url-safe base64 e-mail", f"contact {url_safe}", url_safe),
        ("percent-encoded e-mail", f"mailto:{pct}", pct),
        ("look-alike e-mail", f"mail {cyrillic}", cyrillic),
        (
            "key split across parts",
            [
                {"type": "text", "text": f"key {AWS_KEY[:9]}"},
                {"type": "text", "text": f"{AWS_KEY[9:]} end"},
            ],
            AWS_KEY[9:],
        ),
    ]


@pytest.mark.parametrize(("name", "content", "form"), _obfuscated(), ids=lambda v: str(v)[:20])
def test_obfuscated_values_are_redacted(
    proxy: Proxy, fake: FakeProvider, name: str, content: object, form: str
) -> None:
    openai_client(proxy).chat.completions.create(
        model="gpt-test",
        messages=[{"role": "user", "content": content}],  # type: ignore[misc,list-item]
    )
    (got,) = fake.received
    assert_nothing_planted_reached(fake, form)
    assert "[" in got.body.decode()  # a placeholder is there
