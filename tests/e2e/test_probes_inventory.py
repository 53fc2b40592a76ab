"""Shadow AI: LLM-looking hosts outside the provider table are counted (by name at
CONNECT and SNI, by path and body shape for plain HTTP), listed by `llmwall inventory`
and `audit stats`, passed through by default and refused with `unknown_llm_hosts: deny`.
No unknown host is ever contacted: CONNECTs are closed before any data, SNIs ride on
tunnels to 127.0.0.1, plain requests go to a local server."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import assert_provider_shaped
from tests.e2e.raw_client import chat_body, connect, http1, request_bytes, send_connect

UNKNOWN = "api.mystery-llm.ai"
SNI = "inference.shadow-gpt.example"


class _Plain(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def plain() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Plain)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _probe(proxy: Proxy, plain: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with connect(proxy.url) as sock:  # CONNECT, then nothing: no upstream is contacted
        out["connect"] = send_connect(sock, f"{UNKNOWN}:443")
    with connect(proxy.url) as sock:  # an SNI on a tunnel to a closed local port
        target = f"127.0.0.1:{_closed_port()}"
        send_connect(sock, target)
        ctx = ssl.create_default_context(cafile=str(proxy.bundle))
        try:
            with ctx.wrap_socket(sock, server_hostname=SNI) as tls:
                out["sni"] = http1(
                    tls, request_bytes("POST", "/v1/chat/completions", SNI, chat_body("hi"))
                )
        except (ssl.SSLError, OSError):
            out["sni"] = None  # passed through to the closed port
    for path, body in (("/v1/chat/completions", chat_body("hi")), ("/generate", chat_body("hi"))):
        with connect(proxy.url) as sock:
            raw = request_bytes(
                "POST", f"http://127.0.0.1:{plain}{path}", f"127.0.0.1:{plain}", body
            )
            out[path] = http1(sock, raw)
    return out


def test_unknown_llm_hosts_pass_through_and_are_inventoried(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple, plain: int
) -> None:
    proxy = start_proxy(tmp_path_factory.mktemp("inventory"), base_config(fake, fake_tls[0]))
    try:
        got = _probe(proxy, plain)
    finally:
        proxy.stop()  # the inventory is flushed at shutdown
    assert got["connect"].status == 200
    assert got["/v1/chat/completions"].status == 200 and got["/generate"].status == 200
    listed = proxy.cli("inventory", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["host"]: r for r in json.loads(listed.stdout)}
    assert (rows[UNKNOWN]["reason"], rows[UNKNOWN]["connects"]) == ("name:llm", 1)
    assert (rows[SNI]["reason"], rows[SNI]["snis"]) == ("name:inference", 1)
    # one row per host and port: the reason first seen (the path), both requests counted
    assert (rows["127.0.0.1"]["reason"], rows["127.0.0.1"]["requests"]) == (
        "path:chat/completions",
        2,
    )
    assert all(r["denied"] == 0 for r in rows.values())
    text = proxy.cli("inventory").stdout
    assert UNKNOWN in text and "unknown_llm_hosts: passthrough" in text
    stats = proxy.cli("audit", "stats", "--json")
    section = json.loads(stats.stdout)["unknown_llm_host"]
    assert section[f"{UNKNOWN}:443 (name:llm)"] == 1


def test_deny_refuses_them_in_the_providers_shape(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple, plain: int
) -> None:
    config = base_config(fake, fake_tls[0], unknown_llm_hosts="deny")
    proxy = start_proxy(tmp_path_factory.mktemp("deny"), config)
    try:
        got = _probe(proxy, plain)
    finally:
        proxy.stop()
    body = assert_provider_shaped(got["connect"], status=403)
    assert body["error"]["code"] == "llmwall_unknown_llm_host"
    for key in ("sni", "/v1/chat/completions", "/generate"):
        assert_provider_shaped(got[key], status=403)
    rows = json.loads(proxy.cli("inventory", "--json").stdout)
    assert sum(r["denied"] for r in rows) == 4
