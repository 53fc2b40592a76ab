"""Upstreams that hang, go silent mid-stream, never finish the handshake or refuse the
connection, for flows without a route: each is answered within its configured timeout,
in the provider's shape (a 504, or the stream's own error event), and recorded."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import anthropic
import openai
import pytest

from tests.e2e.clients import anthropic_client, openai_client
from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import assert_provider_shaped, record_for, records
from tests.e2e.raw_client import chat_body, http1, request_bytes, tunnel

TIMEOUTS = {"connect": 1, "read": 2, "stream_idle": 2}
SLACK = 1.0  # seconds beyond the timeout that an answer may take
LATENCY: dict[str, float] = {}


class BlackHole:
    """Accepts TCP connections and never says a word (a TLS handshake that hangs)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for c in self.held:
            c.close()


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def hole() -> Iterator[BlackHole]:
    h = BlackHole()
    yield h
    h.close()


@pytest.fixture(scope="module")
def timed(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple, hole: BlackHole
) -> Iterator[Proxy]:
    config = base_config(fake, fake_tls[0], timeouts=TIMEOUTS)
    config["providers"]["anthropic"] = {"upstream": hole.url}
    config["providers"]["gemini"] = {"upstream": f"https://127.0.0.1:{_closed_port()}"}
    p = start_proxy(tmp_path_factory.mktemp("timed"), config)
    yield p
    p.stop()


def test_a_hung_upstream_is_answered_with_a_504_at_the_read_timeout(
    timed: Proxy, fake: FakeProvider
) -> None:
    fake.next(hang=6)
    started = time.perf_counter()
    with pytest.raises(openai.APIStatusError) as err:
        openai_client(timed, max_retries=0).chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "hi"}]
        )
    elapsed = time.perf_counter() - started
    LATENCY["read (2 s)"] = elapsed
    print(f"read timeout 2 s answered after {elapsed:.2f} s")
    assert err.value.status_code == 504
    assert err.value.response.headers["x-should-retry"] == "false"
    assert err.value.body["code"] == "llmwall_upstream_timeout"
    assert TIMEOUTS["read"] <= elapsed < TIMEOUTS["read"] + SLACK
    rid = err.value.response.headers["x-llmwall-request-id"]
    recs = record_for(timed.audit_db, rid)
    assert recs[-1]["decision"] == "error"
    assert recs[-1]["rules"] == ["upstream_error", "timeout:read"]


def test_a_silent_stream_ends_with_its_error_event_at_the_idle_timeout(
    timed: Proxy, fake: FakeProvider
) -> None:
    fake.next(reply="one two three", delay=6)
    stream = openai_client(timed, max_retries=0).chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    first = None
    with pytest.raises(openai.APIError) as err:
        for _ in stream:
            first = first or time.perf_counter()
    silent = time.perf_counter() - (first or time.perf_counter())
    LATENCY["stream_idle (2 s)"] = silent
    print(f"stream_idle 2 s answered after {silent:.2f} s of silence")
    assert "timeouts.stream_idle" in str(err.value)
    # measured from the client reading the first event, a little after the proxy sent it
    assert TIMEOUTS["stream_idle"] - 0.2 <= silent < TIMEOUTS["stream_idle"] + SLACK
    response = [r for r in records(timed.audit_db) if r["kind"] == "response"][-1]
    assert "timeout:stream_idle" in response["rules"] and response["decision"] == "error"


def test_an_upstream_that_never_finishes_its_handshake_gets_a_504_at_the_connect_timeout(
    timed: Proxy, fake: FakeProvider
) -> None:
    started = time.perf_counter()
    with pytest.raises(anthropic.APIStatusError) as err:
        anthropic_client(timed, max_retries=0).messages.create(
            model="claude-test", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    elapsed = time.perf_counter() - started
    LATENCY["connect (1 s)"] = elapsed
    print(f"connect timeout 1 s answered after {elapsed:.2f} s")
    assert err.value.status_code == 504
    assert err.value.body["type"] == "error"  # Anthropic's own error shape
    assert "timeouts.connect" in err.value.body["error"]["message"]
    assert TIMEOUTS["connect"] <= elapsed < TIMEOUTS["connect"] + SLACK


def test_an_unreachable_upstream_is_a_provider_shaped_502(timed: Proxy, fake: FakeProvider) -> None:
    path = "/v1beta/models/gemini-2.5-flash:generateContent"
    body = b'{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}'
    host = "generativelanguage.googleapis.com"
    with tunnel(timed.url, f"{host}:443", host, str(timed.bundle)) as sock:
        answer = http1(sock, request_bytes("POST", path, host, body))
    shaped = assert_provider_shaped(answer, "gemini", status=502)
    assert shaped["error"]["details"][0]["reason"] == "llmwall_upstream_unreachable"
    recs = record_for(timed.audit_db, answer.headers["x-llmwall-request-id"])
    assert recs[-1]["rules"] == ["upstream_error"]


def test_the_proxy_still_serves_after_the_timeouts(timed: Proxy, fake: FakeProvider) -> None:
    with tunnel(timed.url, "api.openai.com:443", "api.openai.com", str(timed.bundle)) as sock:
        answer = http1(
            sock, request_bytes("POST", "/v1/chat/completions", "api.openai.com", chat_body("hi"))
        )
    assert answer.status == 200
