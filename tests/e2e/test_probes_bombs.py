"""Bodies that try to exhaust the proxy: compression bombs in requests and responses
(every encoding), streams that never end an event, bodies over the size limit. Each is
answered in the provider's shape within a second, and the proxy's peak RSS (VmHWM of the
`llmwall run` process, reset before each probe) stays under 1 GiB."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator

import brotli
import pytest
import zstandard

from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import (
    assert_provider_shaped,
    peak_rss_mib,
    peak_rss_reset,
    record_for,
)
from tests.e2e.raw_client import chat_body, http1, read_response, request_bytes, tunnel

GIB = 1 << 30
MIB = 1 << 20
RSS_LIMIT_MIB = 1024
CHAT = "/v1/chat/completions"
HEAD = b'{"model":"gpt-test","messages":[{"role":"user","content":"'
TAIL = b'"}]}'
FIGURES: dict[str, tuple[float, float]] = {}  # probe -> (seconds to the answer, peak RSS MiB)


def _expanding(total: int) -> Iterator[bytes]:
    yield HEAD
    for _ in range(total // MIB):
        yield b"A" * MIB
    yield TAIL


def bomb(encoding: str, total: int = GIB) -> bytes:
    """A JSON chat body of `total` bytes, compressed without ever holding it whole."""
    if encoding in ("gzip", "x-gzip", "deflate"):
        z = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding != "deflate" else 15)
        return b"".join(z.compress(p) for p in _expanding(total)) + z.flush()
    if encoding == "br":
        c = brotli.Compressor(quality=5)
        return b"".join(c.process(p) for p in _expanding(total)) + c.finish()
    if encoding == "zstd":
        c = zstandard.ZstdCompressor().compressobj()
        return b"".join(c.compress(p) for p in _expanding(total)) + c.flush()
    raise AssertionError(encoding)


@pytest.fixture(scope="module")
def small(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    """Small limits, so that over-limit bodies are cheap to send."""
    limits = {"max_body": "2m", "max_stream": "8m"}
    p = start_proxy(tmp_path_factory.mktemp("small"), base_config(fake, fake_tls[0], limits=limits))
    yield p
    p.stop()


def _send(proxy: Proxy, raw: bytes, name: str) -> tuple[object, float]:
    pid = proxy.proc.pid
    peak_rss_reset(pid)
    with tunnel(proxy.url, "api.openai.com:443", "api.openai.com", str(proxy.bundle)) as sock:
        started = time.perf_counter()
        answer = http1(sock, raw)
        elapsed = time.perf_counter() - started
    rss = peak_rss_mib(pid)
    FIGURES[name] = (elapsed, rss)
    print(f"{name}: answered in {elapsed * 1000:.0f} ms, peak RSS {rss:.0f} MiB")
    assert rss < RSS_LIMIT_MIB, f"{name}: peak RSS {rss:.0f} MiB"
    return answer, elapsed


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "br", "zstd", "gzip, br"])
def test_request_bombs_are_refused_at_once(proxy: Proxy, fake: FakeProvider, encoding: str) -> None:
    body = brotli.compress(bomb("gzip"), quality=1) if encoding == "gzip, br" else bomb(encoding)
    raw = request_bytes("POST", CHAT, "api.openai.com", body, {"content-encoding": encoding})
    answer, elapsed = _send(
        proxy, raw, f"request bomb {encoding} ({len(body) // 1024} KiB → 1 GiB)"
    )
    shaped = assert_provider_shaped(answer, status=413)  # type: ignore[arg-type]
    assert shaped["error"]["code"] == "llmwall_request_too_large"
    assert elapsed < 1.0
    assert fake.received == []
    recs = record_for(proxy.audit_db, answer.headers["x-llmwall-request-id"])  # type: ignore[attr-defined]
    assert recs[-1]["decision"] == "block" and recs[-1]["rules"] == ["block:request_too_large"]


def test_a_compressed_request_within_the_limits_is_scanned_and_sent_decoded(
    proxy: Proxy, fake: FakeProvider
) -> None:
    body = chat_body("write to maria.lopez@example.com")
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    raw = request_bytes(
        "POST", CHAT, "api.openai.com", z.compress(body) + z.flush(), {"content-encoding": "x-gzip"}
    )
    answer, _ = _send(proxy, raw, "x-gzip request")
    assert answer.status == 200  # type: ignore[attr-defined]
    (got,) = fake.received
    assert "content-encoding" not in got.headers
    assert b"maria.lopez@example.com" not in got.body and b"messages" in got.body


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_response_bombs_are_answered_with_a_502(
    proxy: Proxy, fake: FakeProvider, encoding: str
) -> None:
    payload = bomb(encoding)
    headers = {"content-type": "application/json", "content-encoding": encoding}
    fake.next(exact=(200, headers, payload))
    raw = request_bytes("POST", CHAT, "api.openai.com", chat_body("hi"))
    answer, elapsed = _send(proxy, raw, f"response bomb {encoding} ({len(payload) // 1024} KiB)")
    shaped = assert_provider_shaped(answer, status=502)  # type: ignore[arg-type]
    assert shaped["error"]["code"] == "llmwall_response_too_large"
    assert elapsed < 2.0  # the fake's own sending is part of it


def test_a_streamed_response_bomb_ends_with_the_streams_error_event(
    proxy: Proxy, fake: FakeProvider
) -> None:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    event = b'data: {"choices":[{"index":0,"delta":{"content":"'
    chunks = [z.compress(event)] + [z.compress(b"A" * MIB) for _ in range(1024)] + [z.flush()]
    chunks = [c for c in chunks if c]
    headers = {"content-type": "text/event-stream", "content-encoding": "gzip"}
    fake.next(exact=(200, headers, chunks))
    raw = request_bytes("POST", CHAT, "api.openai.com", chat_body("hi", stream=True))
    answer, _ = _send(proxy, raw, "streamed response bomb gzip")
    assert answer.status == 200  # type: ignore[attr-defined]
    text = answer.body.decode()  # type: ignore[attr-defined]
    assert "llmwall could not inspect the response stream" in text
    data = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: {")]
    assert data and "error" in data[-1]
    assert len(answer.body) < MIB  # type: ignore[attr-defined]


def test_a_stream_that_never_ends_its_event_is_cut_at_max_stream(
    small: Proxy, fake: FakeProvider
) -> None:
    chunks = [b'data: {"choices":[{"index":0,"delta":{"content":"'] + [b"B" * MIB] * 40
    fake.next(exact=(200, {"content-type": "text/event-stream"}, chunks))
    raw = request_bytes("POST", CHAT, "api.openai.com", chat_body("hi", stream=True))
    answer, _ = _send(small, raw, "unending stream event (40 MiB, max_stream 8m)")
    assert answer.status == 200  # type: ignore[attr-defined]
    assert b"llmwall could not inspect the response stream" in answer.body  # type: ignore[attr-defined]
    assert len(answer.body) < MIB  # type: ignore[attr-defined]


def test_a_declared_length_over_max_body_is_refused_before_the_body(
    small: Proxy, fake: FakeProvider
) -> None:
    head = request_bytes("POST", CHAT, "api.openai.com", b"", {"content-length": str(100 * MIB)})
    pid = small.proc.pid
    with tunnel(small.url, "api.openai.com:443", "api.openai.com", str(small.bundle)) as sock:
        started = time.perf_counter()
        sock.sendall(head + b"{" * 1000)
        answer = read_response(sock)
        elapsed = time.perf_counter() - started
    FIGURES["content-length 100 MiB > max_body 2m"] = (elapsed, peak_rss_mib(pid))
    shaped = assert_provider_shaped(answer, status=413)
    assert shaped["error"]["code"] == "llmwall_request_too_large"
    assert elapsed < 1.0 and fake.received == []
    recs = record_for(small.audit_db, answer.headers["x-llmwall-request-id"])
    assert [r["rules"] for r in recs] == [["request_too_large"]]


def test_a_chunked_upload_over_max_body_is_refused(small: Proxy, fake: FakeProvider) -> None:
    head = request_bytes("POST", CHAT, "api.openai.com", b"", {"transfer-encoding": "chunked"})
    with tunnel(small.url, "api.openai.com:443", "api.openai.com", str(small.bundle)) as sock:
        sock.sendall(head)
        chunk = b"x" * 65536
        try:
            for _ in range(64):  # 4 MiB
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # refused and closed mid-upload
        answer = read_response(sock)
    shaped = assert_provider_shaped(answer, status=413)
    assert shaped["error"]["code"] == "llmwall_request_too_large"
    assert fake.received == []


def test_a_response_over_max_body_is_a_provider_shaped_502(
    small: Proxy, fake: FakeProvider
) -> None:
    fake.next(exact=(200, {"content-type": "application/json"}, b"[" + b"1," * (2 * MIB) + b"1]"))
    raw = request_bytes("POST", CHAT, "api.openai.com", chat_body("hi"))
    answer, _ = _send(small, raw, "response 4 MiB > max_body 2m")
    shaped = assert_provider_shaped(answer, status=502)  # type: ignore[arg-type]
    assert shaped["error"]["code"] == "llmwall_response_too_large"
