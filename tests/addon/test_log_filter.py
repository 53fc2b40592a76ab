"""mitmproxy's log lines lose their wire content; llmwall's own lines are untouched."""

from __future__ import annotations

import io
import logging

import pytest

from llmwall.addon.log_filter import ContentFreeFilter, scrub

SECRET = "AKIAQ7RZP4XK2M5TNWLB"


@pytest.mark.parametrize(
    "line",
    [
        f"127.0.0.1:5555: Invalid header line: b'X-Key {SECRET}'",
        f"127.0.0.1:5555: Bad HTTP request line: b'CONNECT api.openai.com:443/{SECRET} HTTP/1.1'",
        "Client closed connection before completing request headers: "
        f"b'GET / HTTP/1.1\\r\\nProxy-Authorization: Basic {SECRET}'",
        f"Client TLS handshake failed. Cannot parse ClientHello: {SECRET.encode().hex()}",
        f"Unexpected data from server: b'{SECRET}'",
        f"127.0.0.1:1: Invalid HTTP/2 request headers: header {SECRET}",
        f"Received invalid transfer-encoding header: 'chunked, {SECRET}' from client, refusing",
        f"Received multiple content-length headers: ['1', '{SECRET}'] from client",
        f"some other line with bytes b'{SECRET}' inside",
        f"a hex run {SECRET.encode().hex()} alone",
    ],
)
def test_wire_content_is_omitted(line: str) -> None:
    out = scrub(line)
    assert SECRET not in out and SECRET.encode().hex() not in out
    assert "omitted" in out


@pytest.mark.parametrize(
    "line",
    [
        "server connect api.openai.com:443 (1.2.3.4:443)",
        "Streaming response from api.openai.com.",
        "llmwall listening on 127.0.0.1:8080",
        "error establishing server connection: [Errno 111] Connection refused",
    ],
)
def test_ordinary_lines_are_kept(line: str) -> None:
    assert scrub(line) == line


def _emit(name: str, message: str, *args: object, level: int = logging.INFO) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContentFreeFilter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        logger.log(level, message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_filter_rewrites_mitmproxy_records_only() -> None:
    assert SECRET not in _emit("mitmproxy.proxy.server", "Invalid header line: %r", SECRET.encode())
    assert SECRET in _emit("llmwall", "a rule id %s is fine", SECRET)


def test_connection_chatter_is_moved_to_debug() -> None:
    root = logging.getLogger()
    old = root.level
    root.setLevel(logging.INFO)
    try:
        assert _emit("mitmproxy.proxy.server", "client connect") == ""
    finally:
        root.setLevel(old)
